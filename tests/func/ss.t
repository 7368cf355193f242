#!/bin/bash
# ss against iproute2's ss in a lab namespace holding sockets in every TCP
# state the lab can produce (LISTEN, ESTABLISHED, SYN_SENT, SYN_RECV,
# CLOSE_WAIT, FIN_WAIT2, TIME_WAIT), UDP, raw, and Unix stream/datagram/
# seqpacket sockets: byte-identical output for the common invocations,
# filters compiled into kernel bytecode, --json, --netns.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ss python3 nft

lab_ns s
NS=$(ns s)
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 10.77.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up
# SYN_SENT: a blackhole address whose packets are dropped on the way out;
# SYN_RECV: a listener whose SYN-ACKs are dropped.
ip netns exec "$NS" nft -f - <<'EOF'
table inet lab {
	chain out {
		type filter hook output priority 0;
		ip daddr 10.77.0.9 drop
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
c = socket.create_connection(('127.0.0.1', 4001)); a, _ = l4.accept(); c.sendall(b'x' * 1000); keep += [c, a]
c6 = socket.create_connection(('::1', 4002)); a6, _ = l6.accept(); keep += [c6, a6]
c2 = socket.create_connection(('127.0.0.1', 4001)); a2, _ = l4.accept(); c2.close(); keep.append(a2)
c3 = socket.create_connection(('127.0.0.1', 4003)); a3, _ = lo.accept(); c3.close(); time.sleep(0.05); a3.close()
for dst in (('10.77.0.9', 4444), ('10.77.0.1', 4005)):
    b = socket.socket(); b.setblocking(False)
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
udc = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); udc.connect(d + '/dgram.sock'); keep.append(udc)
uab = socket.socket(socket.AF_UNIX); uab.bind('\0sonde-zoo'); uab.listen(1); keep.append(uab)
keep += list(socket.socketpair())
sq = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); sq.bind(d + '/seq.sock'); sq.listen(1); keep.append(sq)
time.sleep(0.2)
print('ready', flush=True)
signal.pause()
EOF
lab_bg s python3 "$LAB_TMP/zoo.py" "$LAB_TMP"
for i in $(seq 1 50); do grep -q ready "$LAB_TMP/bg.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$LAB_TMP/bg.log" || { echo "Bail out! the socket zoo did not start"; cat "$LAB_TMP/bg.log"; exit 1; }

# same ARGS...: sonde ss and ss print the same bytes in the lab.
same() {
	local want got
	want=$(ip netns exec "$NS" ss "$@" 2>/dev/null)
	got=$(ip netns exec "$NS" "$SONDE" ss "$@" 2>"$LAB_TMP/err")
	is "$got" "$want" "ss $* is byte-identical"
}

# --- the states are all there ------------------------------------------------
lab_run s "$SONDE" ss -tan
for st in LISTEN ESTAB SYN-SENT SYN-RECV CLOSE-WAIT FIN-WAIT-2 TIME-WAIT; do
	like "$OUT" "^$st " "a $st socket is listed"
done

# --- byte-identical invocations ------------------------------------------------
same -tan
same -tulpn
same -xa
same -tn
same -ltn
same -uan
same -wan
same -xl
same -xp
same -H -tan
same -4 -tan
same -6 -tan
same -tanm
same -xam
same -uanm
same -tan state established
same -tan state listening
same -tan state time-wait state syn-recv
same -tan exclude established
same -tan state connected
same -tan dport = :4001
same -tan sport = :4001
same -tan dport != :4001
same -tan sport '>=' :4002
same -tan sport '<' :4003
same -tan sport gt :4002
same -tan dst 10.77.0.0/24
same -tan src 127.0.0.1
same -tan 'dst [::1]'
same -tan not dst 127.0.0.1
same -tan '( sport = :4001 or dport = :4001 ) and not state listening'
same -tan sport = :4001 or dst 10.77.0.9
same -tan dst 127.0.0.1:4001
same -uan dst 127.0.0.1

