#!/bin/bash
# sonde route against net-tools' route in the same lab namespace.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip route

. "$TESTS_DIR/func/lab/route_lab.bash"
route_lab_pair
route_lab_routes

for args in "-n" "" "-ne" "-e" "-nee" "-ee" "-n -4" "-n -A inet"; do
	# shellcheck disable=SC2086
	want=$(ip netns exec "$A" route $args)
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" route $args
	is "$OUT" "$want" "route $args"
done

# IPv6: the same rows, without /proc's per-table "::/0 !n -1 lo" placeholders
# (rtnetlink does not report them).  The Ref column is the kernel's count of
# users of each route, read from /proc/net/ipv6_route as net-tools reads it
# (rtnetlink says 0): compared exactly, the lab namespace being quiet.
# A count can still move between the two reads (a multicast route's user
# let go): both read again 0.5 s later once, as same_as_classic does.
cut6() { grep -v '^::/0 \|^\[::\]/0 '; }
same_route6() { # NAME ARGS...
	local name=$1 try got
	shift
	for try in 1 2; do
		[ "$try" = 1 ] || sleep 0.5
		want=$(ip netns exec "$A" route "$@" | cut6)
		run ip netns exec "$A" "$SONDE" route "$@"
		got=$(printf '%s\n' "$OUT" | cut6)
		[ "$got" = "$want" ] && break
	done
	is "$got" "$want" "$name"
}
same_route6 "route -n -6 (without placeholders), Ref included" -n -6
like "$want" " [1-9] +[0-9]+ " "route -n -6: net-tools shows non-zero reference counts here"
run ip netns exec "$A" "$SONDE" route -n -6 --json
like "$OUT" '"ref":[1-9]' "route -n -6 --json: the reference counts"
run ip netns exec "$A" unshare -m sh -c "umount -l /proc && exec $SONDE route -n -6"
like "$OUT" "^fe80::/64 +:: +U +256 - +0 veth0" "route -n -6 without /proc: Ref is '-', not a made-up 0"
same_route6 "route -A inet6" -A inet6

run ip netns exec "$A" "$SONDE" route -n --json
like "$OUT" '^\[\{"destination":"0.0.0.0","gateway":"10.9.0.2","genmask":"0.0.0.0","flags":"UG","metric":0,"ref":0,"use":0,"ifname":"veth0"\}' \
	"--json: rows as objects"
like "$OUT" '"destination":"10.67.0.0","gateway":"-","genmask":"255.255.0.0","flags":"!","metric":0,"use":0,"ifname":"-"' \
	"--json: a reject route"
run "$SONDE" route --netns "$A" -n
is "$OUT" "$(ip netns exec "$A" route -n)" "--netns"

run "$SONDE" route add default gw 10.9.0.9
ok_rc "$RC" 2 "route add is refused"
like "$ERR" "^sonde route: .*refused" "route add: one line saying why"
run "$SONDE" route -A ipx
ok_rc "$RC" 2 "unknown family: exit 2"
done_testing
