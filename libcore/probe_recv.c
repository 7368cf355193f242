/* The probe engine's receive side: every message read from a socket (or its
 * error queue) is parsed with the bounds-checked packet parsers, turned into
 * the flow key of the probe it answers, and handed to probe_deliver(). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/errqueue.h>
#include <sys/uio.h>

#include "probe_impl.h"
#include "sonde/clock.h"
#include "sonde/pkt.h"

/* Messages read from one socket per wakeup: enough for a burst, bounded so
 * one busy socket cannot starve the timers. */
#define DRAIN_BATCH 64

struct rx_msg {
	const uint8_t *buf;
	size_t len;
	struct sonde_addr from;       /* msg_name: the sender, or (error queue) the original destination */
	int64_t rx_real_ns;           /* kernel receive timestamp, 0 when absent */
	int ttl;                      /* of the received packet; -1 unknown */
	bool has_ee;
	struct sock_extended_err ee;
	struct sonde_addr offender;   /* who sent the ICMP error (family 0 when unknown) */
};

static void read_ee(struct rx_msg *m, const struct cmsghdr *cmsg)
{
	size_t have = cmsg->cmsg_len - CMSG_LEN(0);
	const struct sock_extended_err *ee = (const struct sock_extended_err *)CMSG_DATA(cmsg);
	const struct sockaddr *offender;
	size_t offender_room;

	if (have < sizeof(*ee))
		return;
	memcpy(&m->ee, ee, sizeof(m->ee));
	m->has_ee = true;
	offender = SO_EE_OFFENDER(ee);
	offender_room = have - sizeof(*ee);
	if (offender->sa_family == AF_INET && offender_room >= sizeof(struct sockaddr_in)) {
		memcpy(&m->offender.u.in4, offender, sizeof(struct sockaddr_in));
		m->offender.len = sizeof(struct sockaddr_in);
	} else if (offender->sa_family == AF_INET6 && offender_room >= sizeof(struct sockaddr_in6)) {
		memcpy(&m->offender.u.in6, offender, sizeof(struct sockaddr_in6));
		m->offender.len = sizeof(struct sockaddr_in6);
	}
}

static void read_cmsgs(struct msghdr *mh, struct rx_msg *m)
{
	struct cmsghdr *cmsg;

	for (cmsg = CMSG_FIRSTHDR(mh); cmsg; cmsg = CMSG_NXTHDR(mh, cmsg)) {
		size_t have = cmsg->cmsg_len - CMSG_LEN(0);

		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_TIMESTAMPNS &&
		    have >= sizeof(struct timespec)) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(cmsg), sizeof(ts));
			m->rx_real_ns = timespec_to_ns(&ts);
		} else if (((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL) ||
			    (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT)) &&
			   have >= sizeof(int)) {
			memcpy(&m->ttl, CMSG_DATA(cmsg), sizeof(int));
		} else if ((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_RECVERR) ||
			   (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_RECVERR)) {
			read_ee(m, cmsg);
		}
	}
}

static int read_one(int fd, bool errqueue, uint8_t *buf, size_t size, struct rx_msg *m)
{
	char control[512];
	struct iovec iov = { buf, size };
	struct msghdr mh = { 0 };
	ssize_t n;

	memset(m, 0, sizeof(*m));
	m->ttl = -1;
	mh.msg_name = &m->from.u.ss;
	mh.msg_namelen = sizeof(m->from.u.ss);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control;
	mh.msg_controllen = sizeof(control);
	n = recvmsg(fd, &mh, MSG_DONTWAIT | (errqueue ? MSG_ERRQUEUE : 0));
	if (n < 0)
		return -errno;
	m->buf = buf;
	m->len = (size_t)n < size ? (size_t)n : size;
	m->from.len = mh.msg_namelen;
	read_cmsgs(&mh, m);
	return 0;
}

