/* Output: one call serves text and JSON (the iproute2 print_* idea, with an
 * explicit context).  In text mode the printf-style text format is used and
 * the key ignored; in JSON mode the key and typed value are written and the
 * text format ignored.  A NULL text format means "JSON only"; a NULL key means
 * "text only" (or an array element in JSON).
 *
 * Streaming applets close a top-level object per record: each one is ended
 * with a newline, which gives NDJSON.  Snapshot applets open one top-level
 * object and close it at the end. */
#ifndef SONDE_OUT_H
#define SONDE_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OUT_MAX_DEPTH 32

struct sonde_out {
	FILE *fp;
	bool json;
	int depth;
	bool has_items[OUT_MAX_DEPTH]; /* a comma is due before the next item */
	bool overflow;                 /* nesting went past OUT_MAX_DEPTH */
	bool pretty;                   /* indented JSON (see out_set_pretty) */
	bool stream;                   /* NDJSON records (see out_set_stream) */
	bool wrote_value;              /* a top-level JSON value has begun */
	bool failure_written;          /* out_print_error() ran */
};

void out_init(struct sonde_out *out, FILE *fp, bool json);
static inline bool out_is_json(const struct sonde_out *out) { return out->json; }
/* Indented JSON in iproute2's layout (`ip -j -p`): object members one per
 * line, four spaces a level, array elements side by side. */
void out_set_pretty(struct sonde_out *out, bool pretty);

/* The applet writes NDJSON records, each with a "type": its failure is a
 * last record {"type":"error",...} rather than a document of its own. */
static inline void out_set_stream(struct sonde_out *out) { out->stream = true; }

/* Failures with --json (docs/json.md).  error is the diagnostic's text,
 * usually sonde_last_error() ("" when none was printed).
 * "error" and "exit_code" members in the object open now, for an applet
 * that fails inside its own document.  Nothing in text mode. */
void out_print_error(struct sonde_out *out, const char *error, int exit_code);
/* After a run that ended with exit_code (not 0): when nothing of the
 * failure reached stdout yet, the error document {"error":...,"exit_code":N}
 * (a stream: the record {"type":"error",...}, after its other records only
 * when a diagnostic was printed, error not ""); nothing in text mode or
 * when a document is already written (its applet put the error in it). */
void out_report_failure(struct sonde_out *out, const char *error, int exit_code);

/* Structure (JSON only; no-ops in text mode). */
void out_open_object(struct sonde_out *out, const char *key);
void out_close_object(struct sonde_out *out);
void out_open_array(struct sonde_out *out, const char *key);
void out_close_array(struct sonde_out *out);

/* Values for both modes. */
void out_print_str(struct sonde_out *out, const char *key, const char *text_fmt, const char *value);
void out_print_int(struct sonde_out *out, const char *key, const char *text_fmt, int64_t value);
void out_print_uint(struct sonde_out *out, const char *key, const char *text_fmt, uint64_t value);
void out_print_double(struct sonde_out *out, const char *key, const char *text_fmt, double value);
void out_print_bool(struct sonde_out *out, const char *key, const char *text_fmt, bool value);
/* JSON null (value unknown); text prints text_value with text_fmt. */
void out_print_null(struct sonde_out *out, const char *key, const char *text_fmt, const char *text_value);

/* Text only. */
__attribute__((format(printf, 2, 3))) void out_text(struct sonde_out *out, const char *fmt, ...);

/* Writes s for a terminal: control characters (C0, DEL and the C1 range
 * U+0080-U+009F) as \xHH, so that text from arguments or from the network
 * cannot move the cursor, recolour or retitle the terminal.  Other bytes,
 * UTF-8 included, as they are. */
void text_write_escaped(FILE *fp, const char *s);
/* The same into a buffer; returns the length needed (like snprintf). */
size_t text_escape(char *dst, size_t dst_size, const char *s);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is invalid:
 * overlong forms, surrogates and code points above U+10FFFF are.  The one
 * UTF-8 check, for the JSON writer and other escapers (check's XML). */
size_t utf8_sequence_len(const unsigned char *s, size_t avail);
/* Writes s as a JSON string literal (quotes included) with correct escaping:
 * control characters as \u escapes, invalid UTF-8 bytes as U+FFFD. */
void json_write_string(FILE *fp, const char *s);
/* The same into a buffer; returns the length needed (like snprintf). */
size_t json_escape(char *dst, size_t dst_size, const char *s, size_t len);

#endif
