/* One HTTP request on its own connection (http_client.h): where to connect
 * (--connect-to, --resolve), TCP, TLS, the request, the response through
 * the parser and the optional inflater, and a timestamp at each step.  The
 * applet's hooks see each step; this file prints nothing. */
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/http_client.h"
#include "sonde/resolve.h"
#include "sonde/sock.h"

#define RECV_CHUNK 16384

struct endpoint {
	char host[HTTP_MAX_HOST];
	uint16_t port;
};

/* "a:b:c" into fields, with [v6] kept whole (brackets removed).  Returns
 * the count, or -1 when there are more than max. */
static int split_fields(const char *text, char fields[][HTTP_MAX_HOST], int max, bool last_takes_rest)
{
	int n = 0;

	while (n < max) {
		size_t len;

		if (*text == '[') {
			len = strcspn(text + 1, "]");
			if (text[1 + len] != ']')
				return -1;
			snprintf(fields[n++], HTTP_MAX_HOST, "%.*s", (int)len, text + 1);
			text += len + 2;
		} else {
			len = (last_takes_rest && n == max - 1) ? strlen(text) : strcspn(text, ":");
			snprintf(fields[n++], HTTP_MAX_HOST, "%.*s", (int)len, text);
			text += len;
		}
		if (*text == '\0')
			return n;
		if (*text != ':')
			return -1;
		text++;
	}
	return -1;
}

static bool port_matches(const char *text, uint16_t port)
{
	uint16_t p;

	return !text[0] || (addr_parse_port(text, false, &p) == 0 && p == port);
}

/* --connect-to HOST1:PORT1:HOST2:PORT2 (empty fields match anything or
 * keep what was there), the first that matches. */
static void apply_connect_to(const struct http_client_config *cfg, struct endpoint *ep)
{
	char f[4][HTTP_MAX_HOST];
	size_t i;

	for (i = 0; i < cfg->connect_to_count; i++) {
		uint16_t port;

		if (split_fields(cfg->connect_tos[i], f, 4, false) != 4)
			continue;
		if ((f[0][0] && strcasecmp(f[0], ep->host) != 0) || !port_matches(f[1], ep->port))
			continue;
		if (f[2][0])
			snprintf(ep->host, sizeof(ep->host), "%s", f[2]);
		if (f[3][0] && addr_parse_port(f[3], false, &port) == 0)
			ep->port = port;
		return;
	}
}

/* --resolve HOST:PORT:ADDR: the address to use for that host and port. */
static void apply_resolve(const struct http_client_config *cfg, struct endpoint *ep)
{
	char f[3][HTTP_MAX_HOST];
	size_t i;

	for (i = 0; i < cfg->resolve_count; i++) {
		if (split_fields(cfg->resolves[i], f, 3, true) != 3)
			continue;
		if ((strcmp(f[0], "*") == 0 || strcasecmp(f[0], ep->host) == 0) && port_matches(f[1], ep->port)) {
			/* "[::1]" as the last field keeps its brackets. */
			size_t len = strlen(f[2]);

			if (f[2][0] == '[' && len > 2 && f[2][len - 1] == ']')
				snprintf(ep->host, sizeof(ep->host), "%.*s", (int)(len - 2), f[2] + 1);
			else
				snprintf(ep->host, sizeof(ep->host), "%s", f[2]);
			return;
		}
	}
}

const char *http_header_arg_error(const char *arg)
{
	return !strchr(arg, ':') || arg[0] == ':' ? "not 'Name: value'" : NULL;
}

const char *http_resolve_arg_error(const char *arg)
{
	char f[3][HTTP_MAX_HOST];
	uint16_t port;

	if (split_fields(arg, f, 3, true) != 3 || !f[0][0] || !f[2][0] || addr_parse_port(f[1], false, &port) < 0)
		return "not HOST:PORT:ADDR";
	return NULL;
}

/* Empty fields are allowed (they match anything, or keep what was there);
 * a port given must be one. */
const char *http_connect_to_arg_error(const char *arg)
{
	char f[4][HTTP_MAX_HOST];
	uint16_t port;

	if (split_fields(arg, f, 4, false) != 4 || (f[1][0] && addr_parse_port(f[1], false, &port) < 0) ||
	    (f[3][0] && addr_parse_port(f[3], false, &port) < 0))
		return "not HOST1:PORT1:HOST2:PORT2";
	return NULL;
}

