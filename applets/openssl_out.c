/* openssl s_client's report about a connection, in OpenSSL 3.0's layout,
 * from the live OpenSSL connection libcore's TLS client made: the chain
 * check's steps (stderr), the certificate chain and the server certificate
 * as PEM (so that `| openssl x509` reads it), keys and signatures, the
 * verification result, protocol and cipher; -brief's summary; sessions
 * issued after the handshake; -status's OCSP staple. */
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "openssl_impl.h"

static void print_name_line(BIO *out, const X509_NAME *name, unsigned long nameopt)
{
	X509_NAME_print_ex(out, name, 0, nameopt);
	BIO_puts(out, "\n");
}

/* What the certificate in question proves wrong, after the error line. */
static void print_error_detail(BIO *err, int error, X509 *cert, unsigned long nameopt)
{
	if (!cert)
		return;
	switch (error) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		BIO_puts(err, "issuer= ");
		print_name_line(err, X509_get_issuer_name(cert), nameopt);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
		BIO_puts(err, "notBefore=");
		ASN1_TIME_print(err, X509_get0_notBefore(cert));
		BIO_puts(err, "\n");
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		BIO_puts(err, "notAfter=");
		ASN1_TIME_print(err, X509_get0_notAfter(cert));
		BIO_puts(err, "\n");
		break;
	}
}

void s_client_print_verify_step(struct s_client_print *p, int preverify_ok, int verdict, X509_STORE_CTX *store)
{
	X509 *cert = X509_STORE_CTX_get_current_cert(store);
	int error = X509_STORE_CTX_get_error(store);

	if (!p->brief || !preverify_ok) {
		BIO_printf(p->err, "depth=%d ", X509_STORE_CTX_get_error_depth(store));
		if (cert)
			print_name_line(p->err, X509_get_subject_name(cert), p->nameopt);
		else
			BIO_puts(p->err, "<no cert>\n");
	}
	if (!preverify_ok)
		BIO_printf(p->err, "verify error:num=%d:%s\n", error, X509_verify_cert_error_string(error));
	print_error_detail(p->err, error, cert, p->nameopt);
	if (verdict && !p->brief)
		BIO_printf(p->err, "verify return:%d\n", verdict);
	(void)BIO_flush(p->err);
}

void s_client_print_new_session(struct s_client_print *p, SSL *ssl, SSL_SESSION *session)
{
	if (p->brief || SSL_version(ssl) != TLS1_3_VERSION)
		return;
	BIO_puts(p->out, "---\nPost-Handshake New Session Ticket arrived:\n");
	SSL_SESSION_print(p->out, session);
	BIO_puts(p->out, "---\n");
	(void)BIO_flush(p->out);
}

void s_client_print_ocsp(struct s_client_print *p, SSL *ssl)
{
	const unsigned char *der = NULL;
	long len = SSL_get_tlsext_status_ocsp_resp(ssl, &der);
	OCSP_RESPONSE *response;

	BIO_puts(p->out, "OCSP response: ");
	if (!der) {
		BIO_puts(p->out, "no response sent\n");
		return;
	}
	response = d2i_OCSP_RESPONSE(NULL, &der, len);
	if (!response) {
		BIO_puts(p->out, "response parse error\n");
		BIO_dump_indent(p->out, (const char *)der, (int)len, 4);
		return;
	}
	BIO_puts(p->out, "\n======================================\n");
	OCSP_RESPONSE_print(p->out, response, 0);
	BIO_puts(p->out, "======================================\n");
	OCSP_RESPONSE_free(response);
}

