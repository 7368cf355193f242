/* Scan targets: "10.0.0.1", "10.0.0.0/24", "fd00::/120", "10.0.0.1-20",
 * "10.0.0-3.1", "10.0.0.*", "10.0.0.1,5,9", a host name.  A spec is kept as
 * a matcher (so --exclude 10.0.0.0/8 costs nothing) and expanded into hosts
 * only for the targets themselves, with a bound on the total. */
#include <ares.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/resolve.h"
#include "sonde/scan.h"

/* --- IPv4 octet ranges ----------------------------------------------------- */

static void octet_allow(uint8_t bitmap[32], unsigned low, unsigned high)
{
	unsigned v;

	for (v = low; v <= high; v++)
		bitmap[v / 8] |= (uint8_t)(1u << (v % 8));
}

static bool octet_allowed(const uint8_t bitmap[32], unsigned v)
{
	return bitmap[v / 8] & (1u << (v % 8));
}

/* A decimal 0..255 at *p; advances *p.  -1 when there is none, -2 for a
 * leading zero ("010"): octal to inet_aton (ping, nc), decimal to nmap, so
 * neither reading is taken silently. */
static int octet_number(const char **p)
{
	int value = 0, digits = 0;

	if ((*p)[0] == '0' && (*p)[1] >= '0' && (*p)[1] <= '9')
		return -2;
	while (**p >= '0' && **p <= '9') {
		value = value * 10 + (**p - '0');
		if (++digits > 3 || value > 255)
			return -1;
		(*p)++;
	}
	return digits ? value : -1;
}

/* One octet's items: "5", "1-20", "-20", "200-", "*", separated by commas. */
static int parse_octet(const char *text, size_t len, uint8_t bitmap[32])
{
	char buf[64];
	const char *p = buf;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(bitmap, 0, 32);
	for (;;) {
		int low = 0, high;

		if (*p == '*') {
			low = 0;
			high = 255;
			p++;
		} else {
			if (*p != '-' && (low = octet_number(&p)) < 0)
				return low == -2 ? -EDOM : -EINVAL;
			high = low;
			if (*p == '-') {
				p++;
				high = (*p == ',' || *p == '\0') ? 255 : octet_number(&p);
				if (high == -2)
					return -EDOM;
				if (high < 0 || high < low)
					return -EINVAL;
			}
		}
		octet_allow(bitmap, (unsigned)low, (unsigned)high);
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

/* "10.0.0-3.1-20": exactly four dotted octet specs. */
static int parse_octets(const char *text, struct scan_spec *spec)
{
	const char *start = text;
	int i, rc;

	for (i = 0; i < 4; i++) {
		const char *dot = strchr(start, '.');
		size_t len = dot && i < 3 ? (size_t)(dot - start) : strlen(start);

		if (i < 3 && !dot)
			return -EINVAL;
		rc = parse_octet(start, len, spec->octets[i]);
		if (rc < 0)
			return rc;
		start += len + 1;
	}
	spec->kind = SCAN_SPEC_OCTETS;
	return 0;
}

static bool looks_like_octets(const char *text)
{
	return strspn(text, "0123456789.,-*") == strlen(text) && strchr(text, '.');
}

/* --- parsing ----------------------------------------------------------------- */

static int parse_name(const char *text, int family, unsigned flags, struct scan_spec *spec)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t count = 0;
	int rc;

	if (strlen(text) >= sizeof(spec->name))
		return -EINVAL;
	if (flags & SCAN_SPEC_NUMERIC)
		return -RESOLVE_ENUMERIC_ONLY;
	rc = resolve_host(text, family, 0, 0, 0, addrs, RESOLVE_MAX_ADDRS, &count);
	if (rc < 0)
		return rc;
	if (count == 0)
		return -ARES_ENOTFOUND;
	spec->kind = SCAN_SPEC_NAME;
	spec->addr = addrs[0];
	spec->other_addrs = count - 1;
	strcpy(spec->name, text);
	return 0;
}

int scan_spec_parse(const char *text, int family, unsigned flags, struct scan_spec *spec)
{
	struct in_addr in4;

	memset(spec, 0, sizeof(*spec));
	if (text[0] == '\0')
		return -EINVAL;
	if (addr_parse_prefix(text, true, &spec->prefix) == 0) {
		if (family != AF_UNSPEC && spec->prefix.family != family)
			return -EAFNOSUPPORT;
		spec->kind = SCAN_SPEC_PREFIX;
		return 0;
	}
	/* One host in inet_aton's other forms ("127.1", "0x7f.0.0.1",
	 * "0127.0.0.01"): the reading of every applet. */
	if (addr_parse_ipv4(text, &in4, NULL) == 0) {
		if (family == AF_INET6)
			return -EAFNOSUPPORT;
		spec->prefix.family = AF_INET;
		memcpy(spec->prefix.bytes, &in4, sizeof(in4));
		spec->prefix.len = 32;
		spec->kind = SCAN_SPEC_PREFIX;
		return 0;
	}
	if (looks_like_octets(text)) {
		if (family == AF_INET6)
			return -EAFNOSUPPORT;
		return parse_octets(text, spec);
	}
	if (strchr(text, '/') || strchr(text, ':'))
		return -EINVAL;
	return parse_name(text, family, flags, spec);
}

static bool same_host(const struct sonde_addr *a, const struct sonde_addr *b)
{
	if (addr_family(a) != addr_family(b))
		return false;
	if (addr_family(a) == AF_INET6)
		return memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 16) == 0;
	return a->u.in4.sin_addr.s_addr == b->u.in4.sin_addr.s_addr;
}

