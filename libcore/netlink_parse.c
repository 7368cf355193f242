/* Parsing of received rtnetlink messages into sonde's plain structs.  Every
 * function takes one message as (buffer, length) and trusts nothing in it:
 * lengths are checked before each read and values are copied out with
 * memcpy (attributes are only 4-byte aligned). */
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink_impl.h"
#include "sonde/netlink.h"

/* An address attribute of family into a sonde_addr (port 0). */
static bool attr_addr(const struct nlattr_ref *a, int family, struct sonde_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (family == AF_INET && a->present && a->len >= 4) {
		addr->u.in4.sin_family = AF_INET;
		memcpy(&addr->u.in4.sin_addr, a->data, 4);
		addr->len = sizeof(addr->u.in4);
		return true;
	}
	if (family == AF_INET6 && a->present && a->len >= 16) {
		addr->u.in6.sin6_family = AF_INET6;
		memcpy(&addr->u.in6.sin6_addr, a->data, 16);
		addr->len = sizeof(addr->u.in6);
		return true;
	}
	return false;
}

static size_t family_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* A prefix from an address attribute (absent: the zero prefix) and a length. */
static void prefix_from_attr(const struct nlattr_ref *attr, int family, unsigned len, struct sonde_prefix *prefix)
{
	size_t bytes = family_addr_len(family);

	memset(prefix, 0, sizeof(*prefix));
	prefix->family = family;
	prefix->len = len > bytes * 8 ? (unsigned)(bytes * 8) : len;
	if (attr->present && attr->len >= bytes)
		memcpy(prefix->bytes, attr->data, bytes);
}

static bool mac_from_attr(const struct nlattr_ref *attr, uint8_t *mac, size_t *mac_len)
{
	size_t len;

	*mac_len = 0;
	if (!attr->present)
		return false;
	len = attr->len;
	if (len > NETLINK_MAC_LEN)
		len = NETLINK_MAC_LEN;
	memcpy(mac, attr->data, len);
	*mac_len = len;
	return true;
}

/* The message's family header and attributes, once lengths are checked. */
const void *nlraw_msg_body(const void *msg, size_t len, uint16_t type, size_t header_size, const void **attrs,
			size_t *attrs_len)
{
	const struct nlmsghdr *nlh = msg;
	size_t msg_len;

	if (len < sizeof(*nlh))
		return NULL;
	msg_len = nlh->nlmsg_len;
	if (msg_len > len || msg_len < NLMSG_LENGTH(header_size) || nlh->nlmsg_type != type)
		return NULL;
	*attrs = (const uint8_t *)msg + NLMSG_SPACE(header_size);
	*attrs_len = msg_len > NLMSG_SPACE(header_size) ? msg_len - NLMSG_SPACE(header_size) : 0;
	return (const uint8_t *)msg + NLMSG_HDRLEN;
}

/* --- links ------------------------------------------------------------ */

