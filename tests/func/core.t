#!/bin/bash
# The multi-call binary: dispatch, common options, the applet table, the
# static build running in an empty root, and --netns.
. "$(dirname "$0")/../lib.sh"
need_root
TOP=$(cd "$TESTS_DIR/.." && pwd)

# --- the applet table -------------------------------------------------------
# Names as the binary knows them (an id in applets.def may stand for a
# dashed name: iptables_save is iptables-save).
applets=$("$SONDE" --list | awk '{print $1}')
is "$applets" "$(printf '%s\n' $applets | LC_ALL=C sort -u)" "the applet table is sorted by name and unique"
ids=$(sed -n 's/^APPLET(\([a-z0-9_]*\)).*/\1/p' "$TOP/applets/applets.def")
is "$(printf '%s\n' $applets | tr - _)" "$ids" "applets.def lists every applet, ids in name order"
for a in $applets; do
	[ -f "$TOP/docs/$a.md" ] && pass "applet $a has docs/$a.md" || fail "applet $a has docs/$a.md"
	# Named after the applet, or (aliases such as ping6) exercised by one.
	if ls "$TESTS_DIR"/func/"$a"*.t >/dev/null 2>&1 ||
	   grep -lqE -- "\\\$SONDE\"? $a( |\$)" "$TESTS_DIR"/func/*.t; then
		pass "applet $a has functional tests"
	else
		fail "applet $a has functional tests"
	fi
	run "$SONDE" "$a" --help
	ok_rc "$RC" 0 "$a --help exits 0"
	like "$OUT" "^Usage: sonde $a " "$a --help starts with its usage"
	like "$OUT" "--json" "$a --help lists --json"
	like "$OUT" "--netns NS" "$a --help lists --netns"
	unlike "$OUT" "\([-0-9.]*[0-9]e[-+]?[0-9]+-|-[0-9.]*[0-9]e[-+]?[0-9]+\)" "$a --help: option ranges as written, never in exponent form"
	# The usage code is 2 unless the applet keeps its classic tool's (dig: 1);
	# --help's exit-code line says which.
	usage_rc=$(printf '%s\n' "$OUT" | sed -n 's/^Exit codes:.* \([0-9]*\) usage.*/\1/p')
	run "$SONDE" "$a" --no-such-option
	ok_rc "$RC" "${usage_rc:-2}" "$a: unknown option is a usage error (exit ${usage_rc:-2})"
	is "$ERR" "sonde $a: unknown option --no-such-option (see --help)" "$a: one-line error on stderr"
	is "$OUT" "" "$a: nothing on stdout after a usage error"
	# An empty --netns is refused before anything runs (it printed stack
	# memory); operands only to get past the operand count.
	for operands in "" "127.0.0.1" "127.0.0.1 1"; do
		run "$SONDE" "$a" --netns '' $operands
		[[ "$ERR" == *"missing operand"* || "$ERR" == *"unexpected operand"* ]] || break
	done
	ok_rc "$RC" "${usage_rc:-2}" "$a --netns '': a usage error (exit ${usage_rc:-2})"
	is "$ERR" "sonde $a: --netns needs a namespace name, path or PID (got an empty one)" "$a --netns '': says why"
	is "$OUT" "" "$a --netns '': nothing on stdout"
done
run "$SONDE" --list --json
like "$OUT" '^\[\{"name":' "--list --json is a JSON array"
python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT" && pass "--list --json parses" || fail "--list --json parses"

# --- dispatch ---------------------------------------------------------------
run "$SONDE" --version
ok_rc "$RC" 0 "--version exits 0"
like "$OUT" '^sonde [0-9]+\.[0-9]+\.[0-9]+ \(OpenSSL [0-9.]+.*c-ares [0-9.]+, libnl [0-9.]+, libpcap [0-9.]+, zlib [0-9.]+\)$' \
	"--version names sonde's version and its libraries"
