/* NETLINK_SOCK_DIAG dumps on a libnl socket: sonde builds the requests and
 * parses the attributes itself, and reads replies into one fixed buffer so a
 * dump of 50,000 sockets allocates nothing per socket (see sonde/sockdiag.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/packet_diag.h>
#include <linux/unix_diag.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "sonde/nlattr.h"
#include "sonde/sockdiag.h"

/* The kernel fills up to 32 KiB per dump batch when the reader's buffer is
 * at least that large; twice that leaves room for one oversized message. */
#define SOCKDIAG_RECV_BUF (64 * 1024)
#define SOCKDIAG_SOCKBUF (1024 * 1024)
#define SOCKDIAG_PENDING_MAX 1024

struct sockdiag {
	struct nl_sock *nl;
	uint8_t buf[SOCKDIAG_RECV_BUF];
	uint32_t pending[SOCKDIAG_PENDING_MAX]; /* unix listeners' queue, per callback */
};

int sockdiag_open(struct sockdiag **diag_out)
{
	struct sockdiag *diag = calloc(1, sizeof(*diag));
	int rc;

	*diag_out = NULL;
	if (!diag)
		return -ENOMEM;
	diag->nl = nl_socket_alloc();
	if (!diag->nl) {
		free(diag);
		return -ENOMEM;
	}
	rc = nl_connect(diag->nl, NETLINK_SOCK_DIAG);
	if (rc < 0) {
		nl_socket_free(diag->nl);
		free(diag);
		return rc == -NLE_PERM ? -EPERM : rc == -NLE_PROTO_MISMATCH ? -EPROTONOSUPPORT : -EAFNOSUPPORT;
	}
	/* Large buffers keep the kernel's batches big: fewer wake-ups per dump. */
	nl_socket_set_buffer_size(diag->nl, SOCKDIAG_SOCKBUF, 0);
	*diag_out = diag;
	return 0;
}

void sockdiag_close(struct sockdiag *diag)
{
	if (!diag)
		return;
	nl_socket_free(diag->nl);
	free(diag);
}

/* --- attributes ----------------------------------------------------------- */

static size_t attr_skmem(const struct nlattr_ref *a, uint32_t *skmem)
{
	size_t count;

	if (!a->present)
		return 0;
	count = a->len / sizeof(uint32_t);
	if (count > SOCKDIAG_SKMEM_MAX)
		count = SOCKDIAG_SKMEM_MAX;
	memcpy(skmem, a->data, count * sizeof(uint32_t));
	return count;
}

static uint64_t cookie_from(const uint32_t cookie[2])
{
	return ((uint64_t)cookie[1] << 32) | cookie[0];
}

/* --- parsers --------------------------------------------------------------- */

static void inet_addr_set(struct sonde_addr *addr, int family, const uint32_t *bytes, uint16_t port_be)
{
	memset(addr, 0, sizeof(*addr));
	if (family == AF_INET) {
		addr->u.in4.sin_family = AF_INET;
		memcpy(&addr->u.in4.sin_addr, bytes, 4);
		addr->u.in4.sin_port = port_be;
		addr->len = sizeof(addr->u.in4);
	} else {
		addr->u.in6.sin6_family = AF_INET6;
		memcpy(&addr->u.in6.sin6_addr, bytes, 16);
		addr->u.in6.sin6_port = port_be;
		addr->len = sizeof(addr->u.in6);
	}
}

static void inet_parse_attrs(const struct nlattr_ref *tb, struct sockdiag_inet *sock)
{
	uint8_t u8;

	if (nlattr_u8(&tb[INET_DIAG_SKV6ONLY], &u8))
		sock->v6only = u8;
	if (nlattr_u8(&tb[INET_DIAG_SHUTDOWN], &u8))
		sock->shutdown = u8;
	if (nlattr_u8(&tb[INET_DIAG_PROTOCOL], &u8) && sock->protocol == IPPROTO_RAW)
		sock->raw_protocol = u8;
	sock->has_cgroup_id = nlattr_u64(&tb[INET_DIAG_CGROUP_ID], &sock->cgroup_id);
	sock->has_mark = nlattr_u32(&tb[INET_DIAG_MARK], &sock->mark);
	sock->skmem_count = attr_skmem(&tb[INET_DIAG_SKMEMINFO], sock->skmem);
	if (tb[INET_DIAG_INFO].present && sock->protocol == IPPROTO_TCP) {
		nlattr_copy(&tb[INET_DIAG_INFO], &sock->tcp_info, sizeof(sock->tcp_info));
		sock->has_tcp_info = true;
	}
	if (tb[INET_DIAG_CONG].present) {
		size_t n = tb[INET_DIAG_CONG].len;

		if (n >= sizeof(sock->congestion))
			n = sizeof(sock->congestion) - 1;
		memcpy(sock->congestion, tb[INET_DIAG_CONG].data, n);
		sock->congestion[n] = '\0';
		sock->congestion[strnlen(sock->congestion, n)] = '\0';
	}
	if (tb[INET_DIAG_BBRINFO].present) {
		nlattr_copy(&tb[INET_DIAG_BBRINFO], &sock->bbr, sizeof(sock->bbr));
		sock->has_bbr = true;
	}
}

