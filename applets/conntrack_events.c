/* sonde conntrack -E: connection-tracking events as they happen, in
 * conntrack-tools' event lines ("    [NEW] tcp ..."), until interrupted,
 * --max-events or --duration.  An event a process caused through
 * CTNETLINK carries its netlink port; like conntrack-tools the line then
 * names the process ("[USERSPACE] portid=N progname=NAME"). */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conntrack_impl.h"
#include "sonde/caps.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

#define NETLINK_NETFILTER_PROTO 12

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* --- who caused an event ------------------------------------------------- */

/* The inode of the netfilter netlink socket bound to portid, or 0. */
static unsigned long portid_inode(uint32_t portid)
{
	FILE *fp = fopen("/proc/net/netlink", "re");
	unsigned long inode = 0;
	char line[256];

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long ino;
		unsigned port;
		int proto;

		if (sscanf(line, "%*x %d %u %*x %*d %*d %*x %*d %*u %lu", &proto, &port, &ino) == 3 &&
		    proto == NETLINK_NETFILTER_PROTO && port == portid) {
			inode = ino;
			break;
		}
	}
	fclose(fp);
	return inode;
}

/* The command name of pid (its /proc/PID/stat field), into name. */
static bool pid_comm(unsigned long pid, char *name, size_t size)
{
	char path[64], text[512], *open_paren, *close_paren;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%lu/stat", pid);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	open_paren = strchr(text, '(');
	close_paren = strrchr(text, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return false;
	snprintf(name, size, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
	return true;
}

/* Does pid hold the socket with this inode? */
static bool pid_has_socket(unsigned long pid, unsigned long inode)
{
	char path[64], target[64], want[48];
	struct dirent *ent;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%lu/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (ent = readdir(dir))) {
		char link[320];
		ssize_t len;

		snprintf(link, sizeof(link), "%s/%s", path, ent->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		found = strcmp(target, want) == 0;
	}
	closedir(dir);
	return found;
}

/* Most netlink users take their pid as port id; otherwise every process
 * is asked. */
static bool portid_progname(uint32_t portid, char *name, size_t size)
{
	unsigned long inode = portid_inode(portid);
	struct dirent *ent;
	bool found = false;
	DIR *proc;

	if (!inode)
		return false;
	if (pid_has_socket(portid, inode))
		return pid_comm(portid, name, size);
	proc = opendir("/proc");
	if (!proc)
		return false;
	while (!found && (ent = readdir(proc))) {
		char *end;
		unsigned long pid = strtoul(ent->d_name, &end, 10);

		if (*end || pid <= 1 || pid == portid)
			continue;
		found = pid_has_socket(pid, inode) && pid_comm(pid, name, size);
	}
	closedir(proc);
	return found;
}

/* --- the stream ---------------------------------------------------------- */

struct event_state {
	struct sonde_out *out;
	const struct ct_config *cfg;
	const struct ct_labelmap *labels;
	unsigned long shown;
	uint32_t cached_portid;          /* the last port id looked up, and its name */
	char cached_name[64];
	bool cached_found;
};

static void print_event_line(struct event_state *st, const struct ct_entry *e)
{
	char line[CT_LINE_MAX + 128];
	size_t len = ct_format(line, CT_LINE_MAX, e, st->cfg->format_flags, st->labels, ct_now_s());

	if (e->portid) {
		if (e->portid != st->cached_portid) {
			st->cached_portid = e->portid;
			st->cached_found = portid_progname(e->portid, st->cached_name, sizeof(st->cached_name));
		}
		if (st->cached_found)
			len += (size_t)snprintf(line + len, sizeof(line) - len, " [USERSPACE] portid=%u progname=%s",
						e->portid, st->cached_name);
		else
			len += (size_t)snprintf(line + len, sizeof(line) - len, " [USERSPACE] portid=%u", e->portid);
	}
	line[len++] = '\n';
	fwrite(line, 1, len, stdout);
}

static int show_event(const struct ct_entry *e, void *arg)
{
	struct event_state *st = arg;

	if (!ct_filter_match(&st->cfg->filter, e))
		return 0;
	if (out_is_json(st->out))
		ct_render_entry(st->out, e, st->cfg->format_flags, st->labels, ct_now_s());
	else
		print_event_line(st, e);
	fflush(stdout);
	st->shown++;
	if (st->cfg->max_events && st->shown >= (unsigned long)st->cfg->max_events)
		return -ECANCELED;
	return 0;
}

static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int event_loop(struct ct_events *ev, struct event_state *st, unsigned long *overruns)
{
	int64_t deadline_ms = st->cfg->duration_s > 0 ? deadline_after_ms((int64_t)(st->cfg->duration_s * 1000)) : 0;
	struct pollfd pfd = { ct_events_fd(ev), POLLIN, 0 };

	while (!stop_requested) {
		int ready = poll(&pfd, 1, deadline_poll_ms(deadline_ms)), rc;

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return -errno;
		if (ready == 0) {
			if (deadline_ms && deadline_passed(deadline_ms))
				return 0;
			continue;
		}
		rc = ct_events_read(ev, show_event, st);
		if (rc == -ENOBUFS) {
			(*overruns)++;
			sonde_err("event buffer overrun: the kernel dropped events it could not queue "
				  "(narrow with -e or filters, or raise net.core.rmem_max)");
			continue;
		}
		if (rc == -ECANCELED)
			return 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ct_run_events(struct sonde_ctx *ctx, struct ct_config *cfg, const struct ct_labelmap *labels)
{
	unsigned groups = cfg->event_groups ? cfg->event_groups
					    : (1u << CT_EVENT_NEW) | (1u << CT_EVENT_UPDATE) | (1u << CT_EVENT_DESTROY);
	struct event_state st = { ctx->out, cfg, labels, 0, 0, "", false };
	unsigned long overruns = 0;
	struct ct_events *ev;
	int rc;

	/* NDJSON: a failure is a last record (docs/json.md). */
	out_set_stream(ctx->out);
	rc = ct_events_open(groups, &ev);
	if (rc < 0)
		return ct_report_error(rc, "listening to connection-tracking events");
	/* Subscribed: receiving events needs no capability. */
	caps_limit_or_warn(0);
	catch_stop_signals();
	rc = event_loop(ev, &st, &overruns);
	ct_events_close(ev);
	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "type", NULL, "summary");
	out_print_uint(ctx->out, "events", NULL, st.shown);
	out_print_uint(ctx->out, "overruns", NULL, overruns);
	out_close_object(ctx->out);
	fflush(stdout);
	if (rc < 0)
		return ct_report_error(rc, "reading connection-tracking events");
	fprintf(stderr, "sonde conntrack: %lu flow events have been shown.\n", st.shown);
	return SONDE_EXIT_OK;
}
