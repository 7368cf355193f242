/* TCP port scans of a group of hosts on the probe engine: connect() probes
 * (-sT, no privilege) or raw SYNs (-sS).  Probes go out as fast as the
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
 * stays behind; a connect probe that succeeds is closed at once.
 *
 * A large scan is split over worker threads, one per CPU, each pinned to
 * its CPU with its own engine and its share of the ports: the kernel's work
 * for a probe (on a lab path, the whole forwarding chain) runs on the CPU
 * that sent it, so one thread is bound by one CPU. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_impl.h"
#include "sonde/clock.h"
#include "sonde/pkt.h"

/* Replies to a fast scan arrive in bursts: room for a few thousand. */
#define SCAN_RCVBUF_BYTES (4 << 20)
#define POLL_SLICE_MS 200
/* Connects in flight per engine at most: each poll() walks every pending
 * socket, so a larger window costs more per wakeup than it gains (measured
 * on a lab path: 1024 was as fast as 4096, with less CPU). */
#define CONNECT_MAX_WINDOW 1024
/* Workers: one per CPU the process may run on, at most this many, and each
 * with this many probes at least (a small scan is not worth the threads). */
#define MAX_WORKERS 8
#define MIN_PROBES_PER_WORKER 2048
/* Ports are dealt to the workers in runs of this many neighbours: no two
 * workers write the same cache line of a port table. */
#define PORT_RUN 32
#define PROGRESS_SLICE_MS 100

/* A probe's user word: which host of the group, which of its ports. */
#define PORT_INDEX_BITS 20
#define PROBE_USER(host, port) ((void *)(((uintptr_t)(host) << PORT_INDEX_BITS) | (port)))
#define PROBE_HOST(user) ((size_t)((uintptr_t)(user) >> PORT_INDEX_BITS))
#define PROBE_PORT(user) ((size_t)((uintptr_t)(user) & ((1u << PORT_INDEX_BITS) - 1)))

struct tcp_scan;

/* One worker's share of a group's scan: the ports whose run number modulo
 * the worker count is its index, on its own engine (its own source port, so
 * the engine's socket filter passes it only its own replies), with its own
 * congestion window and timeouts.  It writes only its ports' entries, so
 * workers need no locks; the counters the main thread reads are atomic. */
struct tcp_shard {
	struct tcp_scan *scan;
	unsigned index;
	int cpu;                  /* the CPU it is pinned to; -1: none */
	struct probe_engine *engine;
	struct scan_timing timing;
	size_t in_flight;
	atomic_size_t resolved;   /* its ports with a state */
	atomic_size_t sent;       /* its probes sent */
	bool *expired;            /* per host of the group: --host-timeout passed */
	int rc;
	bool threaded;
	pthread_t thread;
};

/* A group of hosts scanned together, their probes interleaved port by
 * port, so one host's silent ports never hold up the others and no host
 * gets every probe at once. */
struct tcp_scan {
	struct scan_run *run;
	struct scan_host **hosts;
	size_t host_count;
	bool syn;
	size_t total;             /* ports of the group, for the progress line */
	size_t max_tcp;           /* the most TCP ports any host of the group has */
	struct tcp_shard *shards;
	unsigned shard_count;
	uint64_t sent_before;     /* the run's probe count when the group began */
	atomic_bool stop;         /* a worker failed: the others end too */
	atomic_uint finished;     /* workers done */
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

enum scan_reason scan_local_error_reason(int error)
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

static void classify(const struct tcp_scan *s, struct scan_port *port, const struct probe_result *r)
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
		port->reason = scan_local_error_reason(r->error);
		break;
	case PROBE_TIMEOUT:
		port->state = SCAN_FILTERED;
		port->reason = REASON_NO_RESPONSE;
		break;
	}
}

static void on_tcp_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct tcp_shard *sh = user;
	struct tcp_scan *s = sh->scan;
	struct scan_port *port = &s->hosts[PROBE_HOST(probe_user)]->ports[PROBE_PORT(probe_user)];

	if (r->duplicate)
		return;
	/* This host's failure, not the port's answer (the engine already
	 * retried shortages): the port keeps no state and the scan stops. */
	if (r->outcome == PROBE_LOCAL_ERROR && scan_local_error_reason(r->error) == REASON_ERROR) {
		if (sh->rc == 0)
			sh->rc = r->error < 0 ? r->error : -EIO;
		atomic_store(&s->stop, true);
		probe_release(sh->engine, probe_id);
		sh->in_flight--;
		return;
	}
	classify(s, port, r);
	atomic_fetch_add_explicit(&sh->resolved, 1, memory_order_relaxed);
	if (r->outcome == PROBE_REPLY || r->outcome == PROBE_REFUSED || r->outcome == PROBE_ICMP_ERROR)
		scan_timing_answer(&sh->timing, r->rtt_ns, r->attempts);
	probe_release(sh->engine, probe_id);
	sh->in_flight--;
}

