/* UDP scan of a group of hosts.  An answer in UDP means open, an ICMP port
 * unreachable closed, silence open|filtered.  The catch is the silence:
 * Linux (and most systems) send ICMP errors through a token bucket per peer
 * (net.ipv4.icmp_ratelimit: one a second after a burst of six; for IPv6,
 * net.ipv6.icmp.ratelimit, less for wide routes: about 100 ms measured in
 * the lab), so a closed port is silent too when the bucket is empty.  Retrying
 * blindly wastes probes and still guesses; instead the scan reasons about
 * each host's bucket (its model, shared with traceroute's report, is
 * libcore's icmp_bucket):
 *
 *   - probes go out in rounds; every probe of a round has its send time, and
 *     every ICMP error it drew is counted against the probe that drew it;
 *   - a silence counts only when the bucket certainly held a token when the
 *     probe arrived.  The proof is a witness: a probe to the same host sent
 *     right after it that drew an error (a silent probe takes no token).
 *     Each round ends with a port known to draw errors, the canary, so
 *     there is one whenever the bucket held a token, whoever else drew from
 *     it (addresses of one kernel share a bucket).  A host that never drew
 *     an error is judged by its bucket's credit instead: the time since the
 *     bucket was last possibly empty (the scan's start, the last ICMP error,
 *     the last unproven silence), minus the errors drawn since;
 *   - the refill interval is measured, not assumed: a closed port that was
 *     silent at time e proves the bucket empty then, so c errors drawn by
 *     probes sent from e to t bound the interval by (t - e) / (c - 1).  It
 *     starts at one second (Linux's IPv4 default) and only ever shrinks on
 *     such proof;
 *   - a port is open|filtered once its counted silences reach nmap's limit:
 *     one more than the highest try that ever drew an answer, at least one,
 *     at most --max-retries (so two silences by default, one with
 *     --max-retries 0, more when answers came only on retries).
 *
 * Hosts of a group run side by side on one engine, each reasoned about on
 * its own: hosts with kernels of their own cost about what the slowest of
 * them costs. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "scan_impl.h"
#include "sonde/clock.h"
#include "sonde/icmp_bucket.h"
#include "sonde/pkt.h"

/* Ports in a round after the first: fresh ones, beside every port that
 * needs a confirmation (those are silent and cost the target no token),
 * plus two for each token the bucket is known to hold. */
#define LATER_ROUND_FRESH 8
#define ROUND_FRESH_MAX 64
/* A port's probes, bounded whatever the bucket does; those of rounds that
 * met an empty bucket are not counted, up to so many rounds in a row. */
#define MAX_UDP_PROBES 24
#define MAX_IDLE_ROUNDS 64
#define POLL_SLICE_MS 200
/* A silent probe's witness: an error-drawing probe sent at most this much
 * later (the bucket refills by a small share of a token meanwhile). */
#define WITNESS_NS 2000000LL

struct udp_host;

struct round_probe {
	struct udp_host *uh;
	size_t index;        /* into host->ports */
	int64_t sent_ns;
	uint32_t probe_id;
	bool drew_icmp;      /* an ICMP error came back for it */
	bool done;           /* answered, or silent past the current timeout */
	bool witnessed;      /* a later probe to its host, sent right after it, drew an error */
};

struct udp_host {
	struct scan_host *host;
	struct round_probe *round;  /* room for every UDP port: a probe's pointer stays valid */
	size_t round_len, submitted, in_flight;
	size_t expire_next;         /* round probes before it are all done */
	int64_t *silent_ns;         /* per port: send time of its last silent probe, 0 none */
	struct icmp_bucket bucket;  /* possibly empty since the scan's start, the last error's
				     * arrival, the last unproven silence */
	int64_t round_start_ns, credit_ns, ready_ns;
	int max_answered_try;       /* counted silences before the latest answer: nmap's max_successful_tryno */
	size_t canary;              /* a port that drew an error: asked again at each round's end */
	bool have_canary;
	int idle_rounds;            /* rounds in a row that met an empty bucket */
	bool first, in_round, finished;
};

struct udp_scan {
	struct scan_run *run;
	struct probe_engine *engine;
	struct udp_host *hosts;
	size_t host_count, in_flight;
	int failure;                 /* -errno: a probe met this host's own failure */
};

