#!/bin/bash
# sonde nslookup against bind9's nslookup: the same lookups to the same
# knotd in the dig lab (a pod-like resolv.conf: ndots:5 and a search list),
# stdout, stderr and the exit code compared.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip knotd nslookup python3
source "$TESTS_DIR/func/lab/dig_lab.bash"

# same_as_nslookup NAME ARGS...: both tools in the lab namespace; stdout,
# stderr (sonde's "sonde nslookup: " read as "nslookup: ") and exit code.
same_as_nslookup() {
	local name=$1 theirs theirs_err theirs_rc
	shift
	theirs=$(lab_exec dns nslookup "$@" 2>"$LAB_TMP/ns_err" </dev/null)
	theirs_rc=$?
	theirs_err=$(cat "$LAB_TMP/ns_err")
	lab_run dns "$SONDE" nslookup "$@"
	is "$OUT" "$theirs" "$name: nslookup's output (nslookup $*)"
	ok_rc "$RC" "$theirs_rc" "$name: exit $theirs_rc as nslookup"
	is "${ERR//sonde nslookup: /nslookup: }" "$theirs_err" "$name: nslookup's stderr"
}

S=$DNS_V4
# --- the record types of dig.t ------------------------------------------------
same_as_nslookup "default: A, AAAA" www.example.test
same_as_nslookup "CNAME chain" c1.example.test
same_as_nslookup "A without AAAA" mail.example.test
same_as_nslookup "neither A nor AAAA" example.test
same_as_nslookup "-type=AAAA" -type=AAAA www.example.test
same_as_nslookup "-type=NS" -type=NS example.test
same_as_nslookup "-type=SOA" -type=SOA example.test
same_as_nslookup "-type=mx" -type=mx example.test
same_as_nslookup "DNAME" x.sub.example.test
same_as_nslookup "-q=TXT with escapes" -q=TXT txt.example.test
same_as_nslookup "-type=SRV" -type=SRV _sip._tcp.example.test
same_as_nslookup "-type=CAA" -type=CAA example.test
same_as_nslookup "-type=NAPTR" -type=NAPTR naptr.example.test
same_as_nslookup "-type=TLSA" -type=TLSA _443._tcp.www.example.test
same_as_nslookup "-type=HTTPS" -type=HTTPS example.test
same_as_nslookup "wildcard" anything.wild.example.test
same_as_nslookup "unknown type (RFC 3597)" -type=TYPE65400 unknown.example.test
same_as_nslookup "-type=DS -norecurse" -norecurse -type=DS delegated.example.test
same_as_nslookup "referral, -norec" -norec host.delegated.example.test
same_as_nslookup "NXDOMAIN" nosuch.example.test
same_as_nslookup "-type=DNSKEY, signed zone" -type=DNSKEY secure.test
same_as_nslookup "-type=NSEC3PARAM" -type=NSEC3PARAM nsec3.test
same_as_nslookup "-type=AAAA, no answer" -type=AAAA mail.example.test
same_as_nslookup "REFUSED" not.served.test
same_as_nslookup "reverse IPv4" 192.0.2.1
same_as_nslookup "reverse IPv6" 2001:db8::1
same_as_nslookup "-type=ANY (over TCP)" -type=ANY example.test
same_as_nslookup "CHAOS class" -class=CH -type=TXT version.bind
same_as_nslookup "TC: retried over TCP" -type=TXT big.example.test
# --- the search list and ndots (a pod's resolv.conf) --------------------------
same_as_nslookup "search list: kubernetes.default" kubernetes.default
same_as_nslookup "search list: a short name" web.shop
same_as_nslookup "-ndots=1: asked alone first" -ndots=1 www.example.test
same_as_nslookup "-nosearch" -nosearch kubernetes.default
same_as_nslookup "-domain=" -domain=svc.cluster.local kubernetes.default
same_as_nslookup "a final dot" www.example.test.
same_as_nslookup "-debug" -debug www.example.test
same_as_nslookup "-debug -type=MX" -debug -type=MX example.test
# --- servers, transport, failures ----------------------------------------------
same_as_nslookup "server argument" www.example.test $S
same_as_nslookup "IPv6 server" www.example.test $DNS_V6
same_as_nslookup "-port=53 -vc" -port=53 -vc www.example.test $S
same_as_nslookup "-timeout= -retry=" -timeout=2 -retry=1 example.test $S
same_as_nslookup "no server answers" -timeout=1 -retry=1 www.example.test 10.53.0.7
same_as_nslookup "refused port, resolv.conf's tries" -port=5999 -timeout=1 www.example.test 127.0.0.1
same_as_nslookup "a server name that does not resolve" www.example.test nosuch.invalid
same_as_nslookup "bad -type" -type=NOSUCHTYPE www.example.test
same_as_nslookup "bad -port" -port=99999 www.example.test
same_as_nslookup "unknown option" -nosuchoption www.example.test
same_as_nslookup "a third operand" www.example.test $S extra

# --- refused: one line, exit 2 ------------------------------------------------------
run "$SONDE" nslookup
ok_rc "$RC" 2 "interactive mode: refused"
like "$ERR" "^sonde nslookup: interactive mode is not implemented" "interactive mode: says why"
run "$SONDE" nslookup -all www.example.test
ok_rc "$RC" 2 "-all: refused"

# --- version -------------------------------------------------------------------------
run "$SONDE" nslookup -version
ok_rc "$RC" 0 "-version: exit 0"
is "$(printf '%s\n' "$ERR" | head -1)" "$(nslookup -version 2>&1 | sed 's/-.*//')" "-version: bind's line on stderr"

# --- JSON -------------------------------------------------------------------------
json_get() { printf '%s' "$OUT" | python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
lab_run dns "$SONDE" nslookup --json kubernetes.default
ok_rc "$RC" 0 "--json: exit 0"
is "$(json_get '[(l["name"], l["type"], [r["data"] for r in l["answer"]]) for l in d["lookups"]]')" \
	"[('kubernetes.default.svc.cluster.local', 'A', ['10.96.0.1']), ('kubernetes.default.svc.cluster.local', 'AAAA', [])]" \
	"--json: the search list's name, A then AAAA"
lab_run dns "$SONDE" nslookup --json nosuch.example.test
ok_rc "$RC" 1 "--json NXDOMAIN: exit 1"
is "$(json_get 'd["lookups"][0]["rcode"], d["exit_code"]')" "NXDOMAIN 1" "--json NXDOMAIN: rcode and exit_code"
done_testing
