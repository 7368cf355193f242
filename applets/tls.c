/* tls: probe a TLS server and judge its certificate.  Connects through the
 * core resolver, handshakes with verification in report mode (so that a bad
 * certificate is described, not just refused), then gives one verdict with
 * its own exit code.  Also accepts openssl s_client's spelling. */
#include <errno.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sonde/caps.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/services.h"
#include "tls_impl.h"

/* --- options -------------------------------------------------------------------- */

static const char *parse_min_version(void *config, const char *arg)
{
	struct tls_config *cfg = config;

	cfg->min_version = tls_parse_version(arg);
	return cfg->min_version < 0 ? "not a TLS version (1.0, 1.1, 1.2, 1.3)" : NULL;
}

static const char *parse_max_version(void *config, const char *arg)
{
	struct tls_config *cfg = config;

	cfg->max_version = tls_parse_version(arg);
	return cfg->max_version < 0 ? "not a TLS version (1.0, 1.1, 1.2, 1.3)" : NULL;
}

static const char *parse_seclevel(void *config, const char *arg)
{
	struct tls_config *cfg = config;

	if (strlen(arg) != 1 || arg[0] < '0' || arg[0] > '5')
		return "not a security level (0-5)";
	cfg->seclevel = arg[0] - '0';
	cfg->seclevel_set = true;
	return NULL;
}

static const char *parse_starttls(void *config, const char *arg)
{
	struct tls_config *cfg = config;

	cfg->starttls = tls_starttls_parse(arg);
	return cfg->starttls < 0 ? "not one of smtp, imap, pop3, ftp, postgres, mysql" : NULL;
}

/* Seconds since the epoch (as s_client's -attime), or a UTC date. */
static const char *parse_attime(void *config, const char *arg)
{
	static const char *const formats[] = { "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
					       "%Y-%m-%d" };
	struct tls_config *cfg = config;
	struct tm tm;
	char *end;
	size_t i;

	errno = 0;
	cfg->attime = strtoll(arg, &end, 10);
	if (end != arg && *end == '\0' && errno == 0 && cfg->attime > 0)
		return NULL;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(arg, formats[i], &tm);
		if (end && *end == '\0') {
			cfg->attime = (int64_t)timegm(&tm);
			return NULL;
		}
	}
	return "not a time (seconds since 1970, or YYYY-MM-DD[THH:MM:SS] in UTC)";
}

