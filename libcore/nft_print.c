/* A rule's expressions back into nft's statements, the way nft 1.0.6 lists
 * them: loads into registers (payload, meta, ct, numgen, fib, immediate,
 * bitwise) become the left-hand sides of the compares, ranges and lookups
 * that read those registers; a `meta l4proto tcp` that only guards a later
 * transport-header match disappears into it (`tcp dport 80`); the rest are
 * statements of their own.  What has no rendering here is named in a
 * trailing comment rather than dropped. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"

#define REG32_COUNT 24
#define MAX_STATEMENTS 32

enum src_kind { SRC_NONE, SRC_PAYLOAD, SRC_META, SRC_CT, SRC_NUMGEN, SRC_FIB, SRC_IMMEDIATE };

/* What a register holds. */
struct reg_src {
	enum src_kind kind;
	uint32_t base, offset, len;          /* payload */
	uint32_t key;                        /* meta / ct key */
	uint8_t dir;
	bool has_dir;
	const struct nft_expr *e;            /* numgen, fib */
	struct nft_data value;               /* immediate */
	bool masked;                         /* a bitwise went over it */
	uint8_t mask[16], xor_[16];
};

struct stmt {
	struct nfbuf text;
	bool dropped;                        /* a dependency folded into a later statement */
};

struct render {
	const struct nft_print_ctx *ctx;
	struct reg_src regs[REG32_COUNT];
	struct stmt stmts[MAX_STATEMENTS];
	size_t count;
	int l4proto_stmt;                    /* the `meta l4proto X` a transport match may fold */
	uint8_t l4proto;
	int nfproto_stmt;                    /* the `meta nfproto X` an inet table's ip match folds */
	uint8_t nfproto;
	int gte_stmt;                        /* `x >= low`, which `x <= high` makes a range */
	size_t gte_op_at;                    /* where its ">= " is */
	struct nfbuf untranslated;
};

/* NFT_REG_1..4 are 16-byte registers over 32-bit ones 8..23. */
static int reg_index(uint32_t reg)
{
	if (reg >= 1 && reg <= 4)
		return 8 + (int)(reg - 1) * 4;
	return reg < REG32_COUNT ? (int)reg : -1;
}

static struct reg_src *reg_at(struct render *rd, uint32_t reg)
{
	int i = reg_index(reg);

	return i < 0 ? NULL : &rd->regs[i];
}

static struct nfbuf *new_stmt(struct render *rd)
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

/* The name of a payload field and its datatype; fold is set when the
 * field belongs to the protocol a preceding `meta l4proto` named. */
static void payload_name(struct render *rd, const struct reg_src *s, struct nfbuf *out, uint32_t *type, bool *fold)
{
	int fam = rd->ctx->family;
	bool v6 = fam == NFPROTO_IPV6;

	*fold = false;
	*type = NFT_TYPE_INTEGER;
	/* In an inet table, the network header is the one meta nfproto named. */
	if (fam == NFPROTO_INET && s->base == NFT_PAYLOAD_NETWORK_HEADER && rd->nfproto_stmt >= 0) {
		fam = rd->nfproto;
		v6 = fam == NFPROTO_IPV6;
		rd->stmts[rd->nfproto_stmt].dropped = true;
	}
	if (s->base == NFT_PAYLOAD_NETWORK_HEADER && fam == NFPROTO_IPV4) {
		if ((s->offset == 12 || s->offset == 16) && s->len <= 4) {
			nfbuf_puts(out, s->offset == 12 ? "ip saddr" : "ip daddr");
			*type = NFT_TYPE_IPADDR;
			return;
		}
		if (s->offset == 9 && s->len == 1) {
			nfbuf_puts(out, "ip protocol");
			*type = NFT_TYPE_INET_PROTOCOL;
			return;
		}
		if (s->offset == 8 && s->len == 1) {
			nfbuf_puts(out, "ip ttl");
			return;
		}
	}
	if (s->base == NFT_PAYLOAD_NETWORK_HEADER && v6) {
		if ((s->offset == 8 || s->offset == 24) && s->len <= 16) {
			nfbuf_puts(out, s->offset == 8 ? "ip6 saddr" : "ip6 daddr");
			*type = NFT_TYPE_IP6ADDR;
			return;
		}
		if (s->offset == 6 && s->len == 1) {
			nfbuf_puts(out, "ip6 nexthdr");
			*type = NFT_TYPE_INET_PROTOCOL;
			return;
		}
	}
	if (s->base == NFT_PAYLOAD_TRANSPORT_HEADER && s->len == 2 && (s->offset == 0 || s->offset == 2)) {
		const char *proto = rd->l4proto_stmt >= 0 ? l4_name(rd->l4proto) : NULL;

		*fold = proto != NULL;
		nfbuf_printf(out, "%s %s", proto ? proto : "th", s->offset == 0 ? "sport" : "dport");
		*type = NFT_TYPE_INET_SERVICE;
		return;
	}
	nfbuf_printf(out, "@%s,%u,%u", s->base == NFT_PAYLOAD_LL_HEADER ? "ll" : s->base == NFT_PAYLOAD_NETWORK_HEADER ? "nh" : "th",
		     s->offset * 8, s->len * 8);
}

