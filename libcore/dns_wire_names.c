/* DNS names on the wire: read with loop-proof decompression (saying why a
 * name is refused, in bind's words), written from presentation form, and
 * counted in labels. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sonde/dns.h"

/* Characters dig escapes with a backslash inside a label. */
static bool label_char_is_special(uint8_t c)
{
	return c == '"' || c == '(' || c == ')' || c == '.' || c == ';' || c == '\\' || c == '@' || c == '$';
}

/* Appends one label in presentation form; returns the new length or -1
 * when text has no room. */
static int label_to_text(const uint8_t *label, size_t len, char *text, size_t used, size_t size)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = label[i];
		int n;

		if (label_char_is_special(c))
			n = snprintf(text + used, size - used, "\\%c", c);
		else if (c > 0x20 && c < 0x7f)
			n = snprintf(text + used, size - used, "%c", c);
		else
			n = snprintf(text + used, size - used, "\\%03u", c);
		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
	}
	return (int)used;
}

/* Compression pointers may only point before the start of the stretch of
 * labels being read, so each jump goes strictly backwards and a name can
 * never loop; its total length is capped at 255 as the RFC says. */
/* dns_read_name, saying why a name is refused in bind's words. */
static int read_name(const uint8_t *wire, size_t len, size_t offset, char *text, size_t size, const char **fault)
{
	size_t pos = offset, segment_start = offset, wire_used = 0, name_len = 0, used = 0;
	bool jumped = false;

	*fault = DNS_FAULT_END;
	if (size < 2)
		return -EBADMSG;
	text[0] = '\0';
	for (;;) {
		uint8_t label_len;
		int n;

		if (pos >= len)
			return -EBADMSG;
		label_len = wire[pos];
		if ((label_len & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len)
				return -EBADMSG;
			target = (size_t)((label_len & 0x3f) << 8 | wire[pos + 1]);
			if (target >= segment_start) {
				*fault = "bad compression pointer";
				return -EBADMSG;
			}
			if (!jumped)
				wire_used = pos + 2 - offset;
			jumped = true;
			pos = segment_start = target;
			continue;
		}
		if (label_len & 0xc0) {
			*fault = "bad label type"; /* the extended label types are obsolete */
			return -EBADMSG;
		}
		name_len += (size_t)label_len + 1;
		if (name_len > DNS_MAX_WIRE_NAME) {
			*fault = "name too long";
			return -EBADMSG;
		}
		if (label_len == 0)
			break;
		if (pos + 1 + label_len > len)
			return -EBADMSG;
		n = label_to_text(wire + pos + 1, label_len, text, used, size);
		if (n < 0 || (size_t)n + 2 > size)
			return -EBADMSG;
		used = (size_t)n;
		text[used++] = '.';
		text[used] = '\0';
		pos += 1 + (size_t)label_len;
	}
	if (used == 0) {
		text[0] = '.';
		text[1] = '\0';
	}
	if (!jumped)
		wire_used = pos + 1 - offset;
	return (int)wire_used;
}

int dns_read_name(const uint8_t *wire, size_t len, size_t offset, char *text, size_t size)
{
	const char *fault;

	return read_name(wire, len, offset, text, size, &fault);
}

int dns_read_name_why(const uint8_t *wire, size_t len, size_t offset, char *text, size_t size, const char **fault)
{
	return read_name(wire, len, offset, text, size, fault);
}

/* One escaped character of a presentation label at *p; advances *p. */
static int unescape_char(const char **p)
{
	const char *s = *p;

	if (s[0] != '\\') {
		*p = s + 1;
		return (unsigned char)s[0];
	}
	if (s[1] >= '0' && s[1] <= '9') {
		int v;

		if (!(s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9'))
			return -1;
		v = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		if (v > 255)
			return -1;
		*p = s + 4;
		return v;
	}
	if (s[1] == '\0')
		return -1;
	*p = s + 2;
	return (unsigned char)s[1];
}

int dns_name_to_wire(const char *text, uint8_t *wire, size_t size)
{
	const char *p = text;
	size_t used = 0;

	if (strcmp(text, ".") == 0) {
		if (size < 1)
			return -ENOSPC;
		wire[0] = 0;
		return 1;
	}
	while (*p) {
		size_t label_start = used, label_len = 0;

		if (*p == '.')
			return -EINVAL; /* an empty label */
		if (used + 1 > size)
			return -ENOSPC;
		used++;
		while (*p && *p != '.') {
			int c = unescape_char(&p);

			if (c < 0 || label_len == 63)
				return -EINVAL;
			if (used + 1 > size)
				return -ENOSPC;
			wire[used++] = (uint8_t)c;
			label_len++;
		}
		wire[label_start] = (uint8_t)label_len;
		if (*p == '.')
			p++;
	}
	if (used + 1 > size)
		return -ENOSPC;
	wire[used++] = 0;
	return used > DNS_MAX_WIRE_NAME ? -EINVAL : (int)used;
}

int dns_name_label_count(const char *text)
{
	const char *p = text;
	int labels = 0;

	if (strcmp(text, ".") == 0 || !*text)
		return 0;
	while (*p) {
		labels++;
		while (*p && *p != '.') {
			if (unescape_char(&p) < 0)
				return -1;
		}
		if (*p == '.')
			p++;
	}
	return labels;
}
