/* dig --explain: the libc resolver's walk through the search list, one
 * candidate name at a time, as glibc performs it, with where musl would
 * walk differently; and +search, bind's dig's own walk.  Kubernetes pods (search a.svc.cluster.local
 * svc.cluster.local cluster.local, ndots:5) are the case it was made for. */
#include <stdio.h>
#include <string.h>

#include "dig_impl.h"
#include "sonde/resolvconf.h"
#include "sonde/resolve.h"

#define MAX_CANDIDATES (RESOLV_MAX_SEARCH + 1)

struct candidate {
	char name[DNS_NAME_TEXT];
	const char *domain;      /* the search domain appended, or NULL for the name as is */
	bool asked;
	bool replied;
	int rcode;
	unsigned answers;
	double rtt_ms;
	bool tcp;
	/* dig's walk: asked with a search domain as origin (bind's l->origin,
	 * set for an absolute name too), or as is with the search still to
	 * come (l->need_search).  They decide how often dig prints the stats. */
	bool dig_origin, dig_need_search;
};

struct walk {
	struct resolv_conf conf;
	int ndots, dots;
	bool absolute;
	struct candidate c[MAX_CANDIDATES];
	size_t count;
	int answered;            /* index of the candidate that answered, -1 none */
};

static int count_dots(const char *name)
{
	int dots = 0;

	for (; *name; name++)
		if (*name == '.')
			dots++;
	return dots;
}

static void add_candidate(struct walk *w, const char *name, const char *domain)
{
	struct candidate *c;

	if (w->count == MAX_CANDIDATES)
		return;
	c = &w->c[w->count++];
	memset(c, 0, sizeof(*c));
	c->domain = domain;
	c->rcode = -1;
	if (domain)
		snprintf(c->name, sizeof(c->name), "%s.%s%s", name, domain,
			 domain[strlen(domain) - 1] == '.' ? "" : ".");
	else
		snprintf(c->name, sizeof(c->name), "%s%s", name, w->absolute ? "" : ".");
}

/* glibc's order: an absolute name alone; with at least ndots dots the name
 * first, then the search list; with fewer, the search list first. */
static void plan_walk(struct walk *w, const char *name)
{
	size_t i;
	bool as_is_first = w->dots >= w->ndots;

	if (w->absolute) {
		add_candidate(w, name, NULL);
		return;
	}
	if (as_is_first)
		add_candidate(w, name, NULL);
	for (i = 0; i < w->conf.search_count; i++)
		add_candidate(w, name, w->conf.search[i]);
	if (!as_is_first)
		add_candidate(w, name, NULL);
}

/* bind 9.18's dig (setup_lookup(), next_origin()): an absolute name, or
 * one of ndots dots or more, is asked as is and alone; a shorter one with
 * each search domain, then as is. */
static void plan_dig_walk(struct walk *w, const char *name)
{
	int dots = count_dots(name); /* dig counts a final dot too */
	size_t i;

	if (dots >= w->ndots || !w->conf.search_count) {
		add_candidate(w, name, NULL);
		w->c[0].dig_need_search = dots >= w->ndots;
		return;
	}
	for (i = 0; i < w->conf.search_count; i++) {
		/* An absolute name ignores the origin and ends the walk. */
		add_candidate(w, name, w->absolute ? NULL : w->conf.search[i]);
		w->c[w->count - 1].dig_origin = true;
		if (w->absolute)
			return;
	}
	add_candidate(w, name, NULL);
}

/* bind's recv_done() prints the stats when the walk ends on an NXDOMAIN,
 * and again for a NOERROR answer or a name asked without origin: from 0
 * (a SERVFAIL with a search domain) to 2 times. */
static void dig_walk_stats(const struct candidate *c, struct dig_reply *reply)
{
	int times = 0;

	if (reply->parse_rc != 0)
		return;
	if (reply->msg.rcode == DNS_RCODE_NXDOMAIN && (c->dig_origin || c->dig_need_search))
		times++;
	if (reply->msg.rcode == DNS_RCODE_NOERROR || !c->dig_origin)
		times++;
	reply->stats_none = times == 0;
	reply->stats_twice = times == 2;
}

/* Does glibc go on after this reply?  NXDOMAIN, no data and SERVFAIL: yes;
 * REFUSED, FORMERR and the like end the search. */
