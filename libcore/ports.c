/* Port-list parsing: "20-25,80,ssh". */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sonde/ports.h"
#include "sonde/services.h"

void ports_init(struct port_list *list)
{
	list->count = 0;
}

static int refuse(struct port_error *err, int rc, const char *reason, const char *item, size_t len)
{
	if (err) {
		size_t keep = len < sizeof(err->item) - 1 ? len : sizeof(err->item) - 1;

		err->reason = reason;
		memcpy(err->item, item, keep);
		err->item[keep] = '\0';
	}
	return rc;
}

/* A decimal port in text[0..len).  Returns 0, -EINVAL (not a number) or
 * -ERANGE (0, or above 65535). */
static int parse_number(const char *text, size_t len, uint16_t *port)
{
	uint32_t value = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -EINVAL;
		value = value * 10 + (uint32_t)(text[i] - '0');
		if (value > 65535)
			return -ERANGE;
	}
	if (value == 0)
		return -ERANGE;
	*port = (uint16_t)value;
	return 0;
}

static const char *number_reason(int rc, const char *text, size_t len)
{
	if (rc == -ERANGE)
		return strspn(text, "0") == len ? "port number too small" : "port number too large";
	return "not a port number or service name";
}

static int add_range(struct port_list *list, uint16_t low, uint16_t high)
{
	if (list->count >= PORTS_MAX_RANGES)
		return -E2BIG;
	if (low > high) {
		uint16_t swap = low;

		low = high;
		high = swap;
	}
	list->ranges[list->count].low = low;
	list->ranges[list->count].high = high;
	list->count++;
	return 0;
}

static int parse_item(struct port_list *list, const char *item, size_t len, const char *proto,
		      struct port_error *err)
{
	char name[64];
	const char *dash;
	uint16_t low, high;
	int rc;

	if (len == 0)
		return refuse(err, -EINVAL, "empty item in port list", item, len);
	/* A service name first: some names hold a dash ("ms-sql-s"). */
	if (len < sizeof(name) && (item[0] < '0' || item[0] > '9')) {
		memcpy(name, item, len);
		name[len] = '\0';
		if (services_port(name, proto, &low) == 0)
			rc = add_range(list, low, low);
		else
			return refuse(err, -EINVAL, "unknown service name", item, len);
		return rc ? refuse(err, rc, "too many port ranges", item, len) : 0;
	}
	dash = memchr(item, '-', len);
	if (!dash) {
		rc = parse_number(item, len, &low);
		if (rc < 0)
			return refuse(err, rc, number_reason(rc, item, len), item, len);
		high = low;
	} else {
		size_t low_len = (size_t)(dash - item), high_len = len - low_len - 1;

		rc = parse_number(item, low_len, &low);
		if (rc < 0)
			return refuse(err, rc, number_reason(rc, item, low_len), item, len);
		rc = parse_number(dash + 1, high_len, &high);
		if (rc < 0)
			return refuse(err, rc, number_reason(rc, dash + 1, high_len), item, len);
	}
	rc = add_range(list, low, high);
	return rc ? refuse(err, rc, "too many port ranges", item, len) : 0;
}

int ports_parse(struct port_list *list, const char *text, const char *proto, struct port_error *err)
{
	const char *item = text;

	for (;;) {
		const char *comma = strchr(item, ',');
		size_t len = comma ? (size_t)(comma - item) : strlen(item);
		int rc = parse_item(list, item, len, proto, err);

		if (rc < 0)
			return rc;
		if (!comma)
			return 0;
		item = comma + 1;
	}
}

size_t ports_total(const struct port_list *list)
{
	size_t total = 0, i;

	for (i = 0; i < list->count; i++)
		total += (size_t)(list->ranges[i].high - list->ranges[i].low) + 1;
	return total;
}

void ports_iter_init(struct port_iter *it)
{
	it->range = 0;
	it->next = 0;
}

bool ports_iter_next(const struct port_list *list, struct port_iter *it, uint16_t *port)
{
	while (it->range < list->count) {
		const struct port_range *r = &list->ranges[it->range];

		if (it->next < r->low)
			it->next = r->low;
		if (it->next <= r->high) {
			*port = (uint16_t)it->next++;
			return true;
		}
		it->range++;
		it->next = 0;
	}
	return false;
}

bool ports_contains(const struct port_list *list, uint16_t port)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (port >= list->ranges[i].low && port <= list->ranges[i].high)
			return true;
	return false;
}

/* One item of a scanner's list into one protocol's list: "-" is every port. */
static int scan_item(struct port_list *list, const char *item, size_t len, const char *proto,
		     struct port_error *err)
{
	if (!list)
		return 0;
	if (len == 1 && item[0] == '-') {
		int rc = add_range(list, 1, 65535);

		return rc ? refuse(err, rc, "too many port ranges", item, len) : 0;
	}
	return parse_item(list, item, len, proto, err);
}

int ports_parse_scan(struct port_list *tcp, struct port_list *udp, const char *text, struct port_error *err)
{
	enum { BOTH, TCP_ONLY, UDP_ONLY } target = BOTH;
	const char *item = text;

	for (;;) {
		const char *comma = strchr(item, ',');
		size_t len = comma ? (size_t)(comma - item) : strlen(item);
		int rc = 0;

		if (len >= 2 && item[1] == ':' && (item[0] == 'T' || item[0] == 'U')) {
			target = item[0] == 'T' ? TCP_ONLY : UDP_ONLY;
			item += 2;
			len -= 2;
		}
		if (target == BOTH && tcp && udp) {
			/* A name known for one protocol only ("ssh") still counts. */
			int rc_tcp = scan_item(tcp, item, len, "tcp", err);
			int rc_udp = scan_item(udp, item, len, "udp", err);

			rc = rc_tcp < 0 && rc_udp < 0 ? rc_tcp : 0;
			if (rc == 0 && (rc_tcp == -E2BIG || rc_udp == -E2BIG))
				rc = -E2BIG;
		} else {
			if (target != UDP_ONLY)
				rc = scan_item(tcp, item, len, "tcp", err);
			if (rc == 0 && target != TCP_ONLY)
				rc = scan_item(udp, item, len, "udp", err);
		}
		if (rc < 0)
			return rc;
		if (!comma)
			return 0;
		item = comma + 1;
	}
}

size_t ports_format(const struct port_list *list, char *buf, size_t size)
{
	size_t used = 0, i;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < list->count; i++) {
		const struct port_range *r = &list->ranges[i];
		char item[16];
		int len = r->low == r->high ? snprintf(item, sizeof(item), "%s%u", i ? "," : "", r->low)
					    : snprintf(item, sizeof(item), "%s%u-%u", i ? "," : "", r->low, r->high);

		if (used + (size_t)len < size)
			memcpy(buf + used, item, (size_t)len + 1);
		used += (size_t)len;
	}
	return used;
}