static void print_chain(struct s_client_print *p, STACK_OF(X509) *chain)
{
	int i;

	BIO_puts(p->out, "---\nCertificate chain\n");
	for (i = 0; i < sk_X509_num(chain); i++) {
		X509 *cert = sk_X509_value(chain, i);
		EVP_PKEY *key = X509_get0_pubkey(cert);

		BIO_printf(p->out, "%2d s:", i);
		print_name_line(p->out, X509_get_subject_name(cert), p->nameopt);
		BIO_puts(p->out, "   i:");
		print_name_line(p->out, X509_get_issuer_name(cert), p->nameopt);
		if (key)
			BIO_printf(p->out, "   a:PKEY: %s, %d (bit); sigalg: %s\n", OBJ_nid2sn(EVP_PKEY_get_base_id(key)),
				   EVP_PKEY_get_bits(key), OBJ_nid2sn(X509_get_signature_nid(cert)));
		BIO_puts(p->out, "   v:NotBefore: ");
		ASN1_TIME_print(p->out, X509_get0_notBefore(cert));
		BIO_puts(p->out, "; NotAfter: ");
		ASN1_TIME_print(p->out, X509_get0_notAfter(cert));
		BIO_puts(p->out, "\n");
		if (p->showcerts)
			PEM_write_bio_X509(p->out, cert);
	}
}

static void print_ca_names(struct s_client_print *p, SSL *ssl)
{
	const STACK_OF(X509_NAME) *names = SSL_get0_peer_CA_list(ssl);
	int i;

	if (!names || sk_X509_NAME_num(names) == 0) {
		BIO_puts(p->out, "---\nNo client certificate CA names sent\n");
		return;
	}
	BIO_puts(p->out, "---\nAcceptable client certificate CA names\n");
	for (i = 0; i < sk_X509_NAME_num(names); i++)
		print_name_line(p->out, sk_X509_NAME_value(names, i), p->nameopt);
}

/* A signature type as openssl's tools name it. */
static const char *signature_type_name(int nid)
{
	switch (nid) {
	case EVP_PKEY_RSA: return "RSA";
	case EVP_PKEY_RSA_PSS: return "RSA-PSS";
	case EVP_PKEY_DSA: return "DSA";
	case EVP_PKEY_EC: return "ECDSA";
	case NID_ED25519: return "Ed25519";
	case NID_ED448: return "Ed448";
	}
	return OBJ_nid2sn(nid);
}

static void print_peer_signature(BIO *out, SSL *ssl, const char *digest_label, const char *type_label)
{
	int nid;

	if (SSL_get_peer_signature_nid(ssl, &nid) && nid != NID_undef)
		BIO_printf(out, "%s: %s\n", digest_label, OBJ_nid2sn(nid));
	if (SSL_get_peer_signature_type_nid(ssl, &nid))
		BIO_printf(out, "%s: %s\n", type_label, signature_type_name(nid));
}

static void print_temp_key(BIO *out, SSL *ssl)
{
	EVP_PKEY *key = NULL;
	char group[80];

	if (!SSL_get_peer_tmp_key(ssl, &key) || !key)
		return;
	BIO_puts(out, "Server Temp Key: ");
	switch (EVP_PKEY_get_id(key)) {
	case EVP_PKEY_RSA:
		BIO_printf(out, "RSA, %d bits\n", EVP_PKEY_get_bits(key));
		break;
	case EVP_PKEY_DH:
		BIO_printf(out, "DH, %d bits\n", EVP_PKEY_get_bits(key));
		break;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), NULL))
			group[0] = '\0';
		BIO_printf(out, "ECDH, %s, %d bits\n", group, EVP_PKEY_get_bits(key));
		break;
	default:
		BIO_printf(out, "%s, %d bits\n", OBJ_nid2sn(EVP_PKEY_get_id(key)), EVP_PKEY_get_bits(key));
	}
	EVP_PKEY_free(key);
}

static void print_verification(BIO *out, SSL *ssl)
{
	long result = SSL_get_verify_result(ssl);
	const char *peername = SSL_get0_peername(ssl);

	if (result != X509_V_OK) {
		BIO_printf(out, "Verification error: %s\n", X509_verify_cert_error_string(result));
		return;
	}
	BIO_puts(out, "Verification: OK\n");
	if (peername)
		BIO_printf(out, "Verified peername: %s\n", peername);
}

