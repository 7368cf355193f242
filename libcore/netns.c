/* --netns: lets an operator on a node inspect a pod's network namespace. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sonde/netns.h"

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int netns_path(const char *spec, char *path, size_t size)
{
	int len;

	if (!spec || !*spec)
		return -EINVAL;
	if (strchr(spec, '/'))
		len = snprintf(path, size, "%s", spec);
	else if (all_digits(spec))
		len = snprintf(path, size, "/proc/%s/ns/net", spec);
	else
		len = snprintf(path, size, "/run/netns/%s", spec);
	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	return 0;
}

int netns_enter(const char *spec)
{
	char path[4096];
	int fd, rc;

	rc = netns_path(spec, path, sizeof(path));
	if (rc < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = setns(fd, CLONE_NEWNET);
	rc = rc < 0 ? -errno : 0;
	close(fd);
	return rc;
}

unsigned long netns_current_inode(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}
