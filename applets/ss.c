/* ss: socket lists as iproute2's ss prints them, from sock_diag netlink
 * dumps, with state filters and filter expressions compiled into in-kernel
 * bytecode (see docs/ss.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/version.h"
#include "ss_impl.h"

#define B(s) SOCKDIAG_STATE_BIT(SOCKDIAG_##s)
/* ss's default: every state but listening, closed, time-wait and syn-recv. */
#define SS_CONN_STATES (SOCKDIAG_ALL_STATES & ~(B(LISTEN) | B(CLOSE) | B(TIME_WAIT) | B(SYN_RECV)))

static const struct sonde_opt ss_options[] = {
	SONDE_OPT_FLAG("0", "packet", "display packet sockets", struct ss_config, packet),
	SONDE_OPT_FLAG("4", "ipv4", "display only IP version 4 sockets", struct ss_config, ipv4),
	SONDE_OPT_FLAG("6", "ipv6", "display only IP version 6 sockets", struct ss_config, ipv6),
	SONDE_OPT_FLAG("a", "all", "display all sockets", struct ss_config, all),
	SONDE_OPT_FLAG("e", "extended", "show detailed socket information", struct ss_config, extended),
	SONDE_OPT_FLAG("H", "no-header", "suppress the header line", struct ss_config, no_header),
	SONDE_OPT_FLAG("i", "info", "show internal TCP information (tcp_info)", struct ss_config, info),
	SONDE_OPT_FLAG("l", "listening", "display listening sockets", struct ss_config, listening),
	SONDE_OPT_FLAG("m", "memory", "show socket memory usage", struct ss_config, memory),
	SONDE_OPT_FLAG("n", "numeric", "don't resolve service names", struct ss_config, numeric),
	SONDE_OPT_FLAG("o", "options", "show timer information", struct ss_config, timers),
	SONDE_OPT_FLAG("p", "processes", "show processes using each socket", struct ss_config, processes),
	SONDE_OPT_FLAG("s", "summary", "show socket usage summary", struct ss_config, summary),
	SONDE_OPT_FLAG("t", "tcp", "display only TCP sockets", struct ss_config, tcp),
	SONDE_OPT_FLAG("u", "udp", "display only UDP sockets", struct ss_config, udp),
	SONDE_OPT_FLAG("w", "raw", "display only RAW sockets", struct ss_config, raw),
	SONDE_OPT_FLAG("x", "unix", "display only Unix domain sockets", struct ss_config, unix_sockets),
	SONDE_OPT_END,
};

/* The tables to dump and the states to ask for, by ss's rules. */
struct ss_plan {
	bool tcp, udp, raw, unix_sockets, packet;
	bool v4, v6;
	uint32_t states;
	int table_count;
};

static void plan_tables(struct ss_config *cfg, uint32_t state_words, bool saw_states, struct ss_plan *plan)
{
	bool any_type = cfg->tcp || cfg->udp || cfg->raw || cfg->unix_sockets || cfg->packet;
	bool by_family = cfg->ipv4 || cfg->ipv6;
	uint32_t states = 0;

	memset(plan, 0, sizeof(*plan));
	if (!any_type && !by_family) {
		/* No table named: all of them. */
		plan->tcp = plan->udp = plan->raw = plan->unix_sockets = plan->packet = true;
		states = SS_CONN_STATES;
	} else {
		plan->tcp = cfg->tcp;
		plan->udp = cfg->udp;
		plan->raw = cfg->raw;
		plan->unix_sockets = cfg->unix_sockets;
		plan->packet = cfg->packet;
		if (by_family && !cfg->tcp && !cfg->udp && !cfg->raw)
			plan->tcp = plan->udp = plan->raw = true;
		if (plan->tcp || by_family || cfg->unix_sockets)
			states |= SS_CONN_STATES;
		if (cfg->udp || cfg->raw)
			states |= B(ESTABLISHED);
		if (cfg->packet)
			states |= B(CLOSE);
	}
	plan->v4 = cfg->ipv4 || !cfg->ipv6;
	plan->v6 = cfg->ipv6 || !cfg->ipv4;
	if (cfg->ipv4 || cfg->ipv6) {
		/* -4/-6 name inet families only: unix and packet need their own flag. */
		plan->unix_sockets = cfg->unix_sockets;
		plan->packet = cfg->packet;
	}
	if (cfg->all)
		states = SOCKDIAG_ALL_STATES;
	else if (cfg->listening)
		states = B(LISTEN) | B(CLOSE);
	if (saw_states)
		states = state_words;
	plan->states = states;
	plan->table_count = plan->tcp + plan->udp + plan->raw + 3 * plan->unix_sockets + 2 * plan->packet;
}

