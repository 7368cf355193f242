/* ipset, read-only: `list [-name|-terse|-output save] [SET]` and
 * `save [SET]`, in ipset 7.17's text, from the kernel's sets over
 * nfnetlink (libcore/nf/ipset_*.c).  Every command that would change a set
 * is refused; ipset's own words for a missing set and exit code 1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipset_impl.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/version.h"

struct ipset_config {
	bool names, terse;
	const char *output;
};

static const struct sonde_opt ipset_options[] = {
	SONDE_OPT_FLAG("n", "name", "set names only (also `list -name`)", struct ipset_config, names),
	SONDE_OPT_FLAG("t", "terse", "set headers only (also `list -terse`)", struct ipset_config, terse),
	SONDE_OPT_STRING("o", "output", "FORMAT", "plain or save (also `list -output save`)", struct ipset_config,
			 output),
	SONDE_OPT_END,
};

/* The commands that change sets, refused. */
static const char *const write_commands[] = {
	"create", "n", "add", "del", "destroy", "x", "flush", "rename", "e", "swap", "w", "restore", "-",
	"-N", "-A", "-D", "-X", "-F", "-E", "-W", "-R",
};

static bool is_write_command(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(write_commands) / sizeof(write_commands[0]); i++)
		if (strcmp(word, write_commands[i]) == 0)
			return true;
	return false;
}

static bool word_is(const char *word, const char *name)
{
	/* ipset takes -name, --name and any prefix of one letter or more. */
	while (*word == '-')
		word++;
	return *word && strncmp(name, word, strlen(word)) == 0;
}

/* The words after `list` or `save`: options and at most one set name. */
static int parse_words(struct ipset_config *cfg, int argc, char **argv, const char **set_name)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (w[0] == '-' && word_is(w, "name")) {
			cfg->names = true;
		} else if (w[0] == '-' && word_is(w, "terse")) {
			cfg->terse = true;
		} else if (w[0] == '-' && word_is(w, "output")) {
			if (++i >= argc)
				return sonde_usage_error("-output needs a format (plain or save)");
			cfg->output = argv[i];
		} else if (w[0] == '-') {
			return sonde_usage_error("'%s': not an option sonde's ipset takes (-name, -terse, -output)", w);
		} else if (*set_name) {
			return sonde_usage_error("'%s': one set at a time", w);
		} else {
			*set_name = w;
		}
	}
	return 0;
}

static int view_of(const struct ipset_config *cfg, bool save, enum ipset_view *view)
{
	if (cfg->output && strcmp(cfg->output, "save") != 0 && strcmp(cfg->output, "plain") != 0)
		return sonde_usage_error("-output %s: sonde renders plain and save only", cfg->output);
	if (save || (cfg->output && strcmp(cfg->output, "save") == 0))
		*view = IPSET_VIEW_SAVE;
	else if (cfg->names)
		*view = IPSET_VIEW_NAME;
	else if (cfg->terse)
		*view = IPSET_VIEW_TERSE;
	else
		*view = IPSET_VIEW_LIST;
	return 0;
}

static const struct caps_need read_sets = {
	CAP_NET_ADMIN, "reading ipsets", "nothing: the kernel shows sets only to it"
};

static int report_read_error(struct sonde_ctx *ctx, int rc)
{
	if (rc == -ENOENT) {
		/* ipset's words and exit code for a set that is not there. */
		if (ctx->json)
			sonde_err("The set with the given name does not exist");
		else
			fputs("ipset v7.17: The set with the given name does not exist\n", stderr);
		return SONDE_EXIT_NEGATIVE;
	}
	return caps_fail(rc, &read_sets, "cannot read the sets");
}

static const struct sonde_imitation ipset_imitation = {
	.version_letters = "v",
	.classic_line = "ipset v7.17, protocol version: 7",
	.imitated = "ipset 7.17",
};

static int ipset_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct ipset_config *cfg = config;
	const char *set_name = NULL;
	struct ipset_list list;
	enum ipset_view view = IPSET_VIEW_LIST;
	int rc;

	/* ipset's version command, as -v and --version. */
	if (argc == 1 && strcmp(argv[0], "version") == 0)
		return version_print("ipset", &ipset_imitation) < 0 ? SONDE_EXIT_NEGATIVE : SONDE_EXIT_OK;
	if (argc == 0 || (strcmp(argv[0], "list") != 0 && strcmp(argv[0], "save") != 0)) {
		if (argc > 0 && is_write_command(argv[0]))
			return sonde_usage_error("sonde is read-only and never changes ipsets (use ipset itself to change them)");
		return sonde_usage_error("%s%s: sonde's ipset knows `list`, `save` and `version`", argc ? "'" : "no command",
					 argc ? argv[0] : "");
	}
	rc = parse_words(cfg, argc - 1, argv + 1, &set_name);
	if (rc == 0)
		rc = view_of(cfg, strcmp(argv[0], "save") == 0, &view);
	if (rc != 0)
		return rc;
	rc = ipset_read(set_name, &list);
	if (rc < 0)
		return report_read_error(ctx, rc);
	if (ctx->json)
		ipset_print_json(ctx->out, &list, view == IPSET_VIEW_NAME, view == IPSET_VIEW_TERSE);
	else
		rc = ipset_print(ctx->out->fp, &list, view);
	ipset_free(&list);
	if (rc < 0) {
		sonde_errno(rc, "cannot print the sets");
		return SONDE_EXIT_NEGATIVE;
	}
	return SONDE_EXIT_OK;
}

const struct sonde_applet applet_ipset = {
	.name = "ipset",
	.summary = "IP sets (kube-proxy's IPVS mode), read-only, in ipset's layout",
	.usage = "list [-name|-terse|-output save] [SET]\nsave [SET]",
	.help_extra = "Reads the kernel's IP sets over nfnetlink and prints them as ipset 7.17 does, for "
		      "hash:ip, hash:ip,port, hash:ip,port,ip, hash:ip,port,net, hash:net, hash:net,port, "
		      "bitmap:port and list:set with their timeout, counters, comment and skbinfo extensions. "
		      "Another type or an attribute sonde does not know is shown as a [sonde: ...] marker. "
		      "A missing set: ipset's message, exit 1. Commands that change sets (create, add, del, "
		      "destroy, flush, rename, swap, restore) are refused.",
	.options = ipset_options,
	.config_size = sizeof(struct ipset_config),
	.min_args = 0,
	.max_args = -1,
	.flags = APPLET_ARGS_IN_ORDER,
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = ipset_main,
	.imitates = &ipset_imitation,
};
