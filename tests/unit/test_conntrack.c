/* libcore conntrack: CTNETLINK messages built here byte by byte, parsed,
 * formatted in conntrack-tools' shapes, filtered; hostile messages. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/conntrack.h"
#include "tap.h"

/* --- a tiny message builder ---------------------------------------------- */

struct msg {
	uint8_t buf[2048];
	size_t len;
	size_t nest[8];
	int depth;
};

static void msg_start(struct msg *m, uint8_t type, uint16_t flags, uint8_t family)
{
	struct nlmsghdr h = { 0 };
	struct nfgenmsg g = { family, NFNETLINK_V0, 0 };

	memset(m, 0, sizeof(*m));
	h.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	h.nlmsg_flags = flags;
	memcpy(m->buf, &h, sizeof(h));
	memcpy(m->buf + NLMSG_HDRLEN, &g, sizeof(g));
	m->len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(g));
}

static void put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { (uint16_t)(NLA_HDRLEN + len), type };

	memcpy(m->buf + m->len, &a, sizeof(a));
	if (len)
		memcpy(m->buf + m->len + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v) { put(m, type, &v, 1); }
static void put_be16(struct msg *m, uint16_t type, uint16_t v) { v = htons(v); put(m, type, &v, 2); }
static void put_be32(struct msg *m, uint16_t type, uint32_t v) { v = htonl(v); put(m, type, &v, 4); }

static void put_be64(struct msg *m, uint16_t type, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
	put(m, type, b, 8);
}

static void nest_start(struct msg *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m)
{
	size_t at = m->nest[--m->depth];
	uint16_t len = (uint16_t)(m->len - at);

	memcpy(m->buf + at, &len, sizeof(len));
}

static void msg_end(struct msg *m)
{
	uint32_t len = (uint32_t)m->len;

	memcpy(m->buf, &len, sizeof(len));
}

static void put_tuple4(struct msg *m, uint16_t which, const char *src, const char *dst, uint8_t proto,
		       uint16_t sport, uint16_t dport)
{
	struct in_addr a;

	nest_start(m, which);
	nest_start(m, CTA_TUPLE_IP);
	inet_pton(AF_INET, src, &a);
	put(m, CTA_IP_V4_SRC, &a, 4);
	inet_pton(AF_INET, dst, &a);
	put(m, CTA_IP_V4_DST, &a, 4);
	nest_end(m);
	nest_start(m, CTA_TUPLE_PROTO);
	put_u8(m, CTA_PROTO_NUM, proto);
	put_be16(m, CTA_PROTO_SRC_PORT, sport);
	put_be16(m, CTA_PROTO_DST_PORT, dport);
	nest_end(m);
	nest_end(m);
}

/* A masqueraded, DNATed TCP entry in ESTABLISHED with counters. */
static void build_tcp(struct msg *m, uint8_t type, uint16_t flags)
{
	msg_start(m, type, flags, AF_INET);
	put_tuple4(m, CTA_TUPLE_ORIG, "10.0.0.2", "10.0.0.1", IPPROTO_TCP, 40000, 8080);
	put_tuple4(m, CTA_TUPLE_REPLY, "10.1.0.2", "10.1.0.1", IPPROTO_TCP, 80, 40000);
	nest_start(m, CTA_PROTOINFO);
	nest_start(m, CTA_PROTOINFO_TCP);
	put_u8(m, CTA_PROTOINFO_TCP_STATE, 3);
	nest_end(m);
	nest_end(m);
	nest_start(m, CTA_COUNTERS_ORIG);
	put_be64(m, CTA_COUNTERS_PACKETS, 5);
	put_be64(m, CTA_COUNTERS_BYTES, 300);
	nest_end(m);
	nest_start(m, CTA_COUNTERS_REPLY);
	put_be64(m, CTA_COUNTERS_PACKETS, 4);
	put_be64(m, CTA_COUNTERS_BYTES, 1200);
	nest_end(m);
	put_be32(m, CTA_STATUS, CT_STATUS_SEEN_REPLY | CT_STATUS_ASSURED | CT_STATUS_CONFIRMED);
	put_be32(m, CTA_TIMEOUT, 431999);
	put_be32(m, CTA_MARK, 7);
	put_be32(m, CTA_USE, 1);
	put_be32(m, CTA_ID, 12345);
	nest_start(m, CTA_HELP);
	put(m, CTA_HELP_NAME, "ftp", 4);
	nest_end(m);
	msg_end(m);
}

