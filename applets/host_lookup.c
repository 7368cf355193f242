/* host's lookups in bind's order: the names of the search list one after
 * another until one is not NXDOMAIN, then, for the default lookups, AAAA
 * and MX of the name the A answer's CNAME chain ends at (asked alone). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "host_impl.h"
#include "sonde/out.h"

static void say_trying(void *run, const char *shown)
{
	host_print_trying(run, shown);
}

static const struct dns_search_hooks host_search_hooks = {.trying = say_trying};

/* One lookup of typed (through the search list when use_search).  true
 * with *chased set when the default lookups go on from its answer. */
static bool lookup_one(struct host_run *run, const char *typed, uint16_t qtype, bool use_search, char *chased,
		       size_t chased_size)
{
	char name[DNS_NAME_TEXT], shown[DNS_NAME_TEXT], rcode[16];
	struct dns_lookup_reply reply;
	bool go_on = false, ok;

	if (dns_lookup_search(&run->conf, typed, use_search, qtype, &host_search_hooks, run, &reply, name, shown) < 0) {
		snprintf(run->error, sizeof(run->error), "no servers could be reached");
		if (run->ctx->json)
			dns_lookup_json(run->ctx->out, shown, qtype, &run->conf, &reply, false);
		return false;
	}
	ok = host_print_reply(run, typed, shown, qtype, &reply);
	if (!ok)
		snprintf(run->error, sizeof(run->error), "%s not found: %s", shown,
			 reply.parse_rc ? "bad packet" : dns_rcode_name(reply.msg.rcode, rcode, sizeof(rcode)));
	host_print_received(run, &reply);
	if (run->ctx->json)
		dns_lookup_json(run->ctx->out, shown, qtype, &run->conf, &reply, true);
	if (ok && run->default_lookups && qtype == DNS_TYPE_A && reply.parse_rc == 0) {
		dns_answer_chase_cname(&reply.msg, name, chased, chased_size);
		go_on = true;
	}
	dns_lookup_reply_free(&reply);
	return go_on;
}

int host_run_lookups(struct host_run *run, const char *name)
{
	char reverse[DNS_NAME_TEXT], chased[DNS_NAME_TEXT];
	const char *typed = name;
	uint16_t qtype = run->qtype;
	bool use_search = true;
	int exit_code;

	/* An address is looked up in reverse, without the search list (its
	 * name keeps the final dot where host shows the name as typed). */
	if (dns_reverse_name(name, reverse, sizeof(reverse)) == 0) {
		typed = reverse;
		qtype = DNS_TYPE_PTR;
		use_search = false;
		run->default_lookups = false;
	}
	run->seen_error = -1;
	if (run->ctx->json) {
		out_open_object(run->ctx->out, NULL);
		out_open_array(run->ctx->out, "lookups");
	}
	if (lookup_one(run, typed, qtype, use_search, chased, sizeof(chased))) {
		lookup_one(run, chased, DNS_TYPE_AAAA, false, chased, sizeof(chased));
		lookup_one(run, chased, DNS_TYPE_MX, false, chased, sizeof(chased));
	}
	exit_code = run->seen_error == 0 ? 0 : HOST_EXIT_FAILURE;
	if (run->ctx->json) {
		out_close_array(run->ctx->out);
		if (exit_code)
			out_print_error(run->ctx->out, run->error[0] ? run->error : "no reply", exit_code);
		out_close_object(run->ctx->out);
		fputc('\n', run->ctx->out->fp);
	}
	return exit_code;
}
