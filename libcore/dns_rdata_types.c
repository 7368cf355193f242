/* Record data of each type in dig's presentation format (bind 9.18's
 * totext for the type), decoded field by field so the same values serve
 * the text line and typed JSON.  A type without a presenter here, or rdata
 * that does not decode as its type, is shown in RFC 3597's \# form by the
 * caller, as dig shows what it cannot print. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dns_rdata_impl.h"

/* --- the types ---------------------------------------------------------- */

static void present_address(struct dns_rdata *rd, struct rdata_reader *r, int family)
{
	size_t len = family == AF_INET ? 4 : 16;
	char text[INET6_ADDRSTRLEN];

	/* bind: short is cut short, long has bytes left over. */
	if (r->end - r->pos != len) {
		rd_fail(r, r->end - r->pos < len ? DNS_FAULT_END : DNS_FAULT_EXTRA);
		return;
	}
	inet_ntop(family, r->msg->wire + r->pos, text, sizeof(text));
	r->pos += len;
	rd_field_string(rd, "address", text);
}

/* An A record of class CH: a Chaosnet address, the host's domain then its
 * 16-bit address in octal (bind's ch/a_1.c). */
static void present_chaos_address(struct dns_rdata *rd, struct rdata_reader *r)
{
	char octal[8];

	rd_put_name(rd, r, "domain");
	if (!rd_need(r, 2))
		return;
	snprintf(octal, sizeof(octal), "%o", (unsigned)rd_read_uint(r, 2));
	rd_field_string(rd, "address", octal);
}

/* A type bitmap as bind checks it (typemap_test()): windows in rising
 * order, each of 1 to 32 bytes inside the rdata, the last byte not zero;
 * none at all only where allow_empty (NSEC3, CSYNC, not NSEC). */
static bool type_bitmap_valid(const uint8_t *p, size_t len, bool allow_empty)
{
	size_t i = 0;
	int last_window = -1;

	while (i < len) {
		unsigned window, bytes;

		if (i + 2 > len)
			return false;
		window = p[i];
		bytes = p[i + 1];
		i += 2;
		if ((int)window <= last_window || bytes < 1 || bytes > 32 || i + bytes > len || p[i + bytes - 1] == 0)
			return false;
		last_window = (int)window;
		i += bytes;
	}
	return allow_empty || len > 0;
}

/* The type bitmap of NSEC, NSEC3 and CSYNC: windows of up to 32 bytes.
 * NSEC3's under +multiline has a line break before each window (the
 * JSON value joins them with spaces). */
static void put_type_bitmap(struct dns_rdata *rd, struct rdata_reader *r, bool allow_empty, bool window_breaks)
{
	struct strbuf list = { 0 }, shown = { 0 };
	const uint8_t *wire = r->msg->wire;
	bool breaks = window_breaks && rd->style.multiline;

	if (!r->bad && !type_bitmap_valid(wire + r->pos, r->end - r->pos, allow_empty))
		rd_fail(r, DNS_FAULT_FORMERR);
	while (!r->bad && r->pos < r->end) {
		unsigned window, len, i, bit;
		bool window_start = true;

		window = rd_read_uint(r, 1);
		len = rd_read_uint(r, 1);
		if (len == 0 || len > 32 || !rd_need(r, len))
			break;
		for (i = 0; i < len; i++)
			for (bit = 0; bit < 8; bit++)
				if (wire[r->pos + i] & (0x80 >> bit)) {
					char buf[16];
					const char *name = dns_type_name((uint16_t)(window * 256 + i * 8 + bit), buf,
									 sizeof(buf));

					if (shown.len)
						strbuf_printf(&shown, "%s", breaks && window_start ? "\n\t\t\t\t" : " ");
					strbuf_printf(&list, "%s%s", list.len ? " " : "", name);
					strbuf_printf(&shown, "%s", name);
					window_start = false;
				}
		r->pos += len;
	}
	if (r->pos != r->end)
		r->bad = true;
	if (!r->bad && list.len && rd_field_begin(rd, "types", DNS_FIELD_STRING)) {
		strbuf_add(&rd->text, shown.data, shown.len);
		strbuf_add(&rd->store, list.data, list.len);
		rd_field_end(rd);
	}
	strbuf_free(&list);
	strbuf_free(&shown);
}

int64_t dns_time32_nearest(uint32_t value, int64_t now_s)
{
	const int64_t cycle = INT64_C(1) << 32;
	int64_t when = (int64_t)value + (now_s - (int64_t)value) / cycle * cycle;

	/* when is congruent with value and within one cycle of now_s: step to
	 * the nearer neighbour if it is closer. */
	if (when - now_s > cycle / 2)
		when -= cycle;
	else if (now_s - when > cycle / 2)
		when += cycle;
	return when;
}

/* A signature time as bind's dns_time32_totext(): the moment nearest now. */
static void put_sig_time(struct dns_rdata *rd, struct rdata_reader *r, const char *key)
{
	time_t when = (time_t)dns_time32_nearest((uint32_t)rd_read_uint(r, 4), (int64_t)time(NULL));
	struct tm tm;
	char stamp[32];

	if (r->bad)
		return;
	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	rd_field_string(rd, key, stamp);
}

/* RRSIG, and SIG (RFC 2535) laid out as bind 9.18 lays it out: the same
 * fields, but the parenthesis after the expiration rather than before it,
 * a covered type without a mnemonic as a bare number, and a signature
 * that may not be empty. */
