/* dig +trace: iterative resolution, one referral at a time, from the root
 * servers down.  The root servers come from --root-hints FILE (so a closed
 * lab can have its own root), or from the configured resolver's answer for
 * ". NS" as bind9's dig does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dig_impl.h"
#include "sonde/err.h"
#include "sonde/resolve.h"

/* bind9's dig gives up ("too many lookups", exit 1) at the 32nd referral. */
#define TRACE_MAX_REFERRALS 32
#define TRACE_MAX_NS 16
#define TRACE_NO_ROOTS (-1) /* find_roots: a reply without root servers */
#define TRACE_NO_ADDRESSES (-1001) /* collect_servers: no nameserver name resolved (not an -errno) */

struct nameserver_set {
	char names[TRACE_MAX_NS][DNS_NAME_TEXT];
	size_t name_count;
	struct dig_servers servers;  /* addresses found for them, in order */
	size_t owner[DIG_MAX_SERVERS]; /* which name each address belongs to */
	char zone[DNS_NAME_TEXT];
};

/* An address of the name_index-th nameserver. */
static void add_address(struct nameserver_set *set, size_t name_index, const char *text, uint16_t port)
{
	struct dig_servers *s = &set->servers;

	if (s->count < DIG_MAX_SERVERS && addr_parse_ip(text, port, AF_UNSPEC, &s->addrs[s->count]) == 0) {
		set->owner[s->count] = name_index;
		s->count++;
	}
}

/* Root hints: zone-file lines "NAME [TTL] [IN] NS|A|AAAA DATA". */
static int read_root_hints(const char *path, uint16_t port, struct nameserver_set *set)
{
	FILE *fp = fopen(path, "r");
	char line[512];

	if (!fp)
		return -errno;
	memset(set, 0, sizeof(*set));
	snprintf(set->zone, sizeof(set->zone), ".");
	while (fgets(line, sizeof(line), fp)) {
		char *words[8], *save = NULL, *w;
		int n = 0, i;

		if (line[0] == ';')
			continue;
		for (w = strtok_r(line, " \t\r\n", &save); w && n < 8; w = strtok_r(NULL, " \t\r\n", &save))
			words[n++] = w;
		for (i = 1; i + 1 < n; i++) {
			if (strcasecmp(words[i], "NS") == 0 && set->name_count < TRACE_MAX_NS)
				snprintf(set->names[set->name_count++], DNS_NAME_TEXT, "%s", words[i + 1]);
			else if (strcasecmp(words[i], "A") == 0 || strcasecmp(words[i], "AAAA") == 0)
				add_address(set, set->name_count ? set->name_count - 1 : 0, words[i + 1], port);
			else
				continue;
			break;
		}
	}
	fclose(fp);
	return set->servers.count ? 0 : -ENOENT;
}

/* A name as bind's dns_name_format() shows it: no final dot (but "."). */
static const char *name_without_dot(const char *name)
{
	static char text[DNS_NAME_TEXT];
	size_t len = strlen(name);

	snprintf(text, sizeof(text), "%.*s", (int)(len > 1 && name[len - 1] == '.' ? len - 1 : len), name);
	return text;
}

static void rr_owner(const struct dns_msg *msg, const struct dns_rr *rr, char *name, size_t size)
{
	if (dns_read_name(msg->wire, msg->len, rr->name_offset, name, size) < 0)
		snprintf(name, size, "?");
}

static void rr_target(const struct dns_msg *msg, const struct dns_rr *rr, char *name, size_t size)
{
	if (dns_read_name(msg->wire, msg->len, rr->rdata_offset, name, size) < 0)
		snprintf(name, size, "?");
}

/* The NS records of section (a referral's authority, or the answer to
 * ". NS"), each name looked up through the resolver: bind's dig
 * (followup_lookup()) never uses the glue of the additional section.  A
 * name without addresses is reported on stdout among the step's lines, as
 * dig does; when no name has any, dig gives up: its message on stderr,
 * exit 1 (TRACE_NO_ADDRESSES). */
static int collect_servers(struct dig_run *run, const struct dns_msg *msg, enum dns_section section,
			   struct nameserver_set *set)
{
	const char *first_failed = NULL;
	size_t ns_count, i;
	const struct dns_rr *ns = dns_section_rrs(msg, section, &ns_count);

	memset(set, 0, sizeof(*set));
	for (i = 0; i < ns_count && set->name_count < TRACE_MAX_NS; i++) {
		if (ns[i].type != DNS_TYPE_NS)
			continue;
		rr_owner(msg, &ns[i], set->zone, sizeof(set->zone));
		rr_target(msg, &ns[i], set->names[set->name_count++], DNS_NAME_TEXT);
	}
	for (i = 0; i < set->name_count; i++) {
		if (set->servers.count < DIG_MAX_SERVERS) {
			size_t found = 0, k;
			int rc = resolve_host(set->names[i], AF_UNSPEC, 0, 5000, run->port,
					      &set->servers.addrs[set->servers.count],
					      DIG_MAX_SERVERS - set->servers.count, &found);

			if (rc < 0) {
				if (!out_is_json(run->ctx->out))
					printf("couldn't get address for '%s': %s\n", name_without_dot(set->names[i]),
					       dns_address_failure_words(rc));
				if (!first_failed)
					first_failed = set->names[i];
			}
			for (k = 0; k < found; k++)
				set->owner[set->servers.count + k] = i;
			set->servers.count += found;
		}
	}
	if (set->servers.count == 0 && first_failed) {
		fflush(stdout);
		/* bind's words: its loop over the NS records has run out. */
		sonde_err("couldn't get address for '%s': no more", name_without_dot(first_failed));
		return TRACE_NO_ADDRESSES;
	}
	return set->servers.count ? 0 : -ENOENT;
}

