/* The text ss prints for each socket: the fixed columns, then everything
 * else ("users:", timers, -e details, -m memory, -i tcp_info) in the
 * Process column, in ss's order and wording. */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sonde/netlink.h"
#include "sonde/out.h"
#include "sonde/services.h"
#include "ss_impl.h"

/* --- names ----------------------------------------------------------------- */

static struct netlink_link *links;
static size_t link_count;
static bool links_loaded;

static const char *ifname(unsigned ifindex, char *buf, size_t size)
{
	const struct netlink_link *link;

	if (!links_loaded) {
		links_loaded = true;
		if (netlink_dump_links(&links, &link_count) < 0)
			link_count = 0;
	}
	link = netlink_link_by_index(links, link_count, (int)ifindex);
	if (link)
		return link->name;
	snprintf(buf, size, "%u", ifindex);
	return buf;
}

void ss_print_cleanup(void)
{
	free(links);
	links = NULL;
	link_count = 0;
	links_loaded = false;
}

/* Raw sockets show their protocol where a port would be (/etc/protocols
 * names, as ss gets them from the C library). */
static const char *protocol_name(int protocol, char *buf, size_t size)
{
	FILE *fp = fopen("/etc/protocols", "re");
	char line[256];

	if (fp) {
		while (fgets(line, sizeof(line), fp)) {
			char name[64];
			int number;

			if (line[0] == '#' || sscanf(line, "%63s %d", name, &number) != 2 || number != protocol)
				continue;
			fclose(fp);
			snprintf(buf, size, "%s", name);
			return buf;
		}
		fclose(fp);
	}
	snprintf(buf, size, "ipproto-%d", protocol);
	return buf;
}

static const char *port_text(const struct ss_print_ctx *ctx, const struct sockdiag_inet *sock, uint16_t port,
			     char *buf, size_t size)
{
	const char *name;

	if (port == 0)
		return "*";
	if (ctx->cfg->numeric) {
		snprintf(buf, size, "%u", port);
		return buf;
	}
	if (sock->protocol == IPPROTO_RAW)
		return protocol_name(port, buf, size);
	/* ss names no port of the ephemeral range: names there are mostly noise. */
	if (port < ctx->port_range_low || port > ctx->port_range_high) {
		name = services_name(port, sock->protocol == IPPROTO_UDP ? "udp" : "tcp");
		if (name)
			return name;
	}
	snprintf(buf, size, "%u", port);
	return buf;
}

/* --- shared pieces ----------------------------------------------------------- */

static void print_state(struct ss_print_ctx *ctx, const char *netid, unsigned state, uint32_t rq, uint32_t wq)
{
	struct ss_table *t = ctx->table;

	ss_table_begin_row(t);
	ss_table_printf(t, SS_COL_NETID, "%s", netid);
	ss_table_printf(t, SS_COL_STATE, "%s", sockdiag_state_name_short(state));
	ss_table_printf(t, SS_COL_RECVQ, "%-6d", (int)rq);
	ss_table_printf(t, SS_COL_SENDQ, "%-6d", (int)wq);
}

static void print_users(struct ss_print_ctx *ctx, uint32_t inode)
{
	const struct procfd_owner *o;
	bool first = true;

	if (!ctx->procs || !inode || !(o = procfd_find(ctx->procs, inode)))
		return;
	ss_table_printf(ctx->table, SS_COL_EXT, " users:(");
	for (; o; o = procfd_next(ctx->procs, o)) {
		ss_table_printf(ctx->table, SS_COL_EXT, "%s(\"%s\",pid=%d,fd=%d)", first ? "" : ",",
				procfd_comm(ctx->procs, o), o->pid, o->fd);
		first = false;
	}
	ss_table_printf(ctx->table, SS_COL_EXT, ")");
}

