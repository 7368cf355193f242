#!/bin/bash
# iperf3 -u, both directions of interoperation with the real iperf3 3.12:
# sonde's client against iperf3's server and iperf3's client against
# sonde's server print iperf3's lines for the same run shape (figures
# masked); a link that drops every 10th datagram (an iptables statistic
# rule) is reported exactly by each receiver, and the counts of one run
# agree between its two ends; -J has iperf3's UDP keys.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iperf3_lab.bash"
need_root
need_cmd iperf3 python3 iptables

iperf3_lab
iperf3_server real iperf3 -s -p 5201
iperf3_server sonde "$SONDE" iperf3 -s -p 5202
iperf3_server baseline iperf3 -s -p 5203
lab_wait_listen srv 5201
lab_wait_listen srv 5202
lab_wait_listen srv 5203

# same_run NAME PORT WHO ARGS...: `iperf3 -c ARGS` against a real server
# (5203, at the same time) and WHO's client (sonde or iperf3) against the
# server on PORT print the same masked lines; two tries, as in iperf3.t (a
# late tick on a loaded machine can add an interval line once).
same_run() {
	local name=$1 port=$2 who=$3 want got try baseline
	local -a client=("$SONDE" iperf3)
	shift 3
	[ "$who" = iperf3 ] && client=(iperf3)
	for try in 1 2; do
		lab_exec cli iperf3 -c 10.77.0.2 -p 5203 "$@" >"$LAB_TMP/baseline.txt" 2>&1 &
		baseline=$!
		lab_run cli "${client[@]}" -c 10.77.0.2 -p "$port" "$@"
		wait "$baseline"
		want=$(iperf3_mask <"$LAB_TMP/baseline.txt")
		got=$(printf '%s\n' "$OUT" | iperf3_mask)
		[ "$RC" = 0 ] && [ "$got" = "$want" ] && break
	done
	ok_rc "$RC" 0 "$name: exit 0"
	is "$got" "$want" "$name: iperf3's lines"
}

# --- sonde client, real iperf3 server ------------------------------------------
same_run "client -u" 5201 sonde -u -t 1
same_run "client -u -R -P 2" 5201 sonde -u -t 1 -R -P 2
same_run "client -u --bidir" 5201 sonde -u -t 1 --bidir
same_run "client -u -O 1 -b 5M" 5201 sonde -u -t 1 -O 1 -b 5M
same_run "client -u -n 100K -l 1000 --udp-counters-64bit" 5201 sonde -u -n 100K -l 1000 --udp-counters-64bit

# --- real iperf3 client, sonde server --------------------------------------------
same_run "server -u" 5202 iperf3 -u -t 1
same_run "server -u -R -P 2" 5202 iperf3 -u -t 1 -R -P 2
same_run "server -u --bidir --udp-counters-64bit" 5202 iperf3 -u -t 1 --bidir --udp-counters-64bit

# The servers' own lines: the summary as iperf3's server prints it for the
# same client run (from the last separator; the next test's banner cut).
summary() { awk '/^- - -/ { block = "" } { block = block $0 "\n" } END { printf "%s", block }' | sed '/^------/,$d' | iperf3_mask; }
: >"$LAB_TMP/baseline.log"
: >"$LAB_TMP/sonde.log"
lab_exec cli iperf3 -c 10.77.0.2 -p 5203 -u -t 1 -P 2 >/dev/null &
baseline=$!
lab_exec cli iperf3 -c 10.77.0.2 -p 5202 -u -t 1 -P 2 >/dev/null
wait "$baseline"
wait_for_log "$LAB_TMP/baseline.log" "^\[SUM\].*receiver$"
wait_for_log "$LAB_TMP/sonde.log" "^\[SUM\].*receiver$"
want=$(summary <"$LAB_TMP/baseline.log")
like "$want" '^\[SUM\] .* ms  9+/9+ \(9+%\)  receiver$' "server -u -P 2: iperf3's server printed its UDP summary"
is "$(summary <"$LAB_TMP/sonde.log")" "$want" "server -u -P 2: summary lines as iperf3's server"

# A block larger than the control connection's MSS: iperf3's warning, and the test runs.
lab_exec cli iperf3 -c 10.77.0.2 -p 5203 -u -t 1 -l 2000 >/dev/null 2>"$LAB_TMP/warning.txt" &
baseline=$!
lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -p 5201 -u -t 1 -l 2000
wait "$baseline"
ok_rc "$RC" 0 "client -u -l 2000: exit 0"
is "${ERR#sonde iperf3: }" "$(cat "$LAB_TMP/warning.txt")" "client -u -l 2000: iperf3's warning about the MSS"

