/* libcore x509: the facts of certificates made here by the openssl tool
 * (an RSA root, an EC P-384 leaf it signs with names of every kind, an
 * Ed25519 self-signed one), each compared with what `openssl x509` prints
 * for the same file.  They are read with OpenSSL set up as the TLS client
 * sets it up (tls_library_init: no legacy cipher names, the cipher and
 * decoder filter of libcore/tls_provider.c, the legacy digest table filled
 * late); a first part checks that this set-up leaves libssl's cipher lists
 * as plain OpenSSL has them. */
#include <arpa/inet.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../libcore/tls_impl.h"
#include "sonde/x509.h"
#include "tap.h"

static char dir[] = "/tmp/sonde-test-x509-XXXXXX";

/* --- the openssl tool --------------------------------------------------------- */

static int run(const char *command)
{
	char line[2048];

	snprintf(line, sizeof(line), "cd %s && { %s; } >/dev/null 2>&1", dir, command);
	return system(line);
}

/* From `openssl x509 -in FILE -noout ARGS`: the rest of the first line
 * that starts (after blanks) with prefix, or, with line_after, the line that
 * follows it ("" when there is none).  Returns whether prefix was found. */
static bool openssl_x509_text(const char *file, const char *args, const char *prefix, bool line_after, char *out,
			      size_t size)
{
	char command[1024], line[4096];
	bool found = false, copied = false;
	FILE *fp;

	out[0] = '\0';
	snprintf(command, sizeof(command), "openssl x509 -in %s/%s -noout %s 2>/dev/null", dir, file, args);
	fp = popen(command, "r");
	while (fp && fgets(line, sizeof(line), fp)) {
		const char *text = line + strspn(line, " ");

		line[strcspn(line, "\n")] = '\0';
		if (found && line_after && !copied) {
			snprintf(out, size, "%s", text);
			copied = true;
		}
		if (!found && strncasecmp(text, prefix, strlen(prefix)) == 0) {
			found = true;
			if (!line_after)
				snprintf(out, size, "%s", text + strlen(prefix));
		}
	}
	if (fp)
		pclose(fp);
	return found;
}

static void openssl_x509_line(const char *file, const char *args, const char *prefix, char *out, size_t size)
{
	openssl_x509_text(file, args, prefix, false, out, size);
}

/* "Dec  6 08:11:35 2026 GMT" -> seconds since the epoch. */
static int64_t openssl_date(const char *text)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!strptime(text, "%b %e %H:%M:%S %Y GMT", &tm))
		return -1;
	return (int64_t)timegm(&tm);
}

/* --- sonde's side ------------------------------------------------------------------ */

static int inspect_file(const char *file, struct x509_info **infos)
{
	char path[256], *pem = NULL;
	size_t len = 0;
	FILE *fp;
	int count;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	pem = calloc(1, 65536);
	if (pem)
		len = fread(pem, 1, 65535, fp);
	fclose(fp);
	count = pem ? x509_inspect_pem(pem, len, infos) : -1;
	free(pem);
	return count;
}

/* Our SAN list in openssl's words: "IP:2001:db8::1" -> "IP Address:2001:DB8:0:0:0:0:0:1". */
static void sans_as_openssl(const struct x509_info *info, char *out, size_t size)
{
	size_t used = 0, i;

	out[0] = '\0';
	for (i = 0; i < info->san_count && used < size; i++) {
		const char *san = info->sans[i];
		unsigned char ip6[16];
		char text[128];

		if (strncmp(san, "IP:", 3) == 0 && inet_pton(AF_INET6, san + 3, ip6) == 1) {
			snprintf(text, sizeof(text), "IP Address:%X:%X:%X:%X:%X:%X:%X:%X", ip6[0] << 8 | ip6[1],
				 ip6[2] << 8 | ip6[3], ip6[4] << 8 | ip6[5], ip6[6] << 8 | ip6[7], ip6[8] << 8 | ip6[9],
				 ip6[10] << 8 | ip6[11], ip6[12] << 8 | ip6[13], ip6[14] << 8 | ip6[15]);
		} else if (strncmp(san, "IP:", 3) == 0) {
			snprintf(text, sizeof(text), "IP Address:%s", san + 3);
		} else {
			snprintf(text, sizeof(text), "%s", san);
		}
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "", text);
	}
}

