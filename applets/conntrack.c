/* sonde conntrack: the connection-tracking table as conntrack-tools shows
 * it (-L, -C, -S, -G, -D, -E, same lines byte for byte), plus --summary.
 * Options and the one-shot commands live here; events are in
 * conntrack_events.c, the summary in conntrack_summary.c, the entry
 * renderer in conntrack_out.c, shared helpers in conntrack_common.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conntrack_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/version.h"

/* --- option parsers ------------------------------------------------------ */

static const char *set_command(struct ct_config *cfg, enum ct_command command, const char *name)
{
	if (cfg->command != CMD_NONE && cfg->command != command)
		cfg->conflicting_commands = true;
	cfg->command = command;
	cfg->command_name = name;
	return NULL;
}

static const char *opt_list(void *c, const char *arg) { return set_command(c, CMD_LIST, "-L"); }
static const char *opt_count(void *c, const char *arg) { return set_command(c, CMD_COUNT, "-C"); }
static const char *opt_stats(void *c, const char *arg) { return set_command(c, CMD_STATS, "-S"); }
static const char *opt_events(void *c, const char *arg) { return set_command(c, CMD_EVENTS, "-E"); }
static const char *opt_get(void *c, const char *arg) { return set_command(c, CMD_GET, "-G"); }
static const char *opt_delete(void *c, const char *arg) { return set_command(c, CMD_DELETE, "-D"); }
static const char *opt_summary(void *c, const char *arg) { return set_command(c, CMD_SUMMARY, "--summary"); }

static const char *set_family(struct ct_filter *f, int family)
{
	if (f->family != AF_UNSPEC && f->family != family)
		return "mismatched address family";
	f->family = family;
	return NULL;
}

static const char *set_addr(struct ct_config *cfg, enum ct_filter_slot slot, const char *arg)
{
	struct ct_filter *f = &cfg->filter;

	if (addr_parse_prefix(arg, true, &f->addr[slot]) < 0)
		return "not an IP address or prefix";
	f->has_addr[slot] = true;
	return set_family(f, f->addr[slot].family);
}

static const char *opt_src(void *c, const char *arg) { return set_addr(c, CT_ORIG_SRC, arg); }
static const char *opt_dst(void *c, const char *arg) { return set_addr(c, CT_ORIG_DST, arg); }
static const char *opt_reply_src(void *c, const char *arg) { return set_addr(c, CT_REPLY_SRC, arg); }
static const char *opt_reply_dst(void *c, const char *arg) { return set_addr(c, CT_REPLY_DST, arg); }

static const char *set_port(struct ct_config *cfg, enum ct_filter_slot slot, const char *arg)
{
	if (addr_parse_port(arg, true, &cfg->filter.port[slot]) < 0)
		return "not a port number";
	cfg->filter.has_port[slot] = true;
	cfg->port_given = true;
	return NULL;
}

static const char *opt_sport(void *c, const char *arg) { return set_port(c, CT_ORIG_SRC, arg); }
static const char *opt_dport(void *c, const char *arg) { return set_port(c, CT_ORIG_DST, arg); }
static const char *opt_reply_sport(void *c, const char *arg) { return set_port(c, CT_REPLY_SRC, arg); }
static const char *opt_reply_dport(void *c, const char *arg) { return set_port(c, CT_REPLY_DST, arg); }

static const char *opt_proto(void *c, const char *arg)
{
	struct ct_config *cfg = c;

	if (ct_proto_parse(arg, &cfg->filter.proto) < 0)
		return "unsupported protocol";
	cfg->filter.has_proto = true;
	return NULL;
}

static const char *opt_family(void *c, const char *arg)
{
	struct ct_config *cfg = c;

	/* conntrack-tools compares the first four letters only. */
	if (strncmp(arg, "ipv4", 4) == 0)
		return set_family(&cfg->filter, AF_INET);
	if (strncmp(arg, "ipv6", 4) == 0)
		return set_family(&cfg->filter, AF_INET6);
	return "unsupported family (ipv4 or ipv6)";
}

