/* The decoder table of x_tables matches and targets, shared by both
 * iptables backends: legacy x_tables keeps the extension blobs in its entry
 * table, and iptables-nft stores the same blobs in nf_tables `match` and
 * `target` expressions (or expressions that translate back into them).
 *
 * A decoder turns one blob (name, revision, bytes) into iptables 1.8.9's
 * text: the save form (`iptables -S`, iptables-save) or the list form
 * (`iptables -L`).  Blobs are untrusted (buffer, length) pairs: a short or
 * inconsistent blob is rendered honestly, never read past its end.
 * Extensions without a decoder are shown by name and revision. */
#ifndef SONDE_NFDECODE_H
#define SONDE_NFDECODE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/strbuf.h"

/* Appending in iptables' forms to a strbuf. */

/* iptables' quoting of a user string: bare when it is all [A-Za-z0-9_-],
 * else in double quotes with " \ ' escaped.  Appends a leading space. */
void nfbuf_save_string(struct strbuf *b, const char *s);
void nfbuf_uint(struct strbuf *b, unsigned long long value);
/* "LOW", or "LOW:HIGH" when they differ: iptables' numeric ranges. */
void nfbuf_range(struct strbuf *b, unsigned low, unsigned high);
/* Dotted or CIDR forms as iptables prints them. */
void nfbuf_ipv4(struct strbuf *b, const uint8_t addr[4]);
void nfbuf_ipv6(struct strbuf *b, const uint8_t addr[16]);
void nfbuf_addr(struct strbuf *b, int family, const uint8_t *addr);
/* "/24", "/255.0.255.0", or "" for a full mask (xtables_ipmask_to_numeric). */
void nfbuf_mask(struct strbuf *b, int family, const uint8_t *mask);
/* The prefix length of a contiguous mask, or -1. */
int nf_mask_prefix_len(int family, const uint8_t *mask);

enum nfdecode_style {
	NFDECODE_SAVE,   /* iptables -S / iptables-save: " -m tcp --dport 22" */
	NFDECODE_LIST,   /* iptables -L: "tcp dpt:22 " */
};

/* NFLOG's info as iptables-nft reads a log expression back: xt_nflog_info's
 * layout with nf_tables' longer prefix (NF_LOG_PREFIXLEN, 128), so a
 * prefix past 63 characters is kept whole. */
struct nfdecode_nflog_wide {
	uint32_t len;
	uint16_t group, threshold, flags, pad;
	char prefix[128];
};

struct nfdecode_opts {
	int family;                 /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	enum nfdecode_style style;
	bool numeric;               /* -n: ports and ids as numbers */
	uint16_t proto;             /* the rule's -p (port names depend on it) */
	/* iptables-nft's -L, which writes nothing for an extension without a
	 * print function where iptables-legacy writes its name. */
	bool nft_listing;
	/* The name of ipset number index, or NULL; may be NULL itself. */
	const char *(*set_name)(void *arg, uint16_t index);
	void *set_name_arg;
};

struct nfdecode_ext {
	const char *name;           /* the kernel's extension name */
	uint8_t revision;
	const void *data;
	size_t len;
};

/* Appends one match / target.  Returns 0, -EINVAL when the blob did not
 * decode (an honest placeholder was appended instead), -ENOENT when no
 * decoder knows the extension (name and revision appended). */
int nfdecode_match(struct strbuf *out, const struct nfdecode_ext *m, const struct nfdecode_opts *o);
int nfdecode_target(struct strbuf *out, const struct nfdecode_ext *t, const struct nfdecode_opts *o);
/* nft's rendering of a compat match / target that iptables-nft left in an
 * nf_tables rule: the translation iptables 1.8.9's extensions hand to nft,
 * which `nft list` prints in place of the blob.  o->family is the table's
 * and o->proto the rule's layer 4 protocol (its `meta l4proto`, 0 when
 * none).  Appends the text (which may be empty: a comment) and returns 0,
 * or -ENOENT when that blob has no translation (nft then prints `xt match
 * NAME`) and appends nothing. */
int nfdecode_nft_match(struct strbuf *out, const struct nfdecode_ext *m, const struct nfdecode_opts *o);
int nfdecode_nft_target(struct strbuf *out, const struct nfdecode_ext *t, const struct nfdecode_opts *o);

/* nft's words for NAT range flags, in nft's order ("random",
 * "fully-random", "persistent"): fills names with those set in flags and
 * returns how many; the list form appends " random,persistent". */
size_t nfdecode_nft_nat_flags(uint32_t flags, const char **names, size_t max);
void nfdecode_nft_nat_flag_list(struct strbuf *out, uint32_t flags);

/* The name the user typed for a match ("state" for conntrack's alias). */
const char *nfdecode_match_alias(const struct nfdecode_ext *m);
/* The name iptables-save writes for a target ("NOTRACK" for CT's alias). */
const char *nfdecode_target_alias(const struct nfdecode_ext *t);

/* /etc/protocols names (parsed without NSS); NULL when unknown. */
const char *nf_proto_name(unsigned proto);
/* /etc/protocols' name alone (no fallback); NULL when it has none. */
const char *nf_proto_file_name(unsigned proto);
/* syslog's name of a log level ("emerg" .. "debug"), as iptables -L and
 * nft write it; NULL past 7. */
const char *nf_log_level_name(unsigned level);
/* iptables' own short table used by -S for -p: "tcp", "udp"...; NULL else. */
const char *nf_proto_chain_name(unsigned proto);

#endif
