/* traceroute's output: the classic traceroute's lines, mtr's --report
 * layout, and JSON (one object per hop, then a summary). */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sonde/resolve.h"
#include "traceroute_impl.h"

#define TR_REVERSE_TIMEOUT_MS 1000

static const char *method_name(enum probe_method method)
{
	switch (method) {
	case PROBE_ICMP_ECHO: return "icmp";
	case PROBE_TCP_SYN: return "tcp";
	default: return "udp";
	}
}

/* Opens the summary or report object with what was traced and how. */
static void json_trace_head(struct tr_run *run, const char *type)
{
	struct sonde_out *out = run->out;

	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, type);
	out_print_str(out, "target", NULL, run->host);
	out_print_str(out, "address", NULL, run->target_text);
	out_print_str(out, "method", NULL, method_name(run->method));
	out_print_str(out, "socket", NULL, probe_sock_kind_name(probe_engine_kind(run->engine)));
}

static bool reverse_name(const struct sonde_addr *addr, char *name, size_t size)
{
	return resolve_reverse(addr, TR_REVERSE_TIMEOUT_MS, name, size) == 0 && name[0];
}

/* "name (addr)", or "addr (addr)" without a name, or "addr" with -n. */
void tr_hop_name(struct tr_run *run, const struct sonde_addr *addr, char *buf, size_t size)
{
	char addr_text[ADDR_STRLEN], name[256];

	addr_ntop(addr, addr_text, sizeof(addr_text));
	if (run->cfg->numeric)
		snprintf(buf, size, "%s", addr_text);
	else
		snprintf(buf, size, "%s (%s)", reverse_name(addr, name, sizeof(name)) ? name : addr_text, addr_text);
}

void tr_print_header(struct tr_run *run)
{
	if (out_is_json(run->out))
		return;
	out_text(run->out, "traceroute to %s (%s), %d hops max, %d byte packets\n", run->host, run->target_text,
		 run->cfg->max_ttl, run->packet_len);
	fflush(run->out->fp);
}

static void hop_json(struct tr_run *run, int ttl, const struct tr_probe *probes)
{
	struct sonde_out *out = run->out;
	char addr_text[ADDR_STRLEN], name[256];
	int q;

	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "hop");
	out_print_int(out, "hop", NULL, ttl);
	out_open_array(out, "probes");
	for (q = 0; q < run->cfg->queries; q++) {
		const struct tr_probe *p = &probes[q];

		out_open_object(out, NULL);
		if (p->answered) {
			out_print_str(out, "address", NULL, addr_ntop(&p->from, addr_text, sizeof(addr_text)));
			if (!run->cfg->numeric && reverse_name(&p->from, name, sizeof(name)))
				out_print_str(out, "name", NULL, name);
			out_print_double(out, "rtt_ms", NULL, (double)p->rtt_ns / 1e6);
			if (p->annotation[0])
				out_print_str(out, "annotation", NULL, p->annotation);
			out_print_bool(out, "destination", NULL, p->reached);
		} else {
			out_print_null(out, "address", NULL, NULL);
			if (p->error)
				out_print_str(out, "error", NULL, strerror(-p->error));
		}
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}

/* The previous answered probe of the hop, or NULL: an address is printed
 * when it is the hop's first or differs from that one. */
static const struct tr_probe *previous_answered(const struct tr_probe *probes, int q)
{
	while (--q >= 0)
		if (probes[q].answered)
			return &probes[q];
	return NULL;
}

void tr_print_hop(struct tr_run *run, int ttl)
{
	const struct tr_probe *probes = &run->probes[(ttl - run->cfg->first_ttl) * run->cfg->queries];
	struct sonde_out *out = run->out;
	char name[ADDR_STRLEN + 300];
	int q;

	if (out_is_json(out)) {
		hop_json(run, ttl, probes);
		return;
	}
	out_text(out, "%2d ", ttl);
	for (q = 0; q < run->cfg->queries; q++) {
		const struct tr_probe *p = &probes[q], *prev;

		if (!p->answered) {
			out_text(out, " *");
			continue;
		}
		prev = previous_answered(probes, q);
		if (!prev || !addr_equal(&prev->from, &p->from)) {
			tr_hop_name(run, &p->from, name, sizeof(name));
			out_text(out, " %s", name);
		}
		out_text(out, "  %.3f ms", (double)p->rtt_ns / 1e6);
		if (p->annotation[0])
			out_text(out, " %s", p->annotation);
	}
	out_text(out, "\n");
	fflush(out->fp);
}

void tr_print_summary(struct tr_run *run, int last_ttl)
{
	struct sonde_out *out = run->out;
	const struct tr_probe *probes;
	bool reached = false;
	int q;

	if (!out_is_json(out))
		return;
	probes = &run->probes[(last_ttl - run->cfg->first_ttl) * run->cfg->queries];
	for (q = 0; q < run->cfg->queries; q++)
		reached = reached || probes[q].reached;
	json_trace_head(run, "summary");
	out_print_bool(out, "paris", NULL, run->cfg->paris);
	out_print_int(out, "hops", NULL, last_ttl);
	out_print_bool(out, "reached", NULL, reached);
	out_print_bool(out, "final", NULL, run->final_ttl == last_ttl);
	out_close_object(out);
}

