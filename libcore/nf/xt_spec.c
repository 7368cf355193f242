/* The rule spec of `iptables -S` and iptables-save from xt.h's model, as
 * iptables 1.8.9 writes it; the matches and targets through nfdecode. */
#include <inttypes.h>
#include <string.h>
#include <linux/netfilter.h>

#include "sonde/xt_spec.h"

const char *xt_verdict_name(enum xt_verdict verdict)
{
	switch (verdict) {
	case XT_VERDICT_ACCEPT: return "ACCEPT";
	case XT_VERDICT_DROP: return "DROP";
	case XT_VERDICT_RETURN: return "RETURN";
	case XT_VERDICT_QUEUE: return "QUEUE";
	default: return "";
	}
}

const char *xt_target_name(const struct xt_rule *r)
{
	switch (r->verdict) {
	case XT_VERDICT_JUMP:
	case XT_VERDICT_GOTO: return r->jump;
	case XT_VERDICT_TARGET: return r->target.name;
	default: return xt_verdict_name(r->verdict);
	}
}

struct nfdecode_ext xt_blob_ext(const struct xt_blob *blob)
{
	return (struct nfdecode_ext){ .name = blob->name, .revision = blob->revision, .data = blob->data,
				      .len = blob->len };
}

/* " -s 10.0.0.0/8": the mask always, as a prefix length or dotted; nothing
 * for "any address" (all zero, not inverted). */
static void spec_addr(struct strbuf *line, int family, char letter, const uint8_t *addr, const uint8_t *mask,
		      bool inverted)
{
	static const uint8_t zero[16];
	size_t addr_len = family == NFPROTO_IPV6 ? 16 : 4;
	int bits;

	if (!inverted && memcmp(addr, zero, addr_len) == 0 && memcmp(mask, zero, addr_len) == 0)
		return;
	strbuf_puts(line, inverted ? " ! -" : " -");
	strbuf_add(line, &letter, 1);
	strbuf_add(line, " ", 1);
	nfbuf_addr(line, family, addr);
	bits = nf_mask_prefix_len(family, mask);
	if (bits >= 0) {
		strbuf_add(line, "/", 1);
		nfbuf_uint(line, (unsigned)bits);
	} else {
		strbuf_puts(line, "/");
		nfbuf_addr(line, family, mask);
	}
}

/* " -i eth0", " -i eth+".  With legacy's mask, as iptables-save writes
 * it: the name's bytes under the mask, "+" where the mask stops early,
 * nothing at all for an empty mask ("-i +"). */
static void spec_iface(struct strbuf *line, char letter, const char *name, const uint8_t *mask, bool inverted)
{
	size_t i;

	if (mask ? mask[0] == 0 : name[0] == '\0')
		return;
	strbuf_puts(line, inverted ? " ! -" : " -");
	strbuf_add(line, &letter, 1);
	strbuf_add(line, " ", 1);
	if (!mask) {
		strbuf_puts(line, name);
		return;
	}
	for (i = 0; i < XT_IFNAME_LEN; i++) {
		if (mask[i] == 0) {
			if (name[i - 1] != '\0')
				strbuf_add(line, "+", 1);
			return;
		}
		if (name[i] != '\0')
			strbuf_add(line, &name[i], 1);
	}
}

/* -s, -d, -i, -o, -p and -f: what x_tables matches without an extension. */
static void spec_basics(struct strbuf *line, int family, const struct xt_rule *r)
{
	spec_addr(line, family, 's', r->src, r->src_mask, r->invflags & XT_RULE_INV_SRC);
	spec_addr(line, family, 'd', r->dst, r->dst_mask, r->invflags & XT_RULE_INV_DST);
	spec_iface(line, 'i', r->in_iface, r->has_iface_masks ? r->in_iface_mask : NULL, r->invflags & XT_RULE_INV_IN);
	spec_iface(line, 'o', r->out_iface, r->has_iface_masks ? r->out_iface_mask : NULL,
		   r->invflags & XT_RULE_INV_OUT);
	if (r->proto) {
		const char *name = nf_proto_name(r->proto);

		strbuf_puts(line, (r->invflags & XT_RULE_INV_PROTO) ? " ! -p " : " -p ");
		if (name)
			strbuf_puts(line, name);
		else
			nfbuf_uint(line, r->proto);
	}
	if (r->fragment)
		strbuf_puts(line, (r->invflags & XT_RULE_INV_FRAG) ? " ! -f" : " -f");
}

void xt_rule_spec(struct strbuf *line, const struct nfdecode_opts *decode, const struct xt_chain *c,
		  const struct xt_rule *r, enum xt_spec_counters counters)
{
	struct nfdecode_opts save = *decode;
	size_t i;

	save.style = NFDECODE_SAVE;
	strbuf_reset(line);
	if (counters == XT_SPEC_COUNTERS_PREFIX)
		strbuf_printf(line, "[%" PRIu64 ":%" PRIu64 "] ", r->packets, r->bytes);
	strbuf_puts(line, "-A ");
	strbuf_puts(line, c->name);
	spec_basics(line, decode->family, r);
	for (i = 0; i < r->match_count; i++) {
		struct nfdecode_ext m = xt_blob_ext(&r->matches[i]);

		nfdecode_match(line, &m, &save);
	}
	if (r->untranslated)
		strbuf_printf(line, " /* sonde: nf_tables expressions: %s */", r->untranslated);
	if (counters == XT_SPEC_COUNTERS_OPTION)
		strbuf_printf(line, " -c %" PRIu64 " %" PRIu64, r->packets, r->bytes);
	if (r->verdict == XT_VERDICT_TARGET) {
		struct nfdecode_ext t = xt_blob_ext(&r->target);

		nfdecode_target(line, &t, &save);
	} else if (r->verdict != XT_VERDICT_NONE) {
		strbuf_puts(line, r->verdict == XT_VERDICT_GOTO ? " -g " : " -j ");
		strbuf_puts(line, xt_target_name(r));
	}
}
