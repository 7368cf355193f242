/* The pieces record data is presented with: the field
 * writer that fills the text line (a strbuf) and the JSON store together, and a
 * bounds-checked cursor over the rdata with its encoders (hex, base64,
 * base32hex, character-strings). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata_impl.h"

/* --- fields --------------------------------------------------------------- */

/* The field being written: its text goes to the store (for JSON) and,
 * after a separating space, to the record's text. */
struct dns_field *rd_field_begin(struct dns_rdata *rd, const char *key, enum dns_field_kind kind)
{
	struct dns_field *f;

	if (rd->field_count == rd->field_cap) {
		size_t cap = rd->field_cap ? rd->field_cap * 2 : 8;
		struct dns_field *grown = realloc(rd->fields, cap * sizeof(*grown));

		if (!grown) {
			rd->store.failed = true;
			return NULL;
		}
		rd->fields = grown;
		rd->field_cap = cap;
	}
	f = &rd->fields[rd->field_count++];
	memset(f, 0, sizeof(*f));
	snprintf(f->key, sizeof(f->key), "%s", key);
	f->kind = kind;
	f->text_offset = rd->store.len;
	if (rd->text.len && rd->sep == DNS_SEP_BREAK)
		rd_linebreak(rd);
	else if (rd->text.len && rd->sep == DNS_SEP_SPACE)
		strbuf_putc(&rd->text, ' ');
	rd->sep = DNS_SEP_SPACE;
	return f;
}

/* --- the multiline form --------------------------------------------------- */

/* bind's line break: under +multiline a newline and tabs to the data's
 * column (32); on one line a space. */
void rd_linebreak(struct dns_rdata *rd)
{
	if (rd->style.multiline)
		strbuf_add(&rd->text, "\n\t\t\t\t", 5);
	else
		strbuf_putc(&rd->text, ' ');
}

void rd_multiline_text(struct dns_rdata *rd, const char *s, enum dns_rdata_sep next)
{
	if (!rd->style.multiline)
		return;
	strbuf_add(&rd->text, s, strlen(s));
	rd->sep = next;
}

void rd_open(struct dns_rdata *rd)
{
	rd_multiline_text(rd, " (", DNS_SEP_BREAK);
	rd->sep = DNS_SEP_BREAK;
}

/* Ends the field: the store gets a NUL after its text. */
void rd_field_end(struct dns_rdata *rd)
{
	strbuf_putc(&rd->store, '\0');
}

void rd_field_puts(struct dns_rdata *rd, const char *s, size_t n)
{
	strbuf_add(&rd->text, s, n);
	strbuf_add(&rd->store, s, n);
}

void rd_field_uint(struct dns_rdata *rd, const char *key, uint64_t value)
{
	char num[24];
	struct dns_field *f = rd_field_begin(rd, key, DNS_FIELD_UINT);

	if (!f)
		return;
	f->number = value;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)value);
	rd_field_puts(rd, num, strlen(num));
	rd_field_end(rd);
}

void rd_field_string(struct dns_rdata *rd, const char *key, const char *s)
{
	if (!rd_field_begin(rd, key, DNS_FIELD_STRING))
		return;
	rd_field_puts(rd, s, strlen(s));
	rd_field_end(rd);
}

/* --- a cursor over the rdata ---------------------------------------------- */

bool rd_need(struct rdata_reader *r, size_t n)
{
	if (r->bad)
		return false;
	if (r->pos + n > r->end) {
		rd_fail(r, DNS_FAULT_END);
		return false;
	}
	return true;
}

uint32_t rd_read_uint(struct rdata_reader *r, size_t bytes)
{
	uint32_t v = 0;
	size_t i;

	if (!rd_need(r, bytes))
		return 0;
	for (i = 0; i < bytes; i++)
		v = v << 8 | r->msg->wire[r->pos + i];
	r->pos += bytes;
	return v;
}

void rd_put_uint(struct dns_rdata *rd, struct rdata_reader *r, const char *key, size_t bytes)
{
	uint32_t v = rd_read_uint(r, bytes);

	if (!r->bad)
		rd_field_uint(rd, key, v);
}

