/* sonde dig: shared between the command line (dig.c), its pieces (the
 * arguments in dig_args.c, the search-list explainer in dig_explain.c,
 * +trace in dig_trace.c, zone transfers in dig_xfr.c), the output
 * (dig_out.c) and what they share (dig_common.c over dig_exchange.c). */
#ifndef SONDE_DIG_IMPL_H
#define SONDE_DIG_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/dns.h"

/* bind9 dig's exit codes. */
enum dig_exit {
	DIG_EXIT_OK = 0,        /* a reply came, whatever its rcode */
	DIG_EXIT_USAGE = 1,
	DIG_EXIT_BATCH_FILE = 8,  /* the -f file cannot be opened */
	DIG_EXIT_NO_REPLY = 9,
	DIG_EXIT_INTERNAL = 10,
};

/* The +options.  Those before the first name are the defaults every lookup
 * starts from; those after a name change that lookup only. */
struct dig_opts {
	bool short_form, tcp, recurse, dnssec, nsid, search, trace, ignore_tc, adflag, cdflag;
	bool edns, explain;
	bool show_question, show_answer, show_authority, show_additional, comments, stats, cmd;
	int edns_version, bufsize, timeout_s, tries, ndots;
	int split;                   /* +split's width, 0 +nosplit, -1 unset (dig's default) */
	bool cookie;                 /* send a COOKIE (dig's default) */
	bool tcp_set;                /* +[no]tcp given: ANY and IXFR=N leave tcp as it is */
	bool timeout_set, tries_set; /* +timeout, +tries/+retry given: --explain keeps them */
	uint8_t cookie_len;          /* +cookie=HEX: these bytes; 0: the run's client cookie */
	uint8_t cookie_bytes[DNS_COOKIE_MAX];
	bool qr;                     /* +qr: print each query as sent */
	bool multiline;              /* +multiline: long records over lines, in parentheses */
	int rrcomments;              /* +rrcomments 1, +norrcomments (or +short) -1, else 0 */
	bool onesoa;                 /* +onesoa: an AXFR shows one SOA */
	uint8_t ecs_len;             /* +subnet: the client subnet option's data; 0: none */
	uint8_t ecs[DNS_ECS_MAX];
};

#define DIG_MAX_SERVERS 8
#define DIG_MAX_AT 4

struct dig_lookup {
	char name[DNS_NAME_TEXT];    /* as typed (or the reverse name of -x) */
	uint16_t qtype, qclass;
	bool type_set, class_set;
	/* @server words as typed, in order (dig appends each to the lookup's
	 * list); none: resolv.conf's servers. */
	const char *server_names[DIG_MAX_AT];
	size_t server_name_count;
	struct dig_opts opts;
	/* "; <<>> ... <<>> WORDS" printed before this lookup's output: the
	 * words of the command line or batch line it came from (first lookup
	 * of each only), or NULL. */
	const char *greeting;
	bool greeting_first;         /* the run's first: with server count and options */
	bool greeting_short;         /* its options say +short (given before the first name) */
	bool ixfr_serial_set;        /* IXFR=N */
	uint32_t ixfr_serial;
};

/* dig's globals: +short and +[no]cmd anywhere on a line hold for all of it. */
struct dig_globals {
	bool short_form, cmd;
	bool plusquest, pluscomm;    /* the last +[no]question, +[no]comments: a transfer's defaults */
	bool greeted;                /* the first greeting is made */
	bool in_batch;               /* reading -f lines now */
	int split;                   /* +split: the last one given */
	bool split_given;
	FILE *notes;                 /* dig's notes on stdout; stderr under --json (stdout is the document) */
};

struct dig_lookup_list {
	struct dig_lookup *items;
	size_t count, cap;
	char **strings;              /* greetings and batch lines the lookups point into */
	size_t string_count;
};

