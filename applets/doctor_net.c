/* sonde doctor: interfaces and default routes, from one netlink snapshot
 * (never /proc or ioctl: netlink works in an empty container). */
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor_impl.h"
#include "sonde/netlink.h"

struct net_snapshot {
	struct netlink_link *links;
	size_t link_count;
	struct netlink_addr *addrs;
	size_t addr_count;
	struct netlink_route *routes; /* table main */
	size_t route_count;
};

static int snapshot_take(struct net_snapshot *snap, const char **what)
{
	int rc;

	memset(snap, 0, sizeof(*snap));
	*what = "list interfaces";
	rc = netlink_dump_links(&snap->links, &snap->link_count);
	if (rc == 0) {
		*what = "list addresses";
		rc = netlink_dump_addrs(AF_UNSPEC, &snap->addrs, &snap->addr_count);
	}
	if (rc == 0) {
		*what = "list routes";
		rc = netlink_dump_routes(AF_UNSPEC, RT_TABLE_MAIN, &snap->routes, &snap->route_count);
	}
	return rc;
}

static void snapshot_free(struct net_snapshot *snap)
{
	free(snap->links);
	free(snap->addrs);
	free(snap->routes);
}

static bool link_has_carrier(const struct netlink_link *link)
{
	return (link->flags & IFF_UP) && (link->flags & IFF_LOWER_UP);
}

/* An address other hosts can reach: not loopback, not link-local, not
 * rejected by duplicate address detection. */
static bool addr_is_usable(const struct netlink_addr *addr)
{
	return (addr->scope == RT_SCOPE_UNIVERSE || addr->scope == RT_SCOPE_SITE) &&
	       !(addr->flags & IFA_F_DADFAILED);
}

static const char *addr_cidr(const struct netlink_addr *addr, char *buf, size_t size)
{
	char text[ADDR_STRLEN];

	snprintf(buf, size, "%s/%u", addr_ntop(&addr->local, text, sizeof(text)), addr->prefix_len);
	return buf;
}

/* Is the interface up with carrier and an address of family (AF_UNSPEC:
 * either) that other hosts can reach? */
static bool link_is_connected(const struct net_snapshot *snap, const struct netlink_link *link, int family)
{
	size_t i;

	if ((link->flags & IFF_LOOPBACK) || !link_has_carrier(link))
		return false;
	for (i = 0; i < snap->addr_count; i++) {
		const struct netlink_addr *addr = &snap->addrs[i];

		if (addr->ifindex == link->ifindex && addr_is_usable(addr) &&
		    (family == AF_UNSPEC || addr->family == family))
			return true;
	}
	return false;
}

static bool family_is_connected(const struct net_snapshot *snap, int family)
{
	size_t i;

	for (i = 0; i < snap->link_count; i++)
		if (link_is_connected(snap, &snap->links[i], family))
			return true;
	return false;
}

/* --- interfaces ------------------------------------------------------ */

/* What the addresses of one link say, gathered in one pass. */
struct link_addr_facts {
	size_t count, usable_count;
	bool has_ipv6, has_loopback_v4;
	char dadfailed[ADDR_STRLEN + 8]; /* the first address that failed DAD */
	char list_text[DOCTOR_MESSAGE_LEN / 2];
};

static void link_addrs_collect(struct doctor_check *check, const struct net_snapshot *snap,
			       const struct netlink_link *link, struct link_addr_facts *facts)
{
	size_t i, used = 0;

	memset(facts, 0, sizeof(*facts));
	check_list_add(check, "addresses", NULL);
	for (i = 0; i < snap->addr_count; i++) {
		const struct netlink_addr *addr = &snap->addrs[i];
		char cidr[ADDR_STRLEN + 8];
		int n;

		if (addr->ifindex != link->ifindex)
			continue;
		addr_cidr(addr, cidr, sizeof(cidr));
		check_list_add(check, "addresses", cidr);
		facts->count++;
		facts->usable_count += addr_is_usable(addr);
		facts->has_ipv6 |= addr->family == AF_INET6;
		if (addr->family == AF_INET && strncmp(cidr, "127.0.0.1/", 10) == 0)
			facts->has_loopback_v4 = true;
		if ((addr->flags & IFA_F_DADFAILED) && !facts->dadfailed[0])
			snprintf(facts->dadfailed, sizeof(facts->dadfailed), "%s", cidr);
		n = snprintf(facts->list_text + used, sizeof(facts->list_text) - used, " %s", cidr);
		if (n > 0 && (size_t)n < sizeof(facts->list_text) - used)
			used += (size_t)n;
	}
}

