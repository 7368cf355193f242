/* Match decoders: each renders one extension blob in iptables 1.8.9's save
 * form (" --dport 22") or list form (" tcp dpt:22"). */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_osf.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_bpf.h>
#include <linux/netfilter/xt_u32.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter/xt_realm.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_helper.h>
#include <linux/netfilter/xt_cluster.h>
#include <linux/netfilter/xt_string.h>
#include <linux/netfilter/xt_rpfilter.h>
#include <linux/netfilter/xt_policy.h>
#include <linux/netfilter/xt_ipcomp.h>
#include <linux/netfilter/xt_connlabel.h>
#include <linux/netfilter/xt_cgroup.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_connbytes.h>
#include <linux/netfilter/xt_connlimit.h>
#include <linux/netfilter/xt_cpu.h>
#include <linux/netfilter/xt_dccp.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_ecn.h>
#include <linux/netfilter/xt_esp.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_hashlimit.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_physdev.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_quota.h>
#include <linux/netfilter/xt_rateest.h>
#include <linux/netfilter/xt_recent.h>
#include <linux/netfilter/xt_sctp.h>
#include <linux/netfilter/xt_socket.h>
#include <linux/netfilter/xt_statistic.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_ah.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter_ipv6/ip6t_ah.h>
#include <linux/netfilter_ipv6/ip6t_frag.h>
#include <linux/netfilter_ipv6/ip6t_ipv6header.h>
#include <linux/netfilter_ipv6/ip6t_mh.h>
#include <linux/netfilter_ipv6/ip6t_opts.h>
#include <linux/netfilter_ipv6/ip6t_rt.h>
#include <linux/netfilter_ipv6/ip6t_srh.h>
#include <stdio.h>

#include "nfdecode_impl.h"
#include "sonde/services.h"

/* Copies a fixed-size kernel string so it is terminated whatever the blob
 * held. */
static void copy_name(char *dst, size_t size, const char *src, size_t src_size)
{
	size_t n = strnlen(src, src_size < size - 1 ? src_size : size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* --- comment ---------------------------------------------------------- */

static int decode_comment(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_comment_info info;
	char text[XT_MAX_COMMENT_LEN + 1];

	nfdecode_load(&info, sizeof(info), ext);
	copy_name(text, sizeof(text), info.comment, sizeof(info.comment));
	if (nfdecode_save(o)) {
		strbuf_puts(out, " --comment");
		nfbuf_save_string(out, text);
	} else {
		strbuf_printf(out, " /* %s */", text);
	}
	return 0;
}

/* --- tcp / udp --------------------------------------------------------- */

/* The protocol whose service names a port takes (iptables asks for the
 * rule's own protocol: udplite has none). */
static const char *service_proto(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_DCCP: return "dccp";
	default: return NULL;
	}
}

static void list_port(struct strbuf *out, uint16_t port, const char *proto, const struct nfdecode_opts *o)
{
	const char *name = o->numeric || !proto ? NULL : services_name(port, proto);

	if (name)
		strbuf_puts(out, name);
	else
		strbuf_printf(out, "%u", port);
}

static void port_range(struct strbuf *out, const char *save_opt, const char *list_name, const uint16_t range[2],
		       bool invert, const char *proto, const struct nfdecode_opts *o)
{
	if (nfdecode_save(o)) {
		if (range[0] == 0 && range[1] == 0xffff)
			return;
		strbuf_puts(out, invert ? " ! " : " ");
		strbuf_puts(out, save_opt);
		strbuf_add(out, " ", 1);
		nfbuf_uint(out, range[0]);
		if (range[0] != range[1]) {
			strbuf_add(out, ":", 1);
			nfbuf_uint(out, range[1]);
		}
		return;
	}
	if (range[0] == 0 && range[1] == 0xffff && !invert)
		return;
	strbuf_printf(out, " %s%s:%s", list_name, range[0] == range[1] ? "" : "s", invert ? "!" : "");
	list_port(out, range[0], proto, o);
	if (range[0] != range[1]) {
		strbuf_puts(out, ":");
		list_port(out, range[1], proto, o);
	}
}

static void tcp_flag_names(struct strbuf *out, uint8_t flags)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG" };
	bool any = false;
	unsigned i;

	for (i = 0; i < 6; i++) {
		if (!(flags & (1u << i)))
			continue;
		strbuf_printf(out, "%s%s", any ? "," : "", names[i]);
		any = true;
	}
	if (!any)
		strbuf_puts(out, "NONE");
}

