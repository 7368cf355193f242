/* ip: iproute2's read-only subset (route, rule, addr, link, neigh and route
 * get) with the same text and JSON, from rtnetlink.  Global options come
 * first, then the object and its own words, as with iproute2; commands that
 * would change the system are refused.  This file holds the options, the
 * object table and main; each object is a piece (ip_route.c, ip_rule.c,
 * ip_link.c, ip_neigh.c) over ip_out.c and ip_common.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/version.h"

static const struct sonde_opt ip_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 only", struct ip_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 only", struct ip_config, ipv6),
	SONDE_OPT_COUNT("d", "details", "more details (link kinds, route types and protocols)",
			struct ip_config, details),
	SONDE_OPT_COUNT("s", "stats", "statistics (twice for error counters)", struct ip_config, stats),
	SONDE_OPT_FLAG("j", NULL, "JSON output with iproute2's keys (same as --json)", struct ip_config, json),
	SONDE_OPT_FLAG("p", "pretty", "with -j: indented JSON", struct ip_config, pretty),
	SONDE_OPT_FLAG("br", "brief", "one line per interface (addr, link)", struct ip_config, brief),
	SONDE_OPT_FLAG(NULL, "explain", "route get: the rules, tables and choices behind the answer",
		       struct ip_config, explain),
	SONDE_OPT_END,
};

static const char ip_help_extra[] =
	"Objects and commands (read-only):\n"
	"  route [show] [table all|main|local|N|NAME] [type T] [proto P] [scope S] [dev D]\n"
	"        [via ADDR] [src ADDR] [root|match|exact] PREFIX|default\n"
	"  route get ADDR [from ADDR] [iif DEV] [oif DEV] [mark N] [uid N] [fibmatch] [--explain]\n"
	"  rule [show] [pref N] [table T] [from PREFIX] [to PREFIX] [iif DEV] [oif DEV]\n"
	"  addr [show] [dev] [DEV] [up] [scope S] [label L] [to PREFIX] [primary|secondary]\n"
	"  link [show] [dev] [DEV] [up] [type KIND] [master DEV]\n"
	"  neigh [show] [dev DEV] [to PREFIX] [nud STATE|all] [router]\n"
	"Objects may be shortened as with iproute2: r, ro, ru, a, addr, l, n.\n"
	"add, del, change, replace, flush, set... are refused: these applets only show.";

/* --- objects ----------------------------------------------------------- */

struct ip_object {
	const char *names[6];        /* full name first, then accepted short forms */
	int (*main)(struct ip_ctx *ctx, int argc, char **argv);
};

static const struct ip_object ip_objects[] = {
	{ { "route", "r", "ro", "rou", "rout", NULL }, ip_route_main },
	{ { "rule", "ru", "rul", NULL }, ip_rule_main },
	{ { "addr", "a", "ad", "address", NULL }, ip_addr_main },
	{ { "link", "l", "li", "lin", NULL }, ip_link_main },
	{ { "neigh", "n", "ne", "neighbor", "neighbour", NULL }, ip_neigh_main },
};

static const struct ip_object *object_find(const char *word)
{
	size_t i, j;

	for (i = 0; i < sizeof(ip_objects) / sizeof(ip_objects[0]); i++)
		for (j = 0; ip_objects[i].names[j]; j++)
			if (strcmp(word, ip_objects[i].names[j]) == 0)
				return &ip_objects[i];
	return NULL;
}

static int ip_main(struct sonde_ctx *sctx, void *config, int argc, char **argv)
{
	struct ip_config *cfg = config;
	const struct ip_object *object;
	struct ip_ctx ctx;
	int rc;

	if (cfg->ipv4 && cfg->ipv6) {
		sonde_err("-4 and -6 exclude each other");
		return SONDE_EXIT_USAGE;
	}
	object = object_find(argv[0]);
	if (!object) {
		sonde_err("unknown object '%s' (route, rule, addr, link or neigh; see --help)", argv[0]);
		return SONDE_EXIT_USAGE;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = sctx->out;
	if (cfg->json && !sctx->json)
		out_init(ctx.out, stdout, true);
	ctx.json = out_is_json(ctx.out);
	if (ctx.json && cfg->pretty)
		out_set_pretty(ctx.out, true);
	ctx.family = cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC;
	ctx.details = cfg->details;
	ctx.stats = cfg->stats;
	ctx.brief = cfg->brief;
	ctx.explain = cfg->explain;
	ctx.object = object->names[0];
	rc = object->main(&ctx, argc - 1, argv + 1);
	free(ctx.links);
	return rc;
}

static const struct sonde_imitation ip_imitation = {
	.version_letters = "V",
	.classic_line = "ip utility, iproute2-6.1.0",
	.imitated = "ip from iproute2 6.1.0",
};

const struct sonde_applet applet_ip = {
	.name = "ip",
	.summary = "show routes, rules, addresses, links and neighbours (iproute2's output, read-only)",
	.usage = "[-4|-6] [-d] [-s] [-j [-p]] [-br] OBJECT [show] [FILTERS]\n"
		 "[-4|-6] [-j [-p]] route get ADDR [from ADDR] [iif DEV] [oif DEV] [mark N] [--explain]",
	.help_extra = ip_help_extra,
	.options = ip_options,
	.config_size = sizeof(struct ip_config),
	.min_args = 1,
	.max_args = -1,
	.flags = APPLET_ARGS_IN_ORDER,
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = ip_main,
	.imitates = &ip_imitation,
};
