/* libcore's JSON reader (sonde/json_read.h) on iperf3 3.12's documents and
 * on malformed text: members and elements found with their kinds, strings
 * unescaped, and what JSON does not allow refused (the check once let
 * number-like junk, a NUL byte in a number and unknown escapes through). */
#include <errno.h>
#include <string.h>

#include "sonde/json_read.h"
#include "tap.h"

/* iperf3 3.12's client parameters for -P 2 -T 'a "b"' (its cJSON text). */
static const char params[] = "{\"tcp\":true,\"omit\":0,\"time\":1,\"parallel\":2,\"len\":131072,"
			     "\"title\":\"a \\\"b\\\" caf\\u00e9\",\"client_version\":\"3.12\"}";
static const char results[] = "{\"sender_has_retransmits\":18446744073709551615,\"streams\":"
			      "[{\"id\":1,\"bytes\":1048576,\"jitter\":0.25},{\"id\":3,\"bytes\":2e3}]}";

static int check(const char *text)
{
	return json_read_check(text, strlen(text));
}

static void reads_documents(void)
{
	struct json_value v, streams, elem;
	char buf[32];

	is_int(check(params), 0, "iperf3's parameters are JSON");
	is_int(json_read_get(params, strlen(params), "parallel", &v), 0, "a member found");
	ok(v.kind == JSON_NUMBER && v.number == 2, "as a number, 2");
	is_int(json_read_get(params, strlen(params), "tcp", &v), 0, "a boolean member found");
	ok(v.kind == JSON_BOOL && v.boolean, "true");
	is_int(json_read_get(params, strlen(params), "udp", &v), -ENOENT, "an absent member is -ENOENT");
	is_int(json_read_get(params, strlen(params), "title", &v), 0, "a string member found");
	ok(json_read_string(&v, buf, sizeof(buf)), "and unescaped");
	is_str(buf, "a \"b\" caf\xc3\xa9", "quotes and \\u00e9 as UTF-8");
	ok(!json_read_string(&v, buf, 5), "a string longer than the buffer is refused");
	is_int(json_read_get(results, strlen(results), "streams", &streams), 0, "an array member found");
	ok(streams.kind == JSON_ARRAY, "as an array");
	is_int(json_read_index(streams.start, streams.len, 1, &elem), 0, "its second element");
	is_int(json_read_get(elem.start, elem.len, "bytes", &v), 0, "a member of the element");
	ok(v.kind == JSON_NUMBER && v.number == 2000, "an exponent read");
	is_int(json_read_index(streams.start, streams.len, 2, &elem), -ENOENT, "past the end is -ENOENT");
}

static void refuses_malformed(void)
{
	static const char nul_number[] = "[1\0]";

	is_int(check("{\"a\":--}"), -EINVAL, "signs without digits are not a number");
	is_int(check("{\"a\":1e}"), -EINVAL, "an exponent without digits is not a number");
	is_int(check("{\"a\":01}"), -EINVAL, "a leading zero is not JSON");
	is_int(check("{\"a\":.5}"), -EINVAL, "a fraction without its integer part is not JSON");
	is_int(json_read_check(nul_number, sizeof(nul_number) - 1), -EINVAL, "a NUL byte is not part of a number");
	is_int(check("[\"\\x\"]"), -EINVAL, "an unknown escape is refused");
	is_int(check("[\"\\u12g4\"]"), -EINVAL, "a \\u escape needs four hex digits");
	is_int(check("[\"\\u12\"]"), -EINVAL, "a \\u escape cut short is refused");
	is_int(check("[12345678901234567890123456789012345678901234567890123456789012345]"), -EINVAL,
	       "a number longer than any cJSON writes is refused");
	is_int(check("{\"a\":1,}"), -EINVAL, "a trailing comma is refused");
	is_int(check("{\"a\":1} x"), -EINVAL, "text after the value is refused");
	is_int(check("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), -EINVAL,
	       "nesting past 32 is refused");
	is_int(check(" [-0.5e+3, null, false, \"\\/\"] "), 0, "the JSON forms accepted");
}

int main(void)
{
	reads_documents();
	refuses_malformed();
	return tap_exit();
}
