/* Lookups as bind's dighost makes them for host and nslookup: servers,
 * search list, ndots, timeout and attempts from resolv.conf unless given;
 * the names tried in dighost's order; one question asked of the servers in
 * turn, with dighost's lines for what fails.  The replies are dns_msg.c's;
 * each applet prints them its own way. */
#include <ares.h>
#include <errno.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/dns.h"
#include "sonde/out.h"
#include "sonde/resolvconf.h"
#include "sonde/resolve.h"

#define UDP_TIMEOUT_S 5  /* dighost's when neither -W/-timeout nor resolv.conf set one */
#define TCP_TIMEOUT_S 10
#define DEFAULT_TRIES 3

void dns_lookup_conf_init(struct dns_lookup_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->ndots = -1;
	conf->tries = -1;
	conf->port = 53;
	conf->qclass = DNS_CLASS_IN;
	conf->recurse = true;
	conf->notes = stdout;
}

int dns_lookup_set_server(struct dns_lookup_conf *conf, const char *server, int family)
{
	size_t found = 0, i;
	int rc = resolve_host(server, family, 0, 5000, conf->port, conf->servers, DNS_LOOKUP_MAX_SERVERS, &found);

	if (rc < 0)
		return rc;
	conf->server_count = found;
	for (i = 0; i < found; i++)
		snprintf(conf->server_text[i], sizeof(conf->server_text[i]), "%s", server);
	conf->server_given = true;
	return 0;
}

static void load_servers(struct dns_lookup_conf *conf, const struct resolv_conf *rc)
{
	size_t i;

	for (i = 0; i < rc->nameserver_count && conf->server_count < DNS_LOOKUP_MAX_SERVERS; i++) {
		struct sonde_addr *a = &conf->servers[conf->server_count];

		if (addr_parse_ip(rc->nameservers[i], conf->port, AF_UNSPEC, a) < 0)
			continue;
		snprintf(conf->server_text[conf->server_count], sizeof(conf->server_text[0]), "%s",
			 rc->nameservers[i]);
		conf->server_count++;
	}
}

int dns_lookup_conf_load(struct dns_lookup_conf *conf, const char *resolv_path)
{
	struct resolv_conf rc;
	size_t i;

	resolv_conf_load(&rc, resolv_path);
	if (!conf->server_given)
		load_servers(conf, &rc);
	for (i = 0; i < rc.search_count && i < DNS_LOOKUP_MAX_SEARCH; i++)
		snprintf(conf->search[i], sizeof(conf->search[i]), "%s", rc.search[i]);
	conf->search_count = i;
	if (conf->ndots < 0)
		conf->ndots = rc.ndots;
	if (conf->timeout_s == 0 && rc.timeout_set)
		conf->timeout_s = rc.timeout_s;
	if (conf->tries < 0)
		conf->tries = rc.attempts_set && rc.attempts > 0 ? rc.attempts : DEFAULT_TRIES;
	return conf->server_count ? 0 : -ENOENT;
}

static size_t count_dots(const char *name)
{
	size_t dots = 0;

	for (; *name; name++)
		dots += *name == '.';
	return dots;
}

size_t dns_lookup_search_names(const struct dns_lookup_conf *conf, const char *name, bool use_search,
			       char names[][DNS_NAME_TEXT], size_t max)
{
	size_t len = strlen(name), n = 0, i;
	bool absolute = len > 0 && name[len - 1] == '.';

	/* dighost tries the search list first when the name has fewer dots
	 * than ndots, and the name alone after it (next_origin()); a name
	 * with enough dots is asked alone and not searched at all. */
	if (use_search && !absolute && count_dots(name) < (size_t)conf->ndots)
		for (i = 0; i < conf->search_count && n + 1 < max; i++)
			snprintf(names[n++], DNS_NAME_TEXT, "%s.%s", name, conf->search[i]);
	if (n < max)
		snprintf(names[n++], DNS_NAME_TEXT, "%s", name);
	return n;
}

static void note(const struct dns_lookup_conf *conf, const char *fmt, const char *a, const char *b)
{
	if (!conf->notes)
		return;
	fputs(";; ", conf->notes);
	fprintf(conf->notes, fmt, a, b);
	fputc('\n', conf->notes);
}

/* "10.0.0.1#53" as dighost names a server in its messages. */
static const char *server_hash_port(const struct sonde_addr *server, char *buf, size_t size)
{
	char host[ADDR_STRLEN];

	snprintf(buf, size, "%s#%u", addr_ntop(server, host, sizeof(host)), addr_port(server));
	return buf;
}

static int build_query(const struct dns_lookup_conf *conf, const char *qname, uint16_t qtype, uint8_t *buf,
		       size_t size)
{
	struct dns_query_spec spec = {
		.qname = qname, .qtype = qtype, .qclass = conf->qclass, .id = (uint16_t)arc4random(),
		.rd = conf->recurse,
	};

	return dns_build_query(&spec, buf, size);
}