static void meta_name(const struct reg_src *s, struct nfbuf *out, uint32_t *type)
{
	*type = NFT_TYPE_INTEGER;
	switch (s->key) {
	case NFT_META_L4PROTO: nfbuf_puts(out, "meta l4proto"); *type = NFT_TYPE_INET_PROTOCOL; return;
	case NFT_META_NFPROTO: nfbuf_puts(out, "meta nfproto"); *type = NFT_TYPE_NFPROTO; return;
	case NFT_META_MARK: nfbuf_puts(out, "meta mark"); *type = NFT_TYPE_MARK; return;
	case NFT_META_IIFNAME: nfbuf_puts(out, "iifname"); *type = NFT_TYPE_IFNAME; return;
	case NFT_META_OIFNAME: nfbuf_puts(out, "oifname"); *type = NFT_TYPE_IFNAME; return;
	case NFT_META_IIF: nfbuf_puts(out, "iif"); return;
	case NFT_META_OIF: nfbuf_puts(out, "oif"); return;
	case NFT_META_SKUID: nfbuf_puts(out, "meta skuid"); *type = NFT_TYPE_UID; return;
	case NFT_META_SKGID: nfbuf_puts(out, "meta skgid"); *type = NFT_TYPE_GID; return;
	case NFT_META_PRANDOM: nfbuf_puts(out, "meta random"); return;
	default: nfbuf_printf(out, "meta key_%u", s->key); return;
	}
}

static void ct_name(const struct reg_src *s, struct nfbuf *out, uint32_t *type)
{
	const char *dir = !s->has_dir ? "" : s->dir == 0 ? "original " : "reply ";

	*type = NFT_TYPE_INTEGER;
	switch (s->key) {
	case NFT_CT_STATE: nfbuf_puts(out, "ct state"); *type = NFT_TYPE_CT_STATE; return;
	case NFT_CT_STATUS: nfbuf_puts(out, "ct status"); *type = NFT_TYPE_CT_STATUS; return;
	case NFT_CT_MARK: nfbuf_puts(out, "ct mark"); *type = NFT_TYPE_MARK; return;
	case NFT_CT_DIRECTION: nfbuf_puts(out, "ct direction"); return;
	case NFT_CT_SRC_IP: nfbuf_printf(out, "ct %sip saddr", dir); *type = NFT_TYPE_IPADDR; return;
	case NFT_CT_DST_IP: nfbuf_printf(out, "ct %sip daddr", dir); *type = NFT_TYPE_IPADDR; return;
	case NFT_CT_PROTO_SRC: nfbuf_printf(out, "ct %sproto-src", dir); *type = NFT_TYPE_INET_SERVICE; return;
	case NFT_CT_PROTO_DST: nfbuf_printf(out, "ct %sproto-dst", dir); *type = NFT_TYPE_INET_SERVICE; return;
	case NFT_CT_PROTOCOL: nfbuf_printf(out, "ct %sprotocol", dir); *type = NFT_TYPE_INET_PROTOCOL; return;
	default: nfbuf_printf(out, "ct %skey_%u", dir, s->key); return;
	}
}

