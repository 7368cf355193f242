#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/sock.h"

int sock_open(int family, int type, int protocol)
{
	int fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);

	return fd < 0 ? -errno : fd;
}

int sock_set_nonblock(int fd, bool nonblock)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -errno;
	flags = nonblock ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, flags) < 0 ? -errno : 0;
}

int sock_wait(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { fd, events, 0 };
	int64_t deadline = timeout_ms > 0 ? deadline_after_ms(timeout_ms) : 0;

	for (;;) {
		int wait_ms = timeout_ms < 0 ? -1 : timeout_ms == 0 ? 0 : deadline_poll_ms(deadline);
		int n = poll(&pfd, 1, wait_ms);

		if (n > 0)
			return pfd.revents;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

int sock_connect_wait(int fd, int timeout_ms)
{
	int rc = sock_wait(fd, POLLOUT, timeout_ms), so_error = 0;
	socklen_t len = sizeof(so_error);

	if (rc < 0)
		return rc;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0)
		return -errno;
	return -so_error;
}

int sock_connect(const struct sonde_addr *dst, int type, const struct sonde_addr *src, int timeout_ms,
		 int *fd_out)
{
	int fd, rc, one = 1;

	*fd_out = -1;
	fd = sock_open(addr_family(dst), type, 0);
	if (fd < 0)
		return fd;
	if (src) {
		/* A fixed source port is often reused right after a test: allow it. */
		if (addr_family(src) != AF_UNIX)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, &src->u.sa, src->len) < 0) {
			rc = -errno;
			close(fd);
			return rc;
		}
	}
	if (connect(fd, &dst->u.sa, dst->len) == 0) {
		*fd_out = fd;
		return 0;
	}
	rc = -errno;
	if (rc == -EINPROGRESS || rc == -EAGAIN)
		rc = sock_connect_wait(fd, timeout_ms);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

int sock_listen(const struct sonde_addr *addr, int type, int backlog, int *fd_out)
{
	int fd, rc, one = 1;

	*fd_out = -1;
	fd = sock_open(addr_family(addr), type, 0);
	if (fd < 0)
		return fd;
	if (addr_family(addr) != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &addr->u.sa, addr->len) < 0 || (type == SOCK_STREAM && listen(fd, backlog) < 0)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

int sock_send_all(int fd, const void *buf, size_t len, int64_t deadline_ms)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (deadline_passed(deadline_ms))
			return -ETIMEDOUT;
		n = sock_wait(fd, POLLOUT, deadline_poll_ms(deadline_ms));
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t sock_recv_until(int fd, void *buf, size_t size, int64_t deadline_ms)
{
	for (;;) {
		ssize_t n = recv(fd, buf, size, 0);

		if (n >= 0)
			return n;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (deadline_passed(deadline_ms))
			return -ETIMEDOUT;
		n = sock_wait(fd, POLLIN, deadline_poll_ms(deadline_ms));
		if (n < 0)
			return n;
	}
}

int sock_recv_exact(int fd, void *buf, size_t len, int64_t deadline_ms, size_t *got)
{
	uint8_t *p = buf;

	*got = 0;
	while (*got < len) {
		ssize_t n = sock_recv_until(fd, p + *got, len - *got, deadline_ms);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPIPE;
		*got += (size_t)n;
	}
	return 0;
}

static int get_name(int fd, struct sonde_addr *addr, bool peer)
{
	socklen_t len = sizeof(addr->u);
	int rc;

	memset(addr, 0, sizeof(*addr));
	rc = peer ? getpeername(fd, &addr->u.sa, &len) : getsockname(fd, &addr->u.sa, &len);
	if (rc < 0)
		return -errno;
	addr->len = len;
	return 0;
}

int sock_local_addr(int fd, struct sonde_addr *addr)
{
	return get_name(fd, addr, false);
}

int sock_peer_addr(int fd, struct sonde_addr *addr)
{
	return get_name(fd, addr, true);
}
