/* net-tools' routing table layouts from rtnetlink routes (see
 * sonde/route_classic.h).  The flags are derived the way the kernel derives
 * them for /proc/net/route and /proc/net/ipv6_route. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/route.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/route_classic.h"

/* IPv6 route flags (linux/ipv6_route.h), named here to avoid its includes. */
#define RTF6_DEFAULT 0x00010000
#define RTF6_ADDRCONF 0x00040000
#define RTF6_NONEXTHOP 0x00200000
#define RTF6_EXPIRES 0x00400000

static const char *device_name(const struct netlink_link *links, size_t count, int ifindex)
{
	const struct netlink_link *link = ifindex ? netlink_link_by_index(links, count, ifindex) : NULL;

	return link ? link->name : "*";
}

void route_classic_header(struct sonde_out *out, int family, const struct route_classic_opts *opts)
{
	if (family == AF_INET6) {
		out_text(out, "Kernel IPv6 routing table\n");
		out_text(out, "Destination                    Next Hop                   Flag Met Ref  Use If\n");
		return;
	}
	out_text(out, "Kernel IP routing table\n");
	if (opts->style == ROUTE_CLASSIC_NETSTAT)
		out_text(out, "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n");
	else if (opts->style == ROUTE_CLASSIC_WIDE)
		out_text(out, "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   "
			      "Window irtt\n");
	else
		out_text(out, "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n");
}

static bool is_reject(uint8_t type)
{
	return type == RTN_UNREACHABLE || type == RTN_PROHIBIT;
}

/* --- IPv4 --------------------------------------------------------------- */

static void ipv4_flags(const struct netlink_route *route, char *flags)
{
	const struct netlink_nexthop *hop = route->nexthop_count ? &route->nexthops[0] : NULL;
	size_t n = 0;

	if (is_reject(route->type)) {
		flags[n++] = '!';
	} else {
		flags[n++] = 'U';
		if (hop && hop->has_gateway)
			flags[n++] = 'G';
		if (route->dst.len == 32)
			flags[n++] = 'H';
	}
	flags[n] = '\0';
}

static void ipv4_mask(unsigned len, char *buf, size_t size)
{
	uint32_t mask = len ? htonl(0xffffffffu << (32 - len)) : 0;

	inet_ntop(AF_INET, &mask, buf, (socklen_t)size);
}

/* MSS Window irtt: right-aligned before Iface (netstat -r), left-aligned
 * after it at the end of the line (-ee); a reject route shows "-" in each. */
static void ipv4_tcp_metrics(struct sonde_out *out, const struct route_classic_opts *opts, bool reject,
			     unsigned mss, unsigned window, unsigned irtt)
{
	bool trailing = opts->style == ROUTE_CLASSIC_WIDE;

	if (reject) {
		out_text(out, trailing ? "%-5s %-6s %s\n" : "%5s %-5s %6s ", "-", "-", "-");
		return;
	}
	out_print_uint(out, "mss", trailing ? "%-5llu " : "%5llu ", mss);
	out_print_uint(out, "window", trailing ? "%-6llu " : "%-5llu ", window);
	out_print_uint(out, "irtt", trailing ? "%llu\n" : "%6llu ", irtt);
}

static void ipv4_row(struct sonde_out *out, const struct netlink_route *route, const struct netlink_link *links,
		     size_t link_count, const struct route_classic_opts *opts)
{
	const struct netlink_nexthop *hop = route->nexthop_count ? &route->nexthops[0] : NULL;
	bool reject = is_reject(route->type);
	char dst[INET_ADDRSTRLEN], gateway[INET_ADDRSTRLEN] = "0.0.0.0", mask[INET_ADDRSTRLEN], flags[8];
	const char *iface = reject ? "-" : device_name(links, link_count, hop ? hop->ifindex : 0);
	unsigned mss = (route->metrics_present & (1u << RTAX_ADVMSS)) ? route->metrics[RTAX_ADVMSS] + 40 : 0;
	unsigned window = (route->metrics_present & (1u << RTAX_WINDOW)) ? route->metrics[RTAX_WINDOW] : 0;
	unsigned irtt = (route->metrics_present & (1u << RTAX_RTT)) ? route->metrics[RTAX_RTT] >> 3 : 0;

	inet_ntop(AF_INET, route->dst.bytes, dst, sizeof(dst));
	if (!opts->numeric && route->dst.len == 0)
		snprintf(dst, sizeof(dst), "default");
	if (hop && hop->has_gateway)
		inet_ntop(AF_INET, &hop->gateway.u.in4.sin_addr, gateway, sizeof(gateway));
	ipv4_mask(route->dst.len, mask, sizeof(mask));
	ipv4_flags(route, flags);
	out_open_object(out, NULL);
	out_print_str(out, "destination", "%-15s ", dst);
	out_print_str(out, "gateway", "%-15s ", reject ? "-" : gateway);
	out_print_str(out, "genmask", "%-15s ", mask);
	out_print_str(out, "flags", "%-5s ", flags);
	if (opts->style == ROUTE_CLASSIC_NETSTAT) {
		ipv4_tcp_metrics(out, opts, reject, mss, window, irtt);
		out_print_str(out, "ifname", "%s\n", iface);
		out_close_object(out);
		return;
	}
	out_print_uint(out, "metric", "%-6llu ", route->metric);
	if (reject)
		out_text(out, "%-2s ", "-");
	else
		out_print_uint(out, "ref", "%-2llu ", 0);
	out_print_uint(out, "use", "%7llu ", 0);
	if (opts->style == ROUTE_CLASSIC_ROUTE) {
		out_print_str(out, "ifname", "%s\n", iface);
		out_close_object(out);
		return;
	}
	out_print_str(out, "ifname", "%-8s ", iface);
	ipv4_tcp_metrics(out, opts, reject, mss, window, irtt);
	out_close_object(out);
}

