/* ipset 7.17's text for decoded sets: `list` (and -terse, -name) and
 * `save`.  The element layouts and header options were read from the real
 * tool's output for each type; a type or an attribute outside them is
 * printed as a "[sonde: ...]" marker, not guessed. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "sonde/ipset.h"
#include "sonde/nfdecode.h"
#include "sonde/strbuf.h"

/* What each position of a member holds. */
enum ipset_dim {
	DIM_END = 0,
	DIM_IP,          /* an address */
	DIM_NET,         /* an address and its prefix length unless full */
	DIM_PROTO_PORT,  /* "tcp:443", "icmp:echo-request" */
	DIM_IP2,
	DIM_NET2,
	DIM_PORT,        /* bitmap:port's bare port */
	DIM_NAME,        /* list:set's member set */
};

enum ipset_header_kind { HEADER_HASH, HEADER_BITMAP_PORT, HEADER_LIST_SET };

struct ipset_type {
	const char *name;
	enum ipset_header_kind header;
	enum ipset_dim dims[4];
};

static const struct ipset_type ipset_types[] = {
	{ "hash:ip", HEADER_HASH, { DIM_IP } },
	{ "hash:ip,port", HEADER_HASH, { DIM_IP, DIM_PROTO_PORT } },
	{ "hash:ip,port,ip", HEADER_HASH, { DIM_IP, DIM_PROTO_PORT, DIM_IP2 } },
	{ "hash:ip,port,net", HEADER_HASH, { DIM_IP, DIM_PROTO_PORT, DIM_NET2 } },
	{ "hash:net", HEADER_HASH, { DIM_NET } },
	{ "hash:net,port", HEADER_HASH, { DIM_NET, DIM_PROTO_PORT } },
	{ "bitmap:port", HEADER_BITMAP_PORT, { DIM_PORT } },
	{ "list:set", HEADER_LIST_SET, { DIM_NAME } },
};

static const struct ipset_type *type_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ipset_types) / sizeof(ipset_types[0]); i++)
		if (strcmp(ipset_types[i].name, name) == 0)
			return &ipset_types[i];
	return NULL;
}

bool ipset_type_known(const char *type)
{
	return type_find(type) != NULL;
}

/* ipset's names for ICMP and ICMPv6 type/code pairs. */
struct icmp_name {
	uint8_t type, code;
	const char *name;
};

static const struct icmp_name icmp4_names[] = {
	{ 0, 0, "echo-reply" }, { 3, 0, "network-unreachable" }, { 3, 1, "host-unreachable" },
	{ 3, 2, "protocol-unreachable" }, { 3, 3, "port-unreachable" }, { 3, 4, "fragmentation-needed" },
	{ 3, 5, "source-route-failed" }, { 3, 6, "network-unknown" }, { 3, 7, "host-unknown" },
	{ 3, 9, "network-prohibited" }, { 3, 10, "host-prohibited" }, { 3, 11, "TOS-network-unreachable" },
	{ 3, 12, "TOS-host-unreachable" }, { 3, 13, "communication-prohibited" },
	{ 3, 14, "host-precedence-violation" }, { 3, 15, "precedence-cutoff" }, { 4, 0, "source-quench" },
	{ 5, 0, "network-redirect" }, { 5, 1, "host-redirect" }, { 5, 2, "TOS-network-redirect" },
	{ 5, 3, "TOS-host-redirect" }, { 8, 0, "echo-request" }, { 9, 0, "router-advertisement" },
	{ 10, 0, "router-solicitation" }, { 11, 0, "ttl-zero-during-transit" },
	{ 11, 1, "ttl-zero-during-reassembly" }, { 12, 0, "ip-header-bad" }, { 12, 1, "required-option-missing" },
	{ 13, 0, "timestamp-request" }, { 14, 0, "timestamp-reply" }, { 17, 0, "address-mask-request" },
	{ 18, 0, "address-mask-reply" },
};

static const struct icmp_name icmp6_names[] = {
	{ 1, 0, "no-route" }, { 1, 1, "communication-prohibited" }, { 1, 3, "address-unreachable" },
	{ 1, 4, "port-unreachable" }, { 2, 0, "packet-too-big" }, { 3, 0, "ttl-zero-during-transit" },
	{ 3, 1, "ttl-zero-during-reassembly" }, { 4, 0, "bad-header" }, { 4, 1, "unknown-header-type" },
	{ 4, 2, "unknown-option" }, { 128, 0, "echo-request" }, { 129, 0, "echo-reply" },
	{ 133, 0, "router-solicitation" }, { 134, 0, "router-advertisement" },
	{ 135, 0, "neighbour-solicitation" }, { 136, 0, "neighbour-advertisement" }, { 137, 0, "redirect" },
};

static const char *icmp_name(const struct icmp_name *table, size_t count, uint16_t type_code)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i].type == type_code >> 8 && table[i].code == (type_code & 0xff))
			return table[i].name;
	return NULL;
}

