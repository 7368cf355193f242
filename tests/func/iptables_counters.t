#!/bin/bash
# Counters, unmasked, in a namespace where nothing else sends: known
# traffic on lo through counted rules, then -L -v, -L -v -x, -S -v and
# --save -c of both backends compared with iptables' own, byte for byte.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iptables_lab.bash"
need_cmd ping

lab_ns quiet
for backend in legacy nft; do
	lab_exec quiet iptables-$backend -A INPUT -p icmp -j ACCEPT
	lab_exec quiet iptables-$backend -A OUTPUT -o lo -p icmp -m comment --comment counted -j ACCEPT
	lab_exec quiet iptables-$backend -P FORWARD DROP
done
# Enough bytes that -L abbreviates them (over 99999 bytes: "K").
lab_exec quiet ping -q -c 20 -i 0.01 -s 6000 127.0.0.1 >/dev/null
for backend in legacy nft; do
	for args in "-L -v -n" "-L -v -n -x" "-S -v"; do
		want=$(lab_exec quiet iptables-$backend $args 2>/dev/null)
		lab_run quiet "$SONDE" iptables --backend $backend $args
		is "$OUT" "$want" "iptables $args ($backend): counters as iptables shows them"
	done
	want=$(lab_exec quiet iptables-$backend-save -c 2>/dev/null | grep -v '^#')
	lab_run quiet "$SONDE" iptables --backend $backend --save -c
	is "$(printf '%s\n' "$OUT" | grep -v '^#')" "$want" "--save -c ($backend): counters as iptables-save shows them"
done
like "$(lab_exec quiet "$SONDE" iptables --backend legacy -L OUTPUT -v -n)" "^ +[0-9]+ +[0-9]+K ACCEPT" "bytes abbreviated to K"
done_testing
