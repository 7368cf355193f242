/* ip's renderers that several subcommands share, in iproute2's layout and
 * with its JSON keys: a route (route show, route get, get --explain) and a
 * rule (rule show, get --explain). */
#include <linux/fib_rules.h>
#include <linux/icmpv6.h>
#include <linux/in_route.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "ip_impl.h"

/* --- routes ------------------------------------------------------------ */

#define USER_HZ 100 /* RTA_CACHEINFO counts in clock ticks of this rate */

static void print_route_flags(struct ip_ctx *ctx, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ RTNH_F_DEAD, "dead" }, { RTNH_F_ONLINK, "onlink" }, { RTNH_F_PERVASIVE, "pervasive" },
		{ RTNH_F_OFFLOAD, "offload" }, { RTM_F_OFFLOAD, "rt_offload" }, { RTM_F_TRAP, "rt_trap" },
		{ RTM_F_OFFLOAD_FAILED, "rt_offload_failed" }, { RTM_F_NOTIFY, "notify" },
		{ RTNH_F_LINKDOWN, "linkdown" }, { RTNH_F_UNRESOLVED, "unresolved" }, { RTNH_F_TRAP, "trap" },
	};
	size_t i;

	out_open_array(ctx->out, "flags");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			out_print_str(ctx->out, NULL, "%s ", names[i].name);
	out_close_array(ctx->out);
}

/* The "cache" line of a route get answer: IPv4 routing cache flags. */
static void print_cache_flags(struct ip_ctx *ctx, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ RTCF_LOCAL, "local" }, { RTCF_REJECT, "reject" }, { RTCF_MULTICAST, "mc" },
		{ RTCF_BROADCAST, "brd" }, { RTCF_DNAT, "dst-nat" }, { RTCF_SNAT, "src-nat" },
		{ RTCF_MASQ, "masq" }, { RTCF_DIRECTDST, "dst-direct" }, { RTCF_DIRECTSRC, "src-direct" },
		{ RTCF_REDIRECTED, "redirected" }, { RTCF_DOREDIRECT, "redirect" }, { RTCF_FAST, "fastroute" },
		{ RTCF_NOTIFY, "notify" }, { RTCF_TPROXY, "proxy" },
	};
	size_t i;

	flags &= ~0xffffu;
	out_open_array(ctx->out, "cache");
	out_text(ctx->out, "\n    cache ");
	if (flags)
		out_text(ctx->out, "<");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		flags &= ~names[i].bit;
		out_print_str(ctx->out, NULL, "%s", names[i].name);
		out_text(ctx->out, "%s", flags ? "," : "> ");
	}
	if (flags)
		out_print_uint(ctx->out, "flags", "%llx> ", flags);
	out_close_array(ctx->out);
}

static const char *const metric_names[NETLINK_RTAX_COUNT] = {
	[RTAX_MTU] = "mtu", [RTAX_WINDOW] = "window", [RTAX_RTT] = "rtt", [RTAX_RTTVAR] = "rttvar",
	[RTAX_SSTHRESH] = "ssthresh", [RTAX_CWND] = "cwnd", [RTAX_ADVMSS] = "advmss",
	[RTAX_REORDERING] = "reordering", [RTAX_HOPLIMIT] = "hoplimit", [RTAX_INITCWND] = "initcwnd",
	[RTAX_FEATURES] = "features", [RTAX_RTO_MIN] = "rto_min", [RTAX_INITRWND] = "initrwnd",
	[RTAX_QUICKACK] = "quickack", [RTAX_FASTOPEN_NO_COOKIE] = "fastopen_no_cookie",
};

static void print_metric_value(struct ip_ctx *ctx, unsigned i, uint32_t value)
{
	const char *name = metric_names[i] ? metric_names[i] : "metric";

	if (i == RTAX_FEATURES) {
		if (value & RTAX_FEATURE_ECN)
			out_text(ctx->out, "ecn ");
		if (value & ~RTAX_FEATURE_ECN)
			out_text(ctx->out, "0x%x ", value);
		out_print_uint(ctx->out, name, NULL, value);
		return;
	}
	if (i == RTAX_RTT || i == RTAX_RTTVAR || i == RTAX_RTO_MIN) {
		/* The kernel keeps rtt in 1/8 ms and rttvar in 1/4 ms. */
		value /= i == RTAX_RTT ? 8 : i == RTAX_RTTVAR ? 4 : 1;
		out_print_uint(ctx->out, name, NULL, value);
		if (value >= 1000)
			out_text(ctx->out, "%gs ", value / 1e3);
		else
			out_text(ctx->out, "%ums ", value);
		return;
	}
	out_print_uint(ctx->out, name, "%llu ", value);
}