static void vxlan_parse(const void *data, size_t len, struct netlink_vxlan *vx)
{
	struct nlattr_ref tb[IFLA_VXLAN_MAX + 1];
	uint32_t u32;
	uint8_t u8;
	uint16_t u16;

	nlattr_parse(data, len, tb, IFLA_VXLAN_MAX);
	nlattr_u32(&tb[IFLA_VXLAN_ID], &vx->id);
	if (tb[IFLA_VXLAN_GROUP].present && tb[IFLA_VXLAN_GROUP].len >= 4) {
		vx->group_family = AF_INET;
		memcpy(vx->group, tb[IFLA_VXLAN_GROUP].data, 4);
		vx->group_is_multicast = (vx->group[0] & 0xf0) == 0xe0;
	} else if (tb[IFLA_VXLAN_GROUP6].present && tb[IFLA_VXLAN_GROUP6].len >= 16) {
		vx->group_family = AF_INET6;
		memcpy(vx->group, tb[IFLA_VXLAN_GROUP6].data, 16);
		vx->group_is_multicast = vx->group[0] == 0xff;
	}
	if (tb[IFLA_VXLAN_LOCAL].present && tb[IFLA_VXLAN_LOCAL].len >= 4) {
		vx->local_family = AF_INET;
		memcpy(vx->local, tb[IFLA_VXLAN_LOCAL].data, 4);
	} else if (tb[IFLA_VXLAN_LOCAL6].present && tb[IFLA_VXLAN_LOCAL6].len >= 16) {
		vx->local_family = AF_INET6;
		memcpy(vx->local, tb[IFLA_VXLAN_LOCAL6].data, 16);
	}
	if (nlattr_u32(&tb[IFLA_VXLAN_LINK], &u32))
		vx->link_ifindex = (int)u32;
	if (tb[IFLA_VXLAN_PORT_RANGE].present && tb[IFLA_VXLAN_PORT_RANGE].len >= 4) {
		const uint8_t *range = tb[IFLA_VXLAN_PORT_RANGE].data;

		vx->port_min = (uint16_t)(range[0] << 8 | range[1]);
		vx->port_max = (uint16_t)(range[2] << 8 | range[3]);
	}
	if (nlattr_u16(&tb[IFLA_VXLAN_PORT], &u16))
		vx->dst_port = (uint16_t)((u16 >> 8) | (u16 << 8)); /* network order on the wire */
	nlattr_u8(&tb[IFLA_VXLAN_TTL], &vx->ttl);
	nlattr_u8(&tb[IFLA_VXLAN_TOS], &vx->tos);
	vx->ttl_inherit = nlattr_u8(&tb[IFLA_VXLAN_TTL_INHERIT], &u8) && u8;
	if ((vx->has_df = nlattr_u8(&tb[IFLA_VXLAN_DF], &u8)))
		vx->df = u8;
	nlattr_u32(&tb[IFLA_VXLAN_AGEING], &vx->ageing_s);
	nlattr_u32(&tb[IFLA_VXLAN_LIMIT], &vx->limit);
	if (nlattr_u8(&tb[IFLA_VXLAN_LEARNING], &u8)) {
		vx->has_learning = true;
		vx->learning = u8;
	}
	vx->proxy = nlattr_u8(&tb[IFLA_VXLAN_PROXY], &u8) && u8;
	vx->rsc = nlattr_u8(&tb[IFLA_VXLAN_RSC], &u8) && u8;
	vx->l2miss = nlattr_u8(&tb[IFLA_VXLAN_L2MISS], &u8) && u8;
	vx->l3miss = nlattr_u8(&tb[IFLA_VXLAN_L3MISS], &u8) && u8;
	vx->collect_metadata = nlattr_u8(&tb[IFLA_VXLAN_COLLECT_METADATA], &u8) && u8;
	if ((vx->has_udp_csum = nlattr_u8(&tb[IFLA_VXLAN_UDP_CSUM], &u8)))
		vx->udp_csum = u8;
	if ((vx->has_udp6_zero_csum_tx = nlattr_u8(&tb[IFLA_VXLAN_UDP_ZERO_CSUM6_TX], &u8)))
		vx->udp6_zero_csum_tx = u8;
	if ((vx->has_udp6_zero_csum_rx = nlattr_u8(&tb[IFLA_VXLAN_UDP_ZERO_CSUM6_RX], &u8)))
		vx->udp6_zero_csum_rx = u8;
}

static void macvlan_parse(const void *data, size_t len, struct netlink_macvlan *mv)
{
	struct nlattr_ref tb[IFLA_MACVLAN_MAX + 1];

	nlattr_parse(data, len, tb, IFLA_MACVLAN_MAX);
	nlattr_u32(&tb[IFLA_MACVLAN_MODE], &mv->mode);
	nlattr_u16(&tb[IFLA_MACVLAN_FLAGS], &mv->flags);
	mv->has_bc_queue_len = nlattr_u32(&tb[IFLA_MACVLAN_BC_QUEUE_LEN], &mv->bc_queue_len);
	mv->has_bc_queue_len_used = nlattr_u32(&tb[IFLA_MACVLAN_BC_QUEUE_LEN_USED], &mv->bc_queue_len_used);
}

