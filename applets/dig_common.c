/* sonde dig: what the lookup, the explainer, +trace and the zone transfer
 * share: the servers of a lookup (its @server or resolv.conf's), and one
 * query sent to them with dig's tries, TCP fallback, cookie check and
 * BADVERS retry (each try in dig_exchange.c). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dig_impl.h"
#include "sonde/err.h"
#include "sonde/resolvconf.h"
#include "sonde/resolve.h"

/* --- servers ---------------------------------------------------------------- */

static int servers_from_resolv_conf(struct dig_run *run, struct dig_servers *servers)
{
	struct resolv_conf conf;
	size_t i;

	resolv_conf_load(&conf, resolve_conf_path());
	for (i = 0; i < conf.nameserver_count && servers->count < DIG_MAX_SERVERS; i++) {
		struct sonde_addr *a = &servers->addrs[servers->count];
		int family = run->config->ipv4_only ? AF_INET : run->config->ipv6_only ? AF_INET6 : AF_UNSPEC;

		if (addr_parse_ip(conf.nameservers[i], run->port, family, a) == 0)
			servers->count++;
	}
	/* Without a nameserver line resolvers ask the local host. */
	if (servers->count == 0 && !run->config->ipv6_only &&
	    addr_parse_ip("127.0.0.1", run->port, AF_INET, &servers->addrs[0]) == 0)
		servers->count = 1;
	if (servers->count == 0) {
		sonde_err("no usable nameservers in %s", resolve_conf_path());
		return DIG_EXIT_NO_REPLY;
	}
	return 0;
}

int dig_servers_for(struct dig_run *run, const struct dig_lookup *lk, struct dig_servers *servers)
{
	int family = run->config->ipv4_only ? AF_INET : run->config->ipv6_only ? AF_INET6 : AF_UNSPEC;
	size_t n;

	memset(servers, 0, sizeof(*servers));
	if (!lk->server_name_count)
		return servers_from_resolv_conf(run, servers);
	servers->given = true;
	snprintf(servers->shown_name, sizeof(servers->shown_name), "%s", lk->server_names[0]);
	for (n = 0; n < lk->server_name_count && servers->count < DIG_MAX_SERVERS; n++) {
		size_t found = 0, i;
		int rc = resolve_host(lk->server_names[n], family, 0, lk->opts.timeout_s * 1000, run->port,
				      servers->addrs + servers->count, DIG_MAX_SERVERS - servers->count, &found);

		if (rc < 0) {
			/* bind 9.18's dig gives up the whole run with status 1. */
			sonde_err("couldn't get address for '%s': %s", lk->server_names[n], dns_address_failure_words(rc));
			return DIG_EXIT_USAGE;
		}
		for (i = 0; i < found; i++)
			servers->shown_for[servers->count + i] = lk->server_names[n];
		servers->count += found;
		servers->found_last = found;
	}
	return 0;
}

/* --- one query ---------------------------------------------------------------- */

/* "10.0.0.1#53", "fd00::1#53" as dig names servers. */
static void server_hash_port(const struct sonde_addr *a, char *buf, size_t size)
{
	char host[ADDR_STRLEN];

	snprintf(buf, size, "%s#%u", addr_ntop(a, host, sizeof(host)), addr_port(a));
}

/* On stdout as dig prints it; on stderr when stdout carries JSON. */
void dig_report_comm_error(struct dig_run *run, const char *qname, const struct dig_reply *reply,
			      const struct dig_servers *servers)
{
	FILE *main_stream = out_is_json(run->ctx->out) ? stderr : stdout;
	char where[ADDR_STRLEN + 8], host[ADDR_STRLEN];

	/* What was wrong with the reply is said already. */
	if (reply->status == -EPROTO)
		return;
	server_hash_port(&reply->server, where, sizeof(where));
	if (reply->setup_failed)
		fprintf(main_stream, reply->tcp ? ";; Connection to %s(%s) for %s failed: %s.\n"
						: ";; UDP setup with %s(%s) for %s failed: %s.\n",
			where, dig_server_shown(servers, &reply->server, host, sizeof(host)), qname,
			dns_comm_error_text(reply->status));
	else
		fprintf(main_stream, ";; communications error to %s: %s\n", where, dns_comm_error_text(reply->status));
}

