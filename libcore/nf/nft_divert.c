/* Statements that send a packet elsewhere or shape its connection, as nft
 * 1.0.6 lists them in text and in JSON from the same reading: tproxy, dup,
 * fwd (their addresses, ports and devices from immediate registers),
 * synproxy, notrack and ct count.  A register holding anything but a
 * constant (a map) is left to the caller's placeholder. */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_synproxy.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/strbuf.h"

void nft_json_key(struct strbuf *out, const char *key);

/* The constant a statement reads from sreg (0: none read); false when the
 * register holds something else. */
static bool reg_value(struct render *rd, uint32_t sreg, const struct nft_data **value)
{
	const struct reg_src *s;

	*value = NULL;
	if (!sreg)
		return true;
	s = nft_rd_reg(rd, sreg);
	if (!s || s->kind != SRC_IMMEDIATE)
		return false;
	*value = &s->value;
	return true;
}

/* One value, in the listing's words or as a JSON member (after the
 * object's members so far: *sep is "" before the first). */
static void value(struct strbuf *out, const char **sep, const char *key, uint32_t type, const struct nft_data *v)
{
	if (!sep) {
		nft_rd_value(out, type, v->bytes, v->len);
		return;
	}
	strbuf_puts(out, *sep);
	nft_json_key(out, key);
	nft_json_value(out, type, v->bytes, v->len);
	*sep = ", ";
}

static uint32_t addr_type(int family, const struct nft_data *addr)
{
	if (family == NFPROTO_IPV4 && addr->len == 4)
		return NFT_TYPE_IPADDR;
	if (family == NFPROTO_IPV6 && addr->len == 16)
		return NFT_TYPE_IP6ADDR;
	return 0;
}

static const char *family_word(int family)
{
	return family == NFPROTO_IPV4 ? "ip" : family == NFPROTO_IPV6 ? "ip6" : NULL;
}

/* tproxy [ip|ip6] to [addr][:port]; "ip" only in an inet table. */
static bool tproxy(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json)
{
	int table_family = rd->ctx->family, family = (int)e->u.divert.family;
	const struct nft_data *addr, *port;
	const char *shown = table_family == NFPROTO_INET ? family_word(family) : NULL, *sep = "";
	const char **js = json ? &sep : NULL;
	uint32_t type = 0;

	if (!reg_value(rd, e->u.divert.sreg_addr, &addr) || !reg_value(rd, e->u.divert.sreg_port, &port) ||
	    (!addr && !port) || (port && port->len != 2))
		return false;
	if (addr && !(type = addr_type(family ? family : table_family, addr)))
		return false;
	if (json) {
		strbuf_puts(out, "{\"tproxy\": {");
		if (shown) {
			strbuf_printf(out, "\"family\": \"%s\"", shown);
			sep = ", ";
		}
	} else {
		strbuf_printf(out, "tproxy%s%s to ", shown ? " " : "", shown ? shown : "");
	}
	if (addr) {
		if (!json && type == NFT_TYPE_IP6ADDR)
			strbuf_puts(out, "[");
		value(out, js, "addr", type, addr);
		if (!json && type == NFT_TYPE_IP6ADDR)
			strbuf_puts(out, "]");
	}
	if (port) {
		if (!json)
			strbuf_puts(out, ":");
		value(out, js, "port", NFT_TYPE_INET_SERVICE, port);
	}
	if (json)
		strbuf_puts(out, "}}");
	return true;
}

static const struct reg_src *map_reg(struct render *rd, uint32_t sreg)
{
	const struct reg_src *s = sreg ? nft_rd_reg(rd, sreg) : NULL;

	return s && s->kind == SRC_MAP ? s : NULL;
}

/* dup or fwd to a map's address or device (`dup to ip saddr map { ... }
 * device "lo"`, `fwd to meta mark map { ... }`): the map is the address,
 * or the device when there is no address (nft -j calls a lone device of
 * dup its address). */
static bool divert_map(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json)
{
	const struct reg_src *addr_map = map_reg(rd, e->u.divert.sreg_addr), *dev_map = map_reg(rd, e->u.divert.sreg_dev);
	const char *word = e->kind == NFT_EXPR_DUP ? "dup" : "fwd", *sep = "";
	const struct nft_data *dev = NULL;

	if (addr_map ? dev_map || (e->kind == NFT_EXPR_FWD) || !reg_value(rd, e->u.divert.sreg_dev, &dev) ||
			       (dev && dev->len != 4)
		     : e->u.divert.sreg_addr != 0)
		return false;
	if (json)
		strbuf_printf(out, "{\"%s\": {\"%s\": ", word, addr_map || e->kind == NFT_EXPR_DUP ? "addr" : "dev");
	else
		strbuf_printf(out, "%s to ", word);
	if (!nft_rd_map(rd, addr_map ? addr_map : dev_map, out, json))
		return false;
	if (dev) {
		if (json)
			sep = ", ";
		else
			strbuf_puts(out, " device ");
		value(out, json ? &sep : NULL, "dev", NFT_TYPE_IFINDEX, dev);
	}
	if (json)
		strbuf_puts(out, "}}");
	return true;
}

