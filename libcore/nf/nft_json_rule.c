/* One rule in libnftables' JSON schema: {"rule": {family, table, chain,
 * handle, [comment], expr: [statement, ...]}}, each statement as `nft -j`
 * 1.0.6 writes it ({"match": {"op", "left", "right"}}, {"vmap": ...},
 * {"counter": ...}, {"jump": {"target"}}, {"mangle": ...}, {"dnat": ...}).
 * The registers are followed by nft_render.c, as for the listing, so the
 * same guards fold away and the same ranges form. */
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"

/* Where a match's operator sits: `{"match": {"op": "` is 18 bytes. */
#define MATCH_OP_AT 18

/* --- matches --------------------------------------------------------------------- */

static const char *json_op(uint32_t op)
{
	switch (op) {
	case NFT_CMP_EQ: return "==";
	case NFT_CMP_NEQ: return "!=";
	case NFT_CMP_LT: return "<";
	case NFT_CMP_LTE: return "<=";
	case NFT_CMP_GT: return ">";
	case NFT_CMP_GTE: return ">=";
	default: return "??";
	}
}

/* Opens {"match": {"op": OP, "left": LHS, "right": ; the caller writes the
 * right-hand side and closes with "}}". */
static struct strbuf *match_open(struct render *rd, const char *op, uint32_t sreg, const struct reg_src **src,
				uint32_t *type)
{
	const struct reg_src *s = nft_rd_reg(rd, sreg);
	struct strbuf *out;
	bool fold;

	if (!s || !(out = nft_rd_stmt(rd)))
		return NULL;
	strbuf_printf(out, "{\"match\": {\"op\": \"%s\", \"left\": ", op);
	if (!nft_json_src(rd, s, out, type, &fold))
		return NULL;
	if (fold)
		nft_rd_fold_l4proto(rd);
	*src = s;
	return out;
}

/* A compare over a masked register: a prefix, a flag test (ct state), or
 * {"&": [LHS, mask]}. */
static void masked_rhs(struct strbuf *out, const struct nft_expr *e, const struct reg_src *s, uint32_t type,
		       size_t left_at)
{
	size_t full = type == NFT_TYPE_IP6ADDR ? 16 : 4;
	int bits = nft_prefix_len(s->mask, e->data.len);

	if ((type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR) && bits >= 0 && e->data.len == full) {
		strbuf_puts(out, ", \"right\": ");
		strbuf_puts(out, "{\"prefix\": {\"addr\": ");
		nft_json_value(out, type, e->data.bytes, e->data.len);
		strbuf_printf(out, ", \"len\": %d}}}}", bits);
		return;
	}
	/* A flag test, `ct state established,related`: "in"; `tcp flags !
	 * syn`: "!" (the operator is rewritten in place). */
	if (nft_rd_is_flags(type) && nft_rd_all_zero(e->data.bytes, e->data.len) &&
	    (e->u.cmp.op == NFT_CMP_NEQ || e->u.cmp.op == NFT_CMP_EQ)) {
		if (e->u.cmp.op == NFT_CMP_NEQ) {
			memcpy(out->data + MATCH_OP_AT, "in", 2);
		} else { /* none of them: "!", one byte shorter */
			out->data[MATCH_OP_AT] = '!';
			memmove(out->data + MATCH_OP_AT + 1, out->data + MATCH_OP_AT + 2, out->len - MATCH_OP_AT - 1);
			out->len--;
		}
		strbuf_puts(out, ", \"right\": ");
		nft_json_value(out, type, s->mask, e->data.len);
		strbuf_puts(out, "}}");
		return;
	}
	/* "left": LHS becomes "left": {"&": [LHS, mask]}. */
	{
		struct strbuf lhs = { 0 };

		strbuf_add(&lhs, out->data + left_at, out->len - left_at);
		out->len = left_at;
		out->data[left_at] = '\0';
		strbuf_puts(out, "{\"&\": [");
		strbuf_add(out, lhs.data, lhs.len);
		strbuf_puts(out, ", ");
		nft_json_value(out, type, s->mask, e->data.len);
		strbuf_puts(out, "]}, \"right\": ");
		nft_json_value(out, type, e->data.bytes, e->data.len);
		strbuf_puts(out, "}}");
		strbuf_free(&lhs);
	}
}

