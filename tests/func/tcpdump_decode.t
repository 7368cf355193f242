#!/bin/bash
# sonde tcpdump against tcpdump 4.99.3 on what the lab of tcpdump.t does not
# carry: frames written by the test (802.1Q and QinQ tags, IPv4 fragments
# and options, IPv6 routing, fragment and destination options headers, DNS
# over TCP (a message split over two segments too), resets with data, router
# advertisements, ICMP errors with MPLS extensions, VXLAN and OTV) and a VXLAN tunnel (and Flannel's port 8472) between two
# lab namespaces recorded by the real tcpdump.  Every line must be
# tcpdump's: nothing here is marked.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump python3 ping

lab_ns a
lab_ns b
A=$(ns a)
B=$(ns b)
lab_link a 10.69.0.1/24 b 10.69.0.2/24

OPTS=("-nn" "" "-e" "-e -nn" "-q -nn" "-t -nn" "-x -nn" "-xx -nn" "-X -nn" "-A -nn" "-v -nn" "-vv -nn" "-v" "-v -e -nn"
	"-vv -q -nn" "-v -x -nn")

# same_as_tcpdump NAME FILE: each option of OPTS, both read FILE in a.
same_as_tcpdump() {
	local opts want
	for opts in "${OPTS[@]}"; do
		# shellcheck disable=SC2086
		want=$(lab_exec a tcpdump $opts -r "$2" 2>/dev/null)
		# shellcheck disable=SC2086
		lab_run a "$SONDE" tcpdump $opts -r "$2"
		is "$OUT" "$want" "$1, tcpdump $opts: the same lines"
	done
}

python3 "$TESTS_DIR/func/lab/tcpdump_frames.py" "$LAB_TMP/frames.pcap"
same_as_tcpdump "written frames" "$LAB_TMP/frames.pcap"
lab_run a "$SONDE" tcpdump -nn -e -r "$LAB_TMP/frames.pcap"
for what in 'ethertype 802\.1Q-QinQ \(0x88a8\), length 55: vlan 10, p 0, ethertype 802\.1Q \(0x8100\), vlan 20' \
	'vlan 200, p 0, DEI, ethertype ARP' ': ip-proto-17$' 'UDP, length 3000$' 'length 36 4242\+ A\? www\.example\.test\. \(34\)' \
	'VXLAN, flags \[I\] \(0x08\), vni 42$' 'OTV, flags \[I\] \(0x08\), overlay 7, instance 1$' \
	'RT6 \(len=4, type=4, segleft=1, last-entry=1, tag=7, \[0\]fd00::5, \[1\]fd00::6\) 42001 > 443' \
	'DSTOPT ICMP6, echo request' 'frag \(1448\|1448\)$'; do
	like "$OUT" "$what" "decoded: $what"
done

lab_run a "$SONDE" tcpdump -vv -nn -r "$LAB_TMP/frames.pcap"
for what in 'options \(NOP,RR 10\.0\.0\.1, 0\.0\.0\.0\)' 'options \(RA value 7\)' \
	'options \(timestamp TS\{TS\+ADDR 42@10\.0\.0\.1 \^ 0@10\.0\.0\.9\}\)' 'options \(NOP,NOP,NOP,RA \[bad length 8\]\)' \
	'10\.0\.0\.2\.9999: \[udp sum ok\] UDP, length 6$' 'length 18 \[RST connection refused\]$' \
	'length 40 \[RST\+ ABCDEFGHIJKLMNOPQRSTUVWXYZ\[\\\]\^\]$' 'length 6 \[RST \^AbadM-\^\?\^\?\]$' \
	'length 20 \[prefix length\(50\) != length\(18\)\] \(invalid\)$' \
	'^	hop limit 64, Flags \[managed, other stateful\], pref high, router lifetime 1800s, reachable time 30000ms' \
	'^	  prefix info option \(3\), length 32 \(4\): 2001:db8:1::/64, Flags \[onlink, auto\], valid time 2592000s' \
	'^	  dnssl option \(31\), length 32 \(4\):  lifetime 600s, domain\(s\): example\.test\. lab\.test\.$' \
	'^	  route info option \(24\), length 16 \(2\):  2001:db8:2::/48, pref=high, lifetime=infinity$' \
	'^	ICMP Multi-Part extension v2, checksum 0x[0-9a-f]{4} \(correct\), length 20$' \
	'^	    label 299792, tc 5, ttl 64$' '^	  Interface Identification Object \(2\), Class-Type: 3, length 11$'; do
	like "$OUT" "$what" "-vv decoded: $what"
done

# A VXLAN tunnel (4789) and Flannel's (8472, tcpdump's OTV) between a and b.
ip -n "$A" link add vx42 type vxlan id 42 local 10.69.0.1 remote 10.69.0.2 dstport 4789 srcport 40000 40001 dev veth0
ip -n "$B" link add vx42 type vxlan id 42 local 10.69.0.2 remote 10.69.0.1 dstport 4789 srcport 40000 40001 dev veth0
ip -n "$A" link add flannel.1 type vxlan id 1 local 10.69.0.1 remote 10.69.0.2 dstport 8472 srcport 40002 40003 dev veth0
ip -n "$B" link add flannel.1 type vxlan id 1 local 10.69.0.2 remote 10.69.0.1 dstport 8472 srcport 40002 40003 dev veth0
ip -n "$A" addr add 192.168.42.1/24 dev vx42
ip -n "$B" addr add 192.168.42.2/24 dev vx42
ip -n "$A" addr add 10.244.1.1/24 dev flannel.1
ip -n "$B" addr add 10.244.1.2/24 dev flannel.1
# IPv4 only inside: the tunnels carry the pings and ARP, no IPv6 ND or MLD.
for n in "$A" "$B"; do
	ip netns exec "$n" sysctl -qw net.ipv6.conf.vx42.disable_ipv6=1 net.ipv6.conf.flannel/1.disable_ipv6=1
	ip -n "$n" link set vx42 up
	ip -n "$n" link set flannel.1 up
