/* scan's pieces: scan.c (options, targets, the run), scan_discover.c (is the
 * host up?), scan_ports.c (TCP connect and SYN scans), scan_udp.c (UDP with
 * ICMP rate-limit pacing), scan_timing.c (RTT, timeouts, the congestion
 * window), scan_out.c (normal, grepable, XML and JSON output). */
#ifndef SONDE_SCAN_IMPL_H
#define SONDE_SCAN_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/ports.h"
#include "sonde/probe.h"
#include "sonde/scan.h"

struct scan_config {
	bool syn, connect, udp;       /* -sS -sT -sU */
	bool ping_only, no_ping;      /* -sn -Pn */
	bool ipv6;                    /* -6 */
	bool numeric, always_resolve; /* -n -R */
	const char *ports;            /* -p */
	bool all_ports;               /* -p- */
	int top_ports;                /* --top-ports; 0: not given */
	bool fast;                    /* -F: the top 100 */
	const char *input_list;       /* -iL */
	const char *exclude;          /* --exclude */
	const char *exclude_file;     /* --excludefile */
	int timing;                   /* -T0..5 */
	double min_rate, max_rate;    /* probes per second; 0: none */
	int max_retries;              /* -1: the template's */
	int64_t host_timeout_ms;      /* 0: none */
	int64_t scan_delay_ms;        /* 0: none */
	bool open_only, reason, banner, fallback;
	int verbose;
	const char *grepable_file;    /* -oG FILE or - */
	const char *xml_file;         /* -oX FILE or - */
	bool as_nmap;                 /* no option: nmap's init presets it */
};

enum scan_state {
	SCAN_UNKNOWN = 0,
	SCAN_OPEN,
	SCAN_CLOSED,
	SCAN_FILTERED,
	SCAN_UNFILTERED,
	SCAN_OPEN_FILTERED,
	SCAN_CLOSED_FILTERED,
	SCAN_STATE_COUNT,
};

/* Why a port or host is in its state, as nmap's --reason names it. */
enum scan_reason {
	REASON_NONE = 0,
	REASON_SYN_ACK,
	REASON_RESET,
	REASON_CONN_REFUSED,
	REASON_NO_RESPONSE,
	REASON_PORT_UNREACH,
	REASON_HOST_UNREACH,
	REASON_NET_UNREACH,
	REASON_PROTO_UNREACH,
	REASON_ADMIN_PROHIBITED,
	REASON_NET_PROHIBITED,
	REASON_HOST_PROHIBITED,
	REASON_UDP_RESPONSE,
	REASON_ECHO_REPLY,
	REASON_ARP_RESPONSE,
	REASON_LOCALHOST,
	REASON_USER_SET,
	REASON_ERROR,
	REASON_COUNT,
};

enum scan_proto { SCAN_TCP = 0, SCAN_UDP = 1 };

struct scan_port {
	uint16_t port;
	uint8_t proto;   /* enum scan_proto */
	uint8_t state;   /* enum scan_state */
	uint8_t reason;  /* enum scan_reason */
	uint8_t ttl;     /* of the reply; 0 unknown */
	uint8_t silences; /* UDP: probes that certainly had an answer's chance */
	uint8_t probes;   /* UDP: probes sent */
};

struct scan_host {
	struct sonde_addr addr;
	const char *name;           /* given by the user, or NULL */
	char *rdns;                 /* reverse lookup (-R or default), malloc'ed */
	size_t other_addrs;
	bool up;
	uint8_t up_reason;          /* enum scan_reason */
	uint8_t up_ttl;
	double latency_ms;          /* <0: unknown */
	bool timed_out;             /* --host-timeout hit */
	struct scan_port *ports;    /* TCP ports first, then UDP */
	size_t port_count;
	size_t tcp_count;           /* ports[0..tcp_count) are TCP */
	char **banners;             /* --banner: per port index, or NULL */
	int64_t start_ns, end_ns;
};

/* Timing: the template's values and what the scan has measured. */
struct scan_timing {
	int initial_timeout_ms, min_timeout_ms, max_timeout_ms;
	int max_retries;            /* the cap */
	int retries;                /* in use: grows when replies come only on a retry */
	double srtt_ms, rttvar_ms;
	bool have_rtt;
	double cwnd, ssthresh;
	unsigned cwnd_min, cwnd_max;
	int64_t last_drop_ns;
	int64_t send_gap_us;        /* --max-rate / --scan-delay */
	double min_rate;
	uint64_t probes_sent, drops;
};

