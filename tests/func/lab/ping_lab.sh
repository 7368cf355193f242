# The lab shared by ping*.t and traceroute*.t (sourced after tests/lib.sh):
#
#   c --- r1 --- r2 --- r3 --- s        10.93.N.0/24 and fd93:N::/64, N = 1..4
#
# r1..r3 forward; r2 never sends time-exceeded (a silent hop); r3 rejects
# some addresses behind it (REJECT rules give host/net/admin unreachable);
# ICMP rate limits are off so every probe is answered.  Nothing routes out.
ping_lab_up() {
	local n
	for n in c r1 r2 r3 s; do lab_ns "$n"; done
	lab_link c 10.93.1.1/24 r1 10.93.1.2/24 fd93:1::1/64 fd93:1::2/64
	lab_link r1 10.93.2.1/24 r2 10.93.2.2/24 fd93:2::1/64 fd93:2::2/64
	lab_link r2 10.93.3.1/24 r3 10.93.3.2/24 fd93:3::1/64 fd93:3::2/64
	lab_link r3 10.93.4.1/24 s 10.93.4.2/24 fd93:4::1/64 fd93:4::2/64
	for n in c r1 r2 r3 s; do
		ip netns exec "$(ns $n)" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
	done
	for n in r1 r2 r3; do
		ip netns exec "$(ns $n)" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	done
	ip -n "$(ns c)" route add 10.93.0.0/16 via 10.93.1.2
	ip -n "$(ns c)" -6 route add fd93::/16 via fd93:1::2
	ip -n "$(ns r1)" route add 10.93.0.0/16 via 10.93.2.2
	ip -n "$(ns r1)" -6 route add fd93::/16 via fd93:2::2
	ip -n "$(ns r2)" route add 10.93.1.0/24 via 10.93.2.1
	ip -n "$(ns r2)" -6 route add fd93:1::/64 via fd93:2::1
	ip -n "$(ns r2)" route add 10.93.4.0/24 via 10.93.3.2
	ip -n "$(ns r2)" -6 route add fd93:4::/64 via fd93:3::2
	ip -n "$(ns r3)" route add 10.93.0.0/16 via 10.93.3.1
	ip -n "$(ns r3)" -6 route add fd93::/16 via fd93:3::1
	ip -n "$(ns s)" route add 10.93.0.0/16 via 10.93.4.1
	ip -n "$(ns s)" -6 route add fd93::/16 via fd93:4::1
	ip netns exec "$(ns r2)" nft -f - <<'NFT'
table inet silent {
	chain out {
		type filter hook output priority 0;
		icmp type time-exceeded drop
		icmpv6 type time-exceeded drop
	}
}
NFT
	ip netns exec "$(ns r3)" nft -f - <<'NFT'
table inet lab_reject {
	chain lab_forward {
		type filter hook forward priority 0;
		ip daddr 10.93.4.20 reject with icmp host-unreachable
		ip daddr 10.93.4.21 reject with icmp net-unreachable
		ip daddr 10.93.4.22 reject with icmp admin-prohibited
		ip daddr 10.93.4.23 drop
		ip6 daddr fd93:4::20 reject with icmpv6 addr-unreachable
		ip6 daddr fd93:4::21 reject with icmpv6 no-route
		ip6 daddr fd93:4::22 reject with icmpv6 admin-prohibited
		ip6 daddr fd93:4::23 drop
	}
}
NFT
	# IPv6 neighbours settle before the first probe.
	lab_exec c ping -c 1 -W 2 fd93:4::2 >/dev/null 2>&1
	lab_exec c ping -c 1 -W 2 10.93.4.2 >/dev/null 2>&1
	return 0
}

# Times and timing-dependent counts replaced, so runs compare.
normalize_ping() {
	sed -E -e 's/time=[0-9.]+ ms/time=T ms/' -e 's/time [0-9]+ms/time Tms/' \
		-e 's#^rtt min/avg/max/mdev = .*#rtt min/avg/max/mdev = T#' -e 's/^\[[0-9.]+\] /[TS] /'
}

normalize_traceroute() {
	sed -E -e 's/  [0-9]+\.[0-9]+ ms/  T ms/g'
}

UNPRIV="setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all"
