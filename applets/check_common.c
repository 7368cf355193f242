/* What check's reports share: a check's result in words, why it failed in
 * one line, its command as a line to paste into a shell. */
#include <signal.h>
#include <string.h>

#include "check_impl.h"
#include "sonde/strbuf.h"

const char *check_result_word(enum check_result result)
{
	switch (result) {
	case CHECK_PASS:
		return "pass";
	case CHECK_FAIL:
		return "fail";
	case CHECK_TIMEOUT:
		return "timeout";
	case CHECK_INTERRUPTED:
		return "interrupted";
	case CHECK_ERROR:
		return "error";
	case CHECK_NOT_RUN:
		break;
	}
	return "not_run";
}

size_t check_count(const struct check_list *list, enum check_result result)
{
	size_t i, n = 0;

	for (i = 0; i < list->count; i++)
		n += list->checks[i].result == result;
	return n;
}

/* The last line with something on it, without its newline. */
static bool last_line_of(const struct check_capture *cap, char *buf, size_t size)
{
	const char *end, *start;

	if (!cap->data)
		return false;
	end = cap->data + cap->len;
	while (end > cap->data && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == cap->data)
		return false;
	start = end;
	while (start > cap->data && start[-1] != '\n')
		start--;
	snprintf(buf, size, "%.*s", (int)(end - start), start);
	return true;
}

void check_last_line(const struct check *c, char *buf, size_t size)
{
	if (!last_line_of(&c->err, buf, size) && !last_line_of(&c->out, buf, size))
		buf[0] = '\0';
}

/* "5s", "500ms", "2.5s": the deadline as the user would write it. */
static void duration_text(int64_t ms, char *buf, size_t size)
{
	if (ms % 1000 == 0)
		snprintf(buf, size, "%llds", (long long)(ms / 1000));
	else if (ms < 1000)
		snprintf(buf, size, "%lldms", (long long)ms);
	else
		snprintf(buf, size, "%.3gs", (double)ms / 1000);
}

static const char *signal_name(int signo, char *buf, size_t size)
{
	const char *abbrev = sigabbrev_np(signo);

	if (abbrev)
		snprintf(buf, size, "SIG%s", abbrev);
	else
		snprintf(buf, size, "signal %d", signo);
	return buf;
}

static void ended_reason(const struct check *c, char *buf, size_t size)
{
	char line[1024], sig[32];

	check_last_line(c, line, sizeof(line));
	if (c->term_signal)
		snprintf(buf, size, "killed by %s%s%s", signal_name(c->term_signal, sig, sizeof(sig)),
			 line[0] ? ": " : "", line);
	else
		snprintf(buf, size, "exit %d%s%s", c->exit_status, line[0] ? ": " : "", line);
}

void check_reason(const struct check *c, const struct check_config *cfg, char *buf, size_t size)
{
	char deadline[32];

	switch (c->result) {
	case CHECK_PASS:
		buf[0] = '\0';
		break;
	case CHECK_FAIL:
		ended_reason(c, buf, size);
		break;
	case CHECK_TIMEOUT:
		duration_text(cfg->timeout_ms, deadline, sizeof(deadline));
		snprintf(buf, size, "timed out after %s", deadline);
		break;
	case CHECK_INTERRUPTED:
		snprintf(buf, size, "interrupted before it ended");
		break;
	case CHECK_ERROR:
		snprintf(buf, size, "cannot start: %s", strerror(c->start_errno));
		break;
	case CHECK_NOT_RUN:
		snprintf(buf, size, "not run: interrupted before it started");
		break;
	}
}

/* Characters a shell reads as themselves. */
static bool shell_plain(const char *word)
{
	if (!*word)
		return false;
	for (; *word; word++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-", *word))
			return false;
	return true;
}

void check_command_text(const struct check *c, struct strbuf *b)
{
	const char *w;
	int i;

	for (i = 0; i < c->argc; i++) {
		if (i)
			strbuf_putc(b, ' ');
		if (shell_plain(c->argv[i])) {
			strbuf_puts(b, c->argv[i]);
			continue;
		}
		strbuf_putc(b, '\'');
		for (w = c->argv[i]; *w; w++) {
			if (*w == '\'')
				strbuf_puts(b, "'\\''");
			else
				strbuf_putc(b, *w);
		}
		strbuf_putc(b, '\'');
	}
}
