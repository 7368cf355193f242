#!/bin/bash
# ping in a routed lab, side by side with iputils ping: replies, TTLs,
# router errors (time exceeded, REJECT unreachables), DUPs, -q/-D/-O/-s/-M,
# Ctrl-C, JSON, --tcp, and least privilege (raw, ICMP datagram, nothing).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab/ping_lab.sh"
need_root
need_cmd ping nft setpriv socat python3
ping_lab_up

# compare NAME ARGS...: sonde ping and iputils ping, same args, same lab namespace.
compare() {
	local name=$1; shift
	lab_run c ping "$@"
	local want_out=$OUT want_rc=$RC
	lab_run c "$SONDE" ping "$@"
	is "$(printf '%s\n' "$OUT" | normalize_ping)" "$(printf '%s\n' "$want_out" | normalize_ping)" "$name: same output as iputils"
	ok_rc "$RC" "$want_rc" "$name: same exit status as iputils ($want_rc)"
}

compare "v4 replies" -c 3 -i 0.2 10.93.4.2
like "$OUT" "icmp_seq=3 ttl=61 time=" "v4: the reply's TTL shows three routers"
compare "v6 replies" -c 2 -i 0.2 fd93:4::2
compare "time exceeded from the first router" -c 2 -i 0.2 -t 1 10.93.4.2
like "$OUT" "From 10.93.1.2 icmp_seq=1 Time to live exceeded" "-t 1: the first router says so"
compare "v6 hop limit exceeded" -c 1 -t 1 fd93:4::2
compare "silent router: no reply, no error" -c 2 -i 0.2 -W 1 -t 2 10.93.4.2
compare "REJECT host-unreachable" -c 2 -i 0.2 10.93.4.20
like "$OUT" "From 10.93.3.2 icmp_seq=1 Destination Host Unreachable" "host unreachable from r3"
compare "REJECT net-unreachable" -c 1 10.93.4.21
compare "REJECT admin-prohibited" -c 1 10.93.4.22
compare "v6 REJECT address unreachable" -c 1 fd93:4::20
compare "v6 REJECT admin-prohibited" -c 1 fd93:4::22
compare "quiet" -q -c 2 -i 0.2 10.93.4.2
compare "4 data bytes: no times" -c 2 -i 0.2 -s 4 10.93.4.2
compare "-s 1000" -c 1 -s 1000 fd93:4::2
compare "-I interface" -c 1 -I veth0 10.93.4.2
compare "-I address" -c 1 -I 10.93.1.1 10.93.4.2
compare "deadline" -w 1 -i 0.3 10.93.4.23
compare "-O outstanding" -c 2 -i 0.3 -W 1 -O 10.93.4.23
like "$OUT" "no answer yet for icmp_seq=1" "-O reports the unanswered probe"
compare "-D timestamps" -c 1 -D 10.93.4.2
like "$OUT" '^\[[0-9]+\.[0-9]{6}\] 64 bytes from' "-D prefixes [seconds.micro]"

# -i 0: the next probe goes once the last is answered (or 10 ms later), as in
# iputils; sent back to back, replies overflowed the socket buffer and were
# counted as lost (87% "loss" with every reply received by the kernel).
compare "-i 0 -c 2000 to the veth peer" -q -i 0 -c 2000 10.93.1.2
like "$OUT" "^2000 packets transmitted, 2000 received, 0% packet loss" "-i 0: no loss invented"
# A reply later than 10 ms (a loaded machine) leaves two probes out: iputils
# then says "pipe 2" before ipg/ewma, and so must sonde.
like "$OUT" "^rtt min/avg/max/mdev = [0-9./]+ ms(, pipe [0-9]+)?, ipg/ewma [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$" \
	"-i 0: the summary ends with ipg/ewma as iputils' does"
