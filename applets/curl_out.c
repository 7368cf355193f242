/* What curl prints while a transfer runs, as curl 7.88 prints it: -v's
 * "*", ">" and "<" lines and "{ [N bytes data]" on stderr, the response
 * heads for -i/-I/-D as received, the body (stdout, -o, -O), the progress
 * meter on stderr, and the "curl: (N) ..." line with curl's texts.  The
 * hooks are called by libcore/http_client.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "curl_impl.h"
#include "sonde/clock.h"

/* curl's advice after a certificate it could not verify. */
static const char ca_cert_advice[] =
	"More details here: https://curl.se/docs/sslcerts.html\n\n"
	"curl failed to verify the legitimacy of the server and therefore could not\n"
	"establish a secure connection to it. To learn more about this situation and\n"
	"how to fix it, please visit the web page mentioned above.\n";

static double elapsed_ms(const struct curl_run *run)
{
	return ns_to_ms(mono_ns() - run->start_ns);
}

/* curl shows "{ [N bytes data]" when the body does not go to a terminal. */
static bool show_data_sizes(const struct curl_run *run)
{
	return run->cfg->verbose && !run->body_to_tty;
}

FILE *curl_body_stream(struct curl_run *run)
{
	if (run->body_out)
		return run->body_out;
	if (!run->output_name) {
		run->body_out = stdout;
		return stdout;
	}
	run->body_out = fopen(run->output_name, "we");
	return run->body_out;
}

/* Lines of text with a prefix, each line's own terminator kept (curl
 * copies what went over the wire). */
static void prefixed_lines(const char *prefix, const char *text, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t line = nl ? (size_t)(nl - text) + 1 : len;

		fputs(prefix, stderr);
		fwrite(text, 1, line, stderr);
		if (!nl)
			fputc('\n', stderr);
		text += line;
		len -= line;
	}
}

static void on_connected(void *ctx, struct http_transfer *t)
{
	struct curl_run *run = ctx;
	bool v6 = strchr(t->address, ':') != NULL;

	if (!run->cfg->verbose || !t->address[0])
		return;
	fprintf(stderr, "*   Trying %s%s%s:%u...\n", v6 ? "[" : "", t->address, v6 ? "]" : "", t->port);
	if (t->connected)
		fprintf(stderr, "* Connected to %s (%s) port %u (#%d)\n", t->url->host, t->address, t->port,
			run->connects);
	else if (t->failure == HTTP_FAILED_CONNECT)
		fprintf(stderr, "* connect to %s port %u failed: %s\n", t->address, t->port, strerror(-t->connect_error));
}

static void on_tls_done(void *ctx, struct http_transfer *t, const struct tls_session *session)
{
	struct curl_run *run = ctx;
	char subject[512], issuer[512], alpn[64];

	if (!run->cfg->verbose)
		return;
	fprintf(stderr, "* SSL connection using %s / %s\n", t->tls_version, t->tls_cipher);
	if (tls_session_alpn(session, alpn, sizeof(alpn)))
		fprintf(stderr, "* ALPN: server accepted %s\n", alpn);
	else
		fprintf(stderr, "* ALPN: server did not agree on a protocol. Uses default.\n");
	tls_session_peer_subject(session, subject, sizeof(subject));
	tls_session_peer_issuer(session, issuer, sizeof(issuer));
	fprintf(stderr, "* Server certificate:\n*  subject: %s\n*  issuer: %s\n", subject, issuer);
	fprintf(stderr, "*  SSL certificate verify %s.\n", t->tls_verified ? "ok" : "result: not verified (-k)");
}

static void on_request(void *ctx, struct http_transfer *t, const char *bytes, size_t head_len, size_t body_len)
{
	struct curl_run *run = ctx;

	if (!run->cfg->verbose)
		return;
	prefixed_lines("> ", bytes, head_len);
	if (body_len && !run->body_to_tty)
		fprintf(stderr, "} [%zu bytes data]\n", body_len);
}

static bool fails_on_status(const struct curl_run *run, int status)
{
	return run->cfg->fail && !run->cfg->fail_with_body && status >= 400;
}

