#!/bin/bash
# kube_rules.sh iptables|nftables SERVICES: a kube-proxy-shaped ruleset.
#
# iptables: in
# iptables-restore's format, following the chain layout kube-proxy documents
# for its iptables mode: KUBE-SERVICES matches each cluster IP and jumps to
# the service's KUBE-SVC-* chain, which picks one KUBE-SEP-* endpoint chain
# with statistic --probability 1/(endpoints left), and each endpoint chain
# marks hairpin traffic for masquerading and DNATs to the pod.  Some
# services have no endpoints (a REJECT in the filter table) and some have
# ClientIP session affinity (recent matches).
#
# nftables: an `nft -f` file in the layout kube-proxy documents for its
# nftables mode: one `ip kube-proxy` table, the `service-ips` verdict map
# keyed by daddr . l4proto . dport jumping to one chain per service, which
# masquerades hairpin traffic and picks an endpoint chain through `numgen
# random mod N vmap`; each endpoint chain DNATs.  No-endpoint services go to
# `no-endpoint-services` (reject); affinity uses a timeout set per service.
#
# Service i: namespace ns(i%10), name svc<i>, port "http" 80/tcp, cluster IP
# 10.96.<i/250>.<i%250+1>; 1 + i%5 endpoints at 10.244.<i/200>.<...>:8080;
# none when i%23 == 5; affinity when i%17 == 3.
set -eu
mode=${1:-iptables}
count=${2:-100}
case "$mode" in iptables|nftables) ;; *) echo "kube_rules.sh: unknown mode $mode" >&2; exit 2 ;; esac

if [ "$mode" = nftables ]; then
awk -v count="$count" '
function hash(kind, i) { return sprintf("%08X", (i * 2654435761 + kind * 40503) % 4294967296) }
function cip(i) { return sprintf("10.96.%d.%d", int(i / 250), i % 250 + 1) }
function ep(i, j) { return sprintf("10.244.%d.%d", int(i / 50) % 250, (i % 50) * 5 + j + 1) }
function endpoints(i) { return (i % 23 == 5) ? 0 : 1 + i % 5 }
function svc(i) { return sprintf("service-%s-ns%d/svc%d/tcp/http", hash(1, i), i % 10, i) }
function epc(i, j) { return sprintf("endpoint-%s-ns%d/svc%d/tcp/http__%s/8080", hash(2, i * 8 + j), i % 10, i, ep(i, j)) }
BEGIN {
	print "table ip kube-proxy {"
	print "\tcomment \"rules for kube-proxy\""
	for (i = 0; i < count; i++)
		if (endpoints(i) && i % 17 == 3)
			printf "\tset affinity-%s {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout 3h\n\t}\n", hash(3, i)
	print "\tmap no-endpoint-services {"
	print "\t\ttype ipv4_addr . inet_proto . inet_service : verdict"
	print "\t\tcomment \"vmap to drop or reject packets to services with no endpoints\""
	sep = "\t\telements = { "
	for (i = 0; i < count; i++)
		if (!endpoints(i)) { printf "%s%s . tcp . 80 comment \"ns%d/svc%d:http\" : goto reject-chain", sep, cip(i), i % 10, i; sep = ", " }
	print (sep == ", " ? " }" : "")
	print "\t}"
	print "\tmap service-ips {"
	print "\t\ttype ipv4_addr . inet_proto . inet_service : verdict"
	print "\t\tcomment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\""
	sep = "\t\telements = { "
	for (i = 0; i < count; i++)
		if (endpoints(i)) { printf "%s%s . tcp . 80 : goto %s", sep, cip(i), svc(i); sep = ", " }
	print (sep == ", " ? " }" : "")
	print "\t}"
	print "\tchain filter-output {\n\t\ttype filter hook output priority -110; policy accept;\n\t\tct state new jump service-endpoints-check\n\t}"
	print "\tchain service-endpoints-check {\n\t\tip daddr . meta l4proto . th dport vmap @no-endpoint-services\n\t}"
	print "\tchain reject-chain {\n\t\tcomment \"helper for @no-endpoint-services / @no-endpoint-nodeports\"\n\t\treject\n\t}"
	print "\tchain nat-prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tjump services\n\t}"
	print "\tchain nat-output {\n\t\ttype nat hook output priority -100; policy accept;\n\t\tjump services\n\t}"
	print "\tchain nat-postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tjump masquerading\n\t}"
	print "\tchain mark-for-masquerade {\n\t\tmeta mark set meta mark | 0x00004000\n\t}"
	print "\tchain masquerading {\n\t\tmeta mark & 0x00004000 == 0x00000000 return\n\t\tmeta mark set meta mark ^ 0x00004000\n\t\tmasquerade fully-random\n\t}"
	print "\tchain services {\n\t\tip daddr . meta l4proto . th dport vmap @service-ips\n\t}"
	for (i = 0; i < count; i++) {
		n = endpoints(i)
		if (!n)
			continue
		printf "\tchain %s {\n", svc(i)
		printf "\t\tip daddr %s tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n", cip(i)
		if (i % 17 == 3)
			for (j = 0; j < n; j++)
				printf "\t\tip saddr @affinity-%s goto %s\n", hash(3, i), epc(i, j)
		printf "\t\tnumgen random mod %d vmap { ", n
		for (j = 0; j < n; j++)
			printf "%s%d : goto %s", j ? ", " : "", j, epc(i, j)
		print " }\n\t}"
		for (j = 0; j < n; j++) {
			printf "\tchain %s {\n\t\tip saddr %s jump mark-for-masquerade\n", epc(i, j), ep(i, j)
			if (i % 17 == 3)
				printf "\t\tupdate @affinity-%s { ip saddr }\n", hash(3, i)
			printf "\t\tmeta l4proto tcp dnat to %s:8080\n\t}\n", ep(i, j)
		}
	}
	print "}"
}'
exit 0
fi

