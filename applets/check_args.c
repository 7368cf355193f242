/* check's look at each check's command line before anything runs: the
 * applet's own option table reads it, as the driver will when the check
 * runs (unknown options, values out of range, missing or extra operands),
 * so that a typo on the last line is found before the first check runs.
 * The parse happens in a child process: what an option's parser allocates
 * or sets stays there, and its message comes back through a pipe.  What an
 * applet judges only once it runs (options that exclude each other, a
 * subcommand's words) is left to the run. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_impl.h"
#include "sonde/err.h"

/* The exit statuses of the parsing child. */
enum { ARGS_ACCEPTED = 0, ARGS_REFUSED = 1 };

static void parse_in_child(const struct sonde_applet *applet, char **argv, int argc, int message_fd)
{
	struct sonde_common_opts common = { 0 };
	void *config = calloc(1, applet->config_size ? applet->config_size : 1);
	char **operands = calloc((size_t)argc + 1, sizeof(*operands));
	int null_fd = open("/dev/null", O_WRONLY);
	int operand_count = 0;

	if (null_fd < 0 || dup2(null_fd, STDOUT_FILENO) < 0 || dup2(message_fd, STDERR_FILENO) < 0 ||
	    !config || !operands)
		_exit(ARGS_ACCEPTED); /* cannot tell: the run will */
	sonde_set_progname(applet->name);
	if (applet->init)
		applet->init(config);
	if (opt_parse(applet, config, &common, argc, argv, operands, &operand_count) != 0)
		_exit(ARGS_REFUSED);
	if (common.help || common.version)
		_exit(ARGS_ACCEPTED);
	if (operand_count < applet->min_args) {
		sonde_err("missing operand");
		_exit(ARGS_REFUSED);
	}
	if (applet->max_args >= 0 && operand_count > applet->max_args) {
		sonde_err("unexpected operand '%s'", operands[applet->max_args]);
		_exit(ARGS_REFUSED);
	}
	_exit(ARGS_ACCEPTED);
}

/* The child's first message line without its "sonde APPLET: " prefix. */
static void first_message(int fd, const char *applet, char *why, size_t size)
{
	char text[2048], prefix[96];
	size_t len = 0, skip = 0;
	ssize_t got;

	while (len < sizeof(text) - 1 && (got = read(fd, text + len, sizeof(text) - 1 - len)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		len += (size_t)got;
	}
	text[len] = '\0';
	text[strcspn(text, "\n")] = '\0';
	snprintf(prefix, sizeof(prefix), "sonde %s: ", applet);
	if (strncmp(text, prefix, strlen(prefix)) == 0)
		skip = strlen(prefix);
	snprintf(why, size, "%s", text[skip] ? text + skip : "command line refused");
}

int check_args_refused(const struct sonde_applet *applet, char **argv, int argc, char *why, size_t size)
{
	int message_pipe[2], status = 0;
	pid_t pid;

	if (pipe2(message_pipe, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(message_pipe[0]);
		close(message_pipe[1]);
		return -errno;
	}
	if (pid == 0) {
		close(message_pipe[0]);
		parse_in_child(applet, argv, argc, message_pipe[1]);
	}
	close(message_pipe[1]);
	first_message(message_pipe[0], applet->name, why, size);
	close(message_pipe[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == ARGS_REFUSED;
}
