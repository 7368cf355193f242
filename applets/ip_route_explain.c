/* ip route get --explain: walks the policy rules the way the kernel does
 * (fib_rules_lookup: priority order, selectors, goto, suppress_prefixlength,
 * throw) over the routes that cover the destination, then says which table
 * and route won and why, which source address the kernel picked and what
 * the neighbour table knows about the next hop.  The kernel's own answer
 * (RTM_GETROUTE) is printed first and is what counts: if the walk here
 * disagrees with it, the explanation says so. */
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

struct flow {                        /* what the rules are matched against */
	int family;
	struct sonde_prefix dst, src;        /* host prefixes; src.len 0 when unspecified */
	uint32_t mark, uid;
	char iif[NETLINK_IFNAME_LEN], oif[NETLINK_IFNAME_LEN];
};

struct candidates {                  /* routes of any table that cover the destination */
	struct netlink_route *items;
	size_t count, capacity;
	struct sonde_prefix dst;
};

enum step_result { STEP_NO_MATCH, STEP_NO_ROUTE, STEP_THROW, STEP_SUPPRESSED, STEP_GOTO, STEP_SKIPPED,
		   STEP_NOP, STEP_ROUTE, STEP_REJECT };

static const char *const step_names[] = {
	"no_match", "no_route", "throw", "suppressed", "goto", "skipped", "nop", "route", "reject",
};

/* Renders a record in text mode into a malloc'ed string without its final
 * newline (the rule and route lines inside the explanation). */
static char *render_text(struct ip_ctx *ctx, void (*render)(struct ip_ctx *, const void *), const void *record)
{
	struct ip_ctx text_ctx = *ctx;
	struct sonde_out out;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (!fp)
		return NULL;
	out_init(&out, fp, false);
	text_ctx.out = &out;
	render(&text_ctx, record);
	fclose(fp);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	return text;
}

static void render_rule(struct ip_ctx *ctx, const void *rule)
{
	ip_rule_print(ctx, rule);
}

static void render_route(struct ip_ctx *ctx, const void *route)
{
	struct ip_route_view view = { 0 };

	ip_route_print(ctx, route, &view);
}

static int collect_candidate(const struct netlink_route *route, void *arg)
{
	struct candidates *c = arg;

	if (!ip_prefix_covers(&route->dst, &c->dst))
		return 0;
	if (c->count == c->capacity) {
		size_t capacity = c->capacity ? c->capacity * 2 : 8;
		struct netlink_route *items = realloc(c->items, capacity * sizeof(*items));

		if (!items)
			return -ENOMEM;
		c->items = items;
		c->capacity = capacity;
	}
	c->items[c->count++] = *route;
	return 0;
}

/* The route the table gives for the destination: longest prefix, then the
 * lowest metric, then the kernel's order; dead routes do not count. */
static const struct netlink_route *table_lookup(const struct candidates *c, uint32_t table, size_t *covering)
{
	const struct netlink_route *best = NULL;
	size_t i;

	*covering = 0;
	for (i = 0; i < c->count; i++) {
		const struct netlink_route *r = &c->items[i];

		if (r->table != table || (r->flags & RTNH_F_DEAD))
			continue;
		(*covering)++;
		if (!best || r->dst.len > best->dst.len ||
		    (r->dst.len == best->dst.len && r->metric < best->metric))
			best = r;
	}
	return best;
}

static bool prefix_matches(bool present, const struct sonde_prefix *rule_prefix, const struct sonde_prefix *flow_prefix)
{
	if (!present || rule_prefix->len == 0)
		return true;
	return flow_prefix->len != 0 && ip_prefix_covers(rule_prefix, flow_prefix);
}

