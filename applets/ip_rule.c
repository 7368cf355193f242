/* ip rule [show]: the policy routing rules in priority order, in iproute2's
 * layout ("PRIO:\tSELECTORS ACTION"). */
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

/* "from"/"to": the address, its length unless a full host, "all" if none. */
static void print_rule_prefix(struct ip_ctx *ctx, const struct netlink_rule *rule, bool is_src)
{
	const struct sonde_prefix *prefix = is_src ? &rule->src : &rule->dst;
	bool present = is_src ? rule->has_src : rule->has_dst;
	unsigned host_len = rule->family == AF_INET ? 32 : 128;
	struct sonde_prefix host = *prefix;
	char text[64];

	if (!present) {
		if (is_src)
			out_print_str(ctx->out, "src", "from %s", "all");
		return;
	}
	out_text(ctx->out, is_src ? "from " : " to ");
	host.len = host_len;
	out_print_str(ctx->out, is_src ? "src" : "dst", "%s", ip_prefix_text(&host, text, sizeof(text)));
	if (prefix->len != host_len)
		out_print_uint(ctx->out, is_src ? "srclen" : "dstlen", "/%llu", prefix->len);
}

static void print_fwmark(struct ip_ctx *ctx, const struct netlink_rule *rule)
{
	char text[16];

	if (!rule->has_fwmark && !rule->has_fwmask)
		return;
	snprintf(text, sizeof(text), "%#x", rule->fwmark);
	out_print_str(ctx->out, "fwmark", " fwmark %s", text);
	if (rule->has_fwmask && rule->fwmask != 0xffffffffu) {
		snprintf(text, sizeof(text), "%#x", rule->fwmask);
		out_print_str(ctx->out, "fwmask", "/%s", text);
	}
}

static void print_port_range(struct ip_ctx *ctx, const char *name, uint16_t start, uint16_t end)
{
	char key[16];

	if (start == end) {
		out_print_uint(ctx->out, name, strcmp(name, "sport") == 0 ? " sport %llu" : " dport %llu", start);
		return;
	}
	snprintf(key, sizeof(key), "%s_start", name);
	out_print_uint(ctx->out, key, strcmp(name, "sport") == 0 ? " sport %llu" : " dport %llu", start);
	snprintf(key, sizeof(key), "%s_end", name);
	out_print_uint(ctx->out, key, "-%llu", end);
}

static void print_selectors(struct ip_ctx *ctx, const struct netlink_rule *rule)
{
	char buf[32];

	print_rule_prefix(ctx, rule, true);
	print_rule_prefix(ctx, rule, false);
	if (rule->tos)
		out_print_str(ctx->out, "tos", " tos %s", (snprintf(buf, sizeof(buf), "0x%02x", rule->tos), buf));
	print_fwmark(ctx, rule);
	if (rule->iif[0]) {
		out_text(ctx->out, " iif ");
		out_print_str(ctx->out, "iif", "%s", rule->iif);
		if (rule->flags & FIB_RULE_IIF_DETACHED)
			out_print_null(ctx->out, "iif_detached", " [detached]", NULL);
	}
	if (rule->oif[0]) {
		out_text(ctx->out, " oif ");
		out_print_str(ctx->out, "oif", "%s", rule->oif);
		if (rule->flags & FIB_RULE_OIF_DETACHED)
			out_print_null(ctx->out, "oif_detached", " [detached]", NULL);
	}
	if (rule->has_l3mdev && rule->l3mdev)
		out_print_null(ctx->out, "l3mdev", " lookup [l3mdev-table]", NULL);
	if (rule->has_uidrange) {
		out_print_uint(ctx->out, "uid_start", " uidrange %llu", rule->uid_start);
		out_print_uint(ctx->out, "uid_end", "-%llu", rule->uid_end);
	}
	if (rule->has_ip_proto)
		out_print_str(ctx->out, "ipproto", " ipproto %s",
			      rule->ip_proto == 6 ? "tcp" : rule->ip_proto == 17 ? "udp" : rule->ip_proto == 1 ? "icmp"
			      : (snprintf(buf, sizeof(buf), "%u", rule->ip_proto), buf));
	if (rule->has_sport)
		print_port_range(ctx, "sport", rule->sport_start, rule->sport_end);
	if (rule->has_dport)
		print_port_range(ctx, "dport", rule->dport_start, rule->dport_end);
}

