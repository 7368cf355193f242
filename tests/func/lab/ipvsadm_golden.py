#!/usr/bin/env python3
"""Writes what ipvsadm 1.31 prints for the table of ipvsadm_fixture.py, from
ipvsadm's own formatting rules (re-stated here from reading ipvsadm.c and
libipvs/libipvs.c, not from sonde):

  -Ln          "IP Virtual Server version %d.%d.%d (size=%d)", the title
               "Prot LocalAddress:Port Scheduler Flags" /
               "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
               a service as "%s %s" (name, scheduler) plus " persistent %u"
               when persistent (and " mask ..." for a netmask other than
               255.255.255.255), a destination as "  -> %-28s %-7s %-6d %-10u %-10u".
  -Ln --stats  the title "%-33s %8s %8s %8s %8s %8s" (Conns InPkts OutPkts
               InBytes OutBytes) and "  -> RemoteAddress:Port", a service
               as "%-33s" then five print_largenum() fields, a destination as
               "  -> %-28s" then the same five.

A service's name is "TCP  ADDR:PORT" ("UDP", IPv6 as "[ADDR]:PORT", an IPv4
name cut at 33 characters) or "FWM  MARK"; print_largenum() prints "%9llu"
below 10^8, else "%8lluK" below 10^9, "%8lluM" below 10^11, "%8lluG" below
10^14, "%8lluT".  Services are sorted by ipvs_cmp_services (fwmark, family,
protocol, address, port: each a difference taken as a C int), destinations by
ipvs_cmp_dests (address, port).

Regenerate the golden files with:
    python3 tests/func/lab/ipvsadm_golden.py Ln >tests/func/data/ipvsadm_golden_Ln.txt
    python3 tests/func/lab/ipvsadm_golden.py stats >tests/func/data/ipvsadm_golden_stats.txt
"""
import functools
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipvsadm_fixture as fx  # noqa: E402

FWD_NAMES = {fx.FWD_MASQ: "Masq", 1: "Local", fx.FWD_TUNNEL: "Tunnel", fx.FWD_ROUTE: "Route"}
PROTO_NAMES = {fx.TCP: "TCP", fx.UDP: "UDP", 132: "SCTP"}


def c_int(value):
    """A C unsigned difference read back as a 32-bit int, as the comparators do."""
    return struct.unpack("=i", struct.pack("=I", value & 0xffffffff))[0]


def addr_words(family, text):
    raw = socket.inet_pton(family, text)
    return struct.unpack("!%dI" % (len(raw) // 4), raw)


def cmp_addr_port(family, a, a_port, b, b_port):
    r = 0
    for wa, wb in zip(addr_words(family, a), addr_words(family, b)):
        r = c_int(wa - wb)
        if r:
            return r
    return c_int(a_port - b_port)


def cmp_services(s1, s2):
    for key in ("fwmark", "family", "proto"):
        r = c_int(s1[key] - s2[key])
        if r:
            return r
    return cmp_addr_port(s1["family"], s1["vip"], s1["port"], s2["vip"], s2["port"])


def cmp_dests(d1, d2):
    return cmp_addr_port(d1["family"], d1["ip"], d1["port"], d2["ip"], d2["port"])


def addrport(family, ip, port):
    return ("[%s]:%d" if family == fx.V6 else "%s:%d") % (ip, port)


def service_name(svc):
    if svc["fwmark"]:
        return "FWM  %d%s" % (svc["fwmark"], " IPv6" if svc["family"] == fx.V6 else "")
    name = "%s  %s" % (PROTO_NAMES[svc["proto"]], addrport(svc["family"], svc["vip"], svc["port"]))
    return name if svc["family"] == fx.V6 else name[:33]


def largenum(i):
    if i < 100000000:
        return "%9d" % i
    for limit, div, unit in ((10**9, 10**3, "K"), (10**11, 10**6, "M"), (10**14, 10**9, "G")):
        if i < limit:
            return "%8d%s" % (i // div, unit)
    return "%8dT" % (i // 10**12)


def service_flags(svc):
    text = ""
    if svc["flags"] & fx.SVC_F_PERSISTENT:
        text += " persistent %d" % svc["timeout"]
        if svc["family"] == fx.V4 and svc["netmask"] != 0xffffffff:
            text += " mask %s" % socket.inet_ntoa(struct.pack("=I", svc["netmask"]))
        elif svc["family"] == fx.V6 and svc["netmask"] != 128:
            text += " mask %d" % svc["netmask"]
    return text


def listing(stats):
    major, minor, patch = fx.VERSION >> 16, (fx.VERSION >> 8) & 0xff, fx.VERSION & 0xff
    lines = ["IP Virtual Server version %d.%d.%d (size=%d)" % (major, minor, patch, fx.TABLE_SIZE)]
    if stats:
        lines.append("%-33s %8s %8s %8s %8s %8s" % ("Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts",
                                                   "InBytes", "OutBytes"))
        lines.append("  -> RemoteAddress:Port")
    else:
        lines.append("Prot LocalAddress:Port Scheduler Flags")
        lines.append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn")
    for svc in sorted(fx.SERVICES, key=functools.cmp_to_key(cmp_services)):
        if stats:
            lines.append("%-33s" % service_name(svc) + "".join(largenum(v) for v in svc["stats"]))
        else:
            lines.append("%s %s%s" % (service_name(svc), svc["sched"], service_flags(svc)))
        for d in sorted(svc["dests"], key=functools.cmp_to_key(cmp_dests)):
            where = addrport(d["family"], d["ip"], d["port"])
            if stats:
                lines.append("  -> %-28s" % where + "".join(largenum(v) for v in d["stats"]))
            else:
                lines.append("  -> %-28s %-7s %-6d %-10d %-10d" % (where, FWD_NAMES[d["fwd"]], d["weight"],
                                                                 d["active"], d["inact"]))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("Ln", "stats"):
        sys.exit("usage: ipvsadm_golden.py Ln|stats")
    sys.stdout.write(listing(sys.argv[1] == "stats"))
