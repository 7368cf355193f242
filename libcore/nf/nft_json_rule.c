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

/* --- left-hand sides ------------------------------------------------------------ */

static void json_payload(struct strbuf *out, const char *words)
{
	unsigned offset_bits, len_bits;
	char base[4];
	const char *space = strchr(words, ' ');

	/* A raw load, "@nh,64,8". */
	if (words[0] == '@' && sscanf(words + 1, "%3[^,],%u,%u", base, &offset_bits, &len_bits) == 3) {
		strbuf_printf(out, "{\"payload\": {\"base\": \"%s\", \"offset\": %u, \"len\": %u}}", base, offset_bits,
			     len_bits);
		return;
	}
	strbuf_puts(out, "{\"payload\": {\"protocol\": ");
	if (space) {
		char protocol[16];

		snprintf(protocol, sizeof(protocol), "%.*s", (int)(space - words), words);
		nft_json_string(out, protocol);
		strbuf_puts(out, ", \"field\": ");
		nft_json_string(out, space + 1);
	} else {
		nft_json_string(out, words);
	}
	strbuf_puts(out, "}}");
}

/* "ct original ip saddr": the direction apart, the rest is the key. */
static void json_ct(struct strbuf *out, const char *words)
{
	const char *dir = NULL;

	words += strncmp(words, "ct ", 3) == 0 ? 3 : 0;
	if (strncmp(words, "original ", 9) == 0) {
		dir = "original";
		words += 9;
	} else if (strncmp(words, "reply ", 6) == 0) {
		dir = "reply";
		words += 6;
	}
	strbuf_puts(out, "{\"ct\": {\"key\": ");
	nft_json_string(out, words);
	if (dir)
		strbuf_printf(out, ", \"dir\": \"%s\"", dir);
	strbuf_puts(out, "}}");
}

static void json_fib(struct strbuf *out, const struct nft_expr *e, uint32_t *type)
{
	static const struct { uint32_t bit; const char *name; } flags[] = {
		{ NFTA_FIB_F_SADDR, "saddr" }, { NFTA_FIB_F_DADDR, "daddr" }, { NFTA_FIB_F_MARK, "mark" },
		{ NFTA_FIB_F_IIF, "iif" }, { NFTA_FIB_F_OIF, "oif" },
	};
	const char *sep = "";
	size_t i;

	switch (e->u.fib.result) {
	case NFT_FIB_RESULT_OIF:
		/* nft 1.0.6 writes an oif result as a string ("0"). */
		strbuf_puts(out, "{\"fib\": {\"result\": \"oif\"");
		*type = NFT_TYPE_NUMBER_STRING;
		break;
	case NFT_FIB_RESULT_OIFNAME:
		strbuf_puts(out, "{\"fib\": {\"result\": \"oifname\"");
		*type = NFT_TYPE_IFNAME;
		break;
	default:
		strbuf_puts(out, "{\"fib\": {\"result\": \"type\"");
		*type = NFT_TYPE_FIB_ADDR;
		break;
	}
	strbuf_puts(out, ", \"flags\": [");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!(e->u.fib.flags & flags[i].bit))
			continue;
		strbuf_printf(out, "%s\"%s\"", sep, flags[i].name);
		sep = ", ";
	}
	strbuf_puts(out, "]}}");
}

/* {"tcp option": {"name": "maxseg", "field": "size"}}, {"exthdr": {"name":
 * "hbh"}}, {"tcp option": {"base": 255, "len": 8, "offset": 8}}. */
static void json_exthdr(struct strbuf *out, const struct reg_src *s)
{
	struct nft_field_desc d;

	if (!nft_exthdr_describe(s, &d))
		return;
	strbuf_printf(out, "{\"%s\": {", d.json_key);
	if (d.raw)
		strbuf_printf(out, "\"base\": %u, \"len\": %u, \"offset\": %u", d.raw_kind, d.raw_len_bits,
			     d.raw_offset_bits);
	else
		strbuf_printf(out, "\"name\": \"%s\"", d.name);
	if (!d.raw && d.field)
		strbuf_printf(out, ", \"field\": \"%s\"", d.field);
	strbuf_puts(out, "}}");
}

/* What a register holds, as a JSON expression; the names are nft's words
 * of the listing, which the JSON schema keeps ("ip" "saddr", "l4proto"). */
