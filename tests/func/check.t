#!/bin/bash
# check: a file of sonde command lines run in the lab, each check's verdict
# compared with the same command run directly; the table, TAP (through
# prove), JUnit XML (parsed, required fields checked) and --json (against
# docs/json/check.schema.json); deadlines, --jobs, output bounds, bad files,
# SIGINT/SIGTERM and --netns.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd socat knotd prove python3 ss
TOP=$(cd "$TESTS_DIR/.." && pwd)

# --- usage --------------------------------------------------------------------
run "$SONDE" check --help
ok_rc "$RC" 0 "--help exits 0"
for opt in --tap --junit --timeout --jobs --json --netns; do
	like "$OUT" "^ *(-[a-z], )?$opt( |$)" "--help lists $opt"
done
echo 'x: ip link' >"$LAB_TMP/one.chk"
usage_case() { # NAME WANT_ERR_REGEX ARGS...
	local name=$1 want=$2
	shift 2
	run "$SONDE" check "$@"
	ok_rc "$RC" 2 "$name: exit 2"
	like "$ERR" "^sonde check: $want" "$name: message"
	is "$OUT" "" "$name: nothing on stdout"
}
run "$SONDE" check --tap --json "$LAB_TMP/one.chk"
ok_rc "$RC" 2 "--tap with --json: exit 2"
like "$ERR" "^sonde check: --tap and --json exclude each other" "--tap with --json: message"
is "$OUT" '{"error":"--tap and --json exclude each other (see --help)","exit_code":2}' \
	"--tap with --json: the failure object (the options were accepted one by one)"
usage_case "--jobs 0" "-?-jobs value is too small: 0" --jobs 0 "$LAB_TMP/one.chk"
usage_case "--timeout 0" "--timeout: a check needs at least 1ms" --timeout 0 "$LAB_TMP/one.chk"
usage_case "--timeout soon" "--timeout: not a duration" --timeout soon "$LAB_TMP/one.chk"
usage_case "no file" "missing operand" 
usage_case "missing file" "cannot open $LAB_TMP/none.chk: No such file" "$LAB_TMP/none.chk"

# --- the lab: a client namespace, a server namespace ----------------------------
lab_ns cli
lab_ns srv
lab_link cli 10.90.0.1/24 srv 10.90.0.2/24
ip -n "$(ns cli)" link add sondechk0 type veth peer name sondechk1
lab_bg srv socat TCP-LISTEN:8080,bind=10.90.0.2,fork,reuseaddr OPEN:/dev/null
KNOT=$LAB_TMP/knot
mkdir -p "$KNOT/run" "$KNOT/db"
cat >"$KNOT/check.zone" <<'EOF'
$ORIGIN check.test.
$TTL 300
@    SOA ns hostmaster 1 3600 600 86400 300
@    NS  ns
ns   A   10.90.0.2
www  A   192.0.2.10
EOF
cat >"$KNOT/knot.conf" <<EOF
server:
    listen: 10.90.0.2@53
    rundir: "$KNOT/run"
database:
    storage: "$KNOT/db"
log:
  - target: stderr
    any: warning
zone:
  - domain: check.test
    file: "$KNOT/check.zone"
EOF
lab_bg srv knotd -c "$KNOT/knot.conf"
lab_wait_listen srv 8080
lab_wait_listen srv 53 udp

# --- checks that pass and fail --------------------------------------------------
# Each line also run directly below: check must give each the verdict the
# command gives alone.
cat >"$LAB_TMP/lab.chk" <<'EOF'
# the lab's services
web: nc -z -w 2 10.90.0.2 8080
dns: dig +short +tries=1 +time=2 @10.90.0.2 'www.check.test'   # a quoted word
peer: sonde ping -c 1 -W 2 10.90.0.2

