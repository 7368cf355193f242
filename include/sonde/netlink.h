/* rtnetlink: links, addresses, routes, neighbours and policy rules of the
 * current network namespace, as plain structs.
 *
 * Three layers, each usable on its own:
 *  - parsing: netlink_parse_*() turn one received message (buffer, length)
 *    into a struct.  They trust nothing in the buffer (fuzzed).
 *  - walking: netlink_walk_*() run a dump and call back once per object,
 *    without keeping the dump in memory (100,000 routes stream through one
 *    struct).
 *  - snapshots: netlink_dump_*() collect a walk into a malloc'ed array that
 *    the caller frees with free().
 *
 * Every function returns 0 or -errno (-EPERM, -EAFNOSUPPORT when the kernel
 * has no netlink, -ENOMEM, -EIO for a malformed exchange, -EINVAL for a
 * message that does not parse). */
#ifndef SONDE_NETLINK_H
#define SONDE_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"

/* IFNAMSIZ, without net/if.h: it clashes with linux/if.h when both appear. */
#define NETLINK_IFNAME_LEN 16
#define NETLINK_KIND_LEN 32
#define NETLINK_MAC_LEN 32      /* hardware addresses up to InfiniBand's 20 bytes */
#define NETLINK_MAX_NEXTHOPS 16 /* multipath routes keep their first 16 hops */

/* The kernel's 64-bit interface counters (struct rtnl_link_stats64's first
 * 24 fields, same order). */
struct netlink_link_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint64_t multicast, collisions;
	uint64_t rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
	uint64_t rx_fifo_errors, rx_missed_errors;
	uint64_t tx_aborted_errors, tx_carrier_errors, tx_fifo_errors;
	uint64_t tx_heartbeat_errors, tx_window_errors;
	uint64_t rx_compressed, tx_compressed, rx_nohandler;
};

/* Kind-specific details (IFLA_INFO_DATA) for the kinds sonde renders. */
struct netlink_vxlan {
	uint32_t id;
	int group_family;                /* remote or multicast group, 0 if none */
	uint8_t group[16];
	bool group_is_multicast;
	int local_family;
	uint8_t local[16];
	int link_ifindex;                /* dev */
	uint16_t port_min, port_max;     /* source port range (host order) */
	uint16_t dst_port;               /* host order */
	uint8_t ttl, tos;
	bool ttl_inherit;
	bool has_df;
	uint8_t df;                      /* VXLAN_DF_UNSET, _SET, _INHERIT */
	uint32_t ageing_s;
	uint32_t limit;
	bool learning, proxy, rsc, l2miss, l3miss, collect_metadata;
	bool udp_csum, udp6_zero_csum_tx, udp6_zero_csum_rx;
	bool has_udp_csum, has_udp6_zero_csum_tx, has_udp6_zero_csum_rx;
	bool has_learning;
};

struct netlink_macvlan {
	uint32_t mode;                   /* MACVLAN_MODE_BRIDGE... */
	uint16_t flags;
	bool has_bc_queue_len, has_bc_queue_len_used;
	uint32_t bc_queue_len, bc_queue_len_used;
};

struct netlink_vlan {
	uint16_t id;
	uint16_t protocol;               /* host order: 0x8100, 0x88a8 */
	uint32_t flags;                  /* VLAN_FLAG_REORDER_HDR... */
};

struct netlink_bridge {
	uint8_t bridge_id_priority[2];   /* network order */
	uint8_t bridge_id_mac[6];
	uint8_t root_id_priority[2];
	uint8_t root_id_mac[6];
	uint32_t stp_state;              /* 0 off, 1 kernel STP, 2 user-space STP */
	uint32_t forward_delay, hello_time, max_age, ageing_time; /* centiseconds */
	uint16_t priority;
	uint8_t vlan_filtering;
	uint16_t root_port;
	uint32_t root_path_cost;
};

struct netlink_bridge_port {
	uint8_t state;                   /* BR_STATE_FORWARDING... */
	uint16_t priority;
	uint32_t cost;
};

