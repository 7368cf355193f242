/* mtr: mtr 0.95's non-interactive modes on libcore's trace engine, the one
 * under traceroute: -r/--report and -w (the text report, trace_report.c),
 * -j (mtr's JSON) and -C/--csv (mtr_out.c).  ICMP echo probes by default,
 * -u UDP, -T TCP SYN.  Rounds start -i seconds apart (mtr's interval); a
 * round's probes go out in parallel and are paced by the ICMP rate limits
 * of the routers that answer, so a loss is the network's.  Without an
 * output option, on a terminal: mtr's live table (mtr_live.c).  The curses
 * display's other modes, AS lookups and the other outputs are refused with
 * a reason. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>

#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/resolve.h"
#include "sonde/version.h"
#include "mtr_impl.h"

/* mtr exits 1 for every command line it refuses. */
#define MTR_EXIT_USAGE 1
#define MTR_UDP_PORT 33434
#define MTR_TCP_PORT 80
#define MTR_WAIT_HERE 3
#define MTR_WAIT_NEAR 10

static const char *no_interactive(void *config, const char *arg)
{
	(void)config;
	(void)arg;
	return "only mtr's default display (the live table, no option) is implemented in sonde mtr: or use -r, -w, "
	       "-j or -C";
}

static const char *no_as_lookup(void *config, const char *arg)
{
	(void)config;
	(void)arg;
	return "AS lookups ask servers on the internet (origin.asn.cymru.com): not done by sonde mtr";
}

static const char *not_implemented(void *config, const char *arg)
{
	(void)config;
	(void)arg;
	return "not implemented in sonde mtr (docs/mtr.md)";
}

#define MTR_REFUSED(S, L, ARG, FN) SONDE_OPT_FUNC(S, L, ARG, "(mtr's; refused: see docs/mtr.md)", FN)

static const struct sonde_opt mtr_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 only", struct mtr_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 only", struct mtr_config, ipv6),
	SONDE_OPT_STRING("a", "address", "ADDRESS", "send from this source address", struct mtr_config, address),
	SONDE_OPT_FLAG("b", "show-ips", "show IP numbers and host names", struct mtr_config, show_ips),
	SONDE_OPT_FLAG("C", "csv", "output comma separated values", struct mtr_config, csv),
	SONDE_OPT_INT("c", "report-cycles", "COUNT", "rounds of probes (default 10; the live table: until q)", struct mtr_config, rounds, 0,
		      100000),
	SONDE_OPT_INT("f", "first-ttl", "NUMBER", "start from this hop (default 1)", struct mtr_config, first_ttl, 1,
		      255),
	SONDE_OPT_DOUBLE("G", "gracetime", "SECONDS", "wait at most this long for a probe's answer (default 5)",
			 struct mtr_config, grace_s, 0.01, 3600),
	SONDE_OPT_STRING("I", "interface", "NAME", "use named network interface", struct mtr_config, interface),
	SONDE_OPT_DOUBLE("i", "interval", "SECONDS", "rounds start this far apart (default 1)", struct mtr_config,
			 interval_s, 0.001, 3600),
	SONDE_OPT_FLAG("j", NULL, "output mtr's JSON (same as --json)", struct mtr_config, json),
	SONDE_OPT_INT("m", "max-ttl", "NUMBER", "maximum number of hops (default 30)", struct mtr_config, max_ttl, 1,
		      255),
	SONDE_OPT_FLAG("n", "no-dns", "do not resolve host names", struct mtr_config, numeric),
	SONDE_OPT_INT("P", "port", "PORT", "target port for TCP (default 80) or UDP (fixed; default 33434 and up)",
		      struct mtr_config, port, 1, 65535),
	SONDE_OPT_FLAG("r", "report", "output using report mode", struct mtr_config, report),
	SONDE_OPT_INT("s", "psize", "PACKETSIZE", "the whole IP packet's size (default 64)", struct mtr_config, psize,
		      0, 65000),
	SONDE_OPT_FLAG("T", "tcp", "use TCP SYN instead of ICMP echo", struct mtr_config, tcp),
	SONDE_OPT_INT("U", "max-unknown", "NUMBER", "probe no further than this many silent hops (default 12)",
		      struct mtr_config, max_unknown, 1, 255),
	SONDE_OPT_FLAG("u", "udp", "use UDP instead of ICMP echo", struct mtr_config, udp),
	SONDE_OPT_FLAG("w", "report-wide", "output wide report (host names not cut)", struct mtr_config, wide),
	MTR_REFUSED("t", "curses", NULL, no_interactive),
	MTR_REFUSED("p", "split", NULL, no_interactive),
	MTR_REFUSED(NULL, "displaymode", "MODE", no_interactive),
	MTR_REFUSED("z", "aslookup", NULL, no_as_lookup),
	MTR_REFUSED("y", "ipinfo", "NUMBER", no_as_lookup),
	MTR_REFUSED("x", "xml", NULL, not_implemented),
	MTR_REFUSED("l", "raw", NULL, not_implemented),
	MTR_REFUSED("F", "filename", "FILE", not_implemented),
	MTR_REFUSED("o", "order", "FIELDS", not_implemented),
	MTR_REFUSED("L", "localport", "LOCALPORT", not_implemented),
	MTR_REFUSED("B", "bitpattern", "NUMBER", not_implemented),
	MTR_REFUSED("Q", "tos", "NUMBER", not_implemented),
	MTR_REFUSED("e", "mpls", NULL, not_implemented),
	MTR_REFUSED("Z", "timeout", "SECONDS", not_implemented),
	MTR_REFUSED("M", "mark", "MARK", not_implemented),
	SONDE_OPT_END,
};