static int parse_u32(const char *text, uint32_t *value, const char **end_out)
{
	char *end;
	unsigned long long v;

	if (!*text || *text == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || end == text || v > UINT32_MAX)
		return -EINVAL;
	*value = (uint32_t)v;
	*end_out = end;
	return 0;
}

static const char *opt_mark(void *c, const char *arg)
{
	struct ct_config *cfg = c;
	const char *end;

	if (parse_u32(arg, &cfg->filter.mark, &end) < 0)
		return "not a mark (MARK or MARK/MASK)";
	cfg->filter.mark_mask = UINT32_MAX;
	if (*end == '/' && parse_u32(end + 1, &cfg->filter.mark_mask, &end) < 0)
		return "not a mark (MARK or MARK/MASK)";
	if (*end)
		return "not a mark (MARK or MARK/MASK)";
	cfg->filter.mark &= cfg->filter.mark_mask;
	cfg->filter.has_mark = true;
	return NULL;
}

static const char *opt_zone(void *c, const char *arg)
{
	struct ct_config *cfg = c;
	const char *end;
	uint32_t zone;

	if (parse_u32(arg, &zone, &end) < 0 || *end || zone > UINT16_MAX)
		return "not a zone (0-65535)";
	cfg->filter.zone = (uint16_t)zone;
	cfg->filter.has_zone = true;
	return NULL;
}

static const char *opt_status(void *c, const char *arg)
{
	struct ct_config *cfg = c;

	return ct_filter_parse_status(&cfg->filter, arg) < 0 ? "unknown status (ASSURED, SEEN_REPLY, UNREPLIED, "
								"FIXED_TIMEOUT, EXPECTED, OFFLOAD, HW_OFFLOAD)"
							      : NULL;
}

static const char *opt_state(void *c, const char *arg)
{
	struct ct_config *cfg = c;

	if (ct_tcp_state_parse(arg, &cfg->filter.tcp_state) < 0)
		return "unknown TCP state";
	cfg->filter.has_tcp_state = true;
	cfg->state_given = true;
	return NULL;
}

static const char *set_icmp_u8(struct ct_config *cfg, const char *arg, uint8_t *field, bool *has)
{
	const char *end;
	uint32_t v;

	if (parse_u32(arg, &v, &end) < 0 || *end || v > 255)
		return "not a number 0-255";
	*field = (uint8_t)v;
	*has = true;
	cfg->icmp_given = true;
	return NULL;
}

static const char *opt_icmp_type(void *c, const char *arg)
{
	struct ct_config *cfg = c;

	return set_icmp_u8(cfg, arg, &cfg->filter.icmp_type, &cfg->filter.has_icmp_type);
}

static const char *opt_icmp_code(void *c, const char *arg)
{
	struct ct_config *cfg = c;

	return set_icmp_u8(cfg, arg, &cfg->filter.icmp_code, &cfg->filter.has_icmp_code);
}

static const char *opt_icmp_id(void *c, const char *arg)
{
	struct ct_config *cfg = c;
	const char *end;
	uint32_t v;

	if (parse_u32(arg, &v, &end) < 0 || *end || v > UINT16_MAX)
		return "not an ICMP id (0-65535)";
	cfg->filter.icmp_id = (uint16_t)v;
	cfg->filter.has_icmp_id = true;
	cfg->icmp_given = true;
	return NULL;
}

