#!/bin/bash
# kube-proxy's iptables mode, generated for a few hundred services
# (tests/bench/kube_rules.sh), in both backends: sonde's -S, -L and --save
# equal iptables' own.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/iptables_lab.bash"
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
done_testing
