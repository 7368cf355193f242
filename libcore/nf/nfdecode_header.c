/* Decoders of the header-field extensions: the tos, dscp, ttl, hl,
 * length and connbytes matches and the TOS, DSCP, TTL, HL and NFQUEUE
 * targets, in iptables 1.8.9's save form and list form. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_DSCP.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/xt_connbytes.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter_ipv4/ipt_TTL.h>
#include <linux/netfilter_ipv6/ip6t_HL.h>

#include "nfdecode_impl.h"

/* --- tos / TOS --------------------------------------------------------- */

/* The old TOS field's names, which iptables shows only for the mask 0x3f
 * its symbolic option sets. */
static const char *tos_symbol(uint8_t value, uint8_t mask)
{
	static const struct {
		uint8_t value;
		const char *name;
	} names[] = {
		{ 0x10, "Minimize-Delay" },     { 0x08, "Maximize-Throughput" }, { 0x04, "Maximize-Reliability" },
		{ 0x02, "Minimize-Cost" },      { 0x00, "Normal-Service" },
	};
	size_t i;

	if (mask != 0x3f)
		return NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].value == value)
			return names[i].name;
	return NULL;
}

int nfdecode_tos(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tos_match_info info;
	const char *name;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o)) {
		strbuf_printf(out, "%s --tos 0x%02x/0x%02x", info.invert ? " !" : "", info.tos_value, info.tos_mask);
		return 0;
	}
	strbuf_printf(out, " tos match%s", info.invert ? "!" : "");
	name = o->numeric ? NULL : tos_symbol(info.tos_value, info.tos_mask);
	if (name)
		strbuf_printf(out, " %s", name);
	else
		strbuf_printf(out, "0x%02x/0x%02x", info.tos_value, info.tos_mask);
	return 0;
}

int nfdecode_tos_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tos_target_info info;
	const char *name;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o)) {
		strbuf_printf(out, " --set-tos 0x%02x/0x%02x", info.tos_value, info.tos_mask);
		return 0;
	}
	name = o->numeric ? NULL : tos_symbol(info.tos_value, info.tos_mask);
	if (o->numeric)
		strbuf_printf(out, " TOS set 0x%02x/0x%02x", info.tos_value, info.tos_mask);
	else if (name)
		strbuf_printf(out, "  TOS set%s", name); /* iptables' own spacing */
	else if (info.tos_value == 0)
		strbuf_printf(out, " TOS and 0x%02x", (uint8_t)~info.tos_mask);
	else if (info.tos_value == info.tos_mask)
		strbuf_printf(out, " TOS or 0x%02x", info.tos_value);
	else if (info.tos_mask == 0)
		strbuf_printf(out, " TOS xor 0x%02x", info.tos_value);
	else
		strbuf_printf(out, " TOS set 0x%02x/0x%02x", info.tos_value, info.tos_mask);
	return 0;
}

/* --- dscp / DSCP ------------------------------------------------------- */

int nfdecode_dscp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_dscp_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --dscp 0x%02x", info.invert ? " !" : "", info.dscp);
	else
		strbuf_printf(out, " DSCP match %s0x%02x", info.invert ? "!" : "", info.dscp);
	return 0;
}

int nfdecode_dscp_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_DSCP_info info;

	nfdecode_load(&info, sizeof(info), ext);
	strbuf_printf(out, nfdecode_save(o) ? " --set-dscp 0x%02x" : " DSCP set 0x%02x", info.dscp);
	return 0;
}

/* --- ttl / hl ---------------------------------------------------------- */

/* The ttl and hl matches' blob: a mode (==, !=, <, >) and a value.  Their
 * uapi headers share one include guard with the TTL and HL targets' ones,
 * so the layout is spelt out here. */
struct hop_match_info {
	uint8_t mode;
	uint8_t value;
};

enum { HOP_MATCH_GT = 3 };

