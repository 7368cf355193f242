/* One attempt on one target, as steps the poll loop drives: the name, the
 * connect (each address in turn), the TLS handshake, the request, the
 * answer.  Nothing here blocks: every step returns to the loop when its
 * socket would wait, and the attempt's own deadline ends it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/reason.h"
#include "sonde/sock.h"
#include "wait_impl.h"

void wait_attempt_free(struct wait_attempt *at)
{
	resolve_async_free(at->resolver);
	at->resolver = NULL;
	if (at->tls)
		tls_session_free(at->tls);
	at->tls = NULL;
	if (at->fd >= 0)
		close(at->fd);
	at->fd = -1;
	free(at->request);
	at->request = NULL;
	if (at->http_started)
		http_parser_free(&at->http);
	at->http_started = false;
	free(at->body);
	at->body = NULL;
	at->phase = PHASE_IDLE;
}

static bool uses_tls(const struct wait_target *t)
{
	return t->kind == WAIT_TLS || (t->kind == WAIT_HTTP && t->url.tls);
}

static int finish(struct wait_verdict *v, bool ready, const char *reason)
{
	v->ready = ready;
	snprintf(v->reason, sizeof(v->reason), "%s", reason);
	return 1;
}

/* --- connecting ---------------------------------------------------------------- */

/* Starts a connect to the next address: 0 (in progress or done), or 1
 * with the verdict when no address is left. */
static int connect_next(struct wait_target *t, struct wait_verdict *v)
{
	struct wait_attempt *at = &t->at;

	while (at->addr_next < at->addr_count) {
		const struct sonde_addr *dst = &at->addrs[at->addr_next++];
		int type = t->kind == WAIT_UDP ? SOCK_DGRAM : SOCK_STREAM;
		int fd = sock_open(addr_family(dst), type, 0), rc;

		if (fd < 0) {
			at->last_error = fd;
			continue;
		}
		rc = connect(fd, &dst->u.sa, dst->len) == 0 ? 0 : -errno;
		if (rc == 0 || rc == -EINPROGRESS) {
			at->fd = fd;
			at->peer = *dst;
			at->have_peer = true;
			at->phase = PHASE_CONNECT;
			at->events = POLLOUT;
			return 0;
		}
		close(fd);
		at->last_error = rc;
	}
	return finish(v, false, reason_connect(at->last_error ? at->last_error : -EHOSTUNREACH));
}

static int begin_send(const struct wait_config *cfg, struct wait_target *t, struct wait_verdict *v);

static int begin_tls(const struct wait_config *cfg, struct wait_target *t, struct wait_verdict *v)
{
	struct tls_client_config tc = {
		.server_name = t->host,
		.verify = true,
		.ca_file = cfg->cafile,
		.timeout_ms = -1,
		.alpn = t->kind == WAIT_HTTP ? "http/1.1" : NULL,
	};
	char why[256];
	int rc = tls_session_begin(t->at.fd, &tc, &t->at.tls, why, sizeof(why));

	if (rc < 0) {
		wait_tls_failure(rc, why, v);
		return 1;
	}
	t->at.phase = PHASE_TLS;
	t->at.events = POLLOUT;
	return 0;
}

/* The connect finished: what comes next depends on the protocol. */
static int connected(const struct wait_config *cfg, struct wait_target *t, struct wait_verdict *v)
{
	if (t->kind == WAIT_TCP)
		return finish(v, true, "port open");
	if (uses_tls(t))
		return begin_tls(cfg, t, v);
	return begin_send(cfg, t, v);
}

static int step_connect(const struct wait_config *cfg, struct wait_target *t, short revents,
			struct wait_verdict *v)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (!revents)
		return 0;
	if (getsockopt(t->at.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0)
		return connected(cfg, t, v);
	close(t->at.fd);
	t->at.fd = -1;
	t->at.last_error = -err;
	return connect_next(t, v);
}

/* --- name ---------------------------------------------------------------------- */

static int resolved(const struct wait_config *cfg, struct wait_target *t, struct wait_verdict *v)
{
	struct wait_attempt *at = &t->at;
	int rc = resolve_async_result(at->resolver, at->addrs, RESOLVE_MAX_ADDRS, &at->addr_count);

	(void)cfg;
	resolve_async_free(at->resolver);
	at->resolver = NULL;
	if (t->kind == WAIT_DNS) {
		char text[WAIT_REASON_LEN];

		if (rc < 0)
			return finish(v, false, reason_resolve(rc));
		snprintf(text, sizeof(text), "resolves (%zu %s)", at->addr_count,
			 t->qtype ? (at->addr_count == 1 ? "record" : "records")
				  : (at->addr_count == 1 ? "address" : "addresses"));
		return finish(v, true, text);
	}
	if (rc < 0) {
		char text[WAIT_REASON_LEN];

		snprintf(text, sizeof(text), "%.120s: %s", t->host, reason_resolve(rc));
		return finish(v, false, text);
	}
	at->addr_next = 0;
	return connect_next(t, v);
}

