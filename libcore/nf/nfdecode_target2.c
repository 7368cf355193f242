/* Decoders of the small single-field targets: TCPMSS, CONNSECMARK, AUDIT
 * and CLASSIFY, and TRACE without options, in iptables 1.8.9's save and
 * list forms. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_AUDIT.h>
#include <linux/netfilter/xt_CLASSIFY.h>
#include <linux/netfilter/xt_CONNSECMARK.h>
#include <linux/netfilter/xt_TCPMSS.h>

#include "nfdecode_impl.h"

int nfdecode_tcpmss_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_tcpmss_info info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (info.mss == XT_TCPMSS_CLAMP_PMTU)
		strbuf_puts(out, save ? " --clamp-mss-to-pmtu" : " TCPMSS clamp to PMTU");
	else
		strbuf_printf(out, save ? " --set-mss %u" : " TCPMSS set %u", info.mss);
	return 0;
}

int nfdecode_connsecmark(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_connsecmark_target_info info;
	const char *mode;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.mode == CONNSECMARK_SAVE)
		mode = "save";
	else if (info.mode == CONNSECMARK_RESTORE)
		mode = "restore";
	else
		return -EINVAL;
	strbuf_printf(out, nfdecode_save(o) ? " --%s" : " CONNSECMARK %s", mode);
	return 0;
}

int nfdecode_audit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	static const char *const types[] = { "accept", "drop", "reject" };
	struct xt_audit_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.type > XT_AUDIT_TYPE_MAX)
		return -EINVAL;
	strbuf_printf(out, nfdecode_save(o) ? " --type %s" : " AUDIT %s", types[info.type]);
	return 0;
}

int nfdecode_classify(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_classify_target_info info;

	nfdecode_load(&info, sizeof(info), ext);
	strbuf_printf(out, nfdecode_save(o) ? " --set-class %04x:%04x" : " CLASSIFY set %x:%x", info.priority >> 16,
		     info.priority & 0xffffu);
	return 0;
}

/* TRACE has no options and no print function: nothing in either form. */
int nfdecode_no_options(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	(void)out;
	(void)ext;
	(void)o;
	return 0;
}