static void print_skmem(struct ss_table *t, const uint32_t *skmem, size_t count)
{
	if (count < SK_MEMINFO_OPTMEM + 1)
		return;
	ss_table_printf(t, SS_COL_EXT, " skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u", skmem[SK_MEMINFO_RMEM_ALLOC],
			skmem[SK_MEMINFO_RCVBUF], skmem[SK_MEMINFO_WMEM_ALLOC], skmem[SK_MEMINFO_SNDBUF],
			skmem[SK_MEMINFO_FWD_ALLOC], skmem[SK_MEMINFO_WMEM_QUEUED], skmem[SK_MEMINFO_OPTMEM]);
	if (count > SK_MEMINFO_BACKLOG)
		ss_table_printf(t, SS_COL_EXT, ",bl%u", skmem[SK_MEMINFO_BACKLOG]);
	if (count > SK_MEMINFO_DROPS)
		ss_table_printf(t, SS_COL_EXT, ",d%u", skmem[SK_MEMINFO_DROPS]);
	ss_table_printf(t, SS_COL_EXT, ")");
}

/* ss's timer text: "1min", "13sec", "1.200ms"-style. */
static const char *ms_timer(unsigned timeout_ms, char *buf, size_t size)
{
	unsigned secs = timeout_ms / 1000, minutes = secs / 60, msecs = timeout_ms % 1000;
	size_t used = 0;

	secs %= 60;
	buf[0] = '\0';
	if (minutes) {
		msecs = 0;
		used += (size_t)snprintf(buf, size, "%umin", minutes);
		if (minutes > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		used += (size_t)snprintf(buf + used, size - used, "%u%s", secs, msecs ? "." : "sec");
	}
	if (msecs)
		snprintf(buf + used, size - used, "%03ums", msecs);
	return buf;
}

/* Bandwidth in ss's units: "15.7Gbps"; exact bits with -n. */
static const char *bandwidth(const struct ss_print_ctx *ctx, double bps, char *buf, size_t size)
{
	if (ctx->cfg->numeric)
		snprintf(buf, size, "%.0f", bps);
	else if (bps >= 1e12)
		snprintf(buf, size, "%.3gT", bps / 1e12);
	else if (bps >= 1e9)
		snprintf(buf, size, "%.3gG", bps / 1e9);
	else if (bps >= 1e6)
		snprintf(buf, size, "%.3gM", bps / 1e6);
	else if (bps >= 1e3)
		snprintf(buf, size, "%.3gk", bps / 1e3);
	else
		snprintf(buf, size, "%g", bps);
	return buf;
}

/* --- cgroups (-e) --------------------------------------------------------------- */

static char cgroup2_root[256];
static bool cgroup2_looked;

static const char *cgroup2_mount(void)
{
	FILE *fp;
	char line[1024];

	if (cgroup2_looked)
		return cgroup2_root[0] ? cgroup2_root : NULL;
	cgroup2_looked = true;
	fp = fopen("/proc/self/mounts", "re");
	if (!fp)
		return NULL;
	while (fgets(line, sizeof(line), fp)) {
		char dev[256], dir[256], type[64];

		if (sscanf(line, "%255s %255s %63s", dev, dir, type) == 3 && strcmp(type, "cgroup2") == 0) {
			snprintf(cgroup2_root, sizeof(cgroup2_root), "%s", dir);
			break;
		}
	}
	fclose(fp);
	return cgroup2_root[0] ? cgroup2_root : NULL;
}

/* Finds the directory whose inode is the cgroup id (cgroup2 ids are the
 * kernfs inode numbers) under dir; path gets the part below the mount. */
static bool cgroup_find(const char *root, const char *rel, uint64_t id, char *path, size_t size, int depth)
{
	char dir_path[1024];
	DIR *dir;
	struct dirent *d;
	bool found = false;

	snprintf(dir_path, sizeof(dir_path), "%s%s", root, rel);
	dir = opendir(dir_path);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir)) != NULL) {
		char child[1024];

		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", rel, d->d_name);
		if (d->d_ino == id) {
			snprintf(path, size, "%s", child);
			found = true;
		} else if (depth < 16) {
			found = cgroup_find(root, child, id, path, size, depth + 1);
		}
	}
	closedir(dir);
	return found;
}

static const char *cgroup_path(uint64_t id, char *buf, size_t size)
{
	const char *root = cgroup2_mount();
	struct stat st;

	if (root) {
		if (stat(root, &st) == 0 && st.st_ino == id) {
			snprintf(buf, size, "/");
			return buf;
		}
		if (cgroup_find(root, "", id, buf, size, 0))
			return buf;
	}
	snprintf(buf, size, "unreachable:%llx", (unsigned long long)id);
	return buf;
}

