#!/bin/bash
# sonde dig against bind9's dig: the same queries to the same knotd in a lab
# namespace, outputs compared line for line after masking the banner, the
# id, the query time and the date.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip knotd dig python3
source "$TESTS_DIR/func/lab/dig_lab.bash"

S=@$DNS_V4

# --- every record type, against the oracle ---------------------------------
same_as_dig "A, several records" $S www.example.test
same_as_dig "AAAA" $S www.example.test AAAA
same_as_dig "NS" $S example.test NS
same_as_dig "SOA" $S example.test SOA
same_as_dig "MX" $S example.test MX
same_as_dig "CNAME chain" $S c1.example.test
same_as_dig "DNAME" $S x.sub.example.test
same_as_dig "TXT with escapes" $S txt.example.test TXT
same_as_dig "SRV" $S _sip._tcp.example.test SRV
same_as_dig "CAA" $S example.test CAA
same_as_dig "NAPTR" $S naptr.example.test NAPTR
same_as_dig "TLSA" $S _443._tcp.www.example.test TLSA
same_as_dig "SVCB" $S svc.example.test SVCB
same_as_dig "HTTPS" $S example.test HTTPS
same_as_dig "HTTPS alias" $S alias.example.test HTTPS
same_as_dig "wildcard" $S anything.wild.example.test
same_as_dig "unknown type (RFC 3597)" $S unknown.example.test TYPE65400
same_as_dig "DS" $S delegated.example.test DS +norec
same_as_dig "referral" $S host.delegated.example.test +norec
same_as_dig "NXDOMAIN" $S nosuch.example.test
same_as_dig "DNSKEY, signed zone" $S secure.test DNSKEY +dnssec
same_as_dig "RRSIG" $S www.secure.test +dnssec
same_as_dig "NSEC denial" $S nosuch.secure.test +dnssec
same_as_dig "NSEC3 denial" $S nosuch.nsec3.test +dnssec
same_as_dig "NSEC3PARAM" $S nsec3.test NSEC3PARAM
same_as_dig "ANY over TCP" $S example.test ANY +tcp
same_as_dig "REFUSED with EDE" $S not.served.test
same_as_dig "reverse -x IPv4" $S -x 192.0.2.1
same_as_dig "reverse -x IPv6" $S -x 2001:db8::1
same_as_dig "IPv6 server" @$DNS_V6 www.example.test
same_as_dig "-p 53 -t -c" $S -p 53 -t mx -c in example.test
same_as_dig "CHAOS class" $S -c ch -t txt version.bind
same_as_dig "TC: UDP truncated, retried over TCP" $S big.example.test TXT
same_as_dig "TC without EDNS" $S big.example.test TXT +noedns
same_as_dig "+ignore keeps the truncated reply" $S big.example.test TXT +ignore
same_as_dig "several queries on one line" $S www.example.test mail.example.test MX example.test SOA
same_as_dig "+nsid" $S example.test SOA +nsid

# --- +options ------------------------------------------------------------------
for opt in +short +noall "+noall +answer" +nocomments +nostats +nocmd +noquestion "+noauthority +noadditional" \
	+norecurse +noedns +bufsize=512 "+dnssec +cdflag" +noadflag +split=8 +nosplit "+nocomments +nostats"; do
	# shellcheck disable=SC2086
	same_as_dig "$opt" $S www.example.test $opt
done
# +multiline: records over lines in parentheses, bind's comments and widths.
same_as_dig "+multiline SOA (field comments, long TTL form)" $S example.test SOA +multiline
same_as_dig "+multiline +norrcomments SOA" $S example.test SOA +multiline +norrcomments
same_as_dig "+multiline DNSKEY (KSK/ZSK, alg, key id)" $S secure.test DNSKEY +dnssec +multiline
same_as_dig "+multiline RRSIG" $S www.secure.test +dnssec +multiline
same_as_dig "+multiline NSEC3 denial" $S nosuch.nsec3.test +dnssec +multiline
same_as_dig "+multiline TLSA, DS, unknown" $S _443._tcp.www.example.test TLSA +multiline \
	delegated.example.test DS +norec unknown.example.test TYPE65400
