/* libFuzzer target: JSON string escaping must always produce valid JSON
 * string content (no raw control bytes, valid UTF-8, balanced escapes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if (s[i] < 0x20)
			__builtin_trap();
		if (s[i] == '"')
			__builtin_trap(); /* unescaped quote */
		if (s[i] == '\\') {
			if (i + 1 >= len)
				__builtin_trap();
			if (s[i + 1] == 'u')
				i += 6;
			else if (strchr("\"\\nrtbf", s[i + 1]))
				i += 2;
			else
				__builtin_trap();
			continue;
		}
		i++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t need = json_escape(NULL, 0, (const char *)data, size);
	char *buf = malloc(need + 1);

	if (!buf)
		return 0;
	if (json_escape(buf, need + 1, (const char *)data, size) != need || strlen(buf) != need)
		__builtin_trap();
	check_valid((const unsigned char *)buf, need);
	free(buf);
	return 0;
}
