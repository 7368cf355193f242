/* sonde dig: bind9's dig command line and output, over libcore's DNS codec
 * and c-ares.  Operands are read in order as dig reads them: @server,
 * +options, a type or class word for the lookup at hand, anything else a
 * new name.  Options before the first name are every lookup's defaults. */
#include <ares.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dig.h"
#include "sonde/err.h"
#include "sonde/resolvconf.h"
#include "sonde/resolve.h"

#define DNS_PORT 53

/* --- driver options (checked in main, so bad values exit 1 as in dig) ---- */

static const char *add_reverse(void *config, const char *arg)
{
	struct dig_config *c = config;

	if (c->reverse_count == DIG_MAX_REVERSE)
		return "too many -x lookups";
	c->reverse[c->reverse_count++] = arg;
	return NULL;
}

static const struct sonde_opt dig_options[] = {
	SONDE_OPT_FLAG("4", NULL, "use IPv4 servers only", struct dig_config, ipv4_only),
	SONDE_OPT_FLAG("6", NULL, "use IPv6 servers only", struct dig_config, ipv6_only),
	SONDE_OPT_STRING("c", NULL, "CLASS", "query class (IN, CH, HS, CLASSnnn)", struct dig_config, class_text),
	SONDE_OPT_STRING("f", NULL, "FILE", "batch mode: one lookup (name, type, +options) per line",
			 struct dig_config, batch_file),
	SONDE_OPT_STRING("p", NULL, "PORT", "server port (53)", struct dig_config, port_text),
	SONDE_OPT_STRING("t", NULL, "TYPE", "query type (A, MX, TYPEnnn...)", struct dig_config, type_text),
	SONDE_OPT_FUNC("x", NULL, "ADDR", "reverse lookup of an IPv4 or IPv6 address", add_reverse),
	SONDE_OPT_FLAG(NULL, "explain", "show the resolver's search-list walk for the name",
		       struct dig_config, explain),
	SONDE_OPT_STRING(NULL, "root-hints", "FILE", "root servers for +trace (a zone file of NS and A/AAAA)",
			 struct dig_config, root_hints),
	SONDE_OPT_END,
};

/* --- +options --------------------------------------------------------------- */

enum plus_kind { PLUS_BOOL, PLUS_INT, PLUS_ALL, PLUS_EDNS, PLUS_RETRY, PLUS_SPLIT };

struct plus_def {
	const char *name;
	size_t min_len;         /* shortest accepted abbreviation */
	enum plus_kind kind;
	size_t offset;          /* in struct dig_opts */
	int min, max;           /* for values */
};

#define PLUS_B(NAME, MIN, FIELD) { NAME, MIN, PLUS_BOOL, offsetof(struct dig_opts, FIELD), 0, 0 }
#define PLUS_I(NAME, MIN, FIELD, LO, HI) { NAME, MIN, PLUS_INT, offsetof(struct dig_opts, FIELD), LO, HI }

static const struct plus_def plus_defs[] = {
	PLUS_B("additional", 3, show_additional),
	PLUS_B("adflag", 2, adflag),
	{ "all", 3, PLUS_ALL, 0, 0, 0 },
	PLUS_B("answer", 3, show_answer),
	PLUS_B("authority", 3, show_authority),
	PLUS_I("bufsize", 3, bufsize, 0, 65535),
	PLUS_B("cdflag", 2, cdflag),
	PLUS_B("cmd", 3, cmd),
	PLUS_B("comments", 4, comments),
	PLUS_B("dnssec", 3, dnssec),
	{ "edns", 4, PLUS_EDNS, 0, 0, 255 },
	PLUS_B("explain", 4, explain),
	PLUS_B("ignore", 3, ignore_tc),
	PLUS_I("ndots", 3, ndots, 0, 15),
	PLUS_B("nsid", 3, nsid),
	PLUS_B("question", 4, show_question),
	PLUS_B("rdflag", 3, recurse),
	PLUS_B("recurse", 3, recurse),
	{ "retry", 4, PLUS_RETRY, 0, 0, 100 },
	PLUS_B("search", 3, search),
	PLUS_B("short", 3, short_form),
	{ "split", 3, PLUS_SPLIT, offsetof(struct dig_opts, split), 0, 1023 },
	PLUS_B("stats", 4, stats),
	PLUS_B("tcp", 3, tcp),
	PLUS_I("timeout", 4, timeout_s, 1, 300),
	PLUS_B("trace", 4, trace),
	PLUS_I("tries", 4, tries, 1, 100),
	PLUS_B("vc", 2, tcp),
};

