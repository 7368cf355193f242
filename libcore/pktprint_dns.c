/* tcpdump's one-line DNS summary (without -v): the id with flag marks, the
 * question of a query, the counts and answers of a response, the length.
 * Messages are parsed by dns_msg.c; what tcpdump would print in a way this
 * file does not (a record type it names and this file does not, a name
 * with characters it escapes its own way) is marked. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"
#include "sonde/dns.h"

#define DNS_HEADER_LEN 12
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_CD 0x0010
/* In a query, the bits tcpdump shows as " [b2&3=0x...]" when set: AA, TC,
 * RA, Z and the rcode. */
#define DNS_QUERY_ODD_BITS 0x06cf
#define DNS_CLASS_IN 1
#define MDNS_CLASS_TOP_BIT 0x8000
#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_PTR 12
#define DNS_TYPE_SOA 6
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_SRV 33

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

	if (type < sizeof(dns_types_low) / sizeof(dns_types_low[0]))
		name = dns_types_low[type];
	else if (type >= 99 && type < 99 + sizeof(dns_types_99) / sizeof(dns_types_99[0]))
		name = dns_types_99[type - 99];
	else if (type >= 249 && type < 249 + sizeof(dns_types_249) / sizeof(dns_types_249[0]))
		name = dns_types_249[type - 249];
	if (name)
		strbuf_printf(f->line, " %s", name);
	else
		strbuf_printf(f->line, " Type%u", type);
}

static const char *dns_rcode_text(unsigned rcode)
{
	static const char *const names[] = { "", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
					     " YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone" };

	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "";
}

/* A name as tcpdump prints it: labels and dots, the root as ".".  Names
 * that dns.h's presentation escapes are marked (tcpdump escapes otherwise). */
static bool print_name(struct pp_frame *f, const struct dns_msg *msg, size_t offset)
{
	char text[DNS_NAME_TEXT];

	if (dns_read_name(msg->wire, msg->len, offset, text, sizeof(text)) < 0 || strchr(text, '\\'))
		return false;
	strbuf_puts(f->line, text);
	return true;
}

static bool print_question(struct pp_frame *f, const struct dns_msg *msg, const struct dns_rr *q, bool mdns)
{
	uint16_t qclass = mdns ? q->rclass & ~MDNS_CLASS_TOP_BIT : q->rclass;

	if (qclass != DNS_CLASS_IN)
		return false;
	print_type(f, q->type);
	if (mdns)
		strbuf_puts(f->line, q->rclass & MDNS_CLASS_TOP_BIT ? " (QU)" : " (QM)");
	strbuf_puts(f->line, "? ");
	return print_name(f, msg, q->name_offset);
}

/* TXT's strings, each " \"...\"", when every byte is printable ASCII
 * other than the quote and the backslash (tcpdump's escaping of the others
 * is not checked). */
static bool print_txt(struct pp_frame *f, const uint8_t *rdata, size_t len)
{
	size_t off = 0, i;

	while (off < len) {
		size_t n = rdata[off++];

		if (off + n > len)
			return false;
		for (i = 0; i < n; i++)
			if (rdata[off + i] < 0x20 || rdata[off + i] > 0x7e || rdata[off + i] == '"' || rdata[off + i] == '\\')
				return false;
		strbuf_printf(f->line, " \"%.*s\"", (int)n, (const char *)rdata + off);
		off += n;
	}
	return true;
}

