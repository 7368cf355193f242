/* Decoders of the conntrack, steering and header-rewriting targets: CT
 * (and its NOTRACK alias), HMARK, IDLETIMER, TPROXY, TEE, TCPOPTSTRIP,
 * SYNPROXY, NETMAP, ECN, CHECKSUM, DNPT and SNPT, in iptables 1.8.9's save
 * and list forms. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
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

#include "nfdecode_impl.h"
#include "sonde/hostsfile.h"

static void copy_text(char *dst, size_t size, const char *src, size_t src_size)
{
	size_t n = strnlen(src, src_size < size - 1 ? src_size : size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* --- CT ---------------------------------------------------------------- */

static void ct_events(struct strbuf *out, const char *label, uint32_t mask, bool expectations)
{
	static const struct { unsigned event; const char *name; } ct[] = {
		{ IPCT_NEW, "new" },           { IPCT_RELATED, "related" },     { IPCT_DESTROY, "destroy" },
		{ IPCT_REPLY, "reply" },       { IPCT_ASSURED, "assured" },     { IPCT_PROTOINFO, "protoinfo" },
		{ IPCT_HELPER, "helper" },     { IPCT_MARK, "mark" },           { IPCT_NATSEQADJ, "natseqinfo" },
		{ IPCT_SECMARK, "secmark" },
	};
	const char *sep = "";
	size_t i, count = expectations ? 1 : sizeof(ct) / sizeof(ct[0]);

	strbuf_printf(out, " %s ", label);
	for (i = 0; i < count; i++) {
		unsigned event = expectations ? IPEXP_NEW : ct[i].event;

		if (!(mask & (1u << event)))
			continue;
		strbuf_printf(out, "%s%s", sep, expectations ? "new" : ct[i].name);
		sep = ",";
	}
}

static void ct_zone(struct strbuf *out, const char *label, uint16_t zone, uint16_t flags)
{
	uint16_t dir = flags & (XT_CT_ZONE_DIR_ORIG | XT_CT_ZONE_DIR_REPL);

	strbuf_printf(out, " %s", label);
	if (dir == XT_CT_ZONE_DIR_ORIG)
		strbuf_puts(out, "-orig");
	if (dir == XT_CT_ZONE_DIR_REPL)
		strbuf_puts(out, "-reply");
	if (flags & XT_CT_ZONE_MARK)
		strbuf_puts(out, " mark");
	else
		strbuf_printf(out, " %u", zone);
}

/* Only revision 2 knows the NOTRACK alias (ip6tables' `-j NOTRACK`). */
static bool ct_is_notrack_alias(const struct nfdecode_ext *ext)
{
	uint16_t flags;

	if (ext->revision != 2 || ext->len < sizeof(flags))
		return false;
	memcpy(&flags, ext->data, sizeof(flags));
	return flags & XT_CT_NOTRACK_ALIAS;
}

int nfdecode_ct(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_ct_target_info_v1 info;
	char helper[sizeof(info.helper) + 1], timeout[sizeof(info.timeout) + 1];
	bool save = nfdecode_save(o);
	const char *p = save ? "--" : "";

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 0)
		memset(info.timeout, 0, sizeof(info.timeout));
	if (ext->revision >= 1 && (info.flags & XT_CT_NOTRACK_ALIAS)) {
		if (!save)
			strbuf_puts(out, " NOTRACK");
		return 0;
	}
	if (ext->revision == 0 && save && (info.flags & XT_CT_NOTRACK_ALIAS))
		return 0;
	copy_text(helper, sizeof(helper), info.helper, sizeof(info.helper));
	copy_text(timeout, sizeof(timeout), info.timeout, sizeof(info.timeout));
	if (!save)
		strbuf_puts(out, " CT");
	if (info.flags & XT_CT_NOTRACK)
		strbuf_printf(out, " %snotrack", p);
	if (helper[0])
		strbuf_printf(out, " %shelper %s", p, helper);
	if (timeout[0])
		strbuf_printf(out, " %stimeout %s", p, timeout);
	if (info.ct_events)
		ct_events(out, save ? "--ctevents" : "ctevents", info.ct_events, false);
	if (info.exp_events)
		ct_events(out, save ? "--expevents" : "expevents", info.exp_events, true);
	if ((info.flags & XT_CT_ZONE_MARK) || info.zone)
		ct_zone(out, save ? "--zone" : "zone", info.zone, info.flags);
	return 0;
}

