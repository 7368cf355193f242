/* curl: curl 7.88's everyday options with curl's meaning, output and exit
 * codes, on libcore's HTTP client (the one under http).  This file: the
 * options, the redirect chain and main; curl_out.c prints, curl_request.c
 * builds the request's parts, curl_write_out.c does -w. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curl_impl.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/resolve.h"
#include "sonde/version.h"

static const char *add_to(const char **list, size_t *count, size_t max, bool *too_many, const char *arg)
{
	if (*count >= max) {
		*too_many = true;
		return NULL; /* main says how many fit */
	}
	list[(*count)++] = arg;
	return NULL;
}

static const char *parse_header(void *config, const char *arg)
{
	struct curl_config *cfg = config;

	/* curl takes "Name;" for an empty value; sonde's request builder does not. */
	if (http_header_arg_error(arg))
		return "not 'Name: value' (curl's 'Name;' form is not supported)";
	return add_to(cfg->headers, &cfg->header_count, CURL_MAX_HEADERS, &cfg->too_many, arg);
}

static const char *parse_resolve(void *config, const char *arg)
{
	struct curl_config *cfg = config;
	const char *why = http_resolve_arg_error(arg);

	if (why)
		return why;
	return add_to(cfg->resolves, &cfg->resolve_count, CURL_MAX_OVERRIDES, &cfg->too_many, arg);
}

static const char *parse_connect_to(void *config, const char *arg)
{
	struct curl_config *cfg = config;
	const char *why = http_connect_to_arg_error(arg);

	if (why)
		return why;
	return add_to(cfg->connect_tos, &cfg->connect_to_count, CURL_MAX_OVERRIDES, &cfg->too_many, arg);
}

static const char *add_data(struct curl_config *cfg, const char *arg, enum curl_data_kind kind)
{
	if (cfg->data_count >= CURL_MAX_DATA) {
		cfg->too_many = true;
		return NULL;
	}
	cfg->data[cfg->data_count++] = (struct curl_data){ arg, kind };
	return NULL;
}

static const char *parse_data(void *config, const char *arg)
{
	return add_data(config, arg, CURL_DATA_ASCII);
}

static const char *parse_data_binary(void *config, const char *arg)
{
	return add_data(config, arg, CURL_DATA_BINARY);
}

static const char *parse_data_raw(void *config, const char *arg)
{
	return add_data(config, arg, CURL_DATA_RAW);
}

/* -4 and -6 both: curl keeps both restrictions and reaches nothing. */
static const char *parse_ipv4(void *config, const char *arg)
{
	struct curl_config *cfg = config;

	cfg->ipv4 = true;
	cfg->family_conflict = cfg->ipv6;
	return NULL;
}

static const char *parse_ipv6(void *config, const char *arg)
{
	struct curl_config *cfg = config;

	cfg->ipv6 = true;
	cfg->family_conflict = cfg->ipv4;
	return NULL;
}

