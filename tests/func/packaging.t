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
python3 "$TOP/packaging/gendoc.py" bash "$doc/describe.json" > "$doc/sonde.bash"
complete_words() { # WORDS... (the last one is being completed)
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sonde
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$doc/sonde.bash" "$@"
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
python3 "$TOP/packaging/gendoc.py" zsh "$doc/describe.json" > "$doc/_sonde"
if command -v zsh >/dev/null; then
	zsh -n "$doc/_sonde" && pass "zsh completion parses" || fail "zsh completion parses"
	run zsh -c 'autoload -U compinit && compinit -u -D && source "$1" 2>&1; whence -w _sonde' _ "$doc/_sonde"
	like "$OUT" "_sonde: function" "zsh completion defines _sonde"
else
	skip "zsh completion parses" "zsh is not installed"
	skip "zsh completion defines _sonde" "zsh is not installed"
fi

done_testing
