/* iperf3 3.12's output: the interval and summary lines in its layout (a
 * byte-exact text printer), and -J in its JSON schema (start, intervals,
 * end) through the output layer, both from the same stream records.
 * Which header and which columns appear follows iperf3's flags
 * (sender_has_retransmits changes once the peer's results arrive). */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "iperf3_impl.h"
#include "sonde/applet.h"

static const char separator[] = "- - - - - - - - - - - - - - - - - - - - - - - - -\n";

void ip3_out_line(struct ip3_test *t, const char *fmt, ...)
{
	va_list ap;

	if (t->json)
		return;
	if (t->set.title)
		printf("%s:  ", t->set.title);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* iperf3's units: adaptive by 1024 for bytes ('A'), by 1000 for bits
 * ('a', the value given in bytes), always four places wide. */
void ip3_unit_format(char *buf, size_t size, double value, char format)
{
	static const char *const byte_units[] = { "Byte", "KByte", "MByte", "GByte", "TByte" };
	static const char *const bit_units[] = { "bit", "Kbit", "Mbit", "Gbit", "Tbit" };
	bool bits = format == 'a';
	double step = bits ? 1000.0 : 1024.0;
	int unit = 0;

	if (bits)
		value *= 8;
	while (value >= step && unit < 4) {
		value /= step;
		unit++;
	}
	snprintf(buf, size, value < 9.995 ? "%4.2f %s" : value < 99.95 ? "%4.1f %s" : "%4.0f %s", value,
		 bits ? bit_units[unit] : byte_units[unit]);
}

void ip3_out_connected(struct ip3_test *t, const struct ip3_stream *s)
{
	char local[ADDR_STRLEN], remote[ADDR_STRLEN];

	ip3_out_line(t, "[%3d] local %s port %u connected to %s port %u\n", s->fd,
		     addr_ntop(&s->local, local, sizeof(local)), addr_port(&s->local),
		     addr_ntop(&s->remote, remote, sizeof(remote)), addr_port(&s->remote));
}

static const struct ip3_interval *last_interval(const struct ip3_stream *s)
{
	return s->interval_count ? &s->intervals[s->interval_count - 1] : NULL;
}

/* iperf3 drops a last interval shorter than a tenth of -i that moved no
 * data (the end of a test racing the report timer). */
static bool interval_worth_reporting(const struct ip3_test *t)
{
	int i;

	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_interval *iv = last_interval(&t->streams[i]);

		if (iv && ((double)(iv->end_ns - iv->start_ns) / 1e9 >= t->set.interval_s * 0.10 || iv->bytes > 0))
			return true;
	}
	return false;
}

static void drop_last_interval(struct ip3_test *t)
{
	int i;

	for (i = 0; i < t->stream_count; i++)
		if (t->streams[i].interval_count)
			t->streams[i].interval_count--;
}

/* The modes a report walks through, as iperf3 orders them: with --bidir
 * the client's sending streams first, the server's receiving ones first. */
static void mode_range(const struct ip3_test *t, int *lower, int *upper)
{
	if (t->mode == IP3_BIDIR) {
		*lower = t->role == 'c' ? -1 : 0;
		*upper = t->role == 'c' ? 0 : 1;
	} else {
		*lower = *upper = t->mode;
	}
}

