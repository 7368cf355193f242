/* A small JSON reader: finds a member or an array element in the text as
 * received, without building a tree, every length checked.  Its callers'
 * peers are untrusted (iperf3's control messages, written by cJSON on the
 * iperf3 side): malformed text is an error, nesting is bounded. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/json_read.h"

#define JSON_MAX_DEPTH 32
/* cJSON writes at most 17 significant digits, an integer at most 20. */
#define JSON_MAX_NUMBER 64

struct cursor {
	const char *p, *end;
	int depth;
};

static void skip_space(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int skip_value(struct cursor *c);

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The escape after a backslash at c->p: one of JSON's, \u with four hex
 * digits; c->p left on its last character. */
static int skip_escape(struct cursor *c)
{
	int i;

	if (++c->p >= c->end || !*c->p || !strchr("\"\\/bfnrtu", *c->p))
		return -EINVAL;
	if (*c->p != 'u')
		return 0;
	if (c->end - c->p < 5)
		return -EINVAL;
	for (i = 0; i < 4; i++)
		if (hex_digit(*++c->p) < 0)
			return -EINVAL;
	return 0;
}

static int skip_string(struct cursor *c)
{
	if (c->p >= c->end || *c->p != '"')
		return -EINVAL;
	for (c->p++; c->p < c->end; c->p++) {
		if (*c->p == '\\') {
			if (skip_escape(c) < 0)
				return -EINVAL;
			continue;
		}
		if ((unsigned char)*c->p < 0x20)
			return -EINVAL;
		if (*c->p == '"') {
			c->p++;
			return 0;
		}
	}
	return -EINVAL;
}

/* The digits at c->p, how many. */
static size_t skip_digits(struct cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return (size_t)(c->p - start);
}

/* A number as JSON writes it (-, integer part without leading zeros,
 * fraction, exponent), shorter than JSON_MAX_NUMBER: what the check
 * accepts, read_value converts whole. */
static int skip_number(struct cursor *c)
{
	const char *start = c->p;
	size_t int_digits;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	int_digits = skip_digits(c);
	if (int_digits == 0 || (int_digits > 1 && c->p[-(ptrdiff_t)int_digits] == '0'))
		return -EINVAL;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (skip_digits(c) == 0)
			return -EINVAL;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (skip_digits(c) == 0)
			return -EINVAL;
	}
	return c->p - start < JSON_MAX_NUMBER ? 0 : -EINVAL;
}

static int skip_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return -EINVAL;
	c->p += n;
	return 0;
}

