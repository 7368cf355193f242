/* mtr's default display, live: the table of mtr 0.95's curses screen
 * redrawn with ANSI escapes (cursor home, clear) after each round, no
 * curses.  Keys are read from stdin in non-canonical, no-echo mode; only
 * q quits (Ctrl-C too), mtr's other keys are ignored (docs/mtr.md).  The
 * rows' fields are the report's (trace_report_fields). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sonde/sock.h"
#include "mtr_impl.h"

#define LIVE_COLUMNS_DEFAULT 80
#define LIVE_COLUMNS_MIN 60
#define LIVE_LINE_MAX 1100
#define LIVE_DATE_COLUMNS 25     /* mtr writes the date this far from the right edge */

struct live_view {
	const struct mtr_config *cfg;
	struct trace_report_style style;
	char local_host[256];
	char source[ADDR_STRLEN];
	size_t columns;
	size_t stats_column;     /* mtr's startstat: the fields' width and one from the right */
	bool quit;
};

/* The terminal's mode before, for every way out (signals included). */
static struct termios saved_tty;
static volatile sig_atomic_t tty_saved;

static void restore_tty(void)
{
	if (tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	tty_saved = 0;
}

/* Ctrl-C and the like: the terminal back, then the signal's own death. */
static void on_fatal_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void raw_tty(void)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return;
	tty_saved = 1;
	signal(SIGINT, on_fatal_signal);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGHUP, on_fatal_signal);
	raw = saved_tty;
	raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

/* Keys typed since the last round: q quits, the others are ignored. */
static void read_keys(struct live_view *view)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	char keys[64];
	ssize_t n, i;

	while (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) {
		n = read(STDIN_FILENO, keys, sizeof(keys));
		if (n <= 0)
			return;
		for (i = 0; i < n; i++)
			if (keys[i] == 'q')
				view->quit = true;
	}
}

/* The address the probes leave from (mtr's net_localaddr): -a's, else
 * the kernel's choice for the target (a connected UDP socket sends nothing). */
static void find_source(struct live_view *view, const struct trace_run *trace)
{
	struct sonde_addr local;
	int fd;

	if (view->cfg->address) {
		snprintf(view->source, sizeof(view->source), "%s", view->cfg->address);
		return;
	}
	snprintf(view->source, sizeof(view->source), "%s", "unknown");
	if (sock_connect(&trace->target, SOCK_DGRAM, NULL, 0, &fd) < 0)
		return;
	if (sock_local_addr(fd, &local) == 0)
		addr_ntop(&local, view->source, sizeof(view->source));
	close(fd);
}

static void set_columns(struct live_view *view)
{
	struct winsize ws;
	char fields[LIVE_LINE_MAX];

	view->columns = LIVE_COLUMNS_DEFAULT;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		view->columns = ws.ws_col;
	if (view->columns < LIVE_COLUMNS_MIN)
		view->columns = LIVE_COLUMNS_MIN;
	if (view->columns > LIVE_LINE_MAX - 100)
		view->columns = LIVE_LINE_MAX - 100;
	trace_report_fields(fields, sizeof(fields), 0, NULL);
	view->stats_column = view->columns - strlen(fields) - 1;
}

static void draw_top(FILE *fp, const struct live_view *view, const struct trace_run *trace)
{
	const char *title = "My traceroute  [v0.95]";
	char line[LIVE_LINE_MAX], route[LIVE_LINE_MAX], date[64];
	size_t date_column = view->columns - LIVE_DATE_COLUMNS;
	time_t now = time(NULL);
	struct tm tm;

	fprintf(fp, "%*s%s\n", (int)((view->columns - strlen(title)) / 2), "", title);
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", &tm);
	snprintf(route, sizeof(route), "%s (%s) -> %s (%s)", view->local_host, view->source, trace->host,
		 trace->target_text);
	snprintf(line, sizeof(line), "%-*.*s%s", (int)date_column, (int)date_column, route, date);
	fprintf(fp, "%s\n", line);
	fputs("Keys:  Help   Display mode   Restart statistics   Order of fields   quit\n", fp);
	fprintf(fp, "%*s%s\n", (int)view->stats_column, "", "   Packets               Pings");
	snprintf(line, sizeof(line), "%-*s", (int)view->stats_column, " Host");
	trace_report_fields(line, sizeof(line), view->stats_column, NULL);
	fprintf(fp, "%s\n", line);
}

/* A hop's row, and its other addresses on lines of their own (mtr's
 * multipath). */
static void draw_hop(FILE *fp, const struct live_view *view, const struct trace_hop_stats *h, int ttl)
{
	const struct sonde_addr *addr = trace_row_addr(h, &view->style);
	char line[LIVE_LINE_MAX], label[320];
	int i;

	if (!addr) {
		fprintf(fp, "%2d. (waiting for reply)\n", ttl);
		return;
	}
	trace_hop_label(addr, &view->style, label, sizeof(label));
	snprintf(line, sizeof(line), "%2d. %-*s", ttl, (int)view->stats_column - 4, label);
	trace_report_fields(line, sizeof(line), view->stats_column, h);
	fprintf(fp, "%s\n", line);
	for (i = 0; i < h->path_count; i++) {
		if (i == h->latest)
			continue;
		trace_hop_label(&h->paths[i], &view->style, label, sizeof(label));
		fprintf(fp, "    %s\n", label);
	}
}

static bool draw_round(void *user, struct trace_run *trace)
{
	struct live_view *view = user;
	int ttl, last = trace_mtr_last_row(trace);

	fputs("\033[H\033[2J", stdout);
	draw_top(stdout, view, trace);
	for (ttl = trace->p.first_ttl; ttl <= last; ttl++)
		draw_hop(stdout, view, &trace->hops[ttl - trace->p.first_ttl], ttl);
	fflush(stdout);
	read_keys(view);
	return !view->quit;
}

int mtr_live(const struct mtr_config *cfg, struct trace_run *trace)
{
	struct live_view view = { .cfg = cfg };
	int rc;

	mtr_report_style(cfg, &view.style);
	if (gethostname(view.local_host, sizeof(view.local_host)) < 0)
		view.local_host[0] = '\0';
	view.local_host[sizeof(view.local_host) - 1] = '\0';
	find_source(&view, trace);
	set_columns(&view);
	raw_tty();
	rc = trace_report(trace, cfg->rounds, draw_round, &view);
	restore_tty();
	return rc < 0 ? rc : 0;
}