static void present_rrsig(struct dns_rdata *rd, struct rdata_reader *r, unsigned split_width, bool sig)
{
	uint16_t covered = (uint16_t)rd_read_uint(r, 2);
	char buf[16];
	const char *covered_name;

	if (r->bad)
		return;
	covered_name = dns_type_name(covered, buf, sizeof(buf));
	if (covered_name == buf || covered == 0) {
		snprintf(buf, sizeof(buf), sig ? "%u" : "TYPE%u", covered);
		covered_name = buf;
	}
	rd_field_string(rd, "type_covered", covered_name);
	rd_put_uint(rd, r, "algorithm", 1);
	rd_put_uint(rd, r, "labels", 1);
	rd_put_uint(rd, r, "original_ttl", 4);
	if (!sig)
		rd_open(rd);
	put_sig_time(rd, r, "expiration");
	if (sig && !r->bad)
		rd_open(rd);
	put_sig_time(rd, r, "inception");
	rd_put_uint(rd, r, "key_tag", 2);
	rd_put_name(rd, r, "signer");
	if (sig && !r->bad && r->pos == r->end)
		rd_fail(r, DNS_FAULT_END);
	rd->sep = DNS_SEP_BREAK;
	rd_put_rest_binary(rd, r, "signature", ENC_BASE64, split_width);
	rd_close(rd);
}

/* NXT (RFC 2535): the next name, then a bitmap of the types 1 to 127
 * (16 bytes at most, bit 0 clear, no trailing zero byte, as bind
 * checks); a type without a mnemonic as a bare number. */
static void present_nxt(struct dns_rdata *rd, struct rdata_reader *r)
{
	const uint8_t *map;
	size_t len, bit;
	struct strbuf types = { 0 };

	rd_put_name(rd, r, "next");
	if (r->bad)
		return;
	map = r->msg->wire + r->pos;
	len = r->end - r->pos;
	if (len && ((map[0] & 0x80) || len > 16 || map[len - 1] == 0)) {
		rd_fail(r, "bad bitmap");
		return;
	}
	for (bit = 1; bit < len * 8; bit++)
		if (map[bit / 8] & (0x80 >> (bit % 8))) {
			char buf[16];
			const char *name = dns_type_name((uint16_t)bit, buf, sizeof(buf));

			strbuf_printf(&types, "%s%s", types.len ? " " : "", name == buf ? buf + 4 : name);
		}
	r->pos = r->end;
	if (types.len)
		rd_field_string(rd, "types", types.data);
	if (types.failed)
		rd->store.failed = true;
	strbuf_free(&types);
}

static void put_salt(struct dns_rdata *rd, struct rdata_reader *r)
{
	size_t len = rd_read_uint(r, 1);
	struct strbuf hex = { 0 };

	if (!rd_need(r, len))
		return;
	rd_encode_hex(&hex, r->msg->wire + r->pos, len);
	rd_field_string(rd, "salt", len ? (hex.data ? hex.data : "") : "-");
	strbuf_free(&hex);
	r->pos += len;
}

static void present_nsec3(struct dns_rdata *rd, struct rdata_reader *r, bool with_hash)
{
	rd_put_uint(rd, r, "hash_algorithm", 1);
	rd_put_uint(rd, r, "flags", 1);
	rd_put_uint(rd, r, "iterations", 2);
	put_salt(rd, r);
	if (with_hash) {
		size_t len;

		rd_open(rd);
		len = rd_read_uint(r, 1);
		struct strbuf hash = { 0 };

		if (!rd_need(r, len))
			return;
		rd_encode_base32hex(&hash, r->msg->wire + r->pos, len);
		rd_field_string(rd, "next_hashed", hash.data ? hash.data : "");
		strbuf_free(&hash);
		r->pos += len;
		rd->sep = DNS_SEP_BREAK;
		put_type_bitmap(rd, r, true, true);
		rd_close(rd);
	}
}

