/* OpenSSL's default provider, seen through a filter that offers only the
 * algorithms a TLS client can use, and (unless a private key is to be
 * read) only the decoders that read certificates.
 *
 * Why: in OpenSSL 3.0 the first fetch of an operation (a cipher, a MAC, a
 * KDF...) builds a method for every algorithm the providers offer for it,
 * each with its names hashed into the name map.  SSL_CTX_new fetches the
 * 20-odd ciphers libssl knows, so a probe paid for the other hundred of the
 * default provider (every AES, ARIA, Camellia, SM4 and DES mode): 2.4
 * million instructions, 15% of a whole `sonde tls` run.  Likewise libssl
 * uses 3 of the 12 KDFs, 1 of the 9 MACs and 2 of the 5 random generators,
 * and never the MAC keys and KDFs dressed as key types, key exchanges and
 * signatures (SipHash, Poly1305, CMAC, scrypt...): 32 of the 102 methods a
 * probe built.  Through the filter, the same fetches find the same
 * implementations (the default provider's own functions and context) and
 * the rest are never built.  Decoders likewise (see MAX_DECODERS), and the
 * TLS groups libssl learns (see tls_group_names).  Digests, asymmetric
 * ciphers, KEMs, encoders and stores pass through whole.
 *
 * How, with the public API only: the default provider is loaded (which
 * also stops OpenSSL from loading it later as a fallback), its context and
 * algorithm tables are borrowed by a built-in provider registered here, and
 * once that one is active the default one is unloaded, so fetches see the
 * filter alone.  Unloading deactivates it, but the library context keeps
 * it (and its context) until the process ends, which is all the borrowing
 * needs.  Should any step fail, the default provider stays as it was. */
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
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
/* Key schedules: TLS 1.3's (built on HKDF) and TLS 1.2's PRF. */
static const char *const tls_kdf_names[] = { "HKDF", "TLS13-KDF", "TLS1-PRF" };
/* HMAC: the key schedules', session tickets' and CBC suites' MAC. */
static const char *const tls_mac_names[] = { "HMAC" };
/* The default random generator and its seed source. */
static const char *const tls_rand_names[] = { "CTR-DRBG", "SEED-SRC" };
/* Key exchanges over key shares, finite-field and elliptic-curve. */
static const char *const tls_keyexch_names[] = { "DH", "ECDH", "X25519", "X448" };
/* Certificate and handshake signatures, and HMAC: the CBC suites' record
 * MAC is a DigestSign with an HMAC key. */
static const char *const tls_signature_names[] = { "DSA", "RSA", "ED25519", "ED448", "ECDSA", "SM2", "HMAC" };
/* Key types no certificate or key share has: MAC keys and KDFs that the
 * legacy EVP_PKEY interface dresses as keys.  Every other key type stays
 * (a certificate may carry any), and HMAC (the CBC suites' MAC key). */
static const char *const non_tls_keymgmt_names[] = { "TLS1-PRF", "HKDF", "SCRYPT", "SIPHASH", "POLY1305", "CMAC" };

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
/* Room for an operation's kept entries; should more pass, the operation
 * passes whole. */
#define MAX_KEPT 32

/* One filtered operation: the default provider's entries whose first name
 * is in names (keep) or is not (!keep), in its order. */
struct operation_filter {
	int operation_id;
	bool keep;
	const char *const *names;
	size_t name_count;
	OSSL_ALGORITHM kept[MAX_KEPT + 1];
	bool ready; /* kept is filled; else the operation passes whole */
};

static struct operation_filter filters[] = {
	{ .operation_id = OSSL_OP_CIPHER, .keep = true, .names = tls_cipher_names,
	  .name_count = COUNT_OF(tls_cipher_names) },
	{ .operation_id = OSSL_OP_KDF, .keep = true, .names = tls_kdf_names, .name_count = COUNT_OF(tls_kdf_names) },
	{ .operation_id = OSSL_OP_MAC, .keep = true, .names = tls_mac_names, .name_count = COUNT_OF(tls_mac_names) },
	{ .operation_id = OSSL_OP_RAND, .keep = true, .names = tls_rand_names, .name_count = COUNT_OF(tls_rand_names) },
	{ .operation_id = OSSL_OP_KEYEXCH, .keep = true, .names = tls_keyexch_names,
	  .name_count = COUNT_OF(tls_keyexch_names) },
	{ .operation_id = OSSL_OP_SIGNATURE, .keep = true, .names = tls_signature_names,
	  .name_count = COUNT_OF(tls_signature_names) },
	{ .operation_id = OSSL_OP_KEYMGMT, .keep = false, .names = non_tls_keymgmt_names,
	  .name_count = COUNT_OF(non_tls_keymgmt_names) },
};

