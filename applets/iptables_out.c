/* iptables' three text shapes from xt.h's structs: the rule specs of -S
 * and iptables-save, and the table of -L, each as iptables 1.8.9 prints
 * them; and one JSON document. */
#include <inttypes.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <string.h>
#include <time.h>

#include "iptables_impl.h"
#include "sonde/hostsfile.h"
#include "sonde/xt_spec.h"

static void chain_spec_lines(struct iptables_view *v, const struct xt_chain *c)
{
	if (c->builtin) {
		fprintf(v->fp, "-P %s %s", c->name, xt_verdict_name(c->policy));
		if (v->cfg->verbose)
			fprintf(v->fp, " -c %" PRIu64 " %" PRIu64, c->packets, c->bytes);
		fputc('\n', v->fp);
	} else {
		fprintf(v->fp, "-N %s\n", c->name);
	}
}

/* The rule specs of -S and iptables-save; their counters, when asked, as
 * each tool places them. */
static void chain_rules(struct iptables_view *v, const struct xt_chain *c, bool with_counters)
{
	enum xt_spec_counters counters = !with_counters ? XT_SPEC_NO_COUNTERS
					 : v->cfg->save ? XT_SPEC_COUNTERS_PREFIX : XT_SPEC_COUNTERS_OPTION;
	size_t i;

	for (i = 0; i < c->rule_count; i++) {
		xt_rule_spec(&v->line, &v->decode, c, &c->rules[i], counters);
		fwrite(v->line.data, 1, v->line.len, v->fp);
		fputc('\n', v->fp);
	}
}

void iptables_print_rules(struct iptables_view *v, const struct xt_table *t, const char *chain)
{
	size_t i;

	for (i = 0; i < t->chain_count; i++)
		if (!chain || strcmp(chain, t->chains[i].name) == 0)
			chain_spec_lines(v, &t->chains[i]);
	for (i = 0; i < t->chain_count; i++)
		if (!chain || strcmp(chain, t->chains[i].name) == 0)
			chain_rules(v, &t->chains[i], v->cfg->verbose > 0);
}

static void now_text(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm) || strftime(buf, size, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, size, "(unknown time)");
}

void iptables_print_save(struct iptables_view *v, const struct xt_table *t, const char *tool)
{
	char when[64];
	size_t i;

	now_text(when, sizeof(when));
	fprintf(v->fp, "# Written by sonde %s (%s backend, read from the kernel) on %s\n", tool,
		t->backend == XT_BACKEND_NFT ? "nf_tables" : "legacy", when);
	fprintf(v->fp, "*%s\n", t->name);
	for (i = 0; i < t->chain_count; i++) {
		const struct xt_chain *c = &t->chains[i];

		/* Policy counters are shown with or without -c, as iptables-save does. */
		if (c->builtin)
			fprintf(v->fp, ":%s %s [%" PRIu64 ":%" PRIu64 "]\n", c->name, xt_verdict_name(c->policy), c->packets,
				c->bytes);
		else
			fprintf(v->fp, ":%s - [0:0]\n", c->name);
	}
	for (i = 0; i < t->chain_count; i++)
		chain_rules(v, &t->chains[i], v->cfg->counters);
	fprintf(v->fp, "COMMIT\n# Finished by sonde on %s\n", when);
}

/* --- iptables -L -------------------------------------------------------- */

/* Packet and byte counts: exact with -x, else abbreviated to 5 columns. */
static void list_number(struct iptables_view *v, uint64_t n, bool tabled)
{
	static const char units[] = "KMGT";
	unsigned u;

	if (v->cfg->exact) {
		fprintf(v->fp, tabled ? "%8" PRIu64 " " : "%" PRIu64 " ", n);
		return;
	}
	if (n <= 99999) {
		fprintf(v->fp, tabled ? "%5" PRIu64 " " : "%" PRIu64 " ", n);
		return;
	}
	for (u = 0; u < 4; u++) {
		n = (n + 500) / 1000;
		if (n <= 9999 || u == 3)
			break;
	}
	fprintf(v->fp, tabled ? "%4" PRIu64 "%c " : "%" PRIu64 "%c ", n, units[u]);
}

