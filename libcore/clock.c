#include "sonde/clock.h"

int64_t timespec_to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

int64_t mono_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return timespec_to_ns(&now);
}

int64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

double ns_to_ms(int64_t ns)
{
	return (double)ns / 1e6;
}

int64_t deadline_after_ms(int64_t timeout_ms)
{
	if (timeout_ms <= 0)
		return 0;
	return mono_ms() + timeout_ms;
}

int deadline_poll_ms(int64_t deadline_ms)
{
	int64_t left;

	if (deadline_ms == 0)
		return -1;
	left = deadline_ms - mono_ms();
	if (left <= 0)
		return 0;
	return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

int deadline_passed(int64_t deadline_ms)
{
	return deadline_ms != 0 && mono_ms() >= deadline_ms;
}