static void put_proto_port(struct strbuf *out, const struct ipset_member *m)
{
	const char *proto = nf_proto_file_name(m->proto);
	const char *icmp = NULL;

	if (proto)
		strbuf_puts(out, proto);
	else
		strbuf_printf(out, "%u", m->proto);
	strbuf_putc(out, ':');
	if (m->proto == IPPROTO_ICMP)
		icmp = icmp_name(icmp4_names, sizeof(icmp4_names) / sizeof(icmp4_names[0]), m->port);
	else if (m->proto == IPPROTO_ICMPV6)
		icmp = icmp_name(icmp6_names, sizeof(icmp6_names) / sizeof(icmp6_names[0]), m->port);
	if (icmp)
		strbuf_puts(out, icmp);
	else if (m->proto == IPPROTO_ICMP || m->proto == IPPROTO_ICMPV6)
		strbuf_printf(out, "%u/%u", m->port >> 8, m->port & 0xff);
	else
		strbuf_printf(out, "%u", m->port);
}

static void put_ip(struct strbuf *out, const uint8_t *ip, uint8_t ip_len)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(ip_len == 16 ? AF_INET6 : AF_INET, ip, text, sizeof(text));
	strbuf_puts(out, text);
}

/* One position; false when the member lacks what it needs. */
static bool put_dim(struct strbuf *out, enum ipset_dim dim, const struct ipset_member *m)
{
	switch (dim) {
	case DIM_IP:
	case DIM_NET:
		if (!m->has_ip)
			return false;
		put_ip(out, m->ip, m->ip_len);
		if (dim == DIM_NET && m->has_cidr && m->cidr != m->ip_len * 8)
			strbuf_printf(out, "/%u", m->cidr);
		return true;
	case DIM_IP2:
	case DIM_NET2:
		if (!m->has_ip2)
			return false;
		put_ip(out, m->ip2, m->ip2_len);
		if (dim == DIM_NET2 && m->has_cidr2 && m->cidr2 != m->ip2_len * 8)
			strbuf_printf(out, "/%u", m->cidr2);
		return true;
	case DIM_PROTO_PORT:
		if (!m->has_port || !m->has_proto)
			return false;
		put_proto_port(out, m);
		return true;
	case DIM_PORT:
		if (!m->has_port)
			return false;
		strbuf_printf(out, "%u", m->port);
		return true;
	case DIM_NAME:
		if (!m->name[0])
			return false;
		strbuf_puts(out, m->name);
		return true;
	default:
		return false;
	}
}

void ipset_member_key_format(struct strbuf *out, const struct ipset_set *set, const struct ipset_member *m)
{
	const struct ipset_type *type = type_find(set->type);
	size_t i;

	if (!type) {
		strbuf_printf(out, "[sonde: cannot render a member of type %s]", set->type[0] ? set->type : "(none)");
		return;
	}
	for (i = 0; i < 4 && type->dims[i] != DIM_END; i++) {
		if (i > 0)
			strbuf_putc(out, ',');
		if (!put_dim(out, type->dims[i], m)) {
			strbuf_puts(out, "[sonde: member lacks a part of its type]");
			return;
		}
	}
}

static void put_unknown(struct strbuf *out, uint32_t bits)
{
	unsigned type;

	for (type = 0; type < 32; type++)
		if (bits & (1u << type))
			strbuf_printf(out, " [sonde: unknown attribute %u]", type);
}

void ipset_member_format(struct strbuf *out, const struct ipset_set *set, const struct ipset_member *m)
{
	ipset_member_key_format(out, set, m);
	if (m->has_timeout)
		strbuf_printf(out, " timeout %u", m->timeout_s);
	if (m->nomatch)
		strbuf_puts(out, " nomatch");
	if (m->has_counters)
		strbuf_printf(out, " packets %llu bytes %llu", (unsigned long long)m->packets,
			      (unsigned long long)m->bytes);
	if (m->comment)
		strbuf_printf(out, " comment \"%s\"", m->comment);
	if (m->has_skbmark && m->skbmark_mask == UINT32_MAX)
		strbuf_printf(out, " skbmark 0x%x", m->skbmark);
	else if (m->has_skbmark)
		strbuf_printf(out, " skbmark 0x%x/0x%x", m->skbmark, m->skbmark_mask);
	if (m->has_skbprio)
		strbuf_printf(out, " skbprio %x:%x", m->skbprio >> 16, m->skbprio & 0xffff);
	if (m->has_skbqueue)
		strbuf_printf(out, " skbqueue %u", m->skbqueue);
	if (m->cadt_flags & ~(uint32_t)IPSET_FLAG_NOMATCH)
		strbuf_printf(out, " [sonde: unknown member flags 0x%x]", m->cadt_flags & ~(uint32_t)IPSET_FLAG_NOMATCH);
	put_unknown(out, m->unknown_attrs);
}

