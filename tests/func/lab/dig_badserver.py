# tests/func/lab/dig_badserver.py: a misbehaving DNS server for dig_badserver.t
# on UDP and TCP port 53 of ADDR; the query name's first label picks the
# misbehaviour.  Usage: dig_badserver.py ADDR
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

def rr_at_question(rtype, rdata, rclass=1, ttl=60):
    return b"\xc0\x0c" + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata

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
    if mode == "cutrdata":
        # A good A record, then one whose rdata (3 bytes) stops inside it.
        cut = A_RR[:10] + b"\x00\x03\xc0\x00\x02"
        return [answer(qid, question, an=A_RR + cut, an_count=2)]
    if mode in ("dsshort", "dslong"):
        # SHA-256 (type 2) with a 20-byte digest; SHA-1 (type 1) with 32.
        rdata = struct.pack(">HBB", 12345, 13, 2) + bytes(20) if mode == "dsshort" else \
            struct.pack(">HBB", 12345, 13, 1) + bytes(range(32))
        return [answer(qid, question, an=rr_at_question(43, rdata), an_count=1)]
    if mode == "nsecwin0":
        rdata = b"\x04next\x00" + b"\x00\x00"
        return [answer(qid, question, an=rr_at_question(47, rdata), an_count=1)]
    if mode == "cha":
        # An A record of class CH (a Chaosnet address: a name and an octal
        # number), whatever the question's class.
        rdata = b"\x05chaos\x00\x01\x7f"
        return [answer(qid, question, an=rr_at_question(1, rdata, rclass=3), an_count=1)]
    if mode == "hinfo1":
        # HINFO of one string: bind reads a second and finds the end.
        return [answer(qid, question, an=rr_at_question(13, b"\x03cpu"), an_count=1)]
    if mode == "nsecnobitmap":
        return [answer(qid, question, an=rr_at_question(47, b"\x04next\x00"), an_count=1)]
    if mode == "cutq":
        # The question's name without its type and class.
        return [qid + struct.pack(">HHHHH", 0x8400, 1, 0, 0, 0) + question[:-4]]
    if mode == "echoopt":
        # The query's OPT record back (its client subnet, scope 0).
        opt = q[12 + len(question):]
        return [qid + struct.pack(">HHHHH", 0x8400, 1, 1, 0, 1) + question + A_RR + opt]
    if mode == "rr":
        # rr.TYPE.HEX...test: one record of type TYPE whose rdata is the hex
        # of the labels between (a label holds 31 bytes of it at most).
        rdata = bytes.fromhex("".join(labels[2:-1]))
        return [answer(qid, question, an=rr_at_question(int(labels[1]), rdata), an_count=1)]
    if mode in ("ar", "ar2", "arflags", "arowner"):
        # ar.HEX...test: an A record, then an OPT record (owner the root, 1232
        # bytes) in the additional section whose data is the hex of the
        # labels between; ar2: that OPT twice; arowner: owned by the
        # question's name; arflags.TTL.HEX...: with TTL (8 hex digits:
        # extended rcode, version, flags).
        ttl = int(labels[1], 16) if mode == "arflags" else 0
        rdata = bytes.fromhex("".join(labels[2 if mode == "arflags" else 1:-1]))
        owner = b"\xc0\x0c" if mode == "arowner" else b"\x00"
        opt = owner + struct.pack(">HHIH", 41, 1232, ttl, len(rdata)) + rdata
        copies = 2 if mode == "ar2" else 1
        return [qid + struct.pack(">HHHHH", 0x8400, 1, 1, 0, copies) + question + A_RR + opt * copies]
    if mode == "silent":
        return []
    if mode == "updateonly":
        return [answer(qid, question, flags=0x8400 | (5 << 11))]
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
