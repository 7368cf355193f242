/* Rules, sets and maps in libnftables' JSON schema (libnftables-json(5)),
 * the way `nft -j` 1.0.6 lists them, so that jq scripts written against
 * nft's output read sonde's.  The registers are followed by nft_render.c
 * as for the text listing (the same folding of `meta l4proto` and `meta
 * nfproto` guards, the same ranges); each statement is written here as one
 * JSON value, in jansson's compact layout (", " and ": " separators) that
 * nft prints. */
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"
#include "sonde/out.h"

void nft_json_string(struct strbuf *out, const char *s)
{
	size_t len = strlen(s), need = json_escape(NULL, 0, s, len);
	char small[256], *text = need < sizeof(small) ? small : malloc(need + 1);

	if (!text) {
		out->failed = true;
		return;
	}
	json_escape(text, need + 1, s, len);
	strbuf_puts(out, "\"");
	strbuf_add(out, text, need);
	strbuf_puts(out, "\"");
	if (text != small)
		free(text);
}

void nft_json_key(struct strbuf *out, const char *key)
{
	nft_json_string(out, key);
	strbuf_puts(out, ": ");
}

void nft_json_member(struct strbuf *out, const char *key, const char *value)
{
	strbuf_puts(out, ", ");
	nft_json_key(out, key);
	nft_json_string(out, value);
}

/* --- values ------------------------------------------------------------------ */

/* A flag set (ct state, ct status): one name as a string, several as an
 * array of them. */
static void json_flag_names(struct strbuf *out, char *names)
{
	char *comma = strchr(names, ','), *name, *next;
	const char *sep = "";

	if (!comma) {
		nft_json_string(out, names);
		return;
	}
	strbuf_puts(out, "[");
	for (name = names; name; name = next) {
		next = strchr(name, ',');
		if (next)
			*next++ = '\0';
		strbuf_puts(out, sep);
		nft_json_string(out, name);
		sep = ", ";
	}
	strbuf_puts(out, "]");
}

/* A value of a datatype: names and addresses as strings, numbers as
 * numbers (marks too, which the listing shows in hex). */
void nft_json_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len)
{
	struct strbuf text = { 0 };
	char *word;

	if (type == NFT_TYPE_BOOLEAN && (len == 1 || len == 4)) {
		strbuf_puts(out, nft_rd_all_zero(bytes, len) ? "false" : "true");
		return;
	}
	if ((type == NFT_TYPE_TIME || type == NFT_TYPE_TIME_SECS) && len == 4) {
		/* nft -j writes a duration in whole seconds. */
		strbuf_printf(out, "%" PRIu32, nft_host_u32(bytes) / 1000);
		return;
	}
	nft_rd_value(&text, type, bytes, len);
	word = text.data ? text.data : "";
	/* The listing quotes some words ("eth0", "default", a date); JSON
	 * has its own quotes. */
	if (text.len >= 2 && word[0] == '"' && word[text.len - 1] == '"' && type != NFT_TYPE_IFNAME) {
		word[text.len - 1] = '\0';
		word++;
	}
	switch (type) {
	case NFT_TYPE_CT_STATE:
	case NFT_TYPE_CT_STATUS:
	case NFT_TYPE_TCP_FLAG:
		json_flag_names(out, word);
		break;
	case NFT_TYPE_CT_EVENT:
		/* No event at all is the number 0 ("0x0" in the listing). */
		if (strncmp(word, "0x", 2) == 0)
			strbuf_printf(out, "%llu", strtoull(word, NULL, 16));
		else
			json_flag_names(out, word);
		break;
	case NFT_TYPE_IFNAME:
	case NFT_TYPE_IFINDEX:
		/* The listing quotes interface names; JSON has its own quotes. */
		if (text.len >= 2 && word[0] == '"') {
			word[text.len - 1] = '\0';
			word++;
		}
		nft_json_string(out, word);
		break;
	case NFT_TYPE_IPADDR: case NFT_TYPE_IP6ADDR: case NFT_TYPE_ETHERADDR: case NFT_TYPE_STRING:
	case NFT_TYPE_NUMBER_STRING:
	case NFT_TYPE_NFPROTO: case NFT_TYPE_FIB_ADDR:
		nft_json_string(out, word);
		break;
	case NFT_TYPE_INET_PROTOCOL:
		if (*word && word[strspn(word, "0123456789")] == '\0')
			strbuf_puts(out, word);
		else
			nft_json_string(out, word);
		break;
	default: {
		char *end;
		unsigned long long number = strtoull(word, &end, 0);

		/* A raw value wider than a number is its hex string. */
		if (*word && !*end && !(type == NFT_TYPE_RAW && len > 8))
			strbuf_printf(out, "%llu", number);
		else
			nft_json_string(out, word);
		break;
	}
	}
	strbuf_free(&text);
}

