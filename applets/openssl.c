/* openssl: the subcommands of OpenSSL 3.0's command-line tool that scripts
 * use to look at TLS servers and certificates: `s_client` on libcore's TLS
 * client, `x509` on OpenSSL's certificate printers, and `version`.  Each
 * subcommand's options are a table of their own, read by the driver's
 * parser with openssl's single-dash spelling; openssl's exit codes (1 for
 * every failure, bad options included). */
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "openssl_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/version.h"

/* --- x509 ------------------------------------------------------------------------ */

/* openssl numbers each printing option as it comes, the last time it
 * comes: one given twice prints once, at its later place. */
static const char *add_print(struct openssl_x509_config *cfg, enum x509_print what)
{
	int i, kept = 0;

	for (i = 0; i < cfg->order_count; i++)
		if (cfg->order[i] != what)
			cfg->order[kept++] = cfg->order[i];
	cfg->order_count = kept;
	if (cfg->order_count >= X509_PRINT_MAX)
		return "too many printing options";
	cfg->order[cfg->order_count++] = what;
	return NULL;
}

#define X509_PRINT_PARSER(FN, WHAT)                                                                          \
	static const char *FN(void *config, const char *arg)                                                 \
	{                                                                                                    \
		(void)arg;                                                                                   \
		return add_print(config, WHAT);                                                              \
	}
X509_PRINT_PARSER(parse_subject, X509_PRINT_SUBJECT)
X509_PRINT_PARSER(parse_issuer, X509_PRINT_ISSUER)
X509_PRINT_PARSER(parse_serial, X509_PRINT_SERIAL)
X509_PRINT_PARSER(parse_startdate, X509_PRINT_STARTDATE)
X509_PRINT_PARSER(parse_enddate, X509_PRINT_ENDDATE)
X509_PRINT_PARSER(parse_fingerprint, X509_PRINT_FINGERPRINT)
X509_PRINT_PARSER(parse_text, X509_PRINT_TEXT)
X509_PRINT_PARSER(parse_pubkey, X509_PRINT_PUBKEY)

/* -dates is -startdate then -enddate. */
static const char *parse_dates(void *config, const char *arg)
{
	const char *reason = parse_startdate(config, arg);

	return reason ? reason : parse_enddate(config, arg);
}

static const char *parse_ext(void *config, const char *arg)
{
	struct openssl_x509_config *cfg = config;

	cfg->ext_names = arg;
	return add_print(cfg, X509_PRINT_EXT);
}

/* openssl reads "PEM"/"DER" by their first letter, in either case. */
static const char *parse_inform(void *config, const char *arg)
{
	struct openssl_x509_config *cfg = config;

	if (strcasecmp(arg, "PEM") == 0 || strcasecmp(arg, "P") == 0)
		cfg->inform = 1;
	else if (strcasecmp(arg, "DER") == 0 || strcasecmp(arg, "D") == 0)
		cfg->inform = 2;
	else
		return "not a format sonde reads (PEM, DER)";
	return NULL;
}

static const char *parse_checkend(void *config, const char *arg)
{
	struct openssl_x509_config *cfg = config;
	char *end;
	long long seconds = strtoll(arg, &end, 10);

	if (end == arg || *end || seconds < 0 || seconds > (long long)1e12)
		return "not a number of seconds";
	cfg->checkend_set = true;
	cfg->checkend_s = seconds;
	return NULL;
}

static const char *parse_x509_nameopt(void *config, const char *arg)
{
	struct openssl_x509_config *cfg = config;

	cfg->nameopt_set = true;
	return openssl_parse_nameopt(arg, &cfg->nameopt) ? NULL : "not a name option openssl knows";
}

#define DIGEST_PARSER(FN, NAME)                                                                              \
	static const char *FN(void *config, const char *arg)                                                 \
	{                                                                                                    \
		(void)arg;                                                                                   \
		((struct openssl_x509_config *)config)->digest = NAME;                                       \
		return NULL;                                                                                 \
	}
