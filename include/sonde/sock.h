/* Socket helpers: non-blocking set-up with timeouts, for applets that must
 * survive a thousand failed connects.  All return -errno on failure. */
#ifndef SONDE_SOCK_H
#define SONDE_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sonde/addr.h"

/* socket() with CLOEXEC and NONBLOCK. */
int sock_open(int family, int type, int protocol);
int sock_set_nonblock(int fd, bool nonblock);
/* Opens a socket of type for dst's family, binds it to src when given (for a
 * source address or port), and connects.  With timeout_ms > 0 it waits up to
 * that long (-ETIMEDOUT); with timeout_ms < 0 it waits without limit.  The
 * socket is returned non-blocking in *fd_out. */
int sock_connect(const struct sonde_addr *dst, int type, const struct sonde_addr *src, int timeout_ms,
		 int *fd_out);
/* Waits for a non-blocking connect to finish: 0, -ETIMEDOUT, or its error. */
int sock_connect_wait(int fd, int timeout_ms);
/* A bound (SO_REUSEADDR) socket, listening when type is SOCK_STREAM. */
int sock_listen(const struct sonde_addr *addr, int type, int backlog, int *fd_out);
/* poll() one fd: >0 ready (revents), -ETIMEDOUT, or -errno.  timeout_ms < 0 waits forever. */
int sock_wait(int fd, short events, int timeout_ms);
/* Sends all of buf on a non-blocking stream socket before deadline_ms (a
 * deadline_after_ms() value; 0 waits without limit): 0, -ETIMEDOUT or
 * -errno.  SIGPIPE is not raised. */
int sock_send_all(int fd, const void *buf, size_t len, int64_t deadline_ms);
/* Writes all of buf to a blocking descriptor (standard output, a pipe),
 * again after EINTR: 0, or -errno (-EPIPE: the reader is gone). */
int fd_write_all(int fd, const void *buf, size_t len);
/* One recv() of up to size bytes, waiting for data until deadline_ms (as
 * above): the byte count (0: the peer closed, or an empty datagram),
 * -ETIMEDOUT or -errno. */
ssize_t sock_recv_until(int fd, void *buf, size_t size, int64_t deadline_ms);
/* Receives exactly len bytes before deadline_ms (as above): 0, -EPIPE when
 * the peer closed first, -ETIMEDOUT or -errno.  *got says how many bytes
 * came, also on failure. */
int sock_recv_exact(int fd, void *buf, size_t len, int64_t deadline_ms, size_t *got);
/* The local or peer address of fd. */
int sock_local_addr(int fd, struct sonde_addr *addr);
int sock_peer_addr(int fd, struct sonde_addr *addr);

#endif
