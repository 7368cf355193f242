/* What http prints while a transfer runs (libcore/http_client.c calls
 * these hooks): -v's connection, TLS, request (> ) and response (< )
 * lines on stderr, -i/-I's response head, and the body. */
#include <string.h>

#include "http_impl.h"

static void verbose_lines(const char *prefix, const char *text, size_t len)
{
	while (len > 0) {
		size_t line = 0;

		while (line < len && text[line] != '\n')
			line++;
		fprintf(stderr, "%s%.*s\n", prefix, (int)(line > 0 && text[line - 1] == '\r' ? line - 1 : line),
			text);
		if (line == 0 || (line == 1 && text[0] == '\r'))
			break;
		text += line + (line < len);
		len -= line + (line < len);
	}
}

static void on_connected(void *ctx, struct http_transfer *t)
{
	struct http_run *run = ctx;

	if (run->cfg->verbose && t->connected)
		fprintf(stderr, "* Connected to %s (%s) port %u\n", t->host, t->address, t->port);
}

static void on_tls_done(void *ctx, struct http_transfer *t, const struct tls_session *session)
{
	struct http_run *run = ctx;

	if (run->cfg->verbose)
		fprintf(stderr, "* TLS %s / %s, certificate %s\n", t->tls_version, t->tls_cipher,
			t->tls_verified ? "verified" : "NOT verified (--insecure)");
}

static void on_request(void *ctx, struct http_transfer *t, const char *bytes, size_t head_len, size_t body_len)
{
	struct http_run *run = ctx;

	if (run->cfg->verbose)
		verbose_lines("> ", bytes, head_len);
}

static void on_head(void *ctx, struct http_transfer *t)
{
	struct http_run *run = ctx;
	const struct http_config *cfg = run->cfg;
	const struct http_response *r = &t->parser.response;
	size_t i;

	if (cfg->verbose) {
		fprintf(stderr, "< HTTP/1.%d %d %s\n", r->version_minor, r->status, r->reason);
		for (i = 0; i < r->header_count; i++)
			fprintf(stderr, "< %s: %s\n", r->headers[i].name, r->headers[i].value);
		fprintf(stderr, "<\n");
	}
	if (cfg->fail && r->status >= 400)
		t->discard_body = true;
	if (cfg->location && http_response_redirect(r))
		t->discard_body = true;
	/* -I prints the head as -i would (curl: the head is what HEAD is for). */
	if ((cfg->include || cfg->head) && run->body_out) {
		fprintf(run->body_out, "HTTP/1.%d %d %s\r\n", r->version_minor, r->status, r->reason);
		for (i = 0; i < r->header_count; i++)
			fprintf(run->body_out, "%s: %s\r\n", r->headers[i].name, r->headers[i].value);
		fprintf(run->body_out, "\r\n");
	}
}

static int on_body(void *ctx, struct http_transfer *t, const char *data, size_t len)
{
	struct http_run *run = ctx;

	if (!run->body_out)
		return 0;
	return fwrite(data, 1, len, run->body_out) == len ? 0 : -1;
}

const struct http_client_hooks http_print_hooks = {
	.connected = on_connected,
	.tls_done = on_tls_done,
	.request = on_request,
	.head = on_head,
	.body = on_body,
};