static void mtr_init(void *config)
{
	struct mtr_config *cfg = config;

	cfg->rounds = -1; /* not given: 10, or until q in the live table */
	cfg->first_ttl = 1;
	cfg->max_ttl = 30;
	cfg->max_unknown = 12;
	cfg->psize = 64;
	cfg->interval_s = 1;
	cfg->grace_s = 5;
}

static int usage_error(const char *why)
{
	sonde_usage_error("%s", why);
	return MTR_EXIT_USAGE;
}

static int check_options(struct mtr_config *cfg, bool json)
{
	if (cfg->ipv4 && cfg->ipv6)
		return usage_error("-4 and -6 exclude each other");
	if (cfg->udp && cfg->tcp)
		return usage_error("-u and -T exclude each other");
	if (json && cfg->csv)
		return usage_error("-j and -C exclude each other");
	if ((json || cfg->csv) && (cfg->report || cfg->wide))
		return usage_error("-r/-w, -j and -C each choose the output: give one");
	if (!json && !cfg->csv && !cfg->report && !cfg->wide && !isatty(STDOUT_FILENO))
		return usage_error("mtr's display needs a terminal on standard output: use -r (--report), -w, -j "
				   "or -C");
	if (cfg->rounds < 0)
		cfg->rounds = json || cfg->csv || cfg->report || cfg->wide ? 10 : INT_MAX;
	/* mtr moves a first hop beyond the last back to it. */
	if (cfg->first_ttl > cfg->max_ttl)
		cfg->first_ttl = cfg->max_ttl;
	return 0;
}

static void set_params(const struct mtr_config *cfg, struct trace_run *trace)
{
	struct trace_params *p = &trace->p;

	p->method = cfg->udp ? PROBE_UDP : cfg->tcp ? PROBE_TCP_SYN : PROBE_ICMP_ECHO;
	p->first_ttl = cfg->first_ttl;
	p->max_ttl = cfg->max_ttl;
	p->queries = 1;
	p->simultaneous = 16;
	p->wait_max_s = cfg->grace_s;
	p->wait_here = MTR_WAIT_HERE;
	p->wait_near = MTR_WAIT_NEAR;
	/* UDP to one port (-P) is told apart by the checksum, Paris-style. */
	p->paris = cfg->udp && cfg->port;
	p->device = cfg->interface;
	p->max_unknown = cfg->max_unknown;
	p->round_interval_ms = (int64_t)(cfg->interval_s * 1000);
	p->round_wait_ms = p->round_interval_ms > 0 ? p->round_interval_ms : 1;
	trace->base_port = (uint16_t)(cfg->port ? cfg->port
				      : p->method == PROBE_TCP_SYN ? MTR_TCP_PORT
				      : p->method == PROBE_UDP ? MTR_UDP_PORT : 1);
}

static const struct caps_need tcp_syn_probes = {
	CAP_NET_RAW, "-T (TCP SYN probes)", "-u: UDP probes need no capability"
};
static const struct caps_need icmp_probes = {
	CAPS_ICMP_SOCKET, "ICMP echo probes (mtr's default)", "-u: UDP probes need no capability"
};

