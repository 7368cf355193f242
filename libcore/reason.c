/* Why a service is not ready, in the words wait (and check) print: short,
 * lower case, and the same for the same cause whichever probe saw it. */
#include <ares.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sonde/reason.h"
#include "sonde/resolve.h"

const char *reason_connect(int err)
{
	switch (err < 0 ? -err : err) {
	case ECONNREFUSED: return "connection refused";
	case ETIMEDOUT: return "no answer (filtered)";
	case EHOSTUNREACH: return "host unreachable";
	case ENETUNREACH: return "network unreachable";
	case ECONNRESET: return "connection reset";
	case EPIPE: return "connection closed";
	case EADDRNOTAVAIL: return "no local address to connect from";
	case EACCES:
	case EPERM: return "connection not permitted (local firewall)";
	default: return strerror(err < 0 ? -err : err);
	}
}

const char *reason_resolve(int err)
{
	switch (err < 0 ? -err : err) {
	case ARES_ENOTFOUND: return "NXDOMAIN";
	case ARES_ENODATA: return "no such record (NODATA)";
	case ARES_ETIMEOUT: return "no answer from the nameservers";
	default: return resolve_strerror(err);
	}
}

void reason_tls(int err, const char *why, char *buf, size_t size)
{
	if (err == -EKEYREJECTED && strstr(why, "certificate has expired"))
		snprintf(buf, size, "TLS certificate expired");
	else if (err == -EKEYREJECTED && strstr(why, "not yet valid"))
		snprintf(buf, size, "TLS certificate not yet valid");
	else if (err == -EKEYREJECTED)
		snprintf(buf, size, "TLS %s", why);
	else if (err == -EPROTO)
		snprintf(buf, size, "TLS handshake failed: %s", why);
	else if (err == -EINVAL || err == -ENOENT)
		snprintf(buf, size, "TLS set-up failed: %s", why);
	else
		snprintf(buf, size, "%s", reason_connect(err));
}
