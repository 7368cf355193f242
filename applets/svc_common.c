/* svc, shared by every dataplane's tracer (svc_xt.c, svc_nft.c, svc_ipvs.c)
 * and main: the growing result, and matching a service's name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svc_impl.h"

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
