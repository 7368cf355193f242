/* path: which netfilter hooks, and which tables' chains at each, a packet
 * from SRC to DST meets on this host.  The host's own addresses decide the
 * way through: locally generated, locally delivered, both (it leaves on
 * lo and comes back in), or forwarded.  Chains come from both places rules
 * live: legacy x_tables (fixed priorities per table) and nf_tables base
 * chains (iptables-nft's included), merged per hook in priority order.
 *
 * Rules: iptables rules are checked against the packet's addresses,
 * protocol and destination port (what the rule header and the tcp/udp
 * matches say; other matches are assumed to match); nf_tables rules are
 * listed unchecked. */
#include <netinet/in.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/netlink.h"
#include "sonde/nfdecode.h"
#include "sonde/nft.h"
#include "sonde/xt.h"
#include "sonde/xt_spec.h"

struct path_packet {
	int family;                      /* AF_INET / AF_INET6 */
	uint8_t src[16], dst[16];
	uint8_t proto;                   /* 0: any */
	int port;                        /* destination port, -1: any */
	bool src_local, dst_local;
};

enum rule_match { MATCH_NO, MATCH_POSSIBLE, MATCH_UNCHECKED };

struct path_rule {
	char *text;
	enum rule_match match;
};

struct path_chain {
	const char *backend;             /* "iptables-legacy" / "nf_tables" */
	char table[NFT_NAME_LEN + 16];   /* "filter", or "ip filter" for nf_tables */
	char name[NFT_NAME_LEN];
	unsigned hook;                   /* NF_INET_* */
	int priority;
	const char *policy;
	struct path_rule *rules;
	size_t rule_count;
};

struct path_result {
	struct path_chain *chains;
	size_t count;
	int error;                       /* from inside a dump callback */
};

static const char *const hook_names[] = { "prerouting", "input", "forward", "output", "postrouting" };

/* --- where the packet goes ------------------------------------------------------ */

static const uint8_t *addr_bytes(const struct sonde_addr *a)
{
	return addr_family(a) == AF_INET6 ? (const uint8_t *)&a->u.in6.sin6_addr : (const uint8_t *)&a->u.in4.sin_addr;
}

/* Local: one of the host's addresses, or inside a host-scope prefix (all
 * of 127.0.0.0/8 is this host's through lo's 127.0.0.1/8). */
static bool is_local(const struct netlink_addr *addrs, size_t count, int family, const uint8_t *addr)
{
	size_t i, len = family == AF_INET6 ? 16 : 4;

	for (i = 0; i < count; i++) {
		const uint8_t *own = addr_bytes(&addrs[i].local);

		if (addrs[i].family != family)
			continue;
		if (memcmp(own, addr, len) == 0)
			return true;
		if (addrs[i].scope == RT_SCOPE_HOST && prefix_bits_equal(own, addr, addrs[i].prefix_len))
			return true;
	}
	return false;
}

static int classify(struct path_packet *p)
{
	struct netlink_addr *addrs;
	size_t count;
	int rc = netlink_dump_addrs(p->family, &addrs, &count);

	if (rc < 0)
		return rc;
	p->src_local = is_local(addrs, count, p->family, p->src);
	p->dst_local = is_local(addrs, count, p->family, p->dst);
	free(addrs);
	return 0;
}

static const char *path_kind(const struct path_packet *p)
{
	if (p->src_local && p->dst_local)
		return "loopback";
	return p->src_local ? "local-out" : p->dst_local ? "local-in" : "forward";
}

/* The hooks in the order the kernel runs them for this packet. */
static size_t path_hooks(const struct path_packet *p, unsigned hooks[4])
{
	static const unsigned loopback[] = { NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN };
	static const unsigned out[] = { NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING };
	static const unsigned in[] = { NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN };
	static const unsigned fwd[] = { NF_INET_PRE_ROUTING, NF_INET_FORWARD, NF_INET_POST_ROUTING };
	const unsigned *seq = p->src_local && p->dst_local ? loopback : p->src_local ? out : p->dst_local ? in : fwd;
	size_t n = seq == loopback ? 4 : seq == fwd ? 3 : 2;

	memcpy(hooks, seq, n * sizeof(*seq));
	return n;
}