static void role_tag(const struct ip3_test *t, bool sender, char *buf, size_t size)
{
	if (t->mode == IP3_BIDIR)
		snprintf(buf, size, "[%s-%s]", sender ? "TX" : "RX", t->role == 'c' ? "C" : "S");
	else
		buf[0] = '\0';
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

double ip3_interval_start_s(const struct ip3_interval *iv)
{
	return fabs(secs(iv->start_ns));
}

static const char *omitted_mark(const struct ip3_interval *iv)
{
	return iv->omitted ? "(omitted)" : "";
}

/* After a UDP receiver's Lost/Total, what the receiving socket dropped
 * itself: iperf3 counts those datagrams lost as the network's losses. */
struct drops_mark {
	char text[96];
};

static const char *drops_mark(int64_t drops, struct drops_mark *mark)
{
	mark->text[0] = '\0';
	if (drops > 0)
		snprintf(mark->text, sizeof(mark->text),
			 " [sonde: %" PRId64 " dropped by the receiver's socket (full buffer or bad checksum)]", drops);
	return mark->text;
}

/* iperf3 pads a UDP sender's datagram count under --bidir's role column. */
static const char *udp_pad(const struct ip3_test *t)
{
	return t->mode == IP3_BIDIR ? "          " : "";
}

static void print_interval_header(struct ip3_test *t)
{
	bool bidir = t->mode == IP3_BIDIR;

	if (t->set.udp && t->mode == IP3_SENDER)
		ip3_out_line(t, "[ ID] Interval           Transfer     Bitrate         Total Datagrams\n");
	else if (t->set.udp)
		ip3_out_line(t, bidir ? "[ ID][Role] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams\n"
				      : "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams\n");
	else if (t->sender_has_retransmits == 1)
		ip3_out_line(t, bidir ? "[ ID][Role] Interval           Transfer     Bitrate         Retr  Cwnd\n"
				      : "[ ID] Interval           Transfer     Bitrate         Retr  Cwnd\n");
	else
		ip3_out_line(t, bidir ? "[ ID][Role] Interval           Transfer     Bitrate\n"
				      : "[ ID] Interval           Transfer     Bitrate\n");
}

static void print_stream_interval(struct ip3_test *t, const struct ip3_stream *s)
{
	const struct ip3_interval *iv = last_interval(s);
	double duration = secs(iv->end_ns - iv->start_ns);
	char bytes[32], rate[32], cwnd[32], tag[16];
	struct drops_mark mark;

	if (s == &t->streams[0]) {
		if (iv->start_ns == 0)
			print_interval_header(t);
		else if (t->set.parallel > 1)
			ip3_out_line(t, "%s", separator);
	}
	role_tag(t, s->sender, tag, sizeof(tag));
	ip3_unit_format(bytes, sizeof(bytes), (double)iv->bytes, 'A');
	ip3_unit_format(rate, sizeof(rate), duration > 0 ? (double)iv->bytes / duration : 0, 'a');
	if (t->set.udp && s->sender) {
		ip3_out_line(t, "[%3d]%s %6.2f-%-6.2f sec  %ss  %ss/sec %s %d  %s\n", s->fd, tag,
			     ip3_interval_start_s(iv), secs(iv->end_ns), bytes, rate, udp_pad(t), (int)iv->packets,
			     omitted_mark(iv));
	} else if (t->set.udp) {
		ip3_out_line(t, "[%3d]%s %6.2f-%-6.2f sec  %ss  %ss/sec  %5.3f ms  %d/%d (%.2g%%)  %s%s\n", s->fd, tag,
			     ip3_interval_start_s(iv), secs(iv->end_ns), bytes, rate, iv->jitter_s * 1000.0,
			     (int)iv->lost, (int)iv->packets, ip3_lost_percent(iv->lost, iv->packets),
			     omitted_mark(iv), drops_mark(iv->local_drops, &mark));
	} else if (t->sender_has_retransmits == 1 && s->sender) {
		ip3_unit_format(cwnd, sizeof(cwnd), (double)iv->snd_cwnd, 'A');
		ip3_out_line(t, "[%3d]%s %6.2f-%-6.2f sec  %ss  %ss/sec  %3u   %ss       %s\n", s->fd, tag,
			     ip3_interval_start_s(iv), secs(iv->end_ns), bytes, rate, (unsigned)iv->retransmits, cwnd,
			     omitted_mark(iv));
	} else {
		ip3_out_line(t, "[%3d]%s %6.2f-%-6.2f sec  %ss  %ss/sec                  %s\n", s->fd, tag,
			     ip3_interval_start_s(iv), secs(iv->end_ns), bytes, rate, omitted_mark(iv));
	}
}

/* The streams' last intervals in one direction, added up (UDP's jitter
 * averaged over the streams, as iperf3 does). */
struct interval_sum {
	uint64_t bytes;
	int64_t retransmits, packets, lost, local_drops;
	double jitter_s;
};

static void add_interval_sum(const struct ip3_test *t, bool sender, struct interval_sum *sum)
{
	int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_interval *iv = last_interval(&t->streams[i]);

		if (t->streams[i].sender != sender)
			continue;
		sum->bytes += iv->bytes;
		if (t->sender_has_retransmits == 1)
			sum->retransmits += iv->retransmits;
		sum->packets += iv->packets;
		sum->lost += iv->lost;
		sum->local_drops += iv->local_drops;
		sum->jitter_s += iv->jitter_s;
	}
	sum->jitter_s /= t->set.parallel;
}