/* Why the rule does not match the flow, or NULL when it does. */
static const char *rule_mismatch(const struct netlink_rule *rule, const struct flow *flow)
{
	const char *why = NULL;
	uint32_t mask = rule->has_fwmask ? rule->fwmask : 0xffffffffu;

	if (!prefix_matches(rule->has_src, &rule->src, &flow->src))
		why = flow->src.len ? "the source is outside 'from'" : "the lookup has no source for 'from'";
	else if (!prefix_matches(rule->has_dst, &rule->dst, &flow->dst))
		why = "the destination is outside 'to'";
	else if ((rule->has_fwmark || rule->has_fwmask) && ((flow->mark ^ rule->fwmark) & mask))
		why = "the fwmark differs";
	else if (rule->iif[0] && strcmp(rule->iif, flow->iif) != 0)
		why = "the input interface differs";
	else if (rule->oif[0] && strcmp(rule->oif, flow->oif) != 0)
		why = "the output interface differs";
	else if (rule->has_uidrange && (flow->uid < rule->uid_start || flow->uid > rule->uid_end))
		why = "the uid is outside 'uidrange'";
	else if (rule->has_ip_proto || rule->has_sport || rule->has_dport || rule->tos)
		why = "the lookup carries no protocol, ports or tos";
	if (rule->flags & FIB_RULE_INVERT)
		return why ? NULL : "'not' inverts a match";
	return why;
}

struct explanation {
	const struct netlink_route *chosen;
	const struct netlink_rule *chosen_rule;
	size_t chosen_covering;
	const struct netlink_rule *reject_rule;
};

static void print_step(struct ip_ctx *ctx, const struct netlink_rule *rule, enum step_result result,
		       const char *detail)
{
	char *text = render_text(ctx, render_rule, rule);

	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "rule", "    %s", text ? text : "?");
	out_print_str(ctx->out, "result", NULL, step_names[result]);
	out_print_str(ctx->out, "detail", "  -> %s\n", detail);
	out_close_object(ctx->out);
	free(text);
}

static void walk_rules(struct ip_ctx *ctx, const struct netlink_rule *rules, size_t count, const struct flow *flow,
		       const struct candidates *c, struct explanation *ex)
{
	bool jumping = false;
	uint32_t goto_target = 0;
	char detail[256], buf[32];
	const char *table;
	size_t i, covering;

	for (i = 0; i < count && !ex->chosen && !ex->reject_rule; i++) {
		const struct netlink_rule *rule = &rules[i];
		const struct netlink_route *best;
		const char *why;

		if (jumping && rule->priority < goto_target) {
			print_step(ctx, rule, STEP_SKIPPED, "skipped by the goto");
			continue;
		}
		jumping = false;
		if ((why = rule_mismatch(rule, flow))) {
			print_step(ctx, rule, STEP_NO_MATCH, why);
			continue;
		}
		if (rule->action == FR_ACT_GOTO) {
			jumping = true;
			goto_target = rule->goto_target;
			snprintf(detail, sizeof(detail), "matches; continues at priority %u", goto_target);
			print_step(ctx, rule, STEP_GOTO, detail);
			continue;
		}
		if (rule->action == FR_ACT_NOP) {
			print_step(ctx, rule, STEP_NOP, "matches; does nothing");
			continue;
		}
		if (rule->action != FR_ACT_TO_TBL) {
			ex->reject_rule = rule;
			print_step(ctx, rule, STEP_REJECT, "matches; the lookup ends here with this verdict");
			break;
		}
		table = netlink_table_name(rule->table, buf, sizeof(buf));
		best = table_lookup(c, rule->table, &covering);
		if (!best) {
			snprintf(detail, sizeof(detail), "matches; table %s has no route for the destination", table);
			print_step(ctx, rule, STEP_NO_ROUTE, detail);
		} else if (best->type == RTN_THROW) {
			snprintf(detail, sizeof(detail), "matches; table %s throws (type throw): next rule", table);
			print_step(ctx, rule, STEP_THROW, detail);
		} else if (rule->has_suppress_prefixlen && rule->suppress_prefixlen >= 0 &&
			   best->dst.len <= (unsigned)rule->suppress_prefixlen) {
			snprintf(detail, sizeof(detail), "matches; table %s's /%u route is suppressed "
				 "(suppress_prefixlength %d)", table, best->dst.len, rule->suppress_prefixlen);
			print_step(ctx, rule, STEP_SUPPRESSED, detail);
		} else {
			ex->chosen = best;
			ex->chosen_rule = rule;
			ex->chosen_covering = covering;
			snprintf(detail, sizeof(detail), "matches; table %s has a route", table);
			print_step(ctx, rule, STEP_ROUTE, detail);
		}
	}
}

