/* svc in kube-proxy's iptables mode, either backend: KUBE-SERVICES (nat)
 * names each cluster IP and jumps to KUBE-SVC-*, whose rules mark
 * off-cluster traffic for masquerading, honour ClientIP affinity with
 * `recent`, and pick a KUBE-SEP-* endpoint chain through a cascade of
 * `statistic --probability` rules; each KUBE-SEP-* DNATs.  A service
 * without endpoints is a REJECT in the filter table's KUBE-SERVICES.
 *
 * Legacy tables are read whole (one getsockopt); iptables-nft's chains are
 * fetched one by one, so that one service among 5,000 costs a few small
 * dumps. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_recent.h>
#include <linux/netfilter/xt_statistic.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc_impl.h"
#include "sonde/nfdecode.h"
#include "sonde/nft.h"
#include "sonde/xt.h"

struct chain_source {
	int family;
	enum xt_backend backend;
	struct xt_table tables[2];       /* [0] nat, [1] filter */
	bool present[2];
	struct nft_session *session;
};

static const char *const table_names[2] = { "nat", "filter" };

static int legacy_open(struct chain_source *cs)
{
	char (*names)[XT_NAME_LEN];
	size_t count, i, t;
	int rc = xt_legacy_table_names(cs->family, &names, &count);

	/* Only tables the kernel lists: asking for another would create it. */
	for (i = 0; rc == 0 && i < count; i++)
		for (t = 0; t < 2; t++)
			if (strcmp(names[i], table_names[t]) == 0) {
				rc = xt_legacy_read(cs->family, names[i], &cs->tables[t]);
				cs->present[t] = rc == 0;
			}
	free(names);
	return rc;
}

struct fetch {
	struct xt_chain *chain;
	int family;
	int error;
};

static int fetch_rule(const struct nft_rule *r, void *arg)
{
	struct fetch *f = arg;
	struct xt_rule *xr = xt_chain_add_rule(f->chain);

	return xr ? nft_xt_rule(r, f->family, xr) : -ENOMEM;
}

/* The chain's rules: from the table read, or fetched now (iptables-nft). */
static const struct xt_chain *get_chain(struct chain_source *cs, int table, const char *name)
{
	struct xt_table *t = &cs->tables[table];
	struct xt_chain *c = xt_table_find_chain(t, name);
	struct fetch f = { .family = cs->family };
	size_t index;

	if (c || cs->backend == XT_BACKEND_LEGACY)
		return c;
	snprintf(t->name, sizeof(t->name), "%s", table_names[table]);
	if (!(c = xt_table_add_chain(t, name, false)))
		return NULL;
	index = (size_t)(c - t->chains);
	f.chain = c;
	if (nft_session_rules(cs->session, cs->family, table_names[table], name, fetch_rule, &f) < 0) {
		/* No such chain: keep it, empty, so that we do not ask again. */
		return NULL;
	}
	return &t->chains[index];
}

static void source_close(struct chain_source *cs)
{
	xt_table_free(&cs->tables[0]);
	xt_table_free(&cs->tables[1]);
	nft_session_close(cs->session);
}

/* --- what a rule says ------------------------------------------------------ */

static const struct xt_blob *find_match(const struct xt_rule *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->match_count; i++)
		if (strcmp(r->matches[i].name, name) == 0)
			return &r->matches[i];
	return NULL;
}

static void rule_comment(const struct xt_rule *r, char *out, size_t size)
{
	const struct xt_blob *m = find_match(r, "comment");
	size_t n = 0;

	if (m)
		n = strnlen((const char *)m->data, m->len < XT_MAX_COMMENT_LEN ? m->len : XT_MAX_COMMENT_LEN);
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(out, m->data, n);
	out[n] = '\0';
}

/* The single destination port of a tcp/udp match, 0 if none. */
static uint16_t rule_dport(const struct xt_rule *r)
{
	const struct xt_blob *m = find_match(r, r->proto == IPPROTO_UDP ? "udp" : "tcp");
	uint16_t dpts[2];

	if (!m || m->len < offsetof(struct xt_tcp, dpts) + sizeof(dpts))
		return 0;
	memcpy(dpts, m->data + offsetof(struct xt_tcp, dpts), sizeof(dpts));
	return dpts[0] == dpts[1] ? dpts[0] : 0;
}

static bool rule_probability(const struct xt_rule *r, double *p)
{
	const struct xt_blob *m = find_match(r, "statistic");
	struct xt_statistic_info info;

	if (!m || m->len < offsetof(struct xt_statistic_info, master))
		return false;
	memcpy(&info, m->data, offsetof(struct xt_statistic_info, master));
	if (info.mode != XT_STATISTIC_MODE_RANDOM)
		return false;
	*p = 1.0 * info.u.random.probability / 0x80000000u;
	if (info.flags & XT_STATISTIC_INVERT)
		*p = 1.0 - *p;
	return true;
}

static bool rule_affinity_check(const struct xt_rule *r, uint32_t *seconds)
{
	const struct xt_blob *m = find_match(r, "recent");
	struct xt_recent_mtinfo info;

	if (!m || m->len < sizeof(info))
		return false;
	memcpy(&info, m->data, sizeof(info));
	if (!(info.check_set & XT_RECENT_CHECK))
		return false;
	*seconds = info.seconds;
	return true;
}

