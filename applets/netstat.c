/* netstat: net-tools' socket tables (-t -u -w -x, -l/-a, -n, -p, -e, -W, -c)
 * with its exact column layout, read from sock_diag netlink dumps instead
 * of /proc/net, and its routing (-r), interface (-i) and statistics (-s)
 * views (see docs/netstat.md).  Here: the options, the choice of view,
 * main; each table or view is a netstat_<part>.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netstat_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/out.h"
#include "sonde/version.h"

static const struct sonde_opt netstat_options[] = {
	SONDE_OPT_FLAG("4", "inet", "IPv4 sockets only", struct netstat_config, ipv4),
	SONDE_OPT_FLAG("6", "inet6", "IPv6 sockets only", struct netstat_config, ipv6),
	SONDE_OPT_FLAG("a", "all", "display all sockets (default: connected)", struct netstat_config, all),
	SONDE_OPT_FLAG("c", "continuous", "list again every second", struct netstat_config, continuous),
	SONDE_OPT_COUNT("e", "extend", "more columns (-ee: User and Inode; -ie: ifconfig's blocks)",
			struct netstat_config, extend),
	SONDE_OPT_FLAG("i", "interfaces", "display the interface table", struct netstat_config, interfaces),
	SONDE_OPT_FLAG("l", "listening", "display listening server sockets", struct netstat_config, listening),
	SONDE_OPT_FLAG("n", "numeric", "don't resolve names", struct netstat_config, numeric),
	SONDE_OPT_FLAG("p", "programs", "display PID/Program name for sockets", struct netstat_config, programs),
	SONDE_OPT_FLAG("r", "route", "display the routing table", struct netstat_config, route),
	SONDE_OPT_FLAG("s", "statistics", "display protocol statistics (-t -u -w: those protocols)",
		       struct netstat_config, statistics),
	SONDE_OPT_FLAG("t", "tcp", "TCP sockets", struct netstat_config, tcp),
	SONDE_OPT_FLAG("u", "udp", "UDP sockets", struct netstat_config, udp),
	SONDE_OPT_FLAG("W", "wide", "don't truncate IP addresses", struct netstat_config, wide),
	SONDE_OPT_FLAG("w", "raw", "raw sockets", struct netstat_config, raw),
	SONDE_OPT_FLAG("x", "unix", "Unix domain sockets", struct netstat_config, unix_sockets),
	SONDE_OPT_END,
};

/* --- main ------------------------------------------------------------------------ */

/* -p: the owners of each socket, or a warning that the column shows only
 * "-" (the sockets are still worth listing). */
static struct procfd_map *scan_programs(struct procfd_map *procs)
{
	int rc = procfd_scan(procs, "/proc");

	if (rc == 0)
		return procs;
	sonde_err("warning: no PID/Program name: cannot list the processes in /proc: %s%s", strerror(-rc),
		  procfd_mount_hint(rc));
	return NULL;
}

static int sockets_view(struct netstat_run *run)
{
	const struct netstat_config *cfg = run->cfg;
	bool any = cfg->tcp || cfg->udp || cfg->raw || cfg->unix_sockets;
	bool inet_only = cfg->ipv4 || cfg->ipv6;
	bool tcp = cfg->tcp || !any, udp = cfg->udp || !any, raw = cfg->raw || !any;
	bool unix_sockets = cfg->unix_sockets || (!any && !inet_only);
	struct procfd_map procs;
	int rc = 0;

	run->procs = NULL;
	if (cfg->programs)
		run->procs = scan_programs(&procs);
	if (run->out) {
		out_open_object(run->out, NULL);
		out_open_array(run->out, "sockets");
	}
	if (tcp || udp || raw)
		rc = netstat_inet_tables(run, tcp, udp, raw);
	if (rc == 0 && unix_sockets)
		rc = netstat_unix_table(run);
	if (run->out) {
		out_close_array(run->out);
		out_close_object(run->out);
		printf("\n");
	}
	if (run->procs)
		procfd_free(run->procs);
	run->procs = NULL;
	return rc;
}

typedef int (*netstat_view)(struct netstat_run *run);

/* -r, -i and -s replace the socket tables; at most one of them. */
static int pick_view(const struct netstat_config *cfg, netstat_view *view)
{
	int chosen = cfg->route + cfg->interfaces + cfg->statistics;

	if (chosen > 1) {
		sonde_err("-r, -i and -s are different views: choose one");
		return SONDE_EXIT_USAGE;
	}
	if (cfg->statistics && cfg->unix_sockets) {
		sonde_err("-s: no statistics for Unix sockets (-t, -u or -w)");
		return SONDE_EXIT_USAGE;
	}
	*view = cfg->route ? netstat_route_view : cfg->interfaces ? netstat_iface_view
		: cfg->statistics ? netstat_stats_view : sockets_view;
	return SONDE_EXIT_OK;
}

static int netstat_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct netstat_config *cfg = config;
	struct netstat_run run = { cfg, NULL, NULL, out_is_json(ctx->out) ? ctx->out : NULL, ctx->out, NULL };
	netstat_view view;
	int rc;

	(void)argc;
	(void)argv;
	rc = pick_view(cfg, &view);
	if (rc != SONDE_EXIT_OK)
		return rc;
	if (cfg->ipv4 && cfg->ipv6)
		cfg->ipv4 = cfg->ipv6 = false;
	if (cfg->programs && view == sockets_view && geteuid() != 0)
		fprintf(stderr, "(Not all processes could be identified, non-owned process info\n"
				" will not be shown, you would have to be root to see it all.)\n");
	rc = view == sockets_view ? sockdiag_open(&run.diag) : 0;
	while (rc == 0) {
		rc = view(&run);
		fflush(stdout);
		if (rc < 0 || !cfg->continuous)
			break;
		sleep(1);
	}
	sockdiag_close(run.diag);
	netstat_inet_free_names();
	if (rc < 0 && run.failed) {
		sonde_err("cannot read %s: %s%s", run.failed, strerror(-rc), procfd_mount_hint(rc));
		return SONDE_EXIT_NEGATIVE;
	}
	if (rc < 0)
		return caps_fail(rc, &caps_need_none, caps_refused(rc) ? "cannot read the socket tables (sock_diag)"
								  : "socket dump failed");
	return SONDE_EXIT_OK;
}

static const struct sonde_imitation netstat_imitation = {
	.version_letters = "V",
	.classic_line = "net-tools 2.10",
	.imitated = "netstat from net-tools 2.10",
};

const struct sonde_applet applet_netstat = {
	.name = "netstat",
	.summary = "socket tables like net-tools' netstat (from sock_diag netlink)",
	.usage = "[-tuwx] [-a|-l] [-nepWc46]\n-r [-n] [-e] [-4|-6] [-c]\n-i [-a] [-e] [-c]\n-s [-tuw] [-4|-6] [-c]",
	.options = netstat_options,
	.config_size = sizeof(struct netstat_config),
	.min_args = 0,
	.max_args = 0,
	.caps = CAPS_BIT(CAP_SYS_PTRACE) | CAPS_BIT(CAP_DAC_READ_SEARCH),
	.main = netstat_main,
	.imitates = &netstat_imitation,
};
