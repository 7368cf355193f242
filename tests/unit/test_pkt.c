/* The packet library: checksums (RFC 1071's example, pseudo-headers, Paris
 * pinning), echo/UDP/TCP building, and the parsers on good, quoted,
 * truncated and hostile packets. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/pkt.h"
#include "tap.h"

static const uint8_t src4[4] = { 10, 0, 0, 1 }, dst4[4] = { 10, 0, 0, 2 }, router4[4] = { 10, 0, 9, 1 };
static const uint8_t src6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t dst6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static uint16_t field16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_checksum(void)
{
	/* RFC 1071 section 3: the sum of these words is 0xddf2. */
	const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	const uint8_t odd[] = { 0x01, 0x02, 0x03 };

	is_int(pkt_checksum(words, sizeof(words)), 0xffff & ~0xddf2, "RFC 1071 example checksum");
	is_int(pkt_checksum(odd, sizeof(odd)), 0xffff & ~(0x0102 + 0x0300), "odd length pads with zero");
	is_int(pkt_checksum(NULL, 0), 0xffff, "empty data");
	/* 10.0.0.1 -> 10.0.0.2, UDP, 20 bytes: 0a00+0001+0a00+0002+0011+0014
	 * = 0x1428, whose complement is 0xebd7. */
	is_int(pkt_fold(pkt_pseudo_sum(AF_INET, src4, dst4, PKT_PROTO_UDP, 20)), 0xebd7,
	       "IPv4 pseudo-header sum (hand-computed)");
	/* fd00::1 -> fd00::2, TCP, 20 bytes: fd00+0001+fd00+0002+0014+0006
	 * = 0x1fa1d, folded 0xfa1e, complement 0x05e1. */
	is_int(pkt_fold(pkt_pseudo_sum(AF_INET6, src6, dst6, PKT_PROTO_TCP, 20)), 0x05e1,
	       "IPv6 pseudo-header sum (hand-computed)");
}

static void test_echo(void)
{
	uint8_t buf[128], data[56];
	struct pkt_icmp msg;
	size_t i;
	int len;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	len = pkt_build_echo(buf, sizeof(buf), AF_INET, 0x1234, 7, data, sizeof(data), NULL, NULL);
	is_int(len, 64, "echo request is 8 + 56 bytes");
	is_int(pkt_checksum(buf, (size_t)len), 0, "echo request checksum verifies");
	is_int(pkt_parse_icmp(AF_INET, buf, (size_t)len, &msg), 0, "echo request parses");
	ok(msg.type == PKT_ICMP_ECHO_REQUEST && msg.id == 0x1234 && msg.seq == 7 && !msg.is_error,
	   "type, id and seq read back");
	is_int(msg.data_len, 56, "echo data length");
	is_int(pkt_build_echo(buf, 10, AF_INET, 1, 1, data, sizeof(data), NULL, NULL), -EMSGSIZE,
	       "too small a buffer is -EMSGSIZE");

	len = pkt_build_echo(buf, sizeof(buf), AF_INET6, 1, 2, data, 16, src6, dst6);
	is_int(pkt_fold(pkt_sum(buf, (size_t)len, pkt_pseudo_sum(AF_INET6, src6, dst6, PKT_PROTO_ICMPV6,
								 (uint32_t)len))),
	       0, "ICMPv6 echo checksum verifies over the pseudo-header");
	ok(buf[0] == PKT_ICMP6_ECHO_REQUEST, "ICMPv6 echo request type 128");
	/* Known answers, computed outside sonde over the same bytes (pseudo-
	 * header fd00::1, fd00::2, length 24, next header 58; then 8000 0000
	 * 0001 0002 and data 0001 0203 ... 0e0f): sum 0xb29a, checksum 0x4d65. */
	is_int(field16(buf + 2), 0x4d65, "ICMPv6 echo checksum is the known answer");
	len = pkt_build_echo(buf, sizeof(buf), AF_INET, 0x1234, 7, data, sizeof(data), NULL, NULL);
	is_int(field16(buf + 2), 0xeeb1, "ICMP echo (id 0x1234, seq 7, data 0..55) checksum is the known answer");
}

static void test_pinning(void)
{
	uint8_t buf[128], data[32] = { 0 };
	uint32_t pseudo;
	uint16_t seq, want;
	int len, ok_all = 1;

	/* Paris: the echo checksum stays put whatever the seq. */
	for (seq = 1; seq < 300; seq++) {
		len = pkt_build_echo(buf, sizeof(buf), AF_INET, 77, seq, data, sizeof(data), NULL, NULL);
		pkt_echo_pin_checksum(buf, (size_t)len, 0x5053, 0);
		if (field16(buf + 2) != 0x5053 || pkt_checksum(buf, (size_t)len) != 0)
			ok_all = 0;
	}
	ok(ok_all, "pinned echo checksums are constant and valid");
	/* UDP: the checksum carries the probe token. */
	ok_all = 1;
	for (want = 1; want < 2000; want += 7) {
		len = pkt_build_udp(buf, sizeof(buf), AF_INET, src4, dst4, 40000, 33434, data, 12);
		pseudo = pkt_pseudo_sum(AF_INET, src4, dst4, PKT_PROTO_UDP, (uint32_t)len);
		pkt_udp_pin_checksum(buf, (size_t)len, want, pseudo);
		if (field16(buf + 6) != want || pkt_fold(pkt_sum(buf, (size_t)len, pseudo)) != 0)
			ok_all = 0;
	}
	ok(ok_all, "pinned UDP checksums equal the token and verify");
	is_int(pkt_udp_pin_checksum(buf, 9, 5, 0), -EINVAL, "no room to pin is -EINVAL");
}

