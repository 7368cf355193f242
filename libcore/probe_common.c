/* What the engine's bookkeeping (probe.c) and its receive side
 * (probe_io.c, probe_recv.c) share: the hash of flows that matches a reply
 * to its probe, and a probe's end, its result handed to the caller. */
#include <string.h>
#include <unistd.h>

#include "probe_impl.h"
#include "sonde/clock.h"

void probe_end_hold(struct probe_engine *e)
{
	e->hold_until_mono_ns = 0;
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

uint32_t probe_hash_find(const struct probe_engine *e, const struct probe_key *key)
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

void probe_hash_add(struct probe_engine *e, uint32_t index)
{
	struct probe_rec *rec = &e->recs[index];
	uint32_t bucket = key_hash(&rec->key);

	rec->hash_next = e->buckets[bucket];
	e->buckets[bucket] = index + 1;
	rec->hashed = true;
}

void probe_hash_remove(struct probe_engine *e, uint32_t index)
{
	struct probe_rec *rec = &e->recs[index];
	uint32_t *link = &e->buckets[key_hash(&rec->key)];

	while (*link && *link != index + 1)
		link = &e->recs[*link - 1].hash_next;
	if (*link)
		*link = rec->hash_next;
	rec->hashed = false;
}

/* --- a probe's end ---------------------------------------------------- */

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
		probe_end_hold(e);
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
	uint32_t at = probe_hash_find(e, key);

	if (at)
		probe_finish(e, at - 1, result, rx_real_ns);
}