static void list_header(struct iptables_view *v, const struct xt_chain *c)
{
	const struct iptables_config *cfg = v->cfg;

	fprintf(v->fp, "Chain %s", c->name);
	if (c->builtin) {
		fprintf(v->fp, " (policy %s", xt_verdict_name(c->policy));
		if (cfg->verbose) {
			fputc(' ', v->fp);
			list_number(v, c->packets, false);
			fputs("packets, ", v->fp);
			list_number(v, c->bytes, false);
			fputs("bytes", v->fp);
		}
		fputs(")\n", v->fp);
	} else {
		fprintf(v->fp, " (%u references)\n", c->references);
	}
	if (cfg->line_numbers)
		fprintf(v->fp, "%-4s ", "num");
	if (cfg->verbose) {
		if (cfg->exact)
			fprintf(v->fp, "%8s %10s ", "pkts", "bytes");
		else
			fprintf(v->fp, "%5s %5s ", "pkts", "bytes");
	}
	fprintf(v->fp, "%-9s  prot opt", "target");
	if (cfg->verbose)
		fprintf(v->fp, " %-6s %-6s ", "in", "out");
	fprintf(v->fp, " %-19s  %-19s \n", "source", "destination");
}

/* Without -n, iptables names an address from /etc/hosts, then (IPv4)
 * /etc/networks ("default" for 0.0.0.0); sonde never asks the DNS. */
static void list_addr_name(struct iptables_view *v, struct strbuf *text, const uint8_t *addr)
{
	char name[256];
	bool v6 = v->family == NFPROTO_IPV6;

	if (!v->cfg->numeric && (hostsfile_name(v6 ? AF_INET6 : AF_INET, addr, name, sizeof(name)) == 0 ||
				 (!v6 && networks_name(addr, name, sizeof(name)) == 0)))
		strbuf_puts(text, name);
	else
		nfbuf_addr(text, v->family, addr);
}

static void list_addr(struct iptables_view *v, const uint8_t *addr, const uint8_t *mask, bool inv)
{
	static const uint8_t zero[16];
	size_t n = v->family == NFPROTO_IPV6 ? 16 : 4;
	struct strbuf text = { 0 };

	fputc(inv ? '!' : ' ', v->fp);
	/* ip6tables also calls the unspecified address anywhere, whatever its mask. */
	if (!v->cfg->numeric && (memcmp(mask, zero, n) == 0 || (n == 16 && memcmp(addr, zero, n) == 0))) {
		fprintf(v->fp, "%-19s ", "anywhere");
		return;
	}
	list_addr_name(v, &text, addr);
	nfbuf_mask(&text, v->family, mask);
	fprintf(v->fp, "%-19s ", text.data ? text.data : "");
	strbuf_free(&text);
}

static void list_iface(struct iptables_view *v, const char *name, bool inv, const char *fmt)
{
	char text[XT_IFNAME_LEN + 2];

	snprintf(text, sizeof(text), "%s%s", inv ? "!" : "", name[0] ? name : v->cfg->numeric ? "*" : "any");
	fprintf(v->fp, fmt, text);
}

static void list_proto(struct iptables_view *v, const struct xt_rule *r)
{
	const char *name = NULL;

	fputc((r->invflags & XT_RULE_INV_PROTO) ? '!' : ' ', v->fp);
	if (!v->cfg->numeric)
		name = nf_proto_name(r->proto);
	if (name)
		fprintf(v->fp, "%-4s ", name);
	else
		fprintf(v->fp, "%-4u ", r->proto);
}

