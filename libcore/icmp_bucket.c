/* A peer's ICMP error rate limit as answers prove it (sonde/icmp_bucket.h). */
#include "sonde/icmp_bucket.h"

/* Linux's IPv4 default: the starting bound, until a peer proves less. */
#define REFILL_GUESS_NS 1000000000LL
#define REFILL_FLOOR_NS 1000000LL

void icmp_bucket_init(struct icmp_bucket *b, int64_t now_ns)
{
	*b = (struct icmp_bucket){ .refill_ns = REFILL_GUESS_NS, .empty_since_ns = now_ns };
}

void icmp_bucket_drew(struct icmp_bucket *b, int64_t sent_ns, int64_t arrived_ns)
{
	b->draws_ns[b->draw_count++ % ICMP_BUCKET_HISTORY] = sent_ns;
	if (arrived_ns > b->empty_since_ns)
		b->empty_since_ns = arrived_ns;
}

void icmp_bucket_maybe_empty(struct icmp_bucket *b, int64_t at_ns)
{
	if (at_ns > b->empty_since_ns)
		b->empty_since_ns = at_ns;
}

int64_t icmp_bucket_margin_ns(const struct icmp_bucket *b)
{
	/* The credit counts from an error's arrival here, a round trip after
	 * the token went, so delays only add to it; what is left is the
	 * peer's clock: the bucket refills in jiffies (10 ms at HZ=100). */
	return b->refill_ns / 50 + 10000000;
}

int64_t icmp_bucket_ready_ns(const struct icmp_bucket *b)
{
	return b->empty_since_ns + b->refill_ns + icmp_bucket_margin_ns(b);
}

int64_t icmp_bucket_credit_ns(const struct icmp_bucket *b, int64_t now_ns)
{
	return now_ns - b->empty_since_ns;
}

size_t icmp_bucket_draws_between(const struct icmp_bucket *b, int64_t after_ns, int64_t until_ns)
{
	size_t i, n = b->draw_count < ICMP_BUCKET_HISTORY ? b->draw_count : ICMP_BUCKET_HISTORY, count = 0;

	for (i = 0; i < n; i++)
		count += b->draws_ns[i] > after_ns && b->draws_ns[i] <= until_ns;
	return count;
}

/* The bucket held less than one token at silent_ns: the c draws sent since
 * needed c - 1 refills at least. */
void icmp_bucket_learn(struct icmp_bucket *b, int64_t silent_ns, int64_t drew_sent_ns)
{
	size_t draws;
	int64_t bound_ns;

	if (silent_ns == 0)
		return;
	draws = icmp_bucket_draws_between(b, silent_ns, drew_sent_ns);
	if (draws < 2)
		return;
	bound_ns = (drew_sent_ns - silent_ns) / (int64_t)(draws - 1);
	if (bound_ns < REFILL_FLOOR_NS)
		bound_ns = REFILL_FLOOR_NS;
	if (bound_ns < b->refill_ns)
		b->refill_ns = bound_ns;
}
