/* The probe engine's sockets: opening them by privilege, sending each kind
 * of probe, and reading replies, ICMP errors and error-queue reports back
 * into flow keys for probe_common.c to match. */
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/tcp.h>
#include <netinet/icmp6.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/errqueue.h>
#include <time.h>
#include <unistd.h>

#include "probe_impl.h"
#include "sonde/clock.h"
#include "sonde/pkt.h"
#include "sonde/sock.h"


static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

static bool is_v6(const struct probe_engine *e)
{
	return e->cfg.family == AF_INET6;
}

static int icmp_proto(const struct probe_engine *e)
{
	return is_v6(e) ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* Only echo replies and errors reach a raw ICMP socket: not our own echo
 * requests on loopback, nor router advertisements. */
static void raw_icmp_filter(const struct probe_engine *e, int fd)
{
	if (is_v6(e)) {
		struct icmp6_filter filter;

		ICMP6_FILTER_SETBLOCKALL(&filter);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
		ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filter);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
	} else {
		struct icmp_filter filter = { ~(uint32_t)((1u << PKT_ICMP_ECHO_REPLY) | (1u << PKT_ICMP_UNREACH) |
							  (1u << PKT_ICMP_SOURCE_QUENCH) | (1u << PKT_ICMP_TIME_EXCEEDED) |
							  (1u << PKT_ICMP_PARAM_PROBLEM)) };

		setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter));
	}
}

/* Options every receiving socket gets: kernel timestamps, the reply's TTL,
 * and (for non-raw sockets) ICMP errors on the error queue. */
static int setup_receiver(const struct probe_engine *e, int fd, bool recverr)
{
	int rc = set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);

	if (rc < 0)
		return rc;
	if (is_v6(e)) {
		set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
		if (recverr)
			rc = set_int(fd, IPPROTO_IPV6, IPV6_RECVERR, 1);
	} else {
		set_int(fd, IPPROTO_IP, IP_RECVTTL, 1);
		if (recverr)
			rc = set_int(fd, IPPROTO_IP, IP_RECVERR, 1);
	}
	return rc;
}

/* Source address, device, PMTU discovery and TOS of a sending socket. */
static int setup_sender(const struct probe_engine *e, int fd, bool bind_source)
{
	const struct probe_config *cfg = &e->cfg;

	if (cfg->device && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->device, strlen(cfg->device) + 1) < 0)
		return -errno;
	if (bind_source && cfg->source) {
		struct sonde_addr src = *cfg->source;

		addr_set_port(&src, 0);
		if (bind(fd, &src.u.sa, src.len) < 0)
			return -errno;
	}
	if (cfg->pmtu_disc >= 0)
		set_int(fd, is_v6(e) ? IPPROTO_IPV6 : IPPROTO_IP, is_v6(e) ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER,
			cfg->pmtu_disc);
	if (cfg->tos)
		set_int(fd, is_v6(e) ? IPPROTO_IPV6 : IPPROTO_IP, is_v6(e) ? IPV6_TCLASS : IP_TOS, cfg->tos);
	return 0;
}

static bool no_privilege(int rc)
{
	return rc == -EPERM || rc == -EACCES;
}