/* Only the host's own errors come out of its bucket: a router that
 * rejects for it draws on another. */
static bool from_host(const struct udp_host *uh, const struct sonde_addr *from)
{
	struct sonde_addr host_addr = uh->host->addr, from_addr = *from;

	addr_set_port(&host_addr, 0);
	addr_set_port(&from_addr, 0);
	return addr_equal(&host_addr, &from_addr);
}

static void drew_from_bucket(struct udp_host *uh, struct round_probe *rp)
{
	rp->drew_icmp = true;
	icmp_bucket_drew(&uh->bucket, rp->sent_ns, mono_ns());
	uh->canary = rp->index;
	uh->have_canary = true;
}

static void on_udp_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct udp_scan *s = user;
	struct round_probe *rp = probe_user;
	struct udp_host *uh = rp->uh;
	struct scan_port *port = &uh->host->ports[rp->index];

	if (r->duplicate || rp->done)
		return;
	rp->done = true;
	probe_release(s->engine, probe_id);
	s->in_flight--;
	uh->in_flight--;
	/* This host's failure, not the port's answer: no state, the scan stops. */
	if (r->outcome == PROBE_LOCAL_ERROR && scan_local_error_reason(r->error) == REASON_ERROR) {
		if (s->failure == 0)
			s->failure = r->error < 0 ? r->error : -EIO;
		return;
	}
	port->ttl = r->ttl > 0 && r->ttl < 256 ? (uint8_t)r->ttl : 0;
	if (r->outcome == PROBE_REPLY || r->outcome == PROBE_ICMP_ERROR) {
		if (port->silences > uh->max_answered_try)
			uh->max_answered_try = port->silences;
		scan_timing_answer(&s->run->timing, r->rtt_ns, 1);
	}
	switch (r->outcome) {
	case PROBE_REPLY:
		port->state = SCAN_OPEN;
		port->reason = REASON_UDP_RESPONSE;
		break;
	case PROBE_ICMP_ERROR:
		if (from_host(uh, &r->from))
			drew_from_bucket(uh, rp);
		port->reason = scan_icmp_reason(s->run->family, r->icmp_type, r->icmp_code);
		port->state = port->reason == REASON_PORT_UNREACH ? SCAN_CLOSED : SCAN_FILTERED;
		break;
	case PROBE_LOCAL_ERROR:
		port->state = SCAN_FILTERED;
		port->reason = scan_local_error_reason(r->error);
		break;
	case PROBE_REFUSED:
	case PROBE_TIMEOUT:
		break; /* silence: judged at the round's end */
	}
}

static int open_engine(struct udp_scan *s)
{
	struct probe_config cfg = {
		.family = s->run->family,
		.method = PROBE_UDP,
		.pmtu_disc = -1,
		.send_gap_us = s->run->timing.send_gap_us,
		.on_result = on_udp_result,
		.user = s,
		.route_per_host = true,
	};

	return probe_engine_open(&cfg, &s->engine);
}

static bool pending(const struct scan_port *port)
{
	return port->proto == SCAN_UDP && port->state == SCAN_UNKNOWN;
}

static void round_add(struct udp_host *uh, size_t index)
{
	uh->round[uh->round_len++] = (struct round_probe){ .uh = uh, .index = index };
}

/* The round's ports in send order: confirmations first (silent ports draw
 * no ICMP, so they never cost a later port its token), then fresh ones:
 * all of them while the host has drawn no error (its silences cost
 * nothing), else a few more than the bucket is known to hold tokens for. */
static void plan_round(struct udp_host *uh)
{
	struct scan_host *h = uh->host;
	size_t i, fresh = 0, fresh_max = LATER_ROUND_FRESH + 2 * (size_t)(uh->credit_ns / uh->bucket.refill_ns);

	if (fresh_max > ROUND_FRESH_MAX)
		fresh_max = ROUND_FRESH_MAX;
	uh->round_len = 0;
	uh->submitted = 0;
	uh->expire_next = 0;
	for (i = h->tcp_count; i < h->port_count; i++)
		if (pending(&h->ports[i]) && h->ports[i].silences > 0)
			round_add(uh, i);
	for (i = h->tcp_count; i < h->port_count; i++)
		if (pending(&h->ports[i]) && h->ports[i].silences == 0 &&
		    (uh->first || !uh->have_canary || fresh++ < fresh_max))
			round_add(uh, i);
	if (uh->round_len > 0 && !uh->first && uh->have_canary)
		round_add(uh, uh->canary);
}

