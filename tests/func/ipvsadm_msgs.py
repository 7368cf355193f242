#!/usr/bin/env python3
"""Writes the generic netlink messages the kernel's IPVS sends for a small
table, built from the attribute layout in linux/ip_vs.h: GET_INFO's reply
(IPVS_CMD_SET_INFO), then each service (IPVS_CMD_NEW_SERVICE) followed by
its destinations (IPVS_CMD_NEW_DEST).  sonde ipvsadm reads them through
SONDE_IPVS_REPLAY."""
import socket
import struct
import sys

NLM_F_MULTI = 2
CMD_NEW_SERVICE, CMD_NEW_DEST, CMD_SET_INFO = 1, 5, 14
ATTR_SERVICE, ATTR_DEST = 1, 2
SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK, SVC_SCHED, SVC_FLAGS, SVC_TIMEOUT, SVC_NETMASK, SVC_STATS64 = 1, 2, 3, 4, 5, 6, 7, 8, 9, 12
D_ADDR, D_PORT, D_FWD, D_WEIGHT, D_UTH, D_LTH, D_ACTIVE, D_INACT, D_PERSIST, D_FAMILY, D_STATS64 = 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12
INFO_VERSION, INFO_SIZE = 1, 2


def attr(kind, payload):
    a = struct.pack("=HH", 4 + len(payload), kind) + payload
    return a + b"\0" * (-len(a) % 4)


def stats64(conns, inpkts, outpkts, inbytes, outbytes):
    vals = [conns, inpkts, outpkts, inbytes, outbytes, 1, 2, 3, 400, 500]
    return b"".join(attr(i + 1, struct.pack("=Q", v)) for i, v in enumerate(vals))


def message(cmd, body):
    genl = struct.pack("=BBH", cmd, 1, 0)
    return struct.pack("=IHHII", 16 + len(genl) + len(body), 0x1d, NLM_F_MULTI, 1, 0) + genl + body


def addr(family, text):
    raw = socket.inet_pton(family, text)
    return raw + b"\0" * (16 - len(raw))


def service(family, proto, vip, port, sched, flags=0, timeout=0, netmask=0xffffffff, fwmark=0, stats=(0, 0, 0, 0, 0)):
    body = attr(SVC_AF, struct.pack("=H", family))
    if fwmark:
        body += attr(SVC_FWMARK, struct.pack("=I", fwmark))
    else:
        body += attr(SVC_PROTOCOL, struct.pack("=H", proto)) + attr(SVC_ADDR, addr(family, vip)) + attr(SVC_PORT, struct.pack("!H", port))
    body += attr(SVC_SCHED, sched.encode() + b"\0") + attr(SVC_FLAGS, struct.pack("=II", flags, 0xffffffff))
    body += attr(SVC_TIMEOUT, struct.pack("=I", timeout)) + attr(SVC_NETMASK, struct.pack("=I", netmask))
    body += attr(SVC_STATS64, stats64(*stats))
    return message(CMD_NEW_SERVICE, attr(ATTR_SERVICE | 0x8000, body))


def dest(family, ip, port, weight, fwd=0, active=0, inact=0, stats=(0, 0, 0, 0, 0)):
    body = attr(D_ADDR, addr(family, ip)) + attr(D_PORT, struct.pack("!H", port)) + attr(D_FWD, struct.pack("=I", fwd))
    body += attr(D_WEIGHT, struct.pack("=i", weight)) + attr(D_UTH, struct.pack("=I", 0)) + attr(D_LTH, struct.pack("=I", 0))
    body += attr(D_ACTIVE, struct.pack("=I", active)) + attr(D_INACT, struct.pack("=I", inact)) + attr(D_PERSIST, struct.pack("=I", 0))
    body += attr(D_FAMILY, struct.pack("=H", family)) + attr(D_STATS64, stats64(*stats))
    return message(CMD_NEW_DEST, attr(ATTR_DEST | 0x8000, body))


V4, V6, TCP, UDP = socket.AF_INET, socket.AF_INET6, 6, 17
out = message(CMD_SET_INFO, attr(INFO_VERSION, struct.pack("=I", 0x010201)) + attr(INFO_SIZE, struct.pack("=I", 4096)))
# Kernel order is hash order; sonde sorts as ipvsadm does.
out += service(V4, UDP, "10.96.0.10", 53, "rr")
out += dest(V4, "10.244.1.3", 53, 1, active=0, inact=4)
out += dest(V4, "10.244.0.2", 53, 1)
out += service(V4, TCP, "10.96.0.1", 443, "rr", stats=(12, 340, 300, 123456789, 2000000000))
out += dest(V4, "192.168.49.2", 8443, 1, active=2, inact=7, stats=(12, 340, 300, 123456789, 2000000000))
out += service(V4, TCP, "10.96.0.10", 9153, "wlc", flags=1, timeout=10800)
out += dest(V4, "10.244.0.2", 9153, 3, fwd=3)
out += dest(V4, "10.244.1.3", 9153, 0, fwd=2)
out += service(V6, TCP, "fd00::10", 80, "sh")
out += dest(V6, "fd00:244::5", 8080, 1)
out += service(V4, 0, "0.0.0.0", 0, "rr", fwmark=42)
out += dest(V4, "10.244.2.9", 0, 1)
sys.stdout.buffer.write(out)
