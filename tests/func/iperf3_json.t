#!/bin/bash
# iperf3 -J: sonde's document has the keys and nesting of iperf3 3.12's for
# the same run shape (client against the real server, and each server with
# the real client), and its figures add up as iperf3's do.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iperf3_lab.bash"
need_root
need_cmd iperf3 python3

iperf3_lab
iperf3_server real iperf3 -s -p 5201
lab_wait_listen srv 5201

# same_keys NAME ARGS...: the client's -J documents, iperf3's and sonde's.
same_keys() {
	local name=$1
	shift
	lab_exec cli iperf3 -c 10.77.0.2 "$@" -J >"$LAB_TMP/want.json"
	lab_run cli "$SONDE" iperf3 -c 10.77.0.2 "$@" -J
	ok_rc "$RC" 0 "$name: exit 0"
	printf '%s\n' "$OUT" >"$LAB_TMP/got.json"
	is "$(json_keys "$LAB_TMP/got.json")" "$(json_keys "$LAB_TMP/want.json")" "$name: iperf3's keys"
}
same_keys "-J" -t 1
same_keys "-J -R -P 2" -t 1 -R -P 2
same_keys "-J --bidir" -t 1 --bidir
same_keys "-J -n 8M -P 2 -T t" -n 8M -P 2 -T t

# sums_add_up FILE: each interval's sum is its streams' total, the end's
# sums are the streams' totals, and -n 8M sent exactly 8 MiB.
sums_add_up() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
for iv in d["intervals"]:
    if iv["sum"]["bytes"] != sum(s["bytes"] for s in iv["streams"]):
        bad.append("interval sum")
end = d["end"]
if end["sum_sent"]["bytes"] != sum(s["sender"]["bytes"] for s in end["streams"]):
    bad.append("sum_sent")
if end["sum_received"]["bytes"] != sum(s["receiver"]["bytes"] for s in end["streams"]):
    bad.append("sum_received")
if end["sum_sent"]["bytes"] != 8 * 1048576:
    bad.append("-n 8M sent %d" % end["sum_sent"]["bytes"])
if sum(sum(s["bytes"] for s in iv["streams"]) for iv in d["intervals"]) > end["sum_sent"]["bytes"]:
    bad.append("intervals above the total")
print(" ".join(bad) or "ok")
PY
}
is "$(sums_add_up "$LAB_TMP/got.json")" ok "-J: intervals and sums add up, -n 8M sends 8 MiB"
like "$(cat "$LAB_TMP/got.json")" '"title": "t"' "-J -T: the title member"
# A small send buffer makes sends partial: a block begun by one stream still
# goes whole, and no other stream's block passes the goal.
lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -n 8M -P 2 -w 8K -J
printf '%s\n' "$OUT" >"$LAB_TMP/small.json"
is "$(sums_add_up "$LAB_TMP/small.json")" ok "-J -w 8K: partial sends, -n 8M still sends 8 MiB"

# The servers' documents (-s -1 -J) for the same client run.
buffers() { python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["start"]
print(s["sndbuf_actual"], s["rcvbuf_actual"])' "$1"; }
server_keys() { # NAME ARGS...
	local name=$1
	shift
	local real_pid sonde_pid
	iperf3_server realj iperf3 -s -1 -J -p 5211
	real_pid=$LAST_BG_PID
	iperf3_server sondej "$SONDE" iperf3 -s -1 -J -p 5212
	sonde_pid=$LAST_BG_PID
	lab_wait_listen srv 5211
	lab_wait_listen srv 5212
	lab_exec cli iperf3 -c 10.77.0.2 -p 5211 "$@" >/dev/null
	lab_exec cli iperf3 -c 10.77.0.2 -p 5212 "$@" >/dev/null
	# -1: each server exits once its document is out
	wait "$real_pid" "$sonde_pid"
	is "$(json_keys "$LAB_TMP/sondej.log")" "$(json_keys "$LAB_TMP/realj.log")" "$name: iperf3's keys"
	# The socket buffers the server reports are the kernel's figures.
	is "$(buffers "$LAB_TMP/sondej.log")" "$(buffers "$LAB_TMP/realj.log")" "$name: iperf3's sndbuf/rcvbuf_actual"
	rm -f "$LAB_TMP/realj.log" "$LAB_TMP/sondej.log"
}
server_keys "server -J" -t 1
server_keys "server -J -R -P 2" -t 1 -R -P 2
server_keys "server -J -u" -t 1 -u
server_keys "server -J -w 100K" -t 1 -w 100K

done_testing
