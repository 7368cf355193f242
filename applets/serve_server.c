/* serve's loop: one poll() over the listening socket, every client
 * connection, each probe child's pipe, the checks round and a signalfd for
 * SIGTERM and SIGINT.  Nothing in it blocks: a client that sends its head
 * slowly or reads its answer slowly holds only its own connection, until
 * its deadline closes it; a probe runs in a child process of its own
 * (--max-concurrency at once, the others queued until their deadline), so
 * a slow target holds only its own scrape.  SIGTERM stops accepting, lets
 * running probes finish for SERVE_STOP_GRACE_MS and exits 0. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve_impl.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/sock.h"

/* How soon a child that has sent its answer is reaped (it only has to
 * finish exiting). */
#define SERVE_REAP_MS 10

enum conn_state {
	CONN_FREE,
	CONN_READ,      /* reading a request head */
	CONN_QUEUED,    /* a probe waiting for a free slot */
	CONN_PROBING,   /* a probe child running */
	CONN_WRITE,     /* sending the answer */
};

struct conn {
	enum conn_state state;
	int fd;
	char in[HTTPD_MAX_HEAD];
	size_t in_len;
	int64_t deadline_ms;          /* of the current state */
	struct httpd_request req;
	struct serve_route route;
	bool head_only, close_after;
	struct strbuf out;
	size_t out_sent;
	pid_t child;
	int child_fd;
	struct strbuf child_out;
	uint64_t queued_seq;          /* FIFO order of the queue */
};

struct server {
	const struct serve_config *cfg;
	int listen_fd, signal_fd;
	struct conn *conns;
	int probing;
	uint64_t queue_seq;
	bool stopping;
	int64_t stop_deadline_ms;
	struct serve_checks *checks;
	struct serve_stats stats;
	pid_t reap[SERVE_MAX_CONNECTIONS];  /* probe children that ended their answer, still exiting */
	size_t reap_count;
	struct pollfd fds[2 + 2 * SERVE_MAX_CONNECTIONS + 1];
	struct conn *fd_conn[2 + 2 * SERVE_MAX_CONNECTIONS + 1];
	bool fd_is_child[2 + 2 * SERVE_MAX_CONNECTIONS + 1];
};

static const char *status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 411: return "Length Required";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

static void conn_close(struct server *s, struct conn *c)
{
	if (c->child > 0) {
		kill(c->child, SIGKILL);
		waitpid(c->child, NULL, 0);
		s->probing--;
	}
	if (c->child_fd >= 0)
		close(c->child_fd);
	close(c->fd);
	strbuf_free(&c->out);
	strbuf_free(&c->child_out);
	c->state = CONN_FREE;
	c->child = 0;
	c->child_fd = -1;
}

/* Queues the answer's bytes and turns to writing them. */
static void conn_answer(struct server *s, struct conn *c, int status, const char *content_type, const char *body,
			size_t body_len)
{
	strbuf_reset(&c->out);
	strbuf_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n", status,
		      status_reason(status), content_type, body_len);
	if (status != 200)
		strbuf_puts(&c->out, "X-Content-Type-Options: nosniff\r\n");
	if (c->close_after || s->stopping)
		strbuf_puts(&c->out, "Connection: close\r\n");
	strbuf_puts(&c->out, "\r\n");
	if (!c->head_only)
		strbuf_add(&c->out, body, body_len);
	c->out_sent = 0;
	c->state = CONN_WRITE;
	c->deadline_ms = mono_ms() + SERVE_WRITE_TIMEOUT_MS;
	s->stats.requests_total++;
	if (c->out.failed)
		conn_close(s, c);
}

/* --- probes in children --------------------------------------------------------- */

/* In the child: the answer on stdout (the pipe), "STATUS TYPE\n" then the
 * body, in one write.  The pipe is closed before _exit(): the parent sees
 * its end at once and answers the client while the kernel still tears
 * this process down (exit closes files only after freeing the memory). */
static void probe_child(const struct serve_config *cfg, const struct serve_route *route, int pipe_fd)
{
	struct serve_answer ans = { 0 };
	struct strbuf whole = { 0 };
	sigset_t none;
	int rc;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	dup2(pipe_fd, STDOUT_FILENO);
	/* No client socket may outlive the parent's close of it here. */
	close_range(3, ~0U, 0);
	serve_route_probe(cfg, route, &ans);
	strbuf_printf(&whole, "%d %s\n", ans.status, ans.content_type);
	strbuf_add(&whole, ans.body.data ? ans.body.data : "", ans.body.len);
	rc = whole.failed ? -ENOMEM : fd_write_all(STDOUT_FILENO, whole.data, whole.len);
	close(STDOUT_FILENO);
	_exit(rc < 0 ? 1 : 0);
}

