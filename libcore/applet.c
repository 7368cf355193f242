/* The multi-call driver: argv[0] dispatch, the common options, and the run of
 * one applet (config defaults, option parsing, --netns, main). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sonde/applet.h"
#include "sonde/image.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/netns.h"
#include "sonde/version.h"

static const struct caps_need enter_other_netns = {
	CAP_SYS_ADMIN, "entering another network namespace",
	"run it inside the pod instead (kubectl exec, or kubectl debug -it POD --image=... --target=CONTAINER), "
	"or as root on the node"
};

static int enter_netns(const char *spec, int usage_exit)
{
	char path[4096];
	int rc = netns_path(spec, path, sizeof(path));

	if (rc == -EINVAL) {
		sonde_err("--netns needs a namespace name, path or PID (got an empty one)");
		return usage_exit;
	}
	if (rc < 0) {
		sonde_errno(rc, "--netns: cannot use '%.64s...'", spec);
		return usage_exit;
	}
	rc = netns_enter(spec);
	if (rc == 0)
		return SONDE_EXIT_OK;
	if (rc == -ENOENT) {
		sonde_err("--netns %s: no such network namespace (%s does not exist)", spec, path);
		return usage_exit;
	}
	if (caps_refused(rc))
		return caps_fail(rc, &enter_other_netns, "--netns %s", spec);
	sonde_errno(rc, "--netns %s: cannot enter %s", spec, path);
	return usage_exit;
}

int applet_run(const struct sonde_applet *applet, int argc, char **argv)
{
	struct sonde_common_opts common = { 0 };
	struct sonde_out out;
	struct sonde_ctx ctx;
	int usage_exit = applet->usage_exit_code ? applet->usage_exit_code : SONDE_EXIT_USAGE;
	char **operands;
	void *config;
	int operand_count = 0, rc;

	sonde_set_progname(applet->name);
	config = calloc(1, applet->config_size ? applet->config_size : 1);
	operands = calloc((size_t)argc + 1, sizeof(*operands));
	if (!config || !operands)
		sonde_die(SONDE_EXIT_NEGATIVE, "out of memory");
	if (applet->init)
		applet->init(config);

	rc = opt_parse(applet, config, &common, argc, argv, operands, &operand_count);
	if (rc)
		goto done;
	if (common.help) {
		applet_print_help(applet, stdout);
		goto done;
	}
	if (common.version) {
		/* The classic tool's version line first: scripts parse it. */
		version_print(applet->name, applet->imitates);
		goto done;
	}
	if (operand_count < applet->min_args) {
		sonde_err("missing operand (see --help)");
		rc = usage_exit;
		goto done;
	}
	if (applet->max_args >= 0 && operand_count > applet->max_args) {
		sonde_err("unexpected operand '%s' (see --help)", operands[applet->max_args]);
		rc = usage_exit;
		goto done;
	}
	/* From here on a failure with --json is also reported on stdout. */
	out_init(&out, stdout, common.json);
	if (applet->flags & APPLET_JSON_STREAM)
		out_set_stream(&out);
	if (common.netns && (rc = enter_netns(common.netns, usage_exit)) != 0)
		goto failed;
	/* Capabilities this applet never uses go before it runs (a binary
	 * given cap_net_raw,cap_net_admin+ep must not lend them to dig). */
	if (applet->flags & APPLET_EXECS_COMMAND)
		caps_drop_before_exec_or_warn();
	else
		caps_limit_or_warn(applet->caps);

	ctx.applet = applet;
	ctx.out = &out;
	ctx.json = common.json;
	ctx.netns = common.netns;
	ctx.argc = argc - 1;
	ctx.argv = argv + 1;
	rc = applet->main(&ctx, config, operand_count, operands);
failed:
	out_report_failure(&out, sonde_last_error(), rc);
done:
	fflush(stdout);
	free(operands);
	free(config);
	return rc;
}

static void print_applet_list(const struct sonde_applet_table *table, FILE *fp, bool json)
{
	size_t i;

	if (json) {
		fputs("[", fp);
		for (i = 0; i < table->count; i++) {
			fprintf(fp, "%s{\"name\":\"%s\",\"summary\":", i ? "," : "", table->applets[i]->name);
			json_write_string(fp, table->applets[i]->summary);
			fputs("}", fp);
		}
		fputs("]\n", fp);
		return;
	}
	for (i = 0; i < table->count; i++)
		fprintf(fp, "  %-15s %s\n", table->applets[i]->name, table->applets[i]->summary);
}