static int decode_tcp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tcp info;

	nfdecode_load(&info, sizeof(info), ext);
	if (!nfdecode_save(o))
		strbuf_puts(out, " tcp");
	port_range(out, "--sport", "spt", info.spts, info.invflags & XT_TCP_INV_SRCPT, "tcp", o);
	port_range(out, "--dport", "dpt", info.dpts, info.invflags & XT_TCP_INV_DSTPT, "tcp", o);
	if (info.option || (info.invflags & XT_TCP_INV_OPTION)) {
		if (nfdecode_save(o))
			strbuf_printf(out, "%s --tcp-option %u", (info.invflags & XT_TCP_INV_OPTION) ? " !" : "",
				     info.option);
		else
			strbuf_printf(out, " option=%s%u", (info.invflags & XT_TCP_INV_OPTION) ? "!" : "", info.option);
	}
	if (info.flg_mask || (info.invflags & XT_TCP_INV_FLAGS)) {
		bool inv = info.invflags & XT_TCP_INV_FLAGS;

		if (nfdecode_save(o)) {
			strbuf_printf(out, "%s --tcp-flags ", inv ? " !" : "");
		} else if (o->numeric) {
			strbuf_printf(out, " flags:%s0x%02X/0x%02X", inv ? "!" : "", info.flg_mask, info.flg_cmp);
			return 0;
		} else {
			strbuf_printf(out, " flags:%s", inv ? "!" : "");
		}
		tcp_flag_names(out, info.flg_mask);
		strbuf_puts(out, nfdecode_save(o) ? " " : "/");
		tcp_flag_names(out, info.flg_cmp);
	}
	return 0;
}

static int decode_udp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_udp info;

	nfdecode_load(&info, sizeof(info), ext);
	if (!nfdecode_save(o))
		strbuf_puts(out, " udp");
	port_range(out, "--sport", "spt", info.spts, info.invflags & XT_UDP_INV_SRCPT, "udp", o);
	port_range(out, "--dport", "dpt", info.dpts, info.invflags & XT_UDP_INV_DSTPT, "udp", o);
	return 0;
}

/* --- icmp ------------------------------------------------------------ */

struct icmp_name {
	uint8_t type, code_min, code_max;
	const char *name;
};

static const struct icmp_name icmp_names[] = {
	{ 0, 0, 0xff, "echo-reply" }, { 3, 0, 0xff, "destination-unreachable" },
	{ 3, 0, 0, "network-unreachable" }, { 3, 1, 1, "host-unreachable" },
	{ 3, 2, 2, "protocol-unreachable" }, { 3, 3, 3, "port-unreachable" },
	{ 3, 4, 4, "fragmentation-needed" }, { 3, 5, 5, "source-route-failed" },
	{ 3, 6, 6, "network-unknown" }, { 3, 7, 7, "host-unknown" }, { 3, 9, 9, "network-prohibited" },
	{ 3, 10, 10, "host-prohibited" }, { 3, 11, 11, "TOS-network-unreachable" },
	{ 3, 12, 12, "TOS-host-unreachable" }, { 3, 13, 13, "communication-prohibited" },
	{ 3, 14, 14, "host-precedence-violation" }, { 3, 15, 15, "precedence-cutoff" },
	{ 4, 0, 0xff, "source-quench" }, { 5, 0, 0xff, "redirect" }, { 5, 0, 0, "network-redirect" },
	{ 5, 1, 1, "host-redirect" }, { 5, 2, 2, "TOS-network-redirect" }, { 5, 3, 3, "TOS-host-redirect" },
	{ 8, 0, 0xff, "echo-request" }, { 9, 0, 0xff, "router-advertisement" },
	{ 10, 0, 0xff, "router-solicitation" }, { 11, 0, 0xff, "time-exceeded" },
	{ 11, 0, 0, "ttl-zero-during-transit" }, { 11, 1, 1, "ttl-zero-during-reassembly" },
	{ 12, 0, 0xff, "parameter-problem" }, { 12, 0, 0, "ip-header-bad" },
	{ 12, 1, 1, "required-option-missing" }, { 13, 0, 0xff, "timestamp-request" },
	{ 14, 0, 0xff, "timestamp-reply" }, { 17, 0, 0xff, "address-mask-request" },
	{ 18, 0, 0xff, "address-mask-reply" },
};

static const struct icmp_name icmp6_names[] = {
	{ 1, 0, 0xff, "destination-unreachable" }, { 1, 0, 0, "no-route" },
	{ 1, 1, 1, "communication-prohibited" }, { 1, 2, 2, "beyond-scope" },
	{ 1, 3, 3, "address-unreachable" }, { 1, 4, 4, "port-unreachable" }, { 1, 5, 5, "failed-policy" },
	{ 1, 6, 6, "reject-route" }, { 2, 0, 0xff, "packet-too-big" }, { 3, 0, 0xff, "time-exceeded" },
	{ 3, 0, 0, "ttl-zero-during-transit" }, { 3, 1, 1, "ttl-zero-during-reassembly" },
	{ 4, 0, 0xff, "parameter-problem" }, { 4, 0, 0, "bad-header" }, { 4, 1, 1, "unknown-header-type" },
	{ 4, 2, 2, "unknown-option" }, { 128, 0, 0xff, "echo-request" }, { 129, 0, 0xff, "echo-reply" },
	{ 130, 0, 0xff, "mld-listener-query" }, { 131, 0, 0xff, "mld-listener-report" },
	{ 132, 0, 0xff, "mld-listener-done" }, { 133, 0, 0xff, "router-solicitation" },
	{ 134, 0, 0xff, "router-advertisement" }, { 135, 0, 0xff, "neighbour-solicitation" },
	{ 136, 0, 0xff, "neighbour-advertisement" }, { 137, 0, 0xff, "redirect" },
};

