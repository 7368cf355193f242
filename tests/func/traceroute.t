#!/bin/bash
# traceroute in a routed lab with a silent hop, side by side with the classic
# traceroute: UDP, -I, -T, v4 and v6, unreachable annotations, Paris, the
# unprivileged methods, --report against mtr, JSON and the options.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab/ping_lab.sh"
need_root
need_cmd traceroute nft setpriv python3
ping_lab_up

# compare NAME ARGS...: hop lines (times masked) of both tools.  The routers'
# ICMP rate limits can drop a reply to either tool (more so when tests run
# two at a time): same_as_classic reads both again once when they differ.
# -w 1: the silent hop costs the classic traceroute its whole wait, 5 s by
# default (the lab's replies take well under a millisecond, and their
# times are the kernel's receive stamps, not when a busy tool reads them).
compare() {
	local name=$1; shift
	same_as_classic -f normalize_traceroute "$name: same hops as the classic traceroute" c traceroute -w 1 "$@"
}
# The hop lines without the header (traceroute -T names its own method there).
normalize_hops() { normalize_traceroute | tail -n +2; }

compare "UDP v4" -n 10.93.4.2
is "$(printf '%s\n' "$OUT" | normalize_traceroute)" "traceroute to 10.93.4.2 (10.93.4.2), 30 hops max, 60 byte packets
 1  10.93.1.2  T ms  T ms  T ms
 2  * * *
 3  10.93.3.2  T ms  T ms  T ms
 4  10.93.4.2  T ms  T ms  T ms" "UDP v4: the hops the lab implies, the silent one as * * *"
ok_rc "$RC" 0 "reaching the destination exits 0"
compare "UDP v6" -n fd93:4::2
compare "ICMP v4" -n -I 10.93.4.2
compare "ICMP v6" -n -I fd93:4::2
compare "UDP with names (none resolve)" 10.93.4.2
same_as_classic -f normalize_hops "TCP v4: same hops as traceroute -T" c traceroute -n -T 10.93.4.2
same_as_classic -f normalize_hops "TCP v6: same hops as traceroute -T" c traceroute -n -T fd93:4::2
compare "!H (REJECT host-unreachable)" -n -q 2 10.93.4.20
like "$OUT" " 4  10.93.3.2  [0-9.]+ ms !H  [0-9.]+ ms !H$" "!H from the rejecting router, at the hop the packet would have reached"
compare "!N" -n -q 1 10.93.4.21
compare "!X" -n -q 1 10.93.4.22
compare "v6 !H" -n -q 1 fd93:4::20
compare "v6 !N" -n -q 1 fd93:4::21
compare "v6 !X" -n -I -q 1 fd93:4::22
compare "-f 3 -m 3" -n -f 3 -m 3 10.93.4.2
compare "-q 1 -N 1" -n -q 1 -N 1 10.93.4.2
compare "packet length" -n -q 1 10.93.4.2 100
compare "-p port" -n -q 1 -p 40000 10.93.4.2
compare "-s source" -n -q 1 -s 10.93.1.1 10.93.4.2
compare "-i interface" -n -q 1 -i veth0 fd93:4::2
lab_run c "$SONDE" traceroute -n -w 1 -m 2 10.93.4.2
ok_rc "$RC" 1 "the destination not reached within -m: exit 1"

# A silent hop must not stall the trace for seconds.
start=$(date +%s%N)
lab_run c "$SONDE" traceroute -n -w 5 10.93.4.2
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 2500 ] && pass "the silent hop costs little (${ms} ms with -w 5)" || fail "silent hop stalls" "${ms} ms"

# Paris: same hops, constant flow.
lab_run c "$SONDE" traceroute -n --paris 10.93.4.2
want=$(lab_exec c traceroute -n 10.93.4.2 | normalize_traceroute)
is "$(printf '%s\n' "$OUT" | normalize_traceroute)" "$want" "--paris (raw UDP): the same hops"
lab_run c "$SONDE" traceroute -n -I --paris fd93:4::2
is "$(printf '%s\n' "$OUT" | normalize_traceroute | tail -n +2)" "$(lab_exec c traceroute -n -I fd93:4::2 | normalize_traceroute | tail -n +2)" "--paris -I v6: the same hops"

