/* A model of a peer's ICMP error rate limit, from outside.  Linux (and most
 * systems) send ICMP errors through a token bucket per peer
 * (net.ipv4.icmp_ratelimit: one a second after a burst of six; for IPv6,
 * net.ipv6.icmp.ratelimit, less for wide routes), so silence from a host
 * that answers with errors may be its limiter rather than loss.  The model
 * knows only what answers prove:
 *
 *   - after an error arrives the bucket may be empty, and likewise after a
 *     silence not proven to be loss: empty_since is the latest such moment;
 *     a token has certainly refilled refill_ns (plus a margin) later;
 *   - the refill interval starts at one second (Linux's IPv4 default) and
 *     only shrinks on proof: a probe silent at e for want of a token, then
 *     c errors drawn by probes sent from e to t, bound it by (t - e) / (c - 1).
 *
 * scan's UDP scan and traceroute's report pace their probes with it. */
#ifndef SONDE_ICMP_BUCKET_H
#define SONDE_ICMP_BUCKET_H

#include <stddef.h>
#include <stdint.h>

#define ICMP_BUCKET_HISTORY 64

struct icmp_bucket {
	int64_t refill_ns;       /* an upper bound of the refill interval */
	int64_t empty_since_ns;  /* the bucket may have been empty then */
	int64_t draws_ns[ICMP_BUCKET_HISTORY]; /* send times of the last probes that drew an error */
	size_t draw_count;
};

/* A bucket about which nothing is known yet: possibly empty at now_ns. */
void icmp_bucket_init(struct icmp_bucket *b, int64_t now_ns);
/* A probe sent at sent_ns drew an error, which arrived at arrived_ns: the
 * bucket held a token then, and may hold none after. */
void icmp_bucket_drew(struct icmp_bucket *b, int64_t sent_ns, int64_t arrived_ns);
/* A silence not proven to be loss: the bucket may have been empty at at_ns. */
void icmp_bucket_maybe_empty(struct icmp_bucket *b, int64_t at_ns);
/* What the peer's clock may add to a refill: a jiffy-granular bucket
 * (10 ms at HZ=100) and a share of the interval. */
int64_t icmp_bucket_margin_ns(const struct icmp_bucket *b);
/* When a token has certainly refilled since the bucket was last possibly empty. */
int64_t icmp_bucket_ready_ns(const struct icmp_bucket *b);
/* Refill time earned since the bucket was last possibly empty, at now_ns. */
int64_t icmp_bucket_credit_ns(const struct icmp_bucket *b, int64_t now_ns);
/* Draws by probes sent after after_ns and up to until_ns. */
size_t icmp_bucket_draws_between(const struct icmp_bucket *b, int64_t after_ns, int64_t until_ns);
/* A probe silent at silent_ns (for want of a token) and the draws since,
 * up to one sent at drew_sent_ns, bound the refill interval. */
void icmp_bucket_learn(struct icmp_bucket *b, int64_t silent_ns, int64_t drew_sent_ns);

#endif
