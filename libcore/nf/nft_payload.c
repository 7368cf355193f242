/* Header fields nft 1.0.6 names beyond the whole-byte ones nft_render.c
 * knows: fields narrower than a byte (ip dscp and ecn, ip6 flowlabel, tcp
 * doff, dccp type), found from the mask over the bytes loaded, and the
 * fields of ARP, ICMP, ICMPv6, IGMP and IPComp headers, each by the
 * protocol the rule's guards established (and ICMP's by the type).  A
 * compare merged over several of them is split back in nft_split.c. */
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/strbuf.h"

/* The ICMP types a field exists under (nft's dependencies of id,
 * sequence, gateway, mtu...): the field is named only when the rule's
 * last `icmp type X` compare is one of them (or absent), and that compare
 * is dropped from the listing when it is the type the field implies. */
enum icmp_dep { DEP_NONE, DEP_ECHO, DEP_ECHO6, DEP_MTU, DEP_ADDRESS, DEP_MTU6, DEP_MGMQ, DEP_PPTR };

struct icmp_dep_types {
	uint8_t types[3];
	uint8_t count;
	uint8_t implied;             /* dropped before the field (0: never, echo) */
};

static const struct icmp_dep_types icmp_deps[] = {
	[DEP_ECHO] = { { 0, 8 }, 2, 0 },           [DEP_ECHO6] = { { 128, 129 }, 2, 0 },
	[DEP_MTU] = { { 3 }, 1, 3 },               [DEP_ADDRESS] = { { 5 }, 1, 5 },
	[DEP_MTU6] = { { 2 }, 1, 2 },              [DEP_MGMQ] = { { 130, 131, 132 }, 3, 130 },
	[DEP_PPTR] = { { 4 }, 1, 4 },
};

struct field {
	const char *protocol, *name;
	uint16_t offset_bits, len_bits;
	uint32_t type;
	enum icmp_dep dep;
};

#define I NFT_TYPE_INTEGER
/* A field every ICMP type has, or one of another header. */
#define F(protocol, name, offset_bits, len_bits, type) { protocol, name, offset_bits, len_bits, type, DEP_NONE }

static const struct field ipv4_fields[] = {
	F("ip", "version", 0, 4, I), F("ip", "hdrlength", 4, 4, I), F("ip", "dscp", 8, 6, NFT_TYPE_DSCP),
	F("ip", "ecn", 14, 2, NFT_TYPE_ECN),
};
static const struct field ipv6_fields[] = {
	F("ip6", "version", 0, 4, I), F("ip6", "dscp", 4, 6, NFT_TYPE_DSCP), F("ip6", "ecn", 10, 2, NFT_TYPE_ECN),
	F("ip6", "flowlabel", 12, 20, I),
};
static const struct field arp_fields[] = {
	F("arp", "htype", 0, 16, I), F("arp", "ptype", 16, 16, NFT_TYPE_ETHERTYPE), F("arp", "hlen", 32, 8, I),
	F("arp", "plen", 40, 8, I), F("arp", "operation", 48, 16, NFT_TYPE_ARPOP),
	F("arp", "saddr ether", 64, 48, NFT_TYPE_ETHERADDR), F("arp", "saddr ip", 112, 32, NFT_TYPE_IPADDR),
	F("arp", "daddr ether", 144, 48, NFT_TYPE_ETHERADDR), F("arp", "daddr ip", 192, 32, NFT_TYPE_IPADDR),
};
/* In nft's order: the first whose offset, length and type fit is the one. */
static const struct field icmp_fields[] = {
	F("icmp", "type", 0, 8, NFT_TYPE_ICMP_TYPE), F("icmp", "code", 8, 8, NFT_TYPE_ICMP_CODE),
	F("icmp", "checksum", 16, 16, I),	     { "icmp", "id", 32, 16, I, DEP_ECHO },
	{ "icmp", "sequence", 48, 16, I, DEP_ECHO },	     { "icmp", "gateway", 32, 32, I, DEP_ADDRESS },
	{ "icmp", "mtu", 48, 16, I, DEP_MTU },
};
static const struct field icmpv6_fields[] = {
	F("icmpv6", "type", 0, 8, NFT_TYPE_ICMP6_TYPE),
	F("icmpv6", "code", 8, 8, NFT_TYPE_ICMPV6_CODE),
	F("icmpv6", "checksum", 16, 16, I),
	{ "icmpv6", "parameter-problem", 32, 32, I, DEP_PPTR },
	{ "icmpv6", "mtu", 32, 32, I, DEP_MTU6 },
	{ "icmpv6", "id", 32, 16, I, DEP_ECHO6 },
	{ "icmpv6", "sequence", 48, 16, I, DEP_ECHO6 },
	{ "icmpv6", "max-delay", 32, 16, I, DEP_MGMQ },
};
static const struct field igmp_fields[] = {
	F("igmp", "type", 0, 8, NFT_TYPE_IGMP_TYPE), F("igmp", "mrt", 8, 8, I), F("igmp", "checksum", 16, 16, I),
	F("igmp", "group", 32, 32, NFT_TYPE_IPADDR),
};
static const struct field tcp_fields[] = { F("tcp", "doff", 96, 4, I) };
static const struct field dccp_fields[] = { F("dccp", "type", 67, 4, NFT_TYPE_DCCP_PKTTYPE) };
static const struct field comp_fields[] = {
	F("comp", "nexthdr", 0, 8, NFT_TYPE_INET_PROTOCOL), F("comp", "flags", 8, 8, NFT_TYPE_BITMASK),
	F("comp", "cpi", 16, 16, I),
};