static void test_tcp_udp(void)
{
	uint8_t seg[64];
	struct pkt_transport t;
	int len;

	len = pkt_build_tcp(seg, sizeof(seg), AF_INET, src4, dst4, 40001, 443, 0xdeadbeef, 0, PKT_TCP_SYN, 64240);
	is_int(len, 20, "a SYN is 20 bytes");
	/* Pseudo-header 0a00 0001 0a00 0002 0006 0014 plus 9c41 01bb dead beef
	 * 0000 0000 5002 faf0 0000 0000: one's-complement sum 0x9aaa. */
	is_int(field16(seg + 16), 0x6555, "TCP SYN checksum is the known answer (0x6555)");
	is_int(pkt_parse_transport(PKT_PROTO_TCP, seg, 20, &t), 0, "SYN parses");
	ok(t.sport == 40001 && t.dport == 443 && t.tcp_seq == 0xdeadbeef && t.tcp_full && t.tcp_flags == PKT_TCP_SYN,
	   "ports, sequence and flags read back");
	is_int(pkt_parse_transport(PKT_PROTO_TCP, seg, 8, &t), 0, "8 quoted bytes of TCP parse");
	ok(!t.tcp_full && t.tcp_seq == 0xdeadbeef, "a quote has ports and sequence but no flags");
	is_int(pkt_parse_transport(PKT_PROTO_UDP, seg, 7, &t), -EBADMSG, "7 bytes are not a UDP header");
	is_int(pkt_parse_transport(99, seg, 20, &t), -EPROTONOSUPPORT, "unknown protocol");
	len = pkt_build_tcp(seg, sizeof(seg), AF_INET6, src6, dst6, 1, 2, 3, 4, PKT_TCP_RST | PKT_TCP_ACK, 0);
	/* Pseudo-header as above plus 0001 0002 0000 0003 0000 0004 5014 0000:
	 * sum 0x4a3d, checksum 0xb5c2. */
	is_int(field16(seg + 16), 0xb5c2, "TCP RST-ACK over IPv6 checksum is the known answer (0xb5c2)");
	len = pkt_build_udp(seg, sizeof(seg), AF_INET, src4, dst4, 40000, 33434, (const uint8_t[12]){ 0 }, 12);
	/* 0a00 0001 0a00 0002 0011 0014 + 9c40 829a 0014: sum 0x3317. */
	is_int(field16(seg + 6), 0xcce8, "UDP checksum is the known answer (0xcce8)");
}

/* A router's time-exceeded about a UDP probe: IPv4 + ICMP + quoted IPv4 + UDP. */
static size_t time_exceeded_v4(uint8_t *pkt, size_t quote_extra)
{
	uint8_t payload[8] = { 0 };
	uint8_t *icmp = pkt + 20, *quote = icmp + 8;
	size_t icmp_len = 8 + 20 + 8 + quote_extra;

	pkt_build_ipv4(quote, 20, src4, dst4, PKT_PROTO_UDP, 1, 99, 8 + 32);
	pkt_build_udp(quote + 20, 64, AF_INET, src4, dst4, 40000, 33435, payload, quote_extra);
	memset(icmp, 0, 8);
	icmp[0] = PKT_ICMP_TIME_EXCEEDED;
	icmp[2] = 0;
	{
		uint16_t c = pkt_checksum(icmp, icmp_len);

		icmp[2] = (uint8_t)(c >> 8);
		icmp[3] = (uint8_t)c;
	}
	pkt_build_ipv4(pkt, 20, router4, src4, PKT_PROTO_ICMP, 63, 1, (uint16_t)icmp_len);
	return 20 + icmp_len;
}

