/* netstat -r and netstat -i: net-tools' routing and interface tables, drawn
 * by the renderers the route and ifconfig applets use (libcore
 * route_classic and ifconfig_classic). */
#include <linux/if.h>
#include <stdio.h>

#include "netstat_impl.h"
#include "sonde/ifconfig_classic.h"
#include "sonde/route_classic.h"

/* netstat -r's -e count picks the columns: none MSS Window irtt, one
 * route's Metric Ref Use, two both (net-tools prints only the title from
 * three on; sonde keeps the -ee table). */
static enum route_classic_style route_style(int extend)
{
	if (extend == 0)
		return ROUTE_CLASSIC_NETSTAT;
	return extend == 1 ? ROUTE_CLASSIC_ROUTE : ROUTE_CLASSIC_WIDE;
}

int netstat_route_view(struct netstat_run *run)
{
	const struct netstat_config *cfg = run->cfg;
	struct route_classic_opts opts = { route_style(cfg->extend), cfg->numeric, NULL };
	int rc;

	out_open_object(run->printer, NULL);
	rc = route_classic_show_member(run->printer, cfg->ipv6 ? AF_INET6 : AF_INET, &opts, "routes");
	out_close_object(run->printer);
	if (out_is_json(run->printer))
		printf("\n");
	if (rc < 0)
		run->failed = "cannot read the routing table";
	return rc;
}

/* -i: the short table; -ie: ifconfig's blocks.  Down interfaces with -a. */
int netstat_iface_view(struct netstat_run *run)
{
	const struct netstat_config *cfg = run->cfg;
	struct ifconfig_snapshot snap;
	size_t i;
	int rc = ifconfig_snapshot_load(&snap);

	if (rc < 0) {
		run->failed = "cannot list interfaces";
		ifconfig_snapshot_free(&snap);
		return rc;
	}
	out_text(run->printer, "Kernel Interface table\n");
	if (!cfg->extend)
		out_text(run->printer,
			 "Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n");
	out_open_object(run->printer, NULL);
	out_open_array(run->printer, "interfaces");
	for (i = 0; i < snap.block_count; i++) {
		const struct ifconfig_block *block = &snap.blocks[i];

		if (!cfg->all && !(block->link->flags & IFF_UP))
			continue;
		if (cfg->extend)
			ifconfig_classic_block(run->printer, &snap, block);
		else
			ifconfig_classic_row(run->printer, block);
	}
	out_close_array(run->printer);
	out_close_object(run->printer);
	if (out_is_json(run->printer))
		printf("\n");
	ifconfig_snapshot_free(&snap);
	return 0;
}
