/* The records whose +multiline form carries comments or parentheses of
 * its own (bind 9.18's totext for SOA with its long TTL form, the key types and
 * the types of one base64 or hex block), one line or several as the style says. */
#include <stdio.h>
#include <string.h>

#include "dns_rdata_impl.h"

/* bind's DNSSEC algorithm mnemonics (CERT's algorithm, a key's comment). */
const char *rd_secalg_name(unsigned alg)
{
	static const struct { unsigned value; const char *name; } names[] = {
		{ 1, "RSAMD5" }, { 2, "DH" }, { 3, "DSA" }, { 5, "RSASHA1" }, { 6, "NSEC3DSA" },
		{ 7, "NSEC3RSASHA1" }, { 8, "RSASHA256" }, { 10, "RSASHA512" }, { 12, "ECCGOST" },
		{ 13, "ECDSAP256SHA256" }, { 14, "ECDSAP384SHA384" }, { 15, "ED25519" }, { 16, "ED448" },
		{ 252, "INDIRECT" }, { 253, "PRIVATEDNS" }, { 254, "PRIVATEOID" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].value == alg)
			return names[i].name;
	return NULL;
}

/* bind's dns_ttl_totext() in its long form: weeks, days, hours, minutes,
 * seconds, those that are not 0 (seconds alone when all are). */
void dns_ttl_text_long(uint32_t seconds, char *buf, size_t size)
{
	static const char *const units[5] = { "week", "day", "hour", "minute", "second" };
	unsigned parts[5];
	size_t used = 0;
	int i;

	parts[4] = seconds % 60;
	parts[3] = seconds / 60 % 60;
	parts[2] = seconds / 3600 % 24;
	parts[1] = seconds / 86400 % 7;
	parts[0] = seconds / 604800;
	buf[0] = '\0';
	for (i = 0; i < 5; i++) {
		if (!parts[i] && !(i == 4 && used == 0))
			continue;
		snprintf(buf + used, size - used, "%s%u %s%s", used ? " " : "", parts[i], units[i],
			 parts[i] == 1 ? "" : "s");
		used = strlen(buf);
	}
}

void rd_present_soa(struct dns_rdata *rd, struct rdata_reader *r)
{
	static const char *const names[5] = { "serial", "refresh", "retry", "expire", "minimum" };
	bool comments = rd->style.multiline && rd->style.comments;
	int i;

	rd_put_name(rd, r, "mname");
	rd_put_name(rd, r, "rname");
	rd_open(rd);
	for (i = 0; i < 5 && !r->bad; i++) {
		uint32_t value = rd_read_uint(r, 4);
		char num[16], ttl[64];

		if (r->bad || !rd_field_begin(rd, names[i], DNS_FIELD_UINT))
			return;
		rd->fields[rd->field_count - 1].number = value;
		snprintf(num, sizeof(num), "%u", value);
		rd_field_puts(rd, num, strlen(num));
		rd_field_end(rd);
		/* bind: "%-10lu ; serial", the times also in its long form. */
		if (comments) {
			strbuf_printf(&rd->text, "%*s ; %s", (int)(10 - strlen(num)), "", names[i]);
			if (i >= 1) {
				dns_ttl_text_long(value, ttl, sizeof(ttl));
				strbuf_printf(&rd->text, " (%s)", ttl);
			}
		}
		rd->sep = DNS_SEP_BREAK;
	}
	if (comments)
		rd_linebreak(rd);
	rd_multiline_text(rd, ")", DNS_SEP_SPACE);
}

/* RFC 4034 appendix B's key tag over the whole rdata (bind's
 * dst_region_computeid(), for every algorithm). */
static unsigned key_tag(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len % 2)
		sum += (uint32_t)p[len - 1] << 8;
	sum += sum >> 16 & 0xffff;
	return sum & 0xffff;
}

/* A PRIVATEDNS key's algorithm is the name its key data starts with,
 * uncompressed; false when it is not one. */
static bool private_algorithm_name(const uint8_t *p, size_t len, char *name, size_t size)
{
	size_t i = 0;
	int used;

	while (i < len && p[i] != 0) {
		if (p[i] > 63)
			return false;
		i += 1 + p[i];
	}
	if (i >= len)
		return false;
	used = dns_read_name(p, len, 0, name, size);
	if (used < 0)
		return false;
	/* bind's dns_name_format() leaves the final dot out. */
	if (strlen(name) > 1)
		name[strlen(name) - 1] = '\0';
	return true;
}

/* KEY, DNSKEY, CDNSKEY and RKEY as bind's generic key presenter: under
 * +rrcomments (on with +multiline) " ; KSK; alg = NAME ; key id = N". */
void rd_present_key(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, unsigned split)
{
	size_t start = r->pos;
	unsigned flags = rd_read_uint(r, 2), algorithm;
	char alg_name[DNS_NAME_TEXT];
	bool dnskey = type == DNS_TYPE_DNSKEY || type == 60;

	rd_field_uint(rd, "flags", flags);
	rd_put_uint(rd, r, "protocol", 1);
	algorithm = rd_read_uint(r, 1);
	if (r->bad)
		return;
	rd_field_uint(rd, "algorithm", algorithm);
	if (type == 57 && flags != 0) {
		rd_fail(r, DNS_FAULT_FORMERR); /* RKEY: bind's decoder wants flags 0 */
		return;
	}
	/* A KEY of type "no key" ends there, whatever follows (bind). */
	if (type == 25 && (flags & 0xc000) == 0xc000) {
		r->pos = r->end;
		return;
	}
	if (r->pos == r->end) {
		rd_fail(r, DNS_FAULT_END);
		return;
	}
	if (algorithm == 253) {
		if (!private_algorithm_name(r->msg->wire + r->pos, r->end - r->pos, alg_name, sizeof(alg_name))) {
			r->bad = true; /* bind refuses it too; sonde shows it as \# */
			return;
		}
	} else {
		snprintf(alg_name, sizeof(alg_name), "%s", rd_secalg_name(algorithm) ? rd_secalg_name(algorithm) : "");
		if (!alg_name[0])
			snprintf(alg_name, sizeof(alg_name), "%u", algorithm);
	}
	rd_open(rd);
	rd_put_rest_binary(rd, r, "public_key", ENC_BASE64, split);
	if (rd->style.comments)
		rd_linebreak(rd);
	else
		rd_multiline_text(rd, " ", DNS_SEP_SPACE);
	rd_multiline_text(rd, ")", DNS_SEP_SPACE);
	if (!rd->style.comments)
		return;
	if (dnskey)
		strbuf_printf(&rd->text, " ; %s", !(flags & 1) ? "ZSK" : (flags & 0x80) ? "revoked KSK" : "KSK");
	strbuf_printf(&rd->text, "; alg = %s ; key id = %u", alg_name, key_tag(r->msg->wire + start, r->end - start));
}

/* Types whose data is one base64 or hex block: under +multiline in
 * parentheses, opened as bind opens each ("( " or " ("), DHCID with its
 * identifier type, digest type and length as a comment. */
void rd_present_block(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, enum binary_encoding enc,
			  unsigned split)
{
	size_t len = r->end - r->pos;
	const uint8_t *p = r->msg->wire + r->pos;

	rd_multiline_text(rd, type == 67 || type == 68 ? " (" : "( ", DNS_SEP_NONE);
	rd_put_rest_binary(rd, r, "data", enc, split);
	rd_close(rd);
	if (type == 49 && len > 2 && rd->style.multiline)
		strbuf_printf(&rd->text, " ; %u %u %zu", p[0] << 8 | p[1], p[2], len - 3);
}
