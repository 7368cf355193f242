/* nft's view of iptables-nft's compat blobs.  iptables-nft keeps matches
 * and targets it cannot express natively as x_tables blobs inside
 * nf_tables `match`/`target` expressions; `nft list` (built with
 * libxtables, as Debian's is) asks each iptables extension to translate its
 * blob and prints the translation in place.  These decoders write the same
 * text as iptables 1.8.9's translators, checked against nft 1.0.6 listing
 * rules made by iptables-nft (tests/func/nft_xt.t).  A blob the translator
 * declines (uid and gid together, an icmp code, a port offset...) returns
 * -ENOENT and nft's `xt match NAME` stands. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_statistic.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>

#include "nfdecode_impl.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ALL_ONES 0xffffffffu

/* The transport names nft's payload expressions use for ports. */
static const char *l4_name(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_DCCP: return "dccp";
	default: return NULL;
	}
}

static const char *negation(bool invert) { return invert ? "!= " : ""; }

static void port_range(struct strbuf *out, unsigned low, unsigned high)
{
	if (low == high)
		strbuf_printf(out, "%u", low);
	else
		strbuf_printf(out, "%u-%u", low, high);
}

/* --- comment: nft keeps the rule's own comment and prints nothing here -- */

static int nft_comment(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	(void)out, (void)ext, (void)o;
	return 0;
}

/* --- multiport --------------------------------------------------------- */

/* Ports and ranges listed: a range takes two slots of ports[]. */
static unsigned multiport_items(const struct xt_multiport_v1 *info)
{
	unsigned i, items = 0;

	for (i = 0; i < info->count; i++, items++)
		if (info->pflags[i])
			i++;
	return items;
}

static int nft_multiport(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_multiport_v1 info;
	const char *proto = l4_name(o->proto);
	unsigned i, items;

	if (!proto)
		return -ENOENT;
	if (nfdecode_multiport_load(ext, &info) < 0)
		return -EINVAL;
	if (info.flags == XT_MULTIPORT_EITHER) {
		/* Either port: a concatenation, every listed port on one side
		 * with any port on the other (ranges and inversion are lost,
		 * as in iptables' own translation). */
		strbuf_printf(out, "%s sport . %s dport { ", proto, proto);
		for (i = 0; i < info.count; i++)
			strbuf_printf(out, "%s0-65535 . %u, %u . 0-65535", i ? ", " : "", info.ports[i], info.ports[i]);
		strbuf_puts(out, " }");
		return 0;
	}
	strbuf_printf(out, "%s %s %s", proto, info.flags == XT_MULTIPORT_SOURCE ? "sport" : "dport",
		     negation(info.invert));
	items = multiport_items(&info);
	if (items > 1)
		strbuf_puts(out, "{ ");
	for (i = 0; i < info.count; i++) {
		strbuf_printf(out, "%s%u", i ? ", " : "", info.ports[i]);
		if (info.pflags[i] && i + 1 < info.count)
			strbuf_printf(out, "-%u", info.ports[++i]);
	}
	if (items > 1)
		strbuf_puts(out, " }");
	return 0;
}

/* --- tcp / udp (compat only when iptables-nft needed the blob) ---------- */

static void ports_item(struct strbuf *out, const char *sep, const char *proto, const char *dir,
		       const uint16_t range[2], bool invert)
{
	strbuf_printf(out, "%s%s %s %s", sep, proto, dir, negation(invert));
	port_range(out, range[0], range[1]);
}

static bool full_range(const uint16_t range[2]) { return range[0] == 0 && range[1] == 0xffff; }

static void tcp_flag_names(struct strbuf *out, unsigned flags)
{
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr" };
	const char *sep = "";
	unsigned i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (flags & (1u << i)) {
			strbuf_printf(out, "%s%s", sep, names[i]);
			sep = ",";
		}
}

