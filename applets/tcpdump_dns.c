/* tcpdump --dns: DNS transactions instead of packets.  Each query is kept
 * until its answer (same client, server, ports, transport and id) comes;
 * the pair is one record with the latency between them.  A query left
 * without an answer for --dns-timeout seconds (of the capture's clock, or
 * of the wall clock while a live capture is idle) is reported as
 * unanswered.  The summary gives the latency percentiles, the rcodes and
 * the queries per name, a name's search-list expansions (a pod's ndots:5)
 * counted with it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcpdump_impl.h"

#define KEY_LEN 40
#define FIRST_SLOTS 256
#define RCODES 16
#define NAMES_IN_TEXT 10
#define NAMES_IN_JSON 100
#define EXPIRY_STEP_US 100000

struct dns_query {
	uint8_t key[KEY_LEN];     /* family, transport, ports, id, client, server */
	bool used;
	struct timeval ts;
	uint16_t qtype;
	char *name;
	unsigned retransmissions;
};

struct name_count {
	char *name;
	unsigned queries, nxdomain, search_list;
	bool folded;              /* counted under a shorter name */
};

struct tcpdump_dns {
	struct dns_query *queries;
	size_t query_slots, queries_pending;
	struct name_count *names;
	size_t name_slots, names_used;
	double *latencies_ms;
	size_t latency_count, latency_cap;
	unsigned long long asked, answered, unanswered, unmatched, not_decoded;
	unsigned long long rcodes[RCODES], rcode_other;
	struct timeval last_expiry;
	bool have_clock;
	bool failed;              /* out of memory: the counts are incomplete */
};

/* --- the pending queries: open addressing, linear probing ------------------ */

static size_t hash_bytes(const void *data, size_t len, size_t slots)
{
	const uint8_t *p = data;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h & (slots - 1);
}

/* The key of the transaction a frame belongs to: the client is the
 * query's source, the response's destination. */
static void transaction_key(const struct pkt_frame *f, const struct tcpdump_dns_msg *m, uint8_t *key)
{
	const uint8_t *client = m->response ? f->ip.dst : f->ip.src, *server = m->response ? f->ip.src : f->ip.dst;
	uint16_t cport = m->response ? f->transport.dport : f->transport.sport;
	uint16_t sport = m->response ? f->transport.sport : f->transport.dport;

	memset(key, 0, KEY_LEN);
	key[0] = (uint8_t)f->ip.family;
	key[1] = f->ip.proto;
	memcpy(key + 2, &cport, 2);
	memcpy(key + 4, &sport, 2);
	memcpy(key + 6, &m->id, 2);
	memcpy(key + 8, client, 16);
	memcpy(key + 24, server, 16);
}

static struct dns_query *find_query(struct tcpdump_dns *d, const uint8_t *key)
{
	size_t i = hash_bytes(key, KEY_LEN, d->query_slots);

	while (d->queries[i].used) {
		if (memcmp(d->queries[i].key, key, KEY_LEN) == 0)
			return &d->queries[i];
		i = (i + 1) & (d->query_slots - 1);
	}
	return &d->queries[i];    /* the free slot where it would go */
}

static int grow_queries(struct tcpdump_dns *d)
{
	struct dns_query *old = d->queries;
	size_t old_slots = d->query_slots, i;

	d->query_slots = old_slots ? old_slots * 2 : FIRST_SLOTS;
	if (!(d->queries = calloc(d->query_slots, sizeof(*d->queries)))) {
		d->queries = old;
		d->query_slots = old_slots;
		return -ENOMEM;
	}
	for (i = 0; i < old_slots; i++)
		if (old[i].used)
			*find_query(d, old[i].key) = old[i];
	free(old);
	return 0;
}

/* Removes slot i, moving later entries of its probe run back into the gap. */
static void remove_query(struct tcpdump_dns *d, struct dns_query *q)
{
	size_t mask = d->query_slots - 1, gap = (size_t)(q - d->queries), i = (gap + 1) & mask;

	free(q->name);
	d->queries[gap].used = false;
	d->queries_pending--;
	for (; d->queries[i].used; i = (i + 1) & mask) {
		size_t home = hash_bytes(d->queries[i].key, KEY_LEN, d->query_slots);

		/* Move i into the gap when its home does not lie in (gap, i]. */
		if (((i - home) & mask) >= ((i - gap) & mask)) {
			d->queries[gap] = d->queries[i];
			d->queries[i].used = false;
			gap = i;
		}
	}
}

