/* ping: ICMP echo (or a TCP handshake with --tcp) on libcore's probe engine,
 * with iputils' options, output and exit codes.  ping6 is the same applet
 * with -6 preset.  Output lines are ping_out.c's. */
#include <ares.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ping_impl.h"
#include "sonde/caps.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/resolve.h"
#include "sonde/services.h"
#include "sonde/version.h"

/* iputils' exit codes: 0 a reply came, 1 none did, 2 anything else. */
#define PING_EXIT_ERROR 2
/* iputils refuses shorter intervals to users without privilege. */
#define PING_MIN_USER_INTERVAL_SECS 0.002
#define SEQ_SPACE 65536

static volatile sig_atomic_t ping_interrupted;

static const struct sonde_opt ping_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 only", struct ping_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 only", struct ping_config, ipv6),
	SONDE_OPT_INT("c", NULL, "COUNT", "stop after COUNT replies (or errors)", struct ping_config, count, 1,
		      2147483647),
	SONDE_OPT_FLAG("D", NULL, "print a timestamp [seconds.microseconds] before each line", struct ping_config,
		       timestamps),
	SONDE_OPT_DOUBLE("i", NULL, "SECS", "wait SECS between probes (fractions allowed)", struct ping_config,
			 interval_secs, 0, 2147483),
	SONDE_OPT_STRING("I", NULL, "IFACE|ADDR", "send from this interface or source address", struct ping_config,
			 interface),
	SONDE_OPT_STRING("M", NULL, "do|dont|want", "path MTU discovery: forbid, allow or try fragmentation",
			 struct ping_config, pmtu),
	SONDE_OPT_FLAG("n", NULL, "numeric output: no reverse lookups", struct ping_config, numeric),
	SONDE_OPT_FLAG("O", NULL, "report a probe with no answer when the next one goes out", struct ping_config,
		       outstanding),
	SONDE_OPT_FLAG("q", NULL, "quiet: only the first line and the summary", struct ping_config, quiet),
	SONDE_OPT_INT("s", NULL, "SIZE", "ICMP data bytes (default 56)", struct ping_config, size, 0, 65507),
	SONDE_OPT_STRING("S", "source", "ADDR", "source address", struct ping_config, source),
	SONDE_OPT_INT("t", NULL, "TTL", "IP time to live / hop limit", struct ping_config, ttl, 1, 255),
	SONDE_OPT_COUNT("v", NULL, "verbose: say which socket is used", struct ping_config, verbose),
	SONDE_OPT_DOUBLE("W", NULL, "SECS", "wait SECS for a reply when none came (default 10)", struct ping_config,
			 wait_secs, 0.001, 2147483),
	SONDE_OPT_DOUBLE("w", NULL, "DEADLINE", "stop after DEADLINE seconds whatever happened", struct ping_config,
			 deadline_secs, 0.001, 2147483),
	SONDE_OPT_STRING(NULL, "tcp", "PORT", "time a TCP handshake to PORT instead of an ICMP echo",
			 struct ping_config, tcp_port),
	SONDE_OPT_END,
};

static void ping_init(void *config)
{
	struct ping_config *cfg = config;

	cfg->interval_secs = 1;
	cfg->wait_secs = 10;
	cfg->size = 56;
}

static void ping6_init(void *config)
{
	struct ping_config *cfg = config;

	ping_init(config);
	cfg->ipv6 = true;
}

static void on_interrupt(int sig)
{
	(void)sig;
	ping_interrupted = 1;
}

static int pmtu_mode(const char *text)
{
	if (!text)
		return -1;
	if (strcmp(text, "do") == 0)
		return IP_PMTUDISC_DO;
	if (strcmp(text, "dont") == 0)
		return IP_PMTUDISC_DONT;
	if (strcmp(text, "want") == 0)
		return IP_PMTUDISC_WANT;
	if (strcmp(text, "probe") == 0)
		return IP_PMTUDISC_PROBE;
	return -2;
}

