#!/bin/bash
# tcpdump against sonde tcpdump, side by side in one run on lab traffic
# only: a full 65535-port SYN scan (`sonde scan -sS -p-`) of a lab host,
# recorded by the real tcpdump -w, then
#   - `-n -r` of that capture: wall time (medians of $RUNS runs, the two
#     tools alternating), the same output byte for byte, peak RSS on the
#     whole file and on its first quarter, and on a bulk transfer's
#     capture and its first quarter (memory must not grow with the packets);
#   - live: both capturing the scan on the scanner's veth at the same -B
#     ($BUFFER_KIB KiB), printing with -n to a file: packets captured and
#     dropped by the kernel, as each says on stderr.
# KEEP_CAPTURE=FILE keeps a copy of the scan's capture.  Not part of `make test`.
. "$(dirname "$0")/lab.sh"
bench_need_root
bench_need tcpdump socat
RUNS=${RUNS:-5}
BUFFER_KIB=${BUFFER_KIB:-2048}
TARGET=10.79.0.2

lab_ns s
lab_ns t
lab_link s 10.79.0.1/24 t $TARGET/24
for p in 22 80 443; do lab_bg t socat TCP-LISTEN:$p,reuseaddr,fork SYSTEM:true; done
for p in 22 80 443; do lab_wait_listen t "$p"; done

# started FILE: until a capture's stderr says it is listening.
started() {
	local i
	for i in $(seq 1 200); do
		grep -q "listening on" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "capture did not start: $(cat "$1")" >&2
	exit 1
}
scan() { lab_exec s "$SONDE" scan -sS -n -Pn -p- "$TARGET" >/dev/null; }

# --- the recording ---------------------------------------------------------------
ip netns exec "$(ns s)" tcpdump -i veth0 -B 65536 -w "$LAB_TMP/scan.pcap" 2>"$LAB_TMP/rec.err" &
rec=$!
started "$LAB_TMP/rec.err"
scan
sleep 0.5
kill -INT $rec
wait $rec 2>/dev/null
[ -n "${KEEP_CAPTURE:-}" ] && cp "$LAB_TMP/scan.pcap" "$KEEP_CAPTURE"
packets=$(tcpdump -r "$LAB_TMP/scan.pcap" -w /dev/null --count 2>/dev/null | awk '{print $1}')
[ -n "$packets" ] || packets=$(tcpdump -nn -r "$LAB_TMP/scan.pcap" 2>/dev/null | wc -l)
echo "capture: $packets packets, $(stat -c %s "$LAB_TMP/scan.pcap") bytes ($(grep dropped "$LAB_TMP/rec.err"))"

# --- -n -r: wall time, output, memory ------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$LAB_TMP/tcpdump.runs"
: >"$LAB_TMP/sonde.runs"
for i in $(seq "$RUNS"); do
	/usr/bin/time -f "%e %M %U %S" -o "$LAB_TMP/t.time" tcpdump -n -r "$LAB_TMP/scan.pcap" >"$LAB_TMP/tcpdump.out" 2>/dev/null
	cat "$LAB_TMP/t.time" >>"$LAB_TMP/tcpdump.runs"
	/usr/bin/time -f "%e %M %U %S" -o "$LAB_TMP/s.time" "$SONDE" tcpdump -n -r "$LAB_TMP/scan.pcap" >"$LAB_TMP/sonde.out" 2>/dev/null
	cat "$LAB_TMP/s.time" >>"$LAB_TMP/sonde.runs"
done
t_wall=$(awk '{print $1}' "$LAB_TMP/tcpdump.runs" | median)
s_wall=$(awk '{print $1}' "$LAB_TMP/sonde.runs" | median)
t_rss=$(awk '{print $2}' "$LAB_TMP/tcpdump.runs" | median)
s_rss=$(awk '{print $2}' "$LAB_TMP/sonde.runs" | median)
# CPU time (user + system): the wall time of a loaded machine is mostly waiting.
t_cpu=$(awk '{print $3 + $4}' "$LAB_TMP/tcpdump.runs" | median)
s_cpu=$(awk '{print $3 + $4}' "$LAB_TMP/sonde.runs" | median)
echo "-n -r of the capture (medians of $RUNS runs, alternating):"
printf '  %-18s wall %6.2f s  cpu %6.2f s %9d KiB   (wall times: %s)\n' tcpdump "$t_wall" "$t_cpu" "$t_rss" \
	"$(awk '{printf "%s ", $1}' "$LAB_TMP/tcpdump.runs")"
printf '  %-18s wall %6.2f s  cpu %6.2f s %9d KiB   (wall times: %s)\n' "sonde tcpdump" "$s_wall" "$s_cpu" "$s_rss" \
	"$(awk '{printf "%s ", $1}' "$LAB_TMP/sonde.runs")"
