#!/usr/bin/env python3
"""Writes pcap files (Ethernet, IPv4) with known timestamps for sonde
tcpdump's --dns and --flows tests: every latency, RTT, retransmission and
reset in them is set here, so the expected figures are known exactly.
Usage: tcpdump_synth.py dns|flows FILE"""
import struct
import sys

T0 = 1700000000


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def addr(text):
    return bytes(int(x) for x in text.split("."))


def ipv4(src, dst, proto, payload):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                         addr(src), addr(dst))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ether(packet):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + packet


def udp(src, sport, dst, dport, data):
    return ether(ipv4(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data))


def tcp(src, sport, dst, dport, seq, ack, flags, data=b"", window=65535):
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, window, 0, 0)
    return ether(ipv4(src, dst, 6, header + data))


SYN, ACK, RST, PSH, FIN = 0x02, 0x10, 0x04, 0x08, 0x01


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns(ident, qname, qtype, response=False, rcode=0, answers=0):
    flags = 0x0100 | (0x8080 | rcode if response else 0)
    msg = struct.pack("!HHHHHH", ident, flags, 1, answers, 0, 0) + name(qname) + struct.pack("!HH", qtype, 1)
    for _ in range(answers):
        msg += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 30, 4) + b"\x0a\x00\x00\x63"
    return msg


def write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for when, frame in sorted(frames, key=lambda item: item[0]):
            usec = round(when * 1e6)
            f.write(struct.pack("<IIII", T0 + usec // 1000000, usec % 1000000, len(frame), len(frame)))
            f.write(frame)


C, S = "10.0.0.1", "10.0.0.53"
A, AAAA = 1, 28


def query(frames, when, port, ident, qname, qtype, latency_ms=None, rcode=0, answers=0):
    frames.append((when, udp(C, port, S, 53, dns(ident, qname, qtype))))
    if latency_ms is not None:
        reply = dns(ident, qname, qtype, True, rcode, answers)
        frames.append((when + latency_ms / 1000, udp(S, 53, C, port, reply)))


def dns_capture():
    frames = []
    query(frames, 0.0, 40001, 0x1001, "example.com", A, 12.5, 0, 1)
    # A pod's search list (ndots:5) for example.org: three NXDOMAIN, then
    # the name itself.  Its AAAA's reply is lost, and asked again 5 s later.
    query(frames, 0.1, 40002, 0x2001, "example.org.default.svc.cluster.local", A, 1, 3)
    query(frames, 0.2, 40002, 0x2002, "example.org.svc.cluster.local", A, 2, 3)
    query(frames, 0.3, 40002, 0x2003, "example.org.cluster.local", A, 3, 3)
    query(frames, 0.4, 40002, 0x2004, "example.org", A, 4, 0, 2)
    query(frames, 0.4, 40002, 0x2005, "example.org", AAAA)
    query(frames, 5.4, 40003, 0x2006, "example.org", AAAA, 2, 0, 0)
    query(frames, 0.5, 40004, 0x3001, "broken.test", A, 100, 2)
    # The same query sent again (same id and port) a second later.
    query(frames, 2.0, 40005, 0x4001, "retry.test", A)
    query(frames, 3.0, 40005, 0x4001, "retry.test", A, 1, 0, 1)
    # DNS over TCP: the length, then the message, in one segment each way.
    q = dns(0x5001, "tcp.test", A)
    r = dns(0x5001, "tcp.test", A, True, 0, 1)
    frames.append((6.0, tcp(C, 40006, S, 53, 1, 1, PSH | ACK, struct.pack("!H", len(q)) + q)))
    frames.append((6.030, tcp(S, 53, C, 40006, 1, 1 + 2 + len(q), PSH | ACK, struct.pack("!H", len(r)) + r)))
    # A response whose query is not in the capture.
    frames.append((7.0, udp(S, 53, C, 40007, dns(0x6001, "orphan.test", A, True, 0, 1))))
    return frames


def flows_capture():
    frames = []
    web = (C, 50000, "10.0.0.2", 80)
    c, cp, s, sp = web
    frames += [
        (0.000, tcp(c, cp, s, sp, 1000, 0, SYN)),
        (0.010, tcp(s, sp, c, cp, 5000, 1001, SYN | ACK)),
        (0.011, tcp(c, cp, s, sp, 1001, 5001, ACK)),
        (0.020, tcp(c, cp, s, sp, 1001, 5001, PSH | ACK, b"g" * 100)),
        (0.030, tcp(s, sp, c, cp, 5001, 1101, ACK)),
        (0.040, tcp(s, sp, c, cp, 5001, 1101, PSH | ACK, b"d" * 1000)),
        (0.240, tcp(s, sp, c, cp, 5001, 1101, PSH | ACK, b"d" * 1000)),
        (0.250, tcp(c, cp, s, sp, 1101, 6001, ACK, window=0)),
        (0.300, tcp(c, cp, s, sp, 1101, 0, RST)),
    ]
    for i, when in enumerate((1.0, 1.25, 1.5)):
        frames.append((when, udp(C, 40000, "10.0.0.3", 9999, b"u" * 10)))
    frames += [
        (2.000, tcp(C, 50001, "10.0.0.2", 81, 7000, 0, SYN)),
        (2.001, tcp("10.0.0.2", 81, C, 50001, 0, 7001, RST | ACK)),
        (3.000, tcp(C, 50002, "10.0.0.2", 82, 9000, 0, SYN)),
        (4.000, tcp(C, 50002, "10.0.0.2", 82, 9000, 0, SYN)),
        (4.002, tcp("10.0.0.2", 82, C, 50002, 3000, 9001, SYN | ACK)),
        (4.003, tcp(C, 50002, "10.0.0.2", 82, 9001, 3001, ACK)),
    ]
    return frames


if __name__ == "__main__":
    write(sys.argv[2], dns_capture() if sys.argv[1] == "dns" else flows_capture())
