/* The one poll loop: every target's attempt advances on the same poll(),
 * a failed attempt pauses its target (50 ms, doubling up to --interval,
 * less a random quarter so that many waiters do not knock in step), and the
 * loop ends when all targets (or any, with --any) are ready or the timeout
 * passes. */
#include <ares.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "wait_impl.h"

/* Room for every target's descriptors: a lookup's c-ares sockets at most. */
#define WAIT_MAX_POLLFDS (WAIT_MAX_TARGETS * ARES_GETSOCK_MAXNUM)
/* How often the progress line is redrawn. */
#define PROGRESS_EVERY_MS 250

struct wait_run {
	const struct wait_config *cfg;
	struct sonde_out *out;
	struct wait_target *targets;
	size_t count;
	int64_t start_ms, deadline_ms;
};

static bool satisfied(const struct wait_run *run)
{
	size_t i, ready = 0;

	for (i = 0; i < run->count; i++)
		ready += run->targets[i].ready;
	return run->cfg->any ? ready > 0 : ready == run->count;
}

/* A pause between 3/4 and all of pause_ms. */
static int64_t jittered(int64_t pause_ms)
{
	return pause_ms - (int64_t)(random() % (pause_ms / 4 + 1));
}

static void record(struct wait_run *run, struct wait_target *t, const struct wait_verdict *v, int64_t now_ms)
{
	t->attempts++;
	wait_out_attempt(run->out, t, v, now_ms - run->start_ms);
	wait_attempt_free(&t->at);
	memcpy(t->reason, v->reason, sizeof(t->reason));
	if (v->ready) {
		t->ready = true;
		return;
	}
	t->next_attempt_ms = now_ms + jittered(t->pause_ms);
	t->pause_ms = t->pause_ms * 2 > run->cfg->interval_ms ? run->cfg->interval_ms : t->pause_ms * 2;
}

static void start_due(struct wait_run *run, int64_t now_ms)
{
	size_t i;

	for (i = 0; i < run->count; i++) {
		struct wait_target *t = &run->targets[i];

		if (!t->ready && t->at.phase == PHASE_IDLE && t->next_attempt_ms <= now_ms)
			wait_attempt_start(run->cfg, t, now_ms, run->deadline_ms);
	}
}

/* Steps every attempt once with what poll() said (first: the index of each
 * target's first descriptor, n its count). */
static void step_all(struct wait_run *run, const struct pollfd *fds, const size_t *first, const size_t *n)
{
	int64_t now_ms = mono_ms();
	size_t i;

	for (i = 0; i < run->count; i++) {
		struct wait_target *t = &run->targets[i];
		struct wait_verdict v;

		if (t->ready || t->at.phase == PHASE_IDLE)
			continue;
		if (wait_attempt_step(run->cfg, t, fds + first[i], n[i], now_ms, &v) == 1) {
			record(run, t, &v, now_ms);
		} else if (now_ms >= t->at.deadline_ms && !(run->deadline_ms && now_ms >= run->deadline_ms)) {
			/* (an attempt the overall timeout cuts is end_all's) */
			wait_attempt_timeout(t, &v);
			record(run, t, &v, now_ms);
		}
	}
}

/* The attempts still running when the loop ends.  On timeout, a target's
 * first attempt tells why (a filtered port's only attempt is the one that
 * says "no answer"); a later one cut short by the timeout says less than
 * the finished one before it, which stays the target's reason.  With
 * --any, the rest are dropped. */
static void end_all(struct wait_run *run, bool timed_out)
{
	int64_t now_ms = mono_ms();
	size_t i;

	for (i = 0; i < run->count; i++) {
		struct wait_target *t = &run->targets[i];
		struct wait_verdict v;

		if (t->at.phase == PHASE_IDLE)
			continue;
		if (timed_out && t->attempts == 0) {
			wait_attempt_timeout(t, &v);
			record(run, t, &v, now_ms);
		} else {
			wait_attempt_free(&t->at);
		}
	}
}

/* One turn: descriptors, poll(), steps.  *wait_ms bounds the sleep. */
static void turn(struct wait_run *run, int64_t now_ms, bool progress)
{
	struct pollfd fds[WAIT_MAX_POLLFDS];
	size_t first[WAIT_MAX_TARGETS], n[WAIT_MAX_TARGETS], used = 0, i;
	int wait_ms = progress ? PROGRESS_EVERY_MS : -1;

	for (i = 0; i < run->count; i++) {
		struct wait_target *t = &run->targets[i];

		first[i] = used;
		n[i] = t->ready ? 0 : wait_attempt_pollfds(t, fds + used, WAIT_MAX_POLLFDS - used, now_ms, &wait_ms);
		used += n[i];
		if (!t->ready && t->at.phase == PHASE_IDLE) {
			int until_ms = t->next_attempt_ms > now_ms ? (int)(t->next_attempt_ms - now_ms) : 0;

			if (wait_ms < 0 || until_ms < wait_ms)
				wait_ms = until_ms;
		}
	}
	if (run->deadline_ms) {
		int left_ms = deadline_poll_ms(run->deadline_ms);

		if (wait_ms < 0 || left_ms < wait_ms)
			wait_ms = left_ms;
	}
	poll(fds, (nfds_t)used, wait_ms);
	step_all(run, fds, first, n);
}

bool wait_run(const struct wait_config *cfg, struct sonde_out *out, struct wait_target *targets, size_t count,
	      bool progress)
{
	struct wait_run run = { cfg, out, targets, count, mono_ms(), 0 };
	bool ready = false;
	size_t i;

	srandom((unsigned)(mono_ns() ^ getpid()));
	run.deadline_ms = cfg->timeout_ms ? run.start_ms + cfg->timeout_ms : 0;
	for (i = 0; i < count; i++) {
		targets[i].next_attempt_ms = run.start_ms;
		targets[i].pause_ms = WAIT_FIRST_PAUSE_MS < cfg->interval_ms ? WAIT_FIRST_PAUSE_MS : cfg->interval_ms;
	}
	for (;;) {
		int64_t now_ms = mono_ms();

		if ((ready = satisfied(&run)))
			break;
		if (run.deadline_ms && now_ms >= run.deadline_ms)
			break;
		start_due(&run, now_ms);
		if (progress)
			wait_progress(targets, count, now_ms - run.start_ms);
		turn(&run, now_ms, progress);
	}
	end_all(&run, !ready);
	if (progress)
		wait_progress_clear();
	return ready;
}
