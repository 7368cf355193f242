/* What a rule's expressions put in the registers, as both of nft's
 * renderings (the listing's words and libnftables' JSON) read it back:
 * loads (payload, meta, ct, numgen, fib, immediate) and the bitwise
 * operations over them, the names of those left-hand sides in nft's words,
 * and the sets a rule refers to.  The statements themselves are written by
 * nft_print.c (text) and nft_json.c (JSON). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"

int nft_reg_index(uint32_t reg)
{
	if (reg >= 1 && reg <= 4)
		return 8 + (int)(reg - 1) * 4;
	return reg < REG32_COUNT ? (int)reg : -1;
}

struct reg_src *nft_rd_reg(struct render *rd, uint32_t reg)
{
	int i = nft_reg_index(reg);

	return i < 0 ? NULL : &rd->regs[i];
}

struct strbuf *nft_rd_stmt(struct render *rd)
{
	if (rd->count == MAX_STATEMENTS)
		return NULL;
	memset(&rd->stmts[rd->count], 0, sizeof(rd->stmts[0]));
	return &rd->stmts[rd->count++].text;
}

const char *nft_family_name(int family)
{
	switch (family) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	default: return "unknown";
	}
}

/* --- left-hand sides ------------------------------------------------------- */

static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 132: return "sctp";
	case 33: return "dccp";
	case 136: return "udplite";
	default: return NULL;
	}
}

/* Whole-byte header fields nft prints as plain numbers (network order; a
 * four-byte one has a type of its own, see NFT_TYPE_BE_INTEGER), by the protocol whose
 * header holds them: an IP protocol number for a transport header, an
 * NFPROTO family for a network header. */
struct plain_field {
	uint8_t proto;
	uint8_t offset;
	uint8_t len;
	const char *name;
};

static const struct plain_field transport_fields[] = {
	{ IPPROTO_TCP, 14, 2, "tcp window" },	  { IPPROTO_TCP, 16, 2, "tcp checksum" },
	{ IPPROTO_TCP, 18, 2, "tcp urgptr" },	  { IPPROTO_UDP, 4, 2, "udp length" },
	{ IPPROTO_UDP, 6, 2, "udp checksum" },	  { IPPROTO_UDPLITE, 4, 2, "udplite csumcov" },
	{ IPPROTO_UDPLITE, 6, 2, "udplite checksum" }, { IPPROTO_AH, 1, 1, "ah hdrlength" },
	{ IPPROTO_AH, 2, 2, "ah reserved" },	  { IPPROTO_COMP, 2, 2, "comp cpi" },
	{ IPPROTO_TCP, 4, 4, "tcp sequence" },	  { IPPROTO_TCP, 8, 4, "tcp ackseq" },
	{ IPPROTO_SCTP, 4, 4, "sctp vtag" },	  { IPPROTO_SCTP, 8, 4, "sctp checksum" },
	{ IPPROTO_AH, 4, 4, "ah spi" },		  { IPPROTO_AH, 8, 4, "ah sequence" },
	{ IPPROTO_ESP, 0, 4, "esp spi" },	  { IPPROTO_ESP, 4, 4, "esp sequence" },
};

static const struct plain_field network_fields[] = {
	{ NFPROTO_IPV4, 2, 2, "ip length" },	{ NFPROTO_IPV4, 4, 2, "ip id" },
	{ NFPROTO_IPV4, 6, 2, "ip frag-off" },	{ NFPROTO_IPV4, 10, 2, "ip checksum" },
	{ NFPROTO_IPV6, 4, 2, "ip6 length" },	{ NFPROTO_IPV6, 7, 1, "ip6 hoplimit" },
};

static const char *plain_field_name(const struct plain_field *table, size_t n, int proto, const struct reg_src *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].proto == proto && table[i].offset == s->offset && table[i].len == s->len)
			return table[i].name;
	return NULL;
}

/* A field of the VLAN tag the ether type guard at rd->ethertype_at announced. */
static bool vlan_field(const struct render *rd, const struct reg_src *s, struct nft_field_desc *d)
{
	struct reg_src tag = *s;

	tag.offset -= rd->ethertype_at - 12u;
	return nft_payload_field(NFT_PAYLOAD_LL_HEADER, NFT_PROTO_VLAN, -1, &tag, d);
}

/* An Ethernet header field: in a bridge or netdev table, or after the
 * `meta iiftype ether` guard nft puts before one elsewhere (folded). */
static bool ether_name(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type)
{
	static const struct { uint8_t offset, len; const char *name; uint32_t type; } fields[] = {
		{ 0, 6, "ether daddr", NFT_TYPE_ETHERADDR }, { 6, 6, "ether saddr", NFT_TYPE_ETHERADDR },
		{ 12, 2, "ether type", NFT_TYPE_ETHERTYPE },
	};
	int fam = rd->ctx->family;
	struct nft_field_desc d;
	size_t i;

	if (fam != NFPROTO_BRIDGE && fam != NFPROTO_NETDEV && rd->iiftype_stmt < 0)
		return false;
	/* The VLAN tag an `ether type 8021q` guard announced, or the inner
	 * one after the outer tag's `vlan type 8021q` (four bytes on). */
	if ((rd->ethertype_at == 12 || rd->ethertype_at == 16) && s->offset >= rd->ethertype_at + 2u &&
	    rd->ethertype_stmt >= 0 && (rd->ethertype == 0x8100 || rd->ethertype == 0x88a8) &&
	    vlan_field(rd, s, &d)) {
		/* nft folds only its own guard, `ether type 8021q`, and keeps it
		 * before `vlan type`, a protocol field itself. */
		if (!rd->ethertype_pinned && strcmp(d.field, "type") != 0 && rd->ethertype_at == 12 &&
		    rd->ethertype == 0x8100)
			rd->stmts[rd->ethertype_stmt].dropped = true;
		if (rd->iiftype_stmt >= 0)
			rd->stmts[rd->iiftype_stmt].dropped = true;
		strbuf_puts(out, d.text);
		*type = d.type;
		rd->field_mask_consumed = s->masked;
		rd->field_shift = d.shift;
		rd->field_bytes = (d.len_bits + 7) / 8;
		return true;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i].offset != s->offset || fields[i].len != s->len)
			continue;
		if (rd->iiftype_stmt >= 0)
			rd->stmts[rd->iiftype_stmt].dropped = true;
		strbuf_puts(out, fields[i].name);
		*type = fields[i].type;
		return true;
	}
	return false;
}

/* A field of nft_payload.c's tables, in the network header of family fam
 * or the transport header a `meta l4proto` guard named. */
static bool table_field(struct render *rd, int fam, const struct reg_src *s, struct strbuf *out, uint32_t *type,
			bool *fold)
{
	struct nft_field_desc d;
	unsigned proto;

	if (s->base == NFT_PAYLOAD_NETWORK_HEADER)
		proto = (unsigned)fam;
	else if (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && rd->l4proto_stmt >= 0)
		proto = rd->l4proto;
	else
		return false;
	if (!nft_payload_field(s->base, proto, rd->icmp_type, s, &d))
		return false;
	*fold = s->base == NFT_PAYLOAD_TRANSPORT_HEADER;
	if (d.implied_icmp_type && rd->icmp_type == d.implied_icmp_type)
		rd->stmts[rd->icmp_type_stmt].dropped = true;
	strbuf_puts(out, d.text);
	*type = d.type == NFT_TYPE_INTEGER && d.len_bits == 32 ? NFT_TYPE_BE_INTEGER : d.type;
	rd->field_mask_consumed = s->masked;
	rd->field_shift = d.shift;
	rd->field_bytes = (d.len_bits + 7) / 8;
	return true;
}

