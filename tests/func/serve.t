#!/bin/bash
# sonde serve beside Debian's prometheus-blackbox-exporter in one lab
# namespace (cli, 10.122.0.1), both probing the targets in srv (10.122.0.2)
# with each built-in module: TCP open, refused and filtered; an SSH banner;
# HTTP 200, 404 and a redirect, GET and POST; HTTPS with a good and an
# expired certificate; ICMP reachable and not.  The two answers must have
# the same families, HELP, TYPE, labels and values, timings aside; promtool
# must accept every exposition.  Then what a server on the network owes:
# bounds and refusals, slow clients and slow probes that hold no one else,
# memory flat over a thousand probes, --allow, --checks on /metrics, a real
# Prometheus scraping it, and SIGTERM.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd socat python3 openssl iptables curl prometheus-blackbox-exporter promtool prometheus
. "$TESTS_DIR/func/lab/tls_pki.sh"

C=10.122.0.1
S=10.122.0.2
tls_lab 10.122.0
FIX=$TESTS_DIR/func/lab
pki_leaf valid "DNS:valid.lab.test,IP:$S"
pki_leaf expired "IP:$S" -startdate 20200101000000Z -enddate 20200201000000Z

# --- the targets ----------------------------------------------------------------------------
lab_bg srv socat "TCP-LISTEN:8001,bind=$S,reuseaddr,fork" "SYSTEM:echo SSH-2.0-OpenSSH_9.2p1; sleep 1"
lab_bg srv socat "TCP-LISTEN:8004,bind=$S,reuseaddr,fork" "SYSTEM:echo 220 not ssh; sleep 1"
ip netns exec "$(ns srv)" iptables -A INPUT -p tcp --dport 8003 -j DROP
lab_bg srv python3 "$FIX/serve_http.py" "$S" 8080
# -WWW serves files: the same body whatever the client's hello (-www's status page is not).
mkdir -p "$LAB_TMP/www" && echo "status: ok" >"$LAB_TMP/www/ok"
for p in "8441 valid" "8442 expired"; do
	set -- $p
	lab_bg srv sh -c "cd '$LAB_TMP/www' && exec openssl s_server -quiet -WWW -accept '$S:$1' \
		-cert '$PKI/$2.pem' -key '$PKI/$2.key' -cert_chain '$PKI/inter.pem'"
done
for port in 8001 8004 8080 8441 8442; do lab_wait_listen srv "$port"; done

# --- the two exporters ----------------------------------------------------------------------
lab_bg cli env SSL_CERT_FILE="$PKI/root.pem" "$SONDE" serve --listen "$C:9115"
SERVE_PID=$LAST_BG_PID
lab_bg cli env SSL_CERT_FILE="$PKI/root.pem" prometheus-blackbox-exporter \
	--config.file=/etc/prometheus/blackbox.yml --web.listen-address="$C:9116"
lab_wait_listen cli 9115
lab_wait_listen cli 9116

SCRAPE_NS=cli SCRAPE_HOST=$C
. "$TESTS_DIR/func/lab/serve_compare.bash"

same tcp_connect "$S:8001" "open port" ""
same tcp_connect "$S:8002" "refused port" "connection refused"
same tcp_connect "$S:8003" "filtered port" "no answer \\(filtered\\)"
same ssh_banner "$S:8001" "an SSH server" ""
same ssh_banner "$S:8004" "a banner that is not SSH" "the answer does not match \\^SSH-2\\.0-"
same http_2xx "http://$S:8080/ok" "200" ""
same http_2xx "http://$S:8080/missing" "404" "HTTP 404"
same http_2xx "$S:8080/redirect" "a redirect to 200 (no scheme: http)" ""
same http_post_2xx "http://$S:8080/ok" "200" ""
same http_2xx "http://$S:8082/" "refused" "connection refused"
same http_2xx "https://$S:8441/ok" "TLS verified" ""
same http_2xx "https://$S:8442/ok" "TLS expired" "TLS certificate expired"
same icmp "$S" "reachable" ""
same icmp "10.122.0.9" "no such host" "no echo reply"
same icmp_ttl5 "$S" "reachable" ""

sonde=$(scrape 9115 "module=http_2xx&target=https://$S:8441/ok")
like "$sonde" '^probe_ssl_last_chain_info\{fingerprint_sha256="[0-9a-f]{64}",issuer="CN=Sonde Lab Intermediate",subject="CN=valid.lab.test",subjectalternative="valid.lab.test"\} 1$' \
	"https: the leaf's facts as blackbox_exporter labels them"
like "$sonde" '^probe_tls_version_info\{version="TLS 1.3"\} 1$' "https: the TLS version"

# blackbox_exporter's answers to a bad request, word for word.
for q in "module=nosuch&target=x" "module=tcp_connect" "module=tcp_connect&target="; do
	is "$(scrape 9115 "$q")" "$(scrape 9116 "$q")" "/probe?$q: the same status and text as blackbox_exporter"
