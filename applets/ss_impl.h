/* ss: iproute2-compatible socket lists over sock_diag.  The pieces: ss.c
 * (options, which tables to dump, the summary), ss_table.c (ss's column
 * layout), ss_out.c (the text of each socket kind).  Calls run ss.c ->
 * ss_out.c -> ss_table.c. */
#ifndef SONDE_SS_IMPL_H
#define SONDE_SS_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sonde/applet.h"
#include "sonde/procfd.h"
#include "sonde/sockdiag.h"

struct ss_config {
	bool tcp, udp, raw, unix_sockets, packet;
	bool all, listening, numeric, processes, extended, info, memory, timers, summary;
	bool ipv4, ipv6, no_header;
};

/* ss's columns, in order.  Every row holds one field per enabled column. */
enum ss_col {
	SS_COL_NETID,
	SS_COL_STATE,
	SS_COL_RECVQ,
	SS_COL_SENDQ,
	SS_COL_ADDR,
	SS_COL_SERV,
	SS_COL_RADDR,
	SS_COL_RSERV,
	SS_COL_EXT,     /* "Process": users, timers, details, info */
	SS_COL_PROC,    /* always empty (ss keeps it for layout) */
	SS_COL_COUNT,
};

/* Rows are buffered until ss would flush them (it renders in batches of a
 * few MiB), then laid out with column widths measured over what was seen. */
struct ss_table {
	FILE *fp;
	bool disabled[SS_COL_COUNT];
	int max_len[SS_COL_COUNT];
	int width[SS_COL_COUNT];
	int screen_width;           /* -1: not a terminal (compact layout) */
	char *buf;                  /* fields: uint16 length, then the bytes */
	size_t len, cap;
	char *field;                /* the field being written (in buf) */
	enum ss_col col;            /* its column */
	bool row_open;
	/* ss's chunk accounting, so batches end where ss's do. */
	size_t chunk_pos;           /* where the next field's length word goes */
	int chunks;
	int error;
};

void ss_table_init(struct ss_table *t, FILE *fp);
/* Moves to column col of the current row (empty fields in between) and
 * appends text to it. */
__attribute__((format(printf, 3, 4))) void ss_table_printf(struct ss_table *t, enum ss_col col,
							    const char *fmt, ...);
void ss_table_header(struct ss_table *t);
/* Starts a new row (the previous one ends here, as in ss; may render a batch). */
void ss_table_begin_row(struct ss_table *t);
/* Renders what is buffered and frees it. */
void ss_table_finish(struct ss_table *t);

/* What the printers need besides the socket. */
struct ss_print_ctx {
	const struct ss_config *cfg;
	struct ss_table *table;
	struct procfd_map *procs;   /* NULL without -p */
	const struct sockdiag_filter *filter; /* user-space check when the kernel did not filter */
	bool kernel_filtered;
	uint32_t states;
	bool want_v4, want_v6;
	int port_range_low, port_range_high; /* ephemeral ports get no service name */
	unsigned long count;        /* sockets printed (for --json's summary and tests) */
	struct sonde_out *out;      /* --json */
};

int ss_print_inet(const struct sockdiag_inet *sock, void *arg);
int ss_print_unix(const struct sockdiag_unix *sock, void *arg);
int ss_print_packet(const struct sockdiag_packet *sock, void *arg);
void ss_print_cleanup(void);

#endif