static int nft_tcp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tcp info;
	const char *sep = "";

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	if (!full_range(info.spts)) {
		ports_item(out, sep, "tcp", "sport", info.spts, info.invflags & XT_TCP_INV_SRCPT);
		sep = " ";
	}
	if (!full_range(info.dpts)) {
		ports_item(out, sep, "tcp", "dport", info.dpts, info.invflags & XT_TCP_INV_DSTPT);
		sep = " ";
	}
	if (info.option) {
		strbuf_printf(out, "%stcp option %u %s", sep, info.option,
			     (info.invflags & XT_TCP_INV_OPTION) ? "missing" : "exists");
		sep = " ";
	}
	if (info.flg_mask || (info.invflags & XT_TCP_INV_FLAGS)) {
		strbuf_printf(out, "%stcp flags %s", sep, negation(info.invflags & XT_TCP_INV_FLAGS));
		tcp_flag_names(out, info.flg_cmp);
		strbuf_puts(out, " / ");
		tcp_flag_names(out, info.flg_mask);
	}
	return 0;
}

static int nft_udp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_udp info;
	const char *sep = "";

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	if (!full_range(info.spts)) {
		ports_item(out, sep, "udp", "sport", info.spts, info.invflags & XT_UDP_INV_SRCPT);
		sep = " ";
	}
	if (!full_range(info.dpts))
		ports_item(out, sep, "udp", "dport", info.dpts, info.invflags & XT_UDP_INV_DSTPT);
	return 0;
}

/* --- icmp / icmp6: whole types only, by nft's names --------------------- */

struct type_name {
	uint8_t type;
	const char *name;
};

static const struct type_name icmp_types[] = {
	{ 0, "echo-reply" }, { 3, "destination-unreachable" }, { 4, "source-quench" }, { 5, "redirect" },
	{ 8, "echo-request" }, { 9, "router-advertisement" }, { 10, "router-solicitation" },
	{ 11, "time-exceeded" }, { 12, "parameter-problem" }, { 13, "timestamp-request" },
	{ 14, "timestamp-reply" }, { 17, "address-mask-request" }, { 18, "address-mask-reply" },
};

static const struct type_name icmp6_types[] = {
	{ 1, "destination-unreachable" }, { 2, "packet-too-big" }, { 3, "time-exceeded" },
	{ 4, "parameter-problem" }, { 128, "echo-request" }, { 129, "echo-reply" },
	{ 133, "nd-router-solicit" }, { 134, "nd-router-advert" }, { 135, "nd-neighbor-solicit" },
	{ 136, "nd-neighbor-advert" }, { 137, "nd-redirect" },
};

static const char *type_name(const struct type_name *table, size_t count, uint8_t type)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i].type == type)
			return table[i].name;
	return NULL;
}

static int icmp_any(struct strbuf *out, const char *keyword, const struct type_name *table, size_t count,
		    const struct ipt_icmp *info)
{
	const char *name;

	if (info->code[0] != 0 || info->code[1] != 0xff)
		return -ENOENT;
	if (!(name = type_name(table, count, info->type)))
		return -ENOENT;
	strbuf_printf(out, "%s type %s%s", keyword, negation(info->invflags & IPT_ICMP_INV), name);
	return 0;
}

static int nft_icmp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ipt_icmp info;

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	if (info.type == 0xff) {
		/* --icmp-type any, inverted or not, becomes the protocol. */
		strbuf_puts(out, "ip protocol icmp");
		return 0;
	}
	return icmp_any(out, "icmp", icmp_types, ARRAY_LEN(icmp_types), &info);
}

static int nft_icmp6(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ipt_icmp info; /* ip6t_icmp has the same layout */

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	return icmp_any(out, "icmpv6", icmp6_types, ARRAY_LEN(icmp6_types), &info);
}

/* --- conntrack and its state alias -------------------------------------- */

static void ct_state_names(struct strbuf *out, unsigned mask, bool invert)
{
	static const struct { unsigned bit; const char *name; } states[] = {
		{ XT_CONNTRACK_STATE_INVALID, "invalid" }, { XT_CONNTRACK_STATE_BIT(IP_CT_NEW), "new" },
		{ XT_CONNTRACK_STATE_BIT(IP_CT_RELATED), "related" },
		{ XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED), "established" },
		{ XT_CONNTRACK_STATE_UNTRACKED, "untracked" },
	};
	const char *sep = invert ? "! " : "";
	size_t i;

	for (i = 0; i < ARRAY_LEN(states); i++)
		if (mask & states[i].bit) {
			strbuf_printf(out, "%s%s", sep, states[i].name);
			sep = ",";
		}
}

