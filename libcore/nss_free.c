/* Name lookups made inside the dependencies, without glibc NSS.
 *
 * A static glibc binary that calls getaddrinfo() and friends needs NSS
 * modules loaded at run time, which an empty container does not have.
 * sonde's own code resolves through libcore/resolve.c; c-ares (service
 * names), libnl (protocol names) and libpcap's filter compiler (host,
 * protocol and network names, /etc/ethers) call the libc functions directly.
 * The Makefile links with --wrap for each of them, so their calls land here
 * and are answered by c-ares and libcore/services.c (/etc/services,
 * /etc/protocols).  Leaving NSS out this way also keeps glibc's NSS
 * machinery (its files and dns modules, 86 KB) out of the static binary.
 * Network names (/etc/networks) and /etc/ethers are not looked up: libpcap
 * then says it does not know the name. */
#include <ares.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/resolve.h"
#include "sonde/services.h"

#define NSS_FREE_TIMEOUT_MS 5000

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);
void __wrap_freeaddrinfo(struct addrinfo *ai);
struct hostent *__wrap_gethostbyname(const char *name);
struct servent *__wrap_getservbyname(const char *name, const char *proto);
struct servent *__wrap_getservbyport(int port, const char *proto);
int __wrap_getservbyname_r(const char *name, const char *proto, struct servent *result, char *buf,
			   size_t buflen, struct servent **out);
int __wrap_getservbyport_r(int port, const char *proto, struct servent *result, char *buf, size_t buflen,
			   struct servent **out);
int __wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv,
		       socklen_t servlen, int flags);
struct protoent *__wrap_getprotobyname(const char *name);
struct protoent *__wrap_getprotobynumber(int proto);
int __wrap_getprotobyname_r(const char *name, struct protoent *result, char *buf, size_t buflen,
			    struct protoent **out);
int __wrap_getnetbyname_r(const char *name, struct netent *result, char *buf, size_t buflen, struct netent **out,
			  int *h_errnop);
struct ether_addr;
int __wrap_ether_hostton(const char *hostname, struct ether_addr *addr);

static int service_to_port(const char *service, int socktype, uint16_t *port)
{
	if (!service) {
		*port = 0;
		return 0;
	}
	if (addr_parse_port(service, true, port) == 0)
		return 0;
	return services_port(service, socktype == SOCK_DGRAM ? "udp" : "tcp", port) == 0 ? 0 : EAI_SERVICE;
}

/* One allocation per result: the addrinfo followed by its sockaddr. */
static struct addrinfo *addrinfo_new(const struct sonde_addr *addr, int socktype, int protocol)
{
	struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_storage));

	if (!ai)
		return NULL;
	ai->ai_family = addr_family(addr);
	ai->ai_socktype = socktype;
	ai->ai_protocol = protocol;
	ai->ai_addrlen = addr->len;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	memcpy(ai->ai_addr, &addr->u, addr->len);
	return ai;
}

static int unspecified_node(int family, bool passive, uint16_t port, struct sonde_addr *addrs, size_t *count)
{
	const char *v4 = passive ? "0.0.0.0" : "127.0.0.1", *v6 = passive ? "::" : "::1";

	*count = 0;
	if (family != AF_INET && addr_parse_ip(v6, port, AF_INET6, &addrs[*count]) == 0)
		(*count)++;
	if (family != AF_INET6 && addr_parse_ip(v4, port, AF_INET, &addrs[*count]) == 0)
		(*count)++;
	return 0;
}

