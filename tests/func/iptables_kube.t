#!/bin/bash
# kube-proxy's iptables mode, generated for a few hundred services
# (tests/bench/kube_rules.sh), in both backends: sonde's -S, -L and --save
# equal iptables' own.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iptables_lab.bash"
SERVICES=${KUBE_SERVICES:-300}

"$TESTS_DIR/bench/kube_rules.sh" iptables "$SERVICES" >"$LAB_TMP/kube.rules"
lab_ns kube
lab_exec kube iptables-legacy-restore <"$LAB_TMP/kube.rules" || fail "legacy kube ruleset loads"
lab_exec kube iptables-nft-restore <"$LAB_TMP/kube.rules" || fail "nft kube ruleset loads"
diag "$(grep -c '^-A' "$LAB_TMP/kube.rules") rules for $SERVICES services"

for backend in legacy nft; do
	same_save kube $backend iptables
	same_save kube $backend iptables -c
	for table in nat filter; do
		same_as kube $backend iptables -t $table -S
		same_as kube $backend iptables -t $table -L -n -v
		same_as kube $backend iptables -t $table -L -n -v -x --line-numbers
	done
	same_as kube $backend iptables -t nat -S KUBE-SERVICES
done

# kube-proxy's nftables table beside legacy rules (a node part-way through a
# mode switch): the auto backend shows the legacy rules, and deciding that
# nf_tables holds no iptables table reads the table list, never the
# kube-proxy table's chains or rules.
"$TESTS_DIR/bench/kube_rules.sh" nftables 50 >"$LAB_TMP/kube.nft"
lab_ns mixed
lab_exec mixed iptables-legacy-restore <"$LAB_TMP/kube.rules" || fail "legacy kube ruleset loads (mixed)"
lab_exec mixed nft -f "$LAB_TMP/kube.nft" || fail "kube-proxy nftables table loads (mixed)"
want=$(lab_exec mixed iptables-legacy-save | grep -v '^#')
lab_run mixed "$SONDE" iptables-save
is "$(printf '%s\n' "$OUT" | grep -v '^#')" "$want" "auto iptables-save beside kube-proxy's nftables table: the legacy rules"
want=$(lab_exec mixed iptables-legacy -L -n)
lab_run mixed "$SONDE" iptables -L -n
is "$OUT" "$want" "auto iptables -L -n beside kube-proxy's nftables table: the legacy rules"
if command -v strace >/dev/null; then
	lab_exec mixed strace -f -e trace=sendmsg,sendto -o "$LAB_TMP/strace" "$SONDE" iptables-save >/dev/null 2>&1
	is "$(grep -cE 'NFT_MSG_GET(CHAIN|RULE|SET)' "$LAB_TMP/strace")" 0 \
		"auto iptables-save asks nf_tables for no chain, rule or set when no iptables-nft table exists"
else
	skip "auto iptables-save asks nf_tables for no chain, rule or set" "needs strace (packaging/install-deps.sh test)"
fi
done_testing