/* The applet's hook, when it has one. */
#define HOOK(t, name) ((t)->cfg->hooks && (t)->cfg->hooks->name)

static double since_start_ms(const struct http_transfer *t)
{
	return ns_to_ms(mono_ns() - t->start_ns);
}

static int64_t nearer_deadline(int64_t a_ms, int64_t b_ms)
{
	if (!a_ms || !b_ms)
		return a_ms ? a_ms : b_ms;
	return a_ms < b_ms ? a_ms : b_ms;
}

/* What is left for a step of the connect phase (resolving, connecting, the
 * TLS handshake): the nearer of --connect-timeout and --max-time, at least
 * 1 ms once a deadline is there (0 would mean "no limit" below); -1: none. */
static int connect_left_ms(const struct http_transfer *t)
{
	int64_t deadline_ms = nearer_deadline(t->connect_deadline_ms, t->deadline_ms);
	int left_ms = deadline_poll_ms(deadline_ms);

	return deadline_ms && left_ms == 0 ? 1 : left_ms;
}

/* Which limit ended the connect phase, for the message. */
static void connect_limit_name(const struct http_transfer *t, char *buf, size_t size)
{
	if (t->deadline_ms && t->deadline_ms < t->connect_deadline_ms)
		snprintf(buf, size, "--max-time %g s", t->cfg->max_time_s);
	else
		snprintf(buf, size, "--connect-timeout %g s", t->cfg->connect_timeout_s);
}

static int fail_with(struct http_transfer *t, int code, const char *fmt, const char *arg)
{
	snprintf(t->why, sizeof(t->why), fmt, arg);
	return code;
}

static int dial(struct http_transfer *t, int *fd)
{
	const struct http_client_config *cfg = t->cfg;
	struct endpoint ep;
	struct tls_dial_result result;

	snprintf(ep.host, sizeof(ep.host), "%s", t->url->host);
	ep.port = t->url->port;
	apply_connect_to(cfg, &ep);
	apply_resolve(cfg, &ep);
	*fd = tls_dial(ep.host, ep.port, cfg->family, connect_left_ms(t), NULL, &result);
	t->timings.namelookup_ms = t->timings.redirect_ms + result.dns_ms;
	snprintf(t->host, sizeof(t->host), "%s", ep.host);
	t->port = ep.port;
	if (*fd < 0 && result.resolve_error) {
		snprintf(t->why, sizeof(t->why), "cannot resolve %s: %s", ep.host, resolve_strerror(result.resolve_error));
		t->failure = result.resolve_error == -ARES_ETIMEOUT ? HTTP_FAILED_CONNECT_TIMEOUT : HTTP_FAILED_RESOLVE;
		return result.resolve_error == -ARES_ETIMEOUT ? HTTP_EXIT_TIMEOUT : HTTP_EXIT_RESOLVE;
	}
	if (result.tried.len)
		addr_ntop(&result.tried, t->address, sizeof(t->address));
	if (*fd < 0) {
		snprintf(t->why, sizeof(t->why), "cannot connect to %s port %u: %s", ep.host, ep.port,
			 strerror(-result.connect_error));
		t->connect_error = result.connect_error;
		t->failure = result.connect_error == -ETIMEDOUT ? HTTP_FAILED_CONNECT_TIMEOUT : HTTP_FAILED_CONNECT;
		if (HOOK(t, connected))
			cfg->hooks->connected(cfg->hooks_ctx, t);
		return result.connect_error == -ETIMEDOUT ? HTTP_EXIT_TIMEOUT : HTTP_EXIT_CONNECT;
	}
	t->timings.connect_ms = since_start_ms(t);
	t->connected = true;
	sock_local_addr(*fd, &t->local);
	if (HOOK(t, connected))
		cfg->hooks->connected(cfg->hooks_ctx, t);
	return HTTP_EXIT_OK;
}

