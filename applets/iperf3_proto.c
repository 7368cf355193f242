/* iperf3 3.12's control protocol, learnt from iperf3's behaviour on the
 * wire: a 37-byte cookie opens every connection (control and data), the
 * test moves through states sent as one signed byte, and the parameters
 * and results travel as JSON objects behind a 4-byte big-endian length. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "iperf3_impl.h"
#include "sonde/clock.h"
#include "sonde/json_read.h"
#include "sonde/sock.h"

int ip3_send_state(int fd, enum ip3_state state)
{
	signed char byte = (signed char)state;

	return sock_send_all(fd, &byte, 1, deadline_after_ms(30000));
}

int ip3_recv_state(int fd, int64_t deadline_ms, int *state)
{
	signed char byte;
	size_t got;
	int rc = sock_recv_exact(fd, &byte, 1, deadline_ms, &got);

	if (rc < 0)
		return rc;
	*state = byte;
	return 0;
}

int ip3_send_json(int fd, const char *text, size_t len)
{
	uint32_t len_be = htonl((uint32_t)len);
	int64_t deadline = deadline_after_ms(30000);
	int rc = sock_send_all(fd, &len_be, sizeof(len_be), deadline);

	return rc < 0 ? rc : sock_send_all(fd, text, len, deadline);
}

int ip3_recv_json(int fd, int64_t deadline_ms, char **buf)
{
	uint32_t len_be;
	size_t len, got;
	char *text;
	int rc;

	*buf = NULL;
	if ((rc = sock_recv_exact(fd, &len_be, sizeof(len_be), deadline_ms, &got)) < 0)
		return rc;
	len = ntohl(len_be);
	if (len == 0 || len > IP3_MAX_JSON)
		return -EMSGSIZE;
	if (!(text = malloc(len + 1)))
		return -ENOMEM;
	if ((rc = sock_recv_exact(fd, text, len, deadline_ms, &got)) < 0) {
		free(text);
		return rc;
	}
	text[len] = '\0';
	if (json_read_check(text, len) < 0) {
		free(text);
		return -EBADMSG;
	}
	*buf = text;
	return 0;
}

/* iperf3's cookie alphabet: lower-case letters and the digits 2-7. */
void ip3_make_cookie(char cookie[IP3_COOKIE_SIZE])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char random_bytes[IP3_COOKIE_SIZE - 1];
	size_t i;

	if (getrandom(random_bytes, sizeof(random_bytes), 0) != (ssize_t)sizeof(random_bytes))
		for (i = 0; i < sizeof(random_bytes); i++)
			random_bytes[i] = (unsigned char)(mono_ns() >> (i % 8));
	for (i = 0; i < sizeof(random_bytes); i++)
		cookie[i] = alphabet[random_bytes[i] % 32];
	cookie[IP3_COOKIE_SIZE - 1] = '\0';
}

/* The members in iperf3 3.12's order, so that a server logging them sees
 * what iperf3 sends. */
void ip3_params_build(const struct ip3_test *t, struct strbuf *b)
{
	const struct ip3_settings *s = &t->set;

	strbuf_printf(b, "{\"%s\":true,\"omit\":%d,\"time\":%d,\"num\":%" PRIu64 ",\"blockcount\":0",
		      s->udp ? "udp" : "tcp", s->omit_s, (int)s->duration_s, s->bytes);
	if (s->mss)
		strbuf_printf(b, ",\"MSS\":%d", s->mss);
	if (s->nodelay)
		strbuf_puts(b, ",\"nodelay\":true");
	strbuf_printf(b, ",\"parallel\":%d", s->parallel);
	if (s->reverse)
		strbuf_puts(b, ",\"reverse\":true");
	if (s->bidir)
		strbuf_puts(b, ",\"bidirectional\":true");
	if (s->window)
		strbuf_printf(b, ",\"window\":%d", s->window);
	strbuf_printf(b, ",\"len\":%d", s->len);
	if (s->rate_bps)
		strbuf_printf(b, ",\"bandwidth\":%" PRIu64, s->rate_bps);
	strbuf_puts(b, ",\"pacing_timer\":1000");
	if (s->burst)
		strbuf_printf(b, ",\"burst\":%d", s->burst);
	if (s->title) {
		strbuf_puts(b, ",\"title\":");
		ip3_json_add_string(b, s->title);
	}
	if (s->congestion) {
		strbuf_puts(b, ",\"congestion\":");
		ip3_json_add_string(b, s->congestion);
	}
	if (s->udp_counters_64bit)
		strbuf_puts(b, ",\"udp_counters_64bit\":1");
	if (s->zerocopy)
		strbuf_puts(b, ",\"zerocopy\":1");
	strbuf_puts(b, ",\"client_version\":\"" IP3_VERSION "\"}");
}

