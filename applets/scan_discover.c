/* Host discovery: which targets are up?  As nmap does by default, three
 * probes per host at once: an ICMP echo, a TCP SYN to 443 and a TCP ACK to
 * 80 (raw packets with CAP_NET_RAW; without it, connects to 443 and 80).  A
 * SYN-ACK or a RST proves a host (an ACK out of the blue gets a RST from any
 * live host whose firewall lets it through, open port or not).  The first
 * answer marks the host up and forgets its other probes.  With raw access,
 * a host on a directly attached subnet that answered none of them but
 * answered the kernel's ARP or neighbour solicitation (its neighbour entry
 * was confirmed during the scan) is up too: it exists and firewalls
 * everything, which nmap's ARP ping also finds.
 *
 * Timeouts follow the hosts that answered, as nmap's group timing does:
 * once round trips are measured, the probes still waiting on the initial
 * one-second guess are cut down to the measured timeout, so down hosts cost
 * a few round trips, not two seconds each. */
#include <errno.h>
#include <linux/neighbour.h>
#include <stdlib.h>
#include <string.h>

#include "scan_impl.h"
#include "sonde/clock.h"
#include "sonde/netlink.h"

enum { DISC_ECHO, DISC_TCP443, DISC_TCP80, DISC_METHODS };

static const uint16_t disc_ports[DISC_METHODS] = { 0, 443, 80 };

struct disc_host {
	uint32_t probe_ids[DISC_METHODS];
	uint8_t live;           /* bit per method: a probe in flight */
};

struct discovery;

/* What an engine's results are handed with: the discovery and the method. */
struct disc_cb {
	struct discovery *d;
	int method;
};

struct discovery {
	struct scan_run *run;
	int timeout_ms;          /* the probes' timeout now */
	bool retime;             /* it fell: shorten the waiting probes' */
	struct probe_engine *engines[DISC_METHODS];
	struct disc_cb callbacks[DISC_METHODS];
	struct disc_host *state;
	size_t in_flight;
};

static void forget_probes(struct discovery *d, size_t host_index)
{
	struct disc_host *st = &d->state[host_index];
	int m;

	for (m = 0; m < DISC_METHODS; m++)
		if (st->live & (1u << m)) {
			probe_release(d->engines[m], st->probe_ids[m]);
			st->live &= (uint8_t)~(1u << m);
			d->in_flight--;
		}
}

static enum scan_reason up_reason(int method, const struct probe_result *r, bool raw)
{
	if (method == DISC_ECHO)
		return REASON_ECHO_REPLY;
	if (r->outcome == PROBE_REPLY)
		return REASON_SYN_ACK;
	return raw ? REASON_RESET : REASON_CONN_REFUSED;
}

static void on_disc_result(struct disc_cb *cb, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct discovery *d = cb->d;
	size_t index = (uintptr_t)probe_user;
	struct scan_host *host = &d->run->hosts[index];
	struct disc_host *st = &d->state[index];

	if (r->duplicate || !(st->live & (1u << cb->method)))
		return;
	probe_release(d->engines[cb->method], probe_id);
	st->live &= (uint8_t)~(1u << cb->method);
	d->in_flight--;
	if (host->up || (r->outcome != PROBE_REPLY && r->outcome != PROBE_REFUSED))
		return;
	host->up = true;
	host->up_reason = (uint8_t)up_reason(cb->method, r, d->run->raw);
	host->up_ttl = r->ttl > 0 && r->ttl < 256 ? (uint8_t)r->ttl : 0;
	host->latency_ms = r->rtt_ns > 0 ? r->rtt_ns / 1e6 : -1;
	scan_timing_answer(&d->run->timing, r->rtt_ns, r->attempts);
	if (scan_timing_timeout_ms(&d->run->timing) < d->timeout_ms) {
		d->timeout_ms = scan_timing_timeout_ms(&d->run->timing);
		d->retime = true;
	}
	forget_probes(d, index);
}

static enum probe_method disc_method(const struct discovery *d, int m)
{
	if (m == DISC_ECHO)
		return PROBE_ICMP_ECHO;
	if (!d->run->raw)
		return PROBE_TCP_CONNECT;
	return m == DISC_TCP80 ? PROBE_TCP_ACK : PROBE_TCP_SYN;
}

static void on_any(void *user, uint32_t id, void *probe_user, const struct probe_result *r)
{
	on_disc_result(user, id, probe_user, r);
}