static int open_raw_icmp(struct probe_engine *e, int *fd_out)
{
	int fd = sock_open(e->cfg.family, SOCK_RAW, icmp_proto(e));
	int rc;

	if (fd < 0)
		return fd;
	raw_icmp_filter(e, fd);
	rc = setup_receiver(e, fd, false);
	if (rc == 0)
		rc = setup_sender(e, fd, true);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

/* A bound socket's local port (for an ICMP datagram socket, the echo id). */
static uint16_t bound_port(int fd)
{
	struct sonde_addr local;

	return sock_local_addr(fd, &local) == 0 ? addr_port(&local) : 0;
}

/* A datagram socket (UDP, or ICMP under ping_group_range), bound so its
 * port (the ICMP id) is known before the first send. */
static int open_dgram(struct probe_engine *e, int protocol, bool recverr, int *fd_out)
{
	struct sonde_addr any;
	int fd = sock_open(e->cfg.family, SOCK_DGRAM, protocol);
	int rc;

	if (fd < 0)
		return fd;
	rc = setup_receiver(e, fd, recverr);
	if (rc == 0)
		rc = setup_sender(e, fd, true);
	if (rc == 0 && !e->cfg.source) {
		addr_parse_ip(is_v6(e) ? "::" : "0.0.0.0", 0, e->cfg.family, &any);
		if (bind(fd, &any.u.sa, any.len) < 0)
			rc = -errno;
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	e->local_id = bound_port(fd);
	*fd_out = fd;
	return 0;
}

static int open_echo(struct probe_engine *e)
{
	int rc = -EPERM;

	if (e->cfg.kind == PROBE_SOCK_AUTO || e->cfg.kind == PROBE_SOCK_RAW) {
		rc = open_raw_icmp(e, &e->send_fd);
		if (rc == 0) {
			e->kind = PROBE_SOCK_RAW;
			e->local_id = e->cfg.icmp_id ? e->cfg.icmp_id : (uint16_t)getpid();
			return 0;
		}
		if (!no_privilege(rc) || e->cfg.kind == PROBE_SOCK_RAW)
			return rc;
	}
	if (e->cfg.kind == PROBE_SOCK_AUTO || e->cfg.kind == PROBE_SOCK_ICMP_DGRAM) {
		rc = open_dgram(e, icmp_proto(e), true, &e->send_fd);
		if (rc == 0)
			e->kind = PROBE_SOCK_ICMP_DGRAM;
	}
	return no_privilege(rc) ? -EPERM : rc;
}

/* Paris UDP with privilege: datagrams built here, checksum and all, go out
 * a raw UDP socket (a kernel UDP socket may leave the checksum to the NIC,
 * and routers would quote a half-done one).  A bound UDP socket keeps the
 * source port ours. */
static int open_paris_udp(struct probe_engine *e)
{
	int rc = open_dgram(e, IPPROTO_UDP, false, &e->port_fd);

	if (rc < 0)
		return rc;
	e->send_fd = sock_open(e->cfg.family, SOCK_RAW, IPPROTO_UDP);
	if (e->send_fd < 0)
		return e->send_fd;
	if (is_v6(e))
		set_int(e->send_fd, IPPROTO_IPV6, IPV6_CHECKSUM, 6);
	return setup_sender(e, e->send_fd, true);
}

static int open_udp(struct probe_engine *e)
{
	int rc;

	if (e->cfg.kind == PROBE_SOCK_AUTO || e->cfg.kind == PROBE_SOCK_RAW) {
		rc = open_raw_icmp(e, &e->icmp_fd);
		if (rc == 0) {
			e->kind = PROBE_SOCK_RAW;
			if (e->cfg.paris)
				return open_paris_udp(e);
			/* The raw socket sees the errors; an error queue here would
			 * only make later sends fail with earlier probes' errors. */
			return open_dgram(e, IPPROTO_UDP, false, &e->send_fd);
		}
		if (!no_privilege(rc) || e->cfg.kind == PROBE_SOCK_RAW)
			return rc;
	}
	e->kind = PROBE_SOCK_UDP_RECVERR;
	return open_dgram(e, IPPROTO_UDP, true, &e->send_fd);
}

/* A TCP socket bound to a port and never connected: the kernel then keeps
 * that port for us and answers stray SYN-ACKs to it with a RST. */
static int reserve_tcp_port(struct probe_engine *e)
{
	struct sonde_addr any;

	e->port_fd = sock_open(e->cfg.family, SOCK_STREAM, 0);
	if (e->port_fd < 0)
		return e->port_fd;
	if (e->cfg.source)
		any = *e->cfg.source;
	else
		addr_parse_ip(is_v6(e) ? "::" : "0.0.0.0", 0, e->cfg.family, &any);
	addr_set_port(&any, 0);
	if (bind(e->port_fd, &any.u.sa, any.len) < 0)
		return -errno;
	e->local_id = bound_port(e->port_fd);
	return 0;
}

/* SYN and ACK probes: a raw TCP socket to send and read replies, a raw
 * ICMP one for errors, both filtered to our source port. */
static int open_raw_tcp(struct probe_engine *e)
{
	int rc;

	if (e->cfg.kind != PROBE_SOCK_AUTO && e->cfg.kind != PROBE_SOCK_RAW)
		return -EINVAL;
	e->send_fd = sock_open(e->cfg.family, SOCK_RAW, IPPROTO_TCP);
	if (e->send_fd < 0)
		return no_privilege(e->send_fd) ? -EPERM : e->send_fd;
	e->kind = PROBE_SOCK_RAW;
	if (is_v6(e))
		set_int(e->send_fd, IPPROTO_IPV6, IPV6_CHECKSUM, 16);
	rc = setup_receiver(e, e->send_fd, false);
	if (rc == 0)
		rc = setup_sender(e, e->send_fd, true);
	if (rc == 0)
		rc = open_raw_icmp(e, &e->icmp_fd);
	if (rc == 0)
		rc = reserve_tcp_port(e);
	if (rc == 0)
		rc = probe_filter_attach(e);
	if (rc == 0) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		e->tcp_seq_base = (uint32_t)(now.tv_nsec ^ (now.tv_sec << 16) ^ getpid()) & 0xffff0000u;
	}
	return rc;
}

int probe_io_open(struct probe_engine *e)
{
	switch (e->cfg.method) {
	case PROBE_ICMP_ECHO:
		return open_echo(e);
	case PROBE_UDP:
		return open_udp(e);
	case PROBE_TCP_SYN:
	case PROBE_TCP_ACK:
		return open_raw_tcp(e);
	case PROBE_TCP_CONNECT:
		e->kind = PROBE_SOCK_TCP_STREAM;
		return 0;
	}
	return -EINVAL;
}

void probe_io_close(struct probe_engine *e)
{
	if (e->send_fd >= 0)
		close(e->send_fd);
	if (e->icmp_fd >= 0)
		close(e->icmp_fd);
	if (e->port_fd >= 0)
		close(e->port_fd);
}

/* --- keys ------------------------------------------------------------- */

/* The UDP checksum a Paris probe carries as its token (never 0: that means
 * "no checksum" in UDP). */
static uint16_t paris_udp_checksum(uint16_t token)
{
	return token ? token : 0xffff;
}

static bool paris_udp_by_checksum(const struct probe_engine *e)
{
	return e->cfg.paris && e->kind == PROBE_SOCK_RAW;
}

void probe_io_make_key(const struct probe_engine *e, const struct probe_rec *rec, struct probe_key *key)
{
	memset(key, 0, sizeof(*key));
	probe_key_addr(key, &rec->spec.dst);
	switch (e->cfg.method) {
	case PROBE_ICMP_ECHO:
		key->proto = (uint8_t)icmp_proto(e);
		key->local_port = e->kind == PROBE_SOCK_RAW ? e->local_id : 0;
		key->token = rec->spec.token;
		break;
	case PROBE_UDP:
		key->proto = IPPROTO_UDP;
		key->remote_port = addr_port(&rec->spec.dst);
		key->local_port = e->local_id;
		key->token = paris_udp_by_checksum(e) ? paris_udp_checksum(rec->spec.token) : 0;
		break;
	case PROBE_TCP_SYN:
	case PROBE_TCP_ACK:
		key->proto = IPPROTO_TCP;
		key->remote_port = addr_port(&rec->spec.dst);
		key->local_port = e->local_id;
		key->token = e->tcp_seq_base + rec->spec.token;
		break;
	case PROBE_TCP_CONNECT:
		key->proto = IPPROTO_TCP;
		key->remote_port = addr_port(&rec->spec.dst);
		key->token = rec->spec.token;
		break;
	}
}

/* --- sending ------------------------------------------------------------ */

int probe_route_source(const struct sonde_addr *dst, const char *device, struct sonde_addr *source)
{
	struct sonde_addr target = *dst;
	int fd = sock_open(addr_family(dst), SOCK_DGRAM, 0);
	int rc = 0;

	if (fd < 0)
		return fd;
	if (addr_port(&target) == 0)
		addr_set_port(&target, 9);
	if (device && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device, strlen(device) + 1) < 0)
		rc = -errno;
	/* A UDP connect only looks up the route: nothing is sent. */
	if (rc == 0 && connect(fd, &target.u.sa, target.len) < 0)
		rc = -errno;
	if (rc == 0)
		rc = sock_local_addr(fd, source);
	close(fd);
	return rc;
}

