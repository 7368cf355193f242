#!/bin/bash
# sonde arp against net-tools' arp in the same lab namespace.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip arp

lab_ns a
lab_ns b
A=$(ns a)
lab_link a 10.9.0.1/24 b 10.9.0.2/24
ipa() { ip -n "$A" "$@"; }
ipa neigh add 10.9.0.77 lladdr 02:00:00:00:00:77 dev veth0 nud permanent
ipa neigh add 10.9.0.78 lladdr 02:00:00:00:00:78 dev veth0 nud stale
ipa neigh add 10.9.0.79 lladdr 02:00:00:00:00:79 dev veth0 nud noarp
ipa neigh add 10.9.0.80 dev veth0 nud incomplete
lab_exec a ping -c1 -W2 10.9.0.2 >/dev/null

# The kernel's hash order differs between /proc/net/arp and the netlink
# dump: compare the header, then the rows sorted.
sorted() { { head -n1; sort; }; }
for args in "-n" "" "-i veth0" "-n -i veth0"; do
	# shellcheck disable=SC2086
	want=$(ip netns exec "$A" arp $args | sorted)
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" arp $args
	is "$(printf '%s\n' "$OUT" | sorted)" "$want" "arp $args"
done
want=$(ip netns exec "$A" arp -an | sort)
run ip netns exec "$A" "$SONDE" arp -an
is "$(printf '%s\n' "$OUT" | sort)" "$want" "arp -an"
unlike "$OUT" "10.9.0.79" "NOARP entries are left out, as /proc/net/arp does"
run ip netns exec "$A" "$SONDE" arp -n --json
like "$OUT" '\{"address":"10.9.0.77","hwtype":"ether","lladdr":"02:00:00:00:00:77","flags":"CM","ifname":"veth0"\}' "--json"
run ip netns exec "$A" "$SONDE" arp -d 10.9.0.77
ok_rc "$RC" 2 "arp -d is not an option here: exit 2"
run ip netns exec "$A" "$SONDE" arp -s 10.9.0.5 02:00:00:00:00:05
ok_rc "$RC" 2 "arp -s is refused"
is "$(ipa neigh show 10.9.0.77 | awk '{print $NF}')" "PERMANENT" "the table is unchanged"
done_testing
