/* Packets for probes: building ICMP/ICMPv6 echo, UDP and TCP headers with
 * their checksums, and parsing IPv4, IPv6, ICMP, ICMPv6, UDP and TCP.
 *
 * Every parser takes a buffer and its length and checks each length before
 * reading: a truncated or hostile packet is refused (-EBADMSG), never read
 * past its end.  Parsed views point into the caller's buffer.
 *
 * ICMP and ICMPv6 errors carry the start of the datagram that caused them;
 * pkt_parse_icmp() parses that quote too, so a reply can be matched to the
 * probe that caused it by protocol, addresses, ports, ICMP id/seq or TCP
 * sequence number. */
#ifndef SONDE_PKT_H
#define SONDE_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_IPV4_HDR_LEN 20
#define PKT_IPV6_HDR_LEN 40
#define PKT_ICMP_HDR_LEN 8
#define PKT_UDP_HDR_LEN 8
#define PKT_TCP_HDR_LEN 20

/* Protocol numbers, so callers need not pull in netinet headers. */
enum pkt_proto {
	PKT_PROTO_ICMP = 1,
	PKT_PROTO_TCP = 6,
	PKT_PROTO_UDP = 17,
	PKT_PROTO_ICMPV6 = 58,
};

/* ICMP (v4) types and unreachable codes used by probes. */
enum {
	PKT_ICMP_ECHO_REPLY = 0,
	PKT_ICMP_UNREACH = 3,
	PKT_ICMP_SOURCE_QUENCH = 4,
	PKT_ICMP_REDIRECT = 5,
	PKT_ICMP_ECHO_REQUEST = 8,
	PKT_ICMP_TIME_EXCEEDED = 11,
	PKT_ICMP_PARAM_PROBLEM = 12,
};
enum {
	PKT_ICMP6_UNREACH = 1,
	PKT_ICMP6_PACKET_TOO_BIG = 2,
	PKT_ICMP6_TIME_EXCEEDED = 3,
	PKT_ICMP6_PARAM_PROBLEM = 4,
	PKT_ICMP6_ECHO_REQUEST = 128,
	PKT_ICMP6_ECHO_REPLY = 129,
};
enum {
	PKT_TCP_FIN = 0x01,
	PKT_TCP_SYN = 0x02,
	PKT_TCP_RST = 0x04,
	PKT_TCP_ACK = 0x10,
};

/* An IP header, v4 or v6.  For IPv6, proto is the upper-layer protocol
 * found after skipping extension headers. */
struct pkt_ip {
	int family;              /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16]; /* network order; 4 bytes used for IPv4 */
	uint8_t proto;
	uint8_t ttl;             /* TTL or hop limit */
	uint16_t total_len;      /* as the header claims, header included */
	bool more_fragments;     /* or a non-first fragment: no transport header */
	uint16_t frag_field;     /* IPv4: flags and fragment offset as sent */
	size_t header_len;       /* IPv4: with options; IPv6: with extension headers */
	uint8_t ext_count;       /* IPv6: the extension headers skipped, in order */
	uint8_t ext_types[8];
	const uint8_t *payload;  /* transport header onwards, as far as present */
	size_t payload_len;
};

/* The first bytes of a transport header: all that an ICMP error is sure to
 * quote (8 bytes) is enough for ports, ICMP id/seq and the TCP sequence. */
struct pkt_transport {
	uint8_t proto;
	uint16_t sport, dport;      /* UDP, TCP */
	uint16_t udp_checksum;      /* UDP: Paris traceroute's probe token */
	uint32_t tcp_seq, tcp_ack;  /* TCP (ack only when full) */
	uint8_t tcp_flags;          /* TCP, only when full */
	bool tcp_full;              /* the whole 20-byte TCP header was present */
	uint8_t icmp_type, icmp_code; /* ICMP/ICMPv6 */
	uint16_t icmp_id, icmp_seq;
};

/* An ICMP or ICMPv6 message. */
struct pkt_icmp {
	int family;
	uint8_t type, code;
	uint16_t id, seq;           /* echo request/reply */
	uint32_t mtu;               /* fragmentation needed / packet too big */
	const uint8_t *data;        /* echo payload */
	size_t data_len;
	bool is_error;              /* carries a quoted datagram, parsed below */
	struct pkt_ip quoted_ip;
	struct pkt_transport quoted;
};

