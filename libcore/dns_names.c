/* The DNS mnemonics: type, class and rcode names as dig spells them,
 * reverse names for -x, and the Extended DNS Error texts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sonde/addr.h"
#include "sonde/dns.h"

struct dns_mnemonic {
	uint16_t value;
	const char *name;
};

static const struct dns_mnemonic type_names[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" }, { 6, "SOA" },
	{ 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" }, { 11, "WKS" }, { 12, "PTR" },
	{ 13, "HINFO" }, { 14, "MINFO" }, { 15, "MX" }, { 16, "TXT" }, { 17, "RP" },
	{ 18, "AFSDB" }, { 19, "X25" }, { 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" },
	{ 24, "SIG" }, { 25, "KEY" }, { 26, "PX" }, { 27, "GPOS" }, { 28, "AAAA" },
	{ 29, "LOC" }, { 30, "NXT" }, { 33, "SRV" }, { 35, "NAPTR" }, { 36, "KX" },
	{ 37, "CERT" }, { 38, "A6" }, { 39, "DNAME" }, { 41, "OPT" }, { 42, "APL" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" }, { 47, "NSEC" },
	{ 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" }, { 51, "NSEC3PARAM" },
	{ 52, "TLSA" }, { 53, "SMIMEA" }, { 55, "HIP" }, { 59, "CDS" }, { 60, "CDNSKEY" },
	{ 61, "OPENPGPKEY" }, { 62, "CSYNC" }, { 63, "ZONEMD" }, { 64, "SVCB" },
	{ 65, "HTTPS" }, { 99, "SPF" }, { 249, "TKEY" }, { 250, "TSIG" }, { 251, "IXFR" },
	{ 252, "AXFR" }, { 255, "ANY" }, { 256, "URI" }, { 257, "CAA" },
	/* the rest of bind 9.18's mnemonics */
	{ 23, "NSAP-PTR" }, { 31, "EID" }, { 32, "NIMLOC" }, { 34, "ATMA" }, { 40, "SINK" },
	{ 56, "NINFO" }, { 57, "RKEY" }, { 58, "TALINK" }, { 66, "DSYNC" }, { 67, "HHIT" },
	{ 68, "BRID" }, { 100, "UINFO" }, { 101, "UID" }, { 102, "GID" }, { 103, "UNSPEC" },
	{ 104, "NID" }, { 105, "L32" }, { 106, "L64" }, { 107, "LP" }, { 108, "EUI48" },
	{ 109, "EUI64" }, { 258, "AVC" }, { 259, "DOA" }, { 260, "AMTRELAY" }, { 261, "RESINFO" },
	{ 262, "WALLET" }, { 253, "MAILB" }, { 254, "MAILA" }, { 32768, "TA" }, { 32769, "DLV" },
};

static const struct dns_mnemonic class_names[] = {
	{ DNS_CLASS_IN, "IN" }, { DNS_CLASS_CH, "CH" }, { DNS_CLASS_HS, "HS" },
	{ 254, "NONE" }, { DNS_CLASS_ANY, "ANY" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *mnemonic_find(const struct dns_mnemonic *table, size_t count, uint16_t value)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i].value == value)
			return table[i].name;
	return NULL;
}

/* A mnemonic from table, or PREFIXnnn (RFC 3597's TYPE65400, CLASS7). */
static int mnemonic_parse(const struct dns_mnemonic *table, size_t count, const char *prefix,
			  const char *text, uint16_t *value)
{
	size_t i, prefix_len = strlen(prefix);
	unsigned long number;
	char *end;

	for (i = 0; i < count; i++)
		if (strcasecmp(table[i].name, text) == 0) {
			*value = table[i].value;
			return 0;
		}
	if (strncasecmp(text, prefix, prefix_len) != 0 || text[prefix_len] < '0' || text[prefix_len] > '9')
		return -EINVAL;
	number = strtoul(text + prefix_len, &end, 10);
	if (*end || number > 65535)
		return -EINVAL;
	*value = (uint16_t)number;
	return 0;
}

const char *dns_type_name(uint16_t type, char *buf, size_t size)
{
	const char *name = mnemonic_find(type_names, COUNT(type_names), type);

	if (name)
		return name;
	snprintf(buf, size, "TYPE%u", type);
	return buf;
}

