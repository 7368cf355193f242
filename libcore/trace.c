/* The trace engine's pass (traceroute, mtr): UDP, ICMP echo or TCP SYN
 * probes with rising TTLs, many in flight at once on the probe engine.  A
 * probe's wait shrinks to a multiple of the round trip already seen at its
 * hop or beyond (the classic -w MAX,HERE,NEAR), so a silent hop costs
 * little, and a pass stops at the first hop that answers finally.  In a
 * report, probes are paced by the ICMP rate limits of the hosts that
 * answered (icmp_bucket.c).  Rounds and statistics are trace_report.c's. */
#include <ares.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/clock.h"
#include "sonde/pkt.h"
#include "sonde/resolve.h"
#include "sonde/trace.h"

#define TRACE_DATA_BYTES 32
/* A HERE/NEAR wait is never shorter than this: a router's ICMP can lag its
 * forwarding by far more than a fast hop's round trip, most of all on a
 * loaded machine. */
#define TRACE_MIN_WAIT_NS 5000000LL

/* --- answers ------------------------------------------------------------- */

static void annotate(struct trace_probe *p, const char *text)
{
	snprintf(p->annotation, sizeof(p->annotation), "%s", text);
}

static void annotate_unreach4(struct trace_probe *p, const struct probe_result *r)
{
	switch (r->icmp_code) {
	case 0: case 6: case 8: case 11: annotate(p, "!N"); break;
	case 1: case 7: case 12: annotate(p, "!H"); break;
	case 2: annotate(p, "!P"); break;
	case 3: p->annotation[0] = '\0'; break; /* port unreachable: the destination */
	case 4: snprintf(p->annotation, sizeof(p->annotation), "!F-%u", r->mtu); break;
	case 5: annotate(p, "!S"); break;
	case 9: case 10: case 13: annotate(p, "!X"); break;
	case 14: annotate(p, "!V"); break;
	case 15: annotate(p, "!C"); break;
	default: snprintf(p->annotation, sizeof(p->annotation), "!<%u>", r->icmp_code); break;
	}
}

static void annotate_unreach6(struct trace_probe *p, const struct probe_result *r)
{
	switch (r->icmp_code) {
	case 0: annotate(p, "!N"); break;
	case 1: annotate(p, "!X"); break;
	case 2: case 3: annotate(p, "!H"); break;
	case 4: p->annotation[0] = '\0'; break;
	default: snprintf(p->annotation, sizeof(p->annotation), "!<%u>", r->icmp_code); break;
	}
}

/* Time exceeded is an ordinary hop; any unreachable ends the trace. */
static void classify_icmp(const struct trace_run *run, struct trace_probe *p, const struct probe_result *r)
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

/* A report: the rate-limit model of the host at addr (added when add and
 * there is room: a host beyond it is not paced), or NULL. */
static struct icmp_bucket *responder_bucket(struct trace_run *run, const struct sonde_addr *addr, bool add)
{
	struct trace_responder *r;
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
	struct trace_run *run = user;
	struct trace_probe *p = &run->probes[(uintptr_t)probe_user];

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
	if (p->ttl > run->answered_ttl)
		run->answered_ttl = p->ttl;
	if (p->final && (!run->final_ttl || p->ttl < run->final_ttl))
		run->final_ttl = p->ttl;
}

/* --- sending and waiting ------------------------------------------------ */