int sockdiag_parse_inet(const void *payload, size_t len, int protocol, struct sockdiag_inet *sock)
{
	struct nlattr_ref tb[INET_DIAG_MAX + 1];
	struct inet_diag_msg msg;

	if (len < sizeof(msg))
		return -EINVAL;
	memcpy(&msg, payload, sizeof(msg));
	if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6)
		return -EINVAL;
	memset(sock, 0, offsetof(struct sockdiag_inet, tcp_info));
	sock->has_tcp_info = false;
	sock->congestion[0] = '\0';
	sock->has_bbr = false;
	sock->family = msg.idiag_family;
	sock->protocol = protocol;
	sock->state = msg.idiag_state;
	sock->timer = msg.idiag_timer;
	sock->retrans = msg.idiag_retrans;
	sock->expires_ms = msg.idiag_expires;
	sock->rqueue = msg.idiag_rqueue;
	sock->wqueue = msg.idiag_wqueue;
	sock->uid = msg.idiag_uid;
	sock->inode = msg.idiag_inode;
	sock->cookie = cookie_from(msg.id.idiag_cookie);
	sock->ifindex = msg.id.idiag_if;
	sock->v6only = -1;
	sock->shutdown = -1;
	inet_addr_set(&sock->local, sock->family, msg.id.idiag_src, msg.id.idiag_sport);
	inet_addr_set(&sock->remote, sock->family, msg.id.idiag_dst, msg.id.idiag_dport);
	nlattr_parse((const uint8_t *)payload + NLMSG_ALIGN(sizeof(msg)),
		    len > NLMSG_ALIGN(sizeof(msg)) ? len - NLMSG_ALIGN(sizeof(msg)) : 0, tb, INET_DIAG_MAX);
	inet_parse_attrs(tb, sock);
	if (protocol == IPPROTO_RAW && !sock->raw_protocol)
		sock->raw_protocol = ntohs(msg.id.idiag_sport);
	return 0;
}

/* Abstract names start with a NUL; ss shows every NUL as '@'. */
static void unix_name_copy(const struct nlattr_ref *name, struct sockdiag_unix *sock)
{
	size_t n = name->len, i;

	if (n > SOCKDIAG_UNIX_PATH_MAX)
		n = SOCKDIAG_UNIX_PATH_MAX;
	memcpy(sock->name, name->data, n);
	sock->name[n] = '\0';
	if (n > 0 && sock->name[0] == '\0')
		for (i = 0; i < n; i++)
			if (sock->name[i] == '\0')
				sock->name[i] = '@';
	sock->has_name = true;
}

