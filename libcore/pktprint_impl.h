/* What the pieces of the tcpdump-style printer share (libcore only). */
#ifndef SONDE_PKTPRINT_IMPL_H
#define SONDE_PKTPRINT_IMPL_H

#include "pkt_impl.h"
#include "sonde/pkt.h"
#include "sonde/pktprint.h"

/* One frame being printed. */
struct pp_frame {
	struct pktprint *pp;
	struct strbuf *line;
};

#define PP_ETHERTYPE_IPV4 0x0800
#define PP_ETHERTYPE_ARP 0x0806
#define PP_ETHERTYPE_IPV6 0x86dd

/* The visible marker for what is not decoded: " [sonde: not decoded: WHAT]". */
__attribute__((format(printf, 2, 3))) void pp_mark(struct pp_frame *f, const char *what_fmt, ...);
/* An address as tcpdump prints it: a name unless -n (when the caller gave a
 * name function and it knows one), the number otherwise. */
void pp_addr(struct pp_frame *f, int family, const uint8_t *addr);
/* A TCP or UDP port: its service name unless -nn, the number otherwise. */
void pp_port(struct pp_frame *f, uint16_t port, bool tcp);
/* A MAC address as tcpdump prints it (with -n, or without: see pktprint.c);
 * false when the line was marked instead. */
bool pp_mac(struct pp_frame *f, const uint8_t *mac);

/* The network layer by ethertype (IPv4, ARP, IPv6); len is what was on the
 * wire from here on, caplen what was captured of it. */
void pp_ethertype(struct pp_frame *f, uint16_t type, const uint8_t *p, size_t caplen, size_t len);
void pp_ipv4(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len);
void pp_ipv6(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len);
/* DNS over UDP: id, flags, question or answers, (length). */
void pp_dns(struct pp_frame *f, const uint8_t *msg, size_t caplen, size_t len, bool mdns);

#endif
