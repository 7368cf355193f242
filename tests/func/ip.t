#!/bin/bash
# sonde ip against iproute2's ip in the same lab namespace, byte for byte:
# routers, policy rules, several tables, blackhole/unreachable/prohibit and
# multipath routes, a bridge with veth ports, vxlan and macvlan (when the
# kernel has them), IPv6, static and dynamic neighbour entries.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip

lab_ns a
lab_ns b
A=$(ns a)
# No duplicate address detection: "tentative" must not flip between two runs.
for n in a b; do
	ip netns exec "$(ns $n)" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
done
lab_link a 10.9.0.1/24 b 10.9.0.2/24 fd00::1/64 fd00::2/64
ipa() { ip -n "$A" "$@"; }
ipa link add br0 type bridge
ipa link add vp1 type veth peer name vp1b
ipa link set vp1 master br0
ipa link set br0 up; ipa link set vp1 up; ipa link set vp1b up
ipa addr add 192.168.50.1/24 brd + dev br0
ipa addr add 192.168.50.9/24 dev br0 label br0:1
ipa link add vx0 type vxlan id 42 dstport 4789 local 10.9.0.1 dev veth0 2>/dev/null && HAVE_VXLAN=1
ipa link add mv0 link veth0 type macvlan mode bridge 2>/dev/null && HAVE_MACVLAN=1
ipa route add default via 10.9.0.2
ipa route add 172.16.0.0/16 via 10.9.0.2 metric 100 proto static
ipa route add blackhole 10.66.0.0/16
ipa route add unreachable 10.67.0.0/16
ipa route add prohibit 10.68.0.0/16
ipa route add 10.70.0.0/16 nexthop via 10.9.0.2 weight 1 nexthop via 192.168.50.2 weight 3
ipa route add 10.80.0.0/16 via 10.9.0.2 table 100
ipa route add default dev veth0 table 200 src 10.9.0.1
ipa route add 10.81.0.0/24 dev br0 scope link table 200 proto 42
ipa route add 10.82.0.0/24 via 10.9.0.2 mtu lock 1400 advmss 1360
ipa route add fd01::/64 via fd00::2
ipa route add fd02::/64 nexthop via fd00::2 nexthop via fd00::3
ipa -6 route add unreachable fd03::/64
ipa rule add from 10.1.0.0/16 lookup 100 pref 1000
ipa rule add to 10.2.0.0/16 fwmark 0x10/0xff iif veth0 lookup 200 pref 1001
ipa rule add not from 10.3.0.0/16 lookup main suppress_prefixlength 0 pref 1002
ipa rule add uidrange 1000-2000 oif br0 lookup 200 pref 1003
ipa rule add pref 1004 goto 1006
ipa rule add pref 1005 blackhole
ipa rule add pref 1006 fwmark 7 lookup 100
ipa -6 rule add from fd00::/64 lookup 100 pref 500
ipa neigh add 10.9.0.77 lladdr 02:00:00:00:00:77 dev veth0 nud permanent
ipa neigh add 10.9.0.78 lladdr 02:00:00:00:00:78 dev veth0 nud stale
ipa neigh add 10.9.0.79 lladdr 02:00:00:00:00:79 dev veth0 nud noarp
ipa neigh add fd00::99 lladdr 02:00:00:00:00:99 dev veth0 router nud reachable
lab_exec a ping -c1 -W2 10.9.0.2 >/dev/null # a kernel-learned (dynamic) entry

# compare ARGS...: `ip ARGS` and `sonde ip ARGS` inside namespace a.
compare() {
	local want
	want=$(ip netns exec "$A" ip "$@" 2>&1)
	run ip netns exec "$A" "$SONDE" ip "$@"
	is "$OUT" "$want" "ip $*"
}

