/* TCP port scans of one host on the probe engine: connect() probes (-sT,
 * no privilege) or raw SYNs (-sS).  Probes go out as fast as the
 * congestion window allows; each answer or timeout becomes a port state
 * with nmap's meaning:
 *
 *   SYN-ACK                      open      syn-ack
 *   RST                          closed    reset (SYN) / conn-refused (connect)
 *   ICMP unreachable             filtered  host-unreach, admin-prohibited...
 *   nothing, after the retries   filtered  no-response
 *
 * The kernel answers a SYN-ACK to a raw SYN with a RST (the engine keeps
 * its source port bound and never listening), so no half-open connection
 * stays behind; a connect probe that succeeds is closed at once. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "scan_impl.h"
#include "sonde/clock.h"
#include "sonde/pkt.h"

/* Replies to a fast scan arrive in bursts: room for a few thousand. */
#define SCAN_RCVBUF_BYTES (4 << 20)
#define POLL_SLICE_MS 200

/* A probe's user word: which host of the group, which of its ports. */
#define PORT_INDEX_BITS 20
#define PROBE_USER(host, port) ((void *)(((uintptr_t)(host) << PORT_INDEX_BITS) | (port)))
#define PROBE_HOST(user) ((size_t)((uintptr_t)(user) >> PORT_INDEX_BITS))
#define PROBE_PORT(user) ((size_t)((uintptr_t)(user) & ((1u << PORT_INDEX_BITS) - 1)))

/* A group of hosts scanned together on one engine, their probes
 * interleaved port by port, so one host's silent ports never hold up the
 * others and no host gets every probe at once. */
struct tcp_scan {
	struct scan_run *run;
	struct scan_host **hosts;
	size_t host_count;
	struct probe_engine *engine;
	bool syn;
	size_t in_flight;
	size_t resolved, total; /* ports with a state, for the progress line */
	size_t max_tcp;         /* the most TCP ports any host of the group has */
};

enum scan_reason scan_icmp_reason(int family, uint8_t type, uint8_t code)
{
	if (family == AF_INET6) {
		if (type != PKT_ICMP6_UNREACH)
			return REASON_ERROR;
		switch (code) {
		case 0: return REASON_NET_UNREACH;
		case 1: return REASON_ADMIN_PROHIBITED;
		case 3: return REASON_HOST_UNREACH;
		case 4: return REASON_PORT_UNREACH;
		default: return REASON_ADMIN_PROHIBITED;
		}
	}
	if (type != PKT_ICMP_UNREACH)
		return REASON_ERROR;
	switch (code) {
	case 0: return REASON_NET_UNREACH;
	case 1: return REASON_HOST_UNREACH;
	case 2: return REASON_PROTO_UNREACH;
	case 3: return REASON_PORT_UNREACH;
	case 9: return REASON_NET_PROHIBITED;
	case 10: return REASON_HOST_PROHIBITED;
	default: return REASON_ADMIN_PROHIBITED;
	}
}

static enum scan_reason local_error_reason(int error)
{
	switch (error) {
	case -EHOSTUNREACH: return REASON_HOST_UNREACH;
	case -ENETUNREACH: return REASON_NET_UNREACH;
	case -ETIMEDOUT: return REASON_NO_RESPONSE;
	case -EACCES:
	case -EPERM: return REASON_ADMIN_PROHIBITED;
	}
	return REASON_ERROR;
}

static void classify(struct tcp_scan *s, struct scan_port *port, const struct probe_result *r)
{
	port->ttl = r->ttl > 0 && r->ttl < 256 ? (uint8_t)r->ttl : 0;
	switch (r->outcome) {
	case PROBE_REPLY:
		port->state = SCAN_OPEN;
		port->reason = REASON_SYN_ACK;
		break;
	case PROBE_REFUSED:
		port->state = SCAN_CLOSED;
		port->reason = s->syn ? REASON_RESET : REASON_CONN_REFUSED;
		break;
	case PROBE_ICMP_ERROR:
		port->state = SCAN_FILTERED;
		port->reason = scan_icmp_reason(s->run->family, r->icmp_type, r->icmp_code);
		break;
	case PROBE_LOCAL_ERROR:
		port->state = SCAN_FILTERED;
		port->reason = local_error_reason(r->error);
		break;
	case PROBE_TIMEOUT:
		port->state = SCAN_FILTERED;
		port->reason = REASON_NO_RESPONSE;
		break;
	}
}

static void on_tcp_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct tcp_scan *s = user;
	struct scan_port *port = &s->hosts[PROBE_HOST(probe_user)]->ports[PROBE_PORT(probe_user)];

	if (r->duplicate)
		return;
	classify(s, port, r);
	s->resolved++;
	if (r->outcome == PROBE_REPLY || r->outcome == PROBE_REFUSED || r->outcome == PROBE_ICMP_ERROR)
		scan_timing_answer(&s->run->timing, r->rtt_ns, r->attempts);
	probe_release(s->engine, probe_id);
	s->in_flight--;
}

