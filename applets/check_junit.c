/* check's JUnit XML report (--junit FILE), in the shape GitLab, Jenkins and
 * GitHub Actions reporters read (the Ant JUnit schema): one <testsuite> for
 * the file, one <testcase> a check; a failed or timed-out check holds a
 * <failure>, one that could not start or was interrupted an <error>, one
 * never started a <skipped>; each keeps its output in <system-out> and
 * <system-err>. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "check_impl.h"
#include "sonde/clock.h"

/* Characters XML 1.0 can hold: tab, newline, carriage return, and from
 * U+0020 up (the UTF-8 check has refused surrogates and U+FFFE/U+FFFF are
 * left to readers' leniency: they are not in any applet's output). */
static bool xml_char_allowed(const unsigned char *s, size_t len)
{
	return len > 1 || *s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r';
}

/* text as XML character data, or an attribute's value (in_attribute: the
 * newlines and tabs a parser would fold to spaces written as references).
 * What XML cannot hold, invalid UTF-8 or a control character, becomes
 * U+FFFD. */
static void xml_write(FILE *fp, const char *text, bool in_attribute)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t avail = strlen(text), len;

	while (avail) {
		len = utf8_sequence_len(s, avail);
		if (len == 0 || !xml_char_allowed(s, len)) {
			fputs("\xef\xbf\xbd", fp);
			len = len ? len : 1;
		} else if (*s == '&') {
			fputs("&amp;", fp);
		} else if (*s == '<') {
			fputs("&lt;", fp);
		} else if (*s == '>') {
			fputs("&gt;", fp);
		} else if (*s == '"' && in_attribute) {
			fputs("&quot;", fp);
		} else if ((*s == '\n' || *s == '\t' || *s == '\r') && in_attribute) {
			fprintf(fp, "&#%d;", *s);
		} else {
			fwrite(s, 1, len, fp);
		}
		s += len;
		avail -= len;
	}
}

static void xml_attribute(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, " %s=\"", name);
	xml_write(fp, value, true);
	fputc('"', fp);
}

struct junit_counts {
	size_t tests, failures, errors, skipped;
};

static struct junit_counts junit_count(const struct check_list *list)
{
	struct junit_counts n = { .tests = list->count };

	n.failures = check_count(list, CHECK_FAIL) + check_count(list, CHECK_TIMEOUT);
	n.errors = check_count(list, CHECK_ERROR) + check_count(list, CHECK_INTERRUPTED);
	n.skipped = check_count(list, CHECK_NOT_RUN);
	return n;
}

static void write_counts(FILE *fp, const struct junit_counts *n, double time_s)
{
	fprintf(fp, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"", n->tests,
		n->failures, n->errors, n->skipped, time_s);
}

/* The element a check that did not pass holds, and its type attribute. */
static const char *outcome_element(enum check_result result, const char **type)
{
	switch (result) {
	case CHECK_FAIL:
		*type = "exit";
		return "failure";
	case CHECK_TIMEOUT:
		*type = "timeout";
		return "failure";
	case CHECK_ERROR:
		*type = "start";
		return "error";
	case CHECK_INTERRUPTED:
		*type = "interrupted";
		return "error";
	case CHECK_NOT_RUN:
		*type = NULL;
		return "skipped";
	case CHECK_PASS:
		break;
	}
	*type = NULL;
	return NULL;
}

static void write_outcome(FILE *fp, const struct check *c, const struct check_config *cfg)
{
	struct strbuf body = { 0 };
	char reason[1200];
	const char *type, *element = outcome_element(c->result, &type);

	if (!element)
		return;
	check_reason(c, cfg, reason, sizeof(reason));
	fprintf(fp, "      <%s", element);
	xml_attribute(fp, "message", reason);
	if (type)
		xml_attribute(fp, "type", type);
	if (c->result == CHECK_NOT_RUN) {
		fputs("/>\n", fp);
		return;
	}
	strbuf_printf(&body, "line %d: ", c->line);
	check_command_text(c, &body);
	fputc('>', fp);
	xml_write(fp, body.data ? body.data : "", false);
	fprintf(fp, "</%s>\n", element);
	strbuf_free(&body);
}

static void write_stream(FILE *fp, const char *element, const struct check_capture *cap)
{
	if (!cap->data || !cap->len)
		return;
	fprintf(fp, "      <%s>", element);
	if (cap->dropped_bytes)
		fprintf(fp, "[%llu bytes before these were not kept]\n", (unsigned long long)cap->dropped_bytes);
	xml_write(fp, cap->data, false);
	fprintf(fp, "</%s>\n", element);
}

static void write_testcase(FILE *fp, const struct check *c, const char *classname, const struct check_config *cfg)
{
	double time_s = c->result == CHECK_NOT_RUN ? 0 : (double)(c->end_ns - c->start_ns) / 1e9;

	fputs("    <testcase", fp);
	xml_attribute(fp, "name", c->name);
	xml_attribute(fp, "classname", classname);
	fprintf(fp, " time=\"%.3f\"", time_s);
	if (c->result == CHECK_PASS && !c->out.len && !c->err.len) {
		fputs("/>\n", fp);
		return;
	}
	fputs(">\n", fp);
	write_outcome(fp, c, cfg);
	write_stream(fp, "system-out", &c->out);
	write_stream(fp, "system-err", &c->err);
	fputs("    </testcase>\n", fp);
}

/* The suite's name: the file's own name ("stdin" for -). */
static const char *suite_name(const char *file_name)
{
	const char *slash = strrchr(file_name, '/');

	if (strcmp(file_name, "-") == 0)
		return "stdin";
	return slash && slash[1] ? slash + 1 : file_name;
}

int check_junit_write(FILE *fp, const struct check_list *list, const struct check_config *cfg)
{
	struct junit_counts n = junit_count(list);
	const char *suite = suite_name(list->file_name);
	double time_s = (double)list->run_ns / 1e9;
	char timestamp[32] = "1970-01-01T00:00:00";
	struct utsname host;
	struct tm tm;
	size_t i;

	if (localtime_r(&list->started_at, &tm))
		strftime(timestamp, sizeof(timestamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (uname(&host) < 0)
		snprintf(host.nodename, sizeof(host.nodename), "localhost");
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", fp);
	xml_attribute(fp, "name", "sonde check");
	write_counts(fp, &n, time_s);
	fputs(">\n  <testsuite", fp);
	xml_attribute(fp, "name", suite);
	write_counts(fp, &n, time_s);
	xml_attribute(fp, "timestamp", timestamp);
	xml_attribute(fp, "hostname", host.nodename);
	fputs(">\n", fp);
	for (i = 0; i < list->count; i++)
		write_testcase(fp, &list->checks[i], suite, cfg);
	fputs("  </testsuite>\n</testsuites>\n", fp);
	if (fflush(fp) != 0 || ferror(fp))
		return -(errno ? errno : EIO);
	return 0;
}