static void on_head_line(void *ctx, struct http_transfer *t, const char *line, size_t len)
{
	struct curl_run *run = ctx;
	bool blank = len <= 2 && line[0] != 'H';
	int status = t->parser.response.status;

	run->header_bytes += len;
	if (run->cfg->verbose) {
		/* --fail ends the transfer at the end of a failing head: curl's
		 * -v says why instead of the empty line. */
		if (blank && status >= 200 && fails_on_status(run, status))
			fprintf(stderr, "* The requested URL returned error: %d\n", status);
		else
			prefixed_lines("< ", line, len);
	}
	if (run->include_heads && curl_body_stream(run))
		fwrite(line, 1, len, run->body_out);
	if (run->header_out)
		fwrite(line, 1, len, run->header_out);
}

static void on_head(void *ctx, struct http_transfer *t)
{
	struct curl_run *run = ctx;
	const struct http_response *r = &t->parser.response;

	if (fails_on_status(run, r->status)) {
		run->failed_status = true;
		t->discard_body = true;
	}
	if (run->cfg->location && http_response_redirect(r)) {
		t->discard_body = true;
		if (run->cfg->verbose)
			fprintf(stderr, "* Ignoring the response-body\n");
	}
}

static void on_received(void *ctx, struct http_transfer *t, size_t raw_len)
{
	struct curl_run *run = ctx;

	if (show_data_sizes(run) && !run->failed_status)
		fprintf(stderr, "{ [%zu bytes data]\n", raw_len);
}

static int on_body(void *ctx, struct http_transfer *t, const char *data, size_t len)
{
	struct curl_run *run = ctx;
	FILE *out = curl_body_stream(run);

	if (!out || fwrite(data, 1, len, out) != len)
		return -EIO;
	run->body_bytes += len;
	return 0;
}

const struct http_client_hooks curl_print_hooks = {
	.connected = on_connected,
	.tls_done = on_tls_done,
	.request = on_request,
	.head_line = on_head_line,
	.head = on_head,
	.received = on_received,
	.body = on_body,
};

/* --- the progress meter ------------------------------------------------------- */

/* A size in at most five characters, as curl's meter writes it. */
static void max5(uint64_t bytes, char *buf, size_t size)
{
	const uint64_t kib = 1024, mib = 1024 * 1024;

	if (bytes < 100000)
		snprintf(buf, size, "%5llu", (unsigned long long)bytes);
	else if (bytes < 10000 * kib)
		snprintf(buf, size, "%4lluk", (unsigned long long)(bytes / kib));
	else if (bytes < 100 * mib)
		snprintf(buf, size, "%2llu.%lluM", (unsigned long long)(bytes / mib),
			 (unsigned long long)((bytes % mib) / (mib / 10)));
	else
		snprintf(buf, size, "%4lluM", (unsigned long long)(bytes / mib));
}

/* "--:--:--" for zero, else " H:MM:SS" (curl's time2str). */
static void time8(uint64_t seconds, char *buf, size_t size)
{
	if (!seconds)
		snprintf(buf, size, "--:--:--");
	else if (seconds < 100 * 3600)
		snprintf(buf, size, "%2llu:%02llu:%02llu", (unsigned long long)(seconds / 3600),
			 (unsigned long long)(seconds / 60 % 60), (unsigned long long)(seconds % 60));
	else
		snprintf(buf, size, "%3llud %02lluh", (unsigned long long)(seconds / 86400),
			 (unsigned long long)(seconds / 3600 % 24));
}

