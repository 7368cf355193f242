/* rtnetlink dumps through libnl-route-3, copied into plain structs so that
 * applets never see libnl's objects (see sonde/netlink.h). */
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "sonde/netlink.h"

/* libnl speaks its own error numbers; sonde speaks errno. */
static int errno_from_nl(int nl_error)
{
	switch (nl_error < 0 ? -nl_error : nl_error) {
	case 0: return 0;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_INTR: return -EINTR;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	default: return -EIO;
	}
}

static int route_socket_open(struct nl_sock **sock)
{
	int rc;

	*sock = nl_socket_alloc();
	if (!*sock)
		return -ENOMEM;
	rc = nl_connect(*sock, NETLINK_ROUTE);
	if (rc < 0) {
		nl_socket_free(*sock);
		*sock = NULL;
		return errno_from_nl(rc);
	}
	return 0;
}

/* A growing array of fixed-size elements. */
struct grow {
	void *items;
	size_t count, capacity, item_size;
	int error;
};

static void *grow_next(struct grow *g)
{
	if (g->error)
		return NULL;
	if (g->count == g->capacity) {
		size_t capacity = g->capacity ? g->capacity * 2 : 16;
		void *items = realloc(g->items, capacity * g->item_size);

		if (!items) {
			g->error = -ENOMEM;
			return NULL;
		}
		g->items = items;
		g->capacity = capacity;
	}
	memset((char *)g->items + g->count * g->item_size, 0, g->item_size);
	return (char *)g->items + g->count++ * g->item_size;
}

static int grow_finish(struct grow *g, void **items, size_t *count)
{
	if (g->error || g->count == 0) {
		free(g->items);
		*items = NULL;
		*count = 0;
		return g->error;
	}
	*items = g->items;
	*count = g->count;
	return 0;
}

/* An nl_addr holding an IPv4 or IPv6 address into a sonde_addr (port 0). */
static bool addr_from_nl(const struct nl_addr *nl, struct sonde_addr *addr)
{
	const void *bytes;
	unsigned len;

	memset(addr, 0, sizeof(*addr));
	if (!nl)
		return false;
	bytes = nl_addr_get_binary_addr(nl);
	len = nl_addr_get_len(nl);
	if (nl_addr_get_family(nl) == AF_INET && len == 4) {
		addr->u.in4.sin_family = AF_INET;
		memcpy(&addr->u.in4.sin_addr, bytes, 4);
		addr->len = sizeof(addr->u.in4);
		return true;
	}
	if (nl_addr_get_family(nl) == AF_INET6 && len == 16) {
		addr->u.in6.sin6_family = AF_INET6;
		memcpy(&addr->u.in6.sin6_addr, bytes, 16);
		addr->len = sizeof(addr->u.in6);
		return true;
	}
	return false;
}

/* A route destination: absent (the kernel omits RTA_DST for default routes)
 * means the family's zero prefix. */
static void prefix_from_nl(const struct nl_addr *nl, int family, struct sonde_prefix *prefix)
{
	unsigned len = nl ? nl_addr_get_len(nl) : 0;

	memset(prefix, 0, sizeof(*prefix));
	prefix->family = family;
	if (!nl)
		return;
	if (len > sizeof(prefix->bytes))
		len = sizeof(prefix->bytes);
	memcpy(prefix->bytes, nl_addr_get_binary_addr(nl), len);
	prefix->len = nl_addr_get_prefixlen(nl);
}

/* --- links ----------------------------------------------------------- */

