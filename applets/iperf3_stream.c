/* iperf3's data streams: socket options, the send and receive loops, and
 * the per-interval accounting iperf3 does (bytes, and for TCP senders the
 * kernel's tcp_info: retransmits, congestion window, RTT). */

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iperf3_impl.h"
#include "sonde/clock.h"
#include "sonde/sock.h"

#define PAGE_BYTES 4096

/* How much a test's one receiving TCP stream lets the kernel queue before
 * it wakes the reader (SO_RCVLOWAT).  Woken at each arrival, as iperf3's
 * receiver is, the reader takes small reads, each answered by a window
 * update: on the lab's veth, one stream sent back ~18,500 segments per GB
 * that way and ~8,800 with a 16 KiB mark, and moved ~18 Gbit/s against
 * ~24, routed or not (tests/bench/iperf3.sh).  With -P 2 and -P 4 the mark
 * cost a third of the rate, so several streams keep the kernel's one
 * byte.  A path the wire limits (tbf at 1 and 5 Gbit/s) measures the same
 * either way.  What waits below the mark is read when an interval closes,
 * so the reports count every byte that arrived by then. */
#define WAKE_BYTES 16384

int ip3_socket_buffer(int fd, int option)
{
	int value = 0;
	socklen_t len = sizeof(value);

	getsockopt(fd, SOL_SOCKET, option, &value, &len);
	return value;
}

int ip3_stream_setopts(const struct ip3_test *t, int fd)
{
	const struct ip3_settings *s = &t->set;
	int one = 1;

	if (s->nodelay && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return -errno;
	if (s->mss && setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &s->mss, sizeof(s->mss)) < 0)
		return -errno;
	if (s->window) {
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s->window, sizeof(s->window)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &s->window, sizeof(s->window)) < 0)
			return -errno;
	}
	if (s->congestion &&
	    setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, s->congestion, (socklen_t)strlen(s->congestion)) < 0)
		return -errno;
	return 0;
}

/* iperf3 sends its control states without Nagle's delay: a state held
 * back behind an unacknowledged one (a delayed ACK, 40 ms) would start the
 * peer's clock that much later than this side's. */
void ip3_ctrl_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int ip3_mss_of(int fd)
{
	int mss = 0;
	socklen_t len = sizeof(mss);

	if (getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &len) < 0)
		return 0;
	return mss;
}

/* iperf3 numbers streams 1, 3, 4, 5...: the second one gets 3. */
static int next_stream_id(const struct ip3_test *t)
{
	return t->stream_count == 0 ? 1 : t->stream_count + 2;
}

/* A dual-stack server sees IPv4 peers as ::ffff:a.b.c.d; iperf3 prints
 * them as plain IPv4. */
void ip3_addr_unmap(struct sonde_addr *addr)
{
	struct sockaddr_in in4;

	if (addr_family(addr) != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&addr->u.in6.sin6_addr))
		return;
	memset(&in4, 0, sizeof(in4));
	in4.sin_family = AF_INET;
	in4.sin_port = addr->u.in6.sin6_port;
	memcpy(&in4.sin_addr, &addr->u.in6.sin6_addr.s6_addr[12], 4);
	memset(&addr->u, 0, sizeof(addr->u));
	addr->u.in4 = in4;
	addr->len = sizeof(in4);
}

/* The mark, for a test's one receiving TCP stream.  A client that
 * receives with -n ends when the last byte is read: that byte must wake
 * it, so it keeps the kernel's mark of one byte. */
static void set_wake_bytes(const struct ip3_test *t, struct ip3_stream *s)
{
	int wake_bytes = WAKE_BYTES;

	if (s->sender || t->set.udp || t->set.parallel != 1 || (t->role == 'c' && t->set.bytes))
		return;
	s->wakes_at_mark = setsockopt(s->fd, SOL_SOCKET, SO_RCVLOWAT, &wake_bytes, sizeof(wake_bytes)) == 0;
}

void ip3_stream_init(struct ip3_test *t, struct ip3_stream *s, int fd, bool sender)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->id = next_stream_id(t);
	s->sender = sender;
	sock_local_addr(fd, &s->local);
	sock_peer_addr(fd, &s->remote);
	ip3_addr_unmap(&s->local);
	ip3_addr_unmap(&s->remote);
	set_wake_bytes(t, s);
	if (t->set.udp)
		ip3_udp_start_drop_count(s);
}

