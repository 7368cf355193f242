/* The TLS client over OpenSSL, shared by tls, http and nc --ssl: SNI, ALPN,
 * protocol bounds, security level, CA sources, the name verified, the time
 * verified at, client certificates, and what the server sent (chain, OCSP
 * staple, group).  It runs on a connected non-blocking socket; the I/O calls
 * follow relay.h's conventions (RELAY_WANT_READ/WRITE), so a session plugs
 * into relay_run() through tls_session_relay_ops.
 *
 * Reaching the server (tls_dial) and the plain-text STARTTLS dialogues live
 * here too, since every TLS client needs them (libcore/tls_dial.c,
 * libcore/tls_starttls.c). */
#ifndef SONDE_TLS_H
#define SONDE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sonde/addr.h"
#include "sonde/relay.h"
#include "sonde/x509.h"

struct tls_session;
struct ssl_session_st; /* OpenSSL's SSL_SESSION */

/* Protocol versions as tenths: 10 = TLS 1.0 ... 13 = TLS 1.3; 0 = default. */
#define TLS_VERSION_DEFAULT_MIN 12

/* Security level when none is asked for: 2, Debian's default, set
 * explicitly so the binary behaves the same without /etc/ssl/openssl.cnf.
 * Versions below TLS 1.2 need level 0 (SHA-1 signatures): asking for them
 * lowers it to 0 unless a level is given. */
#define TLS_SECLEVEL_DEFAULT 2

struct tls_client_config {
	/* The host as the user gave it: sent as SNI when it is a name, and
	 * matched against the certificate (name or IP) when verifying. */
	const char *server_name;
	/* Check the chain and the name; a failure ends the handshake (unless
	 * report_only).  Off: accept anything. */
	bool verify;
	const char *ca_file;  /* PEM trust anchors; NULL (and no ca_path): the system store */
	int timeout_ms;       /* for the handshake; <0: no limit */

	/* The rest is optional: zero (as in a designated initializer) means
	 * "as above" or "the default". */
	const char *sni;          /* SNI to send instead of server_name */
	bool no_sni;              /* send no SNI at all */
	const char *verify_name;  /* name or IP to verify; NULL: the SNI, else server_name */
	bool report_only;         /* verify, but finish the handshake anyway and report */
	const char *ca_path;      /* a hashed directory of CA certificates (c_rehash) */
	const char *alpn;         /* "h2,http/1.1" */
	int min_version, max_version; /* tenths (12 = TLS 1.2); 0: TLS 1.2 / the newest */
	bool security_level_set;  /* else TLS_SECLEVEL_DEFAULT (0 for versions below 1.2) */
	int security_level;       /* 0..5 */
	const char *ciphers;      /* TLS <= 1.2 cipher list (OpenSSL syntax) */
	const char *ciphersuites; /* TLS 1.3 suites, ':'-separated */
	const char *cert_file, *key_file; /* client certificate (PEM); key defaults to cert_file */
	int64_t verify_at;        /* epoch seconds to verify at; 0: now */
	bool want_ocsp;           /* ask for a stapled OCSP response */
	/* openssl s_client's checks and reports (the openssl applet): */
	bool no_name_check;       /* verify the chain only, as s_client without -verify_hostname */
	bool name_in_chain_check; /* report_only too: a wrong name is X509_V_ERR_HOSTNAME_MISMATCH
				   * in the chain check (s_client -verify_hostname) */
	/* Told each step of the chain check: OpenSSL's verdict (preverify_ok)
	 * and the one the session returns (1 when report_only). */
	void (*verify_observer)(void *arg, int preverify_ok, int verdict, X509_STORE_CTX *store);
	/* Told each session the server issues (a TLS 1.3 ticket, or the
	 * TLS 1.2 session); the session stays OpenSSL's. */
	void (*session_observer)(void *arg, SSL *ssl, struct ssl_session_st *session);
	void *observer_arg;
};

/* Handshakes on fd.  Returns 0 and the session, or -errno with a one-line
 * reason in why:
 *   -ETIMEDOUT      the handshake did not finish in time
 *   -EPROTO         the handshake failed (alert, no common version or cipher...)
 *   -EKEYREJECTED   verification failed ("certificate verify failed: ...")
 *   -EINVAL         a setting is unusable (unreadable CA file, bad cipher list)
 *   -ENOENT         verification asked but no CA certificates exist anywhere
 *   -ECONNRESET...  the connection failed during the handshake
 * With report_only, verification failures do not fail the handshake (and a
 * missing trust store is reported through tls_session_verification()). */
int tls_session_connect(int fd, const struct tls_client_config *config, struct tls_session **session,
			char *why, size_t why_size);
void tls_session_free(struct tls_session *session);
/* The same handshake driven by the caller's own poll loop, for one that
 * waits on many sockets at once: tls_session_begin sets the session up on
 * fd (0 or -errno as above), then each tls_session_handshake_step advances
 * it: 0 done (verified and name checked as with tls_session_connect, but
 * without its wait for a TLS 1.3 client-certificate verdict), 1 waiting
 * for *events (POLLIN or POLLOUT) on fd, or -errno as tls_session_connect
 * returns it, with why filled.  The session is the caller's to free in
 * every case; config's timeout_ms is not used (the caller keeps time). */
int tls_session_begin(int fd, const struct tls_client_config *config, struct tls_session **session, char *why,
		      size_t why_size);
int tls_session_handshake_step(struct tls_session *session, short *events, char *why, size_t why_size);

