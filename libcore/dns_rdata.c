/* Record data in dig's presentation format, decoded field by field so the
 * same values serve the text line and typed JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sonde/dns.h"

/* --- the growing text buffer -------------------------------------------- */

static bool text_reserve(struct dns_text *t, size_t more)
{
	size_t want = t->len + more + 1, cap = t->cap ? t->cap : 128;
	char *grown;

	if (t->oom)
		return false;
	if (want <= t->cap)
		return true;
	while (cap < want)
		cap *= 2;
	grown = realloc(t->buf, cap);
	if (!grown) {
		t->oom = true;
		return false;
	}
	t->buf = grown;
	t->cap = cap;
	return true;
}

static void text_append(struct dns_text *t, const char *s, size_t n)
{
	if (!text_reserve(t, n))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void text_putc(struct dns_text *t, char c)
{
	text_append(t, &c, 1);
}

void dns_text_printf(struct dns_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !text_reserve(t, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void dns_text_free(struct dns_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* --- fields --------------------------------------------------------------- */

/* The field being written: its text goes to the store (for JSON) and,
 * after a separating space, to the record's text. */
static struct dns_field *field_begin(struct dns_rdata *rd, const char *key, enum dns_field_kind kind)
{
	struct dns_field *f;

	if (rd->field_count == rd->field_cap) {
		size_t cap = rd->field_cap ? rd->field_cap * 2 : 8;
		struct dns_field *grown = realloc(rd->fields, cap * sizeof(*grown));

		if (!grown) {
			rd->store.oom = true;
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
	if (rd->text.len)
		text_putc(&rd->text, ' ');
	return f;
}

/* Ends the field: the store gets a NUL after its text. */
static void field_end(struct dns_rdata *rd)
{
	text_putc(&rd->store, '\0');
}

static void field_puts(struct dns_rdata *rd, const char *s, size_t n)
{
	text_append(&rd->text, s, n);
	text_append(&rd->store, s, n);
}

static void field_uint(struct dns_rdata *rd, const char *key, uint64_t value)
{
	char num[24];
	struct dns_field *f = field_begin(rd, key, DNS_FIELD_UINT);

	if (!f)
		return;
	f->number = value;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)value);
	field_puts(rd, num, strlen(num));
	field_end(rd);
}

static void field_string(struct dns_rdata *rd, const char *key, const char *s)
{
	if (!field_begin(rd, key, DNS_FIELD_STRING))
		return;
	field_puts(rd, s, strlen(s));
	field_end(rd);
}

/* --- a cursor over the rdata ---------------------------------------------- */

struct rdata_reader {
	const struct dns_msg *msg;
	size_t pos, end;
	bool bad;
};

static bool need(struct rdata_reader *r, size_t n)
{
	if (r->bad || r->pos + n > r->end) {
		r->bad = true;
		return false;
	}
	return true;
}

static uint32_t read_uint(struct rdata_reader *r, size_t bytes)
{
	uint32_t v = 0;
	size_t i;

	if (!need(r, bytes))
		return 0;
	for (i = 0; i < bytes; i++)
		v = v << 8 | r->msg->wire[r->pos + i];
	r->pos += bytes;
	return v;
}

static void put_uint(struct dns_rdata *rd, struct rdata_reader *r, const char *key, size_t bytes)
{
	uint32_t v = read_uint(r, bytes);

	if (!r->bad)
		field_uint(rd, key, v);
}

static void put_name(struct dns_rdata *rd, struct rdata_reader *r, const char *key)
{
	char name[DNS_NAME_TEXT];
	int used;

	if (r->bad)
		return;
	/* Names may be compressed against the whole message, but must start
	 * inside this rdata. */
	used = dns_read_name(r->msg->wire, r->msg->len, r->pos, name, sizeof(name));
	if (used < 0 || r->pos + (size_t)used > r->end) {
		r->bad = true;
		return;
	}
	r->pos += (size_t)used;
	field_string(rd, key, name);
}

/* A character-string with dig's escapes: '"' and '\' get a backslash,
 * bytes outside printable ASCII become \DDD. */
static void charstr_escape(struct dns_text *t, const uint8_t *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			dns_text_printf(t, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			dns_text_printf(t, "\\%03u", s[i]);
		else
			text_putc(t, (char)s[i]);
	}
}

static void put_quoted(struct dns_rdata *rd, const char *key, const uint8_t *s, size_t len, bool repeated)
{
	struct dns_field *f = field_begin(rd, key, DNS_FIELD_QUOTED);

	if (!f)
		return;
	f->repeated = repeated;
	text_putc(&rd->text, '"');
	charstr_escape(&rd->text, s, len);
	text_putc(&rd->text, '"');
	charstr_escape(&rd->store, s, len);
	field_end(rd);
}

static void put_charstr(struct dns_rdata *rd, struct rdata_reader *r, const char *key, bool repeated)
{
	size_t len = read_uint(r, 1);

	if (!need(r, len))
		return;
	put_quoted(rd, key, r->msg->wire + r->pos, len, repeated);
	r->pos += len;
}

/* Hex (upper case, as dig) or base64, split into chunks of split_width
 * characters separated by spaces (0: one chunk). */
static void encode_hex(struct dns_text *t, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dns_text_printf(t, "%02X", data[i]);
}

static void encode_base64(struct dns_text *t, const uint8_t *data, size_t len)
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
		text_append(t, out, 4);
	}
}

/* base32hex without padding, upper case (NSEC3 hashes). */
static void encode_base32hex(struct dns_text *t, const uint8_t *data, size_t len)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	uint32_t acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		acc = acc << 8 | data[i];
		bits += 8;
		while (bits >= 5) {
			text_putc(t, alphabet[(acc >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0)
		text_putc(t, alphabet[(acc << (5 - bits)) & 31]);
}

enum binary_encoding { ENC_HEX, ENC_BASE64 };

static void put_binary(struct dns_rdata *rd, const char *key, const uint8_t *data, size_t len,
		       enum binary_encoding enc, unsigned split_width)
{
	struct dns_text encoded = { 0 };
	size_t i;

	if (enc == ENC_HEX)
		encode_hex(&encoded, data, len);
	else
		encode_base64(&encoded, data, len);
	if (encoded.oom || !field_begin(rd, key, DNS_FIELD_STRING)) {
		rd->store.oom = true;
		dns_text_free(&encoded);
		return;
	}
	text_append(&rd->store, encoded.buf ? encoded.buf : "", encoded.len);
	for (i = 0; i < encoded.len; i += split_width ? split_width : encoded.len) {
		size_t chunk = encoded.len - i;

		if (split_width && chunk > split_width)
			chunk = split_width;
		if (i)
			text_putc(&rd->text, ' ');
		text_append(&rd->text, encoded.buf + i, chunk);
	}
	field_end(rd);
	dns_text_free(&encoded);
}

static void put_rest_binary(struct dns_rdata *rd, struct rdata_reader *r, const char *key,
			    enum binary_encoding enc, unsigned split_width)
{
	if (r->bad)
		return;
	put_binary(rd, key, r->msg->wire + r->pos, r->end - r->pos, enc, split_width);
	r->pos = r->end;
}

/* --- the types ---------------------------------------------------------- */

static void present_address(struct dns_rdata *rd, struct rdata_reader *r, int family)
{
	size_t len = family == AF_INET ? 4 : 16;
	char text[INET6_ADDRSTRLEN];

	if (r->end - r->pos != len) {
		r->bad = true;
		return;
	}
	inet_ntop(family, r->msg->wire + r->pos, text, sizeof(text));
	r->pos += len;
	field_string(rd, "address", text);
}

/* The type bitmap of NSEC and NSEC3: windows of up to 32 bytes. */
static void put_type_bitmap(struct dns_rdata *rd, struct rdata_reader *r)
{
	struct dns_text list = { 0 };
	const uint8_t *wire = r->msg->wire;

	while (!r->bad && r->pos < r->end) {
		unsigned window, len, i, bit;

		window = read_uint(r, 1);
		len = read_uint(r, 1);
		if (len == 0 || len > 32 || !need(r, len))
			break;
		for (i = 0; i < len; i++)
			for (bit = 0; bit < 8; bit++)
				if (wire[r->pos + i] & (0x80 >> bit)) {
					char buf[16];

					dns_text_printf(&list, "%s%s", list.len ? " " : "",
							dns_type_name((uint16_t)(window * 256 + i * 8 + bit), buf,
								      sizeof(buf)));
				}
		r->pos += len;
	}
	if (r->pos != r->end)
		r->bad = true;
	if (!r->bad && list.len)
		field_string(rd, "types", list.buf);
	dns_text_free(&list);
}

static void present_rrsig(struct dns_rdata *rd, struct rdata_reader *r, unsigned split_width)
{
	uint16_t covered = (uint16_t)read_uint(r, 2);
	char buf[16];
	int i;

	if (r->bad)
		return;
	field_string(rd, "type_covered", dns_type_name(covered, buf, sizeof(buf)));
	put_uint(rd, r, "algorithm", 1);
	put_uint(rd, r, "labels", 1);
	put_uint(rd, r, "original_ttl", 4);
	for (i = 0; i < 2; i++) {
		time_t when = (time_t)read_uint(r, 4);
		struct tm tm;
		char stamp[32];

		if (r->bad)
			return;
		gmtime_r(&when, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
		field_string(rd, i == 0 ? "expiration" : "inception", stamp);
	}
	put_uint(rd, r, "key_tag", 2);
	put_name(rd, r, "signer");
	put_rest_binary(rd, r, "signature", ENC_BASE64, split_width);
}

static void put_salt(struct dns_rdata *rd, struct rdata_reader *r)
{
	size_t len = read_uint(r, 1);
	struct dns_text hex = { 0 };

	if (!need(r, len))
		return;
	encode_hex(&hex, r->msg->wire + r->pos, len);
	field_string(rd, "salt", len ? (hex.buf ? hex.buf : "") : "-");
	dns_text_free(&hex);
	r->pos += len;
}

static void present_nsec3(struct dns_rdata *rd, struct rdata_reader *r, bool with_hash)
{
	put_uint(rd, r, "hash_algorithm", 1);
	put_uint(rd, r, "flags", 1);
	put_uint(rd, r, "iterations", 2);
	put_salt(rd, r);
	if (with_hash) {
		size_t len = read_uint(r, 1);
		struct dns_text hash = { 0 };

		if (!need(r, len))
			return;
		encode_base32hex(&hash, r->msg->wire + r->pos, len);
		field_string(rd, "next_hashed", hash.buf ? hash.buf : "");
		dns_text_free(&hash);
		r->pos += len;
		put_type_bitmap(rd, r);
	}
}

static void present_caa(struct dns_rdata *rd, struct rdata_reader *r)
{
	size_t tag_len;
	char tag[256];

	put_uint(rd, r, "flags", 1);
	tag_len = read_uint(r, 1);
	if (tag_len == 0 || !need(r, tag_len)) {
		r->bad = true;
		return;
	}
	memcpy(tag, r->msg->wire + r->pos, tag_len);
	tag[tag_len] = '\0';
	if (strlen(tag) != tag_len) {
		r->bad = true;
		return;
	}
	r->pos += tag_len;
	field_string(rd, "tag", tag);
	put_quoted(rd, "value", r->msg->wire + r->pos, r->end - r->pos, false);
	r->pos = r->end;
}

/* --- SVCB and HTTPS parameters (RFC 9460) -------------------------------- */

static const char *const svc_param_names[] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint", "dohpath",
};
#define SVC_PARAM_NAMES (sizeof(svc_param_names) / sizeof(svc_param_names[0]))

static void svc_key_name(uint16_t key, char *buf, size_t size)
{
	if (key < SVC_PARAM_NAMES)
		snprintf(buf, size, "%s", svc_param_names[key]);
	else
		snprintf(buf, size, "key%u", key);
}

/* The value after "key=" as dig writes it; false when it does not decode. */
static bool svc_value_text(struct dns_text *v, uint16_t key, const uint8_t *data, size_t len)
{
	char addr[INET6_ADDRSTRLEN], name[24];
	size_t i;

	switch (key) {
	case 0: /* mandatory: a list of keys */
		if (len % 2)
			return false;
		for (i = 0; i < len; i += 2) {
			svc_key_name((uint16_t)(data[i] << 8 | data[i + 1]), name, sizeof(name));
			dns_text_printf(v, "%s%s", i ? "," : "", name);
		}
		return true;
	case 1: /* alpn: length-prefixed ids, quoted, commas within an id escaped */
		text_putc(v, '"');
		for (i = 0; i < len;) {
			size_t id_len = data[i++], j;

			if (id_len == 0 || i + id_len > len)
				return false;
			if (i > 1)
				text_putc(v, ',');
			for (j = 0; j < id_len; j++) {
				if (data[i + j] == ',')
					text_append(v, "\\\\,", 3);
				else
					charstr_escape(v, data + i + j, 1);
			}
			i += id_len;
		}
		text_putc(v, '"');
		return true;
	case 3:
		if (len != 2)
			return false;
		dns_text_printf(v, "%u", data[0] << 8 | data[1]);
		return true;
	case 4:
	case 6: {
		size_t addr_len = key == 4 ? 4 : 16;

		if (len == 0 || len % addr_len)
			return false;
		for (i = 0; i < len; i += addr_len) {
			inet_ntop(key == 4 ? AF_INET : AF_INET6, data + i, addr, sizeof(addr));
			dns_text_printf(v, "%s%s", i ? "," : "", addr);
		}
		return true;
	}
	case 5:
		encode_base64(v, data, len);
		return true;
	default:
		text_putc(v, '"');
		charstr_escape(v, data, len);
		text_putc(v, '"');
		return true;
	}
}

static void present_svcb(struct dns_rdata *rd, struct rdata_reader *r)
{
	put_uint(rd, r, "priority", 2);
	put_name(rd, r, "target");
	while (!r->bad && r->pos < r->end) {
		uint16_t key = (uint16_t)read_uint(r, 2);
		size_t len = read_uint(r, 2);
		struct dns_text value = { 0 };
		char name[24];

		if (!need(r, len))
			return;
		svc_key_name(key, name, sizeof(name));
		if (key == 2) {
			if (len != 0)
				r->bad = true;
			else
				field_string(rd, name, name);
			continue;
		}
		if (!svc_value_text(&value, key, r->msg->wire + r->pos, len)) {
			r->bad = true;
			dns_text_free(&value);
			return;
		}
		r->pos += len;
		/* The text shows key=value; the JSON field only the value. */
		if (field_begin(rd, name, DNS_FIELD_STRING)) {
			dns_text_printf(&rd->text, "%s=", name);
			field_puts(rd, value.buf ? value.buf : "", value.len);
			field_end(rd);
		}
		dns_text_free(&value);
	}
}

/* --- dispatch ---------------------------------------------------------------- */

static void present_typed(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, unsigned split)
{
	switch (type) {
	case DNS_TYPE_A: present_address(rd, r, AF_INET); break;
	case DNS_TYPE_AAAA: present_address(rd, r, AF_INET6); break;
	case DNS_TYPE_NS: case DNS_TYPE_CNAME: case DNS_TYPE_PTR: case DNS_TYPE_DNAME:
		put_name(rd, r, "target");
		break;
	case DNS_TYPE_SOA:
		put_name(rd, r, "mname");
		put_name(rd, r, "rname");
		put_uint(rd, r, "serial", 4);
		put_uint(rd, r, "refresh", 4);
		put_uint(rd, r, "retry", 4);
		put_uint(rd, r, "expire", 4);
		put_uint(rd, r, "minimum", 4);
		break;
	case DNS_TYPE_MX:
		put_uint(rd, r, "preference", 2);
		put_name(rd, r, "exchange");
		break;
	case DNS_TYPE_TXT:
		if (r->pos == r->end)
			r->bad = true;
		while (!r->bad && r->pos < r->end)
			put_charstr(rd, r, "strings", true);
		break;
	case DNS_TYPE_SRV:
		put_uint(rd, r, "priority", 2);
		put_uint(rd, r, "weight", 2);
		put_uint(rd, r, "port", 2);
		put_name(rd, r, "target");
		break;
	case DNS_TYPE_NAPTR:
		put_uint(rd, r, "order", 2);
		put_uint(rd, r, "preference", 2);
		put_charstr(rd, r, "flags", false);
		put_charstr(rd, r, "services", false);
		put_charstr(rd, r, "regexp", false);
		put_name(rd, r, "replacement");
		break;
	case DNS_TYPE_CAA: present_caa(rd, r); break;
	case DNS_TYPE_DS: case 59 /* CDS */:
		put_uint(rd, r, "key_tag", 2);
		put_uint(rd, r, "algorithm", 1);
		put_uint(rd, r, "digest_type", 1);
		put_rest_binary(rd, r, "digest", ENC_HEX, split);
		break;
	case DNS_TYPE_DNSKEY: case 60 /* CDNSKEY */:
		put_uint(rd, r, "flags", 2);
		put_uint(rd, r, "protocol", 1);
		put_uint(rd, r, "algorithm", 1);
		put_rest_binary(rd, r, "public_key", ENC_BASE64, split);
		break;
	case DNS_TYPE_RRSIG: present_rrsig(rd, r, split); break;
	case DNS_TYPE_NSEC:
		put_name(rd, r, "next");
		put_type_bitmap(rd, r);
		break;
	case DNS_TYPE_NSEC3: present_nsec3(rd, r, true); break;
	case DNS_TYPE_NSEC3PARAM: present_nsec3(rd, r, false); break;
	case DNS_TYPE_TLSA:
		put_uint(rd, r, "usage", 1);
		put_uint(rd, r, "selector", 1);
		put_uint(rd, r, "matching_type", 1);
		put_rest_binary(rd, r, "data", ENC_HEX, split);
		break;
	case DNS_TYPE_SVCB: case DNS_TYPE_HTTPS: present_svcb(rd, r); break;
	default:
		r->bad = true; /* no decoder: RFC 3597's form */
		break;
	}
}

static bool type_has_decoder(uint16_t type)
{
	static const uint16_t known[] = {
		DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_NS, DNS_TYPE_CNAME, DNS_TYPE_PTR, DNS_TYPE_DNAME,
		DNS_TYPE_SOA, DNS_TYPE_MX, DNS_TYPE_TXT, DNS_TYPE_SRV, DNS_TYPE_NAPTR, DNS_TYPE_CAA,
		DNS_TYPE_DS, 59, DNS_TYPE_DNSKEY, 60, DNS_TYPE_RRSIG, DNS_TYPE_NSEC, DNS_TYPE_NSEC3,
		DNS_TYPE_NSEC3PARAM, DNS_TYPE_TLSA, DNS_TYPE_SVCB, DNS_TYPE_HTTPS,
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == type)
			return true;
	return false;
}

static void rdata_reset(struct dns_rdata *rd)
{
	rd->text.len = rd->store.len = 0;
	if (rd->text.buf)
		rd->text.buf[0] = '\0';
	rd->field_count = 0;
}

/* RFC 3597: "\# LENGTH HEX", the hex split like dig's. */
static void present_unknown(struct dns_rdata *rd, const struct dns_rr *rr, const uint8_t *wire,
			    unsigned split_width)
{
	text_append(&rd->text, "\\#", 2);
	field_uint(rd, "length", rr->rdlength);
	if (rr->rdlength)
		put_binary(rd, "data", wire + rr->rdata_offset, rr->rdlength, ENC_HEX, split_width);
}

int dns_rdata_present(const struct dns_msg *msg, const struct dns_rr *rr, unsigned split_width,
		      struct dns_rdata *out)
{
	struct rdata_reader r = { msg, rr->rdata_offset, rr->rdata_offset + rr->rdlength, false };

	rdata_reset(out);
	out->malformed = false;
	if (type_has_decoder(rr->type)) {
		present_typed(out, &r, rr->type, split_width);
		if (r.bad || r.pos != r.end) {
			out->malformed = true;
			rdata_reset(out);
		}
	}
	if (!type_has_decoder(rr->type) || out->malformed)
		present_unknown(out, rr, msg->wire, split_width);
	if (!out->text.buf)
		text_append(&out->text, "", 0);
	return out->text.oom || out->store.oom ? -ENOMEM : 0;
}

void dns_rdata_free(struct dns_rdata *rd)
{
	dns_text_free(&rd->text);
	dns_text_free(&rd->store);
	free(rd->fields);
	memset(rd, 0, sizeof(*rd));
}

/* --- record lines ----------------------------------------------------------- */

/* bind's column rule: at least one step forward; tabs (stops every 8) up to
 * the column, then spaces.  Past the column that is one space, or a tab
 * when the text ends one short of a tab stop. */
static void indent_to(struct dns_text *line, size_t *column, size_t target)
{
	size_t to = target < *column + 1 ? *column + 1 : target;

	if (to / 8 > *column / 8) {
		size_t tabs = to / 8 - *column / 8;

		while (tabs--)
			text_putc(line, '\t');
		*column = to / 8 * 8;
	}
	while (*column < to) {
		text_putc(line, ' ');
		(*column)++;
	}
}

void dns_format_rr_line(struct dns_text *line, const char *owner, uint32_t ttl, uint16_t rclass,
			uint16_t type, const char *rdata_text, bool question)
{
	char class_buf[16], type_buf[16], ttl_text[16];
	const char *class_name = dns_class_name(rclass, class_buf, sizeof(class_buf));
	const char *type_name = dns_type_name(type, type_buf, sizeof(type_buf));
	size_t column;

	/* A question line starts with ';', which dig leaves out of the column count. */
	if (question)
		text_putc(line, ';');
	text_append(line, owner, strlen(owner));
	column = strlen(owner);
	if (!question) {
		indent_to(line, &column, 24);
		snprintf(ttl_text, sizeof(ttl_text), "%u", ttl);
		text_append(line, ttl_text, strlen(ttl_text));
		column += strlen(ttl_text);
	}
	indent_to(line, &column, 32);
	text_append(line, class_name, strlen(class_name));
	column += strlen(class_name);
	indent_to(line, &column, 40);
	text_append(line, type_name, strlen(type_name));
	column += strlen(type_name);
	if (question)
		return;
	indent_to(line, &column, 48);
	text_append(line, rdata_text, strlen(rdata_text));
}
