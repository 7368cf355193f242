/* openssl s_client: reach the server (tls_dial, STARTTLS), handshake with
 * libcore's TLS client as s_client does (verification reported, not
 * enforced, unless -verify_return_error; the name checked only when
 * -verify_hostname or -verify_ip asks), print the report, then relay stdin
 * to the server and the server to stdout until either ends, with
 * s_client's line commands (Q quits, R renegotiates, k/K update keys). */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "openssl_impl.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/resolve.h"
#include "sonde/services.h"
#include "sonde/sock.h"

/* s_client's default server, and how long it reads what the server still
 * says once its side is closed. */
#define S_CLIENT_DEFAULT_PORT 4433
#define S_CLIENT_DRAIN_MS 500
#define S_CLIENT_BUF_BYTES (16 * 1024)

struct s_client_run {
	const struct openssl_s_client_config *cfg;
	char host[256];
	uint16_t port;
	int fd;
	struct tls_session *session;
	struct s_client_print print;
};

static int parse_connect(struct s_client_run *r)
{
	const char *text = r->cfg->connect ? r->cfg->connect : "localhost:4433", *port_text = NULL;

	if (addr_split_hostport(text, r->host, sizeof(r->host), &port_text) < 0 || !r->host[0]) {
		sonde_err("s_client: not HOST:PORT: '%s'", text);
		return OPENSSL_EXIT_FAIL;
	}
	r->port = S_CLIENT_DEFAULT_PORT;
	if (port_text && addr_parse_port(port_text, false, &r->port) < 0 &&
	    services_port(port_text, "tcp", &r->port) < 0) {
		sonde_err("s_client: not a port: '%s'", port_text);
		return OPENSSL_EXIT_FAIL;
	}
	return 0;
}

/* --- the connection ---------------------------------------------------------------- */

static int dial(struct s_client_run *r)
{
	struct tls_dial_result result;

	r->fd = tls_dial(r->host, r->port, AF_UNSPEC, -1, NULL, &result);
	if (r->fd >= 0)
		return 0;
	if (result.resolve_error) {
		sonde_err("s_client: cannot resolve %s: %s", r->host, resolve_strerror(result.resolve_error));
		return OPENSSL_EXIT_FAIL;
	}
	sonde_errno(result.connect_error, "s_client: cannot connect to %s port %u", r->host, r->port);
	fprintf(stderr, "connect:errno=%d\n", -result.connect_error);
	return OPENSSL_EXIT_FAIL;
}

static void observe_verify(void *arg, int preverify_ok, int verdict, X509_STORE_CTX *store)
{
	s_client_print_verify_step(arg, preverify_ok, verdict, store);
}

static void observe_session(void *arg, SSL *ssl, struct ssl_session_st *session)
{
	s_client_print_new_session(arg, ssl, session);
}

static void client_config(struct s_client_run *r, struct tls_client_config *c)
{
	const struct openssl_s_client_config *cfg = r->cfg;
	const char *name = cfg->verify_hostname ? cfg->verify_hostname : cfg->verify_ip;

	*c = (struct tls_client_config){
		.server_name = r->host,
		.verify = true,
		.report_only = !cfg->verify_return_error,
		.ca_file = cfg->cafile,
		.ca_path = cfg->capath,
		.timeout_ms = -1,
		.sni = cfg->servername,
		.no_sni = cfg->noservername,
		.verify_name = name,
		.no_name_check = name == NULL,
		.name_in_chain_check = true,
		.alpn = cfg->alpn,
		.min_version = cfg->tls12 ? 12 : cfg->tls13 ? 13 : 0,
		.max_version = cfg->tls12 ? 12 : cfg->tls13 ? 13 : 0,
		.cert_file = cfg->cert,
		.key_file = cfg->key,
		.want_ocsp = cfg->status,
		.verify_observer = observe_verify,
		.session_observer = observe_session,
		.observer_arg = &r->print,
	};
}

/* s_client asks OpenSSL for the name the server acknowledged when the
 * server's extensions arrive, which cannot be when none was sent. */
static int server_name_acknowledged(SSL *ssl, int *alert, void *arg)
{
	(void)alert, (void)arg;
	if (SSL_get_servername_type(ssl) == -1)
		fputs("Can't use SSL_get_servername\n", stderr);
	return SSL_TLSEXT_ERR_OK;
}

