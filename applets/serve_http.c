/* The http prober (http_2xx, http_post_2xx) on libcore's HTTP request
 * builder and response parser: the target's address resolved once and held
 * to --allow, redirects followed (10 at most, each hop's address held to
 * --allow too), each phase timed and summed over the hops as
 * blackbox_exporter's probe_http_duration_seconds, 2xx a success. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve_impl.h"
#include "sonde/clock.h"
#include "sonde/http.h"
#include "sonde/reason.h"
#include "sonde/resolve.h"

#define SERVE_MAX_REDIRECTS 10
#define SERVE_USER_AGENT "sonde-serve/" SONDE_VERSION

static const char *const phase_help = "Duration of http request by phase, summed over all redirects";

struct hop {
	struct http_url url;
	const char *method;
	struct sonde_addr addr;
	struct http_parser parser;
	uint64_t body_bytes;
	int64_t first_byte_ns, end_ns;
	bool tls_used;
};

static void phase_add(struct serve_probe *p, const char *phase, int64_t from_ns, int64_t to_ns)
{
	if (from_ns && to_ns >= from_ns)
		expo_add(p->expo, "probe_http_duration_seconds", phase_help, (double)(to_ns - from_ns) / 1e9,
			 "phase", phase, NULL);
}

static int count_body(void *ctx, const char *data, size_t len)
{
	(void)data;
	((struct hop *)ctx)->body_bytes += len;
	return 0;
}

static int send_request(struct serve_probe *p, struct serve_conn *c, const struct hop *h)
{
	static const char *const post_headers[] = { "Content-Length: 0" };
	bool post = strcmp(h->method, "POST") == 0;
	struct http_request req = {
		.method = h->method,
		.url = &h->url,
		.headers = post ? post_headers : NULL,
		.header_count = post ? 1 : 0,
		.user_agent = SERVE_USER_AGENT,
	};
	char *bytes;
	size_t len;
	int rc = http_request_build(&req, &bytes, &len);

	if (rc < 0)
		return rc;
	rc = serve_conn_write(p, c, bytes, len);
	free(bytes);
	return rc;
}

/* Reads the response to its end: 0, or -errno / -EPROTO with the reason. */
static int read_response(struct serve_probe *p, struct serve_conn *c, struct hop *h)
{
	char buf[16384];
	int rc = 0;

	while (rc == 0) {
		long got = serve_conn_read(p, c, buf, sizeof(buf));

		if (got < 0) {
			snprintf(p->reason, sizeof(p->reason), "%s", reason_connect((int)got));
			return (int)got;
		}
		if (!h->first_byte_ns)
			h->first_byte_ns = mono_ns();
		rc = got == 0 ? http_parser_finish(&h->parser) : http_parser_feed(&h->parser, buf, (size_t)got);
		if (got == 0 && rc == 0)
			rc = -EPROTO;
	}
	h->end_ns = mono_ns();
	if (rc < 0) {
		snprintf(p->reason, sizeof(p->reason), "HTTP: %s", h->parser.error ? h->parser.error : "malformed");
		return rc;
	}
	return 0;
}