static const struct sonde_opt curl_options[] = {
	SONDE_OPT_FUNC("4", "ipv4", NULL, "resolve names to IPv4 addresses only", parse_ipv4),
	SONDE_OPT_FUNC("6", "ipv6", NULL, "resolve names to IPv6 addresses only", parse_ipv6),
	SONDE_OPT_STRING("A", "user-agent", "NAME", "User-Agent to send (default curl/" CURL_IMITATED_VERSION ")",
			 struct curl_config, user_agent),
	SONDE_OPT_STRING(NULL, "cacert", "FILE", "trust the CA certificates in FILE (PEM)", struct curl_config, cacert),
	SONDE_OPT_STRING(NULL, "capath", "DIR", "trust the CA certificates in DIR (hashed)", struct curl_config,
			 capath),
	SONDE_OPT_STRING("E", "cert", "FILE", "client certificate (PEM; no passphrase)", struct curl_config, cert),
	SONDE_OPT_FLAG(NULL, "compressed", "ask for a gzip or deflate body and decode it", struct curl_config,
		       compressed),
	SONDE_OPT_DOUBLE(NULL, "connect-timeout", "SECS", "limit for connecting (name, TCP, TLS handshake)",
			 struct curl_config, connect_timeout_s, 0.001, 2147483),
	SONDE_OPT_FUNC(NULL, "connect-to", "H1:P1:H2:P2", "connect to H2:P2 for requests to H1:P1 (empty = any)",
		       parse_connect_to),
	SONDE_OPT_FUNC("d", "data", "DATA", "POST DATA (@FILE: the file without CR and LF); repeated: joined with &",
		       parse_data),
	SONDE_OPT_FUNC(NULL, "data-binary", "DATA", "POST DATA (@FILE: the file as it is)", parse_data_binary),
	SONDE_OPT_FUNC(NULL, "data-raw", "DATA", "POST DATA as given ('@' is no file)", parse_data_raw),
	SONDE_OPT_STRING("D", "dump-header", "FILE", "write the response heads to FILE ('-': stdout)",
			 struct curl_config, dump_header),
	SONDE_OPT_STRING("e", "referer", "URL", "Referer to send", struct curl_config, referer),
	SONDE_OPT_FLAG("f", "fail", "exit 22 on a status of 400 or more, without the body", struct curl_config, fail),
	SONDE_OPT_FLAG(NULL, "fail-with-body", "exit 22 on a status of 400 or more, with the body", struct curl_config,
		       fail_with_body),
	SONDE_OPT_FUNC("H", "header", "'NAME: VALUE'", "add a header, or replace a default one ('NAME:' drops it)",
		       parse_header),
	SONDE_OPT_FLAG(NULL, "http1.1", "HTTP/1.1 (the only version sonde speaks)", struct curl_config, http11),
	SONDE_OPT_FLAG("I", "head", "HEAD request; print the response head", struct curl_config, head),
	SONDE_OPT_FLAG("i", "include", "print the response head before the body", struct curl_config, include),
	SONDE_OPT_FLAG("k", "insecure", "do not verify the server's certificate", struct curl_config, insecure),
	SONDE_OPT_STRING(NULL, "key", "FILE", "the client certificate's private key (PEM)", struct curl_config, key),
	SONDE_OPT_FLAG("L", "location", "follow redirects", struct curl_config, location),
	SONDE_OPT_DOUBLE("m", "max-time", "SECS", "limit for the whole transfer", struct curl_config, max_time_s, 0,
			 2147483),
	SONDE_OPT_INT(NULL, "max-redirs", "N", "with -L, at most N redirects (default 50; -1: no limit)",
		      struct curl_config, max_redirs, -1, 2147483647),
	SONDE_OPT_STRING("o", "output", "FILE", "write the body to FILE", struct curl_config, output),
	SONDE_OPT_FLAG("O", "remote-name", "write the body to a file named as the URL's last path segment",
		       struct curl_config, remote_name),
	SONDE_OPT_FUNC(NULL, "resolve", "HOST:PORT:ADDR", "use ADDR for HOST:PORT (no DNS)", parse_resolve),
	SONDE_OPT_STRING("X", "request", "METHOD", "request method (default GET; POST with -d; HEAD with -I)",
			 struct curl_config, method),
	SONDE_OPT_FLAG("S", "show-error", "with -s, still print the error line", struct curl_config, show_error),
	SONDE_OPT_FLAG("s", "silent", "no progress meter and no error line", struct curl_config, silent),
	SONDE_OPT_STRING("u", "user", "USER:PASSWORD", "HTTP basic authentication", struct curl_config, user),
	SONDE_OPT_COUNT("v", "verbose", "curl's *, > and < lines on stderr", struct curl_config, verbose),
	SONDE_OPT_STRING("w", "write-out", "FORMAT", "print FORMAT after the transfer: curl's %{variables}, "
			 "%{json}, %header{name}, \\n; @FILE reads it", struct curl_config, write_out),
	SONDE_OPT_END,
};

static void curl_init(void *config)
{
	struct curl_config *cfg = config;

	cfg->max_redirs = 50;
}

/* curl's "curl: (N) text" for a failure before any transfer. */
static int early_error(struct curl_run *run, int code, const char *text)
{
	run->exit_code = code;
	snprintf(run->errmsg, sizeof(run->errmsg), "%s", text);
	curl_print_error(run);
	return code;
}

