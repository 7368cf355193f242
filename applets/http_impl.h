/* sonde http, shared between http.c (options, redirects, the JSON document)
 * and http_out.c (what is printed while a transfer runs on libcore's
 * http_client). */
#ifndef SONDE_HTTP_IMPL_H
#define SONDE_HTTP_IMPL_H

#include <stdbool.h>
#include <stdio.h>

#include "sonde/applet.h"
#include "sonde/http_client.h"

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

/* What http prints as the transfer goes (http_out.c): the body, -i heads
 * and -v lines, through the engine's hooks. */
struct http_run {
	const struct http_config *cfg;
	FILE *body_out;          /* NULL: the body goes nowhere (--json without -o) */
};

extern const struct http_client_hooks http_print_hooks;

#endif