same_as_dig "+multiline TXT, SVCB, HTTPS" $S txt.example.test TXT +multiline svc.example.test SVCB example.test HTTPS
same_as_dig "+multiline +split=8" $S secure.test DNSKEY +multiline +split=8
same_as_dig "+multiline +nosplit" $S secure.test DNSKEY +multiline +nosplit
same_as_dig "+multiline +nocomments" $S example.test SOA +multiline +nocomments
same_as_dig "+multiline +short" $S secure.test DNSKEY +multiline +short
same_as_dig "+rrcomments on one line" $S secure.test DNSKEY +rrcomments
same_as_dig "+short +rrcomments" $S secure.test DNSKEY +short +rrcomments
same_as_dig "+multiline +nomultiline" $S example.test SOA +multiline +nomultiline
same_as_dig "+short MX" $S example.test MX +short
same_as_dig "+short TXT" $S txt.example.test TXT +short
same_as_dig "+short CNAME chain" $S c1.example.test +short
same_as_dig "+short signed" $S www.secure.test +dnssec +short
same_as_dig "+short DNSKEY" $S secure.test DNSKEY +short
same_as_dig "+short NXDOMAIN prints nothing" $S nosuch.example.test +short
same_as_dig "+short several names" $S www.example.test +short mail.example.test +short
same_as_dig "+tcp" $S www.example.test +tcp
same_as_dig "+vc" $S www.example.test +vc
same_as_dig "+timeout +tries" $S www.example.test +timeout=2 +tries=1
same_as_dig "+retry" $S www.example.test +retry=0
same_as_dig "+edns=0" $S www.example.test +edns=0
same_as_dig "type before name" $S MX example.test
same_as_dig "no name: root NS" @$ROOT_V4
same_as_dig "resolv.conf's server" www.example.test

# -f FILE: a batch of lookups, one per line.
printf '%s\n' "www.example.test" "example.test MX" "c1.example.test +short" >"$LAB_TMP/batch"
same_as_dig "-f batch" $S -f "$LAB_TMP/batch" +noall +answer

# @name goes through libcore's resolver (c-ares with the lab resolv.conf).
theirs=$(lab_exec dns dig @ns1.example.test www.example.test +short)
lab_run dns "$SONDE" dig @ns1.example.test www.example.test +short
ok_rc "$RC" 0 "@name: exit 0"
is "$OUT" "$theirs" "@name: resolved through the resolver, same answer"
lab_run dns "$SONDE" dig @ns1.example.test www.example.test +noall +stats
like "$OUT" "^;; SERVER: $DNS_V4#53\(ns1.example.test\) \(UDP\)" "@name: shown in ;; SERVER"

# --- exit codes -------------------------------------------------------------------
lab_run dns "$SONDE" dig $S nosuch.example.test
ok_rc "$RC" 0 "NXDOMAIN is a reply: exit 0"
lab_run dns "$SONDE" dig @10.53.0.7 www.example.test +tries=2 +timeout=1
ok_rc "$RC" 9 "no server: exit 9"
theirs=$(lab_exec dns dig @10.53.0.7 www.example.test +tries=2 +timeout=1 | dig_mask)
is "$(printf '%s\n' "$OUT" | dig_mask)" "$theirs" "no server: same lines as dig (refused twice, no servers could be reached)"
lab_run dns "$SONDE" dig @127.0.0.1 -p 5999 www.example.test +tries=1 +timeout=1
ok_rc "$RC" 9 "non-default port with nothing there: exit 9"
like "$OUT" "communications error to 127.0.0.1#5999: connection refused" "the port is in the error"
lab_run dns "$SONDE" dig @127.0.0.1 -p 5999 www.example.test +tcp
ok_rc "$RC" 9 "+tcp refused: exit 9"
like "$OUT" "Connection to 127.0.0.1#5999\(127.0.0.1\) for www.example.test failed: connection refused." "+tcp refused message"
run "$SONDE" dig +nosuchoption www.example.test
ok_rc "$RC" 1 "bad +option: exit 1 as dig"
is "$ERR" "sonde dig: invalid option: +nosuchoption" "bad +option: one line"
is "$OUT" "" "bad +option: nothing on stdout"
run "$SONDE" dig -p 99999 www.example.test
ok_rc "$RC" 1 "bad port: exit 1"
# Exit codes as bind 9.18's dig's, in the lab (these send queries).
same_rc_as_dig() { # NAME ARGS...
	local name=$1 want
	shift
	lab_exec dns dig "$@" >/dev/null 2>&1
	want=$?
	lab_run dns "$SONDE" dig "$@"
	ok_rc "$RC" "$want" "$name: exit $want as dig"
}
same_rc_as_dig "bad -t (a warning)" $S -t NOSUCHTYPE www.example.test
like "$ERR" "^;; Warning, ignoring invalid type NOSUCHTYPE$" "bad -t: dig's warning"
same_rc_as_dig "bad -c (a warning)" $S -c NOSUCHCLASS www.example.test
same_as_dig "-x of a non-address: its words reversed" $S -x not-an.address
same_rc_as_dig "@ a name that does not resolve" @nosuch.invalid www.example.test
like "$ERR" "couldn't get address for 'nosuch.invalid'" "@nosuch.invalid: says why"
same_as_dig "banner echoes -p -t" $S -p 53 -t MX example.test
lab_run dns "$SONDE" dig $S -p 53 -t MX example.test
like "$OUT" "^; <<>> sonde dig [^ ]+ <<>> $S -p 53 -t MX example.test$" "banner: the arguments as typed"
same_as_dig "-x keeps its place among the names" $S www.example.test -x 192.0.2.1 mail.example.test
# Values dig cannot read end the run with 10 (and its two lines); 0 for
# +timeout and +tries is 1; an illegal name is 10 after the lookups before it.
for a in +bufsize=70000 +edns=256 +ndots=x +split=x +retry=x +timeout=x +timeout=0 +tries=0 +split=7 +bufsize \
	a..b .a "$(printf 'a%.0s' {1..64}).example.test"; do
	same_rc_as_dig "$a" $S www.example.test "$a" +short
	theirs=$(lab_exec dns dig $S www.example.test "$a" +short 2>/dev/null)
	theirs_err=$(lab_exec dns dig $S www.example.test "$a" +short 2>&1 >/dev/null)
	lab_run dns "$SONDE" dig $S www.example.test "$a" +short
	is "$OUT" "$theirs" "$a: dig's stdout"
	is "${ERR//sonde dig: /dig: }" "$theirs_err" "$a: dig's stderr"
