/* brctl show: bridge-utils' table of bridges, their ids, STP and ports,
 * read-only, from rtnetlink (the bridge id and STP state come from the
 * bridge's link details, ports from their master). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/caps.h"
#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/netlink.h"
#include "sonde/version.h"

static int compare_names(const void *a, const void *b)
{
	return strcmp((*(const struct netlink_link *const *)a)->name, (*(const struct netlink_link *const *)b)->name);
}

/* Links sorted by name, as bridge-utils lists /sys/class/net and brif/. */
static const struct netlink_link **sorted_links(const struct netlink_link *links, size_t count)
{
	const struct netlink_link **sorted = calloc(count ? count : 1, sizeof(*sorted));
	size_t i;

	if (!sorted)
		return NULL;
	for (i = 0; i < count; i++)
		sorted[i] = &links[i];
	qsort(sorted, count, sizeof(*sorted), compare_names);
	return sorted;
}

static void print_bridge(struct sonde_out *out, const struct netlink_link *br, const struct netlink_link **sorted,
			 size_t count, const char *only_bridge)
{
	const struct netlink_bridge *info = &br->info.bridge;
	char id[32];
	bool first = true;
	size_t i;

	if (only_bridge && strcmp(only_bridge, br->name) != 0)
		return;
	snprintf(id, sizeof(id), "%02x%02x.%02x%02x%02x%02x%02x%02x", info->bridge_id_priority[0],
		 info->bridge_id_priority[1], info->bridge_id_mac[0], info->bridge_id_mac[1], info->bridge_id_mac[2],
		 info->bridge_id_mac[3], info->bridge_id_mac[4], info->bridge_id_mac[5]);
	out_open_object(out, NULL);
	out_print_str(out, "name", "%s\t\t", br->name);
	out_print_str(out, "bridge_id", "%s\t", id);
	out_print_bool(out, "stp", NULL, info->stp_state != 0);
	out_text(out, "%s\t\t", info->stp_state ? "yes" : "no");
	out_open_array(out, "interfaces");
	for (i = 0; i < count; i++) {
		if (sorted[i]->master_ifindex != br->ifindex)
			continue;
		out_text(out, "%s", first ? "" : "\n\t\t\t\t\t\t\t");
		out_print_str(out, NULL, "%s", sorted[i]->name);
		first = false;
	}
	out_close_array(out);
	out_text(out, "\n");
	out_close_object(out);
}

static int brctl_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	const struct netlink_link **sorted;
	struct netlink_link *links;
	size_t count, i;
	int rc;

	if (strcmp(argv[0], "show") != 0) {
		sonde_err("'%s': refused or unknown: sonde brctl only has 'show'", argv[0]);
		return SONDE_EXIT_USAGE;
	}
	rc = netlink_dump_links(&links, &count);
	if (rc < 0)
		return caps_fail(rc, &caps_need_none, "cannot list interfaces");
	sorted = sorted_links(links, count);
	if (!sorted) {
		free(links);
		sonde_err("out of memory");
		return SONDE_EXIT_NEGATIVE;
	}
	if (argc > 1 && !netlink_link_by_name(links, count, argv[1])) {
		sonde_err("bridge %s does not exist!", argv[1]);
		rc = SONDE_EXIT_NEGATIVE;
	} else {
		out_text(ctx->out, "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
		out_open_array(ctx->out, NULL);
		for (i = 0; i < count; i++)
			if (strcmp(sorted[i]->kind, "bridge") == 0 && sorted[i]->has_info)
				print_bridge(ctx->out, sorted[i], sorted, count, argc > 1 ? argv[1] : NULL);
		out_close_array(ctx->out);
		rc = SONDE_EXIT_OK;
	}
	free(sorted);
	free(links);
	return rc;
}

static const struct sonde_imitation brctl_imitation = {
	.version_letters = "V",
	.classic_line = "bridge-utils, 1.7",
	.imitated = "brctl from bridge-utils 1.7",
};

const struct sonde_applet applet_brctl = {
	.name = "brctl",
	.summary = "show bridges, their ids, STP state and ports (bridge-utils' brctl show, read-only)",
	.usage = "show [BRIDGE]",
	.options = NULL,
	.config_size = 0,
	.min_args = 1,
	.max_args = 2,
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = brctl_main,
	.imitates = &brctl_imitation,
};
