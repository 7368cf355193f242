#!/bin/bash
# iperf3: what sonde refuses and the failures it reports, beside what the
# real iperf3 3.12 does in the same lab: bad options (one line each, exit 1
# as iperf3), a closed port, a busy server (both ways), a server that is not
# iperf3, a client that is not iperf3, parameters sonde's server refuses.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iperf3_lab.bash"
need_root
need_cmd iperf3 socat python3

# --- options ------------------------------------------------------------------
run "$SONDE" iperf3 --help
ok_rc "$RC" 0 "--help exits 0"
for opt in -s -c -p -1 -B -t -n -P -R --bidir -i -l -w -M -N -C -Z -4 -6 -T --connect-timeout -J -u \
	--udp-counters-64bit; do
	like "$OUT" "^ *(-[a-zA-Z0-9], )?$opt( |$|,)" "--help lists $opt"
done

refused() { # NAME WANT_ERR_REGEX ARGS...
	local name=$1 want=$2
	shift 2
	run "$SONDE" iperf3 "$@"
	ok_rc "$RC" 1 "$name: exit 1 (as iperf3)"
	like "$ERR" "^sonde iperf3: $want" "$name: says why"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: one line"
}
refused "neither -s nor -c" "must either be a client \(-c\) or server \(-s\)"
refused "both -s and -c" "must either be a client" -s -c 10.77.0.2
refused "-u -Z" "-Z, -C, -M and -N are for TCP tests, not with -u" -c 10.77.0.2 -u -Z
refused "-u -C reno" "-Z, -C, -M and -N are for TCP tests" -c 10.77.0.2 -u -C reno
refused "-u -l 8" "block size invalid \(minimum = 16 bytes, maximum = 65507 bytes\)" -c 10.77.0.2 -u -l 8
refused "-u -l 64K" "block size invalid" -c 10.77.0.2 -u -l 64K
refused "--udp-counters-64bit without -u" "--udp-counters-64bit is for UDP tests" -c 10.77.0.2 --udp-counters-64bit
refused "-u on a server" "that option is for the client" -s -u
refused "-b 10Q" "-b: not a bitrate" -c 10.77.0.2 -b 10Q
refused "-b 10M/0" "-b: invalid burst count" -c 10.77.0.2 -b 10M/0
refused "-b on a server" "that option is for the client" -s -b 10M
refused "-O 61" "-O: bogus value for --omit" -c 10.77.0.2 -O 61
refused "-O 1.5" "-O: bogus value for --omit" -c 10.77.0.2 -O 1.5
refused "-O on a server" "that option is for the client" -s -O 1
refused "-D" "-D: sonde iperf3 does not run as a daemon" -s -D
refused "--logfile" "--logfile: sonde iperf3 writes to standard output only" -s --logfile /tmp/x
refused "--username" "--username: iperf3's RSA authentication is not supported" -c 10.77.0.2 --username u
refused "--rsa-public-key-path" "--rsa-public-key-path: iperf3's RSA authentication" -c h --rsa-public-key-path k
refused "-R with --bidir" "cannot be both reverse and bidirectional" -c 10.77.0.2 -R --bidir
refused "-t with -n" "only one test end condition" -c 10.77.0.2 -t 1 -n 1M
refused "-P 129" "-P" -c 10.77.0.2 -P 129
refused "-t 0" "-t: 0 \(a test without end\) is not supported" -c 10.77.0.2 -t 0
refused "-i 0.05" "-i: interval must be 0 or between 0.1 and 60 seconds" -c 10.77.0.2 -i 0.05
refused "-n 1Q" "-n: not a size" -c 10.77.0.2 -n 1Q
refused "-t on a server" "that option is for the client" -s -t 5
refused "-1 on a client" "-1 and -B are for the server" -c 10.77.0.2 -1

# --- the lab ------------------------------------------------------------------
iperf3_lab

