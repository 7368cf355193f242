/* Synchronous lookups on top of c-ares' asynchronous API: one channel per
 * lookup, driven by poll() until the answer or the deadline. */
#include <ares.h>
#include <errno.h>
#include <ifaddrs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sonde/clock.h"
#include "sonde/resolve.h"
#include "resolve_impl.h"

const char *resolve_conf_path(void)
{
	const char *path = getenv("SONDE_RESOLV_CONF");

	return path && *path ? path : "/etc/resolv.conf";
}

/* A channel configured like the system resolver (resolv.conf), with the
 * options in extra/extra_mask on top. */
static int channel_open_with(ares_channel *channel, struct ares_options *extra, int extra_mask)
{
	static int library_ready;
	struct ares_options options;
	int optmask = extra_mask, rc;

	if (!library_ready) {
		rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS)
			return -rc;
		library_ready = 1;
	}
	if (extra)
		options = *extra;
	else
		memset(&options, 0, sizeof(options));
	if (getenv("SONDE_RESOLV_CONF")) {
		options.resolvconf_path = (char *)resolve_conf_path();
		optmask |= ARES_OPT_RESOLVCONF;
	}
	rc = ares_init_options(channel, &options, optmask);
	return rc == ARES_SUCCESS ? 0 : -rc;
}

static int channel_open(ares_channel *channel)
{
	return channel_open_with(channel, NULL, 0);
}

int resolve_channel_open(ares_channel *channel)
{
	return channel_open(channel);
}

size_t resolve_channel_pollfds(ares_channel channel, struct pollfd *fds, size_t max, int *wait_ms)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct timeval tv, *tvp;
	int bitmask = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
	size_t n = 0;
	int i;

	for (i = 0; i < ARES_GETSOCK_MAXNUM && n < max; i++) {
		short events = 0;

		/* c-ares' own macros shift a signed 1 into the sign bit for the
		 * last socket: test the bits unsigned instead. */
		if ((unsigned)bitmask & (1u << i))
			events |= POLLIN;
		if ((unsigned)bitmask & (1u << (i + ARES_GETSOCK_MAXNUM)))
			events |= POLLOUT;
		if (events) {
			fds[n].fd = socks[i];
			fds[n].events = events;
			fds[n].revents = 0;
			n++;
		}
	}
	tvp = ares_timeout(channel, NULL, &tv);
	if (tvp && (*wait_ms < 0 || tvp->tv_sec * 1000 + tvp->tv_usec / 1000 < *wait_ms))
		*wait_ms = (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
	return n;
}

/* Room for the sockets of every channel run together. */
#define RUN_MAX_CHANNELS 16

/* Runs the channels until no query is pending in any of them or the
 * deadline passes. */
