/* tcpdump's lines for IPv4 (fragments), IPv6 (extension headers), ICMP,
 * ICMPv6, UDP and VXLAN (without -v), on pkt_parse.c's parsers; TCP is
 * pktprint_tcp.c's.  What tcpdump decodes further and this file does not
 * (other protocols, a UDP port that tcpdump hands to one of its
 * application printers) is marked, never guessed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"
#include "sonde/services.h"

#define IPV6_EXT_HOP_BY_HOP 0
#define IPV6_EXT_ROUTING 43
#define IPV6_EXT_FRAGMENT 44
#define IPV6_EXT_DEST_OPTS 60
#define IP_FLAG_MF 0x2000
#define IP_OFFSET_MASK 0x1fff
#define DNS_PORT 53
#define MDNS_PORT 5353
#define VXLAN_PORT 4789
#define OTV_PORT 8472
#define NFS_PORT 2049
#define SUNRPC_CALL 0
#define SUNRPC_REPLY 1
#define VXLAN_HDR_LEN 8
/* Where an ICMP error's RFC 4884 extension starts: 8 + 128 bytes. */
#define ICMP_EXT_OFFSET 136
#define ND_NS_LEN 24

/* The ports on which tcpdump 4.99.3 (without -q or -v) prints more than
 * "UDP, length N": observed by giving it every port with several payloads
 * (tcpdump.t checks the list against it).  A port in the list that this
 * file does not decode gets a marker. */
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
#define UDP_DECODED PP_ARRAY_LEN(udp_decoded_ports)

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

/* -v: the checksum when wrong, and an error's quoted datagram on the next
 * line. */
static void icmp4_verbose(struct pp_frame *f, const struct pkt_ip *ip, const struct pkt_icmp *msg, const uint8_t *p,
			  size_t caplen, size_t len)
{
	uint16_t sum;

	if (!pp_ip_fragmented(ip) && caplen >= len && (sum = pkt_checksum(p, len)) != 0)
		strbuf_printf(f->line, " (wrong icmp cksum %x (->%x)!)", get16(p + 2), pp_cksum_shouldbe(get16(p + 2), sum));
	if (!msg || !msg->is_error)
		return;
	strbuf_puts(f->line, "\n\t");
	pp_ipv4(f, p + PKT_ICMP_HDR_LEN, caplen - PKT_ICMP_HDR_LEN, get16(p + PKT_ICMP_HDR_LEN + 2));
	if ((msg->type == PKT_ICMP_UNREACH || msg->type == PKT_ICMP_TIME_EXCEEDED || msg->type == PKT_ICMP_PARAM_PROBLEM) &&
	    len > ICMP_EXT_OFFSET && !pp_icmp4_extension(f, p, caplen, len))
		pp_mark(f, "ICMP multi-part extension cut short");
}

static void print_icmp4(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len)
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
	if (known && f->pp->verbose)
		icmp4_verbose(f, ip, &msg, p, caplen, len);
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

/* Neighbor solicitation and advertisement; with -v the length after the
 * name, the advertisement's flags and the options. */
static bool icmp6_neighbor(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	static const char *const na_flags[] = { "router", "solicited", "override" };
	const char *sep = "";
	size_t i;

	if (caplen < ND_NS_LEN)
		return false;
	strbuf_puts(f->line, p[0] == 135 ? "neighbor solicitation" : "neighbor advertisement");
	if (f->pp->verbose)
		strbuf_printf(f->line, ", length %zu", len);
	strbuf_puts(f->line, p[0] == 135 ? ", who has " : ", tgt is ");
	pp_addr(f, AF_INET6, p + 8);
	if (!f->pp->verbose)
		return true;
	if (p[0] == 136) {
		strbuf_puts(f->line, ", Flags [");
		for (i = 0; i < PP_ARRAY_LEN(na_flags); i++)
			if (p[4] & (0x80 >> i)) {
				strbuf_printf(f->line, "%s%s", sep, na_flags[i]);
				sep = ", ";
			}
		strbuf_printf(f->line, "%s]", *sep ? "" : "none");
	}
	return pp_nd_options(f, p + ND_NS_LEN, caplen - ND_NS_LEN, len - ND_NS_LEN);
}