static void vlan_parse(const void *data, size_t len, struct netlink_vlan *vlan)
{
	struct nlattr_ref tb[IFLA_VLAN_MAX + 1];
	uint16_t proto;

	nlattr_parse(data, len, tb, IFLA_VLAN_MAX);
	nlattr_u16(&tb[IFLA_VLAN_ID], &vlan->id);
	if (nlattr_u16(&tb[IFLA_VLAN_PROTOCOL], &proto))
		vlan->protocol = (uint16_t)((proto >> 8) | (proto << 8));
	if (tb[IFLA_VLAN_FLAGS].present && tb[IFLA_VLAN_FLAGS].len >= sizeof(struct ifla_vlan_flags)) {
		struct ifla_vlan_flags flags;

		memcpy(&flags, tb[IFLA_VLAN_FLAGS].data, sizeof(flags));
		vlan->flags = flags.flags;
	}
}

static void bridge_id_copy(const struct nlattr_ref *attr, uint8_t priority[2], uint8_t mac[6])
{
	if (attr->present && attr->len >= 8) {
		memcpy(priority, attr->data, 2);
		memcpy(mac, attr->data + 2, 6);
	}
}

static void bridge_parse(const void *data, size_t len, struct netlink_bridge *br)
{
	struct nlattr_ref tb[IFLA_BR_MAX + 1];

	nlattr_parse(data, len, tb, IFLA_BR_MAX);
	bridge_id_copy(&tb[IFLA_BR_BRIDGE_ID], br->bridge_id_priority, br->bridge_id_mac);
	bridge_id_copy(&tb[IFLA_BR_ROOT_ID], br->root_id_priority, br->root_id_mac);
	nlattr_u32(&tb[IFLA_BR_STP_STATE], &br->stp_state);
	nlattr_u32(&tb[IFLA_BR_FORWARD_DELAY], &br->forward_delay);
	nlattr_u32(&tb[IFLA_BR_HELLO_TIME], &br->hello_time);
	nlattr_u32(&tb[IFLA_BR_MAX_AGE], &br->max_age);
	nlattr_u32(&tb[IFLA_BR_AGEING_TIME], &br->ageing_time);
	nlattr_u16(&tb[IFLA_BR_PRIORITY], &br->priority);
	nlattr_u8(&tb[IFLA_BR_VLAN_FILTERING], &br->vlan_filtering);
	nlattr_u16(&tb[IFLA_BR_ROOT_PORT], &br->root_port);
	nlattr_u32(&tb[IFLA_BR_ROOT_PATH_COST], &br->root_path_cost);
}

static void bridge_port_parse(const void *data, size_t len, struct netlink_bridge_port *port)
{
	struct nlattr_ref tb[IFLA_BRPORT_MAX + 1];

	nlattr_parse(data, len, tb, IFLA_BRPORT_MAX);
	nlattr_u8(&tb[IFLA_BRPORT_STATE], &port->state);
	nlattr_u16(&tb[IFLA_BRPORT_PRIORITY], &port->priority);
	nlattr_u32(&tb[IFLA_BRPORT_COST], &port->cost);
}

static void linkinfo_parse(const struct nlattr_ref *attr, struct netlink_link *link)
{
	struct nlattr_ref tb[IFLA_INFO_MAX + 1];
	const struct nlattr_ref *data, *slave_data;

	nlattr_parse(attr->data, attr->len, tb, IFLA_INFO_MAX);
	nlattr_str(&tb[IFLA_INFO_KIND], link->kind, sizeof(link->kind));
	nlattr_str(&tb[IFLA_INFO_SLAVE_KIND], link->slave_kind, sizeof(link->slave_kind));
	data = &tb[IFLA_INFO_DATA];
	if (data->present) {
		link->has_info = true;
		if (strcmp(link->kind, "vxlan") == 0)
			vxlan_parse(data->data, data->len, &link->info.vxlan);
		else if (strcmp(link->kind, "macvlan") == 0 || strcmp(link->kind, "macvtap") == 0)
			macvlan_parse(data->data, data->len, &link->info.macvlan);
		else if (strcmp(link->kind, "vlan") == 0)
			vlan_parse(data->data, data->len, &link->info.vlan);
		else if (strcmp(link->kind, "bridge") == 0)
			bridge_parse(data->data, data->len, &link->info.bridge);
		else
			link->has_info = false;
	}
	slave_data = &tb[IFLA_INFO_SLAVE_DATA];
	if (slave_data->present && strcmp(link->slave_kind, "bridge") == 0) {
		link->has_port = true;
		bridge_port_parse(slave_data->data, slave_data->len, &link->port);
	}
}

