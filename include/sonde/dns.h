/* The DNS message codec: queries built with EDNS0, responses parsed without
 * trusting them (name compression can neither loop nor run past the
 * message), and every record presented as bind9's dig prints it, both as
 * text and as typed fields for JSON. */
#ifndef SONDE_DNS_H
#define SONDE_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sonde/addr.h"
#include "sonde/strbuf.h"

struct sonde_out;

#define DNS_HEADER_LEN 12
#define DNS_MAX_WIRE_NAME 255
/* A presented name: every byte may become "\DDD", plus the dots. */
#define DNS_NAME_TEXT (DNS_MAX_WIRE_NAME * 4 + 2)
#define DNS_MAX_MESSAGE 65535

enum dns_type {
	DNS_TYPE_A = 1, DNS_TYPE_NS = 2, DNS_TYPE_CNAME = 5, DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12, DNS_TYPE_MX = 15, DNS_TYPE_TXT = 16, DNS_TYPE_AAAA = 28,
	DNS_TYPE_SRV = 33, DNS_TYPE_NAPTR = 35, DNS_TYPE_DNAME = 39, DNS_TYPE_OPT = 41,
	DNS_TYPE_DS = 43, DNS_TYPE_RRSIG = 46, DNS_TYPE_NSEC = 47, DNS_TYPE_DNSKEY = 48,
	DNS_TYPE_NSEC3 = 50, DNS_TYPE_NSEC3PARAM = 51, DNS_TYPE_TLSA = 52,
	DNS_TYPE_SVCB = 64, DNS_TYPE_HTTPS = 65, DNS_TYPE_IXFR = 251, DNS_TYPE_AXFR = 252,
	DNS_TYPE_ANY = 255, DNS_TYPE_CAA = 257,
};

enum dns_opcode { DNS_OPCODE_QUERY = 0, DNS_OPCODE_NOTIFY = 4, DNS_OPCODE_UPDATE = 5 };

enum dns_class { DNS_CLASS_IN = 1, DNS_CLASS_CH = 3, DNS_CLASS_HS = 4, DNS_CLASS_ANY = 255 };

enum dns_rcode {
	DNS_RCODE_NOERROR = 0, DNS_RCODE_FORMERR = 1, DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3, DNS_RCODE_NOTIMP = 4, DNS_RCODE_REFUSED = 5, DNS_RCODE_BADVERS = 16,
};

/* Header flag bits as they sit in the second 16-bit word. */
enum dns_flag {
	DNS_FLAG_QR = 0x8000, DNS_FLAG_AA = 0x0400, DNS_FLAG_TC = 0x0200, DNS_FLAG_RD = 0x0100,
	DNS_FLAG_RA = 0x0080, DNS_FLAG_Z = 0x0040, DNS_FLAG_AD = 0x0020, DNS_FLAG_CD = 0x0010,
};

enum dns_section { DNS_SECTION_QUESTION, DNS_SECTION_ANSWER, DNS_SECTION_AUTHORITY,
		   DNS_SECTION_ADDITIONAL, DNS_SECTION_COUNT };

enum dns_edns_option {
	DNS_EDNS_LLQ = 1, DNS_EDNS_NSID = 3, DNS_EDNS_ECS = 8, DNS_EDNS_EXPIRE = 9, DNS_EDNS_COOKIE = 10,
	DNS_EDNS_KEEPALIVE = 11, DNS_EDNS_PADDING = 12, DNS_EDNS_KEY_TAG = 14, DNS_EDNS_EDE = 15,
	DNS_EDNS_CLIENT_TAG = 16, DNS_EDNS_SERVER_TAG = 17,
};

/* RFC 7871's option: family, source and scope prefix lengths, the address
 * cut to whole bytes of the source prefix. */
#define DNS_ECS_MAX 20
/* "192.0.2.0/24", "2001:db8::/48", an address alone (its full length),
 * "10/8" (bind fills in the missing ".0"s) or "0" (no address), as dig's
 * +subnet reads it, into option data; a longer prefix is cut to the
 * family's.  Its length, or -EINVAL (a bad address), -EDOM (a prefix
 * length that is not a number) or -ERANGE (one over 32 bits). */
int dns_ecs_parse(const char *text, uint8_t *data, size_t size);
/* The option as dig prints it: "192.0.2.0/24/0" (address/source/scope);
 * -EINVAL when it is malformed (dig then shows its bytes). */
int dns_ecs_format(const uint8_t *data, size_t len, char *buf, size_t size);

/* --- names, types, classes in text ----------------------------------- */

