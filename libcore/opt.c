/* Option parsing and --help, both driven by an applet's option table.
 *
 * Conventions, as GNU getopt and the classic tools: short options cluster
 * (-zv), a short option's argument may be attached (-w5) or separate (-w 5),
 * long options take "--name=value" or "--name value", "--" ends options, and
 * operands may come between options unless the applet asks for in-order
 * parsing.  Multi-letter short names ("-sT", "-connect") match only whole. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/version.h"

enum common_opt { COMMON_HELP = 1, COMMON_VERSION, COMMON_JSON, COMMON_NETNS };

struct common_def {
	const char *short_name, *long_name, *arg_name, *help;
	enum common_opt id;
};

static const struct common_def common_opts[] = {
	{ "h", "help", NULL, "show this help and exit", COMMON_HELP },
	{ NULL, "json", NULL, "machine-readable output (JSON)", COMMON_JSON },
	{ NULL, "netns", "NS", "run in network namespace NS: an `ip netns` name, a path, or a PID",
	  COMMON_NETNS },
	{ NULL, "version", NULL, "show version and exit", COMMON_VERSION },
};
#define COMMON_COUNT (sizeof(common_opts) / sizeof(common_opts[0]))

/* What the user typed to name an option, for messages: "-w" or "--wait". */
static void opt_display(char *buf, size_t size, const char *short_name, const char *long_name,
			bool used_long)
{
	if ((used_long || !short_name) && long_name)
		snprintf(buf, size, "--%s", long_name);
	else
		snprintf(buf, size, "-%s", short_name ? short_name : "?");
}

static int usage_code(const struct sonde_applet *applet)
{
	return applet->usage_exit_code ? applet->usage_exit_code : SONDE_EXIT_USAGE;
}

/* Option bounds as written in the table: 15 significant digits print every
 * int bound whole (2147483647, where %g wrote 2.14748e+09) and a decimal
 * bound such as 0.001 as typed. */
#define BOUND_FMT "%.15g"

#define DURATION_EXAMPLES "not a duration (e.g. 500ms, 30s, 5m, 1h)"

const char *opt_read_double(const char *text, const char **end, double *value)
{
	char *stop;
	double v = strtod(text, &stop);

	if (stop == text)
		return "not a number";
	/* strtod reads "nan", "inf" and "infinity", and overflows to inf: no
	 * range check can refuse what compares false with everything. */
	if (!isfinite(v))
		return "not a finite number";
	*end = stop;
	*value = v;
	return NULL;
}

const char *opt_read_number(const char *text, double *value)
{
	const char *end;
	const char *reason = opt_read_double(text, &end, value);

	if (reason)
		return reason;
	return *end ? "not a number" : NULL;
}

/* Milliseconds per unit; a bare number is in seconds. */
static double duration_unit_ms(const char *suffix)
{
	static const struct { const char *suffix; double ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(suffix, units[i].suffix) == 0)
			return units[i].ms;
	return 0;
}

const char *opt_read_duration_ms(const char *text, int64_t max_ms, int64_t *ms)
{
	const char *end, *reason;
	double value, unit_ms;

	reason = opt_read_double(text, &end, &value);
	if (reason)
		return strcmp(reason, "not a number") == 0 ? DURATION_EXAMPLES : "not a finite duration";
	unit_ms = duration_unit_ms(end);
	if (unit_ms == 0 || value < 0)
		return DURATION_EXAMPLES;
	if (value * unit_ms > (double)max_ms)
		return "duration too long";
	*ms = (int64_t)(value * unit_ms);
	return NULL;
}

static int parse_long_value(const char *shown, const char *arg, double min, double max, bool integer,
			    double *value)
{
	const char *reason = NULL;
	char *end;
	double v = 0;

	errno = 0;
	if (integer) {
		long long iv = strtoll(arg, &end, 10);

		v = (double)iv;
		if (end == arg || *end != '\0' || errno == EINVAL)
			reason = "not a number";
	} else {
		reason = opt_read_number(arg, &v);
	}
	if (reason) {
		sonde_err("%s: %s: '%s'", shown, reason, arg);
		return -1;
	}
	if ((integer && errno == ERANGE) || v > max) {
		sonde_err("%s value is too large: %s (at most " BOUND_FMT ")", shown, arg, max);
		return -1;
	}
	if (v < min) {
		sonde_err("%s value is too small: %s (at least " BOUND_FMT ")", shown, arg, min);
		return -1;
	}
	*value = v;
	return 0;
}

