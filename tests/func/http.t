#!/bin/bash
# sonde http against a small python HTTP/1.1 server in a lab namespace,
# plain and behind TLS (a certificate from the test PKI): status, headers,
# sized and chunked bodies, redirects, --fail, --resolve, --connect-to,
# timeouts against a listener that never answers.  curl is the oracle.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3 curl openssl ss
. "$TESTS_DIR/func/lab/tls_pki.sh"

lab_ns cli
lab_ns srv
lab_link cli 10.81.0.1/24 srv 10.81.0.2/24
mkdir -p "/etc/netns/$(ns cli)"
printf '10.81.0.2 web.lab.test\n' >"/etc/netns/$(ns cli)/hosts"
lab_resolv_conf cli "nameserver 127.0.0.1"
pki_leaf web "DNS:web.lab.test"

cat >"$LAB_TMP/server.py" <<'EOF'
import http.server, socketserver, ssl, sys

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def send_body(self, status, body, extra=()):
        self.send_response(status)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    def do_HEAD(self):
        self.do_GET()
    def do_GET(self):
        if self.path == "/":
            self.send_body(200, b"hello\n", [("X-Lab", "yes")])
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for part in (b"first ", b"second ", b"third\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/redirect":
            self.send_body(302, b"moved\n", [("Location", "/final")])
        elif self.path == "/absolute":
            self.send_body(301, b"", [("Location", "http://web.lab.test:8080/final")])
        elif self.path == "/loop":
            self.send_body(302, b"", [("Location", "/loop")])
        elif self.path == "/final":
            self.send_body(200, b"final\n")
        elif self.path.startswith("/status/"):
            self.send_body(int(self.path[8:]), b"status body\n")
        elif self.path == "/headers":
            self.send_body(200, ("ua=%s test=%s host=%s\n" % (self.headers.get("User-Agent"),
                           self.headers.get("X-Test"), self.headers.get("Host"))).encode())
        else:
            self.send_body(404, b"not found\n")
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(length)
        self.send_body(200, b"%s %s %s\n" % (self.command.encode(), self.headers.get("Content-Type", "").encode(), data))
    do_PUT = do_POST

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

server = Server((sys.argv[1], int(sys.argv[2])), Handler)
if len(sys.argv) > 3:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
EOF
lab_bg srv python3 "$LAB_TMP/server.py" 10.81.0.2 8080
lab_bg srv python3 "$LAB_TMP/server.py" 10.81.0.2 8443 "$PKI/web-chain.pem" "$PKI/web.key"
# Accepts every connection and never answers.
lab_bg srv python3 -c 'import socket, time
s = socket.create_server(("10.81.0.2", 8099)); held = []
while True: held.append(s.accept())'

lab_wait_listen srv 8080
lab_wait_listen srv 8443
lab_wait_listen srv 8099
CA=$PKI/root.pem

# agree NAME URL [options]: same body, exit code and head (minus Date) as curl.
agree() {
	local name=$1 url=$2
	shift 2
	lab_run cli curl -s -i "$@" "$url"
	local curl_out=$OUT curl_rc=$RC
	lab_run cli "$SONDE" http -i "$@" "$url"
	is "$RC" "$curl_rc" "$name: exit code as curl's ($curl_rc)"
	is "$(printf '%s' "$OUT" | tr -d '\r' | grep -v '^Date:')" "$(printf '%s' "$curl_out" | tr -d '\r' | grep -v '^Date:')" \
		"$name: head and body as curl's"
}

agree "GET /" http://web.lab.test:8080/
agree "chunked body" http://web.lab.test:8080/chunked
agree "404 without --fail" http://web.lab.test:8080/status/404
agree "HEAD" http://web.lab.test:8080/ -I
agree "redirect not followed" http://web.lab.test:8080/redirect
agree "-L redirect" http://web.lab.test:8080/redirect -L
agree "-L absolute redirect" http://web.lab.test:8080/absolute -L
agree "POST with -d" http://web.lab.test:8080/echo -d "a=1&b=2"
agree "-X PUT with -H" http://web.lab.test:8080/echo -X PUT -d x -H "Content-Type: text/plain"
agree "https with --cacert" https://web.lab.test:8443/chunked --cacert "$CA"

# -I alone prints the head (curl -I does; sonde printed nothing).
lab_run cli curl -s -I http://web.lab.test:8080/
curl_out=$(printf '%s' "$OUT" | grep -v '^Date:')
lab_run cli "$SONDE" http -I http://web.lab.test:8080/
ok_rc "$RC" 0 "-I alone: exit 0"
is "$(printf '%s' "$OUT" | grep -v '^Date:')" "$curl_out" "-I alone: the response head as curl -I prints it"

lab_run cli "$SONDE" http http://web.lab.test:8080/chunked
is "$OUT" "first second third" "chunked body decoded"
lab_run cli "$SONDE" http -H "X-Test: 42" -H "User-Agent: probe/1" http://web.lab.test:8080/headers
is "$OUT" "ua=probe/1 test=42 host=web.lab.test:8080" "-H adds and replaces headers"

# --- --fail, redirects, output ---------------------------------------------------------
lab_run cli curl -sf http://web.lab.test:8080/status/503
curl_rc=$RC
lab_run cli "$SONDE" http -f http://web.lab.test:8080/status/503
ok_rc "$RC" 22 "--fail on 503: exit 22"
is "$RC" "$curl_rc" "--fail on 503: exit $curl_rc as curl -f"
is "$OUT" "" "--fail: no body"
is "$ERR" "sonde http: the requested URL returned error: 503" "--fail: one line saying why"
lab_run cli "$SONDE" http -L --max-redirs 3 http://web.lab.test:8080/loop
ok_rc "$RC" 47 "redirect loop: exit 47 after --max-redirs"
lab_run cli "$SONDE" http -o "$LAB_TMP/saved" http://web.lab.test:8080/
is "$(cat "$LAB_TMP/saved")" "hello" "-o FILE saves the body"
is "$OUT" "" "-o FILE: nothing on stdout"

# --- JSON and timings ---------------------------------------------------------------------
jfield() { python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT"; }
lab_run cli "$SONDE" http --json -L http://web.lab.test:8080/redirect
ok_rc "$RC" 0 "--json -L: exit 0"
is "$(jfield 'r["status"], r["redirects"], r["effective_url"], r["body_bytes"]')" \
	"(200, 1, 'http://web.lab.test:8080/final', 6)" "--json: status, redirects, effective URL, body size"
is "$(jfield '(lambda t: t["namelookup_ms"] <= t["connect_ms"] <= t["pretransfer_ms"] <= t["starttransfer_ms"] <= t["total_ms"])(r["timings"])')" \
	True "--json: timings in milliseconds, in order"
is "$(jfield '(lambda t: t["time_namelookup"] <= t["time_connect"] <= t["time_pretransfer"] <= t["time_starttransfer"] <= t["time_total"])(r["curl_timings"])')" \
	True "--json: curl's timings in order"
is "$(jfield 'all(abs(r["timings"][k[5:] + "_ms"] - 1000 * v) < 0.001 for k, v in r["curl_timings"].items())')" \
	True "--json: curl_timings are the same instants in seconds"
lab_run cli "$SONDE" http --json --cacert "$CA" https://web.lab.test:8443/
is "$(jfield 'r["tls"]["verified"], r["timings"]["appconnect_ms"] >= r["timings"]["connect_ms"]')" "(True, True)" \
	"--json over TLS: verified, appconnect after connect"
lab_run cli "$SONDE" http --timing -o /dev/null http://web.lab.test:8080/
like "$OUT" "time_starttransfer +[0-9.]+ +[0-9.]+" "--timing: the table on stdout when the body is elsewhere"
lab_run cli "$SONDE" http --timing http://web.lab.test:8080/
is "$OUT" "hello" "--timing with the body on stdout: body only there"
like "$ERR" "time_total" "--timing with the body on stdout: the table on stderr"

# --- TLS failures -------------------------------------------------------------------------
lab_run cli curl -s https://web.lab.test:8443/
curl_rc=$RC
lab_run cli "$SONDE" http https://web.lab.test:8443/
ok_rc "$RC" 60 "untrusted certificate: exit 60"
is "$RC" "$curl_rc" "untrusted certificate: exit $curl_rc as curl's"
lab_run cli "$SONDE" http -k https://web.lab.test:8443/
ok_rc "$RC" 0 "-k: exit 0"
lab_run cli "$SONDE" http --cacert "$CA" --resolve other.lab.test:8443:10.81.0.2 https://other.lab.test:8443/
ok_rc "$RC" 60 "--resolve to a server whose certificate is for another name: exit 60"
lab_run cli "$SONDE" http --cacert "$CA" https://web.lab.test:8080/
ok_rc "$RC" 35 "TLS to a plain HTTP port: exit 35"

# --- where to connect ----------------------------------------------------------------------
lab_run cli "$SONDE" http --resolve any.test:8080:10.81.0.2 http://any.test:8080/final
is "$OUT" "final" "--resolve HOST:PORT:ADDR"
lab_run cli "$SONDE" http --connect-to ::web.lab.test:8080 http://web.lab.test:9/final
is "$OUT" "final" "--connect-to ::HOST:PORT"

# --- failures ---------------------------------------------------------------------------------
lab_run cli curl -s --max-time 1 http://web.lab.test:8099/
curl_rc=$RC
lab_run cli "$SONDE" http --max-time 1 http://web.lab.test:8099/
ok_rc "$RC" 28 "a listener that never answers: --max-time, exit 28"
is "$RC" "$curl_rc" "a listener that never answers: exit $curl_rc as curl's"
lab_run cli "$SONDE" http http://web.lab.test:9/
ok_rc "$RC" 7 "connection refused: exit 7"
lab_run cli "$SONDE" http http://nosuch.lab.test/
ok_rc "$RC" 6 "unknown host: exit 6"
run "$SONDE" http ftp://x.test/
ok_rc "$RC" 1 "ftp://: unsupported protocol, exit 1"
run "$SONDE" http "http://bad host/"
ok_rc "$RC" 2 "malformed URL: exit 2"
run "$SONDE" http -H "nocolon" http://x.test/
ok_rc "$RC" 2 "-H without ':' is a usage error"
run "$SONDE" http --connect-to a:80:b:81:c http://x.test/
ok_rc "$RC" 2 "--connect-to with five fields is a usage error"
run "$SONDE" http --resolve x.test:port:10.0.0.1 http://x.test/
ok_rc "$RC" 2 "--resolve with a port that is no number is a usage error"

done_testing
