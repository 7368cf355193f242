/* Timing and congestion control.  The -T templates set the same limits
 * nmap documents for them (initial, minimum and maximum probe timeouts,
 * retry cap); within them the scan adapts:
 *
 *   - the probe timeout follows the measured round trip as TCP's
 *     retransmission timer does (RFC 6298: srtt + 4 * rttvar), clamped;
 *   - the number of probes in flight is a congestion window: it grows by one
 *     per answer in slow start, by 1/window per answer after, and halves when
 *     a probe is answered only on a retry (the first try was dropped), at
 *     most once per round trip;
 *   - the number of retries in use starts at one and rises to the cap only
 *     when retries turn out to be what gets answers (a lossy path), so a
 *     firewall's silence costs two probes, not eleven. */
#include "scan_impl.h"
#include "sonde/clock.h"

struct template_limits {
	int initial_timeout_ms, min_timeout_ms, max_timeout_ms, max_retries;
	unsigned initial_window, max_window;
	int64_t scan_delay_ms;
};

/* -T0 paranoid .. -T5 insane. */
static const struct template_limits templates[6] = {
	{ 300000, 100, 300000, 10, 1, 1, 300000 },
	{ 15000, 100, 15000, 10, 1, 1, 15000 },
	{ 1000, 100, 10000, 10, 1, 1, 400 },
	{ 1000, 100, 10000, 10, 64, 4096, 0 },
	{ 500, 100, 1250, 6, 128, 8192, 0 },
	{ 250, 50, 300, 2, 256, 16384, 0 },
};

/* Linux holds an ICMPv6 error to a connecting IPv6 socket until the SYN's
 * first retransmission, one second after the SYN: a connect probe waits
 * that long before calling a port filtered. */
#define CONNECT_V6_MIN_TIMEOUT_MS 1250

void scan_timing_init(struct scan_timing *t, const struct scan_config *cfg, unsigned window_limit)
{
	const struct template_limits *tl = &templates[cfg->timing];
	int64_t delay_ms = cfg->scan_delay_ms ? cfg->scan_delay_ms : tl->scan_delay_ms;

	*t = (struct scan_timing){ 0 };
	t->initial_timeout_ms = tl->initial_timeout_ms;
	t->min_timeout_ms = tl->min_timeout_ms;
	t->max_timeout_ms = tl->max_timeout_ms;
	if (cfg->connect && cfg->ipv6 && t->min_timeout_ms < CONNECT_V6_MIN_TIMEOUT_MS) {
		t->min_timeout_ms = CONNECT_V6_MIN_TIMEOUT_MS;
		if (t->max_timeout_ms < t->min_timeout_ms)
			t->max_timeout_ms = t->min_timeout_ms;
		if (t->initial_timeout_ms < t->min_timeout_ms)
			t->initial_timeout_ms = t->min_timeout_ms;
	}
	t->max_retries = cfg->max_retries >= 0 ? cfg->max_retries : tl->max_retries;
	t->retries = t->max_retries < 1 ? t->max_retries : 1;
	t->cwnd_max = tl->max_window < window_limit ? tl->max_window : window_limit;
	t->cwnd = tl->initial_window < t->cwnd_max ? tl->initial_window : t->cwnd_max;
	t->cwnd_min = 1;
	t->ssthresh = t->cwnd_max;
	t->send_gap_us = delay_ms * 1000;
	if (cfg->max_rate > 0 && 1e6 / cfg->max_rate > (double)t->send_gap_us)
		t->send_gap_us = (int64_t)(1e6 / cfg->max_rate);
	t->min_rate = cfg->min_rate;
	if (t->min_rate > 0) {
		/* Enough in flight for the rate over the worst timeout. */
		double floor = t->min_rate * t->initial_timeout_ms / 1000.0;

		t->cwnd_min = floor > t->cwnd_max ? t->cwnd_max : (unsigned)floor + 1;
		if (t->cwnd < t->cwnd_min)
			t->cwnd = t->cwnd_min;
	}
}

int scan_timing_timeout_ms(const struct scan_timing *t)
{
	double timeout;

	if (!t->have_rtt)
		return t->initial_timeout_ms;
	timeout = t->srtt_ms + 4 * t->rttvar_ms;
	if (timeout < t->min_timeout_ms)
		return t->min_timeout_ms;
	if (timeout > t->max_timeout_ms)
		return t->max_timeout_ms;
	return (int)timeout;
}