struct netlink_link {
	int ifindex;
	char name[NETLINK_IFNAME_LEN];
	unsigned flags;                  /* IFF_UP, IFF_LOWER_UP, IFF_LOOPBACK... */
	uint8_t operstate;               /* IF_OPER_UP, IF_OPER_DOWN... (linux/if.h) */
	uint8_t linkmode;                /* IF_LINK_MODE_DEFAULT, _DORMANT */
	unsigned mtu;
	unsigned arptype;                /* ARPHRD_ETHER, ARPHRD_LOOPBACK... */
	uint8_t mac[NETLINK_MAC_LEN];
	size_t mac_len;                  /* 0 when the link has no hardware address */
	uint8_t broadcast[NETLINK_MAC_LEN];
	size_t broadcast_len;
	char kind[NETLINK_KIND_LEN];     /* "veth", "bridge", "vlan"...; "" for plain devices */
	char slave_kind[NETLINK_KIND_LEN]; /* "bridge" for a bridge port... */
	int master_ifindex;              /* bridge or bond this link belongs to, or 0 */
	int parent_ifindex;              /* IFLA_LINK (veth peer, vlan parent), or 0 */
	bool has_parent;                 /* IFLA_LINK was present (its value may be 0) */
	bool has_link_netnsid;
	int link_netnsid;                /* the peer's namespace, as this one numbers it */
	char qdisc[NETLINK_KIND_LEN];
	bool has_txqlen;
	unsigned txqlen;
	unsigned group;
	/* Details (ip -d). */
	unsigned promiscuity, allmulti, min_mtu, max_mtu;
	bool has_promiscuity, has_allmulti, has_min_mtu, has_max_mtu;
	unsigned num_tx_queues, num_rx_queues, gso_max_size, gso_max_segs;
	unsigned tso_max_size, tso_max_segs, gro_max_size;
	bool has_num_tx_queues, has_num_rx_queues, has_gso_max_size, has_gso_max_segs;
	bool has_tso_max_size, has_tso_max_segs, has_gro_max_size;
	int addrgenmode;                 /* IN6_ADDR_GEN_MODE_*, -1 when absent */
	bool has_stats;
	struct netlink_link_stats stats;
	bool has_carrier_changes;
	uint32_t carrier_changes;
	union {
		struct netlink_vxlan vxlan;
		struct netlink_macvlan macvlan;
		struct netlink_vlan vlan;
		struct netlink_bridge bridge;
	} info;                          /* by kind; valid when has_info */
	bool has_info;
	struct netlink_bridge_port port; /* valid when slave_kind is "bridge" and has_port */
	bool has_port;
};

struct netlink_addr {
	int ifindex;
	int family;                      /* AF_INET or AF_INET6 */
	struct sonde_addr local;         /* the interface's own address, port 0 */
	unsigned prefix_len;
	uint8_t scope;                   /* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST */
	unsigned flags;                  /* IFA_F_TENTATIVE, IFA_F_DADFAILED, IFA_F_DEPRECATED... */
	char label[NETLINK_IFNAME_LEN];  /* IPv4 label ("eth0:1"), "" if none */
	bool has_peer;                   /* point-to-point: peer holds the other end */
	struct sonde_addr peer;
	bool has_broadcast;
	struct sonde_addr broadcast;
	bool has_cacheinfo;
	uint32_t valid_lifetime_s;       /* UINT32_MAX: forever */
	uint32_t preferred_lifetime_s;
	bool has_metric;
	uint32_t metric;                 /* IFA_RT_PRIORITY */
};

struct netlink_nexthop {
	int ifindex;                     /* output device, or 0 */
	bool has_gateway;
	struct sonde_addr gateway;       /* port 0 */
	unsigned flags;                  /* RTNH_F_ONLINK, RTNH_F_LINKDOWN, RTNH_F_DEAD... */
	unsigned weight;                 /* multipath weight (1 when not multipath) */
};

/* RTAX_* metrics a route may carry (RTA_METRICS), indexed by RTAX_ number. */
#define NETLINK_RTAX_COUNT 18

