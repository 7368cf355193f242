/* traceroute's pieces: traceroute.c (options, the parallel probe loop),
 * traceroute_out.c (classic hop lines, mtr-style report, JSON). */
#ifndef SONDE_TRACEROUTE_IMPL_H
#define SONDE_TRACEROUTE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/icmp_bucket.h"
#include "sonde/probe.h"

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

struct tr_probe {
	int ttl;
	bool sent, done, answered, final, reached;
	uint32_t engine_id;
	int64_t sent_ns;
	int64_t rtt_ns;
	struct sonde_addr from;
	char annotation[16];    /* "!H", "!N"... or empty */
	int error;              /* a local error (-errno) */
};

struct tr_hop_stats {       /* --report: per hop over the rounds */
	struct sonde_addr addr;
	bool have_addr;
	int sent, received;
	double last_ms, best_ms, worst_ms, mean_ms, m2;  /* Welford's running variance */
};

/* --report: a host that answered with ICMP errors and its rate limit. */
struct tr_responder {
	struct sonde_addr addr;
	struct icmp_bucket bucket;
};

struct tr_run {
	const struct tr_config *cfg;
	struct sonde_out *out;
	struct probe_engine *engine;
	const char *host;
	struct sonde_addr target;
	char target_text[ADDR_STRLEN];
	int family;
	enum probe_method method;
	int packet_len;         /* whole IP packet, as the header line says */
	size_t payload_len;
	uint16_t base_port;
	struct tr_probe *probes;  /* (max_ttl - first_ttl + 1) * queries for one pass */
	int probe_count;
	int in_flight;
	int final_ttl;            /* the first TTL with a final answer; 0 none yet */
	uint32_t sequence;        /* tokens and ports of successive probes */
	struct tr_hop_stats *hops; /* --report */
	/* --report: no round goes past the hop where the destination answered
	 * (0: not yet); rounds after the first wait, hop by hop, until the
	 * host that answered there has a token in its ICMP rate limit. */
	int limit_ttl;
	int round;
	struct tr_responder *responders;
	int responder_count, responder_cap;
	bool limiter_retry;       /* the first round was asked again after a rate-limit refill */
	int first_final_ttl;      /* where the first asking found the destination (0: nowhere) */
};

/* traceroute_out.c */
void tr_print_header(struct tr_run *run);
void tr_print_hop(struct tr_run *run, int ttl);
void tr_print_summary(struct tr_run *run, int last_ttl);
void tr_print_report(struct tr_run *run, int last_ttl, time_t start);
void tr_hop_name(struct tr_run *run, const struct sonde_addr *addr, char *buf, size_t size);

#endif