static int check_options(const struct curl_config *cfg)
{
	if (cfg->too_many)
		return sonde_usage_error("-H takes at most %d headers, -d %d parts, --resolve and --connect-to %d "
					 "entries each", CURL_MAX_HEADERS, CURL_MAX_DATA, CURL_MAX_OVERRIDES);
	if (cfg->user && !strchr(cfg->user, ':'))
		return sonde_usage_error("-u USER without :PASSWORD would make curl prompt for it; give USER:PASSWORD");
	if (cfg->head && cfg->data_count)
		return sonde_usage_error("-I and -d exclude each other (curl: \"You can only select one HTTP request "
					 "method!\")");
	if (cfg->output && cfg->remote_name)
		return sonde_usage_error("-o and -O both name the output: give one");
	return 0;
}

static void client_config(const struct curl_config *cfg, struct curl_run *run, const char *auth,
			  struct http_client_config *client)
{
	struct stat st;

	*client = (struct http_client_config){
		.headers = cfg->headers, .header_count = cfg->header_count,
		.resolves = cfg->resolves, .resolve_count = cfg->resolve_count,
		.connect_tos = cfg->connect_tos, .connect_to_count = cfg->connect_to_count,
		.family = cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC,
		.insecure = cfg->insecure, .cacert = cfg->cacert, .cert = cfg->cert, .key = cfg->key,
		/* curl reads a --capath that is no directory as an empty one. */
		.capath = cfg->capath && stat(cfg->capath, &st) == 0 && S_ISDIR(st.st_mode) ? cfg->capath : NULL,
		.max_time_s = cfg->max_time_s, .connect_timeout_s = cfg->connect_timeout_s,
		.user_agent = cfg->user_agent ? cfg->user_agent : "curl/" CURL_IMITATED_VERSION,
		.authorization = auth, .referer = cfg->referer,
		.no_connection_close = true, .decode_content = cfg->compressed,
		.hooks = &curl_print_hooks, .hooks_ctx = run,
	};
}

/* After a response: follow its redirect (1), stop (0), or an exit code. */
static int next_hop(struct curl_run *run, struct http_transfer *t, bool *to_get)
{
	const struct curl_config *cfg = run->cfg;
	const char *location = http_response_redirect(&t->parser.response);
	struct http_url next;
	int rc;

	if (location && http_url_resolve(&run->url, location, &next) == 0)
		http_url_format(&next, run->redirect_url, sizeof(run->redirect_url));
	if (!cfg->location || !location || run->failed_status)
		return 0;
	if (cfg->max_redirs >= 0 && run->redirects >= cfg->max_redirs) {
		snprintf(run->errmsg, sizeof(run->errmsg), "Maximum (%d) redirects followed", cfg->max_redirs);
		return HTTP_EXIT_REDIRECTS;
	}
	rc = http_redirect_next(&t->parser.response, &run->url, t->method, &next, to_get);
	if (rc == -EPROTONOSUPPORT) {
		snprintf(run->errmsg, sizeof(run->errmsg), "Protocol \"%.*s\" not supported or disabled in libcurl",
			 (int)strcspn(location, ":"), location);
		return HTTP_EXIT_UNSUPPORTED;
	}
	if (rc < 0) {
		snprintf(run->errmsg, sizeof(run->errmsg), "URL using bad/illegal format or missing URL");
		return 3;
	}
	if (cfg->verbose) {
		http_url_format(&next, run->redirect_url, sizeof(run->redirect_url));
		fprintf(stderr, "* Issue another request to this URL: '%s'\n", run->redirect_url);
	}
	run->url = next;
	run->redirects++;
	run->redirect_url[0] = '\0';
	return 1;
}

/* -4 or -6 on a name that has addresses of the other family only: curl
 * resolves it, finds nothing to connect to, and says so as a connect
 * failure. */
static bool resolves_other_family(const struct http_transfer *t)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t count = 0;

	return resolve_host(t->host, AF_UNSPEC, 0, 2000, t->port, addrs, RESOLVE_MAX_ADDRS, &count) == 0 && count;
}

static int family_mismatch(struct curl_run *run)
{
	run->t->failure = HTTP_FAILED_CONNECT;
	snprintf(run->errmsg, sizeof(run->errmsg), "Couldn't connect to server");
	return HTTP_EXIT_CONNECT;
}