uint32_t probe_io_path_mtu(const struct probe_engine *e, const struct sonde_addr *dst)
{
	struct sonde_addr target = *dst;
	int fd = sock_open(addr_family(dst), SOCK_DGRAM, 0);
	int mtu = 0;
	socklen_t len = sizeof(mtu);

	if (fd < 0)
		return 0;
	if (addr_port(&target) == 0)
		addr_set_port(&target, 9);
	if (e->cfg.device)
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, e->cfg.device, strlen(e->cfg.device) + 1);
	if (connect(fd, &target.u.sa, target.len) < 0 ||
	    getsockopt(fd, is_v6(e) ? IPPROTO_IPV6 : IPPROTO_IP, is_v6(e) ? IPV6_MTU : IP_MTU, &mtu, &len) < 0)
		mtu = 0;
	close(fd);
	return mtu > 0 ? (uint32_t)mtu : 0;
}

static const uint8_t *addr_bytes(const struct sonde_addr *addr)
{
	if (addr_family(addr) == AF_INET6)
		return (const uint8_t *)&addr->u.in6.sin6_addr;
	return (const uint8_t *)&addr->u.in4.sin_addr;
}

static bool route_cached(const struct probe_engine *e, const struct sonde_addr *dst)
{
	struct sonde_addr same_port = *dst;

	if (!e->cfg.route_per_host)
		return addr_equal(&e->route_dst, dst);
	addr_set_port(&same_port, addr_port(&e->route_dst));
	return addr_equal(&e->route_dst, &same_port);
}

