#!/bin/bash
# ct labels against nft 1.0.6, which names them from /etc/connlabel.conf:
# without the file, `ct label 127` and `ct label set 127` by number; with
# one (given to both tools in a mount namespace of this test's own, over
# an overlay of /etc), by the first name the file gives each bit, in
# quotes (JSON: a string), numbers for bits it does not name.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nft python3 unshare

lab_ns lbl
lab_exec lbl nft -f - <<'NFT' || fail "the label rules load"
table ip labels {
	chain c {
		ct label 127
		ct label set 127
		ct label 0
		ct label set 1
		ct label 5
		ct label 16
		ct label 3 counter
		ct label set 3
	}
}
NFT

# Both listings, text and JSON (keys sorted, metainfo's writer fields
# dropped), as one tool ("nft" or "SONDE nft") sees /etc: a script, so
# that it also runs in the mount namespace below.
cat >"$LAB_TMP/listings.sh" <<SH
ip netns exec "$(ns lbl)" "\$@" list ruleset
ip netns exec "$(ns lbl)" "\$@" -j list ruleset | python3 -c 'import json,sys
d = json.load(sys.stdin)
for o in d["nftables"]:
	o.get("metainfo", {}).pop("version", None); o.get("metainfo", {}).pop("release_name", None)
print(json.dumps(d, sort_keys=True, indent=1))'
SH
listings() { bash "$LAB_TMP/listings.sh" "$@"; }

if [ -e /etc/connlabel.conf ]; then
	skip "without /etc/connlabel.conf" "this machine has one"
	skip "without /etc/connlabel.conf" "this machine has one"
else
	want=$(listings nft)
	like "$want" 'ct label 127' "nft lists the labels by number"
	is "$(listings "$SONDE" nft)" "$want" "no connlabel.conf: ct label by number, as nft lists it"
fi

upper="$LAB_TMP/etc-upper" work="$LAB_TMP/etc-work"
mkdir -p "$upper" "$work"
printf '# labels\n0\teth0-in\n1 eth1-in\n127 last-one\n127 dup-name\n5 bar#baz\n0x10 hexlabel\n' >"$upper/connlabel.conf"
with_labels() { # CMD...: run with the overlay's /etc, in a private mount namespace
	unshare -m --propagation private bash -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc && shift 2 && exec "$@"' \
		bash "$upper" "$work" "$@"
}
if ! with_labels test -e /etc/connlabel.conf; then
	skip "with /etc/connlabel.conf" "no overlay mount here"
	skip "with /etc/connlabel.conf" "no overlay mount here"
else
	want=$(with_labels bash "$LAB_TMP/listings.sh" nft)
	like "$want" 'ct label "last-one"' "nft names the labels from the file"
	is "$(with_labels bash "$LAB_TMP/listings.sh" "$SONDE" nft)" "$want" "connlabel.conf: ct label by name, as nft lists it"
fi
done_testing
