/* A growable text buffer: the one libcore and the applets append text to
 * (rule printers, DNS presentation, HTTP requests).  data is always
 * NUL-terminated once anything was added; `failed` records an allocation
 * failure, after which nothing more is added (the text is incomplete and the
 * caller reports -ENOMEM).  A zeroed struct is an empty buffer. */
#ifndef SONDE_STRBUF_H
#define SONDE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data;             /* NULL until the first addition */
	size_t len, cap;
	bool failed;
};

/* Room for extra more bytes and the NUL; false (and failed set) when
 * memory ran out or had run out before. */
bool strbuf_reserve(struct strbuf *b, size_t extra);
void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_putc(struct strbuf *b, char c);
void strbuf_puts(struct strbuf *b, const char *s);
__attribute__((format(printf, 2, 3))) void strbuf_printf(struct strbuf *b, const char *fmt, ...);
__attribute__((format(printf, 2, 0))) void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap);
/* Empties the buffer, keeping its memory. */
static inline void strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}
/* Frees the text; the buffer is empty and usable again. */
void strbuf_free(struct strbuf *b);

#endif
