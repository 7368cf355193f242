#!/bin/bash
# ping against iputils ping, side by side in one run: the cold start of
# `ping -c 1` (hyperfine, over a veth pair) and the median RTT each reports
# over the same veth pair (200 probes, alternating tools).  Not part of
# `make test`.
. "$(dirname "$0")/lab.sh"
bench_need_root
bench_need hyperfine ping
lab_ns a; lab_ns b
lab_link a 10.94.0.1/24 b 10.94.0.2/24
A=$(ns a)
ip netns exec "$A" ping -c 1 -W 2 10.94.0.2 >/dev/null

hyperfine -N -w 5 -r 50 --export-json "$LAB_TMP/cold.json" \
	"ip netns exec $A $SONDE ping -c 1 10.94.0.2" "ip netns exec $A ping -c 1 10.94.0.2" >/dev/null 2>&1
read -r s c < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.2f" % (x["median"]*1000) for x in r))' "$LAB_TMP/cold.json")
echo "ping -c 1 cold start over a veth pair (median of 50):"
echo "  sonde ping   $s ms"
echo "  iputils ping $c ms"

median_rtt() { grep -o 'time=[0-9.]*' | cut -d= -f2 | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }
sonde_rtts="" iputils_rtts=""
for round in 1 2 3 4; do
	sonde_rtts+=$(ip netns exec "$A" "$SONDE" ping -c 50 -i 0.01 10.94.0.2)$'\n'
	iputils_rtts+=$(ip netns exec "$A" ping -c 50 -i 0.01 10.94.0.2)$'\n'
done
s=$(printf '%s' "$sonde_rtts" | median_rtt)
c=$(printf '%s' "$iputils_rtts" | median_rtt)
echo "RTT over a veth pair (median of 200 replies each, alternating):"
echo "  sonde ping   $s ms"
echo "  iputils ping $c ms"
awk -v a="$s" -v b="$c" 'BEGIN { printf "  difference   %+.0f us (target within +-10 us)\n", (a - b) * 1000 }'
