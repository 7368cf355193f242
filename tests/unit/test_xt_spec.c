/* The rule spec that iptables -S, iptables-save and path share, from fixed
 * rules: addresses and masks, inversions, counters where each tool puts
 * them, jumps and extension targets. */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <string.h>

#include "sonde/xt_spec.h"
#include "tap.h"

static const char *spec(const struct xt_rule *r, int family, enum xt_spec_counters counters)
{
	static struct strbuf line;
	static const struct xt_chain chain = { .name = "INPUT", .builtin = true };
	/* Taken as the save style whatever it says. */
	struct nfdecode_opts decode = { .family = family, .style = NFDECODE_LIST, .numeric = true };

	xt_rule_spec(&line, &decode, &chain, r, counters);
	return line.data ? line.data : "";
}

static void test_basics(void)
{
	struct xt_rule r = { .proto = 6, .verdict = XT_VERDICT_JUMP, .jump = "KUBE-SERVICES",
			     .packets = 3, .bytes = 180 };

	memcpy(r.src, (uint8_t[]){ 10, 0, 0, 0 }, 4);
	memcpy(r.src_mask, (uint8_t[]){ 255, 0, 0, 0 }, 4);
	memcpy(r.dst, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	memcpy(r.dst_mask, (uint8_t[]){ 255, 255, 0, 255 }, 4);
	strcpy(r.in_iface, "eth+");
	r.invflags = XT_RULE_INV_IN | XT_RULE_INV_DST;
	is_str(spec(&r, NFPROTO_IPV4, XT_SPEC_NO_COUNTERS),
	       "-A INPUT -s 10.0.0.0/8 ! -d 192.0.2.1/255.255.0.255 ! -i eth+ -p tcp -j KUBE-SERVICES",
	       "prefix mask as a length, other mask dotted, inversions before the option");
	is_str(spec(&r, NFPROTO_IPV4, XT_SPEC_COUNTERS_PREFIX),
	       "[3:180] -A INPUT -s 10.0.0.0/8 ! -d 192.0.2.1/255.255.0.255 ! -i eth+ -p tcp -j KUBE-SERVICES",
	       "iptables-save -c: counters first");
	is_str(spec(&r, NFPROTO_IPV4, XT_SPEC_COUNTERS_OPTION),
	       "-A INPUT -s 10.0.0.0/8 ! -d 192.0.2.1/255.255.0.255 ! -i eth+ -p tcp -c 3 180 -j KUBE-SERVICES",
	       "iptables -S -v: counters before the target");
	r.verdict = XT_VERDICT_GOTO;
	is_str(spec(&r, NFPROTO_IPV4, XT_SPEC_NO_COUNTERS),
	       "-A INPUT -s 10.0.0.0/8 ! -d 192.0.2.1/255.255.0.255 ! -i eth+ -p tcp -g KUBE-SERVICES", "goto as -g");
}

static void test_any_and_verdicts(void)
{
	struct xt_rule r = { .verdict = XT_VERDICT_NONE };

	is_str(spec(&r, NFPROTO_IPV6, XT_SPEC_NO_COUNTERS), "-A INPUT", "a rule that only counts: nothing after the chain");
	r.invflags = XT_RULE_INV_SRC;
	r.verdict = XT_VERDICT_DROP;
	r.proto = 253;
	r.fragment = false;
	is_str(spec(&r, NFPROTO_IPV6, XT_SPEC_NO_COUNTERS), "-A INPUT ! -s ::/0 -p 253 -j DROP",
	       "an inverted any address is written; an unnamed protocol as a number");
	is_str(xt_verdict_name(XT_VERDICT_RETURN), "RETURN", "verdict names");
	is_str(xt_target_name(&r), "DROP", "the target of a verdict rule is the verdict");
}

static void test_extensions(void)
{
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 22, 22 } };
	struct xt_blob match = { .name = "tcp", .len = sizeof(tcp), .data = (uint8_t *)&tcp };
	struct xt_rule r = { .proto = 6, .matches = &match, .match_count = 1, .verdict = XT_VERDICT_ACCEPT };

	is_str(spec(&r, NFPROTO_IPV4, XT_SPEC_NO_COUNTERS), "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT",
	       "matches through the decoders in the save style");
	r.untranslated = "meta mark 0x1";
	is_str(spec(&r, NFPROTO_IPV4, XT_SPEC_NO_COUNTERS),
	       "-A INPUT -p tcp -m tcp --dport 22 /* sonde: nf_tables expressions: meta mark 0x1 */ -j ACCEPT",
	       "what iptables-nft could not translate, said so");
}

int main(void)
{
	test_basics();
	test_any_and_verdicts();
	test_extensions();
	return tap_exit();
}