int sockdiag_parse_unix(const void *payload, size_t len, struct sockdiag_unix *sock,
			uint32_t *pending_buf, size_t pending_max)
{
	struct nlattr_ref tb[UNIX_DIAG_MAX + 1];
	struct unix_diag_msg msg;
	uint8_t u8;

	if (len < sizeof(msg))
		return -EINVAL;
	memcpy(&msg, payload, sizeof(msg));
	if (msg.udiag_family != AF_UNIX)
		return -EINVAL;
	memset(sock, 0, sizeof(*sock));
	sock->type = msg.udiag_type;
	sock->state = msg.udiag_state;
	sock->inode = msg.udiag_ino;
	sock->shutdown = -1;
	nlattr_parse((const uint8_t *)payload + NLMSG_ALIGN(sizeof(msg)),
		    len > NLMSG_ALIGN(sizeof(msg)) ? len - NLMSG_ALIGN(sizeof(msg)) : 0, tb, UNIX_DIAG_MAX);
	if (tb[UNIX_DIAG_NAME].present)
		unix_name_copy(&tb[UNIX_DIAG_NAME], sock);
	nlattr_u32(&tb[UNIX_DIAG_PEER], &sock->peer_inode);
	if (tb[UNIX_DIAG_RQLEN].present && tb[UNIX_DIAG_RQLEN].len >= sizeof(struct unix_diag_rqlen)) {
		struct unix_diag_rqlen rq;

		memcpy(&rq, tb[UNIX_DIAG_RQLEN].data, sizeof(rq));
		sock->rqueue = rq.udiag_rqueue;
		sock->wqueue = rq.udiag_wqueue;
		sock->has_rqlen = true;
	}
	if (tb[UNIX_DIAG_VFS].present && tb[UNIX_DIAG_VFS].len >= sizeof(struct unix_diag_vfs)) {
		struct unix_diag_vfs vfs;

		memcpy(&vfs, tb[UNIX_DIAG_VFS].data, sizeof(vfs));
		sock->vfs_inode = vfs.udiag_vfs_ino;
		sock->vfs_dev = vfs.udiag_vfs_dev;
		sock->has_vfs = true;
	}
	if (tb[UNIX_DIAG_ICONS].present) {
		size_t n = tb[UNIX_DIAG_ICONS].len / sizeof(uint32_t);

		sock->has_pending = true;
		sock->pending_count = n;
		if (n > pending_max)
			n = pending_max;
		if (pending_buf && n)
			memcpy(pending_buf, tb[UNIX_DIAG_ICONS].data, n * sizeof(uint32_t));
		sock->pending_peers = pending_buf;
		if (!pending_buf)
			sock->pending_count = 0;
		else if (sock->pending_count > pending_max)
			sock->pending_count = pending_max;
	}
	sock->has_uid = nlattr_u32(&tb[UNIX_DIAG_UID], &sock->uid);
	if (nlattr_u8(&tb[UNIX_DIAG_SHUTDOWN], &u8))
		sock->shutdown = u8;
	sock->skmem_count = attr_skmem(&tb[UNIX_DIAG_MEMINFO], sock->skmem);
	return 0;
}

int sockdiag_parse_packet(const void *payload, size_t len, struct sockdiag_packet *sock)
{
	struct nlattr_ref tb[PACKET_DIAG_MAX + 1];
	struct packet_diag_msg msg;

	if (len < sizeof(msg))
		return -EINVAL;
	memcpy(&msg, payload, sizeof(msg));
	if (msg.pdiag_family != AF_PACKET)
		return -EINVAL;
	memset(sock, 0, sizeof(*sock));
	sock->type = msg.pdiag_type;
	sock->protocol = msg.pdiag_num;
	sock->inode = msg.pdiag_ino;
	sock->cookie = cookie_from(msg.pdiag_cookie);
	nlattr_parse((const uint8_t *)payload + NLMSG_ALIGN(sizeof(msg)),
		    len > NLMSG_ALIGN(sizeof(msg)) ? len - NLMSG_ALIGN(sizeof(msg)) : 0, tb, PACKET_DIAG_MAX);
	if (tb[PACKET_DIAG_INFO].present && tb[PACKET_DIAG_INFO].len >= sizeof(struct packet_diag_info)) {
		struct packet_diag_info info;

		memcpy(&info, tb[PACKET_DIAG_INFO].data, sizeof(info));
		sock->ifindex = info.pdi_index;
		sock->version = info.pdi_version;
		sock->has_info = true;
	}
	sock->has_uid = nlattr_u32(&tb[PACKET_DIAG_UID], &sock->uid);
	sock->skmem_count = attr_skmem(&tb[PACKET_DIAG_MEMINFO], sock->skmem);
	return 0;
}

/* --- dumps ------------------------------------------------------------------ */

/* What one reply message turns into, per family. */
struct dump_ctx {
	struct sockdiag *diag;
	int protocol;
	int (*handle)(struct dump_ctx *ctx, const void *payload, size_t len);
	void *fn;
	void *arg;
};

static int send_request(struct sockdiag *diag, uint8_t *msg, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	int rc;

	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = nl_socket_use_seq(diag->nl);
	nlh->nlmsg_pid = 0;
	rc = nl_sendto(diag->nl, msg, len);
	if (rc < 0)
		return rc == -NLE_PERM ? -EPERM : -EIO;
	return (int)nlh->nlmsg_seq;
}

/* Reads replies until NLMSG_DONE.  A callback's error stops the handling,
 * but the rest of the dump is still drained so the socket stays usable. */