/* --- TLS, request, answer -------------------------------------------------------- */

static int step_tls(const struct wait_config *cfg, struct wait_target *t, short revents, struct wait_verdict *v)
{
	char why[256] = "";
	int rc;

	if (!revents)
		return 0;
	rc = tls_session_handshake_step(t->at.tls, &t->at.events, why, sizeof(why));
	if (rc == 1)
		return 0;
	if (rc < 0) {
		wait_tls_failure(rc, why, v);
		return 1;
	}
	if (t->kind == WAIT_TLS) {
		wait_tls_judge(cfg, t->at.tls, v);
		return 1;
	}
	return begin_send(cfg, t, v);
}

/* Keeps the start of an HTTP body for --body; the rest is dropped. */
static int body_sink(void *ctx, const char *data, size_t len)
{
	struct wait_attempt *at = ctx;
	size_t room = WAIT_BODY_MAX - at->body_len;
	char *grown;

	if (len > room)
		len = room;
	if (len == 0)
		return 0;
	grown = realloc(at->body, at->body_len + len + 1);
	if (!grown)
		return -ENOMEM;
	memcpy(grown + at->body_len, data, len);
	at->body_len += len;
	grown[at->body_len] = '\0';
	at->body = grown;
	return 0;
}

static int begin_send(const struct wait_config *cfg, struct wait_target *t, struct wait_verdict *v)
{
	struct wait_attempt *at = &t->at;
	int rc = wait_proto_request(t, &at->request, &at->request_len);

	if (rc < 0)
		return finish(v, false, strerror(-rc));
	if (t->kind == WAIT_HTTP) {
		http_parser_init(&at->http, false, cfg->body_set ? body_sink : NULL, at);
		at->http_started = true;
	}
	at->request_sent = 0;
	at->phase = at->request ? PHASE_SEND : PHASE_RECV;
	at->events = at->request ? POLLOUT : POLLIN;
	return 0;
}

static ssize_t io_send(struct wait_attempt *at)
{
	const char *buf = at->request + at->request_sent;
	size_t len = at->request_len - at->request_sent;
	ssize_t n;

	if (at->tls)
		return tls_session_send(at->tls, buf, len);
	n = send(at->fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0 || errno == EAGAIN)
		return n >= 0 ? n : RELAY_WANT_WRITE;
	return -errno;
}

static ssize_t io_recv(struct wait_attempt *at, void *buf, size_t len)
{
	ssize_t n;

	if (at->tls)
		return tls_session_recv(at->tls, buf, len);
	n = recv(at->fd, buf, len, 0);
	if (n >= 0 || errno == EAGAIN)
		return n >= 0 ? n : RELAY_WANT_READ;
	return -errno;
}

/* A TLS session may want the other direction than the step's. */
static int io_wait(struct wait_attempt *at, ssize_t n)
{
	at->events = n == RELAY_WANT_WRITE ? POLLOUT : POLLIN;
	return 0;
}

static int step_send(struct wait_target *t, short revents, struct wait_verdict *v)
{
	struct wait_attempt *at = &t->at;
	ssize_t n;

	if (!revents)
		return 0;
	/* A UDP datagram goes whole, even an empty one. */
	do {
		n = io_send(at);
		if (n == RELAY_WANT_READ || n == RELAY_WANT_WRITE)
			return io_wait(at, n);
		if (n < 0)
			return finish(v, false, reason_connect((int)n));
		at->request_sent += (size_t)n;
	} while (at->request_sent < at->request_len);
	at->phase = PHASE_RECV;
	at->events = POLLIN;
	return 0;
}

static int http_input(const struct wait_config *cfg, struct wait_attempt *at, const char *data, size_t len,
		      struct wait_verdict *v)
{
	int rc = len ? http_parser_feed(&at->http, data, len) : http_parser_finish(&at->http);
	char text[WAIT_REASON_LEN];

	/* Without --body the status is all there is to know. */
	if (rc == 0 && !(at->http.head_done && !cfg->body_set))
		return 0;
	if (at->http.head_done) {
		/* The status is known: a body cut short does not change it. */
		wait_http_judge(cfg, at, v);
		return 1;
	}
	snprintf(text, sizeof(text), "answers but is not HTTP: %s", at->http.error ? at->http.error : "malformed");
	return finish(v, false, text);
}

