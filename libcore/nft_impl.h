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
/* Big-endian integers, 0 when absent or short. */
uint16_t nft_attr_u16(const struct nft_attr *a);
uint32_t nft_attr_u32(const struct nft_attr *a);
uint64_t nft_attr_u64(const struct nft_attr *a);
void nft_attr_str(const struct nft_attr *a, char *dst, size_t size);

int nft_parse_data(const struct nft_attr *a, struct nft_data *d);
int nft_parse_expr(const void *buf, size_t len, struct nft_expr *e);
void nft_expr_free(struct nft_expr *e);

#endif
