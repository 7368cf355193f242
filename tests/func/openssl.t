#!/bin/bash
# sonde openssl s_client, x509 and version against the real openssl
# (Debian's, 3.0) on the same servers of a lab namespace: `openssl
# s_server` with a lab PKI (good chain, self-signed, expired, missing
# intermediate, wrong name), STARTTLS responders for SMTP and IMAP, a
# refused port; stdout, stderr and exit code compared with only the
# session's own bytes masked (session ids, tickets, keys, times; the
# tickets and the "read R BLOCK" after them arrive when they arrive; the
# handshake's byte counts, as sonde's ClientHello is not s_client's).
# x509 on the PKI's certificates in PEM and DER, every printing option.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd openssl python3 perl
. "$TESTS_DIR/func/lab/tls_pki.sh"

tls_lab 10.82.0
pki_leaf valid "DNS:valid.lab.test,IP:10.82.0.2"
pki_leaf expired DNS:valid.lab.test -startdate 20200101000000Z -enddate 20200201000000Z
_pki_key "$PKI/self.key"
openssl req -x509 -new -key "$PKI/self.key" -out "$PKI/self.pem" -days 30 -subj "/CN=valid.lab.test/O=Lab, Inc." \
	-addext "subjectAltName=DNS:valid.lab.test" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/rsa.key" 2>/dev/null
openssl req -x509 -new -key "$PKI/rsa.key" -out "$PKI/rsa.pem" -days 10 -subj "/C=FR/O=Sonde/CN=rsa.lab.test" \
	-addext "subjectAltName=DNS:rsa.lab.test,email:a@lab.test" 2>/dev/null
CA=$PKI/root.pem

server() { # PORT CERTNAME [s_server options]
	local port=$1 name=$2
	shift 2
	lab_bg srv openssl s_server -quiet -www -accept "10.82.0.2:$port" -cert "$PKI/$name.pem" \
		-key "$PKI/$name.key" "$@"
	lab_wait_listen srv "$port"
}
server 8441 valid -cert_chain "$PKI/inter.pem" -alpn h2,http/1.1
server 8442 expired -cert_chain "$PKI/inter.pem"
server 8444 self
server 8446 valid
server 8448 valid -cert_chain "$PKI/inter.pem" -tls1_2

# The session's own bytes masked; what arrives after the report (tickets,
# and the "read R BLOCK" each leaves) taken out.
mask() {
	perl -0777 -pe 's/---\nPost-Handshake New Session Ticket arrived:\n.*?\n---\n//sg;
		s/^read R BLOCK\n//mg;
		s/^(    (Session-ID|Master-Key|Resumption PSK|Start Time): ).*$/${1}X/mg;
		s/^    [0-9a-f]{4} - .*\n//mg;
		s/has read \d+ bytes and written \d+ bytes/has read N bytes and written N bytes/g'
}
# stderr without OpenSSL's error-queue lines (their first field is an
# address of the process) and sonde's own explanation of a failure.
# STARTTLS cases also take out the server's last line before the upgrade,
# which s_client echoes there and sonde does not (docs/openssl.md).
mask_err() { grep -v -E "^[0-9A-F]+:error:|^sonde openssl: ${STARTTLS_ECHO:+|$STARTTLS_ECHO}" || true; }

# same_s_client NAME STDIN_TEXT ARGS...: both tools, stdout, stderr, exit code.
same_s_client() {
	local name=$1 input=$2 want_out want_err want_rc
	shift 2
	printf '%s' "$input" >"$LAB_TMP/stdin"
	ip netns exec "$(ns cli)" timeout -k 5 20 openssl s_client "$@" <"$LAB_TMP/stdin" >"$LAB_TMP/o" 2>"$LAB_TMP/e"
	want_rc=$?
	want_out=$(mask <"$LAB_TMP/o")
	want_err=$(mask_err <"$LAB_TMP/e")
	ip netns exec "$(ns cli)" timeout -k 5 20 "$SONDE" openssl s_client "$@" <"$LAB_TMP/stdin" \
		>"$LAB_TMP/o" 2>"$LAB_TMP/e"
	RC=$?
	OUT=$(cat "$LAB_TMP/o")
	ERR=$(cat "$LAB_TMP/e")
	is "$(mask <<<"$OUT")" "$want_out" "s_client $name: stdout as openssl's"
	is "$(mask_err <<<"$ERR")" "$want_err" "s_client $name: stderr as openssl's"
	ok_rc "$RC" "$want_rc" "s_client $name: exit $want_rc as openssl's"
}