/* A load nft names by its base and bits: "@nh,8,16". */
static bool raw_name(const struct reg_src *s, struct strbuf *out, uint32_t *type)
{
	static const char *const bases[] = { "ll", "nh", "th", "ih" };

	if (s->base >= sizeof(bases) / sizeof(bases[0]))
		return false;
	*type = NFT_TYPE_RAW;
	strbuf_printf(out, "@%s,%u,%u", bases[s->base], s->offset * 8, s->len * 8);
	return true;
}

/* A transport protocol nft 1.0.6 has no header description for (its
 * loads are raw); tunnels it may describe are not claimed either way. */
static bool l4_headerless(uint8_t proto)
{
	static const uint8_t described[] = { IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_DCCP,
					     IPPROTO_ESP, IPPROTO_AH, IPPROTO_ICMPV6, IPPROTO_COMP, IPPROTO_SCTP,
					     IPPROTO_UDPLITE, IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_GRE, 112 /* vrrp */,
					     115 /* l2tp */ };
	size_t i;

	for (i = 0; i < sizeof(described); i++)
		if (described[i] == proto)
			return false;
	return true;
}

/* nft prints a link layer load raw where it knows no header there (an
 * ip, ip6, inet or arp table without `meta iiftype ether`), and where the
 * load is no run of whole Ethernet fields (before any VLAN guard). */
static bool ll_raw(const struct render *rd, const struct reg_src *s)
{
	int fam = rd->ctx->family;
	uint32_t end = s->offset + s->len;

	if (fam != NFPROTO_BRIDGE && fam != NFPROTO_NETDEV)
		return rd->iiftype_stmt < 0;
	if (rd->ethertype_stmt >= 0)
		return false;
	return !((s->offset == 0 || s->offset == 6 || s->offset == 12) && (end == 6 || end == 12 || end == 14) &&
		 end > s->offset);
}

/* The name of a payload field and its datatype; fold is set when the
 * field belongs to the protocol a preceding `meta l4proto` named.  False
 * for a field sonde cannot name as nft does: nft names most raw offsets
 * by a header its dependencies imply, and a port-shaped transport field
 * after another protocol's guard is that protocol's field. */
static bool payload_name(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type, bool *fold)
{
	int fam = rd->ctx->family;
	bool v6 = fam == NFPROTO_IPV6;
	const char *name;

	*fold = false;
	*type = NFT_TYPE_INTEGER;
	/* In an inet table, the network header is the one meta nfproto named. */
	if (fam == NFPROTO_INET && s->base == NFT_PAYLOAD_NETWORK_HEADER && rd->nfproto_stmt >= 0) {
		fam = rd->nfproto;
		v6 = fam == NFPROTO_IPV6;
		if (!rd->nfproto_pinned)
			rd->stmts[rd->nfproto_stmt].dropped = true;
	}
	/* In a bridge or netdev table, the network header is the one meta
	 * protocol named (or ether type, as in an inet table after `meta
	 * iiftype ether`). */
	if ((fam == NFPROTO_BRIDGE || fam == NFPROTO_NETDEV || (fam == NFPROTO_INET && rd->iiftype_stmt >= 0)) &&
	    s->base == NFT_PAYLOAD_NETWORK_HEADER &&
	    rd->ethertype_stmt >= 0 && (rd->ethertype == 0x0800 || rd->ethertype == 0x86dd || rd->ethertype == 0x0806)) {
		fam = rd->ethertype == 0x0800 ? NFPROTO_IPV4 : rd->ethertype == 0x86dd ? NFPROTO_IPV6 : NFPROTO_ARP;
		v6 = fam == NFPROTO_IPV6;
		if (!rd->ethertype_pinned)
			rd->stmts[rd->ethertype_stmt].dropped = true;
	}
	if (s->base == NFT_PAYLOAD_INNER_HEADER)
		return raw_name(s, out, type);
	if (s->base == NFT_PAYLOAD_LL_HEADER)
		return ether_name(rd, s, out, type) || (ll_raw(rd, s) && raw_name(s, out, type));
	/* A narrow field's mask is its own; other masks are the compare's. */
	if (s->masked && table_field(rd, fam, s, out, type, fold))
		return true;
	if (s->base == NFT_PAYLOAD_NETWORK_HEADER && fam == NFPROTO_IPV4) {
		if ((s->offset == 12 || s->offset == 16) && s->len <= 4) {
			strbuf_puts(out, s->offset == 12 ? "ip saddr" : "ip daddr");
			*type = NFT_TYPE_IPADDR;
			return true;
		}
		if (s->offset == 9 && s->len == 1) {
			strbuf_puts(out, "ip protocol");
			*type = NFT_TYPE_INET_PROTOCOL;
			return true;
		}
		if (s->offset == 8 && s->len == 1) {
			strbuf_puts(out, "ip ttl");
			return true;
		}
	}
	if (s->base == NFT_PAYLOAD_NETWORK_HEADER && v6) {
		if ((s->offset == 8 || s->offset == 24) && s->len <= 16) {
			strbuf_puts(out, s->offset == 8 ? "ip6 saddr" : "ip6 daddr");
			*type = NFT_TYPE_IP6ADDR;
			return true;
		}
		if (s->offset == 6 && s->len == 1) {
			strbuf_puts(out, "ip6 nexthdr");
			*type = NFT_TYPE_INET_PROTOCOL;
			return true;
		}
	}
	if (s->base == NFT_PAYLOAD_NETWORK_HEADER &&
	    (name = plain_field_name(network_fields, sizeof(network_fields) / sizeof(network_fields[0]), fam, s))) {
		strbuf_puts(out, name);
		return true;
	}
	if (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && rd->l4proto_stmt >= 0 &&
	    (name = plain_field_name(transport_fields, sizeof(transport_fields) / sizeof(transport_fields[0]),
				     rd->l4proto, s))) {
		*fold = true;
		strbuf_puts(out, name);
		if (s->len == 4)
			*type = NFT_TYPE_BE_INTEGER;
		return true;
	}
	if (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && s->len == 1 && s->offset == 13 && rd->l4proto_stmt >= 0 &&
	    rd->l4proto == IPPROTO_TCP) {
		*fold = true;
		strbuf_puts(out, "tcp flags");
		*type = NFT_TYPE_TCP_FLAG;
		return true;
	}
	/* ICMP and IGMP fields where TCP and UDP have their ports. */
	if (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && rd->l4proto_stmt >= 0 && !l4_name(rd->l4proto) &&
	    table_field(rd, fam, s, out, type, fold))
		return true;
	if (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && s->len == 2 && (s->offset == 0 || s->offset == 2)) {
		const char *proto = rd->l4proto_stmt >= 0 ? l4_name(rd->l4proto) : NULL;

		if (!proto && (rd->l4proto_stmt >= 0 || rd->proto_compared))
			return false;

		*fold = proto != NULL;
		strbuf_printf(out, "%s %s", proto ? proto : "th", s->offset == 0 ? "sport" : "dport");
		*type = NFT_TYPE_INET_SERVICE;
		return true;
	}
	if (table_field(rd, fam, s, out, type, fold))
		return true;
	/* Past the 8 bytes of a UDP header nft knows no field: a raw load
	 * (the guard stays, no field of its protocol folds it). */
	if (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && rd->l4proto_stmt >= 0 && s->offset >= 8 &&
	    (rd->l4proto == IPPROTO_UDP || rd->l4proto == IPPROTO_UDPLITE))
		return raw_name(s, out, type);
	/* nft prints a raw load itself where no dependency names the header:
	 * the network header of an inet, netdev or bridge table before any
	 * protocol guard; the transport header before any protocol match, or
	 * after one of a protocol nft has no header for. */
	if ((s->base == NFT_PAYLOAD_NETWORK_HEADER &&
	     (fam == NFPROTO_INET || fam == NFPROTO_NETDEV || fam == NFPROTO_BRIDGE) && rd->nfproto_stmt < 0 &&
	     !rd->proto_compared && rd->ethertype_stmt < 0) ||
	    (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && rd->l4proto_stmt < 0 && !rd->proto_compared) ||
	    (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && rd->l4proto_stmt >= 0 && l4_headerless(rd->l4proto)))
		return raw_name(s, out, type);
	return false;
}

