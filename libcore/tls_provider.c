/* OpenSSL's default provider, seen through a filter that offers only the
 * symmetric ciphers a TLS client can use, and (unless a private key is to
 * be read) only the decoders that read certificates.
 *
 * Why: in OpenSSL 3.0 the first fetch of a cipher builds a method for every
 * cipher the providers offer (124 in the default provider: every AES, ARIA,
 * Camellia, SM4 and DES mode), each with its names hashed into the name
 * map.  SSL_CTX_new fetches the 20-odd ciphers libssl knows, so a probe paid
 * for about a hundred it could never use: 2.4 million instructions, 15% of
 * a whole `sonde tls` run.  Through the filter, the same fetches find the
 * same implementations (the default provider's own functions and context)
 * and the rest are never built.  Decoders likewise (see MAX_DECODERS).
 * Every other operation (digests, key management, signatures, key
 * exchange...) passes through whole.
 *
 * How, with the public API only: the default provider is loaded (which
 * also stops OpenSSL from loading it later as a fallback), its context and
 * algorithm tables are borrowed by a built-in provider registered here, and
 * once that one is active the default one is unloaded, so fetches see the
 * filter alone.  Unloading deactivates it, but the library context keeps
 * it (and its context) until the process ends, which is all the borrowing
 * needs.  Should any step fail, the default provider stays as it was. */
#include <openssl/core_dispatch.h>
#include <openssl/provider.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "tls_impl.h"

#define FILTER_NAME "sonde-tls"

/* The cipher tables of libssl 3.0 (ssl_cipher_table_cipher and the
 * "stitched" CBC-HMAC ciphers it tries for speed), by the default
 * provider's first name for each, plus the two the default random
 * generator (CTR-DRBG with AES-256) fetches.  libssl lists the same
 * suites with and without the filter (tests/unit/test_x509.c compares). */
static const char *const tls_cipher_names[] = {
	"NULL",
	"AES-128-CBC", "AES-256-CBC",
	"AES-128-GCM", "AES-256-GCM",
	"AES-128-CCM", "AES-256-CCM",
	"AES-128-CBC-HMAC-SHA1", "AES-256-CBC-HMAC-SHA1",
	"AES-128-CBC-HMAC-SHA256", "AES-256-CBC-HMAC-SHA256",
	"ChaCha20-Poly1305",
	"CAMELLIA-128-CBC", "CAMELLIA-256-CBC",
	"ARIA-128-GCM", "ARIA-256-GCM",
	"DES-EDE3-CBC",
	"AES-256-CTR", "AES-256-ECB", /* the random generator's */
};
#define TLS_CIPHER_COUNT (sizeof(tls_cipher_names) / sizeof(tls_cipher_names[0]))

/* The default provider's decoders (over 40 in 3.0) are all built, and each
 * matched against every key manager, the first time a certificate's public
 * key is read: 1.5 million instructions a certificate.  Reading certificates
 * needs only the SubjectPublicKeyInfo ones and PEM to DER; private keys
 * (a client certificate's) need the others, and then all are kept. */
#define MAX_DECODERS 128

static OSSL_PROVIDER *default_provider, *filter_provider;
static void *default_provctx;
/* The kept entries of the default provider's cipher table, and its end. */
static OSSL_ALGORITHM kept_ciphers[TLS_CIPHER_COUNT + 1];
static OSSL_ALGORITHM kept_decoders[MAX_DECODERS + 1];
static bool all_decoders;   /* private keys will be read: no decoder filter */
static bool filter_active;  /* the default provider is unloaded, the filter serves */

/* "AES-128-GCM:id-aes128-GCM:2.16..." -> is its first name one we keep? */
static bool cipher_wanted(const char *algorithm_names)
{
	size_t first_len = strcspn(algorithm_names, ":"), i;

	for (i = 0; i < TLS_CIPHER_COUNT; i++)
		if (strlen(tls_cipher_names[i]) == first_len &&
		    strncasecmp(algorithm_names, tls_cipher_names[i], first_len) == 0)
			return true;
	return false;
}