static int open_engine(const struct mtr_config *cfg, struct trace_run *trace)
{
	struct sonde_addr source;
	int rc;

	if (cfg->address && addr_parse_ip(cfg->address, 0, trace->family, &source) < 0) {
		sonde_usage_error("-a: not an IPv%c address: '%s'", trace->family == AF_INET6 ? '6' : '4',
				  cfg->address);
		return MTR_EXIT_USAGE;
	}
	rc = trace_open(trace, cfg->address ? &source : NULL);
	if (rc < 0)
		return caps_fail(rc, trace->p.method == PROBE_TCP_SYN ? &tcp_syn_probes : &icmp_probes,
				 "cannot open a socket");
	/* The engine's sockets are open: nothing left to do needs a capability. */
	caps_limit_or_warn(0);
	return 0;
}

static int start(const struct mtr_config *cfg, struct trace_run *trace, const char *host)
{
	int rc = trace_resolve(trace, host, cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC,
			       cfg->interface != NULL);

	if (rc < 0) {
		sonde_err("failed to resolve host: %s: %s", host, resolve_strerror(rc));
		return SONDE_EXIT_NEGATIVE;
	}
	trace_set_packet_len(trace, cfg->psize);
	rc = open_engine(cfg, trace);
	if (rc)
		return rc;
	if (trace_alloc(trace, true) < 0) {
		sonde_errno(-ENOMEM, "cannot start");
		return SONDE_EXIT_NEGATIVE;
	}
	return 0;
}

static void print_result(const struct mtr_config *cfg, const struct trace_run *trace, FILE *fp, bool json,
			 time_t started)
{
	struct trace_report_style style;
	char host[256];
	struct mtr_doc doc = { cfg, trace, host, trace_mtr_last_row(trace), time(NULL) };

	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (json) {
		mtr_print_json(fp, &doc);
	} else if (cfg->csv) {
		mtr_print_csv(fp, &doc);
	} else {
		mtr_report_style(cfg, &style);
		trace_report_print(fp, trace, doc.last_ttl, started, &style);
	}
}

static int mtr_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct mtr_config *cfg = config;
	struct trace_run trace = { 0 };
	bool json = cfg->json || ctx->json;
	time_t started;
	int rc, last;

	(void)argc;
	/* -j is --json: a failure is then the error document (docs/json.md). */
	if (cfg->json && !ctx->json)
		out_init(ctx->out, stdout, true);
	rc = check_options(cfg, json);
	if (rc)
		return rc;
	set_params(cfg, &trace);
	rc = start(cfg, &trace, argv[0]);
	if (rc)
		goto done;
	if (!json && !cfg->csv && !cfg->report && !cfg->wide) {
		rc = mtr_live(cfg, &trace);
		if (rc < 0) {
			sonde_errno(rc, "trace failed");
			rc = SONDE_EXIT_NEGATIVE;
		}
		goto done;
	}
	started = time(NULL);
	last = trace_report(&trace, cfg->rounds, NULL, NULL);
	if (last < 0) {
		sonde_errno(last, "trace failed");
		rc = SONDE_EXIT_NEGATIVE;
		goto done;
	}
	print_result(cfg, &trace, ctx->out->fp, json, started);
done:
	trace_free(&trace);
	return rc;
}

static const struct sonde_imitation mtr_imitation = {
	.version_letters = "v",
	.classic_line = "mtr 0.95",
	.imitated = "mtr 0.95 (mtr-tiny)",
};

const struct sonde_applet applet_mtr = {
	.name = "mtr",
	.summary = "mtr's table of the route to a host: loss and round trips per hop over rounds of probes",
	.usage = "[-r|-w|-j|-C] [OPTIONS] HOST",
	.help_extra = "Without -r/-w/-j/-C on a terminal: mtr's table redrawn each round, q quits (other keys "
		      "ignored).\nThe curses display modes (-t, -p, --displaymode), -z/-y (AS lookups) and the "
		      "other outputs are refused.\n"
		      "ICMP echo probes need CAP_NET_RAW or net.ipv4.ping_group_range; -u needs neither.",
	.options = mtr_options,
	.config_size = sizeof(struct mtr_config),
	.init = mtr_init,
	.min_args = 1,
	.max_args = 1,
	.usage_exit_code = MTR_EXIT_USAGE,
	.exit_codes = "0 the report was printed or the live table quit (reached or not, as mtr), 1 usage error or a host that does not "
		      "resolve, 3 missing privilege.",
	.caps = CAPS_BIT(CAP_NET_RAW),
	.main = mtr_main,
	.imitates = &mtr_imitation,
};
