/* --checks FILE: the check applet run on the file every --interval, as a
 * process of its own (`sonde check --json FILE`, this binary again), its
 * JSON report read into sonde_check_success and
 * sonde_check_duration_seconds.  check keeps its file format, its
 * parallel run, deadlines and process groups in one place; serve only
 * schedules rounds and keeps the last one's results. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve_impl.h"
#include "sonde/err.h"

#define CHECKS_MAX 4096
#define CHECKS_REPORT_MAX (8 * 1024 * 1024)

struct check_result {
	char name[65];
	bool pass;
	double seconds;
};

struct serve_checks {
	const char *path;
	pid_t pid;                   /* the round running, or 0 */
	int fd;                      /* its stdout */
	struct strbuf report;
	int64_t next_ms;             /* when the next round starts */
	struct check_result *results;
	size_t count;
	bool have_round;
	bool file_refused;           /* check said the file is wrong (exit 2) */
};

int serve_checks_load(const char *path, struct serve_checks **out)
{
	struct serve_checks *c;

	if (access(path, R_OK) < 0) {
		sonde_errno(errno, "%s", path);
		return 2;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		sonde_errno(ENOMEM, "%s", path);
		return 2;
	}
	c->path = path;
	c->fd = -1;
	*out = c;
	return 0;
}

static void start_round(struct serve_checks *c)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(pipefd[1], STDOUT_FILENO);
		execl("/proc/self/exe", "sonde", "check", "--json", c->path, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	c->pid = pid;
	c->fd = pipefd[0];
	strbuf_reset(&c->report);
}

/* The string value of "key":"..." at or after from (names are plain:
 * check allows only letters, digits, '_', '-' and '.'), or NULL. */
static const char *json_after(const char *from, const char *key)
{
	const char *at = strstr(from, key);

	return at ? at + strlen(key) : NULL;
}

/* Reads check's JSON document: each check's name, result and time_ms.
 * Inside JSON strings every '"' is escaped, so `"name":"` found in the
 * text is always a key. */
static void parse_report(struct serve_checks *c)
{
	const char *at = c->report.data ? json_after(c->report.data, "\"checks\":[") : NULL;
	struct check_result *results = NULL;
	size_t count = 0;

	while (at && (at = json_after(at, "{\"name\":\"")) != NULL && count < CHECKS_MAX) {
		const char *end = strchr(at, '"'), *result, *time_ms;
		struct check_result *grown;

		result = end ? json_after(end, "\"result\":\"") : NULL;
		time_ms = result ? json_after(result, "\"time_ms\":") : NULL;
		if (!time_ms || end - at >= (long)sizeof(results->name))
			break;
		grown = realloc(results, (count + 1) * sizeof(*grown));
		if (!grown)
			break;
		results = grown;
		snprintf(results[count].name, sizeof(results[count].name), "%.*s", (int)(end - at), at);
		results[count].pass = strncmp(result, "pass\"", 5) == 0;
		results[count].seconds = strtod(time_ms, NULL) / 1000.0;
		count++;
		at = time_ms;
	}
	free(c->results);
	c->results = results;
	c->count = count;
	c->have_round = true;
}

static void reap_round(struct serve_checks *c)
{
	int status = 0;

	waitpid(c->pid, &status, 0);
	c->pid = 0;
	close(c->fd);
	c->fd = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2 && !c->have_round) {
		c->file_refused = true;
		return;
	}
	parse_report(c);
}

/* Reads what the round wrote; reaps it at the end of its output. */
static void read_round(struct serve_checks *c)
{
	char buf[16384];
	ssize_t got;

	while ((got = read(c->fd, buf, sizeof(buf))) > 0)
		if (c->report.len + (size_t)got <= CHECKS_REPORT_MAX)
			strbuf_add(&c->report, buf, (size_t)got);
	if (got == 0)
		reap_round(c);
}

void serve_checks_tick(struct serve_checks *c, int64_t interval_ms, int64_t now_ms, int *wait_ms)
{
	if (c->pid)
		read_round(c);
	if (!c->pid && !c->file_refused && now_ms >= c->next_ms) {
		start_round(c);
		c->next_ms = now_ms + interval_ms;
	}
	if (!c->pid) {
		int64_t left = c->next_ms - now_ms;

		if (*wait_ms < 0 || left < *wait_ms)
			*wait_ms = left < 0 ? 0 : (int)left;
	}
}

int serve_checks_fd(const struct serve_checks *c)
{
	return c->fd;
}

bool serve_checks_refused(const struct serve_checks *c)
{
	return c->file_refused;
}

void serve_checks_expose(const struct serve_checks *c, struct expo *e)
{
	expo_declare(e, "sonde_check_success", "Whether the check passed in its last round (1) or not (0).",
		     EXPO_GAUGE);
	expo_declare(e, "sonde_check_duration_seconds", "How long the check took in its last round.", EXPO_GAUGE);
	for (size_t i = 0; i < c->count; i++) {
		expo_set(e, "sonde_check_success", "", EXPO_GAUGE, c->results[i].pass ? 1 : 0, "name",
			 c->results[i].name, NULL);
		expo_set(e, "sonde_check_duration_seconds", "", EXPO_GAUGE, c->results[i].seconds, "name",
			 c->results[i].name, NULL);
	}
}

void serve_checks_stop(struct serve_checks *c)
{
	if (c->pid) {
		kill(c->pid, SIGTERM);
		waitpid(c->pid, NULL, 0);
		close(c->fd);
		c->pid = 0;
		c->fd = -1;
	}
}

void serve_checks_free(struct serve_checks *c)
{
	if (!c)
		return;
	serve_checks_stop(c);
	strbuf_free(&c->report);
	free(c->results);
	free(c);
}