struct netlink_route {
	int family;                      /* AF_INET or AF_INET6 */
	uint32_t table;                  /* RT_TABLE_MAIN (254), RT_TABLE_LOCAL (255)... */
	uint8_t type;                    /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE... */
	uint8_t protocol;                /* RTPROT_KERNEL, RTPROT_BOOT, RTPROT_STATIC... */
	uint8_t scope;                   /* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST */
	uint8_t tos;
	unsigned flags;                  /* rtm_flags: RTM_F_CLONED, RTNH_F_* ... */
	struct sonde_prefix dst;         /* 0.0.0.0/0 or ::/0 for a default route */
	bool has_dst;                    /* RTA_DST present (absent for default routes) */
	struct sonde_prefix src;         /* source prefix (IPv6 subtrees, route get) */
	bool has_src;                    /* a source prefix length or RTA_SRC */
	bool src_attr;                   /* RTA_SRC itself was present */
	bool has_metric;
	uint32_t metric;                 /* RTA_PRIORITY */
	bool has_prefsrc;
	struct sonde_addr prefsrc;       /* preferred source address */
	bool has_iif;
	int iif;
	bool has_mark;
	uint32_t mark;
	bool has_uid;
	uint32_t uid;
	bool has_pref;
	uint8_t pref;                    /* IPv6 router preference (ICMPV6_ROUTER_PREF_*) */
	bool has_cacheinfo;              /* RTA_CACHEINFO, times in USER_HZ clock ticks */
	int32_t cache_expires_ticks;
	uint32_t cache_error, cache_users, cache_used, cache_lastuse_ticks;
	uint32_t nhid;                   /* RTA_NH_ID, 0 if none */
	bool multipath;                  /* the hops came from RTA_MULTIPATH */
	uint32_t metrics[NETLINK_RTAX_COUNT];
	uint32_t metrics_present;        /* bit n set: metrics[n] holds RTAX n */
	size_t nexthop_count;            /* entries used in nexthops[] */
	size_t nexthop_total;            /* hops the kernel reported (may exceed the array) */
	struct netlink_nexthop nexthops[NETLINK_MAX_NEXTHOPS];
};

struct netlink_neigh {
	int family;                      /* AF_INET, AF_INET6 (AF_BRIDGE entries are skipped) */
	int ifindex;
	struct sonde_addr dst;
	uint8_t lladdr[NETLINK_MAC_LEN];
	size_t lladdr_len;               /* 0 when the entry has no link-layer address */
	uint16_t state;                  /* NUD_REACHABLE, NUD_STALE... */
	uint8_t flags;                   /* NTF_ROUTER, NTF_PROXY... */
	uint8_t type;
	bool has_probes;
	uint32_t probes;
	bool has_cacheinfo;
	uint32_t used_ms, confirmed_ms, updated_ms, refcnt;
	bool has_protocol;
	uint8_t protocol;
};

struct netlink_rule {
	int family;
	uint32_t priority;
	bool has_priority;
	uint8_t action;                  /* FR_ACT_TO_TBL, FR_ACT_GOTO, FR_ACT_BLACKHOLE... */
	uint32_t flags;                  /* FIB_RULE_INVERT... */
	uint8_t tos;
	struct sonde_prefix src, dst;    /* len 0 when absent ("all") */
	bool has_src, has_dst;
	uint32_t table;
	bool has_fwmark, has_fwmask;
	uint32_t fwmark, fwmask;
	char iif[NETLINK_IFNAME_LEN];
	char oif[NETLINK_IFNAME_LEN];
	bool has_uidrange;
	uint32_t uid_start, uid_end;
	bool has_suppress_prefixlen, has_suppress_ifgroup;
	int32_t suppress_prefixlen;
	uint32_t suppress_ifgroup;
	bool has_goto;
	uint32_t goto_target;
	bool has_l3mdev;
	uint8_t l3mdev;
	bool has_protocol;
	uint8_t protocol;
	bool has_ip_proto;
	uint8_t ip_proto;
	bool has_sport, has_dport;
	uint16_t sport_start, sport_end, dport_start, dport_end;
	bool has_flow;
	uint32_t flow;
};

/* --- parsing ----------------------------------------------------------- */

/* One netlink message (header included) of the matching type
 * (RTM_NEWLINK...).  Return 0, -EINVAL when malformed, -ENOMSG when the
 * message is another type or a family sonde does not render. */
int netlink_parse_link(const void *msg, size_t len, struct netlink_link *link);
int netlink_parse_addr(const void *msg, size_t len, struct netlink_addr *addr);
int netlink_parse_route(const void *msg, size_t len, struct netlink_route *route);
int netlink_parse_neigh(const void *msg, size_t len, struct netlink_neigh *neigh);
int netlink_parse_rule(const void *msg, size_t len, struct netlink_rule *rule);

/* --- walking ----------------------------------------------------------- */

/* Callbacks return 0 to go on, or a negative -errno to stop the walk (the
 * walk then returns it). */