static void meter_line(const struct curl_run *run)
{
	const struct http_transfer *t = run->t;
	bool size_known = t && t->parser.body_kind == HTTP_BODY_LENGTH && !t->failure;
	uint64_t down = run->body_bytes, expected = size_known ? t->parser.content_length : down;
	uint64_t up = t && t->request_bytes ? t->body_len : 0, total = expected + up;
	double secs = elapsed_ms(run) / 1000;
	uint64_t speed = secs > 0 ? (uint64_t)(down / secs) : 0, up_speed = secs > 0 ? (uint64_t)(up / secs) : 0;
	uint64_t estimate = size_known && speed ? expected / speed : 0, spent = (uint64_t)secs;
	char f[6][24], times[3][24];

	max5(total, f[0], sizeof(f[0]));
	max5(down, f[1], sizeof(f[1]));
	max5(up, f[2], sizeof(f[2]));
	max5(speed, f[3], sizeof(f[3]));
	max5(up_speed, f[4], sizeof(f[4]));
	max5(speed, f[5], sizeof(f[5]));
	time8(estimate, times[0], sizeof(times[0]));
	time8(spent, times[1], sizeof(times[1]));
	time8(estimate > spent ? estimate - spent : 0, times[2], sizeof(times[2]));
	fprintf(stderr, "\r%3d %s  %3d %s  %3d %s  %s  %s %s %s %s %s",
		total ? (int)((down + up) * 100 / total) : 0, f[0],
		size_known && expected ? (int)(down * 100 / expected) : 0, f[1], up ? 100 : 0, f[2], f[3], f[4],
		times[0], times[1], times[2], f[5]);
}

void curl_meter_start(struct curl_run *run)
{
	if (!run->meter)
		return;
	fprintf(stderr, "  %% Total    %% Received %% Xferd  Average Speed   Time    Time     Time  Current\n"
			"                                 Dload  Upload   Total   Spent    Left  Speed\n");
	meter_line(run);
}

void curl_meter_end(struct curl_run *run)
{
	/* curl has no last line when the name did not resolve. */
	if (!run->meter || (run->t && run->t->failure == HTTP_FAILED_RESOLVE))
		return;
	meter_line(run);
	fputc('\n', stderr);
}

/* --- errors ----------------------------------------------------------------------- */

static void say(struct curl_run *run, const char *fmt, const char *a, long b)
{
	snprintf(run->errmsg, sizeof(run->errmsg), fmt, a, b);
}

/* curl's words for a TLS failure, from libcore's reason. */
static void describe_tls(struct curl_run *run, const struct http_transfer *t, int code)
{
	const char *why = strchr(t->why, ':') ? strchr(t->why, ':') + 2 : t->why;
	const char *verify = strstr(t->why, "certificate verify failed: ");

	if (code == HTTP_EXIT_CERT && verify && strstr(verify, "hostname mismatch"))
		say(run, "SSL: no alternative certificate subject name matches target host name '%s'", t->url->host, 0);
	else if (code == HTTP_EXIT_CERT && verify)
		say(run, "SSL certificate problem: %s", verify + strlen("certificate verify failed: "), 0);
	else if (code == HTTP_EXIT_CA_FILE)
		say(run, "error setting certificate file: %s", run->cfg->cacert ? run->cfg->cacert : "", 0);
	else if (code == HTTP_EXIT_CLIENT_CERT)
		say(run, "could not load PEM client certificate from %s", run->cfg->cert ? run->cfg->cert : "", 0);
	else
		say(run, "OpenSSL/3: %s", why, 0);
}

static void describe_timeout(struct curl_run *run, const struct http_transfer *t)
{
	long ms = (long)elapsed_ms(run);
	bool connect_limit = run->cfg->connect_timeout_s > 0 &&
			     (!run->deadline_ms || t->connect_deadline_ms < run->deadline_ms);

	if (t->failure == HTTP_FAILED_CONNECT_TIMEOUT && !t->address[0])
		say(run, "Resolving timed out after %s%ld milliseconds", "", ms);
	else if (t->failure == HTTP_FAILED_CONNECT_TIMEOUT && connect_limit && !t->connected)
		snprintf(run->errmsg, sizeof(run->errmsg), "Failed to connect to %s port %u after %ld ms: Timeout was reached",
			 t->url->host, t->port, ms);
	else if (t->failure == HTTP_FAILED_CONNECT_TIMEOUT && t->connected)
		say(run, "SSL connection timeout%s", "", 0);
	else if (t->failure == HTTP_FAILED_CONNECT_TIMEOUT)
		say(run, "Connection timed out after %s%ld milliseconds", "", ms);
	else if (t->parser.body_kind == HTTP_BODY_LENGTH)
		snprintf(run->errmsg, sizeof(run->errmsg),
			 "Operation timed out after %ld milliseconds with %llu out of %llu bytes received", ms,
			 (unsigned long long)t->parser.body_bytes, (unsigned long long)t->parser.content_length);
	else
		snprintf(run->errmsg, sizeof(run->errmsg), "Operation timed out after %ld milliseconds with %llu bytes received",
			 ms, (unsigned long long)t->parser.body_bytes);
}

