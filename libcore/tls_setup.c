/* Building an OpenSSL client session from a tls_client_config: versions,
 * security level, ciphers, ALPN, client certificate, trust anchors, the
 * name to verify and the time to verify at; and the session freed. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sonde/tls.h"
#include "tls_impl.h"

bool tls_is_ip_literal(const char *host)
{
	struct sonde_addr addr;

	return host && addr_parse_ip(host, 0, AF_UNSPEC, &addr) == 0;
}

/* --- versions ------------------------------------------------------------------ */

int tls_parse_version(const char *text)
{
	static const char *const prefixes[] = { "tlsv", "tls" };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncasecmp(text, prefixes[i], strlen(prefixes[i])) == 0) {
			text += strlen(prefixes[i]);
			break;
		}
	if (strcmp(text, "1") == 0 || strcmp(text, "1.0") == 0 || strcmp(text, "10") == 0 ||
	    strcmp(text, "1_0") == 0)
		return 10;
	if (strcmp(text, "1.1") == 0 || strcmp(text, "11") == 0 || strcmp(text, "1_1") == 0)
		return 11;
	if (strcmp(text, "1.2") == 0 || strcmp(text, "12") == 0 || strcmp(text, "1_2") == 0)
		return 12;
	if (strcmp(text, "1.3") == 0 || strcmp(text, "13") == 0 || strcmp(text, "1_3") == 0)
		return 13;
	return -EINVAL;
}

const char *tls_version_name(int version)
{
	switch (version) {
	case 10: return "TLSv1";
	case 11: return "TLSv1.1";
	case 12: return "TLSv1.2";
	case 13: return "TLSv1.3";
	}
	return "unknown";
}

static int openssl_version(int tenths)
{
	switch (tenths) {
	case 10: return TLS1_VERSION;
	case 11: return TLS1_1_VERSION;
	case 12: return TLS1_2_VERSION;
	case 13: return TLS1_3_VERSION;
	}
	return 0;
}

const char *tls13_all_suites(void)
{
	return "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
	       "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";
}

/* --- protocol settings -------------------------------------------------------------- */

/* "h2,http/1.1" in ALPN's wire form (each name after its length byte). */
static int alpn_wire(const char *list, unsigned char *wire, size_t size, size_t *len)
{
	size_t used = 0;

	while (*list) {
		size_t name_len = strcspn(list, ",");

		if (name_len == 0 || name_len > 255 || used + 1 + name_len > size)
			return -EINVAL;
		wire[used++] = (unsigned char)name_len;
		memcpy(wire + used, list, name_len);
		used += name_len;
		list += name_len + (list[name_len] == ',');
	}
	*len = used;
	return used ? 0 : -EINVAL;
}

static int setup_versions(SSL_CTX *ctx, const struct tls_client_config *c, char *why, size_t why_size)
{
	int max = c->max_version ? c->max_version : 13;
	int min = c->min_version ? c->min_version : (max < TLS_VERSION_DEFAULT_MIN ? max : TLS_VERSION_DEFAULT_MIN);
	int level = c->security_level_set ? c->security_level : min < 12 ? 0 : TLS_SECLEVEL_DEFAULT;

	if (min > max) {
		snprintf(why, why_size, "the lowest version (%s) is above the highest (%s)", tls_version_name(min),
			 tls_version_name(max));
		return -EINVAL;
	}
	SSL_CTX_set_security_level(ctx, level);
	if (SSL_CTX_set_min_proto_version(ctx, openssl_version(min)) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, openssl_version(max)) != 1) {
		tls_openssl_reason(why, why_size, "unsupported protocol version");
		return -EINVAL;
	}
	return 0;
}

