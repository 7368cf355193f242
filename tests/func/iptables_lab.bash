# The netfilter lab for sonde iptables' tests (sourced by tests/func/
# iptables*.t and ip6tables*.t): one namespace, rules loaded with both
# backends' restore tools, and a comparison of sonde's output with the
# backend's own iptables, byte for byte.  The "# ..." comment lines of the
# save format are the tools' own words and are left out of the comparison.
need_root
need_cmd iptables-legacy iptables-nft iptables-legacy-restore iptables-nft-restore

# same_as NS BACKEND TOOL ARGS...: sonde's TOOL (iptables, ip6tables) with
# ARGS and --backend BACKEND against TOOL-BACKEND with ARGS.
same_as() {
	local ns=$1 backend=$2 tool=$3 want
	shift 3
	want=$(lab_exec "$ns" "$tool-$backend" "$@" 2>/dev/null)
	lab_run "$ns" "$SONDE" "$tool" --backend "$backend" "$@"
	ok_rc "$RC" 0 "$tool $* ($backend): exit 0"
	is "$OUT" "$want" "$tool $* ($backend): byte for byte $tool-$backend's"
}

# same_save NS BACKEND TOOL [ARGS]: sonde's --save against TOOL-BACKEND-save.
same_save() {
	local ns=$1 backend=$2 tool=$3 want
	shift 3
	want=$(lab_exec "$ns" "$tool-$backend-save" "$@" 2>/dev/null | grep -v '^#')
	lab_run "$ns" "$SONDE" "$tool" --backend "$backend" --save "$@"
	ok_rc "$RC" 0 "$tool --save $* ($backend): exit 0"
	is "$(printf '%s\n' "$OUT" | grep -v '^#')" "$want" "$tool --save $* ($backend): iptables-save's lines"
}
