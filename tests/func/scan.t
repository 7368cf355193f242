#!/bin/bash
# scan against nmap in a lab: both scan the same target from the same
# namespace and must agree port by port (-sT, -sS, -sU, -sn, IPv4 and IPv6).
# Only lab addresses are ever scanned.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nmap socat knotd nft setpriv python3
. "$(dirname "$0")/lab/scan_lab.bash"
scan_lab_up

# The comparisons with nmap must not depend on which tool's ICMP errors the
# target's rate limiter swallowed: it is off here (scan_udp.t scans with it
# on, as Linux ships it).
icmp_ratelimit() { lab_exec tg sysctl -qw net.ipv4.icmp_ratelimit="$1" net.ipv6.icmp.ratelimit="$1"; }
icmp_ratelimit 0

TCP_PORTS=20-25,53,79-84,443,3000-3039,8080
UDP_PORTS=7,9,53,69,161,1000-1003

# same_as_nmap NAME "SCAN ARGS" [NMAP ARGS]: our report and nmap's agree.
same_as_nmap() {
	local name=$1 args=$2 nmap_args=${3:-$2} ours theirs
	lab_run sc "$SONDE" scan -n $args
	ok_rc "$RC" 0 "$name: exit status"
	ours=$(printf '%s\n' "$OUT" | port_states)
	lab_run sc nmap -n $nmap_args
	theirs=$(printf '%s\n' "$OUT" | port_states)
	like "$ours" "open" "$name: finds open ports"
	is "$ours" "$theirs" "$name: same port states as nmap"
}

same_as_nmap "-sT v4" "-sT -p $TCP_PORTS $TG_V4"
same_as_nmap "-sS v4" "-sS -p $TCP_PORTS $TG_V4"
same_as_nmap "-sS v4 1-1100 (Not shown)" "-sS -p 1-1100 $TG_V4"
same_as_nmap "-sU v4" "-sU -p $UDP_PORTS $TG_V4"
# Linux holds an ICMPv6 error to a connecting socket until the SYN's first
# retransmission (1 s): nmap's connect scan times out before that or not,
# run by run, on the rejected ports 82 and 83; scan waits it out.
same_as_nmap "-sT v6" "-6 -sT -p ${TCP_PORTS/79-84/79-81,84} $TG_V6"
lab_run sc "$SONDE" scan -n -6 -sT -p 82,83 --reason $TG_V6
is "$(printf '%s\n' "$OUT" | port_states)" "82/tcp closed
83/tcp filtered" "-sT v6: an ICMPv6 port unreachable refuses, admin-prohibited filters"
same_as_nmap "-sS v6" "-6 -sS -p $TCP_PORTS $TG_V6"
same_as_nmap "-sU v6" "-6 -sU -p $UDP_PORTS $TG_V6"
# The TCP scans split over worker threads (each with its own source port
# and socket filter), whatever the CPU count: the same states.
SONDE_SCAN_WORKERS=3 same_as_nmap "-sS v4, 3 workers" "-sS -p 1-1100,$TCP_PORTS $TG_V4"
SONDE_SCAN_WORKERS=2 same_as_nmap "-sT v4, 2 workers" "-sT -p $TCP_PORTS $TG_V4"
SONDE_SCAN_WORKERS=2 same_as_nmap "-sS v6, 2 workers" "-6 -sS -p $TCP_PORTS $TG_V6"
same_as_nmap "-sS and -sU at once, U:/T: lists" "-sS -sU -p T:22,80,81,U:7,9,161 $TG_V4"

lab_run sc "$SONDE" scan -n -sS -p 22,81,82 --reason $TG_V4
like "$OUT" "22/tcp +open +ssh +syn-ack ttl 64" "--reason: syn-ack with the TTL"
like "$OUT" "81/tcp +filtered +[a-z0-9-]+ +no-response" "--reason: no-response"
like "$OUT" "82/tcp +filtered +[a-z0-9-]+ +port-unreach ttl 64" "--reason: port-unreach"
like "$OUT" "Host is up, received echo-reply ttl 64" "--reason: how the host was found"

