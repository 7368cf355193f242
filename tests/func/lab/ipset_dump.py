#!/usr/bin/env python3
"""Records the kernel's reply to an ipset IPSET_CMD_LIST dump (protocol 7),
message after message as received, without the final NLMSG_DONE, on
stdout: the input of SONDE_IPSET_REPLAY and of the nfipset fuzz corpus.
Run it inside the namespace whose sets it should record."""
import os
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NFNL_SUBSYS_IPSET = 6
IPSET_CMD_LIST = 7
IPSET_ATTR_PROTOCOL = 1
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3


def request():
    attr = struct.pack("=HHB3x", 5, IPSET_ATTR_PROTOCOL, 7)
    body = struct.pack("=BBH", socket.AF_INET, 0, 0) + attr
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_IPSET << 8) | IPSET_CMD_LIST,
                       NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    sock.send(request())
    out = bytearray()
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, off)
            if kind == NLMSG_DONE:
                sys.stdout.buffer.write(out)
                return 0
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("=i", data, off + 16)[0]
                if err:
                    print(f"ipset_dump.py: kernel error {err}", file=sys.stderr)
                    return 1
            else:
                out += data[off:off + length]
                out += bytes((4 - length % 4) % 4)
            off += (length + 3) & ~3


if __name__ == "__main__":
    sys.exit(main())
