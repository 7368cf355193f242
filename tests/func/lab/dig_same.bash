# tests/func/lab/dig_same.bash: the comparison dig_badserver.t,
# dig_obsolete.t and dig_trace_bad.t share, sourced after lib.sh, and the
# crafted server of the first two.
#
# badserver_up ADDR: namespace dns holding ADDR, named by its resolv.conf,
# with lab/dig_badserver.py answering there on port 53, UDP and TCP.
#
# mask: stdin to stdout with what differs between two digs by nature
# masked (banner version, ids, query time, date, cookie, the id bytes of a
# hex dump); a test with other replies (dig_trace_bad.t) defines its own
# after sourcing this file.
#
# dig_same NAME ARGS...: sonde dig ARGS prints on stdout (masked) and stderr
# (sonde's prefix read as dig's) what bind9's dig ARGS prints, and exits as
# it does, both run in lab namespace dns.  dig's status is taken from dig
# itself, never from a pipe after it (that would be mask's 0).
dig_same() {
	local name=$1 theirs theirs_err want
	shift
	lab_exec dns dig "$@" >"$LAB_TMP/dig.out" 2>"$LAB_TMP/dig.err"
	want=$?
	theirs=$(mask <"$LAB_TMP/dig.out")
	theirs_err=$(cat "$LAB_TMP/dig.err")
	lab_run dns "$SONDE" dig "$@"
	is "$(printf '%s\n' "$OUT" | mask)" "$theirs" "$name: same output as bind9 dig"
	is "${ERR//sonde dig: /dig: }" "$theirs_err" "$name: same stderr"
	ok_rc "$RC" "$want" "$name: exit $want as dig"
}

badserver_up() {
	lab_dns_ns dns "$1"
	lab_bg dns python3 "$TESTS_DIR/func/lab/dig_badserver.py" "$1"
	lab_wait_listen dns 53 udp
	lab_wait_listen dns 53
}

mask() {
	sed -E -e 's/^; <<>> .* <<>>( |$)/; <<>> VERSION <<>>\1/' -e '/^;; Query time: /d' -e '/^;; WHEN: /d' \
		-e 's/(->>HEADER<<- opcode: [A-Z0-9]+, status: [A-Z0-9]+), id: [0-9]+/\1, id: ID/' \
		-e 's/(ID mismatch: expected ID )[0-9]+, got [0-9]+/\1X, got Y/' -e 's/^; COOKIE: [0-9a-f]+/; COOKIE: HEX/' \
		-e '/^[0-9]+ bytes$/{n;s/^[0-9a-f]{2} [0-9a-f]{2} (.{42}         )..(.*)$/XX XX \1..\2/;}'
}
