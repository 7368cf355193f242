/* nslookup: bind9 9.18's nslookup, non-interactive (a name on the command
 * line), on libcore's DNS codec and dighost-style lookups (dns_lookup.c):
 * its -option words read as it reads them (-type=MX, -port=, -timeout=,
 * -retry=, -debug, -vc, -search, -domain=, -ndots=...), the search list
 * and ndots applied as bind does (unlike busybox's nslookup), its output
 * (nslookup_out.c) and exit codes.  Interactive mode is refused. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "nslookup_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/out.h"
#include "sonde/resolve.h"
#include "sonde/version.h"

#define NSLOOKUP_EXIT_FAILURE 1

static const struct sonde_imitation nslookup_imitation = {
	.classic_line = "nslookup 9.18.49",
	.imitated = "nslookup from BIND 9.18.49",
	.to_stderr = true,
};

/* bind's parse_uint(): "invalid port '99999': out of range" on stdout,
 * the setting unchanged. */
static bool read_uint(const char *text, unsigned long max, const char *what, unsigned long *value)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (!*text || *end || *text == '-' || *text == '+') {
		printf("invalid %s '%s': not a valid number\n", what, text);
		return false;
	}
	if (errno || v > max) {
		printf("invalid %s '%s': out of range\n", what, text);
		return false;
	}
	*value = (unsigned long)v;
	return true;
}

/* bind's CHECKOPT: word is a prefix of name at least min_len long. */
static bool is_option(const char *word, const char *name, size_t min_len)
{
	size_t len = strlen(word);

	return len >= min_len && len <= strlen(name) && strncasecmp(word, name, len) == 0;
}

/* The value after one of prefixes ("type=", "ty="...), or NULL. */
static const char *value_of(const char *word, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (strncasecmp(word, *prefixes, strlen(*prefixes)) == 0)
			return word + strlen(*prefixes);
	return NULL;
}

static void set_type(struct nslookup_run *run, const char *text)
{
	uint16_t type;

	if (dns_type_parse(text, &type) < 0) {
		printf("unknown query type: %s\n", text);
		return;
	}
	run->qtype = type;
	run->default_lookups = false;
}

static void set_class(struct nslookup_run *run, const char *text)
{
	uint16_t qclass;

	if (dns_class_parse(text, &qclass) < 0) {
		printf("unknown query class: %s\n", text);
		return;
	}
	run->conf.qclass = qclass;
}

/* Options that take a value.  true when word was one of them. */
static bool set_valued_option(struct nslookup_run *run, const char *word)
{
	static const char *const types[] = { "type=", "ty=", "querytype=", "query=", "qu=", "q=", NULL };
	static const char *const classes[] = { "class=", "cl=", NULL };
	static const char *const domains[] = { "domain=", "do=", NULL };
	static const char *const ports[] = { "port=", "po=", NULL };
	static const char *const timeouts[] = { "timeout=", "t=", NULL };
	static const char *const retries[] = { "retry=", "ret=", NULL };
	static const char *const ndots[] = { "ndots=", NULL };
	const char *v;
	unsigned long n;

	if ((v = value_of(word, classes)))
		set_class(run, v);
	else if ((v = value_of(word, types)))
		set_type(run, v);
	else if ((v = value_of(word, domains))) {
		snprintf(run->domain, sizeof(run->domain), "%s", v);
		run->use_search = true;
	} else if ((v = value_of(word, ports))) {
		if (read_uint(v, 65535, "port", &n))
			run->conf.port = (uint16_t)n;
	} else if ((v = value_of(word, timeouts))) {
		if (read_uint(v, INT_MAX / 1000, "timeout", &n))
			run->conf.timeout_s = (int)n;
	} else if ((v = value_of(word, retries))) {
		if (read_uint(v, INT_MAX, "tries", &n))
			run->conf.tries = (int)n;
	} else if ((v = value_of(word, ndots))) {
		if (read_uint(v, 128, "ndots", &n))
			run->conf.ndots = (int)n;
	} else {
		return false;
	}
	return true;
}

/* One -word, as bind's setoption() reads it (class= before type=, as
 * there).  Unknown words get its "*** Invalid option" and are skipped;
 * what sonde does not do is refused (returns an exit code). */