/* --- names --------------------------------------------------------------- */

static struct name_count *find_name(struct tcpdump_dns *d, const char *name)
{
	size_t i = hash_bytes(name, strlen(name), d->name_slots);

	while (d->names[i].name) {
		if (strcmp(d->names[i].name, name) == 0)
			return &d->names[i];
		i = (i + 1) & (d->name_slots - 1);
	}
	return &d->names[i];
}

static int grow_names(struct tcpdump_dns *d)
{
	struct name_count *old = d->names;
	size_t old_slots = d->name_slots, i;

	d->name_slots = old_slots ? old_slots * 2 : FIRST_SLOTS;
	if (!(d->names = calloc(d->name_slots, sizeof(*d->names)))) {
		d->names = old;
		d->name_slots = old_slots;
		return -ENOMEM;
	}
	for (i = 0; i < old_slots; i++)
		if (old[i].name)
			*find_name(d, old[i].name) = old[i];
	free(old);
	return 0;
}

static struct name_count *name_entry(struct tcpdump_dns *d, const char *name)
{
	struct name_count *n;

	if (d->names_used * 2 >= d->name_slots && grow_names(d) < 0)
		return NULL;
	n = find_name(d, name);
	if (!n->name) {
		if (!(n->name = strdup(name)))
			return NULL;
		d->names_used++;
	}
	return n;
}

/* --- records -------------------------------------------------------------- */

static void print_endpoint(struct tcpdump_run *run, const char *key, const uint8_t *qkey, bool server)
{
	char text[64];
	uint16_t port;

	memcpy(&port, qkey + (server ? 4 : 2), 2);
	tcpdump_addr_text(qkey[0], qkey + (server ? 24 : 8), text, sizeof(text));
	out_open_object(run->out, key);
	out_print_str(run->out, "address", "%s", text);
	out_print_uint(run->out, "port", ".%llu", port);
	out_close_object(run->out);
}

/* The part of a record both kinds share: time, ends, id, question. */
static void print_query(struct tcpdump_run *run, const struct dns_query *q)
{
	struct sonde_out *out = run->out;
	uint16_t id;
	char type[16];

	memcpy(&id, q->key + 6, 2);
	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "transaction");
	if (!out_is_json(out)) {
		strbuf_reset(&run->line);
		tcpdump_out_timestamp(&run->clock, &run->line, &q->ts);
		out_text(out, "%.*s", (int)run->line.len, run->line.data ? run->line.data : "");
	}
	out_print_double(out, "time_s", NULL, tcpdump_time_s(&q->ts));
	print_endpoint(run, "client", q->key, false);
	out_text(out, " > ");
	print_endpoint(run, "server", q->key, true);
	out_print_str(out, "transport", " %s", q->key[1] == PKT_PROTO_TCP ? "tcp" : "udp");
	out_print_uint(out, "id", " id %llu", id);
	out_print_str(out, "qtype", " %s", dns_type_name(q->qtype, type, sizeof(type)));
	out_print_str(out, "name", " %s:", q->name);
}

static void print_retransmissions(struct sonde_out *out, unsigned retransmissions)
{
	if (retransmissions)
		out_text(out, ", %u retransmission%s", retransmissions, retransmissions == 1 ? "" : "s");
	out_print_uint(out, "retransmissions", NULL, retransmissions);
	out_close_object(out);
	out_text(out, "\n");
}

static void report_answer(struct tcpdump_run *run, const struct dns_query *q, const struct tcpdump_dns_msg *m,
			  double latency_ms)
{
	struct sonde_out *out = run->out;
	char rcode[16];

	print_query(run, q);
	out_print_bool(out, "answered", NULL, true);
	out_print_str(out, "rcode", " %s", dns_rcode_name(m->rcode, rcode, sizeof(rcode)));
	out_print_uint(out, "answers", ", %llu answer", m->answers);
	out_text(out, "%s", m->answers == 1 ? "" : "s");
	out_print_double(out, "latency_ms", ", %.3f ms", latency_ms);
	print_retransmissions(out, q->retransmissions);
}

