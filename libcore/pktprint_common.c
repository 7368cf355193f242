/* The helpers every layer of the tcpdump-style printer writes with: the
 * marker for what is not decoded, addresses, ports and MAC addresses as
 * tcpdump prints them with and without -n, the endpoints of a datagram, and
 * the tests of the ports tcpdump hands to its other printers. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "pktprint_impl.h"
#include "sonde/services.h"

void pp_cut_short(struct pp_frame *f, const char *proto)
{
	strbuf_printf(f->line, " [|%s]", proto);
	f->cut_short = true;
}

void pp_mark(struct pp_frame *f, const char *what_fmt, ...)
{
	va_list ap;

	strbuf_puts(f->line, PKTPRINT_MARK);
	va_start(ap, what_fmt);
	strbuf_vprintf(f->line, what_fmt, ap);
	va_end(ap);
	strbuf_putc(f->line, ']');
}

void pp_printn(struct pp_frame *f, const uint8_t *bytes, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = bytes[i];

		if (c & 0x80) {
			strbuf_puts(f->line, "M-");
			c &= 0x7f;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_putc(f->line, '^');
			c ^= 0x40;
		}
		strbuf_putc(f->line, (char)c);
	}
}

void pp_hex_lines(struct pp_frame *f, const char *indent, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			strbuf_printf(f->line, "%s0x%04zx: ", indent, i);
		if (i % 2 == 0)
			strbuf_putc(f->line, ' ');
		strbuf_printf(f->line, "%02x", data[i]);
	}
}

void pp_addr(struct pp_frame *f, int family, const uint8_t *addr)
{
	char text[INET6_ADDRSTRLEN];
	const char *name = NULL;

	if (!f->pp->numeric && f->pp->addr_name)
		name = f->pp->addr_name(f->pp->name_ctx, family, addr);
	if (!name)
		name = inet_ntop(family, addr, text, sizeof(text));
	strbuf_puts(f->line, name ? name : "?");
}

void pp_port(struct pp_frame *f, uint16_t port, bool tcp)
{
	/* tcpdump 4.99's -n already prints ports as numbers (-nn is the same). */
	const char *name = f->pp->numeric ? NULL : services_name(port, tcp ? "tcp" : "udp");

	if (name)
		strbuf_puts(f->line, name);
	else
		strbuf_printf(f->line, "%u", port);
}

/* Without -n tcpdump writes "Broadcast", or the address with its OUI's
 * name from a table of a few vendors that use SNAP: none of them is
 * locally administered, so such an address is "(oui Unknown)"; for the
 * others the name is not known here and the line is marked. */
bool pp_mac(struct pp_frame *f, const uint8_t *mac)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!f->pp->numeric && memcmp(mac, broadcast, sizeof(broadcast)) == 0) {
		strbuf_puts(f->line, "Broadcast");
		return true;
	}
	strbuf_printf(f->line, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (f->pp->numeric)
		return true;
	if (mac[0] & 0x02) {
		strbuf_puts(f->line, " (oui Unknown)");
		return true;
	}
	strbuf_putc(f->line, ' ');
	pp_mark(f, "OUI name of %02x:%02x:%02x", mac[0], mac[1], mac[2]);
	return false;
}

bool pp_port_in(const struct port_range *ranges, size_t count, uint16_t port)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (port >= ranges[i].first && port <= ranges[i].last)
			return true;
	return false;
}

bool pp_has_port(const uint16_t *ports, uint16_t port)
{
	return ports[0] == port || ports[1] == port;
}

/* Is port one of the two, and the only one tcpdump hands to a printer?
 * (When both are, the order of tcpdump's tests decides: not decided here.) */
bool pp_sole_decoded_port(const struct port_range *ranges, size_t count, const uint16_t *ports, uint16_t port)
{
	if (ports[0] == port)
		return ports[1] == port || !pp_port_in(ranges, count, ports[1]);
	if (ports[1] == port)
		return !pp_port_in(ranges, count, ports[0]);
	return false;
}

/* "SRC > DST: " or, for TCP and UDP, "SRC.SPORT > DST.DPORT: "; after
 * IPv6 extension headers (which named the addresses) "SPORT > DPORT: ". */
void pp_endpoints(struct pp_frame *f, const struct pkt_ip *ip, const uint16_t *ports, bool tcp)
{
	bool addrs = !ports || ip->family != AF_INET6 || ip->ext_count == 0;

	if (addrs)
		pp_addr(f, ip->family, ip->src);
	if (ports) {
		if (addrs)
			strbuf_putc(f->line, '.');
		pp_port(f, ports[0], tcp);
	}
	strbuf_puts(f->line, " > ");
	if (addrs)
		pp_addr(f, ip->family, ip->dst);
	if (ports) {
		if (addrs)
			strbuf_putc(f->line, '.');
		pp_port(f, ports[1], tcp);
	}
	strbuf_puts(f->line, ": ");
}