/* --- inet ------------------------------------------------------------------------- */

static bool inet_wanted(const struct ss_print_ctx *ctx, const struct sockdiag_inet *sock)
{
	if (sock->family == AF_INET ? !ctx->want_v4 : !ctx->want_v6)
		return false;
	if (!ctx->kernel_filtered && ctx->filter && !sockdiag_filter_match(ctx->filter, sock))
		return false;
	return true;
}

static void print_inet_endpoint(struct ss_print_ctx *ctx, const struct sockdiag_inet *sock,
				const struct sonde_addr *addr, unsigned ifindex, bool local)
{
	char text[ADDR_STRLEN + 2], port_buf[64], ifbuf[16];
	const char *port;
	bool any6;

	if (addr_family(addr) == AF_INET) {
		inet_ntop(AF_INET, &addr->u.in4.sin_addr, text, sizeof(text));
	} else {
		char v6[INET6_ADDRSTRLEN];

		any6 = IN6_IS_ADDR_UNSPECIFIED(&addr->u.in6.sin6_addr);
		/* A wildcard that also takes IPv4 is "*"; a v6-only one "[::]". */
		if (any6 && sock->v6only != 1) {
			snprintf(text, sizeof(text), "*");
		} else {
			inet_ntop(AF_INET6, &addr->u.in6.sin6_addr, v6, sizeof(v6));
			snprintf(text, sizeof(text), "[%s]", v6);
		}
	}
	port = port_text(ctx, sock, addr_port(addr), port_buf, sizeof(port_buf));
	if (ifindex)
		ss_table_printf(ctx->table, local ? SS_COL_ADDR : SS_COL_RADDR, "%s%%%s:", text,
				ifname(ifindex, ifbuf, sizeof(ifbuf)));
	else
		ss_table_printf(ctx->table, local ? SS_COL_ADDR : SS_COL_RADDR, "%s:", text);
	ss_table_printf(ctx->table, local ? SS_COL_SERV : SS_COL_RSERV, "%s", port);
}

static void print_inet_timer(struct ss_print_ctx *ctx, const struct sockdiag_inet *sock)
{
	static const char *const names[] = { "off", "on", "keepalive", "timewait", "persist", "unknown" };
	char buf[64];

	if (!sock->timer)
		return;
	ss_table_printf(ctx->table, SS_COL_EXT, " timer:(%s,%s,%d)", names[sock->timer > 4 ? 5 : sock->timer],
			ms_timer(sock->expires_ms, buf, sizeof(buf)), sock->retrans);
}

static void print_details(struct ss_print_ctx *ctx, uint32_t uid, uint32_t inode, uint64_t cookie,
			  bool has_mark, uint32_t mark, bool has_cgroup, uint64_t cgroup_id)
{
	char buf[1024];

	if (uid)
		ss_table_printf(ctx->table, SS_COL_EXT, " uid:%u", uid);
	ss_table_printf(ctx->table, SS_COL_EXT, " ino:%u", inode);
	ss_table_printf(ctx->table, SS_COL_EXT, " sk:%llx", (unsigned long long)cookie);
	if (has_mark && mark)
		ss_table_printf(ctx->table, SS_COL_EXT, " fwmark:0x%x", mark);
	if (has_cgroup && cgroup_id)
		ss_table_printf(ctx->table, SS_COL_EXT, " cgroup:%s", cgroup_path(cgroup_id, buf, sizeof(buf)));
}

static void print_shutdown(struct ss_table *t, int mask)
{
	if (mask >= 0)
		ss_table_printf(t, SS_COL_EXT, " %c-%c", mask & 1 ? '-' : '<', mask & 2 ? '-' : '>');
}

