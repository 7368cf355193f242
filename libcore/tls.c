/* TLS client over OpenSSL.  The socket stays non-blocking: the handshake is
 * driven by poll() with a deadline, and reads and writes report what they
 * wait for instead of blocking. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/addr.h"
#include "sonde/clock.h"
#include "sonde/tls.h"

struct tls_session {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	bool verified;
};

static bool is_ip_literal(const char *host)
{
	struct sonde_addr addr;

	return addr_parse_ip(host, 0, AF_UNSPEC, &addr) == 0;
}

/* The newest OpenSSL error as a short reason ("wrong version number"). */
static void openssl_reason(char *why, size_t size, const char *fallback)
{
	unsigned long code = ERR_peek_last_error();
	const char *reason = code ? ERR_reason_error_string(code) : NULL;

	snprintf(why, size, "%s", reason ? reason : fallback);
	ERR_clear_error();
}

static int configure_verification(struct tls_session *s, const struct tls_client_config *config,
				  char *why, size_t why_size)
{
	X509_VERIFY_PARAM *param;
	int ok;

	if (!config->verify) {
		SSL_set_verify(s->ssl, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	ok = config->ca_file ? SSL_CTX_load_verify_locations(s->ctx, config->ca_file, NULL)
			     : SSL_CTX_set_default_verify_paths(s->ctx);
	if (ok != 1) {
		char reason[128];

		openssl_reason(reason, sizeof(reason), "unreadable");
		snprintf(why, why_size, "cannot load CA certificates%s%s: %s", config->ca_file ? " from " : "",
			 config->ca_file ? config->ca_file : "", reason);
		return -EINVAL;
	}
	SSL_set_verify(s->ssl, SSL_VERIFY_PEER, NULL);
	param = SSL_get0_param(s->ssl);
	if (is_ip_literal(config->server_name))
		ok = X509_VERIFY_PARAM_set1_ip_asc(param, config->server_name);
	else
		ok = SSL_set1_host(s->ssl, config->server_name);
	if (ok != 1) {
		snprintf(why, why_size, "cannot verify against '%s'", config->server_name);
		return -EINVAL;
	}
	return 0;
}

static int session_new(int fd, const struct tls_client_config *config, struct tls_session **out, char *why,
		       size_t why_size)
{
	struct tls_session *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->fd = fd;
	s->ctx = SSL_CTX_new(TLS_client_method());
	s->ssl = s->ctx ? SSL_new(s->ctx) : NULL;
	if (!s->ssl) {
		openssl_reason(why, why_size, "cannot create a TLS context");
		tls_session_free(s);
		return -ENOMEM;
	}
	/* A peer that closes without close_notify ends the stream (as plain TCP
	 * would), and writes may complete in parts like send(). */
	SSL_set_options(s->ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_set_mode(s->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (config->server_name && !is_ip_literal(config->server_name))
		SSL_set_tlsext_host_name(s->ssl, config->server_name);
	rc = configure_verification(s, config, why, why_size);
	if (rc < 0 || SSL_set_fd(s->ssl, fd) != 1) {
		if (rc == 0)
			openssl_reason(why, why_size, "cannot attach the socket");
		tls_session_free(s);
		return rc < 0 ? rc : -EINVAL;
	}
	*out = s;
	return 0;
}

static void handshake_failure(struct tls_session *s, int ssl_error, char *why, size_t why_size)
{
	long verify = SSL_get_verify_result(s->ssl);

	if (verify != X509_V_OK) {
		snprintf(why, why_size, "certificate verify failed: %s", X509_verify_cert_error_string(verify));
		ERR_clear_error();
	} else if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0) {
		snprintf(why, why_size, "%s", errno ? strerror(errno) : "connection closed during the handshake");
	} else {
		openssl_reason(why, why_size, "handshake failed");
	}
}

int tls_session_connect(int fd, const struct tls_client_config *config, struct tls_session **session,
			char *why, size_t why_size)
{
	int64_t deadline = config->timeout_ms >= 0 ? deadline_after_ms(config->timeout_ms) : 0;
	struct tls_session *s = NULL;
	int rc;

	*session = NULL;
	why[0] = '\0';
	rc = session_new(fd, config, &s, why, why_size);
	if (rc < 0)
		return rc;
	for (;;) {
		struct pollfd pfd = { fd, 0, 0 };
		int ssl_error, ready;

		errno = 0;
		rc = SSL_connect(s->ssl);
		if (rc == 1)
			break;
		ssl_error = SSL_get_error(s->ssl, rc);
		if (ssl_error == SSL_ERROR_WANT_READ)
			pfd.events = POLLIN;
		else if (ssl_error == SSL_ERROR_WANT_WRITE)
			pfd.events = POLLOUT;
		else {
			handshake_failure(s, ssl_error, why, why_size);
			tls_session_free(s);
			return ssl_error == SSL_ERROR_SYSCALL && errno ? -errno : -EPROTO;
		}
		ready = poll(&pfd, 1, deadline ? deadline_poll_ms(deadline) : -1);
		if (ready == 0 || (deadline && deadline_passed(deadline))) {
			snprintf(why, why_size, "handshake timed out");
			tls_session_free(s);
			return -ETIMEDOUT;
		}
		if (ready < 0 && errno != EINTR) {
			rc = -errno;
			snprintf(why, why_size, "poll: %s", strerror(errno));
			tls_session_free(s);
			return rc;
		}
	}
	s->verified = config->verify && SSL_get_verify_result(s->ssl) == X509_V_OK;
	*session = s;
	return 0;
}

void tls_session_free(struct tls_session *s)
{
	if (!s)
		return;
	SSL_free(s->ssl);
	SSL_CTX_free(s->ctx);
	free(s);
}

/* SSL_read/SSL_write results in relay terms. */
static ssize_t io_result(struct tls_session *s, int rc)
{
	int ssl_error;

	if (rc > 0)
		return rc;
	ssl_error = SSL_get_error(s->ssl, rc);
	switch (ssl_error) {
	case SSL_ERROR_WANT_READ:
		return RELAY_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return RELAY_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		return errno ? -errno : 0;
	default:
		ERR_clear_error();
		return -EPROTO;
	}
}

ssize_t tls_session_recv(void *session, void *buf, size_t len)
{
	struct tls_session *s = session;
	size_t got = 0;

	errno = 0;
	return io_result(s, SSL_read_ex(s->ssl, buf, len, &got) == 1 ? (int)got : 0);
}

ssize_t tls_session_send(void *session, const void *buf, size_t len)
{
	struct tls_session *s = session;
	size_t sent = 0;

	errno = 0;
	return io_result(s, SSL_write_ex(s->ssl, buf, len, &sent) == 1 ? (int)sent : 0);
}

int tls_session_shutdown_write(void *session)
{
	struct tls_session *s = session;

	/* Best effort: close_notify may not fit in the socket buffer right now,
	 * and the half-close below is what the peer acts on. */
	SSL_shutdown(s->ssl);
	ERR_clear_error();
	return shutdown(s->fd, SHUT_WR) < 0 ? -errno : 0;
}

size_t tls_session_pending(void *session)
{
	struct tls_session *s = session;

	return (size_t)SSL_pending(s->ssl);
}

const struct relay_net_ops tls_session_relay_ops = {
	.recv = tls_session_recv,
	.send = tls_session_send,
	.shutdown_write = tls_session_shutdown_write,
	.pending = tls_session_pending,
};

const char *tls_session_version(const struct tls_session *s)
{
	return SSL_get_version(s->ssl);
}

const char *tls_session_cipher(const struct tls_session *s)
{
	return SSL_get_cipher_name(s->ssl);
}

bool tls_session_verified(const struct tls_session *s)
{
	return s->verified;
}

static void name_line(X509_NAME *name, char *buf, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int len;

	buf[0] = '\0';
	if (!bio || !name) {
		BIO_free(bio);
		return;
	}
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_read(bio, buf, (int)size - 1);
	buf[len > 0 ? len : 0] = '\0';
	BIO_free(bio);
}

void tls_session_peer_subject(const struct tls_session *s, char *buf, size_t size)
{
	X509 *cert = SSL_get1_peer_certificate(s->ssl);

	name_line(cert ? X509_get_subject_name(cert) : NULL, buf, size);
	X509_free(cert);
}

void tls_session_peer_issuer(const struct tls_session *s, char *buf, size_t size)
{
	X509 *cert = SSL_get1_peer_certificate(s->ssl);

	name_line(cert ? X509_get_issuer_name(cert) : NULL, buf, size);
	X509_free(cert);
}
