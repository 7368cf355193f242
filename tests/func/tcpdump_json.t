#!/bin/bash
# sonde tcpdump --json: one object per packet, then the summary.  Lab
# traffic recorded by the real tcpdump on Ethernet and on -i any, read back
# by both: each packet's time, interface, direction, addresses, ports, TCP
# flags, payload length and DNS question must be what tcpdump prints for
# it (tests/json.t validates the records against the schema).
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump python3 socat nc ping dig

lab_ns a
lab_ns b
A=$(ns a)
lab_link a 10.71.0.1/24 b 10.71.0.2/24 fd71::1/64 fd71::2/64
echo "www.lab.test 10.71.0.80" >"$LAB_TMP/names"
lab_bg b python3 "$TESTS_DIR/func/lab/wait_dns.py" 10.71.0.2 "$LAB_TMP/names"
lab_bg b socat TCP-LISTEN:7777,reuseaddr,fork SYSTEM:'echo hello'
lab_wait_listen b 7777
lab_wait_listen b 53 udp

ip netns exec "$A" tcpdump --immediate-mode -i veth0 -U -w "$LAB_TMP/eth.pcap" 2>"$LAB_TMP/eth.err" &
cap_eth=$!
ip netns exec "$A" tcpdump --immediate-mode -i any -U -w "$LAB_TMP/any.pcap" 2>"$LAB_TMP/any.err" &
cap_any=$!
for i in $(seq 1 100); do
	grep -q "listening on" "$LAB_TMP/eth.err" 2>/dev/null && grep -q "listening on" "$LAB_TMP/any.err" 2>/dev/null && break
	sleep 0.05
done
lab_exec a ping -c2 -i0.2 10.71.0.2 >/dev/null
lab_exec a ping -c1 fd71::2 >/dev/null
lab_exec a sh -c 'echo hi | nc -w1 10.71.0.2 7777' >/dev/null
lab_exec a sh -c 'echo hi | nc -6 -w1 fd71::2 7777' >/dev/null
lab_exec a sh -c 'echo hi | nc -u -w1 10.71.0.2 9999' >/dev/null 2>&1
lab_exec a dig +tries=1 +time=1 @10.71.0.2 www.lab.test A >/dev/null
sleep 0.3
kill -INT $cap_eth $cap_any
wait $cap_eth $cap_any 2>/dev/null

# compare FILE NAME: sonde's records against tcpdump -tt -nn's lines.
compare() {
	local verdict
	# Both inside a: -i any's interface indexes are named as there.
	ip netns exec "$A" "$SONDE" tcpdump --json -r "$LAB_TMP/$1" >"$LAB_TMP/$1.json" 2>/dev/null
	ip netns exec "$A" tcpdump -tt -nn -r "$LAB_TMP/$1" >"$LAB_TMP/$1.txt" 2>/dev/null
	verdict=$(python3 - "$LAB_TMP/$1.json" "$LAB_TMP/$1.txt" <<'EOF'
import json, re, sys
records = [json.loads(line) for line in open(sys.argv[1])]
lines = open(sys.argv[2]).read().splitlines()
packets = [r for r in records if r["type"] == "packet"]
problems = []
if records[-1] != {"type": "summary", "packets": len(lines)}:
    problems.append("summary: %s for %d packets" % (records[-1], len(lines)))
if len(packets) != len(lines):
    problems.append("%d records for %d lines" % (len(packets), len(lines)))
for p, line in zip(packets, lines):
    want = []
    time, rest = line.split(" ", 1)
    if "%.6f" % p["time_s"] != time:
        problems.append("time %s: %s" % (p["time_s"], line))
    # tcpdump's packet types: In, and B, M, P (broadcast, multicast, to
    # another host) are incoming too; Out.
    m = re.match(r"(\S+)\s+(In|Out|B|M|P)\s+(.*)", rest)
    if m:
        if p["ifname"] != m[1] or p["direction"] != ("out" if m[2] == "Out" else "in"):
            problems.append("interface %s %s: %s" % (p["ifname"], p["direction"], line))
        rest = m[3]
    ip = p.get("ipv4") or p.get("ipv6")
    if not ip:
        continue
    src, dst = ip["src"]["address"], ip["dst"]["address"]
    layer = p.get("tcp") or p.get("udp")
    if layer:
        src += ".%d" % layer["src"]["port"]
        dst += ".%d" % layer["dst"]["port"]
    if not re.match(r"IP6? %s > %s: " % (re.escape(src), re.escape(dst)), rest):
        problems.append("ends %s > %s: %s" % (src, dst, line))
    if "tcp" in p:
        flags = re.search(r"Flags \[([^\]]*)\]", rest)
        if not flags or flags[1] != p["tcp"]["flags"]:
            problems.append("flags %s: %s" % (p["tcp"]["flags"], line))
    if layer and not rest.endswith("length %d" % layer["payload_length"]) and "dns" not in p:
        problems.append("payload length %d: %s" % (layer["payload_length"], line))
    if "dns" in p and not p["dns"]["response"]:
        if not re.search(r"%d\+ (\[\S+\] )?%s\? %s " % (p["dns"]["id"], p["dns"]["qtype"], re.escape(p["dns"]["name"])), rest):
            problems.append("dns %s: %s" % (p["dns"], line))
    if "icmp" in p and "ICMP echo" in rest and p["icmp"]["icmp_type"] not in (0, 8):
        problems.append("icmp %s: %s" % (p["icmp"], line))
print("\n".join(problems[:10]) if problems else "ok %d" % len(packets))
EOF
)
	# the whole verdict is one "ok N" line (like would accept one such line among problems)
	if [[ $verdict =~ ^ok\ [1-9][0-9]*$ ]]; then
		pass "$2: each record holds what tcpdump prints for its packet ($verdict)"
	else
		fail "$2: each record holds what tcpdump prints for its packet" "$verdict"
	fi
}
compare eth.pcap "Ethernet"
compare any.pcap "-i any (Linux cooked v2: interface and direction)"

run "$SONDE" tcpdump --json -c 3 -r "$LAB_TMP/eth.pcap"
is "$(tail -n1 <<<"$OUT")" '{"type":"summary","packets":3}' "-c with --json: the summary counts what was read"
like "$(head -n1 <<<"$OUT")" '^\{"type":"packet","time_s":[0-9.]+,"ifname":null,"direction":null,"length":[0-9]+,"captured_length":[0-9]+,"linktype":1,"ethernet":\{"src_lladdr":"[0-9a-f:]{17}","dst_lladdr":"[0-9a-f:]{17}","ethertype":[0-9]+\}' \
	"a record: time, interface, direction, lengths, link layer"

# Live: the summary has tcpdump's kernel counts.
ip netns exec "$A" "$SONDE" tcpdump --json -c 2 -i veth0 icmp >"$LAB_TMP/live.json" 2>"$LAB_TMP/live.err" &
sd=$!
for i in $(seq 1 100); do
	grep -q "listening on" "$LAB_TMP/live.err" 2>/dev/null && break
	sleep 0.05
done
lab_exec a ping -c2 -i0.2 10.71.0.2 >/dev/null
wait $sd
like "$(tail -n1 "$LAB_TMP/live.json")" '^\{"type":"summary","packets":2,"received_by_filter":[0-9]+,"dropped_by_kernel":0\}$' \
	"live: the summary with the kernel's counts"
like "$(head -n1 "$LAB_TMP/live.json")" '"ifname":"veth0","direction":null,' "live on one interface: its name"

done_testing
