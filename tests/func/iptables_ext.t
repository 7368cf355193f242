#!/bin/bash
# sonde iptables and ip6tables against iptables 1.8.9 on the extensions
# decoded from their blobs beyond the common ones: sctp (chunk types and
# flags), dccp, hashlimit (packet and byte rates, modes, masks, rate-match),
# rateest and RATEEST, TRACE; IPv6's srh, rt, hbh, dst, mh, ipv6header and
# eui64; string, policy, connlabel, cgroup, ipcomp, rpfilter, time, helper,
# mac, cluster, realm (named from rt_realms), u32, osf, bpf; CT and NOTRACK,
# HMARK, IDLETIMER, TPROXY, TEE, TCPOPTSTRIP, SYNPROXY, NETMAP, ECN,
# CHECKSUM, DNPT, SNPT, SET; and iptables-nft's one compare of both ports
# and its ordered compares for port ranges from 0; legacy's "-i +" (an
# empty interface mask), an inverted unnamed icmp type, statistic's nth
# with packet 0.  Both
# backends, both families, every table, byte for byte
# (iptables_ext_rules.v4 / .v6).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/func/lab/iptables_lab.bash"
need_cmd ip6tables-legacy ip6tables-nft ip6tables-legacy-restore ip6tables-nft-restore ipset

lab_ns ext
# The sets the SET target and set match name.
lab_exec ext ipset create ext_seen hash:ip timeout 100
lab_exec ext ipset create ext_pairs hash:net,port
lab_exec ext ipset create ext_info hash:ip skbinfo
for backend in legacy nft; do
	lab_exec ext iptables-$backend-restore <"$TESTS_DIR/func/data/iptables_ext_rules.v4" ||
		fail "$backend: the IPv4 ruleset loads"
	lab_exec ext ip6tables-$backend-restore <"$TESTS_DIR/func/data/iptables_ext_rules.v6" ||
		fail "$backend: the IPv6 ruleset loads"
done

for backend in legacy nft; do
	for tool in iptables ip6tables; do
		same_save ext $backend $tool
		same_save ext $backend $tool -c
		for table in filter raw mangle nat; do
			same_as ext $backend $tool -t $table -S
			same_as ext $backend $tool -t $table -L -n -v
			same_as ext $backend $tool -t $table -L
		done
	done
done
done_testing
