/* libFuzzer target for the nf_tables attribute parsers: the first byte
 * picks table, chain or rule, the rest is the message's attributes. */
#include <linux/netfilter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char table_name[NFT_NAME_LEN], chain_name[NFT_NAME_LEN];
	struct nft_table t;
	struct nft_chain c;
	struct nft_rule r;
	uint8_t *attrs;

	if (size < 1)
		return 0;
	attrs = malloc(size);
	if (!attrs)
		return 0;
	memcpy(attrs, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		if (nft_parse_table(attrs, size - 1, NFPROTO_IPV4, &t) == 0 && strlen(t.name) >= sizeof(t.name))
			abort();
		break;
	case 1:
		if (nft_parse_chain(attrs, size - 1, NFPROTO_IPV4, &c) == 0 && strlen(c.name) >= sizeof(c.name))
			abort();
		break;
	default:
		if (nft_parse_rule(attrs, size - 1, NFPROTO_IPV4, &r, table_name, chain_name) == 0)
			nft_rule_free(&r);
		break;
	}
	free(attrs);
	return 0;
}
