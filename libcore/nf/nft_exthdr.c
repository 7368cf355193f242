/* Extension header loads (nft's exthdr expression) in nft 1.0.6's words:
 * IPv6 extension headers (`frag id`, `rt seg-left`, `exthdr hbh exists`),
 * TCP options (`tcp option maxseg size`, `tcp option sack1 left`, `tcp
 * option @255,8,8`) and SCTP chunks (`sctp chunk init flags`).  A field
 * narrower than the bytes loaded (frag-off, more-fragments, mptcp subtype)
 * is found from the mask over the load, as nft finds it, with the shift
 * its values are read through. */
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"

struct field {
	const char *name;
	uint16_t offset_bits, len_bits;
	uint32_t type;
};

struct header {
	uint8_t kind;                 /* IPv6 next header, TCP option kind, SCTP chunk type */
	const char *name;
	const struct field *fields;
	size_t field_count;
};

#define FIELDS(a) a, sizeof(a) / sizeof((a)[0])
#define P NFT_TYPE_INET_PROTOCOL
#define I NFT_TYPE_INTEGER

/* --- IPv6 extension headers ------------------------------------------------ */

static const struct field hbh_fields[] = { { "nexthdr", 0, 8, P }, { "hdrlength", 8, 8, I } };
static const struct field rt_fields[] = {
	{ "nexthdr", 0, 8, P }, { "hdrlength", 8, 8, I }, { "type", 16, 8, I }, { "seg-left", 24, 8, I },
};
/* The segment routing header's fields, tried after rt's (nft's order). */
static const struct field srh_fields[] = {
	{ "last-entry", 32, 8, I }, { "flags", 40, 8, I }, { "tag", 48, 16, I },
	{ "sid[1]", 64, 128, NFT_TYPE_IP6ADDR }, { "sid[2]", 192, 128, NFT_TYPE_IP6ADDR },
};
static const struct field frag_fields[] = {
	{ "nexthdr", 0, 8, P }, { "reserved", 8, 8, I }, { "frag-off", 16, 13, I }, { "reserved2", 29, 2, I },
	{ "more-fragments", 31, 1, I }, { "id", 32, 32, I },
};
static const struct field dst_fields[] = { { "nexthdr", 0, 8, P }, { "hdrlength", 8, 8, I } };
static const struct field mh_fields[] = {
	{ "nexthdr", 0, 8, P }, { "hdrlength", 8, 8, I }, { "type", 16, 8, NFT_TYPE_MH_TYPE },
	{ "reserved", 24, 8, I }, { "checksum", 32, 16, I },
};

static const struct header ipv6_headers[] = {
	{ 0, "hbh", FIELDS(hbh_fields) }, { 43, "rt", FIELDS(rt_fields) }, { 44, "frag", FIELDS(frag_fields) },
	{ 60, "dst", FIELDS(dst_fields) }, { 135, "mh", FIELDS(mh_fields) },
};
static const struct header srh_header = { 43, "srh", FIELDS(srh_fields) };

/* --- TCP options -------------------------------------------------------------- */

static const struct field kind_only[] = { { "kind", 0, 8, I } };
static const struct field kind_length[] = { { "kind", 0, 8, I }, { "length", 8, 8, I } };
static const struct field maxseg_fields[] = { { "kind", 0, 8, I }, { "length", 8, 8, I }, { "size", 16, 16, I } };
static const struct field window_fields[] = { { "kind", 0, 8, I }, { "length", 8, 8, I }, { "count", 16, 8, I } };
static const struct field sack_fields[] = {
	{ "kind", 0, 8, I }, { "length", 8, 8, I }, { "left", 16, 32, I }, { "right", 48, 32, I },
	{ "left", 80, 32, I }, { "right", 112, 32, I }, { "left", 144, 32, I }, { "right", 176, 32, I },
	{ "left", 208, 32, I }, { "right", 240, 32, I },
};
static const struct field timestamp_fields[] = {
	{ "kind", 0, 8, I }, { "length", 8, 8, I }, { "tsval", 16, 32, I }, { "tsecr", 48, 32, I },
};
static const struct field mptcp_fields[] = {
	{ "kind", 0, 8, I }, { "length", 8, 8, I }, { "subtype", 16, 4, I },
};

static const struct header tcp_options[] = {
	{ 0, "eol", FIELDS(kind_only) }, { 1, "nop", FIELDS(kind_only) }, { 2, "maxseg", FIELDS(maxseg_fields) },
	{ 3, "window", FIELDS(window_fields) }, { 4, "sack-perm", FIELDS(kind_length) },
	{ 5, "sack", FIELDS(sack_fields) }, { 8, "timestamp", FIELDS(timestamp_fields) },
	{ 19, "md5sig", FIELDS(kind_length) }, { 30, "mptcp", FIELDS(mptcp_fields) },
	{ 34, "fastopen", FIELDS(kind_length) },
};

/* --- SCTP chunks ---------------------------------------------------------------- */