bool scan_spec_match(const struct scan_spec *spec, const struct sonde_addr *addr)
{
	const uint8_t *b;
	int i;

	switch (spec->kind) {
	case SCAN_SPEC_PREFIX:
		return prefix_contains(&spec->prefix, addr);
	case SCAN_SPEC_OCTETS:
		if (addr_family(addr) != AF_INET)
			return false;
		b = (const uint8_t *)&addr->u.in4.sin_addr;
		for (i = 0; i < 4; i++)
			if (!octet_allowed(spec->octets[i], b[i]))
				return false;
		return true;
	case SCAN_SPEC_NAME:
		return same_host(&spec->addr, addr);
	}
	return false;
}

static size_t octet_count(const uint8_t bitmap[32])
{
	size_t n = 0;
	unsigned v;

	for (v = 0; v < 256; v++)
		n += octet_allowed(bitmap, v);
	return n;
}

size_t scan_spec_count(const struct scan_spec *spec)
{
	size_t total = 1, limit = (size_t)SCAN_MAX_TARGETS + 1;
	unsigned host_bits;
	int i;

	switch (spec->kind) {
	case SCAN_SPEC_PREFIX:
		host_bits = (spec->prefix.family == AF_INET ? 32 : 128) - spec->prefix.len;
		return host_bits >= 21 ? limit : (size_t)1 << host_bits;
	case SCAN_SPEC_OCTETS:
		for (i = 0; i < 4; i++) {
			total *= octet_count(spec->octets[i]);
			if (total > limit)
				return limit;
		}
		return total;
	case SCAN_SPEC_NAME:
		return 1;
	}
	return 0;
}

/* --- expansion ---------------------------------------------------------------- */

void scan_targets_init(struct scan_targets *t)
{
	memset(t, 0, sizeof(*t));
}

void scan_targets_free(struct scan_targets *t)
{
	size_t i;

	for (i = 0; i < t->name_count; i++)
		free(t->names[i]);
	free(t->names);
	free(t->items);
	scan_targets_init(t);
}

static bool excluded(const struct sonde_addr *addr, const struct scan_spec *exclude, size_t exclude_count)
{
	size_t i;

	for (i = 0; i < exclude_count; i++)
		if (scan_spec_match(&exclude[i], addr))
			return true;
	return false;
}

static int push(struct scan_targets *t, const struct sonde_addr *addr, const char *name, size_t other_addrs)
{
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct scan_target *grown = realloc(t->items, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		t->items = grown;
		t->cap = cap;
	}
	t->items[t->count].addr = *addr;
	t->items[t->count].name = name;
	t->items[t->count].other_addrs = other_addrs;
	t->count++;
	return 0;
}

