/* svc in kube-proxy's nftables mode: the `service-ips` verdict map, keyed
 * by address . protocol . port, sends a cluster IP to its service chain;
 * there a `jump mark-for-masquerade` rule says which traffic is
 * masqueraded, `ip saddr @affinity-*` rules keep ClientIP affinity, and
 * `numgen random mod N vmap { i : goto endpoint-... }` picks the endpoint
 * chain, which DNATs.  Services without endpoints are elements of
 * `no-endpoint-services` that go to the reject chain.  Only the objects the
 * service needs are read. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc_impl.h"
#include "sonde/nfdecode.h"
#include "sonde/nft.h"

#define KUBE_TABLE "kube-proxy"

struct nft_source {
	struct nft_session *session;
	int family;                      /* NFPROTO_IPV4 / _IPV6 */
};

/* A key of service-ips: address, protocol and port, each 4-byte aligned. */
static size_t key_layout(int family, size_t *proto_at, size_t *port_at)
{
	size_t alen = family == NFPROTO_IPV6 ? 16 : 4;

	*proto_at = alen;
	*port_at = alen + 4;
	return alen + 8;
}

static bool key_is(const struct nft_set_elem *e, const struct svc_query *q, int family)
{
	size_t proto_at, port_at, len = key_layout(family, &proto_at, &port_at);

	return e->key.len >= len && memcmp(e->key.bytes, q->vip, proto_at) == 0 && e->key.bytes[proto_at] == q->proto &&
	       (e->key.bytes[port_at] << 8 | e->key.bytes[port_at + 1]) == q->port;
}

/* service-HASH-ns/name/tcp/port -> "ns/name:port" */
static void name_from_chain(const char *chain, char *out, size_t size)
{
	const char *p = strchr(chain, '-');
	char ns[SVC_NAME_LEN] = "", name[SVC_NAME_LEN] = "", proto[16] = "", port[64] = "";

	out[0] = '\0';
	if (!p || !(p = strchr(p + 1, '-')))
		return;
	if (sscanf(p + 1, "%255[^/]/%255[^/]/%15[^/]/%63s", ns, name, proto, port) == 4)
		snprintf(out, size, "%s/%s:%s", ns, name, port);
}

static void fill_header(struct svc_trace *t, const struct nft_set_elem *e, int family, const char *name)
{
	size_t proto_at, port_at;

	key_layout(family, &proto_at, &port_at);
	snprintf(t->dataplane, sizeof(t->dataplane), "nftables (%s %s)", family == NFPROTO_IPV6 ? "ip6" : "ip",
		 KUBE_TABLE);
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->family = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	memcpy(t->vip, e->key.bytes, proto_at);
	t->proto = e->key.bytes[proto_at];
	t->port = (uint16_t)(e->key.bytes[port_at] << 8 | e->key.bytes[port_at + 1]);
}

/* --- chains --------------------------------------------------------------- */

struct chain_rules {
	struct nft_rule *rules;
	size_t count;
};

static int keep_rule(const struct nft_rule *r, void *arg)
{
	struct chain_rules *c = arg;
	struct nft_rule *grown = realloc(c->rules, (c->count + 1) * sizeof(*grown));
	struct nft_rule *copy;
	size_t i;

	if (!grown)
		return -ENOMEM;
	c->rules = grown;
	copy = &grown[c->count];
	*copy = *r;
	copy->comment = r->comment ? strdup(r->comment) : NULL;
	copy->exprs = calloc(r->expr_count ? r->expr_count : 1, sizeof(*copy->exprs));
	if (!copy->exprs)
		return -ENOMEM;
	c->count++;
	/* Keep what the tracer reads; the strings it needs are duplicated. */
	for (i = 0; i < r->expr_count; i++) {
		copy->exprs[i] = r->exprs[i];
		copy->exprs[i].blob = NULL;
		copy->exprs[i].blob_len = 0;
		copy->exprs[i].text = r->exprs[i].text ? strdup(r->exprs[i].text) : NULL;
		copy->exprs[i].data.chain = r->exprs[i].data.chain ? strdup(r->exprs[i].data.chain) : NULL;
		copy->exprs[i].data2.chain = NULL;
	}
	return 0;
}

static void chain_free(struct chain_rules *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		nft_rule_free(&c->rules[i]);
	free(c->rules);
	memset(c, 0, sizeof(*c));
}

static int read_chain(struct nft_source *src, const char *name, struct chain_rules *c)
{
	memset(c, 0, sizeof(*c));
	return nft_session_rules(src->session, src->family, KUBE_TABLE, name, keep_rule, c);
}