/* Internet checksum: add bytes to a running 32-bit sum, fold to 16 bits
 * (complemented, network order as stored in the header). */
uint32_t pkt_sum(const void *data, size_t len, uint32_t sum);
uint16_t pkt_fold(uint32_t sum);
uint16_t pkt_checksum(const void *data, size_t len);
/* The pseudo-header sum of UDP, TCP and ICMPv6 checksums. */
uint32_t pkt_pseudo_sum(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len);

/* ICMP (family AF_INET) or ICMPv6 echo request with data_len bytes of data
 * into buf.  The ICMP checksum is filled in; the ICMPv6 one only when src and
 * dst are given (raw ICMPv6 sockets have the kernel compute it).  Returns the
 * length, or -EMSGSIZE. */
int pkt_build_echo(uint8_t *buf, size_t size, int family, uint16_t id, uint16_t seq, const uint8_t *data,
		   size_t data_len, const uint8_t *src, const uint8_t *dst);
/* Rewrites the last two data bytes of an echo request so that its checksum
 * equals want (Paris traceroute: the same flow hash whatever the seq).  The
 * message needs at least 2 data bytes.  For ICMPv6 the checksum the kernel
 * computes must be given as the sum of the pseudo-header (pseudo_sum). */
int pkt_echo_pin_checksum(uint8_t *msg, size_t len, uint16_t want, uint32_t pseudo_sum);
/* The two payload bytes that make a UDP datagram's checksum come out as
 * want: the datagram is header + payload, with the last two payload bytes
 * free.  pseudo_sum from pkt_pseudo_sum(). */
int pkt_udp_pin_checksum(uint8_t *datagram, size_t len, uint16_t want, uint32_t pseudo_sum);

/* A TCP segment: a 20-byte header with flags (no options), no data.
 * Checksum over the pseudo-header of src and dst (4 or 16 bytes by family). */
int pkt_build_tcp(uint8_t *buf, size_t size, int family, const uint8_t *src, const uint8_t *dst,
		  uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window);
/* A UDP datagram with payload, checksum over the pseudo-header. */
int pkt_build_udp(uint8_t *buf, size_t size, int family, const uint8_t *src, const uint8_t *dst,
		  uint16_t sport, uint16_t dport, const uint8_t *payload, size_t payload_len);
/* A 20-byte IPv4 header (no options) with checksum, for tests and raw sends. */
int pkt_build_ipv4(uint8_t *buf, size_t size, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		   uint8_t ttl, uint16_t id, uint16_t payload_len);
/* A 40-byte IPv6 header. */
int pkt_build_ipv6(uint8_t *buf, size_t size, const uint8_t *src, const uint8_t *dst, uint8_t next_header,
		   uint8_t hop_limit, uint16_t payload_len);

/* IPv4 header (options skipped).  A quote (an ICMP error's copy of the
 * original datagram) may be shorter than its total length says; a received
 * packet may not.  Returns 0 or -EBADMSG. */
int pkt_parse_ipv4(const uint8_t *buf, size_t len, bool quoted, struct pkt_ip *ip);
/* IPv6 header and its extension headers (hop-by-hop, routing, fragment,
 * destination options). */
int pkt_parse_ipv6(const uint8_t *buf, size_t len, bool quoted, struct pkt_ip *ip);
/* Either, by the version nibble; family 0 accepts both. */
int pkt_parse_ip(const uint8_t *buf, size_t len, int family, bool quoted, struct pkt_ip *ip);
/* The first bytes of a transport header of protocol proto (at least 8
 * bytes are needed; TCP flags and ack need 20). */
int pkt_parse_transport(uint8_t proto, const uint8_t *buf, size_t len, struct pkt_transport *t);
/* An ICMP (AF_INET) or ICMPv6 message starting at its type byte; errors
 * have their quoted datagram parsed.  A quote that cannot be parsed makes
 * the whole message -EBADMSG (it cannot be matched to anything). */
int pkt_parse_icmp(int family, const uint8_t *buf, size_t len, struct pkt_icmp *msg);
/* Does this ICMP type carry a quoted datagram? */
bool pkt_icmp_is_error(int family, uint8_t type);

#endif
