/* Decoders of the counting and packet-class matches: connlimit, quota,
 * pkttype and cpu, in iptables 1.8.9's save and list forms. */
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_connlimit.h>
#include <linux/netfilter/xt_cpu.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_quota.h>

#include "nfdecode_impl.h"

int nfdecode_connlimit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_connlimit_info info;
	bool upto, daddr;
	int prefix_len;

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 0)
		info.flags = 0;
	prefix_len = nf_mask_prefix_len(o->family, (const uint8_t *)&info.mask);
	if (prefix_len < 0)
		return -EINVAL;
	upto = info.flags & XT_CONNLIMIT_INVERT;
	daddr = info.flags & XT_CONNLIMIT_DADDR;
	if (nfdecode_save(o))
		strbuf_printf(out, " --connlimit-%s %u --connlimit-mask %d --connlimit-%s", upto ? "upto" : "above",
			     info.limit, prefix_len, daddr ? "daddr" : "saddr");
	else
		strbuf_printf(out, " #conn %s/%d %s %u", daddr ? "dst" : "src", prefix_len, upto ? "<=" : ">",
			     info.limit);
	return 0;
}

int nfdecode_quota(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_quota_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --quota %llu", (info.flags & XT_QUOTA_INVERT) ? " !" : "",
			     (unsigned long long)info.quota);
	else
		strbuf_printf(out, " quota: %llu bytes", (unsigned long long)info.quota);
	return 0;
}

int nfdecode_pkttype(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	static const char *const names[] = {
		[PACKET_HOST] = "unicast",         [PACKET_BROADCAST] = "broadcast", [PACKET_MULTICAST] = "multicast",
		[PACKET_OTHERHOST] = "otherhost", [PACKET_OUTGOING] = "outgoing",
	};
	struct xt_pkttype_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --pkt-type ", info.invert ? " !" : "");
	else
		strbuf_printf(out, " PKTTYPE %s= ", info.invert ? "!" : "");
	if (info.pkttype >= 0 && (size_t)info.pkttype < sizeof(names) / sizeof(names[0]))
		strbuf_puts(out, names[info.pkttype]);
	else
		strbuf_printf(out, "%d", info.pkttype);
	return 0;
}

int nfdecode_cpu(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_cpu_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --cpu %u", info.invert ? " !" : "", info.cpu);
	else
		strbuf_printf(out, " cpu %s%u", info.invert ? "! " : "", info.cpu);
	return 0;
}
