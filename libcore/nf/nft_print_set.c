/* nft's datatypes and sets in nft 1.0.6's syntax: the names of key and data
 * types (concatenations included), values printed by type, and set and map
 * declarations with their elements (sorted, intervals merged back into
 * prefixes and ranges, lines wrapped the way nft wraps them). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"
#include "sonde/nfdecode.h"

#define TYPE_BITS 6

static const struct { uint32_t id; const char *name; uint32_t size; bool host_order; } types[] = {
	{ NFT_TYPE_VERDICT, "verdict", 4, true }, { NFT_TYPE_NFPROTO, "nf_proto", 1, true },
	{ NFT_TYPE_INTEGER, "integer", 4, true }, { NFT_TYPE_STRING, "string", 0, false },
	{ NFT_TYPE_IPADDR, "ipv4_addr", 4, false }, { NFT_TYPE_IP6ADDR, "ipv6_addr", 16, false },
	{ NFT_TYPE_ETHERADDR, "ether_addr", 6, false }, { NFT_TYPE_INET_PROTOCOL, "inet_proto", 1, false },
	{ NFT_TYPE_INET_SERVICE, "inet_service", 2, false }, { NFT_TYPE_MARK, "mark", 4, true },
	{ NFT_TYPE_IFINDEX, "iface_index", 4, true }, { NFT_TYPE_CT_STATE, "ct_state", 4, true },
	{ NFT_TYPE_CT_STATUS, "ct_status", 4, true },
	{ NFT_TYPE_CT_EVENT, "ct_event", 4, true },
	{ NFT_TYPE_TCP_FLAG, "tcp_flag", 1, false }, { NFT_TYPE_IFNAME, "ifname", 16, true }, { NFT_TYPE_UID, "uid", 4, true }, { NFT_TYPE_GID, "gid", 4, true },
	{ NFT_TYPE_PKTTYPE, "pkt_type", 1, true }, { NFT_TYPE_ETHERTYPE, "ether_type", 2, false },
	{ NFT_TYPE_TIME, "time", 4, true }, { NFT_TYPE_ARPHRD, "iface_type", 2, true },
	{ NFT_TYPE_REALM, "realm", 4, true }, { NFT_TYPE_CLASSID, "classid", 4, true },
	{ NFT_TYPE_CT_DIR, "ct_dir", 1, true }, { NFT_TYPE_DEVGROUP, "devgroup", 4, true },
	{ NFT_TYPE_BOOLEAN, "boolean", 1, true }, { NFT_TYPE_TIME_DATE, "time", 8, true },
	{ NFT_TYPE_TIME_HOUR, "hour", 4, true }, { NFT_TYPE_TIME_DAY, "day", 1, true },
	{ NFT_TYPE_MH_TYPE, "mh_type", 1, false }, { NFT_TYPE_ARPOP, "arp_op", 2, false },
	{ NFT_TYPE_ICMP_TYPE, "icmp_type", 1, false }, { NFT_TYPE_DCCP_PKTTYPE, "dccp_pkttype", 1, false },
	{ NFT_TYPE_ICMP6_TYPE, "icmpv6_type", 1, false }, { NFT_TYPE_ICMP_CODE, "icmp_code", 1, false },
	{ NFT_TYPE_ICMPV6_CODE, "icmpv6_code", 1, false }, { NFT_TYPE_DSCP, "dscp", 1, false },
	{ NFT_TYPE_ECN, "ecn", 1, false }, { NFT_TYPE_IGMP_TYPE, "igmp_type", 1, false }, { NFT_TYPE_HOST_INTEGER, "integer", 2, true }, { NFT_TYPE_TIME_SECS, "time", 4, true }, { NFT_TYPE_BE_INTEGER, "integer", 4, false },
};

bool nft_type_host_order(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].id == type)
			return types[i].host_order;
	return false;
}

bool nft_type_reads_host(uint32_t type, size_t len)
{
	if (type == NFT_TYPE_INTEGER)
		return len != 2;
	return nft_type_host_order(type);
}

const char *nft_type_name(uint32_t id)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].id == id)
			return types[i].name;
	return NULL;
}

/* A concatenated type id holds its components 6 bits each, first highest. */
size_t nft_type_components(uint32_t type, uint32_t *out, size_t max)
{
	uint32_t parts[8];
	size_t n = 0, i;

	if (type == NFT_DATA_VERDICT) {
		out[0] = NFT_TYPE_VERDICT;
		return 1;
	}
	while (type && n < 8) {
		parts[n++] = type & ((1u << TYPE_BITS) - 1);
		type >>= TYPE_BITS;
	}
	for (i = 0; i < n && i < max; i++)
		out[i] = parts[n - 1 - i];
	return n < max ? n : max;
}

