/* A whole ruleset's set elements and rules, fetched on one netlink socket
 * per usable CPU.  Elements come one set per request, and the kernel finds
 * the set by walking its table's set list by name, then again by address
 * at each dump callback: with thousands of sets (kube-proxy's numgen maps
 * are anonymous sets, one per service) those walks are most of a listing's
 * cost.  Rules come one chain per request (see nft_impl.h), tens of
 * thousands of small exchanges.  Both run in the kernel under RCU, without
 * a lock other requests wait on, so threads taking the next set or chain
 * from a shared counter run them side by side.  Elements go straight into
 * their set; rules are kept as they came, for the dump's thread to parse
 * and hand over in the chains' order. */
#include <errno.h>
#include <linux/netfilter/nf_tables.h>
#include <netlink/socket.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"

#define FETCH_MAX_WORKERS 8
/* A worker's socket and thread cost about what a few dozen small requests
 * do: below this many requests per worker, fewer workers. */
#define FETCH_REQUESTS_PER_WORKER 64

/* Helpers' links take no callbacks: only elements and raw rules come on
 * them. */
static const struct nft_dump_ops no_callbacks;

struct fetch_work {
	struct nft_set *sets;
	size_t set_count;
	bool anonymous_only;     /* named sets' elements are not wanted */
	atomic_size_t next;      /* the next set nobody has taken */
	atomic_bool stop;        /* a worker failed or saw the ruleset change */
};

struct fetch_worker {
	struct nft_link *link;   /* the dump's own, or own_link */
	struct nft_link own_link; /* a helper's socket and receive buffer */
	struct fetch_work *work;
	pthread_t thread;
	bool started;
	int rc;                  /* 0, NFT_RETRY or -errno */
};

static int fetch_one(struct nft_link *link, struct fetch_work *work, size_t i)
{
	int rc;

	if (work->anonymous_only && !(work->sets[i].flags & NFT_SET_ANONYMOUS))
		return 0;
	rc = nft_link_set_elems(link, &work->sets[i]);
	/* A set deleted since the set dump: the generation moved. */
	if (rc == -ENOENT || (rc == 0 && link->interrupted))
		return NFT_RETRY;
	return rc;
}

static void worker_run(struct fetch_worker *w)
{
	struct fetch_work *work = w->work;

	while (!atomic_load(&work->stop)) {
		size_t i = atomic_fetch_add(&work->next, 1);

		if (i >= work->set_count)
			return;
		if ((w->rc = fetch_one(w->link, work, i)) != 0) {
			atomic_store(&work->stop, true);
			return;
		}
	}
}

static void *worker_thread(void *arg)
{
	worker_run(arg);
	return NULL;
}

static size_t usable_cpus(void)
{
	cpu_set_t cpus;

	if (sched_getaffinity(0, sizeof(cpus), &cpus) < 0)
		return 1;
	return CPU_COUNT(&cpus) > 0 ? (size_t)CPU_COUNT(&cpus) : 1;
}

static size_t worker_count(size_t requests)
{
	size_t workers = usable_cpus(), by_size = requests / FETCH_REQUESTS_PER_WORKER;

	if (workers > FETCH_MAX_WORKERS)
		workers = FETCH_MAX_WORKERS;
	if (workers > by_size)
		workers = by_size;
	return workers ? workers : 1;
}

/* The calling thread is the first worker, on l's socket; the others get
 * sockets of their own.  A helper that cannot be started leaves its share
 * to the rest. */
static int run_workers(struct nft_link *l, struct fetch_work *work, size_t helper_count)
{
	struct fetch_worker helpers[FETCH_MAX_WORKERS - 1];
	struct fetch_worker self = { .link = l, .work = work };
	size_t i;
	int rc;

	memset(helpers, 0, sizeof(helpers));
	for (i = 0; i < helper_count; i++) {
		struct fetch_worker *h = &helpers[i];

		h->work = work;
		h->link = &h->own_link;
		h->own_link.ops = &no_callbacks;
		if (nft_link_open(&h->own_link) < 0)
			break;
		h->started = pthread_create(&h->thread, NULL, worker_thread, h) == 0;
		if (!h->started)
			break;
	}
	worker_run(&self);
	rc = self.rc;
	for (i = 0; i < helper_count; i++) {
		if (helpers[i].started)
			pthread_join(helpers[i].thread, NULL);
		nft_link_close(&helpers[i].own_link);
		/* A real failure outranks a retry. */
		if (helpers[i].rc < 0 || (rc == 0 && helpers[i].rc != 0))
			rc = helpers[i].rc;
	}
	return rc;
}