static void link_copy(struct rtnl_link *nl_link, struct netlink_link *link)
{
	struct nl_addr *mac = rtnl_link_get_addr(nl_link);
	const char *name = rtnl_link_get_name(nl_link);
	const char *kind = rtnl_link_get_type(nl_link);

	link->ifindex = rtnl_link_get_ifindex(nl_link);
	snprintf(link->name, sizeof(link->name), "%s", name ? name : "");
	link->flags = rtnl_link_get_flags(nl_link);
	link->operstate = rtnl_link_get_operstate(nl_link);
	link->mtu = rtnl_link_get_mtu(nl_link);
	link->arptype = rtnl_link_get_arptype(nl_link);
	snprintf(link->kind, sizeof(link->kind), "%s", kind ? kind : "");
	link->master_ifindex = rtnl_link_get_master(nl_link);
	link->parent_ifindex = rtnl_link_get_link(nl_link);
	if (mac && nl_addr_get_len(mac) <= sizeof(link->mac)) {
		link->mac_len = nl_addr_get_len(mac);
		memcpy(link->mac, nl_addr_get_binary_addr(mac), link->mac_len);
	}
}

static int compare_links(const void *a, const void *b)
{
	const struct netlink_link *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int netlink_dump_links(struct netlink_link **links, size_t *count)
{
	struct grow g = { NULL, 0, 0, sizeof(**links), 0 };
	struct nl_sock *sock;
	struct nl_cache *cache;
	struct nl_object *obj;
	int rc;

	*links = NULL;
	*count = 0;
	rc = route_socket_open(&sock);
	if (rc < 0)
		return rc;
	rc = rtnl_link_alloc_cache(sock, AF_UNSPEC, &cache);
	nl_socket_free(sock);
	if (rc < 0)
		return errno_from_nl(rc);
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct netlink_link *link = grow_next(&g);

		if (link)
			link_copy((struct rtnl_link *)obj, link);
	}
	nl_cache_free(cache);
	rc = grow_finish(&g, (void **)links, count);
	if (rc == 0 && *count > 1)
		qsort(*links, *count, sizeof(**links), compare_links);
	return rc;
}

const struct netlink_link *netlink_link_by_index(const struct netlink_link *links, size_t count, int ifindex)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (links[i].ifindex == ifindex)
			return &links[i];
	return NULL;
}

const struct netlink_link *netlink_link_by_name(const struct netlink_link *links, size_t count,
						 const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(links[i].name, name) == 0)
			return &links[i];
	return NULL;
}

/* --- addresses ------------------------------------------------------- */

static bool addr_copy(struct rtnl_addr *nl_addr, struct netlink_addr *addr)
{
	const char *label = rtnl_addr_get_label(nl_addr);
	struct nl_addr *peer = rtnl_addr_get_peer(nl_addr);

	/* IPv4 point-to-point addresses carry the local side in IFA_LOCAL and
	 * the peer in IFA_ADDRESS; libnl sorts that out into local and peer. */
	if (!addr_from_nl(rtnl_addr_get_local(nl_addr), &addr->local))
		return false;
	addr->ifindex = rtnl_addr_get_ifindex(nl_addr);
	addr->family = rtnl_addr_get_family(nl_addr);
	addr->prefix_len = (unsigned)rtnl_addr_get_prefixlen(nl_addr);
	addr->scope = (uint8_t)rtnl_addr_get_scope(nl_addr);
	addr->flags = rtnl_addr_get_flags(nl_addr);
	snprintf(addr->label, sizeof(addr->label), "%s", label ? label : "");
	addr->has_peer = addr_from_nl(peer, &addr->peer);
	addr->valid_lifetime_s = rtnl_addr_get_valid_lifetime(nl_addr);
	addr->preferred_lifetime_s = rtnl_addr_get_preferred_lifetime(nl_addr);
	return true;
}

/* By interface, IPv4 before IPv6; qsort is not stable, so the original
 * position breaks ties to keep the kernel's order within an interface. */
struct addr_slot {
	struct netlink_addr addr;
	size_t position;
};

