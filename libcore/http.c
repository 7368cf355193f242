/* HTTP URLs and request building (the response parser is http_parse.c). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sonde/addr.h"
#include "sonde/http.h"
#include "sonde/strbuf.h"

/* host[:port] or [v6][:port] up to the end of the authority. */
static int parse_authority(const char *text, size_t len, struct http_url *url)
{
	char authority[HTTP_MAX_HOST + 16];
	const char *port_text = NULL;

	size_t i;

	if (len == 0 || len >= sizeof(authority) || memchr(text, '@', len))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] <= 0x20 || text[i] == 0x7f)
			return -EINVAL;
	memcpy(authority, text, len);
	authority[len] = '\0';
	if (addr_split_hostport(authority, url->host, sizeof(url->host), &port_text) < 0 || !url->host[0])
		return -EINVAL;
	/* A bare "::1" splits as a host; in a URL an IPv6 address needs brackets. */
	if (authority[0] != '[' && strchr(url->host, ':'))
		return -EINVAL;
	url->port_given = port_text != NULL;
	if (port_text && addr_parse_port(port_text, false, &url->port) < 0)
		return -EINVAL;
	if (!port_text)
		url->port = url->tls ? 443 : 80;
	return 0;
}

static int set_target(const char *path, size_t len, struct http_url *url)
{
	size_t i;

	if (len + 2 > sizeof(url->target))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if ((unsigned char)path[i] <= 0x20 || path[i] == 0x7f)
			return -EINVAL;
	if (len == 0 || path[0] != '/')
		snprintf(url->target, sizeof(url->target), "/%.*s", (int)len, path);
	else
		snprintf(url->target, sizeof(url->target), "%.*s", (int)len, path);
	return 0;
}

int http_url_parse(const char *text, struct http_url *url)
{
	const char *rest = text, *sep = strstr(text, "://"), *path;
	size_t authority_len, path_len;
	int rc;

	memset(url, 0, sizeof(*url));
	if (sep) {
		size_t scheme_len = (size_t)(sep - text);

		if (scheme_len == 5 && strncasecmp(text, "https", 5) == 0)
			url->tls = true;
		else if (!(scheme_len == 4 && strncasecmp(text, "http", 4) == 0))
			return -EPROTONOSUPPORT;
		rest = sep + 3;
	}
	authority_len = strcspn(rest, "/?#");
	rc = parse_authority(rest, authority_len, url);
	if (rc < 0)
		return rc;
	path = rest + authority_len;
	path_len = strcspn(path, "#");
	return set_target(path, path_len, url);
}

/* The length of the reference's scheme ("javascript" in
 * "javascript:alert(1)"), or 0 when it has none (RFC 3986 4.2: a colon
 * before any '/', '?' or '#', after a letter and letters, digits, + - .). */
static size_t scheme_length(const char *reference)
{
	size_t len = 0;

	if (!isalpha((unsigned char)reference[0]))
		return 0;
	while (isalnum((unsigned char)reference[len]) || reference[len] == '+' || reference[len] == '-' ||
	       reference[len] == '.')
		len++;
	return reference[len] == ':' ? len : 0;
}

int http_url_resolve(const struct http_url *base, const char *location, struct http_url *out)
{
	char joined[HTTP_MAX_TARGET + HTTP_MAX_HOST];
	size_t scheme_len = scheme_length(location), path_len;
	const char *slash;

	if (scheme_len) {
		bool web = (scheme_len == 4 && strncasecmp(location, "http", 4) == 0) ||
			   (scheme_len == 5 && strncasecmp(location, "https", 5) == 0);

		return web ? http_url_parse(location, out) : -EPROTONOSUPPORT;
	}
	if (strncmp(location, "//", 2) == 0) {
		snprintf(joined, sizeof(joined), "%s:%s", base->tls ? "https" : "http", location);
		return http_url_parse(joined, out);
	}
	*out = *base;
	if (location[0] == '/')
		return set_target(location, strcspn(location, "#"), out);
	if (location[0] == '?') {
		/* Only the query changes (RFC 3986 5.2.2). */
		path_len = strcspn(base->target, "?");
		snprintf(joined, sizeof(joined), "%.*s%.*s", (int)path_len, base->target,
			 (int)strcspn(location, "#"), location);
		return set_target(joined, strlen(joined), out);
	}
	/* Relative to the directory of the base path (query dropped). */
	path_len = strcspn(base->target, "?");
	slash = memrchr(base->target, '/', path_len);
	if (!slash)
		return -EINVAL;
	snprintf(joined, sizeof(joined), "%.*s%.*s", (int)(slash - base->target + 1), base->target,
		 (int)strcspn(location, "#"), location);
	return set_target(joined, strlen(joined), out);
}