static void print_interval_sum(struct ip3_test *t, bool sender)
{
	const struct ip3_interval *iv = last_interval(&t->streams[0]);
	double duration = secs(iv->end_ns - iv->start_ns);
	char ubytes[32], rate[32], tag[16];
	struct interval_sum sum;
	struct drops_mark mark;
	uint64_t bytes;
	int64_t retransmits;

	add_interval_sum(t, sender, &sum);
	bytes = sum.bytes;
	retransmits = sum.retransmits;
	role_tag(t, sender, tag, sizeof(tag));
	ip3_unit_format(ubytes, sizeof(ubytes), (double)bytes, 'A');
	ip3_unit_format(rate, sizeof(rate), duration > 0 ? (double)bytes / duration : 0, 'a');
	if (t->set.udp && sender)
		ip3_out_line(t, "[SUM]%s %6.2f-%-6.2f sec  %ss  %ss/sec %s %d  %s\n", tag, ip3_interval_start_s(iv),
			     secs(iv->end_ns), ubytes, rate, udp_pad(t), (int)sum.packets, omitted_mark(iv));
	else if (t->set.udp)
		ip3_out_line(t, "[SUM]%s %6.2f-%-6.2f sec  %ss  %ss/sec  %5.3f ms  %d/%d (%.2g%%)  %s%s\n", tag,
			     ip3_interval_start_s(iv), secs(iv->end_ns), ubytes, rate, sum.jitter_s * 1000.0,
			     (int)sum.lost, (int)sum.packets, ip3_lost_percent(sum.lost, sum.packets), omitted_mark(iv),
			     drops_mark(sum.local_drops, &mark));
	else if (t->sender_has_retransmits == 1 && sender)
		ip3_out_line(t, "[SUM]%s %6.2f-%-6.2f sec  %ss  %ss/sec  %3d             %s\n", tag,
			     ip3_interval_start_s(iv), secs(iv->end_ns), ubytes, rate, (int)retransmits,
			     omitted_mark(iv));
	else
		ip3_out_line(t, "[SUM]%s %6.2f-%-6.2f sec  %ss  %ss/sec                  %s\n", tag,
			     ip3_interval_start_s(iv), secs(iv->end_ns), ubytes, rate, omitted_mark(iv));
}

void ip3_out_intermediate(struct ip3_test *t)
{
	int lower, upper, mode, i;

	if (t->stream_count == 0 || !last_interval(&t->streams[0]))
		return;
	if (!interval_worth_reporting(t)) {
		drop_last_interval(t);
		return;
	}
	if (t->json)
		return; /* the records are rendered at the end, in the document */
	mode_range(t, &lower, &upper);
	for (mode = lower; mode <= upper; mode++) {
		bool sender = mode * mode == 1;

		for (i = 0; i < t->stream_count; i++)
			if (t->streams[i].sender == sender)
				print_stream_interval(t, &t->streams[i]);
		if (t->set.parallel > 1)
			print_interval_sum(t, sender);
	}
	fflush(stdout);
}

/* The summary's durations, from the first stream as iperf3 takes them:
 * this side's own, and the peer's from its results (this side's when the
 * peer gave none). */
static void summary_times(const struct ip3_test *t, double *sender_s, double *receiver_s, double *own_s)
{
	const struct ip3_stream *s = &t->streams[0];

	*own_s = secs(s->end_ns);
	if (s->sender) {
		*sender_s = *own_s;
		*receiver_s = s->peer_time_s != 0 ? s->peer_time_s : *sender_s;
	} else {
		*receiver_s = *own_s;
		*sender_s = s->peer_time_s != 0 ? s->peer_time_s : *receiver_s;
	}
}

