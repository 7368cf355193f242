/* The data phase both sides run: one poll loop over the control
 * connection and the streams, closing an interval at each -i tick.  The
 * sender never blocks (non-blocking sockets, bounded rounds per stream),
 * so the ticks stay on time. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "iperf3_impl.h"
#include "sonde/clock.h"

/* After the client's end, how long the peer may take to answer. */
#define END_WAIT_NS (60LL * 1000000000LL)

static int64_t interval_ns(const struct ip3_test *t)
{
	return (int64_t)(t->set.interval_s * 1e9 + 0.5);
}

static bool client_end_reached(const struct ip3_test *t, int64_t now_ns)
{
	const struct ip3_settings *s = &t->set;

	if (t->role != 'c' || t->omitting)
		return false;
	if (s->bytes)
		return ip3_bytes_sent(t) >= s->bytes || ip3_bytes_received(t) >= s->bytes;
	return now_ns >= (int64_t)(s->duration_s * 1e9);
}

/* -b: the soonest a held-back sender may send again. */
static int64_t next_paced_send_ns(const struct ip3_test *t)
{
	int64_t soonest_ns = 1000000000LL;
	int i;

	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_stream *s = &t->streams[i];
		int64_t wait_ns;

		if (!s->sender || s->closed || s->released)
			continue;
		wait_ns = ip3_pace_wait_ns(t, s);
		if (wait_ns < soonest_ns)
			soonest_ns = wait_ns;
	}
	return soonest_ns;
}

static int64_t omit_end_ns(const struct ip3_test *t)
{
	return (int64_t)t->set.omit_s * 1000000000LL;
}

/* How long the poll may sleep: until the next tick, the end of -O's
 * seconds, the client's end, or a held-back sender's next send, whichever
 * first; in nanoseconds, as a paced sender's gaps are microseconds (a
 * millisecond's sleep at -u -b 1G held back ~85 datagrams, sent then at
 * once: more than a receiver's default buffer holds, lost on a veth). */
static int64_t poll_timeout_ns(const struct ip3_test *t, int64_t now_ns, int64_t done_at_ns)
{
	int64_t wake_ns = -1;

	if (t->done)
		wake_ns = done_at_ns + END_WAIT_NS;
	else {
		if (interval_ns(t) > 0)
			wake_ns = t->next_tick_ns;
		if (t->omitting && (wake_ns < 0 || omit_end_ns(t) < wake_ns))
			wake_ns = omit_end_ns(t);
		if (t->set.rate_bps) {
			int64_t pace_ns = now_ns + next_paced_send_ns(t);

			if (wake_ns < 0 || pace_ns < wake_ns)
				wake_ns = pace_ns;
		}
		if (t->role == 'c' && !t->set.bytes) {
			int64_t end_ns = (int64_t)(t->set.duration_s * 1e9);

			if (wake_ns < 0 || end_ns < wake_ns)
				wake_ns = end_ns;
		}
	}
	if (wake_ns < 0)
		return 1000000000LL;
	if (wake_ns <= now_ns)
		return 0;
	return wake_ns - now_ns;
}

static bool report_due(const struct ip3_test *t)
{
	return !t->done && interval_ns(t) > 0 && mono_ns() - t->start_mono_ns >= t->next_tick_ns;
}

/* Whether stream s wants to be polled, and for what. */
static short stream_events(const struct ip3_test *t, const struct ip3_stream *s)
{
	if (s->closed || s->released)
		return 0;
	if (s->sender)
		return t->done || (t->set.bytes && ip3_bytes_sent(t) >= t->set.bytes) || ip3_pace_wait_ns(t, s) > 0
			       ? 0
			       : POLLOUT;
	return POLLIN;
}

/* A client arriving during a test: iperf3 answers ACCESS_DENIED without
 * reading anything from it. */
static void turn_away(int listen_fd)
{
	signed char denied = IP3_ACCESS_DENIED;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (send(fd, &denied, 1, MSG_NOSIGNAL) < 0)
		denied = 0; /* that client is gone: nothing to tell it */
	close(fd);
}

