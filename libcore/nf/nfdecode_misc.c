/* Decoders of the string, policy, connlabel, cgroup, ipcomp and rpfilter
 * matches, in iptables 1.8.9's save and list forms. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_cgroup.h>
#include <linux/netfilter/xt_connlabel.h>
#include <linux/netfilter/xt_ipcomp.h>
#include <linux/netfilter/xt_policy.h>
#include <linux/netfilter/xt_rpfilter.h>
#include <linux/netfilter/xt_string.h>
#include <stdio.h>
#include <unistd.h>

#include "nfdecode_impl.h"

/* --- string ------------------------------------------------------------ */

/* iptables shows a pattern as hex when a byte is not printable ASCII or
 * the last byte is a backslash. */
static bool string_needs_hex(const char *pattern, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)pattern[i] < 0x20 || (unsigned char)pattern[i] > 0x7e)
			return true;
	return pattern[len - 1] == '\\';
}

static void string_pattern(struct strbuf *out, const char *pattern, size_t len, bool hex)
{
	size_t i;

	strbuf_puts(out, hex ? " \"|" : " \"");
	for (i = 0; i < len; i++) {
		if (hex) {
			strbuf_printf(out, "%02x", (unsigned char)pattern[i]);
			continue;
		}
		if (pattern[i] == '"' || pattern[i] == '\\')
			strbuf_puts(out, "\\");
		strbuf_add(out, &pattern[i], 1);
	}
	strbuf_puts(out, hex ? "|\"" : "\"");
}

int nfdecode_string(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_string_info info;
	char algo[XT_STRING_MAX_ALGO_NAME_SIZE + 1];
	bool save = nfdecode_save(o), invert, hex;

	nfdecode_load(&info, sizeof(info), ext);
	/* An empty pattern makes iptables read before it: no defined text. */
	if (info.patlen == 0)
		return -ENOTSUP;
	if (info.patlen > XT_STRING_MAX_PATTERN_SIZE)
		return -EINVAL;
	invert = ext->revision == 0 ? info.u.v0.invert : (info.u.v1.flags & XT_STRING_FLAG_INVERT);
	hex = string_needs_hex(info.pattern, info.patlen);
	memcpy(algo, info.algo, sizeof(info.algo));
	algo[sizeof(info.algo)] = '\0';
	if (save)
		strbuf_printf(out, "%s %s", invert ? " !" : "", hex ? "--hex-string" : "--string");
	else
		strbuf_printf(out, " STRING match %s", invert ? "!" : "");
	string_pattern(out, info.pattern, info.patlen, hex);
	strbuf_printf(out, save ? " --algo %s" : " ALGO name %s", algo);
	if (info.from_offset != 0)
		strbuf_printf(out, save ? " --from %u" : " FROM %u", info.from_offset);
	if (info.to_offset != UINT16_MAX)
		strbuf_printf(out, save ? " --to %u" : " TO %u", info.to_offset);
	if (ext->revision > 0 && (info.u.v1.flags & XT_STRING_FLAG_IGNORECASE))
		strbuf_puts(out, save ? " --icase" : " ICASE");
	return 0;
}

/* --- policy ------------------------------------------------------------ */

static void policy_address(struct strbuf *out, const char *label, const union xt_policy_addr *addr,
			   const union xt_policy_addr *mask, const struct nfdecode_opts *o)
{
	strbuf_printf(out, " %s ", label);
	nfbuf_addr(out, o->family, (const uint8_t *)addr);
	nfbuf_mask(out, o->family, (const uint8_t *)mask);
}

static void policy_element(struct strbuf *out, const struct xt_policy_elem *e, const char *p,
			   const struct nfdecode_opts *o)
{
	static const char *const modes[] = { "transport", "tunnel" };
	const char *proto_name;
	char label[24];

	if (e->match.reqid)
		strbuf_printf(out, "%s %sreqid %u", e->invert.reqid ? " !" : "", p, e->reqid);
	if (e->match.spi)
		strbuf_printf(out, "%s %sspi 0x%x", e->invert.spi ? " !" : "", p, e->spi);
	if (e->match.proto) {
		proto_name = nfdecode_save(o) || !o->numeric ? nf_proto_file_name(e->proto) : NULL;
		strbuf_printf(out, "%s %sproto ", e->invert.proto ? " !" : "", p);
		if (proto_name)
			strbuf_puts(out, proto_name);
		else
			nfbuf_uint(out, e->proto);
	}
	if (e->match.mode)
		strbuf_printf(out, "%s %smode %s", e->invert.mode ? " !" : "", p, e->mode < 2 ? modes[e->mode] : "???");
	if (e->match.daddr) {
		strbuf_puts(out, e->invert.daddr ? " !" : "");
		snprintf(label, sizeof(label), "%stunnel-dst", p);
		policy_address(out, label, &e->daddr, &e->dmask, o);
	}
	if (e->match.saddr) {
		strbuf_puts(out, e->invert.saddr ? " !" : "");
		snprintf(label, sizeof(label), "%stunnel-src", p);
		policy_address(out, label, &e->saddr, &e->smask, o);
	}
}

int nfdecode_policy(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_policy_info info;
	bool save = nfdecode_save(o);
	const char *p = save ? "--" : "";
	unsigned i;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.len > XT_POLICY_MAX_ELEM)
		return -EINVAL;
	if (!save)
		strbuf_puts(out, " policy match");
	strbuf_printf(out, " %sdir %s", p, (info.flags & XT_POLICY_MATCH_IN) ? "in" : "out");
	strbuf_printf(out, " %spol %s", p, (info.flags & XT_POLICY_MATCH_NONE) ? "none" : "ipsec");
	if (info.flags & XT_POLICY_MATCH_STRICT)
		strbuf_printf(out, " %sstrict", p);
	for (i = 0; i < info.len; i++) {
		if (!save && info.len > 1)
			strbuf_printf(out, " [%u]", i);
		policy_element(out, &info.pol[i], p, o);
		if (save && i + 1 < info.len)
			strbuf_puts(out, " --next");
	}
	return 0;
}

