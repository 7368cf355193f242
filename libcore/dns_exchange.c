/* One try of a query over UDP or TCP, with bind's dighost checks of what
 * comes back (dig, host and nslookup alike): over UDP a datagram with the
 * wrong id, too short, of another opcode or answering another question is
 * reported and the wait goes on; a reply without a question, or one that
 * does not parse, is taken (and printed as the tool prints it).  Over TCP
 * the first message is the answer or the failure.  Sockets of its own
 * (dns_tcp.c), not c-ares: c-ares drops what dig shows and cuts UDP
 * replies at 4096 bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sonde/addr.h"
#include "sonde/clock.h"
#include "sonde/dns.h"

#define UDP_REPLY_MAX 65535

/* dighost's warnings, with ";; ", on notes (NULL: not reported). */
static void warn(FILE *notes, const char *fmt, const char *a, unsigned x, unsigned y)
{
	FILE *fp = notes;

	if (!fp)
		return;
	fputs(";; ", fp);
	fprintf(fp, fmt, a, x, y);
	fputc('\n', fp);
}

enum verdict { TAKE, WAIT_ON, FAIL };

/* Whether each question matches the one asked (dig compares them all). */
static bool questions_match(const struct dns_msg *msg, const uint8_t *query, size_t query_len, char *got,
			    size_t got_size)
{
	char asked[DNS_NAME_TEXT], name[DNS_NAME_TEXT];
	size_t count, i;
	const struct dns_rr *q = dns_section_rrs(msg, DNS_SECTION_QUESTION, &count);
	int used = dns_read_name(query, query_len, DNS_HEADER_LEN, asked, sizeof(asked));
	uint16_t qtype, qclass;

	if (used < 0)
		return false;
	qtype = (uint16_t)(query[DNS_HEADER_LEN + used] << 8 | query[DNS_HEADER_LEN + used + 1]);
	qclass = (uint16_t)(query[DNS_HEADER_LEN + used + 2] << 8 | query[DNS_HEADER_LEN + used + 3]);
	for (i = 0; i < count; i++) {
		char tbuf[16], cbuf[16];

		if (dns_read_name(msg->wire, msg->len, q[i].name_offset, name, sizeof(name)) < 0)
			return false;
		if (q[i].type == qtype && q[i].rclass == qclass && strcasecmp(name, asked) == 0)
			continue;
		/* bind's dns_name_format(): no final dot but for the root. */
		if (strcmp(name, ".") != 0 && name[0])
			name[strlen(name) - 1] = '\0';
		snprintf(got, got_size, "%s/%s/%s", name, dns_type_name(q[i].type, tbuf, sizeof(tbuf)),
			 dns_class_name(q[i].rclass, cbuf, sizeof(cbuf)));
		return false;
	}
	return true;
}

/* dig's recv_done() checks, in its order. */
static enum verdict judge(FILE *notes, bool tcp, const uint8_t *query, size_t query_len,
			  const uint8_t *wire, size_t len)
{
	unsigned sent_id = (unsigned)(query[0] << 8 | query[1]), id;
	struct dns_msg msg;
	char got[DNS_NAME_TEXT + 40];
	enum verdict v = TAKE;

	if (len < DNS_HEADER_LEN) {
		warn(notes, tcp ? "ERROR: short (< header size) message%s" :
					"Warning: short (< header size) message received%s", "", 0, 0);
		return tcp ? FAIL : WAIT_ON;
	}
	id = (unsigned)(wire[0] << 8 | wire[1]);
	if (id != sent_id) {
		warn(notes, tcp ? "%sERROR: ID mismatch: expected ID %u, got %u" :
					"%sWarning: ID mismatch: expected ID %u, got %u", "", sent_id, id);
		return tcp ? FAIL : WAIT_ON;
	}
	if (!(wire[2] & 0x80))
		warn(notes, "%sWarning: query response not set", "", 0, 0);
	if (dns_parse(wire, len, &msg) != 0) {
		dns_msg_free(&msg);
		return TAKE; /* "Got bad packet", printed with the reply */
	}
	/* bind's best-effort parse kept going: a question asked twice, a
	 * record of another class, a message cut short. */
	if (msg.recovered)
		warn(notes, "Warning: Message parser reports malformed message packet.%s", "", 0, 0);
	if (msg.opcode != 0) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%u", msg.opcode);
		warn(notes, "Warning: Opcode mismatch: expected QUERY, got %s%.0u%.0u",
		     msg.opcode == 4 ? "NOTIFY" : msg.opcode == 5 ? "UPDATE" : msg.opcode == 2 ? "STATUS" :
		     msg.opcode == 1 ? "IQUERY" : buf, 0, 0);
		v = WAIT_ON;
	} else if (msg.counts[DNS_SECTION_QUESTION] && !questions_match(&msg, query, query_len, got, sizeof(got))) {
		warn(notes, ";; Question section mismatch: got %s%.0u%.0u", got, 0, 0);
		v = tcp ? FAIL : WAIT_ON;
	}
	dns_msg_free(&msg);
	return v;
}

