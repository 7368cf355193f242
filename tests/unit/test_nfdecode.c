/* The decoder table with fixed blobs: save and list forms, iptables'
 * string quoting and masks, and honest output for blobs it cannot read. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_statistic.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <stdlib.h>

#include "sonde/nfdecode.h"
#include "sonde/xt.h"
#include "tap.h"

static const char *render(bool target, const char *name, uint8_t rev, const void *data, size_t len,
			  enum nfdecode_style style, int *rc)
{
	static struct strbuf out;
	struct nfdecode_opts o = { .family = NFPROTO_IPV4, .style = style, .numeric = true, .proto = 6 };
	struct nfdecode_ext ext = { .name = name, .revision = rev, .data = data, .len = len };

	strbuf_reset(&out);
	*rc = target ? nfdecode_target(&out, &ext, &o) : nfdecode_match(&out, &ext, &o);
	return out.data ? out.data : "";
}

static void test_tcp(void)
{
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 1024, 65535 }, .flg_mask = 0x17, .flg_cmp = 0x02 };
	int rc;

	is_str(render(false, "tcp", 0, &tcp, sizeof(tcp), NFDECODE_SAVE, &rc),
	       " -m tcp --dport 1024:65535 --tcp-flags FIN,SYN,RST,ACK SYN", "tcp save form");
	is_int(rc, 0, "tcp decodes");
	is_str(render(false, "tcp", 0, &tcp, sizeof(tcp), NFDECODE_LIST, &rc), " tcp dpts:1024:65535 flags:0x17/0x02",
	       "tcp list form (numeric)");
}

static void test_statistic(void)
{
	struct xt_statistic_info st = { .mode = XT_STATISTIC_MODE_RANDOM, .u.random.probability = 0x40000000 };
	int rc;

	is_str(render(false, "statistic", 0, &st, sizeof(st), NFDECODE_SAVE, &rc),
	       " -m statistic --mode random --probability 0.50000000000", "statistic keeps kube-proxy's digits");
}

static void test_dnat(void)
{
	struct nf_nat_range2 r = { .flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED };
	int rc;

	inet_pton(AF_INET, "10.244.1.5", &r.min_addr.in);
	r.max_addr = r.min_addr;
	r.min_proto.all = r.max_proto.all = htons(8080);
	is_str(render(true, "DNAT", 2, &r, sizeof(r), NFDECODE_SAVE, &rc), " -j DNAT --to-destination 10.244.1.5:8080",
	       "DNAT revision 2, save form");
	is_str(render(true, "DNAT", 2, &r, sizeof(r), NFDECODE_LIST, &rc), " to:10.244.1.5:8080", "DNAT list form");
}

static void test_honesty(void)
{
	uint8_t junk[3] = { 1, 2, 3 };
	int rc;

	is_str(render(false, "tcp", 0, junk, sizeof(junk), NFDECODE_SAVE, &rc),
	       " -m tcp /* sonde: short blob for tcp revision 0, 3 bytes */", "a short blob is named, not read");
	is_int(rc, -EINVAL, "a short blob is -EINVAL");
	is_str(render(false, "geoip", 1, junk, sizeof(junk), NFDECODE_SAVE, &rc),
	       " -m geoip /* sonde: no decoder for geoip revision 1, 3 bytes */", "an unknown match keeps its name");
	is_int(rc, -ENOENT, "an unknown match is -ENOENT");
}

static void test_strings_and_masks(void)
{
	struct strbuf b = { 0 };
	uint8_t mask[4] = { 255, 0, 255, 0 }, cidr[4] = { 255, 255, 240, 0 }, full[4] = { 255, 255, 255, 255 };

	nfbuf_save_string(&b, "SSH");
	nfbuf_save_string(&b, "ns/svc:http -> \"x\"");
	nfbuf_save_string(&b, "");
	is_str(b.data, " SSH \"ns/svc:http -> \\\"x\\\"\" \"\"", "iptables' quoting");
	strbuf_reset(&b);
	nfbuf_mask(&b, NFPROTO_IPV4, cidr);
	nfbuf_mask(&b, NFPROTO_IPV4, mask);
	nfbuf_mask(&b, NFPROTO_IPV4, full);
	is_str(b.data, "/20/255.0.255.0", "masks: prefix, dotted, none when full");
	strbuf_free(&b);
	is_str(nf_proto_chain_name(58), "ipv6-icmp", "iptables' own protocol table");
}

int main(void)
{
	test_tcp();
	test_statistic();
	test_dnat();
	test_honesty();
	test_strings_and_masks();
	return tap_exit();
}