static const char *icmp_name(uint8_t type, const uint8_t code[2], bool v6)
{
	const struct icmp_name *names = v6 ? icmp6_names : icmp_names;
	size_t count = v6 ? sizeof(icmp6_names) / sizeof(icmp6_names[0]) : sizeof(icmp_names) / sizeof(icmp_names[0]);
	size_t i;

	for (i = 0; i < count; i++)
		if (names[i].type == type && names[i].code_min == code[0] && names[i].code_max == code[1])
			return names[i].name;
	return NULL;
}

/* The shared shape of icmp and icmp6 (same layout: type, code[2], invflags). */
static int decode_icmp_any(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
			   bool v6)
{
	struct ipt_icmp info;
	bool inv;
	const char *name;

	nfdecode_load(&info, sizeof(info), ext);
	inv = info.invflags & IPT_ICMP_INV;
	if (nfdecode_save(o)) {
		strbuf_printf(out, "%s %s", inv ? " !" : "", v6 ? "--icmpv6-type" : "--icmp-type");
		if (!v6 && info.type == 0xff) {
			strbuf_puts(out, " any");
			return 0;
		}
		strbuf_printf(out, " %u", info.type);
		if (info.code[0] != 0 || info.code[1] != 0xff)
			strbuf_printf(out, "/%u", info.code[0]);
		return 0;
	}
	name = o->numeric ? NULL : icmp_name(info.type, info.code, v6);
	/* "any" is a name: -n prints the number. */
	if (!o->numeric && !v6 && info.type == 0xff && info.code[0] == 0 && info.code[1] == 0xff) {
		strbuf_printf(out, " icmp %sany", inv ? "!" : "");
		return 0;
	}
	if (name) {
		strbuf_printf(out, " %s %s%s", v6 ? "ipv6-icmp" : "icmp", inv ? "!" : "", name);
		return 0;
	}
	/* iptables writes " icmp", then " !" or nothing, then "type N". */
	strbuf_printf(out, " %s%stype %u", v6 ? "ipv6-icmp" : "icmp", inv ? " !" : "", info.type);
	if (info.code[0] == info.code[1])
		strbuf_printf(out, " code %u", info.code[0]);
	else if (info.code[0] != 0 || info.code[1] != 0xff)
		strbuf_printf(out, " codes %u-%u", info.code[0], info.code[1]);
	return 0;
}

static int decode_icmp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return decode_icmp_any(out, ext, o, false);
}

static int decode_icmp6(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return decode_icmp_any(out, ext, o, true);
}

/* --- multiport -------------------------------------------------------- */

int nfdecode_multiport_load(const struct nfdecode_ext *ext, struct xt_multiport_v1 *info)
{
	nfdecode_load(info, sizeof(*info), ext);
	if (ext->revision == 0) {
		/* Revision 0 has no ranges: flags, count, ports[15]. */
		struct xt_multiport v0;

		nfdecode_load(&v0, sizeof(v0), ext);
		memset(info, 0, sizeof(*info));
		info->flags = v0.flags;
		info->count = v0.count;
		memcpy(info->ports, v0.ports, sizeof(v0.ports));
	}
	return info->flags > XT_MULTIPORT_EITHER || info->count > XT_MULTI_PORTS ? -EINVAL : 0;
}

static int decode_multiport(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_multiport_v1 info;
	static const char *const kinds[] = { "sports", "dports", "ports" };
	unsigned i;

	if (nfdecode_multiport_load(ext, &info) < 0)
		return -EINVAL;
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --%s ", info.invert ? " !" : "", kinds[info.flags]);
	else
		strbuf_printf(out, " multiport %s %s", kinds[info.flags], info.invert ? "! " : "");
	for (i = 0; i < info.count; i++) {
		if (i)
			strbuf_puts(out, ",");
		if (nfdecode_save(o))
			strbuf_printf(out, "%u", info.ports[i]);
		else
			list_port(out, info.ports[i], service_proto(o->proto), o);
		if (info.pflags[i] && i + 1 < info.count) {
			i++;
			if (nfdecode_save(o))
				strbuf_printf(out, ":%u", info.ports[i]);
			else {
				strbuf_puts(out, ":");
				list_port(out, info.ports[i], service_proto(o->proto), o);
			}
		}
	}
	return 0;
}

/* --- conntrack and its state alias -------------------------------------- */

int nfdecode_conntrack_flags(const struct nfdecode_ext *m, uint16_t *match_flags)
{
	const size_t at = offsetof(struct xt_conntrack_mtinfo2, match_flags);

	if (m->revision < 1 || m->revision > 3 || m->len < at + sizeof(*match_flags))
		return -EINVAL;
	memcpy(match_flags, (const uint8_t *)m->data + at, sizeof(*match_flags));
	return 0;
}

