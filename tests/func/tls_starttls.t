#!/bin/bash
# sonde tls --starttls imap, pop3, ftp, postgres and mysql against small
# responders written here (each speaks its protocol's opening, then hands
# the connection to TLS with a leaf of the lab PKI), each compared with
# `openssl s_client -starttls` on the same responder.  SMTP is in tls.t.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd openssl ss python3
. "$TESTS_DIR/func/lab/tls_pki.sh"

tls_lab 10.81.0
pki_leaf valid "DNS:mail.lab.test,IP:10.81.0.2"
CA=$PKI/root.pem

# responder PROTO PORT: serves a few connections, each: the protocol's
# plain-text opening as a server of that kind speaks it, then TLS.  The
# openings are the ones openssl s_client and sonde both expect; commands a
# client may send first (IMAP and POP3 capability requests) are answered.
cat >"$LAB_TMP/responder.py" <<EOF
import socket, ssl, struct, sys
proto, port = sys.argv[1], int(sys.argv[2])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("$PKI/valid-chain.pem", "$PKI/valid.key")

def imap(conn, f):
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] lab IMAP ready\r\n")
    for _ in range(5):
        tag, _, cmd = f.readline().strip().partition(b" ")
        if cmd.upper() == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n" + tag + b" OK done\r\n")
        elif cmd.upper() == b"STARTTLS":
            conn.sendall(b"* OK a line before the answer\r\n" + tag + b" OK Begin TLS negotiation now\r\n")
            return True
        else:
            conn.sendall(tag + b" BAD what\r\n")
    return False

def pop3(conn, f):
    conn.sendall(b"+OK lab POP3 ready\r\n")
    for _ in range(5):
        cmd = f.readline().strip().upper()
        if cmd == b"CAPA":
            conn.sendall(b"+OK\r\nUSER\r\nSTLS\r\n.\r\n")
        elif cmd == b"STLS":
            conn.sendall(b"+OK begin TLS\r\n")
            return True
        else:
            conn.sendall(b"-ERR what\r\n")
    return False

def ftp(conn, f):
    conn.sendall(b"220-lab FTP\r\n220-more greeting\r\n220 ready\r\n")
    for _ in range(5):
        cmd = f.readline().strip().upper()
        if cmd in (b"AUTH TLS", b"AUTH SSL"):
            conn.sendall(b"234 AUTH TLS successful\r\n")
            return True
        conn.sendall(b"502 not here\r\n")
    return False

def postgres(conn, f):
    request = f.read(8)
    if request != struct.pack("!II", 8, 80877103):
        return False
    conn.sendall(b"S")
    return True

def mysql(conn, f):
    # A protocol 10 handshake offering CLIENT_SSL (with PROTOCOL_41 and
    # SECURE_CONNECTION), as MySQL 8 sends it.
    caps = 0x0200 | 0x0800 | 0x8000
    payload = (b"\x0a" + b"8.0.36-lab\x00" + struct.pack("<I", 7) + b"abcdefgh" + b"\x00" +
               struct.pack("<H", caps & 0xffff) + b"\x21" + struct.pack("<H", 2) +
               struct.pack("<H", caps >> 16) + b"\x15" + b"\x00" * 10 + b"ijklmnopqrst\x00" +
               b"mysql_native_password\x00")
    conn.sendall(struct.pack("<I", len(payload))[:3] + b"\x00" + payload)
    header = f.read(4)
    if len(header) != 4:
        return False
    body = f.read(header[0] | header[1] << 8 | header[2] << 16)
    return len(body) >= 4 and struct.unpack("<I", body[:4])[0] & 0x0800 != 0

speak = {"imap": imap, "pop3": pop3, "ftp": ftp, "postgres": postgres, "mysql": mysql}[proto]
srv = socket.create_server(("10.81.0.2", port))
srv.settimeout(60)
for _ in range(4):
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

jfield() { python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT"; }

# starttls_case PROTO PORT: sonde (JSON and text) and s_client on one responder.
starttls_case() {
	local proto=$1 port=$2
	lab_bg srv python3 "$LAB_TMP/responder.py" "$proto" "$port"
	lab_wait_listen srv "$port"
	lab_run cli openssl s_client -starttls "$proto" -connect "10.81.0.2:$port" -servername mail.lab.test \
		-CAfile "$CA" -verify_return_error -verify_hostname mail.lab.test
	local sc_rc=$RC
	lab_run cli "$SONDE" tls --json --starttls "$proto" --cafile "$CA" --sni mail.lab.test "10.81.0.2:$port"
	ok_rc "$RC" 0 "--starttls $proto: exit 0"
	is "$([ "$RC" = 0 ] && echo verified || echo failed)" "$([ "$sc_rc" = 0 ] && echo verified || echo failed)" \
		"--starttls $proto: verified as by openssl s_client -starttls $proto on the same responder"
	is "$(jfield 'r["verdict"], r["chain"][0]["subject"], r["verification"]["name"]')" \
		"('ok', 'CN = mail.lab.test', 'mail.lab.test')" "--starttls $proto: the leaf after the upgrade, verified"
	like "$(jfield 'r["timings"]["starttls_ms"]')" "^[0-9.]+$" "--starttls $proto: its time is reported"
	lab_run cli "$SONDE" tls -starttls "$proto" -CAfile "$CA" -servername mail.lab.test -connect "10.81.0.2:$port"
	ok_rc "$RC" 0 "-starttls $proto (s_client's spelling): exit 0"
	like "$OUT" "Verdict: ok" "-starttls $proto: text verdict"
}

starttls_case imap 8143
starttls_case pop3 8110
starttls_case ftp 8021
starttls_case postgres 8432
starttls_case mysql 8306

# --- refusals ------------------------------------------------------------------------
# A POP3 server without STLS: sonde says what it said, exit 6 (handshake).
cat >"$LAB_TMP/nostls.py" <<'EOF'
import socket
srv = socket.create_server(("10.81.0.2", 8111))
srv.settimeout(30)
conn, _ = srv.accept()
conn.settimeout(10)
conn.sendall(b"+OK old POP3\r\n")
conn.makefile("rb").readline()
conn.sendall(b"-ERR unknown command\r\n")
conn.close()
EOF
lab_bg srv python3 "$LAB_TMP/nostls.py"
lab_wait_listen srv 8111
lab_run cli "$SONDE" tls --starttls pop3 --cafile "$CA" 10.81.0.2:8111
ok_rc "$RC" 6 "POP3 without STLS: exit 6"
is "$ERR" "sonde tls: 10.81.0.2 port 8111: STARTTLS refused at STLS: server said '-ERR unknown command'" \
	"POP3 without STLS: one line quoting the server"

run "$SONDE" tls --starttls gopher host
ok_rc "$RC" 2 "--starttls with an unknown protocol: usage error"

done_testing
