/* One captured frame as tcpdump 4.99.3 prints it in one line (the line
 * after the timestamp: link header with -e, then each protocol's summary),
 * for `sonde tcpdump`.  Built on the bounds-checked parsers of pkt.h and
 * dns.h; fed by a libFuzzer target (tests/fuzz/fuzz_pktprint.c).
 *
 * What the printer does not decode as tcpdump does is never guessed: the
 * line says so with a visible marker, " [sonde: not decoded: WHAT]"
 * (PKTPRINT_MARK), where tcpdump would print a protocol's own summary. */
#ifndef SONDE_PKTPRINT_H
#define SONDE_PKTPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/strbuf.h"

#define PKTPRINT_MARK "[sonde: not decoded: "

/* Link types, as libpcap numbers them (DLT_*). */
enum pktprint_linktype {
	PKTPRINT_LINK_ETHERNET = 1,
	PKTPRINT_LINK_SLL = 113,      /* Linux cooked v1 */
	PKTPRINT_LINK_SLL2 = 276,     /* Linux cooked v2 (-i any) */
};

/* Names for addresses when not -n: returns the name to print, or NULL for
 * the number.  family AF_INET or AF_INET6, addr in network order. */
typedef const char *(*pktprint_addr_name_fn)(void *ctx, int family, const uint8_t *addr);
/* An interface index's name (Linux cooked v2), or NULL when there is none. */
typedef const char *(*pktprint_ifname_fn)(void *ctx, uint32_t ifindex);

/* A TCP conversation seen with ACK set: the base of its relative sequence
 * numbers (tcpdump's table, keyed by both ends). */
struct pktprint_tcp_conv {
	uint8_t lo_addr[16], hi_addr[16];
	uint16_t lo_port, hi_port;
	uint32_t lo_seq, hi_seq;      /* the bases of each end's numbers */
	bool used;
};

/* The table's first size (slots; it doubles when half full). */
#define PKTPRINT_TCP_CONVS 1024

struct pktprint {
	/* options, set by the caller */
	int numeric;              /* -n: numeric addresses and ports */
	bool link_header;         /* -e */
	int quiet;                /* -q */
	int verbose;              /* -v count (at most 2: -vv) */
	pktprint_addr_name_fn addr_name;
	pktprint_ifname_fn ifname;
	void *name_ctx;
	/* state across frames: the TCP conversations (grown as needed) */
	struct pktprint_tcp_conv *tcp_convs;
	size_t tcp_slots, tcp_used;
};

/* The summary of one frame of the given link type (caplen bytes captured of
 * wire_len) appended to line, without timestamp or newline.  *link_header_len
 * gets the link header's length (what -x leaves out of its dump).  Returns 0,
 * or -ENOMEM when the line could not grow. */
int pktprint_frame(struct pktprint *pp, int linktype, const uint8_t *frame, size_t caplen, size_t wire_len,
		   struct strbuf *line, size_t *link_header_len);
/* Frees the state kept across frames. */
void pktprint_free(struct pktprint *pp);
/* Is this link type printed (the others get one marker line)? */
bool pktprint_linktype_known(int linktype);

#endif
