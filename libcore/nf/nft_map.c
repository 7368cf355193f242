/* A lookup's key (one field, or a concatenation of several) and the set or
 * map it refers to, in the listing's words or nft -j's, for every statement
 * that reads one: a match (`ip saddr @allowed`), a verdict map, a set
 * update, and a value taken from a map (`meta mark set ip saddr map {
 * 10.2.3.1 : 0x00000017 }`, `dnat to ct mark map { ... }`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"

/* A flag field under a mask (`tcp flags & (fin | syn) == { ... }`), which
 * nft looks up as the binary AND it is: 1 when written, 0 for a field of
 * another type (a narrow field under its own mask), -1 when it cannot be. */
static int flag_key(struct render *rd, const struct reg_src *s, struct strbuf *out, bool json)
{
	struct strbuf name = { 0 };
	uint32_t type;
	bool fold, named = json ? nft_json_src(rd, s, &name, &type, &fold) : nft_rd_src_name(rd, s, &name, &type, &fold);
	/* tcp flags are one byte, ct state and status four. */
	size_t len = type == NFT_TYPE_TCP_FLAG ? 1 : 4;
	int done = named ? -1 : 0;

	if (named && nft_rd_is_flags(type) && !rd->field_mask_consumed && nft_rd_all_zero(s->xor_, sizeof(s->xor_)) &&
	    nft_flag_combination_known(type, s->mask, len)) {
		struct nft_data flags[32];
		/* An OR of flags is in parentheses under the AND. */
		bool several = nft_flag_split(type, s->mask, len, flags, 32) > 1;

		if (fold)
			nft_rd_fold_l4proto(rd);
		if (json) {
			strbuf_printf(out, "{\"&\": [%s, ", name.data);
			nft_json_flags_or_value(out, type, s->mask, len);
			strbuf_puts(out, "]}");
		} else {
			strbuf_printf(out, "%s & %s", name.data, several ? "(" : "");
			nft_print_flags_or_value(out, type, s->mask, len);
			strbuf_puts(out, several ? ")" : "");
		}
		rd->key_is_binop = true;
		done = 1;
	} else if (named && (!nft_rd_is_flags(type) || rd->field_mask_consumed)) {
		done = 0;
	}
	strbuf_free(&name);
	return done;
}

/* An address under a mask of its own width (`ip6 saddr & ::ffff map { ...
 * }`), which nft writes as the binary AND it is: 1 when written, 0 for a
 * key of another type or mask. */
static int addr_mask_key(struct render *rd, const struct reg_src *s, struct strbuf *out, bool json)
{
	struct strbuf name = { 0 };
	uint32_t type;
	bool fold, named = json ? nft_json_src(rd, s, &name, &type, &fold) : nft_rd_src_name(rd, s, &name, &type, &fold);
	size_t len = type == NFT_TYPE_IP6ADDR ? 16 : 4;
	int done = 0;

	if (named && (type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR) && s->len == len &&
	    !rd->field_mask_consumed && nft_rd_all_zero(s->xor_, sizeof(s->xor_))) {
		if (json) {
			strbuf_printf(out, "{\"&\": [%s, ", name.data);
			nft_json_value(out, type, s->mask, len);
			strbuf_puts(out, "]}");
		} else {
			strbuf_printf(out, "%s & ", name.data);
			nft_rd_value(out, type, s->mask, len);
		}
		rd->key_is_binop = true;
		done = 1;
	}
	strbuf_free(&name);
	return done;
}

/* An anonymous concatenation's fields are as wide as the rule's loads (the
 * kernel keeps no field lengths for a hashed one); where a load's width is
 * not known here, the fields keep their datatypes' sizes. */
