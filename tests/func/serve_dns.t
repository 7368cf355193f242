#!/bin/bash
# sonde serve's dns modules beside Debian's prometheus-blackbox-exporter:
# one blackbox.yml of dns modules given to both (sonde's --config,
# blackbox_exporter's --config.file), knotd serving a zone in the same lab
# namespace, and each module probed on the same server by both.  The two
# answers must have the same families, HELP, TYPE, labels and values
# (timings aside), and promtool must accept them.  The patterns are written
# against the records' text (tabs between fields, as miekg/dns writes a
# record), so a record written otherwise fails the comparison.  Then what
# --config refuses, each with its line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab/knot_lab.bash"
need_root
need_cmd knotd curl prometheus-blackbox-exporter promtool tcpdump

DNS_V4=10.53.0.1 DNS_V6=fd53::1 SILENT=10.53.0.7
lab_ns dns
ip -n "$(ns dns)" addr add 10.53.0.1/24 dev lo
ip -n "$(ns dns)" addr add fd53::1/64 dev lo nodad
lab_resolv_conf dns "nameserver $DNS_V4"
# A server that never answers: its queries are dropped.
ip netns exec "$(ns dns)" iptables -A INPUT -d "$SILENT" -j DROP

cat >"$KNOT_DIR/example.zone" <<'ZONE'
$ORIGIN example.test.
$TTL 300
@        SOA ns1 hostmaster 2024010101 3600 600 86400 300
@        NS  ns1
ns1      A   10.53.0.1
ns1      AAAA fd53::1
www      A   192.0.2.1
www      A   192.0.2.2
@        MX  10 mail
mail     A   192.0.2.25
txt      TXT "hello world" "two words"
ZONE
knot_up dns example.test "$KNOT_DIR/example.zone" "$DNS_V4@53" "$DNS_V6@53"

# Tabs inside double quotes are YAML's "\t": both exporters' patterns see a
# tab, which RE2 and POSIX expressions alike match literally.
CONF=$LAB_TMP/blackbox.yml
cat >"$CONF" <<'EOF'
modules:
  dns_a:
    prober: dns
    dns:
      query_name: www.example.test
      query_type: A
  dns_a_tcp:
    prober: dns
    timeout: 5s
    dns:
      transport_protocol: "tcp"
      query_name: "www.example.test"
      query_type: "A"
  dns_soa:
    prober: dns
    dns:
      query_name: example.test
      query_type: SOA
  dns_any:
    prober: dns
    dns:
      query_name: example.test
  dns_mx_additional:
    prober: dns
    dns:
      query_name: example.test
      query_type: MX
      recursion_desired: false
      validate_additional_rrs:
        fail_if_not_matches_regexp:
        - "^mail\\.example\\.test\\.\t300\tIN\tA\t192\\.0\\.2\\.25$"
  dns_nxdomain:
    prober: dns
    dns:
      query_name: nosuch.example.test
      query_type: A
  dns_nxdomain_valid:
    prober: dns
    dns:
      query_name: nosuch.example.test
      query_type: A
      valid_rcodes: [NXDOMAIN]
      validate_authority_rrs:
        fail_if_none_matches_regexp:
        - "\tSOA\tns1\\.example\\.test\\. hostmaster\\.example\\.test\\. 2024010101 3600 600 86400 300$"
  dns_answer_exact:                  # each record's whole text
    prober: dns
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_not_matches_regexp:
          - "^www\\.example\\.test\\.\t300\tIN\tA\t192\\.0\\.2\\.[12]$"
        fail_if_none_matches_regexp: ['192\.0\.2\.2$']
  dns_answer_matches:
    prober: dns
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_matches_regexp: [".*192\\.0\\.2\\.2$"]
  dns_answer_all_match:             # blackbox_exporter: fails unless every record matches
    prober: dns
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_all_match_regexp: ["\tIN\tA\t192\\.0\\.2\\."]
  dns_answer_not_all_match:
    prober: dns
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_all_match_regexp: ["192\\.0\\.2\\.1$"]
  dns_answer_none:
    prober: dns
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_none_matches_regexp: ["192\\.0\\.2\\.9$"]
  dns_txt:
    prober: dns
    dns:
      query_name: txt.example.test
      query_type: TXT
      validate_answer_rrs:
        fail_if_not_matches_regexp: ["\tTXT\t\"hello world\" \"two words\"$"]
  dns_empty_answer:
    prober: dns
    dns:
      query_name: mail.example.test
      query_type: AAAA
      validate_answer_rrs:
        fail_if_not_matches_regexp: [".*"]
  dns_ip4:
    prober: dns
    dns:
      preferred_ip_protocol: ip4
      query_name: www.example.test
      query_type: A
  dns_ip6_only:
    prober: dns
    dns:
      preferred_ip_protocol: ip6
      ip_protocol_fallback: false
      query_name: www.example.test
      query_type: A
