/* sonde doctor: what listens here, and sockets piling up in CLOSE_WAIT
 * (an application not closing what its peer closed) or SYN_RECV (a slow
 * accept loop, or a SYN flood), from one sock_diag pass over TCP and UDP. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "doctor_impl.h"
#include "sonde/sockdiag.h"

/* Above these a count is worth a warning; below, it is normal churn. */
#define CLOSE_WAIT_WARN 100
#define SYN_RECV_WARN 100
#define LISTENERS_SHOWN 32

struct socket_census {
	unsigned long tcp_listen, udp_bound, close_wait, syn_recv;
	struct doctor_check *listeners;   /* the record the names go into */
	unsigned long shown;
};

static int count_socket(const struct sockdiag_inet *sock, void *arg)
{
	struct socket_census *c = arg;
	char addr[ADDR_STRLEN], entry[ADDR_STRLEN + 8];

	if (sock->protocol == IPPROTO_TCP) {
		if (sock->state == SOCKDIAG_CLOSE_WAIT)
			c->close_wait++;
		if (sock->state == SOCKDIAG_SYN_RECV)
			c->syn_recv++;
		if (sock->state != SOCKDIAG_LISTEN)
			return 0;
		c->tcp_listen++;
	} else {
		c->udp_bound++;
	}
	if (c->shown < LISTENERS_SHOWN) {
		snprintf(entry, sizeof(entry), "%s %s", sock->protocol == IPPROTO_TCP ? "tcp" : "udp",
			 addr_format(&sock->local, addr, sizeof(addr)));
		check_list_add(c->listeners, "listening", entry);
		c->shown++;
	}
	return 0;
}

static int census_take(struct socket_census *c)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct sockdiag *diag;
	size_t i;
	int rc;

	rc = sockdiag_open(&diag);
	for (i = 0; rc == 0 && i < 2; i++) {
		struct sockdiag_inet_query tcp = {
			families[i], IPPROTO_TCP,
			SOCKDIAG_STATE_BIT(SOCKDIAG_LISTEN) | SOCKDIAG_STATE_BIT(SOCKDIAG_CLOSE_WAIT) |
				SOCKDIAG_STATE_BIT(SOCKDIAG_SYN_RECV),
			0, NULL, 0,
		};
		struct sockdiag_inet_query udp = { families[i], IPPROTO_UDP, SOCKDIAG_STATE_BIT(SOCKDIAG_CLOSE),
						   0, NULL, 0 };

		rc = sockdiag_dump_inet(diag, &tcp, count_socket, c);
		if (rc == 0)
			rc = sockdiag_dump_inet(diag, &udp, count_socket, c);
	}
	if (diag)
		sockdiag_close(diag);
	return rc;
}

static void check_backlog(struct doctor_report *report, const char *name, unsigned long count,
			  unsigned long threshold, const char *meaning)
{
	struct doctor_check *check;

	if (count > threshold)
		check = doctor_add(report, "sockets", name, DOCTOR_WARN, "%lu TCP sockets in %s: %s", count,
				   name, meaning);
	else
		check = doctor_add(report, "sockets", name, DOCTOR_PASS, "%lu TCP sockets in %s", count, name);
	check_uint(check, "count", count);
	check_uint(check, "warn_above", threshold);
}

void doctor_check_sockets(struct doctor_report *report, const struct doctor_config *config)
{
	struct socket_census census = { 0 };
	int rc;

	(void)config;
	census.listeners = doctor_add(report, "sockets", "listening", DOCTOR_INFO, "listening sockets");
	check_list_add(census.listeners, "listening", NULL);
	rc = census_take(&census);
	if (rc < 0) {
		check_set_message(census.listeners, DOCTOR_WARN, "cannot list sockets (sock_diag): %s",
				  strerror(-rc));
		return;
	}
	check_set_message(census.listeners, DOCTOR_INFO, "%lu TCP listening, %lu UDP bound%s", census.tcp_listen,
			  census.udp_bound, census.shown < census.tcp_listen + census.udp_bound ? " (first 32 listed)" : "");
	check_uint(census.listeners, "tcp_listening", census.tcp_listen);
	check_uint(census.listeners, "udp_bound", census.udp_bound);
	check_backlog(report, "CLOSE_WAIT", census.close_wait, CLOSE_WAIT_WARN,
		      "an application is not closing connections its peers closed");
	check_backlog(report, "SYN_RECV", census.syn_recv, SYN_RECV_WARN,
		      "connections wait for their handshake to finish (slow accept, lost ACKs, or a SYN flood)");
}
