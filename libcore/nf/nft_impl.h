/* Inside nft: what its parsers, printers and exchange share. */
#ifndef SONDE_NFT_IMPL_H
#define SONDE_NFT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/nft.h"
#include "sonde/nlattr.h"

int nft_parse_data(const struct nlattr_ref *a, struct nft_data *d);
int nft_parse_expr(const void *buf, size_t len, struct nft_expr *e);
void nft_expr_free(struct nft_expr *e);

/* nft's datatype numbers (they are nft's, not the kernel's). */
enum {
	NFT_TYPE_VERDICT = 1, NFT_TYPE_NFPROTO = 2, NFT_TYPE_BITMASK = 3, NFT_TYPE_INTEGER = 4, NFT_TYPE_STRING = 5,
	NFT_TYPE_IPADDR = 7, NFT_TYPE_IP6ADDR = 8, NFT_TYPE_ETHERADDR = 9, NFT_TYPE_INET_PROTOCOL = 12,
	NFT_TYPE_INET_SERVICE = 13, NFT_TYPE_TCP_FLAG = 15, NFT_TYPE_MARK = 19, NFT_TYPE_IFINDEX = 20, NFT_TYPE_UID = 24,
	NFT_TYPE_GID = 25, NFT_TYPE_CT_STATE = 26, NFT_TYPE_CT_STATUS = 28, NFT_TYPE_FIB_ADDR = 38,
	NFT_TYPE_PKTTYPE = 31, NFT_TYPE_IFNAME = 41, NFT_TYPE_CT_EVENT = 40,
	NFT_TYPE_ETHERTYPE = 10, NFT_TYPE_TIME = 18, NFT_TYPE_ARPHRD = 21, NFT_TYPE_REALM = 22,
	NFT_TYPE_CLASSID = 23, NFT_TYPE_CT_DIR = 27, NFT_TYPE_DEVGROUP = 35, NFT_TYPE_BOOLEAN = 39,
	NFT_TYPE_TIME_DATE = 43, NFT_TYPE_TIME_HOUR = 44, NFT_TYPE_TIME_DAY = 45, NFT_TYPE_MH_TYPE = 17,
	NFT_TYPE_ARPOP = 11, NFT_TYPE_ICMP_TYPE = 14, NFT_TYPE_DCCP_PKTTYPE = 16, NFT_TYPE_ICMP6_TYPE = 29,
	NFT_TYPE_ICMP_CODE = 32, NFT_TYPE_ICMPV6_CODE = 33, NFT_TYPE_DSCP = 36, NFT_TYPE_ECN = 37, NFT_TYPE_IGMP_TYPE = 42,
	/* Not nft's: the value of a raw payload load ("@nh,64,8 0x6"). */
	NFT_TYPE_RAW = 1000,
	/* Not nft's: a four-byte header field (tcp sequence), an integer to
	 * nft but in network order where a four-byte integer is in host order. */
	NFT_TYPE_BE_INTEGER = 1001,
	/* Not nft's: a duration printed in seconds, as nft writes a range's ends. */
	NFT_TYPE_TIME_SECS = 1003,
	/* Not nft's: a two-byte integer in host order (ct zone), where a
	 * two-byte integer is otherwise a header field in network order. */
	NFT_TYPE_HOST_INTEGER = 1002,
	/* Not nft's: a number nft -j writes as a string (a fib oif result). */
	NFT_TYPE_NUMBER_STRING = 1004,
};

/* A meta or ct key in nft's words (nft_keys.c). */
struct nft_key_desc {
	const char *name;        /* "length", "ip saddr"... */
	uint32_t type;           /* its values' datatype */
	uint8_t len;             /* bytes the kernel loads */
	bool host_order;         /* loaded in host byte order */
	bool known;
};
const struct nft_key_desc *nft_meta_key(uint32_t key);
/* iif, oif, iifname... are written without "meta ". */
bool nft_meta_key_unqualified(uint32_t key);
/* ct saddr / daddr only in an ip or ip6 table (family). */
const struct nft_key_desc *nft_ct_key(uint32_t key, int family);

