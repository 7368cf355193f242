/* The pieces of a DNS message as tcpdump 4.99.3 prints them, for
 * pktprint_dns.c: names (its own escapes, "<BAD PTR>" rules), questions
 * ("A? name."), records (owner at -v, class, TTL at -vvv, rdata) and the
 * OPT pseudo-record with its EDNS options.  Each returns false where
 * tcpdump would stop or print what is not decoded here: the caller marks
 * the whole message then. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"
#include "sonde/dns.h"

#define DNS_CLASS_IN 1
#define DNS_CLASS_TOP_BIT 0x8000 /* mDNS: QU in a question, cache flush in a record */
#define DNS_LABEL_POINTER 0xc0
#define DNS_LABEL_KIND_MASK 0xc0
#define DNS_NAME_MAX_CHARS 255
#define DNS_RR_FIXED_LEN 10
#define EDNS_DO 0x8000

enum { T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15, T_TXT = 16, T_AAAA = 28, T_SRV = 33,
       T_DNAME = 39, T_OPT = 41, T_UNSPECA = 104, T_TSIG = 250, T_URI = 256 };

/* The record types tcpdump 4.99.3 names (observed by asking it every type
 * up to 1024 and around 32768 and 65535): 1 to 48, 99 to 104 and 249 to
 * 256; it writes the others "Type65". */
static const char *const dns_types_low[] = {
	[1] = "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR", "NULL", "WKS", "PTR", "HINFO", "MINFO",
	"MX", "TXT", "RP", "AFSDB", "X25", "ISDN", "RT", "NSAP", "NSAP_PTR", "SIG", "KEY", "PX", "GPOS",
	"AAAA", "LOC", "NXT", "EID", "NIMLOC", "SRV", "ATMA", "NAPTR", "KX", "CERT", "A6", "DNAME", "SINK",
	"OPT", "APL", "DS", "SSHFP", "IPSECKEY", "RRSIG", "NSEC", "DNSKEY",
};
static const char *const dns_types_99[] = { "SPF", "UINFO", "UID", "GID", "UNSPEC", "UNSPECA" };
static const char *const dns_types_249[] = { "TKEY", "TSIG", "IXFR", "AXFR", "MAILB", "MAILA", "ANY", "URI" };

static void print_type(struct pp_frame *f, uint16_t type)
{
	const char *name = NULL;

	if (type < PP_ARRAY_LEN(dns_types_low))
		name = dns_types_low[type];
	else if (type >= 99 && type < 99 + PP_ARRAY_LEN(dns_types_99))
		name = dns_types_99[type - 99];
	else if (type >= 249 && type < 249 + PP_ARRAY_LEN(dns_types_249))
		name = dns_types_249[type - 249];
	if (name)
		strbuf_printf(f->line, " %s", name);
	else
		strbuf_printf(f->line, " Type%u", type);
}

/* " CHAOS", " (Class 7)": a class other than IN, as tcpdump names it. */
static void print_class(struct pp_frame *f, uint16_t rclass)
{
	switch (rclass) {
	case 3:
		strbuf_puts(f->line, " CHAOS");
		return;
	case 4:
		strbuf_puts(f->line, " HS");
		return;
	case 255:
		strbuf_puts(f->line, " ANY");
		return;
	default:
		strbuf_printf(f->line, " (Class %u)", rclass);
	}
}

/* tcpdump's fqdn_print: labels with its character escapes and a dot after
 * each, "." for the root, a compression pointer only backwards (from where
 * the name or the last pointer was), at most 255 characters shown.  Bit
 * string labels and a name that runs off the message: false.  *next: where
 * the name ends in the message (after its first pointer). */
bool pp_dns_name(struct pp_frame *f, const uint8_t *wire, size_t wire_len, size_t offset, size_t *next)
{
	size_t max_offset = offset, chars = 0, shown;
	bool jumped = false;
	uint8_t len;

	if (offset >= wire_len)
		return false;
	*next = offset + 1;
	if (wire[offset] == 0) {
		strbuf_putc(f->line, '.');
		return true;
	}
	while (offset < wire_len && (len = wire[offset]) != 0) {
		if ((len & DNS_LABEL_KIND_MASK) == DNS_LABEL_POINTER) {
			size_t target;

			if (offset + 1 >= wire_len)
				return false;
			target = (size_t)(get16(wire + offset) & 0x3fff);
			if (target >= max_offset) {
				strbuf_puts(f->line, "<BAD PTR>");
				return false;
			}
			if (!jumped)
				*next = offset + 2;
			jumped = true;
			max_offset = offset = target;
			continue;
		}
		if (len & DNS_LABEL_KIND_MASK || offset + 1 + len > wire_len)
			return false;
		shown = chars + len <= DNS_NAME_MAX_CHARS ? len : chars < DNS_NAME_MAX_CHARS ? DNS_NAME_MAX_CHARS - chars : 0;
		pp_printn(f, wire + offset + 1, shown);
		chars += len;
		if (chars <= DNS_NAME_MAX_CHARS)
			strbuf_putc(f->line, '.');
		chars++;
		offset += 1 + (size_t)len;
	}
	if (offset >= wire_len)
		return false;
	if (!jumped)
		*next = offset + 1;
	if (chars > DNS_NAME_MAX_CHARS)
		strbuf_puts(f->line, "<DOMAIN NAME TOO LONG>");
	return true;
}