/* "state WORD" and "exclude WORD" at the front of the operands. */
static int parse_states(int *argc, char ***argv, uint32_t *states, bool *saw)
{
	while (*argc >= 1) {
		bool exclude;
		uint32_t mask;

		if (strcmp((*argv)[0], "state") == 0)
			exclude = false;
		else if (strcmp((*argv)[0], "exclude") == 0 || strcmp((*argv)[0], "excl") == 0)
			exclude = true;
		else
			return 0;
		if (*argc < 2) {
			sonde_err("'%s' needs a state name (see --help)", (*argv)[0]);
			return SONDE_EXIT_USAGE;
		}
		mask = sockdiag_state_mask_from_name((*argv)[1]);
		if (!mask) {
			sonde_err("wrong state name: %s", (*argv)[1]);
			return SONDE_EXIT_USAGE;
		}
		if (!*saw)
			*states = exclude ? SOCKDIAG_ALL_STATES : 0;
		*states = exclude ? *states & ~mask : *states | mask;
		*saw = true;
		*argc -= 2;
		*argv += 2;
	}
	return 0;
}

static void read_port_range(struct ss_print_ctx *ctx)
{
	FILE *fp = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");

	ctx->port_range_low = 1024;
	ctx->port_range_high = 4999;
	if (fp) {
		if (fscanf(fp, "%d %d", &ctx->port_range_low, &ctx->port_range_high) != 2) {
			ctx->port_range_low = 1024;
			ctx->port_range_high = 4999;
		}
		fclose(fp);
	}
}

struct bytecode {
	uint8_t code[SOCKDIAG_BYTECODE_MAX];
	size_t len;
};