static bool json_src(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type, bool *fold)
{
	struct strbuf words = { 0 };
	const char *w;

	*fold = false;
	if (s->kind == SRC_FIB) {
		/* fib ... exists / missing (NFTA_FIB_F_PRESENT): not written here. */
		if (s->e->u.fib.flags & ~(uint32_t)(NFTA_FIB_F_SADDR | NFTA_FIB_F_DADDR | NFTA_FIB_F_MARK | NFTA_FIB_F_IIF |
						    NFTA_FIB_F_OIF))
			return false;
		json_fib(out, s->e, type);
		return true;
	}
	if (s->kind == SRC_EXTHDR) {
		struct strbuf text = { 0 };
		bool ok = nft_rd_src_name(rd, s, &text, type, fold);

		strbuf_free(&text);
		if (ok)
			json_exthdr(out, s);
		return ok;
	}
	if (s->kind == SRC_KEYED) {
		struct nft_keyed_desc d;

		if (!nft_keyed_describe(s->e, &d))
			return false;
		strbuf_printf(out, "{\"%s\": {\"key\": \"%s\"", d.json_key, d.key);
		if (d.family)
			strbuf_printf(out, ", \"family\": \"%s\"", d.family);
		if (d.dir)
			strbuf_printf(out, ", \"dir\": \"%s\", \"spnum\": %u", d.dir, d.spnum);
		if (d.ttl)
			strbuf_printf(out, ", \"ttl\": \"%s\"", d.ttl);
		strbuf_puts(out, "}}");
		*type = d.type;
		return true;
	}
	if (s->kind == SRC_NUMGEN) {
		strbuf_printf(out, "{\"numgen\": {\"mode\": \"%s\", \"mod\": %u, \"offset\": %u}}",
			     s->e->u.numgen.type == NFT_NG_RANDOM ? "random" : "inc", s->e->u.numgen.modulus,
			     s->e->u.numgen.offset);
		*type = NFT_TYPE_INTEGER;
		return true;
	}
	if ((s->kind != SRC_PAYLOAD && s->kind != SRC_META && s->kind != SRC_CT) ||
	    !nft_rd_src_name(rd, s, &words, type, fold) || !words.data) {
		strbuf_free(&words);
		return false;
	}
	w = words.data;
	if (s->kind == SRC_PAYLOAD) {
		json_payload(out, w);
	} else if (s->kind == SRC_META) {
		strbuf_puts(out, "{\"meta\": {\"key\": ");
		nft_json_string(out, strncmp(w, "meta ", 5) == 0 ? w + 5 : w);
		strbuf_puts(out, "}}");
	} else {
		json_ct(out, w);
	}
	strbuf_free(&words);
	return true;
}

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
	if (!json_src(rd, s, out, type, &fold))
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

static bool json_cmp(struct render *rd, const struct nft_expr *e)
{
	const struct reg_src *s;
	uint32_t type;
	size_t left_at;
	struct strbuf *out;
	struct nft_expr host_copy, field_copy;
	uint32_t or_bits;

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

/* The key of a lookup: one expression, or {"concat": [...]}. */
static bool lookup_key(struct render *rd, struct nft_set *set, uint32_t sreg, struct strbuf *out)
{
	const struct reg_src *srcs[8];
	size_t n = nft_rd_key_sources(rd, set, sreg, srcs, 8), i;

	if (n > 1)
		strbuf_puts(out, "{\"concat\": [");
	for (i = 0; i < n; i++) {
		uint32_t type;
		bool fold;

		if (i)
			strbuf_puts(out, ", ");
		/* A masked key is a field narrower than its bytes, looked up alone
		 * in an anonymous set (whose keys are then read as the field's). */
		if ((srcs[i]->masked && n > 1) || !json_src(rd, srcs[i], out, &type, &fold))
			return false;
		if (srcs[i]->masked && !nft_rd_field_set(rd, set))
			return false;
		/* The set's elements are four-byte integers, which print in host order. */
		if (type == NFT_TYPE_BE_INTEGER && (n > 1 || set->key_byteorder != NFT_BYTEORDER_BIG))
			return false;
		if (fold)
			nft_rd_fold_l4proto(rd);
	}
	if (n > 1)
		strbuf_puts(out, "]}");
	return n > 0;
}

static void set_reference(struct strbuf *out, struct nft_set *set)
{
	if (set->flags & NFT_SET_ANONYMOUS) {
		strbuf_puts(out, "{\"set\": ");
		nft_json_elements(out, set);
		strbuf_puts(out, "}");
	} else {
		char *name = malloc(strlen(set->name) + 2);

		if (!name) {
			out->failed = true;
			return;
		}
		sprintf(name, "@%s", set->name);
		nft_json_string(out, name);
		free(name);
	}
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
		if (!lookup_key(rd, set, e->u.lookup.sreg, out))
			return false;
		strbuf_puts(out, ", \"data\": ");
	} else {
		strbuf_printf(out, "{\"match\": {\"op\": \"%s\", \"left\": ",
			     (e->u.lookup.flags & NFT_LOOKUP_F_INV) ? "!=" : "==");
		if (!lookup_key(rd, set, e->u.lookup.sreg, out))
			return false;
		strbuf_puts(out, ", \"right\": ");
	}
	set_reference(out, set);
	strbuf_puts(out, "}}");
	return true;
}

