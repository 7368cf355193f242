/* nslookup's output, bind9 9.18's layout: "Server:" and "Address:",
 * "Non-authoritative answer:", "Name:"/"Address:" pairs, "NAME\tmail
 * exchanger = ..." lines, the SOA's fields one a line, "** server can't
 * find NAME: NXDOMAIN", "*** Can't find NAME: No answer" and, with -debug,
 * every section between dashes. */
#include <stdio.h>
#include <string.h>

#include "nslookup_impl.h"

/* bind's nslookup's words before each type's data (types 0 to 41). */
static const char *const type_words[] = {
	"rtype_0 = ", "internet address = ", "nameserver = ", "md = ", "mf = ", "canonical name = ", "soa = ",
	"mb = ", "mg = ", "mr = ", "rtype_10 = ", "protocol = ", "name = ", "hinfo = ", "minfo = ",
	"mail exchanger = ", "text = ", "rp = ", "afsdb = ", "x25 address = ", "isdn address = ", "rt = ",
	"nsap = ", "nsap_ptr = ", "signature = ", "key = ", "px = ", "gpos = ", "has AAAA address ", "loc = ",
	"next = ", "rtype_31 = ", "rtype_32 = ", "service = ", "rtype_34 = ", "naptr = ", "kx = ", "cert = ",
	"v6 address = ", "dname = ", "rtype_40 = ", "optional = ",
};

/* bind's dns_name_format(): no final dot (but for the root). */
static void name_without_dot(char *name)
{
	size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
}

static void read_name_at(const struct dns_msg *msg, size_t offset, char *name, size_t size)
{
	if (dns_read_name(msg->wire, msg->len, offset, name, size) < 0)
		snprintf(name, size, "?");
	name_without_dot(name);
}

static void print_soa(const struct dns_msg *msg, const struct dns_rr *rr)
{
	char name[DNS_NAME_TEXT];
	int used = dns_read_name(msg->wire, msg->len, rr->rdata_offset, name, sizeof(name));
	const uint8_t *p;
	int used2;

	name_without_dot(name);
	printf("\torigin = %s\n", used < 0 ? "?" : name);
	if (used < 0)
		return;
	used2 = dns_read_name(msg->wire, msg->len, rr->rdata_offset + (size_t)used, name, sizeof(name));
	name_without_dot(name);
	printf("\tmail addr = %s\n", used2 < 0 ? "?" : name);
	if (used2 < 0 || (size_t)(used + used2 + 20) > rr->rdlength)
		return;
	p = msg->wire + rr->rdata_offset + used + used2;
#define U32(i) ((unsigned)p[(i)] << 24 | (unsigned)p[(i) + 1] << 16 | (unsigned)p[(i) + 2] << 8 | p[(i) + 3])
	printf("\tserial = %u\n\trefresh = %u\n\tretry = %u\n\texpire = %u\n\tminimum = %u\n", U32(0), U32(4),
	       U32(8), U32(12), U32(16));
#undef U32
}

/* "mail exchanger = 10 mail.example.test." */
static void print_rdata(const struct dns_msg *msg, const struct dns_rr *rr)
{
	struct dns_rdata rd = { 0 };

	if (rr->type < sizeof(type_words) / sizeof(type_words[0]))
		fputs(type_words[rr->type], stdout);
	else
		printf("rdata_%u = ", rr->type);
	/* dns_rdata_totext(): base64 and hex in 56-character words. */
	dns_rdata_present(msg, rr, 56, &rd);
	printf("%s\n", rd.text.data ? rd.text.data : "");
	dns_rdata_free(&rd);
}

static void print_section(const struct dns_msg *msg, enum dns_section section)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, section, &count);

	for (i = 0; i < count; i++) {
		char owner[DNS_NAME_TEXT];
		struct dns_rdata rd = { 0 };

		read_name_at(msg, rrs[i].name_offset, owner, sizeof(owner));
		if ((rrs[i].type == DNS_TYPE_A || rrs[i].type == DNS_TYPE_AAAA) && section == DNS_SECTION_ANSWER) {
			dns_rdata_present(msg, &rrs[i], 0, &rd);
			printf("Name:\t%s\nAddress: %s\n", owner, rd.text.data ? rd.text.data : "");
			dns_rdata_free(&rd);
		} else if (rrs[i].type == DNS_TYPE_SOA) {
			printf("%s\n", owner);
			print_soa(msg, &rrs[i]);
		} else {
			printf("%s\t", owner);
			print_rdata(msg, &rrs[i]);
		}
	}
}

