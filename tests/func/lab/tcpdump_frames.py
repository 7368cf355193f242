#!/usr/bin/env python3
"""Writes a pcap (Ethernet) of frames this kernel cannot make or a lab
cannot send on demand, for sonde tcpdump against tcpdump: 802.1Q and QinQ
tags, IPv4 fragments, IPv6 extension headers (routing, fragment,
destination options), DNS over TCP, VXLAN and OTV, ICMP errors quoting
datagrams.  Checksums are correct unless a frame says otherwise.
Usage: tcpdump_frames.py FILE"""
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total >> 16) + (total & 0xffff)
    return ~total & 0xffff


def a4(text):
    return bytes(int(x) for x in text.split("."))


def a6(text):
    head, _, tail = text.partition("::")
    h = [int(x, 16) for x in head.split(":") if x]
    t = [int(x, 16) for x in tail.split(":") if x]
    return struct.pack("!8H", *(h + [0] * (8 - len(h) - len(t)) + t))


MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def eth(payload, etype, tags=()):
    head = MAC_B + MAC_A
    for tpid, tci in tags:
        head += struct.pack("!HH", tpid, tci)
    return head + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=1, frag=0x4000, ttl=64, tos=0, options=b"", total=None):
    hl = 20 + len(options)
    head = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, tos, total or hl + len(payload), ident, frag, ttl, proto, 0,
                       a4(src), a4(dst)) + options
    head = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
    return head + payload


def ipv6(src, dst, nh, payload, hlim=64, flow=0):
    return struct.pack("!IHBB16s16s", 0x60000000 | flow, len(payload), nh, hlim, a6(src), a6(dst)) + payload


def pseudo(src, dst, proto, length):
    if ":" in src:
        return a6(src) + a6(dst) + struct.pack("!IxxxB", length, proto)
    return a4(src) + a4(dst) + struct.pack("!xBH", proto, length)


def udp(src, dst, sport, dport, payload):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return seg[:6] + struct.pack("!H", checksum(pseudo(src, dst, 17, len(seg)) + seg) or 0xffff) + seg[8:]


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", win=64240, options=b""):
    off = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, 0) + options + payload
    return seg[:16] + struct.pack("!H", checksum(pseudo(src, dst, 6, len(seg)) + seg)) + seg[18:]


def icmp(itype, code, rest, body=b""):
    msg = struct.pack("!BBH", itype, code, 0) + rest + body
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


def icmp6(src, dst, itype, code, rest, body=b""):
    msg = struct.pack("!BBH", itype, code, 0) + rest + body
    return msg[:2] + struct.pack("!H", checksum(pseudo(src, dst, 58, len(msg)) + msg)) + msg[4:]


def echo4(ident, seq, size=56):
    return icmp(8, 0, struct.pack("!HH", ident, seq), bytes(range(size % 256)) * (size // 256) + bytes(range(size % 256)))


def dns_query(qid, name_text, qtype=1):
    q = b"".join(bytes([len(x)]) + x.encode() for x in name_text.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def dns_answer(qid, name_text, addr):
    q = b"".join(bytes([len(x)]) + x.encode() for x in name_text.split(".")) + b"\0"
    return (struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q + struct.pack("!HH", 1, 1) + b"\xc0\x0c" +
            struct.pack("!HHIH", 1, 1, 300, 4) + a4(addr))


frames = []
IP4, IP6, ARP = 0x0800, 0x86dd, 0x0806

# --- 802.1Q and QinQ ---
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 1, echo4(7, 1)), IP4, [(0x8100, 3 << 13 | 100)]))
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, a4("10.0.0.1"), bytes(6), a4("10.0.0.2"))
frames.append(eth(arp, ARP, [(0x8100, 0x1000 | 200)]))
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 40000, 9999, b"hello")), IP4,
                  [(0x88a8, 10), (0x8100, 20)]))
ping6 = icmp6("fd00::1", "fd00::2", 128, 0, struct.pack("!HH", 9, 1), b"x" * 16)
frames.append(eth(ipv6("fd00::1", "fd00::2", 58, ping6), IP6, [(0x9100, 5)]))
frames.append(MAC_B + MAC_A + struct.pack("!HH", 0x8100, 100))  # ends within the tag

# --- IPv4 fragments: a UDP datagram of 3,008 bytes and an echo of 2,008 ---
dgram = udp("10.0.0.1", "10.0.0.2", 40000, 9999, bytes(3000))
for off in range(0, len(dgram), 1480):
    more = 0x2000 if off + 1480 < len(dgram) else 0
    frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, dgram[off:off + 1480], ident=77, frag=more | off // 8), IP4))
