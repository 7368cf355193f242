/* sonde dig's output: the text layout of bind9's dig, line for line, and
 * the same reply as JSON with typed record fields. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dig_impl.h"
#include "sonde/bytes.h"

static const char *const section_titles[DNS_SECTION_COUNT] = { "QUESTION", "ANSWER", "AUTHORITY", "ADDITIONAL" };
static const char *const section_keys[DNS_SECTION_COUNT] = { "question", "answer", "authority", "additional" };

static const char *const opcode_names[16] = {
	"QUERY", "IQUERY", "STATUS", "RESERVED3", "NOTIFY", "UPDATE", "RESERVED6", "RESERVED7",
	"RESERVED8", "RESERVED9", "RESERVED10", "RESERVED11", "RESERVED12", "RESERVED13",
	"RESERVED14", "RESERVED15",
};

struct flag_name {
	uint16_t bit;
	const char *name;
};

static const struct flag_name header_flags[] = {
	{ DNS_FLAG_QR, "qr" }, { DNS_FLAG_AA, "aa" }, { DNS_FLAG_TC, "tc" }, { DNS_FLAG_RD, "rd" },
	{ DNS_FLAG_RA, "ra" }, { DNS_FLAG_AD, "ad" }, { DNS_FLAG_CD, "cd" },
};
#define HEADER_FLAG_COUNT (sizeof(header_flags) / sizeof(header_flags[0]))

/* The greeting of a command line or batch line, before its first lookup's
 * output: "; <<>> sonde dig VERSION <<>> WORDS" as dig prints it. */
void dig_print_banner(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers)
{
	if (!lk->greeting || run->greeted == lk || out_is_json(run->ctx->out))
		return;
	run->greeted = lk;
	printf("%s; <<>> sonde dig %s <<>>%s\n", lk->greeting_first ? "\n" : "", SONDE_VERSION, lk->greeting);
	if (!lk->greeting_first)
		return;
	if (servers && servers->given)
		printf("; (%zu server%s found)\n", servers->found_last, servers->found_last == 1 ? "" : "s");
	printf(";; global options:%s +cmd\n", lk->greeting_short ? " +short" : "");
}

/* The name dig shows for a server: the @name it came from, else its address. */
const char *dig_server_shown(const struct dig_servers *servers, const struct sonde_addr *addr, char *buf,
			     size_t size)
{
	size_t i;

	for (i = 0; servers && i < servers->count; i++)
		if (servers->shown_for[i] && addr_equal(&servers->addrs[i], addr))
			return servers->shown_for[i];
	if (servers && servers->shown_name[0] && !servers->given)
		return servers->shown_name;
	return addr_ntop(addr, buf, size);
}

/* --- text ----------------------------------------------------------------- */

void dig_rdata_style(const struct dig_opts *o, bool short_line, struct dns_rdata_style *style)
{
	style->multiline = o->multiline && !short_line;
	style->comments = o->rrcomments > 0 || (style->multiline && o->rrcomments == 0);
	if (o->split >= 0)
		style->split_width = (unsigned)o->split;
	else
		style->split_width = style->multiline ? 44 : 56;
}

void dig_print_rr(struct sonde_out *out, const struct dns_msg *msg, const struct dns_rr *rr,
		  const struct dig_opts *opts, bool question)
{
	char owner[DNS_NAME_TEXT];
	struct dns_rdata rdata = { 0 };
	struct dns_rdata_style style;
	struct strbuf line = { 0 };
	const char *text;

	if (dns_read_name(msg->wire, msg->len, rr->name_offset, owner, sizeof(owner)) < 0)
		snprintf(owner, sizeof(owner), "?");
	dig_rdata_style(opts, opts->short_form, &style);
	if (!question)
		dns_rdata_present_styled(msg, rr, &style, &rdata);
	text = rdata.text.data ? rdata.text.data : "";
	if (opts->short_form)
		strbuf_printf(&line, "%s", text);
	else if (style.multiline)
		dns_format_rr_line_multiline(&line, owner, rr->ttl, rr->rclass, rr->type, text, question);
	else
		dns_format_rr_line(&line, owner, rr->ttl, rr->rclass, rr->type, text, question);
	out_text(out, "%s\n", line.data ? line.data : "");
	strbuf_free(&line);
	dns_rdata_free(&rdata);
}

