/* libcore/netlink_parse.c on hand-built messages (no kernel needed), and
 * libcore/route_classic.c rendering fixed routes. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/netlink.h"
#include "sonde/route_classic.h"
#include "tap.h"

/* A message under construction: header, family header, attributes. */
struct msg {
	uint32_t words[256];
	size_t len;
};

static void msg_start(struct msg *m, uint16_t type, const void *family_header, size_t size)
{
	struct nlmsghdr hdr = { 0 };

	memset(m, 0, sizeof(*m));
	hdr.nlmsg_type = type;
	memcpy(m->words, &hdr, sizeof(hdr));
	memcpy((uint8_t *)m->words + NLMSG_HDRLEN, family_header, size);
	m->len = NLMSG_SPACE(size);
}

static void msg_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr rta = { (unsigned short)RTA_LENGTH(len), type };

	memcpy((uint8_t *)m->words + m->len, &rta, sizeof(rta));
	memcpy((uint8_t *)m->words + m->len + sizeof(rta), data, len);
	m->len += RTA_ALIGN(RTA_LENGTH(len));
}

static void msg_finish(struct msg *m)
{
	uint32_t len = (uint32_t)m->len;

	memcpy(m->words, &len, sizeof(len)); /* nlmsg_len is the first field */
}

static void test_route(void)
{
	struct rtmsg rtm = { AF_INET, 24, 0, 0, RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0 };
	struct netlink_route *route = malloc(sizeof(*route));
	uint8_t dst[4] = { 10, 9, 0, 0 }, gw[4] = { 10, 9, 0, 254 };
	uint32_t oif = 3, metric = 100, table = 1000;
	char text[64];
	struct msg m;

	msg_start(&m, RTM_NEWROUTE, &rtm, sizeof(rtm));
	msg_attr(&m, RTA_DST, dst, 4);
	msg_attr(&m, RTA_GATEWAY, gw, 4);
	msg_attr(&m, RTA_OIF, &oif, 4);
	msg_attr(&m, RTA_PRIORITY, &metric, 4);
	msg_attr(&m, RTA_TABLE, &table, 4);
	msg_finish(&m);
	is_int(netlink_parse_route(m.words, m.len, route), 0, "route: parses");
	is_int(route->table, 1000, "route: RTA_TABLE wins over rtm_table");
	is_str(prefix_format(&route->dst, text, sizeof(text)), "10.9.0.0/24", "route: destination");
	is_int(route->nexthop_count, 1, "route: one hop");
	is_int(route->nexthops[0].ifindex, 3, "route: output device");
	is_str(addr_ntop(&route->nexthops[0].gateway, text, sizeof(text)), "10.9.0.254", "route: gateway");
	is_int(route->metric, 100, "route: metric");
	is_int(route->protocol, RTPROT_STATIC, "route: protocol");
	is_int(netlink_parse_route(m.words, m.len - 4, route), -ENOMSG, "route: a cut message is refused");
	is_int(netlink_parse_link(m.words, m.len, (struct netlink_link *)route), -ENOMSG,
	       "route: not taken for a link");
	free(route);
}

static void test_multipath(void)
{
	struct rtmsg rtm = { AF_INET, 16, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0 };
	struct netlink_route *route = malloc(sizeof(*route));
	uint8_t dst[4] = { 10, 70, 0, 0 }, hops[64] = { 0 }, gw1[4] = { 10, 9, 0, 2 }, gw2[4] = { 10, 9, 0, 3 };
	struct rtnexthop nh = { 0 };
	struct rtattr rta = { RTA_LENGTH(4), RTA_GATEWAY };
	size_t used = 0;
	char text[64];
	struct msg m;

	/* Two hops: weights 1 and 3 (stored minus one), with a gateway each. */
	nh.rtnh_len = (unsigned short)(sizeof(nh) + RTA_LENGTH(4));
	nh.rtnh_ifindex = 2;
	memcpy(hops + used, &nh, sizeof(nh));
	memcpy(hops + used + sizeof(nh), &rta, sizeof(rta));
	memcpy(hops + used + sizeof(nh) + sizeof(rta), gw1, 4);
	used += RTNH_ALIGN(nh.rtnh_len);
	nh.rtnh_hops = 2;
	nh.rtnh_ifindex = 3;
	memcpy(hops + used, &nh, sizeof(nh));
	memcpy(hops + used + sizeof(nh), &rta, sizeof(rta));
	memcpy(hops + used + sizeof(nh) + sizeof(rta), gw2, 4);
	used += RTNH_ALIGN(nh.rtnh_len);
	msg_start(&m, RTM_NEWROUTE, &rtm, sizeof(rtm));
	msg_attr(&m, RTA_DST, dst, 4);
	msg_attr(&m, RTA_MULTIPATH, hops, used);
	msg_finish(&m);
	is_int(netlink_parse_route(m.words, m.len, route), 0, "multipath: parses");
	ok(route->multipath, "multipath: flagged");
	is_int(route->nexthop_count, 2, "multipath: two hops");
	is_int(route->nexthops[1].weight, 3, "multipath: weight is stored minus one");
	is_str(addr_ntop(&route->nexthops[1].gateway, text, sizeof(text)), "10.9.0.3", "multipath: second gateway");
	is_int(route->nexthops[1].ifindex, 3, "multipath: second device");
	free(route);
}

