#!/bin/bash
# sonde ifconfig against net-tools' ifconfig in the same lab namespace.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip ifconfig

. "$TESTS_DIR/func/lab/route_lab.bash"
route_lab_pair
ipa link add br0 type bridge
ipa link add vp1 type veth peer name vp1b
ipa link set vp1 master br0
ipa link set br0 up; ipa link set vp1 up
ipa addr add 192.168.50.1/24 brd + dev br0
ipa addr add 192.168.50.9/24 dev br0 label br0:1
ipa link add eth10 type veth peer name eth2

# Counters move here (IPv6 neighbour discovery) and IPv6 addresses come in
# /proc's hash order: mask digits in counter lines (checked exactly in a
# quiet namespace below), and sort the inet6 lines of each block.
norm() {
	sed -E '/(RX|TX) (packets|errors)/ s/[0-9]+(\.[0-9])?/N/g' |
		perl -ne 'if (/^        inet6 /) { push @v6, $_; next } print sort @v6; @v6 = (); print;
			  END { print sort @v6 }'
}
for args in "" "-a" "br0" "br0:1" "lo" "-a eth10"; do
	# shellcheck disable=SC2086
	want=$(ip netns exec "$A" ifconfig $args | norm)
	[ -n "$want" ] || fail "ifconfig $args: net-tools printed something to compare with"
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" ifconfig $args
	is "$(printf '%s\n' "$OUT" | norm)" "$want" "ifconfig $args"
done
want=$(ip netns exec "$A" ifconfig -s | sed -E 's/[0-9]+/N/g; s/ +/ /g')
run ip netns exec "$A" "$SONDE" ifconfig -s
is "$(printf '%s\n' "$OUT" | sed -E 's/[0-9]+/N/g; s/ +/ /g')" "$want" "ifconfig -s (counters masked)"

# The counters themselves, exactly, where only the test moves them
# (lab_quiet_pair): q0 sent 4 frames of 44 bytes and received none, q1 the
# reverse, so RX and TX read from the wrong place cannot pass.
lab_quiet_pair qa qb 4
for n in qa qb; do
	for args in "-a" "-s" "-a -s"; do
		# A link whose carrier settles between the two reads is read once more.
		# shellcheck disable=SC2086
		same_as_classic "ifconfig $args in a quiet namespace ($n): every counter" "$n" ifconfig $args
	done
done
run ip netns exec "$(ns qa)" "$SONDE" ifconfig q0
like "$OUT" '^        RX packets 0  bytes 0 \(0\.0 B\)$' "ifconfig q0: nothing received"
like "$OUT" '^        TX packets 4  bytes 176 \(176\.0 B\)$' "ifconfig q0: the 4 datagrams the test sent"
run ip netns exec "$(ns qb)" "$SONDE" ifconfig q1
like "$OUT" '^        RX packets 4  bytes 176 \(176\.0 B\)$' "ifconfig q1: the 4 datagrams received"
like "$OUT" '^        TX packets 0  bytes 0 \(0\.0 B\)$' "ifconfig q1: nothing sent"

run ip netns exec "$A" "$SONDE" ifconfig nosuch0
ok_rc "$RC" 1 "unknown interface: exit 1"
like "$ERR" "nosuch0: error fetching interface information: Device not found" "unknown interface: net-tools' words"
run ip netns exec "$A" "$SONDE" ifconfig br0 down
ok_rc "$RC" 2 "ifconfig IFACE down is refused"
like "$(ipa link show br0)" "<[A-Z_,-]*,UP[,>]" "br0 is still up"
run ip netns exec "$A" "$SONDE" ifconfig --json lo
like "$OUT" '^\[\{"ifname":"lo","flags":73,"flag_names":\["UP","LOOPBACK","RUNNING"\],"mtu":65536,"inet":"127.0.0.1","netmask":"255.0.0.0"' "--json"
done_testing