H=10.82.0.2
same_s_client "good chain" "" -connect $H:8441 -CAfile "$CA"
like "$OUT" "^Verify return code: 0 \(ok\)$" "s_client good chain: verified"
same_s_client "-showcerts" "" -connect $H:8441 -CAfile "$CA" -showcerts
same_s_client "self-signed" "" -connect $H:8444 -CAfile "$CA"
like "$OUT" "^Verify return code: 18 \(self-signed certificate\)$" "s_client self-signed: code 18"
same_s_client "expired" "" -connect $H:8442 -CAfile "$CA"
like "$ERR" "^notAfter=Feb  1 00:00:00 2020 GMT$" "s_client expired: notAfter on stderr"
same_s_client "missing intermediate" "" -connect $H:8446 -CAfile "$CA"
like "$OUT" "^Verify return code: 21 " "s_client missing intermediate: code 21"
same_s_client "wrong host name, not checked" "" -connect $H:8441 -CAfile "$CA" -servername other.lab.test
same_s_client "wrong host name, -verify_hostname" "" -connect $H:8441 -CAfile "$CA" -verify_hostname other.lab.test
like "$OUT" "^Verify return code: 62 \(hostname mismatch\)$" "s_client -verify_hostname: code 62"
same_s_client "-verify_ip" "" -connect $H:8441 -CAfile "$CA" -verify_ip 10.82.0.2
same_s_client "-verify_return_error, expired" "" -connect $H:8442 -CAfile "$CA" -verify_return_error
ok_rc "$RC" 1 "s_client -verify_return_error on an expired certificate: exit 1"
same_s_client "-verify_return_error, good" "" -connect $H:8441 -CAfile "$CA" -verify_return_error \
	-servername valid.lab.test
same_s_client "-brief" "" -connect $H:8441 -CAfile "$CA" -brief
same_s_client "-brief, self-signed" "" -connect $H:8444 -CAfile "$CA" -brief
same_s_client "-tls1_2 -status -alpn" "" -connect $H:8441 -CAfile "$CA" -tls1_2 -status -alpn h2
like "$OUT" "^ALPN protocol: h2$" "s_client -alpn: the server's choice"
same_s_client "-tls1_3 on a TLS 1.2 server" "" -connect $H:8448 -CAfile "$CA" -tls1_3
ok_rc "$RC" 1 "s_client -tls1_3 against TLS 1.2 only: exit 1"
same_s_client "-CApath" "" -connect $H:8441 -CApath "$PKI" -servername valid.lab.test
same_s_client "-cert -key" "" -connect $H:8441 -CAfile "$CA" -cert "$PKI/valid.pem" -key "$PKI/valid.key"
same_s_client "refused port" "" -connect $H:9
is "$(tail -1 <<<"$ERR")" "connect:errno=111" "s_client refused port: openssl's errno line"
same_s_client "Q quits" "Q
" -connect $H:8441 -CAfile "$CA"

# What is typed goes to the server and its answer to stdout.
printf 'GET / HTTP/1.0\r\n\r\n' >"$LAB_TMP/get"
lab_run cli bash -c "(cat $LAB_TMP/get; sleep 2) | $SONDE openssl s_client -connect $H:8441 -CAfile $CA -brief"
like "$OUT" "^HTTP/1.0 200 ok" "s_client sends stdin: the server's page on stdout"
ok_rc "$RC" 0 "s_client: exit 0 when the server ends the conversation"

# The runbook's pipe: the server certificate read back by x509.
lab_run cli bash -c "echo | openssl s_client -connect $H:8441 2>/dev/null | openssl x509 -noout -dates -subject"
want=$OUT
lab_run cli bash -c "echo | $SONDE openssl s_client -connect $H:8441 2>/dev/null | $SONDE openssl x509 -noout -dates -subject"
is "$OUT" "$want" "s_client | x509 -noout -dates -subject: as openssl's pipe"

# --- STARTTLS: responders that hand over to TLS ------------------------------------------
cat >"$LAB_TMP/starttls.py" <<EOF
import socket, ssl, sys
proto, port = sys.argv[1], int(sys.argv[2])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("$PKI/valid-chain.pem", "$PKI/valid.key")

def smtp(conn, f):
    conn.sendall(b"220 smtp.lab.test ESMTP ready\r\n")
    if not f.readline().upper().startswith(b"EHLO"):
        return False
    conn.sendall(b"250-smtp.lab.test\r\n250-SIZE 1000\r\n250 STARTTLS\r\n")
    if f.readline().strip().upper() != b"STARTTLS":
        return False
    conn.sendall(b"220 2.0.0 go ahead\r\n")
    return True

def imap(conn, f):
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] lab IMAP ready\r\n")
    for _ in range(5):
        tag, _, cmd = f.readline().strip().partition(b" ")
        if cmd.upper() == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + b" OK done\r\n")
        elif cmd.upper() == b"STARTTLS":
            conn.sendall(tag + b" OK Begin TLS negotiation now\r\n")
            return True
        else:
            conn.sendall(tag + b" BAD what\r\n")
    return False

