/* rtnetlink over a raw NETLINK_ROUTE socket: dumps streamed through the
 * parse functions (netlink_parse.c) to per-object callbacks, snapshots as
 * arrays, and single requests (route get, namespace ids). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/net_namespace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink_impl.h"
#include "sonde/netlink.h"

/* Large enough for any dump batch the kernel sends (it sizes them after
 * the reader's buffer, up to 32 KiB by default, more with big pages). */
#define NL_RECV_BUF_SIZE (64 * 1024)

int nlraw_conn_open(struct nlraw_conn *conn)
{
	return nlraw_conn_open_protocol(conn, NETLINK_ROUTE);
}

int nlraw_conn_open_protocol(struct nlraw_conn *conn, int protocol)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int rcvbuf = 1024 * 1024, one = 1;

	memset(conn, 0, sizeof(*conn));
	conn->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	if (conn->fd < 0)
		return errno == EPROTONOSUPPORT ? -EAFNOSUPPORT : -errno;
	/* A bigger buffer lets the kernel run ahead of a slow reader; extended
	 * acks give error messages.  Both are optional. */
	setsockopt(conn->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(conn->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(conn->fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		int rc = -errno;

		close(conn->fd);
		return rc;
	}
	conn->buf_size = NL_RECV_BUF_SIZE;
	conn->buf = malloc(conn->buf_size);
	if (!conn->buf) {
		close(conn->fd);
		return -ENOMEM;
	}
	conn->seq = 1;
	return 0;
}

void nlraw_conn_close(struct nlraw_conn *conn)
{
	if (conn->fd >= 0)
		close(conn->fd);
	free(conn->buf);
	conn->fd = -1;
	conn->buf = NULL;
}

int nlraw_conn_send(struct nlraw_conn *conn, struct nlmsghdr *req)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t sent;

	req->nlmsg_seq = ++conn->seq;
	do
		sent = sendto(conn->fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	return sent == (ssize_t)req->nlmsg_len ? 0 : -EIO;
}

/* The error code an NLMSG_ERROR or NLMSG_DONE message carries. */
static int nlraw_msg_error(const struct nlmsghdr *msg)
{
	int error;

	if (msg->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
		return -EIO;
	memcpy(&error, NLMSG_DATA(msg), sizeof(error));
	return error > 0 ? -error : error;
}

/* One datagram's messages.  Returns 1 when the exchange is over, 0 to read
 * on, or -errno. */
static int nlraw_batch(struct nlraw_conn *conn, size_t len, bool until_done, nlraw_msg_fn fn, void *arg)
{
	const struct nlmsghdr *msg = (const struct nlmsghdr *)conn->buf;
	int rc;

	for (; NLMSG_OK(msg, len); msg = NLMSG_NEXT(msg, len)) {
		if (msg->nlmsg_seq != conn->seq)
			continue; /* a stale reply to an earlier request */
		if (msg->nlmsg_type == NLMSG_DONE)
			return nlraw_msg_error(msg) < 0 ? nlraw_msg_error(msg) : 1;
		if (msg->nlmsg_type == NLMSG_ERROR) {
			rc = nlraw_msg_error(msg);
			return rc < 0 ? rc : 1;
		}
		if (msg->nlmsg_type == NLMSG_NOOP || msg->nlmsg_type == NLMSG_OVERRUN)
			continue;
		rc = fn(msg, arg);
		if (rc < 0)
			return rc;
		if (!until_done)
			return 1;
	}
	return 0;
}

int nlraw_conn_receive(struct nlraw_conn *conn, bool until_done, nlraw_msg_fn fn, void *arg)
{
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { conn->buf, conn->buf_size };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t len = recvmsg(conn->fd, &mh, 0);
		int rc;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (len == 0 || (mh.msg_flags & MSG_TRUNC))
			return -EIO;
		if (from.nl_pid != 0)
			continue; /* not from the kernel */
		rc = nlraw_batch(conn, (size_t)len, until_done, fn, arg);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

int nlraw_dump(uint16_t type, int family, size_t header_size, nlraw_msg_fn fn, void *arg)
{
	struct {
		struct nlmsghdr hdr;
		uint8_t body[64];
	} req;
	struct nlraw_conn conn;
	int rc;

	if (header_size > sizeof(req.body))
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.hdr.nlmsg_len = NLMSG_LENGTH(header_size);
	req.hdr.nlmsg_type = type;
	req.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.body[0] = (uint8_t)family;
	rc = nlraw_conn_open(&conn);
	if (rc < 0)
		return rc;
	rc = nlraw_conn_send(&conn, &req.hdr);
	if (rc == 0)
		rc = nlraw_conn_receive(&conn, true, fn, arg);
	nlraw_conn_close(&conn);
	return rc;
}

/* --- walks ------------------------------------------------------------ */

struct walk {
	int family;
	void *fn;
	void *arg;
};

static bool family_wanted(int wanted, int family)
{
	return wanted == AF_UNSPEC || wanted == family;
}

static int link_msg(const struct nlmsghdr *msg, void *arg)
{
	struct walk *w = arg;
	struct netlink_link link;

	if (netlink_parse_link(msg, msg->nlmsg_len, &link) < 0)
		return 0;
	return ((netlink_link_fn)w->fn)(&link, w->arg);
}

static int addr_msg(const struct nlmsghdr *msg, void *arg)
{
	struct walk *w = arg;
	struct netlink_addr addr;

	if (netlink_parse_addr(msg, msg->nlmsg_len, &addr) < 0 || !family_wanted(w->family, addr.family))
		return 0;
	return ((netlink_addr_fn)w->fn)(&addr, w->arg);
}

struct route_walk {
	struct walk w;
	struct netlink_route route; /* reused for every message: dumps may be huge */
};

static int route_msg(const struct nlmsghdr *msg, void *arg)
{
	struct route_walk *rw = arg;

	if (netlink_parse_route(msg, msg->nlmsg_len, &rw->route) < 0 ||
	    !family_wanted(rw->w.family, rw->route.family))
		return 0;
	if (rw->route.flags & RTM_F_CLONED)
		return 0; /* cache entries, as `ip route show` leaves them out */
	return ((netlink_route_fn)rw->w.fn)(&rw->route, rw->w.arg);
}

static int neigh_msg(const struct nlmsghdr *msg, void *arg)
{
	struct walk *w = arg;
	struct netlink_neigh neigh;

	if (netlink_parse_neigh(msg, msg->nlmsg_len, &neigh) < 0 || !family_wanted(w->family, neigh.family))
		return 0;
	return ((netlink_neigh_fn)w->fn)(&neigh, w->arg);
}

static int rule_msg(const struct nlmsghdr *msg, void *arg)
{
	struct walk *w = arg;
	struct netlink_rule rule;

	if (netlink_parse_rule(msg, msg->nlmsg_len, &rule) < 0 || !family_wanted(w->family, rule.family))
		return 0;
	return ((netlink_rule_fn)w->fn)(&rule, w->arg);
}

int netlink_walk_links(netlink_link_fn fn, void *arg)
{
	struct walk w = { AF_UNSPEC, (void *)fn, arg };

	return nlraw_dump(RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg), link_msg, &w);
}

int netlink_walk_addrs(int family, netlink_addr_fn fn, void *arg)
{
	struct walk w = { family, (void *)fn, arg };

	return nlraw_dump(RTM_GETADDR, family, sizeof(struct ifaddrmsg), addr_msg, &w);
}

int netlink_walk_routes(int family, netlink_route_fn fn, void *arg)
{
	struct route_walk *rw = malloc(sizeof(*rw));
	int rc;

	if (!rw)
		return -ENOMEM;
	rw->w.family = family;
	rw->w.fn = (void *)fn;
	rw->w.arg = arg;
	rc = nlraw_dump(RTM_GETROUTE, family, sizeof(struct rtmsg), route_msg, rw);
	free(rw);
	return rc;
}

int netlink_walk_neighs(int family, netlink_neigh_fn fn, void *arg)
{
	struct walk w = { family, (void *)fn, arg };

	return nlraw_dump(RTM_GETNEIGH, family, sizeof(struct ndmsg), neigh_msg, &w);
}

int netlink_walk_rules(int family, netlink_rule_fn fn, void *arg)
{
	struct walk w = { family, (void *)fn, arg };

	return nlraw_dump(RTM_GETRULE, family, sizeof(struct rtmsg), rule_msg, &w);
}

/* --- snapshots -------------------------------------------------------- */

/* A growing array of fixed-size elements. */
struct grow {
	void *items;
	size_t count, capacity, item_size;
};

static int grow_push(struct grow *g, const void *item)
{
	if (g->count == g->capacity) {
		size_t capacity = g->capacity ? g->capacity * 2 : 16;
		void *items = realloc(g->items, capacity * g->item_size);

		if (!items)
			return -ENOMEM;
		g->items = items;
		g->capacity = capacity;
	}
	memcpy((char *)g->items + g->count++ * g->item_size, item, g->item_size);
	return 0;
}

static int grow_finish(struct grow *g, int rc, void **items, size_t *count)
{
	if (rc < 0 || g->count == 0) {
		free(g->items);
		*items = NULL;
		*count = 0;
		return rc;
	}
	*items = g->items;
	*count = g->count;
	return 0;
}

static int push_link(const struct netlink_link *link, void *arg) { return grow_push(arg, link); }
static int push_addr(const struct netlink_addr *addr, void *arg) { return grow_push(arg, addr); }
static int push_neigh(const struct netlink_neigh *neigh, void *arg) { return grow_push(arg, neigh); }
static int push_rule(const struct netlink_rule *rule, void *arg) { return grow_push(arg, rule); }

static int compare_links(const void *a, const void *b)
{
	const struct netlink_link *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int netlink_dump_links(struct netlink_link **links, size_t *count)
{
	struct grow g = { NULL, 0, 0, sizeof(**links) };
	int rc = netlink_walk_links(push_link, &g);

	rc = grow_finish(&g, rc, (void **)links, count);
	if (rc == 0 && *count > 1)
		qsort(*links, *count, sizeof(**links), compare_links);
	return rc;
}

/* By interface, IPv4 before IPv6; qsort is not stable, so the original
 * position breaks ties to keep the kernel's order within an interface. */
struct addr_slot {
	struct netlink_addr addr;
	size_t position;
};

static int compare_addr_slots(const void *a, const void *b)
{
	const struct addr_slot *x = a, *y = b;

	if (x->addr.ifindex != y->addr.ifindex)
		return x->addr.ifindex < y->addr.ifindex ? -1 : 1;
	if (x->addr.family != y->addr.family)
		return x->addr.family == AF_INET ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

static int addrs_sort(struct netlink_addr *addrs, size_t count)
{
	struct addr_slot *slots;
	size_t i;

	if (count < 2)
		return 0;
	slots = calloc(count, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		slots[i].addr = addrs[i];
		slots[i].position = i;
	}
	qsort(slots, count, sizeof(*slots), compare_addr_slots);
	for (i = 0; i < count; i++)
		addrs[i] = slots[i].addr;
	free(slots);
	return 0;
}

int netlink_dump_addrs(int family, struct netlink_addr **addrs, size_t *count)
{
	struct grow g = { NULL, 0, 0, sizeof(**addrs) };
	int rc = netlink_walk_addrs(family, push_addr, &g);

	rc = grow_finish(&g, rc, (void **)addrs, count);
	if (rc == 0 && (rc = addrs_sort(*addrs, *count)) < 0) {
		free(*addrs);
		*addrs = NULL;
		*count = 0;
	}
	return rc;
}

struct route_collect {
	struct grow g;
	uint32_t table;
};

static int push_route(const struct netlink_route *route, void *arg)
{
	struct route_collect *rc = arg;

	if (rc->table != NETLINK_TABLE_ANY && route->table != rc->table)
		return 0;
	return grow_push(&rc->g, route);
}

int netlink_dump_routes(int family, uint32_t table, struct netlink_route **routes, size_t *count)
{
	struct route_collect collect = { { NULL, 0, 0, sizeof(**routes) }, table };
	int rc = netlink_walk_routes(family, push_route, &collect);

	return grow_finish(&collect.g, rc, (void **)routes, count);
}

int netlink_dump_neighs(int family, struct netlink_neigh **neighs, size_t *count)
{
	struct grow g = { NULL, 0, 0, sizeof(**neighs) };
	int rc = netlink_walk_neighs(family, push_neigh, &g);

	return grow_finish(&g, rc, (void **)neighs, count);
}

int netlink_dump_rules(int family, struct netlink_rule **rules, size_t *count)
{
	struct grow g = { NULL, 0, 0, sizeof(**rules) };
	int rc = netlink_walk_rules(family, push_rule, &g);

	return grow_finish(&g, rc, (void **)rules, count);
}

/* --- single requests -------------------------------------------------- */

struct request {
	struct nlmsghdr hdr;
	uint8_t body[512];
};

static int request_put(struct request *req, uint16_t type, const void *data, size_t len)
{
	size_t offset = NLMSG_ALIGN(req->hdr.nlmsg_len);
	struct rtattr rta;

	if (offset + RTA_LENGTH(len) > sizeof(*req))
		return -EMSGSIZE;
	rta.rta_type = type;
	rta.rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy((uint8_t *)req + offset, &rta, sizeof(rta));
	memcpy((uint8_t *)req + offset + RTA_LENGTH(0), data, len);
	req->hdr.nlmsg_len = (uint32_t)(offset + RTA_ALIGN(RTA_LENGTH(len)));
	return 0;
}

static const void *addr_bytes(const struct sonde_addr *addr, size_t *len)
{
	if (addr_family(addr) == AF_INET) {
		*len = 4;
		return &addr->u.in4.sin_addr;
	}
	*len = 16;
	return &addr->u.in6.sin6_addr;
}

static int route_reply(const struct nlmsghdr *msg, void *arg)
{
	return netlink_parse_route(msg, msg->nlmsg_len, arg) == 0 ? 0 : -EIO;
}

int netlink_route_get(const struct netlink_route_query *query, struct netlink_route *route)
{
	struct request req;
	struct rtmsg rtm;
	struct nlraw_conn conn;
	const void *bytes;
	size_t len;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&rtm, 0, sizeof(rtm));
	memset(route, 0, sizeof(*route));
	rtm.rtm_family = (unsigned char)addr_family(&query->dst);
	bytes = addr_bytes(&query->dst, &len);
	rtm.rtm_dst_len = (unsigned char)(len * 8);
	if (query->has_src)
		rtm.rtm_src_len = (unsigned char)(len * 8);
	/* The answer names the table that matched (else the kernel says main). */
	rtm.rtm_flags |= RTM_F_LOOKUP_TABLE;
	if (query->fib_match)
		rtm.rtm_flags |= RTM_F_FIB_MATCH;
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(rtm));
	req.hdr.nlmsg_type = RTM_GETROUTE;
	req.hdr.nlmsg_flags = NLM_F_REQUEST;
	memcpy(req.body, &rtm, sizeof(rtm));
	rc = request_put(&req, RTA_DST, bytes, len);
	if (rc == 0 && query->has_src) {
		bytes = addr_bytes(&query->src, &len);
		rc = request_put(&req, RTA_SRC, bytes, len);
	}
	if (rc == 0 && query->iif)
		rc = request_put(&req, RTA_IIF, &query->iif, 4);
	if (rc == 0 && query->oif)
		rc = request_put(&req, RTA_OIF, &query->oif, 4);
	if (rc == 0 && query->has_mark)
		rc = request_put(&req, RTA_MARK, &query->mark, 4);
	if (rc == 0 && query->has_uid)
		rc = request_put(&req, RTA_UID, &query->uid, 4);
	if (rc < 0)
		return rc;
	rc = nlraw_conn_open(&conn);
	if (rc < 0)
		return rc;
	rc = nlraw_conn_send(&conn, &req.hdr);
	if (rc == 0)
		rc = nlraw_conn_receive(&conn, false, route_reply, route);
	nlraw_conn_close(&conn);
	return rc;
}

static int nsid_reply(const struct nlmsghdr *msg, void *arg)
{
	struct nlattr_ref tb[NETNSA_MAX + 1];
	const void *attrs;
	size_t attrs_len;
	uint32_t nsid;

	if (!nlraw_msg_body(msg, msg->nlmsg_len, RTM_NEWNSID, sizeof(struct rtgenmsg), &attrs, &attrs_len))
		return -EIO;
	nlattr_parse(attrs, attrs_len, tb, NETNSA_MAX);
	if (!nlattr_u32(&tb[NETNSA_NSID], &nsid))
		return -EIO;
	*(int *)arg = (int)nsid;
	return 0;
}

/* The id this namespace gives the namespace open at fd, or -errno. */
static int nsid_of_fd(struct nlraw_conn *conn, int fd, int *nsid)
{
	struct request req;
	uint32_t fd_value = (uint32_t)fd;
	int rc;

	memset(&req, 0, sizeof(req));
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg));
	req.hdr.nlmsg_type = RTM_GETNSID;
	req.hdr.nlmsg_flags = NLM_F_REQUEST;
	req.body[0] = AF_UNSPEC;
	rc = request_put(&req, NETNSA_FD, &fd_value, 4);
	if (rc == 0)
		rc = nlraw_conn_send(conn, &req.hdr);
	if (rc == 0)
		rc = nlraw_conn_receive(conn, false, nsid_reply, nsid);
	return rc;
}