/* -i: tcp_info in ss's words and order. */
static void print_tcp_info(struct ss_print_ctx *ctx, const struct sockdiag_inet *sock)
{
	const struct sockdiag_tcp_info *ti = &sock->tcp_info;
	struct ss_table *t = ctx->table;
	char b1[64];
	double rtt = ti->tcpi_rtt;

	if (ctx->cfg->timers) {
		if (ti->tcpi_options & SOCKDIAG_TCPI_OPT_TIMESTAMPS)
			ss_table_printf(t, SS_COL_EXT, " ts");
		if (ti->tcpi_options & SOCKDIAG_TCPI_OPT_SACK)
			ss_table_printf(t, SS_COL_EXT, " sack");
		if (ti->tcpi_options & SOCKDIAG_TCPI_OPT_ECN)
			ss_table_printf(t, SS_COL_EXT, " ecn");
		if (ti->tcpi_options & SOCKDIAG_TCPI_OPT_ECN_SEEN)
			ss_table_printf(t, SS_COL_EXT, " ecnseen");
		if (ti->tcpi_options & SOCKDIAG_TCPI_OPT_SYN_DATA)
			ss_table_printf(t, SS_COL_EXT, " fastopen");
	}
	if (sock->congestion[0])
		ss_table_printf(t, SS_COL_EXT, " %s", sock->congestion);
	if (ti->tcpi_options & SOCKDIAG_TCPI_OPT_WSCALE)
		ss_table_printf(t, SS_COL_EXT, " wscale:%d,%d", ti->tcpi_snd_wscale, ti->tcpi_rcv_wscale);
	if (ti->tcpi_rto && ti->tcpi_rto != 3000000)
		ss_table_printf(t, SS_COL_EXT, " rto:%g", ti->tcpi_rto / 1000.0);
	if (ti->tcpi_backoff)
		ss_table_printf(t, SS_COL_EXT, " backoff:%u", ti->tcpi_backoff);
	if (ti->tcpi_rtt)
		ss_table_printf(t, SS_COL_EXT, " rtt:%g/%g", ti->tcpi_rtt / 1000.0, ti->tcpi_rttvar / 1000.0);
	if (ti->tcpi_ato)
		ss_table_printf(t, SS_COL_EXT, " ato:%g", ti->tcpi_ato / 1000.0);
	if (ti->tcpi_snd_mss)
		ss_table_printf(t, SS_COL_EXT, " mss:%d", ti->tcpi_snd_mss);
	if (ti->tcpi_pmtu)
		ss_table_printf(t, SS_COL_EXT, " pmtu:%u", ti->tcpi_pmtu);
	if (ti->tcpi_rcv_mss)
		ss_table_printf(t, SS_COL_EXT, " rcvmss:%d", ti->tcpi_rcv_mss);
	if (ti->tcpi_advmss)
		ss_table_printf(t, SS_COL_EXT, " advmss:%d", ti->tcpi_advmss);
	if (ti->tcpi_snd_cwnd)
		ss_table_printf(t, SS_COL_EXT, " cwnd:%u", ti->tcpi_snd_cwnd);
	if (ti->tcpi_snd_ssthresh && ti->tcpi_snd_ssthresh < 0xFFFF)
		ss_table_printf(t, SS_COL_EXT, " ssthresh:%d", ti->tcpi_snd_ssthresh);
	if (ti->tcpi_bytes_sent)
		ss_table_printf(t, SS_COL_EXT, " bytes_sent:%llu", (unsigned long long)ti->tcpi_bytes_sent);
	if (ti->tcpi_bytes_retrans)
		ss_table_printf(t, SS_COL_EXT, " bytes_retrans:%llu", (unsigned long long)ti->tcpi_bytes_retrans);
	if (ti->tcpi_bytes_acked)
		ss_table_printf(t, SS_COL_EXT, " bytes_acked:%llu", (unsigned long long)ti->tcpi_bytes_acked);
	if (ti->tcpi_bytes_received)
		ss_table_printf(t, SS_COL_EXT, " bytes_received:%llu", (unsigned long long)ti->tcpi_bytes_received);
	if (ti->tcpi_segs_out)
		ss_table_printf(t, SS_COL_EXT, " segs_out:%u", ti->tcpi_segs_out);
	if (ti->tcpi_segs_in)
		ss_table_printf(t, SS_COL_EXT, " segs_in:%u", ti->tcpi_segs_in);
	if (ti->tcpi_data_segs_out)
		ss_table_printf(t, SS_COL_EXT, " data_segs_out:%u", ti->tcpi_data_segs_out);
	if (ti->tcpi_data_segs_in)
		ss_table_printf(t, SS_COL_EXT, " data_segs_in:%u", ti->tcpi_data_segs_in);
	if (sock->has_bbr) {
		uint64_t bw = ((uint64_t)sock->bbr.bbr_bw_hi << 32) | sock->bbr.bbr_bw_lo;

		ss_table_printf(t, SS_COL_EXT, " bbr:(bw:%sbps,mrtt:%g", bandwidth(ctx, bw * 8.0, b1, sizeof(b1)),
				sock->bbr.bbr_min_rtt / 1000.0);
		if (sock->bbr.bbr_pacing_gain)
			ss_table_printf(t, SS_COL_EXT, ",pacing_gain:%g", sock->bbr.bbr_pacing_gain / 256.0);
		if (sock->bbr.bbr_cwnd_gain)
			ss_table_printf(t, SS_COL_EXT, ",cwnd_gain:%g", sock->bbr.bbr_cwnd_gain / 256.0);
		ss_table_printf(t, SS_COL_EXT, ")");
	}
	if (rtt > 0 && ti->tcpi_snd_mss && ti->tcpi_snd_cwnd)
		ss_table_printf(t, SS_COL_EXT, " send %sbps",
				bandwidth(ctx, (double)ti->tcpi_snd_cwnd * ti->tcpi_snd_mss * 8000000.0 / rtt, b1,
					  sizeof(b1)));
	if (ti->tcpi_last_data_sent)
		ss_table_printf(t, SS_COL_EXT, " lastsnd:%u", ti->tcpi_last_data_sent);
	if (ti->tcpi_last_data_recv)
		ss_table_printf(t, SS_COL_EXT, " lastrcv:%u", ti->tcpi_last_data_recv);
	if (ti->tcpi_last_ack_recv)
		ss_table_printf(t, SS_COL_EXT, " lastack:%u", ti->tcpi_last_ack_recv);
	if (ti->tcpi_pacing_rate && ti->tcpi_pacing_rate != ~0ull) {
		ss_table_printf(t, SS_COL_EXT, " pacing_rate %sbps",
				bandwidth(ctx, ti->tcpi_pacing_rate * 8.0, b1, sizeof(b1)));
		if (ti->tcpi_max_pacing_rate && ti->tcpi_max_pacing_rate != ~0ull)
			ss_table_printf(t, SS_COL_EXT, "/%sbps",
					bandwidth(ctx, ti->tcpi_max_pacing_rate * 8.0, b1, sizeof(b1)));
	}
	if (ti->tcpi_delivery_rate)
		ss_table_printf(t, SS_COL_EXT, " delivery_rate %sbps",
				bandwidth(ctx, ti->tcpi_delivery_rate * 8.0, b1, sizeof(b1)));
	if (ti->tcpi_delivered)
		ss_table_printf(t, SS_COL_EXT, " delivered:%u", ti->tcpi_delivered);
	if (ti->tcpi_delivered_ce)
		ss_table_printf(t, SS_COL_EXT, " delivered_ce:%u", ti->tcpi_delivered_ce);
	if (ti->tcpi_delivery_rate_app_limited)
		ss_table_printf(t, SS_COL_EXT, " app_limited");
	if (ti->tcpi_busy_time) {
		ss_table_printf(t, SS_COL_EXT, " busy:%llums", (unsigned long long)ti->tcpi_busy_time / 1000);
		if (ti->tcpi_rwnd_limited)
			ss_table_printf(t, SS_COL_EXT, " rwnd_limited:%llums(%.1f%%)",
					(unsigned long long)ti->tcpi_rwnd_limited / 1000,
					100.0 * ti->tcpi_rwnd_limited / ti->tcpi_busy_time);
		if (ti->tcpi_sndbuf_limited)
			ss_table_printf(t, SS_COL_EXT, " sndbuf_limited:%llums(%.1f%%)",
					(unsigned long long)ti->tcpi_sndbuf_limited / 1000,
					100.0 * ti->tcpi_sndbuf_limited / ti->tcpi_busy_time);
	}
	if (ti->tcpi_unacked)
		ss_table_printf(t, SS_COL_EXT, " unacked:%u", ti->tcpi_unacked);
	if (ti->tcpi_retrans || ti->tcpi_total_retrans)
		ss_table_printf(t, SS_COL_EXT, " retrans:%u/%u", ti->tcpi_retrans, ti->tcpi_total_retrans);
	if (ti->tcpi_lost)
		ss_table_printf(t, SS_COL_EXT, " lost:%u", ti->tcpi_lost);
	if (ti->tcpi_sacked && sock->state != SOCKDIAG_LISTEN)
		ss_table_printf(t, SS_COL_EXT, " sacked:%u", ti->tcpi_sacked);
	if (ti->tcpi_dsack_dups)
		ss_table_printf(t, SS_COL_EXT, " dsack_dups:%u", ti->tcpi_dsack_dups);
	if (ti->tcpi_fackets)
		ss_table_printf(t, SS_COL_EXT, " fackets:%u", ti->tcpi_fackets);
	if (ti->tcpi_reordering != 3)
		ss_table_printf(t, SS_COL_EXT, " reordering:%d", ti->tcpi_reordering);
	if (ti->tcpi_reord_seen)
		ss_table_printf(t, SS_COL_EXT, " reord_seen:%d", ti->tcpi_reord_seen);
	if (ti->tcpi_rcv_rtt)
		ss_table_printf(t, SS_COL_EXT, " rcv_rtt:%g", ti->tcpi_rcv_rtt / 1000.0);
	if (ti->tcpi_rcv_space)
		ss_table_printf(t, SS_COL_EXT, " rcv_space:%d", ti->tcpi_rcv_space);
	if (ti->tcpi_rcv_ssthresh)
		ss_table_printf(t, SS_COL_EXT, " rcv_ssthresh:%u", ti->tcpi_rcv_ssthresh);
	if (ti->tcpi_notsent_bytes)
		ss_table_printf(t, SS_COL_EXT, " notsent:%u", ti->tcpi_notsent_bytes);
	if (ti->tcpi_min_rtt && ti->tcpi_min_rtt != ~0u)
		ss_table_printf(t, SS_COL_EXT, " minrtt:%g", ti->tcpi_min_rtt / 1000.0);
	if (ti->tcpi_rcv_ooopack)
		ss_table_printf(t, SS_COL_EXT, " rcv_ooopack:%u", ti->tcpi_rcv_ooopack);
	if (ti->tcpi_snd_wnd)
		ss_table_printf(t, SS_COL_EXT, " snd_wnd:%u", ti->tcpi_snd_wnd);
}

