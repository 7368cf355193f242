/* serve's pieces: serve.c (options, main), serve_server.c (the poll loop:
 * connections, requests, probe children, timeouts, SIGTERM), serve_route.c
 * (what each request path answers; a probe run), serve_probe.c (what the
 * probers share: the built-in modules, the log, the target's address and
 * the allow list), serve_config.c (--config's dns modules, read by
 * libcore/yaml.c), serve_tcp.c, serve_http.c, serve_icmp.c and serve_dns.c
 * (the probers, on libcore's engines), serve_conn.c (their
 * connections, plain or TLS, and the TLS families), serve_checks.c (the
 * --checks file rerun every --interval), serve_out.c (the Prometheus text
 * exposition).  Probes run in a child process each, so that a slow target
 * never holds the loop and a probe's memory ends with it. */
#ifndef SONDE_SERVE_IMPL_H
#define SONDE_SERVE_IMPL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sonde/addr.h"
#include "sonde/httpd.h"
#include "sonde/strbuf.h"
#include "sonde/yaml.h"

#define SERVE_DEFAULT_LISTEN ":9115"
#define SERVE_MAX_ALLOW 32
#define SERVE_MAX_CONNECTIONS 256
#define SERVE_DEFAULT_CONCURRENCY 32
/* A client has this long to send its whole head, and to read the answer:
 * a slow client (slowloris) is cut off, never waited on. */
#define SERVE_HEAD_TIMEOUT_MS 10000
#define SERVE_WRITE_TIMEOUT_MS 10000
/* An idle kept-alive connection is closed after this. */
#define SERVE_IDLE_TIMEOUT_MS 30000
/* blackbox_exporter's: without Prometheus' scrape timeout header a probe
 * gets 120 s, less --timeout-offset's 0.5 s, or its module's own. */
#define SERVE_DEFAULT_PROBE_S 120.0
#define SERVE_TIMEOUT_OFFSET_S 0.5
/* A probe child past its deadline by this much is killed. */
#define SERVE_PROBE_GRACE_MS 1000
/* SIGTERM: probes running get this long to finish. */
#define SERVE_STOP_GRACE_MS 5000
/* An answer is capped: a probe's exposition is small. */
#define SERVE_MAX_ANSWER (1024 * 1024)
#define SERVE_TARGET_MAX 1024

struct serve_module;

struct serve_config {
	const char *listen;
	const char *checks_path;
	const char *config_path;
	struct serve_module *file_modules;  /* --config's, loaded before the loop */
	size_t file_module_count;
	int64_t interval_ms;
	bool interval_set;
	int max_concurrency;
	struct sonde_prefix allow[SERVE_MAX_ALLOW];
	size_t allow_count;
	bool allow_any;
};

/* --- the exposition (serve_out.c) ---------------------------------------- */

enum expo_type { EXPO_GAUGE, EXPO_COUNTER };

struct expo_sample {
	char *labels;          /* `name="value",...` escaped, or NULL */
	double value;
};

struct expo_family {
	const char *name, *help;
	enum expo_type type;
	struct expo_sample *samples;
	size_t count;
};

/* The metric families of one answer, written sorted by name (and each
 * family's samples by their labels), as Prometheus' Go client writes them. */
struct expo {
	struct expo_family *families;
	size_t count;
	bool failed;           /* out of memory: the answer is a 500 */
};

/* Sets (or adds) the gauge name's sample with labels ("" or NULL: none;
 * otherwise label names and values alternate, ending in NULL). */
void expo_set(struct expo *e, const char *name, const char *help, enum expo_type type, double value, ...)
	__attribute__((sentinel));
/* Adds value to the sample (created at 0). */
void expo_add(struct expo *e, const char *name, const char *help, double value, ...) __attribute__((sentinel));
/* Declares a family with no sample yet (a gauge vector before its first). */
void expo_declare(struct expo *e, const char *name, const char *help, enum expo_type type);
bool expo_has(const struct expo *e, const char *name);
void expo_write(struct expo *e, struct strbuf *out);
void expo_free(struct expo *e);
/* A float as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it. */
void expo_format_double(double v, char *buf, size_t size);

