/* ipvsadm -L's layout (ipvsadm 1.31), and its order: services by fwmark,
 * family, protocol, address and port; destinations by address and port. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/ipvs.h"
#include "sonde/services.h"

/* ipvsadm compares by subtraction into an int; so does this, so that the
 * order is the same even where that wraps. */
static int addr_cmp(int family, const uint8_t *a, const uint8_t *b)
{
	int words = family == AF_INET6 ? 4 : 1, i, r = 0;

	for (i = 0; !r && i < words; i++) {
		uint32_t x, y;

		memcpy(&x, a + 4 * i, 4);
		memcpy(&y, b + 4 * i, 4);
		r = (int)(ntohl(x) - ntohl(y));
	}
	return r;
}

static int service_order(const void *a, const void *b)
{
	const struct ipvs_service *x = a, *y = b;
	int r = (int)(x->fwmark - y->fwmark);

	if (!r)
		r = x->family - y->family;
	if (!r)
		r = x->protocol - y->protocol;
	if (!r)
		r = addr_cmp(x->family, x->addr, y->addr);
	return r ? r : x->port - y->port;
}

static int dest_family;

static int dest_order(const void *a, const void *b)
{
	const struct ipvs_dest *x = a, *y = b;
	int r = addr_cmp(dest_family, x->addr, y->addr);

	return r ? r : x->port - y->port;
}

void ipvs_sort(struct ipvs_table *t)
{
	size_t i;

	if (t->service_count)
		qsort(t->services, t->service_count, sizeof(*t->services), service_order);
	for (i = 0; i < t->service_count; i++) {
		dest_family = t->services[i].family;
		if (t->services[i].dest_count)
			qsort(t->services[i].dests, t->services[i].dest_count, sizeof(*t->services[i].dests), dest_order);
	}
}

bool ipvs_service_matches(const struct ipvs_service *s, uint16_t protocol, int family, const uint8_t *addr,
			  uint16_t port)
{
	return !s->fwmark && s->protocol == protocol && s->family == family && s->port == port &&
	       memcmp(s->addr, addr, family == AF_INET6 ? 16 : 4) == 0;
}

/* "10.0.0.1:80", "[fd00::1]:80"; names only without -n (services from
 * /etc/services; host names are never looked up). */
static void addr_port(char *buf, size_t size, int family, const uint8_t *addr, uint16_t port, uint16_t protocol,
		      unsigned format)
{
	char text[INET6_ADDRSTRLEN] = "";
	const char *service = NULL;

	inet_ntop(family, addr, text, sizeof(text));
	if (!(format & IPVS_FMT_NUMERIC) && (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP))
		service = services_name(port, protocol == IPPROTO_TCP ? "tcp" : "udp");
	if (service)
		snprintf(buf, size, "%s%s%s:%s", family == AF_INET ? "" : "[", text, family == AF_INET ? "" : "]", service);
	else
		snprintf(buf, size, "%s%s%s:%u", family == AF_INET ? "" : "[", text, family == AF_INET ? "" : "]", port);
}

static void largenum(FILE *fp, uint64_t n, unsigned format)
{
	if (format & IPVS_FMT_EXACT) {
		char text[32];
		int len = snprintf(text, sizeof(text), "%" PRIu64, n);

		fprintf(fp, "%*" PRIu64, len <= 8 ? 9 : len + 1, n);
	} else if (n < 100000000ULL) {
		fprintf(fp, "%9" PRIu64, n);
	} else if (n < 1000000000ULL) {
		fprintf(fp, "%8" PRIu64 "K", n / 1000);
	} else if (n < 100000000000ULL) {
		fprintf(fp, "%8" PRIu64 "M", n / (uint64_t)1000000);
	} else if (n < 100000000000000ULL) {
		fprintf(fp, "%8" PRIu64 "G", n / (uint64_t)1000000000);
	} else {
		fprintf(fp, "%8" PRIu64 "T", n / (uint64_t)1000000000000);
	}
}

