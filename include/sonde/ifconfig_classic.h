/* net-tools' interface views (`ifconfig`, `ifconfig -s`, `netstat -i`,
 * `netstat -ie`) from rtnetlink links and addresses: one block per
 * interface and per IPv4 alias label ("eth0:1"), in net-tools' name order,
 * with the counters summed as /proc/net/dev sums them. */
#ifndef SONDE_IFCONFIG_CLASSIC_H
#define SONDE_IFCONFIG_CLASSIC_H

#include <stdbool.h>
#include <stddef.h>

#include "sonde/netlink.h"
#include "sonde/out.h"

/* One block: an interface, or an alias label of its IPv4 addresses. */
struct ifconfig_block {
	const struct netlink_link *link;
	char name[NETLINK_IFNAME_LEN];
	const struct netlink_addr *inet;     /* the label's first IPv4 address, or NULL */
	bool alias;                          /* an alias has no counters of its own */
};

struct ifconfig_snapshot {
	struct netlink_link *links;
	size_t link_count;
	struct netlink_addr *addrs;
	size_t addr_count;
	struct ifconfig_block *blocks;       /* sorted by name, digits as numbers */
	size_t block_count;
};

/* Dumps links and addresses and builds the blocks.  Returns 0 or -errno;
 * free with ifconfig_snapshot_free either way. */
int ifconfig_snapshot_load(struct ifconfig_snapshot *snap);
void ifconfig_snapshot_free(struct ifconfig_snapshot *snap);

/* ifconfig's block (flags, addresses, hardware, counters, blank line). */
void ifconfig_classic_block(struct sonde_out *out, const struct ifconfig_snapshot *snap,
			    const struct ifconfig_block *block);
/* One row of the short table (ifconfig -s, netstat -i): Iface MTU RX-OK
 * RX-ERR RX-DRP RX-OVR TX-OK TX-ERR TX-DRP TX-OVR Flg.  The column line
 * differs between the two tools and stays with them. */
void ifconfig_classic_row(struct sonde_out *out, const struct ifconfig_block *block);

#endif