DIGEST_PARSER(parse_sha1, "sha1")
DIGEST_PARSER(parse_sha256, "sha256")
DIGEST_PARSER(parse_sha384, "sha384")
DIGEST_PARSER(parse_sha512, "sha512")

static const struct sonde_opt x509_options[] = {
	SONDE_OPT_STRING("in", NULL, "FILE", "the certificate (default: stdin)", struct openssl_x509_config, in),
	SONDE_OPT_FUNC("inform", NULL, "PEM|DER", "its format (default: either)", parse_inform),
	SONDE_OPT_FLAG("noout", NULL, "do not print the certificate itself", struct openssl_x509_config, noout),
	SONDE_OPT_FUNC("text", NULL, NULL, "everything, as X509_print_ex", parse_text),
	SONDE_OPT_FUNC("subject", NULL, NULL, "the subject name", parse_subject),
	SONDE_OPT_FUNC("issuer", NULL, NULL, "the issuer name", parse_issuer),
	SONDE_OPT_FUNC("dates", NULL, NULL, "notBefore and notAfter", parse_dates),
	SONDE_OPT_FUNC("startdate", NULL, NULL, "notBefore", parse_startdate),
	SONDE_OPT_FUNC("enddate", NULL, NULL, "notAfter", parse_enddate),
	SONDE_OPT_FUNC("serial", NULL, NULL, "the serial number", parse_serial),
	SONDE_OPT_FUNC("fingerprint", NULL, NULL, "the fingerprint (SHA1 unless a digest is given)",
		       parse_fingerprint),
	SONDE_OPT_FUNC("sha1", NULL, NULL, "fingerprint digest SHA-1", parse_sha1),
	SONDE_OPT_FUNC("sha256", NULL, NULL, "fingerprint digest SHA-256", parse_sha256),
	SONDE_OPT_FUNC("sha384", NULL, NULL, "fingerprint digest SHA-384", parse_sha384),
	SONDE_OPT_FUNC("sha512", NULL, NULL, "fingerprint digest SHA-512", parse_sha512),
	SONDE_OPT_FUNC("checkend", NULL, "SECS", "exit 1 if the certificate expires within SECS", parse_checkend),
	SONDE_OPT_FUNC("ext", NULL, "NAMES", "these extensions (short names, comma-separated)", parse_ext),
	SONDE_OPT_FUNC("pubkey", NULL, NULL, "the public key (PEM)", parse_pubkey),
	SONDE_OPT_FUNC("nameopt", NULL, "OPTS", "how names print (oneline, RFC2253, multiline, compat, ...)",
		       parse_x509_nameopt),
	SONDE_OPT_END,
};

static const struct sonde_applet x509_command = {
	.name = "openssl x509",
	.summary = "print a certificate's fields as openssl x509",
	.usage = "x509 [-in FILE] [-inform PEM|DER] [-noout] [printing options]",
	.options = x509_options,
	.usage_exit_code = OPENSSL_EXIT_FAIL,
};

/* --- s_client --------------------------------------------------------------------- */

static const char *parse_starttls(void *config, const char *arg)
{
	struct openssl_s_client_config *cfg = config;

	cfg->starttls = tls_starttls_parse(arg);
	if (cfg->starttls == STARTTLS_SMTP || cfg->starttls == STARTTLS_IMAP || cfg->starttls == STARTTLS_POP3 ||
	    cfg->starttls == STARTTLS_FTP || cfg->starttls == STARTTLS_POSTGRES || cfg->starttls == STARTTLS_MYSQL)
		return NULL;
	return "not a protocol sonde speaks (smtp, imap, pop3, ftp, postgres, mysql)";
}

static const char *parse_s_client_nameopt(void *config, const char *arg)
{
	struct openssl_s_client_config *cfg = config;

	cfg->nameopt_set = true;
	return openssl_parse_nameopt(arg, &cfg->nameopt) ? NULL : "not a name option openssl knows";
}

