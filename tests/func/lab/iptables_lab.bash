# The netfilter lab for sonde iptables' tests (sourced by tests/func/
# iptables*.t and ip6tables*.t): one namespace, rules loaded with both
# backends' restore tools, and a comparison of sonde's output with the
# backend's own iptables, byte for byte.  The "# ..." comment lines of the
# save format are the tools' own words and are left out of the comparison.
need_root
need_cmd iptables-legacy iptables-nft iptables-legacy-restore iptables-nft-restore

# Counters tick between two listings when something in the namespace sends
# packets (iptables -L without -n asks the DNS about every address, over
# lo): mask_counters replaces them with N in every shape iptables prints
# them.  iptables_counters.t checks the counters themselves in a quiet lab.
mask_counters() {
	sed -E 's/\(policy ([A-Z]+) [0-9]+[KMGT]? packets, [0-9]+[KMGT]? bytes\)/(policy \1 N packets, N bytes)/
		s/^([0-9]+ +)? *[0-9]+[KMGT]? +[0-9]+[KMGT]? ([A-Za-z-]* +[!a-z0-9 ]{5})/\1N N \2/
		s/ -c [0-9]+ [0-9]+/ -c N N/
		s/^\[[0-9]+:[0-9]+\]/[N:N]/
		s/^(:[^ ]+ [^ ]+ )\[[0-9]+:[0-9]+\]/\1[N:N]/'
}

# same_as NS BACKEND TOOL ARGS...: sonde's TOOL (iptables, ip6tables) with
# ARGS and --backend BACKEND against TOOL-BACKEND with ARGS.
same_as() {
	local ns=$1 backend=$2 tool=$3 want
	shift 3
	want=$(lab_exec "$ns" "$tool-$backend" "$@" 2>/dev/null | mask_counters)
	lab_run "$ns" "$SONDE" "$tool" --backend "$backend" "$@"
	ok_rc "$RC" 0 "$tool $* ($backend): exit 0"
	is "$(printf '%s\n' "$OUT" | mask_counters)" "$want" "$tool $* ($backend): byte for byte $tool-$backend's"
}

# same_save NS BACKEND TOOL [ARGS]: sonde's --save against TOOL-BACKEND-save.
same_save() {
	local ns=$1 backend=$2 tool=$3 want
	shift 3
	want=$(lab_exec "$ns" "$tool-$backend-save" "$@" 2>/dev/null | grep -v '^#' | mask_counters)
	lab_run "$ns" "$SONDE" "$tool" --backend "$backend" --save "$@"
	ok_rc "$RC" 0 "$tool --save $* ($backend): exit 0"
	is "$(printf '%s\n' "$OUT" | grep -v '^#' | mask_counters)" "$want" "$tool --save $* ($backend): iptables-save's lines"
}
