/* libFuzzer target for the port-list parser: any bytes must parse or be
 * refused cleanly, and what parses must walk back to a bounded, ordered
 * set of valid ports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/ports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct port_list list;
	struct port_error err;
	struct port_iter it;
	uint16_t port;
	size_t walked = 0, i;
	char *text;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	ports_init(&list);
	if (ports_parse(&list, text, size && (data[0] & 1) ? "udp" : "tcp", &err) < 0 &&
	    (!err.reason || strlen(err.item) >= sizeof(err.item)))
		abort();
	for (i = 0; i < list.count; i++)
		if (list.ranges[i].low == 0 || list.ranges[i].low > list.ranges[i].high)
			abort();
	ports_iter_init(&it);
	while (ports_iter_next(&list, &it, &port)) {
		if (port == 0)
			abort();
		walked++;
	}
	if (walked != ports_total(&list) || list.count > PORTS_MAX_RANGES)
		abort();
	free(text);
	return 0;
}