static int step_recv(const struct wait_config *cfg, struct wait_target *t, short revents, struct wait_verdict *v)
{
	struct wait_attempt *at = &t->at;
	char buf[WAIT_READ_MAX];
	size_t room = t->kind == WAIT_HTTP ? sizeof(buf) : WAIT_READ_MAX - at->input_len;
	ssize_t n;

	if (!revents && !(at->tls && tls_session_pending(at->tls)))
		return 0;
	n = io_recv(at, buf, room);
	if (n == RELAY_WANT_READ || n == RELAY_WANT_WRITE)
		return io_wait(at, n);
	if (n < 0 && t->kind == WAIT_HTTP && at->http_started && at->http.head_done)
		n = 0;
	if (n < 0)
		return finish(v, false, reason_connect((int)n));
	if (t->kind == WAIT_UDP) {
		wait_udp_judge(t, (const unsigned char *)buf, (size_t)n, v);
		return 1;
	}
	if (t->kind == WAIT_HTTP)
		return http_input(cfg, at, buf, (size_t)n, v);
	memcpy(at->input + at->input_len, buf, (size_t)n);
	at->input_len += (size_t)n;
	return wait_proto_judge(cfg, t, at, n == 0 || at->input_len == WAIT_READ_MAX, v);
}

/* --- the attempt ------------------------------------------------------------------ */

void wait_attempt_start(const struct wait_config *cfg, struct wait_target *t, int64_t now_ms, int64_t deadline_ms)
{
	struct wait_attempt *at = &t->at;
	int family = AF_UNSPEC;

	(void)cfg;
	memset(at, 0, sizeof(*at));
	at->fd = -1;
	at->start_ms = now_ms;
	at->start_ns = mono_ns();
	at->deadline_ms = now_ms + WAIT_ATTEMPT_MS;
	if (deadline_ms && deadline_ms < at->deadline_ms)
		at->deadline_ms = deadline_ms;
	at->phase = PHASE_RESOLVE;
	if (resolve_async_start(t->host, family, t->kind == WAIT_DNS ? t->qtype : 0, t->port, &at->resolver) < 0)
		at->resolver = NULL;
}

size_t wait_attempt_pollfds(struct wait_target *t, struct pollfd *fds, size_t max, int64_t now_ms, int *wait_ms)
{
	struct wait_attempt *at = &t->at;
	int left_ms = at->deadline_ms > now_ms ? (int)(at->deadline_ms - now_ms) : 0;

	if (at->phase == PHASE_IDLE)
		return 0;
	if (*wait_ms < 0 || left_ms < *wait_ms)
		*wait_ms = left_ms;
	if (at->phase == PHASE_RESOLVE) {
		/* A numeric address is resolved before any poll. */
		if (!at->resolver || resolve_async_done(at->resolver)) {
			*wait_ms = 0;
			return 0;
		}
		return resolve_async_pollfds(at->resolver, fds, max, wait_ms);
	}
	if (max == 0)
		return 0;
	/* Bytes OpenSSL has already decrypted are read without waiting. */
	if (at->tls && at->phase == PHASE_RECV && tls_session_pending(at->tls))
		*wait_ms = 0;
	fds[0].fd = at->fd;
	fds[0].events = at->events;
	fds[0].revents = 0;
	return 1;
}

int wait_attempt_step(const struct wait_config *cfg, struct wait_target *t, const struct pollfd *fds, size_t count,
		      int64_t now_ms, struct wait_verdict *v)
{
	struct wait_attempt *at = &t->at;
	short revents = count ? fds[0].revents : 0;

	(void)now_ms;
	switch (at->phase) {
	case PHASE_RESOLVE:
		if (!at->resolver)
			return finish(v, false, "out of memory");
		resolve_async_process(at->resolver, fds, count);
		return resolve_async_done(at->resolver) ? resolved(cfg, t, v) : 0;
	case PHASE_CONNECT:
		return step_connect(cfg, t, revents, v);
	case PHASE_TLS:
		return step_tls(cfg, t, revents, v);
	case PHASE_SEND:
		return step_send(t, revents, v);
	case PHASE_RECV:
		return step_recv(cfg, t, revents, v);
	case PHASE_IDLE:
		break;
	}
	return 0;
}

/* What the phase that ran out of time says: a SYN without answer is a
 * filter's mark; a connected service that stays silent is not. */
static const char *timeout_reason(const struct wait_target *t)
{
	switch (t->at.phase) {
	case PHASE_RESOLVE:
		return t->kind == WAIT_DNS ? "no answer from the nameservers" : "name lookup timed out";
	case PHASE_CONNECT:
		return reason_connect(-ETIMEDOUT);
	case PHASE_TLS:
		return "TLS handshake timed out";
	case PHASE_SEND:
		return "connected, but the request could not be sent in time";
	case PHASE_RECV:
		if (t->kind == WAIT_UDP)
			return t->port == 53 ? "no answer (DNS server down or filtered)"
					     : "no answer (UDP: open or filtered, cannot tell)";
		return "connected, but no answer";
	case PHASE_IDLE:
		break;
	}
	return "timed out";
}

void wait_attempt_timeout(struct wait_target *t, struct wait_verdict *v)
{
	finish(v, false, timeout_reason(t));
}
