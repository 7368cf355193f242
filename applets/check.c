/* sonde check: runs a file of checks, `NAME: APPLET ARGS...` a line, each
 * a sonde command line in a process of its own with a deadline, in
 * parallel, and reports them as a table, TAP, JUnit XML or JSON; exit 0
 * when all passed.  Here: the options, main; the file is check_file.c, the
 * run check_run.c, the reports check_out.c and check_junit.c. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "check_impl.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

#define CHECK_DEFAULT_TIMEOUT_MS 60000
#define CHECK_MAX_TIMEOUT_MS (24 * 3600 * 1000LL)
#define CHECK_DEFAULT_JOBS 4

static void check_init(void *config_ptr)
{
	struct check_config *cfg = config_ptr;

	cfg->timeout_ms = CHECK_DEFAULT_TIMEOUT_MS;
	cfg->jobs = CHECK_DEFAULT_JOBS;
}

static const char *parse_timeout(void *config, const char *arg)
{
	struct check_config *cfg = config;
	const char *reason = opt_read_duration_ms(arg, CHECK_MAX_TIMEOUT_MS, &cfg->timeout_ms);

	if (!reason && cfg->timeout_ms < 1)
		return "a check needs at least 1ms";
	return reason;
}

static const struct sonde_opt check_options[] = {
	SONDE_OPT_FLAG(NULL, "tap", "report in TAP, for prove and CI harnesses", struct check_config, tap),
	SONDE_OPT_STRING(NULL, "junit", "FILE", "also write a JUnit XML report to FILE", struct check_config,
			 junit_path),
	SONDE_OPT_FUNC(NULL, "timeout", "DUR",
		       "each check's deadline (500ms, 30s, 2m; a bare number is seconds), default 60s; "
		       "then its process group gets SIGTERM, and SIGKILL 2s later",
		       parse_timeout),
	SONDE_OPT_INT("j", "jobs", "N", "checks run at once, default 4", struct check_config, jobs, 1, 64),
	SONDE_OPT_END,
};

static enum check_report report_kind(const struct sonde_ctx *ctx, const struct check_config *cfg)
{
	if (ctx->json)
		return CHECK_REPORT_JSON;
	return cfg->tap ? CHECK_REPORT_TAP : CHECK_REPORT_TABLE;
}

static int read_check_file(const char *path, struct check_list *list)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	int rc;

	if (!fp) {
		sonde_errno(errno, "cannot open %s", path);
		return SONDE_EXIT_USAGE;
	}
	rc = check_file_read(fp, strcmp(path, "-") == 0 ? "stdin" : path, list);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* The JUnit file is opened before anything runs: a path that cannot be
 * written is a usage error, found before minutes of checks. */
static int open_junit(const char *path, FILE **fp)
{
	*fp = NULL;
	if (!path)
		return 0;
	*fp = fopen(path, "we");
	if (*fp)
		return 0;
	sonde_errno(errno, "--junit: cannot write %s", path);
	return SONDE_EXIT_USAGE;
}

static int close_junit(FILE *fp, const char *path, const struct check_list *list, const struct check_config *cfg)
{
	int rc = check_junit_write(fp, list, cfg);

	if (fclose(fp) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0)
		return 0;
	sonde_errno(rc, "--junit: cannot write %s", path);
	return SONDE_EXIT_USAGE;
}

static int run_exit_code(const struct check_list *list)
{
	if (list->stop_signal)
		return 128 + list->stop_signal;
	return check_count(list, CHECK_PASS) == list->count ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
}

/* An interrupted run says so on stderr, before the report on stdout. */
static const char *interrupt_message(const struct check_list *list)
{
	if (!list->stop_signal)
		return NULL;
	sonde_err("interrupted by SIG%s: %zu check%s stopped, %zu not run; the report covers the others",
		  sigabbrev_np(list->stop_signal), check_count(list, CHECK_INTERRUPTED),
		  check_count(list, CHECK_INTERRUPTED) == 1 ? "" : "s", check_count(list, CHECK_NOT_RUN));
	return sonde_last_error();
}

static int check_main(struct sonde_ctx *ctx, void *config_ptr, int argc, char **argv)
{
	struct check_config *cfg = config_ptr;
	struct check_list list = { .file_name = argv[0] };
	const char *error;
	FILE *junit;
	int rc;

	if (cfg->tap && ctx->json)
		return sonde_usage_error("--tap and --json exclude each other");
	rc = read_check_file(argv[0], &list);
	if (rc == 0 && (rc = check_self_runnable()) < 0) {
		sonde_errno(rc, "cannot run the checks: this binary is not reachable as /proc/self/exe");
		rc = SONDE_EXIT_USAGE;
	}
	if (rc == 0)
		rc = open_junit(cfg->junit_path, &junit);
	if (rc != 0) {
		check_list_free(&list);
		return rc;
	}
	rc = check_run_all(&list, cfg);
	if (rc < 0) {
		sonde_errno(rc, "cannot run the checks");
		rc = SONDE_EXIT_USAGE;
	} else {
		rc = run_exit_code(&list);
		error = interrupt_message(&list);
		check_report(ctx->out, report_kind(ctx, cfg), &list, cfg, error, rc);
	}
	if (junit && close_junit(junit, cfg->junit_path, &list, cfg) != 0)
		rc = SONDE_EXIT_USAGE;
	check_list_free(&list);
	return rc;
}

const struct sonde_applet applet_check = {
	.name = "check",
	.summary = "run a file of checks (any sonde command lines) in parallel; table, TAP, JUnit or JSON",
	.usage = "[--tap|--json] [--junit FILE] [--timeout DUR] [--jobs N] FILE|-",
	.help_extra = "FILE (or - for stdin) holds one check a line, NAME: APPLET ARGS..., for example\n"
		      "  api: tls kubernetes.default.svc:443 --min-days 14\n"
		      "  db: nc -z -w 2 db 5432\n"
		      "NAME is letters, digits, '_', '-' and '.'.  Words are split as a shell splits them,\n"
		      "with '...', \"...\" and backslash quoting; $, `, |, &, ;, <, >, ( and ) must be\n"
		      "quoted (nothing is expanded or redirected).  '#' begins a comment.  A bad line is\n"
		      "reported with its number and nothing runs.  Each check is this binary run again\n"
		      "(never a shell), in its own process group, with stdout and stderr kept (the last\n"
		      "64 KiB of each); it passes when it exits 0.",
	.options = check_options,
	.config_size = sizeof(struct check_config),
	.init = check_init,
	.min_args = 1,
	.max_args = 1,
	.exit_codes = "0 every check passed, 1 a check failed or timed out, 2 bad check file or usage, "
		      "130 interrupted (SIGINT), 143 (SIGTERM)",
	/* The checks are new executions of this binary and get their own
	 * privileges back as they would from a shell; check must keep some so
	 * that dropping does not set no_new_privs, which would bar them. */
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN) | CAPS_BIT(CAP_NET_BIND_SERVICE) |
		CAPS_BIT(CAP_SYS_ADMIN) | CAPS_BIT(CAP_SYS_PTRACE) | CAPS_BIT(CAP_DAC_READ_SEARCH) |
		CAPS_BIT(CAP_DAC_OVERRIDE),
	.main = check_main,
};