# ss -s: the socket totals move as the kernel frees sockets lazily; mask the
# numbers of the first two lines.
want=$(ip netns exec "$NS" ss -s | sed -E '1,2s/[0-9]+/N/g')
got=$(ip netns exec "$NS" "$SONDE" ss -s | sed -E '1,2s/[0-9]+/N/g')
is "$got" "$want" "ss -s is byte-identical (the two total lines masked)"

# Timers, tcp_info and cgroup paths move between two runs: mask the numbers
# that legitimately change.
# A timer's text length moves the width of the last column: trailing blanks go too.
mask() { sed -E 's/timer:\([a-z]+,[^,]*,[0-9]+\)/timer:(T)/g; s/(last(snd|rcv|ack)):[0-9]+/\1:N/g; s/ +$//'; }
for args in "-tano" "-tani" "-tanio" "-tane" "-xae"; do
	want=$(ip netns exec "$NS" ss $args 2>/dev/null | mask)
	got=$(ip netns exec "$NS" "$SONDE" ss $args 2>/dev/null | mask)
	is "$got" "$want" "ss $args is identical once timers are masked"
done

# --- the filter runs in the kernel ------------------------------------------
if command -v strace >/dev/null; then
	ip netns exec "$NS" strace -f -e trace=sendto -o "$LAB_TMP/trace" "$SONDE" ss -tan dport = :4001 >/dev/null
	grep -q 'INET_DIAG_REQ_BYTECODE' "$LAB_TMP/trace" && pass "filters travel as INET_DIAG_REQ_BYTECODE" \
		|| fail "filters travel as INET_DIAG_REQ_BYTECODE" "$(head -5 "$LAB_TMP/trace")"
fi

# --- JSON -----------------------------------------------------------------------
lab_run s "$SONDE" ss -tanp --json
ok_rc "$RC" 0 "ss --json exits 0"
python3 - "$OUT" <<'EOF' && pass "ss --json lists the same sockets with processes" || fail "ss --json content" "$OUT"
import json, sys
doc = json.loads(sys.argv[1])
socks = doc["sockets"]
states = {s["state"] for s in socks}
assert {"LISTEN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "CLOSE_WAIT", "TIME_WAIT"} <= states, states
lst = [s for s in socks if s["state"] == "LISTEN" and s["local"]["port"] == 4001][0]
assert lst["processes"][0]["name"] == "python3", lst
assert all(k in lst for k in ("netid", "recv_q", "send_q", "local", "peer", "inode"))
EOF
lab_run s "$SONDE" ss -s --json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["summary"]["tcp4"] >= 1' "$OUT" \
	&& pass "ss -s --json" || fail "ss -s --json" "$OUT"

# --- doctor's socket section (the same engine) ----------------------------------
lab_run s "$SONDE" doctor --json
python3 - "$OUT" <<'EOF' && pass "doctor lists listeners and counts CLOSE_WAIT/SYN_RECV" || fail "doctor sockets section" "$OUT"
import json, sys
checks = {c["name"]: c for c in json.loads(sys.argv[1])["checks"] if c["section"] == "sockets"}
assert "tcp 0.0.0.0:4001" in checks["listening"]["listening"], checks["listening"]
assert checks["listening"]["tcp_listening"] == 5, checks["listening"]
assert checks["CLOSE_WAIT"]["count"] == 1 and checks["CLOSE_WAIT"]["status"] == "pass"
assert checks["SYN_RECV"]["count"] == 1
EOF

# --- --netns, usage -----------------------------------------------------------------
run "$SONDE" ss --netns "$NS" -tln sport = :4001
like "$OUT" "0.0.0.0:4001" "--netns NAME lists the namespace's sockets"
run "$SONDE" ss -tln sport = :4001
unlike "$OUT" "0.0.0.0:4001" "without --netns the host namespace is listed"
run "$SONDE" ss -tan dport = :notaport
ok_rc "$RC" 2 "a bad filter is a usage error"
like "$ERR" "^sonde ss: bad filter expression: not a port: 'notaport'$" "one-line message for a bad filter"
run "$SONDE" ss -tan state nosuch
ok_rc "$RC" 2 "a bad state name is a usage error"
done_testing
