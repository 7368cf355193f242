/* -J: the document iperf3 3.12 writes (start, intervals, end, and error
 * on a failure), through the output layer.  Keys and nesting are iperf3's,
 * so that scripts reading iperf3's JSON read sonde's; docs/json.md's
 * failure contract adds exit_code beside iperf3's own error. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "iperf3_impl.h"
#include "sonde/applet.h"

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

static void json_connected(struct ip3_test *t)
{
	struct sonde_out *out = t->out;
	char text[ADDR_STRLEN];
	int i;

	out_open_array(out, "connected");
	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_stream *s = &t->streams[i];

		out_open_object(out, NULL);
		out_print_int(out, "socket", NULL, s->fd);
		out_print_str(out, "local_host", NULL, addr_ntop(&s->local, text, sizeof(text)));
		out_print_uint(out, "local_port", NULL, addr_port(&s->local));
		out_print_str(out, "remote_host", NULL, addr_ntop(&s->remote, text, sizeof(text)));
		out_print_uint(out, "remote_port", NULL, addr_port(&s->remote));
		out_close_object(out);
	}
	out_close_array(out);
}

static void json_timestamp(struct ip3_test *t)
{
	time_t when_s = (time_t)t->wall_start_s;
	char when[64];
	struct tm tm;

	gmtime_r(&when_s, &tm);
	strftime(when, sizeof(when), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	out_print_str(t->out, "time", NULL, when);
	out_print_int(t->out, "timesecs", NULL, t->wall_start_s);
}

static void json_system(struct ip3_test *t)
{
	struct sonde_out *out = t->out;
	struct utsname u;
	char text[512];

	snprintf(text, sizeof(text), "sonde %s (iperf3 %s protocol)", SONDE_VERSION, IP3_VERSION);
	out_print_str(out, "version", NULL, text);
	if (uname(&u) == 0) {
		snprintf(text, sizeof(text), "%s %s %s %s %s", u.sysname, u.nodename, u.release, u.version,
			 u.machine);
		out_print_str(out, "system_info", NULL, text);
	}
}

static void json_start(struct ip3_test *t)
{
	struct sonde_out *out = t->out;
	const struct ip3_settings *s = &t->set;

	out_open_object(out, "start");
	json_connected(t);
	json_system(t);
	if (!t->cookie[0]) {
		/* as iperf3: nothing more is known before the control connection */
		out_close_object(out);
		return;
	}
	out_open_object(out, "timestamp");
	json_timestamp(t);
	out_close_object(out);
	out_open_object(out, t->role == 'c' ? "connecting_to" : "accepted_connection");
	out_print_str(out, "host", NULL, t->host_text);
	out_print_uint(out, "port", NULL, t->port);
	out_close_object(out);
	if (t->cookie[0])
		out_print_str(out, "cookie", NULL, t->cookie);
	if (!s->udp)
		out_print_int(out, s->mss ? "tcp_mss" : "tcp_mss_default", NULL, s->mss ? s->mss : t->tcp_mss_default);
	out_print_uint(out, "target_bitrate", NULL, s->rate_bps);
	out_print_int(out, "sock_bufsize", NULL, s->window);
	out_print_int(out, "sndbuf_actual", NULL, t->sndbuf_actual);
	out_print_int(out, "rcvbuf_actual", NULL, t->rcvbuf_actual);
	out_open_object(out, "test_start");
	out_print_str(out, "protocol", NULL, s->udp ? "UDP" : "TCP");
	out_print_int(out, "num_streams", NULL, s->parallel);
	out_print_int(out, "blksize", NULL, s->len);
	out_print_int(out, "omit", NULL, s->omit_s);
	out_print_int(out, "duration", NULL, (int64_t)s->duration_s);
	out_print_uint(out, "bytes", NULL, s->bytes);
	out_print_int(out, "blocks", NULL, 0);
	out_print_int(out, "reverse", NULL, s->reverse);
	out_print_int(out, "tos", NULL, 0);
	out_print_uint(out, "target_bitrate", NULL, s->rate_bps);
	out_close_object(out);
	out_close_object(out);
}

/* sonde's one key beyond iperf3's, present only when the receiving
 * socket dropped datagrams itself (iperf3 counts them lost). */
static void json_local_drops(struct sonde_out *out, int64_t drops)
{
	if (drops > 0)
		out_print_int(out, "sonde_local_drops", NULL, drops);
}