static void key_field_lengths(const struct render *rd, struct nft_set *set, const struct reg_src *const *srcs, size_t n)
{
	size_t i, max = sizeof(set->field_len) / sizeof(set->field_len[0]);

	if (n < 2 || n > max || !(set->flags & NFT_SET_ANONYMOUS) || set->field_count)
		return;
	for (i = 0; i < n; i++)
		if (!nft_rd_src_bytes(rd, srcs[i]))
			return;
	for (i = 0; i < n; i++)
		set->field_len[i] = (uint32_t)nft_rd_src_bytes(rd, srcs[i]);
	set->field_count = n;
}

bool nft_rd_key(struct render *rd, struct nft_set *set, const struct reg_src *const *srcs, size_t n,
		struct strbuf *out, bool json)
{
	size_t i;

	rd->key_is_binop = false;
	if (json && n > 1)
		strbuf_puts(out, "{\"concat\": [");
	key_field_lengths(rd, set, srcs, n);
	for (i = 0; i < n; i++) {
		uint32_t type;
		bool fold, named;

		if (i)
			strbuf_puts(out, json ? ", " : " . ");
		if (n == 1 && srcs[0]->masked) {
			int done = flag_key(rd, srcs[0], out, json);

			if (done == 0)
				done = addr_mask_key(rd, srcs[0], out, json);
			if (done < 0)
				return false;
			if (done > 0)
				continue;
		}
		named = json ? nft_json_src(rd, srcs[i], out, &type, &fold) : nft_rd_src_name(rd, srcs[i], out, &type, &fold);
		if (!named || (type == NFT_TYPE_RAW && !(set->flags & NFT_SET_ANONYMOUS)))
			return false;
		/* A masked key is a field narrower than its bytes: looked up alone
		 * in an anonymous set, whose keys are then read as the field's; in
		 * a concatenation, only one whose bits end the load (vlan id), whose
		 * values are the same in its place and as its own. */
		if (srcs[i]->masked && (n > 1 ? !rd->field_mask_consumed || rd->field_shift ||
					      rd->field_bytes != srcs[i]->len : !nft_rd_field_set(rd, set)))
			return false;
		/* An anonymous set's field of a raw load prints as the load's
		 * values (its type is a plain integer). */
		if (type == NFT_TYPE_RAW && i < 32)
			set->raw_fields |= 1u << i;
		/* The set's elements are four-byte integers, which print in host order. */
		if (type == NFT_TYPE_BE_INTEGER && (n > 1 || set->key_byteorder != NFT_BYTEORDER_BIG))
			return false;
		if (fold)
			nft_rd_fold_l4proto(rd);
	}
	if (json && n > 1)
		strbuf_puts(out, "]}");
	return n > 0;
}

bool nft_rd_lookup_key(struct render *rd, struct nft_set *set, uint32_t sreg, struct strbuf *out, bool json)
{
	const struct reg_src *srcs[8];
	size_t n = nft_rd_key_sources(rd, set, sreg, srcs, 8);

	return nft_rd_key(rd, set, srcs, n, out, json);
}

void nft_rd_set_ref(struct strbuf *out, struct nft_set *set, bool json)
{
	char *name;

	if ((set->flags & NFT_SET_ANONYMOUS) && json) {
		strbuf_puts(out, "{\"set\": ");
		nft_json_elements(out, set);
		strbuf_puts(out, "}");
	} else if (set->flags & NFT_SET_ANONYMOUS) {
		nft_print_elements(out, set);
	} else if (!json) {
		strbuf_printf(out, "@%s", set->name);
	} else if ((name = malloc(strlen(set->name) + 2))) {
		sprintf(name, "@%s", set->name);
		nft_json_string(out, name);
		free(name);
	} else {
		out->failed = true;
	}
}