closed: nc -z -w 2 10.90.0.2 8081
nodns:	dig +tries=1 +time=1 -p 5353 @10.90.0.2 "www.check.test"
EOF
declare -A direct_rc
direct() { # NAME CMD...
	local name=$1
	shift
	lab_run cli "$SONDE" "$@"
	direct_rc[$name]=$RC
}
direct web nc -z -w 2 10.90.0.2 8080
direct dns dig +short +tries=1 +time=2 @10.90.0.2 www.check.test
DIRECT_DNS_OUT=$OUT
direct peer ping -c 1 -W 2 10.90.0.2
direct closed nc -z -w 2 10.90.0.2 8081
direct nodns dig +tries=1 +time=1 -p 5353 @10.90.0.2 www.check.test
is "${direct_rc[web]} ${direct_rc[dns]} ${direct_rc[peer]} ${direct_rc[closed]} ${direct_rc[nodns]}" "0 0 0 1 9" \
	"the lab: web, dns and peer answer; closed and nodns do not (run directly)"

lab_run cli "$SONDE" check "$LAB_TMP/lab.chk"
ok_rc "$RC" 1 "table: a failed check exits 1"
TABLE=$OUT
like "$TABLE" "^NAME +RESULT +TIME +DETAIL$" "table: header"
like "$TABLE" "^web +PASS +[0-9]+\.[0-9]{2}s$" "table: nc -z to a listener passes"
like "$TABLE" "^dns +PASS +[0-9]+\.[0-9]{2}s$" "table: dig to the lab's server passes"
like "$TABLE" "^peer +PASS +[0-9]+\.[0-9]{2}s$" "table: ping -c1 to a lab address passes (a leading 'sonde' is allowed)"
like "$TABLE" "^closed +FAIL +[0-9]+\.[0-9]{2}s +exit 1$" "table: nc -z to a closed port fails, exit 1"
like "$TABLE" "^nodns +FAIL +[0-9]+\.[0-9]{2}s +exit 9: .*no servers could be reached" \
	"table: dig to a closed DNS port fails with dig's exit 9 and its last line"
like "$TABLE" "^5 checks: 3 pass, 2 fail in [0-9.]+s$" "table: summary line"
is "$(printf '%s\n' "$TABLE" | sed -n '2,6s/ .*//p' | tr '\n' ' ')" "web dns peer closed nodns " \
	"table: checks in the file's order"

# --- JSON ------------------------------------------------------------------------
lab_run cli "$SONDE" check --json "$LAB_TMP/lab.chk"
ok_rc "$RC" 1 "--json: exit 1"
# validate_json NAME JSON: against the schema, in one python run (python
# starts slowly on a loaded machine) that also flattens the document for
# jq_check: one line "CHECK<TAB>KEY<TAB>compact JSON value" a key.
validate_json() {
	if python3 - "$TOP/docs/json/check.schema.json" "$2" >"$LAB_TMP/flat" 2>"$LAB_TMP/schema.err" <<'PY'; then
import json, sys, jsonschema
doc = json.loads(sys.argv[2])
jsonschema.validate(doc, json.load(open(sys.argv[1])))
for c in doc.get("checks", []):
    for k, v in c.items():
        print("%s\t%s\t%s" % (c["name"], k, json.dumps(v)))
for k, v in doc.get("summary", {}).items():
    print("summary\t%s\t%s" % (k, json.dumps(v)))
PY
		pass "$1"
	else
		fail "$1" "$(cat "$LAB_TMP/schema.err")" "$2"
	fi
}
jq_check() { # KEY NAME: the check's key in the last validated document
	awk -F'\t' -v n="$2" -v k="$1" '$1 == n && $2 == k { print $3 }' "$LAB_TMP/flat"
}
validate_json "--json validates against docs/json/check.schema.json" "$OUT"
for name in web dns peer closed nodns; do
	is "$(jq_check exit_status "$name")" "${direct_rc[$name]}" "--json: $name's exit_status is the command's own"
done
is "$(jq_check result web) $(jq_check result closed)" '"pass" "fail"' "--json: results"
is "$(jq_check command dns)" '["dig", "+short", "+tries=1", "+time=2", "@10.90.0.2", "www.check.test"]' \
	"--json: the command's words, quotes removed and the comment gone"
is "$(jq_check command peer)" '["ping", "-c", "1", "-W", "2", "10.90.0.2"]' "--json: a leading 'sonde' is not an argument"
is "$(jq_check stdout dns)" "\"${DIRECT_DNS_OUT//$'\n'/\\n}\\n\"" \
	"--json: dig's stdout captured as it prints it directly"