awk -v count="$count" '
function hash(kind, i, j) { return sprintf("%08X%08X", (i * 2654435761 + j * 40503 + kind) % 4294967296, (i * 40503 + j * 2654435761 + kind * 7) % 4294967296) }
function cip(i) { return sprintf("10.96.%d.%d", int(i / 250), i % 250 + 1) }
function ep(i, j) { return sprintf("10.244.%d.%d", int(i / 50) % 250, (i % 50) * 5 + j + 1) }
function endpoints(i) { return (i % 23 == 5) ? 0 : 1 + i % 5 }
function svcname(i) { return sprintf("ns%d/svc%d:http", i % 10, i) }
BEGIN {
	print "*filter"
	print ":INPUT ACCEPT [0:0]"
	print ":FORWARD ACCEPT [0:0]"
	print ":OUTPUT ACCEPT [0:0]"
	print ":KUBE-SERVICES - [0:0]"
	print ":KUBE-FORWARD - [0:0]"
	print "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
	print "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD"
	print "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
	print "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP"
	print "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT"
	print "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
	for (i = 0; i < count; i++)
		if (endpoints(i) == 0)
			printf "-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"%s has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\n", cip(i), svcname(i)
	print "COMMIT"
	print "*nat"
	print ":PREROUTING ACCEPT [0:0]"
	print ":INPUT ACCEPT [0:0]"
	print ":OUTPUT ACCEPT [0:0]"
	print ":POSTROUTING ACCEPT [0:0]"
	print ":KUBE-MARK-MASQ - [0:0]"
	print ":KUBE-NODEPORTS - [0:0]"
	print ":KUBE-POSTROUTING - [0:0]"
	print ":KUBE-SERVICES - [0:0]"
	for (i = 0; i < count; i++) {
		if (endpoints(i) == 0)
			continue
		printf ":KUBE-SVC-%s - [0:0]\n", hash(1, i, 0)
		for (j = 0; j < endpoints(i); j++)
			printf ":KUBE-SEP-%s - [0:0]\n", hash(2, i, j)
	}
	print "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
	print "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
	print "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"
	print "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"
	print "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN"
	print "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0"
	print "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"
	for (i = 0; i < count; i++) {
		n = endpoints(i)
		if (n == 0)
			continue
		svc = "KUBE-SVC-" hash(1, i, 0)
		printf "-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"%s cluster IP\" -m tcp --dport 80 -j %s\n", cip(i), svcname(i), svc
		printf "-A %s ! -s 10.244.0.0/16 -d %s/32 -p tcp -m comment --comment \"%s cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ\n", svc, cip(i), svcname(i)
		affinity = (i % 17 == 3)
		for (j = 0; j < n; j++) {
			sep = "KUBE-SEP-" hash(2, i, j)
			if (affinity)
				printf "-A %s -m comment --comment \"%s -> %s:8080\" -m recent --rcheck --seconds 10800 --reap --name %s --mask 255.255.255.255 --rsource -j %s\n", svc, svcname(i), ep(i, j), sep, sep
		}
		for (j = 0; j < n; j++) {
			sep = "KUBE-SEP-" hash(2, i, j)
			if (j < n - 1)
				printf "-A %s -m comment --comment \"%s -> %s:8080\" -m statistic --mode random --probability %.10f -j %s\n", svc, svcname(i), ep(i, j), 1.0 / (n - j), sep
			else
				printf "-A %s -m comment --comment \"%s -> %s:8080\" -j %s\n", svc, svcname(i), ep(i, j), sep
			printf "-A %s -s %s/32 -m comment --comment \"%s\" -j KUBE-MARK-MASQ\n", sep, ep(i, j), svcname(i)
			if (affinity)
				printf "-A %s -p tcp -m comment --comment \"%s\" -m recent --set --name %s --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination %s:8080\n", sep, svcname(i), sep, ep(i, j)
			else
				printf "-A %s -p tcp -m comment --comment \"%s\" -m tcp -j DNAT --to-destination %s:8080\n", sep, svcname(i), ep(i, j)
		}
	}
	print "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
	print "COMMIT"
}'
