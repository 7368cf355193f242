#!/bin/bash
# sonde tcpdump --dns: DNS transactions.  A capture written with known
# timestamps (every latency, the lost reply, the search list set by
# tests/func/lab/tcpdump_synth.py) read with -r; then live in the lab, a
# DNS server whose reply to one name a firewall rule drops, captured by
# sonde --dns beside the real tcpdump -w, whose recording sonde reads back:
# each latency must be the difference of tcpdump's own timestamps.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump python3 dig iptables

SYNTH="$TESTS_DIR/func/lab/tcpdump_synth.py"
python3 "$SYNTH" dns "$LAB_TMP/dns.pcap"

# --- a capture with known timestamps ---------------------------------------------
run env TZ=UTC "$SONDE" tcpdump --dns -r "$LAB_TMP/dns.pcap"
ok_rc "$RC" 0 "--dns -r exits 0"
like "$OUT" '^22:13:20\.000000 10\.0\.0\.1\.40001 > 10\.0\.0\.53\.53 udp id 4097 A example\.com\.: NOERROR, 1 answer, 12\.500 ms$' \
	"a query paired with its answer: client, server, id, type, name, rcode, answers, latency"
like "$OUT" 'id 8193 A example\.org\.default\.svc\.cluster\.local\.: NXDOMAIN, 0 answers, 1\.000 ms$' "NXDOMAIN with its latency"
like "$OUT" 'id 12289 A broken\.test\.: SERVFAIL, 0 answers, 100\.000 ms$' "SERVFAIL with its latency"
like "$OUT" '^22:13:20\.400000 10\.0\.0\.1\.40002 > 10\.0\.0\.53\.53 udp id 8197 AAAA example\.org\.: no answer within 5 s$' \
	"the query whose reply was lost is reported unanswered"
like "$OUT" 'id 8198 AAAA example\.org\.: NOERROR, 0 answers, 2\.000 ms$' "its retry 5 s later is answered"
like "$OUT" 'id 16385 A retry\.test\.: NOERROR, 1 answer, 1001\.000 ms, 1 retransmission$' \
	"a query sent again with the same id: latency from the first, one retransmission"
like "$OUT" 'tcp id 20481 A tcp\.test\.: NOERROR, 1 answer, 30\.000 ms$' "DNS over TCP"
is "$(grep -c 'no answer' <<<"$OUT")" 1 "exactly one unanswered query"
lost_line=$(grep -n 'id 8197' <<<"$OUT" | cut -d: -f1)
retry_line=$(grep -n 'id 8198' <<<"$OUT" | cut -d: -f1)
[ -n "$lost_line" ] && [ -n "$retry_line" ] && [ "$lost_line" -lt "$retry_line" ] &&
	pass "the timeout is reported when the capture's clock passes it, before later answers" ||
	fail "the timeout is reported when the capture's clock passes it, before later answers" "$OUT"
like "$OUT" '^DNS: 10 queries, 9 answered, 1 unanswered \(timeout 5 s\)$' "summary: counts"
like "$OUT" '^latency: p50 4\.000 ms, p99 1001\.000 ms, max 1001\.000 ms$' "summary: latency p50, p99, max"
like "$OUT" '^rcodes: NXDOMAIN 3, SERVFAIL 1, NOERROR 5$' "summary: NXDOMAIN and SERVFAIL"
like "$OUT" '^names: example\.org\. 6 \(3 through the search list\), ' \
	"summary: the search list's queries counted under the name asked"
like "$OUT" '^1 response without their query in the capture$' "a response without its query is counted"

run env TZ=UTC "$SONDE" tcpdump --dns --dns-timeout 1 -r "$LAB_TMP/dns.pcap"
like "$OUT" 'id 16385 A retry\.test\.: no answer within 1 s$' "--dns-timeout shortens the wait"
like "$OUT" 'id 16385 A retry\.test\.: NOERROR, 1 answer, 1\.000 ms$' "--dns-timeout: the query sent again after it is a transaction of its own"
like "$OUT" '^DNS: 11 queries, 9 answered, 2 unanswered \(timeout 1 s\)$' "--dns-timeout: the summary"

run "$SONDE" tcpdump --json --dns -r "$LAB_TMP/dns.pcap"
ok_rc "$RC" 0 "--json --dns exits 0"
like "$OUT" '^\{"type":"transaction","time_s":1700000000,"client":\{"address":"10\.0\.0\.1","port":40001\},"server":\{"address":"10\.0\.0\.53","port":53\},"transport":"udp","id":4097,"qtype":"A","name":"example\.com\.","answered":true,"rcode":"NOERROR","answers":1,"latency_ms":12\.5,"retransmissions":0\}$' \
	"--json --dns: a transaction record"
like "$OUT" '"id":8197,.*"answered":false,"rcode":null,"answers":null,"latency_ms":null,"timeout_s":5' \
	"--json --dns: the unanswered record"
like "$(tail -n1 <<<"$OUT")" '^\{"type":"summary","queries":10,"answered":9,"unanswered":1,"timeout_s":5,"latency_ms":\{"p50":4,"p99":1001,"max":1001\},"nxdomain":3,"servfail":1,' \
	"--json --dns: the summary record last"
