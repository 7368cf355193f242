/* Rendering of svc's traces and of the live connections to them: one
 * function per record type, each serving text and JSON through the output
 * layer. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "svc_impl.h"
#include "sonde/conntrack.h"

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : proto == IPPROTO_SCTP ? "sctp" : "tcp";
}

static void addr_text(int family, const uint8_t *addr, uint16_t port, char *out, size_t size)
{
	char text[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family, addr, text, sizeof(text));
	snprintf(out, size, family == AF_INET6 ? "[%s]:%u" : "%s:%u", text, port);
}

void svc_print_trace(struct sonde_out *out, const struct svc_trace *t)
{
	char where[96];
	size_t i;

	addr_text(t->family, t->vip, t->port, where, sizeof(where));
	out_open_object(out, NULL);
	out_print_str(out, "dataplane", "%s: ", t->dataplane);
	out_print_str(out, "service", "%s/", where);
	out_print_str(out, "protocol", "%s", proto_name(t->proto));
	if (t->name[0])
		out_print_str(out, "name", " (%s)", t->name);
	out_text(out, "\n");
	out_print_str(out, "entry", "  via %s\n", t->entry);
	if (t->masquerade[0])
		out_print_str(out, "masquerade", "  masquerade: %s\n", t->masquerade);
	if (t->set_entry[0]) {
		out_print_str(out, "ipset_entry", "  ipset %s: ", t->set_entry);
		out_print_str(out, "ipset_state", "%s\n", t->set_state);
	}
	out_print_bool(out, "affinity", NULL, t->affinity);
	if (t->affinity) {
		out_print_uint(out, "affinity_timeout_s", "  session affinity: ClientIP, %" PRIu64 " s\n",
			       t->affinity_timeout_s);
	}
	out_print_bool(out, "no_endpoints", NULL, t->no_endpoints);
	if (t->no_endpoints)
		out_print_str(out, "without_endpoints", "  no endpoints: %s\n", t->reject);
	out_open_array(out, "endpoints");
	if (t->endpoint_count)
		out_text(out, "  endpoints:\n");
	for (i = 0; i < t->endpoint_count; i++) {
		const struct svc_endpoint *ep = &t->endpoints[i];
		char text[96];

		addr_text(ep->family ? ep->family : t->family, ep->addr, ep->port, text, sizeof(text));
		out_open_object(out, NULL);
		out_print_str(out, "address", "    %-24s", text);
		out_print_double(out, "probability", NULL, ep->probability);
		out_text(out, " %6.2f%%", ep->probability * 100.0);
		if (ep->via[0])
			out_print_str(out, "via", "  %s", ep->via);
		if (!strcmp(t->dataplane, "ipvs"))
			out_print_int(out, "weight", "  weight %" PRId64, ep->weight);
		out_print_bool(out, "hairpin_masquerade", NULL, ep->hairpin_masquerade);
		if (ep->hairpin_masquerade)
			out_text(out, "  (hairpin traffic masqueraded)");
		out_text(out, "\n");
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}

struct ct_walk {
	const struct svc_result *res;
	struct sonde_out *out;
	unsigned count;
};

static int ct_entry(const struct ct_entry *e, void *arg)
{
	struct ct_walk *w = arg;
	size_t i, n = e->family == AF_INET6 ? 16 : 4;
	char from[96], to[96], via[96];

	if (!e->has_orig || !e->has_reply || !e->orig.has_ports)
		return 0;
	for (i = 0; i < w->res->count; i++) {
		const struct svc_trace *t = &w->res->traces[i];

		if (t->family != e->family || t->proto != e->orig.proto || t->port != e->orig.dport ||
		    memcmp(t->vip, e->orig.dst, n) != 0)
			continue;
		addr_text(e->family, e->orig.src, e->orig.sport, from, sizeof(from));
		addr_text(e->family, e->orig.dst, e->orig.dport, to, sizeof(to));
		addr_text(e->family, e->reply.src, e->reply.sport, via, sizeof(via));
		out_open_object(w->out, NULL);
		out_print_str(w->out, "from", "    %s", from);
		out_print_str(w->out, "to", " -> %s", to);
		out_print_str(w->out, "endpoint", " => %s\n", via);
		out_close_object(w->out);
		w->count++;
		return 0;
	}
	return 0;
}

int svc_print_conntrack(struct sonde_out *out, const struct svc_result *res)
{
	struct ct_walk w = { .res = res, .out = out };
	int rc;

	out_open_array(out, "connections");
	out_text(out, "connections:\n");
	rc = ct_dump(AF_INET, ct_entry, &w);
	if (rc == 0)
		rc = ct_dump(AF_INET6, ct_entry, &w);
	if (w.count == 0)
		out_text(out, "    (none)\n");
	out_close_array(out);
	return rc;
}
