/* The icmp prober (icmp, icmp_ttl5) on libcore's probe engine, the one
 * under ping and traceroute: one echo request, its reply's round trip and
 * hop limit, timed in blackbox_exporter's phases (resolve, setup, rtt). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "serve_impl.h"
#include "sonde/clock.h"
#include "sonde/probe.h"
#include "sonde/reason.h"

static const char *const phase_help = "Duration of icmp request by phase";

struct icmp_wait {
	bool done;
	struct probe_result result;
};

static void on_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct icmp_wait *w = user;

	(void)probe_id;
	(void)probe_user;
	if (w->done || r->duplicate)
		return;
	w->done = true;
	w->result = *r;
	w->result.data = NULL;
}

static void outcome_reason(struct serve_probe *p, const struct probe_result *r)
{
	switch (r->outcome) {
	case PROBE_TIMEOUT: snprintf(p->reason, sizeof(p->reason), "no echo reply"); break;
	case PROBE_ICMP_ERROR:
		snprintf(p->reason, sizeof(p->reason), "ICMP error type %u code %u", r->icmp_type, r->icmp_code);
		break;
	case PROBE_LOCAL_ERROR:
		snprintf(p->reason, sizeof(p->reason), "%s", reason_connect(r->error));
		break;
	default: snprintf(p->reason, sizeof(p->reason), "unexpected answer"); break;
	}
}

static bool echo(struct serve_probe *p, const struct sonde_addr *addr)
{
	struct icmp_wait w = { 0 };
	struct probe_config pc = { .family = addr_family(addr), .method = PROBE_ICMP_ECHO, .pmtu_disc = -1,
				   .on_result = on_result, .user = &w };
	struct probe_spec spec = { .dst = *addr, .ttl = p->module->ttl, .token = 1, .payload_len = 36,
				   .timeout_ms = (int)(serve_ms_left(p) ? serve_ms_left(p) : 1) };
	struct probe_engine *engine = NULL;
	int64_t setup_ns = mono_ns();
	uint32_t id;
	int rc;

	serve_log(p, "info", "Creating socket");
	rc = probe_engine_open(&pc, &engine);
	expo_add(p->expo, "probe_icmp_duration_seconds", phase_help, (double)(mono_ns() - setup_ns) / 1e9, "phase",
		 "setup", NULL);
	if (rc < 0) {
		snprintf(p->reason, sizeof(p->reason), "cannot open an ICMP socket: %s", strerror(-rc));
		serve_log(p, "error", "Error listening to socket: %s", strerror(-rc));
		return false;
	}
	serve_log(p, "info", "Writing out packet");
	rc = probe_submit(engine, &spec, &id);
	while (rc == 0 && !w.done && probe_pending(engine) > 0 && serve_ms_left(p) > 0)
		probe_poll(engine, (int)serve_ms_left(p));
	probe_engine_close(engine);
	if (rc < 0 || !w.done || w.result.outcome != PROBE_REPLY) {
		if (rc < 0)
			snprintf(p->reason, sizeof(p->reason), "%s", reason_connect(rc));
		else if (!w.done)
			snprintf(p->reason, sizeof(p->reason), "no echo reply");
		else
			outcome_reason(p, &w.result);
		serve_log(p, "warn", "%s", p->reason);
		return false;
	}
	expo_add(p->expo, "probe_icmp_duration_seconds", phase_help, (double)w.result.rtt_ns / 1e9, "phase", "rtt",
		 NULL);
	if (w.result.ttl >= 0)
		expo_set(p->expo, "probe_icmp_reply_hop_limit", "Replied packet hop limit (TTL for ipv4)", EXPO_GAUGE,
			 w.result.ttl, NULL);
	serve_log(p, "info", "Found matching reply packet");
	return true;
}

bool serve_prober_icmp(struct serve_probe *p)
{
	static const char *const phases[] = { "resolve", "rtt", "setup" };
	struct sonde_addr addr;
	double lookup_s;

	for (size_t i = 0; i < 3; i++)
		expo_add(p->expo, "probe_icmp_duration_seconds", phase_help, 0, "phase", phases[i], NULL);
	if (serve_resolve(p, p->target, 0, &addr, &lookup_s) < 0)
		return false;
	expo_add(p->expo, "probe_icmp_duration_seconds", phase_help, lookup_s, "phase", "resolve", NULL);
	return echo(p, &addr);
}
