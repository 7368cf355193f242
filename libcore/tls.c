/* TLS client over OpenSSL.  The socket stays non-blocking: the handshake is
 * driven by poll() with a deadline, and reads and writes report what they
 * wait for instead of blocking.  Session set-up (versions, ciphers, trust,
 * names) and teardown are in tls_setup.c; this file runs the handshake and
 * answers questions about the result. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/clock.h"
#include "sonde/tls.h"
#include "tls_impl.h"

/* How long to wait for a TLS 1.3 server's verdict on a client certificate
 * it asked for and did not get. */
#define CERT_VERDICT_WAIT_MS 1000

static void handshake_failure(struct tls_session *s, int ssl_error, char *why, size_t why_size)
{
	if (s->first_verify_error != X509_V_OK && !s->config_report_only) {
		snprintf(why, why_size, "certificate verify failed: %s",
			 X509_verify_cert_error_string(s->first_verify_error));
		ERR_clear_error();
	} else if (ssl_error == SSL_ERROR_ZERO_RETURN ||
		   (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0 && errno == 0)) {
		/* The server closed the connection mid-handshake.  With
		 * SSL_OP_IGNORE_UNEXPECTED_EOF (tls_setup.c) OpenSSL calls that a
		 * clean end and queues no reason: give s_client's. */
		snprintf(why, why_size, "unexpected eof while reading");
		ERR_clear_error();
	} else if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0) {
		snprintf(why, why_size, "%s", strerror(errno));
	} else {
		tls_openssl_reason(why, why_size, "handshake failed");
	}
}

static int handshake_error_code(const struct tls_session *s, int ssl_error, int saved_errno)
{
	if (s->first_verify_error != X509_V_OK && !s->config_report_only)
		return -EKEYREJECTED;
	if (ssl_error == SSL_ERROR_SYSCALL && saved_errno)
		return -saved_errno;
	return -EPROTO;
}

/* The name check done after the handshake, so that report_only sessions
 * learn it apart from the chain's verdict. */
static void check_name(struct tls_session *s)
{
	X509 *leaf = SSL_get0_peer_certificate(s->ssl);

	if (!s->verify || !s->verify_name[0] || !leaf)
		return;
	s->name_checked = true;
	if (tls_is_ip_literal(s->verify_name))
		s->name_matched = X509_check_ip_asc(leaf, s->verify_name, 0) == 1;
	else
		s->name_matched = X509_check_host(leaf, s->verify_name, 0, 0, NULL) == 1;
}

/* One SSL_connect step: 0 done, 1 waiting for events (*events), <0 failed
 * with why filled. */
static int handshake_step(struct tls_session *s, short *events, char *why, size_t why_size)
{
	int ssl_error, rc, saved_errno;

	errno = 0;
	rc = SSL_connect(s->ssl);
	if (rc == 1)
		return 0;
	saved_errno = errno;
	ssl_error = SSL_get_error(s->ssl, rc);
	if (ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE) {
		*events = ssl_error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		/* The first wait is for the server's answer to the ClientHello,
		 * now on the wire: read the anchors meanwhile (tls_setup.c).  If
		 * they cannot be read, there is no point waiting. */
		if (tls_session_load_trust(s) < 0)
			return s->trust_error;
		return 1;
	}
	errno = saved_errno;
	handshake_failure(s, ssl_error, why, why_size);
	return handshake_error_code(s, ssl_error, saved_errno);
}

static int handshake(struct tls_session *s, int64_t deadline, char *why, size_t why_size)
{
	for (;;) {
		struct pollfd pfd = { s->fd, 0, 0 };
		int ready, rc = handshake_step(s, &pfd.events, why, why_size);

		if (rc <= 0)
			return rc;
		ready = poll(&pfd, 1, deadline ? deadline_poll_ms(deadline) : -1);
		if (ready == 0 || (deadline && deadline_passed(deadline))) {
			snprintf(why, why_size, "handshake timed out");
			return -ETIMEDOUT;
		}
		if (ready < 0 && errno != EINTR) {
			rc = -errno;
			snprintf(why, why_size, "poll: %s", strerror(errno));
			return rc;
		}
	}
}

/* In TLS 1.3 the client finishes its handshake before the server has seen
 * the client certificate, so a server that requires one (and got none)
 * refuses just after, with an alert.  Wait briefly for it, so that the
 * refusal is a handshake failure rather than a surprise on first read. */