static uint64_t stream_sent(const struct ip3_stream *s)
{
	return s->sender ? s->bytes : s->peer_bytes;
}

static uint64_t stream_received(const struct ip3_stream *s)
{
	return s->sender ? s->peer_bytes : s->bytes;
}

static void print_bw_line(struct ip3_test *t, const char *id, const char *tag, double end_s, uint64_t bytes,
			  bool with_retr, int64_t retr, const char *what)
{
	char ubytes[32], rate[32];

	ip3_unit_format(ubytes, sizeof(ubytes), (double)bytes, 'A');
	ip3_unit_format(rate, sizeof(rate), end_s > 0 ? (double)bytes / end_s : 0, 'a');
	if (with_retr)
		ip3_out_line(t, "[%s]%s %6.2f-%-6.2f sec  %ss  %ss/sec  %3u             %s\n", id, tag, 0.0, end_s,
			     ubytes, rate, (unsigned)retr, what);
	else
		ip3_out_line(t, "[%s]%s %6.2f-%-6.2f sec  %ss  %ss/sec                  %s\n", id, tag, 0.0,
			     end_s, ubytes, rate, what);
}

static void print_results_mode(struct ip3_test *t, bool sender, int has_retrans)
{
	double sender_s, receiver_s, own_s;
	uint64_t total_sent = 0, total_received = 0;
	int64_t total_retrans = 0;
	char tag[16], id[8];
	int i;

	role_tag(t, sender, tag, sizeof(tag));
	summary_times(t, &sender_s, &receiver_s, &own_s);
	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_stream *s = &t->streams[i];

		if (s->sender != sender)
			continue;
		total_sent += stream_sent(s);
		total_received += stream_received(s);
		if (has_retrans)
			total_retrans += s->retransmits;
		snprintf(id, sizeof(id), "%3d", s->fd);
		if (!(t->role == 's' && !s->sender))
			print_bw_line(t, id, tag, sender_s, stream_sent(s), has_retrans != 0, s->retransmits,
				      "sender");
		if (!(t->role == 's' && s->sender))
			print_bw_line(t, id, tag, receiver_s, stream_received(s), false, 0, "receiver");
	}
	if (t->set.parallel <= 1)
		return;
	if (!(t->role == 's' && !sender))
		print_bw_line(t, "SUM", tag, sender_s, total_sent, has_retrans != 0, total_retrans, "sender");
	if (!(t->role == 's' && sender))
		print_bw_line(t, "SUM", tag, receiver_s, total_received, false, 0, "receiver");
}

/* One stream's summary line; a receiver's carries what its socket dropped. */
static void print_udp_line(struct ip3_test *t, const char *id, const char *tag, double end_s, uint64_t bytes,
			   double jitter_s, int64_t lost, int64_t packets, int64_t local_drops, const char *what)
{
	char ubytes[32], rate[32];
	struct drops_mark mark;

	ip3_unit_format(ubytes, sizeof(ubytes), (double)bytes, 'A');
	ip3_unit_format(rate, sizeof(rate), end_s > 0 ? (double)bytes / end_s : 0, 'a');
	ip3_out_line(t, "[%s]%s %6.2f-%-6.2f sec  %ss  %ss/sec  %5.3f ms  %d/%d (%.2g%%)  %s%s\n", id, tag, 0.0, end_s,
		     ubytes, rate, jitter_s * 1000.0, (int)lost, (int)packets,
		     strcmp(what, "sender") ? ip3_lost_percent(lost, packets) : 0.0, what, drops_mark(local_drops, &mark));
}

/* UDP's summary of one direction: the sender's lines show no loss, the
 * receiver's the jitter and the loss it measured; the server prints only
 * its own side, as iperf3's does. */
