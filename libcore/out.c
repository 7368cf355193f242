/* Text and JSON output through one set of calls (see sonde/out.h). */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "sonde/out.h"

void out_init(struct sonde_out *out, FILE *fp, bool json)
{
	memset(out, 0, sizeof(*out));
	out->fp = fp;
	out->json = json;
}

size_t utf8_sequence_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t need, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

/* Appends to dst without overflowing; counts what would have been written. */
struct sink {
	char *dst;
	size_t size, len;
};

static void sink_put(struct sink *sk, const char *bytes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, sk->len++)
		if (sk->len + 1 < sk->size)
			sk->dst[sk->len] = bytes[i];
}

size_t json_escape(char *dst, size_t dst_size, const char *s, size_t len)
{
	struct sink sk = { dst, dst_size, 0 };
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, seq;
	char esc[8];

	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			sink_put(&sk, esc, 2);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			const char *named = NULL;

			switch (c) {
			case '\n': named = "\\n"; break;
			case '\r': named = "\\r"; break;
			case '\t': named = "\\t"; break;
			case '\b': named = "\\b"; break;
			case '\f': named = "\\f"; break;
			}
			if (named) {
				sink_put(&sk, named, 2);
			} else {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				sink_put(&sk, esc, 6);
			}
			i++;
			continue;
		}
		seq = utf8_sequence_len(p + i, len - i);
		if (seq == 0) {
			sink_put(&sk, "\\ufffd", 6);
			i++;
			continue;
		}
		sink_put(&sk, s + i, seq);
		i += seq;
	}
	if (dst_size > 0)
		dst[sk.len < dst_size ? sk.len : dst_size - 1] = '\0';
	return sk.len;
}

/* Length of the control character at p (0 when it is none): one byte for
 * C0 and DEL, two for C1 in its UTF-8 form (0xc2 0x80-0x9f). */
static size_t control_len(const unsigned char *p)
{
	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	return 0;
}

size_t text_escape(char *dst, size_t dst_size, const char *s)
{
	struct sink sk = { dst, dst_size, 0 };
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];

	while (*p) {
		size_t n = control_len(p), i;

		if (n == 0) {
			sink_put(&sk, (const char *)p++, 1);
			continue;
		}
		for (i = 0; i < n; i++) {
			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
			sink_put(&sk, esc, 4);
		}
		p += n;
	}
	if (dst_size > 0)
		dst[sk.len < dst_size ? sk.len : dst_size - 1] = '\0';
	return sk.len;
}

void text_write_escaped(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = control_len(p), i;

		if (n == 0) {
			putc(*p++, fp);
			continue;
		}
		for (i = 0; i < n; i++)
			fprintf(fp, "\\x%02x", p[i]);
		p += n;
	}
}

void json_write_string(FILE *fp, const char *s)
{
	char small[256];
	size_t len = strlen(s), need;

	need = json_escape(small, sizeof(small), s, len);
	fputc('"', fp);
	if (need < sizeof(small)) {
		fwrite(small, 1, need, fp);
	} else {
		/* Long strings: escape in chunks of at most 32 bytes (at most 192
		 * escaped), never splitting a valid UTF-8 sequence. */
		size_t i = 0;

		while (i < len) {
			size_t chunk = len - i > 32 ? 32 : len - i;
			int back;

			for (back = 0; back < 3 && i + chunk < len &&
			     ((unsigned char)s[i + chunk] & 0xc0) == 0x80; back++)
				chunk--;
			need = json_escape(small, sizeof(small), s + i, chunk);
			fwrite(small, 1, need, fp);
			i += chunk;
		}
	}
	fputc('"', fp);
}

void out_set_pretty(struct sonde_out *out, bool pretty)
{
	out->pretty = pretty;
}

static void json_newline_indent(struct sonde_out *out, int depth)
{
	int i;

	fputc('\n', out->fp);
	for (i = 0; i < depth; i++)
		fputs("    ", out->fp);
}

/* Writes the separator and key that precede any JSON item at this depth. */
static void json_item_prefix(struct sonde_out *out, const char *key)
{
	int d = out->depth < OUT_MAX_DEPTH ? out->depth : OUT_MAX_DEPTH - 1;

	if (out->depth == 0)
		out->wrote_value = true;
	if (out->depth > 0 && out->has_items[d])
		fputc(',', out->fp);
	if (out->depth > 0)
		out->has_items[d] = true;
	if (key && out->depth > 0) {
		if (out->pretty)
			json_newline_indent(out, out->depth);
		json_write_string(out->fp, key);
		fputs(out->pretty ? ": " : ":", out->fp);
	}
}

static void json_open(struct sonde_out *out, const char *key, char bracket)
{
	json_item_prefix(out, key);
	fputc(bracket, out->fp);
	if (out->pretty && bracket == '[')
		fputc(' ', out->fp);
	out->depth++;
	if (out->depth < OUT_MAX_DEPTH)
		out->has_items[out->depth] = false;
	else
		out->overflow = true;
}