static void ct_status_names(struct strbuf *out, unsigned mask, bool invert)
{
	static const char *const names[] = { "expected", "seen-reply", "assured", "confirmed" };
	const char *sep = invert ? "! " : "";
	unsigned i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (mask & (1u << i)) {
			strbuf_printf(out, "%s%s", sep, names[i]);
			sep = ",";
		}
}

/* One conntrack item: "ct original saddr != 10.0.0.0/8". */
struct ct_item {
	struct strbuf *out;
	const char *sep;
	unsigned flags, invert;
	int family;
};

static bool ct_begin(struct ct_item *ct, unsigned bit, const char *what)
{
	if (!(ct->flags & bit))
		return false;
	strbuf_printf(ct->out, "%sct %s %s", ct->sep, what, negation(ct->invert & bit));
	ct->sep = " ";
	return true;
}

static void ct_address(struct ct_item *ct, unsigned bit, const char *what, const union nf_inet_addr *addr,
		       const union nf_inet_addr *mask)
{
	int prefix;

	if (!ct_begin(ct, bit, what))
		return;
	nfbuf_addr(ct->out, ct->family, (const uint8_t *)addr);
	/* A prefix shows as "/N"; a mask that is not one is left out. */
	prefix = nf_mask_prefix_len(ct->family, (const uint8_t *)mask);
	if (prefix >= 0 && prefix < (ct->family == NFPROTO_IPV6 ? 128 : 32))
		strbuf_printf(ct->out, "/%d", prefix);
}

/* Revision 3 (the only one translated) keeps both ends in host order. */
static void ct_ports(struct ct_item *ct, unsigned bit, const char *what, uint16_t low, uint16_t high)
{
	if (ct_begin(ct, bit, what))
		port_range(ct->out, low, high);
}

static void ct_states(struct ct_item *ct, const struct xt_conntrack_mtinfo3 *info)
{
	const unsigned nat_states = XT_CONNTRACK_STATE_SNAT | XT_CONNTRACK_STATE_DNAT;

	if (!(ct->flags & XT_CONNTRACK_STATE))
		return;
	if (info->state_mask & nat_states) {
		/* iptables 1.8.9 says only which NAT, and drops the rest. */
		strbuf_printf(ct->out, "%sct status %s", ct->sep,
			     (info->state_mask & XT_CONNTRACK_STATE_SNAT) ? "snat" : "dnat");
	} else {
		strbuf_printf(ct->out, "%sct state ", ct->sep);
		ct_state_names(ct->out, info->state_mask, ct->invert & XT_CONNTRACK_STATE);
	}
	ct->sep = " ";
}

