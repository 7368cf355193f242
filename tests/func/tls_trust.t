#!/bin/bash
# sonde tls: a stapled OCSP response (good and revoked, made by `openssl
# ocsp` from the lab PKI and served by `openssl s_server -status_file`),
# trust from a hashed directory (--capath), and --ciphers; each compared
# with openssl s_client on the same server.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd openssl ss python3
. "$TESTS_DIR/func/lab/tls_pki.sh"

tls_lab 10.82.0
pki_leaf valid "DNS:valid.lab.test,IP:10.82.0.2"
pki_leaf revoked "DNS:revoked.lab.test,IP:10.82.0.2"
openssl ca -batch -config "$PKI/ca.cnf" -cert "$PKI/inter.pem" -keyfile "$PKI/inter.key" \
	-revoke "$PKI/revoked.pem" >/dev/null 2>&1
CA=$PKI/root.pem

# ocsp_response NAME: the intermediate's OCSP answer about NAME's leaf.
ocsp_response() {
	openssl ocsp -issuer "$PKI/inter.pem" -cert "$PKI/$1.pem" -no_nonce -reqout "$PKI/$1.ocsp-req" >/dev/null 2>&1
	openssl ocsp -index "$PKI/index.txt" -CA "$PKI/inter.pem" -rsigner "$PKI/inter.pem" -rkey "$PKI/inter.key" \
		-reqin "$PKI/$1.ocsp-req" -respout "$PKI/$1.ocsp" -ndays 2 >/dev/null 2>&1
}
ocsp_response valid
ocsp_response revoked

server() { # PORT CERTNAME [s_server options]
	local port=$1 name=$2
	shift 2
	lab_bg srv openssl s_server -quiet -www -accept "10.82.0.2:$port" -cert "$PKI/$name.pem" \
		-key "$PKI/$name.key" -cert_chain "$PKI/inter.pem" "$@"
	lab_wait_listen srv "$port"
}
server 8541 valid -status_file "$PKI/valid.ocsp"
server 8542 revoked -status_file "$PKI/revoked.ocsp"
server 8543 valid
server 8544 valid -tls1_2
server 8545 valid -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305

