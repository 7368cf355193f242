#!/bin/bash
# sonde tls against `openssl s_server` in a lab namespace, one port per case,
# with a PKI made here (root -> intermediate -> leaves).  Each verdict is
# compared with `openssl s_client -verify_return_error -verify_hostname` on
# the same case, and each case has its own exit code.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd openssl ss python3 bc
. "$TESTS_DIR/func/lab/tls_pki.sh"

tls_lab 10.80.0
mkdir -p "/etc/netns/$(ns cli)"
printf '10.80.0.2 valid.lab.test other.lab.test legacy.lab.test smtp.lab.test\n' >"/etc/netns/$(ns cli)/hosts"
lab_resolv_conf cli "nameserver 127.0.0.1"

pki_leaf valid "DNS:valid.lab.test,IP:10.80.0.2"
pki_leaf expired DNS:valid.lab.test -startdate 20200101000000Z -enddate 20200201000000Z
pki_leaf future DNS:valid.lab.test -startdate 20990101000000Z -enddate 20991231000000Z
pki_leaf other DNS:other.lab.test
pki_leaf soon DNS:valid.lab.test -days 5
_pki_key "$PKI/self.key"
openssl req -x509 -new -key "$PKI/self.key" -out "$PKI/self.pem" -days 30 -subj "/CN=valid.lab.test" \
	-addext "subjectAltName=DNS:valid.lab.test" 2>/dev/null
# A chain under a root nobody trusts.
mv "$PKI/inter.pem" "$PKI/inter.saved"; mv "$PKI/inter.key" "$PKI/inter.key.saved"
_pki_key "$PKI/inter.key"
openssl req -new -key "$PKI/inter.key" -out "$PKI/inter2.csr" -subj "/CN=Stray Intermediate" 2>/dev/null
_pki_sign other-root v3_inter "$PKI/inter2.csr" "$PKI/inter.pem" -days 100
pki_leaf stray DNS:valid.lab.test
cp "$PKI/inter.pem" "$PKI/stray-inter.pem"
mv "$PKI/inter.saved" "$PKI/inter.pem"; mv "$PKI/inter.key.saved" "$PKI/inter.key"

CA=$PKI/root.pem
# server PORT CERTNAME [s_server options]: the leaf with its chain file.
server() {
	local port=$1 name=$2
	shift 2
	lab_bg srv openssl s_server -quiet -www -accept "10.80.0.2:$port" -cert "$PKI/$name.pem" \
		-key "$PKI/$name.key" "$@"
	lab_wait_listen srv "$port"
}
server 8441 valid -cert_chain "$PKI/inter.pem" -alpn h2,http/1.1
server 8442 expired -cert_chain "$PKI/inter.pem"
server 8443 future -cert_chain "$PKI/inter.pem"
server 8444 self
server 8445 other -cert_chain "$PKI/inter.pem"
server 8446 valid
server 8447 stray -cert_chain "$PKI/stray-inter.pem"
server 8448 valid -cert_chain "$PKI/inter.pem" -tls1_2
server 8449 valid -cert_chain "$PKI/inter.pem" -tls1_3
server 8450 valid -cert_chain "$PKI/inter.pem" -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
server 8451 valid -cert_chain "$PKI/inter.pem" -Verify 1 -CAfile "$CA"
server 8452 soon -cert_chain "$PKI/inter.pem"

