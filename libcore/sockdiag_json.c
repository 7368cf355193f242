/* Sockets as JSON objects, shared by ss and netstat so that both applets
 * name every field the same way. */
#include <sys/socket.h>

#include "sonde/out.h"
#include "sonde/procfd.h"
#include "sonde/sockdiag.h"

const char *sockdiag_inet_netid(const struct sockdiag_inet *sock)
{
	switch (sock->protocol) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	default: return "raw";
	}
}

const char *sockdiag_unix_netid(const struct sockdiag_unix *sock)
{
	switch (sock->type) {
	case SOCK_STREAM: return "u_str";
	case SOCK_SEQPACKET: return "u_seq";
	default: return "u_dgr";
	}
}

/* The kernel's state names, except for a socket without a peer (UDP, raw,
 * unix datagram, packet: TCP_CLOSE to the kernel), which is "UNCONN" as in
 * ss's text rather than a "CLOSE" that reads like a closed connection. */
static const char *json_state_name(unsigned state)
{
	return state == SOCKDIAG_CLOSE ? "UNCONN" : sockdiag_state_name(state);
}

static void json_endpoint(struct sonde_out *out, const char *key, const struct sonde_addr *addr)
{
	char text[ADDR_STRLEN];

	out_open_object(out, key);
	out_print_str(out, "address", NULL, addr_ntop(addr, text, sizeof(text)));
	out_print_uint(out, "port", NULL, addr_port(addr));
	out_close_object(out);
}

static void json_processes(struct sonde_out *out, struct procfd_map *procs, uint32_t inode)
{
	const struct procfd_owner *o;

	if (!procs)
		return;
	out_open_array(out, "processes");
	for (o = procfd_find(procs, inode); o; o = procfd_next(procs, o)) {
		out_open_object(out, NULL);
		out_print_int(out, "pid", NULL, o->pid);
		out_print_int(out, "fd", NULL, o->fd);
		out_print_str(out, "name", NULL, procfd_comm(procs, o));
		out_close_object(out);
	}
	out_close_array(out);
}

static void json_skmem(struct sonde_out *out, const uint32_t *skmem, size_t count)
{
	static const char *const names[] = { "rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc",
					     "wmem_queued", "optmem", "backlog", "drops" };
	size_t i;

	if (!count)
		return;
	out_open_object(out, "skmem");
	for (i = 0; i < count && i < sizeof(names) / sizeof(names[0]); i++)
		out_print_uint(out, names[i], NULL, skmem[i]);
	out_close_object(out);
}

static void json_timer(struct sonde_out *out, const struct sockdiag_inet *sock)
{
	static const char *const kinds[] = { "off", "on", "keepalive", "timewait", "persist" };

	if (!sock->timer)
		return;
	out_open_object(out, "timer");
	out_print_str(out, "kind", NULL, sock->timer < 5 ? kinds[sock->timer] : "unknown");
	out_print_uint(out, "expires_ms", NULL, sock->expires_ms);
	out_print_uint(out, "retrans", NULL, sock->retrans);
	out_close_object(out);
}

static void json_tcp_info(struct sonde_out *out, const struct sockdiag_inet *sock)
{
	const struct sockdiag_tcp_info *ti = &sock->tcp_info;

	if (!sock->has_tcp_info)
		return;
	out_open_object(out, "tcp_info");
	if (sock->congestion[0])
		out_print_str(out, "congestion", NULL, sock->congestion);
	out_print_double(out, "rtt_ms", NULL, ti->tcpi_rtt / 1000.0);
	out_print_double(out, "rttvar_ms", NULL, ti->tcpi_rttvar / 1000.0);
	out_print_double(out, "rto_ms", NULL, ti->tcpi_rto / 1000.0);
	out_print_double(out, "min_rtt_ms", NULL, ti->tcpi_min_rtt == ~0u ? 0 : ti->tcpi_min_rtt / 1000.0);
	out_print_uint(out, "mss", NULL, ti->tcpi_snd_mss);
	out_print_uint(out, "cwnd", NULL, ti->tcpi_snd_cwnd);
	out_print_uint(out, "ssthresh", NULL, ti->tcpi_snd_ssthresh);
	out_print_uint(out, "unacked", NULL, ti->tcpi_unacked);
	out_print_uint(out, "retrans", NULL, ti->tcpi_retrans);
	out_print_uint(out, "total_retrans", NULL, ti->tcpi_total_retrans);
	out_print_uint(out, "lost", NULL, ti->tcpi_lost);
	out_print_uint(out, "bytes_sent", NULL, ti->tcpi_bytes_sent);
	out_print_uint(out, "bytes_acked", NULL, ti->tcpi_bytes_acked);
	out_print_uint(out, "bytes_received", NULL, ti->tcpi_bytes_received);
	out_print_uint(out, "segs_out", NULL, ti->tcpi_segs_out);
	out_print_uint(out, "segs_in", NULL, ti->tcpi_segs_in);
	out_print_uint(out, "delivery_rate_bps", NULL, ti->tcpi_delivery_rate * 8);
	out_print_uint(out, "pacing_rate_bps", NULL,
		       ti->tcpi_pacing_rate == ~0ull ? 0 : ti->tcpi_pacing_rate * 8);
	out_close_object(out);
}

