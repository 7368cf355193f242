/* ip -d and ip -s for links: the details line with the link kind and its
 * data (vxlan, macvlan, and the leading fields of bridge and bridge ports),
 * and the RX/TX counter table with iproute2's self-sizing columns. */
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>

#include "ip_impl.h"

static void print_vxlan(struct ip_ctx *ctx, const struct netlink_vxlan *vx)
{
	char text[INET6_ADDRSTRLEN], name[32];

	if (vx->collect_metadata)
		out_print_bool(ctx->out, "external", "external ", true);
	out_print_uint(ctx->out, "id", "id %llu ", vx->id);
	if (vx->group_family && inet_ntop(vx->group_family, vx->group, text, sizeof(text)) &&
	    strcmp(text, "0.0.0.0") != 0 && strcmp(text, "::") != 0)
		out_print_str(ctx->out, vx->group_is_multicast ? "group" : "remote",
			      vx->group_is_multicast ? "group %s " : "remote %s ", text);
	if (vx->local_family && inet_ntop(vx->local_family, vx->local, text, sizeof(text)) &&
	    strcmp(text, "0.0.0.0") != 0 && strcmp(text, "::") != 0)
		out_print_str(ctx->out, "local", "local %s ", text);
	if (vx->link_ifindex)
		out_print_str(ctx->out, "link", "dev %s ", ip_ifname(ctx, vx->link_ifindex, name, sizeof(name)));
	out_open_object(ctx->out, "port_range");
	out_print_uint(ctx->out, "low", NULL, vx->port_min);
	out_print_uint(ctx->out, "high", NULL, vx->port_max);
	out_close_object(ctx->out);
	out_text(ctx->out, "srcport %u %u ", vx->port_min, vx->port_max);
	out_print_uint(ctx->out, "port", "dstport %llu ", vx->dst_port);
	if (vx->has_learning) {
		out_print_bool(ctx->out, "learning", NULL, vx->learning);
		if (!vx->learning)
			out_text(ctx->out, "nolearning ");
	}
	if (vx->proxy)
		out_print_bool(ctx->out, "proxy", "proxy ", true);
	if (vx->rsc)
		out_print_bool(ctx->out, "rsc", "rsc ", true);
	if (vx->l2miss)
		out_print_bool(ctx->out, "l2miss", "l2miss ", true);
	if (vx->l3miss)
		out_print_bool(ctx->out, "l3miss", "l3miss ", true);
	if (vx->tos == 1)
		out_print_str(ctx->out, "tos", "tos %s ", "inherit");
	else if (vx->tos)
		out_print_uint(ctx->out, "tos", "tos %#llx ", vx->tos);
	if (vx->ttl_inherit)
		out_print_str(ctx->out, "ttl", "ttl %s ", "inherit");
	else if (vx->ttl || ctx->json)
		out_print_uint(ctx->out, "ttl", "ttl %llu ", vx->ttl);
	else
		out_text(ctx->out, "ttl auto ");
	if (vx->has_df) {
		static const char *const df_names[] = { "unset", "set", "inherit" };
		const char *df = vx->df < 3 ? df_names[vx->df] : "unset";

		out_print_str(ctx->out, "df", NULL, df);
		if (vx->df == 1 || vx->df == 2)
			out_text(ctx->out, "df %s ", df);
	}
	if (vx->ageing_s)
		out_print_uint(ctx->out, "ageing", "ageing %llu ", vx->ageing_s);
	else
		out_print_uint(ctx->out, "ageing", "ageing none ", 0);
	if (vx->limit)
		out_print_uint(ctx->out, "limit", "maxaddr %llu ", vx->limit);
	if (vx->has_udp_csum) {
		out_print_bool(ctx->out, "udp_csum", NULL, vx->udp_csum);
		out_text(ctx->out, "%sudpcsum ", vx->udp_csum ? "" : "no");
	}
	if (vx->has_udp6_zero_csum_tx) {
		out_print_bool(ctx->out, "udp_zero_csum6_tx", NULL, vx->udp6_zero_csum_tx);
		out_text(ctx->out, "%sudp6zerocsumtx ", vx->udp6_zero_csum_tx ? "" : "no");
	}
	if (vx->has_udp6_zero_csum_rx) {
		out_print_bool(ctx->out, "udp_zero_csum6_rx", NULL, vx->udp6_zero_csum_rx);
		out_text(ctx->out, "%sudp6zerocsumrx ", vx->udp6_zero_csum_rx ? "" : "no");
	}
}