int nft_fetch_sets(struct nft_link *l, bool anonymous_only)
{
	struct fetch_work work = { .sets = l->sets, .set_count = l->set_count, .anonymous_only = anonymous_only };

	if (!work.set_count)
		return 0;
	atomic_init(&work.next, 0);
	atomic_init(&work.stop, false);
	return run_workers(l, &work, worker_count(work.set_count) - 1);
}

/* --- rules, fetched ahead of the thread that parses them ----------------------- */

/* How many chains the fetchers may run ahead of the parser: enough to keep
 * them busy, few enough that the raw rules waiting take little memory. */
#define RULES_AHEAD 256

struct rule_pipe {
	struct chain_ref *chains;
	size_t chain_count;
	pthread_mutex_t lock;
	pthread_cond_t changed;  /* a chain fetched, or one handed over */
	size_t next;             /* the next chain nobody fetches yet */
	size_t handed_over;      /* chains the parser is done with */
	bool stop;
	int rc;                  /* the first failure: NFT_RETRY or -errno */
};

struct rule_fetcher {
	struct rule_pipe *pipe;
	struct nft_link link;
	pthread_t thread;
	bool started;
};

static void pipe_fail(struct rule_pipe *p, int rc)
{
	if (p->rc == 0 || (rc < 0 && p->rc == NFT_RETRY))
		p->rc = rc;
	p->stop = true;
}

static void *rule_fetcher_thread(void *arg)
{
	struct rule_fetcher *f = arg;
	struct rule_pipe *p = f->pipe;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		size_t i;
		int rc;

		while (!p->stop && p->next < p->chain_count && p->next >= p->handed_over + RULES_AHEAD)
			pthread_cond_wait(&p->changed, &p->lock);
		if (p->stop || p->next >= p->chain_count)
			break;
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		f->link.collect = &p->chains[i];
		rc = nft_link_chain_rules(&f->link, &p->chains[i]);
		f->link.collect = NULL;
		/* A chain deleted since the chain dump: the generation moved. */
		if (rc == -ENOENT || (rc == 0 && f->link.interrupted))
			rc = NFT_RETRY;
		pthread_mutex_lock(&p->lock);
		if (rc != 0)
			pipe_fail(p, rc);
		else
			p->chains[i].fetched = true;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The parser's side: chain i once it is fetched (false when the pipe
 * stopped first), and handing it back. */
static bool wait_fetched(struct rule_pipe *p, size_t i)
{
	bool fetched;

	pthread_mutex_lock(&p->lock);
	while (!p->chains[i].fetched && !p->stop)
		pthread_cond_wait(&p->changed, &p->lock);
	fetched = p->chains[i].fetched;
	pthread_mutex_unlock(&p->lock);
	return fetched;
}

/* count chains are done with; stop: the fetchers are to stop too. */
static void handed_over(struct rule_pipe *p, size_t count, bool stop)
{
	pthread_mutex_lock(&p->lock);
	p->handed_over = count;
	p->stop |= stop;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

static int start_fetchers(struct rule_pipe *p, struct rule_fetcher *fetchers, size_t count)
{
	size_t i, started = 0;

	for (i = 0; i < count; i++) {
		fetchers[i].pipe = p;
		fetchers[i].link.ops = &no_callbacks;
		if (nft_link_open(&fetchers[i].link) < 0)
			continue;
		fetchers[i].started = pthread_create(&fetchers[i].thread, NULL, rule_fetcher_thread, &fetchers[i]) == 0;
		started += fetchers[i].started;
	}
	return started ? 0 : -EAGAIN;
}

int nft_fetch_rules(struct nft_link *l, int (*deliver)(struct nft_link *l, struct chain_ref *ref), bool *fetched)
{
	struct rule_pipe p = { .chains = l->chains, .chain_count = l->chain_count };
	struct rule_fetcher fetchers[FETCH_MAX_WORKERS];
	size_t count = worker_count(l->chain_count), i;
	int rc = 0;

	/* On one CPU, rules are better parsed as they come than passed on. */
	*fetched = count > 1;
	if (!*fetched)
		return 0;
	memset(fetchers, 0, sizeof(fetchers));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	if (start_fetchers(&p, fetchers, count) < 0) {
		*fetched = false;
	} else {
		for (i = 0; i < p.chain_count && rc == 0 && wait_fetched(&p, i); i++) {
			rc = deliver(l, &p.chains[i]);
			handed_over(&p, i + 1, false);
		}
		handed_over(&p, i, true);
	}
	for (i = 0; i < count; i++) {
		if (fetchers[i].started)
			pthread_join(fetchers[i].thread, NULL);
		nft_link_close(&fetchers[i].link);
	}
	/* Short of the last chain without a failure here: a fetcher's (read
	 * once they are all joined). */
	if (rc == 0 && *fetched)
		rc = p.rc;
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	return rc;
}
