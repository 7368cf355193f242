/* netstat: the Internet socket tables (-t -u -w) in net-tools' exact
 * columns, from sock_diag dumps (raw sockets from /proc/net when the
 * kernel has no raw sock_diag): names as net-tools resolves and cuts them,
 * the rows, and the states asked of the kernel for -l, -a or neither. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstat_impl.h"
#include "sonde/out.h"
#include "sonde/resolve.h"
#include "sonde/services.h"

#define B(s) SOCKDIAG_STATE_BIT(SOCKDIAG_##s)

/* --- names ------------------------------------------------------------------ */

#define NAME_CACHE_SIZE 256

struct name_cache_entry {
	struct sonde_addr addr;
	char name[256];
};

static struct name_cache_entry *host_cache;
static size_t host_cache_used;

/* Host names as net-tools prints them: wildcards stay numeric ("0.0.0.0",
 * "[::]"), others go through a reverse lookup, numeric when it fails. */
static const char *host_text(const struct netstat_config *cfg, const struct sonde_addr *addr, char *buf,
			     size_t size)
{
	struct sonde_addr bare = *addr;
	size_t i;

	addr_set_port(&bare, 0);
	if (cfg->numeric)
		return addr_ntop(&bare, buf, size);
	if (addr_family(addr) == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&addr->u.in6.sin6_addr))
		return "[::]";
	if (addr_family(addr) == AF_INET && addr->u.in4.sin_addr.s_addr == INADDR_ANY)
		return "0.0.0.0";
	if (!host_cache)
		host_cache = calloc(NAME_CACHE_SIZE, sizeof(*host_cache));
	for (i = 0; host_cache && i < host_cache_used; i++)
		if (addr_equal(&host_cache[i].addr, &bare))
			return host_cache[i].name;
	if (resolve_reverse(&bare, 1000, buf, size) < 0)
		addr_ntop(&bare, buf, size);
	if (host_cache && host_cache_used < NAME_CACHE_SIZE) {
		host_cache[host_cache_used].addr = bare;
		snprintf(host_cache[host_cache_used].name, sizeof(host_cache[0].name), "%s", buf);
		host_cache_used++;
	}
	return buf;
}

void netstat_inet_free_names(void)
{
	free(host_cache);
	host_cache = NULL;
	host_cache_used = 0;
}

static const char *port_text(const struct netstat_config *cfg, uint16_t port, const char *proto, char *buf,
			     size_t size)
{
	const char *name;

	if (port == 0)
		return "*";
	if (!cfg->numeric && strcmp(proto, "raw") != 0 && (name = services_name(port, proto)) != NULL)
		return name;
	snprintf(buf, size, "%u", port);
	return buf;
}

/* "host:port", cut as net-tools cuts it to fit 23 columns unless -W: the
 * port keeps up to 18 characters, the host gets the rest. */
static void endpoint_text(const struct netstat_config *cfg, const struct sonde_addr *addr, const char *proto,
			  char *out, size_t size)
{
	char host_buf[256], port_buf[16];
	const char *host = host_text(cfg, addr, host_buf, sizeof(host_buf));
	const char *port = port_text(cfg, addr_port(addr), proto, port_buf, sizeof(port_buf));
	size_t host_len = strlen(host), port_len = strlen(port);
	const size_t short_len = 22;

	if (!cfg->wide && host_len + port_len > short_len) {
		if (port_len > short_len - 4)
			port_len = short_len - 4;
		host_len = short_len - port_len;
		snprintf(out, size, "%.*s:%.*s", (int)host_len, host, (int)port_len, port);
		return;
	}
	snprintf(out, size, "%s:%s", host, port);
}

/* User names from /etc/passwd, read directly (a static binary has no NSS). */
static const char *user_name(uint32_t uid, char *buf, size_t size)
{
	FILE *fp = fopen("/etc/passwd", "re");
	char line[1024];

	if (fp) {
		while (fgets(line, sizeof(line), fp)) {
			char *name = strtok(line, ":"), *pw = strtok(NULL, ":"), *id = strtok(NULL, ":");

			if (name && pw && id && strtoul(id, NULL, 10) == uid) {
				snprintf(buf, size, "%s", name);
				fclose(fp);
				return buf;
			}
		}
		fclose(fp);
	}
	return NULL;
}

/* --- Internet rows --------------------------------------------------------- */

struct inet_print {
	struct netstat_run *run;
	const char *proto;          /* "tcp", "udp", "raw" */
};

static bool listening_socket(const struct sockdiag_inet *sock)
{
	/* net-tools' test: TCP by the remote port, UDP and raw by the remote address. */
	if (sock->protocol == IPPROTO_TCP)
		return addr_port(&sock->remote) == 0;
	if (sock->family == AF_INET)
		return sock->remote.u.in4.sin_addr.s_addr == 0;
	return IN6_IS_ADDR_UNSPECIFIED(&sock->remote.u.in6.sin6_addr);
}