static int send_one(struct trace_run *run, int index)
{
	struct trace_probe *p = &run->probes[index];
	struct probe_spec spec = { 0 };
	uint32_t seq = run->sequence++;
	int rc;

	spec.dst = run->target;
	spec.ttl = p->ttl;
	spec.payload_len = run->payload_len;
	spec.timeout_ms = (int)(run->p.wait_max_s * 1000);
	spec.user = (void *)(uintptr_t)index;
	switch (run->p.method) {
	case PROBE_UDP:
		/* Classic: a new port per probe; Paris: one port, the checksum tells them apart. */
		addr_set_port(&spec.dst, (uint16_t)(run->base_port + (run->p.paris ? 0 : seq)));
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

/* The round trip of an answered probe between two indexes, or -1. */
static int64_t answered_rtt(const struct trace_run *run, int from_index, int to_index)
{
	int i;

	for (i = from_index; i < to_index; i++)
		if (run->probes[i].answered && run->probes[i].rtt_ns > 0)
			return run->probes[i].rtt_ns;
	return -1;
}

static int64_t at_least(double wait_ns, int64_t max_ns)
{
	int64_t floor_ns = TRACE_MIN_WAIT_NS < max_ns ? TRACE_MIN_WAIT_NS : max_ns;

	return wait_ns > (double)floor_ns ? (int64_t)wait_ns : floor_ns;
}

/* mtr's pacing: after the first asking, a probe waits round_wait_ms (mtr's
 * interval), or HERE times the worst round trip its hop has shown when
 * that is longer, never more than MAX: a lost probe does not hold its round
 * up for the whole MAX (a first round asked again after a refill has its
 * tokens back: an answer is quick). */
static int64_t longest_wait_ns(const struct trace_run *run, int ttl)
{
	int64_t wait_ns = (int64_t)(run->p.wait_max_s * 1e9), bound_ns;
	const struct trace_hop_stats *h;

	if (!run->hops || (run->round == 0 && !run->limiter_retry) || run->p.round_wait_ms <= 0)
		return wait_ns;
	h = &run->hops[ttl - run->p.first_ttl];
	bound_ns = run->p.round_wait_ms * 1000000;
	if (h->received > 0 && h->worst_ms * 1e6 * run->p.wait_here > (double)bound_ns)
		bound_ns = (int64_t)(h->worst_ms * 1e6 * run->p.wait_here);
	return bound_ns < wait_ns ? bound_ns : wait_ns;
}

/* When a probe stops waiting: MAX, or HERE/NEAR times a round trip already
 * seen at its hop / at a further hop, whichever is shorter. */
static int64_t probe_deadline(const struct trace_run *run, int index)
{
	const struct trace_params *cfg = &run->p;
	const struct trace_probe *p = &run->probes[index];
	int hop_start = index - index % cfg->queries;
	int64_t wait_ns = longest_wait_ns(run, p->ttl), rtt;

	rtt = cfg->wait_here > 0 ? answered_rtt(run, hop_start, hop_start + cfg->queries) : -1;
	if (rtt > 0 && rtt * cfg->wait_here < wait_ns)
		return p->sent_ns + at_least(rtt * cfg->wait_here, wait_ns);
	rtt = cfg->wait_near > 0 ? answered_rtt(run, hop_start + cfg->queries, run->probe_count) : -1;
	if (rtt > 0 && rtt * cfg->wait_near < wait_ns)
		return p->sent_ns + at_least(rtt * cfg->wait_near, wait_ns);
	return p->sent_ns + wait_ns;
}

static void give_up(struct trace_run *run, struct trace_probe *p)
{
	probe_release(run->engine, p->engine_id);
	p->done = true;
	run->in_flight--;
}

/* Gives up on probes past their deadline; returns ms to the next one. */
static int expire_probes(struct trace_run *run)
{
	int64_t now = mono_ns(), next = -1;
	int i;

	for (i = 0; i < run->probe_count; i++) {
		struct trace_probe *p = &run->probes[i];
		int64_t deadline;

		if (!p->sent || p->done)
			continue;
		deadline = probe_deadline(run, i);
		if (deadline <= now)
			give_up(run, p);
		else if (next < 0 || deadline - now < next)
			next = deadline - now;
	}
	return next < 0 ? -1 : (int)((next + 999999) / 1000000);
}

static bool hop_done(const struct trace_run *run, int ttl)
{
	int start = (ttl - run->p.first_ttl) * run->p.queries, i;

	for (i = start; i < start + run->p.queries; i++)
		if (!run->probes[i].done)
			return false;
	return true;
}

static int max_in_flight(const struct trace_run *run)
{
	/* Unprivileged Paris probes look alike on the error queue: one at a time. */
	if (run->p.paris && run->p.method == PROBE_UDP && probe_engine_kind(run->engine) != PROBE_SOCK_RAW)
		return 1;
	return run->p.simultaneous;
}

/* mtr's -U: no further than max_unknown hops past the furthest that
 * answered (0: no bound but max_ttl). */
static int unknown_bound_ttl(const struct trace_run *run)
{
	int from = run->answered_ttl ? run->answered_ttl : run->p.first_ttl - 1;

	if (run->p.max_unknown <= 0 || from + run->p.max_unknown >= run->p.max_ttl)
		return 0;
	return from + run->p.max_unknown;
}

static bool may_send(const struct trace_run *run, int next)
{
	int bound = unknown_bound_ttl(run);

	return next < run->probe_count && run->in_flight < max_in_flight(run) &&
	       (!run->final_ttl || run->probes[next].ttl <= run->final_ttl) &&
	       (!run->limit_ttl || run->probes[next].ttl <= run->limit_ttl) &&
	       (!bound || run->probes[next].ttl <= bound);
}

/* A report after the first round: ms until the host that answered at the
 * probe's hop certainly has a token in its ICMP rate limit again (0: now),
 * so a silence there is the network's loss, not the limiter's.  A hop
 * nobody answered at, or answered without an ICMP error, waits for no one. */
static int pace_wait_ms(struct trace_run *run, int index)
{
	const struct trace_hop_stats *h;
	struct icmp_bucket *b;
	int64_t wait_ns;

	if (!run->hops || run->round == 0)
		return 0;
	h = &run->hops[run->probes[index].ttl - run->p.first_ttl];
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

/* Probes still out when a pass ends are let go: their late answers must
 * not land in the next pass's table. */
static void release_in_flight(struct trace_run *run)
{
	int i;

	for (i = 0; i < run->probe_count; i++)
		if (run->probes[i].sent && !run->probes[i].done)
			give_up(run, &run->probes[i]);
}

static bool pass_over(const struct trace_run *run, int shown)
{
	int bound = unknown_bound_ttl(run);

	return shown == run->final_ttl || shown == run->limit_ttl || shown == run->p.max_ttl ||
	       (bound && shown >= bound);
}

static void pass_reset(struct trace_run *run)
{
	int i;

	memset(run->probes, 0, (size_t)run->probe_count * sizeof(*run->probes));
	for (i = 0; i < run->probe_count; i++)
		run->probes[i].ttl = run->p.first_ttl + i / run->p.queries;
	run->final_ttl = 0;
	run->in_flight = 0;
}

int trace_pass(struct trace_run *run, trace_hop_fn on_hop, void *user)
{
	int next = 0, shown = run->p.first_ttl - 1, rc;

	pass_reset(run);
	for (;;) {
		int wait_ms, pace_ms = 0;

		while (may_send(run, next) && (pace_ms = pace_wait_ms(run, next)) == 0)
			send_one(run, next++);
		/* Read what is there before judging anything late. */
		probe_poll(run->engine, 0);
		wait_ms = expire_probes(run);
		while (shown < run->p.max_ttl && hop_done(run, shown + 1)) {
			on_hop(user, run, ++shown);
			if (pass_over(run, shown)) {
				release_in_flight(run);
				return shown;
			}
		}
		if (may_send(run, next)) {
			if (pace_ms == 0)
				continue;
			wait_ms = min_wait_ms(wait_ms, pace_ms);
		}
		rc = probe_poll(run->engine, wait_ms);
		if (rc < 0 && rc != -EINTR) {
			release_in_flight(run);
			return rc;
		}
	}
}

/* --- set-up --------------------------------------------------------------- */

int trace_resolve(struct trace_run *run, const char *host, int family, bool have_device)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t count = 0;
	int rc;

	run->host = host;
	if (addr_parse_ip(host, 0, family, &run->target) == 0) {
		if (addr_needs_zone(&run->target) && !have_device)
			return -RESOLVE_EZONE_NEEDED;
	} else {
		rc = resolve_host(host, family, 0, 0, 0, addrs, RESOLVE_MAX_ADDRS, &count);
		if (rc < 0 || count == 0)
			return rc < 0 ? rc : -ARES_ENOTFOUND;
		run->target = addrs[0];
	}
	run->family = addr_family(&run->target);
	addr_ntop(&run->target, run->target_text, sizeof(run->target_text));
	return 0;
}

void trace_set_packet_len(struct trace_run *run, int len)
{
	int ip_header = run->family == AF_INET6 ? PKT_IPV6_HDR_LEN : PKT_IPV4_HDR_LEN;
	int transport = run->p.method == PROBE_TCP_SYN ? PKT_TCP_HDR_LEN : PKT_UDP_HDR_LEN;

	if (len < 0)
		len = ip_header + transport + TRACE_DATA_BYTES;
	if (run->p.method == PROBE_TCP_SYN || len < ip_header + transport)
		len = ip_header + transport;
	/* Paris UDP needs two payload bytes to pin its checksum. */
	if (run->p.paris && run->p.method == PROBE_UDP && len < ip_header + transport + 2)
		len = ip_header + transport + 2;
	run->packet_len = len;
	run->payload_len = (size_t)(len - ip_header - transport);
}

int trace_open(struct trace_run *run, const struct sonde_addr *source)
{
	struct probe_config pc = { 0 };

	pc.family = run->family;
	pc.method = run->p.method;
	pc.pmtu_disc = -1;
	pc.paris = run->p.paris;
	pc.device = run->p.device;
	pc.on_result = on_result;
	pc.user = run;
	pc.source = source;
	return probe_engine_open(&pc, &run->engine);
}

int trace_alloc(struct trace_run *run, bool report)
{
	int hops = run->p.max_ttl - run->p.first_ttl + 1;

	run->probe_count = hops * run->p.queries;
	run->probes = calloc((size_t)run->probe_count, sizeof(*run->probes));
	if (!run->probes)
		return -ENOMEM;
	if (!report)
		return 0;
	run->hops = calloc((size_t)hops, sizeof(*run->hops));
	run->responder_cap = hops;
	run->responders = calloc((size_t)run->responder_cap, sizeof(*run->responders));
	return run->hops && run->responders ? 0 : -ENOMEM;
}

void trace_free(struct trace_run *run)
{
	probe_engine_close(run->engine);
	run->engine = NULL;
	free(run->probes);
	free(run->hops);
	free(run->responders);
	run->probes = NULL;
	run->hops = NULL;
	run->responders = NULL;
}
