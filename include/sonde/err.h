/* Diagnostics on stderr in one shape: "sonde APPLET: what failed: why".
 * libcore functions never exit; they return -errno and applets decide. */
#ifndef SONDE_ERR_H
#define SONDE_ERR_H

#include <stdarg.h>

/* "sonde nc", or "sonde" before an applet is chosen; set by the driver. */
extern const char *sonde_progname;
/* Set by -v in applets that have it; sonde_debug() prints only then. */
extern int sonde_verbosity;

void sonde_set_progname(const char *applet_name);

__attribute__((format(printf, 1, 2))) void sonde_err(const char *fmt, ...);
/* Appends ": strerror(errnum)"; errnum may be negative (-errno). */
__attribute__((format(printf, 2, 3))) void sonde_errno(int errnum, const char *fmt, ...);
__attribute__((format(printf, 2, 3), noreturn)) void sonde_die(int exit_code, const char *fmt, ...);
/* A usage error: prints "sonde APPLET: message (see --help)" and returns
 * SONDE_EXIT_USAGE, so applets can `return sonde_usage_error(...)`. */
__attribute__((format(printf, 1, 2))) int sonde_usage_error(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void sonde_debug(int level, const char *fmt, ...);
void sonde_verr(const char *fmt, va_list ap);
/* The last diagnostic's first line without the "sonde APPLET: " prefix
 * (sonde_debug's excepted), "" before any: what --json reports as "error"
 * when the run fails (docs/json.md). */
const char *sonde_last_error(void);
/* sonde_errno() with a va_list. */
void sonde_verrno(int errnum, const char *fmt, va_list ap);

#endif
