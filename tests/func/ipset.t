#!/bin/bash
# sonde ipset: the sets of a lab namespace, made with the real ipset in the
# shape kube-proxy's IPVS mode gives them (KUBE-CLUSTER-IP and friends) and
# one set of each type sonde renders with timeout, counters, comment and
# skbinfo, listed by sonde and by ipset 7.17: `list`, `-name`, `-terse`,
# `-output save`, `save`, one set, a missing set, a type sonde does not
# render; and the same dump recorded (ipset_dump.py) and replayed through
# SONDE_IPSET_REPLAY.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ipset python3 setpriv

# Member timeouts count down between the two reads: masked (headers kept).
mask_timers() { sed -E '/^(Header:|create )/!s/ timeout [0-9]+/ timeout N/'; }

lab_ns k
if ! lab_exec k ipset create KUBE-CLUSTER-IP hash:ip,port comment 2>"$LAB_TMP/ipset.err"; then
	skip_all "this kernel has no ipset: $(cat "$LAB_TMP/ipset.err")"
fi
lab_exec k ipset restore <<'SETS'
add KUBE-CLUSTER-IP 10.96.0.1,tcp:443 comment "default/kubernetes:https cluster IP"
add KUBE-CLUSTER-IP 10.96.0.10,udp:53 comment "kube-system/kube-dns:dns cluster IP"
add KUBE-CLUSTER-IP 10.96.0.10,tcp:9153 comment "kube-system/kube-dns:metrics cluster IP"
create KUBE-LOOP-BACK hash:ip,port,ip comment
add KUBE-LOOP-BACK 10.244.0.5,tcp:8443,10.244.0.5 comment "default/kubernetes:https"
create KUBE-NODE-PORT-TCP bitmap:port range 0-65535 comment
add KUBE-NODE-PORT-TCP 30080 comment "default/web:http"
create KUBE-LOAD-BALANCER-SOURCE-CIDR hash:ip,port,net comment
add KUBE-LOAD-BALANCER-SOURCE-CIDR 192.0.2.10,tcp:80,198.51.100.0/24 comment "default/lb:http"
create IP4 hash:ip timeout 3600 counters comment skbinfo
add IP4 192.0.2.1 timeout 1800 packets 5 bytes 300 comment "two words" skbmark 0x10/0xff skbprio 1:2 skbqueue 3
add IP4 192.0.2.2 skbmark 0x7
create IPPORT hash:ip,port timeout 600 counters
add IPPORT 192.0.2.1,sctp:9 timeout 100
add IPPORT 192.0.2.1,icmp:echo-request
add IPPORT 192.0.2.1,icmp:200/3
add IPPORT 192.0.2.1,47:0
add IPPORT 192.0.2.1,253:0
create IPPORTIP6 hash:ip,port,ip family inet6 counters comment
add IPPORTIP6 2001:db8::1,icmpv6:echo-request,2001:db8::2 comment c6
add IPPORTIP6 2001:db8::1,udp:53,::ffff:1.2.3.4
create NET6 hash:net family inet6 counters skbinfo
add NET6 2001:db8::/32 skbprio 10:ff
add NET6 2001:db8:1::1
create NETPORT hash:net,port timeout 1000 counters comment skbinfo
add NETPORT 10.9.0.0/16,tcp:80 nomatch timeout 500 comment c packets 1 bytes 2 skbprio 0:1 skbmark 0x5/0xff
add NETPORT 10.0.0.0/24,icmp:ping
add NETPORT 10.1.2.3,udplite:5
create PORTS bitmap:port range 1000-2000 timeout 100 counters comment skbinfo
add PORTS 1500 comment "it's" skbqueue 7 skbmark 0x5/0xffffffff
add PORTS 1000-1002
create MASKED hash:ip netmask 24 forceadd
add MASKED 10.1.2.3
create LIST list:set size 4 timeout 0 counters comment
add LIST IP4 comment "first"
add LIST NET6 timeout 30
create EMPTY list:set
SETS
ok_rc "$?" 0 "the lab's sets are made with ipset"

