/* OpenSSL's error reasons as short texts, for both the session set-up
 * (tls_setup.c) and the handshake (tls.c). */
/* The per-library ERR_load_*_strings loaders are deprecated in 3.0 but are
 * the public way to load reason texts on demand. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/err.h>
#include <stdbool.h>
#include <stdio.h>

#include "tls_impl.h"

/* OpenSSL's reason texts are not loaded at start (tls_library_init: some
 * thousands of strings hashed, 6% of a probe's instructions), only once one
 * is needed.  These are the libraries a TLS client's errors come from that
 * have loaders of their own; a reason from another (a provider's) falls
 * back to the caller's text. */
static void load_reason_strings(void)
{
	static bool loaded;

	if (loaded)
		return;
	loaded = true;
	ERR_load_SSL_strings();
	ERR_load_ERR_strings();
	ERR_load_CRYPTO_strings();
	ERR_load_X509_strings();
	ERR_load_X509V3_strings();
	ERR_load_PEM_strings();
	ERR_load_ASN1_strings();
	ERR_load_EVP_strings();
	ERR_load_BIO_strings();
	ERR_load_EC_strings();
	ERR_load_RSA_strings();
	ERR_load_OSSL_STORE_strings();
}

void tls_openssl_reason(char *why, size_t size, const char *fallback)
{
	unsigned long code = ERR_peek_last_error();
	const char *reason;

	if (code)
		load_reason_strings();
	reason = code ? ERR_reason_error_string(code) : NULL;

	snprintf(why, size, "%s", reason ? reason : fallback);
	ERR_clear_error();
}
