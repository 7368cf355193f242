/* ip link and ip addr: one function renders an interface (the "N: name:
 * <FLAGS> mtu ..." header, the link/ether line, details, statistics) for
 * both objects, as iproute2's print_linkinfo does; ip addr adds the
 * addresses under it.  -br gives iproute2's one-line form. */
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

/* The flags array "<UP,LOWER_UP> " / "flags":[...]. */
static void print_link_flags(struct ip_ctx *ctx, unsigned flags, bool master_down)
{
	char names[256], *name, *save = NULL;
	bool first = true;

	out_open_array(ctx->out, "flags");
	out_text(ctx->out, "<");
	/* Up without carrier reads NO-CARRIER; RUNNING itself is never listed. */
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING)) {
		out_print_str(ctx->out, NULL, "%s", "NO-CARRIER");
		first = false;
	}
	netlink_link_flags_format(flags & ~IFF_RUNNING, names, sizeof(names));
	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		out_text(ctx->out, "%s", first ? "" : ",");
		out_print_str(ctx->out, NULL, "%s", name);
		first = false;
	}
	if (master_down) {
		out_text(ctx->out, ",");
		out_print_str(ctx->out, NULL, "%s", "M-DOWN");
	}
	out_close_array(ctx->out);
	out_text(ctx->out, "> ");
}

/* "veth0@if2", "vp1@vp1b", "eth0@NONE"; JSON gets link_index or link. */
static const char *link_display_name(struct ip_ctx *ctx, const struct netlink_link *link, char *buf, size_t size)
{
	char peer[32];

	snprintf(buf, size, "%s", link->name);
	if (!link->has_parent)
		return buf;
	if (link->parent_ifindex == 0) {
		out_print_null(ctx->out, "link", NULL, NULL);
		snprintf(buf, size, "%s@NONE", link->name);
	} else if (link->has_link_netnsid) {
		out_print_int(ctx->out, "link_index", NULL, link->parent_ifindex);
		snprintf(buf, size, "%s@if%d", link->name, link->parent_ifindex);
	} else {
		const char *name = ip_ifname(ctx, link->parent_ifindex, peer, sizeof(peer));

		out_print_str(ctx->out, "link", NULL, name);
		snprintf(buf, size, "%s@%s", link->name, name);
	}
	return buf;
}

static bool master_is_down(struct ip_ctx *ctx, const struct netlink_link *link)
{
	const struct netlink_link *master;

	if (!link->master_ifindex)
		return false;
	master = ip_link_by_index(ctx, link->master_ifindex);
	return master && !(master->flags & IFF_UP);
}

static void print_link_netns(struct ip_ctx *ctx, const struct netlink_link *link)
{
	char name[256];

	if (!link->has_link_netnsid)
		return;
	out_print_int(ctx->out, "link_netnsid", NULL, link->link_netnsid);
	if (link->link_netnsid < 0)
		out_text(ctx->out, " link-netnsid unknown");
	else if (netlink_nsid_name(link->link_netnsid, name, sizeof(name)) == 0)
		out_text(ctx->out, " link-netns %s", name);
	else
		out_text(ctx->out, " link-netnsid %d", link->link_netnsid);
}

static void print_header(struct ip_ctx *ctx, const struct netlink_link *link, bool do_link)
{
	char name[64], buf[32];

	out_print_int(ctx->out, "ifindex", "%lld: ", link->ifindex);
	out_text(ctx->out, "%s: ", link_display_name(ctx, link, name, sizeof(name)));
	out_print_str(ctx->out, "ifname", NULL, link->name);
	print_link_flags(ctx, link->flags, master_is_down(ctx, link));
	out_print_uint(ctx->out, "mtu", "mtu %llu ", link->mtu);
	if (link->qdisc[0])
		out_print_str(ctx->out, "qdisc", "qdisc %s ", link->qdisc);
	if (link->master_ifindex)
		out_print_str(ctx->out, "master", "master %s ", ip_ifname(ctx, link->master_ifindex, buf, sizeof(buf)));
	out_print_str(ctx->out, "operstate", "state %s ", netlink_operstate_name(link->operstate));
	if (do_link)
		out_print_str(ctx->out, "linkmode", "mode %s ", link->linkmode == IF_LINK_MODE_DORMANT ? "DORMANT"
						   : link->linkmode == IF_LINK_MODE_TESTING ? "TESTING" : "DEFAULT");
	out_print_str(ctx->out, "group", "group %s ", netlink_group_name(link->group, buf, sizeof(buf)));
	if (link->has_txqlen && link->txqlen)
		out_print_uint(ctx->out, "txqlen", "qlen %llu", link->txqlen);
}