static bool glibc_continues(const struct candidate *c)
{
	if (!c->replied)
		return false;
	return c->rcode == DNS_RCODE_NXDOMAIN || c->rcode == DNS_RCODE_SERVFAIL ||
	       (c->rcode == DNS_RCODE_NOERROR && c->answers == 0);
}

static void run_walk(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		     struct walk *w)
{
	size_t i;

	w->answered = -1;
	for (i = 0; i < w->count; i++) {
		struct candidate *c = &w->c[i];
		struct dig_reply reply;

		c->asked = true;
		if (dig_query(run, lk, c->name, servers, false, &reply) == 0 && reply.parse_rc == 0) {
			c->replied = true;
			c->rcode = (int)reply.msg.rcode;
			c->answers = reply.msg.counts[DNS_SECTION_ANSWER];
			c->tcp = reply.tcp;
		}
		c->rtt_ms = reply.rtt_ms;
		dig_reply_free(&reply);
		if (c->replied && c->rcode == DNS_RCODE_NOERROR && c->answers > 0) {
			w->answered = (int)i;
			return;
		}
		if (!glibc_continues(c))
			return;
	}
}

static const char *rcode_text(const struct candidate *c, char *buf, size_t size)
{
	if (!c->replied)
		return "no reply";
	return dns_rcode_name((unsigned)c->rcode, buf, size);
}

static size_t count_rcode(const struct walk *w, size_t upto, int rcode)
{
	size_t i, n = 0;

	for (i = 0; i < upto; i++)
		if (w->c[i].replied && w->c[i].rcode == rcode &&
		    !(rcode == DNS_RCODE_NOERROR && w->c[i].answers > 0))
			n++;
	return n;
}

/* "after 2 NXDOMAIN and 1 SERVFAIL" for the candidates before the answer. */
static void describe_failures(const struct walk *w, size_t upto, char *buf, size_t size)
{
	size_t nx = count_rcode(w, upto, DNS_RCODE_NXDOMAIN), sf = count_rcode(w, upto, DNS_RCODE_SERVFAIL);
	size_t nodata = count_rcode(w, upto, DNS_RCODE_NOERROR);
	int used = 0;

	buf[0] = '\0';
	if (nx)
		used += snprintf(buf + used, size - (size_t)used, "%s%zu NXDOMAIN", used ? ", " : "", nx);
	if (sf && used < (int)size)
		used += snprintf(buf + used, size - (size_t)used, "%s%zu SERVFAIL", used ? ", " : "", sf);
	if (nodata && used < (int)size)
		snprintf(buf + used, size - (size_t)used, "%s%zu empty answer%s", used ? ", " : "", nodata,
			 nodata == 1 ? "" : "s");
}

static void make_verdict(const struct walk *w, char *buf, size_t size)
{
	char failures[128];
	const struct candidate *last = w->count ? &w->c[w->count - 1] : NULL;
	size_t i, asked = 0;
	char rc[16];

	for (i = 0; i < w->count; i++)
		asked += w->c[i].asked;
	if (w->answered >= 0) {
		const struct candidate *c = &w->c[w->answered];

		describe_failures(w, (size_t)w->answered, failures, sizeof(failures));
		if (w->absolute)
			snprintf(buf, size, "absolute name skipped the search list; answered directly");
		else if (c->domain)
			snprintf(buf, size, "resolved via search domain %s%s%s", c->domain,
				 failures[0] ? " after " : " at once", failures);
		else
			snprintf(buf, size, "resolved as the name itself%s%s", failures[0] ? " after " : "",
				 failures);
		return;
	}
	for (i = 0; i < w->count && w->c[i].asked; i++)
		last = &w->c[i];
	if (last && !last->replied)
		snprintf(buf, size, "no reply for %s: the walk stopped", last->name);
	else if (last && !glibc_continues(last))
		snprintf(buf, size, "%s for %s ended the walk", rcode_text(last, rc, sizeof(rc)), last->name);
	else
		snprintf(buf, size, "not resolved: all %zu candidate%s failed", asked, asked == 1 ? "" : "s");
}

/* musl: no search list when the name has ndots dots or more, and the first
 * SERVFAIL (or any error but NXDOMAIN and no data) ends the lookup. */
