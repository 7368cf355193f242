/* The probe engine's bookkeeping: the probe table, the send queue with
 * pacing, timeouts and retries, and the event loop.  Sockets and packets
 * are probe_io.c's and probe_recv.c's; the hash of flows and a probe's end
 * are probe_common.c's, as the receive side needs them too. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe_impl.h"
#include "sonde/clock.h"

static int64_t drain_queue(struct probe_engine *e);

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return timespec_to_ns(&ts);
}

const char *probe_sock_kind_name(enum probe_sock_kind kind)
{
	switch (kind) {
	case PROBE_SOCK_RAW: return "raw";
	case PROBE_SOCK_ICMP_DGRAM: return "icmp-dgram";
	case PROBE_SOCK_UDP_RECVERR: return "udp-recverr";
	case PROBE_SOCK_TCP_STREAM: return "tcp-connect";
	case PROBE_SOCK_AUTO: break;
	}
	return "none";
}

int probe_engine_open(const struct probe_config *cfg, struct probe_engine **engine)
{
	struct probe_engine *e;
	int rc;

	*engine = NULL;
	if (!cfg->on_result || (cfg->family != AF_INET && cfg->family != AF_INET6))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->cfg = *cfg;
	e->send_fd = e->icmp_fd = e->port_fd = -1;
	e->tx_buf = malloc(PROBE_MAX_PACKET);
	e->rx_buf = malloc(PROBE_MAX_PACKET);
	rc = e->tx_buf && e->rx_buf ? probe_io_open(e) : -ENOMEM;
	if (rc < 0) {
		probe_engine_close(e);
		return rc;
	}
	*engine = e;
	return 0;
}

void probe_engine_close(struct probe_engine *e)
{
	uint32_t i;

	if (!e)
		return;
	for (i = 0; i < e->rec_count; i++) {
		if (e->recs[i].fd >= 0)
			close(e->recs[i].fd);
		free(e->recs[i].payload_copy);
	}
	probe_io_close(e);
	while (e->spare_count)
		close(e->spare_fds[--e->spare_count]);
	free(e->spare_fds);
	free(e->pollfds);
	free(e->poll_owners);
	free(e->recs);
	free(e->tx_buf);
	free(e->rx_buf);
	free(e);
}

enum probe_sock_kind probe_engine_kind(const struct probe_engine *e)
{
	return e->kind;
}

uint16_t probe_engine_local_id(const struct probe_engine *e)
{
	return e->local_id;
}

void probe_interrupt(struct probe_engine *e)
{
	e->interrupted = true;
}

size_t probe_pending(const struct probe_engine *e)
{
	return e->queued + e->in_flight;
}

/* --- the table ----------------------------------------------------------- */