static int compare_addr_slots(const void *a, const void *b)
{
	const struct addr_slot *x = a, *y = b;

	if (x->addr.ifindex != y->addr.ifindex)
		return x->addr.ifindex < y->addr.ifindex ? -1 : 1;
	if (x->addr.family != y->addr.family)
		return x->addr.family == AF_INET ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

static int addrs_sort(struct netlink_addr *addrs, size_t count)
{
	struct addr_slot *slots;
	size_t i;

	if (count < 2)
		return 0;
	slots = calloc(count, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		slots[i].addr = addrs[i];
		slots[i].position = i;
	}
	qsort(slots, count, sizeof(*slots), compare_addr_slots);
	for (i = 0; i < count; i++)
		addrs[i] = slots[i].addr;
	free(slots);
	return 0;
}

int netlink_dump_addrs(int family, struct netlink_addr **addrs, size_t *count)
{
	struct grow g = { NULL, 0, 0, sizeof(**addrs), 0 };
	struct nl_sock *sock;
	struct nl_cache *cache;
	struct nl_object *obj;
	int rc;

	*addrs = NULL;
	*count = 0;
	rc = route_socket_open(&sock);
	if (rc < 0)
		return rc;
	rc = rtnl_addr_alloc_cache(sock, &cache);
	nl_socket_free(sock);
	if (rc < 0)
		return errno_from_nl(rc);
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *nl_addr = (struct rtnl_addr *)obj;
		int addr_family = rtnl_addr_get_family(nl_addr);
		struct netlink_addr *addr;

		if (addr_family != AF_INET && addr_family != AF_INET6)
			continue;
		if (family != AF_UNSPEC && addr_family != family)
			continue;
		addr = grow_next(&g);
		if (addr && !addr_copy(nl_addr, addr))
			g.count--;
	}
	nl_cache_free(cache);
	rc = grow_finish(&g, (void **)addrs, count);
	if (rc == 0 && (rc = addrs_sort(*addrs, *count)) < 0) {
		free(*addrs);
		*addrs = NULL;
		*count = 0;
	}
	return rc;
}

/* --- routes ---------------------------------------------------------- */

static void nexthop_copy(struct rtnl_nexthop *nl_hop, struct netlink_nexthop *hop)
{
	hop->ifindex = rtnl_route_nh_get_ifindex(nl_hop);
	hop->has_gateway = addr_from_nl(rtnl_route_nh_get_gateway(nl_hop), &hop->gateway);
	hop->flags = rtnl_route_nh_get_flags(nl_hop);
	/* RTNH weights are stored minus one on the wire; libnl keeps the raw value. */
	hop->weight = (unsigned)rtnl_route_nh_get_weight(nl_hop) + 1;
}

static void route_copy(struct rtnl_route *nl_route, struct netlink_route *route)
{
	int hop_total = rtnl_route_get_nnexthops(nl_route), i;

	route->family = rtnl_route_get_family(nl_route);
	route->table = rtnl_route_get_table(nl_route);
	route->type = rtnl_route_get_type(nl_route);
	route->protocol = rtnl_route_get_protocol(nl_route);
	route->scope = rtnl_route_get_scope(nl_route);
	prefix_from_nl(rtnl_route_get_dst(nl_route), route->family, &route->dst);
	route->metric = rtnl_route_get_priority(nl_route);
	route->has_prefsrc = addr_from_nl(rtnl_route_get_pref_src(nl_route), &route->prefsrc);
	route->nexthop_total = hop_total > 0 ? (size_t)hop_total : 0;
	for (i = 0; i < hop_total && i < NETLINK_MAX_NEXTHOPS; i++) {
		struct rtnl_nexthop *nl_hop = rtnl_route_nexthop_n(nl_route, i);

		if (nl_hop)
			nexthop_copy(nl_hop, &route->nexthops[route->nexthop_count++]);
	}
}

