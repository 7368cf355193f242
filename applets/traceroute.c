/* traceroute: UDP (default), ICMP echo (-I) or TCP SYN (-T) probes with
 * rising TTLs, many in flight at once on libcore's probe engine.  A probe's
 * wait shrinks to a multiple of the round trip already seen at its hop or
 * beyond (the classic -w MAX,HERE,NEAR), so a silent hop costs little, and
 * the trace stops at the first hop that answers finally.  --report repeats
 * the trace and prints mtr's report.  Lines are traceroute_out.c's. */
#include <ares.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sonde/caps.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/pkt.h"
#include "sonde/resolve.h"
#include "sonde/version.h"
#include "traceroute_impl.h"

#define TR_UDP_BASE_PORT 33434
#define TR_TCP_PORT 80
#define TR_DATA_BYTES 32
/* A HERE/NEAR wait is never shorter than this: a router's ICMP can lag its
 * forwarding by far more than a fast hop's round trip, most of all on a
 * loaded machine. */
#define TR_MIN_WAIT_NS 5000000LL

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

/* --- answers ------------------------------------------------------------- */

static void annotate_unreach4(struct tr_probe *p, const struct probe_result *r)
{
	switch (r->icmp_code) {
	case 0: case 6: case 8: case 11: snprintf(p->annotation, sizeof(p->annotation), "!N"); break;
	case 1: case 7: case 12: snprintf(p->annotation, sizeof(p->annotation), "!H"); break;
	case 2: snprintf(p->annotation, sizeof(p->annotation), "!P"); break;
	case 3: p->annotation[0] = '\0'; break; /* port unreachable: the destination */
	case 4: snprintf(p->annotation, sizeof(p->annotation), "!F-%u", r->mtu); break;
	case 5: snprintf(p->annotation, sizeof(p->annotation), "!S"); break;
	case 9: case 10: case 13: snprintf(p->annotation, sizeof(p->annotation), "!X"); break;
	case 14: snprintf(p->annotation, sizeof(p->annotation), "!V"); break;
	case 15: snprintf(p->annotation, sizeof(p->annotation), "!C"); break;
	default: snprintf(p->annotation, sizeof(p->annotation), "!<%u>", r->icmp_code); break;
	}
}

static void annotate_unreach6(struct tr_probe *p, const struct probe_result *r)
{
	switch (r->icmp_code) {
	case 0: snprintf(p->annotation, sizeof(p->annotation), "!N"); break;
	case 1: snprintf(p->annotation, sizeof(p->annotation), "!X"); break;
	case 2: case 3: snprintf(p->annotation, sizeof(p->annotation), "!H"); break;
	case 4: p->annotation[0] = '\0'; break;
	default: snprintf(p->annotation, sizeof(p->annotation), "!<%u>", r->icmp_code); break;
	}
}

/* Time exceeded is an ordinary hop; any unreachable ends the trace. */
static void classify_icmp(const struct tr_run *run, struct tr_probe *p, const struct probe_result *r)
{
	bool v6 = run->family == AF_INET6;

	if (r->icmp_type == (v6 ? PKT_ICMP6_TIME_EXCEEDED : PKT_ICMP_TIME_EXCEEDED))
		return;
	p->final = true;
	if (v6 && r->icmp_type == PKT_ICMP6_UNREACH)
		annotate_unreach6(p, r);
	else if (!v6 && r->icmp_type == PKT_ICMP_UNREACH)
		annotate_unreach4(p, r);
	else if (v6 && r->icmp_type == PKT_ICMP6_PACKET_TOO_BIG)
		snprintf(p->annotation, sizeof(p->annotation), "!F-%u", r->mtu);
	else
		p->final = false;
}

static bool same_host(const struct sonde_addr *a, const struct sonde_addr *b)
{
	char a_text[ADDR_STRLEN], b_text[ADDR_STRLEN];

	return strcmp(addr_ntop(a, a_text, sizeof(a_text)), addr_ntop(b, b_text, sizeof(b_text))) == 0;
}

/* --report: the rate-limit model of the host at addr (added when add and
 * there is room: a host beyond it is not paced), or NULL. */
static struct icmp_bucket *responder_bucket(struct tr_run *run, const struct sonde_addr *addr, bool add)
{
	struct tr_responder *r;
	int i;