/* The ready streams in turns, a block each a turn, as iperf3 serves
 * them: a sender that took its block whole has another turn, up to
 * IP3_IO_ROUNDS; a receiver takes one block a poll.  16 blocks of one
 * stream before the next cost more CPU per GB at -P 4. */
static int serve_streams(struct ip3_test *t, struct pollfd *stream_fds)
{
	int round, i, rc;

	for (round = 0; round < IP3_IO_ROUNDS; round++) {
		bool more = false;

		for (i = 0; i < t->stream_count; i++) {
			struct pollfd *p = &stream_fds[i];

			if (!p->revents || !p->events)
				continue;
			if ((rc = ip3_stream_io(t, &t->streams[i], p->revents)) < 0)
				return rc;
			if (rc == 0)
				p->revents = 0;
			more |= rc > 0;
		}
		/* many streams must not hold up a report that is due */
		if (!more || report_due(t))
			break;
	}
	return 0;
}

static int poll_once(struct ip3_test *t, struct pollfd *fds, int64_t timeout_ns, bool *ctrl_ready)
{
	struct timespec timeout = { .tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL };
	int n = 0, i, rc;

	fds[n++] = (struct pollfd){ .fd = t->ctrl_fd, .events = POLLIN };
	for (i = 0; i < t->stream_count; i++)
		fds[n++] = (struct pollfd){ .fd = t->streams[i].fd, .events = stream_events(t, &t->streams[i]) };
	fds[n++] = (struct pollfd){ .fd = t->role == 's' ? t->listen_fd : -1, .events = POLLIN };
	rc = ppoll(fds, (nfds_t)n, &timeout, NULL);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	if (fds[n - 1].revents & POLLIN)
		turn_away(t->listen_fd);
	*ctrl_ready = fds[0].revents != 0;
	return serve_streams(t, fds + 1);
}

static void tick(struct ip3_test *t, int64_t now_ns)
{
	int64_t step = interval_ns(t);

	if (t->done || step <= 0 || now_ns < t->next_tick_ns)
		return;
	ip3_stats_close_interval(t);
	ip3_out_intermediate(t);
	while (t->next_tick_ns <= now_ns)
		t->next_tick_ns += step;
}

/* -O's seconds are over: an interval due at the same moment is reported
 * first (iperf3's stats timer was set before its omit timer), then the
 * figures start over and the next report is an interval away. */
static bool end_omitting(struct ip3_test *t, int64_t now_ns)
{
	if (!t->omitting || t->done || now_ns < omit_end_ns(t))
		return false;
	tick(t, now_ns);
	ip3_stats_reset(t);
	t->next_tick_ns = interval_ns(t);
	return true;
}

int ip3_run_data(struct ip3_test *t)
{
	struct pollfd *fds = calloc((size_t)t->stream_count + 2, sizeof(*fds));
	int64_t done_at_ns = mono_ns() - t->start_mono_ns;
	int rc = 0;

	if (!fds)
		return -ENOMEM;
	if (!t->done)
		t->next_tick_ns = t->next_tick_ns ? t->next_tick_ns : interval_ns(t);
	for (;;) {
		int64_t now_ns = mono_ns() - t->start_mono_ns;
		bool ctrl_ready = false;

		if (t->done && now_ns > done_at_ns + END_WAIT_NS) {
			rc = -ETIMEDOUT;
			break;
		}
		if ((rc = poll_once(t, fds, poll_timeout_ns(t, now_ns, done_at_ns), &ctrl_ready)) < 0)
			break;
		if (ctrl_ready) {
			rc = 1;
			break;
		}
		now_ns = mono_ns() - t->start_mono_ns;
		/* the end before the tick: iperf3's timers skip a report due at the end */
		if (!t->done && client_end_reached(t, now_ns)) {
			rc = 0;
			break;
		}
		if (end_omitting(t, now_ns))
			continue; /* the clock starts over */
		tick(t, now_ns);
	}
	free(fds);
	return rc;
}