/* A ct label bit: its name from /etc/connlabel.conf, else its number. */
static void json_label(struct strbuf *out, int bit)
{
	const char *name = nft_ct_label_name(bit);

	if (name)
		nft_json_string(out, name);
	else
		strbuf_printf(out, "%d", bit);
}

/* {"match": {"op": "in", "left": {"ct": {"key": "label"}}, "right": 127}}. */
static bool json_label_test(struct render *rd, const struct reg_src *s, const struct nft_expr *e)
{
	int bit = nft_ct_label_test(s, e);
	struct strbuf *out;

	if (bit < 0 || !(out = nft_rd_stmt(rd)))
		return false;
	strbuf_puts(out, "{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"label\"}}, \"right\": ");
	json_label(out, bit);
	strbuf_puts(out, "}}");
	return true;
}

static bool json_cmp(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *s;
	uint32_t type;
	size_t left_at;
	struct strbuf *out;
	struct nft_expr host_copy, field_copy;
	uint32_t or_bits;
	int prefix_bits;

	/* nft writes a range as `>= low` then `<= high` on the same field. */
	s = nft_rd_reg(rd, e->u.cmp.sreg);
	if (e->u.cmp.op == NFT_CMP_LTE && rd->gte_stmt == (int)rd->count - 1 && s && nft_rd_closes_range(rd, s)) {
		struct strbuf *low = &rd->stmts[rd->gte_stmt].text;
		uint32_t range_type = nft_json_range_type(rd->gte_type);

		if (rd->gte_type == NFT_TYPE_DSCP)
			return false;   /* how nft numbers a dscp range is not known here */

		/* The field naming of the >= still holds (same field, same mask). */
		e = nft_rd_host_values(s, rd->gte_type, e, &host_copy);
		e = nft_rd_field_values(rd, e, &field_copy);
		/* {"match": {"op": ">=", "left": L, "right": V}} becomes
		 * {"match": {"op": "==", "left": L, "right": {"range": [LOW, HIGH]}}}. */
		low->len = rd->gte_op_at;
		low->data[low->len] = '\0';
		strbuf_puts(low, "{\"range\": [");
		nft_json_value(low, range_type, rd->gte_low.bytes, rd->gte_low.len);
		strbuf_puts(low, ", ");
		nft_json_value(low, range_type, e->data.bytes, e->data.len);
		strbuf_puts(low, "]}}}");
		memcpy(low->data + MATCH_OP_AT, "==", 2);
		rd->gte_stmt = -1;
		return true;
	}
	out = match_open(rd, json_op(e->u.cmp.op), e->u.cmp.sreg, &s, &type);
	if (!out || (s->masked && s->big_endian))
		return false;
	e = nft_rd_host_values(s, type, e, &host_copy);
	e = nft_rd_field_values(rd, e, &field_copy);
	left_at = strstr(out->data, "\"left\": ") - out->data + 8;
	if (s->masked && !rd->field_mask_consumed && nft_rd_or_form(s, type, e, &or_bits)) {
		/* "left": LHS becomes "left": {"|": [LHS, bits]}. */
		struct strbuf lhs = { 0 };

		strbuf_add(&lhs, out->data + left_at, out->len - left_at);
		out->len = left_at;
		out->data[left_at] = '\0';
		strbuf_printf(out, "{\"|\": [%s, %" PRIu32 "]}, \"right\": ", lhs.data ? lhs.data : "", or_bits);
		nft_json_value(out, type, e->data.bytes, e->data.len);
		strbuf_puts(out, "}}");
		strbuf_free(&lhs);
		return true;
	}
	if (nft_rd_all_tcp_flags(s, type, e)) {
		strbuf_puts(out, ", \"right\": 255}}");
		return true;
	}
	if (s->masked && !rd->field_mask_consumed && nft_rd_mark_prefix(s, type, e, &prefix_bits)) {
		strbuf_puts(out, ", \"right\": {\"prefix\": {\"addr\": ");
		nft_json_value(out, type, e->data.bytes, e->data.len);
		strbuf_printf(out, ", \"len\": %d}}}}", prefix_bits);
		return true;
	}
	if (s->masked && !rd->field_mask_consumed) {
		/* Only the shapes masked_rhs writes as nft -j does. */
		if (!nft_rd_masked_cmp_known(s, type, e))
			return false;
		masked_rhs(out, e, s, type, left_at);
		return true;
	}
	strbuf_puts(out, ", \"right\": ");
	if (e->u.cmp.op == NFT_CMP_GTE) {
		rd->gte_stmt = (int)rd->count - 1;
		rd->gte_op_at = out->len;
		rd->gte_type = type;
		rd->gte_src = *s;
		rd->gte_low = e->data;
		rd->gte_low.chain = NULL;
	}
	if ((type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR) && e->data.len < (type == NFT_TYPE_IPADDR ? 4u : 16u)) {
		/* A prefix compared on its leading bytes only (payload or ct). */
		uint8_t addr[16] = { 0 };

		memcpy(addr, e->data.bytes, e->data.len);
		strbuf_puts(out, "{\"prefix\": {\"addr\": ");
		nft_json_value(out, type, addr, type == NFT_TYPE_IPADDR ? 4 : 16);
		strbuf_printf(out, ", \"len\": %u}}", e->data.len * 8);
	} else {
		nft_json_value(out, type, e->data.bytes, e->data.len);
	}
	strbuf_puts(out, "}}");
	nft_rd_note_guard(rd, s, e);
	return true;
}

