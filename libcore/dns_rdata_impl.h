/* Inside libcore's DNS presentation: the field writer and rdata cursor
 * (dns_rdata_common.c) that the type presenters (dns_rdata_types.c) and
 * the record presentation (dns_rdata.c) build on. */
#ifndef SONDE_DNS_RDATA_IMPL_H
#define SONDE_DNS_RDATA_IMPL_H

#include "sonde/dns.h"

/* A cursor over one record's rdata; bad once a read ran past its end or
 * the data did not decode as its type (it is then shown as \#).  fault
 * says why in bind's words where bind's decoder refuses the rdata too
 * (DNS_FAULT_END when a read ran past the end); NULL where only sonde
 * cannot present it. */
struct rdata_reader {
	const struct dns_msg *msg;
	size_t pos, end;
	bool bad;
	const char *fault;
};

/* Marks r bad for a reason bind's decoder gives too. */
static inline void rd_fail(struct rdata_reader *r, const char *fault)
{
	if (!r->bad)
		r->fault = fault;
	r->bad = true;
}

enum binary_encoding { ENC_HEX, ENC_BASE64 };

/* A field: its text goes to the JSON store and, after a space, to the
 * record's text.  begin/puts/end for fields written in pieces. */
struct dns_field *rd_field_begin(struct dns_rdata *rd, const char *key, enum dns_field_kind kind);
void rd_field_puts(struct dns_rdata *rd, const char *s, size_t n);
void rd_field_end(struct dns_rdata *rd);
void rd_field_uint(struct dns_rdata *rd, const char *key, uint64_t value);

/* The multiline form (bind's DNS_STYLEFLAG_MULTILINE), all no-ops on one
 * line but the line break, which is a space there.  rd_linebreak appends
 * the break; rd_multiline_text appends s ("( ", " )") under +multiline
 * and sets the next field's separator; rd_open is " (" then a break
 * (a space on one line); rd->sep = DNS_SEP_BREAK breaks before the next
 * field. */
void rd_linebreak(struct dns_rdata *rd);
void rd_multiline_text(struct dns_rdata *rd, const char *s, enum dns_rdata_sep next);
void rd_open(struct dns_rdata *rd);
static inline void rd_close(struct dns_rdata *rd)
{
	rd_multiline_text(rd, " )", DNS_SEP_SPACE);
}
void rd_field_string(struct dns_rdata *rd, const char *key, const char *s);

bool rd_need(struct rdata_reader *r, size_t n);
uint32_t rd_read_uint(struct rdata_reader *r, size_t bytes);
void rd_put_uint(struct dns_rdata *rd, struct rdata_reader *r, const char *key, size_t bytes);
void rd_put_name(struct dns_rdata *rd, struct rdata_reader *r, const char *key);
/* dig's character-string escapes ('"', '\', \DDD outside printable ASCII). */
void rd_charstr_escape(struct strbuf *t, const uint8_t *s, size_t len);
void rd_put_quoted(struct dns_rdata *rd, const char *key, const uint8_t *s, size_t len, bool repeated);
void rd_put_charstr(struct dns_rdata *rd, struct rdata_reader *r, const char *key, bool repeated);
void rd_encode_hex(struct strbuf *t, const uint8_t *data, size_t len);
void rd_encode_base64(struct strbuf *t, const uint8_t *data, size_t len);
void rd_encode_base32hex(struct strbuf *t, const uint8_t *data, size_t len);
/* Hex or base64 split into chunks of split_width characters (0: one). */
void rd_put_binary(struct dns_rdata *rd, const char *key, const uint8_t *data, size_t len,
		   enum binary_encoding enc, unsigned split_width);
void rd_put_rest_binary(struct dns_rdata *rd, struct rdata_reader *r, const char *key,
			enum binary_encoding enc, unsigned split_width);

/* dns_rdata_keys.c: SOA (its field names and times as comments under
 * +multiline), KEY/DNSKEY/CDNSKEY/RKEY (role, algorithm and key id under
 * +rrcomments), and the types of one base64 or hex block (EID, NIMLOC,
 * DHCID, OPENPGPKEY, HHIT, BRID); bind's DNSSEC algorithm mnemonics. */
void rd_present_soa(struct dns_rdata *rd, struct rdata_reader *r);
void rd_present_key(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, unsigned split);
void rd_present_block(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, enum binary_encoding enc,
		      unsigned split);
const char *rd_secalg_name(unsigned alg);

/* dns_rdata_types.c: presents rdata of type (in class rclass) as dig does.
 * false: no presentation for it (it is shown as \#). */
bool rd_present_typed(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, uint16_t rclass);

#endif
