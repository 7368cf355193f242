/* sonde tls, shared between its files: tls.c (options, the probe, the
 * verdict), tls_out.c (rendering), tls_scan.c (--scan) and tls_common.c
 * (the connection both use).  Calls run tls.c -> tls_scan.c, tls_out.c ->
 * tls_common.c. */
#ifndef SONDE_TLS_IMPL_APPLET_H
#define SONDE_TLS_IMPL_APPLET_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/applet.h"
#include "sonde/tls.h"

/* tls's exit codes (docs/tls.md): one per way a check fails. */
enum tls_exit {
	TLS_EXIT_OK = 0,
	TLS_EXIT_INTERNAL = 1,    /* out of memory and the like */
	TLS_EXIT_USAGE = 2,
	TLS_EXIT_PRIVILEGE = 3,
	TLS_EXIT_TIMEOUT = 4,     /* connect or handshake timed out */
	TLS_EXIT_CONNECT = 5,     /* name not found, refused, unreachable */
	TLS_EXIT_HANDSHAKE = 6,   /* no TLS, no common version or cipher, an alert */
	TLS_EXIT_UNTRUSTED = 7,   /* chain does not verify (untrusted, self-signed, incomplete) */
	TLS_EXIT_NAME = 8,        /* the certificate is not for this name */
	TLS_EXIT_EXPIRED = 9,     /* expired or not yet valid */
	TLS_EXIT_EXPIRING = 10,   /* a certificate expires within --min-days */
};

struct tls_config {
	const char *sni, *verify_name, *alpn;
	bool no_sni;
	bool tls12_only, tls13_only;
	int min_version, max_version;  /* tenths; 0: default */
	bool seclevel_set;
	int seclevel;
	const char *ciphers, *ciphersuites;
	const char *cafile, *capath, *cert, *key;
	bool showcerts, insecure, scan, ipv4, ipv6;
	int starttls;                  /* enum tls_starttls_proto */
	int64_t attime;                /* epoch seconds; 0: now */
	int min_days;                  /* -1: no check */
	double timeout_s;
	const char *connect;           /* s_client's -connect HOST:PORT */
};

/* Where to go, from the operand (or -connect). */
struct tls_target {
	char host[256];
	uint16_t port;
};

static inline int tls_timeout_ms(const struct tls_config *cfg)
{
	return (int)(cfg->timeout_s * 1000 + 0.5);
}

/* Everything one probe learnt, collected before rendering. */
struct tls_probe {
	const struct tls_target *target;
	char address[ADDR_STRLEN];
	const char *sni;                /* sent, or NULL */
	char protocol[32], cipher[128], alpn[64], group[64];
	bool has_alpn, has_group;
	bool cert_requested;            /* a client certificate was asked for, none sent */
	enum tls_ocsp_status ocsp;
	struct tls_verification verification;
	struct x509_info *chain;        /* as sent */
	int chain_count;
	struct x509_info *verified_chain;
	int verified_count;
	int64_t now_s;                  /* the time days are counted from */
	int64_t leaf_days_left;
	int64_t min_days_left;          /* over the verified chain, else the chain as sent */
	int min_days_index;             /* which certificate, in that chain */
	double dns_ms, connect_ms, starttls_ms, handshake_ms;
	const char *verdict;            /* "ok", "untrusted", "hostname_mismatch"... */
	char verdict_reason[400];
	char error[600];        /* the failure's message (stderr and --json), or "" */
	int exit_code;
};

/* tls_out.c */
void tls_render_probe(struct sonde_out *out, const struct tls_probe *probe, const struct tls_config *cfg);

/* tls_scan.c: which versions and suites the server accepts. */
int tls_scan(struct sonde_ctx *ctx, const struct tls_config *cfg, const struct tls_target *target);

/* tls_common.c: the common part of a connection, for the probe and the scan:
 * connect and STARTTLS, each step within timeout_ms; the TLS library warms
 * up meanwhile for warm_up's session (tls_dial).  Returns the socket, or
 * -exit code after a message (when quiet is false). */
int tls_open_connection(const struct tls_config *cfg, const struct tls_target *target, bool quiet, int timeout_ms,
			const struct tls_client_config *warm_up, struct tls_dial_result *dial, double *starttls_ms);

#endif