ping = echo4(8, 1, 2000)
for off in range(0, len(ping), 1480):
    more = 0x2000 if off + 1480 < len(ping) else 0
    frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 1, ping[off:off + 1480], ident=78, frag=more | off // 8), IP4))
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 6, bytes(40), ident=79, frag=0x2000 | 100), IP4))
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 200, bytes(40), ident=80, frag=200), IP4))

# --- DNS over TCP ---
c, s = "10.0.0.1", "10.0.0.53"
frames.append(eth(ipv4(c, s, 6, tcp(c, s, 41000, 53, 1000, 0, 0x02)), IP4))
frames.append(eth(ipv4(s, c, 6, tcp(s, c, 53, 41000, 5000, 1001, 0x12)), IP4))
frames.append(eth(ipv4(c, s, 6, tcp(c, s, 41000, 53, 1001, 5001, 0x10)), IP4))
query = dns_query(4242, "www.example.test")
frames.append(eth(ipv4(c, s, 6, tcp(c, s, 41000, 53, 1001, 5001, 0x18, struct.pack("!H", len(query)) + query)), IP4))
answer = dns_answer(4242, "www.example.test", "10.1.2.3")
frames.append(eth(ipv4(s, c, 6, tcp(s, c, 53, 41000, 5001, 1003 + len(query), 0x18,
                                    struct.pack("!H", len(answer)) + answer)), IP4))
frames.append(eth(ipv4(c, s, 6, tcp(c, s, 41000, 53, 1003 + len(query), 5003 + len(answer), 0x18,
                                    struct.pack("!H", 500) + query)), IP4))
frames.append(eth(ipv4(c, s, 6, tcp(c, s, 41000, 53, 1003 + len(query), 5003 + len(answer), 0x18, b"\x01")), IP4))
frames.append(eth(ipv4(c, s, 6, tcp(c, s, 41000, 53, 1003 + len(query), 5003 + len(answer), 0x18,
                                    struct.pack("!H", 5) + b"\0\1\0\0\0")), IP4))

# --- VXLAN (4789) and OTV (8472): Ethernet inside ---
inner = eth(ipv4("192.168.1.1", "192.168.1.2", 1, echo4(3, 4)), IP4)
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 40001, 4789,
                                                        struct.pack("!BxxxI", 0x08, 42 << 8) + inner)), IP4))
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 40001, 8472,
                                                        struct.pack("!II", 0x08000000 | 7, 1 << 8) + eth(arp, ARP))), IP4))
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 40001, 4789,
                                                        struct.pack("!BxxxI", 0x00, 9 << 8) + inner)), IP4))
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 40001, 4789, b"\x08\0\0")), IP4))
inner6 = eth(ipv6("fd00::1", "fd00::2", 58, ping6), IP6, [(0x8100, 30)])
frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 40001, 4789,
                                                        struct.pack("!BxxxI", 0x08, 1 << 8) + inner6)), IP4))

# --- IPv6 extension headers ---
S6, D6 = "fd00::1", "fd00::2"
PADN4 = b"\x01\x04\0\0\0\0"  # a destination/hop-by-hop option: PadN of 4


