/* libFuzzer target for the sock_diag parsers and the filter compiler: the
 * first byte picks the parser (inet, unix, packet, /proc/net/raw line, filter
 * expression); the rest is the message.  Nothing may read out of bounds, and
 * a compiled filter must stay inside its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_filter(const uint8_t *data, size_t size)
{
	static struct sockdiag_filter filter;
	uint8_t code[SOCKDIAG_BYTECODE_MAX];
	char err[128];
	char *text = malloc(size + 1);
	char *words[1];
	size_t len;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	words[0] = text;
	if (sockdiag_filter_parse(&filter, 1, words, err, sizeof(err)) == 0 &&
	    sockdiag_filter_compile(&filter, code, sizeof(code), &len) == 0 && len > sizeof(code))
		abort();
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Copies keep the parsers' reads inside what ASan watches. */
	uint8_t *msg;

	if (size < 1)
		return 0;
	msg = malloc(size - 1 ? size - 1 : 1);
	if (!msg)
		return 0;
	memcpy(msg, data + 1, size - 1);
	switch (data[0] % 5) {
	case 0: {
		struct sockdiag_inet sock;

		sockdiag_parse_inet(msg, size - 1, data[0] & 0x80 ? IPPROTO_RAW : IPPROTO_TCP, &sock);
		break;
	}
	case 1: {
		struct sockdiag_unix sock;
		uint32_t pending[8];

		if (sockdiag_parse_unix(msg, size - 1, &sock, pending, 8) == 0 && sock.pending_count > 8)
			abort();
		break;
	}
	case 2: {
		struct sockdiag_packet sock;

		sockdiag_parse_packet(msg, size - 1, &sock);
		break;
	}
	case 3: {
		struct sockdiag_inet sock;
		char *line = malloc(size);

		if (line) {
			memcpy(line, data + 1, size - 1);
			line[size - 1] = '\0';
			sockdiag_parse_proc_raw(line, data[0] & 0x80 ? AF_INET6 : AF_INET, &sock);
			free(line);
		}
		break;
	}
	default:
		fuzz_filter(data + 1, size - 1);
		break;
	}
	free(msg);
	return 0;
}
