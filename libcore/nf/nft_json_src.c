/* What a register holds as a libnftables JSON expression, as nft -j 1.0.6
 * writes the left-hand side of a match, a key or a value: {"payload":
 * {"protocol", "field"}} or a raw {"payload": {"base", "offset", "len"}},
 * {"meta": {"key"}}, {"ct": {"key", "dir"}}, {"fib": ...}, {"numgen": ...},
 * exthdr, socket, rt, ipsec and osf keys.  The names are the listing's
 * words (nft_render.c), which the JSON schema keeps. */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"

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

/* {"jhash": {"mod", "seed", "offset", "expr"}}, {"symhash": {...}}: the
 * listing's words but the key, which is an expression of its own here. */
static bool json_hash(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type)
{
	const struct nft_expr *e = s->e;
	bool jenkins = e->u.hash.type != NFT_HASH_SYM;
	size_t i;

	strbuf_printf(out, "{\"%s\": {\"mod\": %u", jenkins ? "jhash" : "symhash", e->u.hash.modulus);
	if (e->u.hash.has_seed)
		strbuf_printf(out, ", \"seed\": %u", e->u.hash.seed);
	if (e->u.hash.offset)
		strbuf_printf(out, ", \"offset\": %u", e->u.hash.offset);
	if (jenkins) {
		strbuf_puts(out, rd->hash_key_count > 1 ? ", \"expr\": {\"concat\": [" : ", \"expr\": ");
		for (i = 0; i < rd->hash_key_count; i++) {
			uint32_t key_type;
			bool fold;

			if (i)
				strbuf_puts(out, ", ");
			if (!nft_json_src(rd, &rd->hash_keys[i], out, &key_type, &fold))
				return false;
			if (fold)
				nft_rd_fold_l4proto(rd);
		}
		strbuf_puts(out, rd->hash_key_count > 1 ? "]}" : "");
	}
	strbuf_puts(out, "}}");
	*type = NFT_TYPE_INTEGER;
	return true;
}

/* "ct original ip saddr": the direction apart, the rest is the key; the
 * family-less keys (ct saddr, which the listing names by the table's or
 * guard's family) keep no family here, as nft -j writes them. */
static void json_ct(struct strbuf *out, const char *words, bool generic_addr)
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
	if (generic_addr && strncmp(words, "ip ", 3) == 0)
		words += 3;
	else if (generic_addr && strncmp(words, "ip6 ", 4) == 0)
		words += 4;
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
void nft_json_exthdr(struct strbuf *out, const struct reg_src *s)
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
bool nft_json_src(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type, bool *fold)
{
	struct strbuf words = { 0 };
	const char *w;

	*fold = false;
	if (s->shift_op)
		return false;
	if (s->kind == SRC_FIB) {
		struct strbuf text = { 0 };
		bool ok = nft_rd_src_name(rd, s, &text, type, fold);

		/* The listing's reading decides what is known (exists / missing
		 * included, a boolean); its flags word is no JSON flag. */
		strbuf_free(&text);
		if (ok)
			json_fib(out, s->e, type);
		if (ok && (s->e->u.fib.flags & NFTA_FIB_F_PRESENT))
			*type = NFT_TYPE_BOOLEAN;
		return ok;
	}
	if (s->kind == SRC_EXTHDR) {
		struct strbuf text = { 0 };
		bool ok = nft_rd_src_name(rd, s, &text, type, fold);

		strbuf_free(&text);
		if (ok)
			nft_json_exthdr(out, s);
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
	if (s->kind == SRC_HASH)
		return json_hash(rd, s, out, type);
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
		json_ct(out, w, s->key == NFT_CT_SRC || s->key == NFT_CT_DST);
	}
	strbuf_free(&words);
	return true;
}