bool nft_rd_map(struct render *rd, const struct reg_src *s, struct strbuf *out, bool json)
{
	const struct reg_src *keys[8];
	size_t i;
	bool pinned = rd->l4proto_pinned, named;

	if (s->kind != SRC_MAP || s->data_word || !rd->map_set)
		return false;
	for (i = 0; i < rd->map_key_count; i++)
		keys[i] = &rd->map_keys[i];
	if (json)
		strbuf_puts(out, "{\"map\": {\"key\": ");
	/* A statement's map key folds a meta l4proto guard, not an `ip
	 * protocol` match (nft keeps `ip protocol tcp redirect to :tcp dport
	 * map { ... }`). */
	if (rd->l4proto_in_header)
		rd->l4proto_pinned = true;
	named = nft_rd_key(rd, rd->map_set, keys, rd->map_key_count, out, json);
	rd->l4proto_pinned = pinned;
	if (!named)
		return false;
	strbuf_puts(out, json ? ", \"data\": " : " map ");
	nft_rd_set_ref(out, rd->map_set, json);
	if (json)
		strbuf_puts(out, "}}");
	return true;
}

/* A reference to a named object: `counter name "c"`, `ct helper set "h"`,
 * or one an object map gives by key (`quota name tcp dport map { 22 :
 * "q" }`); in nft -j {"counter": "c"}, {"ct helper": {"map": ...}}. */
bool nft_rd_objref(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json)
{
	struct nft_set *set = e->u.objref.from_map && e->text ? nft_rd_find_set(rd, e->text) : NULL;
	/* An object map's statement has the type of the map's objects. */
	uint32_t obj_type = set ? set->obj_type : e->u.objref.type;
	const char *type = nft_obj_type_name(obj_type);

	if (!type || !e->text || obj_type == NFT_OBJECT_CONNLIMIT || obj_type == NFT_OBJECT_TUNNEL ||
	    (e->u.objref.from_map && (!set || !(set->flags & NFT_SET_OBJECT))))
		return false;
	if (json)
		strbuf_printf(out, "{\"%s\": ", type);
	else if (obj_type == NFT_OBJECT_SECMARK)
		strbuf_puts(out, "meta secmark set ");
	else
		strbuf_printf(out, strncmp(type, "ct ", 3) == 0 ? "%s set " : "%s name ", type);
	if (!set && json)
		nft_json_string(out, e->text);
	else if (!set)
		strbuf_printf(out, "\"%s\"", e->text);
	if (set) {
		if (json)
			strbuf_puts(out, "{\"map\": {\"key\": ");
		if (!nft_rd_lookup_key(rd, set, e->u.objref.sreg, out, json))
			return false;
		strbuf_puts(out, json ? ", \"data\": " : " map ");
		nft_rd_set_ref(out, set, json);
		strbuf_puts(out, json ? "}}" : "");
	}
	strbuf_puts(out, json ? "}" : "");
	return true;
}

bool nft_rd_nat_flags_json(struct strbuf *out, uint32_t flags, const char *sep)
{
	const char *names[3];
	size_t n = nfdecode_nft_nat_flags(flags, names, 3), i;

	if (!n)
		return false;
	strbuf_printf(out, "%s\"flags\": %s", sep, n > 1 ? "[" : "");
	for (i = 0; i < n; i++)
		strbuf_printf(out, "%s\"%s\"", i ? ", " : "", names[i]);
	strbuf_puts(out, n > 1 ? "]" : "");
	return true;
}

/* Whether register reg holds the map's data word, or (not wanted) is
 * absent: 0, or same, the register the kernel repeats for a range's high
 * end that has none of its own. */
static bool map_word(struct render *rd, uint32_t reg, uint32_t same, const struct nft_expr *lookup, bool wanted,
		     unsigned word)
{
	const struct reg_src *s = reg ? nft_rd_reg(rd, reg) : NULL;

	if (!wanted)
		return !reg || reg == same;
	return reg != same && s && s->kind == SRC_MAP && s->e == lookup && s->data_word == word;
}

/* The registers of a NAT statement whose addresses (and ports) come from a
 * map: the data holds address, then port when it is a concatenation, and
 * the same again for the high ends of a range (nft's data interval). */