static void report_unanswered(struct tcpdump_run *run, const struct dns_query *q)
{
	struct sonde_out *out = run->out;

	print_query(run, q);
	out_print_bool(out, "answered", NULL, false);
	out_print_null(out, "rcode", NULL, NULL);
	out_print_null(out, "answers", NULL, NULL);
	out_print_null(out, "latency_ms", NULL, NULL);
	out_print_uint(out, "timeout_s", " no answer within %llu s", (unsigned)run->cfg->dns_timeout_s);
	print_retransmissions(out, q->retransmissions);
}

/* --- queries and answers ----------------------------------------------------- */

static double elapsed_ms(const struct timeval *from, const struct timeval *to)
{
	return (double)(to->tv_sec - from->tv_sec) * 1e3 + (double)(to->tv_usec - from->tv_usec) / 1e3;
}

static int add_latency(struct tcpdump_dns *d, double ms)
{
	double *grown;

	if (d->latency_count == d->latency_cap) {
		size_t cap = d->latency_cap ? d->latency_cap * 2 : FIRST_SLOTS;

		if (!(grown = realloc(d->latencies_ms, cap * sizeof(*grown))))
			return -ENOMEM;
		d->latencies_ms = grown;
		d->latency_cap = cap;
	}
	d->latencies_ms[d->latency_count++] = ms;
	return 0;
}

static void on_query(struct tcpdump_dns *d, const struct pkt_frame *f, const struct tcpdump_dns_msg *m,
		     const struct timeval *ts)
{
	uint8_t key[KEY_LEN];
	struct dns_query *q;
	struct name_count *n;

	transaction_key(f, m, key);
	if (d->queries_pending * 2 >= d->query_slots && grow_queries(d) < 0) {
		d->failed = true;
		return;
	}
	q = find_query(d, key);
	if (q->used) {
		/* The same query again, before its answer: a retransmission. */
		q->retransmissions++;
		return;
	}
	*q = (struct dns_query){ .used = true, .ts = *ts, .qtype = m->qtype };
	memcpy(q->key, key, KEY_LEN);
	if (!(q->name = strdup(m->has_question ? m->name : "(no question)"))) {
		q->used = false;
		d->failed = true;
		return;
	}
	d->queries_pending++;
	d->asked++;
	if ((n = name_entry(d, q->name)))
		n->queries++;
	else
		d->failed = true;
}

static void on_response(struct tcpdump_run *run, const struct pkt_frame *f, const struct tcpdump_dns_msg *m,
			const struct timeval *ts)
{
	struct tcpdump_dns *d = run->dns;
	uint8_t key[KEY_LEN];
	struct dns_query *q;
	struct name_count *n;
	double ms;

	transaction_key(f, m, key);
	q = d->query_slots ? find_query(d, key) : NULL;
	if (!q || !q->used) {
		d->unmatched++;
		return;
	}
	ms = elapsed_ms(&q->ts, ts);
	d->answered++;
	if (m->rcode < RCODES)
		d->rcodes[m->rcode]++;
	else
		d->rcode_other++;
	if (m->rcode == 3 && (n = name_entry(d, q->name)))
		n->nxdomain++;
	if (add_latency(d, ms) < 0)
		d->failed = true;
	report_answer(run, q, m, ms);
	remove_query(d, q);
}

static int by_time(const void *a, const void *b)
{
	const struct dns_query *qa = *(const struct dns_query *const *)a, *qb = *(const struct dns_query *const *)b;

	if (qa->ts.tv_sec != qb->ts.tv_sec)
		return qa->ts.tv_sec < qb->ts.tv_sec ? -1 : 1;
	return qa->ts.tv_usec < qb->ts.tv_usec ? -1 : qa->ts.tv_usec > qb->ts.tv_usec;
}

/* Reports, oldest first, the queries asked before now - timeout (all of
 * them when now is NULL: the capture ended). */