static void json_interval_stream(struct ip3_test *t, const struct ip3_stream *s, const struct ip3_interval *iv)
{
	struct sonde_out *out = t->out;
	double duration = secs(iv->end_ns - iv->start_ns);

	out_open_object(out, NULL);
	out_print_int(out, "socket", NULL, s->fd);
	out_print_double(out, "start", NULL, ip3_interval_start_s(iv));
	out_print_double(out, "end", NULL, secs(iv->end_ns));
	out_print_double(out, "seconds", NULL, duration);
	out_print_uint(out, "bytes", NULL, iv->bytes);
	out_print_double(out, "bits_per_second", NULL, duration > 0 ? (double)iv->bytes * 8 / duration : 0);
	if (t->set.udp && !s->sender) {
		out_print_double(out, "jitter_ms", NULL, iv->jitter_s * 1000.0);
		out_print_int(out, "lost_packets", NULL, iv->lost);
	}
	if (t->set.udp)
		out_print_int(out, "packets", NULL, iv->packets);
	if (t->set.udp && !s->sender)
		out_print_double(out, "lost_percent", NULL, ip3_lost_percent(iv->lost, iv->packets));
	json_local_drops(out, iv->local_drops);
	if (iv->has_tcpinfo && s->sender) {
		out_print_int(out, "retransmits", NULL, iv->retransmits);
		out_print_uint(out, "snd_cwnd", NULL, iv->snd_cwnd);
		out_print_uint(out, "snd_wnd", NULL, iv->snd_wnd);
		out_print_uint(out, "rtt", NULL, iv->rtt_us);
		out_print_uint(out, "rttvar", NULL, iv->rttvar_us);
		out_print_uint(out, "pmtu", NULL, iv->pmtu);
	}
	out_print_bool(out, "omitted", NULL, iv->omitted);
	out_print_bool(out, "sender", NULL, s->sender);
	out_close_object(out);
}

static const char *sum_key(const struct ip3_test *t, bool sender, const char *plain, const char *reverse)
{
	if (t->mode == IP3_BIDIR && ((t->role == 'c' && !sender) || (t->role != 'c' && sender)))
		return reverse;
	return plain;
}

/* One interval: each stream's figures, then their sum per direction. */
static void json_interval(struct ip3_test *t, size_t index)
{
	struct sonde_out *out = t->out;
	const struct ip3_interval *first = &t->streams[0].intervals[index];
	double duration = secs(first->end_ns - first->start_ns);
	int lower = t->mode, upper = t->mode, mode, i;

	if (t->mode == IP3_BIDIR) {
		lower = t->role == 'c' ? -1 : 0;
		upper = lower + 1;
	}
	out_open_object(out, NULL);
	out_open_array(out, "streams");
	for (mode = lower; mode <= upper; mode++)
		for (i = 0; i < t->stream_count; i++)
			if (t->streams[i].sender == (mode * mode == 1))
				json_interval_stream(t, &t->streams[i], &t->streams[i].intervals[index]);
	out_close_array(out);
	for (mode = lower; mode <= upper; mode++) {
		bool sender = mode * mode == 1;
		bool with_retr = sender && t->sender_has_retransmits == 1;
		uint64_t bytes = 0;
		int64_t retr = 0, packets = 0, lost = 0, local_drops = 0;
		double jitter_s = 0;

		for (i = 0; i < t->stream_count; i++)
			if (t->streams[i].sender == sender) {
				const struct ip3_interval *iv = &t->streams[i].intervals[index];

				bytes += iv->bytes;
				retr += iv->retransmits;
				packets += iv->packets;
				lost += iv->lost;
				local_drops += iv->local_drops;
				jitter_s += iv->jitter_s;
			}
		out_open_object(out, sum_key(t, sender, "sum", "sum_bidir_reverse"));
		out_print_double(out, "start", NULL, ip3_interval_start_s(first));
		out_print_double(out, "end", NULL, secs(first->end_ns));
		out_print_double(out, "seconds", NULL, duration);
		out_print_uint(out, "bytes", NULL, bytes);
		out_print_double(out, "bits_per_second", NULL, duration > 0 ? (double)bytes * 8 / duration : 0);
		if (with_retr)
			out_print_int(out, "retransmits", NULL, retr);
		if (t->set.udp && !sender) {
			out_print_double(out, "jitter_ms", NULL, jitter_s / t->set.parallel * 1000.0);
			out_print_int(out, "lost_packets", NULL, lost);
		}
		if (t->set.udp)
			out_print_int(out, "packets", NULL, packets);
		if (t->set.udp && !sender)
			out_print_double(out, "lost_percent", NULL, ip3_lost_percent(lost, packets));
		json_local_drops(out, local_drops);
		out_print_bool(out, "omitted", NULL, first->omitted);
		out_print_bool(out, "sender", NULL, sender);
		out_close_object(out);
	}
	out_close_object(out);
}