static int ares_to_eai(int err)
{
	switch (-err) {
	case ARES_ENOTFOUND: return EAI_NONAME;
	case ARES_ENODATA: return EAI_NODATA;
	case ARES_EBADNAME:
	case RESOLVE_ENUMERIC_ONLY:
	case RESOLVE_ENAME_TOO_LONG:
	case RESOLVE_ELABEL_TOO_LONG:
	case RESOLVE_EEMPTY_LABEL:
	case RESOLVE_EZONE_UNKNOWN: return EAI_NONAME;
	case ARES_ETIMEOUT:
	case ARES_ECONNREFUSED:
	case ARES_EREFUSED:
	case ARES_ESERVFAIL: return EAI_AGAIN;
	case ARES_ENOMEM: return EAI_MEMORY;
	default: return EAI_FAIL;
	}
}

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	struct addrinfo *head = NULL, **tail = &head;
	int family = hints ? hints->ai_family : AF_UNSPEC;
	int socktype = hints ? hints->ai_socktype : 0, protocol = hints ? hints->ai_protocol : 0;
	int flags = hints ? hints->ai_flags : 0;
	size_t count = 0, i;
	uint16_t port;
	int rc;

	*res = NULL;
	if (!node && !service)
		return EAI_NONAME;
	rc = service_to_port(service, socktype, &port);
	if (rc)
		return rc;
	if (!node)
		rc = unspecified_node(family, flags & AI_PASSIVE, port, addrs, &count);
	else
		rc = resolve_host(node, family, (flags & AI_NUMERICHOST) ? RESOLVE_NUMERIC_ONLY : 0,
				  NSS_FREE_TIMEOUT_MS, port, addrs, RESOLVE_MAX_ADDRS, &count);
	/* libc hands out a link-local address without its zone. */
	if (rc == -RESOLVE_EZONE_NEEDED && addr_parse_ip(node, port, family, &addrs[0]) == 0) {
		rc = 0;
		count = 1;
	}
	if (rc < 0)
		return ares_to_eai(rc);
	for (i = 0; i < count; i++) {
		struct addrinfo *ai = addrinfo_new(&addrs[i], socktype, protocol);

		if (!ai) {
			__wrap_freeaddrinfo(head);
			return EAI_MEMORY;
		}
		*tail = ai;
		tail = &ai->ai_next;
	}
	*res = head;
	return head ? 0 : EAI_NONAME;
}

void __wrap_freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;

		free(ai->ai_canonname);
		free(ai);
		ai = next;
	}
}

struct hostent *__wrap_gethostbyname(const char *name)
{
	static struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	static char *addr_list[RESOLVE_MAX_ADDRS + 1];
	static char *no_aliases[1];
	static char host_name[256];
	static struct hostent entry;
	size_t count, i;

	if (resolve_host(name, AF_INET, 0, NSS_FREE_TIMEOUT_MS, 0, addrs, RESOLVE_MAX_ADDRS, &count) < 0) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	for (i = 0; i < count; i++)
		addr_list[i] = (char *)&addrs[i].u.in4.sin_addr;
	addr_list[count] = NULL;
	snprintf(host_name, sizeof(host_name), "%s", name);
	entry.h_name = host_name;
	entry.h_aliases = no_aliases;
	entry.h_addrtype = AF_INET;
	entry.h_length = 4;
	entry.h_addr_list = addr_list;
	return &entry;
}

/* Fills a servent whose strings live in buf. */
static int servent_fill(const char *name, uint16_t port, const char *proto, struct servent *result, char *buf,
			size_t buflen)
{
	size_t name_len = strlen(name) + 1, proto_len = strlen(proto) + 1;
	size_t aliases_at = (name_len + proto_len + sizeof(char *) - 1) & ~(sizeof(char *) - 1);

	if (aliases_at + sizeof(char *) > buflen)
		return ERANGE;
	memcpy(buf, name, name_len);
	memcpy(buf + name_len, proto, proto_len);
	result->s_name = buf;
	result->s_proto = buf + name_len;
	result->s_aliases = (char **)(void *)(buf + aliases_at);
	result->s_aliases[0] = NULL;
	result->s_port = htons(port);
	return 0;
}

int __wrap_getservbyname_r(const char *name, const char *proto, struct servent *result, char *buf,
			   size_t buflen, struct servent **out)
{
	const char *p = proto ? proto : "tcp";
	uint16_t port;

	*out = NULL;
	if (services_port(name, p, &port) < 0)
		return 0;
	if (servent_fill(name, port, p, result, buf, buflen))
		return ERANGE;
	*out = result;
	return 0;
}

