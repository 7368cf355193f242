/* net-tools' interface views from rtnetlink (see sonde/ifconfig_classic.h):
 * the block list in net-tools' order, ifconfig's long blocks and the short
 * table netstat -i and ifconfig -s share. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/ifconfig_classic.h"

/* net-tools' name order: digits compare as numbers ("eth2" before "eth10"). */
static int natural_compare(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);

			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int compare_blocks(const void *x, const void *y)
{
	return natural_compare(((const struct ifconfig_block *)x)->name, ((const struct ifconfig_block *)y)->name);
}

static const struct netlink_addr *first_inet(const struct ifconfig_snapshot *snap, int ifindex, const char *label)
{
	size_t i;

	for (i = 0; i < snap->addr_count; i++) {
		const struct netlink_addr *a = &snap->addrs[i];

		if (a->ifindex == ifindex && a->family == AF_INET && strcmp(a->label, label) == 0)
			return a;
	}
	return NULL;
}

static int add_block(struct ifconfig_snapshot *snap, const struct netlink_link *link, const char *name, bool alias)
{
	struct ifconfig_block *blocks = realloc(snap->blocks, (snap->block_count + 1) * sizeof(*blocks));
	struct ifconfig_block *b;

	if (!blocks)
		return -1;
	snap->blocks = blocks;
	b = &blocks[snap->block_count++];
	b->link = link;
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->inet = first_inet(snap, link->ifindex, name);
	b->alias = alias;
	return 0;
}

/* Interfaces, then one extra block per alias label ("br0:1"). */
static int build_blocks(struct ifconfig_snapshot *snap)
{
	size_t i, j;

	for (i = 0; i < snap->link_count; i++) {
		const struct netlink_link *link = &snap->links[i];

		if (add_block(snap, link, link->name, false) < 0)
			return -1;
		for (j = 0; j < snap->addr_count; j++) {
			const struct netlink_addr *a = &snap->addrs[j];

			if (a->ifindex != link->ifindex || a->family != AF_INET || !a->label[0] ||
			    strcmp(a->label, link->name) == 0 || first_inet(snap, link->ifindex, a->label) != a)
				continue;
			if (add_block(snap, link, a->label, true) < 0)
				return -1;
		}
	}
	qsort(snap->blocks, snap->block_count, sizeof(*snap->blocks), compare_blocks);
	return 0;
}

static void print_flags(struct sonde_out *out, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" }, { IFF_DEBUG, "DEBUG" }, { IFF_LOOPBACK, "LOOPBACK" },
		{ IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_NOTRAILERS, "NOTRAILERS" }, { IFF_RUNNING, "RUNNING" },
		{ IFF_NOARP, "NOARP" }, { IFF_PROMISC, "PROMISC" }, { IFF_ALLMULTI, "ALLMULTI" },
		{ IFF_MASTER, "MASTER" }, { IFF_SLAVE, "SLAVE" }, { IFF_MULTICAST, "MULTICAST" },
		{ IFF_PORTSEL, "PORTSEL" }, { IFF_AUTOMEDIA, "AUTOMEDIA" }, { IFF_DYNAMIC, "DYNAMIC" },
	};
	bool first = true;
	size_t i;

	out_print_uint(out, "flags", "flags=%llu<", flags & 0xffff);
	out_open_array(out, "flag_names");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		out_text(out, "%s", first ? "" : ",");
		out_print_str(out, NULL, "%s", names[i].name);
		first = false;
	}
	out_close_array(out);
	out_text(out, ">");
}

static void print_inet(struct sonde_out *out, const struct ifconfig_block *b)
{
	const struct netlink_addr *a = b->inet;
	char addr[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN], other[INET_ADDRSTRLEN] = "0.0.0.0";
	uint32_t mask_bits = a->prefix_len ? htonl(0xffffffffu << (32 - a->prefix_len)) : 0;

	inet_ntop(AF_INET, &a->local.u.in4.sin_addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &mask_bits, mask, sizeof(mask));
	out_print_str(out, "inet", "        inet %s", addr);
	out_print_str(out, "netmask", "  netmask %s", mask);
	if (b->link->flags & IFF_BROADCAST) {
		if (a->has_broadcast)
			inet_ntop(AF_INET, &a->broadcast.u.in4.sin_addr, other, sizeof(other));
		out_print_str(out, "broadcast", "  broadcast %s", other);
	}
	if (b->link->flags & IFF_POINTOPOINT) {
		if (a->has_peer)
			inet_ntop(AF_INET, &a->peer.u.in4.sin_addr, other, sizeof(other));
		out_print_str(out, "destination", "  destination %s", other);
	}
	out_text(out, "\n");
}

