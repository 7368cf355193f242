# The scan lab, sourced after lib.sh: a scanner namespace "sc" and a target
# "tg" on one link (10.77.0.0/24, fd77::/64), nothing else.  The target has:
#   TCP open      22 (an SSH-style greeting), 80 (HTTP), 8080
#   TCP closed    everything else (RST)
#   TCP filtered  81, 3000-3039 (nft drop); 82 (reject: port unreachable),
#                 83 (reject: admin prohibited)
#   UDP open      7 (echo), 53 (knotd)
#   UDP closed    everything else (ICMP port unreachable, rate-limited by the
#                 kernel as usual)
#   UDP filtered  9 (drop), 69 (reject: admin prohibited)
# and extra addresses for discovery: 10.77.0.10-29 and fd77::10-1f, of which
# 10.77.0.15-16 and fd77::15 drop everything (ARP/ND still answer).
# SCAN_LAB_HOSTS_UP lists what discovery must find in 10.77.0.0/27.
SC_V4=10.77.0.1 TG_V4=10.77.0.2 SC_V6=fd77::1 TG_V6=fd77::2

scan_lab_up() {
	local i knot_dir=$LAB_TMP/knot
	lab_ns sc
	lab_ns tg
	lab_link sc $SC_V4/24 tg $TG_V4/24 $SC_V6/64 $TG_V6/64
	TG_IF=$(ip -n "$(ns tg)" -o link show type veth | sed -E 's/^[0-9]+: ([^@:]+).*/\1/' | head -1)
	for i in $(seq 10 29); do ip -n "$(ns tg)" addr add 10.77.0.$i/24 dev "$TG_IF"; done
	for i in $(seq 16 31); do ip -n "$(ns tg)" addr add "fd77::$(printf %x "$i")/64" dev "$TG_IF" nodad; done
	lab_exec tg nft -f - <<'EOF'
table inet lab {
	chain input {
		type filter hook input priority 0;
		ip daddr { 10.77.0.15, 10.77.0.16 } drop
		ip6 daddr fd77::15 meta l4proto != icmpv6 drop
		ip6 daddr fd77::15 icmpv6 type echo-request drop
		tcp dport { 81, 3000-3039 } drop
		tcp dport 82 reject with icmpx port-unreachable
		tcp dport 83 reject with icmpx admin-prohibited
		udp dport 9 drop
		udp dport 69 reject with icmpx admin-prohibited
	}
}
EOF
	lab_bg tg socat TCP6-LISTEN:22,ipv6only=0,reuseaddr,fork SYSTEM:'echo SSH-2.0-sonde_lab'
	printf '#!/bin/sh\nread -r line\nprintf "HTTP/1.0 200 OK\\r\\nServer: lab\\r\\n\\r\\n"\n' >"$LAB_TMP/http.sh"
	chmod +x "$LAB_TMP/http.sh"
	lab_bg tg socat TCP6-LISTEN:80,ipv6only=0,reuseaddr,fork EXEC:"$LAB_TMP/http.sh"
	lab_bg tg socat TCP6-LISTEN:8080,ipv6only=0,reuseaddr,fork SYSTEM:'sleep 1'
	lab_bg tg socat -T1 UDP6-RECVFROM:7,ipv6only=0,reuseaddr,fork PIPE
	mkdir -p "$knot_dir/run" "$knot_dir/db"
	printf '%s\n' '$ORIGIN lab.test.' '$TTL 60' \
		'@ SOA ns.lab.test. admin.lab.test. 1 60 60 60 60' '@ NS ns' "ns A $TG_V4" >"$knot_dir/lab.zone"
	cat >"$knot_dir/knot.conf" <<EOF
server:
    listen: [ $TG_V4@53, $TG_V6@53 ]
    rundir: "$knot_dir/run"
database:
    storage: "$knot_dir/db"
log:
  - target: stderr
    any: error
zone:
  - domain: lab.test
    file: "$knot_dir/lab.zone"
    storage: "$knot_dir"
EOF
	lab_bg tg knotd -c "$knot_dir/knot.conf"
	lab_wait_listen tg 22 && lab_wait_listen tg 80 && lab_wait_listen tg 8080 &&
		lab_wait_listen tg 7 udp && lab_wait_listen tg 53 udp ||
		{ echo "Bail out! lab services did not start"; cat "$LAB_TMP/bg.log"; exit 1; }
}

SCAN_LAB_HOSTS_UP="10.77.0.1 10.77.0.2 $(seq -s ' ' -f '10.77.0.%g' 10 29)"

# The port lines of normal output, "PORT STATE" only (service names come
# from different tables), and the "Not shown" items one per line, sorted.
port_states() {
	grep -E '^[0-9]+/(tcp|udp) ' | awk '{print $1, $2}'
	grep '^Not shown: ' | sed 's/^Not shown: //; s/, /\n/g; s/ ports* / ports /' | sort
}

# The hosts a report says are up, from "... scan report for [NAME (]ADDR[)]".
hosts_up() {
	grep -E 'can report for ' | grep -v 'host down' | sed -E 's/.*report for ([^ ]+ \()?([^ )]+)\)?$/\2/'
}

# A target three hops away: sc -- r1 -- r2 -- far, on their own links
# (10.78.1.0/24, 10.78.2.0/24, 10.78.3.0/24).  far listens on FAR_OPEN.
# scan_far_up [LOSS%]: r1 drops that share of what it forwards, both ways,
# with an iptables "statistic" rule.
FAR_V4=10.78.3.2
FAR_OPEN="22 80 443 2379 5432 6443 9100"
scan_far_up() {
	local loss=${1:-0} p
	lab_ns sc
	lab_ns r1
	lab_ns r2
	lab_ns far
	lab_link sc 10.78.1.1/24 r1 10.78.1.2/24
	lab_link r1 10.78.2.1/24 r2 10.78.2.2/24
	lab_link r2 10.78.3.1/24 far $FAR_V4/24
	ip -n "$(ns sc)" route add default via 10.78.1.2
	ip -n "$(ns r1)" route add 10.78.3.0/24 via 10.78.2.2
	ip -n "$(ns r2)" route add 10.78.1.0/24 via 10.78.2.1
	ip -n "$(ns far)" route add default via 10.78.3.1
	lab_exec r1 sysctl -qw net.ipv4.ip_forward=1
	lab_exec r2 sysctl -qw net.ipv4.ip_forward=1
	if [ "$loss" != 0 ]; then
		lab_exec r1 iptables -A FORWARD -m statistic --mode random \
			--probability "$(awk -v l="$loss" 'BEGIN { print l / 100 }')" -j DROP
	fi
	for p in $FAR_OPEN; do lab_bg far socat TCP-LISTEN:$p,reuseaddr,fork SYSTEM:true; done
	for p in $FAR_OPEN; do lab_wait_listen far "$p" || { echo "Bail out! far: nothing on $p"; exit 1; }; done
}