# --- a lossy link: every 10th data datagram dropped -------------------------------
# The rule counts datagrams of data only (the 4-byte connect messages are
# shorter), from a fresh rule whose first match is the first datagram:
# datagrams 1, 11, 21... are lost, so a receiver whose highest sequence
# number is N (which arrived) has lost exactly N/10 of them, rounded up.
drop_nth() { # NS PORT -I|-D
	lab_exec "$1" iptables "$3" INPUT -p udp --dport "$2" -m length --length 100:65535 \
		-m statistic --mode nth --every 10 --packet 0 -j DROP
}
# The checks of the documents, in one python (its start-up is slow on a
# loaded machine):
#   loss FILE [LOG]: the receiver's loss is exactly a tenth; the last
#     receiver line of the server's LOG shows FILE's Lost/Total and bytes
#   close FILE1 FILE2: the two receivers' loss within a point
#   keys GOT WANT: the key paths of the two documents, where they differ
cat >"$LAB_TMP/check.py" <<'PY'
import json, sys
def received(path):
    return json.load(open(path))["end"]["sum_received"]
def bytes_text(value):
    units, unit = ["Bytes", "KBytes", "MBytes", "GBytes", "TBytes"], 0
    while value >= 1024 and unit < 4:
        value /= 1024
        unit += 1
    fmt = "%4.2f %s" if value < 9.995 else "%4.1f %s" if value < 99.95 else "%4.0f %s"
    return fmt % (value, units[unit])
def keys(value, path, out):
    if isinstance(value, dict):
        for key, sub in value.items():
            out.add(path + "/" + key)
            keys(sub, path + "/" + key, out)
    elif isinstance(value, list):
        for sub in value:
            keys(sub, path + "[]", out)
    return out
what, args = sys.argv[1], sys.argv[2:]
if what == "loss":
    r = received(args[0])
    lost, total = r["lost_packets"], r["packets"]
    ok = total >= 50 and lost == (total + 9) // 10 and abs(r["lost_percent"] - 10) < 1.5
    print("ok" if ok else "lost %d of %d (%.2f%%)" % (lost, total, r["lost_percent"]))
    if len(args) > 1:
        line = [l for l in open(args[1]) if l.rstrip().endswith("receiver")][-1]
        want = " %d/%d (" % (lost, total)
        print("agree" if want in line and " %s " % bytes_text(r["bytes"]) in line
              else "server printed %s, client has %s %d bytes" % (line.strip(), want, r["bytes"]))
elif what == "close":
    a, b = (received(f)["lost_percent"] for f in args)
    print("close" if abs(a - b) < 1 else "%.2f%% and %.2f%%" % (a, b))
elif what == "keys":
    got, want = (keys(json.load(open(f)), "", set()) for f in args)
    print(" ".join(sorted("+" + k for k in got - want) + sorted("-" + k for k in want - got)) or "same")
PY
# lossy NAME NS PORT LOG CLIENT...: one -J run of CLIENT through the rule,
# into $LAB_TMP/lossy.json; LOG (or -): the server's log, to agree with
lossy() {
	local name=$1 ns=$2 port=$3 log=$4 verdict
	shift 4
	: >"$LAB_TMP/real.log"
	: >"$LAB_TMP/sonde.log"
	drop_nth "$ns" "$port" -I
	lab_exec cli "$@" -J >"$LAB_TMP/lossy.json"
	drop_nth "$ns" "$port" -D
	if [ "$log" = - ]; then
		verdict=$(python3 "$LAB_TMP/check.py" loss "$LAB_TMP/lossy.json")
	else
		wait_for_log "$log" "receiver$"
		verdict=$(python3 "$LAB_TMP/check.py" loss "$LAB_TMP/lossy.json" "$log")
		is "${verdict#*$'\n'}" agree "$name: Lost/Total and bytes received the same at both ends"
	fi
	is "${verdict%%$'\n'*}" ok "$name: every 10th datagram reported lost, exactly"
}
lossy "sonde client to iperf3 server" srv 5201 "$LAB_TMP/real.log" "$SONDE" iperf3 -c 10.77.0.2 -p 5201 -u -t 1 -b 2M
lossy "iperf3 client to sonde server" srv 5202 "$LAB_TMP/sonde.log" iperf3 -c 10.77.0.2 -p 5202 -u -t 1 -b 2M
lossy "iperf3 server to sonde client (-R)" cli 0:65535 - "$SONDE" iperf3 -c 10.77.0.2 -p 5201 -u -t 1 -b 2M -R
cp "$LAB_TMP/lossy.json" "$LAB_TMP/lossy-sonde.json"
is "$(grep -c sonde_local_drops "$LAB_TMP/lossy-sonde.json")" 0 \
	"lossy link: a firewall's drops are not the receiving socket's (no sonde_local_drops)"
lossy "sonde server to iperf3 client (-R)" cli 0:65535 - iperf3 -c 10.77.0.2 -p 5202 -u -t 1 -b 2M -R
is "$(python3 "$LAB_TMP/check.py" close "$LAB_TMP/lossy.json" "$LAB_TMP/lossy-sonde.json")" close \
	"lossy link: sonde's receiver within a point of iperf3's"

