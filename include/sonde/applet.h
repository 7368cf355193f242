/* An applet is data plus a main: a config struct, an option table pointing
 * into it, and a descriptor.  The driver (libcore/applet.c) zero-fills the
 * config, applies defaults, parses options, handles the common options
 * (--help, --version, --json, --netns), enters the namespace and calls main. */
#ifndef SONDE_APPLET_H
#define SONDE_APPLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sonde/out.h"

struct sonde_imitation;

enum sonde_opt_type {
	OPT_FLAG,    /* bool field set to true */
	OPT_COUNT,   /* int field incremented at each use (-v -v) */
	OPT_INT,     /* int field, bounded by min..max */
	OPT_DOUBLE,  /* double field, bounded by min..max (seconds, ratios) */
	OPT_STRING,  /* const char * field pointing into argv */
	OPT_FUNC,    /* custom parser */
};

/* Returns NULL on success or a short reason ("not a port number"). */
typedef const char *(*sonde_opt_parser)(void *config, const char *arg);

struct sonde_opt {
	const char *short_name; /* "l", or several letters for "-sT"-style; NULL if none */
	const char *long_name;  /* "listen"; NULL if none */
	const char *arg_name;   /* "SECS"; NULL for options without argument */
	const char *help;
	enum sonde_opt_type type;
	size_t offset;          /* of the field in the applet's config */
	double min, max;        /* bounds for OPT_INT and OPT_DOUBLE */
	sonde_opt_parser parse; /* for OPT_FUNC */
	bool arg_optional;      /* OPT_FUNC only: "--opt" or "--opt=VALUE" */
};

#define SONDE_OPT_FLAG(S, L, HELP, TYPE, FIELD) \
	{ S, L, NULL, HELP, OPT_FLAG, offsetof(TYPE, FIELD), 0, 0, NULL, false }
#define SONDE_OPT_COUNT(S, L, HELP, TYPE, FIELD) \
	{ S, L, NULL, HELP, OPT_COUNT, offsetof(TYPE, FIELD), 0, 0, NULL, false }
#define SONDE_OPT_INT(S, L, ARG, HELP, TYPE, FIELD, MIN, MAX) \
	{ S, L, ARG, HELP, OPT_INT, offsetof(TYPE, FIELD), MIN, MAX, NULL, false }
#define SONDE_OPT_DOUBLE(S, L, ARG, HELP, TYPE, FIELD, MIN, MAX) \
	{ S, L, ARG, HELP, OPT_DOUBLE, offsetof(TYPE, FIELD), MIN, MAX, NULL, false }
#define SONDE_OPT_STRING(S, L, ARG, HELP, TYPE, FIELD) \
	{ S, L, ARG, HELP, OPT_STRING, offsetof(TYPE, FIELD), 0, 0, NULL, false }
#define SONDE_OPT_FUNC(S, L, ARG, HELP, FN) \
	{ S, L, ARG, HELP, OPT_FUNC, 0, 0, 0, FN, false }
#define SONDE_OPT_END { NULL, NULL, NULL, NULL, OPT_FLAG, 0, 0, 0, NULL, false }

/* What every applet's main receives besides its own config. */
struct sonde_ctx {
	const struct sonde_applet *applet;
	struct sonde_out *out;
	bool json;
	const char *netns;      /* as given to --netns, or NULL */
	/* The words after the applet's name as typed, options included (for
	 * applets whose classic tool reads options and operands in order). */
	int argc;
	char **argv;
};

enum sonde_applet_flags {
	/* Stop option parsing at the first operand (subcommand-style applets). */
	APPLET_ARGS_IN_ORDER = 1 << 0,
	/* Operands starting with '+' are passed through (dig's +options). */
	APPLET_PLUS_ARGS = 1 << 1,
	/* --json writes NDJSON records with a "type": a failure, even before
	 * main (--netns), is a last record {"type":"error",...} (docs/json.md). */
	APPLET_JSON_STREAM = 1 << 2,
	/* main may exec the user's command when done (wait): the driver drops
	 * every capability (caps must be 0) and a setuid identity, but leaves
	 * exec free to grant what it grants any command run by this user (no
	 * PR_SET_NO_NEW_PRIVS), so `sudo sonde wait ... -- CMD` runs CMD as
	 * root would. */
	APPLET_EXECS_COMMAND = 1 << 3,
	/* The program image is mapped whole before the libraries'
	 * constructors run (applet_preinit, include/sonde/image.h): for an
	 * applet that runs much of the binary's code at once (tls). */
	APPLET_POPULATE_IMAGE = 1 << 4,
	/* Words of one dash that are not in the option table are operands,
	 * for main to read in order (nslookup's -type=MX, -debug). */
	APPLET_DASH_WORDS = 1 << 5,
};