/* A socket, rt, ipsec (xfrm) or osf load in nft's words (nft_keys.c): the
 * listing's text ("socket mark", "rt ip nexthop", "ipsec in spnum 1 ip
 * saddr") and, for JSON, the object ({"socket": {"key": "mark"}}).  False
 * for a key not named here. */
struct nft_keyed_desc {
	char text[48];
	const char *json_key, *key;
	const char *family;      /* "ip", "ip6" or NULL */
	const char *dir;         /* ipsec's "in" or "out", else NULL */
	const char *ttl;         /* osf's ttl option ("loose", "skip"), else NULL */
	uint32_t spnum;
	uint32_t type;
};
bool nft_keyed_describe(const struct nft_expr *e, struct nft_keyed_desc *d);

struct strbuf;
const char *nft_type_name(uint32_t id);
size_t nft_type_components(uint32_t type, uint32_t *out, size_t max);
void nft_print_type(struct strbuf *out, uint32_t type);
void nft_print_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len);
void nft_print_verdict(struct strbuf *out, const struct nft_data *d);
void nft_print_ct_state(struct strbuf *out, uint32_t value);
void nft_print_ct_status(struct strbuf *out, uint32_t value);
void nft_print_tcp_flags(struct strbuf *out, uint32_t value);
void nft_print_duration(struct strbuf *out, const char *label, uint64_t ms);
void nft_print_fib_type(struct strbuf *out, uint32_t value);
/* A value of one of nft's symbolic types (nft_types.c): ether types,
 * interface types, tc handles, device groups, realms, durations in ms,
 * dates in ns, hours, days, ct directions, booleans.  False for a type
 * not among them. */
bool nft_print_symbolic(struct strbuf *out, uint32_t type, uint64_t value);
/* A map element's data read as a key of its own (nft_print_set.c): view
 * has the data's type and byte order as its key's, bytes the data in the
 * order its type reads; *len is one end's bytes, *high the high ends of a
 * data range (NULL without). */
void nft_map_data_view(const struct nft_set *s, const struct nft_data *data, struct nft_set *view,
		       uint8_t bytes[NFT_DATA_LEN], const uint8_t **high, size_t *len);
/* Whether a datatype's values are in host byte order. */
bool nft_type_host_order(uint32_t type);
/* A set's flags as nft lists them (a default timeout hides "timeout"). */
uint32_t nft_set_shown_flags(const struct nft_set *s);

/* --- the nfnetlink exchange (nft_link.c, nft_fetch.c) ----------------------- */

struct nl_sock;

#define NFT_RECV_BUF_SIZE (64 * 1024)
#define NFT_SOCKET_BUF_SIZE (4 * 1024 * 1024)
#define NFT_DUMP_ATTEMPTS 10
/* A dump that saw NLM_F_DUMP_INTR: the ruleset changed under it. */
#define NFT_RETRY 1

/* Rules are dumped chain by chain: a dump of a whole family makes the
 * kernel walk past every rule already sent at each continuation (quadratic
 * over a large ruleset), a dump of one chain does not. */
struct chain_ref {
	int family;
	char *table, *chain;
	uint8_t *raw;            /* its NEWRULE messages, fetched by another thread */
	size_t raw_len, raw_cap;
	bool fetched;            /* raw is complete */
};

struct nft_link {
	struct nl_sock *sk;
	const struct nft_dump_ops *ops;
	void *arg;
	int kind;                /* NFT_MSG_NEWTABLE... being dumped */
	bool interrupted;
	uint32_t generation;
	size_t tables_wanted;    /* in this attempt's table dump (ops->want_table) */
	char rule_table[NFT_NAME_LEN], rule_chain[NFT_NAME_LEN];
	uint8_t *buf;            /* NFT_RECV_BUF_SIZE, reused for every datagram */
	struct chain_ref *chains; /* every chain the chain dump showed */
	size_t chain_count, chain_cap;
	struct nft_set *sets;    /* the set dump, until each has its elements */
	size_t set_count;
	struct nft_set *current_set; /* whose elements are being dumped */
	struct chain_ref *collect; /* rules kept raw for this chain, not parsed */
};