static void print_link_layer(struct ip_ctx *ctx, const struct netlink_link *link)
{
	char type[32], text[128];

	out_text(ctx->out, "\n");
	out_print_str(ctx->out, "link_type", "    link/%s ", netlink_link_type_name(link->arptype, type, sizeof(type)));
	if (link->mac_len)
		out_print_str(ctx->out, "address", "%s", ip_lladdr_text(link->mac, link->mac_len, link->arptype, text,
									 sizeof(text)));
	if (link->broadcast_len) {
		if (link->flags & IFF_POINTOPOINT) {
			out_text(ctx->out, " peer ");
			out_print_bool(ctx->out, "link_pointtopoint", NULL, true);
		} else {
			out_text(ctx->out, " brd ");
		}
		out_print_str(ctx->out, "broadcast", "%s", ip_lladdr_text(link->broadcast, link->broadcast_len,
									   link->arptype, text, sizeof(text)));
	}
}

/* Everything of an interface but its addresses.  Returns whether the
 * final newline is out already (the statistics end with one). */
static bool print_link_body(struct ip_ctx *ctx, const struct netlink_link *link, bool do_link)
{
	print_header(ctx, link, do_link);
	if (ctx->family == AF_UNSPEC || ctx->details)
		print_link_layer(ctx, link);
	print_link_netns(ctx, link);
	if (ctx->details)
		ip_link_print_details(ctx, link, do_link);
	if (do_link && ctx->stats && link->has_stats) {
		out_text(ctx->out, "\n");
		ip_link_print_stats(ctx, link);
		return true;
	}
	return false;
}

/* --- addresses ---------------------------------------------------------- */

static void print_ifa_flags(struct ip_ctx *ctx, const struct netlink_addr *addr)
{
	static const struct {
		unsigned mask;
		const char *name;
	} names[] = {
		{ IFA_F_SECONDARY, "secondary" }, { IFA_F_NODAD, "nodad" }, { IFA_F_OPTIMISTIC, "optimistic" },
		{ IFA_F_DADFAILED, "dadfailed" }, { IFA_F_HOMEADDRESS, "home" }, { IFA_F_DEPRECATED, "deprecated" },
		{ IFA_F_TENTATIVE, "tentative" }, { IFA_F_PERMANENT, "permanent" },
		{ IFA_F_MANAGETEMPADDR, "mngtmpaddr" }, { IFA_F_NOPREFIXROUTE, "noprefixroute" },
		{ IFA_F_MCAUTOJOIN, "autojoin" }, { IFA_F_STABLE_PRIVACY, "stable-privacy" },
	};
	unsigned flags = addr->flags;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *name = names[i].name;

		if (names[i].mask == IFA_F_PERMANENT) {
			if (!(flags & IFA_F_PERMANENT))
				out_print_bool(ctx->out, "dynamic", "dynamic ", true);
		} else if (flags & names[i].mask) {
			if (names[i].mask == IFA_F_SECONDARY && addr->family == AF_INET6)
				name = "temporary";
			out_text(ctx->out, "%s ", name);
			out_print_bool(ctx->out, name, NULL, true);
		}
		flags &= ~names[i].mask;
	}
	if (flags) {
		char hex[16];

		snprintf(hex, sizeof(hex), "%02x", flags);
		out_print_str(ctx->out, "ifa_flags", "flags %s ", hex);
	}
}

