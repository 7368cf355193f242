/* wait's targets: URLs naming a service and how to ask it whether it is
 * ready.  tcp:// and udp:// need a port; the others have their protocol's
 * (https 443, tls 443, postgres 5432, mysql 3306, redis 6379). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sonde/dns.h"
#include "wait_impl.h"

struct wait_scheme {
	const char *name;
	enum wait_kind kind;
	uint16_t default_port; /* 0: the port must be given */
};

static const struct wait_scheme schemes[] = {
	{ "tcp", WAIT_TCP, 0 },
	{ "udp", WAIT_UDP, 0 },
	{ "http", WAIT_HTTP, 80 },
	{ "https", WAIT_HTTP, 443 },
	{ "dns", WAIT_DNS, 0 },
	{ "tls", WAIT_TLS, 443 },
	{ "postgres", WAIT_POSTGRES, 5432 },
	{ "postgresql", WAIT_POSTGRES, 5432 },
	{ "mysql", WAIT_MYSQL, 3306 },
	{ "mariadb", WAIT_MYSQL, 3306 },
	{ "redis", WAIT_REDIS, 6379 },
};

const char *wait_kind_name(enum wait_kind kind)
{
	switch (kind) {
	case WAIT_TCP: return "tcp";
	case WAIT_UDP: return "udp";
	case WAIT_HTTP: return "http";
	case WAIT_DNS: return "dns";
	case WAIT_TLS: return "tls";
	case WAIT_POSTGRES: return "postgres";
	case WAIT_MYSQL: return "mysql";
	case WAIT_REDIS: return "redis";
	}
	return "?";
}

static const struct wait_scheme *scheme_find(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].name) == len && strncasecmp(schemes[i].name, text, len) == 0)
			return &schemes[i];
	return NULL;
}

/* "[user[:password]@]host[:port][/anything]": the authority's host and
 * port (what follows the authority, a database name, is not needed to know
 * whether the server answers). */
static int authority_parse(const char *rest, uint16_t default_port, struct wait_target *t, char *why,
			   size_t why_size)
{
	char authority[HTTP_MAX_HOST + 16];
	const char *end = rest + strcspn(rest, "/?#"), *at, *port_text;
	size_t len;

	at = memchr(rest, '@', (size_t)(end - rest));
	if (at)
		rest = at + 1;
	len = (size_t)(end - rest);
	if (len == 0 || len >= sizeof(authority)) {
		snprintf(why, why_size, len ? "host name too long" : "no host");
		return -EINVAL;
	}
	memcpy(authority, rest, len);
	authority[len] = '\0';
	if (addr_split_hostport(authority, t->host, sizeof(t->host), &port_text) < 0 || !t->host[0]) {
		snprintf(why, why_size, "not HOST:PORT");
		return -EINVAL;
	}
	if (!port_text) {
		if (!default_port) {
			snprintf(why, why_size, "a port is needed (%s://HOST:PORT)", wait_kind_name(t->kind));
			return -EINVAL;
		}
		t->port = default_port;
		return 0;
	}
	if (addr_parse_port(port_text, false, &t->port) < 0) {
		snprintf(why, why_size, "not a port: %s", port_text);
		return -EINVAL;
	}
	return 0;
}

/* "NAME" or "NAME/TYPE" (A, AAAA, SRV, TXT...). */
static int dns_target_parse(const char *rest, struct wait_target *t, char *why, size_t why_size)
{
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);

	if (len == 0 || len >= sizeof(t->host)) {
		snprintf(why, why_size, len ? "name too long" : "no name");
		return -EINVAL;
	}
	memcpy(t->host, rest, len);
	t->host[len] = '\0';
	if (slash && (dns_type_parse(slash + 1, &t->qtype) < 0 || t->qtype == 0)) {
		snprintf(why, why_size, "not a record type: %s", slash + 1);
		return -EINVAL;
	}
	return 0;
}

int wait_target_parse(const char *text, struct wait_target *t, char *why, size_t why_size)
{
	const char *sep = strstr(text, "://");
	const struct wait_scheme *scheme = sep ? scheme_find(text, (size_t)(sep - text)) : NULL;

	memset(t, 0, sizeof(*t));
	t->text = text;
	t->at.fd = -1;
	if (!scheme) {
		snprintf(why, why_size, "not a target (tcp://, udp://, http://, https://, dns://, tls://, postgres://, "
					"mysql://, redis://)");
		return -EINVAL;
	}
	t->kind = scheme->kind;
	if (t->kind == WAIT_DNS)
		return dns_target_parse(sep + 3, t, why, why_size);
	if (t->kind == WAIT_HTTP) {
		if (http_url_parse(text, &t->url) < 0) {
			snprintf(why, why_size, "not an HTTP URL");
			return -EINVAL;
		}
		snprintf(t->host, sizeof(t->host), "%s", t->url.host);
		t->port = t->url.port;
		return 0;
	}
	return authority_parse(sep + 3, scheme->default_port, t, why, why_size);
}
