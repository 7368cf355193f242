/* A captured frame into its layers' fields (pktframe.h): Ethernet with
 * 802.1Q tags, Linux cooked v1 and v2 with their direction, a TCP segment
 * cut by the snapshot length, a later fragment, and frames cut short in
 * each header. */
#include <string.h>
#include <sys/socket.h>

#include "sonde/pkt.h"
#include "sonde/pktframe.h"
#include "tap.h"

static const uint8_t src4[4] = { 10, 0, 0, 1 }, dst4[4] = { 10, 0, 0, 2 };

/* An IPv4 UDP datagram with payload_len bytes of payload at p. */
static size_t udp_packet(uint8_t *p, size_t payload_len)
{
	uint8_t payload[64] = { 0 };
	int udp_len = pkt_build_udp(p + 20, 1500, AF_INET, src4, dst4, 40000, 53, payload, payload_len);

	pkt_build_ipv4(p, 20, src4, dst4, PKT_PROTO_UDP, 64, 1, (uint16_t)udp_len);
	return 20 + (size_t)udp_len;
}

static void test_ethernet_vlans(void)
{
	uint8_t frame[256] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x20, 0x0a,
			       0x08, 0x00 };
	size_t len = 22 + udp_packet(frame + 22, 10);
	struct pkt_frame f;

	pkt_frame_parse(PKT_LINK_ETHERNET, frame, len, len, &f);
	is_int(f.depth, PKT_FRAME_TRANSPORT, "Ethernet with two tags: down to UDP");
	is_int(f.vlan_count, 2, "two 802.1Q tags");
	is_int(f.vlan_ids[0], 100, "the outer tag's id");
	is_int(f.vlan_ids[1], 10, "the inner tag's id, without its priority bits");
	is_int(f.link_len, 22, "the link header with its tags");
	is_int(f.ethertype, PKT_ETHERTYPE_IPV4, "the ethertype after the tags");
	is_int(f.src_mac[5], 1, "the source MAC");
	is_int(f.transport.dport, 53, "the UDP port");
	is_int(f.payload_len, 10, "the payload");
	is_int(f.direction, PKT_DIR_UNKNOWN, "Ethernet has no direction");
	pkt_frame_parse(PKT_LINK_ETHERNET, frame, 19, 19, &f);
	is_int(f.depth, PKT_FRAME_NONE, "a tag cut short: nothing");
}

static void test_cooked(void)
{
	uint8_t v2[256] = { 0x08, 0x00, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 2, 0, 0, 0, 0, 9 };
	uint8_t v1[256] = { 0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 9, 0, 0, 0x08, 0x00 };
	size_t len2 = 20 + udp_packet(v2 + 20, 4), len1 = 16 + udp_packet(v1 + 16, 4);
	struct pkt_frame f;

	pkt_frame_parse(PKT_LINK_SLL2, v2, len2, len2, &f);
	is_int(f.depth, PKT_FRAME_TRANSPORT, "Linux cooked v2: down to UDP");
	ok(f.has_ifindex && f.ifindex == 7, "v2: the interface index");
	is_int(f.direction, PKT_DIR_OUT, "v2: packet type 4 is outgoing");
	is_int(f.src_mac[5], 9, "v2: the link address");
	pkt_frame_parse(PKT_LINK_SLL, v1, len1, len1, &f);
	is_int(f.depth, PKT_FRAME_TRANSPORT, "Linux cooked v1: down to UDP");
	is_int(f.direction, PKT_DIR_IN, "v1: packet type 0 is incoming");
	ok(!f.has_ifindex, "v1 names no interface");
	pkt_frame_parse(PKT_LINK_SLL2, v2, 19, 19, &f);
	is_int(f.depth, PKT_FRAME_NONE, "v2 header cut short: nothing");
	pkt_frame_parse(147, v2, len2, len2, &f);
	is_int(f.depth, PKT_FRAME_NONE, "another link type: nothing");
}

static void test_snapshot_and_fragments(void)
{
	uint8_t frame[1600] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00 };
	uint8_t *ip = frame + 14;
	int tcp_len = pkt_build_tcp(ip + 20, 1500, AF_INET, src4, dst4, 50000, 80, 1000, 2000,
				    PKT_TCP_ACK, 0);
	size_t wire = 14 + 20 + (size_t)tcp_len + 1000;
	struct pkt_frame f;

	pkt_build_ipv4(ip, 20, src4, dst4, PKT_PROTO_TCP, 64, 1, (uint16_t)(tcp_len + 1000));
	pkt_frame_parse(PKT_LINK_ETHERNET, frame, 96, wire, &f);
	is_int(f.depth, PKT_FRAME_TRANSPORT, "a segment cut by the snapshot length: down to TCP");
	is_int(f.payload_wire_len, 1000, "its payload's length on the wire");
	is_int(f.payload_len, 96 - 54, "what was captured of it");
	is_int(f.tcp_window, 0, "the window");
	is_int(f.transport.tcp_flags, PKT_TCP_ACK, "the flags");
	pkt_frame_parse(PKT_LINK_ETHERNET, frame, 40, wire, &f);
	is_int(f.depth, PKT_FRAME_IP, "cut inside the TCP header: IP only");
	ip[6] = 0x00;
	ip[7] = 0x10;             /* fragment offset 128 bytes */
	pkt_frame_parse(PKT_LINK_ETHERNET, frame, wire, wire, &f);
	is_int(f.depth, PKT_FRAME_IP, "a later fragment has no transport header");
	frame[12] = 0x08;
	frame[13] = 0x06;
	pkt_frame_parse(PKT_LINK_ETHERNET, frame, wire, wire, &f);
	is_int(f.depth, PKT_FRAME_LINK, "ARP: the link layer only");
}

int main(void)
{
	test_ethernet_vlans();
	test_cooked();
	test_snapshot_and_fragments();
	return tap_exit();
}