static int dump_inet(struct sockdiag *diag, struct ss_print_ctx *ctx, const struct ss_plan *plan, int protocol,
		     const struct bytecode *bc)
{
	static const int families[] = { AF_INET, AF_INET6 };
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		struct sockdiag_inet_query q = { families[i], protocol, plan->states, 0, NULL, 0 };

		if ((families[i] == AF_INET && !plan->v4) || (families[i] == AF_INET6 && !plan->v6))
			continue;
		if (ctx->cfg->memory)
			q.extensions |= SOCKDIAG_EXT_MEMINFO;
		if (ctx->cfg->info)
			q.extensions |= SOCKDIAG_EXT_INFO;
		q.bytecode = bc->len ? bc->code : NULL;
		q.bytecode_len = bc->len;
		ctx->kernel_filtered = bc->len > 0;
		rc = sockdiag_dump_inet(diag, &q, ss_print_inet, ctx);
		if (rc == -EINVAL && bc->len) {
			/* A kernel that refuses the program: filter here instead. */
			q.bytecode = NULL;
			q.bytecode_len = 0;
			ctx->kernel_filtered = false;
			rc = sockdiag_dump_inet(diag, &q, ss_print_inet, ctx);
		}
		if (rc == -ENOENT && protocol == IPPROTO_RAW) {
			/* No raw_diag in this kernel: its /proc table, as ss does. */
			ctx->kernel_filtered = false;
			rc = sockdiag_proc_raw(families[i], plan->states, ss_print_inet, ctx);
		}
		if (rc == -ENOENT || rc == -EOPNOTSUPP || rc == -EPROTONOSUPPORT)
			continue;       /* that protocol's diag module is absent */
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int run_dumps(struct sockdiag *diag, struct ss_print_ctx *ctx, const struct ss_plan *plan,
		     const struct bytecode *bc)
{
	int rc = 0;

	if (plan->packet)
		rc = sockdiag_dump_packet(diag, 0, ss_print_packet, ctx);
	if (rc == -ENOENT)
		rc = 0;
	if (rc >= 0 && plan->unix_sockets) {
		unsigned ext = (ctx->cfg->memory ? SOCKDIAG_EXT_MEMINFO : 0) |
			       (ctx->cfg->extended ? SOCKDIAG_EXT_DETAILS : 0);

		rc = sockdiag_dump_unix(diag, plan->states, ext, ss_print_unix, ctx);
	}
	if (rc >= 0 && plan->raw)
		rc = dump_inet(diag, ctx, plan, IPPROTO_RAW, bc);
	if (rc >= 0 && plan->udp)
		rc = dump_inet(diag, ctx, plan, IPPROTO_UDP, bc);
	if (rc >= 0 && plan->tcp)
		rc = dump_inet(diag, ctx, plan, IPPROTO_TCP, bc);
	return rc;
}

/* --- the summary (-s), from /proc/net/sockstat{,6} and /proc/net/snmp ----- */

struct sockstat_summary {
	long sockets, tcp_inuse, tcp_orphan, tcp_tw, tcp_alloc, udp, raw, frag, tcp6, udp6, raw6, frag6;
	long tcp_estab;
};

static int read_sockstat(const char *path, struct sockstat_summary *s, bool v6)
{
	FILE *fp = fopen(path, "re");
	char line[256];

	if (!fp)
		return -errno;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "sockets: used %ld", &s->sockets) == 1)
			continue;
		if (!v6 && sscanf(line, "TCP: inuse %ld orphan %ld tw %ld alloc %ld", &s->tcp_inuse, &s->tcp_orphan,
				  &s->tcp_tw, &s->tcp_alloc) >= 1)
			continue;
		if (sscanf(line, v6 ? "UDP6: inuse %ld" : "UDP: inuse %ld", v6 ? &s->udp6 : &s->udp) == 1)
			continue;
		if (sscanf(line, v6 ? "RAW6: inuse %ld" : "RAW: inuse %ld", v6 ? &s->raw6 : &s->raw) == 1)
			continue;
		if (sscanf(line, v6 ? "FRAG6: inuse %ld" : "FRAG: inuse %ld", v6 ? &s->frag6 : &s->frag) == 1)
			continue;
		if (v6)
			sscanf(line, "TCP6: inuse %ld", &s->tcp6);
	}
	fclose(fp);
	return 0;
}

/* A field of /proc/net/snmp: the header line names it, the next holds it. */
static long snmp_value(const char *proto, const char *key)
{
	FILE *fp = fopen("/proc/net/snmp", "re");
	char names[4096], values[4096];
	long result = 0;

	if (!fp)
		return 0;
	while (fgets(names, sizeof(names), fp) && fgets(values, sizeof(values), fp)) {
		char *n_save, *v_save, *n, *v;

		if (strncmp(names, proto, strlen(proto)) != 0)
			continue;
		for (n = strtok_r(names, " \n", &n_save), v = strtok_r(values, " \n", &v_save); n && v;
		     n = strtok_r(NULL, " \n", &n_save), v = strtok_r(NULL, " \n", &v_save))
			if (strcmp(n, key) == 0)
				result = strtol(v, NULL, 10);
		break;
	}
	fclose(fp);
	return result;
}

/* Read before sonde opens a socket of its own: "sockets: used" counts every
 * socket of the namespace, and ss's figure has none of its own in it.  A
 * kernel without IPv6 has no sockstat6; without sockstat itself there is
 * nothing to show (zeros would be wrong). */
static int read_summary(struct sockstat_summary *s)
{
	int rc = read_sockstat("/proc/net/sockstat", s, false);

	if (rc < 0) {
		sonde_err("cannot read /proc/net/sockstat: %s%s", strerror(-rc), procfd_mount_hint(rc));
		return SONDE_EXIT_NEGATIVE;
	}
	read_sockstat("/proc/net/sockstat6", s, true);
	s->tcp_estab = snmp_value("Tcp:", "CurrEstab");
	return SONDE_EXIT_OK;
}

