#!/usr/bin/env python3
"""Writes a pcap (Ethernet, IPv4, UDP) of DNS messages that exercise
tcpdump's one-line summaries: queries with flags and counts, responses with
each answer type sonde decodes (A, AAAA, CNAME, NS, PTR, MX, SRV), rcodes,
AA/TC/RA flags, mDNS questions, and a few it marks (TXT, SOA).
Usage: tcpdump_dns.py FILE"""
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, rtype, rdata, rclass=1):
    return owner + struct.pack("!HHIH", rtype, rclass, 300, len(rdata)) + rdata


def message(qid, flags, questions, answers=(), authority=(), additional=()):
    head = struct.pack("!HHHHHH", qid, flags, len(questions), len(answers), len(authority), len(additional))
    return head + b"".join(questions) + b"".join(answers) + b"".join(authority) + b"".join(additional)


def q(text, qtype=1, qclass=1):
    return name(text) + struct.pack("!HH", qtype, qclass)


def frame(payload, sport, dport):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp


PTR = b"\xc0\x0c"  # the question's name
messages = [
    (message(1, 0x0100, [q("www.example.test")]), 40000, 53),
    (message(2, 0x0000, [q("example.test", 28)]), 40000, 53),
    (message(3, 0x0110, [q("example.test", 15)]), 40000, 53),
    (message(4, 0x0120, [q("example.test", 33)], additional=[name("") + struct.pack("!HHIH", 41, 1232, 0, 0)]), 40000, 53),
    (message(5, 0x8180, [q("www.example.test")], [rr(PTR, 1, bytes([10, 1, 2, 3])), rr(PTR, 1, bytes([10, 1, 2, 4]))]), 53, 40000),
    (message(6, 0x8580, [q("example.test", 28)], [rr(PTR, 28, bytes(15) + b"\x01")]), 53, 40000),
    (message(7, 0x8180, [q("www.example.test")], [rr(PTR, 5, name("web.example.test")), rr(name("web.example.test"), 1, bytes([10, 9, 9, 9]))]), 53, 40000),
    (message(8, 0x8180, [q("example.test", 2)], [rr(PTR, 2, name("ns1.example.test")), rr(PTR, 2, name("ns2.example.test"))]), 53, 40000),
    (message(9, 0x8180, [q("3.2.1.10.in-addr.arpa", 12)], [rr(PTR, 12, name("host.example.test"))]), 53, 40000),
    (message(10, 0x8180, [q("example.test", 15)], [rr(PTR, 15, struct.pack("!H", 10) + name("mail.example.test"))]), 53, 40000),
    (message(11, 0x8180, [q("_sip._udp.example.test", 33)], [rr(PTR, 33, struct.pack("!HHH", 1, 2, 5060) + name("sip.example.test"))]), 53, 40000),
    (message(12, 0x8183, [q("nothere.example.test")]), 53, 40000),
    (message(13, 0x8182, [q("example.test")]), 53, 40000),
    (message(14, 0x8385, [q("example.test")]), 53, 40000),
    (message(15, 0x8100, [q("example.test")]), 53, 40000),
    (message(16, 0x8180, [q("example.test", 16)], [rr(PTR, 16, b"\x05hello")]), 53, 40000),
    (message(17, 0x8180, [q("example.test", 6)], [rr(PTR, 6, name("ns1.example.test") + name("root.example.test") + struct.pack("!IIIII", 1, 2, 3, 4, 5))]), 53, 40000),
    (message(18, 0x0000, [q("printer.local", 1, 0x8001)]), 5353, 5353),
    (message(19, 0x0000, [q("printer.local", 28)]), 5353, 5353),
    (message(20, 0x0100, [q("a.example.test"), q("b.example.test")]), 40000, 53),
    (message(21, 0x0100, [q("example.test", 255)]), 40000, 53),
    (message(22, 0x0100, [q("example.test", 65)]), 40000, 53),
    (message(23, 0x0100, [q(".")]), 40000, 53),
    (message(24, 0x8180, [q("www.example.test")], [rr(PTR, 1, bytes([10, 1, 2, 3]))], [rr(name("example.test"), 2, name("ns1.example.test"))], [rr(name("ns1.example.test"), 1, bytes([10, 0, 0, 53]))]), 53, 40000),
]

with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for n, (payload, sport, dport) in enumerate(messages):
        f = frame(payload, sport, dport)
        out.write(struct.pack("<IIII", 1000 + n, 0, len(f), len(f)) + f)