static int start_tls(struct http_transfer *t, int fd, struct tls_session **session)
{
	const struct http_client_config *cfg = t->cfg;
	struct tls_client_config c = {
		.server_name = t->url->host,
		/* -k still verifies, to report the result (curl's ssl_verify_result). */
		.verify = true,
		.report_only = cfg->insecure,
		.ca_file = cfg->cacert,
		.ca_path = cfg->capath,
		.timeout_ms = connect_left_ms(t),
		.alpn = "http/1.1",
		.cert_file = cfg->cert,
		.key_file = cfg->key,
	};
	struct tls_verification verification;
	char why[300];
	int rc = tls_session_connect(fd, &c, session, why, sizeof(why));

	t->timings.appconnect_ms = since_start_ms(t);
	if (rc < 0)
		t->failure = rc == -ETIMEDOUT ? HTTP_FAILED_CONNECT_TIMEOUT : HTTP_FAILED_TLS;
	if (rc == -ETIMEDOUT) {
		/* curl: "SSL connection timeout". */
		connect_limit_name(t, why, sizeof(why));
		return fail_with(t, HTTP_EXIT_TIMEOUT, "TLS connection timeout: no handshake within %s", why);
	}
	if (rc == -EKEYREJECTED)
		return fail_with(t, HTTP_EXIT_CERT, "TLS: %s", why);
	if ((rc == -EINVAL || rc == -ENOENT) && (cfg->cert || cfg->key) && strstr(why, "client"))
		return fail_with(t, HTTP_EXIT_CLIENT_CERT, "TLS: %s", why);
	if (rc == -EINVAL || rc == -ENOENT)
		return fail_with(t, HTTP_EXIT_CA_FILE, "TLS: %s", why);
	if (rc < 0)
		return fail_with(t, HTTP_EXIT_TLS, "TLS handshake failed: %s", why);
	t->tls_used = true;
	t->tls_verified = tls_session_verified(*session);
	tls_session_verification(*session, &verification);
	t->tls_verify_result = verification.error;
	snprintf(t->tls_version, sizeof(t->tls_version), "%s", tls_session_version(*session));
	snprintf(t->tls_cipher, sizeof(t->tls_cipher), "%s", tls_session_cipher(*session));
	if (HOOK(t, tls_done))
		cfg->hooks->tls_done(cfg->hooks_ctx, t, *session);
	return HTTP_EXIT_OK;
}

/* --max-time, looked at before every read and write: a server that keeps
 * sending (or a reader that keeps taking) never makes a read wait, so the
 * wait alone cannot be where the limit is checked.  0, or an exit code. */
static int check_deadline(struct http_transfer *t)
{
	if (!t->deadline_ms || !deadline_passed(t->deadline_ms))
		return 0;
	snprintf(t->why, sizeof(t->why), "operation timed out after %.0f ms with %llu bytes received (--max-time %g s)",
		 since_start_ms(t), (unsigned long long)t->received_bytes, t->cfg->max_time_s);
	t->failure = t->connected ? HTTP_FAILED_TIMEOUT : HTTP_FAILED_CONNECT_TIMEOUT;
	return HTTP_EXIT_TIMEOUT;
}

/* Waits for what a net op asked for; 0, or an exit code on timeout. */
static int wait_io(struct http_transfer *t, int fd, ssize_t op_result)
{
	struct pollfd pfd = { fd, op_result == RELAY_WANT_WRITE ? POLLOUT : POLLIN, 0 };

	poll(&pfd, 1, t->deadline_ms ? deadline_poll_ms(t->deadline_ms) : -1);
	return check_deadline(t);
}

static bool would_block(ssize_t n)
{
	return n == RELAY_WANT_READ || n == RELAY_WANT_WRITE || n == -EAGAIN || n == -EINTR;
}

