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

/* --- statements ------------------------------------------------------------- */

/* (x & mask) compared with value, as nft 1.0.6 writes it: "x mask" (any
 * of them set), "x ! mask" (none set), "x value / mask" and
 * "x != value / mask". */
static void flags_compare(struct strbuf *out, uint32_t type, bool not_equal, const uint8_t *mask,
			  const uint8_t *value, size_t len)
{
	if (nft_rd_all_zero(value, len)) {
		strbuf_puts(out, not_equal ? "" : "! ");
		nft_rd_value(out, type, mask, len);
		return;
	}
	strbuf_puts(out, not_equal ? "!= " : "");
	nft_rd_value(out, type, value, len);
	strbuf_puts(out, " / ");
	nft_rd_value(out, type, mask, len);
}

/* `tcp flags & syn == syn`: one flag, tested whole (nft writes several
 * as "fin,syn / fin,syn"). */
static bool one_flag_test(const struct reg_src *s, const struct nft_expr *cmp)
{
	uint8_t v = cmp->data.bytes[0];

	return cmp->data.len == 1 && v == s->mask[0] && v && !(v & (v - 1));
}

/* An x_tables blob iptables-nft left in the rule: nft prints its
 * extension's translation where there is one, else `xt match NAME`. */
static bool stmt_xt(struct render *rd, const struct nft_expr *e)
{
	bool is_target = e->kind == NFT_EXPR_TARGET;
	struct nfdecode_ext ext = {
		.name = e->xt_name, .revision = (uint8_t)e->u.xt.revision, .data = e->blob, .len = e->blob_len,
	};
	struct nfdecode_opts opts = {
		.family = rd->ctx->family, .proto = rd->l4proto_stmt >= 0 ? rd->l4proto : 0,
	};
	struct strbuf *out = nft_rd_stmt(rd);
	int rc;

	if (!out)
		return false;
	rc = is_target ? nfdecode_nft_target(out, &ext, &opts) : nfdecode_nft_match(out, &ext, &opts);
	if (rc < 0)
		strbuf_printf(out, "xt %s %s", is_target ? "target" : "match", e->xt_name);
	rd->stmts[rd->count - 1].empty_kept = true;
	if (rd->l4proto_stmt >= 0)
		rd->l4proto_pinned = true;
	return true;
}

/* A statement that reads register sreg starts with what the register holds;
 * a `meta l4proto` guard it belongs to is folded away. */
static struct strbuf *stmt_lhs(struct render *rd, uint32_t sreg, const struct reg_src **src, uint32_t *type)
{
	const struct reg_src *s = nft_rd_reg(rd, sreg);
	struct strbuf *out;
	bool fold;

	if (!s || !(out = nft_rd_stmt(rd)) || !nft_rd_src_name(rd, s, out, type, &fold))
		return NULL;
	if (fold)
		nft_rd_fold_l4proto(rd);
	*src = s;
	return out;
}

/* A ct label bit: its name from /etc/connlabel.conf in quotes, else its number. */
static void label_value(struct strbuf *out, int bit)
{
	const char *name = nft_ct_label_name(bit);

	if (name)
		strbuf_printf(out, "\"%s\"", name);
	else
		strbuf_printf(out, "%d", bit);
}

/* `ct label 127`: a test of one label bit (the ct key nft_rd_src_name
 * leaves unnamed, so that no other statement reads it). */
static bool label_test(struct render *rd, const struct reg_src *s, const struct nft_expr *e)
{
	int bit = nft_ct_label_test(s, e);
	struct strbuf *out;

	if (bit < 0 || !(out = nft_rd_stmt(rd)))
		return false;
	strbuf_puts(out, "ct label ");
	label_value(out, bit);
	return true;
}