static const struct sonde_opt tls_options[] = {
	SONDE_OPT_FLAG("4", NULL, "IPv4 only", struct tls_config, ipv4),
	SONDE_OPT_FLAG("6", NULL, "IPv6 only", struct tls_config, ipv6),
	SONDE_OPT_STRING("alpn", "alpn", "LIST", "offer these ALPN protocols (h2,http/1.1)", struct tls_config, alpn),
	SONDE_OPT_FUNC("attime", "attime", "WHEN", "verify as of WHEN (epoch seconds or YYYY-MM-DD[THH:MM:SS] UTC)",
		       parse_attime),
	SONDE_OPT_STRING(NULL, "cafile", "FILE", "trust the CA certificates in FILE (PEM)", struct tls_config,
			 cafile),
	SONDE_OPT_STRING(NULL, "capath", "DIR", "trust the CA certificates in DIR (hashed, c_rehash)",
			 struct tls_config, capath),
	SONDE_OPT_STRING("cert", "cert", "FILE", "client certificate (PEM, may hold the key)", struct tls_config,
			 cert),
	SONDE_OPT_STRING(NULL, "ciphers", "LIST", "TLS 1.2 and older cipher list (OpenSSL syntax)",
			 struct tls_config, ciphers),
	SONDE_OPT_STRING("ciphersuites", "ciphersuites", "LIST", "TLS 1.3 suites, ':'-separated", struct tls_config,
			 ciphersuites),
	SONDE_OPT_FLAG("k", "insecure", "report verification problems but do not fail on them",
		       struct tls_config, insecure),
	SONDE_OPT_STRING("key", "key", "FILE", "private key of --cert (PEM)", struct tls_config, key),
	SONDE_OPT_FUNC(NULL, "max-version", "VER", "highest TLS version to offer (1.0-1.3)", parse_max_version),
	SONDE_OPT_INT(NULL, "min-days", "N", "fail (exit 10) if a certificate expires within N days",
		      struct tls_config, min_days, 0, 36500),
	SONDE_OPT_FUNC(NULL, "min-version", "VER", "lowest TLS version to accept (default 1.2)", parse_min_version),
	SONDE_OPT_FLAG(NULL, "no-sni", "send no server name (SNI)", struct tls_config, no_sni),
	SONDE_OPT_FLAG(NULL, "scan", "list the protocol versions and cipher suites the server accepts",
		       struct tls_config, scan),
	SONDE_OPT_FUNC(NULL, "seclevel", "N", "OpenSSL security level 0-5 (default 2; 0 below TLS 1.2)",
		       parse_seclevel),
	SONDE_OPT_FLAG("showcerts", "showcerts", "print each certificate as PEM too", struct tls_config, showcerts),
	SONDE_OPT_STRING(NULL, "sni", "NAME", "server name to send (and to verify, unless --verify-name)",
			 struct tls_config, sni),
	SONDE_OPT_FUNC("starttls", "starttls", "PROTO", "upgrade a plain connection first: smtp, imap, pop3, ftp, "
		       "postgres, mysql", parse_starttls),
	SONDE_OPT_DOUBLE(NULL, "timeout", "SECS", "for each step: resolving, connecting, handshaking (default 10; "
			 "--scan: 6 times that in all)",
			 struct tls_config, timeout_s, 0.001, 3600),
	SONDE_OPT_FLAG(NULL, "tls1.2", "TLS 1.2 only", struct tls_config, tls12_only),
	SONDE_OPT_FLAG(NULL, "tls1.3", "TLS 1.3 only", struct tls_config, tls13_only),
	SONDE_OPT_STRING(NULL, "verify-name", "NAME", "the name (or IP) the certificate must be for",
			 struct tls_config, verify_name),
	/* openssl s_client's spelling, so habits carry over. */
	SONDE_OPT_STRING("connect", NULL, "HOST:PORT", "as s_client: the server (instead of the operand)",
			 struct tls_config, connect),
	SONDE_OPT_STRING("servername", NULL, "NAME", "as s_client: --sni", struct tls_config, sni),
	SONDE_OPT_FLAG("noservername", NULL, "as s_client: --no-sni", struct tls_config, no_sni),
	SONDE_OPT_STRING("verify_hostname", NULL, "NAME", "as s_client: --verify-name", struct tls_config,
			 verify_name),
	SONDE_OPT_STRING("verify_ip", NULL, "IP", "as s_client: --verify-name", struct tls_config, verify_name),
	SONDE_OPT_STRING("CAfile", NULL, "FILE", "as s_client: --cafile", struct tls_config, cafile),
	SONDE_OPT_STRING("CApath", NULL, "DIR", "as s_client: --capath", struct tls_config, capath),
	SONDE_OPT_STRING("cipher", NULL, "LIST", "as s_client: --ciphers", struct tls_config, ciphers),
	SONDE_OPT_FLAG("tls1_2", NULL, "as s_client: --tls1.2", struct tls_config, tls12_only),
	SONDE_OPT_FLAG("tls1_3", NULL, "as s_client: --tls1.3", struct tls_config, tls13_only),
	SONDE_OPT_END,
};

static void tls_init(void *config)
{
	struct tls_config *cfg = config;

	cfg->min_days = -1;
	cfg->timeout_s = 10;
	cfg->starttls = STARTTLS_NONE;
}

static int check_combinations(struct tls_config *cfg, int argc)
{
	if (cfg->ipv4 && cfg->ipv6)
		return sonde_usage_error("-4 and -6 exclude each other");
	if (cfg->tls12_only && cfg->tls13_only)
		return sonde_usage_error("--tls1.2 and --tls1.3 exclude each other");
	if ((cfg->tls12_only || cfg->tls13_only) && (cfg->min_version || cfg->max_version))
		return sonde_usage_error("--tls1.2/--tls1.3 and --min-version/--max-version exclude each other");
	if (cfg->tls12_only)
		cfg->min_version = cfg->max_version = 12;
	if (cfg->tls13_only)
		cfg->min_version = cfg->max_version = 13;
	if (cfg->min_version && cfg->max_version && cfg->min_version > cfg->max_version)
		return sonde_usage_error("--min-version is above --max-version");
	if (cfg->sni && cfg->no_sni)
		return sonde_usage_error("--sni and --no-sni exclude each other");
	if (cfg->key && !cfg->cert)
		return sonde_usage_error("--key needs --cert");
	if (cfg->connect && argc > 0)
		return sonde_usage_error("give the server either as -connect or as the operand, not both");
	if (!cfg->connect && argc == 0)
		return sonde_usage_error("missing operand: HOST[:PORT]");
	return 0;
}

static int parse_target(const struct tls_config *cfg, const char *text, struct tls_target *target)
{
	const char *port_text = NULL;

	if (addr_split_hostport(text, target->host, sizeof(target->host), &port_text) < 0 || !target->host[0]) {
		sonde_err("not HOST[:PORT]: '%s'", text);
		return TLS_EXIT_USAGE;
	}
	target->port = cfg->starttls != STARTTLS_NONE ? tls_starttls_port(cfg->starttls) : 443;
	if (port_text && addr_parse_port(port_text, false, &target->port) < 0 &&
	    services_port(port_text, "tcp", &target->port) < 0) {
		sonde_err("not a port: '%s'", port_text);
		return TLS_EXIT_USAGE;
	}
	return 0;
}

