#!/bin/bash
# sonde curl against curl 7.88 itself, case by case in one lab: the same
# command line in the same namespace, stdout, stderr and exit code compared
# (only what differs per run is masked: timings, ports, speeds).  A python
# HTTP/1.1 server (tests/func/lab/curl_server.py) plain and behind TLS with
# the test PKI (one port asking for a client certificate), refused and
# filtered ports, a name the lab's resolver cannot resolve, timeouts, gzip
# and deflate bodies.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3 curl openssl ss perl
. "$TESTS_DIR/func/lab/tls_pki.sh"

lab_ns cli
lab_ns srv
lab_link cli 10.83.0.1/24 srv 10.83.0.2/24
printf '10.83.0.2 web.lab.test\n' >"/etc/netns/$(ns cli)/hosts"
lab_resolv_conf cli "nameserver 127.0.0.1"
pki_leaf web "DNS:web.lab.test"
pki_leaf client "DNS:client.lab.test"
SERVER=$TESTS_DIR/func/lab/curl_server.py
lab_bg srv python3 "$SERVER" 10.83.0.2 8080
lab_bg srv python3 "$SERVER" 10.83.0.2 8443 "$PKI/web-chain.pem" "$PKI/web.key"
cat "$PKI/root.pem" "$PKI/inter.pem" >"$PKI/client-cas.pem"
lab_bg srv python3 "$SERVER" 10.83.0.2 8444 "$PKI/web-chain.pem" "$PKI/web.key" "$PKI/client-cas.pem"
# Port 8099 filtered: SYNs dropped.
ip netns exec "$(ns srv)" nft -f - <<'NFT'
table inet lab {
	chain input {
		type filter hook input priority 0;
		tcp dport 8099 drop
	}
}
NFT
lab_wait_listen srv 8080
lab_wait_listen srv 8443
lab_wait_listen srv 8444
CA=$PKI/root.pem
WORK=$LAB_TMP/work
mkdir -p "$WORK"
printf 'a\nb\r\n' >"$LAB_TMP/data"
U=http://web.lab.test:8080

# What differs from run to run: elapsed times in messages and -w, speeds
# and times in the progress meter, the local port, the library list.
# curl's own runs differ too: how the body's bytes came in ("{ [N bytes
# data]" lines), and whether its resolver thread says why twice.
mask() {
	perl -0777 -pe 's/(\{ \[\d+ bytes data\]\n)+/{ [DATA]\n/g;
		s/^(\* Could not resolve host: .*\n)\1/$1/mg;
		s/after \d+ (ms|milliseconds)/after N $1/g;
		s/"(time_\w+|speed_\w+|local_port|curl_version)":("[^"]*"|[\d.]+)/"$1":X/g;
		s/(\d+ +\S+  +\d+ +\S+  +\d+ +\S+) +\S+ +\S+ +\S+ +\S+ +\S+ +\S+/$1 SPEED/g;
		s/^curl: \(35\) .*/curl: (35) TLS HANDSHAKE FAILURE/;
		s/^(> Accept-Encoding: deflate, gzip), br, zstd/$1/m'
}

# agree NAME CURL-ARGS...: sonde curl as curl, in cli.
agree() {
	local name=$1 want_out want_err want_rc
	shift
	lab_run cli sh -c 'cd "$1" && shift && exec "$@"' - "$WORK" curl "$@"
	want_out=$(printf '%s' "$OUT" | mask) want_err=$(printf '%s' "$ERR" | mask) want_rc=$RC
	lab_run cli sh -c 'cd "$1" && shift && exec "$@"' - "$WORK" "$SONDE" curl "$@"
	is "$RC" "$want_rc" "$name: exit code $want_rc as curl's"
	is "$(printf '%s' "$OUT" | mask)" "$want_out" "$name: stdout as curl's"
	is "$(printf '%s' "$ERR" | mask)" "$want_err" "$name: stderr as curl's"
}

# --- plain HTTP -------------------------------------------------------------------
agree "GET" -s $U/
agree "-v" -sv $U/
agree "-v -o" -v -o out.txt $U/chunked
is "$(cat "$WORK/out.txt")" "first second third" "-o FILE: the body in the file"
agree "progress meter" $U/
agree "-i chunked" -si $U/chunked
agree "-I" -sI $U/
agree "-I -v" -sIv $U/
agree "-D -" -sS -D - $U/
agree "-D FILE" -sS -D heads.txt -o /dev/null $U/
is "$(head -c 31 "$WORK/heads.txt" | od -c)" "$(printf 'HTTP/1.1 200 OK\r\nServer: lab \r\n' | od -c)" \
	"-D FILE: the head as received, CRLF kept"
