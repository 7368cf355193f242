/* One nfnetlink link to nf_tables: libnl opens the socket and builds the
 * requests; the replies are received into one reused buffer, and each
 * message is parsed here, handed to the link's callbacks and freed (or kept
 * raw for the thread that will parse it). */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nft_impl.h"
#include "sonde/nlreply.h"

int nft_link_open(struct nft_link *l)
{
	int rc;

	if (!(l->buf = malloc(NFT_RECV_BUF_SIZE)))
		return -ENOMEM;
	if (!(l->sk = nl_socket_alloc()))
		return -ENOMEM;
	rc = nfnl_connect(l->sk);
	if (rc < 0) {
		nl_socket_free(l->sk);
		l->sk = NULL;
		return nlreply_errno(rc);
	}
	nl_socket_disable_auto_ack(l->sk);
	nl_socket_disable_msg_peek(l->sk);
	nl_socket_set_msg_buf_size(l->sk, NFT_RECV_BUF_SIZE);
	nl_socket_set_buffer_size(l->sk, NFT_SOCKET_BUF_SIZE, 0);
	return 0;
}

/* Everything nft_link_open and the dumps left on l. */
void nft_link_close(struct nft_link *l)
{
	if (l->sk)
		nl_socket_free(l->sk);
	l->sk = NULL;
	free(l->buf);
	l->buf = NULL;
	nft_link_forget_chains(l);
	free(l->chains);
	l->chains = NULL;
	l->chain_cap = 0;
	nft_link_forget_sets(l);
	free(l->sets);
	l->sets = NULL;
}

/* --- one message ---------------------------------------------------------- */

static bool wanted(const char *only, const char *name)
{
	return !only || strcmp(only, name) == 0;
}

static bool table_wanted(const struct nft_link *l, int family, const char *table)
{
	return !l->ops->want_table || l->ops->want_table(family, table, l->arg);
}

static int on_table(struct nft_link *l, int family, const void *attrs, size_t len)
{
	struct nft_table t;

	int rc;

	if (nft_parse_table(attrs, len, family, &t) < 0) {
		free(t.comment);
		return -EINVAL;
	}
	rc = 0;
	if (table_wanted(l, t.family, t.name)) {
		l->tables_wanted++;
		rc = l->ops->table ? l->ops->table(&t, l->arg) : 0;
	}
	free(t.comment);
	return rc;
}