awk -v s="$s_wall" -v t="$t_wall" -v sc="$s_cpu" -v tc="$t_cpu" 'BEGIN {
	printf "  sonde/tcpdump: wall time %.2fx (goal <= 0.5x), cpu time %.2fx\n", (t > 0 ? s / t : 0), (tc > 0 ? sc / tc : 0) }'
if cmp -s "$LAB_TMP/tcpdump.out" "$LAB_TMP/sonde.out"; then
	echo "  output: identical ($(wc -l <"$LAB_TMP/sonde.out") lines)"
else
	echo "  output: DIFFERS: $(diff "$LAB_TMP/tcpdump.out" "$LAB_TMP/sonde.out" | head -4 | tr '\n' '|')"
fi
tcpdump -r "$LAB_TMP/scan.pcap" -c $((packets / 4)) -w "$LAB_TMP/quarter.pcap" 2>/dev/null
/usr/bin/time -f "%M" -o "$LAB_TMP/q.time" "$SONDE" tcpdump -n -r "$LAB_TMP/quarter.pcap" >/dev/null 2>&1
echo "  sonde peak RSS: $(cat "$LAB_TMP/q.time") KiB on a quarter of the file, $s_rss KiB on all of it"
echo "  (a scan makes one TCP conversation per port: the table of relative sequence numbers grows with"
echo "   them, in tcpdump too; what grows with the packets is measured on a bulk transfer below)"

# --- memory in the packets: one long transfer, few conversations ------------------------
head -c 400000000 /dev/zero >"$LAB_TMP/blob"
lab_bg t socat -u TCP-LISTEN:7070,reuseaddr OPEN:/dev/null
lab_wait_listen t 7070
ip netns exec "$(ns s)" tcpdump -i veth0 -s 96 -B 65536 -w "$LAB_TMP/bulk.pcap" 2>"$LAB_TMP/bulk.err" &
rec=$!
started "$LAB_TMP/bulk.err"
lab_exec s socat -u OPEN:"$LAB_TMP/blob" TCP:$TARGET:7070
rm -f "$LAB_TMP/blob"
sleep 0.5
kill -INT $rec
wait $rec 2>/dev/null
bulk_packets=$(tcpdump -nn -r "$LAB_TMP/bulk.pcap" 2>/dev/null | wc -l)
tcpdump -r "$LAB_TMP/bulk.pcap" -c $((bulk_packets / 4)) -w "$LAB_TMP/bulk_quarter.pcap" 2>/dev/null
for f in bulk_quarter bulk; do
	/usr/bin/time -f "%M" -o "$LAB_TMP/$f.rss" "$SONDE" tcpdump -n -r "$LAB_TMP/$f.pcap" >/dev/null 2>&1
	/usr/bin/time -f "%M" -o "$LAB_TMP/$f.trss" tcpdump -n -r "$LAB_TMP/$f.pcap" >/dev/null 2>&1
done
echo "-n -r of a 400 MB transfer ($bulk_packets packets), peak RSS on a quarter and on all of it:"
printf '  %-18s %7d KiB %7d KiB\n' tcpdump "$(cat "$LAB_TMP/bulk_quarter.trss")" "$(cat "$LAB_TMP/bulk.trss")"
printf '  %-18s %7d KiB %7d KiB\n' "sonde tcpdump" "$(cat "$LAB_TMP/bulk_quarter.rss")" "$(cat "$LAB_TMP/bulk.rss")"

# --- live: keeping up with the scanner ---------------------------------------------------
ip netns exec "$(ns s)" tcpdump -n -i veth0 -B "$BUFFER_KIB" >"$LAB_TMP/live_t.out" 2>"$LAB_TMP/live_t.err" &
lt=$!
ip netns exec "$(ns s)" "$SONDE" tcpdump -n -i veth0 -B "$BUFFER_KIB" >"$LAB_TMP/live_s.out" 2>"$LAB_TMP/live_s.err" &
ls=$!
started "$LAB_TMP/live_t.err"
started "$LAB_TMP/live_s.err"
scan
sleep 1
kill -INT $lt $ls
wait $lt $ls 2>/dev/null
counts() { # ERR_FILE: "captured N, dropped by kernel N"
	awk '/packets? captured/ {c = $1} /dropped by kernel/ {d = $1} END {printf "captured %7d, dropped by kernel %6d", c, d}' "$1"
}
echo "live, both capturing the same scan on the scanner's veth, -n -B $BUFFER_KIB:"
printf '  %-18s %s\n' tcpdump "$(counts "$LAB_TMP/live_t.err")"
printf '  %-18s %s\n' "sonde tcpdump" "$(counts "$LAB_TMP/live_s.err")"
