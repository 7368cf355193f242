# tests/func/lab/ss_lab.bash: the lab that ss.t and netstat.t share, sourced
# after lib.sh.  One namespace ($NS) holding sockets in every TCP state the
# lab can produce (LISTEN, ESTABLISHED, SYN_SENT to a blackhole, SYN_RECV by
# dropped SYN-ACKs, CLOSE_WAIT, FIN_WAIT2, TIME_WAIT), UDP, raw, and Unix
# stream/datagram/seqpacket sockets (one connection left in a listener's
# queue, two datagram senders on one receiver), held by one python3 process.
lab_ns s
NS=$(ns s)
lab_veth_loop s v0 v1 10.77.0.1/24
# SYN_SENT: a blackhole address whose packets are dropped on the way out;
# SYN_RECV: a listener whose SYN-ACKs are dropped on the way in (dropped on
# the way out, the failed send ends the request at once, and the state comes
# back only with each retransmitted SYN: one tool saw it, the other not).
ip netns exec "$NS" nft -f - <<'EOF'
table inet lab {
	chain out {
		type filter hook output priority 0;
		ip daddr 10.77.0.9 drop
	}
	chain in {
		type filter hook input priority 0;
		tcp sport 4005 tcp flags & (syn | ack) == (syn | ack) drop
	}
}
EOF

cat >"$LAB_TMP/zoo.py" <<'EOF'
import os, signal, socket, sys, time
d = sys.argv[1]
keep = []
def listen(fam, addr, port, v6only=True):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    s.bind((addr, port)); s.listen(16); keep.append(s); return s
l4 = listen(socket.AF_INET, '0.0.0.0', 4001)
l6 = listen(socket.AF_INET6, '::', 4002)
lo = listen(socket.AF_INET, '127.0.0.1', 4003)
listen(socket.AF_INET6, '::', 4004, v6only=False)
sr = listen(socket.AF_INET, '10.77.0.1', 4005)
# The states that end on a timer must outlive the slowest run of the tests:
# the half-open connections retry for as long as TCP allows, the FIN_WAIT2
# socket is not orphaned (shut down, not closed), and a fresh TIME_WAIT
# socket is made every 30 s (the kernel ends one after 60 s).
LONG_SYN_RETRIES = 100
sr.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, LONG_SYN_RETRIES)
c = socket.create_connection(('127.0.0.1', 4001)); a, _ = l4.accept(); c.sendall(b'x' * 1000); keep += [c, a]
c6 = socket.create_connection(('::1', 4002)); a6, _ = l6.accept(); keep += [c6, a6]
c2 = socket.create_connection(('127.0.0.1', 4001)); a2, _ = l4.accept(); c2.shutdown(socket.SHUT_WR); keep += [c2, a2]
def time_wait():
    c3 = socket.create_connection(('127.0.0.1', 4003)); a3, _ = lo.accept(); c3.close(); time.sleep(0.05); a3.close()
time_wait()
for dst in (('10.77.0.9', 4444), ('10.77.0.1', 4005)):
    b = socket.socket(); b.setblocking(False)
    b.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, LONG_SYN_RETRIES)
    try: b.connect(dst)
    except BlockingIOError: pass
    keep.append(b)
for fam, addr, port in ((socket.AF_INET, '0.0.0.0', 5001), (socket.AF_INET6, '::', 5002)):
    u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((addr, port)); keep.append(u)
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(('127.0.0.1', 5001)); keep.append(uc)
keep.append(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
keep.append(socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6))
us = socket.socket(socket.AF_UNIX); us.bind(d + '/stream.sock'); us.listen(4); keep.append(us)
uc1 = socket.socket(socket.AF_UNIX); uc1.connect(d + '/stream.sock'); ua, _ = us.accept(); keep += [uc1, ua]
pend = socket.socket(socket.AF_UNIX); pend.connect(d + '/stream.sock'); keep.append(pend)
ud = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ud.bind(d + '/dgram.sock'); keep.append(ud)
for i in range(2):
    udc = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); udc.connect(d + '/dgram.sock'); keep.append(udc)
uab = socket.socket(socket.AF_UNIX); uab.bind('\0sonde-zoo'); uab.listen(1); keep.append(uab)
keep += list(socket.socketpair())
sq = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); sq.bind(d + '/seq.sock'); sq.listen(1); keep.append(sq)
time.sleep(0.2)
print('ready', flush=True)
while True:
    time.sleep(30)
    time_wait()
EOF
lab_bg s python3 "$LAB_TMP/zoo.py" "$LAB_TMP"
for i in $(seq 1 50); do grep -q ready "$LAB_TMP/bg.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$LAB_TMP/bg.log" || { echo "Bail out! the socket zoo did not start"; cat "$LAB_TMP/bg.log"; exit 1; }