/* Option data as dig shows what it has no form for: each byte in hex and a
 * space, then the printable ones in ("..."), '.' for the others. */
static void print_option_bytes(const struct dns_edns_opt *o)
{
	size_t i;

	for (i = 0; i < o->len; i++)
		printf("%02x ", o->data[i]);
	printf("(\"");
	for (i = 0; i < o->len; i++)
		putchar(isprint(o->data[i]) ? o->data[i] : '.');
	printf("\")");
}

/* An Extended DNS Error: the info code with bind 9.18's name for it, then
 * its text, shown as is when it is UTF-8, else in hex as well. */
static void print_ede(const struct dns_edns_opt *o)
{
	uint16_t info;
	size_t i, text_len;
	const uint8_t *text;
	bool utf8;

	if (o->len == 1) {
		printf(" %02x (\"%c\")\n", o->data[0], isprint(o->data[0]) ? o->data[0] : '.');
		return;
	}
	info = (uint16_t)(o->data[0] << 8 | o->data[1]);
	printf(" %u", info);
	/* Debian 12's dig names the codes to 24 ("Invalid Data"). */
	if (info <= 24)
		printf(" (%s)", dns_ede_name(info));
	text = o->data + 2;
	text_len = o->len - 2;
	if (!text_len) {
		printf("\n");
		return;
	}
	utf8 = dns_utf8_valid(text, text_len);
	printf(": ");
	for (i = 0; !utf8 && i < text_len; i++)
		printf("%02x ", text[i]);
	putchar('(');
	for (i = 0; i < text_len; i++)
		putchar(isprint(text[i]) || (utf8 && text[i] > 127) ? text[i] : '.');
	printf(")\n");
}

/* The options bind gives a form of their own when their length fits it;
 * false: the caller shows the bytes. */
static bool print_option_form(const struct dns_edns_opt *o, enum dig_cookie_state cookie)
{
	const uint8_t *d = o->data;
	char subnet[INET6_ADDRSTRLEN + 16], ttl[64];
	size_t i;

	switch (o->code) {
	case DNS_EDNS_LLQ:
		if (o->len != 18)
			return false;
		printf(" Version: %u, Opcode: %u, Error: %u, Identifier: %llu, Lifetime: %u\n", get16(d), get16(d + 2),
		       get16(d + 4), (unsigned long long)get32(d + 6) << 32 | get32(d + 10), get32(d + 14));
		return true;
	case DNS_EDNS_ECS:
		if (dns_ecs_format(d, o->len, subnet, sizeof(subnet)) != 0)
			return false;
		printf(" %s\n", subnet);
		return true;
	case DNS_EDNS_EXPIRE:
		if (o->len != 4)
			return false;
		dns_ttl_text_long(get32(d), ttl, sizeof(ttl));
		printf(" %u (%s)\n", get32(d), ttl);
		return true;
	case DNS_EDNS_KEEPALIVE:
		if (o->len != 2)
			return false;
		printf(" %u.%u secs\n", get16(d) / 10, get16(d) % 10);
		return true;
	case DNS_EDNS_PADDING:
		if (o->len)
			printf(" (%u bytes)", o->len);
		printf("\n");
		return true;
	case DNS_EDNS_KEY_TAG:
		if (!o->len || o->len % 2)
			return false;
		for (i = 0; i < o->len; i += 2)
			printf("%s %u", i ? "," : "", get16(d + i));
		printf("\n");
		return true;
	case DNS_EDNS_EDE:
		if (!o->len)
			return false;
		print_ede(o);
		return true;
	case DNS_EDNS_CLIENT_TAG: case DNS_EDNS_SERVER_TAG:
		if (o->len != 2)
			return false;
		printf(" %u\n", get16(d));
		return true;
	case DNS_EDNS_COOKIE:
		if (!o->len)
			return false;
		printf(" ");
		for (i = 0; i < o->len; i++)
			printf("%02x", d[i]);
		/* "good": our client cookie came back with a server cookie. */
		if (cookie == DIG_COOKIE_OK)
			printf(o->len >= 16 ? " (good)" : " (echoed)");
		else if (cookie == DIG_COOKIE_BAD)
			printf(" (bad)");
		printf("\n");
		return true;
	default:
		return false;
	}
}