static int send_request(struct http_transfer *t, int fd, const struct relay_net_ops *ops, void *io)
{
	const struct http_client_config *cfg = t->cfg;
	struct http_request req = {
		.method = t->method, .url = t->url, .headers = cfg->headers, .header_count = cfg->header_count,
		.body = t->body, .body_len = t->body_len, .user_agent = cfg->user_agent,
		.no_connection_close = cfg->no_connection_close, .body_headers_last = cfg->no_connection_close,
		.accept_encoding = cfg->decode_content ? HTTP_ACCEPT_ENCODING : NULL,
		.authorization = cfg->authorization, .referer = cfg->referer,
	};
	char *bytes;
	size_t len, sent = 0;
	int rc = http_request_build(&req, &bytes, &len);

	if (rc < 0)
		return fail_with(t, HTTP_EXIT_USAGE, "cannot build the request: %s", strerror(-rc));
	t->timings.pretransfer_ms = since_start_ms(t);
	t->request_bytes = len;
	if (HOOK(t, request))
		cfg->hooks->request(cfg->hooks_ctx, t, bytes, len - t->body_len, t->body_len);
	while (sent < len && rc == 0 && (rc = check_deadline(t)) == 0) {
		ssize_t n = ops->send(io, bytes + sent, len - sent);

		if (n > 0)
			sent += (size_t)n;
		else if (would_block(n))
			rc = wait_io(t, fd, n == RELAY_WANT_READ ? RELAY_WANT_READ : RELAY_WANT_WRITE);
		else
			rc = fail_with(t, HTTP_EXIT_SEND, "cannot send the request: %s", strerror(n < 0 ? (int)-n : EPIPE));
	}
	free(bytes);
	return rc;
}

/* Once the head is complete the caller may decide the body is not wanted
 * (a redirect, --fail); this runs between the head and the first body byte. */
static void on_head(struct http_transfer *t);

/* Decoded body bytes to the applet. */
static int deliver_body(void *ctx, const char *data, size_t len)
{
	struct http_transfer *t = ctx;

	if (t->discard_body || !HOOK(t, body))
		return 0;
	if (t->cfg->hooks->body(t->cfg->hooks_ctx, t, data, len) < 0) {
		t->body_write_failed = true;
		return -EIO;
	}
	return 0;
}

/* The parser's body bytes: through the inflater when the body is coded. */
static int body_sink(void *ctx, const char *data, size_t len)
{
	struct http_transfer *t = ctx;
	int rc;

	if (!t->head_handled)
		on_head(t);
	if (!t->inflater || t->discard_body)
		return deliver_body(t, data, len);
	rc = inflate_feed(t->inflater, data, len);
	if (rc == -EBADMSG)
		t->decode_failed = true;
	return rc;
}

/* curl's exit code for each kind of fault: a malformed length is a weird
 * reply (8), a coding it cannot decode 61, a head over the limit a receive
 * error (56, "Too large response headers"). */
static int parse_failure(struct http_transfer *t, int rc)
{
	const struct http_parser *p = &t->parser;
	const char *why = p->error ? p->error : "unreadable";

	if (t->body_write_failed)
		return fail_with(t, HTTP_EXIT_WRITE, "cannot write the body%s", "");
	if (t->decode_failed)
		return fail_with(t, HTTP_EXIT_BAD_ENCODING, "cannot decode the body: %s", inflate_error(t->inflater));
	if (rc == -EPROTO && p->head_bytes == 0 && p->response.status == 0 && !p->head_done)
		return fail_with(t, HTTP_EXIT_EMPTY_REPLY, "empty reply from server%s", "");
	switch (p->fault) {
	case HTTP_FAULT_HEAD_TOO_LARGE:
		snprintf(t->why, sizeof(t->why), "bad response: %s (over %d bytes, %d interim responses included)", why,
			 HTTP_MAX_HEADER_BYTES, p->response.interim_count);
		return HTTP_EXIT_RECV;
	case HTTP_FAULT_LENGTH:
		return fail_with(t, HTTP_EXIT_WEIRD_REPLY, "bad response: %s", why);
	case HTTP_FAULT_CODING:
		return fail_with(t, HTTP_EXIT_BAD_ENCODING, "bad response: %s", why);
	default:
		return fail_with(t, p->head_done ? HTTP_EXIT_RECV : HTTP_EXIT_WEIRD_REPLY, "bad response: %s", why);
	}
}

/* Network bytes into the parser; the applet hears how many were body. */
static int feed(struct http_transfer *t, const char *data, size_t len)
{
	uint64_t head_before = t->parser.head_bytes;
	int rc = http_parser_feed(&t->parser, data, len);
	size_t head_now = (size_t)(t->parser.head_bytes - head_before);

	if (t->parser.head_done && len > head_now && HOOK(t, received))
		t->cfg->hooks->received(t->cfg->hooks_ctx, t, len - head_now);
	return rc;
}

