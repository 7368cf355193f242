/* libFuzzer target: CTNETLINK messages of arbitrary bytes through the
 * conntrack parsers, and whatever parses through every text format and a
 * filter. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/conntrack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void format_all(const struct ct_entry *entry)
{
	static const unsigned flag_sets[] = { 0, CT_FMT_EXTENDED | CT_FMT_ID | CT_FMT_KTIMESTAMP, CT_FMT_SAVE };
	struct ct_filter filter;
	char line[CT_LINE_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		len = ct_format(line, sizeof(line), entry, flag_sets[i], NULL, 0);
		if (len >= sizeof(line) || line[len] != '\0' || strlen(line) != len)
			__builtin_trap();
	}
	/* A tiny buffer must stay terminated too. */
	len = ct_format(line, 7, entry, 0, NULL, 0);
	if (len > 6 || line[len] != '\0')
		__builtin_trap();
	memset(&filter, 0, sizeof(filter));
	filter.src_nat = filter.dst_nat = true;
	ct_filter_match(&filter, entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_global_stats global;
	struct ct_cpu_stats cpu;
	struct ct_entry entry;
	/* A private copy of exactly the input's size, so that ASan sees a read
	 * past its end (malloc's alignment suits the netlink header read in
	 * place). */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (ct_parse_msg(buf, size, &entry) == 0) {
		if (entry.has_helper && !memchr(entry.helper, '\0', sizeof(entry.helper)))
			__builtin_trap();
		if (entry.labels_len > CT_LABELS_LEN)
			__builtin_trap();
		format_all(&entry);
	}
	ct_parse_cpu_stats(buf, size, &cpu);
	ct_parse_global_stats(buf, size, &global);
	free(buf);
	return 0;
}
