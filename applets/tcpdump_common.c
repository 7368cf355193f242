/* What tcpdump's JSON, DNS and flow writers share: addresses as text,
 * times in seconds, a frame's interface and direction. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "tcpdump_impl.h"

const char *tcpdump_addr_text(int family, const uint8_t *addr, char *buf, size_t size)
{
	if (!inet_ntop(family, addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

double tcpdump_time_s(const struct timeval *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_usec / 1e6;
}

/* Linux cooked v2 names the interface by index (named where sonde runs, as
 * tcpdump does); a live capture on one interface is that interface. */
const char *tcpdump_frame_ifname(const struct tcpdump_run *run, const struct pkt_frame *f, char *buf)
{
	if (f->has_ifindex)
		return if_indextoname(f->ifindex, buf);
	if (run->live_device[0] && strcmp(run->live_device, "any") != 0)
		return run->live_device;
	return NULL;
}

const char *tcpdump_direction_name(enum pkt_direction direction)
{
	switch (direction) {
	case PKT_DIR_IN:
		return "in";
	case PKT_DIR_OUT:
		return "out";
	default:
		return NULL;
	}
}

#define DNS_PORT 53
#define DNS_HEADER_LEN 12

static int dns_from_wire(const uint8_t *wire, size_t len, struct tcpdump_dns_msg *m)
{
	struct dns_msg msg;
	const struct dns_rr *q;
	size_t questions;
	int rc;

	if (len < DNS_HEADER_LEN)
		return -1;
	rc = dns_parse(wire, len, &msg);
	if (rc == -ENOMEM)
		return -1;
	m->id = msg.id;
	m->response = (msg.flags & DNS_FLAG_QR) != 0;
	m->rcode = msg.rcode;
	m->answers = msg.counts[DNS_SECTION_ANSWER];
	q = dns_section_rrs(&msg, DNS_SECTION_QUESTION, &questions);
	m->has_question = questions > 0 && dns_read_name(wire, len, q->name_offset, m->name, sizeof(m->name)) >= 0;
	if (m->has_question)
		m->qtype = q->type;
	dns_msg_free(&msg);
	return 1;
}

int tcpdump_dns_decode(const struct pkt_frame *f, struct tcpdump_dns_msg *m)
{
	uint16_t sport = f->transport.sport, dport = f->transport.dport;

	memset(m, 0, sizeof(*m));
	if (f->depth < PKT_FRAME_TRANSPORT || (sport != DNS_PORT && dport != DNS_PORT))
		return 0;
	if (f->ip.proto == PKT_PROTO_UDP)
		return f->payload_len == f->payload_wire_len ? dns_from_wire(f->payload, f->payload_len, m) : -1;
	if (f->ip.proto != PKT_PROTO_TCP || f->payload_wire_len == 0)
		return 0;
	m->tcp = true;
	/* The two-byte length, then the whole message in this segment. */
	if (f->payload_len != f->payload_wire_len || f->payload_len < 2 ||
	    ((size_t)f->payload[0] << 8 | f->payload[1]) != f->payload_len - 2)
		return -1;
	return dns_from_wire(f->payload + 2, f->payload_len - 2, m);
}
