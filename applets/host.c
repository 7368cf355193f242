/* host: bind9 9.18's host on libcore's DNS codec and dighost-style
 * lookups (dns_lookup.c): the default A lookup followed by AAAA and MX for
 * the name its CNAME chain ends at, -t TYPE, -a/-A/-v in dig's layout,
 * reverse lookups of addresses, the search list and ndots as bind applies
 * them, "Host NAME not found: 3(NXDOMAIN)" and bind's exit codes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "host_impl.h"
#include "sonde/err.h"
#include "sonde/resolve.h"
#include "sonde/version.h"

static const char *refuse(void *config, const char *arg)
{
	(void)config;
	(void)arg;
	return "not implemented in sonde's host (use sonde dig)";
}

static const struct sonde_opt host_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 query transport only", struct host_config, ipv4_only),
	SONDE_OPT_FLAG("6", NULL, "IPv6 query transport only", struct host_config, ipv6_only),
	SONDE_OPT_FLAG("a", NULL, "all: the same as -v -t ANY", struct host_config, all),
	SONDE_OPT_FLAG("A", NULL, "like -a, without RRSIG, NSEC and NSEC3 records", struct host_config, almost_all),
	SONDE_OPT_STRING("c", NULL, "CLASS", "query class (IN, CH, HS, CLASSnnn)", struct host_config, class_text),
	SONDE_OPT_FUNC("C", NULL, NULL, "(compare the zone's SOA records; refused: not implemented)", refuse),
	SONDE_OPT_FLAG("d", NULL, "the same as -v", struct host_config, verbose),
	SONDE_OPT_FLAG("i", NULL, "(deprecated in bind; accepted and ignored as bind's host does)", struct host_config,
		       deprecated),
	SONDE_OPT_FUNC("l", NULL, NULL, "(list a zone by AXFR; refused: use sonde dig ZONE AXFR)", refuse),
	SONDE_OPT_FUNC("m", NULL, "FLAG", "(bind's memory debugging; refused)", refuse),
	SONDE_OPT_FLAG("n", NULL, "(deprecated in bind; accepted and ignored as bind's host does)", struct host_config,
		       deprecated),
	SONDE_OPT_STRING("N", NULL, "NDOTS", "dots a name needs to be tried alone first (resolv.conf's ndots)",
			 struct host_config, ndots_text),
	SONDE_OPT_STRING("p", NULL, "PORT", "server port (53)", struct host_config, port_text),
	SONDE_OPT_FLAG("r", NULL, "no recursion desired", struct host_config, norecurse),
	SONDE_OPT_STRING("R", NULL, "N", "retries for UDP (tries = N + 1, at least 2)", struct host_config, retries_text),
	SONDE_OPT_FLAG("s", NULL, "a SERVFAIL ends the lookup (not the next server)", struct host_config, servfail_stops),
	SONDE_OPT_STRING("t", NULL, "TYPE", "query type (A, MX, TXT, TYPEnnn...)", struct host_config, type_text),
	SONDE_OPT_FLAG("T", NULL, "TCP", struct host_config, tcp),
	SONDE_OPT_FLAG("U", NULL, "UDP (the default but for ANY)", struct host_config, udp),
	SONDE_OPT_FLAG("v", NULL, "verbose: the messages in dig's layout", struct host_config, verbose),
	SONDE_OPT_FLAG("w", NULL, "wait forever for a reply", struct host_config, wait_forever),
	SONDE_OPT_STRING("W", NULL, "SECS", "wait SECS for a reply (at least 1)", struct host_config, wait_text),
	SONDE_OPT_END,
};

/* bind's host reads numbers with atoi(): what does not read is 0. */
static int atoi_text(const char *text)
{
	return text ? atoi(text) : 0;
}

/* -t and -c as bind's host reads them: a bad value is fatal, exit 2 (with
 * bind's "host: invalid type: X" and its stray newline). */
static int read_type_and_class(const struct host_config *cfg, struct host_run *run)
{
	if (cfg->type_text) {
		if (strncasecmp(cfg->type_text, "ixfr=", 5) == 0 || dns_type_parse(cfg->type_text, &run->qtype) < 0) {
			fprintf(stderr, "host: invalid type: %s\n\n", cfg->type_text);
			return HOST_EXIT_BAD_VALUE;
		}
		if (run->qtype == DNS_TYPE_AXFR || run->qtype == DNS_TYPE_IXFR) {
			sonde_err("-t %s: zone transfers are not implemented in sonde's host (use sonde dig ZONE AXFR)",
				  cfg->type_text);
			return HOST_EXIT_FAILURE;
		}
		run->default_lookups = false;
	}
	if (cfg->class_text) {
		if (dns_class_parse(cfg->class_text, &run->conf.qclass) < 0) {
			fprintf(stderr, "host: invalid class: %s\n\n", cfg->class_text);
			return HOST_EXIT_BAD_VALUE;
		}
		run->default_lookups = false;
	}
	return 0;
}

