/* Named stateful objects as nft 1.0.6 lists them in a table's body and in
 * its JSON schema: counters, quotas, limits, synproxies, ct helpers, ct
 * timeouts and ct expectations.  Both renderings read one decoded object
 * (nft_parse_obj) and the words below; a type or an attribute not read
 * here makes the object "not rendered" (false), never a guess. */
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_synproxy.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/strbuf.h"

#define A(n) (1u << (n))

/* A ct timeout's states by protocol, in the kernel's order, with the
 * timeouts nft leaves out of its policy (its own defaults, in seconds). */
struct timeout_state {
	const char *name;
	uint32_t default_secs;
};

static const struct timeout_state tcp_states[] = {
	{ "syn_sent", 120 }, { "syn_recv", 60 },  { "established", 432000 }, { "fin_wait", 120 },
	{ "close_wait", 60 }, { "last_ack", 30 }, { "time_wait", 120 },       { "close", 10 },
	{ "syn_sent2", 120 }, { "retrans", 300 }, { "unack", 300 },
};
static const struct timeout_state udp_states[] = { { "unreplied", 30 }, { "replied", 120 } };

static const struct timeout_state *timeout_states(uint8_t l4proto, size_t *count)
{
	if (l4proto == IPPROTO_TCP) {
		*count = sizeof(tcp_states) / sizeof(tcp_states[0]);
		return tcp_states;
	}
	if (l4proto == IPPROTO_UDP) {
		*count = sizeof(udp_states) / sizeof(udp_states[0]);
		return udp_states;
	}
	*count = 0;
	return NULL;
}

static const char *l4_word(uint8_t l4proto)
{
	return l4proto == IPPROTO_TCP ? "tcp" : l4proto == IPPROTO_UDP ? "udp" : NULL;
}

static const char *l3_word(uint16_t l3proto)
{
	switch (l3proto) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	default: return NULL;
	}
}

/* Whether every attribute and value of o is one both renderings write. */
static bool obj_understood(const struct nft_obj *o)
{
	size_t states;
	uint32_t known;

	switch (o->type) {
	case NFT_OBJECT_COUNTER:
	case NFT_OBJECT_QUOTA:
	case NFT_OBJECT_LIMIT:
		return nft_rd_expr_understood(&o->expr);
	case NFT_OBJECT_SYNPROXY:
		return nft_rd_expr_understood(&o->expr) && !(o->expr.u.synproxy.flags & ~(uint32_t)NF_SYNPROXY_OPT_MASK);
	case NFT_OBJECT_CT_HELPER:
		known = A(NFTA_CT_HELPER_NAME) | A(NFTA_CT_HELPER_L3PROTO) | A(NFTA_CT_HELPER_L4PROTO);
		break;
	case NFT_OBJECT_CT_TIMEOUT:
		known = A(NFTA_CT_TIMEOUT_L3PROTO) | A(NFTA_CT_TIMEOUT_L4PROTO) | A(NFTA_CT_TIMEOUT_DATA);
		if (!timeout_states(o->l4proto, &states) || o->timeout_count > states)
			return false;
		break;
	case NFT_OBJECT_CT_EXPECT:
		known = A(NFTA_CT_EXPECT_L3PROTO) | A(NFTA_CT_EXPECT_L4PROTO) | A(NFTA_CT_EXPECT_DPORT) |
			A(NFTA_CT_EXPECT_TIMEOUT) | A(NFTA_CT_EXPECT_SIZE);
		break;
	default:
		return false;
	}
	return (o->expr.attrs & ~known) == 0 && l3_word(o->l3proto) && l4_word(o->l4proto);
}

/* A state's timeout as the kernel dumped it, or its default when absent. */
static uint32_t state_timeout(const struct nft_obj *o, const struct timeout_state *states, size_t i)
{
	return i < o->timeout_count ? o->timeouts[i] : states[i].default_secs;
}