static void present_caa(struct dns_rdata *rd, struct rdata_reader *r)
{
	size_t tag_len;
	char tag[256];

	rd_put_uint(rd, r, "flags", 1);
	tag_len = rd_read_uint(r, 1);
	if (tag_len == 0 || !rd_need(r, tag_len)) {
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
	rd_field_string(rd, "tag", tag);
	rd_put_quoted(rd, "value", r->msg->wire + r->pos, r->end - r->pos, false);
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
static bool svc_value_text(struct strbuf *v, uint16_t key, const uint8_t *data, size_t len)
{
	char addr[INET6_ADDRSTRLEN], name[24];
	size_t i;

	switch (key) {
	case 0: /* mandatory: a list of keys */
		if (len % 2)
			return false;
		for (i = 0; i < len; i += 2) {
			svc_key_name((uint16_t)(data[i] << 8 | data[i + 1]), name, sizeof(name));
			strbuf_printf(v, "%s%s", i ? "," : "", name);
		}
		return true;
	case 1: /* alpn: length-prefixed ids, quoted, commas within an id escaped */
		strbuf_putc(v, '"');
		for (i = 0; i < len;) {
			size_t id_len = data[i++], j;

			if (id_len == 0 || i + id_len > len)
				return false;
			if (i > 1)
				strbuf_putc(v, ',');
			for (j = 0; j < id_len; j++) {
				if (data[i + j] == ',')
					strbuf_add(v, "\\\\,", 3);
				else
					rd_charstr_escape(v, data + i + j, 1);
			}
			i += id_len;
		}
		strbuf_putc(v, '"');
		return true;
	case 3:
		if (len != 2)
			return false;
		strbuf_printf(v, "%u", data[0] << 8 | data[1]);
		return true;
	case 4:
	case 6: {
		size_t addr_len = key == 4 ? 4 : 16;

		if (len == 0 || len % addr_len)
			return false;
		for (i = 0; i < len; i += addr_len) {
			inet_ntop(key == 4 ? AF_INET : AF_INET6, data + i, addr, sizeof(addr));
			strbuf_printf(v, "%s%s", i ? "," : "", addr);
		}
		return true;
	}
	case 5:
		rd_encode_base64(v, data, len);
		return true;
	default:
		strbuf_putc(v, '"');
		rd_charstr_escape(v, data, len);
		strbuf_putc(v, '"');
		return true;
	}
}

static void present_svcb(struct dns_rdata *rd, struct rdata_reader *r)
{
	rd_put_uint(rd, r, "priority", 2);
	rd_put_name(rd, r, "target");
	while (!r->bad && r->pos < r->end) {
		uint16_t key = (uint16_t)rd_read_uint(r, 2);
		size_t len = rd_read_uint(r, 2);
		struct strbuf value = { 0 };
		char name[24];

		if (!rd_need(r, len))
			return;
		svc_key_name(key, name, sizeof(name));
		if (key == 2) {
			if (len != 0)
				r->bad = true;
			else
				rd_field_string(rd, name, name);
			continue;
		}
		if (!svc_value_text(&value, key, r->msg->wire + r->pos, len)) {
			r->bad = true;
			strbuf_free(&value);
			return;
		}
		r->pos += len;
		/* The text shows key=value; the JSON field only the value. */
		if (rd_field_begin(rd, name, DNS_FIELD_STRING)) {
			strbuf_printf(&rd->text, "%s=", name);
			rd_field_puts(rd, value.data ? value.data : "", value.len);
			rd_field_end(rd);
		}
		strbuf_free(&value);
	}
}


/* --- types bind names, less common ------------------------------------- */

/* Character-strings to the end (HINFO, ISDN, GPOS, X25 have fixed counts,
 * checked by the caller). */
static size_t put_charstrs(struct dns_rdata *rd, struct rdata_reader *r, const char *key)
{
	size_t n = 0;

	while (!r->bad && r->pos < r->end) {
		rd_put_charstr(rd, r, key, true);
		n++;
	}
	return n;
}

static void present_charstrs(struct dns_rdata *rd, struct rdata_reader *r, size_t min, size_t max)
{
	size_t n = put_charstrs(rd, r, "strings");

	/* bind reads min strings (cut short without them), then at most max. */
	if (n < min || n > max)
		rd_fail(r, n < min ? DNS_FAULT_END : DNS_FAULT_EXTRA);
}

/* DS and its kin (CDS, TA, DLV): bind checks the digest's length for the
 * digest types it knows (SHA-1, SHA-256, SHA-384). */
static void present_ds(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	static const size_t digest_len[5] = { 0, 20, 32, 0, 48 };
	size_t have = r->end - r->pos, want;

	if (have < 5) {
		rd_fail(r, DNS_FAULT_END);
		return;
	}
	want = r->msg->wire[r->pos + 3] < 5 ? digest_len[r->msg->wire[r->pos + 3]] : 0;
	if (want && have != 4 + want) {
		rd_fail(r, have < 4 + want ? DNS_FAULT_END : DNS_FAULT_EXTRA);
		return;
	}
	rd_put_uint(rd, r, "key_tag", 2);
	rd_put_uint(rd, r, "algorithm", 1);
	rd_put_uint(rd, r, "digest_type", 1);
	rd_open(rd);
	rd_put_rest_binary(rd, r, "digest", ENC_HEX, split);
	rd_close(rd);
}

/* The rest of the rdata as one quoted string (URI's target). */
static void put_rest_quoted(struct dns_rdata *rd, struct rdata_reader *r, const char *key)
{
	if (r->bad)
		return;
	rd_put_quoted(rd, key, r->msg->wire + r->pos, r->end - r->pos, false);
	r->pos = r->end;
}

static void put_fixed_address(struct dns_rdata *rd, struct rdata_reader *r, const char *key, int family)
{
	size_t len = family == AF_INET ? 4 : 16;
	char text[INET6_ADDRSTRLEN];

	if (!rd_need(r, len))
		return;
	inet_ntop(family, r->msg->wire + r->pos, text, sizeof(text));
	r->pos += len;
	rd_field_string(rd, key, text);
}

static void put_mnemonic(struct dns_rdata *rd, const char *key, const char *name, unsigned value)
{
	char num[16];

	if (!name) {
		snprintf(num, sizeof(num), "%u", value);
		name = num;
	}
	rd_field_string(rd, key, name);
}

static void present_cert(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	static const char *const cert_types[] = { NULL, "PKIX", "SPKI", "PGP", "IPKIX", "ISPKI", "IPGP",
						  "ACPKIX", "IACPKIX" };
	unsigned type = rd_read_uint(r, 2), alg;
	const char *name = type < 9 ? cert_types[type] : type == 253 ? "URI" : type == 254 ? "OID" : NULL;

	if (r->bad)
		return;
	put_mnemonic(rd, "cert_type", name, type);
	rd_put_uint(rd, r, "key_tag", 2);
	alg = rd_read_uint(r, 1);
	if (r->bad)
		return;
	put_mnemonic(rd, "algorithm", rd_secalg_name(alg), alg);
	rd_open(rd);
	rd_put_rest_binary(rd, r, "certificate", ENC_BASE64, split);
	rd_close(rd);
}

/* IPSECKEY and AMTRELAY gateways: none, IPv4, IPv6 or a name (types 0-3). */
static void put_gateway(struct dns_rdata *rd, struct rdata_reader *r, unsigned gateway_type)
{
	switch (gateway_type) {
	case 0: rd_field_string(rd, "gateway", "."); break;
	case 1: put_fixed_address(rd, r, "gateway", AF_INET); break;
	case 2: put_fixed_address(rd, r, "gateway", AF_INET6); break;
	case 3: rd_put_name(rd, r, "gateway"); break;
	default: r->bad = true; break; /* bind has no presentation for it either: \# */
	}
}

static void present_ipseckey(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	unsigned gateway_type;

	rd_multiline_text(rd, "( ", DNS_SEP_NONE);
	rd_put_uint(rd, r, "precedence", 1);
	gateway_type = rd_read_uint(r, 1);
	if (r->bad)
		return;
	rd_field_uint(rd, "gateway_type", gateway_type);
	rd_put_uint(rd, r, "algorithm", 1);
	put_gateway(rd, r, gateway_type);
	rd->sep = DNS_SEP_BREAK;
	if (!r->bad && r->pos < r->end)
		rd_put_rest_binary(rd, r, "public_key", ENC_BASE64, split);
	rd_close(rd);
}

static void present_amtrelay(struct dns_rdata *rd, struct rdata_reader *r)
{
	unsigned type;

	rd_put_uint(rd, r, "precedence", 1);
	type = rd_read_uint(r, 1);
	if (r->bad)
		return;
	rd_field_uint(rd, "discovery", type >> 7);
	rd_field_uint(rd, "relay_type", type & 0x7f);
	put_gateway(rd, r, type & 0x7f);
}

static void present_hip(struct dns_rdata *rd, struct rdata_reader *r)
{
	size_t hit_len = rd_read_uint(r, 1), key_len;

	rd_multiline_text(rd, "( ", DNS_SEP_NONE);
	rd_put_uint(rd, r, "algorithm", 1);
	key_len = rd_read_uint(r, 2);
	if (!rd_need(r, hit_len + key_len))
		return;
	rd_put_binary(rd, "hit", r->msg->wire + r->pos, hit_len, ENC_HEX, 0);
	r->pos += hit_len;
	rd->sep = DNS_SEP_BREAK;
	rd_put_binary(rd, "public_key", r->msg->wire + r->pos, key_len, ENC_BASE64, 0);
	r->pos += key_len;
	while (!r->bad && r->pos < r->end) {
		rd->sep = DNS_SEP_BREAK;
		rd_put_name(rd, r, "rendezvous_servers");
	}
	rd_close(rd);
}

static void present_a6(struct dns_rdata *rd, struct rdata_reader *r)
{
	unsigned prefix_len = rd_read_uint(r, 1);
	uint8_t addr[16] = { 0 };
	char text[INET6_ADDRSTRLEN] = "";
	size_t octets = prefix_len / 8;

	if (r->bad || prefix_len > 128)
		goto bad;
	rd_field_uint(rd, "prefix_length", prefix_len);
	if (prefix_len != 128) {
		if (!rd_need(r, 16 - octets))
			return;
		memcpy(addr + octets, r->msg->wire + r->pos, 16 - octets);
		addr[octets] &= (uint8_t)(0xff >> (prefix_len % 8));
		inet_ntop(AF_INET6, addr, text, sizeof(text));
		r->pos += 16 - octets;
	}
	/* bind writes the (maybe empty) address after one space, always. */
	rd_field_string(rd, "address_suffix", text);
	if (prefix_len)
		rd_put_name(rd, r, "prefix_name");
	return;
bad:
	r->bad = true;
}

static void present_wks(struct dns_rdata *rd, struct rdata_reader *r)
{
	size_t i;
	unsigned bit;

	put_fixed_address(rd, r, "address", AF_INET);
	rd_put_uint(rd, r, "protocol", 1);
	for (i = 0; !r->bad && r->pos + i < r->end; i++)
		for (bit = 0; bit < 8; bit++)
			if (r->msg->wire[r->pos + i] & (0x80 >> bit))
				rd_field_uint(rd, "ports", i * 8 + bit);
	r->pos = r->end;
}

static void present_apl(struct dns_rdata *rd, struct rdata_reader *r)
{
	while (!r->bad && r->pos < r->end) {
		unsigned family = rd_read_uint(r, 2), prefix = rd_read_uint(r, 1), len = rd_read_uint(r, 1);
		bool negated = len & 0x80;
		uint8_t addr[16] = { 0 };
		char text[INET6_ADDRSTRLEN], item[INET6_ADDRSTRLEN + 16];

		len &= 0x7f;
		if (r->bad || (family != 1 && family != 2) || len > (family == 1 ? 4u : 16u) ||
		    prefix > (family == 1 ? 32u : 128u) || !rd_need(r, len)) {
			r->bad = true;
			return;
		}
		memcpy(addr, r->msg->wire + r->pos, len);
		r->pos += len;
		inet_ntop(family == 1 ? AF_INET : AF_INET6, addr, text, sizeof(text));
		snprintf(item, sizeof(item), "%s%u:%s/%u", negated ? "!" : "", family, text, prefix);
		if (rd_field_begin(rd, "items", DNS_FIELD_STRING)) {
			rd->fields[rd->field_count - 1].repeated = true;
			rd_field_puts(rd, item, strlen(item));
			rd_field_end(rd);
		}
	}
}

static void present_atma(struct dns_rdata *rd, struct rdata_reader *r)
{
	unsigned format = rd_read_uint(r, 1);
	struct strbuf t = { 0 };
	size_t i, len = r->end - r->pos;

	if (r->bad || len == 0 || format > 1) {
		r->bad = true;
		return;
	}
	if (format == 1) {
		strbuf_printf(&t, "+%.*s", (int)len, (const char *)r->msg->wire + r->pos);
	} else {
		for (i = 0; i < len; i++)
			strbuf_printf(&t, "%02x", r->msg->wire[r->pos + i]);
	}
	r->pos = r->end;
	rd_field_string(rd, "address", t.data ? t.data : "");
	strbuf_free(&t);
}

/* EUI48/EUI64: lower-case hex pairs joined by dashes. */
static void present_eui(struct dns_rdata *rd, struct rdata_reader *r, size_t len)
{
	struct strbuf t = { 0 };
	size_t i;

	if (r->end - r->pos != len) {
		r->bad = true;
		return;
	}
	for (i = 0; i < len; i++)
		strbuf_printf(&t, "%s%02x", i ? "-" : "", r->msg->wire[r->pos + i]);
	r->pos += len;
	rd_field_string(rd, "address", t.data ? t.data : "");
	strbuf_free(&t);
}

/* L64 and NID: a preference and 64 bits as four hex groups. */
static void present_locator64(struct dns_rdata *rd, struct rdata_reader *r, const char *key)
{
	char text[24];
	const uint8_t *p;

	rd_put_uint(rd, r, "preference", 2);
	if (r->bad || r->end - r->pos != 8) {
		r->bad = true;
		return;
	}
	p = r->msg->wire + r->pos;
	snprintf(text, sizeof(text), "%x:%x:%x:%x", p[0] << 8 | p[1], p[2] << 8 | p[3], p[4] << 8 | p[5],
		 p[6] << 8 | p[7]);
	r->pos = r->end;
	rd_field_string(rd, key, text);
}

static void present_nsap(struct dns_rdata *rd, struct rdata_reader *r)
{
	struct strbuf t = { 0 };
	size_t i;

	if (r->pos == r->end) {
		r->bad = true;
		return;
	}
	strbuf_printf(&t, "0x");
	for (i = r->pos; i < r->end; i++)
		strbuf_printf(&t, "%02x", r->msg->wire[i]);
	r->pos = r->end;
	rd_field_string(rd, "address", t.data ? t.data : "");
	strbuf_free(&t);
}

/* LOC (RFC 1876) as bind prints it: degrees, minutes, seconds.thousandths,
 * altitude in metres with centimetres, then size and precisions. */
static void loc_size(unsigned char byte, char *buf, size_t size)
{
	static const unsigned long power_of_ten[10] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
							100000000, 1000000000 };
	unsigned mantissa = byte >> 4, exponent = byte & 0x0f;

	if (exponent > 1)
		snprintf(buf, size, "%lum", mantissa * power_of_ten[exponent - 2]);
	else
		snprintf(buf, size, "0.%02lum", mantissa * power_of_ten[exponent]);
}

static void loc_angle(unsigned long value, char pos, char neg, char *buf, size_t size)
{
	bool positive = value >= 0x80000000UL;
	unsigned long v = positive ? value - 0x80000000UL : 0x80000000UL - value;

	snprintf(buf, size, "%lu %lu %lu.%03lu %c", v / 3600000, v / 60000 % 60, v / 1000 % 60, v % 1000,
		 positive ? pos : neg);
}

static void present_loc(struct dns_rdata *rd, struct rdata_reader *r)
{
	const uint8_t *p = r->msg->wire + r->pos;
	char size_text[16], hp[16], vp[16], lat[40], lon[40], text[160];
	unsigned long latitude, longitude, altitude;
	int i;

	if (r->end - r->pos != 16 || p[0] != 0) {
		r->bad = true;
		return;
	}
	for (i = 1; i < 4; i++)
		if ((p[i] & 0x0f) > 9 || (p[i] >> 4) > 9) {
			r->bad = true;
			return;
		}
	latitude = (unsigned long)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7];
	longitude = (unsigned long)p[8] << 24 | p[9] << 16 | p[10] << 8 | p[11];
	altitude = (unsigned long)p[12] << 24 | p[13] << 16 | p[14] << 8 | p[15];
	if ((latitude >= 0x80000000UL ? latitude - 0x80000000UL : 0x80000000UL - latitude) > 90UL * 3600000 ||
	    (longitude >= 0x80000000UL ? longitude - 0x80000000UL : 0x80000000UL - longitude) > 180UL * 3600000) {
		r->bad = true;
		return;
	}
	loc_size(p[1], size_text, sizeof(size_text));
	loc_size(p[2], hp, sizeof(hp));
	loc_size(p[3], vp, sizeof(vp));
	loc_angle(latitude, 'N', 'S', lat, sizeof(lat));
	loc_angle(longitude, 'E', 'W', lon, sizeof(lon));
	if (altitude < 10000000UL)
		snprintf(text, sizeof(text), "%s %s -%lu.%02lum %s %s %s", lat, lon, (10000000UL - altitude) / 100,
			 (10000000UL - altitude) % 100, size_text, hp, vp);
	else
		snprintf(text, sizeof(text), "%s %s %lu.%02lum %s %s %s", lat, lon, (altitude - 10000000UL) / 100,
			 (altitude - 10000000UL) % 100, size_text, hp, vp);
	r->pos = r->end;
	rd_field_string(rd, "location", text);
}