static int check_options(const struct ping_config *cfg)
{
	if (cfg->ipv4 && cfg->ipv6)
		return sonde_usage_error("-4 and -6 exclude each other");
	if (pmtu_mode(cfg->pmtu) == -2)
		return sonde_usage_error("-M: expected do, dont, want or probe, not '%s'", cfg->pmtu);
	if (cfg->interval_secs < PING_MIN_USER_INTERVAL_SECS && geteuid() != 0) {
		sonde_err("cannot flood: the shortest interval allowed for a user is %g ms",
			  PING_MIN_USER_INTERVAL_SECS * 1000);
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

/* --- the target and the source ------------------------------------------ */

static int resolve_target(struct ping_run *run, int family)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t count = 0;
	int rc;

	if (addr_parse_ip(run->host, 0, family, &run->target) == 0) {
		run->name_lookups = false;
		/* -I DEVICE gives the zone. */
		if (addr_needs_zone(&run->target) && !run->cfg->interface) {
			sonde_err("%s: %s", run->host, resolve_strerror(-RESOLVE_EZONE_NEEDED));
			return PING_EXIT_ERROR;
		}
	} else {
		rc = resolve_host(run->host, family, 0, 0, 0, addrs, RESOLVE_MAX_ADDRS, &count);
		if (rc < 0 || count == 0) {
			sonde_err("%s: %s", run->host, resolve_strerror(rc < 0 ? rc : -ARES_ENOTFOUND));
			return PING_EXIT_ERROR;
		}
		run->target = addrs[0];
		run->name_lookups = !run->cfg->numeric;
	}
	run->family = addr_family(&run->target);
	addr_ntop(&run->target, run->target_text, sizeof(run->target_text));
	return 0;
}

/* -I and -S: a device, and/or a source address.  Returns an exit code. */
static int pick_source(const struct ping_run *run, struct sonde_addr *source, bool *have_source,
		       const char **device)
{
	const struct ping_config *cfg = run->cfg;
	const char *addr_text = cfg->source;

	*device = NULL;
	*have_source = false;
	if (cfg->interface) {
		if (addr_parse_ip(cfg->interface, 0, AF_UNSPEC, source) == 0)
			addr_text = cfg->interface;
		else
			*device = cfg->interface;
	}
	if (addr_text) {
		if (addr_parse_ip(addr_text, 0, run->family, source) < 0)
			return sonde_usage_error("bad source address '%s' for an IPv%c target", addr_text,
					   run->family == AF_INET6 ? '6' : '4');
		*have_source = true;
	}
	return 0;
}

/* --- results ------------------------------------------------------------------ */

static void note_rtt(struct ping_stats *st, long rtt_us)
{
	st->rtt_sum_us += rtt_us;
	st->rtt_sum2_us += (long long)rtt_us * rtt_us;
	if (st->received + st->duplicates + st->refused == 1 || rtt_us < st->rtt_min_us)
		st->rtt_min_us = rtt_us;
	if (rtt_us > st->rtt_max_us)
		st->rtt_max_us = rtt_us;
	if (!st->rtt_ewma_us8)
		st->rtt_ewma_us8 = rtt_us * 8;
	else
		st->rtt_ewma_us8 += rtt_us - st->rtt_ewma_us8 / 8;
}

/* An answer to seq (reply, refusal or error) acknowledges it and every
 * earlier probe, as iputils counts what is in flight. */
static void note_acked(struct ping_stats *st, uint16_t seq)
{
	if ((int16_t)(seq - st->acked_seq) > 0)
		st->acked_seq = seq;
}

/* iputils' "pipe": the most probes that were out at once. */
static void note_pipe(struct ping_stats *st, uint16_t seq)
{
	int outstanding = (int)(uint16_t)((uint16_t)st->transmitted - seq) + 1;

	if (outstanding > st->pipe)
		st->pipe = outstanding;
}

static const char *name_of(struct ping_run *run, const struct sonde_addr *addr, char *addr_text, size_t size,
			   char *both, size_t both_size)
{
	addr_ntop(addr, addr_text, size);
	if (!run->name_lookups) {
		snprintf(both, both_size, "%s", addr_text);
		return both;
	}
	if (strcmp(run->last_name_addr, addr_text) != 0) {
		snprintf(run->last_name_addr, sizeof(run->last_name_addr), "%s", addr_text);
		if (resolve_reverse(addr, 2000, run->last_name, sizeof(run->last_name)) < 0)
			run->last_name[0] = '\0';
	}
	if (run->last_name[0])
		snprintf(both, both_size, "%s (%s)", run->last_name, addr_text);
	else
		snprintf(both, both_size, "%s", addr_text);
	return both;
}

static void on_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct ping_run *run = user;
	struct ping_stats *st = &run->stats;
	uint16_t seq = (uint16_t)(uintptr_t)probe_user;
	char addr_text[ADDR_STRLEN], both[ADDR_STRLEN + 320];
	struct ping_event ev = { .seq = seq, .result = r };

	(void)probe_id;
	ev.from_text = name_of(run, &r->from, addr_text, sizeof(addr_text), both, sizeof(both));
	ev.from_addr = addr_text;
	ev.rtt_us = r->rtt_ns >= 0 ? (long)(r->rtt_ns / 1000) : -1;
	switch (r->outcome) {
	case PROBE_REPLY:
		if (r->duplicate) {
			st->duplicates++;
		} else {
			st->received++;
			run->answered[seq] = 1;
			note_pipe(st, seq);
			note_acked(st, seq);
		}
		if (run->timing)
			note_rtt(st, ev.rtt_us);
		ping_print_reply(run, &ev);
		break;
	case PROBE_REFUSED:
		/* A RST is an answer too: its round trip counts. */
		st->refused++;
		run->answered[seq] = 1;
		note_acked(st, seq);
		note_rtt(st, ev.rtt_us);
		ping_print_reply(run, &ev);
		break;
	case PROBE_ICMP_ERROR:
	case PROBE_LOCAL_ERROR:
		st->errors++;
		note_acked(st, seq);
		ping_print_error(run, &ev);
		break;
	case PROBE_TIMEOUT:
		break;
	}
	fflush(stdout);
	/* iputils stops reading once the count is reached (a late DUP is not seen). */
	if (run->cfg->count && st->received + st->refused + st->errors >= run->cfg->count)
		probe_interrupt(run->engine);
}