/* dup to addr [device "dev"], or a netdev table's dup to "dev". */
static bool dup(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json)
{
	const struct nft_data *addr, *dev;
	const char *sep = "", **js = json ? &sep : NULL;
	uint32_t type = 0;

	if (map_reg(rd, e->u.divert.sreg_addr) || map_reg(rd, e->u.divert.sreg_dev))
		return divert_map(rd, e, out, json);
	if (!reg_value(rd, e->u.divert.sreg_addr, &addr) || !reg_value(rd, e->u.divert.sreg_dev, &dev) ||
	    (!addr && !dev) || (dev && dev->len != 4))
		return false;
	if (addr && !(type = addr_type(rd->ctx->family, addr)))
		return false;
	strbuf_puts(out, json ? "{\"dup\": {" : "dup to ");
	/* nft -j calls a lone device the address. */
	if (!addr) {
		value(out, js, "addr", NFT_TYPE_IFINDEX, dev);
	} else {
		value(out, js, "addr", type, addr);
		if (dev && !json)
			strbuf_puts(out, " device ");
		if (dev)
			value(out, js, "dev", NFT_TYPE_IFINDEX, dev);
	}
	if (json)
		strbuf_puts(out, "}}");
	return true;
}

/* fwd to "dev", or fwd ip|ip6 to addr device "dev". */
static bool fwd(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json)
{
	const struct nft_data *addr, *dev;
	const char *family = family_word((int)e->u.divert.family), *sep = "";
	uint32_t type = 0;

	if (map_reg(rd, e->u.divert.sreg_addr) || map_reg(rd, e->u.divert.sreg_dev))
		return divert_map(rd, e, out, json);
	if (!reg_value(rd, e->u.divert.sreg_addr, &addr) || !reg_value(rd, e->u.divert.sreg_dev, &dev) || !dev ||
	    dev->len != 4)
		return false;
	if (addr && (!family || !(type = addr_type((int)e->u.divert.family, addr))))
		return false;
	if (json) {
		strbuf_puts(out, "{\"fwd\": {");
		if (addr) {
			strbuf_printf(out, "\"family\": \"%s\"", family);
			sep = ", ";
			value(out, &sep, "addr", type, addr);
		}
		value(out, &sep, "dev", NFT_TYPE_IFINDEX, dev);
		strbuf_puts(out, "}}");
		return true;
	}
	if (!addr) {
		strbuf_puts(out, "fwd to ");
		value(out, NULL, "dev", NFT_TYPE_IFINDEX, dev);
		return true;
	}
	strbuf_printf(out, "fwd %s to ", family);
	value(out, NULL, "addr", type, addr);
	strbuf_puts(out, " device ");
	value(out, NULL, "dev", NFT_TYPE_IFINDEX, dev);
	return true;
}

/* synproxy [mss N] [wscale N] [timestamp] [sack-perm], in nft's order. */
static bool synproxy(const struct nft_expr *e, struct strbuf *out, bool json)
{
	static const struct { uint32_t flag; const char *word; } options[] = {
		{ NF_SYNPROXY_OPT_TIMESTAMP, "timestamp" }, { NF_SYNPROXY_OPT_SACK_PERM, "sack-perm" },
	};
	uint32_t flags = e->u.synproxy.flags;
	const char *sep = "", *word_sep = "";
	size_t i;

	if (flags & ~(uint32_t)NF_SYNPROXY_OPT_MASK)
		return false;
	if (json && !flags) {
		strbuf_puts(out, "{\"synproxy\": null}");
		return true;
	}
	strbuf_puts(out, json ? "{\"synproxy\": {" : "synproxy");
	if (flags & NF_SYNPROXY_OPT_MSS) {
		strbuf_printf(out, json ? "\"mss\": %u" : " mss %u", e->u.synproxy.mss);
		sep = ", ";
	}
	if (flags & NF_SYNPROXY_OPT_WSCALE) {
		strbuf_printf(out, json ? "%s\"wscale\": %u" : "%s wscale %u", json ? sep : "", e->u.synproxy.wscale);
		sep = ", ";
	}
	if (json && (flags & (NF_SYNPROXY_OPT_TIMESTAMP | NF_SYNPROXY_OPT_SACK_PERM)))
		strbuf_printf(out, "%s\"flags\": [", sep);
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (!(flags & options[i].flag))
			continue;
		strbuf_printf(out, json ? "%s\"%s\"" : "%s %s", json ? word_sep : "", options[i].word);
		word_sep = ", ";
	}
	if (json)
		strbuf_puts(out, (flags & (NF_SYNPROXY_OPT_TIMESTAMP | NF_SYNPROXY_OPT_SACK_PERM)) ? "]}}" : "}}");
	return true;
}

bool nft_rd_divert(struct render *rd, const struct nft_expr *e, bool json)
{
	struct strbuf *out = nft_rd_stmt(rd);
	bool ok;

	if (!out)
		return false;
	switch (e->kind) {
	case NFT_EXPR_TPROXY: ok = tproxy(rd, e, out, json); break;
	case NFT_EXPR_DUP: ok = dup(rd, e, out, json); break;
	case NFT_EXPR_FWD: ok = fwd(rd, e, out, json); break;
	case NFT_EXPR_SYNPROXY: ok = synproxy(e, out, json); break;
	case NFT_EXPR_NOTRACK:
		strbuf_puts(out, json ? "{\"notrack\": null}" : "notrack");
		ok = true;
		break;
	case NFT_EXPR_CONNLIMIT:
		if (json)
			strbuf_printf(out, "{\"ct count\": {%s\"val\": %u}}", (e->u.connlimit.flags & NFT_CONNLIMIT_F_INV) ?
				      "\"inv\": true, " : "", e->u.connlimit.count);
		else
			strbuf_printf(out, "ct count %s%u", (e->u.connlimit.flags & NFT_CONNLIMIT_F_INV) ? "over " : "",
				      e->u.connlimit.count);
		ok = true;
		break;
	default: ok = false; break;
	}
	return ok;
}
