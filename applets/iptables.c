/* iptables / ip6tables, read-only: -L, -S and --save (iptables-save's
 * output) over both backends, read from the kernel directly so that the
 * answer does not depend on which iptables binary a container ships.
 * Every option that would change a rule is refused. */
#include <errno.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptables_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/nft.h"
#include "sonde/version.h"

#define OUTPUT_BUFFER_SIZE (256 * 1024)

static const char *refuse_write(void *config, const char *arg)
{
	(void)config;
	(void)arg;
	return "sonde is read-only and never changes rules (use iptables itself to change them)";
}

#define WRITE_OPT(S, L) SONDE_OPT_FUNC(S, L, NULL, "refused: sonde never changes rules", refuse_write)

static const struct sonde_opt iptables_options[] = {
	SONDE_OPT_FLAG("L", "list", "list the rules of a chain (or all chains) as a table", struct iptables_config, list),
	SONDE_OPT_FLAG("S", "list-rules", "print the rules of a chain (or all chains) as commands", struct iptables_config,
		       list_rules),
	SONDE_OPT_FLAG(NULL, "save", "print the tables in iptables-save's format", struct iptables_config, save),
	SONDE_OPT_STRING("t", "table", "TABLE", "the table (default filter; --save: every table)", struct iptables_config,
			 table),
	SONDE_OPT_FLAG("n", "numeric", "numeric addresses, ports and protocols", struct iptables_config, numeric),
	SONDE_OPT_COUNT("v", "verbose", "show interfaces and counters", struct iptables_config, verbose),
	SONDE_OPT_FLAG("x", "exact", "exact counter values", struct iptables_config, exact),
	SONDE_OPT_FLAG(NULL, "line-numbers", "number the rules (-L)", struct iptables_config, line_numbers),
	SONDE_OPT_FLAG("c", "counters", "--save: include packet and byte counters", struct iptables_config, counters),
	SONDE_OPT_STRING(NULL, "backend", "legacy|nft|auto",
			 "which backend to read (default auto: whatever holds rules, both when both do)",
			 struct iptables_config, backend),
	WRITE_OPT("A", "append"), WRITE_OPT("C", "check"), WRITE_OPT("D", "delete"), WRITE_OPT("E", "rename-chain"),
	WRITE_OPT("F", "flush"), WRITE_OPT("I", "insert"), WRITE_OPT("N", "new-chain"), WRITE_OPT("P", "policy"),
	WRITE_OPT("R", "replace"), WRITE_OPT("X", "delete-chain"), WRITE_OPT("Z", "zero"),
	SONDE_OPT_END,
};

/* iptables-save / ip6tables-save: the --save view under its classic name. */
static const struct sonde_opt iptables_save_options[] = {
	SONDE_OPT_STRING("t", "table", "TABLE", "only this table (default: every table)", struct iptables_config, table),
	SONDE_OPT_FLAG("c", "counters", "include packet and byte counters", struct iptables_config, counters),
	SONDE_OPT_STRING(NULL, "backend", "legacy|nft|auto",
			 "which backend to read (default auto: whatever holds rules, both when both do)",
			 struct iptables_config, backend),
	SONDE_OPT_END,
};

/* --- the tables of one backend ------------------------------------------ */

struct table_set {
	struct xt_table *tables;
	size_t count;
};

