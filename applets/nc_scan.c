/* nc -z: does each port take a connection?  TCP ports are connected to
 * (each resolved address in turn, like netcat); UDP ports are probed on a
 * connected socket, where a closed port shows as an ICMP refusal. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nc_impl.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/ports.h"
#include "sonde/resolve.h"
#include "sonde/services.h"
#include "sonde/sock.h"

/* netcat waits this long for a refusal from a UDP port without -w. */
#define UDP_PROBE_DEFAULT_MS 3000
#define UDP_PROBE_RESEND_MS 1000

enum port_state { PORT_OPEN, PORT_CLOSED, PORT_TIMEOUT, PORT_ERROR };

static const char *const state_names[] = { "open", "closed", "timeout", "error" };

struct port_result {
	uint16_t port;
	struct sonde_addr addr;   /* the address that answered, or the last tried */
	enum port_state state;
	int err;                  /* -errno behind closed/timeout/error */
	double connect_time_ms;   /* <0: not measured (UDP) */
};

static enum port_state state_of(int err)
{
	if (err == 0)
		return PORT_OPEN;
	if (err == -ECONNREFUSED)
		return PORT_CLOSED;
	if (err == -ETIMEDOUT)
		return PORT_TIMEOUT;
	return PORT_ERROR;
}

static void check_tcp(const struct nc_config *cfg, const char *host, const struct sonde_addr *addrs,
		      size_t count, uint16_t port, struct port_result *res)
{
	size_t i;

	for (i = 0; i < count; i++) {
		struct sonde_addr dst = addrs[i], src;
		int64_t start_ns;
		int rc, fd = -1, have_src;

		addr_set_port(&dst, port);
		res->addr = dst;
		have_src = nc_source_addr(cfg, &dst, &src);
		if (have_src < 0) {
			res->state = PORT_ERROR;
			res->err = -EADDRNOTAVAIL;
			return;
		}
		start_ns = mono_ns();
		rc = sock_connect(&dst, SOCK_STREAM, have_src ? &src : NULL, nc_wait_ms(cfg), &fd);
		res->connect_time_ms = ns_to_ms(mono_ns() - start_ns);
		res->err = rc;
		res->state = state_of(rc);
		if (rc == 0) {
			close(fd);
			return;
		}
		if (cfg->verbose)
			nc_report_connect_failed(cfg, host, &dst, rc);
	}
}

/* One probe byte, then a wait for a refusal, resent every second (ICMP
 * errors are rate-limited and can be lost).  Silence counts as open, as in
 * netcat: UDP cannot tell an open port from a filtered one. */
