#!/bin/bash
# The JSON failure contract (docs/json.md): with --json, every applet that
# fails after its options were accepted prints one JSON document with
# "error" (the diagnostic's text, as on stderr without "sonde APPLET: ") and
# "exit_code" (the process's exit status); a streaming applet ends its NDJSON
# with {"type":"error",...}.  One failing case per applet (unreachable lab
# address, missing privilege, refused netlink, missing interface...), and
# every applet of `sonde --list` with a --netns that does not exist.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd setpriv python3

lab_ns a
lab_ns b
lab_link a 10.97.0.1/24 b 10.97.0.2/24
A=$(ns a)
lab_exec a sysctl -qw net.ipv4.ping_group_range="1 0"

# check_failure NAME WANT_RC doc|stream: the last run's stdout against the contract.
check_failure() {
	local name=$1 want_rc=$2 kind=$3 verdict said
	ok_rc "$RC" "$want_rc" "$name: exit $want_rc"
	verdict=$(printf '%s' "$OUT" | python3 -c '
import json, sys
kind, rc = sys.argv[1], int(sys.argv[2])
lines = sys.stdin.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
try:
    if kind == "doc":
        docs = [json.loads("\n".join(lines))]
    else:
        docs = [json.loads(l) for l in lines]
except ValueError as e:
    sys.exit("BAD: not %s JSON: %s" % ("one document of" if kind == "doc" else "NDJSON,", e))
last = docs[-1] if docs else None
if not isinstance(last, dict):
    sys.exit("BAD: no JSON object on stdout")
if kind == "stream" and last.get("type") != "error":
    sys.exit("BAD: the stream does not end with a record of type error")
if not isinstance(last.get("error"), str) or not last["error"]:
    sys.exit("BAD: no \"error\" text")
if last.get("exit_code") != rc:
    sys.exit("BAD: \"exit_code\" is %r, not %d" % (last.get("exit_code"), rc))
print(last["error"])
' "$kind" "$RC" 2>&1)
	case $verdict in
	BAD:*) fail "$name: stdout holds the error object" "$verdict" "stdout: $OUT" ;;
	*) pass "$name: stdout holds the error object" ;;
	esac
	# The text is the diagnostic's (dig says no reply in its own words).
	said=$(printf '%s\n' "$ERR" | sed -n 's/^sonde [a-z0-9_-]*: //p' | tail -1)
	if [ -n "$said" ]; then
		is "$verdict" "$said" "$name: \"error\" is the message on stderr"
	fi
}

# as_root / nobody / no_netlink ARGS...: sonde in namespace a, as root; as
# uid 65534 without capabilities; as root with rtnetlink and sock_diag refused
# (the last two run the binary itself: make check's JSON recorder, which
# $SONDE may be, writes where uid 65534 may not).
as_root() { lab_run a "$SONDE" "$@"; }
nobody() {
	lab_run a setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all "$SONDE_BIN" "$@"
}
no_netlink() { lab_run a python3 "$TESTS_DIR/func/lab/deny_netlink.py" 0,4 "$SONDE_BIN" "$@"; }