/* "established : 122, close : 16" (text) or "\"established\": 122, ..." (JSON). */
static void timeout_policy(struct strbuf *out, const struct nft_obj *o, bool json)
{
	size_t count, i;
	const struct timeout_state *states = timeout_states(o->l4proto, &count);
	const char *sep = "";

	for (i = 0; i < count; i++) {
		uint32_t secs = state_timeout(o, states, i);

		if (secs == states[i].default_secs)
			continue;
		strbuf_printf(out, json ? "%s\"%s\": %u" : "%s%s : %u", sep, states[i].name, secs);
		sep = ", ";
	}
}

/* --- the listing -------------------------------------------------------------- */

static void synproxy_text(struct strbuf *out, uint32_t flags, const struct nft_expr *e)
{
	if (flags & NF_SYNPROXY_OPT_MSS)
		strbuf_printf(out, "\t\tmss %u\n", e->u.synproxy.mss);
	if (flags & NF_SYNPROXY_OPT_WSCALE)
		strbuf_printf(out, "\t\twscale %u\n", e->u.synproxy.wscale);
	/* nft writes both words with one space between, either one empty. */
	if (flags & (NF_SYNPROXY_OPT_TIMESTAMP | NF_SYNPROXY_OPT_SACK_PERM))
		strbuf_printf(out, "\t\t%s %s\n", (flags & NF_SYNPROXY_OPT_TIMESTAMP) ? "timestamp" : "",
			     (flags & NF_SYNPROXY_OPT_SACK_PERM) ? "sack-perm" : "");
}

static void body_text(struct strbuf *out, const struct nft_obj *o, bool stateless)
{
	const struct nft_expr *e = &o->expr;

	switch (o->type) {
	case NFT_OBJECT_COUNTER:
		if (!stateless)
			strbuf_printf(out, "\t\tpackets %" PRIu64 " bytes %" PRIu64 "\n", e->u.counter.packets,
				     e->u.counter.bytes);
		break;
	case NFT_OBJECT_QUOTA:
		strbuf_puts(out, "\t\t");
		nft_rd_quota_text(out, e, stateless);
		strbuf_puts(out, "\n");
		break;
	case NFT_OBJECT_LIMIT:
		strbuf_puts(out, "\t\t");
		nft_rd_limit_text(out, e);
		strbuf_puts(out, "\n");
		break;
	case NFT_OBJECT_SYNPROXY: synproxy_text(out, e->u.synproxy.flags, e); break;
	case NFT_OBJECT_CT_HELPER:
		strbuf_printf(out, "\t\ttype \"%s\" protocol %s\n\t\tl3proto %s\n", o->helper, l4_word(o->l4proto),
			     l3_word(o->l3proto));
		break;
	case NFT_OBJECT_CT_TIMEOUT:
		strbuf_printf(out, "\t\tprotocol %s\n\t\tl3proto %s\n\t\tpolicy = { ", l4_word(o->l4proto),
			     l3_word(o->l3proto));
		timeout_policy(out, o, false);
		strbuf_puts(out, " }\n");
		break;
	default: /* NFT_OBJECT_CT_EXPECT */
		strbuf_printf(out, "\t\tprotocol %s\n\t\tdport %u\n", l4_word(o->l4proto), o->dport);
		nft_print_duration(out, "\t\ttimeout ", o->expect_timeout_ms);
		strbuf_printf(out, "\n\t\tsize %u\n\t\tl3proto %s\n", o->expect_size, l3_word(o->l3proto));
		break;
	}
}

bool nft_print_obj(struct strbuf *out, const struct nft_obj *o, bool stateless)
{
	if (!obj_understood(o))
		return false;
	strbuf_printf(out, "\t%s %s {\n", nft_obj_type_name(o->type), o->name);
	if (o->comment)
		strbuf_printf(out, "\t\tcomment \"%s\"\n", o->comment);
	body_text(out, o, stateless);
	strbuf_puts(out, "\t}\n");
	return true;
}

/* --- nft -j ----------------------------------------------------------------------- */