static bool json_range_match(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *s;
	uint32_t type;
	struct strbuf *out = match_open(rd, e->u.range.op == NFT_RANGE_NEQ ? "!=" : "==", e->u.range.sreg, &s, &type);
	struct nft_expr host_copy, field_copy;

	if (!out || (s->masked && !rd->field_mask_consumed) || type == NFT_TYPE_DSCP)
		return false;
	e = nft_rd_host_values(s, type, e, &host_copy);
	e = nft_rd_field_values(rd, e, &field_copy);
	/* nft writes a range's ends numerically. */
	type = nft_json_range_type(type);
	strbuf_puts(out, ", \"right\": {\"range\": [");
	nft_json_value(out, type, e->data.bytes, e->data.len);
	strbuf_puts(out, ", ");
	nft_json_value(out, type, e->data2.bytes, e->data2.len);
	strbuf_puts(out, "]}}}");
	return true;
}

static bool json_lookup(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? nft_rd_find_set(rd, e->text) : NULL;
	struct strbuf *out;

	if (!set || !nft_rd_flag_set_known(set) || !(out = nft_rd_stmt(rd)))
		return false;
	if (e->u.lookup.has_dreg && e->u.lookup.dreg != NFT_REG_VERDICT)
		return false;
	nft_rd_note_key_order(rd, set, e->u.lookup.sreg);
	if (e->u.lookup.has_dreg) {
		strbuf_puts(out, "{\"vmap\": {\"key\": ");
		if (!nft_rd_lookup_key(rd, set, e->u.lookup.sreg, out, true))
			return false;
		strbuf_puts(out, ", \"data\": ");
	} else {
		strbuf_printf(out, "{\"match\": {\"op\": \"%s\", \"left\": ",
			     (e->u.lookup.flags & NFT_LOOKUP_F_INV) ? "!=" : "==");
		if (!nft_rd_lookup_key(rd, set, e->u.lookup.sreg, out, true))
			return false;
		strbuf_puts(out, ", \"right\": ");
	}
	nft_rd_set_ref(out, set, true);
	strbuf_puts(out, "}}");
	return true;
}

/* --- statements ------------------------------------------------------------------- */

