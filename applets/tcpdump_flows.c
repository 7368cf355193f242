/* tcpdump --flows: a table of connections instead of packets, largest
 * first.  A flow is the packets between two ends (addresses, protocol,
 * ports) in both directions; its client is the end that sent the first SYN
 * (TCP) or the first packet.  For TCP: the handshake RTT (the client's
 * SYN to its first packet after the SYN-ACK, the whole round trip wherever
 * the capture was taken), retransmissions (a segment that carries nothing
 * beyond the highest sequence already seen that way), resets and zero
 * windows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcpdump_impl.h"

#define KEY_LEN 38
#define FIRST_SLOTS 1024
#define ENDPOINT_TEXT 64

struct flow_way {
	uint32_t next_seq;        /* after the highest byte seen this way */
	bool have_seq;
};

struct flow {
	uint8_t key[KEY_LEN];     /* family, protocol, then both ends in a fixed order */
	bool used;
	int family;
	uint8_t proto;
	uint8_t client[16], server[16];
	uint16_t client_port, server_port;
	struct timeval first, last, syn, synack;
	bool saw_syn, saw_synack, have_rtt;
	double rtt_ms;
	unsigned long long packets, bytes;
	unsigned long long retransmissions, resets, zero_windows;
	struct flow_way ways[2];  /* 0: client to server, 1: back */
};

struct tcpdump_flows {
	struct flow *slots;
	size_t slot_count, used;
	unsigned long long other_packets; /* not IP, or cut short before the IP header */
	bool failed;
};

static size_t hash_key(const uint8_t *key, size_t slots)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < KEY_LEN; i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (slots - 1);
}

/* The same key both ways: the lower (address, port) end first. */
static void flow_key(const struct pkt_frame *f, uint16_t sport, uint16_t dport, uint8_t *key)
{
	int order = memcmp(f->ip.src, f->ip.dst, 16);
	bool src_first = order < 0 || (order == 0 && sport <= dport);

	memset(key, 0, KEY_LEN);
	key[0] = (uint8_t)f->ip.family;
	key[1] = f->ip.proto;
	memcpy(key + 2, src_first ? f->ip.src : f->ip.dst, 16);
	memcpy(key + 18, src_first ? f->ip.dst : f->ip.src, 16);
	memcpy(key + 34, src_first ? &sport : &dport, 2);
	memcpy(key + 36, src_first ? &dport : &sport, 2);
}

static struct flow *find_flow(struct tcpdump_flows *t, const uint8_t *key)
{
	size_t i = hash_key(key, t->slot_count);

	while (t->slots[i].used) {
		if (memcmp(t->slots[i].key, key, KEY_LEN) == 0)
			return &t->slots[i];
		i = (i + 1) & (t->slot_count - 1);
	}
	return &t->slots[i];
}

static int grow(struct tcpdump_flows *t)
{
	struct flow *old = t->slots;
	size_t old_count = t->slot_count, i;

	t->slot_count = old_count ? old_count * 2 : FIRST_SLOTS;
	if (!(t->slots = calloc(t->slot_count, sizeof(*t->slots)))) {
		t->slots = old;
		t->slot_count = old_count;
		return -ENOMEM;
	}
	for (i = 0; i < old_count; i++)
		if (old[i].used)
			*find_flow(t, old[i].key) = old[i];
	free(old);
	return 0;
}

static void set_client(struct flow *fl, const struct pkt_frame *f, uint16_t sport, uint16_t dport)
{
	memcpy(fl->client, f->ip.src, 16);
	memcpy(fl->server, f->ip.dst, 16);
	fl->client_port = sport;
	fl->server_port = dport;
}

static struct flow *flow_of(struct tcpdump_flows *t, const struct pkt_frame *f, uint16_t sport, uint16_t dport,
			    const struct timeval *ts)
{
	uint8_t key[KEY_LEN];
	struct flow *fl;

	if (t->used * 2 >= t->slot_count && grow(t) < 0)
		return NULL;
	flow_key(f, sport, dport, key);
	fl = find_flow(t, key);
	if (!fl->used) {
		memset(fl, 0, sizeof(*fl));
		memcpy(fl->key, key, KEY_LEN);
		fl->used = true;
		fl->family = f->ip.family;
		fl->proto = f->ip.proto;
		fl->first = *ts;
		set_client(fl, f, sport, dport);
		t->used++;
	}
	return fl;
}

static bool from_client(const struct flow *fl, const struct pkt_frame *f, uint16_t sport)
{
	return memcmp(f->ip.src, fl->client, 16) == 0 && sport == fl->client_port;
}

static double elapsed_ms(const struct timeval *from, const struct timeval *to)
{
	return (double)(to->tv_sec - from->tv_sec) * 1e3 + (double)(to->tv_usec - from->tv_usec) / 1e3;
}

