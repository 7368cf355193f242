/* Classic BPF socket filters for raw TCP engines.  Every raw TCP socket of
 * the host gets a copy of every TCP segment that arrives, and every raw ICMP
 * socket a copy of every ICMP error: a scan split over several engines (one
 * per thread) would read each reply once per engine.  The filters, compiled
 * for the engine's own source port, let the kernel drop the others' replies
 * before they are queued.
 *
 * What a filter sees: an IPv4 raw socket's packet starts at the IP header
 * (its length in the IHL nibble), an IPv6 raw socket's at the transport
 * header.  An ICMP error quotes the probe after its 8-byte header: IPv4's
 * quote starts with an IP header of its own length, IPv6's with a fixed
 * 40-byte one. */
#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>

#include "probe_impl.h"
#include "sonde/pkt.h"

#define ACCEPT_ALL 0xffffffffu
#define IPV4_FRAGMENT_OFFSET 0x1fff
#define IPV6_HDR_LEN 40
/* The longest program below, with the ending port_match() adds. */
#define FILTER_MAX 16
/* The ending: the half-word in A is our port, or the packet is dropped. */
#define PORT_MATCH_LEN 3

/* From instruction at of a prefix prefix_len long, the jump to the
 * ending's last instruction ("drop"). */
#define TO_DROP(at, prefix_len) ((uint8_t)((prefix_len) + PORT_MATCH_LEN - 1 - (at) - 1))

/* Attaches prefix (which leaves the packet's port field in A, or jumps to
 * drop with TO_DROP) followed by the comparison with port. */
static int attach_port_match(int fd, const struct sock_filter *prefix, size_t prefix_len, uint16_t port)
{
	struct sock_filter code[FILTER_MAX];
	struct sock_fprog prog = { .len = (unsigned short)(prefix_len + PORT_MATCH_LEN), .filter = code };

	if (fd < 0)
		return 0;
	memcpy(code, prefix, prefix_len * sizeof(*prefix));
	code[prefix_len] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1);
	code[prefix_len + 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ACCEPT_ALL);
	code[prefix_len + 2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

/* IPv4 TCP: first fragments only, then the destination port. */
static const struct sock_filter tcp4_prefix[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, IPV4_FRAGMENT_OFFSET, TO_DROP(1, 4), 0),
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
};

/* IPv6 TCP: the header is the packet's start. */
static const struct sock_filter tcp6_prefix[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),
};

/* ICMP errors quoting TCP: the quote's source port.  X walks the headers:
 * the outer IP header, then (after the ICMP header) the quoted one. */
static const struct sock_filter icmp4_prefix[] = {
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	BPF_STMT(BPF_LD | BPF_B | BPF_IND, PKT_ICMP_HDR_LEN + 9),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PKT_PROTO_TCP, 0, TO_DROP(2, 9)),
	BPF_STMT(BPF_LD | BPF_B | BPF_IND, PKT_ICMP_HDR_LEN),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x0f),
	BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
	BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
	BPF_STMT(BPF_MISC | BPF_TAX, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, PKT_ICMP_HDR_LEN),
};

/* ICMPv6: the quoted header's next-header field, then the source port. */
static const struct sock_filter icmp6_prefix[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, PKT_ICMP_HDR_LEN + 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PKT_PROTO_TCP, 0, TO_DROP(1, 3)),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, PKT_ICMP_HDR_LEN + IPV6_HDR_LEN),
};

#define PREFIX(p) p, sizeof(p) / sizeof((p)[0])

int probe_filter_attach(const struct probe_engine *e)
{
	bool v6 = e->cfg.family == AF_INET6;
	int rc;

	if (e->cfg.method != PROBE_TCP_SYN && e->cfg.method != PROBE_TCP_ACK)
		return 0;
	rc = v6 ? attach_port_match(e->send_fd, PREFIX(tcp6_prefix), e->local_id)
		: attach_port_match(e->send_fd, PREFIX(tcp4_prefix), e->local_id);
	if (rc == 0)
		rc = v6 ? attach_port_match(e->icmp_fd, PREFIX(icmp6_prefix), e->local_id)
			: attach_port_match(e->icmp_fd, PREFIX(icmp4_prefix), e->local_id);
	return rc;
}