static void keep_tls_ciphers(const OSSL_ALGORITHM *all)
{
	size_t kept = 0;

	for (; all && all->algorithm_names && kept < TLS_CIPHER_COUNT; all++)
		if (cipher_wanted(all->algorithm_names))
			kept_ciphers[kept++] = *all;
	memset(&kept_ciphers[kept], 0, sizeof(kept_ciphers[kept]));
}

/* "provider=default,fips=yes,input=der,structure=SubjectPublicKeyInfo" */
static bool decoder_wanted(const char *property_definition)
{
	return property_definition && (strstr(property_definition, "structure=SubjectPublicKeyInfo") ||
				       strstr(property_definition, "input=pem"));
}

/* The decoders a certificate reader needs, or NULL (then all pass: the
 * table is larger than expected, or private keys will be read). */
static const OSSL_ALGORITHM *keep_decoders(const OSSL_ALGORITHM *all)
{
	size_t kept = 0, count;

	for (count = 0; all && all[count].algorithm_names; count++)
		;
	if (all_decoders || count > MAX_DECODERS)
		return NULL;
	for (; all && all->algorithm_names; all++)
		if (decoder_wanted(all->property_definition))
			kept_decoders[kept++] = *all;
	memset(&kept_decoders[kept], 0, sizeof(kept_decoders[kept]));
	return kept ? kept_decoders : NULL;
}

static const OSSL_ALGORITHM *filter_query(void *provctx, int operation_id, int *no_cache)
{
	const OSSL_ALGORITHM *all = OSSL_PROVIDER_query_operation(default_provider, operation_id, no_cache), *kept;

	if (operation_id == OSSL_OP_CIPHER && all)
		return kept_ciphers;
	if (operation_id == OSSL_OP_DECODER && (kept = keep_decoders(all)))
		return kept;
	return all;
}

/* TLS groups and signature schemes (the TLS-GROUP capability) come from
 * the provider that implements them: pass the question on. */
struct capability_relay {
	OSSL_CALLBACK *callback;
	void *arg;
};

static int relay_capability(const OSSL_PARAM params[], void *arg)
{
	struct capability_relay *relay = arg;

	return relay->callback(params, relay->arg);
}

static int filter_get_capabilities(void *provctx, const char *capability, OSSL_CALLBACK *callback, void *arg)
{
	struct capability_relay relay = { callback, arg };

	return OSSL_PROVIDER_get_capabilities(default_provider, capability, relay_capability, &relay);
}

static const OSSL_DISPATCH filter_dispatch[] = {
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))filter_query },
	{ OSSL_FUNC_PROVIDER_GET_CAPABILITIES, (void (*)(void))filter_get_capabilities },
	{ 0, NULL },
};

/* The implementations get the default provider's context, as they would
 * from it directly: their library context and core handle are its. */
static int filter_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in, const OSSL_DISPATCH **out,
		       void **provctx)
{
	*out = filter_dispatch;
	*provctx = default_provctx;
	return 1;
}

static void install_filter(void)
{
	int no_cache = 0;

	default_provider = OSSL_PROVIDER_load(NULL, "default");
	if (!default_provider)
		return;
	default_provctx = OSSL_PROVIDER_get0_provider_ctx(default_provider);
	keep_tls_ciphers(OSSL_PROVIDER_query_operation(default_provider, OSSL_OP_CIPHER, &no_cache));
	if (!kept_ciphers[0].algorithm_names || OSSL_PROVIDER_add_builtin(NULL, FILTER_NAME, filter_init) != 1 ||
	    !(filter_provider = OSSL_PROVIDER_load(NULL, FILTER_NAME)))
		return;
	OSSL_PROVIDER_unload(default_provider);
	filter_active = true;
}

void tls_provider_init(bool private_keys)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	/* Read by the first query for decoders, which comes later. */
	all_decoders |= private_keys;
	pthread_once(&once, install_filter);
}

bool tls_provider_filtered(void)
{
	return filter_active && filter_provider;
}