# A closed port: the same words as iperf3, exit 1.
lab_run cli iperf3 -c 10.77.0.2 -p 5999 -t 1
want_rc=$RC want_err=${ERR#iperf3: error - }
lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -p 5999 -t 1
ok_rc "$RC" "$want_rc" "closed port: exit $want_rc as iperf3"
is "$ERR" "sonde iperf3: $want_err" "closed port: iperf3's words"
lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -p 5999 -t 1 -J
ok_rc "$RC" 1 "closed port -J: exit 1"
like "$OUT" '"error": "unable to connect to server: Connection refused"' "closed port -J: iperf3's error member"
like "$OUT" '"exit_code": 1' "closed port -J: exit_code (docs/json.md)"

# --connect-timeout: an address on the link that nobody holds.
lab_run cli "$SONDE" iperf3 -c 10.77.0.99 --connect-timeout 300 -t 1
ok_rc "$RC" 1 "--connect-timeout: exit 1"
like "$ERR" "unable to connect to server: Connection timed out" "--connect-timeout: says it timed out"

# A busy server, both ways: a test holds each server while another client asks.
iperf3_server real iperf3 -s -p 5201
iperf3_server sonde "$SONDE" iperf3 -s -p 5202
lab_wait_listen srv 5201
lab_wait_listen srv 5202
# until_testing PORT: the server on PORT runs a test (its control and data
# connections established), so that the next client finds it busy.
until_testing() {
	local i
	for i in $(seq 1 100); do
		[ "$(ip netns exec "$(ns srv)" ss -tnH state established "( sport = :$1 )" | wc -l)" -ge 2 ] && return
		sleep 0.1
	done
	diag "no test started on port $1"
}
lab_bg cli iperf3 -c 10.77.0.2 -p 5201 -t 20
busy_real=$LAST_BG_PID
lab_bg cli iperf3 -c 10.77.0.2 -p 5202 -t 20
busy_sonde=$LAST_BG_PID
until_testing 5201
until_testing 5202
lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -p 5201 -t 1
ok_rc "$RC" 1 "busy iperf3 server: exit 1"
is "$ERR" "sonde iperf3: the server is busy running a test. try again later" "busy iperf3 server: iperf3's words"
lab_run cli iperf3 -c 10.77.0.2 -p 5202 -t 1
ok_rc "$RC" 1 "busy sonde server: iperf3's client exits 1"
is "$ERR" "iperf3: error - the server is busy running a test. try again later" \
	"busy sonde server: iperf3's client reads ACCESS_DENIED"
# the clients that held the servers stop; the servers go on to the next test
kill "$busy_real" "$busy_sonde"
wait "$busy_real" "$busy_sonde" 2>/dev/null

# A server that is not iperf3 (an SSH-like banner).
lab_bg srv socat TCP-LISTEN:5998,reuseaddr,fork SYSTEM:'echo SSH-2.0-OpenSSH_9.2'
lab_wait_listen srv 5998
lab_run cli "$SONDE" iperf3 -c 10.77.0.2 -p 5998 -t 1
ok_rc "$RC" 1 "banner server: exit 1"
like "$ERR" "^sonde iperf3: received an unknown control message \(83\): is this an iperf3 server\?$" \
	"banner server: says the reply is no iperf3 state"

# A client that is not iperf3: a short cookie, then the connection closes;
# then a cookie and a parameter blob that is not JSON.  The server reports
# each and goes on serving.
: >"$LAB_TMP/sonde.log"
lab_exec cli bash -c 'printf "GET / HTTP/1.0\r\n\r\n" >/dev/tcp/10.77.0.2/5202'
lab_exec cli python3 -c '
import socket, struct
s = socket.create_connection(("10.77.0.2", 5202))
s.sendall(b"a" * 36 + b"\0")
assert s.recv(1) == bytes([9])
s.sendall(struct.pack(">I", 5) + b"{oops")
s.recv(16)'
wait_for_log "$LAB_TMP/sonde.log" "unable to receive parameters"
like "$(cat "$LAB_TMP/sonde.log")" "unable to receive cookie at server" "bad client: a short cookie is reported"
like "$(cat "$LAB_TMP/sonde.log")" "unable to receive parameters from client: Bad message" \
	"bad client: parameters that are not JSON are reported"
lab_run cli iperf3 -c 10.77.0.2 -p 5202 -n 1M
ok_rc "$RC" 0 "bad client: the server still serves the next client"

# Parameters sonde's server does not support: refused as iperf3 refuses what it lacks.
lab_run cli iperf3 -c 10.77.0.2 -p 5202 -k 100
ok_rc "$RC" 1 "-k client: iperf3 exits 1"
like "$ERR" "an option you are trying to set is not implemented yet" "-k client: iperf3 reads the refusal"
like "$(cat "$LAB_TMP/sonde.log")" "the client asked for -k, which sonde's server does not support" \
	"-k client: the server says why"

done_testing