static int set_option(struct nslookup_run *run, const char *word)
{
	if (is_option(word, "all", 3) || is_option(word, "d2", 2))
		return sonde_usage_error("-%s: not implemented in sonde's nslookup", word);
	if (set_valued_option(run, word))
		return 0;
	if (is_option(word, "recurse", 3))
		run->conf.recurse = true;
	else if (is_option(word, "norecurse", 5))
		run->conf.recurse = false;
	else if (is_option(word, "defname", 3) || is_option(word, "search", 3))
		run->use_search = true;
	else if (is_option(word, "nodefname", 5) || is_option(word, "nosearch", 5))
		run->use_search = false;
	else if (is_option(word, "vc", 2) || is_option(word, "novc", 4)) {
		run->conf.tcp = word[0] == 'v' || word[0] == 'V';
		run->tcp_set = true;
	} else if (is_option(word, "debug", 3) || is_option(word, "nodebug", 5))
		run->short_form = word[0] == 'n' || word[0] == 'N';
	else if (is_option(word, "nod2", 4) || is_option(word, "sil", 3))
		; /* bind's defaults: no internal debugging, no deprecation message */
	else if (is_option(word, "fail", 3) || is_option(word, "nofail", 5))
		run->conf.servfail_next = word[0] == 'n' || word[0] == 'N';
	else
		printf("*** Invalid option: %s\n", word);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "Usage:\n"
			"   nslookup [-opt ...]             # interactive mode using default server\n"
			"   nslookup [-opt ...] - server    # interactive mode using 'server'\n"
			"   nslookup [-opt ...] host        # just look up 'host' using default server\n"
			"   nslookup [-opt ...] host server # just look up 'host' using 'server'\n");
	return NSLOOKUP_EXIT_FAILURE;
}

/* The words in bind's order: -options, the name, then the server. */
static int read_words(struct nslookup_run *run, int argc, char **argv, const char **name, const char **server)
{
	bool interactive = false;
	int i, rc;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (w[0] == '-' && strncasecmp(w, "-ver", 4) == 0) {
			version_print("nslookup", &nslookup_imitation);
			return -1;
		}
		if (w[0] == '-' && w[1]) {
			if ((rc = set_option(run, w + 1)) != 0)
				return rc;
		} else if (!*name && !interactive) {
			if (strcmp(w, "-") == 0)
				interactive = true;
			else
				*name = w;
		} else if (i + 1 < argc) {
			return usage();
		} else {
			*server = w;
		}
	}
	if (!*name)
		return sonde_usage_error("interactive mode is not implemented: give the name to look up "
					 "(nslookup [-opt ...] NAME [SERVER])");
	return 0;
}

/* What the search walk's hook needs to print a name it passed. */
struct search_walk {
	struct nslookup_run *run;
	const char *typed;
	uint16_t qtype;
};

/* -debug shows each name of the search it tried. */
static void show_passed(void *walk_ctx, const char *shown, const struct dns_lookup_reply *reply)
{
	struct search_walk *walk = walk_ctx;

	if (!walk->run->short_form)
		nslookup_print_reply(walk->run, walk->typed, shown, walk->qtype, reply);
}

static const struct dns_search_hooks nslookup_search_hooks = {.passed = show_passed};

/* One lookup of typed through the search list (when use_search); true
 * with *chased set when the default lookups go on to AAAA. */
static bool lookup_one(struct nslookup_run *run, const char *typed, uint16_t qtype, bool use_search, char *chased,
		       size_t chased_size)
{
	char name[DNS_NAME_TEXT], shown[DNS_NAME_TEXT];
	struct search_walk walk = {.run = run, .typed = typed, .qtype = qtype};
	struct dns_lookup_reply reply;
	bool go_on = false;

	if (dns_lookup_search(&run->conf, typed, use_search, qtype, &nslookup_search_hooks, &walk, &reply, name,
			      shown) < 0) {
		snprintf(run->error, sizeof(run->error), "no servers could be reached");
		if (run->ctx->json)
			dns_lookup_json(run->ctx->out, shown, qtype, &run->conf, &reply, false);
		return false;
	}
	nslookup_print_reply(run, typed, shown, qtype, &reply);
	if (run->ctx->json)
		dns_lookup_json(run->ctx->out, shown, qtype, &run->conf, &reply, true);
	if (run->default_lookups && qtype == DNS_TYPE_A && reply.parse_rc == 0 && reply.msg.rcode == 0) {
		dns_answer_chase_cname(&reply.msg, name, chased, chased_size);
		go_on = true;
	}
	dns_lookup_reply_free(&reply);
	return go_on;
}

