/* The CTNETLINK exchange: libnl-nf-3 opens the sockets, builds and sends
 * the requests and receives the datagrams; each message of a reply is
 * handed, raw, to sonde's parser in the same loop.  (libnl's own receive
 * loop would copy every message into a new object first: on a 200,000
 * entry dump that copy costs more than the parsing.) */
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/conntrack.h"
#include "sonde/nlreply.h"

/* Large receive buffers: the kernel fills a dump datagram up to what the
 * reader last asked for, so fewer, fuller datagrams. */
#define CT_RECV_BUF_SIZE (64 * 1024)

typedef int (*ct_msg_fn)(const struct nlmsghdr *hdr, void *arg);

static int ct_socket_open(struct nl_sock **out)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (!sk)
		return -ENOMEM;
	rc = nfnl_connect(sk);
	if (rc < 0) {
		nl_socket_free(sk);
		return rc == -NLE_PERM ? -EPERM : rc == -NLE_PROTO_MISMATCH ? -EOPNOTSUPP : -EIO;
	}
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, CT_RECV_BUF_SIZE);
	*out = sk;
	return 0;
}

/* A kernel error, in the words conntrack callers expect. */
static int errno_of_kernel(int error)
{
	/* No CTNETLINK in this kernel (nf_conntrack_netlink not loaded). */
	if (error == -EOPNOTSUPP || error == -EPROTONOSUPPORT)
		return -EOPNOTSUPP;
	return error;
}

static int ct_send(struct nl_sock *sk, struct nl_msg *msg, uint32_t *seq)
{
	int rc = nl_send_auto(sk, msg);

	*seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	return rc < 0 ? nlreply_errno(rc) : 0;
}

/* Handles one message of the reply to seq: 1 when the reply is complete,
 * 0 to go on, -errno to stop.  A dump ends with DONE; other requests get
 * one message (the kernel marks some of them multi-part all the same). */
static int reply_message(const struct nlmsghdr *h, uint32_t seq, bool dump, ct_msg_fn fn, void *arg)
{
	int kind = nlreply_classify(h, seq);

	if (kind < 0)
		return errno_of_kernel(kind);
	if (kind == NLREPLY_OTHER)
		return 0;        /* a late answer to an earlier request */
	if (kind == NLREPLY_END)
		return 1;
	if (fn) {
		int rc = fn(h, arg);

		if (rc < 0)
			return rc;
	}
	return dump ? 0 : 1;
}

/* Receives until the reply to seq is complete (DONE, an error or ack, or
 * the one answer of a request that is not a dump). */
static int ct_receive(struct nl_sock *sk, uint32_t seq, bool dump, ct_msg_fn fn, void *arg)
{
	for (;;) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		const struct nlmsghdr *h;
		int n = nl_recv(sk, &peer, &buf, NULL);
		int rc = 0;

		if (n <= 0) {
			free(buf);
			return n == 0 ? -EIO : nlreply_errno(n);
		}
		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n) && rc == 0; h = NLMSG_NEXT(h, n))
			rc = reply_message(h, seq, dump, fn, arg);
		free(buf);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

static struct nl_msg *ct_request(uint8_t type, int flags, int family)
{
	return nfnlmsg_alloc_simple(NFNL_SUBSYS_CTNETLINK, type, flags | NLM_F_REQUEST, (uint8_t)family, 0);
}

