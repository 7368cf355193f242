/* libFuzzer target for the HTTP response parser (untrusted input): any
 * bytes, fed in pieces whose sizes come from the input itself, must be
 * parsed or refused with a reason, within the parser's bounds, and the
 * decoded body must never exceed what was fed.  The URL parser and
 * redirect resolution get the same bytes as a Location. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_sink(void *ctx, const char *bytes, size_t len)
{
	size_t *total = ctx;

	if (len && !bytes)
		abort();
	*total += len;
	return 0;
}

static void check_url(const uint8_t *data, size_t size)
{
	struct http_url base, next;
	char *text = malloc(size + 1);
	char shown[HTTP_MAX_TARGET + HTTP_MAX_HOST + 32];

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (http_url_parse("http://base.test/dir/page?q=1", &base) != 0)
		abort();
	if (http_url_resolve(&base, text, &next) == 0) {
		if (next.target[0] != '/' || !next.host[0] || next.port == 0)
			abort();
		http_url_format(&next, shown, sizeof(shown));
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_parser parser;
	size_t delivered = 0, used = 0, step = size ? (size_t)(data[0] % 7) + 1 : 1;
	int rc = 0;

	http_parser_init(&parser, size > 1 && (data[1] & 1), count_sink, &delivered);
	while (used < size && rc == 0) {
		size_t n = size - used < step ? size - used : step;

		rc = http_parser_feed(&parser, (const char *)data + used, n);
		used += n;
	}
	if (rc == 0)
		rc = http_parser_finish(&parser);
	if (rc < 0 && !parser.error)
		abort();
	if (delivered > size || delivered != parser.body_bytes)
		abort();
	if (parser.response.header_count > HTTP_MAX_HEADERS || parser.head_bytes > HTTP_MAX_HEADER_BYTES + 1)
		abort();
	http_parser_free(&parser);
	check_url(data, size);
	return 0;
}