static bool meta_name(const struct reg_src *s, struct strbuf *out, uint32_t *type)
{
	const struct nft_key_desc *k = nft_meta_key(s->key);

	if (!k)
		return false;
	strbuf_printf(out, "%s%s", nft_meta_key_unqualified(s->key) ? "" : "meta ", k->name);
	*type = k->type;
	return true;
}

static bool ct_name(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type)
{
	const char *dir = !s->has_dir ? "" : s->dir == 0 ? "original " : "reply ";
	bool generic_addr = s->key == NFT_CT_SRC || s->key == NFT_CT_DST;
	int fam = rd->ctx->family;
	const struct nft_key_desc *k;

	/* In an inet table, ct saddr / daddr take the family meta nfproto named
	 * (nft then drops that guard, as for an ip header field). */
	if (generic_addr && fam == NFPROTO_INET && rd->nfproto_stmt >= 0)
		fam = rd->nfproto;
	if (!(k = nft_ct_key(s->key, fam)))
		return false;
	if (generic_addr && fam != rd->ctx->family && !rd->nfproto_pinned)
		rd->stmts[rd->nfproto_stmt].dropped = true;
	strbuf_printf(out, "ct %s%s", dir, k->name);
	*type = k->type;
	return true;
}

static bool fib_name(const struct nft_expr *e, struct strbuf *out, uint32_t *type)
{
	uint32_t f = e->u.fib.flags;
	bool present = f & NFTA_FIB_F_PRESENT;

	/* fib ... oif exists / missing (NFTA_FIB_F_PRESENT): a boolean. */
	if ((f & ~(uint32_t)(NFTA_FIB_F_SADDR | NFTA_FIB_F_DADDR | NFTA_FIB_F_MARK | NFTA_FIB_F_IIF | NFTA_FIB_F_OIF |
			     NFTA_FIB_F_PRESENT)) ||
	    (present && e->u.fib.result != NFT_FIB_RESULT_OIF && e->u.fib.result != NFT_FIB_RESULT_OIFNAME))
		return false;
	strbuf_printf(out, "fib %s", (f & NFTA_FIB_F_SADDR) ? "saddr" : "daddr");
	if (f & NFTA_FIB_F_MARK)
		strbuf_puts(out, " . mark");
	if (f & NFTA_FIB_F_IIF)
		strbuf_puts(out, " . iif");
	if (f & NFTA_FIB_F_OIF)
		strbuf_puts(out, " . oif");
	switch (e->u.fib.result) {
	case NFT_FIB_RESULT_OIF: strbuf_puts(out, " oif"); *type = NFT_TYPE_INTEGER; break;
	case NFT_FIB_RESULT_OIFNAME: strbuf_puts(out, " oifname"); *type = NFT_TYPE_IFNAME; break;
	default: strbuf_puts(out, " type"); *type = NFT_TYPE_FIB_ADDR; break;
	}
	if (present)
		*type = NFT_TYPE_BOOLEAN;
	return true;
}

/* A hash's words after its key: " mod 2 seed 0x1 offset 100". */
static void hash_tail(struct strbuf *out, const struct nft_expr *e)
{
	strbuf_printf(out, " mod %u", e->u.hash.modulus);
	if (e->u.hash.has_seed)
		strbuf_printf(out, " seed 0x%x", e->u.hash.seed);
	if (e->u.hash.offset)
		strbuf_printf(out, " offset %u", e->u.hash.offset);
}

/* `jhash ip saddr . ip daddr mod 2 seed 0xdeadbeef`, `symhash mod 2`. */
static bool hash_name(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type)
{
	size_t i;

	if (s->e->u.hash.type == NFT_HASH_SYM) {
		strbuf_puts(out, "symhash");
	} else {
		strbuf_puts(out, "jhash ");
		for (i = 0; i < rd->hash_key_count; i++) {
			uint32_t key_type;
			bool fold;

			if (i)
				strbuf_puts(out, " . ");
			if (!nft_rd_src_name(rd, &rd->hash_keys[i], out, &key_type, &fold))
				return false;
			if (fold)
				nft_rd_fold_l4proto(rd);
		}
	}
	hash_tail(out, s->e);
	*type = NFT_TYPE_INTEGER;
	return true;
}

static bool exthdr_name(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type)
{
	struct nft_field_desc d;

	if (!nft_exthdr_describe(s, &d))
		return false;
	/* An IPv6 extension header implies the family its guard named. */
	if (s->e->u.exthdr.op == NFT_EXTHDR_OP_IPV6 && rd->nfproto_stmt >= 0 && rd->nfproto == NFPROTO_IPV6 &&
	    !rd->nfproto_pinned)
		rd->stmts[rd->nfproto_stmt].dropped = true;
	if (s->e->u.exthdr.op == NFT_EXTHDR_OP_IPV6 && rd->ethertype_stmt >= 0 && rd->ethertype == 0x86dd)
		rd->stmts[rd->ethertype_stmt].dropped = true;
	strbuf_puts(out, d.text);
	*type = d.type == NFT_TYPE_INTEGER && d.len_bits == 32 ? NFT_TYPE_BE_INTEGER : d.type;
	rd->field_mask_consumed = s->masked;
	rd->field_shift = d.shift;
	rd->field_bytes = (d.len_bits + 7) / 8;
	return true;
}


/* The left-hand side of whatever reads register reg. */
bool nft_rd_src_name(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type, bool *fold)
{
	*fold = false;
	rd->field_mask_consumed = false;
	rd->field_shift = 0;
	if (s->shift_op)
		return false;
	switch (s->kind) {
	case SRC_EXTHDR: return exthdr_name(rd, s, out, type);
	case SRC_PAYLOAD: return payload_name(rd, s, out, type, fold);
	case SRC_META: return meta_name(s, out, type);
	case SRC_CT: return ct_name(rd, s, out, type);
	case SRC_FIB: return fib_name(s->e, out, type);
	case SRC_KEYED: {
		struct nft_keyed_desc d;

		if (!nft_keyed_describe(s->e, &d))
			return false;
		strbuf_puts(out, d.text);
		*type = d.type;
		return true;
	}
	case SRC_HASH: return hash_name(rd, s, out, type);
	case SRC_NUMGEN:
		strbuf_printf(out, "numgen %s mod %u", s->e->u.numgen.type == NFT_NG_RANDOM ? "random" : "inc",
			     s->e->u.numgen.modulus);
		if (s->e->u.numgen.offset)
			strbuf_printf(out, " offset %u", s->e->u.numgen.offset);
		*type = NFT_TYPE_INTEGER;
		return true;
	default:
		return false;
	}
}

/* --- values ---------------------------------------------------------------- */

void nft_rd_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len)
{
	uint32_t host = 0;

	if (len >= 4)
		memcpy(&host, bytes, 4);
	if (type == NFT_TYPE_BE_INTEGER && len == 4)
		strbuf_printf(out, "%" PRIu32, ntohl(host));
	else if (type == NFT_TYPE_FIB_ADDR)
		nft_print_fib_type(out, host);
	else if (type == NFT_TYPE_CT_STATUS)
		nft_print_ct_status(out, host);
	else if (type == NFT_TYPE_IFNAME && len && strnlen((const char *)bytes, len) == len)
		strbuf_printf(out, "\"%.*s*\"", (int)len, (const char *)bytes);   /* a prefix compare */
	else
		nft_print_value(out, type, bytes, len);
}

int nft_prefix_len(const uint8_t *mask, size_t len)
{
	size_t bit;

	for (bit = 0; bit < len * 8 && (mask[bit / 8] >> (7 - bit % 8) & 1); bit++)
		;
	for (size_t rest = bit; rest < len * 8; rest++)
		if (mask[rest / 8] >> (7 - rest % 8) & 1)
			return -1;
	return (int)bit;
}