static void print_summary(struct sonde_ctx *ctx, const struct sockstat_summary *sum)
{
	const struct sockstat_summary s = *sum;
	struct sonde_out *out = ctx->out;

	if (out_is_json(out)) {
		out_open_object(out, "summary");
		out_print_int(out, "total", NULL, s.sockets);
		out_print_int(out, "tcp_total", NULL, s.tcp_alloc + s.tcp_tw);
		out_print_int(out, "tcp_estab", NULL, s.tcp_estab);
		out_print_int(out, "tcp_closed", NULL, s.tcp_alloc - (s.tcp_inuse + s.tcp6 - s.tcp_tw));
		out_print_int(out, "tcp_orphaned", NULL, s.tcp_orphan);
		out_print_int(out, "tcp_timewait", NULL, s.tcp_tw);
		out_print_int(out, "raw4", NULL, s.raw);
		out_print_int(out, "raw6", NULL, s.raw6);
		out_print_int(out, "udp4", NULL, s.udp);
		out_print_int(out, "udp6", NULL, s.udp6);
		out_print_int(out, "tcp4", NULL, s.tcp_inuse);
		out_print_int(out, "tcp6", NULL, s.tcp6);
		out_print_int(out, "frag4", NULL, s.frag);
		out_print_int(out, "frag6", NULL, s.frag6);
		out_close_object(out);
		return;
	}
	printf("Total: %ld\n", s.sockets);
	printf("TCP:   %ld (estab %ld, closed %ld, orphaned %ld, timewait %ld)\n", s.tcp_alloc + s.tcp_tw,
	       s.tcp_estab, s.tcp_alloc - (s.tcp_inuse + s.tcp6 - s.tcp_tw), s.tcp_orphan, s.tcp_tw);
	printf("\nTransport Total     IP        IPv6\n");
	printf("RAW\t  %-9ld %-9ld %-9ld\n", s.raw + s.raw6, s.raw, s.raw6);
	printf("UDP\t  %-9ld %-9ld %-9ld\n", s.udp + s.udp6, s.udp, s.udp6);
	printf("TCP\t  %-9ld %-9ld %-9ld\n", s.tcp_inuse + s.tcp6, s.tcp_inuse, s.tcp6);
	printf("INET\t  %-9ld %-9ld %-9ld\n", s.raw + s.udp + s.tcp_inuse + s.raw6 + s.udp6 + s.tcp6,
	       s.raw + s.udp + s.tcp_inuse, s.raw6 + s.udp6 + s.tcp6);
	printf("FRAG\t  %-9ld %-9ld %-9ld\n", s.frag + s.frag6, s.frag, s.frag6);
	printf("\n");
}

/* --- main ---------------------------------------------------------------------- */

static int compile_filter(int argc, char **argv, struct sockdiag_filter *filter, struct bytecode *bc)
{
	char err[256];

	if (sockdiag_filter_parse(filter, argc, argv, err, sizeof(err)) < 0) {
		sonde_err("bad filter expression: %s", err);
		return SONDE_EXIT_USAGE;
	}
	if (sockdiag_filter_compile(filter, bc->code, sizeof(bc->code), &bc->len) < 0)
		bc->len = 0;            /* too big for the kernel: filter in user space */
	return 0;
}

static int report_dump_error(int rc)
{
	return caps_fail(rc, &caps_need_none, caps_refused(rc) ? "cannot read the socket tables (sock_diag)"
							   : "socket dump failed");
}

/* -p: the owners of each socket, or a warning that the column stays empty
 * (the sockets are still worth listing). */
static struct procfd_map *scan_processes(struct procfd_map *procs)
{
	int rc = procfd_scan(procs, "/proc");

	if (rc == 0)
		return procs;
	sonde_err("warning: no process column: cannot list the processes in /proc: %s%s", strerror(-rc),
		  procfd_mount_hint(rc));
	return NULL;
}

static int list_sockets(struct sonde_ctx *sctx, struct sockdiag *diag, struct ss_config *cfg,
			struct ss_plan *plan, const struct sockdiag_filter *filter, const struct bytecode *bc)
{
	struct ss_table *table = calloc(1, sizeof(*table));
	struct procfd_map procs;
	struct ss_print_ctx ctx = { 0 };
	int rc;

