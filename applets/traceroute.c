/* traceroute: UDP (default), ICMP echo (-I) or TCP SYN (-T) probes with
 * rising TTLs on libcore's trace engine (trace.c: many in flight at once,
 * waits shrunk by -w MAX,HERE,NEAR, the trace stopped at the first hop that
 * answers finally).  --report repeats the trace and prints mtr's report
 * (trace_report.c).  Lines are traceroute_out.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/resolve.h"
#include "sonde/version.h"
#include "traceroute_impl.h"

#define TR_UDP_BASE_PORT 33434
#define TR_TCP_PORT 80

/* -w MAX[,HERE,NEAR] (commas or slashes), as the classic traceroute. */
static const char *parse_wait(void *config, const char *arg)
{
	struct tr_config *cfg = config;
	double values[3] = { cfg->wait_max, cfg->wait_here, cfg->wait_near };
	const char *p = arg, *end, *reason;
	int i;

	for (i = 0; i < 3 && *p; i++) {
		reason = opt_read_double(p, &end, &values[i]);
		if (reason && strcmp(reason, "not a number") != 0)
			return reason;
		if (reason || values[i] < 0 || values[i] > 86400)
			return "expected MAX[,HERE,NEAR] in seconds";
		p = end;
		if (*p == ',' || *p == '/')
			p++;
		else if (*p)
			return "expected MAX[,HERE,NEAR] in seconds";
	}
	if (*p)
		return "expected at most three values";
	cfg->wait_max = values[0];
	cfg->wait_here = values[1];
	cfg->wait_near = values[2];
	cfg->wait_text = arg;
	return NULL;
}

static const struct sonde_opt tr_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 only", struct tr_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 only", struct tr_config, ipv6),
	SONDE_OPT_INT("c", NULL, "ROUNDS", "with --report: rounds of probes (default 10)", struct tr_config, rounds, 1,
		      1000),
	SONDE_OPT_INT("f", NULL, "FIRST_TTL", "start from this hop (default 1)", struct tr_config, first_ttl, 1, 255),
	SONDE_OPT_FLAG("I", NULL, "ICMP echo probes", struct tr_config, icmp),
	SONDE_OPT_STRING("i", NULL, "IFACE", "send through this interface", struct tr_config, interface),
	SONDE_OPT_INT("m", NULL, "MAX_TTL", "at most this many hops (default 30)", struct tr_config, max_ttl, 1, 255),
	SONDE_OPT_INT("N", NULL, "SIMULTANEOUS", "probes in flight at once (default 16)", struct tr_config,
		      simultaneous, 1, 512),
	SONDE_OPT_FLAG("n", NULL, "numeric: no reverse lookups", struct tr_config, numeric),
	SONDE_OPT_INT("p", NULL, "PORT", "UDP: first destination port (default 33434); TCP: port (default 80); "
		      "ICMP: first sequence number", struct tr_config, port, 1, 65535),
	SONDE_OPT_INT("q", NULL, "NQUERIES", "probes per hop (default 3)", struct tr_config, queries, 1, 10),
	SONDE_OPT_STRING("s", NULL, "SRC", "source address", struct tr_config, source),
	SONDE_OPT_FLAG("T", NULL, "TCP SYN probes (needs CAP_NET_RAW)", struct tr_config, tcp),
	SONDE_OPT_COUNT("v", NULL, "verbose: say which socket is used", struct tr_config, verbose),
	SONDE_OPT_FUNC("w", NULL, "MAX[,HERE,NEAR]", "wait MAX seconds for a probe, or HERE/NEAR times the round "
		       "trip seen at this hop / further hops (default 5,3,10)", parse_wait),
	SONDE_OPT_FLAG(NULL, "paris", "keep the flow identifiers constant so ECMP routers send every probe the "
		       "same way", struct tr_config, paris),
	SONDE_OPT_FLAG(NULL, "report", "repeat the trace (-c rounds) and print an mtr-style report",
		       struct tr_config, report),
	SONDE_OPT_END,
};

static void tr_init(void *config)
{
	struct tr_config *cfg = config;

	cfg->first_ttl = 1;
	cfg->max_ttl = 30;
	cfg->queries = 3;
	cfg->simultaneous = 16;
	cfg->rounds = 10;
	cfg->wait_max = 5;
	cfg->wait_here = 3;
	cfg->wait_near = 10;
}

static int check_options(const struct tr_config *cfg)
{
	if (cfg->ipv4 && cfg->ipv6)
		return sonde_usage_error("-4 and -6 exclude each other");
	if (cfg->icmp && cfg->tcp)
		return sonde_usage_error("-I and -T exclude each other");
	if (cfg->first_ttl > cfg->max_ttl)
		return sonde_usage_error("first hop %d is beyond the last (-m %d)", cfg->first_ttl, cfg->max_ttl);
	if (cfg->wait_max <= 0)
		return sonde_usage_error("-w: MAX must be above 0");
	return 0;
}

/* The packet length operand: the whole IP packet, as classic traceroute. */
static int packet_len_operand(const char *len_text, int *len)
{
	char *end;
	long v;

	*len = -1;
	if (!len_text)
		return 0;
	v = strtol(len_text, &end, 10);
	if (end == len_text || *end || v < 0 || v > 65000)
		return sonde_usage_error("bad packet length '%s'", len_text);
	*len = (int)v;
	return 0;
}

static const struct caps_need tcp_syn_probes = {
	CAP_NET_RAW, "-T (TCP SYN probes)", "the default UDP method, or -I with ping_group_range, needs no capability"
};
/* The UDP method opens no raw socket: only -I and -T are ever refused. */
static const struct caps_need icmp_probes = {
	CAPS_ICMP_SOCKET, "-I (ICMP echo probes)", "leave out -I: the default UDP method needs neither"
};