static void probe_start(struct server *s, struct conn *c)
{
	/* The server and its connections are not in the child (see
	 * parent_only_alloc): what the probe needs is copied out first. */
	const struct serve_config *cfg = s->cfg;
	struct serve_route route = c->route;
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		conn_answer(s, c, 500, "text/plain; charset=utf-8", "cannot start the probe\n", 23);
		return;
	}
	if (pid == 0)
		probe_child(cfg, &route, pipefd[1]);
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	c->child = pid;
	c->child_fd = pipefd[0];
	strbuf_reset(&c->child_out);
	c->state = CONN_PROBING;
	c->deadline_ms = mono_ms() + c->route.timeout_ms + SERVE_PROBE_GRACE_MS;
	s->probing++;
	s->stats.probes_total++;
}

/* A child that closed its pipe is still exiting: it is reaped on a later
 * turn of the loop rather than waited for here. */
static void reap_later(struct server *s, pid_t pid)
{
	if (waitpid(pid, NULL, WNOHANG) != 0)
		return;
	if (s->reap_count == SERVE_MAX_CONNECTIONS) {
		waitpid(pid, NULL, 0);  /* cannot happen: one child per connection */
		return;
	}
	s->reap[s->reap_count++] = pid;
}

static void reap_ended(struct server *s)
{
	for (size_t i = 0; i < s->reap_count; )
		if (waitpid(s->reap[i], NULL, WNOHANG) != 0)
			s->reap[i] = s->reap[--s->reap_count];
		else
			i++;
}

/* The child's output ended: its answer goes to the client. */
static void probe_done(struct server *s, struct conn *c)
{
	char *nl = c->child_out.data ? memchr(c->child_out.data, '\n', c->child_out.len) : NULL;
	char content_type[128];
	int status = 0;

	reap_later(s, c->child);
	c->child = 0;
	s->probing--;
	close(c->child_fd);
	c->child_fd = -1;
	if (!nl || sscanf(c->child_out.data, "%d %127[^\n]", &status, content_type) != 2) {
		conn_answer(s, c, 500, "text/plain; charset=utf-8", "the probe ended without an answer\n", 34);
		return;
	}
	conn_answer(s, c, status, content_type, nl + 1, c->child_out.len - (size_t)(nl + 1 - c->child_out.data));
}

static void probe_read(struct server *s, struct conn *c)
{
	char buf[16384];
	ssize_t got;

	while ((got = read(c->child_fd, buf, sizeof(buf))) > 0)
		if (c->child_out.len + (size_t)got <= SERVE_MAX_ANSWER)
			strbuf_add(&c->child_out, buf, (size_t)got);
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
		probe_done(s, c);
}

/* Starts queued probes, oldest first, while slots are free. */
static void queue_run(struct server *s)
{
	while (s->probing < s->cfg->max_concurrency) {
		struct conn *oldest = NULL;

		for (int i = 0; i < SERVE_MAX_CONNECTIONS; i++)
			if (s->conns[i].state == CONN_QUEUED && (!oldest || s->conns[i].queued_seq < oldest->queued_seq))
				oldest = &s->conns[i];
		if (!oldest)
			return;
		probe_start(s, oldest);
	}
}

/* --- requests ------------------------------------------------------------------- */

static void request_refused(struct server *s, struct conn *c, enum httpd_fault fault)
{
	const char *reason;
	int status = httpd_fault_status(fault, &reason);
	char body[96];
	int len = snprintf(body, sizeof(body), "%d %s\n", status, reason);

	s->stats.requests_bad++;
	c->close_after = true;
	conn_answer(s, c, status, "text/plain; charset=utf-8", body, (size_t)len);
}

static void request_handle(struct server *s, struct conn *c)
{
	struct serve_answer ans = { 0 };

	c->head_only = strcmp(c->req.method, "HEAD") == 0;
	c->close_after = c->req.close;
	serve_route_request(s->cfg, &c->req, &s->stats, &c->route, &ans);
	if (!c->route.probe) {
		conn_answer(s, c, ans.status, ans.content_type, ans.body.data ? ans.body.data : "", ans.body.len);
		strbuf_free(&ans.body);
		return;
	}
	strbuf_free(&ans.body);
	c->state = CONN_QUEUED;
	c->queued_seq = ++s->queue_seq;
	c->deadline_ms = mono_ms() + c->route.timeout_ms;
	queue_run(s);
}