static int open_engines(struct discovery *d)
{
	int m, rc;

	for (m = 0; m < DISC_METHODS; m++) {
		struct probe_config cfg = {
			.family = d->run->family,
			.method = disc_method(d, m),
			.pmtu_disc = -1,
			.send_gap_us = d->run->timing.send_gap_us,
			.on_result = on_any,
			.user = &d->callbacks[m],
			.route_per_host = true,
		};

		d->callbacks[m] = (struct disc_cb){ d, m };
		rc = probe_engine_open(&cfg, &d->engines[m]);
		/* No ICMP socket at all (no privilege, no ping_group_range):
		 * TCP alone decides, as nmap's unprivileged ping does. */
		if (rc == -EPERM && m == DISC_ECHO)
			continue;
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int submit_host(struct discovery *d, size_t index)
{
	struct scan_timing *t = &d->run->timing;
	int m, rc;

	for (m = 0; m < DISC_METHODS; m++) {
		struct probe_spec spec = { 0 };

		if (!d->engines[m])
			continue;
		spec.dst = d->run->hosts[index].addr;
		addr_set_port(&spec.dst, disc_ports[m]);
		spec.token = (uint16_t)index;
		spec.timeout_ms = scan_timing_timeout_ms(t);
		spec.retries = t->retries;
		spec.user = (void *)(uintptr_t)index;
		d->state[index].live |= (uint8_t)(1u << m);
		d->in_flight++;
		rc = probe_submit(d->engines[m], &spec, &d->state[index].probe_ids[m]);
		if (rc < 0) {
			d->state[index].live &= (uint8_t)~(1u << m);
			d->in_flight--;
			return rc;
		}
		scan_timing_sent(t);
		if (d->run->hosts[index].up)
			break; /* answered at once (a refused connect on loopback) */
	}
	return 0;
}

/* Polls every engine in turn: a short wait on the last, none on the others. */
static void poll_engines(struct discovery *d)
{
	int m, last = -1;

	for (m = 0; m < DISC_METHODS; m++)
		if (d->engines[m])
			last = m;
	for (m = 0; m < DISC_METHODS; m++)
		if (d->engines[m])
			probe_poll(d->engines[m], m == last ? 5 : 0);
	for (m = 0; m < DISC_METHODS && d->retime; m++)
		if (d->engines[m])
			probe_retime(d->engines[m], d->timeout_ms);
	d->retime = false;
}

struct neigh_check {
	struct scan_run *run;
	int64_t since_ms;       /* entries confirmed within this many ms count */
};

static int neigh_seen(const struct netlink_neigh *n, void *arg)
{
	struct neigh_check *nc = arg;
	size_t i;

	if (!(n->state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE)) || !n->lladdr_len ||
	    !n->has_cacheinfo || n->confirmed_ms > nc->since_ms)
		return 0;
	for (i = 0; i < nc->run->host_count; i++) {
		struct scan_host *h = &nc->run->hosts[i];
		struct sonde_addr dst = n->dst;

		addr_set_port(&dst, addr_port(&h->addr));
		if (!h->up && addr_equal(&dst, &h->addr)) {
			h->up = true;
			h->up_reason = REASON_ARP_RESPONSE;
			h->latency_ms = -1;
		}
	}
	return 0;
}

static int discover_all(struct discovery *d)
{
	struct scan_run *run = d->run;
	int64_t start_ms = mono_ms();
	size_t next = 0;
	int rc = open_engines(d);

	while (rc == 0 && !scan_stopping(run)) {
		while (next < run->host_count && d->in_flight < scan_timing_window(&run->timing)) {
			if (!run->hosts[next].up)
				rc = submit_host(d, next);
			next++;
			if (rc < 0)
				break;
		}
		if (rc < 0 || (d->in_flight == 0 && next >= run->host_count))
			break;
		poll_engines(d);
	}
	if (rc == 0 && run->raw && !scan_stopping(run)) {
		struct neigh_check nc = { run, mono_ms() - start_ms + 1 };

		netlink_walk_neighs(run->family, neigh_seen, &nc);
	}
	return rc;
}

int scan_discover(struct scan_run *run)
{
	struct discovery d = { .run = run, .timeout_ms = scan_timing_timeout_ms(&run->timing) };
	size_t i, to_probe = 0;
	int m, rc = 0;

	for (i = 0; i < run->host_count; i++) {
		struct scan_host *h = &run->hosts[i];

		if (run->cfg->no_ping) {
			h->up = true;
			h->up_reason = REASON_USER_SET;
		} else if (addr_is_loopback(&h->addr)) {
			h->up = true;
			h->up_reason = REASON_LOCALHOST;
		} else {
			to_probe++;
		}
		h->latency_ms = -1;
	}
	if (to_probe == 0)
		return 0;
	d.state = calloc(run->host_count, sizeof(*d.state));
	if (!d.state)
		return -ENOMEM;
	rc = discover_all(&d);
	for (m = 0; m < DISC_METHODS; m++)
		probe_engine_close(d.engines[m]);
	free(d.state);
	return rc;
}
