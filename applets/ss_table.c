/* ss's column layout.  iproute2's ss buffers every field, measures the
 * widest field of each column, and prints the batch with each column padded
 * to that width (right-aligned addresses, left-aligned everything else); on
 * a terminal the spare width is spread over the columns.  It renders a batch
 * whenever five 1 MiB chunks of fields have filled up, so with many sockets
 * the widths of a batch only know the rows seen so far.  This file keeps the
 * same rules and the same batch boundaries, so the output is byte for byte
 * the same; memory stays at one batch whatever the number of sockets. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ss_impl.h"

#define SS_CHUNK_DATA ((size_t)1024 * 1024 - 16) /* a chunk minus its header */
#define SS_CHUNKS_MAX 5

enum align { ALIGN_LEFT, ALIGN_RIGHT };

static const struct {
	const char *header;
	const char *delim;          /* printed before the field unless it starts the line */
	enum align align;
} columns[SS_COL_COUNT] = {
	[SS_COL_NETID] = { "Netid", "", ALIGN_LEFT },
	[SS_COL_STATE] = { "State", " ", ALIGN_LEFT },
	[SS_COL_RECVQ] = { "Recv-Q", " ", ALIGN_LEFT },
	[SS_COL_SENDQ] = { "Send-Q", " ", ALIGN_LEFT },
	[SS_COL_ADDR] = { "Local Address:", " ", ALIGN_RIGHT },
	[SS_COL_SERV] = { "Port", "", ALIGN_LEFT },
	[SS_COL_RADDR] = { "Peer Address:", " ", ALIGN_RIGHT },
	[SS_COL_RSERV] = { "Port", "", ALIGN_LEFT },
	[SS_COL_EXT] = { "Process", "", ALIGN_LEFT },
	[SS_COL_PROC] = { "", "", ALIGN_LEFT },
};

static int terminal_width(FILE *fp)
{
	struct winsize ws;
	int fd = fileno(fp);

	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return -1;
}

void ss_table_init(struct ss_table *t, FILE *fp)
{
	memset(t, 0, sizeof(*t));
	t->fp = fp;
	t->screen_width = terminal_width(fp);
	t->col = SS_COL_NETID;
}

static uint16_t field_len(const char *field)
{
	uint16_t len;

	memcpy(&len, field, sizeof(len));
	return len;
}

/* ss's bookkeeping for a field of len bytes that has just been completed:
 * fields are packed as a 2-byte length and the bytes padded to even; a
 * field that does not fit moves to a new chunk, and so does the next one
 * when not even its length word would fit. */
static void account_field(struct ss_table *t, size_t len)
{
	long room;

	if (t->chunks == 0) {
		t->chunks = 1;
		t->chunk_pos = 0;
	}
	if (t->chunk_pos != 0 && t->chunk_pos + 2 + len >= SS_CHUNK_DATA) {
		t->chunks++;
		t->chunk_pos = 0;
	}
	room = (long)SS_CHUNK_DATA - (long)(t->chunk_pos + 2 + len) - (long)(len % 2);
	if (room < 2) {
		t->chunks++;
		t->chunk_pos = 0;
		return;
	}
	t->chunk_pos += 2 + len + len % 2;
}

static int reserve(struct ss_table *t, size_t more)
{
	size_t field_off = t->field ? (size_t)(t->field - t->buf) : 0;
	size_t cap = t->cap ? t->cap : 65536;
	char *p;

	if (t->len + more <= t->cap)
		return 0;
	while (cap < t->len + more)
		cap *= 2;
	p = realloc(t->buf, cap);
	if (!p) {
		t->error = -1;
		return -1;
	}
	t->buf = p;
	t->cap = cap;
	if (t->field)
		t->field = t->buf + field_off;
	return 0;
}

/* Completes the current field (length known) and measures it. */
static void close_field(struct ss_table *t, bool measure)
{
	uint16_t len = field_len(t->field);

	if (measure && len > t->max_len[t->col])
		t->max_len[t->col] = len;
	account_field(t, len);
	t->field = NULL;
}

static void open_field(struct ss_table *t)
{
	uint16_t zero = 0;

	if (reserve(t, sizeof(zero)) < 0)
		return;
	t->field = t->buf + t->len;
	memcpy(t->field, &zero, sizeof(zero));
	t->len += sizeof(zero);
}

/* Advances to column col, closing fields on the way. */
static void move_to(struct ss_table *t, enum ss_col col)
{
	if (!t->row_open) {
		t->row_open = true;
		t->col = SS_COL_NETID;
		while (t->disabled[t->col])
			t->col++;
		open_field(t);
	}
	while (t->col != col && t->col < SS_COL_PROC) {
		if (t->field)
			close_field(t, true);
		do
			t->col++;
		while (t->col < SS_COL_PROC && t->disabled[t->col]);
		open_field(t);
	}
}

