/* nc's pieces (nc.c: options and checks; nc_scan.c: -z; nc_session.c:
 * connect and listen with data; nc_common.c: helpers both use), sharing
 * the config.  Calls run nc.c -> nc_scan.c, nc_session.c -> nc_common.c. */
#ifndef SONDE_NC_IMPL_H
#define SONDE_NC_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/applet.h"

struct nc_config {
	bool ipv4, ipv6;
	bool listen, keep_listening;
	bool udp, unix_socket;
	bool zero_io, numeric, no_stdin, shutdown_on_eof;
	int verbose;
	double wait_secs;           /* -w; 0: no timeout */
	int quit_after_eof_secs;    /* -q; <0: never */
	const char *source_host;    /* -s */
	uint16_t source_port;       /* -p; 0: none */
	bool ssl, ssl_verify;
	const char *ssl_ca;
};

/* Derived settings the parts share. */
static inline int nc_family(const struct nc_config *cfg)
{
	return cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC;
}

static inline int nc_wait_ms(const struct nc_config *cfg)
{
	return cfg->wait_secs > 0 ? (int)(cfg->wait_secs * 1000 + 0.5) : -1;
}

static inline const char *nc_proto(const struct nc_config *cfg)
{
	return cfg->udp ? "udp" : "tcp";
}

/* nc_common.c: the source address for a connection to dst (-s, -p), in *src.  Returns
 * 1 when there is one, 0 when the kernel picks, or an exit code < 0 after a
 * message. */
int nc_source_addr(const struct nc_config *cfg, const struct sonde_addr *dst, struct sonde_addr *src);

/* "Connection to HOST [(ADDR)] PORT port [tcp/NAME] succeeded!" and the
 * failure line, as netcat-openbsd prints them. */
void nc_report_connected(const struct nc_config *cfg, const char *host, const struct sonde_addr *addr);
void nc_report_connect_failed(const struct nc_config *cfg, const char *host, const struct sonde_addr *addr,
			      int err);

int nc_scan(struct sonde_ctx *ctx, const struct nc_config *cfg, const char *host, int port_count,
	    char **port_args);
int nc_connect(const struct nc_config *cfg, const char *host, uint16_t port);
int nc_listen(const struct nc_config *cfg, const char *host, uint16_t port);
int nc_unix_connect(const struct nc_config *cfg, const char *path);
int nc_unix_listen(const struct nc_config *cfg, const char *path);

#endif