/* The link's socket and receive buffer; its dumps' leftovers, freed. */
int nft_link_open(struct nft_link *l);
void nft_link_close(struct nft_link *l);
/* One set's elements into set; one chain's rules (to l->ops, or kept raw
 * in l->collect). */
int nft_link_set_elems(struct nft_link *l, struct nft_set *set);
int nft_link_chain_rules(struct nft_link *l, const struct chain_ref *ref);
/* One set by name, without its elements, into l->sets (emptied first). */
int nft_link_set(struct nft_link *l, int family, const char *table, const char *name);
/* A request without attributes (a dump of type, or the generation), its
 * replies handed to l->ops.  0 or -errno; l->interrupted when the ruleset
 * changed under a dump. */
int nft_link_request(struct nft_link *l, uint8_t type, int flags, int family);
/* One nf_tables message parsed and handed to l->ops (a rule kept raw when
 * l->collect is set). */
struct nlmsghdr;
int nft_link_message(struct nft_link *l, const struct nlmsghdr *h);
/* The chains and sets an earlier dump left on l, freed. */
void nft_link_forget_chains(struct nft_link *l);
void nft_link_forget_sets(struct nft_link *l);
/* Every set's elements (l->sets; with anonymous_only, only anonymous
 * sets'), on one socket per usable CPU (nft_fetch.c).  0, NFT_RETRY or
 * -errno. */
int nft_fetch_sets(struct nft_link *l, bool anonymous_only);
/* Every chain's rules, fetched raw by helper threads a bounded way ahead
 * of this one, which hands each chain to deliver in order.  *fetched is
 * false when helpers would not pay (one CPU, few chains) and nothing was
 * done. */
int nft_fetch_rules(struct nft_link *l, int (*deliver)(struct nft_link *l, struct chain_ref *ref), bool *fetched);

/* --- a rule's registers, shared by the text and JSON renderings (nft_render.c) */

#include "sonde/nfdecode.h"

#define REG32_COUNT 24
#define MAX_STATEMENTS 32

enum src_kind { SRC_NONE, SRC_PAYLOAD, SRC_META, SRC_CT, SRC_NUMGEN, SRC_FIB, SRC_IMMEDIATE, SRC_EXTHDR, SRC_KEYED,
		SRC_MAP, SRC_HASH };

/* What a register holds. */
struct reg_src {
	enum src_kind kind;
	uint32_t base, offset, len;          /* payload */
	uint32_t key;                        /* meta / ct key */
	uint8_t dir;
	bool has_dir;
	const struct nft_expr *e;            /* numgen, fib */
	struct nft_data value;               /* immediate */
	bool masked;                         /* a bitwise went over it */
	bool big_endian;                     /* a byteorder put the host-order value in network order */
	uint8_t swap_size;                   /* ... in elements of this many bytes */
	uint8_t mask[16], xor_[16];
	uint8_t data_word;                   /* map: which four bytes of the element's data */
	/* A shift the value went through last (NFT_BITWISE_LSHIFT or _RSHIFT,
	 * 0 for none), by shift_bits: only a set statement's value reads it
	 * (nft_rd_src_name and nft_json_src refuse a shifted register). */
	uint8_t shift_op, shift_bits;
};

struct stmt {
	struct strbuf text;
	bool dropped;                        /* a dependency folded into a later statement */
	bool empty_kept;                     /* printed even when empty, as nft prints a comment match */
};

