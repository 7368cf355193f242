/* ip route [show]: the routing tables, streamed from the kernel's dump one
 * route at a time (100,000 routes never sit in memory), in iproute2's
 * layout: the fields it prints, in its order, with its trailing spaces. */
#include <linux/icmpv6.h>
#include <linux/in_route.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

#define USER_HZ 100 /* RTA_CACHEINFO counts in clock ticks of this rate */

static void print_route_flags(struct ip_ctx *ctx, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ RTNH_F_DEAD, "dead" }, { RTNH_F_ONLINK, "onlink" }, { RTNH_F_PERVASIVE, "pervasive" },
		{ RTNH_F_OFFLOAD, "offload" }, { RTM_F_OFFLOAD, "rt_offload" }, { RTM_F_TRAP, "rt_trap" },
		{ RTM_F_OFFLOAD_FAILED, "rt_offload_failed" }, { RTM_F_NOTIFY, "notify" },
		{ RTNH_F_LINKDOWN, "linkdown" }, { RTNH_F_UNRESOLVED, "unresolved" }, { RTNH_F_TRAP, "trap" },
	};
	size_t i;

	out_open_array(ctx->out, "flags");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			out_print_str(ctx->out, NULL, "%s ", names[i].name);
	out_close_array(ctx->out);
}

/* The "cache" line of a route get answer: IPv4 routing cache flags. */
static void print_cache_flags(struct ip_ctx *ctx, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ RTCF_LOCAL, "local" }, { RTCF_REJECT, "reject" }, { RTCF_MULTICAST, "mc" },
		{ RTCF_BROADCAST, "brd" }, { RTCF_DNAT, "dst-nat" }, { RTCF_SNAT, "src-nat" },
		{ RTCF_MASQ, "masq" }, { RTCF_DIRECTDST, "dst-direct" }, { RTCF_DIRECTSRC, "src-direct" },
		{ RTCF_REDIRECTED, "redirected" }, { RTCF_DOREDIRECT, "redirect" }, { RTCF_FAST, "fastroute" },
		{ RTCF_NOTIFY, "notify" }, { RTCF_TPROXY, "proxy" },
	};
	size_t i;

	flags &= ~0xffffu;
	out_open_array(ctx->out, "cache");
	out_text(ctx->out, "\n    cache ");
	if (flags)
		out_text(ctx->out, "<");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		flags &= ~names[i].bit;
		out_print_str(ctx->out, NULL, "%s", names[i].name);
		out_text(ctx->out, "%s", flags ? "," : "> ");
	}
	if (flags)
		out_print_uint(ctx->out, "flags", "%llx> ", flags);
	out_close_array(ctx->out);
}

static const char *const metric_names[NETLINK_RTAX_COUNT] = {
	[RTAX_MTU] = "mtu", [RTAX_WINDOW] = "window", [RTAX_RTT] = "rtt", [RTAX_RTTVAR] = "rttvar",
	[RTAX_SSTHRESH] = "ssthresh", [RTAX_CWND] = "cwnd", [RTAX_ADVMSS] = "advmss",
	[RTAX_REORDERING] = "reordering", [RTAX_HOPLIMIT] = "hoplimit", [RTAX_INITCWND] = "initcwnd",
	[RTAX_FEATURES] = "features", [RTAX_RTO_MIN] = "rto_min", [RTAX_INITRWND] = "initrwnd",
	[RTAX_QUICKACK] = "quickack", [RTAX_FASTOPEN_NO_COOKIE] = "fastopen_no_cookie",
};

static void print_metric_value(struct ip_ctx *ctx, unsigned i, uint32_t value)
{
	const char *name = metric_names[i] ? metric_names[i] : "metric";

	if (i == RTAX_FEATURES) {
		if (value & RTAX_FEATURE_ECN)
			out_text(ctx->out, "ecn ");
		if (value & ~RTAX_FEATURE_ECN)
			out_text(ctx->out, "0x%x ", value);
		out_print_uint(ctx->out, name, NULL, value);
		return;
	}
	if (i == RTAX_RTT || i == RTAX_RTTVAR || i == RTAX_RTO_MIN) {
		/* The kernel keeps rtt in 1/8 ms and rttvar in 1/4 ms. */
		value /= i == RTAX_RTT ? 8 : i == RTAX_RTTVAR ? 4 : 1;
		out_print_uint(ctx->out, name, NULL, value);
		if (value >= 1000)
			out_text(ctx->out, "%gs ", value / 1e3);
		else
			out_text(ctx->out, "%ums ", value);
		return;
	}
	out_print_uint(ctx->out, name, "%llu ", value);
}