/* The nameserver name of the address that answered, as dig shows it
 * (without the final dot). */
static void answered_by(const struct nameserver_set *set, const struct sonde_addr *from, char *name, size_t size)
{
	size_t i, len;

	snprintf(name, size, "?");
	for (i = 0; i < set->servers.count; i++)
		if (addr_equal(&set->servers.addrs[i], from)) {
			snprintf(name, size, "%s", set->names[set->owner[i]]);
			break;
		}
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
}

static bool is_referral(const struct dns_msg *msg)
{
	size_t count, i;
	const struct dns_rr *auth = dns_section_rrs(msg, DNS_SECTION_AUTHORITY, &count);

	if (msg->rcode != DNS_RCODE_NOERROR || msg->counts[DNS_SECTION_ANSWER] > 0)
		return false;
	for (i = 0; i < count; i++)
		if (auth[i].type == DNS_TYPE_NS)
			return true;
	return false;
}

/* dig +short +trace: each answer record as "TYPE DATA from server ADDR in
 * N ms." (referrals have no answer, so print nothing). */
static void print_step_short(const struct dig_lookup *lk, const struct dig_reply *reply, const char *server)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(&reply->msg, DNS_SECTION_ANSWER, &count);

	for (i = 0; i < count; i++) {
		struct dns_rdata rd = { 0 };
		struct dns_rdata_style style;
		char type[32];

		dig_rdata_style(&lk->opts, true, &style);
		dns_rdata_present_styled(&reply->msg, &rrs[i], &style, &rd);
		printf("%s %s from server %s in %lld ms.\n", dns_type_name(rrs[i].type, type, sizeof(type)),
		       rd.text.data ? rd.text.data : "", server, (long long)reply->rtt_ms);
		dns_rdata_free(&rd);
	}
}

/* The zone a referral delegates (its first NS record's owner). */
static void referral_zone(const struct dns_msg *msg, char *zone, size_t size)
{
	size_t count, i;
	const struct dns_rr *auth = dns_section_rrs(msg, DNS_SECTION_AUTHORITY, &count);

	snprintf(zone, size, "?");
	for (i = 0; i < count; i++)
		if (auth[i].type == DNS_TYPE_NS) {
			rr_owner(msg, &auth[i], zone, size);
			return;
		}
}

/* What dig prints per step: the answer and authority records (then, in
 * print_received, where they came from: from_name in the full form,
 * short_server under +short). */
static void print_records(struct dig_run *run, const struct dig_lookup *lk, const struct dig_reply *reply,
			  const char *from_name, const char *short_server)
{
	struct dig_opts line_opts = lk->opts;
	int s;

	line_opts.short_form = false;
	if (out_is_json(run->ctx->out)) {
		struct dig_servers shown;

		memset(&shown, 0, sizeof(shown));
		snprintf(shown.shown_name, sizeof(shown.shown_name), "%s", from_name);
		out_open_object(run->ctx->out, NULL);
		dig_json_reply(run->ctx->out, lk, &shown, reply);
		out_close_object(run->ctx->out);
		return;
	}
	if (lk->opts.short_form) {
		print_step_short(lk, reply, short_server);
		fflush(stdout);
		return;
	}
	for (s = DNS_SECTION_ANSWER; s <= DNS_SECTION_AUTHORITY; s++) {
		size_t count, i;
		const struct dns_rr *rrs = dns_section_rrs(&reply->msg, (enum dns_section)s, &count);

		for (i = 0; i < count; i++)
			if (lk->opts.dnssec || (rrs[i].type != DNS_TYPE_RRSIG && rrs[i].type != DNS_TYPE_NSEC &&
						rrs[i].type != DNS_TYPE_NSEC3 && rrs[i].type != DNS_TYPE_DS))
				dig_print_rr(run->ctx->out, &reply->msg, &rrs[i], &line_opts, false);
	}
}

static void print_received(struct dig_run *run, const struct dig_lookup *lk, const struct dig_reply *reply,
			   const char *from_name)
{
	char host[ADDR_STRLEN];

	if (!out_is_json(run->ctx->out) && !lk->opts.short_form)
		printf(";; Received %zu bytes from %s#%u(%s) in %lld ms\n\n", reply->len,
		       addr_ntop(&reply->server, host, sizeof(host)), addr_port(&reply->server), from_name,
		       (long long)reply->rtt_ms);
	fflush(stdout);
}

