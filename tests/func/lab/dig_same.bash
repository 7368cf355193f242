# tests/func/lab/dig_same.bash: the comparison dig_badserver.t and
# dig_trace_bad.t share, sourced after lib.sh by a test that defines
# mask (its filter for what differs by nature: banner version, id, times).
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
