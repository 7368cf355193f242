/* sonde curl, shared between curl.c (options, the redirect chain, main),
 * curl_out.c (what curl prints while a transfer runs: -v lines, heads,
 * the body, the progress meter, the error line), curl_request.c (the
 * request body, credentials, the output file name) and curl_write_out.c
 * (-w and its variables). */
#ifndef SONDE_CURL_IMPL_H
#define SONDE_CURL_IMPL_H

#include <stdbool.h>
#include <stdio.h>

#include "sonde/applet.h"
#include "sonde/http_client.h"

/* What curl 7.88 calls itself on the wire (User-Agent) and in -V. */
#define CURL_IMITATED_VERSION "7.88.1"

/* curl's code for a body cut short, which http (and libcore) count as a
 * receive failure (56). */
#define CURL_EXIT_PARTIAL 18

#define CURL_MAX_HEADERS 64
#define CURL_MAX_OVERRIDES 16
#define CURL_MAX_DATA 16
#define CURL_MAX_DATA_FILE (16 * 1024 * 1024)

enum curl_data_kind { CURL_DATA_ASCII, CURL_DATA_BINARY, CURL_DATA_RAW };

struct curl_data {
	const char *arg;
	enum curl_data_kind kind;
};

struct curl_config {
	bool silent, show_error, fail, fail_with_body, remote_name, head, include, insecure, location;
	bool ipv4, ipv6, http11, compressed;
	int verbose;
	const char *output, *method, *write_out, *user, *user_agent, *referer, *dump_header;
	const char *cacert, *capath, *cert, *key;
	int max_redirs;
	double max_time_s, connect_timeout_s;
	const char *headers[CURL_MAX_HEADERS];
	size_t header_count;
	const char *resolves[CURL_MAX_OVERRIDES];
	size_t resolve_count;
	const char *connect_tos[CURL_MAX_OVERRIDES];
	size_t connect_to_count;
	struct curl_data data[CURL_MAX_DATA];
	size_t data_count;
	bool too_many;           /* more -H/-d/--resolve/--connect-to than fit: main says so */
	bool family_conflict;    /* -4 and -6 both: curl then fails to connect (7) */
};

/* The whole command as it runs: the transfers of a redirect chain, what
 * has been written, and what -w reports. */
struct curl_run {
	const struct curl_config *cfg;
	const char *url_arg;          /* as given */
	const char *output_name;      /* -o FILE, -O's name, NULL: stdout */
	FILE *body_out;               /* opened at the first body byte */
	bool body_to_tty;
	FILE *header_out;             /* -D FILE */
	bool meter;                   /* the progress meter is on (stderr) */
	int64_t start_ns;
	int64_t deadline_ms;          /* -m, 0: none */
	struct http_transfer *t;      /* the current transfer */
	struct http_url url;          /* the current URL */
	int redirects;
	bool include_heads;           /* -i, or -I */
	bool failed_status;           /* --fail and a status >= 400: the body is not written */
	uint64_t header_bytes;        /* of every response head, as size_header */
	uint64_t body_bytes;          /* written (decoded) */
	int exit_code;
	char errmsg[512];             /* curl's error text (without "curl: (N) ") */
	char redirect_url[HTTP_MAX_TARGET + HTTP_MAX_HOST + 32];
	int connects;                 /* connections made (num_connects) */
};

/* curl_out.c */
extern const struct http_client_hooks curl_print_hooks;
/* The body file or stdout, opened when first needed.  NULL on failure. */
FILE *curl_body_stream(struct curl_run *run);
/* The progress meter's head and first line, and its last line. */
void curl_meter_start(struct curl_run *run);
void curl_meter_end(struct curl_run *run);
/* curl's error text for a failed transfer, into run->errmsg. */
void curl_describe_failure(struct curl_run *run, const struct http_transfer *t, int code);
/* "curl: (N) text" (and -v's "* text"), when curl would print it. */
void curl_print_error(const struct curl_run *run);
/* -v's closing line for a connection. */
void curl_verbose_close(const struct curl_run *run, bool kept);

/* curl_request.c */
/* The body from -d/--data-binary/--data-raw, joined with '&' as curl
 * does; *body NULL when none.  Returns 0 or an exit code after a message. */
int curl_request_body(const struct curl_config *cfg, char **body, size_t *len);
/* "Basic ..." for -u USER:PASSWORD into buf. */
void curl_basic_auth(const char *user, char *buf, size_t size);
/* -O: the last segment of the URL's path, or NULL when it has none. */
const char *curl_remote_name(const struct http_url *url, char *buf, size_t size);

/* curl_write_out.c */
/* Writes -w's format after the transfer (stdout, or stderr after
 * %{stderr}). */
void curl_write_out(const struct curl_run *run, const char *format);

#endif