/* Tries to parse what came; acts on a whole head. */
static void request_parse(struct server *s, struct conn *c)
{
	enum httpd_fault fault;
	long head = httpd_request_parse(c->in, c->in_len, &c->req, &fault);

	if (head == 0)
		return;
	if (head < 0) {
		request_refused(s, c, fault);
		return;
	}
	memmove(c->in, c->in + head, c->in_len - (size_t)head);
	c->in_len -= (size_t)head;
	request_handle(s, c);
}

static void conn_read(struct server *s, struct conn *c)
{
	ssize_t got = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);

	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(s, c);
		return;
	}
	if (got < 0)
		return;
	if (c->in_len == 0)
		c->deadline_ms = mono_ms() + SERVE_HEAD_TIMEOUT_MS;  /* from the first byte of a head */
	c->in_len += (size_t)got;
	request_parse(s, c);
}

/* After an answer: the next request on a kept-alive connection, or the end. */
static void conn_next(struct server *s, struct conn *c)
{
	if (c->close_after || s->stopping) {
		shutdown(c->fd, SHUT_WR);
		conn_close(s, c);
		return;
	}
	strbuf_free(&c->out);
	c->state = CONN_READ;
	c->deadline_ms = mono_ms() + (c->in_len ? SERVE_HEAD_TIMEOUT_MS : SERVE_IDLE_TIMEOUT_MS);
	if (c->in_len)
		request_parse(s, c);
}

static void conn_write(struct server *s, struct conn *c)
{
	ssize_t sent = send(c->fd, c->out.data + c->out_sent, c->out.len - c->out_sent, MSG_NOSIGNAL);

	if (sent < 0 && errno != EAGAIN && errno != EINTR) {
		conn_close(s, c);
		return;
	}
	if (sent > 0)
		c->out_sent += (size_t)sent;
	if (c->out_sent == c->out.len)
		conn_next(s, c);
}

static void conn_accept(struct server *s)
{
	for (int n = 0; n < 64; n++) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), i;

		if (fd < 0)
			return;
		for (i = 0; i < SERVE_MAX_CONNECTIONS && s->conns[i].state != CONN_FREE; i++)
			;
		if (i == SERVE_MAX_CONNECTIONS) {
			close(fd);  /* full: the client retries; the others go on */
			continue;
		}
		s->conns[i] = (struct conn){ .state = CONN_READ, .fd = fd, .child_fd = -1,
					     .deadline_ms = mono_ms() + SERVE_HEAD_TIMEOUT_MS };
	}
}

/* --- deadlines and the loop ----------------------------------------------------- */

static void conn_deadline(struct server *s, struct conn *c)
{
	switch (c->state) {
	case CONN_QUEUED:
		s->stats.probes_refused_busy++;
		conn_answer(s, c, 503, "text/plain; charset=utf-8", "too many probes running (--max-concurrency)\n", 45);
		break;
	case CONN_PROBING:
		kill(c->child, SIGKILL);
		waitpid(c->child, NULL, 0);
		c->child = 0;
		s->probing--;
		close(c->child_fd);
		c->child_fd = -1;
		conn_answer(s, c, 500, "text/plain; charset=utf-8", "the probe overran its deadline\n", 31);
		break;
	default:
		conn_close(s, c);  /* a slow or idle client */
		break;
	}
}

static void stop_begin(struct server *s)
{
	s->stopping = true;
	s->stop_deadline_ms = mono_ms() + SERVE_STOP_GRACE_MS;
	close(s->listen_fd);
	s->listen_fd = -1;
	for (int i = 0; i < SERVE_MAX_CONNECTIONS; i++)
		if (s->conns[i].state == CONN_READ)
			conn_close(s, &s->conns[i]);
}

static bool busy(const struct server *s)
{
	for (int i = 0; i < SERVE_MAX_CONNECTIONS; i++)
		if (s->conns[i].state != CONN_FREE)
			return true;
	return false;
}

static size_t add_fd(struct server *s, size_t n, int fd, short events, struct conn *c, bool child)
{
	s->fds[n] = (struct pollfd){ .fd = fd, .events = events };
	s->fd_conn[n] = c;
	s->fd_is_child[n] = child;
	return n + 1;
}

static size_t build_pollset(struct server *s, int64_t now, int *wait_ms)
{
	size_t n = 0;

	n = add_fd(s, n, s->signal_fd, POLLIN, NULL, false);
	if (s->listen_fd >= 0)
		n = add_fd(s, n, s->listen_fd, POLLIN, NULL, false);
	for (int i = 0; i < SERVE_MAX_CONNECTIONS; i++) {
		struct conn *c = &s->conns[i];
		int64_t left = c->deadline_ms - now;
		short events = c->state == CONN_READ ? POLLIN : c->state == CONN_WRITE ? POLLOUT : 0;

		if (c->state == CONN_FREE)
			continue;
		n = add_fd(s, n, c->fd, events, c, false);
		if (c->state == CONN_PROBING)
			n = add_fd(s, n, c->child_fd, POLLIN, c, true);
		if (*wait_ms < 0 || left < *wait_ms)
			*wait_ms = left < 0 ? 0 : (int)left;
	}
	if (s->checks && serve_checks_fd(s->checks) >= 0)
		n = add_fd(s, n, serve_checks_fd(s->checks), POLLIN, NULL, false);
	return n;
}