static int run_lookups(struct nslookup_run *run, const char *name)
{
	char reverse[DNS_NAME_TEXT], chased[DNS_NAME_TEXT];
	uint16_t qtype = run->qtype;
	int exit_code;

	/* An address is looked up in reverse (bind's get_reverse()). */
	if (dns_reverse_name(name, reverse, sizeof(reverse)) == 0) {
		name = reverse;
		qtype = DNS_TYPE_PTR;
	}
	if (qtype == DNS_TYPE_ANY && !run->tcp_set)
		run->conf.tcp = true;
	if (run->ctx->json) {
		out_open_object(run->ctx->out, NULL);
		out_open_array(run->ctx->out, "lookups");
	}
	if (lookup_one(run, name, qtype, run->use_search, chased, sizeof(chased)))
		lookup_one(run, chased, DNS_TYPE_AAAA, false, chased, sizeof(chased));
	exit_code = run->query_error | run->print_error;
	if (run->ctx->json) {
		out_close_array(run->ctx->out);
		if (exit_code)
			out_print_error(run->ctx->out, run->error[0] ? run->error : "no reply", exit_code);
		out_close_object(run->ctx->out);
		fputc('\n', run->ctx->out->fp);
	} else {
		puts("");
	}
	return exit_code;
}

static int nslookup_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct nslookup_run run;
	const char *name = NULL, *server = NULL;
	int rc;

	(void)config;
	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	dns_lookup_conf_init(&run.conf);
	run.conf.comments = true;
	run.qtype = DNS_TYPE_A;
	run.default_lookups = run.short_form = run.use_search = true;
	run.query_error = 1;
	rc = read_words(&run, argc, argv, &name, &server);
	if (rc)
		return rc < 0 ? SONDE_EXIT_OK : rc;
	if (ctx->json)
		run.conf.notes = stderr;
	if (server && (rc = dns_lookup_set_server(&run.conf, server, AF_UNSPEC)) < 0) {
		sonde_err("couldn't get address for '%s': %s", server,
			  dns_address_failure_words(rc));
		return NSLOOKUP_EXIT_FAILURE;
	}
	if (dns_lookup_conf_load(&run.conf, resolve_conf_path()) < 0) {
		sonde_err("no nameserver in %s and none given", resolve_conf_path());
		return NSLOOKUP_EXIT_FAILURE;
	}
	if (run.domain[0]) {
		snprintf(run.conf.search[0], sizeof(run.conf.search[0]), "%s", run.domain);
		run.conf.search_count = 1;
	}
	return run_lookups(&run, name);
}

const struct sonde_applet applet_nslookup = {
	.name = "nslookup",
	.summary = "DNS lookups with bind9 nslookup's options, output and exit codes (non-interactive)",
	.usage = "[-type=TYPE] [-port=PORT] [-timeout=SECS] [-retry=N] [-debug] [-vc] [-[no]search] "
		 "[-domain=NAME] [-ndots=N] NAME [SERVER]",
	.help_extra = "Options are bind's -word options (any unambiguous prefix bind accepts: -ty=MX, -q=MX).\n"
		      "NAME goes through resolv.conf's search list and ndots as bind's nslookup does; an\n"
		      "address is looked up in reverse.  Interactive mode, -all and -d2 are refused.",
	.options = NULL,
	.config_size = 0,
	.min_args = 0,
	.max_args = -1,
	.usage_exit_code = NSLOOKUP_EXIT_FAILURE,
	.exit_codes = "0 the name was found (an empty answer too), 1 usage error, not found (NXDOMAIN, SERVFAIL, "
		      "REFUSED) or no server reached, as bind's nslookup; 2 interactive mode or an option sonde "
		      "refuses (docs/nslookup.md).",
	.flags = APPLET_DASH_WORDS,
	.caps = 0,
	.main = nslookup_main,
	.imitates = &nslookup_imitation,
};
