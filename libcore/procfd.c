/* Socket inode -> owning processes, from /proc/PID/fd (see sonde/procfd.h).
 *
 * Three passes: list every (process, fd) pair with getdents64 into one
 * array; readlink each pair, split between this thread and a helper thread
 * when there are many; then chain the socket inodes into a hash table in
 * scan order.  Nothing is allocated per descriptor. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sonde/procfd.h"

#define PROC_NAME_LEN 16       /* TASK_COMM_LEN */
#define PROGRAM_LEN 20         /* netstat's PROGNAME_WIDTH, NUL included */
#define PARALLEL_MIN_FDS 4096  /* below this a second thread costs more than it saves */

struct procfd_proc {
	int32_t pid;
	bool comm_loaded, program_loaded;
	char comm[PROC_NAME_LEN];
	char program[PROGRAM_LEN];
};

struct fd_ref {
	uint32_t proc;
	int32_t fd;
};

struct scan {
	struct fd_ref *refs;
	size_t ref_count, ref_cap;
	uint32_t *inodes;          /* per ref: socket inode, 0 if not a socket */
	const struct procfd_map *map;
};

static int grow(void **items, size_t *cap, size_t need, size_t item_size)
{
	size_t new_cap = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (new_cap < need)
		new_cap *= 2;
	p = realloc(*items, new_cap * item_size);
	if (!p)
		return -ENOMEM;
	*items = p;
	*cap = new_cap;
	return 0;
}

static bool all_digits(const char *s, int32_t *value)
{
	long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0x7fffffff / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*value = (int32_t)v;
	return true;
}

