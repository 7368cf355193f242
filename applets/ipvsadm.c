/* ipvsadm, read-only: -L [-n] [--stats|--rate] [--exact] [-t|-u VIP:PORT |
 * -f MARK], in ipvsadm's layout, from the kernel's IPVS over generic
 * netlink.  A kernel without IPVS is an answer (exit 1), not an error
 * trace.  Every option that would change the table is refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/ipvs.h"
#include "sonde/version.h"

struct ipvsadm_config {
	bool list, numeric, stats, rate, exact;
	const char *tcp_service, *udp_service, *sctp_service;
	int fwmark;
};

static const char *refuse_write(void *config, const char *arg)
{
	(void)config;
	(void)arg;
	return "sonde is read-only and never changes IPVS (use ipvsadm itself to change it)";
}

#define WRITE_OPT(S, L) SONDE_OPT_FUNC(S, L, NULL, "refused: sonde never changes IPVS", refuse_write)

static const struct sonde_opt ipvsadm_options[] = {
	SONDE_OPT_FLAG("L", "list", "list the virtual services (the default)", struct ipvsadm_config, list),
	SONDE_OPT_FLAG("l", NULL, "the same as -L", struct ipvsadm_config, list),
	SONDE_OPT_FLAG("n", "numeric", "numeric addresses and ports", struct ipvsadm_config, numeric),
	SONDE_OPT_FLAG(NULL, "stats", "packet and byte counters", struct ipvsadm_config, stats),
	SONDE_OPT_FLAG(NULL, "rate", "rates (per second)", struct ipvsadm_config, rate),
	SONDE_OPT_FLAG(NULL, "exact", "exact counter values", struct ipvsadm_config, exact),
	SONDE_OPT_STRING("t", "tcp-service", "VIP:PORT", "only this TCP virtual service", struct ipvsadm_config,
			 tcp_service),
	SONDE_OPT_STRING("u", "udp-service", "VIP:PORT", "only this UDP virtual service", struct ipvsadm_config,
			 udp_service),
	SONDE_OPT_STRING(NULL, "sctp-service", "VIP:PORT", "only this SCTP virtual service", struct ipvsadm_config,
			 sctp_service),
	SONDE_OPT_INT("f", "fwmark-service", "MARK", "only this firewall-mark service", struct ipvsadm_config, fwmark,
		      1, 4294967295.0),
	WRITE_OPT("A", "add-service"), WRITE_OPT("E", "edit-service"), WRITE_OPT("D", "delete-service"),
	WRITE_OPT("C", "clear"), WRITE_OPT("R", "restore"), WRITE_OPT("S", "save"), WRITE_OPT("a", "add-server"),
	WRITE_OPT("e", "edit-server"), WRITE_OPT("d", "delete-server"), WRITE_OPT("Z", "zero"),
	WRITE_OPT(NULL, "set"), WRITE_OPT(NULL, "start-daemon"), WRITE_OPT(NULL, "stop-daemon"),
	SONDE_OPT_END,
};

/* The service -t/-u/-f names, or NULL (with a message) when absent. */
static int selected(const struct ipvsadm_config *cfg, const struct ipvs_table *t, const struct ipvs_service **only)
{
	const char *text = cfg->tcp_service ? cfg->tcp_service : cfg->udp_service ? cfg->udp_service : cfg->sctp_service;
	uint16_t protocol = cfg->tcp_service ? IPPROTO_TCP : cfg->udp_service ? IPPROTO_UDP : IPPROTO_SCTP;
	struct sonde_addr addr;
	char host[128];
	const char *port_text;
	uint16_t port;
	size_t i;

	*only = NULL;
	if (cfg->fwmark) {
		for (i = 0; i < t->service_count; i++)
			if (t->services[i].fwmark == (uint32_t)cfg->fwmark)
				*only = &t->services[i];
		return *only ? 0 : -ENOENT;
	}
	if (!text)
		return 0;
	if (addr_split_hostport(text, host, sizeof(host), &port_text) < 0 || !port_text ||
	    addr_parse_port(port_text, false, &port) < 0 || addr_parse_ip(host, port, AF_UNSPEC, &addr) < 0) {
		sonde_err("not an address and port: '%s'", text);
		return -EINVAL;
	}
	for (i = 0; i < t->service_count; i++) {
		const void *raw = addr_family(&addr) == AF_INET6 ? (const void *)&addr.u.in6.sin6_addr
							   : (const void *)&addr.u.in4.sin_addr;

		if (ipvs_service_matches(&t->services[i], protocol, addr_family(&addr), raw, port))
			*only = &t->services[i];
	}
	return *only ? 0 : -ENOENT;
}

