#!/bin/bash
# ss against iproute2's ss in a lab namespace holding sockets in every TCP
# state the lab can produce (LISTEN, ESTABLISHED, SYN_SENT, SYN_RECV,
# CLOSE_WAIT, FIN_WAIT2, TIME_WAIT), UDP, raw, and Unix stream/datagram/
# seqpacket sockets: byte-identical output for the common invocations,
# filters compiled into kernel bytecode, --json, --netns.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ss python3 nft

. "$TESTS_DIR/func/lab/ss_lab.bash"

same() { same_as_classic "ss $* is byte-identical" s ss "$@"; }

# --- the states are all there ------------------------------------------------
lab_run s "$SONDE" ss -tan
for st in LISTEN ESTAB SYN-SENT SYN-RECV CLOSE-WAIT FIN-WAIT-2 TIME-WAIT; do
	like "$OUT" "^$st " "a $st socket is listed"
done

# --- byte-identical invocations ------------------------------------------------
same -tan
same -tulpn
same -xa
same -tn
same -ltn
same -uan
same -wan
same -xl
same -xp
same -H -tan
same -4 -tan
same -6 -tan
same -tanm
same -xam
same -uanm
same -tan state established
same -tan state listening
same -tan state time-wait state syn-recv
same -tan exclude established
same -tan state connected
same -tan dport = :4001
same -tan sport = :4001
same -tan dport != :4001
same -tan sport '>=' :4002
same -tan sport '<' :4003
same -tan sport gt :4002
same -tan dst 10.77.0.0/24
same -tan src 127.0.0.1
same -tan 'dst [::1]'
same -tan not dst 127.0.0.1
same -tan '( sport = :4001 or dport = :4001 ) and not state listening'
same -tan sport = :4001 or dst 10.77.0.9
same -tan dst 127.0.0.1:4001
same -uan dst 127.0.0.1

# ss -s: the socket totals move as the kernel frees sockets lazily; mask the
# numbers of the first two lines.
want=$(ip netns exec "$NS" ss -s | sed -E '1,2s/[0-9]+/N/g')
got=$(ip netns exec "$NS" "$SONDE" ss -s | sed -E '1,2s/[0-9]+/N/g')
is "$got" "$want" "ss -s is byte-identical (the two total lines masked)"

