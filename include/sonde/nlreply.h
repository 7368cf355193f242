/* Netlink plumbing shared by the libnl-transported families (conntrack,
 * nf_tables, IPVS): turning libnl's errors into errno values, and telling
 * apart the messages of a reply.  Names avoid libnl's nl_ and nla_ prefixes:
 * the static libnl-3 is linked into the same binary. */
#ifndef SONDE_NLREPLY_H
#define SONDE_NLREPLY_H

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

/* -errno behind a negative libnl error code (-NLE_PERM -> -EPERM...);
 * -EIO for those without a close errno. */
int nlreply_errno(int libnl_error);

enum nlreply_kind {
	NLREPLY_OTHER = 0, /* belongs to another request (a late answer) */
	NLREPLY_DATA = 1,  /* a message carrying data for this request */
	NLREPLY_END = 2,   /* NLMSG_DONE, or an ack (NLMSG_ERROR with error 0) */
};

/* What h is within the reply to request seq: an nlreply_kind, or -errno for
 * an error the kernel sent (-EIO when the error message is truncated). */
int nlreply_classify(const struct nlmsghdr *h, uint32_t seq);

/* A recorded dump (the SONDE_*_REPLAY files tests give in place of the
 * kernel): the netlink messages in the first max_bytes of the file at path,
 * each handed to parse(msg, its length, arg) in order until one returns
 * non-zero (that value is returned).  -EINVAL for a message whose length
 * runs past the file, -errno when the file cannot be read. */
int nlreply_replay_file(const char *path, size_t max_bytes, int (*parse)(const void *msg, size_t len, void *arg),
			void *arg);

#endif