# applet | how it runs | its arguments | exit status | doc or stream
# (doctor fails only in the --netns case below: a failed check is an answer)
CASES='arp|as_root|--json -i nosuch0|2|doc
brctl|as_root|--json show nosuchbr|1|doc
check|as_root|--json /nonexistent.checks|2|doc
conntrack|nobody|--json -L|3|doc
conntrack|nobody|--json -E|3|stream
curl|as_root|--json http://10.97.0.2:9/|2|doc
dig|as_root|--json @10.97.0.2 +time=1 +tries=1 example.com|9|doc
dig|as_root|--json @10.97.0.2 +bufsize=70000 example.com|10|doc
doctor|as_root|--json|-|doc
http|as_root|--json http://10.97.0.2:9/|7|doc
host|as_root|--json -W 1 www.example.com 10.97.0.2|1|doc
ifconfig|as_root|--json nosuch0|1|doc
ip|as_root|--json link show dev nosuch0|1|doc
ip|as_root|-j route get 10.200.0.1|1|doc
iperf3|as_root|--json -c 10.97.0.2 -p 9 -t 1|1|doc
ip6tables|nobody|--json -L|3|doc
ip6tables-save|nobody|--json|3|doc
ipset|nobody|--json list|3|doc
iptables|nobody|--json -L|3|doc
iptables-save|nobody|--json|3|doc
ipvsadm|nobody|--json -Ln|3|doc
mtr|nobody|--json -n -c 1 10.97.0.2|3|doc
mtr|nobody|-j -n -c 1 10.97.0.2|3|doc
mtr|as_root|--json -n nosuch.invalid|1|doc
nc|as_root|--json -z nosuch.invalid 80|1|doc
netstat|no_netlink|--json -t|3|doc
nft|nobody|--json list ruleset|3|doc
nft|nobody|-j list ruleset|3|doc
nmap|nobody|--json -sS -p 80 10.97.0.2|3|doc
nslookup|as_root|--json -timeout=1 -retry=1 www.example.com 10.97.0.2|1|doc
openssl|as_root|--json x509 -in /nonexistent|1|doc
path|nobody|--json 10.97.0.1 10.97.0.2|3|doc
ping|as_root|--json -c 1 10.200.0.1|2|stream
ping|nobody|--json -c 1 10.97.0.2|2|stream
ping6|as_root|--json -c 1 fd97::2|2|stream
route|no_netlink|--json -n|3|doc
scan|nobody|--json -n -sS -p 80 10.97.0.2|3|doc
serve|as_root|--json --listen 10.97.0.1:9115 --checks /nonexistent.checks|2|stream
ss|no_netlink|--json -t|3|doc
svc|nobody|--json 10.96.0.1:80|3|doc
tcpdump|as_root|--json -r /nonexistent.pcap|1|stream
telnet|as_root|--json 10.97.0.2 9|1|doc
tls|as_root|--json 10.97.0.2:443|5|doc
tls|as_root|--json --scan 10.97.0.2:443|5|doc
traceroute|nobody|--json -n -I 10.97.0.2|3|stream
traceroute|as_root|--json -n -s 10.99.9.9 10.97.0.2|1|stream
wait|as_root|--json --timeout 1s tcp://10.97.0.2:9|4|stream'

no_netlink true
seccomp_ok=$([ "$RC" = 77 ] && echo no || echo yes)
while IFS='|' read -r applet how args want kind; do
	[ "$want" = - ] && continue
	if [ "$how" = no_netlink ] && [ "$seccomp_ok" = no ]; then
		skip "$applet $args" "deny_netlink.py knows x86_64 only"
		continue
	fi
	# shellcheck disable=SC2086 # the arguments are words
	$how "$applet" $args
	check_failure "$applet $args" "$want" "$kind"
done <<<"$CASES"

# Every applet, the ones to come included: a --netns that does not exist is
# a failure after the options were accepted (exit 2; dig, iperf3, mtr, openssl and telnet keep
# their tools' 1).
for applet in $("$SONDE" --list | awk '{ print $1 }'); do
	args=$(printf '%s\n' "$CASES" | awk -F'|' -v a="$applet" '$1 == a { print $3; exit }')
	if [ -z "$args" ]; then
		fail "$applet has a failing case in json_errors.t" "add one to CASES"
		continue
	fi
	kind=$(printf '%s\n' "$CASES" | awk -F'|' -v a="$applet" '$1 == a { print $5; exit }')
	want=2
	case $applet in dig | host | iperf3 | mtr | nslookup | openssl | telnet) want=1 ;; esac # their tools' usage code
	# shellcheck disable=SC2086
	as_root "$applet" --netns "sonde-json-errors-nosuch" $args
	check_failure "$applet --netns (none such)" "$want" "$kind"
	like "$OUT" "no such network namespace" "$applet --netns (none such): the error says why"
done

# A negative answer is not a failure: ping's 100% loss ends with its summary.
as_root ping --json -c 1 -W 1 10.97.0.3
ok_rc "$RC" 1 "ping to a silent address: exit 1 (no reply)"
like "$(printf '%s\n' "$OUT" | tail -1)" '^\{"type":"summary",.*"loss_pct":100' "ping's last record is the summary, no error record"

done_testing
