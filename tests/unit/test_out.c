/* The output layer: JSON escaping and the text/JSON duality. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/err.h"
#include "sonde/out.h"
#include "tap.h"

static char *render(bool json, void (*fn)(struct sonde_out *))
{
	static char *text;
	size_t size = 0;
	struct sonde_out out;
	FILE *fp;

	free(text);
	text = NULL;
	fp = open_memstream(&text, &size);
	out_init(&out, fp, json);
	fn(&out);
	fclose(fp);
	return text;
}

static void record(struct sonde_out *out)
{
	out_open_object(out, NULL);
	out_print_str(out, "host", "host %s", "a\"b");
	out_print_uint(out, "port", " port %llu", 80);
	out_print_double(out, "rtt_ms", " rtt %.3f ms", 0.25);
	out_print_bool(out, "open", " open=%s", true);
	out_print_null(out, "error", NULL, NULL);
	out_open_array(out, "list");
	out_print_int(out, NULL, NULL, -1);
	out_print_int(out, NULL, NULL, 2);
	out_close_array(out);
	out_open_object(out, "empty");
	out_close_object(out);
	out_text(out, "\n");
	out_close_object(out);
}

static void two_records(struct sonde_out *out)
{
	out_open_object(out, NULL);
	out_print_int(out, "seq", "%lld\n", 1);
	out_close_object(out);
	out_open_object(out, NULL);
	out_print_int(out, "seq", "%lld\n", 2);
	out_close_object(out);
}

static void doubles(struct sonde_out *out)
{
	out_open_array(out, NULL);
	out_print_double(out, NULL, NULL, 1.0);
	out_print_double(out, NULL, NULL, 0.5);
	out_print_double(out, NULL, NULL, -0.0000001);
	out_print_double(out, NULL, NULL, 1.0 / 0.0);
	out_close_array(out);
}

/* The failure contract (docs/json.md): what the driver adds after main. */
static void fail_silently(struct sonde_out *out)
{
	out_report_failure(out, sonde_last_error(), 4);
}

static void stream_then_fail(struct sonde_out *out)
{
	out_set_stream(out);
	two_records(out);
	out_report_failure(out, sonde_last_error(), 2);
}

static void document_then_fail(struct sonde_out *out)
{
	out_open_object(out, NULL);
	out_print_int(out, "count", NULL, 0);
	out_print_error(out, sonde_last_error(), 3);
	out_close_object(out);
	out_report_failure(out, sonde_last_error(), 3);
}

static void answer_then_exit_1(struct sonde_out *out)
{
	record(out);
	out_report_failure(out, sonde_last_error(), 1);
}

static const char *escaped(const char *s, size_t len)
{
	static char buf[256];

	json_escape(buf, sizeof(buf), s, len);
	return buf;
}

