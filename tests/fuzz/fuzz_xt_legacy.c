/* libFuzzer target for the legacy x_tables entry-table parser: the first 44
 * bytes are IPT_SO_GET_INFO's answer (valid_hooks, hook_entry[5],
 * underflow[5]), the rest the entries.  Whatever the bytes, the parser must
 * return a table or an error, and a table must be consistent. */
#include <linux/netfilter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/xt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned header[11];
	struct xt_table t;
	uint8_t *entries;
	size_t i, j;

	if (size < sizeof(header))
		return 0;
	memcpy(header, data, sizeof(header));
	entries = malloc(size - sizeof(header) + 1);
	if (!entries)
		return 0;
	memcpy(entries, data + sizeof(header), size - sizeof(header));
	if (xt_legacy_parse((header[0] & 0x100) ? NFPROTO_IPV6 : NFPROTO_IPV4, "filter", header[0] & 0x1f,
			    &header[1], &header[6], entries, size - sizeof(header), &t) == 0) {
		for (i = 0; i < t.chain_count; i++)
			for (j = 0; j < t.chains[i].rule_count; j++)
				if (t.chains[i].rules[j].verdict == XT_VERDICT_TARGET && !t.chains[i].rules[j].target.data)
					abort();
		xt_table_free(&t);
	}
	free(entries);
	return 0;
}
