/* check's reports on stdout, from the finished list: a table for people,
 * TAP for prove and the CI harnesses that read it, or one JSON document
 * (docs/check.md; docs/json/check.schema.json).  The table needs every
 * name's width first, so each form is written whole once the run ended. */
#include <signal.h>
#include <string.h>

#include "check_impl.h"
#include "sonde/clock.h"

/* TAP and the table show this many of a failed check's last output lines. */
#define CHECK_DIAG_LINES 10

static const char *table_word(enum check_result result)
{
	switch (result) {
	case CHECK_PASS:
		return "PASS";
	case CHECK_FAIL:
		return "FAIL";
	case CHECK_TIMEOUT:
		return "TIMEOUT";
	case CHECK_INTERRUPTED:
		return "INTERRUPTED";
	case CHECK_ERROR:
		return "ERROR";
	case CHECK_NOT_RUN:
		break;
	}
	return "NOT-RUN";
}

static bool check_ran(const struct check *c)
{
	return c->result != CHECK_NOT_RUN && c->result != CHECK_ERROR;
}

static double check_time_s(const struct check *c)
{
	return (double)(c->end_ns - c->start_ns) / 1e9;
}

/* "3 checks: 1 pass, 1 fail, 1 timeout in 2.03s", naming only the results
 * that occurred. */
static void print_summary_line(struct sonde_out *out, const struct check_list *list)
{
	static const enum check_result order[] = { CHECK_PASS, CHECK_FAIL, CHECK_TIMEOUT,
						   CHECK_ERROR, CHECK_INTERRUPTED, CHECK_NOT_RUN };
	const char *sep = ": ";
	size_t i, n;

	out_text(out, "%zu check%s", list->count, list->count == 1 ? "" : "s");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		n = check_count(list, order[i]);
		if (!n)
			continue;
		out_text(out, "%s%zu %s", sep, n, check_result_word(order[i]));
		sep = ", ";
	}
	out_text(out, " in %.2fs\n", (double)list->run_ns / 1e9);
}

static void print_table(struct sonde_out *out, const struct check_list *list, const struct check_config *cfg)
{
	char reason[1200];
	int name_width = 4;
	size_t i;

	for (i = 0; i < list->count; i++)
		if ((int)strlen(list->checks[i].name) > name_width)
			name_width = (int)strlen(list->checks[i].name);
	out_text(out, "%-*s  %-11s  %8s  %s\n", name_width, "NAME", "RESULT", "TIME", "DETAIL");
	for (i = 0; i < list->count; i++) {
		const struct check *c = &list->checks[i];

		out_text(out, "%-*s  %-11s  ", name_width, c->name, table_word(c->result));
		if (check_ran(c))
			out_text(out, "%7.2fs", check_time_s(c));
		else
			out_text(out, "%8s", "-");
		check_reason(c, cfg, reason, sizeof(reason));
		if (reason[0]) {
			out_text(out, "  ");
			text_write_escaped(out->fp, reason);
		}
		out_text(out, "\n");
	}
	print_summary_line(out, list);
}

/* --- TAP ------------------------------------------------------------------ */

/* The last CHECK_DIAG_LINES lines of one stream, each as a TAP comment. */
static void tap_tail(struct sonde_out *out, const char *label, const struct check_capture *cap)
{
	const char *start, *end, *line;
	int lines = 0;

	if (!cap->data || !cap->len)
		return;
	end = cap->data + cap->len;
	if (end[-1] == '\n')
		end--;
	if (end == cap->data)
		return;
	start = end;
	while (start > cap->data && lines < CHECK_DIAG_LINES) {
		start--;
		if (*start == '\n' && ++lines == CHECK_DIAG_LINES) {
			start++;
			break;
		}
	}
	out_text(out, "#   %s%s:\n", label, start > cap->data || cap->dropped_bytes ? " (last lines)" : "");
	for (line = start; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char text[1024];

		snprintf(text, sizeof(text), "%.*s", (int)(len < sizeof(text) ? len : sizeof(text) - 1), line);
		out_text(out, "#     ");
		text_write_escaped(out->fp, text);
		out_text(out, "\n");
		line += len + 1;
	}
}

static void tap_diagnostics(struct sonde_out *out, const struct check *c, const struct check_config *cfg)
{
	struct strbuf command = { 0 };
	char reason[1200];

	check_command_text(c, &command);
	check_reason(c, cfg, reason, sizeof(reason));
	out_text(out, "#   line %d: %s\n#   ", c->line, command.data ? command.data : "");
	text_write_escaped(out->fp, reason);
	out_text(out, "\n");
	tap_tail(out, "stderr", &c->err);
	tap_tail(out, "stdout", &c->out);
	strbuf_free(&command);
}

