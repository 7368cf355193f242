/* Decoders of the IPv6 extension-header matches: srh, rt, hbh, dst, mh,
 * ipv6header and eui64, in ip6tables 1.8.9's save and list forms. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6/ip6t_ipv6header.h>
#include <linux/netfilter_ipv6/ip6t_mh.h>
#include <linux/netfilter_ipv6/ip6t_opts.h>
#include <linux/netfilter_ipv6/ip6t_rt.h>
#include <linux/netfilter_ipv6/ip6t_srh.h>

#include "nfdecode_impl.h"

/* --- srh --------------------------------------------------------------- */

/* The one-byte and tag fields of both revisions, in ip6tables' order. */
struct srh_field {
	uint16_t flag;
	const char *name;
	int value;   /* index: 0 next_hdr, 1 hdr_len, 2 segs_left, 3 last_entry, 4 tag */
};

static const struct srh_field srh_fields[] = {
	{ IP6T_SRH_NEXTHDR, "next-hdr", 0 },      { IP6T_SRH_LEN_EQ, "hdr-len-eq", 1 },
	{ IP6T_SRH_LEN_GT, "hdr-len-gt", 1 },     { IP6T_SRH_LEN_LT, "hdr-len-lt", 1 },
	{ IP6T_SRH_SEGS_EQ, "segs-left-eq", 2 },  { IP6T_SRH_SEGS_GT, "segs-left-gt", 2 },
	{ IP6T_SRH_SEGS_LT, "segs-left-lt", 2 },  { IP6T_SRH_LAST_EQ, "last-entry-eq", 3 },
	{ IP6T_SRH_LAST_GT, "last-entry-gt", 3 }, { IP6T_SRH_LAST_LT, "last-entry-lt", 3 },
	{ IP6T_SRH_TAG, "tag", 4 },
};

/* An SID and its mask: the mask as a prefix length, which ip6tables prints
 * with %u even when the mask is not contiguous (-1 then). */
static void srh_sid(struct strbuf *out, const char *name, bool invert, const struct in6_addr *addr,
		    const struct in6_addr *mask, const struct nfdecode_opts *o)
{
	int bits = nf_mask_prefix_len(NFPROTO_IPV6, mask->s6_addr);

	if (nfdecode_save(o))
		strbuf_printf(out, "%s --srh-%s ", invert ? " !" : "", name);
	else
		strbuf_printf(out, " %s %s ", name, invert ? "!" : "");
	nfbuf_ipv6(out, addr->s6_addr);
	strbuf_printf(out, "/%u", (unsigned)bits);
}

int nfdecode_srh(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ip6t_srh1 info;
	unsigned values[5];
	uint16_t flags, inv;
	size_t i;

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 0) {
		struct ip6t_srh v0;

		nfdecode_load(&v0, sizeof(v0), ext);
		flags = v0.mt_flags & ~(IP6T_SRH_PSID | IP6T_SRH_NSID | IP6T_SRH_LSID);
		inv = v0.mt_invflags;
	} else {
		flags = info.mt_flags;
		inv = info.mt_invflags;
	}
	values[0] = info.next_hdr;
	values[1] = info.hdr_len;
	values[2] = info.segs_left;
	values[3] = info.last_entry;
	values[4] = info.tag;
	if (!nfdecode_save(o))
		strbuf_puts(out, " srh");
	for (i = 0; i < sizeof(srh_fields) / sizeof(srh_fields[0]); i++) {
		const struct srh_field *f = &srh_fields[i];

		if (!(flags & f->flag))
			continue;
		if (nfdecode_save(o))
			strbuf_printf(out, "%s --srh-%s %u", (inv & f->flag) ? " !" : "", f->name, values[f->value]);
		else
			strbuf_printf(out, " %s:%s%u", f->name, (inv & f->flag) ? "!" : "", values[f->value]);
	}
	if (flags & IP6T_SRH_PSID)
		srh_sid(out, "psid", inv & IP6T_SRH_INV_PSID, &info.psid_addr, &info.psid_msk, o);
	if (flags & IP6T_SRH_NSID)
		srh_sid(out, "nsid", inv & IP6T_SRH_INV_NSID, &info.nsid_addr, &info.nsid_msk, o);
	if (flags & IP6T_SRH_LSID)
		srh_sid(out, "lsid", inv & IP6T_SRH_INV_LSID, &info.lsid_addr, &info.lsid_msk, o);
	return 0;
}

/* --- rt ---------------------------------------------------------------- */

static void addresses(struct strbuf *out, const struct in6_addr *addrs, unsigned count)
{
	unsigned i;

	for (i = 0; i < count; i++) {
		strbuf_puts(out, i == 0 ? " " : ",");
		nfbuf_ipv6(out, addrs[i].s6_addr);
	}
}