static void print_choice(struct ip_ctx *ctx, const struct explanation *ex)
{
	char *route_text, buf[32], reason[256];

	if (!ex->chosen) {
		out_text(ctx->out, "  no route chosen%s\n", ex->reject_rule ? ": a rule rejects the lookup" : "");
		return;
	}
	route_text = render_text(ctx, render_route, ex->chosen);
	out_print_str(ctx->out, "table", "  table: %s\n", netlink_table_name(ex->chosen->table, buf, sizeof(buf)));
	out_print_str(ctx->out, "route", "  route: %s\n", route_text ? route_text : "?");
	if (ex->chosen_covering == 1)
		snprintf(reason, sizeof(reason), "the only route in the table that covers the destination (/%u)",
			 ex->chosen->dst.len);
	else
		snprintf(reason, sizeof(reason), "longest prefix (/%u) of the %zu routes that cover the destination, "
			 "then the lowest metric (%u)", ex->chosen->dst.len, ex->chosen_covering, ex->chosen->metric);
	out_print_str(ctx->out, "why", "  why: %s\n", reason);
	free(route_text);
}

static void print_source(struct ip_ctx *ctx, const struct netlink_route_query *query,
			 const struct netlink_route *answer, const struct explanation *ex)
{
	char text[ADDR_STRLEN];
	const char *how;

	if (!answer || !answer->has_prefsrc) {
		if (query->has_src)
			out_print_str(ctx->out, "source", "  source: %s (given with 'from')\n",
				      ip_addr_text(&query->src, text, sizeof(text)));
		return;
	}
	if (query->has_src)
		how = "given with 'from'";
	else if (ex->chosen && ex->chosen->has_prefsrc && addr_equal(&ex->chosen->prefsrc, &answer->prefsrc))
		how = "the route's preferred source (src)";
	else
		how = "picked by the kernel among the output device's addresses";
	out_print_str(ctx->out, "source", "  source: %s", ip_addr_text(&answer->prefsrc, text, sizeof(text)));
	out_print_str(ctx->out, "source_reason", " (%s)\n", how);
}

struct neigh_search {
	struct sonde_addr addr;
	int ifindex;
	struct netlink_neigh found;
	bool has_found;
};

static int neigh_match(const struct netlink_neigh *neigh, void *arg)
{
	struct neigh_search *s = arg;

	if (neigh->ifindex == s->ifindex && addr_equal(&neigh->dst, &s->addr)) {
		s->found = *neigh;
		s->has_found = true;
	}
	return 0;
}

static void prefix_host_addr(const struct sonde_prefix *prefix, struct sonde_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (prefix->family == AF_INET) {
		addr->u.in4.sin_family = AF_INET;
		memcpy(&addr->u.in4.sin_addr, prefix->bytes, 4);
		addr->len = sizeof(addr->u.in4);
	} else {
		addr->u.in6.sin6_family = AF_INET6;
		memcpy(&addr->u.in6.sin6_addr, prefix->bytes, 16);
		addr->len = sizeof(addr->u.in6);
	}
}

static void print_neighbour(struct ip_ctx *ctx, const struct netlink_route *answer)
{
	const struct netlink_nexthop *hop;
	struct neigh_search search;
	char text[ADDR_STRLEN], name[32], mac[64];
	unsigned bit;

	if (!answer || answer->type != RTN_UNICAST || answer->nexthop_count == 0) {
		out_text(ctx->out, "  next hop: none (%s)\n",
			 answer && answer->type == RTN_LOCAL ? "delivered locally" : "no unicast next hop");
		return;
	}
	hop = &answer->nexthops[0];
	memset(&search, 0, sizeof(search));
	search.ifindex = hop->ifindex;
	if (hop->has_gateway)
		search.addr = hop->gateway;
	else
		prefix_host_addr(&answer->dst, &search.addr); /* on-link: the destination is its own next hop */
	out_open_object(ctx->out, "nexthop");
	out_print_str(ctx->out, "address", "  next hop: %s", ip_addr_text(&search.addr, text, sizeof(text)));
	out_print_str(ctx->out, "dev", " dev %s", ip_ifname(ctx, hop->ifindex, name, sizeof(name)));
	out_print_bool(ctx->out, "gateway", NULL, hop->has_gateway);
	out_text(ctx->out, " (%s)\n", hop->has_gateway ? "the route's gateway" : "on-link: the destination itself");
	netlink_walk_neighs(answer->family, neigh_match, &search);
	if (!search.has_found) {
		out_print_null(ctx->out, "neighbour", "  neighbour: %s\n",
			       "no entry yet (the kernel resolves it when the first packet goes out)");
	} else {
		out_open_object(ctx->out, "neighbour");
		out_text(ctx->out, "  neighbour:");
		if (search.found.lladdr_len)
			out_print_str(ctx->out, "lladdr", " lladdr %s",
				      netlink_mac_format(search.found.lladdr, search.found.lladdr_len, mac, sizeof(mac)));
		out_open_array(ctx->out, "state");
		for (bit = 1; bit <= NUD_PERMANENT; bit <<= 1)
			if (search.found.state & bit)
				out_print_str(ctx->out, NULL, " %s", netlink_neigh_state_name(bit));
		out_close_array(ctx->out);
		if (search.found.flags & NTF_ROUTER)
			out_print_null(ctx->out, "router", " %s", "router");
		out_text(ctx->out, "\n");
		out_close_object(ctx->out);
	}
	out_close_object(ctx->out);
}

