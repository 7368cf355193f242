/* The full-duplex pump.  One buffer per direction: a direction reads only
 * when its buffer is empty and writes until it is, so a slow reader slows
 * its writer (backpressure) and nothing is ever dropped. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/relay.h"

/* 64 KiB: a pipe's capacity, and small enough to stay in cache (256 KiB
 * measured a third slower over loopback). */
#define RELAY_BUF_SIZE (64 * 1024)
/* A datagram session sends each local read as one datagram.  netcat-openbsd
 * reads 16 KiB at a time, so a file or pipe on stdin leaves in 16 KiB
 * datagrams (a 64 KiB read would exceed UDP's 65507-byte limit and fail
 * whole with EMSGSIZE). */
#define RELAY_DATAGRAM_READ_MAX (16 * 1024)

struct direction {
	unsigned char *buf;
	size_t len, off;   /* buf[off..len) still has to be written */
	bool source_ended; /* read side reached its end (or failed) */
	bool finished;     /* source ended and everything was written */
	short want;        /* poll events the network op asked for, 0 = default */
};

static ssize_t socket_recv(void *ctx, void *buf, size_t len)
{
	ssize_t n = recv(*(int *)ctx, buf, len, 0);

	return n < 0 ? -errno : n;
}

static ssize_t socket_send(void *ctx, const void *buf, size_t len)
{
	ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);

	return n < 0 ? -errno : n;
}

static int socket_shutdown_write(void *ctx)
{
	return shutdown(*(int *)ctx, SHUT_WR) < 0 ? -errno : 0;
}

const struct relay_net_ops relay_socket_ops = {
	.recv = socket_recv,
	.send = socket_send,
	.shutdown_write = socket_shutdown_write,
	.pending = NULL,
};

/* Pipes and sockets are switched to non-blocking for the run (so a full
 * pipe cannot stall the other direction) and restored afterwards; terminals
 * and files are left alone: they are shared with the shell, or never block. */
static int local_make_nonblocking(int fd)
{
	struct stat st;
	int flags;

	if (fd < 0 || fstat(fd, &st) < 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return -1;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || (flags & O_NONBLOCK))
		return -1;
	if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	return flags;
}

static void local_restore(int fd, int saved_flags)
{
	if (saved_flags >= 0)
		fcntl(fd, F_SETFL, saved_flags);
}

static bool has_data(const struct direction *d)
{
	return d->off < d->len;
}

static bool wants_input(const struct direction *d)
{
	return !d->source_ended && !has_data(d);
}

static short op_events(short want, short normal)
{
	return want ? want : normal;
}

/* Notes what a network op waits for.  Returns n, with "try again later"
 * (a TLS want, EAGAIN, EINTR) folded into -EAGAIN. */
static ssize_t net_result(struct direction *d, ssize_t n)
{
	d->want = 0;
	if (n == RELAY_WANT_READ)
		d->want = POLLIN;
	else if (n == RELAY_WANT_WRITE)
		d->want = POLLOUT;
	else if (n != -EWOULDBLOCK && n != -EINTR)
		return n;
	return -EAGAIN;
}

struct pump {
	int local_in, local_out;
	const struct relay_net *net;
	const struct relay_opts *opts;
	struct relay_stats *stats;
	struct direction up;   /* local -> network */
	struct direction down; /* network -> local */
	int64_t idle_deadline, quit_deadline;
	bool moved;            /* bytes moved this round (resets the idle timer) */
	bool failed;           /* the connection broke: the run ends */
};

static void read_local(struct pump *p)
{
	size_t read_max = p->net->datagram ? RELAY_DATAGRAM_READ_MAX : RELAY_BUF_SIZE;
	ssize_t n = read(p->local_in, p->up.buf, read_max);

	if (n > 0) {
		p->up.len = (size_t)n;
		p->up.off = 0;
		p->moved = true;
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		if (n < 0)
			p->stats->local_error = -errno;
		p->up.source_ended = true;
	}
}