typedef int (*netlink_link_fn)(const struct netlink_link *link, void *arg);
typedef int (*netlink_addr_fn)(const struct netlink_addr *addr, void *arg);
typedef int (*netlink_route_fn)(const struct netlink_route *route, void *arg);
typedef int (*netlink_neigh_fn)(const struct netlink_neigh *neigh, void *arg);
typedef int (*netlink_rule_fn)(const struct netlink_rule *rule, void *arg);

/* family is AF_INET, AF_INET6 or AF_UNSPEC (both) everywhere. */
int netlink_walk_links(netlink_link_fn fn, void *arg);
int netlink_walk_addrs(int family, netlink_addr_fn fn, void *arg);
int netlink_walk_routes(int family, netlink_route_fn fn, void *arg);
int netlink_walk_neighs(int family, netlink_neigh_fn fn, void *arg);
int netlink_walk_rules(int family, netlink_rule_fn fn, void *arg);

/* --- snapshots --------------------------------------------------------- */

/* Tables and families for netlink_dump_routes(). */
#define NETLINK_TABLE_ANY 0u

/* Every link, in ifindex order.  *links is malloc'ed (NULL when count is 0). */
int netlink_dump_links(struct netlink_link **links, size_t *count);
/* Addresses of family, by ifindex then family (IPv4 first), in the
 * kernel's order within an interface. */
int netlink_dump_addrs(int family, struct netlink_addr **addrs, size_t *count);
/* Routes of family in table (NETLINK_TABLE_ANY for all tables), in the
 * kernel's order.  Cached clones are left out. */
int netlink_dump_routes(int family, uint32_t table, struct netlink_route **routes, size_t *count);
/* Neighbour entries in the kernel's order. */
int netlink_dump_neighs(int family, struct netlink_neigh **neighs, size_t *count);
/* Policy rules in priority order. */
int netlink_dump_rules(int family, struct netlink_rule **rules, size_t *count);

/* --- single requests --------------------------------------------------- */

struct netlink_route_query {
	struct sonde_addr dst;           /* required */
	bool has_src;
	struct sonde_addr src;
	int iif, oif;                    /* ifindex, 0 for none */
	bool has_mark;
	uint32_t mark;
	bool has_uid;
	uint32_t uid;
	bool fib_match;                  /* the FIB entry rather than the resolved result */
};

/* The kernel's route lookup (RTM_GETROUTE for one address), as `ip route
 * get` asks it.  -ENETUNREACH, -EHOSTUNREACH, -EINVAL... as the kernel says. */
int netlink_route_get(const struct netlink_route_query *query, struct netlink_route *route);

/* The name of the namespace (a file in /run/netns) that this namespace
 * numbers nsid, into name; -ENOENT when none matches. */
int netlink_nsid_name(int nsid, char *name, size_t size);

/* --- lookups and names ------------------------------------------------- */

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
/* "kernel", "boot", "static", "dhcp", "ra"..., or the number.  Names from
 * /etc/iproute2/rt_protos (and rt_protos.d) when present, as iproute2. */
const char *netlink_protocol_name(uint8_t protocol, char *buf, size_t size);
/* "main", "local", "default", or the number; /etc/iproute2/rt_tables too. */
const char *netlink_table_name(uint32_t table, char *buf, size_t size);
/* A table's number from its name or number; -EINVAL when unknown. */
int netlink_table_parse(const char *text, uint32_t *table);
/* A protocol's number from its name or number; -EINVAL when unknown. */
int netlink_protocol_parse(const char *text, uint8_t *protocol);
/* "default" or the group's name from /etc/iproute2/group, or the number. */
const char *netlink_group_name(uint32_t group, char *buf, size_t size);
/* A route realm's name from /etc/iproute2/rt_realms, or NULL. */
const char *netlink_realm_name(uint32_t realm);
/* "02:42:ac:11:00:02"; "" for an empty address. */
const char *netlink_mac_format(const uint8_t *mac, size_t len, char *buf, size_t size);
/* Link flags as `ip link` lists them: "UP,BROADCAST,RUNNING,MULTICAST,LOWER_UP". */
const char *netlink_link_flags_format(unsigned flags, char *buf, size_t size);
/* "ether", "loopback", "none"... as in `ip link`'s "link/ether". */
const char *netlink_link_type_name(unsigned arptype, char *buf, size_t size);
/* Neighbour states: "REACHABLE", "STALE"... for one NUD_* bit. */
const char *netlink_neigh_state_name(unsigned state_bit);
/* "forwarding", "blocking"... for a bridge port state. */
const char *netlink_bridge_port_state_name(uint8_t state);

#endif
