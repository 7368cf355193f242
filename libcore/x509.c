/* Certificate facts out of OpenSSL's X509, into struct x509_info. */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sonde/x509.h"

void x509_name_line(X509_NAME *name, char *buf, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int len;

	buf[0] = '\0';
	if (!bio || !name || size == 0) {
		BIO_free(bio);
		return;
	}
	/* One line, UTF-8 kept as is (the output layer escapes for JSON). */
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_read(bio, buf, (int)size - 1);
	buf[len > 0 ? len : 0] = '\0';
	BIO_free(bio);
}

static int64_t asn1_time_epoch(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static void common_name(X509_NAME *name, char *buf, size_t size)
{
	int pos = -1, last = -1;

	buf[0] = '\0';
	while ((pos = X509_NAME_get_index_by_NID(name, NID_commonName, pos)) >= 0)
		last = pos;
	if (last >= 0) {
		ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
		unsigned char *utf8 = NULL;
		int len = ASN1_STRING_to_UTF8(&utf8, data);

		if (len >= 0)
			snprintf(buf, size, "%.*s", len, (const char *)utf8);
		OPENSSL_free(utf8);
	}
}

static void serial_hex(X509 *cert, char *buf, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(buf, size, "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
}

static void fingerprint_sha256(X509 *cert, char *buf, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;
	size_t used = 0;

	buf[0] = '\0';
	if (X509_digest(cert, EVP_sha256(), md, &md_len) != 1)
		return;
	for (i = 0; i < md_len && used + 4 <= size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%02X", i ? ":" : "", md[i]);
}

static void public_key(X509 *cert, struct x509_info *info)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	const char *type = key ? EVP_PKEY_get0_type_name(key) : NULL;
	size_t len;

	snprintf(info->key_type, sizeof(info->key_type), "%s", type ? type : "unknown");
	info->key_bits = key ? EVP_PKEY_get_bits(key) : 0;
	info->key_curve[0] = '\0';
	if (key && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC)
		EVP_PKEY_get_group_name(key, info->key_curve, sizeof(info->key_curve), &len);
}

static char *general_name_text(const GENERAL_NAME *gn)
{
	char text[320], ip[INET6_ADDRSTRLEN];
	const ASN1_STRING *s;

	switch (gn->type) {
	case GEN_DNS:
	case GEN_EMAIL:
	case GEN_URI:
		s = gn->d.ia5;
		snprintf(text, sizeof(text), "%s:%.*s", gn->type == GEN_DNS ? "DNS" : gn->type == GEN_URI ? "URI" : "email",
			 ASN1_STRING_length(s), (const char *)ASN1_STRING_get0_data(s));
		break;
	case GEN_IPADD:
		s = gn->d.ip;
		if (ASN1_STRING_length(s) == 4)
			inet_ntop(AF_INET, ASN1_STRING_get0_data(s), ip, sizeof(ip));
		else if (ASN1_STRING_length(s) == 16)
			inet_ntop(AF_INET6, ASN1_STRING_get0_data(s), ip, sizeof(ip));
		else
			snprintf(ip, sizeof(ip), "invalid");
		snprintf(text, sizeof(text), "IP:%s", ip);
		break;
	default:
		snprintf(text, sizeof(text), "other:%d", gn->type);
		break;
	}
	/* Names are IA5 and may hold NUL bytes; the copy ends at the first. */
	return strdup(text);
}

static int subject_alt_names(X509 *cert, struct x509_info *info)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	int count = names ? sk_GENERAL_NAME_num(names) : 0, i;

	info->sans = NULL;
	info->san_count = 0;
	if (count > 0 && !(info->sans = calloc((size_t)count, sizeof(char *)))) {
		GENERAL_NAMES_free(names);
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		char *text = general_name_text(sk_GENERAL_NAME_value(names, i));

		if (!text) {
			GENERAL_NAMES_free(names);
			return -ENOMEM;
		}
		info->sans[info->san_count++] = text;
	}
	GENERAL_NAMES_free(names);
	return 0;
}

static char *pem_text(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *copy = NULL;
	long len;

	if (bio && PEM_write_bio_X509(bio, cert) == 1 && (len = BIO_get_mem_data(bio, &data)) > 0 &&
	    (copy = malloc((size_t)len + 1))) {
		memcpy(copy, data, (size_t)len);
		copy[len] = '\0';
	}
	BIO_free(bio);
	return copy;
}

int x509_inspect(X509 *cert, struct x509_info *info)
{
	memset(info, 0, sizeof(*info));
	x509_name_line(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
	x509_name_line(X509_get_issuer_name(cert), info->issuer, sizeof(info->issuer));
	common_name(X509_get_subject_name(cert), info->common_name, sizeof(info->common_name));
	serial_hex(cert, info->serial, sizeof(info->serial));
	info->not_before = asn1_time_epoch(X509_get0_notBefore(cert));
	info->not_after = asn1_time_epoch(X509_get0_notAfter(cert));
	public_key(cert, info);
	snprintf(info->signature_algorithm, sizeof(info->signature_algorithm), "%s",
		 OBJ_nid2ln(X509_get_signature_nid(cert)));
	fingerprint_sha256(cert, info->sha256, sizeof(info->sha256));
	info->self_issued = X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
	info->is_ca = X509_check_ca(cert) > 0 && (X509_get_extension_flags(cert) & EXFLAG_CA);
	info->pem = pem_text(cert);
	if (!info->pem || subject_alt_names(cert, info) < 0) {
		x509_info_free(info);
		return -ENOMEM;
	}
	return 0;
}

void x509_info_free(struct x509_info *info)
{
	size_t i;

	for (i = 0; i < info->san_count; i++)
		free(info->sans[i]);
	free(info->sans);
	free(info->pem);
	info->sans = NULL;
	info->san_count = 0;
	info->pem = NULL;
}

void x509_info_array_free(struct x509_info *infos, size_t count)
{
	size_t i;

	for (i = 0; infos && i < count; i++)
		x509_info_free(&infos[i]);
	free(infos);
}

int x509_inspect_pem(const char *pem, size_t len, struct x509_info **infos)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	struct x509_info *list = NULL;
	size_t count = 0;
	X509 *cert;

	*infos = NULL;
	if (!bio)
		return -ENOMEM;
	while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		struct x509_info *grown = realloc(list, (count + 1) * sizeof(*list));

		if (!grown || x509_inspect(cert, &(grown ? grown : list)[count]) < 0) {
			X509_free(cert);
			x509_info_array_free(grown ? grown : list, count);
			BIO_free(bio);
			return -ENOMEM;
		}
		list = grown;
		count++;
		X509_free(cert);
	}
	/* The end of the text shows up as a "no start line" error. */
	ERR_clear_error();
	BIO_free(bio);
	*infos = list;
	return (int)count;
}

int64_t x509_days_left(const struct x509_info *info, int64_t now_s)
{
	int64_t left_s = info->not_after - now_s;

	/* Round toward minus infinity: 1 second after expiry is day -1. */
	return left_s >= 0 ? left_s / 86400 : -((-left_s + 86399) / 86400);
}

void x509_format_time(int64_t epoch_s, char *buf, size_t size)
{
	time_t t = (time_t)epoch_s;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)epoch_s);
}