static void print_metrics(struct ip_ctx *ctx, const struct netlink_route *route)
{
	uint32_t locked = (route->metrics_present & (1u << RTAX_LOCK)) ? route->metrics[RTAX_LOCK] : 0;
	unsigned i;

	out_open_array(ctx->out, "metrics");
	out_open_object(ctx->out, NULL);
	for (i = 2; i < NETLINK_RTAX_COUNT; i++) {
		bool present = route->metrics_present & (1u << i);
		uint32_t value = present ? route->metrics[i] : 0;

		if (!present && !(locked & (1u << i)))
			continue;
		if (i == RTAX_HOPLIMIT && (int32_t)value == -1)
			continue;
		if (metric_names[i])
			out_text(ctx->out, "%s ", metric_names[i]);
		else
			out_text(ctx->out, "metric %u ", i);
		if (locked & (1u << i))
			out_text(ctx->out, "lock ");
		print_metric_value(ctx, i, value);
	}
	out_close_object(ctx->out);
	out_close_array(ctx->out);
}

static void print_cacheinfo(struct ip_ctx *ctx, const struct netlink_route *route)
{
	if (!route->has_cacheinfo)
		return;
	if (route->cache_expires_ticks != 0)
		out_print_int(ctx->out, "expires", "expires %lldsec ", route->cache_expires_ticks / USER_HZ);
	if (route->cache_error != 0)
		out_print_uint(ctx->out, "error", "error %llu ", route->cache_error);
	if (ctx->stats) {
		if (route->cache_users)
			out_print_uint(ctx->out, "users", "users %llu ", route->cache_users);
		if (route->cache_used)
			out_print_uint(ctx->out, "used", "used %llu ", route->cache_used);
		if (route->cache_lastuse_ticks)
			out_print_uint(ctx->out, "age", "age %llusec ", route->cache_lastuse_ticks / USER_HZ);
	}
}

static void print_nexthops(struct ip_ctx *ctx, const struct netlink_route *route)
{
	char text[ADDR_STRLEN], name[32];
	size_t i;

	out_open_array(ctx->out, "nexthops");
	for (i = 0; i < route->nexthop_count; i++) {
		const struct netlink_nexthop *hop = &route->nexthops[i];

		out_open_object(ctx->out, NULL);
		out_text(ctx->out, "\n\tnexthop ");
		if (hop->has_gateway)
			out_print_str(ctx->out, "gateway", "via %s ", ip_addr_text(&hop->gateway, text, sizeof(text)));
		out_text(ctx->out, "dev ");
		out_print_str(ctx->out, "dev", "%s ", ip_ifname(ctx, hop->ifindex, name, sizeof(name)));
		out_print_int(ctx->out, "weight", "weight %lld ", hop->weight);
		print_route_flags(ctx, hop->flags);
		out_close_object(ctx->out);
	}
	out_close_array(ctx->out);
}

static const char *pref_name(uint8_t pref, char *buf, size_t size)
{
	switch (pref) {
	case ICMPV6_ROUTER_PREF_LOW: return "low";
	case ICMPV6_ROUTER_PREF_MEDIUM: return "medium";
	case ICMPV6_ROUTER_PREF_HIGH: return "high";
	}
	snprintf(buf, size, "%u", pref);
	return buf;
}

static void print_destination(struct ip_ctx *ctx, const struct netlink_route *route)
{
	char text[64];

	if (route->has_dst)
		ip_prefix_text(&route->dst, text, sizeof(text));
	else if (route->dst.len)
		snprintf(text, sizeof(text), "0/%u ", route->dst.len);
	else
		snprintf(text, sizeof(text), "default");
	out_print_str(ctx->out, "dst", "%s ", text);
	if (route->src_attr) {
		out_print_str(ctx->out, "from", "from %s ", ip_prefix_text(&route->src, text, sizeof(text)));
	} else if (route->src.len) {
		snprintf(text, sizeof(text), "0/%u", route->src.len);
		out_print_str(ctx->out, "src", "from %s ", text);
	}
}

