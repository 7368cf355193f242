#!/bin/bash
# sonde tcpdump against tcpdump 4.99.3 on a file's records that tcpdump
# shows in its own way: times it cannot convert (bit 31 set), fractions
# out of range, deltas across days and from a zero time (-tt, -ttt,
# -tttt, -ttttt), records whose lengths fail its checks ("[Invalid
# header: ...]"), and SSH's version line on port 22 (whole, cut by the
# capture, or not a version line).  Both read the same file, written here.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump python3

lab_ns a

python3 - "$LAB_TMP/records.pcap" <<'PY'
import struct, sys

def tcp_frame(sport, dport, payload, flags=0x18):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, 1000, 2000, 5 << 4, flags, 8192, 0, 0)
    ip_len = 20 + len(tcp) + len(payload)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, ip_len, 1, 0, 64, 6, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\0" + ip + tcp + payload

records = []  # (sec, usec, caplen, len, bytes)
def add(sec, usec, frame, caplen=None, wire_len=None):
    caplen = len(frame) if caplen is None else caplen
    records.append((sec, usec, caplen, len(frame) if wire_len is None else wire_len, frame[:caplen]))

# times: zero first (tcpdump's -ttt/-ttttt take a zero time for unset),
# then a day and more later, fractions of a million and past 2^31, and
# seconds with bit 31 set
add(0, 0, tcp_frame(40000, 80, b""))
add(1700000000, 5, tcp_frame(40000, 80, b""))
add(1700100000, 999999, tcp_frame(40000, 80, b""))
add(1700100001, 1000000, tcp_frame(40000, 80, b""))
add(1700100001, 0x80000000, tcp_frame(40000, 80, b""))
add(1700000000, 7, tcp_frame(40000, 80, b""))
add(0x80000000, 1, tcp_frame(40000, 80, b""))
add(0xffffffff, 999999, tcp_frame(40000, 80, b""))
add(1700200000, 0, tcp_frame(40000, 80, b""))
# lengths tcpdump refuses to show a packet for
frame = tcp_frame(40000, 80, b"")
add(1700200001, 0, frame, caplen=0, wire_len=0)
add(1700200002, 0, frame, wire_len=0)
add(1700200003, 0, frame, wire_len=len(frame) - 1)
add(1700200004, 0, frame, caplen=0)
add(1700200005, 0, frame, wire_len=300000)
# SSH on port 22: version lines ended by CR LF and by LF, a CR before
# something else, no end of line, binary data, a payload shorter than
# "SSH-", the line cut by the capture, a CR last in the segment, and a
# telnet port on the other side (tcpdump's telnet printer comes first)
for sport, dport, payload, cut in ((50000, 22, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 0),
                                   (22, 50000, b"SSH-2.0-dropbear\nmore", 0),
                                   (22, 50000, b"SSH-2.0-x\rY\n", 0),
                                   (22, 50000, b"SSH-2.0-no-end", 0),
                                   (22, 50000, b"SSH-\x01\x02\r\n", 0),
                                   (22, 50000, bytes(range(40)), 0),
                                   (22, 50000, b"SS", 0),
                                   (22, 50000, b"SSH-2.0-OpenSSH_9.2p1\r\n", 10),
                                   (22, 50000, b"SSH-2.0-OpenSSH\r", 0),
                                   (22, 50000, b"SSH-2.0-OpenSSH\r\n", 2)):
    f = tcp_frame(sport, dport, payload)
    add(1700300000, 0, f, caplen=len(f) - cut if cut else None)

with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for sec, usec, caplen, wire_len, data in records:
        out.write(struct.pack("<IIII", sec, usec, caplen, wire_len) + data)
PY

for opts in "-nn" "-tt -nn" "-ttt -nn" "-tttt -nn" "-ttttt -nn" "-v -nn" "-q -nn" "-A -nn"; do
	# shellcheck disable=SC2086
	want=$(lab_exec a tcpdump $opts -r "$LAB_TMP/records.pcap" 2>/dev/null)
	# shellcheck disable=SC2086
	lab_run a "$SONDE" tcpdump $opts -r "$LAB_TMP/records.pcap"
	is "$OUT" "$want" "tcpdump $opts: the same lines"
done
like "$OUT" 'SSH: SSH-2\.0-OpenSSH_9\.2p1 Debian-2$' "the version line is shown"

done_testing
