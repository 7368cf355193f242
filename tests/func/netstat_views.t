#!/bin/bash
# netstat -r, -i and -s against net-tools' netstat in lab namespaces.
# -s is also compared on fabricated counter files (every counter non-zero
# and distinct, then all zero) shown to both tools through a private /proc,
# so every wording line and net-tools' lookup quirks are exercised.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd netstat ip python3 unshare

same_in() { # NS ARGS...: byte-identical output
	local n=$1
	shift
	want=$(ip netns exec "$n" netstat "$@" 2>&1)
	run ip netns exec "$n" "$SONDE" netstat "$@"
	is "$OUT" "$want" "netstat $* is byte-identical"
}

# --- -r: the routing table ------------------------------------------------
. "$TESTS_DIR/func/lab/route_lab.bash"
route_lab_pair
route_lab_routes

for args in -r -rn -rne -rnee -re -ree "-rn -4" "-r -n -e"; do
	# shellcheck disable=SC2086
	same_in "$A" $args
done
# IPv6: /proc's per-table "::/0 !n -1 lo" placeholders are not in rtnetlink,
# and reference counts move: compare the rest (as route.t does).
cut6() { grep -v '^::/0 \|^\[::\]/0 ' | awk '{ $5 = "R"; print }'; }
for args in "-rn -6" "-r -6"; do
	# shellcheck disable=SC2086
	want=$(ip netns exec "$A" netstat $args | cut6)
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" netstat $args
	is "$(printf '%s\n' "$OUT" | cut6)" "$want" "netstat $args (placeholders left out, refcounts masked)"
done
run ip netns exec "$A" "$SONDE" netstat -rn --json
python3 - "$OUT" <<'PY' && pass "-rn --json: {\"routes\":[...]}" || fail "-rn --json" "$OUT"
import json, sys
routes = json.loads(sys.argv[1])["routes"]
d = [r for r in routes if r["destination"] == "0.0.0.0"][0]
assert d["gateway"] == "10.9.0.2" and d["flags"] == "UG" and d["ifname"] == "veth0", d
m = [r for r in routes if r["destination"] == "10.82.0.0"][0]
assert (m["mss"], m["window"], m["irtt"]) == (1400, 5000, 80), m
assert not [r for r in routes if r["destination"] == "10.80.0.0"], "table 100 is not netstat's"
PY
run "$SONDE" netstat --netns "$A" -rn
is "$OUT" "$(ip netns exec "$A" netstat -rn)" "-rn --netns"

# --- -i: the interface table ----------------------------------------------
# A namespace where nothing moves the counters on its own: no IPv6 (no
# router solicitations, no MLD), veth pairs inside it, traffic only on lo.
lab_ns c
C=$(ns c)
ip netns exec "$C" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ipc() { ip -n "$C" "$@"; }
ipc link add eth10 type veth peer name eth2
ipc link add down0 type veth peer name down1
ipc link set eth10 up
ipc link set eth2 up
ipc addr add 192.168.60.1/24 dev eth10
ipc addr add 192.168.60.9/24 dev eth10 label eth10:1
ip netns exec "$C" ping -c 3 -i 0.01 -q 127.0.0.1 >/dev/null
for args in -i -ia -ie -iae "-i -n"; do
	# shellcheck disable=SC2086
	same_in "$C" $args
done
run ip netns exec "$C" "$SONDE" netstat -i
# Three pings over lo and nothing else yet: 6 packets each way.
like "$OUT" '^lo +65536 +6 +0 +0 0 +6 +0 +0 +0 LRU$' "-i: lo's row (6 packets in, 6 out)"
unlike "$OUT" "down0" "-i: a down interface only with -a"
run ip netns exec "$C" "$SONDE" netstat -ia --json
python3 - "$OUT" <<'PY' && pass "-ia --json: {\"interfaces\":[...]} with the counters" || fail "-ia --json" "$OUT"
import json, sys
rows = {r["ifname"]: r for r in json.loads(sys.argv[1])["interfaces"]}
assert ["down0", "down1", "eth2", "eth10", "eth10:1", "lo"] == list(rows), list(rows)
assert rows["lo"]["rx_packets"] >= 6 and rows["lo"]["mtu"] == 65536 and rows["lo"]["flags"] == "LRU", rows["lo"]
assert rows["eth10"]["tx_packets"] == 0 and rows["eth10"]["flags"] == "BMRU", rows["eth10"]
PY
run "$SONDE" netstat --netns "$C" -ia
is "$OUT" "$(ip netns exec "$C" netstat -ia)" "-ia --netns"
timeout 2.5 ip netns exec "$C" "$SONDE" netstat -c -i >"$LAB_TMP/cont" 2>&1
n=$(grep -c '^Kernel Interface table' "$LAB_TMP/cont")
[ "$n" -ge 2 ] && pass "-ic repeats the table ($n times in 2.5 s)" || fail "-ic repeats the table" "$(cat "$LAB_TMP/cont")"