static void list_rule(struct iptables_view *v, const struct xt_rule *r, size_t number)
{
	const struct iptables_config *cfg = v->cfg;
	size_t i;

	if (cfg->line_numbers)
		fprintf(v->fp, "%-4zu ", number);
	if (cfg->verbose) {
		list_number(v, r->packets, true);
		list_number(v, r->bytes, true);
	}
	fprintf(v->fp, "%-9s ", xt_target_name(r));
	list_proto(v, r);
	fprintf(v->fp, "%c%c ", (r->invflags & XT_RULE_INV_FRAG) ? '!' : '-', r->fragment ? 'f' : '-');
	if (cfg->verbose) {
		list_iface(v, r->in_iface, r->invflags & XT_RULE_INV_IN, " %-6s ");
		list_iface(v, r->out_iface, r->invflags & XT_RULE_INV_OUT, "%-6s ");
	}
	list_addr(v, r->src, r->src_mask, r->invflags & XT_RULE_INV_SRC);
	list_addr(v, r->dst, r->dst_mask, r->invflags & XT_RULE_INV_DST);
	if (r->verdict == XT_VERDICT_GOTO)
		fputs("[goto] ", v->fp);
	v->decode.style = NFDECODE_LIST;
	v->decode.numeric = cfg->numeric;
	v->decode.proto = r->proto;
	strbuf_reset(&v->line);
	for (i = 0; i < r->match_count; i++) {
		struct nfdecode_ext m = xt_blob_ext(&r->matches[i]);

		nfdecode_match(&v->line, &m, &v->decode);
	}
	if (r->untranslated)
		strbuf_printf(&v->line, " /* sonde: nf_tables expressions: %s */", r->untranslated);
	if (r->verdict == XT_VERDICT_TARGET) {
		struct nfdecode_ext t = xt_blob_ext(&r->target);

		nfdecode_target(&v->line, &t, &v->decode);
	}
	if (v->line.len)
		fwrite(v->line.data, 1, v->line.len, v->fp);
	fputc('\n', v->fp);
}

bool iptables_print_list(struct iptables_view *v, const struct xt_table *t, const char *chain, bool first)
{
	bool found = false;
	size_t i, j;

	v->decode.nft_listing = t->backend == XT_BACKEND_NFT;
	for (i = 0; i < t->chain_count; i++) {
		const struct xt_chain *c = &t->chains[i];

		if (chain && strcmp(chain, c->name) != 0)
			continue;
		if (!first)
			fputc('\n', v->fp);
		first = false;
		found = true;
		list_header(v, c);
		for (j = 0; j < c->rule_count; j++)
			list_rule(v, &c->rules[j], j + 1);
	}
	return found;
}

/* --- JSON -------------------------------------------------------------- */

static void json_rule(struct iptables_view *v, struct sonde_out *out, const struct xt_chain *c,
		      const struct xt_rule *r)
{
	size_t i;

	out_open_object(out, NULL);
	xt_rule_spec(&v->line, &v->decode, c, r, XT_SPEC_NO_COUNTERS);
	out_print_str(out, "rule", NULL, v->line.data ? v->line.data : "");
	out_print_str(out, "target", NULL, xt_target_name(r));
	out_print_str(out, "kind", NULL,
		      r->verdict == XT_VERDICT_JUMP ? "jump" : r->verdict == XT_VERDICT_GOTO ? "goto"
						: r->verdict == XT_VERDICT_TARGET ? "extension"
						: r->verdict == XT_VERDICT_NONE ? "none" : "verdict");
	out_open_array(out, "matches");
	for (i = 0; i < r->match_count; i++) {
		out_open_object(out, NULL);
		out_print_str(out, "name", NULL, r->matches[i].name);
		out_print_uint(out, "revision", NULL, r->matches[i].revision);
		out_close_object(out);
	}
	out_close_array(out);
	out_print_uint(out, "packets", NULL, r->packets);
	out_print_uint(out, "bytes", NULL, r->bytes);
	out_close_object(out);
}

void iptables_print_json(struct iptables_view *v, struct sonde_out *out, const struct xt_table *t, const char *chain)
{
	size_t i, j;

	out_open_object(out, NULL);
	out_print_str(out, "table", NULL, t->name);
	out_print_str(out, "family", NULL, t->family == NFPROTO_IPV6 ? "ipv6" : "ipv4");
	out_print_str(out, "backend", NULL, t->backend == XT_BACKEND_NFT ? "nf_tables" : "legacy");
	out_open_array(out, "chains");
	for (i = 0; i < t->chain_count; i++) {
		const struct xt_chain *c = &t->chains[i];

		if (chain && strcmp(chain, c->name) != 0)
			continue;
		out_open_object(out, NULL);
		out_print_str(out, "name", NULL, c->name);
		out_print_bool(out, "builtin", NULL, c->builtin);
		if (c->builtin) {
			out_print_str(out, "policy", NULL, xt_verdict_name(c->policy));
			out_print_uint(out, "packets", NULL, c->packets);
			out_print_uint(out, "bytes", NULL, c->bytes);
		} else {
			out_print_uint(out, "references", NULL, c->references);
		}
		out_open_array(out, "rules");
		for (j = 0; j < c->rule_count; j++)
			json_rule(v, out, c, &c->rules[j]);
		out_close_array(out);
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}