# The invocations the issue names, then JSON, then filters and details.
for args in "route" "-6 route" "route show table all" "rule" "-6 rule" "addr" "-br addr" "link" \
	"neigh" "route get 10.9.0.2" "route get 127.0.0.1" "route get 192.168.50.255" "route get fd00::2" \
	"route get 8.8.8.8 from 10.9.0.1" "route get 10.9.0.5 mark 7 oif veth0" "-br link" \
	"-j route" "-j -6 route" "-j route show table all" "-j rule" "-j addr" "-j -br addr" "-j link" \
	"-j -br link" "-j neigh" "-j route get 10.9.0.2" "-j -p route" "-j -p addr" "-j -p rule" \
	"-4 addr" "-6 addr show dev veth0" "addr show br0" "addr show scope link" "addr show secondary" \
	"-4 route show table local" "-6 route show table local" "route show table 200" "-d route" \
	"-d route show table all" "route show 10.70.0.0/16" "route show root 10.0.0.0/8" \
	"route show match 10.70.1.1" "route show dev br0" "route show proto kernel" "route show type blackhole" \
	"route show via 10.9.0.2" "route show src 10.9.0.1" "route show default" "-6 route show default" \
	"rule show pref 1001" "rule list table 200" "link show vp1" "link show type veth" "link show master br0" \
	"neigh show dev veth0" "neigh show nud all" "neigh show nud permanent" "-4 neigh" "-6 neigh"; do
	# shellcheck disable=SC2086
	compare $args
done
if [ -n "${HAVE_VXLAN:-}" ]; then compare -d link show vx0; compare -j -d link show vx0; fi
if [ -n "${HAVE_MACVLAN:-}" ]; then compare -d link show mv0; compare -j -d link show mv0; fi
compare -d link show veth0
compare -d addr show lo

# Counters move between the two runs here (IPv6 neighbour discovery): the
# layout with the digits masked; the numbers are checked exactly below.  A
# neighbour may also change state between the two reads (REACHABLE to
# STALE): same_as_classic reads again once.
mask() { sed -E 's/[0-9]+/N/g; s/ +/ /g'; }
for args in "-s link" "-s -s link" "-s addr" "-s neigh"; do
	# shellcheck disable=SC2086
	same_as_classic -f mask "ip $args (counters masked)" a ip $args
done

# The counters themselves, exactly, where only the test moves them
# (lab_quiet_pair): q0 sent 4 frames of 44 bytes and received none, q1 the
# reverse, so RX and TX read from the wrong place cannot pass.
lab_quiet_pair qa qb 4
for n in qa qb; do
	for args in "-s link" "-s -s link" "-s addr" "-s -j link"; do
		# A link whose carrier settles between the two reads is read once more.
		# shellcheck disable=SC2086
		same_as_classic "ip $args in a quiet namespace ($n): every counter" "$n" ip $args
	done
done
# ip -s neigh: only the entry's ages (seconds, "used A/B/C") may tick between the two runs.
ages() { sed -E 's|used [0-9]+/[0-9]+/[0-9]+|used A/B/C|'; }
want=$(ip netns exec "$(ns qa)" ip -s neigh | ages)
run ip netns exec "$(ns qa)" "$SONDE" ip -s neigh
is "$(printf '%s\n' "$OUT" | ages)" "$want" "ip -s neigh in a quiet namespace: all but the ages"
run ip netns exec "$(ns qa)" "$SONDE" ip -s -j link show q0
python3 - "$OUT" <<'PY' && pass "ip -s -j link show q0: TX 4 packets 176 bytes, RX none (what the test sent)" || fail "ip -s -j link show q0: the datagrams the test sent" "$OUT"
import json, sys
s = json.loads(sys.argv[1])[0]["stats64"]
assert (s["tx"]["packets"], s["tx"]["bytes"]) == (4, 176), s
assert (s["rx"]["packets"], s["rx"]["bytes"]) == (0, 0), s
PY
run ip netns exec "$(ns qb)" "$SONDE" ip -s -j link show q1
python3 - "$OUT" <<'PY' && pass "ip -s -j link show q1: RX 4 packets 176 bytes, TX none" || fail "ip -s -j link show q1: the datagrams the test sent" "$OUT"
import json, sys
s = json.loads(sys.argv[1])[0]["stats64"]
assert (s["rx"]["packets"], s["rx"]["bytes"]) == (4, 176), s
assert (s["tx"]["packets"], s["tx"]["bytes"]) == (0, 0), s
PY

# Read-only: every write form is refused with one line and exit 2.
for args in "route add 10.5.0.0/16 dev veth0" "addr del 10.9.0.1/24 dev veth0" "link set veth0 down" \
	"rule flush" "neigh flush all"; do
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" ip $args
	ok_rc "$RC" 2 "ip $args is refused"
	like "$ERR" "^sonde ip: .*refused" "ip $args: says why"
