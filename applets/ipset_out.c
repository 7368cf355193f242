/* ipset --json: the decoded sets as one document.  Members keep ipset's
 * own text for the element ("10.96.0.1,tcp:443") beside the extensions as
 * numbers, so a script can match either. */
#include <linux/netfilter/ipset/ip_set.h>
#include <stdlib.h>

#include "ipset_impl.h"
#include "sonde/strbuf.h"

static void print_member(struct sonde_out *out, const struct ipset_set *s, const struct ipset_member *m)
{
	struct strbuf text = { 0 };

	out_open_object(out, NULL);
	ipset_member_key_format(&text, s, m);
	out_print_str(out, "element", NULL, text.data ? text.data : "");
	if (m->has_timeout)
		out_print_uint(out, "timeout_s", NULL, m->timeout_s);
	if (m->nomatch)
		out_print_bool(out, "nomatch", NULL, true);
	if (m->has_counters) {
		out_print_uint(out, "packets", NULL, m->packets);
		out_print_uint(out, "bytes", NULL, m->bytes);
	}
	if (m->comment)
		out_print_str(out, "comment", NULL, m->comment);
	if (m->has_skbmark) {
		out_print_uint(out, "skbmark", NULL, m->skbmark);
		out_print_uint(out, "skbmark_mask", NULL, m->skbmark_mask);
	}
	if (m->has_skbprio)
		out_print_uint(out, "skbprio", NULL, m->skbprio);
	if (m->has_skbqueue)
		out_print_uint(out, "skbqueue", NULL, m->skbqueue);
	strbuf_reset(&text);
	ipset_member_format(&text, s, m);
	out_print_str(out, "text", NULL, text.data ? text.data : "");
	out_close_object(out);
	strbuf_free(&text);
}

static void print_set(struct sonde_out *out, const struct ipset_set *s, bool terse)
{
	struct strbuf header = { 0 };
	size_t i;

	out_open_object(out, NULL);
	out_print_str(out, "name", NULL, s->name);
	out_print_str(out, "type", NULL, s->type);
	out_print_uint(out, "revision", NULL, s->revision);
	ipset_header_format(&header, s);
	out_print_str(out, "header", NULL, header.data ? header.data : "");
	strbuf_free(&header);
	if (s->has_timeout)
		out_print_uint(out, "timeout_s", NULL, s->timeout_s);
	else
		out_print_null(out, "timeout_s", NULL, NULL);
	out_print_bool(out, "forceadd", NULL, s->cadt_flags & IPSET_FLAG_WITH_FORCEADD);
	out_print_uint(out, "size_in_memory", NULL, s->memsize);
	out_print_uint(out, "references", NULL, s->references);
	out_print_uint(out, "entries", NULL, s->has_elements ? s->elements : s->member_count);
	if (!terse) {
		out_open_array(out, "members");
		for (i = 0; i < s->member_count; i++)
			print_member(out, s, &s->members[i]);
		out_close_array(out);
	}
	out_close_object(out);
}

void ipset_print_json(struct sonde_out *out, const struct ipset_list *list, bool names_only, bool terse)
{
	size_t i;

	out_open_object(out, NULL);
	out_open_array(out, "sets");
	for (i = 0; i < list->set_count; i++) {
		if (names_only) {
			out_open_object(out, NULL);
			out_print_str(out, "name", NULL, list->sets[i].name);
			out_close_object(out);
		} else {
			print_set(out, &list->sets[i], terse);
		}
	}
	out_close_array(out);
	out_close_object(out);
}
