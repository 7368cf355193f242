/* curl's -w/--write-out: the format's text with \n, \r, \t and %%, its
 * %{variables} (curl 7.88's names and formats), %header{name}, %{json}
 * (every variable as one object, keys sorted as curl sorts them),
 * %{header_json}, and %{stdout}/%{stderr}/%{onerror}. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "curl_impl.h"
#include "sonde/out.h"
#include "sonde/version.h"

enum wo_kind { WO_STRING, WO_NUMBER, WO_TIME };

struct wo_value {
	enum wo_kind kind;
	const char *text;        /* WO_STRING; NULL: JSON null, "" in text */
	long long number;        /* WO_NUMBER */
	double seconds;          /* WO_TIME */
};

struct wo_ctx {
	const struct curl_run *run;
	const struct http_transfer *t;
	char buf[4][HTTP_MAX_TARGET + HTTP_MAX_HOST + 32]; /* for the values made here */
};

static struct wo_value str(const char *text)
{
	return (struct wo_value){ WO_STRING, text, 0, 0 };
}

static struct wo_value num(long long n)
{
	return (struct wo_value){ WO_NUMBER, NULL, n, 0 };
}

static struct wo_value secs(double ms)
{
	return (struct wo_value){ WO_TIME, NULL, 0, ms / 1000 };
}

static bool have_response(const struct wo_ctx *c)
{
	return c->t && c->t->parser.head_done;
}

static double total_s(const struct wo_ctx *c)
{
	return c->t ? c->t->timings.total_ms / 1000 : 0;
}

static long long per_second(const struct wo_ctx *c, uint64_t bytes)
{
	return total_s(c) > 0 ? (long long)(bytes / total_s(c)) : 0;
}

static struct wo_value v_content_type(struct wo_ctx *c)
{
	return str(have_response(c) ? http_response_header(&c->t->parser.response, "Content-Type") : NULL);
}

static struct wo_value v_errormsg(struct wo_ctx *c)
{
	return str(c->run->exit_code ? c->run->errmsg : NULL);
}

static struct wo_value v_exitcode(struct wo_ctx *c)
{
	return num(c->run->exit_code);
}

static struct wo_value v_filename(struct wo_ctx *c)
{
	return str(c->run->output_name ? c->run->output_name : c->run->cfg->output);
}

static struct wo_value v_null(struct wo_ctx *c)
{
	return str(NULL);
}

static struct wo_value v_zero(struct wo_ctx *c)
{
	return num(0);
}

static struct wo_value v_http_code(struct wo_ctx *c)
{
	return num(have_response(c) ? c->t->parser.response.status : 0);
}

static struct wo_value v_http_version(struct wo_ctx *c)
{
	if (!have_response(c))
		return str("0");
	return str(c->t->parser.response.version_minor ? "1.1" : "1");
}

static struct wo_value v_local_ip(struct wo_ctx *c)
{
	if (!c->t || !c->t->connected)
		return str("");
	addr_ntop(&c->t->local, c->buf[0], sizeof(c->buf[0]));
	return str(c->buf[0]);
}

static struct wo_value v_local_port(struct wo_ctx *c)
{
	return num(c->t && c->t->connected ? addr_port(&c->t->local) : 0);
}

static struct wo_value v_method(struct wo_ctx *c)
{
	return str(c->t ? c->t->method : "GET");
}

static struct wo_value v_num_connects(struct wo_ctx *c)
{
	return num(c->run->connects);
}

static struct wo_value v_num_headers(struct wo_ctx *c)
{
	return num(have_response(c) ? (long long)c->t->parser.response.header_count : 0);
}

static struct wo_value v_num_redirects(struct wo_ctx *c)
{
	return num(c->run->redirects);
}

static struct wo_value v_redirect_url(struct wo_ctx *c)
{
	return str(c->run->redirect_url[0] ? c->run->redirect_url : NULL);
}

static struct wo_value v_referer(struct wo_ctx *c)
{
	return str(c->run->cfg->referer);
}

static struct wo_value v_remote_ip(struct wo_ctx *c)
{
	return str(c->t && c->t->connected ? c->t->address : "");
}

static struct wo_value v_remote_port(struct wo_ctx *c)
{
	return num(c->t && c->t->connected ? c->t->port : 0);
}

static struct wo_value v_scheme(struct wo_ctx *c)
{
	if (!c->t || !c->t->connected)
		return str(NULL);
	return str(c->run->url.tls ? "HTTPS" : "HTTP");
}

static struct wo_value v_size_download(struct wo_ctx *c)
{
	return num(c->t ? (long long)c->t->parser.body_bytes : 0);
}

static struct wo_value v_size_header(struct wo_ctx *c)
{
	return num((long long)c->run->header_bytes);
}

static struct wo_value v_size_request(struct wo_ctx *c)
{
	return num(c->t ? (long long)c->t->request_bytes : 0);
}

static struct wo_value v_size_upload(struct wo_ctx *c)
{
	return num(c->t && c->t->request_bytes ? (long long)c->t->body_len : 0);
}

static struct wo_value v_speed_download(struct wo_ctx *c)
{
	return num(c->t ? per_second(c, c->t->parser.body_bytes) : 0);
}

