/* Decoding compressed HTTP bodies (Content-Encoding gzip, x-gzip and
 * deflate) with zlib, incrementally: bytes go in as they arrive and the
 * decoded bytes go to a sink.  A gzip stream may hold several members (as
 * gzip -c a b writes them); deflate is zlib-wrapped, or raw as some servers
 * send it. */
#ifndef SONDE_INFLATE_H
#define SONDE_INFLATE_H

#include <stdbool.h>
#include <stddef.h>

struct inflater;

/* Receives decoded bytes; returns 0 or <0 to stop (passed back). */
typedef int (*inflate_sink)(void *ctx, const char *data, size_t len);

/* The coding a Content-Encoding value names, when it is one inflater
 * decodes: "gzip", "x-gzip", "deflate" (case-insensitive, one coding). */
bool inflate_supports(const char *content_encoding);
/* Returns 0 and a new inflater, -EINVAL for a coding it does not decode,
 * or -ENOMEM. */
int inflate_new(const char *content_encoding, inflate_sink sink, void *sink_ctx, struct inflater **out);
/* Returns 0, the sink's error, or -EBADMSG (not valid compressed data). */
int inflate_feed(struct inflater *inf, const char *data, size_t len);
/* The input ended: -EBADMSG when the stream was cut short, else 0. */
int inflate_finish(struct inflater *inf);
/* zlib's own words for the last -EBADMSG ("incorrect header check"). */
const char *inflate_error(const struct inflater *inf);
void inflate_free(struct inflater *inf);

#endif
