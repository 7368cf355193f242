#!/usr/bin/env python3
"""Writes a pcap (Ethernet, IPv4) holding, for every port 1-65535, a UDP
datagram (udp) or a TCP segment with data (tcp) from and to that port, with
each of a few payloads: zeros, letters, random bytes, telnet IACs (an SMB
header and an HTTP request showed no other port when the table was made).  tcpdump hands some ports to a protocol printer;
sonde must print each line as tcpdump does, or mark it as not decoded.
Usage: tcpdump_ports.py udp|tcp FILE"""
import random
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def ipv4(proto, payload):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:] + payload


def main():
    proto, path = sys.argv[1], sys.argv[2]
    rng = random.Random(7)
    payloads = [b"\0" * 16, b"A" * 16, bytes(rng.randrange(256) for _ in range(40)), b"\xff" * 16]
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        n = 0
        for payload in payloads:
            for port in range(1, 65536):
                if proto == "udp":
                    segment = struct.pack("!HHHH", port, port, 8 + len(payload), 0) + payload
                else:
                    segment = struct.pack("!HHIIBBHHH", port, port, 1, 1, 0x50, 0x18, 1000, 0, 0) + payload
                frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ipv4(17 if proto == "udp" else 6, segment)
                out.write(struct.pack("<IIII", n, 0, len(frame), len(frame)) + frame)
                n += 1


main()
