/* What every decoder shares: text and address printing in iptables'
 * shapes, and protocol, log level and account names. */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfdecode_impl.h"
#include "sonde/services.h"

/* --- text in iptables' forms ---------------------------------------------- */

void nfbuf_save_string(struct strbuf *b, const char *s)
{
	static const char bare[] = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t plain = strspn(s, bare);
	const char *p;

	strbuf_puts(b, " ");
	if (plain > 0 && s[plain] == '\0') {
		strbuf_puts(b, s);
		return;
	}
	strbuf_puts(b, "\"");
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == '\'')
			strbuf_puts(b, "\\");
		strbuf_add(b, p, 1);
	}
	strbuf_puts(b, "\"");
}

/* --- addresses ------------------------------------------------------- */

void nfbuf_uint(struct strbuf *b, unsigned long long value)
{
	char digits[24];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	strbuf_add(b, digits + n, sizeof(digits) - n);
}

/* By hand: a ruleset prints tens of thousands of addresses. */
void nfbuf_ipv4(struct strbuf *b, const uint8_t addr[4])
{
	nfbuf_uint(b, addr[0]);
	strbuf_add(b, ".", 1);
	nfbuf_uint(b, addr[1]);
	strbuf_add(b, ".", 1);
	nfbuf_uint(b, addr[2]);
	strbuf_add(b, ".", 1);
	nfbuf_uint(b, addr[3]);
}

void nfbuf_ipv6(struct strbuf *b, const uint8_t addr[16])
{
	char text[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, addr, text, sizeof(text)))
		strbuf_puts(b, text);
}

void nfbuf_range(struct strbuf *b, unsigned low, unsigned high)
{
	if (low == high)
		strbuf_printf(b, "%u", low);
	else
		strbuf_printf(b, "%u:%u", low, high);
}

void nfbuf_addr(struct strbuf *b, int family, const uint8_t *addr)
{
	if (family == NFPROTO_IPV6)
		nfbuf_ipv6(b, addr);
	else
		nfbuf_ipv4(b, addr);
}

int nf_mask_prefix_len(int family, const uint8_t *mask)
{
	size_t bytes = family == NFPROTO_IPV6 ? 16 : 4;
	int bits = 0;
	size_t i;

	for (i = 0; i < bytes && mask[i] == 0xff; i++)
		bits += 8;
	if (i < bytes) {
		uint8_t m = mask[i];

		while (m & 0x80) {
			bits++;
			m = (uint8_t)(m << 1);
		}
		if (m)
			return -1;
		for (i++; i < bytes; i++)
			if (mask[i])
				return -1;
	}
	return bits;
}

void nfbuf_mask(struct strbuf *b, int family, const uint8_t *mask)
{
	int bits = nf_mask_prefix_len(family, mask);
	int full = family == NFPROTO_IPV6 ? 128 : 32;

	if (bits == full)
		return;
	if (bits >= 0) {
		strbuf_add(b, "/", 1);
		nfbuf_uint(b, (unsigned)bits);
		return;
	}
	strbuf_puts(b, "/");
	nfbuf_addr(b, family, mask);
}

/* --- protocol names -------------------------------------------------- */

const char *nf_log_level_name(unsigned level)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug" };

	return level < sizeof(names) / sizeof(names[0]) ? names[level] : NULL;
}

const char *nf_proto_chain_name(unsigned proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 132: return "sctp";
	case 17: return "udp";
	case 136: return "udplite";
	case 1: return "icmp";
	case 58: return "ipv6-icmp";
	case 50: return "esp";
	case 51: return "ah";
	case 135: return "ipv6-mh";
	case 0: return "all";
	default: return NULL;
	}
}

const char *nf_proto_file_name(unsigned proto)
{
	return protocols_name(proto);
}

const char *nf_proto_name(unsigned proto)
{
	if (proto == 0)
		return "all";
	if (protocols_name(proto))
		return protocols_name(proto);
	return nf_proto_chain_name(proto);
}

/* passwd and group share "name:x:id:..."; a short static cache serves the
 * few owners a ruleset names. */
const char *nf_account_name(const char *path, uint32_t id)
{
	static struct { const char *path; uint32_t id; char name[64]; } cache[16];
	static size_t cached;
	char line[512];
	const char *found = NULL;
	FILE *fp;
	size_t i;

	for (i = 0; i < cached; i++)
		if (cache[i].id == id && strcmp(cache[i].path, path) == 0)
			return cache[i].name[0] ? cache[i].name : NULL;
	if (!(fp = fopen(path, "re")))
		return NULL;
	while (!found && fgets(line, sizeof(line), fp)) {
		char *name = strtok(line, ":"), *pass = strtok(NULL, ":"), *num = strtok(NULL, ":");

		if (name && pass && num && strtoul(num, NULL, 10) == id)
			found = name;
	}
	fclose(fp);
	if (cached < sizeof(cache) / sizeof(cache[0])) {
		cache[cached].path = path;
		cache[cached].id = id;
		snprintf(cache[cached].name, sizeof(cache[cached].name), "%s", found ? found : "");
		return cache[cached++].name[0] ? cache[cached - 1].name : NULL;
	}
	return NULL;
}