int dns_type_parse(const char *text, uint16_t *type)
{
	return mnemonic_parse(type_names, COUNT(type_names), "TYPE", text, type);
}

const char *dns_class_name(uint16_t qclass, char *buf, size_t size)
{
	const char *name = mnemonic_find(class_names, COUNT(class_names), qclass);

	if (name)
		return name;
	snprintf(buf, size, "CLASS%u", qclass);
	return buf;
}

int dns_class_parse(const char *text, uint16_t *qclass)
{
	if (strcasecmp(text, "CHAOS") == 0) {
		*qclass = DNS_CLASS_CH;
		return 0;
	}
	return mnemonic_parse(class_names, COUNT(class_names), "CLASS", text, qclass);
}

const char *dns_rcode_name(unsigned rcode, char *buf, size_t size)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
		"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RESERVED11", "RESERVED12",
		"RESERVED13", "RESERVED14", "RESERVED15", "BADVERS",
	};

	if (rcode < COUNT(names))
		return names[rcode];
	if (rcode == 23)
		return "BADCOOKIE";
	snprintf(buf, size, "%u", rcode);
	return buf;
}

int dns_reverse_name(const char *address, char *name, size_t size)
{
	struct sonde_addr addr;
	size_t used = 0;
	int i;

	struct addr_ipv4_form form;
	struct in_addr in4;

	if (addr_parse_ip(address, 0, AF_UNSPEC, &addr) < 0)
		return -EINVAL;
	/* bind's dig reverses the labels of what it cannot read as a dotted
	 * quad ("10.1" is 1.10.in-addr.arpa), not inet_aton's reading. */
	if (addr_parse_ipv4(address, &in4, &form) == 0 && !addr_ipv4_form_is_plain(&form))
		return -EINVAL;
	if (addr_family(&addr) == AF_INET) {
		const uint8_t *b = (const uint8_t *)&addr.u.in4.sin_addr;

		int n = snprintf(name, size, "%u.%u.%u.%u.in-addr.arpa.", b[3], b[2], b[1], b[0]);

		return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
	}
	for (i = 15; i >= 0; i--) {
		uint8_t byte = addr.u.in6.sin6_addr.s6_addr[i];
		int n = snprintf(name + used, size - used, "%x.%x.", byte & 0xf, byte >> 4);

		if (n < 0 || (size_t)n >= size - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	if (snprintf(name + used, size - used, "ip6.arpa.") >= (int)(size - used))
		return -ENOSPC;
	return 0;
}

/* RFC 8914's registry, as dig names them. */
const char *dns_ede_name(uint16_t info_code)
{
	static const char *const names[] = {
		"Other", "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type", "Stale Answer",
		"Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus", "Signature Expired",
		"Signature Not Yet Valid", "DNSKEY Missing", "RRSIGs Missing", "No Zone Key Bit Set",
		"NSEC Missing", "Cached Error", "Not Ready", "Blocked", "Censored", "Filtered",
		"Prohibited", "Stale NXDOMAIN Answer", "Not Authoritative", "Not Supported",
		"No Reachable Authority", "Network Error", "Invalid Data", "Signature Expired before Valid",
		"Too Early", "Unsupported NSEC3 Iterations Value", "Unable to conform to policy",
		"Synthesized",
	};

	return info_code < COUNT(names) ? names[info_code] : NULL;
}

/* The length of the sequence at s[0] that bind takes (2 to 4 bytes whose
 * value needs that many), or 0. */
static size_t bind_utf8_sequence(const uint8_t *s, size_t avail)
{
	static const uint8_t lead_mask[] = { 0, 0, 0xe0, 0xf0, 0xf8 }, lead_bits[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t need, i;

	for (need = 2; need <= 4; need++) {
		uint32_t value = s[0] & (uint8_t)~lead_mask[need];

		if (avail < need || (s[0] & lead_mask[need]) != lead_bits[need])
			continue;
		for (i = 1; i < need && (s[i] & 0xc0) == 0x80; i++)
			value = value << 6 | (s[i] & 0x3f);
		if (i < need)
			continue;
		return value >= least[need] && value <= 0x10ffff ? need : 0;
	}
	return 0;
}

bool dns_utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t seq = s[i] < 0x80 ? 1 : bind_utf8_sequence(s + i, len - i);

		if (!seq)
			return false;
		i += seq;
	}
	return true;
}