struct linux_dirent64_hdr {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Appends the fds of one process, reading the directory in big batches. */
static int list_fds(struct scan *scan, int dir_fd, uint32_t proc)
{
	char buf[32768];
	long n;

	while ((n = syscall(SYS_getdents64, dir_fd, buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			const struct linux_dirent64_hdr *d = (const void *)(buf + off);
			int32_t fd;

			off += d->d_reclen;
			if (!all_digits(d->d_name, &fd))
				continue;
			if (scan->ref_count == scan->ref_cap &&
			    grow((void **)&scan->refs, &scan->ref_cap, scan->ref_count + 1, sizeof(*scan->refs)) < 0)
				return -ENOMEM;
			scan->refs[scan->ref_count].proc = proc;
			scan->refs[scan->ref_count].fd = fd;
			scan->ref_count++;
		}
	}
	return 0;
}

static int list_processes(struct procfd_map *map, struct scan *scan)
{
	size_t proc_cap = 0;
	DIR *proc_dir = opendir(map->proc_root);
	struct dirent *d;
	int rc = 0;

	if (!proc_dir)
		return -errno;
	while ((d = readdir(proc_dir)) != NULL) {
		char path[sizeof(map->proc_root) + sizeof(d->d_name) + 8];
		int32_t pid;
		int dir_fd;

		if (!all_digits(d->d_name, &pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s/fd", map->proc_root, d->d_name);
		dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir_fd < 0) {
			if (errno == EACCES)
				map->denied++;
			continue;
		}
		if (grow((void **)&map->procs, &proc_cap, map->proc_count + 1, sizeof(*map->procs)) < 0) {
			close(dir_fd);
			rc = -ENOMEM;
			break;
		}
		memset(&map->procs[map->proc_count], 0, sizeof(map->procs[0]));
		map->procs[map->proc_count].pid = pid;
		rc = list_fds(scan, dir_fd, (uint32_t)map->proc_count);
		close(dir_fd);
		map->proc_count++;
		if (rc < 0)
			break;
	}
	closedir(proc_dir);
	return rc;
}

/* "socket:[12345]" -> 12345; anything else -> 0. */
static uint32_t socket_inode(const char *link, ssize_t len)
{
	uint32_t inode = 0;
	ssize_t i;

	if (len < 10 || memcmp(link, "socket:[", 8) != 0 || link[len - 1] != ']')
		return 0;
	for (i = 8; i < len - 1; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		inode = inode * 10 + (uint32_t)(link[i] - '0');
	}
	return inode;
}

struct range {
	struct scan *scan;
	size_t from, to;
};

static void *read_links(void *arg)
{
	struct range *r = arg;
	const struct procfd_map *map = r->scan->map;
	char path[128], link[64];
	size_t i;

	for (i = r->from; i < r->to; i++) {
		const struct fd_ref *ref = &r->scan->refs[i];
		ssize_t len;

		snprintf(path, sizeof(path), "%s/%d/fd/%d", map->proc_root, map->procs[ref->proc].pid, ref->fd);
		len = readlink(path, link, sizeof(link));
		r->scan->inodes[i] = len > 0 ? socket_inode(link, len) : 0;
	}
	return NULL;
}

static void resolve_links(struct scan *scan)
{
	struct range first = { scan, 0, scan->ref_count }, second;
	pthread_t helper;
	bool threaded = false;

	if (scan->ref_count >= PARALLEL_MIN_FDS) {
		first.to = scan->ref_count / 2;
		second = (struct range){ scan, first.to, scan->ref_count };
		threaded = pthread_create(&helper, NULL, read_links, &second) == 0;
		if (!threaded)
			first.to = scan->ref_count;
	}
	read_links(&first);
	if (threaded)
		pthread_join(helper, NULL);
}

static uint32_t inode_hash(uint32_t inode)
{
	return inode * 2654435761u;
}

static int build_table(struct procfd_map *map, const struct scan *scan)
{
	size_t sockets = 0, i, buckets = 64;

	for (i = 0; i < scan->ref_count; i++)
		sockets += scan->inodes[i] != 0;
	while (buckets < sockets * 2)
		buckets *= 2;
	map->buckets = malloc(buckets * sizeof(*map->buckets));
	map->owners = malloc((sockets ? sockets : 1) * sizeof(*map->owners));
	if (!map->buckets || !map->owners)
		return -ENOMEM;
	memset(map->buckets, 0xff, buckets * sizeof(*map->buckets));
	map->bucket_mask = buckets - 1;
	for (i = 0; i < scan->ref_count; i++) {
		struct procfd_owner *o;
		uint32_t *head;

		if (!scan->inodes[i])
			continue;
		o = &map->owners[map->owner_count];
		o->inode = scan->inodes[i];
		o->pid = map->procs[scan->refs[i].proc].pid;
		o->fd = scan->refs[i].fd;
		o->proc = scan->refs[i].proc;
		head = &map->buckets[inode_hash(o->inode) & map->bucket_mask];
		o->next = *head;
		*head = (uint32_t)map->owner_count++;
	}
	return 0;
}

int procfd_scan(struct procfd_map *map, const char *proc_root)
{
	struct scan scan = { 0 };
	int rc;

	memset(map, 0, sizeof(*map));
	snprintf(map->proc_root, sizeof(map->proc_root), "%s", proc_root ? proc_root : "/proc");
	scan.map = map;
	rc = list_processes(map, &scan);
	/* An empty directory: /proc is not mounted (every system has processes,
	 * this one among them). */
	if (rc == 0 && map->proc_count == 0 && map->denied == 0)
		rc = -ENOENT;
	if (rc == 0 && scan.ref_count) {
		scan.inodes = malloc(scan.ref_count * sizeof(*scan.inodes));
		if (!scan.inodes)
			rc = -ENOMEM;
		else
			resolve_links(&scan);
	}
	if (rc == 0)
		rc = build_table(map, &scan);
	free(scan.refs);
	free(scan.inodes);
	if (rc < 0)
		procfd_free(map);
	return rc;
}

const char *procfd_mount_hint(int rc)
{
	return rc == -ENOENT ? " (is /proc mounted?)" : "";
}

void procfd_free(struct procfd_map *map)
{
	free(map->owners);
	free(map->buckets);
	free(map->procs);
	map->owners = NULL;
	map->buckets = NULL;
	map->procs = NULL;
	map->owner_count = map->proc_count = 0;
}

const struct procfd_owner *procfd_find(const struct procfd_map *map, uint32_t inode)
{
	uint32_t i;

	if (!map->buckets || !inode)
		return NULL;
	for (i = map->buckets[inode_hash(inode) & map->bucket_mask]; i != PROCFD_NONE; i = map->owners[i].next)
		if (map->owners[i].inode == inode)
			return &map->owners[i];
	return NULL;
}

const struct procfd_owner *procfd_next(const struct procfd_map *map, const struct procfd_owner *owner)
{
	uint32_t i;

	for (i = owner->next; i != PROCFD_NONE; i = map->owners[i].next)
		if (map->owners[i].inode == owner->inode)
			return &map->owners[i];
	return NULL;
}

const struct procfd_owner *procfd_find_first_scanned(const struct procfd_map *map, uint32_t inode)
{
	const struct procfd_owner *o, *last = NULL;

	for (o = procfd_find(map, inode); o; o = procfd_next(map, o))
		last = o;
	return last;
}

/* Reads up to size-1 bytes of a small /proc file. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

const char *procfd_comm(struct procfd_map *map, const struct procfd_owner *owner)
{
	struct procfd_proc *p = &map->procs[owner->proc];

	if (!p->comm_loaded) {
		char path[128], stat[128];
		const char *open_paren, *close_paren;
		size_t len;

		p->comm_loaded = true;
		snprintf(path, sizeof(path), "%s/%d/stat", map->proc_root, p->pid);
		if (read_small(path, stat, sizeof(stat)) > 0 && (open_paren = strchr(stat, '(')) &&
		    (close_paren = strchr(open_paren, ')'))) {
			/* Up to the first ')', as ss reads it. */
			len = (size_t)(close_paren - open_paren - 1);
			if (len >= sizeof(p->comm))
				len = sizeof(p->comm) - 1;
			memcpy(p->comm, open_paren + 1, len);
			p->comm[len] = '\0';
		}
	}
	return p->comm;
}

const char *procfd_pid_program(struct procfd_map *map, const struct procfd_owner *owner)
{
	struct procfd_proc *p = &map->procs[owner->proc];

	if (!p->program_loaded) {
		char path[128], cmdline[512];
		const char *name = cmdline, *slash;

		p->program_loaded = true;
		snprintf(path, sizeof(path), "%s/%d/cmdline", map->proc_root, p->pid);
		if (read_small(path, cmdline, sizeof(cmdline)) < 0) {
			snprintf(p->program, sizeof(p->program), "-");
			return p->program;
		}
		if (cmdline[0] == '/' && (slash = strrchr(cmdline, '/')))
			name = slash + 1;
		/* netstat's column is "PID/Program name", the name cut short. */
		if (snprintf(p->program, sizeof(p->program), "%d/%s", p->pid, name) >= (int)sizeof(p->program))
			p->program[sizeof(p->program) - 1] = '\0';
	}
	return p->program;
}