static void print_lifetime(struct ip_ctx *ctx, const char *key, uint32_t seconds)
{
	out_print_uint(ctx->out, key, NULL, seconds);
	if (seconds == UINT32_MAX)
		out_text(ctx->out, "forever");
	else
		out_text(ctx->out, "%usec", seconds);
}

static void print_addr(struct ip_ctx *ctx, const struct netlink_addr *addr)
{
	char text[ADDR_STRLEN], buf[32];

	out_open_object(ctx->out, NULL);
	if (ctx->brief) {
		out_print_str(ctx->out, "local", "%s", ip_addr_text(&addr->local, text, sizeof(text)));
		out_print_uint(ctx->out, "prefixlen", "/%llu ", addr->prefix_len);
		out_close_object(ctx->out);
		return;
	}
	out_print_str(ctx->out, "family", "    %s ", addr->family == AF_INET ? "inet" : "inet6");
	out_print_str(ctx->out, "local", "%s", ip_addr_text(&addr->local, text, sizeof(text)));
	if (addr->has_peer) {
		out_text(ctx->out, " peer ");
		out_print_str(ctx->out, "address", "%s", ip_addr_text(&addr->peer, text, sizeof(text)));
	}
	out_print_uint(ctx->out, "prefixlen", "/%llu ", addr->prefix_len);
	if (addr->has_broadcast)
		out_print_str(ctx->out, "broadcast", "brd %s ", ip_addr_text(&addr->broadcast, text, sizeof(text)));
	out_print_str(ctx->out, "scope", "scope %s ", netlink_scope_name(addr->scope, buf, sizeof(buf)));
	print_ifa_flags(ctx, addr);
	if (addr->label[0])
		out_print_str(ctx->out, "label", "%s", addr->label);
	if (addr->has_metric)
		out_print_uint(ctx->out, "metric", "metric %llu ", addr->metric);
	if (addr->has_cacheinfo) {
		out_text(ctx->out, "\n       valid_lft ");
		print_lifetime(ctx, "valid_life_time", addr->valid_lifetime_s);
		out_text(ctx->out, " preferred_lft ");
		print_lifetime(ctx, "preferred_life_time", addr->preferred_lifetime_s);
	}
	out_text(ctx->out, "\n");
	out_close_object(ctx->out);
}

/* --- filters ----------------------------------------------------------- */

struct link_filter {
	const char *dev;
	bool up;
	const char *kind;
	int master;
	bool has_scope;
	uint8_t scope;
	const char *label;
	bool has_to;
	struct sonde_prefix to;
	bool primary, secondary, dynamic, permanent;
};

static bool link_wanted(const struct link_filter *f, const struct netlink_link *link)
{
	if (f->dev && strcmp(f->dev, link->name) != 0)
		return false;
	if (f->up && !(link->flags & IFF_UP))
		return false;
	if (f->kind && strcmp(f->kind, link->kind) != 0 &&
	    !(strncmp(f->kind, link->slave_kind, strlen(link->slave_kind)) == 0 && link->slave_kind[0] &&
	      strcmp(f->kind + strlen(link->slave_kind), "_slave") == 0))
		return false;
	if (f->master && link->master_ifindex != f->master)
		return false;
	return true;
}

static bool addr_wanted(struct ip_ctx *ctx, const struct link_filter *f, const struct netlink_addr *addr)
{
	if (ctx->family != AF_UNSPEC && addr->family != ctx->family)
		return false;
	if (f->has_scope && addr->scope != f->scope)
		return false;
	if (f->label && strcmp(f->label, addr->label) != 0)
		return false;
	if (f->primary && (addr->flags & IFA_F_SECONDARY))
		return false;
	if (f->secondary && !(addr->flags & IFA_F_SECONDARY))
		return false;
	if (f->dynamic && (addr->flags & IFA_F_PERMANENT))
		return false;
	if (f->permanent && !(addr->flags & IFA_F_PERMANENT))
		return false;
	if (f->has_to) {
		struct sonde_prefix host;

		ip_host_prefix(&addr->local, &host);
		if (!ip_prefix_covers(&f->to, &host))
			return false;
	}
	return true;
}