struct dig_config {
	/* -p, -t, -c, -x are read again in order with the names (dig_args.c). */
	const char *port_text, *type_text, *class_text, *reverse_text, *batch_file, *root_hints;
	bool ipv4_only, ipv6_only, explain;
	bool json;                   /* --json (set by main, from the driver) */
};

/* The servers a lookup goes to, with the name shown in ";; SERVER:". */
struct dig_servers {
	struct sonde_addr addrs[DIG_MAX_SERVERS];
	size_t count;
	char shown_name[DNS_NAME_TEXT];  /* the first @name as typed; empty: the address itself */
	const char *shown_for[DIG_MAX_SERVERS]; /* each address's @name, or NULL */
	bool given;                      /* from @server (dig then says "N servers found") */
	size_t found_last;               /* addresses of the last @name (dig's count) */
};

/* How the COOKIE in a reply compares with the one sent (dig's "(good)"). */
enum dig_cookie_state { DIG_COOKIE_NONE, DIG_COOKIE_OK, DIG_COOKIE_BAD };

/* One exchange's outcome. */
struct dig_reply {
	int status;                  /* 0: wire holds a reply; else -errno (-EPIPE: end of file,
				      * -EPROTO: a reply dig refuses, reported already) */
	unsigned char *wire;
	size_t len;
	struct dns_msg msg;
	int parse_rc;                /* dns_parse's result */
	bool tcp;                    /* the reply came over TCP */
	bool setup_failed;           /* status is the UDP or TCP connect's (nothing was sent) */
	bool no_servers_said;        /* ";; no servers could be reached" is printed already */
	bool retried_tcp;            /* UDP was truncated, then TCP */
	bool stats_none, stats_twice; /* +search: dig prints the stats not at all, or twice */
	double rtt_ms;
	struct sonde_addr server;    /* who answered (or was tried last) */
	enum dig_cookie_state cookie;
	/* A zone transfer's message: no stats until the last, which says
	 * ";; XFR size" instead of ";; MSG SIZE". */
	bool xfr, xfr_more;
	unsigned xfr_records, xfr_messages;
	unsigned long long xfr_bytes;
};

struct dig_run {
	const struct dig_config *config;
	struct sonde_ctx *ctx;
	uint16_t port;
	const struct dig_lookup *greeted; /* whose greeting is printed already */
	uint8_t client_cookie[8];    /* one per run, as dig */
	bool json_open;              /* the JSON array of replies is open */
};

/* dig_args.c: the lookups of the command line (the words after "dig", as
 * typed) and of the -f batch, in dig's order.  0 or a dig exit code after
 * a message. */
int dig_parse_args(const struct dig_config *config, int argc, char **argv, struct dig_lookup *defaults,
		   struct dig_lookup_list *list);
void dig_lookup_list_free(struct dig_lookup_list *list);
void dig_opts_init(struct dig_opts *o);

/* dig_common.c: the servers of lk (its @server, or resolv.conf's). 0 or a
 * dig exit code. */
int dig_servers_for(struct dig_run *run, const struct dig_lookup *lk, struct dig_servers *servers);
/* Sends the query for qname to servers, tries and TCP fallback as
 * lk->opts say.  Communication errors are reported on stdout as dig does
 * when report is set.  Returns 0 with a reply, or DIG_EXIT_NO_REPLY. */
int dig_query(struct dig_run *run, const struct dig_lookup *lk, const char *qname,
	      const struct dig_servers *servers, bool report, struct dig_reply *reply);
void dig_reply_free(struct dig_reply *reply);
/* "'a..b' is not a legal name (empty label)" as dig says it; returns 10. */
int dig_name_error(const char *name);
/* The query lk asks for qname (with its cookie, IXFR's SOA); its length or -errno. */
int dig_build_query(const struct dig_run *run, const struct dig_lookup *lk, const char *qname, unsigned char *buf,
		    size_t size);
