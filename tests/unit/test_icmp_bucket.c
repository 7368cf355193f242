/* The ICMP rate-limit model on fixed times (nanoseconds from 0). */
#include "sonde/icmp_bucket.h"
#include "tap.h"

#define MS 1000000LL

int main(void)
{
	struct icmp_bucket b;

	icmp_bucket_init(&b, 0);
	is_int((int)(b.refill_ns / MS), 1000, "the refill bound starts at Linux's one second");
	is_int((int)(icmp_bucket_ready_ns(&b) / MS), 1030, "ready a refill and its margin after the start");

	icmp_bucket_drew(&b, 100 * MS, 101 * MS);
	is_int((int)(icmp_bucket_ready_ns(&b) / MS), 1131, "an error's arrival may have emptied it");
	icmp_bucket_maybe_empty(&b, 50 * MS);
	is_int((int)(icmp_bucket_ready_ns(&b) / MS), 1131, "an earlier silence moves nothing back");
	icmp_bucket_maybe_empty(&b, 500 * MS);
	is_int((int)(icmp_bucket_ready_ns(&b) / MS), 1530, "a later unproven silence restarts the wait");
	is_int((int)(icmp_bucket_credit_ns(&b, 800 * MS) / MS), 300, "credit: time since possibly empty");

	/* Silent at 1000 ms, then draws sent at 1100, 1200, 1300 ms: three
	 * tokens in 300 ms need two refills, so at most 150 ms each. */
	icmp_bucket_init(&b, 0);
	icmp_bucket_drew(&b, 1100 * MS, 1101 * MS);
	icmp_bucket_drew(&b, 1200 * MS, 1201 * MS);
	icmp_bucket_drew(&b, 1300 * MS, 1301 * MS);
	is_int((int)icmp_bucket_draws_between(&b, 1000 * MS, 1300 * MS), 3, "draws counted in the window");
	is_int((int)icmp_bucket_draws_between(&b, 1100 * MS, 1250 * MS), 1, "window bounds: after, up to");
	icmp_bucket_learn(&b, 1000 * MS, 1300 * MS);
	is_int((int)(b.refill_ns / MS), 150, "the refill bound learned from a proven-empty silence");
	icmp_bucket_learn(&b, 0, 1300 * MS);
	is_int((int)(b.refill_ns / MS), 150, "no silence, nothing learned");
	icmp_bucket_learn(&b, 1250 * MS, 1300 * MS);
	is_int((int)(b.refill_ns / MS), 150, "one draw bounds nothing");
	is_int((int)(icmp_bucket_margin_ns(&b) / MS), 13, "margin: a jiffy and a fiftieth of the interval");
	return tap_exit();
}