static int remember_chain(struct nft_link *l, const struct nft_chain *c)
{
	struct chain_ref *ref;

	if (l->chain_count == l->chain_cap) {
		size_t cap = l->chain_cap ? l->chain_cap * 2 : 64;
		struct chain_ref *grown = realloc(l->chains, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		l->chains = grown;
		l->chain_cap = cap;
	}
	ref = &l->chains[l->chain_count];
	memset(ref, 0, sizeof(*ref));
	ref->family = c->family;
	ref->table = strdup(c->table);
	ref->chain = strdup(c->name);
	if (!ref->table || !ref->chain) {
		free(ref->table);
		free(ref->chain);
		return -ENOMEM;
	}
	l->chain_count++;
	return 0;
}

void nft_link_forget_chains(struct nft_link *l)
{
	size_t i;

	for (i = 0; i < l->chain_count; i++) {
		free(l->chains[i].table);
		free(l->chains[i].chain);
		free(l->chains[i].raw);
	}
	l->chain_count = 0;
}


static int on_chain(struct nft_link *l, int family, const void *attrs, size_t len)
{
	struct nft_chain c;
	int rc;

	if (nft_parse_chain(attrs, len, family, &c) < 0) {
		free(c.comment);
		return -EINVAL;
	}
	if (!wanted(l->ops->only_table, c.table) || !wanted(l->ops->only_chain, c.name) ||
	    !table_wanted(l, c.family, c.table)) {
		free(c.comment);
		return 0;
	}
	rc = remember_chain(l, &c);
	if (rc == 0 && l->ops->chain)
		rc = l->ops->chain(&c, l->arg);
	free(c.comment);
	return rc;
}

static int on_rule(struct nft_link *l, int family, const void *attrs, size_t len)
{
	struct nft_rule r;
	int rc;

	if ((rc = nft_parse_rule(attrs, len, family, &r, l->rule_table, l->rule_chain)) < 0)
		return rc;
	rc = l->ops->rule ? l->ops->rule(&r, l->rule_table, l->rule_chain, l->arg) : 0;
	nft_rule_free(&r);
	return rc;
}

static int on_set(struct nft_link *l, int family, const void *attrs, size_t len)
{
	struct nft_set *grown = realloc(l->sets, (l->set_count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	l->sets = grown;
	if (nft_parse_set(attrs, len, family, &grown[l->set_count]) < 0) {
		nft_set_free(&grown[l->set_count]);
		return -EINVAL;
	}
	/* Each set kept costs a request for its elements. */
	if (!wanted(l->ops->only_table, grown[l->set_count].table) ||
	    !table_wanted(l, grown[l->set_count].family, grown[l->set_count].table)) {
		nft_set_free(&grown[l->set_count]);
		return 0;
	}
	l->set_count++;
	return 0;
}

static int on_obj(struct nft_link *l, int family, const void *attrs, size_t len)
{
	struct nft_obj o;
	int rc = 0;

	if (nft_parse_obj(attrs, len, family, &o) < 0)
		return -EINVAL;
	if (l->ops->obj && wanted(l->ops->only_table, o.table) && table_wanted(l, o.family, o.table))
		rc = l->ops->obj(&o, l->arg);
	nft_obj_free(&o);
	return rc;
}

static int on_set_elems(struct nft_link *l, const void *attrs, size_t len)
{
	return l->current_set ? nft_parse_set_elems(attrs, len, l->current_set) : 0;
}

static int on_generation(struct nft_link *l, const void *attrs, size_t len)
{
	struct nlattr_ref tb[NFTA_GEN_MAX + 1];

	if (nlattr_parse(attrs, len, tb, NFTA_GEN_MAX) < 0 || !tb[NFTA_GEN_ID].present)
		return -EINVAL;
	l->generation = nlattr_be32_or0(&tb[NFTA_GEN_ID]);
	return 0;
}

/* A rule fetched by another thread, kept as it came until the dump's
 * thread parses the chains in order. */
static int keep_raw(struct chain_ref *ref, const struct nlmsghdr *h)
{
	size_t need = NLMSG_ALIGN(h->nlmsg_len);

	if (ref->raw_len + need > ref->raw_cap) {
		/* Most chains hold a rule or two: no room ahead for the first. */
		size_t cap = ref->raw_cap ? ref->raw_cap * 2 : need;
		uint8_t *grown;

		while (cap < ref->raw_len + need)
			cap *= 2;
		if (!(grown = realloc(ref->raw, cap)))
			return -ENOMEM;
		ref->raw = grown;
		ref->raw_cap = cap;
	}
	memcpy(ref->raw + ref->raw_len, h, h->nlmsg_len);
	memset(ref->raw + ref->raw_len + h->nlmsg_len, 0, need - h->nlmsg_len);
	ref->raw_len += need;
	return 0;
}

int nft_link_message(struct nft_link *l, const struct nlmsghdr *h)
{
	const struct nfgenmsg *g = NLMSG_DATA(h);
	size_t header = NLMSG_LENGTH(sizeof(*g));
	const void *attrs = (const uint8_t *)g + NLMSG_ALIGN(sizeof(*g));
	size_t len;

	if (h->nlmsg_len < header)
		return -EIO;
	len = h->nlmsg_len - NLMSG_ALIGN(header);
	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		l->interrupted = true;
	if (l->collect && NFNL_MSG_TYPE(h->nlmsg_type) == NFT_MSG_NEWRULE)
		return keep_raw(l->collect, h);
	switch (NFNL_MSG_TYPE(h->nlmsg_type)) {
	case NFT_MSG_NEWTABLE: return on_table(l, g->nfgen_family, attrs, len);
	case NFT_MSG_NEWCHAIN: return on_chain(l, g->nfgen_family, attrs, len);
	case NFT_MSG_NEWRULE: return on_rule(l, g->nfgen_family, attrs, len);
	case NFT_MSG_NEWSET: return on_set(l, g->nfgen_family, attrs, len);
	case NFT_MSG_NEWSETELEM: return on_set_elems(l, attrs, len);
	case NFT_MSG_NEWOBJ: return on_obj(l, g->nfgen_family, attrs, len);
	case NFT_MSG_NEWGEN: return on_generation(l, attrs, len);
	default: return 0;
	}
}

/* 1 when the reply is complete, 0 to go on, -errno to stop. */
static int reply_message(struct nft_link *l, const struct nlmsghdr *h, uint32_t seq)
{
	int kind = nlreply_classify(h, seq);

	/* EINTR: the ruleset changed during the dump; the caller starts over. */
	if (kind == -EINTR) {
		l->interrupted = true;
		return 1;
	}
	if (kind < 0)
		return kind;
	if (kind == NLREPLY_OTHER)
		return 0;
	if (kind == NLREPLY_END)
		return 1;
	if (NFNL_SUBSYS_ID(h->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return -EIO;
	int rc = nft_link_message(l, h);

	if (rc < 0)
		return rc;
	return (h->nlmsg_flags & NLM_F_MULTI) ? 0 : 1;
}

/* Receives into one reused buffer: a dump of 100,000 rules is thousands of
 * datagrams, and a fresh large allocation for each costs more than the
 * parsing. */
static int link_receive(struct nft_link *l, uint32_t seq)
{
	int fd = nl_socket_get_fd(l->sk);

	for (;;) {
		const struct nlmsghdr *h;
		ssize_t n = recv(fd, l->buf, NFT_RECV_BUF_SIZE, 0);
		int rc = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* The kernel dropped messages for want of room: start over. */
			if (errno == ENOBUFS) {
				l->interrupted = true;
				return 0;
			}
			return -errno;
		}
		if (n == 0)
			return -EIO;
		for (h = (const struct nlmsghdr *)(void *)l->buf; NLMSG_OK(h, (unsigned)n) && rc == 0; h = NLMSG_NEXT(h, n))
			rc = reply_message(l, h, seq);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

static int link_talk(struct nft_link *l, struct nl_msg *msg)
{
	uint32_t seq;
	int rc;

	rc = nl_send_auto(l->sk, msg);
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (rc < 0)
		return nlreply_errno(rc);
	return link_receive(l, seq);
}

int nft_link_request(struct nft_link *l, uint8_t type, int flags, int family)
{
	struct nl_msg *msg = nfnlmsg_alloc_simple(NFNL_SUBSYS_NFTABLES, type, flags | NLM_F_REQUEST, (uint8_t)family, 0);

	return msg ? link_talk(l, msg) : -ENOMEM;
}

int nft_link_chain_rules(struct nft_link *l, const struct chain_ref *ref)
{
	struct nl_msg *msg = nfnlmsg_alloc_simple(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETRULE, NLM_F_DUMP | NLM_F_REQUEST,
						  (uint8_t)ref->family, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, NFTA_RULE_TABLE, ref->table) < 0 || nla_put_string(msg, NFTA_RULE_CHAIN, ref->chain) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return link_talk(l, msg);
}

void nft_link_forget_sets(struct nft_link *l)
{
	size_t i;

	for (i = 0; i < l->set_count; i++)
		nft_set_free(&l->sets[i]);
	l->set_count = 0;
	l->current_set = NULL;
}

int nft_link_set_elems(struct nft_link *l, struct nft_set *set)
{
	struct nl_msg *msg = nfnlmsg_alloc_simple(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETSETELEM, NLM_F_DUMP | NLM_F_REQUEST,
						  (uint8_t)set->family, 0);
	int rc;

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, NFTA_SET_ELEM_LIST_TABLE, set->table) < 0 ||
	    nla_put_string(msg, NFTA_SET_ELEM_LIST_SET, set->name) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	l->current_set = set;
	rc = link_talk(l, msg);
	l->current_set = NULL;
	return rc;
}

int nft_link_set(struct nft_link *l, int family, const char *table, const char *name)
{
	struct nl_msg *msg = nfnlmsg_alloc_simple(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETSET, NLM_F_REQUEST, (uint8_t)family, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, NFTA_SET_TABLE, table) < 0 || nla_put_string(msg, NFTA_SET_NAME, name) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nft_link_forget_sets(l);
	return link_talk(l, msg);
}
