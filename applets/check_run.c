/* check's run: each check a process of its own (this binary again, by
 * /proc/self/exe, never a shell), in a process group of its own so that a
 * deadline or an interrupt ends all it started; cfg->jobs at a time; stdout
 * and stderr read through pipes into bounded buffers.  One poll() loop
 * watches the pipes, the deadlines and a signalfd for SIGCHLD, SIGINT and
 * SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_impl.h"
#include "sonde/clock.h"

#define SELF_EXE "/proc/self/exe"

/* A check being run. */
struct slot {
	struct check *check;
	pid_t pid;               /* 0: the slot is free */
	int out_fd, err_fd;      /* -1 once read to the end */
	int64_t deadline_ms;     /* mono_ms() when it gets SIGTERM */
	int64_t kill_at_ms;      /* mono_ms() when SIGTERM becomes SIGKILL; 0: not yet */
	bool timed_out, interrupted;
};

struct runner {
	struct check_list *list;
	const struct check_config *cfg;
	struct slot *slots;      /* cfg->jobs of them */
	int running;
	size_t next;             /* the next check to start */
	struct pollfd *fds;      /* the signalfd, then two pipes a slot */
	int signal_fd, null_fd;
	sigset_t old_mask;       /* restored in the children, and at the end */
	bool mask_blocked;
	pid_t self;
};

/* --- output capture ---------------------------------------------------- */

static void capture_keep_tail(struct check_capture *cap, size_t keep)
{
	size_t cut = cap->len - keep;

	memmove(cap->data, cap->data + cut, keep);
	cap->len = keep;
	cap->data[cap->len] = '\0';
	cap->dropped_bytes += cut;
}

/* Appends, keeping at most 2 * CHECK_CAPTURE_MAX bytes until the end
 * (capture_finish) cuts to CHECK_CAPTURE_MAX: one move per 64 KiB read,
 * not per read.  Bytes that find no memory are counted as dropped. */
static void capture_append(struct check_capture *cap, const char *bytes, size_t n)
{
	size_t want;
	char *grown;

	if (n > CHECK_CAPTURE_MAX) {
		cap->dropped_bytes += n - CHECK_CAPTURE_MAX;
		bytes += n - CHECK_CAPTURE_MAX;
		n = CHECK_CAPTURE_MAX;
	}
	if (cap->len + n > 2 * CHECK_CAPTURE_MAX)
		capture_keep_tail(cap, CHECK_CAPTURE_MAX - n);
	if (cap->len + n + 1 > cap->cap) {
		want = cap->cap ? cap->cap * 2 : 4096;
		while (want < cap->len + n + 1)
			want *= 2;
		if (want > 2 * CHECK_CAPTURE_MAX + 1)
			want = 2 * CHECK_CAPTURE_MAX + 1;
		grown = realloc(cap->data, want);
		if (!grown) {
			cap->dropped_bytes += n;
			return;
		}
		cap->data = grown;
		cap->cap = want;
	}
	memcpy(cap->data + cap->len, bytes, n);
	cap->len += n;
	cap->data[cap->len] = '\0';
}

/* The kept text: the last CHECK_CAPTURE_MAX bytes, from a line's start
 * when some were cut; a NUL byte becomes 0xff, which the JSON and XML
 * writers show as U+FFFD, so the text is one C string. */
static void capture_finish(struct check_capture *cap)
{
	char *newline;
	size_t i;

	if (!cap->data)
		return;
	if (cap->len > CHECK_CAPTURE_MAX)
		capture_keep_tail(cap, CHECK_CAPTURE_MAX);
	if (cap->dropped_bytes && (newline = memchr(cap->data, '\n', cap->len)) != NULL &&
	    newline + 1 < cap->data + cap->len)
		capture_keep_tail(cap, cap->len - (size_t)(newline + 1 - cap->data));
	for (i = 0; i < cap->len; i++)
		if (cap->data[i] == '\0')
			cap->data[i] = (char)0xff;
}

/* Reads what fd holds now; closes it at its end.  Returns the fd, or -1
 * once closed. */