static void test_rule(void)
{
	struct fib_rule_hdr frh = { AF_INET, 0, 16, 0, RT_TABLE_UNSPEC, 0, 0, FR_ACT_TO_TBL, FIB_RULE_INVERT };
	struct fib_rule_uid_range uids = { 1000, 2000 };
	uint8_t src[4] = { 10, 3, 0, 0 };
	uint32_t prio = 1002, table = 254, mark = 0x10, mask = 0xff;
	struct netlink_rule rule;
	struct msg m;

	msg_start(&m, RTM_NEWRULE, &frh, sizeof(frh));
	msg_attr(&m, FRA_PRIORITY, &prio, 4);
	msg_attr(&m, FRA_SRC, src, 4);
	msg_attr(&m, FRA_TABLE, &table, 4);
	msg_attr(&m, FRA_FWMARK, &mark, 4);
	msg_attr(&m, FRA_FWMASK, &mask, 4);
	msg_attr(&m, FRA_UID_RANGE, &uids, sizeof(uids));
	msg_attr(&m, FRA_IFNAME, "veth0", 6);
	msg_finish(&m);
	is_int(netlink_parse_rule(m.words, m.len, &rule), 0, "rule: parses");
	is_int(rule.priority, 1002, "rule: priority");
	ok(rule.flags & FIB_RULE_INVERT, "rule: not");
	is_int(rule.src.len, 16, "rule: from length");
	is_int(rule.table, 254, "rule: table");
	is_int(rule.fwmask, 0xff, "rule: fwmask");
	ok(rule.has_uidrange && rule.uid_start == 1000 && rule.uid_end == 2000, "rule: uidrange");
	is_str(rule.iif, "veth0", "rule: iif");
}

static void test_neigh_and_addr(void)
{
	struct ndmsg ndm = { AF_INET, 0, 0, 2, NUD_STALE, NTF_ROUTER, 0 };
	struct ifaddrmsg ifa = { AF_INET, 24, 0, RT_SCOPE_UNIVERSE, 3 };
	uint8_t ip[4] = { 10, 9, 0, 2 }, mac[6] = { 2, 0, 0, 0, 0, 0x77 }, brd[4] = { 10, 9, 0, 255 };
	struct netlink_neigh neigh;
	struct netlink_addr addr;
	char text[64];
	struct msg m;

	msg_start(&m, RTM_NEWNEIGH, &ndm, sizeof(ndm));
	msg_attr(&m, NDA_DST, ip, 4);
	msg_attr(&m, NDA_LLADDR, mac, 6);
	msg_finish(&m);
	is_int(netlink_parse_neigh(m.words, m.len, &neigh), 0, "neigh: parses");
	is_str(netlink_mac_format(neigh.lladdr, neigh.lladdr_len, text, sizeof(text)), "02:00:00:00:00:77",
	       "neigh: lladdr");
	ok(neigh.state == NUD_STALE && (neigh.flags & NTF_ROUTER), "neigh: state and router flag");
	msg_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	msg_attr(&m, IFA_LOCAL, ip, 4);
	msg_attr(&m, IFA_ADDRESS, ip, 4);
	msg_attr(&m, IFA_BROADCAST, brd, 4);
	msg_attr(&m, IFA_LABEL, "veth0:1", 8);
	msg_finish(&m);
	is_int(netlink_parse_addr(m.words, m.len, &addr), 0, "addr: parses");
	ok(!addr.has_peer, "addr: the same IFA_ADDRESS is no peer");
	is_str(addr_ntop(&addr.broadcast, text, sizeof(text)), "10.9.0.255", "addr: broadcast");
	is_str(addr.label, "veth0:1", "addr: label");
	is_int(addr.valid_lifetime_s, UINT32_MAX, "addr: no cacheinfo means forever");
}