/* Our source address towards dst: the bound one, or the route's. */
static int source_for(struct probe_engine *e, const struct sonde_addr *dst, const uint8_t **bytes)
{
	int rc;

	if (e->cfg.source) {
		*bytes = addr_bytes(e->cfg.source);
		return 0;
	}
	if (!e->route_valid || !route_cached(e, dst)) {
		rc = probe_route_source(dst, e->cfg.device, &e->route_src);
		if (rc < 0)
			return rc;
		e->route_dst = *dst;
		e->route_valid = true;
	}
	*bytes = addr_bytes(&e->route_src);
	return 0;
}

static int set_ttl(struct probe_engine *e, int fd, int ttl, bool cache)
{
	int rc;

	if (ttl <= 0 || (cache && ttl == e->current_ttl))
		return 0;
	rc = set_int(fd, is_v6(e) ? IPPROTO_IPV6 : IPPROTO_IP, is_v6(e) ? IPV6_UNICAST_HOPS : IP_TTL, ttl);
	if (rc == 0 && cache)
		e->current_ttl = ttl;
	return rc;
}

/* Payload bytes: the caller's, or a pattern (echo data starts with the send
 * time, as iputils does, so the bytes differ from probe to probe). */
static void fill_payload(const struct probe_rec *rec, uint8_t *out, bool timestamp)
{
	size_t i;

	if (rec->spec.payload) {
		memcpy(out, rec->spec.payload, rec->spec.payload_len);
		return;
	}
	for (i = 0; i < rec->spec.payload_len; i++)
		out[i] = (uint8_t)(timestamp ? i : 0x40 + (i & 0x3f));
	if (timestamp && rec->spec.payload_len >= 16) {
		struct timespec now;
		uint64_t secs, usecs;

		clock_gettime(CLOCK_REALTIME, &now);
		secs = (uint64_t)now.tv_sec;
		usecs = (uint64_t)now.tv_nsec / 1000;
		memcpy(out, &secs, 8);
		memcpy(out + 8, &usecs, 8);
	}
}

/* An error queued by an earlier probe makes the next send fail with it:
 * read the queue (reporting those errors) before sending. */
static bool queued_error(int rc)
{
	return rc == -EHOSTUNREACH || rc == -ENETUNREACH || rc == -ECONNREFUSED || rc == -EPROTO ||
	       rc == -EACCES || rc == -EHOSTDOWN || rc == -ENOPROTOOPT;
}

static int send_datagram(struct probe_engine *e, const void *buf, size_t len, const struct sonde_addr *dst)
{
	int attempt, rc = 0;

	for (attempt = 0; attempt < 2; attempt++) {
		if (sendto(e->send_fd, buf, len, 0, &dst->u.sa, dst->len) >= 0)
			return 0;
		rc = -errno;
		if (e->kind == PROBE_SOCK_RAW || !queued_error(rc))
			break;
		probe_io_drain(e, e->send_fd);
	}
	return rc;
}