struct render {
	const struct nft_print_ctx *ctx;
	struct reg_src regs[REG32_COUNT];
	struct stmt stmts[MAX_STATEMENTS];
	size_t count;
	int l4proto_stmt;                    /* the `meta l4proto X` a transport match may fold */
	uint8_t l4proto;
	bool l4proto_pinned;                 /* an xt statement came after it: nft keeps it */
	bool l4proto_in_header;              /* it is `ip protocol` or `ip6 nexthdr`, not meta l4proto */
	bool proto_compared;                 /* a network header field was compared (ip protocol...) */
	int nfproto_stmt;                    /* the `meta nfproto X` an inet table's ip match folds */
	uint8_t nfproto;
	bool nfproto_pinned;                 /* a statement came after it: nft keeps it */
	int ethertype_stmt;                  /* a bridge or netdev table's `meta protocol ip` guard */
	uint16_t ethertype;
	bool ethertype_pinned;               /* a statement came after it: nft keeps it */
	uint8_t ethertype_at;                /* its field in the link layer header: 12 (ether type), 16 or
					      * 20 (a VLAN tag's type); 0 for meta protocol */
	int iiftype_stmt;                    /* `meta iiftype ether`, the guard of an ether field */
	int icmp_type_stmt;                  /* the last `icmp type X` (or icmpv6) compared equal */
	int icmp_type;                       /* its X, -1 without one */
	int gte_stmt;                        /* `x >= low`, which `x <= high` makes a range */
	size_t gte_op_at;                    /* where its ">= " is */
	uint32_t gte_type;                   /* its datatype */
	struct nft_data gte_low;             /* its value, in the datatype's byte order */
	struct reg_src gte_src;              /* the field it compared */
	struct strbuf untranslated;
	/* The map a lookup with data loaded from (one per rule): its set and
	 * the key's registers as they were then. */
	struct nft_set *map_set;
	struct reg_src map_keys[8];
	size_t map_key_count;
	/* What a jhash read (one per rule): its key's registers as they were
	 * then, one per field of a concatenation. */
	struct reg_src hash_keys[8];
	size_t hash_key_count;
	/* Set by nft_rd_src_name: the field it named is narrower than the
	 * bytes loaded, and the mask over them was its own; compared values
	 * are read shifted right by field_shift, in field_bytes bytes. */
	bool field_mask_consumed;
	unsigned field_shift, field_bytes;
	/* Set by nft_rd_key: the key is a binary operation (`tcp flags &
	 * (syn | ack)`), after which nft writes a lookup's "==". */
	bool key_is_binop;
};

/* An exthdr load in nft's words (nft_exthdr.c): the listing's text, and
 * for JSON the object's key ("exthdr", "tcp option", "sctp chunk") with the
 * header's and field's names, or the raw kind, offset and length. */
struct nft_field_desc {
	char text[96];
	char name_buf[24];
	const char *json_key, *name, *field;
	bool raw;
	unsigned raw_kind, raw_offset_bits, raw_len_bits;
	uint32_t type;
	unsigned shift, len_bits;
	/* The ICMP type a payload field implies (icmp mtu: destination-
	 * unreachable), whose compare before it nft drops; 0 for none. */
	uint8_t implied_icmp_type;
};
bool nft_exthdr_describe(const struct reg_src *s, struct nft_field_desc *d);
/* The bits a mask over len loaded bytes selects: one run of ones, as
 * (first bit from the load's start, count, bits below it).  False for a
 * mask of another shape. */
bool nft_mask_run(const uint8_t *mask, size_t len, unsigned *first, unsigned *count, unsigned *shift);
/* A header field nft names by the protocol its guards established
 * (nft_payload.c): proto is the network header's NFPROTO_* for base
 * network, the IP protocol number for base transport.  Fields narrower
 * than the bytes loaded are found from the register's mask; icmp_type is
 * the rule's last compared ICMP type (-1: none), which some fields need. */
bool nft_payload_field(uint32_t base, unsigned proto, int icmp_type, const struct reg_src *s,
		       struct nft_field_desc *d);
/* proto for the link layer header's VLAN tag (an ether type guard of 8021q or 8021ad). */
#define NFT_PROTO_VLAN 0x8100
/* An equality over a load of several adjacent header fields, which nft
 * lists as one match per field (`tcp sport 1024 tcp dport 22`): each
 * field's compare through render_cmp.  1 when done, 0 when a field could
 * not be, -1 when e is no such compare. */
int nft_rd_split_cmp(struct render *rd, const struct nft_expr *e,
		     bool (*render_cmp)(struct render *rd, const struct nft_expr *e));
/* `reset tcp option NAME` (a TCP option exthdr with neither register). */
bool nft_exthdr_reset_name(const struct nft_expr *e, struct strbuf *out, bool json);
/* e itself, or a copy in *copy whose values are the field's (shifted
 * right, narrowed) when the register's mask was the field's own. */