uint16_t nft_host_u16(const uint8_t *b)
{
	uint16_t v;

	memcpy(&v, b, 2);
	return v;
}

uint32_t nft_host_u32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

struct nft_set *nft_rd_find_set(struct render *rd, const char *name)
{
	const struct nft_print_ctx *ctx = rd->ctx;
	size_t i, low = 0, high = ctx->set_count;

	if (ctx->sets_by_name) {
		while (low < high) {
			size_t mid = low + (high - low) / 2;
			struct nft_set *set = &ctx->sets[ctx->sets_by_name[mid]];
			int order = strcmp(set->name, name);

			if (order == 0)
				return set;
			if (order < 0)
				low = mid + 1;
			else
				high = mid;
		}
		return NULL;
	}
	for (i = 0; i < rd->ctx->set_count; i++)
		if (strcmp(rd->ctx->sets[i].name, name) == 0)
			return &rd->ctx->sets[i];
	return NULL;
}

static bool load(struct render *rd, const struct nft_expr *e, uint32_t dreg, enum src_kind kind)
{
	struct reg_src *s = nft_rd_reg(rd, dreg);

	if (!s)
		return false;
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->e = e;
	switch (kind) {
	case SRC_PAYLOAD:
		s->base = e->u.payload.base;
		s->offset = e->u.payload.offset;
		s->len = e->u.payload.len;
		break;
	case SRC_META: s->key = e->u.meta.key; break;
	case SRC_CT:
		s->key = e->u.ct.key;
		s->dir = e->u.ct.dir;
		s->has_dir = e->u.ct.has_dir;
		break;
	case SRC_IMMEDIATE: s->value = e->data; s->value.chain = NULL; break;
	default: break;
	}
	return true;
}

static bool byteorder(struct render *rd, const struct nft_expr *e)
{
	struct reg_src *from = nft_rd_reg(rd, e->u.byteorder.sreg), *to = nft_rd_reg(rd, e->u.byteorder.dreg);
	uint32_t size = e->u.byteorder.size;

	/* nft converts a host-order key to network order before a range or
	 * an interval set, and back; only the first is read here. */
	if (!from || !to || from->kind == SRC_NONE || from->big_endian || e->u.byteorder.op != NFT_BYTEORDER_HTON ||
	    (size != 2 && size != 4 && size != 8))
		return false;
	if (to != from)
		*to = *from;
	to->big_endian = true;
	to->swap_size = (uint8_t)size;
	return true;
}

bool nft_rd_exthdr_value_known(const struct reg_src *value)
{
	if (value->kind == SRC_IMMEDIATE)
		return true;
	/* nft converts a host-order two-byte load (rt mtu) for a two-byte
	 * header field; other loads into an option are not read here. */
	return value->kind == SRC_KEYED && !value->masked && value->big_endian && value->swap_size == 2;
}

bool nft_rd_closes_range(const struct render *rd, const struct reg_src *s)
{
	const struct reg_src *g = &rd->gte_src;

	return rd->gte_stmt >= 0 && g->kind == s->kind && g->base == s->base && g->offset == s->offset &&
	       g->len == s->len && g->key == s->key && g->dir == s->dir && g->has_dir == s->has_dir &&
	       g->e == s->e && g->masked == s->masked && memcmp(g->mask, s->mask, sizeof(g->mask)) == 0;
}

const struct nft_expr *nft_rd_host_values(const struct reg_src *s, uint32_t type, const struct nft_expr *e,
					  struct nft_expr *copy)
{
	if (!s || !s->big_endian || !nft_type_reads_host(type, s->swap_size))
		return e;
	*copy = *e;
	nft_swap_elements(copy->data.bytes, copy->data.len, s->swap_size);
	nft_swap_elements(copy->data2.bytes, copy->data2.len, s->swap_size);
	return copy;
}

/* A mark shifted last (`ct mark set meta mark << 8`, after a mask or
 * not), the one place nft shifts a four-byte meta or ct value: a shift of
 * anything else, or a second one, is not read back. */
static bool shift(struct reg_src *from, struct reg_src *to, const struct nft_expr *e)
{
	if (!from || !to || (from->kind != SRC_META && from->kind != SRC_CT) || from->shift_op || from->big_endian ||
	    e->u.bitwise.len != 4 || e->u.bitwise.shift >= 32)
		return false;
	if (to != from)
		*to = *from;
	to->shift_op = (uint8_t)e->u.bitwise.op;
	to->shift_bits = (uint8_t)e->u.bitwise.shift;
	return true;
}

static bool bitwise(struct render *rd, const struct nft_expr *e)
{
	struct reg_src *from = nft_rd_reg(rd, e->u.bitwise.sreg), *to = nft_rd_reg(rd, e->u.bitwise.dreg);

	if (e->u.bitwise.op != NFT_BITWISE_BOOL)
		return shift(from, to, e);
	/* A mask after a shift is not read back. */
	if (!from || !to || e->data.len > 16 || from->big_endian || from->shift_op)
		return false;
	if (to != from)
		*to = *from;
	to->masked = true;
	memcpy(to->mask, e->data.bytes, e->data.len);
	memcpy(to->xor_, e->data2.bytes, e->data2.len < 16 ? e->data2.len : 16);
	return true;
}

/* A lookup whose data goes to a register (`meta mark set ip saddr map {
 * ... }`): the key's registers are kept as they are now (the value's
 * registers may overwrite them), and each four bytes of the data name the
 * map.  One map per rule. */
static bool map_load(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? nft_rd_find_set(rd, e->text) : NULL;
	const struct reg_src *keys[8];
	int at = nft_reg_index(e->u.lookup.dreg);
	size_t words, i;

	if (!set || rd->map_set || !(set->flags & NFT_SET_MAP) || at < 0)
		return false;
	rd->map_key_count = nft_rd_key_sources(rd, set, e->u.lookup.sreg, keys, 8);
	if (!rd->map_key_count)
		return false;
	for (i = 0; i < rd->map_key_count; i++)
		rd->map_keys[i] = *keys[i];
	nft_rd_note_key_order(rd, set, e->u.lookup.sreg);
	rd->map_set = set;
	words = set->data_len ? (set->data_len + 3) / 4 : 1;
	if ((size_t)at + words > REG32_COUNT)
		return false;
	for (i = 0; i < words; i++) {
		struct reg_src *s = &rd->regs[at + (int)i];

		memset(s, 0, sizeof(*s));
		s->kind = SRC_MAP;
		s->e = e;
		s->data_word = (uint8_t)i;
	}
	return true;
}

size_t nft_rd_src_bytes(const struct render *rd, const struct reg_src *s)
{
	const struct nft_key_desc *k = NULL;

	if (s->kind == SRC_PAYLOAD)
		return s->len;
	if (s->kind == SRC_EXTHDR)
		return s->e->u.exthdr.len;
	if (s->kind == SRC_META)
		k = nft_meta_key(s->key);
	else if (s->kind == SRC_CT)
		k = nft_ct_key(s->key, rd->ctx->family);
	return k ? k->len : 0;
}

/* A jhash over the len bytes from sreg: the loads there now are its key
 * (each field in registers of its own, as a concatenation's), kept for the
 * hash's name.  A symhash reads no register.  One hash per rule. */
