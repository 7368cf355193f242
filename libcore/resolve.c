/* Synchronous lookups on top of c-ares' asynchronous API: one channel per
 * lookup, driven by poll() until the answer or the deadline. */
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/clock.h"
#include "sonde/resolve.h"

const char *resolve_conf_path(void)
{
	const char *path = getenv("SONDE_RESOLV_CONF");

	return path && *path ? path : "/etc/resolv.conf";
}

static int channel_open(ares_channel *channel)
{
	static int library_ready;
	struct ares_options options;
	int optmask = 0, rc;

	if (!library_ready) {
		rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS)
			return -rc;
		library_ready = 1;
	}
	memset(&options, 0, sizeof(options));
	if (getenv("SONDE_RESOLV_CONF")) {
		options.resolvconf_path = (char *)resolve_conf_path();
		optmask |= ARES_OPT_RESOLVCONF;
	}
	rc = ares_init_options(channel, &options, optmask);
	return rc == ARES_SUCCESS ? 0 : -rc;
}

/* Runs the channel until no query is pending or the deadline passes. */
static int channel_run(ares_channel channel, int64_t deadline_ms)
{
	for (;;) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd fds[ARES_GETSOCK_MAXNUM];
		struct timeval tv, *tvp;
		int bitmask, nfds = 0, i, wait_ms, left_ms;

		bitmask = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short events = 0;

			if (ARES_GETSOCK_READABLE(bitmask, i))
				events |= POLLIN;
			if (ARES_GETSOCK_WRITABLE(bitmask, i))
				events |= POLLOUT;
			if (events) {
				fds[nfds].fd = socks[i];
				fds[nfds].events = events;
				fds[nfds].revents = 0;
				nfds++;
			}
		}
		if (nfds == 0)
			return 0;
		tvp = ares_timeout(channel, NULL, &tv);
		wait_ms = tvp ? (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) : 1000;
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
				ares_process_fd(channel, rfd, wfd);
		}
		/* Time-outs and retries are handled inside process_fd. */
		ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
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

int resolve_host(const char *name, int family, unsigned flags, int timeout_ms, uint16_t port,
		 struct sonde_addr *addrs, size_t max_addrs, size_t *count)
{
	struct host_query q = { ARES_SUCCESS, false, port, addrs, max_addrs, 0 };
	struct ares_addrinfo_hints hints;
	ares_channel channel;
	int rc;

	*count = 0;
	if (max_addrs == 0)
		return -ARES_EBADQUERY;
	rc = addr_parse_ip(name, port, family, &addrs[0]);
	if (rc == 0) {
		*count = 1;
		return 0;
	}
	if (rc == -EAFNOSUPPORT)
		return -ARES_ENODATA;
	if (flags & RESOLVE_NUMERIC_ONLY)
		return -ARES_EBADNAME;

	rc = channel_open(&channel);
	if (rc < 0)
		return rc;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	ares_getaddrinfo(channel, name, NULL, &hints, host_query_done, &q);
	rc = channel_run(channel, deadline_after_ms(timeout_ms));
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

const char *resolve_strerror(int err)
{
	int status = err < 0 ? -err : err;

	switch (status) {
	case ARES_ENOTFOUND: return "name not found";
	case ARES_ENODATA: return "no address of the requested family";
	case ARES_ETIMEOUT: return "resolver timed out";
	case ARES_ECONNREFUSED: return "nameserver refused the connection";
	case ARES_ESERVFAIL: return "nameserver failed (SERVFAIL)";
	case ARES_EREFUSED: return "nameserver refused the query";
	case ARES_EBADNAME: return "not a numeric address (name lookups are off)";
	default: return ares_strerror(status);
	}
}