void sockdiag_json_inet(struct sonde_out *out, const struct sockdiag_inet *sock, struct procfd_map *procs)
{
	out_open_object(out, NULL);
	out_print_str(out, "netid", NULL, sockdiag_inet_netid(sock));
	out_print_str(out, "family", NULL, sock->family == AF_INET ? "inet" : "inet6");
	out_print_str(out, "state", NULL, json_state_name(sock->state));
	out_print_uint(out, "recv_q", NULL, sock->rqueue);
	out_print_uint(out, "send_q", NULL, sock->wqueue);
	json_endpoint(out, "local", &sock->local);
	json_endpoint(out, "peer", &sock->remote);
	if (sock->protocol == IPPROTO_RAW)
		out_print_int(out, "raw_protocol", NULL, sock->raw_protocol);
	if (sock->ifindex)
		out_print_uint(out, "ifindex", NULL, sock->ifindex);
	out_print_uint(out, "uid", NULL, sock->uid);
	out_print_uint(out, "inode", NULL, sock->inode);
	if (sock->v6only >= 0)
		out_print_bool(out, "v6only", NULL, sock->v6only);
	json_timer(out, sock);
	json_processes(out, procs, sock->inode);
	json_skmem(out, sock->skmem, sock->skmem_count);
	json_tcp_info(out, sock);
	out_close_object(out);
}

void sockdiag_json_unix(struct sonde_out *out, const struct sockdiag_unix *sock, struct procfd_map *procs)
{
	out_open_object(out, NULL);
	out_print_str(out, "netid", NULL, sockdiag_unix_netid(sock));
	out_print_str(out, "family", NULL, "unix");
	out_print_str(out, "state", NULL, json_state_name(sock->state));
	out_print_uint(out, "recv_q", NULL, sock->rqueue);
	out_print_uint(out, "send_q", NULL, sock->wqueue);
	out_open_object(out, "local");
	if (sock->has_name)
		out_print_str(out, "path", NULL, sock->name);
	else
		out_print_null(out, "path", NULL, NULL);
	out_close_object(out);
	out_open_object(out, "peer");
	out_print_uint(out, "inode", NULL, sock->peer_inode);
	out_close_object(out);
	out_print_uint(out, "inode", NULL, sock->inode);
	json_processes(out, procs, sock->inode);
	json_skmem(out, sock->skmem, sock->skmem_count);
	out_close_object(out);
}

void sockdiag_json_packet(struct sonde_out *out, const struct sockdiag_packet *sock, struct procfd_map *procs)
{
	out_open_object(out, NULL);
	out_print_str(out, "netid", NULL, sock->type == SOCK_RAW ? "p_raw" : "p_dgr");
	out_print_str(out, "family", NULL, "packet");
	out_print_str(out, "state", NULL, json_state_name(SOCKDIAG_CLOSE));
	out_print_uint(out, "recv_q", NULL, sock->skmem_count ? sock->skmem[SK_MEMINFO_RMEM_ALLOC] : 0);
	out_print_uint(out, "send_q", NULL, 0);
	out_print_uint(out, "protocol", NULL, sock->protocol);
	out_print_uint(out, "ifindex", NULL, sock->ifindex);
	out_print_uint(out, "inode", NULL, sock->inode);
	json_processes(out, procs, sock->inode);
	out_close_object(out);
}
