/* The request side of HTTP/1.1 for `sonde serve` (RFC 9112): the head is
 * read only once complete (its blank line arrived) and refused whole when
 * anything in it is out of bounds or malformed; the query string's values
 * are decoded on demand.  Nothing here allocates. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sonde/httpd.h"

/* RFC 9110 5.6.2's tchar: what a method or a header name may hold. */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A field value's bytes: visible, space, tab and obs-text; no other control. */
static bool is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* The end of the head: the offset past its blank line, or 0. */
static size_t head_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* One line from *pos up to (not including) its LF or CRLF; *pos moves past it. */
static size_t next_line(const char *buf, size_t end, size_t *pos, const char **line)
{
	size_t start = *pos, stop = start;

	while (stop < end && buf[stop] != '\n')
		stop++;
	*line = buf + start;
	*pos = stop < end ? stop + 1 : end;
	if (stop > start && buf[stop - 1] == '\r')
		stop--;
	return stop - start;
}

static long refuse(enum httpd_fault *fault, enum httpd_fault why)
{
	*fault = why;
	return -EBADMSG;
}

static enum httpd_fault parse_request_line(const char *line, size_t len, struct httpd_request *req)
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *version;
	size_t method_len, target_len;

	if (!sp1)
		return HTTPD_MALFORMED;
	method_len = (size_t)(sp1 - line);
	sp2 = memchr(sp1 + 1, ' ', len - method_len - 1);
	if (!sp2 || method_len == 0)
		return HTTPD_MALFORMED;
	if (method_len > HTTPD_MAX_METHOD)
		return HTTPD_TOO_LARGE;
	for (size_t i = 0; i < method_len; i++)
		if (!is_tchar((unsigned char)line[i]))
			return HTTPD_MALFORMED;
	target_len = (size_t)(sp2 - sp1 - 1);
	if (target_len == 0 || sp1[1] != '/')
		return HTTPD_MALFORMED;
	if (target_len > HTTPD_MAX_TARGET)
		return HTTPD_TARGET_LONG;
	for (size_t i = 0; i < target_len; i++)
		if ((unsigned char)sp1[1 + i] <= 0x20 || (unsigned char)sp1[1 + i] >= 0x7f)
			return HTTPD_MALFORMED;
	version = sp2 + 1;
	if ((size_t)(line + len - version) != 8 || memcmp(version, "HTTP/", 5) != 0 || version[6] != '.' ||
	    version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
		return HTTPD_MALFORMED;
	if (version[5] != '1' || version[7] > '1')
		return HTTPD_VERSION;
	memcpy(req->method, line, method_len);
	req->method[method_len] = '\0';
	memcpy(req->target, sp1 + 1, target_len);
	req->target[target_len] = '\0';
	req->version_minor = version[7] - '0';
	req->close = req->version_minor == 0;
	return HTTPD_OK;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

/* Whether a comma-separated list (a Connection value) holds token. */
static bool list_has(const char *value, size_t len, const char *token)
{
	size_t i = 0, start, stop, want = strlen(token);

	while (i < len) {
		while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ','))
			i++;
		start = i;
		while (i < len && value[i] != ',')
			i++;
		stop = i;
		while (stop > start && (value[stop - 1] == ' ' || value[stop - 1] == '\t'))
			stop--;
		if (stop - start == want && strncasecmp(value + start, token, want) == 0)
			return true;
	}
	return false;
}

/* What the server acts on among the headers; the rest are only checked. */
static enum httpd_fault use_header(const char *name, size_t name_len, const char *value, size_t value_len,
				   struct httpd_request *req)
{
	if (name_is(name, name_len, "Transfer-Encoding"))
		return HTTPD_BODY;
	if (name_is(name, name_len, "Content-Length")) {
		for (size_t i = 0; i < value_len; i++)
			if (value[i] != '0')
				return value[i] >= '1' && value[i] <= '9' ? HTTPD_BODY : HTTPD_MALFORMED;
		return value_len ? HTTPD_OK : HTTPD_MALFORMED;
	}
	if (name_is(name, name_len, "Connection")) {
		if (list_has(value, value_len, "close"))
			req->close = true;
		else if (list_has(value, value_len, "keep-alive"))
			req->close = false;
	}
	if (name_is(name, name_len, "X-Prometheus-Scrape-Timeout-Seconds")) {
		if (value_len >= sizeof(req->scrape_timeout))
			return HTTPD_TOO_LARGE;
		memcpy(req->scrape_timeout, value, value_len);
		req->scrape_timeout[value_len] = '\0';
	}
	return HTTPD_OK;
}