static void print_results_udp(struct ip3_test *t, bool sender)
{
	double sender_s, receiver_s, own_s, jitter_sum_s = 0;
	uint64_t total_sent = 0, total_received = 0;
	int64_t total_packets = 0, sender_packets = 0, receiver_packets = 0, lost = 0, local_drops = 0;
	char tag[16], id[8];
	int i;

	role_tag(t, sender, tag, sizeof(tag));
	summary_times(t, &sender_s, &receiver_s, &own_s);
	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_stream *s = &t->streams[i];
		int64_t sent_pk = ip3_udp_sender_packets(s), received_pk = ip3_udp_receiver_packets(s);

		if (s->sender != sender)
			continue;
		total_sent += stream_sent(s);
		total_received += stream_received(s);
		/* the sender's count when known, as iperf3 takes it */
		total_packets += (sent_pk + s->udp_omitted.packets) != 0 ? sent_pk : received_pk;
		sender_packets += sent_pk;
		receiver_packets += received_pk;
		lost += ip3_udp_lost(s);
		local_drops += ip3_udp_local_drops(s);
		jitter_sum_s += s->jitter_s;
		snprintf(id, sizeof(id), "%3d", s->fd);
		if (!(t->role == 's' && !s->sender))
			print_udp_line(t, id, tag, sender_s, stream_sent(s), 0, 0, sent_pk, 0, "sender");
		if (ip3_udp_out_of_order(s) > 0)
			ip3_out_line(t, "[SUM]%s %4.1f-%4.1f sec  %d datagrams received out-of-order\n", tag, 0.0,
				     sender_s, (int)ip3_udp_out_of_order(s));
		if (!(t->role == 's' && s->sender))
			print_udp_line(t, id, tag, receiver_s, stream_received(s), s->jitter_s, ip3_udp_lost(s),
				       received_pk, ip3_udp_local_drops(s), "receiver");
	}
	if (t->set.parallel <= 1)
		return;
	if (!(t->role == 's' && !sender))
		print_udp_line(t, "SUM", tag, sender_s, total_sent, 0, 0, sender_packets, 0, "sender");
	if (!(t->role == 's' && sender)) {
		char ubytes[32], rate[32];
		struct drops_mark mark;

		/* the loss over all the datagrams, the sender's count where known */
		ip3_unit_format(ubytes, sizeof(ubytes), (double)total_received, 'A');
		ip3_unit_format(rate, sizeof(rate), receiver_s > 0 ? (double)total_received / receiver_s : 0, 'a');
		ip3_out_line(t, "[SUM]%s %6.2f-%-6.2f sec  %ss  %ss/sec  %5.3f ms  %d/%d (%.2g%%)  %s%s\n", tag, 0.0,
			     receiver_s, ubytes, rate, jitter_sum_s / t->set.parallel * 1000.0, (int)lost,
			     (int)receiver_packets, ip3_lost_percent(lost, total_packets), "receiver",
			     drops_mark(local_drops, &mark));
	}
}

void ip3_out_results(struct ip3_test *t)
{
	bool bidir = t->mode == IP3_BIDIR;
	int lower, upper, mode;

	if (t->json || t->stream_count == 0)
		return;
	ip3_out_line(t, "%s", separator);
	if (t->set.udp)
		ip3_out_line(t, bidir ? "[ ID][Role] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams\n"
				      : "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams\n");
	else if (t->sender_has_retransmits || t->other_side_has_retransmits)
		ip3_out_line(t, bidir ? "[ ID][Role] Interval           Transfer     Bitrate         Retr\n"
				      : "[ ID] Interval           Transfer     Bitrate         Retr\n");
	else
		ip3_out_line(t, bidir ? "[ ID][Role] Interval           Transfer     Bitrate\n"
				      : "[ ID] Interval           Transfer     Bitrate\n");
	mode_range(t, &lower, &upper);
	for (mode = lower; mode <= upper; mode++) {
		bool sender = mode * mode == 1;
		int has_retrans = t->sender_has_retransmits;

		if (bidir && !sender)
			has_retrans = t->other_side_has_retransmits;
		if (t->set.udp)
			print_results_udp(t, sender);
		else
			print_results_mode(t, sender, has_retrans);
	}
	fflush(stdout);
}