/* One request and its response, phases timed; 0 or -1 with the reason. */
static int exchange(struct serve_probe *p, struct hop *h)
{
	struct serve_conn c = { .fd = -1 };
	int64_t start_ns = mono_ns(), connected_ns, conn_ns;
	int rc;

	if (serve_conn_open(p, &h->addr, &c) < 0)
		return -1;
	connected_ns = conn_ns = mono_ns();
	phase_add(p, "connect", start_ns, connected_ns);
	h->tls_used = h->url.tls;
	if (h->url.tls) {
		if (serve_conn_tls(p, &c, h->url.host) < 0) {
			serve_conn_close(&c);
			return -1;
		}
		conn_ns = mono_ns();
		phase_add(p, "tls", connected_ns, conn_ns);
	}
	http_parser_init(&h->parser, strcmp(h->method, "HEAD") == 0, count_body, h);
	h->body_bytes = 0;
	h->first_byte_ns = h->end_ns = 0;
	rc = send_request(p, &c, h);
	if (rc < 0) {
		snprintf(p->reason, sizeof(p->reason), "%s", reason_connect(rc));
		serve_conn_close(&c);
		return -1;
	}
	rc = read_response(p, &c, h);
	if (rc < 0)
		http_parser_free(&h->parser);
	if (rc == 0) {
		phase_add(p, "processing", conn_ns, h->first_byte_ns);
		phase_add(p, "transfer", h->first_byte_ns, h->end_ns);
		if (h->url.tls)
			serve_tls_facts(p, c.tls);
	}
	serve_conn_close(&c);
	return rc < 0 ? -1 : 0;
}

/* The next hop of a redirect, as Go's client makes it: 301, 302 and 303
 * turn a POST into a GET.  0, or -1 with the reason. */
static int follow(struct serve_probe *p, struct hop *h, const char *location)
{
	struct http_url next;
	int status = h->parser.response.status;
	int64_t start = mono_ns();
	double lookup_s;

	if (http_url_resolve(&h->url, location, &next) < 0) {
		snprintf(p->reason, sizeof(p->reason), "redirect to an unusable location");
		return -1;
	}
	serve_log(p, "info", "Received redirect location=%s", location);
	if (status == 301 || status == 302 || status == 303)
		h->method = strcmp(h->method, "HEAD") == 0 ? "HEAD" : "GET";
	if (strcmp(next.host, h->url.host) != 0 || next.port != h->url.port) {
		struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
		size_t count = 0;
		int rc = resolve_host(next.host, AF_UNSPEC, 0, (int)serve_ms_left(p), next.port, addrs,
				      RESOLVE_MAX_ADDRS, &count);

		lookup_s = (double)(mono_ns() - start) / 1e9;
		expo_add(p->expo, "probe_http_duration_seconds", phase_help, lookup_s, "phase", "resolve", NULL);
		if (rc < 0 || count == 0) {
			snprintf(p->reason, sizeof(p->reason), "%s", reason_resolve(rc < 0 ? rc : -ENOENT));
			return -1;
		}
		h->addr = addrs[0];
		for (size_t i = 0; i < count; i++)
			if (addr_family(&addrs[i]) == AF_INET6) {
				h->addr = addrs[i];
				break;
			}
		if (!serve_allowed(p->cfg, &h->addr)) {
			snprintf(p->reason, sizeof(p->reason), "redirect target address not allowed (--allow)");
			return -1;
		}
	}
	h->url = next;
	return 0;
}

/* Last-Modified in the three forms Go's http.ParseTime reads. */
static bool http_date(const char *text, time_t *when)
{
	static const char *const forms[] = { "%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
					     "%a %b %e %H:%M:%S %Y" };
	struct tm tm;

	for (size_t i = 0; i < 3; i++) {
		const char *end;

		memset(&tm, 0, sizeof(tm));
		end = strptime(text, forms[i], &tm);
		if (end && !*end) {
			*when = timegm(&tm);
			return true;
		}
	}
	return false;
}

