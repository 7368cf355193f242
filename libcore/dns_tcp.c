/* DNS exchanges without c-ares, for a client that must see what the server
 * sends as it is: a zone transfer's many messages on one TCP connection,
 * and every UDP datagram (dig reports a reply with a wrong id or question
 * and waits on, and prints one c-ares would drop, or one over 4096 bytes). */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/dns.h"
#include "sonde/sock.h"

int dns_tcp_send_query(const struct sonde_addr *server, const uint8_t *query, size_t len, int timeout_ms,
		       int *fd)
{
	int64_t deadline_ms = deadline_after_ms(timeout_ms);
	uint8_t prefix[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	int rc;

	if (len > DNS_MAX_MESSAGE)
		return -EMSGSIZE;
	rc = sock_connect(server, SOCK_STREAM, NULL, timeout_ms, fd);
	if (rc < 0)
		return rc;
	rc = sock_send_all(*fd, prefix, sizeof(prefix), deadline_ms);
	if (rc == 0)
		rc = sock_send_all(*fd, query, len, deadline_ms);
	if (rc < 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int dns_tcp_read_message(int fd, int timeout_ms, uint8_t **msg, size_t *len)
{
	int64_t deadline_ms = deadline_after_ms(timeout_ms);
	uint8_t prefix[2];
	size_t got;
	int rc = sock_recv_exact(fd, prefix, sizeof(prefix), deadline_ms, &got);

	*msg = NULL;
	*len = 0;
	if (rc == -EPIPE && got == 0)
		return -ENODATA;
	if (rc < 0)
		return rc;
	*len = (size_t)prefix[0] << 8 | prefix[1];
	*msg = malloc(*len ? *len : 1);
	if (!*msg)
		return -ENOMEM;
	rc = sock_recv_exact(fd, *msg, *len, deadline_ms, &got);
	if (rc < 0) {
		free(*msg);
		*msg = NULL;
		*len = 0;
	}
	return rc;
}

/* --- UDP: each datagram handed back, the caller decides which is the reply */

int dns_udp_send_query(const struct sonde_addr *server, const uint8_t *query, size_t len, int *fd)
{
	int rc = sock_connect(server, SOCK_DGRAM, NULL, -1, fd);

	if (rc < 0)
		return rc;
	if (send(*fd, query, len, 0) < 0) {
		rc = -errno;
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int dns_udp_read_datagram(int fd, int64_t deadline_ms, uint8_t *buf, size_t size, size_t *len)
{
	ssize_t n = sock_recv_until(fd, buf, size, deadline_ms);

	if (n < 0)
		return (int)n;
	*len = (size_t)n;
	return 0;
}
