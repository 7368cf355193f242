/* The dns prober (--config's dns modules): one question to the target
 * server over UDP or TCP, as blackbox_exporter's ProbeDNS asks it (no
 * EDNS, RD as recursion_desired says), on libcore's DNS codec and
 * exchange; then the reply's rcode against valid_rcodes and each section's
 * records against its fail_if_* patterns, each record written as
 * miekg/dns writes it (owner, TTL, class, type and data, tab-separated,
 * the data as dig presents it) since that is the text those patterns are
 * written for. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_impl.h"
#include "sonde/clock.h"
#include "sonde/dns.h"
#include "sonde/reason.h"

#define DNS_DEFAULT_PORT "53"

static const char *const duration_help = "Duration of DNS request by phase";
static const char *const section_names[SERVE_RR_SECTIONS] = { "Answer", "Authority", "Additional" };

/* The families every dns probe has, at 0 until known. */
static void declare_families(struct expo *e)
{
	static const char *const phases[] = { "resolve", "connect", "request" };

	for (size_t i = 0; i < 3; i++)
		expo_set(e, "probe_dns_duration_seconds", duration_help, EXPO_GAUGE, 0, "phase", phases[i], NULL);
	expo_set(e, "probe_dns_answer_rrs", "Returns number of entries in the answer resource record list", EXPO_GAUGE,
		 0, NULL);
	expo_set(e, "probe_dns_authority_rrs", "Returns number of entries in the authority resource record list",
		 EXPO_GAUGE, 0, NULL);
	expo_set(e, "probe_dns_additional_rrs", "Returns number of entries in the additional resource record list",
		 EXPO_GAUGE, 0, NULL);
	expo_set(e, "probe_dns_query_succeeded", "Displays whether or not the query was executed successfully",
		 EXPO_GAUGE, 0, NULL);
}

/* "name.\tTTL\tCLASS\tTYPE\tdata": miekg/dns' RR.String(). */
static int rr_text(const struct dns_msg *msg, const struct dns_rr *rr, struct strbuf *out)
{
	char owner[DNS_NAME_TEXT], tbuf[16], cbuf[16];
	struct dns_rdata rd = { 0 };
	int rc;

	if (dns_read_name(msg->wire, msg->len, rr->name_offset, owner, sizeof(owner)) < 0)
		return -EBADMSG;
	rc = dns_rdata_present(msg, rr, 0, &rd);
	if (rc == 0)
		strbuf_printf(out, "%s\t%u\t%s\t%s\t%s", owner, rr->ttl, dns_class_name(rr->rclass, cbuf, sizeof(cbuf)),
			      dns_type_name(rr->type, tbuf, sizeof(tbuf)), rd.text.data ? rd.text.data : "");
	dns_rdata_free(&rd);
	return rc;
}

static bool matches(const struct serve_rr_pattern *pat, const char *text)
{
	return regexec(&pat->re, text, 0, NULL, 0) == 0;
}

/* One record against the rules: false (with the reason) when a
 * fail_if_matches or fail_if_not_matches pattern fails it; *all_match and
 * *any_match gather the other two. */
static bool record_passes(struct serve_probe *p, const struct serve_rr_rules *rules, const char *text,
			  bool *all_match, bool *any_match)
{
	for (size_t i = 0; i < rules->count[RR_FAIL_IF_MATCHES]; i++)
		if (matches(&rules->patterns[RR_FAIL_IF_MATCHES][i], text)) {
			snprintf(p->reason, sizeof(p->reason), "a record matches %s",
				 rules->patterns[RR_FAIL_IF_MATCHES][i].text);
			return false;
		}
	for (size_t i = 0; i < rules->count[RR_FAIL_IF_ALL_MATCH]; i++)
		if (!matches(&rules->patterns[RR_FAIL_IF_ALL_MATCH][i], text))
			*all_match = false;
	for (size_t i = 0; i < rules->count[RR_FAIL_IF_NOT_MATCHES]; i++)
		if (!matches(&rules->patterns[RR_FAIL_IF_NOT_MATCHES][i], text)) {
			snprintf(p->reason, sizeof(p->reason), "a record does not match %s",
				 rules->patterns[RR_FAIL_IF_NOT_MATCHES][i].text);
			return false;
		}
	for (size_t i = 0; i < rules->count[RR_FAIL_IF_NONE_MATCHES]; i++)
		if (matches(&rules->patterns[RR_FAIL_IF_NONE_MATCHES][i], text))
			*any_match = true;
	return true;
}

