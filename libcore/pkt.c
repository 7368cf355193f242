/* Building probe packets and their checksums.  Multi-byte fields are written
 * byte by byte in network order, so nothing depends on the host's byte order
 * or on the buffer's alignment. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/bytes.h"
#include "sonde/pkt.h"

/* Sums 16-bit big-endian words; an odd last byte is padded with zero. */
uint32_t pkt_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Ones' complement sum folded to 16 bits, not complemented. */
static uint16_t fold_plain(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t pkt_fold(uint32_t sum)
{
	return (uint16_t)~fold_plain(sum);
}

uint16_t pkt_checksum(const void *data, size_t len)
{
	return pkt_fold(pkt_sum(data, len, 0));
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

uint32_t pkt_pseudo_sum(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len)
{
	uint32_t sum = 0;

	sum = pkt_sum(src, addr_len(family), sum);
	sum = pkt_sum(dst, addr_len(family), sum);
	/* IPv4 counts a 16-bit length, IPv6 a 32-bit one: the sum is the same
	 * for lengths below 64 KiB, which is all a probe ever is. */
	sum += proto;
	sum += len & 0xffff;
	sum += len >> 16;
	return sum;
}

int pkt_build_echo(uint8_t *buf, size_t size, int family, uint16_t id, uint16_t seq, const uint8_t *data,
		   size_t data_len, const uint8_t *src, const uint8_t *dst)
{
	size_t len = PKT_ICMP_HDR_LEN + data_len;
	uint32_t sum = 0;

	if (len > size || len > 0xffff)
		return -EMSGSIZE;
	buf[0] = family == AF_INET6 ? PKT_ICMP6_ECHO_REQUEST : PKT_ICMP_ECHO_REQUEST;
	buf[1] = 0;
	put16(buf + 2, 0);
	put16(buf + 4, id);
	put16(buf + 6, seq);
	if (data_len)
		memmove(buf + PKT_ICMP_HDR_LEN, data, data_len);
	if (family == AF_INET6) {
		if (!src || !dst)
			return (int)len;
		sum = pkt_pseudo_sum(AF_INET6, src, dst, PKT_PROTO_ICMPV6, (uint32_t)len);
	}
	put16(buf + 2, pkt_fold(pkt_sum(buf, len, sum)));
	return (int)len;
}

/* Sets the 16-bit word at word_off so that the checksum over msg (with the
 * checksum field at csum_off taken as zero) plus pseudo_sum comes out as
 * want.  The checksum field itself is set to want. */
static int pin_checksum(uint8_t *msg, size_t len, size_t csum_off, size_t word_off, uint16_t want,
			uint32_t pseudo_sum)
{
	uint16_t rest, word;

	if (word_off + 2 > len || word_off == csum_off || (word_off & 1))
		return -EINVAL;
	put16(msg + csum_off, 0);
	put16(msg + word_off, 0);
	rest = fold_plain(pkt_sum(msg, len, pseudo_sum));
	/* want = ~(rest + word)  =>  word = ~want - rest, in ones' complement. */
	word = fold_plain((uint32_t)(uint16_t)~want + (uint16_t)~rest);
	put16(msg + word_off, word);
	put16(msg + csum_off, want);
	return 0;
}

/* The last whole 16-bit word of a message, at an even offset. */
static size_t last_word_offset(size_t len)
{
	return (len - 2) & ~(size_t)1;
}

int pkt_echo_pin_checksum(uint8_t *msg, size_t len, uint16_t want, uint32_t pseudo_sum)
{
	if (len < PKT_ICMP_HDR_LEN + 2)
		return -EINVAL;
	return pin_checksum(msg, len, 2, last_word_offset(len), want, pseudo_sum);
}

int pkt_udp_pin_checksum(uint8_t *datagram, size_t len, uint16_t want, uint32_t pseudo_sum)
{
	int rc;

	if (len < PKT_UDP_HDR_LEN + 2)
		return -EINVAL;
	/* UDP sends a computed zero as 0xffff; zero means "no checksum". */
	if (want == 0)
		want = 0xffff;
	rc = pin_checksum(datagram, len, 6, last_word_offset(len), want, pseudo_sum);
	return rc;
}

int pkt_build_tcp(uint8_t *buf, size_t size, int family, const uint8_t *src, const uint8_t *dst,
		  uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window)
{
	uint32_t sum;

	if (size < PKT_TCP_HDR_LEN)
		return -EMSGSIZE;
	memset(buf, 0, PKT_TCP_HDR_LEN);
	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	put32(buf + 8, ack);
	buf[12] = (PKT_TCP_HDR_LEN / 4) << 4;
	buf[13] = flags;
	put16(buf + 14, window);
	sum = pkt_pseudo_sum(family, src, dst, PKT_PROTO_TCP, PKT_TCP_HDR_LEN);
	put16(buf + 16, pkt_fold(pkt_sum(buf, PKT_TCP_HDR_LEN, sum)));
	return PKT_TCP_HDR_LEN;
}

int pkt_build_udp(uint8_t *buf, size_t size, int family, const uint8_t *src, const uint8_t *dst,
		  uint16_t sport, uint16_t dport, const uint8_t *payload, size_t payload_len)
{
	size_t len = PKT_UDP_HDR_LEN + payload_len;
	uint16_t csum;

	if (len > size || len > 0xffff)
		return -EMSGSIZE;
	put16(buf, sport);
	put16(buf + 2, dport);
	put16(buf + 4, (uint16_t)len);
	put16(buf + 6, 0);
	if (payload_len)
		memmove(buf + PKT_UDP_HDR_LEN, payload, payload_len);
	csum = pkt_fold(pkt_sum(buf, len, pkt_pseudo_sum(family, src, dst, PKT_PROTO_UDP, (uint32_t)len)));
	put16(buf + 6, csum ? csum : 0xffff);
	return (int)len;
}

int pkt_build_ipv4(uint8_t *buf, size_t size, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		   uint8_t ttl, uint16_t id, uint16_t payload_len)
{
	if (size < PKT_IPV4_HDR_LEN || payload_len > 0xffff - PKT_IPV4_HDR_LEN)
		return -EMSGSIZE;
	memset(buf, 0, PKT_IPV4_HDR_LEN);
	buf[0] = 0x45;
	put16(buf + 2, (uint16_t)(PKT_IPV4_HDR_LEN + payload_len));
	put16(buf + 4, id);
	buf[8] = ttl;
	buf[9] = proto;
	memcpy(buf + 12, src, 4);
	memcpy(buf + 16, dst, 4);
	put16(buf + 10, pkt_checksum(buf, PKT_IPV4_HDR_LEN));
	return PKT_IPV4_HDR_LEN;
}

int pkt_build_ipv6(uint8_t *buf, size_t size, const uint8_t *src, const uint8_t *dst, uint8_t next_header,
		   uint8_t hop_limit, uint16_t payload_len)
{
	if (size < PKT_IPV6_HDR_LEN)
		return -EMSGSIZE;
	memset(buf, 0, PKT_IPV6_HDR_LEN);
	buf[0] = 0x60;
	put16(buf + 4, payload_len);
	buf[6] = next_header;
	buf[7] = hop_limit;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
	return PKT_IPV6_HDR_LEN;
}