static int await_certificate_verdict(struct tls_session *s, int64_t deadline, char *why, size_t why_size)
{
	int64_t wait_deadline = deadline_after_ms(CERT_VERDICT_WAIT_MS);
	char byte;

	if (!s->cert_requested || SSL_version(s->ssl) != TLS1_3_VERSION)
		return 0;
	if (deadline && deadline < wait_deadline)
		wait_deadline = deadline;
	for (;;) {
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		int rc = SSL_peek(s->ssl, &byte, 1), ssl_error = SSL_get_error(s->ssl, rc);

		if (rc > 0 || ssl_error == SSL_ERROR_ZERO_RETURN)
			return 0;
		if (ssl_error != SSL_ERROR_WANT_READ) {
			tls_openssl_reason(why, why_size, "the server refused the connection after the handshake");
			return -EPROTO;
		}
		if (poll(&pfd, 1, deadline_poll_ms(wait_deadline)) <= 0)
			return 0;
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
	rc = tls_session_new(fd, config, &s, why, why_size);
	if (rc < 0)
		return rc;
	rc = handshake(s, deadline, why, why_size);
	/* CA certificates that cannot be read are a setting error, whatever
	 * became of the handshake meanwhile. */
	if (tls_session_load_trust(s) < 0) {
		snprintf(why, why_size, "%s", s->trust_why);
		rc = s->trust_error;
	}
	if (rc == 0)
		rc = await_certificate_verdict(s, deadline, why, why_size);
	if (rc < 0) {
		tls_session_free(s);
		return rc;
	}
	check_name(s);
	*session = s;
	return 0;
}

int tls_session_begin(int fd, const struct tls_client_config *config, struct tls_session **session, char *why,
		      size_t why_size)
{
	*session = NULL;
	why[0] = '\0';
	return tls_session_new(fd, config, session, why, why_size);
}

int tls_session_handshake_step(struct tls_session *s, short *events, char *why, size_t why_size)
{
	int rc = handshake_step(s, events, why, why_size);

	if (rc == 0 && tls_session_load_trust(s) < 0) {
		snprintf(why, why_size, "%s", s->trust_why);
		return s->trust_error;
	}
	if (rc == 0)
		check_name(s);
	return rc;
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

/* --- what was negotiated ---------------------------------------------------- */

const char *tls_session_version(const struct tls_session *s)
{
	return SSL_get_version(s->ssl);
}

const char *tls_session_cipher(const struct tls_session *s)
{
	return SSL_get_cipher_name(s->ssl);
}

const char *tls_session_alpn(const struct tls_session *s, char *buf, size_t size)
{
	const unsigned char *proto = NULL;
	unsigned int len = 0;

	SSL_get0_alpn_selected(s->ssl, &proto, &len);
	if (!proto || len == 0)
		return NULL;
	snprintf(buf, size, "%.*s", (int)len, (const char *)proto);
	return buf;
}

const char *tls_session_group(const struct tls_session *s)
{
	EVP_PKEY *key = NULL;

	if (!s->group[0] && SSL_get_peer_tmp_key(s->ssl, &key) == 1 && key) {
		size_t len = 0;
		struct tls_session *w = (struct tls_session *)s; /* a cache filled once */

		if (EVP_PKEY_get_group_name(key, w->group, sizeof(w->group), &len) != 1 || !w->group[0])
			snprintf(w->group, sizeof(w->group), "%s", EVP_PKEY_get0_type_name(key));
		EVP_PKEY_free(key);
	}
	return s->group[0] ? s->group : NULL;
}

bool tls_session_cert_requested(const struct tls_session *s)
{
	return s->cert_requested;
}

bool tls_session_resumed(const struct tls_session *s)
{
	return SSL_session_reused(s->ssl) == 1;
}

SSL *tls_session_ssl(const struct tls_session *s)
{
	return s->ssl;
}

bool tls_session_verified(const struct tls_session *s)
{
	return s->verify && !s->no_trust_store && s->first_verify_error == X509_V_OK &&
	       SSL_get_verify_result(s->ssl) == X509_V_OK && (!s->name_checked || s->name_matched);
}

void tls_session_peer_subject(const struct tls_session *s, char *buf, size_t size)
{
	X509 *cert = SSL_get0_peer_certificate(s->ssl);

	x509_name_line(cert ? X509_get_subject_name(cert) : NULL, buf, size);
}

void tls_session_peer_issuer(const struct tls_session *s, char *buf, size_t size)
{
	X509 *cert = SSL_get0_peer_certificate(s->ssl);

	x509_name_line(cert ? X509_get_issuer_name(cert) : NULL, buf, size);
}

void tls_session_verification(const struct tls_session *s, struct tls_verification *v)
{
	long result = SSL_get_verify_result(s->ssl);

	memset(v, 0, sizeof(*v));
	v->attempted = s->verify;
	v->no_trust_store = s->no_trust_store;
	v->error = s->first_verify_error != X509_V_OK ? s->first_verify_error : (int)result;
	v->error_depth = s->first_verify_error != X509_V_OK ? s->first_verify_depth : 0;
	v->reason = X509_verify_cert_error_string(v->error);
	v->name_checked = s->name_checked;
	v->name_matched = s->name_matched;
	snprintf(v->name, sizeof(v->name), "%s", s->verify_name);
	snprintf(v->trust_source, sizeof(v->trust_source), "%s", s->trust_source);
}

static int chain_infos(STACK_OF(X509) *certs, struct x509_info **chain)
{
	int count = certs ? sk_X509_num(certs) : 0, i;
	struct x509_info *list;

	*chain = NULL;
	if (count <= 0)
		return 0;
	list = calloc((size_t)count, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		if (x509_inspect(sk_X509_value(certs, i), &list[i]) < 0) {
			x509_info_array_free(list, (size_t)i);
			return -ENOMEM;
		}
	}
	*chain = list;
	return count;
}

int tls_session_peer_chain(const struct tls_session *s, bool verified, struct x509_info **chain)
{
	if (verified)
		return s->first_verify_error == X509_V_OK && !s->no_trust_store
			       ? chain_infos(SSL_get0_verified_chain(s->ssl), chain)
			       : (*chain = NULL, 0);
	/* On the client side the chain as sent includes the leaf. */
	return chain_infos(SSL_get_peer_cert_chain(s->ssl), chain);
}

/* --- OCSP staple -------------------------------------------------------------- */

static enum tls_ocsp_status basic_response_status(OCSP_BASICRESP *basic)
{
	enum tls_ocsp_status status = TLS_OCSP_INVALID;
	int i, count = OCSP_resp_count(basic);

	/* A staple answers for the leaf; a responder may add others. */
	for (i = 0; i < count; i++) {
		int reason = 0, cert_status = OCSP_single_get0_status(OCSP_resp_get0(basic, i), &reason, NULL,
								      NULL, NULL);

		if (cert_status == V_OCSP_CERTSTATUS_REVOKED)
			return TLS_OCSP_REVOKED;
		if (cert_status == V_OCSP_CERTSTATUS_GOOD)
			status = TLS_OCSP_GOOD;
		else if (cert_status == V_OCSP_CERTSTATUS_UNKNOWN && status != TLS_OCSP_GOOD)
			status = TLS_OCSP_UNKNOWN;
	}
	return status;
}

enum tls_ocsp_status tls_session_ocsp(const struct tls_session *s)
{
	const unsigned char *der = NULL;
	long len;
	OCSP_RESPONSE *response;
	OCSP_BASICRESP *basic;
	enum tls_ocsp_status status = TLS_OCSP_INVALID;

	if (!s->want_ocsp)
		return TLS_OCSP_NOT_REQUESTED;
	len = SSL_get_tlsext_status_ocsp_resp(s->ssl, &der);
	if (len <= 0 || !der)
		return TLS_OCSP_NONE;
	response = d2i_OCSP_RESPONSE(NULL, &der, len);
	if (response && OCSP_response_status(response) == OCSP_RESPONSE_STATUS_SUCCESSFUL &&
	    (basic = OCSP_response_get1_basic(response))) {
		status = basic_response_status(basic);
		OCSP_BASICRESP_free(basic);
	}
	OCSP_RESPONSE_free(response);
	ERR_clear_error();
	return status;
}

const char *tls_ocsp_status_name(enum tls_ocsp_status status)
{
	switch (status) {
	case TLS_OCSP_NOT_REQUESTED: return "not requested";
	case TLS_OCSP_NONE: return "none";
	case TLS_OCSP_GOOD: return "good";
	case TLS_OCSP_REVOKED: return "revoked";
	case TLS_OCSP_UNKNOWN: return "unknown";
	case TLS_OCSP_INVALID: return "invalid";
	}
	return "invalid";
}