static bool stmt_cmp(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *s;
	uint32_t type;
	struct strbuf *out = stmt_lhs(rd, e->u.cmp.sreg, &s, &type);
	struct nft_expr host_copy, field_copy;
	bool masked;

	if (!out || (s->masked && s->big_endian))
		return false;
	e = nft_rd_host_values(s, type, e, &host_copy);
	e = nft_rd_field_values(rd, e, &field_copy);
	masked = s->masked && !rd->field_mask_consumed;
	strbuf_puts(out, " ");
	if (masked) {
		size_t full = type == NFT_TYPE_IP6ADDR ? 16 : 4;
		int bits = nft_prefix_len(s->mask, e->data.len);
		uint32_t or_bits;

		if (nft_rd_all_tcp_flags(s, type, e)) {
			strbuf_printf(out, "%s0xff", cmp_op(e->u.cmp.op, true));
			return true;
		}
		if (nft_rd_or_form(s, type, e, &or_bits)) {
			strbuf_printf(out, "| 0x%08x %s", or_bits, cmp_op(e->u.cmp.op, true));
			nft_rd_value(out, type, e->data.bytes, e->data.len);
			return true;
		}
		if (nft_rd_mark_prefix(s, type, e, &bits)) {
			strbuf_puts(out, cmp_op(e->u.cmp.op, false));
			nft_rd_value(out, type, e->data.bytes, e->data.len);
			strbuf_printf(out, "/%d", bits);
			return true;
		}
		if (!nft_rd_masked_cmp_known(s, type, e))
			return false;
		if ((type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR) && bits >= 0 && e->data.len == full) {
			strbuf_puts(out, cmp_op(e->u.cmp.op, false));
			nft_rd_value(out, type, e->data.bytes, e->data.len);
			strbuf_printf(out, "/%d", bits);
			return true;
		}
		if (nft_rd_is_flags(type) && (e->u.cmp.op == NFT_CMP_EQ || e->u.cmp.op == NFT_CMP_NEQ) &&
		    !one_flag_test(s, e)) {
			flags_compare(out, type, e->u.cmp.op == NFT_CMP_NEQ, s->mask, e->data.bytes, e->data.len);
			return true;
		}
		strbuf_puts(out, "& ");
		nft_rd_value(out, type, s->mask, e->data.len);
		strbuf_printf(out, " %s", cmp_op(e->u.cmp.op, true));
		nft_rd_value(out, type, e->data.bytes, e->data.len);
		return true;
	}
	/* nft writes a range as `>= low` then `<= high` on the same field. */
	if (e->u.cmp.op == NFT_CMP_LTE && rd->gte_stmt == (int)rd->count - 2 && nft_rd_closes_range(rd, s)) {
		struct strbuf *low = &rd->stmts[rd->gte_stmt].text;

		if (type == NFT_TYPE_DSCP)
			return false;   /* how nft numbers a dscp range is not known here */
		rd->count--;
		strbuf_free(out);
		/* "x >= low" becomes "x low-high", both ends numeric. */
		low->len = rd->gte_op_at;
		low->data[low->len] = '\0';
		nft_rd_value(low, nft_range_type(type), rd->gte_low.bytes, rd->gte_low.len);
		strbuf_puts(low, "-");
		nft_rd_value(low, nft_range_type(type), e->data.bytes, e->data.len);
		rd->gte_stmt = -1;
		return true;
	}
	if (e->u.cmp.op == NFT_CMP_GTE) {
		rd->gte_stmt = (int)rd->count - 1;
		rd->gte_src = *s;
		rd->gte_low = e->data;
		rd->gte_low.chain = NULL;
		rd->gte_op_at = out->len;
		strbuf_puts(out, ">= ");
		nft_rd_value(out, type, e->data.bytes, e->data.len);
		return true;
	}
	strbuf_puts(out, cmp_op(e->u.cmp.op, nft_rd_is_flags(type)));
	if ((type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR) && e->data.len < (type == NFT_TYPE_IPADDR ? 4u : 16u)) {
		/* A prefix compared on its leading bytes only (payload or ct). */
		uint8_t addr[16] = { 0 };

		memcpy(addr, e->data.bytes, e->data.len);
		nft_rd_value(out, type, addr, type == NFT_TYPE_IPADDR ? 4 : 16);
		strbuf_printf(out, "/%u", e->data.len * 8);
		return true;
	}
	nft_rd_value(out, type, e->data.bytes, e->data.len);
	nft_rd_note_guard(rd, s, e);
	return true;
}

static bool stmt_range(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *s;
	uint32_t type;
	struct strbuf *out = stmt_lhs(rd, e->u.range.sreg, &s, &type);
	struct nft_expr host_copy, field_copy;

	if (!out || (s->masked && !rd->field_mask_consumed) || type == NFT_TYPE_DSCP)
		return false;
	e = nft_rd_host_values(s, type, e, &host_copy);
	e = nft_rd_field_values(rd, e, &field_copy);
	strbuf_printf(out, " %s", e->u.range.op == NFT_RANGE_NEQ ? "!= " : "");
	/* nft writes a range's ends numerically. */
	type = nft_range_type(type);
	nft_rd_value(out, type, e->data.bytes, e->data.len);
	strbuf_puts(out, "-");
	nft_rd_value(out, type, e->data2.bytes, e->data2.len);
	return true;
}