static const char *inet_state(const struct sockdiag_inet *sock, char *buf, size_t size)
{
	if (sock->protocol == IPPROTO_TCP)
		return sockdiag_state_name(sock->state);
	if (sock->protocol == IPPROTO_UDP)
		return sock->state == SOCKDIAG_ESTABLISHED ? "ESTABLISHED"
		       : sock->state == SOCKDIAG_CLOSE   ? ""
							 : "UNKNOWN";
	snprintf(buf, size, "%d", sock->state);
	return buf;
}

static void print_tail(struct netstat_run *run, uint32_t uid, uint32_t inode)
{
	const struct netstat_config *cfg = run->cfg;

	if (cfg->extend > 1) {
		char name[64];
		const char *user = cfg->numeric ? NULL : user_name(uid, name, sizeof(name));

		if (user)
			printf(" %-10s ", user);
		else
			printf(" %-10u ", uid);
		printf("%-10u", inode);
	}
	if (cfg->programs) {
		const struct procfd_owner *o = run->procs ? procfd_find_first_scanned(run->procs, inode) : NULL;

		printf(" %-*s", NETSTAT_PROGRAM_WIDTH, o ? procfd_pid_program(run->procs, o) : "-");
	}
	putchar('\n');
}

static int print_inet(const struct sockdiag_inet *sock, void *arg)
{
	struct inet_print *p = arg;
	const struct netstat_config *cfg = p->run->cfg;
	char local[300], remote[300], proto[8], state_buf[16];
	uint32_t send_q = sock->state == SOCKDIAG_LISTEN ? 0 : sock->wqueue;
	int local_width, remote_width;

	if (!cfg->all && listening_socket(sock) != cfg->listening)
		return 0;
	if (p->run->out) {
		sockdiag_json_inet(p->run->out, sock, p->run->procs);
		return 0;
	}
	snprintf(proto, sizeof(proto), "%s%s", p->proto, sock->family == AF_INET6 ? "6" : "");
	endpoint_text(cfg, &sock->local, p->proto, local, sizeof(local));
	endpoint_text(cfg, &sock->remote, p->proto, remote, sizeof(remote));
	/* TCP rows widen for long addresses (-W); UDP and raw keep 23. */
	local_width = sock->protocol == IPPROTO_TCP && strlen(local) > 23 ? (int)strlen(local) : 23;
	remote_width = sock->protocol == IPPROTO_TCP && strlen(remote) > 23 ? (int)strlen(remote) : 23;
	if (sock->protocol == IPPROTO_UDP)
		printf("%-5s %6u %6u %-*s %-*s %-11s", proto, sock->rqueue, send_q, local_width, local, remote_width,
		       remote, inet_state(sock, state_buf, sizeof(state_buf)));
	else
		printf("%-4s  %6u %6u %-*s %-*s %-11s", proto, sock->rqueue, send_q, local_width, local,
		       remote_width, remote, inet_state(sock, state_buf, sizeof(state_buf)));
	print_tail(p->run, sock->uid, sock->inode);
	return 0;
}

/* The states worth asking the kernel for: everything with -a; with -l the
 * ones without a peer; else the ones with one. */
static uint32_t inet_states(const struct netstat_config *cfg, int protocol)
{
	if (cfg->all || protocol != IPPROTO_TCP)
		return SOCKDIAG_ALL_STATES;
	if (cfg->listening)
		return B(LISTEN) | B(CLOSE);
	return SOCKDIAG_ALL_STATES & ~(B(LISTEN) | B(CLOSE));
}

static int dump_protocol(struct netstat_run *run, int protocol, const char *name)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct inet_print p = { run, name };
	bool v4 = run->cfg->ipv4 || !run->cfg->ipv6, v6 = run->cfg->ipv6 || !run->cfg->ipv4;
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		struct sockdiag_inet_query q = { families[i], protocol, inet_states(run->cfg, protocol), 0, NULL, 0 };

		if (families[i] == AF_INET ? !v4 : !v6)
			continue;
		rc = sockdiag_dump_inet(run->diag, &q, print_inet, &p);
		if (rc == -ENOENT && protocol == IPPROTO_RAW)
			rc = sockdiag_proc_raw(families[i], q.states, print_inet, &p);
		if (rc < 0 && rc != -ENOENT)
			return rc;
	}
	return 0;
}

int netstat_inet_tables(struct netstat_run *run, bool tcp, bool udp, bool raw)
{
	const struct netstat_config *cfg = run->cfg;
	int rc = 0;

	if (!run->out) {
		printf("Active Internet connections %s", netstat_scope(cfg));
		printf("\nProto Recv-Q Send-Q Local Address           Foreign Address         State      ");
		if (cfg->extend > 1)
			printf(" User       Inode     ");
		if (cfg->programs)
			printf(" %-*s", NETSTAT_PROGRAM_WIDTH, "PID/Program name");
		printf("\n");
	}
	if (tcp)
		rc = dump_protocol(run, IPPROTO_TCP, "tcp");
	if (rc == 0 && udp)
		rc = dump_protocol(run, IPPROTO_UDP, "udp");
	if (rc == 0 && raw)
		rc = dump_protocol(run, IPPROTO_RAW, "raw");
	return rc;
}
