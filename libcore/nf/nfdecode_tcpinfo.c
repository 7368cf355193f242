/* Decoders of the socket, tcpmss and ecn matches, in iptables 1.8.9's
 * save and list forms. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_ecn.h>
#include <linux/netfilter/xt_socket.h>
#include <linux/netfilter/xt_tcpmss.h>

#include "nfdecode_impl.h"

/* Revision 0 has no blob; revisions 1 to 3 a flags byte, each adding a
 * flag.  The listing shows the save form's options after " socket". */
int nfdecode_socket(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_socket_mtinfo3 info;

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision == 0)
		info.flags = 0;
	if (info.flags & ~XT_SOCKET_FLAGS_V3)
		return -EINVAL;
	if (!nfdecode_save(o))
		strbuf_puts(out, " socket");
	if (info.flags & XT_SOCKET_TRANSPARENT)
		strbuf_puts(out, " --transparent");
	if (info.flags & XT_SOCKET_NOWILDCARD)
		strbuf_puts(out, " --nowildcard");
	if (info.flags & XT_SOCKET_RESTORESKMARK)
		strbuf_puts(out, " --restore-skmark");
	return 0;
}

int nfdecode_tcpmss(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tcpmss_match_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --mss ", info.invert ? " !" : "");
	else
		strbuf_printf(out, " tcpmss match %s", info.invert ? "!" : "");
	nfbuf_range(out, info.mss_min, info.mss_max);
	return 0;
}

int nfdecode_ecn(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_ecn_info info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (!save)
		strbuf_puts(out, " ECN match");
	if (info.operation & XT_ECN_OP_MATCH_ECE) {
		bool inv = info.invert & XT_ECN_OP_MATCH_ECE;

		strbuf_puts(out, save ? (inv ? " ! --ecn-tcp-ece" : " --ecn-tcp-ece") : (inv ? " !ECE" : " ECE"));
	}
	if (info.operation & XT_ECN_OP_MATCH_CWR) {
		bool inv = info.invert & XT_ECN_OP_MATCH_CWR;

		strbuf_puts(out, save ? (inv ? " ! --ecn-tcp-cwr" : " --ecn-tcp-cwr") : (inv ? " !CWR" : " CWR"));
	}
	if (info.operation & XT_ECN_OP_MATCH_IP) {
		bool inv = info.invert & XT_ECN_OP_MATCH_IP;

		if (save)
			strbuf_printf(out, "%s --ecn-ip-ect %u", inv ? " !" : "", info.ip_ect);
		else
			strbuf_printf(out, " %sECT=%u", inv ? "!" : "", info.ip_ect);
	}
	return 0;
}