int __wrap_getservbyport_r(int port, const char *proto, struct servent *result, char *buf, size_t buflen,
			   struct servent **out)
{
	const char *p = proto ? proto : "tcp";
	const char *name = services_name(ntohs((uint16_t)port), p);

	*out = NULL;
	if (!name)
		return 0;
	if (servent_fill(name, ntohs((uint16_t)port), p, result, buf, buflen))
		return ERANGE;
	*out = result;
	return 0;
}

struct servent *__wrap_getservbyname(const char *name, const char *proto)
{
	static struct servent entry;
	static char buf[256];
	struct servent *out;

	__wrap_getservbyname_r(name, proto, &entry, buf, sizeof(buf), &out);
	return out;
}

struct servent *__wrap_getservbyport(int port, const char *proto)
{
	static struct servent entry;
	static char buf[256];
	struct servent *out;

	__wrap_getservbyport_r(port, proto, &entry, buf, sizeof(buf), &out);
	return out;
}

int __wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv,
		       socklen_t servlen, int flags)
{
	struct sonde_addr addr;

	if (salen > sizeof(addr.u) || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return EAI_FAMILY;
	memset(&addr, 0, sizeof(addr));
	memcpy(&addr.u, sa, salen);
	addr.len = salen;
	if (host && hostlen) {
		if ((flags & NI_NUMERICHOST) ||
		    resolve_reverse(&addr, NSS_FREE_TIMEOUT_MS, host, hostlen) < 0) {
			if (flags & NI_NAMEREQD)
				return EAI_NONAME;
			addr_ntop(&addr, host, hostlen);
		}
	}
	if (serv && servlen) {
		const char *name = (flags & NI_NUMERICSERV)
					   ? NULL
					   : services_name(addr_port(&addr), (flags & NI_DGRAM) ? "udp" : "tcp");

		if (name)
			snprintf(serv, servlen, "%s", name);
		else
			snprintf(serv, servlen, "%u", addr_port(&addr));
	}
	return 0;
}

/* --- protocols, networks, ethers ------------------------------------------- */

/* A protoent without aliases, its name and alias list in buf. */
static int protoent_fill(struct protoent *p, char *buf, size_t buflen, const char *name, int number)
{
	size_t name_len = strlen(name) + 1;
	char **aliases = (char **)(void *)buf;

	if (buflen < sizeof(char *) + name_len)
		return ERANGE;
	aliases[0] = NULL;
	memcpy(buf + sizeof(char *), name, name_len);
	p->p_name = buf + sizeof(char *);
	p->p_aliases = aliases;
	p->p_proto = number;
	return 0;
}

int __wrap_getprotobyname_r(const char *name, struct protoent *result, char *buf, size_t buflen,
			    struct protoent **out)
{
	int number = protocols_number(name);
	const char *official = number < 0 ? NULL : protocols_name((unsigned)number);
	int rc;

	*out = NULL;
	if (!official)
		return ENOENT;
	if ((rc = protoent_fill(result, buf, buflen, official, number)) != 0)
		return rc;
	*out = result;
	return 0;
}

struct protoent *__wrap_getprotobyname(const char *name)
{
	static struct protoent entry;
	static char buf[128];
	struct protoent *out;

	return __wrap_getprotobyname_r(name, &entry, buf, sizeof(buf), &out) == 0 ? out : NULL;
}

struct protoent *__wrap_getprotobynumber(int proto)
{
	static struct protoent entry;
	static char buf[128];
	const char *name = proto >= 0 && proto <= 255 ? protocols_name((unsigned)proto) : NULL;

	return name && protoent_fill(&entry, buf, sizeof(buf), name, proto) == 0 ? &entry : NULL;
}

int __wrap_getnetbyname_r(const char *name, struct netent *result, char *buf, size_t buflen, struct netent **out,
			  int *h_errnop)
{
	*out = NULL;
	*h_errnop = HOST_NOT_FOUND;
	return ENOENT;
}

int __wrap_ether_hostton(const char *hostname, struct ether_addr *addr)
{
	return -1;
}
