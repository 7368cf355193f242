/* DNS messages on the wire: query building with EDNS0, and parsing of
 * whole responses into records, each record's data checked as bind's
 * decoder reads it (names are read in dns_wire_names.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sonde/bytes.h"
#include "sonde/dns.h"

/* --- queries ------------------------------------------------------------ */

#define OPT_RR_LEN 11 /* root name, type, class, TTL, rdlength */

#define IXFR_SOA_LEN 34 /* name pointer, type, class, TTL, rdlength, two root names, five numbers */

/* IXFR (RFC 1995): the client's SOA in the authority section, its serial
 * the version held; the other fields zero and the names the root, as dig. */
static int put_ixfr_soa(const struct dns_query_spec *spec, uint8_t *buf, size_t size, size_t *used)
{
	uint8_t *p = buf + *used;

	if (*used + IXFR_SOA_LEN > size)
		return -ENOSPC;
	memset(p, 0, IXFR_SOA_LEN);
	p[0] = 0xc0; /* the question's name */
	p[1] = DNS_HEADER_LEN;
	put16(p + 2, DNS_TYPE_SOA);
	put16(p + 4, spec->qclass);
	put16(p + 10, 22);
	put16(p + 14, (uint16_t)(spec->ixfr_serial >> 16));
	put16(p + 16, (uint16_t)spec->ixfr_serial);
	put16(buf + 8, 1);
	*used += IXFR_SOA_LEN;
	return 0;
}

int dns_build_query(const struct dns_query_spec *spec, uint8_t *buf, size_t size)
{
	uint16_t flags = 0;
	size_t used = DNS_HEADER_LEN;
	int name_len;

	if (size < DNS_HEADER_LEN + 4)
		return -ENOSPC;
	memset(buf, 0, DNS_HEADER_LEN);
	put16(buf, spec->id);
	if (spec->rd)
		flags |= DNS_FLAG_RD;
	if (spec->ad)
		flags |= DNS_FLAG_AD;
	if (spec->cd)
		flags |= DNS_FLAG_CD;
	put16(buf + 2, flags);
	put16(buf + 4, 1);
	name_len = dns_name_to_wire(spec->qname, buf + used, size - used - 4);
	if (name_len < 0)
		return name_len;
	used += (size_t)name_len;
	put16(buf + used, spec->qtype);
	put16(buf + used + 2, spec->qclass);
	used += 4;
	if (spec->ixfr) {
		int rc = put_ixfr_soa(spec, buf, size, &used);

		if (rc < 0)
			return rc;
	}
	if (!spec->edns)
		return (int)used;

	size_t options_len = (spec->nsid ? 4 : 0) + (spec->cookie_len ? 4 + (size_t)spec->cookie_len : 0) +
			     (spec->ecs ? 4 + (size_t)spec->ecs_len : 0);

	if (spec->cookie_len > DNS_COOKIE_MAX || used + OPT_RR_LEN + options_len > size)
		return -ENOSPC;
	put16(buf + 10, 1);
	buf[used] = 0;
	put16(buf + used + 1, DNS_TYPE_OPT);
	put16(buf + used + 3, spec->udp_size);
	buf[used + 5] = 0; /* extended rcode */
	buf[used + 6] = spec->edns_version;
	put16(buf + used + 7, spec->dnssec_ok ? 0x8000 : 0);
	put16(buf + used + 9, (uint16_t)options_len);
	used += OPT_RR_LEN;
	if (spec->nsid) {
		put16(buf + used, DNS_EDNS_NSID);
		put16(buf + used + 2, 0);
		used += 4;
	}
	/* dig's order: NSID, client subnet, COOKIE. */
	if (spec->ecs) {
		put16(buf + used, DNS_EDNS_ECS);
		put16(buf + used + 2, spec->ecs_len);
		memcpy(buf + used + 4, spec->ecs, spec->ecs_len);
		used += 4 + spec->ecs_len;
	}
	if (spec->cookie_len) {
		put16(buf + used, DNS_EDNS_COOKIE);
		put16(buf + used + 2, spec->cookie_len);
		memcpy(buf + used + 4, spec->cookie, spec->cookie_len);
		used += 4 + spec->cookie_len;
	}
	return (int)used;
}

/* --- parsing --------------------------------------------------------------- */

