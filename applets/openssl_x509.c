/* openssl x509: a certificate read from a file or stdin (PEM or DER),
 * printed as openssl 3.0's x509 prints it, through OpenSSL's own printers
 * (X509_print_ex, X509_NAME_print_ex, PEM_write_bio_*), the printing
 * options in the order given. */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "openssl_impl.h"

/* What a certificate file may hold at most: certificates are a few KB. */
#define X509_INPUT_MAX_BYTES (1 << 20)

static int read_input(const char *path, unsigned char **data, size_t *len)
{
	FILE *fp = path ? fopen(path, "rb") : stdin;
	unsigned char *buf;
	size_t got;

	if (!fp)
		return -errno;
	buf = malloc(X509_INPUT_MAX_BYTES);
	if (!buf) {
		if (path)
			fclose(fp);
		return -ENOMEM;
	}
	got = fread(buf, 1, X509_INPUT_MAX_BYTES, fp);
	if (path)
		fclose(fp);
	*data = buf;
	*len = got;
	return 0;
}

/* The first certificate: PEM, DER, or (no -inform) whichever parses. */
static X509 *parse_certificate(const unsigned char *data, size_t len, int inform)
{
	X509 *cert = NULL;

	if (inform != 2) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);

		cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
	}
	if (!cert && inform != 1) {
		const unsigned char *p = data;

		cert = d2i_X509(NULL, &p, (long)len);
	}
	ERR_clear_error();
	return cert;
}

static X509 *load_certificate(const struct openssl_x509_config *cfg)
{
	const char *shown = cfg->in ? cfg->in : "<stdin>";
	unsigned char *data = NULL;
	size_t len = 0;
	X509 *cert;
	int rc = read_input(cfg->in, &data, &len);

	if (rc < 0) {
		fprintf(stderr, "Could not open file or uri for loading certificate from %s: %s\n", shown,
			strerror(-rc));
		fprintf(stderr, "Unable to load certificate\n");
		return NULL;
	}
	cert = parse_certificate(data, len, cfg->inform);
	free(data);
	if (!cert)
		fprintf(stderr, "Could not read certificate from %s\nUnable to load certificate\n", shown);
	return cert;
}

static void print_date(BIO *out, const char *title, const ASN1_TIME *when)
{
	BIO_puts(out, title);
	ASN1_TIME_print(out, when);
	BIO_puts(out, "\n");
}

static int print_fingerprint(BIO *out, X509 *cert, const char *digest_name)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	const char *name = digest_name ? digest_name : "SHA1";
	EVP_MD *digest = EVP_MD_fetch(NULL, name, NULL);
	int ok = digest && X509_digest(cert, digest, md, &len);

	EVP_MD_free(digest);
	if (!ok) {
		fprintf(stderr, "Unknown digest\n");
		return -1;
	}
	BIO_printf(out, "%s Fingerprint=", name);
	for (i = 0; i < len; i++)
		BIO_printf(out, "%02X%c", md[i], i + 1 == len ? '\n' : ':');
	return 0;
}

static bool name_listed(const char *names, const char *name)
{
	size_t len = strlen(name);

	while (*names) {
		size_t word = strcspn(names, ",");

		if (word == len && strncmp(names, name, len) == 0)
			return true;
		names += word + (names[word] == ',');
	}
	return false;
}

/* -ext NAMES: the extensions named (by short name), in certificate order;
 * like openssl 3.0, "No extensions in certificate" on stderr when none
 * matches, and no failure. */
static int print_extensions(BIO *out, X509 *cert, const char *names)
{
	const STACK_OF(X509_EXTENSION) *exts = X509_get0_extensions(cert);
	STACK_OF(X509_EXTENSION) *chosen = sk_X509_EXTENSION_new_null();
	int i, count = sk_X509_EXTENSION_num(exts);

	if (!chosen)
		return -1;
	for (i = 0; i < count; i++) {
		X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, i);
		const char *sn = OBJ_nid2sn(OBJ_obj2nid(X509_EXTENSION_get_object(ext)));

		if (sn && strcmp(sn, "UNDEF") != 0 && name_listed(names, sn))
			sk_X509_EXTENSION_push(chosen, ext);
	}
	if (sk_X509_EXTENSION_num(chosen) == 0)
		fprintf(stderr, "No extensions in certificate\n");
	else
		X509V3_extensions_print(out, NULL, chosen, 0, 0);
	sk_X509_EXTENSION_free(chosen);
	return 0;
}

static int print_one(BIO *out, X509 *cert, const struct openssl_x509_config *cfg, enum x509_print what)
{
	switch (what) {
	case X509_PRINT_SUBJECT:
		openssl_print_name(out, "subject=", X509_get_subject_name(cert), cfg->nameopt);
		return 0;
	case X509_PRINT_ISSUER:
		openssl_print_name(out, "issuer=", X509_get_issuer_name(cert), cfg->nameopt);
		return 0;
	case X509_PRINT_SERIAL:
		BIO_puts(out, "serial=");
		i2a_ASN1_INTEGER(out, X509_get0_serialNumber(cert));
		BIO_puts(out, "\n");
		return 0;
	case X509_PRINT_STARTDATE:
		print_date(out, "notBefore=", X509_get0_notBefore(cert));
		return 0;
	case X509_PRINT_ENDDATE:
		print_date(out, "notAfter=", X509_get0_notAfter(cert));
		return 0;
	case X509_PRINT_FINGERPRINT:
		return print_fingerprint(out, cert, cfg->digest);
	case X509_PRINT_TEXT:
		X509_print_ex(out, cert, cfg->nameopt, X509_FLAG_COMPAT);
		return 0;
	case X509_PRINT_PUBKEY:
		PEM_write_bio_PUBKEY(out, X509_get0_pubkey(cert));
		return 0;
	case X509_PRINT_EXT:
		return print_extensions(out, cert, cfg->ext_names);
	}
	return 0;
}

/* -checkend N: whether notAfter comes within N seconds; 1 if so. */
static int check_end(BIO *out, X509 *cert, int64_t seconds)
{
	time_t limit = time(NULL) + (time_t)seconds;
	bool expires = X509_cmp_time(X509_get0_notAfter(cert), &limit) < 0;

	BIO_puts(out, expires ? "Certificate will expire\n" : "Certificate will not expire\n");
	return expires ? OPENSSL_EXIT_FAIL : OPENSSL_EXIT_OK;
}

static int print_all(BIO *out, X509 *cert, const struct openssl_x509_config *cfg)
{
	int i;

	for (i = 0; i < cfg->order_count; i++)
		if (print_one(out, cert, cfg, cfg->order[i]) < 0)
			return OPENSSL_EXIT_FAIL;
	if (cfg->checkend_set)
		return check_end(out, cert, cfg->checkend_s);
	if (!cfg->noout)
		PEM_write_bio_X509(out, cert);
	return OPENSSL_EXIT_OK;
}

int openssl_x509_run(struct openssl_x509_config *cfg)
{
	BIO *out;
	X509 *cert;
	int rc;

	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, NULL);
	if (!cfg->nameopt_set)
		cfg->nameopt = openssl_default_nameopt();
	cert = load_certificate(cfg);
	if (!cert)
		return OPENSSL_EXIT_FAIL;
	out = BIO_new_fp(stdout, BIO_NOCLOSE);
	rc = out ? print_all(out, cert, cfg) : OPENSSL_EXIT_FAIL;
	BIO_free(out);
	X509_free(cert);
	fflush(stdout);
	return rc;
}