static void expire_queries(struct tcpdump_run *run, const struct timeval *now)
{
	struct tcpdump_dns *d = run->dns;
	struct dns_query **due;
	size_t i, n = 0;

	if (!d->queries_pending || !(due = malloc(d->queries_pending * sizeof(*due)))) {
		d->failed = d->failed || d->queries_pending;
		return;
	}
	for (i = 0; i < d->query_slots; i++)
		if (d->queries[i].used &&
		    (!now || elapsed_ms(&d->queries[i].ts, now) >= run->cfg->dns_timeout_s * 1000.0))
			due[n++] = &d->queries[i];
	qsort(due, n, sizeof(*due), by_time);
	/* Removing moves entries: report them all first, then remove by key. */
	for (i = 0; i < n; i++) {
		report_unanswered(run, due[i]);
		d->unanswered++;
	}
	for (i = 0; i < n; i++)
		free(due[i]->name), due[i]->name = NULL;
	for (i = 0; i < d->query_slots && n; i++)
		while (d->queries[i].used && !d->queries[i].name) {
			remove_query(d, &d->queries[i]);
			n--;
		}
	free(due);
}

void tcpdump_dns_tick(struct tcpdump_run *run, const struct timeval *now)
{
	struct tcpdump_dns *d = run->dns;

	if (d->have_clock && elapsed_ms(&d->last_expiry, now) * 1000 < EXPIRY_STEP_US)
		return;
	d->last_expiry = *now;
	d->have_clock = true;
	expire_queries(run, now);
}

void tcpdump_dns_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct tcpdump_dns_msg m;
	struct pkt_frame f;
	int rc;

	tcpdump_dns_tick(run, &h->ts);
	pkt_frame_parse(run->linktype, bytes, h->caplen, h->len, &f);
	rc = tcpdump_dns_decode(&f, &m);
	if (rc < 0)
		run->dns->not_decoded++;
	if (rc <= 0)
		return;
	if (m.response)
		on_response(run, &f, &m, &h->ts);
	else
		on_query(run->dns, &f, &m, &h->ts);
	if (run->cfg->line_buffered || run->cfg->packet_buffered)
		fflush(stdout);
}

int tcpdump_dns_start(struct tcpdump_run *run)
{
	if (!(run->dns = calloc(1, sizeof(*run->dns))) || grow_queries(run->dns) < 0 || grow_names(run->dns) < 0)
		return -ENOMEM;
	return 0;
}

/* --- the summary ------------------------------------------------------------ */

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of the sorted latencies. */
static double percentile(const struct tcpdump_dns *d, double fraction)
{
	size_t rank = (size_t)ceil(fraction * (double)d->latency_count);

	return d->latencies_ms[rank ? rank - 1 : 0];
}

static void print_latency(struct tcpdump_run *run)
{
	struct sonde_out *out = run->out;
	struct tcpdump_dns *d = run->dns;

	if (!d->latency_count) {
		out_print_null(out, "latency_ms", NULL, NULL);
		return;
	}
	qsort(d->latencies_ms, d->latency_count, sizeof(double), by_value);
	out_open_object(out, "latency_ms");
	out_print_double(out, "p50", "latency: p50 %.3f ms", percentile(d, 0.5));
	out_print_double(out, "p99", ", p99 %.3f ms", percentile(d, 0.99));
	out_print_double(out, "max", ", max %.3f ms\n", d->latencies_ms[d->latency_count - 1]);
	out_close_object(out);
}

static void print_rcodes(struct tcpdump_run *run)
{
	struct sonde_out *out = run->out;
	struct tcpdump_dns *d = run->dns;
	char buf[16];
	const char *name;
	unsigned rcode;

	out_print_uint(out, "nxdomain", "rcodes: NXDOMAIN %llu", d->rcodes[3]);
	out_print_uint(out, "servfail", ", SERVFAIL %llu", d->rcodes[2]);
	out_open_object(out, "rcodes");
	for (rcode = 0; rcode < RCODES; rcode++)
		if (d->rcodes[rcode] && rcode != 2 && rcode != 3) {
			name = dns_rcode_name(rcode, buf, sizeof(buf));
			out_text(out, ", %s", name);
			out_print_uint(out, name, " %llu", d->rcodes[rcode]);
		}
	if (d->rcode_other)
		out_print_uint(out, "other", ", other %llu", d->rcode_other);
	out_close_object(out);
	out_text(out, "\n");
}

/* A name that only ever got NXDOMAIN and extends a shorter name that was
 * asked too ("example.com.svc.cluster.local." after "example.com.") is
 * that name tried through the resolver's search list: counted under it. */
