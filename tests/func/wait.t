#!/bin/bash
# sonde wait in a lab: namespace cli (10.81.0.1) waits on services in srv
# (10.81.0.2): ports ready, refused, filtered (DROP) and opened late; HTTP
# that answers 503 before 200; a DNS name that appears later (compared with
# the libc's getent); TLS valid, expired and expiring; UDP; and a banner
# server on the database ports, which must not pass for PostgreSQL, MySQL
# or Redis.  The real database servers are in wait_db.t.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd socat python3 openssl iptables ss getent jq
. "$TESTS_DIR/func/lab/tls_pki.sh"

S=10.81.0.2
tls_lab 10.81.0
FIX=$TESTS_DIR/func/lab
wait_cli() { lab_run cli "$SONDE" wait "$@"; }
# listener PORT [CMD]: a TCP server in srv that answers with CMD's output.
listener() {
	lab_bg srv socat "TCP-LISTEN:$1,bind=$S,reuseaddr,fork" "SYSTEM:${2:-true}"
	lab_wait_listen srv "$1"
}

# --- TCP: ready, refused, filtered, late ---------------------------------------------
listener 8001
wait_cli --timeout 5s "tcp://$S:8001"
ok_rc "$RC" 0 "tcp: a listening port is ready"
is "$OUT" "" "tcp: nothing on stdout (the command's)"
lab_exec cli nc -z -w 1 "$S" 8001
ok_rc "$?" 0 "tcp: nc -z agrees: open"
lab_exec cli nc -z -w 1 "$S" 8002
ok_rc "$?" 1 "tcp: nc -z agrees: 8002 is not"

wait_cli --timeout 1s "tcp://$S:8002"
ok_rc "$RC" 4 "tcp: a refused port times out with exit 4"
like "$ERR" "^sonde wait: tcp://10\.81\.0\.2:8002: connection refused \([0-9]+ attempts\)$" \
	"tcp: the timeout says the port refused, with the attempt count"
like "$ERR" "^sonde wait: timed out after 1\.[0-9]s: 0 of 1 target ready$" "tcp: then the timeout line"
# 1 s of attempts with pauses from 50 ms doubling up to 1 s: about 5, not one a second.
n=$(printf '%s\n' "$ERR" | sed -n 's/.*connection refused (\([0-9]*\) attempts).*/\1/p')
[ "${n:-0}" -ge 3 ] && [ "${n:-0}" -le 12 ] && pass "tcp: backoff from 50 ms: $n attempts in 1 s" ||
	fail "tcp: backoff from 50 ms: $n attempts in 1 s (want 3-12)"

ip netns exec "$(ns srv)" iptables -A INPUT -p tcp --dport 8003 -j DROP
wait_cli --timeout 1500ms "tcp://$S:8003"
ok_rc "$RC" 4 "tcp: a filtered port times out"
like "$ERR" "tcp://10\.81\.0\.2:8003: no answer \(filtered\) \(1 attempt\)" "tcp: filtered says no answer (filtered)"

lab_bg srv sh -c "sleep 1; exec socat TCP-LISTEN:8004,bind=$S,reuseaddr,fork SYSTEM:true"
start=$(date +%s%N)
wait_cli --json --timeout 10s "tcp://$S:8004"
ms=$((($(date +%s%N) - start) / 1000000))
ok_rc "$RC" 0 "tcp: a port that opens after 1 s becomes ready"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.type=="attempt") | .reason' | sort -u | tr '\n' ,)" \
	"connection refused,port open," "tcp --json: refused attempts, then open"
is "$(printf '%s\n' "$OUT" | tail -1 | jq -c '{type,ready,mode,targets:[.targets[]|{ready,reason}]}')" \
	'{"type":"summary","ready":true,"mode":"all","targets":[{"ready":true,"reason":"port open"}]}' \
	"tcp --json: the summary last"
[ "$ms" -lt 4000 ] && pass "tcp: ready ${ms} ms after the start (the port opened at 1 s)" ||
	fail "tcp: ready ${ms} ms after the start (want under 4 s)"

# --- the command, --any, parallel targets ------------------------------------------------
wait_cli "tcp://$S:8001" -- sh -c 'echo ran "$0"; exit 3' arg0
ok_rc "$RC" 3 "command: its exit status is wait's"
is "$OUT" "ran arg0" "command: runs with its arguments once ready"
wait_cli --timeout 300ms "tcp://$S:8002" -- echo ran
ok_rc "$RC" 4 "command: not run on timeout"
is "$OUT" "" "command: nothing printed on timeout"
wait_cli "tcp://$S:8001" -- /nonexistent/cmd
ok_rc "$RC" 127 "command: not found is 127"
like "$ERR" "cannot run /nonexistent/cmd: No such file or directory" "command: not found said"