void nft_print_type(struct strbuf *out, uint32_t type)
{
	uint32_t parts[8];
	size_t n = nft_type_components(type, parts, 8), i;

	for (i = 0; i < n; i++) {
		const char *name = nft_type_name(parts[i]);

		if (i)
			strbuf_puts(out, " . ");
		if (name)
			strbuf_puts(out, name);
		else
			strbuf_printf(out, "type_%u # sonde: datatype %u not rendered", parts[i], parts[i]);
	}
}

static uint32_t type_size(uint32_t id)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].id == id)
			return types[i].size;
	return 4;
}

/* ct state and ct status are flag sets printed by name. */
static void print_flags(struct strbuf *out, uint32_t value, const uint32_t *bits, const char *const *names, size_t n)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(value & bits[i]))
			continue;
		strbuf_printf(out, "%s%s", sep, names[i]);
		sep = ",";
		value &= ~bits[i];
	}
	if (value || !*sep)
		strbuf_printf(out, "%s0x%x", sep, value);
}

void nft_print_ct_state(struct strbuf *out, uint32_t value)
{
	static const uint32_t bits[] = { 1, 2, 4, 8, 64 };
	static const char *const names[] = { "invalid", "established", "related", "new", "untracked" };

	print_flags(out, value, bits, names, 5);
}

void nft_print_tcp_flags(struct strbuf *out, uint32_t value)
{
	static const uint32_t bits[] = { 1, 2, 4, 8, 16, 32, 64, 128 };
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr" };

	print_flags(out, value, bits, names, 8);
}

