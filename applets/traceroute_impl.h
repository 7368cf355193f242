/* traceroute's pieces: traceroute.c (options, main), traceroute_out.c
 * (classic hop lines, the report as JSON); the passes, the report's rounds
 * and mtr's report text are libcore's trace engine (sonde/trace.h). */
#ifndef SONDE_TRACEROUTE_IMPL_H
#define SONDE_TRACEROUTE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/applet.h"
#include "sonde/trace.h"

struct tr_config {
	bool ipv4, ipv6;
	bool icmp, tcp, paris;
	int first_ttl, max_ttl, queries, simultaneous;
	const char *wait_text;  /* -w MAX[,HERE,NEAR] */
	bool numeric;
	const char *source, *interface;
	int port;               /* -p; 0: the method's default */
	bool report;
	int rounds;             /* -c with --report */
	int verbose;
	/* derived from wait_text */
	double wait_max, wait_here, wait_near;
};

struct tr_run {
	const struct tr_config *cfg;
	struct sonde_out *out;
	struct trace_run trace;
};

/* traceroute_out.c */
void tr_print_header(struct tr_run *run);
void tr_print_hop(void *user, struct trace_run *trace, int ttl);
void tr_print_summary(struct tr_run *run, int last_ttl);
void tr_print_report(struct tr_run *run, int last_ttl, time_t start);

#endif