EOF

lab_bg dns "$SONDE" serve --listen 127.0.0.1:9115 --config "$CONF"
lab_bg dns prometheus-blackbox-exporter --config.file="$CONF" --web.listen-address=127.0.0.1:9116
lab_wait_listen dns 9115
lab_wait_listen dns 9116

SCRAPE_NS=dns SCRAPE_HOST=127.0.0.1
. "$TESTS_DIR/func/lab/serve_compare.bash"

same dns_a "$DNS_V4" "A over UDP" ""
same dns_a "$DNS_V4:53" "A, server:port" ""
same dns_a "[$DNS_V6]:53" "A, IPv6 server" ""
same dns_a "ns1.example.test" "A, server by name (IPv6 preferred)" ""
same dns_ip4 "ns1.example.test" "A, server by name, ip4 preferred" ""
same dns_ip6_only "ns1.example.test" "A, ip6 without fallback" ""
same dns_a_tcp "$DNS_V4" "A over TCP" ""
same dns_soa "$DNS_V4" "SOA: probe_dns_serial" ""
same dns_any "$DNS_V4" "ANY (the default type)" ""
same dns_mx_additional "$DNS_V4" "MX, additional record's text" ""
same dns_nxdomain "$DNS_V4" "NXDOMAIN, NOERROR wanted" "NXDOMAIN"
same dns_nxdomain_valid "$DNS_V4" "NXDOMAIN valid, authority SOA's text" ""
same dns_answer_exact "$DNS_V4" "each answer record's whole text" ""
same dns_answer_matches "$DNS_V4" "fail_if_matches_regexp" "a record matches .*"
same dns_answer_all_match "$DNS_V4" "fail_if_all_match_regexp, all match" ""
same dns_answer_not_all_match "$DNS_V4" "fail_if_all_match_regexp, one does not" "not all Answer records match .*"
same dns_answer_none "$DNS_V4" "fail_if_none_matches_regexp" "no Answer record matches .*"
same dns_txt "$DNS_V4" "TXT record's text" ""
same dns_empty_answer "$DNS_V4" "no record, a match required" "no Answer records to match"
same dns_a "10.53.0.9" "no server (refused)" "connection refused"
same dns_a_tcp "10.53.0.9" "no server over TCP (refused)" "connection refused"
same dns_a "$SILENT" "a silent server" "no answer from the nameserver"
same dns_a "nosuch.example.test" "server name that does not resolve" "NXDOMAIN"

# recursion_desired: the RD bit ("+" after the id in tcpdump's line) as
# blackbox_exporter sends it, with and without.
rd_flags() { # PORT MODULE: the query's line, id and port masked
	local pid i started
	started=$(grep -c 'listening on' "$LAB_TMP/bg.log")
	lab_bg dns tcpdump -i lo -n -l -c 1 udp dst port 53 and dst host $DNS_V4
	pid=$LAST_BG_PID
	for i in $(seq 1 100); do
		[ "$(grep -c 'listening on' "$LAB_TMP/bg.log")" -gt "$started" ] && break
		sleep 0.05
	done
	scrape "$1" "module=$2&target=$DNS_V4" >/dev/null
	wait "$pid" 2>/dev/null
	grep -E ' > 10\.53\.0\.1\.53: ' "$LAB_TMP/bg.log" | tail -1 | sed -E 's/^.*: [0-9]+/ID/'
}
is "$(rd_flags 9115 dns_a)" "$(rd_flags 9116 dns_a)" "recursion_desired by default: the same query as blackbox_exporter's"
like "$(rd_flags 9115 dns_a)" '^ID\+ A\? www\.example\.test\. ' "recursion_desired by default: RD set"
is "$(rd_flags 9115 dns_mx_additional)" "$(rd_flags 9116 dns_mx_additional)" \
	"recursion_desired: false: the same query as blackbox_exporter's"
like "$(rd_flags 9115 dns_mx_additional)" '^ID MX\? example\.test\. ' "recursion_desired: false: RD clear"