static bool get_number(const char *json, const char *key, double *value)
{
	struct json_value v;

	if (json_read_get(json, strlen(json), key, &v) < 0 || v.kind != JSON_NUMBER)
		return false;
	*value = v.number;
	return true;
}

static bool get_flag(const char *json, const char *key)
{
	struct json_value v;

	if (json_read_get(json, strlen(json), key, &v) < 0)
		return false;
	return v.kind == JSON_BOOL ? v.boolean : v.kind == JSON_NUMBER && v.number != 0;
}

/* What the server refuses rather than run differently from what was asked. */
static const char *params_refused(const char *json)
{
	static const char *const unsupported[] = { "sctp", "authtoken", "fqrate", "TOS",
						   "flowlabel", "dont_fragment", "get_server_output",
						   "server_affinity", "extra_data" };
	double value;
	size_t i;

	if (!get_flag(json, "tcp") && !get_flag(json, "udp"))
		return "only TCP and UDP tests are supported by sonde's server";
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (get_flag(json, unsupported[i]))
			return "the client asked for an option sonde's server does not support";
	if (get_number(json, "blockcount", &value) && value != 0)
		return "the client asked for -k, which sonde's server does not support";
	return NULL;
}

const char *ip3_params_parse(struct ip3_test *t, const char *json)
{
	struct ip3_settings *s = &t->set;
	struct json_value v;
	const char *reason;
	char text[256];
	double value;

	if ((reason = params_refused(json)))
		return reason;
	s->duration_s = get_number(json, "time", &value) ? value : 10;
	s->omit_s = get_number(json, "omit", &value) ? (int)value : 0;
	s->rate_bps = get_number(json, "bandwidth", &value) && value > 0 && value < 1e15 ? (uint64_t)value : 0;
	s->burst = get_number(json, "burst", &value) ? (int)value : 0;
	if (s->burst < 0 || s->burst > IP3_MAX_BURST)
		return "the client asked for a burst out of range";
	if (s->omit_s < 0 || s->omit_s > 60)
		return "the client asked for -O out of range (0 to 60 s)";
	s->bytes = get_number(json, "num", &value) && value > 0 ? (uint64_t)value : 0;
	s->parallel = get_number(json, "parallel", &value) ? (int)value : 1;
	if (s->parallel < 1 || s->parallel > IP3_MAX_STREAMS)
		return "the client asked for too many streams";
	s->reverse = get_flag(json, "reverse");
	s->bidir = get_flag(json, "bidirectional");
	s->nodelay = get_flag(json, "nodelay");
	s->zerocopy = false; /* -Z is each side's own way of sending */
	s->mss = get_number(json, "MSS", &value) ? (int)value : 0;
	s->window = get_number(json, "window", &value) ? (int)value : 0;
	s->udp = get_flag(json, "udp");
	s->udp_counters_64bit = s->udp && get_flag(json, "udp_counters_64bit");
	s->len = get_number(json, "len", &value) ? (int)value : s->udp ? IP3_UDP_DEFAULT_LEN : IP3_TCP_DEFAULT_LEN;
	if (s->len < 1 || s->len > IP3_MAX_BLOCK)
		return "the client asked for a block size out of range";
	if (s->udp && (s->len < IP3_UDP_MIN_LEN || s->len > IP3_UDP_MAX_LEN))
		return "the client asked for a UDP block size out of range (16 to 65507)";
	if (json_read_get(json, strlen(json), "congestion", &v) == 0 && json_read_string(&v, text, sizeof(text)))
		s->congestion = t->peer_congestion = strdup(text);
	if (json_read_get(json, strlen(json), "title", &v) == 0 && json_read_string(&v, text, sizeof(text)))
		s->title = t->peer_title = strdup(text);
	t->mode = s->bidir ? IP3_BIDIR : s->reverse ? IP3_SENDER : IP3_RECEIVER;
	/* iperf3's server claims retransmits when it sends TCP with tcp_info */
	t->sender_has_retransmits = t->mode != IP3_RECEIVER && !s->udp ? 1 : 0;
	return NULL;
}

static double stream_end_s(const struct ip3_stream *s)
{
	return (double)s->end_ns / 1e9;
}

