/* ip rule [show]: the policy routing rules in priority order, filtered as
 * iproute2 filters them; ip_out.c prints each in iproute2's layout
 * ("PRIO:\tSELECTORS ACTION"). */
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

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
