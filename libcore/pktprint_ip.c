/* tcpdump's lines for IPv4, IPv6, ICMP, ICMPv6, TCP and UDP (without -v),
 * on pkt_parse.c's parsers.  What tcpdump decodes further and this file
 * does not (fragments, other protocols, a TCP or UDP port that tcpdump hands
 * to one of its application printers) is marked, never guessed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"

#define IPV6_EXT_HOP_BY_HOP 0
#define IP_FLAG_MF 0x2000
#define IP_OFFSET_MASK 0x1fff
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WSCALE 3
#define TCP_OPT_SACK_OK 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TIMESTAMP 8
#define DNS_PORT 53
#define MDNS_PORT 5353

/* The ports on which tcpdump 4.99.3 (without -q or -v) prints more than
 * "UDP, length N", or more than nothing after a TCP segment's length:
 * observed by giving it every port with several payloads
 * (tests/func/tcpdump_ports.t checks these lists against it).  A port in a
 * list that this file does not decode gets a marker. */
struct port_range {
	uint16_t first, last;
};
static const struct port_range udp_decoded_ports[] = {
	{ 53, 53 }, { 67, 69 }, { 88, 88 }, { 123, 123 }, { 161, 162 }, { 319, 320 }, { 496, 496 },
	{ 500, 500 }, { 514, 514 }, { 520, 521 }, { 525, 525 }, { 546, 547 }, { 646, 646 }, { 654, 654 },
	{ 698, 698 }, { 701, 701 }, { 750, 750 }, { 921, 921 }, { 1589, 1589 }, { 1645, 1646 },
	{ 1700, 1701 }, { 1812, 1813 }, { 1985, 1985 }, { 2049, 2049 }, { 2103, 2104 }, { 3456, 3456 },
	{ 3503, 3503 }, { 3784, 3785 }, { 3799, 3799 }, { 4342, 4342 }, { 4500, 4500 }, { 4567, 4567 },
	{ 4784, 4784 }, { 4789, 4790 }, { 5060, 5060 }, { 5353, 5353 }, { 5359, 5359 }, { 6081, 6081 },
	{ 6343, 6343 }, { 6635, 6635 }, { 6696, 6697 }, { 6784, 6784 }, { 7000, 7009 }, { 7500, 7500 },
	{ 8231, 8231 }, { 8472, 8472 }, { 8500, 8500 }, { 12222, 12223 }, { 17754, 17754 },
	{ 30490, 30490 }, { 49152, 49152 },
};
static const struct port_range tcp_decoded_ports[] = {
	{ 21, 21 }, { 23, 23 }, { 25, 25 }, { 43, 43 }, { 53, 53 }, { 80, 80 }, { 179, 179 },
	{ 323, 323 }, { 554, 554 }, { 639, 639 }, { 646, 646 }, { 1723, 1723 }, { 2049, 2049 },
	{ 6379, 6379 }, { 6633, 6633 }, { 6653, 6653 }, { 8080, 8080 }, { 8554, 8554 }, { 10288, 10288 },
};

static bool port_in(const struct port_range *ranges, size_t count, uint16_t port)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (port >= ranges[i].first && port <= ranges[i].last)
			return true;
	return false;
}

/* "SRC > DST: " or, for TCP and UDP, "SRC.SPORT > DST.DPORT: ". */
static void print_endpoints(struct pp_frame *f, const struct pkt_ip *ip, const uint16_t *ports, bool tcp)
{
	pp_addr(f, ip->family, ip->src);
	if (ports) {
		strbuf_putc(f->line, '.');
		pp_port(f, ports[0], tcp);
	}
	strbuf_puts(f->line, " > ");
	pp_addr(f, ip->family, ip->dst);
	if (ports) {
		strbuf_putc(f->line, '.');
		pp_port(f, ports[1], tcp);
	}
	strbuf_puts(f->line, ": ");
}

/* --- ICMP ------------------------------------------------------------------ */

/* The quoted datagram's destination and its protocol's port, for
 * "udp port 53 unreachable". */
static bool quoted_port(const struct pkt_icmp *msg, uint16_t *port, bool *tcp)
{
	if (msg->quoted.proto != PKT_PROTO_TCP && msg->quoted.proto != PKT_PROTO_UDP)
		return false;
	*port = msg->quoted.dport;
	*tcp = msg->quoted.proto == PKT_PROTO_TCP;
	return true;
}

