/* An entry's text, byte for byte as conntrack-tools 1.4.7 (with
 * libnetfilter_conntrack 1.0.9) prints it: the default line, -o extended,
 * id, ktimestamp and labels, and -o save's command lines.
 *
 * Lines are built with small appenders rather than snprintf: a 200,000
 * entry table is formatted in one pass and the formatting is most of the
 * work a listing does. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sonde/conntrack.h"

struct line {
	char *buf;
	size_t size, len;                /* len never exceeds size - 1 */
};

static void put_mem(struct line *l, const char *s, size_t n)
{
	size_t room = l->size - 1 - l->len;

	if (n > room)
		n = room;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

static void put_char(struct line *l, char c)
{
	put_mem(l, &c, 1);
}

static void put_u64(struct line *l, uint64_t v)
{
	char digits[24];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_mem(l, digits + n, sizeof(digits) - n);
}

/* "%-8s %u ": a name padded to 8 columns, then a number. */
static void put_padded_name(struct line *l, const char *name, unsigned number)
{
	size_t n = strlen(name);

	put_mem(l, name, n);
	for (; n < 8; n++)
		put_char(l, ' ');
	put_char(l, ' ');
	put_u64(l, number);
	put_char(l, ' ');
}

/* key=value followed by a space, the shape of most fields. */
static void put_field_u64(struct line *l, const char *key, uint64_t v)
{
	put_str(l, key);
	put_u64(l, v);
	put_char(l, ' ');
}

static void put_field_str(struct line *l, const char *key, const char *v)
{
	put_str(l, key);
	put_str(l, v);
	put_char(l, ' ');
}

static void put_ipv4(struct line *l, const uint8_t *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			put_char(l, '.');
		put_u64(l, a[i]);
	}
}

static void put_addr(struct line *l, int family, const uint8_t *a)
{
	char text[INET6_ADDRSTRLEN];

	if (family == AF_INET)
		put_ipv4(l, a);
	else
		put_str(l, ct_addr_ntop(family, a, text, sizeof(text)));
}

static void put_hex16(struct line *l, uint16_t v)
{
	char text[8];

	snprintf(text, sizeof(text), "%x", v);
	put_str(l, text);
}

/* --- the default line ---------------------------------------------------- */

static const char *const sctp_state_names[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
};
#define SCTP_STATE_COUNT 8
#define DCCP_STATE_COUNT 10

static const char *sctp_state_name(uint8_t state)
{
	return state < SCTP_STATE_COUNT ? sctp_state_names[state] : sctp_state_names[0];
}

/* libnetfilter_conntrack 1.0.9 names DCCP states from its SCTP table (a bug
 * it has); the two states past that table print as glibc prints NULL. */
static const char *dccp_state_name(uint8_t state)
{
	if (state >= DCCP_STATE_COUNT)
		return sctp_state_names[0];
	return state < SCTP_STATE_COUNT ? sctp_state_names[state] : "(null)";
}

static void put_tuple(struct line *l, int family, const struct ct_tuple *t, uint8_t proto)
{
	if (family == AF_INET || family == AF_INET6) {
		put_str(l, "src=");
		put_addr(l, family, t->src);
		put_str(l, " dst=");
		put_addr(l, family, t->dst);
		put_char(l, ' ');
	}
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		put_field_u64(l, "sport=", t->sport);
		put_field_u64(l, "dport=", t->dport);
		break;
	case IPPROTO_GRE:
		put_str(l, "srckey=0x");
		put_hex16(l, t->sport);
		put_str(l, " dstkey=0x");
		put_hex16(l, t->dport);
		put_char(l, ' ');
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		put_field_u64(l, "type=", t->icmp_type);
		put_field_u64(l, "code=", t->icmp_code);
		put_field_u64(l, "id=", t->icmp_id);
		break;
	default:
		break;
	}
}

static void put_counters(struct line *l, const struct ct_counters *c)
{
	if (!c->present)
		return;
	put_field_u64(l, "packets=", c->packets);
	put_field_u64(l, "bytes=", c->bytes);
}

/* ctime() without its newline, as "[start=...]" shows it. */
static void put_ctime(struct line *l, const char *key, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000u);
	char text[64];

	put_str(l, key);
	if (ctime_r(&t, text)) {
		text[strcspn(text, "\n")] = '\0';
		put_str(l, text);
	}
	put_str(l, "] ");
}

static void put_labels(struct line *l, const struct ct_entry *e, const struct ct_labelmap *map)
{
	size_t bit;

	put_str(l, "labels=");
	for (bit = 0; bit < e->labels_len * 8 && bit < CT_LABEL_BITS; bit++) {
		/* The kernel's label words are host-order 32-bit integers. */
		uint32_t word;

		memcpy(&word, e->labels + (bit / 32) * 4, sizeof(word));
		if (!((word >> (bit % 32)) & 1) || !map->names[bit] || !map->names[bit][0])
			continue;
		put_str(l, map->names[bit]);
		put_char(l, ',');
	}
	/* Like libnetfilter_conntrack: the last character (the comma, or the
	 * '=' when no named label is set) becomes the separating space. */
	l->len--;
	put_char(l, ' ');
}

