/* Bounds-checked parsing of received packets and of the datagrams quoted in
 * ICMP errors.  Each function checks a length before every read; anything
 * that does not add up is -EBADMSG. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/bytes.h"
#include "sonde/pkt.h"

/* More chained IPv6 extension headers than this is an attack, not a probe reply. */
#define IPV6_MAX_EXT_HEADERS 8

int pkt_parse_ipv4(const uint8_t *buf, size_t len, bool quoted, struct pkt_ip *ip)
{
	size_t header_len, end;
	uint16_t frag;

	if (len < PKT_IPV4_HDR_LEN || (buf[0] >> 4) != 4)
		return -EBADMSG;
	header_len = (size_t)(buf[0] & 0x0f) * 4;
	if (header_len < PKT_IPV4_HDR_LEN || header_len > len)
		return -EBADMSG;
	memset(ip, 0, sizeof(*ip));
	ip->family = AF_INET;
	ip->total_len = get16(buf + 2);
	if (ip->total_len < header_len)
		return -EBADMSG;
	/* A received packet holds all it claims; a quote may be cut short. */
	if (!quoted && ip->total_len > len)
		return -EBADMSG;
	end = ip->total_len < len ? ip->total_len : len;
	frag = get16(buf + 6);
	ip->more_fragments = (frag & 0x1fff) != 0;
	ip->frag_field = frag;
	ip->header_len = header_len;
	ip->ttl = buf[8];
	ip->proto = buf[9];
	memcpy(ip->src, buf + 12, 4);
	memcpy(ip->dst, buf + 16, 4);
	ip->payload = buf + header_len;
	ip->payload_len = end - header_len;
	return 0;
}

/* Length of the extension header at p (next header type nh), or 0 when nh is
 * not an extension header; -EBADMSG when it does not fit. */
static int ipv6_ext_len(uint8_t nh, const uint8_t *p, size_t avail, bool *non_first_fragment)
{
	size_t ext_len;

	switch (nh) {
	case 0:   /* hop-by-hop options */
	case 43:  /* routing */
	case 60:  /* destination options */
		if (avail < 2)
			return -EBADMSG;
		ext_len = ((size_t)p[1] + 1) * 8;
		break;
	case 44:  /* fragment */
		if (avail < 8)
			return -EBADMSG;
		ext_len = 8;
		if ((get16(p + 2) & 0xfff8) != 0)
			*non_first_fragment = true;
		break;
	case 51:  /* authentication header */
		if (avail < 2)
			return -EBADMSG;
		ext_len = ((size_t)p[1] + 2) * 4;
		break;
	default:
		return 0;
	}
	return ext_len <= avail ? (int)ext_len : -EBADMSG;
}

int pkt_parse_ipv6(const uint8_t *buf, size_t len, bool quoted, struct pkt_ip *ip)
{
	size_t end, off = PKT_IPV6_HDR_LEN;
	uint8_t nh;
	int i;

	if (len < PKT_IPV6_HDR_LEN || (buf[0] >> 4) != 6)
		return -EBADMSG;
	memset(ip, 0, sizeof(*ip));
	ip->family = AF_INET6;
	if ((size_t)get16(buf + 4) + PKT_IPV6_HDR_LEN > 0xffff)
		return -EBADMSG;
	ip->total_len = (uint16_t)(get16(buf + 4) + PKT_IPV6_HDR_LEN);
	if (!quoted && ip->total_len > len)
		return -EBADMSG;
	end = ip->total_len < len ? ip->total_len : len;
	nh = buf[6];
	ip->ttl = buf[7];
	memcpy(ip->src, buf + 8, 16);
	memcpy(ip->dst, buf + 24, 16);
	for (i = 0;; i++) {
		int ext = ipv6_ext_len(nh, buf + off, end - off, &ip->more_fragments);

		if (ext < 0)
			return ext;
		if (ext == 0)
			break;
		if (i == IPV6_MAX_EXT_HEADERS)
			return -EBADMSG;
		ip->ext_types[ip->ext_count++] = nh;
		nh = buf[off];
		off += (size_t)ext;
	}
	ip->proto = nh;
	ip->header_len = off;
	ip->payload = buf + off;
	ip->payload_len = end - off;
	return 0;
}

