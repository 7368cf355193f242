#!/bin/bash
# sonde nft list against nft 1.0.6 on the expressions decoded beyond the
# basics (tests/func/data/nft_decode.nft, one table per group: byte limits
# and quotas; meta and ct keys with their symbolic values, byteorder-
# converted ranges and sets, ranges from >= and <=; reject guards in a
# netdev table; IPv6 extension headers, TCP options and SCTP chunks, with
# fields narrower than a byte; ether and ip fields in a bridge table;
# payload writes; narrow header fields and the ARP, ICMP, ICMPv6, IGMP
# fields, with the guards nft folds into them, ICMP fields by the type
# compared before them, ip protocol as a guard; VLAN tags; tcp flags;
# compares nft merged over adjacent fields, split back; narrow fields
# looked up in anonymous sets; socket, rt and ipsec keys; log flags;
# tproxy, dup, fwd, synproxy, notrack, ct count; ct helper, ct event set;
# writes of fields narrower than the bytes written; VLAN type as the
# guard of the network header and of an inner tag; every tcp flag tested;
# osf; sets of flag combinations, in nft's order, and flags looked up
# under a mask; interval sets and maps over the low bits of a load, ip
# hdrlength and ip6 flowlabel; a mark shifted last, masked before or
# not; meters and set updates with a counter): list ruleset, -s list
# ruleset and -j list ruleset (JSON with keys sorted, metainfo's writer
# aside) equal to nft's, and no rule left as "sonde: not rendered".
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nft python3

lab_ns dec
lab_exec dec nft -f "$TESTS_DIR/func/data/nft_decode.nft" || fail "the decode ruleset loads"

normal_json() { # stdin: keys sorted, metainfo's writer fields dropped
	python3 -c 'import json,sys
d = json.load(sys.stdin)
for o in d["nftables"]:
	o.get("metainfo", {}).pop("version", None); o.get("metainfo", {}).pop("release_name", None)
print(json.dumps(d, sort_keys=True, indent=1))'
}

for args in "list ruleset" "-s list ruleset"; do
	want=$(lab_exec dec nft $args)
	lab_run dec "$SONDE" nft $args
	ok_rc "$RC" 0 "nft $args: exit 0"
	is "$OUT" "$want" "nft $args: byte for byte nft's"
	is "$(grep -c 'sonde: not rendered' <<<"$OUT")" 0 "nft $args: every rule rendered"
done
for args in "-j list ruleset" "-j -s list ruleset"; do
	want=$(lab_exec dec nft $args | normal_json)
	lab_run dec "$SONDE" nft $args
	ok_rc "$RC" 0 "nft $args: exit 0"
	is "$(normal_json <<<"$OUT")" "$want" "nft $args: nft's JSON"
done
done_testing