/* Stores arg (or the flag) into the config.  Returns 0 or -1 after a message. */
static int opt_apply(const struct sonde_opt *opt, void *config, const char *arg, const char *shown)
{
	char *field = (char *)config + opt->offset;
	const char *reason;
	double v;

	switch (opt->type) {
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_COUNT:
		(*(int *)field)++;
		return 0;
	case OPT_INT:
		if (parse_long_value(shown, arg, opt->min, opt->max, true, &v) < 0)
			return -1;
		*(int *)field = (int)v;
		return 0;
	case OPT_DOUBLE:
		if (parse_long_value(shown, arg, opt->min, opt->max, false, &v) < 0)
			return -1;
		*(double *)field = v;
		return 0;
	case OPT_STRING:
		*(const char **)field = arg;
		return 0;
	case OPT_FUNC:
		reason = opt->parse(config, arg);
		if (reason) {
			if (arg)
				sonde_err("%s: %s: '%s'", shown, reason, arg);
			else
				sonde_err("%s: %s", shown, reason);
			return -1;
		}
		return 0;
	}
	return -1;
}

static bool opt_takes_arg(const struct sonde_opt *opt)
{
	return opt->arg_name != NULL && !opt->arg_optional;
}

static const struct sonde_opt *find_long(const struct sonde_opt *opts, const char *name, size_t len)
{
	for (; opts && (opts->short_name || opts->long_name); opts++)
		if (opts->long_name && strlen(opts->long_name) == len &&
		    strncmp(opts->long_name, name, len) == 0)
			return opts;
	return NULL;
}

static const struct common_def *find_common_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < COMMON_COUNT; i++)
		if (strlen(common_opts[i].long_name) == len &&
		    strncmp(common_opts[i].long_name, name, len) == 0)
			return &common_opts[i];
	return NULL;
}

/* "--json", "--netns NS", "--netns=NS", "--help", "--version". */
static bool is_common_long(const char *word)
{
	const char *name = word + 2, *eq;

	if (strncmp(word, "--", 2) != 0 || !*name)
		return false;
	eq = strchr(name, '=');
	return find_common_long(name, eq ? (size_t)(eq - name) : strlen(name)) != NULL;
}

/* A short option at text: a whole-word multi-letter name (only when the word
 * starts there), else a single letter. */
static const struct sonde_opt *find_short(const struct sonde_opt *opts, const char *text, bool word_start)
{
	const struct sonde_opt *o;

	if (word_start)
		for (o = opts; o && (o->short_name || o->long_name); o++)
			if (o->short_name && strlen(o->short_name) > 1 && strcmp(o->short_name, text) == 0)
				return o;
	for (o = opts; o && (o->short_name || o->long_name); o++)
		if (o->short_name && o->short_name[0] == text[0] && o->short_name[1] == '\0')
			return o;
	return NULL;
}

static void apply_common(const struct common_def *c, struct sonde_common_opts *common, const char *arg)
{
	switch (c->id) {
	case COMMON_HELP: common->help = true; break;
	case COMMON_VERSION: common->version = true; break;
	case COMMON_JSON: common->json = true; break;
	case COMMON_NETNS: common->netns = arg; break;
	}
}

struct parse_state {
	const struct sonde_applet *applet;
	void *config;
	struct sonde_common_opts *common;
	int argc, i;
	char **argv;
};

/* Takes the next argv element as an option's argument. */
static const char *take_next(struct parse_state *st, const char *shown, const char *arg_name)
{
	if (st->i + 1 >= st->argc) {
		sonde_err("option %s needs an argument (%s)", shown, arg_name);
		return NULL;
	}
	return st->argv[++st->i];
}

static int parse_long_option(struct parse_state *st, const char *word)
{
	const char *name = word + 2, *eq = strchr(name, '='), *arg = NULL;
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct sonde_opt *opt = find_long(st->applet->options, name, len);
	char shown[80];

	snprintf(shown, sizeof(shown), "--%.*s", (int)len, name);
	if (!opt) {
		const struct common_def *c = find_common_long(name, len);

		if (!c) {
			sonde_err("unknown option %s (see --help)", shown);
			return -1;
		}
		if (c->arg_name) {
			arg = eq ? eq + 1 : take_next(st, shown, c->arg_name);
			if (!arg)
				return -1;
		} else if (eq) {
			sonde_err("option %s takes no argument", shown);
			return -1;
		}
		apply_common(c, st->common, arg);
		return 0;
	}
	if (opt->arg_name) {
		if (eq)
			arg = eq + 1;
		else if (!opt->arg_optional && !(arg = take_next(st, shown, opt->arg_name)))
			return -1;
	} else if (eq) {
		sonde_err("option %s takes no argument", shown);
		return -1;
	}
	return opt_apply(opt, st->config, arg, shown);
}

/* The classic tool's own spelling of --version (ip -V, nft -v). */
static bool is_version_letter(const struct sonde_applet *applet, char letter)
{
	const char *letters = applet->imitates ? applet->imitates->version_letters : NULL;

	return letters && letter && strchr(letters, letter);
}