static void json_intervals(struct ip3_test *t)
{
	size_t count = t->stream_count ? t->streams[0].interval_count : 0, index;
	int i;

	for (i = 1; i < t->stream_count; i++)
		if (t->streams[i].interval_count < count)
			count = t->streams[i].interval_count;
	out_open_array(t->out, "intervals");
	for (index = 0; index < count; index++)
		json_interval(t, index);
	out_close_array(t->out);
}

struct summary_span {
	double sender_s, receiver_s, own_s;
};

static void json_side(struct ip3_test *t, const char *key, const struct ip3_stream *s, bool sender_side,
		      bool stream_sender, const struct summary_span *span, int has_retrans)
{
	struct sonde_out *out = t->out;
	uint64_t bytes = sender_side == s->sender ? s->bytes : s->peer_bytes;
	double end = sender_side ? span->sender_s : span->receiver_s;
	double seconds = sender_side ? span->sender_s : span->own_s;

	out_open_object(out, key);
	out_print_int(out, "socket", NULL, s->fd);
	out_print_double(out, "start", NULL, 0);
	out_print_double(out, "end", NULL, end);
	out_print_double(out, "seconds", NULL, seconds);
	out_print_uint(out, "bytes", NULL, bytes);
	out_print_double(out, "bits_per_second", NULL, end > 0 ? (double)bytes * 8 / end : 0);
	if (sender_side && has_retrans) {
		out_print_int(out, "retransmits", NULL, s->retransmits);
		out_print_uint(out, "max_snd_cwnd", NULL, s->max_snd_cwnd);
		out_print_uint(out, "max_snd_wnd", NULL, s->max_snd_wnd);
		out_print_uint(out, "max_rtt", NULL, s->max_rtt_us);
		out_print_uint(out, "min_rtt", NULL, s->min_rtt_us);
		out_print_uint(out, "mean_rtt", NULL, s->count_rtt ? s->sum_rtt_us / s->count_rtt : 0);
	}
	out_print_bool(out, "sender", NULL, stream_sender);
	out_close_object(out);
}

/* One of the end's sums: the members every test has, and UDP's between
 * the bitrate and "sender" when the test is UDP.  rate_s is the time the
 * bitrate is over, which UDP's "sum" takes from the sender. */
struct json_sum_fields {
	const char *key;
	double end_s, rate_s;
	uint64_t bytes;
	bool with_retr;
	int64_t retr;
	double jitter_s, lost_percent;
	int64_t lost, packets, local_drops;
	bool sender;
};

static void json_sum(struct ip3_test *t, const struct json_sum_fields *f)
{
	struct sonde_out *out = t->out;

	out_open_object(out, f->key);
	out_print_double(out, "start", NULL, 0);
	out_print_double(out, "end", NULL, f->end_s);
	out_print_double(out, "seconds", NULL, f->end_s);
	out_print_uint(out, "bytes", NULL, f->bytes);
	out_print_double(out, "bits_per_second", NULL, f->rate_s > 0 ? (double)f->bytes * 8 / f->rate_s : 0);
	if (f->with_retr)
		out_print_int(out, "retransmits", NULL, f->retr);
	if (t->set.udp) {
		out_print_double(out, "jitter_ms", NULL, f->jitter_s * 1000.0);
		out_print_int(out, "lost_packets", NULL, f->lost);
		out_print_int(out, "packets", NULL, f->packets);
		out_print_double(out, "lost_percent", NULL, f->lost_percent);
	}
	json_local_drops(out, f->local_drops);
	out_print_bool(out, "sender", NULL, f->sender);
	out_close_object(out);
}

