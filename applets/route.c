/* route: net-tools' `route [-n] [-e] [-6]` routing table view, read-only,
 * from rtnetlink (libcore/route_classic.c renders it for netstat -r too). */
#include <stdio.h>
#include <string.h>

#include "sonde/caps.h"
#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/route_classic.h"
#include "sonde/version.h"

struct route_config {
	bool numeric;
	int extended;
	bool ipv4, ipv6;
	const char *family;
};

static const struct sonde_opt route_options[] = {
	SONDE_OPT_FLAG("n", "numeric", "numeric addresses (\"0.0.0.0\", not \"default\")", struct route_config, numeric),
	SONDE_OPT_COUNT("e", "extend", "netstat's columns (MSS Window irtt); -ee: all columns", struct route_config, extended),
	SONDE_OPT_FLAG("4", NULL, "IPv4 (the default)", struct route_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 (all tables, one row per next hop)", struct route_config, ipv6),
	SONDE_OPT_STRING("A", NULL, "FAMILY", "inet or inet6", struct route_config, family),
	SONDE_OPT_END,
};

static int route_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct route_config *cfg = config;
	struct route_classic_opts opts = { ROUTE_CLASSIC_ROUTE, cfg->numeric, NULL };
	int family = AF_INET, rc;

	if (cfg->family) {
		if (strcmp(cfg->family, "inet6") == 0) {
			family = AF_INET6;
		} else if (strcmp(cfg->family, "inet") != 0) {
			sonde_err("-A: unknown address family '%s' (inet or inet6)", cfg->family);
			return SONDE_EXIT_USAGE;
		}
	}
	if (cfg->ipv6)
		family = AF_INET6;
	if (argc > 0) {
		sonde_err("'%s': refused: sonde route only shows the table (use ip or route from net-tools "
			  "to change it)", argv[0]);
		return SONDE_EXIT_USAGE;
	}
	if (cfg->extended > 1)
		opts.style = ROUTE_CLASSIC_WIDE;
	else if (cfg->extended)
		opts.style = ROUTE_CLASSIC_NETSTAT;
	rc = route_classic_show(ctx->out, family, &opts);
	if (rc < 0)
		return caps_fail(rc, &caps_need_none, "cannot read the routing table");
	return SONDE_EXIT_OK;
}

static const struct sonde_imitation route_imitation = {
	.version_letters = "V",
	.classic_line = "net-tools 2.10",
	.imitated = "route from net-tools 2.10",
};

const struct sonde_applet applet_route = {
	.name = "route",
	.summary = "show the kernel routing table in net-tools' route layout (read-only)",
	.usage = "[-n] [-e] [-4|-6|-A inet|inet6]",
	.options = route_options,
	.config_size = sizeof(struct route_config),
	.min_args = 0,
	.max_args = -1,
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = route_main,
	.imitates = &route_imitation,
};
