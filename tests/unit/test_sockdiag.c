/* sock_diag parsers, state names, and the filter compiler: every compiled
 * program is checked against the kernel's audit rules and run on a model
 * of the kernel's bytecode machine, which must agree with the user-space
 * evaluation for every test socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/unix_diag.h>

#include "sonde/sockdiag.h"
#include "tap.h"

/* --- a model of net/ipv4/inet_diag.c: audit and run ----------------------- */

static bool valid_cc(const uint8_t *bc, int len, int cc)
{
	while (len >= 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;

		if (cc > len)
			return false;
		if (cc == len)
			return true;
		if (op->yes < 4 || op->yes & 3)
			return false;
		len -= op->yes;
		bc += op->yes;
	}
	return false;
}

static bool audit(const uint8_t *code, int code_len)
{
	const uint8_t *bc = code;
	int len = code_len;

	while (len > 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;
		int min_len = sizeof(*op);

		switch (op->code) {
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			const struct inet_diag_hostcond *cond = (const void *)(op + 1);
			int addr_len;

			min_len += sizeof(*cond);
			if (len < min_len)
				return false;
			addr_len = cond->family == AF_UNSPEC ? 0 : cond->family == AF_INET ? 4 :
				   cond->family == AF_INET6 ? 16 : -1;
			if (addr_len < 0 || cond->prefix_len > 8 * addr_len)
				return false;
			min_len += addr_len;
			if (len < min_len)
				return false;
			break;
		}
		case INET_DIAG_BC_S_GE: case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_GE: case INET_DIAG_BC_D_LE:
			min_len += sizeof(*op);
			if (len < min_len)
				return false;
			break;
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP:
			break;
		default:
			return false;
		}
		if (op->code != INET_DIAG_BC_NOP) {
			if (op->no < min_len || op->no > len + 4 || op->no & 3)
				return false;
			if (op->no < len && !valid_cc(code, code_len, len - op->no))
				return false;
		}
		if (op->yes < min_len || op->yes > len + 4 || op->yes & 3)
			return false;
		bc += op->yes;
		len -= op->yes;
	}
	return len == 0;
}

static bool bits_equal(const uint32_t *a, const uint32_t *b, int bits)
{
	int words = bits / 32;

	if (words && memcmp(a, b, (size_t)words * 4))
		return false;
	bits &= 31;
	if (bits) {
		uint32_t mask = htonl(0xffffffffu << (32 - bits));

		return ((a[words] ^ b[words]) & mask) == 0;
	}
	return true;
}

static bool kernel_run(const uint8_t *bc, int len, const struct sockdiag_inet *s)
{
	uint32_t saddr[4] = { 0 }, daddr[4] = { 0 };
	int sport = ntohs(s->local.u.in4.sin_port), dport = ntohs(s->remote.u.in4.sin_port);

	if (s->family == AF_INET) {
		memcpy(saddr, &s->local.u.in4.sin_addr, 4);
		memcpy(daddr, &s->remote.u.in4.sin_addr, 4);
	} else {
		memcpy(saddr, &s->local.u.in6.sin6_addr, 16);
		memcpy(daddr, &s->remote.u.in6.sin6_addr, 16);
	}
	while (len > 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;
		bool yes = true;

		switch (op->code) {
		case INET_DIAG_BC_NOP: break;
		case INET_DIAG_BC_JMP: yes = false; break;
		case INET_DIAG_BC_S_GE: yes = sport >= op[1].no; break;
		case INET_DIAG_BC_S_LE: yes = sport <= op[1].no; break;
		case INET_DIAG_BC_D_GE: yes = dport >= op[1].no; break;
		case INET_DIAG_BC_D_LE: yes = dport <= op[1].no; break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			const struct inet_diag_hostcond *cond = (const void *)(op + 1);
			const uint32_t *addr = op->code == INET_DIAG_BC_S_COND ? saddr : daddr;

			if (cond->port != -1 && cond->port != (op->code == INET_DIAG_BC_S_COND ? sport : dport)) {
				yes = false;
				break;
			}
			if (cond->family != AF_UNSPEC && cond->family != s->family) {
				if (s->family == AF_INET6 && cond->family == AF_INET && addr[0] == 0 && addr[1] == 0 &&
				    addr[2] == htonl(0xffff) && bits_equal(addr + 3, cond->addr, cond->prefix_len))
					break;
				yes = false;
				break;
			}
			if (cond->prefix_len == 0)
				break;
			yes = bits_equal(addr, cond->addr, cond->prefix_len);
			break;
		}
		}
		if (yes) {
			len -= op->yes;
			bc += op->yes;
		} else {
			len -= op->no;
			bc += op->no;
		}
	}
	return len == 0;
}

