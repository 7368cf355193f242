/* A trace repeated in rounds of one probe per hop, gathered into per-hop
 * statistics, and mtr 0.95's --report layout of them (traceroute --report,
 * mtr -r and -w).  The passes are trace.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/resolve.h"
#include "sonde/trace.h"

#define TRACE_REVERSE_TIMEOUT_MS 1000

/* --- rounds ---------------------------------------------------------------- */

static void add_path(struct trace_hop_stats *h, const struct sonde_addr *from)
{
	int i;

	for (i = 0; i < h->path_count; i++)
		if (addr_equal(&h->paths[i], from)) {
			h->latest = i;
			return;
		}
	if (h->path_count == TRACE_MAX_PATHS)
		return;
	h->paths[h->path_count] = *from;
	h->latest = h->path_count++;
}

static void count_rtt(struct trace_hop_stats *h, double ms)
{
	double delta;

	h->received++;
	h->last_ms = ms;
	if (h->received == 1 || ms < h->best_ms)
		h->best_ms = ms;
	if (ms > h->worst_ms)
		h->worst_ms = ms;
	/* Welford: mean and sum of squared differences in one pass. */
	delta = ms - h->mean_ms;
	h->mean_ms += delta / h->received;
	h->m2 += delta * (ms - h->mean_ms);
}

static void report_hop(void *user, struct trace_run *run, int ttl)
{
	struct trace_hop_stats *h = &run->hops[ttl - run->p.first_ttl];
	const struct trace_probe *p = &run->probes[(ttl - run->p.first_ttl) * run->p.queries];

	(void)user;
	h->sent++;
	if (!p->answered)
		return;
	if (!h->have_addr) {
		h->addr = p->from;
		h->have_addr = true;
	}
	add_path(h, &p->from);
	h->unreachable = p->final && !p->reached && p->annotation[0];
	count_rtt(h, (double)p->rtt_ns / 1e6);
}

/* Waits out a refill of any rate limit the pass may have emptied: a token
 * has certainly come back a refill (and its margin) after now. */
static void wait_refill(struct trace_run *run)
{
	struct icmp_bucket since_now;
	int64_t until_ns;

	icmp_bucket_init(&since_now, mono_ns());
	until_ns = icmp_bucket_ready_ns(&since_now);
	while (mono_ns() < until_ns)
		probe_poll(run->engine, (int)((until_ns - mono_ns()) / 1000000) + 1);
}

/* After a pass: could silences have been rate limits rather than the path?
 * Yes when no final answer came, or when it came from further than one hop
 * past the last router that answered: the hops between were silent where
 * the destination itself may have been, its limiter empty. */
static bool limiter_suspected(const struct trace_run *run)
{
	int i, last_router = 0;

	if (!run->final_ttl)
		return true;
	for (i = 0; i < run->probe_count; i++)
		if (run->probes[i].answered && !run->probes[i].final && run->probes[i].ttl > last_router)
			last_router = run->probes[i].ttl;
	return run->final_ttl > last_router + 1 && run->final_ttl > run->p.first_ttl;
}

/* One round of the report.  A first round whose silences may have been
 * empty rate limits (a run just before drained them) is asked again once
 * after a refill, up to where it found the destination, and not counted. */
static int report_round(struct trace_run *run, struct trace_hop_stats *before, size_t hops_size)
{
	int rc;

	memcpy(before, run->hops, hops_size);
	rc = trace_pass(run, report_hop, NULL);
	if (rc < 0 || run->round > 0 || run->limiter_retry || !limiter_suspected(run))
		return rc;
	memcpy(run->hops, before, hops_size);
	run->limiter_retry = true;
	run->first_final_ttl = run->final_ttl;
	if (run->final_ttl)
		run->limit_ttl = run->final_ttl;
	wait_refill(run);
	return trace_pass(run, report_hop, NULL);
}

/* mtr's -i: a round starts no sooner than the interval after the last. */
static void wait_interval(struct trace_run *run, int64_t round_start_ns)
{
	int64_t until_ns = round_start_ns + run->p.round_interval_ms * 1000000;

	while (run->round > 0 && mono_ns() < until_ns)
		probe_poll(run->engine, (int)((until_ns - mono_ns()) / 1000000) + 1);
}