def ext(nh, body):
    """An extension header of 8-byte units: next header, length, body."""
    return bytes([nh, (2 + len(body)) // 8 - 1]) + body


echo6 = icmp6(S6, D6, 128, 0, struct.pack("!HH", 11, 1), b"y" * 24)
frames.append(eth(ipv6(S6, D6, 60, ext(58, PADN4) + echo6), IP6))
frames.append(eth(ipv6(S6, D6, 0, ext(60, PADN4) + ext(58, PADN4) + echo6), IP6))
frames.append(eth(ipv6(S6, D6, 60, ext(6, PADN4) + tcp(S6, D6, 42000, 80, 1, 0, 0x02)), IP6))
rt0 = bytes([17, 2, 0, 1]) + bytes(4) + a6("fd00::3")
frames.append(eth(ipv6(S6, D6, 43, rt0 + udp(S6, D6, 40000, 9999, b"rt")), IP6))
rt2 = bytes([58, 2, 2, 1]) + bytes(4) + a6("fd00::4")
frames.append(eth(ipv6(S6, D6, 43, rt2 + echo6), IP6))
srh = bytes([6, 4, 4, 1, 1, 0, 0, 7]) + a6("fd00::5") + a6("fd00::6")
frames.append(eth(ipv6(S6, D6, 43, srh + tcp(S6, D6, 42001, 443, 1, 0, 0x02)), IP6))
frames.append(eth(ipv6(S6, D6, 43, bytes([58, 0, 3, 0]) + bytes(4) + echo6), IP6))
frames.append(eth(ipv6(S6, D6, 43, bytes([58, 1, 0, 0]) + bytes(12) + echo6), IP6))
big6 = udp(S6, D6, 40000, 9999, bytes(3000))
for off in range(0, len(big6), 1448):
    more = 1 if off + 1448 < len(big6) else 0
    frag = struct.pack("!BxHI", 17, off | more, 0x1234)
    frames.append(eth(ipv6(S6, D6, 44, frag + big6[off:off + 1448]), IP6))
ping6big = icmp6(S6, D6, 128, 0, struct.pack("!HH", 12, 1), bytes(2000))
for off in range(0, len(ping6big), 1448):
    more = 1 if off + 1448 < len(ping6big) else 0
    frag = struct.pack("!BxHI", 58, off | more, 0x1235)
    frames.append(eth(ipv6(S6, D6, 44, frag + ping6big[off:off + 1448]), IP6))

# --- DNS over TCP: an answer split over two segments ---
split = struct.pack("!H", len(answer)) + answer
seq = 5003 + len(answer)
frames.append(eth(ipv4(s, c, 6, tcp(s, c, 53, 41000, seq, 1003 + len(query), 0x10, split[:20])), IP4))
frames.append(eth(ipv4(s, c, 6, tcp(s, c, 53, 41000, seq + 20, 1003 + len(query), 0x18, split[20:])), IP4))
frames.append(eth(ipv4(s, c, 6, tcp(s, c, 53, 41000, seq + len(split), 1003 + len(query), 0x10, split[:2])), IP4))

# --- IPv4 options (-v): record route, timestamps, source routes, router alert ---
o, d = "10.0.0.1", "10.0.0.2"
ping = echo4(9, 1)
for options in (
        b"\x01\x07\x0b\x08" + a4("10.0.0.1") + a4("0.0.0.0"),  # NOP, RR, one recorded
        b"\x94\x04\x00\x00",  # router alert
        b"\x94\x04\x00\x07",  # router alert with a value
        b"\x44\x0c\x05\x00" + struct.pack("!II", 1234567, 0),  # timestamps only
        b"\x44\x14\x0d\x01" + a4("10.0.0.1") + struct.pack("!I", 42) + a4("10.0.0.9") + struct.pack("!I", 0),
        b"\x44\x0c\x05\x33" + a4("10.0.0.1") + struct.pack("!I", 7),  # prespec, overflow 3
        b"\x44\x08\x05\x02" + bytes(4),  # bad ts type
        b"\x82\x0b" + bytes(9) + b"\x00",  # security, then EOL
        b"\x52\x04\x00\x00",  # traceroute
        b"\x1e\x04\x00\x00",  # unknown
        b"\x07\x03\x04\x00",  # RR too short for an address: bad length and ptr
        b"\x07\x09\x04" + a4("10.0.0.3") + b"\x01\x00\x00",  # RR whose last entry reads past it
        b"\x01\x01\x01\x94",  # NOPs, then an option whose length runs past the header
        b"\x01\x00\x83\x01"):  # EOL ends the list
    frames.append(eth(ipv4(o, d, 1, ping, options=options), IP4))
lsrr = b"\x01\x83\x0b\x04" + a4("10.0.0.5") + a4("10.0.0.6")
frames.append(eth(ipv4(o, d, 17, udp(o, "10.0.0.6", 40000, 9999, b"routed"), options=lsrr), IP4))
frames.append(eth(ipv4(o, d, 6, tcp(o, "10.0.0.6", 40000, 80, 1, 0, 0x02), options=b"\x01\x89\x07\x04" + a4("10.0.0.6")),
                  IP4))
frames.append(eth(ipv4(o, d, 17, udp(o, d, 40000, 9999, b"not routed"), options=lsrr), IP4))

# --- a reset's data (-v): text, escapes, longer than tcpdump shows ---
for data in (b"connection refused", b"\x01bad\xff\x7f", bytes(range(65, 65 + 40))):
    frames.append(eth(ipv4(o, d, 6, tcp(o, d, 7777, 40000, 9, 1, 0x14, data)), IP4))

# --- ICMPv6 router advertisements (-v): fields and options ---
R6, ALL6 = "fe80::1", "ff02::1"


def nd_opt(otype, body):
    return bytes([otype, (2 + len(body)) // 8]) + body


def dnssl_names(*names):
    wire = b"".join(b"".join(bytes([len(x)]) + x.encode() for x in n.split(".")) + b"\0" for n in names)
    return wire + bytes(-(len(wire) + 8) % 8)


ra_opts = (nd_opt(1, MAC_A) + nd_opt(5, struct.pack("!xxI", 1450)) +
           nd_opt(3, struct.pack("!BBIII", 64, 0xc0, 2592000, 604800, 0) + a6("2001:db8:1::")) +
           nd_opt(25, struct.pack("!xxI", 600) + a6("2001:db8::53") + a6("2001:db8::54")) +
           nd_opt(31, struct.pack("!xxI", 600) + dnssl_names("example.test", "lab.test")) +
           nd_opt(24, struct.pack("!BBI", 48, 0x08, 0xffffffff) + a6("2001:db8:2::")[:8]) +
           nd_opt(24, struct.pack("!BBI", 0, 0x18, 1800)) +
           nd_opt(7, struct.pack("!xxI", 30000)) + nd_opt(8, struct.pack("!xxHH", 5, 1800)))
for flags, opts in ((0xc8, ra_opts), (0x00, b""), (0x3a, nd_opt(1, MAC_A) + nd_opt(5, struct.pack("!HI", 1, 1280))),
                    (0x80, nd_opt(14, bytes(6)) + nd_opt(1, MAC_A))):
    ra = icmp6(R6, ALL6, 134, 0, struct.pack("!BBHII", 64, flags, 1800, 30000, 1000), opts)
    frames.append(eth(ipv6(R6, ALL6, 58, ra, hlim=255), IP6))
rs = icmp6("fe80::2", "ff02::2", 133, 0, bytes(4), nd_opt(1, MAC_B) + nd_opt(5, struct.pack("!xxI", 9000)))
frames.append(eth(ipv6("fe80::2", "ff02::2", 58, rs, hlim=255), IP6))

# --- ICMP multi-part extensions (RFC 4884, -v): MPLS label stacks in errors ---
probe = ipv4("10.0.0.1", "10.9.9.9", 17, udp("10.0.0.1", "10.9.9.9", 40000, 33434, bytes(32)), ttl=1)
quoted = probe + bytes(128 - len(probe))


def ext_obj(class_num, ctype, body):
    return struct.pack("!HBB", 4 + len(body), class_num, ctype) + body


def icmp_ext(version, objects, good_sum=True):
    head = bytes([version << 4, 0]) + b"\0\0" + objects
    total = checksum(head) if good_sum else 0x1234
    return head[:2] + struct.pack("!H", total) + head[4:]


mpls = ext_obj(1, 1, struct.pack("!I", 16 << 12 | 0x100 | 1)) + ext_obj(1, 1, struct.pack("!I", 299792 << 12 | 5 << 9 | 64))
for words, ext in ((32, icmp_ext(2, mpls)), (0, icmp_ext(2, mpls)), (0, icmp_ext(2, mpls, False)),
                   (32, icmp_ext(2, mpls, False)), (32, icmp_ext(1, mpls)),
                   (32, icmp_ext(2, ext_obj(2, 3, b"\x00\x00\x00\x07abc") + ext_obj(9, 1, b"xyz") + ext_obj(0, 1, b""))),
                   (32, icmp_ext(2, ext_obj(1, 2, b"\x01\x02\x03\x04\x05")))):
    err = icmp(11, 0, struct.pack("!xBxx", words), quoted + ext)
    frames.append(eth(ipv4("10.0.0.254", "10.0.0.1", 1, err), IP4))
err = icmp(3, 3, struct.pack("!xBxx", 32), quoted + icmp_ext(2, mpls))
frames.append(eth(ipv4("10.0.0.254", "10.0.0.1", 1, err), IP4))

# --- carriage returns where -A leaves them out or prints a dot ---
for text in (b"ab\r\x01", b"ab\r", b"a\rb\r\ncd", b"\r\r\r\r"):
    frames.append(eth(ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 40000, 9999, text)), IP4))

with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for n, f in enumerate(frames):
        out.write(struct.pack("<IIII", 1000 + n, 0, len(f), len(f)) + f)
