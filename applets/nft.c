/* nft, read-only: `list ruleset`, `list tables`, `list table FAMILY NAME`,
 * `list chain FAMILY TABLE CHAIN`, in nft 1.0.6's syntax, from one
 * consistent dump of the kernel's nf_tables.  Nothing else: sonde never
 * changes rules. */
#include <errno.h>
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/nfdecode.h"
#include "sonde/nft.h"
#include "sonde/version.h"

#define OUTPUT_BUFFER_SIZE (256 * 1024)

struct nft_config {
	bool stateless;          /* -s: no counter values */
	bool json;               /* -j: nft's spelling of --json */
};

/* What the schema's metainfo says of the writer: sonde, not an nft release. */
#define JSON_SCHEMA_VERSION 1

static const struct sonde_opt nft_options[] = {
	SONDE_OPT_FLAG("s", "stateless", "omit counter values (as nft -s)", struct nft_config, stateless),
	SONDE_OPT_FLAG("j", NULL, "JSON in nft's schema (libnftables-json), the same as --json", struct nft_config, json),
	SONDE_OPT_END,
};

enum list_what { LIST_RULESET, LIST_TABLES, LIST_TABLE, LIST_CHAIN };

/* --- what the dump collects -------------------------------------------- */

struct view_chain {
	struct nft_chain info;   /* comment moved in, owned */
	struct strbuf rules;      /* "\t\trule\n" lines, or JSON rule objects each after ", " */
};

struct view_table {
	int family;
	char name[NFT_NAME_LEN];
	uint64_t handle;
	uint32_t flags;
	char *comment;
	struct nft_set *sets;
	size_t set_count;
	size_t *sets_by_name;    /* built at the table's first rule */
	struct view_chain *chains;
	size_t chain_count;
	/* Named objects, listed as not rendered (text lines; JSON items). */
	struct strbuf objs_text, objs_json;
};

struct view {
	const struct nft_config *cfg;
	bool json;               /* rules rendered in nft's JSON schema */
	int family;              /* NFPROTO_UNSPEC: all */
	const char *table, *chain; /* filters, or NULL */
	struct view_table *tables;
	size_t table_count;
	struct view_table *last_table;
	struct view_chain *last_chain;
};

static bool wanted(const struct view *v, int family, const char *table)
{
	return (v->family == NFPROTO_UNSPEC || v->family == family) && (!v->table || strcmp(v->table, table) == 0);
}

static struct view_table *find_table(struct view *v, int family, const char *name)
{
	size_t i;

	if (v->last_table && v->last_table->family == family && strcmp(v->last_table->name, name) == 0)
		return v->last_table;
	for (i = 0; i < v->table_count; i++)
		if (v->tables[i].family == family && strcmp(v->tables[i].name, name) == 0)
			return v->last_table = &v->tables[i];
	return NULL;
}