/* SYN, SYN-ACK, and the client's next packet: the handshake's round trip. */
static void track_handshake(struct flow *fl, const struct pkt_frame *f, bool client_way, const struct timeval *ts)
{
	uint8_t flags = f->transport.tcp_flags;

	if ((flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN) {
		/* The SYN's sender is the client, whoever was seen first. */
		if (!client_way && !fl->saw_syn)
			set_client(fl, f, f->transport.sport, f->transport.dport);
		fl->syn = *ts;
		fl->saw_syn = true;
		fl->saw_synack = false;
		return;
	}
	if (fl->saw_syn && !fl->saw_synack && (flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == (PKT_TCP_SYN | PKT_TCP_ACK) &&
	    !client_way) {
		fl->synack = *ts;
		fl->saw_synack = true;
		return;
	}
	if (fl->saw_synack && !fl->have_rtt && client_way) {
		fl->rtt_ms = elapsed_ms(&fl->syn, ts);
		fl->have_rtt = true;
	}
}

/* A segment whose sequence space (data, SYN, FIN) ends at or before what
 * was already seen that way is sent again. */
static void track_sequence(struct flow *fl, const struct pkt_frame *f, bool client_way)
{
	struct flow_way *way = &fl->ways[client_way ? 0 : 1];
	uint8_t flags = f->transport.tcp_flags;
	uint32_t length = (uint32_t)f->payload_wire_len + !!(flags & PKT_TCP_SYN) + !!(flags & PKT_TCP_FIN);
	uint32_t end = f->transport.tcp_seq + length;

	if (flags & PKT_TCP_RST)
		fl->resets++;
	else if (f->tcp_window == 0 && !(flags & PKT_TCP_SYN))
		fl->zero_windows++;
	if (!length)
		return;
	if (way->have_seq && (int32_t)(end - way->next_seq) <= 0) {
		fl->retransmissions++;
		return;
	}
	way->next_seq = end;
	way->have_seq = true;
}

void tcpdump_flows_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct tcpdump_flows *t = run->flows;
	uint16_t sport = 0, dport = 0;
	struct pkt_frame f;
	struct flow *fl;

	pkt_frame_parse(run->linktype, bytes, h->caplen, h->len, &f);
	if (f.depth < PKT_FRAME_IP) {
		t->other_packets++;
		return;
	}
	if (f.depth == PKT_FRAME_TRANSPORT && (f.ip.proto == PKT_PROTO_TCP || f.ip.proto == PKT_PROTO_UDP)) {
		sport = f.transport.sport;
		dport = f.transport.dport;
	}
	if (!(fl = flow_of(t, &f, sport, dport, &h->ts))) {
		t->failed = true;
		return;
	}
	fl->packets++;
	fl->bytes += f.ip.total_len;
	fl->last = h->ts;
	if (f.depth < PKT_FRAME_TRANSPORT || f.ip.proto != PKT_PROTO_TCP)
		return;
	track_handshake(fl, &f, from_client(fl, &f, sport), &h->ts);
	track_sequence(fl, &f, from_client(fl, &f, sport));
}

int tcpdump_flows_start(struct tcpdump_run *run)
{
	if (!(run->flows = calloc(1, sizeof(*run->flows))) || grow(run->flows) < 0)
		return -ENOMEM;
	return 0;
}

/* --- the table ----------------------------------------------------------------- */

static const char *proto_name(uint8_t proto, char *buf, size_t size)
{
	switch (proto) {
	case PKT_PROTO_TCP:
		return "tcp";
	case PKT_PROTO_UDP:
		return "udp";
	case PKT_PROTO_ICMP:
		return "icmp";
	case PKT_PROTO_ICMPV6:
		return "icmp6";
	default:
		snprintf(buf, size, "ip-proto-%u", proto);
		return buf;
	}
}

/* "10.0.0.1.80" as tcpdump writes an end; the address alone without ports. */
static void endpoint_text(const struct flow *fl, bool client, char *buf, size_t size)
{
	char addr[48];

	tcpdump_addr_text(fl->family, client ? fl->client : fl->server, addr, sizeof(addr));
	if (fl->proto == PKT_PROTO_TCP || fl->proto == PKT_PROTO_UDP)
		snprintf(buf, size, "%s.%u", addr, client ? fl->client_port : fl->server_port);
	else
		snprintf(buf, size, "%s", addr);
}

static void print_end(struct sonde_out *out, const char *key, const struct flow *fl, bool client, int width)
{
	char addr[48], text[ENDPOINT_TEXT];

	endpoint_text(fl, client, text, sizeof(text));
	out_text(out, client ? "%-*s > " : "%-*s ", width, text);
	out_open_object(out, key);
	out_print_str(out, "address", NULL, tcpdump_addr_text(fl->family, client ? fl->client : fl->server, addr,
							      sizeof(addr)));
	if (fl->proto == PKT_PROTO_TCP || fl->proto == PKT_PROTO_UDP)
		out_print_uint(out, "port", NULL, client ? fl->client_port : fl->server_port);
	out_close_object(out);
}

static void print_flow(struct sonde_out *out, const struct flow *fl, const int *widths)
{
	bool tcp = fl->proto == PKT_PROTO_TCP;
	char proto[24];

	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "flow");
	out_print_str(out, "protocol", "%-6s", proto_name(fl->proto, proto, sizeof(proto)));
	print_end(out, "client", fl, true, widths[0]);
	print_end(out, "server", fl, false, widths[1]);
	out_print_uint(out, "packets", "%8llu", fl->packets);
	out_print_uint(out, "bytes", " %11llu", fl->bytes);
	out_print_double(out, "duration_s", " %11.6f", elapsed_ms(&fl->first, &fl->last) / 1e3);
	if (fl->have_rtt)
		out_print_double(out, "handshake_rtt_ms", " %10.3f", fl->rtt_ms);
	else
		out_print_null(out, "handshake_rtt_ms", " %10s", "-");
	if (tcp) {
		out_print_uint(out, "retransmissions", " %7llu", fl->retransmissions);
		out_print_uint(out, "resets", " %6llu", fl->resets);
		out_print_uint(out, "zero_windows", " %8llu\n", fl->zero_windows);
	} else {
		out_print_null(out, "retransmissions", " %7s", "-");
		out_print_null(out, "resets", " %6s", "-");
		out_print_null(out, "zero_windows", " %8s\n", "-");
	}
	out_close_object(out);
}