/* One option as bind 9.18's dns_message_pseudosectiontotext() shows it. */
static void print_edns_option(const struct dns_edns_opt *o, enum dig_cookie_state cookie)
{
	static const char *const titles[] = {
		[DNS_EDNS_LLQ] = "LLQ", [DNS_EDNS_NSID] = "NSID", [DNS_EDNS_ECS] = "CLIENT-SUBNET",
		[DNS_EDNS_EXPIRE] = "EXPIRE", [DNS_EDNS_COOKIE] = "COOKIE", [DNS_EDNS_KEEPALIVE] = "TCP KEEPALIVE",
		[DNS_EDNS_PADDING] = "PAD", [DNS_EDNS_KEY_TAG] = "KEY-TAG", [DNS_EDNS_EDE] = "EDE",
		[DNS_EDNS_CLIENT_TAG] = "CLIENT-TAG", [DNS_EDNS_SERVER_TAG] = "SERVER-TAG",
	};
	const char *title = o->code < sizeof(titles) / sizeof(titles[0]) ? titles[o->code] : NULL;

	if (title)
		printf("; %s:", title);
	else
		printf("; OPT=%u:", o->code);
	if (title && print_option_form(o, cookie))
		return;
	if (o->len) {
		printf(" ");
		if (o->code == DNS_EDNS_ECS) {
			size_t i;

			for (i = 0; i < o->len; i++)
				printf("%02x ", o->data[i]);
		} else {
			print_option_bytes(o);
		}
	}
	printf("\n");
}

static void print_opt_pseudosection(const struct dns_msg *msg, enum dig_cookie_state cookie)
{
	struct dns_edns_opt opt;
	size_t pos = 0;
	/* The flags but DO (0x8000) and CO (0x4000), which have names. */
	unsigned mbz = msg->edns.flags & 0x3fff;

	if (!msg->edns.present)
		return;
	printf(";; OPT PSEUDOSECTION:\n");
	printf("; EDNS: version: %u, flags:%s%s", msg->edns.version, (msg->edns.flags & 0x8000) ? " do" : "",
	       (msg->edns.flags & 0x4000) ? " co" : "");
	if (mbz)
		printf("; MBZ: 0x%04x, udp: %u\n", mbz, msg->edns.udp_size);
	else
		printf("; udp: %u\n", msg->edns.udp_size);
	while (dns_edns_next_option(msg, &pos, &opt))
		print_edns_option(&opt, cookie);
}

static bool name_is_under_local(const struct dns_msg *msg)
{
	size_t count;
	const struct dns_rr *q = dns_section_rrs(msg, DNS_SECTION_QUESTION, &count);
	char name[DNS_NAME_TEXT];
	size_t len;

	if (!count || dns_read_name(msg->wire, msg->len, q->name_offset, name, sizeof(name)) < 0)
		return false;
	len = strlen(name);
	return strcasecmp(name, "local.") == 0 || (len > 7 && strcasecmp(name + len - 7, ".local.") == 0);
}

