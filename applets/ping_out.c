/* ping's output: the lines iputils prints (same words, same number formats)
 * and, with --json, one object per reply or error and a summary object. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>

#include "ping_impl.h"
#include "sonde/err.h"
#include "sonde/pkt.h"

void ping_timestamp_prefix(struct ping_run *run)
{
	struct timeval now;

	if (!run->cfg->timestamps || out_is_json(run->out))
		return;
	gettimeofday(&now, NULL);
	out_text(run->out, "[%lu.%06lu] ", (unsigned long)now.tv_sec, (unsigned long)now.tv_usec);
}

void ping_print_header(struct ping_run *run, const struct sonde_addr *source, const char *device)
{
	struct sonde_out *out = run->out;
	char source_text[ADDR_STRLEN] = "";
	int data = run->cfg->size;

	if (out_is_json(out))
		return;
	if (source)
		addr_ntop(source, source_text, sizeof(source_text));
	/* iputils writes "host (addr)" for IPv4 and "host(addr)" for IPv6. */
	out_text(out, "PING %s%s(%s) ", run->host, run->family == AF_INET6 ? "" : " ", run->target_text);
	if (source)
		out_text(out, "from %s %s: ", source_text, device ? device : "");
	if (run->tcp)
		out_text(out, "port %u/tcp: TCP handshakes.\n", addr_port(&run->target));
	else if (run->family == AF_INET6)
		out_text(out, "%d data bytes\n", data);
	else
		out_text(out, "%d(%d) bytes of data.\n", data, data + PKT_ICMP_HDR_LEN + PKT_IPV4_HDR_LEN);
	fflush(out->fp);
}

/* iputils' precision: 3 decimals below 1 ms, 2 below 10, 1 below 100, none above. */
static void format_rtt(long us, char *buf, size_t size)
{
	if (us >= 100000 - 50)
		snprintf(buf, size, "%ld", (us + 500) / 1000);
	else if (us >= 10000 - 5)
		snprintf(buf, size, "%ld.%01ld", (us + 50) / 1000, ((us + 50) % 1000) / 100);
	else if (us >= 1000)
		snprintf(buf, size, "%ld.%02ld", (us + 5) / 1000, ((us + 5) % 1000) / 10);
	else
		snprintf(buf, size, "%ld.%03ld", us / 1000, us % 1000);
}

static void json_event_start(struct ping_run *run, const char *type, const struct ping_event *ev)
{
	struct sonde_out *out = run->out;

	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, type);
	out_print_uint(out, "seq", NULL, ev->seq);
	out_print_str(out, "from", NULL, ev->from_addr);
}

static void print_tcp_reply(struct ping_run *run, const struct ping_event *ev, const char *rtt_text)
{
	struct sonde_out *out = run->out;
	bool refused = ev->result->outcome == PROBE_REFUSED;

	if (out_is_json(out)) {
		json_event_start(run, refused ? "refused" : "reply", ev);
		out_print_uint(out, "port", NULL, addr_port(&run->target));
		out_print_double(out, "rtt_ms", NULL, (double)ev->result->rtt_ns / 1e6);
		out_close_object(out);
		return;
	}
	ping_timestamp_prefix(run);
	if (refused)
		out_text(out, "refused by %s port %u: seq=%u time=%s ms (host reachable, port closed)\n",
			 ev->from_text, addr_port(&run->target), ev->seq, rtt_text);
	else
		out_text(out, "connected to %s port %u: seq=%u time=%s ms\n", ev->from_text, addr_port(&run->target),
			 ev->seq, rtt_text);
}