static bool print_name(struct pp_frame *f, const struct dns_msg *msg, size_t offset)
{
	size_t next;

	return pp_dns_name(f, msg->wire, msg->len, offset, &next);
}

/* " A? www.example.test." (mDNS: " A (QM)? ..."). */
bool pp_dns_question(struct pp_frame *f, const struct dns_msg *msg, const struct dns_rr *q, bool mdns)
{
	uint16_t qclass = mdns ? q->rclass & ~DNS_CLASS_TOP_BIT : q->rclass;

	print_type(f, q->type);
	if (qclass != DNS_CLASS_IN)
		print_class(f, qclass);
	if (mdns)
		strbuf_puts(f->line, q->rclass & DNS_CLASS_TOP_BIT ? " (QU)" : " (QM)");
	strbuf_puts(f->line, "? ");
	return print_name(f, msg, q->name_offset);
}

/* tcpdump's unsigned_relts_print: "1h2m3s", "0s". */
static void print_duration(struct pp_frame *f, uint32_t secs)
{
	static const char units[] = "ywdhms";
	static const uint32_t unit_secs[] = { 31536000, 604800, 86400, 3600, 60, 1 };
	size_t i;

	if (secs == 0)
		strbuf_puts(f->line, "0s");
	for (i = 0; secs > 0; i++)
		if (secs >= unit_secs[i]) {
			strbuf_printf(f->line, "%u%c", secs / unit_secs[i], units[i]);
			secs %= unit_secs[i];
		}
}

/* TXT's strings, each " \"...\"" with tcpdump's escapes. */
static bool print_txt(struct pp_frame *f, const struct dns_msg *msg, size_t at, size_t end)
{
	while (at < end) {
		size_t n = msg->wire[at++];

		if (at + n > msg->len)
			return false;
		strbuf_puts(f->line, " \"");
		pp_printn(f, msg->wire + at, n);
		strbuf_putc(f->line, '"');
		at += n;
	}
	return true;
}

/* SOA at -v: " MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM"; tcpdump
 * names the type only without -v. */
static bool print_soa(struct pp_frame *f, const struct dns_msg *msg, size_t at)
{
	unsigned i;

	if (!f->pp->verbose)
		return true;
	for (i = 0; i < 2; i++) {
		strbuf_putc(f->line, ' ');
		if (!pp_dns_name(f, msg->wire, msg->len, at, &at))
			return false;
	}
	if (at + 20 > msg->len)
		return false;
	for (i = 0; i < 5; i++)
		strbuf_printf(f->line, " %u", get32(msg->wire + at + 4 * i));
	return true;
}

/* TSIG at -v: the algorithm, fudge, MAC length, original id, error and
 * other data's length. */
static bool print_tsig(struct pp_frame *f, const struct dns_msg *msg, size_t at)
{
	uint16_t mac_len;

	if (!f->pp->verbose)
		return true;
	strbuf_putc(f->line, ' ');
	if (!pp_dns_name(f, msg->wire, msg->len, at, &at))
		return false;
	at += 6;
	if (at + 4 > msg->len)
		return false;
	mac_len = get16(msg->wire + at + 2);
	strbuf_printf(f->line, " fudge=%u maclen=%u", get16(msg->wire + at), mac_len);
	at += 4 + (size_t)mac_len;
	if (at + 6 > msg->len)
		return false;
	strbuf_printf(f->line, " origid=%u error=%u otherlen=%u", get16(msg->wire + at), get16(msg->wire + at + 2),
		      get16(msg->wire + at + 4));
	return true;
}