/* A raw socket's sendto: IPv6 wants the port field 0 (or the protocol). */
static int send_raw(struct probe_engine *e, const uint8_t *buf, size_t len, const struct sonde_addr *dst)
{
	struct sonde_addr raw_dst = *dst;

	addr_set_port(&raw_dst, 0);
	return sendto(e->send_fd, buf, len, 0, &raw_dst.u.sa, raw_dst.len) < 0 ? -errno : 0;
}

static int send_echo(struct probe_engine *e, struct probe_rec *rec, uint8_t *buf)
{
	const uint8_t *src = NULL;
	uint8_t data[PROBE_MAX_PACKET];
	int len;

	if (rec->spec.payload_len > sizeof(data) - PKT_ICMP_HDR_LEN)
		return -EMSGSIZE;
	fill_payload(rec, data, true);
	/* A datagram socket puts its own id in; it is its bound port, local_id. */
	len = pkt_build_echo(buf, PROBE_MAX_PACKET, e->cfg.family, e->local_id, rec->spec.token, data,
			     rec->spec.payload_len, NULL, NULL);
	if (len < 0)
		return len;
	if (e->cfg.paris && len >= PKT_ICMP_HDR_LEN + 2) {
		uint32_t pseudo = 0;

		/* The same checksum for every seq: routers that hash the first
		 * ICMP bytes into the flow send every probe the same way. */
		if (is_v6(e)) {
			int rc = source_for(e, &rec->spec.dst, &src);

			if (rc < 0)
				return rc;
			pseudo = pkt_pseudo_sum(AF_INET6, src, addr_bytes(&rec->spec.dst), PKT_PROTO_ICMPV6,
						(uint32_t)len);
		}
		pkt_echo_pin_checksum(buf, (size_t)len, 0x5053, pseudo);
	}
	return send_datagram(e, buf, (size_t)len, &rec->spec.dst);
}

static int send_udp(struct probe_engine *e, struct probe_rec *rec, uint8_t *buf)
{
	size_t len = PKT_UDP_HDR_LEN + rec->spec.payload_len;
	const uint8_t *src;
	int rc;

	if (len > PROBE_MAX_PACKET)
		return -EMSGSIZE;
	fill_payload(rec, buf + PKT_UDP_HDR_LEN, false);
	if (paris_udp_by_checksum(e) && rec->spec.payload_len >= 2) {
		rc = source_for(e, &rec->spec.dst, &src);
		if (rc < 0)
			return rc;
		rc = pkt_build_udp(buf, PROBE_MAX_PACKET, e->cfg.family, src, addr_bytes(&rec->spec.dst),
				   e->local_id, addr_port(&rec->spec.dst), buf + PKT_UDP_HDR_LEN,
				   rec->spec.payload_len);
		if (rc < 0)
			return rc;
		pkt_udp_pin_checksum(buf, len, paris_udp_checksum(rec->spec.token),
				     pkt_pseudo_sum(e->cfg.family, src, addr_bytes(&rec->spec.dst), PKT_PROTO_UDP,
						    (uint32_t)len));
		return send_raw(e, buf, len, &rec->spec.dst);
	}
	return send_datagram(e, buf + PKT_UDP_HDR_LEN, rec->spec.payload_len, &rec->spec.dst);
}

/* A bare SYN, or a bare ACK.  The ACK carries the token as its sequence and
 * its acknowledgment number: the RST a host answers takes its sequence from
 * our acknowledgment (RFC 9293), an ICMP error quotes our sequence. */
static int send_raw_tcp(struct probe_engine *e, struct probe_rec *rec, uint8_t *buf)
{
	bool ack = e->cfg.method == PROBE_TCP_ACK;
	const uint8_t *src;
	int rc = source_for(e, &rec->spec.dst, &src);

	if (rc < 0)
		return rc;
	rc = pkt_build_tcp(buf, PROBE_MAX_PACKET, e->cfg.family, src, addr_bytes(&rec->spec.dst), e->local_id,
			   addr_port(&rec->spec.dst), rec->key.token, ack ? rec->key.token : 0,
			   ack ? PKT_TCP_ACK : PKT_TCP_SYN, ack ? 1024 : 64240);
	if (rc < 0)
		return rc;
	return send_raw(e, buf, (size_t)rc, &rec->spec.dst);
}

