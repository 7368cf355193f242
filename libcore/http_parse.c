/* The HTTP/1.1 response parser: a byte-driven state machine over untrusted
 * input.  Lines are collected into a fixed buffer (longer ones are an
 * error), the head has a size and header-count limit, numbers are parsed
 * strictly (no sign, no spaces, no overflow), and obsolete line folding,
 * conflicting lengths and malformed chunks are refused. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sonde/http.h"

void http_parser_init(struct http_parser *p, bool request_was_head, http_body_sink sink, void *sink_ctx)
{
	memset(p, 0, sizeof(*p));
	p->state = HTTP_PARSE_HEAD;
	p->request_was_head = request_was_head;
	p->sink = sink;
	p->sink_ctx = sink_ctx;
}

static void free_headers(struct http_response *r)
{
	size_t i;

	for (i = 0; i < r->header_count; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->header_count = 0;
}

void http_parser_free(struct http_parser *p)
{
	free_headers(&p->response);
}

const char *http_response_header(const struct http_response *resp, const char *name)
{
	size_t i;

	for (i = 0; i < resp->header_count; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

const char *http_response_redirect(const struct http_response *resp)
{
	const char *location = http_response_header(resp, "Location");

	if (resp->status < 300 || resp->status > 399 || resp->status == 304 || !location || !location[0])
		return NULL;
	return location;
}

int http_redirect_next(const struct http_response *resp, const struct http_url *base, const char *method,
		       struct http_url *next, bool *to_get)
{
	const char *location = http_response_redirect(resp);
	int rc;

	*to_get = false;
	if (!location)
		return -ENOENT;
	rc = http_url_resolve(base, location, next);
	if (rc < 0)
		return rc;
	*to_get = resp->status == 303 || ((resp->status == 301 || resp->status == 302) && strcmp(method, "POST") == 0);
	return 0;
}

const char *http_method_for(const char *given, bool head, bool has_body, bool to_get)
{
	if (to_get)
		return head ? "HEAD" : "GET";
	if (given)
		return given;
	return head ? "HEAD" : has_body ? "POST" : "GET";
}

static int fail_as(struct http_parser *p, enum http_parse_fault fault, const char *why)
{
	p->state = HTTP_PARSE_ERROR;
	p->error = why;
	p->fault = fault;
	return -EPROTO;
}

static int fail(struct http_parser *p, const char *why)
{
	return fail_as(p, HTTP_FAULT_MALFORMED, why);
}

/* Digits only, at most max_digits of them, in the given base. */
static int parse_number(const char *text, size_t len, int base, size_t max_digits, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > max_digits)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)text[i], digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (base == 16 && isxdigit(c))
			digit = tolower(c) - 'a' + 10;
		else
			return -EINVAL;
		v = v * (uint64_t)base + (uint64_t)digit;
	}
	*value = v;
	return 0;
}

/* "HTTP/1.1 200 OK" (the reason may be empty). */
static int status_line(struct http_parser *p, const char *line, size_t len)
{
	uint64_t status;

	if (len < 12 || strncmp(line, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)line[7]) || line[8] != ' ')
		return fail(p, "not an HTTP/1.x status line");
	if (parse_number(line + 9, 3, 10, 3, &status) < 0 || status < 100 || status > 999 ||
	    (len > 12 && line[12] != ' '))
		return fail(p, "malformed status code");
	p->response.version_minor = line[7] - '0';
	p->response.status = (int)status;
	if (len > 13)
		snprintf(p->response.reason, sizeof(p->response.reason), "%.*s", (int)(len - 13), line + 13);
	else
		p->response.reason[0] = '\0';
	return 0;
}

static bool is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static int add_header(struct http_parser *p, const char *line, size_t len)
{
	struct http_response *r = &p->response;
	const char *colon = memchr(line, ':', len), *value, *end = line + len;
	struct http_header *grown;
	size_t i, name_len;

	if (line[0] == ' ' || line[0] == '\t')
		return fail(p, "obsolete header line folding");
	if (!colon || colon == line)
		return fail(p, "a header line without a name and ':'");
	name_len = (size_t)(colon - line);
	for (i = 0; i < name_len; i++)
		if (!is_token_char((unsigned char)line[i]))
			return fail(p, "a header name with invalid characters");
	if (r->header_count >= HTTP_MAX_HEADERS)
		return fail(p, "too many header lines");
	for (value = colon + 1; value < end && (*value == ' ' || *value == '\t'); value++)
		;
	while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (i = 0; value + i < end; i++)
		if ((unsigned char)value[i] < 0x20 && value[i] != '\t')
			return fail(p, "a control character in a header value");
	grown = realloc(r->headers, (r->header_count + 1) * sizeof(*grown));
	if (!grown)
		return fail(p, "out of memory");
	r->headers = grown;
	grown[r->header_count].name = strndup(line, name_len);
	grown[r->header_count].value = strndup(value, (size_t)(end - value));
	if (!grown[r->header_count].name || !grown[r->header_count].value) {
		free(grown[r->header_count].name);
		free(grown[r->header_count].value);
		return fail(p, "out of memory");
	}
	r->header_count++;
	return 0;
}