static int submit(struct udp_scan *s, struct udp_host *uh)
{
	struct round_probe *rp = &uh->round[uh->submitted];
	struct scan_port *port = &uh->host->ports[rp->index];
	struct probe_spec spec = { 0 };
	uint32_t probe_id;
	int rc;

	spec.dst = uh->host->addr;
	addr_set_port(&spec.dst, port->port);
	spec.payload = scan_udp_payload(port->port, &spec.payload_len);
	spec.timeout_ms = scan_timing_timeout_ms(&s->run->timing);
	spec.user = rp;
	rp->sent_ns = mono_ns();
	port->probes++;
	uh->submitted++;
	s->in_flight++;
	uh->in_flight++;
	rc = probe_submit(s->engine, &spec, &probe_id);
	if (rc < 0) {
		s->in_flight--;
		uh->in_flight--;
		return rc;
	}
	rp->probe_id = probe_id;
	scan_timing_sent(&s->run->timing);
	return 0;
}

/* Fills the window one probe per host in turn, so no host waits behind
 * another's long first round. */
static int submit_some(struct udp_scan *s)
{
	unsigned window = scan_timing_window(&s->run->timing);
	bool sent = true;
	size_t i;
	int rc;

	while (sent && s->in_flight < window) {
		sent = false;
		for (i = 0; i < s->host_count && s->in_flight < window; i++) {
			struct udp_host *uh = &s->hosts[i];

			if (!uh->in_round || uh->submitted >= uh->round_len)
				continue;
			rc = submit(s, uh);
			if (rc < 0)
				return rc;
			sent = true;
		}
	}
	return 0;
}

static void udp_progress(struct udp_scan *s)
{
	const struct scan_host *shown = NULL;
	size_t i, j, resolved = 0, total = 0;

	if (!s->run->progress_line)
		return;
	for (i = 0; i < s->host_count; i++) {
		const struct scan_host *h = s->hosts[i].host;

		if (!shown && !s->hosts[i].finished)
			shown = h;
		for (j = h->tcp_count; j < h->port_count; j++)
			resolved += h->ports[j].state != SCAN_UNKNOWN;
		total += h->port_count - h->tcp_count;
	}
	if (shown)
		scan_progress_tick(s->run, "UDP scan", shown, resolved, total);
}

/* A port silent at e that drew an error now proves the bucket was empty at
 * e, which bounds its refill interval. */
static void learn_refill(struct udp_host *uh, const struct round_probe *rp)
{
	if (rp->drew_icmp)
		icmp_bucket_learn(&uh->bucket, uh->silent_ns[rp->index - uh->host->tcp_count], rp->sent_ns);
}

/* nmap's retry limit: one more try than the highest that drew an answer
 * (at least one), capped by --max-retries; a port gets that many counted
 * silences plus one. */
static int silences_allowed(const struct udp_host *uh, int max_retries)
{
	int tries = uh->max_answered_try + 1 > 1 ? uh->max_answered_try + 1 : 1;

	return (tries < max_retries ? tries : max_retries) + 1;
}

/* A probe that drew an error proves the bucket held a token as it arrived,
 * and so as the probes sent just before it arrived: a silent probe takes
 * no token, an error-drawing one sent between them only made it fuller
 * then.  This holds whoever else draws from the bucket. */
static void find_witnesses(struct udp_host *uh)
{
	int64_t next_draw_ns = 0;
	size_t i;

	for (i = uh->round_len; i-- > 0;) {
		struct round_probe *rp = &uh->round[i];

		rp->witnessed = next_draw_ns != 0 && next_draw_ns - rp->sent_ns <= WITNESS_NS;
		if (rp->drew_icmp)
			next_draw_ns = rp->sent_ns;
	}
}

/* Whether a silent probe was a try.  A host with a port that draws errors
 * asks that port again at each round's end: its silences count when a
 * witness proves the token.  One that never drew an error (everything
 * dropped, or nothing closed) is judged by its own bucket's credit, in
 * nanoseconds of refill (one token is refill_ns). */
