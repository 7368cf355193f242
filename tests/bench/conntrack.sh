#!/bin/bash
# sonde conntrack against conntrack-tools with a large table: UDP flows
# through a masquerading router namespace (a long UDP timeout keeps them),
# 200,000 entries by default.  Wall time of -L and -C with hyperfine, peak
# RSS with /usr/bin/time, side by side in one run, and a check that both
# list the same entries.  Not part of `make test`.  Needs root.
#
#   tests/bench/conntrack.sh [ENTRIES]      (default 200000)
ENTRIES=${1:-200000}
. "$(dirname "$0")/lab.sh"
bench_need conntrack nft hyperfine python3 /usr/bin/time
bench_need_root
TMP=$LAB_TMP

# c (10.78.1.2) -- veth0 -- r, masquerading -- veth1 -- s (10.78.2.2)
for n in r c s; do lab_ns "$n"; done
lab_link c 10.78.1.2/24 r 10.78.1.1/24
lab_link s 10.78.2.2/24 r 10.78.2.1/24
R=$(ns r) C=$(ns c) S=$(ns s)
ip -n "$C" route add default via 10.78.1.1
ip -n "$S" route add default via 10.78.2.1
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$R" nft -f - <<'EOF'
table ip bench {
	chain postrouting_nat {
		type nat hook postrouting priority 100;
		oifname "veth1" masquerade
	}
}
EOF
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3600
max=$(ip netns exec "$R" cat /proc/sys/net/netfilter/nf_conntrack_max)
[ "$max" -ge "$ENTRIES" ] || { echo "nf_conntrack_max is $max, below $ENTRIES" >&2; exit 2; }
# The server drops the datagrams quietly (no ICMP back), on as many
# addresses as the flows need (60,000 ports each).
ip netns exec "$S" nft -f - <<'EOF'
table ip quiet {
	chain input_drop {
		type filter hook input priority 0;
		udp dport 1-65535 drop
	}
}
EOF
for i in $(seq 3 $((2 + ENTRIES / 60000))); do ip -n "$S" addr add 10.78.2.$i/24 dev veth1; done

# One socket, many destination ports and addresses: one flow each.
ip netns exec "$C" python3 - "$ENTRIES" <<'EOF'
import socket, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
sent = 0
while sent < n:
    port = 1 + sent % 60000
    addr = "10.78.2.%d" % (2 + sent // 60000)
    try:
        s.sendto(b"x", (addr, port))
        sent += 1
    except (BlockingIOError, OSError):
        time.sleep(0.001)
EOF
sleep 1
count=$(ip netns exec "$R" conntrack -C)
echo "entries in the router's table: $count"

inns() { ip netns exec "$R" "$@"; }
mask() { sed -E 's/^([a-z]+ +[0-9]+ )[0-9]+/\1T/' | LC_ALL=C sort; }
inns conntrack -L 2>/dev/null | mask >"$TMP/a"
inns "$SONDE" conntrack -L 2>/dev/null | mask >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" && echo "conntrack -L: same entries, same bytes after masking timeouts ($(wc -l <"$TMP/a") lines)" \
	|| echo "conntrack -L: OUTPUTS DIFFER ($(wc -l <"$TMP/a") vs $(wc -l <"$TMP/b") lines)"

# hyperfine runs inside the namespace: `ip netns exec` (a mount namespace
# and a remount of /sys for every run) would otherwise be most of -C's time.
inns hyperfine -N --warmup 1 --runs 5 --export-markdown "$TMP/list.md" \
	-n "conntrack -L" "conntrack -L -o extended" \
	-n "sonde conntrack -L" "$SONDE conntrack -L -o extended" >/dev/null 2>&1
cat "$TMP/list.md"
inns hyperfine -N --warmup 5 --runs 200 --export-markdown "$TMP/count.md" \
	-n "conntrack -C" "conntrack -C" \
	-n "sonde conntrack -C" "$SONDE conntrack -C" >/dev/null 2>&1
cat "$TMP/count.md"
inns /usr/bin/time -f "%M" conntrack -L >/dev/null 2>"$TMP/rss"
echo "peak RSS of conntrack -L: $(tail -1 "$TMP/rss") KiB"
inns /usr/bin/time -f "%M" "$SONDE" conntrack -L >/dev/null 2>"$TMP/rss"
echo "peak RSS of sonde conntrack -L: $(tail -1 "$TMP/rss") KiB"