void ping_print_reply(struct ping_run *run, const struct ping_event *ev)
{
	const struct probe_result *r = ev->result;
	struct sonde_out *out = run->out;
	bool truncated = !run->tcp && r->reply_len < (size_t)run->cfg->size + PKT_ICMP_HDR_LEN;
	char rtt_text[32];

	format_rtt(ev->rtt_us, rtt_text, sizeof(rtt_text));
	if (run->cfg->quiet && !out_is_json(out))
		return;
	if (run->tcp) {
		print_tcp_reply(run, ev, rtt_text);
		return;
	}
	if (out_is_json(out)) {
		json_event_start(run, "reply", ev);
		out_print_uint(out, "bytes", NULL, r->reply_len);
		if (r->ttl >= 0)
			out_print_int(out, "ttl", NULL, r->ttl);
		if (run->timing)
			out_print_double(out, "rtt_ms", NULL, (double)r->rtt_ns / 1e6);
		out_print_bool(out, "duplicate", NULL, r->duplicate);
		out_print_bool(out, "truncated", NULL, truncated);
		out_close_object(out);
		return;
	}
	ping_timestamp_prefix(run);
	out_text(out, "%zu bytes from %s: icmp_seq=%u", r->reply_len, ev->from_text, ev->seq);
	if (r->ttl >= 0)
		out_text(out, " ttl=%d", r->ttl);
	if (truncated) {
		out_text(out, " (truncated)\n");
		return;
	}
	if (run->timing)
		out_text(out, " time=%s ms", rtt_text);
	out_text(out, "%s\n", r->duplicate ? " (DUP!)" : "");
}

static const char *icmp4_unreach_text(int code)
{
	static const char *const texts[] = {
		"Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
		"Destination Port Unreachable", NULL, "Source Route Failed", "Destination Net Unknown",
		"Destination Host Unknown", "Source Host Isolated", "Destination Net Prohibited",
		"Destination Host Prohibited", "Destination Net Unreachable for Type of Service",
		"Destination Host Unreachable for Type of Service", "Packet filtered", "Precedence Violation",
		"Precedence Cutoff",
	};

	return code >= 0 && code < (int)(sizeof(texts) / sizeof(texts[0])) ? texts[code] : NULL;
}

static void describe_icmp4(const struct probe_result *r, char *buf, size_t size)
{
	const char *text;

	switch (r->icmp_type) {
	case PKT_ICMP_UNREACH:
		if (r->icmp_code == 4) {
			snprintf(buf, size, "Frag needed and DF set (mtu = %u)", r->mtu);
			return;
		}
		text = icmp4_unreach_text(r->icmp_code);
		if (text)
			snprintf(buf, size, "%s", text);
		else
			snprintf(buf, size, "Dest Unreachable, Bad Code: %d", r->icmp_code);
		return;
	case PKT_ICMP_SOURCE_QUENCH:
		snprintf(buf, size, "Source Quench");
		return;
	case PKT_ICMP_REDIRECT:
		snprintf(buf, size, "Redirect, Bad Code: %d", r->icmp_code);
		return;
	case PKT_ICMP_TIME_EXCEEDED:
		if (r->icmp_code == 0)
			snprintf(buf, size, "Time to live exceeded");
		else if (r->icmp_code == 1)
			snprintf(buf, size, "Frag reassembly time exceeded");
		else
			snprintf(buf, size, "Time exceeded, Bad Code: %d", r->icmp_code);
		return;
	case PKT_ICMP_PARAM_PROBLEM:
		snprintf(buf, size, "Parameter problem");
		return;
	}
	snprintf(buf, size, "Bad ICMP type: %d", r->icmp_type);
}

static void describe_icmp6(const struct probe_result *r, char *buf, size_t size)
{
	static const char *const unreach[] = { "No route", "Administratively prohibited",
					       "Beyond scope of source address", "Address unreachable",
					       "Port unreachable" };

	switch (r->icmp_type) {
	case PKT_ICMP6_UNREACH:
		if (r->icmp_code < sizeof(unreach) / sizeof(unreach[0]))
			snprintf(buf, size, "Destination unreachable: %s", unreach[r->icmp_code]);
		else
			snprintf(buf, size, "Destination unreachable: Unknown code %d", r->icmp_code);
		return;
	case PKT_ICMP6_PACKET_TOO_BIG:
		snprintf(buf, size, "Packet too big: mtu=%u", r->mtu);
		return;
	case PKT_ICMP6_TIME_EXCEEDED:
		if (r->icmp_code == 0)
			snprintf(buf, size, "Time exceeded: Hop limit");
		else if (r->icmp_code == 1)
			snprintf(buf, size, "Time exceeded: Defragmentation failure");
		else
			snprintf(buf, size, "Time exceeded: code %d", r->icmp_code);
		return;
	case PKT_ICMP6_PARAM_PROBLEM:
		snprintf(buf, size, "Parameter problem: code %d", r->icmp_code);
		return;
	}
	snprintf(buf, size, "Unknown icmp type: %d", r->icmp_type);
}