/* --- connecting ------------------------------------------------------------------- */

static void client_config(const struct tls_config *cfg, const struct tls_target *target,
			  struct tls_client_config *c)
{
	*c = (struct tls_client_config){
		.server_name = target->host,
		.verify = true,
		.report_only = true,
		.ca_file = cfg->cafile,
		.ca_path = cfg->capath,
		.timeout_ms = tls_timeout_ms(cfg),
		.sni = cfg->sni,
		.no_sni = cfg->no_sni,
		.verify_name = cfg->verify_name,
		.alpn = cfg->alpn,
		.min_version = cfg->min_version,
		.max_version = cfg->max_version,
		.security_level_set = cfg->seclevel_set,
		.security_level = cfg->seclevel,
		.ciphers = cfg->ciphers,
		.ciphersuites = cfg->ciphersuites,
		.cert_file = cfg->cert,
		.key_file = cfg->key,
		.verify_at = cfg->attime,
		.want_ocsp = true,
	};
}

/* --- the probe -------------------------------------------------------------------- */

static void expiry_facts(struct tls_probe *p)
{
	const struct x509_info *list = p->verified_count > 0 ? p->verified_chain : p->chain;
	int count = p->verified_count > 0 ? p->verified_count : p->chain_count, i;

	p->leaf_days_left = p->chain_count > 0 ? x509_days_left(&p->chain[0], p->now_s) : 0;
	p->min_days_left = p->leaf_days_left;
	p->min_days_index = 0;
	for (i = 0; i < count; i++) {
		int64_t days = x509_days_left(&list[i], p->now_s);

		if (days < p->min_days_left) {
			p->min_days_left = days;
			p->min_days_index = i;
		}
	}
}

static bool is_time_error(int error)
{
	return error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID;
}

/* One verdict, the first that applies, in the order a person fixes things:
 * trust, validity dates, name, then the --min-days margin. */
static void judge(struct tls_probe *p, const struct tls_config *cfg)
{
	const struct tls_verification *v = &p->verification;

	p->verdict = "ok";
	p->exit_code = TLS_EXIT_OK;
	if (v->no_trust_store) {
		p->verdict = "unverifiable";
		snprintf(p->verdict_reason, sizeof(p->verdict_reason),
			 "verification is impossible: %s (give --cafile or --capath)", v->trust_source);
		p->exit_code = TLS_EXIT_UNTRUSTED;
	} else if (v->error != 0) {
		bool dates = is_time_error(v->error);

		p->verdict = dates ? (v->error == X509_V_ERR_CERT_HAS_EXPIRED ? "expired" : "not_yet_valid")
				   : "untrusted";
		snprintf(p->verdict_reason, sizeof(p->verdict_reason), "certificate verify failed: %s (depth %d)",
			 v->reason, v->error_depth);
		p->exit_code = dates ? TLS_EXIT_EXPIRED : TLS_EXIT_UNTRUSTED;
	} else if (v->name_checked && !v->name_matched) {
		p->verdict = "hostname_mismatch";
		snprintf(p->verdict_reason, sizeof(p->verdict_reason), "the certificate is not for %s", v->name);
		p->exit_code = TLS_EXIT_NAME;
	}
	if (p->exit_code != TLS_EXIT_OK && cfg->insecure) {
		/* Reported in the output, not failed on. */
		p->exit_code = TLS_EXIT_OK;
	}
	if (p->exit_code == TLS_EXIT_OK && cfg->min_days >= 0 && p->min_days_left < cfg->min_days) {
		p->verdict = "expiring";
		snprintf(p->verdict_reason, sizeof(p->verdict_reason),
			 "a certificate expires within %d days (%lld days left)", cfg->min_days,
			 (long long)p->min_days_left);
		p->exit_code = TLS_EXIT_EXPIRING;
	}
}

static void collect(struct tls_probe *p, struct tls_session *session, const struct tls_config *cfg)
{
	const char *alpn = tls_session_alpn(session, p->alpn, sizeof(p->alpn));
	const char *group = tls_session_group(session);

	snprintf(p->protocol, sizeof(p->protocol), "%s", tls_session_version(session));
	snprintf(p->cipher, sizeof(p->cipher), "%s", tls_session_cipher(session));
	p->has_alpn = alpn != NULL;
	p->has_group = group != NULL;
	if (group)
		snprintf(p->group, sizeof(p->group), "%s", group);
	p->ocsp = tls_session_ocsp(session);
	p->cert_requested = tls_session_cert_requested(session);
	tls_session_verification(session, &p->verification);
	p->chain_count = tls_session_peer_chain(session, false, &p->chain);
	p->verified_count = tls_session_peer_chain(session, true, &p->verified_chain);
	p->now_s = cfg->attime ? cfg->attime : (int64_t)time(NULL);
	expiry_facts(p);
	judge(p, cfg);
}

