/* http: HTTP/1.1 GET/HEAD (and simple -X/-H/-d requests) for service
 * checks, with curl's option names, exit codes and timing variables.
 * This file: options, the redirect chain, output; http_transfer.c does one
 * request. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_impl.h"
#include "sonde/caps.h"
#include "sonde/clock.h"
#include "sonde/err.h"

#define HTTP_MAX_DATA_FILE (16 * 1024 * 1024)

static const char *add_to(const char **list, size_t *count, bool *too_many, const char *arg)
{
	if (*count >= HTTP_MAX_OVERRIDES) {
		*too_many = true;
		return "given too many times";
	}
	list[(*count)++] = arg;
	return NULL;
}

static const char *parse_header(void *config, const char *arg)
{
	struct http_config *cfg = config;
	const char *why = http_header_arg_error(arg);

	if (why)
		return why;
	if (cfg->header_count >= HTTP_MAX_USER_HEADERS)
		return "too many headers";
	cfg->headers[cfg->header_count++] = arg;
	return NULL;
}

static const char *parse_resolve(void *config, const char *arg)
{
	struct http_config *cfg = config;
	const char *why = http_resolve_arg_error(arg);

	if (why)
		return why;
	return add_to(cfg->resolves, &cfg->resolve_count, &cfg->too_many, arg);
}

static const char *parse_connect_to(void *config, const char *arg)
{
	struct http_config *cfg = config;
	const char *why = http_connect_to_arg_error(arg);

	if (why)
		return why;
	return add_to(cfg->connect_tos, &cfg->connect_to_count, &cfg->too_many, arg);
}

static const struct sonde_opt http_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 only", struct http_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 only", struct http_config, ipv6),
	SONDE_OPT_STRING(NULL, "cacert", "FILE", "trust the CA certificates in FILE (PEM)", struct http_config,
			 cacert),
	SONDE_OPT_STRING(NULL, "capath", "DIR", "trust the CA certificates in DIR (hashed)", struct http_config,
			 capath),
	SONDE_OPT_DOUBLE(NULL, "connect-timeout", "SECS", "limit for resolving, connecting and the TLS handshake "
			 "(default 10)", struct http_config, connect_timeout_s, 0.001, 86400),
	SONDE_OPT_FUNC(NULL, "connect-to", "H1:P1:H2:P2", "connect to H2:P2 for requests to H1:P1 (empty = any)",
		       parse_connect_to),
	SONDE_OPT_STRING("d", "data", "DATA", "send DATA as the body (POST unless -X); @FILE reads a file",
			 struct http_config, data),
	SONDE_OPT_FLAG("f", "fail", "exit 22 on a status of 400 or more (and print no body)", struct http_config,
		       fail),
	SONDE_OPT_FUNC("H", "header", "'NAME: VALUE'", "add a header, or replace a default one ('NAME:' drops it)",
		       parse_header),
	SONDE_OPT_FLAG("I", "head", "HEAD request: print the response head", struct http_config, head),
	SONDE_OPT_FLAG("i", "include", "print the response head before the body", struct http_config, include),
	SONDE_OPT_FLAG("k", "insecure", "do not verify the server's certificate", struct http_config, insecure),
	SONDE_OPT_FLAG("L", "location", "follow redirects", struct http_config, location),
	SONDE_OPT_DOUBLE("m", "max-time", "SECS", "limit for the whole command (default 300; 0: none)",
			 struct http_config, max_time_s, 0, 86400),
	SONDE_OPT_INT(NULL, "max-redirs", "N", "with -L: at most N redirects (default 50)", struct http_config,
		      max_redirs, 0, 1000),
	SONDE_OPT_STRING("o", "output", "FILE", "write the body to FILE instead of standard output",
			 struct http_config, output),
	SONDE_OPT_FUNC(NULL, "resolve", "HOST:PORT:ADDR", "use ADDR for HOST:PORT (no DNS)", parse_resolve),
	SONDE_OPT_FLAG(NULL, "timing", "print curl's time_* values as a table", struct http_config, timing),
	SONDE_OPT_COUNT("v", "verbose", "show the connection, the request and the response head on stderr",
			struct http_config, verbose),
	SONDE_OPT_STRING("X", "request", "METHOD", "request method (default GET; POST with -d)",
			 struct http_config, method),
	SONDE_OPT_END,
};

static void http_init(void *config)
{
	struct http_config *cfg = config;

	cfg->max_redirs = 50;
	cfg->connect_timeout_s = HTTP_DEFAULT_CONNECT_TIMEOUT_S;
	cfg->max_time_s = HTTP_DEFAULT_MAX_TIME_S;
}

/* -d @FILE: the file's bytes; -d TEXT: the text.  Returns 0 or an exit code. */
static int request_body(const struct http_config *cfg, char **owned, const char **body, size_t *len)
{
	struct stat st;
	ssize_t got;
	int fd;

	*owned = NULL;
	*body = cfg->data;
	*len = cfg->data ? strlen(cfg->data) : 0;
	if (!cfg->data || cfg->data[0] != '@')
		return 0;
	fd = open(cfg->data + 1, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > HTTP_MAX_DATA_FILE || !(*owned = malloc((size_t)st.st_size + 1))) {
		sonde_errno(fd < 0 ? errno : EFBIG, "-d: cannot read %s", cfg->data + 1);
		if (fd >= 0)
			close(fd);
		return HTTP_EXIT_USAGE;
	}
	got = read(fd, *owned, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		sonde_err("-d: cannot read all of %s", cfg->data + 1);
		free(*owned);
		return HTTP_EXIT_USAGE;
	}
	*body = *owned;
	*len = (size_t)got;
	return 0;
}