/* The rdata of the types tcpdump decodes (the others: the type name only). */
static bool print_rdata(struct pp_frame *f, const struct dns_msg *msg, const struct dns_rr *rr)
{
	size_t at = rr->rdata_offset;
	const uint8_t *rdata = msg->wire + at;
	char addr[INET6_ADDRSTRLEN];

	switch (rr->type) {
	case T_A:
	case T_AAAA: {
		size_t addr_len = rr->type == T_A ? 4 : 16;

		if (at + addr_len > msg->len)
			return false;
		strbuf_printf(f->line, " %s", inet_ntop(addr_len == 4 ? AF_INET : AF_INET6, rdata, addr, sizeof(addr)));
		return true;
	}
	case T_NS:
	case T_CNAME:
	case T_PTR:
	case T_DNAME:
		strbuf_putc(f->line, ' ');
		return print_name(f, msg, at);
	case T_SOA:
		return print_soa(f, msg, at);
	case T_MX:
		if (at + 2 > msg->len)
			return false;
		strbuf_putc(f->line, ' ');
		if (!print_name(f, msg, at + 2))
			return false;
		strbuf_printf(f->line, " %u", get16(rdata));
		return true;
	case T_TXT:
		return print_txt(f, msg, at, at + rr->rdlength);
	case T_SRV:
		if (at + 6 > msg->len)
			return false;
		strbuf_putc(f->line, ' ');
		if (!print_name(f, msg, at + 6))
			return false;
		strbuf_printf(f->line, ":%u %u %u", get16(rdata + 4), get16(rdata), get16(rdata + 2));
		return true;
	case T_URI:
		if (rr->rdlength < 4)
			return false;
		strbuf_printf(f->line, " %u %u ", get16(rdata), get16(rdata + 2));
		pp_printn(f, rdata + 4, rr->rdlength - 4u);
		return true;
	case T_UNSPECA:
		pp_printn(f, rdata, rr->rdlength);
		return true;
	case T_TSIG:
		return print_tsig(f, msg, at);
	case 38: /* A6: tcpdump's prefix form is not decoded here */
		return false;
	default:
		return true;
	}
}

/* A record as tcpdump's ns_rprint: " owner" at -v, the class when not IN,
 * mDNS's cache flush, " [TTL]" at -vvv, the type, its rdata.  The OPT
 * pseudo-record is pp_dns_opt's. */
bool pp_dns_record(struct pp_frame *f, const struct dns_msg *msg, const struct dns_rr *rr, bool mdns)
{
	uint16_t rclass = mdns ? rr->rclass & ~DNS_CLASS_TOP_BIT : rr->rclass;

	if (f->pp->verbose) {
		strbuf_putc(f->line, ' ');
		if (!print_name(f, msg, rr->name_offset))
			return false;
	}
	if (rr->type == T_OPT)
		return false;
	if (rclass != DNS_CLASS_IN)
		print_class(f, rclass);
	if (mdns && (rr->rclass & DNS_CLASS_TOP_BIT))
		strbuf_puts(f->line, " (Cache flush)");
	if (f->pp->verbose > 2) {
		strbuf_puts(f->line, " [");
		print_duration(f, rr->ttl);
		strbuf_putc(f->line, ']');
	}
	print_type(f, rr->type);
	return print_rdata(f, msg, rr);
}

/* --- EDNS ------------------------------------------------------------------- */

static const char *edns_option_name(uint16_t code)
{
	static const char *const names[] = { NULL,   "LLQ",     "UL",        "NSID",    NULL,
					     "DAU",  "DHU",     "N3U",       "ECS",     "EXPIRE",
					     "COOKIE", "KEEPALIVE", "PADDING", "CHAIN", "KEY-TAG",
					     NULL,   "CLIENT-TAG", "SERVER-TAG" };

	return code < PP_ARRAY_LEN(names) ? names[code] : NULL;
}

/* DNSSEC algorithm numbers (DAU) as tcpdump names them. */
static const char *dnssec_alg_name(uint8_t alg)
{
	static const char *const names[] = { "DELETE", "RSAMD5", "DH", "DS", NULL, "RSASHA1", "DSA-NSEC3-SHA1",
					     "RSASHA1-NSEC3-SHA1", "RSASHA256", NULL, "RSASHA512", NULL, "ECC-GOST",
					     "ECDSAP256SHA256", "ECDSAP384SHA384", "ED25519", "ED448" };

	if (alg < PP_ARRAY_LEN(names))
		return names[alg];
	return alg == 252 ? "INDIRECT" : alg == 253 ? "PRIVATEDNS" : alg == 254 ? "PRIVATEOID" : NULL;
}

/* DS digest (DHU) and NSEC3 hash (N3U) algorithms as tcpdump names them. */
static const char *hash_alg_name(uint16_t code, uint8_t alg)
{
	static const char *const ds[] = { NULL, "SHA-1", "SHA-256", "GOST_R_34.11-94", "SHA-384" };

	if (code == 5)
		return dnssec_alg_name(alg);
	if (code == 6)
		return alg < PP_ARRAY_LEN(ds) ? ds[alg] : NULL;
	return alg == 1 ? "SHA-1" : NULL;
}

/* ECS: "ADDRESS/SOURCE/SCOPE", the address padded with zeros; tcpdump's
 * " (invalid)" for what does not hold together. */