static void send_net(struct pump *p)
{
	const struct relay_net *net = p->net;
	ssize_t n = net_result(&p->up, net->ops->send(net->ctx, p->up.buf + p->up.off, p->up.len - p->up.off));

	if (n == -EAGAIN)
		return;
	if (n > 0) {
		p->stats->bytes_sent += (uint64_t)n;
		/* A datagram goes whole or not at all. */
		p->up.off = net->datagram ? p->up.len : p->up.off + (size_t)n;
		p->moved = true;
		return;
	}
	if (n == -ECONNREFUSED && net->datagram)
		return; /* an earlier datagram's ICMP refusal; this one is retried */
	if (n < 0) {
		/* The peer is gone or stopped reading (EPIPE, ECONNRESET): nothing
		 * more can go that way, but what it sent before can still be read. */
		if (n != -EPIPE && n != -ECONNRESET)
			p->failed = true;
		p->stats->net_error = (int)n;
		p->up.source_ended = true;
		p->up.off = p->up.len = 0;
	}
}

static void recv_net(struct pump *p)
{
	const struct relay_net *net = p->net;
	ssize_t n = net_result(&p->down, net->ops->recv(net->ctx, p->down.buf, RELAY_BUF_SIZE));

	if (n == -EAGAIN)
		return;
	if (n > 0) {
		p->stats->bytes_received += (uint64_t)n;
		p->down.len = (size_t)n;
		p->down.off = 0;
		p->moved = true;
	} else if (n == 0) {
		/* A zero-length datagram is a datagram, not an end. */
		if (!net->datagram)
			p->down.source_ended = true;
	} else if (n < 0) {
		if (n == -ECONNREFUSED && net->datagram)
			return; /* nobody listens yet; keep waiting like netcat */
		p->stats->net_error = (int)n;
		p->down.source_ended = true;
		p->failed = true;
	}
}

static void write_local(struct pump *p)
{
	ssize_t n = write(p->local_out, p->down.buf + p->down.off, p->down.len - p->down.off);

	if (n > 0) {
		p->down.off += (size_t)n;
		p->moved = true;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		/* Nobody reads our output any more: stop taking from the network,
		 * but keep sending what the local side still has. */
		if (errno != EPIPE)
			p->stats->local_error = -errno;
		else
			p->stats->end = RELAY_END_OUTPUT_CLOSED;
		p->down.source_ended = true;
		p->down.off = p->down.len = 0;
		if (!p->net->datagram)
			shutdown(p->net->fd, SHUT_RD);
	}
}

/* Marks directions whose source ended and whose buffer drained. */
static void settle(struct pump *p)
{
	if (!p->up.finished && p->up.source_ended && !has_data(&p->up)) {
		p->up.finished = true;
		p->stats->local_input_done = true;
		if (p->opts->shutdown_on_eof && p->net->ops->shutdown_write)
			p->net->ops->shutdown_write(p->net->ctx);
		if (p->opts->quit_after_eof_ms >= 0)
			p->quit_deadline = mono_ms() + p->opts->quit_after_eof_ms;
	}
	if (!p->down.finished && p->down.source_ended && !has_data(&p->down))
		p->down.finished = true;
}

static int poll_timeout(const struct pump *p, bool tls_pending)
{
	int timeout_ms = -1, left;

	if (tls_pending)
		return 0;
	if (p->idle_deadline) {
		left = deadline_poll_ms(p->idle_deadline);
		timeout_ms = left;
	}
	if (p->quit_deadline) {
		left = deadline_poll_ms(p->quit_deadline);
		if (timeout_ms < 0 || left < timeout_ms)
			timeout_ms = left;
	}
	return timeout_ms;
}

enum { PFD_LOCAL_IN, PFD_LOCAL_OUT, PFD_NET, PFD_COUNT };

