/* Diagnostics: one shape, "sonde APPLET: message", always on stderr. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/out.h"

static char progname_buf[64] = "sonde";
/* Long enough for any one-line message; a longer one is cut. */
static char last_error[1024];
const char *sonde_progname = progname_buf;
int sonde_verbosity;

void sonde_set_progname(const char *applet_name)
{
	if (applet_name)
		snprintf(progname_buf, sizeof(progname_buf), "sonde %s", applet_name);
	else
		snprintf(progname_buf, sizeof(progname_buf), "sonde");
}

const char *sonde_last_error(void)
{
	return last_error;
}

static void remember(const char *text, bool with_errno, int errnum)
{
	snprintf(last_error, sizeof(last_error), "%s%s%s", text, with_errno ? ": " : "",
		 with_errno ? strerror(errnum < 0 ? -errnum : errnum) : "");
}

/* A message is one line whatever its arguments hold: a host name typed
 * with an escape sequence, a server's reason phrase... are escaped. */
static void err_write(const char *fmt, va_list ap, bool with_errno, int errnum, bool failure)
{
	char small[512], *text = small;
	va_list copy;
	int len;

	va_copy(copy, ap);
	len = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (len >= (int)sizeof(small)) {
		text = malloc((size_t)len + 1);
		if (text)
			vsnprintf(text, (size_t)len + 1, fmt, ap);
		else
			text = small;
	}
	if (failure)
		remember(len < 0 ? fmt : text, with_errno, errnum);
	fflush(stdout);
	fprintf(stderr, "%s: ", sonde_progname);
	text_write_escaped(stderr, len < 0 ? fmt : text);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(errnum < 0 ? -errnum : errnum));
	fputc('\n', stderr);
	if (text != small)
		free(text);
}

void sonde_verr(const char *fmt, va_list ap)
{
	err_write(fmt, ap, false, 0, true);
}

void sonde_verrno(int errnum, const char *fmt, va_list ap)
{
	err_write(fmt, ap, true, errnum, true);
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

	va_start(ap, fmt);
	err_write(fmt, ap, true, errnum, true);
	va_end(ap);
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
	err_write(fmt, ap, false, 0, false);
	va_end(ap);
}