void rd_put_name(struct dns_rdata *rd, struct rdata_reader *r, const char *key)
{
	char name[DNS_NAME_TEXT];
	const char *fault;
	int used;

	if (r->bad)
		return;
	/* Names may be compressed against the whole message, but must start
	 * inside this rdata. */
	used = dns_read_name_why(r->msg->wire, r->msg->len, r->pos, name, sizeof(name), &fault);
	if (used < 0 || r->pos + (size_t)used > r->end) {
		/* A name running past the rdata is cut short for bind too. */
		rd_fail(r, used < 0 ? fault : DNS_FAULT_END);
		return;
	}
	r->pos += (size_t)used;
	rd_field_string(rd, key, name);
}

/* A character-string with dig's escapes: '"' and '\' get a backslash,
 * bytes outside printable ASCII become \DDD. */
void rd_charstr_escape(struct strbuf *t, const uint8_t *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			strbuf_printf(t, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			strbuf_printf(t, "\\%03u", s[i]);
		else
			strbuf_putc(t, (char)s[i]);
	}
}

void rd_put_quoted(struct dns_rdata *rd, const char *key, const uint8_t *s, size_t len, bool repeated)
{
	struct dns_field *f = rd_field_begin(rd, key, DNS_FIELD_QUOTED);

	if (!f)
		return;
	f->repeated = repeated;
	strbuf_putc(&rd->text, '"');
	rd_charstr_escape(&rd->text, s, len);
	strbuf_putc(&rd->text, '"');
	rd_charstr_escape(&rd->store, s, len);
	rd_field_end(rd);
}

void rd_put_charstr(struct dns_rdata *rd, struct rdata_reader *r, const char *key, bool repeated)
{
	size_t len = rd_read_uint(r, 1);

	if (!rd_need(r, len))
		return;
	rd_put_quoted(rd, key, r->msg->wire + r->pos, len, repeated);
	r->pos += len;
}

/* Hex (upper case, as dig) or base64; rd_put_binary splits it into chunks
 * of split_width characters (0: one chunk) at bind's line breaks. */
void rd_encode_hex(struct strbuf *t, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		strbuf_printf(t, "%02X", data[i]);
}

void rd_encode_base64(struct strbuf *t, const uint8_t *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		char out[4];

		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		out[0] = alphabet[v >> 18 & 63];
		out[1] = alphabet[v >> 12 & 63];
		out[2] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		out[3] = i + 2 < len ? alphabet[v & 63] : '=';
		strbuf_add(t, out, 4);
	}
}

/* base32hex without padding, upper case (NSEC3 hashes). */
void rd_encode_base32hex(struct strbuf *t, const uint8_t *data, size_t len)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	uint32_t acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		acc = acc << 8 | data[i];
		bits += 8;
		while (bits >= 5) {
			strbuf_putc(t, alphabet[(acc >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0)
		strbuf_putc(t, alphabet[(acc << (5 - bits)) & 31]);
}

void rd_put_binary(struct dns_rdata *rd, const char *key, const uint8_t *data, size_t len,
		       enum binary_encoding enc, unsigned split_width)
{
	struct strbuf encoded = { 0 };
	size_t i;

	if (enc == ENC_HEX)
		rd_encode_hex(&encoded, data, len);
	else
		rd_encode_base64(&encoded, data, len);
	if (encoded.failed || !rd_field_begin(rd, key, DNS_FIELD_STRING)) {
		rd->store.failed = true;
		strbuf_free(&encoded);
		return;
	}
	strbuf_add(&rd->store, encoded.data ? encoded.data : "", encoded.len);
	for (i = 0; i < encoded.len; i += split_width ? split_width : encoded.len) {
		size_t chunk = encoded.len - i;

		if (split_width && chunk > split_width)
			chunk = split_width;
		if (i)
			rd_linebreak(rd);
		strbuf_add(&rd->text, encoded.data + i, chunk);
	}
	rd_field_end(rd);
	strbuf_free(&encoded);
}

void rd_put_rest_binary(struct dns_rdata *rd, struct rdata_reader *r, const char *key,
			    enum binary_encoding enc, unsigned split_width)
{
	if (r->bad)
		return;
	rd_put_binary(rd, key, r->msg->wire + r->pos, r->end - r->pos, enc, split_width);
	r->pos = r->end;
}