static int open_engine(struct tr_run *run, struct sonde_addr *source)
{
	struct trace_run *trace = &run->trace;
	const char *src = run->cfg->source;
	int rc;

	if (src && addr_parse_ip(src, 0, trace->family, source) < 0)
		return sonde_usage_error("-s: not an IPv%c address: '%s'", trace->family == AF_INET6 ? '6' : '4', src);
	rc = trace_open(trace, src ? source : NULL);
	if (rc < 0)
		return caps_fail(rc, trace->p.method == PROBE_TCP_SYN ? &tcp_syn_probes : &icmp_probes,
				 "cannot open a socket");
	/* The engine's sockets are open: nothing left to do needs a capability. */
	caps_limit_or_warn(0);
	if (probe_engine_kind(trace->engine) != PROBE_SOCK_RAW)
		sonde_debug(1, "no raw socket: %s probes with errors from IP_RECVERR (unprivileged, like tracepath)",
			    trace->p.method == PROBE_UDP ? "UDP" : "ICMP datagram");
	sonde_debug(1, "socket: %s", probe_sock_kind_name(probe_engine_kind(trace->engine)));
	return 0;
}

static void set_params(struct tr_run *run)
{
	const struct tr_config *cfg = run->cfg;
	struct trace_params *p = &run->trace.p;

	p->method = cfg->icmp ? PROBE_ICMP_ECHO : cfg->tcp ? PROBE_TCP_SYN : PROBE_UDP;
	p->first_ttl = cfg->first_ttl;
	p->max_ttl = cfg->max_ttl;
	p->queries = cfg->report ? 1 : cfg->queries;
	p->simultaneous = cfg->simultaneous;
	p->wait_max_s = cfg->wait_max;
	p->wait_here = cfg->wait_here;
	p->wait_near = cfg->wait_near;
	p->paris = cfg->paris;
	p->device = cfg->interface;
	run->trace.base_port = (uint16_t)(cfg->port ? cfg->port
					  : p->method == PROBE_TCP_SYN ? TR_TCP_PORT
					  : p->method == PROBE_UDP ? TR_UDP_BASE_PORT : 1);
}

static int resolve_target(struct tr_run *run, const char *host)
{
	const struct tr_config *cfg = run->cfg;
	int rc = trace_resolve(&run->trace, host, cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC,
			       cfg->interface != NULL);

	if (rc < 0) {
		sonde_err("%s: %s", host, resolve_strerror(rc));
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

static int run_report(struct tr_run *run)
{
	time_t start = time(NULL);
	int last = trace_report(&run->trace, run->cfg->rounds, NULL, NULL);

	if (last < 0)
		return last;
	if (run->trace.limiter_note_ttl)
		sonde_err("note: the first round's silences up to hop %d were ICMP rate limits, not loss (asked "
			  "again after a refill, hop %d answered): they are not counted", run->trace.limiter_note_ttl,
			  run->trace.limiter_note_ttl);
	tr_print_report(run, last, start);
	return last;
}

static int traceroute_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct tr_config *cfg = config;
	struct tr_run run = { 0 };
	struct sonde_addr source;
	int rc, last, packet_len;

	rc = check_options(cfg);
	if (rc)
		return rc;
	sonde_verbosity = cfg->verbose;
	run.cfg = cfg;
	run.out = ctx->out;
	set_params(&run);
	rc = resolve_target(&run, argv[0]);
	if (rc == 0)
		rc = packet_len_operand(argc > 1 ? argv[1] : NULL, &packet_len);
	if (rc == 0) {
		trace_set_packet_len(&run.trace, packet_len);
		rc = open_engine(&run, &source);
	}
	if (rc)
		goto done;
	if (trace_alloc(&run.trace, cfg->report) < 0) {
		rc = SONDE_EXIT_NEGATIVE;
		goto done;
	}
	if (cfg->report) {
		last = run_report(&run);
	} else {
		tr_print_header(&run);
		last = trace_pass(&run.trace, tr_print_hop, &run);
		if (last > 0)
			tr_print_summary(&run, last);
	}
	if (last < 0) {
		sonde_errno(last, "trace failed");
		rc = SONDE_EXIT_NEGATIVE;
	} else {
		rc = run.trace.final_ttl ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
	}
done:
	trace_free(&run.trace);
	return rc;
}

static const struct sonde_imitation traceroute_imitation = {
	.version_letters = "V",
	.classic_line = "Modern traceroute for Linux, version 2.1.2",
	.imitated = "traceroute 2.1.2 (Dmitry Butskoy's)",
	.to_stderr = true,
};

const struct sonde_applet applet_traceroute = {
	.name = "traceroute",
	.summary = "print the route packets take to a host, hop by hop (UDP, ICMP or TCP probes)",
	.usage = "[OPTIONS] HOST [PACKETLEN]",
	.help_extra = "Probes go out in parallel (-N) and the trace ends at the first hop that answers finally.\n"
		      "Without CAP_NET_RAW the UDP method reads ICMP errors through IP_RECVERR (as tracepath);\n"
		      "-I then needs ICMP datagram sockets (net.ipv4.ping_group_range) and -T needs CAP_NET_RAW.\n"
		      "Exit 0 when the last hop printed answered finally (destination or unreachable), else 1.",
	.options = tr_options,
	.config_size = sizeof(struct tr_config),
	.init = tr_init,
	.min_args = 1,
	.max_args = 2,
	.flags = APPLET_JSON_STREAM,
	.caps = CAPS_BIT(CAP_NET_RAW),
	.main = traceroute_main,
	.imitates = &traceroute_imitation,
};