# --- -s: protocol statistics ----------------------------------------------
# Controlled traffic in the quiet namespace: 4 datagrams to a closed UDP
# port, 2 TCP connects refused, then exact counters.
for _ in 1 2 3 4; do ip netns exec "$C" bash -c 'echo x >/dev/udp/127.0.0.1/9' 2>/dev/null; done
for _ in 1 2; do ip netns exec "$C" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>/dev/null; done
for args in -s -st -su -sw "-s -4" "-s -tu"; do
	# shellcheck disable=SC2086
	same_in "$C" $args
done
run ip netns exec "$C" "$SONDE" netstat -su
like "$OUT" '^    4 packets to unknown port received$' "-su: the 4 datagrams to a closed port"
run ip netns exec "$C" "$SONDE" netstat -st
like "$OUT" '^    2 active connection openings$' "-st: 2 active openings"
like "$OUT" '^    2 failed connection attempts$' "-st: 2 failed attempts"
run ip netns exec "$C" "$SONDE" netstat -s --json
python3 - "$OUT" <<'PY' && pass "-s --json: raw counters by table" || fail "-s --json" "$OUT"
import json, sys
st = json.loads(sys.argv[1])["statistics"]
assert st["Udp"]["NoPorts"] == 4 and st["Tcp"]["AttemptFails"] == 2, st["Udp"]
assert st["Tcp"]["MaxConn"] == -1, st["Tcp"]
assert {"Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "TcpExt", "IpExt"} <= set(st), set(st)
PY
run ip netns exec "$C" "$SONDE" netstat -su --json
like "$OUT" '^\{"statistics":\{"IcmpMsg":\{.*"Udp":\{"InDatagrams":' "-su --json: the UDP table (and the unknown ones, as in text)"
unlike "$OUT" '"Tcp":' "-su --json: no TCP table"
run "$SONDE" netstat --netns "$C" -su
is "$OUT" "$(ip netns exec "$C" netstat -su)" "-su --netns"

# The lab with IPv6 and traffic: the same lines once numbers are masked.
ip netns exec "$A" ping -c 2 -i 0.01 -q 10.9.0.2 >/dev/null
ip netns exec "$A" ping -6 -c 2 -i 0.01 -q fd00::2 >/dev/null
mask() { sed -E 's/[0-9]+/N/g'; }
for args in -s "-s -6" "-s -6 -u" "-s -6 -t"; do
	# shellcheck disable=SC2086
	want=$(ip netns exec "$A" netstat $args | mask)
	# shellcheck disable=SC2086
	run ip netns exec "$A" "$SONDE" netstat $args
	is "$(printf '%s\n' "$OUT" | mask)" "$want" "netstat $args: the same lines (numbers masked)"
done

# Fabricated counters: the lab's own files with every counter non-zero and
# distinct, then all zero, seen by both tools through a private /proc (a
# tmpfs whose net/ holds the files; self, sys... link to a real proc).
FAKE=$LAB_TMP/fake
mkdir -p "$FAKE/distinct/sctp" "$FAKE/zero" "$FAKE/realproc"
ip netns exec "$A" cat /proc/net/snmp /proc/net/netstat /proc/net/snmp6 >/dev/null
pairs() { # FILE VALUE-EXPRESSION
	awk -v zero="$2" 'NR % 2 == 1 { print; next }
		{ printf "%s", $1; for (i = 2; i <= NF; i++) printf " %d", zero ? 0 : NR * 1000 + i; print "" }' "$1"
}
for f in snmp netstat; do
	ip netns exec "$A" cat "/proc/net/$f" >"$LAB_TMP/$f.real"
	pairs "$LAB_TMP/$f.real" 0 >"$FAKE/distinct/$f"
	pairs "$LAB_TMP/$f.real" 1 >"$FAKE/zero/$f"
done
ip netns exec "$A" awk '{ printf "%-32s\t%d\n", $1, NR + 7 }' /proc/net/snmp6 >"$FAKE/distinct/snmp6"
ip netns exec "$A" awk '{ printf "%-32s\t0\n", $1 }' /proc/net/snmp6 >"$FAKE/zero/snmp6"
# SCTP's file (the module is rarely loaded): the kernel's names, and two it
# added later, which net-tools prints in its fallback form.
i=0
for name in SctpCurrEstab SctpActiveEstabs SctpPassiveEstabs SctpAborteds SctpShutdowns SctpOutOfBlues \
	SctpChecksumErrors SctpOutCtrlChunks SctpOutOrderChunks SctpOutUnorderChunks SctpInCtrlChunks \
	SctpInOrderChunks SctpInUnorderChunks SctpFragUsrMsgs SctpReasmUsrMsgs SctpOutSCTPPacks SctpInSCTPPacks \
	SctpT1InitExpireds SctpT3RtxExpireds; do
	i=$((i + 1))
	printf '%-32s\t%d\n' "$name" "$((i % 3))"
done >"$FAKE/distinct/sctp/snmp"
cat >"$FAKE/proc.sh" <<'SH'
#!/bin/bash
# proc.sh DIR CMD...: run CMD with /proc/net/* taken from DIR.
set -e
dir=$1 fake=$(dirname "$0")
shift
mount -t proc proc "$fake/realproc"
mount -t tmpfs none /proc
links=()
for e in "$fake"/realproc/[!0-9]*; do    # not the processes: self is enough
	[ "${e##*/}" = net ] || links+=("$e")
done
ln -s "${links[@]}" /proc/               # one ln, not one a link: this runs 29 times
ln -s "$fake/realproc/$$" "/proc/$$"      # this process (exec keeps it): ASan reads it
cp -r "$dir" /proc/net
exec "$@"
SH
chmod +x "$FAKE/proc.sh"
for set in distinct zero; do
	for args in -s -st -su -sw "-s -6" "-s -6 -t" "-s -6 -u"; do
		# shellcheck disable=SC2086
		want=$(unshare -m "$FAKE/proc.sh" "$FAKE/$set" netstat $args 2>&1)
		# shellcheck disable=SC2086
		got=$(unshare -m "$FAKE/proc.sh" "$FAKE/$set" "$SONDE" netstat $args 2>&1)
		is "$got" "$want" "netstat $args on $set counters ($(printf '%s\n' "$want" | wc -l) lines)"
	done
done
got=$(unshare -m "$FAKE/proc.sh" "$FAKE/distinct" "$SONDE" netstat -s)
# The values are the file's (1, 2, 0 in turn); T1InitExpireds (0) is left
# out as net-tools leaves zero counters of its fallback form out.
contains_block "$got" "Sctp:
    1 Current Associations
    2 Active Associations
    0 Passive Associations
    1 Number of Aborteds 
    2 Number of Graceful Terminations
    0 Number of Out of Blue packets
    1 Number of Packets with invalid Checksum
    2 Number of control chunks sent
    0 Number of ordered chunks sent
    1 Number of Unordered chunks sent
    2 Number of control chunks received
    0 Number of ordered chunks received
    1 Number of Unordered chunks received
    2 Number of messages fragmented
    0 Number of messages reassembled 
    1 Number of SCTP packets sent
    2 Number of SCTP packets received
    SctpT3RtxExpireds: 1" "-s: SCTP's table when the kernel has one, every line"

# --- usage ----------------------------------------------------------------
run "$SONDE" netstat -r -i
ok_rc "$RC" 2 "-r with -i: usage error"
like "$ERR" "^sonde netstat: .*choose one" "-r with -i: one line saying why"
run "$SONDE" netstat -s -x
ok_rc "$RC" 2 "-s -x: usage error"
done_testing