static int parse_scope_word(struct ip_ctx *ctx, const char *word, uint8_t *scope)
{
	char buf[16];
	unsigned s;

	for (s = 0; s <= 255; s++)
		if (strcmp(word, netlink_scope_name((uint8_t)s, buf, sizeof(buf))) == 0) {
			*scope = (uint8_t)s;
			return 0;
		}
	sonde_err("%s: unknown scope '%s'", ctx->object, word);
	return SONDE_EXIT_USAGE;
}

static int parse_link_filter(struct ip_ctx *ctx, struct link_filter *f, bool is_addr, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *word = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		bool with_value = strcmp(word, "dev") == 0 || strcmp(word, "type") == 0 || strcmp(word, "master") == 0 ||
				  (is_addr && (strcmp(word, "scope") == 0 || strcmp(word, "label") == 0 ||
					       strcmp(word, "to") == 0));

		if (with_value && !value)
			return ip_need_value(ctx, word);
		if (with_value)
			i++;
		if (strcmp(word, "dev") == 0) {
			f->dev = value;
		} else if (strcmp(word, "up") == 0) {
			f->up = true;
		} else if (strcmp(word, "type") == 0) {
			f->kind = value;
		} else if (strcmp(word, "master") == 0) {
			if (!(f->master = ip_dev_index(ctx, value)))
				return SONDE_EXIT_NEGATIVE;
		} else if (is_addr && strcmp(word, "scope") == 0) {
			f->has_scope = true;
			if (parse_scope_word(ctx, value, &f->scope))
				return SONDE_EXIT_USAGE;
		} else if (is_addr && strcmp(word, "label") == 0) {
			f->label = value;
		} else if (is_addr && strcmp(word, "to") == 0) {
			f->has_to = true;
			if (ip_parse_prefix(ctx, value, &f->to) < 0)
				return SONDE_EXIT_USAGE;
		} else if (is_addr && (strcmp(word, "primary") == 0 || strcmp(word, "secondary") == 0)) {
			*(word[0] == 'p' ? &f->primary : &f->secondary) = true;
		} else if (is_addr && (strcmp(word, "dynamic") == 0 || strcmp(word, "permanent") == 0)) {
			*(word[0] == 'd' ? &f->dynamic : &f->permanent) = true;
		} else if (!f->dev && word[0] != '-') {
			f->dev = word; /* "ip link show eth0" */
		} else {
			return ip_bad_arg(ctx, word);
		}
	}
	return 0;
}

/* --- listing ----------------------------------------------------------- */

static void print_brief_link(struct ip_ctx *ctx, const struct netlink_link *link, bool do_link)
{
	char name[64], text[128];

	out_text(ctx->out, "%-16s ", link_display_name(ctx, link, name, sizeof(name)));
	out_print_str(ctx->out, "ifname", NULL, link->name);
	out_print_str(ctx->out, "operstate", "%-14s ", netlink_operstate_name(link->operstate));
	if (!do_link)
		return;
	if (link->mac_len)
		out_print_str(ctx->out, "address", "%s ",
			      ip_lladdr_text(link->mac, link->mac_len, link->arptype, text, sizeof(text)));
	print_link_flags(ctx, link->flags, master_is_down(ctx, link));
	out_text(ctx->out, "\n");
}