/* DNAT's first address and port, whatever the revision. */
static bool rule_dnat(const struct xt_rule *r, int family, struct svc_endpoint *ep)
{
	const struct xt_blob *t = &r->target;
	struct nf_nat_range2 range;

	if (r->verdict != XT_VERDICT_TARGET || strcmp(t->name, "DNAT") != 0)
		return false;
	memset(&range, 0, sizeof(range));
	if (family == NFPROTO_IPV4 && t->revision == 0) {
		struct nf_nat_ipv4_multi_range_compat compat;

		if (t->len < sizeof(compat))
			return false;
		memcpy(&compat, t->data, sizeof(compat));
		range.flags = compat.range[0].flags;
		range.min_addr.ip = compat.range[0].min_ip;
		range.min_proto = compat.range[0].min;
	} else {
		if (t->len < sizeof(struct nf_nat_range))
			return false;
		memcpy(&range, t->data, t->len < sizeof(range) ? t->len : sizeof(range));
	}
	ep->family = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	memcpy(ep->addr, &range.min_addr, 16);
	ep->port = (range.flags & NF_NAT_RANGE_PROTO_SPECIFIED) ? ntohs(range.min_proto.all) : 0;
	return true;
}

static size_t addr_len(int family)
{
	return family == NFPROTO_IPV6 ? 16 : 4;
}

static bool rule_targets(const struct xt_rule *r, const struct svc_query *q, int family)
{
	static const uint8_t full[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t n = addr_len(family);

	return memcmp(r->dst_mask, full, n) == 0 && memcmp(r->dst, q->vip, n) == 0 && r->proto == q->proto &&
	       rule_dport(r) == q->port;
}

/* "ns/svc:http cluster IP" -> "ns/svc:http" */
static void strip_suffix(char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n >= s && strcmp(name + n - s, suffix) == 0)
		name[n - s] = '\0';
}

static bool service_wanted(const struct svc_query *q, const struct xt_rule *r, int family, const char *name)
{
	if (q->by_name)
		return svc_name_matches(q, name);
	return rule_targets(r, q, family);
}

/* --- the trace ------------------------------------------------------------- */

static void describe_masquerade(const struct xt_rule *r, int family, char *out, size_t size)
{
	struct strbuf text = { 0 };
	int bits = nf_mask_prefix_len(family, r->src_mask);

	nfbuf_addr(&text, family, r->src);
	if (bits >= 0)
		strbuf_printf(&text, "/%d", bits);
	if (bits == 0)
		snprintf(out, size, "all traffic (KUBE-MARK-MASQ)");
	else if (r->invflags & XT_RULE_INV_SRC)
		snprintf(out, size, "traffic from outside %s (KUBE-MARK-MASQ)", text.data ? text.data : "?");
	else
		snprintf(out, size, "traffic from %s (KUBE-MARK-MASQ)", text.data ? text.data : "?");
	strbuf_free(&text);
}

static void endpoint_chain(struct chain_source *cs, const char *name, struct svc_endpoint *ep)
{
	const struct xt_chain *c = get_chain(cs, 0, name);
	size_t i;

	snprintf(ep->via, sizeof(ep->via), "%s", name);
	if (!c)
		return;
	for (i = 0; i < c->rule_count; i++) {
		const struct xt_rule *r = &c->rules[i];

		if (r->verdict == XT_VERDICT_JUMP && strcmp(r->jump, "KUBE-MARK-MASQ") == 0)
			ep->hairpin_masquerade = true;
		rule_dnat(r, cs->family, ep);
	}
}

static int trace_service_chain(struct chain_source *cs, const char *chain, struct svc_trace *t)
{
	const struct xt_chain *c = get_chain(cs, 0, chain);
	double remaining = 1.0;
	size_t i, count;
	char (*seps)[XT_NAME_LEN];
	double *probabilities;
	int rc = 0;

	if (!c)
		return 0;
	/* Copy what we need first: fetching endpoint chains may move c. */
	count = c->rule_count;
	seps = calloc(count ? count : 1, sizeof(*seps));
	probabilities = calloc(count ? count : 1, sizeof(*probabilities));
	if (!seps || !probabilities) {
		free(seps);
		free(probabilities);
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		const struct xt_rule *r = &c->rules[i];
		uint32_t seconds;
		double p = 1.0;

		probabilities[i] = -1;
		if (r->verdict != XT_VERDICT_JUMP && r->verdict != XT_VERDICT_GOTO)
			continue;
		if (strcmp(r->jump, "KUBE-MARK-MASQ") == 0) {
			describe_masquerade(r, cs->family, t->masquerade, sizeof(t->masquerade));
			continue;
		}
		if (strncmp(r->jump, "KUBE-SEP-", 9) != 0)
			continue;
		if (rule_affinity_check(r, &seconds)) {
			t->affinity = true;
			t->affinity_timeout_s = seconds;
			continue;
		}
		rule_probability(r, &p);
		probabilities[i] = remaining * p;
		remaining *= 1.0 - p;
		snprintf(seps[i], sizeof(seps[i]), "%s", r->jump);
	}
	for (i = 0; i < count && rc == 0; i++) {
		struct svc_endpoint ep = { .probability = probabilities[i] };

		if (probabilities[i] < 0)
			continue;
		endpoint_chain(cs, seps[i], &ep);
		rc = svc_trace_add_endpoint(t, &ep);
	}
	free(seps);
	free(probabilities);
	return rc;
}

