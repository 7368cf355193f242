/* The net-tools routing table views (`route -n`, `netstat -rn`), rendered
 * from rtnetlink routes rather than /proc text: the same columns, flags and
 * padding, in text or JSON through one call per row.
 *
 * IPv4 shows the main table (as /proc/net/route does), IPv6 every table
 * with one row per next hop (as /proc/net/ipv6_route does). */
#ifndef SONDE_ROUTE_CLASSIC_H
#define SONDE_ROUTE_CLASSIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/netlink.h"
#include "sonde/out.h"

enum route_classic_style {
	ROUTE_CLASSIC_ROUTE,   /* route -n: Flags Metric Ref Use Iface */
	ROUTE_CLASSIC_NETSTAT, /* netstat -rn, route -e: Flags MSS Window irtt Iface */
	ROUTE_CLASSIC_WIDE,    /* netstat -rnee, route -ee: both, Iface before MSS */
};

/* The Ref column of `route -6` is the kernel's count of users of each IPv6
 * route (fib6_ref), which only /proc/net/ipv6_route shows: rtnetlink's
 * cacheinfo reports 0 for every route of a table dump.  It is read from
 * there and matched to the netlink rows. */
struct route_ipv6_ref {
	uint8_t dst[16], gateway[16];
	unsigned dst_len;
	uint32_t metric, ref;
	char dev[16];          /* IFNAMSIZ */
};
struct route_ipv6_refs {
	struct route_ipv6_ref *rows;
	size_t count;
};
/* The rows of /proc/net/ipv6_route's text.  Returns 0 or -ENOMEM. */
int route_ipv6_refs_parse(const char *text, struct route_ipv6_refs *refs);
void route_ipv6_refs_free(struct route_ipv6_refs *refs);

struct route_classic_opts {
	enum route_classic_style style;
	bool numeric;          /* -n: no "default", IPv6 "::" rather than "[::]" */
	/* IPv6 Ref; NULL when /proc/net/ipv6_route could not be read: Ref is
	 * then "-" (JSON null), never a made-up 0. */
	const struct route_ipv6_refs *ipv6_refs;
};

/* "Kernel IP routing table" and the column line (text only). */
void route_classic_header(struct sonde_out *out, int family, const struct route_classic_opts *opts);
/* The rows of one route (IPv6 multipath: one row per hop).  links (sorted
 * by ifindex, as netlink_dump_links gives them) name the devices. */
void route_classic_rows(struct sonde_out *out, const struct netlink_route *route,
			const struct netlink_link *links, size_t link_count, const struct route_classic_opts *opts);
/* The whole view of family (AF_INET or AF_INET6): dumps links and routes,
 * prints the header and the rows (JSON: an array of row objects).
 * Returns 0 or -errno from netlink. */
int route_classic_show(struct sonde_out *out, int family, const struct route_classic_opts *opts);
/* The same with the JSON array as member json_key of the caller's open
 * object (netstat's {"routes":[...]}). */
int route_classic_show_member(struct sonde_out *out, int family, const struct route_classic_opts *opts,
			      const char *json_key);

#endif