static void rt_list(struct strbuf *out, const struct ip6t_rt *info)
{
	bool inv_segs = info->invflags & IP6T_RT_INV_SGS;

	strbuf_puts(out, " rt");
	if (info->flags & IP6T_RT_TYP)
		strbuf_printf(out, " type:%s%d", (info->invflags & IP6T_RT_INV_TYP) ? "!" : "", (int)info->rt_type);
	if (info->segsleft[0] != 0 || info->segsleft[1] != 0xffffffffu || inv_segs) {
		if (info->segsleft[0] == info->segsleft[1])
			strbuf_printf(out, " segsleft:%s%u", inv_segs ? "!" : "", info->segsleft[0]);
		else
			strbuf_printf(out, " segslefts:%s%u:%u", inv_segs ? "!" : "", info->segsleft[0],
				     info->segsleft[1]);
	}
	if (info->flags & IP6T_RT_LEN)
		strbuf_printf(out, " length:%s%u", (info->invflags & IP6T_RT_INV_LEN) ? "!" : "", info->hdrlen);
	if (info->flags & IP6T_RT_RES)
		strbuf_puts(out, " reserved");
	if (info->flags & IP6T_RT_FST)
		strbuf_puts(out, " 0-addrs");
	addresses(out, info->addrs, info->addrnr);
	if (info->flags & IP6T_RT_FST_NSTRICT)
		strbuf_puts(out, " 0-not-strict");
	if (info->invflags & ~IP6T_RT_INV_MASK)
		strbuf_printf(out, " Unknown invflags: 0x%X", info->invflags & ~IP6T_RT_INV_MASK);
}

static void rt_save(struct strbuf *out, const struct ip6t_rt *info)
{
	if (info->flags & IP6T_RT_TYP)
		strbuf_printf(out, "%s --rt-type %u", (info->invflags & IP6T_RT_INV_TYP) ? " !" : "", info->rt_type);
	if (info->segsleft[0] != 0 || info->segsleft[1] != 0xffffffffu) {
		strbuf_printf(out, "%s --rt-segsleft ", (info->invflags & IP6T_RT_INV_SGS) ? " !" : "");
		nfbuf_range(out, info->segsleft[0], info->segsleft[1]);
	}
	if (info->flags & IP6T_RT_LEN)
		strbuf_printf(out, "%s --rt-len %u", (info->invflags & IP6T_RT_INV_LEN) ? " !" : "", info->hdrlen);
	if (info->flags & IP6T_RT_RES)
		strbuf_puts(out, " --rt-0-res");
	if (info->flags & IP6T_RT_FST)
		strbuf_puts(out, " --rt-0-addrs");
	addresses(out, info->addrs, info->addrnr);
	if (info->flags & IP6T_RT_FST_NSTRICT)
		strbuf_puts(out, " --rt-0-not-strict");
}

int nfdecode_rt(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ip6t_rt info;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.addrnr > IP6T_RT_HOPS)
		return -EINVAL;
	if (nfdecode_save(o))
		rt_save(out, &info);
	else
		rt_list(out, &info);
	return 0;
}

/* --- hbh and dst ------------------------------------------------------- */

/* Each option "TYPE[:LENGTH]", the length left out when 0xff (any). */
static void ipv6_options(struct strbuf *out, const struct ip6t_opts *info)
{
	unsigned i;

	for (i = 0; i < info->optsnr; i++) {
		strbuf_puts(out, i == 0 ? " " : ",");
		nfbuf_uint(out, (info->opts[i] & 0xff00u) >> 8);
		if ((info->opts[i] & 0xffu) != 0xffu)
			strbuf_printf(out, ":%u", info->opts[i] & 0xffu);
	}
}

static int opts_match(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
		      const char *name)
{
	struct ip6t_opts info;
	bool inv_len;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.optsnr > IP6T_OPTS_OPTSNR)
		return -EINVAL;
	inv_len = info.invflags & IP6T_OPTS_INV_LEN;
	if (nfdecode_save(o)) {
		if (info.flags & IP6T_OPTS_LEN)
			strbuf_printf(out, "%s --%s-len %u", inv_len ? " !" : "", name, info.hdrlen);
		if (info.flags & IP6T_OPTS_OPTS)
			strbuf_printf(out, " --%s-opts", name);
		ipv6_options(out, &info);
		return 0;
	}
	strbuf_printf(out, " %s", name);
	if (info.flags & IP6T_OPTS_LEN)
		strbuf_printf(out, " length:%s%u", inv_len ? "!" : "", info.hdrlen);
	if (info.flags & IP6T_OPTS_OPTS)
		strbuf_puts(out, " opts");
	ipv6_options(out, &info);
	if (info.invflags & ~IP6T_OPTS_INV_MASK)
		strbuf_printf(out, " Unknown invflags: 0x%X", info.invflags & ~IP6T_OPTS_INV_MASK);
	return 0;
}