int ip3_stream_buffers(struct ip3_test *t)
{
	size_t len = (size_t)t->set.len;

	t->zerocopy_fd = -1;
	t->recv_size = len > 131072 ? len : 131072;
	/* page-aligned, as iperf3's mapped buffers are: the kernel's copies
	 * to and from them run on whole cache lines */
	if (posix_memalign((void **)&t->send_buf, PAGE_BYTES, len) ||
	    posix_memalign((void **)&t->recv_buf, PAGE_BYTES, t->recv_size))
		return -ENOMEM;
	/* iperf3 sends random bytes, which compression along the path cannot shrink */
	if (getrandom(t->send_buf, len, 0) < 0)
		memset(t->send_buf, 0x5a, len);
	if (t->set.zerocopy) {
		t->zerocopy_fd = memfd_create("sonde-iperf3", MFD_CLOEXEC);
		if (t->zerocopy_fd < 0)
			return -errno;
		if (write(t->zerocopy_fd, t->send_buf, len) != (ssize_t)len)
			return -EIO;
	}
	return 0;
}

/* One block, or what is left of it after a partial send: a block always
 * goes whole, so -n stops on a block boundary as iperf3's does. */
static ssize_t send_block(struct ip3_test *t, struct ip3_stream *s)
{
	size_t len = (size_t)t->set.len;
	size_t size = s->pending ? s->pending : len;
	off_t offset = (off_t)(len - size);
	ssize_t n;

	if (t->zerocopy_fd >= 0)
		n = sendfile(s->fd, t->zerocopy_fd, &offset, size);
	else
		n = send(s->fd, t->send_buf + offset, size, MSG_NOSIGNAL);
	if (n > 0)
		s->pending = size - (size_t)n;
	return n;
}

/* Whether s may send: a block already begun always goes whole; a new one
 * begins only while the blocks begun by all streams are short of -n's goal,
 * so that several streams together send exactly the goal when it is a
 * multiple of the block (a partial send on a full socket buffer would
 * otherwise let another stream's block pass the goal). */
static bool may_send(struct ip3_test *t, struct ip3_stream *s)
{
	if (s->pending || !t->set.bytes)
		return true;
	if (t->bytes_started >= t->set.bytes)
		return false;
	/* Begun: the whole block is pending until it is sent. */
	t->bytes_started += (uint64_t)t->set.len;
	s->pending = (size_t)t->set.len;
	return true;
}

/* iperf3's throttle: a stream is on time while its bits sent since the
 * test's start are fewer than the target bitrate times the time gone. */
int64_t ip3_pace_wait_ns(const struct ip3_test *t, const struct ip3_stream *s)
{
	double due_s, elapsed_s;

	if (!t->set.rate_bps)
		return 0;
	due_s = (double)s->paced_bytes * 8.0 / (double)t->set.rate_bps;
	elapsed_s = (double)(mono_ns() - t->pace_start_ns) / 1e9;
	return elapsed_s > due_s ? 0 : (int64_t)((due_s - elapsed_s) * 1e9) + 1;
}

/* One datagram, stamped with its send time and sequence number; a full
 * socket buffer (or a full device queue, ENOBUFS) means try later. */
static ssize_t send_datagram(struct ip3_test *t, struct ip3_stream *s)
{
	ssize_t n;

	ip3_udp_stamp(t, s);
	n = send(s->fd, t->send_buf, (size_t)t->set.len, MSG_NOSIGNAL);
	/* ECONNREFUSED: an ICMP error of an earlier datagram, the receiver
	 * closing at the end; the control connection tells how the test ends */
	if (n < 0 && (errno == ENOBUFS || errno == ECONNREFUSED))
		errno = EAGAIN;
	if (n > 0) {
		s->udp.packets++;
		s->pending = 0;
	}
	return n;
}

/* What one turn of a ready stream sends: unpaced, one block (the poll
 * loop's rounds give every stream its block in turn, as iperf3's send
 * loop does); paced, one block with the throttle checked before, or -b's
 * burst at once.  Paced UDP sends up to IP3_IO_ROUNDS datagrams while on
 * time, the throttle checked before each: one poll per datagram would
 * cost more than it.  1 when an unpaced stream may take another block at
 * once, else 0, or -errno. */