# Discovery over a block of lab addresses (two of them drop everything but
# ARP, which nmap's ARP ping and the neighbour table both see).
lab_run sc "$SONDE" scan -n -sn 10.77.0.0/27
ours=$(printf '%s\n' "$OUT" | hosts_up | sort -V | tr '\n' ' ')
lab_run sc nmap -n -sn 10.77.0.0/27
theirs=$(printf '%s\n' "$OUT" | hosts_up | sort -V | tr '\n' ' ')
is "$ours" "$SCAN_LAB_HOSTS_UP " "-sn: every lab host up, none more"
is "$ours" "$theirs" "-sn: the same hosts as nmap"
lab_run sc "$SONDE" scan -n -6 -sn fd77::/123
ours=$(printf '%s\n' "$OUT" | hosts_up | sort | tr '\n' ' ')
lab_run sc nmap -n -6 -sn fd77::/123
theirs=$(printf '%s\n' "$OUT" | hosts_up | sort | tr '\n' ' ')
is "$ours" "$theirs" "-sn -6: the same hosts as nmap"

# Targets: ranges, exclusions, files.
lab_run sc "$SONDE" scan -n -sn 10.77.0.10-12,14 --exclude 10.77.0.11
is "$(printf '%s\n' "$OUT" | hosts_up | tr '\n' ' ')" "10.77.0.10 10.77.0.12 10.77.0.14 " "octet ranges with --exclude"
printf '10.77.0.2\n10.77.0.20-21\n' >"$LAB_TMP/targets"
lab_run sc "$SONDE" scan -n -sn -iL "$LAB_TMP/targets"
is "$(printf '%s\n' "$OUT" | hosts_up | tr '\n' ' ')" "10.77.0.2 10.77.0.20 10.77.0.21 " "-iL FILE"
lab_run sc "$SONDE" scan -n -sn 10.77.0.40-41
ok_rc "$RC" 1 "no host up: exit 1"

# Output formats.
lab_run sc "$SONDE" scan -n -sS -p 22,80,81,1-30 --open $TG_V4
is "$(printf '%s\n' "$OUT" | port_states | head -2)" "22/tcp open
80/tcp open" "--open lists open ports only"
like "$OUT" "Not shown: 29 closed tcp ports \(reset\), 1 filtered tcp ports \(no-response\)" "--open: the rest is counted"
lab_run sc "$SONDE" scan -n -sS -p 22,81,1-30 -oG - $TG_V4
like "$OUT" $'Host: 10.77.0.2 \(\)\tPorts: 22/open/tcp//ssh///, 81/filtered/tcp//[a-z0-9-]*///\tIgnored State: closed \(29\)' "-oG -: nmap's grepable line"
unlike "$OUT" "Scan report" "-oG -: normal output stays off stdout"
lab_run sc "$SONDE" scan -n -sS -p 22,81 -oX "$LAB_TMP/scan.xml" $TG_V4
run python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
for p in r.iter("port"):
    print(p.get("portid"), p.find("state").get("state"))