static int channels_run(ares_channel *channels, size_t channel_count, int64_t deadline_ms)
{
	if (channel_count > RUN_MAX_CHANNELS)
		return -ARES_EBADQUERY;
	for (;;) {
		struct pollfd fds[RUN_MAX_CHANNELS * ARES_GETSOCK_MAXNUM];
		size_t owner[RUN_MAX_CHANNELS * ARES_GETSOCK_MAXNUM];
		int nfds = 0, i, wait_ms = 1000, left_ms;
		size_t c;

		for (c = 0; c < channel_count; c++) {
			size_t added = resolve_channel_pollfds(channels[c], fds + nfds,
							       RUN_MAX_CHANNELS * ARES_GETSOCK_MAXNUM - (size_t)nfds,
							       &wait_ms);

			while (added--)
				owner[nfds++] = c;
		}
		if (nfds == 0)
			return 0;
		left_ms = deadline_poll_ms(deadline_ms);
		if (left_ms == 0)
			return -ARES_ETIMEOUT;
		if (left_ms > 0 && left_ms < wait_ms)
			wait_ms = left_ms;
		if (poll(fds, (nfds_t)nfds, wait_ms) < 0 && errno != EINTR)
			return -ARES_EFILE;
		for (i = 0; i < nfds; i++) {
			ares_socket_t rfd = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd
											  : ARES_SOCKET_BAD;
			ares_socket_t wfd = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;

			if (rfd != ARES_SOCKET_BAD || wfd != ARES_SOCKET_BAD)
				ares_process_fd(channels[owner[i]], rfd, wfd);
		}
		/* Time-outs and retries are handled inside process_fd. */
		for (c = 0; c < channel_count; c++)
			ares_process_fd(channels[c], ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
}

static int channel_run(ares_channel channel, int64_t deadline_ms)
{
	return channels_run(&channel, 1, deadline_ms);
}

struct host_query {
	int status;
	bool done;
	uint16_t port;
	struct sonde_addr *addrs;
	size_t max, count;
};

static void host_query_done(void *arg, int status, int timeouts, struct ares_addrinfo *result)
{
	struct host_query *q = arg;
	struct ares_addrinfo_node *node;

	q->done = true;
	q->status = status;
	for (node = result ? result->nodes : NULL; node && q->count < q->max; node = node->ai_next) {
		struct sonde_addr *a = &q->addrs[q->count];

		if ((node->ai_family != AF_INET && node->ai_family != AF_INET6) ||
		    node->ai_addrlen > sizeof(a->u))
			continue;
		memset(a, 0, sizeof(*a));
		memcpy(&a->u, node->ai_addr, node->ai_addrlen);
		a->len = node->ai_addrlen;
		addr_set_port(a, q->port);
		q->count++;
	}
	if (result)
		ares_freeaddrinfo(result);
}

/* Numeric hosts never reach a nameserver.  *numeric is false for a name. */
static int numeric_host(const char *name, int family, uint16_t port, struct sonde_addr *addr, bool *numeric)
{
	int rc = addr_parse_ip(name, port, family, addr);

	*numeric = rc != -EINVAL;
	if (rc == -EAFNOSUPPORT)
		return -ARES_ENODATA;
	if (rc == -ENXIO)
		return -RESOLVE_EZONE_UNKNOWN;
	if (rc < 0)
		return rc == -EINVAL ? 0 : -ARES_EBADNAME;
	/* connect() would only say "Invalid argument". */
	if (addr_needs_zone(addr))
		return -RESOLVE_EZONE_NEEDED;
	return 0;
}

/* RFC 1035's limits, checked here so that the message says which one (c-ares
 * only says "bad name").  One trailing dot is the root. */
static int name_check(const char *name)
{
	size_t len = strlen(name), label = 0, i;

	if (len > 1 && name[len - 1] == '.')
		len--;
	if (len > 253)
		return -RESOLVE_ENAME_TOO_LONG;
	for (i = 0; i < len; i++) {
		if (name[i] != '.') {
			if (++label > 63)
				return -RESOLVE_ELABEL_TOO_LONG;
			continue;
		}
		if (label == 0)
			return -RESOLVE_EEMPTY_LABEL;
		label = 0;
	}
	return len == 0 || label == 0 ? -RESOLVE_EEMPTY_LABEL : 0;
}

/* "localhost", "db.localhost", "LOCALHOST." (RFC 6761 section 6.3). */
static bool is_localhost_name(const char *name)
{
	static const char suffix[] = "localhost";
	size_t len = strlen(name), tail = sizeof(suffix) - 1;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len < tail || strncasecmp(name + len - tail, suffix, tail) != 0)
		return false;
	return len == tail || name[len - tail - 1] == '.';
}

/* 127.0.0.1 then ::1, the hosts file's order on Debian. */
static void localhost_addrs(int family, uint16_t port, struct sonde_addr *addrs, size_t max_addrs, size_t *count)
{
	*count = 0;
	if (family != AF_INET6 && *count < max_addrs && addr_parse_ip("127.0.0.1", port, AF_INET, &addrs[*count]) == 0)
		(*count)++;
	if (family != AF_INET && *count < max_addrs && addr_parse_ip("::1", port, AF_INET6, &addrs[*count]) == 0)
		(*count)++;
}

/* The rcode that counts most when c-ares gave up on every server: a refusal
 * says the most about what to fix, then a failure. */
static int refusal_from_probes(const struct resolve_probe *probes, size_t count)
{
	static const int order[] = { 5, 2, 4 }; /* REFUSED, SERVFAIL, NOTIMP */
	static const int status[] = { ARES_EREFUSED, ARES_ESERVFAIL, ARES_ENOTIMP };
	size_t i, k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < count; i++)
			if (probes[i].status == 0 && probes[i].rcode == order[k])
				return -status[k];
	return -ARES_ECONNREFUSED;
}

