/* The trace engine traceroute and mtr share: probes with rising TTLs on the
 * probe engine, many in flight at once, hops handed over in order as they
 * complete (libcore/trace.c); repeated rounds gathered into per-hop
 * statistics, and mtr's report layout (libcore/trace_report.c).
 *
 * The applet fills run->p, resolves (trace_resolve), sets the packet length
 * (trace_set_packet_len), opens (trace_open) and allocates (trace_alloc),
 * then runs one pass (trace_pass) or a report (trace_report), and frees
 * (trace_free).  Functions return -errno (or a resolver status); messages
 * are the applet's. */
#ifndef SONDE_TRACE_H
#define SONDE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sonde/addr.h"
#include "sonde/icmp_bucket.h"
#include "sonde/probe.h"

/* Addresses kept per hop for mtr's multipath lines (mtr's MAX_PATH). */
#define TRACE_MAX_PATHS 8

struct trace_params {
	enum probe_method method;
	int first_ttl, max_ttl;
	int queries;              /* probes per hop in a pass (a report: 1) */
	int simultaneous;         /* probes in flight at once */
	double wait_max_s;        /* a probe's longest wait */
	double wait_here, wait_near; /* times a round trip seen at its hop / beyond (0: unused) */
	bool paris;
	const char *device;       /* -i / -I */
	/* mtr's pacing (0: traceroute's, none of it): */
	int max_unknown;          /* a pass probes no further than this many hops past the last that answered */
	int64_t round_interval_ms; /* report rounds start at least this far apart */
	int64_t round_wait_ms;    /* after the first round, a probe's wait: this, or wait_here times
				   * its hop's worst round trip if longer (at most wait_max_s) */
};

struct trace_probe {
	int ttl;
	bool sent, done, answered, final, reached;
	uint32_t engine_id;
	int64_t sent_ns;
	int64_t rtt_ns;
	struct sonde_addr from;
	char annotation[16];    /* "!H", "!N"... or empty */
	int error;              /* a local error (-errno) */
};

struct trace_hop_stats {       /* a report: per hop over the rounds */
	struct sonde_addr addr;    /* the first address that answered */
	bool have_addr;
	struct sonde_addr paths[TRACE_MAX_PATHS]; /* every address that answered, in order seen */
	int path_count;
	int latest;                /* index in paths of the last answer */
	bool unreachable;          /* the last answer was an ICMP unreachable from a router */
	int sent, received;
	double last_ms, best_ms, worst_ms, mean_ms, m2;  /* Welford's running variance */
};

/* A report: a host that answered with ICMP errors and its rate limit. */
struct trace_responder {
	struct sonde_addr addr;
	struct icmp_bucket bucket;
};

struct trace_run {
	struct trace_params p;
	struct probe_engine *engine;
	const char *host;
	struct sonde_addr target;
	char target_text[ADDR_STRLEN];
	int family;
	int packet_len;           /* whole IP packet */
	size_t payload_len;
	uint16_t base_port;
	struct trace_probe *probes; /* (max_ttl - first_ttl + 1) * queries for one pass */
	int probe_count;
	int in_flight;
	int final_ttl;            /* the first TTL with a final answer; 0 none yet */
	int answered_ttl;         /* the furthest hop any answer came from (0: none) */
	uint32_t sequence;        /* tokens and ports of successive probes */
	struct trace_hop_stats *hops; /* a report */
	/* A report: no round goes past the hop where the destination answered
	 * (0: not yet); rounds after the first wait, hop by hop, until the
	 * host that answered there has a token in its ICMP rate limit. */
	int limit_ttl;
	int round;
	struct trace_responder *responders;
	int responder_count, responder_cap;
	bool limiter_retry;       /* the first round was asked again after a rate-limit refill */
	int first_final_ttl;      /* where the first asking found the destination (0: nowhere) */
	int limiter_note_ttl;     /* a report: the first round's silences up to here were rate limits (0: no) */
};

typedef void (*trace_hop_fn)(void *user, struct trace_run *run, int ttl);

/* run->host to run->target: an address (a link-local one needs
 * have_device), else a lookup.  0, or a resolve status for resolve_strerror. */
int trace_resolve(struct trace_run *run, const char *host, int family, bool have_device);
/* The whole IP packet's length (at least its headers; < 0: headers and 32
 * bytes of data, traceroute's default); needs run->family. */
void trace_set_packet_len(struct trace_run *run, int packet_len);
/* The probe engine for run->p.method from source (or NULL); -errno. */
int trace_open(struct trace_run *run, const struct sonde_addr *source);
/* The probes of a pass, and with report the per-hop statistics; -ENOMEM. */
int trace_alloc(struct trace_run *run, bool report);
void trace_free(struct trace_run *run);
/* One pass over the hops: probes go out in parallel, hops are handed to
 * on_hop in order as they complete.  Returns the last hop, or -errno. */
int trace_pass(struct trace_run *run, trace_hop_fn on_hop, void *user);
/* Called after each round of a report (mtr's live view): false stops it. */
typedef bool (*trace_round_fn)(void *user, struct trace_run *run);
/* rounds passes of one probe per hop into run->hops (on_round, if any,
 * after each).  Returns the last hop
 * any round reached, or -errno; run->final_ttl is where the destination
 * answered in some round. */
int trace_report(struct trace_run *run, int rounds, trace_round_fn on_round, void *user);

/* --- reading a report (libcore/trace_report.c) --- */
double trace_hop_loss_pct(const struct trace_hop_stats *h);
double trace_hop_stdev_ms(const struct trace_hop_stats *h);
/* The last hop mtr shows: the destination's, an unreachable's, else one
 * past the furthest that answered (at most max_ttl); first_ttl - 1: none. */
int trace_mtr_last_row(const struct trace_run *run);

struct trace_report_style {
	bool numeric;        /* addresses only */
	bool show_ips;       /* "name (address)" (mtr -b) */
	bool latest;         /* a row names the hop's last answer, not its first (mtr) */
	bool multipath;      /* the other addresses of a hop on lines of their own (mtr) */
	bool wide;           /* hosts not cut (mtr -w) */
};

/* A hop's address as mtr names it: "???" without one. */
void trace_hop_label(const struct sonde_addr *addr, const struct trace_report_style *style, char *buf,
		     size_t size);
/* The address a row names, or NULL ("???"). */
const struct sonde_addr *trace_row_addr(const struct trace_hop_stats *h, const struct trace_report_style *style);
/* mtr's statistics fields of a hop into line from column on (their titles
 * when h is NULL); the report's and the live view's rows. */
void trace_report_fields(char *line, size_t size, size_t column, const struct trace_hop_stats *h);
/* mtr's --report text: the Start line, the HOST header, one row per hop
 * from first_ttl to last_ttl. */
void trace_report_print(FILE *fp, const struct trace_run *run, int last_ttl, time_t start,
			const struct trace_report_style *style);

#endif