static const struct nft_expr *verdict_of(const struct nft_rule *r)
{
	size_t i;

	for (i = 0; i < r->expr_count; i++)
		if (r->exprs[i].kind == NFT_EXPR_IMMEDIATE && r->exprs[i].data.is_verdict)
			return &r->exprs[i];
	return NULL;
}

static bool jumps_to(const struct nft_rule *r, const char *chain)
{
	const struct nft_expr *v = verdict_of(r);

	return v && v->data.chain && strcmp(v->data.chain, chain) == 0;
}

/* The DNAT address and port, from the immediates that fill its registers. */
static void endpoint_of(const struct chain_rules *c, struct svc_endpoint *ep, int family)
{
	size_t i, j;

	for (i = 0; i < c->count; i++) {
		const struct nft_rule *r = &c->rules[i];

		if (jumps_to(r, "mark-for-masquerade"))
			ep->hairpin_masquerade = true;
		for (j = 0; j < r->expr_count; j++) {
			const struct nft_expr *e = &r->exprs[j];
			size_t k;

			if (e->kind != NFT_EXPR_NAT || e->u.nat.type != NFT_NAT_DNAT)
				continue;
			ep->family = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
			for (k = 0; k < j; k++) {
				const struct nft_expr *imm = &r->exprs[k];

				if (imm->kind != NFT_EXPR_IMMEDIATE || imm->data.is_verdict)
					continue;
				if (imm->u.immediate.dreg == e->u.nat.addr_min)
					memcpy(ep->addr, imm->data.bytes, imm->data.len < 16 ? imm->data.len : 16);
				if (e->u.nat.proto_min && imm->u.immediate.dreg == e->u.nat.proto_min && imm->data.len >= 2)
					ep->port = (uint16_t)(imm->data.bytes[0] << 8 | imm->data.bytes[1]);
			}
		}
	}
}

static int add_endpoint(struct nft_source *src, struct svc_trace *t, const char *chain, double probability)
{
	struct svc_endpoint ep = { .probability = probability };
	struct chain_rules c;
	size_t i;
	int rc;

	for (i = 0; i < t->endpoint_count; i++)
		if (strcmp(t->endpoints[i].via, chain) == 0) {
			t->endpoints[i].probability += probability;
			return 0;
		}
	snprintf(ep.via, sizeof(ep.via), "%s", chain);
	if ((rc = read_chain(src, chain, &c)) == 0)
		endpoint_of(&c, &ep, src->family);
	chain_free(&c);
	return rc < 0 && rc != -ENOENT ? rc : svc_trace_add_endpoint(t, &ep);
}

/* numgen random mod N vmap { i : goto chain }: each chain's share. */
static int numgen_endpoints(struct nft_source *src, struct svc_trace *t, const struct nft_rule *r)
{
	const struct nft_expr *numgen = NULL, *lookup = NULL;
	struct nft_set map;
	size_t i;
	int rc;

	for (i = 0; i < r->expr_count; i++) {
		if (r->exprs[i].kind == NFT_EXPR_NUMGEN)
			numgen = &r->exprs[i];
		if (r->exprs[i].kind == NFT_EXPR_LOOKUP && r->exprs[i].u.lookup.has_dreg)
			lookup = &r->exprs[i];
	}
	if (!numgen || !lookup || !lookup->text || numgen->u.numgen.modulus == 0)
		return 0;
	if ((rc = nft_session_set(src->session, src->family, KUBE_TABLE, lookup->text, &map)) < 0)
		return rc;
	/* In numgen's order: branch 0 first. */
	for (uint32_t branch = 0; branch < numgen->u.numgen.modulus && rc == 0; branch++)
		for (i = 0; i < map.elem_count && rc == 0; i++) {
			uint32_t key;

			if (map.elems[i].key.len != 4 || !map.elems[i].data.is_verdict || !map.elems[i].data.chain)
				continue;
			memcpy(&key, map.elems[i].key.bytes, 4);
			if (key == branch)
				rc = add_endpoint(src, t, map.elems[i].data.chain, 1.0 / numgen->u.numgen.modulus);
		}
	nft_set_free(&map);
	return rc;
}

static void affinity_of(struct nft_source *src, struct svc_trace *t, const struct nft_rule *r)
{
	size_t i;

	for (i = 0; i < r->expr_count; i++) {
		struct nft_set set;

		if (r->exprs[i].kind != NFT_EXPR_LOOKUP || !r->exprs[i].text ||
		    strncmp(r->exprs[i].text, "affinity-", 9) != 0)
			continue;
		t->affinity = true;
		if (nft_session_set(src->session, src->family, KUBE_TABLE, r->exprs[i].text, &set) == 0) {
			t->affinity_timeout_s = (uint32_t)(set.timeout_ms / 1000);
			nft_set_free(&set);
		}
	}
}

