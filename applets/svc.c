/* svc: where a Kubernetes Service goes on this node.  Given VIP:PORT[/proto]
 * or NAMESPACE/NAME[:PORTNAME], it asks every dataplane kube-proxy may use
 * — iptables in both backends, kube-proxy's nftables table, IPVS — and
 * prints each one that holds the service (a node mid-migration has
 * several): its endpoints with their effective selection probabilities,
 * the DNAT targets, masquerading, session affinity, and the no-endpoints
 * case; with --conntrack, the live connections to it. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc_impl.h"
#include "sonde/addr.h"
#include "sonde/caps.h"
#include "sonde/conntrack.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/ipvs.h"
#include "sonde/xt.h"

struct svc_config {
	bool conntrack;
};

static const struct sonde_opt svc_options[] = {
	SONDE_OPT_FLAG(NULL, "conntrack", "also list the live connections to the service and their endpoints",
		       struct svc_config, conntrack),
	SONDE_OPT_END,
};

/* --- results ------------------------------------------------------------------ */

struct svc_trace *svc_result_add(struct svc_result *res)
{
	struct svc_trace *grown = realloc(res->traces, (res->count + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	res->traces = grown;
	memset(&grown[res->count], 0, sizeof(*grown));
	return &grown[res->count++];
}

int svc_trace_add_endpoint(struct svc_trace *t, const struct svc_endpoint *ep)
{
	struct svc_endpoint *grown = realloc(t->endpoints, (t->endpoint_count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	t->endpoints = grown;
	grown[t->endpoint_count++] = *ep;
	return 0;
}

void svc_result_truncate(struct svc_result *res, size_t keep)
{
	while (res->count > keep)
		free(res->traces[--res->count].endpoints);
}

void svc_result_free(struct svc_result *res)
{
	size_t i;

	for (i = 0; i < res->count; i++)
		free(res->traces[i].endpoints);
	free(res->traces);
	memset(res, 0, sizeof(*res));
}

/* "ns/svc:http" against ns/svc and an optional port name. */
bool svc_name_matches(const struct svc_query *q, const char *name)
{
	size_t n = strlen(q->ns_name);

	if (strncmp(name, q->ns_name, n) != 0 || (name[n] != ':' && name[n] != '\0'))
		return false;
	if (!q->port_name[0])
		return true;
	return name[n] == ':' && strcmp(name + n + 1, q->port_name) == 0;
}

/* --- IPVS --------------------------------------------------------------------- */

int svc_trace_ipvs(const struct svc_query *q, struct svc_result *res)
{
	struct ipvs_table table;
	size_t i, j;
	int rc = ipvs_read(&table);

	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;   /* no IPVS: nothing to say */
	for (i = 0; i < table.service_count; i++) {
		const struct ipvs_service *s = &table.services[i];
		struct svc_trace *t;
		int64_t weights = 0;

		if (!ipvs_service_matches(s, q->proto, q->family, q->vip, q->port))
			continue;
		if (!(t = svc_result_add(res))) {
			rc = -ENOMEM;
			break;
		}
		snprintf(t->dataplane, sizeof(t->dataplane), "ipvs");
		t->family = s->family;
		memcpy(t->vip, s->addr, 16);
		t->port = s->port;
		t->proto = (uint8_t)s->protocol;
		snprintf(t->entry, sizeof(t->entry), "virtual server, scheduler %s", s->sched);
		t->affinity = s->flags & 1;
		t->affinity_timeout_s = s->timeout_s;
		for (j = 0; j < s->dest_count; j++)
			weights += s->dests[j].weight > 0 ? s->dests[j].weight : 0;
		t->no_endpoints = weights == 0;
		if (t->no_endpoints)
			snprintf(t->reject, sizeof(t->reject), "no real server with a weight: connections are refused");
		for (j = 0; j < s->dest_count && rc == 0; j++) {
			const struct ipvs_dest *d = &s->dests[j];
			struct svc_endpoint ep = { .family = d->family ? d->family : s->family, .port = d->port,
						   .weight = d->weight };

			memcpy(ep.addr, d->addr, 16);
			ep.probability = weights > 0 && d->weight > 0 ? (double)d->weight / (double)weights : 0;
			rc = svc_trace_add_endpoint(t, &ep);
		}
	}
	ipvs_free(&table);
	return rc;
}

/* --- the command line --------------------------------------------------------- */

static int parse_target(const char *text, struct svc_query *q)
{
	char host[128], copy[SVC_NAME_LEN];
	const char *port_text;
	char *slash, *colon;
	struct sonde_addr addr;

	memset(q, 0, sizeof(*q));
	q->proto = IPPROTO_TCP;
	q->family = AF_INET;
	snprintf(copy, sizeof(copy), "%s", text);
	/* VIP:PORT[/tcp|udp] */
	slash = strrchr(copy, '/');
	if (slash && (strcmp(slash, "/tcp") == 0 || strcmp(slash, "/udp") == 0)) {
		q->proto = strcmp(slash, "/udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
		*slash = '\0';
	}
	if (addr_split_hostport(copy, host, sizeof(host), &port_text) == 0 && port_text &&
	    addr_parse_ip(host, 0, AF_UNSPEC, &addr) == 0) {
		if (addr_parse_port(port_text, false, &q->port) < 0)
			return -EINVAL;
		q->family = addr_family(&addr);
		memcpy(q->vip, q->family == AF_INET6 ? (const void *)&addr.u.in6.sin6_addr : (const void *)&addr.u.in4.sin_addr,
		       q->family == AF_INET6 ? 16 : 4);
		return 0;
	}
	/* NAMESPACE/NAME[:PORTNAME] */
	snprintf(copy, sizeof(copy), "%s", text);
	if (!strchr(copy, '/') || copy[0] == '/' || strchr(strchr(copy, '/') + 1, '/'))
		return -EINVAL;
	q->by_name = true;
	if ((colon = strchr(copy, ':'))) {
		*colon = '\0';
		snprintf(q->port_name, sizeof(q->port_name), "%s", colon + 1);
	}
	snprintf(q->ns_name, sizeof(q->ns_name), "%s", copy);
	return 0;
}

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

/* --- output ------------------------------------------------------------------- */

static void print_trace(struct sonde_out *out, const struct svc_trace *t)
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

static int print_conntrack(struct sonde_out *out, const struct svc_result *res)
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

static int run_tracers(struct svc_query *q, struct svc_result *res)
{
	int families[2] = { q->family, AF_INET6 }, f, rc = 0;

	/* A name may stand for IPv4 and IPv6 services alike. */
	for (f = 0; f < (q->by_name ? 2 : 1) && rc == 0; f++) {
		q->family = families[f];
		if ((rc = svc_trace_iptables(q, XT_BACKEND_LEGACY, res)) < 0)
			break;
		if ((rc = svc_trace_iptables(q, XT_BACKEND_NFT, res)) < 0 && rc != -EPROTONOSUPPORT)
			break;
		if ((rc = svc_trace_nftables(q, res)) < 0 && rc != -EPROTONOSUPPORT)
			break;
		rc = 0;
	}
	if (rc == 0 && !q->by_name)
		rc = svc_trace_ipvs(q, res);
	/* By name, IPVS is found through the addresses the other planes named. */
	for (size_t i = 0, n = res->count; rc == 0 && q->by_name && i < n; i++) {
		struct svc_query by_vip = { .family = res->traces[i].family, .port = res->traces[i].port,
					    .proto = res->traces[i].proto };

		memcpy(by_vip.vip, res->traces[i].vip, 16);
		rc = svc_trace_ipvs(&by_vip, res);
	}
	return rc;
}

static int svc_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct svc_config *cfg = config;
	struct svc_result res = { 0 };
	struct svc_query q;
	size_t i;
	int rc;

	(void)argc;
	if (parse_target(argv[0], &q) < 0) {
		sonde_err("not VIP:PORT[/tcp|udp] nor NAMESPACE/NAME[:PORT]: '%s'", argv[0]);
		return SONDE_EXIT_USAGE;
	}
	if (!caps_have(CAP_NET_ADMIN)) {
		caps_explain_missing(CAP_NET_ADMIN, "reading netfilter rules and IPVS", "nothing: the kernel shows them only to it");
		return SONDE_EXIT_PRIVILEGE;
	}
	rc = run_tracers(&q, &res);
	if (rc == -EPERM) {
		caps_explain_missing(CAP_NET_ADMIN, "reading netfilter rules and IPVS", "nothing: the kernel shows them only to it");
		svc_result_free(&res);
		return SONDE_EXIT_PRIVILEGE;
	}
	if (rc < 0) {
		sonde_errno(rc, "cannot read the dataplanes");
		svc_result_free(&res);
		return SONDE_EXIT_NEGATIVE;
	}
	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "query", NULL, argv[0]);
	out_open_array(ctx->out, "dataplanes");
	for (i = 0; i < res.count; i++) {
		if (i)
			out_text(ctx->out, "\n");
		print_trace(ctx->out, &res.traces[i]);
	}
	out_close_array(ctx->out);
	if (cfg->conntrack && res.count && (rc = print_conntrack(ctx->out, &res)) < 0)
		sonde_errno(rc, "cannot read conntrack");
	out_close_object(ctx->out);
	if (res.count == 0)
		sonde_err("no dataplane on this node knows %s (looked in iptables legacy and nf_tables, kube-proxy's "
			  "nftables table, and IPVS)", argv[0]);
	rc = res.count ? SONDE_EXIT_OK : SONDE_EXIT_NEGATIVE;
	svc_result_free(&res);
	return rc;
}

const struct sonde_applet applet_svc = {
	.name = "svc",
	.summary = "trace a Kubernetes Service through kube-proxy's dataplanes",
	.usage = "[--conntrack] VIP:PORT[/tcp|udp]\n[--conntrack] NAMESPACE/NAME[:PORTNAME]",
	.help_extra = "Looks the service up in every dataplane present on the node: iptables (legacy and nf_tables, "
		      "KUBE-SERVICES -> KUBE-SVC-* -> KUBE-SEP-*), kube-proxy's nftables table (service-ips -> service "
		      "chain -> numgen vmap -> endpoint chains) and IPVS, and shows each: endpoints with their effective "
		      "probability, DNAT targets, masquerading, session affinity, and what happens without endpoints.",
	.options = svc_options,
	.config_size = sizeof(struct svc_config),
	.min_args = 1,
	.max_args = 1,
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),
	.main = svc_main,
};