static void present_dsync(struct dns_rdata *rd, struct rdata_reader *r)
{
	uint16_t type = (uint16_t)rd_read_uint(r, 2);
	unsigned scheme;
	char buf[16];

	if (r->bad)
		return;
	rd_field_string(rd, "rrtype", dns_type_name(type, buf, sizeof(buf)));
	scheme = rd_read_uint(r, 1);
	if (r->bad)
		return;
	put_mnemonic(rd, "scheme", scheme == 1 ? "NOTIFY" : NULL, scheme);
	rd_put_uint(rd, r, "port", 2);
	rd_put_name(rd, r, "target");
}

static void present_doa(struct dns_rdata *rd, struct rdata_reader *r)
{
	rd_put_uint(rd, r, "enterprise", 4);
	rd_put_uint(rd, r, "doa_type", 4);
	rd_put_uint(rd, r, "location", 1);
	rd_put_charstr(rd, r, "media_type", false);
	if (!r->bad && r->pos == r->end)
		rd_field_string(rd, "data", "-");
	else
		rd_put_rest_binary(rd, r, "data", ENC_BASE64, 0);
}

static void present_sink(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	rd_put_uint(rd, r, "meaning", 1);
	rd_put_uint(rd, r, "coding", 1);
	rd_put_uint(rd, r, "subcoding", 1);
	if (r->bad || r->pos == r->end)
		return;
	rd_open(rd);
	rd_put_rest_binary(rd, r, "data", ENC_BASE64, split);
	rd_close(rd);
}