static void ct_states(struct strbuf *out, unsigned mask)
{
	static const struct { unsigned bit; const char *name; } states[] = {
		{ XT_CONNTRACK_STATE_INVALID, "INVALID" }, { 1u << 3, "NEW" }, { 1u << 2, "RELATED" },
		{ 1u << 1, "ESTABLISHED" }, { XT_CONNTRACK_STATE_UNTRACKED, "UNTRACKED" },
		{ XT_CONNTRACK_STATE_SNAT, "SNAT" }, { XT_CONNTRACK_STATE_DNAT, "DNAT" },
	};
	const char *sep = " ";
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		if (!(mask & states[i].bit))
			continue;
		strbuf_printf(out, "%s%s", sep, states[i].name);
		sep = ",";
	}
}

static void ct_status(struct strbuf *out, unsigned mask)
{
	static const char *const names[] = { "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED" };
	const char *sep = " ";
	unsigned i;

	if (mask == 0) {
		strbuf_puts(out, " NONE");
		return;
	}
	for (i = 0; i < 4; i++) {
		if (!(mask & (1u << i)))
			continue;
		strbuf_printf(out, "%s%s", sep, names[i]);
		sep = ",";
	}
}

static void ct_addr(struct strbuf *out, const char *label, const union nf_inet_addr *addr,
		    const union nf_inet_addr *mask, const struct nfdecode_opts *o)
{
	strbuf_printf(out, " %s ", label);
	if (!nfdecode_save(o) && !o->numeric && o->family == NFPROTO_IPV4 && addr->ip == 0) {
		strbuf_puts(out, "anywhere");
		return;
	}
	nfbuf_addr(out, o->family, (const uint8_t *)addr);
	nfbuf_mask(out, o->family, (const uint8_t *)mask);
}

/* Revisions 1 and 2 hold one port in network order; revision 3 a range
 * [low, high], both in host order (the kernel compares them with ntohs of
 * the tuple's port). */
static void ct_port(struct strbuf *out, const char *label, uint16_t low_raw, uint16_t high, bool ranged)
{
	uint16_t low = ranged ? low_raw : ntohs(low_raw);

	if (ranged && high != low)
		strbuf_printf(out, " %s %u:%u", label, low, high);
	else
		strbuf_printf(out, " %s %u", label, low);
}

static int decode_state_alias(struct strbuf *out, const struct xt_conntrack_mtinfo3 *info,
			      const struct nfdecode_opts *o)
{
	bool inv = info->invert_flags & XT_CONNTRACK_STATE;

	if (nfdecode_save(o))
		strbuf_printf(out, "%s --state", inv ? " !" : "");
	else
		strbuf_printf(out, "%s state", inv ? " !" : "");
	ct_states(out, info->state_mask);
	return 0;
}

static int decode_conntrack(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_conntrack_mtinfo3 info;
	const char *p = nfdecode_save(o) ? "--" : "";
	char label[32];
	unsigned flags, inv;

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 1) {
		/* Revision 1 has 8-bit state and status masks. */
		struct xt_conntrack_mtinfo1 v1;

		nfdecode_load(&v1, sizeof(v1), ext);
		info.state_mask = v1.state_mask;
		info.status_mask = v1.status_mask;
	}
	flags = info.match_flags;
	inv = info.invert_flags;
	if (flags & XT_CONNTRACK_STATE_ALIAS)
		return decode_state_alias(out, &info, o);
#define CT_INV(bit) ((inv & (bit)) ? " !" : "")
#define CT_LABEL(name) (snprintf(label, sizeof(label), "%s%s", p, name), label)
	if (flags & XT_CONNTRACK_STATE) {
		strbuf_printf(out, "%s %sctstate", CT_INV(XT_CONNTRACK_STATE), p);
		ct_states(out, info.state_mask);
	}
	if (flags & XT_CONNTRACK_PROTO)
		strbuf_printf(out, "%s %sctproto %u", CT_INV(XT_CONNTRACK_PROTO), p, info.l4proto);
	if (flags & XT_CONNTRACK_ORIGSRC) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_ORIGSRC));
		ct_addr(out, CT_LABEL("ctorigsrc"), &info.origsrc_addr, &info.origsrc_mask, o);
	}
	if (flags & XT_CONNTRACK_ORIGDST) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_ORIGDST));
		ct_addr(out, CT_LABEL("ctorigdst"), &info.origdst_addr, &info.origdst_mask, o);
	}
	if (flags & XT_CONNTRACK_REPLSRC) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_REPLSRC));
		ct_addr(out, CT_LABEL("ctreplsrc"), &info.replsrc_addr, &info.replsrc_mask, o);
	}
	if (flags & XT_CONNTRACK_REPLDST) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_REPLDST));
		ct_addr(out, CT_LABEL("ctrepldst"), &info.repldst_addr, &info.repldst_mask, o);
	}
	if (flags & XT_CONNTRACK_ORIGSRC_PORT) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_ORIGSRC_PORT));
		ct_port(out, CT_LABEL("ctorigsrcport"), info.origsrc_port, info.origsrc_port_high, ext->revision >= 3);
	}
	if (flags & XT_CONNTRACK_ORIGDST_PORT) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_ORIGDST_PORT));
		ct_port(out, CT_LABEL("ctorigdstport"), info.origdst_port, info.origdst_port_high, ext->revision >= 3);
	}
	if (flags & XT_CONNTRACK_REPLSRC_PORT) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_REPLSRC_PORT));
		ct_port(out, CT_LABEL("ctreplsrcport"), info.replsrc_port, info.replsrc_port_high, ext->revision >= 3);
	}
	if (flags & XT_CONNTRACK_REPLDST_PORT) {
		strbuf_puts(out, CT_INV(XT_CONNTRACK_REPLDST_PORT));
		ct_port(out, CT_LABEL("ctrepldstport"), info.repldst_port, info.repldst_port_high, ext->revision >= 3);
	}
	if (flags & XT_CONNTRACK_STATUS) {
		strbuf_printf(out, "%s %sctstatus", CT_INV(XT_CONNTRACK_STATUS), p);
		ct_status(out, info.status_mask);
	}
	if (flags & XT_CONNTRACK_EXPIRES) {
		strbuf_printf(out, "%s %sctexpire %u", CT_INV(XT_CONNTRACK_EXPIRES), p, info.expires_min);
		if (info.expires_max != info.expires_min)
			strbuf_printf(out, ":%u", info.expires_max);
	}
	if (flags & XT_CONNTRACK_DIRECTION)
		strbuf_printf(out, " %sctdir %s", p, (inv & XT_CONNTRACK_DIRECTION) ? "REPLY" : "ORIGINAL");