is "$(jq_check line nodns)" 7 "--json: a check's line in the file"
is "$(jq_check total summary) $(jq_check passed summary) $(jq_check failed summary)" "5 3 2" "--json: summary"

# --- TAP through prove ---------------------------------------------------------
lab_run cli "$SONDE" check --tap "$LAB_TMP/lab.chk"
ok_rc "$RC" 1 "--tap: exit 1"
printf '%s\n' "$OUT" >"$LAB_TMP/lab.tap"
like "$OUT" "^1\.\.5$" "--tap: plan"
like "$OUT" "^not ok 4 - closed$" "--tap: a failed check"
like "$OUT" "^#   line 6: nc -z -w 2 10\.90\.0\.2 8081$" "--tap: the failed command, with its line"
run prove -e cat "$LAB_TMP/lab.tap"
ok_rc "$RC" 1 "prove reads the TAP and fails on the failed checks"
like "$OUT" "Failed 2/5 subtests" "prove counts 2 failed of 5"
grep -v '^\(closed\|nodns\):' "$LAB_TMP/lab.chk" >"$LAB_TMP/pass.chk"
lab_run cli "$SONDE" check --tap "$LAB_TMP/pass.chk"
ok_rc "$RC" 0 "--tap, all passing: exit 0"
printf '%s\n' "$OUT" >"$LAB_TMP/pass.tap"
run prove -e cat "$LAB_TMP/pass.tap"
ok_rc "$RC" 0 "prove passes the all-passing TAP"
like "$OUT" "All tests successful" "prove: all tests successful"

# --- JUnit XML -------------------------------------------------------------------
validate_junit() { # NAME FILE TESTS FAILURES ERRORS
	if python3 - "$2" "$3" "$4" "$5" <<'PY' >"$LAB_TMP/junit.err" 2>&1; then pass "$1"; else
import sys
import xml.etree.ElementTree as ET
path, tests, failures, errors = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
root = ET.parse(path).getroot()
assert root.tag == "testsuites", root.tag
def need(el, *names):
    for n in names:
        assert el.get(n) is not None, "%s without %s" % (el.tag, n)
need(root, "name", "tests", "failures", "errors", "time")
suites = root.findall("testsuite")
assert len(suites) == 1, suites
suite = suites[0]
need(suite, "name", "tests", "failures", "errors", "time", "timestamp", "hostname")
for el in (root, suite):
    assert (el.get("tests"), el.get("failures"), el.get("errors")) == (tests, failures, errors), el.attrib
    float(el.get("time"))
cases = suite.findall("testcase")
assert len(cases) == int(tests), len(cases)
for case in cases:
    need(case, "name", "classname", "time")
    float(case.get("time"))
    for f in case.findall("failure") + case.findall("error"):
        need(f, "message")
        assert f.get("message"), case.get("name")
assert sum(len(c.findall("failure")) for c in cases) == int(failures)
assert sum(len(c.findall("error")) for c in cases) == int(errors)
PY
		fail "$1" "$(cat "$LAB_TMP/junit.err")"; fi
}
lab_run cli "$SONDE" check --junit "$LAB_TMP/lab.xml" "$LAB_TMP/lab.chk"
ok_rc "$RC" 1 "--junit: exit 1"
like "$OUT" "^closed +FAIL" "--junit: the table still on stdout"
validate_junit "--junit: the XML parses and has the JUnit schema's required fields" "$LAB_TMP/lab.xml" 5 2 0
like "$(cat "$LAB_TMP/lab.xml")" '<failure message="exit 9: .*no servers could be reached.*" type="exit">line 7: dig' \
	"--junit: a failure's message and command"
lab_run cli "$SONDE" check --json --junit "$LAB_TMP/lab2.xml" "$LAB_TMP/lab.chk"
validate_json "--json with --junit: JSON on stdout" "$OUT"
validate_junit "--json with --junit: the XML file too" "$LAB_TMP/lab2.xml" 5 2 0
run "$SONDE" check --junit /nonexistent/dir/x.xml "$LAB_TMP/one.chk"
ok_rc "$RC" 2 "--junit to a path that cannot be written: exit 2"
like "$ERR" "^sonde check: --junit: cannot write /nonexistent/dir/x.xml: No such file" "--junit: said before running"
is "$OUT" "" "--junit: nothing run"

