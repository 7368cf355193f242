#!/bin/bash
# nc --ssl: a TLS client against `openssl s_server` in a lab namespace, with
# a self-signed certificate made here; verification by name and by IP.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd openssl ss nc.openbsd

lab_ns cli
lab_ns srv
lab_link cli 10.79.0.1/24 srv 10.79.0.2/24
# Names for the server, seen by `ip netns exec cli` as its /etc/hosts.
mkdir -p "/etc/netns/$(ns cli)"
printf '10.79.0.2 lab.test other.test\n' >"/etc/netns/$(ns cli)/hosts"
lab_resolv_conf cli "nameserver 127.0.0.1"

cert=$LAB_TMP/cert.pem key=$LAB_TMP/key.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$key" -out "$cert" -days 2 -subj "/CN=lab.test" \
	-addext "subjectAltName=DNS:lab.test,IP:10.79.0.2" 2>/dev/null || { echo "Bail out! openssl req failed"; exit 1; }

# tls_server PORT: one s_server session, received data into $LAB_TMP/tls.PORT;
# its input stays open (s_server stops at end of input) and says "pong".
tls_server() {
	lab_bg srv sh -c "(echo pong; sleep 10) | openssl s_server -quiet -naccept 1 -accept 10.79.0.2:$1 \
		-cert '$cert' -key '$key' >'$LAB_TMP/tls.$1' 2>/dev/null"
	lab_wait_listen srv "$1"
}

tls_server 8443
lab_run cli sh -c "echo ping | '$SONDE' nc --ssl -v -q 1 10.79.0.2 8443"
ok_rc "$RC" 0 "--ssl: exit 0"
is "$OUT" "pong" "--ssl: the server's data arrives decrypted"
is "$(cat "$LAB_TMP/tls.8443")" "ping" "--ssl: our data arrives at the server"
like "$ERR" "TLS handshake negotiated TLSv1\.[23]/[A-Z0-9_-]+ with host 10\.79\.0\.2" "--ssl -v: the negotiated version"
like "$ERR" "Certificate NOT verified" "--ssl -v without --ssl-verify says the certificate was not verified"

tls_server 8444
lab_run cli sh -c "echo ping | '$SONDE' nc --ssl-verify --ssl-ca '$cert' -v -q 1 lab.test 8444"
ok_rc "$RC" 0 "--ssl-verify --ssl-ca, matching name: exit 0"
is "$OUT" "pong" "--ssl-verify, matching name: data flows"
like "$ERR" "Certificate verified for lab.test" "--ssl-verify -v: says verified"

tls_server 8445
lab_run cli sh -c "echo ping | '$SONDE' nc --ssl-ca '$cert' -q 1 10.79.0.2 8445"
ok_rc "$RC" 0 "--ssl-ca with an IP: the IP in the certificate matches"

tls_server 8446
lab_run cli sh -c "echo ping | '$SONDE' nc --ssl-verify --ssl-ca '$cert' -q 1 other.test 8446"
ok_rc "$RC" 1 "--ssl-verify, name mismatch: exit 1"
is "$ERR" "sonde nc: TLS handshake with other.test failed: certificate verify failed: hostname mismatch" \
	"--ssl-verify, name mismatch: one line saying why"
is "$OUT" "" "--ssl-verify, name mismatch: no data"

tls_server 8447
lab_run cli sh -c "echo ping | '$SONDE' nc --ssl-verify -q 1 lab.test 8447"
ok_rc "$RC" 1 "--ssl-verify against the system store: a self-signed certificate fails"
like "$ERR" "^sonde nc: TLS handshake with lab.test failed: certificate verify failed: self-signed certificate$" \
	"--ssl-verify, untrusted: one line saying why"

# A plain TCP server is not a TLS server.
lab_bg srv sh -c "sleep 10 | nc.openbsd -l 10.79.0.2 8448"
lab_wait_listen srv 8448
lab_run cli "$SONDE" nc --ssl -w 2 10.79.0.2 8448
ok_rc "$RC" 1 "--ssl against a server that never answers TLS: exit 1"
like "$ERR" "^sonde nc: TLS handshake with 10.79.0.2 failed: handshake timed out$" "--ssl: the handshake honours -w"

tls_server 8449
lab_run cli "$SONDE" nc --ssl-ca "$LAB_TMP/missing.pem" 10.79.0.2 8449
ok_rc "$RC" 1 "--ssl-ca with a missing file: exit 1"
like "$ERR" "^sonde nc: TLS handshake with 10.79.0.2 failed: cannot load CA certificates from $LAB_TMP/missing.pem" \
	"--ssl-ca with a missing file: says which file"

done_testing