/* "A", "TYPE65400"; buf needs 16 bytes. */
const char *dns_type_name(uint16_t type, char *buf, size_t size);
/* An RRSIG's 32-bit time (RFC 4034 3.1.5: seconds modulo 2^32) as the
 * date of those congruent with it that lies nearest now_s, as bind's dig
 * shows it (0xFFFFFFFF in 2026 is 1969-12-31 23:59:59, not 2106). */
int64_t dns_time32_nearest(uint32_t value, int64_t now_s);
/* Mnemonic or TYPEnnn, case-insensitive; 0 or -EINVAL. */
int dns_type_parse(const char *text, uint16_t *type);
const char *dns_class_name(uint16_t qclass, char *buf, size_t size);
int dns_class_parse(const char *text, uint16_t *qclass);
/* "NOERROR", "NXDOMAIN"...; a number for rcodes without a name. */
const char *dns_rcode_name(unsigned rcode, char *buf, size_t size);

/* Presentation name to wire form (absolute; a missing final dot is added).
 * Handles "\." and "\DDD" escapes.  Returns the wire length or -EINVAL. */
int dns_name_to_wire(const char *text, uint8_t *wire, size_t size);
/* The in-addr.arpa / ip6.arpa name of a numeric address; 0 or -EINVAL. */
int dns_reverse_name(const char *address, char *name, size_t size);
/* Labels in a presentation name ("a.b.c." has 3; "." has 0). */
int dns_name_label_count(const char *text);

/* --- building queries ------------------------------------------------ */

struct dns_query_spec {
	const char *qname;        /* presentation form */
	uint16_t qtype, qclass;
	uint16_t id;
	bool rd, ad, cd;
	bool edns;                /* add an OPT record */
	uint8_t edns_version;
	uint16_t udp_size;        /* EDNS buffer size */
	bool dnssec_ok;           /* the DO bit */
	bool nsid;                /* ask for the server's NSID */
	const uint8_t *ecs;       /* an EDNS client subnet option's data (dns_ecs_parse()), or NULL */
	uint8_t ecs_len;
	const uint8_t *cookie;    /* a COOKIE option's bytes (client cookie, then any server cookie) */
	uint8_t cookie_len;       /* 0: none; at most DNS_COOKIE_MAX */
	bool ixfr;                /* an IXFR: the authority section carries an SOA with ixfr_serial */
	uint32_t ixfr_serial;
};
/* RFC 7873: an 8-byte client cookie and a server cookie of up to 32. */
#define DNS_COOKIE_MAX 40

/* Writes the query into buf; returns its length or -EINVAL (bad name) /
 * -ENOSPC. */
int dns_build_query(const struct dns_query_spec *spec, uint8_t *buf, size_t size);

/* --- DNS over sockets of its own (dns_tcp.c): transfers, raw replies -- */

/* Connects to server within timeout_ms and sends query with its length
 * prefix.  0 with *fd (close it), or -errno (-ECONNREFUSED, -ETIMEDOUT). */
int dns_tcp_send_query(const struct sonde_addr *server, const uint8_t *query, size_t len, int timeout_ms,
		       int *fd);
/* Reads the next length-prefixed message into a malloc'ed *msg.  0,
 * -ENODATA (the connection ended between messages), -EPIPE (it ended
 * inside one), -ETIMEDOUT, -ENOMEM or another -errno. */
int dns_tcp_read_message(int fd, int timeout_ms, uint8_t **msg, size_t *len);
/* A connected UDP socket to server with query sent: 0 with *fd, or -errno. */
int dns_udp_send_query(const struct sonde_addr *server, const uint8_t *query, size_t len, int *fd);
/* The next datagram (up to size bytes) before deadline_ms (mono_ms()):
 * 0, -ETIMEDOUT, -ECONNREFUSED (an ICMP error came back) or -errno. */
int dns_udp_read_datagram(int fd, int64_t deadline_ms, uint8_t *buf, size_t size, size_t *len);

/* --- one try of a query, as bind's dighost makes it (dns_exchange.c) --- */

struct dns_exchange {
	int status;               /* 0: wire holds a reply; else -errno (-EPIPE: end of file,
				   * -EPROTO: a reply dighost refuses, reported already) */
	uint8_t *wire;            /* malloc'ed */
	size_t len;
	bool tcp;                 /* over TCP */
	bool setup_failed;        /* status is the UDP or TCP connect's (nothing was sent) */
	double rtt_ms;
	double setup_ms;          /* of rtt_ms, until the query was sent (a TCP connect's share) */
	struct sonde_addr server; /* who was asked */
};
/* Sends query to server over UDP (reading past datagrams dighost ignores:
 * wrong id, short, another opcode or question) or TCP, and waits up to
 * timeout_ms for the reply.  dighost's warnings (";; Warning: ID
 * mismatch...") go to notes, or nowhere if NULL.  Returns reply->status. */
