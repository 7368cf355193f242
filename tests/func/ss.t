#!/bin/bash
# ss against iproute2's ss in a lab namespace holding sockets in every TCP
# state the lab can produce (LISTEN, ESTABLISHED, SYN_SENT, SYN_RECV,
# CLOSE_WAIT, FIN_WAIT2, TIME_WAIT), UDP, raw, and Unix stream/datagram/
# seqpacket sockets: byte-identical output for the common invocations,
# filters compiled into kernel bytecode, --json, --netns.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ss python3 nft

. "$TESTS_DIR/func/ss_lab.bash"

same() { same_as ss "$@"; }

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
# that legitimately change.
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
done_testing