static void print_macvlan(struct ip_ctx *ctx, const struct netlink_macvlan *mv)
{
	static const char *const modes[] = { "", "private", "vepa", "", "bridge", "", "", "", "passthru",
					     "", "", "", "", "", "", "", "source" };
	char buf[16];
	const char *mode = mv->mode < sizeof(modes) / sizeof(modes[0]) && modes[mv->mode][0] ? modes[mv->mode]
			   : (snprintf(buf, sizeof(buf), "%u", mv->mode), buf);

	out_print_str(ctx->out, "mode", "mode %s ", mode);
	if (mv->flags & 1) /* MACVLAN_FLAG_NOPROMISC */
		out_print_bool(ctx->out, "nopromisc", "nopromisc ", true);
	if (mv->has_bc_queue_len)
		out_print_uint(ctx->out, "bcqueuelen", "bcqueuelen %llu ", mv->bc_queue_len);
	if (mv->has_bc_queue_len_used)
		out_print_uint(ctx->out, "usedbcqueuelen", "usedbcqueuelen %llu ", mv->bc_queue_len_used);
}

static void print_bridge_id(struct ip_ctx *ctx, const char *key, const uint8_t priority[2], const uint8_t mac[6])
{
	char text[64];

	snprintf(text, sizeof(text), "%02x%02x.%02x:%02x:%02x:%02x:%02x:%02x", priority[0], priority[1], mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	out_text(ctx->out, "%s ", strcmp(key, "bridge_id") == 0 ? "bridge_id" : "designated_root");
	out_print_str(ctx->out, key, "%s ", text);
}

/* The leading fields of iproute2's bridge details, in its order. */
static void print_bridge(struct ip_ctx *ctx, const struct netlink_bridge *br)
{
	out_print_uint(ctx->out, "forward_delay", "forward_delay %llu ", br->forward_delay);
	out_print_uint(ctx->out, "hello_time", "hello_time %llu ", br->hello_time);
	out_print_uint(ctx->out, "max_age", "max_age %llu ", br->max_age);
	out_print_uint(ctx->out, "ageing_time", "ageing_time %llu ", br->ageing_time);
	out_print_uint(ctx->out, "stp_state", "stp_state %llu ", br->stp_state);
	out_print_uint(ctx->out, "priority", "priority %llu ", br->priority);
	out_print_uint(ctx->out, "vlan_filtering", "vlan_filtering %llu ", br->vlan_filtering);
	print_bridge_id(ctx, "bridge_id", br->bridge_id_priority, br->bridge_id_mac);
	print_bridge_id(ctx, "root_id", br->root_id_priority, br->root_id_mac);
	out_print_uint(ctx->out, "root_port", "root_port %llu ", br->root_port);
	out_print_uint(ctx->out, "root_path_cost", "root_path_cost %llu ", br->root_path_cost);
}

static void print_bridge_port(struct ip_ctx *ctx, const struct netlink_bridge_port *port)
{
	out_print_str(ctx->out, "state", "state %s ", netlink_bridge_port_state_name(port->state));
	out_print_uint(ctx->out, "priority", "priority %llu ", port->priority);
	out_print_uint(ctx->out, "cost", "cost %llu ", port->cost);
}

static void print_linkinfo(struct ip_ctx *ctx, const struct netlink_link *link)
{
	if (!link->kind[0] && !link->slave_kind[0])
		return;
	out_open_object(ctx->out, "linkinfo");
	if (link->kind[0]) {
		out_text(ctx->out, "\n");
		out_print_str(ctx->out, "info_kind", "    %s ", link->kind);
		if (link->has_info) {
			out_open_object(ctx->out, "info_data");
			if (strcmp(link->kind, "vxlan") == 0)
				print_vxlan(ctx, &link->info.vxlan);
			else if (strcmp(link->kind, "macvlan") == 0 || strcmp(link->kind, "macvtap") == 0)
				print_macvlan(ctx, &link->info.macvlan);
			else if (strcmp(link->kind, "bridge") == 0)
				print_bridge(ctx, &link->info.bridge);
			out_close_object(ctx->out);
		}
	}
	if (link->slave_kind[0]) {
		out_text(ctx->out, "\n");
		out_print_str(ctx->out, "info_slave_kind", "    %s_slave ", link->slave_kind);
		if (link->has_port) {
			out_open_object(ctx->out, "info_slave_data");
			print_bridge_port(ctx, &link->port);
			out_close_object(ctx->out);
		}
	}
	out_close_object(ctx->out);
}

void ip_link_print_details(struct ip_ctx *ctx, const struct netlink_link *link, bool do_link)
{
	static const char *const genmodes[] = { "eui64", "none", "stable_secret", "random" };

	if (link->has_promiscuity)
		out_print_uint(ctx->out, "promiscuity", " promiscuity %llu ", link->promiscuity);
	if (link->has_allmulti)
		out_print_uint(ctx->out, "allmulti", " allmulti %llu ", link->allmulti);
	if (link->has_min_mtu)
		out_print_uint(ctx->out, "min_mtu", "minmtu %llu ", link->min_mtu);
	if (link->has_max_mtu)
		out_print_uint(ctx->out, "max_mtu", "maxmtu %llu ", link->max_mtu);
	print_linkinfo(ctx, link);
	if (do_link && link->addrgenmode >= 0) {
		char buf[16];
		const char *mode = link->addrgenmode < 4 ? genmodes[link->addrgenmode]
				   : (snprintf(buf, sizeof(buf), "%d", link->addrgenmode), buf);

		out_print_str(ctx->out, "inet6_addr_gen_mode", "addrgenmode %s ", mode);
	}
	if (link->has_num_tx_queues)
		out_print_uint(ctx->out, "num_tx_queues", "numtxqueues %llu ", link->num_tx_queues);
	if (link->has_num_rx_queues)
		out_print_uint(ctx->out, "num_rx_queues", "numrxqueues %llu ", link->num_rx_queues);
	if (link->has_gso_max_size)
		out_print_uint(ctx->out, "gso_max_size", "gso_max_size %llu ", link->gso_max_size);
	if (link->has_gso_max_segs)
		out_print_uint(ctx->out, "gso_max_segs", "gso_max_segs %llu ", link->gso_max_segs);
	if (link->has_tso_max_size)
		out_print_uint(ctx->out, "tso_max_size", "tso_max_size %llu ", link->tso_max_size);
	if (link->has_tso_max_segs)
		out_print_uint(ctx->out, "tso_max_segs", "tso_max_segs %llu ", link->tso_max_segs);
	if (link->has_gro_max_size)
		out_print_uint(ctx->out, "gro_max_size", "gro_max_size %llu ", link->gro_max_size);
}

/* --- statistics ---------------------------------------------------------- */

#define STAT_COLUMNS 7

static void size_columns(unsigned cols[STAT_COLUMNS], const uint64_t values[STAT_COLUMNS])
{
	unsigned i;

	for (i = 0; i < STAT_COLUMNS; i++) {
		char digits[24];
		unsigned width = (unsigned)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)values[i]);

		if (width > cols[i])
			cols[i] = width;
	}
}

