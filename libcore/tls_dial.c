/* Reaching a server over TCP before TLS (or plain HTTP) starts: the core
 * resolver, then each address in turn, with the time each step took. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/resolve.h"
#include "sonde/sock.h"
#include "sonde/tls.h"

int tls_dial(const char *host, uint16_t port, int family, int timeout_ms, struct tls_dial_result *result)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t count = 0, i;
	int64_t start_ns = mono_ns();
	int rc;

	memset(result, 0, sizeof(*result));
	rc = resolve_host(host, family, 0, timeout_ms > 0 ? timeout_ms : 0, port, addrs, RESOLVE_MAX_ADDRS, &count);
	result->dns_ms = ns_to_ms(mono_ns() - start_ns);
	if (rc < 0) {
		result->resolve_error = rc;
		return -1;
	}
	for (i = 0; i < count; i++) {
		int64_t connect_start_ns = mono_ns();
		int fd = -1;

		rc = sock_connect(&addrs[i], SOCK_STREAM, NULL, timeout_ms, &fd);
		if (rc == 0) {
			result->peer = addrs[i];
			result->connect_ms = ns_to_ms(mono_ns() - connect_start_ns);
			return fd;
		}
		result->connect_error = rc;
	}
	if (!result->connect_error)
		result->connect_error = -EHOSTUNREACH;
	return -1;
}