agree "-O" -sS -O -w '%{filename_effective}\n' $U/dir/file.txt
is "$(cat "$WORK/file.txt")" "file contents" "-O: the file named after the URL"
agree "-O without a name" -sS -O $U/
agree "404" -sS $U/status/404
agree "-f 404" -sSf $U/status/404
# same_file_as_curl NAME PATH CURL-ARGS...: -o into a file of each its own,
# then whether it exists and its size compared.
same_file_as_curl() {
	local name=$1 path=$2
	shift 2
	lab_run cli curl "$@" -o "$WORK/curl-$path" $U/$path
	lab_run cli "$SONDE" curl "$@" -o "$WORK/sonde-$path" $U/$path
	is "$(stat -c %s "$WORK/sonde-$path" 2>/dev/null || echo none)" \
		"$(stat -c %s "$WORK/curl-$path" 2>/dev/null || echo none)" "$name: the output file as curl leaves it"
}
mkdir -p "$WORK/curl-status" "$WORK/sonde-status"
same_file_as_curl "-f 404 -o" status/404 -sSf
same_file_as_curl "an empty body -o" status/204 -sS
agree "-f 404 with the meter" -f $U/status/404
agree "-f -i -v 500" -sv -f -i $U/status/500
agree "--fail-with-body 500" -sS --fail-with-body $U/status/500
agree "redirect not followed" -sS -w '%{redirect_url} %{num_redirects}\n' $U/redirect
agree "-L" -sSL -i -w '%{url_effective} %{num_redirects}\n' $U/redirect
agree "-L absolute" -sSL $U/absolute
agree "--max-redirs" -sS -L --max-redirs 2 $U/loop
agree "POST -d" -sv -d abc -d @"$LAB_TMP/data" --data-binary @"$LAB_TMP/data" $U/echo
agree "--data-raw -X" -sS -X DELETE --data-raw @x $U/echo
agree "-d with -H Content-Type" -sv -d x=1 -H 'Content-Type: text/plain' $U/echo
agree "-u -A -e" -sS -u user:pw -A agent/1 -e http://ref.test/ $U/headers
agree "-H replaces and drops" -sv -H 'Host:' -H 'X-Test: 42' -H 'Accept: text/plain' $U/headers
agree "--http1.1" -sS --http1.1 $U/final
agree "--resolve" -sS --resolve other.test:8080:10.83.0.2 -w '%{remote_ip}\n' http://other.test:8080/final
agree "--connect-to" -sS --connect-to ::web.lab.test:8080 http://web.lab.test:9/final
agree "-w variables" -s -o /dev/null -w 'code=%{http_code} %{response_code} ct=%{content_type} n=%{num_headers} size=%{size_download} hdr=%{size_header} req=%{size_request} up=%{size_upload} ip=%{remote_ip}:%{remote_port} local=%{local_ip} ver=%{http_version} m=%{method} scheme=%{scheme} exit=%{exitcode} err=%{errormsg} url=%{url} eff=%{url_effective} %%\n' $U/
agree "-w %{json}" -s -o /dev/null -w '%{json}\n' $U/
agree "-w %{json} after a POST" -s -d x -w '%{json}\n' $U/echo
agree "-w streams, onerror, header_json, %header{}" -s -w '%{stderr}x%{onerror}y%{header_json}\n%header{x-lab}\n' $U/
agree "empty reply" -sS $U/empty
agree "a sized body cut short" -sS $U/short
agree "a sized body cut short, -v" -sSv -o /dev/null $U/short
agree "a chunked body cut short" -sS $U/short-chunked
agree "reset inside the body" -sS $U/reset
agree "-4" -sS -4 $U/final
agree "-6 on a name with IPv4 only" -sS -6 $U/final