# --- with wait: the readiness checks of a CI job --------------------------------
printf 'up: wait --timeout 5s tcp://10.90.0.2:8080\ndown: wait --timeout 1s tcp://10.90.0.2:8081\n' >"$LAB_TMP/wait.chk"
lab_run cli "$SONDE" check "$LAB_TMP/wait.chk"
ok_rc "$RC" 1 "wait checks: one not ready fails the run"
like "$OUT" "^up +PASS" "wait checks: a listening port is ready"
like "$OUT" "^down +FAIL +[0-9.]+s +exit 4: sonde wait: timed out after 1" "wait checks: wait's timeout (exit 4) and its last line"
lab_run cli "$SONDE" check --tap "$LAB_TMP/wait.chk"
like "$OUT" "^#     .*10\.90\.0\.2:8081.*refused" "wait checks, --tap: wait's reason among the last lines of stderr"

# --- deadlines, --jobs -----------------------------------------------------------
printf 'hang: nc -l 10.90.0.1 9000\nweb: nc -z -w 2 10.90.0.2 8080\n' >"$LAB_TMP/hang.chk"
start=$(date +%s%N)
lab_run cli "$SONDE" check --timeout 1s "$LAB_TMP/hang.chk"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
ok_rc "$RC" 1 "--timeout: a hanging check fails the run"
like "$OUT" "^hang +TIMEOUT +[0-9.]+s +timed out after 1s$" "--timeout: reported as timed out after 1s"
like "$OUT" "^web +PASS" "--timeout: the other check still passes"
if [ "$elapsed_ms" -lt 6000 ]; then pass "--timeout 1s: the run ends in ${elapsed_ms} ms"; else
	fail "--timeout 1s: the run ends in ${elapsed_ms} ms (want < 6000)"; fi
run ip netns exec "$(ns cli)" ss -ltnH "sport = :9000"
is "$OUT" "" "--timeout: the hanging listener was killed"
lab_run cli "$SONDE" check --json --timeout 500ms "$LAB_TMP/hang.chk"
validate_json "--json with a timeout validates" "$OUT"
is "$(jq_check result hang) $(jq_check signal hang) $(jq_check exit_status hang)" '"timeout" "SIGTERM" null' \
	"--json: a timed-out check: result, the signal that ended it, no exit status"
is "$(jq_check reason hang)" '"timed out after 500ms"' "--json: the reason names the deadline"

printf 'h1: nc -l 10.90.0.1 9001\nh2: nc -l 10.90.0.1 9002\nh3: nc -l 10.90.0.1 9003\nh4: nc -l 10.90.0.1 9004\n' \
	>"$LAB_TMP/four.chk"
start=$(date +%s%N)
lab_run cli "$SONDE" check --jobs 4 --timeout 1s "$LAB_TMP/four.chk"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
like "$OUT" "^4 checks: 4 timeout" "--jobs 4: four checks time out"
if [ "$elapsed_ms" -lt 3500 ]; then pass "--jobs 4: four 1s deadlines side by side in ${elapsed_ms} ms"; else
	fail "--jobs 4: four 1s deadlines side by side in ${elapsed_ms} ms (want < 3500)"; fi
start=$(date +%s%N)
lab_run cli "$SONDE" check -j 1 --timeout 1s "$LAB_TMP/four.chk"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
if [ "$elapsed_ms" -ge 3900 ]; then pass "-j 1: four 1s deadlines one after another in ${elapsed_ms} ms"; else
	fail "-j 1: four 1s deadlines one after another in ${elapsed_ms} ms (want >= 3900)"; fi

# --- a check killed by a signal ----------------------------------------------------
printf 'victim: nc -l 10.90.0.1 9400\n' >"$LAB_TMP/victim.chk"
ip netns exec "$(ns cli)" timeout 30 "$SONDE" check --json --timeout 20s "$LAB_TMP/victim.chk" \
	>"$LAB_TMP/victim.json" 2>/dev/null &
