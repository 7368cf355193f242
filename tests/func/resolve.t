#!/bin/bash
# How every applet reads a host: numeric forms (inet_aton's reading, as
# iputils ping, netcat and traceroute read them), side by side with the
# classic tools in one lab namespace.  The lab addresses are chosen so that
# the octal reading is the lab's: 012.011.0.010 is 10.9.0.8; the decimal
# reading (12.11.0.10) has no route in the lab, so nothing leaves it.
# Then localhost without a hosts file (RFC 6761), what a nameserver that
# refuses or fails is called, and names and zones that cannot be looked up.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping nc traceroute socat ip python3

lab_ns a
lab_ns b
lab_link a 10.9.0.1/24 b 10.9.0.8/24
lab_bg b socat TCP-LISTEN:4714,reuseaddr,fork /dev/null
lab_wait_listen b 4714
OCTAL=012.011.0.010 # 10.9.0.8 to inet_aton

# --- item 8: one reading of numeric IPv4 forms ------------------------------
lab_run a ping -n -c 1 -W 2 "$OCTAL"
want_ping=$(printf '%s\n' "$OUT" | head -2 | sed -E 's/time=[0-9.]+ ms/time=T ms/')
lab_run a "$SONDE" ping -n -c 1 -W 2 "$OCTAL"
is "$(printf '%s\n' "$OUT" | head -2 | sed -E 's/time=[0-9.]+ ms/time=T ms/')" "$want_ping" \
	"ping $OCTAL: the octal reading, as iputils ping"
ok_rc "$RC" 0 "ping $OCTAL: the lab host answers"

lab_run a nc -z -w 2 "$OCTAL" 4714
ok_rc "$RC" 0 "netcat -z $OCTAL: finds the lab port"
lab_run a "$SONDE" nc -z -w 2 "$OCTAL" 4714
ok_rc "$RC" 0 "nc -z $OCTAL: finds the port as netcat does"
lab_run a nc -z -w 2 10.9 4714
want_rc=$RC
lab_run a "$SONDE" nc -v -z -w 2 10.9 4714
ok_rc "$RC" "$want_rc" "nc -z 10.9: 10.0.0.9 (no route in the lab), as netcat reads it"
like "$ERR" "10\.0\.0\.9|unreachable" "nc -z 10.9: the short form is an address, not a name"

lab_run a traceroute -n -q 1 -m 2 "$OCTAL"
want_tr=$(printf '%s\n' "$OUT" | head -1)
lab_run a "$SONDE" traceroute -n -q 1 -m 2 "$OCTAL"
is "$(printf '%s\n' "$OUT" | head -1)" "$want_tr" "traceroute $OCTAL: the same target as traceroute"

lab_run a "$SONDE" scan -n -sT -p 4714 "$OCTAL"
like "$OUT" "10\.9\.0\.8" "scan $OCTAL: scans the octal reading"
like "$OUT" "4714/tcp +open" "scan $OCTAL: finds the open port"
like "$ERR" "warning: $OCTAL: read as 10\.9\.0\.8: a leading zero is octal.*nmap reads it as decimal" \
	"scan $OCTAL: says nmap reads it otherwise"
lab_run a "$SONDE" scan -n -sT -p 4714 010.9.0.1-8
ok_rc "$RC" 2 "scan: a leading zero in a range is refused"
like "$ERR" "octal to ping and nc but decimal to nmap" "scan: the range refusal says why"

lab_run a ip route get "$OCTAL"
want_route=$OUT
lab_run a "$SONDE" ip route get "$OCTAL"
is "$OUT" "$want_route" "ip route get $OCTAL: as iproute2 reads it"
lab_run a "$SONDE" ip route get 10.9
ok_rc "$RC" 2 "ip route get 10.9: a short form is refused (iproute2 reads it as 10.9.0.0)"
like "$ERR" "iproute2 and inet_aton read a short IPv4 form differently" "ip: the refusal says why"