run "$SONDE" nosuchapplet
ok_rc "$RC" 127 "unknown applet exits 127"
is "$ERR" "sonde: unknown applet 'nosuchapplet' (see sonde --list)" "unknown applet message"
run "$SONDE" n
ok_rc "$RC" 127 "no prefix matching of applet names"
run "$SONDE"
ok_rc "$RC" 2 "no applet is a usage error"
like "$ERR" "Usage: sonde APPLET" "no applet prints the usage on stderr"

bindir=$LAB_TMP/bin
mkdir -p "$bindir"
cp "$SONDE_BIN" "$bindir/sonde"
run "$bindir/sonde" --install "$bindir"
ok_rc "$RC" 0 "--install creates links"
for a in $applets; do
	[ "$(readlink "$bindir/$a")" = sonde ] && pass "link $a -> sonde (relative, beside the binary)" \
		|| fail "link $a -> sonde" "$(ls -l "$bindir")"
done
first=$(echo "$applets" | head -1)
run "$bindir/$first" --help
like "$OUT" "^Usage: sonde $first " "argv[0] dispatch through a link"
run "$bindir/sonde" --install "$bindir"
ok_rc "$RC" 0 "--install again: links already there are fine"
is "$ERR" "" "--install again: nothing to say"

# Never replace what is there (a distribution's nc or iptables) without --force.
echo precious >"$bindir/keep"
ln -sf keep "$bindir/$first"
rm "$bindir/ping"; echo real >"$bindir/ping"
run "$bindir/sonde" --install "$bindir"
ok_rc "$RC" 1 "--install with names taken: exit 1"
is "$(readlink "$bindir/$first")" "keep" "--install leaves another link alone"
is "$(cat "$bindir/ping")" "real" "--install leaves a real file alone"
is "$ERR" "sonde: --install: $bindir/$first exists (a link); left alone (--force replaces it)
sonde: --install: $bindir/ping exists (a file); left alone (--force replaces it)" "--install says what it left alone and how to replace it"
run "$bindir/sonde" --install --force "$bindir" ping
ok_rc "$RC" 0 "--install --force DIR ping: exit 0"
is "$(readlink "$bindir/ping")" "sonde" "--force replaces the named file"
is "$(readlink "$bindir/$first")" "keep" "only the named applet is touched"
is "$(cat "$bindir/keep")" "precious" "the old link's target is untouched"

# Named applets only, hard links, and unknown names.
sel=$LAB_TMP/sel
mkdir -p "$sel"
run "$bindir/sonde" --install "$sel" ping ss
ok_rc "$RC" 0 "--install DIR ping ss"
is "$(ls "$sel" | tr '\n' ' ')" "ping ss " "only the named applets are linked"
is "$(readlink "$sel/ping")" "$(readlink -f "$bindir/sonde")" "a link away from the binary holds its absolute path"
run "$bindir/sonde" --install "$sel" ping nosuch
ok_rc "$RC" 2 "--install with an unknown applet: usage error"
is "$ERR" "sonde: --install: no applet named 'nosuch' (see --help)" "--install names the unknown applet (sonde --help lists them)"
hard=$LAB_TMP/hard
mkdir -p "$hard"
cp "$SONDE_BIN" "$hard/sonde"
run "$hard/sonde" --install --hard "$hard" nc
ok_rc "$RC" 0 "--install --hard DIR nc"
[ "$hard/nc" -ef "$hard/sonde" ] && [ ! -L "$hard/nc" ] && pass "--hard: nc is a hard link to the binary" \
	|| fail "--hard: nc is a hard link to the binary" "$(ls -li "$hard")"
run "$hard/nc" --help
like "$OUT" "^Usage: sonde nc " "argv[0] dispatch through a hard link"
run "$SONDE" --install
ok_rc "$RC" 2 "--install without a directory: usage error"
is "$ERR" "sonde: --install: a directory is needed: sonde --install [--force] [--hard] DIR [APPLET...] (see --help)" \
	"--install without a directory: the usage error names --install"
