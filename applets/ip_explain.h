/* ip route get --explain (ip_route_explain.c). */
#ifndef SONDE_IP_EXPLAIN_H
#define SONDE_IP_EXPLAIN_H

#include "ip_impl.h"

/* Prints the kernel's answer (NULL when the lookup failed with
 * lookup_error) and the reasoning: rules consulted, the table and route
 * chosen and why, the source address and the next hop's neighbour entry.
 * Returns the exit code. */
int ip_route_explain(struct ip_ctx *ctx, const struct netlink_route_query *query,
		     const struct netlink_route *answer, int lookup_error);

#endif
