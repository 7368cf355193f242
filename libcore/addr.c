/* Address parsing and printing.  Every parser checks the whole input: no
 * trailing garbage, no silent truncation. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/addr.h"

/* The zone after '%': an interface index or name.  -ENXIO when the name
 * is no interface here (a lookup would only ask a nameserver for it). */
static int parse_ipv6_scope(const char *scope, uint32_t *scope_id)
{
	char *end;
	unsigned long v;

	if (!*scope)
		return -EINVAL;
	v = strtoul(scope, &end, 10);
	if (*end == '\0' && scope[0] >= '0' && scope[0] <= '9') {
		*scope_id = (uint32_t)v;
		return 0;
	}
	*scope_id = if_nametoindex(scope);
	return *scope_id ? 0 : -ENXIO;
}

static void ipv4_form_describe(const char *text, struct addr_ipv4_form *form)
{
	const char *part = text;

	memset(form, 0, sizeof(*form));
	for (;;) {
		form->parts++;
		if (part[0] == '0' && (part[1] == 'x' || part[1] == 'X'))
			form->hex = true;
		else if (part[0] == '0' && part[1] >= '0' && part[1] <= '9')
			form->octal = true;
		part = strchr(part, '.');
		if (!part)
			return;
		part++;
	}
}

int addr_parse_ipv4(const char *text, struct in_addr *in, struct addr_ipv4_form *form)
{
	/* inet_aton stops at white space and ignores what follows: "10.0.0.1
	 * junk" must not pass for an address. */
	if (!*text || text[strcspn(text, " \t\n\v\f\r")] != '\0' || inet_aton(text, in) == 0)
		return -EINVAL;
	if (form)
		ipv4_form_describe(text, form);
	return 0;
}

bool addr_ipv4_form_is_plain(const struct addr_ipv4_form *form)
{
	return form->parts == 4 && !form->octal && !form->hex;
}

int addr_parse_ip(const char *text, uint16_t port, int family, struct sonde_addr *addr)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	char *percent;
	int rc;

	memset(addr, 0, sizeof(*addr));
	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	if (addr_parse_ipv4(text, &addr->u.in4.sin_addr, NULL) == 0) {
		if (family == AF_INET6)
			return -EAFNOSUPPORT;
		addr->u.in4.sin_family = AF_INET;
		addr->u.in4.sin_port = htons(port);
		addr->len = sizeof(addr->u.in4);
		return 0;
	}
	strcpy(buf, text);
	percent = strchr(buf, '%');
	if (percent)
		*percent = '\0';
	if (inet_pton(AF_INET6, buf, &addr->u.in6.sin6_addr) != 1)
		return -EINVAL;
	if (family == AF_INET)
		return -EAFNOSUPPORT;
	if (percent) {
		rc = parse_ipv6_scope(percent + 1, &addr->u.in6.sin6_scope_id);
		if (rc < 0)
			return rc;
	}
	addr->u.in6.sin6_family = AF_INET6;
	addr->u.in6.sin6_port = htons(port);
	addr->len = sizeof(addr->u.in6);
	return 0;
}

int addr_from_unix_path(const char *path, struct sonde_addr *addr)
{
	size_t len = strlen(path);

	memset(addr, 0, sizeof(*addr));
	if (len == 0 || len >= sizeof(addr->u.un.sun_path))
		return -ENAMETOOLONG;
	addr->u.un.sun_family = AF_UNIX;
	memcpy(addr->u.un.sun_path, path, len);
	if (path[0] == '@') {
		/* Abstract socket: leading NUL, length counts exactly the name. */
		addr->u.un.sun_path[0] = '\0';
		addr->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		addr->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	}
	return 0;
}

int addr_split_hostport(const char *text, char *host, size_t host_size, const char **port_text)
{
	const char *colon;
	size_t host_len;

	*port_text = NULL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close)
			return -EINVAL;
		host_len = (size_t)(close - text - 1);
		if (close[1] == ':')
			*port_text = close + 2;
		else if (close[1] != '\0')
			return -EINVAL;
		text++;
	} else {
		colon = strchr(text, ':');
		/* More than one colon without brackets: a bare IPv6 address. */
		if (colon && !strchr(colon + 1, ':')) {
			host_len = (size_t)(colon - text);
			*port_text = colon + 1;
		} else {
			host_len = strlen(text);
		}
	}
	if (host_len == 0 || host_len >= host_size)
		return -EINVAL;
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (*port_text && **port_text == '\0')
		return -EINVAL;
	return 0;
}

int addr_parse_port(const char *text, bool allow_zero, uint16_t *port)
{
	unsigned long v = 0;
	const char *p;

	if (!*text || strlen(text) > 5)
		return -EINVAL;
	for (p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535 || (v == 0 && !allow_zero))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

uint16_t addr_port(const struct sonde_addr *addr)
{
	switch (addr_family(addr)) {
	case AF_INET: return ntohs(addr->u.in4.sin_port);
	case AF_INET6: return ntohs(addr->u.in6.sin6_port);
	default: return 0;
	}
}

void addr_set_port(struct sonde_addr *addr, uint16_t port)
{
	if (addr_family(addr) == AF_INET)
		addr->u.in4.sin_port = htons(port);
	else if (addr_family(addr) == AF_INET6)
		addr->u.in6.sin6_port = htons(port);
}

bool addr_is_loopback(const struct sonde_addr *addr)
{
	if (addr_family(addr) == AF_INET)
		return (ntohl(addr->u.in4.sin_addr.s_addr) >> 24) == 127;
	if (addr_family(addr) == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&addr->u.in6.sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&addr->u.in6.sin6_addr) &&
			addr->u.in6.sin6_addr.s6_addr[12] == 127);
	return false;
}