int ss_print_inet(const struct sockdiag_inet *sock, void *arg)
{
	struct ss_print_ctx *ctx = arg;
	const struct ss_config *cfg = ctx->cfg;
	struct ss_table *t = ctx->table;

	if (!inet_wanted(ctx, sock))
		return 0;
	ctx->count++;
	if (ctx->out) {
		sockdiag_json_inet(ctx->out, sock, ctx->procs);
		return 0;
	}
	print_state(ctx, sockdiag_inet_netid(sock), sock->state, sock->rqueue, sock->wqueue);
	print_inet_endpoint(ctx, sock, &sock->local, sock->ifindex, true);
	print_inet_endpoint(ctx, sock, &sock->remote, 0, false);
	/* The Process column starts even when nothing goes in it. */
	ss_table_printf(t, SS_COL_EXT, "%s", "");
	print_users(ctx, sock->inode);
	if (cfg->timers)
		print_inet_timer(ctx, sock);
	if (cfg->extended) {
		print_details(ctx, sock->uid, sock->inode, sock->cookie, sock->has_mark, sock->mark,
			      sock->has_cgroup_id, sock->cgroup_id);
		if (sock->family == AF_INET6 && sock->v6only >= 0)
			ss_table_printf(t, SS_COL_EXT, " v6only:%u", sock->v6only);
		print_shutdown(t, sock->shutdown);
	}
	if (cfg->memory || (cfg->info && sock->protocol != IPPROTO_UDP)) {
		ss_table_printf(t, SS_COL_EXT, "\n\t");
		print_skmem(t, sock->skmem, sock->skmem_count);
		if (sock->has_tcp_info)
			print_tcp_info(ctx, sock);
	}
	return 0;
}

