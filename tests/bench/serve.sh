#!/bin/bash
# sonde serve beside Debian's prometheus-blackbox-exporter: the latency of
# a probe as a scraper sees it (wall time of the HTTP exchange, on a
# kept-alive connection, ROUNDS probes in a row) and the CPU each costs the
# exporter (its utime + stime, with its waited-for children's: sonde runs
# each probe in a child), per module, against the same targets in
# namespace srv: tcp_connect to an open port, http_2xx to a 200, icmp.
# SONDE_BASELINE=PATH adds a column for another sonde binary (a build
# before a change), measured in the same run.
ROUNDS=${ROUNDS:-200}
BASELINE=${SONDE_BASELINE:-}
. "$(dirname "$0")/lab.sh"
set -e
bench_need_root
bench_need curl python3 prometheus-blackbox-exporter socat
C=10.123.0.1
S=10.123.0.2
lab_ns cli
lab_ns srv
lab_link cli "$C/24" srv "$S/24"
lab_bg srv socat "TCP-LISTEN:8001,bind=$S,reuseaddr,fork" "SYSTEM:true"
lab_bg srv python3 "$TOP/tests/func/lab/serve_http.py" "$S" 8080
lab_bg cli "$SONDE" serve --listen "$C:9115"
sonde_pid=$LAST_BG_PID
lab_bg cli prometheus-blackbox-exporter --config.file=/etc/prometheus/blackbox.yml --web.listen-address="$C:9116"
bb_pid=$LAST_BG_PID
ports="9115 9116"
if [ -n "$BASELINE" ]; then
	lab_bg cli "$BASELINE" serve --listen "$C:9117"
	base_pid=$LAST_BG_PID
	ports="$ports 9117"
fi
for port in $ports; do lab_wait_listen cli "$port"; done
lab_wait_listen srv 8001
lab_wait_listen srv 8080

ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# measure PORT PID MODULE TARGET: "ms-per-probe cpu-ms-per-probe"
measure() {
	local port=$1 pid=$2 url="http://$C:$1/probe?module=$3&target=$4" i t0 t1 c0 c1
	for i in $(seq 1 "$ROUNDS"); do printf 'url = "%s"\noutput = /dev/null\n' "$url"; done >"$LAB_TMP/urls"
	lab_exec cli curl -s "$url" -o /dev/null   # warm up
	c0=$(ticks "$pid")
	t0=$(date +%s%N)
	lab_exec cli curl -s -K "$LAB_TMP/urls"
	t1=$(date +%s%N)
	c1=$(ticks "$pid")
	python3 -c 'import sys; r, t, c, hz = map(float, sys.argv[1:]); print("%.2f %.3f" % (t / 1e6 / r, c * 1000 / hz / r))' \
		"$ROUNDS" $((t1 - t0)) $((c1 - c0)) "$hz"
}

printf '%-12s %28s %28s' "" "sonde serve" "blackbox_exporter 0.23.0"
[ -n "$BASELINE" ] && printf ' %28s' "sonde serve (baseline)"
printf '\n%-12s %14s %13s %14s %13s' module "ms/probe" "CPU ms/probe" "ms/probe" "CPU ms/probe"
[ -n "$BASELINE" ] && printf ' %14s %13s' "ms/probe" "CPU ms/probe"
echo
for m in "tcp_connect $S:8001" "http_2xx http://$S:8080/ok" "icmp $S"; do
	set -- $m
	read -r s_ms s_cpu <<<"$(measure 9115 "$sonde_pid" "$1" "$2")"
	read -r b_ms b_cpu <<<"$(measure 9116 "$bb_pid" "$1" "$2")"
	printf '%-12s %14s %13s %14s %13s' "$1" "$s_ms" "$s_cpu" "$b_ms" "$b_cpu"
	if [ -n "$BASELINE" ]; then
		read -r o_ms o_cpu <<<"$(measure 9117 "$base_pid" "$1" "$2")"
		printf ' %14s %13s' "$o_ms" "$o_cpu"
	fi
	echo
done
echo "($ROUNDS probes each, in a row on one kept-alive connection; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