static void print_ct_events(struct strbuf *out, uint32_t value)
{
	static const uint32_t bits[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
	static const char *const names[] = { "new", "related", "destroy", "reply", "assured", "protoinfo",
					     "helper", "mark", "seqadj", "secmark", "label" };

	print_flags(out, value, bits, names, 11);
}

void nft_print_ct_status(struct strbuf *out, uint32_t value)
{
	static const uint32_t bits[] = { 1, 2, 4, 8, 16, 32, 512 };
	static const char *const names[] = { "expected", "seen-reply", "assured", "confirmed", "snat", "dnat", "dying" };

	print_flags(out, value, bits, names, 7);
}

/* A fib lookup's address type (RTN_*) in nft's words; a number past them. */
void nft_print_fib_type(struct strbuf *out, uint32_t v)
{
	static const char *const names[] = { "unspec", "unicast", "local", "broadcast", "anycast", "multicast",
					     "blackhole", "unreachable", "prohibit" };

	if (v < 9)
		strbuf_puts(out, names[v]);
	else
		strbuf_printf(out, "%u", v);
}

/* A value as a number: host-order types from the host's bytes (an
 * eight-byte one whole, a two-byte one too), the rest big-endian. */
static uint64_t value_number(uint32_t type, const uint8_t *bytes, size_t len)
{
	uint64_t number = 0;
	uint32_t u32;
	uint16_t u16;
	size_t i;

	if (len == 8 && (type == NFT_TYPE_INTEGER || nft_type_host_order(type))) {
		memcpy(&number, bytes, 8);
	} else if (len == 4 && (type == NFT_TYPE_INTEGER || nft_type_host_order(type))) {
		memcpy(&u32, bytes, 4);
		number = u32;
	} else if (len == 2 && nft_type_host_order(type) && type_size(type) == 2) {
		memcpy(&u16, bytes, 2);
		number = u16;
	} else {
		for (i = 0; i < len && i < 8; i++)
			number = number << 8 | bytes[i];
	}
	return number;
}

/* One value of a datatype, from its bytes (network order unless the type
 * is a host-order one). */
void nft_print_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len)
{
	uint32_t host = 0;
	const char *name;

	if (len >= 4)
		memcpy(&host, bytes, 4);
	else if (len == 2)
		host = (uint32_t)bytes[0] << 8 | bytes[1];
	else if (len == 1)
		host = bytes[0];
	if (nft_print_symbolic(out, type, value_number(type, bytes, len)))
		return;
	switch (type) {
	case NFT_TYPE_RAW: {
		/* A raw load's value: big-endian, in hex without leading zeros. */
		size_t i = 0;

		while (i + 1 < len && bytes[i] == 0)
			i++;
		strbuf_printf(out, "0x%x", len ? bytes[i] : 0);
		for (i++; i < len; i++)
			strbuf_printf(out, "%02x", bytes[i]);
		return;
	}
	case NFT_TYPE_IPADDR:
		if (len >= 4)
			nfbuf_ipv4(out, bytes);
		return;
	case NFT_TYPE_IP6ADDR:
		if (len >= 16)
			nfbuf_ipv6(out, bytes);
		return;
	case NFT_TYPE_INET_PROTOCOL:
		/* nft names protocol 0 as /etc/protocols does ("ip"). */
		name = !len ? NULL : bytes[0] ? nf_proto_name(bytes[0]) : nf_proto_file_name(0);
		if (name)
			strbuf_puts(out, name);
		else
			strbuf_printf(out, "%u", len ? bytes[0] : 0);
		return;
	case NFT_TYPE_INET_SERVICE:
		strbuf_printf(out, "%u", len >= 2 ? (unsigned)bytes[0] << 8 | bytes[1] : 0);
		return;
	case NFT_TYPE_MARK:
		strbuf_printf(out, "0x%08x", host);
		return;
	case NFT_TYPE_BITMASK:
		strbuf_printf(out, "0x%" PRIx64, value_number(type, bytes, len));
		return;
	case NFT_TYPE_ETHERADDR:
		for (size_t i = 0; i < len; i++)
			strbuf_printf(out, "%s%02x", i ? ":" : "", bytes[i]);
		return;
	case NFT_TYPE_TCP_FLAG:
		nft_print_tcp_flags(out, host);
		return;
	case NFT_TYPE_CT_STATE:
		nft_print_ct_state(out, host);
		return;
	case NFT_TYPE_CT_STATUS:
		nft_print_ct_status(out, host);
		return;
	case NFT_TYPE_CT_EVENT:
		print_ct_events(out, host);
		return;
	case NFT_TYPE_STRING:
		strbuf_printf(out, "\"%.*s\"", (int)strnlen((const char *)bytes, len), (const char *)bytes);
		return;
	case NFT_TYPE_FIB_ADDR:
		nft_print_fib_type(out, host);
		return;
	case NFT_TYPE_IFNAME: {
		/* A whole name ending in '*' is that literal name: nft escapes the
		 * star, which alone would mean a prefix. */
		int n = (int)strnlen((const char *)bytes, len);
		bool star = n > 0 && bytes[n - 1] == '*';

		strbuf_printf(out, "\"%.*s%s\"", star ? n - 1 : n, (const char *)bytes, star ? "\\*" : "");
		return;
	}
	case NFT_TYPE_IFINDEX: {
		/* nft names the interface, as this namespace knows it now. */
		char ifname[IF_NAMESIZE];

		if (len == 4 && if_indextoname(host, ifname))
			strbuf_printf(out, "\"%s\"", ifname);
		else
			strbuf_printf(out, "%u", host);
		return;
	}
	case NFT_TYPE_PKTTYPE: {
		/* The kernel's PACKET_* numbers; nft's first name for 0 is host. */
		static const char *const names[] = { "host", "broadcast", "multicast", "other" };

		if (host < 4)
			strbuf_puts(out, names[host]);
		else
			strbuf_printf(out, "%u", host);
		return;
	}
	case NFT_TYPE_NFPROTO:
		strbuf_puts(out, host == NFPROTO_IPV4 ? "ipv4" : host == NFPROTO_IPV6 ? "ipv6" : "unknown");
		return;
	default:
		if (len >= 1 && len <= 8)
			strbuf_printf(out, "%" PRIu64, value_number(type, bytes, len));
		else
			strbuf_printf(out, "0x%02x", len ? bytes[0] : 0);
		return;
	}
}