int netlink_nsid_name(int nsid, char *name, size_t size)
{
	static const char *const dirs[] = { "/run/netns", "/var/run/netns" };
	struct nlraw_conn conn;
	int rc = -ENOENT;
	size_t d;

	if (nsid < 0 || nlraw_conn_open(&conn) < 0)
		return -ENOENT;
	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && rc == -ENOENT; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *entry;

		while (dir && rc == -ENOENT && (entry = readdir(dir))) {
			char path[512];
			int fd, found = -1;

			if (entry->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], entry->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (nsid_of_fd(&conn, fd, &found) == 0 && found == nsid) {
				snprintf(name, size, "%s", entry->d_name);
				rc = 0;
			}
			close(fd);
		}
		if (dir)
			closedir(dir);
	}
	nlraw_conn_close(&conn);
	return rc;
}

/* --- lookups ---------------------------------------------------------- */

const struct netlink_link *netlink_link_by_index(const struct netlink_link *links, size_t count, int ifindex)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (links[i].ifindex == ifindex)
			return &links[i];
	return NULL;
}

const struct netlink_link *netlink_link_by_name(const struct netlink_link *links, size_t count,
						 const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(links[i].name, name) == 0)
			return &links[i];
	return NULL;
}

bool netlink_route_is_default(const struct netlink_route *route)
{
	return route->dst.len == 0 && route->type == RTN_UNICAST;
}