int dns_exchange(FILE *notes, const uint8_t *query, size_t len, const struct sonde_addr *server, bool tcp,
		 int timeout_ms, struct dns_exchange *reply);
/* bind's words for an exchange's failure: "timed out", "connection
 * refused", "end of file"... */
const char *dns_comm_error_text(int status);

/* --- parsing messages ------------------------------------------------- */

struct dns_rr {
	size_t name_offset;       /* owner name in the message */
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlength;
	size_t rdata_offset;      /* rdata in the message */
};

struct dns_edns {
	bool present;
	uint16_t udp_size;
	uint8_t extended_rcode, version;
	uint16_t flags;           /* DO is 0x8000 */
	size_t rdata_offset;      /* its options, in the message */
	uint16_t rdlength;
	size_t name_offset;       /* its owner name: where it is among the records */
};

struct dns_msg {
	const uint8_t *wire;
	size_t len;
	uint16_t id, flags;       /* flags: the whole second word (opcode, rcode too) */
	unsigned opcode, rcode;   /* rcode with EDNS's extended bits */
	uint16_t counts[DNS_SECTION_COUNT]; /* as the header says */
	struct dns_rr *rrs;       /* every record, questions first, in order */
	size_t rr_count[DNS_SECTION_COUNT]; /* as parsed (the OPT excluded) */
	struct dns_edns edns;
	size_t parsed_len;        /* bytes the records used */
	const char *fault;        /* after -EBADMSG, why in bind's words ("bad compression pointer") */
	/* bind's best-effort parse (dig's default) kept going past a fault it
	 * can recover from: a message cut short (the records before the cut
	 * are kept, parsed_len ends there), a record of another class than
	 * the question's, a question asked twice.  dig then warns that the
	 * message is malformed and prints what it holds. */
	bool recovered;
	/* The message ended after the first question's name, before its type
	 * and class: bind holds the name without a question, and dig prints
	 * the question section's title over nothing. */
	bool bare_question_name;
};
/* bind's words for faults (isc_result_totext()). */
#define DNS_FAULT_END "unexpected end of input"
#define DNS_FAULT_EXTRA "extra input data"
#define DNS_FAULT_FORMERR "FORMERR"
#define DNS_FAULT_OPT "malformed OPT option"

/* Parses wire (which must outlive msg) as bind's best-effort parser does:
 * each record's rdata is checked as its type's decoder reads it.  0 (with
 * msg->recovered after a fault bind recovers from, such as a message or
 * rdata cut short), -EBADMSG (a fault bind refuses the message for: names
 * that loop, bad labels, rdata with bytes left over or a bad type bitmap;
 * msg->fault says which) or -ENOMEM.  On -EBADMSG the header and the
 * records before the fault are kept. */
int dns_parse(const uint8_t *wire, size_t len, struct dns_msg *msg);
void dns_msg_free(struct dns_msg *msg);
/* The first record of section, and how many there are. */
const struct dns_rr *dns_section_rrs(const struct dns_msg *msg, enum dns_section section, size_t *count);

/* Reads the (possibly compressed) name at offset into text (presentation
 * form, at least DNS_NAME_TEXT bytes).  Returns the wire bytes it used at
 * offset, or -EBADMSG. */
int dns_read_name(const uint8_t *wire, size_t len, size_t offset, char *text, size_t size);
/* The same, with *fault saying why a name is refused (DNS_FAULT_END, "bad
 * compression pointer", "bad label type", "name too long"). */
int dns_read_name_why(const uint8_t *wire, size_t len, size_t offset, char *text, size_t size, const char **fault);

/* --- presentation ----------------------------------------------------- */

enum dns_field_kind {
	DNS_FIELD_UINT,     /* a number */
	DNS_FIELD_STRING,   /* text as presented */
	DNS_FIELD_QUOTED,   /* a character-string: quoted in text, bare in JSON */
};

struct dns_field {
	char key[24];
	enum dns_field_kind kind;
	uint64_t number;
	size_t text_offset;  /* presented text in the rdata's text store */
	bool repeated;       /* one item of a list under key (TXT strings) */
};

