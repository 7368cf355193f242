#!/bin/bash
# sonde tcpdump against tcpdump 4.99.3: lab traffic recorded by the real
# tcpdump (Ethernet, -i any's Linux cooked v2, and v1), read back by both
# with each printing option; every line must be tcpdump's, or carry sonde's
# visible marker for what it does not decode.  Then live captures side by
# side with filters, -w - read back by tcpdump, -d, -D, privilege, refusals.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump python3 socat nc ping dig setpriv

MARK='[sonde: not decoded: '
lab_ns a
lab_ns b
lab_ns c
A=$(ns a)
B=$(ns b)
lab_link a 10.66.0.1/24 b 10.66.0.2/24 fd66::1/64 fd66::2/64
lab_link b 10.67.0.1/24 c 10.67.0.2/24 fd67::1/64 fd67::2/64
ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
ip -n "$A" route add 10.67.0.0/24 via 10.66.0.2
ip -n "$A" -6 route add fd67::/64 via fd66::2
ip -n "$(ns c)" route add 10.66.0.0/24 via 10.67.0.1
ip -n "$(ns c)" -6 route add fd66::/64 via fd67::1
echo "www.lab.test 10.66.0.80" >"$LAB_TMP/names"
lab_bg b python3 "$TESTS_DIR/func/lab/wait_dns.py" 10.66.0.2 "$LAB_TMP/names"
lab_bg b socat TCP-LISTEN:7777,reuseaddr,fork SYSTEM:'echo hello'
lab_bg b socat TCP6-LISTEN:7777,reuseaddr,fork SYSTEM:'echo hello'
lab_wait_listen b 7777
lab_wait_listen b 53 udp

# wait_started FILE: until a capture's stderr says it is listening.
wait_started() {
	local i
	for i in $(seq 1 100); do
		grep -q "listening on" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	diag "capture did not start: $(cat "$1")"
}

# The traffic every capture of this test sees, from a.
lab_traffic() {
	lab_exec a ping -c2 -i0.2 10.66.0.2 >/dev/null
	lab_exec a ping -c2 -i0.2 -s 100 fd66::2 >/dev/null
	lab_exec a sh -c 'echo hi | nc -w1 10.66.0.2 7777' >/dev/null
	lab_exec a sh -c 'echo hi | nc -6 -w1 fd66::2 7777' >/dev/null
	lab_exec a sh -c 'echo hi | nc -w1 10.66.0.2 7778' >/dev/null 2>&1
	lab_exec a sh -c 'echo hi | nc -6 -w1 fd66::2 7778' >/dev/null 2>&1
	lab_exec a sh -c 'echo hi | nc -u -w1 10.66.0.2 9999' >/dev/null 2>&1
	lab_exec a sh -c 'echo hi | nc -6 -u -w1 fd66::2 9999' >/dev/null 2>&1
	lab_exec a dig +tries=1 +time=1 @10.66.0.2 www.lab.test A >/dev/null
	lab_exec a dig +tries=1 +time=1 @10.66.0.2 www.lab.test AAAA >/dev/null
	lab_exec a dig +tries=1 +time=1 +norecurse @10.66.0.2 nothere.lab.test MX >/dev/null
	# From a client port tcpdump has a printer for (49152, BCM-LI when the
	# source): its chain tries DNS first, and so must sonde.
	lab_exec a dig +tries=1 +time=1 -b 10.66.0.1#49152 @10.66.0.2 www.lab.test A >/dev/null
	lab_exec a ping -c1 -t1 -W1 10.67.0.2 >/dev/null
	lab_exec a ping -c1 -t1 -W1 fd67::2 >/dev/null
	lab_exec a ping -c1 -W1 10.67.0.2 >/dev/null
}