static const char *mld2_record_type(uint8_t type)
{
	static const char *const names[] = { "is_in", "is_ex", "to_in", "to_ex", "allow", "block" };

	return type >= 1 && type <= PP_ARRAY_LEN(names) ? names[type - 1] : NULL;
}

/* A multicast listener report v2: with -v each group record, its sources
 * counted (-v) or listed (-vv), tcpdump's words for a record cut short. */
static bool mld2_report(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	size_t groups, g, at = 8, nsrcs, s;

	if (caplen < 8)
		return false;
	groups = get16(p + 6);
	strbuf_printf(f->line, "multicast listener report v2, %zu group record(s)", groups);
	if (!f->pp->verbose)
		return true;
	if (caplen < len)
		return false;
	for (g = 0; g < groups; g++) {
		const char *type;

		if (len < at + 20) {
			strbuf_puts(f->line, " [invalid number of groups]");
			return true;
		}
		strbuf_puts(f->line, " [gaddr ");
		pp_addr(f, AF_INET6, p + at + 4);
		if ((type = mld2_record_type(p[at])))
			strbuf_printf(f->line, " %s", type);
		else
			strbuf_printf(f->line, "  [v2-report-#%u]", p[at]);
		nsrcs = get16(p + at + 2);
		if (len < at + 20 + nsrcs * 16) {
			strbuf_printf(f->line, " [invalid number of sources %zu]", nsrcs);
			return true;
		}
		if (f->pp->verbose == 1) {
			strbuf_printf(f->line, ", %zu source(s)", nsrcs);
		} else {
			strbuf_puts(f->line, " {");
			for (s = 0; s < nsrcs; s++) {
				strbuf_putc(f->line, ' ');
				pp_addr(f, AF_INET6, p + at + 20 + s * 16);
			}
			strbuf_puts(f->line, " }");
		}
		at += 20 + nsrcs * 16;
		strbuf_putc(f->line, ']');
	}
	return true;
}

/* The message types printed here, with what follows their name. */
static bool icmp6_body(struct pp_frame *f, const struct pkt_icmp *msg, const uint8_t *p, size_t caplen, size_t len)
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
		if (!f->pp->verbose)
			return true;
		strbuf_printf(f->line, ", length %zu", len);
		return caplen >= 8 && pp_nd_options(f, p + 8, caplen - 8, len - 8);
	case 134:
		strbuf_puts(f->line, "router advertisement");
		return !f->pp->verbose || pp_router_advert(f, p, caplen, len);
	case 135:
	case 136:
		return icmp6_neighbor(f, p, caplen, len);
	case 143:
		return mld2_report(f, p, caplen, len);
	default:
		return false;
	}
}

static void print_icmp6(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len)
{
	struct pkt_icmp msg;
	size_t mark_from;
	uint16_t sum;

	/* Type, code and the checksum field (4 bytes) must lie inside the
	 * message: tcpdump prints no sum for a shorter one, and reading it
	 * would run past the packet's end. */
	if (f->pp->verbose && !pp_ip_fragmented(ip) && caplen >= len && len >= 4) {
		sum = pp_transport_cksum(ip, f->ip_header, PKT_PROTO_ICMPV6, p, len);
		if (sum != 0)
			strbuf_printf(f->line, "[bad icmp6 cksum 0x%04x -> 0x%04x!] ", get16(p + 2),
				      pp_cksum_shouldbe(get16(p + 2), sum));
		else
			strbuf_puts(f->line, "[icmp6 sum ok] ");
	}
	strbuf_puts(f->line, "ICMP6, ");
	mark_from = f->line->len;
	if (pkt_parse_icmp(AF_INET6, p, caplen, &msg) < 0 || !icmp6_body(f, &msg, p, caplen, len)) {
		/* Nothing half-printed stays: the marker replaces it. */
		f->line->len = mark_from;
		if (f->line->data)
			f->line->data[mark_from] = '\0';
		pp_mark(f, "ICMPv6 type %u code %u", caplen ? p[0] : 0, caplen > 1 ? p[1] : 0);
	}
	/* tcpdump's -v leaves the length out (the ND types print it after
	 * their name). */
	if (!f->pp->verbose)
		strbuf_printf(f->line, ", length %zu", len);
}

