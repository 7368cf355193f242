/* host's output, bind9 9.18's layout: "NAME has address ADDR" lines, or
 * with -v/-a the message in dig's layout and "Received N bytes from ...";
 * "Host NAME not found: 3(NXDOMAIN)"; "NAME has no TYPE record". */
#include <stdio.h>
#include <string.h>

#include "host_impl.h"

/* bind's host's words for the types it names (others: "has TYPE record"). */
static const char *type_words(uint16_t type)
{
	switch (type) {
	case 1: return "has address";
	case 2: return "name server";
	case 5: return "is an alias for";
	case 11: return "has well known services";
	case 12: return "domain name pointer";
	case 13: return "host information";
	case 15: return "mail is handled by";
	case 16: return "descriptive text";
	case 19: return "x25 address";
	case 20: return "ISDN address";
	case 24: return "has signature";
	case 25: return "has key";
	case 28: return "has IPv6 address";
	case 29: return "location";
	default: return NULL;
	}
}

static const char *opcode_text(unsigned opcode)
{
	static const char *const names[] = {
		"QUERY", "IQUERY", "STATUS", "RESERVED3", "NOTIFY", "UPDATE", "RESERVED6", "RESERVED7",
		"RESERVED8", "RESERVED9", "RESERVED10", "RESERVED11", "RESERVED12", "RESERVED13", "RESERVED14",
		"RESERVED15",
	};

	return names[opcode & 15];
}

void host_print_trying(const struct host_run *run, const char *qname)
{
	if (!run->short_form && !run->ctx->json)
		printf("Trying \"%s\"\n", qname);
}

static void owner_of(const struct dns_msg *msg, const struct dns_rr *rr, char *name, size_t size)
{
	size_t len;

	if (dns_read_name(msg->wire, msg->len, rr->name_offset, name, size) < 0)
		snprintf(name, size, "?");
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
}

static bool skipped_by_almost_all(const struct host_run *run, uint16_t type)
{
	return run->almost_all && (type == DNS_TYPE_RRSIG || type == DNS_TYPE_NSEC || type == DNS_TYPE_NSEC3);
}

/* "www.example.test has address 192.0.2.1": the answer, one line a record. */
static void print_short_answer(const struct host_run *run, const struct dns_msg *msg)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, DNS_SECTION_ANSWER, &count);

	for (i = 0; i < count; i++) {
		char owner[DNS_NAME_TEXT], type[16], words[40];
		const char *said = type_words(rrs[i].type);
		struct dns_rdata rd = { 0 };

		if (skipped_by_almost_all(run, rrs[i].type))
			continue;
		if (!said) {
			snprintf(words, sizeof(words), "has %s record", dns_type_name(rrs[i].type, type, sizeof(type)));
			said = words;
		}
		owner_of(msg, &rrs[i], owner, sizeof(owner));
		/* dns_rdata_totext(): base64 and hex in 56-character words. */
		dns_rdata_present(msg, &rrs[i], 56, &rd);
		printf("%s %s %s\n", owner, said, rd.text.data ? rd.text.data : "");
		dns_rdata_free(&rd);
	}
}

static void print_section(const struct host_run *run, const struct dns_msg *msg, enum dns_section section,
			  const char *title)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, section, &count);
	struct strbuf line = { 0 };

	if (count == 0)
		return;
	printf("\n;; %s SECTION:\n", title);
	for (i = 0; i < count; i++) {
		char owner[DNS_NAME_TEXT];
		struct dns_rdata rd = { 0 };

		if (skipped_by_almost_all(run, rrs[i].type))
			continue;
		if (dns_read_name(msg->wire, msg->len, rrs[i].name_offset, owner, sizeof(owner)) < 0)
			snprintf(owner, sizeof(owner), "?");
		if (section != DNS_SECTION_QUESTION)
			dns_rdata_present(msg, &rrs[i], 0, &rd);
		strbuf_reset(&line);
		dns_format_rr_line(&line, owner, rrs[i].ttl, rrs[i].rclass, rrs[i].type,
				   rd.text.data ? rd.text.data : "", section == DNS_SECTION_QUESTION);
		printf("%.*s\n", (int)line.len, line.data ? line.data : "");
		dns_rdata_free(&rd);
	}
	strbuf_free(&line);
}