static void print_tap(struct sonde_out *out, const struct check_list *list, const struct check_config *cfg)
{
	size_t i;

	out_text(out, "1..%zu\n", list->count);
	for (i = 0; i < list->count; i++) {
		const struct check *c = &list->checks[i];

		if (c->result == CHECK_PASS) {
			out_text(out, "ok %zu - %s\n", i + 1, c->name);
			continue;
		}
		out_text(out, "not ok %zu - %s\n", i + 1, c->name);
		tap_diagnostics(out, c, cfg);
	}
	if (list->stop_signal)
		out_text(out, "Bail out! interrupted by SIG%s\n", sigabbrev_np(list->stop_signal));
}

/* --- JSON ----------------------------------------------------------------- */

static void json_capture(struct sonde_out *out, const char *key, const char *dropped_key,
			 const struct check_capture *cap)
{
	out_print_str(out, key, NULL, cap->data ? cap->data : "");
	out_print_uint(out, dropped_key, NULL, cap->dropped_bytes);
}

static void json_check(struct sonde_out *out, const struct check *c, const struct check_config *cfg)
{
	char reason[1200], sig[32];
	int i;

	out_open_object(out, NULL);
	out_print_str(out, "name", NULL, c->name);
	out_print_int(out, "line", NULL, c->line);
	out_open_array(out, "command");
	for (i = 0; i < c->argc; i++)
		out_print_str(out, NULL, NULL, c->argv[i]);
	out_close_array(out);
	out_print_str(out, "result", NULL, check_result_word(c->result));
	if (c->exit_status >= 0)
		out_print_int(out, "exit_status", NULL, c->exit_status);
	else
		out_print_null(out, "exit_status", NULL, NULL);
	if (c->term_signal) {
		snprintf(sig, sizeof(sig), "SIG%s", sigabbrev_np(c->term_signal));
		out_print_str(out, "signal", NULL, sig);
	} else {
		out_print_null(out, "signal", NULL, NULL);
	}
	if (check_ran(c))
		out_print_double(out, "time_ms", NULL, ns_to_ms(c->end_ns - c->start_ns));
	else
		out_print_null(out, "time_ms", NULL, NULL);
	check_reason(c, cfg, reason, sizeof(reason));
	if (reason[0])
		out_print_str(out, "reason", NULL, reason);
	else
		out_print_null(out, "reason", NULL, NULL);
	json_capture(out, "stdout", "stdout_dropped_bytes", &c->out);
	json_capture(out, "stderr", "stderr_dropped_bytes", &c->err);
	out_close_object(out);
}

static void json_summary(struct sonde_out *out, const struct check_list *list)
{
	out_open_object(out, "summary");
	out_print_uint(out, "total", NULL, list->count);
	out_print_uint(out, "passed", NULL, check_count(list, CHECK_PASS));
	out_print_uint(out, "failed", NULL, check_count(list, CHECK_FAIL));
	out_print_uint(out, "timed_out", NULL, check_count(list, CHECK_TIMEOUT));
	out_print_uint(out, "errors", NULL, check_count(list, CHECK_ERROR));
	out_print_uint(out, "interrupted", NULL, check_count(list, CHECK_INTERRUPTED));
	out_print_uint(out, "not_run", NULL, check_count(list, CHECK_NOT_RUN));
	out_print_double(out, "time_ms", NULL, ns_to_ms(list->run_ns));
	out_close_object(out);
}

static void print_json(struct sonde_out *out, const struct check_list *list, const struct check_config *cfg,
		       const char *error, int exit_code)
{
	size_t i;

	out_open_object(out, NULL);
	out_print_str(out, "file", NULL, list->file_name);
	out_print_int(out, "timeout_ms", NULL, cfg->timeout_ms);
	out_print_int(out, "jobs", NULL, cfg->jobs);
	out_open_array(out, "checks");
	for (i = 0; i < list->count; i++)
		json_check(out, &list->checks[i], cfg);
	out_close_array(out);
	json_summary(out, list);
	if (error)
		out_print_error(out, error, exit_code);
	out_close_object(out);
	fputc('\n', out->fp);
}

void check_report(struct sonde_out *out, enum check_report kind, const struct check_list *list,
		  const struct check_config *cfg, const char *error, int exit_code)
{
	switch (kind) {
	case CHECK_REPORT_TABLE:
		print_table(out, list, cfg);
		break;
	case CHECK_REPORT_TAP:
		print_tap(out, list, cfg);
		break;
	case CHECK_REPORT_JSON:
		print_json(out, list, cfg, error, exit_code);
		break;
	}
	fflush(out->fp);
}
