/* svc: the Kubernetes Service tracer.  Each dataplane (iptables in either
 * backend, kube-proxy's nftables table, IPVS) is asked for the service and
 * answers with one trace: where it enters, its endpoints with their
 * effective selection probabilities, masquerading, affinity, and the
 * no-endpoints case.
 *
 * Its files: svc.c (options, the query, main), one tracer per dataplane
 * (svc_xt.c, svc_nft.c, svc_ipvs.c), svc_out.c (rendering) and
 * svc_common.c (the result the tracers fill).  Calls run svc.c -> tracers,
 * svc_out.c -> svc_common.c. */
#ifndef SONDE_SVC_IMPL_H
#define SONDE_SVC_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/applet.h"

#define SVC_NAME_LEN 256
#define SVC_TEXT_LEN 512

struct svc_query {
	bool by_name;
	char ns_name[SVC_NAME_LEN];      /* "namespace/name" */
	char port_name[64];              /* "" for any port */
	int family;                      /* AF_INET / AF_INET6 (by address) */
	uint8_t vip[16];
	uint16_t port;
	uint8_t proto;                   /* IPPROTO_TCP / _UDP */
};

struct svc_endpoint {
	int family;
	uint8_t addr[16];
	uint16_t port;
	double probability;              /* the product of the branches taken to reach it */
	char via[SVC_NAME_LEN];          /* KUBE-SEP-... / endpoint chain / "" */
	bool hairpin_masquerade;         /* traffic from the endpoint itself is masqueraded */
	int weight;                      /* IPVS */
};

struct svc_trace {
	char dataplane[64];              /* "iptables (legacy)", "nftables (ip kube-proxy)", "ipvs" */
	char name[SVC_NAME_LEN];         /* "ns/svc:port" when the rules name it */
	int family;
	uint8_t vip[16];
	uint16_t port;
	uint8_t proto;
	char entry[SVC_TEXT_LEN];        /* how the service is entered */
	char masquerade[SVC_TEXT_LEN];   /* when traffic to it is masqueraded, or "" */
	bool affinity;
	uint32_t affinity_timeout_s;
	bool no_endpoints;
	char reject[SVC_TEXT_LEN];       /* what happens without endpoints */
	char set_entry[SVC_TEXT_LEN];    /* IPVS: "KUBE-CLUSTER-IP 10.96.0.10,tcp:53", or "" */
	char set_state[SVC_TEXT_LEN];    /* IPVS: whether that entry is in the set, and what follows */
	struct svc_endpoint *endpoints;
	size_t endpoint_count;
};

struct svc_result {
	struct svc_trace *traces;
	size_t count;
};

/* svc_common.c */
struct svc_trace *svc_result_add(struct svc_result *res);
int svc_trace_add_endpoint(struct svc_trace *t, const struct svc_endpoint *ep);
void svc_result_free(struct svc_result *res);
/* Drops the traces after the first keep (a tracer starting over). */
void svc_result_truncate(struct svc_result *res, size_t keep);
/* Does the rule-provided name ("ns/svc:port...") match the query? */
bool svc_name_matches(const struct svc_query *q, const char *name);

/* svc_xt.c, svc_nft.c, svc_ipvs.c: each returns 0 (with 0 or more traces added) or -errno. */
int svc_trace_iptables(const struct svc_query *q, int backend, struct svc_result *res);
int svc_trace_nftables(const struct svc_query *q, struct svc_result *res);
int svc_trace_ipvs(const struct svc_query *q, struct svc_result *res);

/* svc_out.c: one trace; the conntrack entries going to any of res's
 * services (returns 0 or the -errno of the conntrack dump). */
void svc_print_trace(struct sonde_out *out, const struct svc_trace *t);
int svc_print_conntrack(struct sonde_out *out, const struct svc_result *res);

#endif