/* The verdict on one interface, as status and reason ("" when nothing
 * needs saying). */
static enum doctor_status link_verdict(const struct netlink_link *link, const struct link_addr_facts *facts,
				       const char *master_name, char *reason, size_t size)
{
	bool loopback = link->flags & IFF_LOOPBACK;

	reason[0] = '\0';
	if (loopback && !(link->flags & IFF_UP)) {
		snprintf(reason, size, "loopback is down: nothing can talk to localhost");
		return DOCTOR_WARN;
	}
	if (loopback && !facts->has_loopback_v4) {
		snprintf(reason, size, "loopback has no 127.0.0.1: localhost over IPv4 fails");
		return DOCTOR_WARN;
	}
	if (loopback)
		return DOCTOR_PASS;
	if (!(link->flags & IFF_UP)) {
		if (facts->count == 0) {
			snprintf(reason, size, "not in use");
			return DOCTOR_INFO;
		}
		snprintf(reason, size, "administratively down although it has addresses");
		return DOCTOR_WARN;
	}
	if (!link_has_carrier(link)) {
		snprintf(reason, size, "up but no carrier (operstate %s): cable unplugged or peer down",
			 netlink_operstate_name(link->operstate));
		return DOCTOR_WARN;
	}
	if (facts->dadfailed[0]) {
		snprintf(reason, size, "%s failed duplicate address detection: another host uses it",
			 facts->dadfailed);
		return DOCTOR_WARN;
	}
	if (link->mtu < 576 || (facts->has_ipv6 && link->mtu < 1280)) {
		snprintf(reason, size, "mtu %u is below the %s minimum (%u)", link->mtu,
			 link->mtu < 576 ? "IPv4" : "IPv6", link->mtu < 576 ? 576u : 1280u);
		return DOCTOR_WARN;
	}
	if (facts->usable_count > 0)
		return DOCTOR_PASS;
	if (master_name) {
		snprintf(reason, size, "port of %s", master_name);
		return DOCTOR_INFO;
	}
	snprintf(reason, size, facts->count ? "only link-local addresses" : "up but has no address");
	return DOCTOR_INFO;
}

static void check_one_link(struct doctor_report *report, const struct net_snapshot *snap,
			   const struct netlink_link *link)
{
	const struct netlink_link *master = netlink_link_by_index(snap->links, snap->link_count,
								  link->master_ifindex);
	struct doctor_check *check = doctor_add(report, "interfaces", "interface", DOCTOR_INFO, "%s", link->name);
	struct link_addr_facts facts;
	char mac[3 * NETLINK_MAC_LEN], flags[160], reason[200];
	enum doctor_status status;

	check_str(check, "ifname", link->name);
	check_int(check, "ifindex", link->ifindex);
	check_str(check, "kind", link->kind[0] ? link->kind : NULL);
	check_str(check, "operstate", netlink_operstate_name(link->operstate));
	check_bool(check, "up", link->flags & IFF_UP);
	check_bool(check, "carrier", link_has_carrier(link));
	check_uint(check, "mtu", link->mtu);
	check_str(check, "mac", link->mac_len ? netlink_mac_format(link->mac, link->mac_len, mac, sizeof(mac))
					      : NULL);
	check_str(check, "flags", netlink_link_flags_format(link->flags, flags, sizeof(flags)));
	check_str(check, "master", master ? master->name : NULL);
	link_addrs_collect(check, snap, link, &facts);

	status = link_verdict(link, &facts, master ? master->name : NULL, reason, sizeof(reason));
	check_set_message(check, status, "%s %s mtu %u%s%s%s", link->name,
			  (link->flags & IFF_UP) ? netlink_operstate_name(link->operstate) : "DOWN", link->mtu,
			  facts.count ? facts.list_text : " (no address)", reason[0] ? ": " : "", reason);
}

static void check_links(struct doctor_report *report, const struct net_snapshot *snap)
{
	struct doctor_check *check;
	char names[DOCTOR_MESSAGE_LEN / 2] = "";
	size_t i, connected = 0, used = 0;

	for (i = 0; i < snap->link_count; i++)
		check_one_link(report, snap, &snap->links[i]);

	check = doctor_add(report, "interfaces", "connectivity", DOCTOR_PASS, "%s", "");
	check_list_add(check, "connected", NULL);
	for (i = 0; i < snap->link_count; i++) {
		const struct netlink_link *link = &snap->links[i];
		int n;

		if (!link_is_connected(snap, link, AF_UNSPEC))
			continue;
		connected++;
		check_list_add(check, "connected", link->name);
		n = snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", link->name);
		if (n > 0 && (size_t)n < sizeof(names) - used)
			used += (size_t)n;
	}
	if (connected)
		check_set_message(check, DOCTOR_PASS, "%zu of %zu interfaces up with a usable address (%s)",
				  connected, snap->link_count, names);
	else
		check_set_message(check, DOCTOR_FAIL,
				  "no interface other than lo is up with an address: this namespace has no network");
}