static int set_append(struct table_set *set, struct xt_table *t)
{
	struct xt_table *grown = realloc(set->tables, (set->count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	set->tables = grown;
	grown[set->count++] = *t;
	return 0;
}

static void set_free(struct table_set *set)
{
	xt_tables_free(set->tables, set->count);
	*set = (struct table_set){ 0 };
}

static int read_legacy(int family, const char *only, struct table_set *set)
{
	char (*names)[XT_NAME_LEN];
	size_t count, i;
	int rc = xt_legacy_table_names(family, &names, &count);

	for (i = 0; rc == 0 && i < count; i++) {
		struct xt_table t;

		if (only && strcmp(only, names[i]) != 0)
			continue;
		rc = xt_legacy_read(family, names[i], &t);
		if (rc == 0 && (rc = set_append(set, &t)) < 0)
			xt_table_free(&t);
	}
	free(names);
	return rc;
}

static int read_nft(int family, const char *only, struct table_set *set)
{
	struct xt_table *tables;
	size_t count, i;
	int rc = nft_xt_read(family, only, &tables, &count);

	if (rc < 0)
		return rc;
	for (i = 0; i < count; i++) {
		if ((only && strcmp(only, tables[i].name) != 0) || set_append(set, &tables[i]) < 0)
			xt_table_free(&tables[i]);
	}
	free(tables);
	return 0;
}

static bool set_has_rules(const struct table_set *set)
{
	size_t i, j;

	for (i = 0; i < set->count; i++)
		for (j = 0; j < set->tables[i].chain_count; j++) {
			const struct xt_chain *c = &set->tables[i].chains[j];

			if (c->rule_count || !c->builtin || c->policy != XT_VERDICT_ACCEPT)
				return true;
		}
	return false;
}

/* The builtin chains iptables shows for a table nobody created yet. */
static int empty_table(int family, enum xt_backend backend, const char *name, struct xt_table *t)
{
	memset(t, 0, sizeof(*t));
	t->family = family;
	t->backend = backend;
	snprintf(t->name, sizeof(t->name), "%s", name);
	return xt_table_complete_builtins(t);
}

/* --- choosing what to show ------------------------------------------- */

struct selection {
	struct table_set legacy, nft;
	bool show_legacy, show_nft;
};

static int select_backends(const struct iptables_config *cfg, int family, const char *only, struct selection *sel)
{
	const char *backend = cfg->backend ? cfg->backend : "auto";
	bool auto_mode = strcmp(backend, "auto") == 0;
	int rc;

	if (auto_mode || strcmp(backend, "legacy") == 0) {
		if ((rc = read_legacy(family, only, &sel->legacy)) < 0)
			return rc;
		sel->show_legacy = true;
	}
	if (auto_mode || strcmp(backend, "nft") == 0) {
		if ((rc = read_nft(family, only, &sel->nft)) < 0 && !(auto_mode && rc == -EPROTONOSUPPORT))
			return rc;
		sel->show_nft = true;
	}
	if (auto_mode) {
		bool legacy_rules = set_has_rules(&sel->legacy), nft_rules = set_has_rules(&sel->nft);

		if (legacy_rules != nft_rules) {
			sel->show_legacy = legacy_rules;
			sel->show_nft = nft_rules;
		} else if (!legacy_rules) {
			/* Nothing anywhere: show the backend whose tables exist. */
			sel->show_legacy = sel->legacy.count > 0 && sel->nft.count == 0;
			sel->show_nft = !sel->show_legacy;
		} else {
			sonde_err("warning: rules exist in both iptables backends (legacy x_tables and nf_tables): "
				  "an iptables binary of either backend shows only its own half; both are shown");
		}
	}
	return 0;
}

/* The table for -L / -S: the one read, or empty builtins. */
static int table_for_listing(const struct table_set *set, int family, enum xt_backend backend, const char *name,
			     struct xt_table *empty, const struct xt_table **out)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		if (strcmp(set->tables[i].name, name) == 0) {
			*out = &set->tables[i];
			return 0;
		}
	if (empty_table(family, backend, name, empty) < 0)
		return -ENOENT;
	*out = empty;
	return 0;
}

static const struct caps_need read_rules = {
	CAP_NET_ADMIN, "reading netfilter rules", "nothing: the kernel shows rules only to it"
};

static int report_read_error(int rc)
{
	return caps_fail(rc, &read_rules, "cannot read the rules");
}

/* iptables-save -t NAME for a table the backend lacks: the classic tools'
 * words, on stderr, exit 1 (their message differs by backend). */
static void report_no_table(const struct iptables_view *v, enum xt_backend backend, const char *name)
{
	fflush(v->fp);
	if (backend == XT_BACKEND_LEGACY)
		fprintf(stderr, "%s v1.8.9 (legacy): Cannot initialize: Table does not exist (do you need to insmod?)\n",
			v->cfg->ipv6 ? "ip6tables-save" : "iptables-save");
	else
		fprintf(stderr, "Table `%s' does not exist\n", name);
}

static void save_one(struct sonde_ctx *ctx, struct iptables_view *v, const struct xt_table *t)
{
	if (ctx->json)
		iptables_print_json(v, ctx->out, t, NULL);
	else
		iptables_print_save(v, t, v->cfg->ipv6 ? "ip6tables-save" : "iptables-save");
}

/* --save: every table read; with -t, a table nobody created yet is shown
 * with its builtin chains (iptables-nft-save does so, and iptables-legacy-save
 * creates it), an unknown name is an error. */
static int save_backend(struct sonde_ctx *ctx, struct iptables_view *v, const struct table_set *set,
			enum xt_backend backend)
{
	struct xt_table empty;
	size_t i;
	int rc;

	if (!v->cfg->table || set->count > 0) {
		for (i = 0; i < set->count; i++)
			save_one(ctx, v, &set->tables[i]);
		return 0;
	}
	rc = empty_table(v->family, backend, v->cfg->table, &empty);
	if (rc == 0)
		save_one(ctx, v, &empty);
	xt_table_free(&empty);
	if (rc == -ENOENT) {
		report_no_table(v, backend, v->cfg->table);
		return SONDE_EXIT_NEGATIVE;
	}
	return rc < 0 ? report_read_error(rc) : 0;
}

static int show_backend(struct sonde_ctx *ctx, struct iptables_view *v, const struct table_set *set,
			enum xt_backend backend, const char *chain, bool *first)
{
	const struct iptables_config *cfg = v->cfg;
	const char *table = cfg->table ? cfg->table : "filter";
	const struct xt_table *t;
	struct xt_table empty = { 0 };
	int rc = 0;

	if (cfg->save)
		return save_backend(ctx, v, set, backend);
	if (table_for_listing(set, v->family, backend, table, &empty, &t) < 0) {
		sonde_err("table '%s' does not exist (known: filter, nat, mangle, raw, security)", table);
		return SONDE_EXIT_NEGATIVE;
	}
	if (chain && !xt_table_find_chain((struct xt_table *)t, chain)) {
		sonde_err("no chain '%s' in table %s", chain, table);
		rc = SONDE_EXIT_NEGATIVE;
	} else if (ctx->json) {
		iptables_print_json(v, ctx->out, t, chain);
	} else if (cfg->list_rules) {
		iptables_print_rules(v, t, chain);
	} else {
		iptables_print_list(v, t, chain, *first);
		*first = false;
	}
	xt_table_free(&empty);
	return rc;
}

static int check_usage(const struct iptables_config *cfg, int argc)
{
	int modes = cfg->list + cfg->list_rules + cfg->save;

	if (modes == 0) {
		sonde_err("say what to show: -L, -S or --save (sonde never changes rules)");
		return SONDE_EXIT_USAGE;
	}
	if (modes > 1) {
		sonde_err("-L, -S and --save exclude each other");
		return SONDE_EXIT_USAGE;
	}
	if (cfg->save && argc > 0) {
		sonde_err("--save takes no chain (use -t TABLE)");
		return SONDE_EXIT_USAGE;
	}
	if (cfg->backend && strcmp(cfg->backend, "legacy") != 0 && strcmp(cfg->backend, "nft") != 0 &&
	    strcmp(cfg->backend, "auto") != 0) {
		sonde_err("--backend: not legacy, nft or auto: '%s'", cfg->backend);
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

static int iptables_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct iptables_config *cfg = config;
	int family = cfg->ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	struct selection sel = { 0 };
	struct iptables_view view = {
		.cfg = cfg, .family = family, .fp = ctx->out->fp,
		.decode = { .family = family, .set_name = xt_ipset_name },
	};
	const char *chain = argc > 0 ? argv[0] : NULL;
	bool first = true;
	int rc = check_usage(cfg, argc);

	if (rc)
		return rc;
	if (!caps_have(CAP_NET_ADMIN))
		return report_read_error(-EPERM);
	/* Rulesets run to megabytes: write them in large blocks. */
	setvbuf(ctx->out->fp, NULL, _IOFBF, OUTPUT_BUFFER_SIZE);
	rc = select_backends(cfg, family, cfg->save ? cfg->table : cfg->table ? cfg->table : "filter", &sel);
	if (rc < 0) {
		rc = report_read_error(rc);
	} else {
		if (ctx->json)
			out_open_array(ctx->out, NULL);
		if (sel.show_legacy)
			rc = show_backend(ctx, &view, &sel.legacy, XT_BACKEND_LEGACY, chain, &first);
		if (rc == 0 && sel.show_nft)
			rc = show_backend(ctx, &view, &sel.nft, XT_BACKEND_NFT, chain, &first);
		if (ctx->json)
			out_close_array(ctx->out);
	}
	set_free(&sel.legacy);
	set_free(&sel.nft);
	strbuf_free(&view.line);
	return rc;
}

static void ip6tables_init(void *config)
{
	((struct iptables_config *)config)->ipv6 = true;
}

#define IPTABLES_USAGE "-L [CHAIN] [-t TABLE] [-n] [-v] [-x] [--line-numbers]\n-S [CHAIN] [-t TABLE] [-v]\n--save [-t TABLE] [-c]"
#define IPTABLES_HELP \
	"Reads the kernel's rules directly, from legacy x_tables and from nf_tables (the rules iptables-nft " \
	"writes), so the answer does not depend on which iptables binary is installed. Output is byte for " \
	"byte iptables 1.8.9's. Options that change rules (-A, -D, -I, -F, -P, -N, -X, -Z...) are refused."

static const struct sonde_imitation iptables_imitation = {
	.version_letters = "V",
	.classic_line = "iptables v1.8.9 (nf_tables)",
	.imitated = "iptables 1.8.9",
};

const struct sonde_applet applet_iptables = {
	.name = "iptables",
	.summary = "IPv4 packet filter rules, read-only, from both backends",
	.usage = IPTABLES_USAGE,
	.help_extra = IPTABLES_HELP,
	.options = iptables_options,
	.config_size = sizeof(struct iptables_config),
	.min_args = 0,
	.max_args = 1,
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),
	.main = iptables_main,
	.imitates = &iptables_imitation,
};

static const struct sonde_imitation ip6tables_imitation = {
	.version_letters = "V",
	.classic_line = "ip6tables v1.8.9 (nf_tables)",
	.imitated = "ip6tables from iptables 1.8.9",
};

const struct sonde_applet applet_ip6tables = {
	.name = "ip6tables",
	.summary = "IPv6 packet filter rules, read-only, from both backends",
	.usage = IPTABLES_USAGE,
	.help_extra = IPTABLES_HELP,
	.options = iptables_options,
	.config_size = sizeof(struct iptables_config),
	.init = ip6tables_init,
	.min_args = 0,
	.max_args = 1,
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),
	.main = iptables_main,
	.imitates = &ip6tables_imitation,
};