done
debug=$(scrape 9115 "module=tcp_connect&target=$S:8002&debug=true")
like "$debug" "^Logs for the probe:$" "debug=true: the probe's log"
like "$debug" 'level=error module=tcp_connect target=10\.122\.0\.2:8002 msg="Error dialing TCP: connection refused"' \
	"debug=true: the log says why, in sonde's words"
like "$debug" "^Metrics that would have been returned:$" "debug=true: then the metrics"

# --- --allow: a blackbox-style exporter is an SSRF tool otherwise ----------------------------
sonde=$(scrape 9115 "module=tcp_connect&target=192.0.2.1:80")
like "$sonde" '^sonde_probe_failure_info\{reason="target address not allowed \(--allow\)"\} 1$' \
	"--allow: by default a public address is refused (no packet sent)"
like "$sonde" "^probe_success 0$" "--allow: and the probe fails"
lab_bg cli "$SONDE" serve --listen "$C:9117" --allow "$S/32"
lab_wait_listen cli 9117
like "$(scrape 9117 "module=tcp_connect&target=$S:8001")" "^probe_success 1$" "--allow $S/32: that host is probed"
like "$(scrape 9117 "module=tcp_connect&target=127.0.0.1:9115")" "target address not allowed" \
	"--allow $S/32: loopback is not, once --allow is given"
run "$SONDE" serve --allow 10.0.0.0/33
ok_rc "$RC" 2 "--allow: a bad prefix is a usage error"
run "$SONDE" serve --interval 5s
ok_rc "$RC" 2 "--interval without --checks is refused, not ignored"

# --- the server: bounds, slow clients, slow probes ------------------------------------------------
status() { lab_exec cli curl -s -o /dev/null -w '%{http_code}' "$@"; }
is "$(status -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "http://$C:9115/metrics")" 431 \
	"a head over 8 KiB: 431"
