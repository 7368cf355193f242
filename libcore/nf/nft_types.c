/* nft 1.0.6's symbolic datatypes: the words nft prints for the values of
 * meta and ct keys beyond plain numbers (ether types, interface types, tc
 * handles, device groups, realms, durations, dates, hours of the day, days
 * of the week, conntrack directions, booleans).  One table of words, read
 * by the listing and by the JSON writer alike; with the small helpers both
 * use beneath everything else of nft's (durations, byte swaps, masks, the
 * datatypes a range's ends print as), so that nothing here calls back up. */
#include <inttypes.h>
#include <linux/pkt_sched.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nft_impl.h"
#include "sonde/netlink.h"

struct symbol {
	uint64_t value;
	const char *name;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *symbol_name(const struct symbol *table, size_t n, uint64_t value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return NULL;
}

static const struct symbol ethertypes[] = {
	{ 0x0800, "ip" }, { 0x0806, "arp" }, { 0x86dd, "ip6" }, { 0x8100, "8021q" }, { 0x88a8, "8021ad" },
};

static const struct symbol iface_types[] = {
	{ ARPHRD_ETHER, "ether" }, { ARPHRD_PPP, "ppp" }, { ARPHRD_TUNNEL, "ipip" }, { ARPHRD_TUNNEL6, "ipip6" },
	{ ARPHRD_LOOPBACK, "loopback" }, { ARPHRD_SIT, "sit" }, { ARPHRD_IPGRE, "ipgre" },
};

static const struct symbol days[] = {
	{ 0, "Sunday" }, { 1, "Monday" }, { 2, "Tuesday" }, { 3, "Wednesday" }, { 4, "Thursday" },
	{ 5, "Friday" }, { 6, "Saturday" },
};

static const struct symbol mh_types[] = {
	{ 0, "binding-refresh-request" }, { 1, "home-test-init" }, { 2, "careof-test-init" }, { 3, "home-test" },
	{ 4, "careof-test" }, { 5, "binding-update" }, { 6, "binding-acknowledgement" }, { 7, "binding-error" },
	{ 8, "fast-binding-update" }, { 9, "fast-binding-acknowledgement" }, { 10, "fast-binding-advertisement" },
	{ 11, "experimental-mobility-header" }, { 12, "home-agent-switch-message" },
};

static const struct symbol icmp_types[] = {
	{ 0, "echo-reply" }, { 3, "destination-unreachable" }, { 4, "source-quench" }, { 5, "redirect" },
	{ 8, "echo-request" }, { 9, "router-advertisement" }, { 10, "router-solicitation" }, { 11, "time-exceeded" },
	{ 12, "parameter-problem" }, { 13, "timestamp-request" }, { 14, "timestamp-reply" }, { 15, "info-request" },
	{ 16, "info-reply" }, { 17, "address-mask-request" }, { 18, "address-mask-reply" },
};

static const struct symbol icmp6_types[] = {
	{ 1, "destination-unreachable" }, { 2, "packet-too-big" }, { 3, "time-exceeded" }, { 4, "parameter-problem" },
	{ 128, "echo-request" }, { 129, "echo-reply" }, { 130, "mld-listener-query" }, { 131, "mld-listener-report" },
	{ 132, "mld-listener-done" }, { 133, "nd-router-solicit" }, { 134, "nd-router-advert" },
	{ 135, "nd-neighbor-solicit" }, { 136, "nd-neighbor-advert" }, { 137, "nd-redirect" },
	{ 138, "router-renumbering" }, { 141, "ind-neighbor-solicit" }, { 142, "ind-neighbor-advert" },
	{ 143, "mld2-listener-report" },
};

static const struct symbol icmp_codes[] = {
	{ 0, "net-unreachable" }, { 1, "host-unreachable" }, { 2, "prot-unreachable" }, { 3, "port-unreachable" },
	{ 4, "frag-needed" }, { 9, "net-prohibited" }, { 10, "host-prohibited" }, { 13, "admin-prohibited" },
};

static const struct symbol icmpv6_codes[] = {
	{ 0, "no-route" }, { 1, "admin-prohibited" }, { 3, "addr-unreachable" }, { 4, "port-unreachable" },
	{ 5, "policy-fail" }, { 6, "reject-route" },
};

static const struct symbol igmp_types[] = {
	{ 0x11, "membership-query" }, { 0x12, "membership-report-v1" }, { 0x16, "membership-report-v2" },
	{ 0x22, "membership-report-v3" }, { 0x17, "leave-group" },
};

static const struct symbol arp_ops[] = {
	{ 1, "request" }, { 2, "reply" }, { 3, "rrequest" }, { 4, "rreply" }, { 8, "inrequest" }, { 9, "inreply" },
	{ 10, "nak" },
};

static const struct symbol dccp_types[] = {
	{ 0, "request" }, { 1, "response" }, { 2, "data" }, { 3, "ack" }, { 4, "dataack" }, { 5, "closereq" },
	{ 6, "close" }, { 7, "reset" }, { 8, "sync" }, { 9, "syncack" },
};

static const struct symbol ecns[] = { { 0, "not-ect" }, { 1, "ect1" }, { 2, "ect0" }, { 3, "ce" } };

static const struct symbol dscps[] = {
	{ 0x00, "cs0" }, { 0x08, "cs1" }, { 0x10, "cs2" }, { 0x18, "cs3" }, { 0x20, "cs4" }, { 0x28, "cs5" },
	{ 0x30, "cs6" }, { 0x38, "cs7" }, { 0x0a, "af11" }, { 0x0c, "af12" }, { 0x0e, "af13" }, { 0x12, "af21" },
	{ 0x14, "af22" }, { 0x16, "af23" }, { 0x1a, "af31" }, { 0x1c, "af32" }, { 0x1e, "af33" }, { 0x22, "af41" },
	{ 0x24, "af42" }, { 0x26, "af43" }, { 0x2e, "ef" },
};

static const struct symbol ct_directions[] = { { 0, "original" }, { 1, "reply" } };

static const struct symbol booleans[] = { { 0, "missing" }, { 1, "exists" } };

/* A tc class handle: "root", "none" or major:minor in hex. */
static void print_classid(struct strbuf *out, uint32_t handle)
{
	if (handle == TC_H_ROOT)
		strbuf_puts(out, "root");
	else if (handle == TC_H_UNSPEC)
		strbuf_puts(out, "none");
	else
		strbuf_printf(out, "%x:%x", TC_H_MAJ(handle) >> 16, TC_H_MIN(handle));
}

/* nft shows dates and hours in local time, as this process's zone sees them. */
static long utc_offset_secs(time_t at)
{
	struct tm local;

	return localtime_r(&at, &local) ? local.tm_gmtoff : 0;
}

static void print_date(struct strbuf *out, uint64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000u);
	struct tm tm;
	char text[32];

