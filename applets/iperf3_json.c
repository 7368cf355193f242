/* iperf3's control messages are JSON objects (cJSON on the iperf3 side):
 * a small reader that finds a member or an array element in the text as
 * received, without building a tree, every length checked.  The peer is
 * untrusted: malformed text is an error, nesting is bounded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iperf3_impl.h"

#define JSON_MAX_DEPTH 32

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

static int skip_string(struct cursor *c)
{
	if (c->p >= c->end || *c->p != '"')
		return -EINVAL;
	for (c->p++; c->p < c->end; c->p++) {
		if (*c->p == '\\') {
			c->p++;
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

static int skip_number(struct cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && strchr("+-0123456789.eE", *c->p))
		c->p++;
	return c->p > start ? 0 : -EINVAL;
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
static int read_value(struct cursor *c, struct ip3_json_value *v)
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
	case '{': v->kind = IP3_J_OBJECT; break;
	case '[': v->kind = IP3_J_ARRAY; break;
	case '"': v->kind = IP3_J_STRING; break;
	case 't': v->kind = IP3_J_BOOL; v->boolean = true; break;
	case 'f': v->kind = IP3_J_BOOL; break;
	case 'n': v->kind = IP3_J_NULL; break;
	default: {
		char num[64];
		char *end;

		if (v->len >= sizeof(num))
			return -EINVAL;
		memcpy(num, v->start, v->len);
		num[v->len] = '\0';
		v->number = strtod(num, &end);
		if (*end != '\0')
			return -EINVAL;
		v->kind = IP3_J_NUMBER;
	}
	}
	return 0;
}

int ip3_json_check(const char *text, size_t len)
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

int ip3_json_get(const char *obj, size_t obj_len, const char *key, struct ip3_json_value *value)
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

int ip3_json_index(const char *arr, size_t arr_len, size_t index, struct ip3_json_value *value)
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

bool ip3_json_string(const struct ip3_json_value *v, char *buf, size_t size)
{
	const char *p, *end;
	size_t n = 0;

	if (v->kind != IP3_J_STRING || size == 0)
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

void ip3_json_add_string(struct strbuf *b, const char *s)
{
	size_t need = json_escape(NULL, 0, s, strlen(s));

	strbuf_putc(b, '"');
	if (!strbuf_reserve(b, need + 1))
		return;
	json_escape(b->data + b->len, need + 1, s, strlen(s));
	b->len += need;
	strbuf_putc(b, '"');
}
