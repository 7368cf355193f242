/* The connection-tracking table in a few numbers: its fill against
 * nf_conntrack_max, protocols and TCP states, unreplied entries, the top
 * destinations, sources and ports, and the kernel's error counters.
 * One streaming pass over the dump; the top lists count in bounded hash
 * tables, so a table of millions of entries needs a few megabytes. */
#include <errno.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/conntrack.h"

#define TALLY_FIRST_CAPACITY 1024

const unsigned ct_summary_counter_ids[CT_SUMMARY_COUNTERS] = {
	CTA_STATS_INSERT_FAILED, CTA_STATS_DROP, CTA_STATS_EARLY_DROP, CTA_STATS_INVALID,
	CTA_STATS_ERROR, CTA_STATS_CLASH_RESOLVE, CTA_STATS_CHAIN_TOOLONG,
};

const char *ct_counter_explain(unsigned id)
{
	switch (id) {
	case CTA_STATS_INSERT_FAILED:
		return "new entries that lost an insert race (two packets of one new flow at once, "
		       "e.g. parallel A and AAAA DNS queries from one UDP socket); each drops a packet: "
		       "the classic Kubernetes 5-second DNS delay";
	case CTA_STATS_DROP:
		return "packets dropped because no entry could be made for them (table full at "
		       "nf_conntrack_max, or out of memory)";
	case CTA_STATS_EARLY_DROP:
		return "entries evicted before their time to make room: the table is at its limit";
	case CTA_STATS_INVALID:
		return "packets conntrack could not track (out-of-window TCP, bad checksums); "
		       "'ct state invalid drop' rules drop them";
	case CTA_STATS_ERROR:
		return "packets a protocol tracker rejected as malformed";
	case CTA_STATS_CLASH_RESOLVE:
		return "insert races the kernel resolved by reusing the existing entry (no packet lost)";
	case CTA_STATS_CHAIN_TOOLONG:
		return "entries refused because a hash chain grew too long (many flows hashing alike)";
	default:
		return "";
	}
}

/* --- bounded counting ---------------------------------------------------- */

static size_t key_hash(const uint8_t *key)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < CT_TALLY_KEY_LEN; i++)
		h = (h ^ key[i]) * 16777619u;
	return h;
}

static struct ct_tally_slot *tally_find(struct ct_tally_slot *slots, size_t capacity, const uint8_t *key)
{
	size_t i = key_hash(key) & (capacity - 1);

	while (slots[i].count && memcmp(slots[i].key, key, CT_TALLY_KEY_LEN) != 0)
		i = (i + 1) & (capacity - 1);
	return &slots[i];
}

static int tally_grow(struct ct_tally *t)
{
	size_t capacity = t->capacity ? t->capacity * 2 : TALLY_FIRST_CAPACITY, i;
	struct ct_tally_slot *slots = calloc(capacity, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < t->capacity; i++)
		if (t->slots[i].count)
			*tally_find(slots, capacity, t->slots[i].key) = t->slots[i];
	free(t->slots);
	t->slots = slots;
	t->capacity = capacity;
	return 0;
}

int ct_tally_add(struct ct_tally *t, const uint8_t key[CT_TALLY_KEY_LEN])
{
	struct ct_tally_slot *slot;

	/* Keep the table at most half full, and the number of keys bounded. */
	if ((t->used + 1) * 2 > t->capacity && t->used < CT_TALLY_MAX_KEYS) {
		int rc = tally_grow(t);

		if (rc < 0)
			return rc;
	}
	slot = tally_find(t->slots, t->capacity, key);
	if (slot->count) {
		slot->count++;
		return 0;
	}
	if (t->used >= CT_TALLY_MAX_KEYS) {
		t->untracked++;
		return 0;
	}
	memcpy(slot->key, key, CT_TALLY_KEY_LEN);
	slot->count = 1;
	t->used++;
	return 0;
}