/* --- UDP ------------------------------------------------------------------- */

static bool udp_port_decoded(uint16_t port)
{
	return pp_port_in(udp_decoded_ports, UDP_DECODED, port);
}

/* "UDP, length N" (the UDP length), or tcpdump's "bad length" when the
 * datagram holds less and is not a first fragment. */
static void udp_length(struct pp_frame *f, const struct pkt_ip *ip, uint16_t udp_len, size_t len)
{
	bool fragmented = ip->family == AF_INET ? (ip->frag_field & IP_FLAG_MF) != 0
						: memchr(ip->ext_types, IPV6_EXT_FRAGMENT, ip->ext_count) != NULL;

	if (udp_len > len && !fragmented)
		strbuf_printf(f->line, "UDP, bad length %u > %zu", udp_len - PKT_UDP_HDR_LEN, len - PKT_UDP_HDR_LEN);
	else
		strbuf_printf(f->line, "UDP, length %u", udp_len - PKT_UDP_HDR_LEN);
}

/* -v: "[udp sum ok] " and the like before the payload's line: over IPv6
 * at -v, over IPv4 at -vv only, as tcpdump checks them. */
static void udp_checksum(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len)
{
	uint16_t field = get16(p + 6), sum;

	if (pp_ip_fragmented(ip) || (ip->family == AF_INET && f->pp->verbose < 2))
		return;
	if (ip->family == AF_INET && field == 0) {
		strbuf_puts(f->line, "[no cksum] ");
		return;
	}
	if (caplen < len)
		return;
	sum = pp_transport_cksum(ip, f->ip_header, PKT_PROTO_UDP, p, len);
	if (sum != 0)
		strbuf_printf(f->line, "[bad udp cksum 0x%04x -> 0x%04x!] ", field, pp_cksum_shouldbe(field, sum));
	else
		strbuf_puts(f->line, "[udp sum ok] ");
}

/* VXLAN (4789) and OTV (8472, Linux's VXLAN port, which Flannel uses):
 * an 8-byte header, then an Ethernet frame. */
static void print_udp_tunnel(struct pp_frame *f, bool otv, const uint8_t *p, size_t caplen, size_t len)
{
	if (len < VXLAN_HDR_LEN) {
		if (otv)
			strbuf_printf(f->line, "OTV, [length %zu < %d] (invalid)", len, VXLAN_HDR_LEN);
		else
			strbuf_puts(f->line, "VXLAN (invalid)");
		return;
	}
	if (caplen < VXLAN_HDR_LEN) {
		pp_mark(f, "truncated %s header", otv ? "OTV" : "VXLAN");
		return;
	}
	if (otv)
		strbuf_printf(f->line, "OTV, flags [%s] (0x%02x), overlay %u, instance %u\n", p[0] & 0x08 ? "I" : ".", p[0],
			      get32(p) & 0xffffff, get32(p + 4) >> 8);
	else
		strbuf_printf(f->line, "VXLAN, flags [%s] (0x%02x), vni %u\n", p[0] & 0x08 ? "I" : "invalid", p[0],
			      get32(p + 4) >> 8);
	f->ethernet(f, p + VXLAN_HDR_LEN, caplen - VXLAN_HDR_LEN, len - VXLAN_HDR_LEN);
}