/* --- sockets to test against ---------------------------------------------------- */

static struct sockdiag_inet make_sock(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct sockdiag_inet s;

	memset(&s, 0, sizeof(s));
	addr_parse_ip(src, sport, AF_UNSPEC, &s.local);
	addr_parse_ip(dst, dport, AF_UNSPEC, &s.remote);
	s.family = addr_family(&s.local);
	s.protocol = IPPROTO_TCP;
	return s;
}

static void check_filter(const char *expr, const struct sockdiag_inet *socks, size_t count, const bool *want)
{
	struct sockdiag_filter f;
	uint8_t code[SOCKDIAG_BYTECODE_MAX];
	char err[128] = "";
	char *words[] = { (char *)expr };
	size_t len, i;
	bool agree = true, as_wanted = true;

	if (!ok(sockdiag_filter_parse(&f, 1, words, err, sizeof(err)) == 0, "parses: %s", expr)) {
		printf("#   %s\n", err);
		return;
	}
	ok(sockdiag_filter_compile(&f, code, sizeof(code), &len) == 0 && len > 0, "compiles: %s", expr);
	ok(audit(code, (int)len), "passes the kernel's audit: %s", expr);
	for (i = 0; i < count; i++) {
		bool user = sockdiag_filter_match(&f, &socks[i]), kernel = kernel_run(code, (int)len, &socks[i]);

		if (user != kernel)
			agree = false;
		if (want && user != want[i]) {
			as_wanted = false;
			printf("#   socket %zu: got %d, want %d\n", i, user, want[i]);
		}
	}
	ok(agree, "kernel and user space agree: %s", expr);
	if (want)
		ok(as_wanted, "matches the expected sockets: %s", expr);
}

static void test_filters(void)
{
	struct sockdiag_inet socks[] = {
		make_sock("10.0.0.1", 22, "10.0.0.2", 40000),        /* 0 */
		make_sock("10.0.0.1", 443, "192.168.1.7", 50000),    /* 1 */
		make_sock("127.0.0.1", 5432, "127.0.0.1", 61000),    /* 2 */
		make_sock("::1", 443, "::1", 1024),                  /* 3 */
		make_sock("::ffff:10.1.2.3", 8080, "::ffff:10.9.9.9", 443), /* 4 */
		make_sock("2001:db8::1", 80, "2001:db8:1::5", 333),  /* 5 */
	};
	size_t n = sizeof(socks) / sizeof(socks[0]);
	static const bool dport443[] = { 0, 0, 0, 0, 1, 0 };
	static const bool sport_ge_1024[] = { 0, 0, 1, 0, 1, 0 };
	static const bool dst_10_8[] = { 1, 0, 0, 0, 1, 0 };
	static const bool not_or[] = { 0, 0, 1, 1, 1, 1 };
	static const bool v6prefix[] = { 0, 0, 0, 0, 0, 1 };
	static const bool gt_lt[] = { 0, 1, 0, 1, 0, 0 };
	static const bool hostport[] = { 0, 1, 0, 0, 0, 0 };

	check_filter("dport = :443", socks, n, dport443);
	check_filter("sport >= :1024", socks, n, sport_ge_1024);
	check_filter("dst 10.0.0.0/8", socks, n, dst_10_8);
	check_filter("not ( sport = :22 or dst 192.168.0.0/16 )", socks, n, not_or);
	check_filter("dst [2001:db8::]/32", socks, n, v6prefix);
	check_filter("sport > :100 and sport < :1000", socks, n, gt_lt);
	check_filter("src 10.0.0.1:443", socks, n, hostport);
	check_filter("sport == :https", socks, n, NULL);
	check_filter("(dport != :443 && src 127.0.0.0/8) || !dst ::1 or sport le :80 dport ge :1", socks, n, NULL);
	check_filter("dst *:443 or src [::1]:443", socks, n, NULL);
}

