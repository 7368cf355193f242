/* Netlink attributes: the one walker behind every netlink parser of
 * libcore (rtnetlink, sock_diag, ctnetlink, nftables, IPVS).  It trusts
 * nothing in the buffer (these parsers are fuzzed): every length is checked
 * before a read, headers and values are copied out with memcpy (attributes
 * nested in a fuzzer's buffer need not be aligned), and an attribute that
 * claims more than its buffer holds ends the walk. */
#ifndef SONDE_NLATTR_H
#define SONDE_NLATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One attribute's payload, where it lies in the message. */
struct nlattr_ref {
	const uint8_t *data;     /* after the 4-byte header; NULL when absent */
	uint16_t len;            /* payload bytes */
	bool present;
};

/* Indexes the attributes of one level of buf by type into tb[0..max]
 * (absent: present false; a repeated type keeps its last occurrence, as the
 * kernel's parser; types above max are skipped).  Returns 0, or -EINVAL
 * when an attribute's length runs outside buf: tb then holds the attributes
 * before it, for the parsers that keep what they could read. */
int nlattr_parse(const void *buf, size_t len, struct nlattr_ref *tb, unsigned max);
/* The attributes nested in a, as nlattr_parse; -ENOENT (tb all absent)
 * when a is absent. */
int nlattr_parse_nested(const struct nlattr_ref *a, struct nlattr_ref *tb, unsigned max);
/* Calls fn with each attribute's payload nested in list (NFTA_LIST_ELEM
 * and the like), in order; fn returns 0 to go on, 1 to stop, -errno to
 * fail.  Returns 0, fn's -errno, or -EINVAL as nlattr_parse.  An absent
 * list has no attributes. */
int nlattr_each(const struct nlattr_ref *list, int (*fn)(const uint8_t *payload, size_t len, void *arg), void *arg);

/* Values in host order (rtnetlink, sock_diag): false, *value untouched,
 * when the attribute is absent or shorter than the value. */
bool nlattr_u8(const struct nlattr_ref *a, uint8_t *value);
bool nlattr_u16(const struct nlattr_ref *a, uint16_t *value);
bool nlattr_u32(const struct nlattr_ref *a, uint32_t *value);
bool nlattr_u64(const struct nlattr_ref *a, uint64_t *value);
/* Values in network order (nfnetlink), turned to host order; as above. */
bool nlattr_be16(const struct nlattr_ref *a, uint16_t *value);
bool nlattr_be32(const struct nlattr_ref *a, uint32_t *value);
bool nlattr_be64(const struct nlattr_ref *a, uint64_t *value);
/* The same values, 0 when absent or short (nftables' and IPVS's parsers,
 * where 0 is the kernel's own default). */
uint16_t nlattr_u16_or0(const struct nlattr_ref *a);
uint32_t nlattr_u32_or0(const struct nlattr_ref *a);
uint64_t nlattr_u64_or0(const struct nlattr_ref *a);
uint16_t nlattr_be16_or0(const struct nlattr_ref *a);
uint32_t nlattr_be32_or0(const struct nlattr_ref *a);
uint64_t nlattr_be64_or0(const struct nlattr_ref *a);

/* A string attribute up to its first NUL into buf (cut to fit size > 0);
 * false and "" when absent. */
bool nlattr_str(const struct nlattr_ref *a, char *buf, size_t size);
/* The same, malloc'ed ("" when absent); NULL when out of memory. */
char *nlattr_strdup(const struct nlattr_ref *a);
/* The payload into a fixed struct of size bytes, zero-filling what the
 * attribute lacks and dropping what it has more (the kernel may be older
 * or newer than our headers). */
void nlattr_copy(const struct nlattr_ref *a, void *dst, size_t size);

#endif
