/* Target decoders: NAT (DNAT, SNAT, MASQUERADE, REDIRECT), REJECT, LOG,
 * NFLOG, MARK and CONNMARK, in iptables 1.8.9's save and list forms.  The
 * standard verdicts and jumps are not blobs: the rule printers show them. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_CHECKSUM.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter/xt_HMARK.h>
#include <linux/netfilter/xt_IDLETIMER.h>
#include <linux/netfilter/xt_SYNPROXY.h>
#include <linux/netfilter/xt_TCPOPTSTRIP.h>
#include <linux/netfilter/xt_TEE.h>
#include <linux/netfilter/xt_TPROXY.h>
#include <linux/netfilter_ipv4/ipt_ECN.h>
#include <linux/netfilter_ipv6/ip6t_NPT.h>
#include <linux/netfilter/xt_DSCP.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/xt_RATEEST.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_set.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv4/ipt_TTL.h>
#include <linux/netfilter_ipv6/ip6t_HL.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>
#include <stdio.h>

#include "nfdecode_impl.h"

/* --- NAT ------------------------------------------------------------- */

/* Every NAT blob layout, widened to the newest (nf_nat_range2). */
int nfdecode_nat_range(const struct nfdecode_ext *ext, const struct nfdecode_opts *o, struct nf_nat_range2 *r)
{
	memset(r, 0, sizeof(*r));
	if (o->family == NFPROTO_IPV4 && ext->revision == 0) {
		struct nf_nat_ipv4_multi_range_compat compat;

		if (ext->len < sizeof(compat))
			return -EINVAL;
		nfdecode_load(&compat, sizeof(compat), ext);
		if (compat.rangesize != 1)
			return -EINVAL;
		r->flags = compat.range[0].flags;
		r->min_addr.ip = compat.range[0].min_ip;
		r->max_addr.ip = compat.range[0].max_ip;
		r->min_proto = compat.range[0].min;
		r->max_proto = compat.range[0].max;
		return 0;
	}
	if (ext->revision <= 1) {
		if (ext->len < sizeof(struct nf_nat_range))
			return -EINVAL;
		nfdecode_load(r, sizeof(struct nf_nat_range), ext);
		return 0;
	}
	if (ext->len < sizeof(*r))
		return -EINVAL;
	nfdecode_load(r, sizeof(*r), ext);
	return 0;
}

void nfdecode_nat_addresses_ports(struct strbuf *out, const struct nf_nat_range2 *r, const struct nfdecode_opts *o)
{
	bool v6 = o->family == NFPROTO_IPV6;
	bool ports = r->flags & NF_NAT_RANGE_PROTO_SPECIFIED;

	if (r->flags & NF_NAT_RANGE_MAP_IPS) {
		if (v6 && ports)
			strbuf_puts(out, "[");
		nfbuf_addr(out, o->family, (const uint8_t *)&r->min_addr);
		if (memcmp(&r->min_addr, &r->max_addr, sizeof(r->min_addr)) != 0) {
			strbuf_puts(out, "-");
			nfbuf_addr(out, o->family, (const uint8_t *)&r->max_addr);
		}
		if (v6 && ports)
			strbuf_puts(out, "]");
	}
	if (ports) {
		strbuf_printf(out, ":%u", ntohs(r->min_proto.all));
		if (r->max_proto.all != r->min_proto.all)
			strbuf_printf(out, "-%u", ntohs(r->max_proto.all));
		if (r->flags & NF_NAT_RANGE_PROTO_OFFSET)
			strbuf_printf(out, "/%u", ntohs(r->base_proto.all));
	}
}