/* --- probes (serve_probe.c and the probers) --------------------------------- */

enum serve_prober { PROBER_HTTP, PROBER_TCP, PROBER_ICMP, PROBER_DNS };

/* One step of a TCP module's dialogue (blackbox_exporter's query_response). */
struct serve_step {
	const char *expect;    /* POSIX ERE a line must match, or NULL */
	const char *send;      /* a line to send ("${1}": expect's first group), or NULL */
};

#define SERVE_MAX_STEPS 4

/* blackbox_exporter's DNSRRValidator: four lists of patterns a section's
 * records (as miekg/dns writes each: "name.<TAB>ttl<TAB>IN<TAB>A<TAB>rdata")
 * are held to. */
enum serve_rr_rule {
	RR_FAIL_IF_MATCHES, RR_FAIL_IF_ALL_MATCH, RR_FAIL_IF_NOT_MATCHES, RR_FAIL_IF_NONE_MATCHES, RR_RULE_COUNT
};
struct serve_rr_pattern {
	char *text;
	regex_t re;
};
struct serve_rr_rules {
	struct serve_rr_pattern *patterns[RR_RULE_COUNT];
	size_t count[RR_RULE_COUNT];
};
/* The sections validated: answer, authority, additional. */
#define SERVE_RR_SECTIONS 3

/* A dns module's settings (blackbox_exporter's DNSProbe). */
struct serve_dns {
	char *query_name;
	uint16_t qtype, qclass;
	bool tcp;
	bool recursion;
	uint64_t valid_rcodes; /* bit per rcode (0..63); 0: NOERROR only */
	struct serve_rr_rules rules[SERVE_RR_SECTIONS];
};

struct serve_module {
	const char *name;
	enum serve_prober prober;
	double timeout_s;      /* 0: the scrape's */
	bool ip4_preferred;    /* preferred_ip_protocol: ip4 (ip6 by default) */
	bool ip_no_fallback;   /* ip_protocol_fallback: false */
	struct serve_dns *dns; /* dns */
	const char *method;    /* http */
	bool tls;              /* tcp: TLS from the start */
	int ttl;               /* icmp: 0 for the system's */
	struct serve_step steps[SERVE_MAX_STEPS];
};

/* What one probe is given and what it leaves. */
struct serve_probe {
	const struct serve_module *module;
	const char *target;
	const struct serve_config *cfg;
	int64_t deadline_ms;   /* mono_ms() */
	struct expo *expo;
	struct strbuf *log;    /* the debug log: logfmt lines */
	char reason[200];      /* why it failed, in reason.c's words */
};

/* A built-in module or one of --config's. */
const struct serve_module *serve_module_find(const struct serve_config *cfg, const char *name);
/* The built-in modules, for the index page and docs. */
const struct serve_module *serve_modules(size_t *count);
/* The probe's timeout: Prometheus' header less the offset, or 120 s less
 * it, cut to the module's own; -EINVAL for a header that is no number. */
int serve_probe_timeout_ms(const struct serve_module *m, const char *scrape_header, int64_t *timeout_ms);
/* A logfmt line on the probe's log ("level=info msg=..."). */
void serve_log(struct serve_probe *p, const char *level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Resolves host as blackbox_exporter's chooseProtocol does (the module's
 * preferred family, IPv6 by default, and the other as fallback), filling probe_dns_lookup_time_seconds,
 * probe_ip_protocol and probe_ip_addr_hash, then checks --allow.  0, or
 * -1 with p->reason set.  *lookup_s gets the lookup's time. */
