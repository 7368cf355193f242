/* Name resolution through c-ares, never glibc NSS: c-ares reads
 * /etc/resolv.conf and /etc/hosts itself, so the static binary resolves in an
 * empty container.  Numeric addresses never touch the resolver. */
#ifndef SONDE_RESOLVE_H
#define SONDE_RESOLVE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"

enum resolve_flags {
	RESOLVE_NUMERIC_ONLY = 1 << 0, /* -n: a name is an error, not a lookup */
};

/* Errors are negative c-ares status codes (-ARES_ENOTFOUND, -ARES_ETIMEOUT...)
 * or negative codes of sonde's own, above c-ares' range. */
enum resolve_error {
	RESOLVE_ENUMERIC_ONLY = 1000, /* a name under RESOLVE_NUMERIC_ONLY */
	RESOLVE_ENAME_TOO_LONG,       /* over 253 characters */
	RESOLVE_ELABEL_TOO_LONG,      /* a label over 63 characters */
	RESOLVE_EEMPTY_LABEL,         /* "a..b", ".a", "..." */
	RESOLVE_EZONE_UNKNOWN,        /* "fe80::1%nope": no such interface */
	RESOLVE_EZONE_NEEDED,         /* a link-local address without %zone */
};
#define RESOLVE_MAX_ADDRS 16

/* Addresses of name, in the resolver's order, each with port set.  family is
 * AF_INET, AF_INET6 or AF_UNSPEC.  timeout_ms bounds the whole lookup
 * (0: the resolver's own timeouts).
 * - A numeric address is read by addr_parse_ip() and never sent to a
 *   nameserver; a link-local one needs its %zone.
 * - "localhost" and names under ".localhost" are loopback (RFC 6761): the
 *   hosts file's answer when it has one, else 127.0.0.1 and ::1; never
 *   asked of a nameserver.
 * - When every nameserver failed, the error says what they answered
 *   (-ARES_EREFUSED, -ARES_ESERVFAIL, -ARES_ENOTIMP) or that none listens
 *   (-ARES_ECONNREFUSED): c-ares says ECONNREFUSED for all of these, so the
 *   servers are asked once more, directly, to find out which. */
int resolve_host(const char *name, int family, unsigned flags, int timeout_ms, uint16_t port,
		 struct sonde_addr *addrs, size_t max_addrs, size_t *count);
/* The same lookups driven by the caller's poll loop (libcore/resolve_async.c),
 * for an applet that waits on many things at once.  resolve_async_start
 * begins the lookup of name's addresses as resolve_host makes it (qtype 0),
 * or a query of type qtype (DNS_TYPE_*) through resolv.conf's search list
 * and ndots as the libc's res_search makes it.  It returns 0 (or
 * -ARES_ENOMEM); a numeric address or a bad name is done at once.  Each
 * turn of the loop: resolve_async_pollfds fills fds (returns how many) and
 * lowers *wait_ms (-1: none yet) to c-ares' next timer; after poll(),
 * resolve_async_process with the same fds.  Once resolve_async_done,
 * resolve_async_result returns 0 with the addresses (qtype 0) or the count
 * of records of qtype in the answer, or a negative c-ares status
 * (-ARES_ENOTFOUND for NXDOMAIN, -ARES_ENODATA for a name without such
 * records, -ARES_ESERVFAIL...).  resolve_async_free cancels what is
 * pending. */
struct resolve_async;
int resolve_async_start(const char *name, int family, uint16_t qtype, uint16_t port, struct resolve_async **out);
size_t resolve_async_pollfds(struct resolve_async *ra, struct pollfd *fds, size_t max, int *wait_ms);
void resolve_async_process(struct resolve_async *ra, const struct pollfd *fds, size_t count);
bool resolve_async_done(const struct resolve_async *ra);
int resolve_async_result(const struct resolve_async *ra, struct sonde_addr *addrs, size_t max_addrs,
			 size_t *count);
void resolve_async_free(struct resolve_async *ra);

/* PTR name of addr into name; 0 or a negative c-ares status. */
int resolve_reverse(const struct sonde_addr *addr, int timeout_ms, char *name, size_t size);
/* The one wording of every lookup error, c-ares' and sonde's own, for every
 * applet: "name not found", "nameserver answered REFUSED"...  Names the
 * interfaces with a link-local address for RESOLVE_EZONE_NEEDED. */
const char *resolve_strerror(int err);
/* The resolv.conf that c-ares reads: $SONDE_RESOLV_CONF (a test seam) or
 * /etc/resolv.conf. */
const char *resolve_conf_path(void);

/* A live query to one nameserver, bypassing resolv.conf's server list: does
 * that server answer at all, how fast, and with what rcode.  Any reply,
 * REFUSED and SERVFAIL included, proves the server is reachable. */
#define RESOLVE_MAX_PROBES 16

/* Query types for probes (the DNS numbers). */
enum resolve_qtype {
	RESOLVE_QTYPE_A = 1,
	RESOLVE_QTYPE_NS = 2,
	RESOLVE_QTYPE_SOA = 6,
	RESOLVE_QTYPE_AAAA = 28,
};

struct resolve_probe {
	struct sonde_addr server;   /* in: the nameserver with its port (53) */
	int status;                 /* 0: a reply came; else a negative c-ares status
				     * (-ARES_ETIMEOUT, -ARES_ECONNREFUSED...) */
	int rcode;                  /* the reply's RCODE (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN,
				     * 5 REFUSED), -1 without a reply */
	unsigned answer_count;      /* ANCOUNT */
	bool authoritative, truncated, recursion_available;
	double rtt_ms;              /* query sent to reply, or to giving up */
};

/* Sends the query (qname, qtype: RESOLVE_QTYPE_SOA...; "." is the root) to
 * every probe's server at once, one try each (UDP, TCP when the reply is
 * truncated), and waits up to timeout_ms.  Results are in probes[].
 * Returns 0, or a negative c-ares status when the query cannot be built
 * (-ARES_EBADNAME) or count exceeds RESOLVE_MAX_PROBES (-ARES_EBADQUERY). */
int resolve_probe_servers(const char *qname, int qtype, int timeout_ms, struct resolve_probe *probes,
			  size_t count);
/* One DNS message sent as given to one server, one try: the raw reply,
 * whatever its rcode, truncated replies included (no automatic TCP). */
struct resolve_exchange {
	const struct sonde_addr *server; /* in: address with port */
	bool tcp;                        /* in: TCP instead of UDP */
	bool edns;                       /* in: the query has an OPT record: UDP replies are
					  * read up to 4096 bytes (else cut at 512) */
	int timeout_ms;                  /* in: for this try */
	int status;                      /* out: 0 a reply came, else a negative c-ares
					  * status (-ARES_ETIMEOUT, -ARES_ECONNREFUSED...) */
	unsigned char *reply;            /* out: malloc'ed reply (free it), or NULL */
	size_t reply_len;
	double rtt_ms;                   /* out: sent to reply, or to giving up */
};
/* Returns 0 (the outcome is in x), or a negative c-ares status when the
 * exchange could not start (-ARES_EBADQUERY for a query under 12 bytes). */
int resolve_exchange(const unsigned char *query, size_t query_len, struct resolve_exchange *x);

/* "NOERROR", "NXDOMAIN", "REFUSED"...; "RCODE?" for others. */
const char *resolve_rcode_name(int rcode);

#endif