static void nat_flags(struct strbuf *out, unsigned flags, const struct nfdecode_opts *o)
{
	const char *p = nfdecode_save(o) ? "--" : "";

	/* iptables' order, not the bits' order. */
	if (flags & NF_NAT_RANGE_PROTO_RANDOM)
		strbuf_printf(out, " %srandom", p);
	if (flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		strbuf_printf(out, " %srandom-fully", p);
	if (flags & NF_NAT_RANGE_PERSISTENT)
		strbuf_printf(out, " %spersistent", p);
}

static int decode_snat_dnat(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
			    const char *save_opt)
{
	struct nf_nat_range2 r;

	if (nfdecode_nat_range(ext, o, &r) < 0)
		return -EINVAL;
	if (r.flags & (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED)) {
		strbuf_puts(out, nfdecode_save(o) ? save_opt : " to:");
		nfdecode_nat_addresses_ports(out, &r, o);
	}
	nat_flags(out, r.flags, o);
	return 0;
}

static int decode_dnat(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return decode_snat_dnat(out, ext, o, " --to-destination ");
}

static int decode_snat(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return decode_snat_dnat(out, ext, o, " --to-source ");
}

/* MASQUERADE and REDIRECT: only ports. */
static int decode_port_nat(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
			   const char *list_label)
{
	struct nf_nat_range2 r;

	if (nfdecode_nat_range(ext, o, &r) < 0)
		return -EINVAL;
	if (r.flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
		strbuf_printf(out, " %s%u", nfdecode_save(o) ? "--to-ports " : list_label, ntohs(r.min_proto.all));
		if (r.max_proto.all != r.min_proto.all)
			strbuf_printf(out, "-%u", ntohs(r.max_proto.all));
	}
	if (r.flags & NF_NAT_RANGE_PROTO_RANDOM)
		strbuf_puts(out, nfdecode_save(o) ? " --random" : " random");
	if (r.flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		strbuf_puts(out, nfdecode_save(o) ? " --random-fully" : " random-fully");
	return 0;
}

static int decode_masquerade(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return decode_port_nat(out, ext, o, "masq ports: ");
}

static int decode_redirect(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return decode_port_nat(out, ext, o, "redir ports ");
}

/* --- REJECT ---------------------------------------------------------- */

static int decode_reject(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	static const char *const v4_names[] = {
		"icmp-net-unreachable", "icmp-host-unreachable", "icmp-proto-unreachable",
		"icmp-port-unreachable", "echo-reply", "icmp-net-prohibited", "icmp-host-prohibited",
		"tcp-reset", "icmp-admin-prohibited",
	};
	static const char *const v6_names[] = {
		"icmp6-no-route", "icmp6-adm-prohibited", "icmp6-not-neighbor", "icmp6-addr-unreachable",
		"icmp6-port-unreachable", "echo-reply", "tcp-reset", "icmp6-policy-fail", "icmp6-reject-route",
	};
	uint32_t with;

	memcpy(&with, ext->data, sizeof(with));
	if (with >= 9)
		return -EINVAL;
	strbuf_printf(out, " %sreject-with %s", nfdecode_save(o) ? "--" : "",
		     o->family == NFPROTO_IPV6 ? v6_names[with] : v4_names[with]);
	return 0;
}

/* --- LOG / NFLOG ------------------------------------------------------ */

#define LOG_DEFAULT_LEVEL 4

static int decode_log(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	static const struct { unsigned bit; const char *save, *list; } flags[] = {
		{ XT_LOG_TCPSEQ, " --log-tcp-sequence", " tcp-sequence" },
		{ XT_LOG_TCPOPT, " --log-tcp-options", " tcp-options" },
		{ XT_LOG_IPOPT, " --log-ip-options", " ip-options" },
		{ XT_LOG_UID, " --log-uid", " uid" },
		{ XT_LOG_MACDECODE, " --log-macdecode", " macdecode" },
	};
	struct xt_log_info info;
	char prefix[sizeof(info.prefix) + 1];
	size_t i;

	nfdecode_load(&info, sizeof(info), ext);
	memcpy(prefix, info.prefix, sizeof(info.prefix));
	prefix[sizeof(info.prefix)] = '\0';
	if (nfdecode_save(o)) {
		if (prefix[0]) {
			strbuf_puts(out, " --log-prefix");
			nfbuf_save_string(out, prefix);
		}
		if (info.level != LOG_DEFAULT_LEVEL)
			strbuf_printf(out, " --log-level %u", info.level);
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (info.logflags & flags[i].bit)
				strbuf_puts(out, flags[i].save);
		return 0;
	}
	strbuf_puts(out, " LOG");
	if (o->numeric) {
		strbuf_printf(out, " flags %u level %u", info.logflags, info.level);
	} else {
		if (nf_log_level_name(info.level))
			strbuf_printf(out, " level %s", nf_log_level_name(info.level));
		else
			strbuf_printf(out, " UNKNOWN level %u", info.level);
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (info.logflags & flags[i].bit)
				strbuf_puts(out, flags[i].list);
		if (info.logflags & ~XT_LOG_MASK)
			strbuf_printf(out, " unknown-flags=0x%x", info.logflags & ~XT_LOG_MASK);
	}
	if (prefix[0])
		strbuf_printf(out, " prefix \"%s\"", prefix);
	return 0;
}

static int decode_nflog(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	/* The wide layout reads both: a legacy blob's prefix ends within 64. */
	struct nfdecode_nflog_wide info;
	const char *p = nfdecode_save(o) ? "--" : "";
	char prefix[sizeof(info.prefix) + 1];

	nfdecode_load(&info, sizeof(info), ext);
	memcpy(prefix, info.prefix, sizeof(info.prefix));
	prefix[sizeof(info.prefix)] = '\0';
	if (prefix[0]) {
		strbuf_printf(out, " %snflog-prefix", p);
		nfbuf_save_string(out, prefix);
	}
	if (info.group)
		strbuf_printf(out, " %snflog-group %u", p, info.group);
	if (info.flags & XT_NFLOG_F_COPY_LEN)
		strbuf_printf(out, " %snflog-size %u", p, info.len);
	else if (info.len)
		strbuf_printf(out, " %snflog-range %u", p, info.len);
	if (info.threshold != XT_NFLOG_DEFAULT_THRESHOLD)
		strbuf_printf(out, " %snflog-threshold %u", p, info.threshold);
	return 0;
}

/* --- MARK / CONNMARK -------------------------------------------------- */

/* iptables names a mark operation by what it does to the bits. */
static void mark_operation(struct strbuf *out, const char *who, uint32_t value, uint32_t mask)
{
	if (value == 0)
		strbuf_printf(out, " %s and 0x%x", who, (unsigned)~mask);
	else if (value == mask)
		strbuf_printf(out, " %s or 0x%x", who, value);
	else if (mask == 0)
		strbuf_printf(out, " %s xor 0x%x", who, value);
	else if (mask == 0xffffffffu)
		strbuf_printf(out, " %s set 0x%x", who, value);
	else
		strbuf_printf(out, " %s xset 0x%x/0x%x", who, value, mask);
}

static int decode_mark_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_mark_tginfo2 info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, " --set-xmark 0x%x/0x%x", info.mark, info.mask);
	else
		mark_operation(out, "MARK", info.mark, info.mask);
	return 0;
}

