/* Which processes hold which sockets: a map from socket inode to the
 * (pid, fd) pairs that own it, built by scanning /proc/PID/fd.
 *
 * Built for hosts with tens of thousands of descriptors: no allocation per
 * descriptor (a few arrays that grow by doubling), links that are not
 * sockets are skipped after one readlink, and the readlinks of a big scan
 * are shared between two threads.  Process names are read lazily, once per
 * process, and only for processes that own a socket that is looked up. */
#ifndef SONDE_PROCFD_H
#define SONDE_PROCFD_H

#include <stddef.h>
#include <stdint.h>

struct procfd_owner {
	uint32_t inode;
	int32_t pid;
	int32_t fd;
	uint32_t proc;      /* index of the process (for the name accessors) */
	uint32_t next;      /* next owner of the same inode, or PROCFD_NONE */
};

#define PROCFD_NONE UINT32_MAX

struct procfd_proc;

struct procfd_map {
	struct procfd_owner *owners;
	size_t owner_count;
	uint32_t *buckets;          /* heads of the inode chains */
	size_t bucket_mask;
	struct procfd_proc *procs;
	size_t proc_count;
	char proc_root[64];
	int denied;                 /* processes whose fds could not be read (EACCES) */
};

/* Scans proc_root ("/proc", or a test tree).  Returns 0 or -errno (-ENOENT
 * when proc_root cannot be read at all, or holds no process: an empty
 * directory where procfs is not mounted).  Owners of one inode are chained
 * in scan order, newest first (as ss lists them). */
int procfd_scan(struct procfd_map *map, const char *proc_root);
void procfd_free(struct procfd_map *map);

/* " (is /proc mounted?)" for a /proc file that could not be opened because it
 * is not there (-ENOENT), "" otherwise: appended to messages about /proc. */
const char *procfd_mount_hint(int rc);

/* The owners of inode: the first one, then procfd_next(); NULL when none. */
const struct procfd_owner *procfd_find(const struct procfd_map *map, uint32_t inode);
const struct procfd_owner *procfd_next(const struct procfd_map *map, const struct procfd_owner *owner);
/* The owner scanned first (netstat shows that one). */
const struct procfd_owner *procfd_find_first_scanned(const struct procfd_map *map, uint32_t inode);

/* The process name from /proc/PID/stat (what ss shows), "" if unreadable. */
const char *procfd_comm(struct procfd_map *map, const struct procfd_owner *owner);
/* "PID/name" from /proc/PID/cmdline's first word, base name when it is a
 * path, cut to 19 characters (what netstat shows); "-" if unreadable. */
const char *procfd_pid_program(struct procfd_map *map, const struct procfd_owner *owner);

#endif
