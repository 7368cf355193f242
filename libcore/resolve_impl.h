/* What resolve.c shares with resolve_async.c: the channel as the system
 * resolver configures it, the steps before a lookup, and the explanation
 * of c-ares' ECONNREFUSED. */
#ifndef SONDE_RESOLVE_IMPL_H
#define SONDE_RESOLVE_IMPL_H

#include <ares.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/resolve.h"

/* A channel configured from resolv.conf ($SONDE_RESOLV_CONF): 0 or a
 * negative c-ares status. */
int resolve_channel_open(ares_channel *channel);
/* The sockets channel waits on, as at most max pollfds (their count
 * returned), and *wait_ms lowered to its next time-out (a negative *wait_ms
 * is no limit yet). */
size_t resolve_channel_pollfds(ares_channel channel, struct pollfd *fds, size_t max, int *wait_ms);
/* What resolve_host does before asking a nameserver: a numeric address or a
 * localhost name answered at once (0, addrs filled), a name refused
 * (<0), or 1: a lookup is needed. */
int resolve_name_first(const char *name, int family, unsigned flags, uint16_t port, struct sonde_addr *addrs,
		       size_t max_addrs, size_t *count);
/* c-ares (1.18) ends a query with ECONNREFUSED both when no server listens
 * and when every server answered SERVFAIL, REFUSED or NOTIMP: asks the
 * channel's servers directly which it was, until deadline_ms (at most 2 s). */
int resolve_refusal_explain(ares_channel channel, const char *name, int family, int64_t deadline_ms);

#endif