static void print_json(struct sonde_out *out, const struct ipvs_table *t, const struct ipvs_service *only)
{
	size_t i, j;
	char text[INET6_ADDRSTRLEN];

	out_open_object(out, NULL);
	out_print_uint(out, "version", NULL, t->version);
	out_print_uint(out, "connection_table_size", NULL, t->conn_tab_size);
	out_open_array(out, "services");
	for (i = 0; i < t->service_count; i++) {
		const struct ipvs_service *s = &t->services[i];

		if (only && s != only)
			continue;
		out_open_object(out, NULL);
		if (s->fwmark) {
			out_print_uint(out, "fwmark", NULL, s->fwmark);
		} else {
			out_print_str(out, "protocol", NULL, s->protocol == IPPROTO_TCP ? "tcp" : s->protocol == IPPROTO_UDP ? "udp" : "sctp");
			out_print_str(out, "address", NULL, inet_ntop(s->family, s->addr, text, sizeof(text)));
			out_print_uint(out, "port", NULL, s->port);
		}
		out_print_str(out, "scheduler", NULL, s->sched);
		out_print_bool(out, "persistent", NULL, s->flags & 1);
		if (s->flags & 1)
			out_print_uint(out, "timeout_s", NULL, s->timeout_s);
		out_print_uint(out, "connections", NULL, s->stats.conns);
		out_open_array(out, "destinations");
		for (j = 0; j < s->dest_count; j++) {
			const struct ipvs_dest *d = &s->dests[j];

			out_open_object(out, NULL);
			out_print_str(out, "address", NULL, inet_ntop(d->family ? d->family : s->family, d->addr, text, sizeof(text)));
			out_print_uint(out, "port", NULL, d->port);
			out_print_int(out, "weight", NULL, d->weight);
			out_print_uint(out, "active_connections", NULL, d->active_conns);
			out_print_uint(out, "inactive_connections", NULL, d->inact_conns);
			out_print_uint(out, "connections", NULL, d->stats.conns);
			out_close_object(out);
		}
		out_close_array(out);
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}

static const struct caps_need read_ipvs = {
	CAP_NET_ADMIN, "reading IPVS", "nothing: the kernel shows IPVS only to it"
};

static int ipvsadm_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct ipvsadm_config *cfg = config;
	const struct ipvs_service *only;
	struct ipvs_table t;
	unsigned format = 0;
	int rc;

	(void)argc;
	(void)argv;
	if (cfg->stats && cfg->rate) {
		sonde_err("--stats and --rate exclude each other");
		return SONDE_EXIT_USAGE;
	}
	if (!!cfg->tcp_service + !!cfg->udp_service + !!cfg->sctp_service + !!cfg->fwmark > 1) {
		sonde_err("name one service: -t, -u, --sctp-service or -f");
		return SONDE_EXIT_USAGE;
	}
	if (!getenv("SONDE_IPVS_REPLAY") && !caps_have(CAP_NET_ADMIN))
		return caps_fail(-EPERM, &read_ipvs, "cannot read IPVS");
	rc = ipvs_read(&t);
	if (rc == -ENOENT) {
		sonde_err("this kernel has no IPVS (the ip_vs module is not loaded, or not built): no virtual services");
		return SONDE_EXIT_NEGATIVE;
	}
	if (rc < 0)
		return caps_fail(rc, &read_ipvs, "cannot read IPVS");
	ipvs_sort(&t);
	rc = selected(cfg, &t, &only);
	if (rc == -ENOENT) {
		sonde_err("no such service");
		ipvs_free(&t);
		return SONDE_EXIT_NEGATIVE;
	}
	if (rc < 0) {
		ipvs_free(&t);
		return SONDE_EXIT_USAGE;
	}
	format |= cfg->numeric ? IPVS_FMT_NUMERIC : 0;
	format |= cfg->stats ? IPVS_FMT_STATS : 0;
	format |= cfg->rate ? IPVS_FMT_RATE : 0;
	format |= cfg->exact ? IPVS_FMT_EXACT : 0;
	if (ctx->json)
		print_json(ctx->out, &t, only);
	else
		ipvs_print(ctx->out->fp, &t, format, only);
	ipvs_free(&t);
	return SONDE_EXIT_OK;
}

static const struct sonde_imitation ipvsadm_imitation = {
	.version_letters = "v",
	.classic_line = "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)",
	.imitated = "ipvsadm 1.31",
};

const struct sonde_applet applet_ipvsadm = {
	.name = "ipvsadm",
	.summary = "IPVS virtual services and real servers, read-only",
	.usage = "[-L] [-n] [--stats|--rate] [--exact] [-t|-u VIP:PORT | -f MARK]",
	.help_extra = "Reads the kernel's IPVS table over generic netlink (family \"IPVS\") and lists it in "
		      "ipvsadm's layout. A kernel without IPVS is reported plainly (exit 1). Options that change "
		      "the table (-A, -E, -D, -a, -e, -d, -C, -R, -S, -Z, --set) are refused.",
	.options = ipvsadm_options,
	.config_size = sizeof(struct ipvsadm_config),
	.min_args = 0,
	.max_args = 0,
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),
	.main = ipvsadm_main,
	.imitates = &ipvsadm_imitation,
};
