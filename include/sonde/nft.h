/* nf_tables as plain structs: tables, chains and rules (with their
 * expressions) of one network namespace, dumped over nfnetlink as one
 * consistent snapshot.  libnl carries the messages; the attributes are
 * parsed here (nft_parse_*: (buffer, length) in, untrusted, fuzzed).
 *
 * Consistency: the ruleset generation is read before and after the dumps;
 * when it moved, or a dump came back marked interrupted, the whole dump is
 * taken again (a bounded number of times).
 *
 * Functions return 0 or -errno (-EPERM without CAP_NET_ADMIN,
 * -EPROTONOSUPPORT when the kernel has no nf_tables, -EAGAIN when the
 * ruleset kept changing). */
#ifndef SONDE_NFT_H
#define SONDE_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/xt.h"

#define NFT_NAME_LEN 256
#define NFT_DATA_LEN 64        /* registers hold up to 64 bytes (concatenations) */

enum nft_expr_kind {
	NFT_EXPR_OTHER,        /* kept by name only */
	NFT_EXPR_META, NFT_EXPR_CMP, NFT_EXPR_PAYLOAD, NFT_EXPR_BITWISE, NFT_EXPR_RANGE,
	NFT_EXPR_COUNTER, NFT_EXPR_IMMEDIATE, NFT_EXPR_MATCH, NFT_EXPR_TARGET, NFT_EXPR_LIMIT,
	NFT_EXPR_LOG, NFT_EXPR_LOOKUP, NFT_EXPR_NUMGEN, NFT_EXPR_CT, NFT_EXPR_FIB, NFT_EXPR_NAT,
	NFT_EXPR_MASQ, NFT_EXPR_REDIR, NFT_EXPR_REJECT, NFT_EXPR_DYNSET, NFT_EXPR_QUOTA,
	NFT_EXPR_BYTEORDER, NFT_EXPR_EXTHDR, NFT_EXPR_SOCKET, NFT_EXPR_RT, NFT_EXPR_XFRM,
	NFT_EXPR_TPROXY, NFT_EXPR_DUP, NFT_EXPR_FWD, NFT_EXPR_SYNPROXY, NFT_EXPR_NOTRACK, NFT_EXPR_CONNLIMIT,
	NFT_EXPR_OSF, NFT_EXPR_HASH, NFT_EXPR_OBJREF,
};

struct nft_data {
	uint8_t bytes[NFT_DATA_LEN];
	uint32_t len;
	/* A verdict instead of a value (immediate, verdict maps). */
	bool is_verdict;
	int32_t verdict;       /* NF_ACCEPT, NF_DROP, NFT_JUMP, NFT_GOTO, NFT_RETURN... */
	char *chain;           /* jump / goto target, malloc'ed, or NULL */
};

struct nft_expr {
	enum nft_expr_kind kind;
	char name[16];
	union {
		struct { uint32_t key, dreg, sreg; bool is_set; } meta;
		struct { uint32_t sreg, op; } cmp;                 /* value in data */
		struct { uint32_t dreg, base, offset, len, sreg; } payload; /* sreg: a write */
		/* mask in data, xor in data2; shift: the bits of a shift op */
		struct { uint32_t sreg, dreg, len, op, shift; } bitwise;
		struct { uint32_t sreg, op; } range;               /* from in data, to in data2 */
		struct { uint64_t packets, bytes; } counter;
		struct { uint32_t dreg; } immediate;               /* value/verdict in data */
		struct { uint32_t revision; } xt;                  /* blob in blob/blob_len */
		struct { uint64_t rate, unit; uint32_t burst, type, flags; } limit;
		struct { uint64_t bytes, consumed; uint32_t flags; } quota;
		struct { uint32_t sreg, dreg, op, len, size; } byteorder;
		struct { uint32_t dreg, sreg, offset, len, flags, op; uint8_t type; } exthdr;
		struct { uint32_t group, snaplen, qthreshold, level, flags; bool has_group, has_snaplen, has_level; } log;
		struct { uint32_t sreg, dreg, flags; bool has_dreg; } lookup; /* set name in text */
		struct { uint32_t dreg, modulus, type, offset; } numgen;
		/* jhash over len bytes from sreg, or symhash; seed as dumped */
		struct { uint32_t sreg, dreg, len, modulus, seed, offset, type; bool has_seed; } hash;
		/* a named object (its name in text), or one looked up by key in
		 * an object map (the map's name in text) */
		struct { uint32_t type, sreg; bool from_map; } objref;
		struct { uint32_t dreg, key, sreg; uint8_t dir; bool has_dir, is_set; } ct;
		struct { uint32_t dreg, result, flags; } fib;
		/* socket, rt, xfrm; osf (its flags in key, its ttl in dir) */
		struct { uint32_t dreg, key, level, spnum; uint8_t dir; } keyed;
		struct { uint32_t family, sreg_addr, sreg_port, sreg_dev; } divert; /* tproxy, dup, fwd */
		struct { uint32_t mss, wscale, flags; } synproxy;
		struct { uint32_t count, flags; } connlimit;
		struct { uint32_t type, family, addr_min, addr_max, proto_min, proto_max, flags; } nat;
		struct { uint32_t flags, proto_min, proto_max; } masq; /* masq and redir */
		struct { uint32_t type; uint8_t code; } reject;
		/* set in text; stmt: its one statement (NFTA_DYNSET_EXPR: a meter's
		 * counter), parsed and owned, or NULL */
		struct { uint32_t op, sreg_key, sreg_data, flags; uint64_t timeout_ms; struct nft_expr *stmt; } dynset;
	} u;
	struct nft_data data, data2;
	char xt_name[32];
	uint8_t *blob;         /* match / target info, malloc'ed */
	uint32_t blob_len;
	char *text;            /* log prefix, lookup set name; malloc'ed */
	/* Bit n: the expression's attribute n was in the message (the
	 * renderers refuse an expression with attributes they do not read). */
	uint32_t attrs;
};