# --- compressed bodies ---------------------------------------------------------------
agree "--compressed gzip" -sv --compressed $U/gzip
agree "--compressed gzip chunked" -sS --compressed $U/gzip-chunked
agree "--compressed deflate" -sS --compressed -w '%{size_download}\n' $U/deflate
agree "no --compressed: the coded bytes as they are" -sS $U/deflate -o deflate.raw
agree "--compressed bad gzip" -sS --compressed $U/badgzip

# --- failures ---------------------------------------------------------------------
agree "refused" -sS $U:9/
agree "refused -v" -v http://web.lab.test:9/
agree "unresolvable" -sS http://nosuch.lab.test/
agree "unresolvable -v" -sv http://nosuch.lab.test/
agree "unresolvable -w %{json}" -sS -w '%{json}\n' http://nosuch.lab.test/
agree "filtered, -m" -sS -m 1 $U:8099/
agree "filtered, --connect-timeout" -sS --connect-timeout 1 $U:8099/
agree "filtered, -m nearer than --connect-timeout" -sS -m 1 --connect-timeout 3 $U:8099/
agree "-m during the body" -sS -m 2 $U/slow
agree "unsupported scheme" -sS foo://web.lab.test/
agree "malformed URL" -sS 'http://a b/'
agree "-o into a full device" -sS -o /dev/full $U/
agree "-s hides the error" -s http://nosuch.lab.test/

# --- TLS ------------------------------------------------------------------------------
agree "https --cacert" -sS --cacert "$CA" https://web.lab.test:8443/
agree "https untrusted" -sS https://web.lab.test:8443/
agree "https -k" -sS -k -w '%{ssl_verify_result} %{scheme}\n' https://web.lab.test:8443/
agree "https name mismatch" -sS --cacert "$CA" --resolve other.lab.test:8443:10.83.0.2 https://other.lab.test:8443/
agree "TLS to a plain port" -sS -k https://web.lab.test:8080/
agree "--cacert missing" -sS --cacert "$LAB_TMP/none.pem" https://web.lab.test:8443/
mkdir -p "$LAB_TMP/capath"
cp "$CA" "$LAB_TMP/capath/" && openssl rehash "$LAB_TMP/capath" 2>/dev/null
agree "--capath" -sS --capath "$LAB_TMP/capath" https://web.lab.test:8443/
agree "--capath missing" -sS --capath "$LAB_TMP/nodir" https://web.lab.test:8443/
agree "client certificate" -sS --cacert "$CA" --cert "$PKI/client.pem" --key "$PKI/client.key" https://web.lab.test:8444/final
lab_run cli curl -sS -k --cert "$LAB_TMP/none.pem" https://web.lab.test:8444/
want_rc=$RC
lab_run cli "$SONDE" curl -sS -k --cert "$LAB_TMP/none.pem" https://web.lab.test:8444/
is "$RC" "$want_rc" "--cert missing: exit $want_rc as curl's"
like "$ERR" "^curl: \(58\) could not load PEM client certificate from $LAB_TMP/none.pem" "--cert missing: curl's message"

# --- sonde's own refusals and the version ----------------------------------------------
run "$SONDE" curl -u user http://x.test/
ok_rc "$RC" 2 "-u USER without a password: refused (curl would prompt)"
like "$ERR" "prompt" "-u USER: says why"
run "$SONDE" curl --retry 3 http://x.test/
ok_rc "$RC" 2 "an option curl has and sonde does not: refused, exit 2"
# curl skips a --resolve or --connect-to it cannot parse (and says so only
# with -v): the request would then go somewhere the user did not ask for.
for bad in "--resolve web.lab.test:http:10.83.0.2" "--resolve web.lab.test:8080" \
	"--connect-to a:80:b:81:c" "--connect-to a:x:b:81"; do
	run "$SONDE" curl $bad http://web.lab.test:8080/
	ok_rc "$RC" 2 "$bad: refused, exit 2"
	like "$ERR" "^sonde curl: --(resolve|connect-to): not HOST" "$bad: says which form it wants"
done
run "$SONDE" curl -V
ok_rc "$RC" 0 "-V: exit 0"
like "$(printf '%s' "$OUT" | head -1)" "^curl 7\.88\.1 " "-V: curl's first line, as scripts parse it"
like "$(printf '%s' "$OUT" | tail -1)" "^sonde [0-9.]+ .*: applet curl, imitating curl 7\.88\.1" "-V: then sonde's version and what it imitates"

done_testing
