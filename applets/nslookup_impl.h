/* sonde nslookup: shared between the command line (nslookup.c) and the
 * output (nslookup_out.c). */
#ifndef SONDE_NSLOOKUP_IMPL_H
#define SONDE_NSLOOKUP_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/applet.h"
#include "sonde/dns.h"

struct nslookup_run {
	struct sonde_ctx *ctx;
	struct dns_lookup_conf conf;
	uint16_t qtype;              /* -type= (A) */
	bool default_lookups;        /* no -type=: A, then AAAA */
	bool short_form;             /* not -debug */
	bool use_search;             /* -search (the default), -nosearch */
	bool tcp_set;                /* -vc or -novc given: ANY keeps it */
	bool a_noanswer;             /* the A lookup had no answer */
	int query_error, print_error; /* bind's exit code: their or */
	char domain[DNS_NAME_TEXT];  /* -domain=: the search list's one entry */
	char error[DNS_NAME_TEXT + 64]; /* the last failure, for --json's "error" */
};

/* nslookup_out.c: a reply as bind's nslookup prints it (the header, -debug's
 * sections, "** server can't find NAME: NXDOMAIN", the answer). */
void nslookup_print_reply(struct nslookup_run *run, const char *typed, const char *qname, uint16_t qtype,
			  const struct dns_lookup_reply *reply);

#endif
