/* libFuzzer target: rtnetlink message parsing (libcore/netlink_parse.c).
 * The input is one received message; it goes through every parser, each
 * time with the header's type set to what that parser takes, so any bytes
 * reach the attribute walks of links, addresses, routes, neighbours and
 * rules. */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void set_type(uint8_t *msg, size_t size, uint16_t type)
{
	struct nlmsghdr hdr;

	if (size < sizeof(hdr))
		return;
	memcpy(&hdr, msg, sizeof(hdr));
	hdr.nlmsg_type = type;
	/* Half the time trust the length in the input, else the real size. */
	if (hdr.nlmsg_flags & 1)
		hdr.nlmsg_len = (uint32_t)size;
	memcpy(msg, &hdr, sizeof(hdr));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Netlink buffers are 4-byte aligned; so is this copy. */
	uint32_t *aligned = malloc(size + 4);
	uint8_t *msg = (uint8_t *)aligned;
	struct netlink_route *route = malloc(sizeof(*route));
	struct netlink_link link;
	struct netlink_addr addr;
	struct netlink_neigh neigh;
	struct netlink_rule rule;

	if (!aligned || !route)
		goto done;
	memcpy(msg, data, size);
	set_type(msg, size, RTM_NEWLINK);
	if (netlink_parse_link(msg, size, &link) == 0 &&
	    (!memchr(link.name, '\0', sizeof(link.name)) || link.mac_len > NETLINK_MAC_LEN))
		__builtin_trap();
	set_type(msg, size, RTM_NEWADDR);
	if (netlink_parse_addr(msg, size, &addr) == 0 && addr.family != AF_INET && addr.family != AF_INET6)
		__builtin_trap();
	set_type(msg, size, RTM_NEWROUTE);
	if (netlink_parse_route(msg, size, route) == 0 &&
	    (route->nexthop_count > NETLINK_MAX_NEXTHOPS || route->nexthop_count > route->nexthop_total ||
	     route->dst.len > 128 || route->src.len > 128))
		__builtin_trap();
	set_type(msg, size, RTM_NEWNEIGH);
	if (netlink_parse_neigh(msg, size, &neigh) == 0 && neigh.lladdr_len > NETLINK_MAC_LEN)
		__builtin_trap();
	set_type(msg, size, RTM_NEWRULE);
	if (netlink_parse_rule(msg, size, &rule) == 0 &&
	    (!memchr(rule.iif, '\0', sizeof(rule.iif)) || rule.src.len > 128 || rule.dst.len > 128))
		__builtin_trap();
done:
	free(route);
	free(aligned);
	return 0;
}