static void trace_header(struct chain_source *cs, const struct xt_rule *r, const char *name, struct svc_trace *t)
{
	snprintf(t->dataplane, sizeof(t->dataplane), "iptables (%s)",
		 cs->backend == XT_BACKEND_LEGACY ? "legacy" : "nf_tables");
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->family = cs->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	memcpy(t->vip, r->dst, 16);
	t->port = rule_dport(r);
	t->proto = (uint8_t)r->proto;
}

static int trace_cluster_ips(struct chain_source *cs, const struct svc_query *q, struct svc_result *res)
{
	const struct xt_chain *services = get_chain(cs, 0, "KUBE-SERVICES");
	size_t i, count = services ? services->rule_count : 0;
	int rc = 0;

	for (i = 0; i < count && rc == 0; i++) {
		const struct xt_rule *r;
		char name[SVC_NAME_LEN], target[XT_NAME_LEN];
		struct svc_trace *t;

		services = get_chain(cs, 0, "KUBE-SERVICES");   /* fetches may have moved it */
		r = &services->rules[i];
		if (r->verdict != XT_VERDICT_JUMP || strncmp(r->jump, "KUBE-SVC-", 9) != 0)
			continue;
		rule_comment(r, name, sizeof(name));
		strip_suffix(name, " cluster IP");
		if (!service_wanted(q, r, cs->family, name))
			continue;
		if (!(t = svc_result_add(res)))
			return -ENOMEM;
		trace_header(cs, r, name, t);
		snprintf(target, sizeof(target), "%s", r->jump);
		snprintf(t->entry, sizeof(t->entry), "nat KUBE-SERVICES -> %s", target);
		rc = trace_service_chain(cs, target, t);
	}
	return rc;
}

/* Services without endpoints are REJECTed from the filter table. */
static int trace_rejects(struct chain_source *cs, const struct svc_query *q, struct svc_result *res)
{
	const struct xt_chain *services = get_chain(cs, 1, "KUBE-SERVICES");
	struct nfdecode_opts o = { .family = cs->family, .style = NFDECODE_LIST, .numeric = true };
	size_t i;

	for (i = 0; services && i < services->rule_count; i++) {
		const struct xt_rule *r = &services->rules[i];
		char name[SVC_NAME_LEN];
		struct nfdecode_ext ext = { r->target.name, r->target.revision, r->target.data, r->target.len };
		struct strbuf text = { 0 };
		struct svc_trace *t;

		if (r->verdict != XT_VERDICT_TARGET || strcmp(r->target.name, "REJECT") != 0)
			continue;
		rule_comment(r, name, sizeof(name));
		strip_suffix(name, " has no endpoints");
		if (!service_wanted(q, r, cs->family, name))
			continue;
		if (!(t = svc_result_add(res)))
			return -ENOMEM;
		trace_header(cs, r, name, t);
		t->no_endpoints = true;
		nfdecode_target(&text, &ext, &o);
		snprintf(t->entry, sizeof(t->entry), "filter KUBE-SERVICES");
		snprintf(t->reject, sizeof(t->reject), "REJECT%s", text.data ? text.data : "");
		strbuf_free(&text);
	}
	return 0;
}

int svc_trace_iptables(const struct svc_query *q, int backend, struct svc_result *res)
{
	struct chain_source cs = { .family = q->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4, .backend = backend };
	int rc;

	size_t before_count = res->count;
	uint32_t before = 0, after = 0;
	int attempt;

	if (backend == XT_BACKEND_LEGACY) {
		/* One getsockopt per table: consistent by itself. */
		rc = legacy_open(&cs);
		if (rc == 0)
			rc = trace_cluster_ips(&cs, q, res);
		if (rc == 0)
			rc = trace_rejects(&cs, q, res);
		source_close(&cs);
		return rc;
	}
	if ((rc = nft_session_open(&cs.session)) < 0)
		return rc;
	/* Chains fetched one by one are one ruleset only if the generation
	 * did not move meanwhile; else start over. */
	for (attempt = 0; attempt < 5; attempt++) {
		svc_result_truncate(res, before_count);
		xt_table_free(&cs.tables[0]);
		xt_table_free(&cs.tables[1]);
		if ((rc = nft_session_generation(cs.session, &before)) < 0)
			break;
		rc = trace_cluster_ips(&cs, q, res);
		if (rc == 0)
			rc = trace_rejects(&cs, q, res);
		if (rc < 0 || (rc = nft_session_generation(cs.session, &after)) < 0 || after == before)
			break;
		rc = -EAGAIN;
	}
	source_close(&cs);
	return rc;
}