static int trace_service_chain(struct nft_source *src, const char *chain, struct svc_trace *t)
{
	struct chain_rules c;
	struct nft_print_ctx ctx = { .family = src->family };
	size_t i;
	int rc = read_chain(src, chain, &c);

	for (i = 0; rc == 0 && i < c.count; i++) {
		const struct nft_rule *r = &c.rules[i];
		const struct nft_expr *v = verdict_of(r);
		bool is_affinity = false;
		size_t j;

		for (j = 0; j < r->expr_count; j++)
			if (r->exprs[j].kind == NFT_EXPR_LOOKUP && r->exprs[j].text &&
			    strncmp(r->exprs[j].text, "affinity-", 9) == 0)
				is_affinity = true;
		if (jumps_to(r, "mark-for-masquerade")) {
			struct strbuf text = { 0 };
			char *cut;

			nft_print_rule(&text, r, &ctx);
			if (text.data && (cut = strstr(text.data, " jump mark-for-masquerade")))
				*cut = '\0';
			snprintf(t->masquerade, sizeof(t->masquerade), "traffic matching '%s' (mark-for-masquerade)",
				 text.data ? text.data : "");
			strbuf_free(&text);
		} else if (is_affinity) {
			affinity_of(src, t, r);
		} else if (v && v->data.chain && strncmp(v->data.chain, "endpoint-", 9) == 0) {
			rc = add_endpoint(src, t, v->data.chain, 1.0);
		} else {
			rc = numgen_endpoints(src, t, r);
		}
	}
	chain_free(&c);
	return rc == -ENOENT ? 0 : rc;
}

/* --- the maps ---------------------------------------------------------------- */

static int trace_map(struct nft_source *src, const struct svc_query *q, const char *map_name, bool reject,
		     struct svc_result *res)
{
	struct nft_set map;
	size_t i;
	int rc = nft_session_set(src->session, src->family, KUBE_TABLE, map_name, &map);

	if (rc == -ENOENT)
		return 0;
	for (i = 0; rc == 0 && i < map.elem_count; i++) {
		const struct nft_set_elem *e = &map.elems[i];
		char name[SVC_NAME_LEN] = "";
		struct svc_trace *t;

		if (!e->data.is_verdict || !e->data.chain)
			continue;
		if (reject && e->comment)
			snprintf(name, sizeof(name), "%s", e->comment);
		else if (!reject)
			name_from_chain(e->data.chain, name, sizeof(name));
		if (q->by_name ? !svc_name_matches(q, name) : !key_is(e, q, src->family))
			continue;
		if (!(t = svc_result_add(res))) {
			rc = -ENOMEM;
			break;
		}
		fill_header(t, e, src->family, name);
		snprintf(t->entry, sizeof(t->entry), "%s -> %s", map_name, e->data.chain);
		if (reject) {
			t->no_endpoints = true;
			snprintf(t->reject, sizeof(t->reject), "%s (%s)", e->data.chain,
				 strcmp(e->data.chain, "reject-chain") == 0 ? "reject" : "drop");
		} else {
			rc = trace_service_chain(src, e->data.chain, t);
		}
	}
	nft_set_free(&map);
	return rc;
}

#define TRACE_ATTEMPTS 5

int svc_trace_nftables(const struct svc_query *q, struct svc_result *res)
{
	struct nft_source src = { .family = q->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4 };
	size_t before_count = res->count;
	uint32_t before = 0, after = 0;
	int attempt, rc = nft_session_open(&src.session);

	if (rc < 0)
		return rc;
	/* Several requests make one answer only if the ruleset did not change
	 * between them: the generation says so, else start over. */
	for (attempt = 0; attempt < TRACE_ATTEMPTS; attempt++) {
		svc_result_truncate(res, before_count);
		if ((rc = nft_session_generation(src.session, &before)) < 0)
			break;
		rc = trace_map(&src, q, "service-ips", false, res);
		if (rc == 0)
			rc = trace_map(&src, q, "no-endpoint-services", true, res);
		if (rc < 0 || (rc = nft_session_generation(src.session, &after)) < 0 || after == before)
			break;
		rc = -EAGAIN;
	}
	nft_session_close(src.session);
	/* No kube-proxy table: nothing to say. */
	return rc == -ENOENT ? 0 : rc;
}