static bool stmt_lookup(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? nft_rd_find_set(rd, e->text) : NULL;
	struct strbuf *out;

	if (!set || !nft_rd_flag_set_known(set) || !(out = nft_rd_stmt(rd)) || !nft_rd_lookup_key(rd, set, e->u.lookup.sreg, out, false))
		return false;
	if (e->u.lookup.has_dreg && e->u.lookup.dreg != NFT_REG_VERDICT)
		return false;
	nft_rd_note_key_order(rd, set, e->u.lookup.sreg);
	if (e->u.lookup.has_dreg)
		strbuf_puts(out, " vmap");
	else if (e->u.lookup.flags & NFT_LOOKUP_F_INV)
		strbuf_puts(out, " !=");
	else if (rd->key_is_binop)
		strbuf_puts(out, " ==");
	strbuf_puts(out, " ");
	nft_rd_set_ref(out, set, false);
	return true;
}

/* `meta mark set meta mark | 0x4000`: the set value from its register. */
static bool set_value(struct render *rd, const struct reg_src *s, uint32_t type, struct strbuf *out)
{
	struct reg_src unshifted;
	uint32_t lhs_type;
	bool fold;

	if (s->kind == SRC_IMMEDIATE) {
		nft_rd_value(out, type, s->value.bytes, s->value.len);
		return true;
	}
	if (s->kind == SRC_MAP)
		return nft_rd_map(rd, s, out, false);
	unshifted = *s;
	unshifted.shift_op = 0;
	/* A shift binds tighter than a mask: `(meta mark | 0x00000010) << 8`. */
	if (s->shift_op && s->masked)
		strbuf_puts(out, "(");
	if (!nft_rd_src_name(rd, &unshifted, out, &lhs_type, &fold))
		return false;
	if (s->masked) {
		uint32_t mask = nft_host_u32(s->mask), xor_ = nft_host_u32(s->xor_);

		if (mask == ~xor_)
			strbuf_printf(out, " | 0x%08x", xor_);
		else if (mask == 0xffffffffu)
			strbuf_printf(out, " ^ 0x%08x", xor_);
		else if (xor_ == 0)
			strbuf_printf(out, " & 0x%08x", mask);
		else
			strbuf_printf(out, " & 0x%08x ^ 0x%08x", mask, xor_);
	}
	if (s->shift_op)
		strbuf_printf(out, "%s %s %u", s->masked ? ")" : "", s->shift_op == NFT_BITWISE_LSHIFT ? "<<" : ">>",
			      s->shift_bits);
	return true;
}

static bool stmt_meta_set(struct render *rd, const struct nft_expr *e, bool ct)
{
	const struct reg_src *s = nft_rd_reg(rd, ct ? e->u.ct.sreg : e->u.meta.sreg);
	struct reg_src lhs = { .kind = ct ? SRC_CT : SRC_META, .key = ct ? e->u.ct.key : e->u.meta.key,
			       .dir = ct ? e->u.ct.dir : 0, .has_dir = ct && e->u.ct.has_dir };
	struct strbuf *out;
	uint32_t type;
	bool fold;

	if (s && ct && e->u.ct.key == NFT_CT_LABELS && !e->u.ct.has_dir && nft_ct_label_write(s) >= 0 &&
	    (out = nft_rd_stmt(rd))) {
		strbuf_puts(out, "ct label set ");
		label_value(out, nft_ct_label_write(s));
		return true;
	}
	if (!s || !(out = nft_rd_stmt(rd)) || !nft_rd_src_name(rd, &lhs, out, &type, &fold))
		return false;
	strbuf_puts(out, " set ");
	return set_value(rd, s, type, out);
}