/* SSHFP, and the fixed fields before a digest: nothing after them is fine. */
static void present_sshfp(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	rd_put_uint(rd, r, "algorithm", 1);
	rd_put_uint(rd, r, "fp_type", 1);
	if (r->bad || r->pos == r->end)
		return;
	rd_open(rd);
	rd_put_rest_binary(rd, r, "fingerprint", ENC_HEX, split);
	rd_close(rd);
}

static void present_zonemd(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	rd_put_uint(rd, r, "serial", 4);
	rd_put_uint(rd, r, "scheme", 1);
	rd_put_uint(rd, r, "hash_algorithm", 1);
	rd_open(rd);
	rd_put_rest_binary(rd, r, "digest", ENC_HEX, split);
	rd_close(rd);
}

/* TLSA and SMIMEA. */
static void present_tlsa(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	rd_put_uint(rd, r, "usage", 1);
	rd_put_uint(rd, r, "selector", 1);
	rd_put_uint(rd, r, "matching_type", 1);
	rd_open(rd);
	rd_put_rest_binary(rd, r, "data", ENC_HEX, split);
	rd_close(rd);
}

static void present_csync(struct dns_rdata *rd, struct rdata_reader *r)
{
	rd_put_uint(rd, r, "serial", 4);
	rd_put_uint(rd, r, "flags", 2);
	put_type_bitmap(rd, r, true, false);
}