/* The header lines a query and a reply share. */
static void print_header_lines(const struct dns_msg *msg)
{
	char rcode_buf[16];
	size_t i;

	if (name_is_under_local(msg))
		printf(";; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what "
		       "happens when an mDNS query is leaked to DNS\n");
	printf(";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n", opcode_names[msg->opcode & 15],
	       dns_rcode_name(msg->rcode, rcode_buf, sizeof(rcode_buf)), msg->id);
	printf(";; flags:");
	for (i = 0; i < HEADER_FLAG_COUNT; i++)
		if (msg->flags & header_flags[i].bit)
			printf(" %s", header_flags[i].name);
	if (msg->flags & DNS_FLAG_Z)
		printf("; MBZ: 0x4");
	printf("; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n", msg->counts[0], msg->counts[1],
	       msg->counts[2], msg->counts[3]);
}

static void print_header(const struct dig_lookup *lk, const struct dig_reply *reply)
{
	const struct dns_msg *msg = &reply->msg;
	char rcode_buf[16];
	size_t extra;

	printf(";; Got answer:\n");
	print_header_lines(msg);
	if ((msg->flags & DNS_FLAG_RD) && !(msg->flags & DNS_FLAG_RA))
		printf(";; WARNING: recursion requested but not available\n");
	if (lk->opts.edns && !msg->edns.present &&
	    (msg->rcode == DNS_RCODE_FORMERR || msg->rcode == DNS_RCODE_NOTIMP))
		printf("\n;; WARNING: EDNS query returned status %s - retry with '%s+noedns'\n",
		       dns_rcode_name(msg->rcode, rcode_buf, sizeof(rcode_buf)), lk->opts.dnssec ? "+nodnssec " : "");
	extra = reply->parse_rc == 0 && reply->len > msg->parsed_len ? reply->len - msg->parsed_len : 0;
	/* "bytes" even for one: bind tests the count against 0 for the "s". */
	if (extra)
		printf(";; WARNING: Message has %zu extra bytes at end\n", extra);
}

/* +onesoa on an AXFR (dig's ONESOA/OMITSOA message flags): the first
 * message's answer shows its first SOA only, later messages none. */
enum soa_filter { SOA_ALL, SOA_FIRST_ONLY, SOA_NONE };

static enum soa_filter answer_soa_filter(const struct dig_lookup *lk, unsigned xfr_message)
{
	if (!lk->opts.onesoa || lk->qtype != DNS_TYPE_AXFR)
		return SOA_ALL;
	return xfr_message > 1 ? SOA_NONE : SOA_FIRST_ONLY;
}

static void print_section(struct dig_run *run, const struct dig_lookup *lk, const struct dns_msg *msg,
			  enum dns_section section, unsigned xfr_message)
{
	size_t count, i;
	const struct dns_rr *rrs = dns_section_rrs(msg, section, &count);
	enum soa_filter soa = section == DNS_SECTION_ANSWER ? answer_soa_filter(lk, xfr_message) : SOA_ALL;
	bool soa_seen = false;

	if (!count && !(section == DNS_SECTION_QUESTION && msg->bare_question_name))
		return;
	if (lk->opts.comments && !lk->opts.short_form)
		printf(";; %s SECTION:\n", section_titles[section]);
	for (i = 0; i < count; i++) {
		if (rrs[i].type == DNS_TYPE_SOA && (soa == SOA_NONE || (soa == SOA_FIRST_ONLY && soa_seen)))
			continue;
		soa_seen |= rrs[i].type == DNS_TYPE_SOA;
		dig_print_rr(run->ctx->out, msg, &rrs[i], &lk->opts, section == DNS_SECTION_QUESTION);
	}
	if (lk->opts.comments && !lk->opts.short_form)
		printf("\n");
}

