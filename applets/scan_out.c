/* scan's output: the normal report in nmap's layout (per-host header, a
 * "Not shown" line for the states too common to list, the PORT STATE
 * SERVICE table, the timing footer), JSON through the output layer, and
 * the grepable (-oG) and XML (-oX) files in nmap's formats, so tools that
 * read those (ndiff, importers) read sonde's. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan_impl.h"
#include "sonde/version.h"
#include "sonde/clock.h"
#include "sonde/services.h"

/* nmap lists a state's ports one by one up to this many (per -v level). */
#define LIST_THRESHOLD 25

static const char *const state_names[SCAN_STATE_COUNT] = {
	"unknown", "open", "closed", "filtered", "unfiltered", "open|filtered", "closed|filtered",
};

static const char *const reason_names[REASON_COUNT] = {
	"unknown", "syn-ack", "reset", "conn-refused", "no-response", "port-unreach", "host-unreach",
	"net-unreach", "proto-unreach", "admin-prohibited", "net-prohibited", "host-prohibited", "udp-response",
	"echo-reply", "arp-response", "localhost-response", "user-set", "error",
};

const char *scan_state_name(enum scan_state state)
{
	return state < SCAN_STATE_COUNT ? state_names[state] : "unknown";
}

const char *scan_reason_name(enum scan_reason reason)
{
	return reason < REASON_COUNT ? reason_names[reason] : "unknown";
}

const char *scan_proto_name(enum scan_proto proto)
{
	return proto == SCAN_UDP ? "udp" : "tcp";
}

static const char *service_of(const struct scan_port *p)
{
	const char *name = services_name(p->port, scan_proto_name(p->proto));

	return name ? name : "unknown";
}

/* Called as nmap, the lines scripts look for read as nmap's do. */
static const char *report_word(const struct scan_run *run)
{
	return run->as_nmap ? "Nmap scan" : "Scan";
}

static double elapsed_secs(const struct scan_run *run)
{
	return (mono_ns() - run->start_ns) / 1e9;
}

static const char *host_addr_text(const struct scan_host *h, char *buf, size_t size)
{
	return addr_ntop(&h->addr, buf, size);
}

static const char *host_name(const struct scan_host *h)
{
	return h->name ? h->name : h->rdns;
}

/* --- which ports are listed ------------------------------------------------ */

struct state_group {
	size_t count[2][SCAN_STATE_COUNT]; /* by protocol and state */
};

static void count_states(const struct scan_host *h, struct state_group *g)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < h->port_count; i++)
		g->count[h->ports[i].proto][h->ports[i].state]++;
}

static bool possibly_open(enum scan_state state)
{
	return state == SCAN_OPEN || state == SCAN_OPEN_FILTERED || state == SCAN_UNFILTERED;
}

/* Is a port of this protocol and state left out of the table? */
static bool state_hidden(const struct scan_run *run, const struct state_group *g, int proto, int state)
{
	size_t threshold = LIST_THRESHOLD * (size_t)(1 + run->cfg->verbose);

	if (state == SCAN_UNKNOWN) /* not scanned (interrupted): no state to list */
		return true;
	if (run->cfg->open_only && !possibly_open(state))
		return true;
	return g->count[proto][state] > threshold;
}

/* "latency" as nmap prints it: two significant digits, fixed point. */
static void format_secs(char *buf, size_t size, double secs)
{
	int decimals = 1;
	double scaled = secs;

	/* One decimal per leading zero, one more for the second digit. */
	while (scaled > 0 && scaled < 1 && decimals < 9) {
		scaled *= 10;
		decimals++;
	}
	if (decimals < 2)
		decimals = 2;
	snprintf(buf, size, "%.*fs", decimals, secs);
}

/* --- normal output ----------------------------------------------------------- */

void scan_out_start(struct scan_run *run)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M %Z", &tm);
	if (!out_is_json(run->out) && !run->quiet_text)
		out_text(run->out, "Starting %s scan at %s\n", sonde_version_short(), when);
	else {
		out_open_object(run->out, NULL);
		out_print_str(run->out, "scanner", NULL, "sonde");
		out_print_str(run->out, "version", NULL, sonde_version_short());
		out_print_str(run->out, "args", NULL, run->command_line);
		out_print_str(run->out, "scan_type", NULL,
			      run->cfg->ping_only ? "ping" : run->cfg->syn ? "syn" : run->cfg->connect ? "connect" : "udp");
		out_open_array(run->out, "hosts");
	}
	if (run->grepable) {
		char stamp[64];

		strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", &tm);
		fprintf(run->grepable, "# %s scan initiated %s as: %s\n", sonde_version_short(), stamp,
			run->command_line);
	}
}

