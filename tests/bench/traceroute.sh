#!/bin/bash
# traceroute and --report against the classic traceroute and mtr, in the test
# lab (c - r1 - r2 (silent) - r3 - s), side by side in one run: hyperfine's
# mean wall time of each, the ratio, and a check that both found the same hops.
# Not part of `make test`.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SONDE=${SONDE:-$TOP/build/sonde}
. "$TOP/tests/lib.sh" >/dev/null
. "$TOP/tests/func/ping_lab.sh"
[ "$(id -u)" = 0 ] || { echo "needs root (namespaces)" >&2; exit 2; }
for c in hyperfine traceroute mtr; do command -v $c >/dev/null || { echo "needs $c" >&2; exit 2; }; done
ping_lab_up >/dev/null
C=$(ns c)

same_hops() {
	local a b
	a=$(ip netns exec "$C" traceroute -n 10.93.4.2 | sed -E 's/  [0-9.]+ ms//g')
	b=$(ip netns exec "$C" "$SONDE" traceroute -n 10.93.4.2 | sed -E 's/  [0-9.]+ ms//g')
	[ "$a" = "$b" ] && echo "same hops: yes" || { echo "same hops: NO"; diff <(echo "$a") <(echo "$b"); }
}

mean_ms() { # JSON file -> mean ms of command N
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.1f" % (x["mean"]*1000) for x in r))' "$1"
}

echo "traceroute -n through 4 hops (one silent):"
same_hops
hyperfine -N -w 3 -r 20 --export-json "$LAB_TMP/tr.json" \
	"ip netns exec $C $SONDE traceroute -n 10.93.4.2" "ip netns exec $C traceroute -n 10.93.4.2" >/dev/null 2>&1
read -r s c < <(mean_ms "$LAB_TMP/tr.json")
echo "  sonde traceroute -n   $s ms"
echo "  traceroute -n         $c ms"
awk -v a="$s" -v b="$c" 'BEGIN { printf "  ratio                 %.2f (target <= 1.0)\n", a / b }'

echo "--report -c 3 against mtr -r -c 3:"
hyperfine -N -w 1 -r 5 --export-json "$LAB_TMP/rep.json" \
	"ip netns exec $C $SONDE traceroute -n --report -c 3 10.93.4.2" "ip netns exec $C mtr -r -n -c 3 10.93.4.2" >/dev/null 2>&1
read -r s c < <(mean_ms "$LAB_TMP/rep.json")
echo "  sonde --report -c 3   $s ms"
echo "  mtr -r -c 3           $c ms"
awk -v a="$s" -v b="$c" 'BEGIN { printf "  ratio                 %.2f (target <= 0.5)\n", a / b }'
