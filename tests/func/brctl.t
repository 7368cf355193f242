#!/bin/bash
# sonde brctl show against bridge-utils' brctl in the same lab namespace.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip brctl

lab_ns a
A=$(ns a)
ipa() { ip -n "$A" "$@"; }
ipa link add br0 type bridge
ipa link add br1 type bridge stp_state 1 priority 4096
ipa link add brempty type bridge
for p in vp2 vp1 vp10; do
	ipa link add "$p" type veth peer name "$p"b
	ipa link set "$p" master br0
done
ipa link add vq1 type veth peer name vq1b
ipa link set vq1 master br1

for args in "show" "show br0" "show br1" "show brempty"; do
	# shellcheck disable=SC2086
	want=$(ip netns exec "$A" brctl $args)
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" brctl $args
	is "$OUT" "$want" "brctl $args"
done
run ip netns exec "$A" "$SONDE" brctl --json show
like "$OUT" '\{"name":"br0","bridge_id":"8000\.[0-9a-f]{12}","stp":false,"interfaces":\["vp1","vp10","vp2"\]\}' "--json: br0"
like "$OUT" '\{"name":"br1","bridge_id":"1000\.[0-9a-f]{12}","stp":true,"interfaces":\["vq1"\]\}' "--json: br1 with STP"
run ip netns exec "$A" "$SONDE" brctl addbr br9
ok_rc "$RC" 2 "brctl addbr is refused"
run ip netns exec "$A" "$SONDE" brctl show nosuch
ok_rc "$RC" 1 "unknown bridge: exit 1"
done_testing