const char *nfdecode_target_alias(const struct nfdecode_ext *t)
{
	return strcmp(t->name, "CT") == 0 && ct_is_notrack_alias(t) ? "NOTRACK" : t->name;
}

/* --- HMARK ------------------------------------------------------------- */

static void hmark_ports_etc(struct strbuf *out, const struct xt_hmark_info *info, bool save)
{
	static const struct { unsigned flag; const char *list, *save; } fields[] = {
		{ XT_HMARK_SPORT_MASK, "sport-mask 0x%x ", " --hmark-sport-mask 0x%04x" },
		{ XT_HMARK_DPORT_MASK, "dport-mask 0x%x ", " --hmark-dport-mask 0x%04x" },
		{ XT_HMARK_SPI_MASK, "spi-mask 0x%x ", " --hmark-spi-mask 0x%08x" },
		{ XT_HMARK_SPORT, "sport 0x%x ", " --hmark-sport 0x%04x" },
		{ XT_HMARK_DPORT, "dport 0x%x ", " --hmark-dport 0x%04x" },
		{ XT_HMARK_SPI, "spi 0x%x ", " --hmark-spi 0x%08x" },
		{ XT_HMARK_PROTO_MASK, "proto-mask 0x%x ", " --hmark-proto-mask 0x%02x" },
		{ XT_HMARK_RND, "rnd 0x%x ", " --hmark-rnd 0x%08x" },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		unsigned value;

		if (!(info->flags & XT_HMARK_FLAG(fields[i].flag)))
			continue;
		switch (fields[i].flag) {
		case XT_HMARK_SPORT_MASK: value = ntohs(info->port_mask.p16.src); break;
		case XT_HMARK_DPORT_MASK: value = ntohs(info->port_mask.p16.dst); break;
		case XT_HMARK_SPI_MASK: value = ntohl(info->port_mask.v32); break;
		case XT_HMARK_SPORT: value = ntohs(info->port_set.p16.src); break;
		case XT_HMARK_DPORT: value = ntohs(info->port_set.p16.dst); break;
		case XT_HMARK_SPI: value = ntohl(info->port_set.v32); break;
		case XT_HMARK_PROTO_MASK: value = info->proto_mask; break;
		default: value = info->hashrnd; break;
		}
		strbuf_printf(out, save ? fields[i].save : fields[i].list, value);
	}
}

/* A prefix mask as iptables shows it: its length, or -1 when it has
 * holes (printed with %u in the list form, %d in the save form). */
static int hmark_prefix(const union nf_inet_addr *mask, int family)
{
	return nf_mask_prefix_len(family, (const uint8_t *)mask);
}

static int hmark_list_prefix(struct strbuf *out, const char *label, const union nf_inet_addr *mask, int family)
{
	int bits = hmark_prefix(mask, family);

	if (family != NFPROTO_IPV6) {
		strbuf_printf(out, "%s %u ", label, (unsigned)bits);
		return 0;
	}
	/* ip6tables skips the mask text's "/": a full mask has none to skip. */
	if (bits == 128)
		return -ENOTSUP;
	strbuf_printf(out, "%s ", label);
	if (bits < 0)
		nfbuf_ipv6(out, (const uint8_t *)mask);
	else
		nfbuf_uint(out, (unsigned)bits);
	strbuf_puts(out, " ");
	return 0;
}