static int add_rr(struct dns_msg *msg, size_t *cap, const struct dns_rr *rr)
{
	size_t total = 0, s;

	for (s = 0; s < DNS_SECTION_COUNT; s++)
		total += msg->rr_count[s];
	if (total == *cap) {
		size_t new_cap = *cap ? *cap * 2 : 16;
		struct dns_rr *grown = realloc(msg->rrs, new_cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		msg->rrs = grown;
		*cap = new_cap;
	}
	msg->rrs[total] = *rr;
	return 0;
}

/* The OPT pseudo-record: its "class" is the buffer size and its "TTL"
 * holds the extended rcode, version and flags. */
static void read_opt(struct dns_msg *msg, const struct dns_rr *rr)
{
	msg->edns.present = true;
	msg->edns.udp_size = rr->rclass;
	msg->edns.extended_rcode = (uint8_t)(rr->ttl >> 24);
	msg->edns.version = (uint8_t)(rr->ttl >> 16);
	msg->edns.flags = (uint16_t)rr->ttl;
	msg->edns.rdata_offset = rr->rdata_offset;
	msg->edns.rdlength = rr->rdlength;
	msg->edns.name_offset = rr->name_offset;
	msg->rcode |= (unsigned)msg->edns.extended_rcode << 4;
}

/* How far parse_record got: bind's best-effort parse keeps the records
 * before a cut and counts the bytes after *stop as extra. */
enum record_outcome { RECORD_OK, RECORD_CUT, RECORD_BAD };

/* One record (a question: name, type, class) at *pos.  RECORD_CUT when the
 * message or the rdata ends too soon, *stop where bind's parser stood. */
static enum record_outcome parse_record(struct dns_msg *msg, size_t *pos, enum dns_section section,
					struct dns_rr *rr, size_t *stop)
{
	char name[DNS_NAME_TEXT];
	int used = dns_read_name_why(msg->wire, msg->len, *pos, name, sizeof(name), &msg->fault);

	*stop = *pos;
	if (used < 0)
		return strcmp(msg->fault, DNS_FAULT_END) == 0 ? RECORD_CUT : RECORD_BAD;
	msg->fault = DNS_FAULT_END;
	memset(rr, 0, sizeof(*rr));
	rr->name_offset = *pos;
	*pos += (size_t)used;
	*stop = *pos;
	if (*pos + 4 > msg->len)
		return RECORD_CUT;
	rr->type = get16(msg->wire + *pos);
	rr->rclass = get16(msg->wire + *pos + 2);
	*pos += 4;
	if (section == DNS_SECTION_QUESTION)
		return RECORD_OK;
	if (*pos + 6 > msg->len)
		return RECORD_CUT;
	rr->ttl = get32(msg->wire + *pos);
	rr->rdlength = get16(msg->wire + *pos + 4);
	*pos += 6;
	*stop = *pos;
	if (*pos + rr->rdlength > msg->len)
		return RECORD_CUT;
	rr->rdata_offset = *pos;
	*pos += rr->rdlength;
	return RECORD_OK;
}

/* Types whose class may differ from the question's (bind's getsection):
 * TSIG, OPT (its class is a size), KEY and SIG(0), TKEY. */
static bool class_may_differ(uint16_t type)
{
	return type == 250 || type == DNS_TYPE_OPT || type == 25 || type == 24 || type == 249;
}

/* bind's checks that it recovers from: a second question of another name
 * or class, or one asked twice; a record of another class than the
 * message's (the first question's, or without one the first record's). */
static void check_classes(struct dns_msg *msg, enum dns_section section, const struct dns_rr *rr,
			  uint16_t *msg_class, bool *class_set)
{
	if (section == DNS_SECTION_QUESTION && *class_set) {
		const struct dns_rr *first = &msg->rrs[0];
		char a[DNS_NAME_TEXT], b[DNS_NAME_TEXT];
		size_t i;

		if (rr->rclass != *msg_class ||
		    dns_read_name(msg->wire, msg->len, first->name_offset, a, sizeof(a)) < 0 ||
		    dns_read_name(msg->wire, msg->len, rr->name_offset, b, sizeof(b)) < 0 || strcasecmp(a, b) != 0)
			msg->recovered = true;
		for (i = 0; i < msg->rr_count[DNS_SECTION_QUESTION]; i++)
			if (msg->rrs[i].type == rr->type && msg->rrs[i].rclass == rr->rclass)
				msg->recovered = true;
		return;
	}
	if (class_may_differ(rr->type))
		return;
	if (!*class_set) {
		*msg_class = rr->rclass;
		*class_set = true;
	} else if (msg->opcode != DNS_OPCODE_UPDATE && *msg_class != DNS_CLASS_ANY && rr->rclass != *msg_class)
		msg->recovered = true;
}

/* bind's checks on the type a signature covers, which it also recovers
 * from: an RRSIG covers a type other than 0 (Debian 12's dig takes a
 * meta type or a signature type);
 * a SIG covering 0 is a SIG(0), only the additional section's last
 * record, owned by the root. */
static void check_covered(struct dns_msg *msg, enum dns_section section, const struct dns_rr *rr, bool last)
{
	char owner[DNS_NAME_TEXT];
	uint16_t covered;

	if ((rr->type != DNS_TYPE_RRSIG && rr->type != 24) || rr->rdlength < 2)
		return;
	covered = get16(msg->wire + rr->rdata_offset);
	if (rr->type == DNS_TYPE_RRSIG) {
		if (covered == 0)
			msg->recovered = true;
		return;
	}
	if (covered == 0 && (section != DNS_SECTION_ADDITIONAL || !last ||
			     dns_read_name(msg->wire, msg->len, rr->name_offset, owner, sizeof(owner)) < 0 ||
			     strcmp(owner, ".") != 0))
		msg->recovered = true;
}

/* A TSIG belongs last in the additional section, in class ANY; bind
 * recovers from one elsewhere. */
static void check_tsig_place(struct dns_msg *msg, enum dns_section section, const struct dns_rr *rr, bool last)
{
	if (rr->type == 250 && (section != DNS_SECTION_ADDITIONAL || rr->rclass != DNS_CLASS_ANY || !last))
		msg->recovered = true;
}

/* The message's EDNS record is the first OPT, owned by the root, in the
 * additional section; bind recovers from any other OPT and shows it as a
 * record of its section. */
static bool is_message_opt(struct dns_msg *msg, enum dns_section section, const struct dns_rr *rr)
{
	char owner[DNS_NAME_TEXT];

	if (rr->type != DNS_TYPE_OPT || section == DNS_SECTION_QUESTION)
		return false;
	if (section == DNS_SECTION_ADDITIONAL && !msg->edns.present &&
	    dns_read_name(msg->wire, msg->len, rr->name_offset, owner, sizeof(owner)) >= 0 && strcmp(owner, ".") == 0)
		return true;
	msg->recovered = true;
	return false;
}

/* Checks the record's rdata and keeps the record.  RECORD_CUT and
 * RECORD_BAD as parse_record. */
static enum record_outcome keep_record(struct dns_msg *msg, size_t *cap, enum dns_section section,
				       const struct dns_rr *rr, size_t *stop)
{
	bool message_opt = is_message_opt(msg, section, rr);

	if (section != DNS_SECTION_QUESTION) {
		int rc = dns_rdata_check(msg, rr, &msg->fault);

		if (rc == -ENODATA) {
			*stop = rr->rdata_offset;
			return RECORD_CUT;
		}
		if (rc < 0)
			return RECORD_BAD;
	}
	if (message_opt) {
		read_opt(msg, rr);
		return RECORD_OK;
	}
	if (add_rr(msg, cap, rr) < 0) {
		msg->fault = NULL;
		return RECORD_BAD;
	}
	msg->rr_count[section]++;
	return RECORD_OK;
}

int dns_parse(const uint8_t *wire, size_t len, struct dns_msg *msg)
{
	size_t pos = DNS_HEADER_LEN, cap = 0;
	uint16_t msg_class = 0;
	bool class_set = false;
	int s;

	memset(msg, 0, sizeof(*msg));
	msg->wire = wire;
	msg->len = len;
	msg->fault = DNS_FAULT_END;
	if (len < DNS_HEADER_LEN)
		return -EBADMSG;
	msg->id = get16(wire);
	msg->flags = get16(wire + 2);
	msg->opcode = (msg->flags >> 11) & 0xf;
	msg->rcode = msg->flags & 0xf;
	for (s = 0; s < DNS_SECTION_COUNT; s++)
		msg->counts[s] = get16(wire + 4 + 2 * s);

	for (s = 0; s < DNS_SECTION_COUNT; s++) {
		unsigned i;

		for (i = 0; i < msg->counts[s]; i++) {
			struct dns_rr rr;
			size_t start = pos, stop;
			enum record_outcome outcome = parse_record(msg, &pos, (enum dns_section)s, &rr, &stop);

			if (outcome == RECORD_OK) {
				check_classes(msg, (enum dns_section)s, &rr, &msg_class, &class_set);
				check_covered(msg, (enum dns_section)s, &rr, i + 1 == msg->counts[s]);
				check_tsig_place(msg, (enum dns_section)s, &rr, i + 1 == msg->counts[s]);
				outcome = keep_record(msg, &cap, (enum dns_section)s, &rr, &stop);
			}
			if (outcome == RECORD_CUT) {
				/* bind keeps what came before and stops here. */
				msg->recovered = true;
				msg->bare_question_name = s == DNS_SECTION_QUESTION && i == 0 && stop > start;
				msg->parsed_len = stop;
				msg->fault = NULL;
				return 0;
			}
			if (outcome == RECORD_BAD)
				return msg->fault ? -EBADMSG : -ENOMEM;
		}
		msg->parsed_len = pos;
	}
	return 0;
}

void dns_msg_free(struct dns_msg *msg)
{
	free(msg->rrs);
	msg->rrs = NULL;
}

const struct dns_rr *dns_section_rrs(const struct dns_msg *msg, enum dns_section section, size_t *count)
{
	size_t first = 0;
	int s;

	for (s = 0; s < (int)section; s++)
		first += msg->rr_count[s];
	*count = msg->rr_count[section];
	return msg->rrs ? msg->rrs + first : NULL;
}

bool dns_edns_next_option(const struct dns_msg *msg, size_t *pos, struct dns_edns_opt *opt)
{
	size_t start = msg->edns.rdata_offset, end = start + msg->edns.rdlength, at = start + *pos;

	if (!msg->edns.present || at + 4 > end)
		return false;
	opt->code = get16(msg->wire + at);
	opt->len = get16(msg->wire + at + 2);
	if (at + 4 + opt->len > end)
		return false;
	opt->data = msg->wire + at + 4;
	*pos += 4 + (size_t)opt->len;
	return true;
}