/* --- rendering ------------------------------------------------------------------- */

/* "timings" in milliseconds under sonde's *_ms names; "curl_timings" the
 * same instants in seconds under curl's -w names, for scripts written
 * against curl. */
static void render_timings(struct sonde_out *out, const struct http_timings *tm)
{
	static const char *const names_ms[] = { "namelookup_ms", "connect_ms", "appconnect_ms",
						"pretransfer_ms", "redirect_ms", "starttransfer_ms",
						"total_ms" };
	static const char *const curl_names[] = { "time_namelookup", "time_connect", "time_appconnect",
						  "time_pretransfer", "time_redirect", "time_starttransfer",
						  "time_total" };
	double values_ms[] = { tm->namelookup_ms, tm->connect_ms, tm->appconnect_ms, tm->pretransfer_ms,
			       tm->redirect_ms, tm->starttransfer_ms, tm->total_ms };
	size_t i;

	out_open_object(out, "timings");
	for (i = 0; i < sizeof(names_ms) / sizeof(names_ms[0]); i++)
		out_print_double(out, names_ms[i], NULL, values_ms[i]);
	out_close_object(out);
	out_open_object(out, "curl_timings");
	for (i = 0; i < sizeof(curl_names) / sizeof(curl_names[0]); i++)
		out_print_double(out, curl_names[i], NULL, values_ms[i] / 1000);
	out_close_object(out);
}

/* The --timing table, in seconds like curl's -w, plus each step's share. */
static void print_timing_table(FILE *fp, const struct http_timings *tm)
{
	double previous = tm->redirect_ms;

	fprintf(fp, "%-20s %10s %10s\n", "phase", "at (s)", "step (ms)");
	fprintf(fp, "%-20s %10.6f %10.3f\n", "time_redirect", tm->redirect_ms / 1000, tm->redirect_ms);
	fprintf(fp, "%-20s %10.6f %10.3f\n", "time_namelookup", tm->namelookup_ms / 1000, tm->namelookup_ms - previous);
	fprintf(fp, "%-20s %10.6f %10.3f\n", "time_connect", tm->connect_ms / 1000, tm->connect_ms - tm->namelookup_ms);
	previous = tm->connect_ms;
	if (tm->appconnect_ms > 0) {
		fprintf(fp, "%-20s %10.6f %10.3f\n", "time_appconnect", tm->appconnect_ms / 1000,
			tm->appconnect_ms - previous);
		previous = tm->appconnect_ms;
	} else {
		fprintf(fp, "%-20s %10.6f %10s\n", "time_appconnect", 0.0, "-");
	}
	fprintf(fp, "%-20s %10.6f %10.3f\n", "time_pretransfer", tm->pretransfer_ms / 1000, tm->pretransfer_ms - previous);
	fprintf(fp, "%-20s %10.6f %10.3f\n", "time_starttransfer", tm->starttransfer_ms / 1000,
		tm->starttransfer_ms - tm->pretransfer_ms);
	fprintf(fp, "%-20s %10.6f %10.3f\n", "time_total", tm->total_ms / 1000, tm->total_ms - tm->starttransfer_ms);
}