static void print_metrics(struct ip_ctx *ctx, const struct netlink_route *route)
{
	uint32_t locked = (route->metrics_present & (1u << RTAX_LOCK)) ? route->metrics[RTAX_LOCK] : 0;
	unsigned i;

	out_open_array(ctx->out, "metrics");
	out_open_object(ctx->out, NULL);
	for (i = 2; i < NETLINK_RTAX_COUNT; i++) {
		bool present = route->metrics_present & (1u << i);
		uint32_t value = present ? route->metrics[i] : 0;

		if (!present && !(locked & (1u << i)))
			continue;
		if (i == RTAX_HOPLIMIT && (int32_t)value == -1)
			continue;
		if (metric_names[i])
			out_text(ctx->out, "%s ", metric_names[i]);
		else
			out_text(ctx->out, "metric %u ", i);
		if (locked & (1u << i))
			out_text(ctx->out, "lock ");
		print_metric_value(ctx, i, value);
	}
	out_close_object(ctx->out);
	out_close_array(ctx->out);
}

static void print_cacheinfo(struct ip_ctx *ctx, const struct netlink_route *route)
{
	if (!route->has_cacheinfo)
		return;
	if (route->cache_expires_ticks != 0)
		out_print_int(ctx->out, "expires", "expires %lldsec ", route->cache_expires_ticks / USER_HZ);
	if (route->cache_error != 0)
		out_print_uint(ctx->out, "error", "error %llu ", route->cache_error);
	if (ctx->stats) {
		if (route->cache_users)
			out_print_uint(ctx->out, "users", "users %llu ", route->cache_users);
		if (route->cache_used)
			out_print_uint(ctx->out, "used", "used %llu ", route->cache_used);
		if (route->cache_lastuse_ticks)
			out_print_uint(ctx->out, "age", "age %llusec ", route->cache_lastuse_ticks / USER_HZ);
	}
}

static void print_nexthops(struct ip_ctx *ctx, const struct netlink_route *route)
{
	char text[ADDR_STRLEN], name[32];
	size_t i;

	out_open_array(ctx->out, "nexthops");
	for (i = 0; i < route->nexthop_count; i++) {
		const struct netlink_nexthop *hop = &route->nexthops[i];

		out_open_object(ctx->out, NULL);
		out_text(ctx->out, "\n\tnexthop ");
		if (hop->has_gateway)
			out_print_str(ctx->out, "gateway", "via %s ", ip_addr_text(&hop->gateway, text, sizeof(text)));
		out_text(ctx->out, "dev ");
		out_print_str(ctx->out, "dev", "%s ", ip_ifname(ctx, hop->ifindex, name, sizeof(name)));
		out_print_int(ctx->out, "weight", "weight %lld ", hop->weight);
		print_route_flags(ctx, hop->flags);
		out_close_object(ctx->out);
	}
	out_close_array(ctx->out);
}

static const char *pref_name(uint8_t pref, char *buf, size_t size)
{
	switch (pref) {
	case ICMPV6_ROUTER_PREF_LOW: return "low";
	case ICMPV6_ROUTER_PREF_MEDIUM: return "medium";
	case ICMPV6_ROUTER_PREF_HIGH: return "high";
	}
	snprintf(buf, size, "%u", pref);
	return buf;
}

static void print_destination(struct ip_ctx *ctx, const struct netlink_route *route)
{
	char text[64];

	if (route->has_dst)
		ip_prefix_text(&route->dst, text, sizeof(text));
	else if (route->dst.len)
		snprintf(text, sizeof(text), "0/%u ", route->dst.len);
	else
		snprintf(text, sizeof(text), "default");
	out_print_str(ctx->out, "dst", "%s ", text);
	if (route->src_attr) {
		out_print_str(ctx->out, "from", "from %s ", ip_prefix_text(&route->src, text, sizeof(text)));
	} else if (route->src.len) {
		snprintf(text, sizeof(text), "0/%u", route->src.len);
		out_print_str(ctx->out, "src", "from %s ", text);
	}
}