/* IFLA_AF_SPEC → AF_INET6 → IFLA_INET6_ADDR_GEN_MODE. */
static void addrgenmode_parse(const struct nlattr_ref *af_spec, struct netlink_link *link)
{
	struct nlattr_ref families[AF_INET6 + 1], inet6[IFLA_INET6_MAX + 1];
	uint8_t mode;

	if (!af_spec->present)
		return;
	nlattr_parse(af_spec->data, af_spec->len, families, AF_INET6);
	if (!families[AF_INET6].present)
		return;
	nlattr_parse(families[AF_INET6].data, families[AF_INET6].len, inet6, IFLA_INET6_MAX);
	if (nlattr_u8(&inet6[IFLA_INET6_ADDR_GEN_MODE], &mode))
		link->addrgenmode = mode;
}

static void link_stats_parse(const struct nlattr_ref tb[], struct netlink_link *link)
{
	if (tb[IFLA_STATS64].present) {
		size_t len = tb[IFLA_STATS64].len;

		if (len > sizeof(link->stats))
			len = sizeof(link->stats);
		memcpy(&link->stats, tb[IFLA_STATS64].data, len);
		link->has_stats = true;
	} else if (tb[IFLA_STATS].present) {
		/* Old kernels: the same fields as 32-bit counters. */
		uint32_t counters[24] = { 0 };
		uint64_t *wide = &link->stats.rx_packets;
		size_t len = tb[IFLA_STATS].len, i;

		if (len > sizeof(counters))
			len = sizeof(counters);
		memcpy(counters, tb[IFLA_STATS].data, len);
		for (i = 0; i < 24; i++)
			wide[i] = counters[i];
		link->has_stats = true;
	}
	link->has_carrier_changes = nlattr_u32(&tb[IFLA_CARRIER_CHANGES], &link->carrier_changes);
}

static void link_details_parse(const struct nlattr_ref tb[], struct netlink_link *link)
{
	link->has_promiscuity = nlattr_u32(&tb[IFLA_PROMISCUITY], &link->promiscuity);
	link->has_allmulti = nlattr_u32(&tb[IFLA_ALLMULTI], &link->allmulti);
	link->has_min_mtu = nlattr_u32(&tb[IFLA_MIN_MTU], &link->min_mtu);
	link->has_max_mtu = nlattr_u32(&tb[IFLA_MAX_MTU], &link->max_mtu);
	link->has_num_tx_queues = nlattr_u32(&tb[IFLA_NUM_TX_QUEUES], &link->num_tx_queues);
	link->has_num_rx_queues = nlattr_u32(&tb[IFLA_NUM_RX_QUEUES], &link->num_rx_queues);
	link->has_gso_max_size = nlattr_u32(&tb[IFLA_GSO_MAX_SIZE], &link->gso_max_size);
	link->has_gso_max_segs = nlattr_u32(&tb[IFLA_GSO_MAX_SEGS], &link->gso_max_segs);
	link->has_tso_max_size = nlattr_u32(&tb[IFLA_TSO_MAX_SIZE], &link->tso_max_size);
	link->has_tso_max_segs = nlattr_u32(&tb[IFLA_TSO_MAX_SEGS], &link->tso_max_segs);
	link->has_gro_max_size = nlattr_u32(&tb[IFLA_GRO_MAX_SIZE], &link->gro_max_size);
}