/* One request, its whole reply through fn. */
static int ct_talk(struct nl_sock *sk, struct nl_msg *msg, ct_msg_fn fn, void *arg)
{
	bool dump;
	uint32_t seq;
	int rc;

	if (!msg)
		return -ENOMEM;
	dump = (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	rc = ct_send(sk, msg, &seq);
	return rc < 0 ? rc : ct_receive(sk, seq, dump, fn, arg);
}

/* --- dumps ----------------------------------------------------------- */

struct entry_walk {
	ct_entry_fn fn;
	void *arg;
	struct ct_entry entry;
};

static int entry_message(const struct nlmsghdr *h, void *arg)
{
	struct entry_walk *walk = arg;
	int rc = ct_parse_msg(h, h->nlmsg_len, &walk->entry);

	if (rc == -ENOMSG)
		return 0;
	if (rc < 0)
		return rc;
	walk->entry.event = CT_EVENT_NONE;
	return walk->fn(&walk->entry, walk->arg);
}

int ct_dump(int family, ct_entry_fn fn, void *arg)
{
	struct entry_walk *walk = calloc(1, sizeof(*walk));
	struct nl_sock *sk;
	int rc;

	if (!walk)
		return -ENOMEM;
	rc = ct_socket_open(&sk);
	if (rc == 0) {
		walk->fn = fn;
		walk->arg = arg;
		rc = ct_talk(sk, ct_request(IPCTNL_MSG_CT_GET, NLM_F_DUMP, family), entry_message, walk);
		nl_socket_free(sk);
	}
	free(walk);
	return rc;
}

/* --- tuples in requests ---------------------------------------------- */

static int put_tuple(struct nl_msg *msg, int attr, int family, const struct ct_tuple *t)
{
	size_t alen = family == AF_INET6 ? 16 : 4;
	bool v6 = t->proto == IPPROTO_ICMPV6;
	struct nlattr *tuple, *nest;

	if (!(tuple = nla_nest_start(msg, attr | NLA_F_NESTED)))
		return -ENOMEM;
	if (!(nest = nla_nest_start(msg, CTA_TUPLE_IP | NLA_F_NESTED)) ||
	    nla_put(msg, family == AF_INET6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC, (int)alen, t->src) < 0 ||
	    nla_put(msg, family == AF_INET6 ? CTA_IP_V6_DST : CTA_IP_V4_DST, (int)alen, t->dst) < 0)
		return -ENOMEM;
	nla_nest_end(msg, nest);
	if (!(nest = nla_nest_start(msg, CTA_TUPLE_PROTO | NLA_F_NESTED)) ||
	    nla_put_u8(msg, CTA_PROTO_NUM, t->proto) < 0)
		return -ENOMEM;
	if (t->has_ports && (nla_put_u16(msg, CTA_PROTO_SRC_PORT, htons(t->sport)) < 0 ||
			     nla_put_u16(msg, CTA_PROTO_DST_PORT, htons(t->dport)) < 0))
		return -ENOMEM;
	if (t->has_icmp && (nla_put_u16(msg, v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID, htons(t->icmp_id)) < 0 ||
			    nla_put_u8(msg, v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE, t->icmp_type) < 0 ||
			    nla_put_u8(msg, v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE, t->icmp_code) < 0))
		return -ENOMEM;
	nla_nest_end(msg, nest);
	if (t->has_zone && nla_put_u16(msg, CTA_TUPLE_ZONE, htons(t->zone)) < 0)
		return -ENOMEM;
	nla_nest_end(msg, tuple);
	return 0;
}

static int got_entry(const struct ct_entry *entry, void *arg)
{
	*(struct ct_entry *)arg = *entry;
	return 0;
}

int ct_get(int family, const struct ct_tuple *tuple, bool reply, bool has_zone, uint16_t zone,
	   struct ct_entry *entry)
{
	struct entry_walk *walk = calloc(1, sizeof(*walk));
	struct nl_sock *sk = NULL;
	struct nl_msg *msg;
	int rc;

	if (!walk)
		return -ENOMEM;
	rc = ct_socket_open(&sk);
	if (rc < 0)
		goto out;
	msg = ct_request(IPCTNL_MSG_CT_GET, 0, family);
	if (!msg || put_tuple(msg, reply ? CTA_TUPLE_REPLY : CTA_TUPLE_ORIG, family, tuple) < 0 ||
	    (has_zone && nla_put_u16(msg, CTA_ZONE, htons(zone)) < 0)) {
		nlmsg_free(msg);
		rc = -ENOMEM;
		goto out;
	}
	walk->fn = got_entry;
	walk->arg = entry;
	entry->family = AF_UNSPEC;
	rc = ct_talk(sk, msg, entry_message, walk);
	if (rc == 0 && entry->family == AF_UNSPEC)
		rc = -ENOENT;
out:
	if (sk)
		nl_socket_free(sk);
	free(walk);
	return rc;
}

/* --- delete ---------------------------------------------------------- */

struct delete_walk {
	struct nl_sock *modifier;        /* a second socket: the first is busy with the dump */
	const struct ct_filter *filter;
	ct_entry_fn fn;
	void *arg;
	unsigned long deleted;
};

static int delete_one(const struct ct_entry *e, struct nl_sock *sk)
{
	struct nl_msg *msg = ct_request(IPCTNL_MSG_CT_DELETE, NLM_F_ACK, e->family);

	if (!msg || put_tuple(msg, CTA_TUPLE_ORIG, e->family, &e->orig) < 0 ||
	    (e->has_zone && nla_put_u16(msg, CTA_ZONE, htons(e->zone)) < 0) ||
	    (e->has_id && nla_put_u32(msg, CTA_ID, htonl(e->id)) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return ct_talk(sk, msg, NULL, NULL);
}

static int delete_matching(const struct ct_entry *e, void *arg)
{
	struct delete_walk *walk = arg;
	int rc;

	if (!ct_filter_match(walk->filter, e))
		return 0;
	rc = delete_one(e, walk->modifier);
	if (rc == -ENOENT)
		return 0;        /* it expired while we looked */
	if (rc < 0)
		return rc;
	walk->deleted++;
	return walk->fn ? walk->fn(e, walk->arg) : 0;
}

int ct_dump_delete(const struct ct_filter *filter, ct_entry_fn fn, void *arg, unsigned long *deleted)
{
	struct delete_walk walk = { NULL, filter, fn, arg, 0 };
	int rc = ct_socket_open(&walk.modifier);

	*deleted = 0;
	if (rc < 0)
		return rc;
	rc = ct_dump(filter->family, delete_matching, &walk);
	nl_socket_free(walk.modifier);
	*deleted = walk.deleted;
	return rc;
}

/* --- statistics ------------------------------------------------------ */

static int global_stats_message(const struct nlmsghdr *h, void *arg)
{
	int rc = ct_parse_global_stats(h, h->nlmsg_len, arg);

	return rc == -ENOMSG ? 0 : rc;
}

int ct_global_stats(struct ct_global_stats *stats)
{
	struct nl_sock *sk;
	int rc = ct_socket_open(&sk);

	memset(stats, 0, sizeof(*stats));
	if (rc < 0)
		return rc;
	rc = ct_talk(sk, ct_request(IPCTNL_MSG_CT_GET_STATS, 0, AF_UNSPEC), global_stats_message, stats);
	nl_socket_free(sk);
	return rc;
}

struct stats_walk {
	ct_stats_fn fn;
	void *arg;
};

static int cpu_stats_message(const struct nlmsghdr *h, void *arg)
{
	struct stats_walk *walk = arg;
	struct ct_cpu_stats stats;
	int rc = ct_parse_cpu_stats(h, h->nlmsg_len, &stats);

	if (rc == -ENOMSG)
		return 0;
	return rc < 0 ? rc : walk->fn(&stats, walk->arg);
}

int ct_cpu_stats(ct_stats_fn fn, void *arg)
{
	struct stats_walk walk = { fn, arg };
	struct nl_sock *sk;
	int rc = ct_socket_open(&sk);

	if (rc < 0)
		return rc;
	rc = ct_talk(sk, ct_request(IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, AF_UNSPEC), cpu_stats_message, &walk);
	nl_socket_free(sk);
	return rc;
}

/* --- events ---------------------------------------------------------- */

#define CT_EVENT_RCVBUF (8 * 1024 * 1024)

struct ct_events {
	struct nl_sock *sk;
	struct ct_entry entry;
};

int ct_events_open(unsigned groups, struct ct_events **out)
{
	struct ct_events *ev = calloc(1, sizeof(*ev));
	int size = CT_EVENT_RCVBUF, rc;

	if (!ev)
		return -ENOMEM;
	rc = ct_socket_open(&ev->sk);
	if (rc < 0) {
		free(ev);
		return rc;
	}
	if ((groups & (1u << CT_EVENT_NEW)) && (rc = nl_socket_add_memberships(ev->sk, NFNLGRP_CONNTRACK_NEW, 0)) < 0)
		goto fail;
	if ((groups & (1u << CT_EVENT_UPDATE)) &&
	    (rc = nl_socket_add_memberships(ev->sk, NFNLGRP_CONNTRACK_UPDATE, 0)) < 0)
		goto fail;
	if ((groups & (1u << CT_EVENT_DESTROY)) &&
	    (rc = nl_socket_add_memberships(ev->sk, NFNLGRP_CONNTRACK_DESTROY, 0)) < 0)
		goto fail;
	/* Past rmem_max only with CAP_NET_ADMIN; the plain size is the fallback. */
	if (setsockopt(nl_socket_get_fd(ev->sk), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(nl_socket_get_fd(ev->sk), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	nl_socket_set_nonblocking(ev->sk);
	*out = ev;
	return 0;
fail:
	nl_socket_free(ev->sk);
	free(ev);
	return nlreply_errno(rc);
}

int ct_events_fd(const struct ct_events *ev)
{
	return nl_socket_get_fd(ev->sk);
}

int ct_events_read(struct ct_events *ev, ct_entry_fn fn, void *arg)
{
	for (;;) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		const struct nlmsghdr *h;
		int n, rc = 0;

		errno = 0;
		n = nl_recv(ev->sk, &peer, &buf, NULL);
		if (n <= 0) {
			int err = n == 0 ? 0 : nlreply_errno(n);

			free(buf);
			return err == -EAGAIN ? 0 : err;
		}
		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n) && rc == 0; h = NLMSG_NEXT(h, n)) {
			rc = ct_parse_msg(h, h->nlmsg_len, &ev->entry);
			rc = rc == 0 ? fn(&ev->entry, arg) : rc == -ENOMSG || rc == -EINVAL ? 0 : rc;
		}
		free(buf);
		if (rc < 0)
			return rc;
	}
}

void ct_events_close(struct ct_events *ev)
{
	if (!ev)
		return;
	nl_socket_free(ev->sk);
	free(ev);
}
