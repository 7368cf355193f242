/* What the pieces of the tcpdump-style printer share (libcore only). */
#ifndef SONDE_PKTPRINT_IMPL_H
#define SONDE_PKTPRINT_IMPL_H

#include "sonde/bytes.h"
#include "sonde/pkt.h"
#include "sonde/pktprint.h"

struct pp_frame;
/* A link layer's printer: returns the length of its header. */
typedef size_t (*pp_link_fn)(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t wire_len);

/* One frame being printed. */
struct pp_frame {
	struct pktprint *pp;
	struct strbuf *line;
	/* Ethernet's printer (pktprint.c), for the frames a tunnel carries
	 * (VXLAN): reached through here, the layers print one way. */
	pp_link_fn ethernet;
	const uint8_t *ip_header; /* the IP header printed last (checksums' source route or routing header) */
	/* a printer found the capture cut short where tcpdump's quits (its
	 * longjmp): -x, -X and -A then dump the frame from its first byte */
	bool cut_short;
};

#define PP_ETHERTYPE_IPV4 0x0800
#define PP_ETHERTYPE_ARP 0x0806
#define PP_ETHERTYPE_IPV6 0x86dd
#define PP_ETHERTYPE_8021Q 0x8100
#define PP_ETHERTYPE_QINQ 0x88a8

/* tcpdump's " [|PROTO]" where a printer quits because the capture ends. */
void pp_cut_short(struct pp_frame *f, const char *proto);
/* The visible marker for what is not decoded: " [sonde: not decoded: WHAT]". */
__attribute__((format(printf, 2, 3))) void pp_mark(struct pp_frame *f, const char *what_fmt, ...);
/* Bytes as tcpdump's nd_printn shows text: "M-" before a byte above 127
 * (then its low 7 bits), "^" before a control character (XOR 0x40). */
void pp_printn(struct pp_frame *f, const uint8_t *bytes, size_t len);
/* Bytes as tcpdump's hex_print (print_unknown_data): lines of 16 after
 * indent ("\n\t    0x0000:  028d b626"). */
void pp_hex_lines(struct pp_frame *f, const char *indent, const uint8_t *data, size_t len);
/* pktprint_icmpext.c, at -v: an ICMP error's RFC 4884 multi-part
 * extension after the quoted datagram, when tcpdump prints one; false
 * where the message is to be marked (cut short in the capture). */
bool pp_icmp4_extension(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len);
/* An address as tcpdump prints it: a name unless -n (when the caller gave a
 * name function and it knows one), the number otherwise. */
void pp_addr(struct pp_frame *f, int family, const uint8_t *addr);
/* A TCP or UDP port: its service name unless -nn, the number otherwise. */
void pp_port(struct pp_frame *f, uint16_t port, bool tcp);
/* A MAC address as tcpdump prints it (with -n, or without: see pktprint.c);
 * false when the line was marked instead. */
bool pp_mac(struct pp_frame *f, const uint8_t *mac);

#define PP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Ports tcpdump hands to its other printers, as inclusive ranges. */
struct port_range {
	uint16_t first, last;
};
bool pp_port_in(const struct port_range *ranges, size_t count, uint16_t port);
/* Is port one of the two, and the only one of them in ranges? (When both
 * are, the order of tcpdump's tests decides: not decided here.) */
bool pp_sole_decoded_port(const struct port_range *ranges, size_t count, const uint16_t *ports, uint16_t port);
/* Is port the source or the destination port (ports[0], ports[1])? */
bool pp_has_port(const uint16_t *ports, uint16_t port);
/* "SRC > DST: " or, with ports, "SRC.SPORT > DST.DPORT: "; after IPv6
 * extension headers (which named the addresses) "SPORT > DPORT: ". */
void pp_endpoints(struct pp_frame *f, const struct pkt_ip *ip, const uint16_t *ports, bool tcp);
/* -v (pktprint_verbose.c): the IPv4 header's fields and "\n    ", the
 * IPv6 header's fields and " ". */
void pp_ipv4_verbose(struct pp_frame *f, const uint8_t *p, const struct pkt_ip *ip);
void pp_ipv6_verbose(struct pp_frame *f, const uint8_t *p);
/* pktprint_ipv4opt.c: the options of an IPv4 header (len bytes, avail
 * captured from there), false where the capture ends too soon; the final
 * destination of a source route (the header's destination without one). */
bool pp_ipv4_options(struct pp_frame *f, const uint8_t *opt, size_t len, size_t avail);
const uint8_t *pp_ipv4_route_dst(const struct pkt_ip *ip, const uint8_t *header);
/* The checksum over a TCP, UDP, ICMP or ICMPv6 message with its pseudo
 * header (none for ICMP): 0 when right.  ip_header (may be NULL) gives an
 * IPv6 routing header's final destination. */
uint16_t pp_transport_cksum(const struct pkt_ip *ip, const uint8_t *ip_header, uint8_t proto, const uint8_t *seg,
			    size_t len);
/* tcpdump's "should be" value of a checksum field, from what the sum gave. */
uint16_t pp_cksum_shouldbe(uint16_t field, uint16_t computed);
/* A first fragment (IPv4 MF, or an IPv6 fragment header): tcpdump checks no
 * transport checksum in it. */
bool pp_ip_fragmented(const struct pkt_ip *ip);

/* A TCP segment (pktprint_tcp.c): the endpoints and tcpdump's line. */
void pp_tcp(struct pp_frame *f, const struct pkt_ip *ip, const uint8_t *p, size_t caplen, size_t len);

/* pktprint_nd.c, at -v: neighbor discovery options (caplen of len
 * captured), and a router advertisement's ", length N", fields and
 * options; false where the message is to be marked. */
bool pp_nd_options(struct pp_frame *f, const uint8_t *opt, size_t caplen, size_t len);
bool pp_router_advert(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len);

/* The network layer by ethertype (IPv4, ARP, IPv6); len is what was on the
 * wire from here on, caplen what was captured of it. */
void pp_ethertype(struct pp_frame *f, uint16_t type, const uint8_t *p, size_t caplen, size_t len);
void pp_ipv4(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len);
void pp_ipv6(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len);
/* DNS over UDP: id, flags, question or answers, (length). */
void pp_dns(struct pp_frame *f, const uint8_t *msg, size_t caplen, size_t len, bool mdns);
/* pktprint_dns_rr.c, for pktprint_dns.c: a question (" A? name."), a
 * record as tcpdump's ns_rprint, the OPT pseudo-record; false where the
 * message is to be marked instead. */
struct dns_msg;
struct dns_rr;
/* A name as tcpdump's fqdn_print (its escapes, backward pointers only,
 * pointers counted from wire); *next: where it ends at offset. */
bool pp_dns_name(struct pp_frame *f, const uint8_t *wire, size_t wire_len, size_t offset, size_t *next);
bool pp_dns_question(struct pp_frame *f, const struct dns_msg *msg, const struct dns_rr *q, bool mdns);
bool pp_dns_record(struct pp_frame *f, const struct dns_msg *msg, const struct dns_rr *rr, bool mdns);
bool pp_dns_opt(struct pp_frame *f, const struct dns_msg *msg, bool mdns);
/* DNS over TCP: the 2-byte length, then the message as pp_dns prints it. */
void pp_dns_tcp(struct pp_frame *f, const uint8_t *data, size_t caplen, size_t len);

#endif
