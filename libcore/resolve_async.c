/* Lookups driven by the caller's poll loop, for an applet that waits on
 * many things at once (wait): the same answers as resolve_host, or a query
 * of one type through resolv.conf's search list as res_search makes it,
 * without blocking the loop while a nameserver thinks. */
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/clock.h"
#include "sonde/dns.h"
#include "sonde/resolve.h"
#include "resolve_impl.h"

/* c-ares tells SERVFAIL and REFUSED apart only when asked again: long
 * enough for a nameserver near by, short enough not to hold up the loop
 * (a server that does not answer at all is a timeout, not a refusal). */
#define REFUSAL_EXPLAIN_MS 1000

struct resolve_async {
	ares_channel channel;
	bool channel_open;
	char *name;
	int family;
	uint16_t qtype, port;
	bool done;
	int status;          /* 0 or a negative c-ares status, once done */
	size_t answer_count; /* qtype records in the answer */
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t addr_count;
};

static void host_done(void *arg, int status, int timeouts, struct ares_addrinfo *result)
{
	struct resolve_async *ra = arg;
	struct ares_addrinfo_node *node;

	(void)timeouts;
	ra->done = true;
	ra->status = -status;
	for (node = result ? result->nodes : NULL; node && ra->addr_count < RESOLVE_MAX_ADDRS; node = node->ai_next) {
		struct sonde_addr *a = &ra->addrs[ra->addr_count];

		if ((node->ai_family != AF_INET && node->ai_family != AF_INET6) || node->ai_addrlen > sizeof(a->u))
			continue;
		memset(a, 0, sizeof(*a));
		memcpy(&a->u, node->ai_addr, node->ai_addrlen);
		a->len = node->ai_addrlen;
		addr_set_port(a, ra->port);
		ra->addr_count++;
	}
	if (status == ARES_SUCCESS && ra->addr_count == 0)
		ra->status = -ARES_ENODATA;
	if (result)
		ares_freeaddrinfo(result);
}

/* Records of the asked type in the answer: a CNAME alone is no answer. */
static size_t answers_of_type(const unsigned char *reply, int len, uint16_t qtype)
{
	struct dns_msg msg;
	size_t count = 0, i, first;

	if (!reply || len <= 0 || dns_parse(reply, (size_t)len, &msg) < 0)
		return 0;
	first = msg.rr_count[DNS_SECTION_QUESTION];
	for (i = 0; i < msg.rr_count[DNS_SECTION_ANSWER]; i++)
		if (msg.rrs[first + i].type == qtype || qtype == DNS_TYPE_ANY)
			count++;
	dns_msg_free(&msg);
	return count;
}

static void search_done(void *arg, int status, int timeouts, unsigned char *reply, int reply_len)
{
	struct resolve_async *ra = arg;

	(void)timeouts;
	ra->done = true;
	ra->status = -status;
	if (status == ARES_SUCCESS) {
		ra->answer_count = answers_of_type(reply, reply_len, ra->qtype);
		if (ra->answer_count == 0)
			ra->status = -ARES_ENODATA;
	}
}

static int start_lookup(struct resolve_async *ra)
{
	int rc = resolve_channel_open(&ra->channel);

	if (rc < 0)
		return rc;
	ra->channel_open = true;
	if (ra->qtype) {
		ares_search(ra->channel, ra->name, 1 /* IN */, ra->qtype, search_done, ra);
	} else {
		struct ares_addrinfo_hints hints;

		memset(&hints, 0, sizeof(hints));
		hints.ai_family = ra->family;
		ares_getaddrinfo(ra->channel, ra->name, NULL, &hints, host_done, ra);
	}
	return 0;
}

int resolve_async_start(const char *name, int family, uint16_t qtype, uint16_t port, struct resolve_async **out)
{
	struct resolve_async *ra = calloc(1, sizeof(*ra));
	int rc;

	*out = NULL;
	if (!ra || !(ra->name = strdup(name))) {
		free(ra);
		return -ARES_ENOMEM;
	}
	ra->family = family;
	ra->qtype = qtype;
	ra->port = port;
	*out = ra;
	if (!qtype) {
		rc = resolve_name_first(name, family, 0, port, ra->addrs, RESOLVE_MAX_ADDRS, &ra->addr_count);
		if (rc <= 0) {
			ra->done = true;
			ra->status = rc;
			return 0;
		}
	}
	rc = start_lookup(ra);
	if (rc < 0) {
		ra->done = true;
		ra->status = rc;
	}
	return 0;
}

size_t resolve_async_pollfds(struct resolve_async *ra, struct pollfd *fds, size_t max, int *wait_ms)
{
	if (ra->done || !ra->channel_open)
		return 0;
	return resolve_channel_pollfds(ra->channel, fds, max, wait_ms);
}

void resolve_async_process(struct resolve_async *ra, const struct pollfd *fds, size_t count)
{
	size_t i;

	if (ra->done || !ra->channel_open)
		return;
	for (i = 0; i < count; i++) {
		ares_socket_t rfd = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
		ares_socket_t wfd = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;

		if (rfd != ARES_SOCKET_BAD || wfd != ARES_SOCKET_BAD)
			ares_process_fd(ra->channel, rfd, wfd);
	}
	/* Time-outs and retries happen here. */
	ares_process_fd(ra->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	if (ra->done && ra->status == -ARES_ECONNREFUSED)
		ra->status = resolve_refusal_explain(ra->channel, ra->name,
						     ra->qtype == DNS_TYPE_AAAA ? AF_INET6 : ra->family,
						     deadline_after_ms(REFUSAL_EXPLAIN_MS));
}

bool resolve_async_done(const struct resolve_async *ra)
{
	return ra->done;
}

int resolve_async_result(const struct resolve_async *ra, struct sonde_addr *addrs, size_t max_addrs,
			 size_t *count)
{
	size_t n = ra->qtype ? ra->answer_count : ra->addr_count, i;

	*count = n;
	for (i = 0; addrs && !ra->qtype && i < n && i < max_addrs; i++)
		addrs[i] = ra->addrs[i];
	if (addrs && !ra->qtype && n > max_addrs)
		*count = max_addrs;
	return ra->done ? ra->status : -ARES_ETIMEOUT;
}

void resolve_async_free(struct resolve_async *ra)
{
	if (!ra)
		return;
	if (ra->channel_open)
		ares_destroy(ra->channel); /* cancels what is pending: the callbacks run now */
	free(ra->name);
	free(ra);
}