static int open_engine(struct tcp_shard *sh)
{
	struct tcp_scan *s = sh->scan;
	struct probe_config cfg = {
		.family = s->run->family,
		.method = s->syn ? PROBE_TCP_SYN : PROBE_TCP_CONNECT,
		.pmtu_disc = -1,
		.send_gap_us = sh->timing.send_gap_us,
		.on_result = on_tcp_result,
		.user = sh,
		.route_per_host = true,
	};
	int rc = probe_engine_open(&cfg, &sh->engine);

	if (rc == 0 && s->syn)
		probe_engine_set_rcvbuf(sh->engine, SCAN_RCVBUF_BYTES);
	return rc;
}

static int submit_port(struct tcp_shard *sh, size_t host_index, size_t port_index)
{
	struct scan_timing *t = &sh->timing;
	struct scan_host *host = sh->scan->hosts[host_index];
	struct probe_spec spec = { 0 };
	uint32_t probe_id;
	int rc;

	spec.dst = host->addr;
	addr_set_port(&spec.dst, host->ports[port_index].port);
	/* The sequence number's low half: a keyed hash of the 4-tuple, so a
	 * forged or stray RST does not match by chance. */
	spec.token = (uint16_t)scan_tcp_cookie(sh->scan->run->cookie_key, &spec.dst,
					       probe_engine_local_id(sh->engine));
	spec.timeout_ms = scan_timing_timeout_ms(t);
	spec.retries = t->retries;
	spec.user = PROBE_USER(host_index, port_index);
	sh->in_flight++;
	rc = probe_submit(sh->engine, &spec, &probe_id);
	if (rc < 0) {
		sh->in_flight--;
		return rc;
	}
	scan_timing_sent(t);
	atomic_fetch_add_explicit(&sh->sent, 1, memory_order_relaxed);
	return 0;
}

/* Past --host-timeout?  Each worker keeps its own mark; the group's hosts
 * get theirs when the workers are done. */
static bool host_expired(struct tcp_shard *sh, size_t host_index)
{
	const struct scan_run *run = sh->scan->run;

	if (!sh->expired[host_index] && run->cfg->host_timeout_ms > 0 &&
	    mono_ns() - sh->scan->hosts[host_index]->start_ns > run->cfg->host_timeout_ms * 1000000)
		sh->expired[host_index] = true;
	return sh->expired[host_index];
}

/* The first port index from port on that belongs to the worker. */
static size_t own_port_from(const struct tcp_shard *sh, size_t port)
{
	unsigned n = sh->scan->shard_count;

	while (port < sh->scan->max_tcp && (port / PORT_RUN) % n != sh->index)
		port = (port / PORT_RUN + 1) * PORT_RUN;
	return port;
}

/* Where a worker's walk is: port by port, each host in turn. */
struct cursor {
	size_t port, host;
	bool started;
};

/* The next (host, port) pair still to probe; false at the end. */
static bool next_probe(struct tcp_shard *sh, struct cursor *c)
{
	struct tcp_scan *s = sh->scan;

	for (;;) {
		struct scan_host *h;

		if (!c->started)
			c->port = own_port_from(sh, 0);
		else if (++c->host >= s->host_count) {
			c->host = 0;
			c->port = own_port_from(sh, c->port + 1);
		}
		c->started = true;
		if (c->port >= s->max_tcp)
			return false;
		h = s->hosts[c->host];
		if (c->port < h->tcp_count && !sh->expired[c->host] && h->ports[c->port].state == SCAN_UNKNOWN)
			return true;
	}
}

/* Marks hosts past --host-timeout; true when none is left to scan. */
static bool all_expired(struct tcp_shard *sh)
{
	size_t i, left = 0;

	for (i = 0; i < sh->scan->host_count; i++)
		left += !host_expired(sh, i);
	return left == 0;
}