static void json_close(struct sonde_out *out, char bracket)
{
	int d = out->depth < OUT_MAX_DEPTH ? out->depth : OUT_MAX_DEPTH - 1;

	if (out->depth == 0)
		return;
	if (out->pretty && out->has_items[d]) {
		if (bracket == '}')
			json_newline_indent(out, out->depth - 1);
		else
			fputc(' ', out->fp);
	}
	fputc(bracket, out->fp);
	out->depth--;
	if (out->depth == 0) {
		/* One top-level document per line: NDJSON for streams. */
		fputc('\n', out->fp);
		fflush(out->fp);
	}
}

void out_open_object(struct sonde_out *out, const char *key)
{
	if (out->json)
		json_open(out, key, '{');
}

void out_close_object(struct sonde_out *out)
{
	if (out->json)
		json_close(out, '}');
}

void out_open_array(struct sonde_out *out, const char *key)
{
	if (out->json)
		json_open(out, key, '[');
}

void out_close_array(struct sonde_out *out)
{
	if (out->json)
		json_close(out, ']');
}

void out_print_str(struct sonde_out *out, const char *key, const char *text_fmt, const char *value)
{
	if (out->json) {
		if (!key && out->depth == 0)
			return;
		json_item_prefix(out, key);
		if (value)
			json_write_string(out->fp, value);
		else
			fputs("null", out->fp);
	} else if (text_fmt) {
		fprintf(out->fp, text_fmt, value ? value : "");
	}
}

void out_print_int(struct sonde_out *out, const char *key, const char *text_fmt, int64_t value)
{
	if (out->json) {
		if (!key && out->depth == 0)
			return;
		json_item_prefix(out, key);
		fprintf(out->fp, "%lld", (long long)value);
	} else if (text_fmt) {
		fprintf(out->fp, text_fmt, (long long)value);
	}
}

void out_print_uint(struct sonde_out *out, const char *key, const char *text_fmt, uint64_t value)
{
	if (out->json) {
		if (!key && out->depth == 0)
			return;
		json_item_prefix(out, key);
		fprintf(out->fp, "%llu", (unsigned long long)value);
	} else if (text_fmt) {
		fprintf(out->fp, text_fmt, (unsigned long long)value);
	}
}

/* JSON numbers: up to 6 decimals, trailing zeros trimmed; NaN/Inf are null. */
static void json_write_double(FILE *fp, double value)
{
	char buf[64];
	size_t len;

	if (!isfinite(value)) {
		fputs("null", fp);
		return;
	}
	snprintf(buf, sizeof(buf), "%.6f", value);
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	fputs(buf, fp);
}

void out_print_double(struct sonde_out *out, const char *key, const char *text_fmt, double value)
{
	if (out->json) {
		if (!key && out->depth == 0)
			return;
		json_item_prefix(out, key);
		json_write_double(out->fp, value);
	} else if (text_fmt) {
		fprintf(out->fp, text_fmt, value);
	}
}

void out_print_bool(struct sonde_out *out, const char *key, const char *text_fmt, bool value)
{
	if (out->json) {
		if (!key && out->depth == 0)
			return;
		json_item_prefix(out, key);
		fputs(value ? "true" : "false", out->fp);
	} else if (text_fmt) {
		fprintf(out->fp, text_fmt, value ? "yes" : "no");
	}
}

void out_print_null(struct sonde_out *out, const char *key, const char *text_fmt, const char *text_value)
{
	if (out->json) {
		if (!key && out->depth == 0)
			return;
		json_item_prefix(out, key);
		fputs("null", out->fp);
	} else if (text_fmt) {
		fprintf(out->fp, text_fmt, text_value ? text_value : "");
	}
}

void out_text(struct sonde_out *out, const char *fmt, ...)
{
	va_list ap;

	if (out->json)
		return;
	va_start(ap, fmt);
	vfprintf(out->fp, fmt, ap);
	va_end(ap);
}

void out_print_error(struct sonde_out *out, const char *error, int exit_code)
{
	out_print_str(out, "error", NULL, error);
	out_print_int(out, "exit_code", NULL, exit_code);
	out->failure_written = out->json;
}

void out_report_failure(struct sonde_out *out, const char *error, int exit_code)
{
	if (!out->json || exit_code == 0 || out->depth > 0 || out->failure_written)
		return;
	/* A document already written carries its own "error".  A stream ends
	 * with an error record, unless it only ended with a negative answer
	 * (ping's 100% loss: no diagnostic, its summary says it all). */
	if (out->wrote_value && (!out->stream || !error[0]))
		return;
	out_open_object(out, NULL);
	if (out->stream)
		out_print_str(out, "type", NULL, "error");
	out_print_error(out, error, exit_code);
	out_close_object(out);
}