/* --- unix and packet ------------------------------------------------------------ */

int ss_print_unix(const struct sockdiag_unix *sock, void *arg)
{
	struct ss_print_ctx *ctx = arg;
	struct ss_table *t = ctx->table;
	bool type_wanted;
	size_t i;

	type_wanted = (sock->type == SOCK_STREAM && ctx->cfg->unix_sockets) ||
		      (sock->type == SOCK_DGRAM && ctx->cfg->unix_sockets) ||
		      (sock->type == SOCK_SEQPACKET && ctx->cfg->unix_sockets);
	if (!type_wanted || !(ctx->states & SOCKDIAG_STATE_BIT(sock->state)))
		return 0;
	ctx->count++;
	if (ctx->out) {
		sockdiag_json_unix(ctx->out, sock, ctx->procs);
		return 0;
	}
	print_state(ctx, sockdiag_unix_netid(sock), sock->state, sock->rqueue, sock->wqueue);
	ss_table_printf(t, SS_COL_ADDR, "%s ", sock->has_name ? sock->name : "*");
	ss_table_printf(t, SS_COL_SERV, "%u", sock->inode);
	ss_table_printf(t, SS_COL_RADDR, "* ");
	ss_table_printf(t, SS_COL_RSERV, "%u", sock->peer_inode);
	ss_table_printf(t, SS_COL_EXT, "%s", "");
	print_users(ctx, sock->inode);
	if (ctx->cfg->memory)
		print_skmem(t, sock->skmem, sock->skmem_count);
	if (ctx->cfg->extended) {
		print_shutdown(t, sock->shutdown);
		if (sock->has_vfs)
			ss_table_printf(t, SS_COL_EXT, " ino:%u dev:%u/%u", sock->vfs_inode, major(sock->vfs_dev),
					minor(sock->vfs_dev));
		if (sock->has_pending) {
			ss_table_printf(t, SS_COL_EXT, " peers:");
			for (i = 0; i < sock->pending_count; i++)
				ss_table_printf(t, SS_COL_EXT, " %u", sock->pending_peers[i]);
		}
	}
	return 0;
}