static void print_numbers(struct ip_ctx *ctx, const unsigned cols[STAT_COLUMNS], const uint64_t values[],
			  unsigned first, unsigned count)
{
	unsigned i;

	out_text(ctx->out, "    ");
	if (first > 0)
		out_text(ctx->out, "%*s ", (int)cols[0], "");
	for (i = first; i < first + count; i++)
		out_text(ctx->out, "%*llu ", (int)cols[i], (unsigned long long)values[i]);
	out_text(ctx->out, "\n");
}

static void stats_json(struct ip_ctx *ctx, const struct netlink_link_stats *s, const struct netlink_link *link)
{
	out_open_object(ctx->out, "stats64");
	out_open_object(ctx->out, "rx");
	out_print_uint(ctx->out, "bytes", NULL, s->rx_bytes);
	out_print_uint(ctx->out, "packets", NULL, s->rx_packets);
	out_print_uint(ctx->out, "errors", NULL, s->rx_errors);
	out_print_uint(ctx->out, "dropped", NULL, s->rx_dropped);
	out_print_uint(ctx->out, "over_errors", NULL, s->rx_over_errors);
	out_print_uint(ctx->out, "multicast", NULL, s->multicast);
	if (s->rx_compressed)
		out_print_uint(ctx->out, "compressed", NULL, s->rx_compressed);
	if (ctx->stats > 1) {
		out_print_uint(ctx->out, "length_errors", NULL, s->rx_length_errors);
		out_print_uint(ctx->out, "crc_errors", NULL, s->rx_crc_errors);
		out_print_uint(ctx->out, "frame_errors", NULL, s->rx_frame_errors);
		out_print_uint(ctx->out, "fifo_errors", NULL, s->rx_fifo_errors);
		out_print_uint(ctx->out, "missed_errors", NULL, s->rx_missed_errors);
		if (s->rx_nohandler)
			out_print_uint(ctx->out, "nohandler", NULL, s->rx_nohandler);
	}
	out_close_object(ctx->out);
	out_open_object(ctx->out, "tx");
	out_print_uint(ctx->out, "bytes", NULL, s->tx_bytes);
	out_print_uint(ctx->out, "packets", NULL, s->tx_packets);
	out_print_uint(ctx->out, "errors", NULL, s->tx_errors);
	out_print_uint(ctx->out, "dropped", NULL, s->tx_dropped);
	out_print_uint(ctx->out, "carrier_errors", NULL, s->tx_carrier_errors);
	out_print_uint(ctx->out, "collisions", NULL, s->collisions);
	if (s->tx_compressed)
		out_print_uint(ctx->out, "compressed", NULL, s->tx_compressed);
	if (ctx->stats > 1) {
		out_print_uint(ctx->out, "aborted_errors", NULL, s->tx_aborted_errors);
		out_print_uint(ctx->out, "fifo_errors", NULL, s->tx_fifo_errors);
		out_print_uint(ctx->out, "window_errors", NULL, s->tx_window_errors);
		out_print_uint(ctx->out, "heartbeat_errors", NULL, s->tx_heartbeat_errors);
		if (link->has_carrier_changes)
			out_print_uint(ctx->out, "carrier_changes", NULL, link->carrier_changes);
	}
	out_close_object(ctx->out);
	out_close_object(ctx->out);
}

