/* libcore/netlink.c against the kernel of the namespace the test runs in
 * (every namespace has lo), plus the name and format helpers. */
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>

#include "sonde/netlink.h"
#include "tap.h"

static void test_links(void)
{
	struct netlink_link *links;
	const struct netlink_link *lo;
	size_t count, i;
	int rc = netlink_dump_links(&links, &count), sorted = 1;

	is_int(rc, 0, "links: dump succeeds");
	ok(count >= 1, "links: at least lo (%zu links)", count);
	lo = netlink_link_by_name(links, count, "lo");
	ok(lo != NULL, "links: lo is listed");
	if (lo) {
		ok(lo->flags & IFF_LOOPBACK, "links: lo has IFF_LOOPBACK");
		is_int(lo->arptype, ARPHRD_LOOPBACK, "links: lo is ARPHRD_LOOPBACK");
		ok(lo->mtu > 0, "links: lo has an MTU (%u)", lo->mtu);
		is_int(lo->mac_len, 6, "links: lo has a 6-byte (zero) hardware address");
		ok(netlink_link_by_index(links, count, lo->ifindex) == lo, "links: lookup by index finds lo");
	}
	for (i = 1; i < count; i++)
		if (links[i - 1].ifindex >= links[i].ifindex)
			sorted = 0;
	ok(sorted, "links: sorted by ifindex");
	ok(netlink_link_by_name(links, count, "no-such-link0") == NULL, "links: unknown name gives NULL");
	free(links);
}

/* lo up means 127.0.0.1/8 and a host route for it in table local. */
static void test_addrs_and_routes(void)
{
	struct netlink_link *links;
	struct netlink_addr *addrs;
	struct netlink_route *routes;
	const struct netlink_link *lo;
	size_t link_count, addr_count, route_count, i;
	int found_addr = 0, found_route = 0, wrong_family = 0, wrong_table = 0, default_in_local = 0;

	if (!ok(netlink_dump_links(&links, &link_count) == 0, "addrs and routes: links dump succeeds"))
		return;
	lo = netlink_link_by_name(links, link_count, "lo");
	is_int(netlink_dump_addrs(AF_INET, &addrs, &addr_count), 0, "addrs: IPv4 dump succeeds");
	for (i = 0; i < addr_count; i++) {
		char text[ADDR_STRLEN];

		if (addrs[i].family != AF_INET)
			wrong_family = 1;
		if (lo && addrs[i].ifindex == lo->ifindex && addrs[i].prefix_len == 8 &&
		    strcmp(addr_ntop(&addrs[i].local, text, sizeof(text)), "127.0.0.1") == 0 &&
		    addrs[i].scope == RT_SCOPE_HOST)
			found_addr = 1;
	}
	ok(!wrong_family, "addrs: family filter holds");
	is_int(netlink_dump_routes(AF_INET, RT_TABLE_LOCAL, &routes, &route_count), 0,
	       "routes: IPv4 local table dump succeeds");
	for (i = 0; i < route_count; i++) {
		char text[64];

		if (routes[i].table != RT_TABLE_LOCAL)
			wrong_table = 1;
		if (routes[i].type == RTN_LOCAL && routes[i].dst.len == 32 &&
		    strcmp(prefix_format(&routes[i].dst, text, sizeof(text)), "127.0.0.1/32") == 0)
			found_route = 1;
		if (netlink_route_is_default(&routes[i]))
			default_in_local = 1;
	}
	ok(!wrong_table, "routes: table filter holds");
	ok(!default_in_local, "routes: table local holds no default route (local and broadcast types only)");
	if (lo && (lo->flags & IFF_UP)) {
		ok(found_addr, "addrs: lo has 127.0.0.1/8 scope host");
		ok(found_route, "routes: local table has 127.0.0.1/32 type local");
	} else {
		tap_skip("addrs and routes: lo's 127.0.0.1/8 and its local route", "lo is down here");
	}
	free(links);
	free(addrs);
	free(routes);
}

/* Fixed routes with known answers: ip calls a route "default" when its
 * destination is /0, and only a unicast /0 carries traffic as the default. */
static void test_route_is_default(void)
{
	struct netlink_route route = { .family = AF_INET, .table = RT_TABLE_MAIN, .type = RTN_UNICAST };

	ok(netlink_route_is_default(&route), "default: unicast 0.0.0.0/0");
	route.family = route.dst.family = AF_INET6;
	ok(netlink_route_is_default(&route), "default: unicast ::/0");
	route.dst.len = 1;
	ok(!netlink_route_is_default(&route), "default: ::/1 is not");
	route.family = route.dst.family = AF_INET;
	route.dst.len = 8;
	route.dst.bytes[0] = 10;
	ok(!netlink_route_is_default(&route), "default: 10.0.0.0/8 is not");
	route.dst.len = 0;
	route.dst.bytes[0] = 0;
	route.type = RTN_BLACKHOLE;
	ok(!netlink_route_is_default(&route), "default: blackhole 0.0.0.0/0 is not");
	route.type = RTN_UNREACHABLE;
	ok(!netlink_route_is_default(&route), "default: unreachable 0.0.0.0/0 is not");
}

static void test_names(void)
{
	char buf[64];
	uint8_t mac[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };

	is_str(netlink_operstate_name(IF_OPER_UP), "UP", "operstate UP");
	is_str(netlink_operstate_name(IF_OPER_LOWERLAYERDOWN), "LOWERLAYERDOWN", "operstate LOWERLAYERDOWN");
	is_str(netlink_operstate_name(200), "UNKNOWN", "operstate out of range");
	is_str(netlink_scope_name(RT_SCOPE_LINK, buf, sizeof(buf)), "link", "scope link");
	is_str(netlink_scope_name(77, buf, sizeof(buf)), "77", "scope by number");
	is_str(netlink_protocol_name(RTPROT_KERNEL, buf, sizeof(buf)), "kernel", "protocol kernel");
	is_str(netlink_table_name(RT_TABLE_MAIN, buf, sizeof(buf)), "main", "table main");
	is_str(netlink_table_name(100, buf, sizeof(buf)), "100", "table by number");
	is_str(netlink_route_type_name(RTN_BLACKHOLE, buf, sizeof(buf)), "blackhole", "route type blackhole");
	is_str(netlink_route_type_name(99, buf, sizeof(buf)), "99", "route type by number");
	is_str(netlink_mac_format(mac, sizeof(mac), buf, sizeof(buf)), "02:42:ac:11:00:02", "mac format");
	is_str(netlink_mac_format(mac, 0, buf, sizeof(buf)), "", "empty mac");
	is_str(netlink_mac_format(mac, sizeof(mac), buf, 8), "02:42", "mac format truncates at whole bytes");
	is_str(netlink_link_flags_format(IFF_UP | IFF_LOOPBACK | IFF_LOWER_UP, buf, sizeof(buf)),
	       "LOOPBACK,UP,LOWER_UP", "link flags in ip's order");
	is_str(netlink_link_flags_format(0, buf, sizeof(buf)), "", "no link flags");
}

int main(void)
{
	test_links();
	test_addrs_and_routes();
	test_route_is_default();
	test_names();
	return tap_exit();
}