static bool icmp4_unreachable(struct pp_frame *f, const struct pkt_icmp *msg)
{
	uint16_t port;
	bool tcp;

	switch (msg->code) {
	case 0:
	case 1:
		strbuf_puts(f->line, msg->code == 0 ? "net " : "host ");
		pp_addr(f, AF_INET, msg->quoted_ip.dst);
		strbuf_puts(f->line, " unreachable");
		return true;
	case 2:
		pp_addr(f, AF_INET, msg->quoted_ip.dst);
		strbuf_printf(f->line, " protocol %u unreachable", msg->quoted_ip.proto);
		return true;
	case 3:
		if (!quoted_port(msg, &port, &tcp))
			return false;
		pp_addr(f, AF_INET, msg->quoted_ip.dst);
		strbuf_puts(f->line, tcp ? " tcp port " : " udp port ");
		pp_port(f, port, tcp);
		strbuf_puts(f->line, " unreachable");
		return true;
	case 4:
		pp_addr(f, AF_INET, msg->quoted_ip.dst);
		strbuf_printf(f->line, " unreachable - need to frag (mtu %u)", msg->mtu);
		return true;
	default:
		return false;
	}
}

static void print_icmp4(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	struct pkt_icmp msg;
	bool known = false;

	strbuf_puts(f->line, "ICMP ");
	if (pkt_parse_icmp(AF_INET, p, caplen, &msg) < 0) {
		pp_mark(f, "ICMP message (type %u)", caplen ? p[0] : 0);
		strbuf_printf(f->line, ", length %zu", len);
		return;
	}
	if (msg.type == PKT_ICMP_ECHO_REQUEST || msg.type == PKT_ICMP_ECHO_REPLY) {
		strbuf_printf(f->line, "echo %s, id %u, seq %u", msg.type == PKT_ICMP_ECHO_REQUEST ? "request" : "reply",
			      msg.id, msg.seq);
		known = true;
	} else if (msg.type == PKT_ICMP_UNREACH) {
		known = icmp4_unreachable(f, &msg);
	} else if (msg.type == PKT_ICMP_TIME_EXCEEDED && msg.code <= 1) {
		strbuf_puts(f->line, msg.code == 0 ? "time exceeded in-transit" : "ip reassembly time exceeded");
		known = true;
	}
	if (!known)
		pp_mark(f, "ICMP type %u code %u", msg.type, msg.code);
	strbuf_printf(f->line, ", length %zu", len);
}

static bool icmp6_unreachable(struct pp_frame *f, const struct pkt_icmp *msg)
{
	uint16_t port;
	bool tcp;

	if (msg->code != 4 || !quoted_port(msg, &port, &tcp))
		return false;
	strbuf_puts(f->line, ", unreachable port, ");
	pp_addr(f, AF_INET6, msg->quoted_ip.dst);
	strbuf_puts(f->line, tcp ? " tcp port " : " udp port ");
	pp_port(f, port, tcp);
	return true;
}

/* The message types printed here, with what follows their name. */
static bool icmp6_body(struct pp_frame *f, const struct pkt_icmp *msg, const uint8_t *p, size_t caplen)
{
	switch (msg->type) {
	case PKT_ICMP6_ECHO_REQUEST:
	case PKT_ICMP6_ECHO_REPLY:
		strbuf_printf(f->line, "echo %s, id %u, seq %u", msg->type == PKT_ICMP6_ECHO_REQUEST ? "request" : "reply",
			      msg->id, msg->seq);
		return true;
	case PKT_ICMP6_UNREACH:
		strbuf_puts(f->line, "destination unreachable");
		return icmp6_unreachable(f, msg);
	case PKT_ICMP6_TIME_EXCEEDED:
		if (msg->code != 0)
			return false;
		strbuf_puts(f->line, "time exceeded in-transit for ");
		pp_addr(f, AF_INET6, msg->quoted_ip.dst);
		return true;
	case PKT_ICMP6_PACKET_TOO_BIG:
		strbuf_printf(f->line, "packet too big, mtu %u", msg->mtu);
		return true;
	case 133:
		strbuf_puts(f->line, "router solicitation");
		return true;
	case 134:
		strbuf_puts(f->line, "router advertisement");
		return true;
	case 135:
	case 136:
		if (caplen < 24)
			return false;
		strbuf_puts(f->line, msg->type == 135 ? "neighbor solicitation, who has " : "neighbor advertisement, tgt is ");
		pp_addr(f, AF_INET6, p + 8);
		return true;
	case 143:
		strbuf_printf(f->line, "multicast listener report v2, %u group record(s)", get16(p + 6));
		return true;
	default:
		return false;
	}
}