void nft_print_verdict(struct strbuf *out, const struct nft_data *d)
{
	switch (d->verdict) {
	case NF_ACCEPT: strbuf_puts(out, "accept"); break;
	case NF_DROP: strbuf_puts(out, "drop"); break;
	case NF_QUEUE: strbuf_puts(out, "queue"); break;
	case NFT_CONTINUE: strbuf_puts(out, "continue"); break;
	case NFT_BREAK: strbuf_puts(out, "break"); break;
	case NFT_RETURN: strbuf_puts(out, "return"); break;
	case NFT_JUMP: strbuf_printf(out, "jump %s", d->chain ? d->chain : "?"); break;
	case NFT_GOTO: strbuf_printf(out, "goto %s", d->chain ? d->chain : "?"); break;
	default: strbuf_printf(out, "verdict %d", d->verdict); break;
	}
}

/* The components of a key (one, or a concatenation's, each padded to 4
 * bytes): their datatypes, offsets and sizes; returns how many fit in len. */
size_t nft_key_fields(const struct nft_set *s, size_t len, struct nft_key_field *fields, size_t max)
{
	uint32_t parts[8];
	size_t n = nft_type_components(s->key_type, parts, 8), i, at = 0;

	if (n == 1 && max) {
		fields[0] = (struct nft_key_field){ .type = (s->raw_fields & 1) ? NFT_TYPE_RAW : parts[0], .offset = 0,
						    .size = len };
		return 1;
	}
	for (i = 0; i < n && i < max && at < len; i++) {
		size_t size = i < s->field_count ? s->field_len[i] : type_size(parts[i]);

		fields[i] = (struct nft_key_field){ .type = (s->raw_fields >> i & 1) ? NFT_TYPE_RAW : parts[i],
						    .offset = at, .size = size };
		at += (size + 3) & ~(size_t)3;
	}
	return i;
}

static bool is_addr_type(uint32_t type)
{
	return type == NFT_TYPE_IPADDR || type == NFT_TYPE_IP6ADDR;
}

/* A value, or a flag combination as nft holds it in a set: "syn | ack". */
void nft_print_flags_or_value(struct strbuf *out, uint32_t type, const uint8_t *bytes, size_t len)
{
	struct nft_data flags[32];
	size_t n = nft_flag_split(type, bytes, len, flags, 32), i;

	if (n < 2) {
		nft_print_value(out, type, bytes, len);
		return;
	}
	for (i = 0; i < n; i++) {
		strbuf_puts(out, i ? " | " : "");
		nft_print_value(out, type, flags[i].bytes, flags[i].len);
	}
}

/* One key, field by field; with high (a concatenation's interval), each
 * field a value, an address prefix or a range, as nft shows them. */
static void print_key(struct strbuf *out, const struct nft_set *s, const uint8_t *bytes, const uint8_t *high, size_t len)
{
	struct nft_key_field fields[8];
	size_t n = nft_key_fields(s, len, fields, 8), i, prefix;

	for (i = 0; i < n; i++) {
		const struct nft_key_field *f = &fields[i];

		if (i)
			strbuf_puts(out, " . ");
		nft_print_flags_or_value(out, f->type, bytes + f->offset, f->size);
		if (!high || memcmp(bytes + f->offset, high + f->offset, f->size) == 0)
			continue;
		if (is_addr_type(f->type) && nft_range_prefix(bytes + f->offset, high + f->offset, f->size, &prefix)) {
			strbuf_printf(out, "/%zu", prefix);
		} else {
			strbuf_puts(out, "-");
			nft_print_value(out, nft_range_type(f->type),
					high + f->offset, f->size);
		}
	}
}