jfield() { python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT"; }
# s_client's word on the staple: "good", "revoked"..., or "none".
sc_ocsp() { # PORT
	lab_run cli sh -c "sleep 1 | openssl s_client -connect 10.82.0.2:$1 -status -CAfile '$CA'"
	local status
	status=$(printf '%s\n' "$OUT" | sed -n 's/^ *Cert Status: *//p' | head -1)
	echo "${status:-none}"
}

# --- OCSP staple ---------------------------------------------------------------------
lab_run cli "$SONDE" tls --json --cafile "$CA" --sni valid.lab.test 10.82.0.2:8541
ok_rc "$RC" 0 "stapled good response: exit 0"
is "$(jfield 'r["ocsp_staple"]')" "$(sc_ocsp 8541)" "stapled good response: as openssl s_client -status says"
is "$(jfield 'r["ocsp_staple"]')" good "stapled good response: JSON says good"
lab_run cli "$SONDE" tls --cafile "$CA" --sni valid.lab.test 10.82.0.2:8541
like "$OUT" "OCSP staple:   good" "stapled good response: the text report says so"
lab_run cli "$SONDE" tls --json --cafile "$CA" --sni revoked.lab.test 10.82.0.2:8542
is "$(jfield 'r["ocsp_staple"]')" "$(sc_ocsp 8542)" "stapled revoked response: as openssl s_client -status says"
is "$(jfield 'r["ocsp_staple"]')" revoked "stapled revoked response: JSON says revoked"
lab_run cli "$SONDE" tls --json --cafile "$CA" --sni valid.lab.test 10.82.0.2:8543
is "$(jfield 'r["ocsp_staple"]')" "$(sc_ocsp 8543)" "no staple: as openssl s_client -status says"

# --- --capath: a hashed directory ------------------------------------------------------------
mkdir -p "$LAB_TMP/capath-good" "$LAB_TMP/capath-other"
cp "$PKI/root.pem" "$LAB_TMP/capath-good/"
cp "$PKI/other-root.pem" "$LAB_TMP/capath-other/"
openssl rehash "$LAB_TMP/capath-good" "$LAB_TMP/capath-other" 2>/dev/null
# The verdict as "CODE:reason" (0 when verified), from s_client and from sonde.
sc_verdict() { # PORT NAME [s_client options]
	local port=$1 name=$2
	shift 2
	lab_run cli openssl s_client -connect "10.82.0.2:$port" -servername "$name" -verify_return_error \
		-verify_hostname "$name" "$@"
	if [ "$RC" = 0 ]; then echo 0; return; fi
	local line
	line=$(printf '%s\n' "$ERR" "$OUT" | grep -m1 -o 'verify error:num=[0-9]*:.*')
	if [ -n "$line" ]; then echo "${line#verify error:num=}"; else echo handshake; fi
}
our_verdict() {
	python3 -c '
import json, sys
v = json.loads(sys.stdin.read())["verification"]
print("%d:%s" % (v["error"], v["reason"]) if v["error"] else 0)' <<<"$OUT"
}
lab_run cli "$SONDE" tls --json --capath "$LAB_TMP/capath-good" --sni valid.lab.test 10.82.0.2:8543
ok_rc "$RC" 0 "--capath with the root: exit 0"
is "$(jfield 'r["verification"]["trust"]')" "CA directory $LAB_TMP/capath-good" "--capath: the trust source named"
is "$(our_verdict)" "$(sc_verdict 8543 valid.lab.test -CApath "$LAB_TMP/capath-good")" \
	"--capath with the root: as openssl s_client -CApath"
lab_run cli "$SONDE" tls --json --capath "$LAB_TMP/capath-other" --sni valid.lab.test 10.82.0.2:8543
ok_rc "$RC" 7 "--capath with another root only: untrusted, exit 7"
is "$(our_verdict)" "$(sc_verdict 8543 valid.lab.test -CApath "$LAB_TMP/capath-other")" \
	"--capath with another root: the same error as openssl s_client -CApath"
lab_run cli "$SONDE" tls -CApath "$LAB_TMP/capath-good" -servername valid.lab.test -connect 10.82.0.2:8543
ok_rc "$RC" 0 "-CApath (s_client's spelling): exit 0"
lab_run cli "$SONDE" tls --capath "$LAB_TMP/nosuchdir" 10.82.0.2:8543
ok_rc "$RC" 2 "--capath that is not a directory: exit 2"

# --- --ciphers (TLS 1.2) --------------------------------------------------------------------------
sc_cipher() { # PORT CIPHERS: the cipher s_client negotiates, or "failed"
	lab_run cli sh -c "sleep 1 | openssl s_client -connect 10.82.0.2:$1 -tls1_2 -cipher '$2' -CAfile '$CA'"
	local cipher
	cipher=$(printf '%s\n' "$OUT" | sed -n 's/^ *Cipher *: *//p' | head -1)
	[ "$RC" = 0 ] && [ -n "$cipher" ] && [ "$cipher" != 0000 ] && echo "$cipher" || echo failed
}
for c in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES256-SHA384; do
	lab_run cli "$SONDE" tls --json --tls1.2 --ciphers "$c" --cafile "$CA" --sni valid.lab.test 10.82.0.2:8544
	is "$(jfield 'r["cipher"]')" "$(sc_cipher 8544 "$c")" "--ciphers $c: negotiated as with openssl s_client -cipher"
done
lab_run cli "$SONDE" tls --tls1.2 --ciphers ECDHE-ECDSA-AES256-GCM-SHA384 --cafile "$CA" --sni valid.lab.test \
	10.82.0.2:8545
ok_rc "$RC" 6 "--ciphers the server does not take: handshake failure, exit 6"
is "$([ "$RC" = 0 ] && echo ok || echo failed)" "$(sc_cipher 8545 ECDHE-ECDSA-AES256-GCM-SHA384)" \
	"--ciphers the server does not take: fails as openssl s_client -cipher does"
lab_run cli "$SONDE" tls --json --tls1.2 -cipher 'AESGCM:CHACHA20' --cafile "$CA" --sni valid.lab.test 10.82.0.2:8545
is "$(jfield 'r["cipher"]')" "$(sc_cipher 8545 'AESGCM:CHACHA20')" \
	"-cipher with a list the server meets (s_client's spelling): as s_client"
lab_run cli "$SONDE" tls --ciphers NOSUCHCIPHER --cafile "$CA" 10.82.0.2:8544
ok_rc "$RC" 2 "--ciphers with no cipher OpenSSL knows: exit 2"
like "$ERR" "no usable cipher in 'NOSUCHCIPHER'" "--ciphers with no known cipher: says so"

done_testing
