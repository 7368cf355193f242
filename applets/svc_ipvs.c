/* svc in kube-proxy's IPVS mode: a virtual server per service and port,
 * its real servers the endpoints, chosen by weight. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "svc_impl.h"
#include "sonde/ipvs.h"

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