static int recv_dump(struct dump_ctx *ctx, uint32_t seq)
{
	int fd = nl_socket_get_fd(ctx->diag->nl), result = 0;

	for (;;) {
		ssize_t n = recv(fd, ctx->diag->buf, sizeof(ctx->diag->buf), 0);
		size_t left;
		const uint8_t *p = ctx->diag->buf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		for (left = (size_t)n; left >= sizeof(struct nlmsghdr);) {
			const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
			size_t msg_len = nlh->nlmsg_len, step = NLMSG_ALIGN(msg_len);

			if (msg_len < sizeof(*nlh) || msg_len > left)
				return -EIO;
			if (nlh->nlmsg_seq != seq)
				goto next;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int status = 0;

				/* A dump the kernel cannot do (no diag module for the
				 * protocol) ends with DONE carrying -ENOENT. */
				if (msg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&status, NLMSG_DATA(nlh), sizeof(status));
				return status < 0 ? status : result;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(nlh);

				if (msg_len < NLMSG_LENGTH(sizeof(*err)))
					return -EIO;
				return err->error ? err->error : result;
			}
			if (result == 0)
				result = ctx->handle(ctx, NLMSG_DATA(nlh), msg_len - NLMSG_HDRLEN);
next:
			if (step >= left)
				break;
			p += step;
			left -= step;
		}
	}
}

static int handle_inet(struct dump_ctx *ctx, const void *payload, size_t len)
{
	struct sockdiag_inet sock;

	if (sockdiag_parse_inet(payload, len, ctx->protocol, &sock) < 0)
		return 0;
	return ((sockdiag_inet_fn)ctx->fn)(&sock, ctx->arg);
}

int sockdiag_dump_inet(struct sockdiag *diag, const struct sockdiag_inet_query *query,
		       sockdiag_inet_fn fn, void *arg)
{
	uint8_t msg[NLMSG_HDRLEN + sizeof(struct inet_diag_req_v2) + NLA_HDRLEN + SOCKDIAG_BYTECODE_MAX];
	struct inet_diag_req_v2 *req = (struct inet_diag_req_v2 *)(msg + NLMSG_HDRLEN);
	struct dump_ctx ctx = { diag, query->protocol, handle_inet, (void *)fn, arg };
	size_t len = NLMSG_HDRLEN + sizeof(*req);
	int seq;

	if (query->bytecode_len > SOCKDIAG_BYTECODE_MAX)
		return -E2BIG;
	memset(msg, 0, len);
	req->sdiag_family = (uint8_t)query->family;
	req->sdiag_protocol = (uint8_t)query->protocol;
	req->idiag_states = query->states;
	if (query->extensions & SOCKDIAG_EXT_MEMINFO)
		req->idiag_ext |= 1 << (INET_DIAG_MEMINFO - 1) | 1 << (INET_DIAG_SKMEMINFO - 1);
	if (query->extensions & SOCKDIAG_EXT_INFO)
		req->idiag_ext |= 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_VEGASINFO - 1) |
				  1 << (INET_DIAG_CONG - 1);
	if (query->bytecode && query->bytecode_len) {
		struct nlattr *nla = (struct nlattr *)(msg + len);

		nla->nla_type = INET_DIAG_REQ_BYTECODE;
		nla->nla_len = (uint16_t)(NLA_HDRLEN + query->bytecode_len);
		memcpy(msg + len + NLA_HDRLEN, query->bytecode, query->bytecode_len);
		len += NLA_ALIGN(nla->nla_len);
	}
	seq = send_request(diag, msg, len);
	if (seq < 0)
		return seq;
	return recv_dump(&ctx, (uint32_t)seq);
}

static int handle_unix(struct dump_ctx *ctx, const void *payload, size_t len)
{
	struct sockdiag_unix sock;

	if (sockdiag_parse_unix(payload, len, &sock, ctx->diag->pending, SOCKDIAG_PENDING_MAX) < 0)
		return 0;
	return ((sockdiag_unix_fn)ctx->fn)(&sock, ctx->arg);
}