# --- least privilege --------------------------------------------------------
pub=$LAB_TMP/pub
mkdir -p "$pub"; cp "$SONDE_BIN" "$pub/sonde"; chmod 755 "$LAB_TMP" "$pub" "$pub/sonde"
lab_run c $UNPRIV "$pub/sonde" traceroute -v -n 10.93.4.2
is "$(printf '%s\n' "$OUT" | normalize_traceroute)" "$(lab_exec c traceroute -n 10.93.4.2 | normalize_traceroute)" \
	"unprivileged UDP (IP_RECVERR): the same hops"
like "$ERR" "no raw socket: UDP probes with errors from IP_RECVERR" "-v says the unprivileged method is used"
lab_run c $UNPRIV "$pub/sonde" traceroute -n fd93:4::20
like "$OUT" " 4  fd93:3::2  [0-9.]+ ms !H" "unprivileged v6: !H through the error queue"
lab_run c $UNPRIV "$pub/sonde" traceroute -n -w 1 --paris -q 1 10.93.4.2
like "$OUT" " 4  10.93.4.2  [0-9.]+ ms$" "unprivileged --paris reaches the destination"
lab_run c $UNPRIV "$pub/sonde" traceroute -n -T 10.93.4.2
ok_rc "$RC" 3 "unprivileged -T: exit 3"
like "$ERR" "CAP_NET_RAW" "unprivileged -T names the capability"
lab_exec c sysctl -qw net.ipv4.ping_group_range="1 0"
lab_run c $UNPRIV "$pub/sonde" traceroute -n -I 10.93.4.2
ok_rc "$RC" 3 "unprivileged -I without ping_group_range: exit 3"
like "$ERR" "in Kubernetes: add NET_RAW to the container's securityContext" "unprivileged -I: the Kubernetes way to grant NET_RAW"
like "$ERR" "sysctl -w net.ipv4.ping_group_range=" "unprivileged -I: the ping_group_range way"
lab_exec c sysctl -qw net.ipv4.ping_group_range="65534 65534"
lab_run c $UNPRIV "$pub/sonde" traceroute -n -I --json 10.93.4.2
like "$OUT" '"socket":"icmp-dgram"' "unprivileged -I with ping_group_range: ICMP datagram socket"
like "$OUT" '"hop":4,"probes":\[\{"address":"10.93.4.2"' "... and it reaches the destination"

# --- JSON -------------------------------------------------------------------
lab_run c "$SONDE" traceroute -n --json 10.93.4.2
python3 - "$OUT" <<'PY' && pass "--json: hops with per-probe address and rtt, then a summary" || fail "--json shape" "$OUT"
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
assert [l.get("hop") for l in lines[:-1]] == [1, 2, 3, 4], lines
assert lines[0]["probes"][0]["address"] == "10.93.1.2" and lines[0]["probes"][0]["rtt_ms"] > 0
assert all(p["address"] is None for p in lines[1]["probes"])
assert lines[3]["probes"][0]["destination"] is True
s = lines[-1]
assert s["type"] == "summary" and s["reached"] and s["hops"] == 4 and s["socket"] == "raw" and s["method"] == "udp"
PY

# --- --report against mtr ---------------------------------------------------
lab_run c "$SONDE" traceroute -n --report -c 3 10.93.4.2
like "$OUT" "^Start: [0-9]{4}-[0-9]{2}-[0-9]{2}T" "--report starts with mtr's Start line"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" "^HOST: .{27} Loss%   Snt   Last   Avg  Best  Wrst StDev$" "--report: mtr's header columns"
like "$OUT" "  2\.\|-- \?\?\? +100\.0 +3 " "--report: the silent hop is ??? with 100% loss"
like "$OUT" "  4\.\|-- 10\.93\.4\.2 +0\.0% +3 " "--report: the destination, no loss"
if command -v mtr >/dev/null; then
	lab_run c mtr -r -n -c 1 10.93.4.2
	mtr_out=$OUT
	lab_run c "$SONDE" traceroute -n --report -c 1 -I 10.93.4.2
	is "$(printf '%s\n' "$OUT" | awk '/\|--/ {print $1, $2}')" "$(printf '%s\n' "$mtr_out" | awk '/\|--/ {print $1, $2}')" \
		"--report -I: the hops mtr reports"
	is "$(printf '%s\n' "$OUT" | sed -n 2p | wc -c)" "$(printf '%s\n' "$mtr_out" | sed -n 2p | wc -c)" \
		"--report: the header is as wide as mtr's"