static size_t resolved_total(struct tcp_scan *s)
{
	size_t i, sum = 0;

	for (i = 0; i < s->shard_count; i++)
		sum += atomic_load_explicit(&s->shards[i].resolved, memory_order_relaxed);
	return sum;
}

/* The progress line, from the thread that draws it: the run's probe count
 * (its rate figure) is the workers' counts over where the group began. */
static void progress(struct tcp_scan *s)
{
	uint64_t sent = 0;
	unsigned i;

	for (i = 0; i < s->shard_count; i++)
		sent += atomic_load_explicit(&s->shards[i].sent, memory_order_relaxed);
	s->run->timing.probes_sent = s->sent_before + sent;
	scan_progress_tick(s->run, s->syn ? "SYN scan" : "Connect scan", s->host_count == 1 ? s->hosts[0] : NULL,
			   resolved_total(s), s->total);
}

/* Probes every TCP port of the worker still in SCAN_UNKNOWN (ports[0..
 * tcp_count) of each host are TCP), keeping the window full. */
static int scan_pass(struct tcp_shard *sh)
{
	struct tcp_scan *s = sh->scan;
	struct cursor c = { 0 };
	bool more = true;
	int rc;

	while (!scan_stopping(s->run) && !atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		while (more && sh->in_flight < scan_timing_window(&sh->timing)) {
			more = next_probe(sh, &c);
			if (more && (rc = submit_port(sh, c.host, c.port)) < 0)
				return rc;
		}
		if ((sh->in_flight == 0 && !more) || all_expired(sh))
			return 0;
		rc = probe_poll(sh->engine, POLL_SLICE_MS);
		if (rc < 0 && rc != -EINTR)
			return rc;
		if (!sh->threaded)
			progress(s);
	}
	return 0;
}

/* On a path that dropped probes, silence may be loss: the worker's ports
 * that said nothing are asked again, with every retry the template allows. */
static size_t requeue_silent(struct tcp_shard *sh)
{
	struct tcp_scan *s = sh->scan;
	size_t h, i, count = 0;

	for (h = 0; h < s->host_count; h++) {
		struct scan_host *host = s->hosts[h];

		for (i = own_port_from(sh, 0); i < host->tcp_count && !sh->expired[h]; i = own_port_from(sh, i + 1))
			if (host->ports[i].reason == REASON_NO_RESPONSE) {
				host->ports[i].state = SCAN_UNKNOWN;
				count++;
				atomic_fetch_sub_explicit(&sh->resolved, 1, memory_order_relaxed);
			}
	}
	return count;
}

static int shard_scan(struct tcp_shard *sh)
{
	int rc = scan_pass(sh);

	if (rc == 0 && sh->rc == 0 && !scan_stopping(sh->scan->run) && sh->timing.drops > 0 && requeue_silent(sh) > 0) {
		sh->timing.retries = sh->timing.max_retries;
		rc = scan_pass(sh);
	}
	return sh->rc < 0 ? sh->rc : rc;
}

static void *worker_main(void *arg)
{
	struct tcp_shard *sh = arg;

	sh->rc = shard_scan(sh);
	if (sh->rc < 0)
		atomic_store(&sh->scan->stop, true);
	atomic_fetch_add(&sh->scan->finished, 1);
	return NULL;
}

/* --- splitting the scan over the CPUs ------------------------------------ */

/* The CPUs the process may run on, up to max; 1 (and cpus[0] = -1) when
 * it cannot tell. */
static unsigned usable_cpus(int *cpus, unsigned max)
{
	cpu_set_t set;
	unsigned n = 0;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set) < 0) {
		cpus[0] = -1;
		return 1;
	}
	for (cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	if (n == 0)
		cpus[n++] = -1;
	return n;
}

/* SONDE_SCAN_WORKERS=N sets the count for tests and benchmarks (a small
 * scan split anyway, or a large one kept whole); CPUs are reused in turn. */
static unsigned forced_workers(void)
{
	const char *text = getenv("SONDE_SCAN_WORKERS");
	char *end;
	long n;

	if (!text || !*text)
		return 0;
	n = strtol(text, &end, 10);
	return *end || n < 1 || n > MAX_WORKERS ? 0 : (unsigned)n;
}

/* How many workers: one per usable CPU (the kernel does a probe's sending,
 * forwarding and answering on the CPU that sent it, so one CPU bounds a
 * single sender), none more than the probes are worth, and only one where
 * the timing wants probes one at a time or spaced (--scan-delay, -T0..2). */
