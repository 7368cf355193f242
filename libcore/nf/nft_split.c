/* A compare nft merged over several adjacent header fields (tcp sport and
 * dport, icmp type and code...), split back into one compare per field as
 * nft lists them; the fields are found by the names the renderer gives
 * each piece of the load. */
#include <linux/netfilter/nf_tables.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/strbuf.h"

/* --- merged compares ------------------------------------------------------- */

/* The length of the first field at byte at of s's load, as sonde names
 * it: the shortest load there with a name of its own (not a raw load, not
 * the leading bytes of an address, which nft writes as a prefix).  nft
 * splits a merged load the same way, by the first field at each offset
 * that fits (icmp id before gateway).  0 when none fits. */
static size_t merged_field_len(struct render *rd, const struct reg_src *s, size_t at)
{
	size_t len;

	for (len = 1; at + len <= s->len; len++) {
		struct reg_src piece = *s;
		struct strbuf name = { 0 };
		uint32_t type;
		bool fold, named;

		piece.offset = s->offset + (uint32_t)at;
		piece.len = (uint32_t)len;
		named = nft_rd_src_name(rd, &piece, &name, &type, &fold) && type != NFT_TYPE_RAW &&
			!(type == NFT_TYPE_IPADDR && len < 4) && !(type == NFT_TYPE_IP6ADDR && len < 16);
		strbuf_free(&name);
		if (named)
			return len;
	}
	return 0;
}

int nft_rd_split_cmp(struct render *rd, const struct nft_expr *e,
		     bool (*render_cmp)(struct render *rd, const struct nft_expr *e))
{
	struct reg_src *r = nft_rd_reg(rd, e->u.cmp.sreg), whole;
	size_t at = 0, len;
	bool ok = true;

	if (!r || r->kind != SRC_PAYLOAD || r->masked || r->big_endian || e->u.cmp.op != NFT_CMP_EQ ||
	    r->len < 2 || e->data.len != r->len || r->len > NFT_DATA_LEN)
		return -1;
	whole = *r;
	len = merged_field_len(rd, &whole, 0);
	if (!len || len == whole.len)
		return -1;   /* one field, or nothing sonde names: not split */
	/* nft splits only a load made of whole fields; another stays one
	 * (raw) load. */
	while (at < whole.len && (len = merged_field_len(rd, &whole, at)))
		at += len;
	*r = whole;
	if (at != whole.len)
		return -1;
	at = 0;
	while (ok && at < whole.len) {
		struct nft_expr piece = *e;

		if (!(len = merged_field_len(rd, &whole, at)))
			break;
		memset(&piece.data, 0, sizeof(piece.data));
		memcpy(piece.data.bytes, e->data.bytes + at, len);
		piece.data.len = (uint32_t)len;
		*r = whole;
		r->offset += (uint32_t)at;
		r->len = (uint32_t)len;
		ok = render_cmp(rd, &piece);
		at += len;
	}
	*r = whole;
	return ok && at == whole.len;
}