static void connmark_masks(struct strbuf *out, const char *what, uint32_t nfmask, uint32_t ctmask, bool restore)
{
	if (nfmask == 0xffffffffu && ctmask == 0xffffffffu)
		strbuf_printf(out, " CONNMARK %s", what);
	else if (nfmask == ctmask)
		strbuf_printf(out, " CONNMARK %s mask 0x%x", what, nfmask);
	else if (restore)
		strbuf_printf(out, " CONNMARK %s ctmask 0x%x nfmask ~0x%x", what, ctmask, nfmask);
	else
		strbuf_printf(out, " CONNMARK %s nfmask 0x%x ctmask ~0x%x", what, nfmask, ctmask);
}

static int decode_connmark_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_connmark_tginfo2 info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision < 2)
		info.shift_dir = info.shift_bits = 0;
	switch (info.mode) {
	case XT_CONNMARK_SET:
		if (save)
			strbuf_printf(out, " --set-xmark 0x%x/0x%x", info.ctmark, info.ctmask);
		else
			mark_operation(out, "CONNMARK", info.ctmark, info.ctmask);
		break;
	case XT_CONNMARK_SAVE:
		if (save)
			strbuf_printf(out, " --save-mark --nfmask 0x%x --ctmask 0x%x", info.nfmask, info.ctmask);
		else
			connmark_masks(out, "save", info.nfmask, info.ctmask, false);
		break;
	case XT_CONNMARK_RESTORE:
		if (save)
			strbuf_printf(out, " --restore-mark --nfmask 0x%x --ctmask 0x%x", info.nfmask, info.ctmask);
		else
			connmark_masks(out, "restore", info.nfmask, info.ctmask, true);
		break;
	default:
		return -EINVAL;
	}
	if (info.shift_bits)
		strbuf_printf(out, save ? " --%s-shift-mark %u" : " %s-shift-mark %u", info.shift_dir ? "right" : "left",
			     info.shift_bits);
	return 0;
}

