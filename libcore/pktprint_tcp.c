/* tcpdump's TCP line (without -v): flags, relative sequence numbers kept
 * in tcpdump's table of conversations, ack, window, options, length, and
 * what follows the length: DNS over TCP, or a marker for a port that
 * tcpdump hands to another of its printers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"

#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WSCALE 3
#define TCP_OPT_SACK_OK 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TIMESTAMP 8
#define DNS_PORT 53
#define SSH_PORT 22
#define TCP_RST_DATA_SHOWN 30 /* tcpdump shows this much of a reset's data */

/* The ports on which tcpdump 4.99.3 (without -q or -v) prints more than
 * nothing after a TCP segment's length (tcpdump.t checks the list). */
static const struct port_range tcp_decoded_ports[] = {
	{ 21, 21 }, { 23, 23 }, { 25, 25 }, { 43, 43 }, { 53, 53 }, { 80, 80 }, { 179, 179 },
	{ 323, 323 }, { 554, 554 }, { 639, 639 }, { 646, 646 }, { 1723, 1723 }, { 2049, 2049 },
	{ 6379, 6379 }, { 6633, 6633 }, { 6653, 6653 }, { 8080, 8080 }, { 8554, 8554 }, { 10288, 10288 },
};
#define TCP_DECODED PP_ARRAY_LEN(tcp_decoded_ports)

/* The ports tcpdump tries before SSH's (telnet, smtp, whois, bgp, pptp,
 * redis): on those SSH's printer is not reached. */
static const struct port_range tcp_ports_before_ssh[] = {
	{ 23, 23 }, { 25, 25 }, { 43, 43 }, { 179, 179 }, { 1723, 1723 }, { 6379, 6379 },
};

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

/* -v: ", cksum 0x1c46 (correct)" or "(incorrect -> 0x...)". */
static void tcp_checksum(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t len)
{
	uint16_t field = get16(p + 16), sum = pp_transport_cksum(ip, f->ip_header, PKT_PROTO_TCP, p, len);

	strbuf_printf(f->line, ", cksum 0x%04x", field);
	if (sum != 0)
		strbuf_printf(f->line, " (incorrect -> 0x%04x)", pp_cksum_shouldbe(field, sum));
	else
		strbuf_puts(f->line, " (correct)");
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

/* tcpdump's SSH printer: a segment that starts "SSH-" and holds the end
 * of that line (LF, or CR LF) in printable ASCII shows ": SSH: LINE";
 * other data shows nothing, and a line the capture cut " [|ssh]". */
static void ssh_version(struct pp_frame *f, const uint8_t *data, size_t caplen, size_t data_len)
{
	static const char prefix[] = "SSH-";
	size_t avail = caplen < data_len ? caplen : data_len, i;

	/* tcpdump reads the prefix whatever the length: past the data is
	 * past the capture */
	for (i = 0; i < 4; i++) {
		if (i >= avail)
			goto cut;
		if (data[i] != (uint8_t)prefix[i])
			return;
	}
	for (; i < data_len; i++) {
		if (i >= avail)
			goto cut;
		if (data[i] == '\n')
			break;
		if (data[i] == '\r') {
			if (i + 1 >= data_len)
				return;
			if (i + 1 >= avail)
				goto cut;
			if (data[i + 1] != '\n')
				return;
			break;
		}
		if (data[i] < 0x20 || data[i] > 0x7e)
			return;
	}
	if (i == data_len)
		return;
	strbuf_puts(f->line, ": SSH: ");
	strbuf_add(f->line, (const char *)data, i);
	return;
cut:
	pp_cut_short(f, "ssh");
}

/* What tcpdump prints after a segment's length: DNS over TCP, an SSH
 * version line, or nothing for a port it does not decode; a marker for
 * the other ports it does. */
static void tcp_payload(struct pp_frame *f, const uint16_t *ports, const uint8_t *data, size_t caplen,
			size_t data_len)
{
	if (pp_sole_decoded_port(tcp_decoded_ports, TCP_DECODED, ports, DNS_PORT)) {
		pp_dns_tcp(f, data, caplen, data_len);
		return;
	}
	if (pp_has_port(ports, SSH_PORT) &&
	    !pp_port_in(tcp_ports_before_ssh, PP_ARRAY_LEN(tcp_ports_before_ssh), ports[0]) &&
	    !pp_port_in(tcp_ports_before_ssh, PP_ARRAY_LEN(tcp_ports_before_ssh), ports[1])) {
		ssh_version(f, data, caplen, data_len);
		return;
	}
	if (pp_port_in(tcp_decoded_ports, TCP_DECODED, ports[0]) || pp_port_in(tcp_decoded_ports, TCP_DECODED, ports[1])) {
		strbuf_putc(f->line, ' ');
		pp_mark(f, "payload of tcp port %u",
			pp_port_in(tcp_decoded_ports, TCP_DECODED, ports[0]) ? ports[0] : ports[1]);
	}
}

/* -v: a reset's data (RFC 1122 lets it carry the reason as text), " [RST
 * TEXT]" with tcpdump's escapes; "[!RST" when not all of it was captured,
 * "+" when cut at 30 bytes. */
static void tcp_reset_data(struct pp_frame *f, const uint8_t *data, size_t caplen, size_t data_len)
{
	strbuf_puts(f->line, caplen >= data_len ? " [RST" : " [!RST");
	if (data_len > TCP_RST_DATA_SHOWN) {
		data_len = TCP_RST_DATA_SHOWN;
		strbuf_putc(f->line, '+');
	}
	strbuf_putc(f->line, ' ');
	pp_printn(f, data, data_len < caplen ? data_len : caplen);
	strbuf_putc(f->line, ']');
}

void pp_tcp(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len)
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
	pp_endpoints(f, ip, ports, true);
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
	if (f->pp->verbose && !pp_ip_fragmented(ip) && caplen >= len)
		tcp_checksum(f, ip, p, len);
	if (f->pp->verbose > 1 || data_len > 0 || (seg.flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST))) {
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
	if (data_len > 0 && (seg.flags & PKT_TCP_RST) && f->pp->verbose)
		tcp_reset_data(f, p + header_len, caplen - header_len, data_len);
	else if (data_len > 0)
		tcp_payload(f, ports, p + header_len, caplen - header_len, data_len);
}
