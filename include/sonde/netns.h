/* Entering another network namespace (--netns). */
#ifndef SONDE_NETNS_H
#define SONDE_NETNS_H

#include <stddef.h>

/* spec: an `ip netns` name (/run/netns/NAME), a path (/proc/PID/ns/net), or a
 * PID.  Resolves spec to a path; returns 0, -EINVAL (empty spec) or
 * -ENAMETOOLONG. */
int netns_path(const char *spec, char *path, size_t size);
/* Enters the namespace; returns 0 or -errno (-EPERM without CAP_SYS_ADMIN). */
int netns_enter(const char *spec);
/* Inode of the current network namespace (as `ls -iL /proc/self/ns/net`). */
unsigned long netns_current_inode(void);

#endif