static int stream_send(struct ip3_test *t, struct ip3_stream *s)
{
	bool paced_udp = t->set.udp && t->set.rate_bps && !t->set.burst;
	bool unpaced = !t->set.rate_bps && !t->set.burst;
	int rounds = t->set.burst ? t->set.burst : paced_udp ? IP3_IO_ROUNDS : 1;
	int round;

	if (ip3_pace_wait_ns(t, s) > 0)
		return 0;
	for (round = 0; round < rounds && may_send(t, s); round++) {
		ssize_t n = t->set.udp ? send_datagram(t, s) : send_block(t, s);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		s->bytes += (uint64_t)n;
		s->interval_bytes += (uint64_t)n;
		s->paced_bytes += (uint64_t)n;
		if (paced_udp && ip3_pace_wait_ns(t, s) > 0)
			break;
	}
	/* a partial send found the socket buffer full */
	return unpaced && round == rounds && !s->pending;
}

/* Up to one block a poll, as iperf3's receiver takes it: reads until the
 * block is full or the queue empty, and the stream waits for the next
 * poll.  Reading on while reads came back full (16 blocks a poll, or a
 * block a turn) cost more CPU per GB on the lab's veth: ~0.78 CPU s/GB at
 * -P 4 where this costs ~0.58, as iperf3 (tests/bench/iperf3.sh).
 * 0, or -errno. */
static int stream_recv(struct ip3_test *t, struct ip3_stream *s)
{
	size_t got = 0;

	while (got < t->recv_size) {
		ssize_t n = recv(s->fd, t->recv_buf + got, t->recv_size - got, 0);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0) {
			s->closed = true;
			return 0;
		}
		got += (size_t)n;
		s->bytes += (uint64_t)n;
		s->interval_bytes += (uint64_t)n;
	}
	return 0;
}

/* What waits below the wake-up mark on a receiving TCP stream, read now:
 * the reader would not be woken for it before the interval closes.  More
 * than the mark wakes the reader, which reads it at the next poll. */
static void stream_take_below_mark(struct ip3_test *t, struct ip3_stream *s)
{
	int queued = 0;
	ssize_t n;

	if (!s->wakes_at_mark || s->closed || s->released)
		return;
	if (ioctl(s->fd, FIONREAD, &queued) < 0 || queued <= 0 || queued >= WAKE_BYTES)
		return;
	n = recv(s->fd, t->recv_buf, (size_t)queued, 0);
	if (n <= 0)
		return;
	s->bytes += (uint64_t)n;
	s->interval_bytes += (uint64_t)n;
}

/* The datagrams waiting, IP3_IO_ROUNDS at most; after the end of the test
 * they are read and not counted, as iperf3 counts only while running. */
static int stream_recv_udp(struct ip3_test *t, struct ip3_stream *s)
{
	int round;

	for (round = 0; round < IP3_IO_ROUNDS; round++) {
		ssize_t n = recv(s->fd, t->recv_buf, t->recv_size, 0);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED ? 0 : -errno;
		if (t->done)
			continue;
		ip3_udp_received(t, s, t->recv_buf, (size_t)n);
		s->bytes += (uint64_t)n;
		s->interval_bytes += (uint64_t)n;
	}
	return 0;
}

int ip3_stream_io(struct ip3_test *t, struct ip3_stream *s, short revents)
{
	if (t->set.udp && !s->sender)
		return revents & (POLLIN | POLLERR | POLLHUP) ? stream_recv_udp(t, s) : 0;
	if (s->sender) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			return stream_send(t, s);
		return 0;
	}
	if (revents & (POLLIN | POLLERR | POLLHUP))
		return stream_recv(t, s);
	return 0;
}

uint64_t ip3_bytes_sent(const struct ip3_test *t)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < t->stream_count; i++)
		if (t->streams[i].sender)
			total += t->streams[i].bytes;
	return total;
}

uint64_t ip3_bytes_received(const struct ip3_test *t)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < t->stream_count; i++)
		if (!t->streams[i].sender)
			total += t->streams[i].bytes;
	return total;
}

static void add_tcpinfo(struct ip3_stream *s, struct ip3_interval *iv)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return;
	iv->has_tcpinfo = true;
	iv->retransmits = (int64_t)info.tcpi_total_retrans - s->prev_total_retrans;
	s->retransmits += iv->retransmits;
	s->prev_total_retrans = info.tcpi_total_retrans;
	iv->snd_cwnd = (uint64_t)info.tcpi_snd_cwnd * info.tcpi_snd_mss;
	iv->snd_wnd = info.tcpi_snd_wnd;
	iv->rtt_us = info.tcpi_rtt;
	iv->rttvar_us = info.tcpi_rttvar;
	iv->pmtu = info.tcpi_pmtu;
	if (iv->snd_cwnd > s->max_snd_cwnd)
		s->max_snd_cwnd = iv->snd_cwnd;
	if (iv->snd_wnd > s->max_snd_wnd)
		s->max_snd_wnd = iv->snd_wnd;
	if (iv->rtt_us > s->max_rtt_us)
		s->max_rtt_us = iv->rtt_us;
	if (s->min_rtt_us == 0 || iv->rtt_us < s->min_rtt_us)
		s->min_rtt_us = iv->rtt_us;
	s->sum_rtt_us += iv->rtt_us;
	s->count_rtt++;
}