done
is "$(ipa route show 10.5.0.0/16)" "" "nothing was added"

# Usage errors.
run "$SONDE" ip frobnicate
ok_rc "$RC" 2 "unknown object: exit 2"
run "$SONDE" ip route show table nosuchtable
ok_rc "$RC" 2 "unknown table: exit 2"
run "$SONDE" ip -4 -6 route
ok_rc "$RC" 2 "-4 with -6: exit 2"

# --netns and --json from the common driver.
run "$SONDE" ip --netns "$A" route
is "$OUT" "$(ipa route)" "--netns NAME: same as inside"
run "$SONDE" ip --json --netns "$A" route
is "$OUT" "$(ipa -j route)" "--json is -j"
# ... and after the object words, as ss and iptables take them.
run "$SONDE" ip route --json --netns "$A"
is "$OUT" "$(ipa -j route)" "route --json --netns NS: the driver's options after the object"
run ip netns exec "$A" "$SONDE" ip addr show dev veth0 --json
is "$OUT" "$(ipa -j addr show dev veth0)" "addr show dev veth0 --json: ip -j's output"

# route get --explain: rules in order, the table, the route, the source and the neighbour.
run ip netns exec "$A" "$SONDE" ip route get 10.9.0.2 --explain
ok_rc "$RC" 0 "--explain: exit 0"
like "$OUT" "^10.9.0.2 dev veth0 src 10.9.0.1 uid 0 " "--explain: the kernel's answer first"
like "$OUT" "0:	from all lookup local  -> matches; table local has no route" "--explain: rule 0 consulted"
like "$OUT" "1000:	from 10.1.0.0/16 lookup 100  -> the lookup has no source" "--explain: a source rule does not match"
like "$OUT" "1002:	not from 10.3.0.0/16 lookup main suppress_prefixlength 0  -> matches; table main has a route" \
	"--explain: 'not from' matches a lookup without source"
like "$OUT" "route: 10.9.0.0/24 dev veth0 proto kernel scope link src 10.9.0.1" "--explain: the route chosen"
like "$OUT" "why: longest prefix \(/24\) of the 2 routes" "--explain: longest prefix"
like "$OUT" "source: 10.9.0.1 \(the route's preferred source" "--explain: the source address"
like "$OUT" "neighbour: lladdr ([0-9a-f]{2}:){5}[0-9a-f]{2} (REACHABLE|STALE|DELAY|PROBE)" "--explain: neighbour state"
run ip netns exec "$A" "$SONDE" ip route get 10.200.0.1 --explain
like "$OUT" "1002:	not from 10.3.0.0/16 lookup main suppress_prefixlength 0  -> matches; table main's /0 route is suppressed" \
	"--explain: suppress_prefixlength"
like "$OUT" "1004:	from all goto 1006  -> matches; continues at priority 1006" "--explain: goto"
like "$OUT" "1005:	from all blackhole  -> skipped by the goto" "--explain: the goto skips 1005"
like "$OUT" "32766:	from all lookup main  -> matches; table main has a route" "--explain: main answers"
like "$OUT" "route: default via 10.9.0.2 dev veth0" "--explain: the default route"
like "$OUT" "next hop: 10.9.0.2 dev veth0 \(the route's gateway\)" "--explain: the gateway is the next hop"
run ip netns exec "$A" "$SONDE" ip route get 10.1.2.3 from 10.1.0.5 iif lo --explain
like "$OUT" "1000:	from 10.1.0.0/16 lookup 100  -> matches; table 100 has no route" "--explain: from selects rule 1000"
run ip netns exec "$A" "$SONDE" ip route get 10.80.1.1 from 10.1.0.5 --explain
like "$OUT" "table: 100" "--explain: policy rule sends the lookup to table 100"
run ip netns exec "$A" "$SONDE" ip -j route get 10.9.0.2 --explain
like "$OUT" '"explain":\{"rules":\[\{"rule":"0:\\tfrom all lookup local","result":"no_route"' "--explain -j: rules as objects"
like "$OUT" '"agrees_with_kernel":true' "--explain -j: the walk agrees with the kernel"
run ip netns exec "$A" "$SONDE" ip route get 10.67.1.1 --explain
ok_rc "$RC" 1 "--explain of an unreachable destination: exit 1"
like "$OUT" "unreachable 10.67.0.0/16" "--explain: the unreachable route is named"

done_testing
