#!/bin/bash
# sonde tcpdump -v, -vv and -vvv against tcpdump 4.99.3 on what they add:
# DNS answers with SOA fields, the authority and additional sections (EDNS's
# OPT with its options), TTLs at -vvv, from knotd in the dig lab recorded by
# the real tcpdump; and frames the test writes (IPv4 options, router
# advertisements, a reset's data, ICMP multi-part extensions, DNS over TCP
# split over two segments).  Every line must be tcpdump's: none is marked.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip knotd dig tcpdump python3
source "$TESTS_DIR/func/lab/dig_lab.bash"

OPTS=("-nn" "-v -nn" "-vv -nn" "-vvv -nn" "-vv" "-vvv -e -nn" "-vv -q -nn" "-vv -x -nn")

# same_as_tcpdump NAME FILE: each option of OPTS, both read FILE in dns.
same_as_tcpdump() {
	local opts want
	for opts in "${OPTS[@]}"; do
		# shellcheck disable=SC2086
		want=$(lab_exec dns tcpdump $opts -r "$2" 2>/dev/null)
		# shellcheck disable=SC2086
		lab_run dns "$SONDE" tcpdump $opts -r "$2"
		is "$OUT" "$want" "$1, tcpdump $opts: the same lines"
	done
	unlike "$OUT" '\[sonde: not decoded' "$1: nothing marked"
}

# --- DNS from knotd, recorded by tcpdump ---------------------------------------
lab_bg dns tcpdump -i lo -w "$LAB_TMP/dns.pcap" port 53
for _i in $(seq 1 50); do [ -s "$LAB_TMP/dns.pcap" ] && break; sleep 0.1; done
D="dig +tries=1 +timeout=2 @$DNS_V4"
lab_exec dns $D www.example.test >/dev/null
lab_exec dns $D nosuch.example.test >/dev/null
lab_exec dns $D example.test SOA >/dev/null
lab_exec dns $D example.test NS >/dev/null
lab_exec dns $D +norec host.delegated.example.test >/dev/null
lab_exec dns $D +nsid +expire +subnet=10.53.0.0/24 example.test MX >/dev/null
lab_exec dns $D +subnet=2001:db8::/48 +nocookie _sip._tcp.example.test SRV >/dev/null
lab_exec dns $D +ednsopt=5:080d0f +ednsopt=6:0102 +ednsopt=7:01 +ednsopt=14:1234abcd +ednsopt=65001:ff +padding=64 \
	www.example.test AAAA >/dev/null
lab_exec dns $D +dnssec secure.test DNSKEY >/dev/null
lab_exec dns $D +edns=1 www.example.test >/dev/null
lab_exec dns $D txt.example.test TXT >/dev/null
lab_exec dns $D -c CH -t TXT version.bind >/dev/null
lab_exec dns $D +noedns c1.example.test >/dev/null
lab_exec dns $D +tcp +keepalive example.test MX >/dev/null
lab_exec dns $D -x 192.0.2.1 >/dev/null
lab_exec dns $D unknown.example.test TYPE65400 >/dev/null
sleep 0.5
kill -INT "$LAST_BG_PID" 2>/dev/null
wait "$LAST_BG_PID" 2>/dev/null
same_as_tcpdump "DNS from knotd" "$LAB_TMP/dns.pcap"

done_testing