/* The first (single) hop's gateway and device, for routes without RTA_MULTIPATH. */
static void print_single_hop(struct ip_ctx *ctx, const struct netlink_route *route, const struct ip_route_view *view)
{
	const struct netlink_nexthop *hop = &route->nexthops[0];
	char text[ADDR_STRLEN], name[32];

	if (route->multipath || route->nexthop_count == 0)
		return;
	if (hop->has_gateway && !view->via_filtered)
		out_print_str(ctx->out, "gateway", "via %s ", ip_addr_text(&hop->gateway, text, sizeof(text)));
	if (hop->ifindex && !view->dev_filtered) {
		out_text(ctx->out, "dev ");
		out_print_str(ctx->out, "dev", "%s ", ip_ifname(ctx, hop->ifindex, name, sizeof(name)));
	}
}

void ip_route_print_fields(struct ip_ctx *ctx, const struct netlink_route *route,
			   const struct ip_route_view *view)
{
	char buf[64], text[ADDR_STRLEN];
	bool cloned = route->flags & RTM_F_CLONED;

	if (route->type != RTN_UNICAST || ctx->details)
		out_print_str(ctx->out, "type", "%s ", netlink_route_type_name(route->type, buf, sizeof(buf)));
	print_destination(ctx, route);
	if (route->nhid)
		out_print_uint(ctx->out, "nhid", "nhid %llu ", route->nhid);
	if (route->tos)
		out_print_str(ctx->out, "tos", "tos %s ", (snprintf(buf, sizeof(buf), "0x%02x", route->tos), buf));
	print_single_hop(ctx, route, view);
	if (route->table && (route->table != RT_TABLE_MAIN || ctx->details) && !view->table_filtered)
		out_print_str(ctx->out, "table", "table %s ", netlink_table_name(route->table, buf, sizeof(buf)));
	if (!cloned) {
		if ((route->protocol != RTPROT_BOOT || ctx->details) && !view->proto_filtered)
			out_print_str(ctx->out, "protocol", "proto %s ",
				      netlink_protocol_name(route->protocol, buf, sizeof(buf)));
		if ((route->scope != RT_SCOPE_UNIVERSE || ctx->details) && !view->scope_filtered)
			out_print_str(ctx->out, "scope", "scope %s ", netlink_scope_name(route->scope, buf, sizeof(buf)));
	}
	if (route->has_prefsrc && !view->prefsrc_filtered)
		out_print_str(ctx->out, "prefsrc", "src %s ", ip_addr_text(&route->prefsrc, text, sizeof(text)));
	if (route->has_metric)
		out_print_uint(ctx->out, "metric", "metric %llu ", route->metric);
	print_route_flags(ctx, route->flags);
	if (route->has_mark && route->mark) {
		out_print_uint(ctx->out, "mark", NULL, route->mark);
		out_text(ctx->out, route->mark >= 16 ? "mark 0x%x " : "mark %u ", route->mark);
	}
	if (route->has_uid)
		out_print_uint(ctx->out, "uid", "uid %llu ", route->uid);
	if (cloned)
		print_cache_flags(ctx, route->flags);
	print_cacheinfo(ctx, route);
	if (route->metrics_present & ~(1u << RTAX_LOCK))
		print_metrics(ctx, route);
	if (route->has_iif) {
		out_text(ctx->out, "iif ");
		out_print_str(ctx->out, "iif", "%s ", ip_ifname(ctx, route->iif, buf, sizeof(buf)));
	}
	if (route->has_pref)
		out_print_str(ctx->out, "pref", "pref %s", pref_name(route->pref, buf, sizeof(buf)));
	if (route->multipath)
		print_nexthops(ctx, route);
}

void ip_route_print(struct ip_ctx *ctx, const struct netlink_route *route, const struct ip_route_view *view)
{
	out_open_object(ctx->out, NULL);
	ip_route_print_fields(ctx, route, view);
	out_text(ctx->out, "\n");
	out_close_object(ctx->out);
}

/* --- show -------------------------------------------------------------- */

enum prefix_match { MATCH_NONE, MATCH_ROOT, MATCH_MATCH, MATCH_EXACT };

struct route_filter {
	int family;
	bool all_tables;
	uint32_t table;
	bool has_type, has_proto, has_scope;
	uint8_t type, proto, scope;
	int oif;
	bool has_via, has_prefsrc;
	struct sonde_addr via, prefsrc;
	enum prefix_match dst_match;
	struct sonde_prefix dst;
	struct ip_route_view view;
	struct ip_ctx *ctx;
};

/* As iproute2, dev and via look at the route's own RTA_OIF and
 * RTA_GATEWAY: a multipath route has neither and matches neither. */