/* tcpdump tries NFS first (a call to port 2049, a reply from it), then
 * DNS and mDNS ahead of every other port: a query from a client port
 * that has a printer of its own (49152, say) is still DNS. */
static bool udp_nfs_rpc(const uint16_t *ports, const uint8_t *payload, size_t caplen)
{
	uint32_t direction;

	if (caplen < 8)
		return false;
	direction = get32(payload + 4);
	return (ports[1] == NFS_PORT && direction == SUNRPC_CALL) || (ports[0] == NFS_PORT && direction == SUNRPC_REPLY);
}

static bool udp_is_dns(const uint16_t *ports, const uint8_t *payload, size_t caplen)
{
	return (pp_has_port(ports, DNS_PORT) || pp_has_port(ports, MDNS_PORT)) && !udp_nfs_rpc(ports, payload, caplen);
}

static void print_udp(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len)
{
	uint16_t ports[2], udp_len;
	size_t payload_len;

	if (caplen < PKT_UDP_HDR_LEN) {
		pp_mark(f, "truncated UDP header");
		return;
	}
	ports[0] = get16(p);
	ports[1] = get16(p + 2);
	udp_len = get16(p + 4);
	pp_endpoints(f, ip, ports, false);
	if (len < PKT_UDP_HDR_LEN) {
		strbuf_printf(f->line, "truncated-udp %zu", len);
		return;
	}
	if (udp_len < PKT_UDP_HDR_LEN) {
		strbuf_printf(f->line, "truncated-udplength %u", udp_len);
		return;
	}
	/* The payload decoders get what the datagram holds (less than the
	 * UDP length in a first fragment); the line says the UDP length. */
	payload_len = udp_len - PKT_UDP_HDR_LEN;
	if (len - PKT_UDP_HDR_LEN < payload_len)
		payload_len = len - PKT_UDP_HDR_LEN;
	caplen -= PKT_UDP_HDR_LEN;
	if (caplen > payload_len)
		caplen = payload_len;
	if (f->pp->verbose)
		udp_checksum(f, ip, p, caplen + PKT_UDP_HDR_LEN, payload_len + PKT_UDP_HDR_LEN);
	p += PKT_UDP_HDR_LEN;
	if (f->pp->quiet || (!udp_port_decoded(ports[0]) && !udp_port_decoded(ports[1]))) {
		udp_length(f, ip, udp_len, len);
		return;
	}
	if (udp_is_dns(ports, p, caplen)) {
		pp_dns(f, p, caplen, payload_len, !pp_has_port(ports, DNS_PORT));
		return;
	}
	if (pp_sole_decoded_port(udp_decoded_ports, UDP_DECODED, ports, OTV_PORT) ||
	    pp_sole_decoded_port(udp_decoded_ports, UDP_DECODED, ports, VXLAN_PORT)) {
		print_udp_tunnel(f, pp_has_port(ports, OTV_PORT), p, caplen, payload_len);
		return;
	}
	udp_length(f, ip, udp_len, len);
	strbuf_putc(f->line, ' ');
	pp_mark(f, "payload of udp port %u", udp_port_decoded(ports[0]) ? ports[0] : ports[1]);
}

/* --- IP -------------------------------------------------------------------- */

static void print_transport(struct pp_frame *f, const struct pkt_ip *ip, size_t caplen, size_t len)
{
	switch (ip->proto) {
	case PKT_PROTO_TCP:
		pp_tcp(f, ip, ip->payload, caplen, len);
		return;
	case PKT_PROTO_UDP:
		print_udp(f, ip, ip->payload, caplen, len);
		return;
	case PKT_PROTO_ICMP:
		if (ip->family == AF_INET) {
			pp_endpoints(f, ip, NULL, false);
			print_icmp4(f, ip, ip->payload, caplen, len);
			return;
		}
		break;
	case PKT_PROTO_ICMPV6:
		if (ip->family == AF_INET6) {
			pp_endpoints(f, ip, NULL, false);
			print_icmp6(f, ip, ip->payload, caplen, len);
			return;
		}
		break;
	}
	pp_endpoints(f, ip, NULL, false);
	pp_mark(f, "IP protocol %u", ip->proto);
	strbuf_printf(f->line, ", length %zu", len);
}