speak = {"smtp": smtp, "imap": imap}[proto]
srv = socket.create_server(("10.82.0.2", port))
srv.settimeout(60)
for _ in range(2):
    conn, _ = srv.accept()
    conn.settimeout(10)
    f = conn.makefile("rb", buffering=0)
    try:
        if speak(conn, f):
            tls = ctx.wrap_socket(conn, server_side=True)
            tls.recv(1)
            tls.close()
        else:
            conn.close()
    except (ssl.SSLError, OSError):
        conn.close()
EOF
for proto_port in smtp:8425 imap:8143; do
	proto=${proto_port%:*} port=${proto_port#*:}
	lab_bg srv python3 "$LAB_TMP/starttls.py" "$proto" "$port"
	lab_wait_listen srv "$port"
	STARTTLS_ECHO='^(250 STARTTLS|\. OK done)' same_s_client "-starttls $proto" "" -connect $H:"$port" \
		-starttls "$proto" -CAfile "$CA" -tls1_3
done

# --- x509 ---------------------------------------------------------------------------
for name in valid root self rsa expired; do
	openssl x509 -in "$PKI/$name.pem" -outform DER -out "$PKI/$name.der"
done
# same_x509 NAME ARGS...: both tools in the lab, stdout, stderr and exit code.
same_x509() {
	local name=$1 want_out want_err want_rc
	shift
	lab_run cli openssl x509 "$@"
	want_out=$OUT want_err=$ERR want_rc=$RC
	lab_run cli "$SONDE" openssl x509 "$@"
	is "$OUT" "$want_out" "x509 $name: stdout as openssl's"
	is "$(mask_err <<<"$ERR")" "$(mask_err <<<"$want_err")" "x509 $name: stderr as openssl's"
	ok_rc "$RC" "$want_rc" "x509 $name: exit $want_rc as openssl's"
}
for name in valid self rsa; do
	for form in pem der; do
		inform=$(tr a-z A-Z <<<"$form")
		same_x509 "$name.$form -text" -in "$PKI/$name.$form" -inform "$inform" -text
		same_x509 "$name.$form, format guessed" -in "$PKI/$name.$form" -noout -subject -issuer
	done
done
same_x509 "every field in the order given" -in "$PKI/rsa.pem" -noout -serial -enddate -subject -fingerprint \
	-issuer -startdate -pubkey -dates
same_x509 "-fingerprint -sha256" -in "$PKI/valid.pem" -noout -fingerprint -sha256
same_x509 "-sha1 -fingerprint" -in "$PKI/valid.pem" -noout -sha1 -fingerprint
same_x509 "-checkend 0" -in "$PKI/valid.pem" -noout -checkend 0
same_x509 "-checkend a year" -in "$PKI/valid.pem" -checkend 31536000
same_x509 "-checkend, expired" -in "$PKI/expired.der" -checkend 60
same_x509 "-ext" -in "$PKI/rsa.pem" -noout -ext subjectAltName,basicConstraints,keyUsage
same_x509 "-ext nothing matching" -in "$PKI/valid.pem" -noout -ext nameConstraints
for opt in RFC2253 oneline multiline compat "oneline,-space_eq" "sep_semi_plus_space,lname" "RFC2253,dn_rev"; do
	same_x509 "-nameopt $opt" -in "$PKI/self.pem" -noout -subject -issuer -nameopt "$opt"
done
same_x509 "no -noout" -in "$PKI/self.der" -subject
same_x509 "stdin" -noout -subject -in /dev/stdin <"$PKI/valid.pem"
same_x509 "not a certificate" -in "$PKI/valid.key" -noout -subject
same_x509 "-inform PEM on DER" -in "$PKI/valid.der" -inform PEM -noout
lab_run cli "$SONDE" openssl x509 -in "$PKI/valid.pem" -noout -subject <"$PKI/valid.pem"
lab_run cli bash -c "$SONDE openssl x509 -noout -serial <$PKI/valid.der"
is "$OUT" "serial=1001" "x509 reads DER from stdin"

# --- version and refusals ------------------------------------------------------------
run "$SONDE" openssl version
is "$(head -1 <<<"$OUT")" "$(openssl version)" "version: OpenSSL's line first (the same library), for scripts"
like "$OUT" "^sonde [^ ]+.*applet openssl, imitating openssl" "version: then sonde's version and what it imitates"
ok_rc "$RC" 0 "version: exit 0"
run "$SONDE" openssl req -new
ok_rc "$RC" 1 "a subcommand sonde lacks: exit 1 as openssl's unknown command"
like "$ERR" "not a subcommand sonde's openssl has" "a subcommand sonde lacks: said so"
run "$SONDE" openssl s_client -reconnect
ok_rc "$RC" 1 "an s_client option sonde lacks: refused, exit 1"
run "$SONDE" openssl x509 -in "$PKI/valid.pem" -starttls smtp
ok_rc "$RC" 1 "an option of another subcommand: refused, exit 1"
run "$SONDE" openssl --json x509 -in "$PKI/valid.pem"
ok_rc "$RC" 1 "--json: refused with exit 1"
like "$OUT" '"exit_code": ?1' "--json: the failure object"

done_testing