/* --- the loop ------------------------------------------------------------------- */

/* iputils' codes: a refused socket is an "other error" (2) like the rest. */
static void report_socket_error(const struct ping_run *run, int rc)
{
	char instead[320];
	struct caps_need icmp_echo = { CAPS_ICMP_SOCKET, "ICMP echo", instead };

	snprintf(instead, sizeof(instead),
		 "time a TCP handshake instead, which needs no privilege: sonde ping --tcp PORT %s", run->host);
	caps_fail(rc, &icmp_echo, "cannot open a socket");
}

static int open_engine(struct ping_run *run, const struct sonde_addr *source, bool have_source,
		       const char *device)
{
	struct probe_config pc = { 0 };
	int rc;

	pc.family = run->family;
	pc.method = run->tcp ? PROBE_TCP_SYN : PROBE_ICMP_ECHO;
	pc.source = have_source ? source : NULL;
	pc.device = device;
	pc.pmtu_disc = pmtu_mode(run->cfg->pmtu);
	pc.on_result = on_result;
	pc.user = run;
	rc = probe_engine_open(&pc, &run->engine);
	if (rc == -EPERM && run->tcp) {
		/* No raw socket: a plain connect() times the handshake as well. */
		pc.method = PROBE_TCP_CONNECT;
		rc = probe_engine_open(&pc, &run->engine);
	}
	if (rc < 0) {
		report_socket_error(run, rc);
		return PING_EXIT_ERROR;
	}
	sonde_debug(1, "socket: %s%s", probe_sock_kind_name(probe_engine_kind(run->engine)),
		    probe_engine_kind(run->engine) == PROBE_SOCK_RAW ? " (CAP_NET_RAW)"
		    : probe_engine_kind(run->engine) == PROBE_SOCK_ICMP_DGRAM ? " (ping_group_range)" : "");
	return 0;
}

static int send_probe(struct ping_run *run)
{
	struct ping_stats *st = &run->stats;
	uint16_t seq = (uint16_t)(st->transmitted + 1);
	struct probe_spec spec = { 0 };
	uint32_t id;
	int rc;

	if (run->cfg->outstanding && st->transmitted > 0 && !run->answered[(uint16_t)st->transmitted])
		ping_print_outstanding(run, (uint16_t)st->transmitted);
	/* The seq comes round again after 65536 probes: forget the old one. */
	if (run->probe_of_seq[seq])
		probe_release(run->engine, run->probe_of_seq[seq] - 1);
	run->probe_of_seq[seq] = 0;
	run->answered[seq] = 0;
	spec.dst = run->target;
	spec.ttl = run->cfg->ttl;
	spec.token = seq;
	spec.payload_len = run->tcp ? 0 : (size_t)run->cfg->size;
	spec.timeout_ms = run->tcp ? (int)(run->cfg->wait_secs * 1000) : 0;
	spec.user = (void *)(uintptr_t)seq;
	st->last_send_ns = mono_ns();
	if (!st->transmitted)
		st->first_send_ns = st->last_send_ns;
	st->transmitted++;
	rc = probe_submit(run->engine, &spec, &id);
	if (rc < 0)
		return rc;
	run->probe_of_seq[seq] = id + 1;
	return 0;
}