lab_run c ping -q -i 0 -w 1 10.93.4.23
iputils_sent=$(printf '%s\n' "$OUT" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
lab_run c "$SONDE" ping -q -i 0 -w 1 10.93.4.23
sent=$(printf '%s\n' "$OUT" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
[ "${sent:-0}" -ge 40 ] && [ "${sent:-0}" -le 130 ] &&
	pass "-i 0 without replies: a probe per 10 ms at most ($sent in 1 s; iputils $iputils_sent)" ||
	fail "-i 0 without replies: a probe per 10 ms at most" "sent ${sent:-none} in 1 s; iputils $iputils_sent"

lab_run c "$SONDE" ping -c 1 -s 2000 -M do 10.93.4.2
ok_rc "$RC" 1 "-M do with a too large packet: no reply"
is "$ERR" "sonde ping: local error: message too long, mtu=1500" "-M do: the local error names the MTU"
like "$OUT" "\+1 errors" "the local error is counted"

# DUPs: r1 copies every echo reply back to the client.
ip netns exec "$(ns r1)" nft -f - <<'NFT'
table ip lab_dup {
	chain lab_forward {
		type filter hook forward priority 0;
		icmp type echo-reply dup to 10.93.1.1 device "veth0"
	}
}
NFT
compare "duplicates" -c 2 -i 0.3 10.93.4.2
like "$OUT" "icmp_seq=1 ttl=61 time=[0-9.]+ ms \(DUP!\)" "(DUP!) marks the copy"
like "$OUT" "\+1 duplicates" "the summary counts it"
ip netns exec "$(ns r1)" nft delete table ip lab_dup

# Ctrl-C prints the summary.
ip netns exec "$(ns c)" "$SONDE" ping -i 0.2 10.93.4.2 >"$LAB_TMP/intr" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
ok_rc "$?" 0 "Ctrl-C: exit 0 after replies"
like "$(cat "$LAB_TMP/intr")" "packets transmitted, [0-9]+ received, 0% packet loss" "Ctrl-C prints the statistics"

# JSON: one object per reply or error, then the summary.
lab_run c "$SONDE" ping --json -c 2 -i 0.2 10.93.4.2
ok_rc "$RC" 0 "--json exits 0"
python3 - "$OUT" <<'PY' && pass "--json: replies then a summary naming the raw socket" || fail "--json shape" "$OUT"
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
assert [l["type"] for l in lines] == ["reply", "reply", "summary"], lines
assert lines[0]["from"] == "10.93.4.2" and lines[0]["ttl"] == 61 and lines[0]["rtt_ms"] > 0
s = lines[-1]
assert s["socket"] == "raw" and s["transmitted"] == 2 and s["received"] == 2 and s["loss_pct"] == 0 and "loss_percent" not in s
PY
lab_run c "$SONDE" ping --json -c 1 -t 1 10.93.4.2
python3 - "$OUT" <<'PY' && pass "--json: an error object" || fail "--json error" "$OUT"
import json, sys
e = json.loads(sys.argv[1].splitlines()[0])
assert e["type"] == "error" and e["from"] == "10.93.1.2" and e["icmp_type"] == 11 and e["error"] == "Time to live exceeded"
PY

# --tcp: the handshake, open and closed.
lab_bg s socat TCP6-LISTEN:8080,ipv6only=0,reuseaddr,fork /dev/null
lab_wait_listen s 8080
lab_run c "$SONDE" ping --tcp 8080 -c 2 -i 0.2 10.93.4.2
ok_rc "$RC" 0 "--tcp to an open port exits 0"
like "$OUT" "connected to 10.93.4.2 port 8080: seq=2 time=[0-9.]+ ms" "--tcp: each handshake timed"
like "$OUT" "2 packets transmitted, 2 received, 0% packet loss" "--tcp: the same statistics"
lab_run c "$SONDE" ping --tcp 8081 -c 1 fd93:4::2
ok_rc "$RC" 1 "--tcp to a closed port exits 1"
like "$OUT" "refused by fd93:4::2 port 8081: seq=1 .*host reachable, port closed" "--tcp: refused is reported as such"
like "$ERR" "reachable, but port 8081 is closed" "--tcp: it says the port is closed"

# --- least privilege --------------------------------------------------------
pub=$LAB_TMP/pub
mkdir -p "$pub"; cp "$SONDE_BIN" "$pub/sonde"; chmod 755 "$LAB_TMP" "$pub" "$pub/sonde"
lab_exec c sysctl -qw net.ipv4.ping_group_range="1 0"
lab_run c $UNPRIV "$pub/sonde" ping -c 1 10.93.4.2
ok_rc "$RC" 2 "no raw socket and no ping_group_range: exit 2"
like "$ERR" "CAP_NET_RAW" "the message names CAP_NET_RAW"
like "$ERR" "ping_group_range=\"65534 65534\"" "the message names the sysctl for this group"
like "$ERR" "--tcp PORT" "the message suggests --tcp"
is "$OUT" "" "nothing on stdout: no silent switch of method"
lab_run c $UNPRIV "$pub/sonde" ping --tcp 8080 -v -c 1 10.93.4.2
ok_rc "$RC" 0 "--tcp needs no privilege"
like "$ERR" "socket: tcp-connect" "-v names the connect socket"
lab_exec c sysctl -qw net.ipv4.ping_group_range="65534 65534"
lab_run c $UNPRIV "$pub/sonde" ping -v -c 2 -i 0.2 10.93.4.2
ok_rc "$RC" 0 "ping_group_range: ICMP datagram socket works"
like "$ERR" "socket: icmp-dgram" "-v names the datagram socket"
like "$OUT" "64 bytes from 10.93.4.2: icmp_seq=2 ttl=61 time=" "datagram socket: replies with TTL"
lab_run c $UNPRIV "$pub/sonde" ping -c 1 -t 1 fd93:4::2
like "$OUT" "From fd93:1::2 icmp_seq=1 Time exceeded: Hop limit" "datagram socket: errors through IP_RECVERR (v6)"
lab_run c $UNPRIV "$pub/sonde" ping -c 1 10.93.4.20
like "$OUT" "From 10.93.3.2 icmp_seq=1 Destination Host Unreachable" "datagram socket: unreachable through IP_RECVERR"
lab_run c $UNPRIV "$pub/sonde" ping --json -c 1 10.93.4.2
like "$OUT" '"socket":"icmp-dgram"' "JSON names the datagram socket"

# --- usage ------------------------------------------------------------------
run "$SONDE" ping -4 -6 127.0.0.1
ok_rc "$RC" 2 "-4 with -6 is a usage error"
run "$SONDE" ping -t 300 127.0.0.1
ok_rc "$RC" 2 "-t 300 is a usage error"
like "$ERR" "^sonde ping: -t value is too large: 300" "-t 300: one line"
run "$SONDE" ping -M sometimes 127.0.0.1
ok_rc "$RC" 2 "-M with a bad mode is a usage error"
lab_run c "$SONDE" ping -c 1 10.99.0.1
ok_rc "$RC" 2 "no route: exit 2"
is "$ERR" "sonde ping: connect: Network is unreachable" "no route: the message"
lab_run c "$SONDE" ping -c 1 localhost
like "$OUT" "64 bytes from localhost \(127.0.0.1\): icmp_seq=1" "a name target shows name (address)"
done_testing
