/* HTTP/1.1 for service checks: URLs, request building, and an incremental
 * response parser with strict bounds (the response is untrusted input:
 * every line, header count and size is capped, and anything malformed is
 * an error, never a guess).  Keep-alive is off: one request per connection. */
#ifndef SONDE_HTTP_H
#define SONDE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_LINE 8192          /* status line or one header line */
#define HTTP_MAX_HEADERS 100
#define HTTP_MAX_HEADER_BYTES 65536 /* the whole head */
#define HTTP_MAX_HOST 256
#define HTTP_MAX_TARGET 4096

struct http_url {
	bool tls;                     /* https */
	char host[HTTP_MAX_HOST];     /* without brackets for IPv6 */
	uint16_t port;
	bool port_given;
	char target[HTTP_MAX_TARGET]; /* path and query, "/" at least; no fragment */
};

/* "http://host[:port]/path?query" or https; a URL without scheme is http
 * (as curl).  Returns 0, -EINVAL (malformed) or -EPROTONOSUPPORT. */
int http_url_parse(const char *text, struct http_url *url);
/* A Location against the URL it came from: absolute ("scheme:..."),
 * "//host/...", "/path", "?query" or relative.  Returns 0, -EINVAL, or
 * -EPROTONOSUPPORT for a scheme other than http and https
 * ("javascript:alert(1)", "ftp://..."). */
int http_url_resolve(const struct http_url *base, const char *location, struct http_url *out);
/* The next URL of a redirect chain, after a response to method on base:
 * 0 with *next (and *to_get when the method turns into GET without a
 * body: a 303, or a 301/302 after POST, as curl and browsers do),
 * -ENOENT when the response is no redirect, or http_url_resolve's
 * -EPROTONOSUPPORT / -EINVAL. */
struct http_response;
int http_redirect_next(const struct http_response *resp, const struct http_url *base, const char *method,
		       struct http_url *next, bool *to_get);
/* A request's method as curl picks it: the one given (-X), else HEAD for
 * -I, POST with a body, GET; once a redirect turned it into GET (to_get),
 * GET or HEAD. */
const char *http_method_for(const char *given, bool head, bool has_body, bool to_get);
/* "http://host:port/target" with the port only when not the default. */
void http_url_format(const struct http_url *url, char *buf, size_t size);
/* The Host header's value: "host", "host:8080", "[::1]:8080". */
void http_url_host_header(const struct http_url *url, char *buf, size_t size);

struct http_request {
	const char *method;               /* "GET" */
	const struct http_url *url;
	const char *const *headers;       /* "Name: value" lines from the user; they replace
					   * defaults of the same name; "Name:" drops one */
	size_t header_count;
	const char *body;                 /* NULL: none */
	size_t body_len;
	const char *user_agent;           /* default User-Agent */
	/* Optional defaults, each left out when NULL: */
	const char *authorization;        /* "Basic dXNlcjpwdw==" */
	const char *accept_encoding;      /* "deflate, gzip" */
	const char *referer;
	bool no_connection_close;         /* no "Connection: close" */
	/* curl's order: the user's headers, then Content-Length, then
	 * Content-Type (else Content-Type, Content-Length, the user's). */
	bool body_headers_last;
};

/* The request head (and body) as bytes in a new buffer.  Returns 0 or
 * -EINVAL (a header without ':' or with CR/LF in it) or -ENOMEM. */
int http_request_build(const struct http_request *req, char **out, size_t *out_len);

struct http_header {
	char *name, *value;               /* value without surrounding spaces */
};

struct http_response {
	int version_minor;                /* HTTP/1.x */
	int status;
	char reason[256];
	struct http_header *headers;
	size_t header_count;
	int interim_count;                /* 1xx responses skipped before this one */
};

/* Case-insensitive; the first header of that name, or NULL. */
const char *http_response_header(const struct http_response *resp, const char *name);
/* The Location of a redirect (a 3xx other than 304), or NULL; an empty
 * Location is none (as curl: following it would ask for the same URL). */
const char *http_response_redirect(const struct http_response *resp);

enum http_parse_state {
	HTTP_PARSE_HEAD,
	HTTP_PARSE_BODY_LENGTH,           /* Content-Length bytes */
	HTTP_PARSE_CHUNK_SIZE,
	HTTP_PARSE_CHUNK_DATA,
	HTTP_PARSE_CHUNK_END,             /* the CRLF after a chunk's data */
	HTTP_PARSE_TRAILERS,
	HTTP_PARSE_BODY_TO_CLOSE,         /* no length: the body ends with the connection */
	HTTP_PARSE_DONE,
	HTTP_PARSE_ERROR,
};

enum http_body_kind { HTTP_BODY_NONE, HTTP_BODY_LENGTH, HTTP_BODY_CHUNKED, HTTP_BODY_TO_CLOSE };

/* What kind of fault stopped the parser: callers map them to their exit
 * codes (curl tells a malformed length from a coding it cannot decode). */
enum http_parse_fault {
	HTTP_FAULT_NONE,
	HTTP_FAULT_MALFORMED,             /* not HTTP/1.x, a bad line, a bad chunk... */
	HTTP_FAULT_HEAD_TOO_LARGE,        /* over HTTP_MAX_HEADER_BYTES, interim heads included */
	HTTP_FAULT_LENGTH,                /* a malformed or conflicting Content-Length */
	HTTP_FAULT_CODING,                /* a transfer coding other than chunked alone */
	HTTP_FAULT_SINK,                  /* the body sink refused the bytes */
	HTTP_FAULT_CUT_SHORT,             /* the connection ended inside a sized or chunked body */
};

/* Receives body bytes as they are decoded.  Returns 0, or <0 to stop
 * (the parser then fails with that code). */
typedef int (*http_body_sink)(void *ctx, const char *data, size_t len);

struct http_parser {
	enum http_parse_state state;
	struct http_response response;
	bool head_done;                   /* the final response's head is complete */
	bool request_was_head;            /* HEAD: no body whatever the headers say */
	enum http_body_kind body_kind;
	uint64_t remaining;               /* of Content-Length or of the current chunk */
	uint64_t body_bytes;              /* decoded body bytes delivered */
	uint64_t content_length;
	char line[HTTP_MAX_LINE];
	size_t line_len;
	size_t head_bytes;                /* of all heads so far, interim (1xx) ones included */
	const char *error;                /* why, once state is HTTP_PARSE_ERROR */
	enum http_parse_fault fault;      /* and of what kind */
	http_body_sink sink;
	void *sink_ctx;
	/* Optional: each head line (interim heads included, the empty line
	 * that ends a head too) as received, without its terminator; crlf
	 * says whether it ended in CRLF or a bare LF.  For printing heads
	 * byte for byte (curl -i, -v) where the parsed values are trimmed. */
	void (*head_line)(void *ctx, const char *line, size_t len, bool crlf);
	void *head_line_ctx;
	bool line_crlf;                   /* the line just taken ended in CRLF */
};

void http_parser_init(struct http_parser *p, bool request_was_head, http_body_sink sink, void *sink_ctx);
/* Feeds received bytes.  Returns 1 when the response is complete (bytes
 * after it are ignored: keep-alive is off), 0 for "more", or -EPROTO with
 * p->error set (or the sink's error). */
int http_parser_feed(struct http_parser *p, const char *data, size_t len);
/* The connection ended: completes a body that runs to the close, else
 * -EPROTO ("the response was cut short") unless already done. */
int http_parser_finish(struct http_parser *p);
void http_parser_free(struct http_parser *p);

#endif