static char *render_rows(const struct netlink_route *route, const struct netlink_link *links, size_t count,
			 enum route_classic_style style)
{
	struct route_classic_opts opts = { style, true, NULL };
	struct sonde_out out;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	out_init(&out, fp, false);
	route_classic_rows(&out, route, links, count, &opts);
	fclose(fp);
	return text;
}

static void test_route_classic(void)
{
	struct netlink_route *route = calloc(1, sizeof(*route));
	struct netlink_link link = { 0 };
	char *text;

	link.ifindex = 2;
	snprintf(link.name, sizeof(link.name), "eth0");
	route->family = AF_INET;
	route->table = RT_TABLE_MAIN;
	route->type = RTN_UNICAST;
	route->dst.family = AF_INET;
	route->nexthop_count = 1;
	route->nexthops[0].ifindex = 2;
	route->nexthops[0].has_gateway = true;
	addr_parse_ip("192.0.2.1", 0, AF_INET, &route->nexthops[0].gateway);
	text = render_rows(route, &link, 1, ROUTE_CLASSIC_ROUTE);
	is_str(text, "0.0.0.0         192.0.2.1       0.0.0.0         UG    0      0        0 eth0\n",
	       "route -n: default route row");
	free(text);
	text = render_rows(route, &link, 1, ROUTE_CLASSIC_NETSTAT);
	is_str(text, "0.0.0.0         192.0.2.1       0.0.0.0         UG        0 0          0 eth0\n",
	       "netstat -rn: default route row");
	free(text);
	route->type = RTN_UNREACHABLE;
	route->nexthop_count = 0;
	route->dst.len = 16;
	route->dst.bytes[0] = 10;
	route->dst.bytes[1] = 67;
	text = render_rows(route, &link, 1, ROUTE_CLASSIC_ROUTE);
	is_str(text, "10.67.0.0       -               255.255.0.0     !     0      -        0 -\n",
	       "route -n: a reject route");
	free(text);

	/* IPv6 Ref from /proc/net/ipv6_route's text (rtnetlink says 0). */
	{
		static const char proc[] =
			"fd010000000000000000000000000000 40 00000000000000000000000000000000 00 "
			"fd000000000000000000000000000002 00000400 00000004 00000000 00000003    eth0\n"
			"garbage line\n"
			"fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
			"00000000000000000000000000000000 00000100 00000002 00000000 00000001    eth0\n";
		struct route_ipv6_refs refs;
		struct route_classic_opts opts = { ROUTE_CLASSIC_ROUTE, true, &refs };
		struct sonde_out out;
		size_t len = 0;
		FILE *fp;

		is_int(route_ipv6_refs_parse(proc, &refs), 0, "ipv6_route: parsed");
		is_int(refs.count, 2, "ipv6_route: two rows, garbage skipped");
		is_int(refs.rows[0].ref, 4, "ipv6_route: the Ref column");
		is_int(refs.rows[0].metric, 1024, "ipv6_route: the metric");
		memset(route, 0, sizeof(*route));
		route->family = AF_INET6;
		route->type = RTN_UNICAST;
		route->metric = 1024;
		route->dst.family = AF_INET6;
		route->dst.len = 64;
		route->dst.bytes[0] = 0xfd;
		route->dst.bytes[1] = 0x01;
		route->nexthop_count = 1;
		route->nexthops[0].ifindex = 2;
		route->nexthops[0].has_gateway = true;
		addr_parse_ip("fd00::2", 0, AF_INET6, &route->nexthops[0].gateway);
		text = NULL;
		fp = open_memstream(&text, &len);
		out_init(&out, fp, false);
		route_classic_rows(&out, route, &link, 1, &opts);
		fclose(fp);
		is_str(text, "fd01::/64                      fd00::2                    UG   1024 4      0 eth0\n",
		       "route -n -6: Ref from /proc, matched by destination, next hop, metric and device");
		free(text);
		text = render_rows(route, &link, 1, ROUTE_CLASSIC_ROUTE);
		is_str(text, "fd01::/64                      fd00::2                    UG   1024 -      0 eth0\n",
		       "route -n -6: without /proc, Ref is '-'");
		free(text);
		route_ipv6_refs_free(&refs);
	}
	free(route);
}

int main(void)
{
	test_route();
	test_multipath();
	test_rule();
	test_neigh_and_addr();
	test_route_classic();
	return tap_exit();
}
