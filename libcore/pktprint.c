/* tcpdump's line for a frame: the link layers (Ethernet, Linux cooked v1
 * and v2, raw IP), ARP, and the helpers every layer prints with.  The
 * layouts are tcpdump 4.99.3's, compared line by line with it in
 * tests/func/tcpdump.t. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"

#define ETHER_HDR_LEN 14
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define ARP_ETHER_IPV4_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
/* Below this an Ethernet type field is an 802.3 length. */
#define ETHER_MAX_LENGTH_FIELD 1500

static const char *ethertype_name(uint16_t type)
{
	switch (type) {
	case PP_ETHERTYPE_IPV4:
		return "IPv4";
	case PP_ETHERTYPE_ARP:
		return "ARP";
	case PP_ETHERTYPE_IPV6:
		return "IPv6";
	case PP_ETHERTYPE_8021Q:
		return "802.1Q";
	case PP_ETHERTYPE_QINQ:
		return "802.1Q-QinQ";
	case 0x9100:
		return "802.1Q-9100";
	case 0x9200:
		return "802.1Q-9200";
	default:
		return NULL;
	}
}

/* --- ARP ------------------------------------------------------------------ */

static bool mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, sizeof(zero)) == 0;
}

/* Ethernet/IPv4 ARP only: other hardware or protocol types are marked. */
static void pp_arp(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	uint16_t op;

	if (!f->pp->link_header)
		strbuf_puts(f->line, "ARP, ");
	if (caplen < ARP_ETHER_IPV4_LEN) {
		pp_mark(f, "truncated ARP");
		return;
	}
	if (get16(p) != 1 || get16(p + 2) != PP_ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4) {
		pp_mark(f, "ARP for hardware type %u, protocol 0x%04x", get16(p), get16(p + 2));
		return;
	}
	op = get16(p + 6);
	/* -v names the hardware and protocol types first. */
	if (f->pp->verbose)
		strbuf_puts(f->line, "Ethernet (len 6), IPv4 (len 4), ");
	if (op == ARP_OP_REQUEST) {
		strbuf_puts(f->line, "Request who-has ");
		pp_addr(f, AF_INET, p + 24);
		if (!mac_is_zero(p + 18)) {
			strbuf_puts(f->line, " (");
			if (!pp_mac(f, p + 18))
				return;
			strbuf_putc(f->line, ')');
		}
		strbuf_puts(f->line, " tell ");
		pp_addr(f, AF_INET, p + 14);
	} else if (op == ARP_OP_REPLY) {
		strbuf_puts(f->line, "Reply ");
		pp_addr(f, AF_INET, p + 14);
		strbuf_puts(f->line, " is-at ");
		if (!pp_mac(f, p + 8))
			return;
	} else {
		pp_mark(f, "ARP operation %u", op);
		return;
	}
	strbuf_printf(f->line, ", length %zu", len);
}

void pp_ethertype(struct pp_frame *f, uint16_t type, const uint8_t *p, size_t caplen, size_t len)
{
	switch (type) {
	case PP_ETHERTYPE_IPV4:
		pp_ipv4(f, p, caplen, len);
		return;
	case PP_ETHERTYPE_IPV6:
		pp_ipv6(f, p, caplen, len);
		return;
	case PP_ETHERTYPE_ARP:
		pp_arp(f, p, caplen, len);
		return;
	default:
		if (type <= ETHER_MAX_LENGTH_FIELD)
			pp_mark(f, "802.3 frame with length field %u", type);
		else
			pp_mark(f, "ethertype 0x%04x", type);
		strbuf_printf(f->line, ", length %zu", len);
	}
}

/* -e's "ethertype IPv4 (0x0800), length 98: " (after an 802.1Q tag:
 * "ethertype IPv4 (0x0800), "), or a marker for a type the printer does
 * not name.  Returns whether the network layer follows. */
static bool link_ethertype_header(struct pp_frame *f, uint16_t type, size_t wire_len, bool after_tag)
{
	const char *name = ethertype_name(type);

	if (!name) {
		pp_mark(f, "ethertype 0x%04x", type);
		strbuf_printf(f->line, ", length %zu", wire_len);
		return false;
	}
	strbuf_printf(f->line, "ethertype %s (0x%04x), ", name, type);
	if (!after_tag)
		strbuf_printf(f->line, "length %zu: ", wire_len);
	return true;
}

static bool is_vlan_type(uint16_t type)
{
	return type == PP_ETHERTYPE_8021Q || type == PP_ETHERTYPE_QINQ || type == 0x9100 || type == 0x9200;
}

/* 802.1Q tags (QinQ: several): tcpdump shows them with -e only, as
 * "ethertype 802.1Q (0x8100), length 102: vlan 100, p 0, ".  *off moves
 * past them and *type becomes the type inside; false when the frame ends
 * within a tag (marked). */