/* The text fields, each with the openssl x509 options that print it and
 * the start of its line there. */
static const struct {
	const char *label, *args, *prefix;
	size_t offset;
} text_fields[] = {
	{ "subject", "-subject -nameopt oneline", "subject=", offsetof(struct x509_info, subject) },
	{ "issuer", "-issuer -nameopt oneline", "issuer=", offsetof(struct x509_info, issuer) },
	{ "serial", "-serial", "serial=", offsetof(struct x509_info, serial) },
	{ "SHA-256 fingerprint", "-fingerprint -sha256", "sha256 Fingerprint=", offsetof(struct x509_info, sha256) },
	{ "signature algorithm", "-text", "Signature Algorithm: ", offsetof(struct x509_info, signature_algorithm) },
};

static const struct {
	const char *label, *args, *prefix;
	size_t offset;
} date_fields[] = {
	{ "not before", "-startdate", "notBefore=", offsetof(struct x509_info, not_before) },
	{ "not after", "-enddate", "notAfter=", offsetof(struct x509_info, not_after) },
};

/* Every field of one certificate against openssl x509's view of file. */
static void compare_with_openssl(const char *what, const char *file, const struct x509_info *info)
{
	char want[4096], got[4096], name[200];
	size_t i;

	for (i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
		openssl_x509_line(file, text_fields[i].args, text_fields[i].prefix, want, sizeof(want));
		snprintf(name, sizeof(name), "%s: %s as openssl x509 %s", what, text_fields[i].label, text_fields[i].args);
		is_str((const char *)info + text_fields[i].offset, want, name);
	}
	for (i = 0; i < sizeof(date_fields) / sizeof(date_fields[0]); i++) {
		openssl_x509_line(file, date_fields[i].args, date_fields[i].prefix, want, sizeof(want));
		snprintf(name, sizeof(name), "%s: %s as openssl x509 %s (%s)", what, date_fields[i].label,
			 date_fields[i].args, want);
		is_int(*(const int64_t *)((const char *)info + date_fields[i].offset), openssl_date(want), name);
	}
	openssl_x509_text(file, "-text", "X509v3 Subject Alternative Name:", true, want, sizeof(want));
	sans_as_openssl(info, got, sizeof(got));
	snprintf(name, sizeof(name), "%s: subject alternative names as openssl x509 -text", what);
	is_str(got, want, name);
	openssl_x509_text(file, "-text", "X509v3 Basic Constraints:", true, want, sizeof(want));
	snprintf(name, sizeof(name), "%s: a CA or not, as openssl x509 -text (%s)", what, want);
	is_int(info->is_ca, strncmp(want, "CA:TRUE", 7) == 0, name);
}

/* The key: "Public-Key: (384 bit)" and "ASN1 OID: secp384r1" for EC,
 * "Public-Key: (2048 bit)" for RSA, "ED25519 Public-Key:" for Ed25519. */
static void compare_key_with_openssl(const char *what, const char *file, const struct x509_info *info)
{
	char want[256], name[160];

	snprintf(name, sizeof(name), "%s: key size as openssl x509 -text", what);
	if (strcmp(info->key_type, "ED25519") == 0) {
		ok(openssl_x509_text(file, "-text", "ED25519 Public-Key:", false, want, sizeof(want)) && info->key_bits > 0,
		   "%s: an Ed25519 key, as openssl x509 -text says", what);
		return;
	}
	openssl_x509_line(file, "-text", "Public-Key: (", want, sizeof(want));
	is_int(info->key_bits, atoi(want), name);
	if (strcmp(info->key_type, "EC") == 0) {
		openssl_x509_line(file, "-text", "ASN1 OID: ", want, sizeof(want));
		snprintf(name, sizeof(name), "%s: curve as openssl x509 -text", what);
		is_str(info->key_curve, want, name);
	}
}

