#!/bin/bash
# scan -sU against Linux's ICMP rate limit (on, as Linux ships it): closed
# ports must come out closed although most of their ICMP errors are held
# back, IPv4 and IPv6, one host or two at once, and agree with nmap.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nmap socat knotd nft python3
. "$(dirname "$0")/lab/scan_lab.bash"
scan_lab_up
# A second target on a link of its own: its own kernel, so its own bucket.
TG2_V4=10.79.0.2
lab_ns tg2
lab_link sc 10.79.0.1/24 tg2 $TG2_V4/24
lab_exec tg2 nft add table inet lab
lab_exec tg2 nft add chain inet lab input '{ type filter hook input priority 0; }'
lab_exec tg2 nft add rule inet lab input udp dport 9 drop

PORTS=7,9,53,69,161,1000-1007
closed_lines() { local p; for p in 161 $(seq 1000 1007); do echo "$p/udp closed"; done; }
TG_WANT="7/udp open
9/udp open|filtered
53/udp open
69/udp filtered
$(closed_lines)"

# The ports of a report, "PORT STATE", listed ones and those behind "Not
# shown" alike (-v -v -v lists them all, as it does with nmap).
all_states() { grep -E '^[0-9]+/udp ' | awk '{print $1, $2}' | sort -n; }

# nmap gives a port up after a few silent tries whatever the bucket held, so
# it may call a closed port open|filtered (the error was rate limited away),
# or a rejected one (69/udp's admin-prohibited comes from the same bucket).
# same_but_rate_limited OURS NMAP NAME: equal, except ports nmap gave up on
# that drew an ICMP error for us.
same_but_rate_limited() {
	local ours=$1 theirs=$2 name=$3 forgiven
	forgiven=$(awk 'NR == FNR {state[$1] = $2; next}
		(state[$1] == "closed" || state[$1] == "filtered") && $2 == "open|filtered" {print $1}' \
		<(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") | tr '\n' ' ')
	[ -n "$forgiven" ] && diag "$name: nmap gave up on $forgiven(rate-limited ICMP), scan got their ICMP errors"
	is "$(printf '%s\n' "$ours" | awk -v skip=" $forgiven" 'index(skip, " " $1 " ") == 0')" \
		"$(printf '%s\n' "$theirs" | awk -v skip=" $forgiven" 'index(skip, " " $1 " ") == 0')" "$name"
}

lab_run sc nmap -n -Pn -sU -vvv -p $PORTS $TG_V4
theirs=$(printf '%s\n' "$OUT" | all_states)
lab_run sc "$SONDE" scan -n -Pn -sU -vvv -p $PORTS $TG_V4
ours=$(printf '%s\n' "$OUT" | all_states)
is "$ours" "$TG_WANT" "-sU v4, ICMP rate limit on: every state right"
same_but_rate_limited "$ours" "$theirs" "-sU v4, ICMP rate limit on: nmap's states"

# The lab's echo server answers over IPv4 only: 7 is silent over IPv6.
lab_run sc nmap -n -Pn -6 -sU -vvv -p $PORTS $TG_V6
theirs=$(printf '%s\n' "$OUT" | all_states)
lab_run sc "$SONDE" scan -n -Pn -6 -sU -vvv -p $PORTS $TG_V6
ours=$(printf '%s\n' "$OUT" | all_states)
is "$ours" "$(printf '%s\n' "$TG_WANT" | sed 's|^7/udp open$|7/udp open\|filtered|')" \
	"-sU v6, ICMPv6 rate limit on: every state right"
same_but_rate_limited "$ours" "$theirs" "-sU v6, ICMPv6 rate limit on: nmap's states"

# Two hosts at once: each bucket is reasoned about on its own, and neither
# host's errors are taken for the other's.
lab_run sc "$SONDE" scan -n -Pn -sU -p $PORTS $TG_V4 $TG2_V4
ok_rc "$RC" 0 "-sU two hosts: exit status"
both=$(printf '%s\n' "$OUT" | awk '/can report for / {host = $NF} /^[0-9]+\/udp / {print host, $1, $2}')
is "$(printf '%s\n' "$both" | grep "^$TG_V4 " | cut -d' ' -f2-)" "$TG_WANT" "-sU two hosts: the first host's states"
is "$(printf '%s\n' "$both" | grep "^$TG2_V4 " | cut -d' ' -f2-)" \
	"$(printf '%s\n' "$TG_WANT" | sed -E 's/ (open|filtered)$/ closed/; s|^9/udp .*|9/udp open\|filtered|')" \
	"-sU two hosts: the second host's states"

# Two addresses of one kernel share its bucket (the errors to us go through
# one per-peer limit): each host's silences still need proof, not a credit
# the other host may have spent.
SHARED=9,69,161,1000-1007
shared_want="9/udp open|filtered
69/udp filtered
$(closed_lines)"
lab_run sc "$SONDE" scan -n -Pn -sU -p $SHARED $TG_V4 10.77.0.10
both=$(printf '%s\n' "$OUT" | awk '/can report for / {host = $NF} /^[0-9]+\/udp / {print host, $1, $2}')
is "$(printf '%s\n' "$both" | grep "^$TG_V4 " | cut -d' ' -f2-)" "$shared_want" "-sU two addresses, one bucket: the first's states"
is "$(printf '%s\n' "$both" | grep "^10.77.0.10 " | cut -d' ' -f2-)" "$shared_want" "-sU two addresses, one bucket: the second's states"

# The target's bucket emptied just before the scan: closed ports must still
# come out closed, not open|filtered, and silent ones open|filtered.
lab_exec sc python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in range(2000, 2030): s.sendto(b"x", ("10.77.0.2", p))'
lab_run sc "$SONDE" scan -n -sU -vvv -p $PORTS $TG_V4
is "$(printf '%s\n' "$OUT" | all_states)" "$TG_WANT" "-sU through an emptied ICMP rate limit: every state right"

done_testing
