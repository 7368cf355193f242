/* Inside nft: the attribute walker shared by the parsers. */
#ifndef SONDE_NFT_IMPL_H
#define SONDE_NFT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/nft.h"

struct nft_attr {
	const uint8_t *data;
	uint16_t len;
	bool present;
};

/* Indexes the attributes in buf by type (up to max; others skipped). */
int nft_attr_parse(const void *buf, size_t len, struct nft_attr *tb, unsigned max);
/* Calls fn for each attribute nested in list (a list of NFTA_LIST_ELEM and
 * the like); fn returns 0 to go on, 1 to stop, -errno to fail. */
int nft_attr_each(const struct nft_attr *list, int (*fn)(const uint8_t *payload, size_t len, void *arg), void *arg);
/* Big-endian integers, 0 when absent or short. */
uint16_t nft_attr_u16(const struct nft_attr *a);
uint32_t nft_attr_u32(const struct nft_attr *a);
uint64_t nft_attr_u64(const struct nft_attr *a);
char *nft_attr_strdup(const struct nft_attr *a);
void nft_attr_str(const struct nft_attr *a, char *dst, size_t size);

int nft_parse_data(const struct nft_attr *a, struct nft_data *d);
int nft_parse_expr(const void *buf, size_t len, struct nft_expr *e);
void nft_expr_free(struct nft_expr *e);

/* nft's datatype numbers (they are nft's, not the kernel's). */
enum {
	NFT_TYPE_VERDICT = 1, NFT_TYPE_NFPROTO = 2, NFT_TYPE_INTEGER = 4, NFT_TYPE_STRING = 5,
	NFT_TYPE_IPADDR = 7, NFT_TYPE_IP6ADDR = 8, NFT_TYPE_ETHERADDR = 9, NFT_TYPE_INET_PROTOCOL = 12,
	NFT_TYPE_INET_SERVICE = 13, NFT_TYPE_MARK = 19, NFT_TYPE_IFINDEX = 20, NFT_TYPE_UID = 24,
	NFT_TYPE_GID = 25, NFT_TYPE_CT_STATE = 26, NFT_TYPE_CT_STATUS = 28, NFT_TYPE_FIB_ADDR = 38,
	NFT_TYPE_IFNAME = 41,
};

struct nfbuf;
const char *nft_type_name(uint32_t id);
size_t nft_type_components(uint32_t type, uint32_t *out, size_t max);
void nft_print_type(struct nfbuf *out, uint32_t type);
void nft_print_value(struct nfbuf *out, uint32_t type, const uint8_t *bytes, size_t len);
void nft_print_verdict(struct nfbuf *out, const struct nft_data *d);
void nft_print_ct_state(struct nfbuf *out, uint32_t value);
void nft_print_ct_status(struct nfbuf *out, uint32_t value);
void nft_print_duration(struct nfbuf *out, const char *label, uint64_t ms);

#endif