#define COMMON { "type", 0, 8, I }, { "flags", 8, 8, I }, { "length", 16, 16, I }
static const struct field chunk_common[] = { COMMON };
static const struct field data_fields[] = {
	COMMON, { "tsn", 32, 32, I }, { "stream", 64, 16, I }, { "ssn", 80, 16, I }, { "ppid", 96, 32, I },
};
static const struct field init_fields[] = {
	COMMON, { "init-tag", 32, 32, I }, { "a-rwnd", 64, 32, I }, { "num-outbound-streams", 96, 16, I },
	{ "num-inbound-streams", 112, 16, I }, { "initial-tsn", 128, 32, I },
};
static const struct field sack_chunk_fields[] = {
	COMMON, { "cum-tsn-ack", 32, 32, I }, { "a-rwnd", 64, 32, I }, { "num-gap-ack-blocks", 96, 16, I },
	{ "num-dup-tsns", 112, 16, I },
};
static const struct field shutdown_fields[] = { COMMON, { "cum-tsn-ack", 32, 32, I } };
static const struct field lowest_tsn_fields[] = { COMMON, { "lowest-tsn", 32, 32, I } };
static const struct field seqno_fields[] = { COMMON, { "seqno", 32, 32, I } };
static const struct field forward_tsn_fields[] = { COMMON, { "new-cum-tsn", 32, 32, I } };
#undef COMMON

static const struct header sctp_chunks[] = {
	{ 0, "data", FIELDS(data_fields) }, { 1, "init", FIELDS(init_fields) },
	{ 2, "init-ack", FIELDS(init_fields) }, { 3, "sack", FIELDS(sack_chunk_fields) },
	{ 4, "heartbeat", FIELDS(chunk_common) }, { 5, "heartbeat-ack", FIELDS(chunk_common) },
	{ 6, "abort", FIELDS(chunk_common) }, { 7, "shutdown", FIELDS(shutdown_fields) },
	{ 8, "shutdown-ack", FIELDS(chunk_common) }, { 9, "error", FIELDS(chunk_common) },
	{ 10, "cookie-echo", FIELDS(chunk_common) }, { 11, "cookie-ack", FIELDS(chunk_common) },
	{ 12, "ecne", FIELDS(lowest_tsn_fields) }, { 13, "cwr", FIELDS(lowest_tsn_fields) },
	{ 14, "shutdown-complete", FIELDS(chunk_common) }, { 128, "asconf-ack", FIELDS(seqno_fields) },
	{ 192, "forward-tsn", FIELDS(forward_tsn_fields) }, { 193, "asconf", FIELDS(seqno_fields) },
};

#undef P
#undef I

static const struct header *find_header(const struct header *table, size_t n, uint8_t kind)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].kind == kind)
			return &table[i];
	return NULL;
}

static const struct field *find_field(const struct header *h, unsigned offset_bits, unsigned len_bits)
{
	size_t i;

	for (i = 0; h && i < h->field_count; i++)
		if (h->fields[i].offset_bits == offset_bits && h->fields[i].len_bits == len_bits)
			return &h->fields[i];
	return NULL;
}

/* The field a load covers: the whole load, or the bits its mask keeps. */
static bool field_bits(const struct reg_src *s, unsigned *offset_bits, unsigned *len_bits, unsigned *shift)
{
	unsigned first, count;

	*shift = 0;
	*offset_bits = s->e->u.exthdr.offset * 8;
	*len_bits = s->e->u.exthdr.len * 8;
	if (!s->masked)
		return true;
	if (s->e->u.exthdr.len > sizeof(s->mask) || !nft_rd_all_zero(s->xor_, s->e->u.exthdr.len) ||
	    !nft_mask_run(s->mask, s->e->u.exthdr.len, &first, &count, shift))
		return false;
	*offset_bits += first;
	*len_bits = count;
	return true;
}

static bool describe_ipv6(const struct nft_expr *e, const struct reg_src *s, struct nft_field_desc *d)
{
	const struct header *h = find_header(ipv6_headers, sizeof(ipv6_headers) / sizeof(ipv6_headers[0]),
					     e->u.exthdr.type);
	const struct field *f;
	unsigned offset_bits, len_bits;

	if (!h)
		return false;
	d->json_key = "exthdr";
	d->name = h->name;
	if (e->u.exthdr.flags & NFT_EXTHDR_F_PRESENT) {
		snprintf(d->text, sizeof(d->text), "exthdr %s", h->name);
		d->type = NFT_TYPE_BOOLEAN;
		return !s->masked;
	}
	if (!field_bits(s, &offset_bits, &len_bits, &d->shift))
		return false;
	f = find_field(h, offset_bits, len_bits);
	if (!f && e->u.exthdr.type == 43 && (f = find_field(&srh_header, offset_bits, len_bits)))
		d->name = srh_header.name;
	if (!f)
		return false;
	d->field = f->name;
	d->type = f->type;
	d->len_bits = f->len_bits;
	snprintf(d->text, sizeof(d->text), "%s %s", d->name, f->name);
	return true;
}