const struct nft_expr *nft_rd_field_values(const struct render *rd, const struct nft_expr *e, struct nft_expr *copy);
/* The same for the keys of the anonymous set a narrow field is looked up
 * in (nft stores them in the field's place within the load): converted
 * once, in place.  False for a set that cannot be (named, concatenated). */
bool nft_rd_field_set(const struct render *rd, struct nft_set *set);
/* A payload write of a field narrower than the bytes written (nft loads
 * them, keeps the other bits under a mask, sets the field's with an xor):
 * from the register written (value), the field to name (masked by its own
 * bits when narrower than a byte) and its new value as a compare's data,
 * to be read through nft_rd_field_values once the field is named. */
bool nft_rd_rmw_field(const struct nft_expr *write, const struct reg_src *value, struct reg_src *field,
		      struct nft_expr *new_value);


int nft_reg_index(uint32_t reg);
struct render *nft_rd_new(const struct nft_print_ctx *ctx);
void nft_rd_free(struct render *rd);
struct reg_src *nft_rd_reg(struct render *rd, uint32_t reg);
/* A new statement's buffer, or NULL past MAX_STATEMENTS. */
struct strbuf *nft_rd_stmt(struct render *rd);
int nft_rd_track(struct render *rd, const struct nft_expr *e);
/* Runs one expression through a renderer's function; when it fails, the
 * statements it began are dropped and its name goes to rd->untranslated. */
void nft_rd_expr(struct render *rd, const struct nft_expr *e,
		 bool (*render)(struct render *rd, const struct nft_expr *e));
/* What a register holds in nft's words ("ip saddr", "meta mark", "ct state",
 * "numgen random mod 2", "fib daddr type"), with its datatype; fold is set
 * when a preceding `meta l4proto` guard belongs to it. */
bool nft_rd_src_name(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type, bool *fold);
/* A value of a datatype in nft's words (ifname prefixes as "eth*"). */
void nft_rd_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len);
struct nft_set *nft_rd_find_set(struct render *rd, const char *name);
/* A transport match makes its `meta l4proto` guard redundant, unless an
 * x_tables statement came in between (nft then prints the guard). */
void nft_rd_fold_l4proto(struct render *rd);
/* A statement (counter...) between a guard and its field keeps the guard. */
void nft_rd_pin_guards(struct render *rd);
/* e itself, or a copy in *copy whose values (data, data2) are in the byte
 * order type reads them in, when a byteorder put s in network order. */
const struct nft_expr *nft_rd_host_values(const struct reg_src *s, uint32_t type, const struct nft_expr *e,
					  struct nft_expr *copy);
/* The datatype a range's ends print as: nft writes them numerically (a
 * protocol number, a duration in seconds). */
uint32_t nft_range_type(uint32_t type);
/* nft -j keeps a range's symbols but for protocols (numbers) and
 * durations (seconds, as any duration there). */
uint32_t nft_json_range_type(uint32_t type);
/* Whether an extension header write's value is one both renderings write:
 * a constant, or a load nft converted to the field's byte order
 * (`tcp option maxseg size set rt mtu`). */
bool nft_rd_exthdr_value_known(const struct reg_src *value);
/* Whether a `<=` on s closes the range the `>=` before it opened. */
bool nft_rd_closes_range(const struct render *rd, const struct reg_src *s);
/* Whether values of type (len bytes) are read in host byte order. */
bool nft_type_reads_host(uint32_t type, size_t len);
/* Reverses each size-byte element of bytes (host <-> network order). */
void nft_swap_elements(uint8_t *bytes, size_t len, size_t size);
/* Whether a compare over a masked register is one sonde writes as nft does. */
/* A mark or'ed with a constant before its compare (`meta mark | 0x3 ==
 * 0x1`): the kernel's (x & ~c) ^ c; *or_bits is c. */
bool nft_rd_or_form(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp, uint32_t *or_bits);
bool nft_rd_masked_cmp_known(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp);
/* A mark (a type nft writes prefixes of) compared under a mask of leading
 * ones: `meta mark 0xffffff00/24`; *bits is the prefix's length. */
bool nft_rd_mark_prefix(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp, int *bits);
/* Drops the protocol guard a reject implies (tcp reset: meta l4proto tcp;
 * icmp in an inet table: meta nfproto). */
