/* UDP scan of one host.  An answer in UDP means open, an ICMP port
 * unreachable closed, silence open|filtered.  The catch is the silence:
 * Linux (and most systems) send ICMP errors through a token bucket, one per
 * second per peer after a small burst (net.ipv4.icmp_ratelimit), so a closed
 * port is silent too when the bucket is empty.  Retrying blindly wastes
 * probes and still guesses; instead the scan reasons about the bucket:
 *
 *   - probes go out in rounds; every probe of a round has its send time, and
 *     every ICMP error it drew is counted against the probe that drew it;
 *   - a silent port counts as silent for sure only when the bucket certainly
 *     held a token when its probe arrived: the credit at the round's start,
 *     plus what refilled since, minus the errors drawn by the probes sent
 *     before it;
 *   - the credit is known only from a point where the bucket may have been
 *     empty: the scan's start (anything may have drained it before) or the
 *     last ICMP error that came back; a round after the first starts a full
 *     interval after that point, so with at least one token;
 *   - a port silent for sure twice (once with --max-retries 0) is
 *     open|filtered; one whose silence proves nothing goes into the next
 *     round.
 *
 * So the first round only collects answers, and silence costs at least one
 * interval (Linux's default, one second) before it means anything. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "scan_impl.h"
#include "sonde/clock.h"
#include "sonde/pkt.h"

#define ICMP_REFILL_NS 1000000000LL
/* Send times are ours, arrivals the target's: allow for jitter. */
#define REFILL_MARGIN_NS 50000000LL
/* Ports in a round after the first: fresh ones, beside every port that
 * needs a confirmation (those are silent and cost the target no token). */
#define LATER_ROUND_FRESH 8
/* A port's probes, bounded whatever the bucket does. */
#define MAX_UDP_PROBES 24
#define POLL_SLICE_MS 200

struct round_probe {
	size_t index;        /* into host->ports */
	int64_t sent_ns;
	bool drew_icmp;      /* an ICMP error came back for it */
	bool done;           /* answered or timed out */
};

struct udp_scan {
	struct scan_run *run;
	struct scan_host *host;
	struct probe_engine *engine;
	struct round_probe *round;
	size_t round_len, round_cap, in_flight, answered_in_round;
	int64_t empty_since_ns;    /* the bucket may have been empty then: the scan's
				    * start or the last ICMP error's arrival */
	int64_t round_start_ns;
	int silences_needed;       /* 2: a silence is confirmed once */
};

