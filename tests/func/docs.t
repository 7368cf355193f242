#!/bin/bash
# docs/architecture.md against the tree: its "libcore modules" section names
# every libcore module (libcore/*.c and libcore/nf/*.c, as `addr.c` or
# `nf/nft.c`), every module it names is there (a rename leaves no stale name
# behind), and no module calls one the section puts in a layer above its own.
. "$(dirname "$0")/../lib.sh"
TOP=$(cd "$TESTS_DIR/.." && pwd)
doc=$TOP/docs/architecture.md

section=$(awk '/^## libcore modules/ { on = 1; next } /^## / { on = 0 } on' "$doc")
[ -n "$section" ] && pass "docs/architecture.md has a \"libcore modules\" section" ||
	fail "docs/architecture.md has a \"libcore modules\" section"
named=$(printf '%s\n' "$section" | grep -oE '`(nf/)?[a-z0-9_]+\.c`' | tr -d '`' | LC_ALL=C sort -u)
present=$(cd "$TOP/libcore" && printf '%s\n' *.c nf/*.c | LC_ALL=C sort -u)
is "$(LC_ALL=C comm -13 <(printf '%s\n' "$named") <(printf '%s\n' "$present"))" "" \
	"docs/architecture.md names every libcore module (listed: those it omits)"
is "$(LC_ALL=C comm -23 <(printf '%s\n' "$named") <(printf '%s\n' "$present"))" "" \
	"every module docs/architecture.md names is in libcore/ (listed: those that are not)"

# The layers of the tables: a module calls its own layer and the ones below
# it, never one above (from the symbols of the objects beside $SONDE).
objdir=$(cd "$(dirname "$SONDE")" && pwd)/libcore
if [ -d "$objdir/nf" ] && command -v nm >/dev/null && command -v python3 >/dev/null; then
	is "$(python3 - "$doc" "$objdir" <<'PY'
import glob, os, re, subprocess, sys
doc, objdir = sys.argv[1], sys.argv[2]
text = open(doc).read()
section = text[text.index("## libcore modules"):]
section = section[:section.index("\n## ", 5)] if "\n## " in section[5:] else section
rank = {"Base": 0, "Kernel and protocol access": 1, "Shared classic views": 2}
layer, current = {}, None
for line in section.splitlines():
    if line.startswith("### "):
        current = rank.get(line[4:])
    m = re.match(r"\| `((nf/)?[a-z0-9_]+)\.c`", line)
    if m:
        layer[m.group(1)] = current
defined, wanted = {}, {}
for obj in glob.glob(objdir + "/*.o") + glob.glob(objdir + "/nf/*.o"):
    name = os.path.relpath(obj, objdir)[:-2]
    wanted[name] = set()
    for row in subprocess.run(["nm", "-P", obj], capture_output=True, text=True).stdout.splitlines():
        f = row.split()
        if len(f) < 2:
            continue
        if f[1] == "U":
            wanted[name].add(f[0])
        elif f[1] in "TDBRCGSVW":
            defined.setdefault(f[0], name)
for name in sorted(wanted):
    for sym in sorted(wanted[name]):
        callee = defined.get(sym)
        if callee and callee != name and layer.get(name) is not None and layer.get(callee) is not None \
                and layer[callee] > layer[name]:
            print("%s calls %s (%s), a layer above" % (name, callee, sym))
PY
)" "" "libcore calls run down the layers docs/architecture.md gives (listed: calls that go up)"
else
	skip "libcore calls run down the layers docs/architecture.md gives" "no objects beside \$SONDE ($objdir) or no nm"
fi

# The claim the issue found wrong: rtnetlink runs on a raw socket of
# netlink.c's own (the doc once said libnl-route, which is not linked).
like "$(grep -E '^\| `netlink\.c`' "$doc")" "raw" "docs/architecture.md: netlink.c on a raw socket"
grep -qE 'socket\(AF_NETLINK, SOCK_RAW' "$TOP/libcore/netlink.c" && pass "libcore/netlink.c opens its raw netlink socket" ||
	fail "libcore/netlink.c opens its raw netlink socket"
unlike "$(grep -E -- '-lnl-route' "$TOP/Makefile")" . "libnl-route is not linked"

done_testing
