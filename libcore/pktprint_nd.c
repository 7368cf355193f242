/* ICMPv6 neighbor discovery as tcpdump 4.99.3 prints it at -v (its
 * icmp6_opt_print): each option on a line of its own (link addresses,
 * prefix information, MTU, RDNSS, DNSSL, advertisement interval, home
 * agent, route information, unknown ones as bytes), -vv's hex dump of
 * each, and a router advertisement's fields. */
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"

#define ND_OPT_SOURCE_LINKADDR 1
#define ND_OPT_TARGET_LINKADDR 2
#define ND_OPT_PREFIX_INFO 3
#define ND_OPT_MTU 5
#define ND_OPT_ADV_INTERVAL 7
#define ND_OPT_HOME_AGENT 8
#define ND_OPT_ROUTE_INFO 24
#define ND_OPT_RDNSS 25
#define ND_OPT_DNSSL 31
#define ND_PREFIX_INFO_LEN 32
#define ND_RA_LEN 16
#define LIFETIME_INFINITE 0xffffffffu

/* Option types tcpdump 4.99.3 names (and decodes); any other is its
 * "unknown option", shown as bytes. */
static bool nd_option_named(uint8_t type)
{
	static const uint8_t named[] = { 1, 2, 3, 4, 5, 7, 8, 24, 25, 31 };
	size_t i;

	for (i = 0; i < PP_ARRAY_LEN(named); i++)
		if (named[i] == type)
			return true;
	return false;
}

/* tcpdump's unknown option (RFC 7527's DAD nonce, 14, among them): at -v
 * its bytes, and no option after it; at -vv the bytes once, then the next. */
static bool nd_option_unknown(struct pp_frame *f, const uint8_t *opt, size_t opt_len)
{
	strbuf_printf(f->line, "\n\t  unknown option (%u), length %zu (%u): ", opt[0], opt_len, opt[1]);
	pp_hex_lines(f, f->pp->verbose > 1 ? "\n\t    " : "\n\t  ", opt + 2, opt_len - 2);
	return f->pp->verbose > 1;
}

static const char *nd_option_name(uint8_t type)
{
	switch (type) {
	case ND_OPT_SOURCE_LINKADDR:
		return "source link-address";
	case ND_OPT_TARGET_LINKADDR:
		return "destination link-address";
	case ND_OPT_PREFIX_INFO:
		return "prefix info";
	case 4:
		return "redirected header";
	case ND_OPT_MTU:
		return "mtu";
	case ND_OPT_RDNSS:
		return "rdnss";
	case ND_OPT_DNSSL:
		return "dnssl";
	case ND_OPT_ADV_INTERVAL:
		return "advertisement interval";
	case ND_OPT_HOME_AGENT:
		return "homeagent information";
	case ND_OPT_ROUTE_INFO:
		return "route info";
	default:
		return "unknown";
	}
}

/* bittok2str's way: the names of the bits set, ", " between, or "none". */
static void nd_flags(struct pp_frame *f, uint8_t flags, const uint8_t *bits, const char *const *names, size_t count)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < count; i++)
		if (flags & bits[i]) {
			strbuf_printf(f->line, "%s%s", sep, names[i]);
			sep = ", ";
		}
	strbuf_puts(f->line, *sep ? "" : "none");
}

static const char *router_pref(uint8_t flags)
{
	static const char *const prefs[] = { "medium", "high", "rsv", "low" };

	return prefs[(flags & 0x18) >> 3];
}

/* "infinity" or "600s". */
static void nd_lifetime(struct pp_frame *f, uint32_t secs)
{
	if (secs == LIFETIME_INFINITE)
		strbuf_puts(f->line, "infinity");
	else
		strbuf_printf(f->line, "%us", secs);
}

/* "2001:db8::/64, Flags [onlink, auto], valid time 2592000s, pref. time
 * 604800s" (tcpdump reads the whole structure whatever the length says). */
static bool nd_prefix_info(struct pp_frame *f, const uint8_t *opt, size_t opt_len, size_t avail)
{
	static const uint8_t bits[] = { 0x80, 0x40, 0x20 };
	static const char *const names[] = { "onlink", "auto", "router" };

	if (avail < ND_PREFIX_INFO_LEN)
		return false;
	pp_addr(f, AF_INET6, opt + 16);
	strbuf_printf(f->line, "/%u%s, Flags [", opt[2], opt_len != ND_PREFIX_INFO_LEN ? "badlen" : "");
	nd_flags(f, opt[3], bits, names, PP_ARRAY_LEN(bits));
	strbuf_puts(f->line, "], valid time ");
	nd_lifetime(f, get32(opt + 4));
	strbuf_puts(f->line, ", pref. time ");
	nd_lifetime(f, get32(opt + 8));
	return true;
}

/* " lifetime 600s, domain(s): example.test. lab.test." (names with
 * pointers counted from the first option, as tcpdump reads them). */