	secs += utc_offset_secs(secs);
	if (gmtime_r(&secs, &tm) && strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm))
		strbuf_printf(out, "\"%s\"", text);
	else
		strbuf_printf(out, "%" PRIu64, ns);
}

static void print_hour(struct strbuf *out, uint32_t secs)
{
	uint32_t seconds_per_day = 86400;

	secs = (uint32_t)((secs + utc_offset_secs(time(NULL)) + seconds_per_day) % seconds_per_day);
	strbuf_printf(out, "\"%02u:%02u", secs / 3600, secs / 60 % 60);
	if (secs % 60)
		strbuf_printf(out, ":%02u", secs % 60);
	strbuf_puts(out, "\"");
}

/* A name from /etc/iproute2 (devgroup, realm): quoted, else the number. */
static void print_rt_name(struct strbuf *out, const char *name, uint64_t value)
{
	if (name)
		strbuf_printf(out, "\"%s\"", name);
	else
		strbuf_printf(out, "%" PRIu64, value);
}

bool nft_print_symbolic(struct strbuf *out, uint32_t type, uint64_t value)
{
	const char *name = NULL;
	char buf[32];

	switch (type) {
	case NFT_TYPE_ETHERTYPE:
		if ((name = symbol_name(ethertypes, COUNT(ethertypes), value)))
			break;
		strbuf_printf(out, "0x%04" PRIx64, value);
		return true;
	case NFT_TYPE_ARPHRD: name = symbol_name(iface_types, COUNT(iface_types), value); break;
	case NFT_TYPE_TIME_DAY: name = symbol_name(days, COUNT(days), value); break;
	case NFT_TYPE_ICMP_TYPE: name = symbol_name(icmp_types, COUNT(icmp_types), value); break;
	case NFT_TYPE_ICMP6_TYPE: name = symbol_name(icmp6_types, COUNT(icmp6_types), value); break;
	case NFT_TYPE_ICMP_CODE: name = symbol_name(icmp_codes, COUNT(icmp_codes), value); break;
	case NFT_TYPE_ICMPV6_CODE: name = symbol_name(icmpv6_codes, COUNT(icmpv6_codes), value); break;
	case NFT_TYPE_IGMP_TYPE: name = symbol_name(igmp_types, COUNT(igmp_types), value); break;
	case NFT_TYPE_ARPOP: name = symbol_name(arp_ops, COUNT(arp_ops), value); break;
	case NFT_TYPE_DCCP_PKTTYPE: name = symbol_name(dccp_types, COUNT(dccp_types), value); break;
	case NFT_TYPE_ECN: name = symbol_name(ecns, COUNT(ecns), value); break;
	case NFT_TYPE_DSCP:
		if ((name = symbol_name(dscps, COUNT(dscps), value)))
			break;
		strbuf_printf(out, "0x%02" PRIx64, value);
		return true;
	case NFT_TYPE_MH_TYPE: name = symbol_name(mh_types, COUNT(mh_types), value); break;
	case NFT_TYPE_CT_DIR: name = symbol_name(ct_directions, COUNT(ct_directions), value); break;
	case NFT_TYPE_BOOLEAN: name = symbol_name(booleans, COUNT(booleans), value); break;
	case NFT_TYPE_CLASSID: print_classid(out, (uint32_t)value); return true;
	case NFT_TYPE_TIME:
		/* nft 1.0.6 prints nothing at all for a duration of 0. */
		nft_print_duration(out, "", value);
		return true;
	case NFT_TYPE_TIME_SECS: strbuf_printf(out, "%" PRIu64 "s", value / 1000); return true;
	case NFT_TYPE_TIME_DATE: print_date(out, value); return true;
	case NFT_TYPE_TIME_HOUR: print_hour(out, (uint32_t)value); return true;
	case NFT_TYPE_DEVGROUP: {
		const char *group = netlink_group_name((uint32_t)value, buf, sizeof(buf));

		print_rt_name(out, group == buf ? NULL : group, value);
		return true;
	}
	case NFT_TYPE_REALM: print_rt_name(out, netlink_realm_name((uint32_t)value), value); return true;
	default: return false;
	}
	if (!name)
		strbuf_printf(out, "%" PRIu64, value);
	else if (type == NFT_TYPE_TIME_DAY)
		strbuf_printf(out, "\"%s\"", name);
	else
		strbuf_puts(out, name);
	return true;
}