static int exchange_udp(FILE *notes, const uint8_t *query, size_t len, const struct sonde_addr *server,
			int timeout_ms, struct dns_exchange *reply)
{
	int64_t start_ns = mono_ns(), deadline_ms = deadline_after_ms(timeout_ms);
	uint8_t *buf = malloc(UDP_REPLY_MAX);
	int fd = -1, rc;

	if (!buf)
		return -ENOMEM;
	rc = dns_udp_send_query(server, query, len, &fd);
	reply->setup_ms = ns_to_ms(mono_ns() - start_ns);
	reply->setup_failed = rc < 0; /* bind's "UDP setup ... failed" (no route, say) */
	while (rc == 0) {
		size_t got = 0;

		rc = dns_udp_read_datagram(fd, deadline_ms, buf, UDP_REPLY_MAX, &got);
		if (rc < 0)
			break;
		if (judge(notes, false, query, len, buf, got) == TAKE) {
			reply->wire = realloc(buf, got ? got : 1);
			reply->len = got;
			buf = NULL;
			break;
		}
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int exchange_tcp(FILE *notes, const uint8_t *query, size_t len, const struct sonde_addr *server,
			int timeout_ms, struct dns_exchange *reply)
{
	int64_t start_ns = mono_ns();
	uint8_t *wire = NULL;
	size_t got = 0;
	int fd = -1, rc = dns_tcp_send_query(server, query, len, timeout_ms, &fd);

	reply->setup_ms = ns_to_ms(mono_ns() - start_ns);
	if (rc < 0) {
		reply->setup_failed = true;
		return rc;
	}
	rc = dns_tcp_read_message(fd, timeout_ms, &wire, &got);
	close(fd);
	if (rc == -ENODATA)
		rc = -EPIPE; /* closed before a reply: dig's "end of file" */
	if (rc < 0)
		return rc;
	if (judge(notes, true, query, len, wire, got) != TAKE) {
		free(wire);
		return -EPROTO;
	}
	reply->wire = wire;
	reply->len = got;
	return 0;
}

int dns_exchange(FILE *notes, const uint8_t *query, size_t len, const struct sonde_addr *server, bool tcp,
		 int timeout_ms, struct dns_exchange *reply)
{
	int64_t start_ns = mono_ns();
	int rc;

	reply->wire = NULL;
	reply->len = 0;
	reply->tcp = tcp;
	reply->setup_failed = false;
	reply->server = *server;
	rc = tcp ? exchange_tcp(notes, query, len, server, timeout_ms, reply)
		 : exchange_udp(notes, query, len, server, timeout_ms, reply);
	reply->rtt_ms = ns_to_ms(mono_ns() - start_ns);
	reply->status = rc;
	return rc;
}

const char *dns_comm_error_text(int status)
{
	switch (-status) {
	case ETIMEDOUT: return "timed out";
	case ECONNREFUSED: return "connection refused";
	case EPIPE: return "end of file";
	case ECONNRESET: return "connection reset";
	case ENETUNREACH: return "network unreachable";
	case EHOSTUNREACH: return "host unreachable";
	case EADDRNOTAVAIL: return "address not available";
	default: return strerror(-status);
	}
}