static unsigned worker_count(const struct tcp_scan *s, int *cpus)
{
	unsigned i, cpu_count = usable_cpus(cpus, MAX_WORKERS), n = cpu_count, forced = forced_workers();
	size_t by_size = s->total / MIN_PROBES_PER_WORKER;

	if (s->run->cfg->scan_delay_ms > 0 || s->run->timing.cwnd_max <= 1)
		return 1;
	if (forced) {
		for (i = cpu_count; i < forced; i++)
			cpus[i] = cpus[i % cpu_count];
		return forced;
	}
	if (by_size < n)
		n = by_size ? (unsigned)by_size : 1;
	return n;
}

static int make_shards(struct tcp_scan *s)
{
	int cpus[MAX_WORKERS];
	unsigned i, n = worker_count(s, cpus);
	int rc = 0;

	s->shards = calloc(n, sizeof(*s->shards));
	if (!s->shards)
		return -ENOMEM;
	s->shard_count = n;
	for (i = 0; i < n; i++) {
		struct tcp_shard *sh = &s->shards[i];

		sh->scan = s;
		sh->index = i;
		sh->cpu = n > 1 ? cpus[i] : -1;
		scan_timing_share(&s->run->timing, n, s->syn ? 0 : CONNECT_MAX_WINDOW, &sh->timing);
		sh->expired = calloc(s->host_count, sizeof(*sh->expired));
		if (!sh->expired)
			return -ENOMEM;
		rc = open_engine(sh);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void start_worker(struct tcp_shard *sh)
{
	pthread_attr_t attr;
	cpu_set_t set;

	if (pthread_attr_init(&attr) != 0)
		return;
	/* Pinned, so the kernel work of its probes stays on its CPU. */
	if (sh->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(sh->cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	sh->threaded = pthread_create(&sh->thread, &attr, worker_main, sh) == 0;
	pthread_attr_destroy(&attr);
}

/* Runs the workers; the main thread draws the progress line meanwhile (it
 * alone writes to the terminal) and does itself any share a thread could
 * not be started for. */
static int run_shards(struct tcp_scan *s)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < s->shard_count && s->shard_count > 1; i++)
		start_worker(&s->shards[i]);
	for (i = 0; i < s->shard_count; i++)
		if (!s->shards[i].threaded)
			worker_main(&s->shards[i]);
	while (atomic_load(&s->finished) < s->shard_count) {
		poll(NULL, 0, PROGRESS_SLICE_MS);
		progress(s);
	}
	for (i = 0; i < s->shard_count; i++) {
		if (s->shards[i].threaded)
			pthread_join(s->shards[i].thread, NULL);
		if (rc == 0 && s->shards[i].rc < 0)
			rc = s->shards[i].rc;
	}
	return rc;
}

/* The workers' findings back into the run and the hosts. */
static void gather_shards(struct tcp_scan *s)
{
	struct scan_timing parts[MAX_WORKERS];
	size_t h;
	unsigned i;

	for (i = 0; i < s->shard_count; i++) {
		parts[i] = s->shards[i].timing;
		for (h = 0; h < s->host_count; h++)
			if (s->shards[i].expired[h])
				s->hosts[h]->timed_out = true;
	}
	s->run->timing.probes_sent = s->sent_before;
	scan_timing_gather(&s->run->timing, parts, s->shard_count);
}

static void free_shards(struct tcp_scan *s)
{
	unsigned i;

	for (i = 0; i < s->shard_count; i++) {
		probe_engine_close(s->shards[i].engine);
		free(s->shards[i].expired);
	}
	free(s->shards);
}

int scan_tcp_hosts(struct scan_run *run, struct scan_host **hosts, size_t host_count, bool syn)
{
	struct tcp_scan s = { .run = run, .hosts = hosts, .host_count = host_count, .syn = syn,
			      .sent_before = run->timing.probes_sent };
	size_t i;
	int rc;

	for (i = 0; i < host_count; i++) {
		s.total += hosts[i]->tcp_count;
		if (hosts[i]->tcp_count > s.max_tcp)
			s.max_tcp = hosts[i]->tcp_count;
	}
	if (s.total == 0)
		return 0;
	rc = make_shards(&s);
	if (rc == 0) {
		rc = run_shards(&s);
		gather_shards(&s);
	}
	free_shards(&s);
	scan_progress_clear(run);
	return rc;
}
