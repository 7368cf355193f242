/* libFuzzer target for scan's command-line parsers: target specifications
 * (addresses, CIDR, octet ranges; numeric only, so nothing is resolved) and
 * nmap-style port lists.  What parses must expand to hosts the spec
 * matches, within its count, and to valid ports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small enough to walk on every input. */
#define EXPAND_LIMIT 4096

static void check_targets(const char *text, int family)
{
	struct scan_spec spec;
	struct scan_targets targets;
	size_t i, count;

	if (scan_spec_parse(text, family, SCAN_SPEC_NUMERIC, &spec) < 0)
		return;
	if (spec.kind == SCAN_SPEC_NAME)
		abort(); /* numeric only: a name must never be looked up */
	count = scan_spec_count(&spec);
	if (count == 0 || count > EXPAND_LIMIT)
		return;
	scan_targets_init(&targets);
	if (scan_targets_add(&targets, &spec, NULL, 0) < 0 || targets.count != count)
		abort();
	for (i = 0; i < targets.count; i++)
		if (!scan_spec_match(&spec, &targets.items[i].addr))
			abort();
	scan_targets_free(&targets);
}

static void check_ports(const char *text)
{
	static struct port_list tcp, udp;
	struct port_error err;
	size_t i;

	ports_init(&tcp);
	ports_init(&udp);
	if (ports_parse_scan(&tcp, &udp, text, &err) < 0 && !err.reason)
		abort();
	for (i = 0; i < tcp.count; i++)
		if (tcp.ranges[i].low == 0 || tcp.ranges[i].low > tcp.ranges[i].high)
			abort();
	for (i = 0; i < udp.count; i++)
		if (udp.ranges[i].low == 0 || udp.ranges[i].low > udp.ranges[i].high)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_targets(text, AF_UNSPEC);
	check_targets(text, AF_INET6);
	check_ports(text);
	free(text);
	return 0;
}
