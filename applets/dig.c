/* sonde dig: bind9's dig command line and output, over libcore's DNS codec
 * and its own sockets (c-ares looks up @server names).  Operands are read in order as dig reads them: @server,
 * +options, a type or class word for the lookup at hand, anything else a
 * new name.  Options before the first name are every lookup's defaults.
 * Here: the options, the run of each lookup, main; the query itself is in
 * dig_common.c, the output in dig_out.c. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dig_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/resolvconf.h"
#include "sonde/resolve.h"
#include "sonde/version.h"

#define DNS_PORT 53

/* --- driver options (checked in main, so bad values exit 1 as in dig) ---- */

static const struct sonde_opt dig_options[] = {
	SONDE_OPT_FLAG("4", NULL, "use IPv4 servers only", struct dig_config, ipv4_only),
	SONDE_OPT_FLAG("6", NULL, "use IPv6 servers only", struct dig_config, ipv6_only),
	SONDE_OPT_STRING("c", NULL, "CLASS", "query class (IN, CH, HS, CLASSnnn)", struct dig_config, class_text),
	SONDE_OPT_STRING("f", NULL, "FILE", "batch mode: one lookup (name, type, +options) per line",
			 struct dig_config, batch_file),
	SONDE_OPT_STRING("p", NULL, "PORT", "server port (53)", struct dig_config, port_text),
	SONDE_OPT_STRING("t", NULL, "TYPE", "query type (A, MX, TYPEnnn...)", struct dig_config, type_text),
	SONDE_OPT_STRING("x", NULL, "ADDR", "reverse lookup of an IPv4 or IPv6 address", struct dig_config,
			 reverse_text),
	SONDE_OPT_FLAG(NULL, "explain", "show the resolver's search-list walk for the name",
		       struct dig_config, explain),
	SONDE_OPT_STRING(NULL, "root-hints", "FILE", "root servers for +trace (a zone file of NS and A/AAAA)",
			 struct dig_config, root_hints),
	SONDE_OPT_END,
};

/* --- the run ------------------------------------------------------------------- */

/* bind9's dig waits resolv.conf's "options timeout:" and tries its
 * "attempts:" when the file sets them and +timeout, +tries do not. */
static void resolv_conf_waits(struct dig_lookup_list *list)
{
	struct resolv_conf conf;
	size_t i;

	resolv_conf_load(&conf, resolve_conf_path());
	for (i = 0; i < list->count; i++) {
		struct dig_opts *o = &list->items[i].opts;

		if (!o->timeout_set && conf.timeout_set)
			o->timeout_s = conf.timeout_s > 0 ? conf.timeout_s : 1;
		if (!o->tries_set && conf.attempts_set)
			o->tries = conf.attempts > 0 ? conf.attempts : 1;
	}
}

static int run_lookup(struct dig_run *run, const struct dig_lookup *lk)
{
	struct dig_servers servers;
	struct dig_reply reply;
	char qname[DNS_NAME_TEXT];
	int rc;

	if (lk->opts.explain || run->config->explain)
		return dig_explain(run, lk);
	if (lk->opts.trace)
		return dig_trace(run, lk);
	rc = dig_servers_for(run, lk, &servers);
	if (rc)
		return rc;
	snprintf(qname, sizeof(qname), "%s", lk->name);
	/* AXFR, and IXFR over TCP (its default), read every message. */
	if (lk->qtype == DNS_TYPE_AXFR || (lk->qtype == DNS_TYPE_IXFR && lk->opts.tcp)) {
		if (lk->opts.search)
			dig_search_name(lk, qname, sizeof(qname));
		return dig_xfr(run, lk, &servers, qname);
	}
	if (lk->opts.search)
		rc = dig_search_query(run, lk, &servers, qname, sizeof(qname), &reply);
	else
		rc = dig_query(run, lk, qname, &servers, true, &reply);
	if (rc == DIG_EXIT_USAGE || rc == DIG_EXIT_INTERNAL)
		return rc;
	/* bind 9.18 exits 0 after a TCP reply it refused (its error is said
	 * already), 9 after an end of file ("no servers could be reached"). */
	if (rc && reply.tcp && !reply.setup_failed && reply.status == -EPROTO)
		return DIG_EXIT_OK;
	if (rc) {
		dig_print_no_reply(run, lk, &servers, reply.no_servers_said);
		return rc;
	}
	dig_print_reply(run, lk, &servers, &reply);
	dig_reply_free(&reply);
	return DIG_EXIT_OK;
}