#undef CT_INV
#undef CT_LABEL
	return 0;
}

/* xt_state (revision 0): the kernel's own state match. */
static int decode_state(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	unsigned int statemask;
	static const struct { unsigned bit; const char *name; } states[] = {
		{ 1u << 0, "INVALID" }, { 1u << 3, "NEW" }, { 1u << 2, "RELATED" },
		{ 1u << 1, "ESTABLISHED" }, { 1u << 6, "UNTRACKED" },
	};
	const char *sep = " ";
	size_t i;

	memcpy(&statemask, ext->data, sizeof(statemask));
	strbuf_puts(out, nfdecode_save(o) ? " --state" : " state");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		if (!(statemask & states[i].bit))
			continue;
		strbuf_printf(out, "%s%s", sep, states[i].name);
		sep = ",";
	}
	return 0;
}

/* --- mark / connmark ------------------------------------------------- */

static void print_mark(struct strbuf *out, uint32_t mark, uint32_t mask)
{
	if (mask != 0xffffffffu)
		strbuf_printf(out, " 0x%x/0x%x", mark, mask);
	else
		strbuf_printf(out, " 0x%x", mark);
}

static int decode_mark(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_mark_mtinfo1 info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --mark", info.invert ? " !" : "");
	else
		strbuf_printf(out, " mark match%s", info.invert ? " !" : "");
	print_mark(out, info.mark, info.mask);
	return 0;
}

static int decode_connmark(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_connmark_mtinfo1 info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --mark", info.invert ? " !" : "");
	else
		strbuf_printf(out, " connmark match %s", info.invert ? "!" : "");
	print_mark(out, info.mark, info.mask);
	return 0;
}

/* --- addrtype ------------------------------------------------------- */

static void addr_types(struct strbuf *out, unsigned mask)
{
	static const char *const names[] = { "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
					     "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE" };
	const char *sep = "";
	unsigned i;

	for (i = 0; i < 12; i++) {
		if (!(mask & (1u << i)))
			continue;
		strbuf_printf(out, "%s%s", sep, names[i]);
		sep = ",";
	}
}

