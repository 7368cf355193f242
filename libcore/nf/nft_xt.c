/* iptables-nft's rules read back as iptables rules.  iptables-nft writes
 * most matches as x_tables blobs inside `match` / `target` expressions, and
 * the common ones as native expressions: addresses, protocol and ports as
 * payload/meta loads compared with cmp or range, interfaces as meta
 * iifname/oifname, -m mark as meta mark, -m limit as limit, NFLOG as log,
 * verdicts and jumps as immediate.  This file undoes those translations
 * the way iptables-nft does, building the same blobs, so that nfdecode
 * prints both backends alike.  What it cannot undo is kept and shown. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"

/* In the order iptables-nft-save prints them. */
static const char *const xt_table_names[] = { "mangle", "security", "raw", "filter", "nat" };
static const char *const hook_chain_names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

struct xt_collect {
	int family;
	const char *only_table;  /* or NULL: every iptables table */
	struct xt_table *tables;
	size_t count;
	/* Rules come chain by chain: the last chain found serves the next. */
	struct xt_chain *last_chain;
	char last_table[XT_NAME_LEN], last_chain_name[NFT_NAME_LEN];
};

/* The place of an iptables table in xt_table_names, or -1. */
static int xt_table_rank(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(xt_table_names) / sizeof(xt_table_names[0]); i++)
		if (strcmp(name, xt_table_names[i]) == 0)
			return (int)i;
	return -1;
}

static int table_order(const void *a, const void *b)
{
	return xt_table_rank(((const struct xt_table *)a)->name) - xt_table_rank(((const struct xt_table *)b)->name);
}

static struct xt_table *find_table(struct xt_collect *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (strcmp(c->tables[i].name, name) == 0)
			return &c->tables[i];
	return NULL;
}

/* Only iptables-nft's own tables: kube-proxy's nftables table in the same
 * family can hold tens of thousands of rules nobody asked for. */
static bool want_table(int family, const char *table, void *arg)
{
	const struct xt_collect *c = arg;

	return family == c->family && xt_table_rank(table) >= 0 && (!c->only_table || strcmp(c->only_table, table) == 0);
}

