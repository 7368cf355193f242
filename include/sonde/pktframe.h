/* A captured frame taken apart into its layers' fields, for what reads
 * packets as data rather than as tcpdump's lines: `tcpdump --json`,
 * `--flows` and `--dns`.  The link headers (Ethernet with 802.1Q tags,
 * Linux cooked v1 and v2) are read here; IP and the transport header by
 * pkt.h's parsers.  Every field is bounds-checked; fed by a libFuzzer
 * target (tests/fuzz/fuzz_pkt.c). */
#ifndef SONDE_PKTFRAME_H
#define SONDE_PKTFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/pkt.h"

/* libpcap's link types (DLT_*) that are taken apart. */
enum pkt_linktype {
	PKT_LINK_ETHERNET = 1,
	PKT_LINK_SLL = 113,
	PKT_LINK_SLL2 = 276,
};

enum pkt_direction {
	PKT_DIR_UNKNOWN = 0,
	PKT_DIR_IN,
	PKT_DIR_OUT,
};

#define PKT_ETHERTYPE_IPV4 0x0800
#define PKT_ETHERTYPE_ARP 0x0806
#define PKT_ETHERTYPE_IPV6 0x86dd
#define PKT_FRAME_MAX_VLANS 2

/* How far a frame was taken apart. */
enum pkt_frame_depth {
	PKT_FRAME_NONE = 0,      /* link type unknown or link header cut short */
	PKT_FRAME_LINK,          /* link header read; the network layer is not IP or not whole */
	PKT_FRAME_IP,            /* IP header read; transport unknown, cut short or a later fragment */
	PKT_FRAME_TRANSPORT,     /* transport header read */
};

struct pkt_frame {
	enum pkt_frame_depth depth;
	/* link */
	int linktype;
	size_t link_len;                /* bytes before the network layer */
	bool has_macs;
	uint8_t src_mac[6], dst_mac[6]; /* Ethernet; SLL: source only */
	bool has_ifindex;
	uint32_t ifindex;               /* Linux cooked v2 */
	bool has_pkttype;
	uint16_t pkttype;               /* Linux cooked: 0 to us .. 4 outgoing */
	enum pkt_direction direction;
	uint16_t ethertype;
	uint8_t vlan_count;
	uint16_t vlan_ids[PKT_FRAME_MAX_VLANS];
	/* network */
	struct pkt_ip ip;
	/* transport: ports, TCP's header fields, ICMP's type and code */
	struct pkt_transport transport;
	uint16_t tcp_window;
	size_t tcp_header_len;
	const uint8_t *payload;         /* application bytes, as far as captured */
	size_t payload_len;             /* captured */
	size_t payload_wire_len;        /* as the IP header claims */
};

/* Takes frame (caplen bytes captured of wire_len) of the given link type
 * apart as far as it goes; f->depth says how far.  Never fails: what cannot
 * be read stops the descent. */
void pkt_frame_parse(int linktype, const uint8_t *frame, size_t caplen, size_t wire_len, struct pkt_frame *f);

#endif