/* --- statements ------------------------------------------------------------------- */

/* `meta mark set meta mark | 0x4000`: {"|": [{"meta": ...}, 16384]}. */
static bool mangle_value(struct render *rd, const struct reg_src *s, uint32_t type, struct strbuf *out)
{
	struct strbuf lhs = { 0 };
	uint32_t lhs_type, mask, xor_;
	bool fold;

	if (s->kind == SRC_IMMEDIATE) {
		nft_json_value(out, type, s->value.bytes, s->value.len);
		return true;
	}
	if (!json_src(rd, s, &lhs, &lhs_type, &fold)) {
		strbuf_free(&lhs);
		return false;
	}
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
	strbuf_puts(out, "{\"mangle\": {\"key\": ");
	if (!json_src(rd, &key, out, &type, &fold))
		return false;
	strbuf_puts(out, ", \"value\": ");
	if (!mangle_value(rd, s, type, out))
		return false;
	strbuf_puts(out, "}}");
	return true;
}

/* "flags": "random" for one, an array for several. */
static void nat_flags(struct strbuf *out, uint32_t flags, const char **sep)
{
	const char *names[3];
	size_t n = nfdecode_nft_nat_flags(flags, names, 3), i;

	if (!n)
		return;
	strbuf_printf(out, "%s\"flags\": %s", *sep, n > 1 ? "[" : "");
	for (i = 0; i < n; i++)
		strbuf_printf(out, "%s\"%s\"", i ? ", " : "", names[i]);
	strbuf_puts(out, n > 1 ? "]" : "");
	*sep = ", ";
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
	nat_flags(out, e->u.nat.flags, &sep);
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
	strbuf_printf(out, "{\"%s\": {", word);
	open_at = out->len - 1;
	if (pmin && pmin->kind == SRC_IMMEDIATE)
		nat_value(out, "port", NFT_TYPE_INET_SERVICE, pmin, pmax, 2, &sep);
	nat_flags(out, e->u.masq.flags, &sep);
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

static bool json_dynset(struct render *rd, const struct nft_expr *e)
{
	struct nft_set *set = e->text ? nft_rd_find_set(rd, e->text) : NULL;
	struct strbuf *out;

	if (!set || !(out = nft_rd_stmt(rd)))
		return false;
	strbuf_printf(out, "{\"set\": {\"op\": \"%s\", \"elem\": ", nft_rd_dynset_op(e));
	if (e->u.dynset.timeout_ms)
		strbuf_puts(out, "{\"elem\": {\"val\": ");
	if (!lookup_key(rd, set, e->u.dynset.sreg_key, out))
		return false;
	if (e->u.dynset.timeout_ms)
		strbuf_printf(out, ", \"timeout\": %" PRIu64 "}}", e->u.dynset.timeout_ms / 1000);
	strbuf_puts(out, ", \"set\": ");
	set_reference(out, set);
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
	if (!json_src(rd, &field, out, &type, &fold) || type == NFT_TYPE_RAW ||
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
	ok = value && value->kind == SRC_IMMEDIATE && nft_rd_src_name(rd, &field, &text, &type, &fold);
	strbuf_free(&text);
	if (!ok)
		return false;
	strbuf_puts(out, "{\"mangle\": {\"key\": ");
	json_exthdr(out, &field);
	strbuf_puts(out, ", \"value\": ");
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
		int split = nft_rd_split_cmp(rd, e, json_cmp);

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
