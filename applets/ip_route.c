/* ip route [show]: the routing tables, streamed from the kernel's dump one
 * route at a time (100,000 routes never sit in memory), filtered as
 * iproute2 filters them; ip_out.c prints each in iproute2's layout. */
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

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
