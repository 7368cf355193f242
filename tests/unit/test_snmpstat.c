/* snmpstat: the /proc/net/snmp ("Title: names" / "Title: values" pairs) and
 * /proc/net/snmp6 ("name value" lines) layouts, and what a damaged file
 * turns into. */
#include <errno.h>
#include <string.h>

#include "sonde/snmpstat.h"
#include "tap.h"

static struct snmpstat parse(const char *text, enum snmpstat_layout layout, const char *table_name)
{
	struct snmpstat set;

	is_int(snmpstat_parse(&set, text, strlen(text), layout, table_name), 0, "parses");
	return set;
}

static unsigned long long value_of(const struct snmpstat *set, const char *table, const char *name)
{
	const struct snmpstat_counter *c = snmpstat_find(set, table, name);

	return c ? c->value : 424242;
}

static void test_pairs(void)
{
	struct snmpstat set = parse("Ip: Forwarding DefaultTTL InReceives\nIp: 2 64 18446744073709551615\n"
				    "\n"
				    "Tcp: RtoMin MaxConn ActiveOpens\nTcp: 200 -1 7\n",
				    SNMPSTAT_PAIRS, NULL);
	const struct snmpstat_counter *max_conn = snmpstat_find(&set, "Tcp", "MaxConn");

	is_int((int)set.table_count, 2, "pairs: two tables");
	is_str(set.tables[0].name, "Ip", "pairs: first table");
	is_int((int)set.tables[1].count, 3, "pairs: Tcp has three counters");
	ok(value_of(&set, "Ip", "Forwarding") == 2, "pairs: Ip Forwarding");
	ok(value_of(&set, "Ip", "InReceives") == 18446744073709551615ull, "pairs: a full 64-bit counter");
	ok(max_conn && max_conn->negative && max_conn->value == (unsigned long long)-1, "pairs: -1 is kept as negative");
	ok(!snmpstat_find(&set, "Udp", "InDatagrams"), "pairs: a missing table finds nothing");
	snmpstat_free(&set);
}

static void test_damaged_pairs(void)
{
	/* A value line for another title starts over as a header; surplus
	 * names and values are dropped; a word that is not a number reads 0;
	 * the last line needs no newline. */
	struct snmpstat set = parse("Ip: A B C\nTcp: X Y\nTcp: 1 2 3\nno colon here\nUdp: P Q\nUdp: x 5",
				    SNMPSTAT_PAIRS, NULL);

	is_int((int)set.table_count, 2, "damaged: the orphan Ip header is dropped");
	is_str(set.tables[0].name, "Tcp", "damaged: Tcp resynchronised");
	is_int((int)set.tables[0].count, 2, "damaged: the surplus value is dropped");
	ok(value_of(&set, "Udp", "P") == 0 && value_of(&set, "Udp", "Q") == 5, "damaged: non-number reads 0");
	snmpstat_free(&set);
}

static void test_lines(void)
{
	struct snmpstat set = parse("Ip6InReceives                   \t12\nIp6OutRequests 3\nIcmp6InMsgs 1\n"
				    "Icmp6OutType133 4\nUdp6InDatagrams 9\nUdpLite6InDatagrams 0\nlonely\n",
				    SNMPSTAT_LINES, NULL);

	is_int((int)set.table_count, 4, "lines: tables by prefix");
	is_str(set.tables[1].name, "Icmp6", "lines: Icmp6");
	is_str(set.tables[3].name, "UdpLite6", "lines: UdpLite6 apart from Udp6");
	ok(value_of(&set, "Icmp6", "Icmp6OutType133") == 4, "lines: the name stays whole");
	ok(value_of(&set, "Ip6", "Ip6InReceives") == 12, "lines: tabs and blanks between name and value");
	snmpstat_free(&set);

	set = parse("SctpCurrEstab 1\nSctpActiveEstabs 2\n", SNMPSTAT_LINES, "Sctp");
	is_int((int)set.table_count, 1, "lines with a table name: one table");
	ok(value_of(&set, "Sctp", "SctpActiveEstabs") == 2, "lines with a table name: its counters");
	snmpstat_free(&set);
}

static void test_read(void)
{
	struct snmpstat set;

	is_int(snmpstat_read(&set, "/nonexistent/snmp", SNMPSTAT_PAIRS, NULL), -ENOENT, "read: a missing file");
	snmpstat_free(&set);
	is_int(snmpstat_read(&set, "/proc/net/snmp", SNMPSTAT_PAIRS, NULL), 0, "read: /proc/net/snmp");
	ok(snmpstat_find(&set, "Tcp", "ActiveOpens") != NULL, "read: Tcp ActiveOpens is there");
	snmpstat_free(&set);
}

int main(void)
{
	test_pairs();
	test_damaged_pairs();
	test_lines();
	test_read();
	return tap_exit();
}