static struct wo_value v_speed_upload(struct wo_ctx *c)
{
	return num(c->t && c->t->request_bytes ? per_second(c, c->t->body_len) : 0);
}

static struct wo_value v_ssl_verify_result(struct wo_ctx *c)
{
	return num(c->t && c->t->tls_used ? c->t->tls_verify_result : 0);
}

/* A phase's instant, 0 when the transfer never got there. */
static struct wo_value v_time_appconnect(struct wo_ctx *c)
{
	return secs(c->t && c->t->tls_used ? c->t->timings.appconnect_ms : 0);
}

static struct wo_value v_time_connect(struct wo_ctx *c)
{
	return secs(c->t && c->t->connected ? c->t->timings.connect_ms : 0);
}

static struct wo_value v_time_namelookup(struct wo_ctx *c)
{
	return secs(c->t ? c->t->timings.namelookup_ms : 0);
}

static struct wo_value v_time_pretransfer(struct wo_ctx *c)
{
	return secs(c->t ? c->t->timings.pretransfer_ms : 0);
}

static struct wo_value v_time_redirect(struct wo_ctx *c)
{
	return secs(c->t ? c->t->timings.redirect_ms : 0);
}

static struct wo_value v_time_starttransfer(struct wo_ctx *c)
{
	return secs(c->t ? c->t->timings.starttransfer_ms : 0);
}

static struct wo_value v_time_total(struct wo_ctx *c)
{
	return secs(c->t ? c->t->timings.total_ms : 0);
}

static struct wo_value v_url(struct wo_ctx *c)
{
	return str(c->run->url_arg);
}

static struct wo_value v_url_effective(struct wo_ctx *c)
{
	http_url_format(&c->run->url, c->buf[1], sizeof(c->buf[1]));
	return str(c->buf[1]);
}

static struct wo_value v_curl_version(struct wo_ctx *c)
{
	snprintf(c->buf[2], sizeof(c->buf[2]), "sonde/%s (curl %s) %s", SONDE_VERSION, CURL_IMITATED_VERSION,
		 sonde_version_string());
	return str(c->buf[2]);
}

struct wo_var {
	const char *name;
	struct wo_value (*get)(struct wo_ctx *c);
	bool in_json;
};

/* Sorted as curl's %{json} writes them (curl_version last). */
static const struct wo_var variables[] = {
	{ "content_type", v_content_type, true },
	{ "errormsg", v_errormsg, true },
	{ "exitcode", v_exitcode, true },
	{ "filename_effective", v_filename, true },
	{ "ftp_entry_path", v_null, true },
	{ "http_code", v_http_code, true },
	{ "http_connect", v_zero, true },
	{ "http_version", v_http_version, true },
	{ "local_ip", v_local_ip, true },
	{ "local_port", v_local_port, true },
	{ "method", v_method, true },
	{ "num_connects", v_num_connects, true },
	{ "num_headers", v_num_headers, true },
	{ "num_redirects", v_num_redirects, true },
	{ "proxy_ssl_verify_result", v_zero, true },
	{ "redirect_url", v_redirect_url, true },
	{ "referer", v_referer, true },
	{ "remote_ip", v_remote_ip, true },
	{ "remote_port", v_remote_port, true },
	{ "response_code", v_http_code, true },
	{ "scheme", v_scheme, true },
	{ "size_download", v_size_download, true },
	{ "size_header", v_size_header, true },
	{ "size_request", v_size_request, true },
	{ "size_upload", v_size_upload, true },
	{ "speed_download", v_speed_download, true },
	{ "speed_upload", v_speed_upload, true },
	{ "ssl_verify_result", v_ssl_verify_result, true },
	{ "time_appconnect", v_time_appconnect, true },
	{ "time_connect", v_time_connect, true },
	{ "time_namelookup", v_time_namelookup, true },
	{ "time_pretransfer", v_time_pretransfer, true },
	{ "time_redirect", v_time_redirect, true },
	{ "time_starttransfer", v_time_starttransfer, true },
	{ "time_total", v_time_total, true },
	{ "url", v_url, true },
	{ "url_effective", v_url_effective, true },
	{ "urlnum", v_zero, true },
	{ "curl_version", v_curl_version, true },
};

static const struct wo_var *find_var(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(variables) / sizeof(variables[0]); i++)
		if (strlen(variables[i].name) == len && strncmp(variables[i].name, name, len) == 0)
			return &variables[i];
	return NULL;
}

static void print_value(FILE *fp, const char *name, struct wo_value v, bool json)
{
	switch (v.kind) {
	case WO_STRING:
		if (json && !v.text)
			fputs("null", fp);
		else if (json)
			json_write_string(fp, v.text);
		else
			fputs(v.text ? v.text : "", fp);
		break;
	case WO_NUMBER:
		/* the status codes are three digits in text ("000" for none) */
		fprintf(fp, !json && (strcmp(name, "http_code") == 0 || strcmp(name, "response_code") == 0 ||
				      strcmp(name, "http_connect") == 0) ? "%03lld" : "%lld", v.number);
		break;
	case WO_TIME:
		fprintf(fp, "%.6f", v.seconds);
		break;
	}
}

