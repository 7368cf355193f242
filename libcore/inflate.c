/* Content decoding for HTTP bodies over zlib's inflate (see inflate.h).
 * zlib is linked statically for this alone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "sonde/inflate.h"

#define INFLATE_OUT_CHUNK 16384

struct inflater {
	z_stream zs;
	bool gzip;
	bool raw_tried;          /* deflate: the zlib header was missing, raw deflate used */
	bool member_done;        /* a gzip member (or the deflate stream) ended */
	bool inside;             /* bytes of the current member were seen */
	bool fed;                /* an earlier call brought input */
	inflate_sink sink;
	void *sink_ctx;
	const char *error;
};

/* gzip's wrapper: window bits 15 + 16; zlib's: 15; raw deflate: -15. */
static int window_bits(bool gzip, bool raw)
{
	return gzip ? 15 + 16 : raw ? -15 : 15;
}

bool inflate_supports(const char *coding)
{
	return strcasecmp(coding, "gzip") == 0 || strcasecmp(coding, "x-gzip") == 0 || strcasecmp(coding, "deflate") == 0;
}

int inflate_new(const char *coding, inflate_sink sink, void *sink_ctx, struct inflater **out)
{
	struct inflater *inf;

	*out = NULL;
	if (!inflate_supports(coding))
		return -EINVAL;
	inf = calloc(1, sizeof(*inf));
	if (!inf)
		return -ENOMEM;
	inf->gzip = strcasecmp(coding, "deflate") != 0;
	inf->sink = sink;
	inf->sink_ctx = sink_ctx;
	if (inflateInit2(&inf->zs, window_bits(inf->gzip, false)) != Z_OK) {
		free(inf);
		return -ENOMEM;
	}
	*out = inf;
	return 0;
}

static int fail(struct inflater *inf, const char *why)
{
	inf->error = why ? why : "invalid compressed data";
	return -EBADMSG;
}

/* "deflate" that is raw (no zlib header): start again as raw, once, before
 * any output. */
static int retry_raw(struct inflater *inf)
{
	inflateEnd(&inf->zs);
	memset(&inf->zs, 0, sizeof(inf->zs));
	inf->raw_tried = true;
	return inflateInit2(&inf->zs, window_bits(false, true)) == Z_OK ? 0 : -ENOMEM;
}

/* Runs inflate over what zs holds; returns zlib's status or the sink's error. */
static int inflate_some(struct inflater *inf, int *z_status)
{
	char out[INFLATE_OUT_CHUNK];
	size_t produced;
	int rc;

	inf->zs.next_out = (Bytef *)out;
	inf->zs.avail_out = sizeof(out);
	*z_status = inflate(&inf->zs, Z_NO_FLUSH);
	produced = sizeof(out) - inf->zs.avail_out;
	if (produced && (rc = inf->sink(inf->sink_ctx, out, produced)) < 0)
		return rc;
	return 0;
}

int inflate_feed(struct inflater *inf, const char *data, size_t len)
{
	int z_status, rc;

	inf->zs.next_in = (Bytef *)data;
	inf->zs.avail_in = (uInt)len;
	while (inf->zs.avail_in > 0) {
		if (inf->member_done) {
			/* After a gzip member another may follow; deflate has one stream. */
			if (!inf->gzip || inflateReset(&inf->zs) != Z_OK)
				return fail(inf, "data after the end of the compressed stream");
			inf->member_done = false;
		}
		inf->inside = true;
		if ((rc = inflate_some(inf, &z_status)) < 0)
			return rc;
		/* The zlib header is checked in the first two bytes: a raw stream
		 * fails there, within the first input (else its start is gone). */
		if (z_status == Z_DATA_ERROR && !inf->gzip && !inf->raw_tried && !inf->fed && inf->zs.total_out == 0) {
			if (retry_raw(inf) < 0)
				return fail(inf, "cannot restart as raw deflate");
			inf->zs.next_in = (Bytef *)data;
			inf->zs.avail_in = (uInt)len;
			continue;
		}
		if (z_status == Z_STREAM_END) {
			inf->member_done = true;
			inf->inside = false;
		} else if (z_status != Z_OK && z_status != Z_BUF_ERROR) {
			return fail(inf, inf->zs.msg);
		}
	}
	inf->fed = inf->fed || len > 0;
	return 0;
}

int inflate_finish(struct inflater *inf)
{
	int z_status, rc;

	if (inf->member_done || !inf->inside)
		return 0;
	/* Whatever zlib still holds back. */
	inf->zs.avail_in = 0;
	if ((rc = inflate_some(inf, &z_status)) < 0)
		return rc;
	return z_status == Z_STREAM_END ? 0 : fail(inf, "the compressed stream was cut short");
}

const char *inflate_error(const struct inflater *inf)
{
	return inf->error ? inf->error : "invalid compressed data";
}

void inflate_free(struct inflater *inf)
{
	if (!inf)
		return;
	inflateEnd(&inf->zs);
	free(inf);
}
