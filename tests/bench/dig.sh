#!/bin/bash
# sonde dig against kdig and bind9's dig on the DNS lab (tests/func/lab/dig_lab.bash):
#  1. one query, cold start (hyperfine, each tool started afresh each run);
#  2. dig -f with 1000 names, one pass each, alternating tools.
# Prints the figures side by side.  Not part of `make test`; needs root.
#
#   tests/bench/dig.sh [RUNS]      (hyperfine runs, default 200)
RUNS=${1:-200}
. "$(dirname "$0")/lab.sh"
bench_need_root
bench_need knotd dig kdig hyperfine python3
source "$TOP/tests/func/lab/dig_lab.bash" >/dev/null

NS=$(ns dns)
echo "one query (www.example.test A @$DNS_V4), cold start, $RUNS runs each:"
ip netns exec "$NS" hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$LAB_TMP/one.json" \
	"$SONDE dig @$DNS_V4 www.example.test" \
	"kdig @$DNS_V4 www.example.test" \
	"dig @$DNS_V4 www.example.test" >/dev/null 2>&1
python3 - "$LAB_TMP/one.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ms = {x["command"].split()[0].split("/")[-1]: x["median"] * 1000 for x in r}
sonde = ms["sonde"]
for name in ("sonde", "kdig", "dig"):
    print("  %-6s %7.2f ms median" % (name, ms[name]))
print("  sonde/kdig %.2f   sonde/dig %.2f" % (sonde / ms["kdig"], sonde / ms["dig"]))
PY

python3 -c 'print("\n".join("n%d.wild.example.test" % i for i in range(1000)))' >"$LAB_TMP/names"
time_batch() { # TOOL...: seconds for dig -f over the 1000 names
	local start end
	start=$(date +%s%N)
	ip netns exec "$NS" "$@" @$DNS_V4 -f "$LAB_TMP/names" +noall +answer >"$LAB_TMP/batch.out" 2>&1
	end=$(date +%s%N)
	[ "$(grep -c '192.0.2.99' "$LAB_TMP/batch.out")" = 1000 ] || echo "  warning: $1 did not print 1000 answers" >&2
	awk -v ns=$((end - start)) 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}
sonde_s=() dig_s=()
for run in 1 2 3; do
	sonde_s+=("$(time_batch "$SONDE" dig)")
	dig_s+=("$(time_batch dig)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
echo "dig -f with 1000 names, median of 3 runs:"
echo "  sonde  $(median "${sonde_s[@]}") s"
echo "  dig    $(median "${dig_s[@]}") s"
awk -v a="$(median "${sonde_s[@]}")" -v b="$(median "${dig_s[@]}")" 'BEGIN { printf "  sonde/dig %.2f\n", a / b }'