static void put_state(struct line *l, const struct ct_entry *e)
{
	if (e->has_tcp_state)
		put_field_str(l, "", ct_tcp_state_name(e->tcp_state));
	if (e->has_sctp_state)
		put_field_str(l, "", sctp_state_name(e->sctp_state));
	if (e->has_dccp_state)
		put_field_str(l, "", dccp_state_name(e->dccp_state));
}

static void put_event_type(struct line *l, enum ct_event_type event)
{
	switch (event) {
	case CT_EVENT_NEW: put_str(l, "    [NEW] "); break;
	case CT_EVENT_UPDATE: put_str(l, " [UPDATE] "); break;
	case CT_EVENT_DESTROY: put_str(l, "[DESTROY] "); break;
	default: break;
	}
}

static void put_status_tail(struct line *l, const struct ct_entry *e)
{
	if (!e->has_status)
		return;
	if (e->status & CT_STATUS_HW_OFFLOAD)
		put_str(l, "[HW_OFFLOAD] ");
	else if (e->status & CT_STATUS_OFFLOAD)
		put_str(l, "[OFFLOAD] ");
	else if (e->status & CT_STATUS_ASSURED)
		put_str(l, "[ASSURED] ");
}

static void put_meta(struct line *l, const struct ct_entry *e, unsigned flags, const struct ct_labelmap *labels,
		     uint64_t now_s)
{
	if (e->has_mark)
		put_field_u64(l, "mark=", e->mark);
	if (e->has_secmark)
		put_field_u64(l, "secmark=", e->secmark);
	if (e->has_secctx)
		put_field_str(l, "secctx=", e->secctx);
	if (e->has_zone)
		put_field_u64(l, "zone=", e->zone);
	if (e->has_ts_start) {
		uint64_t stop_s = e->ts_stop_ns ? e->ts_stop_ns / 1000000000u : now_s;

		put_field_u64(l, "delta-time=", stop_s - e->ts_start_ns / 1000000000u);
	}
	if (flags & CT_FMT_KTIMESTAMP) {
		if (e->has_ts_start)
			put_ctime(l, "[start=", e->ts_start_ns);
		if (e->has_ts_stop)
			put_ctime(l, "[stop=", e->ts_stop_ns);
	}
	if (e->has_helper)
		put_field_str(l, "helper=", e->helper);
	if (e->has_use)
		put_field_u64(l, "use=", e->use);
	if ((flags & CT_FMT_ID) && e->has_id)
		put_field_u64(l, "id=", e->id);
	if ((flags & CT_FMT_LABELS) && labels && e->has_labels)
		put_labels(l, e, labels);
}

static void format_default(struct line *l, const struct ct_entry *e, unsigned flags,
			   const struct ct_labelmap *labels, uint64_t now_s)
{
	uint8_t proto = e->orig.proto;

	put_event_type(l, e->event);
	if (flags & CT_FMT_EXTENDED)
		put_padded_name(l, e->family == AF_INET ? "ipv4" : e->family == AF_INET6 ? "ipv6" : "unknown",
				(unsigned)e->family);
	put_padded_name(l, ct_proto_name(proto), proto);
	if (e->has_timeout)
		put_field_u64(l, "", e->timeout_s);
	put_state(l, e);
	put_tuple(l, e->family, &e->orig, proto);
	if (e->orig.has_zone)
		put_field_u64(l, "zone-orig=", e->orig.zone);
	put_counters(l, &e->counters[0]);
	if (e->has_status && !(e->status & CT_STATUS_SEEN_REPLY))
		put_str(l, "[UNREPLIED] ");
	put_tuple(l, e->family, &e->reply, e->reply.proto);
	if (e->reply.has_zone)
		put_field_u64(l, "zone-reply=", e->reply.zone);
	put_counters(l, &e->counters[1]);
	put_status_tail(l, e);
	put_meta(l, e, flags, labels, now_s);
	/* Every field ends with a space; the line does not. */
	if (l->len && l->buf[l->len - 1] == ' ')
		l->len--;
}

/* --- -o save ------------------------------------------------------------- */

static void put_opt_u64(struct line *l, const char *opt, uint64_t v)
{
	put_str(l, opt);
	put_char(l, ' ');
	put_u64(l, v);
	put_char(l, ' ');
}

static void put_opt_addr(struct line *l, const char *opt, int family, const uint8_t *a)
{
	put_str(l, opt);
	put_char(l, ' ');
	put_addr(l, family, a);
	put_char(l, ' ');
}

/* -u: the status bits conntrack-tools can set, in bit order, or UNSET. */
static void put_save_status(struct line *l, uint32_t status)
{
	static const unsigned bits[] = { 0, 1, 2, 10 };
	bool any = false;
	size_t i;

	put_str(l, "-u ");
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(status & (1u << bits[i])))
			continue;
		if (any)
			put_char(l, ',');
		put_str(l, ct_status_bit_name(bits[i]));
		any = true;
	}
	put_str(l, any ? " " : "UNSET ");
}