/* blackbox_exporter's validRRs for one section. */
static bool section_passes(struct serve_probe *p, const struct dns_msg *msg, enum dns_section section,
			   const struct serve_rr_rules *rules, const char *name)
{
	size_t count;
	const struct dns_rr *rrs = dns_section_rrs(msg, section, &count);
	bool all_match = true, any_match = false;
	struct strbuf text = { 0 };

	serve_log(p, "info", "Validating %s RRs", name);
	if (count == 0 && (rules->count[RR_FAIL_IF_NOT_MATCHES] || rules->count[RR_FAIL_IF_NONE_MATCHES])) {
		snprintf(p->reason, sizeof(p->reason), "no %s records to match", name);
		serve_log(p, "error", "fail_if_not_matches_regexp or fail_if_none_matches_regexp specified but no RRs "
				       "returned");
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		text.len = 0;
		if (rr_text(msg, &rrs[i], &text) < 0) {
			snprintf(p->reason, sizeof(p->reason), "a record that does not decode");
			break;
		}
		serve_log(p, "info", "Validating RR rr=%s", text.data);
		if (!record_passes(p, rules, text.data, &all_match, &any_match))
			break;
	}
	strbuf_free(&text);
	/* As blackbox_exporter has it, whatever the key's name says: the
	 * probe fails when some record does not match every pattern. */
	if (!p->reason[0] && rules->count[RR_FAIL_IF_ALL_MATCH] && !all_match)
		snprintf(p->reason, sizeof(p->reason), "not all %s records match fail_if_all_match_regexp", name);
	if (!p->reason[0] && rules->count[RR_FAIL_IF_NONE_MATCHES] && !any_match)
		snprintf(p->reason, sizeof(p->reason), "no %s record matches fail_if_none_matches_regexp", name);
	if (p->reason[0])
		serve_log(p, "error", "%s RRs validation failed: %s", name, p->reason);
	return !p->reason[0];
}

static bool rcode_valid(struct serve_probe *p, const struct dns_msg *msg)
{
	uint64_t valid = p->module->dns->valid_rcodes ? p->module->dns->valid_rcodes : 1ULL << DNS_RCODE_NOERROR;
	char buf[16];
	const char *name = dns_rcode_name(msg->rcode, buf, sizeof(buf));

	if (msg->rcode < 64 && (valid & (1ULL << msg->rcode))) {
		serve_log(p, "info", "Rcode is valid rcode=%u string_rcode=%s", msg->rcode, name);
		return true;
	}
	if (msg->rcode == DNS_RCODE_NXDOMAIN)
		snprintf(p->reason, sizeof(p->reason), "NXDOMAIN");
	else
		snprintf(p->reason, sizeof(p->reason), "nameserver answered %s", name);
	serve_log(p, "error", "Rcode is not one of the valid rcodes rcode=%u string_rcode=%s", msg->rcode, name);
	return false;
}

/* probe_dns_serial: the answer's (last) SOA serial, 0 without one. */
static void soa_serial(struct serve_probe *p, const struct dns_msg *msg)
{
	size_t count;
	const struct dns_rr *rrs = dns_section_rrs(msg, DNS_SECTION_ANSWER, &count);
	double serial = 0;

	for (size_t i = 0; i < count; i++) {
		char name[DNS_NAME_TEXT];
		size_t at = rrs[i].rdata_offset, end = at + rrs[i].rdlength;
		int used;

		if (rrs[i].type != DNS_TYPE_SOA)
			continue;
		for (int n = 0; n < 2 && at < end; n++)
			at += (used = dns_read_name(msg->wire, msg->len, at, name, sizeof(name))) > 0 ? (size_t)used : end;
		if (at + 4 <= end)
			serial = (double)((uint32_t)msg->wire[at] << 24 | (uint32_t)msg->wire[at + 1] << 16 |
					  (uint32_t)msg->wire[at + 2] << 8 | msg->wire[at + 3]);
	}
	expo_set(p->expo, "probe_dns_serial", "Returns the serial number of the zone", EXPO_GAUGE, serial, NULL);
}