static void print_link_addrs(struct ip_ctx *ctx, const struct link_filter *f, const struct netlink_link *link,
			     const struct netlink_addr *addrs, size_t addr_count)
{
	size_t i;

	out_open_array(ctx->out, "addr_info");
	for (i = 0; i < addr_count; i++)
		if (addrs[i].ifindex == link->ifindex && addr_wanted(ctx, f, &addrs[i]))
			print_addr(ctx, &addrs[i]);
	out_close_array(ctx->out);
}

/* As iproute2: with an address filter, an interface shows when one of its
 * addresses matches, or when it has none at all and no family was asked. */
static bool link_has_wanted_addr(struct ip_ctx *ctx, const struct link_filter *f, const struct netlink_link *link,
				 const struct netlink_addr *addrs, size_t addr_count)
{
	bool has_any = false;
	size_t i;

	for (i = 0; i < addr_count; i++) {
		if (addrs[i].ifindex != link->ifindex)
			continue;
		has_any = true;
		if (addr_wanted(ctx, f, &addrs[i]))
			return true;
	}
	return !has_any && ctx->family == AF_UNSPEC;
}

static void print_one(struct ip_ctx *ctx, const struct link_filter *f, const struct netlink_link *link,
		      const struct netlink_addr *addrs, size_t addr_count, bool do_link)
{
	out_open_object(ctx->out, NULL);
	if (ctx->brief) {
		print_brief_link(ctx, link, do_link);
		if (!do_link) {
			print_link_addrs(ctx, f, link, addrs, addr_count);
			out_text(ctx->out, "\n");
		}
	} else {
		if (!print_link_body(ctx, link, do_link))
			out_text(ctx->out, "\n");
		if (!do_link) {
			print_link_addrs(ctx, f, link, addrs, addr_count);
			if (ctx->stats && link->has_stats)
				ip_link_print_stats(ctx, link);
		}
	}
	out_close_object(ctx->out);
}

static int show_links(struct ip_ctx *ctx, int argc, char **argv, bool do_link)
{
	struct netlink_addr *addrs = NULL;
	struct link_filter f;
	size_t addr_count = 0, i;
	bool addr_filtered;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = ip_links_load(ctx)) < 0)
		return ip_netlink_error(ctx, rc, "cannot list interfaces");
	rc = parse_link_filter(ctx, &f, !do_link, argc, argv);
	if (rc)
		return rc;
	if (f.dev && !netlink_link_by_name(ctx->links, ctx->link_count, f.dev)) {
		sonde_err("%s: device \"%s\" does not exist", ctx->object, f.dev);
		return SONDE_EXIT_NEGATIVE;
	}
	if (!do_link && (rc = netlink_dump_addrs(AF_UNSPEC, &addrs, &addr_count)) < 0)
		return ip_netlink_error(ctx, rc, "cannot list addresses");
	/* As iproute2: an address filter (or -4/-6) hides interfaces without a match. */
	addr_filtered = !do_link && (ctx->family != AF_UNSPEC || f.has_scope || f.label || f.has_to ||
				     f.primary || f.secondary || f.dynamic || f.permanent);
	out_open_array(ctx->out, NULL);
	for (i = 0; i < ctx->link_count; i++) {
		const struct netlink_link *link = &ctx->links[i];

		if (!link_wanted(&f, link))
			continue;
		if (addr_filtered && !link_has_wanted_addr(ctx, &f, link, addrs, addr_count))
			continue;
		print_one(ctx, &f, link, addrs, addr_count, do_link);
	}
	out_close_array(ctx->out);
	free(addrs);
	return SONDE_EXIT_OK;
}

static int link_or_addr_main(struct ip_ctx *ctx, int argc, char **argv, bool do_link)
{
	int rc = ip_skip_show(ctx, &argc, &argv);

	return rc ? rc : show_links(ctx, argc, argv, do_link);
}

int ip_link_main(struct ip_ctx *ctx, int argc, char **argv)
{
	return link_or_addr_main(ctx, argc, argv, true);
}

int ip_addr_main(struct ip_ctx *ctx, int argc, char **argv)
{
	return link_or_addr_main(ctx, argc, argv, false);
}