static int setup_protocol(SSL_CTX *ctx, const struct tls_client_config *c, char *why, size_t why_size)
{
	unsigned char wire[512];
	size_t wire_len;
	int rc = setup_versions(ctx, c, why, why_size);

	if (rc < 0)
		return rc;
	if (c->ciphers && SSL_CTX_set_cipher_list(ctx, c->ciphers) != 1) {
		snprintf(why, why_size, "no usable cipher in '%s'", c->ciphers);
		ERR_clear_error();
		return -EINVAL;
	}
	if (c->ciphersuites && SSL_CTX_set_ciphersuites(ctx, c->ciphersuites) != 1) {
		snprintf(why, why_size, "no usable TLS 1.3 suite in '%s'", c->ciphersuites);
		ERR_clear_error();
		return -EINVAL;
	}
	if (c->alpn) {
		if (alpn_wire(c->alpn, wire, sizeof(wire), &wire_len) < 0) {
			snprintf(why, why_size, "bad ALPN list '%s' (names of 1-255 bytes, separated by commas)",
				 c->alpn);
			return -EINVAL;
		}
		/* This one call returns 0 on success. */
		if (SSL_CTX_set_alpn_protos(ctx, wire, (unsigned)wire_len) != 0)
			return -ENOMEM;
	}
	return 0;
}

/* OpenSSL asks only when no certificate is configured: note that the
 * server wanted one, and go on without. */
static int client_cert_requested(SSL *ssl, X509 **cert, EVP_PKEY **key)
{
	struct tls_session *s = SSL_get_app_data(ssl);

	if (s)
		s->cert_requested = true;
	return 0;
}

/* OpenSSL's default for an encrypted key is a passphrase prompt on the
 * terminal, which would hang a script: refuse instead, and remember that
 * a passphrase was wanted so the message can say so. */
static int no_passphrase(char *buf, int size, int rwflag, void *wanted)
{
	(void)buf, (void)size, (void)rwflag;
	*(bool *)wanted = true;
	return -1;
}

static int setup_client_cert(SSL_CTX *ctx, const struct tls_client_config *c, char *why, size_t why_size)
{
	const char *key = c->key_file ? c->key_file : c->cert_file;
	char reason[160];
	bool passphrase_wanted = false;
	int loaded;

	if (!c->cert_file) {
		SSL_CTX_set_client_cert_cb(ctx, client_cert_requested);
		return 0;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert_file) != 1) {
		tls_openssl_reason(reason, sizeof(reason), "unreadable");
		snprintf(why, why_size, "cannot load the client certificate from %s: %s", c->cert_file, reason);
		return -EINVAL;
	}
	SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &passphrase_wanted);
	loaded = SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	if (loaded != 1 && passphrase_wanted) {
		snprintf(why, why_size, "the private key in %s is encrypted (sonde asks for no passphrase: "
			 "decrypt it with `openssl pkey -in %s -out PLAIN.pem`)", key, key);
		return -EINVAL;
	}
	if (loaded != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		tls_openssl_reason(reason, sizeof(reason), "unreadable");
		snprintf(why, why_size, "cannot use the private key in %s: %s", key, reason);
		return -EINVAL;
	}
	return 0;
}

/* --- trust --------------------------------------------------------------------------- */

static bool readable_file(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && access(path, R_OK) == 0;
}

static bool dir_has_entries(const char *path)
{
	DIR *dir = path ? opendir(path) : NULL;
	struct dirent *entry;
	bool found = false;

	while (dir && !found && (entry = readdir(dir)))
		found = entry->d_name[0] != '.';
	if (dir)
		closedir(dir);
	return found;
}

/* Where OpenSSL's default verify paths point ($SSL_CERT_FILE and
 * $SSL_CERT_DIR first, as OpenSSL itself reads them), and whether anything
 * is there: an empty container has neither. */
static bool system_store_present(char *where, size_t size)
{
	const char *file = getenv(X509_get_default_cert_file_env());
	const char *dirs = getenv(X509_get_default_cert_dir_env());
	char first_dir[256];

	if (!file)
		file = X509_get_default_cert_file();
	if (!dirs)
		dirs = X509_get_default_cert_dir();
	snprintf(first_dir, sizeof(first_dir), "%.*s", (int)strcspn(dirs, ":"), dirs);
	if (readable_file(file)) {
		snprintf(where, size, "system store (%s)", file);
		return true;
	}
	if (dir_has_entries(first_dir)) {
		snprintf(where, size, "system store (%s)", first_dir);
		return true;
	}
	snprintf(where, size, "no system store (neither %s nor %s exists)", file, first_dir);
	return false;
}