int serve_resolve(struct serve_probe *p, const char *host, uint16_t port, struct sonde_addr *addr, double *lookup_s);
bool serve_allowed(const struct serve_config *cfg, const struct sonde_addr *addr);
int64_t serve_ms_left(const struct serve_probe *p);
bool serve_prober_tcp(struct serve_probe *p);
bool serve_prober_http(struct serve_probe *p);
bool serve_prober_icmp(struct serve_probe *p);
bool serve_prober_dns(struct serve_probe *p);

/* --- --config: blackbox_exporter's file, its dns modules (serve_config.c) ------ */

/* Reads cfg->config_path into cfg->file_modules: 0, or SONDE_EXIT_USAGE
 * with the message printed. */
int serve_config_load(struct serve_config *cfg);
void serve_config_free(struct serve_config *cfg);
/* A module's settings as blackbox_exporter's debug page shows them. */
void serve_module_text(const struct serve_module *m, struct strbuf *b);


/* --- a probe's connection (serve_conn.c), plain or TLS ------------------------ */

struct tls_session;
struct serve_conn {
	int fd;
	struct tls_session *tls;
};
/* Connects to addr before the probe's deadline: 0, or -errno with
 * p->reason set. */
int serve_conn_open(struct serve_probe *p, const struct sonde_addr *addr, struct serve_conn *c);
/* The TLS handshake, verified against the system store for server_name:
 * 0, or -errno with p->reason set. */
int serve_conn_tls(struct serve_probe *p, struct serve_conn *c, const char *server_name);
/* Bytes read (0 at the end), or -errno (-ETIMEDOUT at the deadline). */
long serve_conn_read(struct serve_probe *p, struct serve_conn *c, char *buf, size_t size);
int serve_conn_write(struct serve_probe *p, struct serve_conn *c, const char *buf, size_t len);
void serve_conn_close(struct serve_conn *c);
/* The TLS families from a session (probe_ssl_*, probe_tls_version_info). */
void serve_tls_facts(struct serve_probe *p, struct tls_session *tls);

/* --- checks (serve_checks.c) ------------------------------------------------- */

struct serve_checks;
/* Reads the check file (check's format): 0, or SONDE_EXIT_USAGE. */
int serve_checks_load(const char *path, struct serve_checks **out);
void serve_checks_free(struct serve_checks *c);
/* Starts a round when one is due and none runs; reaps what ended.  Lowers
 * *wait_ms to the next time it needs the loop. */
void serve_checks_tick(struct serve_checks *c, int64_t interval_ms, int64_t now_ms, int *wait_ms);
void serve_checks_expose(const struct serve_checks *c, struct expo *e);
void serve_checks_stop(struct serve_checks *c);
/* The running round's output to poll, or -1. */
int serve_checks_fd(const struct serve_checks *c);
/* The check applet refused the file (its exit 2): serve stops with 2. */
bool serve_checks_refused(const struct serve_checks *c);

/* --- requests (serve_route.c) and the loop (serve_server.c) ------------------- */

/* An answer ready to send. */
struct serve_answer {
	int status;
	const char *content_type;
	struct strbuf body;
};

/* What a request needs: an answer now, or a probe in a child. */
struct serve_route {
	bool probe;
	const struct serve_module *module;
	char target[SERVE_TARGET_MAX];
	bool debug;
	int64_t timeout_ms;
};

struct serve_stats {
	int64_t started_s;         /* epoch */
	uint64_t probes_total, probes_refused_busy, requests_total, requests_bad;
	const struct serve_checks *checks;
};

/* Decides what req gets: fills ans (then route->probe is false) or route. */
void serve_route_request(const struct serve_config *cfg, const struct httpd_request *req,
			 const struct serve_stats *stats, struct serve_route *route, struct serve_answer *ans);
/* In the probe child: the whole answer for route. */
void serve_route_probe(const struct serve_config *cfg, const struct serve_route *route, struct serve_answer *ans);
/* Runs until SIGTERM or SIGINT; returns the exit code. */
int serve_run(const struct serve_config *cfg, int listen_fd, struct serve_checks *checks);

#endif
