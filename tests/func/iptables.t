#!/bin/bash
# sonde iptables against iptables 1.8.9, both backends: a hand-written
# ruleset using every decoder (iptables_rules.v4), -S, -L in its shapes,
# --save; and the read-only contract, JSON, --netns and privileges.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iptables_lab.bash"
need_cmd ipset setpriv

lab_ns fw
lab_exec fw ipset create myset hash:ip
lab_exec fw iptables-legacy-restore <"$TESTS_DIR/func/data/iptables_rules.v4" || fail "legacy ruleset loads"
lab_exec fw iptables-nft-restore <"$TESTS_DIR/func/data/iptables_rules.v4" || fail "nft ruleset loads"

for backend in legacy nft; do
	same_save fw $backend iptables
	same_save fw $backend iptables -t nat
	same_save fw $backend iptables -c
	for table in filter nat mangle; do
		same_as fw $backend iptables -t $table -S
		same_as fw $backend iptables -t $table -S -v
		same_as fw $backend iptables -t $table -L -n
		same_as fw $backend iptables -t $table -L -n -v
		same_as fw $backend iptables -t $table -L
		same_as fw $backend iptables -t $table -L -v -x --line-numbers
	done
	same_as fw $backend iptables -S MYCHAIN
	same_as fw $backend iptables -L ZED -n
	same_as fw $backend iptables -t nat -L KUBE-SVC-XYZ -n -v
done

# Both backends hold rules: both are shown, with a warning.
lab_run fw "$SONDE" iptables -S
ok_rc "$RC" 0 "auto backend: exit 0"
like "$ERR" "rules exist in both iptables backends" "auto backend warns when both hold rules"
is "$(printf '%s\n' "$OUT" | grep -c '^-P INPUT DROP')" 2 "auto backend shows both halves"

# Only one backend holds rules: auto shows that one, silently.
lab_ns one
lab_exec one iptables-nft -A INPUT -s 192.0.2.1 -j DROP
lab_run one "$SONDE" iptables -S
is "$OUT" "$(lab_exec one iptables-nft -S)" "auto backend finds the nf_tables rules"
is "$ERR" "" "auto backend: no warning with one backend"
lab_ns empty
lab_run empty "$SONDE" iptables -L -n
is "$OUT" "$(lab_exec empty iptables-nft -L -n)" "an empty namespace lists the builtin chains"

# Read-only: every write option is refused before anything happens.
before=$(lab_exec fw iptables-nft-save 2>/dev/null | grep -v '^#'; lab_exec fw iptables-legacy-save | grep -v '^#')
for opt in -A -D -I -F -P -N -X -Z -R -E -C --append --flush; do
	lab_run fw "$SONDE" iptables "$opt" INPUT -j ACCEPT
	ok_rc "$RC" 2 "$opt is refused (usage error)"
	like "$ERR" "^sonde iptables: $opt: sonde is read-only" "$opt: the refusal says why"
done
is "$(lab_exec fw iptables-nft-save 2>/dev/null | grep -v '^#'; lab_exec fw iptables-legacy-save | grep -v '^#')" "$before" \
	"the rules are unchanged after the refusals"
run "$SONDE" iptables
ok_rc "$RC" 2 "no -L/-S/--save is a usage error"
run "$SONDE" iptables -L -S
ok_rc "$RC" 2 "-L and -S together are a usage error"
run "$SONDE" iptables -S --backend bogus
ok_rc "$RC" 2 "an unknown backend is a usage error"
lab_run fw "$SONDE" iptables -S NOSUCHCHAIN
ok_rc "$RC" 1 "an unknown chain exits 1"
lab_run fw "$SONDE" iptables -t nosuch -L
ok_rc "$RC" 1 "an unknown table exits 1"

# JSON: one document, the same rules.
lab_run fw "$SONDE" iptables --backend legacy -S --json
ok_rc "$RC" 0 "--json: exit 0"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); r=[x["rule"] for t in d for c in t["chains"] for x in c["rules"]]; print("\n".join(r))' "$OUT" >"$LAB_TMP/json_rules" \
	&& pass "--json parses" || fail "--json parses"
is "$(cat "$LAB_TMP/json_rules")" "$(lab_exec fw iptables-legacy -S | grep '^-A')" "--json rules are -S's"

# --netns: the same answer from outside.
run "$SONDE" iptables --netns "$(ns fw)" --backend legacy -S
is "$OUT" "$(lab_exec fw iptables-legacy -S)" "--netns reads the namespace's rules"

# Without CAP_NET_ADMIN: exit 3 and an explanation.
run ip netns exec "$(ns fw)" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SONDE" iptables -S
ok_rc "$RC" 3 "without CAP_NET_ADMIN: exit 3"
like "$ERR" "CAP_NET_ADMIN" "the message names the capability"

# The iptables-save applet name: the classic tool's lines, every table and one.
for backend in legacy nft; do
	for table_args in "" "-t filter"; do
		# shellcheck disable=SC2086
		want=$(lab_exec fw "iptables-$backend-save" $table_args 2>/dev/null | grep -v '^#' | mask_counters)
		# shellcheck disable=SC2086
		lab_run fw "$SONDE" iptables-save --backend "$backend" $table_args
		is "$(printf '%s\n' "$OUT" | grep -v '^#' | mask_counters)" "$want" "iptables-save $table_args ($backend)"
	done
done
# -t with a table nobody made: the empty builtins (iptables-nft-save shows
# them, iptables-legacy-save creates the table); an unknown name: the
# classic tool's message, exit 1.
lab_ns bare
for backend in legacy nft; do
	want=$(lab_exec bare "iptables-$backend-save" -c -t security 2>/dev/null | grep -v '^#')
	lab_run bare "$SONDE" iptables-save --backend "$backend" -c -t security
	is "$(printf '%s\n' "$OUT" | grep -v '^#')" "$want" "iptables-save -c -t security ($backend): an absent table's builtins"
	want_err=$(lab_exec fw "iptables-$backend-save" -t nosuch 2>&1 >/dev/null)
	lab_exec fw "iptables-$backend-save" -t nosuch >/dev/null 2>&1
	want_rc=$?
	lab_run fw "$SONDE" iptables-save --backend "$backend" -t nosuch
	ok_rc "$RC" "$want_rc" "iptables-save -t nosuch ($backend): exit $want_rc as iptables-$backend-save"
	is "$ERR" "$want_err" "iptables-save -t nosuch ($backend): iptables-$backend-save's message"
	is "$OUT" "" "iptables-save -t nosuch ($backend): nothing on stdout"
done
run "$SONDE" iptables-save -L
ok_rc "$RC" 2 "iptables-save takes no -L"

# nobody with CAP_NET_ADMIN may ask the kernel for the rules, but the legacy
# table list (/proc/net/ip_tables_names) is root's alone: the message must
# not send the person after a capability the process already has.
if command -v setpriv >/dev/null; then
	lab_run fw setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=+net_admin \
		--ambient-caps=+net_admin "$SONDE" iptables --backend legacy -S
	ok_rc "$RC" 3 "nobody with CAP_NET_ADMIN: iptables --backend legacy cannot read the table list"
	like "$ERR" "refused although this process has CAP_NET_ADMIN" "the refusal says the capability is there"
	unlike "$ERR" "which this process does not have" "and does not call it missing"
else
	skip "nobody with CAP_NET_ADMIN" "needs setpriv (util-linux)"
fi

done_testing