static bool hash_load(struct render *rd, const struct nft_expr *e)
{
	int at = nft_reg_index(e->u.hash.sreg);
	size_t bytes = 0;

	if (e->u.hash.type == NFT_HASH_SYM)
		return load(rd, e, e->u.hash.dreg, SRC_HASH);
	if (e->u.hash.type != NFT_HASH_JENKINS || rd->hash_key_count || at < 0)
		return false;
	while (bytes < e->u.hash.len) {
		const struct reg_src *s = at < REG32_COUNT ? &rd->regs[at] : NULL;
		size_t size;

		if (!s || s->kind == SRC_NONE || s->masked || rd->hash_key_count == 8)
			return false;
		size = nft_rd_src_bytes(rd, s);
		size = size ? size : 4;
		rd->hash_keys[rd->hash_key_count++] = *s;
		bytes += (size + 3) / 4 * 4;
		at += (int)((size + 3) / 4);
		/* The last field's bytes may be counted unpadded. */
		if (bytes > e->u.hash.len && bytes - e->u.hash.len >= 4)
			return false;
	}
	return rd->hash_key_count > 0 && load(rd, e, e->u.hash.dreg, SRC_HASH);
}

/* 1 when e loaded or transformed a register, 0 when it is not such an
 * expression, -1 when it could not be followed. */
int nft_rd_track(struct render *rd, const struct nft_expr *e)
{
	bool ok;

	switch (e->kind) {
	case NFT_EXPR_PAYLOAD:
		if (!e->u.payload.dreg)
			return 0;   /* a write: a statement */
		ok = load(rd, e, e->u.payload.dreg, SRC_PAYLOAD);
		break;
	case NFT_EXPR_META:
		if (e->u.meta.is_set)
			return 0;
		ok = load(rd, e, e->u.meta.dreg, SRC_META);
		break;
	case NFT_EXPR_CT:
		if (e->u.ct.is_set)
			return 0;
		ok = load(rd, e, e->u.ct.dreg, SRC_CT);
		break;
	case NFT_EXPR_NUMGEN: ok = load(rd, e, e->u.numgen.dreg, SRC_NUMGEN); break;
	case NFT_EXPR_HASH: ok = hash_load(rd, e); break;
	case NFT_EXPR_FIB: ok = load(rd, e, e->u.fib.dreg, SRC_FIB); break;
	case NFT_EXPR_SOCKET:
	case NFT_EXPR_RT:
	case NFT_EXPR_XFRM:
	case NFT_EXPR_OSF:
		ok = load(rd, e, e->u.keyed.dreg, SRC_KEYED);
		break;
	case NFT_EXPR_EXTHDR:
		if (!e->u.exthdr.dreg)
			return 0;   /* a write or a reset: a statement */
		ok = load(rd, e, e->u.exthdr.dreg, SRC_EXTHDR);
		break;
	case NFT_EXPR_LOOKUP:
		if (!e->u.lookup.has_dreg || e->u.lookup.dreg == NFT_REG_VERDICT)
			return 0;   /* a match or a verdict map: a statement */
		ok = map_load(rd, e);
		break;
	case NFT_EXPR_BITWISE: ok = bitwise(rd, e); break;
	case NFT_EXPR_BYTEORDER: ok = byteorder(rd, e); break;
	case NFT_EXPR_IMMEDIATE:
		if (e->u.immediate.dreg == NFT_REG_VERDICT)
			return 0;
		ok = load(rd, e, e->u.immediate.dreg, SRC_IMMEDIATE);
		break;
	default:
		return 0;
	}
	return ok ? 1 : -1;
}

/* The registers a lookup key spans: one, or one per component of a
 * concatenation (each padded to 4 bytes).  0 when a register is empty. */
size_t nft_rd_key_sources(struct render *rd, const struct nft_set *set, uint32_t sreg, const struct reg_src **srcs,
			  size_t max)
{
	uint32_t parts[8];
	size_t n = nft_type_components(set->key_type, parts, 8), i;
	int at = nft_reg_index(sreg);

	if (n > max)
		return 0;
	for (i = 0; i < n; i++) {
		const struct reg_src *s = at >= 0 && at < REG32_COUNT ? &rd->regs[at] : NULL;
		size_t size;

		if (!s || s->kind == SRC_NONE)
			return 0;
		srcs[i] = s;
		size = i < set->field_count ? set->field_len[i] : nft_rd_src_bytes(rd, s);
		size = size ? size : 4;
		at += (int)((size + 3) / 4);
	}
	return n;
}

void nft_rd_note_key_order(struct render *rd, struct nft_set *set, uint32_t sreg)
{
	const struct reg_src *srcs[8];
	size_t n = nft_rd_key_sources(rd, set, sreg, srcs, 8), i;

	if (!(set->flags & NFT_SET_ANONYMOUS))
		return;
	if (n == 1 && srcs[0]->big_endian) {
		set->key_byteorder = NFT_BYTEORDER_BIG;
		return;
	}
	for (i = 0; n > 1 && i < n; i++)
		if (srcs[i]->big_endian)
			set->be_fields |= 1u << i;
}

struct render *nft_rd_new(const struct nft_print_ctx *ctx)
{
	struct render *rd = calloc(1, sizeof(*rd));

	if (!rd)
		return NULL;
	rd->ctx = ctx;
	rd->l4proto_stmt = -1;
	rd->nfproto_stmt = -1;
	rd->gte_stmt = -1;
	rd->ethertype_stmt = -1;
	rd->iiftype_stmt = -1;
	rd->icmp_type_stmt = -1;
	rd->icmp_type = -1;
	return rd;
}

void nft_rd_free(struct render *rd)
{
	size_t i;

	for (i = 0; i < rd->count; i++)
		strbuf_free(&rd->stmts[i].text);
	strbuf_free(&rd->untranslated);
	free(rd);
}

/* What an ICMP reject sends, in nft's words: its kind ("icmp", "icmpv6",
 * "icmpx"; in an inet table the family a meta nfproto guard named) and its
 * code's name (NULL: nft shows the number).  *is_default when the code is
 * the one a bare `reject` sends. */
const char *nft_rd_reject(const struct render *rd, const struct nft_expr *e, const char **code_name, bool *is_default)
{
	static const char *const icmp[] = { "net-unreachable", "host-unreachable", "prot-unreachable",
					    "port-unreachable", NULL, NULL, NULL, NULL, NULL, "net-prohibited",
					    "host-prohibited", NULL, NULL, "admin-prohibited" };
	static const char *const icmpv6[] = { "no-route", "admin-prohibited", NULL, "addr-unreachable",
					      "port-unreachable", "policy-fail", "reject-route" };
	static const char *const icmpx[] = { "no-route", "port-unreachable", "host-unreachable", "admin-prohibited" };
	uint8_t code = e->u.reject.code;
	int fam = rd->ctx->family;

	if (fam == NFPROTO_INET && rd->nfproto_stmt >= 0)
		fam = rd->nfproto;
	/* A bridge or netdev table's reject answers the protocol its guard named. */
	if ((fam == NFPROTO_BRIDGE || fam == NFPROTO_NETDEV) && rd->ethertype_stmt >= 0)
		fam = rd->ethertype == 0x86dd ? NFPROTO_IPV6 : rd->ethertype == 0x0800 ? NFPROTO_IPV4 : fam;
	if (e->u.reject.type == NFT_REJECT_ICMPX_UNREACH) {
		*code_name = code < 4 ? icmpx[code] : NULL;
		*is_default = code == NFT_REJECT_ICMPX_PORT_UNREACH;
		return "icmpx";
	}
	if (fam == NFPROTO_IPV6) {
		*code_name = code < 7 ? icmpv6[code] : NULL;
		*is_default = code == 4 && rd->ctx->family == NFPROTO_IPV6;
		return "icmpv6";
	}
	*code_name = code < 14 ? icmp[code] : NULL;
	/* A bare reject is port-unreachable of the table's own family only. */
	*is_default = code == 3 && rd->ctx->family == NFPROTO_IPV4;
	return "icmp";
}

#define A(n) (1u << (n))

/* The self-check both renderings share: the attributes each expression
 * kind's renderer reads, and the values it renders.  An expression with
 * anything else (a payload write, a checksum update, a shift, a byte
 * limit, log flags, a set update's data or expressions...) cannot be put
 * back into nft's words from what sonde reads: it is shown as not rendered,
 * never as the statement it only resembles. */
