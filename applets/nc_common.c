/* nc, shared by -z (nc_scan.c) and the sessions (nc_session.c): the source
 * address of a connection and netcat-openbsd's connect report. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nc_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/resolve.h"
#include "sonde/services.h"

int nc_source_addr(const struct nc_config *cfg, const struct sonde_addr *dst, struct sonde_addr *src)
{
	struct sonde_addr found[RESOLVE_MAX_ADDRS];
	size_t count = 0;
	int rc;

	if (!cfg->source_host && !cfg->source_port)
		return 0;
	memset(src, 0, sizeof(*src));
	if (!cfg->source_host) {
		/* Only a port: the wildcard address of the destination's family. */
		rc = addr_parse_ip(addr_family(dst) == AF_INET6 ? "::" : "0.0.0.0", cfg->source_port,
				   AF_UNSPEC, src);
		return rc < 0 ? -SONDE_EXIT_NEGATIVE : 1;
	}
	rc = resolve_host(cfg->source_host, addr_family(dst), cfg->numeric ? RESOLVE_NUMERIC_ONLY : 0,
			  5000, cfg->source_port, found, RESOLVE_MAX_ADDRS, &count);
	if (rc < 0) {
		sonde_err("cannot use source address %s: %s", cfg->source_host, resolve_strerror(rc));
		return -SONDE_EXIT_NEGATIVE;
	}
	*src = found[0];
	return 1;
}

/* Does host, as the user typed it, already read as this address? */
static bool host_is_address(const char *host, const struct sonde_addr *addr)
{
	char text[ADDR_STRLEN];

	return strcmp(host, addr_ntop(addr, text, sizeof(text))) == 0;
}

void nc_report_connected(const struct nc_config *cfg, const char *host, const struct sonde_addr *addr)
{
	const char *service = cfg->numeric ? NULL : services_name(addr_port(addr), nc_proto(cfg));
	char text[ADDR_STRLEN];

	fflush(stdout);
	if (cfg->numeric || host_is_address(host, addr))
		fprintf(stderr, "Connection to %s %u port [%s/%s] succeeded!\n", host, addr_port(addr),
			nc_proto(cfg), service ? service : "*");
	else
		fprintf(stderr, "Connection to %s (%s) %u port [%s/%s] succeeded!\n", host,
			addr_ntop(addr, text, sizeof(text)), addr_port(addr), nc_proto(cfg),
			service ? service : "*");
}

void nc_report_connect_failed(const struct nc_config *cfg, const char *host, const struct sonde_addr *addr,
			      int err)
{
	/* netcat says "timed out" with the errno of the pending connect. */
	const char *verdict = err == -ETIMEDOUT ? "timed out" : "failed";
	int shown_err = err == -ETIMEDOUT ? EINPROGRESS : -err;
	char text[ADDR_STRLEN];

	if (cfg->numeric || host_is_address(host, addr))
		sonde_errno(shown_err, "connect to %s port %u (%s) %s", host, addr_port(addr), nc_proto(cfg),
			    verdict);
	else
		sonde_errno(shown_err, "connect to %s (%s) port %u (%s) %s", host,
			    addr_ntop(addr, text, sizeof(text)), addr_port(addr), nc_proto(cfg), verdict);
}