static void test_parse_and_format(void)
{
	struct ct_entry e;
	struct msg m;
	char line[CT_LINE_MAX];

	build_tcp(&m, IPCTNL_MSG_CT_NEW, NLM_F_MULTI);
	is_int(ct_parse_msg(m.buf, m.len, &e), 0, "a TCP entry parses");
	is_int(e.family, AF_INET, "family from nfgenmsg");
	is_int(e.orig.sport, 40000, "original source port");
	is_int(e.reply.sport, 80, "reply source port");
	is_int(e.tcp_state, 3, "TCP state");
	is_int(e.counters[1].bytes, 1200, "64-bit reply byte counter");
	is_str(e.helper, "ftp", "helper name (an attribute libnl leaves out)");
	is_int(e.event, CT_EVENT_UPDATE, "a NEW message without NLM_F_CREATE reads as an update");
	e.event = CT_EVENT_NONE; /* as ct_dump() hands it over */
	ct_format(line, sizeof(line), &e, 0, NULL, 0);
	is_str(line,
	       "tcp      6 431999 ESTABLISHED src=10.0.0.2 dst=10.0.0.1 sport=40000 dport=8080 packets=5 bytes=300 "
	       "src=10.1.0.2 dst=10.1.0.1 sport=80 dport=40000 packets=4 bytes=1200 [ASSURED] mark=7 helper=ftp use=1",
	       "default line as conntrack -L");
	ct_format(line, sizeof(line), &e, CT_FMT_EXTENDED | CT_FMT_ID, NULL, 0);
	is_str(line,
	       "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.2 dst=10.0.0.1 sport=40000 dport=8080 packets=5 "
	       "bytes=300 src=10.1.0.2 dst=10.1.0.1 sport=80 dport=40000 packets=4 bytes=1200 [ASSURED] mark=7 "
	       "helper=ftp use=1 id=12345",
	       "-o extended,id");
	ct_format(line, sizeof(line), &e, CT_FMT_SAVE, NULL, 0);
	is_str(line,
	       "-A -t 431999 -u SEEN_REPLY,ASSURED -s 10.0.0.2 -d 10.0.0.1 -g 10.1.0.2 -n 10.1.0.1 -p tcp --sport 40000 "
	       "--dport 8080 --reply-port-src 80 --reply-port-dst 40000 --state ESTABLISHED",
	       "-o save: NAT shown as -g/-n");
	ok(ct_is_snat(&e) && ct_is_dnat(&e) && ct_is_dpat(&e) && !ct_is_spat(&e), "NAT predicates");

	build_tcp(&m, IPCTNL_MSG_CT_DELETE, 0);
	ct_parse_msg(m.buf, m.len, &e);
	ct_format(line, sizeof(line), &e, 0, NULL, 0);
	ok(strncmp(line, "[DESTROY] tcp      6 ", 21) == 0, "a DELETE event line starts with [DESTROY]");
	build_tcp(&m, IPCTNL_MSG_CT_NEW, NLM_F_CREATE);
	ct_parse_msg(m.buf, m.len, &e);
	ct_format(line, sizeof(line), &e, 0, NULL, 0);
	ok(strncmp(line, "    [NEW] tcp", 13) == 0, "a NEW event line is right-aligned in 9 columns");

	/* A short buffer cuts the line, never overruns. */
	build_tcp(&m, IPCTNL_MSG_CT_NEW, 0);
	ct_parse_msg(m.buf, m.len, &e);
	e.event = CT_EVENT_NONE;
	ok(ct_format(line, 10, &e, 0, NULL, 0) == strlen(line) && strlen(line) <= 9 &&
	   strncmp(line, "tcp      ", strlen(line)) == 0,
	   "formatting into 10 bytes writes at most 9, terminated");
}

