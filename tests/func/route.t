#!/bin/bash
# sonde route against net-tools' route in the same lab namespace.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip route

lab_ns a
lab_ns b
A=$(ns a)
ip netns exec "$A" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
lab_link a 10.9.0.1/24 b 10.9.0.2/24 fd00::1/64 fd00::2/64
ipa() { ip -n "$A" "$@"; }
ipa route add default via 10.9.0.2
ipa route add 172.16.0.0/16 via 10.9.0.2 metric 100
ipa route add 10.9.0.77/32 via 10.9.0.2
ipa route add blackhole 10.66.0.0/16
ipa route add unreachable 10.67.0.0/16
ipa route add prohibit 10.68.0.0/16
ipa route add 10.70.0.0/16 nexthop via 10.9.0.2 weight 1 nexthop via 10.9.0.3 weight 2
ipa route add 10.82.0.0/24 via 10.9.0.2 advmss 1360 window 5000 rtt 80ms
ipa route add 10.80.0.0/16 via 10.9.0.2 table 100
ipa route add fd01::/64 via fd00::2

for args in "-n" "" "-ne" "-e" "-n -4" "-n -A inet"; do
	# shellcheck disable=SC2086
	want=$(ip netns exec "$A" route $args)
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" route $args
	is "$OUT" "$want" "route $args"
done

# IPv6: the same rows, without /proc's per-table "::/0 !n -1 lo" placeholders
# (rtnetlink does not report them); reference counts move, so compare the rest.
cut6() { grep -v '^::/0 \|^\[::\]/0 ' | awk '{ $5 = "R"; print }'; }
want=$(ip netns exec "$A" route -n -6 | cut6)
run ip netns exec "$A" "$SONDE" route -n -6
is "$(printf '%s\n' "$OUT" | cut6)" "$want" "route -n -6 (without placeholders, refcounts masked)"
want=$(ip netns exec "$A" route -A inet6 | cut6)
run ip netns exec "$A" "$SONDE" route -A inet6
is "$(printf '%s\n' "$OUT" | cut6)" "$want" "route -A inet6"

run ip netns exec "$A" "$SONDE" route -n --json
like "$OUT" '^\[\{"destination":"0.0.0.0","gateway":"10.9.0.2","genmask":"0.0.0.0","flags":"UG","metric":0,"ref":0,"use":0,"iface":"veth0"\}' \
	"--json: rows as objects"
like "$OUT" '"destination":"10.67.0.0","gateway":"-","genmask":"255.255.0.0","flags":"!","metric":0,"use":0,"iface":"-"' \
	"--json: a reject route"
run "$SONDE" route --netns "$A" -n
is "$OUT" "$(ip netns exec "$A" route -n)" "--netns"

run "$SONDE" route add default gw 10.9.0.9
ok_rc "$RC" 2 "route add is refused"
like "$ERR" "^sonde route: .*refused" "route add: one line saying why"
run "$SONDE" route -A ipx
ok_rc "$RC" 2 "unknown family: exit 2"
done_testing
