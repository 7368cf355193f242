#!/bin/bash
# sonde http against a misbehaving server (http_hostile.py: the request path
# picks the misbehaviour) and a silent one, each case compared with curl's
# exit code on the same server: deadlines that must hold while data keeps
# coming (-m) or none comes (the TLS handshake), endless interim heads,
# transfer codings, redirect targets and Content-Length values.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3 curl bc

lab_ns cli
lab_ns srv
lab_link cli 10.82.0.1/24 srv 10.82.0.2/24

# Reads its input slowly (2 MB/s at most), for at most 20 s: the server is
# faster, so a client writing to it never finds its socket empty.
cat >"$LAB_TMP/slow_reader.py" <<'PY'
import sys, time
end = time.monotonic() + 20
while time.monotonic() < end and sys.stdin.buffer.read1(4096):
    time.sleep(0.002)
PY
lab_bg srv python3 "$TESTS_DIR/func/lab/http_hostile.py" 10.82.0.2 8080
# Accepts every connection and never says anything (for at most 10 minutes).
lab_bg srv python3 -c 'import socket, time
s = socket.create_server(("10.82.0.2", 8099)); held = []
end = time.monotonic() + 600
while time.monotonic() < end: held.append(s.accept())'
lab_wait_listen srv 8080
lab_wait_listen srv 8099
URL=http://10.82.0.2:8080
SILENT=https://10.82.0.2:8099/

# timed NS CMD...: lab_run, with the seconds it took in SECS.
timed() {
	local start end
	start=$(date +%s.%N)
	lab_run "$@"
	end=$(date +%s.%N)
	SECS=$(echo "$end - $start" | bc)
}
within() { # NAME SECS LOW HIGH
	if [ "$(echo "$2 >= $3 && $2 <= $4" | bc)" = 1 ]; then pass "$1 ($2 s)"; else
		fail "$1" "took $2 s, want $3 to $4"; fi
}

# curl_agrees NAME PATH [options]: sonde's exit code is curl's on the same URL.
curl_agrees() {
	local name=$1 path=$2
	shift 2
	lab_run cli curl -s -o /dev/null "$@" "$URL$path"
	local curl_rc=$RC
	lab_run cli "$SONDE" http -o /dev/null "$@" "$URL$path"
	is "$RC" "$curl_rc" "$name: exit $curl_rc as curl's"
}

# --- -m holds while the body keeps coming (the reader is slower than the server) -------
timed cli bash -c "'$SONDE' http -m 2 $URL/endless | python3 '$LAB_TMP/slow_reader.py'; exit \${PIPESTATUS[0]}"
ok_rc "$RC" 28 "-m 2, an endless body read slowly: exit 28"
within "-m 2, an endless body read slowly: ends at the limit" "$SECS" 1.9 8
like "$ERR" "^sonde http: operation timed out after [0-9]+ ms with [0-9]+ bytes received \(--max-time 2 s\)$" \
	"-m 2, an endless body: says so, with the bytes received"
lab_run cli bash -c "curl -s -m 2 $URL/endless | python3 '$LAB_TMP/slow_reader.py'; exit \${PIPESTATUS[0]}"
curl_rc=$RC
lab_run cli bash -c "'$SONDE' http -m 2 $URL/endless | python3 '$LAB_TMP/slow_reader.py'; exit \${PIPESTATUS[0]}"
is "$RC" "$curl_rc" "-m 2, an endless body read slowly: exit $curl_rc as curl's"

# --- the TLS handshake is part of connecting ------------------------------------------
timed cli "$SONDE" http --connect-timeout 2 "$SILENT"
ok_rc "$RC" 28 "--connect-timeout 2, a silent TLS server: exit 28"
within "--connect-timeout 2, a silent TLS server: ends at the limit" "$SECS" 1.9 6
is "$ERR" "sonde http: TLS connection timeout: no handshake within --connect-timeout 2 s" \
	"--connect-timeout 2: says the handshake timed out"
lab_run cli curl -s --connect-timeout 2 "$SILENT"
curl_rc=$RC
lab_run cli "$SONDE" http --connect-timeout 2 "$SILENT"
is "$RC" "$curl_rc" "--connect-timeout 2, a silent TLS server: exit $curl_rc as curl's"
timed cli "$SONDE" http -m 1.5 "$SILENT"
ok_rc "$RC" 28 "-m 1.5 covers the handshake too: exit 28"
within "-m 1.5, a silent TLS server: ends at the limit" "$SECS" 1.4 5
# No option at all: the default connect limit (10 s, docs/http.md) still ends it.
timed cli "$SONDE" http "$SILENT"
ok_rc "$RC" 28 "no limit given, a silent TLS server: exit 28"
within "no limit given, a silent TLS server: the default 10 s connect limit" "$SECS" 9.9 20
like "$ERR" "within --connect-timeout 10 s$" "no limit given: says which limit"

# --- an endless stream of 100 Continue ------------------------------------------------------
curl_agrees "endless 100 Continue" /continue
lab_run cli "$SONDE" http "$URL/continue"
like "$ERR" "the response head is too large \(over 65536 bytes, [0-9]+ interim responses included\)$" \
	"endless 100 Continue: says the head is too large"

# --- transfer codings -------------------------------------------------------------------------------
curl_agrees "Transfer-Encoding: gzip, chunked" /gzip-chunked
curl_agrees "Transfer-Encoding: gzip" /gzip
lab_run cli "$SONDE" http "$URL/gzip-chunked"
is "$OUT" "" "gzip, chunked: no raw body printed"
is "$ERR" "sonde http: bad response: a Transfer-Encoding other than chunked" "gzip, chunked: says why"

# --- redirect targets -----------------------------------------------------------------------------------
curl_agrees "-L to javascript:" /javascript -L
lab_run cli "$SONDE" http -L "$URL/javascript"
is "$ERR" "sonde http: unsupported protocol in the redirect to 'javascript:alert(1)' (http and https only)" \
	"-L to javascript: says why"
curl_agrees "-L to an empty Location (not followed)" /empty-location -L
lab_run cli curl -s -i -L "$URL/empty-location"
curl_out=$OUT
lab_run cli "$SONDE" http -i -L "$URL/empty-location"
is "$OUT" "$curl_out" "-L to an empty Location: the 302 as curl prints it"
# curl knows ftp, sonde does not: curl is asked to refuse it on redirects as sonde does.
lab_run cli curl -s -L --proto-redir =http,https "$URL/ftp"
curl_rc=$RC
lab_run cli "$SONDE" http ftp://10.82.0.2/file
direct_rc=$RC
lab_run cli "$SONDE" http -L "$URL/ftp"
is "$RC" "$curl_rc" "-L to ftp://: exit $curl_rc as curl's when it refuses ftp on redirects"
is "$RC" "$direct_rc" "-L to ftp://: the exit code of a direct ftp:// URL ($direct_rc)"

# --- Content-Length ---------------------------------------------------------------------------------------
curl_agrees "Content-Length: -1" /cl-negative
# curl 7.88 reads "5, 5" as 5 and an overflowing length as none; RFC 9112 6.3
# calls both invalid framing, which sonde refuses as curl refuses "-1".
lab_run cli "$SONDE" http "$URL/cl-list"
ok_rc "$RC" 8 "Content-Length: 5, 5: exit 8 (as for -1)"
lab_run cli "$SONDE" http "$URL/cl-long"
ok_rc "$RC" 8 "Content-Length of 23 digits: exit 8 (as for -1)"
is "$ERR" "sonde http: bad response: a malformed Content-Length" "a malformed Content-Length: says why"

done_testing