/* -n[=IP[:PORT]] / -g[=...]: "10.0.0.1", "10.0.0.1:53", "[fd00::1]:53", "fd00::1". */
static const char *parse_nat(const char *arg, bool *has_addr, uint8_t *addr, int *family, bool *has_port,
			     uint16_t *port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port_text = NULL;
	struct sonde_prefix prefix;

	if (!arg)
		return NULL;
	if (addr_split_hostport(arg, host, sizeof(host), &port_text) < 0)
		return "not ADDR[:PORT]";
	if (port_text) {
		if (addr_parse_port(port_text, false, port) < 0)
			return "not a port number";
		*has_port = true;
	}
	if (addr_parse_prefix(host, false, &prefix) < 0 || prefix.len != (prefix.family == AF_INET ? 32u : 128u))
		return "not an IP address";
	memcpy(addr, prefix.bytes, 16);
	*family = prefix.family;
	*has_addr = true;
	return NULL;
}

static const char *opt_src_nat(void *c, const char *arg)
{
	struct ct_config *cfg = c;
	struct ct_filter *f = &cfg->filter;

	f->src_nat = true;
	cfg->nat_waiting_value = arg ? 0 : 'n';
	return parse_nat(arg, &f->has_snat_addr, f->snat_addr, &f->snat_family, &f->has_snat_port, &f->snat_port);
}

static const char *opt_dst_nat(void *c, const char *arg)
{
	struct ct_config *cfg = c;
	struct ct_filter *f = &cfg->filter;

	f->dst_nat = true;
	cfg->nat_waiting_value = arg ? 0 : 'g';
	return parse_nat(arg, &f->has_dnat_addr, f->dnat_addr, &f->dnat_family, &f->has_dnat_port, &f->dnat_port);
}

/* conntrack-tools reads "-g 10.0.0.1:53" with the value as a separate word;
 * the option parser hands that word over as an operand. */
