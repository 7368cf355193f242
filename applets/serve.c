/* serve: sonde's probes for Prometheus, a drop-in for blackbox_exporter.
 * GET /probe?target=T&module=M runs one probe of a built-in module (the
 * modules of blackbox_exporter's default configuration) on sonde's probe
 * engines and answers with blackbox_exporter's metric families, plus
 * sonde_probe_failure_info naming why it failed; GET /metrics gives build
 * and process metrics and, with --checks, a check file's results rerun
 * every --interval.  Targets are held to --allow (loopback and private
 * networks by default): an exporter that probes whatever it is asked to is
 * a server-side request forgery tool otherwise. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_impl.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/out.h"
#include "sonde/sock.h"

#define SERVE_MAX_INTERVAL_MS (24LL * 3600 * 1000)
#define SERVE_MIN_INTERVAL_MS 1000
#define SERVE_DEFAULT_INTERVAL_MS 30000

/* Loopback and the private ranges (RFC 1918, RFC 4193): a cluster's own
 * nodes, never the internet nor link-local (169.254.169.254 is the cloud
 * metadata service). */
static const char *const default_allow[] = { "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
					     "::1/128", "fc00::/7" };

static const char *parse_allow(void *config, const char *arg)
{
	struct serve_config *cfg = config;
	char item[64];
	const char *p = arg;

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= sizeof(item))
			return "not a list of CIDR prefixes (10.0.0.0/8,fd00::/8) or 'any'";
		memcpy(item, p, len);
		item[len] = '\0';
		if (strcmp(item, "any") == 0)
			cfg->allow_any = true;
		else if (cfg->allow_count == SERVE_MAX_ALLOW)
			return "more than 32 prefixes";
		else if (addr_parse_prefix(item, false, &cfg->allow[cfg->allow_count++]) < 0)
			return "not a CIDR prefix (10.0.0.0/8, fd00::/8, 192.0.2.7) or 'any'";
		p += len + (p[len] == ',');
	}
	return NULL;
}

static const char *parse_interval(void *config, const char *arg)
{
	struct serve_config *cfg = config;
	const char *why = opt_read_duration_ms(arg, SERVE_MAX_INTERVAL_MS, &cfg->interval_ms);

	if (!why && cfg->interval_ms < SERVE_MIN_INTERVAL_MS)
		why = "shorter than 1s";
	cfg->interval_set = true;
	return why;
}

static const struct sonde_opt serve_options[] = {
	SONDE_OPT_STRING("l", "listen", "ADDR:PORT", "listen on ADDR:PORT (:9115: every address, port 9115)",
			 struct serve_config, listen),
	SONDE_OPT_FUNC(NULL, "allow", "CIDR,...",
		       "targets allowed (repeatable; 'any' for all); default loopback and private networks",
		       parse_allow),
	SONDE_OPT_INT(NULL, "max-concurrency", "N", "probes running at once (more wait); default 32",
		      struct serve_config, max_concurrency, 1, 1024),
	SONDE_OPT_STRING("c", "config", "FILE",
			 "dns modules from FILE, in blackbox_exporter's configuration format (docs/serve.md)",
			 struct serve_config, config_path),
	SONDE_OPT_STRING(NULL, "checks", "FILE", "run check's FILE every --interval; results on /metrics",
			 struct serve_config, checks_path),
	SONDE_OPT_FUNC(NULL, "interval", "DUR", "how often --checks runs (default 30s)", parse_interval),
	SONDE_OPT_END,
};

static void serve_init(void *config)
{
	struct serve_config *cfg = config;

	cfg->listen = SERVE_DEFAULT_LISTEN;
	cfg->max_concurrency = SERVE_DEFAULT_CONCURRENCY;
	cfg->interval_ms = SERVE_DEFAULT_INTERVAL_MS;
}

static void default_allow_list(struct serve_config *cfg)
{
	for (size_t i = 0; i < sizeof(default_allow) / sizeof(default_allow[0]); i++)
		addr_parse_prefix(default_allow[i], false, &cfg->allow[cfg->allow_count++]);
}

/* ":9115" listens on every address (IPv6 and IPv4 both); "ADDR:PORT" or
 * "[V6]:PORT" on one.  0, or -errno with the message printed. */