static void opts_init(struct dig_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->recurse = o->adflag = o->edns = true;
	o->show_question = o->show_answer = o->show_authority = o->show_additional = true;
	o->comments = o->stats = o->cmd = true;
	o->bufsize = 1232;
	o->timeout_s = 5;
	o->tries = 3;
	o->ndots = -1; /* resolv.conf's */
	o->split = 56;
}

static const struct plus_def *plus_find(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(plus_defs) / sizeof(plus_defs[0]); i++) {
		const struct plus_def *d = &plus_defs[i];

		if (len >= d->min_len && len <= strlen(d->name) && strncasecmp(word, d->name, len) == 0)
			return d;
	}
	return NULL;
}

static int parse_bounded(const char *text, int min, int max, int *value)
{
	char *end;
	long v;

	if (!text || !*text)
		return -EINVAL;
	errno = 0;
	v = strtol(text, &end, 10);
	if (*end || errno || v < min || v > max)
		return -ERANGE;
	*value = (int)v;
	return 0;
}

static void set_all(struct dig_opts *o, bool on)
{
	o->show_question = o->show_answer = o->show_authority = o->show_additional = on;
	o->comments = o->stats = o->cmd = on;
}

/* One +option into o.  Returns 0 or -1 after a message. */
static int plus_apply(const char *arg, struct dig_opts *o)
{
	const char *word = arg + 1, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	bool on = true;
	const struct plus_def *d;
	int value;

	if (len > 2 && strncasecmp(word, "no", 2) == 0 && !plus_find(word, len)) {
		on = false;
		word += 2;
		len -= 2;
	}
	d = plus_find(word, len);
	if (!d) {
		sonde_err("invalid option: %s", arg);
		return -1;
	}
	switch (d->kind) {
	case PLUS_BOOL:
		*(bool *)((char *)o + d->offset) = on;
		/* +short shows the answer's data and nothing else. */
		if (on && d->offset == offsetof(struct dig_opts, short_form)) {
			set_all(o, false);
			o->show_answer = true;
		}
		return 0;
	case PLUS_ALL:
		set_all(o, on);
		return 0;
	case PLUS_EDNS:
		o->edns = on;
		o->edns_version = 0;
		if (on && eq && parse_bounded(eq + 1, d->min, d->max, &o->edns_version) < 0)
			break;
		return 0;
	case PLUS_RETRY:
		if (!on || !eq || parse_bounded(eq + 1, d->min, d->max, &value) < 0)
			break;
		o->tries = value + 1;
		return 0;
	case PLUS_SPLIT:
		if (!on) {
			o->split = 0;
			return 0;
		}
		if (!eq || parse_bounded(eq + 1, d->min, d->max, &value) < 0)
			break;
		/* dig rounds up to whole base64 quanta. */
		o->split = (value + 3) / 4 * 4;
		return 0;
	case PLUS_INT:
		if (!on || !eq || parse_bounded(eq + 1, d->min, d->max, (int *)((char *)o + d->offset)) < 0)
			break;
		if (d->offset == offsetof(struct dig_opts, bufsize))
			o->edns = true;
		return 0;
	}
	sonde_err("%s: needs a value in %d..%d", arg, d->min, d->max);
	return -1;
}

/* --- operands --------------------------------------------------------------- */

struct lookup_list {
	struct dig_lookup *items;
	size_t count, cap;
};

