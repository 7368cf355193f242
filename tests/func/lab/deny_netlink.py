#!/usr/bin/env python3
"""deny_netlink.py PROTO[,PROTO...] CMD [ARGS...]: runs CMD under a seccomp
filter that refuses socket(AF_NETLINK, *, PROTO) with EPERM, the way a
container runtime's seccomp profile or a security module refuses work that
needs no capability (rtnetlink and sock_diag dumps).  x86_64 only: on other
machines it exits 77 so the test can skip."""
import ctypes
import os
import platform
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
NR_SOCKET_X86_64 = 41
AF_NETLINK = 16
EPERM = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
# BPF opcodes
LD_W_ABS = 0x20
JEQ_K = 0x15
RET_K = 0x06
# offsets in struct seccomp_data
OFF_NR, OFF_ARCH, OFF_ARG0, OFF_ARG2 = 0, 4, 16, 32


def filter_program(protocols):
    """Each instruction is (code, jt, jf, k); jumps count from the next one."""
    deny_at = 7 + len(protocols)  # RET ERRNO, after the protocol tests
    allow_at = deny_at + 1        # RET ALLOW, the last instruction
    prog = []

    def jump_to_allow(index):
        return allow_at - index - 1

    prog.append((LD_W_ABS, 0, 0, OFF_ARCH))
    prog.append((JEQ_K, 0, jump_to_allow(1), AUDIT_ARCH_X86_64))
    prog.append((LD_W_ABS, 0, 0, OFF_NR))
    prog.append((JEQ_K, 0, jump_to_allow(3), NR_SOCKET_X86_64))
    prog.append((LD_W_ABS, 0, 0, OFF_ARG0))
    prog.append((JEQ_K, 0, jump_to_allow(5), AF_NETLINK))
    prog.append((LD_W_ABS, 0, 0, OFF_ARG2))
    for i, proto in enumerate(protocols):
        index = 7 + i
        last = i == len(protocols) - 1
        prog.append((JEQ_K, deny_at - index - 1, jump_to_allow(index) if last else 0, proto))
    prog.append((RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM))
    prog.append((RET_K, 0, 0, SECCOMP_RET_ALLOW))
    return prog


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: deny_netlink.py PROTO[,PROTO...] CMD [ARGS...]")
    if platform.machine() != "x86_64":
        sys.exit(77)
    protocols = [int(p) for p in sys.argv[1].split(",")]
    prog = filter_program(protocols)
    raw = b"".join(struct.pack("HBBI", *insn) for insn in prog)
    buf = ctypes.create_string_buffer(raw, len(raw))
    fprog = struct.pack("HxxxxxxQ", len(prog), ctypes.addressof(buf))
    fprog_buf = ctypes.create_string_buffer(fprog, len(fprog))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        sys.exit("prctl(PR_SET_NO_NEW_PRIVS): %s" % os.strerror(ctypes.get_errno()))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buf), 0, 0) != 0:
        sys.exit("prctl(PR_SET_SECCOMP): %s" % os.strerror(ctypes.get_errno()))
    os.execvp(sys.argv[2], sys.argv[2:])


if __name__ == "__main__":
    main()