/* The status check of --fail and --fail-with-body, once the last response is in. */
static int status_verdict(struct curl_run *run, const struct http_transfer *t)
{
	int status = t->parser.response.status;

	if (!(run->cfg->fail || run->cfg->fail_with_body) || status < 400)
		return HTTP_EXIT_OK;
	snprintf(run->errmsg, sizeof(run->errmsg), "The requested URL returned error: %d", status);
	return HTTP_EXIT_FAIL;
}

/* Runs the chain of requests; the last transfer stays in *t. */
static int run_chain(struct curl_run *run, const struct http_client_config *client, const char *body,
		     size_t body_len, struct http_transfer *t)
{
	bool to_get = false, first = true;
	int rc;

	for (;;) {
		if (!first)
			http_transfer_free(t);
		first = false;
		*t = (struct http_transfer){
			.cfg = client, .url = &run->url, .method = http_method_for(run->cfg->method, run->cfg->head, run->cfg->data_count > 0, to_get),
			.body = to_get ? NULL : body, .body_len = to_get ? 0 : body_len, .start_ns = run->start_ns,
			.deadline_ms = run->deadline_ms,
		};
		t->timings.redirect_ms = run->redirects ? ns_to_ms(mono_ns() - run->start_ns) : 0;
		run->t = t;
		rc = http_transfer_run(t);
		run->connects += t->connected;
		if (rc == HTTP_EXIT_RECV && t->parser.fault == HTTP_FAULT_CUT_SHORT)
			rc = CURL_EXIT_PARTIAL;
		if (rc == HTTP_EXIT_RESOLVE && client->family != AF_UNSPEC && resolves_other_family(t))
			rc = family_mismatch(run);
		if (rc != HTTP_EXIT_OK) {
			if (rc != HTTP_EXIT_CONNECT || run->errmsg[0] == '\0')
				curl_describe_failure(run, t, rc);
			return rc;
		}
		rc = next_hop(run, t, &to_get);
		if (rc == 0)
			break;
		if (rc != 1)
			return rc;
	}
	return status_verdict(run, t);
}

static int open_outputs(struct curl_run *run, char *name_buf, size_t size)
{
	const struct curl_config *cfg = run->cfg;

	run->output_name = cfg->output && strcmp(cfg->output, "-") != 0 ? cfg->output : NULL;
	if (cfg->remote_name && !(run->output_name = curl_remote_name(&run->url, name_buf, size)))
		return early_error(run, HTTP_EXIT_WRITE, "Failed writing received data to disk/application");
	if (cfg->dump_header) {
		run->header_out = strcmp(cfg->dump_header, "-") == 0 ? stdout : fopen(cfg->dump_header, "we");
		if (!run->header_out) {
			sonde_errno(errno, "cannot create %s", cfg->dump_header);
			return HTTP_EXIT_WRITE;
		}
	}
	run->include_heads = cfg->include || cfg->head;
	run->body_to_tty = !run->output_name && isatty(STDOUT_FILENO);
	/* curl hides its meter when the body goes to a terminal. */
	run->meter = !cfg->silent && !run->body_to_tty;
	return 0;
}

static void close_outputs(struct curl_run *run)
{
	/* curl creates the output file even for an empty body, once the
	 * transfer succeeded. */
	if (run->output_name && !run->body_out && !run->exit_code && run->t && run->t->parser.head_done)
		curl_body_stream(run);
	if (run->body_out && run->body_out != stdout && fclose(run->body_out) != 0 && !run->exit_code) {
		run->exit_code = HTTP_EXIT_WRITE;
		snprintf(run->errmsg, sizeof(run->errmsg), "Failed writing body");
	}
	if (run->header_out && run->header_out != stdout)
		fclose(run->header_out);
	fflush(stdout);
}

static int url_error(struct curl_run *run, const char *url, int rc)
{
	if (rc == -EPROTONOSUPPORT) {
		char text[160];

		snprintf(text, sizeof(text), "Protocol \"%.*s\" not supported or disabled in libcurl",
			 (int)strcspn(url, ":"), url);
		return early_error(run, HTTP_EXIT_UNSUPPORTED, text);
	}
	return early_error(run, 3, "URL using bad/illegal format or missing URL");
}