static void print_json(FILE *fp, struct wo_ctx *c)
{
	size_t i;

	/* curl's certificate dump is not reproduced: certs "" and num_certs 0
	 * (docs/curl.md). */
	fputs("{\"certs\":\"\"", fp);
	for (i = 0; i < sizeof(variables) / sizeof(variables[0]); i++) {
		if (strcmp(variables[i].name, "num_connects") == 0)
			fputs(",\"num_certs\":0", fp);
		fprintf(fp, ",\"%s\":", variables[i].name);
		print_value(fp, variables[i].name, variables[i].get(c), true);
	}
	fputs("}", fp);
}

/* %{header_json}: the last response's headers, names in lower case, each
 * with the array of its values in order. */
static void print_header_json(FILE *fp, const struct wo_ctx *c)
{
	const struct http_response *r = have_response(c) ? &c->t->parser.response : NULL;
	size_t i, j, k;

	fputs("{", fp);
	for (i = 0; r && i < r->header_count; i++) {
		char lower[256];
		bool seen = false;

		for (j = 0; j < i && !seen; j++)
			seen = strcasecmp(r->headers[j].name, r->headers[i].name) == 0;
		if (seen)
			continue;
		for (k = 0; r->headers[i].name[k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)tolower((unsigned char)r->headers[i].name[k]);
		lower[k] = '\0';
		fputs(i ? ",\n" : "", fp);
		json_write_string(fp, lower);
		fputs(":[", fp);
		for (j = i, k = 0; j < r->header_count; j++) {
			if (strcasecmp(r->headers[j].name, r->headers[i].name) != 0)
				continue;
			fputs(k++ ? "," : "", fp);
			json_write_string(fp, r->headers[j].value);
		}
		fputs("]", fp);
	}
	fputs("\n}", fp);
}

/* %{name}: returns the characters used after "%{", or 0 when there is no '}'. */
static size_t variable(FILE **fp, const char *p, struct wo_ctx *c, bool *stop)
{
	const char *end = strchr(p, '}');
	size_t len;
	const struct wo_var *v;

	if (!end)
		return 0;
	len = (size_t)(end - p);
	if (len == 4 && strncmp(p, "json", 4) == 0)
		print_json(*fp, c);
	else if (len == 11 && strncmp(p, "header_json", 11) == 0)
		print_header_json(*fp, c);
	else if (len == 6 && strncmp(p, "stdout", 6) == 0)
		*fp = stdout;
	else if (len == 6 && strncmp(p, "stderr", 6) == 0)
		*fp = stderr;
	else if (len == 7 && strncmp(p, "onerror", 7) == 0)
		*stop = c->run->exit_code == 0;
	else if ((v = find_var(p, len)))
		print_value(*fp, v->name, v->get(c), false);
	else
		fprintf(stderr, "curl: unknown --write-out variable: '%.*s'\n", (int)len, p);
	return len + 1;
}

/* %header{name}: returns the characters used after "%header{". */
static size_t header_variable(FILE *fp, const char *p, const struct wo_ctx *c)
{
	const char *end = strchr(p, '}');
	char name[256];
	const char *value;

	if (!end)
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)(end - p), p);
	value = have_response(c) ? http_response_header(&c->t->parser.response, name) : NULL;
	if (value)
		fputs(value, fp);
	return (size_t)(end - p) + 1;
}

static void write_format(const char *format, struct wo_ctx *c)
{
	FILE *fp = stdout;
	const char *p = format;
	bool stop = false;

	while (*p && !stop) {
		size_t used;

		if (p[0] == '%' && p[1] == '%') {
			fputc('%', fp);
			p += 2;
		} else if (p[0] == '%' && p[1] == '{' && (used = variable(&fp, p + 2, c, &stop))) {
			p += 2 + used;
		} else if (strncmp(p, "%header{", 8) == 0 && (used = header_variable(fp, p + 8, c))) {
			p += 8 + used;
		} else if (p[0] == '\\' && p[1] && strchr("nrt\\", p[1])) {
			fputc(p[1] == 'n' ? '\n' : p[1] == 'r' ? '\r' : p[1] == 't' ? '\t' : '\\', fp);
			p += 2;
		} else {
			fputc(*p++, fp);
		}
	}
	fflush(stdout);
	fflush(stderr);
}

/* -w @FILE (or @- for stdin): the format read from there. */
static char *format_from_file(const char *name)
{
	FILE *fp = strcmp(name, "-") == 0 ? stdin : fopen(name, "re");
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!fp)
		return NULL;
	len = getdelim(&text, &cap, '\0', fp);
	if (fp != stdin)
		fclose(fp);
	if (len < 0) {
		free(text);
		return NULL;
	}
	return text;
}

void curl_write_out(const struct curl_run *run, const char *format)
{
	struct wo_ctx c = { .run = run, .t = run->t };
	char *owned = NULL;

	if (format[0] == '@') {
		owned = format_from_file(format + 1);
		if (!owned)
			return;
		format = owned;
	}
	write_format(format, &c);
	free(owned);
}