/* When to stop after the last probe went out: iputils waits twice the
 * slowest round trip (at least one interval) once a reply came, else -W. */
static int64_t linger_ns(const struct ping_run *run)
{
	int64_t interval_ns = (int64_t)(run->cfg->interval_secs * 1e9);
	int64_t wait_ns;

	if (run->stats.received) {
		wait_ns = 2 * (int64_t)run->stats.rtt_max_us * 1000;
		return wait_ns > interval_ns ? wait_ns : interval_ns;
	}
	return (int64_t)(run->cfg->wait_secs * 1e9);
}

static int ms_until(int64_t when_ns, int64_t now_ns)
{
	int64_t left = when_ns - now_ns;

	if (left <= 0)
		return 0;
	return left > 0x7fffffffLL * 1000000 ? 0x7fffffff : (int)((left + 999999) / 1000000);
}

static int min_ms(int a, int b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static bool finished(const struct ping_run *run, int64_t now, int64_t deadline_ns, int64_t exit_ns)
{
	const struct ping_stats *st = &run->stats;
	long answers = st->received + st->refused + st->errors;

	if (ping_interrupted)
		return true;
	if (run->cfg->count && answers >= run->cfg->count)
		return true;
	if (run->cfg->deadline_secs > 0 && st->errors)
		return true;
	if (deadline_ns && now >= deadline_ns)
		return true;
	return exit_ns && now >= exit_ns;
}

/* With no interval iputils sends the next probe once the last one is
 * answered, or 10 ms after it went out: replies are read between sends and
 * never pile up in the socket's buffer to be dropped there as loss that did
 * not happen. */
#define PING_UNANSWERED_GAP_NS (10 * 1000000LL)

/* When the next probe may go after next_send is reached (now, or later). */
static int64_t send_allowed_ns(const struct ping_run *run, int64_t next_send)
{
	const struct ping_stats *st = &run->stats;
	bool in_flight = st->transmitted && (uint16_t)st->transmitted != st->acked_seq;

	if (!ping_no_interval(run->cfg) || !in_flight)
		return next_send;
	return st->last_send_ns + PING_UNANSWERED_GAP_NS > next_send ? st->last_send_ns + PING_UNANSWERED_GAP_NS
								       : next_send;
}

static int run_loop(struct ping_run *run)
{
	const struct ping_config *cfg = run->cfg;
	int64_t interval_ns = ping_no_interval(cfg) ? 0 : (int64_t)(cfg->interval_secs * 1e9);
	int64_t start = mono_ns(), next_send = start, exit_ns = 0, now;
	int64_t deadline_ns = cfg->deadline_secs > 0 ? start + (int64_t)(cfg->deadline_secs * 1e9) : 0;
	int rc;

	for (now = start; !finished(run, now, deadline_ns, exit_ns); now = mono_ns()) {
		bool more = !cfg->count || run->stats.transmitted < cfg->count || deadline_ns;
		int64_t send_at = send_allowed_ns(run, next_send);
		int wait_ms = -1;

		if (more && now >= send_at) {
			rc = send_probe(run);
			if (rc < 0) {
				sonde_errno(rc, "cannot send");
				return PING_EXIT_ERROR;
			}
			/* Keep the cadence, but never make up for lost time in a burst. */
			next_send = next_send + interval_ns > now ? next_send + interval_ns : now + interval_ns;
			if (cfg->count && run->stats.transmitted >= cfg->count && !deadline_ns)
				exit_ns = now + linger_ns(run);
			continue;
		}
		if (more)
			wait_ms = ms_until(send_at, now);
		if (exit_ns)
			wait_ms = min_ms(wait_ms, ms_until(exit_ns, now));
		if (deadline_ns)
			wait_ms = min_ms(wait_ms, ms_until(deadline_ns, now));
		rc = probe_poll(run->engine, wait_ms);
		if (rc < 0 && rc != -EINTR) {
			sonde_errno(rc, "poll");
			return PING_EXIT_ERROR;
		}
	}
	return 0;
}

static int ping_start(struct ping_run *run)
{
	struct sonde_addr source, route_source;
	const char *device;
	bool have_source;
	int rc;

	rc = pick_source(run, &source, &have_source, &device);
	if (rc)
		return rc;
	rc = probe_route_source(&run->target, device, &route_source);
	if (rc == -ENODEV) {
		sonde_err("%s: unknown interface", device);
		return PING_EXIT_ERROR;
	}
	if (rc < 0) {
		sonde_errno(rc, "connect");
		return PING_EXIT_ERROR;
	}
	rc = open_engine(run, &source, have_source, device);
	if (rc)
		return rc;
	/* The raw socket is open: nothing left to do needs a capability. */
	caps_limit_or_warn(0);
	if (run->cfg->interface || run->cfg->source)
		ping_print_header(run, have_source ? &source : &route_source, device);
	else
		ping_print_header(run, NULL, NULL);
	return 0;
}

static int ping_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct ping_config *cfg = config;
	struct ping_run run = { 0 };
	struct sigaction sa = { 0 };
	uint16_t port = 0;
	int rc;

	(void)argc;
	rc = check_options(cfg);
	if (rc)
		return rc;
	if (cfg->tcp_port && addr_parse_port(cfg->tcp_port, false, &port) < 0 &&
	    services_port(cfg->tcp_port, "tcp", &port) < 0)
		return sonde_usage_error("--tcp: not a port: '%s'", cfg->tcp_port);
	sonde_verbosity = cfg->verbose;
	run.cfg = cfg;
	run.out = ctx->out;
	run.host = argv[0];
	run.tcp = cfg->tcp_port != NULL;
	run.timing = run.tcp || cfg->size >= 16;
	rc = resolve_target(&run, cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC);
	if (rc)
		return rc;
	if (run.tcp)
		addr_set_port(&run.target, port);
	run.answered = calloc(SEQ_SPACE, sizeof(*run.answered));
	run.probe_of_seq = calloc(SEQ_SPACE, sizeof(*run.probe_of_seq));
	if (!run.answered || !run.probe_of_seq) {
		sonde_err("out of memory");
		rc = PING_EXIT_ERROR;
		goto done;
	}
	rc = ping_start(&run);
	if (rc)
		goto done;
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = run_loop(&run);
	if (rc == 0)
		rc = ping_print_summary(&run);
done:
	probe_engine_close(run.engine);
	free(run.answered);
	free(run.probe_of_seq);
	return rc;
}