# --- item 9: localhost is loopback, never asked of a nameserver ----------------
# A nameserver on the namespace's loopback that records every query and
# never answers: a lookup that reaches it waits, and leaves a line.
dns_logger() { # ADDR LOGFILE: records queries, never answers
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
while True:
    d, a = s.recvfrom(4096)
    open(sys.argv[2], "a").write("query %d bytes\n" % len(d))' "$@"
}
# A nameserver that answers every query with RCODE.
dns_rcode() { # ADDR RCODE
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
while True:
    d, a = s.recvfrom(4096)
    if len(d) < 12:
        continue
    r = bytearray(d)
    r[2] |= 0x80
    r[3] = 0x80 | int(sys.argv[2])
    s.sendto(bytes(r), a)' "$@"
}
export -f dns_logger dns_rcode

if is_sanitized; then
	for t in "localhost: nc -z" "localhost: no query" "db.localhost" "localhost -6" "ping localhost"; do
		pass "$t # skip the empty root needs the static binary (sanitizer builds are dynamic)"
	done
else
	root=$LAB_TMP/emptyroot
	mkdir -p "$root"
	cp "$SONDE_BIN" "$root/sonde"
	lab_ns e
	lab_bg e socat TCP6-LISTEN:4715,reuseaddr,fork,ipv6only=0 /dev/null
	lab_wait_listen e 4715
	: >"$LAB_TMP/queries"
	lab_bg e bash -c "dns_logger 127.0.0.1 $LAB_TMP/queries"
	lab_wait_listen e 53 udp
	chroot_run() { run ip netns exec "$(ns e)" chroot "$root" /sonde "$@"; }
	CMD_TIMEOUT=20 chroot_run nc -z -w 3 localhost 4715
	ok_rc "$RC" 0 "localhost: nc -z finds the port in an empty root (no hosts file)"
	is "$(cat "$LAB_TMP/queries")" "" "localhost: no query reached the nameserver"
	chroot_run nc -z -w 3 db.LOCALHOST. 4715
	ok_rc "$RC" 0 "db.localhost (any case, trailing dot): loopback"
	chroot_run nc -6 -v -z -w 3 localhost 4715
	like "$ERR$OUT" "::1" "localhost -6: ::1"
	chroot_run ping -c 1 -W 2 localhost
	like "$OUT" "^PING localhost \(127\.0\.0\.1\) 56\(84\) bytes of data\." "ping localhost: 127.0.0.1 first"
fi

# --- item 15: what the nameserver answered ------------------------------------
ip -n "$(ns b)" addr add 10.9.0.9/24 dev veth0
lab_bg b bash -c "dns_rcode 10.9.0.8 5"
lab_bg b bash -c "dns_rcode 10.9.0.9 2"
lab_wait_listen b 53 udp
echo "nameserver 10.9.0.8" >"$LAB_TMP/refused.conf"
echo "nameserver 10.9.0.9" >"$LAB_TMP/servfail.conf"
echo "nameserver 10.9.0.7" >"$LAB_TMP/nobody.conf"
lab_bg a socat TCP-LISTEN:4716,reuseaddr,fork /dev/null
for cmd in "ping -c 1 db.test" "nc -z db.test 4716" "tls db.test:4716" "http http://db.test:4716/" \
	"scan -sT -p 4716 db.test" "traceroute db.test"; do
	lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/refused.conf" "$SONDE" $cmd
	like "$ERR" "db\.test: nameserver answered REFUSED" "${cmd%% *}: says the nameserver answered REFUSED"
	unlike "$ERR" "refused the connection" "${cmd%% *}: not 'refused the connection'"
done
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/servfail.conf" "$SONDE" nc -z db.test 4716
like "$ERR" "db\.test: nameserver answered SERVFAIL" "nc: says the nameserver answered SERVFAIL"
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/nobody.conf" "$SONDE" nc -z -w 2 db.test 4716
like "$ERR" "db\.test: (no nameserver listens|resolver timed out)" "nc: no server at all is not an answer"
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/refused.conf" KUBERNETES_SERVICE_HOST=10.9.0.8 \
	KUBERNETES_SERVICE_PORT=4716 "$SONDE" doctor
