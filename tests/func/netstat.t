#!/bin/bash
# netstat against net-tools' netstat in a lab namespace: TCP in every state
# the lab produces, UDP, raw and Unix sockets (with a connection pending in a
# listener's queue, so the Unix RefCnt column is exercised); byte-identical
# output for -tan, -tulpn, -xa and friends; --json; -c; --netns.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd netstat python3 nft

. "$TESTS_DIR/func/lab/ss_lab.bash"

same() { same_as_classic "netstat $* is byte-identical" s netstat "$@"; }

lab_run s "$SONDE" netstat -tan
for st in LISTEN ESTABLISHED SYN_SENT SYN_RECV CLOSE_WAIT FIN_WAIT2 TIME_WAIT; do
	like "$OUT" " $st *\$" "a $st socket is listed"
done

same -tan
same -tulpn
# A connection still in a listener's accept queue appears in /proc/net/unix
# as "CONNECTING" with inode 0; sock_diag does not report such half-made
# sockets, so sonde cannot list them (ss does not either).  They still count
# in the RefCnt of the socket that connected, which sonde derives.
same_unix() {
	local want got
	want=$(ip netns exec "$NS" netstat "$@" 2>/dev/null | grep -Ev ' CONNECTING +0 ')
	got=$(ip netns exec "$NS" "$SONDE" netstat "$@" 2>"$LAB_TMP/err")
	is "$got" "$want" "netstat $* is byte-identical (but for connections not yet accepted)"
}
same_unix -xa
same_unix -x
same_unix -xl
same_unix -xap
same -tn
same -ltn
same -tl
same -uan
same -wan
same_unix -an
same -tanp
same -tanW
same -tanee
same -tlnee
same -4 -tan
same -6 -tan
same -lntu
same -ta

# -c lists again every second until stopped.
timeout 2.5 ip netns exec "$NS" "$SONDE" netstat -c -ltn >"$LAB_TMP/cont" 2>&1
n=$(grep -c '^Active Internet connections' "$LAB_TMP/cont")
[ "$n" -ge 2 ] && pass "-c repeats the listing ($n times in 2.5 s)" || fail "-c repeats the listing" "$(cat "$LAB_TMP/cont")"

lab_run s "$SONDE" netstat -tuxanp --json
ok_rc "$RC" 0 "netstat --json exits 0"
python3 - "$OUT" <<'EOF' && pass "netstat --json uses ss's field names" || fail "netstat --json content" "$OUT"
import json, sys
socks = json.loads(sys.argv[1])["sockets"]
netids = {s["netid"] for s in socks}
assert {"tcp", "udp", "u_str", "u_dgr"} <= netids, netids
lst = [s for s in socks if s["netid"] == "tcp" and s["state"] == "LISTEN" and s["local"]["port"] == 4001][0]
assert lst["processes"][0]["name"] == "python3"
assert all(k in lst for k in ("recv_q", "send_q", "local", "peer", "inode", "uid"))
EOF

run "$SONDE" netstat --netns "$NS" -ltn
like "$OUT" "0.0.0.0:4001" "--netns NAME shows the namespace's sockets"
run "$SONDE" netstat -tn extra
ok_rc "$RC" 2 "an operand is a usage error"

# --- no /proc: said, never a silently missing column -------------------------
# The sanitizer runtime reads its options and runs LeakSanitizer through
# /proc: these checks need the static binary.
noproc() { lab_run s unshare --mount sh -c 'umount -l /proc && exec "$@"' sh "$@"; }
if is_sanitized; then
	skip "netstat without /proc" "the sanitizer runtime needs /proc"
else
	noproc "$SONDE" netstat -s
	ok_rc "$RC" 1 "-s without /proc: exit 1"
	is "$ERR" "sonde netstat: cannot read /proc/net/snmp: No such file or directory (is /proc mounted?)" \
		"-s without /proc: the file and the hint"
	noproc "$SONDE" netstat -tlnp
	ok_rc "$RC" 0 "-p without /proc: the sockets are still listed"
	like "$OUT" '^tcp +0 +0 0\.0\.0\.0:4001 .* LISTEN +- *$' "-p without /proc: the listener, no program"
	is "$ERR" "sonde netstat: warning: no PID/Program name: cannot list the processes in /proc: No such file or directory (is /proc mounted?)" \
		"-p without /proc: says why the column shows -"
fi
done_testing