/* What tls_session_connect sends: the SNI asked for, else HOST when it is a name. */
static const char *sni_sent(const struct tls_config *cfg, const struct tls_target *target)
{
	struct sonde_addr scratch;

	if (cfg->no_sni)
		return NULL;
	if (cfg->sni)
		return cfg->sni;
	return addr_parse_ip(target->host, 0, AF_UNSPEC, &scratch) == 0 ? NULL : target->host;
}

static int handshake_exit(int rc)
{
	if (rc == -ETIMEDOUT)
		return TLS_EXIT_TIMEOUT;
	if (rc == -EINVAL)
		return TLS_EXIT_USAGE;
	if (rc == -ENOMEM)
		return TLS_EXIT_INTERNAL;
	return TLS_EXIT_HANDSHAKE;
}

static int probe(struct sonde_ctx *ctx, const struct tls_config *cfg, const struct tls_target *target)
{
	struct tls_probe p = { .target = target };
	struct tls_client_config client;
	struct tls_dial_result dial;
	struct tls_session *session = NULL;
	char why[300];
	int64_t start_ns;
	int fd, rc;

	client_config(cfg, target, &client);
	fd = tls_open_connection(cfg, target, false, tls_timeout_ms(cfg), &client, &dial, &p.starttls_ms);
	if (fd < 0)
		return -fd;
	addr_ntop(&dial.peer, p.address, sizeof(p.address));
	p.dns_ms = dial.dns_ms;
	p.connect_ms = dial.connect_ms;
	p.sni = sni_sent(cfg, target);
	start_ns = mono_ns();
	rc = tls_session_connect(fd, &client, &session, why, sizeof(why));
	p.handshake_ms = ns_to_ms(mono_ns() - start_ns);
	if (rc < 0) {
		sonde_err("TLS handshake with %s port %u failed: %s", target->host, target->port, why);
		close(fd);
		return handshake_exit(rc);
	}
	collect(&p, session, cfg);
	tls_session_free(session);
	close(fd);
	if (p.chain_count < 0 || p.verified_count < 0) {
		sonde_err("out of memory");
		return TLS_EXIT_INTERNAL;
	}
	if (p.exit_code != TLS_EXIT_OK)
		snprintf(p.error, sizeof(p.error), "%.190s port %u: %.390s", target->host, target->port,
			 p.verdict_reason);
	tls_render_probe(ctx->out, &p, cfg);
	if (p.exit_code != TLS_EXIT_OK)
		sonde_err("%s", p.error);
	x509_info_array_free(p.chain, (size_t)p.chain_count);
	x509_info_array_free(p.verified_chain, (size_t)p.verified_count);
	return p.exit_code;
}

static int tls_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct tls_config *cfg = config;
	struct tls_target target;
	int rc = check_combinations(cfg, argc);

	if (rc)
		return rc;
	rc = parse_target(cfg, cfg->connect ? cfg->connect : argv[0], &target);
	if (rc)
		return rc;
	if (cfg->scan)
		return tls_scan(ctx, cfg, &target);
	return probe(ctx, cfg, &target);
}

const struct sonde_applet applet_tls = {
	.name = "tls",
	.summary = "probe a TLS server: protocol, cipher, certificate chain, verification, expiry, timings",
	.usage = "[options] HOST[:PORT]\n[options] -connect HOST:PORT   (openssl s_client's spelling)\n"
		 "--scan [options] HOST[:PORT]",
	.help_extra = "The port defaults to 443 (or the --starttls protocol's port).  The certificate is\n"
		      "verified against the system store (or --cafile/--capath) and the name: --verify-name,\n"
		      "else the SNI name, else HOST.  Unlike openssl s_client, a name mismatch fails.\n"
		      "s_client's -connect, -servername, -noservername, -verify_hostname, -verify_ip,\n"
		      "-CAfile, -CApath, -showcerts, -alpn, -cert, -key, -cipher, -ciphersuites, -tls1_2,\n"
		      "-tls1_3, -starttls and -attime are accepted as well.",
	.options = tls_options,
	.config_size = sizeof(struct tls_config),
	.init = tls_init,
	.exit_codes = "0 verified (and not expiring within --min-days), 2 usage, 3 privilege, 4 timeout, "
		      "5 connect failed, 6 handshake failed, 7 untrusted chain, 8 name mismatch, 9 expired or not "
		      "yet valid, 10 expiring within --min-days (docs/tls.md).",
	.min_args = 0,
	.max_args = 1,
	.flags = APPLET_POPULATE_IMAGE, /* a handshake runs much of the binary's code */
	.caps = 0, /* no privileged socket: every capability goes before main */
	.main = tls_main,
};