/* A TSIG error: the rcode names to 15, then TSIG's own (bind's
 * dns_tsigrcode_totext()), else the number. */
static const char *tsig_error_name(unsigned error, char *buf, size_t size)
{
	static const char *const tsig_names[] = { "BADSIG", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG",
						  "BADTRUNC" };

	if (error >= 16 && error < 16 + sizeof(tsig_names) / sizeof(tsig_names[0]))
		return tsig_names[error - 16];
	if (error >= 16) {
		snprintf(buf, size, "%u", error);
		return buf;
	}
	return dns_rcode_name(error, buf, size);
}

/* A base64 block of a 16-bit length, in parentheses under +multiline. */
static void put_sized_base64(struct dns_rdata *rd, struct rdata_reader *r, const char *size_key, const char *key,
			     unsigned split)
{
	size_t len = rd_read_uint(r, 2);

	if (!rd_need(r, len))
		return;
	rd_field_uint(rd, size_key, len);
	rd_open(rd);
	rd_put_binary(rd, key, r->msg->wire + r->pos, len, ENC_BASE64, split);
	r->pos += len;
}

/* TKEY (RFC 2930) as bind prints it where it shows up as a record: times
 * as numbers, the error by name, the key and other data in base64 (the
 * other data only when there is some). */
static void present_tkey(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	char buf[16];
	unsigned error;

	rd_put_name(rd, r, "algorithm");
	rd_put_uint(rd, r, "inception", 4);
	rd_put_uint(rd, r, "expiration", 4);
	rd_put_uint(rd, r, "mode", 2);
	error = rd_read_uint(r, 2);
	if (r->bad)
		return;
	rd_field_string(rd, "error", tsig_error_name(error, buf, sizeof(buf)));
	put_sized_base64(rd, r, "key_size", "key", split);
	rd_close(rd);
	if (!rd_need(r, 2))
		return;
	if (r->msg->wire[r->pos] == 0 && r->msg->wire[r->pos + 1] == 0) {
		rd_put_uint(rd, r, "other_size", 2);
		return;
	}
	put_sized_base64(rd, r, "other_size", "other", split);
	rd_close(rd);
}

/* OPT (RFC 6891) where it shows up as a record (outside its place in the
 * additional section): each option as bind prints it, its code, length
 * and data in base64, all under one "options" list for JSON.  bind's
 * decoder checks the options it knows and refuses the message for a bad
 * one (fromwire_opt()). */