static bool nat_map_layout(struct render *rd, const struct nft_expr *e, const struct reg_src *amin)
{
	uint32_t parts[8];
	size_t n = nft_type_components(rd->map_set->data_type, parts, 8);
	bool concat = n == 2, range = rd->map_set->data_interval;
	const struct nft_expr *lookup = amin->e;

	if (n > 2 || amin->data_word)
		return false;
	return map_word(rd, e->u.nat.proto_min, 0, lookup, concat, 1) &&
	       map_word(rd, e->u.nat.addr_max, e->u.nat.addr_min, lookup, range, concat ? 2 : 1) &&
	       map_word(rd, e->u.nat.proto_max, e->u.nat.proto_min, lookup, range && concat, 3);
}

bool nft_rd_nat_map(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json)
{
	const struct reg_src *amin = e->u.nat.addr_min ? nft_rd_reg(rd, e->u.nat.addr_min) : NULL;
	const char *family = e->u.nat.family == NFPROTO_IPV6 ? "ip6" : "ip";
	uint32_t flags = e->u.nat.flags;
	bool prefix = flags & NF_NAT_RANGE_NETMAP, shown_family;
	const char *flag_name;
	uint32_t parts[8];
	const char *type = e->u.nat.type == NFT_NAT_SNAT ? "snat" : "dnat";

	if (!amin || amin->kind != SRC_MAP || !rd->map_set || !nat_map_layout(rd, e, amin))
		return false;
	/* nft names the family of a map's addresses in an inet table, and
	 * wherever the data are more than one address. */
	shown_family = rd->ctx->family == NFPROTO_INET || nft_type_components(rd->map_set->data_type, parts, 8) > 1 ||
		       rd->map_set->data_interval;
	flags &= ~(uint32_t)NF_NAT_RANGE_NETMAP;
	/* How nft words a prefix map with other flags is not known here. */
	if (prefix && nfdecode_nft_nat_flags(flags, &flag_name, 1))
		return false;
	if (json) {
		strbuf_printf(out, "{\"%s\": {", type);
		if (shown_family)
			strbuf_printf(out, "\"family\": \"%s\", ", family);
		strbuf_puts(out, "\"addr\": ");
		if (!nft_rd_map(rd, amin, out, true))
			return false;
		if (prefix)
			strbuf_puts(out, ", \"flags\": \"netmap\", \"type_flags\": \"prefix\"");
		else
			nft_rd_nat_flags_json(out, flags, ", ");
		strbuf_puts(out, "}}");
		return true;
	}
	strbuf_printf(out, "%s%s%s%s to ", type, shown_family ? " " : "", shown_family ? family : "", prefix ? " prefix" : "");
	if (!nft_rd_map(rd, amin, out, false))
		return false;
	nfdecode_nft_nat_flag_list(out, flags);
	return true;
}

bool nft_rd_port_map(struct render *rd, const struct nft_expr *e, const char *word, struct strbuf *out, bool json)
{
	const struct reg_src *pmin = e->u.masq.proto_min ? nft_rd_reg(rd, e->u.masq.proto_min) : NULL;

	/* proto_max: none, or the same register (a port, not a range). */
	if (!pmin || pmin->kind != SRC_MAP || pmin->data_word ||
	    (e->u.masq.proto_max && e->u.masq.proto_max != e->u.masq.proto_min) ||
	    !rd->map_set || rd->map_set->data_interval || rd->map_set->data_type != NFT_TYPE_INET_SERVICE)
		return false;
	if (json)
		strbuf_printf(out, "{\"%s\": {\"port\": ", word);
	else
		strbuf_printf(out, "%s to :", word);
	if (!nft_rd_map(rd, pmin, out, json))
		return false;
	if (json) {
		nft_rd_nat_flags_json(out, e->u.masq.flags, ", ");
		strbuf_puts(out, "}}");
	} else {
		nfdecode_nft_nat_flag_list(out, e->u.masq.flags);
	}
	return true;
}