/* c-ares (1.18) ends a query with ECONNREFUSED both when no server listens
 * and when every server answered SERVFAIL, REFUSED or NOTIMP: ask the
 * channel's servers directly which it was. */
int resolve_refusal_explain(ares_channel channel, const char *name, int family, int64_t deadline_ms)
{
	struct resolve_probe probes[RESOLVE_MAX_PROBES];
	struct ares_addr_port_node *servers = NULL, *node;
	int left_ms = deadline_poll_ms(deadline_ms);
	size_t count = 0;

	if (left_ms == 0 || ares_get_servers_ports(channel, &servers) != ARES_SUCCESS)
		return -ARES_ECONNREFUSED;
	memset(probes, 0, sizeof(probes));
	for (node = servers; node && count < RESOLVE_MAX_PROBES; node = node->next) {
		struct sonde_addr *a = &probes[count].server;
		uint16_t port = (uint16_t)(node->udp_port ? node->udp_port : 53);

		memset(a, 0, sizeof(*a));
		if (node->family == AF_INET) {
			a->u.in4.sin_family = AF_INET;
			a->u.in4.sin_addr = node->addr.addr4;
			a->len = sizeof(a->u.in4);
		} else if (node->family == AF_INET6) {
			a->u.in6.sin6_family = AF_INET6;
			memcpy(&a->u.in6.sin6_addr, &node->addr.addr6, 16);
			a->len = sizeof(a->u.in6);
		} else {
			continue;
		}
		addr_set_port(a, port);
		count++;
	}
	ares_free_data(servers);
	if (count == 0 || resolve_probe_servers(name, family == AF_INET6 ? RESOLVE_QTYPE_AAAA : RESOLVE_QTYPE_A,
						left_ms < 0 || left_ms > 2000 ? 2000 : left_ms, probes, count) < 0)
		return -ARES_ECONNREFUSED;
	return refusal_from_probes(probes, count);
}

/* One ares_getaddrinfo on a channel with extra options (lookups "f": the
 * hosts file only). */
static int lookup(const char *name, int family, int timeout_ms, uint16_t port, struct ares_options *extra,
		  int extra_mask, struct sonde_addr *addrs, size_t max_addrs, size_t *count)
{
	struct host_query q = { ARES_SUCCESS, false, port, addrs, max_addrs, 0 };
	struct ares_addrinfo_hints hints;
	int64_t deadline_ms = deadline_after_ms(timeout_ms);
	ares_channel channel;
	int rc;

	rc = channel_open_with(&channel, extra, extra_mask);
	if (rc < 0)
		return rc;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	ares_getaddrinfo(channel, name, NULL, &hints, host_query_done, &q);
	rc = channel_run(channel, deadline_ms);
	/* (a hosts-file-only lookup asked no server: nothing to explain) */
	if (rc == 0 && q.status == ARES_ECONNREFUSED && !(extra_mask & ARES_OPT_LOOKUPS))
		q.status = -resolve_refusal_explain(channel, name, family, deadline_ms);
	ares_destroy(channel); /* cancels what is still pending */
	if (rc < 0)
		return rc;
	if (q.status != ARES_SUCCESS)
		return -q.status;
	if (q.count == 0)
		return -ARES_ENODATA;
	*count = q.count;
	return 0;
}

