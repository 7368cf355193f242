#!/bin/bash
# sonde ip route show against iproute2's ip with 100,000 routes in one lab
# namespace: wall time with hyperfine, peak RSS with /usr/bin/time, side by
# side in one run, and a check that both print the same bytes.  The issue's
# bar: at most 1.0x iproute2's wall time, at most 2x its peak RSS (sonde
# streams the dump).  Not part of `make test`.  Needs root.
#
#   tests/bench/ip_route.sh [ROUTES]      (default 100000)
ROUTES=${1:-100000}
. "$(dirname "$0")/lab.sh"
bench_need ip hyperfine /usr/bin/time
bench_need_root
TMP=$LAB_TMP

lab_ns ip
NS=$(ns ip)
lab_veth_loop ip veth0 veth1 10.0.0.1/16
# ROUTES /32 routes under 20.0.0.0/8, via a neighbour on veth0, in one batch.
awk -v n="$ROUTES" 'BEGIN { for (i = 0; i < n; i++)
	printf "route add 20.%d.%d.%d/32 via 10.0.0.2 dev veth0\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' \
	>"$TMP/batch"
ip -n "$NS" -batch "$TMP/batch" || { echo "cannot add the routes" >&2; exit 1; }
echo "routes in the namespace: $(ip -n "$NS" route show | wc -l)"

ip netns exec "$NS" ip route show >"$TMP/ip.out"
ip netns exec "$NS" "$SONDE" ip route show >"$TMP/sonde.out"
if cmp -s "$TMP/ip.out" "$TMP/sonde.out"; then echo "output: identical ($(wc -c <"$TMP/ip.out") bytes)"; else
	echo "output: DIFFERS"; diff "$TMP/ip.out" "$TMP/sonde.out" | head -5; fi

hyperfine -N --warmup 2 --runs 10 --export-markdown "$TMP/times.md" \
	-n "iproute2 ip route show" "ip netns exec $NS ip route show" \
	-n "sonde ip route show" "ip netns exec $NS $SONDE ip route show" >/dev/null 2>&1 ||
	hyperfine --warmup 2 --runs 10 --export-markdown "$TMP/times.md" \
		-n "iproute2 ip route show" "ip netns exec $NS ip route show >/dev/null" \
		-n "sonde ip route show" "ip netns exec $NS $SONDE ip route show >/dev/null" >/dev/null
cat "$TMP/times.md"

rss() { /usr/bin/time -f %M ip netns exec "$NS" "$@" 2>&1 >/dev/null | tail -n1; }
ip_rss=$(rss ip route show)
sonde_rss=$(rss "$SONDE" ip route show)
echo "peak RSS: iproute2 ${ip_rss} KiB, sonde ${sonde_rss} KiB ($(awk -v a="$sonde_rss" -v b="$ip_rss" 'BEGIN { printf "%.2f", a / b }')x)"