static enum httpd_fault parse_header(const char *line, size_t len, struct httpd_request *req)
{
	const char *colon = memchr(line, ':', len), *value;
	size_t name_len, value_len;

	if (!colon || colon == line)
		return HTTPD_MALFORMED;
	name_len = (size_t)(colon - line);
	for (size_t i = 0; i < name_len; i++)
		if (!is_tchar((unsigned char)line[i]))
			return HTTPD_MALFORMED;  /* a space before ':', obs-fold, a control */
	value = colon + 1;
	value_len = len - name_len - 1;
	for (size_t i = 0; i < value_len; i++)
		if (!is_value_char((unsigned char)value[i]))
			return HTTPD_MALFORMED;
	while (value_len && (*value == ' ' || *value == '\t'))
		value++, value_len--;
	while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
		value_len--;
	return use_header(line, name_len, value, value_len, req);
}

long httpd_request_parse(const char *buf, size_t len, struct httpd_request *req, enum httpd_fault *fault)
{
	size_t end, pos = 0, line_len;
	const char *line;
	enum httpd_fault why;

	*fault = HTTPD_OK;
	end = head_end(buf, len > HTTPD_MAX_HEAD ? HTTPD_MAX_HEAD : len);
	if (!end)
		return len >= HTTPD_MAX_HEAD ? refuse(fault, HTTPD_TOO_LARGE) : 0;
	memset(req, 0, sizeof(*req));
	line_len = next_line(buf, end, &pos, &line);
	why = parse_request_line(line, line_len, req);
	if (why != HTTPD_OK)
		return refuse(fault, why);
	while ((line_len = next_line(buf, end, &pos, &line)) > 0) {
		if (++req->header_count > HTTPD_MAX_HEADERS)
			return refuse(fault, HTTPD_TOO_MANY);
		why = parse_header(line, line_len, req);
		if (why != HTTPD_OK)
			return refuse(fault, why);
	}
	return (long)end;
}

int httpd_fault_status(enum httpd_fault fault, const char **reason)
{
	switch (fault) {
	case HTTPD_TOO_LARGE:
	case HTTPD_TOO_MANY: *reason = "Request Header Fields Too Large"; return 431;
	case HTTPD_TARGET_LONG: *reason = "URI Too Long"; return 414;
	case HTTPD_BODY: *reason = "Length Required"; return 411;
	case HTTPD_VERSION: *reason = "HTTP Version Not Supported"; return 505;
	case HTTPD_OK:
	case HTTPD_MALFORMED:
	default: *reason = "Bad Request"; return 400;
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes len bytes of text into buf: %XX always, '+' as a space when plus. */
static long decode(const char *text, size_t len, bool plus, char *buf, size_t size)
{
	size_t out = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)text[i];

		if (c == '%') {
			int hi = i + 2 < len ? hex_value(text[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(text[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return -EINVAL;  /* a bad escape, or an encoded NUL */
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (out + 1 >= size)
			return -ENAMETOOLONG;
		buf[out++] = (char)c;
	}
	if (size == 0)
		return -ENAMETOOLONG;
	buf[out] = '\0';
	return (long)out;
}

long httpd_target_path(const char *target, char *buf, size_t size)
{
	return decode(target, strcspn(target, "?"), false, buf, size);
}

long httpd_query_get(const char *target, const char *key, char *buf, size_t size)
{
	const char *query = strchr(target, '?'), *pair, *eq;
	size_t pair_len, key_len = strlen(key);
	char name[256];

	if (!query)
		return -ENOENT;
	for (pair = query + 1; *pair; pair += pair_len + (pair[pair_len] == '&')) {
		pair_len = strcspn(pair, "&");
		eq = memchr(pair, '=', pair_len);
		if (decode(pair, eq ? (size_t)(eq - pair) : pair_len, true, name, sizeof(name)) != (long)key_len ||
		    memcmp(name, key, key_len) != 0)
			continue;
		if (!eq)
			return decode("", 0, true, buf, size);
		return decode(eq + 1, pair_len - (size_t)(eq + 1 - pair), true, buf, size);
	}
	return -ENOENT;
}
