# tests/func/lab/route_lab.bash: the two-namespace lab of the net-tools view
# tests (route.t, ifconfig.t, netstat_views.t), sourced after lib.sh.
# route_lab_pair: namespaces a and b joined by veth0 (10.9.0.1/24 and
# fd00::1/64 in a, .2 and ::2 in b), DAD off; $A is a's full name, ipa runs
# `ip` in it.  route_lab_routes: every kind of route net-tools' tables show.

route_lab_pair() {
	lab_ns a
	lab_ns b
	A=$(ns a)
	ip netns exec "$A" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
	lab_link a 10.9.0.1/24 b 10.9.0.2/24 fd00::1/64 fd00::2/64
}

ipa() { ip -n "$A" "$@"; }

route_lab_routes() {
	ipa route add default via 10.9.0.2
	ipa route add 172.16.0.0/16 via 10.9.0.2 metric 100
	ipa route add 10.9.0.77/32 via 10.9.0.2
	ipa route add blackhole 10.66.0.0/16
	ipa route add unreachable 10.67.0.0/16
	ipa route add prohibit 10.68.0.0/16
	ipa route add 10.70.0.0/16 nexthop via 10.9.0.2 weight 1 nexthop via 10.9.0.3 weight 2
	ipa route add 10.82.0.0/24 via 10.9.0.2 advmss 1360 window 5000 rtt 80ms
	ipa route add 10.80.0.0/16 via 10.9.0.2 table 100
	ipa route add fd01::/64 via fd00::2
}
