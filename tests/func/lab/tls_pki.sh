# tests/func/lab/tls_pki.sh — a small PKI for the TLS tests, made with the
# openssl CLI in $LAB_TMP/pki (sourced after lib.sh):
#   root.pem            "Sonde Lab Root" (trust anchor)
#   inter.pem           "Sonde Lab Intermediate", signed by root
#   other-root.pem      an unrelated root (for "untrusted")
#   pki_leaf NAME SANS [openssl-ca date options...]
#                       NAME.pem/NAME.key signed by the intermediate
# and the lab the TLS tests share:
#   tls_lab NET         namespaces cli (NET.1) and srv (NET.2) on one link
# EC P-256 keys keep generation instant.
PKI=$LAB_TMP/pki
mkdir -p "$PKI/newcerts"
: >"$PKI/index.txt"
echo 1000 >"$PKI/serial"
cat >"$PKI/ca.cnf" <<EOF
[ ca ]
default_ca = lab
[ lab ]
database = $PKI/index.txt
new_certs_dir = $PKI/newcerts
serial = $PKI/serial
default_md = sha256
default_days = 365
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
[ v3_leaf ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
[ v3_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
EOF

_pki_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# _pki_root NAME CN: a self-signed CA.
_pki_root() {
	_pki_key "$PKI/$1.key"
	openssl req -x509 -new -key "$PKI/$1.key" -out "$PKI/$1.pem" -days 3650 -subj "/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# _pki_sign ISSUER EXT CSR OUT [date options]
_pki_sign() {
	local issuer=$1 ext=$2 csr=$3 out=$4
	shift 4
	openssl ca -batch -notext -config "$PKI/ca.cnf" -cert "$PKI/$issuer.pem" -keyfile "$PKI/$issuer.key" \
		-extensions "$ext" -in "$csr" -out "$out" "$@" >/dev/null 2>&1
}

pki_leaf() { # NAME SANS [date options]
	local name=$1 sans=$2 cn
	shift 2
	cn=${sans%%,*}
	cn=${cn#DNS:}
	_pki_key "$PKI/$name.key"
	openssl req -new -key "$PKI/$name.key" -out "$PKI/$name.csr" -subj "/CN=$cn" \
		-addext "subjectAltName=$sans" 2>/dev/null
	_pki_sign inter v3_leaf "$PKI/$name.csr" "$PKI/$name.pem" "$@"
	cat "$PKI/$name.pem" "$PKI/inter.pem" >"$PKI/$name-chain.pem"
}

_pki_root root "Sonde Lab Root"
_pki_root other-root "Another Root"
_pki_key "$PKI/inter.key"
openssl req -new -key "$PKI/inter.key" -out "$PKI/inter.csr" -subj "/CN=Sonde Lab Intermediate" 2>/dev/null
_pki_sign root v3_inter "$PKI/inter.csr" "$PKI/inter.pem" -days 1825
[ -s "$PKI/inter.pem" ] || { echo "Bail out! cannot build the test PKI"; exit 1; }

tls_lab() { # NET: "10.80.0"
	lab_ns cli
	lab_ns srv
	lab_link cli "$1.1/24" srv "$1.2/24"
}