static int hmark_list(struct strbuf *out, const struct xt_hmark_info *info, int family)
{
	strbuf_puts(out, " HMARK ");
	if (info->flags & XT_HMARK_FLAG(XT_HMARK_MODULUS))
		strbuf_printf(out, "mod %u ", info->hmodulus);
	if (info->flags & XT_HMARK_FLAG(XT_HMARK_OFFSET))
		strbuf_printf(out, "+ 0x%x ", info->hoffset);
	if (info->flags & XT_HMARK_FLAG(XT_HMARK_CT))
		strbuf_puts(out, "ct, ");
	if ((info->flags & XT_HMARK_FLAG(XT_HMARK_SADDR_MASK)) &&
	    hmark_list_prefix(out, "src-prefix", &info->src_mask, family) < 0)
		return -ENOTSUP;
	if ((info->flags & XT_HMARK_FLAG(XT_HMARK_DADDR_MASK)) &&
	    hmark_list_prefix(out, "dst-prefix", &info->dst_mask, family) < 0)
		return -ENOTSUP;
	hmark_ports_etc(out, info, false);
	return 0;
}

int nfdecode_hmark(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_hmark_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (!nfdecode_save(o))
		return hmark_list(out, &info, o->family);
	if (info.flags & XT_HMARK_FLAG(XT_HMARK_SADDR_MASK))
		strbuf_printf(out, " --hmark-src-prefix %d", hmark_prefix(&info.src_mask, o->family));
	if (info.flags & XT_HMARK_FLAG(XT_HMARK_DADDR_MASK))
		strbuf_printf(out, " --hmark-dst-prefix %d", hmark_prefix(&info.dst_mask, o->family));
	hmark_ports_etc(out, &info, true);
	if (info.flags & XT_HMARK_FLAG(XT_HMARK_MODULUS))
		strbuf_printf(out, " --hmark-mod %u", info.hmodulus);
	if (info.flags & XT_HMARK_FLAG(XT_HMARK_OFFSET))
		strbuf_printf(out, " --hmark-offset %u", info.hoffset);
	if (info.flags & XT_HMARK_FLAG(XT_HMARK_CT))
		strbuf_puts(out, " --hmark-tuple ct");
	return 0;
}

/* --- IDLETIMER --------------------------------------------------------- */

int nfdecode_idletimer(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct idletimer_tg_info_v1 info;
	char label[MAX_IDLETIMER_LABEL_SIZE + 1];
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	copy_text(label, sizeof(label), info.label, sizeof(info.label));
	strbuf_printf(out, save ? " --timeout %u --label %s" : " timeout:%u label:%s", info.timeout, label);
	if (ext->revision >= 1 && info.timer_type == XT_IDLETIMER_ALARM)
		strbuf_puts(out, save ? " --alarm" : " alarm");
	return 0;
}

/* --- TPROXY and TEE ---------------------------------------------------- */

int nfdecode_tproxy(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tproxy_target_info_v1 info;
	int family = o->family;

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 0) {
		struct xt_tproxy_target_info v0;

		nfdecode_load(&v0, sizeof(v0), ext);
		memset(&info, 0, sizeof(info));
		info.mark_mask = v0.mark_mask;
		info.mark_value = v0.mark_value;
		info.laddr.ip = v0.laddr;
		info.lport = v0.lport;
		family = NFPROTO_IPV4;
	}
	if (nfdecode_save(o)) {
		strbuf_printf(out, " --on-port %u --on-ip ", ntohs(info.lport));
		nfbuf_addr(out, family, (const uint8_t *)&info.laddr);
		strbuf_printf(out, " --tproxy-mark 0x%x/0x%x", info.mark_value, info.mark_mask);
		return 0;
	}
	strbuf_puts(out, " TPROXY redirect ");
	nfbuf_addr(out, family, (const uint8_t *)&info.laddr);
	strbuf_printf(out, ":%u mark 0x%x/0x%x", ntohs(info.lport), info.mark_value, info.mark_mask);
	return 0;
}