static struct dig_lookup *lookup_add(struct lookup_list *list, const struct dig_lookup *defaults,
				     const char *name)
{
	struct dig_lookup *lk;

	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		struct dig_lookup *grown = realloc(list->items, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		list->items = grown;
		list->cap = cap;
	}
	lk = &list->items[list->count++];
	*lk = *defaults;
	lk->type_set = lk->class_set = false;
	snprintf(lk->name, sizeof(lk->name), "%s", name);
	return lk;
}

/* A type or class word for the lookup at hand (dig warns when one is
 * given twice, and takes the last). */
static bool apply_type_or_class(const char *word, struct dig_lookup *lk)
{
	uint16_t value;

	if (dns_type_parse(word, &value) == 0) {
		if (lk->type_set)
			fprintf(stderr, ";; Warning, extra type option\n");
		lk->qtype = value;
		lk->type_set = true;
		return true;
	}
	if (dns_class_parse(word, &value) == 0) {
		if (lk->class_set)
			fprintf(stderr, ";; Warning, extra class option\n");
		lk->qclass = value;
		lk->class_set = true;
		return true;
	}
	return false;
}

/* Reads words as dig does.  current is the defaults until a name comes. */
static int parse_words(char **words, int count, struct dig_lookup *defaults, struct lookup_list *list)
{
	struct dig_lookup *current = NULL;
	int i;

	for (i = 0; i < count; i++) {
		const char *w = words[i];
		struct dig_lookup *target = current ? current : defaults;

		if (w[0] == '@') {
			if (!w[1]) {
				sonde_err("invalid server: '@'");
				return -1;
			}
			target->server = w + 1;
		} else if (w[0] == '+') {
			if (plus_apply(w, &target->opts) < 0)
				return -1;
		} else if (!apply_type_or_class(w, target)) {
			current = lookup_add(list, defaults, w);
			if (!current)
				return -1;
		}
	}
	return 0;
}

/* -f FILE: each line is read like a command line of its own, starting from
 * the command line's defaults. */
