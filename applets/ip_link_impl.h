/* sonde ip link/addr internals shared by ip_link.c and ip_link_details.c. */
#ifndef SONDE_IP_LINK_IMPL_H
#define SONDE_IP_LINK_IMPL_H

#include "ip_impl.h"

/* -d: promiscuity, MTU bounds, the kind and its data, queues and sizes. */
void ip_link_print_details(struct ip_ctx *ctx, const struct netlink_link *link, bool do_link);
/* -s (and -s -s): the RX/TX counter table; every line ends with a newline. */
void ip_link_print_stats(struct ip_ctx *ctx, const struct netlink_link *link);

#endif