static int decode_addrtype(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_addrtype_info_v1 info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 0) {
		struct xt_addrtype_info v0;

		nfdecode_load(&v0, sizeof(v0), ext);
		info.source = v0.source;
		info.dest = v0.dest;
		info.flags = (v0.invert_source ? XT_ADDRTYPE_INVERT_SOURCE : 0) |
			     (v0.invert_dest ? XT_ADDRTYPE_INVERT_DEST : 0);
	}
	if (!save)
		strbuf_puts(out, " ADDRTYPE match");
	if (info.source) {
		bool inv = info.flags & XT_ADDRTYPE_INVERT_SOURCE;

		strbuf_printf(out, save ? "%s --src-type " : "%s src-type ", save && inv ? " !" : "");
		if (!save && inv)
			strbuf_puts(out, "!");
		addr_types(out, info.source);
	}
	if (info.dest) {
		bool inv = info.flags & XT_ADDRTYPE_INVERT_DEST;

		strbuf_printf(out, save ? "%s --dst-type " : "%s dst-type ", save && inv ? " !" : "");
		if (!save && inv)
			strbuf_puts(out, "!");
		addr_types(out, info.dest);
	}
	if (info.flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		strbuf_puts(out, save ? " --limit-iface-in" : " limit-in");
	if (info.flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		strbuf_puts(out, save ? " --limit-iface-out" : " limit-out");
	return 0;
}

/* --- statistic ------------------------------------------------------- */

static int decode_statistic(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_statistic_info info;
	const char *p = nfdecode_save(o) ? "--" : "";
	const char *inv;

	nfdecode_load(&info, sizeof(info), ext);
	inv = (info.flags & XT_STATISTIC_INVERT) ? " !" : "";
	if (!nfdecode_save(o))
		strbuf_puts(out, " statistic");
	switch (info.mode) {
	case XT_STATISTIC_MODE_RANDOM:
		strbuf_printf(out, " %smode random%s %sprobability %.11f", p, inv, p,
			     1.0 * info.u.random.probability / 0x80000000u);
		return 0;
	case XT_STATISTIC_MODE_NTH:
		strbuf_printf(out, " %smode nth%s %severy %u", p, inv, p, info.u.nth.every + 1);
		/* The save form always names the packet, the list form only
		 * when it is not 0. */
		if (info.u.nth.packet || nfdecode_save(o))
			strbuf_printf(out, " %spacket %u", p, info.u.nth.packet);
		return 0;
	default:
		return -EINVAL;
	}
}

/* --- recent ---------------------------------------------------------- */

static int decode_recent(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_recent_mtinfo_v1 info;
	char name[XT_RECENT_NAME_LEN];
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	copy_name(name, sizeof(name), info.name, sizeof(info.name));
	strbuf_puts(out, save ? (info.invert ? " !" : "") : (info.invert ? " recent: !" : " recent:"));
	if (info.check_set & XT_RECENT_SET)
		strbuf_puts(out, save ? " --set" : " SET");
	if (info.check_set & XT_RECENT_CHECK)
		strbuf_puts(out, save ? " --rcheck" : " CHECK");
	if (info.check_set & XT_RECENT_UPDATE)
		strbuf_puts(out, save ? " --update" : " UPDATE");
	if (info.check_set & XT_RECENT_REMOVE)
		strbuf_puts(out, save ? " --remove" : " REMOVE");
	if (info.seconds)
		strbuf_printf(out, save ? " --seconds %u" : " seconds: %u", info.seconds);
	if (info.check_set & XT_RECENT_REAP)
		strbuf_puts(out, save ? " --reap" : " reap");
	if (info.hit_count)
		strbuf_printf(out, save ? " --hitcount %u" : " hit_count: %u", info.hit_count);
	if (info.check_set & XT_RECENT_TTL)
		strbuf_puts(out, save ? " --rttl" : " TTL-Match");
	strbuf_printf(out, save ? " --name %s" : " name: %s", name);
	if (!save) {
		if (info.side == XT_RECENT_SOURCE)
			strbuf_puts(out, " side: source");
		else if (info.side == XT_RECENT_DEST)
			strbuf_puts(out, " side: dest");
	}
	if (ext->revision >= 1) {
		strbuf_puts(out, save ? " --mask " : " mask: ");
		nfbuf_addr(out, o->family, (const uint8_t *)&info.mask);
	}
	if (save) {
		if (info.side == XT_RECENT_SOURCE)
			strbuf_puts(out, " --rsource");
		else if (info.side == XT_RECENT_DEST)
			strbuf_puts(out, " --rdest");
	}
	return 0;
}

/* --- physdev --------------------------------------------------------- */

static int decode_physdev(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_physdev_info info;
	char in[IFNAMSIZ + 1], outdev[IFNAMSIZ + 1];
	unsigned op, inv;

	nfdecode_load(&info, sizeof(info), ext);
	copy_name(in, sizeof(in), info.physindev, sizeof(info.physindev));
	copy_name(outdev, sizeof(outdev), info.physoutdev, sizeof(info.physoutdev));
	op = info.bitmask;
	inv = info.invert;
#define PD_INV(bit) ((inv & (bit)) ? " !" : "")
	/* The listing and iptables-save show the options in one order. */
	if (!nfdecode_save(o))
		strbuf_puts(out, " PHYSDEV match");
	if (op & XT_PHYSDEV_OP_ISIN)
		strbuf_printf(out, "%s --physdev-is-in", PD_INV(XT_PHYSDEV_OP_ISIN));
	if (op & XT_PHYSDEV_OP_IN)
		strbuf_printf(out, "%s --physdev-in %s", PD_INV(XT_PHYSDEV_OP_IN), in);
	if (op & XT_PHYSDEV_OP_ISOUT)
		strbuf_printf(out, "%s --physdev-is-out", PD_INV(XT_PHYSDEV_OP_ISOUT));
	if (op & XT_PHYSDEV_OP_OUT)
		strbuf_printf(out, "%s --physdev-out %s", PD_INV(XT_PHYSDEV_OP_OUT), outdev);
	if (op & XT_PHYSDEV_OP_BRIDGED)
		strbuf_printf(out, "%s --physdev-is-bridged", PD_INV(XT_PHYSDEV_OP_BRIDGED));
#undef PD_INV
	return 0;
}

/* --- owner ----------------------------------------------------------- */

static void owner_item(struct strbuf *out, const struct xt_owner_match_info *info, const char *save_label,
		       const char *list_label, unsigned flag, const struct nfdecode_opts *o)
{
	uint32_t low, high;

	if (!(info->match & flag))
		return;
	if (info->invert & flag)
		strbuf_puts(out, " !");
	strbuf_printf(out, " %s", nfdecode_save(o) ? save_label : list_label);
	if (flag == XT_OWNER_UID) {
		low = info->uid_min;
		high = info->uid_max;
	} else if (flag == XT_OWNER_GID) {
		low = info->gid_min;
		high = info->gid_max;
	} else {
		return;
	}
	if (low != high) {
		strbuf_printf(out, " %u-%u", low, high);
		return;
	}
	const char *name = (nfdecode_save(o) || o->numeric) ? NULL
			   : nf_account_name(flag == XT_OWNER_UID ? "/etc/passwd" : "/etc/group", low);

	if (name)
		strbuf_printf(out, " %s", name);
	else
		strbuf_printf(out, " %u", low);
}

static int decode_owner(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_owner_match_info info;

	nfdecode_load(&info, sizeof(info), ext);
	owner_item(out, &info, "--socket-exists", "owner socket exists", XT_OWNER_SOCKET, o);
	owner_item(out, &info, "--uid-owner", "owner UID match", XT_OWNER_UID, o);
	owner_item(out, &info, "--gid-owner", "owner GID match", XT_OWNER_GID, o);
	owner_item(out, &info, "--suppl-groups", "incl. suppl. groups", XT_OWNER_SUPPL_GROUPS, o);
	return 0;
}

/* --- iprange --------------------------------------------------------- */

static int decode_iprange(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_iprange_mtinfo info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (info.flags & IPRANGE_SRC) {
		bool inv = info.flags & IPRANGE_SRC_INV;

		strbuf_puts(out, save ? (inv ? " ! --src-range " : " --src-range ")
				     : (inv ? " source IP range ! " : " source IP range "));
		nfbuf_addr(out, o->family, (const uint8_t *)&info.src_min);
		strbuf_puts(out, "-");
		nfbuf_addr(out, o->family, (const uint8_t *)&info.src_max);
	}
	if (info.flags & IPRANGE_DST) {
		bool inv = info.flags & IPRANGE_DST_INV;

		strbuf_puts(out, save ? (inv ? " ! --dst-range " : " --dst-range ")
				     : (inv ? " destination IP range ! " : " destination IP range "));
		nfbuf_addr(out, o->family, (const uint8_t *)&info.dst_min);
		strbuf_puts(out, "-");
		nfbuf_addr(out, o->family, (const uint8_t *)&info.dst_max);
	}
	return 0;
}

/* The remaining matches (limit, set) live in nfdecode_match2.c. */
int nfdecode_limit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_set(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

static const struct nfdecode_entry match_table[] = {
	{ "ah", 0, 0, NFPROTO_IPV4, sizeof(struct ipt_ah), nfdecode_ah },
	{ "ah", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_ah), nfdecode_ah6 },
	{ "addrtype", 0, 0, 0, sizeof(struct xt_addrtype_info), decode_addrtype },
	{ "addrtype", 1, 1, 0, sizeof(struct xt_addrtype_info_v1), decode_addrtype },
	{ "bpf", 0, 0, 0, offsetof(struct xt_bpf_info, filter), nfdecode_bpf },
	{ "bpf", 1, 1, 0, offsetof(struct xt_bpf_info_v1, filter), nfdecode_bpf },
	{ "cgroup", 0, 0, 0, sizeof(struct xt_cgroup_info_v0), nfdecode_cgroup },
	{ "cgroup", 1, 1, 0, offsetof(struct xt_cgroup_info_v1, priv), nfdecode_cgroup },
	{ "cgroup", 2, 2, 0, offsetof(struct xt_cgroup_info_v2, priv), nfdecode_cgroup },
	{ "cluster", 0, 0, 0, sizeof(struct xt_cluster_match_info), nfdecode_cluster },
	{ "comment", 0, 0, 0, 1, decode_comment },
	{ "connlabel", 0, 0, 0, sizeof(struct xt_connlabel_mtinfo), nfdecode_connlabel },
	{ "connmark", 1, 1, 0, sizeof(struct xt_connmark_mtinfo1), decode_connmark },
	{ "connbytes", 0, 0, 0, sizeof(struct xt_connbytes_info), nfdecode_connbytes },
	{ "connlimit", 1, 1, 0, offsetof(struct xt_connlimit_info, data), nfdecode_connlimit },
	{ "conntrack", 1, 1, 0, sizeof(struct xt_conntrack_mtinfo1), decode_conntrack },
	{ "conntrack", 2, 2, 0, sizeof(struct xt_conntrack_mtinfo2), decode_conntrack },
	{ "conntrack", 3, 3, 0, sizeof(struct xt_conntrack_mtinfo3), decode_conntrack },
	{ "cpu", 0, 0, 0, sizeof(struct xt_cpu_info), nfdecode_cpu },
	{ "dccp", 0, 0, 0, sizeof(struct xt_dccp_info), nfdecode_dccp },
	{ "dst", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_opts), nfdecode_dst },
	{ "eui64", 0, 0, NFPROTO_IPV6, 0, nfdecode_eui64 },
	{ "dscp", 0, 0, 0, sizeof(struct xt_dscp_info), nfdecode_dscp },
	{ "ecn", 0, 0, 0, offsetof(struct xt_ecn_info, proto), nfdecode_ecn },
	{ "esp", 0, 0, 0, sizeof(struct xt_esp), nfdecode_esp },
	{ "frag", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_frag), nfdecode_frag },
	{ "hashlimit", 1, 1, 0, offsetof(struct xt_hashlimit_mtinfo1, hinfo), nfdecode_hashlimit },
	{ "hashlimit", 2, 2, 0, offsetof(struct xt_hashlimit_mtinfo2, hinfo), nfdecode_hashlimit },
	{ "hashlimit", 3, 3, 0, offsetof(struct xt_hashlimit_mtinfo3, hinfo), nfdecode_hashlimit },
	{ "hbh", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_opts), nfdecode_hbh },
	{ "helper", 0, 0, 0, sizeof(struct xt_helper_info), nfdecode_helper },
	{ "hl", 0, 0, NFPROTO_IPV6, 2, nfdecode_hl },
	{ "icmp", 0, 0, NFPROTO_IPV4, sizeof(struct ipt_icmp), decode_icmp },
	{ "icmp6", 0, 0, NFPROTO_IPV6, sizeof(struct ipt_icmp), decode_icmp6 },
	{ "ipv6header", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_ipv6header_info), nfdecode_ipv6header },
	{ "ipcomp", 0, 0, 0, sizeof(struct xt_ipcomp), nfdecode_ipcomp },
	{ "iprange", 1, 1, 0, sizeof(struct xt_iprange_mtinfo), decode_iprange },
	{ "length", 0, 0, 0, sizeof(struct xt_length_info), nfdecode_length },
	{ "limit", 0, 0, 0, 8, nfdecode_limit },
	{ "mh", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_mh), nfdecode_mh },
	{ "mac", 0, 0, 0, sizeof(struct xt_mac_info), nfdecode_mac },
	{ "mark", 1, 1, 0, sizeof(struct xt_mark_mtinfo1), decode_mark },
	{ "multiport", 0, 0, 0, sizeof(struct xt_multiport), decode_multiport },
	{ "multiport", 1, 1, 0, sizeof(struct xt_multiport_v1), decode_multiport },
	{ "osf", 0, 0, 0, sizeof(struct nf_osf_info), nfdecode_osf },
	{ "owner", 1, 1, 0, sizeof(struct xt_owner_match_info), decode_owner },
	{ "physdev", 0, 0, 0, sizeof(struct xt_physdev_info), decode_physdev },
	{ "pkttype", 0, 0, 0, sizeof(struct xt_pkttype_info), nfdecode_pkttype },
	{ "policy", 0, 0, 0, sizeof(struct xt_policy_info), nfdecode_policy },
	{ "quota", 0, 0, 0, offsetof(struct xt_quota_info, master), nfdecode_quota },
	{ "rateest", 0, 0, 0, offsetof(struct xt_rateest_match_info, est1), nfdecode_rateest },
	{ "realm", 0, 0, NFPROTO_IPV4, sizeof(struct xt_realm_info), nfdecode_realm },
	{ "recent", 0, 0, 0, sizeof(struct xt_recent_mtinfo), decode_recent },
	{ "recent", 1, 1, 0, sizeof(struct xt_recent_mtinfo_v1), decode_recent },
	{ "rt", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_rt), nfdecode_rt },
	{ "rpfilter", 0, 0, 0, sizeof(struct xt_rpfilter_info), nfdecode_rpfilter },
	{ "sctp", 0, 0, 0, sizeof(struct xt_sctp_info), nfdecode_sctp },
	{ "set", 1, 4, 0, 4, nfdecode_set },
	{ "socket", 0, 0, 0, 0, nfdecode_socket },
	{ "socket", 1, 3, 0, sizeof(struct xt_socket_mtinfo1), nfdecode_socket },
	{ "srh", 0, 0, NFPROTO_IPV6, sizeof(struct ip6t_srh), nfdecode_srh },
	{ "srh", 1, 1, NFPROTO_IPV6, sizeof(struct ip6t_srh1), nfdecode_srh },
	{ "state", 0, 0, 0, sizeof(unsigned int), decode_state },
	{ "statistic", 0, 0, 0, offsetof(struct xt_statistic_info, master), decode_statistic },
	{ "string", 0, 1, 0, offsetof(struct xt_string_info, config), nfdecode_string },
	{ "tcp", 0, 0, 0, sizeof(struct xt_tcp), decode_tcp },
	{ "tcpmss", 0, 0, 0, sizeof(struct xt_tcpmss_match_info), nfdecode_tcpmss },
	{ "time", 0, 0, 0, sizeof(struct xt_time_info), nfdecode_time },
	{ "tos", 1, 1, 0, sizeof(struct xt_tos_match_info), nfdecode_tos },
	{ "ttl", 0, 0, NFPROTO_IPV4, 2, nfdecode_ttl },
	{ "u32", 0, 0, 0, sizeof(struct xt_u32), nfdecode_u32 },
	{ "udp", 0, 0, 0, sizeof(struct xt_udp), decode_udp },
};

const struct nfdecode_entry *nfdecode_matches(size_t *count)
{
	*count = sizeof(match_table) / sizeof(match_table[0]);
	return match_table;
}
