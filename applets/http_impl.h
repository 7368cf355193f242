/* sonde http, shared between http.c (options, redirects, output) and
 * http_transfer.c (one request on one connection, with its timings). */
#ifndef SONDE_HTTP_IMPL_H
#define SONDE_HTTP_IMPL_H

#include <stdbool.h>
#include <stdio.h>

#include "sonde/applet.h"
#include "sonde/http.h"
#include "sonde/tls.h"

/* curl's exit codes, where scripts rely on them. */
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
	HTTP_EXIT_CERT = 60,
	HTTP_EXIT_BAD_ENCODING = 61,  /* a transfer coding other than chunked */
	HTTP_EXIT_CA_FILE = 77,
};

/* Limits that hold when none is given, so that a script can rely on http
 * ending (docs/http.md): the connect phase (name, TCP, TLS handshake) and
 * the whole command. */
#define HTTP_DEFAULT_CONNECT_TIMEOUT_S 10
#define HTTP_DEFAULT_MAX_TIME_S 300

#define HTTP_MAX_USER_HEADERS 64
#define HTTP_MAX_OVERRIDES 16

struct http_config {
	const char *method;
	const char *headers[HTTP_MAX_USER_HEADERS];
	size_t header_count;
	const char *data;
	bool head, include, location, insecure, fail, timing, ipv4, ipv6;
	int verbose;
	const char *output;
	int max_redirs;
	const char *resolves[HTTP_MAX_OVERRIDES];
	size_t resolve_count;
	const char *connect_tos[HTTP_MAX_OVERRIDES];
	size_t connect_to_count;
	const char *cacert, *capath;
	double max_time_s, connect_timeout_s;  /* max_time_s 0: no limit */
	bool too_many;           /* more -H/--resolve/--connect-to than fit: reported by main */
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
	const struct http_config *cfg;
	const struct http_url *url;
	const char *method;
	const char *body;
	size_t body_len;
	bool discard_body;       /* a redirect to follow, --json, --fail on an error... decided late */
	FILE *body_out;
	int64_t start_ns;        /* of the whole command */
	int64_t deadline_ms;     /* --max-time, 0: none */
	int64_t connect_deadline_ms; /* --connect-timeout, set when the transfer starts */
	/* out */
	struct http_parser parser;
	struct http_timings timings;
	char address[ADDR_STRLEN];
	uint16_t port;
	bool tls_used, tls_verified;
	char tls_version[32], tls_cipher[128];
	char why[400];           /* for a failure */
	uint64_t received_bytes; /* from the network, before decoding */
	bool body_write_failed;
	bool head_handled;       /* -i/-v printed, body decisions made */
};

/* Runs the transfer.  Returns HTTP_EXIT_OK or a curl exit code, with
 * t->why set. */
int http_transfer_run(struct http_transfer *t);
/* Frees what the transfer holds (the parsed response). */
void http_transfer_free(struct http_transfer *t);

#endif