static int rec_alloc(struct probe_engine *e, uint32_t *index)
{
	if (e->free_head) {
		*index = e->free_head - 1;
		e->free_head = e->recs[*index].queue_next;
	} else {
		if (e->rec_count == e->rec_cap) {
			uint32_t cap = e->rec_cap ? e->rec_cap * 2 : 64;
			struct probe_rec *grown = realloc(e->recs, cap * sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			e->recs = grown;
			e->rec_cap = cap;
		}
		*index = e->rec_count++;
	}
	memset(&e->recs[*index], 0, sizeof(e->recs[*index]));
	e->recs[*index].fd = -1;
	return 0;
}

int probe_submit(struct probe_engine *e, const struct probe_spec *spec, uint32_t *probe_id)
{
	struct probe_rec *rec;
	uint32_t index;
	int rc;

	if (addr_family(&spec->dst) != e->cfg.family)
		return -EAFNOSUPPORT;
	rc = rec_alloc(e, &index);
	if (rc < 0)
		return rc;
	rec = &e->recs[index];
	rec->spec = *spec;
	if (spec->payload && spec->payload_len) {
		rec->payload_copy = malloc(spec->payload_len);
		if (!rec->payload_copy) {
			rec->queue_next = e->free_head;
			e->free_head = index + 1;
			return -ENOMEM;
		}
		memcpy(rec->payload_copy, spec->payload, spec->payload_len);
		rec->spec.payload = rec->payload_copy;
	}
	probe_io_make_key(e, rec, &rec->key);
	rec->state = REC_QUEUED;
	if (e->queue_tail)
		e->recs[e->queue_tail - 1].queue_next = index + 1;
	else
		e->queue_head = index + 1;
	e->queue_tail = index + 1;
	e->queued++;
	*probe_id = index;
	drain_queue(e);
	return 0;
}

void probe_release(struct probe_engine *e, uint32_t probe_id)
{
	struct probe_rec *rec;

	if (probe_id >= e->rec_count || e->recs[probe_id].state == REC_FREE)
		return;
	rec = &e->recs[probe_id];
	if (rec->state == REC_QUEUED)
		return; /* still in the queue: it is sent, then may be released */
	if (rec->state == REC_IN_FLIGHT) {
		e->in_flight--;
		probe_end_hold(e);
	}
	if (rec->hashed)
		probe_hash_remove(e, probe_id);
	if (rec->fd >= 0)
		close(rec->fd);
	free(rec->payload_copy);
	memset(rec, 0, sizeof(*rec));
	rec->fd = -1;
	rec->state = REC_FREE;
	rec->queue_next = e->free_head;
	e->free_head = probe_id + 1;
}

void probe_retime(struct probe_engine *e, int timeout_ms)
{
	int64_t timeout_ns = (int64_t)timeout_ms * 1000000;
	uint32_t i;

	if (timeout_ms <= 0)
		return;
	for (i = 0; i < e->rec_count; i++) {
		struct probe_rec *rec = &e->recs[i];

		if ((rec->state != REC_QUEUED && rec->state != REC_IN_FLIGHT) || rec->spec.timeout_ms <= timeout_ms)
			continue;
		rec->spec.timeout_ms = timeout_ms;
		if (rec->state == REC_IN_FLIGHT && rec->deadline_mono_ns > rec->sent_mono_ns + timeout_ns)
			rec->deadline_mono_ns = rec->sent_mono_ns + timeout_ns;
	}
}

/* --- sending, timeouts, the loop ------------------------------------------ */

/* Gaps shorter than this are kept on average rather than between every two
 * sends: poll() waits whole milliseconds, so a sender that wakes late makes
 * the missed slots up at once (a burst of at most this long's worth). */
#define PACE_CATCH_UP_NS 1000000

static bool may_send_now(const struct probe_engine *e, int64_t now_ns, int64_t *wait_ns)
{
	*wait_ns = -1;
	if (e->cfg.max_in_flight && e->in_flight >= e->cfg.max_in_flight)
		return false;
	if (e->hold_until_mono_ns && now_ns < e->hold_until_mono_ns) {
		*wait_ns = e->hold_until_mono_ns - now_ns;
		return false;
	}
	if (e->cfg.send_gap_us > 0 && e->next_send_mono_ns && now_ns < e->next_send_mono_ns) {
		*wait_ns = e->next_send_mono_ns - now_ns;
		return false;
	}
	return true;
}

/* When the send after one at now_ns may go.  Longer gaps (--scan-delay)
 * hold between every two probes. */
static void paced(struct probe_engine *e, int64_t now_ns)
{
	int64_t gap_ns = e->cfg.send_gap_us * 1000;

	if (gap_ns < PACE_CATCH_UP_NS && e->next_send_mono_ns > now_ns - PACE_CATCH_UP_NS)
		e->next_send_mono_ns += gap_ns;
	else
		e->next_send_mono_ns = now_ns + gap_ns;
}

/* Errors that say this host ran short (descriptors, buffers, local ports),
 * not what the network or the target did: never a probe's answer. */
static bool local_shortage(int rc)
{
	return rc == -EMFILE || rc == -ENFILE || rc == -ENOBUFS || rc == -ENOMEM || rc == -EAGAIN ||
	       rc == -EADDRNOTAVAIL;
}

/* Puts a probe whose send met a shortage back at the head of the queue, as
 * if never sent, and holds the queue.  False when the shortage has lasted
 * too long with nothing in flight that could end it: then it is reported. */
static bool requeue_after_shortage(struct probe_engine *e, uint32_t index, int64_t now_ns)
{
	struct probe_rec *rec = &e->recs[index];

	if (e->in_flight > 1)
		e->shortage_since_mono_ns = 0;
	else if (!e->shortage_since_mono_ns)
		e->shortage_since_mono_ns = now_ns;
	else if (now_ns - e->shortage_since_mono_ns > PROBE_SHORTAGE_GIVE_UP_NS)
		return false;
	if (rec->fd >= 0) {
		close(rec->fd);
		rec->fd = -1;
	}
	rec->attempts--;
	rec->deadline_mono_ns = 0;
	if (rec->hashed)
		probe_hash_remove(e, index);
	rec->state = REC_QUEUED;
	e->in_flight--;
	rec->queue_next = e->queue_head;
	e->queue_head = index + 1;
	if (!e->queue_tail)
		e->queue_tail = index + 1;
	e->queued++;
	e->hold_until_mono_ns = now_ns + PROBE_SHORTAGE_HOLD_NS;
	return true;
}

static void send_rec(struct probe_engine *e, uint32_t index)
{
	struct probe_rec *rec = &e->recs[index];
	int rc;

	rec->attempts++;
	rec->sent_real_ns = real_ns();
	rec->sent_mono_ns = mono_ns();
	paced(e, rec->sent_mono_ns);
	rec->deadline_mono_ns = rec->spec.timeout_ms > 0
		? rec->sent_mono_ns + (int64_t)rec->spec.timeout_ms * 1000000 : 0;
	rc = probe_io_send(e, rec);
	rec = &e->recs[index]; /* a drained error queue may have run callbacks */
	if (rc < 0 && local_shortage(rc) && rec->state == REC_IN_FLIGHT &&
	    requeue_after_shortage(e, index, mono_ns()))
		return;
	if (rc == 0)
		e->shortage_since_mono_ns = 0;
	if (rc < 0) {
		struct probe_result result = { .outcome = PROBE_LOCAL_ERROR, .ttl = -1, .error = rc };

		result.from = rec->spec.dst;
		if (rc == -EMSGSIZE)
			result.mtu = probe_io_path_mtu(e, &rec->spec.dst);
		probe_finish(e, index, &result, 0);
	}
}

/* Sends queued probes while pacing allows; returns ns until the next slot
 * when the queue waits for time, else -1. */
static int64_t drain_queue(struct probe_engine *e)
{
	int64_t wait_ns = -1;

	while (e->queue_head) {
		uint32_t index = e->queue_head - 1;
		struct probe_rec *rec = &e->recs[index];

		if (!may_send_now(e, mono_ns(), &wait_ns))
			return wait_ns;
		/* A flow still in use (not released) holds the queue. */
		if (probe_hash_find(e, &rec->key))
			return -1;
		e->queue_head = rec->queue_next;
		if (!e->queue_head)
			e->queue_tail = 0;
		rec->queue_next = 0;
		e->queued--;
		rec->state = REC_IN_FLIGHT;
		e->in_flight++;
		probe_hash_add(e, index);
		send_rec(e, index);
	}
	return -1;
}

/* Fires due timeouts (or retries); returns ns until the next deadline or -1. */
static int64_t run_timers(struct probe_engine *e)
{
	int64_t now = mono_ns(), next = -1;
	uint32_t i;

	for (i = 0; i < e->rec_count; i++) {
		struct probe_rec *rec = &e->recs[i];

		if (rec->state != REC_IN_FLIGHT || !rec->deadline_mono_ns)
			continue;
		if (rec->deadline_mono_ns > now) {
			if (next < 0 || rec->deadline_mono_ns - now < next)
				next = rec->deadline_mono_ns - now;
			continue;
		}
		if (rec->attempts <= rec->spec.retries) {
			if (rec->fd >= 0) {
				close(rec->fd);
				rec->fd = -1;
			}
			send_rec(e, i);
			now = mono_ns();
			continue;
		}
		struct probe_result result = { .outcome = PROBE_TIMEOUT, .ttl = -1 };

		result.from = rec->spec.dst;
		probe_finish(e, i, &result, 0);
	}
	return next;
}

static int ns_to_poll_ms(int64_t ns)
{
	if (ns < 0)
		return -1;
	if (ns > 0x7fffffffLL * 1000000)
		return 0x7fffffff;
	return (int)((ns + 999999) / 1000000);
}

static int min_wait(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* The poll set: the engine's sockets, then every pending connect. */
static size_t build_pollset(struct probe_engine *e)
{
	size_t n = 0, want = 3 + e->in_flight;
	uint32_t i;

	if (want > e->poll_cap) {
		struct pollfd *grown = realloc(e->pollfds, want * sizeof(*grown));
		uint32_t *grown_owners;

		if (!grown)
			return 0;
		e->pollfds = grown;
		grown_owners = realloc(e->poll_owners, want * sizeof(*grown_owners));
		if (!grown_owners)
			return 0;
		e->poll_owners = grown_owners;
		e->poll_cap = want;
	}
	if (e->send_fd >= 0)
		e->pollfds[n++] = (struct pollfd){ .fd = e->send_fd, .events = POLLIN };
	if (e->icmp_fd >= 0)
		e->pollfds[n++] = (struct pollfd){ .fd = e->icmp_fd, .events = POLLIN };
	for (i = 0; i < e->rec_count && n < e->poll_cap; i++) {
		if (e->recs[i].state != REC_IN_FLIGHT || e->recs[i].fd < 0)
			continue;
		e->poll_owners[n] = i;
		e->pollfds[n++] = (struct pollfd){ .fd = e->recs[i].fd, .events = POLLOUT };
	}
	return n;
}

int probe_poll(struct probe_engine *e, int max_wait_ms)
{
	int64_t queue_ns, timer_ns;
	struct pollfd *fds;
	size_t n, i, engine_fds;
	int wait_ms, ready;

	queue_ns = drain_queue(e);
	timer_ns = run_timers(e);
	wait_ms = min_wait(max_wait_ms, min_wait(ns_to_poll_ms(queue_ns), ns_to_poll_ms(timer_ns)));
	n = build_pollset(e);
	engine_fds = (e->send_fd >= 0) + (e->icmp_fd >= 0);
	fds = e->pollfds;
	ready = poll(fds, n, wait_ms);
	if (ready < 0)
		return errno == EINTR ? -EINTR : -errno;
	e->interrupted = false;
	for (i = 0; ready > 0 && i < n && !e->interrupted; i++) {
		if (!fds[i].revents)
			continue;
		if (i < engine_fds)
			probe_io_drain(e, fds[i].fd);
		else
			probe_io_connect_done(e, e->poll_owners[i], fds[i].revents & POLLHUP);
	}
	if (e->interrupted)
		return 0;
	run_timers(e);
	drain_queue(e);
	return 0;
}