int netlink_parse_link(const void *msg, size_t len, struct netlink_link *link)
{
	struct nlattr_ref tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	const void *attrs;
	size_t attrs_len;
	uint32_t u32;

	memset(link, 0, sizeof(*link));
	ifi = nlraw_msg_body(msg, len, RTM_NEWLINK, sizeof(*ifi), &attrs, &attrs_len);
	if (!ifi)
		return -ENOMSG;
	nlattr_parse(attrs, attrs_len, tb, IFLA_MAX);
	if (!tb[IFLA_IFNAME].present)
		return -EINVAL;
	link->ifindex = ifi->ifi_index;
	link->flags = ifi->ifi_flags;
	link->arptype = ifi->ifi_type;
	link->addrgenmode = -1;
	nlattr_str(&tb[IFLA_IFNAME], link->name, sizeof(link->name));
	nlattr_u8(&tb[IFLA_OPERSTATE], &link->operstate);
	nlattr_u8(&tb[IFLA_LINKMODE], &link->linkmode);
	nlattr_u32(&tb[IFLA_MTU], &link->mtu);
	mac_from_attr(&tb[IFLA_ADDRESS], link->mac, &link->mac_len);
	mac_from_attr(&tb[IFLA_BROADCAST], link->broadcast, &link->broadcast_len);
	if (nlattr_u32(&tb[IFLA_MASTER], &u32))
		link->master_ifindex = (int)u32;
	if ((link->has_parent = nlattr_u32(&tb[IFLA_LINK], &u32)))
		link->parent_ifindex = (int)u32;
	if ((link->has_link_netnsid = nlattr_u32(&tb[IFLA_LINK_NETNSID], &u32)))
		link->link_netnsid = (int)u32;
	nlattr_str(&tb[IFLA_QDISC], link->qdisc, sizeof(link->qdisc));
	link->has_txqlen = nlattr_u32(&tb[IFLA_TXQLEN], &link->txqlen);
	nlattr_u32(&tb[IFLA_GROUP], &link->group);
	link_details_parse(tb, link);
	link_stats_parse(tb, link);
	addrgenmode_parse(&tb[IFLA_AF_SPEC], link);
	if (tb[IFLA_LINKINFO].present)
		linkinfo_parse(&tb[IFLA_LINKINFO], link);
	return 0;
}

/* --- addresses -------------------------------------------------------- */

int netlink_parse_addr(const void *msg, size_t len, struct netlink_addr *addr)
{
	struct nlattr_ref tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	const struct nlattr_ref *local, *address;
	const void *attrs;
	size_t attrs_len;
	uint32_t flags;

	memset(addr, 0, sizeof(*addr));
	ifa = nlraw_msg_body(msg, len, RTM_NEWADDR, sizeof(*ifa), &attrs, &attrs_len);
	if (!ifa)
		return -ENOMSG;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -ENOMSG;
	nlattr_parse(attrs, attrs_len, tb, IFA_MAX);
	addr->family = ifa->ifa_family;
	addr->ifindex = (int)ifa->ifa_index;
	addr->prefix_len = ifa->ifa_prefixlen;
	addr->scope = ifa->ifa_scope;
	addr->flags = nlattr_u32(&tb[IFA_FLAGS], &flags) ? flags : ifa->ifa_flags;
	/* IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on
	 * point-to-point links and the same address otherwise. */
	local = tb[IFA_LOCAL].present ? &tb[IFA_LOCAL] : &tb[IFA_ADDRESS];
	address = &tb[IFA_ADDRESS];
	if (!attr_addr(local, addr->family, &addr->local))
		return -EINVAL;
	if (tb[IFA_LOCAL].present && attr_addr(address, addr->family, &addr->peer) &&
	    !addr_equal(&addr->peer, &addr->local))
		addr->has_peer = true;
	else
		memset(&addr->peer, 0, sizeof(addr->peer));
	addr->has_broadcast = attr_addr(&tb[IFA_BROADCAST], addr->family, &addr->broadcast);
	nlattr_str(&tb[IFA_LABEL], addr->label, sizeof(addr->label));
	if (tb[IFA_CACHEINFO].present && tb[IFA_CACHEINFO].len >= sizeof(struct ifa_cacheinfo)) {
		struct ifa_cacheinfo ci;

		memcpy(&ci, tb[IFA_CACHEINFO].data, sizeof(ci));
		addr->has_cacheinfo = true;
		addr->valid_lifetime_s = ci.ifa_valid;
		addr->preferred_lifetime_s = ci.ifa_prefered;
	} else {
		addr->valid_lifetime_s = UINT32_MAX;
		addr->preferred_lifetime_s = UINT32_MAX;
	}
	addr->has_metric = nlattr_u32(&tb[IFA_RT_PRIORITY], &addr->metric);
	return 0;
}

