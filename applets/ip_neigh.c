/* ip neigh [show]: the ARP and NDP tables, in iproute2's layout
 * ("ADDR dev DEV lladdr MAC [router] STATE").  As iproute2, NOARP entries
 * are left out unless asked for with "nud noarp" or "nud all". */
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

#define USER_HZ 100 /* neighbour times count in clock ticks of this rate */

static const struct {
	const char *name;
	unsigned bits;
} nud_names[] = {
	{ "incomplete", NUD_INCOMPLETE }, { "reachable", NUD_REACHABLE }, { "stale", NUD_STALE },
	{ "delay", NUD_DELAY }, { "probe", NUD_PROBE }, { "failed", NUD_FAILED }, { "noarp", NUD_NOARP },
	{ "permanent", NUD_PERMANENT }, { "none", NUD_NONE }, { "all", 0xffff },
};

struct neigh_filter {
	struct ip_ctx *ctx;
	int ifindex;
	unsigned states;              /* NUD_* bits to show; 0x100 stands for NUD_NONE */
	bool has_to;
	struct sonde_prefix to;
	bool router_only;
};

static void print_neigh_state(struct ip_ctx *ctx, unsigned state)
{
	unsigned bit;

	out_open_array(ctx->out, "state");
	for (bit = NUD_INCOMPLETE; bit <= NUD_PERMANENT; bit <<= 1)
		if (state & bit)
			out_print_str(ctx->out, NULL, "%s ", netlink_neigh_state_name(bit));
	out_close_array(ctx->out);
}

static void print_neigh_stats(struct ip_ctx *ctx, const struct netlink_neigh *neigh)
{
	if (neigh->has_cacheinfo) {
		if (neigh->refcnt)
			out_print_uint(ctx->out, "refcnt", " ref %llu", neigh->refcnt);
		out_print_uint(ctx->out, "used", " used %llu", neigh->used_ms / USER_HZ);
		out_print_uint(ctx->out, "confirmed", "/%llu", neigh->confirmed_ms / USER_HZ);
		out_print_uint(ctx->out, "updated", "/%llu", neigh->updated_ms / USER_HZ);
	}
	if (neigh->has_probes)
		out_print_uint(ctx->out, "probes", "probes %llu ", neigh->probes);
}

static void print_neigh(struct ip_ctx *ctx, const struct netlink_neigh *neigh, bool show_dev)
{
	char text[ADDR_STRLEN], name[32], mac[96];

	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "dst", "%s ", ip_addr_text(&neigh->dst, text, sizeof(text)));
	if (show_dev && neigh->ifindex) {
		out_text(ctx->out, "dev ");
		out_print_str(ctx->out, "dev", "%s ", ip_ifname(ctx, neigh->ifindex, name, sizeof(name)));
	}
	if (neigh->lladdr_len) {
		const struct netlink_link *link = ip_link_by_index(ctx, neigh->ifindex);

		out_text(ctx->out, "lladdr ");
		out_print_str(ctx->out, "lladdr", "%s ", ip_lladdr_text(neigh->lladdr, neigh->lladdr_len,
									link ? link->arptype : 1, mac, sizeof(mac)));
	}
	if (neigh->flags & NTF_ROUTER)
		out_print_null(ctx->out, "router", "%s ", "router");
	if (neigh->flags & NTF_PROXY)
		out_print_null(ctx->out, "proxy", "%s ", "proxy");
	if (neigh->flags & NTF_EXT_LEARNED)
		out_print_null(ctx->out, "extern_learn", "%s ", "extern_learn");
	if (neigh->flags & NTF_OFFLOADED)
		out_print_null(ctx->out, "offload", "%s ", "offload");
	if (ctx->stats)
		print_neigh_stats(ctx, neigh);
	if (neigh->state)
		print_neigh_state(ctx, neigh->state);
	if (neigh->has_protocol && neigh->protocol) {
		char buf[16];

		out_print_str(ctx->out, "protocol", "proto %s ", netlink_protocol_name(neigh->protocol, buf, sizeof(buf)));
	}
	out_text(ctx->out, "\n");
	out_close_object(ctx->out);
}

static int neigh_show_one(const struct netlink_neigh *neigh, void *arg)
{
	struct neigh_filter *f = arg;
	unsigned state_bits = neigh->state ? neigh->state : 0x100;

	if (f->ifindex && neigh->ifindex != f->ifindex)
		return 0;
	if (!(state_bits & f->states) && !(neigh->flags & (NTF_PROXY | NTF_EXT_LEARNED)))
		return 0;
	if (f->router_only && !(neigh->flags & NTF_ROUTER))
		return 0;
	if (f->has_to) {
		struct sonde_prefix host;

		ip_host_prefix(&neigh->dst, &host);
		if (!ip_prefix_covers(&f->to, &host))
			return 0;
	}
	print_neigh(f->ctx, neigh, f->ifindex == 0);
	return 0;
}

static int parse_nud(struct ip_ctx *ctx, struct neigh_filter *f, const char *word, bool *states_given)
{
	size_t i;

	if (!*states_given)
		f->states = 0;
	*states_given = true;
	for (i = 0; i < sizeof(nud_names) / sizeof(nud_names[0]); i++)
		if (strcmp(word, nud_names[i].name) == 0) {
			f->states |= nud_names[i].bits == NUD_NONE ? 0x100 : nud_names[i].bits;
			return 0;
		}
	sonde_err("%s: unknown neighbour state '%s'", ctx->object, word);
	return SONDE_EXIT_USAGE;
}

static int parse_neigh_filter(struct ip_ctx *ctx, struct neigh_filter *f, int argc, char **argv)
{
	bool states_given = false;
	int i, rc;

	for (i = 0; i < argc; i++) {
		const char *word = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(word, "router") == 0) {
			f->router_only = true;
			continue;
		}
		if (strcmp(word, "dev") == 0 || strcmp(word, "nud") == 0 || strcmp(word, "to") == 0) {
			if (!value)
				return ip_need_value(ctx, word);
			i++;
		} else {
			value = word; /* a bare prefix, as "to PREFIX" */
			word = "to";
		}
		if (strcmp(word, "dev") == 0) {
			if (!(f->ifindex = ip_dev_index(ctx, value)))
				return SONDE_EXIT_NEGATIVE;
		} else if (strcmp(word, "nud") == 0) {
			if ((rc = parse_nud(ctx, f, value, &states_given)))
				return rc;
		} else {
			f->has_to = true;
			if (ip_parse_prefix(ctx, value, &f->to) < 0)
				return SONDE_EXIT_USAGE;
		}
	}
	return 0;
}

int ip_neigh_main(struct ip_ctx *ctx, int argc, char **argv)
{
	struct neigh_filter f;
	int rc;

	if ((rc = ip_skip_show(ctx, &argc, &argv)) != 0)
		return rc;
	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.states = 0xff & ~NUD_NOARP;
	if ((rc = ip_links_load(ctx)) < 0)
		return ip_netlink_error(ctx, rc, "cannot list interfaces");
	rc = parse_neigh_filter(ctx, &f, argc, argv);
	if (rc)
		return rc;
	out_open_array(ctx->out, NULL);
	rc = netlink_walk_neighs(ctx->family, neigh_show_one, &f);
	out_close_array(ctx->out);
	if (rc < 0)
		return ip_netlink_error(ctx, rc, "cannot dump neighbours");
	return SONDE_EXIT_OK;
}