static void test_filter_errors(void)
{
	static const char *const bad[] = {
		"dport = :nosuchservice", "dst", "dst 300.1.1.1", "( sport = :1", "sport = :1 )",
		"frobnicate", "dst [::1", "sport > :*", "dport = :70000",
	};
	struct sockdiag_filter f;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *words[] = { (char *)bad[i] };

		err[0] = '\0';
		ok(sockdiag_filter_parse(&f, 1, words, err, sizeof(err)) == -EINVAL && err[0],
		   "refused with a reason: %s (%s)", bad[i], err);
	}
	ok(sockdiag_filter_parse(&f, 0, NULL, err, sizeof(err)) == 0 && f.root == -1, "an empty filter is fine");
}

/* --- parsers ----------------------------------------------------------------------- */

static size_t put_attr(uint8_t *buf, size_t at, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { (uint16_t)(NLA_HDRLEN + len), type };

	memcpy(buf + at, &nla, sizeof(nla));
	memcpy(buf + at + NLA_HDRLEN, data, len);
	return at + NLA_ALIGN(NLA_HDRLEN + len);
}

static void test_parse_inet(void)
{
	uint8_t buf[512] = { 0 };
	struct inet_diag_msg msg = { 0 };
	struct sockdiag_inet s;
	uint32_t skmem[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint8_t v6only = 1, shut = 2;
	size_t len;
	char text[ADDR_STRLEN];

	msg.idiag_family = AF_INET6;
	msg.idiag_state = SOCKDIAG_LISTEN;
	msg.idiag_rqueue = 3;
	msg.idiag_wqueue = 128;
	msg.idiag_inode = 4242;
	msg.id.idiag_sport = htons(443);
	msg.id.idiag_cookie[0] = 0x10;
	msg.id.idiag_cookie[1] = 0x1;
	inet_pton(AF_INET6, "2001:db8::7", msg.id.idiag_src);
	memcpy(buf, &msg, sizeof(msg));
	len = put_attr(buf, NLMSG_ALIGN(sizeof(msg)), INET_DIAG_SKV6ONLY, &v6only, 1);
	len = put_attr(buf, len, INET_DIAG_SHUTDOWN, &shut, 1);
	len = put_attr(buf, len, INET_DIAG_SKMEMINFO, skmem, sizeof(skmem));
	len = put_attr(buf, len, INET_DIAG_CONG, "cubic", 6);
	is_int(sockdiag_parse_inet(buf, len, IPPROTO_TCP, &s), 0, "an inet_diag message parses");
	is_int(s.family, AF_INET6, "family");
	is_int(s.state, SOCKDIAG_LISTEN, "state");
	is_int(s.wqueue, 128, "send queue");
	is_int(s.inode, 4242, "inode");
	is_int(addr_port(&s.local), 443, "local port");
	is_str(addr_ntop(&s.local, text, sizeof(text)), "2001:db8::7", "local address");
	is_int(s.v6only, 1, "v6only attribute");
	is_int(s.shutdown, 2, "shutdown attribute");
	is_int(s.skmem_count, 9, "skmem entries");
	is_int(s.skmem[8], 9, "skmem drops");
	is_str(s.congestion, "cubic", "congestion control name");
	ok(s.cookie == 0x100000010ull, "cookie");
	ok(sockdiag_parse_inet(buf, sizeof(msg) - 1, IPPROTO_TCP, &s) == -EINVAL, "a truncated message is refused");
	/* A bad attribute length ends the walk without reading past the end. */
	buf[NLMSG_ALIGN(sizeof(msg))] = 0xff;
	ok(sockdiag_parse_inet(buf, len, IPPROTO_TCP, &s) == 0 && s.v6only == -1, "a bad attribute is ignored");
}

/* INET_DIAG_INFO carries the kernel's struct tcp_info.  The bytes here are
 * laid out by hand at the offsets of linux/tcp.h's UAPI layout, so a field
 * read from the wrong place (or RX taken for TX) fails. */
static void put_u32_at(uint8_t *info, size_t offset, uint32_t value)
{
	memcpy(info + offset, &value, sizeof(value));
}

static void put_u64_at(uint8_t *info, size_t offset, uint64_t value)
{
	memcpy(info + offset, &value, sizeof(value));
}

static size_t inet_msg_with_info(uint8_t *buf, const uint8_t *info, size_t info_len)
{
	struct inet_diag_msg msg = { 0 };

	msg.idiag_family = AF_INET;
	msg.idiag_state = SOCKDIAG_ESTABLISHED;
	memcpy(buf, &msg, sizeof(msg));
	return put_attr(buf, NLMSG_ALIGN(sizeof(msg)), INET_DIAG_INFO, info, info_len);
}

static void test_parse_tcp_info(void)
{
	uint8_t buf[512] = { 0 }, info[232] = { 0 };
	struct sockdiag_inet s;
	const struct sockdiag_tcp_info *ti = &s.tcp_info;
	size_t len;

	info[0] = 1;           /* tcpi_state: TCP_ESTABLISHED */
	info[2] = 3;           /* tcpi_retransmits */
	info[5] = 0x07;        /* tcpi_options: timestamps, sack, wscale */
	info[6] = 0x97;        /* snd_wscale 7 (low nibble), rcv_wscale 9 (high nibble) */
	put_u32_at(info, 8, 204000);      /* tcpi_rto, us */
	put_u32_at(info, 16, 32768);      /* tcpi_snd_mss */
	put_u32_at(info, 20, 536);        /* tcpi_rcv_mss */
	put_u32_at(info, 68, 1234);       /* tcpi_rtt, us */
	put_u32_at(info, 72, 617);        /* tcpi_rttvar */
	put_u32_at(info, 80, 10);         /* tcpi_snd_cwnd */
	put_u32_at(info, 100, 5);         /* tcpi_total_retrans */
	put_u64_at(info, 104, 5000000000ull); /* tcpi_pacing_rate, bytes/s */
	put_u64_at(info, 120, 1001);      /* tcpi_bytes_acked */
	put_u64_at(info, 128, 300);       /* tcpi_bytes_received */
	put_u32_at(info, 136, 7);         /* tcpi_segs_out */
	put_u32_at(info, 140, 6);         /* tcpi_segs_in */
	put_u32_at(info, 148, 42);        /* tcpi_min_rtt */
	put_u32_at(info, 152, 2);         /* tcpi_data_segs_in */
	put_u32_at(info, 156, 3);         /* tcpi_data_segs_out */
	put_u64_at(info, 160, 123456789ull); /* tcpi_delivery_rate */
	put_u64_at(info, 168, 8000);      /* tcpi_busy_time, us */
	put_u64_at(info, 200, 1000);      /* tcpi_bytes_sent */
	put_u64_at(info, 208, 11);        /* tcpi_bytes_retrans */

	len = inet_msg_with_info(buf, info, sizeof(info));
	is_int(sockdiag_parse_inet(buf, len, IPPROTO_TCP, &s), 0, "tcp_info: the message parses");
	ok(s.has_tcp_info, "tcp_info: present");
	is_int(ti->tcpi_state, 1, "tcp_info: state");
	is_int(ti->tcpi_retransmits, 3, "tcp_info: retransmits");
	is_int(ti->tcpi_options, 7, "tcp_info: options");
	is_int(ti->tcpi_snd_wscale, 7, "tcp_info: snd_wscale is the low nibble");
	is_int(ti->tcpi_rcv_wscale, 9, "tcp_info: rcv_wscale is the high nibble");
	is_int(ti->tcpi_rto, 204000, "tcp_info: rto");
	is_int(ti->tcpi_snd_mss, 32768, "tcp_info: snd_mss");
	is_int(ti->tcpi_rcv_mss, 536, "tcp_info: rcv_mss");
	is_int(ti->tcpi_rtt, 1234, "tcp_info: rtt");
	is_int(ti->tcpi_rttvar, 617, "tcp_info: rttvar");
	is_int(ti->tcpi_snd_cwnd, 10, "tcp_info: cwnd");
	is_int(ti->tcpi_total_retrans, 5, "tcp_info: total_retrans");
	ok(ti->tcpi_pacing_rate == 5000000000ull, "tcp_info: pacing_rate (64 bits)");
	is_int(ti->tcpi_bytes_acked, 1001, "tcp_info: bytes_acked");
	is_int(ti->tcpi_bytes_received, 300, "tcp_info: bytes_received");
	is_int(ti->tcpi_segs_out, 7, "tcp_info: segs_out");
	is_int(ti->tcpi_segs_in, 6, "tcp_info: segs_in");
	is_int(ti->tcpi_min_rtt, 42, "tcp_info: min_rtt");
	is_int(ti->tcpi_data_segs_in, 2, "tcp_info: data_segs_in");
	is_int(ti->tcpi_data_segs_out, 3, "tcp_info: data_segs_out");
	is_int(ti->tcpi_delivery_rate, 123456789, "tcp_info: delivery_rate");
	is_int(ti->tcpi_busy_time, 8000, "tcp_info: busy_time");
	is_int(ti->tcpi_bytes_sent, 1000, "tcp_info: bytes_sent");
	is_int(ti->tcpi_bytes_retrans, 11, "tcp_info: bytes_retrans");

	/* An older kernel sends a shorter struct (here up to tcpi_total_retrans):
	 * what it did not send reads as zero, not as the previous socket's. */
	len = inet_msg_with_info(buf, info, 104);
	is_int(sockdiag_parse_inet(buf, len, IPPROTO_TCP, &s), 0, "tcp_info: a short struct parses");
	is_int(ti->tcpi_total_retrans, 5, "tcp_info: short: the last field sent");
	ok(ti->tcpi_pacing_rate == 0 && ti->tcpi_bytes_sent == 0 && ti->tcpi_segs_out == 0,
	   "tcp_info: short: the fields not sent are zero");
	len = inet_msg_with_info(buf, info, sizeof(info));
	is_int(sockdiag_parse_inet(buf, len, IPPROTO_UDP, &s), 0, "tcp_info: a UDP message parses");
	ok(!s.has_tcp_info, "tcp_info: only TCP sockets carry tcp_info");
}

static void test_parse_unix(void)
{
	uint8_t buf[512] = { 0 };
	struct unix_diag_msg msg = { 0 };
	struct sockdiag_unix s;
	uint32_t peer = 99, icons[2] = { 7, 8 }, pending[4];
	struct unix_diag_rqlen rq = { 2, 16 };
	size_t len;

	msg.udiag_family = AF_UNIX;
	msg.udiag_type = 1;
	msg.udiag_state = SOCKDIAG_LISTEN;
	msg.udiag_ino = 55;
	memcpy(buf, &msg, sizeof(msg));
	len = put_attr(buf, NLMSG_ALIGN(sizeof(msg)), UNIX_DIAG_NAME, "\0abs\0x", 6);
	len = put_attr(buf, len, UNIX_DIAG_PEER, &peer, 4);
	len = put_attr(buf, len, UNIX_DIAG_RQLEN, &rq, sizeof(rq));
	len = put_attr(buf, len, UNIX_DIAG_ICONS, icons, sizeof(icons));
	is_int(sockdiag_parse_unix(buf, len, &s, pending, 4), 0, "a unix_diag message parses");
	is_str(s.name, "@abs@x", "abstract names show '@' for NULs");
	is_int(s.peer_inode, 99, "peer inode");
	is_int(s.rqueue, 2, "receive queue");
	is_int(s.pending_count, 2, "pending connections");
	is_int(s.pending_peers[1], 8, "their peers");
	is_int(sockdiag_parse_unix(buf, len, &s, pending, 1), 0, "pending list bounded");
	is_int(s.pending_count, 1, "pending count capped at the buffer");
}

static void test_proc_raw(void)
{
	struct sockdiag_inet s;
	char text[ADDR_STRLEN];

	is_int(sockdiag_parse_proc_raw("   1: 0100007F:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1234 2 0000000000000000 0",
				       AF_INET, &s), 0, "a /proc/net/raw line parses");
	is_str(addr_ntop(&s.local, text, sizeof(text)), "127.0.0.1", "raw local address");
	is_int(s.raw_protocol, 1, "raw protocol from the port field");
	is_int(s.inode, 1234, "raw inode");
	ok(sockdiag_parse_proc_raw("garbage", AF_INET, &s) == -EINVAL, "a bad line is refused");
}

int main(void)
{
	test_filters();
	test_filter_errors();
	test_parse_inet();
	test_parse_tcp_info();
	test_parse_unix();
	test_proc_raw();
	is_str(sockdiag_state_name(SOCKDIAG_CLOSE_WAIT), "CLOSE_WAIT", "netstat state name");
	is_str(sockdiag_state_name_short(SOCKDIAG_CLOSE), "UNCONN", "ss state name");
	ok(sockdiag_state_mask_from_name("bucket") ==
		   (SOCKDIAG_STATE_BIT(SOCKDIAG_SYN_RECV) | SOCKDIAG_STATE_BIT(SOCKDIAG_TIME_WAIT)),
	   "state group 'bucket'");
	ok(sockdiag_state_mask_from_name("listen") == 0, "ss has no 'listen' (only 'listening')");
	return tap_exit();
}
