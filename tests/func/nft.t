#!/bin/bash
# sonde nft list against nft 1.0.6: a hand-written ruleset (nft_rules.nft:
# inet/ip/ip6 tables, interval and timeout sets, verdict maps, ct, fib,
# limit, log, NAT, reject) and kube-proxy's nftables mode for a few hundred
# services (tests/bench/kube_rules.sh); what sonde lists loads back with
# nft -f and lists the same.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nft setpriv
SERVICES=${KUBE_SERVICES:-300}

lab_ns hand
lab_exec hand nft -f "$TESTS_DIR/func/nft_rules.nft" || fail "hand ruleset loads"
"$TESTS_DIR/bench/kube_rules.sh" nftables "$SERVICES" >"$LAB_TMP/kube.nft"
lab_ns kube
lab_exec kube nft -f "$LAB_TMP/kube.nft" || fail "kube-proxy nftables ruleset loads"

same_as_nft() { # NS ARGS...
	local ns=$1 want
	shift
	want=$(lab_exec "$ns" nft "$@" 2>/dev/null)
	lab_run "$ns" "$SONDE" nft "$@"
	ok_rc "$RC" 0 "nft $* ($ns): exit 0"
	is "$OUT" "$want" "nft $* ($ns): byte for byte nft's"
}

for ns in hand kube; do
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
for ns in hand kube; do
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

for json in --json -j; do
	lab_run kube "$SONDE" nft $json list ruleset
	ok_rc "$RC" 0 "$json: exit 0"
	printf '%s' "$OUT" >"$LAB_TMP/json"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d[0]; c=[x for x in t["chains"] if x["name"]=="services"][0]; assert t["name"]=="kube-proxy" and c["rules"]==["ip daddr . meta l4proto . th dport vmap @service-ips"]' "$LAB_TMP/json" \
		&& pass "$json: a document with the tables, chains and rules" || fail "$json: a document with the tables, chains and rules"
done

run "$SONDE" nft --netns "$(ns hand)" list tables
is "$OUT" "$(lab_exec hand nft list tables)" "--netns lists that namespace"
run ip netns exec "$(ns hand)" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SONDE" nft list ruleset
ok_rc "$RC" 3 "without CAP_NET_ADMIN: exit 3"
done_testing