static void flow_init(struct ip_ctx *ctx, const struct netlink_route_query *query, struct flow *flow)
{
	char name[32];

	memset(flow, 0, sizeof(*flow));
	flow->family = addr_family(&query->dst);
	ip_host_prefix(&query->dst, &flow->dst);
	if (query->has_src)
		ip_host_prefix(&query->src, &flow->src);
	else
		flow->src.family = flow->family; /* length 0: no source yet */
	flow->mark = query->has_mark ? query->mark : 0;
	flow->uid = query->has_uid ? query->uid : (uint32_t)getuid();
	/* Locally generated traffic is looked up as if it came in on lo. */
	snprintf(flow->iif, sizeof(flow->iif), "%s", query->iif ? ip_ifname(ctx, query->iif, name, sizeof(name)) : "lo");
	if (query->oif)
		snprintf(flow->oif, sizeof(flow->oif), "%s", ip_ifname(ctx, query->oif, name, sizeof(name)));
}

static void print_agreement(struct ip_ctx *ctx, const struct explanation *ex, const struct netlink_route *answer)
{
	bool agree;

	if (!answer || !ex->chosen)
		agree = !answer && !ex->chosen;
	else
		agree = answer->type == ex->chosen->type && (answer->table == ex->chosen->table ||
							     answer->flags & RTM_F_CLONED);
	out_print_bool(ctx->out, "agrees_with_kernel", NULL, agree);
	if (!agree)
		out_text(ctx->out, "  note: the kernel's answer above differs from this walk (a rule or route "
			 "kind sonde does not model); the kernel's answer is the one that applies\n");
}

int ip_route_explain(struct ip_ctx *ctx, const struct netlink_route_query *query,
		     const struct netlink_route *answer, int lookup_error)
{
	struct candidates c = { 0 };
	struct explanation ex = { 0 };
	struct netlink_rule *rules = NULL;
	struct ip_route_view view = { 0 };
	size_t rule_count = 0;
	struct flow flow;
	int rc;

	flow_init(ctx, query, &flow);
	c.dst = flow.dst;
	rc = netlink_dump_rules(flow.family, &rules, &rule_count);
	if (rc == 0)
		rc = netlink_walk_routes(flow.family, collect_candidate, &c);
	if (rc < 0) {
		free(rules);
		free(c.items);
		return ip_netlink_error(ctx, rc, "route get --explain");
	}
	out_open_object(ctx->out, NULL);
	if (answer)
		ip_route_print_fields(ctx, answer, &view);
	else
		out_print_str(ctx->out, "error", "kernel: %s", strerror(-lookup_error));
	out_text(ctx->out, "\n");
	out_open_object(ctx->out, "explain");
	out_text(ctx->out, "explain:\n  rules, in priority order:\n");
	out_open_array(ctx->out, "rules");
	walk_rules(ctx, rules, rule_count, &flow, &c, &ex);
	out_close_array(ctx->out);
	print_choice(ctx, &ex);
	print_source(ctx, query, answer, &ex);
	print_neighbour(ctx, answer);
	print_agreement(ctx, &ex, answer);
	out_close_object(ctx->out);
	out_close_object(ctx->out);
	free(rules);
	free(c.items);
	return answer ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
}