/* nft sorts elements by their value as a number: big-endian types (addresses,
 * ports) byte by byte from the first, host-order types and concatenations
 * (which nft holds as one host-order number) from the last byte. */
static bool sort_from_last_byte;

static int key_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen, i;

	if (alen != blen)
		return alen < blen ? -1 : 1;
	if (!sort_from_last_byte)
		return memcmp(a, b, n);
	for (i = n; i-- > 0;)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int elem_order(const void *a, const void *b)
{
	const struct nft_set_elem *x = a, *y = b;
	int c;

	/* The catch-all element ("*") is listed last. */
	if ((x->flags ^ y->flags) & NFT_SET_ELEM_CATCHALL)
		return (x->flags & NFT_SET_ELEM_CATCHALL) ? 1 : -1;
	c = key_compare(x->key.bytes, x->key.len, y->key.bytes, y->key.len);
	if (c)
		return c;
	/* At one key, the end of an interval comes before the start of the
	 * next (adjacent intervals share the key). */
	return (int)(y->flags & NFT_SET_ELEM_INTERVAL_END) - (int)(x->flags & NFT_SET_ELEM_INTERVAL_END);
}

static bool host_order_key(const struct nft_set *s)
{
	uint32_t parts[8];
	size_t n = nft_type_components(s->key_type, parts, 8), i;

	if (n != 1)
		return true;
	/* nft's own record of the keys' byte order, when it left one. */
	if (s->key_byteorder == NFT_BYTEORDER_BIG || s->key_byteorder == NFT_BYTEORDER_HOST)
		return s->key_byteorder == NFT_BYTEORDER_HOST;
	/* A two-byte integer is a header field (udp checksum), which nft keeps
	 * in network order; four-byte ones are meta and ct numbers. */
	if (parts[0] == NFT_TYPE_INTEGER && s->key_len == 2)
		return false;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].id == parts[0])
			return types[i].host_order;
	return true;
}

/* How nft separates elements: a few per line for short types, one per line
 * for the rest (concatenations, maps of them). */
static const char *element_separator(const struct nft_set *s, size_t *on_line)
{
	static const char newline[] = ",\n\t\t\t     ";
	uint32_t parts[8];
	size_t n = nft_type_components(s->key_type, parts, 8), per_line;

	if (s->flags & NFT_SET_ANONYMOUS)
		return ", ";
	if (n != 1)
		return newline;
	switch (parts[0]) {
	case NFT_TYPE_NFPROTO: case NFT_TYPE_INTEGER: case NFT_TYPE_INET_PROTOCOL: case NFT_TYPE_INET_SERVICE:
	case NFT_TYPE_MARK: case NFT_TYPE_IFINDEX: case NFT_TYPE_UID: case NFT_TYPE_GID: case NFT_TYPE_TCP_FLAG:
	case NFT_TYPE_ARPOP: case NFT_TYPE_DCCP_PKTTYPE: case NFT_TYPE_CLASSID: case NFT_TYPE_CT_DIR:
		per_line = 5;
		break;
	case NFT_TYPE_IPADDR: case NFT_TYPE_CT_STATE: case NFT_TYPE_CT_STATUS: case NFT_TYPE_PKTTYPE:
		per_line = 2;
		break;
	default:
		return newline;
	}
	if (++*on_line < per_line)
		return ", ";
	*on_line = 0;
	return newline;
}

/* Whether [low, high] is one prefix (low's first *prefix bits, then any). */
bool nft_range_prefix(const uint8_t *low, const uint8_t *high, size_t len, size_t *prefix)
{
	size_t bit;

	*prefix = 0;
	for (bit = 0; bit < len * 8; bit++) {
		int lo = low[bit / 8] >> (7 - bit % 8) & 1, hi = high[bit / 8] >> (7 - bit % 8) & 1;

		if (lo == hi && *prefix == bit)
			++*prefix;
		else if (!(lo == 0 && hi == 1))
			return false;
	}
	return true;
}

/* A range [low, high] of a single-component key as nft shows it: a
 * prefix when it is one, else low-high. */
