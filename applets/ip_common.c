/* ip, shared by its pieces: show words and write refusals, the messages
 * for bad arguments and netlink failures, links by index, and the
 * address, prefix and link-layer address forms iproute2 reads and prints. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

bool ip_is_show(const char *word)
{
	return strcmp(word, "show") == 0 || strcmp(word, "list") == 0 || strcmp(word, "ls") == 0 ||
	       strcmp(word, "lst") == 0 || strcmp(word, "sh") == 0;
}

int ip_refuse_write(struct ip_ctx *ctx, const char *word)
{
	static const char *const writes[] = {
		"add", "a", "del", "delete", "d", "change", "chg", "replace", "append", "prepend", "test",
		"flush", "f", "set", "save", "restore", "showdump", "monitor", "update", "create",
	};
	size_t i;

	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		if (strcmp(word, writes[i]) == 0) {
			sonde_err("%s %s: refused: sonde ip only shows (use iproute2 to change the system)",
				  ctx->object, word);
			return SONDE_EXIT_USAGE;
		}
	return 0;
}

int ip_skip_show(struct ip_ctx *ctx, int *argc, char ***argv)
{
	if (*argc > 0 && ip_is_show((*argv)[0])) {
		(*argc)--;
		(*argv)++;
		return 0;
	}
	return *argc > 0 ? ip_refuse_write(ctx, (*argv)[0]) : 0;
}

void ip_host_prefix(const struct sonde_addr *addr, struct sonde_prefix *prefix)
{
	memset(prefix, 0, sizeof(*prefix));
	prefix->family = addr_family(addr);
	prefix->len = prefix->family == AF_INET ? 32 : 128;
	memcpy(prefix->bytes, prefix->family == AF_INET ? (const void *)&addr->u.in4.sin_addr
							: (const void *)&addr->u.in6.sin6_addr, prefix->len / 8);
}

int ip_bad_arg(struct ip_ctx *ctx, const char *word)
{
	sonde_err("%s: unknown argument '%s' (see --help)", ctx->object, word);
	return SONDE_EXIT_USAGE;
}

int ip_need_value(struct ip_ctx *ctx, const char *keyword)
{
	sonde_err("%s: '%s' needs a value", ctx->object, keyword);
	return SONDE_EXIT_USAGE;
}

int ip_netlink_error(struct ip_ctx *ctx, int rc, const char *what)
{
	return caps_fail(rc, &caps_need_none, "%s: %s", ctx->object, what);
}

int ip_links_load(struct ip_ctx *ctx)
{
	int rc;

	if (ctx->links_loaded)
		return 0;
	rc = netlink_dump_links(&ctx->links, &ctx->link_count);
	if (rc == 0)
		ctx->links_loaded = true;
	return rc;
}

const struct netlink_link *ip_link_by_index(struct ip_ctx *ctx, int ifindex)
{
	size_t lo = 0, hi;

	if (ip_links_load(ctx) < 0)
		return NULL;
	hi = ctx->link_count;
	while (lo < hi) { /* the array is sorted by ifindex */
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->links[mid].ifindex == ifindex)
			return &ctx->links[mid];
		if (ctx->links[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *ip_ifname(struct ip_ctx *ctx, int ifindex, char *buf, size_t size)
{
	const struct netlink_link *link;

	if (ifindex == 0)
		return "*";
	link = ip_link_by_index(ctx, ifindex);
	if (link)
		return link->name;
	snprintf(buf, size, "if%d", ifindex);
	return buf;
}

int ip_dev_index(struct ip_ctx *ctx, const char *name)
{
	const struct netlink_link *link;

	if (ip_links_load(ctx) == 0) {
		link = netlink_link_by_name(ctx->links, ctx->link_count, name);
		if (link)
			return link->ifindex;
	}
	sonde_err("%s: cannot find device \"%s\"", ctx->object, name);
	return 0;
}

const char *ip_addr_text(const struct sonde_addr *addr, char *buf, size_t size)
{
	const void *bytes = addr_family(addr) == AF_INET ? (const void *)&addr->u.in4.sin_addr
							  : (const void *)&addr->u.in6.sin6_addr;

	if (!inet_ntop(addr_family(addr), bytes, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

const char *ip_prefix_text(const struct sonde_prefix *prefix, char *buf, size_t size)
{
	unsigned host_len = prefix->family == AF_INET ? 32 : 128;
	size_t used;

	if (!inet_ntop(prefix->family, prefix->bytes, buf, (socklen_t)size)) {
		snprintf(buf, size, "?");
		return buf;
	}
	used = strlen(buf);
	if (prefix->len != host_len)
		snprintf(buf + used, size - used, "/%u", prefix->len);
	return buf;
}

/* iproute2 and inet_aton read a dotted quad alike, octal and hex parts
 * included, but not a short form: "10.1" is 10.1.0.0 to iproute2 and
 * 10.0.0.1 to inet_aton (sonde's reading everywhere else), so ip refuses
 * it rather than pick one silently. */
int ip_parse_addr(struct ip_ctx *ctx, const char *verb, const char *text, struct sonde_addr *addr)
{
	struct addr_ipv4_form form;
	struct in_addr in4;

	if (addr_parse_ipv4(text, &in4, &form) == 0 && form.parts < 4) {
		sonde_err("%s%s: '%s': iproute2 and inet_aton read a short IPv4 form differently: "
			  "write all four parts", ctx->object, verb, text);
		return SONDE_EXIT_USAGE;
	}
	if (addr_parse_ip(text, 0, ctx->family, addr) < 0) {
		sonde_err("%s%s: not an address: '%s'", ctx->object, verb, text);
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

int ip_parse_prefix(struct ip_ctx *ctx, const char *text, struct sonde_prefix *prefix)
{
	memset(prefix, 0, sizeof(*prefix));
	if (strcmp(text, "default") == 0 || strcmp(text, "all") == 0 || strcmp(text, "any") == 0) {
		prefix->family = ctx->family == AF_INET6 ? AF_INET6 : AF_INET;
		return 0;
	}
	if (addr_parse_prefix(text, true, prefix) < 0) {
		sonde_err("%s: not an address or prefix: '%s'", ctx->object, text);
		return -EINVAL;
	}
	if (ctx->family != AF_UNSPEC && prefix->family != ctx->family) {
		sonde_err("%s: '%s' is not of the address family asked for", ctx->object, text);
		return -EINVAL;
	}
	return 0;
}

bool ip_prefix_covers(const struct sonde_prefix *outer, const struct sonde_prefix *inner)
{
	return outer->len <= inner->len && prefix_contains_bytes(outer, inner->family, inner->bytes);
}

const char *ip_lladdr_text(const uint8_t *bytes, size_t len, unsigned arptype, char *buf, size_t size)
{
	bool ipv4_tunnel = arptype == ARPHRD_TUNNEL || arptype == ARPHRD_SIT || arptype == ARPHRD_IPGRE;
	bool ipv6_tunnel = arptype == ARPHRD_TUNNEL6 || arptype == ARPHRD_IP6GRE;

	if (len == 4 && ipv4_tunnel)
		return inet_ntop(AF_INET, bytes, buf, (socklen_t)size) ? buf : "";
	if (len == 16 && ipv6_tunnel)
		return inet_ntop(AF_INET6, bytes, buf, (socklen_t)size) ? buf : "";
	return netlink_mac_format(bytes, len, buf, size);
}
