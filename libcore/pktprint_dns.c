/* tcpdump's DNS summary: the id with the opcode and flag marks, the
 * question of a query, the counts and answers of a response, -v's owner
 * names and SOA fields, -vv's questions of a response and the authority
 * and additional sections (EDNS's OPT too), -vvv's TTLs, the length.
 * Messages are parsed by dns_msg.c, their records printed by
 * pktprint_dns_rr.c; what tcpdump would print in a way these files do not
 * is marked, the whole message. */
#include <string.h>

#include "pktprint_impl.h"
#include "sonde/dns.h"

#define DNS_HEADER_LEN 12
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE_IQUERY 1
/* In a query, the bits tcpdump shows as " [b2&3=0x...]" when set: AA, TC,
 * RA, Z and the rcode. */
#define DNS_QUERY_ODD_BITS 0x06cf

/* tcpdump's words for the opcode (after the id) and the rcode (with
 * EDNS's extended bits): "Resp17" and "Resp21" lack their space there too. */
static const char *const dns_opcodes[16] = { "", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
					     " op8", " updateA", " updateD", " updateDA", " updateM", " updateMA",
					     " zoneInit", " zoneRef" };
static const char *const dns_rcodes[] = { "", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
					  " YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone", " Resp11",
					  " Resp12", " Resp13", " Resp14", " NoChange", " BadVers", "Resp17",
					  " Resp18", " Resp19", " Resp20", "Resp21", " Resp22", " BadCookie" };

static void print_rcode(struct pp_frame *f, unsigned rcode)
{
	if (rcode < PP_ARRAY_LEN(dns_rcodes))
		strbuf_puts(f->line, dns_rcodes[rcode]);
	else
		strbuf_printf(f->line, " Resp%u", rcode & 0xfff);
}

/* A section's records, "," between, after prefix (" ns:", " ar:"; none
 * for the answers); the additional section's OPT where it stands among
 * them.  False when a record is not printed as tcpdump or the message
 * holds fewer than its header counts. */
static bool print_section(struct pp_frame *f, const struct dns_msg *msg, enum dns_section section,
			  const char *prefix, bool mdns)
{
	bool opt = section == DNS_SECTION_ADDITIONAL && msg->edns.present;
	const struct dns_rr *rrs;
	size_t count, i, next = 0;

	rrs = dns_section_rrs(msg, section, &count);
	if (count + opt != msg->counts[section])
		return false;
	if (count + opt == 0)
		return true;
	strbuf_puts(f->line, prefix);
	for (i = 0; i < count + opt; i++) {
		bool opt_here = opt && (next == count || rrs[next].name_offset > msg->edns.name_offset);

		if (i)
			strbuf_putc(f->line, ',');
		if (opt_here ? !pp_dns_opt(f, msg, mdns) : !pp_dns_record(f, msg, &rrs[next++], mdns))
			return false;
	}
	return true;
}

/* -vv: the sections after the question (the answers without a prefix). */
static bool print_sections_vv(struct pp_frame *f, const struct dns_msg *msg, bool mdns)
{
	return print_section(f, msg, DNS_SECTION_AUTHORITY, " ns:", mdns) &&
	       print_section(f, msg, DNS_SECTION_ADDITIONAL, " ar:", mdns);
}

static bool print_query(struct pp_frame *f, const struct dns_msg *msg, bool mdns)
{
	const struct dns_rr *q;
	size_t count, i;

	strbuf_printf(f->line, "%u%s%s%s", msg->id, dns_opcodes[msg->opcode & 0xf], msg->flags & DNS_FLAG_RD ? "+" : "",
		      msg->flags & DNS_FLAG_CD ? "%" : "");
	if (msg->flags & DNS_QUERY_ODD_BITS)
		strbuf_printf(f->line, " [b2&3=0x%x]", msg->flags);
	if (msg->opcode == DNS_OPCODE_IQUERY) {
		if (msg->counts[DNS_SECTION_QUESTION])
			strbuf_printf(f->line, " [%uq]", msg->counts[DNS_SECTION_QUESTION]);
		if (msg->counts[DNS_SECTION_ANSWER] != 1)
			strbuf_printf(f->line, " [%ua]", msg->counts[DNS_SECTION_ANSWER]);
	} else {
		if (msg->counts[DNS_SECTION_ANSWER])
			strbuf_printf(f->line, " [%ua]", msg->counts[DNS_SECTION_ANSWER]);
		if (msg->counts[DNS_SECTION_QUESTION] != 1)
			strbuf_printf(f->line, " [%uq]", msg->counts[DNS_SECTION_QUESTION]);
	}
	if (msg->counts[DNS_SECTION_AUTHORITY])
		strbuf_printf(f->line, " [%un]", msg->counts[DNS_SECTION_AUTHORITY]);
	if (msg->counts[DNS_SECTION_ADDITIONAL])
		strbuf_printf(f->line, " [%uau]", msg->counts[DNS_SECTION_ADDITIONAL]);
	q = dns_section_rrs(msg, DNS_SECTION_QUESTION, &count);
	if (count != msg->counts[DNS_SECTION_QUESTION])
		return false;
	for (i = 0; i < count; i++)
		if (!pp_dns_question(f, msg, &q[i], mdns))
			return false;
	if (f->pp->verbose < 2)
		return true;
	return print_section(f, msg, DNS_SECTION_ANSWER, "", mdns) && print_sections_vv(f, msg, mdns);
}

static bool print_response(struct pp_frame *f, const struct dns_msg *msg, bool mdns)
{
	const struct dns_rr *q;
	size_t count, i;

	strbuf_printf(f->line, "%u%s", msg->id, dns_opcodes[msg->opcode & 0xf]);
	print_rcode(f, msg->rcode);
	strbuf_printf(f->line, "%s%s%s%s", msg->flags & DNS_FLAG_AA ? "*" : "", msg->flags & DNS_FLAG_RA ? "" : "-",
		      msg->flags & DNS_FLAG_TC ? "|" : "", msg->flags & DNS_FLAG_AD ? "$" : "");
	if (msg->counts[DNS_SECTION_QUESTION] != 1)
		strbuf_printf(f->line, " [%uq]", msg->counts[DNS_SECTION_QUESTION]);
	/* -vv prints each question; -v skips them, with tcpdump's comma
	 * between them all the same. */
	q = dns_section_rrs(msg, DNS_SECTION_QUESTION, &count);
	if (count != msg->counts[DNS_SECTION_QUESTION])
		return false;
	for (i = 0; i < count; i++) {
		if (i)
			strbuf_putc(f->line, ',');
		if (f->pp->verbose > 1) {
			strbuf_puts(f->line, " q:");
			if (!pp_dns_question(f, msg, &q[i], mdns))
				return false;
		}
	}
	strbuf_printf(f->line, " %u/%u/%u", msg->counts[DNS_SECTION_ANSWER], msg->counts[DNS_SECTION_AUTHORITY],
		      msg->counts[DNS_SECTION_ADDITIONAL]);
	if (!print_section(f, msg, DNS_SECTION_ANSWER, "", mdns))
		return false;
	return f->pp->verbose < 2 || print_sections_vv(f, msg, mdns);
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