static bool judge_reply(struct serve_probe *p, const struct dns_msg *msg)
{
	const struct serve_dns *d = p->module->dns;
	static const enum dns_section sections[SERVE_RR_SECTIONS] = {
		DNS_SECTION_ANSWER, DNS_SECTION_AUTHORITY, DNS_SECTION_ADDITIONAL,
	};

	/* miekg/dns counts the OPT record among the additional ones */
	expo_set(p->expo, "probe_dns_answer_rrs", "", EXPO_GAUGE, (double)msg->rr_count[DNS_SECTION_ANSWER], NULL);
	expo_set(p->expo, "probe_dns_authority_rrs", "", EXPO_GAUGE, (double)msg->rr_count[DNS_SECTION_AUTHORITY],
		 NULL);
	expo_set(p->expo, "probe_dns_additional_rrs", "", EXPO_GAUGE,
		 (double)(msg->rr_count[DNS_SECTION_ADDITIONAL] + msg->edns.present), NULL);
	expo_set(p->expo, "probe_dns_query_succeeded", "", EXPO_GAUGE, 1, NULL);
	if (d->qtype == DNS_TYPE_SOA)
		soa_serial(p, msg);
	if (!rcode_valid(p, msg))
		return false;
	for (size_t s = 0; s < SERVE_RR_SECTIONS; s++)
		if (!section_passes(p, msg, sections[s], &d->rules[s], section_names[s]))
			return false;
	return true;
}

/* The question, sent and answered: 0 with msg parsed (free it), or -1
 * with the reason. */
static int ask(struct serve_probe *p, const struct sonde_addr *server, struct dns_exchange *ex, struct dns_msg *msg)
{
	const struct serve_dns *d = p->module->dns;
	struct dns_query_spec spec = {
		.qname = d->query_name, .qtype = d->qtype, .qclass = d->qclass,
		.id = (uint16_t)arc4random(), .rd = d->recursion,
	};
	uint8_t query[DNS_HEADER_LEN + DNS_MAX_WIRE_NAME + 4];
	int len = dns_build_query(&spec, query, sizeof(query)), rc;

	if (len < 0) {
		snprintf(p->reason, sizeof(p->reason), "query_name does not make a query");
		return -1;
	}
	serve_log(p, "info", "Making DNS query transport=%s query=%s", d->tcp ? "tcp" : "udp", d->query_name);
	rc = dns_exchange(NULL, query, (size_t)len, server, d->tcp, (int)serve_ms_left(p), ex);
	expo_set(p->expo, "probe_dns_duration_seconds", "", EXPO_GAUGE, ex->setup_ms / 1000, "phase", "connect", NULL);
	expo_set(p->expo, "probe_dns_duration_seconds", "", EXPO_GAUGE, (ex->rtt_ms - ex->setup_ms) / 1000, "phase",
		 "request", NULL);
	if (rc < 0) {
		snprintf(p->reason, sizeof(p->reason), "%s",
			 rc == -ETIMEDOUT ? "no answer from the nameserver" :
			 rc == -EPROTO ? "a reply to another question" : reason_connect(rc));
		serve_log(p, "error", "Error while sending a DNS query: %s", p->reason);
		return -1;
	}
	if (dns_parse(ex->wire, ex->len, msg) != 0) {
		snprintf(p->reason, sizeof(p->reason), "malformed DNS reply: %s", msg->fault ? msg->fault : "no memory");
		serve_log(p, "error", "Error while sending a DNS query: %s", p->reason);
		return -1;
	}
	serve_log(p, "info", "Got response rcode=%u answer=%zu authority=%zu additional=%zu", msg->rcode,
		  msg->rr_count[DNS_SECTION_ANSWER], msg->rr_count[DNS_SECTION_AUTHORITY],
		  msg->rr_count[DNS_SECTION_ADDITIONAL]);
	return 0;
}

bool serve_prober_dns(struct serve_probe *p)
{
	char host[SERVE_TARGET_MAX];
	const char *port_text = NULL;
	struct sonde_addr server;
	struct dns_exchange ex = { 0 };
	struct dns_msg msg = { 0 };
	uint16_t port;
	double lookup_s;
	bool ok;

	declare_families(p->expo);
	/* "server", "server:port", "[v6]:port" or a bare IPv6 address:
	 * port 53 unless given, as net.SplitHostPort's failure falls back. */
	if (addr_split_hostport(p->target, host, sizeof(host), &port_text) < 0)
		snprintf(host, sizeof(host), "%s", p->target);
	if (addr_parse_port(port_text ? port_text : DNS_DEFAULT_PORT, false, &port) < 0) {
		snprintf(p->reason, sizeof(p->reason), "target is not server[:port]");
		serve_log(p, "error", "Error splitting target address and port");
		return false;
	}
	if (serve_resolve(p, host, port, &server, &lookup_s) < 0)
		return false;
	expo_add(p->expo, "probe_dns_duration_seconds", "", lookup_s, "phase", "resolve", NULL);
	if (ask(p, &server, &ex, &msg) < 0) {
		dns_msg_free(&msg);
		free(ex.wire);
		return false;
	}
	ok = judge_reply(p, &msg);
	dns_msg_free(&msg);
	free(ex.wire);
	return ok;
}
