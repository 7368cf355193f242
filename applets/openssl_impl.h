/* sonde openssl, shared between its files: openssl.c (the subcommands'
 * option tables, the descriptor, main), openssl_x509.c (x509),
 * openssl_s_client.c (s_client's connection and its stdin/stdout loop),
 * openssl_out.c (what s_client prints about the connection) and
 * openssl_common.c (-nameopt and the name printer both use).  Calls run
 * openssl.c -> openssl_x509.c, openssl_s_client.c -> openssl_out.c ->
 * openssl_common.c -> libcore. */
#ifndef SONDE_OPENSSL_IMPL_H
#define SONDE_OPENSSL_IMPL_H

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdint.h>

#include "sonde/applet.h"
#include "sonde/tls.h"

/* openssl's exit codes: 0, and 1 for every failure (bad options included);
 * x509 -checkend: 1 when the certificate will expire. */
enum openssl_exit {
	OPENSSL_EXIT_OK = 0,
	OPENSSL_EXIT_FAIL = 1,
};

/* x509's printing options, in the order given (openssl prints them so). */
enum x509_print {
	X509_PRINT_SUBJECT,
	X509_PRINT_ISSUER,
	X509_PRINT_SERIAL,
	X509_PRINT_STARTDATE,
	X509_PRINT_ENDDATE,
	X509_PRINT_FINGERPRINT,
	X509_PRINT_TEXT,
	X509_PRINT_PUBKEY,
	X509_PRINT_EXT,
};
#define X509_PRINT_MAX 32

struct openssl_x509_config {
	const char *in;
	int inform;                 /* 0 any, 1 PEM, 2 DER */
	bool noout;
	enum x509_print order[X509_PRINT_MAX];
	int order_count;
	const char *digest;         /* "sha1", "sha256"... as typed; NULL: SHA1 */
	bool checkend_set;
	int64_t checkend_s;
	const char *ext_names;
	bool nameopt_set;
	unsigned long nameopt;      /* XN_FLAG_* | ASN1_STRFLGS_* */
};

struct openssl_s_client_config {
	const char *connect, *servername, *cafile, *capath, *alpn, *cert, *key;
	const char *verify_hostname, *verify_ip;
	bool showcerts, verify_return_error, brief, status, noservername;
	bool tls12, tls13;
	int starttls;               /* enum tls_starttls_proto */
	bool nameopt_set;
	unsigned long nameopt;
};

/* openssl_x509.c */
int openssl_x509_run(struct openssl_x509_config *cfg);

/* openssl_s_client.c */
int openssl_s_client_run(struct openssl_s_client_config *cfg);

/* openssl_out.c: s_client's printing, from the live connection. */
struct s_client_print {
	BIO *out, *err;
	unsigned long nameopt;
	bool showcerts, brief;
};
/* The chain check's steps as s_client's verify callback reports them. */
void s_client_print_verify_step(struct s_client_print *p, int preverify_ok, int verdict, X509_STORE_CTX *store);
/* A session issued after the handshake (TLS 1.3 tickets). */
void s_client_print_new_session(struct s_client_print *p, SSL *ssl, SSL_SESSION *session);
/* -status: the stapled response. */
void s_client_print_ocsp(struct s_client_print *p, SSL *ssl);
/* The block after the handshake (or after its failure): chain, server
 * certificate, keys, verification, protocol and cipher. */
void s_client_print_connection(struct s_client_print *p, SSL *ssl);
/* -brief's summary on stderr. */
void s_client_print_brief(struct s_client_print *p, SSL *ssl);

/* openssl_common.c */
/* -nameopt's list ("RFC2253", "oneline,-esc_msb"...) into flags; false
 * when a word is not one openssl knows. */
bool openssl_parse_nameopt(const char *arg, unsigned long *flags);
/* openssl's default when -nameopt is not given. */
unsigned long openssl_default_nameopt(void);
/* "subject=CN = x" (or multi-line) as openssl's apps print a name. */
void openssl_print_name(BIO *out, const char *title, const X509_NAME *name, unsigned long nameopt);

#endif