void curl_describe_failure(struct curl_run *run, const struct http_transfer *t, int code)
{
	switch (code) {
	case HTTP_EXIT_RESOLVE:
		say(run, "Could not resolve host: %s", t->host, 0);
		break;
	case HTTP_EXIT_CONNECT:
		snprintf(run->errmsg, sizeof(run->errmsg), "Failed to connect to %s port %u after %ld ms: Couldn't connect to server",
			 t->url->host, t->port, (long)elapsed_ms(run));
		break;
	case HTTP_EXIT_TIMEOUT:
		describe_timeout(run, t);
		break;
	case HTTP_EXIT_TLS: case HTTP_EXIT_CERT: case HTTP_EXIT_CA_FILE: case HTTP_EXIT_CLIENT_CERT:
		describe_tls(run, t, code);
		break;
	case HTTP_EXIT_EMPTY_REPLY:
		say(run, "Empty reply from server%s", "", 0);
		break;
	case CURL_EXIT_PARTIAL:
		if (t->parser.body_kind == HTTP_BODY_LENGTH)
			snprintf(run->errmsg, sizeof(run->errmsg), "transfer closed with %llu bytes remaining to read",
				 (unsigned long long)t->parser.remaining);
		else
			say(run, "transfer closed with outstanding read data remaining%s", "", 0);
		break;
	case HTTP_EXIT_RECV:
		say(run, "Recv failure: %s", strstr(t->why, ": ") ? strstr(t->why, ": ") + 2 : t->why, 0);
		break;
	case HTTP_EXIT_SEND:
		say(run, "Send failure: %s", strstr(t->why, ": ") ? strstr(t->why, ": ") + 2 : t->why, 0);
		break;
	case HTTP_EXIT_WRITE:
		say(run, "Failed writing body%s", "", 0);
		break;
	case HTTP_EXIT_BAD_ENCODING:
		say(run, "Error while processing content unencoding: %s",
		    t->inflater ? inflate_error(t->inflater) : "unsupported transfer encoding", 0);
		break;
	default:
		say(run, "Weird server reply (%s)", t->why, 0);
		break;
	}
	if (run->cfg->verbose && (code == HTTP_EXIT_CONNECT || code == HTTP_EXIT_RESOLVE || code == HTTP_EXIT_TIMEOUT ||
				  code == CURL_EXIT_PARTIAL))
		fprintf(stderr, "* %s\n", run->errmsg);
}

void curl_verbose_close(const struct curl_run *run, bool kept)
{
	const struct http_transfer *t = run->t;
	const char *connection = t ? http_response_header(&t->parser.response, "Connection") : NULL;
	int number = run->connects > 0 ? run->connects - 1 : 0;

	if (!run->cfg->verbose)
		return;
	/* curl keeps an HTTP/1.1 connection the server did not close; sonde
	 * closes it, but says what curl says. */
	if (kept && !run->failed_status && t && t->parser.response.version_minor == 1 &&
	    !(connection && strcasecmp(connection, "close") == 0) && t->parser.body_kind != HTTP_BODY_TO_CLOSE)
		fprintf(stderr, "* Connection #%d to host %s left intact\n", number, t->url->host);
	else
		fprintf(stderr, "* Closing connection %d\n", number);
}

void curl_print_error(const struct curl_run *run)
{
	if (run->cfg->silent && !run->cfg->show_error)
		return;
	fprintf(stderr, "curl: (%d) %s\n", run->exit_code, run->errmsg);
	if (run->exit_code == HTTP_EXIT_CERT)
		fputs(ca_cert_advice, stderr);
}