/* `meta mark set meta mark | 0x4000`: {"|": [{"meta": ...}, 16384]}. */
static bool mangle_value(struct render *rd, const struct reg_src *s, uint32_t type, struct strbuf *out)
{
	struct strbuf lhs = { 0 };
	struct reg_src unshifted = *s;
	uint32_t lhs_type, mask, xor_;
	bool fold;

	if (s->kind == SRC_IMMEDIATE) {
		nft_json_value(out, type, s->value.bytes, s->value.len);
		return true;
	}
	if (s->kind == SRC_MAP)
		return nft_rd_map(rd, s, out, true);
	unshifted.shift_op = 0;
	if (!nft_json_src(rd, &unshifted, &lhs, &lhs_type, &fold)) {
		strbuf_free(&lhs);
		return false;
	}
	/* A shift applied last: {"<<": [VALUE, 8]}. */
	if (s->shift_op)
		strbuf_printf(out, "{\"%s\": [", s->shift_op == NFT_BITWISE_LSHIFT ? "<<" : ">>");
	mask = nft_host_u32(s->mask);
	xor_ = nft_host_u32(s->xor_);
	if (!s->masked)
		strbuf_add(out, lhs.data, lhs.len);
	else if (mask == ~xor_)
		strbuf_printf(out, "{\"|\": [%s, %u]}", lhs.data, xor_);
	else if (mask == 0xffffffffu)
		strbuf_printf(out, "{\"^\": [%s, %u]}", lhs.data, xor_);
	else if (xor_ == 0)
		strbuf_printf(out, "{\"&\": [%s, %u]}", lhs.data, mask);
	else
		strbuf_printf(out, "{\"^\": [{\"&\": [%s, %u]}, %u]}", lhs.data, mask, xor_);
	if (s->shift_op)
		strbuf_printf(out, ", %u]}", s->shift_bits);
	strbuf_free(&lhs);
	return true;
}

static bool json_mangle(struct render *rd, const struct nft_expr *e, bool ct)
{
	const struct reg_src *s = nft_rd_reg(rd, ct ? e->u.ct.sreg : e->u.meta.sreg);
	struct reg_src key = { .kind = ct ? SRC_CT : SRC_META, .key = ct ? e->u.ct.key : e->u.meta.key,
			       .dir = ct ? e->u.ct.dir : 0, .has_dir = ct && e->u.ct.has_dir };
	struct strbuf *out;
	uint32_t type;
	bool fold;

	if (!s || !(out = nft_rd_stmt(rd)))
		return false;
	if (ct && e->u.ct.key == NFT_CT_LABELS && !e->u.ct.has_dir && nft_ct_label_write(s) >= 0) {
		strbuf_puts(out, "{\"mangle\": {\"key\": {\"ct\": {\"key\": \"label\"}}, \"value\": ");
		json_label(out, nft_ct_label_write(s));
		strbuf_puts(out, "}}");
		return true;
	}
	strbuf_puts(out, "{\"mangle\": {\"key\": ");
	if (!nft_json_src(rd, &key, out, &type, &fold))
		return false;
	strbuf_puts(out, ", \"value\": ");
	if (!mangle_value(rd, s, type, out))
		return false;
	strbuf_puts(out, "}}");
	return true;
}

/* "addr"/"port": one value, or {"range": [low, high]}. */
static void nat_value(struct strbuf *out, const char *key, uint32_t type, const struct reg_src *min,
		      const struct reg_src *max, size_t len, const char **sep)
{
	size_t prefix;

	strbuf_printf(out, "%s\"%s\": ", *sep, key);
	*sep = ", ";
	if (type != NFT_TYPE_INET_SERVICE && max && max != min && max->kind == SRC_IMMEDIATE &&
	    max->value.len == min->value.len && memcmp(max->value.bytes, min->value.bytes, len) != 0 &&
	    nft_range_prefix(min->value.bytes, max->value.bytes, min->value.len, &prefix)) {
		strbuf_puts(out, "{\"prefix\": {\"addr\": ");
		nft_json_value(out, type, min->value.bytes, min->value.len);
		strbuf_printf(out, ", \"len\": %zu}}", prefix);
		return;
	}
	if (max && max != min && max->kind == SRC_IMMEDIATE && memcmp(max->value.bytes, min->value.bytes, len) != 0) {
		strbuf_puts(out, "{\"range\": [");
		nft_json_value(out, type, min->value.bytes, min->value.len);
		strbuf_puts(out, ", ");
		nft_json_value(out, type, max->value.bytes, max->value.len);
		strbuf_puts(out, "]}");
		return;
	}
	nft_json_value(out, type, min->value.bytes, min->value.len);
}

