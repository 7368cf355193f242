#!/bin/bash
# sonde nft list against nft 1.0.6: hand-written rulesets (nft_rules.nft:
# inet/ip/ip6 tables, interval and timeout sets, verdict maps, ct, fib,
# limit, log, NAT, reject; nft_more.nft: set policy, element comments,
# concatenations, nat ranges and flags, ct directions, raw payloads, named
# priorities with offsets) and kube-proxy's nftables mode for a few hundred
# services (tests/bench/kube_rules.sh); what sonde lists loads back with
# nft -f and lists the same.  -j is nft's JSON schema: equal to nft -j's
# once both are normalised (keys sorted; metainfo's version and
# release_name name the writer), and nft -j -f loads it as it loads its own.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab/nft_same.bash"
need_root
need_cmd nft setpriv
SERVICES=${KUBE_SERVICES:-300}

lab_ns hand
lab_exec hand nft -f "$TESTS_DIR/func/data/nft_rules.nft" || fail "hand ruleset loads"
lab_ns more
lab_exec more nft -f "$TESTS_DIR/func/data/nft_more.nft" || fail "second hand ruleset loads"
"$TESTS_DIR/bench/kube_rules.sh" nftables "$SERVICES" >"$LAB_TMP/kube.nft"
lab_ns kube
lab_exec kube nft -f "$LAB_TMP/kube.nft" || fail "kube-proxy nftables ruleset loads"

for ns in hand more kube; do
	same_as_nft $ns list ruleset
	same_as_nft $ns -s list ruleset
	same_as_nft $ns list tables
done
same_as_nft hand list ruleset inet
same_as_nft hand list table inet filter
same_as_nft hand list table nat
same_as_nft hand list chain ip nat postrouting
same_as_nft hand list chain inet filter input
same_as_nft kube list chain ip kube-proxy services

# What sonde lists loads back and lists the same.
for ns in hand more kube; do
	lab_run $ns "$SONDE" nft list ruleset
	printf '%s\n' "$OUT" >"$LAB_TMP/$ns.listed"
	before=$(lab_exec $ns nft list ruleset)
	lab_exec $ns nft flush ruleset
	lab_exec $ns nft -f "$LAB_TMP/$ns.listed" && pass "$ns: sonde's listing loads with nft -f" \
		|| fail "$ns: sonde's listing loads with nft -f"
	is "$(lab_exec $ns nft list ruleset)" "$before" "$ns: and lists as the original"
done

# Read-only, usage, errors.
lab_run hand "$SONDE" nft add rule inet filter input drop
ok_rc "$RC" 2 "nft add is refused"
like "$ERR" "only 'list' is supported" "the refusal says why"
run "$SONDE" nft list
ok_rc "$RC" 2 "list without an object is a usage error"
lab_run hand "$SONDE" nft list table ip nosuch
ok_rc "$RC" 1 "an unknown table exits 1"
lab_run hand "$SONDE" nft list ruleset bogus
ok_rc "$RC" 2 "an unknown family is a usage error"

# JSON: nft's schema, equal to nft -j's after normalising.
for ns in hand more kube; do
	same_json_as_nft $ns -j list ruleset
	same_json_as_nft $ns -j -s list ruleset
	same_json_as_nft $ns -j list tables
done
same_json_as_nft hand --json list ruleset
same_json_as_nft hand -j list table inet filter
same_json_as_nft more -j list chain inet probe c1
same_json_as_nft kube -j list chain ip kube-proxy services
# The driver's --json after the object words, as ss and iptables take it.
lab_exec hand nft -j list ruleset >"$LAB_TMP/nft.json"
lab_run hand "$SONDE" nft list ruleset --json
ok_rc "$RC" 0 "nft list ruleset --json: exit 0"
printf '%s\n' "$OUT" >"$LAB_TMP/sonde.json"
is "$(normal_json "$LAB_TMP/sonde.json")" "$(normal_json "$LAB_TMP/nft.json")" "nft list ruleset --json: nft -j's JSON"
run "$SONDE" nft list tables --netns "$(ns hand)"
is "$OUT" "$(lab_exec hand nft list tables)" "nft list tables --netns NS: that namespace's tables"
lab_run kube "$SONDE" nft -j list ruleset
like "$OUT" '^\{"nftables": \[\{"metainfo": \{"version": "[^"]*", "release_name": "sonde", "json_schema_version": 1\}\}, \{"table": ' \
	"metainfo names sonde, in nft's layout"

# nft -j -f loads sonde's JSON as it loads its own (nft 1.0.6 leaves table
# and chain comments out of its JSON, so both lose them).
for ns in hand more; do
	lab_run $ns "$SONDE" nft -j list ruleset
	printf '%s\n' "$OUT" >"$LAB_TMP/$ns.sonde.json"
	lab_exec $ns nft -j list ruleset >"$LAB_TMP/$ns.nft.json"
	lab_ns ${ns}load
	lab_exec ${ns}load nft -j -f "$LAB_TMP/$ns.nft.json"
	want=$(lab_exec ${ns}load nft list ruleset)
	lab_exec ${ns}load nft flush ruleset
	lab_exec ${ns}load nft -j -f "$LAB_TMP/$ns.sonde.json" && pass "$ns: nft -j -f loads sonde's JSON" \
		|| fail "$ns: nft -j -f loads sonde's JSON"
	is "$(lab_exec ${ns}load nft list ruleset)" "$want" "$ns: and it lists as nft's own JSON does"
done

run "$SONDE" nft --netns "$(ns hand)" list tables
is "$OUT" "$(lab_exec hand nft list tables)" "--netns lists that namespace"
run ip netns exec "$(ns hand)" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SONDE" nft list ruleset
ok_rc "$RC" 3 "without CAP_NET_ADMIN: exit 3"
done_testing