static void render_json(struct sonde_out *out, const struct http_transfer *t, const char *first_url,
			int redirects, int exit_code)
{
	const struct http_response *r = &t->parser.response;
	char url[HTTP_MAX_TARGET + HTTP_MAX_HOST + 32];
	size_t i;

	http_url_format(t->url, url, sizeof(url));
	out_open_object(out, NULL);
	out_print_str(out, "url", NULL, first_url);
	out_print_str(out, "effective_url", NULL, url);
	if (t->address[0])
		out_print_str(out, "address", NULL, t->address);
	else
		out_print_null(out, "address", NULL, NULL);
	out_print_uint(out, "port", NULL, t->port);
	if (t->parser.head_done) {
		out_print_int(out, "status", NULL, r->status);
		out_print_str(out, "http_version", NULL, r->version_minor ? "1.1" : "1.0");
		out_print_str(out, "reason", NULL, r->reason);
	} else {
		out_print_null(out, "status", NULL, NULL);
	}
	out_open_array(out, "headers");
	for (i = 0; i < r->header_count; i++) {
		out_open_object(out, NULL);
		out_print_str(out, "name", NULL, r->headers[i].name);
		out_print_str(out, "value", NULL, r->headers[i].value);
		out_close_object(out);
	}
	out_close_array(out);
	out_print_uint(out, "body_bytes", NULL, t->parser.body_bytes);
	out_print_int(out, "redirects", NULL, redirects);
	if (t->tls_used) {
		out_open_object(out, "tls");
		out_print_str(out, "version", NULL, t->tls_version);
		out_print_str(out, "cipher", NULL, t->tls_cipher);
		out_print_bool(out, "verified", NULL, t->tls_verified);
		out_close_object(out);
	} else {
		out_print_null(out, "tls", NULL, NULL);
	}
	render_timings(out, &t->timings);
	if (exit_code)
		out_print_str(out, "error", NULL, t->why);
	out_print_int(out, "exit_code", NULL, exit_code);
	out_close_object(out);
}

/* --- the redirect chain -------------------------------------------------------- */

struct chain {
	struct http_url url;
	int redirects;
	bool see_other;          /* a 303 (or 301/302 after POST) turns the method into GET */
	const char *body;
	size_t body_len;
};

/* After a response: the next URL to fetch, or false when this one is the last. */
static int next_hop(const struct http_config *cfg, struct http_transfer *t, struct chain *c, bool *again)
{
	const char *location = http_response_redirect(&t->parser.response);
	struct http_url next;
	bool to_get;
	int rc;

	*again = false;
	if (!cfg->location || !location)
		return HTTP_EXIT_OK;
	if (c->redirects >= cfg->max_redirs) {
		snprintf(t->why, sizeof(t->why), "maximum (%d) redirects followed", cfg->max_redirs);
		return HTTP_EXIT_REDIRECTS;
	}
	rc = http_redirect_next(&t->parser.response, &c->url, t->method, &next, &to_get);
	if (rc == -EPROTONOSUPPORT) {
		/* As a URL given on the command line would be. */
		snprintf(t->why, sizeof(t->why), "unsupported protocol in the redirect to '%.200s' (http and https only)",
			 location);
		return HTTP_EXIT_UNSUPPORTED;
	}
	if (rc < 0) {
		snprintf(t->why, sizeof(t->why), "cannot follow the redirect to '%.200s'", location);
		return HTTP_EXIT_WEIRD_REPLY;
	}
	if (to_get) {
		c->see_other = true;
		c->body = NULL;
		c->body_len = 0;
	}
	c->url = next;
	c->redirects++;
	*again = true;
	return HTTP_EXIT_OK;
}

static FILE *open_output(const struct sonde_ctx *ctx, const struct http_config *cfg)
{
	if (cfg->output) {
		FILE *fp = strcmp(cfg->output, "-") == 0 ? stdout : fopen(cfg->output, "we");

		if (!fp)
			sonde_errno(errno, "cannot create %s", cfg->output);
		return fp;
	}
	/* --json owns standard output: the body goes nowhere unless -o. */
	return ctx->json ? NULL : stdout;
}

static int finish(struct sonde_ctx *ctx, const struct http_config *cfg, struct http_transfer *t,
		  const char *first_url, int redirects, int rc, FILE *body_out)
{
	if (rc == HTTP_EXIT_OK && cfg->fail && t->parser.response.status >= 400) {
		snprintf(t->why, sizeof(t->why), "the requested URL returned error: %d", t->parser.response.status);
		rc = HTTP_EXIT_FAIL;
	}
	if (body_out && body_out != stdout && fclose(body_out) != 0 && rc == HTTP_EXIT_OK) {
		snprintf(t->why, sizeof(t->why), "cannot write %s", cfg->output);
		rc = HTTP_EXIT_WRITE;
	}
	fflush(stdout);
	if (ctx->json)
		render_json(ctx->out, t, first_url, redirects, rc);
	else if (cfg->timing)
		print_timing_table(body_out == stdout ? stderr : stdout, &t->timings);
	if (rc != HTTP_EXIT_OK)
		sonde_err("%s", t->why);
	return rc;
}

