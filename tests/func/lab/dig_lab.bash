# The DNS lab for sonde dig's tests (sourced by tests/func/dig*.t): one
# namespace "dns" whose loopback holds the server addresses, knotd serving
# every record type dig presents (two DNSSEC-signed zones among them), a
# second knotd as the lab's root server for +trace, and a pod-like
# resolv.conf.  Nothing here can reach outside the namespace.
DNS_V4=10.53.0.1 ROOT_V4=10.53.0.2 DNS_V6=fd53::1
KNOT_DIR=$LAB_TMP/knot

lab_ns dns
ip -n "$(ns dns)" addr add 10.53.0.1/24 dev lo
ip -n "$(ns dns)" addr add 10.53.0.2/24 dev lo
ip -n "$(ns dns)" addr add fd53::1/64 dev lo nodad

dig_lab_zones() {
	mkdir -p "$KNOT_DIR/run" "$KNOT_DIR/db" "$KNOT_DIR/rootrun" "$KNOT_DIR/rootdb"
	cat >"$KNOT_DIR/example.zone" <<'ZONE'
$ORIGIN example.test.
$TTL 300
@        SOA ns1 hostmaster 2024010101 3600 600 86400 300
@        NS  ns1
@        NS  ns2
ns1      A   10.53.0.1
ns2      A   10.53.0.1
ns1      AAAA fd53::1
www      A   192.0.2.1
www      A   192.0.2.2
www      A   192.0.2.3
www      AAAA 2001:db8::1
c1       CNAME c2
c2       CNAME c3
c3       CNAME www
sub      DNAME other.test.
@        MX  10 mail
@        MX  20 mail2.other.test.
mail     A   192.0.2.25
txt      TXT "hello world" "second \"quoted\" string" "semi;colon" "back\\slash"
txt      TXT "\001\255 bytes" ""
_sip._tcp SRV 10 60 5060 sipserver
@        CAA 0 issue "letsencrypt.org"
@        CAA 128 iodef "mailto:sec@example.test"
naptr    NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp
naptr    NAPTR 101 10 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .
_443._tcp.www TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
svc      SVCB 1 svc-target.example.test. alpn="h2,h3" port=8443 ipv4hint=192.0.2.7 ipv6hint=2001:db8::7
@        HTTPS 1 . alpn=h2 no-default-alpn ech=AEX+DQBB
alias    HTTPS 0 www
*.wild   A   192.0.2.99
unknown  TYPE65400 \# 4 0a0b0c0d
delegated NS ns.delegated
ns.delegated A 10.53.0.9
delegated DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ZONE
	# A TXT record of about 2 KB: too big for UDP even with EDNS (1232).
	python3 -c 'print("big TXT " + " ".join("\"chunk%02d-%s\"" % (i, "x" * 200) for i in range(10)))' \
		>>"$KNOT_DIR/example.zone"
	for z in secure nsec3; do
		cat >"$KNOT_DIR/$z.zone" <<'ZONE'
$TTL 300
@   SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@   NS ns1.example.test.
www A 192.0.2.80
ZONE
	done
	cat >"$KNOT_DIR/reverse.zone" <<'ZONE'
$ORIGIN 2.0.192.in-addr.arpa.
$TTL 300
@   SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@   NS ns1.example.test.
1   PTR www.example.test.
25  PTR mail.example.test.
ZONE
	cat >"$KNOT_DIR/reverse6.zone" <<'ZONE'
$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.
$TTL 300
@   SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@   NS ns1.example.test.
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR www.example.test.
ZONE
	cat >"$KNOT_DIR/cluster.zone" <<ZONE
\$ORIGIN cluster.local.
\$TTL 30
@                       SOA ns.dns hostmaster 1 3600 600 86400 30
@                       NS  ns.dns
ns.dns                  A   $DNS_V4
kubernetes.default.svc  A   10.96.0.1
web.shop.svc            A   10.96.0.20
ZONE
	# bind9's dig +trace looks the nameservers' names up through the
	# resolver (never the glue): the lab's resolver serves the root's name.
	cat >"$KNOT_DIR/roottest.zone" <<ZONE
\$TTL 300
@              SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@              NS  ns1.example.test.
a              A   $ROOT_V4
ZONE
	cat >"$KNOT_DIR/root.zone" <<ZONE
\$TTL 300
.              SOA a.root.test. hostmaster.root.test. 1 3600 600 86400 300
.              NS  a.root.test.
a.root.test.   A   $ROOT_V4
test.          NS  ns1.example.test.
example.test.  NS  ns1.example.test.
ns1.example.test. A $DNS_V4
; a delegation to a nameserver whose name does not resolve (dig_trace.t)
lame.          NS  ns.nowhere.example.test.
; one whose first name does not resolve and second does
halflame.      NS  ns.nowhere.example.test.
halflame.      NS  ns1.example.test.
ZONE
}