static void fib_name(const struct nft_expr *e, struct nfbuf *out, uint32_t *type)
{
	uint32_t f = e->u.fib.flags;

	nfbuf_printf(out, "fib %s", (f & NFTA_FIB_F_SADDR) ? "saddr" : "daddr");
	if (f & NFTA_FIB_F_MARK)
		nfbuf_puts(out, " . mark");
	if (f & NFTA_FIB_F_IIF)
		nfbuf_puts(out, " . iif");
	if (f & NFTA_FIB_F_OIF)
		nfbuf_puts(out, " . oif");
	switch (e->u.fib.result) {
	case NFT_FIB_RESULT_OIF: nfbuf_puts(out, " oif"); *type = NFT_TYPE_INTEGER; break;
	case NFT_FIB_RESULT_OIFNAME: nfbuf_puts(out, " oifname"); *type = NFT_TYPE_IFNAME; break;
	default: nfbuf_puts(out, " type"); *type = NFT_TYPE_FIB_ADDR; break;
	}
}

/* The left-hand side of whatever reads register reg. */
static bool src_name(struct render *rd, const struct reg_src *s, struct nfbuf *out, uint32_t *type, bool *fold)
{
	*fold = false;
	switch (s->kind) {
	case SRC_PAYLOAD: payload_name(rd, s, out, type, fold); return true;
	case SRC_META: meta_name(s, out, type); return true;
	case SRC_CT: ct_name(s, out, type); return true;
	case SRC_FIB: fib_name(s->e, out, type); return true;
	case SRC_NUMGEN:
		nfbuf_printf(out, "numgen %s mod %u", s->e->u.numgen.type == NFT_NG_RANDOM ? "random" : "inc",
			     s->e->u.numgen.modulus);
		if (s->e->u.numgen.offset)
			nfbuf_printf(out, " offset %u", s->e->u.numgen.offset);
		*type = NFT_TYPE_INTEGER;
		return true;
	default:
		return false;
	}
}

/* --- values ---------------------------------------------------------------- */

static void fib_type_value(struct nfbuf *out, uint32_t v)
{
	static const char *const names[] = { "unspec", "unicast", "local", "broadcast", "anycast", "multicast",
					     "blackhole", "unreachable", "prohibit" };

	if (v < 9)
		nfbuf_puts(out, names[v]);
	else
		nfbuf_printf(out, "%u", v);
}

static void value_of(struct nfbuf *out, uint32_t type, const uint8_t *bytes, size_t len)
{
	uint32_t host = 0;

	if (len >= 4)
		memcpy(&host, bytes, 4);
	if (type == NFT_TYPE_FIB_ADDR)
		fib_type_value(out, host);
	else if (type == NFT_TYPE_CT_STATUS)
		nft_print_ct_status(out, host);
	else if (type == NFT_TYPE_IFNAME && len && strnlen((const char *)bytes, len) == len)
		nfbuf_printf(out, "\"%.*s*\"", (int)len, (const char *)bytes);   /* a prefix compare */
	else
		nft_print_value(out, type, bytes, len);
}

static const char *cmp_op(uint32_t op, bool explicit_eq)
{
	switch (op) {
	case NFT_CMP_EQ: return explicit_eq ? "== " : "";
	case NFT_CMP_NEQ: return "!= ";
	case NFT_CMP_LT: return "< ";
	case NFT_CMP_LTE: return "<= ";
	case NFT_CMP_GT: return "> ";
	case NFT_CMP_GTE: return ">= ";
	default: return "?? ";
	}
}

static int prefix_len(const uint8_t *mask, size_t len)
{
	size_t bit;

	for (bit = 0; bit < len * 8 && (mask[bit / 8] >> (7 - bit % 8) & 1); bit++)
		;
	for (size_t rest = bit; rest < len * 8; rest++)
		if (mask[rest / 8] >> (7 - rest % 8) & 1)
			return -1;
	return (int)bit;
}

static uint32_t host_u32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

/* --- statements ------------------------------------------------------------- */

/* A statement that reads register sreg starts with what the register holds;
 * a `meta l4proto` guard it belongs to is folded away. */
