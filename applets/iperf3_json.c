/* iperf3's control messages are JSON objects (cJSON on the iperf3 side):
 * libcore's json_read reads the peer's; this writes a string member of
 * ours, escaped as the JSON writer escapes. */
#include <string.h>

#include "iperf3_impl.h"

void ip3_json_add_string(struct strbuf *b, const char *s)
{
	size_t need = json_escape(NULL, 0, s, strlen(s));

	strbuf_putc(b, '"');
	if (!strbuf_reserve(b, need + 1))
		return;
	json_escape(b->data + b->len, need + 1, s, strlen(s));
	b->len += need;
	strbuf_putc(b, '"');
}
