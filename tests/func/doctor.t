#!/bin/bash
# sonde doctor in a small imitation of a Kubernetes pod: a "client"
# namespace linked to a "dns" namespace that runs knotd (authoritative for
# cluster.local, as a cluster DNS is) and an API-server stand-in.  The dns
# namespace has no route anywhere else, so nothing leaves the lab.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lab/knot_lab.bash"
need_root
need_cmd ip knotd nc python3 unshare

DNS_V4=10.77.0.1 CLIENT_V4=10.77.0.2
DNS_V6=fd77::1 CLIENT_V6=fd77::2
API_PORT=6443

lab_ns client
lab_ns dns
lab_link client "$CLIENT_V4/24" dns "$DNS_V4/24" "$CLIENT_V6/64" "$DNS_V6/64"
ip -n "$(ns client)" route add default via "$DNS_V4"
ip -n "$(ns client)" -6 route add default via "$DNS_V6"

# knotd (lab/knot_lab.bash) for cluster.local: zone, configuration and
# state in the test's temp dir.
cat >"$KNOT_DIR/cluster.local.zone" <<EOF
\$ORIGIN cluster.local.
\$TTL 30
@                       SOA ns.dns hostmaster 1 3600 600 86400 30
@                       NS  ns.dns
ns.dns                  A   $DNS_V4
kubernetes.default.svc  A   $DNS_V4
EOF
knot_up dns cluster.local "$KNOT_DIR/cluster.local.zone" "$DNS_V4@53"
lab_bg dns nc -lk "$DNS_V4" "$API_PORT"
lab_wait_listen dns "$API_PORT" || { echo "Bail out! API stand-in did not start"; exit 1; }

POD_RESOLV="nameserver $DNS_V4
search default.svc.cluster.local svc.cluster.local cluster.local
options ndots:5"
lab_resolv_conf client "$POD_RESOLV"

# The doctor as a pod sees it: Kubernetes' environment, the lab's resolv.conf.
pod_doctor() {
	lab_run client env -u SONDE_RESOLV_CONF KUBERNETES_SERVICE_HOST=$DNS_V4 \
		KUBERNETES_SERVICE_PORT=$API_PORT "$SONDE" doctor --timeout 2 "$@"
}