/* One try at one server, TC asked again over TCP.  0 with a reply. */
static int ask_server(const struct dns_lookup_conf *conf, const uint8_t *query, size_t len, size_t s,
		      struct dns_lookup_reply *reply)
{
	int timeout_s = conf->timeout_s ? conf->timeout_s : conf->tcp ? TCP_TIMEOUT_S : UDP_TIMEOUT_S;
	char where[ADDR_STRLEN + 8];
	int rc = dns_exchange(conf->notes, query, len, &conf->servers[s], conf->tcp, timeout_s * 1000, &reply->ex);

	if (rc == 0 && !reply->ex.tcp && reply->ex.len > 2 && (reply->ex.wire[2] & 0x02)) {
		if (conf->comments)
			note(conf, "Truncated, retrying in TCP mode.%s%s", "", "");
		free(reply->ex.wire);
		rc = dns_exchange(conf->notes, query, len, &conf->servers[s], true,
				  (conf->timeout_s ? conf->timeout_s : TCP_TIMEOUT_S) * 1000, &reply->ex);
	}
	if (rc < 0 && rc != -EPROTO)
		note(conf, "communications error to %s: %s",
		     server_hash_port(&conf->servers[s], where, sizeof(where)), dns_comm_error_text(rc));
	return rc;
}

int dns_lookup_query(const struct dns_lookup_conf *conf, const char *qname, uint16_t qtype,
		     struct dns_lookup_reply *reply)
{
	uint8_t query[DNS_MAX_WIRE_NAME + 64];
	int len = build_query(conf, qname, qtype, query, sizeof(query));
	int t, rc = -ETIMEDOUT;
	size_t s;

	memset(reply, 0, sizeof(*reply));
	if (len < 0)
		return len;
	for (t = 0; t < (conf->tries > 0 ? conf->tries : 1); t++)
		for (s = 0; s < conf->server_count; s++) {
			char host[ADDR_STRLEN];

			rc = ask_server(conf, query, (size_t)len, s, reply);
			if (rc < 0)
				continue;
			reply->server_index = s;
			reply->parse_rc = dns_parse(reply->ex.wire, reply->ex.len, &reply->msg);
			/* dighost's check_ra: a resolver that does not recurse is
			 * worth a comment, and the next server is asked. */
			if (conf->comments && !conf->server_given && conf->recurse && reply->parse_rc == 0 &&
			    !(reply->msg.flags & DNS_FLAG_RA)) {
				addr_ntop(&conf->servers[s], host, sizeof(host));
				if (s + 1 < conf->server_count) {
					note(conf, "Got recursion not available from %s, trying next server%s", host, "");
					dns_lookup_reply_free(reply);
					continue;
				}
				note(conf, "Got recursion not available from %s%s", host, "");
			}
			if (conf->servfail_next && reply->parse_rc == 0 && reply->msg.rcode == DNS_RCODE_SERVFAIL &&
			    s + 1 < conf->server_count) {
				dns_lookup_reply_free(reply);
				continue;
			}
			return 0;
		}
	note(conf, "no servers could be reached%s%s", "", "");
	return rc;
}

void dns_lookup_reply_free(struct dns_lookup_reply *reply)
{
	dns_msg_free(&reply->msg);
	free(reply->ex.wire);
	reply->ex.wire = NULL;
}

int dns_lookup_search(const struct dns_lookup_conf *conf, const char *typed, bool use_search, uint16_t qtype,
		      const struct dns_search_hooks *hooks, void *ctx, struct dns_lookup_reply *reply,
		      char name[DNS_NAME_TEXT], char shown[DNS_NAME_TEXT])
{
	char names[DNS_LOOKUP_MAX_NAMES][DNS_NAME_TEXT];
	size_t n = dns_lookup_search_names(conf, typed, use_search, names, DNS_LOOKUP_MAX_NAMES), i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		dns_lookup_name_shown(names[i], shown, DNS_NAME_TEXT);
		snprintf(name, DNS_NAME_TEXT, "%s", names[i]);
		if (hooks && hooks->trying)
			hooks->trying(ctx, shown);
		rc = dns_lookup_query(conf, names[i], qtype, reply);
		if (rc < 0) {
			dns_lookup_reply_free(reply);
			return rc;
		}
		if (reply->parse_rc != 0 || reply->msg.rcode != DNS_RCODE_NXDOMAIN || i + 1 == n)
			return 0;
		if (hooks && hooks->passed)
			hooks->passed(ctx, shown, reply);
		dns_lookup_reply_free(reply);
	}
	return rc;
}

/* bind's dns_name_format(): no final dot (but for the root). */
static void name_without_dot(const char *name, char *out, size_t size)
{
	size_t len = strlen(name);

	snprintf(out, size, "%.*s", (int)(len > 1 && name[len - 1] == '.' ? len - 1 : len), name);
}