/* iproute2's names for the common link-layer protocols. */
static const char *link_protocol(uint16_t protocol, char *buf, size_t size)
{
	static const struct {
		uint16_t id;
		const char *name;
	} names[] = {
		{ 0x0003, "all" }, { 0x0800, "ip" }, { 0x0806, "arp" }, { 0x8035, "rarp" },
		{ 0x86dd, "ipv6" }, { 0x8100, "802.1Q" }, { 0x88a8, "802.1ad" }, { 0x88cc, "lldp" },
		{ 0x888e, "802.1X" }, { 0x8847, "mpls_uc" }, { 0x8848, "mpls_mc" }, { 0x0004, "802_2" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].id == protocol)
			return names[i].name;
	snprintf(buf, size, "[%u]", protocol);
	return buf;
}

int ss_print_packet(const struct sockdiag_packet *sock, void *arg)
{
	struct ss_print_ctx *ctx = arg;
	struct ss_table *t = ctx->table;
	char buf[32], ifbuf[16];

	if (!(ctx->states & SOCKDIAG_STATE_BIT(SOCKDIAG_CLOSE)))
		return 0;
	ctx->count++;
	if (ctx->out) {
		sockdiag_json_packet(ctx->out, sock, ctx->procs);
		return 0;
	}
	print_state(ctx, sock->type == SOCK_RAW ? "p_raw" : "p_dgr", SOCKDIAG_CLOSE,
		    sock->skmem_count ? sock->skmem[SK_MEMINFO_RMEM_ALLOC] : 0, 0);
	ss_table_printf(t, SS_COL_ADDR, "%s:", sock->protocol == 3 ? "*" : link_protocol(sock->protocol, buf, sizeof(buf)));
	ss_table_printf(t, SS_COL_SERV, "%s", sock->ifindex ? ifname(sock->ifindex, ifbuf, sizeof(ifbuf)) : "*");
	ss_table_printf(t, SS_COL_RADDR, "*");
	ss_table_printf(t, SS_COL_RSERV, "%s", "");
	ss_table_printf(t, SS_COL_EXT, "%s", "");
	print_users(ctx, sock->inode);
	if (ctx->cfg->extended)
		print_details(ctx, sock->has_uid ? sock->uid : 0, sock->inode, sock->cookie, false, 0, false, 0);
	if (ctx->cfg->memory)
		print_skmem(t, sock->skmem, sock->skmem_count);
	return 0;
}