/* The first (single) hop's gateway and device, for routes without RTA_MULTIPATH. */
static void print_single_hop(struct ip_ctx *ctx, const struct netlink_route *route, const struct ip_route_view *view)
{
	const struct netlink_nexthop *hop = &route->nexthops[0];
	char text[ADDR_STRLEN], name[32];

	if (route->multipath || route->nexthop_count == 0)
		return;
	if (hop->has_gateway && !view->via_filtered)
		out_print_str(ctx->out, "gateway", "via %s ", ip_addr_text(&hop->gateway, text, sizeof(text)));
	if (hop->ifindex && !view->dev_filtered) {
		out_text(ctx->out, "dev ");
		out_print_str(ctx->out, "dev", "%s ", ip_ifname(ctx, hop->ifindex, name, sizeof(name)));
	}
}

void ip_route_print_fields(struct ip_ctx *ctx, const struct netlink_route *route,
			   const struct ip_route_view *view)
{
	char buf[64], text[ADDR_STRLEN];
	bool cloned = route->flags & RTM_F_CLONED;

	if (route->type != RTN_UNICAST || ctx->details)
		out_print_str(ctx->out, "type", "%s ", netlink_route_type_name(route->type, buf, sizeof(buf)));
	print_destination(ctx, route);
	if (route->nhid)
		out_print_uint(ctx->out, "nhid", "nhid %llu ", route->nhid);
	if (route->tos)
		out_print_str(ctx->out, "tos", "tos %s ", (snprintf(buf, sizeof(buf), "0x%02x", route->tos), buf));
	print_single_hop(ctx, route, view);
	if (route->table && (route->table != RT_TABLE_MAIN || ctx->details) && !view->table_filtered)
		out_print_str(ctx->out, "table", "table %s ", netlink_table_name(route->table, buf, sizeof(buf)));
	if (!cloned) {
		if ((route->protocol != RTPROT_BOOT || ctx->details) && !view->proto_filtered)
			out_print_str(ctx->out, "protocol", "proto %s ",
				      netlink_protocol_name(route->protocol, buf, sizeof(buf)));
		if ((route->scope != RT_SCOPE_UNIVERSE || ctx->details) && !view->scope_filtered)
			out_print_str(ctx->out, "scope", "scope %s ", netlink_scope_name(route->scope, buf, sizeof(buf)));
	}
	if (route->has_prefsrc && !view->prefsrc_filtered)
		out_print_str(ctx->out, "prefsrc", "src %s ", ip_addr_text(&route->prefsrc, text, sizeof(text)));
	if (route->has_metric)
		out_print_uint(ctx->out, "metric", "metric %llu ", route->metric);
	print_route_flags(ctx, route->flags);
	if (route->has_mark && route->mark) {
		out_print_uint(ctx->out, "mark", NULL, route->mark);
		out_text(ctx->out, route->mark >= 16 ? "mark 0x%x " : "mark %u ", route->mark);
	}
	if (route->has_uid)
		out_print_uint(ctx->out, "uid", "uid %llu ", route->uid);
	if (cloned)
		print_cache_flags(ctx, route->flags);
	print_cacheinfo(ctx, route);
	if (route->metrics_present & ~(1u << RTAX_LOCK))
		print_metrics(ctx, route);
	if (route->has_iif) {
		out_text(ctx->out, "iif ");
		out_print_str(ctx->out, "iif", "%s ", ip_ifname(ctx, route->iif, buf, sizeof(buf)));
	}
	if (route->has_pref)
		out_print_str(ctx->out, "pref", "pref %s", pref_name(route->pref, buf, sizeof(buf)));
	if (route->multipath)
		print_nexthops(ctx, route);
}

void ip_route_print(struct ip_ctx *ctx, const struct netlink_route *route, const struct ip_route_view *view)
{
	out_open_object(ctx->out, NULL);
	ip_route_print_fields(ctx, route, view);
	out_text(ctx->out, "\n");
	out_close_object(ctx->out);
}

/* --- rules ------------------------------------------------------------- */

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
