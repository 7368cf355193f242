/* tcpdump's output for one packet: the timestamp (-t...), the line that
 * libcore/pktprint.c writes, and the dumps of -x, -xx, -X, -XX and -A.
 * Also the names printed without -n: /etc/hosts, then a reverse lookup
 * through c-ares, each address asked once. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sonde/addr.h"
#include "sonde/hostsfile.h"
#include "sonde/resolve.h"
#include "tcpdump_impl.h"

#define HEX_BYTES_PER_LINE 16
/* Reverse lookups are bounded: a silent nameserver delays a line by at most this. */
#define NAME_LOOKUP_TIMEOUT_MS 2000
#define NAME_CACHE_SLOTS 512

/* --- names ------------------------------------------------------------------- */

struct name_entry {
	int family;
	uint8_t addr[16];
	char *name;               /* NULL: the number is printed */
	bool used;
};

static struct name_entry name_cache[NAME_CACHE_SLOTS];
static char ifname_buf[IF_NAMESIZE];

static char *lookup_name(int family, const uint8_t *addr)
{
	char name[256];
	struct sonde_addr sa;

	if (hostsfile_name(family, addr, name, sizeof(name)) == 0)
		return strdup(name);
	memset(&sa, 0, sizeof(sa));
	if (family == AF_INET) {
		sa.u.in4.sin_family = AF_INET;
		memcpy(&sa.u.in4.sin_addr, addr, 4);
		sa.len = sizeof(sa.u.in4);
	} else {
		sa.u.in6.sin6_family = AF_INET6;
		memcpy(&sa.u.in6.sin6_addr, addr, 16);
		sa.len = sizeof(sa.u.in6);
	}
	if (resolve_reverse(&sa, NAME_LOOKUP_TIMEOUT_MS, name, sizeof(name)) == 0)
		return strdup(name);
	return NULL;
}

static const char *addr_name(void *ctx, int family, const uint8_t *addr)
{
	size_t n = family == AF_INET ? 4 : 16, slot, i;
	uint32_t h = 2166136261u;

	for (i = 0; i < n; i++)
		h = (h ^ addr[i]) * 16777619u;
	slot = h % NAME_CACHE_SLOTS;
	if (name_cache[slot].used && name_cache[slot].family == family && memcmp(name_cache[slot].addr, addr, n) == 0)
		return name_cache[slot].name;
	free(name_cache[slot].name);
	name_cache[slot] = (struct name_entry){ .family = family, .used = true };
	memcpy(name_cache[slot].addr, addr, n);
	name_cache[slot].name = lookup_name(family, addr);
	return name_cache[slot].name;
}

/* Linux cooked v2 names the interface by index: tcpdump prints the name
 * that index has where it runs, reading a file too. */
static const char *ifindex_name(void *ctx, uint32_t ifindex)
{
	return if_indextoname(ifindex, ifname_buf);
}

void tcpdump_out_names_init(struct tcpdump_run *run)
{
	run->printer.addr_name = addr_name;
	run->printer.ifname = ifindex_name;
}

/* --- timestamps ---------------------------------------------------------- */

/* tcpdump 4.99's [YYYY-MM-DD ]HH:MM:SS.FRAC: a time with bit 31 set is an
 * error there, and the fraction is printed unsigned, as it came (a file's
 * invalid microseconds too). */
static void print_hmsfrac(struct strbuf *line, long long sec, long usec, bool with_date, bool local)
{
	time_t secs = (time_t)sec;
	struct tm tm;

	if ((unsigned)sec & 0x80000000u) {
		strbuf_puts(line, "[Error converting time]");
		return;
	}
	if (local)
		localtime_r(&secs, &tm);
	else
		gmtime_r(&secs, &tm);
	if (with_date)
		strbuf_printf(line, "%04d-%02d-%02d ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	strbuf_printf(line, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)usec);
}

/* -ttt and -ttttt: the time since ref as tcpdump subtracts and shows it,
 * a time of day in UTC (so hours wrap at a day), '-' before when now is
 * earlier. */
static void print_delta(struct strbuf *line, const struct timeval *now, const struct timeval *ref)
{
	bool negative = now->tv_sec < ref->tv_sec || (now->tv_sec == ref->tv_sec && now->tv_usec < ref->tv_usec);
	const struct timeval *later = negative ? ref : now, *earlier = negative ? now : ref;
	long long sec = (long long)later->tv_sec - earlier->tv_sec;
	long usec = (long)(later->tv_usec - earlier->tv_usec);

	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	strbuf_putc(line, negative ? '-' : ' ');
	print_hmsfrac(line, sec, usec, false, false);
}

void tcpdump_out_timestamp(struct tcpdump_clock *clock, struct strbuf *line, const struct timeval *ts)
{
	switch (clock->mode) {
	case 1:
		break;
	case 2:
		if ((unsigned)ts->tv_sec & 0x80000000u)
			strbuf_puts(line, "[Error converting time] ");
		else
			strbuf_printf(line, "%u.%06u ", (unsigned)ts->tv_sec, (unsigned)ts->tv_usec);
		break;
	case 3:
	case 5:
		/* tcpdump takes a time of zero for "not set yet" */
		if (!clock->ref.tv_sec && !clock->ref.tv_usec)
			clock->ref = *ts;
		print_delta(line, ts, &clock->ref);
		strbuf_putc(line, ' ');
		if (clock->mode == 3)
			clock->ref = *ts;
		break;
	default:
		print_hmsfrac(line, ts->tv_sec, (long)ts->tv_usec, clock->mode == 4, true);
		strbuf_putc(line, ' ');
	}
}

/* --- dumps ----------------------------------------------------------------- */

static bool is_graph(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

/* -x: "\n\t0x0010:  4500 0054 ..." in pairs of bytes. */
static void dump_hex(struct strbuf *line, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % HEX_BYTES_PER_LINE == 0)
			strbuf_printf(line, "\n\t0x%04zx: ", i);
		if (i % 2 == 0)
			strbuf_putc(line, ' ');
		strbuf_printf(line, "%02x", p[i]);
	}
}