static void summary_span(const struct ip3_test *t, struct summary_span *span)
{
	const struct ip3_stream *s = &t->streams[0];

	span->own_s = secs(s->end_ns);
	if (s->sender) {
		span->sender_s = span->own_s;
		span->receiver_s = s->peer_time_s != 0 ? s->peer_time_s : span->sender_s;
	} else {
		span->receiver_s = span->own_s;
		span->sender_s = s->peer_time_s != 0 ? s->peer_time_s : span->receiver_s;
	}
}

static void json_end_mode(struct ip3_test *t, bool sender, int has_retrans, const struct summary_span *span)
{
	uint64_t sent = 0, received = 0;
	int64_t retr = 0;
	int i;

	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_stream *s = &t->streams[i];

		if (s->sender != sender)
			continue;
		sent += s->sender ? s->bytes : s->peer_bytes;
		received += s->sender ? s->peer_bytes : s->bytes;
		if (has_retrans)
			retr += s->retransmits;
	}
	json_sum(t, &(struct json_sum_fields){ .key = sum_key(t, sender, "sum_sent", "sum_sent_bidir_reverse"),
					       .end_s = span->sender_s, .rate_s = span->sender_s, .bytes = sent,
					       .with_retr = has_retrans != 0, .retr = retr, .sender = sender });
	json_sum(t, &(struct json_sum_fields){ .key = sum_key(t, sender, "sum_received", "sum_received_bidir_reverse"),
					       .end_s = span->receiver_s, .rate_s = span->receiver_s,
					       .bytes = received, .sender = sender });
}

/* iperf3 gives a UDP stream one object for both sides: the sender's
 * bytes and time, the receiver's jitter and loss. */
static void json_udp_stream(struct ip3_test *t, const struct ip3_stream *s, const struct summary_span *span)
{
	struct sonde_out *out = t->out;
	uint64_t bytes = s->sender ? s->bytes : s->peer_bytes;
	int64_t sent_pk = ip3_udp_sender_packets(s);
	int64_t packets = sent_pk + s->udp_omitted.packets != 0 ? sent_pk : ip3_udp_receiver_packets(s);

	out_open_object(out, "udp");
	out_print_int(out, "socket", NULL, s->fd);
	out_print_double(out, "start", NULL, 0);
	out_print_double(out, "end", NULL, span->sender_s);
	out_print_double(out, "seconds", NULL, span->sender_s);
	out_print_uint(out, "bytes", NULL, bytes);
	out_print_double(out, "bits_per_second", NULL, span->sender_s > 0 ? (double)bytes * 8 / span->sender_s : 0);
	out_print_double(out, "jitter_ms", NULL, s->jitter_s * 1000.0);
	out_print_int(out, "lost_packets", NULL, ip3_udp_lost(s));
	out_print_int(out, "packets", NULL, packets);
	out_print_double(out, "lost_percent", NULL, ip3_lost_percent(ip3_udp_lost(s), sent_pk));
	out_print_int(out, "out_of_order", NULL, ip3_udp_out_of_order(s));
	json_local_drops(out, ip3_udp_local_drops(s));
	out_print_bool(out, "sender", NULL, s->sender);
	out_close_object(out);
}

struct udp_totals {
	uint64_t sent, received;
	int64_t packets, sender_packets, receiver_packets, lost, local_drops;
	double jitter_s;            /* averaged over the streams */
};

static void add_udp_totals(const struct ip3_test *t, bool sender, struct udp_totals *sum)
{
	int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_stream *s = &t->streams[i];
		int64_t sent_pk = ip3_udp_sender_packets(s);

		if (s->sender != sender)
			continue;
		sum->sent += s->sender ? s->bytes : s->peer_bytes;
		sum->received += s->sender ? s->peer_bytes : s->bytes;
		sum->packets += sent_pk + s->udp_omitted.packets != 0 ? sent_pk : ip3_udp_receiver_packets(s);
		sum->sender_packets += sent_pk;
		sum->receiver_packets += ip3_udp_receiver_packets(s);
		sum->lost += ip3_udp_lost(s);
		sum->local_drops += ip3_udp_local_drops(s);
		sum->jitter_s += s->jitter_s;
	}
	sum->jitter_s /= t->set.parallel;
}

/* iperf3's UDP end: "sum" (the sent bytes over the receiver's time, kept
 * by iperf3 for old readers), then sum_sent and sum_received. */