static void print_icmp6(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	struct pkt_icmp msg;
	size_t mark_from;

	strbuf_puts(f->line, "ICMP6, ");
	mark_from = f->line->len;
	if (pkt_parse_icmp(AF_INET6, p, caplen, &msg) < 0 || !icmp6_body(f, &msg, p, caplen)) {
		/* Nothing half-printed stays: the marker replaces it. */
		f->line->len = mark_from;
		if (f->line->data)
			f->line->data[mark_from] = '\0';
		pp_mark(f, "ICMPv6 type %u code %u", caplen ? p[0] : 0, caplen > 1 ? p[1] : 0);
	}
	strbuf_printf(f->line, ", length %zu", len);
}

/* --- TCP ------------------------------------------------------------------- */

/* tcpdump's table of conversations: the first segment with ACK set (or any
 * SYN) fixes each side's base, later ones print numbers relative to it. */
struct tcp_key {
	uint8_t lo[16], hi[16];
	uint16_t lo_port, hi_port;
};

static void tcp_key(const struct pkt_ip *ip, uint16_t sport, uint16_t dport, struct tcp_key *key, bool *src_is_hi)
{
	size_t n = ip->family == AF_INET ? 4 : 16;
	int cmp = memcmp(ip->src, ip->dst, n);

	memset(key, 0, sizeof(*key));
	*src_is_hi = cmp > 0 || (cmp == 0 && sport > dport);
	memcpy(key->lo, *src_is_hi ? ip->dst : ip->src, n);
	memcpy(key->hi, *src_is_hi ? ip->src : ip->dst, n);
	key->lo_port = *src_is_hi ? dport : sport;
	key->hi_port = *src_is_hi ? sport : dport;
	/* IPv4 and IPv6 keys never meet: a v4 key's last 12 bytes are zero
	 * and its family byte below tells them apart. */
	key->lo[15] ^= (uint8_t)(ip->family == AF_INET);
}

static size_t tcp_hash(const struct tcp_key *key, size_t slots)
{
	const uint8_t *b = (const uint8_t *)key;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*key); i++)
		h = (h ^ b[i]) * 16777619u;
	return h & (slots - 1);
}

static bool tcp_key_equal(const struct pktprint_tcp_conv *c, const struct tcp_key *key)
{
	return memcmp(c->lo_addr, key->lo, 16) == 0 && memcmp(c->hi_addr, key->hi, 16) == 0 &&
	       c->lo_port == key->lo_port && c->hi_port == key->hi_port;
}

static int tcp_table_grow(struct pktprint *pp)
{
	size_t old = pp->tcp_slots, slots = old ? old * 2 : PKTPRINT_TCP_CONVS, i;
	struct pktprint_tcp_conv *table = calloc(slots, sizeof(*table));

	if (!table)
		return -ENOMEM;
	for (i = 0; i < old; i++) {
		struct tcp_key key;
		size_t at;

		if (!pp->tcp_convs[i].used)
			continue;
		memcpy(key.lo, pp->tcp_convs[i].lo_addr, 16);
		memcpy(key.hi, pp->tcp_convs[i].hi_addr, 16);
		key.lo_port = pp->tcp_convs[i].lo_port;
		key.hi_port = pp->tcp_convs[i].hi_port;
		for (at = tcp_hash(&key, slots); table[at].used; at = (at + 1) & (slots - 1))
			;
		table[at] = pp->tcp_convs[i];
	}
	free(pp->tcp_convs);
	pp->tcp_convs = table;
	pp->tcp_slots = slots;
	return 0;
}

/* The conversation's slot, added when absent; NULL when memory ran out. */
static struct pktprint_tcp_conv *tcp_conv(struct pktprint *pp, const struct tcp_key *key, bool *is_new)
{
	size_t at;