/* --- trust, read late ------------------------------------------------------------
 * Once the ClientHello is out, the server spends a while on its key share
 * and signature, and the anchors are needed only when its certificate
 * arrives.  Parsing certificates is slow in OpenSSL 3.0 (each one sets up a
 * key decoder), so that wait is where it belongs: the handshake loop
 * (tls.c) reads them when SSL_connect first waits for the server, which is
 * after the ClientHello has been written to the socket.  (A message
 * callback would run too early: it sees the ClientHello before it is
 * flushed.) */

static int load_ca_sources(struct tls_session *s)
{
	char reason[160];

	if (SSL_CTX_load_verify_locations(s->ctx, s->ca_file, s->ca_path) != 1) {
		tls_openssl_reason(reason, sizeof(reason), "unreadable");
		snprintf(s->trust_why, sizeof(s->trust_why), "cannot load CA certificates from %s: %s",
			 s->ca_file ? s->ca_file : s->ca_path, reason);
		return -EINVAL;
	}
	return 0;
}

static struct tls_session *session_of(X509_STORE_CTX *store_ctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx());

	return ssl ? SSL_get_app_data(ssl) : NULL;
}

/* The system store's CA bundle file, read into the store the first time the
 * hashed directory lacks an issuer.  Returns whether it was read now. */
static bool load_system_bundle(X509_STORE_CTX *store_ctx)
{
	struct tls_session *s = session_of(store_ctx);
	X509_LOOKUP *file;

	if (!s || !s->bundle_pending)
		return false;
	s->bundle_pending = false;
	file = X509_STORE_add_lookup(X509_STORE_CTX_get0_store(store_ctx), X509_LOOKUP_file());
	/* As OpenSSL's default paths: $SSL_CERT_FILE, else the built-in file;
	 * a missing one is no error. */
	if (file)
		X509_LOOKUP_load_file(file, NULL, X509_FILETYPE_DEFAULT);
	ERR_clear_error();
	return true;
}

static int issuer_from_dir_or_bundle(X509 **issuer, X509_STORE_CTX *store_ctx, X509 *cert)
{
	int rc = X509_STORE_CTX_get1_issuer(issuer, store_ctx, cert);

	if (rc == 0 && load_system_bundle(store_ctx))
		rc = X509_STORE_CTX_get1_issuer(issuer, store_ctx, cert);
	return rc;
}

static STACK_OF(X509) *certs_from_dir_or_bundle(X509_STORE_CTX *store_ctx, const X509_NAME *name)
{
	STACK_OF(X509) *certs = X509_STORE_CTX_get1_certs(store_ctx, name);

	if (!certs && load_system_bundle(store_ctx))
		certs = X509_STORE_CTX_get1_certs(store_ctx, name);
	return certs;
}

/* OpenSSL's default verify paths, except that the bundle file (every CA,
 * 140 certificates on Debian, some 30 ms to parse) waits until the hashed
 * directory (one file per CA, read on demand) lacks an issuer.  What can be
 * trusted is the same; only what gets parsed differs. */
static int load_system_store(struct tls_session *s)
{
	X509_STORE *store = SSL_CTX_get_cert_store(s->ctx);
	X509_LOOKUP *dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
	X509_LOOKUP *uri = X509_STORE_add_lookup(store, X509_LOOKUP_store());

	if (!dir || !uri) {
		tls_openssl_reason(s->trust_why, sizeof(s->trust_why), "cannot load the system CA store");
		return -ENOMEM;
	}
	X509_LOOKUP_add_dir(dir, NULL, X509_FILETYPE_DEFAULT);
	X509_LOOKUP_add_store(uri, NULL);
	s->bundle_pending = true;
	ERR_clear_error();
	return 0;
}

int tls_session_load_trust(struct tls_session *s)
{
	if (!s->trust_pending)
		return s->trust_error;
	s->trust_pending = false;
	s->trust_error = s->system_store ? load_system_store(s) : load_ca_sources(s);
	/* Loading leaves nothing for the handshake's error checks to trip on. */
	ERR_clear_error();
	return s->trust_error;
}

/* Runs instead of X509_verify_cert: the anchors are in by then, unless
 * loading them failed (the handshake then fails with that reason). */
static int verify_chain(X509_STORE_CTX *store_ctx, void *arg)
{
	struct tls_session *s = arg;

	if (tls_session_load_trust(s) < 0) {
		X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_UNSPECIFIED);
		return 0;
	}
	return X509_verify_cert(store_ctx);
}

