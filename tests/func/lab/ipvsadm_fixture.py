"""The IPVS table the ipvsadm tests use, as data: ipvsadm_msgs.py turns it
into the kernel's netlink messages, ipvsadm_golden.py into ipvsadm 1.31's
listing.  Services and destinations are in the kernel's (hash) order, not
ipvsadm's."""
import socket

V4, V6, TCP, UDP = socket.AF_INET, socket.AF_INET6, 6, 17
FWD_MASQ, FWD_TUNNEL, FWD_ROUTE = 0, 2, 3      # IP_VS_CONN_F_* (linux/ip_vs.h)
SVC_F_PERSISTENT = 1                          # IP_VS_SVC_F_PERSISTENT
VERSION, TABLE_SIZE = 0x010201, 4096


def service(family, proto, vip, port, sched, flags=0, timeout=0, netmask=0xffffffff, fwmark=0,
            stats=(0, 0, 0, 0, 0), dests=()):
    return dict(family=family, proto=proto, vip=vip, port=port, sched=sched, flags=flags, timeout=timeout,
                netmask=netmask, fwmark=fwmark, stats=stats, dests=list(dests))


def dest(family, ip, port, weight, fwd=FWD_MASQ, active=0, inact=0, stats=(0, 0, 0, 0, 0)):
    return dict(family=family, ip=ip, port=port, weight=weight, fwd=fwd, active=active, inact=inact, stats=stats)


SERVICES = [
    service(V4, UDP, "10.96.0.10", 53, "rr", dests=[
        dest(V4, "10.244.1.3", 53, 1, active=0, inact=4),
        dest(V4, "10.244.0.2", 53, 1)]),
    service(V4, TCP, "10.96.0.1", 443, "rr", stats=(12, 340, 300, 123456789, 2000000000), dests=[
        dest(V4, "192.168.49.2", 8443, 1, active=2, inact=7, stats=(12, 340, 300, 123456789, 2000000000))]),
    service(V4, TCP, "10.96.0.10", 9153, "wlc", flags=SVC_F_PERSISTENT, timeout=10800, dests=[
        dest(V4, "10.244.0.2", 9153, 3, fwd=FWD_ROUTE),
        dest(V4, "10.244.1.3", 9153, 0, fwd=FWD_TUNNEL)]),
    service(V6, TCP, "fd00::10", 80, "sh", dests=[
        dest(V6, "fd00:244::5", 8080, 1)]),
    service(V4, 0, "0.0.0.0", 0, "rr", fwmark=42, dests=[
        dest(V4, "10.244.2.9", 0, 1)]),
]
