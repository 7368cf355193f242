#!/usr/bin/env python3
"""Writes the generic netlink messages the kernel's IPVS sends for a small
table (ipvsadm_fixture.py), built from the attribute layout in linux/ip_vs.h: GET_INFO's reply
(IPVS_CMD_SET_INFO), then each service (IPVS_CMD_NEW_SERVICE) followed by
its destinations (IPVS_CMD_NEW_DEST).  sonde ipvsadm reads them through
SONDE_IPVS_REPLAY."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipvsadm_fixture as fixture  # noqa: E402

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


out = message(CMD_SET_INFO, attr(INFO_VERSION, struct.pack("=I", fixture.VERSION)) +
              attr(INFO_SIZE, struct.pack("=I", fixture.TABLE_SIZE)))
# Kernel order is hash order; sonde sorts as ipvsadm does.
for svc in fixture.SERVICES:
    out += service(svc["family"], svc["proto"], svc["vip"], svc["port"], svc["sched"], svc["flags"], svc["timeout"],
                   svc["netmask"], svc["fwmark"], svc["stats"])
    for d in svc["dests"]:
        out += dest(d["family"], d["ip"], d["port"], d["weight"], d["fwd"], d["active"], d["inact"], d["stats"])
sys.stdout.buffer.write(out)