static bool silence_counts(const struct udp_host *uh, const struct round_probe *rp, size_t drew_before)
{
	int64_t credit_ns;

	if (uh->have_canary)
		return rp->witnessed;
	credit_ns = uh->credit_ns + (rp->sent_ns - uh->round_start_ns) - (int64_t)drew_before * uh->bucket.refill_ns;
	return credit_ns >= uh->bucket.refill_ns + icmp_bucket_margin_ns(&uh->bucket);
}

/* A round in which the canary and every other probe of the host went
 * unanswered met an empty bucket (drained by someone else: another address
 * of the same kernel, a router answering for many hosts): it asked nothing,
 * and its probes are not charged to the ports, for a while. */
static void uncharge_idle_round(struct udp_host *uh)
{
	size_t i;

	for (i = 0; i < uh->round_len; i++)
		if (uh->round[i].drew_icmp || uh->round[i].witnessed ||
		    uh->host->ports[uh->round[i].index].state == SCAN_OPEN)
			break;
	if (i < uh->round_len || !uh->have_canary) {
		uh->idle_rounds = 0;
		return;
	}
	if (++uh->idle_rounds > MAX_IDLE_ROUNDS)
		return;
	for (i = 0; i < uh->round_len; i++) {
		struct scan_port *port = &uh->host->ports[uh->round[i].index];

		if (port->state == SCAN_UNKNOWN && port->probes > 0)
			port->probes--;
	}
}

static void judge_round(struct udp_host *uh, int max_retries)
{
	size_t i, drew_before = 0;
	int allowed;

	for (i = 0; i < uh->round_len; i++)
		learn_refill(uh, &uh->round[i]);
	find_witnesses(uh);
	for (i = 0; i < uh->round_len; i++) {
		struct round_probe *rp = &uh->round[i];
		struct scan_port *port = &uh->host->ports[rp->index];

		if (port->state == SCAN_UNKNOWN) {
			if (silence_counts(uh, rp, drew_before))
				port->silences++;
			else /* it may have met an empty bucket */
				icmp_bucket_maybe_empty(&uh->bucket, rp->sent_ns);
			uh->silent_ns[rp->index - uh->host->tcp_count] = rp->sent_ns;
		}
		if (rp->drew_icmp)
			drew_before++;
	}
	uncharge_idle_round(uh);
	allowed = silences_allowed(uh, max_retries);
	for (i = 0; i < uh->round_len; i++) {
		struct scan_port *port = &uh->host->ports[uh->round[i].index];

		if (port->state == SCAN_UNKNOWN && (port->silences >= allowed || port->probes >= MAX_UDP_PROBES)) {
			port->state = SCAN_OPEN_FILTERED;
			port->reason = REASON_NO_RESPONSE;
		}
	}
}

static bool host_timed_out(const struct udp_scan *s, struct udp_host *uh, int64_t now_ns)
{
	int64_t limit_ms = s->run->cfg->host_timeout_ms;

	if (limit_ms > 0 && now_ns - uh->host->start_ns > limit_ms * 1000000)
		uh->host->timed_out = true;
	return uh->host->timed_out;
}

/* A probe's timeout was set when it went out, before the scan had measured
 * a round trip (the first round's are the template's initial timeout): a
 * probe silent for longer than the timeout as measured now is silent. */
static int64_t expire_silent(struct udp_scan *s, struct udp_host *uh, int64_t now_ns)
{
	int64_t timeout_ns = (int64_t)scan_timing_timeout_ms(&s->run->timing) * 1000000;

	/* Paced sends may sit in the engine's queue, where a release would
	 * not take: those keep the timeout they went out with. */
	if (s->run->timing.send_gap_us > 0)
		return 0;
	while (uh->expire_next < uh->submitted) {
		struct round_probe *rp = &uh->round[uh->expire_next];

		if (!rp->done) {
			if (now_ns - rp->sent_ns < timeout_ns)
				return rp->sent_ns + timeout_ns;
			rp->done = true;
			probe_release(s->engine, rp->probe_id);
			s->in_flight--;
			uh->in_flight--;
		}
		uh->expire_next++;
	}
	return 0;
}

/* The first round goes at once (it learns from answers, not from silence);
 * later ones once a token has certainly refilled since the bucket was last
 * possibly empty. */