static int by_size(const void *a, const void *b)
{
	const struct flow *fa = *(const struct flow *const *)a, *fb = *(const struct flow *const *)b;

	if (fa->bytes != fb->bytes)
		return fa->bytes > fb->bytes ? -1 : 1;
	if (fa->packets != fb->packets)
		return fa->packets > fb->packets ? -1 : 1;
	return elapsed_ms(&fb->first, &fa->first) < 0 ? -1 : elapsed_ms(&fb->first, &fa->first) > 0;
}

static void column_widths(struct flow *const *list, size_t n, int *widths)
{
	char text[ENDPOINT_TEXT];
	size_t i;
	int side;

	widths[0] = (int)strlen("CLIENT");
	widths[1] = (int)strlen("SERVER");
	for (i = 0; i < n; i++)
		for (side = 0; side < 2; side++) {
			endpoint_text(list[i], side == 0, text, sizeof(text));
			if ((int)strlen(text) > widths[side])
				widths[side] = (int)strlen(text);
		}
}

static void print_summary(struct sonde_out *out, const struct tcpdump_flows *t, struct flow *const *list, size_t n)
{
	unsigned long long packets = 0, bytes = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		packets += list[i]->packets;
		bytes += list[i]->bytes;
	}
	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "summary");
	out_print_uint(out, "flows", "%llu flows", n);
	out_print_uint(out, "packets", ", %llu packets", packets);
	out_print_uint(out, "bytes", ", %llu bytes", bytes);
	out_print_uint(out, "other_packets", NULL, t->other_packets);
	if (t->other_packets)
		out_text(out, " (and %llu packets that are not IP)", t->other_packets);
	out_print_bool(out, "complete", NULL, !t->failed);
	out_text(out, t->failed ? "\nout of memory: packets are missing from the table\n" : "\n");
	out_close_object(out);
}

void tcpdump_flows_finish(struct tcpdump_run *run)
{
	struct tcpdump_flows *t = run->flows;
	struct sonde_out *out = run->out;
	struct flow **list = malloc((t->used + 1) * sizeof(*list));
	size_t i, n = 0;
	int widths[2];

	if (!list) {
		t->failed = true;
		print_summary(out, t, list, 0);
		return;
	}
	for (i = 0; i < t->slot_count; i++)
		if (t->slots[i].used)
			list[n++] = &t->slots[i];
	qsort(list, n, sizeof(*list), by_size);
	column_widths(list, n, widths);
	out_text(out, "%-6s%-*s   %-*s %8s %11s %11s %10s %7s %6s %8s\n", "PROTO", widths[0], "CLIENT", widths[1], "SERVER",
		 "PACKETS", "BYTES", "DURATION_S", "RTT_MS", "RETRANS", "RESETS", "ZERO_WIN");
	for (i = 0; i < n; i++)
		print_flow(out, list[i], widths);
	print_summary(out, t, list, n);
	free(list);
	free(t->slots);
	free(t);
	run->flows = NULL;
}