# --- recorded by tcpdump, read by both -----------------------------------------
# Both read inside namespace a: without -n they ask its resolver for names,
# which refuses at once (lab_ns), and -i any's interface indexes are a's.
ip netns exec "$A" tcpdump --immediate-mode -i veth0 -U -w "$LAB_TMP/eth.pcap" 2>"$LAB_TMP/eth.err" &
cap_eth=$!
ip netns exec "$A" tcpdump --immediate-mode -i any -U -w "$LAB_TMP/any.pcap" 2>"$LAB_TMP/any.err" &
cap_any=$!
ip netns exec "$A" tcpdump --immediate-mode -i any -y LINUX_SLL -U -w "$LAB_TMP/sll.pcap" 2>"$LAB_TMP/sll.err" &
cap_sll=$!
wait_started "$LAB_TMP/eth.err"
wait_started "$LAB_TMP/any.err"
wait_started "$LAB_TMP/sll.err"
lab_traffic
sleep 0.3
kill -INT $cap_eth $cap_any $cap_sll
wait $cap_eth $cap_any $cap_sll 2>/dev/null

# same_or_marked_files NAME WANT_FILE GOT_FILE [PACKET_START]: each packet's
# lines as tcpdump's, or sonde's line marked.  A packet starts at a line
# matching PACKET_START (a regex; by default every line does).
same_or_marked_files() {
	local verdict
	verdict=$(awk -v mark="$MARK" -v start="${4:-}" '
		function add(which, line) { if (start == "" || line ~ start) count[which]++; k = which SUBSEP count[which]
			text[k] = (k in text) ? text[k] "\n" line : line }
		NR == FNR { add("w", $0); next }
		{ add("g", $0) }
		END { if (count["w"] != count["g"]) { print "packets: want " count["w"] ", got " count["g"]; exit }
			for (i = 1; i <= count["w"]; i++) { w = text["w", i]; g = text["g", i]
				if (w != g && index(g, mark) == 0) { bad++; if (bad <= 3) print "want: " w "\ngot:  " g } }
			if (!bad) print "ok" }' "$2" "$3")
	is "$verdict" ok "$1"
}

# same_or_marked NAME WANT GOT: the same for two texts.
same_or_marked() {
	printf '%s\n' "$2" >"$LAB_TMP/same.want"
	printf '%s\n' "$3" >"$LAB_TMP/same.got"
	same_or_marked_files "$1" "$LAB_TMP/same.want" "$LAB_TMP/same.got"
}

for file in eth any sll; do
	for opts in "-nn" "-n" "" "-e" "-nn -e" "-q -nn" "-t -nn" "-tt -nn" "-ttt -nn" "-tttt -nn" "-ttttt -nn" \
		"-x -nn" "-xx -nn" "-X -nn" "-XX -nn" "-A -nn" "-AA -nn" "-e -x" "-v -nn" "-vv -nn" "-v" "-v -e -nn" \
		"-vv -q -nn" "-v -x -nn" "-vvv -nn"; do
		# shellcheck disable=SC2086
		want=$(lab_exec a tcpdump $opts -r "$LAB_TMP/$file.pcap" 2>/dev/null)
		# shellcheck disable=SC2086
		lab_run a "$SONDE" tcpdump $opts -r "$LAB_TMP/$file.pcap"
		printf '%s\n' "$want" >"$LAB_TMP/opts.want"
		printf '%s\n' "$OUT" >"$LAB_TMP/opts.got"
		# -v writes a packet on several lines: each starts with its time.
		same_or_marked_files "tcpdump $opts -r $file.pcap: tcpdump's lines" "$LAB_TMP/opts.want" "$LAB_TMP/opts.got" \
			"$(case $opts in -v* | -vv*) echo '^[0-9]{2}:[0-9]{2}:[0-9]{2}[.]' ;; esac)"
	done
done
# What is decoded in this lab is not marked: ARP, ICMP echo, errors and time
# exceeded, ND, TCP, UDP, DNS.
lab_run a "$SONDE" tcpdump -nn -r "$LAB_TMP/eth.pcap"

marked=$(printf '%s\n' "$OUT" | grep -F "$MARK")
diag "marked lines:" "$marked"
is "$marked" "" "no line of this lab is marked"
for what in 'ARP, Request who-has 10.66.0.2 tell 10.66.0.1' 'ICMP echo request' 'ICMP6, echo reply' \
	'ICMP 10.66.0.2 udp port 9999 unreachable' 'ICMP6, destination unreachable, unreachable port, fd66::2 udp port 9999' \
	'ICMP time exceeded in-transit' 'ICMP6, time exceeded in-transit for fd67::2' 'neighbor solicitation, who has fd66::2' 'Flags \[S\.\], seq [0-9]+, ack' \
	'Flags \[R\.\], seq 0' 'UDP, length 3' 'A\? www\.lab\.test\. \(' ' 1/0/0 A 10\.66\.0\.80 \(' 'NXDomain'; do
	like "$OUT" "$what" "decoded: $what"
done
lab_run a "$SONDE" tcpdump -vvv -nn -r "$LAB_TMP/eth.pcap"
is "$(printf '%s\n' "$OUT" | grep -F "$MARK")" "" "-vvv: no line of this lab is marked (DNS's sections, EDNS)"
lab_run a "$SONDE" tcpdump -v -nn -r "$LAB_TMP/eth.pcap"
marked=$(printf '%s\n' "$OUT" | grep -F -B1 "$MARK")
diag "-v marked lines:" "$marked"
is "$(printf '%s\n' "$OUT" | grep -F "$MARK")" "" "-v: no line of this lab is marked"
for what in 'IP \(tos 0x0, ttl 64, id [0-9]+, offset 0, flags \[DF\], proto TCP \(6\), length 60\)' \
	'IP6 \(flowlabel 0x[0-9a-f]{5}, hlim 64, next-header ICMPv6 \(58\) payload length: 108\) fd66::1 > fd66::2: \[icmp6 sum ok\] ICMP6, echo request' \
	'Flags \[S\], cksum 0x[0-9a-f]{4} \((correct|incorrect -> 0x[0-9a-f]{4})\), seq' \
	'^	IP \(tos 0x0, ttl 1, id [0-9]+, offset 0, flags \[DF\], proto ICMP \(1\), length 84\)' \
	'ARP, Ethernet \(len 6\), IPv4 \(len 4\), Request who-has 10\.66\.0\.2 tell 10\.66\.0\.1, length 28' \
	'neighbor solicitation, length 32, who has fd66::2$' '^	  source link-address option \(1\), length 8 \(1\): ' \
	' 1/0/0 www\.lab\.test\. A 10\.66\.0\.80 \('; do
	like "$OUT" "$what" "-v decoded: $what"
done
stderr_want=$(lab_exec a tcpdump -r "$LAB_TMP/eth.pcap" 2>&1 >/dev/null)
is "$ERR" "$stderr_want" "-r: stderr names the file and its link type as tcpdump does"

# -c, -F, and a filter on a file.
lab_run a "$SONDE" tcpdump -nn -c 3 -r "$LAB_TMP/eth.pcap"
is "$OUT" "$(lab_exec a tcpdump -nn -c 3 -r "$LAB_TMP/eth.pcap" 2>/dev/null)" "-c 3"
for filter in "icmp" "tcp port 7777" "udp and not port 53" "ip6" "arp or icmp6" "tcp[tcpflags] & tcp-syn != 0"; do
	lab_run a "$SONDE" tcpdump -nn -r "$LAB_TMP/eth.pcap" "$filter"
	same_or_marked "-r with filter '$filter'" "$(lab_exec a tcpdump -nn -r "$LAB_TMP/eth.pcap" "$filter" 2>/dev/null)" "$OUT"
done
printf '# comment\nicmp or arp\n' >"$LAB_TMP/filter"
lab_run a "$SONDE" tcpdump -nn -F "$LAB_TMP/filter" -r "$LAB_TMP/eth.pcap"
is "$OUT" "$(lab_exec a tcpdump -nn -r "$LAB_TMP/eth.pcap" icmp or arp 2>/dev/null)" "-F FILE (with a comment)"
lab_run a "$SONDE" tcpdump -nn -r "$LAB_TMP/eth.pcap" "port nonsense"
ok_rc "$RC" 2 "a filter that does not compile: exit 2"
like "$ERR" "nonsense" "... and libpcap's reason"
lab_run a "$SONDE" tcpdump -d -r "$LAB_TMP/eth.pcap" "tcp port 7777 or icmp6"
is "$OUT" "$(lab_exec a tcpdump -d -r "$LAB_TMP/eth.pcap" "tcp port 7777 or icmp6" 2>/dev/null)" "-d lists the program as tcpdump"
lab_run a bash -c "'$SONDE' tcpdump -nn -r - < '$LAB_TMP/eth.pcap'"
same_or_marked "-r - reads stdin" "$(lab_exec a tcpdump -nn -r "$LAB_TMP/eth.pcap" 2>/dev/null)" "$OUT"

# --- DNS summaries: each answer type, rcodes, flags, mDNS (written by the test) --
python3 "$TESTS_DIR/func/lab/tcpdump_dns.py" "$LAB_TMP/dns.pcap"
for opts in "-nn -t" "-t" "-e -nn"; do
	# shellcheck disable=SC2086
	lab_run a "$SONDE" tcpdump $opts -r "$LAB_TMP/dns.pcap"
	# shellcheck disable=SC2086
	is "$OUT" "$(lab_exec a tcpdump $opts -r "$LAB_TMP/dns.pcap" 2>/dev/null)" "DNS messages, tcpdump $opts: the same lines"
done

# --- every port, as tcpdump hands ports to its printers ------------------------
for proto in udp tcp; do
	python3 "$TESTS_DIR/func/lab/tcpdump_ports.py" $proto "$LAB_TMP/$proto-ports.pcap"
	lab_exec a tcpdump -nn -tt -r "$LAB_TMP/$proto-ports.pcap" >"$LAB_TMP/ports.want" 2>/dev/null
	lab_exec a "$SONDE" tcpdump -nn -tt -r "$LAB_TMP/$proto-ports.pcap" >"$LAB_TMP/ports.got" 2>/dev/null
	same_or_marked_files "$proto to and from every port: tcpdump's line or marked" "$LAB_TMP/ports.want" \
		"$LAB_TMP/ports.got" '^[0-9]+[.]000000 '
	rm -f "$LAB_TMP/$proto-ports.pcap" "$LAB_TMP/ports.want" "$LAB_TMP/ports.got"
done

# --- live, side by side with tcpdump -------------------------------------------
live_filters=("host 10.66.0.2" "port 7777" "icmp6" "tcp[tcpflags] & tcp-syn != 0" "not port 22")
pids=()
for i in "${!live_filters[@]}"; do
	ip netns exec "$A" tcpdump -nn -t -l -i veth0 "${live_filters[$i]}" >"$LAB_TMP/live$i.want" 2>"$LAB_TMP/live$i.werr" &
	pids+=($!)
	ip netns exec "$A" "$SONDE_BIN" tcpdump -nn -t -l -i veth0 "${live_filters[$i]}" >"$LAB_TMP/live$i.got" 2>"$LAB_TMP/live$i.gerr" &
	pids+=($!)
	wait_started "$LAB_TMP/live$i.werr"
	wait_started "$LAB_TMP/live$i.gerr"
done
lab_traffic
sleep 0.5
kill -INT "${pids[@]}"
wait "${pids[@]}" 2>/dev/null
for i in "${!live_filters[@]}"; do
	same_or_marked "live -i veth0 '${live_filters[$i]}': the packets tcpdump shows" \
		"$(cat "$LAB_TMP/live$i.want")" "$(cat "$LAB_TMP/live$i.got")"
done
like "$(cat "$LAB_TMP/live0.gerr")" "^listening on veth0, link-type EN10MB \(Ethernet\), snapshot length 262144 bytes$" \
	"live: 'listening on' as tcpdump says it"
count=$(grep -c . "$LAB_TMP/live0.got")
like "$(cat "$LAB_TMP/live0.gerr")" "^$count packets captured$" "live: the count of packets captured"
like "$(cat "$LAB_TMP/live0.gerr")" "^[0-9]+ packets? received by filter$" "live: received by filter"
like "$(cat "$LAB_TMP/live0.gerr")" "^0 packets dropped by kernel$" "live: dropped by kernel"

# -w - : what sonde writes, tcpdump reads.
ip netns exec "$A" "$SONDE_BIN" tcpdump -i veth0 -U -c 4 -w - icmp >"$LAB_TMP/w.pcap" 2>"$LAB_TMP/w.err" &
wpid=$!
wait_started "$LAB_TMP/w.err"
lab_exec a ping -c2 -i0.2 10.66.0.2 >/dev/null
wait $wpid
ok_rc $? 0 "-w - -c 4: exit 0 after 4 packets"
lab_run a tcpdump -nn -r "$LAB_TMP/w.pcap"
ok_rc "$RC" 0 "tcpdump reads what -w - wrote"
is "$(printf '%s\n' "$OUT" | grep -c 'ICMP echo')" 4 "... the 4 ICMP packets"
lab_run a "$SONDE" tcpdump -nn -r "$LAB_TMP/w.pcap"
is "$OUT" "$(lab_exec a tcpdump -nn -r "$LAB_TMP/w.pcap" 2>/dev/null)" "... and sonde prints them as tcpdump"

# -Q in: only what comes in.
ip netns exec "$A" "$SONDE_BIN" tcpdump -nn -t -l -i veth0 -Q in -c 2 icmp >"$LAB_TMP/q.got" 2>"$LAB_TMP/q.err" &
qpid=$!
wait_started "$LAB_TMP/q.err"
lab_exec a ping -c2 -i0.2 10.66.0.2 >/dev/null
wait $qpid
is "$(grep -c 'echo reply' "$LAB_TMP/q.got")" 2 "-Q in: the replies only"

# -D: the interfaces, as tcpdump lists them in the namespace, less the
# capture sources left out of sonde's libpcap (Bluetooth, NFLOG, NFQUEUE,
# D-Bus, USB: libcore/pcap_sources.c).
# The sanitizer build links the shared libpcap, with all of them.
left_out='^[0-9]+\.(bluetooth|nflog|nfqueue|dbus|usbmon)'
is_sanitized && left_out='^$'
lab_run a "$SONDE" tcpdump -D
is "$OUT" "$(lab_exec a tcpdump -D 2>/dev/null | grep -vE "$left_out" |
	awk '{ sub(/^[0-9]+\./, NR "."); print }')" "-D lists what tcpdump lists (network interfaces)"

