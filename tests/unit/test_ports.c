/* The port-list parser behind nc -z: single ports, ranges, lists, service
 * names, and the errors a user sees for bad items. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sonde/ports.h"
#include "tap.h"

/* The list walked into "p1 p2 ..." for comparison. */
static const char *walk(const struct port_list *list)
{
	static char text[4096];
	struct port_iter it;
	uint16_t port;
	size_t used = 0;

	text[0] = '\0';
	ports_iter_init(&it);
	while (ports_iter_next(list, &it, &port) && used < sizeof(text) - 8)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%u", used ? " " : "", port);
	return text;
}

static void parses_to(const char *input, const char *want)
{
	struct port_list list;
	struct port_error err = { 0 };
	char name[128];
	int rc;

	ports_init(&list);
	rc = ports_parse(&list, input, "tcp", &err);
	snprintf(name, sizeof(name), "'%s' parses", input);
	is_int(rc, 0, name);
	snprintf(name, sizeof(name), "'%s' walks as '%s'", input, want);
	is_str(walk(&list), want, name);
}

static void refused(const char *input, int want_rc, const char *want_reason, const char *want_item)
{
	struct port_list list;
	struct port_error err = { 0 };
	char name[128];

	ports_init(&list);
	snprintf(name, sizeof(name), "'%s' is refused", input);
	is_int(ports_parse(&list, input, "tcp", &err), want_rc, name);
	snprintf(name, sizeof(name), "'%s': reason", input);
	is_str(err.reason, want_reason, name);
	snprintf(name, sizeof(name), "'%s': offending item", input);
	is_str(err.item, want_item, name);
}

int main(void)
{
	struct port_list list;
	struct port_error err;
	char big[8192];
	size_t i, used = 0;

	/* The tests must not depend on the host's /etc/services. */
	setenv("SONDE_SERVICES", "/nonexistent", 1);

	parses_to("22", "22");
	parses_to("1", "1");
	parses_to("65535", "65535");
	parses_to("20-25", "20 21 22 23 24 25");
	parses_to("25-20", "20 21 22 23 24 25");
	parses_to("80-80", "80");
	parses_to("20-22,80", "20 21 22 80");
	parses_to("443,22,443", "443 22 443");
	parses_to("ssh,https", "22 443");
	parses_to("ms-sql-s", "1433");
	parses_to("65534-65535", "65534 65535");

	refused("99999", -ERANGE, "port number too large", "99999");
	refused("65536", -ERANGE, "port number too large", "65536");
	refused("0", -ERANGE, "port number too small", "0");
	refused("22,0-5", -ERANGE, "port number too small", "0-5");
	refused("1-70000", -ERANGE, "port number too large", "1-70000");
	refused("80,", -EINVAL, "empty item in port list", "");
	refused(",80", -EINVAL, "empty item in port list", "");
	refused("", -EINVAL, "empty item in port list", "");
	refused("20-", -EINVAL, "not a port number or service name", "20-");
	refused("20-x", -EINVAL, "not a port number or service name", "20-x");
	refused("2x", -EINVAL, "not a port number or service name", "2x");
	refused("1-2-3", -EINVAL, "not a port number or service name", "1-2-3");
	refused("nosuchservice", -EINVAL, "unknown service name", "nosuchservice");
	refused("-5", -EINVAL, "unknown service name", "-5");
	refused("22 ", -EINVAL, "not a port number or service name", "22 ");

	/* Several operands append to one list. */
	ports_init(&list);
	ok(ports_parse(&list, "20-21", "tcp", &err) == 0 && ports_parse(&list, "80", "tcp", &err) == 0,
	   "two operands append");
	is_str(walk(&list), "20 21 80", "two operands walk in order");
	is_int(ports_total(&list), 3, "total counts every port");

	ports_init(&list);
	ports_parse(&list, "1-65535", "tcp", &err);
	is_int(ports_total(&list), 65535, "the full range is 65535 ports in one range");
	is_int(list.count, 1, "the full range takes one slot");

	/* The range table is bounded. */
	for (i = 0; i <= PORTS_MAX_RANGES && used < sizeof(big) - 8; i++)
		used += (size_t)snprintf(big + used, sizeof(big) - used, "%s%zu", i ? "," : "", 1 + i % 9);
	ports_init(&list);
	is_int(ports_parse(&list, big, "tcp", &err), -E2BIG, "more items than PORTS_MAX_RANGES are refused");
	is_str(err.reason, "too many port ranges", "too many: reason");
	is_int(list.count, PORTS_MAX_RANGES, "the list holds what fitted");

	/* udp names come from the udp table. */
	ports_init(&list);
	is_int(ports_parse(&list, "ntp", "udp", &err), 0, "ntp is a udp service");
	is_str(walk(&list), "123", "ntp is 123/udp");
	ports_init(&list);
	is_int(ports_parse(&list, "ntp", "tcp", &err), -EINVAL, "ntp is not in the builtin tcp table");

	return tap_exit();
}