static int hop_match(struct strbuf *out, const char *what, const char *opt, const struct nfdecode_ext *ext,
		     const struct nfdecode_opts *o)
{
	static const char *const save_ops[] = { "", " !", "", "" };
	static const char *const save_cmp[] = { "eq", "eq", "lt", "gt" };
	static const char *const list_ops[] = { "==", "!=", "<", ">" };
	struct hop_match_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.mode > HOP_MATCH_GT)
		return -EINVAL;
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --%s-%s %u", save_ops[info.mode], opt, save_cmp[info.mode], info.value);
	else
		strbuf_printf(out, " %s match %s %s %u", what, what, list_ops[info.mode], info.value);
	return 0;
}

int nfdecode_ttl(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return hop_match(out, "TTL", "ttl", ext, o);
}

int nfdecode_hl(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return hop_match(out, "HL", "hl", ext, o);
}

/* TTL and HL targets: set, increment or decrement; the same layout. */
static int hop_target(struct strbuf *out, const char *what, const char *opt, uint8_t mode, uint8_t value,
		      const struct nfdecode_opts *o)
{
	static const char *const save_ops[] = { "set", "inc", "dec" };
	static const char *const list_ops[] = { "set to", "increment by", "decrement by" };

	if (mode > IPT_TTL_DEC)
		return -EINVAL;
	if (nfdecode_save(o))
		strbuf_printf(out, " --%s-%s %u", opt, save_ops[mode], value);
	else
		strbuf_printf(out, " %s %s %u", what, list_ops[mode], value);
	return 0;
}

int nfdecode_ttl_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ipt_TTL_info info;

	nfdecode_load(&info, sizeof(info), ext);
	return hop_target(out, "TTL", "ttl", info.mode, info.ttl, o);
}

int nfdecode_hl_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ip6t_HL_info info;

	nfdecode_load(&info, sizeof(info), ext);
	return hop_target(out, "HL", "hl", info.mode, info.hop_limit, o);
}

/* --- length ------------------------------------------------------------ */

int nfdecode_length(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_length_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --length ", info.invert ? " !" : "");
	else
		strbuf_printf(out, " length %s", info.invert ? "!" : "");
	nfbuf_range(out, info.min, info.max);
	return 0;
}

/* --- connbytes --------------------------------------------------------- */

int nfdecode_connbytes(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	static const char *const modes[] = { "packets", "bytes", "avgpkt" };
	static const char *const dirs[] = { "original", "reply", "both" };
	struct xt_connbytes_info info;
	unsigned long long from, to;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (info.what > XT_CONNBYTES_AVGPKT || info.direction > XT_CONNBYTES_DIR_BOTH)
		return -EINVAL;
	from = info.count.from;
	to = info.count.to;
	/* A range written backwards is iptables' inverted match. */
	if (from > to)
		strbuf_printf(out, save ? " ! --connbytes %llu:%llu" : " ! connbytes %llu:%llu", to, from);
	else
		strbuf_printf(out, save ? " --connbytes %llu:%llu" : " connbytes %llu:%llu", from, to);
	strbuf_printf(out, save ? " --connbytes-mode %s --connbytes-dir %s" : " connbytes mode %s connbytes direction %s",
		     modes[info.what], dirs[info.direction]);
	return 0;
}

/* --- NFQUEUE ----------------------------------------------------------- */

int nfdecode_nfqueue(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_NFQ_info_v3 info;
	bool save = nfdecode_save(o);
	unsigned last;

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 0)
		info.queues_total = info.flags = 0;
	else if (ext->revision == 1)
		info.flags = 0;
	if (!save)
		strbuf_puts(out, " NFQUEUE");
	if (info.queues_total > 1) {
		last = info.queuenum + info.queues_total - 1u;
		strbuf_printf(out, save ? " --queue-balance %u:%u" : " balance %u:%u", info.queuenum, last);
	} else {
		strbuf_printf(out, save ? " --queue-num %u" : " num %u", info.queuenum);
	}
	if (info.flags & NFQ_FLAG_BYPASS)
		strbuf_puts(out, save ? " --queue-bypass" : " bypass");
	if (info.flags & NFQ_FLAG_CPU_FANOUT)
		strbuf_puts(out, save ? " --queue-cpu-fanout" : " cpu-fanout");
	return 0;
}
