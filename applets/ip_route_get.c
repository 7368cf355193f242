/* ip route get: the kernel's own answer for one destination (RTM_GETROUTE),
 * printed as iproute2 prints it, and with --explain the reasoning behind it
 * (ip_route_explain.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ip_impl.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

static int parse_u32(struct ip_ctx *ctx, const char *keyword, const char *text, uint32_t *value)
{
	char *end;
	unsigned long long n = strtoull(text, &end, 0);

	if (end == text || *end != '\0' || n > UINT32_MAX || text[0] == '-') {
		sonde_err("%s get: '%s' needs a number: '%s'", ctx->object, keyword, text);
		return SONDE_EXIT_USAGE;
	}
	*value = (uint32_t)n;
	return 0;
}

static int parse_get_addr(struct ip_ctx *ctx, const char *text, struct sonde_addr *addr)
{
	int rc = ip_parse_addr(ctx, " get", text, addr);

	if (rc)
		return rc;
	ctx->family = addr_family(addr);
	return 0;
}

/* The words after "get": ADDR and its keywords, in any order. */
static int parse_get(struct ip_ctx *ctx, int argc, char **argv, struct netlink_route_query *query, bool *has_dst)
{
	int i, rc = 0;

	for (i = 0; i < argc && rc == 0; i++) {
		const char *word = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		bool keyword = strcmp(word, "from") == 0 || strcmp(word, "iif") == 0 || strcmp(word, "oif") == 0 ||
			       strcmp(word, "dev") == 0 || strcmp(word, "mark") == 0 || strcmp(word, "uid") == 0 ||
			       strcmp(word, "to") == 0;

		if (keyword && !value)
			return ip_need_value(ctx, word);
		if (keyword)
			i++;
		if (strcmp(word, "--explain") == 0) {
			ctx->explain = true;
		} else if (strcmp(word, "fibmatch") == 0) {
			query->fib_match = true;
		} else if (strcmp(word, "from") == 0) {
			query->has_src = true;
			rc = parse_get_addr(ctx, value, &query->src);
		} else if (strcmp(word, "iif") == 0) {
			query->iif = ip_dev_index(ctx, value);
			rc = query->iif ? 0 : SONDE_EXIT_NEGATIVE;
		} else if (strcmp(word, "oif") == 0 || strcmp(word, "dev") == 0) {
			query->oif = ip_dev_index(ctx, value);
			rc = query->oif ? 0 : SONDE_EXIT_NEGATIVE;
		} else if (strcmp(word, "mark") == 0) {
			query->has_mark = true;
			rc = parse_u32(ctx, word, value, &query->mark);
		} else if (strcmp(word, "uid") == 0) {
			query->has_uid = true;
			rc = parse_u32(ctx, word, value, &query->uid);
		} else if (!*has_dst) {
			*has_dst = true;
			rc = parse_get_addr(ctx, keyword ? value : word, &query->dst);
		} else {
			rc = ip_bad_arg(ctx, word);
		}
	}
	return rc;
}

int ip_route_get_main(struct ip_ctx *ctx, int argc, char **argv)
{
	struct netlink_route_query query;
	struct netlink_route *answer;
	struct ip_route_view view;
	bool has_dst = false;
	int rc;

	memset(&query, 0, sizeof(query));
	rc = parse_get(ctx, argc, argv, &query, &has_dst);
	if (rc)
		return rc;
	if (!has_dst) {
		sonde_err("%s get: which destination? (ip route get ADDR)", ctx->object);
		return SONDE_EXIT_USAGE;
	}
	if (query.has_src && addr_family(&query.src) != addr_family(&query.dst)) {
		sonde_err("%s get: 'from' and the destination are of different families", ctx->object);
		return SONDE_EXIT_USAGE;
	}
	if ((rc = ip_links_load(ctx)) < 0)
		return ip_netlink_error(ctx, rc, "cannot list interfaces");
	answer = malloc(sizeof(*answer));
	if (!answer)
		return ip_netlink_error(ctx, -ENOMEM, "route get");
	rc = netlink_route_get(&query, answer);
	if (rc < 0 && !ctx->explain) {
		/* -EACCES here is the kernel's answer for a prohibit route,
		 * not a refused privilege. */
		free(answer);
		sonde_errno(rc, "%s get", ctx->object);
		return SONDE_EXIT_NEGATIVE;
	}
	memset(&view, 0, sizeof(view));
	out_open_array(ctx->out, NULL);
	if (rc == 0 && !ctx->explain)
		ip_route_print(ctx, answer, &view);
	if (ctx->explain)
		rc = ip_route_explain(ctx, &query, rc == 0 ? answer : NULL, rc);
	out_close_array(ctx->out);
	free(answer);
	return rc;
}