same_as_classic -f mask_timers "ipset list: the same as ipset's" k ipset list
ok_rc "$RC" 0 "list: exit 0"
same_as_classic "ipset list -name: the same" k ipset list -name
same_as_classic "ipset list -terse: the same" k ipset list -terse
same_as_classic -f mask_timers "ipset list -output save: the same" k ipset list -output save
same_as_classic -f mask_timers "ipset save: the same" k ipset save
same_as_classic -f mask_timers "ipset -o save list (option first): the same" k ipset -o save list
same_as_classic "ipset list KUBE-CLUSTER-IP: that set alone, the same" k ipset list KUBE-CLUSTER-IP
same_as_classic -f mask_timers "ipset save NETPORT: that set alone, the same" k ipset save NETPORT
same_as_classic "ipset list -t LIST: the same" k ipset list -t LIST
same_as_classic -f mask_timers "ipset list -n PORTS: the same" k ipset list -n PORTS

want_err=$(lab_exec k ipset list NO-SUCH-SET 2>&1 >/dev/null)
want_rc=$(lab_exec k ipset list NO-SUCH-SET >/dev/null 2>&1; echo $?)
lab_run k "$SONDE" ipset list NO-SUCH-SET
ok_rc "$RC" "$want_rc" "a missing set: ipset's exit code ($want_rc)"
is "$ERR" "$want_err" "a missing set: ipset's message"
lab_run k "$SONDE" ipset --json list NO-SUCH-SET
like "$OUT" '^\{"error":"The set with the given name does not exist","exit_code":1\}$' "--json: a missing set is an error object"

lab_run k "$SONDE" ipset list --json KUBE-CLUSTER-IP
ok_rc "$RC" 0 "--json: exit 0"
printf '%s' "$OUT" >"$LAB_TMP/json"
python3 - "$LAB_TMP/json" <<'PY' && pass "--json: the set, its header and members" || fail "--json: the set, its header and members"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sets"][0]
assert s["name"] == "KUBE-CLUSTER-IP" and s["type"] == "hash:ip,port" and s["entries"] == 3
m = {x["element"]: x for x in s["members"]}
assert m["10.96.0.1,tcp:443"]["comment"] == "default/kubernetes:https cluster IP"
PY
lab_run k "$SONDE" ipset --json list MASKED
like "$OUT" '"forceadd":true' "--json: forceadd, which ipset's text leaves out"

# A type sonde does not render: a marker, never a guess.
if lab_exec k ipset create IFACES hash:net,iface 2>/dev/null; then
	lab_exec k ipset add IFACES 10.0.0.0/8,eth0
	lab_run k "$SONDE" ipset list IFACES
	like "$OUT" '^Header: \[sonde: cannot render the header of type hash:net,iface\]$' "an unknown type's header: a marker"
	like "$OUT" '^\[sonde: cannot render a member of type hash:net,iface\]' "an unknown type's member: a marker"
	lab_exec k ipset destroy IFACES
else
	skip "an unknown type's marker" "this kernel has no hash:net,iface"
	skip "an unknown type's member marker" "this kernel has no hash:net,iface"
fi

for cmd in create add del destroy flush rename swap restore; do
	lab_run k "$SONDE" ipset $cmd KUBE-CLUSTER-IP 10.0.0.1,tcp:1
	ok_rc "$RC" 2 "ipset $cmd is refused"
done
like "$ERR" "sonde is read-only and never changes ipsets" "the refusal says why"
run "$SONDE" ipset list -sorted
ok_rc "$RC" 2 "an option sonde does not take is a usage error"
run "$SONDE" ipset list -output xml
ok_rc "$RC" 2 "-output xml is refused (not rendered)"

# --netns from outside the namespace.
run "$SONDE" ipset --netns "$(ns k)" list -name
is "$OUT" "$(lab_exec k ipset list -name)" "--netns: the namespace's sets"

run ip netns exec "$(ns k)" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SONDE" ipset list
ok_rc "$RC" 3 "without CAP_NET_ADMIN: exit 3"

# The recorded dump, replayed: the same text without the kernel.
lab_exec k python3 "$TESTS_DIR/func/lab/ipset_dump.py" >"$LAB_TMP/ipset.bin"
want=$(lab_exec k ipset list | mask_timers)
SONDE_IPSET_REPLAY="$LAB_TMP/ipset.bin" run "$SONDE" ipset list
is "$(printf '%s\n' "$OUT" | mask_timers)" "$want" "a recorded dump replayed: the same as ipset's list"
SONDE_IPSET_REPLAY="$LAB_TMP/ipset.bin" run "$SONDE" ipset list NO-SUCH-SET
ok_rc "$RC" 1 "replayed: a missing set exits 1"
done_testing