/* A fragment after the first: "SRC > DST: udp" (-n: "ip-proto-17"). */
static void print_later_fragment(struct pp_frame *f, const struct pkt_ip *ip)
{
	const char *name = f->pp->numeric ? NULL : protocols_name(ip->proto);

	pp_addr(f, ip->family, ip->src);
	strbuf_puts(f->line, " > ");
	pp_addr(f, ip->family, ip->dst);
	if (name)
		strbuf_printf(f->line, ": %s", name);
	else
		strbuf_printf(f->line, ": ip-proto-%u", ip->proto);
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
	if (f->pp->verbose)
		pp_ipv4_verbose(f, p, &ip);
	f->ip_header = p;
	if (ip.frag_field & IP_OFFSET_MASK) {
		print_later_fragment(f, &ip);
		return;
	}
	/* A first fragment is printed as a whole datagram would be, with
	 * what it holds. */
	print_transport(f, &ip, ip.payload_len, ip.total_len - ip.header_len);
}

/* An IPv6 routing header as tcpdump's "RT6 (len=2, type=0 [Deprecated],
 * segleft=1, [0]fd00::3) "; false when tcpdump stops at it ("(invalid)"). */
static bool print_ipv6_routing(struct pp_frame *f, const uint8_t *h)
{
	unsigned len = h[1], type = h[2], i;
	const uint8_t *addr = h + 8;

	strbuf_printf(f->line, "RT6 (len=%u, type=%u%s, segleft=%u", len, type, type == 0 ? " [Deprecated]" : "", h[3]);
	if (type == 0 || type == 2) {
		if (get32(h + 4) || f->pp->verbose)
			strbuf_printf(f->line, ", rsv=0x%x", get32(h + 4));
	} else if (type == 4) {
		strbuf_printf(f->line, ", last-entry=%u", h[4]);
		if (h[5] || f->pp->verbose)
			strbuf_printf(f->line, ", flags=0x%x", h[5]);
		strbuf_printf(f->line, ", tag=%x", get16(h + 6));
	} else {
		strbuf_puts(f->line, " (unknown type) (invalid)");
		return false;
	}
	if (len % 2 == 1) {
		strbuf_printf(f->line, " (invalid length %u) (invalid)", len);
		return false;
	}
	for (i = 0; i < len / 2; i++, addr += 16) {
		strbuf_printf(f->line, ", [%u]", i);
		pp_addr(f, AF_INET6, addr);
	}
	strbuf_puts(f->line, ") ");
	return true;
}

/* The options of a hop-by-hop or destination options header (body: after
 * its first two bytes): shown at -v only ("(padn)", "(rtalert: 0x0000) ",
 * then a space); false for what this file does not print as tcpdump
 * (malformed options, jumbo payload, home address), marked. */
static bool print_ipv6_opts(struct pp_frame *f, const uint8_t *body, size_t len)
{
	size_t i, opt_len;
	bool verbose = f->pp->verbose;

	for (i = 0; i < len; i += opt_len) {
		uint8_t type = body[i];

		opt_len = type == 0 ? 1 : i + 1 < len ? (size_t)body[i + 1] + 2 : 0;
		if (opt_len == 0 || i + opt_len > len || type == 0xc2 || type == 0xc9) {
			pp_mark(f, "IPv6 option %u", type);
			return false;
		}
		if (type == 5 && opt_len != 4) {
			pp_mark(f, "IPv6 router alert of %zu bytes", opt_len);
			return false;
		}
		if (!verbose)
			continue;
		if (type == 0)
			strbuf_puts(f->line, "(pad1)");
		else if (type == 1)
			strbuf_puts(f->line, "(padn)");
		else if (type == 5)
			strbuf_printf(f->line, "(rtalert: 0x%04x) ", get16(body + i + 2));
		else
			strbuf_printf(f->line, "(opt_type 0x%02x: len=%u)", type, body[i + 1]);
	}
	if (verbose && len)
		strbuf_putc(f->line, ' ');
	return true;
}

