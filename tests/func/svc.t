#!/bin/bash
# sonde svc against kube-proxy-shaped rulesets (tests/bench/kube_rules.sh)
# in each mode — iptables legacy, iptables-nft, nftables — checked service
# by service (svc_check.py); a node mid-migration holding two modes; IPVS
# through replayed generic netlink messages (this kernel may have no IPVS).
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd iptables-legacy-restore iptables-nft-restore nft python3
SERVICES=${SVC_SERVICES:-60}

"$TESTS_DIR/bench/kube_rules.sh" iptables "$SERVICES" >"$LAB_TMP/kube.rules"
"$TESTS_DIR/bench/kube_rules.sh" nftables "$SERVICES" >"$LAB_TMP/kube.nft"
lab_ns legacy
lab_exec legacy iptables-legacy-restore <"$LAB_TMP/kube.rules" || fail "legacy ruleset loads"
lab_ns nft
lab_exec nft iptables-nft-restore <"$LAB_TMP/kube.rules" || fail "iptables-nft ruleset loads"
lab_ns nftables
lab_exec nftables nft -f "$LAB_TMP/kube.nft" || fail "nftables ruleset loads"

vip() { echo "10.96.$(($1 / 250)).$(($1 % 250 + 1))"; }

for mode in legacy nft nftables; do
	: >"$LAB_TMP/$mode.json"
	for i in $(seq 0 $((SERVICES - 1))); do
		ip netns exec "$(ns $mode)" "$SONDE" svc --json "$(vip $i):80" >>"$LAB_TMP/$mode.json"
	done
	result=$(python3 "$TESTS_DIR/func/lab/svc_check.py" $mode "$SERVICES" "$LAB_TMP/$mode.json")
	case "$result" in ok*) pass "${result#ok - }" ;; *) fail "${result#not ok - }" "$(printf '%s\n' "$result" | tail -n +2)" ;; esac
done

# By name, and the text form.
lab_run legacy "$SONDE" svc ns3/svc3:http
ok_rc "$RC" 0 "by name: exit 0"
like "$OUT" "^iptables \(legacy\): 10\.96\.0\.4:80/tcp \(ns3/svc3:http\)" "by name: the service found through its comment"
like "$OUT" "session affinity: ClientIP, 10800 s" "affinity and its timeout"
like "$OUT" "masquerade: traffic from outside 10\.244\.0\.0/16" "the masquerade decision"
like "$OUT" "10\.244\.0\.16:8080 +25\.00%  KUBE-SEP-" "an endpoint, its probability and its chain"
lab_run nftables "$SONDE" svc ns5/svc5
like "$OUT" "no endpoints: reject-chain \(reject\)" "nftables: no endpoints goes to the reject chain"
lab_run legacy "$SONDE" svc 10.96.0.6:80/tcp
like "$OUT" "no endpoints: REJECT reject-with icmp-port-unreachable" "iptables: no endpoints is a REJECT"

# Mid-migration: the same service in two dataplanes, each shown, named.
lab_exec nftables iptables-legacy-restore <"$LAB_TMP/kube.rules"
lab_run nftables "$SONDE" svc 10.96.0.2:80
is "$(printf '%s\n' "$OUT" | grep -cE '^(iptables|nftables) ')" 2 "two dataplanes hold the service: both shown"

lab_run legacy "$SONDE" svc 10.96.200.1:80
ok_rc "$RC" 1 "an unknown service exits 1"
like "$ERR" "no dataplane on this node knows" "and says where it looked"
run "$SONDE" svc not-a-service
ok_rc "$RC" 2 "a malformed operand is a usage error"

# IPVS, from messages built from linux/ip_vs.h's layout.
python3 "$TESTS_DIR/func/lab/ipvsadm_msgs.py" >"$LAB_TMP/ipvs.bin"
lab_ns ipvs
SONDE_IPVS_REPLAY="$LAB_TMP/ipvs.bin" lab_run ipvs "$SONDE" svc 10.96.0.10:9153
like "$OUT" "^ipvs: 10\.96\.0\.10:9153/tcp" "ipvs: the virtual server"
like "$OUT" "10\.244\.0\.2:9153 +100\.00%  weight 3" "ipvs: probability from the weights"
like "$OUT" "10\.244\.1\.3:9153 +0\.00%  weight 0" "ipvs: a server with weight 0 gets nothing"
like "$OUT" "session affinity: ClientIP, 10800 s" "ipvs: persistence as affinity"
# kube-proxy's KUBE-CLUSTER-IP ipset (issue 21): absent, holding another
# service only, then holding this one.
like "$OUT" "^  ipset KUBE-CLUSTER-IP 10\.96\.0\.10,tcp:9153: no such set" "ipvs: a missing KUBE-CLUSTER-IP is said"
if lab_exec ipvs ipset create KUBE-CLUSTER-IP hash:ip,port 2>"$LAB_TMP/ipset.err"; then
	lab_exec ipvs ipset add KUBE-CLUSTER-IP 10.96.0.10,udp:9153
	lab_exec ipvs ipset add KUBE-CLUSTER-IP 10.96.0.11,tcp:9153
	SONDE_IPVS_REPLAY="$LAB_TMP/ipvs.bin" lab_run ipvs "$SONDE" svc 10.96.0.10:9153
	like "$OUT" "^  ipset KUBE-CLUSTER-IP 10\.96\.0\.10,tcp:9153: not a member" \
		"ipvs: other protocol or address in the set is not this service"
	lab_exec ipvs ipset add KUBE-CLUSTER-IP 10.96.0.10,tcp:9153
	SONDE_IPVS_REPLAY="$LAB_TMP/ipvs.bin" lab_run ipvs "$SONDE" svc --json 10.96.0.10:9153
	like "$OUT" '"ipset_state": ?"member"' "ipvs: the member is found (--json)"
else
	skip "ipset membership: not a member" "this kernel has no ipset: $(cat "$LAB_TMP/ipset.err")"
	skip "ipset membership: member" "this kernel has no ipset"
fi

# --conntrack: a connection through the DNAT in the lab shows its endpoint.
lab_ns client
lab_link client 10.250.0.1/24 legacy 10.250.0.2/24
lab_exec client ip route add 10.96.0.0/16 via 10.250.0.2
lab_exec legacy sysctl -qw net.ipv4.ip_forward=1
lab_exec legacy ip addr add 10.244.0.6/32 dev lo
lab_exec legacy ip addr add 10.244.0.7/32 dev lo
lab_bg legacy socat TCP-LISTEN:8080,fork,reuseaddr EXEC:/bin/cat
lab_wait_listen legacy 8080
lab_exec client bash -c 'echo hi | timeout 3 socat - TCP:10.96.0.2:80' >/dev/null 2>&1
lab_run legacy "$SONDE" svc --conntrack 10.96.0.2:80
like "$OUT" "10\.250\.0\.1:[0-9]+ -> 10\.96\.0\.2:80 => 10\.244\.0\.[67]:8080" "--conntrack: the connection and its endpoint"
done_testing