struct nft_table {
	int family;            /* NFPROTO_IPV4, _IPV6, _INET, _ARP, _BRIDGE, _NETDEV */
	char name[NFT_NAME_LEN];
	uint32_t flags;
	uint64_t handle;
	char *comment;         /* userdata comment, or NULL; freed after the callback */
};

struct nft_chain {
	int family;
	char table[NFT_NAME_LEN];
	char name[NFT_NAME_LEN];
	uint64_t handle;
	bool base;             /* has a hook */
	uint32_t hooknum;
	int32_t priority;
	char type[16];         /* "filter", "nat", "route" */
	bool has_policy;
	uint32_t policy;       /* NF_ACCEPT / NF_DROP */
	bool has_counters;
	uint64_t packets, bytes;
	char dev[16];          /* netdev family hooks */
	char *comment;         /* userdata comment, or NULL; freed after the callback */
};

struct nft_rule {
	int family;
	uint64_t handle;
	struct nft_expr *exprs;
	size_t expr_count;
	char *comment;         /* userdata comment, malloc'ed, or NULL */
};

/* A named or anonymous set, with its elements once they are dumped. */
struct nft_set_elem {
	struct nft_data key, key_end, data;
	uint32_t flags;          /* NFT_SET_ELEM_INTERVAL_END */
	uint64_t timeout_ms, expiration_ms;
	char *comment;
	char *objref;            /* an object map's: the object's name, malloc'ed */
};

enum { NFT_BYTEORDER_HOST = 1, NFT_BYTEORDER_BIG = 2 };

struct nft_set {
	int family;
	char table[NFT_NAME_LEN];
	char name[NFT_NAME_LEN];
	uint32_t flags;          /* NFT_SET_ANONYMOUS, _INTERVAL, _MAP, _TIMEOUT, _CONCAT... */
	uint64_t handle;
	uint32_t key_type, key_len, data_type, data_len, policy;
	uint32_t obj_type;       /* an object map's (NFT_SET_OBJECT): NFT_OBJECT_COUNTER... */
	/* nft's record of the byte order of keys and data (its set userdata):
	 * NFT_BYTEORDER_HOST, _BIG, or 0 when absent. */
	uint32_t key_byteorder, data_byteorder;
	/* nft's record that each element's data is a range (its userdata):
	 * the data holds the low ends, then the high ends (a NAT map's
	 * `192.168.2.2-192.168.2.4`, `10.141.10.0/24 . 8888-8999`). */
	bool data_interval;
	/* Bit i: the rule looking this (anonymous) concatenation up put its
	 * field i, a host-order one, in network order. */
	uint32_t be_fields;
	/* Bit i: the rule's field i is a raw load ("@ih,32,32"), whose values
	 * nft prints in hex, in network order. */
	uint32_t raw_fields;
	bool has_policy, has_size;
	uint32_t size;
	uint64_t timeout_ms, gc_interval_ms;
	char *comment;
	uint32_t field_len[NFT_DATA_LEN / 4]; /* concatenation fields (NFTA_SET_DESC_CONCAT) */
	size_t field_count;
	struct nft_set_elem *elems;
	size_t elem_count;
	/* The keys were read from a narrow field's place in its load into the
	 * field's own value (an anonymous set of `ip dscp`, see nft_render). */
	bool keys_in_field_units;
};

