#!/bin/bash
# iptables-nft's compat matches and targets under `sonde nft list`: nft
# (1.0.6, built with libxtables) prints each x_tables blob as its
# extension's translation ("ct state related,established", "dnat to ...",
# "fib daddr type local"), or `xt match NAME` where iptables 1.8.9 has
# none.  Every rule below is loaded with iptables-nft / ip6tables-nft and
# sonde's listing must equal nft's, table by table; then a kube-proxy
# ruleset (iptables mode, nf_tables backend) as a whole.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nft jq iptables-nft-restore ip6tables-nft-restore

# FAMILY TABLE CHAIN RULE: what iptables-nft stores as compat blobs (and
# some native neighbours: tcp flags, a comment between a protocol and its
# port match).
RULES=$(cat <<'RULES_END'
4 filter INPUT -p tcp -m multiport --dports 80,443,1000:2000 -j ACCEPT
4 filter INPUT -p tcp -m multiport --dports 80 -j ACCEPT
4 filter INPUT -p tcp -m multiport ! --dports 80,443 -j ACCEPT
4 filter INPUT -p udp -m multiport ! --sports 53 -j ACCEPT
4 filter INPUT -p udp -m multiport --sports 53,54 -j ACCEPT
4 filter INPUT -p tcp -m multiport --ports 22 -j ACCEPT
4 filter INPUT -p tcp -m multiport --ports 22,80 -j ACCEPT
4 filter INPUT -p tcp -m multiport ! --ports 22,80 -j ACCEPT
4 filter INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
4 filter INPUT -m state ! --state NEW -j ACCEPT
4 filter INPUT -m state --state INVALID,NEW,UNTRACKED -j ACCEPT
4 filter INPUT -m conntrack --ctstate INVALID -j DROP
4 filter INPUT -m conntrack ! --ctstate INVALID -j DROP
4 filter INPUT -m conntrack --ctstate NEW --ctorigdst 10.0.0.1 -j ACCEPT
4 filter INPUT -m conntrack --ctorigsrc 10.0.0.0/8 --ctorigdstport 80 -j ACCEPT
4 filter INPUT -m conntrack --ctstatus ASSURED -j ACCEPT
4 filter INPUT -m conntrack --ctstate DNAT -j ACCEPT
4 filter INPUT -m conntrack --ctstate SNAT,DNAT -j ACCEPT
4 filter INPUT -m conntrack --ctproto tcp --ctreplsrc 1.2.3.4 -j ACCEPT
4 filter INPUT -m conntrack --ctdir REPLY -j ACCEPT
4 filter INPUT -m conntrack --ctexpire 10:20 -j ACCEPT
4 filter INPUT -m mark --mark 0x4000/0x4000 -j ACCEPT
4 filter INPUT -m mark ! --mark 0x1 -j ACCEPT
4 filter INPUT -j MARK --set-xmark 0x4000/0x4000
4 filter INPUT -j MARK --set-xmark 0x4000/0xffffffff
4 filter INPUT -j MARK --set-mark 0x10
4 filter INPUT -j MARK --or-mark 0x4000
4 filter INPUT -j MARK --xor-mark 0x4000
4 filter INPUT -j MARK --and-mark 0xffff
4 filter INPUT -j MARK --set-mark 0x10/0xff
4 filter INPUT -m connmark --mark 0x2 -j ACCEPT
4 filter INPUT -m connmark --mark 0x2/0xf -j ACCEPT
4 filter INPUT -m connmark ! --mark 0x2 -j ACCEPT
4 filter INPUT -j CONNMARK --save-mark
4 filter INPUT -j CONNMARK --restore-mark
4 filter INPUT -j CONNMARK --set-mark 0x5
4 filter INPUT -j CONNMARK --set-xmark 0x5/0xf
4 filter INPUT -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff
4 filter INPUT -j CONNMARK --restore-mark --mask 0xff
4 filter INPUT -m addrtype --src-type LOCAL -j ACCEPT
4 filter INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT
4 filter INPUT -m addrtype ! --dst-type LOCAL -j ACCEPT
4 filter INPUT -m addrtype --dst-type UNICAST,MULTICAST -j ACCEPT
4 filter INPUT -m addrtype --src-type LOCAL --dst-type LOCAL -j ACCEPT
4 filter INPUT -m statistic --mode random --probability 0.33333333349 -j ACCEPT
4 filter INPUT -m statistic --mode random --probability 0.5 -j ACCEPT
4 filter INPUT -m statistic --mode random ! --probability 0.5 -j ACCEPT
4 filter INPUT -m statistic --mode nth --every 3 --packet 1 -j ACCEPT
4 filter INPUT -m recent --name foo --set -j ACCEPT
4 filter INPUT -m limit --limit 5/min --limit-burst 10 -j ACCEPT
4 filter INPUT -m limit --limit 3/sec -j ACCEPT
4 filter INPUT -m limit --limit 1/hour -j ACCEPT
4 filter INPUT -m limit --limit 1/day -j ACCEPT
4 filter INPUT -m physdev --physdev-in eth0 -j ACCEPT
4 filter INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT
4 filter INPUT -m iprange ! --dst-range 10.0.0.1-10.0.0.9 -j ACCEPT
4 filter INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 --dst-range 10.1.0.1-10.1.0.2 -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 3/3 -j ACCEPT
4 filter INPUT -p icmp -m icmp ! --icmp-type 0 -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type any -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 3 -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 5/1 -j ACCEPT
4 filter INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN -j ACCEPT
4 filter INPUT -p tcp -m tcp --syn -j ACCEPT
4 filter INPUT -p tcp -m tcp --dport 22 -j ACCEPT
4 filter INPUT -p tcp -m tcp --sport 1024:65535 --dport 22 -j ACCEPT
4 filter INPUT -p tcp -m tcp ! --dport 22 -j ACCEPT
4 filter INPUT -p tcp -m tcp --tcp-option 2 -j ACCEPT
4 filter INPUT -p udp -m udp --dport 53 -j ACCEPT
4 filter INPUT -p tcp -j REJECT --reject-with tcp-reset
4 filter INPUT -j REJECT
4 filter INPUT -j REJECT --reject-with icmp-host-prohibited
4 filter INPUT -j REJECT --reject-with icmp-net-prohibited
4 filter INPUT -j REJECT --reject-with icmp-admin-prohibited
4 filter INPUT -j NFLOG --nflog-group 5 --nflog-prefix foo
4 filter INPUT -j NFLOG
4 filter INPUT -j NFLOG --nflog-group 2 --nflog-range 100 --nflog-threshold 3
4 filter INPUT -j NFLOG --nflog-size 128
4 filter INPUT -j LOG --log-level 4 --log-prefix "abc: "
4 filter INPUT -j LOG
4 filter INPUT -j LOG --log-level 7
4 filter INPUT -j LOG --log-level alert --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid
4 filter INPUT -j LOG --log-macdecode
4 filter INPUT -m comment --comment "hello world" -j ACCEPT
4 filter INPUT -m comment --comment "x" -m mark --mark 1 -j ACCEPT
4 filter INPUT -m recent --name foo --rcheck --seconds 10 -j DROP
4 filter INPUT -p tcp -m multiport --dports 1000:2000 -j ACCEPT
4 filter INPUT -p tcp -m multiport ! --sports 1000:2000,80 -j ACCEPT
4 filter INPUT -p sctp -m multiport --dports 80,81 -j ACCEPT
4 filter INPUT -p tcp -m multiport --ports 1000:2000 -j ACCEPT
4 filter INPUT -m conntrack --ctorigdstport 80:90 -j ACCEPT
4 filter INPUT -m conntrack --ctreplsrcport 80 --ctrepldstport 81 --ctorigsrcport 82 -j ACCEPT
4 filter INPUT -m conntrack ! --ctstatus ASSURED,SEEN_REPLY -j ACCEPT
4 filter INPUT -m conntrack ! --ctproto udp -j ACCEPT
4 filter INPUT -m conntrack --ctdir ORIGINAL --ctproto udp -j ACCEPT
4 filter INPUT -m conntrack ! --ctexpire 5 -j ACCEPT
4 filter INPUT -m conntrack --ctrepldst 10.1.0.0/255.255.0.255 -j ACCEPT
4 filter INPUT -m conntrack ! --ctstate DNAT -j ACCEPT
4 filter INPUT -m conntrack --ctstate NEW,DNAT -j ACCEPT
4 filter INPUT -m connmark ! --mark 0x2/0xf -j ACCEPT
4 filter INPUT -m connmark --mark 0x0 -j ACCEPT
4 filter INPUT -j CONNMARK --set-xmark 0x5/0xffffffff
4 filter INPUT -j CONNMARK --set-mark 0x5/0xf
4 filter INPUT -j CONNMARK --and-mark 0xf
4 filter INPUT -j CONNMARK --or-mark 0xf
4 filter INPUT -j CONNMARK --xor-mark 0xf
4 filter INPUT -j CONNMARK --save-mark --mask 0xff
4 filter INPUT -j CONNMARK --restore-mark --nfmask 0xf0 --ctmask 0xff
4 filter INPUT -j CONNMARK --save-mark --nfmask 0xf0 --ctmask 0xff
4 filter INPUT -j MARK --set-xmark 0x0/0xffffffff
4 filter INPUT -j MARK --set-xmark 0x1/0x0
4 filter INPUT -j MARK --set-xmark 0x4/0x6
4 filter INPUT -m addrtype --src-type BLACKHOLE -j ACCEPT
4 filter INPUT -m addrtype ! --src-type LOCAL ! --dst-type LOCAL -j ACCEPT
4 filter INPUT -m addrtype --dst-type UNSPEC,ANYCAST,BROADCAST,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE -j ACCEPT
4 filter INPUT -m addrtype ! --dst-type UNICAST,MULTICAST -j ACCEPT
4 filter INPUT -m statistic --mode random --probability 1 -j ACCEPT
4 filter INPUT -m statistic --mode random --probability 0.0001 -j ACCEPT
4 filter INPUT -m statistic --mode nth ! --every 3 --packet 1 -j ACCEPT
4 filter INPUT -m iprange ! --src-range 10.0.0.1-10.0.0.9 ! --dst-range 10.1.0.1-10.1.0.2 -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 0/0 -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 11 -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 200 -j ACCEPT
4 filter INPUT -p icmp -m icmp ! --icmp-type any -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 3/255 -j ACCEPT
4 filter INPUT -p tcp -m tcp --tcp-flags ALL NONE -j ACCEPT
4 filter INPUT -p tcp -m tcp ! --tcp-flags SYN,RST SYN -j ACCEPT
4 filter INPUT -p tcp -m tcp ! --tcp-option 2 -j ACCEPT
4 filter INPUT -p tcp -m tcp --dport 22 --tcp-option 2 -j ACCEPT
4 filter INPUT -p tcp -j REJECT --reject-with icmp-port-unreachable
4 filter INPUT -p udp -j REJECT --reject-with icmp-port-unreachable
4 filter INPUT -j LOG --log-level 0 --log-prefix "a\"b"
4 filter INPUT -j LOG --log-level 1
4 filter INPUT -j LOG --log-level 2
4 filter INPUT -j LOG --log-level 3
4 filter INPUT -j LOG --log-level 5
4 filter INPUT -j LOG --log-tcp-sequence
4 filter INPUT -j LOG --log-ip-options --log-level 5
4 filter INPUT -m comment --comment "x" -m comment --comment "y" -j ACCEPT
4 filter INPUT -p icmp -m icmp --icmp-type 5 -j ACCEPT
4 filter INPUT -p tcp -m tcp --sport 22 --tcp-option 2 -j ACCEPT
4 filter INPUT -p tcp -m tcp ! --sport 22:30 ! --dport 80 --tcp-option 3 --tcp-flags SYN,ACK SYN -j ACCEPT
4 filter INPUT -p udp -m udp --sport 22 -j ACCEPT
4 filter INPUT -m addrtype --dst-type THROW -j ACCEPT
4 filter INPUT -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 80 -j ACCEPT
4 filter INPUT -p tcp -m recent --name x --set -m tcp --dport 80 -j ACCEPT
4 filter INPUT -p tcp -m comment --comment x -m tcp --dport 80 -j ACCEPT
4 filter INPUT -p tcp -m tcp --dport 80 -m comment --comment x -j ACCEPT
4 filter INPUT -p tcp -m comment --comment x -m multiport --dports 80,81 -j ACCEPT
4 filter INPUT -p tcp -m comment --comment x -m tcp --tcp-flags SYN,ACK SYN -j ACCEPT
4 filter INPUT -p tcp -m comment --comment x -m tcp --dport 80 -m tcp --sport 22 -j ACCEPT
4 filter INPUT -p tcp -m comment --comment x -j ACCEPT
4 filter INPUT -d 10.0.0.1 -p tcp -m tcp --dport 80 -j ACCEPT
4 filter INPUT -p tcp -d 10.0.0.1 -m comment --comment x -m tcp --dport 80 -j ACCEPT
4 filter OUTPUT -m addrtype --src-type LOCAL --limit-iface-out -j ACCEPT
4 filter OUTPUT -m owner --uid-owner 0 -j ACCEPT
4 filter OUTPUT -m owner --uid-owner 0-10 -j ACCEPT
4 filter OUTPUT -m owner ! --uid-owner 1000 -j ACCEPT
4 filter OUTPUT -m owner --gid-owner 100 -j ACCEPT
4 filter OUTPUT -m owner --socket-exists -j ACCEPT
4 filter OUTPUT -m owner --uid-owner 1 --gid-owner 2 -j ACCEPT
4 filter OUTPUT -m owner --gid-owner 100-200 -j ACCEPT
4 filter OUTPUT -m owner ! --gid-owner 100 -j ACCEPT
4 filter OUTPUT -m owner --uid-owner 5 --socket-exists -j ACCEPT
4 filter OUTPUT -m owner ! --socket-exists -j ACCEPT
4 nat POSTROUTING -j SNAT --to-source 10.0.0.1
4 nat POSTROUTING -p tcp -j SNAT --to-source 10.0.0.1:1000-2000 --random-fully
4 nat POSTROUTING -j MASQUERADE --random-fully
4 nat POSTROUTING -j MASQUERADE
4 nat POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000
4 nat POSTROUTING -j MASQUERADE --random
4 nat POSTROUTING -j SNAT --to-source 10.0.0.1-10.0.0.5 --persistent
4 nat POSTROUTING -j SNAT --to-source 10.0.0.1 --random
4 nat POSTROUTING -j SNAT --to-source 10.0.0.1 --random --random-fully
4 nat POSTROUTING -j MASQUERADE --random --random-fully
4 nat POSTROUTING -p tcp -j MASQUERADE --to-ports 1000
4 nat PREROUTING -p tcp -j DNAT --to-destination 10.244.0.5:8080
4 nat PREROUTING -j DNAT --to-destination 10.244.0.5
4 nat PREROUTING -p tcp -j DNAT --to-destination 10.244.0.5-10.244.0.9:8080-8090
4 nat PREROUTING -p tcp -j DNAT --to-destination 10.244.0.5:8080 --random --persistent
4 nat PREROUTING -p tcp -j REDIRECT --to-ports 8080
4 nat PREROUTING -p tcp -j REDIRECT --to-ports 8080-8090 --random
4 nat PREROUTING -j REDIRECT
4 nat PREROUTING -p tcp -j DNAT --to-destination :8080
4 nat PREROUTING -p tcp -j DNAT --to-destination 10.244.0.5:8080-8090
4 nat PREROUTING -j DNAT --to-destination 10.244.0.5 --persistent
4 nat PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:80-90/100
4 nat PREROUTING -p tcp -j REDIRECT --to-ports 8080 --random
6 filter INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
6 filter INPUT -p tcp -j REJECT --reject-with tcp-reset
6 filter INPUT -j REJECT
6 filter INPUT -j REJECT --reject-with icmp6-adm-prohibited
6 filter INPUT -j REJECT --reject-with icmp6-port-unreachable
6 filter INPUT -m addrtype --dst-type LOCAL -j ACCEPT
6 filter INPUT -m iprange --src-range fd00::1-fd00::9 -j ACCEPT
6 filter INPUT -m conntrack --ctorigdst fd00::1 -j ACCEPT
6 filter INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1/4 -j ACCEPT
6 filter INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1 -j ACCEPT
6 filter INPUT -p ipv6-icmp -m icmp6 ! --icmpv6-type 129 -j ACCEPT
6 filter INPUT -j REJECT --reject-with icmp6-no-route
6 filter INPUT -j REJECT --reject-with icmp6-addr-unreachable
6 filter INPUT -j REJECT --reject-with icmp6-policy-fail
6 filter INPUT -j REJECT --reject-with icmp6-reject-route
6 filter INPUT -m addrtype --src-type LOCAL --limit-iface-in -j ACCEPT
6 filter INPUT -m iprange ! --dst-range fd00::1-fd00::9 -j ACCEPT
6 filter INPUT -m conntrack --ctorigsrc fd00::/64 -j ACCEPT
6 nat POSTROUTING -j MASQUERADE
6 nat POSTROUTING -j SNAT --to-source fd00::1
6 nat POSTROUTING -j SNAT --to-source fd00::1-fd00::5
6 nat POSTROUTING -p tcp -j SNAT --to-source [fd00::1]:1000-2000
6 nat PREROUTING -p tcp -j DNAT --to-destination [fd00::5]:8080
6 nat PREROUTING -p tcp -j REDIRECT --to-ports 80
RULES_END
)