static int copy_path(const char *path, char **copy)
{
	*copy = path ? strdup(path) : NULL;
	return path && !*copy ? -ENOMEM : 0;
}

static int ca_sources(struct tls_session *s, const struct tls_client_config *c, char *why, size_t why_size)
{
	struct stat st;

	if (c->ca_path && (stat(c->ca_path, &st) < 0 || !S_ISDIR(st.st_mode))) {
		snprintf(why, why_size, "cannot load CA certificates from %s: not a directory", c->ca_path);
		return -EINVAL;
	}
	if (copy_path(c->ca_file, &s->ca_file) < 0 || copy_path(c->ca_path, &s->ca_path) < 0)
		return -ENOMEM;
	snprintf(s->trust_source, sizeof(s->trust_source), "%s%s%s%s", c->ca_file ? "CA file " : "",
		 c->ca_file ? c->ca_file : "", c->ca_file && c->ca_path ? ", CA directory " : c->ca_path ? "CA directory " : "",
		 c->ca_path ? c->ca_path : "");
	return 0;
}

/* Decides where the anchors come from, and fails now on what can be known
 * without reading them; tls_session_load_trust reads them. */
static int setup_trust(struct tls_session *s, const struct tls_client_config *c, char *why, size_t why_size)
{
	int rc;

	if (c->ca_file || c->ca_path) {
		rc = ca_sources(s, c, why, why_size);
	} else if (!system_store_present(s->trust_source, sizeof(s->trust_source))) {
		s->no_trust_store = true;
		if (!c->report_only) {
			snprintf(why, why_size, "cannot verify the certificate: %s; give CA certificates "
				 "(a CA file or directory) or skip verification", s->trust_source);
			return -ENOENT;
		}
		return 0;
	} else {
		/* Chain building copies these from the store when it starts, so
		 * they are set now, before anything is loaded. */
		X509_STORE_set_get_issuer(SSL_CTX_get_cert_store(s->ctx), issuer_from_dir_or_bundle);
		X509_STORE_set_lookup_certs(SSL_CTX_get_cert_store(s->ctx), certs_from_dir_or_bundle);
		s->system_store = true;
		rc = 0;
	}
	if (rc == 0) {
		s->trust_pending = true;
		SSL_CTX_set_cert_verify_callback(s->ctx, verify_chain, s);
	}
	return rc;
}

/* Keeps the first problem the chain check finds (the one openssl s_client
 * -verify_return_error stops at); report_only sessions go on regardless. */
static int verify_callback(int preverify_ok, X509_STORE_CTX *store)
{
	struct tls_session *s = session_of(store);
	int verdict;

	if (!s)
		return preverify_ok;
	if (!preverify_ok && s->first_verify_error == X509_V_OK) {
		s->first_verify_error = X509_STORE_CTX_get_error(store);
		s->first_verify_depth = X509_STORE_CTX_get_error_depth(store);
	}
	verdict = s->config_report_only ? 1 : preverify_ok;
	if (s->verify_observer)
		s->verify_observer(s->observer_arg, preverify_ok, verdict, store);
	return verdict;
}

/* OpenSSL hands each new session to this callback; 0: it keeps its own. */
static int session_issued(SSL *ssl, SSL_SESSION *session)
{
	struct tls_session *s = SSL_get_app_data(ssl);

	if (s && s->session_observer)
		s->session_observer(s->observer_arg, ssl, session);
	return 0;
}

/* The name verified: the one asked for, else the SNI, else the host. */
static const char *name_to_verify(const struct tls_client_config *c)
{
	if (c->verify_name)
		return c->verify_name;
	if (c->sni && !c->no_sni)
		return c->sni;
	return c->server_name;
}

