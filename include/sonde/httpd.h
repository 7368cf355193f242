/* The server side of HTTP/1.1 for `sonde serve`: a request head parser
 * with strict bounds (the request is untrusted input from the network:
 * the head's size, the header count and every field are capped, anything
 * malformed is refused, never guessed), and the query string's parameters
 * percent-decoded.  Bodies are not read: a request that announces one is
 * refused (a scraper sends none). */
#ifndef SONDE_HTTPD_H
#define SONDE_HTTPD_H

#include <stdbool.h>
#include <stddef.h>

#define HTTPD_MAX_HEAD 8192         /* request line and headers, CRLFs included */
#define HTTPD_MAX_HEADERS 32
#define HTTPD_MAX_TARGET 2048
#define HTTPD_MAX_METHOD 16

struct httpd_request {
	char method[HTTPD_MAX_METHOD + 1];
	char target[HTTPD_MAX_TARGET + 1];  /* origin-form: "/probe?target=..." */
	int version_minor;                  /* HTTP/1.0 or 1.1 */
	size_t header_count;
	bool close;                         /* "Connection: close", or HTTP/1.0 without keep-alive */
	/* Prometheus' scrape timeout (X-Prometheus-Scrape-Timeout-Seconds), or
	 * "" when none came. */
	char scrape_timeout[32];
};

/* Why a head was refused, for the status line the server answers with. */
enum httpd_fault {
	HTTPD_OK,
	HTTPD_MALFORMED,      /* 400 */
	HTTPD_TOO_LARGE,      /* 431: the head or a field past its bound */
	HTTPD_TOO_MANY,       /* 431: more than HTTPD_MAX_HEADERS headers */
	HTTPD_TARGET_LONG,    /* 414 */
	HTTPD_BODY,           /* 411/400: a body announced (Content-Length > 0, Transfer-Encoding) */
	HTTPD_VERSION,        /* 505: not HTTP/1.0 or 1.1 */
};

/* Parses the head at the start of buf (len bytes received so far).
 * Returns the head's length (through its blank line) when complete, 0 when
 * more bytes are needed (and fewer than HTTPD_MAX_HEAD came), or -EBADMSG
 * with *fault saying why.  Lines end in CRLF or a bare LF (RFC 9112 2.2). */
long httpd_request_parse(const char *buf, size_t len, struct httpd_request *req, enum httpd_fault *fault);
/* The status code and reason phrase a fault is answered with. */
int httpd_fault_status(enum httpd_fault fault, const char **reason);

/* The target's path (before '?'), percent-decoded into buf.  Returns its
 * length, or -EINVAL (a bad escape, an encoded NUL) or -ENAMETOOLONG. */
long httpd_target_path(const char *target, char *buf, size_t size);
/* The first value of the query parameter key, percent- and '+'-decoded
 * into buf.  Returns its length, -ENOENT when absent, or -EINVAL /
 * -ENAMETOOLONG as above. */
long httpd_query_get(const char *target, const char *key, char *buf, size_t size);

#endif
