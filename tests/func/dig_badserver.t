#!/bin/bash
# sonde dig against bind9's dig on a misbehaving server written here: replies
# without a question or with three, a wrong id, a wrong question or opcode
# before the right reply, a short datagram, a UDP reply over 4096 bytes, and
# TCP servers that close at once, send a message shorter than a header,
# cut a message short or accept and say nothing.  Both digs run in the same namespace; their outputs
# and exit codes must match (banner version, id, time, date masked).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lab/dig_same.bash"
need_root
need_cmd ip dig python3

BAD=10.53.0.4
lab_dns_ns dns $BAD

# The first label of the name decides what the server does.
cat >"$LAB_TMP/badserver.py" <<'PY'
import socket, struct, sys, threading

def parse(q):
    pos, labels = 12, []
    while q[pos]:
        labels.append(q[pos + 1:pos + 1 + q[pos]].decode("ascii", "replace").lower())
        pos += q[pos] + 1
    return labels, q[12:pos + 5]

def answer(qid, question, flags=0x8400, qd=1, an=b"", an_count=0):
    return qid + struct.pack(">HHHHH", flags, qd, an_count, 0, 0) + question * qd + an

A_RR = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01"

def udp_replies(q):
    labels, question = parse(q)
    qid, mode = q[:2], labels[0]
    good = answer(qid, question, an=A_RR, an_count=1)
    if mode == "noquestion":
        return [qid + struct.pack(">HHHHH", 0x8001, 0, 0, 0, 0)]
    if mode == "qd3":
        return [answer(qid, question, qd=3, an=A_RR, an_count=1)]
    if mode == "otherq":
        return [answer(qid, b"\x05other\x00\x00\x01\x00\x01"), good]
    if mode == "wrongid":
        return [bytes([qid[0] ^ 0xff, qid[1]]) + good[2:], good]
    if mode == "short":
        return [b"\x00\x01\x02\x03\x04", good]
    if mode == "update":
        return [answer(qid, question, flags=0x8400 | (5 << 11)), good]
    if mode == "noqr":
        return [answer(qid, question, flags=0x0400, an=A_RR, an_count=1)]
    if mode == "badptr":
        return [answer(qid, question, an=b"\xc0\xff" + A_RR[2:], an_count=1)]
    if mode == "badlabel":
        return [answer(qid, question, an=b"\x41" + A_RR[2:], an_count=1)]
    if mode == "rrsigwrap":
        # Expiration 0xFFFFFFFF and inception 0: dig shows the dates nearest
        # now (1969-12-31 23:59:59 and 1970-01-01), not 2106.
        rdata = struct.pack(">HBBIIIH", 1, 13, 2, 60, 0xFFFFFFFF, 0, 12345) + b"\x04test\x00" + bytes(range(1, 33))
        rr = b"\xc0\x0c\x00\x2e\x00\x01\x00\x00\x00\x3c" + struct.pack(">H", len(rdata)) + rdata
        return [answer(qid, question, an=rr, an_count=1)]
    if mode == "big":
        txt = b"\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\xc9\xc8" + b"x" * 200
        return [answer(qid, question, an=txt * 35, an_count=35)]
    return [answer(qid, question, flags=0x8403)]

def udp(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    while True:
        q, peer = s.recvfrom(65535)
        if len(q) < 17:
            continue
        for r in udp_replies(q):
            s.sendto(r, peer)

def tcp_client(c):
    try:
        n = struct.unpack(">H", c.recv(2))[0]
        q = b""
        while len(q) < n:
            q += c.recv(n - len(q))
        labels, question = parse(q)
        mode = labels[0]
        if mode == "tcpclose":
            pass
        elif mode == "tcpsilent":
            c.recv(1)  # says nothing until the client hangs up
        elif mode == "tcpshort":
            c.sendall(b"\x00\x05\x01\x02\x03\x04\x05")
        elif mode == "tcpcut":
            c.sendall(b"\x00\x64" + q[:10])
        else:
            r = answer(q[:2], question, an=A_RR, an_count=1)
            c.sendall(struct.pack(">H", len(r)) + r)
    finally:
        c.close()

def tcp(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 53))
    s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=tcp_client, args=(c,), daemon=True).start()

threading.Thread(target=tcp, args=(sys.argv[1],), daemon=True).start()
udp(sys.argv[1])
PY
lab_bg dns python3 "$LAB_TMP/badserver.py" $BAD
lab_wait_listen dns 53 udp
lab_wait_listen dns 53

mask() {
	sed -E -e 's/^; <<>> .* <<>>( |$)/; <<>> VERSION <<>>\1/' -e '/^;; Query time: /d' -e '/^;; WHEN: /d' \
		-e 's/(->>HEADER<<- opcode: [A-Z0-9]+, status: [A-Z0-9]+), id: [0-9]+/\1, id: ID/' \
		-e 's/(ID mismatch: expected ID )[0-9]+, got [0-9]+/\1X, got Y/' \
		-e '/^[0-9]+ bytes$/{n;s/^[0-9a-f]{2} [0-9a-f]{2} (.{42}         )..(.*)$/XX XX \1..\2/;}'
}


S=@$BAD
T="+tries=1 +timeout=2"
dig_same "FORMERR without a question" $S noquestion.test $T
dig_same "three questions" $S qd3.test $T
dig_same "another question first" $S otherq.test $T
dig_same "a wrong id first" $S wrongid.test $T
dig_same "a short datagram first" $S short.test $T
dig_same "opcode UPDATE first" $S update.test $T
dig_same "QR not set" $S noqr.test $T
dig_same "bad compression pointer" $S badptr.test $T
dig_same "bad label type" $S badlabel.test $T
dig_same "a 7 KB UDP reply with +bufsize=65535" $S big.test $T +bufsize=65535
dig_same "RRSIG times modulo 2^32 shown nearest now" $S rrsigwrap.test RRSIG $T
dig_same "TCP: closed at once" $S tcpclose.test $T +tcp
dig_same "TCP: a message shorter than a header" $S tcpshort.test $T +tcp
dig_same "TCP: a message cut short" $S tcpcut.test $T +tcp
dig_same "TCP: accepted, then silent" $S tcpsilent.test $T +tcp
done_testing