# json_get EXPR: evaluates a Python expression over the parsed $OUT (as d).
json_get() {
	printf '%s' "$OUT" | python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

# --- everything healthy ------------------------------------------------

pod_doctor
ok_rc "$RC" 0 "healthy pod: exit 0"
unlike "$OUT" '^(WARN|FAIL)' "healthy pod: no WARN or FAIL"
like "$OUT" "^PASS  interfaces veth0 UP mtu 1500 $CLIENT_V4/24 $CLIENT_V6/64" "veth0 with its addresses"
like "$OUT" '^PASS  interfaces lo UNKNOWN mtu 65536 127.0.0.1/8 ::1/128' "lo with its addresses"
like "$OUT" "^PASS  interfaces 1 of 2 interfaces up with a usable address \(veth0\)" "connectivity summary"
like "$OUT" "^PASS  routes     IPv4 default via $DNS_V4 dev veth0 metric 0" "IPv4 default route"
like "$OUT" "^PASS  routes     IPv6 default via $DNS_V6 dev veth0 metric 1024" "IPv6 default route"
like "$OUT" "^PASS  dns        /etc/resolv.conf: 1 nameserver, search default.svc.cluster.local svc.cluster.local cluster.local, ndots 5" \
	"resolv.conf summary"
like "$OUT" "^PASS  dns        nameserver $DNS_V4 answered in [0-9.]+ ms \(NOERROR, 0 answers for SOA default.svc.cluster.local\)" \
	"live query to the nameserver"
like "$OUT" "^PASS  kubernetes kubernetes.default.svc resolved to $DNS_V4 in [0-9.]+ ms" "cluster DNS through the search list"
like "$OUT" "^PASS  kubernetes TCP connect to API server $DNS_V4:$API_PORT in [0-9.]+ ms" "API server connect"
like "$OUT" '^INFO  identity   network namespace net:\[[0-9]+\]' "namespace inode"
like "$OUT" '^summary: [0-9]+ pass, 0 warn, 0 fail' "summary line"

# --- JSON --------------------------------------------------------------

pod_doctor --json
ok_rc "$RC" 0 "json: exit 0"
is "$(json_get 'd["summary"]["fail"], d["summary"]["warn"], d["summary"]["pass"] > 10')" "0 0 True" "json: summary counts"
is "$(json_get 'all(set(c) >= {"section", "name", "status", "message"} for c in d["checks"])')" "True" \
	"json: every check has section, name, status, message"
is "$(json_get '[(c["rcode"], c["replied"], c["rtt_ms"] >= 0, c["server"]) for c in d["checks"] if c["name"] == "nameserver"]')" \
	"[('NOERROR', True, True, '$DNS_V4')]" "json: nameserver fields"
is "$(json_get '[(c["gateway"], c["dev"], c["family"]) for c in d["checks"] if c["section"] == "routes"]')" \
	"[('$DNS_V4', 'veth0', 'inet'), ('$DNS_V6', 'veth0', 'inet6')]" "json: default route fields"
is "$(json_get '[(c["name"], c.get("addresses"), c.get("address")) for c in d["checks"] if c["section"] == "kubernetes"]')" \
	"[('cluster_dns', ['$DNS_V4'], None), ('api_server', None, '$DNS_V4:$API_PORT')]" "json: Kubernetes fields"
ns_inode=$(ip netns exec "$(ns client)" stat -L -c %i /proc/self/ns/net)
is "$(json_get '[c["inode"] for c in d["checks"] if c["name"] == "netns"][0]')" "$ns_inode" "json: netns inode as stat sees it"
DOCTOR_JSON_INSIDE=$OUT

# The interface report against `ip -j addr` in the same namespace.
lab_run client ip -j addr
IP_JSON=$OUT
compare_interfaces() { # DOCTOR_JSON IP_JSON
	python3 - "$1" "$2" <<'EOF'
import json, sys
doctor = json.loads(sys.argv[1])
ip = json.loads(sys.argv[2])
mine = {c["ifname"]: (c["mtu"], c["ifindex"], sorted(c["addresses"]), c["mac"])
        for c in doctor["checks"] if c["name"] == "interface"}
theirs = {l["ifname"]: (l["mtu"], l["ifindex"],
                        sorted("%s/%d" % (a["local"], a["prefixlen"]) for a in l.get("addr_info", [])),
                        l.get("address"))
          for l in ip}
print("same" if mine == theirs else "differ:\n%s\n%s" % (mine, theirs))
EOF
}
is "$(compare_interfaces "$DOCTOR_JSON_INSIDE" "$IP_JSON")" "same" "interfaces, MTUs, addresses, MACs match ip -j addr"
# The default routes against `ip -j route show default` (and -6).
compare_routes() { # DOCTOR_JSON IP4_JSON IP6_JSON
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
doctor = json.loads(sys.argv[1])
mine = sorted((c["family"], c["gateway"], c["dev"], c["metric"])
              for c in doctor["checks"] if c["section"] == "routes" and c["gateway"])
theirs = sorted((fam, r["gateway"], r["dev"], r.get("metric", 0))
                for fam, doc in (("inet", sys.argv[2]), ("inet6", sys.argv[3])) for r in json.loads(doc))
print("same" if mine == theirs and mine else "differ:\n%s\n%s" % (mine, theirs))
EOF
}
is "$(compare_routes "$DOCTOR_JSON_INSIDE" "$(lab_exec client ip -j route show default)" "$(lab_exec client ip -6 -j route show default)")" \
	"same" "default routes match ip -j route show default"

# --netns from the root namespace reports the same interfaces.
run env -u SONDE_RESOLV_CONF KUBERNETES_SERVICE_HOST=$DNS_V4 KUBERNETES_SERVICE_PORT=$API_PORT \
	"$SONDE" doctor --timeout 2 --json --netns "$(ns client)"
ok_rc "$RC" 0 "--netns: exit 0 (resolv.conf from /etc/netns/NAME)"
is "$(compare_interfaces "$OUT" "$IP_JSON")" "same" "--netns: interfaces, MTUs, addresses, MACs match ip -j addr inside"
is "$(compare_routes "$OUT" "$(lab_exec client ip -j route show default)" "$(lab_exec client ip -6 -j route show default)")" \
	"same" "--netns: default routes match ip -j route show default inside"
like "$(json_get '[c["message"] for c in d["checks"] if c["name"] == "netns"][0]')" "net:\[$ns_inode\], entered with --netns" \
	"--netns: the namespace is named in identity"

# --netns PID: that process's resolv.conf (here the one ip netns exec mounted).
lab_bg client sleep 60
run env -u SONDE_RESOLV_CONF -u KUBERNETES_SERVICE_HOST "$SONDE" doctor --timeout 2 --netns "$LAST_BG_PID"
ok_rc "$RC" 0 "--netns PID: exit 0"
like "$OUT" "^PASS  dns        /proc/$LAST_BG_PID/root/etc/resolv.conf: 1 nameserver, search default.svc.cluster.local" \
	"--netns PID: the process's own resolv.conf"
like "$OUT" "^PASS  dns        nameserver $DNS_V4 answered in" "--netns PID: its nameserver answers"
is "$(compare_interfaces "$(env -u SONDE_RESOLV_CONF "$SONDE" doctor --timeout 2 --json --netns "$LAST_BG_PID")" "$IP_JSON")" \
	"same" "--netns PID: interfaces match ip -j addr inside"

# -v prints each check's fields under it.
pod_doctor -v
like "$OUT" '^ +mtu: 1500$' "-v: detail lines"
like "$OUT" "^ +addresses: $CLIENT_V4/24 $CLIENT_V6/64" "-v: address list"

# --- things going wrong --------------------------------------------------

KUBERNETES_SERVICE_PORT_BAD=$((API_PORT + 1))
lab_run client env -u SONDE_RESOLV_CONF KUBERNETES_SERVICE_HOST=$DNS_V4 KUBERNETES_SERVICE_PORT=$KUBERNETES_SERVICE_PORT_BAD \
	"$SONDE" doctor --timeout 2
ok_rc "$RC" 1 "API server port closed: exit 1"
like "$OUT" "^FAIL  kubernetes TCP connect to API server $DNS_V4:$KUBERNETES_SERVICE_PORT_BAD failed after [0-9.]+ ms: connection refused" \
	"API server port closed: FAIL with the reason"

lab_resolv_conf client "nameserver $DNS_V4
nameserver 10.77.0.3
nameserver 10.77.0.4
nameserver 10.77.0.5
search default.svc.cluster.local"
pod_doctor --timeout 0.5
like "$OUT" '^WARN  dns        4 nameservers listed, but glibc and musl use only the first 3: 10.77.0.5 never asked' \
	"4 nameservers: WARN"
like "$OUT" "^PASS  dns        nameserver $DNS_V4 answered in" "4 nameservers: the live one answers"
like "$OUT" '^FAIL  dns        nameserver 10.77.0.3: no reply within 500 ms' "4 nameservers: a silent one FAILs"
ok_rc "$RC" 1 "4 nameservers: exit 1 (three are silent)"

# knotd refuses what is outside its zone: the root's NS, asked when there is
# no search list.  The server is still reachable, and the doctor says so.
lab_resolv_conf client "nameserver $DNS_V4"
pod_doctor
like "$OUT" "^WARN  dns        nameserver $DNS_V4 is reachable \(replied in [0-9.]+ ms\) but answered REFUSED to NS \." \
	"REFUSED: reachable, WARN"
lab_resolv_conf client "$POD_RESOLV"

ip -n "$(ns client)" route del default
pod_doctor
ok_rc "$RC" 0 "no IPv4 default route: a WARN, not a FAIL"
like "$OUT" "^WARN  routes     no IPv4 default route: only these networks are reachable \(10.77.0.0/24\)" \
	"no IPv4 default route: reported with what is reachable"
ip -n "$(ns client)" route add default via "$DNS_V4"

kill "$KNOT_PID"
wait "$KNOT_PID" 2>/dev/null
pod_doctor
ok_rc "$RC" 1 "DNS server stopped: exit 1"
like "$OUT" "^FAIL  dns        nameserver $DNS_V4: (refused after [0-9.]+ ms|no reply within)" "DNS server stopped: nameserver FAILs"
like "$OUT" "^FAIL  kubernetes kubernetes.default.svc \(through the search list\) failed" "DNS server stopped: cluster DNS FAILs"
like "$OUT" "^PASS  kubernetes TCP connect to API server" "DNS server stopped: the API server still answers"

# A nameserver that never answers (no such host on the link): every check
# before it is printed at once, not after the wait.
lab_ns silent
lab_link silent 10.78.0.1/24 dns 10.78.0.2/24
printf 'nameserver 10.78.0.99\n' >"$LAB_TMP/silent.conf"
stamp() { # T0_US: prefixes each line with the ms since T0_US (no fork per line)
	local line
	while IFS= read -r line; do echo "$(((${EPOCHREALTIME/./} - $1) / 1000)) $line"; done
}
ip netns exec "$(ns silent)" env -u KUBERNETES_SERVICE_HOST SONDE_RESOLV_CONF="$LAB_TMP/silent.conf" \
	timeout 30 "$SONDE" doctor --timeout 3 | stamp "${EPOCHREALTIME/./}" >"$LAB_TMP/stamped"
first_ms=$(sed -n '1s/ .*//p' "$LAB_TMP/stamped")
conf_ms=$(sed -n 's/^\([0-9]*\) PASS  dns        .*silent.conf: 1 nameserver.*/\1/p' "$LAB_TMP/stamped")
fail_ms=$(sed -n 's/^\([0-9]*\) FAIL  dns        nameserver 10.78.0.99: no reply within 3000 ms$/\1/p' "$LAB_TMP/stamped")
if [ -n "$first_ms" ] && [ -n "$conf_ms" ] && [ -n "$fail_ms" ] &&
	[ $((fail_ms - first_ms)) -ge 2000 ] && [ $((fail_ms - conf_ms)) -ge 2000 ]; then
	pass "silent nameserver: the checks before it print at once (first line at $first_ms ms, its FAIL at $fail_ms ms)"
else
	fail "silent nameserver: the checks before it print at once" "$(cat "$LAB_TMP/stamped")"
fi

# Without privilege: what works and what does not, and the claim holds.
nobody() { lab_run client setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
nobody env -u SONDE_RESOLV_CONF -u KUBERNETES_SERVICE_HOST "$SONDE" doctor --timeout 1
like "$OUT" "^WARN  privileges CAP_NET_RAW missing: .*traceroute's default UDP probes still work" \
	"as nobody: UDP traceroute still works, says CAP_NET_RAW's WARN"
unlike "$OUT" "no traceroute" "as nobody: never 'no traceroute'"
nobody "$SONDE" traceroute -n -q 1 -w 1 -m 3 "$DNS_V4"
ok_rc "$RC" 0 "as nobody: sonde traceroute (UDP) runs"
like "$OUT" "^ 1  $DNS_V4 " "as nobody: and reaches the nameserver at hop 1"

# A namespace with nothing but lo has no network.
lab_ns lonely
lab_resolv_conf lonely "nameserver 127.0.0.1"
lab_run lonely env -u SONDE_RESOLV_CONF -u KUBERNETES_SERVICE_HOST "$SONDE" doctor --timeout 1
ok_rc "$RC" 1 "only lo: exit 1"
like "$OUT" '^FAIL  interfaces no interface other than lo is up with an address: this namespace has no network' \
	"only lo: interfaces FAIL"
like "$OUT" '^FAIL  routes     no default route and no usable address in either family' "only lo: routes FAIL"
like "$OUT" '^INFO  kubernetes KUBERNETES_SERVICE_HOST is not set' "only lo: not a pod"

# Missing files and no /proc: reported, never a crash.
lab_run lonely env SONDE_RESOLV_CONF=$LAB_TMP/absent.conf "$SONDE" doctor --timeout 1
like "$OUT" "^FAIL  dns        cannot read $LAB_TMP/absent.conf: No such file or directory" "missing resolv.conf: FAIL with the reason"
lab_run lonely unshare --mount sh -c "umount -l /proc && exec env SONDE_RESOLV_CONF=$LAB_TMP/absent.conf $SONDE doctor --timeout 1"
ok_rc "$RC" 1 "no /proc: runs to the end"
like "$OUT" '^WARN  identity   network namespace unknown: cannot read /proc/self/ns/net \(is /proc mounted\?\)' "no /proc: netns WARN"
like "$OUT" '^WARN  privileges cannot read net.ipv4.ping_group_range' "no /proc: ping_group_range WARN"
like "$OUT" '^PASS  interfaces lo UNKNOWN' "no /proc: interfaces still listed (netlink)"

# The machine's own namespace: whatever it holds, the doctor finishes.
# Its DNS checks go to loopback only (the real resolv.conf may point out).
printf 'nameserver 127.0.0.1\n' >"$LAB_TMP/loopback.conf"
run env -u KUBERNETES_SERVICE_HOST SONDE_RESOLV_CONF=$LAB_TMP/loopback.conf "$SONDE" doctor --timeout 1
like "$RC" '^[01]$' "root namespace: exit 0 or 1"
like "$OUT" '^summary: ' "root namespace: a summary"

run "$SONDE" doctor --timeout 0
ok_rc "$RC" 2 "--timeout 0 is a usage error"
like "$ERR" 'sonde doctor: --timeout value is too small' "--timeout 0: the message"

done_testing
