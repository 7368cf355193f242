#!/bin/bash
# nftables 1.0.6's own rule tests (tests/py, every family) against sonde:
# each file's tables, chains, sets, objects and rules are loaded with nft
# into a lab namespace (line by line where the kernel here refuses some),
# and sonde's list ruleset, -s list ruleset and -j list ruleset (JSON with
# sorted keys, metainfo aside) are compared rule by rule with nft's
# (tests/conformance/nft_suite.py).  A rule sonde shows differently must
# carry its visible placeholder ("sonde: not rendered ..."): any silent
# difference fails.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3 nft
UPSTREAM=${UPSTREAM_DIR:-$TESTS_DIR/../../shared/upstream}/nftables-1.0.6/py
[ -d "$UPSTREAM" ] || skip_all "no upstream nftables test data at $UPSTREAM"

lab_ns nft
python3 "$TESTS_DIR/conformance/nft_suite.py" "$SONDE" "$(ns nft)" "$UPSTREAM" >"$LAB_TMP/nft.report" 2>"$LAB_TMP/nft.err"
tally=$(head -1 "$LAB_TMP/nft.report")
like "$tally" '^TALLY ' "nft tests/py: the suite ran" || diag "$(cat "$LAB_TMP/nft.err")"
diag "nft tests/py (rules counted per table and chain they went into): $tally"
silent=$(sed -n 's/.* silent=\([0-9]*\).*/\1/p' <<<"$tally")
is "${silent:-missing}" 0 "nft tests/py: no rule or declaration listed silently different from nft"
[ "${silent:-0}" = 0 ] || diag "$(grep -a -A2 '^SILENT' "$LAB_TMP/nft.report" | head -60)"
diag "placeholders by file: $(grep '^PLACEHOLDER' "$LAB_TMP/nft.report" | awk '{print $2}' | sort | uniq -c | sort -rn | head -12 | awk '{printf "%s %s, ", $2, $1}')"
done_testing
