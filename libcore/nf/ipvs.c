/* IPVS over generic netlink: libnl-genl resolves the family and carries
 * the messages; the attributes are parsed here (ipvs_parse_msg, a function
 * of (buffer, length), fuzzed). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/ipvs.h"
#include "sonde/nlattr.h"
#include "sonde/nlreply.h"

#define IPVS_RECV_BUF_SIZE (64 * 1024)
#define IPVS_MAX_REPLAY_BYTES (64u << 20)

/* IPVS puts integers in host order (nlattr_u*), unlike nf_tables. */

static void parse_stats(const struct nlattr_ref *a, bool wide, struct ipvs_stats *s)
{
	struct nlattr_ref tb[IPVS_STATS_ATTR_MAX + 1];
	uint64_t *fields[] = { NULL, &s->conns, &s->inpkts, &s->outpkts, &s->inbytes, &s->outbytes,
			       &s->cps, &s->inpps, &s->outpps, &s->inbps, &s->outbps };
	unsigned i;

	if (!a->present || nlattr_parse(a->data, a->len, tb, IPVS_STATS_ATTR_MAX) < 0)
		return;
	for (i = 1; i <= 10 && i <= IPVS_STATS_ATTR_MAX; i++) {
		/* 32-bit STATS hold the byte counters as 64-bit too. */
		bool is64 = wide || i == IPVS_STATS_ATTR_INBYTES || i == IPVS_STATS_ATTR_OUTBYTES;

		*fields[i] = is64 ? nlattr_u64_or0(&tb[i]) : nlattr_u32_or0(&tb[i]);
	}
}

static void copy_addr(uint8_t dst[16], const struct nlattr_ref *a)
{
	memset(dst, 0, 16);
	if (a->present)
		memcpy(dst, a->data, a->len < 16 ? a->len : 16);
}