run "$SONDE" --install --soft "$LAB_TMP"
ok_rc "$RC" 2 "--install --soft: usage error"
is "$ERR" "sonde: --install: unknown option --soft (see --help)" "--install names the unknown option"

# Ranges are the table's numbers: ping -c takes up to 2147483647, printed so
# in --help (it showed 1-2.14748e+09) and in the refusal.
run "$SONDE" ping --help
like "$OUT" "^  -c COUNT .* \(1-2147483647\)$" "ping --help: -c's range as an integer"
like "$OUT" "^  -i SECS .* \(0-2147483\)$" "ping --help: -i's range as written"
run "$SONDE" ping -c 3000000000 127.0.0.1
ok_rc "$RC" 2 "ping -c 3000000000: usage error"
is "$ERR" "sonde ping: -c value is too large: 3000000000 (at most 2147483647)" "ping -c 3000000000: the bound as an integer"

# --- make install -------------------------------------------------------------
if ! is_sanitized; then
	prefix=$LAB_TMP/prefix
	mkdir -p "$prefix/bin"
	echo distro-nc >"$prefix/bin/nc"
	run make -C "$TOP" --no-print-directory install PREFIX="$prefix"
	ok_rc "$RC" 0 "make install PREFIX=..."
	[ -x "$prefix/bin/sonde" ] && pass "make install puts the binary in PREFIX/bin" || fail "make install layout" "$OUT" "$ERR"
	is "$(ls "$prefix/bin" | tr '\n' ' ')" "nc sonde " "make install adds no links (they would shadow the system's tools)"
	file "$prefix/bin/sonde" | grep -q ', stripped' && pass "make install strips the binary" \
		|| fail "make install strips the binary" "$(file "$prefix/bin/sonde")"
	[ -s "$prefix/share/man/man1/sonde.1" ] && [ -s "$prefix/share/man/man1/sonde-ping.1" ] &&
		pass "make install puts the man pages in PREFIX/share/man/man1" ||
		fail "make install puts the man pages in PREFIX/share/man/man1" "$(ls -R "$prefix/share" 2>&1 | head)"
	[ -s "$prefix/share/bash-completion/completions/sonde" ] && [ -s "$prefix/share/zsh/site-functions/_sonde" ] &&
		pass "make install puts bash's and zsh's completions under PREFIX/share" ||
		fail "make install puts bash's and zsh's completions under PREFIX/share"
	run make -C "$TOP" --no-print-directory install-links PREFIX="$prefix" DIR="$prefix/links" APPLETS="ping nc"
	ok_rc "$RC" 0 "make install-links DIR=... APPLETS=..."
	is "$(ls "$prefix/links" | tr '\n' ' ')" "nc ping " "make install-links links the applets asked for"
	run make -C "$TOP" --no-print-directory install-links PREFIX="$prefix"
	[ "$RC" != 0 ] && pass "make install-links into PREFIX/bin fails where a name is taken" \
		|| fail "make install-links into PREFIX/bin fails where a name is taken"
	is "$(cat "$prefix/bin/nc")" "distro-nc" "make install-links never clobbers an existing nc"
	[ -L "$prefix/bin/ping" ] && pass "make install-links creates the free names" || fail "make install-links creates the free names"
fi

# --- --netns ----------------------------------------------------------------
run "$SONDE" "$first" --netns no-such-ns-$$ --help
ok_rc "$RC" 0 "--help wins over --netns"
run "$SONDE" nc --netns "no-such-ns-$$" -z 127.0.0.1 1
ok_rc "$RC" 2 "--netns with an unknown name is a usage error"
is "$ERR" "sonde nc: --netns no-such-ns-$$: no such network namespace (/run/netns/no-such-ns-$$ does not exist)" \
	"--netns unknown name message"