static struct nfbuf *stmt_lhs(struct render *rd, uint32_t sreg, const struct reg_src **src, uint32_t *type)
{
	const struct reg_src *s = reg_at(rd, sreg);
	struct nfbuf *out;
	bool fold;

	if (!s || !(out = new_stmt(rd)) || !src_name(rd, s, out, type, &fold))
		return NULL;
	if (fold)
		rd->stmts[rd->l4proto_stmt].dropped = true;
	*src = s;
	return out;
}

static bool stmt_cmp(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *s;
	uint32_t type;
	struct nfbuf *out = stmt_lhs(rd, e->u.cmp.sreg, &s, &type);

	if (!out)
		return false;
	nfbuf_puts(out, " ");
	if (s->masked) {
		size_t full = type == NFT_TYPE_IP6ADDR ? 16 : 4;
		int bits = prefix_len(s->mask, e->data.len);

		if ((type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR) && bits >= 0 && e->data.len == full) {
			nfbuf_puts(out, cmp_op(e->u.cmp.op, false));
			value_of(out, type, e->data.bytes, e->data.len);
			nfbuf_printf(out, "/%d", bits);
			return true;
		}
		if ((type == NFT_TYPE_CT_STATE || type == NFT_TYPE_CT_STATUS) && e->data.len == 4 &&
		    host_u32(e->data.bytes) == 0) {
			nfbuf_puts(out, e->u.cmp.op == NFT_CMP_NEQ ? "" : "! ");
			value_of(out, type, s->mask, 4);
			return true;
		}
		nfbuf_puts(out, "& ");
		value_of(out, type, s->mask, e->data.len);
		nfbuf_printf(out, " %s", cmp_op(e->u.cmp.op, true));
		value_of(out, type, e->data.bytes, e->data.len);
		return true;
	}
	/* nft writes a range as `>= low` then `<= high` on the same field. */
	if (e->u.cmp.op == NFT_CMP_LTE && rd->gte_stmt >= 0 && rd->gte_stmt == (int)rd->count - 2) {
		struct nfbuf *low = &rd->stmts[rd->gte_stmt].text;

		rd->count--;
		nfbuf_free(out);
		/* "x >= low" becomes "x low-high". */
		memmove(low->data + rd->gte_op_at, low->data + rd->gte_op_at + 3, low->len - rd->gte_op_at - 3 + 1);
		low->len -= 3;
		nfbuf_puts(low, "-");
		value_of(low, type, e->data.bytes, e->data.len);
		rd->gte_stmt = -1;
		return true;
	}
	if (e->u.cmp.op == NFT_CMP_GTE) {
		rd->gte_stmt = (int)rd->count - 1;
		rd->gte_op_at = out->len;
		nfbuf_puts(out, ">= ");
		value_of(out, type, e->data.bytes, e->data.len);
		return true;
	}
	nfbuf_puts(out, cmp_op(e->u.cmp.op, false));
	if (s->kind == SRC_PAYLOAD && (type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR) &&
	    s->len < (type == NFT_TYPE_IPADDR ? 4u : 16u)) {
		uint8_t addr[16] = { 0 };

		memcpy(addr, e->data.bytes, s->len);
		value_of(out, type, addr, type == NFT_TYPE_IPADDR ? 4 : 16);
		nfbuf_printf(out, "/%u", s->len * 8);
		return true;
	}
	value_of(out, type, e->data.bytes, e->data.len);
	/* `meta l4proto tcp` may be the guard of a later `tcp dport`. */
	if (s->kind == SRC_META && s->key == NFT_META_L4PROTO && e->u.cmp.op == NFT_CMP_EQ && e->data.len >= 1) {
		rd->l4proto_stmt = (int)rd->count - 1;
		rd->l4proto = e->data.bytes[0];
	}
	if (s->kind == SRC_META && s->key == NFT_META_NFPROTO && e->u.cmp.op == NFT_CMP_EQ && e->data.len >= 1 &&
	    rd->ctx->family == NFPROTO_INET) {
		rd->nfproto_stmt = (int)rd->count - 1;
		rd->nfproto = e->data.bytes[0];
	}
	return true;
}

