#!/bin/bash
# Delivery: the installed binary's size and libraries, licences, man pages,
# completions, the .deb, the container image, the kubectl plugin, release
# archives.  Each part runs the packaging script the Makefile target runs.
. "$(dirname "$0")/../lib.sh"
need_root
TOP=$(cd "$TESTS_DIR/.." && pwd)

# --- the installed binary ----------------------------------------------------
# make install strips; the stripped static binary stays within 6,000,000
# bytes.  Linked-but-unused libraries are what pushed it over: libdbus (for
# libpcap's D-Bus capture) and libnl-route.
if is_sanitized; then
	skip "stripped binary within 6,000,000 bytes" "the sanitizer build is dynamic and instrumented"
	skip "libdbus is not linked" "the sanitizer build links the shared libpcap as it is"
else
	strip -o "$LAB_TMP/sonde" "$SONDE"
	size=$(stat -c %s "$LAB_TMP/sonde")
	diag "stripped size: $size bytes"
	[ "$size" -le 6000000 ] && pass "stripped binary within 6,000,000 bytes" ||
		fail "stripped binary within 6,000,000 bytes" "it is $size bytes"
	# libdbus's own strings, and libpcap's D-Bus device names, are absent.
	unlike "$(grep -aoE 'org\.freedesktop\.DBus|dbus-system' "$LAB_TMP/sonde" | sort -u)" . \
		"libdbus is not linked"
fi

# --- licences ----------------------------------------------------------------
like "$(head -3 "$TOP/LICENSE")" "^Copyright \(c\) [0-9]+ the sonde authors$" "LICENSE: MIT, the sonde authors"
like "$(head -1 "$TOP/LICENSE")" "^MIT License$" "LICENSE names MIT"
# THIRD_PARTY_LICENSES names the library versions the binary reports.
run "$SONDE" --version
for lib in openssl:OpenSSL c-ares:c-ares libnl:libnl libpcap:libpcap; do
	name=${lib%%:*}
	in_binary=$(printf '%s\n' "$OUT" | grep -oE "${lib#*:} [0-9][0-9.]*[0-9]" | awk '{print $2}')
	listed=$(awk -v n="$name" '$1 == n && $3 == "Debian" { print $2 }' "$TOP/THIRD_PARTY_LICENSES")
	is "$listed" "$in_binary" "THIRD_PARTY_LICENSES lists $name $in_binary, as sonde --version says"
	grep -q "^$name .*: /usr/share/doc/.*/copyright from Debian$" "$TOP/THIRD_PARTY_LICENSES" &&
		pass "THIRD_PARTY_LICENSES holds $name's copyright file" ||
		fail "THIRD_PARTY_LICENSES holds $name's copyright file"
done
for text in "GNU LESSER GENERAL PUBLIC LICENSE" "Apache License" "GCC RUNTIME LIBRARY EXCEPTION"; do
	grep -q "$text" "$TOP/THIRD_PARTY_LICENSES" && pass "THIRD_PARTY_LICENSES has the text of $text" ||
		fail "THIRD_PARTY_LICENSES has the text of $text"
done
like "$(cat "$TOP/THIRD_PARTY_LICENSES")" "^Relinking against a modified LGPL library" "THIRD_PARTY_LICENSES says how to relink"
# Regenerated on this machine, it names the same libraries.
is "$(sh "$TOP/packaging/third-party-licenses.sh" | sed -n '/^  [a-z-]* /p' | awk '{print $1, $2}')" \
   "$(sed -n '/^  [a-z-]* /p' "$TOP/THIRD_PARTY_LICENSES" | awk '{print $1, $2}')" \
   "packaging/third-party-licenses.sh regenerates the same list"

# --- man pages and completions, from the option tables -----------------------
doc=$LAB_TMP/doc
mkdir -p "$doc"
"$SONDE" --describe > "$doc/describe.json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$doc/describe.json" &&
	pass "sonde --describe is JSON" || fail "sonde --describe is JSON"
python3 "$TOP/packaging/gendoc.py" man "$doc/describe.json" "$TOP/docs" "$doc/man" 0.0.0-test
applets=$("$SONDE" --list | awk '{print $1}')
is "$(ls "$doc/man")" "$( (echo sonde.1; printf 'sonde-%s.1\n' $applets) | LC_ALL=C sort)" \
	"a man page for sonde and for each applet"