/* The extension headers' names as tcpdump prints them before the upper
 * layer ("HBH ", "DSTOPT ", "frag (0|1448) ", "RT6 (...) "); false when
 * tcpdump prints nothing after them (a later fragment, an invalid routing
 * header) or they are not decoded here (marked). */
static bool print_ipv6_ext(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p)
{
	size_t off = PKT_IPV6_HDR_LEN, i;
	uint8_t nh = p[6];

	for (i = 0; i < ip->ext_count; i++) {
		const uint8_t *h = p + off;

		switch (nh) {
		case IPV6_EXT_HOP_BY_HOP:
			if (i != 0) {
				pp_mark(f, "hop-by-hop header after another");
				return false;
			}
			strbuf_puts(f->line, "HBH ");
			off += ((size_t)h[1] + 1) * 8;
			if (!print_ipv6_opts(f, h + 2, ((size_t)h[1] + 1) * 8 - 2))
				return false;
			break;
		case IPV6_EXT_DEST_OPTS:
			strbuf_puts(f->line, "DSTOPT ");
			off += ((size_t)h[1] + 1) * 8;
			/* tcpdump reads destination options at -v only. */
			if (f->pp->verbose && !print_ipv6_opts(f, h + 2, ((size_t)h[1] + 1) * 8 - 2))
				return false;
			break;
		case IPV6_EXT_ROUTING:
			if (!print_ipv6_routing(f, h))
				return false;
			off += ((size_t)h[1] + 1) * 8;
			break;
		case IPV6_EXT_FRAGMENT:
			strbuf_puts(f->line, "frag (");
			if (f->pp->verbose)
				strbuf_printf(f->line, "0x%08x:", get32(h + 4));
			strbuf_printf(f->line, "%u|%zu)", get16(h + 2) & 0xfff8, (size_t)ip->total_len - off - 8);
			if (get16(h + 2) & 0xfff8)
				return false;
			strbuf_putc(f->line, ' ');
			off += 8;
			break;
		default:
			pp_mark(f, "IPv6 extension header %u", nh);
			return false;
		}
		nh = h[0];
	}
	return true;
}

void pp_ipv6(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	struct pkt_ip ip;
	size_t payload_wire;

	if (!f->pp->link_header)
		strbuf_puts(f->line, "IP6 ");
	if (pkt_parse_ipv6(p, caplen, true, &ip) < 0 || ip.total_len > len) {
		pp_mark(f, "IPv6 header");
		strbuf_printf(f->line, ", length %zu", len);
		return;
	}
	if (f->pp->verbose)
		pp_ipv6_verbose(f, p);
	f->ip_header = p;
	payload_wire = ip.total_len - ip.header_len;
	if (!ip.ext_count) {
		print_transport(f, &ip, ip.payload_len, payload_wire);
		return;
	}
	/* tcpdump names the addresses before the extension headers, and TCP
	 * and UDP name them again with their ports. */
	pp_endpoints(f, &ip, NULL, false);
	if (!print_ipv6_ext(f, &ip, p))
		return;
	switch (ip.proto) {
	case PKT_PROTO_TCP:
		pp_tcp(f, &ip, ip.payload, ip.payload_len, payload_wire);
		return;
	case PKT_PROTO_UDP:
		print_udp(f, &ip, ip.payload, ip.payload_len, payload_wire);
		return;
	case PKT_PROTO_ICMPV6:
		print_icmp6(f, &ip, ip.payload, ip.payload_len, payload_wire);
		return;
	default:
		pp_mark(f, "IP protocol %u after IPv6 extension headers", ip.proto);
	}
}