static void response_families(struct serve_probe *p, const struct hop *h, bool answered, int redirects)
{
	const struct http_response *r = &h->parser.response;
	const char *length = answered ? http_response_header(r, "Content-Length") : NULL;
	const char *modified = answered ? http_response_header(r, "Last-Modified") : NULL;
	time_t when;

	expo_set(p->expo, "probe_http_status_code", "Response HTTP status code", EXPO_GAUGE,
		 answered ? r->status : 0, NULL);
	expo_set(p->expo, "probe_http_content_length", "Length of http content response", EXPO_GAUGE,
		 !answered ? 0 : length && h->parser.body_kind == HTTP_BODY_LENGTH ? (double)h->parser.content_length : -1,
		 NULL);
	expo_set(p->expo, "probe_http_uncompressed_body_length", "Length of uncompressed response body", EXPO_GAUGE,
		 answered ? (double)h->body_bytes : 0, NULL);
	expo_set(p->expo, "probe_http_redirects", "The number of redirects", EXPO_GAUGE, redirects, NULL);
	expo_set(p->expo, "probe_http_ssl", "Indicates if SSL was used for the final redirect", EXPO_GAUGE,
		 answered && h->tls_used ? 1 : 0, NULL);
	expo_set(p->expo, "probe_http_version", "Returns the version of HTTP of the probe response", EXPO_GAUGE,
		 answered ? 1 + r->version_minor / 10.0 : 0, NULL);
	if (modified && http_date(modified, &when))
		expo_set(p->expo, "probe_http_last_modified_timestamp_seconds",
			 "Returns the Last-Modified HTTP response header in unixtime", EXPO_GAUGE, (double)when, NULL);
}

static void declare_families(struct serve_probe *p)
{
	static const char *const phases[] = { "connect", "processing", "resolve", "tls", "transfer" };

	for (size_t i = 0; i < 5; i++)
		expo_add(p->expo, "probe_http_duration_seconds", phase_help, 0, "phase", phases[i], NULL);
	expo_set(p->expo, "probe_failed_due_to_regex", "Indicates if probe failed due to regex", EXPO_GAUGE, 0,
		 NULL);
}

bool serve_prober_http(struct serve_probe *p)
{
	static struct hop h;
	char url_text[SERVE_TARGET_MAX + 8];
	char location[HTTP_MAX_TARGET + HTTP_MAX_HOST + 16];
	const char *redirect;
	double lookup_s;
	int redirects = 0;
	bool answered = false;

	declare_families(p);
	memset(&h, 0, sizeof(h));
	snprintf(url_text, sizeof(url_text), "%s%s", strncmp(p->target, "http://", 7) == 0 ||
		 strncmp(p->target, "https://", 8) == 0 ? "" : "http://", p->target);
	if (http_url_parse(url_text, &h.url) < 0) {
		snprintf(p->reason, sizeof(p->reason), "target is not an http(s) URL");
		response_families(p, &h, false, 0);
		return false;
	}
	h.method = p->module->method;
	if (serve_resolve(p, h.url.host, h.url.port, &h.addr, &lookup_s) < 0) {
		expo_add(p->expo, "probe_http_duration_seconds", phase_help, lookup_s, "phase", "resolve", NULL);
		response_families(p, &h, false, 0);
		return false;
	}
	expo_add(p->expo, "probe_http_duration_seconds", phase_help, lookup_s, "phase", "resolve", NULL);
	for (;;) {
		answered = exchange(p, &h) == 0;
		if (!answered)
			break;
		serve_log(p, "info", "Received HTTP response status_code=%d", h.parser.response.status);
		redirect = http_response_redirect(&h.parser.response);
		if (!redirect)
			break;
		snprintf(location, sizeof(location), "%s", redirect);  /* the parser's memory goes next */
		if (++redirects > SERVE_MAX_REDIRECTS) {
			snprintf(p->reason, sizeof(p->reason), "more than %d redirects", SERVE_MAX_REDIRECTS);
			break;
		}
		http_parser_free(&h.parser);
		if (follow(p, &h, location) < 0) {
			answered = false;
			break;
		}
	}
	response_families(p, &h, answered, redirects > SERVE_MAX_REDIRECTS ? SERVE_MAX_REDIRECTS : redirects);
	if (answered && (h.parser.response.status < 200 || h.parser.response.status > 299) && !p->reason[0])
		snprintf(p->reason, sizeof(p->reason), "HTTP %d", h.parser.response.status);
	if (answered)
		http_parser_free(&h.parser);
	return answered && !p->reason[0];
}