static int nft_conntrack(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_conntrack_mtinfo3 info;
	struct ct_item ct = { .out = out, .sep = "", .family = o->family };
	const char *dir;

	nfdecode_load(&info, sizeof(info), ext);
	ct.flags = info.match_flags;
	ct.invert = info.invert_flags;
	dir = (ct.invert & XT_CONNTRACK_DIRECTION) ? "reply" : "original";
	if (ct.flags & XT_CONNTRACK_DIRECTION) {
		strbuf_printf(out, "ct direction %s", dir);
		ct.sep = " ";
	}
	if (ct.flags & XT_CONNTRACK_PROTO) {
		strbuf_printf(out, "%sct %s protocol %s%u", ct.sep, dir, negation(ct.invert & XT_CONNTRACK_PROTO),
			     info.l4proto);
		ct.sep = " ";
	}
	ct_states(&ct, &info);
	if (ct.flags & XT_CONNTRACK_STATUS) {
		/* Inverted statuses read "ct status ! assured", not "!=". */
		strbuf_printf(out, "%sct status ", ct.sep);
		ct_status_names(out, info.status_mask, ct.invert & XT_CONNTRACK_STATUS);
		ct.sep = " ";
	}
	if (ct_begin(&ct, XT_CONNTRACK_EXPIRES, "expiration"))
		port_range(out, info.expires_min, info.expires_max);
	ct_address(&ct, XT_CONNTRACK_ORIGSRC, "original saddr", &info.origsrc_addr, &info.origsrc_mask);
	ct_address(&ct, XT_CONNTRACK_ORIGDST, "original daddr", &info.origdst_addr, &info.origdst_mask);
	ct_address(&ct, XT_CONNTRACK_REPLSRC, "reply saddr", &info.replsrc_addr, &info.replsrc_mask);
	ct_address(&ct, XT_CONNTRACK_REPLDST, "reply daddr", &info.repldst_addr, &info.repldst_mask);
	ct_ports(&ct, XT_CONNTRACK_ORIGSRC_PORT, "original proto-src", info.origsrc_port, info.origsrc_port_high);
	ct_ports(&ct, XT_CONNTRACK_ORIGDST_PORT, "original proto-dst", info.origdst_port, info.origdst_port_high);
	ct_ports(&ct, XT_CONNTRACK_REPLSRC_PORT, "reply proto-src", info.replsrc_port, info.replsrc_port_high);
	ct_ports(&ct, XT_CONNTRACK_REPLDST_PORT, "reply proto-dst", info.repldst_port, info.repldst_port_high);
	return 0;
}

/* --- connmark, addrtype, statistic, owner, iprange ---------------------- */

static int nft_connmark(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_connmark_mtinfo1 info;

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	if (info.mask == ALL_ONES)
		strbuf_printf(out, "ct mark %s0x%x", negation(info.invert), info.mark);
	else
		strbuf_printf(out, "ct mark and 0x%x %s 0x%x", info.mask, info.invert ? "!=" : "==", info.mark);
	return 0;
}

static void fib_types(struct strbuf *out, unsigned mask)
{
	/* nft has no names for throw, nat and xresolve: they are left out. */
	static const char *const names[] = {
		"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
		"blackhole", "unreachable", "prohibit",
	};
	bool several = __builtin_popcount(mask) > 1;
	const char *sep = several ? " { " : " ";
	unsigned i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (mask & (1u << i)) {
			strbuf_printf(out, "%s%s", sep, names[i]);
			sep = ", ";
		}
	if (several)
		strbuf_puts(out, " }");
}