static bool describe_tcpopt(const struct nft_expr *e, const struct reg_src *s, struct nft_field_desc *d)
{
	const struct header *h = find_header(tcp_options, sizeof(tcp_options) / sizeof(tcp_options[0]), e->u.exthdr.type);
	const struct field *f;
	unsigned offset_bits, len_bits;

	d->json_key = "tcp option";
	if (!field_bits(s, &offset_bits, &len_bits, &d->shift))
		return false;
	if (e->u.exthdr.flags & NFT_EXTHDR_F_PRESENT) {
		d->type = NFT_TYPE_BOOLEAN;
		if (s->masked)
			return false;
		if (h) {
			d->name = h->name;
			snprintf(d->text, sizeof(d->text), "tcp option %s", h->name);
			return true;
		}
		if (offset_bits == 0) {
			d->raw = true;
			d->raw_kind = e->u.exthdr.type;
			d->raw_len_bits = len_bits;
			snprintf(d->text, sizeof(d->text), "tcp option %u", e->u.exthdr.type);
			return true;
		}
		return false;
	}
	f = h ? find_field(h, offset_bits, len_bits) : NULL;
	if (!f) {
		/* nft names an unknown option's bytes by kind, offset and length. */
		if (h || s->masked)
			return false;
		d->raw = true;
		d->raw_kind = e->u.exthdr.type;
		d->raw_offset_bits = offset_bits;
		d->raw_len_bits = len_bits;
		d->type = NFT_TYPE_INTEGER;
		d->len_bits = len_bits;
		snprintf(d->text, sizeof(d->text), "tcp option @%u,%u,%u", e->u.exthdr.type, offset_bits, len_bits);
		return true;
	}
	/* SACK blocks after the first are sack1, sack2, sack3. */
	if (offset_bits / 64)
		snprintf(d->name_buf, sizeof(d->name_buf), "%s%u", h->name, offset_bits / 64);
	else
		snprintf(d->name_buf, sizeof(d->name_buf), "%s", h->name);
	d->name = d->name_buf;
	d->field = f->name;
	d->type = f->type;
	d->len_bits = f->len_bits;
	snprintf(d->text, sizeof(d->text), "tcp option %s %s", d->name, f->name);
	return true;
}

static bool describe_sctp(const struct nft_expr *e, const struct reg_src *s, struct nft_field_desc *d)
{
	const struct header *h = find_header(sctp_chunks, sizeof(sctp_chunks) / sizeof(sctp_chunks[0]), e->u.exthdr.type);
	const struct field *f;
	unsigned offset_bits, len_bits;

	if (!h || s->masked)
		return false;
	d->json_key = "sctp chunk";
	d->name = h->name;
	if (e->u.exthdr.flags & NFT_EXTHDR_F_PRESENT) {
		d->type = NFT_TYPE_BOOLEAN;
		snprintf(d->text, sizeof(d->text), "sctp chunk %s", h->name);
		return true;
	}
	if (!field_bits(s, &offset_bits, &len_bits, &d->shift) || !(f = find_field(h, offset_bits, len_bits)))
		return false;
	d->field = f->name;
	d->type = f->type;
	d->len_bits = f->len_bits;
	snprintf(d->text, sizeof(d->text), "sctp chunk %s %s", h->name, f->name);
	return true;
}

bool nft_exthdr_describe(const struct reg_src *s, struct nft_field_desc *d)
{
	const struct nft_expr *e = s->e;

	memset(d, 0, sizeof(*d));
	if (e->u.exthdr.flags & ~(uint32_t)NFT_EXTHDR_F_PRESENT)
		return false;
	switch (e->u.exthdr.op) {
	case NFT_EXTHDR_OP_IPV6: return describe_ipv6(e, s, d);
	case NFT_EXTHDR_OP_TCPOPT: return describe_tcpopt(e, s, d);
	case NFT_EXTHDR_OP_SCTP: return describe_sctp(e, s, d);
	default: return false;
	}
}

bool nft_exthdr_reset_name(const struct nft_expr *e, struct strbuf *out, bool json)
{
	const struct header *h = find_header(tcp_options, sizeof(tcp_options) / sizeof(tcp_options[0]), e->u.exthdr.type);

	if (e->u.exthdr.op != NFT_EXTHDR_OP_TCPOPT || e->u.exthdr.flags || e->u.exthdr.offset)
		return false;
	if (json && h)
		strbuf_printf(out, "{\"reset\": {\"tcp option\": {\"name\": \"%s\"}}}", h->name);
	else if (json)
		strbuf_printf(out, "{\"reset\": {\"tcp option\": {\"base\": %u, \"len\": %u, \"offset\": 0}}}",
			     e->u.exthdr.type, e->u.exthdr.len * 8);
	else if (h)
		strbuf_printf(out, "reset tcp option %s", h->name);
	else
		strbuf_printf(out, "reset tcp option %u", e->u.exthdr.type);
	return true;
}
