/* libcore http: URLs, redirects, request bytes, and the response parser on
 * well-formed and hostile responses, whole and one byte at a time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/http.h"
#include "tap.h"

struct body {
	char data[4096];
	size_t len;
};

static int collect(void *ctx, const char *bytes, size_t len)
{
	struct body *b = ctx;

	if (b->len + len >= sizeof(b->data))
		return -ENOSPC;
	memcpy(b->data + b->len, bytes, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

/* Parses text (whole, or one byte per feed), then the end of the stream. */
static int parse(const char *text, bool bytewise, bool head, struct http_parser *p, struct body *b)
{
	size_t len = strlen(text), i;
	int rc = 0;

	memset(b, 0, sizeof(*b));
	http_parser_init(p, head, collect, b);
	if (bytewise) {
		for (i = 0; i < len && rc == 0; i++)
			rc = http_parser_feed(p, text + i, 1);
	} else {
		rc = http_parser_feed(p, text, len);
	}
	return rc == 0 ? http_parser_finish(p) : rc;
}

static void parses(const char *name, const char *text, int status, const char *body)
{
	struct http_parser p;
	struct body b;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		char label[200];

		snprintf(label, sizeof(label), "%s (%s)", name, pass ? "byte by byte" : "whole");
		is_int(parse(text, pass, false, &p, &b), 1, label);
		is_int(p.response.status, status, label);
		is_str(b.data, body, label);
		http_parser_free(&p);
	}
}

static void refuses_as(const char *name, const char *text, enum http_parse_fault fault, const char *reason)
{
	struct http_parser p;
	struct body b;

	is_int(parse(text, false, false, &p, &b), -EPROTO, name);
	is_str(p.error ? p.error : "(none)", reason, name);
	is_int(p.fault, fault, name);
	http_parser_free(&p);
}

static void refuses(const char *name, const char *text, const char *reason)
{
	refuses_as(name, text, HTTP_FAULT_MALFORMED, reason);
}

/* An endless stream of interim heads: the head limit counts across them. */
static void test_interim_limit(void)
{
	static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";
	struct http_parser p;
	int rc = 0, fed = 0;

	http_parser_init(&p, false, NULL, NULL);
	while (rc == 0 && fed < 100000) {
		rc = http_parser_feed(&p, interim, sizeof(interim) - 1);
		fed++;
	}
	is_int(rc, -EPROTO, "endless 100 Continue: refused");
	is_int(p.fault, HTTP_FAULT_HEAD_TOO_LARGE, "endless 100 Continue: the head limit, counted across them");
	ok(fed * (sizeof(interim) - 1) <= HTTP_MAX_HEADER_BYTES + sizeof(interim), "endless 100 Continue: at the limit");
	http_parser_free(&p);
}

static void redirect_is(const char *name, const char *text, const char *want)
{
	struct http_parser p;
	struct body b;
	const char *got;

	parse(text, false, true, &p, &b);
	got = http_response_redirect(&p.response);
	is_str(got ? got : "(none)", want, name);
	http_parser_free(&p);
}