static void print_hints(struct dig_run *run, const struct nameserver_set *set, const char *path)
{
	size_t i;

	if (out_is_json(run->ctx->out))
		return;
	for (i = 0; i < set->name_count; i++)
		printf(".\t\t\t0\tIN\tNS\t%s\n", set->names[i]);
	printf(";; Root hints from %s: %zu server%s, %zu address%s\n\n", path, set->name_count,
	       set->name_count == 1 ? "" : "s", set->servers.count, set->servers.count == 1 ? "" : "es");
}

/* The root servers: from the hints file, or asked of the resolver. */
static int find_roots(struct dig_run *run, const struct dig_lookup *lk, struct nameserver_set *set)
{
	struct dig_lookup root = *lk;
	struct dig_servers resolvers;
	struct dig_reply reply;
	char shown[DNS_NAME_TEXT];
	const char *from;
	int rc;

	if (run->config->root_hints) {
		rc = read_root_hints(run->config->root_hints, run->port, set);
		if (rc < 0) {
			if (rc == -ENOENT)
				sonde_err("--root-hints %s: no root server addresses", run->config->root_hints);
			else
				sonde_errno(rc, "--root-hints %s: cannot read", run->config->root_hints);
			return DIG_EXIT_USAGE;
		}
		if (!out_is_json(run->ctx->out) && lk->opts.cmd)
			dig_print_banner(run, lk, NULL);
		print_hints(run, set, run->config->root_hints);
		return 0;
	}
	rc = dig_servers_for(run, lk, &resolvers);
	if (rc)
		return rc;
	if (!out_is_json(run->ctx->out) && lk->opts.cmd)
		dig_print_banner(run, lk, &resolvers);
	root.qtype = DNS_TYPE_NS;
	root.opts.recurse = true;
	if (dig_query(run, &root, ".", &resolvers, true, &reply) != 0)
		return DIG_EXIT_NO_REPLY;
	from = dig_server_shown(&resolvers, &reply.server, shown, sizeof(shown));
	print_records(run, &root, &reply, from, from);
	/* The root NS records are the answer here, not a referral; without
	 * any, dig stops there having had its reply (exit 0).  Their lookups
	 * come before the step's "Received" line, as in dig. */
	rc = collect_servers(run, &reply.msg, DNS_SECTION_ANSWER, set);
	if (rc != TRACE_NO_ADDRESSES)
		print_received(run, &root, &reply, from);
	dig_reply_free(&reply);
	if (rc == TRACE_NO_ADDRESSES)
		return DIG_EXIT_USAGE;
	return set->servers.count ? 0 : TRACE_NO_ROOTS;
}

int dig_trace(struct dig_run *run, const struct dig_lookup *lk)
{
	struct dig_lookup step = *lk;
	struct nameserver_set set, next_set, *next = &next_set;
	int rc, i;

	rc = find_roots(run, lk, &set);
	if (rc == TRACE_NO_ROOTS)
		return DIG_EXIT_OK;
	if (rc)
		return rc;
	step.opts.recurse = false;
	for (i = 0;; i++) {
		struct dig_reply reply;
		char from[DNS_NAME_TEXT], host[ADDR_STRLEN], zone[DNS_NAME_TEXT];
		bool referral;

		if (dig_query(run, &step, lk->name, &set.servers, true, &reply) != 0)
			return DIG_EXIT_NO_REPLY;
		if (reply.parse_rc != 0) {
			/* dig shows the packet and ends the trace having had a reply. */
			if (!out_is_json(run->ctx->out))
				dig_print_bad_packet(&reply);
			dig_reply_free(&reply);
			return DIG_EXIT_OK;
		}
		answered_by(&set, &reply.server, from, sizeof(from));
		print_records(run, &step, &reply, from, addr_ntop(&reply.server, host, sizeof(host)));
		referral = is_referral(&reply.msg);
		if (referral) {
			/* A referral to the zone just asked gets no closer: dig warns
			 * and follows it, up to its lookup limit. */
			referral_zone(&reply.msg, zone, sizeof(zone));
			if (!out_is_json(run->ctx->out) && strcasecmp(zone, set.zone) == 0)
				printf(";; BAD (HORIZONTAL) REFERRAL\n");
			if (i + 1 >= TRACE_MAX_REFERRALS) {
				fflush(stdout);
				dig_reply_free(&reply);
				sonde_err("too many lookups");
				return DIG_EXIT_USAGE;
			}
		}
		/* The next servers' lookups come before the step's "Received"
		 * line, as in dig. */
		rc = referral ? collect_servers(run, &reply.msg, DNS_SECTION_AUTHORITY, next) : -ENOENT;
		if (rc != TRACE_NO_ADDRESSES)
			print_received(run, &step, &reply, from);
		dig_reply_free(&reply);
		if (rc == TRACE_NO_ADDRESSES)
			return DIG_EXIT_USAGE;
		if (rc < 0)
			return DIG_EXIT_OK;
		memcpy(&set, next, sizeof(set));
	}
}
