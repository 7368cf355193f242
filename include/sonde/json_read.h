/* A small JSON reader over text as received (libcore/json_read.c): finds
 * an object's member or an array's element without building a tree, every
 * length checked, nesting bounded; for untrusted peers' messages (iperf3's
 * control protocol).  Malformed text is -EINVAL, never a guess. */
#ifndef SONDE_JSON_READ_H
#define SONDE_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum json_kind { JSON_NONE, JSON_NUMBER, JSON_STRING, JSON_BOOL, JSON_NULL, JSON_OBJECT, JSON_ARRAY };
struct json_value {
	enum json_kind kind;
	double number;
	bool boolean;
	const char *start;          /* the value's first byte in the text */
	size_t len;                 /* its length in the text */
};
/* A whole text checked as one JSON value: 0 or -EINVAL. */
int json_read_check(const char *text, size_t len);
/* Member key of the object text at obj (starting with '{'; the key is
 * matched as written, without escapes): 0 and *value, -ENOENT, or -EINVAL
 * for malformed JSON. */
int json_read_get(const char *obj, size_t obj_len, const char *key, struct json_value *value);
/* The index-th element of the array at arr: 0, -ENOENT past its end, -EINVAL. */
int json_read_index(const char *arr, size_t arr_len, size_t index, struct json_value *value);
/* A string value unescaped into buf (\uXXXX to UTF-8) and NUL-terminated;
 * false when it does not fit or is not a string. */
bool json_read_string(const struct json_value *v, char *buf, size_t size);

#endif