	if ((pp->tcp_used + 1) * 2 > pp->tcp_slots && tcp_table_grow(pp) < 0)
		return NULL;
	for (at = tcp_hash(key, pp->tcp_slots); pp->tcp_convs[at].used; at = (at + 1) & (pp->tcp_slots - 1))
		if (tcp_key_equal(&pp->tcp_convs[at], key)) {
			*is_new = false;
			return &pp->tcp_convs[at];
		}
	*is_new = true;
	pp->tcp_used++;
	memcpy(pp->tcp_convs[at].lo_addr, key->lo, 16);
	memcpy(pp->tcp_convs[at].hi_addr, key->hi, 16);
	pp->tcp_convs[at].lo_port = key->lo_port;
	pp->tcp_convs[at].hi_port = key->hi_port;
	pp->tcp_convs[at].used = true;
	return &pp->tcp_convs[at];
}

void pktprint_free(struct pktprint *pp)
{
	free(pp->tcp_convs);
	pp->tcp_convs = NULL;
	pp->tcp_slots = pp->tcp_used = 0;
}

struct tcp_seg {
	uint32_t seq, ack;
	uint32_t own_base, peer_base; /* what SACK blocks are made relative by */
	uint8_t flags;
};

/* Relative numbers as tcpdump keeps them; false when memory ran out. */
static bool tcp_relative(struct pp_frame *f, const struct pkt_ip *ip, uint16_t sport, uint16_t dport,
			 struct tcp_seg *seg)
{
	struct pktprint_tcp_conv *c;
	struct tcp_key key;
	bool src_is_hi, is_new;
	uint32_t *own, *peer;

	if (!(seg->flags & PKT_TCP_ACK))
		return true;
	tcp_key(ip, sport, dport, &key, &src_is_hi);
	if (!(c = tcp_conv(f->pp, &key, &is_new)))
		return false;
	own = src_is_hi ? &c->hi_seq : &c->lo_seq;
	peer = src_is_hi ? &c->lo_seq : &c->hi_seq;
	if (is_new || (seg->flags & PKT_TCP_SYN)) {
		*own = seg->seq;
		*peer = seg->ack - 1;
	} else {
		seg->seq -= *own;
		seg->ack -= *peer;
	}
	seg->own_base = *own;
	seg->peer_base = *peer;
	return true;
}

static void tcp_flags(struct pp_frame *f, uint8_t flags)
{
	static const char letters[] = "FSRP.UEW";
	size_t i;

	strbuf_puts(f->line, "Flags [");
	if (!flags)
		strbuf_puts(f->line, "none");
	for (i = 0; i < 8; i++)
		if (flags & (1u << i))
			strbuf_putc(f->line, letters[i]);
	strbuf_putc(f->line, ']');
}

/* One option's text; false for one this file does not print as tcpdump. */
static bool tcp_option(struct pp_frame *f, uint8_t kind, const uint8_t *data, size_t data_len,
		       const struct tcp_seg *seg)
{
	size_t i;

	switch (kind) {
	case TCP_OPT_MSS:
		if (data_len != 2)
			return false;
		strbuf_printf(f->line, "mss %u", get16(data));
		return true;
	case TCP_OPT_WSCALE:
		if (data_len != 1)
			return false;
		strbuf_printf(f->line, "wscale %u", data[0]);
		return true;
	case TCP_OPT_SACK_OK:
		if (data_len != 0)
			return false;
		strbuf_puts(f->line, "sackOK");
		return true;
	case TCP_OPT_TIMESTAMP:
		if (data_len != 8)
			return false;
		strbuf_printf(f->line, "TS val %u ecr %u", get32(data), get32(data + 4));
		return true;
	case TCP_OPT_SACK:
		if (data_len % 8 != 0)
			return false;
		strbuf_printf(f->line, "sack %zu ", data_len / 8);
		for (i = 0; i < data_len; i += 8)
			strbuf_printf(f->line, "{%u:%u}", get32(data + i) - seg->peer_base,
				      get32(data + i + 4) - seg->peer_base);
		return true;
	default:
		return false;
	}
}

