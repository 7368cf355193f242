/* ifconfig: net-tools' interface view, read-only, from rtnetlink: one block
 * per interface (and per IPv4 alias label, as "eth0:1"), sorted by name the
 * way net-tools sorts them, with its counters as /proc/net/dev sums them
 * (libcore/ifconfig_classic.c renders them, for netstat -i too). */
#include <linux/if.h>
#include <stdio.h>
#include <string.h>

#include "sonde/caps.h"
#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/ifconfig_classic.h"
#include "sonde/version.h"

struct ifconfig_config {
	bool all;
	bool short_list;
};

static const struct sonde_opt ifconfig_options[] = {
	SONDE_OPT_FLAG("a", NULL, "all interfaces, also those that are down", struct ifconfig_config, all),
	SONDE_OPT_FLAG("s", NULL, "a short table, as netstat -i", struct ifconfig_config, short_list),
	SONDE_OPT_END,
};

static bool named_block(const struct ifconfig_snapshot *snap, const char *name)
{
	size_t i;

	for (i = 0; i < snap->block_count; i++)
		if (strcmp(snap->blocks[i].name, name) == 0)
			return true;
	return false;
}

static int ifconfig_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct ifconfig_config *cfg = config;
	struct ifconfig_snapshot snap;
	size_t i;
	int rc;

	rc = ifconfig_snapshot_load(&snap);
	if (rc < 0) {
		rc = caps_fail(rc, &caps_need_none, "cannot list interfaces");
		goto done;
	}
	if (argc > 1) {
		sonde_err("'%s': refused: sonde ifconfig only shows interfaces (use ip to change them)", argv[1]);
		rc = SONDE_EXIT_USAGE;
		goto done;
	}
	if (cfg->short_list)
		out_text(ctx->out, "Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n");
	/* A missing interface is found before the JSON array opens: --json then
	 * prints the error document alone (docs/json.md). */
	if (argc == 1 && !named_block(&snap, argv[0])) {
		sonde_err("%s: error fetching interface information: Device not found", argv[0]);
		rc = SONDE_EXIT_NEGATIVE;
		goto done;
	}
	out_open_array(ctx->out, NULL);
	for (i = 0; i < snap.block_count; i++) {
		const struct ifconfig_block *b = &snap.blocks[i];

		if (argc == 1 ? strcmp(b->name, argv[0]) != 0 : !cfg->all && !(b->link->flags & IFF_UP))
			continue;
		if (cfg->short_list)
			ifconfig_classic_row(ctx->out, b);
		else
			ifconfig_classic_block(ctx->out, &snap, b);
	}
	out_close_array(ctx->out);
	rc = SONDE_EXIT_OK;
done:
	ifconfig_snapshot_free(&snap);
	return rc;
}

static const struct sonde_imitation ifconfig_imitation = {
	.version_letters = "V",
	.classic_line = "net-tools 2.10",
	.imitated = "ifconfig from net-tools 2.10",
};

const struct sonde_applet applet_ifconfig = {
	.name = "ifconfig",
	.summary = "show network interfaces in net-tools' ifconfig layout (read-only)",
	.usage = "[-a] [-s] [IFACE]",
	.options = ifconfig_options,
	.config_size = sizeof(struct ifconfig_config),
	.min_args = 0,
	.max_args = -1,
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = ifconfig_main,
	.imitates = &ifconfig_imitation,
};