	if (!table)
		return SONDE_EXIT_NEGATIVE;
	ctx.cfg = cfg;
	ctx.table = table;
	ctx.filter = filter;
	ctx.states = plan->states;
	ctx.want_v4 = plan->v4;
	ctx.want_v6 = plan->v6;
	read_port_range(&ctx);
	if (cfg->processes)
		ctx.procs = scan_processes(&procs);
	ss_table_init(table, stdout);
	table->disabled[SS_COL_NETID] = plan->table_count == 1;
	table->disabled[SS_COL_STATE] = (plan->states & (plan->states - 1)) == 0;
	if (out_is_json(sctx->out)) {
		ctx.out = sctx->out;
		out_open_array(sctx->out, "sockets");
	} else if (!cfg->no_header) {
		ss_table_header(table);
	}
	rc = run_dumps(diag, &ctx, plan, bc);
	if (ctx.out)
		out_close_array(sctx->out);
	else
		ss_table_finish(table);
	if (ctx.procs)
		procfd_free(ctx.procs);
	ss_print_cleanup();
	free(table);
	return rc < 0 ? report_dump_error(rc) : SONDE_EXIT_OK;
}

static int ss_main(struct sonde_ctx *sctx, void *config, int argc, char **argv)
{
	struct ss_config *cfg = config;
	struct sockdiag_filter *filter;
	struct bytecode *bc;
	struct sockdiag *diag = NULL;
	struct ss_plan plan;
	struct sockstat_summary summary = { 0 };
	uint32_t state_words = 0;
	bool saw_states = false, any_table;
	int rc, diag_rc;

	if (cfg->ipv4 && cfg->ipv6) {
		/* Both families: the same as neither. */
		cfg->ipv4 = cfg->ipv6 = false;
	}
	/* As in ss, the details of -e include the timers. */
	if (cfg->extended)
		cfg->timers = true;
	rc = parse_states(&argc, &argv, &state_words, &saw_states);
	if (rc)
		return rc;
	any_table = cfg->tcp || cfg->udp || cfg->raw || cfg->unix_sockets || cfg->packet || cfg->ipv4 ||
		    cfg->ipv6;
	filter = calloc(1, sizeof(*filter));
	bc = calloc(1, sizeof(*bc));
	if (!filter || !bc) {
		free(filter);
		free(bc);
		return SONDE_EXIT_NEGATIVE;
	}
	rc = compile_filter(argc, argv, filter, bc);
	if (rc == 0 && cfg->summary)
		rc = read_summary(&summary);
	/* Without sock_diag there is nothing to list: say so before any output. */
	if (rc == 0 && (diag_rc = sockdiag_open(&diag)) < 0)
		rc = report_dump_error(diag_rc);
	if (rc == 0) {
		plan_tables(cfg, state_words, saw_states, &plan);
		if (out_is_json(sctx->out))
			out_open_object(sctx->out, NULL);
		if (cfg->summary)
			print_summary(sctx, &summary);
		if (!cfg->summary || any_table || saw_states || argc > 0)
			rc = list_sockets(sctx, diag, cfg, &plan, filter, bc);
		if (out_is_json(sctx->out)) {
			out_close_object(sctx->out);
			printf("\n");
		}
	}
	sockdiag_close(diag);
	free(filter);
	free(bc);
	return rc;
}

static const struct sonde_imitation ss_imitation = {
	.version_letters = "V",
	.classic_line = "ss utility, iproute2-6.1.0",
	.imitated = "ss from iproute2 6.1.0",
};

const struct sonde_applet applet_ss = {
	.name = "ss",
	.summary = "list sockets like iproute2's ss (sock_diag netlink, in-kernel filters)",
	.usage = "[-tuwx0] [-a|-l] [-nepimosH46] [state STATE|exclude STATE]... [FILTER]",
	.help_extra = "STATE: established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, closed,\n"
		      "close-wait, last-ack, listening, closing, all, connected, synchronized, bucket, big.\n"
		      "FILTER: dport/sport OP :PORT (OP: = != < > <= >=), dst/src ADDR[/LEN][:PORT],\n"
		      "joined with and, or, not and parentheses; compiled into an in-kernel filter.",
	.options = ss_options,
	.config_size = sizeof(struct ss_config),
	.min_args = 0,
	.max_args = -1,
	.caps = CAPS_BIT(CAP_NET_ADMIN) | CAPS_BIT(CAP_SYS_PTRACE) | CAPS_BIT(CAP_DAC_READ_SEARCH),
	.main = ss_main,
	.imitates = &ss_imitation,
};