static int check_options(const struct http_config *cfg)
{
	if (cfg->too_many) {
		sonde_err("--resolve and --connect-to take at most %d entries each", HTTP_MAX_OVERRIDES);
		return HTTP_EXIT_USAGE;
	}
	if (cfg->ipv4 && cfg->ipv6) {
		sonde_err("-4 and -6 exclude each other (see --help)");
		return HTTP_EXIT_USAGE;
	}
	if (cfg->head && cfg->data) {
		sonde_err("-I and -d exclude each other (see --help)");
		return HTTP_EXIT_USAGE;
	}
	return 0;
}

/* The engine's settings from http's options. */
static void client_config(const struct http_config *cfg, struct http_run *run, struct http_client_config *client)
{
	*client = (struct http_client_config){
		.headers = cfg->headers, .header_count = cfg->header_count,
		.resolves = cfg->resolves, .resolve_count = cfg->resolve_count,
		.connect_tos = cfg->connect_tos, .connect_to_count = cfg->connect_to_count,
		.family = cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC,
		.insecure = cfg->insecure, .cacert = cfg->cacert, .capath = cfg->capath,
		.max_time_s = cfg->max_time_s, .connect_timeout_s = cfg->connect_timeout_s,
		.hooks = &http_print_hooks, .hooks_ctx = run,
	};
}

static int http_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct http_config *cfg = config;
	struct chain c = { 0 };
	struct http_transfer t;
	struct http_run run = { .cfg = cfg };
	struct http_client_config client;
	int64_t start_ns = mono_ns();
	int64_t deadline_ms = cfg->max_time_s > 0 ? deadline_after_ms((int64_t)(cfg->max_time_s * 1000 + 0.5)) : 0;
	char *owned_body = NULL;
	FILE *body_out;
	int rc = check_options(cfg);

	if (rc)
		return rc;
	rc = http_url_parse(argv[0], &c.url);
	if (rc == -EPROTONOSUPPORT) {
		sonde_err("unsupported protocol in '%s' (http and https only)", argv[0]);
		return HTTP_EXIT_UNSUPPORTED;
	}
	if (rc < 0) {
		sonde_err("malformed URL '%s'", argv[0]);
		return HTTP_EXIT_USAGE;
	}
	if ((rc = request_body(cfg, &owned_body, &c.body, &c.body_len)) != 0)
		return rc;
	if (!(body_out = open_output(ctx, cfg)) && (cfg->output || !ctx->json)) {
		free(owned_body);
		return HTTP_EXIT_WRITE;
	}
	run.body_out = body_out;
	client_config(cfg, &run, &client);
	for (;;) {
		bool again;

		t = (struct http_transfer){
			.cfg = &client, .url = &c.url, .method = http_method_for(cfg->method, cfg->head, cfg->data != NULL, c.see_other), .body = c.body,
			.body_len = c.body_len, .start_ns = start_ns,
			.deadline_ms = deadline_ms,
		};
		t.timings.redirect_ms = c.redirects ? ns_to_ms(mono_ns() - start_ns) : 0;
		rc = http_transfer_run(&t);
		if (rc != HTTP_EXIT_OK || (rc = next_hop(cfg, &t, &c, &again)) != HTTP_EXIT_OK || !again)
			break;
		http_transfer_free(&t);
	}
	rc = finish(ctx, cfg, &t, argv[0], c.redirects, rc, body_out);
	http_transfer_free(&t);
	free(owned_body);
	return rc;
}

const struct sonde_applet applet_http = {
	.name = "http",
	.summary = "HTTP/1.1 check: status, headers, body, redirects, curl-style timings",
	.usage = "[options] URL",
	.help_extra = "URL is http://HOST[:PORT]/PATH or https://...; without a scheme, http.  Options and\n"
		      "exit codes follow curl's.  One request per connection (no keep-alive); bodies\n"
		      "may be chunked or sized.  Without -m the command ends after 300 s, and without\n"
		      "--connect-timeout connecting (TLS handshake included) after 10 s: exit 28.\n"
		      "--json prints one document (status, headers, TLS, timings in seconds) instead\n"
		      "of the body (which -o can still save).  --timing prints its table on stdout,\n"
		      "or on stderr when the body goes to stdout.",
	.options = http_options,
	.config_size = sizeof(struct http_config),
	.init = http_init,
	.exit_codes = "0 success, 1 unsupported protocol, 2 usage or malformed URL, 3 privilege, 6 cannot "
		      "resolve, 7 cannot connect, 8 weird reply, 22 --fail and status >= 400, 23 write error, "
		      "28 timeout, 35 TLS handshake, 47 too many redirects, 52 empty reply, 55 send error, "
		      "56 receive error, 60 certificate, 61 transfer coding, 77 CA file (docs/http.md).",
	.min_args = 1,
	.max_args = 1,
	.caps = 0, /* no privileged socket: every capability goes before main */
	.main = http_main,
};
