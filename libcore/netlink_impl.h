/* Shared between libcore/netlink*.c and the raw nfnetlink readers of
 * libcore/nf/ (ipset_nl.c): attribute parsing and the raw netlink socket.
 * Applets use sonde/netlink.h. */
#ifndef SONDE_NETLINK_IMPL_H
#define SONDE_NETLINK_IMPL_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/nlattr.h"

/* The family header of a message of type with header_size bytes, and its
 * attributes; NULL when the message is shorter or of another type. */
const void *nlraw_msg_body(const void *msg, size_t len, uint16_t type, size_t header_size, const void **attrs,
			size_t *attrs_len);

/* A connected NETLINK_ROUTE socket and its receive buffer. */
struct nlraw_conn {
	int fd;
	uint32_t seq;
	uint8_t *buf;
	size_t buf_size;
};

int nlraw_conn_open(struct nlraw_conn *conn);
/* The same socket for another netlink protocol (NETLINK_NETFILTER...). */
int nlraw_conn_open_protocol(struct nlraw_conn *conn, int protocol);
void nlraw_conn_close(struct nlraw_conn *conn);
/* Sends req (a complete message; its seq is set here). */
int nlraw_conn_send(struct nlraw_conn *conn, struct nlmsghdr *req);
/* Receives the replies to the last request, calling fn for each message
 * that is not DONE or ERROR, until DONE (dumps) or the first reply (single
 * requests: until_done false).  fn returns 0 to go on or -errno to stop. */
typedef int (*nlraw_msg_fn)(const struct nlmsghdr *msg, void *arg);
int nlraw_conn_receive(struct nlraw_conn *conn, bool until_done, nlraw_msg_fn fn, void *arg);
/* Dump of type (RTM_GETLINK...) with a zeroed family header of
 * header_size bytes whose first byte is family. */
int nlraw_dump(uint16_t type, int family, size_t header_size, nlraw_msg_fn fn, void *arg);

#endif