/* --- collecting chains ------------------------------------------------------------ */

static struct path_chain *add_chain(struct path_result *res)
{
	struct path_chain *grown = realloc(res->chains, (res->count + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	res->chains = grown;
	memset(&grown[res->count], 0, sizeof(*grown));
	return &grown[res->count++];
}

static int add_rule(struct path_chain *c, const char *text, size_t len, enum rule_match match)
{
	struct path_rule *grown = realloc(c->rules, (c->rule_count + 1) * sizeof(*grown));
	char *copy = strndup(text, len);

	if (grown)
		c->rules = grown;
	if (!grown || !copy) {
		free(copy);
		return -ENOMEM;
	}
	grown[c->rule_count++] = (struct path_rule){ copy, match };
	return 0;
}

static void result_free(struct path_result *res)
{
	size_t i, j;

	for (i = 0; i < res->count; i++) {
		for (j = 0; j < res->chains[i].rule_count; j++)
			free(res->chains[i].rules[j].text);
		free(res->chains[i].rules);
	}
	free(res->chains);
}

/* x_tables' fixed priorities (NF_IP_PRI_*): nat is dstnat before routing
 * and on output, srcnat after. */
static int xt_priority(const char *table, unsigned hook)
{
	if (strcmp(table, "raw") == 0)
		return -300;
	if (strcmp(table, "mangle") == 0)
		return -150;
	if (strcmp(table, "nat") == 0)
		return hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT ? -100 : 100;
	if (strcmp(table, "security") == 0)
		return 50;
	return 0;
}

static bool masked_equal(const uint8_t *a, const uint8_t *b, const uint8_t *mask, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((a[i] & mask[i]) != (b[i] & mask[i]))
			return false;
	return true;
}

/* The tcp/udp match's destination ports against the packet's. */
static bool ports_match(const struct xt_blob *m, const struct path_packet *p)
{
	uint16_t lo, hi;
	bool inverted;

	if (p->port < 0 || !m->data)
		return true;
	if (strcmp(m->name, "tcp") == 0 && m->len >= sizeof(struct xt_tcp)) {
		const struct xt_tcp *t = (const void *)m->data;

		lo = t->dpts[0], hi = t->dpts[1], inverted = t->invflags & XT_TCP_INV_DSTPT;
	} else if (strcmp(m->name, "udp") == 0 && m->len >= sizeof(struct xt_udp)) {
		const struct xt_udp *u = (const void *)m->data;

		lo = u->dpts[0], hi = u->dpts[1], inverted = u->invflags & XT_UDP_INV_DSTPT;
	} else {
		return true;
	}
	return (p->port >= lo && p->port <= hi) != inverted;
}

static bool xt_rule_could_match(const struct xt_rule *r, const struct path_packet *p)
{
	size_t len = p->family == AF_INET6 ? 16 : 4, i;

	if (masked_equal(r->src, p->src, r->src_mask, len) == !!(r->invflags & XT_RULE_INV_SRC))
		return false;
	if (masked_equal(r->dst, p->dst, r->dst_mask, len) == !!(r->invflags & XT_RULE_INV_DST))
		return false;
	if (r->proto && p->proto && (r->proto == p->proto) == !!(r->invflags & XT_RULE_INV_PROTO))
		return false;
	for (i = 0; i < r->match_count; i++)
		if (!ports_match(&r->matches[i], p))
			return false;
	return true;
}

static int add_legacy_table(struct path_result *res, const struct xt_table *t, const struct path_packet *p)
{
	const struct nfdecode_opts decode = { .family = t->family, .style = NFDECODE_SAVE, .numeric = true,
					      .set_name = xt_ipset_name };
	struct strbuf line = { 0 };
	size_t i, j;
	int rc = 0;

	for (i = 0; i < t->chain_count && rc == 0; i++) {
		const struct xt_chain *xc = &t->chains[i];
		struct path_chain *c;

		if (!xc->builtin)
			continue;
		if (!(c = add_chain(res))) {
			rc = -ENOMEM;
			break;
		}
		c->backend = "iptables-legacy";
		snprintf(c->table, sizeof(c->table), "%s", t->name);
		snprintf(c->name, sizeof(c->name), "%s", xc->name);
		c->hook = xc->hook;
		c->priority = xt_priority(t->name, xc->hook);
		c->policy = xc->policy == XT_VERDICT_DROP ? "DROP" : "ACCEPT";
		for (j = 0; j < xc->rule_count && rc == 0; j++) {
			xt_rule_spec(&line, &decode, xc, &xc->rules[j], XT_SPEC_NO_COUNTERS);
			rc = line.failed ? -ENOMEM
					 : add_rule(c, line.data, line.len,
						    xt_rule_could_match(&xc->rules[j], p) ? MATCH_POSSIBLE : MATCH_NO);
		}
	}
	strbuf_free(&line);
	return rc;
}

static int read_legacy(struct path_result *res, const struct path_packet *p)
{
	int family = p->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	char (*names)[XT_NAME_LEN];
	size_t count, i;
	int rc = xt_legacy_table_names(family, &names, &count);

	/* Only the tables the kernel lists: asking for another creates it. */
	for (i = 0; rc == 0 && i < count; i++) {
		struct xt_table t;

		if ((rc = xt_legacy_read(family, names[i], &t)) < 0)
			break;
		rc = add_legacy_table(res, &t, p);
		xt_table_free(&t);
	}
	free(names);
	return rc;
}

struct nft_walk {
	struct path_result *res;
	const struct path_packet *p;
	struct strbuf line;
};

static bool nft_family_applies(int nfproto, const struct path_packet *p)
{
	return nfproto == NFPROTO_INET || nfproto == (p->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
}

static int on_nft_chain(const struct nft_chain *ch, void *arg)
{
	struct nft_walk *w = arg;
	struct path_chain *c;

	if (!ch->base || ch->hooknum > NF_INET_POST_ROUTING || !nft_family_applies(ch->family, w->p))
		return 0;
	if (!(c = add_chain(w->res)))
		return -ENOMEM;
	c->backend = "nf_tables";
	snprintf(c->table, sizeof(c->table), "%s %s", nft_family_name(ch->family), ch->table);
	snprintf(c->name, sizeof(c->name), "%s", ch->name);
	c->hook = ch->hooknum;
	c->priority = ch->priority;
	c->policy = ch->has_policy && ch->policy == NF_DROP ? "drop" : "accept";
	return 0;
}

static int on_nft_rule(const struct nft_rule *r, const char *table, const char *chain, void *arg)
{
	struct nft_walk *w = arg;
	struct nft_print_ctx ctx = { .family = r->family };
	char qualified[NFT_NAME_LEN + 16];
	size_t i;

	snprintf(qualified, sizeof(qualified), "%s %s", nft_family_name(r->family), table);
	for (i = 0; i < w->res->count; i++) {
		struct path_chain *c = &w->res->chains[i];

		if (strcmp(c->backend, "nf_tables") != 0 || strcmp(c->table, qualified) != 0 || strcmp(c->name, chain) != 0)
			continue;
		strbuf_reset(&w->line);
		nft_print_rule(&w->line, r, &ctx);
		return w->line.failed ? -ENOMEM : add_rule(c, w->line.data, w->line.len, MATCH_UNCHECKED);
	}
	return 0;
}

static void on_nft_restart(void *arg)
{
	struct nft_walk *w = arg;
	size_t keep = 0, i;

	/* Forget nf_tables chains of the failed attempt, keep legacy ones. */
	for (i = 0; i < w->res->count; i++) {
		struct path_chain *c = &w->res->chains[i];

		if (strcmp(c->backend, "nf_tables") == 0) {
			for (size_t j = 0; j < c->rule_count; j++)
				free(c->rules[j].text);
			free(c->rules);
			continue;
		}
		w->res->chains[keep++] = *c;
	}
	w->res->count = keep;
}

static int read_nft(struct path_result *res, const struct path_packet *p)
{
	struct nft_walk w = { .res = res, .p = p };
	struct nft_dump_ops ops = { .chain = on_nft_chain, .rule = on_nft_rule, .restart = on_nft_restart };
	int rc = nft_dump(NFPROTO_UNSPEC, &ops, &w);

	strbuf_free(&w.line);
	return rc == -EPROTONOSUPPORT ? 0 : rc;
}

/* Per hook by priority; legacy before nf_tables on a tie (registration
 * order is not visible, so this is only a convention). */
static int chain_order(const void *a, const void *b)
{
	const struct path_chain *x = a, *y = b;

	if (x->hook != y->hook)
		return x->hook < y->hook ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (strcmp(x->backend, y->backend) != 0)
		return strcmp(x->backend, y->backend);   /* "iptables-legacy" first */
	return strcmp(x->table, y->table);
}

/* --- output --------------------------------------------------------------------- */

static const char *const match_names[] = { "no", "possible", "unchecked" };

static void print_chain(struct sonde_out *out, const struct path_chain *c)
{
	size_t i, skipped = 0;

	out_open_object(out, NULL);
	out_print_int(out, "priority", "  %5" PRId64 "  ", c->priority);
	out_print_str(out, "backend", "%-16s", c->backend);
	out_print_str(out, "table", "%s", c->table);
	out_print_str(out, "chain", " %s", c->name);
	out_print_str(out, "policy", "  (policy %s", c->policy);
	out_print_uint(out, "rule_count", ", rules: %" PRIu64 ")\n", c->rule_count);
	out_open_array(out, "rules");
	for (i = 0; i < c->rule_count; i++) {
		const struct path_rule *r = &c->rules[i];

		out_open_object(out, NULL);
		out_print_str(out, "match", NULL, match_names[r->match]);
		if (r->match == MATCH_NO)
			skipped++;
		else
			out_text(out, "         %s ", r->match == MATCH_POSSIBLE ? "may match:" : "unchecked:");
		out_print_str(out, "rule", r->match == MATCH_NO ? NULL : "%s\n", r->text);
		out_close_object(out);
	}
	out_close_array(out);
	if (skipped)
		out_text(out, "         (%zu rule%s cannot match: address, protocol or port differ)\n", skipped,
			 skipped == 1 ? "" : "s");
	out_close_object(out);
}

/* The device the hook sees on the loopback path. */
static const char *hook_device(const struct path_packet *p, unsigned hook, size_t step)
{
	if (!(p->src_local && p->dst_local))
		return NULL;
	return step == 1 && hook == NF_INET_POST_ROUTING ? "out lo" : step >= 2 ? "in lo" : NULL;
}

static void print_path(struct sonde_out *out, const struct path_packet *p, const struct path_result *res,
		       char *const argv[], int argc)
{
	static const char *const reasons[] = {
		[0] = "neither address is this host's: forwarded",
		[1] = "the destination is this host's: delivered locally",
		[2] = "the source is this host's: sent by this host",
		[3] = "both addresses are this host's: sent, looped back through lo, delivered",
	};
	unsigned hooks[4];
	size_t n = path_hooks(p, hooks), step, i;

	out_open_object(out, NULL);
	out_print_str(out, "src", "%s", argv[0]);
	out_print_str(out, "dst", " -> %s", argv[1]);
	if (argc > 2)
		out_print_str(out, "protocol", " %s", argv[2]);
	out_print_str(out, "path", ": %s", path_kind(p));
	out_text(out, " (%s)\n", reasons[(p->src_local ? 2 : 0) + (p->dst_local ? 1 : 0)]);
	out_print_bool(out, "src_local", NULL, p->src_local);
	out_print_bool(out, "dst_local", NULL, p->dst_local);
	out_open_array(out, "hooks");
	for (step = 0; step < n; step++) {
		const char *dev = hook_device(p, hooks[step], step);
		size_t shown = 0;

		out_open_object(out, NULL);
		out_print_str(out, "hook", "%s", hook_names[hooks[step]]);
		if (dev)
			out_print_str(out, "device", " (%s)", dev);
		out_text(out, "\n");
		out_open_array(out, "chains");
		for (i = 0; i < res->count; i++)
			if (res->chains[i].hook == hooks[step]) {
				print_chain(out, &res->chains[i]);
				shown++;
			}
		out_close_array(out);
		if (!shown)
			out_text(out, "         (no chains hook here)\n");
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}

/* --- the command line --------------------------------------------------------------- */

static int parse_address(const char *text, int family, uint8_t *bytes, int *family_out)
{
	struct sonde_addr a;

	if (addr_parse_ip(text, 0, family, &a) < 0)
		return -EINVAL;
	*family_out = addr_family(&a);
	memcpy(bytes, addr_bytes(&a), *family_out == AF_INET6 ? 16 : 4);
	return 0;
}

/* "tcp/80", "udp/53", "tcp", "icmp", "icmpv6". */
static int parse_proto_port(const char *text, struct path_packet *p)
{
	static const struct { const char *name; uint8_t proto; } protos[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP },
		{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
	};
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text), i;
	uint16_t port;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strlen(protos[i].name) == len && strncmp(protos[i].name, text, len) == 0)
			break;
	if (i == sizeof(protos) / sizeof(protos[0]))
		return -EINVAL;
	p->proto = protos[i].proto;
	if (!slash)
		return 0;
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP && p->proto != IPPROTO_SCTP)
		return -EINVAL;
	if (addr_parse_port(slash + 1, false, &port) < 0)
		return -EINVAL;
	p->port = port;
	return 0;
}

static int parse_packet(int argc, char **argv, struct path_packet *p)
{
	int dst_family;

	memset(p, 0, sizeof(*p));
	p->port = -1;
	if (parse_address(argv[0], AF_UNSPEC, p->src, &p->family) < 0) {
		sonde_err("not an IP address: '%s'", argv[0]);
		return -EINVAL;
	}
	if (parse_address(argv[1], AF_UNSPEC, p->dst, &dst_family) < 0) {
		sonde_err("not an IP address: '%s'", argv[1]);
		return -EINVAL;
	}
	if (dst_family != p->family) {
		sonde_err("SRC and DST are not of the same family: '%s', '%s'", argv[0], argv[1]);
		return -EINVAL;
	}
	if (argc > 2 && parse_proto_port(argv[2], p) < 0) {
		sonde_err("not PROTO[/PORT] (tcp, udp, sctp with a port; icmp, icmpv6): '%s'", argv[2]);
		return -EINVAL;
	}
	return 0;
}

static const struct caps_need read_rules = {
	CAP_NET_ADMIN, "reading netfilter rules", "nothing: the kernel shows them only to it"
};

static const struct sonde_opt path_options[] = {
	SONDE_OPT_END,
};

static int path_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct path_result res = { 0 };
	struct path_packet p;
	int rc;

