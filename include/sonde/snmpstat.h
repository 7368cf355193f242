/* The kernel's protocol counters as /proc/net/snmp, /proc/net/netstat,
 * /proc/net/snmp6 and /proc/net/sctp/snmp give them, parsed into tables of
 * named counters in file order (for netstat -s and whoever else needs a
 * counter).
 *
 * Two layouts exist:
 *   pairs   "Tcp: ActiveOpens PassiveOpens ...\nTcp: 3 1 ...\n" (snmp, netstat)
 *   lines   "Ip6InReceives 12\n" (snmp6: the table is the name's prefix up to
 *           its first digit, "Ip6", "Icmp6", "UdpLite6"; sctp/snmp: one
 *           table named by the caller)
 * Parsing is defensive: a value line whose title differs from its header's
 * starts over as a header, surplus names or values are dropped, a value that
 * is not a number reads 0. */
#ifndef SONDE_SNMPSTAT_H
#define SONDE_SNMPSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum snmpstat_layout {
	SNMPSTAT_PAIRS,
	SNMPSTAT_LINES,
};

struct snmpstat_counter {
	const char *name;       /* into the set's own copy of the text */
	uint64_t value;         /* as strtoull reads it: "-1" wraps to UINT64_MAX */
	bool negative;          /* written with a minus sign (Tcp MaxConn -1) */
};

struct snmpstat_table {
	const char *name;       /* "Ip", "TcpExt", "Icmp6" */
	size_t first, count;    /* its counters: counters[first .. first+count) */
};

struct snmpstat {
	struct snmpstat_table *tables;
	size_t table_count;
	struct snmpstat_counter *counters;
	size_t counter_count;
	size_t counter_capacity;
	char *text;             /* the parsed copy the names point into */
};

/* Parses len bytes of text (no NUL needed).  table_name names the single
 * table of a SNMPSTAT_LINES file whose names carry no prefix (sctp), or is
 * NULL.  Returns 0 or -ENOMEM; free the set with snmpstat_free either way. */
int snmpstat_parse(struct snmpstat *set, const char *text, size_t len, enum snmpstat_layout layout,
		   const char *table_name);
/* Reads and parses a file.  Returns 0, -errno from open/read, or -ENOMEM. */
int snmpstat_read(struct snmpstat *set, const char *path, enum snmpstat_layout layout, const char *table_name);
void snmpstat_free(struct snmpstat *set);

const struct snmpstat_table *snmpstat_table(const struct snmpstat *set, const char *name);
/* The counter table.name, or NULL. */
const struct snmpstat_counter *snmpstat_find(const struct snmpstat *set, const char *table, const char *name);

#endif