/* --- the certificates ---------------------------------------------------------------- */

static int make_certificates(void)
{
	return run("openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 30 "
		   "-subj '/C=DE/O=Sonde Lab/CN=Unit Root' -set_serial 0x01") ||
	       run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout leaf.key "
		   "-out leaf.pem -CA root.pem -CAkey root.key -sha384 -days 10 -subj '/O=Sonde Lab/CN=leaf.test' "
		   "-set_serial 0x00c0ffee0123456789abcdef0123456789abcdef "
		   "-addext 'subjectAltName=DNS:leaf.test,DNS:*.leaf.test,IP:10.0.0.1,IP:2001:db8::1,"
		   "email:ops@leaf.test' -addext basicConstraints=critical,CA:FALSE") ||
	       run("openssl req -x509 -newkey ed25519 -nodes -keyout ed.key -out ed.pem -days 400 "
		   "-subj '/CN=ed.test' -addext subjectAltName=DNS:ed.test") ||
	       run("cat leaf.pem root.pem > chain.pem");
}

/* A file of one certificate: inspected, compared with openssl x509, its
 * key type checked.  Returns it (free with x509_info_array_free), or NULL. */
static struct x509_info *inspect_single(const char *what, const char *file, const char *key_type)
{
	struct x509_info *info = NULL;
	char name[160];

	snprintf(name, sizeof(name), "%s: one certificate", what);
	is_int(inspect_file(file, &info), 1, name);
	if (!info)
		return NULL;
	compare_with_openssl(what, file, info);
	compare_key_with_openssl(what, file, info);
	snprintf(name, sizeof(name), "%s: key type %s", what, key_type);
	is_str(info->key_type, key_type, name);
	return info;
}

static void test_root(void)
{
	struct x509_info *root = inspect_single("root", "root.pem", "RSA");

	if (!root)
		return;
	is_str(root->common_name, "Unit Root", "root: common name");
	ok(root->is_ca && root->self_issued, "root: a CA, self-issued");
	x509_info_array_free(root, 1);
}

static void test_leaf_in_chain(void)
{
	struct x509_info *chain = NULL;
	int count = inspect_file("chain.pem", &chain);

	is_int(count, 2, "chain file: two certificates");
	if (count != 2)
		return;
	compare_with_openssl("leaf", "leaf.pem", &chain[0]);
	compare_key_with_openssl("leaf", "leaf.pem", &chain[0]);
	is_str(chain[0].key_type, "EC", "leaf: key type EC");
	is_int(chain[0].san_count, 5, "leaf: five names");
	ok(!chain[0].is_ca && !chain[0].self_issued, "leaf: not a CA, issued by another");
	is_str(chain[1].subject, "C = DE, O = Sonde Lab, CN = Unit Root", "chain file: the root second");
	ok(chain[0].pem && strncmp(chain[0].pem, "-----BEGIN CERTIFICATE-----", 27) == 0, "leaf: PEM kept");
	/* 36 hours before the end is 1 day left; a second after it, day -1. */
	is_int(x509_days_left(&chain[0], chain[0].not_after - 36 * 3600), 1, "days left: rounded down");
	is_int(x509_days_left(&chain[0], chain[0].not_after + 1), -1, "days left: negative once expired");
	x509_info_array_free(chain, 2);
}

static void test_ed25519(void)
{
	struct x509_info *ed = inspect_single("ed25519", "ed.pem", "ED25519");

	if (ed)
		ok(ed->self_issued, "ed25519: self-issued");
	x509_info_array_free(ed, ed ? 1 : 0);
}

static void test_not_pem(void)
{
	struct x509_info *none = NULL;

	is_int(x509_inspect_pem("hello\n", 6, &none), 0, "text without certificates: none");
	ok(none == NULL, "text without certificates: no array");
}

/* --- the cipher filter ------------------------------------------------------------------ */

