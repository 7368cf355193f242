# tests/lab/lab.sh — the network-namespace lab, sourced by tests/lib.sh.
#
#   lab_ns NAME                  a namespace with lo up; `ns NAME` prints its real name
#   lab_link NS1 ADDR1 NS2 ADDR2 [ADDR1b ADDR2b]   a veth pair between two namespaces
#   lab_exec NS CMD... / lab_run NS CMD...         run inside NS (lab_run captures OUT/ERR/RC)
#   lab_bg NS CMD...             start a server inside NS; stopped by lab_down
#   lab_quiet_pair NS1 NS2 COUNT a link whose counters only the test moves:
#                                NS1:q0 sends COUNT datagrams to NS2:q1, nothing else
#   lab_wait_listen NS PORT [udp]
#   lab_resolv_conf NS TEXT      what /etc/resolv.conf holds for `ip netns exec NS`
#   lab_dns_ns NS ADDR           NS with ADDR on its loopback, named by its resolv.conf
#   lab_veth_loop NS DEV PEER ADDR  a veth pair inside NS, both ends up, ADDR on DEV
#   lab_track NS                 a ct rule in NS: connection tracking on
#   lab_down                     stops servers, deletes namespaces (tests/lib.sh traps EXIT)
#
# Safety: lab namespaces hold only lo and the veth links a test makes; they
# have no route out, so nothing sent inside them leaves the machine.

ns() { echo "$LAB_ID-$1"; }

lab_ns() {
	local full
	full=$(ns "$1")
	ip netns add "$full" || { echo "Bail out! cannot create namespace $full"; exit 1; }
	LAB_NAMESPACES+=("$full")
	ip -n "$full" link set lo up
	# Tools run with `ip netns exec` would otherwise ask the host's nameserver
	# (unreachable from the lab: each lookup waits for its timeout).  Loopback
	# answers at once with "refused"; lab_resolv_conf replaces this.
	mkdir -p "/etc/netns/$full"
	echo "nameserver 127.0.0.1" >"/etc/netns/$full/resolv.conf"
}

# lab_track NS: a ct rule in NS, so the kernel tracks its connections
# (conntrack lists and reports nothing in a namespace without one).
lab_track() {
	ip netns exec "$(ns "$1")" nft -f - <<'EOF'
table inet track {
	chain out {
		type filter hook output priority 0;
		ct state new counter
	}
}
EOF
}