/* "V" for --version's line in --help and --describe: the first letter the
 * classic tool takes, or NULL. */
static const char *version_short_name(const struct sonde_applet *applet, char buf[2])
{
	const char *letters = applet->imitates ? applet->imitates->version_letters : NULL;

	if (!letters || !letters[0])
		return NULL;
	buf[0] = letters[0];
	buf[1] = '\0';
	return buf;
}

/* The short name a common option shows for this applet. */
static const char *common_short_name(const struct sonde_applet *applet, const struct common_def *c, char buf[2])
{
	return c->id == COMMON_VERSION ? version_short_name(applet, buf) : c->short_name;
}

static int parse_short_cluster(struct parse_state *st, const char *word)
{
	size_t pos = 1;

	while (word[pos]) {
		const struct sonde_opt *opt = find_short(st->applet->options, word + pos, pos == 1);
		char shown[80];
		const char *arg = NULL;

		if (!opt) {
			if (word[pos] == 'h') {
				st->common->help = true;
				pos++;
				continue;
			}
			if (is_version_letter(st->applet, word[pos])) {
				st->common->version = true;
				pos++;
				continue;
			}
			sonde_err("unknown option -%c (see --help)", word[pos]);
			return -1;
		}
		opt_display(shown, sizeof(shown), opt->short_name, opt->long_name, false);
		if (strlen(opt->short_name) > 1) {
			if (opt_takes_arg(opt) && !(arg = take_next(st, shown, opt->arg_name)))
				return -1;
			return opt_apply(opt, st->config, arg, shown);
		}
		if (opt->arg_name) {
			if (word[pos + 1])
				arg = word + pos + 1;
			else if (!opt->arg_optional && !(arg = take_next(st, shown, opt->arg_name)))
				return -1;
			return opt_apply(opt, st->config, arg, shown);
		}
		if (opt_apply(opt, st->config, NULL, shown) < 0)
			return -1;
		pos++;
	}
	return 0;
}

int opt_parse(const struct sonde_applet *applet, void *config, struct sonde_common_opts *common,
	      int argc, char **argv, char **operands, int *operand_count)
{
	struct parse_state st = { applet, config, common, argc, 1, argv };
	bool options_done = false, in_operands = false;
	int n = 0;

	for (; st.i < argc; st.i++) {
		const char *word = argv[st.i];
		int rc;

		/* The driver's own options stand anywhere, as in applets that take
		 * options between operands: `ip addr --json`, `nft list ruleset
		 * --netns NS` (only "--" ends them). */
		if (in_operands && !options_done && is_common_long(word)) {
			if (parse_long_option(&st, word) < 0)
				return usage_code(applet);
			continue;
		}
		if (options_done || in_operands || word[0] != '-' || word[1] == '\0' ||
		    ((applet->flags & APPLET_PLUS_ARGS) && word[0] == '+') ||
		    ((applet->flags & APPLET_DASH_WORDS) && word[1] != '-')) {
			if (in_operands && strcmp(word, "--") == 0)
				options_done = true;
			operands[n++] = argv[st.i];
			if (applet->flags & APPLET_ARGS_IN_ORDER)
				in_operands = true;
			continue;
		}
		if (strcmp(word, "--") == 0) {
			options_done = true;
			continue;
		}
		if (word[1] == '-')
			rc = parse_long_option(&st, word);
		else
			rc = parse_short_cluster(&st, word);
		if (rc < 0)
			return usage_code(applet);
	}
	*operand_count = n;
	return 0;
}

/* "  -w, --wait SECS" padded to the help column. */
static void print_opt_line(FILE *fp, const char *short_name, const char *long_name, const char *arg_name,
			   bool arg_optional, const char *help, const char *range)
{
	char left[96];
	int len;

	if (short_name && long_name)
		len = snprintf(left, sizeof(left), "  -%s, --%s", short_name, long_name);
	else if (short_name)
		len = snprintf(left, sizeof(left), "  -%s", short_name);
	else
		len = snprintf(left, sizeof(left), "      --%s", long_name);
	if (arg_name && len > 0 && (size_t)len < sizeof(left))
		snprintf(left + len, sizeof(left) - (size_t)len, arg_optional ? "[=%s]" : " %s", arg_name);
	if (strlen(left) > 26)
		fprintf(fp, "%s\n%28s%s%s\n", left, "", help, range);
	else
		fprintf(fp, "%-28s%s%s\n", left, help, range);
}

/* --help's "Exit codes:" line, without the label. */
static const char *exit_code_line(const struct sonde_applet *applet, char *buf, size_t size)
{
	if (applet->exit_codes)
		return applet->exit_codes;
	snprintf(buf, size, "0 success, 1 negative result, %d usage error, 3 missing privilege, "
		 "4 timeout (docs/exit-codes.md).", usage_code(applet));
	return buf;
}

