#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/errno.h>

#include "sonde/nlreply.h"

int nlreply_errno(int libnl_error)
{
	switch (-libnl_error) {
	case NLE_PERM: return -EPERM;
	/* libnl reports a full socket buffer (lost messages) as NLE_NOMEM. */
	case NLE_NOMEM: return errno == ENOBUFS ? -ENOBUFS : -ENOMEM;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_INTR: return -EINTR;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	default: return -EIO;
	}
}

int nlreply_classify(const struct nlmsghdr *h, uint32_t seq)
{
	const struct nlmsgerr *err;

	if (h->nlmsg_seq != seq)
		return NLREPLY_OTHER;
	if (h->nlmsg_type == NLMSG_DONE)
		return NLREPLY_END;
	if (h->nlmsg_type != NLMSG_ERROR)
		return NLREPLY_DATA;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*err)))
		return -EIO;
	err = NLMSG_DATA(h);
	return err->error < 0 ? err->error : NLREPLY_END;
}

int nlreply_replay_file(const char *path, size_t max_bytes, int (*parse)(const void *msg, size_t len, void *arg),
			void *arg)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data;
	size_t len = 0, off = 0;
	int rc = 0;

	if (!fp)
		return -errno;
	data = malloc(max_bytes);
	if (data)
		len = fread(data, 1, max_bytes, fp);
	fclose(fp);
	if (!data)
		return -ENOMEM;
	while (rc == 0 && len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr h;

		memcpy(&h, data + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off)
			rc = -EINVAL;
		else
			rc = parse(data + off, h.nlmsg_len, arg);
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off > len)
			break;
	}
	free(data);
	return rc;
}