	for (i = 0; i < run->responder_count; i++)
		if (same_host(&run->responders[i].addr, addr))
			return &run->responders[i].bucket;
	if (!add || run->responder_count >= run->responder_cap)
		return NULL;
	r = &run->responders[run->responder_count++];
	r->addr = *addr;
	icmp_bucket_init(&r->bucket, mono_ns());
	return &r->bucket;
}

static void on_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct tr_run *run = user;
	struct tr_probe *p = &run->probes[(uintptr_t)probe_user];

	(void)probe_id;
	if (p->done)
		return;
	p->done = true;
	run->in_flight--;
	probe_release(run->engine, p->engine_id);
	switch (r->outcome) {
	case PROBE_REPLY:
	case PROBE_REFUSED:
		p->final = true;
		break;
	case PROBE_ICMP_ERROR:
		classify_icmp(run, p, r);
		/* Errors, not echo replies or TCP answers, come through the
		 * sender's rate limit. */
		if (run->responders) {
			struct icmp_bucket *b = responder_bucket(run, &r->from, true);

			if (b)
				icmp_bucket_drew(b, p->sent_ns, mono_ns());
		}
		break;
	case PROBE_LOCAL_ERROR:
		p->error = r->error;
		return;
	case PROBE_TIMEOUT:
		return;
	}
	p->answered = true;
	p->from = r->from;
	p->rtt_ns = r->rtt_ns;
	p->reached = same_host(&r->from, &run->target);
	if (p->final && (!run->final_ttl || p->ttl < run->final_ttl))
		run->final_ttl = p->ttl;
}

/* --- sending and waiting ------------------------------------------------ */

static int send_one(struct tr_run *run, int index)
{
	struct tr_probe *p = &run->probes[index];
	struct probe_spec spec = { 0 };
	uint32_t seq = run->sequence++;
	int rc;

	spec.dst = run->target;
	spec.ttl = p->ttl;
	spec.payload_len = run->payload_len;
	spec.timeout_ms = (int)(run->cfg->wait_max * 1000);
	spec.user = (void *)(uintptr_t)index;
	switch (run->method) {
	case PROBE_UDP:
		/* Classic: a new port per probe; Paris: one port, the checksum tells them apart. */
		addr_set_port(&spec.dst, (uint16_t)(run->base_port + (run->cfg->paris ? 0 : seq)));
		spec.token = (uint16_t)(seq + 1);
		break;
	case PROBE_ICMP_ECHO:
		spec.token = (uint16_t)(run->base_port + seq);
		break;
	default:
		addr_set_port(&spec.dst, run->base_port);
		spec.token = (uint16_t)(seq + 1);
		break;
	}
	p->sent = true;
	p->sent_ns = mono_ns();
	run->in_flight++;
	rc = probe_submit(run->engine, &spec, &p->engine_id);
	if (rc < 0) {
		run->in_flight--;
		p->done = true;
		p->error = rc;
	}
	return rc;
}

/* The round trip of an answered probe at ttl (first_ttl..), or -1. */
static int64_t answered_rtt(const struct tr_run *run, int from_index, int to_index)
{
	int i;

	for (i = from_index; i < to_index; i++)
		if (run->probes[i].answered && run->probes[i].rtt_ns > 0)
			return run->probes[i].rtt_ns;
	return -1;
}

static int64_t at_least(double wait_ns, int64_t max_ns)
{
	int64_t floor_ns = TR_MIN_WAIT_NS < max_ns ? TR_MIN_WAIT_NS : max_ns;

	return wait_ns > (double)floor_ns ? (int64_t)wait_ns : floor_ns;
}

/* When a probe stops waiting: MAX, or HERE/NEAR times a round trip already
 * seen at its hop / at a further hop, whichever is shorter. */
static int64_t probe_deadline(const struct tr_run *run, int index)
{
	const struct tr_config *cfg = run->cfg;
	const struct tr_probe *p = &run->probes[index];
	int hop_start = index - index % cfg->queries;
	int64_t wait_ns = (int64_t)(cfg->wait_max * 1e9), rtt;

	rtt = cfg->wait_here > 0 ? answered_rtt(run, hop_start, hop_start + cfg->queries) : -1;
	if (rtt > 0 && rtt * cfg->wait_here < wait_ns)
		return p->sent_ns + at_least(rtt * cfg->wait_here, wait_ns);
	rtt = cfg->wait_near > 0 ? answered_rtt(run, hop_start + cfg->queries, run->probe_count) : -1;
	if (rtt > 0 && rtt * cfg->wait_near < wait_ns)
		return p->sent_ns + at_least(rtt * cfg->wait_near, wait_ns);
	return p->sent_ns + wait_ns;
}

