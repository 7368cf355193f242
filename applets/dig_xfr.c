/* sonde dig's zone transfers: AXFR, and IXFR=N over TCP, as bind9's dig
 * does them: every message of the transfer printed as it comes, then one
 * ";; XFR size" line.  The transfer ends as dig decides it: an AXFR at its
 * second SOA, an IXFR at the third SOA of the server's serial (or at once
 * when the client's serial is current). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dig_impl.h"
#include "sonde/clock.h"
#include "sonde/err.h"

/* Where the transfer stands (bind's check_for_more_data()). */
struct xfr_state {
	bool ixfr, axfr_style;       /* asked IXFR; the reply turned out to be a full zone */
	uint32_t client_serial;
	bool first_soa, second_rr, first_repeat, failed;
	uint32_t first_serial;
	unsigned records, messages;
	unsigned long long bytes;
};

static uint32_t soa_serial(const struct dns_msg *msg, const struct dns_rr *rr)
{
	char name[DNS_NAME_TEXT];
	size_t pos = rr->rdata_offset;
	int used, i;

	/* mname and rname, then the serial. */
	for (i = 0; i < 2; i++) {
		used = dns_read_name(msg->wire, msg->len, pos, name, sizeof(name));
		if (used < 0)
			return 0;
		pos += (size_t)used;
	}
	if (pos + 4 > rr->rdata_offset + rr->rdlength)
		return 0;
	return (uint32_t)msg->wire[pos] << 24 | (uint32_t)msg->wire[pos + 1] << 16 |
	       (uint32_t)msg->wire[pos + 2] << 8 | msg->wire[pos + 3];
}

/* One SOA seen: true when it ends the transfer. */
static bool xfr_soa(struct xfr_state *st, uint32_t serial)
{
	if (!st->first_soa) {
		st->first_soa = true;
		st->first_serial = serial;
		/* Serial arithmetic (RFC 1982): the client is up to date. */
		return st->ixfr && (int32_t)(st->client_serial - serial) >= 0;
	}
	if (!st->ixfr || st->axfr_style)
		return true;
	if (!st->second_rr) {
		st->second_rr = true;
		return serial == st->first_serial; /* an empty zone */
	}
	if (serial != st->first_serial)
		return false;
	if (!st->first_repeat) {
		st->first_repeat = true;
		return false;
	}
	return true;
}

/* Counts one message's answer records; true when the transfer is over. */
static bool xfr_account(struct xfr_state *st, const struct dns_msg *msg, size_t len)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, DNS_SECTION_ANSWER, &count);

	st->messages++;
	st->bytes += len;
	if (count == 0) {
		st->failed = true;
		return true;
	}
	for (i = 0; i < count; i++) {
		st->records++;
		if (!st->first_soa && rrs[i].type != DNS_TYPE_SOA) {
			st->failed = true;
			return true;
		}
		if (st->first_soa && !st->second_rr && rrs[i].type != DNS_TYPE_SOA) {
			st->second_rr = true;
			st->axfr_style = true;
			continue;
		}
		if (rrs[i].type == DNS_TYPE_SOA && xfr_soa(st, soa_serial(msg, &rrs[i])))
			return true;
	}
	return false;
}

/* Reads and prints messages until the transfer ends.  A dig exit code. */
static int xfr_read(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		    const char *qname, int fd, struct dig_reply *reply, int64_t start_ns)
{
	struct xfr_state st = { lk->qtype == DNS_TYPE_IXFR, false, lk->ixfr_serial, false, false, false, false,
				0, 0, 0, 0 };

	for (;;) {
		uint8_t *wire;
		size_t len;
		int rc = dns_tcp_read_message(fd, lk->opts.timeout_s * 1000, &wire, &len);
		bool done;

		if (rc < 0) {
			reply->status = rc == -ENODATA ? -EPIPE : rc;
			dig_report_comm_error(run, qname, reply, servers);
			return DIG_EXIT_NO_REPLY;
		}
		reply->wire = wire;
		reply->len = len;
		reply->status = 0;
		reply->rtt_ms = ns_to_ms(mono_ns() - start_ns);
		reply->parse_rc = dns_parse(wire, len, &reply->msg);
		dig_check_cookie(run, lk, true, reply);
		done = reply->parse_rc != 0 || xfr_account(&st, &reply->msg, len);
		reply->xfr = true;
		reply->xfr_more = !done || st.failed;
		reply->xfr_records = st.records;
		reply->xfr_messages = st.messages;
		reply->xfr_bytes = st.bytes;
		dig_print_reply(run, lk, servers, reply);
		if (st.failed && !out_is_json(run->ctx->out))
			printf("; Transfer failed.%s\n", st.first_soa || st.records == 0 ? "" :
							 "  Didn't start with SOA answer.");
		dig_reply_free(reply);
		memset(&reply->msg, 0, sizeof(reply->msg));
		if (done)
			return DIG_EXIT_OK;
	}
}

int dig_xfr(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers, const char *qname)
{
	unsigned char query[DNS_MAX_WIRE_NAME + 128 + DNS_COOKIE_MAX];
	int len = dig_build_query(run, lk, qname, query, sizeof(query));
	bool said = false;
	size_t s;

	if (len < 0)
		return dig_name_error(qname);
	for (s = 0; s < servers->count * (size_t)lk->opts.tries; s++) {
		struct dig_reply reply;
		int64_t start_ns = mono_ns();
		size_t server = s / (size_t)lk->opts.tries;
		int fd = -1, rc;

		memset(&reply, 0, sizeof(reply));
		reply.tcp = true;
		reply.server = servers->addrs[server];
		rc = dns_tcp_send_query(&servers->addrs[server], query, (size_t)len, lk->opts.timeout_s * 1000, &fd);
		if (rc < 0) {
			/* Each server tried as often as a query's connect. */
			reply.status = rc;
			reply.setup_failed = true;
			dig_report_comm_error(run, qname, &reply, servers);
			said = dig_setup_failure_ends_try(run, (s + 1) % (size_t)lk->opts.tries != 0,
							  server + 1 == servers->count);
			continue;
		}
		rc = xfr_read(run, lk, servers, qname, fd, &reply, start_ns);
		close(fd);
		return rc;
	}
	dig_print_no_reply(run, lk, servers, said);
	return DIG_EXIT_NO_REPLY;
}
