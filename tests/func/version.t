#!/bin/bash
# Version options as the classic tools spell them (ip -V, nft -v, dig -v,
# tcpdump --version...): the classic tool's first line, which scripts parse,
# on the stream the tool uses, then sonde's line saying what answered.
. "$(dirname "$0")/../lib.sh"
need_root

SONDE_LINE='^sonde [0-9]+\.[0-9]+\.[0-9]+ \(OpenSSL .*\): applet '

# check_version STREAM CLASSIC_LINE APPLET ARGS...: sonde's answer, and the
# classic tool's own when it is installed (same stream, exit 0, and a first
# line that sonde's is the start of: Debian's suffixes such as
# "-1~deb12u3-Debian" or ", libbpf 1.1.2" name its build, not the release).
check_version() {
	local stream=$1 classic=$2 applet=$3 shown got other first
	shift 3
	shown="$applet $*"
	run "$SONDE" "$applet" "$@"
	ok_rc "$RC" 0 "$shown: exit 0"
	if [ "$stream" = out ]; then got=$OUT other=$ERR; else got=$ERR other=$OUT; fi
	is "$(printf '%s\n' "$got" | head -1)" "$classic" "$shown: the classic tool's line first (std$stream)"
	like "$(printf '%s\n' "$got" | tail -1)" "${SONDE_LINE}$applet, imitating " "$shown: then sonde's line"
	is "$other" "" "$shown: nothing on the other stream"
	if ! command -v "$applet" >/dev/null 2>&1; then
		skip "$shown: as the classic tool" "$applet not installed"
		return
	fi
	# Printing a version sends nothing; unshare -n keeps it so regardless.
	if [ "$stream" = out ]; then
		first=$(unshare -n "$applet" "$@" 2>/dev/null | head -1)
	else
		first=$(unshare -n "$applet" "$@" 2>&1 >/dev/null | head -1)
	fi
	if [ -z "$first" ] && [ "$applet" = ipvsadm ]; then
		skip "$shown: as the classic tool" "ipvsadm needs the kernel's IPVS before it prints its version"
		return
	fi
	[[ "$first" == "$classic"* ]] && pass "$shown: the classic tool's line, on the same stream" ||
		fail "$shown: the classic tool's line, on the same stream" "classic: '$first'" "sonde: '$classic'"
}

check_version out "ip utility, iproute2-6.1.0" ip -V
check_version out "ss utility, iproute2-6.1.0" ss -V
check_version out "ss utility, iproute2-6.1.0" ss --version
check_version out "ping from iputils 20221126" ping -V
check_version out "ping from iputils 20221126" ping6 -V
check_version out "iptables v1.8.9 (nf_tables)" iptables -V
check_version out "iptables v1.8.9 (nf_tables)" iptables --version
check_version out "ip6tables v1.8.9 (nf_tables)" ip6tables -V
check_version out "iptables-save v1.8.9 (nf_tables)" iptables-save -V
check_version out "ip6tables-save v1.8.9 (nf_tables)" ip6tables-save --version
check_version out "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1" curl -V
check_version out "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1" curl --version
check_version out "nftables v1.0.6 (Lester Gooch #5)" nft -v
check_version out "nftables v1.0.6 (Lester Gooch #5)" nft -V
check_version out "nftables v1.0.6 (Lester Gooch #5)" nft --version
check_version err "DiG 9.18.49" dig -v
check_version out "tcpdump version 4.99.3" tcpdump --version
check_version err "Modern traceroute for Linux, version 2.1.2" traceroute -V
check_version err "Modern traceroute for Linux, version 2.1.2" traceroute --version
check_version out "conntrack v1.4.7 (conntrack-tools)" conntrack -V
check_version out "conntrack v1.4.7 (conntrack-tools)" conntrack --version
check_version out "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)" ipvsadm -v
check_version out "ipset v7.17, protocol version: 7" ipset -v
check_version out "ipset v7.17, protocol version: 7" ipset version
check_version out "net-tools 2.10" arp -V
check_version out "net-tools 2.10" ifconfig -V
check_version out "net-tools 2.10" netstat -V
check_version out "net-tools 2.10" route --version
check_version out "bridge-utils, 1.7" brctl -V
check_version out "iperf 3.12 (cJSON 1.7.15)" iperf3 -v
check_version out "Nmap version 7.93 ( https://nmap.org )" nmap -V

# tcpdump's library lines name what sonde links.
run "$SONDE" tcpdump --version
like "$(printf '%s\n' "$OUT" | sed -n 2p)" '^libpcap version [0-9.]+' "tcpdump --version: the libpcap line"
like "$(printf '%s\n' "$OUT" | sed -n 3p)" '^OpenSSL [0-9.]+' "tcpdump --version: the OpenSSL line"

# netcat-openbsd has no version option (its -V takes a routing table):
# --version only, with the line its help starts with.
run "$SONDE" nc --version
is "$(printf '%s\n' "$OUT" | head -1)" "OpenBSD netcat (Debian patchlevel 1.219-1)" "nc --version: netcat's help line"
run "$SONDE" nc -V
ok_rc "$RC" 2 "nc -V is not a version option"

# The applet's own letter wins over a version letter: ping -v is verbose
# (so without a host it is a usage error, not a version).
run "$SONDE" ping -v
ok_rc "$RC" 2 "ping -v: verbose, not the version"
is "$ERR" "sonde ping: missing operand (see --help)" "ping -v: asks for its host"

# sonde's own applets answer with sonde's line alone.
run "$SONDE" scan --version
is "$OUT" "$("$SONDE" --version)" "scan --version: sonde's line alone"
run "$SONDE" scan -V
ok_rc "$RC" 2 "scan -V: no classic spelling to take"

# --help shows the classic spelling beside --version.
run "$SONDE" ip --help
like "$OUT" '^  -V, --version +show version and exit$' "ip --help: -V, --version"
run "$SONDE" nft --help
like "$OUT" '^  -v, --version +show version and exit$' "nft --help: -v, --version"

done_testing
