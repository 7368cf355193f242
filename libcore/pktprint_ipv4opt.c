/* IPv4 options as tcpdump 4.99.3 prints them at -v (its ip_optprint):
 * "options (NOP,NOP,RR 10.0.0.1, 0.0.0.0)", timestamps, router alert,
 * the others by name; and the destination that a source route gives TCP
 * and UDP checksums. */
#include <sys/socket.h>

#include "pktprint_impl.h"

#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_RR 7
#define IPOPT_TS 68
#define IPOPT_LSRR 131
#define IPOPT_SSRR 137
#define IPOPT_RA 148

static const char *ipv4_option_name(uint8_t code)
{
	switch (code) {
	case IPOPT_EOL:
		return "EOL";
	case IPOPT_NOP:
		return "NOP";
	case IPOPT_TS:
		return "timestamp";
	case 130:
		return "security";
	case IPOPT_RR:
		return "RR";
	case IPOPT_SSRR:
		return "SSRR";
	case IPOPT_LSRR:
		return "LSRR";
	case IPOPT_RA:
		return "RA";
	case 82:
		return "traceroute";
	default:
		return NULL;
	}
}

/* RR, LSRR, SSRR: each address, "," after those already recorded; what
 * is wrong in brackets.  opt_len bytes of opt, avail captured. */
static bool ipv4_route(struct pp_frame *f, const uint8_t *opt, size_t opt_len, size_t avail)
{
	unsigned ptr;
	size_t at;

	if (opt_len < 3) {
		strbuf_printf(f->line, " [bad length %zu]", opt_len);
		return true;
	}
	if ((opt_len + 1) & 3)
		strbuf_printf(f->line, " [bad length %zu]", opt_len);
	ptr = opt[2] - 1u;
	if (ptr < 3 || ((ptr + 1) & 3) || ptr > opt_len + 1)
		strbuf_printf(f->line, " [bad ptr %u]", opt[2]);
	for (at = 3; at < opt_len; at += 4) {
		if (at + 4 > avail)
			return false;
		strbuf_putc(f->line, ' ');
		pp_addr(f, AF_INET, opt + at);
		if (ptr > at)
			strbuf_putc(f->line, ',');
	}
	return true;
}

/* The flag's words of a timestamp option, NULL for an unknown one. */
static const char *ipv4_ts_kind(uint8_t flag)
{
	switch (flag) {
	case 0:
		return "TSONLY";
	case 1:
		return "TS+ADDR";
	case 3:
		return "PRESPEC";
	default:
		return NULL;
	}
}

/* " TS{TSONLY 1234 ^ }", with "@ADDRESS" after each time stamp of the
 * kinds that record addresses; " ^ " where the pointer stands.  tcpdump
 * reads whole entries even past the option's end (within the capture). */
static bool ipv4_timestamp(struct pp_frame *f, const uint8_t *opt, size_t opt_len, size_t avail)
{
	size_t hop_len, at = 0;
	const char *kind, *sep = " ";
	unsigned ptr;

	if (opt_len < 4) {
		strbuf_printf(f->line, "[bad length %zu]", opt_len);
		return true;
	}
	strbuf_puts(f->line, " TS{");
	hop_len = (opt[3] & 0xf) != 0 ? 8 : 4;
	if ((opt_len - 4) & (hop_len - 1))
		strbuf_printf(f->line, "[bad length %zu]", opt_len);
	ptr = opt[2] - 1u;
	if (ptr < 4 || ((ptr - 4) & (hop_len - 1)) || ptr > opt_len + 1)
		strbuf_printf(f->line, "[bad ptr %u]", opt[2]);
	if ((kind = ipv4_ts_kind(opt[3] & 0xf)) != NULL) {
		strbuf_puts(f->line, kind);
		for (at = 4; at < opt_len; at += hop_len) {
			if (ptr == at)
				sep = " ^ ";
			if (at + hop_len > avail)
				return false;
			strbuf_printf(f->line, "%s%u@", sep, get32(opt + at + hop_len - 4));
			if (hop_len == 8)
				pp_addr(f, AF_INET, opt + at);
			sep = " ";
		}
	} else {
		strbuf_printf(f->line, "[bad ts type %u]", opt[3] & 0xf);
	}
	strbuf_puts(f->line, ptr == at ? " ^ " : "");
	if (opt[3] >> 4)
		strbuf_printf(f->line, " [%u hops not recorded]} ", opt[3] >> 4);
	else
		strbuf_putc(f->line, '}');
	return true;
}

/* Each option, "," between; false where tcpdump would find the capture
 * cut short.  avail: the bytes captured from the first option on. */
bool pp_ipv4_options(struct pp_frame *f, const uint8_t *opt, size_t len, size_t avail)
{
	const char *sep = "", *name;
	size_t opt_len;

	for (; len > 0; opt += opt_len, len -= opt_len, avail -= opt_len) {
		strbuf_puts(f->line, sep);
		sep = ",";
		if ((name = ipv4_option_name(opt[0])))
			strbuf_puts(f->line, name);
		else
			strbuf_printf(f->line, "unknown %u", opt[0]);
		if (opt[0] == IPOPT_NOP || opt[0] == IPOPT_EOL) {
			opt_len = 1;
		} else {
			/* tcpdump reads the length even past the options. */
			if (avail < 2)
				return false;
			opt_len = opt[1];
			if (opt_len < 2) {
				strbuf_printf(f->line, " [bad length %zu]", opt_len);
				return true;
			}
		}
		if (opt_len > len) {
			strbuf_printf(f->line, " [bad length %zu]", opt_len);
			return true;
		}
		switch (opt[0]) {
		case IPOPT_EOL:
			return true;
		case IPOPT_TS:
			if (!ipv4_timestamp(f, opt, opt_len, avail))
				return false;
			break;
		case IPOPT_RR:
		case IPOPT_LSRR:
		case IPOPT_SSRR:
			if (!ipv4_route(f, opt, opt_len, avail))
				return false;
			break;
		case IPOPT_RA:
			if (opt_len < 4)
				strbuf_printf(f->line, " [bad length %zu]", opt_len);
			else if (get16(opt + 2) != 0)
				strbuf_printf(f->line, " value %u", get16(opt + 2));
			break;
		}
	}
	return true;
}

/* The destination a TCP or UDP checksum covers behind a source route:
 * the last address of the first LSRR or SSRR of 7 bytes or more. */
const uint8_t *pp_ipv4_route_dst(const struct pkt_ip *ip, const uint8_t *header)
{
	size_t len = ip->header_len - PKT_IPV4_HDR_LEN, opt_len;
	const uint8_t *opt = header + PKT_IPV4_HDR_LEN;

	for (; len > 0; opt += opt_len, len -= opt_len) {
		if (opt[0] == IPOPT_EOL)
			break;
		opt_len = opt[0] == IPOPT_NOP ? 1 : len > 1 ? opt[1] : 0;
		if (opt_len < 2 && opt[0] != IPOPT_NOP)
			break;
		if (opt_len > len)
			break;
		if ((opt[0] == IPOPT_LSRR || opt[0] == IPOPT_SSRR) && opt_len >= 7)
			return opt + opt_len - 4;
	}
	return ip->dst;
}
