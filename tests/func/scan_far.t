#!/bin/bash
# scan against nmap on a host three hops away (sc -- r1 -- r2 -- far): all
# 65535 TCP ports, where the scan is split over worker threads, and host
# discovery by a TCP ACK to port 80 when echo and SYNs are dropped.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nmap socat nft
. "$(dirname "$0")/lab/scan_lab.bash"
scan_far_up 0

# same_as_nmap NAME "SCAN ARGS" "NMAP ARGS": our report and nmap's agree.
same_as_nmap() {
	local name=$1 ours
	lab_run sc "$SONDE" scan -n $2
	ok_rc "$RC" 0 "$name: exit status"
	ours=$(printf '%s\n' "$OUT" | port_states)
	lab_run sc nmap -n $3
	is "$ours" "$(printf '%s\n' "$OUT" | port_states)" "$name: same port states as nmap"
}

same_as_nmap "-sS -p-" "-Pn -sS -p- $FAR_V4" "-Pn -sS -p- $FAR_V4"
same_as_nmap "-sT -p-" "-Pn -sT -p- $FAR_V4" "-Pn -sT -p- $FAR_V4"
# Three workers whatever the CPU count: each reads only its own replies.
export SONDE_SCAN_WORKERS=3
same_as_nmap "-sS, 3 workers" "-Pn -sS -p 1-2000,5432,6443,9100 $FAR_V4" "-Pn -sS -p 1-2000,5432,6443,9100 $FAR_V4"
same_as_nmap "-sT, 3 workers" "-Pn -sT -p 1-2000,5432,6443,9100 $FAR_V4" "-Pn -sT -p 1-2000,5432,6443,9100 $FAR_V4"
unset SONDE_SCAN_WORKERS

# far drops every ICMP message and every SYN: only the ACK to 80 of the
# default discovery draws an answer (a RST), for nmap as for scan.
lab_exec far nft -f - <<'NFT'
table inet lab {
	chain input {
		type filter hook input priority 0;
		meta l4proto icmp drop
		tcp flags & syn == syn drop
	}
}
NFT
reason() { grep -o 'Host is up, received [a-z-]* ttl [0-9]*'; }
lab_run sc "$SONDE" scan -n -sn --reason $FAR_V4
ok_rc "$RC" 0 "-sn: a host answering only the ACK is up"
like "$OUT" "Host is up, received reset ttl 62" "-sn --reason: reset, from three hops away (TTL 64 - 2)"
ours=$(printf '%s\n' "$OUT" | hosts_up)
ours_reason=$(printf '%s\n' "$OUT" | reason)
lab_run sc nmap -n -sn --reason $FAR_V4
is "$ours_reason" "$(printf '%s\n' "$OUT" | reason)" "-sn --reason: the same reason and TTL as nmap"
is "$ours" "$(printf '%s\n' "$OUT" | hosts_up)" "-sn: the same host up as nmap"
lab_exec far nft add rule inet lab input tcp dport 80 drop
lab_run sc "$SONDE" scan -n -sn $FAR_V4
ok_rc "$RC" 1 "-sn: no answer to any probe: down"

done_testing