/* A stateful object (counter, quota, limit, ct helper...) with what it
 * holds; a type or attribute not read here leaves it listed as not
 * rendered. */
struct nft_obj {
	int family;
	char table[NFT_NAME_LEN];
	char name[NFT_NAME_LEN];
	uint32_t type;         /* NFT_OBJECT_COUNTER... */
	uint64_t handle;
	char *comment;         /* userdata comment, malloc'ed, or NULL (nft_obj_free) */
	/* Its data: a counter, quota, limit or synproxy as the rule expression
	 * of that name (kind set); the ct objects' fields below.  attrs marks
	 * the data's attributes either way. */
	struct nft_expr expr;
	char helper[16];       /* ct helper: its name ("ftp") */
	uint16_t l3proto;      /* ct helper, timeout, expectation: NFPROTO_* */
	uint8_t l4proto;
	uint16_t dport;        /* ct expectation */
	uint32_t expect_timeout_ms;
	uint8_t expect_size;
	uint32_t timeouts[16]; /* ct timeout: seconds per state of l4proto's */
	size_t timeout_count;
};
void nft_obj_free(struct nft_obj *o);

/* nft's word for an object type ("ct helper"), or NULL. */
const char *nft_obj_type_name(uint32_t type);

/* One dump, streamed: each object is handed to its callback and freed
 * after it returns (a ruleset of 100,000 rules never sits in memory as
 * expressions).  A callback returns 0 or -errno to stop. */
struct nft_dump_ops {
	int (*table)(const struct nft_table *t, void *arg);
	int (*chain)(const struct nft_chain *c, void *arg);
	int (*rule)(const struct nft_rule *r, const char *table, const char *chain, void *arg);
	/* Sets come after chains, each with all its elements (when asked). */
	int (*set)(struct nft_set *s, void *arg);   /* may take s over (then zero it) */
	int (*obj)(const struct nft_obj *o, void *arg); /* named objects, after the sets */
	bool want_sets;
	/* What is not wanted is not asked for: only this table's chains, sets
	 * and rules, only this chain's rules (NULL: all); the elements of
	 * anonymous sets only, the ones rules show inline (a chain listed
	 * alone shows no named set's). */
	const char *only_table, *only_chain;
	/* Optional: which tables are wanted at all (the others' chains, sets
	 * and rules are not asked for; when no table is wanted, the dump ends
	 * after the table list). */
	bool (*want_table)(int family, const char *table, void *arg);
	bool anonymous_elements_only;
	/* Called before each attempt after the first: forget what came. */
	void (*restart)(void *arg);
};

/* Dumps family's tables, then chains, then sets (when want_sets), then rules (NFPROTO_UNSPEC: every
 * family), retrying while the generation moves under the dump. */
int nft_dump(int family, const struct nft_dump_ops *ops, void *arg);

/* One message's attributes (after the nfgenmsg header) into a struct;
 * -EINVAL when they do not parse. */
int nft_parse_table(const void *attrs, size_t len, int family, struct nft_table *t);
int nft_parse_chain(const void *attrs, size_t len, int family, struct nft_chain *c);
int nft_parse_rule(const void *attrs, size_t len, int family, struct nft_rule *r, char table[NFT_NAME_LEN],
		   char chain[NFT_NAME_LEN]);
void nft_rule_free(struct nft_rule *r);
int nft_parse_set(const void *attrs, size_t len, int family, struct nft_set *s);
/* Appends the elements of one NEWSETELEM message to s. */
int nft_parse_set_elems(const void *attrs, size_t len, struct nft_set *s);
void nft_set_free(struct nft_set *s);
int nft_parse_obj(const void *attrs, size_t len, int family, struct nft_obj *o);

/* --- nft's syntax (nft 1.0.6) ------------------------------------------------ */

struct strbuf;

/* What a rule needs besides itself: the family (for names like "ip
 * saddr") and the sets of its table (anonymous sets print inline). */