/* A connect refused by a RST leaves its socket closed in TCP's sense but
 * whole: a disconnect (connect to AF_UNSPEC) makes it ready for the next
 * probe, which spares a socket() and a close() per closed port.  Not one
 * refused by an ICMP error: that socket is still in SYN-SENT with the error
 * (poll says POLLERR without POLLHUP), and after a disconnect its next
 * connect would look accepted at once. */
static void keep_spare(struct probe_engine *e, struct probe_rec *rec)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	if (!e->spare_fds && !(e->spare_fds = malloc(PROBE_SPARE_FDS * sizeof(*e->spare_fds))))
		return;
	/* A socket given a TTL of its own is not kept: spares have the default. */
	if (rec->spec.ttl > 0 || e->spare_count >= PROBE_SPARE_FDS || connect(rec->fd, &unspec, sizeof(unspec)) < 0)
		return;
	e->spare_fds[e->spare_count++] = rec->fd;
	rec->fd = -1;
}

/* A socket for a connect probe: a spare one, or a new one set up. */
static int connect_socket(struct probe_engine *e)
{
	int fd, rc;

	if (e->spare_count)
		return e->spare_fds[--e->spare_count];
	fd = sock_open(e->cfg.family, SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	rc = setup_sender(e, fd, true);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/* A connect probe's answer: accepted, refused, or a failure to report.  The
 * round trip of an accepted connect is the kernel's own handshake sample
 * (TCP_INFO) when it has one. */
static void connect_finish(struct probe_engine *e, uint32_t index, int err, bool reusable)
{
	struct probe_rec *rec = &e->recs[index];
	struct probe_result result = { .ttl = -1 };
	struct tcp_info info;
	socklen_t info_len = sizeof(info);

	result.from = rec->spec.dst;
	if (err == 0) {
		result.outcome = PROBE_REPLY;
		if (getsockopt(rec->fd, IPPROTO_TCP, TCP_INFO, &info, &info_len) == 0 &&
		    info_len >= sizeof(info) && info.tcpi_rtt > 0) {
			result.rtt_ns = (int64_t)info.tcpi_rtt * 1000;
			result.kernel_timestamp = true;
		}
	} else if (err == ECONNREFUSED) {
		result.outcome = PROBE_REFUSED;
		result.error = -err;
		if (reusable)
			keep_spare(e, rec);
	} else {
		result.outcome = PROBE_LOCAL_ERROR;
		result.error = -err;
	}
	probe_finish(e, index, &result, 0);
}

void probe_io_connect_done(struct probe_engine *e, uint32_t index, bool hung_up)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(e->recs[index].fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	connect_finish(e, index, err, hung_up);
}

static int send_connect(struct probe_engine *e, struct probe_rec *rec)
{
	uint32_t index = (uint32_t)(rec - e->recs);
	int fd = connect_socket(e);
	int rc;

	if (fd < 0)
		return fd;
	rec->fd = fd;
	rc = set_ttl(e, fd, rec->spec.ttl, false);
	if (rc < 0)
		return rc;
	if (connect(fd, &rec->spec.dst.u.sa, rec->spec.dst.len) == 0) {
		connect_finish(e, index, 0, false);
		return 0;
	}
	rc = errno;
	if (rc == EINPROGRESS)
		return 0;
	/* Refused at once (loopback) is already the answer. */
	if (rc == ECONNREFUSED) {
		connect_finish(e, index, rc, false);
		return 0;
	}
	return -rc;
}

int probe_io_send(struct probe_engine *e, struct probe_rec *rec)
{
	uint8_t *buf = e->tx_buf;
	int rc;

	if (e->cfg.method != PROBE_TCP_CONNECT) {
		rc = set_ttl(e, e->send_fd, rec->spec.ttl, true);
		if (rc < 0)
			return rc;
	}
	switch (e->cfg.method) {
	case PROBE_ICMP_ECHO:
		return send_echo(e, rec, buf);
	case PROBE_UDP:
		return send_udp(e, rec, buf);
	case PROBE_TCP_SYN:
	case PROBE_TCP_ACK:
		return send_raw_tcp(e, rec, buf);
	case PROBE_TCP_CONNECT:
		return send_connect(e, rec);
	}
	return -EINVAL;
}