/* The hosts file's answer, else loopback: never a nameserver. */
static int localhost_lookup(const char *name, int family, uint16_t port, struct sonde_addr *addrs,
			    size_t max_addrs, size_t *count)
{
	struct ares_options options;

	memset(&options, 0, sizeof(options));
	options.lookups = (char *)"f";
	if (lookup(name, family, 0, port, &options, ARES_OPT_LOOKUPS, addrs, max_addrs, count) == 0)
		return 0;
	localhost_addrs(family, port, addrs, max_addrs, count);
	return 0;
}

int resolve_name_first(const char *name, int family, unsigned flags, uint16_t port, struct sonde_addr *addrs,
		       size_t max_addrs, size_t *count)
{
	bool numeric;
	int rc;

	*count = 0;
	if (max_addrs == 0)
		return -ARES_EBADQUERY;
	rc = numeric_host(name, family, port, &addrs[0], &numeric);
	if (numeric) {
		*count = rc == 0;
		return rc;
	}
	if (flags & RESOLVE_NUMERIC_ONLY)
		return -RESOLVE_ENUMERIC_ONLY;
	rc = name_check(name);
	if (rc < 0)
		return rc;
	if (is_localhost_name(name))
		return localhost_lookup(name, family, port, addrs, max_addrs, count);
	return 1;
}

int resolve_host(const char *name, int family, unsigned flags, int timeout_ms, uint16_t port,
		 struct sonde_addr *addrs, size_t max_addrs, size_t *count)
{
	int rc = resolve_name_first(name, family, flags, port, addrs, max_addrs, count);

	if (rc <= 0)
		return rc;
	return lookup(name, family, timeout_ms, port, NULL, 0, addrs, max_addrs, count);
}

struct name_query {
	int status;
	char *name;
	size_t size;
};

static void name_query_done(void *arg, int status, int timeouts, char *node, char *service)
{
	struct name_query *q = arg;

	q->status = status;
	if (status == ARES_SUCCESS && node)
		snprintf(q->name, q->size, "%s", node);
}

int resolve_reverse(const struct sonde_addr *addr, int timeout_ms, char *name, size_t size)
{
	struct name_query q = { ARES_ENOTFOUND, name, size };
	ares_channel channel;
	int rc;

	if (size)
		name[0] = '\0';
	rc = channel_open(&channel);
	if (rc < 0)
		return rc;
	ares_getnameinfo(channel, &addr->u.sa, addr->len, ARES_NI_LOOKUPHOST | ARES_NI_NAMEREQD,
			 name_query_done, &q);
	rc = channel_run(channel, deadline_after_ms(timeout_ms));
	ares_destroy(channel);
	if (rc < 0)
		return rc;
	return q.status == ARES_SUCCESS ? 0 : -q.status;
}

/* "a link-local address needs a zone (%eth0): interfaces with one: eth0, veth1". */
static const char *zone_needed_text(void)
{
	static char text[256];
	struct ifaddrs *list, *ifa;
	size_t used;

	used = (size_t)snprintf(text, sizeof(text), "a link-local address needs a zone (ADDR%%INTERFACE)");
	if (getifaddrs(&list) < 0)
		return text;
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ifa->ifa_addr;

		if (!in6 || in6->sin6_family != AF_INET6 || !IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) ||
		    used >= sizeof(text))
			continue;
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s",
					 strstr(text, ": interfaces") ? ", " : ": interfaces with one: ", ifa->ifa_name);
	}
	freeifaddrs(list);
	if (!strstr(text, ": interfaces"))
		snprintf(text + used, sizeof(text) - used, ": no interface has one");
	return text;
}