static void print_stats(const struct dig_servers *servers, const struct dig_reply *reply)
{
	char host[ADDR_STRLEN], when[64];
	time_t now = time(NULL);
	struct tm tm;

	printf(";; Query time: %lld msec\n", (long long)reply->rtt_ms);
	printf(";; SERVER: %s#%u(%s) (%s)\n", addr_ntop(&reply->server, host, sizeof(host)),
	       addr_port(&reply->server), dig_server_shown(servers, &reply->server, host, sizeof(host)),
	       reply->tcp ? "TCP" : "UDP");
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Z %Y", &tm);
	printf(";; WHEN: %s\n", when);
	if (reply->xfr)
		printf(";; XFR size: %u records (messages %u, bytes %llu)\n\n", reply->xfr_records,
		       reply->xfr_messages, reply->xfr_bytes);
	else
		printf(";; MSG SIZE  rcvd: %zu\n\n", reply->len);
}

/* The ASCII column of dig's hex dump: '!' to '}' as they are, others '.'. */
static void print_dump_ascii(const unsigned char *bytes, size_t count)
{
	size_t i;

	printf("         ");
	for (i = 0; i < count; i++)
		putchar(bytes[i] >= '!' && bytes[i] <= '}' ? bytes[i] : '.');
	printf("\n");
}

/* A reply that did not parse: why (bind's words) and dig's hex dump. */
void dig_print_bad_packet(const struct dig_reply *reply)
{
	size_t i, tail = reply->len % 16;

	printf(";; Got bad packet: %s\n%zu bytes\n", reply->msg.fault ? reply->msg.fault : DNS_FAULT_END, reply->len);
	for (i = 0; i < reply->len; i++) {
		printf("%02x ", reply->wire[i]);
		if (i % 16 == 15)
			print_dump_ascii(reply->wire + i - 15, 16);
	}
	if (tail) {
		for (i = tail; i < 16; i++)
			printf("   ");
		print_dump_ascii(reply->wire + reply->len - tail, tail);
	}
}

/* xfr_message: which message of a transfer msg is (1 the first), 0 none. */
static void print_sections(struct dig_run *run, const struct dig_lookup *lk, const struct dns_msg *msg,
			   unsigned xfr_message)
{
	const struct dig_opts *o = &lk->opts;
	int s;

	for (s = 0; s < DNS_SECTION_COUNT; s++) {
		bool shown[DNS_SECTION_COUNT] = { o->show_question, o->show_answer, o->show_authority,
						  o->show_additional };

		if (!shown[s] || (o->short_form && s != DNS_SECTION_ANSWER))
			continue;
		print_section(run, lk, msg, (enum dns_section)s, xfr_message);
	}
}

void dig_print_query(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		     const uint8_t *query, size_t len)
{
	const struct dig_opts *o = &lk->opts;
	struct dns_msg msg;

	/* The JSON document holds replies only.  Under +short dig prints the
	 * query's answer section (empty) and, when the lookup keeps its
	 * stats (a +short given on an earlier batch line), its size. */
	if (out_is_json(run->ctx->out))
		return;
	if (o->short_form) {
		if (o->stats)
			printf(";; QUERY SIZE: %zu\n\n", len);
		return;
	}
	if (dns_parse(query, len, &msg) == 0) {
		if (o->cmd)
			dig_print_banner(run, lk, servers);
		if (o->comments) {
			printf(";; Sending:\n");
			print_header_lines(&msg);
			printf("\n");
			print_opt_pseudosection(&msg, DIG_COOKIE_NONE);
		}
		print_sections(run, lk, &msg, 0);
		if (o->stats)
			printf(";; QUERY SIZE: %zu\n\n", len);
		fflush(stdout);
	}
	dns_msg_free(&msg);
}

void dig_print_reply(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		     const struct dig_reply *reply)
{
	const struct dig_opts *o = &lk->opts;

	if (out_is_json(run->ctx->out)) {
		out_open_object(run->ctx->out, NULL);
		dig_json_reply(run->ctx->out, lk, servers, reply);
		out_close_object(run->ctx->out);
		return;
	}
	/* dig reports a bad packet before, and instead of, the lookup's output. */
	if (reply->parse_rc != 0) {
		dig_print_bad_packet(reply);
		return;
	}
	if (o->cmd && !o->short_form)
		dig_print_banner(run, lk, servers);
	if (o->comments && !o->short_form) {
		print_header(lk, reply);
		printf("\n");
		print_opt_pseudosection(&reply->msg, reply->cookie);
	}
	print_sections(run, lk, &reply->msg, reply->xfr ? reply->xfr_messages : 0);
	if (o->stats && !o->short_form && !reply->xfr_more && !reply->stats_none)
		print_stats(servers, reply);
	if (o->stats && !o->short_form && reply->stats_twice)
		print_stats(servers, reply);
	fflush(stdout);
}