bool nft_rd_expr_understood(const struct nft_expr *e)
{
	uint32_t known;

	switch (e->kind) {
	case NFT_EXPR_META: known = A(NFTA_META_DREG) | A(NFTA_META_KEY) | A(NFTA_META_SREG); break;
	case NFT_EXPR_CMP: known = A(NFTA_CMP_SREG) | A(NFTA_CMP_OP) | A(NFTA_CMP_DATA); break;
	case NFT_EXPR_PAYLOAD:
		known = A(NFTA_PAYLOAD_DREG) | A(NFTA_PAYLOAD_BASE) | A(NFTA_PAYLOAD_OFFSET) | A(NFTA_PAYLOAD_LEN);
		/* A write: nft lists it without the checksum it keeps up to date. */
		if (!e->u.payload.dreg)
			known |= A(NFTA_PAYLOAD_SREG) | A(NFTA_PAYLOAD_CSUM_TYPE) | A(NFTA_PAYLOAD_CSUM_OFFSET) |
				 A(NFTA_PAYLOAD_CSUM_FLAGS);
		break;
	case NFT_EXPR_BITWISE:
		if (e->u.bitwise.op != NFT_BITWISE_BOOL && e->u.bitwise.op != NFT_BITWISE_LSHIFT &&
		    e->u.bitwise.op != NFT_BITWISE_RSHIFT)
			return false;
		known = A(NFTA_BITWISE_SREG) | A(NFTA_BITWISE_DREG) | A(NFTA_BITWISE_LEN) | A(NFTA_BITWISE_OP);
		known |= e->u.bitwise.op == NFT_BITWISE_BOOL ? A(NFTA_BITWISE_MASK) | A(NFTA_BITWISE_XOR) :
							       A(NFTA_BITWISE_DATA);
		break;
	case NFT_EXPR_RANGE:
		known = A(NFTA_RANGE_SREG) | A(NFTA_RANGE_OP) | A(NFTA_RANGE_FROM_DATA) | A(NFTA_RANGE_TO_DATA);
		break;
	case NFT_EXPR_COUNTER: known = A(NFTA_COUNTER_BYTES) | A(NFTA_COUNTER_PACKETS) | A(NFTA_COUNTER_PAD); break;
	case NFT_EXPR_IMMEDIATE: known = A(NFTA_IMMEDIATE_DREG) | A(NFTA_IMMEDIATE_DATA); break;
	case NFT_EXPR_MATCH:
	case NFT_EXPR_TARGET: known = A(NFTA_MATCH_NAME) | A(NFTA_MATCH_REV) | A(NFTA_MATCH_INFO); break;
	case NFT_EXPR_LIMIT:
		if ((e->u.limit.type != NFT_LIMIT_PKTS && e->u.limit.type != NFT_LIMIT_PKT_BYTES) ||
		    (e->u.limit.flags & ~NFT_LIMIT_F_INV) || !nft_rd_limit_unit(e->u.limit.unit))
			return false;
		known = A(NFTA_LIMIT_RATE) | A(NFTA_LIMIT_UNIT) | A(NFTA_LIMIT_BURST) | A(NFTA_LIMIT_TYPE) |
			A(NFTA_LIMIT_FLAGS) | A(NFTA_LIMIT_PAD);
		break;
	case NFT_EXPR_EXTHDR:
		known = A(NFTA_EXTHDR_DREG) | A(NFTA_EXTHDR_TYPE) | A(NFTA_EXTHDR_OFFSET) | A(NFTA_EXTHDR_LEN) |
			A(NFTA_EXTHDR_FLAGS) | A(NFTA_EXTHDR_OP) | A(NFTA_EXTHDR_SREG);
		break;
	case NFT_EXPR_BYTEORDER:
		known = A(NFTA_BYTEORDER_SREG) | A(NFTA_BYTEORDER_DREG) | A(NFTA_BYTEORDER_OP) | A(NFTA_BYTEORDER_LEN) |
			A(NFTA_BYTEORDER_SIZE);
		break;
	case NFT_EXPR_QUOTA:
		/* depleted is the kernel's state, which nft does not show. */
		if (e->u.quota.flags & ~(uint32_t)(NFT_QUOTA_F_INV | NFT_QUOTA_F_DEPLETED))
			return false;
		known = A(NFTA_QUOTA_BYTES) | A(NFTA_QUOTA_FLAGS) | A(NFTA_QUOTA_PAD) | A(NFTA_QUOTA_CONSUMED);
		break;
	case NFT_EXPR_LOG:
		if (!nft_rd_log_flags_known(e->u.log.flags) ||
		    (e->u.log.has_level && e->u.log.level != 4 && !nft_rd_log_level(e)))
			return false;
		known = A(NFTA_LOG_GROUP) | A(NFTA_LOG_PREFIX) | A(NFTA_LOG_SNAPLEN) | A(NFTA_LOG_QTHRESHOLD) |
			A(NFTA_LOG_LEVEL) | A(NFTA_LOG_FLAGS);
		break;
	case NFT_EXPR_NUMGEN:
		known = A(NFTA_NG_DREG) | A(NFTA_NG_MODULUS) | A(NFTA_NG_TYPE) | A(NFTA_NG_OFFSET);
		break;
	case NFT_EXPR_HASH:
		/* The map a hash once named itself is not read here. */
		known = A(NFTA_HASH_SREG) | A(NFTA_HASH_DREG) | A(NFTA_HASH_LEN) | A(NFTA_HASH_MODULUS) |
			A(NFTA_HASH_SEED) | A(NFTA_HASH_OFFSET) | A(NFTA_HASH_TYPE);
		break;
	case NFT_EXPR_OBJREF:
		known = A(NFTA_OBJREF_IMM_TYPE) | A(NFTA_OBJREF_IMM_NAME) | A(NFTA_OBJREF_SET_SREG) |
			A(NFTA_OBJREF_SET_NAME) | A(NFTA_OBJREF_SET_ID);
		break;
	case NFT_EXPR_CT: known = A(NFTA_CT_DREG) | A(NFTA_CT_KEY) | A(NFTA_CT_DIRECTION) | A(NFTA_CT_SREG); break;
	case NFT_EXPR_FIB: known = A(NFTA_FIB_DREG) | A(NFTA_FIB_RESULT) | A(NFTA_FIB_FLAGS); break;
	case NFT_EXPR_TPROXY: known = A(NFTA_TPROXY_FAMILY) | A(NFTA_TPROXY_REG_ADDR) | A(NFTA_TPROXY_REG_PORT); break;
	case NFT_EXPR_DUP: known = A(NFTA_DUP_SREG_ADDR) | A(NFTA_DUP_SREG_DEV); break;
	case NFT_EXPR_FWD: known = A(NFTA_FWD_SREG_DEV) | A(NFTA_FWD_SREG_ADDR) | A(NFTA_FWD_NFPROTO); break;
	case NFT_EXPR_SYNPROXY: known = A(NFTA_SYNPROXY_MSS) | A(NFTA_SYNPROXY_WSCALE) | A(NFTA_SYNPROXY_FLAGS); break;
	case NFT_EXPR_NOTRACK: known = 0; break;
	case NFT_EXPR_CONNLIMIT:
		if (e->u.connlimit.flags & ~(uint32_t)NFT_CONNLIMIT_F_INV)
			return false;
		known = A(NFTA_CONNLIMIT_COUNT) | A(NFTA_CONNLIMIT_FLAGS);
		break;
	/* A socket's cgroup level goes with its cgroupv2 key, not named here. */
	case NFT_EXPR_SOCKET: known = A(NFTA_SOCKET_KEY) | A(NFTA_SOCKET_DREG); break;
	case NFT_EXPR_RT: known = A(NFTA_RT_DREG) | A(NFTA_RT_KEY); break;
	case NFT_EXPR_OSF: known = A(NFTA_OSF_DREG) | A(NFTA_OSF_TTL) | A(NFTA_OSF_FLAGS); break;
	case NFT_EXPR_XFRM: known = A(NFTA_XFRM_DREG) | A(NFTA_XFRM_KEY) | A(NFTA_XFRM_DIR) | A(NFTA_XFRM_SPNUM); break;
	case NFT_EXPR_NAT:
		known = A(NFTA_NAT_TYPE) | A(NFTA_NAT_FAMILY) | A(NFTA_NAT_REG_ADDR_MIN) | A(NFTA_NAT_REG_ADDR_MAX) |
			A(NFTA_NAT_REG_PROTO_MIN) | A(NFTA_NAT_REG_PROTO_MAX) | A(NFTA_NAT_FLAGS);
		break;
	case NFT_EXPR_MASQ:
		known = A(NFTA_MASQ_FLAGS) | A(NFTA_MASQ_REG_PROTO_MIN) | A(NFTA_MASQ_REG_PROTO_MAX);
		break;
	case NFT_EXPR_REDIR:
		known = A(NFTA_REDIR_FLAGS) | A(NFTA_REDIR_REG_PROTO_MIN) | A(NFTA_REDIR_REG_PROTO_MAX);
		break;
	case NFT_EXPR_REJECT: known = A(NFTA_REJECT_TYPE) | A(NFTA_REJECT_ICMP_CODE); break;
	case NFT_EXPR_DYNSET:
		if (e->u.dynset.flags)
			return false;
		known = A(NFTA_DYNSET_SET_NAME) | A(NFTA_DYNSET_SET_ID) | A(NFTA_DYNSET_OP) | A(NFTA_DYNSET_SREG_KEY) |
			A(NFTA_DYNSET_TIMEOUT) | A(NFTA_DYNSET_PAD) | A(NFTA_DYNSET_FLAGS);
		/* A meter's counter (nft_rd_meter). */
		if (e->u.dynset.stmt && e->u.dynset.stmt->kind == NFT_EXPR_COUNTER)
			known |= A(NFTA_DYNSET_EXPR);
		break;
	case NFT_EXPR_LOOKUP:
		known = A(NFTA_LOOKUP_SET) | A(NFTA_LOOKUP_SET_ID) | A(NFTA_LOOKUP_SREG) | A(NFTA_LOOKUP_DREG) |
			A(NFTA_LOOKUP_FLAGS);
		break;
	default:
		return false;
	}
	return (e->attrs & ~known) == 0;
}