/* Is the comma-separated list value exactly the one token (case-insensitive,
 * spaces and empty elements aside)?  "gzip, chunked" is not "chunked": the
 * body would still be gzip-coded under the chunks. */
static bool list_is_only(const char *value, const char *token)
{
	size_t token_len = strlen(token);
	int seen = 0;

	while (*value) {
		size_t len;

		while (*value == ' ' || *value == '\t' || *value == ',')
			value++;
		len = strcspn(value, ",");
		while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
			len--;
		if (len > 0 && (len != token_len || strncasecmp(value, token, len) != 0))
			return false;
		seen += len > 0;
		value += strcspn(value, ",");
	}
	return seen == 1;
}

static int content_length(struct http_parser *p, uint64_t *length)
{
	const struct http_response *r = &p->response;
	bool found = false;
	size_t i;

	for (i = 0; i < r->header_count; i++) {
		uint64_t v;

		if (strcasecmp(r->headers[i].name, "Content-Length") != 0)
			continue;
		if (parse_number(r->headers[i].value, strlen(r->headers[i].value), 10, 18, &v) < 0)
			return fail_as(p, HTTP_FAULT_LENGTH, "a malformed Content-Length");
		if (found && v != *length)
			return fail_as(p, HTTP_FAULT_LENGTH, "conflicting Content-Length headers");
		*length = v;
		found = true;
	}
	return found ? 1 : 0;
}

/* The head is complete: decide how the body is framed (RFC 9112 6.3). */
static int head_complete(struct http_parser *p)
{
	const struct http_response *r = &p->response;
	const char *te = http_response_header(r, "Transfer-Encoding");
	uint64_t length = 0;
	int has_length;

	if (r->status < 200) {
		/* An interim response (100 Continue): the real one follows.  The
		 * head limit counts on across them: else an endless stream of
		 * interim heads would never end. */
		free_headers(&p->response);
		p->response.interim_count++;
		p->response.status = 0;
		return 0;
	}
	p->head_done = true;
	if (p->request_was_head || r->status == 204 || r->status == 304) {
		p->body_kind = HTTP_BODY_NONE;
		p->state = HTTP_PARSE_DONE;
		return 1;
	}
	if (te) {
		if (!list_is_only(te, "chunked"))
			return fail_as(p, HTTP_FAULT_CODING, "a Transfer-Encoding other than chunked");
		p->body_kind = HTTP_BODY_CHUNKED;
		p->state = HTTP_PARSE_CHUNK_SIZE;
		return 0;
	}
	has_length = content_length(p, &length);
	if (has_length < 0)
		return has_length;
	if (has_length) {
		p->body_kind = HTTP_BODY_LENGTH;
		p->content_length = p->remaining = length;
		p->state = length ? HTTP_PARSE_BODY_LENGTH : HTTP_PARSE_DONE;
		return length ? 0 : 1;
	}
	p->body_kind = HTTP_BODY_TO_CLOSE;
	p->state = HTTP_PARSE_BODY_TO_CLOSE;
	return 0;
}

static int head_line(struct http_parser *p, const char *line, size_t len)
{
	if (p->response.status == 0)
		return status_line(p, line, len);
	if (len == 0)
		return head_complete(p);
	return add_header(p, line, len);
}

/* "1a3f[;extension]" */
static int chunk_size_line(struct http_parser *p, const char *line, size_t len)
{
	size_t digits = 0;

	while (digits < len && isxdigit((unsigned char)line[digits]))
		digits++;
	if (digits < len && line[digits] != ';' && line[digits] != ' ' && line[digits] != '\t')
		return fail(p, "a malformed chunk size");
	if (parse_number(line, digits, 16, 15, &p->remaining) < 0)
		return fail(p, "a malformed chunk size");
	p->state = p->remaining ? HTTP_PARSE_CHUNK_DATA : HTTP_PARSE_TRAILERS;
	return 0;
}

static int trailer_line(struct http_parser *p, const char *line, size_t len)
{
	if (len == 0) {
		p->state = HTTP_PARSE_DONE;
		return 1;
	}
	/* Trailers are checked like headers but not kept. */
	if (!memchr(line, ':', len) || line[0] == ':' || line[0] == ' ' || line[0] == '\t')
		return fail(p, "a malformed trailer line");
	return 0;
}