/* The options every type may have: timeout and the extensions. */
static void put_header_extensions(struct strbuf *out, const struct ipset_set *s)
{
	const uint32_t known = IPSET_FLAG_WITH_COUNTERS | IPSET_FLAG_WITH_COMMENT | IPSET_FLAG_WITH_SKBINFO |
			       IPSET_FLAG_WITH_FORCEADD;

	if (s->has_timeout)
		strbuf_printf(out, " timeout %u", s->timeout_s);
	if (s->cadt_flags & IPSET_FLAG_WITH_COUNTERS)
		strbuf_puts(out, " counters");
	if (s->cadt_flags & IPSET_FLAG_WITH_COMMENT)
		strbuf_puts(out, " comment");
	if (s->cadt_flags & IPSET_FLAG_WITH_SKBINFO)
		strbuf_puts(out, " skbinfo");
	/* ipset 7.17 lists no "forceadd" though the kernel reports it: the
	 * text stays the tool's, --json has the flag. */
	if (s->cadt_flags & ~known)
		strbuf_printf(out, " [sonde: unknown set flags 0x%x]", s->cadt_flags & ~known);
}

static void put_hash_header(struct strbuf *out, const struct ipset_set *s)
{
	if (s->family == NFPROTO_IPV4 || s->family == NFPROTO_IPV6)
		strbuf_puts(out, s->family == NFPROTO_IPV4 ? "family inet" : "family inet6");
	else
		strbuf_printf(out, "[sonde: unknown family %u]", s->family);
	if (s->has_hashsize)
		strbuf_printf(out, " hashsize %u", s->hashsize);
	if (s->has_maxelem)
		strbuf_printf(out, " maxelem %u", s->maxelem);
	if (s->has_netmask)
		strbuf_printf(out, " netmask %u", s->netmask);
	put_header_extensions(out, s);
	if (s->has_bucketsize)
		strbuf_printf(out, " bucketsize %u", s->bucketsize);
	if (s->has_initval)
		strbuf_printf(out, " initval 0x%08x", s->initval);
}

void ipset_header_format(struct strbuf *out, const struct ipset_set *s)
{
	const struct ipset_type *type = type_find(s->type);

	if (!type) {
		strbuf_printf(out, "[sonde: cannot render the header of type %s]", s->type[0] ? s->type : "(none)");
		return;
	}
	if (type->header == HEADER_HASH) {
		put_hash_header(out, s);
	} else if (type->header == HEADER_BITMAP_PORT) {
		if (s->has_port_range)
			strbuf_printf(out, "range %u-%u", s->port_from, s->port_to);
		else
			strbuf_puts(out, "[sonde: no port range]");
		put_header_extensions(out, s);
	} else {
		if (s->has_size)
			strbuf_printf(out, "size %u", s->size);
		else
			strbuf_puts(out, "[sonde: no size]");
		put_header_extensions(out, s);
	}
	put_unknown(out, s->unknown_attrs);
}

static void print_list_set(FILE *fp, struct strbuf *line, const struct ipset_set *s, bool terse)
{
	size_t i;

	strbuf_reset(line);
	ipset_header_format(line, s);
	fprintf(fp, "Name: %s\nType: %s\nRevision: %u\nHeader: %s\n", s->name, s->type, s->revision,
		line->data ? line->data : "");
	fprintf(fp, "Size in memory: %u\nReferences: %u\nNumber of entries: %zu\n", s->memsize, s->references,
		s->has_elements ? (size_t)s->elements : s->member_count);
	if (terse)
		return;
	fputs("Members:\n", fp);
	for (i = 0; i < s->member_count; i++) {
		strbuf_reset(line);
		ipset_member_format(line, s, &s->members[i]);
		fprintf(fp, "%s\n", line->data ? line->data : "");
	}
}

static void print_save_set(FILE *fp, struct strbuf *line, const struct ipset_set *s)
{
	size_t i;

	strbuf_reset(line);
	ipset_header_format(line, s);
	fprintf(fp, "create %s %s %s\n", s->name, s->type, line->data ? line->data : "");
	for (i = 0; i < s->member_count; i++) {
		strbuf_reset(line);
		ipset_member_format(line, s, &s->members[i]);
		fprintf(fp, "add %s %s\n", s->name, line->data ? line->data : "");
	}
}

int ipset_print(FILE *fp, const struct ipset_list *list, enum ipset_view view)
{
	struct strbuf line = { 0 };
	size_t i;
	int rc;

	for (i = 0; i < list->set_count; i++) {
		const struct ipset_set *s = &list->sets[i];

		if (view == IPSET_VIEW_NAME) {
			fprintf(fp, "%s\n", s->name);
		} else if (view == IPSET_VIEW_SAVE) {
			print_save_set(fp, &line, s);
		} else {
			if (i > 0)
				fputc('\n', fp);
			print_list_set(fp, &line, s, view == IPSET_VIEW_TERSE);
		}
	}
	rc = line.failed ? -ENOMEM : 0;
	strbuf_free(&line);
	return rc;
}