static bool nd_dnssl(struct pp_frame *f, const uint8_t *first, size_t first_len, size_t at, size_t opt_len)
{
	size_t end = at + opt_len;

	strbuf_printf(f->line, " lifetime %us, domain(s):", get32(first + at + 4));
	at += 8;
	while (at < end && first[at] != 0) {
		strbuf_putc(f->line, ' ');
		if (!pp_dns_name(f, first, first_len, at, &at))
			return false;
	}
	return true;
}

/* " fd00::/64, pref=high, lifetime=1800s": the prefix's bytes that the
 * option's length holds. */
static bool nd_route_info(struct pp_frame *f, const uint8_t *opt, size_t opt_len)
{
	uint8_t prefix[16] = { 0 };

	if (opt_len < 8 || opt_len > 24)
		return false;
	memcpy(prefix, opt + 8, opt_len == 8 ? 0 : opt_len == 16 ? 8 : 16);
	strbuf_putc(f->line, ' ');
	pp_addr(f, AF_INET6, prefix);
	strbuf_printf(f->line, "/%u, pref=%s, lifetime=", opt[2], router_pref(opt[3]));
	nd_lifetime(f, get32(opt + 4));
	return true;
}

/* What follows an option's title; false for what is not printed as
 * tcpdump (a redirected header, a route information of another length). */
static bool nd_option_body(struct pp_frame *f, const uint8_t *first, size_t first_len, size_t at, size_t opt_len)
{
	const uint8_t *opt = first + at;
	size_t i, count;

	switch (opt[0]) {
	case ND_OPT_SOURCE_LINKADDR:
	case ND_OPT_TARGET_LINKADDR:
		for (i = 2; i < opt_len; i++)
			strbuf_printf(f->line, "%s%02x", i > 2 ? ":" : "", opt[i]);
		return true;
	case ND_OPT_PREFIX_INFO:
		return nd_prefix_info(f, opt, opt_len, first_len - at);
	case ND_OPT_MTU:
		strbuf_printf(f->line, " %u%s", get32(opt + 4), opt_len != 8 ? "bad option length" : "");
		return true;
	case ND_OPT_RDNSS:
		strbuf_printf(f->line, " lifetime %us,", get32(opt + 4));
		count = (opt_len / 8 - 1) / 2;
		for (i = 0; i < count; i++) {
			strbuf_puts(f->line, " addr: ");
			pp_addr(f, AF_INET6, opt + 8 + 16 * i);
		}
		return true;
	case ND_OPT_DNSSL:
		return nd_dnssl(f, first, first_len, at, opt_len);
	case ND_OPT_ADV_INTERVAL:
		strbuf_printf(f->line, " %ums", get32(opt + 4));
		return true;
	case ND_OPT_HOME_AGENT:
		strbuf_printf(f->line, " preference %u, lifetime %u", get16(opt + 4), get16(opt + 6));
		return true;
	case ND_OPT_ROUTE_INFO:
		return nd_route_info(f, opt, opt_len);
	default:
		return false;
	}
}

bool pp_nd_options(struct pp_frame *f, const uint8_t *opt, size_t caplen, size_t len)
{
	size_t off = 0;

	if (caplen < len)
		return false;
	while (off < len) {
		size_t opt_len;

		if (off + 2 > len || opt[off + 1] == 0)
			return false;
		opt_len = (size_t)opt[off + 1] * 8;
		if (off + opt_len > len)
			return false;
		if (!nd_option_named(opt[off])) {
			if (!nd_option_unknown(f, opt + off, opt_len))
				return true;
			off += opt_len;
			continue;
		}
		strbuf_printf(f->line, "\n\t  %s option (%u), length %zu (%u): ", nd_option_name(opt[off]), opt[off], opt_len,
			      opt[off + 1]);
		if (!nd_option_body(f, opt, len, off, opt_len))
			return false;
		/* -vv: the option's bytes again, as tcpdump's hex dump. */
		if (f->pp->verbose > 1)
			pp_hex_lines(f, "\n\t    ", opt + off + 2, opt_len - 2);
		off += opt_len;
	}
	return true;
}

bool pp_router_advert(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	static const uint8_t bits[] = { 0x80, 0x40, 0x20, 0x02 };
	static const char *const names[] = { "managed", "other stateful", "home agent", "ipv6 only" };

	if (caplen < ND_RA_LEN || len < ND_RA_LEN)
		return false;
	strbuf_printf(f->line, ", length %zu\n\thop limit %u, Flags [", len, p[4]);
	nd_flags(f, p[5], bits, names, PP_ARRAY_LEN(bits));
	strbuf_printf(f->line, "], pref %s, router lifetime %us, reachable time %ums, retrans timer %ums",
		      router_pref(p[5]), get16(p + 6), get32(p + 8), get32(p + 12));
	return pp_nd_options(f, p + ND_RA_LEN, caplen - ND_RA_LEN, len - ND_RA_LEN);
}