# The verdict in "CODE:reason" form: s_client's first verify error, or 0.
oracle() { # PORT NAME [s_client options]
	local port=$1 name=$2
	shift 2
	lab_run cli openssl s_client -connect "10.80.0.2:$port" -servername "$name" -verify_return_error \
		-verify_hostname "$name" -CAfile "$CA" "$@"
	if [ "$RC" = 0 ]; then echo 0; return; fi
	local line
	line=$(printf '%s\n' "$ERR" "$OUT" | grep -m1 -o 'verify error:num=[0-9]*:.*')
	if [ -n "$line" ]; then line=${line#verify error:num=}; echo "$line"; else echo handshake; fi
}
# The same from sonde's JSON (a name mismatch is OpenSSL's code 62).
ours() {
	python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
v = r["verification"]
if v["error"]: print("%d:%s" % (v["error"], v["reason"]))
elif not v["name_matched"]: print("62:hostname mismatch")
else: print(0)' <<<"$OUT"
}
jfield() { python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT"; }

# case PORT NAME WANT_RC WANT_VERDICT DESCRIPTION [sonde options]
case_agrees() {
	local port=$1 name=$2 want_rc=$3 want_verdict=$4 what=$5
	shift 5
	lab_run cli "$SONDE" tls --json --cafile "$CA" "$@" "$name:$port"
	ok_rc "$RC" "$want_rc" "$what: exit $want_rc"
	is "$(jfield 'r["verdict"]')" "$want_verdict" "$what: verdict $want_verdict"
	local mine theirs
	mine=$(ours)
	theirs=$(oracle "$port" "$name")
	is "$mine" "$theirs" "$what: same verification result as openssl s_client ($theirs)"
}

case_agrees 8441 valid.lab.test 0 ok "valid chain"
case_agrees 8442 valid.lab.test 9 expired "expired leaf"
case_agrees 8443 valid.lab.test 9 not_yet_valid "not-yet-valid leaf"
case_agrees 8444 valid.lab.test 7 untrusted "self-signed"
case_agrees 8445 valid.lab.test 8 hostname_mismatch "wrong host name"
case_agrees 8446 valid.lab.test 7 untrusted "missing intermediate"
case_agrees 8447 valid.lab.test 7 untrusted "untrusted root"
case_agrees 8452 valid.lab.test 0 ok "leaf expiring in 5 days, no --min-days"

# --- the text report ------------------------------------------------------------
lab_run cli "$SONDE" tls --cafile "$CA" valid.lab.test:8441
ok_rc "$RC" 0 "text report: exit 0"
like "$OUT" "^Connected to valid.lab.test \(10.80.0.2\) port 8441" "text: where it connected"
like "$OUT" "Verification:  OK" "text: verification OK"
like "$OUT" "Name:          valid.lab.test matches the certificate" "text: the name matched"
like "$OUT" "  0 subject:   CN = valid.lab.test" "text: the leaf"
like "$OUT" "  1 subject:   CN = Sonde Lab Intermediate" "text: the intermediate as sent"
like "$OUT" "  2 CN = Sonde Lab Root \([0-9]+ days left\)" "text: the trust anchor in the verified chain"
like "$OUT" "Timings:       dns [0-9.]+ ms, connect [0-9.]+ ms, handshake [0-9.]+ ms" "text: timings"
is "$ERR" "" "text, verified: nothing on stderr"

# Facts compared with s_client on the same server.
# Standard input stays open a moment: at an immediate end of input s_client
# may quit before it prints the session.
lab_run cli sh -c "sleep 1 | openssl s_client -connect 10.80.0.2:8441 -servername valid.lab.test -CAfile '$CA' -alpn h2"
sc_proto=$(printf '%s\n' "$OUT" | sed -n 's/^ *Protocol *: *//p' | head -1)
sc_cipher=$(printf '%s\n' "$OUT" | sed -n 's/^ *Cipher *: *//p' | head -1)
sc_alpn=$(printf '%s\n' "$OUT" | sed -n 's/^ALPN protocol: //p')
sc_key=$(printf '%s\n' "$OUT" | sed -n 's/^Server Temp Key: \([^,]*\),.*/\1/p')
sc_fpr=$(openssl x509 -in "$PKI/valid.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
sc_serial=$(openssl x509 -in "$PKI/valid.pem" -noout -serial | sed 's/.*=//')
lab_run cli "$SONDE" tls --json --alpn h2 --cafile "$CA" valid.lab.test:8441
is "$(jfield 'r["protocol"]')" "$sc_proto" "protocol as s_client says ($sc_proto)"
is "$(jfield 'r["cipher"]')" "$sc_cipher" "cipher as s_client says ($sc_cipher)"
is "$(jfield 'r["alpn"]')" "$sc_alpn" "ALPN h2 as s_client says"
is "$(jfield 'r["group"]')" "$sc_key" "key exchange group as s_client's Server Temp Key"
is "$(jfield 'r["chain"][0]["sha256_fingerprint"]')" "$sc_fpr" "leaf SHA-256 fingerprint as openssl x509"
is "$(jfield 'r["chain"][0]["serial"]')" "$sc_serial" "leaf serial as openssl x509"
is "$(jfield 'r["chain"][0]["subject_alt_names"]')" "['DNS:valid.lab.test', 'IP:10.80.0.2']" "leaf SANs"
is "$(jfield 'r["chain"][0]["key_type"], r["chain"][0]["key_bits"], r["chain"][0]["signature_algorithm"]')" \
	"('EC', 256, 'ecdsa-with-SHA256')" "leaf key and signature algorithm"
is "$(jfield 'len(r["chain"]), len(r["verified_chain"])')" "(2, 3)" "chain as sent (2) and verified (3)"
is "$(jfield 'r["ocsp_staple"]')" "none" "no OCSP staple from this server"

# --- names: SNI, --verify-name, IP -----------------------------------------------------
lab_run cli "$SONDE" tls --cafile "$CA" 10.80.0.2:8441
ok_rc "$RC" 0 "an IP in the certificate's SANs verifies"
lab_run cli "$SONDE" tls --json --cafile "$CA" --sni other.lab.test 10.80.0.2:8445
ok_rc "$RC" 0 "--sni NAME ADDR:PORT checks the certificate against NAME"
is "$(jfield 'r["sni"], r["verification"]["name"]')" "('other.lab.test', 'other.lab.test')" "--sni: sent and verified"
lab_run cli "$SONDE" tls --cafile "$CA" --verify-name other.lab.test valid.lab.test:8441
ok_rc "$RC" 8 "--verify-name wins over the host"
lab_run cli "$SONDE" tls --cafile "$CA" -k valid.lab.test:8445
ok_rc "$RC" 0 "--insecure: a name mismatch is reported, not failed"
like "$OUT" "Verdict: hostname_mismatch" "--insecure: the verdict is still reported"
lab_run cli "$SONDE" tls -connect valid.lab.test:8441 -CAfile "$CA" -servername valid.lab.test -alpn h2
ok_rc "$RC" 0 "s_client spelling: -connect -CAfile -servername -alpn"
like "$OUT" "ALPN:          h2" "s_client spelling: -alpn works"

# --- expiry and time -----------------------------------------------------------------------
lab_run cli "$SONDE" tls --cafile "$CA" --min-days 7 valid.lab.test:8452
ok_rc "$RC" 10 "leaf expiring in 5 days, --min-days 7: exit 10"
is "$ERR" "sonde tls: valid.lab.test port 8452: a certificate expires within 7 days (4 days left)" "--min-days: says why"
lab_run cli "$SONDE" tls --cafile "$CA" --min-days 3 valid.lab.test:8452
ok_rc "$RC" 0 "leaf expiring in 5 days, --min-days 3: exit 0"
later=$(($(date +%s) + 400 * 86400))
lab_run cli "$SONDE" tls --json --cafile "$CA" --attime "$later" valid.lab.test:8441
ok_rc "$RC" 9 "--attime 400 days ahead: the leaf has expired by then, exit 9"
is "$(jfield 'r["verification"]["reason"], r["leaf_days_left"] < 0')" "('certificate has expired', True)" \
	"--attime: verified and counted as of that time"
sonde_reason=$(jfield 'r["verification"]["reason"]')
lab_run cli openssl s_client -connect 10.80.0.2:8441 -CAfile "$CA" -attime "$later" -verify_return_error
sc_reason=$(printf '%s\n' "$ERR" "$OUT" | sed -n 's/.*verify error:num=[0-9]*://p' | head -1)
is "$sonde_reason" "$sc_reason" "--attime: the reason s_client -attime gives"
lab_run cli "$SONDE" tls --cafile "$CA" --attime "$(date -u -d '+1 day' +%Y-%m-%d)" valid.lab.test:8441
ok_rc "$RC" 0 "--attime as a date, tomorrow: still valid"

# --- versions, legacy, client certificates ---------------------------------------------------
lab_run cli "$SONDE" tls --json --cafile "$CA" valid.lab.test:8448
is "$(jfield 'r["protocol"]')" "TLSv1.2" "TLS 1.2-only server: TLSv1.2"
lab_run cli "$SONDE" tls --cafile "$CA" --tls1.3 valid.lab.test:8448
ok_rc "$RC" 6 "TLS 1.2-only server, --tls1.3: handshake failure, exit 6"
lab_run cli "$SONDE" tls --json --cafile "$CA" valid.lab.test:8449
is "$(jfield 'r["protocol"]')" "TLSv1.3" "TLS 1.3-only server: TLSv1.3"
lab_run cli "$SONDE" tls --cafile "$CA" --tls1.2 valid.lab.test:8449
ok_rc "$RC" 6 "TLS 1.3-only server, --tls1.2: exit 6"
lab_run cli "$SONDE" tls --cafile "$CA" valid.lab.test:8450
ok_rc "$RC" 6 "TLS 1.0-only server with the defaults: handshake failure"
mine=$([ "$RC" = 6 ] && echo handshake || echo "exit $RC")
theirs=$(oracle 8450 valid.lab.test)
is "$mine" "$theirs" "TLS 1.0-only server with the defaults: as s_client with its defaults ($theirs)"
lab_run cli "$SONDE" tls --json --cafile "$CA" --min-version 1.0 valid.lab.test:8450
ok_rc "$RC" 0 "--min-version 1.0 lowers the security level: the TLS 1.0 server is probed"
is "$(jfield 'r["protocol"]')" "TLSv1" "legacy server: TLSv1"
lab_run cli "$SONDE" tls --cafile "$CA" valid.lab.test:8451
ok_rc "$RC" 6 "client certificate required, none given: exit 6"
like "$ERR" "certificate required" "client certificate required: says so"
lab_run cli "$SONDE" tls --json --cafile "$CA" --cert "$PKI/valid.pem" --key "$PKI/valid.key" valid.lab.test:8451
ok_rc "$RC" 0 "client certificate required, --cert/--key given: exit 0"
# An encrypted key would make OpenSSL prompt for a passphrase: refused, said.
openssl pkey -in "$PKI/valid.key" -aes256 -passout pass:lab -out "$PKI/valid-encrypted.key"
lab_run cli timeout 10 "$SONDE" tls --cafile "$CA" --cert "$PKI/valid.pem" --key "$PKI/valid-encrypted.key" \
	valid.lab.test:8451 </dev/null
ok_rc "$RC" 2 "encrypted --key: exit 2, no passphrase prompt"
like "$ERR" "valid-encrypted.key is encrypted" "encrypted --key: says so"

# --- scan -----------------------------------------------------------------------------------
lab_run cli "$SONDE" tls --scan --json valid.lab.test:8448
ok_rc "$RC" 0 "--scan: exit 0"
is "$(jfield '[v["version"] for v in r["versions"] if v["accepted"]]')" "['TLSv1.2']" "--scan: TLS 1.2 only server"
scanned=$(jfield '":".join(r["versions"][2]["ciphers"])')
like "$scanned" "^[A-Z0-9-]+(:[A-Z0-9-]+)*$" "--scan: TLS 1.2 lists ciphers"
sc_refused=""
for c in ${scanned//:/ }; do
	lab_run cli openssl s_client -connect 10.80.0.2:8448 -tls1_2 -cipher "$c"
	[ "$RC" = 0 ] || sc_refused="$sc_refused $c"
done
is "$sc_refused" "" "--scan: s_client connects with every cipher the scan lists"
# And with none the scan left out: the list is complete.
lab_run cli openssl s_client -connect 10.80.0.2:8448 -tls1_2 -cipher "ALL:COMPLEMENTOFALL:@SECLEVEL=0:!${scanned//:/:!}"
ok_rc "$RC" 1 "--scan: s_client finds no TLS 1.2 cipher beyond the scan's list"
lab_run cli "$SONDE" tls --scan --json valid.lab.test:8450
is "$(jfield '[v["version"] for v in r["versions"] if v["accepted"]]')" "['TLSv1']" "--scan: the legacy server speaks TLS 1.0 only"

# --- STARTTLS SMTP: a small responder that hands over to TLS ---------------------------------------
cat >"$LAB_TMP/smtp.py" <<EOF
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("$PKI/valid-chain.pem", "$PKI/valid.key")
srv = socket.create_server(("10.80.0.2", 8425))
for _ in range(4):
    conn, _ = srv.accept()
    f = conn.makefile("rb")
    conn.sendall(b"220 smtp.lab.test ESMTP ready\r\n")
    if not f.readline().upper().startswith(b"EHLO"):
        conn.close(); continue
    conn.sendall(b"250-smtp.lab.test\r\n250-SIZE 1000\r\n250 STARTTLS\r\n")
    if f.readline().strip().upper() != b"STARTTLS":
        conn.close(); continue
    conn.sendall(b"220 2.0.0 go ahead\r\n")
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
        tls.recv(1)
        tls.close()
    except (ssl.SSLError, OSError):
        conn.close()
EOF
lab_bg srv python3 "$LAB_TMP/smtp.py"
lab_wait_listen srv 8425
lab_run cli openssl s_client -starttls smtp -connect 10.80.0.2:8425 -servername valid.lab.test -CAfile "$CA" -verify_return_error
sc_rc=$RC
lab_run cli "$SONDE" tls --json --starttls smtp --cafile "$CA" --sni valid.lab.test smtp.lab.test:8425
ok_rc "$RC" 0 "--starttls smtp: exit 0"
is "$([ "$RC" = 0 ] && echo verified || echo failed)" "$([ "$sc_rc" = 0 ] && echo verified || echo failed)" \
	"--starttls smtp: verified as by s_client -starttls smtp -verify_return_error"
is "$(jfield 'r["verdict"], r["chain"][0]["subject"]')" "('ok', 'CN = valid.lab.test')" "--starttls smtp: the certificate after STARTTLS"
like "$(jfield 'r["timings"]["starttls_ms"]')" "^[0-9.]+$" "--starttls smtp: its time is reported"

# --- failures before TLS, usage -----------------------------------------------------------
lab_run cli "$SONDE" tls --timeout 2 10.80.0.2:9
ok_rc "$RC" 5 "connection refused: exit 5"
like "$ERR" "^sonde tls: cannot connect to 10.80.0.2 port 9: Connection refused$" "connection refused: one line"
lab_bg srv sh -c "sleep 30 | nc.openbsd -l 10.80.0.2 8460"
lab_wait_listen srv 8460
lab_run cli "$SONDE" tls --timeout 1 10.80.0.2:8460
ok_rc "$RC" 4 "a listener that never speaks TLS: timeout, exit 4"
lab_run cli "$SONDE" tls nosuch.lab.test
ok_rc "$RC" 5 "unknown name: exit 5"

# A server that reads the ClientHello and closes: s_client's reason.
lab_bg srv python3 -c 'import socket, time
s = socket.create_server(("10.80.0.2", 8461)); end = time.monotonic() + 600
while time.monotonic() < end:
    c, _ = s.accept(); c.recv(4096); c.close()'
# One that accepts and never speaks, to as many connections as come.
lab_bg srv python3 -c 'import socket, time
s = socket.create_server(("10.80.0.2", 8462)); held = []; end = time.monotonic() + 600
while time.monotonic() < end: held.append(s.accept())'
lab_wait_listen srv 8461
lab_wait_listen srv 8462
lab_run cli openssl s_client -connect 10.80.0.2:8461
sc_reason=$(printf '%s\n' "$ERR" "$OUT" | sed -n 's/.*:SSL routines:[^:]*:\([^:]*\):.*/\1/p' | head -1)
lab_run cli "$SONDE" tls 10.80.0.2:8461
ok_rc "$RC" 6 "EOF in the handshake: exit 6"
is "$ERR" "sonde tls: TLS handshake with 10.80.0.2 port 8461 failed: $sc_reason" \
	"EOF in the handshake: s_client's reason (${sc_reason:-none})"
start=$(date +%s.%N)
lab_run cli "$SONDE" tls --scan --timeout 2 10.80.0.2:8462
secs=$(echo "$(date +%s.%N) - $start" | bc)
ok_rc "$RC" 4 "--scan, a silent server: exit 4 (timeout)"
[ "$(echo "$secs < 5" | bc)" = 1 ] && pass "--scan, a silent server: one timeout ends the scan ($secs s)" ||
	fail "--scan, a silent server: took $secs s"
like "$OUT" "^  TLSv1     timed out \(no handshake within 2 s\)$" "--scan, a silent server: says timed out"
unlike "$OUT" "rejected" "--scan, a silent server: no version called rejected"
is "$ERR" "sonde tls: 10.80.0.2 port 8462: the scan stopped: timed out" "--scan, a silent server: says why it stopped"
run "$SONDE" tls --tls1.2 --tls1.3 host
ok_rc "$RC" 2 "--tls1.2 with --tls1.3: usage error"
run "$SONDE" tls --min-version 1.5 host
is "$ERR" "sonde tls: --min-version: not a TLS version (1.0, 1.1, 1.2, 1.3): '1.5'" "bad version: one line"
run "$SONDE" tls
ok_rc "$RC" 2 "no operand: usage error"

# --- no trust store at all (an empty container) ---------------------------------------------------
lab_run cli env SSL_CERT_FILE=/nonexistent SSL_CERT_DIR=/nonexistent "$SONDE" tls valid.lab.test:8441
ok_rc "$RC" 7 "no CA store anywhere: exit 7"
like "$ERR" "verification is impossible: no system store \(neither /nonexistent nor /nonexistent exists\)" \
	"no CA store: says verification is impossible"
like "$OUT" "Protocol:      TLSv1.3" "no CA store: the rest is still reported"

# --- the program image mapped at once (APPLET_POPULATE_IMAGE), for tls only ------------------------
if command -v strace >/dev/null; then
	run strace -f -e trace=madvise "$SONDE" tls --help
	like "$ERR" "MADV_POPULATE_READ" "tls maps the program image in a few calls before it starts"
	run strace -f -e trace=madvise "$SONDE" ping --help
	unlike "$ERR" "MADV_POPULATE" "an applet without the flag does not"
else
	skip "tls maps the program image in a few calls before it starts" "no strace"
	skip "an applet without the flag does not" "no strace"
fi

done_testing
