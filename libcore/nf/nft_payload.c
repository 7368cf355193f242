/* Header fields nft 1.0.6 names beyond the whole-byte ones nft_render.c
 * knows: fields narrower than a byte (ip dscp and ecn, ip6 flowlabel, tcp
 * doff, dccp type), found from the mask over the bytes loaded, and the
 * fields of ARP, ICMP, ICMPv6, IGMP and IPComp headers, each by the
 * protocol the rule's guards established. */
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"

struct field {
	const char *protocol, *name;
	uint16_t offset_bits, len_bits;
	uint32_t type;
};

#define I NFT_TYPE_INTEGER

static const struct field ipv4_fields[] = {
	{ "ip", "version", 0, 4, I }, { "ip", "hdrlength", 4, 4, I }, { "ip", "dscp", 8, 6, NFT_TYPE_DSCP },
	{ "ip", "ecn", 14, 2, NFT_TYPE_ECN },
};
static const struct field ipv6_fields[] = {
	{ "ip6", "version", 0, 4, I }, { "ip6", "dscp", 4, 6, NFT_TYPE_DSCP }, { "ip6", "ecn", 10, 2, NFT_TYPE_ECN },
	{ "ip6", "flowlabel", 12, 20, I },
};
static const struct field arp_fields[] = {
	{ "arp", "htype", 0, 16, I }, { "arp", "ptype", 16, 16, NFT_TYPE_ETHERTYPE }, { "arp", "hlen", 32, 8, I },
	{ "arp", "plen", 40, 8, I }, { "arp", "operation", 48, 16, NFT_TYPE_ARPOP },
	{ "arp", "saddr ether", 64, 48, NFT_TYPE_ETHERADDR }, { "arp", "saddr ip", 112, 32, NFT_TYPE_IPADDR },
	{ "arp", "daddr ether", 144, 48, NFT_TYPE_ETHERADDR }, { "arp", "daddr ip", 192, 32, NFT_TYPE_IPADDR },
};
static const struct field icmp_fields[] = {
	{ "icmp", "type", 0, 8, NFT_TYPE_ICMP_TYPE }, { "icmp", "code", 8, 8, NFT_TYPE_ICMP_CODE },
	{ "icmp", "checksum", 16, 16, I },
};
static const struct field icmpv6_fields[] = {
	{ "icmpv6", "type", 0, 8, NFT_TYPE_ICMP6_TYPE }, { "icmpv6", "code", 8, 8, NFT_TYPE_ICMPV6_CODE },
	{ "icmpv6", "checksum", 16, 16, I },
};
static const struct field igmp_fields[] = {
	{ "igmp", "type", 0, 8, NFT_TYPE_IGMP_TYPE }, { "igmp", "mrt", 8, 8, I }, { "igmp", "checksum", 16, 16, I },
	{ "igmp", "group", 32, 32, NFT_TYPE_IPADDR },
};
static const struct field tcp_fields[] = { { "tcp", "doff", 96, 4, I } };
static const struct field dccp_fields[] = { { "dccp", "type", 67, 4, NFT_TYPE_DCCP_PKTTYPE } };
static const struct field comp_fields[] = {
	{ "comp", "nexthdr", 0, 8, NFT_TYPE_INET_PROTOCOL }, { "comp", "cpi", 16, 16, I },
};

/* A VLAN tag after the Ethernet header (link layer offset 14). */
static const struct field vlan_fields[] = {
	{ "vlan", "pcp", 112, 3, I }, { "vlan", "dei", 115, 1, I }, { "vlan", "id", 116, 12, I },
	{ "vlan", "type", 128, 16, NFT_TYPE_ETHERTYPE },
};

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

bool nft_payload_field(uint32_t base, unsigned proto, const struct reg_src *s, struct nft_field_desc *d)
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
		if (fields[i].offset_bits != offset_bits || fields[i].len_bits != len_bits)
			continue;
		/* A masked whole-byte field is a compare under a mask, not this. */
		if (s->masked && len_bits % 8 == 0 && offset_bits == s->offset * 8u && len_bits == s->len * 8u)
			return false;
		d->json_key = "payload";
		d->name = fields[i].protocol;
		d->field = fields[i].name;
		d->type = fields[i].type;
		d->len_bits = len_bits;
		snprintf(d->text, sizeof(d->text), "%s %s", fields[i].protocol, fields[i].name);
		return true;
	}
	return false;
}