#define PING_HELP \
	"Exit codes (as iputils): 0 a reply came, 1 no reply, 2 any other error.\n" \
	"Sockets by privilege: raw (CAP_NET_RAW), then ICMP datagram sockets (net.ipv4.ping_group_range);\n" \
	"without either ping fails and says how to fix it.  --tcp needs no privilege (connect), and uses a\n" \
	"raw SYN with CAP_NET_RAW."

static const struct sonde_imitation ping_imitation = {
	.version_letters = "V",
	.classic_line = "ping from iputils 20221126",
	.imitated = "ping from iputils 20221126",
};

const struct sonde_applet applet_ping = {
	.name = "ping",
	.summary = "send ICMP echo requests (or time TCP handshakes) and report round-trip times",
	.usage = "[OPTIONS] HOST",
	.help_extra = PING_HELP,
	.options = ping_options,
	.config_size = sizeof(struct ping_config),
	.init = ping_init,
	.min_args = 1,
	.max_args = 1,
	.exit_codes = "0 a reply came, 1 no reply, 2 usage or other error (iputils' scheme).",
	.flags = APPLET_JSON_STREAM,
	.caps = CAPS_BIT(CAP_NET_RAW),
	.main = ping_main,
	.imitates = &ping_imitation,
};

static const struct sonde_imitation ping6_imitation = {
	.version_letters = "V",
	.classic_line = "ping from iputils 20221126",
	.imitated = "ping6 from iputils 20221126",
};

const struct sonde_applet applet_ping6 = {
	.name = "ping6",
	.summary = "ping over IPv6 (ping -6)",
	.usage = "[OPTIONS] HOST",
	.help_extra = PING_HELP,
	.options = ping_options,
	.config_size = sizeof(struct ping_config),
	.init = ping6_init,
	.min_args = 1,
	.max_args = 1,
	.exit_codes = "0 a reply came, 1 no reply, 2 usage or other error (iputils' scheme).",
	.flags = APPLET_JSON_STREAM,
	.caps = CAPS_BIT(CAP_NET_RAW),
	.main = ping_main,
	.imitates = &ping6_imitation,
};