static int parse_batch(const char *path, const struct dig_lookup *defaults, struct lookup_list *list,
		       char ***kept_lines, size_t *kept_count)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL;
	size_t line_cap = 0;
	int rc = 0;

	if (!fp) {
		sonde_errno(errno, "cannot open batch file %s", path);
		return -1;
	}
	while (rc == 0 && getline(&line, &line_cap, fp) > 0) {
		struct dig_lookup line_defaults = *defaults;
		char *words[64], *save = NULL, *w, **grown;
		int n = 0;

		grown = realloc(*kept_lines, (*kept_count + 1) * sizeof(char *));
		if (!grown) {
			rc = -1;
			break;
		}
		*kept_lines = grown;
		grown[(*kept_count)++] = line; /* the lookups point into it */
		for (w = strtok_r(line, " \t\r\n", &save); w && n < 64; w = strtok_r(NULL, " \t\r\n", &save))
			words[n++] = w;
		line = NULL;
		line_cap = 0;
		if (n)
			rc = parse_words(words, n, &line_defaults, list);
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* --- servers ---------------------------------------------------------------- */

static int servers_from_resolv_conf(struct dig_run *run, struct dig_servers *servers)
{
	struct resolv_conf conf;
	size_t i;

	resolv_conf_load(&conf, resolve_conf_path());
	for (i = 0; i < conf.nameserver_count && servers->count < DIG_MAX_SERVERS; i++) {
		struct sonde_addr *a = &servers->addrs[servers->count];
		int family = run->config->ipv4_only ? AF_INET : run->config->ipv6_only ? AF_INET6 : AF_UNSPEC;

		if (addr_parse_ip(conf.nameservers[i], run->port, family, a) == 0)
			servers->count++;
	}
	/* Without a nameserver line resolvers ask the local host. */
	if (servers->count == 0 && !run->config->ipv6_only &&
	    addr_parse_ip("127.0.0.1", run->port, AF_INET, &servers->addrs[0]) == 0)
		servers->count = 1;
	if (servers->count == 0) {
		sonde_err("no usable nameservers in %s", resolve_conf_path());
		return DIG_EXIT_NO_REPLY;
	}
	return 0;
}

int dig_servers_for(struct dig_run *run, const struct dig_lookup *lk, struct dig_servers *servers)
{
	int family = run->config->ipv4_only ? AF_INET : run->config->ipv6_only ? AF_INET6 : AF_UNSPEC;
	int rc;

	memset(servers, 0, sizeof(*servers));
	if (!lk->server)
		return servers_from_resolv_conf(run, servers);
	servers->given = true;
	snprintf(servers->shown_name, sizeof(servers->shown_name), "%s", lk->server);
	rc = resolve_host(lk->server, family, 0, lk->opts.timeout_s * 1000, run->port, servers->addrs,
			  DIG_MAX_SERVERS, &servers->count);
	if (rc < 0) {
		sonde_err("couldn't get address for '%s': %s", lk->server, resolve_strerror(rc));
		return DIG_EXIT_INTERNAL;
	}
	return 0;
}

/* --- one query ---------------------------------------------------------------- */

static const char *comm_error_text(int status)
{
	switch (-status) {
	case ARES_ETIMEOUT: return "timed out";
	case ARES_ECONNREFUSED: return "connection refused";
	default: return resolve_strerror(status);
	}
}

/* "10.0.0.1#53", "fd00::1#53" as dig names servers. */
static void server_hash_port(const struct sonde_addr *a, char *buf, size_t size)
{
	char host[ADDR_STRLEN];

	snprintf(buf, size, "%s#%u", addr_ntop(a, host, sizeof(host)), addr_port(a));
}

static int exchange_once(const unsigned char *query, size_t len, const struct sonde_addr *server, bool tcp,
			 int timeout_ms, struct dig_reply *reply)
{
	/* ARCOUNT is 1 only when the query carries its OPT record. */
	struct resolve_exchange x = { server, tcp, query[11] == 1, timeout_ms, 0, NULL, 0, 0 };
	int rc = resolve_exchange(query, len, &x);

	reply->status = rc < 0 ? rc : x.status;
	reply->wire = x.reply;
	reply->len = x.reply_len;
	reply->rtt_ms = x.rtt_ms;
	reply->tcp = tcp;
	reply->server = *server;
	return reply->status;
}

/* On stdout as dig prints it; on stderr when stdout carries JSON. */
static void report_comm_error(struct dig_run *run, const char *qname, const struct dig_reply *reply,
			      const struct dig_servers *servers)
{
	FILE *main_stream = out_is_json(run->ctx->out) ? stderr : stdout;
	char where[ADDR_STRLEN + 8], host[ADDR_STRLEN];

	server_hash_port(&reply->server, where, sizeof(where));
	if (reply->tcp) {
		/* dig says this on both streams. */
		const char *shown = servers->shown_name[0] ? servers->shown_name
							  : addr_ntop(&reply->server, host, sizeof(host));
		FILE *streams[2] = { main_stream, stderr };
		int i;

		for (i = main_stream == stderr ? 1 : 0; i < 2; i++)
			fprintf(streams[i], ";; Connection to %s(%s) for %s failed: %s.\n", where, shown, qname,
				comm_error_text(reply->status));
	} else
		fprintf(main_stream, ";; communications error to %s: %s\n", where, comm_error_text(reply->status));
}

static int build_query(const struct dig_lookup *lk, const char *qname, unsigned char *buf, size_t size)
{
	struct dns_query_spec spec = {
		.qname = qname, .qtype = lk->qtype, .qclass = lk->qclass, .id = (uint16_t)arc4random(),
		.rd = lk->opts.recurse, .ad = lk->opts.adflag, .cd = lk->opts.cdflag,
		.edns = lk->opts.edns, .edns_version = (uint8_t)lk->opts.edns_version,
		.udp_size = (uint16_t)lk->opts.bufsize, .dnssec_ok = lk->opts.dnssec, .nsid = lk->opts.nsid,
	};

	/* DO and NSID ride on EDNS: asking for them turns it on, as in dig. */
	if (spec.dnssec_ok || spec.nsid)
		spec.edns = true;
	return dns_build_query(&spec, buf, size);
}

int dig_query(struct dig_run *run, const struct dig_lookup *lk, const char *qname,
	      const struct dig_servers *servers, bool report, struct dig_reply *reply)
{
	unsigned char query[DNS_MAX_WIRE_NAME + 64];
	int len = build_query(lk, qname, query, sizeof(query));
	int timeout_ms = lk->opts.timeout_s * 1000;
	size_t s;

	memset(reply, 0, sizeof(*reply));
	reply->status = -ARES_ETIMEOUT;
	if (len < 0) {
		sonde_err("'%s' is not a legal name", qname);
		return DIG_EXIT_USAGE;
	}
	for (s = 0; s < servers->count; s++) {
		int tries = lk->opts.tcp ? 1 : lk->opts.tries, t;

		for (t = 0; t < tries; t++) {
			if (exchange_once(query, (size_t)len, &servers->addrs[s], lk->opts.tcp, timeout_ms, reply) != 0) {
				if (report)
					report_comm_error(run, qname, reply, servers);
				continue;
			}
			if (!reply->tcp && (reply->len > 2 && (reply->wire[2] & 0x02)) && !lk->opts.ignore_tc) {
				if (report && !out_is_json(run->ctx->out))
					printf(";; Truncated, retrying in TCP mode.\n");
				dig_reply_free(reply);
				if (exchange_once(query, (size_t)len, &servers->addrs[s], true, timeout_ms, reply) != 0) {
					if (report)
						report_comm_error(run, qname, reply, servers);
					break;
				}
				reply->retried_tcp = true;
			}
			reply->parse_rc = dns_parse(reply->wire, reply->len, &reply->msg);
			return 0;
		}
	}
	return DIG_EXIT_NO_REPLY;
}

void dig_reply_free(struct dig_reply *reply)
{
	dns_msg_free(&reply->msg);
	free(reply->wire);
	reply->wire = NULL;
	reply->len = 0;
}

/* --- the run ------------------------------------------------------------------- */

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
	if (lk->opts.search)
		dig_search_name(run, lk, &servers, qname, sizeof(qname));
	rc = dig_query(run, lk, qname, &servers, true, &reply);
	if (rc == DIG_EXIT_USAGE)
		return rc;
	if (rc) {
		dig_print_no_reply(run, lk, &servers);
		return rc;
	}
	dig_print_reply(run, lk, &servers, &reply);
	dig_reply_free(&reply);
	return DIG_EXIT_OK;
}