static int most_common(const size_t by_reason[REASON_COUNT])
{
	int r, best = -1;

	for (r = 0; r < REASON_COUNT; r++)
		if (by_reason[r] && (best < 0 || by_reason[r] > by_reason[best] ||
				     (by_reason[r] == by_reason[best] && strcmp(reason_names[r], reason_names[best]) < 0)))
			best = r;
	return best;
}

static void print_not_shown(struct scan_run *run, const struct scan_host *h, const struct state_group *g)
{
	bool first = true;
	int proto, state;

	for (proto = 0; proto < 2; proto++)
		for (state = 1; state < SCAN_STATE_COUNT; state++) {
			size_t by_reason[REASON_COUNT] = { 0 }, i;
			int r;

			if (!g->count[proto][state] || !state_hidden(run, g, proto, state))
				continue;
			for (i = 0; i < h->port_count; i++)
				if (h->ports[i].proto == proto && h->ports[i].state == state)
					by_reason[h->ports[i].reason]++;
			/* The most common reason first (ties by name), as nmap orders them. */
			while ((r = most_common(by_reason)) >= 0) {
				/* "ports" even for one: nmap's wording, which parsers expect. */
				out_text(run->out, "%s%zu %s %s ports (%s)", first ? "Not shown: " : ", ", by_reason[r],
					 state_names[state], scan_proto_name(proto), reason_names[r]);
				first = false;
				by_reason[r] = 0;
			}
		}
	if (!first)
		out_text(run->out, "\n");
}

/* An interrupted scan's ports that never got a state, said, never guessed. */
static void print_not_scanned(struct scan_run *run, const struct state_group *g)
{
	int proto;

	for (proto = 0; proto < 2; proto++)
		if (g->count[proto][SCAN_UNKNOWN])
			out_text(run->out, "Not scanned (interrupted): %zu %s ports\n", g->count[proto][SCAN_UNKNOWN],
				 scan_proto_name(proto));
}

static void reason_text(const struct scan_port *p, char *buf, size_t size)
{
	if (p->ttl)
		snprintf(buf, size, "%s ttl %u", reason_names[p->reason], p->ttl);
	else
		snprintf(buf, size, "%s", reason_names[p->reason]);
}

static void print_table(struct scan_run *run, const struct scan_host *h, const struct state_group *g)
{
	int port_w = 4, state_w = 5, service_w = 7;
	char port_text[16], reason[48];
	size_t i, shown = 0;

	for (i = 0; i < h->port_count; i++) {
		const struct scan_port *p = &h->ports[i];
		int len;

		if (state_hidden(run, g, p->proto, p->state))
			continue;
		shown++;
		len = snprintf(port_text, sizeof(port_text), "%u/%s", p->port, scan_proto_name(p->proto));
		port_w = len > port_w ? len : port_w;
		len = (int)strlen(state_names[p->state]);
		state_w = len > state_w ? len : state_w;
		len = (int)strlen(service_of(p));
		service_w = len > service_w ? len : service_w;
	}
	if (!shown)
		return;
	if (run->cfg->reason)
		out_text(run->out, "%-*s %-*s %-*s REASON\n", port_w, "PORT", state_w, "STATE", service_w, "SERVICE");
	else
		out_text(run->out, "%-*s %-*s SERVICE\n", port_w, "PORT", state_w, "STATE");
	for (i = 0; i < h->port_count; i++) {
		const struct scan_port *p = &h->ports[i];

		if (state_hidden(run, g, p->proto, p->state))
			continue;
		snprintf(port_text, sizeof(port_text), "%u/%s", p->port, scan_proto_name(p->proto));
		reason_text(p, reason, sizeof(reason));
		if (run->cfg->reason)
			out_text(run->out, "%-*s %-*s %-*s %s\n", port_w, port_text, state_w, state_names[p->state],
				 service_w, service_of(p), reason);
		else
			out_text(run->out, "%-*s %-*s %s\n", port_w, port_text, state_w, state_names[p->state],
				 service_of(p));
		if (h->banners && h->banners[i])
			out_text(run->out, "| banner: %s\n", h->banners[i]);
	}
}