static bool ecs_option_valid(const uint8_t *d, size_t len)
{
	unsigned family, source, scope, bytes, max_bits;

	if (len < 4)
		return false;
	family = (unsigned)(d[0] << 8 | d[1]);
	source = d[2];
	scope = d[3];
	if (family == 0 && (source || scope))
		return false;
	max_bits = family == 1 ? 32 : family == 2 ? 128 : 0;
	if (family != 0 && (!max_bits || source > max_bits || scope > max_bits))
		return false;
	bytes = (source + 7) / 8;
	if (bytes + 4 != len)
		return false;
	/* No address bit set past the source prefix. */
	return !(source % 8) || !(d[3 + bytes] & (0xffu >> (source % 8)));
}

static bool opt_option_valid(uint16_t code, const uint8_t *d, size_t len)
{
	switch (code) {
	case DNS_EDNS_LLQ: return len == 18;
	case DNS_EDNS_ECS: return ecs_option_valid(d, len);
	case DNS_EDNS_EXPIRE: return len == 0 || len == 4;
	case DNS_EDNS_COOKIE: return len == 8 || (len >= 16 && len <= 40);
	case DNS_EDNS_KEY_TAG: return len > 0 && len % 2 == 0;
	case DNS_EDNS_EDE: /* an info code, then UTF-8 text without a byte order mark */
		return len >= 2 && !(len >= 5 && memcmp(d + 2, "\xef\xbb\xbf", 3) == 0) &&
		       dns_utf8_valid(d + 2, len - 2);
	case DNS_EDNS_CLIENT_TAG: case DNS_EDNS_SERVER_TAG: return len == 2;
	default: return true;
	}
}

/* An item of the "options" list: a number, or data in base64. */
static void put_option_item(struct dns_rdata *rd, uint16_t number, const uint8_t *data, size_t len,
			    unsigned split)
{
	size_t before = rd->field_count;

	if (data)
		rd_put_binary(rd, "options", data, len, ENC_BASE64, split);
	else
		rd_field_uint(rd, "options", number);
	if (rd->field_count > before)
		rd->fields[rd->field_count - 1].repeated = true;
}

static void present_opt(struct dns_rdata *rd, struct rdata_reader *r, unsigned split)
{
	while (!r->bad && r->pos < r->end) {
		uint16_t code = (uint16_t)rd_read_uint(r, 2), len = (uint16_t)rd_read_uint(r, 2);

		/* a cut header or data: bind's unexpected end, as rd_need says */
		if (!rd_need(r, len))
			return;
		if (!opt_option_valid(code, r->msg->wire + r->pos, len)) {
			rd_fail(r, DNS_FAULT_OPT);
			return;
		}
		put_option_item(rd, code, NULL, 0, split);
		put_option_item(rd, len, NULL, 0, split);
		if (!len)
			continue;
		rd_open(rd);
		put_option_item(rd, 0, r->msg->wire + r->pos, len, split);
		r->pos += len;
		rd_close(rd);
	}
}

/* Types defined for class IN only: in another class dig shows them as \#
 * (A has forms of its own in CH and HS). */
static bool class_in_only(uint16_t type)
{
	static const uint16_t in_types[] = { 11, 22, 23, 28, 31, 32, 33, 34, 35, 36, 38, 42, 49, 64, 65 };
	size_t i;

	for (i = 0; i < sizeof(in_types) / sizeof(in_types[0]); i++)
		if (in_types[i] == type)
			return true;
	return false;
}

/* The record layouts many types share. */
static bool present_shared_layout(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, unsigned split)
{
	switch (type) {
	case 3: case 4: case 7: case 8: case 9: case 23: /* MD MF MB MG MR NSAP-PTR: a name */
		rd_put_name(rd, r, "target");
		return true;
	case 14: case 17: case 58: /* MINFO RP TALINK: two names */
		rd_put_name(rd, r, type == 14 ? "rmailbx" : type == 17 ? "mbox" : "previous");
		rd_put_name(rd, r, type == 14 ? "emailbx" : type == 17 ? "txt" : "next");
		return true;
	case 18: case 21: case 36: case 107: /* AFSDB RT KX LP: a number and a name */
		rd_put_uint(rd, r, type == 18 ? "subtype" : "preference", 2);
		rd_put_name(rd, r, type == 18 ? "hostname" : "target");
		return true;
	case 26: /* PX */
		rd_put_uint(rd, r, "preference", 2);
		rd_put_name(rd, r, "map822");
		rd_put_name(rd, r, "mapx400");
		return true;
	case 99: case 56: case 258: case 261: /* SPF NINFO AVC RESINFO: like TXT */
		present_charstrs(rd, r, 1, (size_t)-1);
		return true;
	case 13: present_charstrs(rd, r, 2, 2); return true;   /* HINFO */
	case 19: present_charstrs(rd, r, 1, 1); return true;   /* X25 */
	case 20: present_charstrs(rd, r, 1, 2); return true;   /* ISDN */
	case 27: present_charstrs(rd, r, 3, 3); return true;   /* GPOS */
	case 262: present_charstrs(rd, r, 2, 2); return true;  /* WALLET */
	case 31: case 32: /* EID NIMLOC: hex */
		rd_present_block(rd, r, type, ENC_HEX, split);
		return true;
	case 49: case 61: case 67: case 68: /* DHCID OPENPGPKEY HHIT BRID: base64 */
		rd_present_block(rd, r, type, ENC_BASE64, split);
		return true;
	case 25: case 57: /* KEY RKEY: as DNSKEY */
		rd_present_key(rd, r, type, split);
		return true;
	case 32768: case 32769: /* TA DLV: as DS */
		present_ds(rd, r, split);
		return true;
	case 53: /* SMIMEA: as TLSA */
		present_tlsa(rd, r, split);
		return true;
	case 256: /* URI */
		rd_put_uint(rd, r, "priority", 2);
		rd_put_uint(rd, r, "weight", 2);
		put_rest_quoted(rd, r, "target");
		return true;
	case 105: /* L32 */
		rd_put_uint(rd, r, "preference", 2);
		put_fixed_address(rd, r, "locator", AF_INET);
		return true;
	default:
		return false;
	}
}

