/* tls, shared by the probe (tls.c) and the scan (tls_scan.c): the common
 * part of a connection, connect and STARTTLS, each within its timeout. */
#include <ares.h>
#include <errno.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/resolve.h"
#include "tls_impl.h"

int tls_open_connection(const struct tls_config *cfg, const struct tls_target *target, bool quiet, int timeout_ms,
			const struct tls_client_config *warm_up, struct tls_dial_result *dial, double *starttls_ms)
{
	int family = cfg->ipv4 ? AF_INET : cfg->ipv6 ? AF_INET6 : AF_UNSPEC;
	int fd = tls_dial(target->host, target->port, family, timeout_ms, warm_up, dial);
	char why[256];
	int64_t start_ns;
	int rc;

	*starttls_ms = 0;
	if (fd < 0 && dial->resolve_error) {
		if (!quiet)
			sonde_err("cannot resolve %s: %s", target->host, resolve_strerror(dial->resolve_error));
		return dial->resolve_error == -ARES_ETIMEOUT ? -TLS_EXIT_TIMEOUT : -TLS_EXIT_CONNECT;
	}
	if (fd < 0) {
		if (!quiet)
			sonde_errno(dial->connect_error, "cannot connect to %s port %u", target->host, target->port);
		return dial->connect_error == -ETIMEDOUT ? -TLS_EXIT_TIMEOUT : -TLS_EXIT_CONNECT;
	}
	if (cfg->starttls == STARTTLS_NONE)
		return fd;
	start_ns = mono_ns();
	rc = tls_starttls(fd, cfg->starttls, NULL, timeout_ms, why, sizeof(why));
	*starttls_ms = ns_to_ms(mono_ns() - start_ns);
	if (rc < 0) {
		if (!quiet)
			sonde_err("%s port %u: %s", target->host, target->port, why);
		close(fd);
		return rc == -ETIMEDOUT ? -TLS_EXIT_TIMEOUT : -TLS_EXIT_HANDSHAKE;
	}
	return fd;
}