static int open_listener(const char *listen, int *fd)
{
	char host[128];
	const char *port_text;
	struct sonde_addr addr;
	uint16_t port;
	int rc;

	if (addr_split_hostport(listen, host, sizeof(host), &port_text) < 0 || !port_text ||
	    addr_parse_port(port_text, false, &port) < 0 ||
	    (host[0] && addr_parse_ip(host, port, AF_UNSPEC, &addr) < 0)) {
		sonde_err("--listen %s: not ADDR:PORT (:9115, 127.0.0.1:9115, [::1]:9115)", listen);
		return -EINVAL;
	}
	if (!host[0])
		addr_parse_ip("::", port, AF_INET6, &addr);
	rc = sock_listen(&addr, SOCK_STREAM, 128, fd);
	if (rc == -EAFNOSUPPORT && !host[0]) {
		addr_parse_ip("0.0.0.0", port, AF_INET, &addr);
		rc = sock_listen(&addr, SOCK_STREAM, 128, fd);
	}
	if (rc < 0)
		sonde_errno(-rc, "cannot listen on %s", listen);
	return rc;
}

static int serve_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct serve_config *cfg = config;
	struct serve_checks *checks = NULL;
	int listen_fd, rc;

	(void)argc;
	(void)argv;
	if (cfg->interval_set && !cfg->checks_path) {
		sonde_err("--interval: only with --checks (a probe runs when Prometheus scrapes it)");
		return SONDE_EXIT_USAGE;
	}
	if (!cfg->allow_count && !cfg->allow_any)
		default_allow_list(cfg);
	if (cfg->config_path && serve_config_load(cfg) != 0)
		return SONDE_EXIT_USAGE;
	if (cfg->checks_path && serve_checks_load(cfg->checks_path, &checks) != 0) {
		serve_config_free(cfg);
		return SONDE_EXIT_USAGE;
	}
	rc = open_listener(cfg->listen, &listen_fd);
	if (rc < 0) {
		serve_checks_free(checks);
		serve_config_free(cfg);
		return rc == -EINVAL ? SONDE_EXIT_USAGE : rc == -EACCES ? SONDE_EXIT_PRIVILEGE : SONDE_EXIT_NEGATIVE;
	}
	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "type", "", "listening");
	out_print_str(ctx->out, "listen", "listening on %s\n", cfg->listen);
	out_close_object(ctx->out);
	fflush(stdout);
	rc = serve_run(cfg, listen_fd, checks);
	serve_checks_free(checks);
	serve_config_free(cfg);
	if (rc == SONDE_EXIT_USAGE)
		sonde_err("--checks %s: the check applet refused the file", cfg->checks_path);
	return rc;
}

const struct sonde_applet applet_serve = {
	.name = "serve",
	.summary = "run probes for Prometheus: a blackbox_exporter drop-in (/probe, /metrics)",
	.usage = "[--listen ADDR:PORT] [--allow CIDR,...] [--max-concurrency N] [--config FILE] "
		 "[--checks FILE [--interval DUR]]",
	.help_extra = "GET /probe?target=T&module=M with blackbox_exporter's default modules: http_2xx,\n"
		      "http_post_2xx, tcp_connect, ssh_banner, irc_banner, pop3s_banner, icmp, icmp_ttl5;\n"
		      "dns modules from --config (blackbox.yml's format; grpc refused: sonde speaks no gRPC);\n"
		      "&debug=true gives the probe's log.  GET /metrics: build, process and --checks results.\n"
		      "Targets outside --allow fail (default: 127/8, 10/8, 172.16/12, 192.168/16, ::1, fc00::/7).\n"
		      "SIGTERM or SIGINT: stops accepting, lets running probes finish (5s), exits 0.",
	.options = serve_options,
	.config_size = sizeof(struct serve_config),
	.init = serve_init,
	.exit_codes = "0 stopped by SIGTERM/SIGINT, 1 cannot listen, 2 usage (or a check file check refuses), "
		      "3 a privileged port without CAP_NET_BIND_SERVICE.",
	.min_args = 0,
	.max_args = 0,
	.flags = APPLET_JSON_STREAM,
	/* raw ICMP sockets for the icmp modules; a port below 1024 */
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_BIND_SERVICE),
	.main = serve_main,
};
