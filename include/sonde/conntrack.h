/* Connection tracking (CTNETLINK): entries as plain structs, their text in
 * conntrack-tools 1.4.7's formats, filters, and the kernel exchange.
 *
 * Three layers, as sonde/netlink.h:
 *  - parsing: ct_parse_msg() turns one received message (buffer, length)
 *    into a struct ct_entry.  It trusts nothing in the buffer (fuzzed), and
 *    reads every attribute itself, including those libnl's object model
 *    leaves out (labels, helper, secctx, per-direction zones, timestamps).
 *  - formatting and filtering: pure functions of a struct ct_entry.
 *  - the kernel: libnl-nf-3 carries the requests and the replies; each
 *    reply is parsed from its raw message in the receive callback, so a
 *    dump streams through one struct whatever the table size.
 *
 * Functions return 0 or -errno (-EPERM without CAP_NET_ADMIN,
 * -EOPNOTSUPP when the kernel has no CTNETLINK, -ENOENT for a get or a
 * delete of an entry that does not exist, -ENOBUFS for lost events,
 * -EINVAL for a message that does not parse). */
#ifndef SONDE_CONNTRACK_H
#define SONDE_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sonde/addr.h"

#define CT_HELPER_LEN 32
#define CT_SECCTX_LEN 128
#define CT_LABELS_LEN 16         /* 128 label bits, as the kernel has them */

/* Status bits (IPS_* in linux/netfilter/nf_conntrack_common.h). */
#define CT_STATUS_EXPECTED (1u << 0)
#define CT_STATUS_SEEN_REPLY (1u << 1)
#define CT_STATUS_ASSURED (1u << 2)
#define CT_STATUS_CONFIRMED (1u << 3)
#define CT_STATUS_SRC_NAT (1u << 4)
#define CT_STATUS_DST_NAT (1u << 5)
#define CT_STATUS_FIXED_TIMEOUT (1u << 10)
#define CT_STATUS_DYING (1u << 9)
#define CT_STATUS_OFFLOAD (1u << 14)
#define CT_STATUS_HW_OFFLOAD (1u << 15)

struct ct_tuple {
	uint8_t src[16], dst[16];        /* network order; IPv4 in the first 4 bytes */
	uint8_t proto;                   /* IPPROTO_TCP... */
	bool has_ports;                  /* ports (TCP, UDP, SCTP, DCCP) or GRE keys */
	uint16_t sport, dport;           /* host order */
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;                /* host order */
	bool has_zone;                   /* CTA_TUPLE_ZONE */
	uint16_t zone;
};

struct ct_counters {
	bool present;
	uint64_t packets, bytes;
};

enum ct_event_type { CT_EVENT_NONE = 0, CT_EVENT_NEW, CT_EVENT_UPDATE, CT_EVENT_DESTROY };

struct ct_entry {
	int family;                      /* AF_INET or AF_INET6 (nfgen_family) */
	enum ct_event_type event;        /* as an event reads it (NEW needs NLM_F_CREATE);
					  * ct_dump() and ct_get() hand over NONE */
	uint32_t portid;                 /* nlmsg_pid: who caused an event (0: the kernel) */
	struct ct_tuple orig, reply;
	bool has_orig, has_reply;
	bool has_status, has_timeout, has_mark, has_secmark, has_use, has_id, has_zone;
	uint32_t status, timeout_s, mark, secmark, use, id;
	uint16_t zone;
	bool has_tcp_state, has_sctp_state, has_dccp_state;
	uint8_t tcp_state, sctp_state, dccp_state;
	struct ct_counters counters[2];  /* [0] original, [1] reply */
	bool has_ts_start, has_ts_stop;
	uint64_t ts_start_ns, ts_stop_ns; /* CLOCK_REALTIME nanoseconds */
	bool has_helper;
	char helper[CT_HELPER_LEN];
	bool has_secctx;
	char secctx[CT_SECCTX_LEN];
	bool has_labels;
	size_t labels_len;
	uint8_t labels[CT_LABELS_LEN];
};

/* Per-CPU statistics (CTA_STATS_*), as `conntrack -S` lists them. */
#define CT_STATS_COUNT 22
struct ct_cpu_stats {
	unsigned cpu;
	uint32_t present;                /* bit n: value[n] came from the kernel */
	uint32_t value[CT_STATS_COUNT];  /* indexed by CTA_STATS_* number */
};

struct ct_global_stats {
	bool has_entries, has_max_entries;
	uint32_t entries, max_entries;
};

/* --- parsing ----------------------------------------------------------- */

/* One CTNETLINK conntrack message (netlink header included): NEW or DELETE
 * (events and dump replies).  0, -EINVAL when malformed, -ENOMSG when it
 * is another message type. */
int ct_parse_msg(const void *msg, size_t len, struct ct_entry *entry);
/* A per-CPU statistics message (IPCTNL_MSG_CT_GET_STATS_CPU reply). */
int ct_parse_cpu_stats(const void *msg, size_t len, struct ct_cpu_stats *stats);
/* The global statistics reply (IPCTNL_MSG_CT_GET_STATS). */
int ct_parse_global_stats(const void *msg, size_t len, struct ct_global_stats *stats);