static void print_range(struct strbuf *out, const struct nft_set *s, const uint8_t *low, const uint8_t *high, size_t len)
{
	uint32_t part;
	size_t prefix;

	nft_type_components(s->key_type, &part, 1);
	/* nft names a protocol alone, never a range's ends. */
	if (memcmp(low, high, len) != 0)
		part = nft_range_type(part);
	nft_print_value(out, part, low, len);
	if (memcmp(low, high, len) == 0)
		return;
	if (nft_range_prefix(low, high, len, &prefix) && (part == NFT_TYPE_IPADDR || part == NFT_TYPE_IP6ADDR)) {
		strbuf_printf(out, "/%zu", prefix);
		return;
	}
	strbuf_puts(out, "-");
	nft_print_value(out, part, high, len);
}

/* high = end - 1, for the exclusive end an interval element carries. */
static void end_minus_one(uint8_t *high, const uint8_t *end, size_t len)
{
	size_t i = len;

	memcpy(high, end, len);
	while (i-- > 0)
		if (high[i]-- != 0)
			break;
}

void nft_map_data_view(const struct nft_set *s, const struct nft_data *data, struct nft_set *view,
		       uint8_t bytes[NFT_DATA_LEN], const uint8_t **high, size_t *len)
{
	uint32_t parts[8];
	size_t n = nft_type_components(s->data_type, parts, 8);

	memset(view, 0, sizeof(*view));
	view->key_type = s->data_type;
	view->key_byteorder = s->data_byteorder;
	*len = data->len < NFT_DATA_LEN ? data->len : NFT_DATA_LEN;
	memcpy(bytes, data->bytes, *len);
	*high = NULL;
	/* A two-byte integer nft keeps in host order (a ct zone), which the
	 * integer type reads in network order. */
	if (n == 1 && parts[0] == NFT_TYPE_INTEGER && *len == 2 && s->data_byteorder == NFT_BYTEORDER_HOST)
		nft_swap_elements(bytes, 2, 2);
	if (s->data_interval && *len >= 2) {
		*len /= 2;
		*high = bytes + *len;
	}
	view->key_len = (uint32_t)*len;
}

static void print_element_tail(struct strbuf *out, const struct nft_set *s, const struct nft_set_elem *e)
{
	if (e->timeout_ms && e->timeout_ms != s->timeout_ms)
		nft_print_duration(out, " timeout ", e->timeout_ms);
	if (e->expiration_ms)
		nft_print_duration(out, " expires ", e->expiration_ms);
	if (e->comment)
		strbuf_printf(out, " comment \"%s\"", e->comment);
	if ((s->flags & NFT_SET_OBJECT) && e->objref)
		strbuf_printf(out, " : \"%s\"", e->objref);
	if (s->flags & NFT_SET_MAP) {
		strbuf_puts(out, " : ");
		if (e->data.is_verdict) {
			nft_print_verdict(out, &e->data);
		} else {
			struct nft_set view;
			uint8_t bytes[NFT_DATA_LEN];
			const uint8_t *high;
			size_t len;

			nft_map_data_view(s, &e->data, &view, bytes, &high, &len);
			print_key(out, &view, bytes, high, len);
		}
	}
}

/* A key nft converted to network order (an interval set of marks,
 * lengths, uids...) whose datatype reads host order: its bytes are swapped
 * back before they are shown. */
static bool key_swapped(const struct nft_set *s)
{
	uint32_t parts[8];

	return s->key_byteorder == NFT_BYTEORDER_BIG && nft_type_components(s->key_type, parts, 8) == 1 &&
	       (s->key_len == 2 || s->key_len == 4 || s->key_len == 8) && nft_type_reads_host(parts[0], s->key_len);
}

/* A key's bytes in the order its datatypes read them: the whole key, or
 * the concatenation's fields the rule converted. */
static void swap_key(const struct nft_set *s, uint8_t *bytes, size_t len)
{
	struct nft_key_field fields[8];
	size_t n, i;

	if (key_swapped(s)) {
		nft_swap_elements(bytes, len, s->key_len);
		return;
	}
	n = nft_key_fields(s, len, fields, 8);
	for (i = 0; i < n; i++)
		if ((s->be_fields >> i & 1) && fields[i].offset + fields[i].size <= len)
			nft_swap_elements(bytes + fields[i].offset, fields[i].size, fields[i].size);
}