	(void)config;
	if (parse_packet(argc, argv, &p) < 0)
		return SONDE_EXIT_USAGE;
	if (!caps_have(CAP_NET_ADMIN))
		return caps_fail(-EPERM, &read_rules, "reading netfilter rules");
	if ((rc = classify(&p)) < 0)
		return caps_fail(rc, &caps_need_none, "cannot read this host's addresses");
	if ((rc = read_legacy(&res, &p)) == 0)
		rc = read_nft(&res, &p);
	if (rc < 0) {
		result_free(&res);
		return caps_fail(rc, &read_rules, "cannot read the netfilter rules");
	}
	qsort(res.chains, res.count, sizeof(*res.chains), chain_order);
	print_path(ctx->out, &p, &res, argv, argc);
	result_free(&res);
	return SONDE_EXIT_OK;
}

const struct sonde_applet applet_path = {
	.name = "path",
	.summary = "the netfilter hooks and chains a packet meets on this host",
	.usage = "SRC DST [PROTO[/PORT]]",
	.help_extra = "Decides from this host's own addresses whether the packet is sent by it, delivered to it, both "
		      "(looped back through lo) or forwarded, then lists each hook on that way in the kernel's order "
		      "with the chains that hook there, by priority, from legacy iptables (raw -300, mangle -150, nat "
		      "-100/100, filter 0, security 50) and nf_tables base chains. iptables rules are checked against "
		      "the addresses, protocol and destination port; nf_tables rules are listed unchecked.",
	.options = path_options,
	.min_args = 2,
	.max_args = 3,
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),
	.main = path_main,
};
