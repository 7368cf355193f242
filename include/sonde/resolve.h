/* Name resolution through c-ares, never glibc NSS: c-ares reads
 * /etc/resolv.conf and /etc/hosts itself, so the static binary resolves in an
 * empty container.  Numeric addresses never touch the resolver. */
#ifndef SONDE_RESOLVE_H
#define SONDE_RESOLVE_H

#include <stddef.h>

#include "sonde/addr.h"

enum resolve_flags {
	RESOLVE_NUMERIC_ONLY = 1 << 0, /* -n: a name is an error, not a lookup */
};

/* Errors are negative c-ares status codes (-ARES_ENOTFOUND, -ARES_ETIMEOUT...),
 * or -ARES_EBADNAME for a name under RESOLVE_NUMERIC_ONLY. */
#define RESOLVE_MAX_ADDRS 16

/* Addresses of name, in the resolver's order, each with port set.  family is
 * AF_INET, AF_INET6 or AF_UNSPEC.  timeout_ms bounds the whole lookup
 * (0: the resolver's own timeouts). */
int resolve_host(const char *name, int family, unsigned flags, int timeout_ms, uint16_t port,
		 struct sonde_addr *addrs, size_t max_addrs, size_t *count);
/* PTR name of addr into name; 0 or a negative c-ares status. */
int resolve_reverse(const struct sonde_addr *addr, int timeout_ms, char *name, size_t size);
/* "Domain name not found", or sonde's wording for its own codes. */
const char *resolve_strerror(int err);
/* The resolv.conf that c-ares reads: $SONDE_RESOLV_CONF (a test seam) or
 * /etc/resolv.conf. */
const char *resolve_conf_path(void);

#endif