static int take_nat_operand(struct ct_config *cfg, const char *word)
{
	const char *reason;

	if (cfg->nat_waiting_value == 'n')
		reason = opt_src_nat(cfg, word);
	else
		reason = opt_dst_nat(cfg, word);
	if (reason) {
		sonde_err("%s: %s: '%s'", cfg->nat_waiting_value == 'n' ? "-n" : "-g", reason, word);
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

/* -o: a comma list of extended, id, ktimestamp, labels, save. */
static const char *opt_output(void *c, const char *arg)
{
	static const struct {
		const char *name;
		unsigned flag;
	} formats[] = {
		{ "extended", CT_FMT_EXTENDED }, { "id", CT_FMT_ID }, { "ktimestamp", CT_FMT_KTIMESTAMP },
		{ "labels", CT_FMT_LABELS }, { "save", CT_FMT_SAVE },
	};
	struct ct_config *cfg = c;
	const char *word = arg;

	for (;;) {
		size_t len = strcspn(word, ","), i;

		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strlen(formats[i].name) == len && strncasecmp(word, formats[i].name, len) == 0)
				break;
		if (i == sizeof(formats) / sizeof(formats[0]))
			return "unknown output format (extended, id, ktimestamp, labels, save)";
		cfg->format_flags |= formats[i].flag;
		if (!word[len])
			break;
		word += len + 1;
	}
	if ((cfg->format_flags & CT_FMT_SAVE) && cfg->format_flags != CT_FMT_SAVE)
		return "save cannot be combined with other formats";
	cfg->output = arg;
	return NULL;
}

/* -e: NEW, UPDATES (or UPDATE), DESTROY, ALL. */
static const char *opt_event_mask(void *c, const char *arg)
{
	struct ct_config *cfg = c;
	const char *word = arg;

	for (;;) {
		size_t len = strcspn(word, ",");

		if (len == 3 && strncasecmp(word, "ALL", 3) == 0)
			cfg->event_groups |= (1u << CT_EVENT_NEW) | (1u << CT_EVENT_UPDATE) | (1u << CT_EVENT_DESTROY);
		else if (len == 3 && strncasecmp(word, "NEW", 3) == 0)
			cfg->event_groups |= 1u << CT_EVENT_NEW;
		else if ((len == 7 && strncasecmp(word, "UPDATES", 7) == 0) ||
			 (len == 6 && strncasecmp(word, "UPDATE", 6) == 0))
			cfg->event_groups |= 1u << CT_EVENT_UPDATE;
		else if (len == 7 && strncasecmp(word, "DESTROY", 7) == 0)
			cfg->event_groups |= 1u << CT_EVENT_DESTROY;
		else
			return "unknown event (NEW, UPDATES, DESTROY, ALL)";
		if (!word[len])
			return NULL;
		word += len + 1;
	}
}

#define FUNC_OPT(S, L, ARG, HELP, FN) SONDE_OPT_FUNC(S, L, ARG, HELP, FN)
#define FUNC_OPT_OPTIONAL(S, L, ARG, HELP, FN) { S, L, ARG, HELP, OPT_FUNC, 0, 0, 0, FN, true }

static const struct sonde_opt ct_options[] = {
	FUNC_OPT("L", "dump", NULL, "list the table (the default format of conntrack -L)", opt_list),
	FUNC_OPT("C", "count", NULL, "count the entries (with filters: the matching ones)", opt_count),
	FUNC_OPT("S", "stats", NULL, "per-CPU statistics", opt_stats),
	FUNC_OPT("G", "get", NULL, "get one entry by its tuple (-s -d -p, and ports or ICMP fields)", opt_get),
	FUNC_OPT("D", "delete", NULL, "delete the matching entries (all of them only with --all)", opt_delete),
	FUNC_OPT("E", "event", NULL, "show events until interrupted (or --max-events, --duration)", opt_events),
	FUNC_OPT(NULL, "summary", NULL, "table usage, protocols, states, top talkers and error counters",
		 opt_summary),
	FUNC_OPT("s", "src", "ADDR[/LEN]", "original source address", opt_src),
	FUNC_OPT("d", "dst", "ADDR[/LEN]", "original destination address", opt_dst),
	FUNC_OPT("r", "reply-src", "ADDR[/LEN]", "reply source address", opt_reply_src),
	FUNC_OPT("q", "reply-dst", "ADDR[/LEN]", "reply destination address", opt_reply_dst),
	FUNC_OPT("p", "protonum", "PROTO", "layer 4 protocol: tcp, udp, icmp, icmpv6, sctp, gre... or a number",
		 opt_proto),
	FUNC_OPT("f", "family", "FAMILY", "ipv4 or ipv6 (default: both)", opt_family),
	FUNC_OPT(NULL, "sport", "PORT", "original source port (with -p)", opt_sport),
	FUNC_OPT(NULL, "dport", "PORT", "original destination port (with -p)", opt_dport),
	FUNC_OPT(NULL, "reply-port-src", "PORT", "reply source port (with -p)", opt_reply_sport),
	FUNC_OPT(NULL, "reply-port-dst", "PORT", "reply destination port (with -p)", opt_reply_dport),
	FUNC_OPT(NULL, "state", "STATE", "TCP state: ESTABLISHED, TIME_WAIT... (with -p tcp)", opt_state),
	FUNC_OPT(NULL, "icmp-type", "TYPE", "ICMP type (with -p icmp or icmpv6)", opt_icmp_type),
	FUNC_OPT(NULL, "icmp-code", "CODE", "ICMP code (with -p icmp or icmpv6)", opt_icmp_code),
	FUNC_OPT(NULL, "icmp-id", "ID", "ICMP identifier (with -p icmp or icmpv6)", opt_icmp_id),
	FUNC_OPT("m", "mark", "MARK[/MASK]", "entries whose mark, masked, equals MARK", opt_mark),
	FUNC_OPT("w", "zone", "ZONE", "conntrack zone", opt_zone),
	FUNC_OPT("u", "status", "STATUS", "ASSURED, SEEN_REPLY, UNREPLIED...; comma list, ! negates", opt_status),
	FUNC_OPT_OPTIONAL("n", "src-nat", "ADDR[:PORT]", "source-NATed entries only (to ADDR, PORT)",
			  opt_src_nat),
	FUNC_OPT_OPTIONAL("g", "dst-nat", "ADDR[:PORT]", "destination-NATed entries only (to ADDR, PORT)",
			  opt_dst_nat),
	FUNC_OPT("o", "output", "FORMAT", "extended, id, ktimestamp, labels, save (comma list)", opt_output),
	FUNC_OPT("e", "event-mask", "EVENTS", "-E: NEW, UPDATES, DESTROY, ALL (comma list)", opt_event_mask),
	SONDE_OPT_FLAG(NULL, "all", "-D: allow deleting without a filter (every entry)", struct ct_config, all),
	SONDE_OPT_INT(NULL, "max-events", "N", "-E: stop after N events", struct ct_config, max_events, 1,
		      1000000000),
	SONDE_OPT_DOUBLE(NULL, "duration", "SECS", "-E: stop after SECS seconds", struct ct_config, duration_s,
			 0.001, 1e7),
	SONDE_OPT_INT(NULL, "top", "N", "--summary: entries in each top list (default 5)", struct ct_config, top,
		      1, 100),
	SONDE_OPT_END,
};

static void ct_init(void *config)
{
	struct ct_config *cfg = config;

	cfg->filter.family = AF_UNSPEC;
	cfg->top = 5;
}

/* --- -L, -C, -G, -D ------------------------------------------------------- */

struct list_state {
	struct sonde_out *out;
	const struct ct_config *cfg;
	const struct ct_labelmap *labels;
	uint64_t now_s;
	unsigned long shown;
	bool print;
};

static int list_one(const struct ct_entry *e, void *arg)
{
	struct list_state *st = arg;

	if (!ct_filter_match(&st->cfg->filter, e))
		return 0;
	st->shown++;
	if (st->print)
		ct_render_entry(st->out, e, st->cfg->format_flags, st->labels, st->now_s);
	return 0;
}

/* Ends the document a listing began: a failure met on the way goes into it
 * as "error" and "exit_code" (docs/json.md).  Returns the exit code. */
static int close_document(struct sonde_ctx *ctx, int rc, const char *what)
{
	int exit_code = rc < 0 ? ct_report_error(rc, what) : SONDE_EXIT_OK;

	if (exit_code)
		out_print_error(ctx->out, sonde_last_error(), exit_code);
	out_close_object(ctx->out);
	fflush(stdout);
	return exit_code;
}

static int run_list(struct sonde_ctx *ctx, struct ct_config *cfg, const struct ct_labelmap *labels)
{
	static char stdout_buf[64 * 1024];
	struct list_state st = { ctx->out, cfg, labels, ct_now_s(), 0, true };
	int rc;

	setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	out_open_object(ctx->out, NULL);
	out_open_array(ctx->out, "entries");
	rc = ct_dump(cfg->filter.family, list_one, &st);
	out_close_array(ctx->out);
	out_print_uint(ctx->out, "count", NULL, st.shown);
	rc = close_document(ctx, rc, "listing the connection-tracking table");
	if (rc)
		return rc;
	fprintf(stderr, "sonde conntrack: %lu flow entries have been shown.\n", st.shown);
	return SONDE_EXIT_OK;
}

static int run_count(struct sonde_ctx *ctx, struct ct_config *cfg)
{
	struct ct_global_stats stats;
	unsigned long count, max = 0;
	int rc;

	if (!ct_filter_is_empty(&cfg->filter)) {
		struct list_state st = { ctx->out, cfg, NULL, 0, 0, false };

		rc = ct_dump(cfg->filter.family, list_one, &st);
		count = st.shown;
	} else {
		rc = ct_global_stats(&stats);
		count = stats.entries;
		max = stats.max_entries;
		/* Old kernels have no global statistics message, and CTNETLINK
		 * needs CAP_NET_ADMIN: the count is also a world-readable sysctl. */
		if ((rc == 0 && !stats.has_entries) || caps_refused(rc))
			rc = ct_sysctl_read("nf_conntrack_count", &count);
	}
	if (rc < 0)
		return ct_report_error(rc, "counting the connection-tracking table");
	out_open_object(ctx->out, NULL);
	out_print_uint(ctx->out, "count", "%llu\n", count);
	if (max)
		out_print_uint(ctx->out, "max", NULL, max);
	out_close_object(ctx->out);
	return SONDE_EXIT_OK;
}

static int print_cpu_stats(const struct ct_cpu_stats *stats, void *arg)
{
	struct sonde_out *out = arg;
	unsigned i;

	out_open_object(out, NULL);
	out_text(out, "cpu=%-4u\t", stats->cpu);
	out_print_uint(out, "cpu", NULL, stats->cpu);
	for (i = 0; i < CT_STATS_COUNT; i++) {
		const char *name = ct_stats_name(i);

		if (!(stats->present & (1u << i)) || !name)
			continue;
		out_text(out, "%s=%u ", name, stats->value[i]);
		out_print_uint(out, name, NULL, stats->value[i]);
	}
	out_text(out, "\n");
	out_close_object(out);
	return 0;
}

static int run_stats(struct sonde_ctx *ctx)
{
	int rc;

	out_open_object(ctx->out, NULL);
	out_open_array(ctx->out, "cpus");
	rc = ct_cpu_stats(print_cpu_stats, ctx->out);
	out_close_array(ctx->out);
	return close_document(ctx, rc, "reading connection-tracking statistics");
}

/* -G needs a whole tuple: both addresses (hosts, not prefixes), the
 * protocol, and its ports or ICMP fields. */
static int tuple_from_filter(const struct ct_filter *f, bool reply, struct ct_tuple *t)
{
	int src = reply ? CT_REPLY_SRC : CT_ORIG_SRC, dst = reply ? CT_REPLY_DST : CT_ORIG_DST;
	unsigned host_len = f->family == AF_INET6 ? 128 : 32;

	memset(t, 0, sizeof(*t));
	if (!f->has_addr[src] || !f->has_addr[dst] || !f->has_proto || f->addr[src].len != host_len ||
	    f->addr[dst].len != host_len)
		return -EINVAL;
	memcpy(t->src, f->addr[src].bytes, 16);
	memcpy(t->dst, f->addr[dst].bytes, 16);
	t->proto = f->proto;
	if (f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6) {
		if (!f->has_icmp_type || !f->has_icmp_code || !f->has_icmp_id)
			return -EINVAL;
		t->has_icmp = true;
		t->icmp_type = f->icmp_type;
		t->icmp_code = f->icmp_code;
		t->icmp_id = f->icmp_id;
	} else if (f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP || f->proto == IPPROTO_UDPLITE ||
		   f->proto == IPPROTO_SCTP || f->proto == IPPROTO_DCCP) {
		if (!f->has_port[src] || !f->has_port[dst])
			return -EINVAL;
		t->has_ports = true;
		t->sport = f->port[src];
		t->dport = f->port[dst];
	}
	return 0;
}

static int run_get(struct sonde_ctx *ctx, struct ct_config *cfg, const struct ct_labelmap *labels)
{
	const struct ct_filter *f = &cfg->filter;
	bool reply = !f->has_addr[CT_ORIG_SRC] && f->has_addr[CT_REPLY_SRC];
	struct ct_tuple tuple;
	struct ct_entry entry;
	int rc;

	if (tuple_from_filter(f, reply, &tuple) < 0) {
		sonde_err("-G needs a whole tuple: -s ADDR -d ADDR -p PROTO and --sport/--dport (or -r/-q with "
			  "--reply-port-src/--reply-port-dst; ICMP: --icmp-type --icmp-code --icmp-id)");
		return SONDE_EXIT_USAGE;
	}
	rc = ct_get(f->family, &tuple, reply, f->has_zone, f->zone, &entry);
	if (rc == -ENOENT) {
		sonde_err("no such entry in the connection-tracking table");
		return SONDE_EXIT_NEGATIVE;
	}
	if (rc < 0)
		return ct_report_error(rc, "getting a connection-tracking entry");
	out_open_object(ctx->out, NULL);
	out_open_array(ctx->out, "entries");
	ct_render_entry(ctx->out, &entry, cfg->format_flags, labels, ct_now_s());
	out_close_array(ctx->out);
	out_close_object(ctx->out);
	fflush(stdout);
	fprintf(stderr, "sonde conntrack: 1 flow entries have been shown.\n");
	return SONDE_EXIT_OK;
}

struct delete_state {
	struct sonde_out *out;
	const struct ct_config *cfg;
	uint64_t now_s;
};

static int print_deleted(const struct ct_entry *e, void *arg)
{
	struct delete_state *st = arg;

	ct_render_entry(st->out, e, st->cfg->format_flags, NULL, st->now_s);
	return 0;
}

static int run_delete(struct sonde_ctx *ctx, struct ct_config *cfg)
{
	struct delete_state st = { ctx->out, cfg, ct_now_s() };
	unsigned long deleted = 0;
	int rc;

	if (ct_filter_is_empty(&cfg->filter) && !cfg->all) {
		sonde_err("-D without a filter would delete every entry; add --all if that is what you mean");
		return SONDE_EXIT_USAGE;
	}
	out_open_object(ctx->out, NULL);
	out_open_array(ctx->out, "deleted");
	rc = ct_dump_delete(&cfg->filter, print_deleted, &st, &deleted);
	out_close_array(ctx->out);
	out_print_uint(ctx->out, "count", NULL, deleted);
	rc = close_document(ctx, rc, "deleting connection-tracking entries");
	if (rc)
		return rc;
	fprintf(stderr, "sonde conntrack: %lu flow entries have been deleted.\n", deleted);
	return deleted ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
}

/* --- main ---------------------------------------------------------------- */

/* Options that only make sense with a protocol, checked once all are read;
 * operands: the table name, or the value of a bare -n/-g. */
static int check_options(struct ct_config *cfg, int argc, char **argv)
{
	const struct ct_filter *f = &cfg->filter;
	bool table_named = false;
	int i, rc;
	bool ports = f->has_proto && (f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP ||
				      f->proto == IPPROTO_UDPLITE || f->proto == IPPROTO_SCTP ||
				      f->proto == IPPROTO_DCCP);
	bool icmp = f->has_proto && (f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6);

	if (cfg->conflicting_commands) {
		sonde_err("one command at a time: -L, -C, -S, -G, -D, -E or --summary");
		return SONDE_EXIT_USAGE;
	}
	if (cfg->command == CMD_NONE) {
		sonde_err("no command given: -L, -C, -S, -G, -D, -E or --summary (see --help)");
		return SONDE_EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "conntrack") == 0 && !table_named) {
			table_named = true;
			continue;
		}
		if (!cfg->nat_waiting_value) {
			sonde_err("only the conntrack table is supported, not '%s'", argv[i]);
			return SONDE_EXIT_USAGE;
		}
		if ((rc = take_nat_operand(cfg, argv[i])) != 0)
			return rc;
	}
	if (cfg->port_given && !ports) {
		sonde_err("port options need -p tcp, udp, udplite, sctp or dccp first");
		return SONDE_EXIT_USAGE;
	}
	if (cfg->state_given && !(f->has_proto && f->proto == IPPROTO_TCP)) {
		sonde_err("--state needs -p tcp");
		return SONDE_EXIT_USAGE;
	}
	if (cfg->icmp_given && !icmp) {
		sonde_err("ICMP options need -p icmp or -p icmpv6");
		return SONDE_EXIT_USAGE;
	}
	if ((cfg->max_events || cfg->duration_s > 0 || cfg->event_groups) && cfg->command != CMD_EVENTS) {
		sonde_err("-e, --max-events and --duration go with -E");
		return SONDE_EXIT_USAGE;
	}
	if (cfg->all && cfg->command != CMD_DELETE) {
		sonde_err("--all goes with -D");
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

/* -o labels names the label bits from connlabel.conf, as conntrack-tools. */
static bool load_labels(const struct ct_config *cfg, struct ct_labelmap *labels)
{
	const char *path;

	if (!(cfg->format_flags & CT_FMT_LABELS))
		return false;
	path = ct_labelmap_default_path();
	if (!path || ct_labelmap_load(labels, path) < 0) {
		sonde_err("-o labels: no label map (/etc/xtables/connlabel.conf); labels are not shown by name");
		return false;
	}
	return true;
}

static int ct_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct ct_config *cfg = config;
	struct ct_labelmap labels;
	bool have_labels;
	int rc = check_options(cfg, argc, argv);

	if (rc)
		return rc;
	have_labels = load_labels(cfg, &labels);
	switch (cfg->command) {
	case CMD_LIST: rc = run_list(ctx, cfg, have_labels ? &labels : NULL); break;
	case CMD_COUNT: rc = run_count(ctx, cfg); break;
	case CMD_STATS: rc = run_stats(ctx); break;
	case CMD_GET: rc = run_get(ctx, cfg, have_labels ? &labels : NULL); break;
	case CMD_DELETE: rc = run_delete(ctx, cfg); break;
	case CMD_EVENTS: rc = ct_run_events(ctx, cfg, have_labels ? &labels : NULL); break;
	case CMD_SUMMARY: rc = ct_run_summary(ctx, cfg); break;
	default: rc = SONDE_EXIT_USAGE; break;
	}
	if (have_labels)
		ct_labelmap_free(&labels);
	return rc;
}

