/* Flag datatypes (tcp flags, ct state, ct status) as nft 1.0.6 holds them
 * in a set: a combination is an OR of single flags ("syn | ack", lowest
 * first), and a set's elements are sorted by their first flag with nft's
 * own merge sort over the order the kernel dumped them in (insertion order
 * from a bitmap, hash order from a hash), whose order among elements of
 * one first flag sonde repeats step by step. */
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "nft_impl.h"

/* The bits nft has a name for. */
static uint32_t named_bits(uint32_t type)
{
	switch (type) {
	case NFT_TYPE_TCP_FLAG: return 0xff;
	case NFT_TYPE_CT_STATE: return 0x4f;
	case NFT_TYPE_CT_STATUS: return 0x23f;
	default: return 0;
	}
}

bool nft_rd_is_flags(uint32_t type)
{
	return named_bits(type) != 0;
}

/* A flag value as a number: one byte (tcp flags), or four in host order. */
static uint32_t flag_number(const uint8_t *bytes, size_t len)
{
	uint32_t v = 0;

	if (len == 1)
		v = bytes[0];
	else if (len == 4)
		memcpy(&v, bytes, 4);
	return v;
}

size_t nft_flag_split(uint32_t type, const uint8_t *bytes, size_t len, struct nft_data *parts, size_t max)
{
	uint32_t v = flag_number(bytes, len), bit;
	size_t n = 0;

	if (!nft_rd_is_flags(type) || (len != 1 && len != 4))
		return 0;
	for (bit = 1; bit && n < max; bit <<= 1) {
		if (!(v & bit))
			continue;
		memset(&parts[n], 0, sizeof(parts[n]));
		parts[n].len = (uint32_t)len;
		if (len == 1)
			parts[n].bytes[0] = (uint8_t)bit;
		else
			memcpy(parts[n].bytes, &bit, 4);
		n++;
	}
	return n;
}

bool nft_flag_combination_known(uint32_t type, const uint8_t *bytes, size_t len)
{
	uint32_t v = flag_number(bytes, len);

	return (len == 1 || len == 4) && v && !(v & ~named_bits(type));
}

/* nft's sort key of an element: its value's lowest flag (the left end of
 * the OR it reads the value into); the catch-all element sorts last. */
static uint64_t sort_key(const struct nft_set_elem *e)
{
	uint32_t v = flag_number(e->key.bytes, e->key.len);

	if (e->flags & NFT_SET_ELEM_CATCHALL)
		return UINT64_MAX;
	return v & -v;
}

/* nft's list merge sort: the first half (the larger one) and the second
 * sorted alone, then merged, an element of the first half going first only
 * when its key is strictly lower. */
void nft_flag_sort(const struct nft_set_elem **elems, size_t n)
{
	size_t first = (n + 1) / 2, i = 0, j = first;

	if (n < 2)
		return;
	nft_flag_sort(elems, first);
	nft_flag_sort(elems + first, n - first);
	for (; i < j && j < n; i++) {
		const struct nft_set_elem *next;

		if (sort_key(elems[i]) < sort_key(elems[j]))
			continue;
		next = elems[j];
		memmove(&elems[i + 1], &elems[i], (j - i) * sizeof(*elems));
		elems[i] = next;
		j++;
	}
}