static void musl_note(const struct walk *w, char *buf, size_t size)
{
	size_t i;

	if (!w->absolute && w->dots >= w->ndots && w->conf.search_count) {
		const struct candidate *as_is = &w->c[0];

		if (w->answered == 0)
			snprintf(buf, size, "musl: same answer (at %d dot%s it tries only the name as is, never the "
				 "search list)", w->dots, w->dots == 1 ? "" : "s");
		else
			snprintf(buf, size, "musl differs: with %d dot%s (ndots %d) it tries only %s and stops there",
				 w->dots, w->dots == 1 ? "" : "s", w->ndots, as_is->name);
		return;
	}
	for (i = 0; i < w->count && w->c[i].asked; i++) {
		if (w->c[i].replied && w->c[i].rcode == DNS_RCODE_SERVFAIL) {
			snprintf(buf, size, "musl differs: it stops at the SERVFAIL for %s and fails the lookup",
				 w->c[i].name);
			return;
		}
	}
	snprintf(buf, size, "musl: same walk");
}

static void print_walk_text(const struct dig_lookup *lk, const struct walk *w, const char *verdict,
			    const char *musl)
{
	char type_buf[16], rc[16];
	size_t i;

	printf(";; resolv.conf: %s\n", resolve_conf_path());
	for (i = 0; i < w->conf.nameserver_count; i++)
		printf(";;   nameserver %s\n", w->conf.nameservers[i]);
	printf(";;   search");
	for (i = 0; i < w->conf.search_count; i++)
		printf(" %s", w->conf.search[i]);
	printf("%s\n", w->conf.search_count ? "" : " (none)");
	printf(";;   ndots %d, timeout %d s, attempts %d\n", w->ndots, w->conf.timeout_s, w->conf.attempts);
	if (w->absolute)
		printf(";; %s ends with a dot: absolute, the search list is skipped\n", lk->name);
	else
		printf(";; %s has %d dot%s, ndots is %d: %s\n", lk->name, w->dots, w->dots == 1 ? "" : "s", w->ndots,
		       w->dots >= w->ndots ? "the name as is first, then the search list"
					   : "the search list first, then the name as is");
	printf(";; walk for %s:\n", dns_type_name(lk->qtype, type_buf, sizeof(type_buf)));
	for (i = 0; i < w->count; i++) {
		const struct candidate *c = &w->c[i];

		if (!c->asked) {
			printf(";;  %zu. %-48s not asked\n", i + 1, c->name);
			continue;
		}
		printf(";;  %zu. %-48s %-8s %u answer%s  %.1f ms  %s%s\n", i + 1, c->name,
		       rcode_text(c, rc, sizeof(rc)), c->answers, c->answers == 1 ? "" : "s", c->rtt_ms,
		       c->tcp ? "TCP" : "UDP", (int)i == w->answered ? "  <- answered" : "");
	}
	printf(";; verdict: %s\n", verdict);
	printf(";; glibc: this walk\n");
	printf(";; %s\n", musl);
}

static void print_walk_json(struct sonde_out *out, const struct dig_lookup *lk, const struct walk *w,
			    const char *verdict, const char *musl)
{
	char type_buf[16], rc[16];
	size_t i;

	out_open_object(out, NULL);
	out_print_str(out, "name", NULL, lk->name);
	out_print_str(out, "type", NULL, dns_type_name(lk->qtype, type_buf, sizeof(type_buf)));
	out_open_object(out, "resolv_conf");
	out_print_str(out, "path", NULL, resolve_conf_path());
	out_open_array(out, "nameservers");
	for (i = 0; i < w->conf.nameserver_count; i++)
		out_print_str(out, NULL, NULL, w->conf.nameservers[i]);
	out_close_array(out);
	out_open_array(out, "search");
	for (i = 0; i < w->conf.search_count; i++)
		out_print_str(out, NULL, NULL, w->conf.search[i]);
	out_close_array(out);
	out_print_int(out, "ndots", NULL, w->ndots);
	out_close_object(out);
	out_print_int(out, "dots", NULL, w->dots);
	out_print_bool(out, "absolute", NULL, w->absolute);
	out_open_array(out, "candidates");
	for (i = 0; i < w->count; i++) {
		const struct candidate *c = &w->c[i];

		out_open_object(out, NULL);
		out_print_str(out, "name", NULL, c->name);
		if (c->domain)
			out_print_str(out, "search_domain", NULL, c->domain);
		out_print_bool(out, "asked", NULL, c->asked);
		if (c->asked) {
			out_print_bool(out, "replied", NULL, c->replied);
			if (c->replied)
				out_print_str(out, "rcode", NULL, rcode_text(c, rc, sizeof(rc)));
			out_print_uint(out, "answers", NULL, c->answers);
			out_print_double(out, "rtt_ms", NULL, c->rtt_ms);
			out_print_str(out, "transport", NULL, c->tcp ? "tcp" : "udp");
		}
		out_close_object(out);
	}
	out_close_array(out);
	if (w->answered >= 0)
		out_print_str(out, "answered_by", NULL, w->c[w->answered].name);
	else
		out_print_null(out, "answered_by", NULL, NULL);
	out_print_str(out, "verdict", NULL, verdict);
	out_print_str(out, "musl", NULL, musl);
	out_close_object(out);
}

