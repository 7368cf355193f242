/* arp: net-tools' view of the IPv4 neighbour (ARP) table, read-only, from
 * rtnetlink: the `arp -n` table, or `arp -a`'s BSD-style lines. */
#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/caps.h"
#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/netlink.h"
#include "sonde/version.h"

struct arp_config {
	bool numeric;
	bool bsd_style;
	const char *device;
};

static const struct sonde_opt arp_options[] = {
	SONDE_OPT_FLAG("n", "numeric", "numeric addresses (sonde never looks names up)", struct arp_config, numeric),
	SONDE_OPT_FLAG("a", NULL, "BSD style: \"? (ADDR) at MAC [ether] on DEV\"", struct arp_config, bsd_style),
	SONDE_OPT_STRING("i", "device", "IFACE", "only entries on IFACE", struct arp_config, device),
	SONDE_OPT_END,
};

/* NUD_VALID in the kernel: an entry with a usable link-layer address. */
#define ARP_NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

struct arp_state {
	struct sonde_out *out;
	const struct arp_config *cfg;
	struct netlink_link *links;
	size_t link_count;
	int ifindex;
	size_t shown;
};

static const char *hw_type(const struct netlink_link *link)
{
	return !link || link->arptype == ARPHRD_ETHER ? "ether" : link->arptype == ARPHRD_LOOPBACK ? "loop"
											    : "unspec";
}

static int arp_one(const struct netlink_neigh *neigh, void *arg)
{
	struct arp_state *st = arg;
	const struct netlink_link *link = netlink_link_by_index(st->links, st->link_count, neigh->ifindex);
	bool complete = (neigh->state & ARP_NUD_VALID) && neigh->lladdr_len;
	bool permanent = neigh->state & NUD_PERMANENT;
	char addr[INET_ADDRSTRLEN], mac[64] = "", flags[4];
	size_t n = 0;

	/* /proc/net/arp, which net-tools reads, leaves NOARP-only entries out. */
	if (neigh->state == NUD_NOARP || (st->ifindex && neigh->ifindex != st->ifindex))
		return 0;
	inet_ntop(AF_INET, &neigh->dst.u.in4.sin_addr, addr, sizeof(addr));
	if (complete)
		netlink_mac_format(neigh->lladdr, neigh->lladdr_len, mac, sizeof(mac));
	if (complete)
		flags[n++] = 'C';
	if (permanent)
		flags[n++] = 'M';
	if (neigh->flags & NTF_PROXY)
		flags[n++] = 'P';
	flags[n] = '\0';
	st->shown++;
	out_open_object(st->out, NULL);
	if (st->cfg->bsd_style) {
		out_print_str(st->out, "address", "? (%s) at ", addr);
		out_print_str(st->out, "lladdr", "%s", complete ? mac : "<incomplete>");
		if (complete)
			out_print_str(st->out, "hwtype", " [%s]", hw_type(link));
		if (permanent)
			out_text(st->out, " PERM");
		if (neigh->flags & NTF_PROXY)
			out_text(st->out, " PUB");
		out_print_str(st->out, "ifname", " on %s\n", link ? link->name : "?");
	} else {
		out_print_str(st->out, "address", "%-23.23s  ", addr);
		out_print_str(st->out, "hwtype", "%-8.8s", complete ? hw_type(link) : "");
		out_print_str(st->out, "lladdr", "%-20.20s", complete ? mac : "(incomplete)");
		out_print_str(st->out, "flags", "%-6.6s", flags);
		out_text(st->out, "%-15.15s ", "");
		out_print_str(st->out, "ifname", "%s\n", link ? link->name : "?");
	}
	out_close_object(st->out);
	return 0;
}

static int arp_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct arp_config *cfg = config;
	struct arp_state st = { ctx->out, cfg, NULL, 0, 0, 0 };
	int rc;

	if (argc > 0) {
		sonde_err("'%s': refused: sonde arp only shows the table (use ip neigh from iproute2 to change it)",
			  argv[0]);
		return SONDE_EXIT_USAGE;
	}
	rc = netlink_dump_links(&st.links, &st.link_count);
	if (rc < 0)
		return caps_fail(rc, &caps_need_none, "cannot list interfaces");
	if (cfg->device) {
		const struct netlink_link *link = netlink_link_by_name(st.links, st.link_count, cfg->device);

		if (!link) {
			sonde_err("%s: no such device", cfg->device);
			free(st.links);
			return SONDE_EXIT_USAGE;
		}
		st.ifindex = link->ifindex;
	}
	if (!cfg->bsd_style)
		out_text(ctx->out, "Address                  HWtype  HWaddress           Flags Mask            Iface\n");
	out_open_array(ctx->out, NULL);
	rc = netlink_walk_neighs(AF_INET, arp_one, &st);
	out_close_array(ctx->out);
	free(st.links);
	if (rc < 0)
		return caps_fail(rc, &caps_need_none, "cannot read the neighbour table");
	return SONDE_EXIT_OK;
}

static const struct sonde_imitation arp_imitation = {
	.version_letters = "V",
	.classic_line = "net-tools 2.10",
	.imitated = "arp from net-tools 2.10",
};

const struct sonde_applet applet_arp = {
	.name = "arp",
	.summary = "show the ARP table in net-tools' arp layout (read-only)",
	.usage = "[-n] [-a] [-i IFACE]",
	.options = arp_options,
	.config_size = sizeof(struct arp_config),
	.min_args = 0,
	.max_args = -1,
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = arp_main,
	.imitates = &arp_imitation,
};
