#!/bin/bash
# scan against nmap (and masscan's packet rate), side by side in one run on
# lab targets only: all 65535 TCP ports of a host three hops away (-sS and
# -sT: wall time, peak RSS, same open ports), UDP top 100 against a Linux
# host (nmap's own top-100 list, read from nmap at run time, so both scan
# the same ports), and discovery plus a SYN scan over a subnet of 40 lab
# hosts.  The 65535-port figures are medians of $RUNS runs (default 5), the
# two tools alternating.  Not part of `make test`.
. "$(dirname "$0")/lab.sh"
. "$TOP/tests/func/lab/scan_lab.bash"
bench_need_root
bench_need nmap masscan socat knotd

out_file() { printf '%s/%s' "$LAB_TMP" "${1//\//_}"; }
# timed LABEL NS CMD...: runs CMD in NS, keeps its stdout in $LAB_TMP/LABEL,
# prints "LABEL  wall s  peak RSS KiB".
timed() {
	local label=$1 n file
	n=$(ns "$2")
	shift 2
	file=$(out_file "$label")
	/usr/bin/time -f "%e %M" -o "$file.time" ip netns exec "$n" "$@" >"$file" 2>/dev/null
	read -r wall rss <"$file.time"
	printf '  %-28s %8.2f s %9d KiB\n' "$label" "$wall" "$rss"
}
RUNS=${RUNS:-5}
# median COLUMN FILE: the median of a column of numbers.
median() { awk -v c="$1" '{ print $c }' "$2" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# alternate NS LABEL_A CMD_A... -- LABEL_B CMD_B...: RUNS runs of each, the
# two in turn; prints each one's median wall time and peak RSS (the last
# run's output is kept for the comparisons, as timed keeps it).
alternate() {
	local n i label file a=() b=()
	n=$(ns "$1")
	local label_a=$2
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	local label_b=$2
	shift 2
	b=("$@")
	for label in "$label_a" "$label_b"; do : >"$(out_file "$label").runs"; done
	for i in $(seq "$RUNS"); do
		for label in "$label_a" "$label_b"; do
			file=$(out_file "$label")
			if [ "$label" = "$label_a" ]; then set -- "${a[@]}"; else set -- "${b[@]}"; fi
			/usr/bin/time -f "%e %M" -o "$file.time" ip netns exec "$n" "$@" >"$file" 2>/dev/null
			cat "$file.time" >>"$file.runs"
		done
	done
	for label in "$label_a" "$label_b"; do
		file=$(out_file "$label").runs
		printf '  %-28s %8.2f s %9d KiB   (medians of %d runs; wall times: %s)\n' "$label" \
			"$(median 1 "$file")" "$(median 2 "$file")" "$RUNS" "$(awk '{ printf "%s ", $1 }' "$file")"
	done
}
open_list() { grep -E '^[0-9]+/(tcp|udp) +open ' "$(out_file "$1")" | cut -d' ' -f1 | tr '\n' ' '; }
states_of() { port_states <"$(out_file "$1")" | md5sum | cut -c1-12; }
same() { [ "$(states_of "$1")" = "$(states_of "$2")" ] && echo "same port states" || echo "PORT STATES DIFFER"; }

scan_far_up 0
echo "All 65535 TCP ports of a host three hops away (7 open), $(nproc) CPUs:"
alternate sc "sonde scan -sS -p-" "$SONDE" scan -n -Pn -sS -p- $FAR_V4 -- "nmap -sS -p-" nmap -n -Pn -sS -p- $FAR_V4
echo "  $(same "sonde scan -sS -p-" "nmap -sS -p-"); open: $(open_list "sonde scan -sS -p-")"
alternate sc "sonde scan -sT -p-" "$SONDE" scan -n -Pn -sT -p- $FAR_V4 -- "nmap -sT -p-" nmap -n -Pn -sT -p- $FAR_V4
echo "  $(same "sonde scan -sT -p-" "nmap -sT -p-"); open: $(open_list "sonde scan -sT -p-")"

echo "Packet rate of -sS with no rate cap, same path, all 65535 ports:"
ip netns exec "$(ns sc)" "$SONDE" scan -n -Pn -sS -p- -v $FAR_V4 >"$LAB_TMP/rate" 2>&1
awk '/Probes sent:/ { gsub(",", ""); sent = $3 } /Scan done:/ { secs = $(NF-1) }
	END { printf "  sonde scan -sS   %8.0f packets/s (%d probes in %.2f s)\n", sent / secs, sent, secs }' "$LAB_TMP/rate"
start=$(date +%s.%N)
ip netns exec "$(ns sc)" masscan -p1-65535 $FAR_V4 --rate 10000000 --wait 1 >"$LAB_TMP/masscan" 2>&1
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v open="$(grep -c '^Discovered open port' "$LAB_TMP/masscan")" \
	'BEGIN { t = e - s - 1; printf "  masscan          %8.0f packets/s (65535 probes in %.2f s, after its 1 s wait; %d of 7 open found)\n", 65535 / t, t, open }'
bench_lab_restart
scan_lab_up
# Every port listed (nmap -d, sonde -vvv), "PORT STATE", to compare port by port.
udp_states() { grep -E '^[0-9]+/udp ' "$(out_file "$1")" | awk '{print $1, $2}' | sort -n; }
# udp_compare SONDE_LABEL NMAP_LABEL: same states, or how they differ.  nmap
# gives a port up after a few silent tries whatever the target's ICMP bucket
# held, so it may call closed (or rejected) ports open|filtered (docs/scan.md).
udp_compare() {
	awk 'NR == FNR { ours[$1] = $2; next }
		ours[$1] == $2 { same++; next }
		(ours[$1] == "closed" || ours[$1] == "filtered") && $2 == "open|filtered" { gave_up++; next }
		{ other = other " " $1 " (sonde " ours[$1] ", nmap " $2 ")" }
		END {
			if (gave_up == 0 && other == "") print "  same port states (" same " ports)"
			else printf "  PORT STATES DIFFER: %d ports nmap gave up on (open|filtered) whose ICMP error sonde got%s%s\n",
				gave_up, other == "" ? "; no other difference" : "; other:", other
		}' <(udp_states "$1") <(udp_states "$2")
}
echo "UDP: nmap's top 100 ports against a Linux host (echo and DNS open, ICMP rate limit on):"
timed "nmap -sU --top-ports 100" sc nmap -n -Pn -d -sU --top-ports 100 -oX "$LAB_TMP/nmap-udp.xml" $TG_V4
top100=$(sed -n 's/.*protocol="udp" numservices="100" services="\([^"]*\)".*/\1/p' "$LAB_TMP/nmap-udp.xml")
sleep 7 # the target's ICMP bucket refills
timed "sonde scan -sU (same 100)" sc "$SONDE" scan -n -Pn -vvv -sU -p "$top100" $TG_V4
udp_compare "sonde scan -sU (same 100)" "nmap -sU --top-ports 100"
echo "  open: $(open_list "sonde scan -sU (same 100)")"
echo "UDP over IPv6, the same 100 ports:"
sleep 2
timed "nmap -6 -sU (same 100)" sc nmap -n -Pn -d -6 -sU -p "$top100" $TG_V6
sleep 2
timed "sonde scan -6 -sU (same 100)" sc "$SONDE" scan -n -Pn -vvv -6 -sU -p "$top100" $TG_V6
udp_compare "sonde scan -6 -sU (same 100)" "nmap -6 -sU (same 100)"

for i in $(seq 30 49); do ip -n "$(ns tg)" addr add 10.77.0.$i/24 dev "$TG_IF"; done
echo "A subnet: 10.77.0.0/26 holds 42 lab hosts:"
timed "sonde scan -sn /26" sc "$SONDE" scan -n -sn 10.77.0.0/26
timed "nmap -sn /26" sc nmap -n -sn 10.77.0.0/26
echo "  hosts up: sonde $(hosts_up <"$(out_file "sonde scan -sn /26")" | wc -l), nmap $(hosts_up <"$(out_file "nmap -sn /26")" | wc -l)"
timed "sonde scan -sS -F /26" sc "$SONDE" scan -n -sS -F 10.77.0.0/26
timed "nmap -sS -F /26" sc nmap -n -sS -F 10.77.0.0/26
echo "  open ports: sonde $(grep -c '/tcp *open ' "$(out_file "sonde scan -sS -F /26")"), nmap $(grep -c '/tcp *open ' "$(out_file "nmap -sS -F /26")") (different top-100 lists)"