static void test_icmp_v6_unreplied(void)
{
	struct ct_entry e;
	struct msg m;
	char line[CT_LINE_MAX];
	struct in6_addr a, b;

	inet_pton(AF_INET6, "fd00::1", &a);
	inet_pton(AF_INET6, "fd00::2", &b);
	msg_start(&m, IPCTNL_MSG_CT_NEW, 0, AF_INET6);
	nest_start(&m, CTA_TUPLE_ORIG);
	nest_start(&m, CTA_TUPLE_IP);
	put(&m, CTA_IP_V6_SRC, &a, 16);
	put(&m, CTA_IP_V6_DST, &b, 16);
	nest_end(&m);
	nest_start(&m, CTA_TUPLE_PROTO);
	put_u8(&m, CTA_PROTO_NUM, IPPROTO_ICMPV6);
	put_be16(&m, CTA_PROTO_ICMPV6_ID, 77);
	put_u8(&m, CTA_PROTO_ICMPV6_TYPE, 128);
	put_u8(&m, CTA_PROTO_ICMPV6_CODE, 0);
	nest_end(&m);
	put_be16(&m, CTA_TUPLE_ZONE, 3);
	nest_end(&m);
	nest_start(&m, CTA_TUPLE_REPLY);
	nest_start(&m, CTA_TUPLE_IP);
	put(&m, CTA_IP_V6_SRC, &b, 16);
	put(&m, CTA_IP_V6_DST, &a, 16);
	nest_end(&m);
	nest_start(&m, CTA_TUPLE_PROTO);
	put_u8(&m, CTA_PROTO_NUM, IPPROTO_ICMPV6);
	put_be16(&m, CTA_PROTO_ICMPV6_ID, 77);
	put_u8(&m, CTA_PROTO_ICMPV6_TYPE, 129);
	put_u8(&m, CTA_PROTO_ICMPV6_CODE, 0);
	nest_end(&m);
	nest_end(&m);
	put_be32(&m, CTA_STATUS, CT_STATUS_CONFIRMED);
	put_be32(&m, CTA_TIMEOUT, 29);
	put_be16(&m, CTA_ZONE, 9);
	nest_start(&m, CTA_TIMESTAMP);
	put_be64(&m, CTA_TIMESTAMP_START, 1000ull * 1000000000ull);
	nest_end(&m);
	msg_end(&m);
	is_int(ct_parse_msg(m.buf, m.len, &e), 0, "an ICMPv6 entry parses");
	e.event = CT_EVENT_NONE;
	ct_format(line, sizeof(line), &e, 0, NULL, 1010);
	is_str(line,
	       "icmpv6   58 29 src=fd00::1 dst=fd00::2 type=128 code=0 id=77 zone-orig=3 [UNREPLIED] src=fd00::2 "
	       "dst=fd00::1 type=129 code=0 id=77 zone=9 delta-time=10",
	       "ICMPv6, per-direction zone, unreplied, delta-time of a live entry");
	ct_format(line, sizeof(line), &e, CT_FMT_SAVE, NULL, 0);
	is_str(line,
	       "-A -t 29 -u UNSET -w 9 --orig-zone 3 -s fd00::1 -d fd00::2 -r fd00::2 -q fd00::1 -p icmpv6 "
	       "--icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77",
	       "-o save for ICMPv6");
}

static void test_filters(void)
{
	struct ct_filter f;
	struct ct_entry e;
	struct msg m;

	build_tcp(&m, IPCTNL_MSG_CT_NEW, 0);
	ct_parse_msg(m.buf, m.len, &e);
	memset(&f, 0, sizeof(f));
	ok(ct_filter_is_empty(&f) && ct_filter_match(&f, &e), "an empty filter matches everything");
	addr_parse_prefix("10.0.0.0/24", true, &f.addr[CT_ORIG_SRC]);
	f.has_addr[CT_ORIG_SRC] = true;
	ok(ct_filter_match(&f, &e), "-s 10.0.0.0/24 matches 10.0.0.2");
	addr_parse_prefix("10.0.1.0/24", true, &f.addr[CT_ORIG_SRC]);
	ok(!ct_filter_match(&f, &e), "-s 10.0.1.0/24 does not");
	memset(&f, 0, sizeof(f));
	f.has_port[CT_REPLY_SRC] = true;
	f.port[CT_REPLY_SRC] = 80;
	ok(ct_filter_match(&f, &e), "--reply-port-src 80");
	memset(&f, 0, sizeof(f));
	f.has_mark = true;
	f.mark = 6;
	f.mark_mask = 6;
	ok(ct_filter_match(&f, &e), "-m 6/6 matches mark 7");
	memset(&f, 0, sizeof(f));
	ok(ct_filter_parse_status(&f, "ASSURED") == 0 && ct_filter_match(&f, &e), "-u ASSURED");
	memset(&f, 0, sizeof(f));
	ok(ct_filter_parse_status(&f, "UNREPLIED") == 0 && !ct_filter_match(&f, &e), "-u UNREPLIED excludes it");
	memset(&f, 0, sizeof(f));
	ok(ct_filter_parse_status(&f, "!ASSURED") == 0 && !ct_filter_match(&f, &e), "-u !ASSURED excludes it");
	memset(&f, 0, sizeof(f));
	is_int(ct_filter_parse_status(&f, "ASSURED,BOGUS"), -EINVAL, "an unknown status is refused");
	memset(&f, 0, sizeof(f));
	f.dst_nat = true;
	f.has_dnat_addr = true;
	f.dnat_family = AF_INET;
	inet_pton(AF_INET, "10.1.0.2", f.dnat_addr);
	f.has_dnat_port = true;
	f.dnat_port = 80;
	ok(ct_filter_match(&f, &e), "-g 10.1.0.2:80 matches the DNAT entry");
	f.dnat_port = 81;
	ok(!ct_filter_match(&f, &e), "-g 10.1.0.2:81 does not");
	memset(&f, 0, sizeof(f));
	f.has_zone = true;
	f.zone = 0;
	ok(ct_filter_match(&f, &e), "-w 0 matches an entry without a zone attribute");
}