struct nft_print_ctx {
	int family;
	struct nft_set *sets;
	size_t set_count;
	/* Optional (NULL: a linear search): indexes into sets sorted by name,
	 * from nft_sets_by_name; kube-proxy's tables hold thousands of
	 * anonymous sets, one looked up per rule. */
	const size_t *sets_by_name;
	bool stateless;        /* counters without their values (nft -s) */
};

/* The indexes of sets[0..count) ordered by name (malloc'ed), or NULL
 * without memory. */
size_t *nft_sets_by_name(const struct nft_set *sets, size_t count);

/* One rule's statements, without indentation or newline.  Expressions
 * sonde cannot put back into nft's words are named in a trailing comment. */
void nft_print_rule(struct strbuf *out, const struct nft_rule *r, const struct nft_print_ctx *ctx);
/* A named set or map declaration (tab-indented block, newline-terminated). */
void nft_print_set(struct strbuf *out, struct nft_set *s);
/* "{ a, b }": the elements, sorted, intervals merged. */
void nft_print_elements(struct strbuf *out, struct nft_set *s);
const char *nft_family_name(int family);

/* The elements of s in nft's order (sorted; s->elems is reordered), one
 * call each: high is an interval's last value (an interval set's merged
 * start and end, or a concatenation's key_end), NULL for a single key. */
typedef void (*nft_elem_fn)(const struct nft_set *s, const struct nft_set_elem *e, const uint8_t *high, void *arg);
void nft_walk_elements(struct nft_set *s, nft_elem_fn fn, void *arg);
/* Where the components of a key of s lie within its bytes. */
struct nft_key_field {
	uint32_t type;           /* nft's datatype */
	size_t offset, size;
};
size_t nft_key_fields(const struct nft_set *s, size_t len, struct nft_key_field *fields, size_t max);
/* Whether [low, high] is one prefix, and its length. */
bool nft_range_prefix(const uint8_t *low, const uint8_t *high, size_t len, size_t *prefix);

/* --- libnftables' JSON schema (nft -j, nft 1.0.6) ------------------------------
 * Each call appends one object in jansson's compact layout, as nft prints. */

/* A named object's block in a table's listing ("\tcounter c {\n...\t}\n";
 * stateless: without its counts, as nft -s) and its nft -j object; false
 * (nothing written) for one sonde does not render (nft_object.c). */
bool nft_print_obj(struct strbuf *out, const struct nft_obj *o, bool stateless);
bool nft_json_obj(struct strbuf *out, const struct nft_obj *o);

/* {"rule": {"family", "table", "chain", "handle", ["comment"], "expr": [...]}} */
void nft_json_rule(struct strbuf *out, const struct nft_rule *r, const char *table, const char *chain,
		   const struct nft_print_ctx *ctx);
/* {"set": {...}} or {"map": {...}}, with "elem" when it has elements. */
void nft_json_set(struct strbuf *out, struct nft_set *s);
/* A JSON string literal, escaped; `"key": `; and `, "key": "value"`. */
void nft_json_string(struct strbuf *out, const char *s);
void nft_json_key(struct strbuf *out, const char *key);
void nft_json_member(struct strbuf *out, const char *key, const char *value);

/* iptables-nft's tables of family (NFPROTO_IPV4 / _IPV6) translated into
 * xt.h's structs, as iptables-nft itself reads them back; only the table
 * named only_table when not NULL.  Other tables of the family (kube-proxy's
 * nftables mode) are not read.  *tables is malloc'ed; free with
 * xt_tables_free. */
int nft_xt_read(int family, const char *only_table, struct xt_table **tables, size_t *count);
/* One rule read back as iptables-nft would (out zero-filled by the caller;
 * free with the table it goes into, or xt_rule_release). */
int nft_xt_rule(const struct nft_rule *nr, int family, struct xt_rule *out);

/* --- targeted reads ---------------------------------------------------------
 * For one object among many (one chain's rules, one set), without dumping
 * the whole ruleset: a session on one socket, and the generation to tell
 * whether what was read across several requests is one ruleset. */
struct nft_session;
int nft_session_open(struct nft_session **s);
void nft_session_close(struct nft_session *s);
int nft_session_generation(struct nft_session *s, uint32_t *generation);
/* The rules of one chain, in order; -ENOENT when there is no such chain. */
int nft_session_rules(struct nft_session *s, int family, const char *table, const char *chain,
		      int (*fn)(const struct nft_rule *r, void *arg), void *arg);
/* One set or map with its elements (free with nft_set_free); -ENOENT. */
int nft_session_set(struct nft_session *s, int family, const char *table, const char *name, struct nft_set *out);

#endif