int sockdiag_dump_unix(struct sockdiag *diag, uint32_t states, unsigned extensions,
		       sockdiag_unix_fn fn, void *arg)
{
	uint8_t msg[NLMSG_HDRLEN + sizeof(struct unix_diag_req)];
	struct unix_diag_req *req = (struct unix_diag_req *)(msg + NLMSG_HDRLEN);
	struct dump_ctx ctx = { diag, 0, handle_unix, (void *)fn, arg };
	int seq;

	memset(msg, 0, sizeof(msg));
	req->sdiag_family = AF_UNIX;
	req->udiag_states = states;
	req->udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN;
	if (extensions & SOCKDIAG_EXT_MEMINFO)
		req->udiag_show |= UDIAG_SHOW_MEMINFO;
	if (extensions & SOCKDIAG_EXT_DETAILS)
		req->udiag_show |= UDIAG_SHOW_VFS | UDIAG_SHOW_ICONS | UDIAG_SHOW_UID;
	seq = send_request(diag, msg, sizeof(msg));
	if (seq < 0)
		return seq;
	return recv_dump(&ctx, (uint32_t)seq);
}

static int handle_packet(struct dump_ctx *ctx, const void *payload, size_t len)
{
	struct sockdiag_packet sock;

	if (sockdiag_parse_packet(payload, len, &sock) < 0)
		return 0;
	return ((sockdiag_packet_fn)ctx->fn)(&sock, ctx->arg);
}

int sockdiag_dump_packet(struct sockdiag *diag, unsigned extensions, sockdiag_packet_fn fn, void *arg)
{
	uint8_t msg[NLMSG_HDRLEN + sizeof(struct packet_diag_req)];
	struct packet_diag_req *req = (struct packet_diag_req *)(msg + NLMSG_HDRLEN);
	struct dump_ctx ctx = { diag, 0, handle_packet, (void *)fn, arg };
	int seq;

	memset(msg, 0, sizeof(msg));
	req->sdiag_family = AF_PACKET;
	req->pdiag_show = PACKET_SHOW_INFO | PACKET_SHOW_MEMINFO;
	(void)extensions;
	seq = send_request(diag, msg, sizeof(msg));
	if (seq < 0)
		return seq;
	return recv_dump(&ctx, (uint32_t)seq);
}

/* --- /proc/net/raw, for kernels built without raw_diag ------------------- */

/* "0100007F" or the 32 hex digits of an IPv6 address, as the kernel prints
 * them (each 32-bit word in host order). */
static bool proc_hex_addr(const char *hex, size_t words, uint32_t *out)
{
	size_t i;

	for (i = 0; i < words; i++) {
		char word[9];
		char *end;

		memcpy(word, hex + 8 * i, 8);
		word[8] = '\0';
		out[i] = (uint32_t)strtoul(word, &end, 16);
		if (*end)
			return false;
	}
	return true;
}

/* One line of /proc/net/raw{,6}: "sl local:port remote:port st tx:rx tr:when
 * retr uid timeout inode ...". */
int sockdiag_parse_proc_raw(const char *line, int family, struct sockdiag_inet *sock)
{
	char local[40], remote[40];
	unsigned lport, rport, state, uid, timer, retrans;
	unsigned long txq, rxq, when, inode;
	uint32_t laddr[4], raddr[4];
	size_t words = family == AF_INET ? 1 : 4;

	if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%X %39[0-9A-Fa-f]:%X %X %lX:%lX %X:%lX %X %u %*d %lu", local,
		   &lport, remote, &rport, &state, &txq, &rxq, &timer, &when, &retrans, &uid, &inode) != 12)
		return -EINVAL;
	if (strlen(local) != 8 * words || strlen(remote) != 8 * words || !proc_hex_addr(local, words, laddr) ||
	    !proc_hex_addr(remote, words, raddr) || lport > 0xffff || rport > 0xffff)
		return -EINVAL;
	memset(sock, 0, offsetof(struct sockdiag_inet, tcp_info));
	sock->has_tcp_info = false;
	sock->congestion[0] = '\0';
	sock->has_bbr = false;
	sock->family = family;
	sock->protocol = IPPROTO_RAW;
	sock->state = (uint8_t)state;
	sock->rqueue = (uint32_t)rxq;
	sock->wqueue = (uint32_t)txq;
	sock->uid = uid;
	sock->inode = (uint32_t)inode;
	sock->raw_protocol = (int)lport;
	sock->v6only = -1;
	sock->shutdown = -1;
	inet_addr_set(&sock->local, family, laddr, htons((uint16_t)lport));
	inet_addr_set(&sock->remote, family, raddr, htons((uint16_t)rport));
	return 0;
}

