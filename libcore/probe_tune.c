/* Tuning an open probe engine's sockets for scans. */
#include <errno.h>
#include <sys/socket.h>

#include "probe_impl.h"

static int grow_rcvbuf(int fd, int bytes)
{
	int have = 0;
	socklen_t len = sizeof(have);

	if (fd < 0)
		return 0;
	/* SO_RCVBUFFORCE passes rmem_max with CAP_NET_ADMIN; else the plain
	 * option, which the kernel caps at rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		return -errno;
	return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &have, &len) < 0 ? -errno : 0;
}

int probe_engine_set_rcvbuf(struct probe_engine *e, int bytes)
{
	int rc = grow_rcvbuf(e->send_fd, bytes);
	int rc_icmp = grow_rcvbuf(e->icmp_fd, bytes);

	return rc < 0 ? rc : rc_icmp;
}
