/* wait's private header: the config, the targets and their attempts,
 * shared by wait.c (options, main), wait_target.c (target URLs),
 * wait_attempt.c (one attempt's steps), wait_proto.c (what each protocol
 * sends and what counts as its answer), wait_loop.c (the poll loop) and
 * wait_out.c (records, the progress line, the timeout report). */
#ifndef SONDE_WAIT_IMPL_H
#define SONDE_WAIT_IMPL_H

#include <poll.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/http.h"
#include "sonde/resolve.h"
#include "sonde/tls.h"

#define WAIT_DEFAULT_TIMEOUT_MS 30000
#define WAIT_DEFAULT_INTERVAL_MS 250
/* The first pause after a failed attempt; pauses double up to --interval. */
#define WAIT_FIRST_PAUSE_MS 50
/* One attempt's own deadline (the overall timeout cuts it shorter). */
#define WAIT_ATTEMPT_MS 5000
#define WAIT_MAX_STATUS_RANGES 16
#define WAIT_MAX_TARGETS 64
#define WAIT_REASON_LEN 200
/* What an attempt reads: a protocol's first answer, or an HTTP body kept
 * for --body (the rest is read and dropped). */
#define WAIT_READ_MAX 16384
#define WAIT_BODY_MAX (256 * 1024)

struct wait_status_range {
	int low, high;
};

struct wait_config {
	int64_t timeout_ms, interval_ms;
	bool any;
	struct wait_status_range status[WAIT_MAX_STATUS_RANGES];
	size_t status_count;
	const char *body;
	regex_t body_re;
	bool body_set;
	int min_days;
	const char *cafile;
};

enum wait_kind { WAIT_TCP, WAIT_UDP, WAIT_HTTP, WAIT_DNS, WAIT_TLS, WAIT_POSTGRES, WAIT_MYSQL, WAIT_REDIS };

enum wait_phase {
	PHASE_IDLE,      /* between attempts */
	PHASE_RESOLVE,   /* the name's addresses (or dns://'s answer) */
	PHASE_CONNECT,
	PHASE_TLS,
	PHASE_SEND,
	PHASE_RECV,
};

/* One attempt in progress. */
struct wait_attempt {
	enum wait_phase phase;
	int64_t start_ms, deadline_ms;
	int64_t start_ns;             /* for the attempt's time_ms */
	struct resolve_async *resolver;
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t addr_count, addr_next;
	struct sonde_addr peer;
	bool have_peer;
	int fd;
	short events;                 /* what fd waits for */
	struct tls_session *tls;
	char *request;                /* bytes to send, malloc'ed */
	size_t request_len, request_sent;
	unsigned char input[WAIT_READ_MAX];
	size_t input_len;
	struct http_parser http;
	bool http_started;
	char *body;                   /* HTTP body kept for --body */
	size_t body_len;
	int last_error;               /* -errno of the last address that failed */
};

struct wait_target {
	const char *text;             /* as given */
	enum wait_kind kind;
	char host[HTTP_MAX_HOST];
	uint16_t port;
	struct http_url url;          /* http and https */
	uint16_t qtype;               /* dns://NAME/TYPE; 0: addresses as the libc finds them */
	/* progress */
	bool ready;
	unsigned attempts;
	char reason[WAIT_REASON_LEN]; /* why the last attempt failed */
	int64_t next_attempt_ms;
	int64_t pause_ms;
	struct wait_attempt at;
};

/* What one finished attempt found. */
struct wait_verdict {
	bool ready;
	char reason[WAIT_REASON_LEN];
};

/* wait_target.c */
/* Fills t from text ("tcp://db:5432", "https://x/health"...): 0, or -EINVAL
 * with a reason for the usage message in why. */
int wait_target_parse(const char *text, struct wait_target *t, char *why, size_t why_size);
const char *wait_kind_name(enum wait_kind kind);

/* wait_proto.c: requests and answers per protocol */
/* The bytes the protocol sends first, malloc'ed (NULL, 0 when it only
 * listens: tcp, tls, mysql).  0 or -errno. */
int wait_proto_request(const struct wait_target *t, char **request, size_t *len);
/* Judges what came so far (closed: the peer ended the connection).
 * Returns 1 when the verdict is in v, 0 when more bytes are needed. */
int wait_proto_judge(const struct wait_config *cfg, const struct wait_target *t, struct wait_attempt *at,
		     bool closed, struct wait_verdict *v);
/* An HTTP response complete (or the connection ended after its head). */
void wait_http_judge(const struct wait_config *cfg, const struct wait_attempt *at, struct wait_verdict *v);
/* A datagram came back: what it proves for udp://. */
void wait_udp_judge(const struct wait_target *t, const unsigned char *reply, size_t len,
		    struct wait_verdict *v);
/* The TLS session's verdict: verified, and --min-days left. */
void wait_tls_judge(const struct wait_config *cfg, struct tls_session *tls, struct wait_verdict *v);
/* A handshake failure in the words of a CI log ("TLS certificate expired"). */
void wait_tls_failure(int err, const char *why, struct wait_verdict *v);

/* wait_attempt.c */
void wait_attempt_start(const struct wait_config *cfg, struct wait_target *t, int64_t now_ms, int64_t deadline_ms);
/* Adds the attempt's descriptors to fds; lowers *wait_ms to its deadline. */
size_t wait_attempt_pollfds(struct wait_target *t, struct pollfd *fds, size_t max, int64_t now_ms, int *wait_ms);
/* Advances the attempt after poll() (fds: what wait_attempt_pollfds gave).
 * Returns 1 with v filled when the attempt is over, else 0. */
int wait_attempt_step(const struct wait_config *cfg, struct wait_target *t, const struct pollfd *fds, size_t count,
		      int64_t now_ms, struct wait_verdict *v);
/* Ends the attempt with the reason its phase times out with. */
void wait_attempt_timeout(struct wait_target *t, struct wait_verdict *v);
void wait_attempt_free(struct wait_attempt *at);

/* wait_loop.c */
/* Polls every target until all (or any) are ready or the timeout passes.
 * Returns true when ready. */
bool wait_run(const struct wait_config *cfg, struct sonde_out *out, struct wait_target *targets, size_t count,
	      bool progress);

/* wait_out.c */
void wait_out_attempt(struct sonde_out *out, const struct wait_target *t, const struct wait_verdict *v,
		      int64_t elapsed_ms);
void wait_out_summary(struct sonde_out *out, const struct wait_config *cfg, const struct wait_target *targets,
		      size_t count, bool ready, int64_t elapsed_ms);
void wait_progress(const struct wait_target *targets, size_t count, int64_t elapsed_ms);
void wait_progress_clear(void);
/* The timeout's diagnostics, one line per target not ready, then the
 * overall one (the last, so that --json's error says it). */
void wait_report_timeout(const struct wait_config *cfg, const struct wait_target *targets, size_t count,
			 int64_t elapsed_ms);

#endif