void ping_describe_icmp(int family, const struct probe_result *r, char *buf, size_t size)
{
	if (family == AF_INET6)
		describe_icmp6(r, buf, size);
	else
		describe_icmp4(r, buf, size);
}

static void describe_local(const struct probe_result *r, char *buf, size_t size)
{
	if (r->error == -EMSGSIZE)
		snprintf(buf, size, "local error: message too long, mtu=%u", r->mtu);
	else
		snprintf(buf, size, "local error: %s", strerror(-r->error));
}

void ping_print_error(struct ping_run *run, const struct ping_event *ev)
{
	const struct probe_result *r = ev->result;
	struct sonde_out *out = run->out;
	char text[128];

	if (r->outcome == PROBE_LOCAL_ERROR)
		describe_local(r, text, sizeof(text));
	else
		ping_describe_icmp(run->family, r, text, sizeof(text));
	if (out_is_json(out)) {
		json_event_start(run, "error", ev);
		if (r->outcome == PROBE_ICMP_ERROR) {
			out_print_uint(out, "icmp_type", NULL, r->icmp_type);
			out_print_uint(out, "icmp_code", NULL, r->icmp_code);
		}
		out_print_str(out, "error", NULL, text);
		out_close_object(out);
		return;
	}
	if (run->cfg->quiet)
		return;
	if (r->outcome == PROBE_LOCAL_ERROR) {
		fflush(out->fp);
		sonde_err("%s", text);
		return;
	}
	ping_timestamp_prefix(run);
	out_text(out, "From %s %s=%u %s\n", ev->from_text, run->tcp ? "seq" : "icmp_seq", ev->seq, text);
}

void ping_print_outstanding(struct ping_run *run, uint16_t seq)
{
	if (out_is_json(run->out)) {
		out_open_object(run->out, NULL);
		out_print_str(run->out, "type", NULL, "no_answer_yet");
		out_print_uint(run->out, "seq", NULL, seq);
		out_close_object(run->out);
		return;
	}
	ping_timestamp_prefix(run);
	out_text(run->out, "no answer yet for icmp_seq=%u\n", seq);
	fflush(run->out->fp);
}

/* Newton's integer square root, as iputils takes it for mdev. */
static long isqrt(long long a)
{
	long long prev = LLONG_MAX, x = a;

	if (x > 0)
		while (x < prev) {
			prev = x;
			x = (x + a / x) / 2;
		}
	return (long)x;
}

struct rtt_summary {
	long min_us, avg_us, max_us, mdev_us;
};

static void rtt_summary(const struct ping_stats *st, struct rtt_summary *s)
{
	long total = st->received + st->duplicates + st->refused;
	long long var;

	s->min_us = st->rtt_min_us;
	s->max_us = st->rtt_max_us;
	s->avg_us = (long)(st->rtt_sum_us / total);
	/* This order keeps small round trips from rounding to nothing. */
	if (st->rtt_sum_us < INT_MAX)
		var = (st->rtt_sum2_us - (st->rtt_sum_us * st->rtt_sum_us) / total) / total;
	else
		var = st->rtt_sum2_us / total - (long long)s->avg_us * s->avg_us;
	s->mdev_us = isqrt(var);
}

static double loss_percent(const struct ping_stats *st)
{
	return (float)(((long long)(st->transmitted - st->received)) * 100.0 / st->transmitted);
}

static long elapsed_ms(const struct ping_stats *st)
{
	return (long)((st->last_send_ns - st->first_send_ns + 500000) / 1000000);
}

/* iputils' "ipg/ewma" without an interval: the mean gap between sends and
 * the moving average of the round trip. */
