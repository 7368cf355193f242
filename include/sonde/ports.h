/* Port lists as port scanners and netcat take them: "22", "20-25",
 * "20-25,80,https", given as one or several operands.  Ranges stay ranges
 * (1-65535 costs four bytes, not 128 KiB) and are walked with an iterator. */
#ifndef SONDE_PORTS_H
#define SONDE_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds what one command line can ask for, so a hostile list cannot make
 * the parser allocate without limit. */
#define PORTS_MAX_RANGES 1024

struct port_range {
	uint16_t low, high; /* inclusive, low <= high */
};

struct port_list {
	struct port_range ranges[PORTS_MAX_RANGES];
	size_t count;
};

/* Why an item was refused: a fixed reason and the item as written
 * (truncated to fit). */
struct port_error {
	const char *reason;
	char item[40];
};

struct port_iter {
	size_t range;
	uint32_t next; /* the port after the one last returned, in this range */
};

void ports_init(struct port_list *list);
/* Appends the comma-separated items of text.  An item is a port (1-65535), a
 * range "LOW-HIGH" (a reversed range is swapped, as netcat does), or a
 * service name for proto ("tcp" or "udp"; services_port()).  Returns 0, or
 * -EINVAL / -ERANGE / -E2BIG with err filled; the list then holds the items
 * before the bad one. */
int ports_parse(struct port_list *list, const char *text, const char *proto, struct port_error *err);
/* How many ports the list holds, counting repeats. */
size_t ports_total(const struct port_list *list);

void ports_iter_init(struct port_iter *it);
/* The next port in list order; false at the end. */
bool ports_iter_next(const struct port_list *list, struct port_iter *it, uint16_t *port);

/* Port lists for a scanner that probes TCP and UDP in one run, as nmap's -p
 * takes them: "22,80", "U:53,T:443,8000-8100", "-" for every port 1-65535.
 * An item goes to the protocol of the last "T:" or "U:" prefix before it;
 * items before any prefix go to both lists given (a NULL list skips them).
 * Service names are looked up for the list's protocol.  Returns 0 or an
 * error as ports_parse(). */
int ports_parse_scan(struct port_list *tcp, struct port_list *udp, const char *text, struct port_error *err);
/* The list as text, ranges kept: "22,80,1000-2000" (nmap's XML "services").
 * Returns the length needed, as snprintf does. */
size_t ports_format(const struct port_list *list, char *buf, size_t size);
/* Is port in the list? */
bool ports_contains(const struct port_list *list, uint16_t port);

#endif