static bool print_answer(struct pp_frame *f, const struct dns_msg *msg, const struct dns_rr *rr)
{
	const uint8_t *rdata = msg->wire + rr->rdata_offset;
	char addr[INET6_ADDRSTRLEN];

	if (rr->rclass != DNS_CLASS_IN)
		return false;
	/* -v names each answer's owner. */
	if (f->pp->verbose) {
		strbuf_putc(f->line, ' ');
		if (!print_name(f, msg, rr->name_offset))
			return false;
	}
	print_type(f, rr->type);
	switch (rr->type) {
	case DNS_TYPE_SOA:
		/* Without -v tcpdump names the type only; -v's fields are not
		 * decoded here. */
		return !f->pp->verbose;
	case DNS_TYPE_TXT:
		return print_txt(f, rdata, rr->rdlength);
	case DNS_TYPE_A:
		if (rr->rdlength != 4)
			return false;
		strbuf_printf(f->line, " %s", inet_ntop(AF_INET, rdata, addr, sizeof(addr)));
		return true;
	case DNS_TYPE_AAAA:
		if (rr->rdlength != 16)
			return false;
		strbuf_putc(f->line, ' ');
		pp_addr(f, AF_INET6, rdata);
		return true;
	case DNS_TYPE_NS:
	case DNS_TYPE_CNAME:
	case DNS_TYPE_PTR:
		strbuf_putc(f->line, ' ');
		return print_name(f, msg, rr->rdata_offset);
	case DNS_TYPE_MX:
		if (rr->rdlength < 3)
			return false;
		strbuf_putc(f->line, ' ');
		if (!print_name(f, msg, rr->rdata_offset + 2))
			return false;
		strbuf_printf(f->line, " %u", get16(rdata));
		return true;
	case DNS_TYPE_SRV:
		if (rr->rdlength < 7)
			return false;
		strbuf_putc(f->line, ' ');
		if (!print_name(f, msg, rr->rdata_offset + 6))
			return false;
		strbuf_printf(f->line, ":%u %u %u", get16(rdata + 4), get16(rdata), get16(rdata + 2));
		return true;
	default:
		return false;
	}
}

static bool print_query(struct pp_frame *f, const struct dns_msg *msg, bool mdns)
{
	const struct dns_rr *q;
	size_t count, i;

	strbuf_printf(f->line, "%u%s%s", msg->id, msg->flags & DNS_FLAG_RD ? "+" : "",
		      msg->flags & DNS_FLAG_CD ? "%" : "");
	if (msg->flags & DNS_QUERY_ODD_BITS)
		strbuf_printf(f->line, " [b2&3=0x%x]", msg->flags);
	/* Opcodes other than QUERY change the layout (IQUERY) or are rare
	 * enough that their names are not checked against tcpdump; -vv's
	 * sections after the question are not decoded here. */
	if (msg->opcode != 0)
		return false;
	if (f->pp->verbose > 1 &&
	    msg->counts[DNS_SECTION_ANSWER] + msg->counts[DNS_SECTION_AUTHORITY] + msg->counts[DNS_SECTION_ADDITIONAL])
		return false;
	if (msg->counts[DNS_SECTION_ANSWER])
		strbuf_printf(f->line, " [%ua]", msg->counts[DNS_SECTION_ANSWER]);
	if (msg->counts[DNS_SECTION_QUESTION] != 1)
		strbuf_printf(f->line, " [%uq]", msg->counts[DNS_SECTION_QUESTION]);
	if (msg->counts[DNS_SECTION_AUTHORITY])
		strbuf_printf(f->line, " [%un]", msg->counts[DNS_SECTION_AUTHORITY]);
	if (msg->counts[DNS_SECTION_ADDITIONAL])
		strbuf_printf(f->line, " [%uau]", msg->counts[DNS_SECTION_ADDITIONAL]);
	q = dns_section_rrs(msg, DNS_SECTION_QUESTION, &count);
	if (count != msg->counts[DNS_SECTION_QUESTION])
		return false;
	for (i = 0; i < count; i++)
		if (!print_question(f, msg, &q[i], mdns))
			return false;
	return true;
}

/* -vv: a response's questions, " q: A? www.example.test." (comma between). */
static bool print_questions_vv(struct pp_frame *f, const struct dns_msg *msg, bool mdns)
{
	const struct dns_rr *q;
	size_t count, i;

	q = dns_section_rrs(msg, DNS_SECTION_QUESTION, &count);
	if (count != msg->counts[DNS_SECTION_QUESTION])
		return false;
	for (i = 0; i < count; i++) {
		strbuf_puts(f->line, i ? ", q:" : " q:");
		if (!print_question(f, msg, &q[i], mdns))
			return false;
	}
	return true;
}

