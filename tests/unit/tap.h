/* A minimal TAP producer for libcore unit tests.  Lines are unnumbered
 * ("ok - name"); tests/unit.t counts them and writes the plan. */
#ifndef SONDE_TAP_H
#define SONDE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_failures;

__attribute__((format(printf, 4, 5))) static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", pass ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failures++;
	}
	fflush(stdout);
	return pass;
}

/* A TAP skip: counted as a pass, announced with its reason. */
static inline void tap_skip(const char *name, const char *reason)
{
	printf("ok - %s # skip %s\n", name, reason);
	fflush(stdout);
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, name)                                                                          \
	do {                                                                                             \
		long long got_ = (long long)(got), want_ = (long long)(want);                            \
		if (!tap_ok(got_ == want_, __FILE__, __LINE__, "%s", name))                              \
			printf("#   got %lld, want %lld\n", got_, want_);                                    \
	} while (0)

#define is_str(got, want, name)                                                                          \
	do {                                                                                             \
		const char *got_ = (got), *want_ = (want);                                               \
		int same_ = (got_ && want_) ? strcmp(got_, want_) == 0 : got_ == want_;                  \
		if (!tap_ok(same_, __FILE__, __LINE__, "%s", name))                                      \
			printf("#   got  '%s'\n#   want '%s'\n", got_ ? got_ : "(null)",                     \
			       want_ ? want_ : "(null)");                                                \
	} while (0)

static inline int tap_exit(void)
{
	return tap_failures ? 1 : 0;
}

#endif
