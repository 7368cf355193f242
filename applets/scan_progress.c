/* The progress line: on a terminal, long scans show on stderr how far they
 * are (percent, probe rate, time left), redrawn at most once a second, and
 * pressing Enter prints a full status line, as nmap does.  Nothing is shown
 * when stderr is not a terminal (scripts, pipes, the tests' files). */
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "scan_impl.h"
#include "sonde/clock.h"

#define REDRAW_NS 1000000000LL
/* Scans shorter than this never draw the line. */
#define FIRST_DRAW_NS 2000000000LL

void scan_progress_init(struct scan_run *run)
{
	run->progress_line = isatty(STDERR_FILENO) && !out_is_json(run->out);
	run->progress_keys = run->progress_line && isatty(STDIN_FILENO);
	run->progress_drawn_ns = 0;
}

/* Did the user press Enter since the last look? */
static bool enter_pressed(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char keys[64];
	bool enter = false;
	ssize_t n;

	while (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) {
		n = read(STDIN_FILENO, keys, sizeof(keys));
		if (n <= 0)
			break;
		enter = enter || memchr(keys, '\n', (size_t)n) || memchr(keys, '\r', (size_t)n);
	}
	return enter;
}

static void status_text(const struct scan_run *run, const char *what, const struct scan_host *host, size_t done,
			size_t total, char *buf, size_t size)
{
	double elapsed = (mono_ns() - run->start_ns) / 1e9;
	double percent = total ? 100.0 * done / total : 0;
	double rate = elapsed > 0 ? run->timing.probes_sent / elapsed : 0;
	char addr[ADDR_STRLEN] = "";

	if (host)
		addr_ntop(&host->addr, addr, sizeof(addr));
	if (done > 0 && done < total)
		snprintf(buf, size, "%s %s: %.1f%% done, %.0f probes/s, about %.0fs left", what, addr, percent, rate,
			 elapsed * (total - done) / done);
	else
		snprintf(buf, size, "%s %s: %.1f%% done, %.0f probes/s", what, addr, percent, rate);
}

void scan_progress_tick(struct scan_run *run, const char *what, const struct scan_host *host, size_t done,
			size_t total)
{
	int64_t now = mono_ns();
	char line[160];

	if (!run->progress_line)
		return;
	if (run->progress_keys && enter_pressed()) {
		status_text(run, what, host, done, total, line, sizeof(line));
		fprintf(stderr, "\r\033[KStats: %.0fs elapsed; %s\n", (now - run->start_ns) / 1e9, line);
		run->progress_drawn_ns = now;
	}
	if (now - run->start_ns < FIRST_DRAW_NS || now - run->progress_drawn_ns < REDRAW_NS)
		return;
	status_text(run, what, host, done, total, line, sizeof(line));
	fprintf(stderr, "\r\033[K%s", line);
	run->progress_drawn_ns = now;
	run->progress_shown = true;
}

void scan_progress_clear(struct scan_run *run)
{
	if (run->progress_shown)
		fprintf(stderr, "\r\033[K");
	run->progress_shown = false;
}