void dig_print_no_reply(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
			bool said_already)
{
	if (out_is_json(run->ctx->out)) {
		struct dig_reply none;

		memset(&none, 0, sizeof(none));
		none.status = -1;
		out_open_object(run->ctx->out, NULL);
		dig_json_reply(run->ctx->out, lk, servers, &none);
		out_print_str(run->ctx->out, "error", NULL, "no servers could be reached");
		out_close_object(run->ctx->out);
		return;
	}
	/* After failed connects dig said it already, without the banner. */
	if (said_already)
		return;
	dig_print_banner(run, lk, servers);
	printf(";; no servers could be reached\n");
	fflush(stdout);
}

/* --- JSON ------------------------------------------------------------------ */

static void json_rdata_fields(struct sonde_out *out, const struct dns_rdata *rd)
{
	size_t i;

	out_open_object(out, "data");
	for (i = 0; i < rd->field_count; i++) {
		const struct dns_field *f = &rd->fields[i];
		bool first_of_list = f->repeated && (i == 0 || strcmp(rd->fields[i - 1].key, f->key) != 0);
		bool last_of_list = f->repeated &&
				    (i + 1 == rd->field_count || strcmp(rd->fields[i + 1].key, f->key) != 0);

		if (first_of_list)
			out_open_array(out, f->key);
		if (f->kind == DNS_FIELD_UINT)
			out_print_uint(out, f->repeated ? NULL : f->key, NULL, f->number);
		else
			out_print_str(out, f->repeated ? NULL : f->key, NULL, dns_field_text(rd, f));
		if (last_of_list)
			out_close_array(out);
	}
	out_close_object(out);
}

static void json_rr(struct sonde_out *out, const struct dns_msg *msg, const struct dns_rr *rr, bool question,
		    unsigned split)
{
	char owner[DNS_NAME_TEXT], type_buf[16], class_buf[16];

	if (dns_read_name(msg->wire, msg->len, rr->name_offset, owner, sizeof(owner)) < 0)
		owner[0] = '\0';
	out_open_object(out, NULL);
	out_print_str(out, "name", NULL, owner);
	out_print_str(out, "type", NULL, dns_type_name(rr->type, type_buf, sizeof(type_buf)));
	out_print_str(out, "class", NULL, dns_class_name(rr->rclass, class_buf, sizeof(class_buf)));
	if (!question) {
		struct dns_rdata rd = { 0 };

		out_print_uint(out, "ttl", NULL, rr->ttl);
		dns_rdata_present(msg, rr, split, &rd);
		out_print_str(out, "rdata", NULL, rd.text.data ? rd.text.data : "");
		json_rdata_fields(out, &rd);
		dns_rdata_free(&rd);
	}
	out_close_object(out);
}