static int line_complete(struct http_parser *p)
{
	const char *line = p->line;
	size_t len = p->line_len;

	p->line_len = 0;
	switch (p->state) {
	case HTTP_PARSE_HEAD:
		if (p->head_line)
			p->head_line(p->head_line_ctx, line, len, p->line_crlf);
		return head_line(p, line, len);
	case HTTP_PARSE_CHUNK_SIZE:
		return chunk_size_line(p, line, len);
	case HTTP_PARSE_CHUNK_END:
		if (len != 0)
			return fail(p, "chunk data longer than its size");
		p->state = HTTP_PARSE_CHUNK_SIZE;
		return 0;
	case HTTP_PARSE_TRAILERS:
		return trailer_line(p, line, len);
	default:
		return fail(p, "parser state");
	}
}

/* Collects one line (CRLF, or a bare LF as RFC 9112 tolerates); returns
 * the bytes used, with *complete set at its end. */
static size_t take_line(struct http_parser *p, const char *data, size_t len, bool *complete, int *rc)
{
	size_t i;

	*complete = false;
	*rc = 0;
	for (i = 0; i < len; i++) {
		char c = data[i];

		if (p->state == HTTP_PARSE_HEAD && ++p->head_bytes > HTTP_MAX_HEADER_BYTES) {
			*rc = fail_as(p, HTTP_FAULT_HEAD_TOO_LARGE, "the response head is too large");
			return i;
		}
		if (c == '\n') {
			p->line_crlf = p->line_len > 0 && p->line[p->line_len - 1] == '\r';
			if (p->line_crlf)
				p->line_len--;
			*complete = true;
			return i + 1;
		}
		if (c == '\0') {
			*rc = fail(p, "a NUL byte in the response head");
			return i;
		}
		if (p->line_len + 1 >= sizeof(p->line)) {
			*rc = fail(p, "a line longer than 8192 bytes");
			return i;
		}
		p->line[p->line_len++] = c;
	}
	return i;
}

static int deliver(struct http_parser *p, const char *data, size_t len)
{
	int rc = p->sink ? p->sink(p->sink_ctx, data, len) : 0;

	if (rc < 0) {
		fail_as(p, HTTP_FAULT_SINK, "the body could not be written");
		return rc;
	}
	p->body_bytes += len;
	return 0;
}

/* Body bytes of a length-framed part (Content-Length or one chunk). */
static size_t take_counted(struct http_parser *p, const char *data, size_t len, int *rc)
{
	size_t n = len < p->remaining ? len : (size_t)p->remaining;

	*rc = deliver(p, data, n);
	if (*rc < 0)
		return n;
	p->remaining -= n;
	if (p->remaining == 0) {
		if (p->state == HTTP_PARSE_BODY_LENGTH) {
			p->state = HTTP_PARSE_DONE;
			*rc = 1;
		} else {
			p->state = HTTP_PARSE_CHUNK_END;
		}
	}
	return n;
}

int http_parser_feed(struct http_parser *p, const char *data, size_t len)
{
	size_t used = 0;
	int rc = 0;

	while (used < len && rc == 0) {
		bool complete;

		switch (p->state) {
		case HTTP_PARSE_DONE:
			return 1;
		case HTTP_PARSE_ERROR:
			return -EPROTO;
		case HTTP_PARSE_BODY_LENGTH:
		case HTTP_PARSE_CHUNK_DATA:
			used += take_counted(p, data + used, len - used, &rc);
			break;
		case HTTP_PARSE_BODY_TO_CLOSE:
			rc = deliver(p, data + used, len - used);
			used = len;
			break;
		default:
			used += take_line(p, data + used, len - used, &complete, &rc);
			if (rc == 0 && complete)
				rc = line_complete(p);
			break;
		}
	}
	if (rc < 0)
		return rc;
	return p->state == HTTP_PARSE_DONE ? 1 : 0;
}

int http_parser_finish(struct http_parser *p)
{
	switch (p->state) {
	case HTTP_PARSE_DONE:
		return 1;
	case HTTP_PARSE_BODY_TO_CLOSE:
		p->state = HTTP_PARSE_DONE;
		return 1;
	case HTTP_PARSE_ERROR:
		return -EPROTO;
	case HTTP_PARSE_HEAD:
		return fail(p, p->response.status == 0 && p->line_len == 0 && p->head_bytes == 0
				       ? "the server closed the connection without a response"
				       : "the response head was cut short");
	default:
		return fail_as(p, HTTP_FAULT_CUT_SHORT, "the response body was cut short");
	}
}
