#!/bin/bash
# sonde tcpdump's -w files against tcpdump 4.99.3's: the ring of -C MB -W N
# (names, numbering, the bytes of each file) rewriting a capture with -r,
# and -G SECS's strftime-named rotation (with -W's end) on a live capture
# in a lab namespace, read back by tcpdump.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump python3 ping

lab_ns a
lab_ns b
A=$(ns a)
lab_link a 10.68.0.1/24 b 10.68.0.2/24

# 4,200 UDP frames of 1,000 bytes: a 4.3 MB capture, 4 files of -C 1.
python3 - "$LAB_TMP/big.pcap" <<'EOF'
import struct, sys
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i in range(4200):
        frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\0" + bytes(986)
        out.write(struct.pack("<IIII", 1700000000 + i // 100, (i % 100) * 10000, len(frame), len(frame)) + frame)
EOF

# ring CASE OPTS...: tcpdump and sonde each rewrite big.pcap with OPTS into
# their own directory; the same names, the same bytes.
ring() {
	local name=$1 f
	shift
	rm -rf "$LAB_TMP/want" "$LAB_TMP/got"
	mkdir "$LAB_TMP/want" "$LAB_TMP/got"
	lab_exec a tcpdump -Z root -r "$LAB_TMP/big.pcap" "$@" -w "$LAB_TMP/want/ring" 2>/dev/null
	lab_run a "$SONDE" tcpdump -r "$LAB_TMP/big.pcap" "$@" -w "$LAB_TMP/got/ring"
	ok_rc "$RC" 0 "$name: exit 0"
	is "$(ls "$LAB_TMP/got")" "$(ls "$LAB_TMP/want")" "$name: tcpdump's file names"
	for f in "$LAB_TMP"/want/*; do
		cmp -s "$f" "$LAB_TMP/got/${f##*/}" || { fail "$name: the bytes of ${f##*/}"; return; }
	done
	pass "$name: each file has tcpdump's bytes"
}
ring "-C 1" -C 1
ring "-C 1 -W 3 (wraps)" -C 1 -W 3
ring "-C 2 -W 11 (two digits)" -C 2 -W 11
ring "-C 1 -W 1" -C 1 -W 1

# -G 1 on a live capture: files named by strftime, each read by tcpdump,
# together every packet; -W 2 ends the capture after two files.
mkdir "$LAB_TMP/g"
ip netns exec "$A" "$SONDE_BIN" tcpdump --immediate-mode -i veth0 -G 1 -w "$LAB_TMP/g/cap-%Y%m%d-%H%M%S.pcap" icmp \
	2>"$LAB_TMP/g.err" &
gpid=$!
for i in $(seq 1 100); do grep -q "listening on" "$LAB_TMP/g.err" && break; sleep 0.05; done
lab_exec a ping -c 12 -i 0.25 10.68.0.2 >/dev/null
sleep 0.3
kill -INT $gpid
wait $gpid
ok_rc $? 0 "-G 1: exit 0 when interrupted"
names=$(ls "$LAB_TMP/g")
unlike "$(printf '%s\n' "$names" | grep -vE '^cap-[0-9]{8}-[0-9]{6}[.]pcap$')" . "-G 1: every name strftime's expansion"
files=$(printf '%s\n' "$names" | grep -c .)
if [ "$files" -ge 2 ]; then pass "-G 1: a capture of 3 s rotates ($files files)"; else fail "-G 1: rotates" "files: $names"; fi
total=0
for f in "$LAB_TMP"/g/*; do
	n=$(lab_exec a tcpdump -nn -r "$f" 2>/dev/null | grep -c 'ICMP echo')
	total=$((total + n))
done
is "$total" 24 "-G 1: tcpdump reads the 24 packets in the files"

mkdir "$LAB_TMP/gw"
ip netns exec "$A" "$SONDE_BIN" tcpdump -i veth0 -G 1 -W 2 -w "$LAB_TMP/gw/%S.pcap" icmp 2>"$LAB_TMP/gw.err" &
gpid=$!
for i in $(seq 1 100); do grep -q "listening on" "$LAB_TMP/gw.err" && break; sleep 0.05; done
lab_exec a ping -c 16 -i 0.25 10.68.0.2 >/dev/null
for i in $(seq 1 40); do kill -0 $gpid 2>/dev/null || break; sleep 0.1; done
if kill -0 $gpid 2>/dev/null; then
	kill -INT $gpid
	fail "-G 1 -W 2: ends by itself"
else
	pass "-G 1 -W 2: ends by itself"
fi
wait $gpid
ok_rc $? 0 "-G 1 -W 2: exit 0"
like "$(cat "$LAB_TMP/gw.err")" "^Maximum file limit reached: 2$" "-G -W: tcpdump's line at the end"
is "$(ls "$LAB_TMP/gw" | grep -c .)" 2 "-G 1 -W 2: two files"

# Usage: what the options need.
for opts in "-C 1" "-G 1" "-C 1 -w -" "-W 2 -w $LAB_TMP/x" "-C 0 -w $LAB_TMP/x"; do
	# shellcheck disable=SC2086
	lab_run a "$SONDE" tcpdump -r "$LAB_TMP/big.pcap" $opts
	ok_rc "$RC" 2 "$opts: usage error"
done
done_testing