static void addr_from_bytes(struct sonde_addr *addr, int family, const uint8_t *bytes)
{
	memset(addr, 0, sizeof(*addr));
	if (family == AF_INET6) {
		addr->u.in6.sin6_family = AF_INET6;
		memcpy(&addr->u.in6.sin6_addr, bytes, 16);
		addr->len = sizeof(addr->u.in6);
	} else {
		addr->u.in4.sin_family = AF_INET;
		memcpy(&addr->u.in4.sin_addr, bytes, 4);
		addr->len = sizeof(addr->u.in4);
	}
}

static void key_bytes(struct probe_key *key, int family, const uint8_t *remote, uint8_t proto)
{
	memset(key, 0, sizeof(*key));
	key->family = (uint8_t)family;
	key->proto = proto;
	memcpy(key->remote, remote, family == AF_INET6 ? 16 : 4);
}

static bool is_echo_reply(int family, uint8_t type)
{
	return type == (family == AF_INET6 ? PKT_ICMP6_ECHO_REPLY : PKT_ICMP_ECHO_REPLY);
}

/* The probe an ICMP error is about, from the datagram it quotes. */
static bool quoted_key(const struct probe_engine *e, const struct pkt_icmp *msg, struct probe_key *key)
{
	const struct pkt_transport *t = &msg->quoted;

	key_bytes(key, e->cfg.family, msg->quoted_ip.dst, t->proto);
	switch (t->proto) {
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMPV6:
		if (e->cfg.method != PROBE_ICMP_ECHO || e->kind != PROBE_SOCK_RAW)
			return false;
		key->local_port = t->icmp_id;
		key->token = t->icmp_seq;
		return true;
	case PKT_PROTO_UDP:
		key->remote_port = t->dport;
		key->local_port = t->sport;
		key->token = e->cfg.paris ? t->udp_checksum : 0;
		return true;
	case PKT_PROTO_TCP:
		key->remote_port = t->dport;
		key->local_port = t->sport;
		key->token = t->tcp_seq;
		return true;
	}
	return false;
}

/* What a raw socket read carries after the IP header: IPv4 raw sockets
 * deliver the header (the sender and TTL come from it), IPv6 ones do not
 * (msg_name and the hop-limit message have them). */
static bool raw_payload(const struct probe_engine *e, const struct rx_msg *m, uint8_t proto, const uint8_t **data,
			size_t *len, struct probe_result *result)
{
	struct pkt_ip ip;

	result->from = m->from;
	*data = m->buf;
	*len = m->len;
	if (e->cfg.family != AF_INET)
		return true;
	if (pkt_parse_ipv4(m->buf, m->len, false, &ip) < 0 || ip.proto != proto)
		return false;
	*data = ip.payload;
	*len = ip.payload_len;
	result->ttl = ip.ttl;
	addr_from_bytes(&result->from, AF_INET, ip.src);
	return true;
}

/* A raw ICMP socket: IPv4 delivers the IP header, IPv6 does not. */
static void handle_raw_icmp(struct probe_engine *e, const struct rx_msg *m)
{
	struct probe_result result = { .ttl = m->ttl };
	const uint8_t *icmp = m->buf;
	size_t icmp_len = m->len;
	struct probe_key key;
	struct pkt_icmp msg;

	if (!raw_payload(e, m, PKT_PROTO_ICMP, &icmp, &icmp_len, &result))
		return;
	if (pkt_parse_icmp(e->cfg.family, icmp, icmp_len, &msg) < 0)
		return;
	result.reply_len = icmp_len;
	if (!msg.is_error) {
		if (e->cfg.method != PROBE_ICMP_ECHO || !is_echo_reply(e->cfg.family, msg.type) ||
		    msg.id != e->local_id)
			return;
		memset(&key, 0, sizeof(key));
		probe_key_addr(&key, &result.from);
		key.proto = (uint8_t)(e->cfg.family == AF_INET6 ? PKT_PROTO_ICMPV6 : PKT_PROTO_ICMP);
		key.local_port = msg.id;
		key.token = msg.seq;
		result.outcome = PROBE_REPLY;
		result.data = msg.data;
		result.data_len = msg.data_len;
	} else {
		if (!quoted_key(e, &msg, &key))
			return;
		result.outcome = PROBE_ICMP_ERROR;
		result.icmp_type = msg.type;
		result.icmp_code = msg.code;
		result.mtu = msg.mtu;
	}
	probe_deliver(e, &key, &result, m->rx_real_ns);
}