static void test_parser(void)
{
	struct http_parser p;
	struct body b;
	char *big;

	parses("content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", 200, "hello");
	parses("chunked with extension and trailer",
	       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n",
	       200, "hello world");
	parses("body to the close", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil close", 200, "until close");
	parses("bare LF line ends", "HTTP/1.1 404 Not Found\nContent-Length: 2\n\nno", 404, "no");
	parses("100 Continue first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
	       201, "");
	parses("204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 204, "");

	is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", false, true, &p, &b), 1, "HEAD: no body");
	is_str(http_response_header(&p.response, "content-length"), "100", "header lookup ignores case");
	http_parser_free(&p);
	is_int(parse("HTTP/1.1 200 OK\r\nX-A:   padded value  \r\n\r\n", false, true, &p, &b), 1, "HEAD again");
	is_str(http_response_header(&p.response, "X-A"), "padded value", "header value trimmed");
	is_str(p.response.reason, "OK", "reason phrase");
	http_parser_free(&p);

	refuses("not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x status line");
	refuses("bad status", "HTTP/1.1 2x0 OK\r\n\r\n", "malformed status code");
	refuses("folding", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", "obsolete header line folding");
	refuses_as("conflicting lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		   HTTP_FAULT_LENGTH, "conflicting Content-Length headers");
	refuses_as("signed length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", HTTP_FAULT_LENGTH,
		   "a malformed Content-Length");
	refuses_as("a list of lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", HTTP_FAULT_LENGTH,
		   "a malformed Content-Length");
	refuses_as("a 23-digit length", "HTTP/1.1 200 OK\r\nContent-Length: 12345678901234567890123\r\n\r\n",
		   HTTP_FAULT_LENGTH, "a malformed Content-Length");
	refuses("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "a malformed chunk size");
	refuses("huge chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
		"a malformed chunk size");
	refuses("chunk overrun", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
		"chunk data longer than its size");
	refuses_as("gzip framing", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", HTTP_FAULT_CODING,
		   "a Transfer-Encoding other than chunked");
	refuses_as("gzip under chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
		   HTTP_FAULT_CODING, "a Transfer-Encoding other than chunked");
	parses("chunked in any case, spaced", "HTTP/1.1 200 OK\r\nTransfer-Encoding:  Chunked \r\n\r\n2\r\nok\r\n0\r\n\r\n",
	       200, "ok");
	refuses_as("cut short", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", HTTP_FAULT_CUT_SHORT,
		   "the response body was cut short");
	refuses_as("chunked body cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
		   HTTP_FAULT_CUT_SHORT, "the response body was cut short");
	refuses("empty reply", "", "the server closed the connection without a response");
	refuses("NUL in head", "HTTP/1.1 200 OK\r\nA: \001\r\n\r\n", "a control character in a header value");

	big = malloc(HTTP_MAX_LINE + 64);
	snprintf(big, HTTP_MAX_LINE + 64, "HTTP/1.1 200 OK\r\nX: %0*d\r\n\r\n", HTTP_MAX_LINE, 0);
	refuses("a line over the limit", big, "a line longer than 8192 bytes");
	test_interim_limit();
	redirect_is("302 with a Location", "HTTP/1.1 302 Found\r\nLocation: /next\r\n\r\n", "/next");
	redirect_is("an empty Location is none (curl)", "HTTP/1.1 302 Found\r\nLocation:\r\n\r\n", "(none)");
	redirect_is("304 is no redirect", "HTTP/1.1 304 Not Modified\r\nLocation: /next\r\n\r\n", "(none)");
	redirect_is("200 is no redirect", "HTTP/1.1 200 OK\r\nLocation: /next\r\n\r\n", "(none)");
	free(big);
	big = malloc(HTTP_MAX_HEADERS * 8 + 64);
	strcpy(big, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i <= HTTP_MAX_HEADERS; i++)
		strcat(big, "A: b\r\n");
	strcat(big, "\r\n");
	refuses("too many headers", big, "too many header lines");
	free(big);
}

static void url_is(const char *text, int rc, const char *want)
{
	struct http_url url;
	char shown[HTTP_MAX_TARGET + 300];
	int got = http_url_parse(text, &url);

	is_int(got, rc, text);
	if (got == 0) {
		http_url_format(&url, shown, sizeof(shown));
		is_str(shown, want, text);
	}
}

static void resolves(const char *base_text, const char *location, const char *want)
{
	struct http_url base, next;
	char shown[HTTP_MAX_TARGET + 300];

	http_url_parse(base_text, &base);
	is_int(http_url_resolve(&base, location, &next), 0, location);
	http_url_format(&next, shown, sizeof(shown));
	is_str(shown, want, location);
}

static void refused_location(const char *location, int rc)
{
	struct http_url base, next;

	http_url_parse("http://a.test/dir/page", &base);
	is_int(http_url_resolve(&base, location, &next), rc, location);
}

static void test_urls(void)
{
	url_is("http://example.test", 0, "http://example.test/");
	url_is("example.test:8080/a?b=c#frag", 0, "http://example.test:8080/a?b=c");
	url_is("https://[::1]:8443/x", 0, "https://[::1]:8443/x");
	url_is("HTTPS://Host.test:443/", 0, "https://Host.test/");
	url_is("ftp://example.test/", -EPROTONOSUPPORT, "");
	url_is("http://user@example.test/", -EINVAL, "");
	url_is("http://example.test:99999/", -EINVAL, "");
	url_is("http://::1/", -EINVAL, "");
	url_is("http:///path", -EINVAL, "");
	url_is("http://a.test/sp ace", -EINVAL, "");
	resolves("http://a.test/dir/page?q", "other", "http://a.test/dir/other");
	resolves("http://a.test/dir/page", "/root", "http://a.test/root");
	resolves("https://a.test/", "//b.test:8443/x", "https://b.test:8443/x");
	resolves("http://a.test/", "https://c.test/y#f", "https://c.test/y");
	resolves("http://a.test/dir/page?old", "?new", "http://a.test/dir/page?new");
	resolves("http://a.test/dir/page?u=/x/y", "other", "http://a.test/dir/other");
	resolves("http://a.test/dir/", "HTTP://b.test/", "http://b.test/");
	refused_location("javascript:alert(1)", -EPROTONOSUPPORT);
	refused_location("ftp://ftp.test/file", -EPROTONOSUPPORT);
	refused_location("mailto:x@y.test", -EPROTONOSUPPORT);
	refused_location("http:no-slashes", -EINVAL);
}

static void test_request(void)
{
	struct http_url url;
	const char *headers[] = { "X-Test: 1", "Accept:", "User-Agent: probe/1" };
	struct http_request req = { "POST", &url, headers, 3, "a=b", 3, NULL };
	const char *bad[] = { "No colon" };
	char *bytes;
	size_t len;

	http_url_parse("http://h.test:8080/p?q", &url);
	is_int(http_request_build(&req, &bytes, &len), 0, "request builds");
	is_str(bytes,
	       "POST /p?q HTTP/1.1\r\nHost: h.test:8080\r\nConnection: close\r\n"
	       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n"
	       "X-Test: 1\r\nUser-Agent: probe/1\r\n\r\na=b",
	       "request bytes: defaults, replaced and dropped headers, body");
	is_int((int)len, (int)strlen(bytes), "request length");
	free(bytes);
	req.headers = bad;
	req.header_count = 1;
	is_int(http_request_build(&req, &bytes, &len), -EINVAL, "a header without ':' is refused");
}

int main(void)
{
	test_parser();
	test_urls();
	test_request();
	return tap_exit();
}