static bool hop_uses(const struct netlink_route *route, int oif, const struct sonde_addr *via)
{
	const struct netlink_nexthop *hop = &route->nexthops[0];

	if (route->multipath || route->nexthop_count == 0)
		return false;
	if (oif && hop->ifindex != oif)
		return false;
	return !via || (hop->has_gateway && addr_equal(&hop->gateway, via));
}

static bool dst_matches(const struct route_filter *f, const struct netlink_route *route)
{
	switch (f->dst_match) {
	case MATCH_NONE: return true;
	case MATCH_ROOT: return ip_prefix_covers(&f->dst, &route->dst);
	case MATCH_MATCH: return ip_prefix_covers(&route->dst, &f->dst);
	case MATCH_EXACT: return f->dst.len == route->dst.len && ip_prefix_covers(&f->dst, &route->dst);
	}
	return true;
}

static bool route_wanted(const struct route_filter *f, const struct netlink_route *route)
{
	if (!f->all_tables && route->table != f->table)
		return false;
	if (f->has_type && route->type != f->type)
		return false;
	if (f->has_proto && route->protocol != f->proto)
		return false;
	if (f->has_scope && route->scope != f->scope)
		return false;
	if ((f->oif || f->has_via) && !hop_uses(route, f->oif, f->has_via ? &f->via : NULL))
		return false;
	if (f->has_prefsrc && !(route->has_prefsrc && addr_equal(&route->prefsrc, &f->prefsrc)))
		return false;
	return dst_matches(f, route);
}

static int route_show_one(const struct netlink_route *route, void *arg)
{
	struct route_filter *f = arg;

	if (route_wanted(f, route))
		ip_route_print(f->ctx, route, &f->view);
	return 0;
}

static int parse_table(struct ip_ctx *ctx, struct route_filter *f, const char *word)
{
	if (strcmp(word, "all") == 0) {
		f->all_tables = true;
		return 0;
	}
	if (netlink_table_parse(word, &f->table) < 0) {
		sonde_err("%s: unknown table '%s'", ctx->object, word);
		return SONDE_EXIT_USAGE;
	}
	f->view.table_filtered = true;
	return 0;
}

static int parse_route_type(struct ip_ctx *ctx, const char *word, uint8_t *type)
{
	char buf[16];
	unsigned t;

	for (t = 0; t <= RTN_XRESOLVE; t++)
		if (strcmp(word, netlink_route_type_name((uint8_t)t, buf, sizeof(buf))) == 0) {
			*type = (uint8_t)t;
			return 0;
		}
	sonde_err("%s: unknown route type '%s'", ctx->object, word);
	return SONDE_EXIT_USAGE;
}

