/* What each protocol sends first and what counts as its own answer: a
 * server that accepts the connection but does not speak the protocol (a
 * banner, another service on the port) is not ready.  Every answer is
 * untrusted input: lengths are checked before anything is read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sonde/dns.h"
#include "sonde/reason.h"
#include "sonde/scan.h"
#include "sonde/x509.h"
#include "wait_impl.h"

/* PostgreSQL protocol 3.0 (196608). */
#define PG_PROTOCOL_3 0x00030000u
/* SQLSTATE cannot_connect_now: starting up, shutting down, in recovery. */
#define PG_CANNOT_CONNECT_NOW "57P03"
#define PG_MAX_MESSAGE 8192
#define MYSQL_HANDSHAKE_V10 0x0a
#define MYSQL_ERR_PACKET 0xff
/* A server's greeting is under 200 bytes; a length beyond this is not one. */
#define MYSQL_MAX_GREETING 1024
#define REDIS_MAX_LINE 512

static void verdict(struct wait_verdict *v, bool ready, const char *fmt, const char *arg)
{
	v->ready = ready;
	snprintf(v->reason, sizeof(v->reason), fmt, arg);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A StartupMessage: the reply says whether the server takes connections
 * now (an authentication request, or an error other than "cannot connect
 * now", as pg_isready judges), which an SSLRequest's 'S'/'N' cannot (the
 * postmaster answers it while still starting up); and it needs no TLS
 * whether the server offers it or not. */
static int postgres_request(char **request, size_t *len)
{
	static const char params[] = "user\0sonde\0database\0postgres\0application_name\0sonde-wait\0";
	size_t total = 8 + sizeof(params); /* the final NUL ends the list */
	unsigned char *msg = calloc(1, total);

	if (!msg)
		return -ENOMEM;
	put_be32(msg, (uint32_t)total);
	put_be32(msg + 4, PG_PROTOCOL_3);
	memcpy(msg + 8, params, sizeof(params));
	*request = (char *)msg;
	*len = total;
	return 0;
}

static int http_request(const struct wait_target *t, char **request, size_t *len)
{
	struct http_request req = { .method = "GET", .url = &t->url, .user_agent = "sonde-wait" };

	return http_request_build(&req, request, len);
}

int wait_proto_request(const struct wait_target *t, char **request, size_t *len)
{
	*request = NULL;
	*len = 0;
	switch (t->kind) {
	case WAIT_POSTGRES:
		return postgres_request(request, len);
	case WAIT_REDIS:
		*request = strdup("PING\r\n");
		*len = 6;
		return *request ? 0 : -ENOMEM;
	case WAIT_HTTP:
		return http_request(t, request, len);
	case WAIT_UDP: {
		size_t payload_len = 0;
		const uint8_t *payload = scan_udp_payload(t->port, &payload_len);

		/* An empty datagram still draws an ICMP port unreachable. */
		*request = malloc(payload_len ? payload_len : 1);
		if (!*request)
			return -ENOMEM;
		if (payload_len)
			memcpy(*request, payload, payload_len);
		*len = payload_len;
		return 0;
	}
	default:
		return 0;
	}
}

/* An ErrorResponse's field: 'C' the SQLSTATE, 'M' the message. */
static const char *pg_error_field(const unsigned char *body, size_t len, char code)
{
	size_t i = 0;

	while (i < len && body[i] != 0) {
		char type = (char)body[i++];
		const unsigned char *end = memchr(body + i, 0, len - i);

		if (!end)
			return NULL;
		if (type == code)
			return (const char *)body + i;
		i = (size_t)(end - body) + 1;
	}
	return NULL;
}

static int postgres_judge(const struct wait_attempt *at, bool closed, struct wait_verdict *v)
{
	const unsigned char *in = at->input;
	uint32_t len;

	if (at->input_len < 5)
		goto need_more;
	len = be32(in + 1);
	if ((in[0] != 'R' && in[0] != 'E' && in[0] != 'v') || len < 8 || len > PG_MAX_MESSAGE) {
		verdict(v, false, "answers but is not PostgreSQL%s", "");
		return 1;
	}
	if (at->input_len < 1 + (size_t)len)
		goto need_more;
	if (in[0] == 'R' && be32(in + 5) <= 12) {
		verdict(v, true, "PostgreSQL accepts connections%s", "");
		return 1;
	}
	if (in[0] == 'v') {
		verdict(v, true, "PostgreSQL accepts connections%s", "");
		return 1;
	}
	if (in[0] == 'E') {
		const char *state = pg_error_field(in + 5, len - 4, 'C'), *msg = pg_error_field(in + 5, len - 4, 'M');

		if (state && strlen(state) == 5 && msg) {
			/* Any other error (no such role, authentication) comes from
			 * a server that takes connections: the client's business. */
			if (strcmp(state, PG_CANNOT_CONNECT_NOW) == 0)
				verdict(v, false, "PostgreSQL does not accept connections yet: %s", msg);
			else
				verdict(v, true, "PostgreSQL accepts connections (it answered: %s)", msg);
			return 1;
		}
	}
	verdict(v, false, "answers but is not PostgreSQL%s", "");
	return 1;
need_more:
	if (!closed)
		return 0;
	verdict(v, false, at->input_len ? "answers but is not PostgreSQL%s" : "connection closed without an answer%s",
		"");
	return 1;
}

static uint32_t le_n(const unsigned char *p, int bytes)
{
	uint32_t v = 0;

	while (bytes-- > 0)
		v = v << 8 | p[bytes];
	return v;
}

/* Protocol 10's greeting: version, NUL, thread id (4), auth data (8), a
 * zero filler. */
static bool mysql_greeting(const unsigned char *payload, size_t len, char *version, size_t size)
{
	const unsigned char *nul = memchr(payload + 1, 0, len - 1);
	size_t i, vlen;

	if (!nul)
		return false;
	vlen = (size_t)(nul - payload - 1);
	if (vlen == 0 || vlen >= size || (size_t)(nul - payload) + 1 + 4 + 8 + 1 > len)
		return false;
	for (i = 0; i < vlen; i++)
		if (payload[1 + i] < 0x20 || payload[1 + i] > 0x7e)
			return false;
	if (nul[1 + 4 + 8] != 0)
		return false;
	memcpy(version, payload + 1, vlen);
	version[vlen] = '\0';
	return true;
}

/* An error message: text, no control characters. */
static bool printable(const unsigned char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] < 0x20 || text[i] == 0x7f)
			return false;
	return true;
}