static void on_udp_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct udp_scan *s = user;
	struct round_probe *rp = &s->round[(uintptr_t)probe_user];
	struct scan_port *port = &s->host->ports[rp->index];

	if (r->duplicate)
		return;
	rp->done = true;
	probe_release(s->engine, probe_id);
	s->in_flight--;
	port->ttl = r->ttl > 0 && r->ttl < 256 ? (uint8_t)r->ttl : 0;
	switch (r->outcome) {
	case PROBE_REPLY:
		port->state = SCAN_OPEN;
		port->reason = REASON_UDP_RESPONSE;
		scan_timing_answer(&s->run->timing, r->rtt_ns, 1);
		break;
	case PROBE_ICMP_ERROR:
		rp->drew_icmp = true;
		s->empty_since_ns = mono_ns();
		port->reason = scan_icmp_reason(s->run->family, r->icmp_type, r->icmp_code);
		port->state = port->reason == REASON_PORT_UNREACH ? SCAN_CLOSED : SCAN_FILTERED;
		scan_timing_answer(&s->run->timing, r->rtt_ns, 1);
		break;
	case PROBE_LOCAL_ERROR:
		port->state = SCAN_FILTERED;
		port->reason = REASON_ERROR;
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

static int round_add(struct udp_scan *s, size_t index)
{
	if (s->round_len == s->round_cap) {
		size_t cap = s->round_cap ? s->round_cap * 2 : 64;
		struct round_probe *grown = realloc(s->round, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->round = grown;
		s->round_cap = cap;
	}
	s->round[s->round_len++] = (struct round_probe){ .index = index };
	return 0;
}

/* The round's ports in send order: confirmations first (silent ports draw
 * no ICMP, so they never cost a later port its token), then fresh ones. */
static int plan_round(struct udp_scan *s, bool first)
{
	struct scan_host *h = s->host;
	size_t i, fresh = 0;
	int rc = 0;

	s->round_len = 0;
	for (i = h->tcp_count; i < h->port_count && rc == 0; i++)
		if (pending(&h->ports[i]) && h->ports[i].silences > 0)
			rc = round_add(s, i);
	for (i = h->tcp_count; i < h->port_count && rc == 0; i++)
		if (pending(&h->ports[i]) && h->ports[i].silences == 0 && (first || fresh++ < LATER_ROUND_FRESH))
			rc = round_add(s, i);
	return rc;
}

static int submit(struct udp_scan *s, size_t round_index)
{
	struct round_probe *rp = &s->round[round_index];
	struct scan_port *port = &s->host->ports[rp->index];
	struct probe_spec spec = { 0 };
	uint32_t probe_id;
	int rc;

	spec.dst = s->host->addr;
	addr_set_port(&spec.dst, port->port);
	spec.payload = scan_udp_payload(port->port, &spec.payload_len);
	spec.timeout_ms = scan_timing_timeout_ms(&s->run->timing);
	spec.user = (void *)(uintptr_t)round_index;
	rp->sent_ns = mono_ns();
	port->probes++;
	s->in_flight++;
	rc = probe_submit(s->engine, &spec, &probe_id);
	if (rc < 0) {
		s->in_flight--;
		return rc;
	}
	scan_timing_sent(&s->run->timing);
	return 0;
}

static void udp_progress(struct udp_scan *s)
{
	const struct scan_host *h = s->host;
	size_t i, resolved = 0;

	if (!s->run->progress_line)
		return;
	for (i = h->tcp_count; i < h->port_count; i++)
		resolved += h->ports[i].state != SCAN_UNKNOWN;
	scan_progress_tick(s->run, "UDP scan", h, resolved, h->port_count - h->tcp_count);
}

/* Credits are in nanoseconds of refill: one token is ICMP_REFILL_NS. */
static void judge_round(struct udp_scan *s, int64_t credit_at_start_ns)
{
	size_t i, drew_before = 0;

	for (i = 0; i < s->round_len; i++) {
		struct round_probe *rp = &s->round[i];
		struct scan_port *port = &s->host->ports[rp->index];
		int64_t credit_ns;

		if (port->state == SCAN_UNKNOWN) {
			credit_ns = credit_at_start_ns + (rp->sent_ns - s->round_start_ns) -
				    (int64_t)drew_before * ICMP_REFILL_NS;
			if (credit_ns >= ICMP_REFILL_NS + REFILL_MARGIN_NS)
				port->silences++;
			if (port->silences >= s->silences_needed || port->probes >= MAX_UDP_PROBES) {
				port->state = SCAN_OPEN_FILTERED;
				port->reason = REASON_NO_RESPONSE;
			}
		}
		if (rp->drew_icmp)
			drew_before++;
	}
}

/* The bucket's credit when a round starts.  The first round goes at once
 * (it learns from answers, not from silence); later ones wait until a token
 * has certainly refilled since the bucket was last possibly empty. */
static int64_t wait_for_credit(struct udp_scan *s, bool first)
{
	int64_t ready_ns = s->empty_since_ns + ICMP_REFILL_NS + REFILL_MARGIN_NS;

	while (!first && !s->run->interrupted && mono_ns() < ready_ns) {
		probe_poll(s->engine, (int)((ready_ns - mono_ns()) / 1000000) + 1);
		udp_progress(s);
	}
	return mono_ns() - s->empty_since_ns;
}

static int run_round(struct udp_scan *s)
{
	size_t next = 0;
	int rc = 0;

	s->round_start_ns = mono_ns();
	while (!s->run->interrupted) {
		while (next < s->round_len && s->in_flight < scan_timing_window(&s->run->timing)) {
			rc = submit(s, next++);
			if (rc < 0)
				return rc;
		}
		if (s->in_flight == 0 && next >= s->round_len)
			break;
		if (s->run->cfg->host_timeout_ms > 0 &&
		    mono_ns() - s->host->start_ns > s->run->cfg->host_timeout_ms * 1000000) {
			s->host->timed_out = true;
			break;
		}
		rc = probe_poll(s->engine, POLL_SLICE_MS);
		if (rc < 0 && rc != -EINTR)
			return rc;
		udp_progress(s);
	}
	return 0;
}

int scan_udp_host(struct scan_run *run, struct scan_host *host)
{
	struct udp_scan s = { .run = run, .host = host };
	bool first = true;
	int rc = open_engine(&s);

	if (rc < 0)
		return rc;
	s.silences_needed = run->timing.max_retries == 0 ? 1 : 2;
	s.empty_since_ns = mono_ns();
	while (rc == 0 && !run->interrupted && !host->timed_out) {
		int64_t credit_ns;

		rc = plan_round(&s, first);
		if (rc < 0 || s.round_len == 0)
			break;
		credit_ns = wait_for_credit(&s, first);
		rc = run_round(&s);
		if (rc == 0 && !host->timed_out && !run->interrupted)
			judge_round(&s, credit_ns);
		first = false;
	}
	probe_engine_close(s.engine);
	free(s.round);
	scan_progress_clear(run);
	return rc;
}