static void print_certificates(struct s_client_print *p, SSL *ssl)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	X509 *peer = SSL_get0_peer_certificate(ssl);

	if (chain)
		print_chain(p, chain);
	BIO_puts(p->out, "---\n");
	if (peer) {
		BIO_puts(p->out, "Server certificate\n");
		if (!(p->showcerts && chain))
			PEM_write_bio_X509(p->out, peer);
		openssl_print_name(p->out, "subject=", X509_get_subject_name(peer), p->nameopt);
		openssl_print_name(p->out, "issuer=", X509_get_issuer_name(peer), p->nameopt);
	} else {
		BIO_puts(p->out, "no peer certificate available\n");
	}
	print_ca_names(p, ssl);
	print_peer_signature(p->out, ssl, "Peer signing digest", "Peer signature type");
	print_temp_key(p->out, ssl);
	BIO_printf(p->out, "---\nSSL handshake has read %ju bytes and written %ju bytes\n",
		   (uintmax_t)BIO_number_read(SSL_get_rbio(ssl)), (uintmax_t)BIO_number_written(SSL_get_wbio(ssl)));
}

static void print_session_facts(struct s_client_print *p, SSL *ssl)
{
	const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
	X509 *peer = SSL_get0_peer_certificate(ssl);
	const unsigned char *alpn = NULL;
	unsigned int alpn_len = 0;

	BIO_puts(p->out, SSL_session_reused(ssl) ? "---\nReused, " : "---\nNew, ");
	BIO_printf(p->out, "%s, Cipher is %s\n", SSL_CIPHER_get_version(cipher), SSL_CIPHER_get_name(cipher));
	if (peer)
		BIO_printf(p->out, "Server public key is %d bit\n", EVP_PKEY_get_bits(X509_get0_pubkey(peer)));
	BIO_printf(p->out, "Secure Renegotiation IS%s supported\n",
		   SSL_get_secure_renegotiation_support(ssl) ? "" : " NOT");
#ifndef OPENSSL_NO_COMP
	{
		const COMP_METHOD *comp = SSL_get_current_compression(ssl), *expansion = SSL_get_current_expansion(ssl);

		BIO_printf(p->out, "Compression: %s\n", comp ? SSL_COMP_get_name(comp) : "NONE");
		BIO_printf(p->out, "Expansion: %s\n", expansion ? SSL_COMP_get_name(expansion) : "NONE");
	}
#endif
	SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
	if (alpn_len > 0)
		BIO_printf(p->out, "ALPN protocol: %.*s\n", (int)alpn_len, (const char *)alpn);
	else
		BIO_puts(p->out, "No ALPN negotiated\n");
}

void s_client_print_connection(struct s_client_print *p, SSL *ssl)
{
	long result;

	print_certificates(p, ssl);
	print_verification(p->out, ssl);
	print_session_facts(p, ssl);
	if (SSL_version(ssl) == TLS1_3_VERSION) {
		switch (SSL_get_early_data_status(ssl)) {
		case SSL_EARLY_DATA_NOT_SENT: BIO_puts(p->out, "Early data was not sent\n"); break;
		case SSL_EARLY_DATA_REJECTED: BIO_puts(p->out, "Early data was rejected\n"); break;
		case SSL_EARLY_DATA_ACCEPTED: BIO_puts(p->out, "Early data was accepted\n"); break;
		}
		result = SSL_get_verify_result(ssl);
		BIO_printf(p->out, "Verify return code: %ld (%s)\n", result, X509_verify_cert_error_string(result));
	} else {
		SSL_SESSION_print(p->out, SSL_get_session(ssl));
	}
	BIO_puts(p->out, "---\n");
	(void)BIO_flush(p->out);
}

void s_client_print_brief(struct s_client_print *p, SSL *ssl)
{
	X509 *peer = SSL_get0_peer_certificate(ssl);

	BIO_puts(p->err, "CONNECTION ESTABLISHED\n");
	BIO_printf(p->err, "Protocol version: %s\n", SSL_get_version(ssl));
	BIO_printf(p->err, "Ciphersuite: %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
	if (peer) {
		BIO_puts(p->err, "Peer certificate: ");
		print_name_line(p->err, X509_get_subject_name(peer), p->nameopt);
		print_peer_signature(p->err, ssl, "Hash used", "Signature type");
		print_verification(p->err, ssl);
	} else {
		BIO_puts(p->err, "No peer certificate\n");
	}
	print_temp_key(p->err, ssl);
	(void)BIO_flush(p->err);
}