static void test_quotes_v4(void)
{
	uint8_t pkt[256];
	size_t len = time_exceeded_v4(pkt, 0), cut;
	struct pkt_icmp msg;
	struct pkt_ip ip;
	int crashes_free = 1;

	is_int(pkt_parse_ipv4(pkt, len, false, &ip), 0, "outer IPv4 parses");
	ok(ip.proto == PKT_PROTO_ICMP && ip.ttl == 63 && memcmp(ip.src, router4, 4) == 0, "outer header fields");
	is_int(pkt_parse_icmp(AF_INET, ip.payload, ip.payload_len, &msg), 0, "time exceeded parses");
	ok(msg.is_error && msg.type == PKT_ICMP_TIME_EXCEEDED, "it is an error");
	ok(msg.quoted.proto == PKT_PROTO_UDP && msg.quoted.sport == 40000 && msg.quoted.dport == 33435,
	   "quoted UDP ports match the probe");
	ok(memcmp(msg.quoted_ip.dst, dst4, 4) == 0, "quoted destination matches the probe");
	ok(msg.quoted_ip.total_len == 60 && msg.quoted_ip.payload_len == 8,
	   "a quote may be shorter than its total length");

	/* Cut anywhere, it parses or is refused: never read past the end. */
	for (cut = 0; cut < len; cut++) {
		int rc = pkt_parse_ipv4(pkt, cut, false, &ip);

		if (rc == 0)
			crashes_free = 0;
		rc = pkt_parse_icmp(AF_INET, pkt + 20, cut > 20 ? cut - 20 : 0, &msg);
		if (cut >= 20 + 8 + 20 + 8 && rc != 0)
			crashes_free = 0;
		if (cut < 20 + 8 + 20 + 8 && rc == 0)
			crashes_free = 0;
	}
	ok(crashes_free, "every truncation is refused, down to the 8 quoted transport bytes");

	pkt[0] = 0x44;
	is_int(pkt_parse_ipv4(pkt, len, false, &ip), -EBADMSG, "IHL below 5 is refused");
	pkt[0] = 0x4f;
	is_int(pkt_parse_ipv4(pkt, 40, false, &ip), -EBADMSG, "IHL past the buffer is refused");
	pkt[0] = 0x45;
	pkt[2] = 0;
	pkt[3] = 10;
	is_int(pkt_parse_ipv4(pkt, len, false, &ip), -EBADMSG, "total length below the header is refused");
	pkt[0] = 0x65;
	is_int(pkt_parse_ip(pkt, len, AF_INET, false, &ip), -EBADMSG, "version 6 is not IPv4");
}

static void test_ipv6(void)
{
	uint8_t pkt[256], payload[4] = { 1, 2, 3, 4 };
	struct pkt_ip ip;
	struct pkt_icmp msg;
	size_t len;

	/* IPv6 + hop-by-hop options (8 bytes) + UDP. */
	pkt_build_ipv6(pkt, sizeof(pkt), src6, dst6, 0, 1, 8 + 8 + 4);
	memset(pkt + 40, 0, 8);
	pkt[40] = PKT_PROTO_UDP;
	pkt_build_udp(pkt + 48, 64, AF_INET6, src6, dst6, 5000, 33434, payload, sizeof(payload));
	len = 40 + 8 + 12;
	is_int(pkt_parse_ipv6(pkt, len, false, &ip), 0, "IPv6 with a hop-by-hop header parses");
	ok(ip.proto == PKT_PROTO_UDP && ip.payload == pkt + 48 && ip.payload_len == 12,
	   "extension header skipped to UDP");
	pkt[41] = 200; /* hop-by-hop claims 1608 bytes */
	is_int(pkt_parse_ipv6(pkt, len, false, &ip), -EBADMSG, "extension header past the end is refused");
	pkt[41] = 0;
	pkt[40] = 0; /* hop-by-hop again: a chain */
	is_int(pkt_parse_ipv6(pkt, len, false, &ip), -EBADMSG, "a chain that runs out of bytes is refused");

	/* Hop limit exceeded, quoting an ICMPv6 echo. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = PKT_ICMP6_TIME_EXCEEDED;
	pkt_build_ipv6(pkt + 8, 40, src6, dst6, PKT_PROTO_ICMPV6, 1, 16);
	pkt_build_echo(pkt + 48, 64, AF_INET6, 0x4242, 9, payload, 4, NULL, NULL);
	is_int(pkt_parse_icmp(AF_INET6, pkt, 8 + 40 + 12, &msg), 0, "ICMPv6 time exceeded parses");
	ok(msg.quoted.proto == PKT_PROTO_ICMPV6 && msg.quoted.icmp_id == 0x4242 && msg.quoted.icmp_seq == 9,
	   "quoted echo id and seq match the probe");
	pkt[0] = PKT_ICMP6_PACKET_TOO_BIG;
	pkt[4] = 0;
	pkt[5] = 0;
	pkt[6] = 0x05;
	pkt[7] = 0x00;
	is_int(pkt_parse_icmp(AF_INET6, pkt, 8 + 40 + 12, &msg), 0, "packet too big parses");
	is_int(msg.mtu, 1280, "its MTU is read");
	is_int(pkt_parse_icmp(AF_INET6, pkt, 8 + 40 + 7, &msg), -EBADMSG, "a quote under 8 transport bytes");

	/* A non-first fragment has no transport header to match. */
	pkt_build_ipv6(pkt + 8, 40, src6, dst6, 44, 1, 16);
	memset(pkt + 48, 0, 8);
	pkt[48] = PKT_PROTO_UDP;
	pkt[50] = 0x01; /* offset 32 */
	is_int(pkt_parse_icmp(AF_INET6, pkt, 8 + 40 + 16, &msg), -EBADMSG, "a quoted later fragment is refused");
}

int main(void)
{
	test_checksum();
	test_echo();
	test_pinning();
	test_tcp_udp();
	test_quotes_v4();
	test_ipv6();
	return tap_exit();
}