/* Gives up on probes past their deadline; returns ms to the next one. */
static int expire_probes(struct tr_run *run)
{
	int64_t now = mono_ns(), next = -1;
	int i;

	for (i = 0; i < run->probe_count; i++) {
		struct tr_probe *p = &run->probes[i];
		int64_t deadline;

		if (!p->sent || p->done)
			continue;
		deadline = probe_deadline(run, i);
		if (deadline <= now) {
			probe_release(run->engine, p->engine_id);
			p->done = true;
			run->in_flight--;
		} else if (next < 0 || deadline - now < next) {
			next = deadline - now;
		}
	}
	return next < 0 ? -1 : (int)((next + 999999) / 1000000);
}

static bool hop_done(const struct tr_run *run, int ttl)
{
	int start = (ttl - run->cfg->first_ttl) * run->cfg->queries, i;

	for (i = start; i < start + run->cfg->queries; i++)
		if (!run->probes[i].done)
			return false;
	return true;
}

static int max_in_flight(const struct tr_run *run)
{
	/* Unprivileged Paris probes look alike on the error queue: one at a time. */
	if (run->cfg->paris && run->method == PROBE_UDP && probe_engine_kind(run->engine) != PROBE_SOCK_RAW)
		return 1;
	return run->cfg->simultaneous;
}

static bool may_send(const struct tr_run *run, int next)
{
	return next < run->probe_count && run->in_flight < max_in_flight(run) &&
	       (!run->final_ttl || run->probes[next].ttl <= run->final_ttl) &&
	       (!run->limit_ttl || run->probes[next].ttl <= run->limit_ttl);
}

/* --report after the first round: ms until the host that answered at the
 * probe's hop certainly has a token in its ICMP rate limit again (0: now),
 * so a silence there is the network's loss, not the limiter's.  A hop
 * nobody answered at, or answered without an ICMP error, waits for no one. */
static int pace_wait_ms(struct tr_run *run, int index)
{
	const struct tr_hop_stats *h;
	struct icmp_bucket *b;
	int64_t wait_ns;

	if (!run->hops || run->round == 0)
		return 0;
	h = &run->hops[run->probes[index].ttl - run->cfg->first_ttl];
	if (!h->have_addr || !(b = responder_bucket(run, &h->addr, false)))
		return 0;
	wait_ns = icmp_bucket_ready_ns(b) - mono_ns();
	return wait_ns > 0 ? (int)((wait_ns + 999999) / 1000000) : 0;
}