static void sample_rtt(struct scan_timing *t, double rtt_ms)
{
	if (!t->have_rtt) {
		t->srtt_ms = rtt_ms;
		t->rttvar_ms = rtt_ms / 2;
		t->have_rtt = true;
		return;
	}
	t->rttvar_ms = 0.75 * t->rttvar_ms + 0.25 * (rtt_ms > t->srtt_ms ? rtt_ms - t->srtt_ms : t->srtt_ms - rtt_ms);
	t->srtt_ms = 0.875 * t->srtt_ms + 0.125 * rtt_ms;
}

static void on_drop(struct scan_timing *t, int attempts)
{
	int64_t now = mono_ns();
	double rtt_ns = (t->have_rtt ? t->srtt_ms : t->initial_timeout_ms) * 1e6;

	t->drops++;
	/* Answered on the last retry allowed: more might have been needed. */
	if (attempts - 1 >= t->retries && t->retries < t->max_retries)
		t->retries++;
	if (t->last_drop_ns && now - t->last_drop_ns < (int64_t)rtt_ns)
		return; /* one cut per round trip, as TCP does */
	t->last_drop_ns = now;
	t->ssthresh = t->cwnd / 2;
	if (t->ssthresh < t->cwnd_min)
		t->ssthresh = t->cwnd_min;
	t->cwnd = t->ssthresh;
}

void scan_timing_answer(struct scan_timing *t, int64_t rtt_ns, int attempts)
{
	if (attempts > 1) {
		on_drop(t, attempts);
		return;
	}
	if (rtt_ns > 0)
		sample_rtt(t, rtt_ns / 1e6);
	if (t->cwnd < t->ssthresh)
		t->cwnd += 1;
	else
		t->cwnd += 1 / t->cwnd;
	if (t->cwnd > t->cwnd_max)
		t->cwnd = t->cwnd_max;
}

void scan_timing_sent(struct scan_timing *t)
{
	t->probes_sent++;
}

unsigned scan_timing_window(const struct scan_timing *t)
{
	unsigned w = (unsigned)t->cwnd;

	return w < t->cwnd_min ? t->cwnd_min : w;
}

static unsigned share_of(double whole, unsigned shares, unsigned low, unsigned high)
{
	double part = whole / shares;

	if (part < low)
		return low;
	return part > high ? high : (unsigned)part;
}

void scan_timing_share(const struct scan_timing *whole, unsigned shares, unsigned window_cap,
		       struct scan_timing *part)
{
	*part = *whole;
	part->probes_sent = part->drops = 0;
	if (shares < 1)
		shares = 1;
	/* --max-rate: each worker sends 1/shares of the rate, so the gap
	 * between its probes is shares times as long. */
	part->send_gap_us = whole->send_gap_us * shares;
	part->min_rate = whole->min_rate / shares;
	part->cwnd_max = share_of(whole->cwnd_max, shares, 1, window_cap ? window_cap : whole->cwnd_max);
	part->cwnd_min = share_of(whole->cwnd_min, shares, 1, part->cwnd_max);
	part->cwnd = share_of(whole->cwnd, shares, part->cwnd_min, part->cwnd_max);
	part->ssthresh = share_of(whole->ssthresh, shares, part->cwnd_min, part->cwnd_max);
}

void scan_timing_gather(struct scan_timing *whole, const struct scan_timing *parts, unsigned count)
{
	double srtt_sum = 0, rttvar_sum = 0, cwnd_sum = 0;
	unsigned i, with_rtt = 0;

	for (i = 0; i < count; i++) {
		const struct scan_timing *p = &parts[i];

		whole->probes_sent += p->probes_sent;
		whole->drops += p->drops;
		if (p->retries > whole->retries)
			whole->retries = p->retries;
		if (p->last_drop_ns > whole->last_drop_ns)
			whole->last_drop_ns = p->last_drop_ns;
		cwnd_sum += p->cwnd;
		if (p->have_rtt) {
			srtt_sum += p->srtt_ms;
			rttvar_sum += p->rttvar_ms;
			with_rtt++;
		}
	}
	if (with_rtt) {
		whole->srtt_ms = srtt_sum / with_rtt;
		whole->rttvar_ms = rttvar_sum / with_rtt;
		whole->have_rtt = true;
	}
	whole->cwnd = cwnd_sum > whole->cwnd_max ? whole->cwnd_max : cwnd_sum;
	if (whole->cwnd < whole->cwnd_min)
		whole->cwnd = whole->cwnd_min;
}