dig_lab_knot_conf() {
	cat >"$KNOT_DIR/knot.conf" <<EOF2
server:
    listen: [ $DNS_V4@53, $DNS_V6@53 ]
    rundir: "$KNOT_DIR/run"
    identity: "lab-ns1"
    nsid: "lab-ns1"
database:
    storage: "$KNOT_DIR/db"
control:
    listen: "$KNOT_DIR/run/knot.sock"
log:
  - target: stderr
    any: warning
policy:
  - id: nsec3
    nsec3: on
template:
  - id: default
    storage: "$KNOT_DIR"
    zonefile-sync: -1
zone:
  - domain: example.test
    file: "$KNOT_DIR/example.zone"
  - domain: secure.test
    file: "$KNOT_DIR/secure.zone"
    dnssec-signing: on
  - domain: nsec3.test
    file: "$KNOT_DIR/nsec3.zone"
    dnssec-signing: on
    dnssec-policy: nsec3
  - domain: 2.0.192.in-addr.arpa
    file: "$KNOT_DIR/reverse.zone"
  - domain: 8.b.d.0.1.0.0.2.ip6.arpa
    file: "$KNOT_DIR/reverse6.zone"
  - domain: cluster.local
    file: "$KNOT_DIR/cluster.zone"
  - domain: root.test
    file: "$KNOT_DIR/roottest.zone"
EOF2
	cat >"$KNOT_DIR/root.conf" <<EOF2
server:
    listen: $ROOT_V4@53
    rundir: "$KNOT_DIR/rootrun"
database:
    storage: "$KNOT_DIR/rootdb"
control:
    listen: "$KNOT_DIR/rootrun/knot.sock"
log:
  - target: stderr
    any: warning
zone:
  - domain: .
    file: "$KNOT_DIR/root.zone"
    storage: "$KNOT_DIR/rootdb"
    zonefile-sync: -1
EOF2
}

dig_lab_zones
dig_lab_knot_conf
lab_bg dns knotd -c "$KNOT_DIR/knot.conf"
lab_bg dns knotd -c "$KNOT_DIR/root.conf"
lab_wait_listen dns 53 udp || { echo "Bail out! knotd did not start"; cat "$LAB_TMP/bg.log"; exit 1; }
# Signing happens at load: wait until the signed zone answers with its keys.
for _i in $(seq 1 100); do
	lab_exec dns dig +short +tries=1 +timeout=1 @$DNS_V4 secure.test DNSKEY 2>/dev/null | grep -q . &&
		lab_exec dns dig +short +tries=1 +timeout=1 @$ROOT_V4 . SOA 2>/dev/null | grep -q . && break
	sleep 0.1
done

# The resolv.conf of a Kubernetes pod in namespace "shop".
lab_resolv_conf dns "nameserver $DNS_V4
search shop.svc.cluster.local svc.cluster.local cluster.local
options ndots:5"

# mask: what legitimately differs between two digs (the banner's version,
# the id, the query time, the date, the cookie bytes).
dig_mask() {
	sed -E -e 's/^; <<>> .* <<>>( |$)/; <<>> VERSION <<>>\1/' -e '/^;; Query time: /d' -e '/^;; WHEN: /d' \
		-e 's/(->>HEADER<<- opcode: [A-Z0-9]+, status: [A-Z0-9]+), id: [0-9]+/\1, id: ID/' \
		-e 's/^; COOKIE: [0-9a-f]+/; COOKIE: HEX/'
}

# same_as_dig NAME ARGS...: sonde dig and bind9's dig, same server, same
# query, stdout compared after masking.
same_as_dig() {
	local name=$1 theirs mine
	shift
	theirs=$(lab_exec dns dig "$@" 2>/dev/null | dig_mask)
	mine=$(lab_exec dns "$SONDE" dig "$@" 2>/dev/null | dig_mask)
	is "$mine" "$theirs" "$name: same output as bind9 dig ($*)"
}