/* The -p value, and -4 with -6, checked as dig checks them (-t, -c, -x are
 * read in order with the names). */
static int read_driver_values(const struct dig_config *c, struct dig_run *run)
{
	run->port = DNS_PORT;
	if (c->port_text && addr_parse_port(c->port_text, true, &run->port) < 0) {
		sonde_err("invalid port number '%s'", c->port_text);
		return DIG_EXIT_USAGE;
	}
	if (c->ipv4_only && c->ipv6_only) {
		sonde_err("-4 and -6 cannot be used together");
		return DIG_EXIT_USAGE;
	}
	return 0;
}

static int run_lookups(struct dig_run *run, const struct dig_lookup_list *list)
{
	int worst = DIG_EXIT_OK;
	size_t i;

	for (i = 0; i < list->count; i++) {
		int one = run_lookup(run, &list->items[i]);

		/* dig's fatal errors end the run (a bad @server, an illegal name). */
		if (one == DIG_EXIT_USAGE || one == DIG_EXIT_INTERNAL)
			return one;
		if (one > worst)
			worst = one;
	}
	return worst;
}

static int dig_main(struct sonde_ctx *ctx, void *config_ptr, int argc, char **argv)
{
	struct dig_config *config = config_ptr;
	struct dig_run run = { config, ctx, DNS_PORT, NULL, { 0 }, false };
	struct dig_lookup defaults;
	struct dig_lookup_list list = { 0 };
	int rc;

	(void)argc;
	(void)argv; /* the words are read again from the command line as typed */
	memset(&defaults, 0, sizeof(defaults));
	defaults.qtype = DNS_TYPE_A;
	defaults.qclass = DNS_CLASS_IN;
	dig_opts_init(&defaults.opts);
	arc4random_buf(run.client_cookie, sizeof(run.client_cookie));
	config->json = out_is_json(ctx->out);
	rc = read_driver_values(config, &run);
	if (!rc)
		rc = dig_parse_args(config, ctx->argc, ctx->argv, &defaults, &list);
	if (!rc)
		resolv_conf_waits(&list);
	if (!rc && out_is_json(ctx->out)) {
		out_open_object(ctx->out, NULL);
		out_open_array(ctx->out, "lookups");
		run.json_open = true;
	}
	if (!rc)
		rc = run_lookups(&run, &list);
	if (run.json_open && rc != DIG_EXIT_USAGE) {
		out_close_array(ctx->out);
		/* A failed run says why in its document (docs/json.md): no
		 * reply is said on stderr in dig's words, not through sonde_err. */
		if (rc != DIG_EXIT_OK)
			out_print_error(ctx->out, rc == DIG_EXIT_NO_REPLY ? "no servers could be reached" : sonde_last_error(),
					rc);
		out_close_object(ctx->out);
		fputc('\n', stdout);
	}
	dig_lookup_list_free(&list);
	return rc;
}

static const struct sonde_imitation dig_imitation = {
	.version_letters = "v",
	.classic_line = "DiG 9.18.49",
	.imitated = "dig from BIND 9.18.49",
	.to_stderr = true,
};

const struct sonde_applet applet_dig = {
	.name = "dig",
	.summary = "DNS lookups with bind9 dig's command line and output; --explain walks the search list",
	.usage = "[@server] [-p PORT] [-t TYPE] [-c CLASS] [-x ADDR] [-4|-6] [-f FILE] [name [type] [class] "
		 "[+options]]...",
	.help_extra = "+options (+no... to turn off): +short +tcp +[no]recurse +dnssec +[no]all +[no]answer\n"
		      "+[no]question +[no]authority +[no]additional +[no]comments +[no]stats +[no]cmd\n"
		      "+timeout=SECS +tries=N +retry=N +bufsize=N +[no]edns[=V] +nsid +search +ndots=N\n"
		      "+[no]ignore +[no]adflag +[no]cdflag +split=W +trace (with --root-hints FILE) +explain\n"
		      "+subnet=ADDR[/LEN] +qr +[no]multiline +[no]rrcomments +[no]onesoa",
	.options = dig_options,
	.config_size = sizeof(struct dig_config),
	.min_args = 0,
	.max_args = -1,
	.usage_exit_code = DIG_EXIT_USAGE,
	.exit_codes = "0 a reply came (NXDOMAIN and SERVFAIL too), 1 usage (bad option, +option, type, port), "
		      "9 no reply, 10 internal error",
	.flags = APPLET_PLUS_ARGS,
	.caps = 0, /* no privileged socket: every capability goes before main */
	.main = dig_main,
	.imitates = &dig_imitation,
};