static void print_action(struct ip_ctx *ctx, const struct netlink_rule *rule)
{
	char buf[32];

	if (rule->table) {
		out_print_str(ctx->out, "table", " lookup %s", netlink_table_name(rule->table, buf, sizeof(buf)));
		if (rule->has_suppress_prefixlen && rule->suppress_prefixlen != -1)
			out_print_int(ctx->out, "suppress_prefixlen", " suppress_prefixlength %lld",
				      rule->suppress_prefixlen);
		if (rule->has_suppress_ifgroup && rule->suppress_ifgroup != UINT32_MAX)
			out_print_str(ctx->out, "suppress_ifgroup", " suppress_ifgroup %s",
				      netlink_group_name(rule->suppress_ifgroup, buf, sizeof(buf)));
	}
	if (rule->has_flow) {
		uint32_t to = rule->flow & 0xffff, from = rule->flow >> 16;

		if (from)
			out_print_str(ctx->out, "flow_from", " realms %s/", (snprintf(buf, sizeof(buf), "%u", from), buf));
		out_print_str(ctx->out, "flow_to", from ? "%s" : " realms %s",
			      (snprintf(buf, sizeof(buf), "%u", to), buf));
	}
	if (rule->action == FR_ACT_GOTO) {
		if (rule->has_goto)
			out_print_uint(ctx->out, "goto", " goto %llu", rule->goto_target);
		else
			out_print_str(ctx->out, "goto", " goto %s", "none");
		if (rule->flags & FIB_RULE_UNRESOLVED)
			out_print_null(ctx->out, "unresolved", " [unresolved]", NULL);
	} else if (rule->action == FR_ACT_NOP) {
		out_print_null(ctx->out, "nop", " nop", NULL);
	} else if (rule->action != FR_ACT_TO_TBL) {
		out_print_str(ctx->out, "action", " %s", netlink_route_type_name(rule->action, buf, sizeof(buf)));
	}
	if (rule->has_protocol && ((rule->protocol && rule->protocol != RTPROT_KERNEL) || ctx->details))
		out_print_str(ctx->out, "protocol", " proto %s ", netlink_protocol_name(rule->protocol, buf, sizeof(buf)));
}

void ip_rule_print(struct ip_ctx *ctx, const struct netlink_rule *rule)
{
	out_open_object(ctx->out, NULL);
	out_print_uint(ctx->out, "priority", "%llu:\t", rule->has_priority ? rule->priority : 0);
	if (rule->flags & FIB_RULE_INVERT)
		out_print_null(ctx->out, "not", "not ", NULL);
	print_selectors(ctx, rule);
	print_action(ctx, rule);
	out_text(ctx->out, "\n");
	out_close_object(ctx->out);
}

struct rule_filter {
	struct ip_ctx *ctx;
	bool has_priority, has_table, has_src, has_dst;
	uint32_t priority, table;
	struct sonde_prefix src, dst;
	const char *iif, *oif;
};

static bool prefix_equal(const struct sonde_prefix *a, const struct sonde_prefix *b)
{
	return a->len == b->len && ip_prefix_covers(a, b);
}

static int rule_show_one(const struct netlink_rule *rule, void *arg)
{
	struct rule_filter *f = arg;

	if (f->has_priority && (rule->has_priority ? rule->priority : 0) != f->priority)
		return 0;
	if (f->has_table && rule->table != f->table)
		return 0;
	if (f->has_src && !(rule->has_src && prefix_equal(&rule->src, &f->src)))
		return 0;
	if (f->has_dst && !(rule->has_dst && prefix_equal(&rule->dst, &f->dst)))
		return 0;
	if (f->iif && strcmp(rule->iif, f->iif) != 0)
		return 0;
	if (f->oif && strcmp(rule->oif, f->oif) != 0)
		return 0;
	ip_rule_print(f->ctx, rule);
	return 0;
}

static int parse_rule_filter(struct ip_ctx *ctx, struct rule_filter *f, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *word = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!value)
			return ip_bad_arg(ctx, word);
		i++;
		if (strcmp(word, "pref") == 0 || strcmp(word, "priority") == 0 || strcmp(word, "preference") == 0 ||
		    strcmp(word, "order") == 0) {
			unsigned long n = strtoul(value, &end, 0);

			if (end == value || *end || n > UINT32_MAX)
				return ip_bad_arg(ctx, value);
			f->has_priority = true;
			f->priority = (uint32_t)n;
		} else if (strcmp(word, "table") == 0 || strcmp(word, "lookup") == 0) {
			f->has_table = true;
			if (netlink_table_parse(value, &f->table) < 0)
				return ip_bad_arg(ctx, value);
		} else if (strcmp(word, "from") == 0 || strcmp(word, "to") == 0) {
			bool src = word[0] == 'f';

			if (ip_parse_prefix(ctx, value, src ? &f->src : &f->dst) < 0)
				return SONDE_EXIT_USAGE;
			*(src ? &f->has_src : &f->has_dst) = strcmp(value, "all") != 0;
		} else if (strcmp(word, "iif") == 0 || strcmp(word, "dev") == 0) {
			f->iif = value;
		} else if (strcmp(word, "oif") == 0) {
			f->oif = value;
		} else {
			return ip_bad_arg(ctx, word);
		}
	}
	return 0;
}

int ip_rule_main(struct ip_ctx *ctx, int argc, char **argv)
{
	struct rule_filter f;
	int rc;

	if ((rc = ip_skip_show(ctx, &argc, &argv)) != 0)
		return rc;
	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	if (ctx->family == AF_UNSPEC)
		ctx->family = AF_INET; /* as iproute2: IPv4 rules unless -6 */
	rc = parse_rule_filter(ctx, &f, argc, argv);
	if (rc)
		return rc;
	out_open_array(ctx->out, NULL);
	rc = netlink_walk_rules(ctx->family, rule_show_one, &f);
	out_close_array(ctx->out);
	if (rc < 0)
		return ip_netlink_error(ctx, rc, "cannot dump rules");
	return SONDE_EXIT_OK;
}