hdrs=(); for i in $(seq 1 40); do hdrs+=(-H "X-H$i: v"); done
got=$(status "${hdrs[@]}" "http://$C:9115/metrics")
is "$got" 431 "more than 32 headers: 431"
is "$(status -X POST -d x "http://$C:9115/metrics")" 411 "a body: refused"
is "$(status "http://$C:9115/nope")" 404 "an unknown path: 404"
is "$(lab_exec cli python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 9115))
s.sendall(b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n")
print(s.recv(100).split(b"\r\n")[0].decode())' "$C")" "HTTP/1.1 400 Bad Request" "a malformed header: 400"

# Slow clients (a byte a second) and probes of a filtered port hold no one else.
probes_before=$(lab_exec cli curl -s "http://$C:9115/metrics" | sed -n 's/^sonde_serve_probes_total //p')
lab_exec cli python3 -c '
import socket, sys, time
socks = [socket.create_connection((sys.argv[1], 9115)) for _ in range(50)]
for i in range(3):
    for s in socks:
        s.send(b"G"[:1])
    time.sleep(1)' "$C" &
slow=$!
filtered=()
for i in $(seq 1 20); do
	lab_exec cli curl -s -o /dev/null -H 'X-Prometheus-Scrape-Timeout-Seconds: 3.5' \
		"http://$C:9115/probe?module=tcp_connect&target=$S:8003" &
	filtered+=($!)
done
# Wait until all 20 run (starting 20 processes takes a while on a loaded machine).
for i in $(seq 1 100); do
	n=$(lab_exec cli curl -s "http://$C:9115/metrics" | sed -n 's/^sonde_serve_probes_total //p')
	[ "${n:-0}" -ge $((probes_before + 20)) ] && break
	sleep 0.1
done
start=$(date +%s%N)
got=$(scrape 9115 "module=tcp_connect&target=$S:8001")
ms=$((($(date +%s%N) - start) / 1000000))
like "$got" "^probe_success 1$" "50 slow clients and 20 filtered probes running: another probe still answers"
# The filtered probes take 3 s: an answer blocked behind them would take as long.
[ "$ms" -lt 2000 ] && pass "and before the filtered probes end (${ms} ms)" ||
	fail "and before the filtered probes end (${ms} ms, want < 2000)"
wait "$slow" "${filtered[@]}"
# Memory: hundreds of probes on kept-alive connections, RSS before and after
# (each probe is a child process: what it allocates ends with it).
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVE_PID/status"; }
for i in $(seq 1 100); do
	echo "url = \"http://$C:9115/probe?module=tcp_connect&target=$S:8001\""
	echo "output = /dev/null"
done >"$LAB_TMP/urls"
lab_exec cli curl -s -K "$LAB_TMP/urls"
if is_sanitized; then
	# ASan holds freed memory in its quarantine (up to 256 MB): RSS grows
	# with every free, so flatness is measured in the static pass only.
	skip "200 more probes: RSS flat" "ASan's quarantine keeps freed memory resident"
else
	before=$(rss)
	for round in 1 2; do lab_exec cli curl -s -K "$LAB_TMP/urls"; done
	after=$(rss)
	[ "$after" -le $((before + 256)) ] && pass "200 more probes: RSS ${before} kB -> ${after} kB (flat)" ||
		fail "200 more probes: RSS ${before} kB -> ${after} kB (want within 256 kB)"
fi
# A probe child is reaped once its answer is sent, on a later turn of the
# loop: none is left a zombie.
zombies() { ps -o stat= --ppid "$SERVE_PID" | grep -c '^Z'; }
for i in $(seq 1 20); do [ "$(zombies)" = 0 ] && break; sleep 0.05; done
is "$(zombies)" 0 "after 300 probes no probe child is left unreaped"
like "$(lab_exec cli curl -s "http://$C:9115/metrics")" "^sonde_serve_probes_total [0-9]{3}$" \
	"/metrics counts the probes"

# --- /metrics and --checks ---------------------------------------------------------------------
cat >"$LAB_TMP/checks" <<EOC
ssh: nc -z -w 1 $S 8001
closed: nc -z -w 1 $S 8002
EOC
lab_bg cli "$SONDE" serve --listen "$C:9118" --checks "$LAB_TMP/checks" --interval 1s
lab_wait_listen cli 9118
for i in $(seq 1 50); do
	metrics=$(lab_exec cli curl -s "http://$C:9118/metrics")
	printf '%s\n' "$metrics" | grep -q 'sonde_check_success{name="closed"}' && break
	sleep 0.1
done
like "$metrics" '^sonde_check_success\{name="ssh"\} 1$' "--checks: a passing check is 1"
like "$metrics" '^sonde_check_success\{name="closed"\} 0$' "--checks: a failing check is 0"
like "$metrics" '^sonde_check_duration_seconds\{name="ssh"\} [0-9.e+-]+$' "--checks: each check's duration"
like "$metrics" '^sonde_build_info\{version="[^"]+"\} 1$' "/metrics: build info"
like "$metrics" '^process_resident_memory_bytes [0-9.e+]+$' "/metrics: process metrics"
promtool_ok "$metrics
" "/metrics"
echo "bad line" >"$LAB_TMP/bad.checks"
lab_run cli "$SONDE" serve --listen "$C:9119" --checks "$LAB_TMP/bad.checks"
ok_rc "$RC" 2 "--checks: a file check refuses stops serve with 2"

# --- a real Prometheus scrapes it ------------------------------------------------------------------
cat >"$LAB_TMP/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sonde
    static_configs: [{ targets: ["$C:9115"] }]
  - job_name: probe
    metrics_path: /probe
    params: { module: [tcp_connect] }
    static_configs: [{ targets: ["$S:8001"] }]
    relabel_configs:
      - { source_labels: [__address__], target_label: __param_target }
      - { source_labels: [__param_target], target_label: instance }
      - { target_label: __address__, replacement: "$C:9115" }
EOC
lab_bg cli prometheus --config.file="$LAB_TMP/prometheus.yml" --storage.tsdb.path="$LAB_TMP/tsdb" \
	--web.listen-address=127.0.0.1:9090
lab_wait_listen cli 9090
for i in $(seq 1 80); do
	answer=$(lab_exec cli curl -s 'http://127.0.0.1:9090/api/v1/query?query=probe_success')
	case $answer in *'"instance":"10.122.0.2:8001"'*'"1"]'*) break ;; esac
	sleep 0.25
done
like "$answer" '"job":"probe"' "prometheus: scraped /probe through the relabelling blackbox_exporter's docs give"
like "$answer" '"instance":"10\.122\.0\.2:8001".*"1"\]' "prometheus: its API returns probe_success 1 for the target"
answer=$(lab_exec cli curl -s -G --data-urlencode 'query=up{job="sonde"}' 'http://127.0.0.1:9090/api/v1/query')
like "$answer" '"1"\]' "prometheus: /metrics is up"

# --- SIGTERM: stop accepting, finish the running probe, exit 0 ----------------------------------------
probes_before=$(lab_exec cli curl -s "http://$C:9115/metrics" | sed -n 's/^sonde_serve_probes_total //p')
lab_exec cli curl -s -H 'X-Prometheus-Scrape-Timeout-Seconds: 2.5' \
	"http://$C:9115/probe?module=tcp_connect&target=$S:8003" >"$LAB_TMP/last" &
curl_pid=$!
for i in $(seq 1 50); do
	n=$(lab_exec cli curl -s "http://$C:9115/metrics" | sed -n 's/^sonde_serve_probes_total //p')
	[ "${n:-0}" -gt "$probes_before" ] && break
	sleep 0.1
done
kill -TERM "$SERVE_PID"
wait "$curl_pid"
like "$(cat "$LAB_TMP/last")" "^probe_success 0$" "SIGTERM: the probe running gets its answer"
for i in $(seq 1 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
wait "$SERVE_PID"
ok_rc "$?" 0 "SIGTERM: serve exits 0"

done_testing