static bool stmt_range(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *s;
	uint32_t type;
	struct nfbuf *out = stmt_lhs(rd, e->u.range.sreg, &s, &type);

	if (!out)
		return false;
	nfbuf_printf(out, " %s", e->u.range.op == NFT_RANGE_NEQ ? "!= " : "");
	value_of(out, type, e->data.bytes, e->data.len);
	nfbuf_puts(out, "-");
	value_of(out, type, e->data2.bytes, e->data2.len);
	return true;
}

static struct nft_set *find_set(struct render *rd, const char *name)
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

/* The key of a lookup: one register, or a concatenation over several. */
static bool lookup_key(struct render *rd, const struct nft_set *set, uint32_t sreg, struct nfbuf *out)
{
	uint32_t parts[8];
	size_t n = nft_type_components(set->key_type, parts, 8), i;
	int at = reg_index(sreg);

	for (i = 0; i < n; i++) {
		const struct reg_src *s = at >= 0 && at < REG32_COUNT ? &rd->regs[at] : NULL;
		uint32_t type;
		bool fold;
		size_t size;

		if (!s || s->kind == SRC_NONE)
			return false;
		if (i)
			nfbuf_puts(out, " . ");
		if (!src_name(rd, s, out, &type, &fold))
			return false;
		if (fold && n == 1)
			rd->stmts[rd->l4proto_stmt].dropped = true;
		size = i < set->field_count ? set->field_len[i] : (s->kind == SRC_PAYLOAD ? s->len : 4);
		at += (int)((size + 3) / 4);
	}
	return true;
}

static bool stmt_lookup(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? find_set(rd, e->text) : NULL;
	struct nfbuf *out;

	if (!set || !(out = new_stmt(rd)) || !lookup_key(rd, set, e->u.lookup.sreg, out))
		return false;
	if (e->u.lookup.has_dreg && e->u.lookup.dreg != NFT_REG_VERDICT)
		return false;
	if (e->u.lookup.has_dreg)
		nfbuf_puts(out, " vmap");
	else if (e->u.lookup.flags & NFT_LOOKUP_F_INV)
		nfbuf_puts(out, " !=");
	if (set->flags & NFT_SET_ANONYMOUS) {
		nfbuf_puts(out, " ");
		nft_print_elements(out, set);
	} else {
		nfbuf_printf(out, " @%s", set->name);
	}
	return true;
}

/* `meta mark set meta mark | 0x4000`: the set value from its register. */
static bool set_value(struct render *rd, const struct reg_src *s, uint32_t type, struct nfbuf *out)
{
	uint32_t lhs_type;
	bool fold;

	if (s->kind == SRC_IMMEDIATE) {
		value_of(out, type, s->value.bytes, s->value.len);
		return true;
	}
	if (!src_name(rd, s, out, &lhs_type, &fold))
		return false;
	if (s->masked) {
		uint32_t mask = host_u32(s->mask), xor_ = host_u32(s->xor_);

		if (mask == ~xor_)
			nfbuf_printf(out, " | 0x%08x", xor_);
		else if (mask == 0xffffffffu)
			nfbuf_printf(out, " ^ 0x%08x", xor_);
		else if (xor_ == 0)
			nfbuf_printf(out, " & 0x%08x", mask);
		else
			nfbuf_printf(out, " & 0x%08x ^ 0x%08x", mask, xor_);
	}
	return true;
}

static bool stmt_meta_set(struct render *rd, const struct nft_expr *e, bool ct)
{
	const struct reg_src *s = reg_at(rd, ct ? e->u.ct.sreg : e->u.meta.sreg);
	struct reg_src lhs = { .kind = ct ? SRC_CT : SRC_META, .key = ct ? e->u.ct.key : e->u.meta.key };
	struct nfbuf *out;
	uint32_t type;
	bool fold;

	if (!s || !(out = new_stmt(rd)) || !src_name(rd, &lhs, out, &type, &fold))
		return false;
	nfbuf_puts(out, " set ");
	return set_value(rd, s, type, out);
}