/* Relay-style I/O; the void * is the struct tls_session *. */
ssize_t tls_session_recv(void *session, void *buf, size_t len);
ssize_t tls_session_send(void *session, const void *buf, size_t len);
/* Sends close_notify and half-closes the socket. */
int tls_session_shutdown_write(void *session);
size_t tls_session_pending(void *session);
extern const struct relay_net_ops tls_session_relay_ops;

/* What was negotiated. */
const char *tls_session_version(const struct tls_session *session);  /* "TLSv1.3" */
const char *tls_session_cipher(const struct tls_session *session);   /* "TLS_AES_256_GCM_SHA384" */
/* The ALPN protocol the server chose, or NULL. */
const char *tls_session_alpn(const struct tls_session *session, char *buf, size_t size);
/* The key exchange group ("X25519", "secp256r1"), or NULL when none (RSA
 * key exchange). */
const char *tls_session_group(const struct tls_session *session);
/* The server asked for a client certificate and none was configured. */
bool tls_session_cert_requested(const struct tls_session *session);
bool tls_session_resumed(const struct tls_session *session);
/* The OpenSSL connection itself, for a printer that must say what
 * OpenSSL's own tools say about it (the openssl applet): not to be freed. */
SSL *tls_session_ssl(const struct tls_session *session);
/* Verified and the name matched. */
bool tls_session_verified(const struct tls_session *session);
/* The peer certificate's subject and issuer, one line each ("CN = example"). */
void tls_session_peer_subject(const struct tls_session *session, char *buf, size_t size);
void tls_session_peer_issuer(const struct tls_session *session, char *buf, size_t size);

struct tls_verification {
	bool attempted;         /* verification was asked for */
	bool no_trust_store;    /* no --cafile/--capath and no system store: impossible */
	int error;              /* OpenSSL's X509_V_* code of the first problem; 0 = none */
	int error_depth;        /* where in the chain (0 = leaf) */
	const char *reason;     /* OpenSSL's text for error ("certificate has expired"), static */
	bool name_checked;      /* a name (or IP) was compared with the leaf */
	bool name_matched;
	char name[256];         /* the name or IP compared */
	char trust_source[300]; /* "system store (/usr/lib/ssl/certs)", "--cafile FILE" */
};
void tls_session_verification(const struct tls_session *session, struct tls_verification *v);

/* The chain as the server sent it (leaf first), or the verified chain (leaf
 * to trust anchor; empty when verification failed).  Returns the count or
 * -ENOMEM; free with x509_info_array_free(). */
int tls_session_peer_chain(const struct tls_session *session, bool verified, struct x509_info **chain);

enum tls_ocsp_status {
	TLS_OCSP_NOT_REQUESTED,
	TLS_OCSP_NONE,      /* asked, the server stapled nothing */
	TLS_OCSP_GOOD,
	TLS_OCSP_REVOKED,
	TLS_OCSP_UNKNOWN,   /* the responder does not know the certificate */
	TLS_OCSP_INVALID,   /* a staple that does not parse, or an error response */
};
enum tls_ocsp_status tls_session_ocsp(const struct tls_session *session);
const char *tls_ocsp_status_name(enum tls_ocsp_status status); /* "good", "none"... */

/* "1.2", "tls1.2", "TLSv1.2", "12" -> 12.  Returns -EINVAL for others. */
int tls_parse_version(const char *text);
/* 12 -> "TLSv1.2" */
const char *tls_version_name(int version);
/* The TLS 1.3 suites this OpenSSL knows, ':'-separated. */
const char *tls13_all_suites(void);

/* --- reaching the server (libcore/tls_dial.c) ------------------------------ */

struct tls_dial_result {
	struct sonde_addr peer;   /* the address that answered */
	double dns_ms;            /* name resolution (0 for an address) */
	double connect_ms;        /* the TCP connect that succeeded, from its start */
	int resolve_error;        /* a negative c-ares status when the name failed */
	int connect_error;        /* -errno of the last connect attempt that failed */
	struct sonde_addr tried;  /* the last address connected to (len 0: none) */
};

/* Resolves host (unless it is an address) and connects to each address in
 * turn until one answers; each attempt gets timeout_ms (<0: none).  With
 * warm_up (the config the TLS session will have), tls_warm_up runs while
 * the first connect is on its way.  Returns the non-blocking socket, or -1
 * with resolve_error or connect_error set. */
int tls_dial(const char *host, uint16_t port, int family, int timeout_ms, const struct tls_client_config *warm_up,
	     struct tls_dial_result *result);
/* What the first session of the process would set up (the library, and
 * every algorithm libssl fetches for a context), done once ahead: for work
 * that can overlap a network wait. */
void tls_warm_up(const struct tls_client_config *config);

/* --- STARTTLS (libcore/tls_starttls.c) -------------------------------------- */

enum tls_starttls_proto {
	STARTTLS_NONE,
	STARTTLS_SMTP,
	STARTTLS_IMAP,
	STARTTLS_POP3,
	STARTTLS_FTP,
	STARTTLS_POSTGRES,
	STARTTLS_MYSQL,
};

/* "smtp" -> STARTTLS_SMTP; -EINVAL for names it does not know. */
int tls_starttls_parse(const char *name);
const char *tls_starttls_name(enum tls_starttls_proto proto);
/* The protocol's default port (25 for smtp...). */
uint16_t tls_starttls_port(enum tls_starttls_proto proto);
/* Speaks the protocol's plain-text opening on fd up to the point where TLS
 * starts.  Returns 0, -ETIMEDOUT, -EPROTO (the server refused or said
 * something else; why quotes it), or -errno. */
int tls_starttls(int fd, enum tls_starttls_proto proto, const char *client_name, int timeout_ms, char *why,
		 size_t why_size);

#endif