static void print_inet6(struct sonde_out *out, const struct ifconfig_snapshot *snap, int ifindex)
{
	size_t i;

	out_open_array(out, "inet6");
	for (i = 0; i < snap->addr_count; i++) {
		const struct netlink_addr *a = &snap->addrs[i];
		char text[INET6_ADDRSTRLEN];
		/* The scope as /proc/net/if_inet6 numbers it (IPV6_ADDR_* bits). */
		unsigned scope = a->scope == RT_SCOPE_HOST ? 0x10 : a->scope == RT_SCOPE_LINK ? 0x20
				 : a->scope == RT_SCOPE_SITE ? 0x40 : 0x0;
		const char *scope_name = scope == 0x10 ? "host" : scope == 0x20 ? "link" : scope == 0x40 ? "site"
					 : "global";

		if (a->ifindex != ifindex || a->family != AF_INET6)
			continue;
		inet_ntop(AF_INET6, &a->local.u.in6.sin6_addr, text, sizeof(text));
		out_open_object(out, NULL);
		out_print_str(out, "address", "        inet6 %s", text);
		out_print_uint(out, "prefixlen", "  prefixlen %llu", a->prefix_len);
		out_text(out, "  scopeid 0x%x<", scope);
		out_print_str(out, "scope", "%s>\n", scope_name);
		out_close_object(out);
	}
	out_close_array(out);
}

static void print_hw(struct sonde_out *out, const struct netlink_link *link)
{
	char mac[64];

	if (link->arptype == ARPHRD_LOOPBACK)
		out_text(out, "        loop ");
	else if (link->arptype == ARPHRD_ETHER)
		out_print_str(out, "lladdr", "        ether %s ",
			      netlink_mac_format(link->mac, link->mac_len, mac, sizeof(mac)));
	else
		out_text(out, "        unspec ");
	out_print_uint(out, "txqueuelen", " txqueuelen %llu", link->txqlen);
	out_print_str(out, "link_type", "  (%s)\n", link->arptype == ARPHRD_LOOPBACK ? "Local Loopback"
						   : link->arptype == ARPHRD_ETHER ? "Ethernet" : "UNSPEC");
}

/* "880.0 B", "1.7 KiB": net-tools divides by 1024 while above 1024. */
static void print_bytes(struct sonde_out *out, const char *key, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	uint64_t whole = bytes;
	unsigned tenth = 0, i = 0;

	while (whole > 1024 && i < 4) {
		tenth = (unsigned)(((whole % 1024) * 10) / 1024);
		whole /= 1024;
		i++;
	}
	out_print_uint(out, key, "  bytes %llu", bytes);
	out_text(out, " (%llu.%u %s)\n", (unsigned long long)whole, tenth, units[i]);
}

/* The counters as /proc/net/dev (and so net-tools) sums them. */
static void print_counters(struct sonde_out *out, const struct netlink_link_stats *s)
{
	out_open_object(out, "stats");
	out_print_uint(out, "rx_packets", "        RX packets %llu", s->rx_packets);
	print_bytes(out, "rx_bytes", s->rx_bytes);
	out_print_uint(out, "rx_errors", "        RX errors %llu", s->rx_errors);
	out_print_uint(out, "rx_dropped", "  dropped %llu", s->rx_dropped + s->rx_missed_errors);
	out_print_uint(out, "rx_overruns", "  overruns %llu", s->rx_fifo_errors);
	out_print_uint(out, "rx_frame", "  frame %llu\n",
		       s->rx_length_errors + s->rx_over_errors + s->rx_crc_errors + s->rx_frame_errors);
	out_print_uint(out, "tx_packets", "        TX packets %llu", s->tx_packets);
	print_bytes(out, "tx_bytes", s->tx_bytes);
	out_print_uint(out, "tx_errors", "        TX errors %llu", s->tx_errors);
	out_print_uint(out, "tx_dropped", "  dropped %llu", s->tx_dropped);
	out_print_uint(out, "tx_overruns", " overruns %llu", s->tx_fifo_errors);
	out_print_uint(out, "tx_carrier", "  carrier %llu", s->tx_carrier_errors + s->tx_aborted_errors +
									 s->tx_window_errors + s->tx_heartbeat_errors);
	out_print_uint(out, "collisions", "  collisions %llu\n", s->collisions);
	out_close_object(out);
}