static void test_hostile(void)
{
	struct ct_entry e;
	struct msg m;
	size_t cut;
	int clean = 1;

	build_tcp(&m, IPCTNL_MSG_CT_NEW, 0);
	for (cut = 0; cut < m.len; cut++) {
		uint32_t len = (uint32_t)cut;
		uint8_t copy[2048];
		int rc;

		memcpy(copy, m.buf, m.len);
		memcpy(copy, &len, sizeof(len));
		rc = ct_parse_msg(copy, cut, &e);
		if (rc != 0 && rc != -EINVAL)
			clean = 0;
	}
	ok(clean, "every truncation parses or is refused with -EINVAL");
	build_tcp(&m, IPCTNL_MSG_CT_NEW, 0);
	m.buf[NLMSG_HDRLEN + 4 + 0] = 0xff; /* the first attribute claims 255+ bytes */
	m.buf[NLMSG_HDRLEN + 4 + 1] = 0xff;
	is_int(ct_parse_msg(m.buf, m.len, &e), -EINVAL, "an attribute longer than the message is refused");
	build_tcp(&m, IPCTNL_MSG_CT_GET_STATS, 0);
	is_int(ct_parse_msg(m.buf, m.len, &e), -ENOMSG, "another message type is not an entry");
}

static void test_stats_and_tally(void)
{
	struct ct_cpu_stats stats;
	struct ct_tally t = { 0 };
	struct ct_top_item top[3];
	uint8_t key[CT_TALLY_KEY_LEN] = { 0 };
	char text[64];
	struct msg m;
	int i;

	msg_start(&m, IPCTNL_MSG_CT_GET_STATS_CPU, 0, AF_UNSPEC);
	m.buf[NLMSG_HDRLEN + 3] = 1; /* res_id: CPU 1 */
	put_be32(&m, CTA_STATS_INSERT_FAILED, 42);
	put_be32(&m, CTA_STATS_FOUND, 3);
	msg_end(&m);
	is_int(ct_parse_cpu_stats(m.buf, m.len, &stats), 0, "per-CPU statistics parse");
	is_int(stats.cpu, 1, "CPU number from res_id");
	is_int(stats.value[CTA_STATS_INSERT_FAILED], 42, "insert_failed");
	ok(stats.present == ((1u << CTA_STATS_INSERT_FAILED) | (1u << CTA_STATS_FOUND)), "only the counters sent");
	is_str(ct_stats_name(CTA_STATS_INSERT_FAILED), "insert_failed", "counter names as conntrack -S");

	key[0] = AF_INET;
	for (i = 0; i < 5000; i++) {
		key[1] = (uint8_t)(i % 7);
		key[2] = (uint8_t)(i / 7 % 250);
		ct_tally_add(&t, key);
	}
	key[1] = 9;
	key[2] = 9;
	for (i = 0; i < 50; i++)
		ct_tally_add(&t, key);
	is_int(ct_tally_top(&t, top, 3), 3, "three top items");
	is_int(top[0].count, 50, "the heaviest key first");
	is_str(ct_top_addr_text(&top[0], text, sizeof(text)), "9.9.0.0", "top item as an address");
	ok(top[1].count <= top[0].count && top[2].count <= top[1].count, "sorted by count");
	ct_tally_free(&t);
}

int main(void)
{
	test_parse_and_format();
	test_icmp_v6_unreplied();
	test_filters();
	test_hostile();
	test_stats_and_tally();
	return tap_exit();
}