static int capture_read(struct check_capture *cap, int fd)
{
	char buf[16384];
	ssize_t got;

	for (;;) {
		got = read(fd, buf, sizeof(buf));
		if (got > 0) {
			capture_append(cap, buf, (size_t)got);
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			return fd;
		close(fd);
		return -1;
	}
}

/* --- starting and ending a check ---------------------------------------- */

/* In the child, between fork and exec: async-signal-safe calls only. */
static void child_exec(const struct runner *r, char **argv, int out_w, int err_w)
{
	static const char failed[] = "sonde check: cannot execute " SELF_EXE "\n";

	setpgid(0, 0);
	/* Never outlive check: a check killed by SIGKILL cannot kill its
	 * children, the kernel does it for it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != r->self)
		_exit(127);
	if (dup2(r->null_fd, STDIN_FILENO) < 0 || dup2(out_w, STDOUT_FILENO) < 0 || dup2(err_w, STDERR_FILENO) < 0)
		_exit(127);
	sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	execv(SELF_EXE, argv);
	if (write(STDERR_FILENO, failed, sizeof(failed) - 1) < 0)
		_exit(127);
	_exit(127);
}

/* "sonde APPLET ARGS...": the binary's multi-call form, whatever name
 * check itself was called by. */
static char **child_argv(const struct check *c)
{
	char **argv = calloc((size_t)c->argc + 2, sizeof(*argv));

	if (!argv)
		return NULL;
	argv[0] = "sonde";
	memcpy(argv + 1, c->argv, (size_t)c->argc * sizeof(*argv));
	return argv;
}

static void start_failed(struct check *c, int err)
{
	c->result = CHECK_ERROR;
	c->start_errno = err;
	c->end_ns = c->start_ns;
}

static void start_check(struct runner *r, struct slot *s, struct check *c)
{
	int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	char **argv = child_argv(c);
	pid_t pid;

	c->start_ns = mono_ns();
	if (!argv) {
		start_failed(c, ENOMEM);
		return;
	}
	if (pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		start_failed(c, errno);
		goto close_pipes;
	}
	pid = fork();
	if (pid < 0) {
		start_failed(c, errno);
		goto close_pipes;
	}
	if (pid == 0)
		child_exec(r, argv, out_pipe[1], err_pipe[1]);
	/* Also here: a kill before the child ran setpgid must find the group. */
	setpgid(pid, pid);
	*s = (struct slot){ .check = c, .pid = pid, .out_fd = out_pipe[0], .err_fd = err_pipe[0],
			    .deadline_ms = mono_ms() + r->cfg->timeout_ms };
	out_pipe[0] = err_pipe[0] = -1;
	r->running++;
close_pipes:
	for (int i = 0; i < 2; i++) {
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
	}
	free(argv);
}

static enum check_result ended_result(const struct slot *s, int status)
{
	if (s->timed_out)
		return CHECK_TIMEOUT;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CHECK_PASS;
	return s->interrupted ? CHECK_INTERRUPTED : CHECK_FAIL;
}

/* The check's process ended (a zombie still, so its group id cannot be
 * reused yet): whatever it left in its group is killed, the pipes read to
 * their end, then the process reaped. */
static void end_check(struct runner *r, struct slot *s)
{
	struct check *c = s->check;
	int status = 0;

	c->end_ns = mono_ns();
	kill(-s->pid, SIGKILL);
	if (s->out_fd >= 0 && capture_read(&c->out, s->out_fd) >= 0)
		close(s->out_fd);
	if (s->err_fd >= 0 && capture_read(&c->err, s->err_fd) >= 0)
		close(s->err_fd);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		c->exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		c->term_signal = WTERMSIG(status);
	c->result = ended_result(s, status);
	capture_finish(&c->out);
	capture_finish(&c->err);
	s->pid = 0;
	r->running--;
}

/* Ends every slot whose process has ended, without reaping it first. */
static void reap_ended(struct runner *r)
{
	siginfo_t info;
	int i;

	for (i = 0; i < r->cfg->jobs; i++) {
		struct slot *s = &r->slots[i];

		if (!s->pid)
			continue;
		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, (id_t)s->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == s->pid)
			end_check(r, s);
	}
}

/* --- deadlines and signals --------------------------------------------- */

static void signal_group(struct slot *s, int signo, int64_t now_ms)
{
	kill(-s->pid, signo);
	s->kill_at_ms = signo == SIGKILL ? 0 : now_ms + CHECK_KILL_GRACE_MS;
}

static void enforce_deadlines(struct runner *r)
{
	int64_t now_ms = mono_ms();
	int i;

	for (i = 0; i < r->cfg->jobs; i++) {
		struct slot *s = &r->slots[i];

		if (!s->pid)
			continue;
		if (s->kill_at_ms && now_ms >= s->kill_at_ms) {
			signal_group(s, SIGKILL, now_ms);
		} else if (!s->timed_out && !s->interrupted && now_ms >= s->deadline_ms) {
			s->timed_out = true;
			signal_group(s, SIGTERM, now_ms);
		}
	}
}

/* SIGINT or SIGTERM: every running check is stopped (SIGTERM, then SIGKILL
 * after the grace; at once on a second signal) and none is started. */
static void interrupt_all(struct runner *r, int signo)
{
	int64_t now_ms = mono_ms();
	bool again = r->list->stop_signal != 0;
	int i;

	if (!again)
		r->list->stop_signal = signo;
	for (i = 0; i < r->cfg->jobs; i++) {
		struct slot *s = &r->slots[i];

		if (!s->pid)
			continue;
		s->interrupted = true;
		signal_group(s, again ? SIGKILL : SIGTERM, now_ms);
	}
}

static void read_signals(struct runner *r)
{
	struct signalfd_siginfo info;

	while (read(r->signal_fd, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
		if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM)
			interrupt_all(r, (int)info.ssi_signo);
	}
}

/* poll()'s wait: until the nearest deadline or grace end. */
static int next_wait_ms(const struct runner *r)
{
	int64_t nearest = 0;
	int i;

	for (i = 0; i < r->cfg->jobs; i++) {
		const struct slot *s = &r->slots[i];
		int64_t at;

		if (!s->pid)
			continue;
		at = s->kill_at_ms ? s->kill_at_ms : (s->timed_out || s->interrupted) ? 0 : s->deadline_ms;
		if (at && (!nearest || at < nearest))
			nearest = at;
	}
	return deadline_poll_ms(nearest);
}

/* --- the loop ------------------------------------------------------------ */

static void wait_and_read(struct runner *r)
{
	struct pollfd *fds = r->fds;
	int n = 0, i;

	fds[n++] = (struct pollfd){ .fd = r->signal_fd, .events = POLLIN };
	for (i = 0; i < r->cfg->jobs; i++) {
		fds[n++] = (struct pollfd){ .fd = r->slots[i].pid ? r->slots[i].out_fd : -1, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = r->slots[i].pid ? r->slots[i].err_fd : -1, .events = POLLIN };
	}
	if (poll(fds, (nfds_t)n, next_wait_ms(r)) < 0)
		return; /* EINTR: the loop looks at everything again */
	if (fds[0].revents)
		read_signals(r);
	for (i = 0; i < r->cfg->jobs; i++) {
		struct slot *s = &r->slots[i];

		if (fds[1 + 2 * i].revents && s->out_fd >= 0)
			s->out_fd = capture_read(&s->check->out, s->out_fd);
		if (fds[2 + 2 * i].revents && s->err_fd >= 0)
			s->err_fd = capture_read(&s->check->err, s->err_fd);
	}
}

/* Fills the free slots; a check that cannot start ends at once and
 * leaves its slot to the next. */
static void start_more(struct runner *r)
{
	int i = 0;

	while (r->running < r->cfg->jobs && r->next < r->list->count && !r->list->stop_signal) {
		while (r->slots[i].pid)
			i++;
		start_check(r, &r->slots[i], &r->list->checks[r->next++]);
	}
}

static int runner_setup(struct runner *r)
{
	sigset_t mask;

	/* Children inherit an ignored SIGCHLD as auto-reaping: not for us. */
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, &r->old_mask) < 0)
		return -errno;
	r->mask_blocked = true;
	r->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r->signal_fd < 0)
		return -errno;
	r->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (r->null_fd < 0)
		return -errno;
	r->slots = calloc((size_t)r->cfg->jobs, sizeof(*r->slots));
	r->fds = calloc(1 + 2 * (size_t)r->cfg->jobs, sizeof(*r->fds));
	r->self = getpid();
	return r->slots && r->fds ? 0 : -ENOMEM;
}

static void runner_teardown(struct runner *r)
{
	if (r->signal_fd >= 0)
		close(r->signal_fd);
	if (r->null_fd >= 0)
		close(r->null_fd);
	free(r->slots);
	free(r->fds);
	if (r->mask_blocked)
		sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
}

int check_self_runnable(void)
{
	return access(SELF_EXE, X_OK) < 0 ? -errno : 0;
}

int check_run_all(struct check_list *list, const struct check_config *cfg)
{
	struct runner r = { .list = list, .cfg = cfg, .signal_fd = -1, .null_fd = -1 };
	int64_t begin_ns = mono_ns();
	int rc = runner_setup(&r);

	list->started_at = time(NULL);
	while (rc == 0) {
		start_more(&r);
		if (r.running == 0)
			break;
		wait_and_read(&r);
		enforce_deadlines(&r);
		reap_ended(&r);
	}
	/* A signal that came after the last check ended is this run's too:
	 * unblocked unread, it would kill check before its report. */
	if (rc == 0)
		read_signals(&r);
	list->run_ns = mono_ns() - begin_ns;
	runner_teardown(&r);
	return rc;
}
