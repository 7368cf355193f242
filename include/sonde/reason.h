/* The few words that say why a service is not ready, one wording for every
 * applet that waits on or checks services (wait; check and serve later):
 * a CI log reads "connection refused" or "no answer (filtered)" whichever
 * applet wrote it. */
#ifndef SONDE_REASON_H
#define SONDE_REASON_H

/* A connect, send or receive that failed (-errno): "connection refused",
 * "no answer (filtered)" for a timeout, "host unreachable"... */
const char *reason_connect(int err);
/* A name lookup that failed (a negative c-ares status or resolve_error):
 * "NXDOMAIN", "no such record (NODATA)", "nameserver answered SERVFAIL",
 * "no answer from the nameservers"..., else resolve_strerror()'s words. */
const char *reason_resolve(int err);

#endif
