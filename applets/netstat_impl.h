/* netstat: net-tools-compatible socket tables over sock_diag.  netstat.c
 * holds the options, the choice of view and main; netstat_inet.c the
 * Internet tables; netstat_unix.c the Unix domain table; netstat_views.c
 * the routing (-r) and interface (-i) tables; netstat_stats.c the protocol
 * statistics (-s); netstat_common.c what the tables share. */
#ifndef SONDE_NETSTAT_IMPL_H
#define SONDE_NETSTAT_IMPL_H

#include <stdbool.h>

#include "sonde/applet.h"
#include "sonde/procfd.h"
#include "sonde/sockdiag.h"

struct netstat_config {
	bool tcp, udp, raw, unix_sockets, ipv4, ipv6;
	bool listening, all, numeric, programs, wide, continuous;
	int extend;                 /* -e count: -ee adds User and Inode */
	bool route, interfaces, statistics;   /* -r, -i, -s: another view */
};

/* netstat's PID/Program name column width. */
#define NETSTAT_PROGRAM_WIDTH 20

struct netstat_run {
	const struct netstat_config *cfg;
	struct sockdiag *diag;
	struct procfd_map *procs;   /* NULL without -p */
	struct sonde_out *out;      /* --json, or NULL */
	struct sonde_out *printer;  /* text and JSON: the views print through it */
	const char *failed;         /* what a view could not read, for the message */
};

/* "Active Internet connections" and its rows for the protocols asked.
 * Returns 0 or -errno. */
int netstat_inet_tables(struct netstat_run *run, bool tcp, bool udp, bool raw);
/* Forgets the host names the tables looked up (they last through -c). */
void netstat_inet_free_names(void);
/* "Active UNIX domain sockets" and its rows.  Returns 0 or -errno. */
int netstat_unix_table(struct netstat_run *run);
/* "Kernel IP routing table" (-r), "Kernel Interface table" (-i), the
 * protocol counters (-s).  Each returns 0 or -errno with run->failed set. */
int netstat_route_view(struct netstat_run *run);
int netstat_iface_view(struct netstat_run *run);
int netstat_stats_view(struct netstat_run *run);
/* netstat_common.c: "(servers and established)", "(only servers)" or
 * "(w/o servers)". */
const char *netstat_scope(const struct netstat_config *cfg);

#endif