# --- -J: iperf3's keys --------------------------------------------------------------
same_keys() { # NAME ARGS...
	local name=$1 baseline
	shift
	lab_exec cli iperf3 -c 10.77.0.2 -p 5203 "$@" -J >"$LAB_TMP/want.json" &
	baseline=$!
	lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -p 5201 "$@" -J
	wait "$baseline"
	printf '%s\n' "$OUT" >"$LAB_TMP/got.json"
	is "$(python3 "$LAB_TMP/check.py" keys "$LAB_TMP/got.json" "$LAB_TMP/want.json")" same "$name: iperf3's keys"
}
same_keys "-u -J" -u -t 1
like "$(tr -d '\n ' <"$LAB_TMP/got.json")" '"test_start":\{"protocol":"UDP","num_streams":1,"blksize":1448,.*"target_bitrate":1048576\}' \
	"-u: UDP, the veth's MSS as block size, iperf3's 1 Mbit/s"
same_keys "-u -J -R -P 2" -u -t 1 -R -P 2
same_keys "-u -J --bidir" -u -t 1 --bidir
iperf3_server realj iperf3 -s -1 -J -p 5211
real_pid=$LAST_BG_PID
iperf3_server sondej "$SONDE" iperf3 -s -1 -J -p 5212
sonde_pid=$LAST_BG_PID
lab_wait_listen srv 5211
lab_wait_listen srv 5212
lab_exec cli iperf3 -c 10.77.0.2 -p 5211 -u -t 1 -P 2 >/dev/null &
lab_exec cli iperf3 -c 10.77.0.2 -p 5212 -u -t 1 -P 2 >/dev/null
wait "$real_pid" "$sonde_pid"
is "$(python3 "$LAB_TMP/check.py" keys "$LAB_TMP/sondej.log" "$LAB_TMP/realj.log")" same "server -u -J -P 2: iperf3's keys"

# --- the control connection sends its states at once ---------------------------------
# Without TCP_NODELAY, TEST_START waited for the ACK of CREATE_STREAMS (a
# delayed ACK, 40 ms): the server's clock ran that much ahead of the
# client's, and its summary of a 1 s test read 1.04 s or more.
server_span() {
	iperf3_server span "$SONDE" iperf3 -s -1 -J -p 5213
	local pid=$LAST_BG_PID
	lab_wait_listen srv 5213
	lab_exec cli iperf3 -c 10.77.0.2 -p 5213 -u -t 1 -R >/dev/null
	wait "$pid"
	# "sum_sent"'s seconds, the first member named seconds after it
	tr -d '\n ' <"$LAB_TMP/span.log" | sed -E 's/.*"sum_sent":\{[^}]*"seconds":([0-9.]+).*/\1/' |
		awk '{ print ($1 < 1.035) ? "True" : "False " $1 }'
	rm -f "$LAB_TMP/span.log"
}
span=$(server_span)
[ "$span" = True ] || span=$(server_span)
is "$span" True "server -R: its test lasts the client's second (the control states unhindered)"

# --- what the receiving socket dropped itself ---------------------------------------
# A receiver stopped for half a second: its socket's buffer fills and the
# kernel drops the rest.  iperf3 counts those datagrams lost like the
# network's; sonde's lines say how many its socket dropped (SO_MEMINFO),
# here every one of the lost.
stall() { # PID: stops PID for half a second, 0.6 s from now
	(
		sleep 0.6
		kill -STOP "$1"
		sleep 0.5
		kill -CONT "$1"
	) &
}
# drops_of LINE: "LOST DROPPED" from a receiver line
drops_of() { sed -nE 's#.* ([0-9]+)/[0-9]+ \(.*\[sonde: ([0-9]+) dropped by the receiver.s socket .*#\1 \2#p' <<<"$1"; }

iperf3_server stalled "$SONDE" iperf3 -s -1 -p 5214
pid=$LAST_BG_PID
lab_wait_listen srv 5214
stall "$pid"
lab_exec cli iperf3 -c 10.77.0.2 -p 5214 -u -t 2 -b 50M >/dev/null
wait "$pid"
line=$(grep -E ' receiver' "$LAB_TMP/stalled.log" | tail -1)
read -r lost dropped <<<"$(drops_of "$line")"
is "$([ "${dropped:-0}" -gt 100 ] && [ "$dropped" = "$lost" ] && echo ok || echo "$line")" ok \
	"a stalled sonde server: its summary says its socket dropped the lost datagrams"
like "$(cat "$LAB_TMP/stalled.log")" '^\[ *[0-9]+\] .* [0-9]+/[0-9]+ \([0-9.]+%\)   \[sonde: [0-9]+ dropped by the receiver' \
	"a stalled sonde server: the interval with the drops is marked"

iperf3_server stalledj "$SONDE" iperf3 -s -1 -p 5215
pid=$LAST_BG_PID
lab_wait_listen srv 5215
stall "$pid"
lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -p 5215 -u -t 2 -b 50M -J
wait "$pid"
printf '%s\n' "$OUT" >"$LAB_TMP/stalled.json"
is "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["end"]["sum_received"]
print("ok" if r.get("sonde_local_drops", 0) > 100 and r["sonde_local_drops"] == r["lost_packets"] else r)' \
	"$LAB_TMP/stalled.json")" ok "sonde client -J: the server's socket drops, from its results, in sum_received"

done_testing
