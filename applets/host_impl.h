/* sonde host: shared between the command line (host.c), the lookups
 * (host_lookup.c) and the output (host_out.c). */
#ifndef SONDE_HOST_IMPL_H
#define SONDE_HOST_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/applet.h"
#include "sonde/dns.h"

/* bind's host exits 1 for every failure, usage errors included. */
#define HOST_EXIT_FAILURE 1
#define HOST_EXIT_BAD_VALUE 2    /* a -t or -c value it cannot read */

struct host_config {
	bool ipv4_only, ipv6_only, all, almost_all, verbose, deprecated, norecurse, servfail_stops;
	bool tcp, udp, wait_forever;
	const char *class_text, *type_text, *ndots_text, *port_text, *retries_text, *wait_text;
};

struct host_run {
	struct sonde_ctx *ctx;
	struct dns_lookup_conf conf;
	uint16_t qtype;
	bool default_lookups;        /* no -t, -a or -c: A, then AAAA and MX */
	bool short_form;             /* not -v/-a */
	bool almost_all;             /* -A: no RRSIG, NSEC, NSEC3 */
	bool server_shown;           /* "Using domain server:" printed */
	int seen_error;              /* bind's: -1 nothing printed, 1 an error, 0 fine */
	char error[DNS_NAME_TEXT + 64]; /* the last failure, for --json's "error" */
};

/* host_lookup.c: NAME's lookups, printed as they come.  The exit code. */
int host_run_lookups(struct host_run *run, const char *name);

/* host_out.c */
void host_print_trying(const struct host_run *run, const char *qname);
/* A reply as bind's host prints it; false when its rcode is an error. */
bool host_print_reply(struct host_run *run, const char *typed, const char *qname, uint16_t qtype,
		      const struct dns_lookup_reply *reply);
void host_print_received(const struct host_run *run, const struct dns_lookup_reply *reply);

#endif
