/* The probe engine's bookkeeping: the probe table with its hash of flows,
 * the send queue with pacing, timeouts and retries, and the event loop.
 * Sockets and packets are probe_io.c's. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe_impl.h"
#include "sonde/clock.h"

static int64_t drain_queue(struct probe_engine *e);

/* A probe ended: what it held is free, a held queue may go on. */
static void end_hold(struct probe_engine *e)
{
	e->hold_until_mono_ns = 0;
}

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

void probe_key_addr(struct probe_key *key, const struct sonde_addr *addr)
{
	key->family = (uint8_t)addr_family(addr);
	if (addr_family(addr) == AF_INET6)
		memcpy(key->remote, &addr->u.in6.sin6_addr, 16);
	else
		memcpy(key->remote, &addr->u.in4.sin_addr, 4);
}

/* --- the hash of flows ------------------------------------------------- */

static uint32_t key_hash(const struct probe_key *key)
{
	const uint8_t *p = (const uint8_t *)key;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*key); i++)
		h = (h ^ p[i]) * 16777619u;
	return h % PROBE_BUCKETS;
}

static uint32_t hash_find(const struct probe_engine *e, const struct probe_key *key)
{
	uint32_t at = e->buckets[key_hash(key)];

	while (at) {
		const struct probe_rec *rec = &e->recs[at - 1];

		if (memcmp(&rec->key, key, sizeof(*key)) == 0)
			return at;
		at = rec->hash_next;
	}
	return 0;
}

static void hash_add(struct probe_engine *e, uint32_t index)
{
	struct probe_rec *rec = &e->recs[index];
	uint32_t bucket = key_hash(&rec->key);

	rec->hash_next = e->buckets[bucket];
	e->buckets[bucket] = index + 1;
	rec->hashed = true;
}

static void hash_remove(struct probe_engine *e, uint32_t index)
{
	struct probe_rec *rec = &e->recs[index];
	uint32_t *link = &e->buckets[key_hash(&rec->key)];

	while (*link && *link != index + 1)
		link = &e->recs[*link - 1].hash_next;
	if (*link)
		*link = rec->hash_next;
	rec->hashed = false;
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
		end_hold(e);
	}
	if (rec->hashed)
		hash_remove(e, probe_id);
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

/* --- results ------------------------------------------------------------ */

static int64_t rtt_of(const struct probe_rec *rec, int64_t rx_real_ns, bool *kernel)
{
	int64_t user_rtt = mono_ns() - rec->sent_mono_ns;
	int64_t kernel_rtt = rx_real_ns - rec->sent_real_ns;

	*kernel = false;
	/* The kernel's stamp is on the wall clock: trust it unless the clock
	 * was stepped in between (then it disagrees with the monotonic one). */
	if (rx_real_ns > 0 && kernel_rtt >= 0 && kernel_rtt <= user_rtt + 1000000) {
		*kernel = true;
		return kernel_rtt;
	}
	return user_rtt;
}

void probe_finish(struct probe_engine *e, uint32_t index, struct probe_result *result, int64_t rx_real_ns)
{
	struct probe_rec *rec = &e->recs[index];

	if (rec->state == REC_DONE) {
		/* Only a second answer to an answered probe counts as a duplicate. */
		if (!rec->answered || result->outcome != PROBE_REPLY)
			return;
		result->duplicate = true;
	} else if (rec->state != REC_IN_FLIGHT) {
		return;
	} else {
		rec->state = REC_DONE;
		rec->answered = true;
		e->in_flight--;
		end_hold(e);
	}
	if (result->outcome == PROBE_TIMEOUT)
		rec->answered = false;
	if (result->outcome == PROBE_TIMEOUT || result->outcome == PROBE_LOCAL_ERROR)
		result->rtt_ns = -1;
	else if (!(result->kernel_timestamp && result->rtt_ns > 0)) /* the caller's own kernel figure wins */
		result->rtt_ns = rtt_of(rec, rx_real_ns, &result->kernel_timestamp);
	result->attempts = rec->attempts;
	if (rec->fd >= 0) {
		close(rec->fd);
		rec->fd = -1;
	}
	e->cfg.on_result(e->cfg.user, index, rec->spec.user, result);
}

void probe_deliver(struct probe_engine *e, const struct probe_key *key, struct probe_result *result,
		   int64_t rx_real_ns)
{
	uint32_t at = hash_find(e, key);

	if (at)
		probe_finish(e, at - 1, result, rx_real_ns);
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
		hash_remove(e, index);
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
		if (hash_find(e, &rec->key))
			return -1;
		e->queue_head = rec->queue_next;
		if (!e->queue_head)
			e->queue_tail = 0;
		rec->queue_next = 0;
		e->queued--;
		rec->state = REC_IN_FLIGHT;
		e->in_flight++;
		hash_add(e, index);
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