# restore_input FAMILY: the rules of one family in iptables-restore's format.
restore_input() {
	local table
	for table in filter nat; do
		printf '*%s\n' "$table"
		awk -v fam="$1" -v table="$table" '$1 == fam && $2 == table {
			$1 = ""; $2 = ""; sub(/^  /, ""); print "-A " $0 }' <<<"$RULES"
		echo COMMIT
	done
}

lab_ns xt
# (--nflog-range draws a deprecation warning from iptables: kept aside.)
restore_input 4 | lab_exec xt iptables-nft-restore 2>"$LAB_TMP/restore.err" || fail "IPv4 rules load"
restore_input 6 | lab_exec xt ip6tables-nft-restore 2>>"$LAB_TMP/restore.err" || fail "IPv6 rules load"
diag "$(grep -c . <<<"$RULES") rules"

# same_listing FAMILY TABLE: sonde's `nft list table` equals nft's.
same_listing() {
	local want got
	want=$(lab_exec xt nft list table "$1" "$2" 2>/dev/null)
	got=$(lab_exec xt "$SONDE" nft list table "$1" "$2")
	is "$got" "$want" "nft list table $1 $2 (compat blobs translated as nft does)"
	want=$(lab_exec xt nft -j list table "$1" "$2" 2>/dev/null | jq -S 'del(.nftables[0].metainfo)')
	got=$(lab_exec xt "$SONDE" nft -j list table "$1" "$2" | jq -S 'del(.nftables[0].metainfo)')
	is "$got" "$want" "nft -j list table $1 $2 (same JSON but metainfo)"
}
for family in ip ip6; do
	for table in filter nat; do
		same_listing $family $table
	done
done
# (Not `list ruleset` here: nft 1.0.6 then prints IPv6 NAT targets as
# nothing at all, an nft bug sonde does not copy; docs/nft.md says so.)

# kube-proxy's iptables mode on the nf_tables backend.
"$TESTS_DIR/bench/kube_rules.sh" iptables 100 >"$LAB_TMP/kube.rules"
lab_ns kube
lab_exec kube iptables-nft-restore <"$LAB_TMP/kube.rules" || fail "kube ruleset loads"
is "$(lab_exec kube "$SONDE" nft list ruleset)" "$(lab_exec kube nft list ruleset 2>/dev/null)" \
	"kube-proxy ruleset (iptables-nft): nft list ruleset"
done_testing