static void walk_one(struct nft_set *s, const struct nft_set_elem *e, const uint8_t *high, bool swap, nft_elem_fn fn,
		     void *arg)
{
	struct nft_set_elem copy;
	uint8_t high_copy[NFT_DATA_LEN];

	if (!swap) {
		fn(s, e, high, arg);
		return;
	}
	copy = *e;
	swap_key(s, copy.key.bytes, copy.key.len);
	swap_key(s, copy.key_end.bytes, copy.key_end.len);
	if (high) {
		memcpy(high_copy, high, e->key.len);
		swap_key(s, high_copy, e->key.len);
	}
	fn(s, &copy, high ? high_copy : NULL, arg);
}

/* A set of flags (tcp flags, ct state), which nft sorts from the kernel's
 * order by lowest flag: walked in that order, the dump's left as it was
 * for the next walk.  False for another set (or more elements than flags
 * can make). */
static bool walk_flags(struct nft_set *s, bool swap, nft_elem_fn fn, void *arg)
{
	const struct nft_set_elem *order[512];
	uint32_t parts[8];
	size_t i;

	if (nft_type_components(s->key_type, parts, 8) != 1 || !nft_rd_is_flags(parts[0]) ||
	    s->elem_count > sizeof(order) / sizeof(order[0]))
		return false;
	for (i = 0; i < s->elem_count; i++)
		order[i] = &s->elems[i];
	nft_flag_sort(order, s->elem_count);
	for (i = 0; i < s->elem_count; i++) {
		const struct nft_set_elem *e = order[i];
		bool ranged = e->key_end.len && memcmp(e->key_end.bytes, e->key.bytes, e->key.len) != 0;

		walk_one(s, e, ranged ? e->key_end.bytes : NULL, swap, fn, arg);
	}
	return true;
}

void nft_walk_elements(struct nft_set *s, nft_elem_fn fn, void *arg)
{
	bool interval = (s->flags & NFT_SET_INTERVAL) && !(s->flags & NFT_SET_CONCAT);
	bool swap = key_swapped(s) || s->be_fields;
	size_t i;


	if (!interval && walk_flags(s, swap, fn, arg))
		return;
	sort_from_last_byte = host_order_key(s);
	if (s->elem_count)
		qsort(s->elems, s->elem_count, sizeof(*s->elems), elem_order);
	for (i = 0; i < s->elem_count; i++) {
		const struct nft_set_elem *e = &s->elems[i];
		uint8_t high[NFT_DATA_LEN];

		if (e->flags & NFT_SET_ELEM_INTERVAL_END)
			continue;
		if (interval) {
			const struct nft_set_elem *end = i + 1 < s->elem_count ? &s->elems[i + 1] : NULL;

			/* An interval ends before its end element, or before the
			 * next interval's start where nft left out an end element
			 * that would share its key (a map's adjacent ranges). */
			if (end && !(end->flags & NFT_SET_ELEM_CATCHALL) && end->key.len == e->key.len)
				end_minus_one(high, end->key.bytes, e->key.len);
			else
				memset(high, 0xff, e->key.len);
			walk_one(s, e, high, swap, fn, arg);
		} else {
			bool ranged = e->key_end.len && memcmp(e->key_end.bytes, e->key.bytes, e->key.len) != 0;

			walk_one(s, e, ranged ? e->key_end.bytes : NULL, swap, fn, arg);
		}
	}
}

struct text_elements {
	struct strbuf *out;
	const char *sep;
	size_t on_line;
};

static void print_element(const struct nft_set *s, const struct nft_set_elem *e, const uint8_t *high, void *arg)
{
	struct text_elements *te = arg;
	bool interval = (s->flags & NFT_SET_INTERVAL) && !(s->flags & NFT_SET_CONCAT);

	strbuf_puts(te->out, te->sep);
	if (e->flags & NFT_SET_ELEM_CATCHALL)
		strbuf_puts(te->out, "*");
	else if (interval)
		print_range(te->out, s, e->key.bytes, high, e->key.len);
	else
		print_key(te->out, s, e->key.bytes, high, e->key.len);
	print_element_tail(te->out, s, e);
	te->sep = element_separator(s, &te->on_line);
}

