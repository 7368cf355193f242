# tests/func/lab/nft_same.bash: sonde nft against nft in a lab namespace,
# for nft.t and nft_objects.t (sourced after tests/lib.sh).

# same_as_nft NS ARGS...: the same listing, byte for byte, and exit 0.
same_as_nft() {
	local ns=$1 want
	shift
	want=$(lab_exec "$ns" nft "$@" 2>/dev/null)
	lab_run "$ns" "$SONDE" nft "$@"
	ok_rc "$RC" 0 "nft $* ($ns): exit 0"
	is "$OUT" "$want" "nft $* ($ns): byte for byte nft's"
}

# normal_json FILE: keys sorted, metainfo's writer fields dropped.
normal_json() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for o in d["nftables"]:
	o.get("metainfo", {}).pop("version", None); o.get("metainfo", {}).pop("release_name", None)
print(json.dumps(d, sort_keys=True, indent=1))' "$1"
}

# same_json_as_nft NS ARGS...: nft's JSON after normal_json, and exit 0.
same_json_as_nft() {
	local ns=$1
	shift
	lab_exec "$ns" nft "$@" >"$LAB_TMP/nft.json" 2>/dev/null
	lab_run "$ns" "$SONDE" nft "$@"
	ok_rc "$RC" 0 "nft $* ($ns): exit 0"
	printf '%s\n' "$OUT" >"$LAB_TMP/sonde.json"
	is "$(normal_json "$LAB_TMP/sonde.json")" "$(normal_json "$LAB_TMP/nft.json")" "nft $* ($ns): nft's JSON"
}