/* ", options [mss 1460,sackOK,...]"; false when one is not printed exactly. */
static bool tcp_options(struct pp_frame *f, const uint8_t *opt, size_t len, const struct tcp_seg *seg)
{
	size_t off = 0;

	strbuf_puts(f->line, ", options [");
	while (off < len) {
		uint8_t kind = opt[off];
		size_t opt_len;

		if (off)
			strbuf_putc(f->line, ',');
		if (kind == TCP_OPT_EOL || kind == TCP_OPT_NOP) {
			strbuf_puts(f->line, kind == TCP_OPT_EOL ? "eol" : "nop");
			off++;
			if (kind == TCP_OPT_EOL)
				break;
			continue;
		}
		if (off + 2 > len || opt[off + 1] < 2 || off + opt[off + 1] > len)
			return false;
		opt_len = opt[off + 1];
		if (!tcp_option(f, kind, opt + off + 2, opt_len - 2, seg))
			return false;
		off += opt_len;
	}
	strbuf_putc(f->line, ']');
	return true;
}

static void print_tcp(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len)
{
	struct tcp_seg seg;
	uint16_t ports[2];
	size_t header_len, data_len;

	if (caplen < PKT_TCP_HDR_LEN) {
		pp_mark(f, "truncated TCP header");
		return;
	}
	ports[0] = get16(p);
	ports[1] = get16(p + 2);
	header_len = (size_t)(p[12] >> 4) * 4;
	print_endpoints(f, ip, ports, true);
	if (header_len < PKT_TCP_HDR_LEN || header_len > len || header_len > caplen) {
		pp_mark(f, "TCP header length %zu", header_len);
		return;
	}
	data_len = len - header_len;
	if (f->pp->quiet) {
		strbuf_printf(f->line, "tcp %zu", data_len);
		return;
	}
	seg = (struct tcp_seg){ .seq = get32(p + 4), .ack = get32(p + 8), .flags = p[13] };
	if (!tcp_relative(f, ip, ports[0], ports[1], &seg)) {
		pp_mark(f, "TCP (out of memory for the connection table)");
		return;
	}
	tcp_flags(f, seg.flags);
	if (data_len > 0 || (seg.flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST))) {
		strbuf_printf(f->line, ", seq %u", seg.seq);
		if (data_len > 0)
			strbuf_printf(f->line, ":%u", seg.seq + (uint32_t)data_len);
	}
	if (seg.flags & PKT_TCP_ACK)
		strbuf_printf(f->line, ", ack %u", seg.ack);
	strbuf_printf(f->line, ", win %u", get16(p + 14));
	if (seg.flags & 0x20)
		strbuf_printf(f->line, ", urg %u", get16(p + 18));
	if (header_len > PKT_TCP_HDR_LEN &&
	    !tcp_options(f, p + PKT_TCP_HDR_LEN, header_len - PKT_TCP_HDR_LEN, &seg)) {
		pp_mark(f, "TCP options");
		return;
	}
	strbuf_printf(f->line, ", length %zu", data_len);
	if (data_len > 0 &&
	    (port_in(tcp_decoded_ports, sizeof(tcp_decoded_ports) / sizeof(tcp_decoded_ports[0]), ports[0]) ||
	     port_in(tcp_decoded_ports, sizeof(tcp_decoded_ports) / sizeof(tcp_decoded_ports[0]), ports[1]))) {
		strbuf_putc(f->line, ' ');
		pp_mark(f, "payload of tcp port %u", port_in(tcp_decoded_ports, sizeof(tcp_decoded_ports) / sizeof(tcp_decoded_ports[0]), ports[0]) ? ports[0] : ports[1]);
	}
}

/* --- UDP ------------------------------------------------------------------- */

static bool udp_port_decoded(uint16_t port)
{
	return port_in(udp_decoded_ports, sizeof(udp_decoded_ports) / sizeof(udp_decoded_ports[0]), port);
}

