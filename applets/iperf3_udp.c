/* iperf3's UDP streams (-u): the datagram "connect" that tells the server
 * where each stream comes from, the header every datagram carries (send
 * time and sequence number, big-endian), and the receiver's accounting as
 * iperf3 3.12 keeps it: the highest sequence number seen, gaps counted as
 * lost until a late datagram fills one, and RFC 1889's jitter. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sock_diag.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "iperf3_impl.h"
#include "sonde/sock.h"

/* In -R, the server's first datagrams may overtake its answer to the
 * connect: iperf3 reads past that many blocks before giving up. */
#define REVERSE_EARLY_BLOCKS 2

int ip3_udp_default_len(int ctrl_mss)
{
	return ctrl_mss > 0 && ctrl_mss <= IP3_UDP_MAX_LEN ? ctrl_mss : IP3_UDP_DEFAULT_LEN;
}

static int udp_buffers(const struct ip3_test *t, int fd)
{
	int window = t->set.window;

	if (window && (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &window, sizeof(window)) < 0 ||
		       setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &window, sizeof(window)) < 0))
		return -errno;
	return 0;
}

/* The server's answer, skipping the early data of a reverse test. */
static int await_reply(const struct ip3_test *t, int fd, int timeout_ms)
{
	size_t budget = sizeof(uint32_t) + (t->set.reverse ? REVERSE_EARLY_BLOCKS * (size_t)t->set.len : 0);
	size_t seen = 0;

	while (seen < budget) {
		uint32_t reply = 0;
		int rc = sock_wait(fd, POLLIN, timeout_ms);
		ssize_t n;

		if (rc < 0)
			return rc;
		n = recv(fd, &reply, sizeof(reply), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		if (n == (ssize_t)sizeof(reply) && (reply == IP3_UDP_CONNECT_REPLY || reply == IP3_UDP_LEGACY_REPLY))
			return 0;
		seen += (size_t)n ? (size_t)n : 1;
	}
	return -EPROTO;
}

int ip3_udp_connect(struct ip3_test *t, const struct sonde_addr *server, int timeout_ms, int *fd_out)
{
	uint32_t hello = IP3_UDP_CONNECT_MSG;
	int fd = sock_open(addr_family(server), SOCK_DGRAM, 0);
	int rc;

	if (fd < 0)
		return fd;
	if ((rc = udp_buffers(t, fd)) < 0)
		goto fail;
	if (connect(fd, &server->u.sa, server->len) < 0 || send(fd, &hello, sizeof(hello), 0) < 0) {
		rc = -errno;
		goto fail;
	}
	if ((rc = await_reply(t, fd, timeout_ms)) < 0)
		goto fail;
	*fd_out = fd;
	return 0;
fail:
	close(fd);
	return rc;
}

/* On the TCP listener's address and port, as iperf3's server binds it. */
int ip3_udp_listen(struct ip3_test *t)
{
	struct sonde_addr addr;
	int rc = sock_local_addr(t->listen_fd, &addr);

	if (rc < 0)
		return rc;
	return sock_listen(&addr, SOCK_DGRAM, 0, &t->udp_listen_fd);
}

int ip3_udp_accept(struct ip3_test *t, int timeout_ms, int *fd_out)
{
	uint32_t reply = IP3_UDP_CONNECT_REPLY, hello;
	struct sonde_addr peer;
	int fd = t->udp_listen_fd, rc;

	if ((rc = sock_wait(fd, POLLIN, timeout_ms)) < 0)
		return rc;
	memset(&peer, 0, sizeof(peer));
	peer.len = sizeof(peer.u);
	/* the content is not checked: iperf3 takes any first datagram */
	if (recvfrom(fd, &hello, sizeof(hello), 0, &peer.u.sa, &peer.len) < 0)
		return -errno;
	if (connect(fd, &peer.u.sa, peer.len) < 0 || udp_buffers(t, fd) < 0)
		return -errno;
	/* the fresh socket first: the client's next stream speaks once answered */
	t->udp_listen_fd = -1;
	if ((rc = ip3_udp_listen(t)) < 0) {
		close(fd);
		return rc;
	}
	if (send(fd, &reply, sizeof(reply), 0) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

static size_t header_len(const struct ip3_test *t)
{
	return t->set.udp_counters_64bit ? 16 : 12;
}

void ip3_udp_stamp(struct ip3_test *t, struct ip3_stream *s)
{
	uint64_t sequence = (uint64_t)s->udp.packets + 1;
	struct timespec now;
	uint32_t words[4];

	clock_gettime(CLOCK_REALTIME, &now);
	words[0] = htonl((uint32_t)now.tv_sec);
	words[1] = htonl((uint32_t)(now.tv_nsec / 1000));
	if (t->set.udp_counters_64bit) {
		words[2] = htonl((uint32_t)(sequence >> 32));
		words[3] = htonl((uint32_t)sequence);
	} else {
		words[2] = htonl((uint32_t)sequence);
	}
	memcpy(t->send_buf, words, header_len(t));
}

static uint64_t read_sequence(const struct ip3_test *t, const char *datagram)
{
	uint32_t words[2];

	memcpy(words, datagram + 8, t->set.udp_counters_64bit ? 8 : 4);
	if (t->set.udp_counters_64bit)
		return (uint64_t)ntohl(words[0]) << 32 | ntohl(words[1]);
	return ntohl(words[0]);
}

/* Transit time: the receiver's clock less the sender's stamp.  The two
 * clocks may differ; jitter only uses differences of transit times. */
static double transit_s(const char *datagram)
{
	uint32_t words[2];
	struct timespec now;

	memcpy(words, datagram, sizeof(words));
	clock_gettime(CLOCK_REALTIME, &now);
	return (double)((int64_t)now.tv_sec - (int64_t)ntohl(words[0])) +
	       ((double)now.tv_nsec / 1e9 - (double)ntohl(words[1]) / 1e6);
}

void ip3_udp_received(struct ip3_test *t, struct ip3_stream *s, const char *datagram, size_t len)
{
	struct ip3_udp_counts *c = &s->udp;
	bool first = s->bytes == 0;
	int64_t sequence;
	double transit, delta;

	if (len < header_len(t))
		return; /* too short to carry a header: its bytes count, nothing else */
	sequence = (int64_t)read_sequence(t, datagram);
	if (sequence > c->packets) {
		c->lost += sequence - 1 - c->packets;
		c->packets = sequence;
	} else {
		/* late (or repeated): it fills a gap counted as lost */
		c->out_of_order++;
		if (c->lost > 0)
			c->lost--;
	}
	transit = transit_s(datagram);
	if (first)
		s->prev_transit_s = transit;
	delta = transit - s->prev_transit_s;
	s->prev_transit_s = transit;
	s->jitter_s += ((delta < 0 ? -delta : delta) - s->jitter_s) / 16.0;
}

/* The datagrams this host's receiving socket dropped since the last
 * reading, from the kernel's count for the socket (SO_MEMINFO): arrivals
 * refused because the receive buffer was full or their checksum bad.
 * iperf3 counts them lost as if the network had lost them. */
static void read_local_drops(struct ip3_stream *s)
{
	uint32_t meminfo[SK_MEMINFO_VARS];
	socklen_t len = sizeof(meminfo);

	if (s->sender || s->released || getsockopt(s->fd, SOL_SOCKET, SO_MEMINFO, meminfo, &len) < 0 ||
	    len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
		return;
	s->udp.local_drops += (uint32_t)(meminfo[SK_MEMINFO_DROPS] - s->drops_read); /* the count wraps */
	s->drops_read = meminfo[SK_MEMINFO_DROPS];
}

void ip3_udp_start_drop_count(struct ip3_stream *s)
{
	read_local_drops(s);
	s->udp.local_drops = 0;
}

void ip3_udp_close_interval(struct ip3_stream *s, struct ip3_interval *iv)
{
	read_local_drops(s);
	iv->packets = s->udp.packets - s->udp_interval.packets;
	iv->lost = s->udp.lost - s->udp_interval.lost;
	iv->out_of_order = s->udp.out_of_order - s->udp_interval.out_of_order;
	iv->jitter_s = s->jitter_s;
	iv->local_drops = s->udp.local_drops - s->udp_interval.local_drops;
	s->udp_interval = s->udp;
}

void ip3_udp_reset(struct ip3_stream *s)
{
	s->udp_omitted = s->udp;
	s->jitter_s = 0;
}

/* iperf3 subtracts this side's own count at -O's end from both, the
 * peer's count included. */
int64_t ip3_udp_sender_packets(const struct ip3_stream *s)
{
	return (s->sender ? s->udp.packets : s->peer_packets) - s->udp_omitted.packets;
}

int64_t ip3_udp_receiver_packets(const struct ip3_stream *s)
{
	return (s->sender ? s->peer_packets : s->udp.packets) - s->udp_omitted.packets;
}

int64_t ip3_udp_lost(const struct ip3_stream *s)
{
	return s->udp.lost - s->udp_omitted.lost;
}

int64_t ip3_udp_local_drops(const struct ip3_stream *s)
{
	return s->udp.local_drops - s->udp_omitted.local_drops;
}

int64_t ip3_udp_out_of_order(const struct ip3_stream *s)
{
	return s->udp.out_of_order - s->udp_omitted.out_of_order;
}

double ip3_lost_percent(int64_t lost, int64_t packets)
{
	return packets > 0 ? 100.0 * (double)lost / (double)packets : 0.0;
}