/* Judges the reply's COOKIE against the one sent (dig's warnings when report). */
void dig_check_cookie(const struct dig_run *run, const struct dig_lookup *lk, bool report, struct dig_reply *reply);
/* ";; communications error to ...", or when the connect failed ";; UDP
 * setup with ... failed" / ";; Connection to ... failed". */
void dig_report_comm_error(struct dig_run *run, const char *qname, const struct dig_reply *reply,
			   const struct dig_servers *servers);
/* After a failed connect bind's dig gives up this try of the lookup with
 * ";; no servers could be reached" when it tries again (tries left) or has
 * no other server (last_server); the next server takes over silently.
 * Returns whether it was said. */
bool dig_setup_failure_ends_try(struct dig_run *run, bool tries_left, bool last_server);
static inline bool dig_is_xfr_type(uint16_t qtype)
{
	return qtype == DNS_TYPE_AXFR || qtype == DNS_TYPE_IXFR;
}
/* dig_exchange.c, under dig_common.c: one try of query to server with dig's
 * checks of the reply (its warnings when report).  0 with reply->wire, or -errno. */
int dig_exchange(const struct dig_run *run, bool report, const uint8_t *query, size_t len,
		 const struct sonde_addr *server, bool tcp, int timeout_ms, struct dig_reply *reply);
/* dig_xfr.c: AXFR or IXFR over TCP, every message printed.  A dig exit code. */
int dig_xfr(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers, const char *qname);

/* dig_out.c (under dig_common.c) */
/* The name dig shows for a server: the @name it came from, else its address. */
const char *dig_server_shown(const struct dig_servers *servers, const struct sonde_addr *addr, char *buf,
			     size_t size);
void dig_print_banner(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers);
void dig_print_reply(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		     const struct dig_reply *reply);
/* ";; no servers could be reached" after the banner (text: nothing when
 * said_already), or the JSON object of a lookup without a reply. */
/* +qr: the query about to be sent, as dig prints it (";; Sending:" ...
 * ";; QUERY SIZE: N"). */
void dig_print_query(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		     const uint8_t *query, size_t len);
void dig_print_no_reply(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
			bool said_already);
/* A reply that did not parse: ";; Got bad packet: WHY" and dig's hex dump. */
void dig_print_bad_packet(const struct dig_reply *reply);
/* How a record's data is laid out (dig's printmessage(), or say_message()
 * for +short and +trace's short lines): +split's width (unset: 56, 44
 * under +multiline), +multiline but not on short lines, +rrcomments (on
 * with +multiline unless +norrcomments). */
void dig_rdata_style(const struct dig_opts *o, bool short_line, struct dns_rdata_style *style);
/* One record line as dig prints it (or its rdata alone with +short). */
void dig_print_rr(struct sonde_out *out, const struct dns_msg *msg, const struct dns_rr *rr,
		  const struct dig_opts *opts, bool question);
/* The JSON object of one reply (without the surrounding object). */
void dig_json_reply(struct sonde_out *out, const struct dig_lookup *lk, const struct dig_servers *servers,
		    const struct dig_reply *reply);

/* dig_explain.c: the search-list walk of lk. Returns a dig exit code. */
int dig_explain(struct dig_run *run, const struct dig_lookup *lk);
/* +search as bind 9.18's dig walks resolv.conf's search list: each name
 * asked in turn (name holds the last) while the reply is NXDOMAIN; a NODATA
 * or SERVFAIL answer ends the walk.  Returns dig_query's result and reply. */
int dig_search_query(struct dig_run *run, const struct dig_lookup *lk, const struct dig_servers *servers,
		     char *name, size_t size, struct dig_reply *reply);
/* +search on a transfer: the first name of that walk. */
void dig_search_name(const struct dig_lookup *lk, char *name, size_t size);
/* dig_trace.c: iterative resolution from the root hints. */
int dig_trace(struct dig_run *run, const struct dig_lookup *lk);

#endif
