#!/bin/bash
# The nmap link name: scan's options, nmap's words in the report lines, and
# the same report as nmap's own for the same scan (port lines, "Nmap scan
# report for", "Nmap done").  Only lab addresses are scanned.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nmap socat knotd nft
. "$(dirname "$0")/lab/scan_lab.bash"
scan_lab_up
lab_exec tg sysctl -qw net.ipv4.icmp_ratelimit=0

ln -s "$SONDE" "$LAB_TMP/nmap"
# Service names come from different tables: the port lines are compared
# without them, the rest whole (latency aside).
report_lines() {
	grep -E '^(Nmap scan report|Host is up|Not shown|PORT|[0-9]+/tcp)' | sed -E 's/ \(0\.[0-9]+s latency\)//' |
		awk '/^[0-9]+\/tcp/ { print $1, $2; next } /^PORT/ { print $1, $2, $3; next } { print }'
}

lab_run sc "$LAB_TMP/nmap" -n -sS -p 20-25,80-83,3000-3039 10.77.0.2
ok_rc "$RC" 0 "nmap link: scans"
ours=$(printf '%s\n' "$OUT" | report_lines)
like "$OUT" "^Nmap done: 1 IP address \(1 host up\) scanned in [0-9.]+ seconds" "nmap's footer"
lab_run sc nmap -n -sS -p 20-25,80-83,3000-3039 10.77.0.2
theirs=$(printf '%s\n' "$OUT" | report_lines)
is "$ours" "$theirs" "the report's lines as nmap writes them"

lab_run sc "$LAB_TMP/nmap" -n -sn 10.77.0.2 -oG -
like "$OUT" $'Host: 10.77.0.2 \(\)\tStatus: Up' "-sn -oG - as nmap"
like "$OUT" "# Nmap done" "grepable footer in nmap's words"

run "$LAB_TMP/nmap" -sV 127.0.0.1
ok_rc "$RC" 2 "an nmap option sonde does not have is a usage error"

done_testing