static void title(FILE *fp, unsigned format)
{
	if (format & IPVS_FMT_STATS)
		fprintf(fp, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port", "Conns",
			"InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (format & IPVS_FMT_RATE)
		fprintf(fp, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port", "CPS",
			"InPPS", "OutPPS", "InBPS", "OutBPS");
	else
		fprintf(fp, "Prot LocalAddress:Port Scheduler Flags\n"
			    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

static const char *forward_name(uint32_t flags)
{
	switch (flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "Masq";
	case IP_VS_CONN_F_LOCALNODE: return "Local";
	case IP_VS_CONN_F_TUNNEL: return "Tunnel";
	case IP_VS_CONN_F_DROUTE: return "Route";
	default: return "";
	}
}

static const char *protocol_name(uint16_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	default: return "UNKNOWN";
	}
}

static void service_line(FILE *fp, const struct ipvs_service *s, unsigned format)
{
	char name[128], where[96];

	if (s->fwmark) {
		snprintf(name, sizeof(name), s->family == AF_INET6 ? "FWM  %u IPv6" : "FWM  %u", s->fwmark);
	} else {
		addr_port(where, sizeof(where), s->family, s->addr, s->port, s->protocol, format);
		snprintf(name, sizeof(name), "%s  %s", protocol_name(s->protocol), where);
		if (s->family != AF_INET6)
			name[33] = '\0';
	}
	if (format & (IPVS_FMT_STATS | IPVS_FMT_RATE)) {
		const struct ipvs_stats *st = &s->stats;
		bool rate = format & IPVS_FMT_RATE;

		fprintf(fp, "%-33s", name);
		largenum(fp, rate ? st->cps : st->conns, format);
		largenum(fp, rate ? st->inpps : st->inpkts, format);
		largenum(fp, rate ? st->outpps : st->outpkts, format);
		largenum(fp, rate ? st->inbps : st->inbytes, format);
		largenum(fp, rate ? st->outbps : st->outbytes, format);
		fputc('\n', fp);
		return;
	}
	fprintf(fp, "%s %s", name, s->sched);
	if (s->flags & IP_VS_SVC_F_PERSISTENT) {
		fprintf(fp, " persistent %u", s->timeout_s);
		if (s->family == AF_INET && s->netmask != 0xffffffffu) {
			struct in_addr mask = { .s_addr = s->netmask };
			char text[INET_ADDRSTRLEN];

			fprintf(fp, " mask %s", inet_ntop(AF_INET, &mask, text, sizeof(text)));
		} else if (s->family == AF_INET6 && s->netmask != 128) {
			fprintf(fp, " mask %u", s->netmask);
		}
		if (s->pe_name[0])
			fprintf(fp, " pe %s", s->pe_name);
	}
	if (s->flags & IP_VS_SVC_F_ONEPACKET)
		fputs(" ops", fp);
	fputc('\n', fp);
}

static void dest_line(FILE *fp, const struct ipvs_service *s, const struct ipvs_dest *d, unsigned format)
{
	char name[96];

	addr_port(name, sizeof(name), d->family ? d->family : s->family, d->addr, d->port, s->protocol, format);
	if (s->family != AF_INET6)
		name[28] = '\0';
	if (format & IPVS_FMT_STATS) {
		fprintf(fp, "  -> %-28s", name);
		largenum(fp, d->stats.conns, format);
		largenum(fp, d->stats.inpkts, format);
		largenum(fp, d->stats.outpkts, format);
		largenum(fp, d->stats.inbytes, format);
		largenum(fp, d->stats.outbytes, format);
		fputc('\n', fp);
	} else if (format & IPVS_FMT_RATE) {
		fprintf(fp, "  -> %-28s %8" PRIu64 " %8" PRIu64 " %8" PRIu64, name, d->stats.cps, d->stats.inpps,
			d->stats.outpps);
		largenum(fp, d->stats.inbps, format);
		largenum(fp, d->stats.outbps, format);
		fputc('\n', fp);
	} else {
		fprintf(fp, "  -> %-28s %-7s %-6d %-10u %-10u\n", name, forward_name(d->fwd_method), d->weight,
			d->active_conns, d->inact_conns);
	}
}

void ipvs_print(FILE *fp, const struct ipvs_table *t, unsigned format, const struct ipvs_service *only)
{
	size_t i, j;

	if (!only)
		fprintf(fp, "IP Virtual Server version %u.%u.%u (size=%u)\n", (t->version >> 16) & 0xff,
			(t->version >> 8) & 0xff, t->version & 0xff, t->conn_tab_size);
	title(fp, format);
	for (i = 0; i < t->service_count; i++) {
		const struct ipvs_service *s = &t->services[i];

		if (only && s != only)
			continue;
		service_line(fp, s, format);
		for (j = 0; j < s->dest_count; j++)
			dest_line(fp, s, &s->dests[j], format);
	}
}
