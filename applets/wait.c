/* wait: until services are ready, then run a command.  Each target names a
 * service and how to ask it (tcp://, udp://, http(s)://, dns://, tls://,
 * postgres://, mysql://, redis://); all are polled in one loop, and on
 * timeout each says why it was not ready.  What CI scripts write as
 * `until nc -z db 5432; do sleep 1; done`, with an end and a reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "wait_impl.h"

/* A day: longer waits are someone's mistake. */
#define WAIT_MAX_TIMEOUT_MS (24LL * 3600 * 1000)
#define WAIT_MIN_INTERVAL_MS 10
/* Exit codes of a COMMAND that could not be run, as env(1) and shells. */
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127

/* --- options ----------------------------------------------------------------------- */

static const char *parse_timeout(void *config, const char *arg)
{
	return opt_read_duration_ms(arg, WAIT_MAX_TIMEOUT_MS, &((struct wait_config *)config)->timeout_ms);
}

static const char *parse_interval(void *config, const char *arg)
{
	struct wait_config *cfg = config;
	const char *why = opt_read_duration_ms(arg, WAIT_MAX_TIMEOUT_MS, &cfg->interval_ms);

	if (!why && cfg->interval_ms < WAIT_MIN_INTERVAL_MS)
		why = "shorter than 10ms";
	return why;
}

/* One item of --status: "200", "200-299" or "2xx". */
static const char *status_item(const char *text, size_t len, struct wait_status_range *r)
{
	char item[16], *end;
	long low, high;

	if (len == 0 || len >= sizeof(item))
		return "not a status list (e.g. 200,204,300-399,2xx)";
	memcpy(item, text, len);
	item[len] = '\0';
	if (len == 3 && item[0] >= '1' && item[0] <= '5' && item[1] == 'x' && item[2] == 'x') {
		r->low = (item[0] - '0') * 100;
		r->high = r->low + 99;
		return NULL;
	}
	low = strtol(item, &end, 10);
	high = low;
	if (*end == '-')
		high = strtol(end + 1, &end, 10);
	if (*end || end == item || low < 100 || high > 599 || low > high)
		return "not a status list (e.g. 200,204,300-399,2xx)";
	r->low = (int)low;
	r->high = (int)high;
	return NULL;
}

static const char *parse_status(void *config, const char *arg)
{
	struct wait_config *cfg = config;
	const char *p = arg;

	cfg->status_count = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *why;

		if (cfg->status_count == WAIT_MAX_STATUS_RANGES)
			return "too many items (at most 16)";
		why = status_item(p, len, &cfg->status[cfg->status_count++]);
		if (why)
			return why;
		if (!p[len])
			return NULL;
		p += len + 1;
	}
}

static const char *parse_body(void *config, const char *arg)
{
	struct wait_config *cfg = config;

	if (cfg->body_set)
		regfree(&cfg->body_re);
	cfg->body_set = false;
	if (regcomp(&cfg->body_re, arg, REG_EXTENDED | REG_NOSUB) != 0)
		return "not an extended regular expression";
	cfg->body = arg;
	cfg->body_set = true;
	return NULL;
}

static const struct sonde_opt wait_options[] = {
	SONDE_OPT_FUNC("t", "timeout", "DUR", "give up after DUR (500ms, 10s, 2m; 0: never); default 30s",
		       parse_timeout),
	SONDE_OPT_FUNC("i", "interval", "DUR", "longest pause between two attempts on a target; default 250ms",
		       parse_interval),
	SONDE_OPT_FLAG(NULL, "any", "ready when any target is (default: all)", struct wait_config, any),
	SONDE_OPT_FUNC(NULL, "status", "LIST", "http(s): statuses that count as ready (200,301-302,2xx); default 2xx",
		       parse_status),
	SONDE_OPT_FUNC(NULL, "body", "REGEX", "http(s): the body must match REGEX (POSIX extended)", parse_body),
	SONDE_OPT_INT(NULL, "min-days", "N", "tls and https: the certificate must be valid N more days",
		      struct wait_config, min_days, 0, 36500),
	SONDE_OPT_STRING(NULL, "cafile", "FILE", "tls and https: trust the CA certificates in FILE (PEM)",
			 struct wait_config, cafile),
	SONDE_OPT_END,
};

static void wait_init(void *config)
{
	struct wait_config *cfg = config;

	cfg->timeout_ms = WAIT_DEFAULT_TIMEOUT_MS;
	cfg->interval_ms = WAIT_DEFAULT_INTERVAL_MS;
}

/* --- main -------------------------------------------------------------------------- */

