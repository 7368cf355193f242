/* libFuzzer target for the nf_tables attribute parsers and the printers: the
 * first byte picks table, chain, rule (parsed, then printed in nft's
 * syntax and in its JSON schema), set, set elements or a named object
 * (listed both ways);
 * the rest is the message's attributes. */
#include <linux/netfilter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/nfdecode.h"
#include "sonde/nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char table_name[NFT_NAME_LEN], chain_name[NFT_NAME_LEN];
	struct nft_table t;
	struct nft_chain c;
	struct nft_rule r;
	struct nft_set set;
	uint8_t *attrs;

	if (size < 1)
		return 0;
	attrs = malloc(size);
	if (!attrs)
		return 0;
	memcpy(attrs, data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		if (nft_parse_table(attrs, size - 1, NFPROTO_IPV4, &t) == 0 && strlen(t.name) >= sizeof(t.name))
			abort();
		free(t.comment);
		break;
	case 1:
		if (nft_parse_chain(attrs, size - 1, NFPROTO_IPV4, &c) == 0 && strlen(c.name) >= sizeof(c.name))
			abort();
		free(c.comment);
		break;
	case 2:
		if (nft_parse_rule(attrs, size - 1, data[0] & 8 ? NFPROTO_INET : NFPROTO_IPV4, &r, table_name,
				   chain_name) == 0) {
			struct nft_print_ctx ctx = { .family = r.family };
			struct strbuf text = { 0 };

			nft_print_rule(&text, &r, &ctx);
			if (text.data && strlen(text.data) != text.len)
				abort();
			strbuf_reset(&text);
			nft_json_rule(&text, &r, table_name, chain_name, &ctx);
			if (text.data && strlen(text.data) != text.len)
				abort();
			strbuf_free(&text);
			nft_rule_free(&r);
		}
		break;
	case 3:
		if (nft_parse_set(attrs, size - 1, NFPROTO_IPV4, &set) == 0)
			nft_set_free(&set);
		break;
	case 5: {
		struct nft_obj o;

		if (nft_parse_obj(attrs, size - 1, NFPROTO_INET, &o) == 0) {
			struct strbuf text = { 0 };

			nft_print_obj(&text, &o, data[0] & 8);
			if (text.data && strlen(text.data) != text.len)
				abort();
			strbuf_reset(&text);
			nft_json_obj(&text, &o);
			strbuf_free(&text);
			nft_obj_free(&o);
		}
		break;
	}
	default:
		/* Elements into a set of a type picked by the second byte. */
		memset(&set, 0, sizeof(set));
		set.key_type = size > 1 ? data[1] % 48 : 7;
		set.flags = size > 2 ? data[2] : 0;
		if (nft_parse_set_elems(attrs, size - 1, &set) == 0) {
			struct strbuf text = { 0 };

			nft_print_elements(&text, &set);
			strbuf_reset(&text);
			nft_json_set(&text, &set);
			strbuf_free(&text);
		}
		nft_set_free(&set);
		break;
	}
	free(attrs);
	return 0;
}