/* The ClientHello's extensions, by type, with the groups (10) and the
 * signature schemes (13) in full: what the client offers. */
static size_t hello_extensions(SSL_CTX *ctx, char *out, size_t size)
{
	SSL *ssl = SSL_new(ctx);
	BIO *from_server = BIO_new(BIO_s_mem()), *to_server = BIO_new(BIO_s_mem());
	const unsigned char *p = NULL, *end;
	size_t used = (size_t)snprintf(out, size, "hello:");
	long len;

	if (!ssl || !from_server || !to_server)
		return used;
	SSL_set_bio(ssl, from_server, to_server);
	SSL_set_connect_state(ssl);
	SSL_do_handshake(ssl); /* the ClientHello goes out, then it waits */
	len = BIO_get_mem_data(to_server, (char **)&p);
	end = p + (len > 0 ? len : 0);
	/* Record and handshake headers, version, random; then the session id,
	 * suites and compression methods, each after its length. */
	p += 5 + 4 + 2 + 32;
	if (p < end)
		p += 1 + p[0];
	if (p + 2 <= end)
		p += 2 + (p[0] << 8 | p[1]);
	if (p < end)
		p += 1 + p[0];
	for (p += 2; p + 4 <= end && used < size; p += 4 + (p[2] << 8 | p[3])) {
		int type = p[0] << 8 | p[1], ext_len = p[2] << 8 | p[3], i;

		used += (size_t)snprintf(out + used, size - used, " %d", type);
		for (i = 0; (type == 10 || type == 13) && i < ext_len && p + 4 + i < end && used < size; i++)
			used += (size_t)snprintf(out + used, size - used, "%s%02x", i ? "" : "=", p[4 + i]);
	}
	SSL_free(ssl);
	return used < size ? used : size;
}

/* What libssl offers: the ClientHello's extensions, its default suites
 * and, as tls --scan asks, every suite at security level 0 (and every
 * TLS 1.3 suite). */
static void cipher_lists(char *out, size_t size)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	size_t used = 0;
	int pass, i;

	out[0] = '\0';
	if (ctx)
		used += hello_extensions(ctx, out, size);
	used += (size_t)snprintf(out + used, used < size ? size - used : 0, " | ");
	for (pass = 0; ctx && pass < 2; pass++) {
		STACK_OF(SSL_CIPHER) *list;

		if (pass == 1) {
			SSL_CTX_set_security_level(ctx, 0);
			SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
			SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL");
			SSL_CTX_set_ciphersuites(ctx, tls13_all_suites());
		}
		list = SSL_CTX_get_ciphers(ctx);
		for (i = 0; i < sk_SSL_CIPHER_num(list) && used < size; i++)
			used += (size_t)snprintf(out + used, size - used, "%s ",
						 SSL_CIPHER_get_name(sk_SSL_CIPHER_value(list, i)));
		used += (size_t)snprintf(out + used, used < size ? size - used : 0, "| ");
	}
	SSL_CTX_free(ctx);
}

static void count_decoder(OSSL_DECODER *decoder, void *count)
{
	(void)decoder;
	++*(int *)count;
}

/* How many decoders a certificate's public key is matched against. */
static int decoder_count(void)
{
	int count = 0;

	OSSL_DECODER_do_all_provided(NULL, count_decoder, &count);
	return count;
}

/* Certificate signatures look their digest up in the legacy table
 * (EVP_get_digestbynid), which tls_library_init fills itself, once the name
 * map exists (so that OpenSSL does not copy it into the map): each digest
 * and alias OpenSSL would register is there, and the RSA-SHA384 signature
 * on the leaf verifies. */