int netlink_dump_routes(int family, uint32_t table, struct netlink_route **routes, size_t *count)
{
	struct grow g = { NULL, 0, 0, sizeof(**routes), 0 };
	struct nl_sock *sock;
	struct nl_cache *cache;
	struct nl_object *obj;
	int rc;

	*routes = NULL;
	*count = 0;
	rc = route_socket_open(&sock);
	if (rc < 0)
		return rc;
	rc = rtnl_route_alloc_cache(sock, family, 0, &cache);
	nl_socket_free(sock);
	if (rc < 0)
		return errno_from_nl(rc);
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *nl_route = (struct rtnl_route *)obj;
		int route_family = rtnl_route_get_family(nl_route);
		struct netlink_route *route;

		if (route_family != AF_INET && route_family != AF_INET6)
			continue;
		if (family != AF_UNSPEC && route_family != family)
			continue;
		if (table != NETLINK_TABLE_ANY && rtnl_route_get_table(nl_route) != table)
			continue;
		route = grow_next(&g);
		if (route)
			route_copy(nl_route, route);
	}
	nl_cache_free(cache);
	return grow_finish(&g, (void **)routes, count);
}

bool netlink_route_is_default(const struct netlink_route *route)
{
	return route->dst.len == 0 && route->type == RTN_UNICAST;
}

/* --- names ----------------------------------------------------------- */

const char *netlink_operstate_name(uint8_t operstate)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP",
	};

	return operstate < sizeof(names) / sizeof(names[0]) ? names[operstate] : "UNKNOWN";
}

const char *netlink_route_type_name(uint8_t type, char *buf, size_t size)
{
	switch (type) {
	case RTN_UNSPEC: return "unspec";
	case RTN_UNICAST: return "unicast";
	case RTN_LOCAL: return "local";
	case RTN_BROADCAST: return "broadcast";
	case RTN_ANYCAST: return "anycast";
	case RTN_MULTICAST: return "multicast";
	case RTN_BLACKHOLE: return "blackhole";
	case RTN_UNREACHABLE: return "unreachable";
	case RTN_PROHIBIT: return "prohibit";
	case RTN_THROW: return "throw";
	case RTN_NAT: return "nat";
	}
	snprintf(buf, size, "%u", type);
	return buf;
}

const char *netlink_scope_name(uint8_t scope, char *buf, size_t size)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE: return "global";
	case RT_SCOPE_SITE: return "site";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	}
	snprintf(buf, size, "%u", scope);
	return buf;
}

const char *netlink_protocol_name(uint8_t protocol, char *buf, size_t size)
{
	switch (protocol) {
	case RTPROT_UNSPEC: return "unspec";
	case RTPROT_REDIRECT: return "redirect";
	case RTPROT_KERNEL: return "kernel";
	case RTPROT_BOOT: return "boot";
	case RTPROT_STATIC: return "static";
	case RTPROT_RA: return "ra";
	case RTPROT_DHCP: return "dhcp";
	case RTPROT_BGP: return "bgp";
	case RTPROT_OSPF: return "ospf";
	case RTPROT_BIRD: return "bird";
	case RTPROT_ZEBRA: return "zebra";
	}
	snprintf(buf, size, "%u", protocol);
	return buf;
}

const char *netlink_table_name(uint32_t table, char *buf, size_t size)
{
	switch (table) {
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_DEFAULT: return "default";
	}
	snprintf(buf, size, "%u", table);
	return buf;
}

const char *netlink_mac_format(const uint8_t *mac, size_t len, char *buf, size_t size)
{
	size_t i, used = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < len && used + 3 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, i ? ":%02x" : "%02x", mac[i]);
	return buf;
}

const char *netlink_link_flags_format(unsigned flags, char *buf, size_t size)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_BROADCAST, "BROADCAST" },
		{ IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_MULTICAST, "MULTICAST" },
		{ IFF_NOARP, "NOARP" }, { IFF_PROMISC, "PROMISC" }, { IFF_MASTER, "MASTER" },
		{ IFF_SLAVE, "SLAVE" }, { IFF_UP, "UP" }, { IFF_RUNNING, "RUNNING" },
		{ IFF_LOWER_UP, "LOWER_UP" }, { IFF_DORMANT, "DORMANT" },
	};
	size_t i, used = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(flags & names[i].bit))
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	return buf;
}
