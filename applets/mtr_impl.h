/* mtr's pieces: mtr.c (options, main), mtr_out.c (mtr's --json and
 * --csv documents) and mtr_live.c (the live table on a terminal).  The probing, the rounds and the --report text are
 * libcore's trace engine (sonde/trace.h), traceroute's too. */
#ifndef SONDE_MTR_IMPL_H
#define SONDE_MTR_IMPL_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "sonde/trace.h"

struct mtr_config {
	bool ipv4, ipv6, udp, tcp;
	bool report, wide, json, csv;
	bool numeric, show_ips;
	int rounds;              /* -c */
	int first_ttl, max_ttl, max_unknown;
	int port;                /* -P; 0: the method's default */
	int psize;               /* -s: the whole IP packet */
	double interval_s;       /* -i: between rounds */
	double grace_s;          /* -G: a probe's longest wait */
	const char *interface, *address;
};

/* What the documents name besides the hops. */
struct mtr_doc {
	const struct mtr_config *cfg;
	const struct trace_run *trace;
	const char *local_host;  /* gethostname() */
	int last_ttl;            /* the last row (trace_mtr_last_row) */
	time_t end;              /* --csv's Start_Time: when mtr writes it, at the end */
};

/* mtr_out.c */
void mtr_print_json(FILE *fp, const struct mtr_doc *doc);
void mtr_print_csv(FILE *fp, const struct mtr_doc *doc);
void mtr_report_style(const struct mtr_config *cfg, struct trace_report_style *style);

/* mtr_live.c: rounds redrawn on the terminal until -c or q; 0 or -errno. */
int mtr_live(const struct mtr_config *cfg, struct trace_run *trace);

#endif