static void append(struct ss_table *t, const char *text, size_t n)
{
	uint16_t len;

	if (!t->field || n == 0)
		return;
	len = field_len(t->field);
	if (n > (size_t)(USHRT_MAX - len))
		n = USHRT_MAX - len;
	if (reserve(t, n) < 0)
		return;
	memcpy(t->buf + t->len, text, n);
	t->len += n;
	len = (uint16_t)(len + n);
	memcpy(t->field, &len, sizeof(len));
}

void ss_table_printf(struct ss_table *t, enum ss_col col, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	if (t->disabled[col])
		return;
	move_to(t, col);
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		append(t, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big)
			return;
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		append(t, big, (size_t)n);
		free(big);
	}
}

static void render(struct ss_table *t);

/* Leaves a row the way ss leaves it when the next one starts: through to
 * the last column, rendering the batch when five chunks are full. */
static void end_row(struct ss_table *t)
{
	move_to(t, SS_COL_PROC);
	if (t->chunks >= SS_CHUNKS_MAX) {
		render(t);
		return;
	}
	close_field(t, true);
	t->row_open = false;
}

void ss_table_header(struct ss_table *t)
{
	int c;

	ss_table_begin_row(t);
	for (c = 0; c < SS_COL_PROC; c++)
		if (!t->disabled[c])
			ss_table_printf(t, (enum ss_col)c, "%s", columns[c].header);
	move_to(t, SS_COL_PROC);
}

void ss_table_begin_row(struct ss_table *t)
{
	if (t->row_open)
		end_row(t);
}

/* Widths: the widest field plus the delimiter (none before the first
 * non-empty column); on a terminal, columns share the spare width and
 * wrap to further lines when they do not fit. */
static void compute_widths(struct ss_table *t)
{
	int c, first = 1, len = 0, line_cols = 0, eol = -1;

	for (c = 0; c < SS_COL_COUNT; c++) {
		if (t->disabled[c]) {
			t->width[c] = 0;
			continue;
		}
		if (!first && t->max_len[c])
			t->width[c] = t->max_len[c] + (int)strlen(columns[c].delim);
		else
			t->width[c] = t->max_len[c];
		if (t->screen_width > 0 && t->width[c] > t->screen_width)
			t->width[c] = t->screen_width;
		if (t->width[c])
			first = 0;
	}
	if (t->screen_width < 0)
		return;
	for (c = 0; c < SS_COL_COUNT; c++) {
		int next, pad, spacing, rem, k;
		bool last = true;

		if (!t->width[c])
			continue;
		line_cols++;
		len += t->width[c];
		for (next = c + 1; next < SS_COL_COUNT; next++)
			if (t->width[next]) {
				last = false;
				break;
			}
		if (!last && len < t->screen_width)
			continue;
		if (len != t->screen_width) {
			if (len > t->screen_width) {
				len -= t->width[c];
				c--;
				line_cols--;
			}
			pad = t->screen_width - len;
			spacing = line_cols ? pad / line_cols : 0;
			rem = line_cols ? pad % line_cols : 0;
			for (k = c; k > eol; k--) {
				if (!t->width[k])
					continue;
				t->width[k] += spacing;
				if (rem) {
					t->width[k]++;
					rem--;
				}
			}
		}
		eol = c;
		len = 0;
		line_cols = 0;
	}
}

static void spaces(FILE *fp, int n)
{
	while (n-- > 0)
		putc(' ', fp);
}

static void render(struct ss_table *t)
{
	size_t off = 0;
	int c = 0;
	bool line_started = false;

	compute_widths(t);
	while (c < SS_COL_COUNT && t->disabled[c])
		c++;
	while (off + 2 <= t->len) {
		uint16_t len = field_len(t->buf + off);
		const char *text = t->buf + off + 2;
		int printed = 0;

		if (line_started) {
			fputs(columns[c].delim, t->fp);
			printed = (int)strlen(columns[c].delim);
		}
		line_started = true;
		if (columns[c].align == ALIGN_RIGHT && t->width[c]) {
			int pad = t->width[c] - len - printed;

			spaces(t->fp, pad);
			printed += pad > 0 ? pad : 0;
		}
		fwrite(text, 1, len, t->fp);
		printed += len;
		if (columns[c].align == ALIGN_LEFT && t->width[c])
			spaces(t->fp, t->width[c] - printed);
		off += 2 + (size_t)len;
		do {
			if (c == SS_COL_PROC) {
				putc('\n', t->fp);
				c = 0;
				line_started = false;
			} else {
				c++;
			}
		} while (t->disabled[c]);
	}
	if (line_started)
		putc('\n', t->fp);
	t->len = 0;
	t->field = NULL;
	t->row_open = false;
	t->chunks = 0;
	t->chunk_pos = 0;
}

void ss_table_finish(struct ss_table *t)
{
	/* ss renders its last row without closing the field being written: that
	 * field does not count toward its column's width. */
	render(t);
	free(t->buf);
	t->buf = NULL;
	t->cap = 0;
}