static void iptables_save_init(void *config)
{
	((struct iptables_config *)config)->save = true;
}

static void ip6tables_save_init(void *config)
{
	((struct iptables_config *)config)->save = true;
	((struct iptables_config *)config)->ipv6 = true;
}

#define IPTABLES_SAVE_HELP \
	"The same as 'sonde iptables --save': every table (or -t TABLE) in iptables-save's format, read " \
	"from the kernel's legacy and nf_tables backends alike."

static const struct sonde_imitation iptables_save_imitation = {
	.version_letters = "V",
	.classic_line = "iptables-save v1.8.9 (nf_tables)",
	.imitated = "iptables-save from iptables 1.8.9",
};

const struct sonde_applet applet_iptables_save = {
	.name = "iptables-save",
	.summary = "IPv4 rules in iptables-save's format, read-only, from both backends",
	.usage = "[-t TABLE] [-c] [--backend legacy|nft|auto]",
	.help_extra = IPTABLES_SAVE_HELP,
	.options = iptables_save_options,
	.config_size = sizeof(struct iptables_config),
	.init = iptables_save_init,
	.min_args = 0,
	.max_args = 0,
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),
	.main = iptables_main,
	.imitates = &iptables_save_imitation,
};

static const struct sonde_imitation ip6tables_save_imitation = {
	.version_letters = "V",
	.classic_line = "ip6tables-save v1.8.9 (nf_tables)",
	.imitated = "ip6tables-save from iptables 1.8.9",
};

const struct sonde_applet applet_ip6tables_save = {
	.name = "ip6tables-save",
	.summary = "IPv6 rules in ip6tables-save's format, read-only, from both backends",
	.usage = "[-t TABLE] [-c] [--backend legacy|nft|auto]",
	.help_extra = IPTABLES_SAVE_HELP,
	.options = iptables_save_options,
	.config_size = sizeof(struct iptables_config),
	.init = ip6tables_save_init,
	.min_args = 0,
	.max_args = 0,
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),
	.main = iptables_main,
	.imitates = &ip6tables_save_imitation,
};
