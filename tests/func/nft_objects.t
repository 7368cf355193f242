#!/bin/bash
# sonde nft list against nft 1.0.6 on named objects (counter, quota, limit,
# synproxy, ct helper, ct timeout, ct expectation: data/nft_objects.nft)
# with counts and quota use that loopback traffic moved, the statements
# naming them directly or through object maps, and jhash / symhash; and on
# lookup keys nft writes in ways of their own (data/nft_keys.nft:
# concatenations of fields narrower or wider than their datatypes,
# addresses under a mask, ct saddr): list ruleset and -s byte for byte; -j as nft's
# JSON (keys sorted); what sonde lists loads back with nft -f and lists
# the same.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab/nft_same.bash"
need_root
need_cmd nft python3

lab_ns objs
lab_exec objs nft -f "$TESTS_DIR/func/data/nft_objects.nft" || fail "object ruleset loads"
lab_ns keys
lab_exec keys nft -f "$TESTS_DIR/func/data/nft_keys.nft" || fail "lookup key ruleset loads"
# Loopback pings through `counter name ip daddr map @m1` and the icmp quota.
lab_exec objs ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1
like "$(lab_exec objs nft list counter inet objs c1)" 'packets [1-9]' "the counter object counted the pings"

same_as_nft objs list table inet objs
same_as_nft objs list table ip nat
for ns in objs keys; do
	same_as_nft $ns list ruleset
	same_as_nft $ns -s list ruleset
	same_json_as_nft $ns -j list ruleset
	same_json_as_nft $ns -j -s list ruleset
	unlike "$(lab_exec $ns "$SONDE" nft list ruleset)" 'sonde' "$ns: nothing listed as not rendered"

	lab_run $ns "$SONDE" nft list ruleset
	printf '%s\n' "$OUT" >"$LAB_TMP/listed"
	before=$(lab_exec $ns nft -s list ruleset)
	lab_exec $ns nft flush ruleset
	lab_exec $ns nft -f "$LAB_TMP/listed" && pass "$ns: sonde's listing loads with nft -f" \
		|| fail "$ns: sonde's listing loads with nft -f"
	is "$(lab_exec $ns nft -s list ruleset)" "$before" "$ns: and lists as the original (counts aside)"
done
done_testing