static int parse_service(const struct nlattr_ref *nest, struct ipvs_table *t)
{
	struct nlattr_ref tb[IPVS_SVC_ATTR_MAX + 1];
	struct ipvs_service *grown, *s;

	if (nlattr_parse(nest->data, nest->len, tb, IPVS_SVC_ATTR_MAX) < 0 || !tb[IPVS_SVC_ATTR_AF].present)
		return -EINVAL;
	grown = realloc(t->services, (t->service_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	t->services = grown;
	s = &grown[t->service_count++];
	memset(s, 0, sizeof(*s));
	s->family = nlattr_u16_or0(&tb[IPVS_SVC_ATTR_AF]);
	s->protocol = nlattr_u16_or0(&tb[IPVS_SVC_ATTR_PROTOCOL]);
	copy_addr(s->addr, &tb[IPVS_SVC_ATTR_ADDR]);
	s->port = ntohs(nlattr_u16_or0(&tb[IPVS_SVC_ATTR_PORT]));
	s->fwmark = nlattr_u32_or0(&tb[IPVS_SVC_ATTR_FWMARK]);
	nlattr_str(&tb[IPVS_SVC_ATTR_SCHED_NAME], s->sched, sizeof(s->sched));
	nlattr_str(&tb[IPVS_SVC_ATTR_PE_NAME], s->pe_name, sizeof(s->pe_name));
	s->flags = nlattr_u32_or0(&tb[IPVS_SVC_ATTR_FLAGS]);   /* struct ip_vs_flags: flags first */
	s->timeout_s = nlattr_u32_or0(&tb[IPVS_SVC_ATTR_TIMEOUT]);
	s->netmask = nlattr_u32_or0(&tb[IPVS_SVC_ATTR_NETMASK]);
	if (tb[IPVS_SVC_ATTR_STATS64].present)
		parse_stats(&tb[IPVS_SVC_ATTR_STATS64], true, &s->stats);
	else
		parse_stats(&tb[IPVS_SVC_ATTR_STATS], false, &s->stats);
	return 0;
}

static int parse_dest(const struct nlattr_ref *nest, struct ipvs_table *t)
{
	struct nlattr_ref tb[IPVS_DEST_ATTR_MAX + 1];
	struct ipvs_service *s;
	struct ipvs_dest *grown, *d;

	if (t->service_count == 0)
		return -EINVAL;
	if (nlattr_parse(nest->data, nest->len, tb, IPVS_DEST_ATTR_MAX) < 0 || !tb[IPVS_DEST_ATTR_ADDR].present)
		return -EINVAL;
	s = &t->services[t->service_count - 1];
	grown = realloc(s->dests, (s->dest_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	s->dests = grown;
	d = &grown[s->dest_count++];
	memset(d, 0, sizeof(*d));
	d->family = tb[IPVS_DEST_ATTR_ADDR_FAMILY].present ? nlattr_u16_or0(&tb[IPVS_DEST_ATTR_ADDR_FAMILY]) : s->family;
	copy_addr(d->addr, &tb[IPVS_DEST_ATTR_ADDR]);
	d->port = ntohs(nlattr_u16_or0(&tb[IPVS_DEST_ATTR_PORT]));
	d->fwd_method = nlattr_u32_or0(&tb[IPVS_DEST_ATTR_FWD_METHOD]);
	d->weight = (int32_t)nlattr_u32_or0(&tb[IPVS_DEST_ATTR_WEIGHT]);
	d->u_threshold = nlattr_u32_or0(&tb[IPVS_DEST_ATTR_U_THRESH]);
	d->l_threshold = nlattr_u32_or0(&tb[IPVS_DEST_ATTR_L_THRESH]);
	d->active_conns = nlattr_u32_or0(&tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	d->inact_conns = nlattr_u32_or0(&tb[IPVS_DEST_ATTR_INACT_CONNS]);
	d->persist_conns = nlattr_u32_or0(&tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
	if (tb[IPVS_DEST_ATTR_STATS64].present)
		parse_stats(&tb[IPVS_DEST_ATTR_STATS64], true, &d->stats);
	else
		parse_stats(&tb[IPVS_DEST_ATTR_STATS], false, &d->stats);
	return 0;
}

int ipvs_parse_msg(const void *msg, size_t len, struct ipvs_table *t)
{
	const struct nlmsghdr *h = msg;
	struct genlmsghdr g;
	size_t header = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlattr_ref tb[IPVS_CMD_ATTR_MAX + 1];
	struct nlattr_ref info[IPVS_INFO_ATTR_MAX + 1];
	const uint8_t *attrs;

	if (len < header || h->nlmsg_len < header || h->nlmsg_len > len)
		return -EINVAL;
	memcpy(&g, (const uint8_t *)msg + NLMSG_HDRLEN, sizeof(g));
	attrs = (const uint8_t *)msg + header;
	switch (g.cmd) {
	case IPVS_CMD_SET_INFO:
		if (nlattr_parse(attrs, h->nlmsg_len - header, info, IPVS_INFO_ATTR_MAX) < 0)
			return -EINVAL;
		t->version = nlattr_u32_or0(&info[IPVS_INFO_ATTR_VERSION]);
		t->conn_tab_size = nlattr_u32_or0(&info[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
		return 0;
	case IPVS_CMD_NEW_SERVICE:
		if (nlattr_parse(attrs, h->nlmsg_len - header, tb, IPVS_CMD_ATTR_MAX) < 0 ||
		    !tb[IPVS_CMD_ATTR_SERVICE].present)
			return -EINVAL;
		return parse_service(&tb[IPVS_CMD_ATTR_SERVICE], t);
	case IPVS_CMD_NEW_DEST:
		if (nlattr_parse(attrs, h->nlmsg_len - header, tb, IPVS_CMD_ATTR_MAX) < 0 ||
		    !tb[IPVS_CMD_ATTR_DEST].present)
			return -EINVAL;
		return parse_dest(&tb[IPVS_CMD_ATTR_DEST], t);
	default:
		return 0;
	}
}

void ipvs_free(struct ipvs_table *t)
{
	size_t i;

	for (i = 0; i < t->service_count; i++)
		free(t->services[i].dests);
	free(t->services);
	memset(t, 0, sizeof(*t));
}

/* --- the kernel ----------------------------------------------------------- */

struct ipvs_link {
	struct nl_sock *sk;
	int family_id;
	uint8_t *buf;
	struct ipvs_table *table;
};

static int link_receive(struct ipvs_link *l, uint32_t seq)
{
	int fd = nl_socket_get_fd(l->sk);

	for (;;) {
		const struct nlmsghdr *h;
		ssize_t n = recv(fd, l->buf, IPVS_RECV_BUF_SIZE, 0);
		int rc = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (h = (const struct nlmsghdr *)(void *)l->buf; NLMSG_OK(h, (unsigned)n) && rc == 0; h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				rc = 1;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(h);

				rc = h->nlmsg_len < NLMSG_LENGTH(sizeof(*err)) ? -EIO : err->error ? err->error : 1;
			} else {
				rc = ipvs_parse_msg(h, h->nlmsg_len, l->table);
				if (rc == 0 && !(h->nlmsg_flags & NLM_F_MULTI))
					rc = 1;
			}
		}
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

static int link_send(struct ipvs_link *l, struct nl_msg *msg)
{
	uint32_t seq;
	int rc = nl_send_auto(l->sk, msg);

	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (rc < 0)
		return nlreply_errno(rc);
	return link_receive(l, seq);
}

static struct nl_msg *request(struct ipvs_link *l, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, l->family_id, 0, flags, cmd, IPVS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A destination dump names its service by the attributes that identify it. */
static int dump_dests(struct ipvs_link *l, const struct ipvs_service *s)
{
	struct nl_msg *msg = request(l, IPVS_CMD_GET_DEST, NLM_F_DUMP);
	struct nlattr *nest;
	uint16_t port_be = htons(s->port);

	if (!msg)
		return -ENOMEM;
	if (!(nest = nla_nest_start(msg, IPVS_CMD_ATTR_SERVICE)) ||
	    nla_put_u16(msg, IPVS_SVC_ATTR_AF, (uint16_t)s->family) < 0 ||
	    (s->fwmark ? nla_put_u32(msg, IPVS_SVC_ATTR_FWMARK, s->fwmark) < 0
		       : (nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, s->protocol) < 0 ||
			  nla_put(msg, IPVS_SVC_ATTR_ADDR, 16, s->addr) < 0 ||
			  nla_put(msg, IPVS_SVC_ATTR_PORT, 2, &port_be) < 0))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return link_send(l, msg);
}

static int read_kernel(struct ipvs_table *t)
{
	struct ipvs_link l = { .table = t };
	struct ipvs_service *services;
	size_t count, i;
	int rc;

	if (!(l.buf = malloc(IPVS_RECV_BUF_SIZE)) || !(l.sk = nl_socket_alloc())) {
		free(l.buf);
		return -ENOMEM;
	}
	rc = genl_connect(l.sk);
	if (rc == 0) {
		l.family_id = genl_ctrl_resolve(l.sk, "IPVS");
		rc = l.family_id < 0 ? -ENOENT : 0;
	} else {
		rc = -EIO;
	}
	nl_socket_disable_auto_ack(l.sk);
	if (rc == 0) {
		struct nl_msg *msg = request(&l, IPVS_CMD_GET_INFO, 0);

		rc = msg ? link_send(&l, msg) : -ENOMEM;
	}
	if (rc == 0) {
		struct nl_msg *msg = request(&l, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);

		rc = msg ? link_send(&l, msg) : -ENOMEM;
	}
	/* Each service's destinations go to the last service: dump them one
	 * service at a time, with that service moved to the end. */
	services = t->services;
	count = t->service_count;
	t->services = NULL;
	t->service_count = 0;
	for (i = 0; rc == 0 && i < count; i++) {
		struct ipvs_service *grown = realloc(t->services, (t->service_count + 1) * sizeof(*grown));

		if (!grown) {
			rc = -ENOMEM;
			break;
		}
		t->services = grown;
		t->services[t->service_count++] = services[i];
		services[i].dests = NULL;
		rc = dump_dests(&l, &t->services[t->service_count - 1]);
	}
	for (i = 0; i < count; i++)
		free(services[i].dests);
	free(services);
	nl_socket_free(l.sk);
	free(l.buf);
	return rc;
}

static int replay_msg(const void *msg, size_t len, void *arg)
{
	return ipvs_parse_msg(msg, len, arg);
}

static int read_replay(const char *path, struct ipvs_table *t)
{
	return nlreply_replay_file(path, IPVS_MAX_REPLAY_BYTES, replay_msg, t);
}

int ipvs_read(struct ipvs_table *t)
{
	const char *replay = getenv("SONDE_IPVS_REPLAY");
	int rc;

	memset(t, 0, sizeof(*t));
	rc = replay && *replay ? read_replay(replay, t) : read_kernel(t);
	if (rc < 0)
		ipvs_free(t);
	return rc;
}