/* The groups libssl 3.0 offers when none are set (supported_groups_default),
 * the only ones a client that sets none (as sonde) can negotiate.  The
 * provider declares some 40 (every named curve), and libssl fetches the
 * key type of each as it makes a context. */
static const char *const tls_group_names[] = {
	"x25519", "secp256r1", "x448", "secp521r1", "secp384r1",
	"ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
};

/* The default provider's decoders (over 40 in 3.0) are all built, and each
 * matched against every key manager, the first time a certificate's public
 * key is read: 1.5 million instructions a certificate.  Reading certificates
 * needs only the SubjectPublicKeyInfo ones and PEM to DER; private keys
 * (a client certificate's) need the others, and then all are kept. */
#define MAX_DECODERS 128

static OSSL_PROVIDER *default_provider, *filter_provider;
static void *default_provctx;
static OSSL_ALGORITHM kept_decoders[MAX_DECODERS + 1];
static bool all_decoders;   /* private keys will be read: no decoder filter */
static bool filter_active;  /* the default provider is unloaded, the filter serves */

/* Is "AES-128-GCM:id-aes128-GCM:2.16..."'s first name in names? */
static bool first_name_listed(const char *algorithm_names, const char *const *names, size_t count)
{
	size_t first_len = strcspn(algorithm_names, ":"), i;

	for (i = 0; i < count; i++)
		if (strlen(names[i]) == first_len && strncasecmp(algorithm_names, names[i], first_len) == 0)
			return true;
	return false;
}

static void filter_fill(struct operation_filter *f, const OSSL_ALGORITHM *all)
{
	size_t kept = 0;

	for (; all && all->algorithm_names; all++) {
		if (first_name_listed(all->algorithm_names, f->names, f->name_count) != f->keep)
			continue;
		if (kept == MAX_KEPT)
			return;
		f->kept[kept++] = *all;
	}
	memset(&f->kept[kept], 0, sizeof(f->kept[kept]));
	f->ready = kept > 0;
}

static const struct operation_filter *filter_for(int operation_id)
{
	size_t i;

	for (i = 0; i < COUNT_OF(filters); i++)
		if (filters[i].operation_id == operation_id && filters[i].ready)
			return &filters[i];
	return NULL;
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
	const struct operation_filter *f = filter_for(operation_id);

	if (f && all)
		return f->kept;
	if (operation_id == OSSL_OP_DECODER && (kept = keep_decoders(all)))
		return kept;
	return all;
}

/* TLS groups (the TLS-GROUP capability) come from the provider that
 * implements them: pass the question on, for the groups libssl can offer. */
struct capability_relay {
	OSSL_CALLBACK *callback;
	void *arg;
};

static bool offered_group(const OSSL_PARAM params[])
{
	const OSSL_PARAM *name = OSSL_PARAM_locate_const(params, OSSL_CAPABILITY_TLS_GROUP_NAME);
	const char *text = NULL;
	size_t i;

	if (!name || OSSL_PARAM_get_utf8_string_ptr(name, &text) != 1)
		return true; /* not a group as expected: leave it to libssl */
	for (i = 0; i < COUNT_OF(tls_group_names); i++)
		if (strcasecmp(text, tls_group_names[i]) == 0)
			return true;
	return false;
}

static int relay_capability(const OSSL_PARAM params[], void *arg)
{
	struct capability_relay *relay = arg;

	return offered_group(params) ? relay->callback(params, relay->arg) : 1;
}

static int filter_get_capabilities(void *provctx, const char *capability, OSSL_CALLBACK *callback, void *arg)
{
	struct capability_relay relay = { callback, arg };

	if (strcasecmp(capability, "TLS-GROUP") != 0)
		return OSSL_PROVIDER_get_capabilities(default_provider, capability, callback, arg);
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
	size_t i;

	default_provider = OSSL_PROVIDER_load(NULL, "default");
	if (!default_provider)
		return;
	default_provctx = OSSL_PROVIDER_get0_provider_ctx(default_provider);
	for (i = 0; i < COUNT_OF(filters); i++)
		filter_fill(&filters[i], OSSL_PROVIDER_query_operation(default_provider, filters[i].operation_id,
								       &no_cache));
	/* Without its cipher table the filter would be no faster. */
	if (!filter_for(OSSL_OP_CIPHER) || OSSL_PROVIDER_add_builtin(NULL, FILTER_NAME, filter_init) != 1 ||
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
