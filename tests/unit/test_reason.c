/* libcore/reason.c's words (what wait prints on timeout and check will
 * print too), and resolve_async's answers that need no nameserver: a
 * numeric address and a bad name are done before any poll. */
#include <ares.h>
#include <errno.h>

#include "sonde/reason.h"
#include "sonde/resolve.h"
#include "tap.h"

static void test_words(void)
{
	is_str(reason_connect(-ECONNREFUSED), "connection refused", "refused");
	is_str(reason_connect(-ETIMEDOUT), "no answer (filtered)", "a timeout is a filter's mark");
	is_str(reason_connect(ETIMEDOUT), "no answer (filtered)", "positive errno read alike");
	is_str(reason_connect(-EHOSTUNREACH), "host unreachable", "host unreachable");
	is_str(reason_connect(-ENETUNREACH), "network unreachable", "network unreachable");
	is_str(reason_connect(-ECONNRESET), "connection reset", "reset");
	is_str(reason_resolve(-ARES_ENOTFOUND), "NXDOMAIN", "ENOTFOUND is NXDOMAIN");
	is_str(reason_resolve(-ARES_ENODATA), "no such record (NODATA)", "ENODATA is NODATA");
	is_str(reason_resolve(-ARES_ESERVFAIL), "nameserver answered SERVFAIL", "SERVFAIL in resolve's words");
	is_str(reason_resolve(-ARES_ETIMEOUT), "no answer from the nameservers", "timeout");
}

static void test_async_without_server(void)
{
	struct resolve_async *ra = NULL;
	struct sonde_addr addr;
	size_t count = 0;
	int rc;

	ok(resolve_async_start("192.0.2.7", AF_UNSPEC, 0, 443, &ra) == 0 && ra, "numeric: started");
	ok(resolve_async_done(ra), "numeric: done before any poll");
	rc = resolve_async_result(ra, &addr, 1, &count);
	ok(rc == 0 && count == 1 && addr_port(&addr) == 443, "numeric: one address with the port");
	resolve_async_free(ra);

	ok(resolve_async_start("a..b", AF_UNSPEC, 0, 80, &ra) == 0 && resolve_async_done(ra), "bad name: done at once");
	is_int(resolve_async_result(ra, &addr, 1, &count), -RESOLVE_EEMPTY_LABEL, "bad name: the label error");
	resolve_async_free(ra);
}

int main(void)
{
	test_words();
	test_async_without_server();
	return tap_exit();
}