/* curl -V's lines after the first: what this curl speaks. */
static void print_protocols(FILE *fp)
{
	fprintf(fp, "Protocols: http https\nFeatures: IPv6 Largefile libz SSL\n");
}

/* The host triplet curl's first line names, as Debian's builds say it. */
#if defined(__aarch64__)
#define CURL_HOST "aarch64-unknown-linux-gnu"
#else
#define CURL_HOST "x86_64-pc-linux-gnu"
#endif

static const struct sonde_imitation curl_imitation = {
	.version_letters = "V",
	.classic_line = "curl " CURL_IMITATED_VERSION " (" CURL_HOST ") libcurl/" CURL_IMITATED_VERSION,
	.imitated = "curl " CURL_IMITATED_VERSION " (HTTP and HTTPS only)",
	.print_more = print_protocols,
};

static int curl_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct curl_config *cfg = config;
	struct curl_run run = { .cfg = cfg, .url_arg = argc ? argv[0] : "", .start_ns = mono_ns() };
	struct http_client_config client;
	struct http_transfer t = { 0 };
	char auth[512], name_buf[HTTP_MAX_TARGET], *body = NULL;
	size_t body_len = 0;
	int rc;

	if (argc != 1)
		return sonde_usage_error("one URL is needed");
	if ((rc = check_options(cfg)) != 0)
		return rc;
	if (ctx->json)
		return sonde_usage_error("--json is not implemented for curl: use -w '%%{json}' (docs/curl.md)");
	if ((rc = http_url_parse(argv[0], &run.url)) < 0)
		return url_error(&run, argv[0], rc);
	if ((rc = curl_request_body(cfg, &body, &body_len)) != 0)
		return rc;
	if ((rc = open_outputs(&run, name_buf, sizeof(name_buf))) != 0) {
		free(body);
		return rc;
	}
	if (cfg->user)
		curl_basic_auth(cfg->user, auth, sizeof(auth));
	if (cfg->max_time_s > 0)
		run.deadline_ms = deadline_after_ms((int64_t)(cfg->max_time_s * 1000 + 0.5));
	client_config(cfg, &run, cfg->user ? auth : NULL, &client);
	curl_meter_start(&run);
	if (cfg->family_conflict) {
		snprintf(run.errmsg, sizeof(run.errmsg), "Couldn't connect to server");
		rc = HTTP_EXIT_CONNECT;
	} else {
		rc = run_chain(&run, &client, body, body_len, &t);
	}
	run.exit_code = rc;
	close_outputs(&run);
	curl_meter_end(&run);
	curl_verbose_close(&run, run.exit_code == 0);
	if (run.exit_code)
		curl_print_error(&run);
	if (cfg->write_out)
		curl_write_out(&run, cfg->write_out);
	http_transfer_free(&t);
	free(body);
	return run.exit_code;
}

const struct sonde_applet applet_curl = {
	.name = "curl",
	.summary = "curl 7.88's everyday HTTP options, output and exit codes on sonde's HTTP client",
	.usage = "[options] URL",
	.help_extra = "URL is http://HOST[:PORT]/PATH or https://...; without a scheme, http.  One URL,\n"
		      "HTTP/1.1 only, one request per connection.  Output, -v lines, -w variables and\n"
		      "exit codes are curl's; what differs is listed in docs/curl.md.",
	.options = curl_options,
	.config_size = sizeof(struct curl_config),
	.init = curl_init,
	.exit_codes = "curl's: 0 success, 1 unsupported protocol, 2 usage, 3 malformed URL, 6 cannot resolve, "
		      "7 cannot connect, 8 weird reply, 22 -f and status >= 400, 23 write error, 28 timeout, "
		      "35 TLS handshake, 47 too many redirects, 52 empty reply, 55 send error, 56 receive error, "
		      "58 client certificate, 60 server certificate, 61 bad content encoding, 77 CA file "
		      "(docs/curl.md).",
	.min_args = 0,
	.max_args = 1,
	.caps = 0, /* no privileged socket */
	.main = curl_main,
	.imitates = &curl_imitation,
};