static int udp_probe(int fd, int wait_ms)
{
	int64_t deadline = deadline_after_ms(wait_ms);

	while (!deadline_passed(deadline)) {
		int left = deadline_poll_ms(deadline), rc;
		char reply[512];

		if (send(fd, "X", 1, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
			return -errno;
		rc = sock_wait(fd, POLLIN, left < UDP_PROBE_RESEND_MS ? left : UDP_PROBE_RESEND_MS);
		if (rc == -ETIMEDOUT)
			continue;
		if (rc < 0)
			return rc;
		if (recv(fd, reply, sizeof(reply), 0) >= 0)
			return 0; /* it answered */
		if (errno != EAGAIN)
			return -errno;
	}
	return 0;
}

static void check_udp(const struct nc_config *cfg, const char *host, const struct sonde_addr *addrs,
		      size_t count, uint16_t port, struct port_result *res)
{
	struct sonde_addr dst = addrs[0], src;
	int rc, fd = -1, have_src;

	addr_set_port(&dst, port);
	res->addr = dst;
	res->connect_time_ms = -1;
	have_src = nc_source_addr(cfg, &dst, &src);
	if (have_src < 0) {
		res->state = PORT_ERROR;
		res->err = -EADDRNOTAVAIL;
		return;
	}
	rc = sock_connect(&dst, SOCK_DGRAM, have_src ? &src : NULL, -1, &fd);
	if (rc == 0) {
		rc = udp_probe(fd, cfg->wait_secs > 0 ? nc_wait_ms(cfg) : UDP_PROBE_DEFAULT_MS);
		close(fd);
	}
	res->err = rc;
	res->state = state_of(rc);
	/* netcat reports nothing for a UDP port that fails. */
}

static void render_result(struct sonde_out *out, const struct nc_config *cfg, const char *host,
			  const struct port_result *res)
{
	const char *service = services_name(res->port, nc_proto(cfg));
	char text[ADDR_STRLEN];

	out_open_object(out, NULL);
	out_print_str(out, "host", NULL, host);
	out_print_str(out, "address", NULL, addr_ntop(&res->addr, text, sizeof(text)));
	out_print_uint(out, "port", NULL, res->port);
	out_print_str(out, "protocol", NULL, nc_proto(cfg));
	if (service)
		out_print_str(out, "service", NULL, service);
	else
		out_print_null(out, "service", NULL, NULL);
	out_print_str(out, "state", NULL, state_names[res->state]);
	if (res->err)
		out_print_str(out, "error", NULL, strerror(-res->err));
	else
		out_print_null(out, "error", NULL, NULL);
	if (res->connect_time_ms >= 0)
		out_print_double(out, "connect_ms", NULL, res->connect_time_ms);
	else
		out_print_null(out, "connect_ms", NULL, NULL);
	out_close_object(out);
}

static int parse_port_args(const struct nc_config *cfg, int count, char **args, struct port_list *list)
{
	struct port_error err = { 0 };
	int i;

	ports_init(list);
	for (i = 0; i < count; i++)
		if (ports_parse(list, args[i], nc_proto(cfg), &err) < 0) {
			sonde_err("invalid port '%s': %s%s%s", args[i], err.reason,
				  strcmp(err.item, args[i]) && err.item[0] ? " in " : "",
				  strcmp(err.item, args[i]) && err.item[0] ? err.item : "");
			return SONDE_EXIT_USAGE;
		}
	return 0;
}

int nc_scan(struct sonde_ctx *ctx, const struct nc_config *cfg, const char *host, int port_count,
	    char **port_args)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	struct port_list *list = malloc(sizeof(*list));
	struct port_iter it;
	size_t addr_count = 0, open_count = 0, total = 0;
	uint16_t port;
	int rc, last_udp_rc = SONDE_EXIT_NEGATIVE;

	if (!list)
		return SONDE_EXIT_NEGATIVE;
	rc = parse_port_args(cfg, port_count, port_args, list);
	if (rc) {
		free(list);
		return rc;
	}
	rc = resolve_host(host, nc_family(cfg), cfg->numeric ? RESOLVE_NUMERIC_ONLY : 0, 10000, 0, addrs,
			  RESOLVE_MAX_ADDRS, &addr_count);
	if (rc < 0) {
		sonde_err("cannot resolve %s: %s", host, resolve_strerror(rc));
		free(list);
		return SONDE_EXIT_NEGATIVE;
	}
	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "host", NULL, host);
	out_print_str(ctx->out, "protocol", NULL, nc_proto(cfg));
	out_open_array(ctx->out, "ports");
	ports_iter_init(&it);
	while (ports_iter_next(list, &it, &port)) {
		struct port_result res = { .port = port };

		if (cfg->udp)
			check_udp(cfg, host, addrs, addr_count, port, &res);
		else
			check_tcp(cfg, host, addrs, addr_count, port, &res);
		if (res.state == PORT_OPEN) {
			open_count++;
			if (cfg->verbose)
				nc_report_connected(cfg, host, &res.addr);
		}
		last_udp_rc = res.state == PORT_OPEN ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
		total++;
		render_result(ctx->out, cfg, host, &res);
		fflush(stdout);
	}
	out_close_array(ctx->out);
	out_print_uint(ctx->out, "checked", NULL, total);
	out_print_uint(ctx->out, "open", NULL, open_count);
	out_close_object(ctx->out);
	free(list);
	/* netcat's exit status: TCP succeeds when any port took a connection;
	 * UDP reflects the last port probed. */
	if (cfg->udp)
		return last_udp_rc;
	return open_count ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
}
