/* libFuzzer target for libcore's JSON reader (iperf3's peer messages):
 * any text must be checked, searched and unescaped within its bounds; a
 * value found lies inside the text it was found in; a text the check
 * accepts never reads as malformed when walked; an unescaped string is
 * NUL-terminated within its buffer.  Never a crash, a hang or a read past
 * the input. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The keys iperf3's parameter and result documents carry, and one absent. */
static const char *const probe_keys[] = { "tcp", "udp", "len", "title", "streams", "bytes", "congestion_used",
					  "sender_has_retransmits", "no such key" };

static void check_inside(const struct json_value *v, const char *text, size_t len)
{
	if (v->start < text || v->len == 0 || v->start + v->len > text + len)
		abort();
}

static void walk(const char *text, size_t len, bool valid, int depth);

static void check_string(const struct json_value *v)
{
	size_t size = v->len + 1;
	char *buf = malloc(size);

	if (!buf)
		return;
	if (json_read_string(v, buf, size) && !memchr(buf, '\0', size))
		abort();
	free(buf);
}

static void visit(const struct json_value *v, const char *text, size_t len, bool valid, int depth)
{
	check_inside(v, text, len);
	if (v->kind == JSON_STRING)
		check_string(v);
	if (v->kind == JSON_OBJECT || v->kind == JSON_ARRAY)
		walk(v->start, v->len, valid, depth + 1);
}

/* Every probe key of an object and the first elements of an array; a
 * valid document's containers give 0 or -ENOENT, never -EINVAL. */
static void walk(const char *text, size_t len, bool valid, int depth)
{
	struct json_value v;
	size_t i;
	int rc;

	if (depth > 8)
		return;
	for (i = 0; i < sizeof(probe_keys) / sizeof(probe_keys[0]); i++) {
		rc = json_read_get(text, len, probe_keys[i], &v);
		if (rc == 0)
			visit(&v, text, len, valid, depth);
		else if (rc != -ENOENT && (rc != -EINVAL || (valid && len && text[0] == '{')))
			abort();
	}
	for (i = 0; i < 4; i++) {
		rc = json_read_index(text, len, i, &v);
		if (rc == 0)
			visit(&v, text, len, valid, depth);
		else if (rc != -ENOENT && (rc != -EINVAL || (valid && len && text[0] == '[')))
			abort();
		if (rc < 0)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	bool valid;

	if (!text)
		return 0;
	memcpy(text, data, size);
	valid = json_read_check(text, size) == 0;
	walk(text, size, valid, 0);
	free(text);
	return 0;
}