static bool json_nat(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *amin = e->u.nat.addr_min ? nft_rd_reg(rd, e->u.nat.addr_min) : NULL;
	const struct reg_src *amax = e->u.nat.addr_max ? nft_rd_reg(rd, e->u.nat.addr_max) : NULL;
	const struct reg_src *pmin = e->u.nat.proto_min ? nft_rd_reg(rd, e->u.nat.proto_min) : NULL;
	const struct reg_src *pmax = e->u.nat.proto_max ? nft_rd_reg(rd, e->u.nat.proto_max) : NULL;
	bool v6 = e->u.nat.family == NFPROTO_IPV6;
	struct strbuf *out = nft_rd_stmt(rd);
	const char *sep = "";

	if (out && amin && amin->kind == SRC_MAP)
		return nft_rd_nat_map(rd, e, out, true);
	if (!out || (amin && amin->kind != SRC_IMMEDIATE) || (pmin && pmin->kind != SRC_IMMEDIATE))
		return false;
	strbuf_printf(out, "{\"%s\": {", e->u.nat.type == NFT_NAT_SNAT ? "snat" : "dnat");
	if (rd->ctx->family == NFPROTO_INET && amin) {
		strbuf_printf(out, "\"family\": \"%s\"", nft_family_name((int)e->u.nat.family));
		sep = ", ";
	}
	if (amin)
		nat_value(out, "addr", v6 ? NFT_TYPE_IP6ADDR : NFT_TYPE_IPADDR, amin, amax, v6 ? 16 : 4, &sep);
	if (pmin)
		nat_value(out, "port", NFT_TYPE_INET_SERVICE, pmin, pmax, 2, &sep);
	nft_rd_nat_flags_json(out, e->u.nat.flags, sep);
	strbuf_puts(out, "}}");
	return true;
}

/* masquerade and redirect: null, or their port and flags. */
static bool json_masq(struct render *rd, const struct nft_expr *e, const char *word)
{
	const struct reg_src *pmin = e->u.masq.proto_min ? nft_rd_reg(rd, e->u.masq.proto_min) : NULL;
	const struct reg_src *pmax = e->u.masq.proto_max ? nft_rd_reg(rd, e->u.masq.proto_max) : NULL;
	struct strbuf *out = nft_rd_stmt(rd);
	const char *sep = "";
	size_t open_at;

	if (!out)
		return false;
	if (pmin && pmin->kind == SRC_MAP)
		return nft_rd_port_map(rd, e, word, out, true);
	if (pmin && pmin->kind != SRC_IMMEDIATE)
		return false;
	strbuf_printf(out, "{\"%s\": {", word);
	open_at = out->len - 1;
	if (pmin)
		nat_value(out, "port", NFT_TYPE_INET_SERVICE, pmin, pmax, 2, &sep);
	if (nft_rd_nat_flags_json(out, e->u.masq.flags, sep))
		sep = ", ";
	if (!*sep) {
		out->len = open_at;
		out->data[open_at] = '\0';
		strbuf_puts(out, "null}");
		return true;
	}
	strbuf_puts(out, "}}");
	return true;
}

static bool json_reject(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);
	const char *kind, *name;
	bool is_default;

	if (!out)
		return false;
	nft_rd_reject_guards(rd, e);
	if (e->u.reject.type == NFT_REJECT_TCP_RST) {
		strbuf_puts(out, "{\"reject\": {\"type\": \"tcp reset\"}}");
		return true;
	}
	/* nft -j names the code even when it is the default one. */
	kind = nft_rd_reject(rd, e, &name, &is_default);
	strbuf_printf(out, "{\"reject\": {\"type\": \"%s\", \"expr\": ", kind);
	if (name)
		strbuf_printf(out, "\"%s\"}}", name);
	else
		strbuf_printf(out, "%u}}", e->u.reject.code);
	return true;
}

/* "flags": one word as a string, several as an array. */
static void json_log_flags(struct strbuf *out, const char *sep, uint32_t flags)
{
	const char *words[8];
	size_t n = nft_rd_log_flag_words(flags, words, 8), i;

	strbuf_printf(out, "%s\"flags\": %s", sep, n > 1 ? "[" : "");
	for (i = 0; i < n; i++)
		strbuf_printf(out, "%s\"%s\"", i ? ", " : "", words[i]);
	strbuf_puts(out, n > 1 ? "]" : "");
}