void ct_tally_free(struct ct_tally *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

size_t ct_tally_top(const struct ct_tally *t, struct ct_top_item *top, size_t n)
{
	size_t found = 0, i;

	for (i = 0; i < t->capacity && n; i++) {
		const struct ct_tally_slot *slot = &t->slots[i];
		size_t pos;

		if (!slot->count || (found == n && slot->count <= top[n - 1].count))
			continue;
		/* Insertion into the short sorted list (ties keep the first seen). */
		pos = found < n ? found++ : n - 1;
		while (pos > 0 && top[pos - 1].count < slot->count) {
			top[pos] = top[pos - 1];
			pos--;
		}
		memcpy(top[pos].key, slot->key, CT_TALLY_KEY_LEN);
		top[pos].count = slot->count;
	}
	return found;
}

const char *ct_top_addr_text(const struct ct_top_item *item, char *buf, size_t size)
{
	return ct_addr_ntop(item->key[0], item->key + 1, buf, size);
}

const char *ct_top_port_text(const struct ct_top_item *item, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%u", ct_proto_name(item->key[0]), (unsigned)(item->key[1] << 8 | item->key[2]));
	return buf;
}

/* --- the pass over the table --------------------------------------------- */

struct summary_walk {
	struct ct_summary *summary;
	const struct ct_filter *filter;
};

static int count_entry(const struct ct_entry *e, void *arg)
{
	struct summary_walk *walk = arg;
	struct ct_summary *s = walk->summary;
	uint8_t key[CT_TALLY_KEY_LEN];
	int rc;

	if (walk->filter && !ct_filter_match(walk->filter, e))
		return 0;
	s->entries++;
	s->per_proto[e->orig.proto]++;
	if (e->has_tcp_state)
		s->tcp_states[e->tcp_state < 10 ? e->tcp_state : 10]++;
	if (e->has_status && !(e->status & CT_STATUS_SEEN_REPLY))
		s->unreplied++;
	if (e->has_status && (e->status & CT_STATUS_ASSURED))
		s->assured++;
	memset(key, 0, sizeof(key));
	key[0] = (uint8_t)e->family;
	memcpy(key + 1, e->orig.dst, 16);
	if ((rc = ct_tally_add(&s->destinations, key)) < 0)
		return rc;
	memcpy(key + 1, e->orig.src, 16);
	if ((rc = ct_tally_add(&s->sources, key)) < 0)
		return rc;
	if (e->orig.has_ports) {
		memset(key, 0, sizeof(key));
		key[0] = e->orig.proto;
		key[1] = (uint8_t)(e->orig.dport >> 8);
		key[2] = (uint8_t)e->orig.dport;
		if ((rc = ct_tally_add(&s->dest_ports, key)) < 0)
			return rc;
	}
	return 0;
}

static int sum_cpu(const struct ct_cpu_stats *stats, void *arg)
{
	struct ct_summary *s = arg;
	unsigned i;

	s->has_cpu_stats = true;
	s->counters_present |= stats->present;
	for (i = 0; i < CT_STATS_COUNT; i++)
		s->counters[i] += stats->value[i];
	return 0;
}

int ct_summary_collect(const struct ct_filter *filter, struct ct_summary *s)
{
	struct summary_walk walk = { s, filter };
	int rc;

	memset(s, 0, sizeof(*s));
	rc = ct_global_stats(&s->global);
	if (rc < 0)
		return rc;
	if (!s->global.has_max_entries && ct_sysctl_read("nf_conntrack_max", &s->max_from_sysctl) < 0)
		s->max_from_sysctl = 0;
	rc = ct_dump(filter ? filter->family : AF_UNSPEC, count_entry, &walk);
	if (rc < 0)
		return rc;
	return ct_cpu_stats(sum_cpu, s);
}

void ct_summary_free(struct ct_summary *s)
{
	ct_tally_free(&s->destinations);
	ct_tally_free(&s->sources);
	ct_tally_free(&s->dest_ports);
}

unsigned long ct_summary_max(const struct ct_summary *s)
{
	return s->global.has_max_entries ? s->global.max_entries : s->max_from_sysctl;
}

double ct_summary_usage_pct(const struct ct_summary *s)
{
	unsigned long max = ct_summary_max(s);
	unsigned long entries = s->global.has_entries ? s->global.entries : s->entries;

	return max ? 100.0 * (double)entries / (double)max : 0.0;
}