/* How dig lays record data out (bind's text style flags). */
struct dns_rdata_style {
	unsigned split_width;     /* base64 and hex chunks (56, or 44 with multiline); 0: no splitting */
	bool multiline;           /* +multiline: long data in parentheses over lines, each
				   * line break a newline and tabs to column 32 */
	bool comments;            /* +rrcomments: the SOA's field names and times (with
				   * multiline), a key's role, algorithm and key id */
};

/* Where the next field's separator is pending (multiline forms). */
enum dns_rdata_sep { DNS_SEP_SPACE, DNS_SEP_BREAK, DNS_SEP_NONE };

/* A record's rdata as fields: text is what dig prints (fields joined by
 * spaces, or line breaks in the multiline form), fields the same values
 * typed for JSON. */
struct dns_rdata {
	struct strbuf text;     /* dig's presentation */
	struct strbuf store;    /* each field's text, NUL-separated */
	struct dns_field *fields;
	size_t field_count, field_cap;
	bool malformed;           /* the rdata did not decode as its type: shown as \# */
	struct dns_rdata_style style;
	enum dns_rdata_sep sep;   /* before the next field */
};

/* Presents rr.  split_width is dig's +split (56 by default; 0 = no
 * splitting) for base64 and hex fields.  0 or -ENOMEM. */
int dns_rdata_present(const struct dns_msg *msg, const struct dns_rr *rr, unsigned split_width,
		      struct dns_rdata *out);
/* The same in the given style. */
int dns_rdata_present_styled(const struct dns_msg *msg, const struct dns_rr *rr,
			     const struct dns_rdata_style *style, struct dns_rdata *out);
/* bind's long TTL form ("1 hour", "1 week 2 days 3 seconds") into buf. */
void dns_ttl_text_long(uint32_t seconds, char *buf, size_t size);
void dns_rdata_free(struct dns_rdata *rd);
/* Whether rr's rdata decodes as bind's decoder for its type and class
 * reads it: 0 (also for rdata sonde can only show as \#), -ENODATA (it
 * stops short: bind's "unexpected end of input", which a best-effort
 * parse recovers from) or -EBADMSG with *fault in bind's words. */
int dns_rdata_check(const struct dns_msg *msg, const struct dns_rr *rr, const char **fault);
static inline const char *dns_field_text(const struct dns_rdata *rd, const struct dns_field *f)
{
	return rd->store.data + f->text_offset;
}

/* A record line in dig's column layout (name, TTL at column 24, class at
 * 32, type at 40, data at 48) appended to line; question lines when
 * question is true. */
void dns_format_rr_line(struct strbuf *line, const char *owner, uint32_t ttl, uint16_t rclass,
			uint16_t type, const char *rdata_text, bool question);
/* The same in dig's +multiline layout: TTL at column 24, class and type
 * one step after, data at column 32. */
void dns_format_rr_line_multiline(struct strbuf *line, const char *owner, uint32_t ttl, uint16_t rclass,
				  uint16_t type, const char *rdata_text, bool question);

/* EDNS options in the OPT record, one at a time. */
struct dns_edns_opt {
	uint16_t code, len;
	const uint8_t *data;
};
/* The option at *pos (0 for the first) of msg's OPT record, *pos moved past
 * it; false after the last (or where the record's data is cut short). */
bool dns_edns_next_option(const struct dns_msg *msg, size_t *pos, struct dns_edns_opt *opt);
/* The Extended DNS Error text for info_code ("Not Authoritative"), or NULL. */
const char *dns_ede_name(uint16_t info_code);
/* Whether s is UTF-8 as bind's isc_utf8_valid() has it (overlong forms
 * refused, surrogates taken), which decides how dig shows an EDE text. */
bool dns_utf8_valid(const uint8_t *s, size_t len);

/* --- lookups as bind's host and nslookup make them (dns_lookup.c) ----- */

#define DNS_LOOKUP_MAX_SERVERS 8
#define DNS_LOOKUP_MAX_SEARCH 8
#define DNS_LOOKUP_MAX_NAMES (DNS_LOOKUP_MAX_SEARCH + 1)

/* What dighost (bind's engine under host and nslookup) reads from
 * resolv.conf and the command line. */