bool dig_setup_failure_ends_try(struct dig_run *run, bool tries_left, bool last_server)
{
	if (!tries_left && !last_server)
		return false;
	fprintf(out_is_json(run->ctx->out) ? stderr : stdout, ";; no servers could be reached\n");
	return true;
}

int dig_build_query(const struct dig_run *run, const struct dig_lookup *lk, const char *qname, unsigned char *buf,
		    size_t size)
{
	struct dns_query_spec spec = {
		.qname = qname, .qtype = lk->qtype, .qclass = lk->qclass, .id = (uint16_t)arc4random(),
		.rd = lk->opts.recurse && !dig_is_xfr_type(lk->qtype), .ad = lk->opts.adflag, .cd = lk->opts.cdflag,
		.edns = lk->opts.edns, .edns_version = (uint8_t)lk->opts.edns_version,
		.udp_size = (uint16_t)lk->opts.bufsize, .dnssec_ok = lk->opts.dnssec, .nsid = lk->opts.nsid,
	};

	/* DO and NSID ride on EDNS: asking for them turns it on, as in dig. */
	if (spec.dnssec_ok || spec.nsid)
		spec.edns = true;
	if (lk->opts.ecs_len) {
		spec.ecs = lk->opts.ecs;
		spec.ecs_len = lk->opts.ecs_len;
	}
	spec.ixfr = lk->qtype == DNS_TYPE_IXFR && lk->ixfr_serial_set;
	spec.ixfr_serial = lk->ixfr_serial;
	if (spec.edns && lk->opts.cookie) {
		spec.cookie = lk->opts.cookie_len ? lk->opts.cookie_bytes : run->client_cookie;
		spec.cookie_len = lk->opts.cookie_len ? lk->opts.cookie_len : sizeof(run->client_cookie);
	}
	return dns_build_query(&spec, buf, size);
}

/* dig's check of the first COOKIE in a reply against the client cookie
 * sent; its warnings come before the reply's output. */
void dig_check_cookie(const struct dig_run *run, const struct dig_lookup *lk, bool report, struct dig_reply *reply)
{
	const uint8_t *sent = lk->opts.cookie_len ? lk->opts.cookie_bytes : run->client_cookie;
	size_t sent_len = lk->opts.cookie_len ? lk->opts.cookie_len : sizeof(run->client_cookie);
	struct dns_edns_opt opt;
	size_t pos = 0;
	bool found = false;

	reply->cookie = DIG_COOKIE_NONE;
	if (!lk->opts.cookie || reply->parse_rc != 0 || !reply->msg.edns.present)
		return;
	while (!found && dns_edns_next_option(&reply->msg, &pos, &opt))
		found = opt.code == DNS_EDNS_COOKIE;
	if (!found)
		return;
	if (sent_len >= 8 && opt.len >= 8 && memcmp(opt.data, sent, 8) == 0) {
		reply->cookie = DIG_COOKIE_OK;
		return;
	}
	reply->cookie = DIG_COOKIE_BAD;
	if (report && !out_is_json(run->ctx->out))
		printf(";; Warning: %s\n", sent_len >= 8 && opt.len >= 8 ? "Client COOKIE mismatch"
										: "COOKIE bad token (too short)");
}

/* Why a name is not legal, in bind's words. */
static const char *name_fault(const char *name)
{
	size_t label = 0, total = 1;
	const char *p;

	if (strcmp(name, ".") == 0)
		return "ran out of space";
	for (p = name; *p; p++) {
		if (*p == '\\' && p[1]) {
			p += isdigit((unsigned char)p[1]) && p[2] && p[3] ? 3 : 1;
			label++;
			continue;
		}
		if (*p != '.') {
			label++;
			continue;
		}
		if (label == 0)
			return "empty label";
		total += label + 1;
		label = 0;
	}
	if (label > 63)
		return "label too long";
	total += label ? label + 1 : 0;
	return total > DNS_MAX_WIRE_NAME ? "name too long" : "bad escape";
}