void nft_json_verdict(struct strbuf *out, const struct nft_data *d)
{
	const char *word;

	switch (d->verdict) {
	case NF_ACCEPT: word = "accept"; break;
	case NF_DROP: word = "drop"; break;
	case NF_QUEUE: word = "queue"; break;
	case NFT_CONTINUE: word = "continue"; break;
	case NFT_BREAK: word = "break"; break;
	case NFT_RETURN: word = "return"; break;
	case NFT_JUMP: case NFT_GOTO:
		strbuf_puts(out, "{");
		nft_json_key(out, d->verdict == NFT_JUMP ? "jump" : "goto");
		strbuf_puts(out, "{");
		nft_json_key(out, "target");
		nft_json_string(out, d->chain ? d->chain : "");
		strbuf_puts(out, "}}");
		return;
	default:
		strbuf_printf(out, "{\"verdict\": %d}", d->verdict);
		return;
	}
	strbuf_puts(out, "{");
	nft_json_key(out, word);
	strbuf_puts(out, "null}");
}

static void json_range(struct strbuf *out, uint32_t type, const uint8_t *low, const uint8_t *high, size_t len)
{
	strbuf_puts(out, "{\"range\": [");
	nft_json_value(out, type, low, len);
	strbuf_puts(out, ", ");
	nft_json_value(out, type, high, len);
	strbuf_puts(out, "]}");
}

static void json_prefix(struct strbuf *out, uint32_t type, const uint8_t *addr, size_t len, size_t prefix)
{
	strbuf_puts(out, "{\"prefix\": {\"addr\": ");
	nft_json_value(out, type, addr, len);
	strbuf_printf(out, ", \"len\": %zu}}", prefix);
}

/* --- elements ------------------------------------------------------------------ */

/* A value, or a flag combination as nft holds it in a set: {"|": [{"|":
 * ["fin", "psh"]}, "ack"]}. */
void nft_json_flags_or_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len)
{
	struct nft_data flags[32];
	size_t n = nft_flag_split(type, bytes, len, flags, 32), i;

	if (n < 2) {
		nft_json_value(out, type, bytes, len);
		return;
	}
	for (i = 1; i < n; i++)
		strbuf_puts(out, "{\"|\": [");
	for (i = 0; i < n; i++) {
		strbuf_puts(out, i > 1 ? "]}, " : i ? ", " : "");
		nft_json_value(out, type, flags[i].bytes, flags[i].len);
	}
	strbuf_puts(out, "]}");
}

/* One key: a value, or {"concat": [...]} over the components (each a
 * range when a concatenation's interval spans several values). */
static void json_key(struct strbuf *out, const struct nft_set *s, const uint8_t *bytes, const uint8_t *high, size_t len)
{
	struct nft_key_field fields[8];
	size_t n = nft_key_fields(s, len, fields, 8), i;

	if (n > 1)
		strbuf_puts(out, "{\"concat\": [");
	for (i = 0; i < n; i++) {
		const struct nft_key_field *f = &fields[i];

		if (i)
			strbuf_puts(out, ", ");
		size_t prefix;

		if (high && memcmp(bytes + f->offset, high + f->offset, f->size) != 0 &&
		    (f->type == NFT_TYPE_IPADDR || f->type == NFT_TYPE_IP6ADDR) &&
		    nft_range_prefix(bytes + f->offset, high + f->offset, f->size, &prefix))
			json_prefix(out, f->type, bytes + f->offset, f->size, prefix);
		else if (high && memcmp(bytes + f->offset, high + f->offset, f->size) != 0)
			json_range(out, nft_json_range_type(f->type),
				   bytes + f->offset, high + f->offset, f->size);
		else
			nft_json_flags_or_value(out, f->type, bytes + f->offset, f->size);
	}
	if (n > 1)
		strbuf_puts(out, "]}");
}

/* An interval set's element: a value, a prefix (addresses) or a range. */
static void json_interval(struct strbuf *out, const struct nft_set *s, const uint8_t *low, const uint8_t *high,
			  size_t len)
{
	uint32_t type;
	size_t prefix;

	nft_type_components(s->key_type, &type, 1);
	if (memcmp(low, high, len) == 0)
		nft_json_value(out, type, low, len);
	else if (nft_range_prefix(low, high, len, &prefix) && (type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR))
		json_prefix(out, type, low, len, prefix);
	else
		json_range(out, nft_json_range_type(type), low, high, len);
}

struct json_elements {
	struct strbuf *out;
	const char *sep;
};

