#!/bin/bash
# sonde ip6tables against ip6tables 1.8.9, both backends: an IPv6 ruleset
# (iptables_rules.v6) through -S, -L and --save.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iptables_lab.bash"
need_cmd ip6tables-legacy ip6tables-nft

lab_ns fw6
lab_exec fw6 ip6tables-legacy-restore <"$TESTS_DIR/func/data/iptables_rules.v6" || fail "legacy ruleset loads"
lab_exec fw6 ip6tables-nft-restore <"$TESTS_DIR/func/data/iptables_rules.v6" || fail "nft ruleset loads"

for backend in legacy nft; do
	same_save fw6 $backend ip6tables
	for table in filter nat mangle; do
		same_as fw6 $backend ip6tables -t $table -S
		same_as fw6 $backend ip6tables -t $table -L -n -v
		same_as fw6 $backend ip6tables -t $table -L
		same_as fw6 $backend ip6tables -t $table -L -n --line-numbers
	done
done
lab_run fw6 "$SONDE" ip6tables -A INPUT -j DROP
ok_rc "$RC" 2 "ip6tables refuses -A too"
# The ip6tables-save applet name: the classic tool's lines, every table and one.
for backend in legacy nft; do
	for table_args in "" "-t filter"; do
		# shellcheck disable=SC2086
		want=$(lab_exec fw6 "ip6tables-$backend-save" $table_args 2>/dev/null | grep -v '^#' | mask_counters)
		# shellcheck disable=SC2086
		lab_run fw6 "$SONDE" ip6tables-save --backend "$backend" $table_args
		is "$(printf '%s\n' "$OUT" | grep -v '^#' | mask_counters)" "$want" "ip6tables-save $table_args ($backend)"
	done
done
run "$SONDE" ip6tables-save -L
ok_rc "$RC" 2 "ip6tables-save takes no -L"

done_testing
