#!/bin/bash
# sonde nft list against nft 1.0.6 on named objects (counter, quota, limit,
# synproxy, ct helper, ct timeout, ct expectation: data/nft_objects.nft)
# with counts and quota use that loopback traffic moved, the statements
# naming them directly or through object maps, and jhash / symhash:
# list ruleset and -s byte for byte; -j as nft's JSON (keys sorted);
# what sonde lists loads back with nft -f and lists the same.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nft python3

lab_ns objs
lab_exec objs nft -f "$TESTS_DIR/func/data/nft_objects.nft" || fail "object ruleset loads"
# Loopback pings through `counter name ip daddr map @m1` and the icmp quota.
lab_exec objs ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1
like "$(lab_exec objs nft list counter inet objs c1)" 'packets [1-9]' "the counter object counted the pings"

normal_json() { # FILE: keys sorted, metainfo's writer fields dropped
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for o in d["nftables"]:
	o.get("metainfo", {}).pop("version", None); o.get("metainfo", {}).pop("release_name", None)
print(json.dumps(d, sort_keys=True, indent=1))' "$1"
}

same_as_nft() { # ARGS...
	local want
	want=$(lab_exec objs nft "$@" 2>/dev/null)
	lab_run objs "$SONDE" nft "$@"
	ok_rc "$RC" 0 "nft $*: exit 0"
	is "$OUT" "$want" "nft $*: byte for byte nft's"
}
same_json_as_nft() { # ARGS...
	lab_exec objs nft "$@" >"$LAB_TMP/nft.json" 2>/dev/null
	lab_run objs "$SONDE" nft "$@"
	ok_rc "$RC" 0 "nft $*: exit 0"
	printf '%s\n' "$OUT" >"$LAB_TMP/sonde.json"
	is "$(normal_json "$LAB_TMP/sonde.json")" "$(normal_json "$LAB_TMP/nft.json")" "nft $*: nft's JSON"
}

same_as_nft list ruleset
same_as_nft -s list ruleset
same_as_nft list table inet objs
same_as_nft list table ip nat
same_json_as_nft -j list ruleset
same_json_as_nft -j -s list ruleset
unlike "$(lab_exec objs "$SONDE" nft list ruleset)" 'sonde' "nothing listed as not rendered"

lab_run objs "$SONDE" nft list ruleset
printf '%s\n' "$OUT" >"$LAB_TMP/listed"
before=$(lab_exec objs nft -s list ruleset)
lab_exec objs nft flush ruleset
lab_exec objs nft -f "$LAB_TMP/listed" && pass "sonde's listing loads with nft -f" || fail "sonde's listing loads with nft -f"
is "$(lab_exec objs nft -s list ruleset)" "$before" "and lists as the original (counts aside)"
done_testing