static void print_host_text(struct scan_run *run, const struct scan_host *h)
{
	char addr[ADDR_STRLEN], latency[32];
	struct state_group g;

	host_addr_text(h, addr, sizeof(addr));
	if (!h->up) {
		if (run->cfg->verbose)
			out_text(run->out, "%s report for %s [host down]\n", report_word(run), addr);
		return;
	}
	if (host_name(h))
		out_text(run->out, "%s report for %s (%s)\n", report_word(run), host_name(h), addr);
	else
		out_text(run->out, "%s report for %s\n", report_word(run), addr);
	out_text(run->out, "Host is up");
	if (run->cfg->reason) {
		out_text(run->out, ", received %s", reason_names[h->up_reason]);
		if (h->up_ttl)
			out_text(run->out, " ttl %u", h->up_ttl);
	}
	if (h->latency_ms >= 0) {
		format_secs(latency, sizeof(latency), h->latency_ms / 1000);
		out_text(run->out, " (%s latency)", latency);
	}
	out_text(run->out, ".\n");
	if (h->other_addrs)
		out_text(run->out, "Other addresses for %s (not scanned): %zu\n", h->name, h->other_addrs);
	if (h->timed_out) {
		out_text(run->out, "Skipping host %s due to host timeout\n", addr);
		return;
	}
	if (run->cfg->ping_only)
		return;
	count_states(h, &g);
	print_not_scanned(run, &g);
	print_not_shown(run, h, &g);
	print_table(run, h, &g);
	out_text(run->out, "\n");
}

/* --- JSON --------------------------------------------------------------------- */

/* The states too common to list port by port, as -oX's <extraports> and
 * the text's "Not shown:" (a -p- scan listed 65,000 closed ports, 6 MB):
 * counted, so that no port goes unaccounted.  -v raises the threshold. */
static void print_extraports_json(struct scan_run *run, const struct state_group *g)
{
	int proto, state;

	out_open_array(run->out, "extraports");
	for (proto = 0; proto < 2; proto++)
		for (state = SCAN_UNKNOWN + 1; state < SCAN_STATE_COUNT; state++) {
			if (!g->count[proto][state] || !state_hidden(run, g, proto, state))
				continue;
			out_open_object(run->out, NULL);
			out_print_str(run->out, "protocol", NULL, scan_proto_name(proto));
			out_print_str(run->out, "state", NULL, state_names[state]);
			out_print_uint(run->out, "count", NULL, g->count[proto][state]);
			out_close_object(run->out);
		}
	out_close_array(run->out);
}

static void print_host_json(struct scan_run *run, const struct scan_host *h)
{
	struct sonde_out *o = run->out;
	char addr[ADDR_STRLEN];
	size_t i;

	out_open_object(o, NULL);
	out_print_str(o, "address", NULL, host_addr_text(h, addr, sizeof(addr)));
	if (host_name(h))
		out_print_str(o, "name", NULL, host_name(h));
	else
		out_print_null(o, "name", NULL, NULL);
	out_print_str(o, "status", NULL, h->up ? "up" : "down");
	if (h->up)
		out_print_str(o, "reason", NULL, reason_names[h->up_reason]);
	if (h->latency_ms >= 0)
		out_print_double(o, "latency_ms", NULL, h->latency_ms);
	out_print_bool(o, "timed_out", NULL, h->timed_out);
	if (h->up && !run->cfg->ping_only && !h->timed_out) {
		struct state_group g;

		count_states(h, &g);
		print_extraports_json(run, &g);
		out_open_array(o, "ports");
		for (i = 0; i < h->port_count; i++) {
			const struct scan_port *p = &h->ports[i];

			if (state_hidden(run, &g, p->proto, p->state))
				continue;
			out_open_object(o, NULL);
			out_print_uint(o, "port", NULL, p->port);
			out_print_str(o, "protocol", NULL, scan_proto_name(p->proto));
			out_print_str(o, "state", NULL, state_names[p->state]);
			out_print_str(o, "reason", NULL, reason_names[p->reason]);
			if (p->ttl)
				out_print_uint(o, "reason_ttl", NULL, p->ttl);
			out_print_str(o, "service", NULL, service_of(p));
			if (h->banners && h->banners[i])
				out_print_str(o, "banner", NULL, h->banners[i]);
			out_close_object(o);
		}
		out_close_array(o);
		out_print_uint(o, "not_scanned", NULL, g.count[0][SCAN_UNKNOWN] + g.count[1][SCAN_UNKNOWN]);
	}
	out_close_object(o);
}

