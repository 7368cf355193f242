/* libFuzzer target for the /proc/net/snmp-style parsers: the first byte
 * picks the layout (pairs, prefixed lines, lines of one named table); the
 * rest is the file.  Every table must stay inside the counter array and
 * every name inside the set's text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/snmpstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_set(const struct snmpstat *set)
{
	size_t i, name_bytes = 0;

	for (i = 0; i < set->table_count; i++) {
		const struct snmpstat_table *t = &set->tables[i];

		if (t->first > set->counter_count || t->count > set->counter_count - t->first)
			abort();
		name_bytes += strlen(t->name);
	}
	/* Walking every name lets ASan check that each one is terminated. */
	for (i = 0; i < set->counter_count; i++)
		name_bytes += strlen(set->counters[i].name);
	if (set->counter_count && name_bytes == 0)
		abort();
	snmpstat_find(set, "Tcp", "ActiveOpens");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snmpstat set;
	enum snmpstat_layout layout;
	const char *table_name;

	if (size < 1)
		return 0;
	layout = data[0] % 3 == 0 ? SNMPSTAT_PAIRS : SNMPSTAT_LINES;
	table_name = data[0] % 3 == 2 ? "Sctp" : NULL;
	if (snmpstat_parse(&set, (const char *)data + 1, size - 1, layout, table_name) == 0)
		check_set(&set);
	snmpstat_free(&set);
	return 0;
}
