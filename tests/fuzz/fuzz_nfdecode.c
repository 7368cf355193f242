/* libFuzzer target for the match/target decoder table and nft's
 * translations: the first byte picks an extension (and family, style,
 * numeric), the rest is its blob.  Every blob must render without reading
 * past its end, and the text must stay a C string of bounded size. */
#include <linux/netfilter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/nfdecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct { const char *name; uint8_t revision; bool target; } exts[] = {
	{ "addrtype", 0, false }, { "addrtype", 1, false }, { "comment", 0, false }, { "connmark", 1, false },
	{ "conntrack", 1, false }, { "conntrack", 2, false }, { "conntrack", 3, false }, { "icmp", 0, false },
	{ "icmp6", 0, false }, { "iprange", 1, false }, { "limit", 0, false }, { "mark", 1, false },
	{ "multiport", 0, false }, { "multiport", 1, false }, { "owner", 1, false }, { "physdev", 0, false },
	{ "recent", 0, false }, { "recent", 1, false }, { "set", 1, false }, { "set", 3, false },
	{ "set", 4, false }, { "state", 0, false }, { "statistic", 0, false }, { "tcp", 0, false },
	{ "udp", 0, false }, { "nosuch", 7, false },
	{ "CONNMARK", 1, true }, { "CONNMARK", 2, true }, { "DNAT", 0, true }, { "DNAT", 1, true },
	{ "DNAT", 2, true }, { "LOG", 0, true }, { "MARK", 2, true }, { "MASQUERADE", 0, true },
	{ "NFLOG", 0, true }, { "REDIRECT", 0, true }, { "REJECT", 0, true }, { "SNAT", 0, true },
	{ "SNAT", 1, true }, { "NOSUCH", 0, true },
};

static const char *no_set_name(void *arg, uint16_t index)
{
	(void)arg;
	return index == 1 ? "kube-set" : NULL;
}

static void check_text(const struct strbuf *out)
{
	if (out->data && strlen(out->data) != out->len)
		abort();
	if (out->len > 16384)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t count = sizeof(exts) / sizeof(exts[0]);
	struct nfdecode_opts o = { .set_name = no_set_name };
	struct nfdecode_ext ext;
	struct strbuf out = { 0 };
	uint8_t *blob;

	if (size < 2)
		return 0;
	ext.name = exts[data[0] % count].name;
	ext.revision = exts[data[0] % count].revision;
	o.family = (data[1] & 1) ? NFPROTO_IPV6 : NFPROTO_IPV4;
	o.style = (data[1] & 2) ? NFDECODE_LIST : NFDECODE_SAVE;
	o.numeric = data[1] & 4;
	o.proto = (data[1] & 8) ? 17 : 6;
	/* An exact-size copy, so that reading past the blob is caught. */
	blob = malloc(size - 2 ? size - 2 : 1);
	if (!blob)
		return 0;
	memcpy(blob, data + 2, size - 2);
	ext.data = blob;
	ext.len = size - 2;
	if (exts[data[0] % count].target)
		nfdecode_target(&out, &ext, &o);
	else
		nfdecode_match(&out, &ext, &o);
	check_text(&out);
	/* The same blob through nft's translation of it. */
	strbuf_reset(&out);
	if (exts[data[0] % count].target)
		nfdecode_nft_target(&out, &ext, &o);
	else
		nfdecode_nft_match(&out, &ext, &o);
	check_text(&out);
	strbuf_free(&out);
	free(blob);
	return 0;
}
