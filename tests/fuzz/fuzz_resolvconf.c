/* libFuzzer target: resolv.conf parsing of arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sonde/resolvconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resolv_conf conf;
	size_t i;

	resolv_conf_init(&conf);
	resolv_conf_parse(&conf, (const char *)data, size);
	/* Every stored string must be terminated inside its slot. */
	for (i = 0; i < conf.nameserver_count; i++)
		if (!memchr(conf.nameservers[i], '\0', sizeof(conf.nameservers[i])))
			__builtin_trap();
	for (i = 0; i < conf.search_count; i++)
		if (!memchr(conf.search[i], '\0', sizeof(conf.search[i])))
			__builtin_trap();
	if (conf.ndots < 0 || conf.ndots > 15 || conf.nameserver_count > RESOLV_MAX_NAMESERVERS)
		__builtin_trap();
	return 0;
}