victim_check=$!
lab_wait_listen cli 9400
victim=$(ip netns exec "$(ns cli)" ss -ltnpH "sport = :9400" | grep -o 'pid=[0-9]*' | head -1)
kill -KILL "${victim#pid=}"
wait "$victim_check"
ok_rc "$?" 1 "a check killed by a signal fails the run"
validate_json "a killed check: --json validates" "$(cat "$LAB_TMP/victim.json")"
is "$(jq_check result victim) $(jq_check signal victim) $(jq_check exit_status victim) $(jq_check reason victim)" \
	'"fail" "SIGKILL" null "killed by SIGKILL"' "a killed check: fail, the signal named, no exit status"

# --- output: the last 64 KiB kept -----------------------------------------------
printf 'recv: nc -l 10.90.0.1 9100\n' >"$LAB_TMP/recv.chk"
seq -f 'line %06g' 1 20000 >"$LAB_TMP/big.txt"   # 240000 bytes
ip netns exec "$(ns cli)" timeout 30 "$SONDE" check --json --timeout 20s "$LAB_TMP/recv.chk" \
	>"$LAB_TMP/recv.json" 2>"$LAB_TMP/recv.err" &
recv_pid=$!
lab_wait_listen cli 9100
lab_exec srv socat -u "OPEN:$LAB_TMP/big.txt" TCP:10.90.0.1:9100
wait "$recv_pid"
ok_rc "$?" 0 "a check printing 240000 bytes passes"
validate_json "--json with a long output validates" "$(cat "$LAB_TMP/recv.json")"
stdout=$(jq_check stdout recv)
like "$stdout" '^"line [0-9]{6}\\n' "output: kept from a line's start"
like "$stdout" '\\nline 020000\\n"$' "output: kept to the end"
kept=$(($(printf '%s' "$stdout" | sed 's/\\n/\n/g' | wc -c) - 2))
if [ "$kept" -le 65536 ] && [ "$kept" -gt 65000 ]; then pass "output: the last 64 KiB kept ($kept bytes)"; else
	fail "output: the last 64 KiB kept ($kept bytes)"; fi
is "$(($(jq_check stdout_dropped_bytes recv) + kept))" 240000 "output: the bytes not kept are counted"

# --- bad files: every bad line with its number, nothing run -----------------------
cat >"$LAB_TMP/bad.chk" <<'EOF'
slow: nc -l 10.90.0.1 9200
pipe: nc -z 10.90.0.2 8080 | cat
bad name: ip link

nocolon ip link
ghost: nosuch x
var: dig $HOST
quote: dig "www.check.test
slow: ip link
sub: dig "`hostname`"
rec: check other.chk
sonly: sonde
opt: nc -z -w two 10.90.0.2 8080
noop: ping -c 1
EOF
start=$(date +%s%N)
lab_run cli "$SONDE" check --timeout 3s "$LAB_TMP/bad.chk"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
ok_rc "$RC" 2 "bad file: exit 2"
is "$OUT" "" "bad file: no report"
if [ "$elapsed_ms" -lt 2500 ]; then pass "bad file: nothing ran (${elapsed_ms} ms, line 1 would take 3 s)"; else
	fail "bad file: nothing ran (${elapsed_ms} ms, line 1 would take 3 s)"; fi
B="sonde check: $LAB_TMP/bad.chk"
contains_block "$ERR" "$B:2: unquoted '|': pipes are not supported (quote it)
$B:3: check name 'bad name' is not 1 to 64 letters, digits, '_', '-' or '.'
$B:5: not 'NAME: APPLET ARGS...' (no ':' after a name)
$B:6: 'nosuch' is not a sonde applet (see sonde --list)
$B:7: unquoted '\$': variables and substitutions are not supported (quote it)
$B:8: unterminated double quote
$B:9: check name 'slow' is used twice (first on line 1)
$B:10: '\$' or '\`' inside double quotes: expansions are not supported (use single quotes, or a backslash before it)
$B:11: a check cannot run 'check' (one check file at a time)
$B:12: no applet after 'sonde'
$B:13: nc: -w: not a number: 'two'
$B:14: ping: missing operand
sonde check: 12 bad lines in $LAB_TMP/bad.chk: no check was run" "bad file: each bad line reported with its number"
lab_run cli "$SONDE" check --json "$LAB_TMP/bad.chk"
is "$OUT" '{"error":"12 bad lines in '"$LAB_TMP"'/bad.chk: no check was run","exit_code":2}' \
	"bad file with --json: the failure object"
