#!/bin/bash
# netstat against net-tools' netstat in a lab namespace: TCP in every state
# the lab produces, UDP, raw and Unix sockets (with a connection pending in a
# listener's queue, so the Unix RefCnt column is exercised); byte-identical
# output for -tan, -tulpn, -xa and friends; --json; -c; --netns.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd netstat python3 nft

lab_ns n
NS=$(ns n)
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 10.78.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up
ip netns exec "$NS" nft -f - <<'EOF'
table inet lab {
	chain out {
		type filter hook output priority 0;
		ip daddr 10.78.0.9 drop
		tcp sport 6005 tcp flags & (syn | ack) == (syn | ack) drop
	}
}
EOF

cat >"$LAB_TMP/sockets.py" <<'EOF'
import signal, socket, sys, time
d = sys.argv[1]
held = []
def server(fam, addr, port):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(8); held.append(s); return s
srv = server(socket.AF_INET, '0.0.0.0', 6001)
srv6 = server(socket.AF_INET6, '::', 6002)
loc = server(socket.AF_INET, '127.0.0.1', 6003)
server(socket.AF_INET, '10.78.0.1', 6005)
cli = socket.create_connection(('127.0.0.1', 6001)); acc, _ = srv.accept(); acc.sendall(b'y' * 700); held += [cli, acc]
cli6 = socket.create_connection(('::1', 6002)); acc6, _ = srv6.accept(); held += [cli6, acc6]
half = socket.create_connection(('127.0.0.1', 6001)); kept, _ = srv.accept(); half.close(); held.append(kept)
tw = socket.create_connection(('127.0.0.1', 6003)); twa, _ = loc.accept(); tw.close(); time.sleep(0.05); twa.close()
for dst in (('10.78.0.9', 6666), ('10.78.0.1', 6005)):
    b = socket.socket(); b.setblocking(False)
    try: b.connect(dst)
    except BlockingIOError: pass
    held.append(b)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('0.0.0.0', 7001)); held.append(u)
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(('::', 7002)); held.append(u6)
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(('127.0.0.1', 7001)); held.append(uc)
held.append(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
us = socket.socket(socket.AF_UNIX); us.bind(d + '/srv.sock'); us.listen(4); held.append(us)
c1 = socket.socket(socket.AF_UNIX); c1.connect(d + '/srv.sock'); a1, _ = us.accept(); held += [c1, a1]
waiting = socket.socket(socket.AF_UNIX); waiting.connect(d + '/srv.sock'); held.append(waiting)
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind(d + '/log.sock'); held.append(dg)
for i in range(2):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect(d + '/log.sock'); held.append(s)
ab = socket.socket(socket.AF_UNIX); ab.bind('\0sonde-netstat'); ab.listen(1); held.append(ab)
held += list(socket.socketpair())
time.sleep(0.2)
print('ready', flush=True)
signal.pause()
EOF
lab_bg n python3 "$LAB_TMP/sockets.py" "$LAB_TMP"
for i in $(seq 1 50); do grep -q ready "$LAB_TMP/bg.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$LAB_TMP/bg.log" || { echo "Bail out! the lab sockets did not start"; cat "$LAB_TMP/bg.log"; exit 1; }

same() {
	local want got
	want=$(ip netns exec "$NS" netstat "$@" 2>/dev/null)
	got=$(ip netns exec "$NS" "$SONDE" netstat "$@" 2>"$LAB_TMP/err")
	is "$got" "$want" "netstat $* is byte-identical"
}

lab_run n "$SONDE" netstat -tan
for st in LISTEN ESTABLISHED SYN_SENT SYN_RECV CLOSE_WAIT FIN_WAIT2 TIME_WAIT; do
	like "$OUT" " $st *\$" "a $st socket is listed"
done

same -tan
same -tulpn
# A connection still in a listener's accept queue appears in /proc/net/unix
# as "CONNECTING" with inode 0; sock_diag does not report such half-made
# sockets, so sonde cannot list them (ss does not either).  They still count
# in the RefCnt of the socket that connected, which sonde derives.
same_unix() {
	local want got
	want=$(ip netns exec "$NS" netstat "$@" 2>/dev/null | grep -Ev ' CONNECTING +0 ')
	got=$(ip netns exec "$NS" "$SONDE" netstat "$@" 2>"$LAB_TMP/err")
	is "$got" "$want" "netstat $* is byte-identical (but for connections not yet accepted)"
}
same_unix -xa
same_unix -x
same_unix -xl
same_unix -xap
same -tn
same -ltn
same -tl
same -uan
same -wan
same_unix -an
same -tanp
same -tanW
same -tanee
same -tlnee
same -4 -tan
same -6 -tan
same -lntu
same -ta

# -c lists again every second until stopped.
timeout 2.5 ip netns exec "$NS" "$SONDE" netstat -c -ltn >"$LAB_TMP/cont" 2>&1
n=$(grep -c '^Active Internet connections' "$LAB_TMP/cont")
[ "$n" -ge 2 ] && pass "-c repeats the listing ($n times in 2.5 s)" || fail "-c repeats the listing" "$(cat "$LAB_TMP/cont")"

lab_run n "$SONDE" netstat -tuxanp --json
ok_rc "$RC" 0 "netstat --json exits 0"
python3 - "$OUT" <<'EOF' && pass "netstat --json uses ss's field names" || fail "netstat --json content" "$OUT"
import json, sys
socks = json.loads(sys.argv[1])["sockets"]
netids = {s["netid"] for s in socks}
assert {"tcp", "udp", "u_str", "u_dgr"} <= netids, netids
lst = [s for s in socks if s["netid"] == "tcp" and s["state"] == "LISTEN" and s["local"]["port"] == 6001][0]
assert lst["processes"][0]["name"] == "python3"
assert all(k in lst for k in ("recv_q", "send_q", "local", "peer", "inode", "uid"))
EOF

run "$SONDE" netstat --netns "$NS" -ltn
like "$OUT" "0.0.0.0:6001" "--netns NAME shows the namespace's sockets"
run "$SONDE" netstat -tn extra
ok_rc "$RC" 2 "an operand is a usage error"
done_testing