warnings=""
for page in "$doc"/man/*.1; do
	w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >"${page%.1}.txt")
	[ -n "$w" ] && warnings="$warnings$(basename "$page"): $w
"
done
is "$warnings" "" "every man page renders without warnings (man --warnings -l)"
# Each page lists every option its applet's table has.
missing=$(python3 -c 'import json, sys
for a in json.load(open(sys.argv[1] + "/describe.json")):
    text = open("%s/man/sonde-%s.txt" % (sys.argv[1], a["name"])).read()
    for o in a["options"]:
        name = "--" + o["long"] if o.get("long") else "-" + o["short"]
        if name not in text:
            print(a["name"], name)' "$doc")
is "$missing" "" "each applet's man page lists all its options"
like "$(MANWIDTH=200 man -l "$doc/man/sonde-ping.1")" "^ +-M do\|dont\|want$" "sonde-ping(1): -M with its values"
like "$(MANWIDTH=200 man -l "$doc/man/sonde-ping.1")" "^OUTPUT$" "sonde-ping(1): docs/ping.md's Output section"

# bash: drive the completion function as bash does at a TAB.
mkdir -p "$doc/completion"
python3 "$TOP/packaging/gendoc.py" bash "$doc/describe.json" > "$doc/completion/sonde.bash"
complete_words() { # WORDS... (the last one is being completed)
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sonde
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$doc/completion/sonde.bash" "$@"
}
is "$(complete_words sonde pi)" "$(printf 'ping\nping6')" "bash: sonde pi<TAB> -> ping ping6"
is "$(complete_words sonde "")" "$(printf '%s\n' $applets --help --install --list --version | LC_ALL=C sort)" \
	"bash: sonde <TAB> -> every applet"
is "$(complete_words sonde ping --t)" "--tcp" "bash: sonde ping --t<TAB> -> --tcp"
is "$(complete_words sonde ping -M "")" "$(printf 'do\ndont\nwant')" "bash: sonde ping -M <TAB> -> the table's values"
is "$(complete_words sonde ping -M do)" "$(printf 'do\ndont')" "bash: sonde ping -M do<TAB>"
is "$(complete_words sonde ping -c 3 --js)" "--json" "bash: common options after an option's value"
like "$(complete_words sonde nc -)" "^-z$" "bash: nc's options"
mkdir -p "$doc/files" && touch "$doc/files/rules.v4"
is "$(cd "$doc/files" && complete_words sonde iptables-save -t "")" "rules.v4" "bash: a value without named choices completes files, not options"
is "$(cd "$doc/files" && complete_words sonde dig -f ru)" "rules.v4" "bash: -f FILE completes file names"

# zsh: the generated function parses.
python3 "$TOP/packaging/gendoc.py" zsh "$doc/describe.json" > "$doc/completion/_sonde"
if command -v zsh >/dev/null; then
	zsh -n "$doc/completion/_sonde" && pass "zsh completion parses" || fail "zsh completion parses"
	run zsh -c 'autoload -U compinit && compinit -u -D && source "$1" 2>&1; whence -w _sonde' _ "$doc/completion/_sonde"
	like "$OUT" "_sonde: function" "zsh completion defines _sonde"
else
	skip "zsh completion parses" "zsh is not installed"
	skip "zsh completion defines _sonde" "zsh is not installed"
fi

# --- the .deb -------------------------------------------------------------------
VERSION=$(sed -n 's/^VERSION *:= *//p' "$TOP/Makefile")
ARCH=$(dpkg --print-architecture)
if is_sanitized; then
	for t in "the .deb builds" "lintian: no errors" "dpkg --root installs it" "no applet name in a PATH directory" \
		"every applet linked in /usr/lib/sonde/bin" "man pages and completions installed" "the installed applets run"; do
		skip "$t" "the sanitizer build is not packaged"
	done
else
	run sh "$TOP/packaging/mkdeb.sh" "$SONDE" "$doc" "$VERSION" "$ARCH" "$LAB_TMP/deb"
	deb=$LAB_TMP/deb/sonde_${VERSION}_$ARCH.deb
	ok_rc "$RC" 0 "the .deb builds"
	# lintian takes half a minute: it runs beside the other checks.
	lintian_pid=""
	if command -v lintian >/dev/null; then
		timeout 300 lintian --fail-on error "$deb" > "$LAB_TMP/lintian" 2>&1 &
		lintian_pid=$!
	fi
	root=$LAB_TMP/root
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	touch "$root/var/lib/dpkg/status"
	run dpkg --root="$root" -i "$deb"
	ok_rc "$RC" 0 "dpkg --root installs it"
	in_path=""
	for d in bin sbin usr/bin usr/sbin usr/local/bin usr/local/sbin; do
		for a in $applets; do [ -e "$root/$d/$a" ] || [ -L "$root/$d/$a" ] && in_path="$in_path $d/$a"; done
	done
	is "$in_path" "" "no applet name in a PATH directory"
	is "$(cd "$root/usr/lib/sonde/bin" && for a in *; do echo "$a -> $(readlink -f "$a" | sed "s|^$root||")"; done)" \
	   "$(printf '%s -> /usr/bin/sonde\n' $applets)" "every applet linked in /usr/lib/sonde/bin"
	[ -f "$root/usr/share/man/man1/sonde.1.gz" ] && [ -f "$root/usr/share/man/man1/sonde-ping.1.gz" ] &&
	[ -f "$root/usr/share/bash-completion/completions/sonde" ] && [ -f "$root/usr/share/zsh/vendor-completions/_sonde" ] &&
		pass "man pages and completions installed" || fail "man pages and completions installed"
	# Run from the installed tree (chroot: nothing from this system's /usr).
	lab_ns deb
	lab_exec deb chroot "$root" /usr/lib/sonde/bin/ping -c 1 -W 5 127.0.0.1 > "$LAB_TMP/deb-ping" 2>&1
	rc=$?
	lab_exec deb chroot "$root" /usr/bin/sonde ss -ltn > "$LAB_TMP/deb-ss" 2>&1
	[ "$rc" = 0 ] && grep -q "1 received" "$LAB_TMP/deb-ping" && grep -q "^State" "$LAB_TMP/deb-ss" &&
		pass "the installed applets run" || fail "the installed applets run" "$(cat "$LAB_TMP/deb-ping" "$LAB_TMP/deb-ss")"
	if [ -n "$lintian_pid" ]; then
		wait "$lintian_pid"
		ok_rc "$?" 0 "lintian: no errors"
		diag "$(grep -E '^[EW]:' "$LAB_TMP/lintian")"
	else
		skip "lintian: no errors" "lintian is not installed"
	fi
fi

done_testing