/* The -p, -t, -c values, checked as dig checks them. */
static int read_driver_values(const struct dig_config *c, struct dig_run *run, struct dig_lookup *defaults)
{
	run->port = DNS_PORT;
	if (c->port_text && addr_parse_port(c->port_text, true, &run->port) < 0) {
		sonde_err("invalid port number '%s'", c->port_text);
		return DIG_EXIT_USAGE;
	}
	if (c->type_text && dns_type_parse(c->type_text, &defaults->qtype) < 0) {
		sonde_err("invalid type '%s'", c->type_text);
		return DIG_EXIT_USAGE;
	}
	if (c->class_text && dns_class_parse(c->class_text, &defaults->qclass) < 0) {
		sonde_err("invalid class '%s'", c->class_text);
		return DIG_EXIT_USAGE;
	}
	if (c->ipv4_only && c->ipv6_only) {
		sonde_err("-4 and -6 cannot be used together");
		return DIG_EXIT_USAGE;
	}
	return 0;
}

/* -x ADDR lookups come first, as they are usually written first. */
static int add_reverse_lookups(const struct dig_config *c, const struct dig_lookup *defaults,
			       struct lookup_list *list)
{
	size_t i;

	for (i = 0; i < c->reverse_count; i++) {
		char name[DNS_NAME_TEXT];
		struct dig_lookup *lk;

		if (dns_reverse_name(c->reverse[i], name, sizeof(name)) < 0) {
			sonde_err("invalid IP address %s", c->reverse[i]);
			return DIG_EXIT_USAGE;
		}
		lk = lookup_add(list, defaults, name);
		if (!lk)
			return DIG_EXIT_INTERNAL;
		lk->qtype = DNS_TYPE_PTR;
	}
	return 0;
}

