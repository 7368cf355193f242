#!/bin/bash
# A refused privilege is explained the same way by every applet (caps_fail):
# which capability is missing, what works without it, how to grant it, in
# Kubernetes too, and exit 3 (ping keeps iputils' 2).  Work that needs no
# capability (rtnetlink and sock_diag dumps) and is refused all the same is
# blamed on the policy that refused it (a seccomp filter here).
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd setpriv python3 nft

lab_ns a
lab_ns b
lab_link a 10.98.0.1/24 b 10.98.0.2/24
A=$(ns a)
ip -n "$A" route add prohibit 10.98.7.0/24

# nobody ARGS...: sonde as uid 65534 without any capability, in namespace a.
nobody() {
	lab_run a setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all \
		"$SONDE_BIN" "$@"
}
# denied PROTOS ARGS...: sonde as root in namespace a, netlink PROTOS refused by seccomp.
denied() {
	local protos=$1
	shift
	lab_run a python3 "$TESTS_DIR/func/lab/deny_netlink.py" "$protos" "$SONDE_BIN" "$@"
}

# check_explained NAME WANT_RC CAPABILITY: the last run exited WANT_RC and said
# which capability is missing and how to grant it in Kubernetes.
check_explained() {
	ok_rc "$RC" "$2" "$1: exit $2"
	like "$ERR" "^sonde [a-z0-9-]+: .*needs $3" "$1: names $3"
	like "$ERR" "^  (to grant it|fix 1).*run as root" "$1: says how to grant it"
	like "$ERR" "in Kubernetes: .*NET_" "$1: says how in Kubernetes"
}

for applet in "iptables -L" "ip6tables -L" "iptables-save" "nft list ruleset" "ipvsadm -Ln" "ipset list" \
	"path 10.98.0.1 10.98.0.2" "svc 10.96.0.1:80" "conntrack -L"; do
	nobody $applet
	check_explained "$applet without CAP_NET_ADMIN" 3 CAP_NET_ADMIN
done

nobody scan -n -sS -p 80 10.98.0.2
check_explained "scan -sS without CAP_NET_RAW" 3 CAP_NET_RAW
nobody traceroute -n -T 10.98.0.2
check_explained "traceroute -T without CAP_NET_RAW" 3 CAP_NET_RAW
lab_exec a sysctl -qw net.ipv4.ping_group_range="1 0"
nobody traceroute -n -I 10.98.0.2
check_explained "traceroute -I without CAP_NET_RAW or ping_group_range" 3 "a raw socket \(CAP_NET_RAW\)"
nobody ping -c 1 10.98.0.2
check_explained "ping without CAP_NET_RAW or ping_group_range (iputils' exit 2)" 2 "a raw socket \(CAP_NET_RAW\)"
nobody nc -l 10.98.0.1 80
ok_rc "$RC" 1 "nc -l on port 80 without CAP_NET_BIND_SERVICE: exit 1 (netcat's code)"
like "$ERR" "^sonde nc: listening on a port below 1024 needs CAP_NET_BIND_SERVICE" "nc -l 80: names CAP_NET_BIND_SERVICE"
like "$ERR" "^  without it: a port of 1024 or above" "nc -l 80: says what works without it"
like "$ERR" "^  in Kubernetes: " "nc -l 80: says how in Kubernetes"

# Refused although no capability is needed: the policy is named.
NETLINK_ROUTE=0
NETLINK_SOCK_DIAG=4
denied "$NETLINK_SOCK_DIAG" true
if [ "$RC" = 77 ]; then
	skip "sock_diag and rtnetlink refused by seccomp" "deny_netlink.py knows x86_64 only"
else
	for applet in "ss -t" "netstat -t" "ip link" "ip route" "arp -n" "route -n" "ifconfig" "brctl show"; do
		denied "$NETLINK_ROUTE,$NETLINK_SOCK_DIAG" $applet
		ok_rc "$RC" 3 "$applet, netlink refused by seccomp: exit 3"
		like "$ERR" "^sonde [a-z]+: .*: Operation not permitted$" "$applet: says what was refused"
		like "$ERR" "^  no capability grants this: a security policy refused it" "$applet: blames the policy, not a capability"
		like "$ERR" "^  in Kubernetes: .*seccompProfile" "$applet: says where to look in Kubernetes"
	done
fi

# A prohibit route's EACCES is the kernel's answer, not a refused privilege.
lab_run a "$SONDE" ip route get 10.98.7.1
ok_rc "$RC" 1 "ip route get to a prohibit route: exit 1 (the answer is no)"
is "$ERR" "sonde ip: route get: Permission denied" "ip route get to a prohibit route: the kernel's answer only"

done_testing
