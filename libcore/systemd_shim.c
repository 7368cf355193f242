/* libpcap links libdbus, which asks libsystemd whether it was handed
 * listening sockets by socket activation.  Debian ships no static
 * libsystemd; these two functions answer per the sd_listen_fds(3) protocol
 * ($LISTEN_PID and $LISTEN_FDS), so libdbus behaves as it would with it. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	const char *pid_text = getenv("LISTEN_PID"), *fds_text = getenv("LISTEN_FDS");
	long count = 0;

	if (pid_text && fds_text && strtol(pid_text, NULL, 10) == (long)getpid())
		count = strtol(fds_text, NULL, 10);
	if (unset_environment) {
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
	}
	return count > 0 && count < 1024 ? (int)count : 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int value;
	socklen_t value_len = sizeof(value);
	struct stat st;

	if (fd < 0)
		return -EBADF;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return 0;
	if (type != 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &value_len) < 0)
			return -errno;
		if (value != type)
			return 0;
	}
	if (listening >= 0) {
		value_len = sizeof(value);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &value_len) < 0)
			return -errno;
		if ((value != 0) != (listening != 0))
			return 0;
	}
	if (family != 0) {
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			return -errno;
		if (ss.ss_family != family)
			return 0;
	}
	return 1;
}
