/* libFuzzer target: address, host:port and CIDR parsing, and printing back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), host[256], buf[ADDR_STRLEN];
	struct sonde_addr addr, again;
	struct sonde_prefix prefix;
	const char *port_text;
	uint16_t port;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (addr_parse_ip(text, 1, AF_UNSPEC, &addr) == 0) {
		/* What parses must print and parse back to the same address. */
		addr_ntop(&addr, buf, sizeof(buf));
		if (addr_parse_ip(buf, 1, AF_UNSPEC, &again) != 0 || !addr_equal(&addr, &again))
			__builtin_trap();
		addr_format(&addr, buf, sizeof(buf));
	}
	if (addr_split_hostport(text, host, sizeof(host), &port_text) == 0) {
		if (!memchr(host, '\0', sizeof(host)))
			__builtin_trap();
		if (port_text)
			addr_parse_port(port_text, false, &port);
	}
	if (addr_parse_prefix(text, true, &prefix) == 0) {
		if (prefix.len > (prefix.family == AF_INET ? 32u : 128u))
			__builtin_trap();
		prefix_format(&prefix, buf, sizeof(buf));
	}
	free(text);
	return 0;
}