static bool vlan_tags(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t wire_len, size_t *off,
		      uint16_t *type)
{
	bool tagged = false;

	while (is_vlan_type(*type)) {
		uint16_t tci;

		if (caplen < *off + 4 || wire_len < *off + 4) {
			/* tcpdump's mark of a truncated layer. */
			strbuf_puts(f->line, " [|vlan]");
			return false;
		}
		tci = get16(p + *off);
		if (f->pp->link_header) {
			link_ethertype_header(f, *type, wire_len, tagged);
			strbuf_printf(f->line, "vlan %u, p %u%s, ", tci & 0xfff, tci >> 13, tci & 0x1000 ? ", DEI" : "");
		}
		tagged = true;
		*type = get16(p + *off + 2);
		*off += 4;
	}
	return true;
}

/* An Ethernet frame (802.1Q tags too) from its MAC addresses on, as a
 * capture's link layer or inside a tunnel (VXLAN, through f->ethernet). */
static size_t pp_ethernet(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t wire_len)
{
	size_t off = ETHER_HDR_LEN;
	uint16_t type;

	if (caplen < ETHER_HDR_LEN) {
		pp_mark(f, "truncated Ethernet header");
		return caplen;
	}
	type = get16(p + 12);
	if (f->pp->link_header) {
		if (!pp_mac(f, p + 6))
			return ETHER_HDR_LEN;
		strbuf_puts(f->line, " > ");
		if (!pp_mac(f, p))
			return ETHER_HDR_LEN;
		strbuf_puts(f->line, ", ");
	}
	/* A frame cut within a tag is all header, as tcpdump counts it. */
	if (!vlan_tags(f, p, caplen, wire_len, &off, &type))
		return caplen;
	if (f->pp->link_header && !link_ethertype_header(f, type, wire_len, off > ETHER_HDR_LEN))
		return off;
	pp_ethertype(f, type, p + off, caplen - off, wire_len > off ? wire_len - off : 0);
	return off;
}

/* The packet types of Linux cooked headers, as tcpdump spells them. */
static const char *sll_direction(uint16_t pkttype)
{
	static const char *const names[] = { "In", "B", "M", "P", "Out" };

	return pkttype < sizeof(names) / sizeof(names[0]) ? names[pkttype] : "?";
}

static size_t print_sll(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t wire_len)
{
	uint16_t type;

	if (caplen < SLL_HDR_LEN) {
		pp_mark(f, "truncated Linux cooked header");
		return caplen;
	}
	type = get16(p + 14);
	if (f->pp->link_header) {
		strbuf_printf(f->line, "%3s ", sll_direction(get16(p)));
		if (get16(p + 4) == 6) {
			if (!pp_mac(f, p + 6))
				return SLL_HDR_LEN;
			strbuf_putc(f->line, ' ');
		}
		if (!link_ethertype_header(f, type, wire_len, false))
			return SLL_HDR_LEN;
	}
	pp_ethertype(f, type, p + SLL_HDR_LEN, caplen - SLL_HDR_LEN, wire_len > SLL_HDR_LEN ? wire_len - SLL_HDR_LEN : 0);
	return SLL_HDR_LEN;
}

static size_t print_sll2(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t wire_len)
{
	const char *ifname = NULL;
	uint32_t ifindex;
	uint16_t type;

	if (caplen < SLL2_HDR_LEN) {
		pp_mark(f, "truncated Linux cooked v2 header");
		return caplen;
	}
	type = get16(p);
	ifindex = get32(p + 4);
	if (f->pp->ifname)
		ifname = f->pp->ifname(f->pp->name_ctx, ifindex);
	strbuf_printf(f->line, "%-5s %-3s ", ifname ? ifname : "?", sll_direction(p[10]));
	if (f->pp->link_header) {
		strbuf_printf(f->line, "ifindex %u ", ifindex);
		if (p[11] == 6) {
			if (!pp_mac(f, p + 12))
				return SLL2_HDR_LEN;
			strbuf_putc(f->line, ' ');
		}
		if (!link_ethertype_header(f, type, wire_len, false))
			return SLL2_HDR_LEN;
	}
	pp_ethertype(f, type, p + SLL2_HDR_LEN, caplen - SLL2_HDR_LEN,
		     wire_len > SLL2_HDR_LEN ? wire_len - SLL2_HDR_LEN : 0);
	return SLL2_HDR_LEN;
}

bool pktprint_linktype_known(int linktype)
{
	return linktype == PKTPRINT_LINK_ETHERNET || linktype == PKTPRINT_LINK_SLL ||
	       linktype == PKTPRINT_LINK_SLL2;
}

int pktprint_frame(struct pktprint *pp, int linktype, const uint8_t *frame, size_t caplen, size_t wire_len,
		   struct strbuf *line, size_t *link_header_len)
{
	struct pp_frame f = { .pp = pp, .line = line, .ethernet = pp_ethernet };
	size_t header_len;

	if (caplen > wire_len)
		caplen = wire_len;
	switch (linktype) {
	case PKTPRINT_LINK_ETHERNET:
		header_len = pp_ethernet(&f, frame, caplen, wire_len);
		break;
	case PKTPRINT_LINK_SLL:
		header_len = print_sll(&f, frame, caplen, wire_len);
		break;
	case PKTPRINT_LINK_SLL2:
		header_len = print_sll2(&f, frame, caplen, wire_len);
		break;
	default:
		pp_mark(&f, "link type %d", linktype);
		header_len = 0;
	}
	*link_header_len = f.cut_short ? 0 : header_len;
	return line->failed ? -ENOMEM : 0;
}
