#!/bin/bash
# A reader that closes sonde's output (`sonde ping HOST | head -1`) stops sonde
# the way it stops the classic tools: killed by SIGPIPE (status 141) at the
# next write, with nothing more printed; a closed network peer still gives
# EPIPE and does not kill it.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping conntrack nft netstat python3

lab_ns a
lab_ns b
lab_link a 10.95.1.1/24 b 10.95.1.2/24
lab_track a

# first_line_of NAME CMD...: runs CMD inside a with `| head -1`; sets
# FIRST (the line head printed), PIPE_RC (CMD's exit status), ELAPSED_MS.
first_line_of() {
	local start end
	start=$(date +%s%N)
	FIRST=$(ip netns exec "$(ns a)" bash -c '"$@" 2>"$0" | head -1; echo "rc=${PIPESTATUS[0]}"' \
		"$LAB_TMP/pipe_err" timeout -k 2 20 "$@")
	end=$(date +%s%N)
	PIPE_RC=${FIRST##*rc=}
	FIRST=${FIRST%rc=*}
	ELAPSED_MS=$(((end - start) / 1000000))
}

# stops_at_once NAME LIMIT_MS CMD...: CMD | head -1 ends by SIGPIPE within LIMIT_MS.
stops_at_once() {
	local name=$1 limit_ms=$2
	shift 2
	first_line_of "$@"
	ok_rc "$PIPE_RC" 141 "$name | head -1: killed by SIGPIPE (141) like the classic tool"
	[ "$ELAPSED_MS" -lt "$limit_ms" ] && pass "$name | head -1: stops at once (${ELAPSED_MS} ms)" ||
		fail "$name | head -1: stops at once" "took ${ELAPSED_MS} ms (limit $limit_ms)"
}

# --- streams that never end by themselves -------------------------------------
stops_at_once "ping" 8000 "$SONDE" ping -i 0.2 10.95.1.2
like "$FIRST" "^PING 10.95.1.2" "ping: the line head printed is ping's banner"
first_line_of ping -i 0.2 10.95.1.2
ok_rc "$PIPE_RC" 141 "iputils ping | head -1 exits 141 too (the status compared with)"

stops_at_once "ping -D" 8000 "$SONDE" ping -D -i 0.2 10.95.1.2
stops_at_once "ping --json" 8000 "$SONDE" ping --json -i 0.2 10.95.1.2

stops_at_once "netstat -c" 8000 "$SONDE" netstat -c -n
first_line_of netstat -c -n
ok_rc "$PIPE_RC" 141 "net-tools netstat -c | head -1 exits 141 too"

# conntrack -E needs events after the first: new flows every 0.1 s (bounded).
ip netns exec "$(ns a)" python3 - <<'EOF' &
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in range(20000, 20300):
    s.sendto(b"x", ("10.95.1.2", port))
    time.sleep(0.1)
EOF
flows_pid=$!
LAB_PIDS+=("$flows_pid")
sleep 0.3
stops_at_once "conntrack -E" 8000 "$SONDE" conntrack -E
like "$FIRST" "NEW.*udp" "conntrack -E: head printed a NEW event"
unlike "$(cat "$LAB_TMP/pipe_err")" "flow events have been shown" "conntrack -E: no closing summary after the reader left"
first_line_of conntrack -E
ok_rc "$PIPE_RC" 141 "conntrack-tools -E | head -1 exits 141 too"
kill "$flows_pid" 2>/dev/null

# --- a finite command stops too, without its closing summary ------------------
# 6000 unreplied UDP flows: conntrack -L writes far more than a pipe holds.
ip netns exec "$(ns a)" python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in range(30000, 36000):
    s.sendto(b"x", ("10.95.1.2", port))
EOF
first_line_of "$SONDE" conntrack -L
ok_rc "$PIPE_RC" 141 "conntrack -L | head -1: killed by SIGPIPE (141)"
unlike "$(cat "$LAB_TMP/pipe_err")" "flow entries have been shown" \
	"conntrack -L | head -1: no summary on stderr (the classic tool prints none either)"
first_line_of conntrack -L
ok_rc "$PIPE_RC" 141 "conntrack-tools -L | head -1 exits 141 too"
unlike "$(cat "$LAB_TMP/pipe_err")" "flow entries have been shown" "conntrack-tools prints no summary either"

# --- a network peer that closes early is not our output -----------------------
# nc sends a file to a server that reads one line and closes: sonde gets EPIPE
# (or a reset) on the socket and reports it, it is not killed by SIGPIPE.
ip netns exec "$(ns b)" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.95.1.2", 7100)); s.listen(1)
c, _ = s.accept(); c.recv(10); c.close(); s.close()' &
server_pid=$!
LAB_PIDS+=("$server_pid")
lab_wait_listen b 7100
head -c 8000000 /dev/zero >"$LAB_TMP/zeros"
ip netns exec "$(ns a)" timeout -k 2 20 "$SONDE" nc -N 10.95.1.2 7100 <"$LAB_TMP/zeros" >/dev/null 2>"$LAB_TMP/nc_err"
RC=$?
[ "$RC" != 141 ] && [ "$RC" != 124 ] && pass "nc: a peer closing early is an error, not SIGPIPE (exit $RC)" ||
	fail "nc: a peer closing early is an error, not SIGPIPE" "exit $RC; $(cat "$LAB_TMP/nc_err")"

done_testing