const char *resolve_strerror(int err)
{
	int status = err < 0 ? -err : err;

	switch (status) {
	case ARES_ENOTFOUND: return "name not found";
	case ARES_ENODATA: return "no address of the requested family";
	case ARES_ETIMEOUT: return "resolver timed out";
	case ARES_ECONNREFUSED: return "no nameserver listens (port unreachable)";
	case ARES_ESERVFAIL: return "nameserver answered SERVFAIL";
	case ARES_EREFUSED: return "nameserver answered REFUSED";
	case ARES_ENOTIMP: return "nameserver answered NOTIMP";
	case ARES_EBADNAME: return "not a valid host name";
	case RESOLVE_ENUMERIC_ONLY: return "not a numeric address (name lookups are off)";
	case RESOLVE_ENAME_TOO_LONG: return "not a valid host name: longer than 253 characters";
	case RESOLVE_ELABEL_TOO_LONG: return "not a valid host name: a label longer than 63 characters";
	case RESOLVE_EEMPTY_LABEL: return "not a valid host name: an empty label";
	case RESOLVE_EZONE_UNKNOWN: return "no such interface (the zone after %)";
	case RESOLVE_EZONE_NEEDED: return zone_needed_text();
	default: return ares_strerror(status);
	}
}

/* --- probing one nameserver ------------------------------------------ */

#define DNS_CLASS_IN 1

struct probe_query {
	struct resolve_probe *probe;
	int64_t sent_ns;
	bool done;
};

/* The reply's header says what the server thought of the query; the answer
 * records themselves do not matter here. */
static void probe_reply_read(struct resolve_probe *probe, const unsigned char *reply, int len)
{
	if (len < 12) {
		probe->status = -ARES_EBADRESP;
		return;
	}
	probe->status = 0;
	probe->authoritative = reply[2] & 0x04;
	probe->truncated = reply[2] & 0x02;
	probe->recursion_available = reply[3] & 0x80;
	probe->rcode = reply[3] & 0x0f;
	probe->answer_count = (unsigned)(reply[6] << 8 | reply[7]);
}

static void probe_query_done(void *arg, int status, int timeouts, unsigned char *reply, int reply_len)
{
	struct probe_query *q = arg;

	/* ares_destroy() cancels with ARES_EDESTRUCTION after the deadline:
	 * that is a time-out, already recorded. */
	if (q->done || status == ARES_EDESTRUCTION)
		return;
	q->done = true;
	q->probe->rtt_ms = ns_to_ms(mono_ns() - q->sent_ns);
	if (status == ARES_SUCCESS && reply)
		probe_reply_read(q->probe, reply, reply_len);
	else
		q->probe->status = -status;
}

/* A channel that sends to server only: one try, no resolv.conf servers,
 * and every reply handed over whatever its rcode. */
static int probe_channel_open(const struct sonde_addr *server, int timeout_ms, ares_channel *channel)
{
	struct ares_options options;
	char server_text[ADDR_STRLEN];
	int rc;

	memset(&options, 0, sizeof(options));
	options.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
	options.tries = 1;
	options.timeout = timeout_ms;
	rc = channel_open_with(channel, &options, ARES_OPT_FLAGS | ARES_OPT_TRIES | ARES_OPT_TIMEOUTMS);
	if (rc < 0)
		return rc;
	/* "10.0.0.1:53", "[fe80::1%eth0]:53": the text form keeps the scope. */
	rc = ares_set_servers_ports_csv(*channel, addr_format(server, server_text, sizeof(server_text)));
	if (rc != ARES_SUCCESS) {
		ares_destroy(*channel);
		return -rc;
	}
	return 0;
}