int nfdecode_hbh(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return opts_match(out, ext, o, "hbh");
}

int nfdecode_dst(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	return opts_match(out, ext, o, "dst");
}

/* --- mh ---------------------------------------------------------------- */

static void mh_type(struct strbuf *out, uint8_t type, bool numeric)
{
	static const char *const names[] = {
		"binding-refresh-request", "home-test-init", "careof-test-init", "home-test",
		"careof-test",             "binding-update", "binding-acknowledgement", "binding-error",
	};

	if (!numeric && type < sizeof(names) / sizeof(names[0]))
		strbuf_puts(out, names[type]);
	else
		nfbuf_uint(out, type);
}

int nfdecode_mh(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ip6t_mh info;
	bool any, inv;

	nfdecode_load(&info, sizeof(info), ext);
	any = info.types[0] == 0 && info.types[1] == 0xff;
	inv = info.invflags & IP6T_MH_INV_TYPE;
	if (nfdecode_save(o)) {
		if (any)
			return 0;
		strbuf_printf(out, "%s --mh-type ", inv ? " !" : "");
		nfbuf_range(out, info.types[0], info.types[1]);
		return 0;
	}
	strbuf_puts(out, " mh");
	if (!any || inv) {
		strbuf_printf(out, " %s", inv ? "!" : "");
		mh_type(out, info.types[0], o->numeric);
		if (info.types[0] != info.types[1]) {
			strbuf_puts(out, ":");
			mh_type(out, info.types[1], o->numeric);
		}
	}
	if (info.invflags & ~IP6T_MH_INV_MASK)
		strbuf_printf(out, " Unknown invflags: 0x%X", info.invflags & ~IP6T_MH_INV_MASK);
	return 0;
}

/* --- ipv6header -------------------------------------------------------- */

/* A header's name: /etc/protocols' for all but hop-by-hop (protocol 0,
 * never looked up), else ip6tables' own table. */
static const char *ipv6header_name(uint8_t proto)
{
	static const struct { uint8_t proto; const char *name; } own[] = {
		{ IPPROTO_HOPOPTS, "hop-by-hop" }, { IPPROTO_RAW, "protocol" },  { IPPROTO_DSTOPTS, "dst" },
		{ IPPROTO_ROUTING, "route" },      { IPPROTO_FRAGMENT, "frag" }, { IPPROTO_AH, "auth" },
		{ IPPROTO_ESP, "esp" },            { IPPROTO_NONE, "none" },
	};
	const char *name = proto ? nf_proto_file_name(proto) : NULL;
	size_t i;

	if (name)
		return name;
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (own[i].proto == proto)
			return own[i].name;
	return NULL;
}

static void ipv6header_list(struct strbuf *out, uint8_t flags)
{
	static const struct { uint8_t mask, proto; } headers[] = {
		{ MASK_HOPOPTS, IPPROTO_HOPOPTS }, { MASK_DSTOPTS, IPPROTO_DSTOPTS }, { MASK_ROUTING, IPPROTO_ROUTING },
		{ MASK_FRAGMENT, IPPROTO_FRAGMENT }, { MASK_AH, IPPROTO_AH },        { MASK_ESP, IPPROTO_ESP },
		{ MASK_NONE, IPPROTO_NONE },         { MASK_PROTO, IPPROTO_RAW },
	};
	const char *sep = "";
	size_t i;

	if (!flags) {
		strbuf_puts(out, "NONE");
		return;
	}
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		if (!(flags & headers[i].mask))
			continue;
		strbuf_printf(out, "%s%s", sep, ipv6header_name(headers[i].proto));
		sep = ",";
	}
}

int nfdecode_ipv6header(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ip6t_ipv6header_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o)) {
		strbuf_printf(out, "%s --header ", info.invflags ? " !" : "");
		ipv6header_list(out, info.matchflags);
		if (info.modeflag)
			strbuf_puts(out, " --soft");
		return 0;
	}
	strbuf_puts(out, " ipv6header");
	if (info.matchflags || info.invflags) {
		strbuf_printf(out, " flags:%s", info.invflags ? "!" : "");
		if (o->numeric)
			strbuf_printf(out, "0x%02X", info.matchflags);
		else
			ipv6header_list(out, info.matchflags);
	}
	if (info.modeflag)
		strbuf_puts(out, " soft");
	return 0;
}

/* --- eui64 ------------------------------------------------------------- */

int nfdecode_eui64(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	(void)ext;
	/* No print function: iptables-legacy writes the name and a space. */
	if (!nfdecode_save(o) && !o->nft_listing)
		strbuf_puts(out, "eui64 ");
	return 0;
}
