/* sonde conntrack: one entry rendered for every command that shows
 * entries (-L, -G, -D, -E): the conntrack-tools line in text, an object in
 * JSON. */
#include <stdio.h>
#include <string.h>

#include "conntrack_impl.h"

static void render_tuple(struct sonde_out *out, const char *key, int family, const struct ct_tuple *t,
			 const struct ct_counters *counters)
{
	char text[64];

	out_open_object(out, key);
	out_print_str(out, "src", NULL, ct_addr_ntop(family, t->src, text, sizeof(text)));
	out_print_str(out, "dst", NULL, ct_addr_ntop(family, t->dst, text, sizeof(text)));
	if (t->has_ports) {
		out_print_uint(out, "sport", NULL, t->sport);
		out_print_uint(out, "dport", NULL, t->dport);
	}
	if (t->has_icmp) {
		out_print_uint(out, "icmp_type", NULL, t->icmp_type);
		out_print_uint(out, "icmp_code", NULL, t->icmp_code);
		out_print_uint(out, "icmp_id", NULL, t->icmp_id);
	}
	if (t->has_zone)
		out_print_uint(out, "zone", NULL, t->zone);
	if (counters->present) {
		out_print_uint(out, "packets", NULL, counters->packets);
		out_print_uint(out, "bytes", NULL, counters->bytes);
	}
	out_close_object(out);
}

static void render_status(struct sonde_out *out, const struct ct_entry *e)
{
	unsigned bit;

	out_open_array(out, "status");
	for (bit = 0; bit < 32; bit++) {
		const char *name = ct_status_bit_name(bit);

		if ((e->status & (1u << bit)) && name)
			out_print_str(out, NULL, NULL, name);
	}
	out_close_array(out);
	out_print_bool(out, "assured", NULL, (e->status & CT_STATUS_ASSURED) != 0);
	out_print_bool(out, "unreplied", NULL, !(e->status & CT_STATUS_SEEN_REPLY));
}

static void render_labels(struct sonde_out *out, const struct ct_entry *e, const struct ct_labelmap *labels)
{
	size_t bit;

	out_open_array(out, "labels");
	for (bit = 0; bit < e->labels_len * 8; bit++) {
		uint32_t word;

		memcpy(&word, e->labels + (bit / 32) * 4, sizeof(word));
		if (!((word >> (bit % 32)) & 1))
			continue;
		if (labels && labels->names[bit])
			out_print_str(out, NULL, NULL, labels->names[bit]);
		else
			out_print_uint(out, NULL, NULL, bit);
	}
	out_close_array(out);
}

static const char *event_name(enum ct_event_type event)
{
	switch (event) {
	case CT_EVENT_NEW: return "new";
	case CT_EVENT_UPDATE: return "update";
	case CT_EVENT_DESTROY: return "destroy";
	default: return NULL;
	}
}

static void render_json_entry(struct sonde_out *out, const struct ct_entry *e, const struct ct_labelmap *labels)
{
	out_open_object(out, NULL);
	/* An -E record's kind is "type", as in every streaming applet. */
	if (e->event != CT_EVENT_NONE)
		out_print_str(out, "type", NULL, event_name(e->event));
	out_print_str(out, "family", NULL, e->family == AF_INET6 ? "ipv6" : "ipv4");
	out_print_str(out, "proto", NULL, ct_proto_name(e->orig.proto));
	out_print_uint(out, "proto_num", NULL, e->orig.proto);
	if (e->has_timeout)
		out_print_uint(out, "timeout_s", NULL, e->timeout_s);
	if (e->has_tcp_state)
		out_print_str(out, "state", NULL, ct_tcp_state_name(e->tcp_state));
	render_tuple(out, "original", e->family, &e->orig, &e->counters[0]);
	render_tuple(out, "reply", e->family, &e->reply, &e->counters[1]);
	if (e->has_status)
		render_status(out, e);
	if (e->has_mark)
		out_print_uint(out, "mark", NULL, e->mark);
	if (e->has_secmark)
		out_print_uint(out, "secmark", NULL, e->secmark);
	if (e->has_secctx)
		out_print_str(out, "secctx", NULL, e->secctx);
	if (e->has_zone)
		out_print_uint(out, "zone", NULL, e->zone);
	if (e->has_ts_start)
		out_print_uint(out, "start_ns", NULL, e->ts_start_ns);
	if (e->has_ts_stop)
		out_print_uint(out, "stop_ns", NULL, e->ts_stop_ns);
	if (e->has_helper)
		out_print_str(out, "helper", NULL, e->helper);
	if (e->has_use)
		out_print_uint(out, "use", NULL, e->use);
	if (e->has_id)
		out_print_uint(out, "id", NULL, e->id);
	if (e->has_labels)
		render_labels(out, e, labels);
	if (e->portid)
		out_print_uint(out, "portid", NULL, e->portid);
	out_close_object(out);
}

void ct_render_entry(struct sonde_out *out, const struct ct_entry *e, unsigned format_flags,
		     const struct ct_labelmap *labels, uint64_t now_s)
{
	char line[CT_LINE_MAX];
	size_t len;

	if (out_is_json(out)) {
		render_json_entry(out, e, labels);
		return;
	}
	len = ct_format(line, sizeof(line), e, format_flags, labels, now_s);
	line[len++] = '\n';
	fwrite_unlocked(line, 1, len, out->fp);
}

