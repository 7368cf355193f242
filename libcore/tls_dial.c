/* Reaching a server over TCP before TLS (or plain HTTP) starts: the core
 * resolver, then each address in turn, with the time each step took. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/resolve.h"
#include "sonde/sock.h"
#include "sonde/tls.h"

/* The TCP handshake's round trip as the kernel measured it (its first RTT
 * sample comes from the SYN-ACK), in ms; <0 when unknown. */
static double handshake_rtt_ms(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0 || len < offsetof(struct tcp_info, tcpi_rtt) + 4 ||
	    info.tcpi_rtt == 0)
		return -1;
	return info.tcpi_rtt / 1000.0;
}

/* One connect.  With warm_up, the TLS library sets itself up while the SYN
 * is on its way (tls_warm_up): a server near by has answered by then, so
 * the wait for it costs no sleep, and a far one hides that work.  The time
 * reported stays the connect's own: the kernel's handshake round trip when
 * the connect was already done after the warm-up. */
static int connect_one(const struct sonde_addr *dst, int timeout_ms, const struct tls_client_config *warm_up,
		       double *connect_ms)
{
	int64_t start_ns = mono_ns();
	int fd = sock_open(addr_family(dst), SOCK_STREAM, 0), rc;

	if (fd < 0)
		return fd;
	rc = connect(fd, &dst->u.sa, dst->len) == 0 ? 0 : -errno;
	if (rc == -EINPROGRESS && warm_up) {
		tls_warm_up(warm_up);
		rc = sock_connect_wait(fd, 0);
		if (rc == 0 && (*connect_ms = handshake_rtt_ms(fd)) >= 0)
			return fd;
		if (rc == -ETIMEDOUT)
			rc = -EINPROGRESS;
	}
	if (rc == -EINPROGRESS || rc == -EAGAIN)
		rc = sock_connect_wait(fd, timeout_ms);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*connect_ms = ns_to_ms(mono_ns() - start_ns);
	return fd;
}

int tls_dial(const char *host, uint16_t port, int family, int timeout_ms, const struct tls_client_config *warm_up,
	     struct tls_dial_result *result)
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
		int fd;

		result->tried = addrs[i];
		fd = connect_one(&addrs[i], timeout_ms, warm_up, &result->connect_ms);

		if (fd >= 0) {
			result->peer = addrs[i];
			return fd;
		}
		result->connect_error = fd;
	}
	if (!result->connect_error)
		result->connect_error = -EHOSTUNREACH;
	return -1;
}