/* --- grepable ------------------------------------------------------------------- */

static void print_host_grepable(struct scan_run *run, const struct scan_host *h)
{
	FILE *fp = run->grepable;
	char addr[ADDR_STRLEN];
	struct state_group g;
	size_t i, listed = 0, ignored_count = 0;
	int ignored_state = 0, proto, state;
	const char *name = host_name(h) ? host_name(h) : "";

	host_addr_text(h, addr, sizeof(addr));
	if (!h->up && !run->cfg->verbose && !run->cfg->ping_only)
		return;
	fprintf(fp, "Host: %s (%s)\tStatus: %s\n", addr, name, h->up ? "Up" : "Down");
	if (!h->up || run->cfg->ping_only || h->timed_out)
		return;
	count_states(h, &g);
	fprintf(fp, "Host: %s (%s)\tPorts: ", addr, name);
	for (i = 0; i < h->port_count; i++) {
		const struct scan_port *p = &h->ports[i];

		if (state_hidden(run, &g, p->proto, p->state))
			continue;
		fprintf(fp, "%s%u/%s/%s//%s///", listed++ ? ", " : "", p->port, state_names[p->state],
			scan_proto_name(p->proto), service_of(p));
	}
	/* nmap names the one state it left out most of. */
	for (proto = 0; proto < 2; proto++)
		for (state = 1; state < SCAN_STATE_COUNT; state++)
			if (state_hidden(run, &g, proto, state) && g.count[proto][state] > ignored_count) {
				ignored_count = g.count[proto][state];
				ignored_state = state;
			}
	if (ignored_count)
		fprintf(fp, "\tIgnored State: %s (%zu)", state_names[ignored_state], ignored_count);
	fprintf(fp, "\n");
}

/* --- XML ---------------------------------------------------------------------------- */

static void xml_attr(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, " %s=\"", name);
	for (; *value; value++) {
		switch (*value) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default:
			if ((unsigned char)*value < 0x20)
				fprintf(fp, "&#%d;", *value);
			else
				fputc(*value, fp);
		}
	}
	fputc('"', fp);
}

static void xml_scaninfo(FILE *fp, const char *type, const char *proto, const struct port_list *ports)
{
	size_t len = ports_format(ports, NULL, 0);
	char *services = malloc(len + 1);

	fprintf(fp, "<scaninfo type=\"%s\" protocol=\"%s\" numservices=\"%zu\"", type, proto, ports_total(ports));
	if (services) {
		ports_format(ports, services, len + 1);
		xml_attr(fp, "services", services);
		free(services);
	}
	fprintf(fp, "/>\n");
}

static void xml_start(struct scan_run *run)
{
	FILE *fp = run->xml;
	char start[32];

	snprintf(start, sizeof(start), "%lld", (long long)time(NULL));
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n<nmaprun");
	xml_attr(fp, "scanner", "sonde");
	xml_attr(fp, "args", run->command_line);
	xml_attr(fp, "start", start);
	xml_attr(fp, "version", sonde_version_short());
	xml_attr(fp, "xmloutputversion", "1.05");
	fprintf(fp, ">\n");
	if (!run->cfg->ping_only) {
		if (run->tcp_ports.count)
			xml_scaninfo(fp, run->cfg->syn ? "syn" : "connect", "tcp", &run->tcp_ports);
		if (run->udp_ports.count)
			xml_scaninfo(fp, "udp", "udp", &run->udp_ports);
	}
	fprintf(fp, "<verbose level=\"%d\"/>\n<debugging level=\"0\"/>\n", run->cfg->verbose);
}

static void xml_port(FILE *fp, const struct scan_port *p, const char *banner)
{
	fprintf(fp, "<port protocol=\"%s\" portid=\"%u\"><state state=\"%s\" reason=\"%s\" reason_ttl=\"%u\"/>",
		scan_proto_name(p->proto), p->port, state_names[p->state], reason_names[p->reason], p->ttl);
	fprintf(fp, "<service name=\"%s\" method=\"table\" conf=\"3\"", service_of(p));
	if (banner)
		xml_attr(fp, "extrainfo", banner);
	fprintf(fp, "/></port>\n");
}