static void print_ipg_ewma(struct ping_run *run, const char *comma)
{
	const struct ping_stats *st = &run->stats;
	long ipg_us = (long)((st->last_send_ns - st->first_send_ns) / 1000 / (st->transmitted - 1));

	out_text(run->out, "%sipg/ewma %ld.%03ld/%ld.%03ld ms", comma, ipg_us / 1000, ipg_us % 1000,
		 st->rtt_ewma_us8 / 8000, (st->rtt_ewma_us8 / 8) % 1000);
}

static void summary_json(struct ping_run *run, bool have_rtt, const struct rtt_summary *s)
{
	struct sonde_out *out = run->out;
	const struct ping_stats *st = &run->stats;

	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "summary");
	out_print_str(out, "host", NULL, run->host);
	out_print_str(out, "address", NULL, run->target_text);
	out_print_str(out, "method", NULL, run->tcp ? "tcp" : "icmp");
	out_print_str(out, "socket", NULL, probe_sock_kind_name(probe_engine_kind(run->engine)));
	out_print_int(out, "transmitted", NULL, st->transmitted);
	out_print_int(out, "received", NULL, st->received);
	out_print_int(out, "duplicates", NULL, st->duplicates);
	out_print_int(out, "errors", NULL, st->errors);
	if (run->tcp)
		out_print_int(out, "refused", NULL, st->refused);
	out_print_double(out, "loss_pct", NULL, st->transmitted ? loss_percent(st) : 0);
	out_print_int(out, "time_ms", NULL, elapsed_ms(st));
	if (have_rtt) {
		out_print_double(out, "rtt_min_ms", NULL, s->min_us / 1000.0);
		out_print_double(out, "rtt_avg_ms", NULL, s->avg_us / 1000.0);
		out_print_double(out, "rtt_max_ms", NULL, s->max_us / 1000.0);
		out_print_double(out, "rtt_mdev_ms", NULL, s->mdev_us / 1000.0);
	}
	out_close_object(out);
}

int ping_print_summary(struct ping_run *run)
{
	const struct ping_stats *st = &run->stats;
	struct sonde_out *out = run->out;
	bool have_rtt = (st->received || st->refused) && run->timing;
	const char *comma = "";
	struct rtt_summary s = { 0 };

	if (have_rtt)
		rtt_summary(st, &s);
	if (out_is_json(out)) {
		summary_json(run, have_rtt, &s);
	} else {
		out_text(out, "\n--- %s ping statistics ---\n", run->host);
		out_text(out, "%ld packets transmitted, %ld received", st->transmitted, st->received);
		if (st->duplicates)
			out_text(out, ", +%ld duplicates", st->duplicates);
		if (st->refused)
			out_text(out, ", +%ld refused", st->refused);
		if (st->errors)
			out_text(out, ", +%ld errors", st->errors);
		if (st->transmitted)
			out_text(out, ", %g%% packet loss, time %ldms", loss_percent(st), elapsed_ms(st));
		out_text(out, "\n");
		if (have_rtt) {
			out_text(out, "rtt min/avg/max/mdev = %ld.%03ld/%ld.%03ld/%ld.%03ld/%ld.%03ld ms", s.min_us / 1000,
				 s.min_us % 1000, s.avg_us / 1000, s.avg_us % 1000, s.max_us / 1000, s.max_us % 1000,
				 s.mdev_us / 1000, s.mdev_us % 1000);
			comma = ", ";
		}
		if (st->pipe > 1) {
			out_text(out, "%spipe %d", comma, st->pipe);
			comma = ", ";
		}
		if (ping_no_interval(run->cfg) && st->received && st->transmitted > 1)
			print_ipg_ewma(run, comma);
		out_text(out, "\n");
	}
	if (run->tcp && !st->received && st->refused)
		sonde_err("%s is reachable, but port %u is closed (connection refused)", run->host,
			  addr_port(&run->target));
	if (!st->received)
		return 1;
	return run->cfg->deadline_secs > 0 && run->cfg->count && st->received < run->cfg->count ? 1 : 0;
}
