#!/bin/bash
# iptables 1.8.9's own extension tests (extensions/*.t) against sonde: every
# rule the kernel here accepts is loaded, one lab namespace per family and
# backend, and sonde's -S, -L -n -v, -L -n -v -x --line-numbers, -L and
# iptables-save (with and without -c) are compared rule by rule with the
# backend's own tool (tests/conformance/iptables_suite.py).  A rule sonde
# shows differently must carry its visible placeholder ("sonde: ..."):
# any silent difference fails.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3 iptables-legacy iptables-nft ip6tables-legacy ip6tables-nft
UPSTREAM=${UPSTREAM_DIR:-$TESTS_DIR/../../shared/upstream}/iptables-1.8.9/extensions
[ -d "$UPSTREAM" ] || skip_all "no upstream iptables test data at $UPSTREAM"

for family in 4 6; do
	for backend in legacy nft; do
		name=ip${family/4/}tables-$backend
		[ "$family" = 6 ] && name=ip6tables-$backend
		[ "$family" = 4 ] && name=iptables-$backend
		lab_ns "$name"
		python3 "$TESTS_DIR/conformance/iptables_suite.py" "$SONDE" "$(ns "$name")" "$backend" "$family" "$UPSTREAM" \
			>"$LAB_TMP/$name.report" 2>"$LAB_TMP/$name.err"
		tally=$(head -1 "$LAB_TMP/$name.report")
		like "$tally" '^TALLY ' "$name: the suite ran" || diag "$(cat "$LAB_TMP/$name.err")"
		diag "$name: $tally"
		silent=$(sed -n 's/.* silent=\([0-9]*\).*/\1/p' <<<"$tally")
		is "${silent:-missing}" 0 "$name: no rule listed silently different from $name"
		[ "${silent:-0}" = 0 ] || diag "$(grep -a -A2 '^SILENT' "$LAB_TMP/$name.report" | head -60)"
		notloaded=$(grep -c '^NOTLOADED' "$LAB_TMP/$name.report")
		diag "$name: $notloaded rules the kernel or tool here refused (not compared)"
	done
done
done_testing