static bool json_log(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);
	const char *level = nft_rd_log_level(e), *sep = "";

	if (!out)
		return false;
	strbuf_puts(out, "{\"log\": {");
	if (e->text) {
		nft_json_key(out, "prefix");
		nft_json_string(out, e->text);
		sep = ", ";
	}
	if (e->u.log.has_group) {
		strbuf_printf(out, "%s\"group\": %u", sep, e->u.log.group);
		sep = ", ";
	}
	if (e->u.log.has_snaplen && e->u.log.snaplen) {
		strbuf_printf(out, "%s\"snaplen\": %u", sep, e->u.log.snaplen);
		sep = ", ";
	}
	if (e->u.log.qthreshold) {
		strbuf_printf(out, "%s\"queue-threshold\": %u", sep, e->u.log.qthreshold);
		sep = ", ";
	}
	if (level) {
		strbuf_printf(out, "%s\"level\": \"%s\"", sep, level);
		sep = ", ";
	}
	if (e->u.log.flags) {
		json_log_flags(out, sep, e->u.log.flags);
		sep = ", ";
	}
	if (!*sep) {
		strbuf_reset(out);
		strbuf_puts(out, "{\"log\": null}");
		return true;
	}
	strbuf_puts(out, "}}");
	return true;
}

static bool json_limit(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);

	if (!out)
		return false;
	if (e->u.limit.type == NFT_LIMIT_PKT_BYTES) {
		uint64_t rate, burst;
		const char *rate_unit = nft_rd_data_unit(e->u.limit.rate, &rate);
		const char *burst_unit = nft_rd_data_unit(e->u.limit.burst, &burst);

		strbuf_printf(out, "{\"limit\": {\"rate\": %" PRIu64 ", \"burst\": %" PRIu64 ", \"per\": \"%s\"%s, "
			     "\"rate_unit\": \"%s\", \"burst_unit\": \"%s\"}}", rate, burst,
			     nft_rd_limit_unit(e->u.limit.unit), (e->u.limit.flags & NFT_LIMIT_F_INV) ? ", \"inv\": true" : "",
			     rate_unit, burst_unit);
		return true;
	}
	strbuf_printf(out, "{\"limit\": {\"rate\": %" PRIu64 ", \"burst\": %u, \"per\": \"%s\"%s}}", e->u.limit.rate,
		     e->u.limit.burst, nft_rd_limit_unit(e->u.limit.unit),
		     (e->u.limit.flags & NFT_LIMIT_F_INV) ? ", \"inv\": true" : "");
	return true;
}

static bool json_quota(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);
	uint64_t count;
	const char *data_unit = nft_rd_data_unit(e->u.quota.bytes, &count);

	if (!out)
		return false;
	strbuf_printf(out, "{\"quota\": {\"val\": %" PRIu64 ", \"val_unit\": \"%s\"", count, data_unit);
	if (e->u.quota.flags & NFT_QUOTA_F_INV)
		strbuf_puts(out, ", \"inv\": true");
	if (!rd->ctx->stateless && e->u.quota.consumed) {
		data_unit = nft_rd_data_unit(e->u.quota.consumed, &count);
		strbuf_printf(out, ", \"used\": %" PRIu64 ", \"used_unit\": \"%s\"", count, data_unit);
	}
	strbuf_puts(out, "}}");
	return true;
}

/* A set update's or meter's key: the key itself, or {"elem": {"val":
 * KEY, "timeout": SECS}} when it carries a timeout. */
static bool json_dynset_key(struct render *rd, struct nft_set *set, const struct nft_expr *e, struct strbuf *out)
{
	if (e->u.dynset.timeout_ms)
		strbuf_puts(out, "{\"elem\": {\"val\": ");
	if (!nft_rd_lookup_key(rd, set, e->u.dynset.sreg_key, out, true))
		return false;
	if (e->u.dynset.timeout_ms)
		strbuf_printf(out, ", \"timeout\": %" PRIu64 "}}", e->u.dynset.timeout_ms / 1000);
	return true;
}

/* {"meter": {"name": "xyz", "size": 8192, "key": {"elem": {"val": KEY,
 * "timeout": 30}}, "stmt": {"counter": null}}}. */
static bool json_meter(struct render *rd, struct nft_set *set, const struct nft_expr *e, struct strbuf *out)
{
	strbuf_puts(out, "{\"meter\": {\"name\": ");
	nft_json_string(out, set->name);
	strbuf_printf(out, ", \"size\": %u, \"stmt\": {\"counter\": null}, \"key\": ", set->size);
	if (!json_dynset_key(rd, set, e, out))
		return false;
	strbuf_puts(out, "}}");
	return true;
}

