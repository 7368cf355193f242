/* rtnetlink snapshots: links, addresses and routes of the current network
 * namespace as small arrays of plain structs (libnl does the talking; none
 * of its types leak out of libcore/netlink.c).  An applet dumps what it
 * needs, filters and renders the arrays, and frees them with free().
 *
 * Every function returns 0 or -errno (-EPERM, -EAFNOSUPPORT when the kernel
 * has no netlink, -ENOMEM, -EIO for a malformed exchange). */
#ifndef SONDE_NETLINK_H
#define SONDE_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"

/* IFNAMSIZ, without net/if.h: it clashes with linux/if.h when both appear. */
#define NETLINK_IFNAME_LEN 16
#define NETLINK_KIND_LEN 32
#define NETLINK_MAC_LEN 32     /* hardware addresses up to InfiniBand's 20 bytes */
#define NETLINK_MAX_NEXTHOPS 8 /* multipath routes keep their first 8 hops */

struct netlink_link {
	int ifindex;
	char name[NETLINK_IFNAME_LEN];
	unsigned flags;                  /* IFF_UP, IFF_LOWER_UP, IFF_LOOPBACK... */
	uint8_t operstate;               /* IF_OPER_UP, IF_OPER_DOWN... (linux/if.h) */
	unsigned mtu;
	unsigned arptype;                /* ARPHRD_ETHER, ARPHRD_LOOPBACK... */
	uint8_t mac[NETLINK_MAC_LEN];
	size_t mac_len;                  /* 0 when the link has no hardware address */
	char kind[NETLINK_KIND_LEN];     /* "veth", "bridge", "vlan"...; "" for plain devices */
	int master_ifindex;              /* bridge or bond this link belongs to, or 0 */
	int parent_ifindex;              /* IFLA_LINK (veth peer, vlan parent), or 0 */
};

struct netlink_addr {
	int ifindex;
	int family;                      /* AF_INET or AF_INET6 */
	struct sonde_addr local;         /* the interface's own address, port 0 */
	unsigned prefix_len;
	uint8_t scope;                   /* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST */
	unsigned flags;                  /* IFA_F_TENTATIVE, IFA_F_DADFAILED, IFA_F_DEPRECATED... */
	char label[NETLINK_IFNAME_LEN];         /* IPv4 label ("eth0:1"), "" if none */
	bool has_peer;                   /* point-to-point: peer holds the other end */
	struct sonde_addr peer;
	uint32_t valid_lifetime_s;       /* UINT32_MAX: forever */
	uint32_t preferred_lifetime_s;
};

struct netlink_nexthop {
	int ifindex;                     /* output device, or 0 */
	bool has_gateway;
	struct sonde_addr gateway;       /* port 0 */
	unsigned flags;                  /* RTNH_F_ONLINK, RTNH_F_LINKDOWN, RTNH_F_DEAD... */
	unsigned weight;                 /* multipath weight (1 when not multipath) */
};

struct netlink_route {
	int family;                      /* AF_INET or AF_INET6 */
	uint32_t table;                  /* RT_TABLE_MAIN (254), RT_TABLE_LOCAL (255)... */
	uint8_t type;                    /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE... */
	uint8_t protocol;                /* RTPROT_KERNEL, RTPROT_BOOT, RTPROT_STATIC... */
	uint8_t scope;                   /* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST */
	struct sonde_prefix dst;         /* 0.0.0.0/0 or ::/0 for a default route */
	uint32_t metric;                 /* RTA_PRIORITY */
	bool has_prefsrc;
	struct sonde_addr prefsrc;       /* preferred source address */
	size_t nexthop_count;            /* entries used in nexthops[] */
	size_t nexthop_total;            /* hops the kernel reported (may exceed the array) */
	struct netlink_nexthop nexthops[NETLINK_MAX_NEXTHOPS];
};

/* Tables and families for netlink_dump_routes(). */
#define NETLINK_TABLE_ANY 0u

/* Every link, in ifindex order.  *links is malloc'ed (NULL when count is 0). */
int netlink_dump_links(struct netlink_link **links, size_t *count);
/* Addresses of family (AF_INET, AF_INET6 or AF_UNSPEC), by ifindex then
 * family, in the kernel's order within an interface. */
int netlink_dump_addrs(int family, struct netlink_addr **addrs, size_t *count);
/* Routes of family in table (NETLINK_TABLE_ANY for all tables). */
int netlink_dump_routes(int family, uint32_t table, struct netlink_route **routes, size_t *count);

/* Lookups in dumped arrays; NULL when absent. */
const struct netlink_link *netlink_link_by_index(const struct netlink_link *links, size_t count,
						  int ifindex);
const struct netlink_link *netlink_link_by_name(const struct netlink_link *links, size_t count,
						 const char *name);

/* Is the route a default route (prefix length 0) of a unicast type? */
bool netlink_route_is_default(const struct netlink_route *route);

/* Names as `ip` prints them: "UP", "LOWERLAYERDOWN", "UNKNOWN"... */
const char *netlink_operstate_name(uint8_t operstate);
/* "unicast", "local", "unreachable", "blackhole", "prohibit"..., or the number. */
const char *netlink_route_type_name(uint8_t type, char *buf, size_t size);
/* "host", "link", "global", or the number. */
const char *netlink_scope_name(uint8_t scope, char *buf, size_t size);
/* "kernel", "boot", "static", "dhcp", "ra"..., or the number. */
const char *netlink_protocol_name(uint8_t protocol, char *buf, size_t size);
/* "main", "local", "default", or the number. */
const char *netlink_table_name(uint32_t table, char *buf, size_t size);
/* "02:42:ac:11:00:02"; "" for an empty address. */
const char *netlink_mac_format(const uint8_t *mac, size_t len, char *buf, size_t size);
/* Link flags as `ip link` lists them: "UP,BROADCAST,RUNNING,MULTICAST,LOWER_UP". */
const char *netlink_link_flags_format(unsigned flags, char *buf, size_t size);

#endif
