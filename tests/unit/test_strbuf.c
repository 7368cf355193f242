/* The growable text buffer (sonde/strbuf.h): appending, growth past the
 * first allocation, printf longer than its first guess, reset and free. */
#include <stdlib.h>

#include "sonde/strbuf.h"
#include "tap.h"

int main(void)
{
	struct strbuf b = { 0 };
	char long_text[1000];
	size_t i;

	strbuf_reset(&b);
	ok(b.data == NULL && b.len == 0, "reset of an empty buffer allocates nothing");
	strbuf_add(&b, "ab\0cd", 5);
	is_int(b.len, 5, "add counts bytes, NUL included");
	ok(b.data[5] == '\0', "add keeps a NUL after the text");
	strbuf_reset(&b);
	strbuf_puts(&b, "x=");
	strbuf_putc(&b, '1');
	strbuf_printf(&b, ",%s=%d", "y", 22);
	is_str(b.data, "x=1,y=22", "puts, putc and printf append");
	memset(long_text, 'z', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	strbuf_printf(&b, "[%s]", long_text);
	is_int(b.len, 8 + 2 + sizeof(long_text) - 1, "a printf longer than the space left grows the buffer");
	ok(b.data[8] == '[' && b.data[b.len - 1] == ']' && b.data[b.len] == '\0', "and writes it whole");
	for (i = 0; i < 10000; i++)
		strbuf_putc(&b, 'q');
	is_int(b.len, 8 + 2 + sizeof(long_text) - 1 + 10000, "many small appends");
	ok(b.cap > b.len && !b.failed, "the capacity grew past the length");
	strbuf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "free empties the buffer");
	strbuf_puts(&b, "again");
	is_str(b.data, "again", "a freed buffer is usable again");
	strbuf_free(&b);
	b.failed = true;
	strbuf_puts(&b, "lost");
	ok(b.data == NULL && b.len == 0, "after a failed allocation nothing more is added");
	return tap_exit();
}
