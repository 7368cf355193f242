/* iptables rulesets as plain structs, whichever backend holds them.
 *
 * Legacy x_tables is read with IPT_SO_GET_INFO / IPT_SO_GET_ENTRIES (and the
 * IPv6 equivalents), only for the tables the kernel lists in
 * /proc/net/ip{,6}_tables_names: asking for any other table would load and
 * create it.  iptables-nft's tables are read by nft.h and translated into
 * the same structs (nft_xt_read), so one set of printers serves both.
 *
 * Extension blobs are kept as the kernel holds them and rendered through
 * nfdecode.h.  Functions return 0 or -errno. */
#ifndef SONDE_XT_H
#define SONDE_XT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XT_NAME_LEN 32
#define XT_IFNAME_LEN 16

enum xt_backend { XT_BACKEND_LEGACY, XT_BACKEND_NFT };

enum xt_verdict {
	XT_VERDICT_NONE,     /* no target: the rule only counts */
	XT_VERDICT_ACCEPT,
	XT_VERDICT_DROP,
	XT_VERDICT_RETURN,
	XT_VERDICT_QUEUE,
	XT_VERDICT_JUMP,     /* to the user chain in `jump` */
	XT_VERDICT_GOTO,
	XT_VERDICT_TARGET,   /* an extension target (`target`) */
};

/* Inversion flags, with x_tables' values (IPT_INV_*). */
enum {
	XT_RULE_INV_IN = 0x01, XT_RULE_INV_OUT = 0x02, XT_RULE_INV_SRC = 0x08, XT_RULE_INV_DST = 0x10,
	XT_RULE_INV_FRAG = 0x20, XT_RULE_INV_PROTO = 0x40,
};

struct xt_blob {
	char name[XT_NAME_LEN];
	uint8_t revision;
	uint32_t len;
	uint8_t *data;           /* owned, unless borrowed from the table's raw buffer */
	bool borrowed;
};

struct xt_rule {
	uint8_t src[16], src_mask[16], dst[16], dst_mask[16];
	char in_iface[XT_IFNAME_LEN + 1], out_iface[XT_IFNAME_LEN + 1]; /* "eth+" for a wildcard */
	/* Legacy x_tables' interface masks, which iptables-save writes the
	 * names by ("-i +" has an empty mask: no -i at all); has_iface_masks
	 * false (iptables-nft) writes the names as they are. */
	uint8_t in_iface_mask[XT_IFNAME_LEN], out_iface_mask[XT_IFNAME_LEN];
	bool has_iface_masks;
	uint16_t proto;          /* 0 = any */
	bool fragment;           /* -f (IPv4) */
	uint8_t invflags;        /* XT_RULE_INV_* */
	struct xt_blob *matches;
	size_t match_count;
	enum xt_verdict verdict;
	char jump[XT_NAME_LEN];  /* XT_VERDICT_JUMP / _GOTO */
	struct xt_blob target;   /* XT_VERDICT_TARGET */
	uint64_t packets, bytes;
	/* Native nf_tables expressions iptables-nft could not express as a
	 * match, in nft's words; NULL for legacy. */
	char *untranslated;
};

struct xt_chain {
	char name[XT_NAME_LEN];
	bool builtin;
	unsigned hook;           /* builtin chains: NF_INET_PRE_ROUTING... */
	enum xt_verdict policy;  /* builtin chains: ACCEPT, DROP... */
	uint64_t packets, bytes; /* policy counters */
	unsigned references;     /* rules jumping or going here */
	struct xt_rule *rules;
	size_t rule_count, rule_cap;
};

struct xt_table {
	int family;              /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	enum xt_backend backend;
	char name[XT_NAME_LEN];
	struct xt_chain *chains; /* builtins in hook order, then user chains */
	size_t chain_count, chain_cap;
	bool sorted;             /* finished: user chains sorted, lookups bisect */
	uint8_t *raw;            /* legacy: the kernel's entries, which blobs point into */
};

/* The tables legacy x_tables has in this namespace, in the kernel's order.
 * *names is malloc'ed (XT_NAME_LEN each); 0 tables when the module is not
 * loaded. */
int xt_legacy_table_names(int family, char (**names)[XT_NAME_LEN], size_t *count);
/* Reads one table (which must be listed).  -EPERM without CAP_NET_ADMIN. */
int xt_legacy_read(int family, const char *table, struct xt_table *out);
/* Parses a raw IPT_SO_GET_ENTRIES buffer (exposed for tests and fuzzing):
 * hook_entry/underflow are the offsets from IPT_SO_GET_INFO. */
int xt_legacy_parse(int family, const char *table, unsigned valid_hooks, const unsigned hook_entry[5],
		    const unsigned underflow[5], const uint8_t *entries, size_t size, struct xt_table *out);
/* The same, taking ownership of buffer (malloc'ed), which holds entries:
 * the rules' blobs point into it instead of being copied.  buffer is freed
 * on failure too. */
int xt_legacy_parse_owned(int family, const char *table, unsigned valid_hooks, const unsigned hook_entry[5],
			  const unsigned underflow[5], uint8_t *buffer, const uint8_t *entries, size_t size,
			  struct xt_table *out);

void xt_table_free(struct xt_table *t);
/* Frees what one rule holds (its blobs, its text), not the rule itself. */
void xt_rule_release(struct xt_rule *r);
void xt_tables_free(struct xt_table *tables, size_t count);
/* Helpers for builders (legacy parser, nft translation). */
struct xt_chain *xt_table_add_chain(struct xt_table *t, const char *name, bool builtin);
struct xt_chain *xt_table_find_chain(struct xt_table *t, const char *name);
struct xt_rule *xt_chain_add_rule(struct xt_chain *c);
int xt_blob_set(struct xt_blob *b, const char *name, uint8_t revision, const void *data, size_t len);
/* The same without a copy: data must live as long as the table. */
void xt_blob_borrow(struct xt_blob *b, const char *name, uint8_t revision, const uint8_t *data, size_t len);
struct xt_blob *xt_rule_add_match(struct xt_rule *r);
/* Adds the builtin chains a table of that name has and t lacks (policy
 * ACCEPT, no rules), as iptables shows a table nobody filled yet; -ENOENT
 * for a name that is not an iptables table.  Call before xt_table_finish. */
int xt_table_complete_builtins(struct xt_table *t);
/* Counts references, sorts user chains by name as iptables shows them. */
void xt_table_finish(struct xt_table *t);

/* The name ipset gives set number index (for -m set), or NULL. */
const char *xt_ipset_name(void *unused, uint16_t index);

#endif