like "$OUT" '"names":\[\{"name":"example\.org\.","queries":6,"search_list_queries":3\}' "--json --dns: queries per name"

run "$SONDE" tcpdump --dns --flows -r "$LAB_TMP/dns.pcap"
ok_rc "$RC" 2 "--dns with --flows is refused"
run "$SONDE" tcpdump --dns -w "$LAB_TMP/x.pcap" -r "$LAB_TMP/dns.pcap"
ok_rc "$RC" 2 "--dns with -w is refused"
run "$SONDE" tcpdump --dns -X -r "$LAB_TMP/dns.pcap"
ok_rc "$RC" 2 "--dns with -X is refused"

# --- live: one reply dropped by a router's firewall on the way -------------------
lab_ns a
lab_ns r
lab_ns b
A=$(ns a)
lab_link a 10.68.0.1/24 r 10.68.0.254/24
lab_link r 10.69.0.254/24 b 10.69.0.2/24
ip netns exec "$(ns r)" sysctl -qw net.ipv4.ip_forward=1
ip -n "$A" route add 10.69.0.0/24 via 10.68.0.254
ip -n "$(ns b)" route add 10.68.0.0/24 via 10.69.0.254
printf 'www.lab.test 10.68.0.80\nlost.lab.test 10.68.0.81\n' >"$LAB_TMP/names"
lab_bg b python3 "$TESTS_DIR/func/lab/wait_dns.py" 10.69.0.2 "$LAB_TMP/names"
lab_wait_listen b 53 udp
ip netns exec "$(ns r)" iptables -A FORWARD -p udp --sport 53 -m string --algo bm --string lost -j DROP

ip netns exec "$A" tcpdump --immediate-mode -i veth0 -U -w "$LAB_TMP/live.pcap" udp port 53 2>"$LAB_TMP/td.err" &
td=$!
ip netns exec "$A" "$SONDE" tcpdump --dns --dns-timeout 1 -l -i veth0 udp port 53 >"$LAB_TMP/sonde.out" 2>"$LAB_TMP/sonde.err" &
sd=$!
for i in $(seq 1 100); do
	grep -q "listening on" "$LAB_TMP/td.err" 2>/dev/null && grep -q "listening on" "$LAB_TMP/sonde.err" 2>/dev/null && break
	sleep 0.05
done
lab_exec a dig +tries=1 +time=1 @10.69.0.2 www.lab.test A >/dev/null
lab_exec a dig +tries=1 +time=1 @10.69.0.2 lost.lab.test A >/dev/null
lab_exec a dig +tries=1 +time=1 @10.69.0.2 nothere.lab.test A >/dev/null
# No packet comes now: the idle capture's clock must report the lost query.
for i in $(seq 1 60); do
	grep -q 'no answer' "$LAB_TMP/sonde.out" && break
	sleep 0.1
done
like "$(cat "$LAB_TMP/sonde.out")" 'A lost\.lab\.test\.: no answer within 1 s$' \
	"live: the dropped reply's query is reported after the timeout, while the capture runs"
kill -INT $sd $td
wait $sd $td 2>/dev/null
live=$(cat "$LAB_TMP/sonde.out")
like "$live" '^[0-9:.]+ 10\.68\.0\.1\.[0-9]+ > 10\.69\.0\.2\.53 udp id [0-9]+ A www\.lab\.test\.: NOERROR, 1 answer, [0-9.]+ ms$' \
	"live: the answered query"
like "$live" 'A nothere\.lab\.test\.: NXDOMAIN, 0 answers, [0-9.]+ ms$' "live: NXDOMAIN"
like "$live" '^DNS: 3 queries, 2 answered, 1 unanswered \(timeout 1 s\)$' "live: the summary at Ctrl-C"

# tcpdump's recording of the same traffic, read back: each latency is the
# difference of tcpdump's timestamps for the query and its reply.
want=$(tcpdump -tt -nn -r "$LAB_TMP/live.pcap" 2>/dev/null | python3 -c '
import sys, re
asked = {}
for line in sys.stdin:
    m = re.match(r"(\d+\.\d+) IP (\S+) > (\S+): (\d+)(\S*) ", line)
    if not m:
        continue
    t, src, dst, ident, flags = float(m[1]), m[2], m[3], m[4], m[5]
    if "+" in flags and not dst.endswith(".53:") and dst.endswith(".53"):
        asked[(src, ident)] = t
    elif src.endswith(".53") and (dst, ident) in asked:
        print("id %s %.3f ms" % (ident, (t - asked.pop((dst, ident))) * 1000))
')
got=$("$SONDE" tcpdump --dns -r "$LAB_TMP/live.pcap" 2>/dev/null | sed -nE 's/.* (id [0-9]+) A .*, ([0-9.]+ ms)$/\1 \2/p')
[ -n "$want" ] && [ "$got" = "$want" ] &&
	pass "-r of tcpdump's recording: the latencies are tcpdump's timestamps' differences" ||
	fail "-r of tcpdump's recording: the latencies are tcpdump's timestamps' differences" "want: $want" "got: $got"

done_testing