static void fold_search_list(struct tcpdump_dns *d)
{
	size_t i, at;

	for (i = 0; i < d->name_slots; i++) {
		struct name_count *n = &d->names[i];

		if (!n->name || !n->queries || n->nxdomain < n->queries)
			continue;
		for (at = 0; n->name[at] && n->name[at + 1]; at++) {
			struct name_count *base;
			char saved;

			if (n->name[at] != '.')
				continue;
			saved = n->name[at + 1];
			n->name[at + 1] = '\0';
			base = find_name(d, n->name);
			n->name[at + 1] = saved;
			if (base->name && base != n) {
				base->search_list += n->queries;
				n->folded = true;
				break;
			}
		}
	}
}

static int by_queries(const void *a, const void *b)
{
	const struct name_count *na = *(const struct name_count *const *)a, *nb = *(const struct name_count *const *)b;
	unsigned ta = na->queries + na->search_list, tb = nb->queries + nb->search_list;

	if (ta != tb)
		return ta > tb ? -1 : 1;
	return strcmp(na->name, nb->name);
}

static void print_name(struct sonde_out *out, const struct name_count *n, bool first)
{
	out_open_object(out, NULL);
	out_print_str(out, "name", first ? "names: %s" : ", %s", n->name);
	out_print_uint(out, "queries", " %llu", n->queries + n->search_list);
	out_print_uint(out, "search_list_queries", NULL, n->search_list);
	if (n->search_list)
		out_text(out, " (%u through the search list)", n->search_list);
	out_close_object(out);
}

static void print_names(struct tcpdump_run *run)
{
	struct tcpdump_dns *d = run->dns;
	size_t i, n = 0, shown = out_is_json(run->out) ? NAMES_IN_JSON : NAMES_IN_TEXT;
	struct name_count **list = malloc((d->names_used + 1) * sizeof(*list));

	fold_search_list(d);
	for (i = 0; list && i < d->name_slots; i++)
		if (d->names[i].name && d->names[i].queries && !d->names[i].folded)
			list[n++] = &d->names[i];
	if (list)
		qsort(list, n, sizeof(*list), by_queries);
	out_print_uint(run->out, "distinct_names", NULL, n);
	out_open_array(run->out, "names");
	for (i = 0; i < n && i < shown; i++)
		print_name(run->out, list[i], i == 0);
	out_close_array(run->out);
	if (n > shown)
		out_text(run->out, ", and %zu more", n - shown);
	if (n)
		out_text(run->out, "\n");
	free(list);
}

static void free_state(struct tcpdump_run *run)
{
	struct tcpdump_dns *d = run->dns;
	size_t i;

	for (i = 0; i < d->name_slots; i++)
		free(d->names[i].name);
	free(d->names);
	free(d->queries);
	free(d->latencies_ms);
	free(d);
	run->dns = NULL;
}

void tcpdump_dns_finish(struct tcpdump_run *run)
{
	struct sonde_out *out = run->out;
	struct tcpdump_dns *d = run->dns;

	expire_queries(run, NULL);
	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "summary");
	out_print_uint(out, "queries", "DNS: %llu queries", d->asked);
	out_print_uint(out, "answered", ", %llu answered", d->answered);
	out_print_uint(out, "unanswered", ", %llu unanswered", d->unanswered);
	out_print_uint(out, "timeout_s", " (timeout %llu s)\n", (unsigned)run->cfg->dns_timeout_s);
	print_latency(run);
	print_rcodes(run);
	print_names(run);
	out_print_uint(out, "unmatched_responses", NULL, d->unmatched);
	out_print_uint(out, "not_decoded", NULL, d->not_decoded);
	if (d->unmatched)
		out_text(out, "%llu response%s without their query in the capture\n", d->unmatched,
			 d->unmatched == 1 ? "" : "s");
	if (d->not_decoded)
		out_text(out, "%llu port 53 packets not decoded (not a whole DNS message in one packet)\n",
			 d->not_decoded);
	out_print_bool(out, "complete", NULL, !d->failed);
	if (d->failed)
		out_text(out, "out of memory: the counts above are incomplete\n");
	out_close_object(out);
	free_state(run);
}