static void json_end_udp(struct ip3_test *t, bool sender, const struct summary_span *span)
{
	struct udp_totals sum;
	double lost_percent;

	add_udp_totals(t, sender, &sum);
	lost_percent = ip3_lost_percent(sum.lost, sum.packets);
	json_sum(t, &(struct json_sum_fields){ .key = sum_key(t, sender, "sum", "sum_bidir_reverse"),
					       .end_s = span->receiver_s, .rate_s = span->sender_s, .bytes = sum.sent,
					       .jitter_s = sum.jitter_s, .lost = sum.lost, .packets = sum.packets,
					       .lost_percent = lost_percent, .sender = sender });
	json_sum(t, &(struct json_sum_fields){ .key = sum_key(t, sender, "sum_sent", "sum_sent_bidir_reverse"),
					       .end_s = span->sender_s, .rate_s = span->sender_s, .bytes = sum.sent,
					       .packets = sum.sender_packets, .sender = true });
	json_sum(t, &(struct json_sum_fields){ .key = sum_key(t, sender, "sum_received", "sum_received_bidir_reverse"),
					       .end_s = span->receiver_s, .rate_s = span->receiver_s,
					       .bytes = sum.received, .jitter_s = sum.jitter_s, .lost = sum.lost,
					       .packets = sum.receiver_packets, .lost_percent = lost_percent,
					       .local_drops = sum.local_drops, .sender = false });
}

static void json_end(struct ip3_test *t)
{
	struct sonde_out *out = t->out;
	struct summary_span span;
	int lower = t->mode, upper = t->mode, mode, i;
	const char *local_cc = t->congestion_used, *remote_cc = t->remote_congestion_used;

	out_open_object(out, "end");
	if (t->stream_count == 0 || !t->done) {
		out_close_object(out);
		return;
	}
	if (t->mode == IP3_BIDIR) {
		lower = t->role == 'c' ? -1 : 0;
		upper = lower + 1;
	}
	summary_span(t, &span);
	out_open_array(out, "streams");
	for (mode = lower; mode <= upper; mode++) {
		bool sender = mode * mode == 1;
		int has_retrans = t->mode == IP3_BIDIR && !sender ? t->other_side_has_retransmits
								  : t->sender_has_retransmits;

		for (i = 0; i < t->stream_count; i++) {
			if (t->streams[i].sender != sender)
				continue;
			out_open_object(out, NULL);
			if (t->set.udp) {
				json_udp_stream(t, &t->streams[i], &span);
			} else {
				json_side(t, "sender", &t->streams[i], true, sender, &span, has_retrans);
				json_side(t, "receiver", &t->streams[i], false, sender, &span, has_retrans);
			}
			out_close_object(out);
		}
	}
	out_close_array(out);
	for (mode = lower; mode <= upper; mode++) {
		bool sender = mode * mode == 1;

		if (t->set.udp)
			json_end_udp(t, sender, &span);
		else
			json_end_mode(t, sender, t->mode == IP3_BIDIR && !sender ? t->other_side_has_retransmits
										  : t->sender_has_retransmits, &span);
	}
	out_open_object(out, "cpu_utilization_percent");
	out_print_double(out, "host_total", NULL, t->cpu_util[0]);
	out_print_double(out, "host_user", NULL, t->cpu_util[1]);
	out_print_double(out, "host_system", NULL, t->cpu_util[2]);
	out_print_double(out, "remote_total", NULL, t->remote_cpu_util[0]);
	out_print_double(out, "remote_user", NULL, t->remote_cpu_util[1]);
	out_print_double(out, "remote_system", NULL, t->remote_cpu_util[2]);
	out_close_object(out);
	if (t->mode == IP3_RECEIVER) {
		local_cc = t->remote_congestion_used;
		remote_cc = t->congestion_used;
	}
	if (local_cc[0] && !t->set.udp)
		out_print_str(out, "sender_tcp_congestion", NULL, local_cc);
	if (remote_cc[0] && !t->set.udp)
		out_print_str(out, "receiver_tcp_congestion", NULL, remote_cc);
	out_close_object(out);
}

void ip3_out_json(struct ip3_test *t, const char *error, int exit_code)
{
	struct sonde_out *out = t->out;

	out_open_object(out, NULL);
	json_start(t);
	json_intervals(t);
	json_end(t);
	if (t->set.title)
		out_print_str(out, "title", NULL, t->set.title);
	if (error)
		out_print_error(out, error, exit_code);
	out_close_object(out);
}
