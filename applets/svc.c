/* svc: where a Kubernetes Service goes on this node.  Given VIP:PORT[/proto]
 * or NAMESPACE/NAME[:PORTNAME], it asks every dataplane kube-proxy may use
 * — iptables in both backends, kube-proxy's nftables table, IPVS — and
 * prints each one that holds the service (a node mid-migration has
 * several): its endpoints with their effective selection probabilities,
 * the DNAT targets, masquerading, session affinity, and the no-endpoints
 * case; with --conntrack, the live connections to it. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "svc_impl.h"
#include "sonde/addr.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/xt.h"

struct svc_config {
	bool conntrack;
};

static const struct sonde_opt svc_options[] = {
	SONDE_OPT_FLAG(NULL, "conntrack", "also list the live connections to the service and their endpoints",
		       struct svc_config, conntrack),
	SONDE_OPT_END,
};

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

static const struct caps_need read_dataplanes = {
	CAP_NET_ADMIN, "reading netfilter rules and IPVS", "nothing: the kernel shows them only to it"
};

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
	if (!caps_have(CAP_NET_ADMIN))
		return caps_fail(-EPERM, &read_dataplanes, "cannot read the dataplanes");
	rc = run_tracers(&q, &res);
	if (rc < 0) {
		svc_result_free(&res);
		return caps_fail(rc, &read_dataplanes, "cannot read the dataplanes");
	}
	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "query", NULL, argv[0]);
	out_open_array(ctx->out, "dataplanes");
	for (i = 0; i < res.count; i++) {
		if (i)
			out_text(ctx->out, "\n");
		svc_print_trace(ctx->out, &res.traces[i]);
	}
	out_close_array(ctx->out);
	if (cfg->conntrack && res.count && (rc = svc_print_conntrack(ctx->out, &res)) < 0)
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