static int on_table(const struct nft_table *t, void *arg)
{
	struct view *v = arg;
	struct view_table *grown;

	if (!wanted(v, t->family, t->name))
		return 0;
	grown = realloc(v->tables, (v->table_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	v->tables = grown;
	v->last_table = NULL;
	memset(&grown[v->table_count], 0, sizeof(*grown));
	grown[v->table_count].family = t->family;
	grown[v->table_count].flags = t->flags;
	grown[v->table_count].handle = t->handle;
	snprintf(grown[v->table_count].name, NFT_NAME_LEN, "%s", t->name);
	if (t->comment && !(grown[v->table_count].comment = strdup(t->comment)))
		return -ENOMEM;
	v->table_count++;
	return 0;
}

static int on_chain(const struct nft_chain *c, void *arg)
{
	struct view *v = arg;
	struct view_table *t = find_table(v, c->family, c->table);
	struct view_chain *grown, *vc;

	if (!t || (v->chain && strcmp(v->chain, c->name) != 0))
		return 0;
	grown = realloc(t->chains, (t->chain_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	t->chains = grown;
	v->last_chain = NULL;
	vc = &grown[t->chain_count++];
	memset(vc, 0, sizeof(*vc));
	vc->info = *c;
	if (c->comment && !(vc->info.comment = strdup(c->comment)))
		return -ENOMEM;
	return 0;
}

static int on_set(struct nft_set *s, void *arg)
{
	struct view *v = arg;
	struct view_table *t = find_table(v, s->family, s->table);
	struct nft_set *grown;
	size_t i;

	if (!t)
		return 0;
	/* nft -s leaves out the time elements have left, as it does counters. */
	for (i = 0; v->cfg->stateless && i < s->elem_count; i++)
		s->elems[i].expiration_ms = 0;
	grown = realloc(t->sets, (t->set_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	t->sets = grown;
	t->sets[t->set_count++] = *s;
	memset(s, 0, sizeof(*s));
	return 0;
}

static int on_obj(const struct nft_obj *o, void *arg)
{
	struct view *v = arg;
	struct view_table *t = find_table(v, o->family, o->table);
	const char *type = nft_obj_type_name(o->type);
	struct strbuf what = { 0 };

	if (!t)
		return 0;
	/* nft separates the objects' blocks by an empty line. */
	if (t->objs_text.len)
		strbuf_puts(&t->objs_text, "\n");
	strbuf_puts(&t->objs_json, ", ");
	if (nft_print_obj(&t->objs_text, o, v->cfg->stateless) && nft_json_obj(&t->objs_json, o))
		return t->objs_text.failed || t->objs_json.failed ? -ENOMEM : 0;
	if (type)
		strbuf_printf(&what, "%s %s", type, o->name);
	else
		strbuf_printf(&what, "object type %u %s", o->type, o->name);
	strbuf_printf(&t->objs_text, "\t# sonde: not rendered: %s\n", what.data ? what.data : "");
	strbuf_puts(&t->objs_json, "{\"sonde-not-rendered\": ");
	nft_json_string(&t->objs_json, what.data ? what.data : "");
	strbuf_puts(&t->objs_json, "}");
	strbuf_free(&what);
	return t->objs_text.failed || t->objs_json.failed ? -ENOMEM : 0;
}

static struct view_chain *find_chain(struct view *v, struct view_table *t, const char *name)
{
	size_t i;

	/* Rules come chain by chain, in the chains' order. */
	if (v->last_chain && v->last_chain >= t->chains && v->last_chain < t->chains + t->chain_count) {
		if (strcmp(v->last_chain->info.name, name) == 0)
			return v->last_chain;
		if (v->last_chain + 1 < t->chains + t->chain_count && strcmp(v->last_chain[1].info.name, name) == 0)
			return ++v->last_chain;
	}
	for (i = 0; i < t->chain_count; i++)
		if (strcmp(t->chains[i].info.name, name) == 0)
			return v->last_chain = &t->chains[i];
	return NULL;
}

static int on_rule(const struct nft_rule *r, const char *table, const char *chain, void *arg)
{
	struct view *v = arg;
	struct view_table *t = find_table(v, r->family, table);
	struct view_chain *c = t ? find_chain(v, t, chain) : NULL;
	struct nft_print_ctx ctx;

	if (!c)
		return 0;
	/* Sets all come before the first rule. */
	if (!t->sets_by_name && !(t->sets_by_name = nft_sets_by_name(t->sets, t->set_count)))
		return -ENOMEM;
	ctx = (struct nft_print_ctx){ .family = r->family, .sets = t->sets, .set_count = t->set_count,
				      .sets_by_name = t->sets_by_name, .stateless = v->cfg->stateless };
	if (v->json) {
		strbuf_puts(&c->rules, ", ");
		nft_json_rule(&c->rules, r, table, chain, &ctx);
	} else {
		strbuf_puts(&c->rules, "\t\t");
		nft_print_rule(&c->rules, r, &ctx);
		strbuf_puts(&c->rules, "\n");
	}
	return c->rules.failed ? -ENOMEM : 0;
}

static void view_free(struct view *v)
{
	size_t i, j;

	for (i = 0; i < v->table_count; i++) {
		struct view_table *t = &v->tables[i];

		for (j = 0; j < t->set_count; j++)
			nft_set_free(&t->sets[j]);
		for (j = 0; j < t->chain_count; j++) {
			free(t->chains[j].info.comment);
			strbuf_free(&t->chains[j].rules);
		}
		strbuf_free(&t->objs_text);
		strbuf_free(&t->objs_json);
		free(t->sets);
		free(t->sets_by_name);
		free(t->chains);
		free(t->comment);
	}
	free(v->tables);
	v->tables = NULL;
	v->table_count = 0;
	v->last_table = NULL;
	v->last_chain = NULL;
}

static void on_restart(void *arg)
{
	view_free(arg);
}

/* --- printing ------------------------------------------------------------ */

static const char *hook_name(int family, uint32_t hook)
{
	static const char *const inet[] = { "prerouting", "input", "forward", "output", "postrouting" };
	static const char *const arp[] = { "input", "output", "forward" };   /* NF_ARP_IN, _OUT, _FORWARD */

	if (family == NFPROTO_NETDEV)
		return hook == 0 ? "ingress" : "egress";
	if (family == NFPROTO_ARP)
		return hook < 3 ? arp[hook] : "unknown";
	return hook < 5 ? inet[hook] : "unknown";
}

/* nft names the standard priorities, where they apply to the hook, and
 * priorities up to 10 away from one as an offset from it ("mangle - 5"). */
#define PRIORITY_NAMED_OFFSET 10

static void print_priority(struct strbuf *out, int family, uint32_t hook, int32_t prio)
{
	static const struct { const char *name; int32_t prio; int hook; } inet[] = {
		{ "raw", -300, -1 }, { "mangle", -150, -1 }, { "dstnat", -100, NF_INET_PRE_ROUTING }, { "filter", 0, -1 },
		{ "security", 50, -1 }, { "srcnat", 100, NF_INET_POST_ROUTING },
	};
	bool inet_like = family == NFPROTO_IPV4 || family == NFPROTO_IPV6 || family == NFPROTO_INET;
	size_t i;

	for (i = 0; inet_like && i < sizeof(inet) / sizeof(inet[0]); i++) {
		int32_t offset = prio - inet[i].prio;

		if ((inet[i].hook >= 0 && (uint32_t)inet[i].hook != hook) || offset < -PRIORITY_NAMED_OFFSET ||
		    offset > PRIORITY_NAMED_OFFSET)
			continue;
		strbuf_puts(out, inet[i].name);
		if (offset)
			strbuf_printf(out, " %c %d", offset < 0 ? '-' : '+', offset < 0 ? -offset : offset);
		return;
	}
	if ((family == NFPROTO_NETDEV || family == NFPROTO_ARP) && prio == 0) {
		strbuf_puts(out, "filter");
		return;
	}
	strbuf_printf(out, "%d", prio);
}

static void print_chain(struct strbuf *out, const struct view_table *t, const struct view_chain *c)
{
	const struct nft_chain *ch = &c->info;

	strbuf_printf(out, "\tchain %s {\n", ch->name);
	if (ch->comment)
		strbuf_printf(out, "\t\tcomment \"%s\"\n", ch->comment);
	if (ch->base) {
		strbuf_printf(out, "\t\ttype %s hook %s", ch->type, hook_name(t->family, ch->hooknum));
		if (ch->dev[0])
			strbuf_printf(out, " device \"%s\"", ch->dev);
		strbuf_puts(out, " priority ");
		print_priority(out, t->family, ch->hooknum, ch->priority);
		strbuf_printf(out, "; policy %s;\n", ch->policy == NF_DROP ? "drop" : "accept");
	}
	if (c->rules.len)
		strbuf_add(out, c->rules.data, c->rules.len);
	strbuf_puts(out, "\t}\n");
}

static void print_table(struct strbuf *out, struct view_table *t, bool chains_only)
{
	const char *sep = "";
	size_t i;

	strbuf_printf(out, "table %s %s {\n", nft_family_name(t->family), t->name);
	if (!chains_only) {
		if (t->flags & NFT_TABLE_F_DORMANT)
			strbuf_puts(out, "\tflags dormant\n");
		if (t->comment)
			strbuf_printf(out, "\tcomment \"%s\"\n", t->comment);
		if (t->objs_text.len) {
			strbuf_add(out, t->objs_text.data, t->objs_text.len);
			sep = "\n";
		}
		for (i = 0; i < t->set_count; i++) {
			if (t->sets[i].flags & NFT_SET_ANONYMOUS)
				continue;
			strbuf_puts(out, sep);
			nft_print_set(out, &t->sets[i]);
			sep = "\n";
		}
	}
	for (i = 0; i < t->chain_count; i++) {
		strbuf_puts(out, sep);
		print_chain(out, t, &t->chains[i]);
		sep = "\n";
	}
	strbuf_puts(out, "}\n");
}

/* --- nft's JSON schema ---------------------------------------------------- */

static void json_table(struct strbuf *out, const struct view_table *t)
{
	strbuf_printf(out, ", {\"table\": {\"family\": \"%s\"", nft_family_name(t->family));
	nft_json_member(out, "name", t->name);
	strbuf_printf(out, ", \"handle\": %" PRIu64 "}}", t->handle);
}

static void json_chain(struct strbuf *out, const struct view_table *t, const struct nft_chain *ch)
{
	strbuf_printf(out, ", {\"chain\": {\"family\": \"%s\"", nft_family_name(t->family));
	nft_json_member(out, "table", t->name);
	nft_json_member(out, "name", ch->name);
	strbuf_printf(out, ", \"handle\": %" PRIu64, ch->handle);
	if (ch->base) {
		nft_json_member(out, "type", ch->type);
		strbuf_printf(out, ", \"hook\": \"%s\", \"prio\": %d", hook_name(t->family, ch->hooknum), ch->priority);
		/* nft 1.0.6 -j names no device for a netdev chain the kernel lists
		 * with a device list (NFTA_HOOK_DEVS): its output is the reference. */
		strbuf_printf(out, ", \"policy\": \"%s\"", ch->policy == NF_DROP ? "drop" : "accept");
	}
	strbuf_puts(out, "}}");
}

/* As nft -j lists: per table, the table, its named sets and maps, its
 * chains, then every chain's rules; `list chain` has no table object and
 * no sets, `list tables` only the tables. */
static void json_tables(struct strbuf *out, struct view *v, enum list_what what)
{
	size_t i, j;

	strbuf_printf(out, "{\"nftables\": [{\"metainfo\": {\"version\": \"%s\", \"release_name\": \"sonde\", "
			  "\"json_schema_version\": %d}}", SONDE_VERSION, JSON_SCHEMA_VERSION);
	for (i = 0; i < v->table_count; i++) {
		struct view_table *t = &v->tables[i];

		if (what != LIST_CHAIN)
			json_table(out, t);
		if (what == LIST_TABLES)
			continue;
		if (what != LIST_CHAIN && t->objs_json.len)
			strbuf_add(out, t->objs_json.data, t->objs_json.len);
		for (j = 0; what != LIST_CHAIN && j < t->set_count; j++) {
			if (t->sets[j].flags & NFT_SET_ANONYMOUS)
				continue;
			strbuf_puts(out, ", ");
			nft_json_set(out, &t->sets[j]);
		}
		for (j = 0; j < t->chain_count; j++)
			json_chain(out, t, &t->chains[j].info);
		for (j = 0; j < t->chain_count; j++)
			if (t->chains[j].rules.len)
				strbuf_add(out, t->chains[j].rules.data, t->chains[j].rules.len);
	}
	strbuf_puts(out, "]}\n");
}

/* --- the command line ------------------------------------------------------ */

static int parse_family(const char *text, int *family)
{
	static const struct { const char *name; int family; } families[] = {
		{ "ip", NFPROTO_IPV4 }, { "ip6", NFPROTO_IPV6 }, { "inet", NFPROTO_INET }, { "arp", NFPROTO_ARP },
		{ "bridge", NFPROTO_BRIDGE }, { "netdev", NFPROTO_NETDEV },
	};
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcmp(text, families[i].name) == 0) {
			*family = families[i].family;
			return 0;
		}
	return -EINVAL;
}

static int parse_command(int argc, char **argv, struct view *v, enum list_what *what)
{
	int rest = argc - 2;

	if (argc < 2 || strcmp(argv[0], "list") != 0) {
		if (argc >= 1 && strcmp(argv[0], "list") != 0)
			sonde_err("only 'list' is supported: sonde never changes rules (got '%s')", argv[0]);
		else
			sonde_err("usage: list ruleset|tables|table [FAMILY] NAME|chain [FAMILY] TABLE CHAIN");
		return SONDE_EXIT_USAGE;
	}
	v->family = NFPROTO_UNSPEC;
	if (strcmp(argv[1], "ruleset") == 0 && rest <= 1) {
		*what = LIST_RULESET;
		if (rest == 1 && parse_family(argv[2], &v->family) < 0)
			goto bad_family;
		return 0;
	}
	if (strcmp(argv[1], "tables") == 0 && rest <= 1) {
		*what = LIST_TABLES;
		if (rest == 1 && parse_family(argv[2], &v->family) < 0)
			goto bad_family;
		return 0;
	}
	if (strcmp(argv[1], "table") == 0 && (rest == 1 || rest == 2)) {
		*what = LIST_TABLE;
		v->family = NFPROTO_IPV4;   /* nft's default family */
		if (rest == 2 && parse_family(argv[2], &v->family) < 0)
			goto bad_family;
		v->table = argv[argc - 1];
		return 0;
	}
	if (strcmp(argv[1], "chain") == 0 && (rest == 2 || rest == 3)) {
		*what = LIST_CHAIN;
		v->family = NFPROTO_IPV4;
		if (rest == 3 && parse_family(argv[2], &v->family) < 0)
			goto bad_family;
		v->table = argv[argc - 2];
		v->chain = argv[argc - 1];
		return 0;
	}
	sonde_err("usage: list ruleset|tables|table [FAMILY] NAME|chain [FAMILY] TABLE CHAIN");
	return SONDE_EXIT_USAGE;
bad_family:
	sonde_err("unknown family '%s' (ip, ip6, inet, arp, bridge, netdev)", argv[2]);
	return SONDE_EXIT_USAGE;
}

static int report(int rc)
{
	static const struct caps_need read_rules = {
		CAP_NET_ADMIN, "reading nf_tables rules", "nothing: the kernel shows rules only to it"
	};

	if (rc == -EPROTONOSUPPORT) {
		sonde_err("this kernel has no nf_tables");
		return SONDE_EXIT_NEGATIVE;
	}
	return caps_fail(rc, &read_rules, "cannot read the ruleset");
}

static int nft_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct nft_config *cfg = config;
	struct view v = { .cfg = cfg };
	struct nft_dump_ops ops = {
		.table = on_table, .chain = on_chain, .rule = on_rule, .set = on_set, .obj = on_obj, .restart = on_restart,
	};
	struct strbuf out = { 0 };
	enum list_what what;
	size_t i;
	int rc = parse_command(argc, argv, &v, &what);

	if (rc)
		return rc;
	/* -j and --json both mean nft's own schema: jq scripts written
	 * against nft -j read sonde's output. */
	v.json = cfg->json || ctx->json;
	if (v.json && !out_is_json(ctx->out))
		out_init(ctx->out, ctx->out->fp, true);   /* -j: a failure is reported as --json's */
	if (!caps_have(CAP_NET_ADMIN))
		return report(-EPERM);
	/* Rulesets run to megabytes: write them in large blocks. */
	setvbuf(ctx->out->fp, NULL, _IOFBF, OUTPUT_BUFFER_SIZE);
	if (what == LIST_TABLES)
		ops.chain = NULL, ops.rule = NULL, ops.obj = NULL;
	if (what == LIST_CHAIN)
		ops.obj = NULL;
	ops.want_sets = what != LIST_TABLES;
	ops.only_table = v.table;
	ops.only_chain = v.chain;
	ops.anonymous_elements_only = what == LIST_CHAIN;
	rc = nft_dump(v.family == NFPROTO_UNSPEC ? NFPROTO_UNSPEC : v.family, &ops, &v);
	if (rc < 0) {
		view_free(&v);
		return report(rc);
	}
	if ((what == LIST_TABLE || what == LIST_CHAIN) &&
	    (v.table_count == 0 || (what == LIST_CHAIN && v.tables[0].chain_count == 0))) {
		sonde_err("no such %s: %s %s%s%s", what == LIST_TABLE ? "table" : "chain", nft_family_name(v.family),
			  v.table, v.chain ? " " : "", v.chain ? v.chain : "");
		view_free(&v);
		return SONDE_EXIT_NEGATIVE;
	}
	if (v.json) {
		json_tables(&out, &v, what);
		fwrite(out.data, 1, out.len, ctx->out->fp);
	} else {
		for (i = 0; i < v.table_count; i++) {
			if (what == LIST_TABLES)
				strbuf_printf(&out, "table %s %s\n", nft_family_name(v.tables[i].family), v.tables[i].name);
			else
				print_table(&out, &v.tables[i], what == LIST_CHAIN);
		}
		if (out.len)
			fwrite(out.data, 1, out.len, ctx->out->fp);
	}
	rc = out.failed ? report(-ENOMEM) : 0;
	strbuf_free(&out);
	view_free(&v);
	return rc;
}

static const struct sonde_imitation nft_imitation = {
	.version_letters = "vV",
	.classic_line = "nftables v1.0.6 (Lester Gooch #5)",
	.imitated = "nft from nftables 1.0.6",
};

const struct sonde_applet applet_nft = {
	.name = "nft",
	.summary = "nf_tables rulesets, read-only, in nft's syntax",
	.usage = "list ruleset [FAMILY]\nlist tables [FAMILY]\nlist table [FAMILY] NAME\nlist chain [FAMILY] TABLE CHAIN",
	.help_extra = "Reads the kernel's nf_tables in one consistent dump (taken again when the ruleset "
		      "generation moves under it) and prints it as nft 1.0.6 lists it: tables, chains, rules, sets "
		      "and maps (verdict maps and concatenations included). Only 'list' exists: sonde never changes rules.",
	.options = nft_options,
	.config_size = sizeof(struct nft_config),
	.min_args = 1,
	.max_args = -1,
	.flags = APPLET_ARGS_IN_ORDER,
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = nft_main,
	.imitates = &nft_imitation,
};