/* --- names ------------------------------------------------------------- */

/* "tcp", "udp", "icmp"..., or "unknown", as conntrack-tools names them. */
const char *ct_proto_name(uint8_t proto);
/* Protocol number from "tcp", "UDP", "icmpv6" or a number; -EINVAL. */
int ct_proto_parse(const char *text, uint8_t *proto);
/* The TCP state name ("ESTABLISHED"...); out-of-range states read "NONE". */
const char *ct_tcp_state_name(uint8_t state);
/* A TCP state number from its name; -EINVAL. */
int ct_tcp_state_parse(const char *text, uint8_t *state);
/* Name of a CTA_STATS_* counter ("found", "insert_failed"...), or NULL. */
const char *ct_stats_name(unsigned index);
/* A status bit's name: "SEEN_REPLY", "ASSURED"...; NULL for unnamed bits. */
const char *ct_status_bit_name(unsigned bit);

/* Does the entry translate addresses or ports? (conntrack-tools' tests:
 * the reply tuple does not mirror the original one.) */
bool ct_is_snat(const struct ct_entry *entry);   /* reply dst != orig src */
bool ct_is_dnat(const struct ct_entry *entry);   /* reply src != orig dst */
bool ct_is_spat(const struct ct_entry *entry);   /* reply dport != orig sport (ICMP: see .c) */
bool ct_is_dpat(const struct ct_entry *entry);   /* reply sport != orig dport (ICMP: see .c) */

/* "10.0.0.1" or "fd00::1" for one address of the entry's family. */
const char *ct_addr_ntop(int family, const uint8_t *addr, char *buf, size_t size);

/* --- text formats ------------------------------------------------------ */

enum ct_format_flags {
	CT_FMT_EXTENDED = 1 << 0,        /* -o extended: "ipv4     2 " first */
	CT_FMT_ID = 1 << 1,              /* -o id */
	CT_FMT_KTIMESTAMP = 1 << 2,      /* -o ktimestamp: [start=...] [stop=...] */
	CT_FMT_LABELS = 1 << 3,          /* -o labels, with the names from a label map */
	CT_FMT_SAVE = 1 << 4,            /* -o save: conntrack command lines */
};

/* Label bit names (connlabel.conf: "BIT NAME" lines). */
#define CT_LABEL_BITS 128
struct ct_labelmap {
	char *names[CT_LABEL_BITS];      /* owned; NULL for unnamed bits */
};
/* Reads path; 0, or -errno when it cannot be read. */
int ct_labelmap_load(struct ct_labelmap *map, const char *path);
void ct_labelmap_free(struct ct_labelmap *map);
/* The first label map file that exists (connlabel.conf), or NULL. */
const char *ct_labelmap_default_path(void);

/* Formats one entry as conntrack-tools 1.4.7 prints it, without newline;
 * returns the length (truncated to size - 1, like snprintf's output; the
 * return is the length written).  An event's "[NEW] " prefix is included
 * when entry->event is set.  now_s is the wall clock for delta-time. */
size_t ct_format(char *buf, size_t size, const struct ct_entry *entry, unsigned flags,
		 const struct ct_labelmap *labels, uint64_t now_s);
#define CT_LINE_MAX 1536

/* --- filters ----------------------------------------------------------- */

struct ct_filter {
	int family;                      /* AF_UNSPEC, AF_INET, AF_INET6 */
	bool has_proto;
	uint8_t proto;
	/* -s -d -r -q: original src/dst, reply src/dst (a prefix; a bare
	 * address is a host prefix). */
	bool has_addr[4];
	struct sonde_prefix addr[4];
	/* --sport --dport --reply-port-src --reply-port-dst */
	bool has_port[4];
	uint16_t port[4];
	bool has_icmp_type, has_icmp_code, has_icmp_id;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;
	bool has_tcp_state;
	uint8_t tcp_state;
	bool has_mark;
	uint32_t mark, mark_mask;
	bool has_zone;
	uint16_t zone;
	bool has_status;
	uint32_t status_value, status_mask; /* (status & mask) == value */
	bool has_id;
	uint32_t id;
	/* -n / -g: translated entries only; with an address (and port) the
	 * translation must be to that address (port). */
	bool src_nat, dst_nat;
	bool has_snat_addr, has_dnat_addr, has_snat_port, has_dnat_port;
	uint8_t snat_addr[16], dnat_addr[16];
	int snat_family, dnat_family;
	uint16_t snat_port, dnat_port;
};

enum ct_filter_slot { CT_ORIG_SRC, CT_ORIG_DST, CT_REPLY_SRC, CT_REPLY_DST };

/* Is every condition set in filter true of entry? */
bool ct_filter_match(const struct ct_filter *filter, const struct ct_entry *entry);
/* Does the filter select anything narrower than the whole table? */
bool ct_filter_is_empty(const struct ct_filter *filter);
/* Parses a --status list: "ASSURED,SEEN_REPLY", "UNREPLIED", "!ASSURED"
 * (conntrack-tools' words, case-insensitive).  -EINVAL on an unknown one. */