/* --- routes ----------------------------------------------------------- */

static void nexthop_from_attrs(const struct nlattr_ref tb[], int family, struct netlink_nexthop *hop)
{
	uint32_t oif;

	if (nlattr_u32(&tb[RTA_OIF], &oif))
		hop->ifindex = (int)oif;
	hop->has_gateway = attr_addr(&tb[RTA_GATEWAY], family, &hop->gateway);
	if (!hop->has_gateway && tb[RTA_VIA].present && tb[RTA_VIA].len >= 2) {
		/* RTA_VIA: an IPv6 gateway for an IPv4 route (struct rtvia). */
		const uint8_t *via = tb[RTA_VIA].data;
		uint16_t via_family;

		memcpy(&via_family, via, 2);
		if (via_family == AF_INET6 && tb[RTA_VIA].len >= 18) {
			hop->gateway.u.in6.sin6_family = AF_INET6;
			memcpy(&hop->gateway.u.in6.sin6_addr, via + 2, 16);
			hop->gateway.len = sizeof(hop->gateway.u.in6);
			hop->has_gateway = true;
		} else if (via_family == AF_INET && tb[RTA_VIA].len >= 6) {
			hop->gateway.u.in4.sin_family = AF_INET;
			memcpy(&hop->gateway.u.in4.sin_addr, via + 2, 4);
			hop->gateway.len = sizeof(hop->gateway.u.in4);
			hop->has_gateway = true;
		}
	}
}