static void json_edns(struct sonde_out *out, const struct dns_msg *msg)
{
	struct dns_edns_opt opt;
	size_t pos = 0;

	if (!msg->edns.present)
		return;
	out_open_object(out, "edns");
	out_print_uint(out, "version", NULL, msg->edns.version);
	out_print_uint(out, "udp_size", NULL, msg->edns.udp_size);
	out_print_bool(out, "do", NULL, msg->edns.flags & 0x8000);
	out_open_array(out, "options");
	while (dns_edns_next_option(msg, &pos, &opt)) {
		struct strbuf hex = { 0 };
		size_t j;

		for (j = 0; j < opt.len; j++)
			strbuf_printf(&hex, "%02x", opt.data[j]);
		out_open_object(out, NULL);
		out_print_uint(out, "code", NULL, opt.code);
		out_print_str(out, "data", NULL, hex.data ? hex.data : "");
		strbuf_free(&hex);
		if (opt.code == DNS_EDNS_EDE && opt.len >= 2) {
			uint16_t info = get16(opt.data);

			out_print_uint(out, "info_code", NULL, info);
			if (dns_ede_name(info))
				out_print_str(out, "info", NULL, dns_ede_name(info));
		}
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
}

static void json_message(struct sonde_out *out, const struct dig_lookup *lk, const struct dig_reply *reply)
{
	const struct dns_msg *msg = &reply->msg;
	char rcode_buf[16];
	size_t i;
	int s;

	out_open_object(out, "message");
	out_print_uint(out, "id", NULL, msg->id);
	out_print_str(out, "opcode", NULL, opcode_names[msg->opcode & 15]);
	out_print_str(out, "rcode", NULL, dns_rcode_name(msg->rcode, rcode_buf, sizeof(rcode_buf)));
	out_open_array(out, "flags");
	for (i = 0; i < HEADER_FLAG_COUNT; i++)
		if (msg->flags & header_flags[i].bit)
			out_print_str(out, NULL, NULL, header_flags[i].name);
	out_close_array(out);
	out_open_object(out, "counts");
	for (s = 0; s < DNS_SECTION_COUNT; s++)
		out_print_uint(out, section_keys[s], NULL, msg->counts[s]);
	out_close_object(out);
	json_edns(out, msg);
	for (s = 0; s < DNS_SECTION_COUNT; s++) {
		size_t count;
		const struct dns_rr *rrs = dns_section_rrs(msg, (enum dns_section)s, &count);

		out_open_array(out, section_keys[s]);
		for (i = 0; i < count; i++)
			json_rr(out, msg, &rrs[i], s == DNS_SECTION_QUESTION,
				lk->opts.split >= 0 ? (unsigned)lk->opts.split : 56);
		out_close_array(out);
	}
	out_close_object(out);
}

void dig_json_reply(struct sonde_out *out, const struct dig_lookup *lk, const struct dig_servers *servers,
		    const struct dig_reply *reply)
{
	char type_buf[16], class_buf[16], host[ADDR_STRLEN];
	bool replied = reply->status == 0 && reply->wire;

	out_open_object(out, "query");
	out_print_str(out, "name", NULL, lk->name);
	out_print_str(out, "type", NULL, dns_type_name(lk->qtype, type_buf, sizeof(type_buf)));
	out_print_str(out, "class", NULL, dns_class_name(lk->qclass, class_buf, sizeof(class_buf)));
	out_close_object(out);
	out_print_bool(out, "replied", NULL, replied);
	if (!replied) {
		out_open_array(out, "servers");
		for (size_t i = 0; servers && i < servers->count; i++) {
			char text[ADDR_STRLEN];

			out_print_str(out, NULL, NULL, addr_format(&servers->addrs[i], text, sizeof(text)));
		}
		out_close_array(out);
		return;
	}
	out_open_object(out, "server");
	out_print_str(out, "address", NULL, addr_ntop(&reply->server, host, sizeof(host)));
	out_print_uint(out, "port", NULL, addr_port(&reply->server));
	out_print_str(out, "name", NULL, dig_server_shown(servers, &reply->server, host, sizeof(host)));
	out_close_object(out);
	out_print_str(out, "transport", NULL, reply->tcp ? "tcp" : "udp");
	out_print_bool(out, "truncated_retry", NULL, reply->retried_tcp);
	out_print_double(out, "rtt_ms", NULL, reply->rtt_ms);
	out_print_uint(out, "size", NULL, reply->len);
	out_print_bool(out, "malformed", NULL, reply->parse_rc != 0);
	json_message(out, lk, reply);
}
