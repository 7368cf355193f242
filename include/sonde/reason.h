/* The few words that say why a service is not ready, one wording for every
 * applet that waits on or checks services (wait, check and serve):
 * a CI log reads "connection refused" or "no answer (filtered)" whichever
 * applet wrote it. */
#ifndef SONDE_REASON_H
#define SONDE_REASON_H

#include <stddef.h>

/* A connect, send or receive that failed (-errno): "connection refused",
 * "no answer (filtered)" for a timeout, "host unreachable"... */
const char *reason_connect(int err);
/* A name lookup that failed (a negative c-ares status or resolve_error):
 * "NXDOMAIN", "no such record (NODATA)", "nameserver answered SERVFAIL",
 * "no answer from the nameservers"..., else resolve_strerror()'s words. */
const char *reason_resolve(int err);

/* A TLS handshake that failed (tls_session_connect's -errno and its why):
 * "TLS certificate expired", "TLS handshake failed: ...", into buf. */
void reason_tls(int err, const char *why, char *buf, size_t size);

#endif
