/* nc: netcat-openbsd's everyday flags (connect, listen, -z port checks, UDP,
 * unix sockets) plus a TLS client, on libcore's sockets, resolver and relay.
 * The pieces: this file (options, operand checks), nc_scan.c (-z),
 * nc_session.c (connections that carry data) and nc_common.c (the source
 * address and the connect report both use). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nc_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/ports.h"
#include "sonde/version.h"

static const char *parse_source_port(void *config, const char *arg)
{
	struct nc_config *cfg = config;

	return addr_parse_port(arg, false, &cfg->source_port) < 0 ? "not a port number (1-65535)" : NULL;
}

/* -q SECS: netcat takes any negative number as "wait forever". */
static const char *parse_quit(void *config, const char *arg)
{
	struct nc_config *cfg = config;
	char *end;
	long secs;

	errno = 0;
	secs = strtol(arg, &end, 10);
	if (end == arg || *end || errno)
		return "not a number of seconds";
	if (secs > 86400)
		return "too large (at most 86400 seconds)";
	cfg->quit_after_eof_secs = secs < 0 ? -1 : (int)secs;
	return NULL;
}

static const struct sonde_opt nc_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 only", struct nc_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 only", struct nc_config, ipv6),
	SONDE_OPT_FLAG("d", NULL, "do not read standard input", struct nc_config, no_stdin),
	SONDE_OPT_FLAG("k", NULL, "with -l: accept the next connection after one ends", struct nc_config,
		       keep_listening),
	SONDE_OPT_FLAG("l", NULL, "listen for a connection instead of connecting", struct nc_config, listen),
	SONDE_OPT_FLAG("N", NULL, "shut down the network write side at end of standard input",
		       struct nc_config, shutdown_on_eof),
	SONDE_OPT_FLAG("n", NULL, "numeric addresses only: no DNS or reverse lookups", struct nc_config,
		       numeric),
	SONDE_OPT_FUNC("p", NULL, "PORT", "source port; with -l, the port to listen on", parse_source_port),
	SONDE_OPT_FUNC("q", NULL, "SECS", "after end of standard input, quit SECS later (negative: never)",
		       parse_quit),
	SONDE_OPT_STRING("s", NULL, "ADDR", "source address", struct nc_config, source_host),
	SONDE_OPT_FLAG("U", NULL, "unix-domain socket (HOST is a path; '@name' is abstract)",
		       struct nc_config, unix_socket),
	SONDE_OPT_FLAG("u", NULL, "UDP (with -U: datagram socket)", struct nc_config, udp),
	SONDE_OPT_COUNT("v", NULL, "report connections on standard error", struct nc_config, verbose),
	SONDE_OPT_DOUBLE("w", NULL, "SECS", "timeout for connecting and for an idle connection",
			 struct nc_config, wait_secs, 0.001, 86400),
	SONDE_OPT_FLAG("z", NULL, "only check that ports accept connections (no data)", struct nc_config,
		       zero_io),
	SONDE_OPT_FLAG(NULL, "ssl", "TLS client over the connection (no verification unless --ssl-verify)",
		       struct nc_config, ssl),
	SONDE_OPT_FLAG(NULL, "ssl-verify", "verify the server's certificate and name (implies --ssl)",
		       struct nc_config, ssl_verify),
	SONDE_OPT_STRING(NULL, "ssl-ca", "FILE", "trust the CA certificates in FILE, not the system store "
			 "(implies --ssl-verify)", struct nc_config, ssl_ca),
	SONDE_OPT_END,
};

static void nc_init(void *config)
{
	struct nc_config *cfg = config;

	cfg->quit_after_eof_secs = -1;
}

/* Option combinations that cannot work together. */
static int check_combinations(const struct sonde_ctx *ctx, struct nc_config *cfg)
{
	if (cfg->ssl_ca)
		cfg->ssl_verify = true;
	if (cfg->ssl_verify)
		cfg->ssl = true;
	if (cfg->ipv4 && cfg->ipv6)
		return sonde_usage_error("-4 and -6 exclude each other");
	if (cfg->listen && cfg->zero_io)
		return sonde_usage_error("-l and -z exclude each other");
	if (cfg->keep_listening && !cfg->listen)
		return sonde_usage_error("-k needs -l");
	if (cfg->listen && cfg->source_host)
		return sonde_usage_error("-s does not apply to -l: give the address to listen on as HOST");
	if (cfg->ssl && cfg->listen)
		return sonde_usage_error("--ssl only connects: sonde nc is a TLS client, not a TLS server");
	if (cfg->ssl && (cfg->udp || cfg->unix_socket))
		return sonde_usage_error("--ssl needs a TCP connection (not -u or -U)");
	if (cfg->ssl && cfg->zero_io)
		return sonde_usage_error("--ssl does not apply to -z (no data is exchanged)");
	if (cfg->unix_socket && cfg->zero_io)
		return sonde_usage_error("-z does not apply to -U");
	if (ctx->json && !cfg->zero_io)
		return sonde_usage_error("--json needs -z: in data mode standard output carries the stream");
	return 0;
}