static void print_ecs(struct pp_frame *f, const uint8_t *data, uint16_t len)
{
	uint8_t padded[16] = { 0 };
	char text[INET6_ADDRSTRLEN];
	unsigned family, addr_bits, source, scope;

	family = len >= 4 ? get16(data) : 0;
	addr_bits = family == 1 ? 32 : family == 2 ? 128 : 0;
	source = len >= 4 ? data[2] : 0;
	scope = len >= 4 ? data[3] : 0;
	if (!addr_bits || len - 4u > addr_bits / 8 || source > addr_bits || scope > addr_bits ||
	    (source + 7) / 8 != len - 4u) {
		strbuf_puts(f->line, " (invalid)");
		return;
	}
	memcpy(padded, data + 4, len - 4u);
	strbuf_printf(f->line, "%s/%u/%u", inet_ntop(family == 1 ? AF_INET : AF_INET6, padded, text, sizeof(text)),
		      source, scope);
}

static void print_hex(struct pp_frame *f, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		strbuf_printf(f->line, "%02x", data[i]);
}

/* One option's data (after its name and a space), as tcpdump's eopt_print;
 * false for CHAIN, whose name tcpdump reads against the option's end. */
static bool print_edns_data(struct pp_frame *f, uint16_t code, const uint8_t *data, uint16_t len)
{
	size_t i;

	switch (code) {
	case 8:
		print_ecs(f, data, len);
		return true;
	case 10:
		if (len < 8 || (len > 8 && len < 16) || len > 40) {
			strbuf_puts(f->line, " (invalid)");
			return true;
		}
		print_hex(f, data, 8);
		if (len > 8)
			strbuf_putc(f->line, ' ');
		print_hex(f, data + 8, len - 8u);
		return true;
	case 11:
		if (len != 2)
			strbuf_puts(f->line, " (invalid)");
		else
			strbuf_printf(f->line, "%0.1f sec", get16(data) / 10.0);
		return true;
	case 9:
		if (len != 4)
			strbuf_puts(f->line, " (invalid)");
		else
			strbuf_printf(f->line, "%u sec", get32(data));
		return true;
	case 12:
		strbuf_printf(f->line, "(%u)", len);
		return true;
	case 14:
		if (len % 2) {
			strbuf_puts(f->line, " (invalid)");
			return true;
		}
		for (i = 0; i < len; i += 2)
			strbuf_printf(f->line, "%s%u", i ? " " : "", get16(data + i));
		return true;
	case 5:
	case 6:
	case 7:
		for (i = 0; i < len; i++) {
			const char *name = hash_alg_name(code, data[i]);

			strbuf_puts(f->line, i ? " " : "");
			if (name)
				strbuf_puts(f->line, name);
			else
				strbuf_printf(f->line, "Alg_%u", data[i]);
		}
		return true;
	case 13:
		return false;
	default:
		print_hex(f, data, len);
		return true;
	}
}

/* The OPT pseudo-record (owner at -v, " OPT UDPsize=1232", " DO", then
 * " [OPTION,OPTION]"), as tcpdump prints it in the additional section. */
bool pp_dns_opt(struct pp_frame *f, const struct dns_msg *msg, bool mdns)
{
	size_t at = msg->edns.rdata_offset, end = at + msg->edns.rdlength;
	uint16_t udp_size = mdns ? msg->edns.udp_size & ~DNS_CLASS_TOP_BIT : msg->edns.udp_size;

	if (f->pp->verbose) {
		strbuf_putc(f->line, ' ');
		if (!print_name(f, msg, msg->edns.name_offset))
			return false;
	}
	if (mdns && (msg->edns.udp_size & DNS_CLASS_TOP_BIT))
		strbuf_puts(f->line, " (Cache flush)");
	strbuf_printf(f->line, " OPT UDPsize=%u", udp_size);
	if (msg->edns.flags & EDNS_DO)
		strbuf_puts(f->line, " DO");
	if (at >= end)
		return true;
	strbuf_puts(f->line, " [");
	while (at < end) {
		uint16_t code, len;
		const char *name;

		if (at + 4 > msg->len)
			return false;
		code = get16(msg->wire + at);
		len = get16(msg->wire + at + 2);
		if ((name = edns_option_name(code)))
			strbuf_puts(f->line, name);
		else
			strbuf_printf(f->line, "Opt%u", code);
		at += 4;
		if (at + len > msg->len)
			return false;
		if (len > 0) {
			strbuf_putc(f->line, ' ');
			if (!print_edns_data(f, code, msg->wire + at, len))
				return false;
		}
		at += len;
		if (at < end)
			strbuf_putc(f->line, ',');
	}
	strbuf_putc(f->line, ']');
	return true;
}