static void addr_from_prefix_bytes(struct sonde_addr *addr, int family, const uint8_t *bytes)
{
	memset(addr, 0, sizeof(*addr));
	if (family == AF_INET) {
		addr->u.in4.sin_family = AF_INET;
		memcpy(&addr->u.in4.sin_addr, bytes, 4);
		addr->len = sizeof(addr->u.in4);
	} else {
		addr->u.in6.sin6_family = AF_INET6;
		memcpy(&addr->u.in6.sin6_addr, bytes, 16);
		addr->len = sizeof(addr->u.in6);
	}
}

/* Adds one to a big-endian number of len bytes. */
static void bytes_increment(uint8_t *bytes, size_t len)
{
	while (len-- > 0)
		if (++bytes[len] != 0)
			return;
}

static int add_host(struct scan_targets *t, const struct sonde_addr *addr, const char *name, size_t other,
		    const struct scan_spec *exclude, size_t exclude_count)
{
	if (excluded(addr, exclude, exclude_count))
		return 0;
	if (t->count >= SCAN_MAX_TARGETS)
		return -E2BIG;
	return push(t, addr, name, other);
}

static int add_prefix(struct scan_targets *t, const struct scan_spec *spec, const struct scan_spec *exclude,
		      size_t exclude_count)
{
	size_t n = scan_spec_count(spec), i, len = spec->prefix.family == AF_INET ? 4 : 16;
	uint8_t bytes[16];
	int rc;

	memcpy(bytes, spec->prefix.bytes, sizeof(bytes));
	for (i = 0; i < n; i++) {
		struct sonde_addr addr;

		addr_from_prefix_bytes(&addr, spec->prefix.family, bytes);
		rc = add_host(t, &addr, NULL, 0, exclude, exclude_count);
		if (rc < 0)
			return rc;
		bytes_increment(bytes, len);
	}
	return 0;
}

static int add_octets(struct scan_targets *t, const struct scan_spec *spec, const struct scan_spec *exclude,
		      size_t exclude_count)
{
	unsigned a, b, c, d;
	int rc;

	for (a = 0; a < 256; a++) {
		if (!octet_allowed(spec->octets[0], a))
			continue;
		for (b = 0; b < 256; b++) {
			if (!octet_allowed(spec->octets[1], b))
				continue;
			for (c = 0; c < 256; c++) {
				if (!octet_allowed(spec->octets[2], c))
					continue;
				for (d = 0; d < 256; d++) {
					uint8_t bytes[4] = { (uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d };
					struct sonde_addr addr;

					if (!octet_allowed(spec->octets[3], d))
						continue;
					addr_from_prefix_bytes(&addr, AF_INET, bytes);
					rc = add_host(t, &addr, NULL, 0, exclude, exclude_count);
					if (rc < 0)
						return rc;
				}
			}
		}
	}
	return 0;
}

static int add_name(struct scan_targets *t, const struct scan_spec *spec, const struct scan_spec *exclude,
		    size_t exclude_count)
{
	char **grown, *copy;

	if (excluded(&spec->addr, exclude, exclude_count))
		return 0;
	grown = realloc(t->names, (t->name_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	t->names = grown;
	copy = strdup(spec->name);
	if (!copy)
		return -ENOMEM;
	t->names[t->name_count++] = copy;
	return add_host(t, &spec->addr, copy, spec->other_addrs, NULL, 0);
}

int scan_targets_add(struct scan_targets *t, const struct scan_spec *spec, const struct scan_spec *exclude,
		     size_t exclude_count)
{
	/* Refused whole, exclusions or not: a /8 is never walked host by host. */
	if (scan_spec_count(spec) > SCAN_MAX_TARGETS || t->count + scan_spec_count(spec) > SCAN_MAX_TARGETS)
		return -E2BIG;
	switch (spec->kind) {
	case SCAN_SPEC_PREFIX:
		return add_prefix(t, spec, exclude, exclude_count);
	case SCAN_SPEC_OCTETS:
		return add_octets(t, spec, exclude, exclude_count);
	case SCAN_SPEC_NAME:
		return add_name(t, spec, exclude, exclude_count);
	}
	return -EINVAL;
}
