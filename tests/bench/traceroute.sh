#!/bin/bash
# traceroute and --report against the classic traceroute and mtr, in the test
# lab (c - r1 - r2 (silent) - r3 - s), side by side in one run: hyperfine's
# mean wall time of each, the ratio, and a check that both found the same hops.
# Not part of `make test`.
. "$(dirname "$0")/lab.sh"
. "$TOP/tests/func/lab/ping_lab.sh"
bench_need_root
bench_need hyperfine traceroute mtr
ping_lab_up >/dev/null
C=$(ns c)

same_hops() {
	local a b
	a=$(ip netns exec "$C" traceroute -n 10.93.4.2 | sed -E 's/  [0-9.]+ ms//g')
	b=$(ip netns exec "$C" "$SONDE" traceroute -n 10.93.4.2 | sed -E 's/  [0-9.]+ ms//g')
	[ "$a" = "$b" ] && echo "same hops: yes" || { echo "same hops: NO"; diff <(echo "$a") <(echo "$b"); }
}

mean_ms() { # JSON file -> mean ms of command N
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.1f" % (x["mean"]*1000) for x in r))' "$1"
}

echo "traceroute -n through 4 hops (one silent):"
same_hops
hyperfine -N -w 3 -r 20 --export-json "$LAB_TMP/tr.json" \
	"ip netns exec $C $SONDE traceroute -n 10.93.4.2" "ip netns exec $C traceroute -n 10.93.4.2" >/dev/null 2>&1
read -r s c < <(mean_ms "$LAB_TMP/tr.json")
echo "  sonde traceroute -n   $s ms"
echo "  traceroute -n         $c ms"
awk -v a="$s" -v b="$c" 'BEGIN { printf "  ratio                 %.2f (target <= 1.0)\n", a / b }'

# The report with the kernel's ICMP rate limits as shipped (the lab turns
# them off): alternating pairs, each timed alone, medians; the hops and loss
# of the last pair compared.
echo "--report -c 3 against mtr -r -c 3 (default ICMP rate limits, 5 alternating pairs):"
for n in c r1 r2 r3 s; do ip netns exec "$(ns $n)" sysctl -qw net.ipv4.icmp_ratelimit=1000; done
sleep 6
elapsed_ms() { local t0; t0=$(date +%s%N); "$@" >"$LAB_TMP/rep.out" 2>/dev/null; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
s_all="" m_all=""
for i in 1 2 3 4 5; do
	m_all="$m_all $(elapsed_ms ip netns exec "$C" mtr -r -n -c 3 10.93.4.2)"
	cp "$LAB_TMP/rep.out" "$LAB_TMP/mtr.out"
	s_all="$s_all $(elapsed_ms ip netns exec "$C" "$SONDE" traceroute -n --report -c 3 10.93.4.2)"
done
s=$(echo $s_all | median) c=$(echo $m_all | median)
hl() { awk '/\|--/ {print $1, $2, $3, $4}' "$1"; }
[ "$(hl "$LAB_TMP/rep.out")" = "$(hl "$LAB_TMP/mtr.out")" ] && echo "  same hops and loss: yes" ||
	{ echo "  same hops and loss: NO"; diff <(hl "$LAB_TMP/mtr.out") <(hl "$LAB_TMP/rep.out"); }
echo "  sonde --report -c 3   $s ms  (runs:$s_all)"
echo "  mtr -r -c 3           $c ms  (runs:$m_all)"
awk -v a="$s" -v b="$c" 'BEGIN { printf "  ratio                 %.2f (target <= 0.5)\n", a / b }'