int nfdecode_tee(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tee_tginfo info;
	char oif[sizeof(info.oif) + 1], name[256];
	bool v6 = o->family == NFPROTO_IPV6;
	const uint8_t *gw;

	nfdecode_load(&info, sizeof(info), ext);
	copy_text(oif, sizeof(oif), info.oif, sizeof(info.oif));
	gw = (const uint8_t *)&info.gw;
	strbuf_puts(out, nfdecode_save(o) ? " --gateway " : " TEE gw:");
	/* Without -n iptables names the gateway, as it names rule addresses. */
	if (!nfdecode_save(o) && !o->numeric &&
	    (hostsfile_name(v6 ? AF_INET6 : AF_INET, gw, name, sizeof(name)) == 0 ||
	     (!v6 && networks_name(gw, name, sizeof(name)) == 0)))
		strbuf_puts(out, name);
	else
		nfbuf_addr(out, o->family, gw);
	if (oif[0])
		strbuf_printf(out, nfdecode_save(o) ? " --oif %s" : " oif=%s", oif);
	return 0;
}

/* --- TCPOPTSTRIP and SYNPROXY ------------------------------------------ */

static const char *tcp_option_name(unsigned option)
{
	switch (option) {
	case 2: return "mss";
	case 3: return "wscale";
	case 4: return "sack-permitted";
	case 5: return "sack";
	case 8: return "timestamp";
	case 19: return "md5";
	default: return NULL;
	}
}

int nfdecode_tcpoptstrip(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tcpoptstrip_target_info info;
	bool save = nfdecode_save(o), numeric = save || o->numeric, empty = true;
	const char *sep = "";
	unsigned i;

	nfdecode_load(&info, sizeof(info), ext);
	for (i = 0; i < 8; i++)
		empty = empty && info.strip_bmap[i] == 0;
	if (empty)
		return 0;
	strbuf_puts(out, save ? " --strip-options " : " TCPOPTSTRIP options ");
	for (i = 0; i < 256; i++) {
		const char *name = numeric ? NULL : tcp_option_name(i);

		if (!(info.strip_bmap[i / 32] & (1u << (i % 32))))
			continue;
		strbuf_puts(out, sep);
		sep = ",";
		if (name)
			strbuf_puts(out, name);
		else
			nfbuf_uint(out, i);
	}
	return 0;
}

/* SYNPROXY's options in iptables' order; wscale and mss carry a value. */
static void synproxy_options(struct strbuf *out, const struct xt_synproxy_info *info, bool save)
{
	static const struct {
		uint8_t flag;
		const char *name;
	} options[] = {
		{ XT_SYNPROXY_OPT_SACK_PERM, "sack-perm" }, { XT_SYNPROXY_OPT_TIMESTAMP, "timestamp" },
		{ XT_SYNPROXY_OPT_WSCALE, "wscale" },       { XT_SYNPROXY_OPT_MSS, "mss" },
		{ XT_SYNPROXY_OPT_ECN, "ecn" },
	};
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (!(info->options & options[i].flag))
			continue;
		/* Saved: " --name [value]"; listed: "name [value] ". */
		strbuf_printf(out, save ? " --%s" : "%s", options[i].name);
		if (options[i].flag == XT_SYNPROXY_OPT_WSCALE)
			strbuf_printf(out, " %u", info->wscale);
		else if (options[i].flag == XT_SYNPROXY_OPT_MSS)
			strbuf_printf(out, " %u", info->mss);
		if (!save)
			strbuf_putc(out, ' ');
	}
}

int nfdecode_synproxy(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_synproxy_info info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (!save)
		strbuf_puts(out, " SYNPROXY ");
	synproxy_options(out, &info, save);
	return 0;
}

/* --- NETMAP, DNPT and SNPT --------------------------------------------- */

