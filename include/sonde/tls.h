/* TLS client sessions over OpenSSL, on a connected non-blocking socket.  The
 * I/O calls follow relay.h's conventions (RELAY_WANT_READ/WRITE), so a
 * session plugs into relay_run() through tls_session_relay_ops. */
#ifndef SONDE_TLS_H
#define SONDE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sonde/relay.h"

struct tls_session;

struct tls_client_config {
	/* The host as the user gave it: sent as SNI when it is a name, and
	 * matched against the certificate (name or IP) when verifying. */
	const char *server_name;
	bool verify;          /* check the chain and the name; off: accept anything */
	const char *ca_file;  /* PEM trust anchors; NULL: the system store */
	int timeout_ms;       /* for the handshake; <0: no limit */
};

/* Handshakes on fd.  Returns 0 and the session, or -errno (-ETIMEDOUT,
 * -EPROTO for a TLS failure, -ECONNRESET...) with a one-line reason in why
 * ("certificate verify failed: Hostname mismatch"). */
int tls_session_connect(int fd, const struct tls_client_config *config, struct tls_session **session,
			char *why, size_t why_size);
void tls_session_free(struct tls_session *session);

/* Relay-style I/O; the void * is the struct tls_session *. */
ssize_t tls_session_recv(void *session, void *buf, size_t len);
ssize_t tls_session_send(void *session, const void *buf, size_t len);
/* Sends close_notify and half-closes the socket. */
int tls_session_shutdown_write(void *session);
size_t tls_session_pending(void *session);
extern const struct relay_net_ops tls_session_relay_ops;

/* What was negotiated, for -v. */
const char *tls_session_version(const struct tls_session *session);  /* "TLSv1.3" */
const char *tls_session_cipher(const struct tls_session *session);   /* "TLS_AES_256_GCM_SHA384" */
bool tls_session_verified(const struct tls_session *session);
/* The peer certificate's subject and issuer, one line each ("CN = example"). */
void tls_session_peer_subject(const struct tls_session *session, char *buf, size_t size);
void tls_session_peer_issuer(const struct tls_session *session, char *buf, size_t size);

#endif