static int handshake(struct s_client_run *r, char *why, size_t why_size)
{
	struct tls_client_config c;
	int rc;

	client_config(r, &c);
	rc = tls_session_begin(r->fd, &c, &r->session, why, why_size);
	if (rc < 0)
		return rc;
	SSL_CTX_set_tlsext_servername_callback(SSL_get_SSL_CTX(tls_session_ssl(r->session)),
					       server_name_acknowledged);
	for (;;) {
		struct pollfd pfd = { r->fd, 0, 0 };

		rc = tls_session_handshake_step(r->session, &pfd.events, why, why_size);
		if (rc <= 0)
			return rc;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			snprintf(why, why_size, "poll: %s", strerror(errno));
			return -errno;
		}
	}
}

/* --- after the handshake: stdin to the server, the server to stdout ---------------- */

enum { CONVERSE_GOES_ON = -1 };

static int send_all(struct s_client_run *r, SSL *ssl, const char *data, size_t len)
{
	while (len > 0) {
		size_t sent = 0;
		int error;

		if (SSL_write_ex(ssl, data, len, &sent) == 1) {
			data += sent, len -= sent;
			continue;
		}
		error = SSL_get_error(ssl, 0);
		if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
			struct pollfd pfd = { r->fd, error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0 };

			poll(&pfd, 1, -1);
			continue;
		}
		fprintf(stderr, "write:errno=%d\n", errno);
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/* The server's bytes go out as they come, after the lines printed so far.
 * A reader gone is noticed by the next read of the server (SIGPIPE). */
static void write_stdout(const char *data, size_t len)
{
	fflush(stdout);
	(void)fd_write_all(STDOUT_FILENO, data, len);
}

/* What the server sent: data to stdout, or the end.  s_client's words for
 * each way the connection ends, and its exit status. */
static int read_server(struct s_client_run *r, SSL *ssl)
{
	char buf[S_CLIENT_BUF_BYTES];
	size_t got = 0;
	int error;

	errno = 0;
	if (SSL_read_ex(ssl, buf, sizeof(buf), &got) == 1) {
		write_stdout(buf, got);
		return CONVERSE_GOES_ON;
	}
	error = SSL_get_error(ssl, 0);
	switch (error) {
	case SSL_ERROR_WANT_READ:
		BIO_puts(r->print.out, "read R BLOCK\n");
		(void)BIO_flush(r->print.out);
		return CONVERSE_GOES_ON;
	case SSL_ERROR_WANT_WRITE:
		return CONVERSE_GOES_ON;
	case SSL_ERROR_ZERO_RETURN:
		BIO_puts(r->print.out, "closed\n");
		(void)BIO_flush(r->print.out);
		return OPENSSL_EXIT_OK;
	case SSL_ERROR_SYSCALL:
		if (r->cfg->brief)
			fputs("CONNECTION CLOSED BY SERVER\n", stderr);
		else
			fprintf(stderr, "read:errno=%d\n", errno);
		ERR_clear_error();
		return errno;
	default:
		ERR_print_errors_fp(stderr);
		return OPENSSL_EXIT_FAIL;
	}
}

/* What the user typed: a chunk is sent as read, unless it starts with one
 * of s_client's command letters. */
static int read_user(struct s_client_run *r, SSL *ssl)
{
	char buf[S_CLIENT_BUF_BYTES];
	ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));

	if (got < 0 && errno == EINTR)
		return CONVERSE_GOES_ON;
	if (got <= 0 || buf[0] == 'Q') {
		fputs("DONE\n", stderr);
		return OPENSSL_EXIT_OK;
	}
	if (buf[0] == 'R') {
		fputs("RENEGOTIATING\n", stderr);
		SSL_renegotiate(ssl);
		SSL_do_handshake(ssl);
		ERR_clear_error();
		return CONVERSE_GOES_ON;
	}
	if (buf[0] == 'K' || buf[0] == 'k') {
		fputs("KEYUPDATE\n", stderr);
		SSL_key_update(ssl, buf[0] == 'K' ? SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED);
		SSL_do_handshake(ssl);
		ERR_clear_error();
		return CONVERSE_GOES_ON;
	}
	return send_all(r, ssl, buf, (size_t)got) < 0 ? OPENSSL_EXIT_FAIL : CONVERSE_GOES_ON;
}