static char *join_words(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	for (i = 0; s && i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int dig_main(struct sonde_ctx *ctx, void *config_ptr, int argc, char **argv)
{
	struct dig_config *config = config_ptr;
	struct dig_run run = { config, ctx, DNS_PORT, NULL, false, false };
	struct dig_lookup defaults;
	struct lookup_list list = { NULL, 0, 0 };
	char **batch_lines = NULL;
	size_t batch_count = 0, i;
	int rc, worst = DIG_EXIT_OK;

	memset(&defaults, 0, sizeof(defaults));
	defaults.qtype = DNS_TYPE_A;
	defaults.qclass = DNS_CLASS_IN;
	opts_init(&defaults.opts);
	rc = read_driver_values(config, &run, &defaults);
	if (!rc && parse_words(argv, argc, &defaults, &list) < 0)
		rc = DIG_EXIT_USAGE;
	if (!rc && config->reverse_count) {
		struct lookup_list reverse = { NULL, 0, 0 };

		rc = add_reverse_lookups(config, &defaults, &reverse);
		for (i = 0; !rc && i < list.count; i++)
			if (!lookup_add(&reverse, &defaults, ""))
				rc = DIG_EXIT_INTERNAL;
			else
				reverse.items[reverse.count - 1] = list.items[i];
		free(list.items);
		list = reverse;
	}
	if (!rc && config->batch_file && parse_batch(config->batch_file, &defaults, &list, &batch_lines,
						      &batch_count) < 0)
		rc = DIG_EXIT_USAGE;
	/* No name at all: dig asks for the root's NS records. */
	if (!rc && list.count == 0 && !config->batch_file) {
		struct dig_lookup *lk = lookup_add(&list, &defaults, ".");

		if (!lk)
			rc = DIG_EXIT_INTERNAL;
		else if (!defaults.type_set && !config->type_text)
			lk->qtype = DNS_TYPE_NS;
	}
	run.banner_args = join_words(argc, argv);
	if (!rc && out_is_json(ctx->out)) {
		out_open_object(ctx->out, NULL);
		out_open_array(ctx->out, "lookups");
	}
	for (i = 0; !rc && i < list.count; i++) {
		int one = run_lookup(&run, &list.items[i]);

		if (one == DIG_EXIT_USAGE) {
			rc = one;
			break;
		}
		if (one > worst)
			worst = one;
	}
	if (out_is_json(ctx->out) && rc != DIG_EXIT_USAGE) {
		out_close_array(ctx->out);
		out_close_object(ctx->out);
		fputc('\n', stdout);
	}
	for (i = 0; i < batch_count; i++)
		free(batch_lines[i]);
	free(batch_lines);
	free(list.items);
	free((char *)run.banner_args);
	return rc ? rc : worst;
}

const struct sonde_applet applet_dig = {
	.name = "dig",
	.summary = "DNS lookups with bind9 dig's command line and output; --explain walks the search list",
	.usage = "[@server] [-p PORT] [-t TYPE] [-c CLASS] [-x ADDR] [-4|-6] [-f FILE] [name [type] [class] "
		 "[+options]]...",
	.help_extra = "+options (+no... to turn off): +short +tcp +[no]recurse +dnssec +[no]all +[no]answer\n"
		      "+[no]question +[no]authority +[no]additional +[no]comments +[no]stats +[no]cmd\n"
		      "+timeout=SECS +tries=N +retry=N +bufsize=N +[no]edns[=V] +nsid +search +ndots=N\n"
		      "+[no]ignore +[no]adflag +[no]cdflag +split=W +trace (with --root-hints FILE) +explain",
	.options = dig_options,
	.config_size = sizeof(struct dig_config),
	.min_args = 0,
	.max_args = -1,
	.usage_exit_code = DIG_EXIT_USAGE,
	.exit_codes = "0 a reply came (NXDOMAIN and SERVFAIL too), 1 usage (bad option, +option, type, port), "
		      "9 no reply, 10 internal error",
	.flags = APPLET_PLUS_ARGS,
	.main = dig_main,
};