# --allow holds the server's address too: nothing is sent outside it.
lab_bg dns "$SONDE" serve --listen 127.0.0.1:9117 --config "$CONF" --allow 10.99.0.0/16
lab_wait_listen dns 9117
answer=$(scrape 9117 "module=dns_a&target=$DNS_V4")
like "$answer" '^probe_dns_query_succeeded 0$' "--allow: a server outside is not asked"
like "$answer" 'reason="target address not allowed \(--allow\)"' "--allow: the reason says why"

# The debug page names the records as the patterns see them.
answer=$(scrape 9115 "module=dns_a&target=$DNS_V4&debug=true")
like "$answer" 'Validating RR rr=www\.example\.test\.	300	IN	A	192\.0\.2\.1' "debug: each record's text in the log"
like "$answer" '^  query_name: www\.example\.test$' "debug: the module's configuration"

# blackbox.yml's grpc modules: refused with the reason.
is "$(scrape 9115 "module=grpc&target=$DNS_V4:50051")" \
	"$(printf 'Unknown module "grpc" (sonde serve has no grpc prober: sonde speaks no gRPC)\n400')" \
	"module=grpc: a 400 saying why"

# docs/serve.md's example file is one sonde serve reads.
sed -n '/^    modules:$/,/^$/p' "$TESTS_DIR/../docs/serve.md" | sed 's/^    //' >"$LAB_TMP/doc.yml"
lab_bg dns "$SONDE" serve --listen 127.0.0.1:9118 --config "$LAB_TMP/doc.yml"
lab_wait_listen dns 9118 && pass "docs/serve.md's example --config is read" ||
	fail "docs/serve.md's example --config is read" "$(tail -3 "$LAB_TMP/bg.log")"

# --- what --config refuses, at start, with the line ------------------------------------------
refused() { # NAME YAML PATTERN
	printf '%s\n' "$2" >"$LAB_TMP/bad.yml"
	lab_run dns timeout 5 "$SONDE" serve --listen 127.0.0.1:9199 --config "$LAB_TMP/bad.yml"
	ok_rc "$RC" 2 "--config refuses $1: exit 2"
	like "$ERR" "$3" "--config refuses $1: $3"
}
refused "a module without query_name" $'modules:\n  d:\n    prober: dns\n    dns:\n      query_type: A' \
	'line 4: module d: dns: query_name must be set'
refused "grpc" $'modules:\n  g:\n    prober: grpc' 'line 3: module g: prober grpc: sonde speaks no gRPC'
refused "an http module" $'modules:\n  h:\n    prober: http' 'prober http: --config reads dns modules'
refused "an unknown key" $'modules:\n  d:\n    prober: dns\n    dns:\n      query_name: a\n      bogus: 1' \
	'line 6: module d: dns: unknown key bogus'
refused "dns_over_tls" $'modules:\n  d:\n    prober: dns\n    dns:\n      query_name: a\n      dns_over_tls: true' \
	'dns_over_tls: not supported'
refused "a bad rcode" $'modules:\n  d:\n    prober: dns\n    dns:\n      query_name: a\n      valid_rcodes: [NOPE]' \
	'not an rcode name'
refused "a bad type" $'modules:\n  d:\n    prober: dns\n    dns:\n      query_name: a\n      query_type: NOPE' \
	'query_type: not a record type'
refused "a bad transport" $'modules:\n  d:\n    prober: dns\n    dns:\n      query_name: a\n      transport_protocol: sctp' \
	'transport_protocol: udp or tcp'
refused "RE2's \\d" $'modules:\n  d:\n    prober: dns\n    dns:\n      query_name: a\n      validate_answer_rrs:\n        fail_if_matches_regexp: ["x\\\\d"]' \
	"line 7: .*RE2's"
refused "a flow mapping" $'modules:\n  icmp:\n    prober: dns\n    dns: {query_name: a}' \
	'line 4: .*flow mappings are not read'
refused "a built-in's name" $'modules:\n  icmp:\n    prober: dns\n    dns:\n      query_name: a' \
	"line 2: module icmp: the name of a built-in module"
refused "an anchor" $'modules:\n  d: &x\n    prober: dns' 'line 2: anchors, aliases'
refused "a tab" $'modules:\n\td:' 'line 2: a tab in the indentation'
refused "bad indentation" $'modules:\n  d:\n    prober: dns\n   timeout: 5s' 'line 4: bad indentation'

done_testing