void ip_link_print_stats(struct ip_ctx *ctx, const struct netlink_link *link)
{
	const struct netlink_link_stats *s = &link->stats;
	unsigned cols[STAT_COLUMNS] = { 10, 7, 6, 7, 7, 7, 10 }; /* "*X errors:", "packets"... "compressed" */
	uint64_t rx[STAT_COLUMNS] = { s->rx_bytes, s->rx_packets, s->rx_errors, s->rx_dropped,
				      s->rx_missed_errors, s->multicast, s->rx_compressed };
	uint64_t tx[STAT_COLUMNS] = { s->tx_bytes, s->tx_packets, s->tx_errors, s->tx_dropped,
				      s->tx_carrier_errors, s->collisions, s->tx_compressed };
	uint64_t rx_err[STAT_COLUMNS] = { 0, s->rx_length_errors, s->rx_crc_errors, s->rx_frame_errors,
					  s->rx_fifo_errors, s->rx_over_errors, s->rx_nohandler };
	uint64_t tx_err[STAT_COLUMNS] = { 0, s->tx_aborted_errors, s->tx_fifo_errors, s->tx_window_errors,
					  s->tx_heartbeat_errors, link->carrier_changes, 0 };

	if (ctx->json) {
		stats_json(ctx, s, link);
		return;
	}
	size_columns(cols, rx);
	if (ctx->stats > 1)
		size_columns(cols, rx_err);
	size_columns(cols, tx);
	if (ctx->stats > 1)
		size_columns(cols, tx_err);
	out_text(ctx->out, "    RX: %*s %*s %*s %*s %*s %*s %*s\n", (int)cols[0] - 4, "bytes", (int)cols[1], "packets",
		 (int)cols[2], "errors", (int)cols[3], "dropped", (int)cols[4], "missed", (int)cols[5], "mcast",
		 (int)cols[6], s->rx_compressed ? "compressed" : "");
	print_numbers(ctx, cols, rx, 0, s->rx_compressed ? 7 : 6);
	if (ctx->stats > 1) {
		out_text(ctx->out, "    RX errors:%*s %*s %*s %*s %*s %*s%s%*s\n", (int)cols[0] - 10, "", (int)cols[1],
			 "length", (int)cols[2], "crc", (int)cols[3], "frame", (int)cols[4], "fifo", (int)cols[5],
			 "overrun", s->rx_nohandler ? " " : "", (int)(s->rx_nohandler ? cols[6] : 0),
			 s->rx_nohandler ? "nohandler" : "");
		print_numbers(ctx, cols, rx_err, 1, s->rx_nohandler ? 6 : 5);
	}
	out_text(ctx->out, "    TX: %*s %*s %*s %*s %*s %*s %*s\n", (int)cols[0] - 4, "bytes", (int)cols[1], "packets",
		 (int)cols[2], "errors", (int)cols[3], "dropped", (int)cols[4], "carrier", (int)cols[5], "collsns",
		 (int)cols[6], s->tx_compressed ? "compressed" : "");
	print_numbers(ctx, cols, tx, 0, s->tx_compressed ? 7 : 6);
	if (ctx->stats > 1) {
		out_text(ctx->out, "    TX errors:%*s %*s %*s %*s %*s %*s\n", (int)cols[0] - 10, "", (int)cols[1],
			 "aborted", (int)cols[2], "fifo", (int)cols[3], "window", (int)cols[4], "heartbt", (int)cols[5],
			 "transns");
		print_numbers(ctx, cols, tx_err, 1, 5);
	}
}