struct scan_run {
	const struct scan_config *cfg;
	struct sonde_out *out;
	int family;
	bool raw;                   /* CAP_NET_RAW: raw sockets */
	struct port_list tcp_ports, udp_ports;
	struct scan_host *hosts;
	size_t host_count;
	struct scan_timing timing;
	int64_t start_ns;
	uint8_t cookie_key[16];     /* SYN sequence numbers */
	FILE *grepable, *xml;
	bool quiet_text;            /* -oG - or -oX -: stdout is theirs */
	bool as_nmap;               /* called as nmap: nmap's words where scripts look */
	char command_line[1024];
	/* Set by SIGINT's handler; every loop of the scan looks at it at
	 * least once per poll slice (scan_stopping). */
	const atomic_bool *interrupt;
	bool interrupted;           /* the scan stopped early: the report is partial */
	bool progress_line, progress_keys, progress_shown; /* scan_progress.c */
	int64_t progress_drawn_ns;
};

/* Ctrl-C: stop sending and waiting, report what was found. */
static inline bool scan_stopping(const struct scan_run *run)
{
	return run->interrupt && atomic_load_explicit(run->interrupt, memory_order_relaxed);
}

/* scan_timing.c */
void scan_timing_init(struct scan_timing *t, const struct scan_config *cfg, unsigned window_limit);
int scan_timing_timeout_ms(const struct scan_timing *t);
/* A first-try answer: RTT sample, window grows. */
void scan_timing_answer(struct scan_timing *t, int64_t rtt_ns, int attempts);
/* A probe went out. */
void scan_timing_sent(struct scan_timing *t);
unsigned scan_timing_window(const struct scan_timing *t);
/* One of shares workers' part of the timing: its share of the window and
 * of the rate limits, at most window_cap in flight (0: no cap of its own). */
void scan_timing_share(const struct scan_timing *whole, unsigned shares, unsigned window_cap,
		       struct scan_timing *part);
/* The workers' parts back into the whole: counts summed, RTT averaged. */
void scan_timing_gather(struct scan_timing *whole, const struct scan_timing *parts, unsigned count);

/* scan_discover.c: marks hosts up or down. */
int scan_discover(struct scan_run *run);

/* scan_ports.c: TCP connect (-sT) or SYN (-sS) for a group of hosts at
 * once (their start_ns set: --host-timeout counts from it). */
int scan_tcp_hosts(struct scan_run *run, struct scan_host **hosts, size_t host_count, bool syn);
/* State and reason of an unreachable ICMP error (type, code) for family. */
enum scan_reason scan_icmp_reason(int family, uint8_t type, uint8_t code);
/* What a local error a probe met says about the port: a network answer the
 * kernel passed on (host-unreach, no-response...), or REASON_ERROR when it
 * is this host's own failure, which must never become a port state. */
enum scan_reason scan_local_error_reason(int error);
/* --banner: reads what open TCP ports volunteer. */
void scan_read_banners(struct scan_run *run, struct scan_host *host);

/* scan_udp.c: the UDP ports of a group of hosts at once (each host has its
 * own ICMP rate limit to reason about). */
int scan_udp_hosts(struct scan_run *run, struct scan_host **hosts, size_t host_count);

/* scan_progress.c: the progress line on a terminal's stderr */
void scan_progress_init(struct scan_run *run);
/* Called from the scan loops: what ("SYN scan"), how far (done of total). */
void scan_progress_tick(struct scan_run *run, const char *what, const struct scan_host *host, size_t done,
			size_t total);
void scan_progress_clear(struct scan_run *run);

/* scan_out.c */
const char *scan_state_name(enum scan_state state);
const char *scan_reason_name(enum scan_reason reason);
const char *scan_proto_name(enum scan_proto proto);
void scan_out_start(struct scan_run *run);
void scan_out_host(struct scan_run *run, const struct scan_host *host);
/* The summary; with --json the document stays open: run_scan closes it
 * after a failure's "error". */
void scan_out_end(struct scan_run *run);

#endif