/* The first address, then the mask of the bits the range's ends share. */
static void netmap_range(struct strbuf *out, int family, const uint8_t *min, const uint8_t *max)
{
	uint8_t mask[16];
	size_t i, n = family == NFPROTO_IPV6 ? 16 : 4;
	int bits;

	for (i = 0; i < n; i++)
		mask[i] = (uint8_t)~(min[i] ^ max[i]);
	nfbuf_addr(out, family, min);
	bits = nf_mask_prefix_len(family, mask);
	strbuf_puts(out, "/");
	if (bits < 0)
		nfbuf_addr(out, family, mask);
	else
		nfbuf_uint(out, (unsigned)bits);
}

int nfdecode_netmap(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	strbuf_puts(out, nfdecode_save(o) ? " --to " : " to:");
	/* IPv4's blob is the old multi-range, IPv6's an nf_nat_range. */
	if (o->family == NFPROTO_IPV4) {
		struct nf_nat_ipv4_multi_range_compat mr;

		nfdecode_load(&mr, sizeof(mr), ext);
		netmap_range(out, NFPROTO_IPV4, (const uint8_t *)&mr.range[0].min_ip,
			     (const uint8_t *)&mr.range[0].max_ip);
	} else {
		struct nf_nat_range r;

		nfdecode_load(&r, sizeof(r), ext);
		netmap_range(out, o->family, (const uint8_t *)&r.min_addr, (const uint8_t *)&r.max_addr);
	}
	return 0;
}

static int npt_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
		      const char *name)
{
	static const uint8_t zero[16];
	struct ip6t_npt_tginfo info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (!save)
		strbuf_printf(out, " %s", name);
	if (!save || memcmp(&info.src_pfx, zero, 16) != 0 || info.src_pfx_len != 0) {
		strbuf_puts(out, save ? " --src-pfx " : " src-pfx ");
		nfbuf_ipv6(out, (const uint8_t *)&info.src_pfx);
		strbuf_printf(out, "/%u", info.src_pfx_len);
	}
	if (!save || memcmp(&info.dst_pfx, zero, 16) != 0 || info.dst_pfx_len != 0) {
		strbuf_puts(out, save ? " --dst-pfx " : " dst-pfx ");
		nfbuf_ipv6(out, (const uint8_t *)&info.dst_pfx);
		strbuf_printf(out, "/%u", info.dst_pfx_len);
	}
	return 0;
}

int nfdecode_dnpt(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return npt_target(out, ext, o, "DNPT");
}

int nfdecode_snpt(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return npt_target(out, ext, o, "SNPT");
}

/* --- ECN and CHECKSUM -------------------------------------------------- */

int nfdecode_ecn_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ipt_ECN_info info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (!save)
		strbuf_puts(out, " ECN");
	if (info.operation == (IPT_ECN_OP_SET_ECE | IPT_ECN_OP_SET_CWR) && !info.proto.tcp.ece &&
	    !info.proto.tcp.cwr) {
		strbuf_puts(out, save ? " --ecn-tcp-remove" : " TCP remove");
		return 0;
	}
	if (info.operation & IPT_ECN_OP_SET_ECE)
		strbuf_printf(out, save ? " --ecn-tcp-ece %u" : " ECE=%u", (unsigned)info.proto.tcp.ece);
	if (info.operation & IPT_ECN_OP_SET_CWR)
		strbuf_printf(out, save ? " --ecn-tcp-cwr %u" : " CWR=%u", (unsigned)info.proto.tcp.cwr);
	if (info.operation & IPT_ECN_OP_SET_IP)
		strbuf_printf(out, save ? " --ecn-ip-ect %u" : " ECT codepoint=%u", info.ip_ect);
	return 0;
}

int nfdecode_checksum(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_CHECKSUM_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (!nfdecode_save(o))
		strbuf_puts(out, " CHECKSUM");
	if (info.operation & XT_CHECKSUM_OP_FILL)
		strbuf_puts(out, nfdecode_save(o) ? " --checksum-fill" : " fill");
	return 0;
}