static int on_table(const struct nft_table *t, void *arg)
{
	struct xt_collect *c = arg;
	struct xt_table *grown;

	grown = realloc(c->tables, (c->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->tables = grown;
	memset(&grown[c->count], 0, sizeof(*grown));
	grown[c->count].family = c->family;
	grown[c->count].backend = XT_BACKEND_NFT;
	snprintf(grown[c->count].name, sizeof(grown[c->count].name), "%.31s", t->name);
	c->count++;
	return 0;
}

static enum xt_verdict verdict_of(int32_t code)
{
	switch (code) {
	case NF_ACCEPT: return XT_VERDICT_ACCEPT;
	case NF_DROP: return XT_VERDICT_DROP;
	case NF_QUEUE: return XT_VERDICT_QUEUE;
	case NFT_RETURN: return XT_VERDICT_RETURN;
	case NFT_JUMP: return XT_VERDICT_JUMP;
	case NFT_GOTO: return XT_VERDICT_GOTO;
	default: return XT_VERDICT_NONE;
	}
}

static int on_chain(const struct nft_chain *ch, void *arg)
{
	struct xt_collect *c = arg;
	struct xt_table *t = ch->family == c->family ? find_table(c, ch->table) : NULL;
	bool builtin = ch->base && ch->hooknum < 5 && strcmp(ch->name, hook_chain_names[ch->hooknum]) == 0;
	struct xt_chain *xc;

	if (!t)
		return 0;
	if (!(xc = xt_table_add_chain(t, ch->name, builtin)))
		return -ENOMEM;
	xc->hook = builtin ? ch->hooknum : 0;
	if (builtin && ch->has_policy)
		xc->policy = verdict_of((int32_t)ch->policy);
	xc->packets = ch->packets;
	xc->bytes = ch->bytes;
	return 0;
}

/* --- one rule ---------------------------------------------------------- */

/* What the last load put in the register, for the cmp that follows. */
struct xlate {
	int family;
	struct xt_rule *r;
	enum { LOAD_NONE, LOAD_META, LOAD_PAYLOAD, LOAD_IMMEDIATE } load;
	bool immediate_set;        /* the immediate value's first word is not 0 */
	uint32_t immediate_reg;
	uint32_t meta_key;
	uint32_t base, offset, len;
	bool masked;
	uint8_t mask[NFT_DATA_LEN];
	int ports_match;           /* index of the tcp/udp match built from payloads, or -1 */
	struct strbuf untranslated;
};

static void not_translated(struct xlate *x, const char *what)
{
	strbuf_printf(&x->untranslated, "%s%s", x->untranslated.len ? ", " : "", what);
}

static size_t addr_len(int family)
{
	return family == NFPROTO_IPV6 ? 16 : 4;
}

/* -s/-d: the loaded bytes, under the mask when a bitwise came first. */
static bool xlate_address(struct xlate *x, const struct nft_expr *cmp)
{
	size_t full = addr_len(x->family);
	size_t src_at = x->family == NFPROTO_IPV6 ? 8 : 12, dst_at = x->family == NFPROTO_IPV6 ? 24 : 16;
	bool is_src = x->offset == src_at;
	uint8_t *addr, *mask;

	if ((x->offset != src_at && x->offset != dst_at) || x->len == 0 || x->len > full || cmp->data.len < x->len)
		return false;
	addr = is_src ? x->r->src : x->r->dst;
	mask = is_src ? x->r->src_mask : x->r->dst_mask;
	memset(addr, 0, full);
	memset(mask, 0, full);
	memcpy(addr, cmp->data.bytes, x->len);
	if (x->masked)
		memcpy(mask, x->mask, x->len);
	else
		memset(mask, 0xff, x->len);
	if (cmp->u.cmp.op == NFT_CMP_NEQ)
		x->r->invflags |= is_src ? XT_RULE_INV_SRC : XT_RULE_INV_DST;
	return true;
}

static bool xlate_iface(struct xlate *x, const struct nft_expr *cmp, bool input)
{
	char *name = input ? x->r->in_iface : x->r->out_iface;
	size_t n = cmp->data.len < XT_IFNAME_LEN ? cmp->data.len : XT_IFNAME_LEN;
	size_t text = strnlen((const char *)cmp->data.bytes, n);

	memcpy(name, cmp->data.bytes, text);
	name[text] = '\0';
	/* A prefix compare (no terminating NUL compared) is iptables' "eth+". */
	if (text == n && text < XT_IFNAME_LEN) {
		name[text] = '+';
		name[text + 1] = '\0';
	}
	if (cmp->u.cmp.op == NFT_CMP_NEQ)
		x->r->invflags |= input ? XT_RULE_INV_IN : XT_RULE_INV_OUT;
	return true;
}

static int add_blob_match(struct xt_rule *r, const char *name, uint8_t revision, const void *data, size_t len)
{
	struct xt_blob *m = xt_rule_add_match(r);

	return m ? xt_blob_set(m, name, revision, data, len) : -ENOMEM;
}

static bool xlate_mark(struct xlate *x, const struct nft_expr *cmp)
{
	struct xt_mark_mtinfo1 info = { .mask = 0xffffffffu };

	if (cmp->data.len != 4)
		return false;
	memcpy(&info.mark, cmp->data.bytes, 4);
	if (x->masked)
		memcpy(&info.mask, x->mask, 4);
	info.invert = cmp->u.cmp.op == NFT_CMP_NEQ;
	return add_blob_match(x->r, "mark", 1, &info, sizeof(info)) == 0;
}

/* The tcp/udp match that transport-header compares fill in. */
static struct xt_tcp *ports_blob(struct xlate *x)
{
	const char *name = x->r->proto == IPPROTO_UDP ? "udp" : "tcp";
	struct xt_tcp fresh = { .spts = { 0, 0xffff }, .dpts = { 0, 0xffff } };

	if (x->ports_match < 0) {
		/* xt_udp is a prefix of xt_tcp's layout; size by the name. */
		size_t len = x->r->proto == IPPROTO_UDP ? sizeof(struct xt_udp) : sizeof(struct xt_tcp);

		if (add_blob_match(x->r, name, 0, &fresh, len) < 0)
			return NULL;
		x->ports_match = (int)x->r->match_count - 1;
	}
	return (struct xt_tcp *)(void *)x->r->matches[x->ports_match].data;
}

static bool xlate_ports(struct xlate *x, const uint8_t *low_be, const uint8_t *high_be, bool invert)
{
	struct xt_tcp *tcp;
	uint16_t low, high, *range;
	uint8_t *invflags;
	bool dport = x->offset == 2;

	if (x->len != 2 || (x->offset != 0 && x->offset != 2) ||
	    (x->r->proto != IPPROTO_TCP && x->r->proto != IPPROTO_UDP) || !(tcp = ports_blob(x)))
		return false;
	memcpy(&low, low_be, 2);
	memcpy(&high, high_be, 2);
	/* struct xt_udp shares spts/dpts/invflags' places except invflags. */
	if (x->r->proto == IPPROTO_UDP) {
		struct xt_udp *udp = (struct xt_udp *)(void *)tcp;

		range = dport ? udp->dpts : udp->spts;
		invflags = &udp->invflags;
	} else {
		range = dport ? tcp->dpts : tcp->spts;
		invflags = &tcp->invflags;
	}
	range[0] = ntohs(low);
	range[1] = ntohs(high);
	if (invert)
		*invflags |= dport ? XT_TCP_INV_DSTPT : XT_TCP_INV_SRCPT;
	return true;
}

/* --sport and --dport together: iptables-nft loads both ports as one
 * 4-byte word and compares it once; a != there inverts both, as
 * iptables-nft reads it back. */
static bool xlate_both_ports(struct xlate *x, const struct nft_expr *cmp)
{
	bool invert = cmp->u.cmp.op == NFT_CMP_NEQ;

	x->len = 2;
	if (!xlate_ports(x, cmp->data.bytes, cmp->data.bytes, invert))
		return false;
	x->offset = 2;
	return xlate_ports(x, cmp->data.bytes + 2, cmp->data.bytes + 2, invert);
}

static bool xlate_tcp_flags(struct xlate *x, const struct nft_expr *cmp)
{
	struct xt_tcp *tcp;

	if (x->r->proto != IPPROTO_TCP || x->offset != 13 || x->len != 1 || !(tcp = ports_blob(x)))
		return false;
	tcp->flg_mask = x->masked ? x->mask[0] : 0xff;
	tcp->flg_cmp = cmp->data.bytes[0];
	if (cmp->u.cmp.op == NFT_CMP_NEQ)
		tcp->invflags |= XT_TCP_INV_FLAGS;
	return true;
}

static bool xlate_cmp_meta(struct xlate *x, const struct nft_expr *e)
{
	switch (x->meta_key) {
	case NFT_META_IIFNAME: return xlate_iface(x, e, true);
	case NFT_META_OIFNAME: return xlate_iface(x, e, false);
	case NFT_META_MARK: return xlate_mark(x, e);
	case NFT_META_L4PROTO:
		if (e->data.len < 1)
			return false;
		x->r->proto = e->data.bytes[0];
		if (e->u.cmp.op == NFT_CMP_NEQ)
			x->r->invflags |= XT_RULE_INV_PROTO;
		return true;
	default:
		return false;
	}
}

/* A port range from 0 is one ordered compare (`--dport :1023` is <=
 * 1023, `! --dport :1023` is > 1023); iptables-nft reads an ordered
 * compare back as the range it bounds, not inverted. */
static bool xlate_port_bound(struct xlate *x, const struct nft_expr *cmp)
{
	uint16_t port_be, range[2] = { 0, 0xffff };
	uint8_t low[2], high[2];
	unsigned port;

	if (x->load != LOAD_PAYLOAD || x->base != NFT_PAYLOAD_TRANSPORT_HEADER || cmp->data.len != 2)
		return false;
	memcpy(&port_be, cmp->data.bytes, 2);
	port = ntohs(port_be);
	switch (cmp->u.cmp.op) {
	case NFT_CMP_LT: range[1] = (uint16_t)(port > 2 ? port - 1 : 1); break;
	case NFT_CMP_LTE: range[1] = (uint16_t)port; break;
	case NFT_CMP_GT: range[0] = (uint16_t)(port < 0xffff ? port + 1 : 0xffff); break;
	case NFT_CMP_GTE: range[0] = (uint16_t)port; break;
	default: return false;
	}
	range[0] = htons(range[0]);
	range[1] = htons(range[1]);
	memcpy(low, &range[0], 2);
	memcpy(high, &range[1], 2);
	return xlate_ports(x, low, high, false);
}

static bool xlate_cmp(struct xlate *x, const struct nft_expr *e)
{
	if (e->u.cmp.op != NFT_CMP_EQ && e->u.cmp.op != NFT_CMP_NEQ)
		return xlate_port_bound(x, e);
	if (x->load == LOAD_META)
		return xlate_cmp_meta(x, e);
	if (x->load != LOAD_PAYLOAD)
		return false;
	if (x->base == NFT_PAYLOAD_NETWORK_HEADER) {
		/* IPv4 -f: the fragment offset bits compared with 0. */
		if (x->family == NFPROTO_IPV4 && x->offset == 6 && x->len == 2) {
			x->r->fragment = true;
			if (e->u.cmp.op == NFT_CMP_EQ)
				x->r->invflags |= XT_RULE_INV_FRAG;
			return true;
		}
		if (x->family == NFPROTO_IPV4 && x->offset == 9 && x->len == 1) {
			x->r->proto = e->data.bytes[0];
			if (e->u.cmp.op == NFT_CMP_NEQ)
				x->r->invflags |= XT_RULE_INV_PROTO;
			return true;
		}
		return xlate_address(x, e);
	}
	if (x->base == NFT_PAYLOAD_TRANSPORT_HEADER) {
		if (x->offset == 13)
			return xlate_tcp_flags(x, e);
		if (x->offset == 0 && x->len == 4 && e->data.len == 4)
			return xlate_both_ports(x, e);
		if (e->data.len != 2)
			return false;
		return xlate_ports(x, e->data.bytes, e->data.bytes, e->u.cmp.op == NFT_CMP_NEQ);
	}
	return false;
}

static bool xlate_limit(struct xlate *x, const struct nft_expr *e)
{
	struct xt_rateinfo info;

	if (e->u.limit.rate == 0 || e->u.limit.type != NFT_LIMIT_PKTS)
		return false;
	memset(&info, 0, sizeof(info));
	info.avg = (uint32_t)(XT_LIMIT_SCALE * e->u.limit.unit / e->u.limit.rate);
	info.burst = e->u.limit.burst;
	return add_blob_match(x->r, "limit", 0, &info, sizeof(info)) == 0;
}

static bool xlate_log(struct xlate *x, const struct nft_expr *e)
{
	struct nfdecode_nflog_wide info;
	size_t size = sizeof(struct xt_nflog_info);

	if (!e->u.log.has_group)
		return false;
	memset(&info, 0, sizeof(info));
	info.group = (uint16_t)e->u.log.group;
	info.threshold = (uint16_t)e->u.log.qthreshold;
	/* A snaplen given, even 0, is --nflog-size (iptables-nft reads it so). */
	if (e->u.log.has_snaplen) {
		info.len = e->u.log.snaplen;
		info.flags = XT_NFLOG_F_COPY_LEN;
	}
	if (e->text) {
		snprintf(info.prefix, sizeof(info.prefix), "%s", e->text);
		if (strlen(info.prefix) >= sizeof(((struct xt_nflog_info *)0)->prefix))
			size = sizeof(info);
	}
	x->r->verdict = XT_VERDICT_TARGET;
	return xt_blob_set(&x->r->target, "NFLOG", 0, &info, size) == 0;
}

static bool xlate_immediate(struct xlate *x, const struct nft_expr *e)
{
	if (!e->data.is_verdict) {
		/* A value for a meta set that follows (TRACE's nftrace 1). */
		x->load = LOAD_IMMEDIATE;
		x->immediate_reg = e->u.immediate.dreg;
		x->immediate_set = false;
		for (size_t i = 0; i < e->data.len && i < 4; i++)
			x->immediate_set |= e->data.bytes[i] != 0;
		return true;
	}
	x->r->verdict = verdict_of(e->data.verdict);
	if ((x->r->verdict == XT_VERDICT_JUMP || x->r->verdict == XT_VERDICT_GOTO) && e->data.chain)
		snprintf(x->r->jump, sizeof(x->r->jump), "%s", e->data.chain);
	return x->r->verdict != XT_VERDICT_NONE;
}

/* -j TRACE is `meta nftrace set 1`: an immediate stored by meta, which
 * iptables-nft reads back as TRACE when its first word is not 0; it
 * refuses any other meta set. */
static bool xlate_meta_set(struct xlate *x, const struct nft_expr *e)
{
	if (e->u.meta.key != NFT_META_NFTRACE || x->load != LOAD_IMMEDIATE || !x->immediate_set ||
	    e->u.meta.sreg != x->immediate_reg)
		return false;
	x->r->verdict = XT_VERDICT_TARGET;
	return xt_blob_set(&x->r->target, "TRACE", 0, NULL, 0) == 0;
}

static bool xlate_expr(struct xlate *x, const struct nft_expr *e)
{
	switch (e->kind) {
	case NFT_EXPR_META:
		if (e->u.meta.is_set)
			return xlate_meta_set(x, e);
		x->load = LOAD_META;
		x->meta_key = e->u.meta.key;
		x->masked = false;
		return true;
	case NFT_EXPR_PAYLOAD:
		x->load = LOAD_PAYLOAD;
		x->base = e->u.payload.base;
		x->offset = e->u.payload.offset;
		x->len = e->u.payload.len;
		x->masked = false;
		return true;
	case NFT_EXPR_BITWISE:
		if (e->data.len == 0 || e->data.len > NFT_DATA_LEN)
			return false;
		memcpy(x->mask, e->data.bytes, e->data.len);
		x->masked = true;
		return true;
	case NFT_EXPR_CMP: return xlate_cmp(x, e);
	case NFT_EXPR_RANGE:
		if (x->load != LOAD_PAYLOAD || x->base != NFT_PAYLOAD_TRANSPORT_HEADER || e->data.len != 2 ||
		    e->data2.len != 2)
			return false;
		return xlate_ports(x, e->data.bytes, e->data2.bytes, e->u.range.op == NFT_RANGE_NEQ);
	case NFT_EXPR_COUNTER:
		x->r->packets = e->u.counter.packets;
		x->r->bytes = e->u.counter.bytes;
		return true;
	case NFT_EXPR_IMMEDIATE: return xlate_immediate(x, e);
	case NFT_EXPR_MATCH:
		return add_blob_match(x->r, e->xt_name, (uint8_t)e->u.xt.revision, e->blob, e->blob_len) == 0;
	case NFT_EXPR_TARGET:
		x->r->verdict = XT_VERDICT_TARGET;
		return xt_blob_set(&x->r->target, e->xt_name, (uint8_t)e->u.xt.revision, e->blob, e->blob_len) == 0;
	case NFT_EXPR_LIMIT: return xlate_limit(x, e);
	case NFT_EXPR_LOG: return xlate_log(x, e);
	default: return false;
	}
}

static int on_rule(const struct nft_rule *nr, const char *table, const char *chain, void *arg)
{
	struct xt_collect *c = arg;
	struct xt_chain *xc;
	size_t i = 0;

	if (nr->family != c->family)
		return 0;
	if (c->last_chain && strcmp(c->last_chain_name, chain) == 0 && strcmp(c->last_table, table) == 0) {
		xc = c->last_chain;
	} else {
		struct xt_table *t = find_table(c, table);

		/* Rules come in the order the chains came: try the next one. */
		xc = NULL;
		if (t && c->last_chain && c->last_chain >= t->chains && c->last_chain + 1 < t->chains + t->chain_count &&
		    strcmp(c->last_chain[1].name, chain) == 0)
			xc = c->last_chain + 1;
		if (!xc && !(xc = t ? xt_table_find_chain(t, chain) : NULL))
			return 0;
		c->last_chain = xc;
		snprintf(c->last_table, sizeof(c->last_table), "%.31s", table);
		snprintf(c->last_chain_name, sizeof(c->last_chain_name), "%s", chain);
	}
	struct xt_rule *r = xt_chain_add_rule(xc);

	(void)i;
	return r ? nft_xt_rule(nr, c->family, r) : -ENOMEM;
}

int nft_xt_rule(const struct nft_rule *nr, int family, struct xt_rule *out)
{
	struct xlate x = { .family = family, .ports_match = -1, .r = out };
	size_t i;

	for (i = 0; i < nr->expr_count; i++)
		if (!xlate_expr(&x, &nr->exprs[i]))
			not_translated(&x, nr->exprs[i].name);
	if (nr->comment && add_blob_match(x.r, "comment", 0, nr->comment, strlen(nr->comment) + 1) < 0)
		x.untranslated.failed = true;
	if (x.untranslated.failed) {
		strbuf_free(&x.untranslated);
		return -ENOMEM;
	}
	x.r->untranslated = x.untranslated.data;
	return 0;
}

static void on_restart(void *arg)
{
	struct xt_collect *c = arg;

	xt_tables_free(c->tables, c->count);
	c->tables = NULL;
	c->count = 0;
	c->last_chain = NULL;
}

/* Builtins in hook order first, as iptables-nft lists them. */
static int chain_order(const void *a, const void *b)
{
	const struct xt_chain *x = a, *y = b;

	if (x->builtin != y->builtin)
		return x->builtin ? -1 : 1;
	if (x->builtin)
		return (int)x->hook - (int)y->hook;
	return strcmp(x->name, y->name);
}

int nft_xt_read(int family, const char *only_table, struct xt_table **tables, size_t *count)
{
	static const struct nft_dump_ops ops = {
		.table = on_table, .chain = on_chain, .rule = on_rule, .restart = on_restart, .want_table = want_table,
	};
	struct xt_collect c = { .family = family, .only_table = only_table };
	size_t i;
	int rc = nft_dump(family, &ops, &c);

	if (rc < 0) {
		on_restart(&c);
		return rc;
	}
	if (c.count)
		qsort(c.tables, c.count, sizeof(*c.tables), table_order);
	for (i = 0; i < c.count; i++) {
		if ((rc = xt_table_complete_builtins(&c.tables[i])) < 0) {
			on_restart(&c);
			return rc;
		}
		qsort(c.tables[i].chains, c.tables[i].chain_count, sizeof(*c.tables[i].chains), chain_order);
		xt_table_finish(&c.tables[i]);
	}
	*tables = c.tables;
	*count = c.count;
	return 0;
}