wait_cli --any --timeout 5s "tcp://$S:8002" "tcp://$S:8001"
ok_rc "$RC" 0 "--any: one ready target is enough"
wait_cli --timeout 600ms "tcp://$S:8002" "tcp://$S:8001" "tcp://$S:8003"
ok_rc "$RC" 4 "all: one refused target holds the wait"
like "$ERR" "8002: connection refused" "all: the refused target is listed"
like "$ERR" "8003: no answer \(filtered\)" "all: the filtered target is listed"
unlike "$ERR" "8001:" "all: the ready target is not listed"
like "$ERR" "1 of 3 targets ready" "all: the count of ready targets"
# Targets are polled together: two filtered ones take one timeout, not two.
start=$(date +%s%N)
wait_cli --timeout 1s "tcp://$S:8003" "tcp://$S:8003/x" "dns://nothere.lab.test"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 1900 ] && pass "parallel: three slow targets end together (${ms} ms)" ||
	fail "parallel: three slow targets end together (${ms} ms, want under 1.9 s)"

# --- usage ---------------------------------------------------------------------------------
for bad in "tcp://$S" "ftp://$S:21" "tcp://$S:99999" "dns:///A" "dns://x/NOPE" "$S:80"; do
	wait_cli --timeout 1s "$bad"
	ok_rc "$RC" 2 "usage: $bad refused"
done
like "$ERR" "^sonde wait: 10\.81\.0\.2:80: not a target" "usage: says which target"
wait_cli $(for i in $(seq 1 65); do echo "tcp://$S:$i"; done)
ok_rc "$RC" 2 "usage: 65 targets are too many"
like "$ERR" "65 targets: at most 64" "usage: says the limit"
wait_cli --timeout 5x "tcp://$S:8001"
ok_rc "$RC" 2 "usage: a bad duration"
wait_cli --status 200 "tcp://$S:8001"
ok_rc "$RC" 2 "usage: --status without an http target"
wait_cli --min-days 3 "tcp://$S:8001"
ok_rc "$RC" 2 "usage: --min-days without a tls target"
wait_cli --status 600 "http://$S:8080/"
ok_rc "$RC" 2 "usage: --status out of range"

# --- HTTP ------------------------------------------------------------------------------------
lab_bg srv python3 "$FIX/wait_http.py" "$S" 8080 3
lab_bg srv python3 "$FIX/wait_http.py" "$S" 8081 1000000
lab_wait_listen srv 8080
lab_wait_listen srv 8081
wait_cli --json --timeout 10s "http://$S:8080/health"
ok_rc "$RC" 0 "http: 503 three times, then 200: ready"
is "$(printf '%s\n' "$OUT" | jq -r 'select(.type=="attempt") | "\(.ready) \(.reason)"' | tr '\n' ,)" \
	"false HTTP 503,false HTTP 503,false HTTP 503,true HTTP 200," "http --json: each attempt's status"
wait_cli --timeout 600ms "http://$S:8081/"
ok_rc "$RC" 4 "http: always 503 times out"
like "$ERR" "http://10\.81\.0\.2:8081/: HTTP 503 \([0-9]+ attempts\)" "http: the timeout says HTTP 503"
wait_cli --timeout 2s --status 500-503 "http://$S:8081/"
ok_rc "$RC" 0 "http --status 500-503: 503 counts"
wait_cli --timeout 2s --body '^status: ok' "http://$S:8080/"
ok_rc "$RC" 0 "http --body: matching body"
wait_cli --timeout 600ms --body 'degraded' "http://$S:8080/"
ok_rc "$RC" 4 "http --body: other body times out"
like "$ERR" "HTTP 200, but the body does not match --body" "http --body: says so"
wait_cli --timeout 600ms "redis://$S:8080"
like "$ERR" "redis://10\.81\.0\.2:8080: answers but is not Redis" "redis: an HTTP server is not Redis"

# --- DNS: a name that appears later, through the search list ------------------------------------
: >"$LAB_TMP/names"
lab_bg srv python3 "$FIX/wait_dns.py" "$S" "$LAB_TMP/names"
lab_wait_listen srv 53 udp
lab_resolv_conf cli "nameserver $S
search lab.test
options timeout:1 attempts:1"
wait_cli --timeout 1s dns://db
ok_rc "$RC" 4 "dns: a missing name times out"
like "$ERR" "dns://db: NXDOMAIN" "dns: the timeout says NXDOMAIN"
lab_exec cli getent hosts db >/dev/null
ok_rc "$?" 2 "dns: getent agrees: no such name"
lab_bg srv sh -c "sleep 1; echo 'db.lab.test 10.81.0.9' >'$LAB_TMP/names'"
wait_cli --json --timeout 10s dns://db
ok_rc "$RC" 0 "dns: the name, through the search list, once it appears"
like "$(printf '%s\n' "$OUT" | jq -r 'select(.type=="attempt") | .reason' | sort -u | tr '\n' ,)" \
	"^NXDOMAIN,resolves \(1 address\),$" "dns --json: NXDOMAIN, then resolves"
