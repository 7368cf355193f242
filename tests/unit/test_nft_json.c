/* nft's JSON schema from fixed rules and sets: the statements nft -j
 * writes for them, a rule with an expression sonde cannot render (named,
 * and the JSON still well formed), and a set with an interval, a prefix
 * and an element comment. */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/nfdecode.h"
#include "sonde/nft.h"
#include "tap.h"

static struct nft_expr payload(uint32_t dreg, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nft_expr e = { .kind = NFT_EXPR_PAYLOAD, .name = "payload" };

	e.u.payload.dreg = dreg;
	e.u.payload.base = base;
	e.u.payload.offset = offset;
	e.u.payload.len = len;
	return e;
}

static struct nft_expr cmp_eq(uint32_t sreg, const void *value, uint32_t len)
{
	struct nft_expr e = { .kind = NFT_EXPR_CMP, .name = "cmp" };

	e.u.cmp.sreg = sreg;
	e.u.cmp.op = NFT_CMP_EQ;
	memcpy(e.data.bytes, value, len);
	e.data.len = len;
	return e;
}

static struct nft_expr verdict(int32_t code, char *chain)
{
	struct nft_expr e = { .kind = NFT_EXPR_IMMEDIATE, .name = "immediate" };

	e.u.immediate.dreg = NFT_REG_VERDICT;
	e.data.is_verdict = true;
	e.data.verdict = code;
	e.data.chain = chain;
	return e;
}

static void rule_json(const char *name, struct nft_expr *exprs, size_t count, const char *want)
{
	struct nft_rule r = { .family = NFPROTO_IPV4, .handle = 7, .exprs = exprs, .expr_count = count };
	struct nft_print_ctx ctx = { .family = NFPROTO_IPV4 };
	struct strbuf out = { 0 };

	nft_json_rule(&out, &r, "filter", "in\"put", &ctx);
	is_str(out.data ? out.data : "", want, name);
	strbuf_free(&out);
}

static void rules(void)
{
	uint8_t addr[4] = { 10, 0, 0, 1 }, port[2] = { 0, 80 }, tcp = 6;
	char target[] = "svc-a";
	struct nft_expr saddr_accept[] = { payload(1, NFT_PAYLOAD_NETWORK_HEADER, 12, 4), cmp_eq(1, addr, 4),
					   verdict(NF_ACCEPT, NULL) };
	struct nft_expr tcp_jump[] = {
		{ .kind = NFT_EXPR_META, .name = "meta", .u.meta = { .key = NFT_META_L4PROTO, .dreg = 1 } },
		cmp_eq(1, &tcp, 1), payload(1, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2), cmp_eq(1, port, 2),
		verdict(NFT_JUMP, target),
	};
	/* A compare of a register nothing loaded: not rendered, and said so. */
	struct nft_expr stray[] = { cmp_eq(3, addr, 4), verdict(NF_DROP, NULL) };

	rule_json("ip saddr 10.0.0.1 accept", saddr_accept, 3,
		  "{\"rule\": {\"family\": \"ip\", \"table\": \"filter\", \"chain\": \"in\\\"put\", \"handle\": 7, "
		  "\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": "
		  "\"saddr\"}}, \"right\": \"10.0.0.1\"}}, {\"accept\": null}]}}");
	rule_json("tcp dport 80 jump: the l4proto guard folds", tcp_jump, 5,
		  "{\"rule\": {\"family\": \"ip\", \"table\": \"filter\", \"chain\": \"in\\\"put\", \"handle\": 7, "
		  "\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", \"field\": "
		  "\"dport\"}}, \"right\": 80}}, {\"jump\": {\"target\": \"svc-a\"}}]}}");
	rule_json("an unrendered expression is named", stray, 2,
		  "{\"rule\": {\"family\": \"ip\", \"table\": \"filter\", \"chain\": \"in\\\"put\", \"handle\": 7, "
		  "\"expr\": [{\"drop\": null}, {\"sonde-not-rendered\": \"cmp\"}]}}");
}

static void add_elem(struct nft_set *s, const uint8_t *key, size_t len, uint32_t flags, const char *comment)
{
	struct nft_set_elem *e;

	s->elems = realloc(s->elems, (s->elem_count + 1) * sizeof(*s->elems));
	e = &s->elems[s->elem_count++];
	memset(e, 0, sizeof(*e));
	memcpy(e->key.bytes, key, len);
	e->key.len = (uint32_t)len;
	e->flags = flags;
	e->comment = comment ? strdup(comment) : NULL;
}

static void sets(void)
{
	struct nft_set s = { .family = NFPROTO_INET, .table = "filter", .name = "blocked", .handle = 3,
			     .flags = NFT_SET_INTERVAL, .key_type = 7 /* ipv4_addr */, .key_len = 4 };
	uint8_t net[4] = { 10, 0, 0, 0 }, net_end[4] = { 11, 0, 0, 0 }, one[4] = { 192, 168, 1, 1 },
		one_end[4] = { 192, 168, 1, 2 }, low[4] = { 192, 168, 2, 10 }, high_end[4] = { 192, 168, 2, 21 };
	struct strbuf out = { 0 };

	add_elem(&s, net, 4, 0, NULL);
	add_elem(&s, net_end, 4, NFT_SET_ELEM_INTERVAL_END, NULL);
	add_elem(&s, one, 4, 0, "home");
	add_elem(&s, one_end, 4, NFT_SET_ELEM_INTERVAL_END, NULL);
	add_elem(&s, low, 4, 0, NULL);
	add_elem(&s, high_end, 4, NFT_SET_ELEM_INTERVAL_END, NULL);
	nft_json_set(&out, &s);
	is_str(out.data ? out.data : "",
	       "{\"set\": {\"family\": \"inet\", \"name\": \"blocked\", \"table\": \"filter\", \"type\": \"ipv4_addr\", "
	       "\"handle\": 3, \"flags\": [\"interval\"], \"elem\": [{\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}, "
	       "{\"elem\": {\"val\": \"192.168.1.1\", \"comment\": \"home\"}}, {\"range\": [\"192.168.2.10\", "
	       "\"192.168.2.20\"]}]}}",
	       "interval set: prefix, commented single value, range");
	strbuf_free(&out);
	nft_set_free(&s);
}

int main(void)
{
	rules();
	sets();
	return tap_exit();
}
