#!/bin/bash
# sonde serve beside Debian's prometheus-blackbox-exporter: the latency of
# a probe as a scraper sees it (wall time of the HTTP exchange, on a
# kept-alive connection) and the CPU each costs the exporter (its utime +
# stime, with its waited-for children's: sonde runs each probe in a child),
# per module, against the same targets in namespace srv: tcp_connect to an
# open port, http_2xx to a 200, icmp.  PAIRS batches of BATCH probes per
# exporter, the two alternating (which goes first swaps each pair); the
# medians of the batches.  Then memory: each exporter's RSS before and
# after MEM_PROBES more http_2xx probes.
# SONDE_BASELINE=PATH adds a column for another sonde binary (a build
# before a change), measured in the same run.
PAIRS=${PAIRS:-5}
BATCH=${BATCH:-40}
MEM_PROBES=${MEM_PROBES:-2000}
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

# batch PORT PID MODULE TARGET COUNT: "ms-per-probe cpu-ms-per-probe" over COUNT probes in a row.
batch() {
	local port=$1 pid=$2 url="http://$C:$1/probe?module=$3&target=$4" count=$5 i t0 t1 c0 c1
	for i in $(seq 1 "$count"); do printf 'url = "%s"\noutput = /dev/null\n' "$url"; done >"$LAB_TMP/urls.$port"
	c0=$(ticks "$pid")
	t0=$(date +%s%N)
	lab_exec cli curl -s -K "$LAB_TMP/urls.$port"
	t1=$(date +%s%N)
	c1=$(ticks "$pid")
	python3 -c 'import sys; r, t, c, hz = map(float, sys.argv[1:]); print("%.2f %.3f" % (t / 1e6 / r, c * 1000 / hz / r))' \
		"$count" $((t1 - t0)) $((c1 - c0)) "$hz"
}
median_of() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# The exporters measured: "PORT PID" each, sonde first.
exporters=("9115 $sonde_pid" "9116 $bb_pid")
[ -n "$BASELINE" ] && exporters+=("9117 $base_pid")

printf '%-12s %28s %28s' "" "sonde serve" "blackbox_exporter 0.23.0"
[ -n "$BASELINE" ] && printf ' %28s' "sonde serve (baseline)"
printf '\n%-12s %14s %13s %14s %13s' module "ms/probe" "CPU ms/probe" "ms/probe" "CPU ms/probe"
[ -n "$BASELINE" ] && printf ' %14s %13s' "ms/probe" "CPU ms/probe"
echo
for m in "tcp_connect $S:8001" "http_2xx http://$S:8080/ok" "icmp $S"; do
	read -r module target <<<"$m"
	for e in "${exporters[@]}"; do
		read -r port pid <<<"$e"
		lab_exec cli curl -s "http://$C:$port/probe?module=$module&target=$target" -o /dev/null   # warm up
		: >"$LAB_TMP/runs.$port"
	done
	for pair in $(seq 1 "$PAIRS"); do
		order=("${exporters[@]}")
		if [ $((pair % 2)) = 0 ]; then order=("${exporters[1]}" "${exporters[0]}" "${exporters[@]:2}"); fi
		for e in "${order[@]}"; do
			read -r port pid <<<"$e"
			batch "$port" "$pid" "$module" "$target" "$BATCH" >>"$LAB_TMP/runs.$port"
		done
	done
	printf '%-12s' "$module"
	for e in "${exporters[@]}"; do
		read -r port pid <<<"$e"
		printf ' %14s %13s' "$(awk '{print $1}' "$LAB_TMP/runs.$port" | median_of)" \
			"$(awk '{print $2}' "$LAB_TMP/runs.$port" | median_of)"
	done
	echo
done
echo "(medians of $PAIRS alternating batches of $BATCH probes each, in a row on one kept-alive connection;" \
	"$(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"

# Memory: RSS before and after MEM_PROBES http_2xx probes, per exporter.
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
echo
echo "memory over $MEM_PROBES more http_2xx probes (VmRSS of the exporter's process):"
for e in "${exporters[@]}"; do
	read -r port pid <<<"$e"
	before=$(rss_kib "$pid")
	batch "$port" "$pid" http_2xx "http://$S:8080/ok" "$MEM_PROBES" >/dev/null
	after=$(rss_kib "$pid")
	case $port in
	9115) name="sonde serve" ;;
	9116) name="blackbox_exporter" ;;
	*) name="sonde (baseline)" ;;
	esac
	printf '  %-18s %7d KiB -> %7d KiB (%+d KiB)\n' "$name" "$before" "$after" $((after - before))
done
