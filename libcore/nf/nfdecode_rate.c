/* The limit and set matches and the SET target: those whose text depends
 * on more than the blob (limit's rate arithmetic, set names kept by
 * ipset). */
#include <errno.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_set.h>
#include <stdio.h>

#include "nfdecode_impl.h"

int nfdecode_limit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_set(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

#define LIMIT_DEFAULT_BURST 5

/* avg is the time between packets in 1/10000 s; iptables shows the largest
 * unit in which the rate is a whole number of packets. */
static void limit_rate(struct strbuf *out, uint32_t avg)
{
	static const struct { const char *name; uint32_t mult; } units[] = {
		{ "day", XT_LIMIT_SCALE * 24 * 60 * 60 }, { "hour", XT_LIMIT_SCALE * 60 * 60 },
		{ "min", XT_LIMIT_SCALE * 60 }, { "sec", XT_LIMIT_SCALE },
	};
	unsigned i;

	if (avg == 0) {
		strbuf_puts(out, " inf");
		return;
	}
	for (i = 1; i < 4; i++)
		if (avg > units[i].mult || units[i].mult / avg < units[i].mult % avg)
			break;
	strbuf_printf(out, " %u/%s", units[i - 1].mult / avg, units[i - 1].name);
}

int nfdecode_limit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	uint32_t avg_burst[2];

	memcpy(avg_burst, ext->data, sizeof(avg_burst));
	if (nfdecode_save(o)) {
		strbuf_puts(out, " --limit");
		limit_rate(out, avg_burst[0]);
		if (avg_burst[1] != LIMIT_DEFAULT_BURST)
			strbuf_printf(out, " --limit-burst %u", avg_burst[1]);
		return 0;
	}
	strbuf_puts(out, " limit: avg");
	limit_rate(out, avg_burst[0]);
	strbuf_printf(out, " burst %u", avg_burst[1]);
	return 0;
}

static void set_reference(struct strbuf *out, const struct xt_set_info *info, const struct nfdecode_opts *o)
{
	const char *name = o->set_name ? o->set_name(o->set_name_arg, info->index) : NULL;
	unsigned i;

	strbuf_printf(out, "%s %smatch-set ", (info->flags & IPSET_INV_MATCH) ? " !" : "", nfdecode_save(o) ? "--" : "");
	if (name)
		strbuf_puts(out, name);
	else
		strbuf_printf(out, "#%u", info->index);
	for (i = 1; i <= info->dim && i <= IPSET_DIM_MAX; i++)
		strbuf_printf(out, "%s%s", i == 1 ? " " : ",", (info->flags & (1u << i)) ? "src" : "dst");
}

static void set_counter(struct strbuf *out, uint8_t op, uint64_t value, const char *name, const char *p)
{
	unsigned long long v = (unsigned long long)value;

	switch (op) {
	case IPSET_COUNTER_EQ: strbuf_printf(out, " %s%s-eq %llu", p, name, v); break;
	case IPSET_COUNTER_NE: strbuf_printf(out, " ! %s%s-eq %llu", p, name, v); break;
	case IPSET_COUNTER_LT: strbuf_printf(out, " %s%s-lt %llu", p, name, v); break;
	case IPSET_COUNTER_GT: strbuf_printf(out, " %s%s-gt %llu", p, name, v); break;
	default: break;
	}
}

int nfdecode_set(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	const char *p = nfdecode_save(o) ? "--" : "";
	struct xt_set_info_match_v4 v4;
	struct xt_set_info_match_v3 v3;
	struct xt_set_info info;
	uint8_t packets_op = 0, bytes_op = 0;
	uint64_t packets = 0, bytes = 0;
	uint32_t flags = 0;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.dim > IPSET_DIM_MAX)
		return -EINVAL;
	set_reference(out, &info, o);
	if (ext->revision == 3) {
		nfdecode_load(&v3, sizeof(v3), ext);
		flags = v3.flags;
		packets_op = v3.packets.op, packets = v3.packets.value;
		bytes_op = v3.bytes.op, bytes = v3.bytes.value;
	} else if (ext->revision == 4) {
		nfdecode_load(&v4, sizeof(v4), ext);
		flags = v4.flags;
		packets_op = v4.packets.op, packets = v4.packets.value;
		bytes_op = v4.bytes.op, bytes = v4.bytes.value;
	}
	if (flags & IPSET_FLAG_RETURN_NOMATCH)
		strbuf_printf(out, " %sreturn-nomatch", p);
	if (flags & IPSET_FLAG_SKIP_COUNTER_UPDATE)
		strbuf_printf(out, " ! %supdate-counters", p);
	if (flags & IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE)
		strbuf_printf(out, " ! %supdate-subcounters", p);
	set_counter(out, packets_op, packets, "packets", p);
	set_counter(out, bytes_op, bytes, "bytes", p);
	return 0;
}

/* One set of the SET target: " PREFIX NAME src,dst"; nothing for a set
 * not given.  A set ipset no longer knows stops iptables: -ENOTSUP. */
static int set_target_ref(struct strbuf *out, const char *prefix, const struct xt_set_info *info,
			  const struct nfdecode_opts *o)
{
	const char *name;
	unsigned i;

	if (info->index == IPSET_INVALID_ID)
		return 0;
	name = o->set_name ? o->set_name(o->set_name_arg, info->index) : NULL;
	if (!name)
		return -ENOTSUP;
	if (info->dim > IPSET_DIM_MAX)
		return -EINVAL;
	strbuf_printf(out, " %s %s", prefix, name);
	for (i = 1; i <= info->dim; i++)
		strbuf_printf(out, "%s%s", i == 1 ? " " : ",", (info->flags & (1u << i)) ? "src" : "dst");
	return 0;
}

int nfdecode_set_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_set_info_target_v3 info;
	const char *p = nfdecode_save(o) ? "--" : "";
	char label[16];
	int rc;

	nfdecode_load(&info, sizeof(info), ext);
	if (ext->revision < 3) {
		memset(&info.map_set, 0, sizeof(info.map_set));
		info.map_set.index = IPSET_INVALID_ID;
	}
	if (ext->revision == 2) {
		struct xt_set_info_target_v2 v2;

		nfdecode_load(&v2, sizeof(v2), ext);
		info.flags = v2.flags;
		info.timeout = v2.timeout;
	}
	snprintf(label, sizeof(label), "%sadd-set", p);
	if ((rc = set_target_ref(out, label, &info.add_set, o)) < 0)
		return rc;
	if (ext->revision >= 2) {
		if (info.flags & IPSET_FLAG_EXIST)
			strbuf_printf(out, " %sexist", p);
		if (info.timeout != UINT32_MAX)
			strbuf_printf(out, " %stimeout %u", p, info.timeout);
	}
	snprintf(label, sizeof(label), "%sdel-set", p);
	if ((rc = set_target_ref(out, label, &info.del_set, o)) < 0)
		return rc;
	if (ext->revision < 3)
		return 0;
	snprintf(label, sizeof(label), "%smap-set", p);
	if ((rc = set_target_ref(out, label, &info.map_set, o)) < 0)
		return rc;
	if (info.flags & IPSET_FLAG_MAP_SKBMARK)
		strbuf_printf(out, " %smap-mark", p);
	if (info.flags & IPSET_FLAG_MAP_SKBPRIO)
		strbuf_printf(out, " %smap-prio", p);
	if (info.flags & IPSET_FLAG_MAP_SKBQUEUE)
		strbuf_printf(out, " %smap-queue", p);
	return 0;
}