_lab_link_count=0
# lab_link NS1 ADDR1 NS2 ADDR2 [ADDR1b ADDR2b]: veth NS1:vethN <-> NS2:vethN,
# with the given addresses (e.g. 10.9.0.1/24 10.9.0.2/24), optional second
# addresses (IPv6) after them.
lab_link() {
	local a b ifname
	a=$(ns "$1"); b=$(ns "$3")
	ifname="veth$_lab_link_count"
	_lab_link_count=$((_lab_link_count + 1))
	ip -n "$a" link add "$ifname" type veth peer name "$ifname" netns "$b" || return 1
	ip -n "$a" addr add "$2" dev "$ifname"
	ip -n "$b" addr add "$4" dev "$ifname"
	if [ $# -ge 6 ]; then
		ip -n "$a" addr add "$5" dev "$ifname" nodad
		ip -n "$b" addr add "$6" dev "$ifname" nodad
	fi
	ip -n "$a" link set "$ifname" up
	ip -n "$b" link set "$ifname" up
}

# lab_quiet_pair NS1 NS2 COUNT: counters that hold still and that the test
# knows.  Both namespaces have IPv6 off (no router solicitation, no MLD),
# q0 (02:00:00:00:61:01, 192.168.61.1/24) in NS1 joins q1 (02:00:00:00:61:02,
# no address) in NS2, and a permanent neighbour entry spares ARP.  NS1 then
# sends COUNT UDP datagrams of 2 bytes ("x\n") to 192.168.61.2 port 9: q0
# has sent COUNT frames of 44 bytes (14 + 20 + 8 + 2) and received none; q1
# the reverse (it has no address, so it never answers).
lab_quiet_pair() {
	local a b i
	lab_ns "$1"
	lab_ns "$2"
	a=$(ns "$1"); b=$(ns "$2")
	for n in "$a" "$b"; do
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$a" link add q0 address 02:00:00:00:61:01 type veth \
		peer name q1 address 02:00:00:00:61:02 netns "$b" || return 1
	ip -n "$a" addr add 192.168.61.1/24 dev q0
	ip -n "$a" neigh add 192.168.61.2 lladdr 02:00:00:00:61:02 dev q0 nud permanent
	ip -n "$a" link set q0 up
	ip -n "$b" link set q1 up
	for i in $(seq 1 "$3"); do
		ip netns exec "$a" bash -c 'echo x >/dev/udp/192.168.61.2/9'
	done
	# The peer takes a frame in its own softirq, after the sender returns:
	# wait until q1 has counted them all, or a reader may catch it midway.
	for i in $(seq 1 100); do
		[ "$(ip netns exec "$b" cat /sys/class/net/q1/statistics/rx_packets)" -ge "$3" ] && break
		sleep 0.02
	done
}

lab_exec() {
	local n
	n=$(ns "$1"); shift
	ip netns exec "$n" timeout -k 5 "$CMD_TIMEOUT" "$@"
}

# lab_run NS CMD...: run inside NS, capturing OUT/ERR/RC like run.
lab_run() {
	local n
	n=$(ns "$1"); shift
	run ip netns exec "$n" "$@"
}

lab_bg() {
	local n
	n=$(ns "$1"); shift
	ip netns exec "$n" "$@" </dev/null >>"$LAB_TMP/bg.log" 2>&1 &
	LAB_PIDS+=($!)
	LAST_BG_PID=$!
	# Return only once the process is inside the namespace: a test that
	# looks at it through /proc/PID (--netns PID) must never catch it still
	# in the root namespace, where its traffic could leave the machine.
	local i
	for i in $(seq 1 100); do
		# In the namespace, and past `ip netns exec`'s own set-up (its mounts).
		[ "$(ip netns identify "$LAST_BG_PID" 2>/dev/null)" = "$n" ] &&
			[ "$(cat "/proc/$LAST_BG_PID/comm" 2>/dev/null)" != ip ] && return 0
		kill -0 "$LAST_BG_PID" 2>/dev/null || return 0
		sleep 0.02
	done
	diag "lab_bg: process $LAST_BG_PID did not enter $n"
}

lab_wait_listen() { # NS PORT [udp]
	local n flag=-ltnH i
	n=$(ns "$1")
	[ "${3:-tcp}" = udp ] && flag=-lunH
	for i in $(seq 1 100); do
		ip netns exec "$n" ss $flag "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	diag "nothing listens on port $2 in $1"
	return 1
}

# lab_resolv_conf NS TEXT: what /etc/resolv.conf holds for `ip netns exec NS`.
lab_resolv_conf() {
	local n
	n=$(ns "$1")
	mkdir -p "/etc/netns/$n"
	printf '%s\n' "$2" >"/etc/netns/$n/resolv.conf"
}

# lab_veth_loop NS DEV PEER ADDR: a veth pair with both ends in NS, both
# up, ADDR (CIDR) on DEV: a link for routes and sockets, no second namespace.
lab_veth_loop() {
	local n
	n=$(ns "$1")
	ip -n "$n" link add "$2" type veth peer name "$3"
	ip -n "$n" addr add "$4" dev "$2"
	ip -n "$n" link set "$2" up
	ip -n "$n" link set "$3" up
}

# lab_dns_ns NS ADDR: namespace NS whose loopback also holds ADDR/24 and
# whose resolv.conf names ADDR, for a DNS server the test starts there.
lab_dns_ns() {
	lab_ns "$1"
	ip -n "$(ns "$1")" addr add "$2/24" dev lo
	lab_resolv_conf "$1" "nameserver $2"
}

lab_down() {
	local pid n
	for pid in "${LAB_PIDS[@]+"${LAB_PIDS[@]}"}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.1
	for pid in "${LAB_PIDS[@]+"${LAB_PIDS[@]}"}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for n in "${LAB_NAMESPACES[@]+"${LAB_NAMESPACES[@]}"}"; do
		# Anything still running inside (a server's children) goes too.
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$n" 2>/dev/null
		rm -rf "/etc/netns/$n"
	done
	rm -rf "$LAB_TMP"
}

