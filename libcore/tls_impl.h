/* The TLS session's insides, shared by libcore/tls.c (handshake, results),
 * libcore/tls_setup.c (building the OpenSSL context from a config) and
 * libcore/tls_common.c (OpenSSL's error reasons). */
#ifndef SONDE_TLS_IMPL_H
#define SONDE_TLS_IMPL_H

#include <openssl/ssl.h>
#include <stdbool.h>

#include "sonde/tls.h"

struct tls_session {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	bool verify;             /* verification was asked for */
	bool config_report_only; /* verification problems do not end the handshake */
	bool no_trust_store;
	bool want_ocsp;
	bool cert_requested;     /* the server asked for a client certificate we lack */
	int first_verify_error;  /* X509_V_OK until the chain check finds a problem */
	int first_verify_depth;
	bool name_checked, name_matched;
	char verify_name[256];
	char trust_source[300];
	/* The trust anchors are read once the ClientHello is on the wire,
	 * while the server computes its answer (tls_session_load_trust, called
	 * from the handshake loop when it first waits). */
	bool trust_pending;
	bool system_store;       /* else ca_file and/or ca_path */
	char *ca_file, *ca_path; /* copies of the config's */
	bool bundle_pending;     /* system store: the CA bundle file is read only
				  * when the hashed directory lacks an issuer */
	int trust_error;         /* -errno of a load that failed, with trust_why */
	char trust_why[400];
	char group[64];          /* cache for tls_session_group() */
	/* The config's observers (tls.h). */
	void (*verify_observer)(void *arg, int preverify_ok, int verdict, X509_STORE_CTX *store);
	void (*session_observer)(void *arg, SSL *ssl, struct ssl_session_st *session);
	void *observer_arg;
};

/* Allocates the session and configures it from config (tls_setup.c). */
int tls_session_new(int fd, const struct tls_client_config *config, struct tls_session **out, char *why,
		    size_t why_size);
/* Reads the trust anchors the config named, once (later calls return the
 * first result).  Returns 0 or -errno with s->trust_why filled. */
int tls_session_load_trust(struct tls_session *s);
bool tls_is_ip_literal(const char *host);
/* OpenSSL set up for the TLS client, once (tls_setup.c): what it loads and
 * what it leaves out, and the provider filter.  private_keys: a private key
 * will be read (a client certificate's), so every decoder must stay. */
void tls_library_init(bool private_keys);
/* OpenSSL's allocations from a static block (tls_arena.c); call before
 * anything else of OpenSSL's (later it changes nothing). */
void tls_arena_init(void);
/* Puts the TLS filter (ciphers, and decoders unless private_keys) in front
 * of OpenSSL's default provider, once (tls_provider.c);
 * tls_provider_filtered() says whether it is in use. */
void tls_provider_init(bool private_keys);
bool tls_provider_filtered(void);
/* The newest OpenSSL error as a short reason ("wrong version number"),
 * else fallback; the error queue is cleared (tls_common.c). */
void tls_openssl_reason(char *why, size_t size, const char *fallback);

#endif
