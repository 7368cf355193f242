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

done_testing