/* nat: the addresses and ports in the registers immediates filled. */
static bool stmt_nat(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *amin = e->u.nat.addr_min ? nft_rd_reg(rd, e->u.nat.addr_min) : NULL;
	const struct reg_src *amax = e->u.nat.addr_max ? nft_rd_reg(rd, e->u.nat.addr_max) : NULL;
	const struct reg_src *pmin = e->u.nat.proto_min ? nft_rd_reg(rd, e->u.nat.proto_min) : NULL;
	const struct reg_src *pmax = e->u.nat.proto_max ? nft_rd_reg(rd, e->u.nat.proto_max) : NULL;
	uint32_t atype = e->u.nat.family == NFPROTO_IPV6 ? NFT_TYPE_IP6ADDR : NFT_TYPE_IPADDR;
	struct strbuf *out = nft_rd_stmt(rd);

	if (out && amin && amin->kind == SRC_MAP)
		return nft_rd_nat_map(rd, e, out, false);
	if (!out || (amin && amin->kind != SRC_IMMEDIATE) || (pmin && pmin->kind != SRC_IMMEDIATE))
		return false;
	strbuf_puts(out, e->u.nat.type == NFT_NAT_SNAT ? "snat" : "dnat");
	/* In an inet table nft names the family of the addresses, not of ports alone. */
	if (rd->ctx->family == NFPROTO_INET && amin)
		strbuf_printf(out, " %s", nft_family_name((int)e->u.nat.family));
	strbuf_puts(out, " to ");
	if (amin) {
		bool brackets = atype == NFT_TYPE_IP6ADDR && pmin;
		bool ranged = amax && amax != amin && memcmp(amax->value.bytes, amin->value.bytes, amin->value.len) != 0;
		size_t prefix;

		if (ranged && (!amax || amax->kind != SRC_IMMEDIATE || amax->value.len != amin->value.len))
			return false;
		if (ranged && nft_range_prefix(amin->value.bytes, amax->value.bytes, amin->value.len, &prefix)) {
			if (brackets)
				return false;   /* nft's form for a prefix with ports is not known here */
			nft_rd_value(out, atype, amin->value.bytes, amin->value.len);
			strbuf_printf(out, "/%zu", prefix);
		} else {
			strbuf_puts(out, brackets ? "[" : "");
			nft_rd_value(out, atype, amin->value.bytes, amin->value.len);
			if (ranged) {
				strbuf_puts(out, brackets ? "]-[" : "-");
				nft_rd_value(out, atype, amax->value.bytes, amax->value.len);
			}
			strbuf_puts(out, brackets ? "]" : "");
		}
	}
	if (pmin) {
		strbuf_puts(out, ":");
		nft_rd_value(out, NFT_TYPE_INET_SERVICE, pmin->value.bytes, pmin->value.len);
		if (pmax && pmax->kind == SRC_IMMEDIATE && memcmp(pmax->value.bytes, pmin->value.bytes, 2) != 0) {
			strbuf_puts(out, "-");
			nft_rd_value(out, NFT_TYPE_INET_SERVICE, pmax->value.bytes, pmax->value.len);
		}
	}
	nfdecode_nft_nat_flag_list(out, e->u.nat.flags);
	return true;
}

static bool stmt_masq(struct render *rd, const struct nft_expr *e, const char *word)
{
	const struct reg_src *pmin = e->u.masq.proto_min ? nft_rd_reg(rd, e->u.masq.proto_min) : NULL;
	const struct reg_src *pmax = e->u.masq.proto_max ? nft_rd_reg(rd, e->u.masq.proto_max) : NULL;
	struct strbuf *out = nft_rd_stmt(rd);

	if (!out)
		return false;
	if (pmin && pmin->kind == SRC_MAP)
		return nft_rd_port_map(rd, e, word, out, false);
	if (pmin && pmin->kind != SRC_IMMEDIATE)
		return false;
	strbuf_puts(out, word);
	if (pmin) {
		strbuf_puts(out, " to :");
		nft_rd_value(out, NFT_TYPE_INET_SERVICE, pmin->value.bytes, pmin->value.len);
		if (pmax && pmax->kind == SRC_IMMEDIATE && memcmp(pmax->value.bytes, pmin->value.bytes, 2) != 0) {
			strbuf_puts(out, "-");
			nft_rd_value(out, NFT_TYPE_INET_SERVICE, pmax->value.bytes, pmax->value.len);
		}
	}
	nfdecode_nft_nat_flag_list(out, e->u.masq.flags);
	return true;
}

static bool stmt_reject(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);
	const char *kind, *name;
	bool is_default;

	if (!out)
		return false;
	strbuf_puts(out, "reject");
	nft_rd_reject_guards(rd, e);
	if (e->u.reject.type == NFT_REJECT_TCP_RST) {
		strbuf_puts(out, " with tcp reset");
		return true;
	}
	kind = nft_rd_reject(rd, e, &name, &is_default);
	if (is_default)
		return true;
	if (name)
		strbuf_printf(out, " with %s %s", kind, name);
	else
		strbuf_printf(out, " with %s %u", kind, e->u.reject.code);
	return true;
}