bool addr_needs_zone(const struct sonde_addr *addr)
{
	const struct in6_addr *in6 = &addr->u.in6.sin6_addr;

	return addr_family(addr) == AF_INET6 && addr->u.in6.sin6_scope_id == 0 &&
	       (IN6_IS_ADDR_LINKLOCAL(in6) || IN6_IS_ADDR_MC_LINKLOCAL(in6));
}

bool addr_equal(const struct sonde_addr *a, const struct sonde_addr *b)
{
	if (addr_family(a) != addr_family(b) || addr_port(a) != addr_port(b))
		return false;
	if (addr_family(a) == AF_INET)
		return a->u.in4.sin_addr.s_addr == b->u.in4.sin_addr.s_addr;
	if (addr_family(a) == AF_INET6)
		return memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 16) == 0 &&
		       a->u.in6.sin6_scope_id == b->u.in6.sin6_scope_id;
	return a->len == b->len && memcmp(&a->u, &b->u, a->len) == 0;
}

const char *addr_ntop(const struct sonde_addr *addr, char *buf, size_t size)
{
	char ifname[IF_NAMESIZE];
	size_t len;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	switch (addr_family(addr)) {
	case AF_INET:
		inet_ntop(AF_INET, &addr->u.in4.sin_addr, buf, (socklen_t)size);
		break;
	case AF_INET6:
		if (!inet_ntop(AF_INET6, &addr->u.in6.sin6_addr, buf, (socklen_t)size))
			break;
		if (addr->u.in6.sin6_scope_id) {
			len = strlen(buf);
			if (if_indextoname(addr->u.in6.sin6_scope_id, ifname))
				snprintf(buf + len, size - len, "%%%s", ifname);
			else
				snprintf(buf + len, size - len, "%%%u", addr->u.in6.sin6_scope_id);
		}
		break;
	case AF_UNIX:
		if (addr->len <= offsetof(struct sockaddr_un, sun_path))
			snprintf(buf, size, "(unnamed)");
		else if (addr->u.un.sun_path[0] == '\0')
			snprintf(buf, size, "@%.*s",
				 (int)(addr->len - offsetof(struct sockaddr_un, sun_path) - 1),
				 addr->u.un.sun_path + 1);
		else
			snprintf(buf, size, "%.*s", (int)sizeof(addr->u.un.sun_path), addr->u.un.sun_path);
		break;
	default:
		snprintf(buf, size, "(family %d)", addr_family(addr));
	}
	return buf;
}

const char *addr_format(const struct sonde_addr *addr, char *buf, size_t size)
{
	char host[ADDR_STRLEN];

	addr_ntop(addr, host, sizeof(host));
	if (addr_family(addr) == AF_INET)
		snprintf(buf, size, "%s:%u", host, addr_port(addr));
	else if (addr_family(addr) == AF_INET6)
		snprintf(buf, size, "[%s]:%u", host, addr_port(addr));
	else
		snprintf(buf, size, "%s", host);
	return buf;
}

static void prefix_clear_host_bits(uint8_t *bytes, unsigned len, unsigned total_bits)
{
	unsigned bit;

	for (bit = len; bit < total_bits; bit++)
		bytes[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
}

int addr_parse_prefix(const char *text, bool allow_host_bits, struct sonde_prefix *prefix)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t addr_len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned total_bits, len;
	uint8_t original[16];

	memset(prefix, 0, sizeof(*prefix));
	if (addr_len == 0 || addr_len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, addr_len);
	buf[addr_len] = '\0';
	if (inet_pton(AF_INET, buf, prefix->bytes) == 1) {
		prefix->family = AF_INET;
		total_bits = 32;
	} else if (inet_pton(AF_INET6, buf, prefix->bytes) == 1) {
		prefix->family = AF_INET6;
		total_bits = 128;
	} else {
		return -EINVAL;
	}
	len = total_bits;
	if (slash) {
		uint16_t parsed;

		if (addr_parse_port(slash + 1, true, &parsed) < 0 || parsed > total_bits)
			return -EINVAL;
		len = parsed;
	}
	memcpy(original, prefix->bytes, sizeof(original));
	prefix_clear_host_bits(prefix->bytes, len, total_bits);
	if (!allow_host_bits && memcmp(original, prefix->bytes, total_bits / 8) != 0)
		return -EINVAL;
	prefix->len = len;
	return 0;
}

bool prefix_bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool prefix_contains_bytes(const struct sonde_prefix *prefix, int family, const uint8_t *bytes)
{
	return family == prefix->family && prefix_bits_equal(prefix->bytes, bytes, prefix->len);
}

bool prefix_contains(const struct sonde_prefix *prefix, const struct sonde_addr *addr)
{
	const uint8_t *bytes = addr_family(addr) == AF_INET ? (const uint8_t *)&addr->u.in4.sin_addr
							    : (const uint8_t *)&addr->u.in6.sin6_addr;

	return prefix_contains_bytes(prefix, addr_family(addr), bytes);
}

const char *prefix_format(const struct sonde_prefix *prefix, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(prefix->family, prefix->bytes, text, sizeof(text));
	snprintf(buf, size, "%s/%u", text, prefix->len);
	return buf;
}
