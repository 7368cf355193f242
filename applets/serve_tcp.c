/* The tcp prober (tcp_connect, ssh_banner, irc_banner, pop3s_banner): a
 * connect to host:port, TLS when the module says so, then the module's
 * dialogue line by line, as blackbox_exporter's query_response: an expect
 * reads lines until one matches its regular expression (the end of the
 * stream first: probe_failed_due_to_regex 1), a send writes its line with
 * "${1}" taken from the match. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_impl.h"
#include "sonde/reason.h"

#define LINE_MAX_BYTES 4096

struct line_reader {
	char buf[LINE_MAX_BYTES * 2];
	size_t len;
	bool eof;
};

/* The next line (LF or CRLF ended, as Go's bufio.ScanLines) into line:
 * 1, 0 at the end of the stream, or -errno. */
static int read_line(struct serve_probe *p, struct serve_conn *c, struct line_reader *r, char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(r->buf, '\n', r->len);
		size_t take;
		long got;

		if (nl || (r->eof && r->len) || r->len == sizeof(r->buf)) {
			take = nl ? (size_t)(nl - r->buf) : r->len;
			snprintf(line, size, "%.*s", (int)(take && r->buf[take - 1] == '\r' ? take - 1 : take), r->buf);
			take += nl ? 1 : 0;
			memmove(r->buf, r->buf + take, r->len - take);
			r->len -= take;
			return 1;
		}
		if (r->eof)
			return 0;
		got = serve_conn_read(p, c, r->buf + r->len, sizeof(r->buf) - r->len);
		if (got < 0)
			return (int)got;
		if (got == 0)
			r->eof = true;
		r->len += (size_t)got;
	}
}

/* send with "${1}".."${9}" replaced by the match's groups. */
static void expand(const char *send, const char *line, const regmatch_t *m, char *out, size_t size)
{
	size_t n = 0;

	for (const char *s = send; *s && n + 1 < size; s++) {
		if (s[0] == '$' && s[1] == '{' && s[2] >= '0' && s[2] <= '9' && s[3] == '}') {
			const regmatch_t *g = &m[s[2] - '0'];

			if (g->rm_so >= 0)
				n += (size_t)snprintf(out + n, size - n, "%.*s", (int)(g->rm_eo - g->rm_so),
						      line + g->rm_so);
			if (n >= size)
				n = size - 1;
			s += 3;
			continue;
		}
		out[n++] = *s;
	}
	out[n] = '\0';
}

static const char *const failed_due_to_regex_help = "Indicates if probe failed due to regex";

/* One expect: 0 matched (m filled from line), or -1 with the reason. */
static int expect_line(struct serve_probe *p, struct serve_conn *c, struct line_reader *r, const char *pattern,
		       char *line, size_t size, regmatch_t *m)
{
	regex_t re;
	int rc;

	if (regcomp(&re, pattern, REG_EXTENDED) != 0) {
		snprintf(p->reason, sizeof(p->reason), "bad expect pattern");
		return -1;
	}
	while ((rc = read_line(p, c, r, line, size)) == 1) {
		serve_log(p, "debug", "Read line: %s", line);
		if (regexec(&re, line, 10, m, 0) == 0) {
			regfree(&re);
			serve_log(p, "info", "Regexp matched: %s", pattern);
			expo_set(p->expo, "probe_failed_due_to_regex", failed_due_to_regex_help, EXPO_GAUGE, 0, NULL);
			return 0;
		}
	}
	regfree(&re);
	if (rc < 0) {
		snprintf(p->reason, sizeof(p->reason), "%s", reason_connect(rc));
		serve_log(p, "error", "Error reading from connection: %s", p->reason);
		return -1;
	}
	expo_set(p->expo, "probe_failed_due_to_regex", failed_due_to_regex_help, EXPO_GAUGE, 1, NULL);
	snprintf(p->reason, sizeof(p->reason), "the answer does not match %s", pattern);
	serve_log(p, "error", "Regexp did not match: %s", pattern);
	return -1;
}

static bool run_steps(struct serve_probe *p, struct serve_conn *c)
{
	struct line_reader reader;
	char line[LINE_MAX_BYTES], send[LINE_MAX_BYTES + 2];
	regmatch_t m[10];

	reader.len = 0;
	reader.eof = false;
	for (size_t i = 0; i < SERVE_MAX_STEPS; i++) {
		const struct serve_step *st = &p->module->steps[i];

		if (!st->expect && !st->send)
			break;
		memset(m, -1, sizeof(m));
		line[0] = '\0';
		if (st->expect && expect_line(p, c, &reader, st->expect, line, sizeof(line), m) < 0)
			return false;
		if (st->send) {
			int rc;

			expand(st->send, line, m, send, sizeof(send) - 1);
			strcat(send, "\n");
			serve_log(p, "debug", "Sending line: %.*s", (int)strlen(send) - 1, send);
			rc = serve_conn_write(p, c, send, strlen(send));
			if (rc < 0) {
				snprintf(p->reason, sizeof(p->reason), "%s", reason_connect(rc));
				return false;
			}
		}
	}
	return true;
}

bool serve_prober_tcp(struct serve_probe *p)
{
	char host[SERVE_TARGET_MAX];
	const char *port_text;
	struct sonde_addr addr;
	struct serve_conn c = { .fd = -1 };
	uint16_t port;
	double lookup_s;
	bool ok;

	expo_set(p->expo, "probe_failed_due_to_regex", failed_due_to_regex_help, EXPO_GAUGE, 0, NULL);
	if (addr_split_hostport(p->target, host, sizeof(host), &port_text) < 0 || !port_text ||
	    addr_parse_port(port_text, false, &port) < 0) {
		snprintf(p->reason, sizeof(p->reason), "target is not host:port");
		serve_log(p, "error", "Error splitting target address and port");
		return false;
	}
	if (serve_resolve(p, host, port, &addr, &lookup_s) < 0)
		return false;
	if (serve_conn_open(p, &addr, &c) < 0)
		return false;
	if (p->module->tls) {
		if (serve_conn_tls(p, &c, host) < 0) {
			serve_conn_close(&c);
			return false;
		}
		serve_tls_facts(p, c.tls);
	}
	ok = run_steps(p, &c);
	serve_conn_close(&c);
	return ok;
}