done
same_rc_as_dig "missing batch file" $S -f "$LAB_TMP/no-such-file"

# --- JSON ---------------------------------------------------------------------------
json_get() { printf '%s' "$OUT" | python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
lab_run dns "$SONDE" dig --json $S www.example.test
ok_rc "$RC" 0 "--json: exit 0"
is "$(json_get 'd["lookups"][0]["message"]["rcode"], d["lookups"][0]["transport"], d["lookups"][0]["server"]["address"]')" \
	"NOERROR udp $DNS_V4" "--json: rcode, transport, server"
is "$(json_get '[r["data"]["address"] for r in d["lookups"][0]["message"]["answer"]]')" \
	"['192.0.2.1', '192.0.2.2', '192.0.2.3']" "--json: typed A addresses"
is "$(json_get 'd["lookups"][0]["message"]["flags"], d["lookups"][0]["message"]["edns"]["udp_size"]')" \
	"['qr', 'aa', 'rd'] 1232" "--json: flags and EDNS"
lab_run dns "$SONDE" dig --json $S txt.example.test TXT
is "$(json_get 'sorted(r["data"]["strings"] for r in d["lookups"][0]["message"]["answer"])')" \
	"[['\\\\001\\\\255 bytes', ''], ['hello world', 'second \\\\\"quoted\\\\\" string', 'semi;colon', 'back\\\\\\\\slash']]" \
	"--json: TXT strings as a list"
lab_run dns "$SONDE" dig --json $S example.test SOA
is "$(json_get '{k: v for k, v in d["lookups"][0]["message"]["answer"][0]["data"].items()}')" \
	"{'mname': 'ns1.example.test.', 'rname': 'hostmaster.example.test.', 'serial': 2024010101, 'refresh': 3600, 'retry': 600, 'expire': 86400, 'minimum': 300}" \
	"--json: SOA fields typed"
lab_run dns "$SONDE" dig --json $S big.example.test TXT
is "$(json_get 'd["lookups"][0]["transport"], d["lookups"][0]["truncated_retry"]')" "tcp True" "--json: TC retry recorded"
lab_run dns "$SONDE" dig --json @10.53.0.7 www.example.test +tries=1 +timeout=1
ok_rc "$RC" 9 "--json no reply: exit 9"
is "$(json_get 'd["lookups"][0]["replied"]')" "False" "--json no reply: replied false"

# --netns from outside the namespace.
mine=$("$SONDE" dig --netns "$(ns dns)" $S www.example.test +short)
is "$mine" "$(lab_exec dns dig $S www.example.test +short)" "--netns NAME: queries from inside the namespace"
done_testing