static int open_engine(struct tcp_scan *s)
{
	struct probe_config cfg = {
		.family = s->run->family,
		.method = s->syn ? PROBE_TCP_SYN : PROBE_TCP_CONNECT,
		.pmtu_disc = -1,
		.send_gap_us = s->run->timing.send_gap_us,
		.on_result = on_tcp_result,
		.user = s,
		.route_per_host = true,
	};
	int rc = probe_engine_open(&cfg, &s->engine);

	if (rc == 0 && s->syn)
		probe_engine_set_rcvbuf(s->engine, SCAN_RCVBUF_BYTES);
	return rc;
}

static int submit_port(struct tcp_scan *s, size_t host_index, size_t port_index)
{
	struct scan_timing *t = &s->run->timing;
	struct scan_host *host = s->hosts[host_index];
	struct probe_spec spec = { 0 };
	uint32_t probe_id;
	int rc;

	spec.dst = host->addr;
	addr_set_port(&spec.dst, host->ports[port_index].port);
	/* The sequence number's low half: a keyed hash of the 4-tuple, so a
	 * forged or stray RST does not match by chance. */
	spec.token = (uint16_t)scan_tcp_cookie(s->run->cookie_key, &spec.dst, probe_engine_local_id(s->engine));
	spec.timeout_ms = scan_timing_timeout_ms(t);
	spec.retries = t->retries;
	spec.user = PROBE_USER(host_index, port_index);
	s->in_flight++;
	rc = probe_submit(s->engine, &spec, &probe_id);
	if (rc < 0) {
		s->in_flight--;
		return rc;
	}
	scan_timing_sent(t);
	return 0;
}

static bool host_expired(const struct scan_run *run, struct scan_host *host)
{
	if (run->cfg->host_timeout_ms > 0 && mono_ns() - host->start_ns > run->cfg->host_timeout_ms * 1000000)
		host->timed_out = true;
	return host->timed_out;
}

/* Where the group's walk is: port by port, each host in turn. */
struct cursor {
	size_t port, host;
	bool started;
};

/* The next (host, port) pair still to probe; false at the end. */
static bool next_probe(struct tcp_scan *s, struct cursor *c)
{
	for (;;) {
		struct scan_host *h;

		if (c->started && ++c->host >= s->host_count) {
			c->host = 0;
			c->port++;
		}
		c->started = true;
		if (c->port >= s->max_tcp)
			return false;
		h = s->hosts[c->host];
		if (c->port < h->tcp_count && !h->timed_out && h->ports[c->port].state == SCAN_UNKNOWN)
			return true;
	}
}

/* Marks hosts past --host-timeout; true when none is left to scan. */
static bool all_expired(struct tcp_scan *s)
{
	size_t i, left = 0;

	for (i = 0; i < s->host_count; i++)
		left += !host_expired(s->run, s->hosts[i]);
	return left == 0;
}

/* Probes every TCP port still in SCAN_UNKNOWN (ports[0..tcp_count) of each
 * host are TCP), keeping the window full. */
static int scan_pass(struct tcp_scan *s)
{
	struct scan_run *run = s->run;
	struct cursor c = { 0 };
	bool more = true;
	int rc;

	while (!run->interrupted) {
		while (more && s->in_flight < scan_timing_window(&run->timing)) {
			more = next_probe(s, &c);
			if (more && (rc = submit_port(s, c.host, c.port)) < 0)
				return rc;
		}
		if ((s->in_flight == 0 && !more) || all_expired(s))
			return 0;
		rc = probe_poll(s->engine, POLL_SLICE_MS);
		if (rc < 0 && rc != -EINTR)
			return rc;
		scan_progress_tick(run, s->syn ? "SYN scan" : "Connect scan", s->host_count == 1 ? s->hosts[0] : NULL,
				   s->resolved, s->total);
	}
	return 0;
}

/* On a path that dropped probes, silence may be loss: the ports that said
 * nothing are asked again, with every retry the template allows. */
static size_t requeue_silent(struct tcp_scan *s)
{
	size_t h, i, count = 0;

	for (h = 0; h < s->host_count; h++) {
		struct scan_host *host = s->hosts[h];

		for (i = 0; i < host->tcp_count && !host->timed_out; i++)
			if (host->ports[i].reason == REASON_NO_RESPONSE) {
				host->ports[i].state = SCAN_UNKNOWN;
				count++;
				s->resolved--;
			}
	}
	return count;
}

int scan_tcp_hosts(struct scan_run *run, struct scan_host **hosts, size_t host_count, bool syn)
{
	struct tcp_scan s = { .run = run, .hosts = hosts, .host_count = host_count, .syn = syn };
	size_t i;
	int rc;

	for (i = 0; i < host_count; i++) {
		s.total += hosts[i]->tcp_count;
		if (hosts[i]->tcp_count > s.max_tcp)
			s.max_tcp = hosts[i]->tcp_count;
	}
	if (s.total == 0)
		return 0;
	rc = open_engine(&s);
	if (rc < 0)
		return rc;
	rc = scan_pass(&s);
	if (rc == 0 && run->timing.drops > 0 && requeue_silent(&s) > 0) {
		run->timing.retries = run->timing.max_retries;
		rc = scan_pass(&s);
	}
	probe_engine_close(s.engine);
	scan_progress_clear(run);
	return rc;
}