static const struct sonde_opt s_client_options[] = {
	SONDE_OPT_STRING("connect", NULL, "HOST:PORT", "the server (default localhost:4433)",
			 struct openssl_s_client_config, connect),
	SONDE_OPT_STRING("servername", NULL, "NAME", "the server name sent (SNI; default: the host's name)",
			 struct openssl_s_client_config, servername),
	SONDE_OPT_FLAG("noservername", NULL, "send no server name", struct openssl_s_client_config, noservername),
	SONDE_OPT_FLAG("showcerts", NULL, "print every certificate the server sent as PEM",
		       struct openssl_s_client_config, showcerts),
	SONDE_OPT_STRING("CAfile", NULL, "FILE", "trust the CA certificates in FILE (PEM)",
			 struct openssl_s_client_config, cafile),
	SONDE_OPT_STRING("CApath", NULL, "DIR", "trust the CA certificates in DIR (hashed)",
			 struct openssl_s_client_config, capath),
	SONDE_OPT_FLAG("verify_return_error", NULL, "end the handshake when verification fails",
		       struct openssl_s_client_config, verify_return_error),
	SONDE_OPT_STRING("verify_hostname", NULL, "NAME", "check that the certificate is for NAME",
			 struct openssl_s_client_config, verify_hostname),
	SONDE_OPT_STRING("verify_ip", NULL, "IP", "check that the certificate is for IP",
			 struct openssl_s_client_config, verify_ip),
	SONDE_OPT_FUNC("starttls", NULL, "PROTO", "upgrade a plain connection first: smtp, imap, pop3, ftp, "
		       "postgres, mysql", parse_starttls),
	SONDE_OPT_STRING("alpn", NULL, "LIST", "offer these ALPN protocols (comma-separated)",
			 struct openssl_s_client_config, alpn),
	SONDE_OPT_FLAG("tls1_2", NULL, "TLS 1.2 only", struct openssl_s_client_config, tls12),
	SONDE_OPT_FLAG("tls1_3", NULL, "TLS 1.3 only", struct openssl_s_client_config, tls13),
	SONDE_OPT_FLAG("brief", NULL, "a short summary on stderr instead of the full report",
		       struct openssl_s_client_config, brief),
	SONDE_OPT_FLAG("status", NULL, "ask for a stapled OCSP response and print it",
		       struct openssl_s_client_config, status),
	SONDE_OPT_STRING("cert", NULL, "FILE", "client certificate (PEM)", struct openssl_s_client_config, cert),
	SONDE_OPT_STRING("key", NULL, "FILE", "its private key (PEM; default: in -cert's file)",
			 struct openssl_s_client_config, key),
	SONDE_OPT_FUNC("nameopt", NULL, "OPTS", "how names print (oneline, RFC2253, ...)", parse_s_client_nameopt),
	SONDE_OPT_END,
};

static const struct sonde_applet s_client_command = {
	.name = "openssl s_client",
	.summary = "connect to a TLS server as openssl s_client",
	.usage = "s_client [-connect HOST:PORT] [options] [HOST:PORT]",
	.options = s_client_options,
	.usage_exit_code = OPENSSL_EXIT_FAIL,
};

/* --- the command ------------------------------------------------------------------- */

/* `openssl version`: OpenSSL's line (the library sonde links, whose
 * printers it uses), then sonde's line saying what answers. */
static const struct sonde_imitation openssl_imitation = {
	.classic_line = OPENSSL_VERSION_TEXT " (Library: " OPENSSL_VERSION_TEXT ")",
	.imitated = "openssl's s_client, x509 and version from OpenSSL 3.0",
};

static int print_version(void)
{
	return version_print("openssl", &openssl_imitation) < 0 ? OPENSSL_EXIT_FAIL : OPENSSL_EXIT_OK;
}

