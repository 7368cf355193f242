/* mtr's --json and --csv documents, as mtr 0.95 writes them: jansson's
 * layout (four-space indent, reals with five significant digits) and
 * mtr's CSV columns.  mtr keeps times in whole microseconds and the loss
 * in thousandths of a percent, truncated: the values here are cut the
 * same way.  --report's text is libcore's (trace_report.c). */
#include <string.h>

#include "sonde/out.h"
#include "mtr_impl.h"

#define MTR_VERSION "0.95"
#define MTR_JSON_PRECISION 5

void mtr_report_style(const struct mtr_config *cfg, struct trace_report_style *style)
{
	memset(style, 0, sizeof(*style));
	style->numeric = cfg->numeric;
	style->show_ips = cfg->show_ips;
	style->latest = true;
	style->multipath = true;
	style->wide = cfg->wide;
}

static int usec(double ms)
{
	return (int)(ms * 1000);
}

/* mtr's net_loss(): thousandths of a percent, truncated. */
static int loss_milli_pct(const struct trace_hop_stats *h)
{
	if (h->sent == 0)
		return 0;
	return (int)(1000 * (100 - (100.0 * h->received / h->sent)));
}

/* The timing columns in mtr's order (Last, Avg, Best, Wrst, StDev), in
 * microseconds. */
static void hop_usecs(const struct trace_hop_stats *h, int values[5])
{
	bool got = h->received > 0;

	values[0] = got ? usec(h->last_ms) : 0;
	values[1] = got ? usec(h->mean_ms) : 0;
	values[2] = got ? usec(h->best_ms) : 0;
	values[3] = got ? usec(h->worst_ms) : 0;
	values[4] = usec(trace_hop_stdev_ms(h));
}

static const char *const timing_titles[5] = { "Last", "Avg", "Best", "Wrst", "StDev" };

/* A real as jansson writes it: %.5g, ".0" when that reads as an integer,
 * the exponent without '+' and leading zeros. */
static void json_real(FILE *fp, double value)
{
	char text[64], *exponent, *digits, *from;

	snprintf(text, sizeof(text), "%.*g", MTR_JSON_PRECISION, value);
	if (!strchr(text, '.') && !strchr(text, 'e'))
		strcat(text, ".0");
	exponent = strchr(text, 'e');
	if (exponent) {
		digits = exponent + 1;
		from = digits + 1;
		if (*digits == '-')
			digits++;
		while (*from == '0')
			from++;
		memmove(digits, from, strlen(from) + 1);
	}
	fputs(text, fp);
}

static void json_hub(FILE *fp, const struct mtr_doc *doc, int ttl, const struct trace_report_style *style)
{
	const struct trace_hop_stats *h = &doc->trace->hops[ttl - doc->trace->p.first_ttl];
	char label[320];
	int values[5], i;

	trace_hop_label(trace_row_addr(h, style), style, label, sizeof(label));
	hop_usecs(h, values);
	fprintf(fp, "            {\n                \"count\": %d,\n                \"host\": ", ttl);
	json_write_string(fp, label);
	fputs(",\n                \"Loss%\": ", fp);
	json_real(fp, loss_milli_pct(h) / 1000.0);
	fprintf(fp, ",\n                \"Snt\": %d", h->sent);
	for (i = 0; i < 5; i++) {
		fprintf(fp, ",\n                \"%s\": ", timing_titles[i]);
		json_real(fp, values[i] / 1000.0);
	}
	fputs("\n            }", fp);
}

void mtr_print_json(FILE *fp, const struct mtr_doc *doc)
{
	struct trace_report_style style;
	int ttl;

	mtr_report_style(doc->cfg, &style);
	fputs("{\n    \"report\": {\n        \"mtr\": {\n            \"src\": ", fp);
	json_write_string(fp, doc->local_host);
	fputs(",\n            \"dst\": ", fp);
	json_write_string(fp, doc->trace->host);
	fprintf(fp, ",\n            \"tos\": 0,\n            \"tests\": %d,\n            \"psize\": \"%d\",\n"
		"            \"bitpattern\": \"0x00\"\n        },\n        \"hubs\": [", doc->cfg->rounds, doc->cfg->psize);
	for (ttl = doc->trace->p.first_ttl; ttl <= doc->last_ttl; ttl++) {
		fputs(ttl == doc->trace->p.first_ttl ? "\n" : ",\n", fp);
		json_hub(fp, doc, ttl, &style);
	}
	fputs(doc->last_ttl >= doc->trace->p.first_ttl ? "\n        ]\n    }\n}\n" : "]\n    }\n}\n", fp);
}

static void csv_row(FILE *fp, const struct mtr_doc *doc, int ttl, const char *label, const struct trace_hop_stats *h)
{
	int values[5], i;

	hop_usecs(h, values);
	fprintf(fp, "MTR.%s,%lld,OK,%s,%d,%s,%.2f,%d,%d", MTR_VERSION, (long long)doc->end, doc->trace->host, ttl,
		label, loss_milli_pct(h) / 1000.0, h->sent, h->sent - h->received);
	for (i = 0; i < 5; i++)
		fprintf(fp, ",%.2f", values[i] / 1000.0);
	fputc('\n', fp);
}

void mtr_print_csv(FILE *fp, const struct mtr_doc *doc)
{
	struct trace_report_style style;
	char label[320];
	int ttl;

	mtr_report_style(doc->cfg, &style);
	for (ttl = doc->trace->p.first_ttl; ttl <= doc->last_ttl; ttl++) {
		const struct trace_hop_stats *h = &doc->trace->hops[ttl - doc->trace->p.first_ttl];

		if (ttl == doc->trace->p.first_ttl)
			fputs("Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,\n", fp);
		trace_hop_label(trace_row_addr(h, &style), &style, label, sizeof(label));
		csv_row(fp, doc, ttl, label, h);
	}
}