/* The answer a segment is to our probe, and the token it carries back: a
 * SYN is answered by SYN-ACK or RST acknowledging our sequence + 1; a bare
 * ACK by a RST whose sequence is our acknowledgment number. */
static bool tcp_answer(const struct probe_engine *e, const struct pkt_transport *t, struct probe_result *result,
		       uint32_t *token)
{
	if (e->cfg.method == PROBE_TCP_ACK) {
		if (!(t->tcp_flags & PKT_TCP_RST))
			return false;
		result->outcome = PROBE_REFUSED;
		*token = t->tcp_seq;
		return true;
	}
	if (!t->tcp_full || !(t->tcp_flags & PKT_TCP_ACK))
		return false;
	if ((t->tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == (PKT_TCP_SYN | PKT_TCP_ACK))
		result->outcome = PROBE_REPLY;
	else if (t->tcp_flags & PKT_TCP_RST)
		result->outcome = PROBE_REFUSED;
	else
		return false;
	*token = t->tcp_ack - 1;
	return true;
}

/* A raw TCP socket sees the segments to our source port (the engine's
 * socket filter drops the rest): SYN-ACK and RST answer our probes. */
static void handle_raw_tcp(struct probe_engine *e, const struct rx_msg *m)
{
	struct probe_result result = { .ttl = m->ttl };
	const uint8_t *seg = m->buf;
	size_t seg_len = m->len;
	struct pkt_transport t;
	struct probe_key key;
	uint32_t token;

	if (!raw_payload(e, m, PKT_PROTO_TCP, &seg, &seg_len, &result))
		return;
	if (pkt_parse_transport(PKT_PROTO_TCP, seg, seg_len, &t) < 0 || !tcp_answer(e, &t, &result, &token))
		return;
	memset(&key, 0, sizeof(key));
	probe_key_addr(&key, &result.from);
	key.proto = PKT_PROTO_TCP;
	key.remote_port = t.sport;
	key.local_port = t.dport;
	key.token = token;
	result.reply_len = seg_len;
	probe_deliver(e, &key, &result, m->rx_real_ns);
}

/* An ICMP datagram socket: the kernel has matched our id already. */
static void handle_dgram_echo(struct probe_engine *e, const struct rx_msg *m)
{
	struct probe_result result = { .ttl = m->ttl, .outcome = PROBE_REPLY };
	struct probe_key key;
	struct pkt_icmp msg;

	if (pkt_parse_icmp(e->cfg.family, m->buf, m->len, &msg) < 0 || msg.is_error ||
	    !is_echo_reply(e->cfg.family, msg.type))
		return;
	result.from = m->from;
	result.reply_len = m->len;
	result.data = msg.data;
	result.data_len = msg.data_len;
	memset(&key, 0, sizeof(key));
	probe_key_addr(&key, &m->from);
	key.proto = (uint8_t)(e->cfg.family == AF_INET6 ? PKT_PROTO_ICMPV6 : PKT_PROTO_ICMP);
	key.token = msg.seq;
	probe_deliver(e, &key, &result, m->rx_real_ns);
}

/* Data on the UDP socket: the target itself answered a probe. */
static void handle_udp_data(struct probe_engine *e, const struct rx_msg *m)
{
	struct probe_result result = { .ttl = m->ttl, .outcome = PROBE_REPLY };
	struct probe_key key;

	if (addr_family(&m->from) != e->cfg.family)
		return;
	result.from = m->from;
	result.reply_len = m->len;
	memset(&key, 0, sizeof(key));
	probe_key_addr(&key, &m->from);
	key.proto = PKT_PROTO_UDP;
	key.remote_port = addr_port(&m->from);
	key.local_port = e->local_id;
	probe_deliver(e, &key, &result, m->rx_real_ns);
}

/* The error queue (IP_RECVERR): msg_name is the probe's destination, the data
 * is what we sent after the transport header (for ICMP, the echo itself). */
static void handle_error_queue(struct probe_engine *e, const struct rx_msg *m)
{
	struct probe_result result = { .ttl = m->ttl };
	struct probe_key key;

	if (!m->has_ee || addr_family(&m->from) != e->cfg.family)
		return;
	result.from = m->offender.len ? m->offender : m->from;
	if (m->ee.ee_origin == SO_EE_ORIGIN_ICMP || m->ee.ee_origin == SO_EE_ORIGIN_ICMP6) {
		result.outcome = PROBE_ICMP_ERROR;
		result.icmp_type = m->ee.ee_type;
		result.icmp_code = m->ee.ee_code;
		result.mtu = m->ee.ee_info;
	} else if (m->ee.ee_origin == SO_EE_ORIGIN_LOCAL) {
		result.outcome = PROBE_LOCAL_ERROR;
		result.error = -(int)m->ee.ee_errno;
		result.mtu = m->ee.ee_info;
	} else {
		return;
	}
	memset(&key, 0, sizeof(key));
	probe_key_addr(&key, &m->from);
	if (e->cfg.method == PROBE_ICMP_ECHO) {
		if (m->len < PKT_ICMP_HDR_LEN)
			return;
		key.proto = (uint8_t)(e->cfg.family == AF_INET6 ? PKT_PROTO_ICMPV6 : PKT_PROTO_ICMP);
		key.token = (uint32_t)(m->buf[6] << 8 | m->buf[7]);
	} else if (e->cfg.method == PROBE_UDP) {
		key.proto = PKT_PROTO_UDP;
		key.remote_port = addr_port(&m->from);
		key.local_port = e->local_id;
	} else {
		return;
	}
	probe_deliver(e, &key, &result, m->rx_real_ns);
}

static void dispatch(struct probe_engine *e, int fd, const struct rx_msg *m)
{
	if (fd == e->icmp_fd) {
		handle_raw_icmp(e, m);
		return;
	}
	switch (e->cfg.method) {
	case PROBE_ICMP_ECHO:
		if (e->kind == PROBE_SOCK_RAW)
			handle_raw_icmp(e, m);
		else
			handle_dgram_echo(e, m);
		break;
	case PROBE_UDP:
		handle_udp_data(e, m);
		break;
	case PROBE_TCP_SYN:
	case PROBE_TCP_ACK:
		handle_raw_tcp(e, m);
		break;
	case PROBE_TCP_CONNECT:
		break;
	}
}

static bool has_error_queue(const struct probe_engine *e, int fd)
{
	return fd == e->send_fd && (e->kind == PROBE_SOCK_UDP_RECVERR || e->kind == PROBE_SOCK_ICMP_DGRAM);
}

void probe_io_drain(struct probe_engine *e, int fd)
{
	uint8_t *buf = e->rx_buf;
	struct rx_msg m;
	int i, rc;

	for (i = 0; i < DRAIN_BATCH && !e->interrupted; i++) {
		rc = read_one(fd, false, buf, PROBE_MAX_PACKET, &m);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			break;
		/* A pending socket error is returned (and cleared) by a read;
		 * its details are on the error queue, read next. */
		if (rc < 0)
			continue;
		dispatch(e, fd, &m);
	}
	if (!has_error_queue(e, fd))
		return;
	for (i = 0; i < DRAIN_BATCH && !e->interrupted; i++) {
		if (read_one(fd, true, buf, PROBE_MAX_PACKET, &m) < 0)
			break;
		handle_error_queue(e, &m);
	}
}