/* One round: poll, then move what can move.  Returns false when the run ends. */
static bool pump_round(struct pump *p)
{
	const struct relay_net *net = p->net;
	struct pollfd pfd[PFD_COUNT];
	bool tls_pending, net_ready;
	short net_events = 0;
	int n;

	settle(p);
	if (p->up.finished && p->down.finished) {
		if (p->stats->end != RELAY_END_OUTPUT_CLOSED)
			p->stats->end = RELAY_END_DONE;
		return false;
	}
	if (p->quit_deadline && deadline_passed(p->quit_deadline)) {
		p->stats->end = RELAY_END_QUIT;
		return false;
	}
	tls_pending = net->ops->pending && wants_input(&p->down) && net->ops->pending(net->ctx) > 0;
	pfd[PFD_LOCAL_IN].fd = wants_input(&p->up) ? p->local_in : -1;
	pfd[PFD_LOCAL_IN].events = POLLIN;
	pfd[PFD_LOCAL_OUT].fd = has_data(&p->down) ? p->local_out : -1;
	pfd[PFD_LOCAL_OUT].events = POLLOUT;
	if (wants_input(&p->down))
		net_events |= op_events(p->down.want, POLLIN);
	if (has_data(&p->up))
		net_events |= op_events(p->up.want, POLLOUT);
	pfd[PFD_NET].fd = net_events ? net->fd : -1;
	pfd[PFD_NET].events = net_events;
	for (n = 0; n < PFD_COUNT; n++)
		pfd[n].revents = 0;

	n = poll(pfd, PFD_COUNT, poll_timeout(p, tls_pending));
	if (n < 0 && errno != EINTR) {
		p->stats->local_error = -errno;
		p->stats->end = RELAY_END_LOCAL_ERROR;
		return false;
	}
	if (n == 0 && !tls_pending) {
		if (p->idle_deadline && deadline_passed(p->idle_deadline)) {
			p->stats->end = RELAY_END_IDLE;
			return false;
		}
		return true; /* the quit deadline is checked at the top */
	}
	p->moved = false;
	net_ready = pfd[PFD_NET].revents != 0;
	if (pfd[PFD_LOCAL_IN].revents)
		read_local(p);
	/* Receive before sending: an unconnected datagram socket learns its
	 * peer from what it receives. */
	if (wants_input(&p->down) && (net_ready || tls_pending))
		recv_net(p);
	if (has_data(&p->up) && (net_ready || !p->up.want))
		send_net(p);
	if (pfd[PFD_LOCAL_OUT].revents || has_data(&p->down))
		write_local(p);
	if (p->moved && p->opts->idle_timeout_ms >= 0)
		p->idle_deadline = mono_ms() + p->opts->idle_timeout_ms;
	if (p->failed) {
		p->stats->end = RELAY_END_NET_ERROR;
		return false;
	}
	return true;
}

int relay_run(int local_in, int local_out, const struct relay_net *net, const struct relay_opts *opts,
	      struct relay_stats *stats)
{
	struct pump p = { .local_in = local_in, .local_out = local_out, .net = net, .opts = opts };
	int64_t start_ms = mono_ms();
	int saved_in, saved_out;

	*stats = (struct relay_stats){ 0 };
	p.stats = stats;
	p.up.buf = malloc(RELAY_BUF_SIZE);
	p.down.buf = malloc(RELAY_BUF_SIZE);
	if (!p.up.buf || !p.down.buf) {
		free(p.up.buf);
		free(p.down.buf);
		return -ENOMEM;
	}
	if (opts->no_local_input || opts->local_input_done || local_in < 0)
		p.up.source_ended = true;
	if (opts->idle_timeout_ms >= 0)
		p.idle_deadline = start_ms + opts->idle_timeout_ms;
	saved_in = local_make_nonblocking(p.up.source_ended ? -1 : local_in);
	saved_out = local_out == local_in ? -1 : local_make_nonblocking(local_out);

	while (pump_round(&p))
		;

	local_restore(local_in, saved_in);
	local_restore(local_out, saved_out);
	free(p.up.buf);
	free(p.down.buf);
	stats->duration_ms = mono_ms() - start_ms;
	if (p.failed)
		return stats->net_error;
	return stats->end == RELAY_END_LOCAL_ERROR ? stats->local_error : 0;
}