static int min_wait_ms(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* One pass over the hops: probes go out in parallel, hops are handed to
 * on_hop in order as they complete.  Returns the last hop, or -errno. */
static int trace_pass(struct tr_run *run, void (*on_hop)(struct tr_run *, int))
{
	const struct tr_config *cfg = run->cfg;
	int next = 0, shown = cfg->first_ttl - 1, i, rc;

	memset(run->probes, 0, (size_t)run->probe_count * sizeof(*run->probes));
	for (i = 0; i < run->probe_count; i++)
		run->probes[i].ttl = cfg->first_ttl + i / cfg->queries;
	run->final_ttl = 0;
	run->in_flight = 0;
	for (;;) {
		int wait_ms, pace_ms = 0;

		while (may_send(run, next) && (pace_ms = pace_wait_ms(run, next)) == 0)
			send_one(run, next++);
		/* Read what is there before judging anything late. */
		probe_poll(run->engine, 0);
		wait_ms = expire_probes(run);
		while (shown < cfg->max_ttl && hop_done(run, shown + 1)) {
			on_hop(run, ++shown);
			if (shown == run->final_ttl || shown == run->limit_ttl)
				return shown;
		}
		if (shown == cfg->max_ttl)
			return shown;
		if (may_send(run, next)) {
			if (pace_ms == 0)
				continue;
			wait_ms = min_wait_ms(wait_ms, pace_ms);
		}
		rc = probe_poll(run->engine, wait_ms);
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
}

/* --- set-up --------------------------------------------------------------- */

static int resolve_target(struct tr_run *run, int family)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t count = 0;
	int rc;

	if (addr_parse_ip(run->host, 0, family, &run->target) == 0) {
		/* -i DEVICE gives the zone. */
		if (addr_needs_zone(&run->target) && !run->cfg->interface) {
			sonde_err("%s: %s", run->host, resolve_strerror(-RESOLVE_EZONE_NEEDED));
			return SONDE_EXIT_USAGE;
		}
	} else {
		rc = resolve_host(run->host, family, 0, 0, 0, addrs, RESOLVE_MAX_ADDRS, &count);
		if (rc < 0 || count == 0) {
			sonde_err("%s: %s", run->host, resolve_strerror(rc < 0 ? rc : -ARES_ENOTFOUND));
			return SONDE_EXIT_USAGE;
		}
		run->target = addrs[0];
	}
	run->family = addr_family(&run->target);
	addr_ntop(&run->target, run->target_text, sizeof(run->target_text));
	return 0;
}

/* The packet length operand: the whole IP packet, as classic traceroute. */
static int set_lengths(struct tr_run *run, const char *len_text)
{
	int ip_header = run->family == AF_INET6 ? PKT_IPV6_HDR_LEN : PKT_IPV4_HDR_LEN;
	int transport = run->method == PROBE_TCP_SYN ? PKT_TCP_HDR_LEN : PKT_UDP_HDR_LEN;
	int len = ip_header + transport + TR_DATA_BYTES;
	char *end;

	if (len_text) {
		long v = strtol(len_text, &end, 10);

		if (end == len_text || *end || v < 0 || v > 65000)
			return sonde_usage_error("bad packet length '%s'", len_text);
		len = (int)v;
	}
	if (run->method == PROBE_TCP_SYN)
		len = ip_header + transport;
	if (len < ip_header + transport)
		len = ip_header + transport;
	/* Paris UDP needs two payload bytes to pin its checksum. */
	if (run->cfg->paris && run->method == PROBE_UDP && len < ip_header + transport + 2)
		len = ip_header + transport + 2;
	run->packet_len = len;
	run->payload_len = (size_t)(len - ip_header - transport);
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
	const struct tr_config *cfg = run->cfg;
	struct probe_config pc = { 0 };
	int rc;

	pc.family = run->family;
	pc.method = run->method;
	pc.pmtu_disc = -1;
	pc.paris = cfg->paris;
	pc.device = cfg->interface;
	pc.on_result = on_result;
	pc.user = run;
	if (cfg->source) {
		if (addr_parse_ip(cfg->source, 0, run->family, source) < 0)
			return sonde_usage_error("-s: not an IPv%c address: '%s'", run->family == AF_INET6 ? '6' : '4',
					   cfg->source);
		pc.source = source;
	}
	rc = probe_engine_open(&pc, &run->engine);
	if (rc < 0)
		return caps_fail(rc, run->method == PROBE_TCP_SYN ? &tcp_syn_probes : &icmp_probes,
				 "cannot open a socket");
	/* The engine's sockets are open: nothing left to do needs a capability. */
	caps_limit_or_warn(0);
	if (probe_engine_kind(run->engine) != PROBE_SOCK_RAW)
		sonde_debug(1, "no raw socket: %s probes with errors from IP_RECVERR (unprivileged, like tracepath)",
			    run->method == PROBE_UDP ? "UDP" : "ICMP datagram");
	sonde_debug(1, "socket: %s", probe_sock_kind_name(probe_engine_kind(run->engine)));
	return 0;
}

static void report_hop(struct tr_run *run, int ttl)
{
	struct tr_hop_stats *h = &run->hops[ttl - run->cfg->first_ttl];
	const struct tr_probe *p = &run->probes[(ttl - run->cfg->first_ttl) * run->cfg->queries];
	double ms;

	h->sent++;
	if (!p->answered)
		return;
	if (!h->have_addr) {
		h->addr = p->from;
		h->have_addr = true;
	}
	ms = (double)p->rtt_ns / 1e6;
	h->received++;
	h->last_ms = ms;
	if (h->received == 1 || ms < h->best_ms)
		h->best_ms = ms;
	if (ms > h->worst_ms)
		h->worst_ms = ms;
	/* Welford: mean and sum of squared differences in one pass. */
	{
		double delta = ms - h->mean_ms;

		h->mean_ms += delta / h->received;
		h->m2 += delta * (ms - h->mean_ms);
	}
}

/* Waits out a refill of any rate limit the pass may have emptied: a token
 * has certainly come back a refill (and its margin) after now. */
static void wait_refill(struct tr_run *run)
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
static bool limiter_suspected(const struct tr_run *run)
{
	int i, last_router = 0;

	if (!run->final_ttl)
		return true;
	for (i = 0; i < run->probe_count; i++)
		if (run->probes[i].answered && !run->probes[i].final && run->probes[i].ttl > last_router)
			last_router = run->probes[i].ttl;
	return run->final_ttl > last_router + 1 && run->final_ttl > run->cfg->first_ttl;
}

/* One round of the report.  A first round whose silences may have been
 * empty rate limits (a run just before drained them) is asked again once
 * after a refill, up to where it found the destination, and not counted. */
static int report_round(struct tr_run *run, struct tr_hop_stats *before, size_t hops_size)
{
	int rc;

	memcpy(before, run->hops, hops_size);
	rc = trace_pass(run, report_hop);
	if (rc < 0 || run->round > 0 || run->limiter_retry || !limiter_suspected(run))
		return rc;
	memcpy(run->hops, before, hops_size);
	run->limiter_retry = true;
	run->first_final_ttl = run->final_ttl;
	if (run->final_ttl)
		run->limit_ttl = run->final_ttl;
	wait_refill(run);
	return trace_pass(run, report_hop);
}

static int run_report(struct tr_run *run)
{
	int hops = run->cfg->max_ttl - run->cfg->first_ttl + 1, last = 0, rc = 0;
	size_t hops_size = (size_t)hops * sizeof(*run->hops);
	struct tr_hop_stats *before = malloc(hops_size);
	time_t start = time(NULL);

	run->hops = calloc((size_t)hops, sizeof(*run->hops));
	run->responder_cap = hops;
	run->responders = calloc((size_t)run->responder_cap, sizeof(*run->responders));
	if (!run->hops || !run->responders || !before) {
		free(before);
		return -ENOMEM;
	}
	for (run->round = 0; run->round < run->cfg->rounds && rc >= 0; run->round++) {
		rc = report_round(run, before, hops_size);
		if (run->final_ttl && (!run->limit_ttl || run->final_ttl < run->limit_ttl))
			run->limit_ttl = run->final_ttl;
		if (rc > last)
			last = rc;
	}
	free(before);
	if (rc < 0)
		return rc;
	/* Reached in some round: a later round's lost answer is loss, not a miss. */
	if (run->limit_ttl)
		run->final_ttl = run->limit_ttl;
	if (run->limiter_retry && run->final_ttl && (!run->first_final_ttl || run->final_ttl < run->first_final_ttl))
		sonde_err("note: the first round's silences up to hop %d were ICMP rate limits, not loss (asked "
			  "again after a refill, hop %d answered): they are not counted", run->final_ttl,
			  run->final_ttl);
	tr_print_report(run, last, start);
	return last;
}

static int traceroute_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct tr_config *cfg = config;
	struct tr_run run = { 0 };
	struct sonde_addr source;
	int rc, last;

	rc = check_options(cfg);
	if (rc)
		return rc;
	sonde_verbosity = cfg->verbose;
	run.cfg = cfg;
	run.out = ctx->out;
	run.host = argv[0];
	run.method = cfg->icmp ? PROBE_ICMP_ECHO : cfg->tcp ? PROBE_TCP_SYN : PROBE_UDP;
	run.base_port = (uint16_t)(cfg->port ? cfg->port
				   : run.method == PROBE_TCP_SYN ? TR_TCP_PORT
				   : run.method == PROBE_UDP ? TR_UDP_BASE_PORT : 1);
	rc = resolve_target(&run, cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC);
	if (rc == 0)
		rc = set_lengths(&run, argc > 1 ? argv[1] : NULL);
	if (rc == 0)
		rc = open_engine(&run, &source);
	if (rc)
		goto done;
	if (cfg->report)
		cfg->queries = 1;
	run.probe_count = (cfg->max_ttl - cfg->first_ttl + 1) * cfg->queries;
	run.probes = calloc((size_t)run.probe_count, sizeof(*run.probes));
	if (!run.probes) {
		rc = SONDE_EXIT_NEGATIVE;
		goto done;
	}
	if (cfg->report) {
		last = run_report(&run);
	} else {
		tr_print_header(&run);
		last = trace_pass(&run, tr_print_hop);
		if (last > 0)
			tr_print_summary(&run, last);
	}
	if (last < 0) {
		sonde_errno(last, "trace failed");
		rc = SONDE_EXIT_NEGATIVE;
	} else {
		rc = run.final_ttl ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
	}
done:
	probe_engine_close(run.engine);
	free(run.probes);
	free(run.hops);
	free(run.responders);
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