static const struct sonde_imitation conntrack_imitation = {
	.version_letters = "V",
	.classic_line = "conntrack v1.4.7 (conntrack-tools)",
	.imitated = "conntrack from conntrack-tools 1.4.7",
};

const struct sonde_applet applet_conntrack = {
	.name = "conntrack",
	.summary = "connection tracking: list, count, statistics, events, get, delete (conntrack-tools output)",
	.usage = "-L [conntrack] [FILTERS] [-o extended,id,ktimestamp,labels|save]\n"
		 "-C | -S | --summary [--top N]\n"
		 "-G -s ADDR -d ADDR -p PROTO [--sport PORT --dport PORT]\n"
		 "-D FILTERS | -D --all\n"
		 "-E [-e NEW,UPDATES,DESTROY] [FILTERS] [--max-events N] [--duration SECS]",
	.help_extra = "Entry lines are those of conntrack-tools 1.4.7 (-o extended adds the family);\n"
		      "IPv4 and IPv6 are listed together unless -f is given.  The closing count goes to\n"
		      "stderr.  -D prints each deleted entry and refuses to run without a filter unless\n"
		      "--all is given.  -E runs until interrupted, --max-events or --duration; lost\n"
		      "events (a full socket buffer) are reported on stderr.  --json: one document,\n"
		      "NDJSON for -E.  Needs CAP_NET_ADMIN in the namespace.",
	.options = ct_options,
	.config_size = sizeof(struct ct_config),
	.init = ct_init,
	.min_args = 0,
	.max_args = 2,
	.exit_codes = "0 success, 1 failure or nothing matched (-D, -G), 2 usage error, 3 missing "
		      "CAP_NET_ADMIN (docs/conntrack.md).",
	.caps = CAPS_BIT(CAP_NET_ADMIN),
	.main = ct_main,
	.imitates = &conntrack_imitation,
};