int sockdiag_proc_raw(int family, uint32_t states, sockdiag_inet_fn fn, void *arg)
{
	FILE *fp = fopen(family == AF_INET ? "/proc/net/raw" : "/proc/net/raw6", "re");
	char line[512];
	int rc = 0;

	if (!fp)
		return -errno;
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		return 0;
	}
	while (rc >= 0 && fgets(line, sizeof(line), fp)) {
		struct sockdiag_inet sock;

		if (sockdiag_parse_proc_raw(line, family, &sock) < 0)
			continue;
		if (states & SOCKDIAG_STATE_BIT(sock.state))
			rc = fn(&sock, arg);
	}
	fclose(fp);
	return rc < 0 ? rc : 0;
}

/* --- names ------------------------------------------------------------------ */

static const char *const state_names[SOCKDIAG_STATE_MAX] = {
	[SOCKDIAG_ESTABLISHED] = "ESTABLISHED", [SOCKDIAG_SYN_SENT] = "SYN_SENT",
	[SOCKDIAG_SYN_RECV] = "SYN_RECV",       [SOCKDIAG_FIN_WAIT1] = "FIN_WAIT1",
	[SOCKDIAG_FIN_WAIT2] = "FIN_WAIT2",     [SOCKDIAG_TIME_WAIT] = "TIME_WAIT",
	[SOCKDIAG_CLOSE] = "CLOSE",             [SOCKDIAG_CLOSE_WAIT] = "CLOSE_WAIT",
	[SOCKDIAG_LAST_ACK] = "LAST_ACK",       [SOCKDIAG_LISTEN] = "LISTEN",
	[SOCKDIAG_CLOSING] = "CLOSING",
};

static const char *const state_names_short[SOCKDIAG_STATE_MAX] = {
	"UNKNOWN",
	[SOCKDIAG_ESTABLISHED] = "ESTAB",      [SOCKDIAG_SYN_SENT] = "SYN-SENT",
	[SOCKDIAG_SYN_RECV] = "SYN-RECV",      [SOCKDIAG_FIN_WAIT1] = "FIN-WAIT-1",
	[SOCKDIAG_FIN_WAIT2] = "FIN-WAIT-2",   [SOCKDIAG_TIME_WAIT] = "TIME-WAIT",
	[SOCKDIAG_CLOSE] = "UNCONN",           [SOCKDIAG_CLOSE_WAIT] = "CLOSE-WAIT",
	[SOCKDIAG_LAST_ACK] = "LAST-ACK",      [SOCKDIAG_LISTEN] = "LISTEN",
	[SOCKDIAG_CLOSING] = "CLOSING",
};

const char *sockdiag_state_name(unsigned state)
{
	return state < SOCKDIAG_STATE_MAX && state_names[state] ? state_names[state] : "UNKNOWN";
}

const char *sockdiag_state_name_short(unsigned state)
{
	return state < SOCKDIAG_STATE_MAX ? state_names_short[state] : "UNKNOWN";
}

#define B(s) SOCKDIAG_STATE_BIT(SOCKDIAG_##s)

uint32_t sockdiag_state_mask_from_name(const char *name)
{
	static const struct {
		const char *name;
		uint32_t mask;
	} words[] = {
		{ "established", B(ESTABLISHED) }, { "syn-sent", B(SYN_SENT) },
		{ "syn-recv", B(SYN_RECV) },       { "syn-rcv", B(SYN_RECV) },
		{ "fin-wait-1", B(FIN_WAIT1) },    { "fin-wait-2", B(FIN_WAIT2) },
		{ "time-wait", B(TIME_WAIT) },     { "closed", B(CLOSE) },
		{ "close", B(CLOSE) },             { "unconnected", B(CLOSE) },
		{ "close-wait", B(CLOSE_WAIT) },   { "last-ack", B(LAST_ACK) },
		{ "listening", B(LISTEN) },        { "closing", B(CLOSING) },
		{ "all", SOCKDIAG_ALL_STATES },
		{ "connected", SOCKDIAG_ALL_STATES & ~(B(CLOSE) | B(LISTEN)) },
		{ "synchronized", SOCKDIAG_ALL_STATES & ~(B(CLOSE) | B(LISTEN) | B(SYN_SENT)) },
		{ "bucket", B(SYN_RECV) | B(TIME_WAIT) },
		{ "big", SOCKDIAG_ALL_STATES & ~(B(SYN_RECV) | B(TIME_WAIT)) },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(name, words[i].name) == 0)
			return words[i].mask;
	return 0;
}