/* --- IPv6 --------------------------------------------------------------- */

static void ipv6_flags(const struct netlink_route *route, const struct netlink_nexthop *hop, char *flags)
{
	bool reject = is_reject(route->type) || route->type == RTN_BLACKHOLE;
	unsigned bits = 0;
	size_t n = 0;

	if (!reject)
		flags[n++] = 'U';
	if (reject)
		flags[n++] = '!';
	if (hop && hop->has_gateway)
		flags[n++] = 'G';
	if (route->protocol == RTPROT_RA)
		bits |= RTF6_ADDRCONF | (route->dst.len == 0 ? RTF6_DEFAULT : 0);
	if (route->has_cacheinfo && route->cache_expires_ticks)
		bits |= RTF6_EXPIRES;
	if (reject || route->type == RTN_LOCAL || route->type == RTN_ANYCAST)
		bits |= RTF6_NONEXTHOP;
	if (bits & RTF6_DEFAULT)
		flags[n++] = 'D';
	if (bits & RTF6_ADDRCONF)
		flags[n++] = 'A';
	if (bits & RTF6_EXPIRES)
		flags[n++] = 'e';
	if (bits & RTF6_NONEXTHOP)
		flags[n++] = 'n';
	flags[n] = '\0';
}

static void ipv6_addr_text(const void *bytes, bool numeric, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, bytes, text, sizeof(text));
	/* Without -n, net-tools writes the unspecified address as "[::]". */
	snprintf(buf, size, "%s", !numeric && strcmp(text, "::") == 0 ? "[::]" : text);
}

int route_ipv6_refs_parse(const char *text, struct route_ipv6_refs *refs)
{
	const char *line = text;

	refs->rows = NULL;
	refs->count = 0;
	/* "DST LEN SRC LEN NEXTHOP METRIC REF USE FLAGS DEV", hex but DEV. */
	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char dst[33], gateway[33], dev[16];
		unsigned dst_len, metric, ref, i;
		struct route_ipv6_ref *row, *grown;

		if (sscanf(line, "%32s %x %*s %*x %32s %x %x %*x %*x %15s", dst, &dst_len, gateway, &metric, &ref, dev) != 6 ||
		    strlen(dst) != 32 || strlen(gateway) != 32)
			continue;
		grown = realloc(refs->rows, (refs->count + 1) * sizeof(*grown));
		if (!grown) {
			route_ipv6_refs_free(refs);
			return -ENOMEM;
		}
		refs->rows = grown;
		row = &refs->rows[refs->count++];
		for (i = 0; i < 16; i++) {
			sscanf(dst + 2 * i, "%2hhx", &row->dst[i]);
			sscanf(gateway + 2 * i, "%2hhx", &row->gateway[i]);
		}
		row->dst_len = dst_len;
		row->metric = metric;
		row->ref = ref;
		snprintf(row->dev, sizeof(row->dev), "%s", dev);
	}
	return 0;
}

void route_ipv6_refs_free(struct route_ipv6_refs *refs)
{
	free(refs->rows);
	refs->rows = NULL;
	refs->count = 0;
}

/* The /proc row of this route and next hop: same destination, next hop,
 * metric and device. */
static const struct route_ipv6_ref *ipv6_ref_find(const struct route_ipv6_refs *refs,
						  const struct netlink_route *route, const uint8_t *gateway,
						  const char *dev)
{
	size_t i;

	for (i = 0; i < refs->count; i++) {
		const struct route_ipv6_ref *r = &refs->rows[i];

		if (r->dst_len == route->dst.len && r->metric == route->metric &&
		    memcmp(r->dst, route->dst.bytes, 16) == 0 && memcmp(r->gateway, gateway, 16) == 0 &&
		    strcmp(r->dev, strcmp(dev, "*") == 0 ? "lo" : dev) == 0)
			return r;
	}
	return NULL;
}

