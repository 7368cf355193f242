/* libFuzzer target for the packet parsers: any bytes, read as an IPv4
 * packet, an IPv6 packet, an ICMP or ICMPv6 message, a transport header or
 * a captured frame of each link type (pktframe.h),
 * must parse or be refused without reading past the end, and what parses
 * must describe bytes inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/pkt.h"
#include "sonde/pktframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ip(const struct pkt_ip *ip, const uint8_t *buf, size_t size)
{
	if (ip->payload < buf || ip->payload + ip->payload_len > buf + size)
		abort();
}

/* The frame taken apart under each link type: what it points at lies
 * inside the frame. */
static void check_frame(const uint8_t *buf, size_t size)
{
	static const int linktypes[] = { PKT_LINK_ETHERNET, PKT_LINK_SLL, PKT_LINK_SLL2 };
	struct pkt_frame f;
	size_t i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++) {
		/* The wire length as captured, and longer (a snapshot cut it). */
		pkt_frame_parse(linktypes[i], buf, size, size + (size & 2) * 100, &f);
		if (f.link_len > size)
			abort();
		if (f.depth >= PKT_FRAME_IP)
			check_ip(&f.ip, buf, size);
		if (f.depth == PKT_FRAME_TRANSPORT && (f.payload < buf || f.payload + f.payload_len > buf + size))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	struct pkt_transport t;
	struct pkt_icmp msg;
	struct pkt_ip ip;
	int family;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (pkt_parse_ip(buf, size, 0, size & 1, &ip) == 0) {
		check_ip(&ip, buf, size);
		if (pkt_parse_transport(ip.proto, ip.payload, ip.payload_len, &t) == 0 && ip.payload_len < 8)
			abort();
		family = ip.family;
		if (pkt_parse_icmp(family, ip.payload, ip.payload_len, &msg) == 0 && msg.is_error)
			check_ip(&msg.quoted_ip, ip.payload, ip.payload_len);
	}
	for (family = AF_INET; family <= AF_INET6; family += AF_INET6 - AF_INET) {
		if (pkt_parse_icmp(family, buf, size, &msg) < 0)
			continue;
		if (msg.is_error)
			check_ip(&msg.quoted_ip, buf, size);
		else if (msg.data + msg.data_len != buf + size)
			abort();
	}
	pkt_parse_transport(PKT_PROTO_TCP, buf, size, &t);
	check_frame(buf, size);
	pkt_checksum(buf, size);
	free(buf);
	return 0;
}