# --- privilege, refusals ----------------------------------------------------------
nopriv=(setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all)
cp "$LAB_TMP/eth.pcap" "$LAB_TMP/pub.pcap" && chmod 644 "$LAB_TMP/pub.pcap" && chmod 755 "$LAB_TMP"
lab_run a "${nopriv[@]}" "$SONDE_BIN" tcpdump -i veth0 -c 1
ok_rc "$RC" 3 "capturing without CAP_NET_RAW: exit 3"
like "$ERR" "CAP_NET_RAW" "... the capability named"
like "$ERR" "-r FILE reads a capture without privilege" "... and what works without it"
lab_run a "${nopriv[@]}" "$SONDE_BIN" tcpdump -nn -r "$LAB_TMP/pub.pcap"
ok_rc "$RC" 0 "-r needs no privilege"
for opt in "-S" "-y EN10MB" "-z gzip" "-Z nobody" "-dd" "-e -q"; do
	# shellcheck disable=SC2086
	lab_run a "$SONDE" tcpdump $opt -r "$LAB_TMP/eth.pcap"
	ok_rc "$RC" 2 "$opt is refused, not ignored"
	like "$ERR" "not implemented yet" "... with the reason"
done
lab_run a "$SONDE" tcpdump --json -w "$LAB_TMP/x.pcap" -r "$LAB_TMP/eth.pcap"
ok_rc "$RC" 2 "--json with -w is refused"
like "$OUT" '"error":"-w writes the packets' "... with a JSON error record"
lab_run a "$SONDE" tcpdump -r "$LAB_TMP/eth.pcap" -i veth0
ok_rc "$RC" 2 "-r with -i: usage error"
done_testing