int trace_report(struct trace_run *run, int rounds, trace_round_fn on_round, void *user)
{
	int hops = run->p.max_ttl - run->p.first_ttl + 1, last = 0, rc = 0;
	size_t hops_size = (size_t)hops * sizeof(*run->hops);
	struct trace_hop_stats *before = malloc(hops_size);
	int64_t round_start_ns = mono_ns();

	if (!before)
		return -ENOMEM;
	for (run->round = 0; run->round < rounds && rc >= 0; run->round++) {
		wait_interval(run, round_start_ns);
		round_start_ns = mono_ns();
		rc = report_round(run, before, hops_size);
		if (run->final_ttl && (!run->limit_ttl || run->final_ttl < run->limit_ttl))
			run->limit_ttl = run->final_ttl;
		if (rc > last)
			last = rc;
		if (rc >= 0 && on_round && !on_round(user, run))
			break;
	}
	free(before);
	if (rc < 0)
		return rc;
	/* Reached in some round: a later round's lost answer is loss, not a miss. */
	if (run->limit_ttl)
		run->final_ttl = run->limit_ttl;
	if (run->limiter_retry && run->final_ttl && (!run->first_final_ttl || run->final_ttl < run->first_final_ttl))
		run->limiter_note_ttl = run->final_ttl;
	return last;
}

/* --- reading ---------------------------------------------------------------- */

/* Newton's square root: the binary links no libm for one call. */
static double square_root(double x)
{
	double r = x > 1 ? x : 1;
	int i;

	if (x <= 0)
		return 0;
	for (i = 0; i < 64; i++)
		r = (r + x / r) / 2;
	return r;
}

double trace_hop_stdev_ms(const struct trace_hop_stats *h)
{
	return h->received > 1 ? square_root(h->m2 / (h->received - 1)) : 0;
}

double trace_hop_loss_pct(const struct trace_hop_stats *h)
{
	return h->sent ? (double)(h->sent - h->received) * 100.0 / h->sent : 0;
}

const struct sonde_addr *trace_row_addr(const struct trace_hop_stats *h, const struct trace_report_style *style)
{
	if (!h->have_addr)
		return NULL;
	return style->latest ? &h->paths[h->latest] : &h->addr;
}

int trace_mtr_last_row(const struct trace_run *run)
{
	int ttl, last = run->p.first_ttl - 1;

	if (!run->hops)
		return last;
	for (ttl = run->p.first_ttl; ttl <= run->p.max_ttl; ttl++) {
		const struct trace_hop_stats *h = &run->hops[ttl - run->p.first_ttl];

		if (!h->have_addr)
			continue;
		if (addr_equal(&h->paths[h->latest], &run->target) || h->unreachable)
			return ttl;
		last = ttl + 1;
	}
	return last > run->p.max_ttl ? run->p.max_ttl : last;
}

void trace_hop_label(const struct sonde_addr *addr, const struct trace_report_style *style, char *buf, size_t size)
{
	char addr_text[ADDR_STRLEN], name[256];

	if (!addr) {
		snprintf(buf, size, "???");
		return;
	}
	addr_ntop(addr, addr_text, sizeof(addr_text));
	if (style->numeric || resolve_reverse(addr, TRACE_REVERSE_TIMEOUT_MS, name, sizeof(name)) != 0 || !name[0])
		snprintf(buf, size, "%s", addr_text);
	else if (style->show_ips)
		snprintf(buf, size, "%s (%s)", name, addr_text);
	else
		snprintf(buf, size, "%s", name);
}

/* --- mtr's report ------------------------------------------------------------ */

/* mtr writes each field at a fixed column: a value wider than its field is
 * cut by the next one ("2770." for 2770.5), only the last keeps its digits.
 * Without -w the fields start at column 33, over a long host name. */
#define MTR_HOST_COLUMNS 33
#define TRACE_LABEL_MAX 320

struct mtr_field {
	const char *title;
	int width;
};

static const struct mtr_field mtr_fields[] = {
	{ "Loss%", 6 }, { "Snt", 6 }, { "", 1 }, { "Last", 6 }, { "Avg", 6 }, { "Best", 6 }, { "Wrst", 6 }, { "StDev", 6 },
};
#define MTR_FIELD_COUNT (sizeof(mtr_fields) / sizeof(mtr_fields[0]))

