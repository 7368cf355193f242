/* Certificate inspection: the facts a person checks about a certificate
 * (names, validity, key, signature, fingerprint), copied out of OpenSSL's
 * X509 into a plain struct that render functions and tests can use. */
#ifndef SONDE_X509_H
#define SONDE_X509_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X509_TEXT_LEN 512

struct x509_info {
	char subject[X509_TEXT_LEN];      /* one line: "CN = leaf.test, O = Lab" */
	char issuer[X509_TEXT_LEN];
	char common_name[256];            /* the subject's last CN, "" if none */
	char **sans;                      /* "DNS:leaf.test", "IP:10.0.0.1", "email:..." */
	size_t san_count;
	char serial[128];                 /* hex, "0A1B..." as openssl x509 -serial shows it */
	int64_t not_before, not_after;    /* seconds since the epoch (UTC) */
	char key_type[16];                /* "RSA", "EC", "ED25519", "DSA"... */
	int key_bits;
	char key_curve[32];               /* EC keys: "prime256v1"; else "" */
	char signature_algorithm[64];     /* "sha256WithRSAEncryption" */
	char sha256[96];                  /* "AB:CD:..." (32 bytes) */
	bool self_issued;                 /* subject == issuer */
	bool is_ca;                       /* basicConstraints CA:TRUE */
	char *pem;                        /* the certificate as PEM */
};

/* A name on one line ("CN = leaf.test, O = Lab"), "" when name is NULL. */
void x509_name_line(X509_NAME *name, char *buf, size_t size);
/* Fills info from cert.  Returns 0 or -ENOMEM; free with x509_info_free(). */
int x509_inspect(X509 *cert, struct x509_info *info);
void x509_info_free(struct x509_info *info);
/* Every certificate in a PEM text, in order, into a new array.  Returns the
 * count (0 when the text holds none) or -ENOMEM. */
int x509_inspect_pem(const char *pem, size_t len, struct x509_info **infos);
void x509_info_array_free(struct x509_info *infos, size_t count);

/* Whole days from now_s until not_after (negative once expired), rounded
 * down: a certificate that expires in 36 hours has 1 day left. */
int64_t x509_days_left(const struct x509_info *info, int64_t now_s);
/* "2025-01-31T12:00:00Z" */
void x509_format_time(int64_t epoch_s, char *buf, size_t size);

#endif
