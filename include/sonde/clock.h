/* Monotonic time: every timeout and RTT in sonde is measured on CLOCK_MONOTONIC. */
#ifndef SONDE_CLOCK_H
#define SONDE_CLOCK_H

#include <stdint.h>
#include <time.h>

int64_t mono_ns(void);
int64_t mono_ms(void);
double ns_to_ms(int64_t ns);
int64_t timespec_to_ns(const struct timespec *ts);

/* A deadline is an absolute mono_ms() value; 0 means "none". */
int64_t deadline_after_ms(int64_t timeout_ms);
/* Milliseconds left, for poll(): -1 when there is no deadline, 0 when passed. */
int deadline_poll_ms(int64_t deadline_ms);
int deadline_passed(int64_t deadline_ms);

#endif
