/* libcore httpd: serve's request heads, whole and cut short, and each
 * bound and refusal; query parameters decoded. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sonde/httpd.h"
#include "tap.h"

static long parse(const char *text, struct httpd_request *req, enum httpd_fault *fault)
{
	return httpd_request_parse(text, strlen(text), req, fault);
}

static void test_heads(void)
{
	struct httpd_request req;
	enum httpd_fault fault;
	const char *probe = "GET /probe?target=a HTTP/1.1\r\nHost: x\r\n"
			    "X-Prometheus-Scrape-Timeout-Seconds:  9.5 \r\n\r\nextra";
	char big[HTTPD_MAX_HEAD + 64];
	size_t n;

	is_int(parse(probe, &req, &fault), (long)strlen(probe) - 5, "a whole head: its length, bytes after it left");
	is_str(req.method, "GET", "method");
	is_str(req.target, "/probe?target=a", "target");
	is_str(req.scrape_timeout, "9.5", "scrape timeout header, blanks trimmed");
	ok(!req.close && req.header_count == 2, "HTTP/1.1 keeps the connection; two headers");
	is_int(parse("GET / HTTP/1.1\r\nHost: x\r\n", &req, &fault), 0, "no blank line yet: more");
	is_int(parse("GET / HTTP/1.0\n\n", &req, &fault), 16, "bare LF lines");
	ok(req.close, "HTTP/1.0 closes");
	is_int(parse("GET / HTTP/1.1\r\nConnection: Keep-Alive, close\r\n\r\n", &req, &fault) > 0 && req.close, 1,
	       "Connection: close");
	parse("GET / HTTP/2.0\r\n\r\n", &req, &fault);
	is_int(fault, HTTPD_VERSION, "HTTP/2.0: 505");
	parse("GET http://x/ HTTP/1.1\r\n\r\n", &req, &fault);
	is_int(fault, HTTPD_MALFORMED, "absolute-form refused");
	parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n", &req, &fault);
	is_int(fault, HTTPD_MALFORMED, "space before the colon refused");
	parse("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", &req, &fault);
	is_int(fault, HTTPD_MALFORMED, "obs-fold refused");
	parse("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", &req, &fault);
	is_int(fault, HTTPD_MALFORMED, "control byte in a value refused");
	parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n", &req, &fault);
	is_int(fault, HTTPD_BODY, "a body is refused");
	is_int(parse("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &req, &fault) > 0, 1, "Content-Length: 0 is none");
	parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &req, &fault);
	is_int(fault, HTTPD_BODY, "Transfer-Encoding refused");
	n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\n");
	for (int i = 0; i < HTTPD_MAX_HEADERS + 1; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "H%d: v\r\n", i);
	snprintf(big + n, sizeof(big) - n, "\r\n");
	parse(big, &req, &fault);
	is_int(fault, HTTPD_TOO_MANY, "one header past the count refused");
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	big[sizeof(big) - 1] = '\0';
	is_int(parse(big, &req, &fault), -EBADMSG, "no end within HTTPD_MAX_HEAD: refused, not more");
	is_int(fault, HTTPD_TOO_LARGE, "as too large");
}

static void test_query(void)
{
	const char *target = "/probe?module=http_2xx&target=http%3A%2F%2F10.0.0.1%2Fa+b&debug&x=%zz&n=%00";
	char buf[64];

	is_int(httpd_query_get(target, "target", buf, sizeof(buf)), 19, "target decoded");
	is_str(buf, "http://10.0.0.1/a b", "percent and plus");
	is_int(httpd_query_get(target, "debug", buf, sizeof(buf)), 0, "a key without '=' is empty");
	is_int(httpd_query_get(target, "nope", buf, sizeof(buf)), -ENOENT, "absent key");
	is_int(httpd_query_get(target, "x", buf, sizeof(buf)), -EINVAL, "bad escape");
	is_int(httpd_query_get(target, "n", buf, sizeof(buf)), -EINVAL, "encoded NUL");
	is_int(httpd_query_get(target, "target", buf, 8), -ENAMETOOLONG, "too long for the buffer");
	is_int(httpd_target_path(target, buf, sizeof(buf)), 6, "path before '?'");
	is_str(buf, "/probe", "path");
}

int main(void)
{
	test_heads();
	test_query();
	return tap_exit();
}