static int mysql_judge(const struct wait_attempt *at, bool closed, struct wait_verdict *v)
{
	const unsigned char *in = at->input;
	uint32_t len;
	char text[160];

	if (at->input_len < 4)
		goto need_more;
	len = le_n(in, 3);
	if (len < 1 || len > MYSQL_MAX_GREETING || in[3] != 0) {
		verdict(v, false, "answers but is not MySQL%s", "");
		return 1;
	}
	if (at->input_len < 4 + (size_t)len)
		goto need_more;
	if (in[4] == MYSQL_HANDSHAKE_V10 && mysql_greeting(in + 4, len, text, sizeof(text))) {
		verdict(v, true, "MySQL protocol 10, server %s", text);
		return 1;
	}
	if (in[4] == MYSQL_ERR_PACKET && len > 3 && printable(in + 4 + 3, len - 3)) {
		size_t msg_len = len - 3;

		if (msg_len >= sizeof(text))
			msg_len = sizeof(text) - 1;
		memcpy(text, in + 4 + 3, msg_len);
		text[msg_len] = '\0';
		/* A running server refusing this client (host not allowed,
		 * too many connections): up, as mysqladmin ping judges. */
		snprintf(v->reason, sizeof(v->reason), "MySQL answers (it refused this client: error %u: %.120s)",
			 (unsigned)le_n(in + 5, 2), text);
		v->ready = true;
		return 1;
	}
	verdict(v, false, "answers but is not MySQL%s", "");
	return 1;
need_more:
	if (!closed)
		return 0;
	verdict(v, false, at->input_len ? "answers but is not MySQL%s" : "connection closed without an answer%s", "");
	return 1;
}

/* The first line of the answer to PING: +PONG, or an error that only a
 * running Redis gives (-NOAUTH: it wants a password, the client's
 * business); -LOADING and the like say it is not ready yet. */
