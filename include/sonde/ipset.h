/* ipset over nfnetlink (NFNL_SUBSYS_IPSET): the sets of the current
 * namespace as the kernel dumps them (IPSET_CMD_LIST, protocol 6 or 7),
 * decoded into plain structs, and ipset 7.17's text for them (`list`,
 * `list -terse`, `list -name`, `save`).  Read-only: nothing here writes.
 *
 * ipset_parse_msg() is a function of (buffer, length) and trusts nothing
 * (fuzzed).  An attribute or a set type the printer does not know is kept
 * (unknown_attrs, type name) and printed with a visible "[sonde: ...]"
 * marker, never guessed. */
#ifndef SONDE_IPSET_H
#define SONDE_IPSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IPSET_NAME_LEN 32

/* One member (an element of the set's IPSET_ATTR_ADT list). */
struct ipset_member {
	bool has_ip, has_ip2, has_cidr, has_cidr2, has_port, has_proto;
	uint8_t ip[16], ip2[16];          /* network order; 4 bytes used for IPv4 */
	uint8_t ip_len, ip2_len;          /* 4 or 16 */
	uint8_t cidr, cidr2;
	uint16_t port;                    /* host order; ICMP: type << 8 | code */
	uint8_t proto;
	char name[IPSET_NAME_LEN];        /* list:set's member set, "" otherwise */
	bool has_timeout;
	uint32_t timeout_s;
	bool has_counters;
	uint64_t packets, bytes;
	char *comment;                    /* malloc'ed, NULL when none */
	bool has_skbmark, has_skbprio, has_skbqueue;
	uint32_t skbmark, skbmark_mask, skbprio;
	uint16_t skbqueue;
	bool nomatch;                     /* IPSET_FLAG_NOMATCH */
	uint32_t cadt_flags;              /* all the member's flags, nomatch's included */
	uint32_t unknown_attrs;           /* bit n: attribute n present, not decoded */
};

/* One set: its header (IPSET_ATTR_DATA of the first message) and members. */
struct ipset_set {
	char name[IPSET_NAME_LEN];
	char type[IPSET_NAME_LEN];        /* "hash:ip,port"...; "" when the dump had none */
	uint8_t revision, family;         /* NFPROTO_IPV4 / NFPROTO_IPV6 / 0 */
	bool has_header;
	bool has_hashsize, has_maxelem, has_netmask, has_bucketsize, has_initval, has_timeout;
	bool has_size, has_port_range, has_references, has_memsize, has_elements;
	uint32_t hashsize, maxelem, initval, timeout_s, size, references, memsize, elements;
	uint8_t netmask, bucketsize;
	uint16_t port_from, port_to;
	uint32_t cadt_flags;              /* IPSET_FLAG_WITH_COUNTERS, _COMMENT, _SKBINFO, _FORCEADD */
	uint32_t unknown_attrs;           /* header attributes not decoded */
	struct ipset_member *members;
	size_t member_count;
};

struct ipset_list {
	struct ipset_set *sets;
	size_t set_count;
};

/* One nfnetlink message of an IPSET_CMD_LIST or _SAVE dump, appended to
 * list (a set's members may span several messages).  0, -EINVAL when
 * malformed, -ENOMEM. */
int ipset_parse_msg(const void *msg, size_t len, struct ipset_list *list);
void ipset_free(struct ipset_list *list);

/* The sets of the current namespace, or the one named set (name NULL for
 * all), in the kernel's order.  -ENOENT when the named set does not exist,
 * -EPROTONOSUPPORT when the kernel has no ipset, -EPERM... as the kernel
 * says.  SONDE_IPSET_REPLAY=FILE reads recorded messages instead. */
int ipset_read(const char *name, struct ipset_list *list);

/* Is the set's type one the printer renders exactly? */
bool ipset_type_known(const char *type);

/* ipset 7.17's text. */
enum ipset_view {
	IPSET_VIEW_LIST,    /* ipset list */
	IPSET_VIEW_TERSE,   /* ipset list -terse */
	IPSET_VIEW_NAME,    /* ipset list -name */
	IPSET_VIEW_SAVE,    /* ipset save, ipset list -output save */
};
struct strbuf;
/* 0, or -ENOMEM (the text is then incomplete). */
int ipset_print(FILE *fp, const struct ipset_list *list, enum ipset_view view);
/* Appends one member as ipset writes it after the set's name
 * ("10.96.0.1,tcp:443 comment \"x\""). */
void ipset_member_format(struct strbuf *out, const struct ipset_set *set, const struct ipset_member *m);
/* Appends the member alone, without its extensions ("10.96.0.1,tcp:443"). */
void ipset_member_key_format(struct strbuf *out, const struct ipset_set *set, const struct ipset_member *m);
/* Appends the header's options as after "Header: " ("family inet hashsize 1024..."). */
void ipset_header_format(struct strbuf *out, const struct ipset_set *set);

#endif