static void put_save_ports(struct line *l, const struct ct_entry *e, const char *const names[4])
{
	if (e->orig.has_ports) {
		put_opt_u64(l, names[0], e->orig.sport);
		put_opt_u64(l, names[1], e->orig.dport);
	}
	if (e->reply.has_ports) {
		put_opt_u64(l, names[2], e->reply.sport);
		put_opt_u64(l, names[3], e->reply.dport);
	}
}

static void put_save_proto(struct line *l, const struct ct_entry *e)
{
	static const char *const port_opts[4] = { "--sport", "--dport", "--reply-port-src", "--reply-port-dst" };
	static const char *const key_opts[4] = { "--srckey", "--dstkey", "--reply-key-src", "--reply-key-dst" };
	uint8_t proto = e->orig.proto;
	bool v6 = proto == IPPROTO_ICMPV6;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_GRE:
		put_str(l, "-p ");
		put_str(l, ct_proto_name(proto));
		put_char(l, ' ');
		put_save_ports(l, e, proto == IPPROTO_GRE ? key_opts : port_opts);
		if (proto == IPPROTO_TCP && e->has_tcp_state)
			put_field_str(l, "--state ", ct_tcp_state_name(e->tcp_state));
		else if (proto == IPPROTO_SCTP && e->has_sctp_state)
			put_field_str(l, "--state ", sctp_state_name(e->sctp_state));
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		put_str(l, v6 ? "-p icmpv6 " : "-p icmp ");
		if (e->orig.has_icmp) {
			put_opt_u64(l, v6 ? "--icmpv6-type" : "--icmp-type", e->orig.icmp_type);
			put_opt_u64(l, v6 ? "--icmpv6-code" : "--icmp-code", e->orig.icmp_code);
			put_opt_u64(l, v6 ? "--icmpv6-id" : "--icmp-id", e->orig.icmp_id);
		}
		break;
	default:
		put_str(l, "-p ");
		put_u64(l, proto);
		put_char(l, ' ');
		break;
	}
}

static void format_save(struct line *l, const struct ct_entry *e)
{
	int f = e->family;

	if (f != AF_INET && f != AF_INET6)
		return;
	put_str(l, e->event == CT_EVENT_UPDATE ? "-U " : e->event == CT_EVENT_DESTROY ? "-D " : "-A ");
	if (e->has_timeout)
		put_opt_u64(l, "-t", e->timeout_s);
	if (e->has_status)
		put_save_status(l, e->status);
	if (e->has_secmark)
		put_opt_u64(l, "-c", e->secmark);
	if (e->has_zone)
		put_opt_u64(l, "-w", e->zone);
	if (e->orig.has_zone)
		put_opt_u64(l, "--orig-zone", e->orig.zone);
	if (e->reply.has_zone)
		put_opt_u64(l, "--reply-zone", e->reply.zone);
	put_opt_addr(l, "-s", f, e->orig.src);
	put_opt_addr(l, "-d", f, e->orig.dst);
	/* A translated direction reads as the NAT option that would create it. */
	put_opt_addr(l, ct_is_dnat(e) ? "-g" : "-r", f, e->reply.src);
	put_opt_addr(l, ct_is_snat(e) ? "-n" : "-q", f, e->reply.dst);
	put_save_proto(l, e);
	while (l->len && l->buf[l->len - 1] == ' ')
		l->len--;
}

size_t ct_format(char *buf, size_t size, const struct ct_entry *entry, unsigned flags,
		 const struct ct_labelmap *labels, uint64_t now_s)
{
	struct line l = { buf, size, 0 };

	if (size == 0)
		return 0;
	if (flags & CT_FMT_SAVE)
		format_save(&l, entry);
	else
		format_default(&l, entry, flags, labels, now_s);
	buf[l.len] = '\0';
	return l.len;
}

/* --- label names --------------------------------------------------------- */

const char *ct_labelmap_default_path(void)
{
	static const char *const paths[] = { "/etc/xtables/connlabel.conf", "/etc/connlabel.conf" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

/* One "BIT NAME" line; comments and malformed lines are skipped. */
static void labelmap_add_line(struct ct_labelmap *map, const char *line)
{
	char name[64];
	unsigned bit;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '#' || sscanf(line, "%u %63s", &bit, name) != 2 || bit >= CT_LABEL_BITS)
		return;
	if (!map->names[bit])
		map->names[bit] = strdup(name);
}

int ct_labelmap_load(struct ct_labelmap *map, const char *path)
{
	char line[256];
	FILE *fp;

	memset(map, 0, sizeof(*map));
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	while (fgets(line, sizeof(line), fp))
		labelmap_add_line(map, line);
	fclose(fp);
	return 0;
}

void ct_labelmap_free(struct ct_labelmap *map)
{
	size_t i;

	for (i = 0; i < CT_LABEL_BITS; i++) {
		free(map->names[i]);
		map->names[i] = NULL;
	}
}
