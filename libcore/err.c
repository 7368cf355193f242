/* Diagnostics: one shape, "sonde APPLET: message", always on stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/err.h"
#include "sonde/exitcode.h"

static char progname_buf[64] = "sonde";
const char *sonde_progname = progname_buf;
int sonde_verbosity;

void sonde_set_progname(const char *applet_name)
{
	if (applet_name)
		snprintf(progname_buf, sizeof(progname_buf), "sonde %s", applet_name);
	else
		snprintf(progname_buf, sizeof(progname_buf), "sonde");
}

void sonde_verr(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", sonde_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sonde_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sonde_verr(fmt, ap);
	va_end(ap);
}

void sonde_errno(int errnum, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", sonde_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errnum < 0 ? -errnum : errnum));
}

void sonde_die(int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sonde_verr(fmt, ap);
	va_end(ap);
	exit(exit_code);
}

int sonde_usage_error(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sonde_err("%s (see --help)", text);
	return SONDE_EXIT_USAGE;
}

void sonde_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (sonde_verbosity < level)
		return;
	va_start(ap, fmt);
	sonde_verr(fmt, ap);
	va_end(ap);
}
