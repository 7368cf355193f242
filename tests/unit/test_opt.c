/* Option parsing driven by an applet's option table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "tap.h"

struct demo_config {
	bool listen, zero;
	int verbose;
	int port;
	double wait_s;
	const char *source;
	const char *scan_type;
	int custom_calls;
	int count;
	double interval_s;
};

static const char *parse_custom(void *config, const char *arg)
{
	struct demo_config *cfg = config;

	if (strcmp(arg, "bad") == 0)
		return "not a good value";
	cfg->custom_calls++;
	return NULL;
}

#define CFG struct demo_config
static const struct sonde_opt demo_options[] = {
	SONDE_OPT_FLAG("l", "listen", "listen", CFG, listen),
	SONDE_OPT_FLAG("z", NULL, "zero-I/O", CFG, zero),
	SONDE_OPT_COUNT("v", "verbose", "more detail", CFG, verbose),
	SONDE_OPT_INT("p", "port", "PORT", "port", CFG, port, 1, 65535),
	SONDE_OPT_DOUBLE("w", "wait", "SECS", "timeout", CFG, wait_s, 0.001, 86400),
	SONDE_OPT_STRING("s", NULL, "ADDR", "source", CFG, source),
	SONDE_OPT_STRING("sT", NULL, NULL, "multi-letter flag stored as string", CFG, scan_type),
	SONDE_OPT_FUNC("c", "custom", "X", "custom", parse_custom),
	SONDE_OPT_INT("n", "count", "N", "stop after N", CFG, count, 1, 2147483647),
	SONDE_OPT_DOUBLE("i", "interval", "SECS", "between probes", CFG, interval_s, 0, 2147483.647),
	SONDE_OPT_END,
};

static int demo_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	return 0;
}

static const struct sonde_applet demo = {
	.name = "demo", .summary = "a demo", .usage = "[OPTIONS] HOST PORT",
	.options = demo_options, .config_size = sizeof(struct demo_config),
	.min_args = 0, .max_args = -1, .main = demo_main,
};

/* A subcommand-style applet (ip, nft): options stop at the first operand. */
static const struct sonde_applet demo_in_order = {
	.name = "demo", .summary = "a demo", .usage = "[OPTIONS] OBJECT COMMAND...",
	.options = demo_options, .config_size = sizeof(struct demo_config),
	.min_args = 0, .max_args = -1, .flags = APPLET_ARGS_IN_ORDER, .main = demo_main,
};

/* The driver finds applets in the table it is given (applets/main.c's in
 * the binary), never in a table of its own. */
static const struct sonde_applet other = {
	.name = "other", .summary = "another demo", .usage = "",
	.config_size = sizeof(struct demo_config), .min_args = 0, .max_args = 0, .main = demo_main,
};
static const struct sonde_applet *const demo_applets[] = { &demo, &other };
static const struct sonde_applet_table demo_table = { .applets = demo_applets, .count = 2 };

static struct demo_config cfg;
static struct sonde_common_opts common;
static char *operands[32];
static int operand_count;

