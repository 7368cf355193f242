/* svc in kube-proxy's IPVS mode: a virtual server per service and port,
 * its real servers the endpoints, chosen by weight. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "svc_impl.h"
#include "sonde/ipset.h"
#include "sonde/ipvs.h"

/* kube-proxy's IPVS mode keeps every ClusterIP,proto:port in this set; its
 * iptables rules (KUBE-SERVICES masquerading, KUBE-IPVS-FILTER since 1.27)
 * match traffic to a service through it, so a virtual server whose entry
 * is missing is not treated as a service by them. */
#define CLUSTER_IP_SET "KUBE-CLUSTER-IP"

static const char *l4_name(uint16_t protocol)
{
	return protocol == IPPROTO_UDP ? "udp" : protocol == IPPROTO_SCTP ? "sctp" : "tcp";
}

static bool member_is_service(const struct ipset_member *m, const struct ipvs_service *s)
{
	size_t addr_len = s->family == AF_INET6 ? 16 : 4;

	return m->has_ip && m->ip_len == addr_len && !memcmp(m->ip, s->addr, addr_len) && m->has_port &&
	       m->port == s->port && m->has_proto && m->proto == s->protocol && !m->nomatch;
}

/* Is the service's ip,proto:port in KUBE-CLUSTER-IP?  Says so in t. */
static void trace_cluster_ip_set(const struct ipvs_service *s, struct svc_trace *t)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	struct ipset_list sets;
	bool member = false;
	size_t i;
	int rc;

	inet_ntop(s->family, s->addr, addr, sizeof(addr));
	snprintf(t->set_entry, sizeof(t->set_entry), "%s %s,%s:%u", CLUSTER_IP_SET, addr,
		 l4_name(s->protocol), s->port);
	rc = ipset_read(CLUSTER_IP_SET, &sets);
	if (rc == -ENOENT || rc == -EPROTONOSUPPORT) {
		snprintf(t->set_state, sizeof(t->set_state),
			 "no such set: kube-proxy's rules that match services through it are missing");
		return;
	}
	if (rc < 0) {
		snprintf(t->set_state, sizeof(t->set_state), "not read: %s", strerror(-rc));
		return;
	}
	for (i = 0; sets.set_count && i < sets.sets[0].member_count && !member; i++)
		member = member_is_service(&sets.sets[0].members[i], s);
	snprintf(t->set_state, sizeof(t->set_state), "%s",
		 member ? "member" : "not a member: kube-proxy's rules that match services through the set "
				     "miss this one");
	ipset_free(&sets);
}

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
		trace_cluster_ip_set(s, t);
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