/* As s_client ends: close_notify, our side closed, what the server still
 * sends read for a moment (so that it sees an orderly end, not a reset). */
static void shut(struct s_client_run *r, SSL *ssl)
{
	int64_t deadline = deadline_after_ms(S_CLIENT_DRAIN_MS);
	char buf[S_CLIENT_BUF_BYTES];

	SSL_shutdown(ssl);
	ERR_clear_error();
	shutdown(r->fd, SHUT_WR);
	for (;;) {
		struct pollfd pfd = { r->fd, POLLIN, 0 };

		if (poll(&pfd, 1, deadline_poll_ms(deadline)) <= 0 || read(r->fd, buf, sizeof(buf)) <= 0)
			break;
	}
}

static int converse(struct s_client_run *r)
{
	SSL *ssl = tls_session_ssl(r->session);
	bool stdin_open = true;
	int rc = CONVERSE_GOES_ON;

	/* s_client tells a server that vanished from one that said goodbye. */
	SSL_clear_options(ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
	while (rc == CONVERSE_GOES_ON) {
		struct pollfd pfd[2] = { { r->fd, POLLIN, 0 }, { STDIN_FILENO, stdin_open ? POLLIN : 0, 0 } };

		if (SSL_pending(ssl) == 0 && poll(pfd, 2, -1) < 0) {
			if (errno != EINTR)
				rc = OPENSSL_EXIT_FAIL;
			continue;
		}
		if (SSL_pending(ssl) > 0 || pfd[0].revents)
			rc = read_server(r, ssl);
		if (rc == CONVERSE_GOES_ON && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			rc = read_user(r, ssl);
	}
	shut(r, ssl);
	return rc;
}

static int failed_handshake(struct s_client_run *r, const char *why)
{
	if (r->session && !r->cfg->brief)
		s_client_print_connection(&r->print, tls_session_ssl(r->session));
	sonde_err("s_client: %s", why);
	return OPENSSL_EXIT_FAIL;
}

static int connected(struct s_client_run *r)
{
	char why[512];
	int rc;

	if (!r->cfg->brief) {
		printf("CONNECTED(%08X)\n", r->fd);
		fflush(stdout);
	}
	if (r->cfg->starttls != STARTTLS_NONE &&
	    tls_starttls(r->fd, r->cfg->starttls, NULL, -1, why, sizeof(why)) < 0) {
		sonde_err("s_client: %s", why);
		return OPENSSL_EXIT_FAIL;
	}
	rc = handshake(r, why, sizeof(why));
	if (rc < 0)
		return failed_handshake(r, why);
	if (r->cfg->brief) {
		s_client_print_brief(&r->print, tls_session_ssl(r->session));
	} else {
		if (r->cfg->status)
			s_client_print_ocsp(&r->print, tls_session_ssl(r->session));
		s_client_print_connection(&r->print, tls_session_ssl(r->session));
	}
	return converse(r);
}

int openssl_s_client_run(struct openssl_s_client_config *cfg)
{
	struct s_client_run r = { .cfg = cfg, .fd = -1 };
	int rc;

	if (cfg->tls12 && cfg->tls13) {
		sonde_err("s_client: -tls1_2 and -tls1_3 exclude each other");
		return OPENSSL_EXIT_FAIL;
	}
	if (cfg->key && !cfg->cert) {
		sonde_err("s_client: -key needs -cert");
		return OPENSSL_EXIT_FAIL;
	}
	rc = parse_connect(&r);
	if (rc == 0)
		rc = dial(&r);
	if (rc)
		return rc;
	r.print = (struct s_client_print){
		/* -brief: s_client's own lines on stdout go nowhere; the
		 * server's data still comes out. */
		.out = cfg->brief ? BIO_new(BIO_s_null()) : BIO_new_fp(stdout, BIO_NOCLOSE),
		.err = BIO_new_fp(stderr, BIO_NOCLOSE),
		.nameopt = cfg->nameopt_set ? cfg->nameopt : openssl_default_nameopt(),
		.showcerts = cfg->showcerts,
		.brief = cfg->brief,
	};
	if (!r.print.out || !r.print.err)
		rc = OPENSSL_EXIT_FAIL;
	else
		rc = connected(&r);
	tls_session_free(r.session);
	close(r.fd);
	BIO_free(r.print.out);
	BIO_free(r.print.err);
	fflush(stdout);
	return rc;
}
