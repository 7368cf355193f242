#!/bin/bash
# Throughput of sonde nc against netcat-openbsd over the loopback of a lab
# namespace: N MB from a client to a listener that discards them, 5 runs
# each, alternating tools in one run so both see the same machine state.
# Prints each tool's median MB/s and the ratio.  Not part of `make test`;
# needs root (the namespace).
#
#   tests/bench/nc_throughput.sh [MB]        (default 1000; or NC_BENCH_MB)
MB=${1:-${NC_BENCH_MB:-1000}}
RUNS=5
PORT_BASE=${NC_BENCH_PORT:-47100}
. "$(dirname "$0")/lab.sh"
bench_need_root
bench_need nc.openbsd
lab_ns lo
NS=$(ns lo)

# one_run TOOL PORT: prints MB/s for MB megabytes from TOOL's client to TOOL's listener.
one_run() {
	local tool=$1 port=$2 start end listener
	ip netns exec "$NS" $tool -l 127.0.0.1 "$port" >/dev/null </dev/null &
	listener=$!
	lab_wait_listen lo "$port" >&2
	start=$(date +%s%N)
	head -c "${MB}M" /dev/zero | ip netns exec "$NS" $tool -N 127.0.0.1 "$port"
	wait "$listener"
	end=$(date +%s%N)
	awk -v mb="$MB" -v ns=$((end - start)) 'BEGIN { printf "%.1f\n", mb * 1048576 / 1e6 / (ns / 1e9) }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

sonde_rates=() openbsd_rates=()
for run in $(seq 1 $RUNS); do
	port=$((PORT_BASE + run * 2))
	sonde_rates+=("$(one_run "$SONDE nc" "$port")")
	openbsd_rates+=("$(one_run nc.openbsd $((port + 1)))")
	echo "run $run: sonde ${sonde_rates[-1]} MB/s, nc.openbsd ${openbsd_rates[-1]} MB/s" >&2
done
sonde_median=$(printf '%s\n' "${sonde_rates[@]}" | median)
openbsd_median=$(printf '%s\n' "${openbsd_rates[@]}" | median)
echo "nc throughput, $MB MiB over loopback, median of $RUNS runs:"
echo "  sonde nc     $sonde_median MB/s"
echo "  nc.openbsd   $openbsd_median MB/s"
awk -v a="$sonde_median" -v b="$openbsd_median" 'BEGIN { printf "  ratio        %.2f (sonde / netcat-openbsd)\n", a / b }'