int dig_name_error(const char *name)
{
	const char *p, *fault = NULL;
	size_t label = 0;

	/* A label over 63 anywhere is what bind names first. */
	for (p = name; *p && !fault; p++) {
		label = *p == '.' ? 0 : label + 1;
		if (label > 63)
			fault = "label too long";
	}
	fflush(stdout);
	sonde_err("'%s' is not a legal name (%s)", name, fault ? fault : name_fault(name));
	return DIG_EXIT_INTERNAL;
}

/* BADVERS with a lower EDNS version: dig asks again with that version
 * (the version only goes down, so this ends). */
static int badvers_retry(struct dig_run *run, const struct dig_lookup *lk, const char *qname,
			 const struct dig_servers *servers, bool report, struct dig_reply *reply)
{
	struct dig_lookup lowered = *lk;

	if (reply->parse_rc != 0 || reply->msg.rcode != DNS_RCODE_BADVERS || !reply->msg.edns.present ||
	    reply->msg.edns.version >= lk->opts.edns_version)
		return 0;
	lowered.opts.edns_version = reply->msg.edns.version;
	if (report && !out_is_json(run->ctx->out) && lk->opts.comments && !lk->opts.short_form)
		printf(";; BADVERS, retrying with EDNS version %u.\n", reply->msg.edns.version);
	dig_reply_free(reply);
	return dig_query(run, &lowered, qname, servers, report, reply);
}

int dig_query(struct dig_run *run, const struct dig_lookup *lk, const char *qname,
	      const struct dig_servers *servers, bool report, struct dig_reply *reply)
{
	unsigned char query[DNS_MAX_WIRE_NAME + 64 + DNS_COOKIE_MAX];
	int len = dig_build_query(run, lk, qname, query, sizeof(query));
	int timeout_ms = lk->opts.timeout_s * 1000;
	size_t s;

	memset(reply, 0, sizeof(*reply));
	reply->status = -ETIMEDOUT;
	if (len < 0)
		return dig_name_error(qname);
	for (s = 0; s < servers->count; s++) {
		int t;

		for (t = 0; t < lk->opts.tries; t++) {
			if (report && lk->opts.qr)
				dig_print_query(run, lk, servers, query, (size_t)len);
			if (dig_exchange(run, report, query, (size_t)len, &servers->addrs[s], lk->opts.tcp, timeout_ms, reply) != 0) {
				if (report)
					dig_report_comm_error(run, qname, reply, servers);
				/* A failed connect is tried again over UDP and TCP alike;
				 * other TCP failures get one try. */
				if (reply->setup_failed)
					reply->no_servers_said = report && dig_setup_failure_ends_try(run, t + 1 < lk->opts.tries,
												  s + 1 == servers->count);
				else if (lk->opts.tcp)
					break;
				continue;
			}
			if (!reply->tcp && (reply->len > 2 && (reply->wire[2] & 0x02)) && !lk->opts.ignore_tc) {
				/* One of dig's comments: +short, +noall, +nocomments hide it. */
				if (report && !out_is_json(run->ctx->out) && lk->opts.comments && !lk->opts.short_form)
					printf(";; Truncated, retrying in TCP mode.\n");
				dig_reply_free(reply);
				if (report && lk->opts.qr)
					dig_print_query(run, lk, servers, query, (size_t)len);
				if (dig_exchange(run, report, query, (size_t)len, &servers->addrs[s], true, timeout_ms, reply) != 0) {
					if (report)
						dig_report_comm_error(run, qname, reply, servers);
					break;
				}
				reply->retried_tcp = true;
			}
			reply->parse_rc = dns_parse(reply->wire, reply->len, &reply->msg);
			dig_check_cookie(run, lk, report, reply);
			return badvers_retry(run, lk, qname, servers, report, reply);
		}
	}
	return DIG_EXIT_NO_REPLY;
}

void dig_reply_free(struct dig_reply *reply)
{
	dns_msg_free(&reply->msg);
	free(reply->wire);
	reply->wire = NULL;
	reply->len = 0;
}