/* -X: the same with the bytes as ASCII in a column after them. */
static void dump_hex_ascii(struct strbuf *line, const uint8_t *p, size_t len)
{
	size_t start, i;

	for (start = 0; start < len; start += HEX_BYTES_PER_LINE) {
		size_t end = start + HEX_BYTES_PER_LINE < len ? start + HEX_BYTES_PER_LINE : len;
		char hex[HEX_BYTES_PER_LINE / 2 * 5 + 1];
		size_t hex_len = 0;

		for (i = start; i < end; i++)
			hex_len += (size_t)snprintf(hex + hex_len, sizeof(hex) - hex_len, (i - start) % 2 ? "%02x" : " %02x",
						    p[i]);
		strbuf_printf(line, "\n\t0x%04zx: %-40s  ", start, hex);
		for (i = start; i < end; i++)
			strbuf_putc(line, is_graph(p[i]) ? (char)p[i] : '.');
	}
}

/* -A: the bytes as text; other than tab, space and newline, what is not
 * printable is a dot, and a CR is left out before a LF or among the last
 * two bytes (as tcpdump's test of the length left has it). */
static void dump_ascii(struct strbuf *line, const uint8_t *p, size_t len)
{
	size_t i;

	strbuf_putc(line, '\n');
	for (i = 0; i < len; i++) {
		if (p[i] == '\r') {
			if (i + 2 < len && p[i + 1] != '\n')
				strbuf_putc(line, '.');
		} else if (is_graph(p[i]) || p[i] == '\t' || p[i] == ' ' || p[i] == '\n') {
			strbuf_putc(line, (char)p[i]);
		} else {
			strbuf_putc(line, '.');
		}
	}
}

static void print_dump(const struct tcpdump_config *cfg, struct strbuf *line, const uint8_t *bytes, size_t caplen,
		       size_t link_len)
{
	bool whole;
	const uint8_t *from;
	size_t len;

	if (!cfg->hex_ascii && !cfg->hex && !cfg->ascii)
		return;
	whole = cfg->hex_ascii ? cfg->hex_ascii > 1 : cfg->hex ? cfg->hex > 1 : cfg->ascii > 1;
	if (!whole && caplen <= link_len)
		return;
	from = whole ? bytes : bytes + link_len;
	len = whole ? caplen : caplen - link_len;
	if (cfg->hex_ascii)
		dump_hex_ascii(line, from, len);
	else if (cfg->hex)
		dump_hex(line, from, len);
	else
		dump_ascii(line, from, len);
}

/* tcpdump 4.99's checks of a record's lengths (a file's, which may lie):
 * a record failing one is "[Invalid header: ...]" in place of the packet,
 * its time neither shown nor counted.  false when it passes them. */
static bool print_invalid_header(struct strbuf *line, const struct pcap_pkthdr *h)
{
	const char *sep = "[Invalid header:";
	size_t start = line->len;

	if (h->caplen == 0) {
		strbuf_printf(line, "%s caplen==0", sep);
		sep = ",";
	}
	if (h->len == 0) {
		strbuf_printf(line, "%s len==0", sep);
		sep = ",";
	} else if (h->len < h->caplen) {
		strbuf_printf(line, "%s len(%u) < caplen(%u)", sep, h->len, h->caplen);
		sep = ",";
	}
	if (h->caplen > TCPDUMP_MAX_SNAPLEN) {
		strbuf_printf(line, "%s caplen(%u) > %u", sep, h->caplen, TCPDUMP_MAX_SNAPLEN);
		sep = ",";
	}
	if (h->len > TCPDUMP_MAX_SNAPLEN)
		strbuf_printf(line, "%s len(%u) > %u", sep, h->len, TCPDUMP_MAX_SNAPLEN);
	if (line->len == start)
		return false;
	strbuf_putc(line, ']');
	return true;
}

void tcpdump_out_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	size_t link_len = 0;

	strbuf_reset(&run->line);
	if (print_invalid_header(&run->line, h)) {
		strbuf_putc(&run->line, '\n');
		fwrite(run->line.data, 1, run->line.len, stdout);
		return;
	}
	tcpdump_out_timestamp(&run->clock, &run->line, &h->ts);
	if (pktprint_frame(&run->printer, run->linktype, bytes, h->caplen, h->len, &run->line, &link_len) < 0) {
		run->error = -ENOMEM;
		return;
	}
	print_dump(run->cfg, &run->line, bytes, h->caplen, link_len);
	strbuf_putc(&run->line, '\n');
	if (run->line.failed) {
		run->error = -ENOMEM;
		return;
	}
	fwrite(run->line.data, 1, run->line.len, stdout);
	if (run->cfg->line_buffered || run->cfg->packet_buffered)
		fflush(stdout);
}