static int nft_addrtype(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_addrtype_info_v1 info;
	bool source, invert;
	const char *iface = "";

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	if (!info.source && !info.dest)
		return -ENOENT;
	/* Only one side is translated: the source when both are given. */
	source = info.source != 0;
	invert = info.flags & (source ? XT_ADDRTYPE_INVERT_SOURCE : XT_ADDRTYPE_INVERT_DEST);
	if (info.flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		iface = " . iif";
	else if (info.flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		iface = " . oif";
	strbuf_printf(out, "fib %s%s type%s", source ? "saddr" : "daddr", iface, invert ? " !=" : "");
	fib_types(out, source ? info.source : info.dest);
	return 0;
}

static int nft_statistic(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_statistic_info info;
	bool invert;

	(void)o;
	nfdecode_load(&info, offsetof(struct xt_statistic_info, master), ext);
	invert = info.flags & XT_STATISTIC_INVERT;
	switch (info.mode) {
	case XT_STATISTIC_MODE_RANDOM:
		/* The kernel compares 31 random bits with probability * 2^31. */
		strbuf_printf(out, "meta random & 2147483647 %s %u", invert ? ">=" : "<", info.u.random.probability);
		return 0;
	case XT_STATISTIC_MODE_NTH:
		strbuf_printf(out, "numgen inc mod %u %s%u", info.u.nth.every + 1, negation(invert), info.u.nth.packet);
		return 0;
	default:
		return -EINVAL;
	}
}

static int nft_owner(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_owner_match_info info;

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	/* One of uid or gid alone; anything else has no translation. */
	if (info.match == XT_OWNER_UID) {
		strbuf_printf(out, "skuid %s", negation(info.invert & XT_OWNER_UID));
		port_range(out, info.uid_min, info.uid_max);
	} else if (info.match == XT_OWNER_GID) {
		strbuf_printf(out, "skgid %s", negation(info.invert & XT_OWNER_GID));
		port_range(out, info.gid_min, info.gid_max);
	} else {
		return -ENOENT;
	}
	return 0;
}

static void iprange_item(struct strbuf *out, const char *sep, const char *dir, const union nf_inet_addr *min,
			 const union nf_inet_addr *max, bool invert, int family)
{
	strbuf_printf(out, "%s%s %s %s", sep, family == NFPROTO_IPV6 ? "ip6" : "ip", dir, negation(invert));
	nfbuf_addr(out, family, (const uint8_t *)min);
	strbuf_puts(out, "-");
	nfbuf_addr(out, family, (const uint8_t *)max);
}

static int nft_iprange(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_iprange_mtinfo info;
	const char *sep = "";

	nfdecode_load(&info, sizeof(info), ext);
	if (info.flags & IPRANGE_SRC) {
		iprange_item(out, sep, "saddr", &info.src_min, &info.src_max, info.flags & IPRANGE_SRC_INV, o->family);
		sep = " ";
	}
	if (info.flags & IPRANGE_DST)
		iprange_item(out, sep, "daddr", &info.dst_min, &info.dst_max, info.flags & IPRANGE_DST_INV, o->family);
	return 0;
}

/* --- targets ------------------------------------------------------------ */

size_t nfdecode_nft_nat_flags(uint32_t flags, const char **names, size_t max)
{
	static const struct { uint32_t bit; const char *name; } known[] = {
		{ NF_NAT_RANGE_PROTO_RANDOM, "random" },
		{ NF_NAT_RANGE_PROTO_RANDOM_FULLY, "fully-random" },
		{ NF_NAT_RANGE_PERSISTENT, "persistent" },
	};
	size_t i, n = 0;

	for (i = 0; i < ARRAY_LEN(known) && n < max; i++)
		if (flags & known[i].bit)
			names[n++] = known[i].name;
	return n;
}

void nfdecode_nft_nat_flag_list(struct strbuf *out, uint32_t flags)
{
	const char *names[3];
	size_t n = nfdecode_nft_nat_flags(flags, names, ARRAY_LEN(names)), i;

	for (i = 0; i < n; i++)
		strbuf_printf(out, "%s%s", i ? "," : " ", names[i]);
}

static int nft_nat(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
		   const char *statement)
{
	struct nf_nat_range2 r;

	if (nfdecode_nat_range(ext, o, &r) < 0)
		return -EINVAL;
	if (r.flags & NF_NAT_RANGE_PROTO_OFFSET)
		return -ENOENT;
	strbuf_puts(out, statement);
	if (r.flags & (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED)) {
		strbuf_puts(out, " to ");
		nfdecode_nat_addresses_ports(out, &r, o);
	}
	nfdecode_nft_nat_flag_list(out, r.flags);
	return 0;
}

static int nft_dnat(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return nft_nat(out, ext, o, "dnat");
}

static int nft_snat(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return nft_nat(out, ext, o, "snat");
}

static int nft_masquerade(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return nft_nat(out, ext, o, "masquerade");
}

static int nft_redirect(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return nft_nat(out, ext, o, "redirect");
}

static int nft_reject(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	/* The ICMP type names nft uses, by iptables' reject-with numbers;
	 * NULL: no translation.  Port unreachable is nft's default. */
	static const char *const v4[] = {
		[IPT_ICMP_NET_UNREACHABLE] = "net-unreachable", [IPT_ICMP_HOST_UNREACHABLE] = "host-unreachable",
		[IPT_ICMP_PROT_UNREACHABLE] = "prot-unreachable", [IPT_ICMP_NET_PROHIBITED] = "net-prohibited",
		[IPT_ICMP_HOST_PROHIBITED] = "host-prohibited", [IPT_ICMP_ADMIN_PROHIBITED] = "admin-prohibited",
	};
	static const char *const v6[] = {
		[IP6T_ICMP6_NO_ROUTE] = "no-route", [IP6T_ICMP6_ADM_PROHIBITED] = "admin-prohibited",
		[IP6T_ICMP6_ADDR_UNREACH] = "addr-unreachable", [IP6T_ICMP6_POLICY_FAIL] = "policy-fail",
		[IP6T_ICMP6_REJECT_ROUTE] = "reject-route",
	};
	bool is_v6 = o->family == NFPROTO_IPV6;
	const char *const *names = is_v6 ? v6 : v4;
	size_t count = is_v6 ? ARRAY_LEN(v6) : ARRAY_LEN(v4);
	uint32_t with;

	memcpy(&with, ext->data, sizeof(with));
	if (with == (is_v6 ? (uint32_t)IP6T_ICMP6_PORT_UNREACH : (uint32_t)IPT_ICMP_PORT_UNREACHABLE)) {
		strbuf_puts(out, "reject");
		return 0;
	}
	if (with == (is_v6 ? (uint32_t)IP6T_TCP_RESET : (uint32_t)IPT_TCP_RESET)) {
		strbuf_puts(out, "reject with tcp reset");
		return 0;
	}
	if (with >= count || !names[with])
		return -ENOENT;
	strbuf_printf(out, "reject with %s type %s", is_v6 ? "icmpv6" : "icmp", names[with]);
	return 0;
}

#define LOG_DEFAULT_LEVEL 4

static void log_flags(struct strbuf *out, unsigned flags)
{
	if ((flags & XT_LOG_MASK) == XT_LOG_MASK) {
		strbuf_puts(out, " flags all");
		return;
	}
	if (flags & (XT_LOG_TCPSEQ | XT_LOG_TCPOPT)) {
		strbuf_puts(out, " flags tcp");
		if (flags & XT_LOG_TCPSEQ)
			strbuf_puts(out, " sequence");
		if (flags & XT_LOG_TCPOPT)
			strbuf_puts(out, (flags & XT_LOG_TCPSEQ) ? ",options" : " options");
	}
	if (flags & XT_LOG_IPOPT)
		strbuf_puts(out, " flags ip options");
	if (flags & XT_LOG_UID)
		strbuf_puts(out, " flags skuid");
	if (flags & XT_LOG_MACDECODE)
		strbuf_puts(out, " flags ether");
}

static int nft_log(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_log_info info;
	char prefix[sizeof(info.prefix) + 1];

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	memcpy(prefix, info.prefix, sizeof(info.prefix));
	prefix[sizeof(info.prefix)] = '\0';
	strbuf_puts(out, "log");
	if (prefix[0])
		strbuf_printf(out, " prefix \"%s\"", prefix); /* verbatim, as nft shows it */
	if (info.level != LOG_DEFAULT_LEVEL) {
		if (!nf_log_level_name(info.level))
			return -ENOENT;
		strbuf_printf(out, " level %s", nf_log_level_name(info.level));
	}
	log_flags(out, info.logflags);
	return 0;
}

/* The kernel's (value, mask): new = (old & ~mask) ^ value. */
static void mark_expression(struct strbuf *out, const char *old, uint32_t value, uint32_t mask, bool xor_first)
{
	if (mask == ALL_ONES)
		strbuf_printf(out, "0x%x", value);
	else if (value == 0)
		strbuf_printf(out, "%s and 0x%x", old, ~mask);
	else if (value == mask)
		strbuf_printf(out, "%s or 0x%x", old, value);
	else if (mask == 0)
		strbuf_printf(out, "%s xor 0x%x", old, value);
	else if (xor_first) /* CONNMARK's translation writes it this way round */
		strbuf_printf(out, "%s xor 0x%x and 0x%x", old, value, ~mask);
	else
		strbuf_printf(out, "%s and 0x%x xor 0x%x", old, ~mask, value);
}

static int nft_mark_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_mark_tginfo2 info;

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	strbuf_puts(out, "meta mark set ");
	mark_expression(out, "mark", info.mark, info.mask, false);
	return 0;
}

/* Copying between the packet mark and the connection mark translates only
 * with one mask for both sides. */
static int mark_copy(struct strbuf *out, const char *dst, const char *src, uint32_t nfmask, uint32_t ctmask)
{
	if (nfmask != ctmask)
		return -ENOENT;
	strbuf_printf(out, "%s set %s", dst, src);
	if (ctmask != ALL_ONES)
		strbuf_printf(out, " and 0x%x", ctmask);
	return 0;
}

static int nft_connmark_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_connmark_tginfo2 info;

	(void)o;
	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision >= 2 && info.shift_bits)
		return -ENOENT;
	switch (info.mode) {
	case XT_CONNMARK_SET:
		strbuf_puts(out, "ct mark set ");
		mark_expression(out, "ct mark", info.ctmark, info.ctmask, true);
		return 0;
	case XT_CONNMARK_SAVE:
		return mark_copy(out, "ct mark", "mark", info.nfmask, info.ctmask);
	case XT_CONNMARK_RESTORE:
		return mark_copy(out, "meta mark", "ct mark", info.nfmask, info.ctmask);
	default:
		return -EINVAL;
	}
}