static bool present_less_common(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, unsigned split)
{
	switch (type) {
	case 11: present_wks(rd, r); return true;
	case 24: present_rrsig(rd, r, split, true); return true;
	case 30: present_nxt(rd, r); return true;
	case 249: present_tkey(rd, r, split); return true;
	case DNS_TYPE_OPT: present_opt(rd, r, split); return true;
	case 22: present_nsap(rd, r); return true;
	case 29: present_loc(rd, r); return true;
	case 34: present_atma(rd, r); return true;
	case 37: present_cert(rd, r, split); return true;
	case 38: present_a6(rd, r); return true;
	case 40: present_sink(rd, r, split); return true;
	case 42: present_apl(rd, r); return true;
	case 44: present_sshfp(rd, r, split); return true;
	case 45: present_ipseckey(rd, r, split); return true;
	case 55: present_hip(rd, r); return true;
	case 62: present_csync(rd, r); return true;
	case 63: present_zonemd(rd, r, split); return true;
	case 66: present_dsync(rd, r); return true;
	case 104: present_locator64(rd, r, "node_id"); return true;
	case 106: present_locator64(rd, r, "locator"); return true;
	case 108: present_eui(rd, r, 6); return true;
	case 109: present_eui(rd, r, 8); return true;
	case 259: present_doa(rd, r); return true;
	case 260: present_amtrelay(rd, r); return true;
	default: return present_shared_layout(rd, r, type, split);
	}
}

/* --- dispatch ---------------------------------------------------------------- */

static bool present_common(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, unsigned split)
{
	switch (type) {
	case DNS_TYPE_A: present_address(rd, r, AF_INET); return true;
	case DNS_TYPE_AAAA: present_address(rd, r, AF_INET6); return true;
	case DNS_TYPE_NS: case DNS_TYPE_CNAME: case DNS_TYPE_PTR: case DNS_TYPE_DNAME:
		rd_put_name(rd, r, "target");
		return true;
	case DNS_TYPE_SOA:
		rd_present_soa(rd, r);
		return true;
	case DNS_TYPE_MX:
		rd_put_uint(rd, r, "preference", 2);
		rd_put_name(rd, r, "exchange");
		return true;
	case DNS_TYPE_TXT:
		if (r->pos == r->end)
			rd_fail(r, DNS_FAULT_END); /* bind reads one string at least */
		while (!r->bad && r->pos < r->end)
			rd_put_charstr(rd, r, "strings", true);
		return true;
	case DNS_TYPE_SRV:
		rd_put_uint(rd, r, "priority", 2);
		rd_put_uint(rd, r, "weight", 2);
		rd_put_uint(rd, r, "port", 2);
		rd_put_name(rd, r, "target");
		return true;
	case DNS_TYPE_NAPTR:
		rd_put_uint(rd, r, "order", 2);
		rd_put_uint(rd, r, "preference", 2);
		rd_put_charstr(rd, r, "flags", false);
		rd_put_charstr(rd, r, "services", false);
		rd_put_charstr(rd, r, "regexp", false);
		rd_put_name(rd, r, "replacement");
		return true;
	case DNS_TYPE_CAA: present_caa(rd, r); return true;
	case DNS_TYPE_DS: case 59 /* CDS */:
		present_ds(rd, r, split);
		return true;
	case DNS_TYPE_DNSKEY: case 60 /* CDNSKEY */:
		rd_present_key(rd, r, type, split);
		return true;
	case DNS_TYPE_RRSIG: present_rrsig(rd, r, split, false); return true;
	case DNS_TYPE_NSEC:
		rd_put_name(rd, r, "next");
		put_type_bitmap(rd, r, false, false);
		return true;
	case DNS_TYPE_NSEC3: present_nsec3(rd, r, true); return true;
	case DNS_TYPE_NSEC3PARAM: present_nsec3(rd, r, false); return true;
	case DNS_TYPE_TLSA:
		present_tlsa(rd, r, split);
		return true;
	case DNS_TYPE_SVCB: case DNS_TYPE_HTTPS: present_svcb(rd, r); return true;
	default:
		return present_less_common(rd, r, type, split);
	}
}

bool rd_present_typed(struct dns_rdata *rd, struct rdata_reader *r, uint16_t type, uint16_t rclass)
{
	unsigned split = rd->style.split_width;

	if (class_in_only(type) && rclass != DNS_CLASS_IN)
		return false;
	if (type == DNS_TYPE_A && rclass == DNS_CLASS_CH) {
		present_chaos_address(rd, r);
		return true;
	}
	if (type == DNS_TYPE_A && rclass != DNS_CLASS_IN && rclass != DNS_CLASS_HS)
		return false;
	return present_common(rd, r, type, split);
}