static void limit_json(struct strbuf *out, const struct nft_expr *e)
{
	bool bytes = e->u.limit.type == NFT_LIMIT_PKT_BYTES;
	uint64_t rate = e->u.limit.rate, burst = e->u.limit.burst;
	const char *rate_unit = bytes ? nft_rd_data_unit(e->u.limit.rate, &rate) : NULL;
	const char *burst_unit = bytes ? nft_rd_data_unit(e->u.limit.burst, &burst) : NULL;

	strbuf_printf(out, ", \"rate\": %" PRIu64 ", \"per\": \"%s\"", rate, nft_rd_limit_unit(e->u.limit.unit));
	if (e->u.limit.flags & NFT_LIMIT_F_INV)
		strbuf_puts(out, ", \"inv\": true");
	if (rate_unit)
		strbuf_printf(out, ", \"rate_unit\": \"%s\"", rate_unit);
	if (burst)
		strbuf_printf(out, ", \"burst\": %" PRIu64, burst);
	if (burst && burst_unit)
		strbuf_printf(out, ", \"burst_unit\": \"%s\"", burst_unit);
}

static void synproxy_json(struct strbuf *out, const struct nft_expr *e)
{
	uint32_t flags = e->u.synproxy.flags;
	bool ts = flags & NF_SYNPROXY_OPT_TIMESTAMP, sack = flags & NF_SYNPROXY_OPT_SACK_PERM;

	if (flags & NF_SYNPROXY_OPT_MSS)
		strbuf_printf(out, ", \"mss\": %u", e->u.synproxy.mss);
	if (flags & NF_SYNPROXY_OPT_WSCALE)
		strbuf_printf(out, ", \"wscale\": %u", e->u.synproxy.wscale);
	if (ts || sack)
		strbuf_printf(out, ", \"flags\": [%s%s%s]", ts ? "\"timestamp\"" : "", ts && sack ? ", " : "",
			     sack ? "\"sack-perm\"" : "");
}

static void body_json(struct strbuf *out, const struct nft_obj *o)
{
	const struct nft_expr *e = &o->expr;

	switch (o->type) {
	case NFT_OBJECT_COUNTER:
		strbuf_printf(out, ", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64, e->u.counter.packets,
			     e->u.counter.bytes);
		break;
	case NFT_OBJECT_QUOTA:
		strbuf_printf(out, ", \"bytes\": %" PRIu64 ", \"used\": %" PRIu64 ", \"inv\": %s", e->u.quota.bytes,
			     e->u.quota.consumed, (e->u.quota.flags & NFT_QUOTA_F_INV) ? "true" : "false");
		break;
	case NFT_OBJECT_LIMIT: limit_json(out, e); break;
	case NFT_OBJECT_SYNPROXY: synproxy_json(out, e); break;
	case NFT_OBJECT_CT_HELPER:
		nft_json_member(out, "type", o->helper);
		strbuf_printf(out, ", \"protocol\": \"%s\", \"l3proto\": \"%s\"", l4_word(o->l4proto),
			     l3_word(o->l3proto));
		break;
	case NFT_OBJECT_CT_TIMEOUT:
		strbuf_printf(out, ", \"protocol\": \"%s\", \"l3proto\": \"%s\", \"policy\": {", l4_word(o->l4proto),
			     l3_word(o->l3proto));
		timeout_policy(out, o, true);
		strbuf_puts(out, "}");
		break;
	default: /* NFT_OBJECT_CT_EXPECT */
		strbuf_printf(out, ", \"protocol\": \"%s\", \"dport\": %u, \"timeout\": %u, \"size\": %u, \"l3proto\": \"%s\"",
			     l4_word(o->l4proto), o->dport, o->expect_timeout_ms, o->expect_size, l3_word(o->l3proto));
		break;
	}
}

bool nft_json_obj(struct strbuf *out, const struct nft_obj *o)
{
	if (!obj_understood(o))
		return false;
	strbuf_printf(out, "{\"%s\": {\"family\": \"%s\"", nft_obj_type_name(o->type), nft_family_name(o->family));
	nft_json_member(out, "name", o->name);
	nft_json_member(out, "table", o->table);
	strbuf_printf(out, ", \"handle\": %" PRIu64, o->handle);
	if (o->comment)
		nft_json_member(out, "comment", o->comment);
	body_json(out, o);
	strbuf_puts(out, "}}");
	return true;
}