struct sonde_applet {
	const char *name;
	const char *summary;          /* one line, for --list and --help */
	const char *usage;            /* operand synopsis lines, '\n'-separated */
	const char *help_extra;       /* paragraph printed after the options, or NULL */
	const struct sonde_opt *options;
	size_t config_size;
	void (*init)(void *config);   /* defaults; may be NULL */
	int min_args, max_args;       /* operands after options; max -1 = unlimited */
	int usage_exit_code;          /* 0 = SONDE_EXIT_USAGE */
	const char *exit_codes;       /* --help's exit-code line when it differs from the scheme */
	unsigned flags;
	/* The capabilities the applet may use at all (CAPS_BIT masks): the
	 * driver drops every other one before main, and the applet drops more
	 * with caps_limit() once its privileged sockets are open. */
	uint64_t caps;
	int (*main)(struct sonde_ctx *ctx, void *config, int argc, char **argv);
	/* The classic tool imitated, for its version option (-V, -v,
	 * --version: include/sonde/version.h); NULL for sonde's own applets. */
	const struct sonde_imitation *imitates;
};

/* The applets, sorted by name: applets/main.c builds the table from
 * applets.def and hands it to sonde_main(), so libcore never names an
 * applet itself. */
struct sonde_applet_table {
	const struct sonde_applet *const *applets;
	size_t count;
};

/* Binary search of the table by exact name; NULL if absent. */
const struct sonde_applet *applet_find(const struct sonde_applet_table *table, const char *name);
/* The table this process runs from, as sonde_main() received it, for an
 * applet that runs other applets (check); applet_find_current() is NULL
 * when the name is not an applet, or before sonde_main(). */
void applet_table_set_current(const struct sonde_applet_table *table);
const struct sonde_applet *applet_find_current(const char *name);
/* Parses argv for the applet, runs it, returns the exit code. */
int applet_run(const struct sonde_applet *applet, int argc, char **argv);
/* sonde --install [--force] [--hard] DIR [APPLET...] (libcore/install.c):
 * argv holds what follows --install.  Returns the exit code. */
int applet_install(const struct sonde_applet_table *table, const char *argv0, int argc, char **argv);
/* Called from the executable's .preinit_array, before any constructor:
 * the applet argv names (as sonde_main would find it), if it has
 * APPLET_POPULATE_IMAGE, gets the program image mapped. */
void applet_preinit(const struct sonde_applet_table *table, int argc, char **argv);
/* The whole multi-call entry: argv[0] dispatch, --list, --install, --version. */
int sonde_main(const struct sonde_applet_table *table, int argc, char **argv);

/* Option parsing, exposed for unit tests.  Returns 0, or the exit code with a
 * message already printed.  On success *operand_count operands are moved to
 * the front of operands[]. */
struct sonde_common_opts {
	bool help, version, json;
	const char *netns;
};
int opt_parse(const struct sonde_applet *applet, void *config, struct sonde_common_opts *common,
	      int argc, char **argv, char **operands, int *operand_count);
void applet_print_help(const struct sonde_applet *applet, FILE *fp);
/* The applet's option table and help as one JSON object (sonde --describe),
 * from which man pages and shell completions are generated. */
void opt_describe(const struct sonde_applet *applet, struct sonde_out *out);

/* The number readers behind every option that takes a fraction or a
 * duration, OPT_DOUBLE's and the custom parsers' alike, so one rule holds
 * for all applets: strtod's syntax, finite values only ("nan", "inf" and
 * overflowing values are refused).  Each returns NULL or a short reason for
 * the option's message. */
/* A number at the start of text; *end is set after it (trailing text is
 * the caller's to judge). */
const char *opt_read_double(const char *text, const char **end, double *value);
/* A whole argument that is one number. */
const char *opt_read_number(const char *text, double *value);
/* A duration: a number with an optional unit, ms, s (the default), m or h,
 * at least 0 and at most max_ms. */
const char *opt_read_duration_ms(const char *text, int64_t max_ms, int64_t *ms);

#endif