void ip3_results_build(const struct ip3_test *t, struct strbuf *b)
{
	int i;

	strbuf_printf(b, "{\"cpu_util_total\":%.17g,\"cpu_util_user\":%.17g,\"cpu_util_system\":%.17g,"
		      "\"sender_has_retransmits\":%d",
		      t->cpu_util[0], t->cpu_util[1], t->cpu_util[2],
		      t->mode == IP3_RECEIVER ? -1 : t->sender_has_retransmits);
	if (t->congestion_used[0]) {
		strbuf_puts(b, ",\"congestion_used\":");
		ip3_json_add_string(b, t->congestion_used);
	}
	strbuf_puts(b, ",\"streams\":[");
	for (i = 0; i < t->stream_count; i++) {
		const struct ip3_stream *s = &t->streams[i];

		/* UDP: the receiver's jitter and loss, each side's own packet count */
		strbuf_printf(b, "%s{\"id\":%d,\"bytes\":%" PRIu64 ",\"retransmits\":%" PRId64
			      ",\"jitter\":%.17g,\"errors\":%" PRId64 ",\"packets\":%" PRId64
			      ",\"start_time\":0,\"end_time\":%.17g",
			      i ? "," : "", s->id, s->bytes,
			      s->sender && t->sender_has_retransmits == 1 ? s->retransmits : -1, s->jitter_s,
			      s->udp.lost, s->udp.packets, stream_end_s(s));
		/* sonde's own key, which iperf3 ignores: what the receiving socket dropped */
		if (!s->sender && ip3_udp_local_drops(s) > 0)
			strbuf_printf(b, ",\"sonde_local_drops\":%" PRId64, ip3_udp_local_drops(s));
		strbuf_putc(b, '}');
	}
	strbuf_puts(b, "]}");
}

static struct ip3_stream *stream_by_id(struct ip3_test *t, int id)
{
	int i;

	for (i = 0; i < t->stream_count; i++)
		if (t->streams[i].id == id)
			return &t->streams[i];
	return NULL;
}

static const char *result_stream_parse(struct ip3_test *t, const struct json_value *obj)
{
	double id, bytes, retrans, start_s, end_s, jitter, errors, packets, drops;
	struct json_value v;
	struct ip3_stream *s;

	if (obj->kind != JSON_OBJECT)
		return "a stream of the results is not an object";
#define NUM(key, var) (json_read_get(obj->start, obj->len, key, &v) == 0 && v.kind == JSON_NUMBER && \
		       ((var) = v.number, true))
	if (!NUM("id", id) || !NUM("bytes", bytes) || !NUM("retransmits", retrans))
		return "a stream of the results lacks id, bytes or retransmits";
	if (!(s = stream_by_id(t, (int)id)))
		return "the results name a stream that does not exist";
	s->peer_bytes = bytes > 0 ? (uint64_t)bytes : 0;
	/* a stream this side receives on takes the sender's retransmits */
	if (!s->sender)
		s->retransmits = (int64_t)retrans;
	s->peer_time_s = NUM("start_time", start_s) && NUM("end_time", end_s) ? end_s - start_s : 0;
	if (t->set.udp) {
		if (!NUM("jitter", jitter) || !NUM("errors", errors) || !NUM("packets", packets))
			return "a stream of the results lacks jitter, errors or packets";
		s->peer_packets = (int64_t)packets;
		/* a sending stream's loss and jitter are the receiver's */
		if (s->sender) {
			s->jitter_s = jitter;
			s->udp.lost = (int64_t)errors;
			if (NUM("sonde_local_drops", drops) && drops > 0)
				s->udp.local_drops = (int64_t)drops;
		}
	}
#undef NUM
	return NULL;
}

const char *ip3_results_parse(struct ip3_test *t, const char *json)
{
	struct json_value v, streams, elem;
	size_t len = strlen(json), i;
	const char *keys[3] = { "cpu_util_total", "cpu_util_user", "cpu_util_system" };
	const char *reason;
	int has_retrans;

	for (i = 0; i < 3; i++) {
		if (json_read_get(json, len, keys[i], &v) < 0 || v.kind != JSON_NUMBER)
			return "the results lack the CPU figures";
		t->remote_cpu_util[i] = v.number;
	}
	if (json_read_get(json, len, "sender_has_retransmits", &v) < 0 || v.kind != JSON_NUMBER)
		return "the results lack sender_has_retransmits";
	has_retrans = (int)v.number;
	if (t->mode == IP3_RECEIVER) {
		t->sender_has_retransmits = has_retrans;
		t->other_side_has_retransmits = 0;
	} else if (t->mode == IP3_BIDIR) {
		t->other_side_has_retransmits = has_retrans;
	}
	if (json_read_get(json, len, "congestion_used", &v) == 0)
		json_read_string(&v, t->remote_congestion_used, sizeof(t->remote_congestion_used));
	if (json_read_get(json, len, "streams", &streams) < 0 || streams.kind != JSON_ARRAY)
		return "the results lack streams";
	for (i = 0; json_read_index(streams.start, streams.len, i, &elem) == 0; i++)
		if ((reason = result_stream_parse(t, &elem)))
			return reason;
	return NULL;
}