int pkt_parse_ip(const uint8_t *buf, size_t len, int family, bool quoted, struct pkt_ip *ip)
{
	if (len < 1)
		return -EBADMSG;
	if ((buf[0] >> 4) == 4 && family != AF_INET6)
		return pkt_parse_ipv4(buf, len, quoted, ip);
	if ((buf[0] >> 4) == 6 && family != AF_INET)
		return pkt_parse_ipv6(buf, len, quoted, ip);
	return -EBADMSG;
}

int pkt_parse_transport(uint8_t proto, const uint8_t *buf, size_t len, struct pkt_transport *t)
{
	memset(t, 0, sizeof(*t));
	t->proto = proto;
	if (len < 8)
		return -EBADMSG;
	switch (proto) {
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMPV6:
		t->icmp_type = buf[0];
		t->icmp_code = buf[1];
		t->icmp_id = get16(buf + 4);
		t->icmp_seq = get16(buf + 6);
		return 0;
	case PKT_PROTO_UDP:
		t->sport = get16(buf);
		t->dport = get16(buf + 2);
		t->udp_checksum = get16(buf + 6);
		return 0;
	case PKT_PROTO_TCP:
		t->sport = get16(buf);
		t->dport = get16(buf + 2);
		t->tcp_seq = get32(buf + 4);
		if (len >= PKT_TCP_HDR_LEN && (buf[12] >> 4) >= 5) {
			t->tcp_ack = get32(buf + 8);
			t->tcp_flags = buf[13];
			t->tcp_full = true;
		}
		return 0;
	default:
		return -EPROTONOSUPPORT;
	}
}

bool pkt_icmp_is_error(int family, uint8_t type)
{
	if (family == AF_INET6)
		return type >= PKT_ICMP6_UNREACH && type <= PKT_ICMP6_PARAM_PROBLEM;
	return type == PKT_ICMP_UNREACH || type == PKT_ICMP_SOURCE_QUENCH || type == PKT_ICMP_REDIRECT ||
	       type == PKT_ICMP_TIME_EXCEEDED || type == PKT_ICMP_PARAM_PROBLEM;
}

/* The datagram an error quotes: its IP header and the first transport bytes. */
static int parse_quote(struct pkt_icmp *msg, const uint8_t *quote, size_t quote_len)
{
	int rc = pkt_parse_ip(quote, quote_len, msg->family, true, &msg->quoted_ip);

	if (rc < 0)
		return rc;
	if (msg->quoted_ip.more_fragments)
		return -EBADMSG;
	rc = pkt_parse_transport(msg->quoted_ip.proto, msg->quoted_ip.payload, msg->quoted_ip.payload_len,
				 &msg->quoted);
	return rc < 0 ? -EBADMSG : 0;
}

int pkt_parse_icmp(int family, const uint8_t *buf, size_t len, struct pkt_icmp *msg)
{
	memset(msg, 0, sizeof(*msg));
	if (len < PKT_ICMP_HDR_LEN || (family != AF_INET && family != AF_INET6))
		return -EBADMSG;
	msg->family = family;
	msg->type = buf[0];
	msg->code = buf[1];
	if (!pkt_icmp_is_error(family, msg->type)) {
		msg->id = get16(buf + 4);
		msg->seq = get16(buf + 6);
		msg->data = buf + PKT_ICMP_HDR_LEN;
		msg->data_len = len - PKT_ICMP_HDR_LEN;
		return 0;
	}
	msg->is_error = true;
	if (family == AF_INET && msg->type == PKT_ICMP_UNREACH && msg->code == 4)
		msg->mtu = get16(buf + 6);
	else if (family == AF_INET6 && msg->type == PKT_ICMP6_PACKET_TOO_BIG)
		msg->mtu = get32(buf + 4);
	return parse_quote(msg, buf + PKT_ICMP_HDR_LEN, len - PKT_ICMP_HDR_LEN);
}