# Timers, tcp_info and cgroup paths move between two runs: mask the numbers
# that legitimately change (tcp_info is checked exactly on an idle connection
# below).
# A timer's text length moves the width of the last column: trailing blanks go too.
# tcp_info lines (-i, indented under each socket) keep their fields and
# order; their values (rtt, rates, byte counts) move between the two runs.
mask() { sed -E 's/timer:\([a-z]+,[^,]*,[0-9]+\)/timer:(T)/g; s/(last(snd|rcv|ack)):[0-9]+/\1:N/g;
	/^[[:space:]]/ s/[0-9]+(\.[0-9]+)?/N/g; s/ +$//'; }
for args in "-tano" "-tani" "-tanio" "-tane" "-xae"; do
	want=$(ip netns exec "$NS" ss $args 2>/dev/null | mask)
	got=$(ip netns exec "$NS" "$SONDE" ss $args 2>/dev/null | mask)
	is "$got" "$want" "ss $args is identical once timers are masked"
done

# --- the filter runs in the kernel ------------------------------------------
if command -v strace >/dev/null; then
	ip netns exec "$NS" strace -f -e trace=sendto -o "$LAB_TMP/trace" "$SONDE" ss -tan dport = :4001 >/dev/null
	grep -q 'INET_DIAG_REQ_BYTECODE' "$LAB_TMP/trace" && pass "filters travel as INET_DIAG_REQ_BYTECODE" \
		|| fail "filters travel as INET_DIAG_REQ_BYTECODE" "$(head -5 "$LAB_TMP/trace")"
else
	skip "filters travel as INET_DIAG_REQ_BYTECODE" "needs strace (packaging/install-deps.sh test)"
fi

# --- JSON -----------------------------------------------------------------------
lab_run s "$SONDE" ss -tanp --json
ok_rc "$RC" 0 "ss --json exits 0"
python3 - "$OUT" <<'EOF' && pass "ss --json lists the same sockets with processes" || fail "ss --json content" "$OUT"
import json, sys
doc = json.loads(sys.argv[1])
socks = doc["sockets"]
states = {s["state"] for s in socks}
assert {"LISTEN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "CLOSE_WAIT", "TIME_WAIT"} <= states, states
lst = [s for s in socks if s["state"] == "LISTEN" and s["local"]["port"] == 4001][0]
assert lst["processes"][0]["name"] == "python3", lst
assert all(k in lst for k in ("netid", "recv_q", "send_q", "local", "peer", "inode"))
EOF
# An unconnected UDP socket: "UNCONN" in JSON as in the text, not the
# kernel's "CLOSE" (the text lists it, so the JSON must name it alike).
lab_run s "$SONDE" ss -uan --json
text_unconn=$(ip netns exec "$NS" "$SONDE" ss -uan | awk 'NR > 1 && $1 == "UNCONN"' | wc -l)
json_states=$(python3 -c 'import json,sys; print(" ".join(s["state"] for s in json.loads(sys.argv[1])["sockets"]))' "$OUT")
is "$(printf '%s\n' $json_states | grep -cx UNCONN)" "$text_unconn" "ss -uan --json: as many UNCONN sockets as the text lists"
unlike "$json_states" "CLOSE" "ss -uan --json: no unconnected socket called CLOSE"
lab_run s "$SONDE" ss -s --json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["summary"]["tcp4"] >= 1' "$OUT" \
	&& pass "ss -s --json" || fail "ss -s --json" "$OUT"

# --- doctor's socket section (the same engine) ----------------------------------
lab_run s "$SONDE" doctor --json
python3 - "$OUT" <<'EOF' && pass "doctor lists listeners and counts CLOSE_WAIT/SYN_RECV" || fail "doctor sockets section" "$OUT"
import json, sys
checks = {c["name"]: c for c in json.loads(sys.argv[1])["checks"] if c["section"] == "sockets"}
assert "tcp 0.0.0.0:4001" in checks["listening"]["listening"], checks["listening"]
assert checks["listening"]["tcp_listening"] == 5, checks["listening"]
assert checks["CLOSE_WAIT"]["count"] == 1 and checks["CLOSE_WAIT"]["status"] == "pass"
assert checks["SYN_RECV"]["count"] == 1
EOF

# --- --netns, usage -----------------------------------------------------------------
run "$SONDE" ss --netns "$NS" -tln sport = :4001
like "$OUT" "0.0.0.0:4001" "--netns NAME lists the namespace's sockets"
run "$SONDE" ss -tln sport = :4001
unlike "$OUT" "0.0.0.0:4001" "without --netns the host namespace is listed"
run "$SONDE" ss -tan dport = :notaport
ok_rc "$RC" 2 "a bad filter is a usage error"
like "$ERR" "^sonde ss: bad filter expression: not a port: 'notaport'$" "one-line message for a bad filter"
run "$SONDE" ss -tan state nosuch
ok_rc "$RC" 2 "a bad state name is a usage error"

# --- tcp_info exactly, on a connection that holds still ------------------------
# (Last: the zoo's SYN_RECV sockets must not time out before the tests above.)
# Its own namespace, one loopback connection: the client sends 1000 bytes,
# the server 300, then both idle.  Only the ages (lastsnd, lastrcv, lastack)
# move between two runs; every other value must be iproute2's.
lab_ns ti
cat >"$LAB_TMP/idle.py" <<'EOF'
import socket, sys, time
l = socket.socket(); l.bind(('127.0.0.1', 4100)); l.listen(1)
c = socket.create_connection(('127.0.0.1', 4100)); a, _ = l.accept()
c.sendall(b'c' * 1000)
got = b''
while len(got) < 1000: got += a.recv(4096)
a.sendall(b's' * 300)
got = b''
while len(got) < 300: got += c.recv(4096)
time.sleep(0.5)   # the last ACKs (delayed ACK: 40 ms) are in
open(sys.argv[1], 'w').close()
time.sleep(600)
EOF
lab_bg ti python3 "$LAB_TMP/idle.py" "$LAB_TMP/idle.ready"
for _ in $(seq 1 100); do [ -e "$LAB_TMP/idle.ready" ] && break; sleep 0.1; done
# The ages' digits move the header's padding too: trailing blanks go.
ages() { sed -E 's/(last(snd|rcv|ack)):[0-9]+/\1:N/g; s/ +$//'; }
for args in -tni -tnmi; do
	want=$(lab_exec ti ss $args | ages)
	lab_run ti "$SONDE" ss $args
	is "$(printf '%s\n' "$OUT" | ages)" "$want" "ss $args on an idle connection: every tcp_info value but the ages"
done
lab_run ti "$SONDE" ss -tni --json
python3 - "$OUT" <<'EOF' && pass "ss -tni --json: the bytes the test sent each way" || fail "ss -tni --json: the bytes the test sent" "$OUT"
import json, sys
socks = {s["peer"]["port"] == 4100: s["tcp_info"] for s in json.loads(sys.argv[1])["sockets"]}
client, server = socks[True], socks[False]
assert (client["bytes_sent"], client["bytes_acked"], client["bytes_received"]) == (1000, 1001, 300), client
assert (server["bytes_sent"], server["bytes_acked"], server["bytes_received"]) == (300, 300, 1000), server
assert client["unacked"] == 0 and client["retrans"] == 0, client
EOF

# --- ss -s: the namespace's sockets, none of sonde's own --------------------------
# The TCP line's figures include sockets the kernel counts host-wide (other
# tests move them): masked.  "Total:" is this namespace's: the 3 sockets above.
want=$(lab_exec ti ss -s | sed -E '2s/[0-9]+/N/g')
lab_run ti "$SONDE" ss -s
is "$(printf '%s\n' "$OUT" | sed -E '2s/[0-9]+/N/g')" "$want" "ss -s in a quiet namespace: as iproute2 counts"
like "$OUT" '^Total: 3$' "ss -s: Total is the 3 sockets of the namespace (sonde's own is not open yet)"

# --- no /proc: said, never zeros or a silently missing column ---------------------
# The sanitizer runtime reads its options and runs LeakSanitizer through
# /proc: these checks need the static binary.
noproc() { lab_run ti unshare --mount sh -c 'umount -l /proc && exec "$@"' sh "$@"; }
if is_sanitized; then
	skip "ss without /proc" "the sanitizer runtime needs /proc"
else
	noproc "$SONDE" ss -s
	ok_rc "$RC" 1 "ss -s without /proc: exit 1"
	is "$ERR" "sonde ss: cannot read /proc/net/sockstat: No such file or directory (is /proc mounted?)" \
		"ss -s without /proc: says so (iproute2 prints Total: 0)"
	is "$OUT" "" "ss -s without /proc: no table of zeros"
	noproc "$SONDE" ss -tlnp
	ok_rc "$RC" 0 "ss -p without /proc: the sockets are still listed"
	like "$OUT" '^LISTEN .*127\.0\.0\.1:4100 ' "ss -p without /proc: the listener"
	is "$ERR" "sonde ss: warning: no process column: cannot list the processes in /proc: No such file or directory (is /proc mounted?)" \
		"ss -p without /proc: says the process column is missing"

fi
done_testing
