/* Decoders of the IPsec and IPv6 fragment header matches: esp, ah (IPv4
 * and IPv6 layouts) and frag, in iptables 1.8.9's save and list forms. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_esp.h>
#include <linux/netfilter_ipv4/ipt_ah.h>
#include <linux/netfilter_ipv6/ip6t_ah.h>
#include <linux/netfilter_ipv6/ip6t_frag.h>

#include "nfdecode_impl.h"

/* An SPI or identification range: nothing when it is the whole range;
 * "spi:N" / "spis:N:M" listed after lead (esp's listing puts a space
 * before it, ah's and frag's end their name with one), " --espspi N[:M]"
 * saved. */
static void id_range(struct strbuf *out, const char *lead, const char *list_name, const char *save_opt, const uint32_t range[2],
		     bool invert, const struct nfdecode_opts *o)
{
	bool whole = range[0] == 0 && range[1] == 0xffffffffu;

	if (nfdecode_save(o)) {
		if (whole)
			return;
		strbuf_printf(out, "%s --%s %u", invert ? " !" : "", save_opt, range[0]);
		if (range[0] != range[1])
			strbuf_printf(out, ":%u", range[1]);
		return;
	}
	if (whole && !invert)
		return;
	if (range[0] == range[1])
		strbuf_printf(out, "%s%s:%s%u", lead, list_name, invert ? "!" : "", range[0]);
	else
		strbuf_printf(out, "%s%ss:%s%u:%u", lead, list_name, invert ? "!" : "", range[0], range[1]);
}

/* A header length compare, shown when set or inverted. */
static void header_length(struct strbuf *out, const char *save_opt, uint32_t len, bool invert,
			  const struct nfdecode_opts *o)
{
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --%s %u", invert ? " !" : "", save_opt, len);
	else
		strbuf_printf(out, " length:%s%u", invert ? "!" : "", len);
}

int nfdecode_esp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_esp info;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.invflags & ~XT_ESP_INV_MASK)
		return -EINVAL;
	if (!nfdecode_save(o))
		strbuf_puts(out, " esp");
	id_range(out, " ", "spi", "espspi", info.spis, info.invflags & XT_ESP_INV_SPI, o);
	return 0;
}

int nfdecode_ah(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ipt_ah info;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.invflags & ~IPT_AH_INV_MASK)
		return -EINVAL;
	if (!nfdecode_save(o))
		strbuf_puts(out, " ah ");
	id_range(out, "", "spi", "ahspi", info.spis, info.invflags & IPT_AH_INV_SPI, o);
	return 0;
}

int nfdecode_ah6(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct ip6t_ah info;
	bool len_inv;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.invflags & ~IP6T_AH_INV_MASK)
		return -EINVAL;
	len_inv = info.invflags & IP6T_AH_INV_LEN;
	if (!nfdecode_save(o))
		strbuf_puts(out, " ah ");
	id_range(out, "", "spi", "ahspi", info.spis, info.invflags & IP6T_AH_INV_SPI, o);
	if (info.hdrlen || len_inv)
		header_length(out, "ahlen", info.hdrlen, len_inv, o);
	if (info.hdrres)
		strbuf_puts(out, nfdecode_save(o) ? " --ahres" : " reserved");
	return 0;
}

int nfdecode_frag(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	static const struct {
		uint8_t flag;
		const char *save, *list;
	} flags[] = {
		{ IP6T_FRAG_RES, " --fragres", " reserved" },
		{ IP6T_FRAG_FST, " --fragfirst", " first" },
		{ IP6T_FRAG_MF, " --fragmore", " more" },
		{ IP6T_FRAG_NMF, " --fraglast", " last" },
	};
	struct ip6t_frag info;
	bool len_inv;
	size_t i;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.invflags & ~IP6T_FRAG_INV_MASK)
		return -EINVAL;
	len_inv = info.invflags & IP6T_FRAG_INV_LEN;
	if (!nfdecode_save(o))
		strbuf_puts(out, " frag ");
	id_range(out, "", "id", "fragid", info.ids, info.invflags & IP6T_FRAG_INV_IDS, o);
	if ((info.flags & IP6T_FRAG_LEN) || len_inv)
		header_length(out, "fraglen", info.hdrlen, len_inv, o);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (info.flags & flags[i].flag)
			strbuf_puts(out, nfdecode_save(o) ? flags[i].save : flags[i].list);
	return 0;
}
