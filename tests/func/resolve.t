#!/bin/bash
# How every applet reads a host: numeric forms (inet_aton's reading, as
# iputils ping, netcat and traceroute read them), side by side with the
# classic tools in one lab namespace.  The lab addresses are chosen so that
# the octal reading is the lab's: 012.011.0.010 is 10.9.0.8; the decimal
# reading (12.11.0.10) has no route in the lab, so nothing leaves it.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping nc traceroute socat ip

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

done_testing