/* The walk of lk's name: glibc's (--explain) or dig's own (+search). */
static void walk_prepare(struct walk *w, const struct dig_lookup *lk, bool as_dig)
{
	size_t len = strlen(lk->name);

	memset(w, 0, sizeof(*w));
	resolv_conf_load(&w->conf, resolve_conf_path());
	w->ndots = lk->opts.ndots >= 0 ? lk->opts.ndots : w->conf.ndots;
	w->absolute = len > 0 && lk->name[len - 1] == '.';
	w->dots = count_dots(lk->name) - (w->absolute ? 1 : 0);
	if (as_dig)
		plan_dig_walk(w, lk->name);
	else
		plan_walk(w, lk->name);
}

/* +search on a transfer: the first name dig's walk asks for. */
void dig_search_name(const struct dig_lookup *lk, char *name, size_t size)
{
	struct walk w;

	walk_prepare(&w, lk, true);
	snprintf(name, size, "%s", w.c[0].name);
}

int dig_search_query(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		     char *name, size_t size, struct dig_reply *reply)
{
	struct walk w;
	size_t i;
	int rc = DIG_EXIT_NO_REPLY;

	walk_prepare(&w, lk, true);
	for (i = 0; i < w.count; i++) {
		snprintf(name, size, "%s", w.c[i].name);
		rc = dig_query(run, lk, name, servers, true, reply);
		/* Only an NXDOMAIN goes on to the next name (bind's recv_done()). */
		if (rc || i + 1 == w.count || reply->parse_rc != 0 || reply->msg.rcode != DNS_RCODE_NXDOMAIN) {
			if (!rc)
				dig_walk_stats(&w.c[i], reply);
			return rc;
		}
		dig_reply_free(reply);
	}
	return rc;
}

/* The walk waits as the libc would: resolv.conf's timeout and attempts
 * (glibc waits at least a second, and tries at least once), unless +timeout
 * or +tries say otherwise.  The walk's line then shows what was used. */
static void libc_lookup(const struct dig_lookup *lk, struct walk *w, struct dig_lookup *libc_lk)
{
	*libc_lk = *lk;
	if (!lk->opts.timeout_set)
		libc_lk->opts.timeout_s = w->conf.timeout_s > 0 ? w->conf.timeout_s : 1;
	if (!lk->opts.tries_set)
		libc_lk->opts.tries = w->conf.attempts > 0 ? w->conf.attempts : 1;
	w->conf.timeout_s = libc_lk->opts.timeout_s;
	w->conf.attempts = libc_lk->opts.tries;
}

int dig_explain(struct dig_run *run, const struct dig_lookup *lk)
{
	struct dig_servers servers;
	struct walk w;
	char verdict[DNS_NAME_TEXT + 256], musl[DNS_NAME_TEXT + 256];
	struct dig_lookup libc_lk;
	int rc;

	rc = dig_servers_for(run, lk, &servers);
	if (rc)
		return rc;
	walk_prepare(&w, lk, false);
	libc_lookup(lk, &w, &libc_lk);
	run_walk(run, &libc_lk, &servers, &w);
	make_verdict(&w, verdict, sizeof(verdict));
	musl_note(&w, musl, sizeof(musl));
	if (out_is_json(run->ctx->out))
		print_walk_json(run->ctx->out, lk, &w, verdict, musl);
	else
		print_walk_text(lk, &w, verdict, musl);
	fflush(stdout);
	return w.c[0].replied ? DIG_EXIT_OK : DIG_EXIT_NO_REPLY;
}