done
ip netns exec "$A" tcpdump --immediate-mode -i veth0 -U -w "$LAB_TMP/vxlan.pcap" udp 2>"$LAB_TMP/vxlan.err" &
cap=$!
for i in $(seq 1 100); do grep -q "listening on" "$LAB_TMP/vxlan.err" && break; sleep 0.05; done
lab_exec a ping -c2 -i0.2 -W1 192.168.42.2 >/dev/null
lab_exec a ping -c2 -i0.2 -W1 10.244.1.2 >/dev/null
sleep 0.3
kill -INT $cap
wait $cap 2>/dev/null
same_as_tcpdump "VXLAN tunnel" "$LAB_TMP/vxlan.pcap"
lab_run a "$SONDE" tcpdump -nn -r "$LAB_TMP/vxlan.pcap"
like "$OUT" '^IP 192\.168\.42\.2 > 192\.168\.42\.1: ICMP echo reply' "VXLAN: the inner echo reply"
like "$OUT" 'OTV, flags \[I\] \(0x08\), overlay 0, instance 1$' "port 8472: tcpdump's OTV line"

# -v on a live capture written to a file: tcpdump's "Got N\r" on stderr
# each second (the first, "Got 0", before any packet), both side by side.
# got_lines FILE: the stderr's "Got" counts, one per line, and the last line.
got_lines() { tr '\r' '\n' <"$1" | grep -E '^Got |packets? captured'; }
ip netns exec "$A" timeout -k 2 20 "$SONDE" tcpdump -v --immediate-mode -i veth0 -c 3 -w "$LAB_TMP/v-sonde.pcap" icmp 2>"$LAB_TMP/v-sonde.err" &
sonde_pid=$!
ip netns exec "$A" timeout -k 2 20 tcpdump -v --immediate-mode -i veth0 -c 3 -w "$LAB_TMP/v-tcpdump.pcap" icmp 2>"$LAB_TMP/v-tcpdump.err" &
tcpdump_pid=$!
# Both listening, then a second and a half: each has said "Got 0".
for _i in $(seq 1 100); do
	grep -q "listening on" "$LAB_TMP/v-sonde.err" && grep -q "listening on" "$LAB_TMP/v-tcpdump.err" && break
	sleep 0.05
done
sleep 1.5
lab_exec a ping -c2 -i1.5 -W1 10.69.0.2 >/dev/null
wait "$sonde_pid" "$tcpdump_pid" 2>/dev/null
want=$(got_lines "$LAB_TMP/v-tcpdump.err")
got=$(got_lines "$LAB_TMP/v-sonde.err")
diag "tcpdump: $(echo $want)" "sonde: $(echo $got)"
like "$(head -1 <<<"$want")" '^Got 0$' "tcpdump -v -w: Got 0 after a second (the test's premise)"
like "$(head -1 <<<"$got")" '^Got 0$' "-v -w: Got 0 after a second, as tcpdump"
like "$(sed -n 2p <<<"$got")" '^Got [1-3]$' "-v -w: Got N again once packets came, as tcpdump ($(sed -n 2p <<<"$want"))"
is "$(tail -1 <<<"$got")" "$(tail -1 <<<"$want")" "-v -w: the counts end as tcpdump's"
is "$(grep -c . <<<"$(uniq <<<"$got")")" "$(grep -c . <<<"$got")" "-v -w: a count is shown again only when it changed"
for opt in --dns --flows --json; do
	lab_run a "$SONDE" tcpdump -v $opt -r "$LAB_TMP/frames.pcap"
	ok_rc "$RC" 2 "-v with $opt: refused, not ignored"
done
# A link coming up, recorded by tcpdump: the kernel's MLDv2 reports and
# its duplicate address detection (neighbor solicitations from :: with
# RFC 7527's nonce, an option tcpdump 4.99.3 prints as unknown).
lab_ns c
lab_ns d
ip link add tdc0 netns "$(ns c)" type veth peer name tdd0 netns "$(ns d)"
lab_exec c ip link set tdc0 up
lab_bg c tcpdump -i tdc0 -w "$LAB_TMP/linkup.pcap"
for i in $(seq 1 50); do [ -s "$LAB_TMP/linkup.pcap" ] && break; sleep 0.1; done
lab_exec d ip link set tdd0 up
lab_exec c ip addr add fd69::1/64 dev tdc0
lab_exec d ip addr add fd69::2/64 dev tdd0
sleep 3
kill -INT "$LAST_BG_PID" 2>/dev/null
wait "$LAST_BG_PID" 2>/dev/null
lab_run c "$SONDE" tcpdump -vv -nn -r "$LAB_TMP/linkup.pcap"
like "$OUT" "multicast listener report v2, [0-9]+ group record\(s\) \[gaddr ff02::1:ff" "link up: an MLDv2 report recorded"
like "$OUT" "unknown option \(14\), length 8 \(1\): " "link up: a DAD nonce recorded"
same_as_tcpdump "link up (MLDv2, DAD)" "$LAB_TMP/linkup.pcap"

done_testing