/* -debug: one section as bind's detailsection() shows it. */
static void print_detail(const struct dns_msg *msg, enum dns_section section, const char *title)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, section, &count);

	printf("    %s:\n", title);
	for (i = 0; i < count; i++) {
		char owner[DNS_NAME_TEXT], tbuf[16], cbuf[16];

		read_name_at(msg, rrs[i].name_offset, owner, sizeof(owner));
		if (section == DNS_SECTION_QUESTION) {
			printf("\t%s, type = %s, class = %s\n", owner, dns_type_name(rrs[i].type, tbuf, sizeof(tbuf)),
			       dns_class_name(rrs[i].rclass, cbuf, sizeof(cbuf)));
			continue;
		}
		printf("    ->  %s\n", owner);
		if (rrs[i].type == DNS_TYPE_SOA) {
			print_soa(msg, &rrs[i]);
		} else {
			fputc('\t', stdout);
			print_rdata(msg, &rrs[i]);
		}
		printf("\tttl = %u\n", rrs[i].ttl);
	}
}

static void print_details(const struct dns_msg *msg)
{
	puts("------------");
	print_detail(msg, DNS_SECTION_QUESTION, "QUESTIONS");
	print_detail(msg, DNS_SECTION_ANSWER, "ANSWERS");
	print_detail(msg, DNS_SECTION_AUTHORITY, "AUTHORITY RECORDS");
	print_detail(msg, DNS_SECTION_ADDITIONAL, "ADDITIONAL RECORDS");
	puts("------------");
}

static void print_server(const struct nslookup_run *run, const struct dns_lookup_reply *reply)
{
	char host[ADDR_STRLEN];

	printf("Server:\t\t%s\nAddress:\t%s#%u\n\n", run->conf.server_text[reply->server_index],
	       addr_ntop(&reply->ex.server, host, sizeof(host)), addr_port(&reply->ex.server));
}

static void print_answer(struct nslookup_run *run, const char *typed, uint16_t qtype, const struct dns_msg *msg)
{
	bool authoritative = (msg->flags & DNS_FLAG_AA) != 0;
	size_t answers;

	if (!authoritative && (!run->default_lookups || qtype == DNS_TYPE_A))
		puts("Non-authoritative answer:");
	dns_section_rrs(msg, DNS_SECTION_ANSWER, &answers);
	if (answers)
		print_section(msg, DNS_SECTION_ANSWER);
	else if (run->default_lookups && qtype == DNS_TYPE_A)
		run->a_noanswer = true;
	else if (!run->default_lookups || (qtype == DNS_TYPE_AAAA && run->a_noanswer))
		printf("*** Can't find %s: No answer\n", typed);
	if (!authoritative && qtype != DNS_TYPE_A && qtype != DNS_TYPE_AAAA) {
		puts("\nAuthoritative answers can be found from:");
		print_section(msg, DNS_SECTION_AUTHORITY);
		print_section(msg, DNS_SECTION_ADDITIONAL);
	}
}

void nslookup_print_reply(struct nslookup_run *run, const char *typed, const char *qname, uint16_t qtype,
			  const struct dns_lookup_reply *reply)
{
	const struct dns_msg *msg = &reply->msg;
	char buf[16];

	run->query_error = 0;
	if (reply->parse_rc != 0 || msg->rcode != 0)
		snprintf(run->error, sizeof(run->error), "server can't find %s: %s", qname,
			 reply->parse_rc ? "bad packet" : dns_lookup_rcode_text(msg->rcode, buf, sizeof(buf)));
	if (run->ctx->json) {
		if (reply->parse_rc != 0 || msg->rcode != 0)
			run->print_error = 1;
		return;
	}
	if (!run->default_lookups || qtype == DNS_TYPE_A)
		print_server(run, reply);
	if (reply->parse_rc != 0) {
		printf(";; Got bad packet: %s\n", msg->fault ? msg->fault : DNS_FAULT_END);
		run->print_error = 1;
		return;
	}
	if (!run->short_form)
		print_details(msg);
	if (msg->rcode != 0) {
		printf("** server can't find %s: %s\n", qname, dns_lookup_rcode_text(msg->rcode, buf, sizeof(buf)));
		run->print_error = 1;
		return;
	}
	print_answer(run, typed, qtype, msg);
}