static const struct nfdecode_entry target_table[] = {
	{ "AUDIT", 0, 0, 0, sizeof(uint8_t), nfdecode_audit },
	{ "CHECKSUM", 0, 0, 0, sizeof(struct xt_CHECKSUM_info), nfdecode_checksum },
	{ "CLASSIFY", 0, 0, 0, sizeof(uint32_t), nfdecode_classify },
	{ "CONNSECMARK", 0, 0, 0, sizeof(uint8_t), nfdecode_connsecmark },
	{ "CONNMARK", 1, 1, 0, sizeof(struct xt_connmark_tginfo1), decode_connmark_target },
	{ "CONNMARK", 2, 2, 0, sizeof(struct xt_connmark_tginfo2), decode_connmark_target },
	{ "CT", 0, 0, 0, offsetof(struct xt_ct_target_info, ct), nfdecode_ct },
	{ "CT", 1, 2, 0, offsetof(struct xt_ct_target_info_v1, ct), nfdecode_ct },
	{ "DNAT", 0, 2, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), decode_dnat },
	{ "DNPT", 0, 0, NFPROTO_IPV6, offsetof(struct ip6t_npt_tginfo, adjustment), nfdecode_dnpt },
	{ "DSCP", 0, 0, 0, sizeof(struct xt_DSCP_info), nfdecode_dscp_target },
	{ "ECN", 0, 0, NFPROTO_IPV4, sizeof(struct ipt_ECN_info), nfdecode_ecn_target },
	{ "HMARK", 0, 0, 0, sizeof(struct xt_hmark_info), nfdecode_hmark },
	{ "HL", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_HL_info), nfdecode_hl_target },
	{ "IDLETIMER", 0, 0, 0, offsetof(struct idletimer_tg_info, timer), nfdecode_idletimer },
	{ "IDLETIMER", 1, 1, 0, offsetof(struct idletimer_tg_info_v1, timer), nfdecode_idletimer },
	{ "LOG", 0, 0, 0, sizeof(struct xt_log_info), decode_log },
	{ "MARK", 2, 2, 0, sizeof(struct xt_mark_tginfo2), decode_mark_target },
	{ "MASQUERADE", 0, 0, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), decode_masquerade },
	{ "NETMAP", 0, 0, NFPROTO_IPV4, sizeof(struct nf_nat_ipv4_multi_range_compat), nfdecode_netmap },
	{ "NETMAP", 0, 0, NFPROTO_IPV6, sizeof(struct nf_nat_range), nfdecode_netmap },
	{ "NFLOG", 0, 0, 0, sizeof(struct xt_nflog_info), decode_nflog },
	{ "NFQUEUE", 0, 0, 0, sizeof(struct xt_NFQ_info), nfdecode_nfqueue },
	{ "NFQUEUE", 1, 1, 0, sizeof(struct xt_NFQ_info_v1), nfdecode_nfqueue },
	{ "NFQUEUE", 2, 3, 0, sizeof(struct xt_NFQ_info_v3), nfdecode_nfqueue },
	{ "RATEEST", 0, 0, 0, offsetof(struct xt_rateest_target_info, est), nfdecode_rateest_target },
	{ "REDIRECT", 0, 0, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), decode_redirect },
	{ "REJECT", 0, 0, 0, sizeof(uint32_t), decode_reject },
	{ "SNPT", 0, 0, NFPROTO_IPV6, offsetof(struct ip6t_npt_tginfo, adjustment), nfdecode_snpt },
	{ "SYNPROXY", 0, 0, 0, sizeof(struct xt_synproxy_info), nfdecode_synproxy },
	{ "SET", 1, 1, 0, sizeof(struct xt_set_info_target_v1), nfdecode_set_target },
	{ "SET", 2, 2, 0, sizeof(struct xt_set_info_target_v2), nfdecode_set_target },
	{ "SET", 3, 3, 0, sizeof(struct xt_set_info_target_v3), nfdecode_set_target },
	{ "SNAT", 0, 2, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), decode_snat },
	{ "TCPOPTSTRIP", 0, 0, 0, sizeof(struct xt_tcpoptstrip_target_info), nfdecode_tcpoptstrip },
	{ "TEE", 1, 1, 0, offsetof(struct xt_tee_tginfo, priv), nfdecode_tee },
	{ "TCPMSS", 0, 0, 0, sizeof(uint16_t), nfdecode_tcpmss_target },
	{ "TOS", 1, 1, 0, sizeof(struct xt_tos_target_info), nfdecode_tos_target },
	{ "TPROXY", 0, 0, NFPROTO_IPV4, sizeof(struct xt_tproxy_target_info), nfdecode_tproxy },
	{ "TPROXY", 1, 1, 0, sizeof(struct xt_tproxy_target_info_v1), nfdecode_tproxy },
	{ "TRACE", 0, 0, 0, 0, nfdecode_no_options },
	{ "TTL", 0, 0, NFPROTO_IPV4, sizeof(struct ipt_TTL_info), nfdecode_ttl_target },
};

const struct nfdecode_entry *nfdecode_targets(size_t *count)
{
	*count = sizeof(target_table) / sizeof(target_table[0]);
	return target_table;
}