static bool same_name(const char *a, const char *b)
{
	char x[DNS_NAME_TEXT], y[DNS_NAME_TEXT];

	name_without_dot(a, x, sizeof(x));
	name_without_dot(b, y, sizeof(y));
	return strcasecmp(x, y) == 0;
}

void dns_answer_chase_cname(const struct dns_msg *msg, const char *qname, char *chased, size_t size)
{
	size_t count, step, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, DNS_SECTION_ANSWER, &count);

	name_without_dot(qname, chased, size);
	for (step = 0; step < count; step++) {
		bool moved = false;

		for (i = 0; i < count && !moved; i++) {
			char owner[DNS_NAME_TEXT], target[DNS_NAME_TEXT];

			if (rrs[i].type != DNS_TYPE_CNAME ||
			    dns_read_name(msg->wire, msg->len, rrs[i].name_offset, owner, sizeof(owner)) < 0 ||
			    !same_name(owner, chased) ||
			    dns_read_name(msg->wire, msg->len, rrs[i].rdata_offset, target, sizeof(target)) < 0)
				continue;
			name_without_dot(target, chased, size);
			moved = true;
		}
		if (!moved)
			return;
	}
}

const char *dns_address_failure_words(int rc)
{
	int status = rc < 0 ? -rc : rc;

	return status == ARES_ENOTFOUND || status == ARES_ENODATA ? "not found" : "failure";
}

static void json_section(struct sonde_out *out, const struct dns_msg *msg, enum dns_section section, const char *key)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, section, &count);

	out_open_array(out, key);
	for (i = 0; i < count; i++) {
		char owner[DNS_NAME_TEXT], tbuf[16], cbuf[16];
		struct dns_rdata rd = { 0 };

		if (dns_read_name(msg->wire, msg->len, rrs[i].name_offset, owner, sizeof(owner)) < 0)
			snprintf(owner, sizeof(owner), "?");
		dns_rdata_present(msg, &rrs[i], 0, &rd);
		out_open_object(out, NULL);
		out_print_str(out, "name", NULL, owner);
		out_print_uint(out, "ttl", NULL, rrs[i].ttl);
		out_print_str(out, "class", NULL, dns_class_name(rrs[i].rclass, cbuf, sizeof(cbuf)));
		out_print_str(out, "type", NULL, dns_type_name(rrs[i].type, tbuf, sizeof(tbuf)));
		out_print_str(out, "data", NULL, rd.text.data ? rd.text.data : "");
		out_close_object(out);
		dns_rdata_free(&rd);
	}
	out_close_array(out);
}

void dns_lookup_json(struct sonde_out *out, const char *qname, uint16_t qtype, const struct dns_lookup_conf *conf,
		     const struct dns_lookup_reply *reply, bool replied)
{
	char tbuf[16], host[ADDR_STRLEN];

	out_open_object(out, NULL);
	out_print_str(out, "name", NULL, qname);
	out_print_str(out, "type", NULL, dns_type_name(qtype, tbuf, sizeof(tbuf)));
	out_print_bool(out, "replied", NULL, replied && reply->parse_rc == 0);
	if (replied && reply->parse_rc == 0) {
		const struct sonde_addr *server = &conf->servers[reply->server_index];

		out_open_object(out, "server");
		out_print_str(out, "name", NULL, conf->server_text[reply->server_index]);
		out_print_str(out, "address", NULL, addr_ntop(server, host, sizeof(host)));
		out_print_uint(out, "port", NULL, addr_port(server));
		out_close_object(out);
		out_print_str(out, "rcode", NULL, dns_rcode_name(reply->msg.rcode, tbuf, sizeof(tbuf)));
		out_print_bool(out, "authoritative", NULL, (reply->msg.flags & DNS_FLAG_AA) != 0);
		out_print_bool(out, "recursion_available", NULL, (reply->msg.flags & DNS_FLAG_RA) != 0);
		json_section(out, &reply->msg, DNS_SECTION_ANSWER, "answer");
		json_section(out, &reply->msg, DNS_SECTION_AUTHORITY, "authority");
		json_section(out, &reply->msg, DNS_SECTION_ADDITIONAL, "additional");
	}
	out_close_object(out);
}

void dns_lookup_name_shown(const char *name, char *out, size_t size)
{
	size_t len = strlen(name);

	snprintf(out, size, "%.*s", (int)(len > 1 && name[len - 1] == '.' ? len - 1 : len), name);
}

const char *dns_lookup_rcode_text(unsigned rcode, char *buf, size_t size)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET",
		"NOTAUTH", "NOTZONE", "RESERVED11", "RESERVED12", "RESERVED13", "RESERVED14", "RESERVED15", "BADVERS",
	};

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	snprintf(buf, size, "?%u", rcode);
	return buf;
}
