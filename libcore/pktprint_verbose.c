/* What -v adds to tcpdump 4.99.3's lines, for the other pktprint files:
 * the IPv4 header's fields "(tos 0x0, ttl 64, id 1, offset 0, flags [DF],
 * proto ICMP (1), length 84)" and IPv6's "(hlim 64, next-header ICMPv6 (58)
 * payload length: 64) ", the protocol names tcpdump gives them, and the
 * checksums as tcpdump verifies them (its "should be" value included). */
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"

#define IP_FLAG_RESERVED 0x8000
#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define IP_OFFSET_MASK 0x1fff
#define IPV6_EXT_ROUTING 43
#define IPV6_EXT_FRAGMENT 44
#define IPV6_EXT_AUTH 51

/* tcpdump's names of IP protocols in these headers ("unknown" otherwise). */
static const struct {
	uint8_t proto;
	const char *name;
} ip_proto_names[] = {
	{ 0, "Options" },     { 1, "ICMP" },      { 2, "IGMP" },           { 4, "IPIP" },
	{ 6, "TCP" },         { 8, "EGP" },       { 9, "IGRP" },           { 17, "UDP" },
	{ 33, "DCCP" },       { 41, "IPv6" },     { 43, "Routing" },       { 44, "Fragment" },
	{ 46, "RSVP" },       { 47, "GRE" },      { 50, "ESP" },           { 51, "AH" },
	{ 55, "Mobile IP" },  { 58, "ICMPv6" },   { 62, "Mobile IP (old)" }, { 88, "EIGRP" },
	{ 89, "OSPF" },       { 103, "PIM" },     { 108, "Compressed IP" }, { 112, "VRRP" },
	{ 113, "PGM" },       { 132, "SCTP" },    { 135, "Mobility" },     { 143, "Ethernet" },
};

static const char *ip_proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < PP_ARRAY_LEN(ip_proto_names); i++)
		if (ip_proto_names[i].proto == proto)
			return ip_proto_names[i].name;
	return "unknown";
}

uint16_t pp_cksum_shouldbe(uint16_t field, uint16_t computed)
{
	uint32_t sum = (uint32_t)field + computed;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The destination a transport checksum covers: the last address of an
 * IPv6 routing header of type 0 or 2, the first segment of type 4. */
static const uint8_t *checksum_dst(const struct pkt_ip *ip, const uint8_t *ip_header)
{
	size_t off = PKT_IPV6_HDR_LEN, i;

	if (!ip_header)
		return ip->dst;
	if (ip->family == AF_INET)
		return ip->header_len > PKT_IPV4_HDR_LEN ? pp_ipv4_route_dst(ip, ip_header) : ip->dst;
	for (i = 0; i < ip->ext_count; i++) {
		const uint8_t *h = ip_header + off;
		unsigned addrs = h[1] / 2;

		if (ip->ext_types[i] == IPV6_EXT_ROUTING) {
			if ((h[2] == 0 || h[2] == 2) && addrs)
				return h + 8 + (addrs - 1) * 16;
			if (h[2] == 4 && addrs)
				return h + 8;
			return ip->dst;
		}
		if (ip->ext_types[i] == IPV6_EXT_FRAGMENT)
			off += 8;
		else if (ip->ext_types[i] == IPV6_EXT_AUTH)
			off += ((size_t)h[1] + 2) * 4;
		else
			off += ((size_t)h[1] + 1) * 8;
	}
	return ip->dst;
}

uint16_t pp_transport_cksum(const struct pkt_ip *ip, const uint8_t *ip_header, uint8_t proto, const uint8_t *seg,
			    size_t len)
{
	uint32_t sum = 0;

	if (ip->family == AF_INET6 || proto != PKT_PROTO_ICMP)
		sum = pkt_pseudo_sum(ip->family, ip->src, checksum_dst(ip, ip_header), proto, (uint32_t)len);
	return pkt_fold(pkt_sum(seg, len, sum));
}

bool pp_ip_fragmented(const struct pkt_ip *ip)
{
	if (ip->family == AF_INET)
		return (ip->frag_field & IP_FLAG_MF) != 0;
	return memchr(ip->ext_types, IPV6_EXT_FRAGMENT, ip->ext_count) != NULL;
}

/* bittok2str's way: the names of the bits set, ", " between, or "none". */
static void ip_flags(struct pp_frame *f, uint16_t frag)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} names[] = { { IP_FLAG_MF, "+" }, { IP_FLAG_DF, "DF" }, { IP_FLAG_RESERVED, "rsvd" } };
	const char *sep = "";
	size_t i;

	strbuf_puts(f->line, "flags [");
	for (i = 0; i < PP_ARRAY_LEN(names); i++)
		if (frag & names[i].bit) {
			strbuf_printf(f->line, "%s%s", sep, names[i].name);
			sep = ", ";
		}
	strbuf_printf(f->line, "%s], ", *sep ? "" : "none");
}

void pp_ipv4_verbose(struct pp_frame *f, const uint8_t *p, const struct pkt_ip *ip)
{
	static const char *const ecn[] = { "", ",ECT(1)", ",ECT(0)", ",CE" };
	uint16_t frag = get16(p + 6), sum;

	strbuf_printf(f->line, "(tos 0x%x%s", p[1], ecn[p[1] & 3]);
	if (p[8] >= 1)
		strbuf_printf(f->line, ", ttl %u", p[8]);
	strbuf_printf(f->line, ", id %u, offset %u, ", get16(p + 4), (frag & IP_OFFSET_MASK) * 8);
	ip_flags(f, frag);
	strbuf_printf(f->line, "proto %s (%u), length %u", ip_proto_name(p[9]), p[9], ip->total_len);
	if (ip->header_len > PKT_IPV4_HDR_LEN) {
		strbuf_puts(f->line, ", options (");
		if (!pp_ipv4_options(f, p + PKT_IPV4_HDR_LEN, ip->header_len - PKT_IPV4_HDR_LEN,
				  ip->header_len + ip->payload_len - PKT_IPV4_HDR_LEN))
			pp_mark(f, "IPv4 option cut short");
		strbuf_putc(f->line, ')');
	}
	sum = pkt_checksum(p, ip->header_len);
	if (sum != 0)
		strbuf_printf(f->line, ", bad cksum %x (->%x)!", get16(p + 10), pp_cksum_shouldbe(get16(p + 10), sum));
	strbuf_puts(f->line, ")\n    ");
}

void pp_ipv6_verbose(struct pp_frame *f, const uint8_t *p)
{
	uint32_t flow = get32(p);

	strbuf_putc(f->line, '(');
	if (flow & 0x0ff00000)
		strbuf_printf(f->line, "class 0x%02x, ", (flow & 0x0ff00000) >> 20);
	if (flow & 0x000fffff)
		strbuf_printf(f->line, "flowlabel 0x%05x, ", flow & 0x000fffff);
	strbuf_printf(f->line, "hlim %u, next-header %s (%u) payload length: %u) ", p[7], ip_proto_name(p[6]), p[6],
		      get16(p + 4));
}
