#!/bin/bash
# Least privilege with file capabilities, the way a packager lets users ping:
# a copy of sonde with `setcap cap_net_raw,cap_net_admin+ep`, run as uid
# 65534.  Each applet keeps only what its remaining work needs: ping,
# traceroute, conntrack -E and nc drop everything once their sockets are open
# (as iputils does); applets that never use a capability lose it before they
# start.  /proc/PID/status is read while they run.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd setcap setpriv conntrack nft python3

lab_ns a
lab_ns b
lab_link a 10.97.0.1/24 b 10.97.0.2/24
lab_track a
# b answers pings except to 10.97.0.3 (a silent host for a long traceroute).
ip -n "$(ns b)" addr add 10.97.0.3/24 dev veth0
ip netns exec "$(ns b)" nft -f - <<'EOF'
table ip silent {
	chain in {
		type filter hook input priority 0;
		ip daddr 10.97.0.3 drop
	}
}
EOF

# uid 65534 must reach the copy: LAB_TMP is private to root.
capdir=$(mktemp -d /tmp/sonde-caps.XXXXXX)
trap 'rm -rf "$capdir"; lab_down' EXIT
chmod 755 "$capdir"
cp "$SONDE_BIN" "$capdir/sonde"
setcap cap_net_raw,cap_net_admin+ep "$capdir/sonde" || skip_all "setcap failed (file capabilities unsupported here)"
is "$(getcap "$capdir/sonde" | sed 's/^[^ ]* //')" "cap_net_admin,cap_net_raw=ep" "the copy carries cap_net_raw,cap_net_admin+ep"

# as_nobody_bg OUTFILE ARGS...: the setcap'd copy as uid 65534 in namespace a,
# in the background; BG_PID is sonde's own pid (ip netns exec and setpriv exec).
as_nobody_bg() {
	local outfile=$1
	shift
	ip netns exec "$(ns a)" setpriv --reuid 65534 --regid 65534 --clear-groups \
		timeout -k 2 20 "$capdir/sonde" "$@" >"$outfile" 2>&1 &
	BG_PID=$!
	LAB_PIDS+=("$BG_PID")
}

# wait_for FILE REGEX: until FILE holds a line matching REGEX (bounded).
wait_for() {
	local i
	for i in $(seq 1 100); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# caps_of PID: "CapPrm CapEff" of the sonde process under timeout PID.
caps_of() {
	local child
	child=$(pgrep -P "$1" -x sonde | head -1)
	awk '/^CapPrm:/ { p = $2 } /^CapEff:/ { e = $2 } END { print p, e }' "/proc/${child:-0}/status" 2>/dev/null
}

NONE="0000000000000000 0000000000000000"

# --- ping: the raw socket, then nothing -------------------------------------------
as_nobody_bg "$LAB_TMP/ping.out" ping -c 4 -i 0.4 10.97.0.2
wait_for "$LAB_TMP/ping.out" "icmp_seq=1 " || diag "no first reply: $(cat "$LAB_TMP/ping.out")"
is "$(caps_of "$BG_PID")" "$NONE" "ping as uid 65534: CapPrm and CapEff empty once the raw socket is open"
wait "$BG_PID"
ok_rc "$?" 0 "ping as uid 65534 with file capabilities: replies, exit 0"
like "$(cat "$LAB_TMP/ping.out")" "^4 packets transmitted, 4 received, 0% packet loss" "ping: every reply counted after the drop"

# --- conntrack -E: subscribed, then nothing ---------------------------------------
as_nobody_bg "$LAB_TMP/events.out" conntrack -E
sleep 0.5
ip netns exec "$(ns a)" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in range(40000, 40005):
    s.sendto(b"x", ("10.97.0.2", port)); time.sleep(0.05)'
wait_for "$LAB_TMP/events.out" "NEW.*udp" || diag "no event: $(cat "$LAB_TMP/events.out")"
is "$(caps_of "$BG_PID")" "$NONE" "conntrack -E as uid 65534: CapPrm and CapEff empty once subscribed"
like "$(cat "$LAB_TMP/events.out")" "\[NEW\] udp .*dport=4000[0-4]" "conntrack -E: events still arrive after the drop"
kill -INT "$(pgrep -P "$BG_PID" -x sonde)" 2>/dev/null
wait "$BG_PID"

# --- traceroute -I: the raw socket, then nothing ----------------------------------
# -w 3: the run lasts about 3 s, long enough for /proc to be read under load
as_nobody_bg "$LAB_TMP/tr.out" traceroute -I -n -q 1 -w 3 -m 3 10.97.0.3
wait_for "$LAB_TMP/tr.out" "^traceroute to" || diag "no header: $(cat "$LAB_TMP/tr.out")"
is "$(caps_of "$BG_PID")" "$NONE" "traceroute -I as uid 65534: CapPrm and CapEff empty while probing"
wait "$BG_PID"
like "$(cat "$LAB_TMP/tr.out")" "^ 1  \*" "traceroute -I: probes went out from the raw socket (silent host: stars)"

# --- nc -l: bound, then nothing ----------------------------------------------------
as_nobody_bg "$LAB_TMP/nc.out" nc -l 10.97.0.1 7300
lab_wait_listen a 7300
is "$(caps_of "$BG_PID")" "$NONE" "nc -l as uid 65534: CapPrm and CapEff empty while listening"
echo hello-after-drop | ip netns exec "$(ns a)" timeout 5 nc -N 10.97.0.1 7300
wait "$BG_PID"
is "$(cat "$LAB_TMP/nc.out")" "hello-after-drop" "nc -l: the connection is served after the drop"

# --- applets that never use these capabilities lose them before they start ----------
as_nobody_bg "$LAB_TMP/netstat.out" netstat -c -n
wait_for "$LAB_TMP/netstat.out" "^Active" || diag "no output: $(cat "$LAB_TMP/netstat.out")"
is "$(caps_of "$BG_PID")" "$NONE" "netstat -c as uid 65534: no NET_RAW or NET_ADMIN (it uses neither)"
kill "$(pgrep -P "$BG_PID" -x sonde)" 2>/dev/null
wait "$BG_PID"

# --- applets that need NET_ADMIN to the end keep it, and only it --------------------
as_nobody_bg "$LAB_TMP/ctl.out" conntrack -L
wait "$BG_PID"
ok_rc "$?" 0 "conntrack -L as uid 65534 with file capabilities still lists (NET_ADMIN kept for the dump)"
like "$(cat "$LAB_TMP/ctl.out")" "flow entries have been shown" "conntrack -L: the summary came"

done_testing