static bool json_dynset(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? nft_rd_find_set(rd, e->text) : NULL;
	struct strbuf *out;

	if (!set || !(out = nft_rd_stmt(rd)) || (e->u.dynset.stmt && !nft_rd_is_meter(set, e) && !nft_rd_set_counter(set, e)))
		return false;
	if (nft_rd_is_meter(set, e))
		return json_meter(rd, set, e, out);
	strbuf_printf(out, "{\"set\": {\"op\": \"%s\", \"elem\": ", nft_rd_dynset_op(e));
	if (!json_dynset_key(rd, set, e, out))
		return false;
	/* A set update's counter, stateless as nft -j shows it there. */
	if (e->u.dynset.stmt)
		strbuf_puts(out, ", \"stmt\": [{\"counter\": null}]");
	strbuf_puts(out, ", \"set\": ");
	nft_rd_set_ref(out, set, true);
	strbuf_puts(out, "}}");
	return true;
}

/* {"mangle": {"key": {"payload": {"protocol": "ip", "field": "ttl"}}, "value": 23}}. */
static bool json_payload_set(struct render *rd, const struct nft_expr *e)
{
	struct reg_src field = { .kind = SRC_PAYLOAD, .e = e, .base = e->u.payload.base, .offset = e->u.payload.offset,
				 .len = e->u.payload.len };
	const struct reg_src *value = nft_rd_reg(rd, e->u.payload.sreg);
	struct strbuf *out = nft_rd_stmt(rd);
	struct nft_expr rmw_value, copy;
	const struct nft_data *shown;
	uint32_t type;
	bool fold, rmw = nft_rd_rmw_field(e, value, &field, &rmw_value);

	if (!out || !value || (!rmw && (value->kind != SRC_IMMEDIATE || value->value.len != e->u.payload.len)))
		return false;
	strbuf_puts(out, "{\"mangle\": {\"key\": ");
	if (!nft_json_src(rd, &field, out, &type, &fold) || type == NFT_TYPE_RAW ||
	    (field.masked && !rd->field_mask_consumed))
		return false;
	if (fold)
		nft_rd_fold_l4proto(rd);
	strbuf_puts(out, ", \"value\": ");
	shown = rmw ? &nft_rd_field_values(rd, &rmw_value, &copy)->data : &value->value;
	nft_json_value(out, type, shown->bytes, shown->len);
	strbuf_puts(out, "}}");
	return true;
}

/* {"mangle": {"key": {"tcp option": ...}, "value": 1360}}, {"reset": ...}. */
static bool json_exthdr_stmt(struct render *rd, const struct nft_expr *e)
{
	struct reg_src field = { .kind = SRC_EXTHDR, .e = e };
	const struct reg_src *value = e->u.exthdr.sreg ? nft_rd_reg(rd, e->u.exthdr.sreg) : NULL;
	struct strbuf *out = nft_rd_stmt(rd), text = { 0 };
	uint32_t type;
	bool fold, ok;

	if (!out)
		return false;
	if (!e->u.exthdr.sreg)
		return nft_exthdr_reset_name(e, out, true);
	ok = value && nft_rd_exthdr_value_known(value) && nft_rd_src_name(rd, &field, &text, &type, &fold);
	strbuf_free(&text);
	if (!ok)
		return false;
	strbuf_puts(out, "{\"mangle\": {\"key\": ");
	nft_json_exthdr(out, &field);
	strbuf_puts(out, ", \"value\": ");
	if (value->kind != SRC_IMMEDIATE && !nft_json_src(rd, value, out, &type, &fold))
		return false;
	if (value->kind == SRC_IMMEDIATE)
		nft_json_value(out, type, value->value.bytes, value->value.len);
	strbuf_puts(out, "}}");
	return true;
}

static bool json_simple(struct render *rd, const struct nft_expr *e)
{
	struct strbuf *out = nft_rd_stmt(rd);

	if (!out)
		return false;
	switch (e->kind) {
	case NFT_EXPR_IMMEDIATE:
		nft_json_verdict(out, &e->data);
		return true;
	case NFT_EXPR_COUNTER:
		nft_rd_pin_guards(rd);
		if (rd->ctx->stateless)
			strbuf_puts(out, "{\"counter\": null}");
		else
			strbuf_printf(out, "{\"counter\": {\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 "}}",
				     e->u.counter.packets, e->u.counter.bytes);
		return true;
	default:
		strbuf_printf(out, "{\"xt\": {\"type\": \"%s\", \"name\": ", e->kind == NFT_EXPR_MATCH ? "match" : "target");
		nft_json_string(out, e->xt_name);
		strbuf_puts(out, "}}");
		if (rd->l4proto_stmt >= 0) /* nft keeps a guard an xt statement follows */
			rd->l4proto_pinned = true;
		return true;
	}
}

