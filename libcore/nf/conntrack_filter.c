/* Which entries a listing, a delete or an event stream keeps: the filters
 * of `conntrack -L/-D/-E`, evaluated in user space on the parsed entry. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sonde/conntrack.h"

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static bool addresses_match(const struct ct_filter *f, const struct ct_entry *e)
{
	const uint8_t *addrs[4] = { e->orig.src, e->orig.dst, e->reply.src, e->reply.dst };
	int i;

	for (i = 0; i < 4; i++)
		if (f->has_addr[i] && !prefix_contains_bytes(&f->addr[i], e->family, addrs[i]))
			return false;
	return true;
}

static bool ports_match(const struct ct_filter *f, const struct ct_entry *e)
{
	const uint16_t ports[4] = { e->orig.sport, e->orig.dport, e->reply.sport, e->reply.dport };
	bool has[4] = { e->orig.has_ports, e->orig.has_ports, e->reply.has_ports, e->reply.has_ports };
	int i;

	for (i = 0; i < 4; i++)
		if (f->has_port[i] && (!has[i] || ports[i] != f->port[i]))
			return false;
	return true;
}

static bool icmp_matches(const struct ct_filter *f, const struct ct_entry *e)
{
	if (!f->has_icmp_type && !f->has_icmp_code && !f->has_icmp_id)
		return true;
	if (!e->orig.has_icmp)
		return false;
	return (!f->has_icmp_type || f->icmp_type == e->orig.icmp_type) &&
	       (!f->has_icmp_code || f->icmp_code == e->orig.icmp_code) &&
	       (!f->has_icmp_id || f->icmp_id == e->orig.icmp_id);
}

/* -n/-g as conntrack-tools reads them: a translated address or port in the
 * given direction; with an address (port) given, translated to it. */
struct nat_test {
	bool addr_translated, port_translated;
	bool has_addr, has_port;
	int family;
	const uint8_t *want_addr, *got_addr;
	uint16_t want_port, got_port;
};

static bool nat_matches(const struct nat_test *t, int family)
{
	bool addr_ok = t->has_addr && t->addr_translated && t->family == family &&
		       memcmp(t->want_addr, t->got_addr, addr_len(family)) == 0;
	bool port_ok = t->has_port && t->port_translated && t->want_port == t->got_port;

	if (t->has_addr && t->has_port)
		return addr_ok && port_ok;
	if (t->has_addr)
		return addr_ok;
	if (t->has_port)
		return port_ok;
	return t->addr_translated || t->port_translated;
}

static bool snat_matches(const struct ct_filter *f, const struct ct_entry *e)
{
	struct nat_test t = { ct_is_snat(e), ct_is_spat(e), f->has_snat_addr, f->has_snat_port, f->snat_family,
			      f->snat_addr, e->reply.dst, f->snat_port, e->reply.dport };

	return nat_matches(&t, e->family);
}

static bool dnat_matches(const struct ct_filter *f, const struct ct_entry *e)
{
	struct nat_test t = { ct_is_dnat(e), ct_is_dpat(e), f->has_dnat_addr, f->has_dnat_port, f->dnat_family,
			      f->dnat_addr, e->reply.src, f->dnat_port, e->reply.sport };

	return nat_matches(&t, e->family);
}

static bool meta_matches(const struct ct_filter *f, const struct ct_entry *e)
{
	if (f->has_mark && (!e->has_mark || (e->mark & f->mark_mask) != f->mark))
		return false;
	/* The default zone (0) is not sent by the kernel. */
	if (f->has_zone && (e->has_zone ? e->zone : 0) != f->zone)
		return false;
	if (f->has_status && (!e->has_status || (e->status & f->status_mask) != f->status_value))
		return false;
	if (f->has_id && (!e->has_id || e->id != f->id))
		return false;
	if (f->has_tcp_state && (!e->has_tcp_state || e->tcp_state != f->tcp_state))
		return false;
	return true;
}

bool ct_filter_match(const struct ct_filter *f, const struct ct_entry *e)
{
	if (f->family != AF_UNSPEC && f->family != e->family)
		return false;
	if (f->has_proto && e->orig.proto != f->proto)
		return false;
	if (!addresses_match(f, e) || !ports_match(f, e) || !icmp_matches(f, e) || !meta_matches(f, e))
		return false;
	if (f->src_nat && f->dst_nat)
		return snat_matches(f, e) && dnat_matches(f, e);
	if (f->src_nat)
		return snat_matches(f, e);
	if (f->dst_nat)
		return dnat_matches(f, e);
	return true;
}

bool ct_filter_is_empty(const struct ct_filter *f)
{
	int i;

	for (i = 0; i < 4; i++)
		if (f->has_addr[i] || f->has_port[i])
			return false;
	return f->family == AF_UNSPEC && !f->has_proto && !f->has_icmp_type && !f->has_icmp_code &&
	       !f->has_icmp_id && !f->has_tcp_state && !f->has_mark && !f->has_zone && !f->has_status &&
	       !f->has_id && !f->src_nat && !f->dst_nat;
}

/* One word of a --status list into the value or (negated) the mask. */
static int status_word(struct ct_filter *f, const char *word, size_t len)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "ASSURED", CT_STATUS_ASSURED }, { "SEEN_REPLY", CT_STATUS_SEEN_REPLY },
		{ "UNSET", 0 }, { "FIXED_TIMEOUT", CT_STATUS_FIXED_TIMEOUT },
		{ "EXPECTED", CT_STATUS_EXPECTED }, { "OFFLOAD", CT_STATUS_OFFLOAD },
		{ "HW_OFFLOAD", CT_STATUS_HW_OFFLOAD },
	};
	bool negated = len > 0 && word[0] == '!';
	size_t i;

	if (negated) {
		word++;
		len--;
	}
	if (len == 0)
		return -EINVAL;
	if (!negated && len == 9 && strncasecmp(word, "UNREPLIED", 9) == 0) {
		/* Not seen a reply: SEEN_REPLY must be clear. */
		f->status_mask |= CT_STATUS_SEEN_REPLY;
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) != len || strncasecmp(word, names[i].name, len) != 0)
			continue;
		/* "!ASSURED": the bit must be clear; "ASSURED": it must be set. */
		f->status_mask |= names[i].bit;
		if (!negated)
			f->status_value |= names[i].bit;
		return 0;
	}
	return -EINVAL;
}

int ct_filter_parse_status(struct ct_filter *f, const char *text)
{
	const char *word = text;

	f->has_status = true;
	for (;;) {
		size_t len = strcspn(word, ",");
		int rc = status_word(f, word, len);

		if (rc < 0)
			return rc;
		if (!word[len])
			return 0;
		word += len + 1;
	}
}