int resolve_probe_servers(const char *qname, int qtype, int timeout_ms, struct resolve_probe *probes,
			  size_t count)
{
	ares_channel channels[RESOLVE_MAX_PROBES];
	struct probe_query queries[RESOLVE_MAX_PROBES];
	unsigned char *query = NULL;
	int query_len = 0, rc;
	size_t opened = 0, i;

	if (count > RESOLVE_MAX_PROBES || timeout_ms <= 0)
		return -ARES_EBADQUERY;
	for (i = 0; i < count; i++) {
		probes[i].status = -ARES_ETIMEOUT;
		probes[i].rcode = -1;
		probes[i].answer_count = 0;
		probes[i].authoritative = probes[i].truncated = probes[i].recursion_available = false;
		probes[i].rtt_ms = 0;
	}
	/* Recursion desired, as a libc resolver asks. */
	rc = ares_create_query(qname, DNS_CLASS_IN, qtype, 0, 1, &query, &query_len, 0);
	if (rc != ARES_SUCCESS)
		return -rc;
	for (i = 0; i < count; i++) {
		rc = probe_channel_open(&probes[i].server, timeout_ms, &channels[opened]);
		if (rc < 0) {
			probes[i].status = rc;
			continue;
		}
		queries[opened].probe = &probes[i];
		queries[opened].done = false;
		queries[opened].sent_ns = mono_ns();
		ares_send(channels[opened], query, query_len, probe_query_done, &queries[opened]);
		opened++;
	}
	ares_free_string(query);
	/* c-ares gives up at timeout_ms itself; the margin only guards against
	 * a channel that never does. */
	channels_run(channels, opened, deadline_after_ms(timeout_ms + 250));
	for (i = 0; i < opened; i++) {
		if (!queries[i].done)
			queries[i].probe->rtt_ms = ns_to_ms(mono_ns() - queries[i].sent_ns);
		ares_destroy(channels[i]);
	}
	return 0;
}

const char *resolve_rcode_name(int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return "RCODE?";
}

/* --- one raw DNS exchange ------------------------------------------------ */

struct exchange_query {
	struct resolve_exchange *x;
	int64_t sent_ns;
	bool done;
};

static void exchange_done(void *arg, int status, int timeouts, unsigned char *reply, int reply_len)
{
	struct exchange_query *q = arg;

	if (q->done || status == ARES_EDESTRUCTION)
		return;
	q->done = true;
	q->x->rtt_ms = ns_to_ms(mono_ns() - q->sent_ns);
	q->x->status = status == ARES_SUCCESS ? 0 : -status;
	if (status == ARES_SUCCESS && reply && reply_len > 0) {
		q->x->reply = malloc((size_t)reply_len);
		if (!q->x->reply) {
			q->x->status = -ARES_ENOMEM;
			return;
		}
		memcpy(q->x->reply, reply, (size_t)reply_len);
		q->x->reply_len = (size_t)reply_len;
	}
}

int resolve_exchange(const unsigned char *query, size_t query_len, struct resolve_exchange *x)
{
	struct exchange_query q = { x, 0, false };
	struct ares_options options;
	char server_text[ADDR_STRLEN];
	ares_channel channel;
	int rc;

	x->status = -ARES_ETIMEOUT;
	x->reply = NULL;
	x->reply_len = 0;
	x->rtt_ms = 0;
	if (query_len < 12 || query_len > 65535 || x->timeout_ms <= 0)
		return -ARES_EBADQUERY;
	memset(&options, 0, sizeof(options));
	/* Every reply is wanted as it came: truncated ones too (the caller
	 * decides about TCP), failures too (they are the answer). */
	options.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_IGNTC |
			(x->tcp ? ARES_FLAG_USEVC : 0) | (x->edns ? ARES_FLAG_EDNS : 0);
	options.tries = 1;
	options.timeout = x->timeout_ms;
	/* c-ares cuts UDP replies at 512 bytes unless told EDNS is in use;
	 * 4096 is the most it reads. */
	options.ednspsz = 4096;
	rc = channel_open_with(&channel, &options,
			       ARES_OPT_FLAGS | ARES_OPT_TRIES | ARES_OPT_TIMEOUTMS | ARES_OPT_EDNSPSZ);
	if (rc < 0)
		return rc;
	rc = ares_set_servers_ports_csv(channel, addr_format(x->server, server_text, sizeof(server_text)));
	if (rc != ARES_SUCCESS) {
		ares_destroy(channel);
		return -rc;
	}
	q.sent_ns = mono_ns();
	ares_send(channel, query, (int)query_len, exchange_done, &q);
	channel_run(channel, deadline_after_ms(x->timeout_ms + 250));
	ares_destroy(channel);
	if (!q.done)
		x->rtt_ms = ns_to_ms(mono_ns() - q.sent_ns);
	return 0;
}