/* The subcommand's words through its own option table.  Returns 0 with
 * the operands after the subcommand's name (at most one: *operand), or the
 * exit code (help printed: 0 and *done; refused: 1). */
static int parse_command(const struct sonde_applet *command, void *config, int argc, char **argv,
			 const char **operand, bool *done)
{
	struct sonde_common_opts common = { 0 };
	char **words = calloc((size_t)argc + 1, sizeof(*words));
	int count = 0, rc;

	*done = false;
	*operand = NULL;
	if (!words)
		return OPENSSL_EXIT_FAIL;
	rc = opt_parse(command, config, &common, argc, argv, words, &count);
	if (rc == 0 && (common.help || common.version)) {
		if (common.help)
			applet_print_help(command, stdout);
		else
			print_version();
		*done = true;
	} else if (rc == 0 && (common.json || common.netns)) {
		sonde_err("%s: give --json and --netns before the subcommand", command->name);
		rc = OPENSSL_EXIT_FAIL;
	} else if (rc == 0 && count > 2) {
		sonde_err("%s: unexpected operand '%s'", command->name, words[2]);
		rc = OPENSSL_EXIT_FAIL;
	}
	if (rc == 0 && count == 2)
		*operand = words[1];
	free(words);
	return rc;
}

static int run_x509(int argc, char **argv)
{
	struct openssl_x509_config cfg = { 0 };
	const char *operand;
	bool done;
	int rc = parse_command(&x509_command, &cfg, argc, argv, &operand, &done);

	if (rc || done)
		return rc;
	if (operand) {
		sonde_err("x509: unexpected operand '%s' (the certificate is -in FILE or stdin)", operand);
		return OPENSSL_EXIT_FAIL;
	}
	return openssl_x509_run(&cfg);
}

static int run_s_client(int argc, char **argv)
{
	struct openssl_s_client_config cfg = { .starttls = STARTTLS_NONE };
	const char *operand;
	bool done;
	int rc = parse_command(&s_client_command, &cfg, argc, argv, &operand, &done);

	if (rc || done)
		return rc;
	if (operand && cfg.connect) {
		sonde_err("s_client: give the server either as -connect or as the operand, not both");
		return OPENSSL_EXIT_FAIL;
	}
	if (operand)
		cfg.connect = operand;
	return openssl_s_client_run(&cfg);
}

static int openssl_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	const char *command = argv[0];

	(void)config;
	if (ctx->json) {
		sonde_err("--json: openssl's subcommands print their own text only; use `sonde tls --json`");
		return OPENSSL_EXIT_FAIL;
	}
	if (strcmp(command, "version") == 0)
		return argc == 1 ? print_version()
				 : (sonde_err("version: sonde prints no other fields ('%s')", argv[1]), OPENSSL_EXIT_FAIL);
	if (strcmp(command, "x509") == 0)
		return run_x509(argc, argv);
	if (strcmp(command, "s_client") == 0)
		return run_s_client(argc, argv);
	sonde_err("'%s': not a subcommand sonde's openssl has (s_client, x509, version)", command);
	return OPENSSL_EXIT_FAIL;
}

const struct sonde_applet applet_openssl = {
	.name = "openssl",
	.summary = "openssl's s_client, x509 and version, on sonde's TLS client",
	.usage = "s_client [-connect HOST:PORT] [options]\nx509 [-in FILE] [options]\nversion",
	.help_extra = "Subcommand options as OpenSSL 3.0 spells them (one dash); `sonde openssl SUBCOMMAND "
		      "--help` lists each one's.",
	.min_args = 1,
	.max_args = -1,
	.usage_exit_code = OPENSSL_EXIT_FAIL,
	.exit_codes = "0 success; 1 for every failure, as openssl: 1 usage error, an unreadable certificate, "
		      "a connection or handshake that failed, -checkend's certificate that will expire.",
	.flags = APPLET_ARGS_IN_ORDER,
	.caps = 0,
	.imitates = &openssl_imitation,
	.main = openssl_main,
};