/* sonde --describe: every applet's option table as JSON, for the man page
 * and completion generators in packaging/ (not listed in --help). */
static int describe_applets(const struct sonde_applet_table *table)
{
	struct sonde_out out;
	size_t i;

	out_init(&out, stdout, true);
	out_open_array(&out, NULL);
	for (i = 0; i < table->count; i++)
		opt_describe(table->applets[i], &out);
	out_close_array(&out);
	fputc('\n', stdout);
	return SONDE_EXIT_OK;
}

static void print_main_usage(const struct sonde_applet_table *table, FILE *fp)
{
	fprintf(fp, "Usage: sonde APPLET [ARGS...]   (or a link named after the applet)\n"
		    "       sonde --list [--json] | --version | --help\n"
		    "       sonde --install [--force] [--hard] DIR [APPLET...]\n"
		    "           links named after the applets (all, or those named) in DIR; an existing\n"
		    "           file or link is left alone unless --force; --hard makes hard links\n\n"
		    "A network troubleshooting multitool.  Applets:\n");
	print_applet_list(table, fp, false);
	fprintf(fp, "\nRun 'sonde APPLET --help' for an applet's options.\n");
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int multicall_main(const struct sonde_applet_table *table, int argc, char **argv)
{
	const struct sonde_applet *applet;
	const char *first = argc > 1 ? argv[1] : NULL;

	if (!first) {
		print_main_usage(table, stderr);
		return SONDE_EXIT_USAGE;
	}
	if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
		print_main_usage(table, stdout);
		return SONDE_EXIT_OK;
	}
	if (strcmp(first, "--version") == 0) {
		printf("%s\n", sonde_version_string());
		return SONDE_EXIT_OK;
	}
	if (strcmp(first, "--list") == 0) {
		print_applet_list(table, stdout, argc > 2 && strcmp(argv[2], "--json") == 0);
		return SONDE_EXIT_OK;
	}
	if (strcmp(first, "--describe") == 0)
		return describe_applets(table);
	if (strcmp(first, "--install") == 0)
		return applet_install(table, argv[0], argc - 2, argv + 2);
	applet = applet_find(table, first);
	if (!applet) {
		sonde_err("unknown applet '%s' (see sonde --list)", first);
		return SONDE_EXIT_UNKNOWN_APPLET;
	}
	return applet_run(applet, argc - 1, argv + 1);
}

/* Has the reader of this output descriptor gone (`sonde ping | head -1`)?
 * A pipe without readers polls POLLERR; a socket shut both ways POLLHUP. */
static bool output_reader_gone(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	return poll(&pfd, 1, 0) == 1 && !(pfd.revents & POLLNVAL) && (pfd.revents & (POLLERR | POLLHUP));
}

/* SIGPIPE has two causes.  A network peer that closes early must give EPIPE,
 * not kill the process (a scanner survives a thousand resets).  A reader that
 * closes our output must stop us the way it stops the classic tools: killed by
 * SIGPIPE, status 141, at once, with nothing more printed (not even a closing
 * summary on stderr).  The signal does not say which descriptor failed, so
 * the handler asks stdout and stderr. */
static void on_sigpipe(int signo)
{
	int saved_errno = errno;
	sigset_t pipe_only;

	if (output_reader_gone(STDOUT_FILENO) || output_reader_gone(STDERR_FILENO)) {
		signal(signo, SIG_DFL);
		sigemptyset(&pipe_only);
		sigaddset(&pipe_only, signo);
		pthread_sigmask(SIG_UNBLOCK, &pipe_only, NULL);
		raise(signo);
	}
	errno = saved_errno;
}

static void route_sigpipe(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

void applet_preinit(const struct sonde_applet_table *table, int argc, char **argv)
{
	const struct sonde_applet *applet = argc > 0 ? applet_find(table, base_name(argv[0])) : NULL;

	/* `sonde APPLET ...`; common options before the applet name (sonde
	 * --netns X tls) are not looked through: that run maps pages as they
	 * are touched, as any other. */
	if (!applet && argc > 1)
		applet = applet_find(table, argv[1]);
	if (applet && (applet->flags & APPLET_POPULATE_IMAGE))
		image_populate();
}

int sonde_main(const struct sonde_applet_table *table, int argc, char **argv)
{
	const struct sonde_applet *applet;

	route_sigpipe();
	applet_table_set_current(table);
	applet = argc > 0 ? applet_find(table, base_name(argv[0])) : NULL;
	if (applet)
		return applet_run(applet, argc, argv);
	return multicall_main(table, argc, argv);
}