static void test_digest_tables(void)
{
	static const int nids[] = { NID_md5, NID_sha1, NID_sha224, NID_sha256, NID_sha384, NID_sha512,
				    NID_sha512_256, NID_sha3_256, NID_sm3 };
	X509 *root = NULL, *leaf = NULL;
	char path[256];
	FILE *f;
	size_t i;

	ok(EVP_get_digestbyname("RSA-SHA256") == EVP_sha256(), "the legacy table has RSA-SHA256 as sha256");
	ok(EVP_get_digestbyname("ssl3-sha1") == EVP_sha1(), "the legacy table has the alias ssl3-sha1");
	for (i = 0; i < sizeof(nids) / sizeof(nids[0]); i++)
		ok(EVP_get_digestbynid(nids[i]) != NULL, "the legacy table has %s", OBJ_nid2sn(nids[i]));
	snprintf(path, sizeof(path), "%s/root.pem", dir);
	if ((f = fopen(path, "r"))) {
		root = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/leaf.pem", dir);
	if ((f = fopen(path, "r"))) {
		leaf = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	ok(root && leaf && X509_verify(leaf, X509_get0_pubkey(root)) == 1,
	   "the leaf's RSA-SHA384 signature verifies against the root");
	X509_free(root);
	X509_free(leaf);
}

/* In a child that sets up nothing, before this process touches OpenSSL:
 * the lists as plain OpenSSL has them, and its decoder count. */
static int unfiltered_cipher_lists(char *out, size_t size)
{
	int fds[2], status;
	ssize_t got;
	size_t used = 0;
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		static char lists[16384];

		close(fds[0]);
		cipher_lists(lists, sizeof(lists));
		snprintf(lists + strlen(lists), sizeof(lists) - strlen(lists), "#%d", decoder_count());
		_exit(write(fds[1], lists, strlen(lists)) < 0);
	}
	close(fds[1]);
	while (used + 1 < size && (got = read(fds[0], out + used, size - 1 - used)) > 0)
		used += (size_t)got;
	out[used] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return 0;
}

int main(void)
{
	static char plain[16384], filtered[16384];

	char *plain_decoders;

	is_int(unfiltered_cipher_lists(plain, sizeof(plain)), 0, "cipher lists without the filter (a child)");
	plain_decoders = strrchr(plain, '#');
	ok(plain_decoders && atoi(plain_decoders + 1) > 20, "plain OpenSSL has %s decoders",
	   plain_decoders ? plain_decoders + 1 : "no");
	if (plain_decoders)
		*plain_decoders = '\0';
	tls_library_init(false);
	ok(tls_provider_filtered(), "the TLS cipher filter is in place");
	/* The certificates below (RSA, EC, Ed25519) are read through it. */
	ok(plain_decoders && decoder_count() * 2 < atoi(plain_decoders + 1),
	   "without private keys to read, under half the decoders are built (%d)", decoder_count());
	cipher_lists(filtered, sizeof(filtered));
	ok(strlen(plain) > 200, "libssl lists suites (%zu bytes)", strlen(plain));
	is_str(filtered, plain, "the set-up leaves libssl's ClientHello and suites as they were (default list, "
	       "and ALL at level 0)");
	/* x25519, secp256r1, x448, secp521r1, secp384r1, ffdhe2048-8192 */
	ok(strstr(filtered, " 10=0014001d0017001e0019001801000101010201030104 "),
	   "the ClientHello offers libssl's ten default groups");
	/* What TLS never uses is not built: a MAC, a KDF, a key type. */
	ok(!EVP_MAC_fetch(NULL, "CMAC", NULL), "the filter offers no CMAC");
	ok(!EVP_KDF_fetch(NULL, "PBKDF2", NULL), "the filter offers no PBKDF2");
	ok(!EVP_KEYMGMT_fetch(NULL, "SIPHASH", NULL), "the filter offers no SipHash key type");
	ERR_clear_error();

	if (!mkdtemp(dir) || make_certificates() != 0) {
		ok(0, "openssl made the test certificates in %s", dir);
		return tap_exit();
	}
	test_root();
	test_leaf_in_chain();
	test_ed25519();
	test_not_pem();
	test_digest_tables();
	run("rm -f root.key root.pem leaf.key leaf.pem ed.key ed.pem chain.pem");
	rmdir(dir);
	return tap_exit();
}