/* Revisions as iptables-nft 1.8.9 writes them; others stay `xt ...`. */
static const struct nfdecode_entry nft_match_table[] = {
	{ "addrtype", 1, 1, 0, sizeof(struct xt_addrtype_info_v1), nft_addrtype },
	{ "comment", 0, 0, 0, 0, nft_comment },
	{ "connmark", 1, 1, 0, sizeof(struct xt_connmark_mtinfo1), nft_connmark },
	{ "conntrack", 3, 3, 0, sizeof(struct xt_conntrack_mtinfo3), nft_conntrack },
	{ "icmp", 0, 0, NFPROTO_IPV4, sizeof(struct ipt_icmp), nft_icmp },
	{ "icmp6", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_icmp), nft_icmp6 },
	{ "iprange", 1, 1, 0, sizeof(struct xt_iprange_mtinfo), nft_iprange },
	{ "multiport", 0, 0, 0, sizeof(struct xt_multiport), nft_multiport },
	{ "multiport", 1, 1, 0, sizeof(struct xt_multiport_v1), nft_multiport },
	{ "owner", 1, 1, 0, sizeof(struct xt_owner_match_info), nft_owner },
	{ "statistic", 0, 0, 0, offsetof(struct xt_statistic_info, master), nft_statistic },
	{ "tcp", 0, 0, 0, sizeof(struct xt_tcp), nft_tcp },
	{ "udp", 0, 0, 0, sizeof(struct xt_udp), nft_udp },
};

static const struct nfdecode_entry nft_target_table[] = {
	{ "CONNMARK", 1, 1, 0, sizeof(struct xt_connmark_tginfo1), nft_connmark_target },
	{ "CONNMARK", 2, 2, 0, sizeof(struct xt_connmark_tginfo2), nft_connmark_target },
	{ "DNAT", 0, 2, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), nft_dnat },
	{ "LOG", 0, 0, 0, sizeof(struct xt_log_info), nft_log },
	{ "MARK", 2, 2, 0, sizeof(struct xt_mark_tginfo2), nft_mark_target },
	{ "MASQUERADE", 0, 0, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), nft_masquerade },
	{ "REDIRECT", 0, 0, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), nft_redirect },
	{ "REJECT", 0, 0, 0, sizeof(uint32_t), nft_reject },
	{ "SNAT", 0, 2, 0, sizeof(struct nf_nat_ipv4_multi_range_compat), nft_snat },
};

const struct nfdecode_entry *nfdecode_nft_matches(size_t *count)
{
	*count = ARRAY_LEN(nft_match_table);
	return nft_match_table;
}

const struct nfdecode_entry *nfdecode_nft_targets(size_t *count)
{
	*count = ARRAY_LEN(nft_target_table);
	return nft_target_table;
}