static int redis_judge(const struct wait_attempt *at, bool closed, struct wait_verdict *v)
{
	const char *in = (const char *)at->input;
	const char *eol = memchr(in, '\n', at->input_len);
	char line[REDIS_MAX_LINE];
	size_t len;

	if (!eol) {
		if (!closed && at->input_len < REDIS_MAX_LINE)
			return 0;
		verdict(v, false, at->input_len ? "answers but is not Redis%s" : "connection closed without an answer%s",
			"");
		return 1;
	}
	len = (size_t)(eol - in);
	if (len == 0 || in[len - 1] != '\r' || len >= sizeof(line)) {
		verdict(v, false, "answers but is not Redis%s", "");
		return 1;
	}
	memcpy(line, in, len - 1);
	line[len - 1] = '\0';
	if (strcmp(line, "+PONG") == 0)
		verdict(v, true, "Redis answers PONG%s", "");
	else if (strncmp(line, "-NOAUTH", 7) == 0)
		verdict(v, true, "Redis answers (it wants AUTH)%s", "");
	else if (line[0] == '-' && line[1] >= 'A' && line[1] <= 'Z')
		verdict(v, false, "Redis is not ready: %.150s", line + 1);
	else
		verdict(v, false, "answers but is not Redis%s", "");
	return 1;
}

int wait_proto_judge(const struct wait_config *cfg, const struct wait_target *t, struct wait_attempt *at,
		     bool closed, struct wait_verdict *v)
{
	(void)cfg;
	switch (t->kind) {
	case WAIT_POSTGRES: return postgres_judge(at, closed, v);
	case WAIT_MYSQL: return mysql_judge(at, closed, v);
	case WAIT_REDIS: return redis_judge(at, closed, v);
	default:
		verdict(v, false, "internal: no judge for %s", wait_kind_name(t->kind));
		return 1;
	}
}

static bool status_wanted(const struct wait_config *cfg, int status)
{
	size_t i;

	if (cfg->status_count == 0)
		return status >= 200 && status <= 299;
	for (i = 0; i < cfg->status_count; i++)
		if (status >= cfg->status[i].low && status <= cfg->status[i].high)
			return true;
	return false;
}

void wait_http_judge(const struct wait_config *cfg, const struct wait_attempt *at, struct wait_verdict *v)
{
	int status = at->http.response.status;

	v->ready = false;
	if (!status_wanted(cfg, status)) {
		snprintf(v->reason, sizeof(v->reason), "HTTP %d", status);
		return;
	}
	if (cfg->body_set && regexec(&cfg->body_re, at->body ? at->body : "", 0, NULL, 0) != 0) {
		snprintf(v->reason, sizeof(v->reason), "HTTP %d, but the body does not match --body", status);
		return;
	}
	v->ready = true;
	snprintf(v->reason, sizeof(v->reason), "HTTP %d", status);
}

void wait_udp_judge(const struct wait_target *t, const unsigned char *reply, size_t len, struct wait_verdict *v)
{
	size_t query_len = 0;
	const uint8_t *query = scan_udp_payload(t->port, &query_len);

	if (t->port != 53) {
		verdict(v, true, "answers over UDP%s", "");
		return;
	}
	/* Any DNS reply to our query, REFUSED included, is a DNS server. */
	if (query && query_len >= 2 && len >= DNS_HEADER_LEN && reply[0] == query[0] && reply[1] == query[1] &&
	    (reply[2] & 0x80)) {
		char rcode[16];

		snprintf(v->reason, sizeof(v->reason), "DNS server answers (%s)",
			 dns_rcode_name(reply[3] & 0x0f, rcode, sizeof(rcode)));
		v->ready = true;
		return;
	}
	verdict(v, false, "answers but is not DNS%s", "");
}

void wait_tls_judge(const struct wait_config *cfg, struct tls_session *tls, struct wait_verdict *v)
{
	struct x509_info *chain = NULL;
	int count;
	int64_t days;

	if (!tls_session_verified(tls)) {
		struct tls_verification tv;

		tls_session_verification(tls, &tv);
		if (tv.name_checked && !tv.name_matched)
			verdict(v, false, "TLS certificate does not match %.150s", tv.name);
		else
			verdict(v, false, "TLS certificate not trusted: %s", tv.reason ? tv.reason : "unknown");
		return;
	}
	count = tls_session_peer_chain(tls, false, &chain);
	if (count <= 0) {
		verdict(v, false, "TLS server sent no certificate%s", "");
		return;
	}
	days = x509_days_left(&chain[0], (int64_t)time(NULL));
	x509_info_array_free(chain, (size_t)count);
	v->ready = days >= cfg->min_days;
	if (v->ready)
		snprintf(v->reason, sizeof(v->reason), "TLS verified, certificate valid %lld more days", (long long)days);
	else
		snprintf(v->reason, sizeof(v->reason), "TLS certificate expires in %lld days (--min-days %d)",
			 (long long)days, cfg->min_days);
}

void wait_tls_failure(int err, const char *why, struct wait_verdict *v)
{
	v->ready = false;
	reason_tls(err, why, v->reason, sizeof(v->reason));
}
