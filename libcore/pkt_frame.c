/* A captured frame into its layers' fields (pktframe.h): the link headers
 * here, IP and the transport header through pkt_parse.c.  tcpdump --json,
 * --flows and --dns read frames through this; tcpdump's lines are
 * pktprint*.c's. */
#include <string.h>
#include <sys/socket.h>

#include "sonde/bytes.h"
#include "sonde/pktframe.h"

#define ETHER_HDR_LEN 14
#define VLAN_TAG_LEN 4
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define SLL_OUTGOING 4
#define VLAN_ID_MASK 0x0fff

static enum pkt_direction sll_direction(uint16_t pkttype)
{
	return pkttype == SLL_OUTGOING ? PKT_DIR_OUT : pkttype < SLL_OUTGOING ? PKT_DIR_IN : PKT_DIR_UNKNOWN;
}

/* Returns the link header's length, 0 when it is cut short. */
static size_t parse_ethernet(const uint8_t *p, size_t caplen, struct pkt_frame *f)
{
	size_t off = ETHER_HDR_LEN;

	if (caplen < ETHER_HDR_LEN)
		return 0;
	memcpy(f->dst_mac, p, 6);
	memcpy(f->src_mac, p + 6, 6);
	f->has_macs = true;
	f->ethertype = get16(p + 12);
	while ((f->ethertype == ETHERTYPE_VLAN || f->ethertype == ETHERTYPE_QINQ) &&
	       f->vlan_count < PKT_FRAME_MAX_VLANS) {
		if (caplen < off + VLAN_TAG_LEN)
			return 0;
		f->vlan_ids[f->vlan_count++] = get16(p + off) & VLAN_ID_MASK;
		f->ethertype = get16(p + off + 2);
		off += VLAN_TAG_LEN;
	}
	return off;
}

static size_t parse_sll(const uint8_t *p, size_t caplen, struct pkt_frame *f)
{
	if (caplen < SLL_HDR_LEN)
		return 0;
	f->has_pkttype = true;
	f->pkttype = get16(p);
	f->direction = sll_direction(f->pkttype);
	if (get16(p + 4) == 6) {
		memcpy(f->src_mac, p + 6, 6);
		f->has_macs = true;
	}
	f->ethertype = get16(p + 14);
	return SLL_HDR_LEN;
}

static size_t parse_sll2(const uint8_t *p, size_t caplen, struct pkt_frame *f)
{
	if (caplen < SLL2_HDR_LEN)
		return 0;
	f->ethertype = get16(p);
	f->has_ifindex = true;
	f->ifindex = get32(p + 4);
	f->has_pkttype = true;
	f->pkttype = p[10];
	f->direction = sll_direction(f->pkttype);
	if (p[11] == 6) {
		memcpy(f->src_mac, p + 12, 6);
		f->has_macs = true;
	}
	return SLL2_HDR_LEN;
}

/* The transport header's length, as far as it is known and present. */
static size_t transport_header_len(const struct pkt_frame *f)
{
	const uint8_t *p = f->ip.payload;

	switch (f->ip.proto) {
	case PKT_PROTO_TCP:
		if (!f->transport.tcp_full || (size_t)(p[12] >> 4) * 4 > f->ip.payload_len)
			return 0;
		return (size_t)(p[12] >> 4) * 4;
	case PKT_PROTO_UDP:
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMPV6:
		return 8;
	default:
		return 0;
	}
}

static void parse_transport(struct pkt_frame *f)
{
	size_t header_len, ip_payload_wire;

	/* A later fragment carries no transport header. */
	if (f->ip.more_fragments)
		return;
	if (pkt_parse_transport(f->ip.proto, f->ip.payload, f->ip.payload_len, &f->transport) < 0)
		return;
	if ((header_len = transport_header_len(f)) == 0)
		return;
	if (f->ip.proto == PKT_PROTO_TCP) {
		f->tcp_window = get16(f->ip.payload + 14);
		f->tcp_header_len = header_len;
	}
	ip_payload_wire = f->ip.total_len > f->ip.header_len ? f->ip.total_len - f->ip.header_len : 0;
	f->payload = f->ip.payload + header_len;
	f->payload_len = f->ip.payload_len - header_len;
	f->payload_wire_len = ip_payload_wire > header_len ? ip_payload_wire - header_len : 0;
	f->depth = PKT_FRAME_TRANSPORT;
}

void pkt_frame_parse(int linktype, const uint8_t *frame, size_t caplen, size_t wire_len, struct pkt_frame *f)
{
	size_t link_len;

	memset(f, 0, sizeof(*f));
	f->linktype = linktype;
	if (caplen > wire_len)
		caplen = wire_len;
	if (linktype == PKT_LINK_ETHERNET)
		link_len = parse_ethernet(frame, caplen, f);
	else if (linktype == PKT_LINK_SLL)
		link_len = parse_sll(frame, caplen, f);
	else if (linktype == PKT_LINK_SLL2)
		link_len = parse_sll2(frame, caplen, f);
	else
		link_len = 0;
	if (link_len == 0)
		return;
	f->link_len = link_len;
	f->depth = PKT_FRAME_LINK;
	if (f->ethertype != PKT_ETHERTYPE_IPV4 && f->ethertype != PKT_ETHERTYPE_IPV6)
		return;
	/* A frame cut by the snapshot length holds less than its IP header
	 * claims: read it as a quote is read. */
	if (pkt_parse_ip(frame + link_len, caplen - link_len, f->ethertype == PKT_ETHERTYPE_IPV4 ? AF_INET : AF_INET6,
			 caplen < wire_len, &f->ip) < 0)
		return;
	f->depth = PKT_FRAME_IP;
	parse_transport(f);
}