void nft_rd_reject_guards(struct render *rd, const struct nft_expr *e);
/* False for a flag-typed set holding combinations of flags. */
bool nft_rd_flag_set_known(const struct nft_set *set);
/* Flag values in sets (nft_flags.c): a combination's single flags,
 * lowest first, each in the value's bytes and order (nft writes them
 * "syn | ack"), 0 for no flag type; whether nft names every flag of a
 * value; a set's elements, in the order the kernel dumped them, put in
 * the order nft lists them (by lowest flag, its merge sort deciding ties). */
size_t nft_flag_split(uint32_t type, const uint8_t *bytes, size_t len, struct nft_data *parts, size_t max);
bool nft_flag_combination_known(uint32_t type, const uint8_t *bytes, size_t len);
void nft_flag_sort(const struct nft_set_elem **elems, size_t n);
/* A value, or a flag combination as nft writes it in a set ("syn | ack",
 * {"|": ["syn", "ack"]}): text (nft_print_set.c) and JSON (nft_json.c). */
void nft_print_flags_or_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len);
void nft_json_flags_or_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len);
/* ct labels (nft_label.c): the one bit set in a label value (16 bytes),
 * else -1; its name in /etc/connlabel.conf (read once, as nft reads it),
 * else NULL; the bit a compare of register s tests (`ct label 127`: ct
 * load label, one bit masked, != 0), the bit an immediate writes (`ct
 * label set 127`), else -1. */
int nft_ct_label_bit(const uint8_t *bytes, size_t len);
const char *nft_ct_label_name(int bit);
int nft_ct_label_test(const struct reg_src *s, const struct nft_expr *cmp);
int nft_ct_label_write(const struct reg_src *value);
/* Whether a dynset is a meter sonde writes (`meter NAME size N { KEY
 * counter }`): a counter filled into an anonymous set. */
bool nft_rd_is_meter(const struct nft_set *set, const struct nft_expr *dynset);
/* Whether a dynset is a named set's update with a counter sonde writes
 * (`update @s { ip saddr counter }`). */
bool nft_rd_set_counter(const struct nft_set *set, const struct nft_expr *dynset);
/* `tcp flags & (fin | ... | cwr) == fin | ... | cwr`, which nft lists as
 * `tcp flags == 0xff` (the mask of every flag dropped). */
bool nft_rd_all_tcp_flags(const struct reg_src *s, uint32_t type, const struct nft_expr *cmp);
/* Flag datatypes (ct state, ct status, tcp flags), whose masked compares
 * nft writes with flag names (nft_flags.c). */
bool nft_rd_is_flags(uint32_t type);
bool nft_rd_all_zero(const uint8_t *bytes, size_t len);
/* An anonymous set looked up by a key nft converted to network order
 * holds its elements that way (nft reads their order from the rule). */
void nft_rd_note_key_order(struct render *rd, struct nft_set *set, uint32_t sreg);
/* How many bytes a load puts in its registers (a payload's or exthdr's
 * length, a meta or ct key's size); 0 when not known here. */
size_t nft_rd_src_bytes(const struct render *rd, const struct reg_src *s);
size_t nft_rd_key_sources(struct render *rd, const struct nft_set *set, uint32_t sreg, const struct reg_src **srcs,
			  size_t max);
/* The length of a prefix mask, or -1 when mask is not one. */
int nft_prefix_len(const uint8_t *mask, size_t len);
uint32_t nft_host_u32(const uint8_t *b);
uint16_t nft_host_u16(const uint8_t *b);
/* nft's words: a limit's unit ("minute"), a log level other than the
 * default (NULL for it); nat flags are nfdecode_nft_nat_flags(), shared
 * with the translations of iptables-nft's NAT targets. */
const char *nft_rd_limit_unit(uint64_t unit_secs);
/* An amount of bytes in nft's words: *count of "bytes", "kbytes" or
 * "mbytes" (a byte limit's rate and burst, a quota). */
const char *nft_rd_data_unit(uint64_t bytes, uint64_t *count);
/* A limit's "rate [over] N[ unit]/per[ burst N unit]" and a quota's
 * "[over] N unit[ used N unit]", as a statement and a named object of
 * that kind write them (nft_words.c). */