static int parse_scope(struct ip_ctx *ctx, const char *word, uint8_t *scope)
{
	static const struct {
		const char *name;
		uint8_t scope;
	} names[] = { { "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
		      { "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK }, { "host", RT_SCOPE_HOST },
		      { "nowhere", RT_SCOPE_NOWHERE } };
	size_t i;
	char *end;
	unsigned long n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(word, names[i].name) == 0) {
			*scope = names[i].scope;
			return 0;
		}
	n = strtoul(word, &end, 0);
	if (end != word && *end == '\0' && n <= 255) {
		*scope = (uint8_t)n;
		return 0;
	}
	sonde_err("%s: unknown scope '%s'", ctx->object, word);
	return SONDE_EXIT_USAGE;
}

static int parse_addr_value(struct ip_ctx *ctx, const char *word, struct sonde_addr *addr)
{
	int rc = ip_parse_addr(ctx, "", word, addr);

	if (rc)
		return rc;
	if (ctx->family == AF_UNSPEC)
		ctx->family = addr_family(addr);
	return 0;
}

/* One "keyword value" pair or a prefix; *i is moved past what was used. */
static int parse_route_word(struct ip_ctx *ctx, struct route_filter *f, int argc, char **argv, int *i)
{
	const char *word = argv[*i], *value = *i + 1 < argc ? argv[*i + 1] : NULL;
	static const char *const takes_value[] = { "table", "type", "proto", "protocol", "scope", "dev", "oif",
						   "via", "src", "root", "match", "exact", "to" };
	size_t k;
	int rc = 0;

	for (k = 0; k < sizeof(takes_value) / sizeof(takes_value[0]); k++)
		if (strcmp(word, takes_value[k]) == 0) {
			if (!value)
				return ip_need_value(ctx, word);
			(*i)++;
			break;
		}
	if (strcmp(word, "table") == 0) {
		rc = parse_table(ctx, f, value);
	} else if (strcmp(word, "type") == 0) {
		f->has_type = true;
		rc = parse_route_type(ctx, value, &f->type);
	} else if (strcmp(word, "proto") == 0 || strcmp(word, "protocol") == 0) {
		f->has_proto = f->view.proto_filtered = true;
		if (netlink_protocol_parse(value, &f->proto) < 0) {
			sonde_err("%s: unknown protocol '%s'", ctx->object, value);
			rc = SONDE_EXIT_USAGE;
		}
	} else if (strcmp(word, "scope") == 0) {
		f->has_scope = f->view.scope_filtered = true;
		rc = parse_scope(ctx, value, &f->scope);
	} else if (strcmp(word, "dev") == 0 || strcmp(word, "oif") == 0) {
		f->oif = ip_dev_index(ctx, value);
		f->view.dev_filtered = true;
		rc = f->oif ? 0 : SONDE_EXIT_NEGATIVE;
	} else if (strcmp(word, "via") == 0) {
		f->has_via = f->view.via_filtered = true;
		rc = parse_addr_value(ctx, value, &f->via);
	} else if (strcmp(word, "src") == 0) {
		f->has_prefsrc = f->view.prefsrc_filtered = true;
		rc = parse_addr_value(ctx, value, &f->prefsrc);
	} else if (strcmp(word, "root") == 0 || strcmp(word, "match") == 0 || strcmp(word, "exact") == 0) {
		f->dst_match = word[0] == 'r' ? MATCH_ROOT : word[0] == 'm' ? MATCH_MATCH : MATCH_EXACT;
		rc = ip_parse_prefix(ctx, value, &f->dst) < 0 ? SONDE_EXIT_USAGE : 0;
	} else if (strcmp(word, "to") == 0) {
		if (strcmp(value, "root") == 0 || strcmp(value, "match") == 0 || strcmp(value, "exact") == 0)
			return parse_route_word(ctx, f, argc, argv, i); /* "to root PREFIX" */
		f->dst_match = MATCH_EXACT;
		rc = ip_parse_prefix(ctx, value, &f->dst) < 0 ? SONDE_EXIT_USAGE : 0;
	} else if (strchr("0123456789abcdefABCDEF:", word[0]) || strcmp(word, "default") == 0 ||
		   strcmp(word, "all") == 0) {
		/* A bare prefix, as iproute2, means exactly that prefix. */
		f->dst_match = MATCH_EXACT;
		rc = ip_parse_prefix(ctx, word, &f->dst) < 0 ? SONDE_EXIT_USAGE : 0;
	} else {
		rc = ip_bad_arg(ctx, word);
	}
	if (rc == 0 && f->dst_match != MATCH_NONE && ctx->family == AF_UNSPEC)
		ctx->family = f->dst.family;
	return rc;
}

static int route_show(struct ip_ctx *ctx, int argc, char **argv)
{
	struct route_filter f;
	int i, rc;

	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.table = RT_TABLE_MAIN;
	for (i = 0; i < argc; i++) {
		rc = parse_route_word(ctx, &f, argc, argv, &i);
		if (rc)
			return rc;
	}
	/* As iproute2: without -6 (or an IPv6 filter) a main-table listing is
	 * IPv4 only; "table all" shows both families. */
	f.view.table_filtered = !f.all_tables;
	f.family = ctx->family;
	if (f.family == AF_UNSPEC && !f.all_tables)
		f.family = AF_INET;
	if (f.dst_match != MATCH_NONE && f.dst.family != f.family && f.family != AF_UNSPEC)
		f.dst.family = f.family;
	if ((rc = ip_links_load(ctx)) < 0)
		return ip_netlink_error(ctx, rc, "cannot list interfaces");
	out_open_array(ctx->out, NULL);
	rc = netlink_walk_routes(f.family, route_show_one, &f);
	out_close_array(ctx->out);
	if (rc < 0)
		return ip_netlink_error(ctx, rc, "cannot dump routes");
	return SONDE_EXIT_OK;
}

int ip_route_main(struct ip_ctx *ctx, int argc, char **argv)
{
	int rc;

	if (argc == 0)
		return route_show(ctx, 0, argv);
	if (ip_is_show(argv[0]))
		return route_show(ctx, argc - 1, argv + 1);
	if (strcmp(argv[0], "get") == 0)
		return ip_route_get_main(ctx, argc - 1, argv + 1);
	if ((rc = ip_refuse_write(ctx, argv[0])) != 0)
		return rc;
	return route_show(ctx, argc, argv);
}