static int read_options(const struct host_config *cfg, struct host_run *run)
{
	struct dns_lookup_conf *conf = &run->conf;
	int rc;

	dns_lookup_conf_init(conf);
	run->qtype = DNS_TYPE_A;
	run->default_lookups = true;
	run->short_form = !cfg->verbose;
	rc = read_type_and_class(cfg, run);
	if (rc)
		return rc;
	if (cfg->all || cfg->almost_all) {
		run->qtype = DNS_TYPE_ANY;
		run->short_form = false;
		run->default_lookups = false;
	}
	/* ANY goes over TCP unless -T or -U says otherwise. */
	conf->tcp = cfg->tcp || (run->qtype == DNS_TYPE_ANY && !cfg->udp);
	conf->recurse = !cfg->norecurse;
	conf->servfail_next = !cfg->servfail_stops;
	conf->tries = cfg->retries_text ? atoi_text(cfg->retries_text) + 1 : 2;
	if (conf->tries < 2)
		conf->tries = 2;
	if (cfg->wait_text)
		conf->timeout_s = atoi_text(cfg->wait_text) < 1 ? 1 : atoi_text(cfg->wait_text);
	if (cfg->wait_forever)
		conf->timeout_s = INT_MAX / 1000;
	if (cfg->ndots_text)
		conf->ndots = atoi_text(cfg->ndots_text);
	if (cfg->port_text)
		conf->port = (uint16_t)atoi_text(cfg->port_text);
	return 0;
}

static int host_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct host_config *cfg = config;
	struct host_run run;
	int family = cfg->ipv4_only ? AF_INET : cfg->ipv6_only ? AF_INET6 : AF_UNSPEC, rc;

	if (cfg->ipv4_only && cfg->ipv6_only) {
		fprintf(stderr, "host: only one of -4 and -6 allowed\n");
		return HOST_EXIT_FAILURE;
	}
	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.almost_all = cfg->almost_all;
	rc = read_options(cfg, &run);
	if (rc)
		return rc;
	if (ctx->json)
		run.conf.notes = stderr;
	if (argc > 1) {
		rc = dns_lookup_set_server(&run.conf, argv[1], family);
		if (rc < 0) {
			sonde_err("couldn't get address for '%s': %s", argv[1], dns_address_failure_words(rc));
			return HOST_EXIT_FAILURE;
		}
	}
	if (dns_lookup_conf_load(&run.conf, resolve_conf_path()) < 0) {
		sonde_err("no nameserver in %s and none given", resolve_conf_path());
		return HOST_EXIT_FAILURE;
	}
	return host_run_lookups(&run, argv[0]);
}

static const struct sonde_imitation host_imitation = {
	.version_letters = "V",
	.classic_line = "host 9.18.49",
	.imitated = "host from BIND 9.18.49",
	.to_stderr = true,
};

const struct sonde_applet applet_host = {
	.name = "host",
	.summary = "DNS lookups with bind9 host's options, output and exit codes",
	.usage = "[-aACdilrsTUvw46] [-c CLASS] [-N NDOTS] [-t TYPE] [-W SECS] [-R N] [-p PORT] NAME [SERVER]",
	.help_extra = "NAME is looked up through resolv.conf's search list and ndots as bind's host does; an\n"
		      "IPv4 or IPv6 address is looked up in reverse.  Without -t: the A records, then AAAA and\n"
		      "MX of the name the CNAME chain ends at.  -l (AXFR), -C and -m are refused.",
	.options = host_options,
	.config_size = sizeof(struct host_config),
	.min_args = 1,
	.max_args = 2,
	.usage_exit_code = HOST_EXIT_FAILURE,
	.exit_codes = "0 the lookups answered, 1 usage error, a name not found (NXDOMAIN, SERVFAIL, REFUSED), "
		      "no server reached or an option sonde refuses, as bind's host (docs/host.md).",
	.caps = 0,
	.main = host_main,
	.imitates = &host_imitation,
};