int main(void)
{
	char small[8];

	is_str(render(false, record), "host a\"b port 80 rtt 0.250 ms open=yes\n", "text rendering");
	is_str(render(true, record),
	       "{\"host\":\"a\\\"b\",\"port\":80,\"rtt_ms\":0.25,\"open\":true,\"error\":null,"
	       "\"list\":[-1,2],\"empty\":{}}\n",
	       "JSON rendering of the same calls");
	is_str(render(true, two_records), "{\"seq\":1}\n{\"seq\":2}\n", "top-level objects give NDJSON");
	is_str(render(false, two_records), "1\n2\n", "text of a stream");
	is_str(render(true, doubles), "[1,0.5,0,null]\n", "JSON numbers: trimmed, -0 and infinity");

	is_str(render(true, stream_then_fail), "{\"seq\":1}\n{\"seq\":2}\n",
	       "a stream ending non-zero without a diagnostic: an answer, no error record");
	sonde_errno(-ENETUNREACH, "connect");
	is_str(render(true, fail_silently), "{\"error\":\"connect: Network is unreachable\",\"exit_code\":4}\n",
	       "nothing written: the error document from the last diagnostic");
	is_str(render(false, fail_silently), "", "text mode: nothing on stdout");
	is_str(render(true, stream_then_fail),
	       "{\"seq\":1}\n{\"seq\":2}\n{\"type\":\"error\",\"error\":\"connect: Network is unreachable\","
	       "\"exit_code\":2}\n",
	       "a stream after a diagnostic: a last error record");
	is_str(render(true, document_then_fail),
	       "{\"count\":0,\"error\":\"connect: Network is unreachable\",\"exit_code\":3}\n",
	       "a document with its own error: nothing added");
	{
		char *answer = strdup(render(true, record));

		is_str(render(true, answer_then_exit_1), answer, "a document written: nothing added");
		free(answer);
	}
	sonde_debug(0, "a debug line");
	is_str(sonde_last_error(), "connect: Network is unreachable", "debug lines are not the failure");

	is_str(escaped("plain", 5), "plain", "plain text unchanged");
	is_str(escaped("a\\b\"c", 5), "a\\\\b\\\"c", "backslash and quote escaped");
	is_str(escaped("\n\t\r\b\f", 5), "\\n\\t\\r\\b\\f", "named control escapes");
	is_str(escaped("\x01\x1f\x7f", 3), "\\u0001\\u001f\\u007f", "other controls as \\u");
	is_str(escaped("a\0b", 3), "a\\u0000b", "NUL byte escaped, not truncating");
	is_str(escaped("caf\xc3\xa9", 5), "caf\xc3\xa9", "valid UTF-8 kept");
	is_str(escaped("\xe2\x82\xac", 3), "\xe2\x82\xac", "3-byte UTF-8 kept");
	is_str(escaped("\xf0\x9f\x98\x80", 4), "\xf0\x9f\x98\x80", "4-byte UTF-8 kept");
	is_str(escaped("\xff", 1), "\\ufffd", "invalid byte replaced");
	is_str(escaped("\xc0\xaf", 2), "\\ufffd\\ufffd", "overlong form replaced");
	is_str(escaped("\xed\xa0\x80", 3), "\\ufffd\\ufffd\\ufffd", "surrogate replaced");
	is_str(escaped("\xe2\x82", 2), "\\ufffd\\ufffd", "truncated sequence replaced");
	is_int(json_escape(small, sizeof(small), "\x01\x01\x01", 3), 18, "length needed is returned");
	is_int(strlen(small), 7, "output truncated to the buffer");

	{
		/* Long strings go through the chunked path: same result. */
		char *longs = malloc(1001), *text = NULL;
		size_t size = 0, i;
		FILE *fp = open_memstream(&text, &size);

		for (i = 0; i < 1000; i++)
			longs[i] = (i % 3 == 0) ? '"' : (i % 3 == 1) ? '\xc3' : '\xa9';
		longs[1000] = '\0';
		json_write_string(fp, longs);
		fclose(fp);
		ok(strstr(text, "\\ufffd") == NULL, "long UTF-8 string not split inside a character");
		is_int(strlen(text), 2 + 334 * 2 + 333 * 2, "long string escaped length");
		free(text);
		free(longs);
	}
	{
		/* Text for a terminal (issue 14 item 17): controls escaped, UTF-8 kept. */
		char esc[128];

		text_escape(esc, sizeof(esc), "\x1b[31mred\x07 tab\there\r\n\x7f");
		is_str(esc, "\\x1b[31mred\\x07 tab\\x09here\\x0d\\x0a\\x7f", "C0 and DEL escaped as \\xHH");
		text_escape(esc, sizeof(esc), "caf\xc3\xa9 \xc2\x9b" "2J \xe2\x82\xac");
		is_str(esc, "caf\xc3\xa9 \\xc2\\x9b2J \xe2\x82\xac", "C1 (U+009B CSI) escaped, other UTF-8 kept");
		is_int(text_escape(esc, 4, "\x1b\x1b"), 8, "length needed is returned");
		is_str(esc, "\\x1", "and the output is cut, terminated");
	}
	return tap_exit();
}