static void field_text(const struct trace_hop_stats *h, size_t i, char *buf, size_t size)
{
	bool got = h->received > 0;

	switch (i) {
	case 0: snprintf(buf, size, " %4.1f%%", trace_hop_loss_pct(h)); break;
	case 1: snprintf(buf, size, " %5d", h->sent); break;
	case 2: snprintf(buf, size, " "); break;
	case 3: snprintf(buf, size, " %5.1f", got ? h->last_ms : 0); break;
	case 4: snprintf(buf, size, " %5.1f", got ? h->mean_ms : 0); break;
	case 5: snprintf(buf, size, " %5.1f", got ? h->best_ms : 0); break;
	case 6: snprintf(buf, size, " %5.1f", got ? h->worst_ms : 0); break;
	default: snprintf(buf, size, " %5.1f", trace_hop_stdev_ms(h)); break;
	}
}

static void put_at(char *line, size_t size, size_t column, const char *text)
{
	if (column < size)
		snprintf(line + column, size - column, "%s", text);
}

void trace_report_fields(char *line, size_t size, size_t column, const struct trace_hop_stats *h)
{
	char text[64];
	size_t i;

	for (i = 0; i < MTR_FIELD_COUNT; column += (size_t)mtr_fields[i++].width) {
		if (h)
			field_text(h, i, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%*s", mtr_fields[i].width, mtr_fields[i].title);
		put_at(line, size, column, text);
	}
}

/* Each row's label, so -w measures the names it prints. */
static char (*row_labels(const struct trace_run *run, int last_ttl, const struct trace_report_style *style))[TRACE_LABEL_MAX]
{
	int rows = last_ttl - run->p.first_ttl + 1, i;
	char (*labels)[TRACE_LABEL_MAX] = calloc(rows > 0 ? (size_t)rows : 1, TRACE_LABEL_MAX);

	for (i = 0; labels && i < rows; i++)
		trace_hop_label(trace_row_addr(&run->hops[i], style), style, labels[i], TRACE_LABEL_MAX);
	return labels;
}

/* mtr's lines for a hop's other addresses: the name, padded. */
static void print_paths(FILE *fp, const struct trace_hop_stats *h, size_t host_columns,
			const struct trace_report_style *style)
{
	char label[TRACE_LABEL_MAX];
	int i;

	for (i = 0; i < h->path_count; i++) {
		if (i == h->latest)
			continue;
		trace_hop_label(&h->paths[i], style, label, sizeof(label));
		fprintf(fp, "        %-*s\n", (int)host_columns, label);
	}
}

void trace_report_print(FILE *fp, const struct trace_run *run, int last_ttl, time_t start,
			const struct trace_report_style *style)
{
	char line[1024], host[300], stamp[64];
	char (*labels)[TRACE_LABEL_MAX] = row_labels(run, last_ttl, style);
	size_t host_columns = MTR_HOST_COLUMNS;
	struct tm tm;
	int ttl;

	localtime_r(&start, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
	fprintf(fp, "Start: %s\n", stamp);
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (style->wide) {
		host_columns = strlen(host);
		for (ttl = run->p.first_ttl; labels && ttl <= last_ttl; ttl++)
			if (strlen(labels[ttl - run->p.first_ttl]) > host_columns)
				host_columns = strlen(labels[ttl - run->p.first_ttl]);
	}
	snprintf(line, sizeof(line), "HOST: %-*s", (int)host_columns, host);
	trace_report_fields(line, sizeof(line), style->wide ? strlen(line) : MTR_HOST_COLUMNS, NULL);
	fprintf(fp, "%s\n", line);
	for (ttl = run->p.first_ttl; labels && ttl <= last_ttl; ttl++) {
		const struct trace_hop_stats *h = &run->hops[ttl - run->p.first_ttl];

		snprintf(line, sizeof(line), " %2d.|-- %-*s", ttl, (int)host_columns, labels[ttl - run->p.first_ttl]);
		trace_report_fields(line, sizeof(line), style->wide ? strlen(line) : MTR_HOST_COLUMNS, h);
		fprintf(fp, "%s\n", line);
		if (style->multipath)
			print_paths(fp, h, host_columns, style);
	}
	free(labels);
}