/* nat: the addresses and ports in the registers immediates filled. */
static bool stmt_nat(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *amin = e->u.nat.addr_min ? reg_at(rd, e->u.nat.addr_min) : NULL;
	const struct reg_src *amax = e->u.nat.addr_max ? reg_at(rd, e->u.nat.addr_max) : NULL;
	const struct reg_src *pmin = e->u.nat.proto_min ? reg_at(rd, e->u.nat.proto_min) : NULL;
	const struct reg_src *pmax = e->u.nat.proto_max ? reg_at(rd, e->u.nat.proto_max) : NULL;
	uint32_t atype = e->u.nat.family == NFPROTO_IPV6 ? NFT_TYPE_IP6ADDR : NFT_TYPE_IPADDR;
	struct nfbuf *out = new_stmt(rd);

	if (!out || (amin && amin->kind != SRC_IMMEDIATE) || (pmin && pmin->kind != SRC_IMMEDIATE))
		return false;
	nfbuf_puts(out, e->u.nat.type == NFT_NAT_SNAT ? "snat" : "dnat");
	if (rd->ctx->family == NFPROTO_INET)
		nfbuf_printf(out, " %s", nft_family_name((int)e->u.nat.family));
	nfbuf_puts(out, " to ");
	if (amin) {
		bool brackets = atype == NFT_TYPE_IP6ADDR && pmin;

		nfbuf_puts(out, brackets ? "[" : "");
		value_of(out, atype, amin->value.bytes, amin->value.len);
		if (amax && amax != amin && memcmp(amax->value.bytes, amin->value.bytes, amin->value.len) != 0) {
			nfbuf_puts(out, "-");
			value_of(out, atype, amax->value.bytes, amax->value.len);
		}
		nfbuf_puts(out, brackets ? "]" : "");
	}
	if (pmin) {
		nfbuf_puts(out, ":");
		value_of(out, NFT_TYPE_INET_SERVICE, pmin->value.bytes, pmin->value.len);
		if (pmax && pmax->kind == SRC_IMMEDIATE && memcmp(pmax->value.bytes, pmin->value.bytes, 2) != 0) {
			nfbuf_puts(out, "-");
			value_of(out, NFT_TYPE_INET_SERVICE, pmax->value.bytes, pmax->value.len);
		}
	}
	if (e->u.nat.flags & NF_NAT_RANGE_PROTO_RANDOM)
		nfbuf_puts(out, " random");
	if (e->u.nat.flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		nfbuf_puts(out, " fully-random");
	if (e->u.nat.flags & NF_NAT_RANGE_PERSISTENT)
		nfbuf_puts(out, " persistent");
	return true;
}

static bool stmt_masq(struct render *rd, const struct nft_expr *e, const char *word)
{
	const struct reg_src *pmin = e->u.masq.proto_min ? reg_at(rd, e->u.masq.proto_min) : NULL;
	const struct reg_src *pmax = e->u.masq.proto_max ? reg_at(rd, e->u.masq.proto_max) : NULL;
	struct nfbuf *out = new_stmt(rd);

	if (!out)
		return false;
	nfbuf_puts(out, word);
	if (pmin && pmin->kind == SRC_IMMEDIATE) {
		nfbuf_puts(out, " to :");
		value_of(out, NFT_TYPE_INET_SERVICE, pmin->value.bytes, pmin->value.len);
		if (pmax && pmax->kind == SRC_IMMEDIATE && memcmp(pmax->value.bytes, pmin->value.bytes, 2) != 0) {
			nfbuf_puts(out, "-");
			value_of(out, NFT_TYPE_INET_SERVICE, pmax->value.bytes, pmax->value.len);
		}
	}
	if (e->u.masq.flags & NF_NAT_RANGE_PROTO_RANDOM)
		nfbuf_puts(out, " random");
	if (e->u.masq.flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		nfbuf_puts(out, " fully-random");
	if (e->u.masq.flags & NF_NAT_RANGE_PERSISTENT)
		nfbuf_puts(out, " persistent");
	return true;
}

static bool stmt_reject(struct render *rd, const struct nft_expr *e)
{
	static const char *const icmp[] = { "net-unreachable", "host-unreachable", "prot-unreachable",
					    "port-unreachable", NULL, NULL, NULL, NULL, NULL, "net-prohibited",
					    "host-prohibited", NULL, NULL, "admin-prohibited" };
	static const char *const icmpx[] = { "no-route", "port-unreachable", "host-unreachable", "admin-prohibited" };
	struct nfbuf *out = new_stmt(rd);
	int fam = rd->ctx->family;

	if (!out)
		return false;
	nfbuf_puts(out, "reject");
	if (e->u.reject.type == NFT_REJECT_TCP_RST) {
		nfbuf_puts(out, " with tcp reset");
	} else if (e->u.reject.type == NFT_REJECT_ICMPX_UNREACH) {
		if (e->u.reject.code != NFT_REJECT_ICMPX_PORT_UNREACH)
			nfbuf_printf(out, " with icmpx %s", e->u.reject.code < 4 ? icmpx[e->u.reject.code] : "?");
	} else if (fam == NFPROTO_IPV4 && e->u.reject.code != 3) {
		const char *name = e->u.reject.code < 14 ? icmp[e->u.reject.code] : NULL;

		if (name)
			nfbuf_printf(out, " with icmp %s", name);
		else
			nfbuf_printf(out, " with icmp %u", e->u.reject.code);
	} else if (fam == NFPROTO_IPV6 && e->u.reject.code != 4) {
		nfbuf_printf(out, " with icmpv6 %u", e->u.reject.code);
	}
	return true;
}

static bool stmt_log(struct render *rd, const struct nft_expr *e)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug" };
	struct nfbuf *out = new_stmt(rd);

	if (!out)
		return false;
	nfbuf_puts(out, "log");
	if (e->text)
		nfbuf_printf(out, " prefix \"%s\"", e->text);
	if (e->u.log.has_group)
		nfbuf_printf(out, " group %u", e->u.log.group);
	if (e->u.log.has_snaplen && e->u.log.snaplen)
		nfbuf_printf(out, " snaplen %u", e->u.log.snaplen);
	if (e->u.log.qthreshold)
		nfbuf_printf(out, " queue-threshold %u", e->u.log.qthreshold);
	if (e->u.log.has_level && e->u.log.level != 4 && e->u.log.level < 8)
		nfbuf_printf(out, " level %s", levels[e->u.log.level]);
	return true;
}

static bool stmt_limit(struct render *rd, const struct nft_expr *e)
{
	static const struct { uint64_t secs; const char *name; } units[] = {
		{ 1, "second" }, { 60, "minute" }, { 3600, "hour" }, { 86400, "day" }, { 604800, "week" },
	};
	struct nfbuf *out = new_stmt(rd);
	const char *unit = "second";
	size_t i;

	if (!out)
		return false;
	for (i = 0; i < 5; i++)
		if (units[i].secs == e->u.limit.unit)
			unit = units[i].name;
	nfbuf_printf(out, "limit rate %s%" PRIu64 "/%s", (e->u.limit.flags & NFT_LIMIT_F_INV) ? "over " : "",
		     e->u.limit.rate, unit);
	if (e->u.limit.burst && e->u.limit.burst != 5)
		nfbuf_printf(out, " burst %u packets", e->u.limit.burst);
	return true;
}

static bool stmt_dynset(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? find_set(rd, e->text) : NULL;
	struct nfbuf *out;

	if (!set || !(out = new_stmt(rd)))
		return false;
	nfbuf_printf(out, "%s @%s { ", e->u.dynset.op == NFT_DYNSET_OP_ADD ? "add" : e->u.dynset.op == NFT_DYNSET_OP_DELETE ? "delete" : "update",
		     set->name);
	if (!lookup_key(rd, set, e->u.dynset.sreg_key, out))
		return false;
	if (e->u.dynset.timeout_ms)
		nft_print_duration(out, " timeout ", e->u.dynset.timeout_ms);
	nfbuf_puts(out, " }");
	return true;
}

static bool load(struct render *rd, const struct nft_expr *e, uint32_t dreg, enum src_kind kind)
{
	struct reg_src *s = reg_at(rd, dreg);

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

static bool bitwise(struct render *rd, const struct nft_expr *e)
{
	struct reg_src *from = reg_at(rd, e->u.bitwise.sreg), *to = reg_at(rd, e->u.bitwise.dreg);

	if (!from || !to || e->data.len > 16)
		return false;
	if (to != from)
		*to = *from;
	to->masked = true;
	memcpy(to->mask, e->data.bytes, e->data.len);
	memcpy(to->xor_, e->data2.bytes, e->data2.len < 16 ? e->data2.len : 16);
	return true;
}

static bool render_expr(struct render *rd, const struct nft_expr *e)
{
	struct nfbuf *out;

	switch (e->kind) {
	case NFT_EXPR_PAYLOAD: return load(rd, e, e->u.payload.dreg, SRC_PAYLOAD);
	case NFT_EXPR_META: return e->u.meta.is_set ? stmt_meta_set(rd, e, false) : load(rd, e, e->u.meta.dreg, SRC_META);
	case NFT_EXPR_CT: return e->u.ct.is_set ? stmt_meta_set(rd, e, true) : load(rd, e, e->u.ct.dreg, SRC_CT);
	case NFT_EXPR_NUMGEN: return load(rd, e, e->u.numgen.dreg, SRC_NUMGEN);
	case NFT_EXPR_FIB: return load(rd, e, e->u.fib.dreg, SRC_FIB);
	case NFT_EXPR_BITWISE: return bitwise(rd, e);
	case NFT_EXPR_CMP: return stmt_cmp(rd, e);
	case NFT_EXPR_RANGE: return stmt_range(rd, e);
	case NFT_EXPR_LOOKUP: return stmt_lookup(rd, e);
	case NFT_EXPR_IMMEDIATE:
		if (e->u.immediate.dreg != NFT_REG_VERDICT)
			return load(rd, e, e->u.immediate.dreg, SRC_IMMEDIATE);
		if (!(out = new_stmt(rd)))
			return false;
		nft_print_verdict(out, &e->data);
		return true;
	case NFT_EXPR_COUNTER:
		if (!(out = new_stmt(rd)))
			return false;
		if (rd->ctx->stateless)
			nfbuf_puts(out, "counter");
		else
			nfbuf_printf(out, "counter packets %" PRIu64 " bytes %" PRIu64, e->u.counter.packets,
				     e->u.counter.bytes);
		return true;
	case NFT_EXPR_NAT: return stmt_nat(rd, e);
	case NFT_EXPR_MASQ: return stmt_masq(rd, e, "masquerade");
	case NFT_EXPR_REDIR: return stmt_masq(rd, e, "redirect");
	case NFT_EXPR_REJECT: return stmt_reject(rd, e);
	case NFT_EXPR_LOG: return stmt_log(rd, e);
	case NFT_EXPR_LIMIT: return stmt_limit(rd, e);
	case NFT_EXPR_DYNSET: return stmt_dynset(rd, e);
	case NFT_EXPR_MATCH:
	case NFT_EXPR_TARGET:
		if (!(out = new_stmt(rd)))
			return false;
		nfbuf_printf(out, "xt %s %s", e->kind == NFT_EXPR_MATCH ? "match" : "target", e->xt_name);
		return true;
	default:
		return false;
	}
}

void nft_print_rule(struct nfbuf *out, const struct nft_rule *r, const struct nft_print_ctx *ctx)
{
	struct render *rd = calloc(1, sizeof(*rd));
	const char *sep = "";
	size_t i;

	if (!rd) {
		out->failed = true;
		return;
	}
	rd->ctx = ctx;
	rd->l4proto_stmt = -1;
	rd->nfproto_stmt = -1;
	rd->gte_stmt = -1;
	for (i = 0; i < r->expr_count; i++)
		if (!render_expr(rd, &r->exprs[i]))
			nfbuf_printf(&rd->untranslated, "%s%s", rd->untranslated.len ? ", " : "", r->exprs[i].name);
	for (i = 0; i < rd->count; i++) {
		if (!rd->stmts[i].dropped && rd->stmts[i].text.len) {
			nfbuf_printf(out, "%s%s", sep, rd->stmts[i].text.data);
			sep = " ";
		}
		nfbuf_free(&rd->stmts[i].text);
	}
	if (r->comment)
		nfbuf_printf(out, "%scomment \"%s\"", sep, r->comment);
	if (rd->untranslated.len)
		nfbuf_printf(out, " # sonde: not rendered: %s", rd->untranslated.data);
	nfbuf_free(&rd->untranslated);
	free(rd);
}