long_spec=$(printf 'n%.0s' $(seq 1 5000))
run "$SONDE" nc --netns "$long_spec" -z 127.0.0.1 1
ok_rc "$RC" 2 "--netns longer than a path is a usage error"
like "$ERR" "^sonde nc: --netns: cannot use 'n{64}\.\.\.': File name too long$" "--netns too long: says so, shortened"
lab_ns a
lab_bg a socat TCP-LISTEN:4711,reuseaddr,fork /dev/null
lab_wait_listen a 4711
run "$SONDE" nc --netns "$(ns a)" -z 127.0.0.1 4711
ok_rc "$RC" 0 "--netns NAME: a port open only inside the namespace is found"
run "$SONDE" nc -z 127.0.0.1 4711
ok_rc "$RC" 1 "without --netns the same port is closed here"
pid=$(ip netns pids "$(ns a)" | head -1)
run "$SONDE" nc --netns "$pid" -z 127.0.0.1 4711
ok_rc "$RC" 0 "--netns PID enters that process's namespace"
run "$SONDE" nc --netns "/proc/$pid/ns/net" -z 127.0.0.1 4711
ok_rc "$RC" 0 "--netns PATH"
if command -v setpriv >/dev/null; then
	run setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$SONDE" nc --netns "$(ns a)" -z 127.0.0.1 4711
	ok_rc "$RC" 3 "--netns without privilege exits 3"
	like "$ERR" "CAP_SYS_ADMIN" "--netns without privilege names the capability"
else
	skip "--netns without privilege" "needs setpriv (util-linux)"
fi

# --- an empty root: no libc files, no /etc, no /proc -----------------------
if is_sanitized; then
	skip "empty-root checks" "they need the static binary, not the sanitizer build"
else
	file "$SONDE_BIN" | grep -q 'statically linked' && pass "the binary is statically linked" \
		|| fail "the binary is statically linked" "$(file "$SONDE_BIN")"
	if nm "$SONDE_BIN" 2>/dev/null | grep -qwE 'getaddrinfo|gethostbyname|getservbyname'; then
		fail "no glibc NSS lookups in the binary"
	else
		pass "no glibc NSS lookups in the binary"
	fi
	root=$LAB_TMP/emptyroot
	mkdir -p "$root"
	cp "$SONDE_BIN" "$root/sonde"
	lab_ns e
	lab_bg e socat TCP-LISTEN:4712,reuseaddr,fork /dev/null
	lab_wait_listen e 4712
	chroot_run() { run ip netns exec "$(ns e)" chroot "$root" /sonde "$@"; }
	chroot_run --version
	ok_rc "$RC" 0 "empty root: --version"
	mkdir -p "$root/bin"
	chroot_run --install /bin ping
	ok_rc "$RC" 0 "empty root, no /proc: --install finds the binary by the path it was run by"
	is "$(readlink "$root/bin/ping")" "/sonde" "empty root: the link holds that path"
	chroot_run nc -z 127.0.0.1 4712
	ok_rc "$RC" 0 "empty root: nc -z to an IP finds the open port"
	chroot_run nc -z 127.0.0.1 4713
	ok_rc "$RC" 1 "empty root: nc -z to a closed port fails"
	chroot_run nc -z nosuch.test 4712
	ok_rc "$RC" 1 "empty root: a name fails cleanly (no resolv.conf, no hosts)"
	unlike "$ERR" "Segmentation|Aborted|dlopen" "empty root: name failure is a message, not a crash"
	chroot_run doctor
	if [ "$RC" = 0 ] || [ "$RC" = 1 ]; then pass "empty root: doctor runs (exit $RC)"; else
		fail "empty root: doctor runs" "exit $RC" "$ERR"; fi
	like "$OUT" "resolv" "empty root: doctor reports on resolv.conf"
	chroot_run doctor --json
	python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT" && pass "empty root: doctor --json parses" \
		|| fail "empty root: doctor --json parses" "$OUT"
fi
done_testing