static void ipv6_ref_print(struct sonde_out *out, const struct netlink_route *route, const uint8_t *gateway,
			   const char *dev, const struct route_classic_opts *opts)
{
	const struct route_ipv6_ref *r = opts->ipv6_refs ? ipv6_ref_find(opts->ipv6_refs, route, gateway, dev) : NULL;

	if (r)
		out_print_uint(out, "ref", "%-1llu ", r->ref);
	else
		out_print_null(out, "ref", "%-1s ", "-");
}

static void ipv6_row(struct sonde_out *out, const struct netlink_route *route, const struct netlink_nexthop *hop,
		     const struct netlink_link *links, size_t link_count, const struct route_classic_opts *opts)
{
	static const uint8_t unspecified[16];
	char dst[INET6_ADDRSTRLEN + 8], gateway[INET6_ADDRSTRLEN + 4], flags[16];
	size_t used;

	ipv6_addr_text(route->dst.bytes, opts->numeric, dst, sizeof(dst));
	used = strlen(dst);
	snprintf(dst + used, sizeof(dst) - used, "/%u", route->dst.len);
	ipv6_addr_text(hop && hop->has_gateway ? (const void *)&hop->gateway.u.in6.sin6_addr : unspecified,
		       opts->numeric, gateway, sizeof(gateway));
	ipv6_flags(route, hop, flags);
	out_open_object(out, NULL);
	out_print_str(out, "destination", "%-30s ", dst);
	out_print_str(out, "gateway", "%-26s ", gateway);
	out_print_str(out, "flags", "%-4s ", flags);
	out_print_int(out, "metric", "%-3lld ", (int32_t)route->metric);
	ipv6_ref_print(out, route, hop && hop->has_gateway ? (const uint8_t *)&hop->gateway.u.in6.sin6_addr : unspecified,
		       device_name(links, link_count, hop ? hop->ifindex : 0), opts);
	out_print_uint(out, "use", "%6llu ", route->cache_used);
	out_print_str(out, "ifname", "%s\n", device_name(links, link_count, hop ? hop->ifindex : 0));
	out_close_object(out);
}

void route_classic_rows(struct sonde_out *out, const struct netlink_route *route,
			const struct netlink_link *links, size_t link_count, const struct route_classic_opts *opts)
{
	size_t i;

	if (route->family == AF_INET) {
		ipv4_row(out, route, links, link_count, opts);
		return;
	}
	if (route->nexthop_count == 0) {
		ipv6_row(out, route, NULL, links, link_count, opts);
		return;
	}
	for (i = 0; i < route->nexthop_count; i++)
		ipv6_row(out, route, &route->nexthops[i], links, link_count, opts);
}

struct show_state {
	struct sonde_out *out;
	const struct route_classic_opts *opts;
	struct netlink_link *links;
	size_t link_count;
};

static int show_route(const struct netlink_route *route, void *arg)
{
	struct show_state *st = arg;

	/* /proc/net/route shows the main table only; IPv6 shows all tables. */
	if (route->family == AF_INET && route->table != RT_TABLE_MAIN)
		return 0;
	route_classic_rows(st->out, route, st->links, st->link_count, st->opts);
	return 0;
}

int route_classic_show(struct sonde_out *out, int family, const struct route_classic_opts *opts)
{
	return route_classic_show_member(out, family, opts, NULL);
}

/* /proc/net/ipv6_route of the namespace sonde runs in; false when it cannot
 * be read (no /proc): Ref is then shown as "-". */
static bool ipv6_refs_load(struct route_ipv6_refs *refs)
{
	FILE *fp = fopen("/proc/net/ipv6_route", "re");
	char *text = NULL;
	size_t size = 0;
	bool loaded;

	if (!fp)
		return false;
	loaded = getdelim(&text, &size, '\0', fp) >= 0 && route_ipv6_refs_parse(text, refs) == 0;
	free(text);
	fclose(fp);
	return loaded;
}

int route_classic_show_member(struct sonde_out *out, int family, const struct route_classic_opts *opts,
			      const char *json_key)
{
	struct route_classic_opts with_refs = *opts;
	struct route_ipv6_refs refs = { NULL, 0 };
	struct show_state st = { out, &with_refs, NULL, 0 };
	int rc = netlink_dump_links(&st.links, &st.link_count);

	if (rc < 0)
		return rc;
	if (family == AF_INET6)
		with_refs.ipv6_refs = ipv6_refs_load(&refs) ? &refs : NULL;
	route_classic_header(out, family, opts);
	out_open_array(out, json_key);
	rc = netlink_walk_routes(family, show_route, &st);
	out_close_array(out);
	route_ipv6_refs_free(&refs);
	free(st.links);
	return rc;
}