static bool json_expr(struct render *rd, const struct nft_expr *e)
{
	int tracked = nft_rd_track(rd, e);

	if (tracked)
		return tracked > 0;
	switch (e->kind) {
	case NFT_EXPR_META: return json_mangle(rd, e, false);
	case NFT_EXPR_CT: return json_mangle(rd, e, true);
	case NFT_EXPR_CMP: {
		const struct reg_src *s = nft_rd_reg(rd, e->u.cmp.sreg);
		int split;

		if (s && s->kind == SRC_CT && s->key == NFT_CT_LABELS)
			return json_label_test(rd, s, e);
		split = nft_rd_split_cmp(rd, e, json_cmp);

		return split >= 0 ? split > 0 : json_cmp(rd, e);
	}
	case NFT_EXPR_RANGE: return json_range_match(rd, e);
	case NFT_EXPR_LOOKUP: return json_lookup(rd, e);
	case NFT_EXPR_NAT: return json_nat(rd, e);
	case NFT_EXPR_TPROXY:
	case NFT_EXPR_DUP:
	case NFT_EXPR_FWD:
	case NFT_EXPR_SYNPROXY:
	case NFT_EXPR_NOTRACK:
	case NFT_EXPR_CONNLIMIT:
		return nft_rd_divert(rd, e, true);
	case NFT_EXPR_MASQ: return json_masq(rd, e, "masquerade");
	case NFT_EXPR_REDIR: return json_masq(rd, e, "redirect");
	case NFT_EXPR_REJECT: return json_reject(rd, e);
	case NFT_EXPR_LOG: return json_log(rd, e);
	case NFT_EXPR_LIMIT: return json_limit(rd, e);
	case NFT_EXPR_QUOTA: return json_quota(rd, e);
	case NFT_EXPR_EXTHDR: return json_exthdr_stmt(rd, e);
	case NFT_EXPR_PAYLOAD: return json_payload_set(rd, e);
	case NFT_EXPR_DYNSET: return json_dynset(rd, e);
	case NFT_EXPR_OBJREF: {
		struct strbuf *out = nft_rd_stmt(rd);

		return out && nft_rd_objref(rd, e, out, true);
	}
	case NFT_EXPR_IMMEDIATE: case NFT_EXPR_COUNTER: case NFT_EXPR_MATCH: case NFT_EXPR_TARGET:
		return json_simple(rd, e);
	default:
		return false;
	}
}

void nft_json_rule(struct strbuf *out, const struct nft_rule *r, const char *table, const char *chain,
		   const struct nft_print_ctx *ctx)
{
	struct render *rd = nft_rd_new(ctx);
	const char *sep = "";
	size_t i;

	if (!rd) {
		out->failed = true;
		return;
	}
	for (i = 0; i < r->expr_count; i++)
		nft_rd_expr(rd, &r->exprs[i], json_expr);
	strbuf_printf(out, "{\"rule\": {\"family\": \"%s\"", nft_family_name(r->family));
	nft_json_member(out, "table", table);
	nft_json_member(out, "chain", chain);
	strbuf_printf(out, ", \"handle\": %" PRIu64, r->handle);
	if (r->comment)
		nft_json_member(out, "comment", r->comment);
	strbuf_puts(out, ", \"expr\": [");
	for (i = 0; i < rd->count; i++) {
		if (!rd->stmts[i].dropped && rd->stmts[i].text.len) {
			strbuf_printf(out, "%s%s", sep, rd->stmts[i].text.data);
			sep = ", ";
		}
	}
	/* What sonde cannot put in nft's terms is named, not dropped. */
	if (rd->untranslated.len) {
		strbuf_printf(out, "%s{\"sonde-not-rendered\": ", sep);
		nft_json_string(out, rd->untranslated.data);
		strbuf_puts(out, "}");
	}
	strbuf_puts(out, "]}}");
	nft_rd_free(rd);
}