print(r.find("runstats/hosts").get("up"))' "$LAB_TMP/scan.xml"
is "$OUT" "22 open
81 filtered
1" "-oX: nmap's XML layout"
lab_run sc "$SONDE" scan -n -sS -p 22,81 --json $TG_V4
printf '%s' "$OUT" >"$LAB_TMP/scan.json"
run python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
h = d["hosts"][0]
print(h["address"], h["status"], " ".join("%d/%s=%s" % (p["port"], p["protocol"], p["state"]) for p in h["ports"]), d["summary"]["hosts_up"])' "$LAB_TMP/scan.json"
is "$OUT" "10.77.0.2 up 22/tcp=open 81/tcp=filtered 1" "--json"
# 29 closed ports: more than the 25 listed one by one, so --json counts them
# in "extraports" as -oX does (a -p- scan listed 65,000); -v lists them.
json_ports() { python3 -c 'import json, sys
h = json.loads(sys.argv[1])["hosts"][0]
print(" ".join("%d/%s" % (p["port"], p["state"]) for p in h["ports"] if p["port"] in (1, 22, 81)),
      ["%s/%s=%d" % (e["protocol"], e["state"], e["count"]) for e in h["extraports"]])' "$1"; }
lab_run sc "$SONDE" scan -n -sS -p 22,81,1-30 --json $TG_V4
is "$(json_ports "$OUT")" "22/open 81/filtered ['tcp/closed=29']" "--json: 29 closed ports counted in extraports, not listed"
lab_run sc "$SONDE" scan -n -sS -p 22,81,1-30 -oX - $TG_V4
like "$OUT" '<extraports state="closed" count="29"/>' "-oX: the same ports counted"
lab_run sc "$SONDE" scan -n -sS -v -p 22,81,1-30 --json $TG_V4
is "$(json_ports "$OUT")" "1/closed 22/open 81/filtered []" "--json -v: the closed ports listed (threshold 50)"
lab_run sc "$SONDE" scan -n -sT -p 22,80 --banner $TG_V4
like "$OUT" "\| banner: SSH-2.0-sonde_lab" "--banner: the SSH greeting"
like "$OUT" "\| banner: HTTP/1.0 200 OK" "--banner: a HEAD answered on a web port"

# The progress line, on a terminal only (script(1) gives the scan one), and
# a status line when Enter is pressed.
if command -v script >/dev/null; then
	OUT=$( (sleep 3; echo) | ip netns exec "$(ns sc)" timeout -k 5 40 script -qec \
		"$SONDE scan -n -sS -p 1-700 --scan-delay 5ms --max-retries 0 $TG_V4" /dev/null)
	like "$OUT" "SYN scan 10.77.0.2: [0-9.]+% done, [0-9]+ probes/s" "a terminal shows the progress line"
	like "$OUT" "Stats: [0-9]+s elapsed; SYN scan" "Enter prints a status line"
	like "$OUT" "Not shown: [0-9]+ closed tcp ports" "and the scan's report follows"
fi
lab_run sc "$SONDE" scan -n -sS -p 1-700 --scan-delay 1ms $TG_V4
unlike "$ERR" "% done" "no progress line when stderr is not a terminal"

# UDP against the kernel's ICMP rate limit (on): scan_udp.t.

# Privilege: -sS needs CAP_NET_RAW; --fallback scans with connects.
noraw() { lab_run sc setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all "$SONDE" scan -n "$@"; }
noraw -sS -p 22 $TG_V4
ok_rc "$RC" 3 "-sS without CAP_NET_RAW: exit 3"
like "$ERR" "CAP_NET_RAW" "-sS without CAP_NET_RAW: says which capability"
noraw -sS --fallback -p $TCP_PORTS $TG_V4
ok_rc "$RC" 0 "--fallback: scans"
like "$ERR" "falling back" "--fallback: says so"
ours=$(printf '%s\n' "$OUT" | port_states)
lab_run sc setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	nmap -n -sT -p $TCP_PORTS $TG_V4
is "$ours" "$(printf '%s\n' "$OUT" | port_states)" "--fallback: the states of nmap's connect scan"
noraw -sU -p 7,9,161 $TG_V4
is "$(printf '%s\n' "$OUT" | port_states)" "7/udp open
9/udp open|filtered
161/udp closed" "-sU without privilege (IP_RECVERR)"

# Usage errors: one line, exit 2; nothing is sent.
run "$SONDE" scan -sS -sT 127.0.0.1
ok_rc "$RC" 2 "-sS with -sT: usage error"
run "$SONDE" scan -p 0 127.0.0.1
ok_rc "$RC" 2 "-p 0: usage error"
like "$ERR" "port number too small" "-p 0: says why"
run "$SONDE" scan -n 10.0.0.0/8
ok_rc "$RC" 2 "a /8 is refused before anything is sent"
run "$SONDE" scan fd00::1
ok_rc "$RC" 2 "IPv6 target without -6"
run "$SONDE" scan
ok_rc "$RC" 2 "no targets"
# strtod reads nan and inf: the duration options refuse them (a NaN once
# passed every range check and overflowed the probe gap).
for opt in --scan-delay --host-timeout; do
	for v in nan inf -inf nanms 1e999h; do
		run "$SONDE" scan -n -p 1 "$opt" "$v" 127.0.0.1
		ok_rc "$RC" 2 "$opt $v: usage error"
		is "$ERR" "sonde scan: $opt: not a finite duration: '$v'" "$opt $v: one line saying why"
	done
done
run "$SONDE" scan -n --min-rate nan 127.0.0.1
ok_rc "$RC" 2 "--min-rate nan: usage error"

done_testing