static int parse_one_port(const struct nc_config *cfg, const char *text, uint16_t *port)
{
	struct port_list *list = calloc(1, sizeof(*list));
	struct port_error err = { 0 };
	int rc;

	if (!list)
		return SONDE_EXIT_NEGATIVE;
	ports_init(list);
	rc = ports_parse(list, text, nc_proto(cfg), &err);
	if (rc < 0)
		sonde_err("invalid port '%s': %s", text, err.reason);
	else if (ports_total(list) != 1)
		sonde_err("'%s' names several ports: only -z takes a range or a list", text);
	else
		*port = list->ranges[0].low;
	rc = rc < 0 || ports_total(list) != 1 ? SONDE_EXIT_USAGE : 0;
	free(list);
	return rc;
}

static int missing_operand(const char *what)
{
	sonde_err("missing operand: %s (see --help)", what);
	return SONDE_EXIT_USAGE;
}

static int extra_operand(const char *arg)
{
	sonde_err("unexpected operand '%s' (see --help)", arg);
	return SONDE_EXIT_USAGE;
}

/* nc -l [HOST] PORT, or nc -l -p PORT [HOST]. */
static int run_listen(const struct nc_config *cfg, int argc, char **argv)
{
	const char *host = NULL;
	uint16_t port = cfg->source_port;
	int rc;

	if (cfg->unix_socket) {
		if (argc < 1)
			return missing_operand("PATH");
		if (argc > 1)
			return extra_operand(argv[1]);
		return nc_unix_listen(cfg, argv[0]);
	}
	if (cfg->source_port) {
		if (argc > 1)
			return extra_operand(argv[1]);
		host = argc ? argv[0] : NULL;
	} else {
		if (argc < 1)
			return missing_operand("PORT");
		if (argc > 2)
			return extra_operand(argv[2]);
		host = argc == 2 ? argv[0] : NULL;
		rc = parse_one_port(cfg, argv[argc - 1], &port);
		if (rc)
			return rc;
	}
	return nc_listen(cfg, host, port);
}

static int nc_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct nc_config *cfg = config;
	uint16_t port;
	int rc;

	sonde_verbosity = cfg->verbose;
	rc = check_combinations(ctx, cfg);
	if (rc)
		return rc;
	if (cfg->listen)
		return run_listen(cfg, argc, argv);
	if (cfg->unix_socket) {
		if (argc < 1)
			return missing_operand("PATH");
		if (argc > 1)
			return extra_operand(argv[1]);
		return nc_unix_connect(cfg, argv[0]);
	}
	if (argc < 1)
		return missing_operand("HOST PORT");
	if (argc < 2)
		return missing_operand("PORT");
	if (cfg->zero_io)
		return nc_scan(ctx, cfg, argv[0], argc - 1, argv + 1);
	if (argc > 2)
		return extra_operand(argv[2]);
	rc = parse_one_port(cfg, argv[1], &port);
	if (rc)
		return rc;
	return nc_connect(cfg, argv[0], port);
}

static const struct sonde_imitation nc_imitation = {
	.version_letters = NULL,
	.classic_line = "OpenBSD netcat (Debian patchlevel 1.219-1)",
	.imitated = "nc from netcat-openbsd 1.219",
};

const struct sonde_applet applet_nc = {
	.name = "nc",
	.summary = "netcat: connect, listen, check ports, relay bytes (TCP, UDP, unix, TLS client)",
	.usage = "[-46dNnuv] [-w SECS] [-q SECS] [-s ADDR] [-p PORT] [--ssl...] HOST PORT\n"
		 "-z [-uv] [--json] HOST PORT[,PORT|LOW-HIGH...] [PORT...]\n"
		 "-l [-k] [-46dNnuv] [-q SECS] [HOST] PORT   (or -l -p PORT [HOST])\n"
		 "-U [-l] [-u] [-v] PATH",
	.help_extra = "Compatible with netcat-openbsd's everyday flags; -v messages match its wording.\n"
		      "No -e/-c: sonde nc never runs commands for a peer, by design (pipe through a\n"
		      "shell yourself if you must).  --json works with -z only: one document listing\n"
		      "each port with its state (open, closed, timeout, error).  -z exits 0 when a\n"
		      "port is open (with -u: when the last port probed is), 1 otherwise.",
	.options = nc_options,
	.config_size = sizeof(struct nc_config),
	.init = nc_init,
	.exit_codes = "0 success (a port open, a session ended normally), 1 failure (could not "
		      "connect, TLS failed, ports closed), 2 usage error, 3 missing privilege for --netns "
		      "(docs/nc.md).",
	.min_args = 0,
	.max_args = -1,
	/* ports below 1024; unix sockets in directories root does not own */
	.caps = CAPS_BIT(CAP_NET_BIND_SERVICE) | CAPS_BIT(CAP_DAC_OVERRIDE),
	.main = nc_main,
	.imitates = &nc_imitation,
};