like "$OUT" "nameserver 10\.9\.0\.8 is reachable .* but answered REFUSED" "doctor: the probe's verdict"
like "$OUT" "kubernetes\.default\.svc .*failed after .*: nameserver answered REFUSED" \
	"doctor: the cluster DNS lookup under it says the same"
unlike "$OUT" "refused the connection" "doctor: no 'refused the connection'"

# --- item 16: names and zones that cannot be looked up ------------------------
long_label=$(printf 'a%.0s' $(seq 64))
long_name=$(printf 'abcdefghi.%.0s' $(seq 26))
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/refused.conf" "$SONDE" nc -z "$long_name" 80
like "$ERR" "not a valid host name: longer than 253 characters" "a 260-character name: says so"
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/refused.conf" "$SONDE" ping -c 1 "$long_label.test"
like "$ERR" "not a valid host name: a label longer than 63 characters" "a 64-character label: says so"
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/refused.conf" "$SONDE" nc -z ... 80
like "$ERR" "not a valid host name: an empty label" "'...': says so"
unlike "$ERR" "name lookups are off" "'...': not the -n message"
lab_run a "$SONDE" nc -z 'fe80::1%nope' 80
like "$ERR" "fe80::1%nope: no such interface \(the zone after %\)" "fe80::1%nope: unknown interface"
lab_run a "$SONDE" nc -z fe80::1 80
like "$ERR" "a link-local address needs a zone \(ADDR%INTERFACE\): interfaces with one: veth0" \
	"nc fe80::1: a zone is needed, and which interfaces have one"
lab_run a "$SONDE" ping -c 1 fe80::1
like "$ERR" "fe80::1: a link-local address needs a zone" "ping fe80::1: a zone is needed"
lab_run a "$SONDE" traceroute fe80::1
like "$ERR" "fe80::1: a link-local address needs a zone" "traceroute fe80::1: a zone is needed"

# --- item 17: control characters in messages are escaped ----------------------
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/refused.conf" "$SONDE" nc -z $'\e]0;owned\a\e[31mred' 80
like "$ERR" '^sonde nc: cannot resolve \\x1b\]0;owned\\x07\\x1b\[31mred: ' "nc: an escape sequence in a host is shown escaped"
if printf '%s' "$ERR" | grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
	fail "nc: no raw control character reaches the terminal"
else
	pass "nc: no raw control character reaches the terminal"
fi
lab_run a "$SONDE" ping -c 1 $'10.9.0.8\r\e[2K'
like "$ERR" 'sonde ping: 10\.9\.0\.8\\x0d\\x1b\[2K: ' "ping: a carriage return and an erase-line are shown escaped"

# Names from the network: a PTR record whose name holds an escape sequence.
dns_ptr() { # ADDR: answers every query with one PTR "\e[31mevil\a.test."
	python3 -c 'import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
name = b"\x1b[31mevil\x07"
while True:
    d, a = s.recvfrom(4096)
    end = 12
    while d[end] != 0:
        end += d[end] + 1
    rdata = bytes([len(name)]) + name + b"\x04test\x00"
    answer = b"\xc0\x0c" + struct.pack(">HHIH", 12, 1, 60, len(rdata)) + rdata
    s.sendto(d[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + d[12:end + 5] + answer, a)' "$@"
}
export -f dns_ptr
ip -n "$(ns b)" addr add 10.9.0.10/24 dev veth0
lab_bg b bash -c "dns_ptr 10.9.0.10"
echo "nameserver 10.9.0.10" >"$LAB_TMP/ptr.conf"
for _ in $(seq 1 100); do
	[ -n "$(ip netns exec "$(ns b)" ss -Hnul 'src 10.9.0.10:53')" ] && break
	sleep 0.1
done
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/ptr.conf" "$SONDE" traceroute -q 1 -m 1 10.9.0.8
like "$OUT" "^ 1  10\.9\.0\.8 \(10\.9\.0\.8\)" "traceroute: a PTR name with control characters is not shown (the address is)"
lab_run a env SONDE_RESOLV_CONF="$LAB_TMP/ptr.conf" "$SONDE" dig -x 10.9.0.8 +short
is "$OUT" '\027[31mevil\007.test.' "dig: escaped as \\DDD, as bind's dig does"

done_testing