void nft_print_elements(struct strbuf *out, struct nft_set *s)
{
	struct text_elements te = { .out = out, .sep = "" };

	strbuf_puts(out, "{ ");
	nft_walk_elements(s, print_element, &te);
	strbuf_puts(out, " }");
}

uint32_t nft_set_shown_flags(const struct nft_set *s)
{
	/* A default timeout implies the timeout flag: nft 1.0.6 leaves it out
	 * when no other flag is shown ("flags dynamic,timeout" stays). */
	if (s->timeout_ms && !(s->flags & (NFT_SET_EVAL | NFT_SET_INTERVAL | NFT_SET_CONSTANT)))
		return s->flags & ~(uint32_t)NFT_SET_TIMEOUT;
	return s->flags;
}

static void set_flags(struct strbuf *out, const struct nft_set *s)
{
	static const struct { uint32_t bit; const char *name; } flags[] = {
		{ NFT_SET_CONSTANT, "constant" }, { NFT_SET_EVAL, "dynamic" }, { NFT_SET_INTERVAL, "interval" },
		{ NFT_SET_TIMEOUT, "timeout" },
	};
	const char *sep = "\t\tflags ";
	uint32_t shown = nft_set_shown_flags(s);
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!(shown & flags[i].bit))
			continue;
		strbuf_printf(out, "%s%s", sep, flags[i].name);
		sep = ",";
	}
	if (*sep == ',')
		strbuf_puts(out, "\n");
}

void nft_print_set(struct strbuf *out, struct nft_set *s)
{
	bool map = s->flags & (NFT_SET_MAP | NFT_SET_OBJECT);

	strbuf_printf(out, "\t%s %s {\n\t\ttype ", map ? "map" : "set", s->name);
	nft_print_type(out, s->key_type);
	if (map && (s->flags & NFT_SET_OBJECT)) {
		const char *obj = nft_obj_type_name(s->obj_type);

		if (obj)
			strbuf_printf(out, " : %s", obj);
		else
			strbuf_printf(out, " : type_%u # sonde: object type not rendered", s->obj_type);
	} else if (map) {
		strbuf_puts(out, " : ");
		nft_print_type(out, s->data_type);
	}
	strbuf_puts(out, "\n");
	if (s->has_policy && s->policy == NFT_SET_POL_MEMORY)
		strbuf_puts(out, "\t\tpolicy memory\n");
	if (s->has_size && s->size)
		strbuf_printf(out, "\t\tsize %u\n", s->size);
	set_flags(out, s);
	if (s->timeout_ms) {
		nft_print_duration(out, "\t\ttimeout ", s->timeout_ms);
		strbuf_puts(out, "\n");
	}
	if (s->gc_interval_ms) {
		nft_print_duration(out, "\t\tgc-interval ", s->gc_interval_ms);
		strbuf_puts(out, "\n");
	}
	if (s->comment)
		strbuf_printf(out, "\t\tcomment \"%s\"\n", s->comment);
	if (s->elem_count) {
		strbuf_puts(out, "\t\telements = ");
		nft_print_elements(out, s);
		strbuf_puts(out, "\n");
	}
	strbuf_puts(out, "\t}\n");
}

static int compare_set_names(const void *a, const void *b, void *sets_arg)
{
	const struct nft_set *sets = sets_arg;

	return strcmp(sets[*(const size_t *)a].name, sets[*(const size_t *)b].name);
}

size_t *nft_sets_by_name(const struct nft_set *sets, size_t count)
{
	size_t *order = malloc((count ? count : 1) * sizeof(*order)), i;

	if (!order)
		return NULL;
	for (i = 0; i < count; i++)
		order[i] = i;
	qsort_r(order, count, sizeof(*order), compare_set_names, (void *)sets);
	return order;
}
