/* IPVS (the kernel's layer-4 load balancer, kube-proxy's ipvs mode) over
 * generic netlink, family "IPVS": virtual services and their real servers
 * as plain structs, and ipvsadm's listing of them.
 *
 * Functions return 0 or -errno; -ENOENT when the kernel has no IPVS (the
 * generic netlink family does not exist), -EPERM without CAP_NET_ADMIN.
 *
 * Seam for tests: with SONDE_IPVS_REPLAY=FILE, ipvs_read() parses FILE
 * instead of asking the kernel: the generic netlink messages the kernel
 * would send (GET_INFO's reply, then each service followed by its
 * destinations), back to back. */
#ifndef SONDE_IPVS_H
#define SONDE_IPVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

struct ipvs_dest {
	int family;              /* AF_INET / AF_INET6 */
	uint8_t addr[16];        /* network order */
	uint16_t port;           /* host order */
	uint32_t fwd_method;     /* IP_VS_CONN_F_MASQ... */
	int32_t weight;
	uint32_t u_threshold, l_threshold;
	uint32_t active_conns, inact_conns, persist_conns;
	struct ipvs_stats stats;
};

struct ipvs_service {
	int family;
	uint16_t protocol;       /* IPPROTO_TCP, _UDP, _SCTP; 0 with a fwmark */
	uint8_t addr[16];
	uint16_t port;           /* host order */
	uint32_t fwmark;
	char sched[16];
	char pe_name[32];
	uint32_t flags;          /* IP_VS_SVC_F_PERSISTENT... */
	uint32_t timeout_s, netmask;
	struct ipvs_stats stats;
	struct ipvs_dest *dests;
	size_t dest_count;
};

struct ipvs_table {
	uint32_t version;        /* 0x010201 for 1.2.1 */
	uint32_t conn_tab_size;
	struct ipvs_service *services;
	size_t service_count;
};

int ipvs_read(struct ipvs_table *t);
/* One generic netlink message (nlmsghdr included) into t: GET_INFO's reply,
 * a service (appended) or a destination (added to the last service). */
int ipvs_parse_msg(const void *msg, size_t len, struct ipvs_table *t);
/* Sorts services and destinations as ipvsadm does. */
void ipvs_sort(struct ipvs_table *t);
void ipvs_free(struct ipvs_table *t);

enum ipvs_format {
	IPVS_FMT_NUMERIC = 1 << 0,
	IPVS_FMT_STATS = 1 << 1,
	IPVS_FMT_RATE = 1 << 2,
	IPVS_FMT_EXACT = 1 << 3,
};

/* ipvsadm -L's layout: the version line (unless only is set), the title,
 * and each service (or only the one matching *only). */
void ipvs_print(FILE *fp, const struct ipvs_table *t, unsigned format, const struct ipvs_service *only);
/* Does service s match protocol/address/port? */
bool ipvs_service_matches(const struct ipvs_service *s, uint16_t protocol, int family, const uint8_t *addr,
			  uint16_t port);

#endif