static void print_host_xml(struct scan_run *run, const struct scan_host *h)
{
	FILE *fp = run->xml;
	char addr[ADDR_STRLEN];
	struct state_group g;
	size_t i;
	int proto, state;

	if (!h->up && !run->cfg->ping_only)
		return;
	fprintf(fp, "<host><status state=\"%s\" reason=\"%s\" reason_ttl=\"%u\"/>\n", h->up ? "up" : "down",
		h->up ? reason_names[h->up_reason] : "no-response", h->up_ttl);
	fprintf(fp, "<address addr=\"%s\" addrtype=\"%s\"/>\n<hostnames>\n", host_addr_text(h, addr, sizeof(addr)),
		addr_family(&h->addr) == AF_INET6 ? "ipv6" : "ipv4");
	if (host_name(h)) {
		fprintf(fp, "<hostname");
		xml_attr(fp, "name", host_name(h));
		xml_attr(fp, "type", h->name ? "user" : "PTR");
		fprintf(fp, "/>\n");
	}
	fprintf(fp, "</hostnames>\n");
	if (h->up && !run->cfg->ping_only && !h->timed_out) {
		count_states(h, &g);
		fprintf(fp, "<ports>");
		for (proto = 0; proto < 2; proto++)
			for (state = 1; state < SCAN_STATE_COUNT; state++)
				if (g.count[proto][state] && state_hidden(run, &g, proto, state))
					fprintf(fp, "<extraports state=\"%s\" count=\"%zu\"/>\n", state_names[state],
						g.count[proto][state]);
		for (i = 0; i < h->port_count; i++)
			if (!state_hidden(run, &g, h->ports[i].proto, h->ports[i].state))
				xml_port(fp, &h->ports[i], h->banners ? h->banners[i] : NULL);
		fprintf(fp, "</ports>\n");
	}
	fprintf(fp, "</host>\n");
}

/* --- per host and the end -------------------------------------------------------------- */

void scan_out_host(struct scan_run *run, const struct scan_host *h)
{
	if (run->xml) {
		if (h == run->hosts)
			xml_start(run);
		print_host_xml(run, h);
	}
	if (run->grepable)
		print_host_grepable(run, h);
	if (out_is_json(run->out))
		print_host_json(run, h);
	else if (!run->quiet_text)
		print_host_text(run, h);
}

static size_t hosts_up(const struct scan_run *run)
{
	size_t i, up = 0;

	for (i = 0; i < run->host_count; i++)
		up += run->hosts[i].up;
	return up;
}

void scan_out_end(struct scan_run *run)
{
	size_t up = hosts_up(run), total = run->host_count;
	double secs = elapsed_secs(run);
	char summary[160];

	snprintf(summary, sizeof(summary), "%zu IP address%s (%zu host%s up) scanned in %.2f seconds", total,
		 total == 1 ? "" : "es", up, up == 1 ? "" : "s", secs);
	if (out_is_json(run->out)) {
		out_close_array(run->out);
		out_open_object(run->out, "summary");
		out_print_uint(run->out, "hosts_total", NULL, total);
		out_print_uint(run->out, "hosts_up", NULL, up);
		out_print_double(run->out, "elapsed_s", NULL, secs);
		out_print_uint(run->out, "probes_sent", NULL, run->timing.probes_sent);
		out_print_bool(run->out, "interrupted", NULL, run->interrupted);
		out_close_object(run->out);
		/* The caller closes the document, after a failure's "error". */
	} else if (!run->quiet_text) {
		if (total == 1 && up == 0 && !run->cfg->ping_only)
			out_text(run->out, "Note: Host seems down. If it is really up, but blocking our ping probes, "
					   "try -Pn\n");
		out_text(run->out, "%s done%s: %s\n", run->as_nmap ? "Nmap" : "Scan",
			 run->interrupted ? " (interrupted)" : "", summary);
		if (run->cfg->verbose)
			out_text(run->out, "           Probes sent: %llu, dropped first tries: %llu\n",
				 (unsigned long long)run->timing.probes_sent, (unsigned long long)run->timing.drops);
	}
	if (run->grepable)
		fprintf(run->grepable, "# %s done -- %s\n", run->as_nmap ? "Nmap" : "sonde", summary);
	if (run->xml) {
		if (run->host_count == 0)
			xml_start(run);
		fprintf(run->xml, "<runstats><finished time=\"%lld\" elapsed=\"%.2f\"", (long long)time(NULL), secs);
		xml_attr(run->xml, "summary", summary);
		fprintf(run->xml, " exit=\"%s\"/><hosts up=\"%zu\" down=\"%zu\" total=\"%zu\"/>\n</runstats>\n"
				  "</nmaprun>\n", run->interrupted ? "error" : "success", up, total - up, total);
	}
}