void ifconfig_classic_block(struct sonde_out *out, const struct ifconfig_snapshot *snap,
			    const struct ifconfig_block *b)
{
	out_open_object(out, NULL);
	out_print_str(out, "ifname", "%s: ", b->name);
	print_flags(out, b->link->flags);
	out_print_uint(out, "mtu", "  mtu %llu\n", b->link->mtu);
	if (b->inet)
		print_inet(out, b);
	if (!b->alias)
		print_inet6(out, snap, b->link->ifindex);
	print_hw(out, b->link);
	if (!b->alias && b->link->has_stats)
		print_counters(out, &b->link->stats);
	out_text(out, "\n");
	out_close_object(out);
}

void ifconfig_classic_row(struct sonde_out *out, const struct ifconfig_block *b)
{
	const struct netlink_link_stats *s = &b->link->stats;
	char flags[16];
	size_t n = 0;

	/* netstat -i's letters: B broadcast, L loopback, M multicast, O noarp, P point-to-point, R running, U up. */
	if (b->link->flags & IFF_BROADCAST) flags[n++] = 'B';
	if (b->link->flags & IFF_LOOPBACK) flags[n++] = 'L';
	if (b->link->flags & IFF_MULTICAST) flags[n++] = 'M';
	if (b->link->flags & IFF_NOARP) flags[n++] = 'O';
	if (b->link->flags & IFF_POINTOPOINT) flags[n++] = 'P';
	if (b->link->flags & IFF_RUNNING) flags[n++] = 'R';
	if (b->link->flags & IFF_UP) flags[n++] = 'U';
	flags[n] = '\0';
	out_open_object(out, NULL);
	out_print_str(out, "ifname", "%-15s ", b->name);
	out_print_uint(out, "mtu", "%5llu ", b->link->mtu);
	if (b->alias) { /* an alias label has no counters of its own */
		out_print_str(out, "flags", "     - no statistics available -                        %s\n", flags);
		out_close_object(out);
		return;
	}
	out_print_uint(out, "rx_packets", "%8llu ", s->rx_packets);
	out_print_uint(out, "rx_errors", "%6llu ", s->rx_errors);
	out_print_uint(out, "rx_dropped", "%6llu ", s->rx_dropped + s->rx_missed_errors);
	out_print_uint(out, "rx_overruns", "%-6llu ", s->rx_fifo_errors);
	out_print_uint(out, "tx_packets", "%8llu ", s->tx_packets);
	out_print_uint(out, "tx_errors", "%6llu ", s->tx_errors);
	out_print_uint(out, "tx_dropped", "%6llu ", s->tx_dropped);
	out_print_uint(out, "tx_overruns", "%6llu ", s->tx_fifo_errors);
	out_print_str(out, "flags", "%s\n", flags);
	out_close_object(out);
}

int ifconfig_snapshot_load(struct ifconfig_snapshot *snap)
{
	int rc;

	memset(snap, 0, sizeof(*snap));
	rc = netlink_dump_links(&snap->links, &snap->link_count);
	if (rc == 0)
		rc = netlink_dump_addrs(AF_UNSPEC, &snap->addrs, &snap->addr_count);
	if (rc == 0 && build_blocks(snap) < 0)
		rc = -ENOMEM;
	return rc;
}

void ifconfig_snapshot_free(struct ifconfig_snapshot *snap)
{
	free(snap->links);
	free(snap->addrs);
	free(snap->blocks);
	memset(snap, 0, sizeof(*snap));
}