else
	skip "--report against mtr" "needs mtr (mtr-tiny)"
fi
lab_run c "$SONDE" traceroute -n --report -c 2 --json 10.93.4.2
like "$OUT" '"type":"report".*"hops":\[\{"hop":1,"address":"10.93.1.2","loss_pct":0,"sent":2' "--report --json"

# --- --report with the kernel's ICMP rate limits, against mtr ---------------
# As Linux ships: each router and the destination answer a burst of six
# errors, then one a second (per source).  A report whose probes all leave
# at once loses answers to the limiters, and one lost destination answer
# once sent the next rounds on to hop 20.  The report must show mtr's hops
# and loss, in at most half mtr's time.
if command -v mtr >/dev/null; then
	for n in c r1 r2 r3 s; do
		ip netns exec "$(ns $n)" sysctl -qw net.ipv4.icmp_ratelimit=1000 net.ipv6.icmp.ratelimit=1000
	done
	sleep 6 # every bucket full again
	hops_loss() { awk '/\|--/ {print $1, $2, $3, $4}'; }
	for dst in 10.93.4.2 fd93:4::2; do
		start=$(date +%s%N)
		lab_run c mtr -r -n -c 3 $dst
		mtr_ms=$(( ($(date +%s%N) - start) / 1000000 ))
		want=$(printf '%s\n' "$OUT" | hops_loss)
		start=$(date +%s%N)
		lab_run c "$SONDE" traceroute -n --report -c 3 $dst
		ms=$(( ($(date +%s%N) - start) / 1000000 ))
		is "$(printf '%s\n' "$OUT" | hops_loss)" "$want" "--report -c 3 $dst, rate limits on: mtr's hops and loss"
		ok_rc "$RC" 0 "--report $dst, rate limits on: the destination reached, exit 0"
		[ $((ms * 2)) -le "$mtr_ms" ] && pass "--report $dst: at most half mtr's time (${ms} ms, mtr ${mtr_ms} ms)" ||
			fail "--report $dst: at most half mtr's time" "${ms} ms, mtr ${mtr_ms} ms"
	done
	is "$want" "1.|-- fd93:1::2 0.0% 3
2.|-- ??? 100.0 3
3.|-- fd93:3::2 0.0% 3
4.|-- fd93:4::2 0.0% 3" "mtr itself: four hops, the silent one 100% lost"
	# The destination's limiter emptied just before (the classic traceroute's
	# 3 x 16 probes at once): the first round meets silence at hop 4, asks
	# again after a refill, and says the silence was the limiter's.
	lab_exec c traceroute -n -N 48 -q 3 10.93.4.2 >/dev/null
	lab_run c "$SONDE" traceroute -n --report -c 3 10.93.4.2
	is "$(printf '%s\n' "$OUT" | hops_loss)" "1.|-- 10.93.1.2 0.0% 3
2.|-- ??? 100.0 3
3.|-- 10.93.3.2 0.0% 3
4.|-- 10.93.4.2 0.0% 3" "--report after the limiter was emptied: still mtr's hops and loss"
	like "$ERR" "silences up to hop 4 were ICMP rate limits, not loss" "--report: a silence that was the limiter's is said"
	for n in c r1 r2 r3 s; do
		ip netns exec "$(ns $n)" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
	done
fi

# --- usage ------------------------------------------------------------------
run "$SONDE" traceroute -I -T 127.0.0.1
ok_rc "$RC" 2 "-I with -T is a usage error"
run "$SONDE" traceroute -f 5 -m 3 127.0.0.1
ok_rc "$RC" 2 "-f beyond -m is a usage error"
run "$SONDE" traceroute -w x 127.0.0.1
ok_rc "$RC" 2 "a bad -w is a usage error"
# strtod reads nan and inf: every one is refused before anything is sent.
for w in nan inf -inf 1,nan 5,3,infinity 1e999; do
	run "$SONDE" traceroute -n -w "$w" 127.0.0.1
	ok_rc "$RC" 2 "-w $w is a usage error"
	is "$ERR" "sonde traceroute: -w: not a finite number: '$w'" "-w $w: one line saying why"
done
run "$SONDE" traceroute -n 127.0.0.1 big
ok_rc "$RC" 2 "a bad packet length is a usage error"
done_testing