/* --- default routes -------------------------------------------------- */

static const char *family_label(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static const char *link_name(const struct net_snapshot *snap, int ifindex)
{
	const struct netlink_link *link = netlink_link_by_index(snap->links, snap->link_count, ifindex);

	return link ? link->name : "?";
}

/* "via 10.0.0.1 dev eth0 metric 100"; multipath hops each get "nexthop". */
static void route_describe(const struct net_snapshot *snap, const struct netlink_route *route, char *buf,
			   size_t size)
{
	size_t used = 0, i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < route->nexthop_count; i++) {
		const struct netlink_nexthop *hop = &route->nexthops[i];
		char gateway[ADDR_STRLEN];

		n = snprintf(buf + used, size - used, "%s%s%s%s%s%s", used ? " " : "",
			     route->nexthop_count > 1 ? "nexthop " : "", hop->has_gateway ? "via " : "",
			     hop->has_gateway ? addr_ntop(&hop->gateway, gateway, sizeof(gateway)) : "",
			     hop->has_gateway ? " " : "", "dev ");
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
		n = snprintf(buf + used, size - used, "%s", link_name(snap, hop->ifindex));
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
	snprintf(buf + used, size - used, "%smetric %u", used ? " " : "", route->metric);
}

/* A default route's hop whose device lost carrier: the kernel keeps the
 * route but marks it linkdown (or dead), and traffic through it is lost. */
static const struct netlink_nexthop *route_dead_hop(const struct netlink_route *route)
{
	size_t i;

	for (i = 0; i < route->nexthop_count; i++)
		if (route->nexthops[i].flags & (RTNH_F_LINKDOWN | RTNH_F_DEAD))
			return &route->nexthops[i];
	return NULL;
}

/* The networks reachable without a default route: connected ones and those
 * with an explicit route.  Link-local and multicast routes do not count. */
static size_t routes_reachable(const struct net_snapshot *snap, int family, struct doctor_check *check,
			       char *text, size_t size)
{
	size_t i, count = 0, used = 0;

	text[0] = '\0';
	check_list_add(check, "reachable", NULL);
	for (i = 0; i < snap->route_count; i++) {
		const struct netlink_route *route = &snap->routes[i];
		char prefix[64], entry[96];
		int n;

		if (route->family != family || route->type != RTN_UNICAST || route->dst.len == 0)
			continue;
		if (family == AF_INET6 && route->dst.bytes[0] == 0xfe && (route->dst.bytes[1] & 0xc0) == 0x80)
			continue;
		prefix_format(&route->dst, prefix, sizeof(prefix));
		if (route->nexthop_count && route->nexthops[0].has_gateway) {
			char gateway[ADDR_STRLEN];

			snprintf(entry, sizeof(entry), "%s via %s", prefix,
				 addr_ntop(&route->nexthops[0].gateway, gateway, sizeof(gateway)));
		} else {
			snprintf(entry, sizeof(entry), "%s", prefix);
		}
		check_list_add(check, "reachable", entry);
		count++;
		n = snprintf(text + used, size - used, "%s%s", used ? ", " : "", entry);
		if (n > 0 && (size_t)n < size - used)
			used += (size_t)n;
	}
	return count;
}

/* A non-unicast default (unreachable, blackhole, prohibit) rejects traffic. */
static const struct netlink_route *rejecting_default(const struct net_snapshot *snap, int family)
{
	size_t i;

	for (i = 0; i < snap->route_count; i++)
		if (snap->routes[i].family == family && snap->routes[i].dst.len == 0 &&
		    snap->routes[i].type != RTN_UNICAST)
			return &snap->routes[i];
	return NULL;
}

static bool family_has_default(const struct net_snapshot *snap, int family)
{
	size_t i;

	for (i = 0; i < snap->route_count; i++)
		if (snap->routes[i].family == family && netlink_route_is_default(&snap->routes[i]))
			return true;
	return false;
}

static void check_missing_default(struct doctor_check *check, const struct net_snapshot *snap, int family)
{
	int other = family == AF_INET ? AF_INET6 : AF_INET;
	char reachable[DOCTOR_MESSAGE_LEN / 2];
	size_t reachable_count = routes_reachable(snap, family, check, reachable, sizeof(reachable));
	const struct netlink_route *reject = rejecting_default(snap, family);
	const char *label = family_label(family);
	char type[16];

	if (reject) {
		check_set_message(check, DOCTOR_WARN,
				  "no usable %s default route: the default route is '%s', so other networks are "
				  "refused%s%s",
				  label, netlink_route_type_name(reject->type, type, sizeof(type)),
				  reachable_count ? "; reachable: " : "", reachable);
		return;
	}
	if (family_is_connected(snap, family)) {
		if (reachable_count)
			check_set_message(check, DOCTOR_WARN,
					  "no %s default route: only these networks are reachable (%s); anything "
					  "else fails with 'Network is unreachable'",
					  label, reachable);
		else
			check_set_message(check, DOCTOR_WARN,
					  "no %s default route and no other route: %s addresses are configured but "
					  "nothing is reachable through them",
					  label, label);
		return;
	}
	if (family_has_default(snap, other) || family_is_connected(snap, other)) {
		check_set_message(check, DOCTOR_INFO, "no %s default route (no usable %s address: %s is not in use)",
				  label, label, label);
		return;
	}
	if (family == AF_INET)
		check_set_message(check, DOCTOR_FAIL,
				  "no default route and no usable address in either family: nothing outside "
				  "this namespace is reachable");
	else
		check_set_message(check, DOCTOR_INFO, "no %s default route (see IPv4)", label);
}

static void check_default_route(struct doctor_report *report, const struct net_snapshot *snap, int family)
{
	const char *name = family == AF_INET ? "ipv4_default" : "ipv6_default";
	struct doctor_check *check = doctor_add(report, "routes", name, DOCTOR_PASS, "%s", "");
	const struct netlink_route *first = NULL;
	const struct netlink_nexthop *dead = NULL;
	char text[DOCTOR_MESSAGE_LEN / 2] = "";
	size_t i, used = 0;

	check_str(check, "family", family == AF_INET ? "inet" : "inet6");
	check_list_add(check, "routes", NULL);
	for (i = 0; i < snap->route_count; i++) {
		const struct netlink_route *route = &snap->routes[i];
		char one[160];
		int n;

		if (route->family != family || !netlink_route_is_default(route))
			continue;
		route_describe(snap, route, one, sizeof(one));
		check_list_add(check, "routes", one);
		if (!first || route->metric < first->metric)
			first = route;
		if (!dead)
			dead = route_dead_hop(route);
		n = snprintf(text + used, sizeof(text) - used, "%s%s", used ? "; " : "", one);
		if (n > 0 && (size_t)n < sizeof(text) - used)
			used += (size_t)n;
	}
	if (!first) {
		check_null(check, "gateway");
		check_null(check, "dev");
		check_null(check, "metric");
		check_missing_default(check, snap, family);
		return;
	}
	if (first->nexthop_count && first->nexthops[0].has_gateway) {
		char gateway[ADDR_STRLEN];

		check_str(check, "gateway", addr_ntop(&first->nexthops[0].gateway, gateway, sizeof(gateway)));
	} else {
		check_null(check, "gateway");
	}
	check_str(check, "dev", first->nexthop_count ? link_name(snap, first->nexthops[0].ifindex) : NULL);
	check_uint(check, "metric", first->metric);
	if (dead)
		check_set_message(check, DOCTOR_WARN, "%s default %s: %s has no carrier, the route is unusable",
				  family_label(family), text, link_name(snap, dead->ifindex));
	else
		check_set_message(check, DOCTOR_PASS, "%s default %s", family_label(family), text);
}

void doctor_check_network(struct doctor_report *report, const struct doctor_config *config)
{
	struct net_snapshot snap;
	const char *what;
	int rc = snapshot_take(&snap, &what);

	if (rc < 0) {
		struct doctor_check *check = doctor_add(report, "interfaces", "netlink", DOCTOR_FAIL,
							"cannot %s over netlink: %s", what, strerror(-rc));

		check_str(check, "error", strerror(-rc));
		snapshot_free(&snap);
		return;
	}
	check_links(report, &snap);
	check_default_route(report, &snap, AF_INET);
	check_default_route(report, &snap, AF_INET6);
	snapshot_free(&snap);
}