static int append_interval(struct ip3_stream *s, const struct ip3_interval *iv)
{
	if (s->interval_count == s->interval_cap) {
		size_t cap = s->interval_cap ? 2 * s->interval_cap : 16;
		struct ip3_interval *grown = realloc(s->intervals, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->intervals = grown;
		s->interval_cap = cap;
	}
	s->intervals[s->interval_count++] = *iv;
	return 0;
}

void ip3_stats_close_interval(struct ip3_test *t)
{
	int64_t now_ns = mono_ns() - t->start_mono_ns;
	int i;

	for (i = 0; i < t->stream_count; i++) {
		struct ip3_stream *s = &t->streams[i];
		struct ip3_interval iv;

		stream_take_below_mark(t, s);
		memset(&iv, 0, sizeof(iv));
		iv.start_ns = s->end_ns;
		iv.end_ns = now_ns;
		s->end_ns = now_ns;
		iv.bytes = s->interval_bytes;
		iv.omitted = t->omitting;
		s->interval_bytes = 0;
		if (t->set.udp)
			ip3_udp_close_interval(s, &iv);
		else if (t->sender_has_retransmits == 1)
			add_tcpinfo(s, &iv);
		/* the lines need the last interval only; -J's document needs them all */
		if (!t->json)
			s->interval_count = 0;
		append_interval(s, &iv);
	}
}

/* What iperf3's reset after -O keeps: the streams' maxima of cwnd and RTT,
 * and the interval records already made.  The interval running goes on
 * from the last one's end, which now lies before the new start. */
void ip3_stats_reset(struct ip3_test *t)
{
	int64_t now_ns = mono_ns() - t->start_mono_ns;
	uint64_t pending = 0;
	int i;

	for (i = 0; i < t->stream_count; i++) {
		struct ip3_stream *s = &t->streams[i];
		struct tcp_info info;
		socklen_t len = sizeof(info);

		s->bytes = 0;
		s->interval_bytes = 0;
		s->retransmits = 0;
		ip3_udp_reset(s);
		/* no interval closed yet: the next one starts at the reset */
		s->end_ns = s->interval_count ? s->end_ns - now_ns : 0;
		pending += s->pending;
		if (t->sender_has_retransmits == 1 &&
		    getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0)
			s->prev_total_retrans = info.tcpi_total_retrans;
	}
	/* -n counts from here: the blocks begun are what is already promised */
	t->bytes_started = pending;
	t->start_mono_ns += now_ns;
	t->omitting = false;
}

static void rusage_us(int64_t *user_us, int64_t *sys_us)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
	*sys_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

void ip3_cpu_start(struct ip3_test *t)
{
	t->cpu_start_ns = mono_ns();
	rusage_us(&t->cpu_start_user_us, &t->cpu_start_sys_us);
}

/* iperf3's figures: CPU time over wall time since the test start, percent. */
void ip3_cpu_stop(struct ip3_test *t)
{
	int64_t user_us, sys_us;
	double wall_us = (double)(mono_ns() - t->cpu_start_ns) / 1e3;

	rusage_us(&user_us, &sys_us);
	if (wall_us <= 0)
		return;
	t->cpu_util[1] = 100.0 * (double)(user_us - t->cpu_start_user_us) / wall_us;
	t->cpu_util[2] = 100.0 * (double)(sys_us - t->cpu_start_sys_us) / wall_us;
	t->cpu_util[0] = t->cpu_util[1] + t->cpu_util[2];
}

void ip3_congestion_used(struct ip3_test *t)
{
	char name[32];
	socklen_t len = sizeof(name) - 1;

	if (t->stream_count == 0)
		return;
	memset(name, 0, sizeof(name));
	if (getsockopt(t->streams[0].fd, IPPROTO_TCP, TCP_CONGESTION, name, &len) == 0)
		memcpy(t->congestion_used, name, sizeof(t->congestion_used));
}