/* --- mtr's report ---------------------------------------------------------- */

/* mtr writes each field at a fixed column: a value wider than its field is
 * cut by the next one ("2770." for 2770.5), only the last keeps its digits. */
#define MTR_HOST_COLUMNS 33

struct mtr_field {
	const char *title;
	int width;
};

static const struct mtr_field mtr_fields[] = {
	{ "Loss%", 6 }, { "Snt", 6 }, { "", 1 }, { "Last", 6 }, { "Avg", 6 }, { "Best", 6 }, { "Wrst", 6 }, { "StDev", 6 },
};
#define MTR_FIELD_COUNT (sizeof(mtr_fields) / sizeof(mtr_fields[0]))

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

static double hop_stdev(const struct tr_hop_stats *h)
{
	return h->received > 1 ? square_root(h->m2 / (h->received - 1)) : 0;
}

static double hop_loss(const struct tr_hop_stats *h)
{
	return h->sent ? (double)(h->sent - h->received) * 100.0 / h->sent : 0;
}

static void field_text(const struct tr_hop_stats *h, size_t i, char *buf, size_t size)
{
	bool got = h->received > 0;

	switch (i) {
	case 0: snprintf(buf, size, " %4.1f%%", hop_loss(h)); break;
	case 1: snprintf(buf, size, " %5d", h->sent); break;
	case 2: snprintf(buf, size, " "); break;
	case 3: snprintf(buf, size, " %5.1f", got ? h->last_ms : 0); break;
	case 4: snprintf(buf, size, " %5.1f", got ? h->mean_ms : 0); break;
	case 5: snprintf(buf, size, " %5.1f", got ? h->best_ms : 0); break;
	case 6: snprintf(buf, size, " %5.1f", got ? h->worst_ms : 0); break;
	default: snprintf(buf, size, " %5.1f", hop_stdev(h)); break;
	}
}

static void put_at(char *line, size_t size, size_t column, const char *text)
{
	if (column < size)
		snprintf(line + column, size - column, "%s", text);
}

static void report_text(struct tr_run *run, int last_ttl, time_t start)
{
	char line[512], text[64], host[300], stamp[64];
	size_t column, i;
	struct tm tm;
	int ttl;

	localtime_r(&start, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
	out_text(run->out, "Start: %s\n", stamp);
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	snprintf(line, sizeof(line), "HOST: %-*s", MTR_HOST_COLUMNS, host);
	for (column = MTR_HOST_COLUMNS, i = 0; i < MTR_FIELD_COUNT; column += (size_t)mtr_fields[i++].width) {
		snprintf(text, sizeof(text), "%*s", mtr_fields[i].width, mtr_fields[i].title);
		put_at(line, sizeof(line), column, text);
	}
	out_text(run->out, "%s\n", line);
	for (ttl = run->cfg->first_ttl; ttl <= last_ttl; ttl++) {
		const struct tr_hop_stats *h = &run->hops[ttl - run->cfg->first_ttl];
		char addr_text[ADDR_STRLEN];

		if (!h->have_addr)
			snprintf(host, sizeof(host), "???");
		else if (run->cfg->numeric || !reverse_name(&h->addr, host, sizeof(host)))
			snprintf(host, sizeof(host), "%s", addr_ntop(&h->addr, addr_text, sizeof(addr_text)));
		snprintf(line, sizeof(line), " %2d.|-- %-*s", ttl, MTR_HOST_COLUMNS, host);
		for (column = MTR_HOST_COLUMNS, i = 0; i < MTR_FIELD_COUNT; column += (size_t)mtr_fields[i++].width) {
			field_text(h, i, text, sizeof(text));
			put_at(line, sizeof(line), column, text);
		}
		out_text(run->out, "%s\n", line);
	}
}

static void report_json(struct tr_run *run, int last_ttl)
{
	struct sonde_out *out = run->out;
	char addr_text[ADDR_STRLEN];
	int ttl;

	json_trace_head(run, "report");
	out_print_int(out, "rounds", NULL, run->cfg->rounds);
	out_open_array(out, "hops");
	for (ttl = run->cfg->first_ttl; ttl <= last_ttl; ttl++) {
		const struct tr_hop_stats *h = &run->hops[ttl - run->cfg->first_ttl];

		out_open_object(out, NULL);
		out_print_int(out, "hop", NULL, ttl);
		if (h->have_addr)
			out_print_str(out, "address", NULL, addr_ntop(&h->addr, addr_text, sizeof(addr_text)));
		else
			out_print_null(out, "address", NULL, NULL);
		out_print_double(out, "loss_pct", NULL, hop_loss(h));
		out_print_int(out, "sent", NULL, h->sent);
		out_print_int(out, "received", NULL, h->received);
		if (h->received) {
			out_print_double(out, "last_ms", NULL, h->last_ms);
			out_print_double(out, "avg_ms", NULL, h->mean_ms);
			out_print_double(out, "best_ms", NULL, h->best_ms);
			out_print_double(out, "worst_ms", NULL, h->worst_ms);
			out_print_double(out, "stdev_ms", NULL, hop_stdev(h));
		}
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}

void tr_print_report(struct tr_run *run, int last_ttl, time_t start)
{
	if (out_is_json(run->out))
		report_json(run, last_ttl);
	else
		report_text(run, last_ttl, start);
}
