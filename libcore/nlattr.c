/* The netlink attribute walker and its typed reads (see sonde/nlattr.h). */
#include <endian.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/nlattr.h"

/* Calls fn with each well-formed attribute of [buf, buf+len) in order, until
 * fn returns non-zero (that value is returned; 1 means stop, not fail). */
static int walk(const uint8_t *buf, size_t len, int (*fn)(unsigned type, const struct nlattr_ref *a, void *arg),
		void *arg)
{
	while (len >= NLA_HDRLEN) {
		struct nlattr header;
		struct nlattr_ref a;
		size_t step;
		int rc;

		memcpy(&header, buf, sizeof(header));
		if (header.nla_len < NLA_HDRLEN || header.nla_len > len)
			return -EINVAL;
		a.data = buf + NLA_HDRLEN;
		a.len = (uint16_t)(header.nla_len - NLA_HDRLEN);
		a.present = true;
		if ((rc = fn(header.nla_type & NLA_TYPE_MASK, &a, arg)) != 0)
			return rc;
		step = NLA_ALIGN(header.nla_len);
		if (step >= len)
			break;
		buf += step;
		len -= step;
	}
	return 0;
}

struct table {
	struct nlattr_ref *tb;
	unsigned max;
};

static int table_put(unsigned type, const struct nlattr_ref *a, void *arg)
{
	struct table *t = arg;

	if (type <= t->max)
		t->tb[type] = *a;
	return 0;
}

int nlattr_parse(const void *buf, size_t len, struct nlattr_ref *tb, unsigned max)
{
	struct table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return walk(buf, len, table_put, &t);
}

int nlattr_parse_nested(const struct nlattr_ref *a, struct nlattr_ref *tb, unsigned max)
{
	if (!a->present) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return -ENOENT;
	}
	return nlattr_parse(a->data, a->len, tb, max);
}

struct each {
	int (*fn)(const uint8_t *payload, size_t len, void *arg);
	void *arg;
};

static int each_call(unsigned type, const struct nlattr_ref *a, void *arg)
{
	const struct each *e = arg;

	(void)type;
	return e->fn(a->data, a->len, e->arg);
}

int nlattr_each(const struct nlattr_ref *list, int (*fn)(const uint8_t *payload, size_t len, void *arg), void *arg)
{
	struct each e = { fn, arg };
	int rc;

	if (!list->present)
		return 0;
	rc = walk(list->data, list->len, each_call, &e);
	return rc > 0 ? 0 : rc;
}

/* The first size bytes of a's payload into value; false when it is absent
 * or shorter. */
static bool read_fixed(const struct nlattr_ref *a, void *value, size_t size)
{
	if (!a->present || a->len < size)
		return false;
	memcpy(value, a->data, size);
	return true;
}

bool nlattr_u8(const struct nlattr_ref *a, uint8_t *value)
{
	return read_fixed(a, value, sizeof(*value));
}

/* The four reads of one width: host order and network order, each as a
 * bool and as a value that is 0 when absent.  One definition for the three
 * widths, so that they cannot drift apart. */
#define NLATTR_READS(bits)                                                     \
	bool nlattr_u##bits(const struct nlattr_ref *a, uint##bits##_t *value) \
	{                                                                      \
		return read_fixed(a, value, sizeof(*value));                   \
	}                                                                      \
	bool nlattr_be##bits(const struct nlattr_ref *a, uint##bits##_t *value) \
	{                                                                      \
		if (!nlattr_u##bits(a, value))                                 \
			return false;                                          \
		*value = be##bits##toh(*value);                                \
		return true;                                                   \
	}                                                                      \
	uint##bits##_t nlattr_u##bits##_or0(const struct nlattr_ref *a)        \
	{                                                                      \
		uint##bits##_t value = 0;                                      \
                                                                               \
		nlattr_u##bits(a, &value);                                     \
		return value;                                                  \
	}                                                                      \
	uint##bits##_t nlattr_be##bits##_or0(const struct nlattr_ref *a)       \
	{                                                                      \
		return be##bits##toh(nlattr_u##bits##_or0(a));                 \
	}

NLATTR_READS(16)
NLATTR_READS(32)
NLATTR_READS(64)

/* The length of a's string: up to its first NUL or its end. */
static size_t str_len(const struct nlattr_ref *a)
{
	return a->present ? strnlen((const char *)a->data, a->len) : 0;
}

bool nlattr_str(const struct nlattr_ref *a, char *buf, size_t size)
{
	size_t n = str_len(a);

	if (size == 0)
		return false;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(buf, a->data, n);
	buf[n] = '\0';
	return a->present;
}

char *nlattr_strdup(const struct nlattr_ref *a)
{
	size_t n = str_len(a);
	char *s = malloc(n + 1);

	if (s) {
		if (n)
			memcpy(s, a->data, n);
		s[n] = '\0';
	}
	return s;
}

void nlattr_copy(const struct nlattr_ref *a, void *dst, size_t size)
{
	size_t n = a->present && a->len < size ? a->len : a->present ? size : 0;

	memset(dst, 0, size);
	if (n)
		memcpy(dst, a->data, n);
}