/* --- connlabel --------------------------------------------------------- */

/* iptables names labels from libnetfilter_conntrack's connlabel.conf; with
 * such a file sonde would have to read it the same way, so it says it
 * cannot, rather than print a number where iptables prints a name. */
static bool connlabel_names_exist(void)
{
	return access("/etc/xtables/connlabel.conf", F_OK) == 0 || access("/etc/connlabel.conf", F_OK) == 0;
}

int nfdecode_connlabel(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_connlabel_mtinfo info;
	bool save = nfdecode_save(o);
	bool invert;

	nfdecode_load(&info, sizeof(info), ext);
	if (connlabel_names_exist())
		return -ENOTSUP;
	invert = info.options & XT_CONNLABEL_OP_INVERT;
	if (save)
		strbuf_printf(out, "%s --label \"%u\"", invert ? " !" : "", info.bit);
	else
		strbuf_printf(out, " connlabel%s %u", invert ? " !" : "", info.bit);
	if (info.options & XT_CONNLABEL_OP_SET)
		strbuf_puts(out, save ? " --set" : " set");
	return 0;
}

/* --- cgroup ------------------------------------------------------------ */

static void cgroup_path(struct strbuf *out, bool invert, const char *path, size_t size, const struct nfdecode_opts *o)
{
	char text[PATH_MAX + 1];
	size_t n = strnlen(path, size < sizeof(text) - 1 ? size : sizeof(text) - 1);

	memcpy(text, path, n);
	text[n] = '\0';
	if (nfdecode_save(o)) {
		strbuf_printf(out, "%s --path", invert ? " !" : "");
		nfbuf_save_string(out, text);
	} else {
		strbuf_printf(out, " %s%s", invert ? "! " : "", text);
	}
}

static void cgroup_classid(struct strbuf *out, bool invert, uint32_t classid, const struct nfdecode_opts *o)
{
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --cgroup %u", invert ? " !" : "", classid);
	else
		strbuf_printf(out, " %s%u", invert ? "! " : "", classid);
}

int nfdecode_cgroup(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	if (!nfdecode_save(o))
		strbuf_puts(out, " cgroup");
	if (ext->revision == 0) {
		struct xt_cgroup_info_v0 info;

		nfdecode_load(&info, sizeof(info), ext);
		cgroup_classid(out, info.invert, info.id, o);
	} else if (ext->revision == 1) {
		struct xt_cgroup_info_v1 info;

		nfdecode_load(&info, sizeof(info), ext);
		if (info.has_path)
			cgroup_path(out, info.invert_path, info.path, sizeof(info.path), o);
		if (info.has_classid)
			cgroup_classid(out, info.invert_classid, info.classid, o);
	} else {
		struct xt_cgroup_info_v2 info;

		nfdecode_load(&info, sizeof(info), ext);
		/* Path and class id share their bytes in revision 2. */
		if (info.has_path)
			cgroup_path(out, info.invert_path, info.path, sizeof(info.path), o);
		if (info.has_classid)
			cgroup_classid(out, info.invert_classid, info.classid, o);
	}
	return 0;
}

/* --- ipcomp ------------------------------------------------------------ */

int nfdecode_ipcomp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_ipcomp info;
	bool full, invert;

	nfdecode_load(&info, sizeof(info), ext);
	full = info.spis[0] == 0 && info.spis[1] == 0xffffffffu;
	invert = info.invflags & XT_IPCOMP_INV_SPI;
	if (nfdecode_save(o)) {
		if (!full) {
			strbuf_printf(out, "%s --ipcompspi ", invert ? " !" : "");
			nfbuf_range(out, info.spis[0], info.spis[1]);
		}
		if (info.hdrres)
			strbuf_puts(out, " --compres");
		return 0;
	}
	strbuf_puts(out, " comp ");
	if (!full || invert) {
		if (info.spis[0] == info.spis[1])
			strbuf_printf(out, "spi:%s%u", invert ? "!" : "", info.spis[0]);
		else
			strbuf_printf(out, "spis:%s%u:%u", invert ? "!" : "", info.spis[0], info.spis[1]);
	}
	if (info.hdrres)
		strbuf_puts(out, " reserved");
	if (info.invflags & ~XT_IPCOMP_INV_MASK)
		strbuf_printf(out, " Unknown invflags: 0x%X", info.invflags & ~XT_IPCOMP_INV_MASK);
	return 0;
}

/* --- rpfilter ---------------------------------------------------------- */

int nfdecode_rpfilter(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	static const struct { uint8_t flag; const char *name; } options[] = {
		{ XT_RPFILTER_LOOSE, "loose" }, { XT_RPFILTER_VALID_MARK, "validmark" },
		{ XT_RPFILTER_ACCEPT_LOCAL, "accept-local" }, { XT_RPFILTER_INVERT, "invert" },
	};
	struct xt_rpfilter_info info;
	size_t i;

	nfdecode_load(&info, sizeof(info), ext);
	if (!nfdecode_save(o))
		strbuf_puts(out, " rpfilter");
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (info.flags & options[i].flag)
			strbuf_printf(out, " %s%s", nfdecode_save(o) ? "--" : "", options[i].name);
	return 0;
}