/* A VLAN tag after the Ethernet header (link layer offset 14). */
static const struct field vlan_fields[] = {
	F("vlan", "pcp", 112, 3, I), F("vlan", "dei", 115, 1, I), F("vlan", "id", 116, 12, I),
	F("vlan", "type", 128, 16, NFT_TYPE_ETHERTYPE),
};

#undef F
#undef I

#define TABLE(a) a, sizeof(a) / sizeof((a)[0])

static const struct field *table_for(uint32_t base, unsigned proto, size_t *n)
{
	static const struct { uint32_t base; unsigned proto; const struct field *fields; size_t n; } tables[] = {
		{ NFT_PAYLOAD_NETWORK_HEADER, NFPROTO_IPV4, TABLE(ipv4_fields) },
		{ NFT_PAYLOAD_NETWORK_HEADER, NFPROTO_IPV6, TABLE(ipv6_fields) },
		{ NFT_PAYLOAD_NETWORK_HEADER, NFPROTO_ARP, TABLE(arp_fields) },
		{ NFT_PAYLOAD_TRANSPORT_HEADER, IPPROTO_ICMP, TABLE(icmp_fields) },
		{ NFT_PAYLOAD_TRANSPORT_HEADER, IPPROTO_ICMPV6, TABLE(icmpv6_fields) },
		{ NFT_PAYLOAD_TRANSPORT_HEADER, IPPROTO_IGMP, TABLE(igmp_fields) },
		{ NFT_PAYLOAD_TRANSPORT_HEADER, IPPROTO_TCP, TABLE(tcp_fields) },
		{ NFT_PAYLOAD_TRANSPORT_HEADER, IPPROTO_DCCP, TABLE(dccp_fields) },
		{ NFT_PAYLOAD_TRANSPORT_HEADER, IPPROTO_COMP, TABLE(comp_fields) },
		{ NFT_PAYLOAD_LL_HEADER, NFT_PROTO_VLAN, TABLE(vlan_fields) },
	};
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (tables[i].base == base && tables[i].proto == proto) {
			*n = tables[i].n;
			return tables[i].fields;
		}
	*n = 0;
	return NULL;
}

/* Whether a field exists under the ICMP type last compared (nft keeps no
 * type 0, echo-reply, as one: every field fits it). */
static bool icmp_type_fits(enum icmp_dep dep, int icmp_type)
{
	const struct icmp_dep_types *t = &icmp_deps[dep];
	size_t i;

	if (dep == DEP_NONE || icmp_type <= 0)
		return true;
	for (i = 0; i < t->count; i++)
		if (t->types[i] == icmp_type)
			return true;
	return false;
}

bool nft_payload_field(uint32_t base, unsigned proto, int icmp_type, const struct reg_src *s,
		       struct nft_field_desc *d)
{
	size_t n, i;
	const struct field *fields = table_for(base, proto, &n);
	unsigned offset_bits = s->offset * 8, len_bits = s->len * 8, first, count;