is "$(lab_exec cli getent hosts db)" "10.81.0.9       db.lab.test" "dns: getent finds it the same way"
wait_cli --timeout 600ms dns://db.lab.test/TXT
ok_rc "$RC" 4 "dns: a name without the type times out"
like "$ERR" "dns://db.lab.test/TXT: no such record \(NODATA\)" "dns: says NODATA"
wait_cli --timeout 2s dns://db.lab.test/A
ok_rc "$RC" 0 "dns: NAME/A"
echo 'broken.lab.test SERVFAIL' >>"$LAB_TMP/names"
wait_cli --timeout 600ms dns://broken.lab.test
like "$ERR" "dns://broken\.lab\.test: nameserver answered SERVFAIL" "dns: SERVFAIL said as such (not 'no nameserver listens')"
wait_cli --timeout 600ms "tcp://db:8001"
ok_rc "$RC" 4 "dns: a host name resolves for tcp:// (10.81.0.9 is not on the link)"
like "$ERR" "tcp://db:8001: (no answer \(filtered\)|host unreachable|network unreachable)" "dns: then the connect's reason"

# --- UDP ----------------------------------------------------------------------------------------
wait_cli --timeout 2s "udp://$S:53"
ok_rc "$RC" 0 "udp:53: a DNS server is ready"
wait_cli --json --timeout 2s "udp://$S:53"
is "$(printf '%s\n' "$OUT" | head -1 | jq -r .reason)" "DNS server answers (NXDOMAIN)" "udp:53 --json: its rcode"
wait_cli --timeout 600ms "udp://$S:54"
ok_rc "$RC" 4 "udp: a closed port times out"
like "$ERR" "udp://10\.81\.0\.2:54: connection refused" "udp: closed says refused (port unreachable)"
ip netns exec "$(ns srv)" iptables -A INPUT -p udp --dport 55 -j DROP
wait_cli --timeout 600ms "udp://$S:55"
like "$ERR" "udp://10\.81\.0\.2:55: no answer \(UDP: open or filtered, cannot tell\)" "udp: silence is not called ready"
lab_bg srv socat "UDP-RECVFROM:7777,bind=$S,fork" SYSTEM:'echo pong'
lab_wait_listen srv 7777 udp
wait_cli --timeout 2s "udp://$S:7777"
ok_rc "$RC" 0 "udp: a service that answers a datagram is ready"

# --- TLS ---------------------------------------------------------------------------------------
pki_leaf valid "DNS:valid.lab.test,IP:$S"
pki_leaf expired "IP:$S" -startdate 20200101000000Z -enddate 20200201000000Z
for p in "8441 valid" "8442 expired"; do
	set -- $p
	lab_bg srv openssl s_server -quiet -www -accept "$S:$1" -cert "$PKI/$2.pem" -key "$PKI/$2.key" \
		-cert_chain "$PKI/inter.pem"
	lab_wait_listen srv "$1"
done
CA=$PKI/root.pem
wait_cli --timeout 3s --cafile "$CA" "tls://$S:8441"
ok_rc "$RC" 0 "tls: a verified certificate is ready"
wait_cli --timeout 3s --cafile "$CA" "https://$S:8441/"
ok_rc "$RC" 0 "https: verified and 200"
wait_cli --timeout 600ms --cafile "$CA" "tls://$S:8442"
ok_rc "$RC" 4 "tls: an expired certificate times out"
like "$ERR" "tls://10\.81\.0\.2:8442: TLS certificate expired \([0-9]+ attempts\)" "tls: says TLS certificate expired"
lab_run cli openssl s_client -connect "$S:8442" -CAfile "$CA" -verify_return_error </dev/null
like "$OUT$ERR" "certificate has expired" "tls: openssl s_client agrees: expired"
wait_cli --timeout 600ms --cafile "$CA" --min-days 400 "tls://$S:8441"
ok_rc "$RC" 4 "tls --min-days 400: a 1-year certificate is not enough"
like "$ERR" "TLS certificate expires in 36[45] days \(--min-days 400\)" "tls --min-days: says how many days"
wait_cli --timeout 600ms "tls://$S:8441"
like "$ERR" "tls://10\.81\.0\.2:8441: TLS certificate verify failed: unable to get local issuer certificate" \
	"tls: an unknown CA is said"

# --- a banner server on the database ports ---------------------------------------------------------
for port in 5432 3306 6379; do listener "$port" 'echo SSH-2.0-OpenSSH_9.2p1 Debian-2; sleep 2'; done
wait_cli --timeout 1s "postgres://$S" "mysql://$S" "redis://$S"
ok_rc "$RC" 4 "banner: no database is ready"
like "$ERR" "postgres://10\.81\.0\.2: answers but is not PostgreSQL" "banner: not PostgreSQL"
like "$ERR" "mysql://10\.81\.0\.2: answers but is not MySQL" "banner: not MySQL"
like "$ERR" "redis://10\.81\.0\.2: answers but is not Redis" "banner: not Redis"
wait_cli --timeout 1s "tcp://$S:5432"
ok_rc "$RC" 0 "banner: while tcp:// calls the port ready"

done_testing
