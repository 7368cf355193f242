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
#include <sys/socket.h>

#include "probe_impl.h"
#include "sonde/pkt.h"

#define ACCEPT_ALL 0xffffffffu
#define IPV4_FRAGMENT_OFFSET 0x1fff
#define IPV6_HDR_LEN 40

/* Jump offsets are relative to the next instruction: helpers name the two
 * last instructions of every program below, "accept" then "drop". */
#define TO_ACCEPT(at, len) ((uint8_t)((len) - 2 - (at) - 1))
#define TO_DROP(at, len) ((uint8_t)((len) - 1 - (at) - 1))

static int attach(int fd, struct sock_filter *code, size_t len)
{
	struct sock_fprog prog = { .len = (unsigned short)len, .filter = code };

	if (fd < 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

/* IPv4 TCP: first fragments only, destination port ours. */
static int tcp4_filter(int fd, uint16_t port)
{
	enum { LEN = 7 };
	struct sock_filter code[LEN] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, IPV4_FRAGMENT_OFFSET, TO_DROP(1, LEN), 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, TO_ACCEPT(4, LEN), TO_DROP(4, LEN)),
		BPF_STMT(BPF_RET | BPF_K, ACCEPT_ALL),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	return attach(fd, code, LEN);
}

/* IPv6 TCP: the header is the packet's start. */
static int tcp6_filter(int fd, uint16_t port)
{
	enum { LEN = 4 };
	struct sock_filter code[LEN] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, TO_ACCEPT(1, LEN), TO_DROP(1, LEN)),
		BPF_STMT(BPF_RET | BPF_K, ACCEPT_ALL),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	return attach(fd, code, LEN);
}

/* ICMP errors whose quote is TCP from our source port.  X walks the
 * headers: the outer IP header, then (after the ICMP header) the quoted
 * one, whose source port is the quote's first transport field. */
static int icmp4_filter(int fd, uint16_t port)
{
	enum { LEN = 12 };
	struct sock_filter code[LEN] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, PKT_ICMP_HDR_LEN + 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PKT_PROTO_TCP, 0, TO_DROP(2, LEN)),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, PKT_ICMP_HDR_LEN),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x0f),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, PKT_ICMP_HDR_LEN),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, TO_ACCEPT(9, LEN), TO_DROP(9, LEN)),
		BPF_STMT(BPF_RET | BPF_K, ACCEPT_ALL),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	return attach(fd, code, LEN);
}

/* ICMPv6: the quoted header's next-header field, then the source port. */
static int icmp6_filter(int fd, uint16_t port)
{
	enum { LEN = 6 };
	struct sock_filter code[LEN] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, PKT_ICMP_HDR_LEN + 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PKT_PROTO_TCP, 0, TO_DROP(1, LEN)),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, PKT_ICMP_HDR_LEN + IPV6_HDR_LEN),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, TO_ACCEPT(3, LEN), TO_DROP(3, LEN)),
		BPF_STMT(BPF_RET | BPF_K, ACCEPT_ALL),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	return attach(fd, code, LEN);
}

int probe_filter_attach(const struct probe_engine *e)
{
	bool v6 = e->cfg.family == AF_INET6;
	int rc;

	if (e->cfg.method != PROBE_TCP_SYN && e->cfg.method != PROBE_TCP_ACK)
		return 0;
	rc = v6 ? tcp6_filter(e->send_fd, e->local_id) : tcp4_filter(e->send_fd, e->local_id);
	if (rc == 0)
		rc = v6 ? icmp6_filter(e->icmp_fd, e->local_id) : icmp4_filter(e->icmp_fd, e->local_id);
	return rc;
}