	memset(d, 0, sizeof(*d));
	if (s->masked) {
		if (s->len > sizeof(s->mask) || !nft_rd_all_zero(s->xor_, s->len) ||
		    !nft_mask_run(s->mask, s->len, &first, &count, &d->shift))
			return false;
		offset_bits += first;
		len_bits = count;
	}
	for (i = 0; i < n; i++) {
		if (fields[i].offset_bits != offset_bits || !icmp_type_fits(fields[i].dep, icmp_type))
			continue;
		/* nft reads a load from the first field at its offset: a longer
		 * load is several fields compared at once (icmp id and sequence,
		 * not gateway), which is not this one. */
		if (!s->masked && fields[i].len_bits % 8 == 0 && fields[i].len_bits < len_bits)
			return false;
		if (fields[i].len_bits != len_bits)
			continue;
		/* A masked whole-byte field is a compare under a mask, not this. */
		if (s->masked && len_bits % 8 == 0 && offset_bits == s->offset * 8u && len_bits == s->len * 8u)
			return false;
		d->json_key = "payload";
		d->name = fields[i].protocol;
		d->field = fields[i].name;
		d->type = fields[i].type;
		d->len_bits = len_bits;
		d->implied_icmp_type = icmp_deps[fields[i].dep].implied;
		snprintf(d->text, sizeof(d->text), "%s %s", fields[i].protocol, fields[i].name);
		return true;
	}
	return false;
}

/* --- values of a field narrower than its load ------------------------------- */

/* A value read as the field's own: shifted right, in the field's bytes. */
static void field_value(const struct render *rd, struct nft_data *d)
{
	unsigned long long number = 0;
	size_t b;

	if (!d->len || d->len > 8)
		return;
	for (b = 0; b < d->len; b++)
		number = number << 8 | d->bytes[b];
	number >>= rd->field_shift;
	d->len = rd->field_bytes;
	for (b = rd->field_bytes; b-- > 0; number >>= 8)
		d->bytes[b] = (uint8_t)number;
}

const struct nft_expr *nft_rd_field_values(const struct render *rd, const struct nft_expr *e, struct nft_expr *copy)
{
	if (!rd->field_mask_consumed)
		return e;
	*copy = *e;
	field_value(rd, &copy->data);
	field_value(rd, &copy->data2);
	return copy;
}

bool nft_rd_field_set(const struct render *rd, struct nft_set *set)
{
	size_t i;

	if (!rd->field_mask_consumed || !(set->flags & NFT_SET_ANONYMOUS) || set->field_count > 1 || !set->key_len ||
	    set->key_len > 8)
		return false;
	/* An interval set's ends are read back only where the field's units
	 * are the load's (`ip hdrlength`, the low bits of its byte): nft ends
	 * an open last interval at the load's all-ones too (`5-255`). */
	if (set->flags & NFT_SET_INTERVAL)
		return rd->field_shift == 0 && set->key_len == rd->field_bytes;
	if (set->keys_in_field_units)
		return set->key_len == rd->field_bytes;
	for (i = 0; i < set->elem_count; i++) {
		field_value(rd, &set->elems[i].key);
		field_value(rd, &set->elems[i].key_end);
	}
	set->key_len = rd->field_bytes;
	set->keys_in_field_units = true;
	return true;
}

/* --- writes of a field narrower than its bytes ------------------------------ */

bool nft_rd_rmw_field(const struct nft_expr *write, const struct reg_src *value, struct reg_src *field,
		      struct nft_expr *new_value)
{
	uint8_t field_mask[16];
	unsigned first, count, shift;
	size_t len = value ? value->len : 0, i;

	if (!value || value->kind != SRC_PAYLOAD || !value->masked || value->big_endian ||
	    value->base != write->u.payload.base || value->offset != write->u.payload.offset ||
	    len != write->u.payload.len || !len || len > sizeof(field_mask))
		return false;
	/* The bits the mask clears are the field's; the xor sets them and no other. */
	for (i = 0; i < len; i++) {
		field_mask[i] = (uint8_t)~value->mask[i];
		if (value->xor_[i] & value->mask[i])
			return false;
	}
	if (!nft_mask_run(field_mask, len, &first, &count, &shift))
		return false;
	*field = *value;
	memset(new_value, 0, sizeof(*new_value));
	new_value->kind = NFT_EXPR_CMP;
	if (first % 8 == 0 && count % 8 == 0) {
		/* Whole bytes (ip ttl beside ip protocol): the field alone. */
		field->masked = false;
		field->offset += first / 8;
		field->len = count / 8;
		memcpy(new_value->data.bytes, value->xor_ + first / 8, count / 8);
		new_value->data.len = count / 8;
		return true;
	}
	memcpy(field->mask, field_mask, len);
	memset(field->xor_, 0, sizeof(field->xor_));
	memcpy(new_value->data.bytes, value->xor_, len);
	new_value->data.len = (uint32_t)len;
	return true;
}