/* --- helpers the printers above and the renderers share ------------------- */

void nft_print_duration(struct strbuf *out, const char *label, uint64_t ms)
{
	static const struct { uint64_t ms; char unit; } units[] = {
		{ 86400000, 'd' }, { 3600000, 'h' }, { 60000, 'm' }, { 1000, 's' },
	};
	size_t i;

	strbuf_puts(out, label);
	for (i = 0; i < 4; i++) {
		if (ms >= units[i].ms) {
			strbuf_printf(out, "%" PRIu64 "%c", ms / units[i].ms, units[i].unit);
			ms %= units[i].ms;
		}
	}
	if (ms)
		strbuf_printf(out, "%" PRIu64 "ms", ms);
}

uint32_t nft_range_type(uint32_t type)
{
	switch (type) {
	/* Symbols are written as their numbers. */
	case NFT_TYPE_INET_PROTOCOL: case NFT_TYPE_ARPOP: case NFT_TYPE_ICMP_TYPE: case NFT_TYPE_ICMP6_TYPE:
	case NFT_TYPE_ICMP_CODE: case NFT_TYPE_ICMPV6_CODE: case NFT_TYPE_IGMP_TYPE: case NFT_TYPE_DCCP_PKTTYPE:
	case NFT_TYPE_ECN: case NFT_TYPE_MH_TYPE:
		return NFT_TYPE_INTEGER;
	case NFT_TYPE_TIME: return NFT_TYPE_TIME_SECS;
	default: return type;
	}
}

uint32_t nft_json_range_type(uint32_t type)
{
	return type == NFT_TYPE_INET_PROTOCOL ? NFT_TYPE_INTEGER : type == NFT_TYPE_TIME ? NFT_TYPE_TIME_SECS : type;
}

void nft_swap_elements(uint8_t *bytes, size_t len, size_t size)
{
	size_t at, i;

	for (at = 0; size && at + size <= len; at += size)
		for (i = 0; i < size / 2; i++) {
			uint8_t b = bytes[at + i];

			bytes[at + i] = bytes[at + size - 1 - i];
			bytes[at + size - 1 - i] = b;
		}
}

bool nft_rd_all_zero(const uint8_t *bytes, size_t len)
{
	while (len--)
		if (bytes[len])
			return false;
	return true;
}

bool nft_mask_run(const uint8_t *mask, size_t len, unsigned *first, unsigned *count, unsigned *shift)
{
	unsigned total = (unsigned)len * 8, bit, start = total, end = total;

	for (bit = 0; bit < total; bit++) {
		bool set = mask[bit / 8] >> (7 - bit % 8) & 1;

		if (set && start == total)
			start = bit;
		else if (!set && start != total && end == total)
			end = bit;
		else if (set && end != total)
			return false;
	}
	if (start == total)
		return false;
	*first = start;
	*count = end - start;
	*shift = total - end;
	return true;
}