#undef A

void nft_rd_expr(struct render *rd, const struct nft_expr *e,
		 bool (*render)(struct render *rd, const struct nft_expr *e))
{
	size_t first = rd->count, i;

	if (nft_rd_expr_understood(e) && render(rd, e)) {
		/* nft folds a guard into its field only across matches: a
		 * statement in between (counter, meta mark set...) keeps it. */
		if (rd->count > first && e->kind != NFT_EXPR_CMP && e->kind != NFT_EXPR_RANGE &&
		    e->kind != NFT_EXPR_LOOKUP)
			nft_rd_pin_guards(rd);
		return;
	}
	/* A statement begun and not finished would print half of itself. */
	for (i = first; i < rd->count; i++)
		rd->stmts[i].dropped = true;
	/* What it loaded is not known: no later compare reads an older load. */
	for (i = 0; i < REG32_COUNT; i++)
		rd->regs[i].kind = SRC_NONE;
	strbuf_printf(&rd->untranslated, "%s%s", rd->untranslated.len ? ", " : "", e->name);
}

/* Whether s is `ip protocol` (or, outside an ip6 table, `ip6 nexthdr`),
 * in the network header the family or its guard established. */
static bool ip_protocol_field(const struct render *rd, const struct reg_src *s)
{
	int fam = rd->ctx->family;

	if (fam == NFPROTO_INET)
		fam = rd->nfproto_stmt >= 0 ? rd->nfproto : -1;
	else if (fam == NFPROTO_BRIDGE || fam == NFPROTO_NETDEV)
		fam = rd->ethertype_stmt < 0 ? -1 : rd->ethertype == 0x0800 ? NFPROTO_IPV4 :
			rd->ethertype == 0x86dd ? NFPROTO_IPV6 : -1;
	return (fam == NFPROTO_IPV4 && s->offset == 9) || (fam == NFPROTO_IPV6 && s->offset == 6);
}

void nft_rd_note_guard(struct render *rd, const struct reg_src *s, const struct nft_expr *cmp)
{
	if (s->kind == SRC_PAYLOAD && s->base == NFT_PAYLOAD_NETWORK_HEADER)
		rd->proto_compared = true;
	/* `ether type ip`, a bridge or netdev table's guard like meta protocol;
	 * and a VLAN tag's `vlan type`, the guard of what follows the tag. */
	if (s->kind == SRC_PAYLOAD && s->base == NFT_PAYLOAD_LL_HEADER && s->len == 2 && !s->masked &&
	    (s->offset == 12 || (rd->ethertype_at >= 12 && s->offset == rd->ethertype_at + 4u &&
				 (rd->ethertype == 0x8100 || rd->ethertype == 0x88a8))) &&
	    cmp->u.cmp.op == NFT_CMP_EQ && cmp->data.len == 2) {
		rd->ethertype_at = (uint8_t)s->offset;
		rd->ethertype_stmt = (int)rd->count - 1;
		rd->ethertype = (uint16_t)(cmp->data.bytes[0] << 8 | cmp->data.bytes[1]);
		rd->ethertype_pinned = false;
		return;
	}
	/* `ip protocol X`: the transport header is X's.  In an ip table nft
	 * folds it into the transport field as it does `meta l4proto`;
	 * elsewhere it keeps it (it is no guard of its own there). */
	if (s->kind == SRC_PAYLOAD && s->base == NFT_PAYLOAD_NETWORK_HEADER && s->len == 1 && !s->masked &&
	    cmp->u.cmp.op == NFT_CMP_EQ && cmp->data.len == 1 && ip_protocol_field(rd, s)) {
		rd->l4proto_stmt = (int)rd->count - 1;
		rd->l4proto = cmp->data.bytes[0];
		rd->l4proto_pinned = rd->ctx->family != NFPROTO_IPV4;
		rd->l4proto_in_header = true;
		return;
	}
	/* `icmp type X`: the type later ICMP fields are read under. */
	if (s->kind == SRC_PAYLOAD && s->base == NFT_PAYLOAD_TRANSPORT_HEADER && s->offset == 0 && s->len == 1 &&
	    !s->masked && rd->l4proto_stmt >= 0 && (rd->l4proto == IPPROTO_ICMP || rd->l4proto == IPPROTO_ICMPV6) &&
	    cmp->u.cmp.op == NFT_CMP_EQ && cmp->data.len == 1) {
		rd->icmp_type_stmt = (int)rd->count - 1;
		rd->icmp_type = cmp->data.bytes[0];
		return;
	}
	if (s->kind != SRC_META || cmp->u.cmp.op != NFT_CMP_EQ || cmp->data.len < 1)
		return;
	if (s->key == NFT_META_PROTOCOL && cmp->data.len == 2 &&
	    (rd->ctx->family == NFPROTO_BRIDGE || rd->ctx->family == NFPROTO_NETDEV)) {
		rd->ethertype_at = 0;
		rd->ethertype_stmt = (int)rd->count - 1;
		rd->ethertype = (uint16_t)(cmp->data.bytes[0] << 8 | cmp->data.bytes[1]);
		rd->ethertype_pinned = false;
	}
	if (s->key == NFT_META_IIFTYPE && cmp->data.len == 2 && nft_host_u16(cmp->data.bytes) == 1 /* ether */)
		rd->iiftype_stmt = (int)rd->count - 1;
	if (s->key == NFT_META_L4PROTO) {
		rd->l4proto_stmt = (int)rd->count - 1;
		rd->l4proto = cmp->data.bytes[0];
		rd->l4proto_pinned = false;
		rd->l4proto_in_header = false;
	} else if (s->key == NFT_META_NFPROTO && rd->ctx->family == NFPROTO_INET) {
		rd->nfproto_stmt = (int)rd->count - 1;
		rd->nfproto_pinned = false;
		rd->nfproto = cmp->data.bytes[0];
	}
}

