#!/usr/bin/env python3
"""A DNS server for wait's tests: answers A queries for the names listed in
a file (one "NAME ADDRESS" a line, or "NAME SERVFAIL" for a name whose
zone is broken, re-read at every query, so a test makes a
name appear by writing it), NODATA for other types of those names, and
NXDOMAIN for the rest.  Usage: wait_dns.py ADDRESS NAMESFILE (port 53)."""
import socket
import struct
import sys


def read_names(path):
    names = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    names[parts[0].lower().rstrip(".")] = parts[1]
    except FileNotFoundError:
        pass
    return names


def question(msg):
    labels, i = [], 12
    while msg[i]:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    qtype, _ = struct.unpack("!HH", msg[i + 1:i + 5])
    return ".".join(labels).lower(), qtype, msg[12:i + 5]


def answer(msg, names):
    qid, = struct.unpack("!H", msg[:2])
    name, qtype, qsection = question(msg)
    if name not in names:
        return struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + qsection
    if names[name] == "SERVFAIL":
        return struct.pack("!HHHHHH", qid, 0x8182, 1, 0, 0, 0) + qsection
    if qtype != 1:
        return struct.pack("!HHHHHH", qid, 0x8180, 1, 0, 0, 0) + qsection
    rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 5, 4) + socket.inet_aton(names[name])
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + qsection + rr


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((sys.argv[1], 53))
    while True:
        msg, peer = sock.recvfrom(4096)
        try:
            sock.sendto(answer(msg, read_names(sys.argv[2])), peer)
        except (IndexError, struct.error):
            pass


main()
