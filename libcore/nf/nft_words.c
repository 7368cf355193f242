/* nft's words for a statement's arguments, which the text listing
 * (nft_print.c) and the JSON one (nft_json_rule.c) both write: limit and
 * data units, a limit's rate and a quota's amount (a statement's and a
 * named object's alike), log levels and flags, set statement operations. */
#include <linux/netfilter/nf_log.h>
#include <linux/netfilter/nf_tables.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"
#include "sonde/strbuf.h"

const char *nft_rd_limit_unit(uint64_t unit_secs)
{
	static const struct { uint64_t secs; const char *name; } units[] = {
		{ 1, "second" }, { 60, "minute" }, { 3600, "hour" }, { 86400, "day" }, { 604800, "week" },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].secs == unit_secs)
			return units[i].name;
	return NULL;
}

const char *nft_rd_data_unit(uint64_t bytes, uint64_t *count)
{
	static const char *const units[] = { "bytes", "kbytes", "mbytes" };
	size_t i;

	/* The largest unit that divides the amount exactly, as nft shows it. */
	for (i = 0; i + 1 < sizeof(units) / sizeof(units[0]) && bytes && bytes % 1024 == 0; i++)
		bytes /= 1024;
	*count = bytes;
	return units[i];
}

void nft_rd_limit_text(struct strbuf *out, const struct nft_expr *e)
{
	const char *unit = nft_rd_limit_unit(e->u.limit.unit);
	uint64_t count;

	strbuf_printf(out, "rate %s", (e->u.limit.flags & NFT_LIMIT_F_INV) ? "over " : "");
	if (e->u.limit.type == NFT_LIMIT_PKT_BYTES) {
		const char *data_unit = nft_rd_data_unit(e->u.limit.rate, &count);

		strbuf_printf(out, "%" PRIu64 " %s/%s", count, data_unit, unit);
		if (e->u.limit.burst) {
			data_unit = nft_rd_data_unit(e->u.limit.burst, &count);
			strbuf_printf(out, " burst %" PRIu64 " %s", count, data_unit);
		}
		return;
	}
	strbuf_printf(out, "%" PRIu64 "/%s", e->u.limit.rate, unit);
	/* 5 packets is the burst nft gives a limit without one. */
	if (e->u.limit.burst && e->u.limit.burst != 5)
		strbuf_printf(out, " burst %u packets", e->u.limit.burst);
}

void nft_rd_quota_text(struct strbuf *out, const struct nft_expr *e, bool stateless)
{
	uint64_t count;
	const char *data_unit = nft_rd_data_unit(e->u.quota.bytes, &count);

	strbuf_printf(out, "%s%" PRIu64 " %s", (e->u.quota.flags & NFT_QUOTA_F_INV) ? "over " : "", count, data_unit);
	if (!stateless && e->u.quota.consumed) {
		data_unit = nft_rd_data_unit(e->u.quota.consumed, &count);
		strbuf_printf(out, " used %" PRIu64 " %s", count, data_unit);
	}
}

const char *nft_rd_log_level(const struct nft_expr *e)
{
	/* warn is what a log statement without a level logs at. */
	if (!e->u.log.has_level || e->u.log.level == 4)
		return NULL;
	return e->u.log.level == NFT_LOGLEVEL_AUDIT ? "audit" : nf_log_level_name(e->u.log.level);
}

/* In the order nft writes them. */
static const struct { uint32_t bit; const char *word; } log_flags[] = {
	{ NF_LOG_TCPSEQ, "tcp sequence" }, { NF_LOG_TCPOPT, "tcp options" }, { NF_LOG_IPOPT, "ip options" },
	{ NF_LOG_UID, "skuid" },	   { NF_LOG_MACDECODE, "ether" },
};

bool nft_rd_log_flags_known(uint32_t flags)
{
	return (flags & ~(uint32_t)NF_LOG_MASK) == 0;
}

size_t nft_rd_log_flag_words(uint32_t flags, const char **words, size_t max)
{
	size_t i, n = 0;

	if ((flags & NF_LOG_MASK) == NF_LOG_MASK) {
		words[0] = "all";
		return max ? 1 : 0;
	}
	for (i = 0; i < sizeof(log_flags) / sizeof(log_flags[0]) && n < max; i++)
		if (flags & log_flags[i].bit)
			words[n++] = log_flags[i].word;
	return n;
}

void nft_rd_log_flags_text(struct strbuf *out, uint32_t flags)
{
	const char *words[8];
	size_t n = nft_rd_log_flag_words(flags, words, 8), i;
	bool tcp_open = false;

	/* The tcp flags share one "flags tcp sequence,options". */
	for (i = 0; i < n; i++) {
		bool tcp = strncmp(words[i], "tcp ", 4) == 0;

		if (tcp && tcp_open)
			strbuf_printf(out, ",%s", words[i] + 4);
		else
			strbuf_printf(out, " flags %s", words[i]);
		tcp_open = tcp;
	}
}

const char *nft_rd_dynset_op(const struct nft_expr *e)
{
	switch (e->u.dynset.op) {
	case NFT_DYNSET_OP_ADD: return "add";
	case NFT_DYNSET_OP_DELETE: return "delete";
	default: return "update";
	}
}