static bool stmt_log(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);
	const char *level = nft_rd_log_level(e);

	if (!out)
		return false;
	strbuf_puts(out, "log");
	if (e->text)
		strbuf_printf(out, " prefix \"%s\"", e->text);
	if (e->u.log.has_group)
		strbuf_printf(out, " group %u", e->u.log.group);
	if (e->u.log.has_snaplen && e->u.log.snaplen)
		strbuf_printf(out, " snaplen %u", e->u.log.snaplen);
	if (e->u.log.qthreshold)
		strbuf_printf(out, " queue-threshold %u", e->u.log.qthreshold);
	if (level)
		strbuf_printf(out, " level %s", level);
	nft_rd_log_flags_text(out, e->u.log.flags);
	return true;
}

static bool stmt_limit(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);

	if (!out)
		return false;
	strbuf_puts(out, "limit ");
	nft_rd_limit_text(out, e);
	return true;
}

static bool stmt_quota(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);

	if (!out)
		return false;
	strbuf_puts(out, "quota ");
	nft_rd_quota_text(out, e, rd->ctx->stateless);
	return true;
}

static bool stmt_dynset(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? nft_rd_find_set(rd, e->text) : NULL;
	struct strbuf *out;

	if (!set || !(out = nft_rd_stmt(rd)) || (e->u.dynset.stmt && !nft_rd_is_meter(set, e) && !nft_rd_set_counter(set, e)))
		return false;
	/* A meter: an anonymous set a dynset fills, with its statement (its
	 * counter stateless, as nft shows it there). */
	if (nft_rd_is_meter(set, e))
		strbuf_printf(out, "meter %s size %u { ", set->name, set->size);
	else
		strbuf_printf(out, "%s @%s { ", nft_rd_dynset_op(e), set->name);
	if (!nft_rd_lookup_key(rd, set, e->u.dynset.sreg_key, out, false))
		return false;
	if (e->u.dynset.timeout_ms)
		nft_print_duration(out, " timeout ", e->u.dynset.timeout_ms);
	strbuf_puts(out, e->u.dynset.stmt ? " counter }" : " }");
	return true;
}


/* `ip ttl set 23`, `udp checksum set 0`: a whole field written with an
 * immediate value (a field narrower than its bytes is a read, mask and
 * write, not followed here). */
static bool stmt_payload_set(struct render *rd, const struct nft_expr *e)
{
	struct reg_src field = { .kind = SRC_PAYLOAD, .e = e, .base = e->u.payload.base, .offset = e->u.payload.offset,
				 .len = e->u.payload.len };
	const struct reg_src *value = nft_rd_reg(rd, e->u.payload.sreg);
	struct strbuf *out = nft_rd_stmt(rd);
	struct nft_expr rmw_value, copy;
	const struct nft_expr *shown;
	uint32_t type;
	bool fold, rmw = nft_rd_rmw_field(e, value, &field, &rmw_value);

	if (!out || !value || (!rmw && (value->kind != SRC_IMMEDIATE || value->value.len != e->u.payload.len)) ||
	    !nft_rd_src_name(rd, &field, out, &type, &fold) || type == NFT_TYPE_RAW ||
	    (field.masked && !rd->field_mask_consumed))
		return false;
	if (fold)
		nft_rd_fold_l4proto(rd);
	strbuf_puts(out, " set ");
	if (!rmw) {
		nft_rd_value(out, type, value->value.bytes, value->value.len);
		return true;
	}
	shown = nft_rd_field_values(rd, &rmw_value, &copy);
	nft_rd_value(out, type, shown->data.bytes, shown->data.len);
	return true;
}

/* `tcp option maxseg size set 1360`, `reset tcp option mptcp`. */
static bool stmt_exthdr(struct render *rd, const struct nft_expr *e)
{
	struct reg_src field = { .kind = SRC_EXTHDR, .e = e };
	const struct reg_src *value = e->u.exthdr.sreg ? nft_rd_reg(rd, e->u.exthdr.sreg) : NULL;
	struct strbuf *out = nft_rd_stmt(rd);
	uint32_t type;
	bool fold;

	if (!out)
		return false;
	if (!e->u.exthdr.sreg)
		return nft_exthdr_reset_name(e, out, false);
	if (!value || !nft_rd_exthdr_value_known(value) || !nft_rd_src_name(rd, &field, out, &type, &fold))
		return false;
	strbuf_puts(out, " set ");
	if (value->kind != SRC_IMMEDIATE)
		return nft_rd_src_name(rd, value, out, &type, &fold);
	nft_rd_value(out, type, value->value.bytes, value->value.len);
	return true;
}