/* The members or elements of an object or array, up to its closing bracket. */
static int skip_container(struct cursor *c, char close, bool object)
{
	int rc;

	if (++c->depth > JSON_MAX_DEPTH)
		return -EINVAL;
	c->p++;
	skip_space(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	for (;;) {
		skip_space(c);
		if (object) {
			if ((rc = skip_string(c)) < 0)
				return rc;
			skip_space(c);
			if (c->p >= c->end || *c->p != ':')
				return -EINVAL;
			c->p++;
		}
		if ((rc = skip_value(c)) < 0)
			return rc;
		skip_space(c);
		if (c->p >= c->end)
			return -EINVAL;
		if (*c->p == close) {
			c->p++;
			c->depth--;
			return 0;
		}
		if (*c->p != ',')
			return -EINVAL;
		c->p++;
	}
}

static int skip_value(struct cursor *c)
{
	skip_space(c);
	if (c->p >= c->end)
		return -EINVAL;
	switch (*c->p) {
	case '{': return skip_container(c, '}', true);
	case '[': return skip_container(c, ']', false);
	case '"': return skip_string(c);
	case 't': return skip_word(c, "true");
	case 'f': return skip_word(c, "false");
	case 'n': return skip_word(c, "null");
	default: return skip_number(c);
	}
}

/* The value at c->p, described in v; c->p moves past it. */
static int read_value(struct cursor *c, struct json_value *v)
{
	int rc;

	skip_space(c);
	v->start = c->p;
	if ((rc = skip_value(c)) < 0)
		return rc;
	v->len = (size_t)(c->p - v->start);
	v->number = 0;
	v->boolean = false;
	switch (*v->start) {
	case '{': v->kind = JSON_OBJECT; break;
	case '[': v->kind = JSON_ARRAY; break;
	case '"': v->kind = JSON_STRING; break;
	case 't': v->kind = JSON_BOOL; v->boolean = true; break;
	case 'f': v->kind = JSON_BOOL; break;
	case 'n': v->kind = JSON_NULL; break;
	default: {
		char num[JSON_MAX_NUMBER];
		char *end;

		if (v->len >= sizeof(num))
			return -EINVAL;
		memcpy(num, v->start, v->len);
		num[v->len] = '\0';
		v->number = strtod(num, &end);
		if (*end != '\0')
			return -EINVAL;
		v->kind = JSON_NUMBER;
	}
	}
	return 0;
}

int json_read_check(const char *text, size_t len)
{
	struct cursor c = { text, text + len, 0 };
	int rc = skip_value(&c);

	if (rc < 0)
		return rc;
	skip_space(&c);
	return c.p == c.end ? 0 : -EINVAL;
}

/* Whether the JSON string token at s (quotes included) is key, for the
 * plain keys iperf3 writes (no escapes). */
static bool key_is(const char *s, size_t len, const char *key)
{
	size_t n = strlen(key);

	return len == n + 2 && memcmp(s + 1, key, n) == 0;
}

int json_read_get(const char *obj, size_t obj_len, const char *key, struct json_value *value)
{
	struct cursor c = { obj, obj + obj_len, 1 };
	int rc;

	skip_space(&c);
	if (c.p >= c.end || *c.p != '{')
		return -EINVAL;
	c.p++;
	skip_space(&c);
	if (c.p < c.end && *c.p == '}')
		return -ENOENT;
	for (;;) {
		const char *name;
		size_t name_len;

		skip_space(&c);
		name = c.p;
		if ((rc = skip_string(&c)) < 0)
			return rc;
		name_len = (size_t)(c.p - name);
		skip_space(&c);
		if (c.p >= c.end || *c.p != ':')
			return -EINVAL;
		c.p++;
		if ((rc = read_value(&c, value)) < 0)
			return rc;
		if (key_is(name, name_len, key))
			return 0;
		skip_space(&c);
		if (c.p >= c.end || *c.p != ',')
			return c.p < c.end && *c.p == '}' ? -ENOENT : -EINVAL;
		c.p++;
	}
}

int json_read_index(const char *arr, size_t arr_len, size_t index, struct json_value *value)
{
	struct cursor c = { arr, arr + arr_len, 1 };
	size_t i;
	int rc;

	skip_space(&c);
	if (c.p >= c.end || *c.p != '[')
		return -EINVAL;
	c.p++;
	skip_space(&c);
	if (c.p < c.end && *c.p == ']')
		return -ENOENT;
	for (i = 0;; i++) {
		if ((rc = read_value(&c, value)) < 0)
			return rc;
		if (i == index)
			return 0;
		skip_space(&c);
		if (c.p >= c.end || *c.p != ',')
			return c.p < c.end && *c.p == ']' ? -ENOENT : -EINVAL;
		c.p++;
	}
}

/* Appends code point cp as UTF-8; false when it does not fit. */
static bool put_utf8(char *buf, size_t size, size_t *n, unsigned cp)
{
	unsigned char tmp[4];
	size_t len;

	if (cp < 0x80) {
		tmp[0] = (unsigned char)cp;
		len = 1;
	} else if (cp < 0x800) {
		tmp[0] = (unsigned char)(0xc0 | (cp >> 6));
		tmp[1] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 2;
	} else {
		tmp[0] = (unsigned char)(0xe0 | (cp >> 12));
		tmp[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 3;
	}
	if (*n + len >= size)
		return false;
	memcpy(buf + *n, tmp, len);
	*n += len;
	return true;
}

static bool unescape(const char *p, const char *end, char *buf, size_t size, size_t *n)
{
	unsigned cp = 0;
	int i;

	switch (*p) {
	case 'n': cp = '\n'; break;
	case 't': cp = '\t'; break;
	case 'r': cp = '\r'; break;
	case 'b': cp = '\b'; break;
	case 'f': cp = '\f'; break;
	case 'u':
		if (end - p < 5)
			return false;
		for (i = 1; i <= 4; i++) {
			int d = hex_digit(p[i]);

			if (d < 0)
				return false;
			cp = cp * 16 + (unsigned)d;
		}
		break;
	default: cp = (unsigned char)*p; break;
	}
	return put_utf8(buf, size, n, cp);
}

bool json_read_string(const struct json_value *v, char *buf, size_t size)
{
	const char *p, *end;
	size_t n = 0;

	if (v->kind != JSON_STRING || size == 0)
		return false;
	end = v->start + v->len - 1;
	for (p = v->start + 1; p < end; p++) {
		if (*p == '\\') {
			if (!unescape(p + 1, end, buf, size, &n))
				return false;
			p += p[1] == 'u' ? 5 : 1;
			continue;
		}
		if (n + 1 >= size)
			return false;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	return true;
}
