/* ping's pieces: ping.c (options, the send/receive loop), ping_out.c (the
 * iputils-format lines and JSON records).  They share the config and the
 * run's counters. */
#ifndef SONDE_PING_IMPL_H
#define SONDE_PING_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/probe.h"

struct ping_config {
	bool ipv4, ipv6;
	int count;              /* -c; 0: until interrupted */
	double interval_secs;   /* -i */
	double wait_secs;       /* -W: how long to wait for a reply when none came */
	double deadline_secs;   /* -w; 0: none */
	int size;               /* -s: ICMP data bytes */
	int ttl;                /* -t; 0: system default */
	const char *interface;  /* -I: a device name or a source address */
	const char *source;     /* -S: source address */
	bool quiet, numeric, timestamps, outstanding;
	const char *pmtu;       /* -M do|dont|want */
	int verbose;
	const char *tcp_port;   /* --tcp PORT */
};

/* -i below a millisecond: iputils keeps the interval in whole milliseconds,
 * so this is its "no interval" (send when answered; ipg/ewma in the summary). */
static inline bool ping_no_interval(const struct ping_config *cfg)
{
	return cfg->interval_secs < 0.001;
}

/* Round-trip statistics in microseconds, as iputils keeps them. */
struct ping_stats {
	long transmitted, received, duplicates, errors, refused;
	long long rtt_sum_us;
	long long rtt_sum2_us;
	long rtt_min_us, rtt_max_us;
	int pipe;
	int64_t first_send_ns, last_send_ns;
	long rtt_ewma_us8;      /* iputils' "ewma": a moving average of the RTT, times 8 */
	uint16_t acked_seq;     /* the latest seq answered (iputils' "acked") */
};

/* One answer, as ping_out.c renders it. */
struct ping_event {
	uint16_t seq;
	const struct probe_result *result;
	const char *from_text;  /* "name (addr)" or "addr" */
	const char *from_addr;  /* the bare address, for JSON */
	long rtt_us;
};

struct ping_run {
	const struct ping_config *cfg;
	struct sonde_out *out;
	struct probe_engine *engine;
	int family;
	bool tcp;
	bool timing;                /* data is large enough to carry a timestamp */
	bool name_lookups;          /* "name (addr)" in reply lines */
	const char *host;           /* as given */
	struct sonde_addr target;
	char target_text[ADDR_STRLEN];
	struct ping_stats stats;
	uint8_t *answered;          /* per seq: 0 none, 1 answered */
	uint32_t *probe_of_seq;     /* engine probe id + 1 per seq; 0 none */
	char last_name_addr[ADDR_STRLEN], last_name[300]; /* one-entry reverse lookup cache */
};

/* ping_out.c */
void ping_print_header(struct ping_run *run, const struct sonde_addr *source, const char *device);
void ping_print_reply(struct ping_run *run, const struct ping_event *ev);
void ping_print_error(struct ping_run *run, const struct ping_event *ev);
void ping_print_outstanding(struct ping_run *run, uint16_t seq);
/* Prints the statistics block (text) or the summary object (JSON);
 * returns the exit code iputils would. */
int ping_print_summary(struct ping_run *run);
/* "Destination Host Unreachable", "Time to live exceeded"... as iputils says it. */
void ping_describe_icmp(int family, const struct probe_result *r, char *buf, size_t size);
void ping_timestamp_prefix(struct ping_run *run);

#endif