static void print_udp(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len)
{
	uint16_t ports[2], udp_len, dns_port;
	size_t payload_len;

	if (caplen < PKT_UDP_HDR_LEN) {
		pp_mark(f, "truncated UDP header");
		return;
	}
	ports[0] = get16(p);
	ports[1] = get16(p + 2);
	udp_len = get16(p + 4);
	print_endpoints(f, ip, ports, false);
	if (udp_len < PKT_UDP_HDR_LEN || udp_len > len) {
		pp_mark(f, "UDP length %u in %zu bytes", udp_len, len);
		return;
	}
	payload_len = udp_len - PKT_UDP_HDR_LEN;
	if (f->pp->quiet || (!udp_port_decoded(ports[0]) && !udp_port_decoded(ports[1]))) {
		strbuf_printf(f->line, "UDP, length %zu", payload_len);
		return;
	}
	/* DNS when a DNS port is the only one tcpdump would decode. */
	dns_port = ports[0] == DNS_PORT || ports[0] == MDNS_PORT ? ports[0] : ports[1];
	if ((dns_port == DNS_PORT || dns_port == MDNS_PORT) &&
	    (ports[0] == ports[1] || !udp_port_decoded(ports[0] == dns_port ? ports[1] : ports[0]))) {
		pp_dns(f, p + PKT_UDP_HDR_LEN, caplen - PKT_UDP_HDR_LEN, payload_len, dns_port == MDNS_PORT);
		return;
	}
	strbuf_printf(f->line, "UDP, length %zu ", payload_len);
	pp_mark(f, "payload of udp port %u", udp_port_decoded(ports[0]) ? ports[0] : ports[1]);
}

/* --- IP -------------------------------------------------------------------- */

static void print_transport(struct pp_frame *f, const struct pkt_ip *ip, size_t caplen, size_t len)
{
	switch (ip->proto) {
	case PKT_PROTO_TCP:
		print_tcp(f, ip, ip->payload, caplen, len);
		return;
	case PKT_PROTO_UDP:
		print_udp(f, ip, ip->payload, caplen, len);
		return;
	case PKT_PROTO_ICMP:
		if (ip->family == AF_INET) {
			print_endpoints(f, ip, NULL, false);
			print_icmp4(f, ip->payload, caplen, len);
			return;
		}
		break;
	case PKT_PROTO_ICMPV6:
		if (ip->family == AF_INET6) {
			print_endpoints(f, ip, NULL, false);
			print_icmp6(f, ip->payload, caplen, len);
			return;
		}
		break;
	}
	print_endpoints(f, ip, NULL, false);
	pp_mark(f, "IP protocol %u", ip->proto);
	strbuf_printf(f->line, ", length %zu", len);
}

void pp_ipv4(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	struct pkt_ip ip;

	if (!f->pp->link_header)
		strbuf_puts(f->line, "IP ");
	if (pkt_parse_ipv4(p, caplen, true, &ip) < 0 || ip.total_len > len) {
		pp_mark(f, "IPv4 header");
		strbuf_printf(f->line, ", length %zu", len);
		return;
	}
	if (ip.frag_field & (IP_FLAG_MF | IP_OFFSET_MASK)) {
		print_endpoints(f, &ip, NULL, false);
		pp_mark(f, "IPv4 fragment");
		strbuf_printf(f->line, ", length %u", ip.total_len);
		return;
	}
	print_transport(f, &ip, ip.payload_len, ip.total_len - ip.header_len);
}

void pp_ipv6(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	struct pkt_ip ip;
	size_t i;

	if (!f->pp->link_header)
		strbuf_puts(f->line, "IP6 ");
	if (pkt_parse_ipv6(p, caplen, true, &ip) < 0 || ip.total_len > len) {
		pp_mark(f, "IPv6 header");
		strbuf_printf(f->line, ", length %zu", len);
		return;
	}
	for (i = 0; i < ip.ext_count; i++)
		if (ip.ext_types[i] != IPV6_EXT_HOP_BY_HOP) {
			print_endpoints(f, &ip, NULL, false);
			pp_mark(f, "IPv6 extension header %u", ip.ext_types[i]);
			strbuf_printf(f->line, ", length %u", ip.total_len);
			return;
		}
	if (ip.ext_count) {
		/* tcpdump prints the hop-by-hop header's name after the addresses. */
		print_endpoints(f, &ip, NULL, false);
		strbuf_puts(f->line, "HBH ");
		if (ip.proto != PKT_PROTO_ICMPV6) {
			pp_mark(f, "IP protocol %u after a hop-by-hop header", ip.proto);
			return;
		}
		print_icmp6(f, ip.payload, ip.payload_len, ip.total_len - ip.header_len);
		return;
	}
	print_transport(f, &ip, ip.payload_len, ip.total_len - ip.header_len);
}
