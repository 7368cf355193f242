/* sonde doctor: routing details beyond "is there a default route" — does the
 * default gateway answer ARP/NDP, do veth pairs agree on their MTU (looking
 * into the peer's namespace when it has a name), and does lo carry
 * addresses outside 127.0.0.0/8. */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "doctor_impl.h"
#include "sonde/netlink.h"

struct routing_snapshot {
	struct netlink_link *links;
	size_t link_count;
	struct netlink_route *routes;        /* table main */
	size_t route_count;
	struct netlink_neigh *neighs;
	size_t neigh_count;
	struct netlink_addr *addrs;
	size_t addr_count;
};

static const char *link_name_of(const struct routing_snapshot *snap, int ifindex)
{
	const struct netlink_link *link = netlink_link_by_index(snap->links, snap->link_count, ifindex);

	return link ? link->name : "?";
}

static const struct netlink_route *best_default(const struct routing_snapshot *snap, int family)
{
	const struct netlink_route *best = NULL;
	size_t i;

	for (i = 0; i < snap->route_count; i++) {
		const struct netlink_route *r = &snap->routes[i];

		if (r->family == family && netlink_route_is_default(r) && r->nexthop_count &&
		    r->nexthops[0].has_gateway && (!best || r->metric < best->metric))
			best = r;
	}
	return best;
}

static const struct netlink_neigh *neigh_of(const struct routing_snapshot *snap, const struct sonde_addr *addr,
					    int ifindex)
{
	size_t i;

	for (i = 0; i < snap->neigh_count; i++)
		if (snap->neighs[i].ifindex == ifindex && addr_equal(&snap->neighs[i].dst, addr))
			return &snap->neighs[i];
	return NULL;
}

static const char *state_name(uint16_t state)
{
	unsigned bit;

	for (bit = NUD_INCOMPLETE; bit <= NUD_PERMANENT; bit <<= 1)
		if (state & bit)
			return netlink_neigh_state_name(bit);
	return "NONE";
}

static void check_gateway_neighbour(struct doctor_report *report, const struct routing_snapshot *snap, int family)
{
	const struct netlink_route *route = best_default(snap, family);
	const char *label = family == AF_INET ? "IPv4" : "IPv6";
	const char *proto = family == AF_INET ? "ARP" : "neighbour discovery";
	const struct netlink_nexthop *hop;
	const struct netlink_neigh *neigh;
	struct doctor_check *check;
	char gateway[ADDR_STRLEN], mac[64];
	const char *dev;

	if (!route)
		return; /* doctor_net.c already reports a missing default route */
	hop = &route->nexthops[0];
	addr_ntop(&hop->gateway, gateway, sizeof(gateway));
	dev = link_name_of(snap, hop->ifindex);
	check = doctor_add(report, "routing", family == AF_INET ? "ipv4_gateway_neighbour" : "ipv6_gateway_neighbour",
			   DOCTOR_INFO, "%s", "");
	check_str(check, "gateway", gateway);
	check_str(check, "dev", dev);
	neigh = neigh_of(snap, &hop->gateway, hop->ifindex);
	if (!neigh) {
		check_null(check, "state");
		check_set_message(check, DOCTOR_INFO, "%s gateway %s on %s: no neighbour entry yet (resolved on first use)",
				  label, gateway, dev);
		return;
	}
	check_str(check, "state", state_name(neigh->state));
	check_str(check, "lladdr", neigh->lladdr_len ? netlink_mac_format(neigh->lladdr, neigh->lladdr_len, mac,
									   sizeof(mac)) : NULL);
	if (neigh->state & (NUD_FAILED | NUD_INCOMPLETE))
		check_set_message(check, DOCTOR_FAIL, "%s gateway %s on %s does not answer %s (%s)", label, gateway, dev,
				  proto, state_name(neigh->state));
	else
		check_set_message(check, DOCTOR_PASS, "%s gateway %s on %s is %s at %s", label, gateway, dev,
				  state_name(neigh->state), neigh->lladdr_len ? mac : "(no address)");
}

/* The MTU of ifindex in the namespace named ns_name, read by a child that
 * enters it (the doctor itself stays where it is).  0 when unknown. */
static unsigned peer_mtu_in(const char *ns_name, int ifindex)
{
	char path[512];
	int fds[2], status;
	unsigned mtu = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "/run/netns/%s", ns_name);
	if (pipe(fds) < 0)
		return 0;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	if (pid == 0) {
		struct netlink_link *links = NULL;
		const struct netlink_link *peer;
		size_t count = 0;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		close(fds[0]);
		if (fd >= 0 && setns(fd, CLONE_NEWNET) == 0 && netlink_dump_links(&links, &count) == 0 &&
		    (peer = netlink_link_by_index(links, count, ifindex)))
			mtu = peer->mtu;
		if (write(fds[1], &mtu, sizeof(mtu)) != sizeof(mtu))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &mtu, sizeof(mtu)) != sizeof(mtu))
		mtu = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return mtu;
}