void nft_rd_limit_text(struct strbuf *out, const struct nft_expr *e);
void nft_rd_quota_text(struct strbuf *out, const struct nft_expr *e, bool stateless);
/* Whether every attribute of e is one sonde renders (the self-check). */
bool nft_rd_expr_understood(const struct nft_expr *e);
const char *nft_rd_log_level(const struct nft_expr *e);
/* A log statement's flags (NF_LOG_*): whether nft names them all; their
 * words in nft's order ("all", or "tcp sequence", "ip options", "skuid"...)
 * as nft -j lists them; " flags tcp sequence,options flags skuid" as the
 * listing writes them. */
bool nft_rd_log_flags_known(uint32_t flags);
size_t nft_rd_log_flag_words(uint32_t flags, const char **words, size_t max);
void nft_rd_log_flags_text(struct strbuf *out, uint32_t flags);
/* After the compare cmp of s, the statement just written: a `meta l4proto
 * tcp` may be the guard a later `tcp dport` folds, a `meta nfproto ipv4`
 * the one an inet table's `ip saddr` folds. */
void nft_rd_note_guard(struct render *rd, const struct reg_src *s, const struct nft_expr *cmp);
/* A set statement's operation: "add", "update" or "delete". */
const char *nft_rd_dynset_op(const struct nft_expr *e);
const char *nft_rd_reject(const struct render *rd, const struct nft_expr *e, const char **code_name, bool *is_default);

/* What a register holds as a JSON expression (nft_json_src.c), as
 * nft_rd_src_name names it for the listing. */
bool nft_json_src(struct render *rd, const struct reg_src *s, struct strbuf *out, uint32_t *type, bool *fold);
/* An exthdr load's JSON object ({"tcp option": {"name", "field"}}...). */
void nft_json_exthdr(struct strbuf *out, const struct reg_src *s);

/* Keys, sets and maps a statement refers to (nft_map.c), in the listing's
 * words or nft -j's: a key over the registers srcs (a concatenation when
 * several), or the one a lookup reads from sreg; a set by reference (@name)
 * or its elements (anonymous); a map's value a register holds (`KEY map {
 * ... }`, {"map": ...}), false for a register holding anything else. */
bool nft_rd_key(struct render *rd, struct nft_set *set, const struct reg_src *const *srcs, size_t n,
		struct strbuf *out, bool json);
bool nft_rd_lookup_key(struct render *rd, struct nft_set *set, uint32_t sreg, struct strbuf *out, bool json);
void nft_rd_set_ref(struct strbuf *out, struct nft_set *set, bool json);
/* A named object a statement refers to, by name or through an object map
 * (`counter name "c"`, `ct helper set tcp dport map { ... }`). */
bool nft_rd_objref(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json);
bool nft_rd_map(struct render *rd, const struct reg_src *s, struct strbuf *out, bool json);

/* A NAT statement whose addresses (and ports) come from a map (`snat ip
 * to ip saddr map { ... }`), a redirect or masquerade whose port does
 * (`redirect to :tcp dport map { 22 : 8000 }`): the statement in the
 * listing's words or nft -j's, false when its registers are not such a
 * map's.  NAT flags as nft -j writes them (one string, or an array), after
 * sep; false when there were none to write. */
bool nft_rd_nat_map(struct render *rd, const struct nft_expr *e, struct strbuf *out, bool json);
bool nft_rd_port_map(struct render *rd, const struct nft_expr *e, const char *word, struct strbuf *out, bool json);
bool nft_rd_nat_flags_json(struct strbuf *out, uint32_t flags, const char *sep);

/* tproxy, dup, fwd, synproxy, notrack and ct count as one statement, in
 * the listing's words or nft -j's (nft_divert.c). */
bool nft_rd_divert(struct render *rd, const struct nft_expr *e, bool json);

/* JSON pieces (nft_json.c) for the rule writer. */
void nft_json_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len);
void nft_json_verdict(struct strbuf *out, const struct nft_data *d);
/* [elements] as nft -j lists them (maps as [key, data] pairs). */
void nft_json_elements(struct strbuf *out, struct nft_set *s);

#endif
