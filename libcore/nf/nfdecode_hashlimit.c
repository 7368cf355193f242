/* Decoders of the per-flow and estimated rate extensions: the hashlimit
 * and rateest matches and the RATEEST target, in iptables 1.8.9's save
 * and list forms (its own rounding of rates and times included). */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_RATEEST.h>
#include <linux/netfilter/xt_hashlimit.h>
#include <linux/netfilter/xt_rateest.h>
#include <stdio.h>

#include "nfdecode_impl.h"

/* Copies a fixed-size kernel string so it is terminated whatever the blob
 * held. */
static void copy_text(char *dst, size_t size, const char *src, size_t src_size)
{
	size_t n = strnlen(src, src_size < size - 1 ? src_size : size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* --- hashlimit --------------------------------------------------------- */

enum { HASHLIMIT_GC_INTERVAL_MS = 1000, HASHLIMIT_BYTE_EXPIRE_S = 15, HASHLIMIT_BYTE_EXPIRE_BURST_S = 60 };

struct hashlimit_view {
	struct hashlimit_cfg3 cfg;
	char name[NAME_MAX + 1];
	unsigned default_mask_bits;   /* 32 or 128: masks equal to it are not shown */
};

/* Revisions 1 and 2 widened to revision 3's configuration. */
static int hashlimit_load(const struct nfdecode_ext *ext, const struct nfdecode_opts *o, struct hashlimit_view *v)
{
	memset(v, 0, sizeof(*v));
	v->default_mask_bits = o->family == NFPROTO_IPV6 ? 128 : 32;
	if (ext->revision == 1) {
		struct xt_hashlimit_mtinfo1 info;

		nfdecode_load(&info, sizeof(info), ext);
		copy_text(v->name, sizeof(v->name), info.name, sizeof(info.name));
		v->cfg = (struct hashlimit_cfg3){ .avg = info.cfg.avg, .burst = info.cfg.burst, .mode = info.cfg.mode,
						  .size = info.cfg.size, .max = info.cfg.max,
						  .gc_interval = info.cfg.gc_interval, .expire = info.cfg.expire,
						  .srcmask = info.cfg.srcmask, .dstmask = info.cfg.dstmask };
	} else if (ext->revision == 2) {
		struct xt_hashlimit_mtinfo2 info;

		nfdecode_load(&info, sizeof(info), ext);
		copy_text(v->name, sizeof(v->name), info.name, sizeof(info.name));
		v->cfg = (struct hashlimit_cfg3){ .avg = info.cfg.avg, .burst = info.cfg.burst, .mode = info.cfg.mode,
						  .size = info.cfg.size, .max = info.cfg.max,
						  .gc_interval = info.cfg.gc_interval, .expire = info.cfg.expire,
						  .srcmask = info.cfg.srcmask, .dstmask = info.cfg.dstmask };
	} else if (ext->revision == 3) {
		struct xt_hashlimit_mtinfo3 info;

		nfdecode_load(&info, sizeof(info), ext);
		copy_text(v->name, sizeof(v->name), info.name, sizeof(info.name));
		v->cfg = info.cfg;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* " N/unit" with the largest unit that divides evenly enough, as iptables
 * picks it; returns that unit in milliseconds (the default expiry). */
static uint64_t hashlimit_rate(struct strbuf *out, uint64_t period, unsigned revision)
{
	static const char *const names[] = { "day", "hour", "min", "sec" };
	static const uint64_t seconds[] = { 24 * 60 * 60, 60 * 60, 60, 1 };
	uint64_t scale = revision == 1 ? XT_HASHLIMIT_SCALE : XT_HASHLIMIT_SCALE_v2;
	uint64_t mult;
	size_t i;

	if (period == 0) {
		strbuf_puts(out, " inf");
		return 0;
	}
	for (i = 1; i < 4; i++) {
		mult = seconds[i] * scale;
		if (period > mult || mult / period < mult % period)
			break;
	}
	mult = seconds[i - 1] * scale;
	strbuf_printf(out, " %llu/%s", (unsigned long long)(mult / period), names[i - 1]);
	return seconds[i - 1] * 1000;
}

static uint64_t hashlimit_cost_to_bytes(uint64_t cost)
{
	uint64_t r = cost ? UINT32_MAX / cost : UINT32_MAX;

	return (r - 1) << XT_HASHLIMIT_BYTE_SHIFT;
}

static uint64_t hashlimit_bytes_to_cost(uint64_t bytes)
{
	uint32_t r = (uint32_t)(bytes >> XT_HASHLIMIT_BYTE_SHIFT);

	return UINT32_MAX / ((uint64_t)r + 1);
}

/* " Nkb/s" and the burst in bytes; returns the default expiry in ms. */
static uint64_t hashlimit_bytes(struct strbuf *out, uint64_t avg, uint64_t burst, const char *prefix)
{
	static const struct { const char *name; uint32_t size; } units[] = {
		{ "m", 1024 * 1024 }, { "k", 1024 }, { "", 1 },
	};
	uint64_t r = hashlimit_cost_to_bytes(avg);
	size_t i;

	for (i = 0; i < 2; i++)
		if (r >= units[i].size && hashlimit_bytes_to_cost(r & (uint32_t)~(units[i].size - 1)) == avg)
			break;
	strbuf_printf(out, " %llu%sb/s", (unsigned long long)(r / units[i].size), units[i].name);
	if (burst == 0)
		return HASHLIMIT_BYTE_EXPIRE_S * 1000;
	r *= burst;
	for (i = 0; i < 2; i++)
		if (r >= units[i].size)
			break;
	strbuf_printf(out, " %sburst %llu%sb", prefix, (unsigned long long)(r / units[i].size), units[i].name);
	return HASHLIMIT_BYTE_EXPIRE_BURST_S * 1000;
}

static void hashlimit_mode(struct strbuf *out, uint32_t mode, char separator)
{
	static const struct { uint32_t bit; const char *name; } keys[] = {
		{ XT_HASHLIMIT_HASH_SIP, "srcip" }, { XT_HASHLIMIT_HASH_SPT, "srcport" },
		{ XT_HASHLIMIT_HASH_DIP, "dstip" }, { XT_HASHLIMIT_HASH_DPT, "dstport" },
	};
	bool first = true;
	size_t i;

	strbuf_puts(out, " ");
	for (i = 0; i < 4; i++) {
		if (!(mode & keys[i].bit))
			continue;
		if (!first)
			strbuf_add(out, &separator, 1);
		strbuf_puts(out, keys[i].name);
		first = false;
	}
}

/* The options after the rate, shared by both forms: p is "--hashlimit-"
 * or "". */
static void hashlimit_tail(struct strbuf *out, const struct hashlimit_view *v, uint64_t quantum_ms, const char *p,
			   unsigned revision)
{
	const struct hashlimit_cfg3 *cfg = &v->cfg;

	if (cfg->size)
		strbuf_printf(out, " %shtable-size %u", p, cfg->size);
	if (cfg->max)
		strbuf_printf(out, " %shtable-max %u", p, cfg->max);
	if (cfg->gc_interval != HASHLIMIT_GC_INTERVAL_MS)
		strbuf_printf(out, " %shtable-gcinterval %u", p, cfg->gc_interval);
	if (cfg->expire != quantum_ms)
		strbuf_printf(out, " %shtable-expire %u", p, cfg->expire);
	if (cfg->srcmask != v->default_mask_bits)
		strbuf_printf(out, " %ssrcmask %u", p, cfg->srcmask);
	if (cfg->dstmask != v->default_mask_bits)
		strbuf_printf(out, " %sdstmask %u", p, cfg->dstmask);
	if (revision == 3 && (cfg->mode & XT_HASHLIMIT_RATE_MATCH)) {
		strbuf_printf(out, " %srate-match", p);
		if (cfg->interval != 1)
			strbuf_printf(out, " %srate-interval %u", p, cfg->interval);
	}
}

static const uint32_t hashlimit_keys = XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_SPT | XT_HASHLIMIT_HASH_DIP |
				       XT_HASHLIMIT_HASH_DPT;

static void hashlimit_save(struct strbuf *out, const struct hashlimit_view *v, unsigned revision)
{
	const struct hashlimit_cfg3 *cfg = &v->cfg;
	uint32_t quantum_ms;

	strbuf_puts(out, (cfg->mode & XT_HASHLIMIT_INVERT) ? " --hashlimit-above" : " --hashlimit-upto");
	/* iptables keeps the save form's quantum in 32 bits. */
	if (cfg->mode & XT_HASHLIMIT_BYTES) {
		quantum_ms = (uint32_t)hashlimit_bytes(out, cfg->avg, cfg->burst, "--hashlimit-");
	} else {
		quantum_ms = (uint32_t)hashlimit_rate(out, cfg->avg, revision);
		strbuf_printf(out, " --hashlimit-burst %llu", (unsigned long long)cfg->burst);
	}
	if (cfg->mode & hashlimit_keys) {
		strbuf_puts(out, " --hashlimit-mode");
		hashlimit_mode(out, cfg->mode, ',');
	}
	strbuf_printf(out, " --hashlimit-name %s", v->name);
	hashlimit_tail(out, v, quantum_ms, "--hashlimit-", revision);
}

static void hashlimit_list(struct strbuf *out, const struct hashlimit_view *v, unsigned revision)
{
	const struct hashlimit_cfg3 *cfg = &v->cfg;
	uint64_t quantum_ms, period;

	strbuf_puts(out, (cfg->mode & XT_HASHLIMIT_INVERT) ? " limit: above" : " limit: up to");
	if (cfg->mode & XT_HASHLIMIT_BYTES) {
		quantum_ms = hashlimit_bytes(out, cfg->avg, cfg->burst, "");
	} else {
		/* The list form (only) scales the period by the rate interval. */
		period = cfg->avg;
		if (revision == 3 && cfg->interval != 0)
			period *= cfg->interval;
		quantum_ms = hashlimit_rate(out, period, revision);
		strbuf_printf(out, " burst %llu", (unsigned long long)cfg->burst);
	}
	if (cfg->mode & hashlimit_keys) {
		strbuf_puts(out, " mode");
		hashlimit_mode(out, cfg->mode, '-');
	}
	hashlimit_tail(out, v, quantum_ms, "", revision);
}

int nfdecode_hashlimit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct hashlimit_view v;

	if (hashlimit_load(ext, o, &v) < 0)
		return -EINVAL;
	if (nfdecode_save(o))
		hashlimit_save(out, &v, ext->revision);
	else
		hashlimit_list(out, &v, ext->revision);
	return 0;
}

/* --- rateest ----------------------------------------------------------- */

/* A rate in bytes per second as iptables writes bits: "8bit", "5Kbit"...;
 * numeric, the bytes themselves. */
static void rateest_rate(struct strbuf *out, uint32_t bytes_per_s, bool numeric)
{
	double bits = (double)bytes_per_s * 8;

	if (numeric)
		strbuf_printf(out, " %u", bytes_per_s);
	else if (bits >= 1000.0 * 1000000.0)
		strbuf_printf(out, " %.0fMbit", bits / 1000000.0);
	else if (bits >= 1000.0 * 1000.0)
		strbuf_printf(out, " %.0fKbit", bits / 1000.0);
	else
		strbuf_printf(out, " %.0fbit", bits);
}

static void rateest_mode(struct strbuf *out, const struct xt_rateest_match_info *info, const char *p)
{
	static const char *const modes[] = { NULL, "eq", "lt", "gt" };

	if (info->flags & XT_RATEEST_MATCH_INVERT)
		strbuf_puts(out, " !");
	strbuf_printf(out, " %s%s", p, modes[info->mode]);
}

static void rateest_save_rate(struct strbuf *out, const struct xt_rateest_match_info *info, const char *what,
			      uint32_t first, uint32_t second, bool numeric)
{
	if (info->flags & XT_RATEEST_MATCH_DELTA) {
		strbuf_printf(out, " --rateest-%s1", what);
		rateest_rate(out, first, numeric);
		rateest_mode(out, info, "--rateest-");
		strbuf_printf(out, " --rateest-%s2", what);
	} else {
		rateest_mode(out, info, "--rateest-");
		strbuf_printf(out, " --rateest-%s", what);
	}
	if (info->flags & (XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_DELTA))
		rateest_rate(out, second, numeric);
}

static void rateest_save(struct strbuf *out, const struct xt_rateest_match_info *info, const char *name1,
			 const char *name2)
{
	bool rel = info->flags & XT_RATEEST_MATCH_REL;

	if (info->flags & XT_RATEEST_MATCH_DELTA)
		strbuf_puts(out, " --rateest-delta");
	strbuf_printf(out, rel ? " --rateest1 %s" : " --rateest %s", name1);
	if (info->flags & XT_RATEEST_MATCH_BPS)
		rateest_save_rate(out, info, "bps", info->bps1, info->bps2, false);
	if (info->flags & XT_RATEEST_MATCH_PPS)
		rateest_save_rate(out, info, "pps", info->pps1, info->pps2, true);
	if (rel)
		strbuf_printf(out, " --rateest2 %s", name2);
}

static void rateest_list(struct strbuf *out, const struct xt_rateest_match_info *info, const char *name1,
			 const char *name2, bool numeric)
{
	bool delta = info->flags & XT_RATEEST_MATCH_DELTA;

	strbuf_printf(out, " rateest match %s", name1);
	if (delta)
		strbuf_puts(out, " delta");
	if (info->flags & XT_RATEEST_MATCH_BPS) {
		strbuf_puts(out, " bps");
		if (delta)
			rateest_rate(out, info->bps1, numeric);
		if (info->flags & XT_RATEEST_MATCH_ABS) {
			rateest_rate(out, info->bps2, numeric);
			rateest_mode(out, info, "");
		}
	}
	if (info->flags & XT_RATEEST_MATCH_PPS) {
		strbuf_puts(out, " pps");
		if (delta)
			strbuf_printf(out, " %u", info->pps1);
		if (info->flags & XT_RATEEST_MATCH_ABS) {
			rateest_mode(out, info, "");
			strbuf_printf(out, " %u", info->pps2);
		}
	}
	if (!(info->flags & XT_RATEEST_MATCH_REL))
		return;
	rateest_mode(out, info, "");
	strbuf_printf(out, " %s", name2);
	if (info->flags & XT_RATEEST_MATCH_BPS) {
		strbuf_puts(out, " bps");
		if (delta)
			rateest_rate(out, info->bps2, numeric);
	}
	if (info->flags & XT_RATEEST_MATCH_PPS) {
		strbuf_puts(out, " pps");
		if (delta)
			strbuf_printf(out, " %u", info->pps2);
	}
}

/* Which of the mode's words get printed depends on the flags; iptables
 * stops on a mode it does not know, so that has no text. */
static bool rateest_prints_mode(const struct xt_rateest_match_info *info)
{
	return (info->flags & (XT_RATEEST_MATCH_BPS | XT_RATEEST_MATCH_PPS | XT_RATEEST_MATCH_REL)) != 0;
}

int nfdecode_rateest(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_rateest_match_info info;
	char name1[IFNAMSIZ + 1], name2[IFNAMSIZ + 1];

	nfdecode_load(&info, sizeof(info), ext);
	if ((info.mode < XT_RATEEST_MATCH_EQ || info.mode > XT_RATEEST_MATCH_GT) && rateest_prints_mode(&info))
		return -ENOTSUP;
	copy_text(name1, sizeof(name1), info.name1, sizeof(info.name1));
	copy_text(name2, sizeof(name2), info.name2, sizeof(info.name2));
	if (nfdecode_save(o))
		rateest_save(out, &info, name1, name2);
	else
		rateest_list(out, &info, name1, name2, o->numeric);
	return 0;
}

/* --- RATEEST ----------------------------------------------------------- */

enum { RATEEST_US_PER_S = 1000000 };

static void rateest_time(struct strbuf *out, uint32_t us)
{
	double t = us;

	if (t >= RATEEST_US_PER_S)
		strbuf_printf(out, " %.1fs", t / RATEEST_US_PER_S);
	else if (t >= RATEEST_US_PER_S / 1000)
		strbuf_printf(out, " %.1fms", t / (RATEEST_US_PER_S / 1000));
	else
		strbuf_printf(out, " %uus", us);
}

int nfdecode_rateest_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_rateest_target_info info;
	const char *p = nfdecode_save(o) ? "--rateest-" : "";
	char name[IFNAMSIZ + 1];
	uint32_t interval_us, ewma_us;

	nfdecode_load(&info, sizeof(info), ext);
	/* The kernel's interval is 2^(interval+2) quarter seconds; beyond
	 * these bounds iptables' own arithmetic overflows. */
	if (info.interval < -2 || info.interval > 9 || info.ewma_log > 30)
		return -ENOTSUP;
	interval_us = ((uint32_t)RATEEST_US_PER_S << (info.interval + 2)) / 4;
	ewma_us = interval_us * (1u << info.ewma_log);
	copy_text(name, sizeof(name), info.name, sizeof(info.name));
	strbuf_printf(out, " %sname %s %sinterval", p, name, p);
	rateest_time(out, interval_us);
	strbuf_printf(out, " %sewmalog", p);
	rateest_time(out, ewma_us);
	return 0;
}