static void print_flags(const struct dns_msg *msg)
{
	static const struct { uint16_t bit; const char *name; } flags[] = {
		{ DNS_FLAG_QR, "qr" }, { DNS_FLAG_AA, "aa" }, { DNS_FLAG_TC, "tc" }, { DNS_FLAG_RD, "rd" },
		{ DNS_FLAG_RA, "ra" }, { DNS_FLAG_AD, "ad" }, { DNS_FLAG_CD, "cd" },
	};
	bool first = true;
	size_t i;

	printf(";; flags: ");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (msg->flags & flags[i].bit) {
			printf("%s%s", first ? "" : " ", flags[i].name);
			first = false;
		}
	printf("; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n", msg->counts[DNS_SECTION_QUESTION],
	       msg->counts[DNS_SECTION_ANSWER], msg->counts[DNS_SECTION_AUTHORITY], msg->counts[DNS_SECTION_ADDITIONAL]);
}

/* -v: the header and every section, in dig's layout without its comments. */
static void print_verbose(const struct host_run *run, const struct dns_msg *msg)
{
	char buf[16];

	printf(";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n", opcode_text(msg->opcode),
	       dns_lookup_rcode_text(msg->rcode, buf, sizeof(buf)), msg->id);
	print_flags(msg);
	if (msg->edns.present)
		printf(";; EDNS: version: %u, udp=%u\n", msg->edns.version, msg->edns.udp_size);
	print_section(run, msg, DNS_SECTION_QUESTION, "QUESTION");
	print_section(run, msg, DNS_SECTION_ANSWER, "ANSWER");
	print_section(run, msg, DNS_SECTION_AUTHORITY, "AUTHORITY");
	print_section(run, msg, DNS_SECTION_ADDITIONAL, "ADDITIONAL");
	printf("\n");
}

static void print_server_once(struct host_run *run, const struct dns_lookup_reply *reply)
{
	char host[ADDR_STRLEN];

	if (!run->conf.server_given || run->server_shown)
		return;
	printf("Using domain server:\nName: %s\nAddress: %s#%u\nAliases: \n\n", run->conf.server_text[reply->server_index],
	       addr_ntop(&reply->ex.server, host, sizeof(host)), addr_port(&reply->ex.server));
	run->server_shown = true;
}

bool host_print_reply(struct host_run *run, const char *typed, const char *qname, uint16_t qtype,
		      const struct dns_lookup_reply *reply)
{
	const struct dns_msg *msg = &reply->msg;
	bool earlier_error = run->seen_error == 1;
	char buf[16];
	size_t answers;

	run->seen_error = 1;
	if (reply->parse_rc != 0) {
		if (!run->ctx->json)
			printf(";; Got bad packet: %s\n", msg->fault ? msg->fault : DNS_FAULT_END);
		return false;
	}
	if (run->ctx->json) {
		if (msg->rcode != 0)
			return false;
		run->seen_error = earlier_error ? 1 : 0;
		return true;
	}
	print_server_once(run, reply);
	if (msg->rcode != 0) {
		/* NXDOMAIN names the name as typed, other errors the one asked. */
		printf("Host %s not found: %u(%s)\n", msg->rcode == DNS_RCODE_NXDOMAIN ? typed : qname, msg->rcode,
		       dns_lookup_rcode_text(msg->rcode, buf, sizeof(buf)));
		return false;
	}
	if (run->short_form)
		print_short_answer(run, msg);
	else
		print_verbose(run, msg);
	dns_section_rrs(msg, DNS_SECTION_ANSWER, &answers);
	if (run->short_form && !run->default_lookups && answers == 0)
		printf("%s has no %s record\n", qname, dns_type_name(qtype, buf, sizeof(buf)));
	run->seen_error = earlier_error ? 1 : 0;
	return true;
}

void host_print_received(const struct host_run *run, const struct dns_lookup_reply *reply)
{
	char host[ADDR_STRLEN];

	if (run->short_form || run->ctx->json)
		return;
	printf("Received %zu bytes from %s#%u in %d ms\n", reply->ex.len, addr_ntop(&reply->ex.server, host, sizeof(host)),
	       addr_port(&reply->ex.server), (int)reply->ex.rtt_ms);
}
