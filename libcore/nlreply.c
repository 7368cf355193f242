#include <errno.h>
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
