#!/bin/bash
# sonde dig +trace in a closed lab: a knotd root server delegates to the
# knotd that serves example.test; --root-hints names the root.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip knotd dig python3
source "$TESTS_DIR/func/lab/dig_lab.bash"

printf '%s\n' '; the lab root' '.  3600 IN NS a.root.test.' "a.root.test. 3600 IN A $ROOT_V4" >"$LAB_TMP/hints"

lab_run dns "$SONDE" dig +trace --root-hints "$LAB_TMP/hints" www.example.test
ok_rc "$RC" 0 "+trace: exit 0"
like "$OUT" "^;; Root hints from $LAB_TMP/hints: 1 server, 1 address" "+trace: the hints"
like "$OUT" "^test\.			300	IN	NS	ns1\.example\.test\.$" "+trace: the root's referral"
like "$OUT" "^;; Received [0-9]+ bytes from $ROOT_V4#53\(a\.root\.test\) in [0-9]+ ms$" "+trace: from the root"
like "$OUT" "^www\.example\.test\.	300	IN	A	192\.0\.2\.1$" "+trace: the answer"
like "$OUT" "^;; Received [0-9]+ bytes from $DNS_V4#53\(ns1\.example\.test\) in [0-9]+ ms$" "+trace: from the zone's server"
# The answer step prints the records bind9's dig prints for the same query.
is "$(printf '%s\n' "$OUT" | grep -E '^www\.example\.test\.')" \
	"$(lab_exec dns dig @$DNS_V4 +norec +noall +answer www.example.test)" "+trace: final records as dig shows them"

# Without hints the root comes from the server asked (dig's own way).
lab_run dns "$SONDE" dig +trace @$ROOT_V4 www.example.test
ok_rc "$RC" 0 "+trace @root: exit 0"
like "$OUT" "^;; Received [0-9]+ bytes from $ROOT_V4#53\($ROOT_V4\) in" "+trace @root: the root NS from the server"
like "$OUT" "^www\.example\.test\.	300	IN	A	192\.0\.2\.3$" "+trace @root: the answer"

lab_run dns "$SONDE" dig +trace --root-hints "$LAB_TMP/hints" nosuch.example.test
ok_rc "$RC" 0 "+trace to NXDOMAIN: a reply, exit 0"
like "$OUT" "^example\.test\.		300	IN	SOA	" "+trace NXDOMAIN: the SOA of the denial"

lab_run dns "$SONDE" dig --json +trace --root-hints "$LAB_TMP/hints" www.example.test
is "$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin)["lookups"]; print([(s["server"]["name"], s["message"]["counts"]["answer"]) for s in d])')" \
	"[('a.root.test', 0), ('ns1.example.test', 3)]" "+trace --json: one object per step"

# The whole output as bind9's dig prints it (times masked): +trace turns
# +dnssec on (the signed answer's RRSIG), "; (1 server found)" for @server,
# +short's "TYPE DATA from server ADDR in N ms." lines.
trace_mask() { dig_mask | sed -E 's/ in [0-9]+ ms/ in N ms/'; }
same_trace() {
	local theirs mine
	theirs=$(lab_exec dns dig "$@" 2>&1; echo "rc=$?")
	mine=$(lab_exec dns "$SONDE" dig "$@" 2>&1; echo "rc=$?")
	is "$(printf '%s\n' "$mine" | trace_mask)" "$(printf '%s\n' "$theirs" | trace_mask)" "+trace same as bind9 dig ($*)"
}
same_trace -4 +trace @$ROOT_V4 www.example.test
same_trace -4 +trace @$ROOT_V4 www.secure.test
same_trace -4 +trace +nodnssec @$ROOT_V4 www.secure.test
same_trace -4 +trace +short @$ROOT_V4 www.secure.test
same_trace -4 +trace +short @$ROOT_V4 www.example.test
# +multiline in a trace: the signed answer's RRSIG over lines (bind's
# +trace keeps the record comments of +multiline).
same_trace -4 +trace +multiline @$ROOT_V4 www.secure.test
same_trace -4 +trace +multiline +short @$ROOT_V4 www.secure.test
same_trace -4 +trace @$ROOT_V4 nosuch.example.test
# The resolver (resolv.conf) has no root NS: dig prints its reply, exit 0.
same_trace -4 +trace www.example.test

# A referral to nameservers whose names do not resolve: dig says so on
# stdout among the step's lines; when none resolves it gives up with its
# message on stderr and exit 1 (streams compared apart).
same_trace_streams() {
	local theirs_out theirs_err theirs_rc
	theirs_out=$(lab_exec dns dig "$@" 2>"$LAB_TMP/theirs_err")
	theirs_rc=$?
	theirs_err=$(cat "$LAB_TMP/theirs_err")
	lab_run dns "$SONDE" dig "$@"
	ok_rc "$RC" "$theirs_rc" "+trace $*: exit $theirs_rc as dig"
	is "$(printf '%s\n' "$OUT" | trace_mask)" "$(printf '%s\n' "$theirs_out" | trace_mask)" "+trace $*: dig's stdout"
	is "${ERR//sonde dig: /dig: }" "$theirs_err" "+trace $*: dig's stderr"
}
same_trace_streams -4 +trace @$ROOT_V4 www.lame
same_trace_streams -4 +trace @$ROOT_V4 www.halflame
# The @server's own name failing: bind's words (REFUSED is "failure").
same_trace_streams @nosuch.invalid www.example.test
same_trace_streams @ns.nowhere.example.test www.example.test

printf '; nothing\n' >"$LAB_TMP/empty-hints"
run "$SONDE" dig +trace --root-hints "$LAB_TMP/empty-hints" www.example.test
ok_rc "$RC" 1 "+trace with hints without addresses: usage, exit 1"
like "$ERR" "^sonde dig: --root-hints .*: no root server addresses" "+trace bad hints: one line"
done_testing
