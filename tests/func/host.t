#!/bin/bash
# sonde host against bind9's host: the same lookups to the same knotd in
# the dig lab (a pod-like resolv.conf: ndots:5 and a search list), stdout,
# stderr and the exit code compared after masking the id and the times.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip knotd host python3
source "$TESTS_DIR/func/lab/dig_lab.bash"

host_mask() {
	sed -E -e 's/(->>HEADER<<- opcode: [A-Z0-9]+, status: [A-Z0-9]+), id: [0-9]+/\1, id: ID/' \
		-e 's/^(Received [0-9]+ bytes from [^ ]+) in [0-9]+ ms$/\1 in T ms/'
}

# same_as_host NAME ARGS...: both tools in the lab namespace; stdout and
# stderr (sonde's "sonde host: " read as host's "host: ") and exit code.
same_as_host() {
	local name=$1 theirs theirs_err theirs_rc
	shift
	lab_exec dns host "$@" >"$LAB_TMP/host_out" 2>"$LAB_TMP/host_err"
	theirs_rc=$?
	theirs=$(host_mask <"$LAB_TMP/host_out")
	theirs_err=$(cat "$LAB_TMP/host_err")
	lab_run dns "$SONDE" host "$@"
	is "$(printf '%s\n' "$OUT" | host_mask)" "$theirs" "$name: host's output (host $*)"
	ok_rc "$RC" "$theirs_rc" "$name: exit $theirs_rc as host"
	is "${ERR//sonde host: /host: }" "$theirs_err" "$name: host's stderr"
}

S=$DNS_V4
# --- the record types of dig.t ------------------------------------------------
same_as_host "default: A, AAAA, MX" www.example.test
same_as_host "CNAME chain" c1.example.test
same_as_host "MX only" example.test
same_as_host "A without AAAA or MX" mail.example.test
same_as_host "-t AAAA" -t AAAA www.example.test
same_as_host "-t NS" -t NS example.test
same_as_host "-t SOA" -t SOA example.test
same_as_host "-t MX" -t mx example.test
same_as_host "DNAME" x.sub.example.test
same_as_host "-t TXT with escapes" -t TXT txt.example.test
same_as_host "-t SRV" -t SRV _sip._tcp.example.test
same_as_host "-t CAA" -t CAA example.test
same_as_host "-t NAPTR" -t NAPTR naptr.example.test
same_as_host "-t TLSA" -t TLSA _443._tcp.www.example.test
same_as_host "-t SVCB" -t SVCB svc.example.test
same_as_host "-t HTTPS" -t HTTPS example.test
same_as_host "-t HTTPS alias" -t HTTPS alias.example.test
same_as_host "wildcard" anything.wild.example.test
same_as_host "unknown type (RFC 3597)" -t TYPE65400 unknown.example.test
same_as_host "-t DS -r" -r -t DS delegated.example.test
same_as_host "referral, -r" -r host.delegated.example.test
same_as_host "NXDOMAIN" nosuch.example.test
same_as_host "-t DNSKEY, signed zone" -t DNSKEY secure.test
same_as_host "-t NSEC3PARAM" -t NSEC3PARAM nsec3.test
same_as_host "-t AAAA, no answer" -t AAAA mail.example.test
same_as_host "REFUSED" not.served.test
same_as_host "reverse IPv4" 192.0.2.1
same_as_host "reverse IPv6" 2001:db8::1
same_as_host "reverse NXDOMAIN" 192.0.2.9
same_as_host "-t ANY (over TCP)" -t ANY example.test
same_as_host "CHAOS class" -c CH -t TXT version.bind
same_as_host "TC: retried over TCP" -t TXT big.example.test
# --- the search list and ndots (a pod's resolv.conf) --------------------------
same_as_host "search list: a service name" kubernetes.default
same_as_host "search list: a short name" web.shop
same_as_host "-N 1: asked alone first" -N 1 www.example.test
same_as_host "a final dot: asked alone" www.example.test.
# --- verbose ------------------------------------------------------------------
same_as_host "-v" -v www.example.test
same_as_host "-v NXDOMAIN" -v nosuch.example.test
same_as_host "-d -t MX" -d -t MX example.test
same_as_host "-a" -a example.test
same_as_host "-A" -A secure.test
# --- servers, transport, failures ----------------------------------------------
same_as_host "server argument" www.example.test $S
same_as_host "IPv6 server" www.example.test $DNS_V6
same_as_host "-v with a server" -v -t MX example.test $S
same_as_host "-p 53 -T" -p 53 -T www.example.test $S
same_as_host "-4 -U -R 1 -W 2" -4 -U -R 1 -W 2 example.test $S
same_as_host "no server answers" -W 1 www.example.test 10.53.0.7
same_as_host "-R 0 is two tries" -W 1 -R 0 www.example.test 10.53.0.7
same_as_host "a server name that does not resolve" www.example.test nosuch.invalid
same_as_host "bad -t" -t NOSUCHTYPE www.example.test
same_as_host "bad -c" -c NOSUCHCLASS www.example.test

# --- refused options: one line, exit 1 --------------------------------------------
run "$SONDE" host -l example.test
ok_rc "$RC" 1 "-l: refused"
like "$ERR" "^sonde host: -l: not implemented in sonde's host" "-l: says why"
run "$SONDE" host -t AXFR example.test
ok_rc "$RC" 1 "-t AXFR: refused"

# --- JSON -------------------------------------------------------------------------
json_get() { printf '%s' "$OUT" | python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
lab_run dns "$SONDE" host --json www.example.test
ok_rc "$RC" 0 "--json: exit 0"
is "$(json_get '[(l["type"], len(l["answer"])) for l in d["lookups"]]')" "[('A', 3), ('AAAA', 1), ('MX', 0)]" \
	"--json: the three default lookups"
is "$(json_get 'd["lookups"][0]["answer"][0]["data"], d["lookups"][0]["server"]["address"]')" "192.0.2.1 $S" \
	"--json: records and server"
lab_run dns "$SONDE" host --json nosuch.example.test
ok_rc "$RC" 1 "--json NXDOMAIN: exit 1"
is "$(json_get 'd["lookups"][0]["rcode"], d["exit_code"]')" "NXDOMAIN 1" "--json NXDOMAIN: rcode and exit_code"
lab_run dns "$SONDE" host --json -W 1 www.example.test 10.53.0.7
ok_rc "$RC" 1 "--json no server: exit 1"
is "$(json_get 'd["lookups"][0]["replied"], d["error"]')" "False no servers could be reached" "--json no server: says so"
done_testing