static void check_veth_mtus(struct doctor_report *report, const struct routing_snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->link_count; i++) {
		const struct netlink_link *link = &snap->links[i];
		struct doctor_check *check;
		char ns_name[256] = "";
		unsigned peer_mtu = 0;

		if (strcmp(link->kind, "veth") != 0 || !link->has_parent || link->parent_ifindex == 0)
			continue;
		if (!link->has_link_netnsid) {
			const struct netlink_link *peer = netlink_link_by_index(snap->links, snap->link_count,
										 link->parent_ifindex);

			if (!peer || peer->ifindex < link->ifindex)
				continue; /* a pair in this namespace is checked once */
			peer_mtu = peer->mtu;
			snprintf(ns_name, sizeof(ns_name), "%s", "this namespace");
		} else if (netlink_nsid_name(link->link_netnsid, ns_name, sizeof(ns_name)) == 0) {
			peer_mtu = peer_mtu_in(ns_name, link->parent_ifindex);
		}
		if (peer_mtu == 0)
			continue; /* the peer's namespace is not reachable from here */
		check = doctor_add(report, "routing", "veth_mtu", DOCTOR_PASS, "%s", "");
		check_str(check, "dev", link->name);
		check_uint(check, "mtu", link->mtu);
		check_uint(check, "peer_mtu", peer_mtu);
		check_str(check, "peer_netns", ns_name);
		if (peer_mtu != link->mtu)
			check_set_message(check, DOCTOR_WARN, "veth %s has MTU %u but its peer (in %s) has %u: large "
					  "packets will be dropped one way", link->name, link->mtu, ns_name, peer_mtu);
		else
			check_set_message(check, DOCTOR_PASS, "veth %s and its peer (in %s) agree on MTU %u", link->name,
					  ns_name, link->mtu);
	}
}

static void check_lo_addresses(struct doctor_report *report, const struct routing_snapshot *snap)
{
	const struct netlink_link *lo = NULL;
	struct doctor_check *check = NULL;
	char list[DOCTOR_MESSAGE_LEN / 2] = "";
	size_t i, used = 0;

	for (i = 0; i < snap->link_count && !lo; i++)
		if (snap->links[i].flags & IFF_LOOPBACK)
			lo = &snap->links[i];
	if (!lo)
		return;
	for (i = 0; i < snap->addr_count; i++) {
		const struct netlink_addr *a = &snap->addrs[i];
		char text[ADDR_STRLEN], cidr[ADDR_STRLEN + 8];
		int n;

		if (a->ifindex != lo->ifindex || a->family != AF_INET ||
		    (ntohl(a->local.u.in4.sin_addr.s_addr) >> 24) == 127)
			continue;
		if (!check) {
			check = doctor_add(report, "routing", "lo_addresses", DOCTOR_WARN, "%s", "");
			check_list_add(check, "addresses", NULL);
		}
		snprintf(cidr, sizeof(cidr), "%s/%u", addr_ntop(&a->local, text, sizeof(text)), a->prefix_len);
		check_list_add(check, "addresses", cidr);
		n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", cidr);
		if (n > 0 && (size_t)n < sizeof(list) - used)
			used += (size_t)n;
	}
	if (check)
		check_set_message(check, DOCTOR_WARN, "%s carries %s outside 127.0.0.0/8: this host answers for it "
				  "locally (a service VIP or anycast address?)", lo->name, list);
}

void doctor_check_routing(struct doctor_report *report, const struct doctor_config *config)
{
	struct routing_snapshot snap = { 0 };
	int rc;

	(void)config;
	rc = netlink_dump_links(&snap.links, &snap.link_count);
	if (rc == 0)
		rc = netlink_dump_routes(AF_UNSPEC, RT_TABLE_MAIN, &snap.routes, &snap.route_count);
	if (rc == 0)
		rc = netlink_dump_neighs(AF_UNSPEC, &snap.neighs, &snap.neigh_count);
	if (rc == 0)
		rc = netlink_dump_addrs(AF_UNSPEC, &snap.addrs, &snap.addr_count);
	if (rc < 0) {
		struct doctor_check *check = doctor_add(report, "routing", "netlink", DOCTOR_FAIL,
							"cannot read routes and neighbours over netlink: %s", strerror(-rc));

		check_str(check, "error", strerror(-rc));
	} else {
		check_gateway_neighbour(report, &snap, AF_INET);
		check_gateway_neighbour(report, &snap, AF_INET6);
		check_veth_mtus(report, &snap);
		check_lo_addresses(report, &snap);
	}
	free(snap.links);
	free(snap.routes);
	free(snap.neighs);
	free(snap.addrs);
}