static void handle_events(struct server *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct conn *c = s->fd_conn[i];
		short re = s->fds[i].revents;

		if (!re)
			continue;
		if (s->fds[i].fd == s->signal_fd) {
			struct signalfd_siginfo si;

			if (read(s->signal_fd, &si, sizeof(si)) == sizeof(si) && !s->stopping)
				stop_begin(s);
		} else if (!c) {
			if (s->fds[i].fd == s->listen_fd)
				conn_accept(s);
		} else if (s->fd_is_child[i]) {
			if (c->state == CONN_PROBING)
				probe_read(s, c);
		} else if (c->state == CONN_READ) {
			conn_read(s, c);
		} else if (c->state == CONN_WRITE) {
			conn_write(s, c);
		} else if (c->state != CONN_FREE && (re & (POLLHUP | POLLERR))) {
			conn_close(s, c);  /* the client left while its probe ran or waited */
		}
	}
}

static void expire(struct server *s, int64_t now)
{
	for (int i = 0; i < SERVE_MAX_CONNECTIONS; i++)
		if (s->conns[i].state != CONN_FREE && now >= s->conns[i].deadline_ms)
			conn_deadline(s, &s->conns[i]);
}

static int signals_open(sigset_t *old)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, old);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Memory that fork() leaves out of the probe children: the loop's state
 * and every client's connection (its request, its answer).  A probe child
 * then holds no other client's data, and the parent's writes to it after
 * a fork are no copy-on-write faults (a probe's cost is mostly its fork's
 * page faults). */
static void *parent_only_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, size, MADV_DONTFORK) < 0) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

static void server_free(struct server *s)
{
	if (s->conns)
		munmap(s->conns, SERVE_MAX_CONNECTIONS * sizeof(*s->conns));
	munmap(s, sizeof(*s));
}

static void server_loop(struct server *s, int *rc)
{
	const struct serve_config *cfg = s->cfg;

	while (!s->stopping || (busy(s) && mono_ms() < s->stop_deadline_ms)) {
		int64_t now = mono_ms();
		int wait_ms = s->stopping ? (int)(s->stop_deadline_ms - now) : -1;
		size_t n;

		if (s->checks && !s->stopping)
			serve_checks_tick(s->checks, cfg->interval_ms, now, &wait_ms);
		if (s->checks && serve_checks_refused(s->checks)) {
			*rc = SONDE_EXIT_USAGE;
			break;
		}
		n = build_pollset(s, now, &wait_ms);
		if (s->reap_count && (wait_ms < 0 || wait_ms > SERVE_REAP_MS))
			wait_ms = SERVE_REAP_MS;
		if (poll(s->fds, n, wait_ms) < 0 && errno != EINTR)
			break;
		handle_events(s, n);
		reap_ended(s);
		expire(s, mono_ms());
		queue_run(s);
	}
}

int serve_run(const struct serve_config *cfg, int listen_fd, struct serve_checks *checks)
{
	struct server *s = parent_only_alloc(sizeof(*s));
	sigset_t old;
	int rc = SONDE_EXIT_OK;

	if (!s) {
		sonde_errno(errno, "cannot set up the server");
		return SONDE_EXIT_NEGATIVE;
	}
	*s = (struct server){ .cfg = cfg, .listen_fd = listen_fd, .checks = checks };
	s->stats.started_s = time(NULL);
	s->stats.checks = checks;
	s->conns = parent_only_alloc(SERVE_MAX_CONNECTIONS * sizeof(*s->conns));
	s->signal_fd = s->conns ? signals_open(&old) : -1;
	if (!s->conns || s->signal_fd < 0) {
		sonde_errno(errno, "cannot set up the server");
		if (s->conns)
			sigprocmask(SIG_SETMASK, &old, NULL);
		server_free(s);
		return SONDE_EXIT_NEGATIVE;
	}
	server_loop(s, &rc);
	for (int i = 0; i < SERVE_MAX_CONNECTIONS; i++)
		if (s->conns[i].state != CONN_FREE)
			conn_close(s, &s->conns[i]);
	while (s->reap_count)
		waitpid(s->reap[--s->reap_count], NULL, 0);
	if (checks)
		serve_checks_stop(checks);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	close(s->signal_fd);
	server_free(s);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