static int setup_verification(struct tls_session *s, const struct tls_client_config *c, char *why,
			      size_t why_size)
{
	X509_VERIFY_PARAM *param = SSL_get0_param(s->ssl);
	const char *name = name_to_verify(c);
	int ok = 1;

	if (!c->verify) {
		SSL_set_verify(s->ssl, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	if (c->no_name_check)
		name = NULL;
	snprintf(s->verify_name, sizeof(s->verify_name), "%s", name ? name : "");
	SSL_set_verify(s->ssl, c->report_only ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, verify_callback);
	if (c->verify_at)
		X509_VERIFY_PARAM_set_time(param, (time_t)c->verify_at);
	/* Strict sessions let OpenSSL fail the handshake on a wrong name too;
	 * report_only sessions check the name apart (tls.c). */
	if ((!c->report_only || c->name_in_chain_check) && name && name[0]) {
		if (tls_is_ip_literal(name))
			ok = X509_VERIFY_PARAM_set1_ip_asc(param, name);
		else
			ok = SSL_set1_host(s->ssl, name);
	}
	if (ok != 1) {
		snprintf(why, why_size, "cannot verify against '%s'", name);
		return -EINVAL;
	}
	return 0;
}

static const char *sni_to_send(const struct tls_client_config *c)
{
	if (c->no_sni)
		return NULL;
	if (c->sni)
		return c->sni;
	return c->server_name && !tls_is_ip_literal(c->server_name) ? c->server_name : NULL;
}

static int setup_context(struct tls_session *s, const struct tls_client_config *c, char *why, size_t why_size)
{
	int rc = setup_protocol(s->ctx, c, why, why_size);

	if (rc == 0)
		rc = setup_client_cert(s->ctx, c, why, why_size);
	if (rc == 0 && c->verify)
		rc = setup_trust(s, c, why, why_size);
	return rc;
}

static int setup_ssl(struct tls_session *s, const struct tls_client_config *c, char *why, size_t why_size)
{
	const char *sni = sni_to_send(c);
	int rc;

	SSL_set_app_data(s->ssl, s);
	/* A peer that closes without close_notify ends the stream (as plain TCP
	 * would), and writes may complete in parts like send(). */
	SSL_set_options(s->ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_set_mode(s->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (sni && SSL_set_tlsext_host_name(s->ssl, sni) != 1) {
		snprintf(why, why_size, "cannot send '%s' as the server name", sni);
		ERR_clear_error();
		return -EINVAL;
	}
	if (c->want_ocsp)
		SSL_set_tlsext_status_type(s->ssl, TLSEXT_STATUSTYPE_ocsp);
	if (c->session_observer) {
		SSL_CTX_set_session_cache_mode(s->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(s->ctx, session_issued);
	}
	rc = setup_verification(s, c, why, why_size);
	if (rc == 0 && SSL_set_fd(s->ssl, s->fd) != 1) {
		tls_openssl_reason(why, why_size, "cannot attach the socket");
		rc = -EINVAL;
	}
	return rc;
}

/* The legacy digest table (EVP_get_digestbynid), which certificate
 * signature checks look their digest up in: the same digests and aliases
 * OpenSSL's own ADD_ALL_DIGESTS registers, but added only once the name map
 * exists.  OpenSSL 3.0 copies the legacy table into a new name map (every
 * name, and each one's OID formatted as text: 6% of a probe's
 * instructions), while every name a fetch uses is one the provider
 * declares itself (SHA256, SHA2-256, 2.16.840.1.101.3.4.2.1). */
static void add_legacy_digests(void)
{
	const EVP_MD *const digests[] = {
#ifndef OPENSSL_NO_MD4
		EVP_md4(),
#endif
#ifndef OPENSSL_NO_MD5
		EVP_md5(), EVP_md5_sha1(),
#endif
		EVP_sha1(),
#if !defined(OPENSSL_NO_MDC2) && !defined(OPENSSL_NO_DES)
		EVP_mdc2(),
#endif
#ifndef OPENSSL_NO_RMD160
		EVP_ripemd160(),
#endif
		EVP_sha224(), EVP_sha256(), EVP_sha384(), EVP_sha512(), EVP_sha512_224(), EVP_sha512_256(),
#ifndef OPENSSL_NO_WHIRLPOOL
		EVP_whirlpool(),
#endif
#ifndef OPENSSL_NO_SM3
		EVP_sm3(),
#endif
#ifndef OPENSSL_NO_BLAKE2
		EVP_blake2b512(), EVP_blake2s256(),
#endif
		EVP_sha3_224(), EVP_sha3_256(), EVP_sha3_384(), EVP_sha3_512(), EVP_shake128(), EVP_shake256(),
	};
	/* A first fetch makes the name map (empty of legacy names, as they
	 * are not registered yet); SSL_CTX_new fetches every digest anyway. */
	EVP_MD *first = EVP_MD_fetch(NULL, "SHA256", NULL);
	size_t i;

	EVP_MD_free(first);
	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		EVP_add_digest(digests[i]);
#ifndef OPENSSL_NO_MD5
	EVP_add_digest_alias(SN_md5, "ssl3-md5");
#endif
	EVP_add_digest_alias(SN_sha1, "ssl3-sha1");
	EVP_add_digest_alias(SN_sha1WithRSAEncryption, SN_sha1WithRSA);
#ifndef OPENSSL_NO_RMD160
	EVP_add_digest_alias(SN_ripemd160, "ripemd");
	EVP_add_digest_alias(SN_ripemd160, "rmd160");
#endif
	ERR_clear_error();
}

/* No openssl.cnf: the session is configured here in full (security level,
 * versions, anchors), so that sonde behaves the same on every host and in an
 * empty container, and reading the file cost a tenth of a probe.  No atexit
 * cleanup either: freeing every provider table as the process ends is work
 * nobody sees.  No error texts until an error is reported (tls.c loads
 * them then).  No table of legacy cipher names: OpenSSL 3.0 copies every
 * one of them (and its OID, formatted as text) into its name map on the
 * first fetch, 15% of a probe's instructions, while libssl fetches ciphers
 * from the provider by names the provider itself declares; the legacy
 * lookup (EVP_get_cipherbyname) serves only encrypted PEM keys, which sonde
 * cannot open anyway (it asks for no passphrase).  The legacy digest
 * table stays (certificate signatures are checked through it) but is filled
 * late (add_legacy_digests).  Ciphers through the TLS filter
 * (tls_provider.c). */
void tls_library_init(bool private_keys)
{
	static pthread_once_t digests_once = PTHREAD_ONCE_INIT;

	tls_arena_init();
	OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_LOAD_SSL_STRINGS |
				 OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
				 OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
			 NULL);
	tls_provider_init(private_keys);
	pthread_once(&digests_once, add_legacy_digests);
}

/* A context made ahead by tls_warm_up, for the next session to take. */
static SSL_CTX *warm_ctx;

void tls_warm_up(const struct tls_client_config *c)
{
	static bool done;

	if (done)
		return;
	done = true;
	tls_library_init(c->cert_file || c->key_file);
	/* Nothing in it depends on the config yet: setup_context does that. */
	warm_ctx = SSL_CTX_new(TLS_client_method());
	ERR_clear_error();
}

static SSL_CTX *new_context(void)
{
	SSL_CTX *ctx = warm_ctx;

	warm_ctx = NULL;
	return ctx ? ctx : SSL_CTX_new(TLS_client_method());
}

int tls_session_new(int fd, const struct tls_client_config *c, struct tls_session **out, char *why,
		    size_t why_size)
{
	struct tls_session *s;
	int rc;

	tls_library_init(c->cert_file || c->key_file);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = fd;
	s->verify = c->verify;
	s->config_report_only = c->report_only;
	s->want_ocsp = c->want_ocsp;
	s->first_verify_error = X509_V_OK;
	s->verify_observer = c->verify_observer;
	s->session_observer = c->session_observer;
	s->observer_arg = c->observer_arg;
	s->ctx = new_context();
	if (!s->ctx) {
		tls_openssl_reason(why, why_size, "cannot create a TLS context");
		tls_session_free(s);
		return -ENOMEM;
	}
	rc = setup_context(s, c, why, why_size);
	if (rc == 0 && !(s->ssl = SSL_new(s->ctx))) {
		tls_openssl_reason(why, why_size, "cannot create a TLS session");
		rc = -ENOMEM;
	}
	if (rc == 0)
		rc = setup_ssl(s, c, why, why_size);
	if (rc < 0) {
		tls_session_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void tls_session_free(struct tls_session *s)
{
	if (!s)
		return;
	SSL_free(s->ssl);
	SSL_CTX_free(s->ctx);
	free(s->ca_file);
	free(s->ca_path);
	free(s);
}