int ct_filter_parse_status(struct ct_filter *filter, const char *text);

/* --- the kernel -------------------------------------------------------- */

/* Callbacks return 0 to go on or -errno to stop (the walk returns it). */
typedef int (*ct_entry_fn)(const struct ct_entry *entry, void *arg);

/* Dumps the table of family (AF_UNSPEC: IPv4 and IPv6), one callback per
 * entry, never holding more than one receive buffer. */
int ct_dump(int family, ct_entry_fn fn, void *arg);
/* Dumps and deletes each entry that filter matches; fn (may be NULL) sees
 * each deleted entry.  Entries that vanish meanwhile are not counted.
 * *deleted receives the number deleted. */
int ct_dump_delete(const struct ct_filter *filter, ct_entry_fn fn, void *arg, unsigned long *deleted);
/* The entry with this original (or, with reply true, reply) tuple. */
int ct_get(int family, const struct ct_tuple *tuple, bool reply, bool has_zone, uint16_t zone,
	   struct ct_entry *entry);
/* Global statistics: the entry count, and the table's maximum. */
int ct_global_stats(struct ct_global_stats *stats);
/* Per-CPU statistics, one callback per CPU. */
typedef int (*ct_stats_fn)(const struct ct_cpu_stats *stats, void *arg);
int ct_cpu_stats(ct_stats_fn fn, void *arg);

/* Events.  groups: bits CT_EVENT_NEW.. (1 << type).  The socket buffer is
 * enlarged so bursts fit; an overrun is reported, never hidden. */
struct ct_events;
int ct_events_open(unsigned groups, struct ct_events **events);
int ct_events_fd(const struct ct_events *events);
/* Reads what is waiting (call when the fd is readable), one callback per
 * event.  -ENOBUFS when the kernel dropped events since the last call (the
 * socket stays usable). */
int ct_events_read(struct ct_events *events, ct_entry_fn fn, void *arg);
void ct_events_close(struct ct_events *events);

/* /proc/sys/net/netfilter values of the current namespace, or -errno. */
int ct_sysctl_read(const char *name, unsigned long *value);

/* --- summary ----------------------------------------------------------- */

/* Counts by key (an address or a protocol/port), bounded in memory: past
 * CT_TALLY_MAX_KEYS distinct keys, new keys are counted as untracked. */
#define CT_TALLY_MAX_KEYS 131072
#define CT_TALLY_KEY_LEN 17
struct ct_tally_slot {
	uint8_t key[CT_TALLY_KEY_LEN];   /* family or protocol, then address or port */
	uint32_t count;
};
struct ct_tally {
	struct ct_tally_slot *slots;     /* open addressing; count 0 = free */
	size_t capacity, used;
	unsigned long untracked;
};

struct ct_top_item {
	uint8_t key[CT_TALLY_KEY_LEN];
	uint32_t count;
};

/* The counters --summary and doctor explain, in the order they show them. */
#define CT_SUMMARY_COUNTERS 7
extern const unsigned ct_summary_counter_ids[CT_SUMMARY_COUNTERS];

struct ct_summary {
	struct ct_global_stats global;   /* entries and table size */
	unsigned long max_from_sysctl;   /* nf_conntrack_max when the kernel did not say */
	unsigned long entries;           /* entries the dump saw (matching the filter) */
	unsigned long per_proto[256];
	unsigned long tcp_states[11];    /* [10]: states past SYN_SENT2 */
	unsigned long unreplied, assured;
	struct ct_tally destinations, sources, dest_ports;
	bool has_cpu_stats;
	uint64_t counters[CT_STATS_COUNT]; /* summed over CPUs, by CTA_STATS_* number */
	uint32_t counters_present;
};

/* Dumps the table (entries matching filter; NULL for all) and reads the
 * statistics.  Memory stays bounded whatever the table size.  Free with
 * ct_summary_free(). */
int ct_summary_collect(const struct ct_filter *filter, struct ct_summary *summary);
void ct_summary_free(struct ct_summary *summary);
/* The table's limit (0 when unknown) and its use in percent. */
unsigned long ct_summary_max(const struct ct_summary *summary);
double ct_summary_usage_pct(const struct ct_summary *summary);
/* The n largest counts of a tally, largest first; returns how many. */
size_t ct_tally_top(const struct ct_tally *tally, struct ct_top_item *top, size_t n);
/* Counting by key, for the summary and its tests. */
int ct_tally_add(struct ct_tally *tally, const uint8_t key[CT_TALLY_KEY_LEN]);
void ct_tally_free(struct ct_tally *tally);
/* "10.0.0.1", "udp/53": a top item as text. */
const char *ct_top_addr_text(const struct ct_top_item *item, char *buf, size_t size);
const char *ct_top_port_text(const struct ct_top_item *item, char *buf, size_t size);
/* One line on what a counter means and when it matters. */
const char *ct_counter_explain(unsigned stats_id);

#endif