/* The words after "--" as typed: the command to run once ready.  The
 * driver hands them over among the operands, at the end. */
static int command_words(const struct sonde_ctx *ctx)
{
	static const char *const with_value[] = { "-t", "--timeout", "-i", "--interval", "--status", "--body",
						  "--min-days", "--cafile", "--netns" };
	int i;
	size_t k;

	for (i = 0; i < ctx->argc; i++) {
		if (strcmp(ctx->argv[i], "--") == 0)
			return ctx->argc - i - 1;
		for (k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			if (strcmp(ctx->argv[i], with_value[k]) == 0) {
				i++;
				break;
			}
	}
	return 0;
}

/* Options that judge one kind of target need such a target. */
static int check_options(const struct wait_config *cfg, const struct wait_target *targets, size_t count)
{
	bool http = false, tls = false;
	size_t i;

	for (i = 0; i < count; i++) {
		http = http || targets[i].kind == WAIT_HTTP;
		tls = tls || targets[i].kind == WAIT_TLS || (targets[i].kind == WAIT_HTTP && targets[i].url.tls);
	}
	if ((cfg->status_count || cfg->body_set) && !http)
		return sonde_usage_error("--status and --body need an http:// or https:// target");
	if ((cfg->min_days || cfg->cafile) && !tls)
		return sonde_usage_error("--min-days and --cafile need a tls:// or https:// target");
	return 0;
}

static int run_command(char **argv)
{
	fflush(stdout);
	execvp(argv[0], argv);
	sonde_errno(-errno, "cannot run %s", argv[0]);
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

static int wait_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct wait_config *cfg = config;
	int command_count = command_words(ctx), target_count = argc - command_count, i, rc;
	struct wait_target *targets;
	int64_t start_ms = mono_ms();
	bool ready;

	if (target_count < 1)
		return sonde_usage_error("no target before the command");
	if (target_count > WAIT_MAX_TARGETS)
		return sonde_usage_error("%d targets: at most %d", target_count, WAIT_MAX_TARGETS);
	targets = calloc((size_t)target_count, sizeof(*targets));
	if (!targets) {
		sonde_err("out of memory");
		return SONDE_EXIT_NEGATIVE;
	}
	for (i = 0; i < target_count; i++) {
		char why[160];

		if (wait_target_parse(argv[i], &targets[i], why, sizeof(why)) < 0) {
			free(targets);
			return sonde_usage_error("%s: %s", argv[i], why);
		}
	}
	rc = check_options(cfg, targets, (size_t)target_count);
	if (rc) {
		free(targets);
		return rc;
	}
	ready = wait_run(cfg, ctx->out, targets, (size_t)target_count, isatty(STDERR_FILENO));
	wait_out_summary(ctx->out, cfg, targets, (size_t)target_count, ready, mono_ms() - start_ms);
	if (!ready)
		wait_report_timeout(cfg, targets, (size_t)target_count, mono_ms() - start_ms);
	free(targets);
	if (cfg->body_set)
		regfree(&cfg->body_re);
	if (!ready)
		return SONDE_EXIT_TIMEOUT;
	return command_count ? run_command(argv + target_count) : SONDE_EXIT_OK;
}

const struct sonde_applet applet_wait = {
	.name = "wait",
	.summary = "wait until services answer their own protocol, then run a command",
	.usage = "[options] TARGET... [-- COMMAND [ARGS...]]",
	.help_extra = "Targets: tcp://HOST:PORT, udp://HOST:PORT, http://URL, https://URL, dns://NAME[/TYPE],\n"
		      "tls://HOST[:PORT], postgres://HOST[:PORT], mysql://HOST[:PORT], redis://HOST[:PORT].\n"
		      "Ready: tcp connects; udp gets a datagram back (a DNS reply on port 53); http(s) answers\n"
		      "2xx (or --status); dns resolves through the search list as the libc does; tls verifies;\n"
		      "postgres, mysql and redis answer their own protocol.  All targets are tried together;\n"
		      "after a failure a target pauses 50ms, doubling up to --interval, with jitter; each\n"
		      "attempt has 5s at most.  On timeout each target's last reason is printed.",
	.options = wait_options,
	.config_size = sizeof(struct wait_config),
	.init = wait_init,
	.exit_codes = "0 ready (then COMMAND runs and its status is wait's), 2 usage, 4 timeout, "
		      "126/127 COMMAND could not be run (docs/wait.md).",
	.min_args = 1,
	.max_args = -1,
	.flags = APPLET_JSON_STREAM | APPLET_EXECS_COMMAND,
	.caps = 0, /* connects only: no capability (COMMAND gets its own) */
	.main = wait_main,
};