static bool print_response(struct pp_frame *f, const struct dns_msg *msg, bool mdns)
{
	const struct dns_rr *an;
	size_t count, i;

	/* tcpdump's names for rcodes 11 to 15 are not checked, nor -vv's
	 * authority and additional sections: marked. */
	if (msg->opcode != 0 || (msg->flags & 0xf) > 10)
		return false;
	if (f->pp->verbose > 1 && (msg->counts[DNS_SECTION_AUTHORITY] || msg->counts[DNS_SECTION_ADDITIONAL]))
		return false;
	strbuf_printf(f->line, "%u%s%s%s%s", msg->id, dns_rcode_text(msg->flags & 0xf),
		      msg->flags & DNS_FLAG_AA ? "*" : "", msg->flags & DNS_FLAG_RA ? "" : "-",
		      msg->flags & DNS_FLAG_TC ? "|" : "");
	if (msg->counts[DNS_SECTION_QUESTION] != 1)
		strbuf_printf(f->line, " [%uq]", msg->counts[DNS_SECTION_QUESTION]);
	if (f->pp->verbose > 1 && !print_questions_vv(f, msg, mdns))
		return false;
	strbuf_printf(f->line, " %u/%u/%u", msg->counts[DNS_SECTION_ANSWER], msg->counts[DNS_SECTION_AUTHORITY],
		      msg->counts[DNS_SECTION_ADDITIONAL]);
	an = dns_section_rrs(msg, DNS_SECTION_ANSWER, &count);
	if (count != msg->counts[DNS_SECTION_ANSWER] || (mdns && count))
		return false;
	for (i = 0; i < count; i++) {
		if (i)
			strbuf_putc(f->line, ',');
		if (!print_answer(f, msg, &an[i]))
			return false;
	}
	return true;
}

void pp_dns(struct pp_frame *f, const uint8_t *wire, size_t caplen, size_t len, bool mdns)
{
	struct dns_msg msg;
	size_t start = f->line->len;
	bool printed;

	if (len < DNS_HEADER_LEN) {
		strbuf_printf(f->line, "domain [length %zu < %d] (invalid)", len, DNS_HEADER_LEN);
		return;
	}
	if (caplen < len) {
		pp_mark(f, "DNS message of %zu bytes", len);
		return;
	}
	/* A malformed message keeps the records before the fault: freed too. */
	if (dns_parse(wire, len, &msg) < 0) {
		dns_msg_free(&msg);
		pp_mark(f, "DNS message of %zu bytes", len);
		return;
	}
	printed = msg.flags & DNS_FLAG_QR ? print_response(f, &msg, mdns) : print_query(f, &msg, mdns);
	dns_msg_free(&msg);
	if (!printed) {
		/* Nothing half-printed stays: the marker replaces it. */
		f->line->len = start;
		if (f->line->data)
			f->line->data[start] = '\0';
		pp_mark(f, "DNS message of %zu bytes", len);
		return;
	}
	strbuf_printf(f->line, " (%zu)", len);
}

void pp_dns_tcp(struct pp_frame *f, const uint8_t *data, size_t caplen, size_t len)
{
	if (len < 2) {
		strbuf_printf(f->line, " [DNS over TCP: length %zu < 2] (invalid)", len);
		return;
	}
	if (caplen < 2) {
		strbuf_putc(f->line, ' ');
		pp_mark(f, "truncated DNS over TCP");
		return;
	}
	if (get16(data) != len - 2) {
		strbuf_printf(f->line, " [prefix length(%u) != length(%zu)] (invalid)", get16(data), len - 2);
		return;
	}
	strbuf_putc(f->line, ' ');
	pp_dns(f, data + 2, caplen - 2, len - 2, false);
}
