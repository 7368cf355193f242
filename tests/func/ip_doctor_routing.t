#!/bin/bash
# sonde doctor's routing section (applets/doctor_routing.c): the default
# gateway's neighbour state, veth peer MTUs across namespaces, lo addresses.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip python3

lab_ns a
lab_ns b
A=$(ns a)
B=$(ns b)
lab_link a 10.9.0.1/24 b 10.9.0.2/24
ip -n "$A" route add default via 10.9.0.2
ip -n "$A" neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent

run ip netns exec "$A" "$SONDE" doctor
like "$OUT" "PASS  routing    IPv4 gateway 10.9.0.2 on veth0 is PERMANENT at 02:00:00:00:00:02" "gateway neighbour known"
like "$OUT" "PASS  routing    veth veth0 and its peer \(in $B\) agree on MTU 1500" "veth MTUs agree across namespaces"
unlike "$OUT" "lo carries" "no lo warning for 127.0.0.1 alone"

ip -n "$B" link set veth0 mtu 1400
ip -n "$A" addr add 10.99.0.1/32 dev lo
ip -n "$A" neigh replace 10.9.0.2 dev veth0 nud incomplete
run ip netns exec "$A" "$SONDE" doctor
like "$OUT" "FAIL  routing    IPv4 gateway 10.9.0.2 on veth0 does not answer ARP \(INCOMPLETE\)" "gateway not answering"
like "$OUT" "WARN  routing    veth veth0 has MTU 1500 but its peer \(in $B\) has 1400" "MTU mismatch found in the peer namespace"
like "$OUT" "WARN  routing    lo carries 10.99.0.1/32 outside 127.0.0.0/8" "lo address outside 127/8"

run ip netns exec "$A" "$SONDE" doctor --json
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
for c in doc["checks"]:
    if c["section"] == "routing" and c["name"] == "veth_mtu":
        print(c["status"], c["mtu"], c["peer_mtu"])')
is "$got" "warn 1500 1400" "--json: veth_mtu with both MTUs"
done_testing