void nft_rd_pin_guards(struct render *rd)
{
	/* nft folds a guard into the field it protects only when nothing but
	 * matches stands between them. */
	if (rd->nfproto_stmt >= 0)
		rd->nfproto_pinned = true;
	if (rd->l4proto_stmt >= 0)
		rd->l4proto_pinned = true;
	if (rd->ethertype_stmt >= 0)
		rd->ethertype_pinned = true;
}

bool nft_rd_or_form(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp, uint32_t *or_bits)
{
	uint32_t mask = nft_host_u32(s->mask), xor_ = nft_host_u32(s->xor_);

	if (type != NFT_TYPE_MARK || cmp->data.len != 4 || s->big_endian || (s->kind != SRC_META && s->kind != SRC_CT) ||
	    !xor_ || mask != ~xor_)
		return false;
	*or_bits = xor_;
	return true;
}

bool nft_rd_mark_prefix(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp, int *bits)
{
	uint32_t inverse = ~nft_host_u32(s->mask);

	if (type != NFT_TYPE_MARK || cmp->data.len != 4 || s->big_endian || !nft_rd_all_zero(s->xor_, 4) ||
	    (cmp->u.cmp.op != NFT_CMP_EQ && cmp->u.cmp.op != NFT_CMP_NEQ) || !inverse || !~inverse ||
	    (inverse & (inverse + 1)))
		return false;
	for (*bits = 32; inverse; inverse >>= 1)
		--*bits;
	return true;
}

bool nft_rd_masked_cmp_known(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp)
{
	int bits = nft_prefix_len(s->mask, cmp->data.len);
	bool addr = type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR;

	/* An xor is an or in nft's words ("ct mark | 0x3 == 0x1"), and a
	 * prefix mask on a number is "value/len": neither is written here. */
	if (!nft_rd_all_zero(s->xor_, cmp->data.len < 16 ? cmp->data.len : 16))
		return false;
	/* A raw load's mask is always written out ("@ll,0,8 & 0x80 == 0x80"). */
	if (type == NFT_TYPE_RAW)
		return true;
	/* meta and ct numbers are in host order (mark), payload fields in
	 * network order. */
	if (!addr && !nft_rd_is_flags(type) && (s->kind == SRC_META || s->kind == SRC_CT) && cmp->data.len == 4) {
		uint32_t inverse = ~nft_host_u32(s->mask);

		if ((inverse & (inverse + 1)) == 0)
			return false;
	} else if (!addr && !nft_rd_is_flags(type) && bits >= 0) {
		return false;
	}
	/* A flag test whose value is its whole mask: nft writes tcp flags'
	 * as "& syn == syn" (one flag) or "fin,syn / fin,syn"; other flag
	 * types' and a mask of every flag are not written here. */
	if (nft_rd_is_flags(type) && !nft_rd_all_zero(cmp->data.bytes, cmp->data.len) &&
	    memcmp(cmp->data.bytes, s->mask, cmp->data.len < 16 ? cmp->data.len : 16) == 0)
		return type == NFT_TYPE_TCP_FLAG && cmp->data.len == 1 && s->mask[0] != 0xff;
	return true;
}

bool nft_rd_is_meter(const struct nft_set *set, const struct nft_expr *dynset)
{
	/* nft lists a dynset with a statement into an anonymous set as a
	 * meter (its first statement only; sonde reads one counter). */
	return dynset->u.dynset.stmt && dynset->u.dynset.stmt->kind == NFT_EXPR_COUNTER &&
	       (set->flags & NFT_SET_ANONYMOUS) && (set->flags & NFT_SET_EVAL) && !dynset->u.dynset.sreg_data;
}

bool nft_rd_set_counter(const struct nft_set *set, const struct nft_expr *dynset)
{
	/* `update @s { ip saddr counter }`: a named set's element counted. */
	return dynset->u.dynset.stmt && dynset->u.dynset.stmt->kind == NFT_EXPR_COUNTER &&
	       !(set->flags & NFT_SET_ANONYMOUS) && !dynset->u.dynset.sreg_data;
}

bool nft_rd_all_tcp_flags(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp)
{
	return type == NFT_TYPE_TCP_FLAG && s->masked && cmp->data.len == 1 && s->mask[0] == 0xff && !s->xor_[0] &&
	       cmp->data.bytes[0] == 0xff && (cmp->u.cmp.op == NFT_CMP_EQ || cmp->u.cmp.op == NFT_CMP_NEQ);
}

bool nft_rd_flag_set_known(const struct nft_set *set)
{
	uint32_t parts[8];
	size_t i;


	if (nft_type_components(set->key_type, parts, 8) != 1 || !nft_rd_is_flags(parts[0]))
		return true;
	/* nft writes a combination as "syn | ack" (nft_flags.c), each flag by
	 * name; in an interval set, combinations are not written here. */
	for (i = 0; i < set->elem_count; i++) {
		const struct nft_data *k = &set->elems[i].key;
		uint32_t v = 0;

		memcpy(&v, k->bytes, k->len < 4 ? k->len : 4);
		if ((v & (v - 1)) && ((set->flags & NFT_SET_INTERVAL) || !nft_flag_combination_known(parts[0], k->bytes, k->len)))
			return false;
	}
	return true;
}

void nft_rd_reject_guards(struct render *rd, const struct nft_expr *e)
{
	/* The protocol a reject needs is implied by it: nft drops the guard. */
	if (e->u.reject.type == NFT_REJECT_TCP_RST && rd->l4proto_stmt >= 0 && rd->l4proto == 6 &&
	    (rd->ctx->family == NFPROTO_IPV4 || rd->ctx->family == NFPROTO_IPV6))
		rd->stmts[rd->l4proto_stmt].dropped = true;
	if (e->u.reject.type == NFT_REJECT_ICMP_UNREACH && rd->ctx->family == NFPROTO_INET && rd->nfproto_stmt >= 0)
		rd->stmts[rd->nfproto_stmt].dropped = true;
	if (e->u.reject.type == NFT_REJECT_ICMP_UNREACH && rd->ethertype_stmt >= 0 &&
	    (rd->ethertype == 0x0800 || rd->ethertype == 0x86dd))
		rd->stmts[rd->ethertype_stmt].dropped = true;
}

void nft_rd_fold_l4proto(struct render *rd)
{
	if (rd->l4proto_stmt < 0 || rd->l4proto_pinned)
		return;
	rd->stmts[rd->l4proto_stmt].dropped = true;
	/* icmp implies ipv4 and icmpv6 ipv6: an inet table's nfproto guard goes too. */
	if (rd->nfproto_stmt >= 0 && rd->nfproto_stmt < rd->l4proto_stmt && !rd->nfproto_pinned &&
	    ((rd->l4proto == 1 && rd->nfproto == NFPROTO_IPV4) || (rd->l4proto == 58 && rd->nfproto == NFPROTO_IPV6)))
		rd->stmts[rd->nfproto_stmt].dropped = true;
	/* ... and a bridge or netdev table's ether type or meta protocol guard
	 * (nft keeps it before tcp or udp, which imply no family). */
	if (rd->ethertype_stmt >= 0 && rd->ethertype_stmt < rd->l4proto_stmt && !rd->ethertype_pinned &&
	    ((rd->l4proto == 1 && rd->ethertype == 0x0800) || (rd->l4proto == 58 && rd->ethertype == 0x86dd)))
		rd->stmts[rd->ethertype_stmt].dropped = true;
}
