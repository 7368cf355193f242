/* netstat: net-tools-compatible socket tables over sock_diag.  netstat.c
 * holds the options, the Internet tables and the main loop; netstat_unix.c
 * the Unix domain table. */
#ifndef SONDE_NETSTAT_H
#define SONDE_NETSTAT_H

#include <stdbool.h>

#include "sonde/applet.h"
#include "sonde/procfd.h"
#include "sonde/sockdiag.h"

struct netstat_config {
	bool tcp, udp, raw, unix_sockets, ipv4, ipv6;
	bool listening, all, numeric, programs, wide, continuous;
	int extend;                 /* -e count: -ee adds User and Inode */
};

/* netstat's PID/Program name column width. */
#define NETSTAT_PROGRAM_WIDTH 20

struct netstat_run {
	const struct netstat_config *cfg;
	struct sockdiag *diag;
	struct procfd_map *procs;   /* NULL without -p */
	struct sonde_out *out;      /* --json, or NULL */
};

/* "Active UNIX domain sockets" and its rows.  Returns 0 or -errno. */
int netstat_unix_table(struct netstat_run *run);
/* "(servers and established)", "(only servers)" or "(w/o servers)". */
const char *netstat_scope(const struct netstat_config *cfg);

#endif
