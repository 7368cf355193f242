/* mtr's report layout (libcore/trace_report.c) on fixed hop statistics:
 * the rows, the cut of a long host name, -w's columns, mtr's multipath
 * lines, and the rows mtr shows. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sonde/trace.h"
#include "tap.h"

#define HOPS 4

static void set_addr(struct sonde_addr *a, const char *text)
{
	addr_parse_ip(text, 0, AF_UNSPEC, a);
}

static void answered(struct trace_hop_stats *h, const char *from, double ms)
{
	struct sonde_addr a;
	int i;

	set_addr(&a, from);
	if (!h->have_addr) {
		h->addr = a;
		h->have_addr = true;
	}
	for (i = 0; i < h->path_count && !addr_equal(&h->paths[i], &a); i++)
		;
	if (i == h->path_count)
		h->paths[h->path_count++] = a;
	h->latest = i;
	h->received++;
	h->last_ms = ms;
	h->mean_ms = ms;
	h->best_ms = ms;
	h->worst_ms = ms;
}

/* The report's lines after Start and HOST (the host name is this machine's). */
static char *rows_of(const struct trace_run *run, int last, const struct trace_report_style *style)
{
	char *text = NULL, *rows;
	size_t size = 0;
	FILE *fp = open_memstream(&text, &size);

	trace_report_print(fp, run, last, 0, style);
	fclose(fp);
	rows = strchr(text, '\n');
	rows = rows ? strchr(rows + 1, '\n') : NULL;
	rows = strdup(rows ? rows + 1 : "");
	free(text);
	return rows;
}

int main(void)
{
	struct trace_hop_stats hops[HOPS] = { 0 };
	struct trace_run run = { 0 };
	struct trace_report_style mtr = { .numeric = true, .latest = true, .multipath = true };
	struct trace_report_style wide = mtr, traceroute = { .numeric = true };
	char *rows, host[256], want[512];
	int i;

	run.p.first_ttl = 1;
	run.p.max_ttl = HOPS;
	run.hops = hops;
	set_addr(&run.target, "10.0.4.2");
	for (i = 0; i < HOPS; i++)
		hops[i].sent = 2;
	answered(&hops[0], "10.0.1.2", 0.1);
	answered(&hops[0], "10.0.1.2", 0.1);
	answered(&hops[2], "10.0.3.2", 1.25);
	answered(&hops[2], "10.0.3.3", 2770.5);
	answered(&hops[3], "10.0.4.2", 0.2);

	rows = rows_of(&run, 4, &mtr);
	ok(strcmp(rows, "  1.|-- 10.0.1.2                   0.0%     2    0.1   0.1   0.1   0.1   0.0\n"
			"  2.|-- ???                       100.0     2    0.0   0.0   0.0   0.0   0.0\n"
			"  3.|-- 10.0.3.3                   0.0%     2  2770. 2770. 2770. 2770.   0.0\n"
			"        10.0.3.2                         \n"
			"  4.|-- 10.0.4.2                  50.0%     2    0.2   0.2   0.2   0.2   0.0\n") == 0,
	   "mtr's rows: the last answer named, the other address on a line of its own, wide times cut");
	if (tap_failures)
		printf("# %s", rows);
	free(rows);
	rows = rows_of(&run, 3, &traceroute);
	ok(strstr(rows, "  3.|-- 10.0.3.2                   0.0%") && !strstr(rows, "        10.0"),
	   "traceroute's rows: the first answer named, no multipath lines");
	free(rows);
	wide.wide = true;
	rows = rows_of(&run, 1, &wide);
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(want, sizeof(want), "  1.|-- %-*s  0.0%%     2    0.1   0.1   0.1   0.1   0.0\n",
		 strlen(host) > 8 ? (int)strlen(host) : 8, "10.0.1.2");
	is_str(rows, want, "-w: the columns follow the longest of the host names and this host's");
	free(rows);

	is_int(trace_mtr_last_row(&run), 4, "rows end at the destination");
	memset(&hops[3], 0, sizeof(hops[3]));
	is_int(trace_mtr_last_row(&run), 4, "a silent destination: one row past the furthest that answered");
	hops[2].unreachable = true;
	is_int(trace_mtr_last_row(&run), 3, "rows end at an unreachable");
	return tap_failures ? 1 : 0;
}