static bool render_expr(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out;
	int tracked = nft_rd_track(rd, e);

	if (tracked)
		return tracked > 0;
	switch (e->kind) {
	case NFT_EXPR_META: return stmt_meta_set(rd, e, false);
	case NFT_EXPR_CT: return stmt_meta_set(rd, e, true);
	case NFT_EXPR_CMP: {
		const struct reg_src *s = nft_rd_reg(rd, e->u.cmp.sreg);
		int split;

		if (s && s->kind == SRC_CT && s->key == NFT_CT_LABELS)
			return label_test(rd, s, e);
		split = nft_rd_split_cmp(rd, e, stmt_cmp);

		return split >= 0 ? split > 0 : stmt_cmp(rd, e);
	}
	case NFT_EXPR_RANGE: return stmt_range(rd, e);
	case NFT_EXPR_LOOKUP: return stmt_lookup(rd, e);
	case NFT_EXPR_IMMEDIATE:
		if (!(out = nft_rd_stmt(rd)))
			return false;
		nft_print_verdict(out, &e->data);
		return true;
	case NFT_EXPR_COUNTER:
		if (!(out = nft_rd_stmt(rd)))
			return false;
		nft_rd_pin_guards(rd);
		if (rd->ctx->stateless)
			strbuf_puts(out, "counter");
		else
			strbuf_printf(out, "counter packets %" PRIu64 " bytes %" PRIu64, e->u.counter.packets,
				     e->u.counter.bytes);
		return true;
	case NFT_EXPR_NAT: return stmt_nat(rd, e);
	case NFT_EXPR_TPROXY:
	case NFT_EXPR_DUP:
	case NFT_EXPR_FWD:
	case NFT_EXPR_SYNPROXY:
	case NFT_EXPR_NOTRACK:
	case NFT_EXPR_CONNLIMIT:
		return nft_rd_divert(rd, e, false);
	case NFT_EXPR_MASQ: return stmt_masq(rd, e, "masquerade");
	case NFT_EXPR_REDIR: return stmt_masq(rd, e, "redirect");
	case NFT_EXPR_REJECT: return stmt_reject(rd, e);
	case NFT_EXPR_LOG: return stmt_log(rd, e);
	case NFT_EXPR_LIMIT: return stmt_limit(rd, e);
	case NFT_EXPR_QUOTA: return stmt_quota(rd, e);
	case NFT_EXPR_EXTHDR: return stmt_exthdr(rd, e);
	case NFT_EXPR_PAYLOAD: return stmt_payload_set(rd, e);
	case NFT_EXPR_DYNSET: return stmt_dynset(rd, e);
	case NFT_EXPR_OBJREF: return (out = nft_rd_stmt(rd)) && nft_rd_objref(rd, e, out, false);
	case NFT_EXPR_MATCH:
	case NFT_EXPR_TARGET:
		return stmt_xt(rd, e);
	default:
		return false;
	}
}

void nft_print_rule(struct strbuf *out, const struct nft_rule *r, const struct nft_print_ctx *ctx)
{
	struct render *rd = nft_rd_new(ctx);
	const char *sep = "";
	size_t i;

	if (!rd) {
		out->failed = true;
		return;
	}
	for (i = 0; i < r->expr_count; i++)
		nft_rd_expr(rd, &r->exprs[i], render_expr);
	for (i = 0; i < rd->count; i++) {
		if (!rd->stmts[i].dropped && (rd->stmts[i].text.len || rd->stmts[i].empty_kept)) {
			strbuf_printf(out, "%s%s", sep, rd->stmts[i].text.len ? rd->stmts[i].text.data : "");
			sep = " ";
		}
	}
	if (r->comment)
		strbuf_printf(out, "%scomment \"%s\"", sep, r->comment);
	if (rd->untranslated.len)
		strbuf_printf(out, " # sonde: not rendered: %s", rd->untranslated.data);
	nft_rd_free(rd);
}

