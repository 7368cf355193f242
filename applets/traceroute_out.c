/* traceroute's output: the classic traceroute's lines and JSON (one object
 * per hop, then a summary; --report's one object).  --report's text is
 * libcore's (trace_report.c), mtr's layout. */
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
	out_print_str(out, "target", NULL, run->trace.host);
	out_print_str(out, "address", NULL, run->trace.target_text);
	out_print_str(out, "method", NULL, method_name(run->trace.p.method));
	out_print_str(out, "socket", NULL, probe_sock_kind_name(probe_engine_kind(run->trace.engine)));
}

static bool reverse_name(const struct sonde_addr *addr, char *name, size_t size)
{
	return resolve_reverse(addr, TR_REVERSE_TIMEOUT_MS, name, size) == 0 && name[0];
}

/* "name (addr)", or "addr (addr)" without a name, or "addr" with -n. */
static void tr_hop_name(struct tr_run *run, const struct sonde_addr *addr, char *buf, size_t size)
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
	out_text(run->out, "traceroute to %s (%s), %d hops max, %d byte packets\n", run->trace.host,
		 run->trace.target_text, run->cfg->max_ttl, run->trace.packet_len);
	fflush(run->out->fp);
}

static void hop_json(struct tr_run *run, int ttl, const struct trace_probe *probes)
{
	struct sonde_out *out = run->out;
	char addr_text[ADDR_STRLEN], name[256];
	int q;

	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "hop");
	out_print_int(out, "hop", NULL, ttl);
	out_open_array(out, "probes");
	for (q = 0; q < run->trace.p.queries; q++) {
		const struct trace_probe *p = &probes[q];

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
static const struct trace_probe *previous_answered(const struct trace_probe *probes, int q)
{
	while (--q >= 0)
		if (probes[q].answered)
			return &probes[q];
	return NULL;
}

void tr_print_hop(void *user, struct trace_run *trace, int ttl)
{
	struct tr_run *run = user;
	const struct trace_probe *probes = &trace->probes[(ttl - run->cfg->first_ttl) * trace->p.queries];
	struct sonde_out *out = run->out;
	char name[ADDR_STRLEN + 300];
	int q;

	if (out_is_json(out)) {
		hop_json(run, ttl, probes);
		return;
	}
	out_text(out, "%2d ", ttl);
	for (q = 0; q < run->trace.p.queries; q++) {
		const struct trace_probe *p = &probes[q], *prev;

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
	const struct trace_probe *probes;
	bool reached = false;
	int q;

	if (!out_is_json(out))
		return;
	probes = &run->trace.probes[(last_ttl - run->cfg->first_ttl) * run->trace.p.queries];
	for (q = 0; q < run->trace.p.queries; q++)
		reached = reached || probes[q].reached;
	json_trace_head(run, "summary");
	out_print_bool(out, "paris", NULL, run->cfg->paris);
	out_print_int(out, "hops", NULL, last_ttl);
	out_print_bool(out, "reached", NULL, reached);
	out_print_bool(out, "final", NULL, run->trace.final_ttl == last_ttl);
	out_close_object(out);
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
		const struct trace_hop_stats *h = &run->trace.hops[ttl - run->cfg->first_ttl];

		out_open_object(out, NULL);
		out_print_int(out, "hop", NULL, ttl);
		if (h->have_addr)
			out_print_str(out, "address", NULL, addr_ntop(&h->addr, addr_text, sizeof(addr_text)));
		else
			out_print_null(out, "address", NULL, NULL);
		out_print_double(out, "loss_pct", NULL, trace_hop_loss_pct(h));
		out_print_int(out, "sent", NULL, h->sent);
		out_print_int(out, "received", NULL, h->received);
		if (h->received) {
			out_print_double(out, "last_ms", NULL, h->last_ms);
			out_print_double(out, "avg_ms", NULL, h->mean_ms);
			out_print_double(out, "best_ms", NULL, h->best_ms);
			out_print_double(out, "worst_ms", NULL, h->worst_ms);
			out_print_double(out, "stdev_ms", NULL, trace_hop_stdev_ms(h));
		}
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}

void tr_print_report(struct tr_run *run, int last_ttl, time_t start)
{
	struct trace_report_style style = { .numeric = run->cfg->numeric };

	if (out_is_json(run->out))
		report_json(run, last_ttl);
	else
		trace_report_print(run->out->fp, &run->trace, last_ttl, start, &style);
}