static void start_round(struct udp_host *uh, int64_t now_ns)
{
	uh->round_start_ns = now_ns;
	uh->credit_ns = icmp_bucket_credit_ns(&uh->bucket, now_ns);
	plan_round(uh);
	if (uh->round_len == 0)
		uh->finished = true;
	else
		uh->in_round = true;
}

static void end_round(struct udp_host *uh, int max_retries)
{
	judge_round(uh, max_retries);
	uh->in_round = false;
	uh->first = false;
	uh->ready_ns = icmp_bucket_ready_ns(&uh->bucket);
}

static int64_t earliest(int64_t a_ns, int64_t b_ns)
{
	return a_ns == 0 || (b_ns != 0 && b_ns < a_ns) ? b_ns : a_ns;
}

/* Moves each host along: rounds start when due and end when all their
 * probes are in.  Returns when something is next due (0: nothing). */
static int64_t step_hosts(struct udp_scan *s)
{
	int64_t now_ns = mono_ns(), next_ns = 0;
	size_t i;

	for (i = 0; i < s->host_count; i++) {
		struct udp_host *uh = &s->hosts[i];

		if (uh->finished)
			continue;
		if (host_timed_out(s, uh, now_ns)) {
			uh->finished = true;
			continue;
		}
		if (uh->in_round)
			next_ns = earliest(next_ns, expire_silent(s, uh, now_ns));
		if (uh->in_round && uh->submitted >= uh->round_len && uh->in_flight == 0)
			end_round(uh, s->run->timing.max_retries);
		if (!uh->in_round && (uh->first || now_ns >= uh->ready_ns))
			start_round(uh, now_ns);
		if (!uh->finished && !uh->in_round)
			next_ns = earliest(next_ns, uh->ready_ns);
	}
	return next_ns;
}

static bool all_finished(const struct udp_scan *s)
{
	size_t i;

	for (i = 0; i < s->host_count; i++)
		if (!s->hosts[i].finished)
			return false;
	return true;
}

static int run_hosts(struct udp_scan *s)
{
	int rc = 0;

	while (!scan_stopping(s->run)) {
		int64_t next_ns = step_hosts(s);
		int wait_ms = POLL_SLICE_MS;

		if (all_finished(s))
			break;
		rc = submit_some(s);
		if (rc < 0)
			return rc;
		if (next_ns > 0) {
			int64_t until_ms = (next_ns - mono_ns()) / 1000000 + 1;

			wait_ms = until_ms < 0 ? 0 : until_ms < POLL_SLICE_MS ? (int)until_ms : POLL_SLICE_MS;
		}
		rc = probe_poll(s->engine, wait_ms);
		if (rc < 0 && rc != -EINTR)
			return rc;
		if (s->failure < 0)
			return s->failure;
		udp_progress(s);
	}
	return 0;
}

static int init_host(struct udp_host *uh, struct scan_host *host)
{
	size_t udp_count = host->port_count - host->tcp_count;

	uh->host = host;
	uh->round = calloc(udp_count ? udp_count : 1, sizeof(*uh->round));
	uh->silent_ns = calloc(udp_count ? udp_count : 1, sizeof(*uh->silent_ns));
	if (!uh->round || !uh->silent_ns)
		return -ENOMEM;
	icmp_bucket_init(&uh->bucket, mono_ns());
	uh->first = true;
	uh->finished = udp_count == 0 || host->timed_out;
	return 0;
}

int scan_udp_hosts(struct scan_run *run, struct scan_host **hosts, size_t host_count)
{
	struct udp_scan s = { .run = run, .host_count = host_count };
	size_t i;
	int rc;

	s.hosts = calloc(host_count ? host_count : 1, sizeof(*s.hosts));
	if (!s.hosts)
		return -ENOMEM;
	rc = open_engine(&s);
	for (i = 0; i < host_count && rc == 0; i++)
		rc = init_host(&s.hosts[i], hosts[i]);
	if (rc == 0)
		rc = run_hosts(&s);
	if (s.engine)
		probe_engine_close(s.engine);
	for (i = 0; i < host_count; i++) {
		free(s.hosts[i].round);
		free(s.hosts[i].silent_ns);
	}
	free(s.hosts);
	scan_progress_clear(run);
	return rc;
}
