/* sonde conntrack --summary: what a person asks of a conntrack table
 * first: how full is it, what is in it, who talks most, and are the
 * kernel's error counters moving. */
#include <stdio.h>
#include <string.h>

#include "conntrack_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

#define USAGE_WARN_PCT 80.0

static void render_table(struct sonde_out *out, const struct ct_summary *s)
{
	unsigned long max = ct_summary_max(s);
	unsigned long entries = s->global.has_entries ? s->global.entries : s->entries;
	double pct = ct_summary_usage_pct(s);

	out_open_object(out, "table");
	out_print_uint(out, "entries", "table           %llu", entries);
	if (max) {
		out_print_uint(out, "max", " of %llu entries", max);
		out_print_double(out, "usage_pct", " (%.1f%% full)", pct);
	} else {
		out_print_null(out, "max", " entries (%s)", "limit unknown");
	}
	out_print_bool(out, "near_limit", NULL, pct >= USAGE_WARN_PCT);
	out_text(out, "%s\n", pct >= USAGE_WARN_PCT ? "  WARNING: near nf_conntrack_max" : "");
	out_close_object(out);
}

static const char *proto_key(unsigned p, char *buf, size_t size)
{
	if (strcmp(ct_proto_name((uint8_t)p), "unknown") == 0)
		snprintf(buf, size, "proto-%u", p);
	else
		snprintf(buf, size, "%s", ct_proto_name((uint8_t)p));
	return buf;
}

static const char *tcp_state_key(unsigned state, char *buf, size_t size)
{
	snprintf(buf, size, "%s", state < 10 ? ct_tcp_state_name((uint8_t)state) : "OTHER");
	return buf;
}

/* "label  name N, name N": the non-zero counts, as an object in JSON. */
static void render_counts(struct sonde_out *out, const char *label, const char *key, const unsigned long *counts,
			  unsigned n, const char *(*name_of)(unsigned, char *, size_t))
{
	const char *sep = "";
	unsigned i;

	out_text(out, "%-15s", label);
	out_open_object(out, key);
	for (i = 0; i < n; i++) {
		char name[24];

		if (!counts[i])
			continue;
		name_of(i, name, sizeof(name));
		out_text(out, "%s%s %lu", sep, name, counts[i]);
		out_print_uint(out, name, NULL, counts[i]);
		sep = ", ";
	}
	out_close_object(out);
	out_text(out, "%s\n", *sep ? "" : "(none)");
}

static void render_unreplied(struct sonde_out *out, const struct ct_summary *s)
{
	double pct = s->entries ? 100.0 * (double)s->unreplied / (double)s->entries : 0.0;

	out_print_uint(out, "unreplied", "unreplied      %llu", s->unreplied);
	out_text(out, " of %lu entries", s->entries);
	out_print_double(out, "unreplied_pct", " (%.1f%%): flows that never saw an answer\n", pct);
	out_print_uint(out, "assured", NULL, s->assured);
}

static void render_top(struct sonde_out *out, const char *key, const char *label, const struct ct_tally *tally,
		       bool ports, int n)
{
	struct ct_top_item top[100];
	size_t count = ct_tally_top(tally, top, (size_t)n), i;

	out_text(out, "%-15s", label);
	out_open_array(out, key);
	for (i = 0; i < count; i++) {
		char text[64];

		if (ports)
			ct_top_port_text(&top[i], text, sizeof(text));
		else
			ct_top_addr_text(&top[i], text, sizeof(text));
		out_text(out, "%s%s (%u)", i ? ", " : "", text, top[i].count);
		out_open_object(out, NULL);
		if (ports) {
			out_print_str(out, "proto", NULL, ct_proto_name(top[i].key[0]));
			out_print_uint(out, "port", NULL, (unsigned)(top[i].key[1] << 8 | top[i].key[2]));
		} else {
			out_print_str(out, "addr", NULL, text);
		}
		out_print_uint(out, "count", NULL, top[i].count);
		out_close_object(out);
	}
	out_close_array(out);
	out_text(out, "%s\n", count ? "" : "(none)");
	if (tally->untracked)
		out_text(out, "               (counted among the first %d distinct values; %lu entries beyond)\n",
			 CT_TALLY_MAX_KEYS, tally->untracked);
}

static void render_counters(struct sonde_out *out, const struct ct_summary *s)
{
	size_t i;

	out_text(out, "counters (all CPUs, since boot or namespace creation):\n");
	out_open_object(out, "counters");
	for (i = 0; i < CT_SUMMARY_COUNTERS; i++) {
		unsigned id = ct_summary_counter_ids[i];
		const char *name = ct_stats_name(id);

		if (!(s->counters_present & (1u << id)))
			continue;
		out_open_object(out, name);
		out_print_uint(out, "value", NULL, s->counters[id]);
		out_print_str(out, "meaning", NULL, ct_counter_explain(id));
		out_close_object(out);
		out_text(out, "  %-14s %-8llu %s\n", name, (unsigned long long)s->counters[id], ct_counter_explain(id));
	}
	out_close_object(out);
}

int ct_run_summary(struct sonde_ctx *ctx, struct ct_config *cfg)
{
	struct ct_summary summary;
	int rc = ct_summary_collect(&cfg->filter, &summary);

	if (rc < 0) {
		ct_summary_free(&summary);
		return ct_report_error(rc, "summarizing the connection-tracking table");
	}
	out_open_object(ctx->out, NULL);
	render_table(ctx->out, &summary);
	out_print_uint(ctx->out, "entries_listed", NULL, summary.entries);
	render_counts(ctx->out, "protocols", "protocols", summary.per_proto, 256, proto_key);
	render_counts(ctx->out, "tcp states", "tcp_states", summary.tcp_states, 11, tcp_state_key);
	render_unreplied(ctx->out, &summary);
	render_top(ctx->out, "top_destinations", "top dst", &summary.destinations, false, cfg->top);
	render_top(ctx->out, "top_sources", "top src", &summary.sources, false, cfg->top);
	render_top(ctx->out, "top_dst_ports", "top dst ports", &summary.dest_ports, true, cfg->top);
	render_counters(ctx->out, &summary);
	out_close_object(ctx->out);
	ct_summary_free(&summary);
	return SONDE_EXIT_OK;
}