static void json_element(const struct nft_set *s, const struct nft_set_elem *e, const uint8_t *high, void *arg)
{
	struct json_elements *je = arg;
	struct strbuf *out = je->out;
	bool map = s->flags & (NFT_SET_MAP | NFT_SET_OBJECT);
	bool wrapped = (e->timeout_ms && e->timeout_ms != s->timeout_ms) || e->expiration_ms || e->comment;

	strbuf_puts(out, je->sep);
	je->sep = ", ";
	if (map)
		strbuf_puts(out, "[");
	/* An element with attributes of its own is {"elem": {"val": ...}}. */
	if (wrapped)
		strbuf_puts(out, "{\"elem\": {\"val\": ");
	if (e->flags & NFT_SET_ELEM_CATCHALL)
		strbuf_puts(out, "\"*\"");
	else if ((s->flags & NFT_SET_INTERVAL) && !(s->flags & NFT_SET_CONCAT))
		json_interval(out, s, e->key.bytes, high, e->key.len);
	else
		json_key(out, s, e->key.bytes, high, e->key.len);
	if (wrapped) {
		if (e->timeout_ms && e->timeout_ms != s->timeout_ms)
			strbuf_printf(out, ", \"timeout\": %" PRIu64, e->timeout_ms / 1000);
		if (e->expiration_ms)
			strbuf_printf(out, ", \"expires\": %" PRIu64, e->expiration_ms / 1000);
		if (e->comment)
			nft_json_member(out, "comment", e->comment);
		strbuf_puts(out, "}}");
	}
	if (map) {
		strbuf_puts(out, ", ");
		if (s->flags & NFT_SET_OBJECT) {
			nft_json_string(out, e->objref ? e->objref : "");
		} else if (e->data.is_verdict) {
			nft_json_verdict(out, &e->data);
		} else {
			struct nft_set view;
			uint8_t bytes[NFT_DATA_LEN];
			const uint8_t *data_high;
			size_t len;

			nft_map_data_view(s, &e->data, &view, bytes, &data_high, &len);
			json_key(out, &view, bytes, data_high, len);
		}
		strbuf_puts(out, "]");
	}
}

void nft_json_elements(struct strbuf *out, struct nft_set *s)
{
	struct json_elements je = { .out = out, .sep = "" };

	strbuf_puts(out, "[");
	nft_walk_elements(s, json_element, &je);
	strbuf_puts(out, "]");
}

/* --- sets and maps -------------------------------------------------------------- */

static void json_type(struct strbuf *out, uint32_t type)
{
	uint32_t parts[8];
	size_t n = nft_type_components(type, parts, 8), i;

	strbuf_puts(out, n > 1 ? "[" : "");
	for (i = 0; i < n; i++) {
		const char *name = nft_type_name(parts[i]);
		char unknown[64];

		if (!name) {
			snprintf(unknown, sizeof(unknown), "type_%u (sonde: datatype not rendered)", parts[i]);
			name = unknown;
		}
		strbuf_puts(out, i ? ", " : "");
		nft_json_string(out, name);
	}
	strbuf_puts(out, n > 1 ? "]" : "");
}

static void json_set_flags(struct strbuf *out, uint32_t flags)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ NFT_SET_CONSTANT, "constant" }, { NFT_SET_INTERVAL, "interval" }, { NFT_SET_TIMEOUT, "timeout" },
	};
	bool any = false;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		strbuf_printf(out, "%s\"%s\"", any ? ", " : ", \"flags\": [", names[i].name);
		any = true;
	}
	if (any)
		strbuf_puts(out, "]");
}

void nft_json_set(struct strbuf *out, struct nft_set *s)
{
	bool map = s->flags & (NFT_SET_MAP | NFT_SET_OBJECT);

	strbuf_printf(out, "{\"%s\": {\"family\": \"%s\"", map ? "map" : "set", nft_family_name(s->family));
	nft_json_member(out, "name", s->name);
	nft_json_member(out, "table", s->table);
	strbuf_puts(out, ", \"type\": ");
	json_type(out, s->key_type);
	strbuf_printf(out, ", \"handle\": %" PRIu64, s->handle);
	if (s->comment)
		nft_json_member(out, "comment", s->comment);
	if (s->has_policy && s->policy == NFT_SET_POL_MEMORY)
		strbuf_puts(out, ", \"policy\": \"memory\"");
	if (map && (s->flags & NFT_SET_OBJECT)) {
		const char *obj = nft_obj_type_name(s->obj_type);

		if (obj)
			strbuf_printf(out, ", \"map\": \"%s\"", obj);
		else
			strbuf_printf(out, ", \"map\": \"type_%u (sonde: object type not rendered)\"", s->obj_type);
	} else if (map) {
		strbuf_puts(out, ", \"map\": ");
		json_type(out, s->data_type);
	}
	if (s->has_size && s->size)
		strbuf_printf(out, ", \"size\": %u", s->size);
	json_set_flags(out, s->flags);   /* nft -j keeps "timeout" */
	if (s->timeout_ms)
		strbuf_printf(out, ", \"timeout\": %" PRIu64, s->timeout_ms / 1000);
	if (s->gc_interval_ms)
		strbuf_printf(out, ", \"gc-interval\": %" PRIu64, s->gc_interval_ms / 1000);
	if (s->elem_count) {
		strbuf_puts(out, ", \"elem\": ");
		nft_json_elements(out, s);
	}
	strbuf_puts(out, "}}");
}