/* The body is complete: whatever the inflater still holds goes out. */
static int finish_decoding(struct http_transfer *t)
{
	if (!t->inflater || t->discard_body)
		return HTTP_EXIT_OK;
	if (inflate_finish(t->inflater) < 0) {
		if (t->body_write_failed)
			return fail_with(t, HTTP_EXIT_WRITE, "cannot write the body%s", "");
		return fail_with(t, HTTP_EXIT_BAD_ENCODING, "cannot decode the body: %s", inflate_error(t->inflater));
	}
	return HTTP_EXIT_OK;
}

static int receive_response(struct http_transfer *t, int fd, const struct relay_net_ops *ops, void *io)
{
	char buf[RECV_CHUNK];
	bool first = true;

	for (;;) {
		int rc = check_deadline(t);
		ssize_t n;

		if (rc)
			return rc;
		n = ops->recv(io, buf, sizeof(buf));
		if (would_block(n)) {
			if ((rc = wait_io(t, fd, n)) != 0)
				return rc;
			continue;
		}
		if (n < 0)
			return fail_with(t, HTTP_EXIT_RECV, "receive failure: %s", strerror((int)-n));
		if (n == 0)
			rc = http_parser_finish(&t->parser);
		else {
			if (first)
				t->timings.starttransfer_ms = since_start_ms(t);
			first = false;
			t->received_bytes += (uint64_t)n;
			rc = feed(t, buf, (size_t)n);
		}
		if (t->parser.head_done && !t->head_handled)
			on_head(t);
		if (rc < 0)
			return parse_failure(t, rc);
		if (rc == 1)
			return finish_decoding(t);
	}
}

/* The final head is complete: set up decoding, then let the applet decide
 * about the body. */
static void on_head(struct http_transfer *t)
{
	const char *coding = http_response_header(&t->parser.response, "Content-Encoding");

	t->head_handled = true;
	if (t->cfg->decode_content && coding && inflate_supports(coding) && !t->inflater)
		inflate_new(coding, deliver_body, t, &t->inflater);
	if (HOOK(t, head))
		t->cfg->hooks->head(t->cfg->hooks_ctx, t);
}

static void head_line(void *ctx, const char *line, size_t len, bool crlf)
{
	struct http_transfer *t = ctx;
	char raw[HTTP_MAX_LINE + 2];

	if (!HOOK(t, head_line))
		return;
	memcpy(raw, line, len);
	if (crlf)
		raw[len++] = '\r';
	raw[len++] = '\n';
	t->cfg->hooks->head_line(t->cfg->hooks_ctx, t, raw, len);
}

int http_transfer_run(struct http_transfer *t)
{
	struct tls_session *session = NULL;
	const struct relay_net_ops *ops = &relay_socket_ops;
	void *io;
	int fd = -1, rc;

	http_parser_init(&t->parser, strcmp(t->method, "HEAD") == 0, body_sink, t);
	t->parser.head_line = head_line;
	t->parser.head_line_ctx = t;
	if (t->cfg->connect_timeout_s > 0)
		t->connect_deadline_ms = deadline_after_ms((int64_t)(t->cfg->connect_timeout_s * 1000 + 0.5));
	rc = dial(t, &fd);
	io = &fd;
	if (rc == HTTP_EXIT_OK && t->url->tls) {
		rc = start_tls(t, fd, &session);
		ops = &tls_session_relay_ops;
		io = session;
	} else {
		t->timings.appconnect_ms = 0;
	}
	if (rc == HTTP_EXIT_OK)
		rc = send_request(t, fd, ops, io);
	if (rc == HTTP_EXIT_OK)
		rc = receive_response(t, fd, ops, io);
	t->timings.total_ms = since_start_ms(t);
	tls_session_free(session);
	if (fd >= 0)
		close(fd);
	return rc;
}

void http_transfer_free(struct http_transfer *t)
{
	http_parser_free(&t->parser);
	inflate_free(t->inflater);
	t->inflater = NULL;
}
