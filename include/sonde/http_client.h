/* One HTTP/1.1 request on its own connection, for every applet that speaks
 * HTTP (http, curl): where to connect (--connect-to, --resolve), the core
 * resolver and TCP, TLS, the request, the response through the parser
 * (http.h), an optional content decoding (inflate.h), and a timestamp at
 * each step.  What an applet prints along the way (curl's -v lines, -i
 * heads, a progress meter) it prints from the hooks; the engine prints
 * nothing. */
#ifndef SONDE_HTTP_CLIENT_H
#define SONDE_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/http.h"
#include "sonde/inflate.h"
#include "sonde/tls.h"

/* curl's exit codes, which both HTTP applets return where scripts rely on
 * them. */
enum http_exit {
	HTTP_EXIT_OK = 0,
	HTTP_EXIT_UNSUPPORTED = 1,    /* not http or https */
	HTTP_EXIT_USAGE = 2,          /* also a malformed URL (curl says 3, sonde's 3 is privilege) */
	HTTP_EXIT_PRIVILEGE = 3,
	HTTP_EXIT_RESOLVE = 6,
	HTTP_EXIT_CONNECT = 7,
	HTTP_EXIT_WEIRD_REPLY = 8,
	HTTP_EXIT_FAIL = 22,          /* --fail and a status of 400 or more */
	HTTP_EXIT_WRITE = 23,
	HTTP_EXIT_TIMEOUT = 28,
	HTTP_EXIT_TLS = 35,
	HTTP_EXIT_REDIRECTS = 47,
	HTTP_EXIT_EMPTY_REPLY = 52,
	HTTP_EXIT_SEND = 55,
	HTTP_EXIT_RECV = 56,
	HTTP_EXIT_CLIENT_CERT = 58,   /* --cert/--key unusable */
	HTTP_EXIT_CERT = 60,
	HTTP_EXIT_BAD_ENCODING = 61,  /* a coding that cannot be decoded */
	HTTP_EXIT_CA_FILE = 77,
};

/* What failed, finer than the exit code, for messages written as curl's. */
enum http_failure {
	HTTP_FAILED_NONE,
	HTTP_FAILED_RESOLVE,          /* failed_host */
	HTTP_FAILED_CONNECT,          /* failed_host, port; connect_error */
	HTTP_FAILED_CONNECT_TIMEOUT,  /* the connect phase's limit, before TCP was up */
	HTTP_FAILED_TLS,
	HTTP_FAILED_TIMEOUT,          /* --max-time after connecting */
	HTTP_FAILED_OTHER,
};

struct http_transfer;

/* Accept-Encoding with decode_content: the codings inflate.h decodes. */
#define HTTP_ACCEPT_ENCODING "deflate, gzip"

/* Called as the transfer goes, each optional.  ctx is http_client_config's
 * hooks_ctx. */
struct http_client_hooks {
	/* TCP is up (t->address, t->port) or failed (t->failure set). */
	void (*connected)(void *ctx, struct http_transfer *t);
	/* The TLS handshake is done; the session is valid during the call. */
	void (*tls_done)(void *ctx, struct http_transfer *t, const struct tls_session *session);
	/* The request as sent: head_len bytes of head, then body_len of body. */
	void (*request)(void *ctx, struct http_transfer *t, const char *bytes, size_t head_len, size_t body_len);
	/* Every line of every response head (interim ones included) as
	 * received, terminator included. */
	void (*head_line)(void *ctx, struct http_transfer *t, const char *line, size_t len);
	/* The final head is complete: the hook may set t->discard_body. */
	void (*head)(void *ctx, struct http_transfer *t);
	/* Body bytes as received from the network (before any decoding). */
	void (*received)(void *ctx, struct http_transfer *t, size_t raw_len);
	/* The body, decoded.  Returns 0 or <0 to stop (a write error). */
	int (*body)(void *ctx, struct http_transfer *t, const char *data, size_t len);
};

struct http_client_config {
	const char *const *headers;       /* "Name: value", as http_request */
	size_t header_count;
	const char *const *resolves;      /* --resolve HOST:PORT:ADDR */
	size_t resolve_count;
	const char *const *connect_tos;   /* --connect-to H1:P1:H2:P2 */
	size_t connect_to_count;
	int family;                       /* AF_UNSPEC, AF_INET, AF_INET6 */
	bool insecure;
	const char *cacert, *capath, *cert, *key;
	double max_time_s;                /* 0: no limit */
	double connect_timeout_s;         /* 0: no limit of its own */
	const char *user_agent;           /* NULL: "sonde" */
	const char *authorization;        /* NULL: none; "Basic ..." */
	const char *referer;              /* NULL: none */
	bool no_connection_close;         /* send no "Connection: close" (curl sends none) */
	/* Ask for and decode gzip and deflate bodies (curl --compressed). */
	bool decode_content;
	const struct http_client_hooks *hooks;
	void *hooks_ctx;
};

/* Times in milliseconds from the start of the whole command, as curl's
 * -w variables (which it gives in seconds). */
struct http_timings {
	double namelookup_ms, connect_ms, appconnect_ms, pretransfer_ms, starttransfer_ms, total_ms;
	double redirect_ms;      /* spent on earlier responses of a redirect chain */
};

/* One request and its response. */
struct http_transfer {
	/* in */
	const struct http_client_config *cfg;
	const struct http_url *url;
	const char *method;
	const char *body;
	size_t body_len;
	bool discard_body;       /* a redirect to follow, --fail on an error... decided at the head */
	int64_t start_ns;        /* of the whole command */
	int64_t deadline_ms;     /* --max-time, 0: none */
	int64_t connect_deadline_ms; /* --connect-timeout, set when the transfer starts */
	/* out */
	struct http_parser parser;
	struct http_timings timings;
	char host[HTTP_MAX_HOST]; /* connected to, after --connect-to and --resolve */
	char address[ADDR_STRLEN];
	uint16_t port;
	struct sonde_addr local;  /* the socket's own address once connected */
	bool connected;
	bool tls_used, tls_verified;
	int tls_verify_result;    /* OpenSSL's X509_V_* verdict (0: ok), also under -k */
	char tls_version[32], tls_cipher[128];
	enum http_failure failure;
	int connect_error;        /* -errno of the failed connect */
	char why[400];            /* for a failure, in sonde's words */
	uint64_t received_bytes;  /* from the network, before decoding */
	uint64_t request_bytes;   /* the request as sent, head and body */
	bool body_write_failed;
	bool head_handled;        /* the head hook ran */
	struct inflater *inflater;/* when the body is being decoded */
	bool decode_failed;
};

/* Runs the transfer.  Returns HTTP_EXIT_OK or a curl exit code, with
 * t->why set. */
/* Why ARG is not a usable --header, --resolve or --connect-to argument
 * ("not HOST:PORT:ADDR"), or NULL when it is one: the applets refuse at
 * parse time what the transfer could only skip. */
const char *http_header_arg_error(const char *arg);
const char *http_resolve_arg_error(const char *arg);
const char *http_connect_to_arg_error(const char *arg);

int http_transfer_run(struct http_transfer *t);
/* Frees what the transfer holds (the parsed response). */
void http_transfer_free(struct http_transfer *t);

#endif