struct dns_lookup_conf {
	struct sonde_addr servers[DNS_LOOKUP_MAX_SERVERS];
	char server_text[DNS_LOOKUP_MAX_SERVERS][DNS_NAME_TEXT]; /* as typed or as resolv.conf has it */
	size_t server_count;
	bool server_given;        /* a server argument: no "recursion not available" check */
	char search[DNS_LOOKUP_MAX_SEARCH][DNS_NAME_TEXT];
	size_t search_count;
	int ndots;                /* -1: resolv.conf's */
	int tries;                /* -1: resolv.conf's attempts, else 3 */
	int timeout_s;            /* 0: resolv.conf's timeout, else 5 (UDP) or 10 (TCP) */
	uint16_t port;
	uint16_t qclass;
	bool tcp, recurse;
	bool comments;            /* ";; Got recursion not available from ..." (nslookup) */
	bool servfail_next;       /* a SERVFAIL sends the question to the next server (host) */
	FILE *notes;              /* dighost's ";; " lines: stdout, or stderr under --json */
};
/* Defaults as dighost's: port 53, class IN, recursion, no server yet. */
void dns_lookup_conf_init(struct dns_lookup_conf *conf);
/* The server argument (an address or a name, looked up through c-ares):
 * 0, or a negative c-ares status. */
int dns_lookup_set_server(struct dns_lookup_conf *conf, const char *server, int family);
/* resolv.conf's servers (unless one was given), search list, ndots,
 * timeout and attempts where the command line left them unset.  0 or
 * -errno (no nameserver at all: -ENOENT). */
int dns_lookup_conf_load(struct dns_lookup_conf *conf, const char *resolv_path);
/* The names dighost asks for name, in order: the name alone when it is
 * absolute, has ndots dots or more, or use_search is off; otherwise each
 * search domain appended, then the name alone.  Returns the count. */
size_t dns_lookup_search_names(const struct dns_lookup_conf *conf, const char *name, bool use_search,
			       char names[][DNS_NAME_TEXT], size_t max);

struct dns_lookup_reply {
	struct dns_exchange ex;
	struct dns_msg msg;
	int parse_rc;
	size_t server_index;      /* the server that answered */
};
/* One question asked as dighost asks it: up to tries rounds of the
 * servers in turn (";; communications error to ADDR#PORT: ..." on notes
 * for each failure), a truncated UDP reply asked again over TCP, ";; Got
 * recursion not available from ..." (comments, no server given), a
 * SERVFAIL passed to the next server when servfail_next.  0 with a reply
 * to free, or -ETIMEDOUT/-errno after ";; no servers could be reached". */
int dns_lookup_query(const struct dns_lookup_conf *conf, const char *qname, uint16_t qtype,
		     struct dns_lookup_reply *reply);
void dns_lookup_reply_free(struct dns_lookup_reply *reply);
/* What a walk of the search list tells its applet of each name it asks:
 * both may be NULL. */
struct dns_search_hooks {
	void (*trying)(void *ctx, const char *shown);
	/* An NXDOMAIN for a name that is not the last: the walk goes on. */
	void (*passed)(void *ctx, const char *shown, const struct dns_lookup_reply *reply);
};
/* typed looked up as dighost does: each of dns_lookup_search_names() in
 * turn until one is not NXDOMAIN, or the last.  0 with the reply (to
 * free), the name it was for and that name as shown; or the query's
 * negative status when no server could be reached, with shown set and
 * the reply already freed (dns_lookup_json() still takes it, unanswered). */
int dns_lookup_search(const struct dns_lookup_conf *conf, const char *typed, bool use_search, uint16_t qtype,
		      const struct dns_search_hooks *hooks, void *ctx, struct dns_lookup_reply *reply,
		      char name[DNS_NAME_TEXT], char shown[DNS_NAME_TEXT]);
/* bind's dns_name_format() as host and nslookup print names: no final
 * dot, but for the root. */
void dns_lookup_name_shown(const char *name, char *out, size_t size);
/* The rcode's name in host's and nslookup's table (bind's rcodetext,
 * ending at BADVERS); "?N" in buf beyond it. */
const char *dns_lookup_rcode_text(unsigned rcode, char *buf, size_t size);
/* The name qname's CNAME records in msg's answer lead to, without its
 * final dot (bind's chase_cnamechain(), for host's and nslookup's next
 * lookups). */
void dns_answer_chase_cname(const struct dns_msg *msg, const char *qname, char *chased, size_t size);
/* bind's words for a name whose addresses cannot be had (its getaddrinfo
 * wrapper): "not found" (no such name, no address) or "failure"
 * (anything else, a REFUSED or SERVFAIL resolver too), from
 * resolve_host()'s negative c-ares status. */
const char *dns_address_failure_words(int rc);
/* One lookup as a JSON object (host --json, nslookup --json): the name
 * and type asked, whether a reply came, the server, rcode, flags and each
 * section's records with their presentation text. */
void dns_lookup_json(struct sonde_out *out, const char *qname, uint16_t qtype, const struct dns_lookup_conf *conf,
		     const struct dns_lookup_reply *reply, bool replied);

#endif