static void multipath_parse(const struct nlattr_ref *attr, struct netlink_route *route)
{
	const uint8_t *p = attr->data;
	size_t left = attr->len;

	route->multipath = true;
	while (left >= sizeof(struct rtnexthop)) {
		struct rtnexthop rtnh;
		size_t step;

		memcpy(&rtnh, p, sizeof(rtnh));
		if (rtnh.rtnh_len < sizeof(rtnh) || rtnh.rtnh_len > left)
			break;
		route->nexthop_total++;
		if (route->nexthop_count < NETLINK_MAX_NEXTHOPS) {
			struct netlink_nexthop *hop = &route->nexthops[route->nexthop_count++];
			struct nlattr_ref tb[RTA_MAX + 1];

			memset(hop, 0, sizeof(*hop));
			nlattr_parse(p + sizeof(rtnh), rtnh.rtnh_len - sizeof(rtnh), tb, RTA_MAX);
			nexthop_from_attrs(tb, route->family, hop);
			hop->ifindex = rtnh.rtnh_ifindex;
			hop->flags = rtnh.rtnh_flags;
			hop->weight = (unsigned)rtnh.rtnh_hops + 1;
		}
		step = RTNH_ALIGN(rtnh.rtnh_len);
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
}

static void metrics_parse(const struct nlattr_ref *attr, struct netlink_route *route)
{
	struct nlattr_ref tb[NETLINK_RTAX_COUNT];
	unsigned i;

	nlattr_parse(attr->data, attr->len, tb, NETLINK_RTAX_COUNT - 1);
	for (i = 1; i < NETLINK_RTAX_COUNT; i++)
		if (i != RTAX_CC_ALGO && nlattr_u32(&tb[i], &route->metrics[i]))
			route->metrics_present |= 1u << i;
}

int netlink_parse_route(const void *msg, size_t len, struct netlink_route *route)
{
	struct nlattr_ref tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	const void *attrs;
	size_t attrs_len;
	uint32_t u32;

	route->nexthop_count = 0;
	rtm = nlraw_msg_body(msg, len, RTM_NEWROUTE, sizeof(*rtm), &attrs, &attrs_len);
	if (!rtm)
		return -ENOMSG;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -ENOMSG;
	/* Cleared here rather than up front: a 4 KiB struct per skipped
	 * message would cost more than the dump itself. */
	memset(route, 0, offsetof(struct netlink_route, nexthops));
	nlattr_parse(attrs, attrs_len, tb, RTA_MAX);
	route->family = rtm->rtm_family;
	route->table = nlattr_u32(&tb[RTA_TABLE], &u32) ? u32 : rtm->rtm_table;
	route->type = rtm->rtm_type;
	route->protocol = rtm->rtm_protocol;
	route->scope = rtm->rtm_scope;
	route->tos = rtm->rtm_tos;
	route->flags = rtm->rtm_flags;
	route->has_dst = tb[RTA_DST].present;
	prefix_from_attr(&tb[RTA_DST], route->family, rtm->rtm_dst_len, &route->dst);
	route->src_attr = tb[RTA_SRC].present;
	route->has_src = route->src_attr || rtm->rtm_src_len;
	prefix_from_attr(&tb[RTA_SRC], route->family, rtm->rtm_src_len, &route->src);
	route->has_metric = nlattr_u32(&tb[RTA_PRIORITY], &route->metric);
	route->has_prefsrc = attr_addr(&tb[RTA_PREFSRC], route->family, &route->prefsrc);
	if ((route->has_iif = nlattr_u32(&tb[RTA_IIF], &u32)))
		route->iif = (int)u32;
	route->has_mark = nlattr_u32(&tb[RTA_MARK], &route->mark);
	route->has_uid = nlattr_u32(&tb[RTA_UID], &route->uid);
	route->has_pref = nlattr_u8(&tb[RTA_PREF], &route->pref);
	nlattr_u32(&tb[RTA_NH_ID], &route->nhid);
	if (tb[RTA_CACHEINFO].present && tb[RTA_CACHEINFO].len >= sizeof(struct rta_cacheinfo)) {
		struct rta_cacheinfo ci;

		memcpy(&ci, tb[RTA_CACHEINFO].data, sizeof(ci));
		route->has_cacheinfo = true;
		route->cache_expires_ticks = (int32_t)ci.rta_expires;
		route->cache_error = ci.rta_error;
		route->cache_users = ci.rta_clntref;
		route->cache_used = ci.rta_used;
		route->cache_lastuse_ticks = ci.rta_lastuse;
	}
	if (tb[RTA_METRICS].present)
		metrics_parse(&tb[RTA_METRICS], route);
	if (tb[RTA_MULTIPATH].present) {
		multipath_parse(&tb[RTA_MULTIPATH], route);
	} else {
		struct netlink_nexthop *hop = &route->nexthops[0];

		memset(hop, 0, sizeof(*hop));
		nexthop_from_attrs(tb, route->family, hop);
		hop->weight = 1;
		if (hop->ifindex || hop->has_gateway) {
			route->nexthop_count = 1;
			route->nexthop_total = 1;
		}
	}
	return 0;
}

/* --- neighbours ------------------------------------------------------- */

int netlink_parse_neigh(const void *msg, size_t len, struct netlink_neigh *neigh)
{
	struct nlattr_ref tb[NDA_MAX + 1];
	const struct ndmsg *ndm;
	const void *attrs;
	size_t attrs_len;

	memset(neigh, 0, sizeof(*neigh));
	ndm = nlraw_msg_body(msg, len, RTM_NEWNEIGH, sizeof(*ndm), &attrs, &attrs_len);
	if (!ndm)
		return -ENOMSG;
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return -ENOMSG;
	nlattr_parse(attrs, attrs_len, tb, NDA_MAX);
	neigh->family = ndm->ndm_family;
	neigh->ifindex = ndm->ndm_ifindex;
	neigh->state = ndm->ndm_state;
	neigh->flags = ndm->ndm_flags;
	neigh->type = ndm->ndm_type;
	if (!attr_addr(&tb[NDA_DST], neigh->family, &neigh->dst))
		return -EINVAL;
	mac_from_attr(&tb[NDA_LLADDR], neigh->lladdr, &neigh->lladdr_len);
	neigh->has_probes = nlattr_u32(&tb[NDA_PROBES], &neigh->probes);
	neigh->has_protocol = nlattr_u8(&tb[NDA_PROTOCOL], &neigh->protocol);
	if (tb[NDA_CACHEINFO].present && tb[NDA_CACHEINFO].len >= sizeof(struct nda_cacheinfo)) {
		struct nda_cacheinfo ci;

		memcpy(&ci, tb[NDA_CACHEINFO].data, sizeof(ci));
		neigh->has_cacheinfo = true;
		neigh->used_ms = ci.ndm_used;
		neigh->confirmed_ms = ci.ndm_confirmed;
		neigh->updated_ms = ci.ndm_updated;
		neigh->refcnt = ci.ndm_refcnt;
	}
	return 0;
}

/* --- rules ------------------------------------------------------------ */

static void port_range_parse(const struct nlattr_ref *attr, bool *has, uint16_t *start, uint16_t *end)
{
	struct fib_rule_port_range range;

	if (!attr->present || attr->len < sizeof(range))
		return;
	memcpy(&range, attr->data, sizeof(range));
	*has = true;
	*start = range.start;
	*end = range.end;
}

int netlink_parse_rule(const void *msg, size_t len, struct netlink_rule *rule)
{
	struct nlattr_ref tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh;
	const void *attrs;
	size_t attrs_len;
	uint32_t u32;

	memset(rule, 0, sizeof(*rule));
	frh = nlraw_msg_body(msg, len, RTM_NEWRULE, sizeof(*frh), &attrs, &attrs_len);
	if (!frh)
		return -ENOMSG;
	if (frh->family != AF_INET && frh->family != AF_INET6)
		return -ENOMSG;
	nlattr_parse(attrs, attrs_len, tb, FRA_MAX);
	rule->family = frh->family;
	rule->action = frh->action;
	rule->flags = frh->flags;
	rule->tos = frh->tos;
	rule->has_priority = nlattr_u32(&tb[FRA_PRIORITY], &rule->priority);
	rule->has_src = tb[FRA_SRC].present || frh->src_len;
	prefix_from_attr(&tb[FRA_SRC], rule->family, frh->src_len, &rule->src);
	rule->has_dst = tb[FRA_DST].present || frh->dst_len;
	prefix_from_attr(&tb[FRA_DST], rule->family, frh->dst_len, &rule->dst);
	rule->table = nlattr_u32(&tb[FRA_TABLE], &u32) ? u32 : frh->table;
	rule->has_fwmark = nlattr_u32(&tb[FRA_FWMARK], &rule->fwmark);
	rule->has_fwmask = nlattr_u32(&tb[FRA_FWMASK], &rule->fwmask);
	nlattr_str(&tb[FRA_IFNAME], rule->iif, sizeof(rule->iif));
	nlattr_str(&tb[FRA_OIFNAME], rule->oif, sizeof(rule->oif));
	if (tb[FRA_UID_RANGE].present && tb[FRA_UID_RANGE].len >= sizeof(struct fib_rule_uid_range)) {
		struct fib_rule_uid_range range;

		memcpy(&range, tb[FRA_UID_RANGE].data, sizeof(range));
		rule->has_uidrange = true;
		rule->uid_start = range.start;
		rule->uid_end = range.end;
	}
	if (nlattr_u32(&tb[FRA_SUPPRESS_PREFIXLEN], &u32)) {
		rule->has_suppress_prefixlen = true;
		rule->suppress_prefixlen = (int32_t)u32;
	}
	rule->has_suppress_ifgroup = nlattr_u32(&tb[FRA_SUPPRESS_IFGROUP], &rule->suppress_ifgroup);
	rule->has_goto = nlattr_u32(&tb[FRA_GOTO], &rule->goto_target);
	rule->has_l3mdev = nlattr_u8(&tb[FRA_L3MDEV], &rule->l3mdev);
	rule->has_protocol = nlattr_u8(&tb[FRA_PROTOCOL], &rule->protocol);
	rule->has_ip_proto = nlattr_u8(&tb[FRA_IP_PROTO], &rule->ip_proto);
	port_range_parse(&tb[FRA_SPORT_RANGE], &rule->has_sport, &rule->sport_start, &rule->sport_end);
	port_range_parse(&tb[FRA_DPORT_RANGE], &rule->has_dport, &rule->dport_start, &rule->dport_end);
	rule->has_flow = nlattr_u32(&tb[FRA_FLOW], &rule->flow);
	return 0;
}
