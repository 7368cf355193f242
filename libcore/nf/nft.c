/* The nf_tables dump and targeted reads over one link (nft_link.c), with
 * set elements and rules fetched in parallel (nft_fetch.c).  The
 * generation is read around the dumps so that what the callbacks saw is one
 * ruleset, not a mix of two. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <stdlib.h>

#include "nft_impl.h"

/* One chain's rules, fetched raw by a helper: parsed and handed over. */
static int deliver_raw_rules(struct nft_link *l, struct chain_ref *ref)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)(void *)ref->raw;
	size_t left = ref->raw_len;
	int rc = 0;

	for (; ref->raw && NLMSG_OK(h, left) && rc == 0; h = NLMSG_NEXT(h, left))
		rc = nft_link_message(l, h);
	free(ref->raw);
	ref->raw = NULL;
	ref->raw_len = ref->raw_cap = 0;
	return rc;
}

static int dump_rules(struct nft_link *l)
{
	bool fetched;
	size_t i;
	int rc = nft_fetch_rules(l, deliver_raw_rules, &fetched);

	if (fetched)
		return rc;
	for (i = 0; i < l->chain_count && !l->interrupted; i++) {
		rc = nft_link_chain_rules(l, &l->chains[i]);
		/* A chain deleted since the chain dump: the generation moved. */
		if (rc == -ENOENT)
			return NFT_RETRY;
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Every set with its elements, handed over one by one in the kernel's
 * order. */
static int dump_sets(struct nft_link *l, int family)
{
	size_t i;
	int rc;

	nft_link_forget_sets(l);
	if ((rc = nft_link_request(l, NFT_MSG_GETSET, NLM_F_DUMP, family)) < 0)
		return rc;
	if (l->interrupted)
		return NFT_RETRY;
	if ((rc = nft_fetch_sets(l, l->ops->anonymous_elements_only)) != 0)
		return rc;
	for (i = 0; i < l->set_count; i++)
		if (l->ops->set && (rc = l->ops->set(&l->sets[i], l->arg)) < 0)
			return rc;
	return 0;
}

/* --- the dump ------------------------------------------------------------- */

static int dump_once(struct nft_link *l, int family)
{
	uint32_t before;
	int rc;

	l->interrupted = false;
	nft_link_forget_chains(l);
	if ((rc = nft_link_request(l, NFT_MSG_GETGEN, 0, NFPROTO_UNSPEC)) < 0)
		return rc;
	before = l->generation;
	l->tables_wanted = 0;
	if ((rc = nft_link_request(l, NFT_MSG_GETTABLE, NLM_F_DUMP, family)) < 0)
		return rc;
	/* `list tables`, or none of the tables wanted: nothing more to ask. */
	if (l->tables_wanted > 0 || !l->ops->want_table) {
		if ((l->ops->chain || l->ops->rule) && (rc = nft_link_request(l, NFT_MSG_GETCHAIN, NLM_F_DUMP, family)) < 0)
			return rc;
		if (l->ops->want_sets && (rc = dump_sets(l, family)) != 0)
			return rc;
		if (l->ops->obj && (rc = nft_link_request(l, NFT_MSG_GETOBJ, NLM_F_DUMP, family)) < 0)
			return rc;
		if (l->ops->rule && (rc = dump_rules(l)) != 0)
			return rc;
	}
	if (l->interrupted)
		return NFT_RETRY;
	if ((rc = nft_link_request(l, NFT_MSG_GETGEN, 0, NFPROTO_UNSPEC)) < 0)
		return rc;
	return l->generation == before ? 0 : NFT_RETRY;
}

int nft_dump(int family, const struct nft_dump_ops *ops, void *arg)
{
	struct nft_link l = { .ops = ops, .arg = arg };
	int attempt, rc;

	if ((rc = nft_link_open(&l)) < 0) {
		nft_link_close(&l);
		return rc;
	}
	for (attempt = 0; attempt < NFT_DUMP_ATTEMPTS; attempt++) {
		if (attempt > 0 && ops->restart)
			ops->restart(arg);
		rc = dump_once(&l, family);
		if (rc != NFT_RETRY)
			break;
	}
	nft_link_close(&l);
	if (rc == NFT_RETRY)
		return -EAGAIN;
	/* A kernel without nf_tables answers the subsystem as unknown. */
	if (rc == -EOPNOTSUPP || rc == -ENOENT)
		return -EPROTONOSUPPORT;
	return rc;
}

/* --- targeted reads ----------------------------------------------------------- */

struct nft_session {
	struct nft_link link;
	struct nft_dump_ops ops;
	int (*rule_fn)(const struct nft_rule *r, void *arg);
	void *rule_arg;
};

static int session_rule(const struct nft_rule *r, const char *table, const char *chain, void *arg)
{
	struct nft_session *s = arg;

	(void)table;
	(void)chain;
	return s->rule_fn ? s->rule_fn(r, s->rule_arg) : 0;
}

int nft_session_open(struct nft_session **out)
{
	struct nft_session *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->ops.rule = session_rule;
	s->link.ops = &s->ops;
	s->link.arg = s;
	if ((rc = nft_link_open(&s->link)) < 0) {
		nft_link_close(&s->link);
		free(s);
		return rc == -EOPNOTSUPP ? -EPROTONOSUPPORT : rc;
	}
	*out = s;
	return 0;
}

void nft_session_close(struct nft_session *s)
{
	if (!s)
		return;
	nft_link_close(&s->link);
	free(s);
}

int nft_session_generation(struct nft_session *s, uint32_t *generation)
{
	int rc = nft_link_request(&s->link, NFT_MSG_GETGEN, 0, NFPROTO_UNSPEC);

	*generation = s->link.generation;
	return rc;
}

int nft_session_rules(struct nft_session *s, int family, const char *table, const char *chain,
		      int (*fn)(const struct nft_rule *r, void *arg), void *arg)
{
	struct chain_ref ref = { .family = family, .table = (char *)table, .chain = (char *)chain };
	int rc;

	s->rule_fn = fn;
	s->rule_arg = arg;
	rc = nft_link_chain_rules(&s->link, &ref);
	s->rule_fn = NULL;
	return rc;
}

int nft_session_set(struct nft_session *s, int family, const char *table, const char *name, struct nft_set *out)
{
	int rc;

	if ((rc = nft_link_set(&s->link, family, table, name)) < 0)
		return rc;
	if (s->link.set_count != 1)
		return -ENOENT;
	if ((rc = nft_link_set_elems(&s->link, &s->link.sets[0])) < 0)
		return rc;
	*out = s->link.sets[0];
	s->link.set_count = 0;
	return 0;
}