validate_json "bad file with --json: validates" "$OUT"
run bash -c "printf '# only a comment\n\n' | '$SONDE' check -"
ok_rc "$RC" 2 "a file without checks: exit 2"
like "$ERR" "^sonde check: no checks in stdin" "a file without checks: said"
cat >"$LAB_TMP/quotes.chk" <<'EOF'
a: ip link show dev lo
b: ip "link" show 'dev' l\o
c: ip link show dev "sondechk\0"
EOF
run bash -c "ip netns exec '$(ns cli)' '$SONDE' check --json - <'$LAB_TMP/quotes.chk'"
ok_rc "$RC" 1 "FILE - reads stdin"
validate_json "FILE -: --json validates" "$OUT"
is "$(jq_check result a) $(jq_check result b)" '"pass" "pass"' "quotes: the words make a command that works"
is "$(jq_check command b) $(jq_check command c)" '["ip", "link", "show", "dev", "lo"] ["ip", "link", "show", "dev", "sondechk\\0"]' \
	"quotes: removed; a backslash escapes outside quotes, stays before other characters inside double quotes"

# --- SIGINT, SIGTERM: running checks stopped, the others reported ----------------
printf 'web: nc -z -w 2 10.90.0.2 8080\nh1: nc -l 10.90.0.1 9301\nh2: nc -l 10.90.0.1 9302\n' >"$LAB_TMP/int.chk"
interrupt_case() { # SIGNAL WANT_RC ARGS...
	local sig=$1 want=$2 pid rc
	shift 2
	# A script's background job ignores SIGINT unless told otherwise.
	ip netns exec "$(ns cli)" env --default-signal=INT,TERM timeout 30 "$SONDE" check -j 1 "$@" "$LAB_TMP/int.chk" \
		>"$LAB_TMP/int.out" 2>"$LAB_TMP/int.err" &
	pid=$!
	lab_wait_listen cli 9301
	# timeout(1) passes the signal on to check.
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	OUT=$(cat "$LAB_TMP/int.out") ERR=$(cat "$LAB_TMP/int.err")
	ok_rc "$rc" "$want" "SIG$sig: exit $want"
	like "$ERR" "^sonde check: interrupted by SIG$sig: 1 check stopped, 1 not run; the report covers the others$" \
		"SIG$sig: said on stderr"
	run ip netns exec "$(ns cli)" ss -ltnH "sport = :9301"
	is "$OUT" "" "SIG$sig: the running check was killed"
	OUT=$(cat "$LAB_TMP/int.out")
}
interrupt_case INT 130
like "$OUT" "^web +PASS" "SIGINT: a finished check is reported"
like "$OUT" "^h1 +INTERRUPTED +[0-9.]+s +interrupted before it ended$" "SIGINT: the running check is reported interrupted"
like "$OUT" "^h2 +NOT-RUN +- +not run: interrupted before it started$" "SIGINT: the check not started is reported"
interrupt_case TERM 143 --json
validate_json "SIGTERM with --json: validates" "$OUT"
like "$OUT" '"exit_code":143}$' "SIGTERM with --json: the document carries the failure"
interrupt_case INT 130 --tap
like "$OUT" "^Bail out! interrupted by SIGINT$" "SIGINT with --tap: Bail out!"
printf '%s\n' "$OUT" >"$LAB_TMP/int.tap"
run prove -e cat "$LAB_TMP/int.tap"
if [ "$RC" != 0 ]; then pass "SIGINT with --tap: prove fails the run"; else fail "SIGINT with --tap: prove fails the run" "$OUT"; fi

# --- --netns: the checks run in that namespace ------------------------------------
printf 'link: ip link show dev sondechk0\n' >"$LAB_TMP/netns.chk"
run "$SONDE" check --netns "$(ns cli)" "$LAB_TMP/netns.chk"
ok_rc "$RC" 0 "--netns: a check sees the namespace's interface"
like "$OUT" "^link +PASS" "--netns: reported as passed"
run ip netns exec "$(ns srv)" "$SONDE" check "$LAB_TMP/netns.chk"
ok_rc "$RC" 1 "without --netns, in another namespace: the interface is not there"

done_testing