void applet_print_help(const struct sonde_applet *applet, FILE *fp)
{
	const struct sonde_opt *o;
	char exit_codes[256];
	const char *line = applet->usage ? applet->usage : "";
	bool first = true;
	char letter[2];
	size_t i;

	while (first || *line) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		fprintf(fp, "%s sonde %s %.*s\n", first ? "Usage:" : "   or:", applet->name, len, line);
		line += len + (nl ? 1 : 0);
		first = false;
	}
	fprintf(fp, "\n%s\n", applet->summary);
	if (applet->options && (applet->options->short_name || applet->options->long_name)) {
		fprintf(fp, "\nOptions:\n");
		for (o = applet->options; o->short_name || o->long_name; o++) {
			char range[64] = "";

			if ((o->type == OPT_INT || o->type == OPT_DOUBLE) && (o->min != 0 || o->max != 0))
				snprintf(range, sizeof(range), " (" BOUND_FMT "-" BOUND_FMT ")", o->min, o->max);
			print_opt_line(fp, o->short_name, o->long_name, o->arg_name, o->arg_optional, o->help,
				       range);
		}
	}
	fprintf(fp, "\nCommon options:\n");
	for (i = 0; i < COMMON_COUNT; i++)
		print_opt_line(fp, common_short_name(applet, &common_opts[i], letter), common_opts[i].long_name,
			       common_opts[i].arg_name, false, common_opts[i].help, "");
	if (applet->help_extra)
		fprintf(fp, "\n%s\n", applet->help_extra);
	fprintf(fp, "\nExit codes: %s\n", exit_code_line(applet, exit_codes, sizeof(exit_codes)));
}

static const char *const opt_type_names[] = {
	[OPT_FLAG] = "flag", [OPT_COUNT] = "count", [OPT_INT] = "int",
	[OPT_DOUBLE] = "double", [OPT_STRING] = "string", [OPT_FUNC] = "func",
};

static void describe_option(struct sonde_out *out, const char *short_name, const char *long_name,
			    const char *arg_name, bool arg_optional, const char *help, const char *type)
{
	out_open_object(out, NULL);
	if (short_name)
		out_print_str(out, "short", NULL, short_name);
	if (long_name)
		out_print_str(out, "long", NULL, long_name);
	if (arg_name) {
		out_print_str(out, "arg", NULL, arg_name);
		out_print_bool(out, "arg_optional", NULL, arg_optional);
	}
	out_print_str(out, "help", NULL, help);
	out_print_str(out, "type", NULL, type);
}

static void describe_usage(const struct sonde_applet *applet, struct sonde_out *out)
{
	const char *line = applet->usage ? applet->usage : "";
	char text[512];

	out_open_array(out, "usage");
	do {
		size_t len = strcspn(line, "\n");

		snprintf(text, sizeof(text), "%.*s", (int)len, line);
		out_print_str(out, NULL, NULL, text);
		line += len + (line[len] ? 1 : 0);
	} while (*line);
	out_close_array(out);
}

void opt_describe(const struct sonde_applet *applet, struct sonde_out *out)
{
	const struct sonde_opt *o;
	char exit_codes[256], letter[2];
	size_t i;

	out_open_object(out, NULL);
	out_print_str(out, "name", NULL, applet->name);
	out_print_str(out, "summary", NULL, applet->summary);
	describe_usage(applet, out);
	out_open_array(out, "options");
	for (o = applet->options; o && (o->short_name || o->long_name); o++) {
		describe_option(out, o->short_name, o->long_name, o->arg_name, o->arg_optional, o->help,
				opt_type_names[o->type]);
		if ((o->type == OPT_INT || o->type == OPT_DOUBLE) && (o->min != 0 || o->max != 0)) {
			out_print_double(out, "min", NULL, o->min);
			out_print_double(out, "max", NULL, o->max);
		}
		out_close_object(out);
	}
	out_close_array(out);
	out_open_array(out, "common_options");
	for (i = 0; i < COMMON_COUNT; i++) {
		describe_option(out, common_short_name(applet, &common_opts[i], letter), common_opts[i].long_name,
				common_opts[i].arg_name,
				false, common_opts[i].help, common_opts[i].arg_name ? "string" : "flag");
		out_close_object(out);
	}
	out_close_array(out);
	out_print_bool(out, "options_before_operands", NULL, (applet->flags & APPLET_ARGS_IN_ORDER) != 0);
	if (applet->help_extra)
		out_print_str(out, "help_extra", NULL, applet->help_extra);
	out_print_str(out, "exit_codes", NULL, exit_code_line(applet, exit_codes, sizeof(exit_codes)));
	out_close_object(out);
}