void http_url_host_header(const struct http_url *url, char *buf, size_t size)
{
	bool v6 = strchr(url->host, ':') != NULL;
	bool default_port = url->port == (url->tls ? 443 : 80);

	if (default_port)
		snprintf(buf, size, "%s%s%s", v6 ? "[" : "", url->host, v6 ? "]" : "");
	else
		snprintf(buf, size, "%s%s%s:%u", v6 ? "[" : "", url->host, v6 ? "]" : "", url->port);
}

void http_url_format(const struct http_url *url, char *buf, size_t size)
{
	char host[HTTP_MAX_HOST + 16];

	http_url_host_header(url, host, sizeof(host));
	snprintf(buf, size, "%s://%s%s", url->tls ? "https" : "http", host, url->target);
}

/* --- requests ----------------------------------------------------------------- */

static void buf_line(struct strbuf *b, const char *name, const char *value)
{
	strbuf_puts(b, name);
	strbuf_add(b, ": ", 2);
	strbuf_puts(b, value);
	strbuf_add(b, "\r\n", 2);
}

/* The user's header of that name: 1 when given (value in *value, "" for
 * "Name:" which drops the header), 0 when not. */
static int user_header(const struct http_request *req, const char *name, const char **value)
{
	size_t i, len = strlen(name);

	for (i = 0; i < req->header_count; i++) {
		const char *h = req->headers[i];

		if (strncasecmp(h, name, len) == 0 && h[len] == ':') {
			for (*value = h + len + 1; **value == ' '; (*value)++)
				;
			return 1;
		}
	}
	return 0;
}

static void default_header(struct strbuf *b, const struct http_request *req, const char *name, const char *value)
{
	const char *given;

	if (!user_header(req, name, &given))
		buf_line(b, name, value);
}

static int check_user_headers(const struct http_request *req)
{
	size_t i;

	for (i = 0; i < req->header_count; i++) {
		const char *h = req->headers[i], *colon = strchr(h, ':');

		if (!colon || colon == h || strpbrk(h, "\r\n") || memchr(h, ' ', (size_t)(colon - h)))
			return -EINVAL;
	}
	return 0;
}

static void optional_header(struct strbuf *b, const struct http_request *req, const char *name, const char *value)
{
	if (value)
		default_header(b, req, name, value);
}

static void body_length_header(struct strbuf *b, const struct http_request *req)
{
	char length[32];

	snprintf(length, sizeof(length), "%zu", req->body_len);
	default_header(b, req, "Content-Length", length);
}

/* The user's headers in the order given; "Name:" alone only removes a
 * default. */
static void user_headers(struct strbuf *b, const struct http_request *req)
{
	size_t i;

	for (i = 0; i < req->header_count; i++) {
		const char *h = req->headers[i], *colon = strchr(h, ':'), *value = colon + 1;

		while (*value == ' ')
			value++;
		if (!*value)
			continue;
		strbuf_add(b, h, (size_t)(colon - h));
		strbuf_add(b, ": ", 2);
		strbuf_puts(b, value);
		strbuf_add(b, "\r\n", 2);
	}
}

int http_request_build(const struct http_request *req, char **out, size_t *out_len)
{
	struct strbuf b = { 0 };
	char host[HTTP_MAX_HOST + 16];

	*out = NULL;
	if (check_user_headers(req) < 0 || strpbrk(req->method, " \r\n") || !req->method[0])
		return -EINVAL;
	http_url_host_header(req->url, host, sizeof(host));
	strbuf_puts(&b, req->method);
	strbuf_add(&b, " ", 1);
	strbuf_puts(&b, req->url->target);
	strbuf_add(&b, " HTTP/1.1\r\n", 11);
	default_header(&b, req, "Host", host);
	optional_header(&b, req, "Authorization", req->authorization);
	default_header(&b, req, "User-Agent", req->user_agent ? req->user_agent : "sonde");
	default_header(&b, req, "Accept", "*/*");
	optional_header(&b, req, "Accept-Encoding", req->accept_encoding);
	optional_header(&b, req, "Referer", req->referer);
	if (!req->no_connection_close)
		default_header(&b, req, "Connection", "close");
	if (req->body && !req->body_headers_last) {
		default_header(&b, req, "Content-Type", "application/x-www-form-urlencoded");
		body_length_header(&b, req);
	}
	user_headers(&b, req);
	if (req->body && req->body_headers_last) {
		body_length_header(&b, req);
		default_header(&b, req, "Content-Type", "application/x-www-form-urlencoded");
	}
	strbuf_add(&b, "\r\n", 2);
	if (req->body)
		strbuf_add(&b, req->body, req->body_len);
	if (b.failed) {
		free(b.data);
		return -ENOMEM;
	}
	*out = b.data;
	*out_len = b.len;
	return 0;
}