/* Parses a space-separated command line (no quoting needed here). */
static int parse_for(const struct sonde_applet *applet, const char *line)
{
	static char buf[512];
	static char *argv[32];
	int argc = 0;
	char *tok, *save;

	memset(&cfg, 0, sizeof(cfg));
	memset(&common, 0, sizeof(common));
	operand_count = 0;
	snprintf(buf, sizeof(buf), "demo %s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 31; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return opt_parse(applet, &cfg, &common, argc, argv, operands, &operand_count);
}

static int parse(const char *line)
{
	return parse_for(&demo, line);
}

/* The driver's options after the object words, as ss and iptables take them. */
static void test_common_after_operands(void)
{
	is_int(parse_for(&demo_in_order, "-v addr show --json dev --netns lab1 eth0"), 0,
	       "in order: common options after operands parse");
	ok(cfg.verbose == 1 && common.json && common.netns && strcmp(common.netns, "lab1") == 0,
	   "in order: --json and --netns taken from among the operands");
	is_int(operand_count, 4, "in order: the four operands remain");
	is_str(operands[3], "eth0", "in order: --netns's argument is not an operand");
	is_int(parse_for(&demo_in_order, "list ruleset --netns=lab2 --help"), 0, "in order: --netns=NS and --help");
	ok(common.help && strcmp(common.netns, "lab2") == 0, "in order: both recorded");
	is_int(parse_for(&demo_in_order, "route get -v --explain"), 0, "in order: other words stay operands");
	ok(cfg.verbose == 0 && operand_count == 4, "in order: -v and --explain after the object go to the applet");
	is_int(parse_for(&demo_in_order, "addr -- --json"), 0, "in order: -- ends the driver's options too");
	ok(!common.json && operand_count == 3, "in order: --json after -- is an operand");
	is_int(parse_for(&demo_in_order, "addr --netns"), SONDE_EXIT_USAGE, "in order: --netns without a name");
}

int main(void)
{
	sonde_set_progname("demo");
	test_common_after_operands();

	is_int(parse("-l -z host 80"), 0, "flags and operands parse");
	ok(cfg.listen && cfg.zero, "flags set");
	is_int(operand_count, 2, "two operands");
	is_str(operands[0], "host", "first operand");

	is_int(parse("-lzvv host"), 0, "clustered flags");
	ok(cfg.listen && cfg.zero && cfg.verbose == 2, "cluster sets each flag, -v counts");

	is_int(parse("-p80 -w 2.5"), 0, "attached and separate arguments");
	is_int(cfg.port, 80, "attached int");
	ok(cfg.wait_s > 2.49 && cfg.wait_s < 2.51, "separate double");

	is_int(parse("--port=443 --wait 1"), 0, "long options with = and separate");
	is_int(cfg.port, 443, "long int");

	is_int(parse("-zp 22"), 0, "argument-taking option ends a cluster");
	ok(cfg.zero && cfg.port == 22, "cluster then argument");

	is_int(parse("host -v 80"), 0, "options between operands (permutation)");
	ok(cfg.verbose == 1 && operand_count == 2, "operands kept in order around options");

	is_int(parse("-- -v"), 0, "-- ends options");
	is_str(operands[0], "-v", "operand after -- is not an option");

	is_int(parse("-sT"), 0, "multi-letter short option matches whole");
	is_str(cfg.scan_type, NULL, "string flag without argument stays NULL");
	is_int(parse("-s 10.0.0.1"), 0, "single-letter option that prefixes a multi-letter one");
	is_str(cfg.source, "10.0.0.1", "source parsed");

	is_int(parse("-p 0"), SONDE_EXIT_USAGE, "below range is a usage error");
	is_int(parse("-p 70000"), SONDE_EXIT_USAGE, "above range is a usage error");
	is_int(parse("-p 8x"), SONDE_EXIT_USAGE, "trailing garbage is a usage error");
	is_int(parse("-w nan"), SONDE_EXIT_USAGE, "NaN is not a number");
	is_int(parse("-w inf"), SONDE_EXIT_USAGE, "infinity is refused");
	is_int(parse("-w -infinity"), SONDE_EXIT_USAGE, "minus infinity is refused");
	is_int(parse("-w 1e999"), SONDE_EXIT_USAGE, "a double that overflows to infinity is refused");
	is_int(parse("-w 1e-400"), SONDE_EXIT_USAGE, "an underflow to 0 is below the range, not above");
	is_int(parse("-p"), SONDE_EXIT_USAGE, "missing argument");
	is_int(parse("--listen=yes"), SONDE_EXIT_USAGE, "flag with a value");
	is_int(parse("--lis"), SONDE_EXIT_USAGE, "no prefix matching of long options");
	is_int(parse("-q"), SONDE_EXIT_USAGE, "unknown short option");

	is_int(parse("-c one --custom two"), 0, "custom parser");
	is_int(cfg.custom_calls, 2, "custom parser called twice");
	is_int(parse("-c bad"), SONDE_EXIT_USAGE, "custom parser's refusal is a usage error");

	{
		const char *end;
		double v = -1;
		int64_t ms = -1;

		ok(opt_read_double("nan", &end, &v) != NULL, "opt_read_double refuses nan");
		ok(opt_read_double("-NaN(1)", &end, &v) != NULL, "opt_read_double refuses nan with a payload");
		ok(opt_read_double("INF", &end, &v) != NULL, "opt_read_double refuses inf");
		ok(opt_read_double("2.5,3", &end, &v) == NULL && v == 2.5 && strcmp(end, ",3") == 0,
		   "opt_read_double stops after the number");
		ok(opt_read_number("1.5x", &v) != NULL, "opt_read_number refuses trailing text");
		ok(opt_read_duration_ms("nan", 1000000, &ms) != NULL && ms == -1, "duration: nan refused");
		ok(opt_read_duration_ms("nanms", 1000000, &ms) != NULL, "duration: nan with a unit refused");
		ok(opt_read_duration_ms("inf", 1000000, &ms) != NULL, "duration: inf refused");
		ok(opt_read_duration_ms("-infs", 1000000, &ms) != NULL, "duration: -inf refused");
		ok(opt_read_duration_ms("1e999h", INT64_MAX, &ms) != NULL, "duration: overflow refused");
		is_str(opt_read_duration_ms("nan", 1000000, &ms), "not a finite duration", "duration: says why");
		ok(opt_read_duration_ms("-1s", 1000000, &ms) != NULL, "duration: negative refused");
		ok(opt_read_duration_ms("2h", 1000000, &ms) != NULL, "duration: above the maximum refused");
		ok(opt_read_duration_ms("5x", 1000000, &ms) != NULL, "duration: unknown unit refused");
		ok(opt_read_duration_ms("500ms", 1000000, &ms) == NULL && ms == 500, "duration: 500ms");
		ok(opt_read_duration_ms("1.5", 1000000, &ms) == NULL && ms == 1500, "duration: bare seconds");
		ok(opt_read_duration_ms("2m", 1000000, &ms) == NULL && ms == 120000, "duration: minutes");
	}

	is_int(parse("--json --netns lab1 -h"), 0, "common options");
	ok(common.json && common.help && common.netns && strcmp(common.netns, "lab1") == 0,
	   "common options recorded");
	is_int(parse("--version"), 0, "--version");
	ok(common.version, "version recorded");

	{
		char *text = NULL;
		size_t size = 0;
		FILE *fp = open_memstream(&text, &size);

		applet_print_help(&demo, fp);
		fclose(fp);
		ok(strstr(text, "Usage: sonde demo [OPTIONS] HOST PORT") != NULL, "help has usage line");
		ok(strstr(text, "  -w, --wait SECS") != NULL, "help lists option with argument");
		ok(strstr(text, "(1-65535)") != NULL, "help shows bounds");
		ok(strstr(text, "stop after N (1-2147483647)") != NULL,
		   "help shows a large int bound whole, not as 2.14748e+09");
		ok(strstr(text, "between probes (0-2147483.647)") != NULL, "help shows a decimal bound as written");
		ok(strstr(text, "timeout (0.001-86400)") != NULL, "help shows a small decimal bound as written");
		ok(strstr(text, "--netns NS") != NULL, "help lists common options");
		free(text);
	}
	ok(applet_find(&demo_table, "demo") == &demo, "applet_find: first of the given table");
	ok(applet_find(&demo_table, "other") == &other, "applet_find: last of the given table");
	ok(applet_find(&demo_table, "oth") == NULL, "applet_find: exact names only");
	return tap_exit();
}
