#!/bin/bash
# Throughput and CPU cost of sonde iperf3 against iperf3 3.12 on two lab
# paths, one veth between two namespaces and a routed one (client, router,
# server: two veths and a forwarding hop): sonde's client and server, then
# iperf3's, alternating, for one stream, for -P 4 and for UDP at 1 Gbit/s
# (-u -b 1G, iperf3's default block: the veth's MSS).  Each run reads the
# received rate (and for UDP the receiver's loss) from the client's -J
# document and the CPU time (user + system) of both ends from getrusage;
# prints the medians and the CPU seconds per GB moved.  Not part of
# `make test`; needs root.
#
#   tests/bench/iperf3.sh [SECS] [RUNS]      (default 5 s, 3 runs)
#
# The client runs on CPU 0 and the server on CPU 1 (taskset), both tools
# alike: left to the scheduler, a two-CPU machine gave bimodal figures
# (~20 or ~45 Gbit/s at -P 4) as it happened to put both ends on one CPU
# or not.  BENCH_PIN=0 leaves the placement to the scheduler.
#
# BENCH_RT=1 runs both ends at a real-time priority (chrt -f 10): on a
# machine shared with other work, the runs then see CPUs nearly as idle as
# on a quiet one (the figures of a loaded machine measure its load).
SECS=${1:-5}
RUNS=${2:-3}
. "$(dirname "$0")/lab.sh"
bench_need_root
bench_need iperf3 python3
lab_ns cli
lab_ns srv
lab_link cli 10.78.0.1/24 srv 10.78.0.2/24
lab_ns rcli
lab_ns rtr
lab_ns rsrv
lab_link rcli 10.78.1.1/24 rtr 10.78.1.254/24
lab_link rtr 10.78.2.254/24 rsrv 10.78.2.2/24
ip netns exec "$(ns rtr)" sysctl -qw net.ipv4.ip_forward=1
ip -n "$(ns rcli)" route add 10.78.2.0/24 via 10.78.1.254
ip -n "$(ns rsrv)" route add 10.78.1.0/24 via 10.78.2.254

# cpu_of OUT CMD...: runs CMD, writes its CPU seconds (user + system,
# children included) to OUT; stdout and stderr are CMD's.
cpu_of() {
	python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.3f\n" % (r.ru_utime + r.ru_stime))' "$@"
}

# one_run TOOL PORT ARGS...: "GBITS CPU_S_PER_GB LOST_PERCENT" for one test
# of TOOL (the sonde binary or iperf3) as both client and server, on the
# path $CLI -> $SRV at $SRV_ADDR (the loss is 0 for TCP).
one_run() {
	local tool=$1 port=$2 server
	local -a cmd=(iperf3) on_client=() on_server=()
	shift 2
	[ "$tool" = sonde ] && cmd=("$SONDE" iperf3)
	[ "${BENCH_RT:-0}" = 1 ] && cmd=(chrt -f 10 "${cmd[@]}")
	if [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
		on_client=(taskset -c 0) on_server=(taskset -c 1)
	fi
	cpu_of "$LAB_TMP/server.cpu" ip netns exec "$(ns "$SRV")" "${on_server[@]}" "${cmd[@]}" -s -1 -p "$port" >/dev/null 2>&1 &
	server=$!
	lab_wait_listen "$SRV" "$port" >&2
	cpu_of "$LAB_TMP/client.cpu" ip netns exec "$(ns "$CLI")" "${on_client[@]}" "${cmd[@]}" -c "$SRV_ADDR" -p "$port" -t "$SECS" \
		-J "$@" >"$LAB_TMP/client.json"
	wait "$server"
	python3 - "$LAB_TMP/client.json" "$LAB_TMP/client.cpu" "$LAB_TMP/server.cpu" <<'PY'
import json, sys
end = json.load(open(sys.argv[1]))["end"]["sum_received"]
cpu = float(open(sys.argv[2]).read()) + float(open(sys.argv[3]).read())
print("%.2f %.2f %.2f" % (end["bits_per_second"] / 1e9, cpu / (end["bytes"] / 1e9), end.get("lost_percent", 0)))
PY
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

port=47300
for path in "cli srv 10.78.0.2 over one veth" "rcli rsrv 10.78.2.2 across a routed hop"; do
	read -r CLI SRV SRV_ADDR PATH_NAME <<<"$path"
	for shape in "-P 1" "-P 4" "-u -b 1G"; do
		sonde_rate=() sonde_cpu=() sonde_loss=() iperf_rate=() iperf_cpu=() iperf_loss=()
		for run in $(seq 1 "$RUNS"); do
			port=$((port + 2))
			# shellcheck disable=SC2086 # the shape is several words
			read -r rate cpu loss < <(one_run sonde "$port" $shape)
			sonde_rate+=("$rate") sonde_cpu+=("$cpu") sonde_loss+=("$loss")
			# shellcheck disable=SC2086
			read -r rate cpu loss < <(one_run iperf3 $((port + 1)) $shape)
			iperf_rate+=("$rate") iperf_cpu+=("$cpu") iperf_loss+=("$loss")
			echo "$PATH_NAME $shape run $run: sonde ${sonde_rate[-1]} Gbit/s ${sonde_cpu[-1]} CPU s/GB ${sonde_loss[-1]}% lost," \
				"iperf3 ${iperf_rate[-1]} Gbit/s ${iperf_cpu[-1]} CPU s/GB ${iperf_loss[-1]}% lost" >&2
		done
		echo "iperf3 -t $SECS $shape $PATH_NAME, median of $RUNS runs (client + server CPU):"
		echo "  sonde iperf3  $(printf '%s\n' "${sonde_rate[@]}" | median) Gbit/s" \
			" $(printf '%s\n' "${sonde_cpu[@]}" | median) CPU s per GB" \
			" $(printf '%s\n' "${sonde_loss[@]}" | median)% lost"
		echo "  iperf3 3.12   $(printf '%s\n' "${iperf_rate[@]}" | median) Gbit/s" \
			" $(printf '%s\n' "${iperf_cpu[@]}" | median) CPU s per GB" \
			" $(printf '%s\n' "${iperf_loss[@]}" | median)% lost"
	done
done
