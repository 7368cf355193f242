/* sonde dig's words, read in order as dig reads them: the command line
 * (raw, so -x and names keep their order and the banner echoes what was
 * typed) and each -f batch line.  @server, +options, -x/-t/-c, a type or
 * class word for the lookup at hand, anything else a new name.  Options
 * before the first name are every lookup's defaults. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dig_impl.h"
#include "sonde/err.h"

/* --- +options --------------------------------------------------------------- */

enum plus_kind { PLUS_BOOL, PLUS_INT, PLUS_ALL, PLUS_EDNS, PLUS_RETRY, PLUS_SPLIT, PLUS_COOKIE, PLUS_SUBNET,
		 PLUS_RRCOMMENTS };

struct plus_def {
	const char *name;
	size_t min_len;         /* shortest accepted abbreviation */
	enum plus_kind kind;
	size_t offset;          /* in struct dig_opts */
	unsigned long max;      /* for values: dig's limit */
	const char *desc;       /* what dig calls the value in its messages */
};

#define PLUS_B(NAME, MIN, FIELD) { NAME, MIN, PLUS_BOOL, offsetof(struct dig_opts, FIELD), 0, NULL }
#define PLUS_I(NAME, MIN, FIELD, HI, DESC) { NAME, MIN, PLUS_INT, offsetof(struct dig_opts, FIELD), HI, DESC }

static const struct plus_def plus_defs[] = {
	PLUS_B("additional", 3, show_additional),
	PLUS_B("adflag", 2, adflag),
	{ "all", 3, PLUS_ALL, 0, 0, NULL },
	PLUS_B("answer", 3, show_answer),
	PLUS_B("authority", 3, show_authority),
	PLUS_I("bufsize", 3, bufsize, 65535, "buffer size"),
	PLUS_B("cdflag", 2, cdflag),
	PLUS_B("cmd", 3, cmd),
	PLUS_B("comments", 4, comments),
	{ "cookie", 3, PLUS_COOKIE, 0, 0, NULL },
	PLUS_B("dnssec", 3, dnssec),
	{ "edns", 4, PLUS_EDNS, 0, 255, "edns" },
	PLUS_B("explain", 4, explain),
	PLUS_B("ignore", 3, ignore_tc),
	PLUS_B("multiline", 2, multiline),
	PLUS_I("ndots", 3, ndots, 65535, "ndots"),
	PLUS_B("nsid", 3, nsid),
	PLUS_B("onesoa", 2, onesoa),
	PLUS_B("qr", 2, qr),
	PLUS_B("question", 4, show_question),
	PLUS_B("rdflag", 3, recurse),
	PLUS_B("recurse", 3, recurse),
	{ "retry", 4, PLUS_RETRY, 0, 0xfffffffeUL, "retries" },
	{ "rrcomments", 2, PLUS_RRCOMMENTS, 0, 0, NULL },
	PLUS_B("search", 3, search),
	PLUS_B("short", 3, short_form),
	{ "split", 3, PLUS_SPLIT, offsetof(struct dig_opts, split), 1023, "split" },
	PLUS_B("stats", 4, stats),
	{ "subnet", 3, PLUS_SUBNET, 0, 0, "subnet" },
	PLUS_B("tcp", 3, tcp),
	PLUS_I("timeout", 4, timeout_s, 65535, "timeout"),
	PLUS_B("trace", 4, trace),
	PLUS_I("tries", 4, tries, 0xffffffffUL, "tries"),
	PLUS_B("vc", 2, tcp),
};

void dig_opts_init(struct dig_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->recurse = o->adflag = o->edns = true;
	o->show_question = o->show_answer = o->show_authority = o->show_additional = true;
	o->comments = o->stats = o->cmd = true;
	o->bufsize = 1232;
	o->timeout_s = 5;
	o->tries = 3;
	o->ndots = -1; /* resolv.conf's */
	o->split = -1;
	o->cookie = true;
}

static const struct plus_def *plus_find(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(plus_defs) / sizeof(plus_defs[0]); i++) {
		const struct plus_def *d = &plus_defs[i];

		if (len >= d->min_len && len <= strlen(d->name) && strncasecmp(word, d->name, len) == 0)
			return d;
	}
	return NULL;
}

/* A +option's number as dig reads it: 0, -EINVAL (not a number) or -ERANGE. */
static int parse_value(const char *text, unsigned long max, unsigned long *value)
{
	char *end;
	unsigned long long v;

	if (!text || !*text || *text == '-' || *text == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || v > max)
		return -ERANGE;
	*value = (unsigned long)v;
	return 0;
}

/* dig's two lines for a value it cannot read; it then exits 10. */
static int value_error(const struct plus_def *d, const char *text, int rc, FILE *notes)
{
	fprintf(notes, "invalid %s '%s': %s\n", d->desc, text, rc == -ERANGE ? "out of range" : "not a valid number");
	fflush(notes);
	sonde_err("Couldn't parse %s", d->desc);
	return DIG_EXIT_INTERNAL;
}

static int clamp_int(unsigned long v)
{
	return v > INT32_MAX ? INT32_MAX : (int)v;
}

static void set_all(struct dig_opts *o, bool on)
{
	o->show_question = o->show_answer = o->show_authority = o->show_additional = on;
	o->comments = o->stats = o->cmd = on;
}

/* +cookie[=HEX]: dig sends a client cookie of its own unless given one
 * (client cookie and server cookie, 8 to 40 bytes). */
static int cookie_apply(const char *arg, bool on, const char *eq, struct dig_opts *o)
{
	size_t i, len = eq ? strlen(eq + 1) : 0;

	o->cookie = on;
	o->cookie_len = 0;
	if (on)
		o->edns = true;
	if (!eq)
		return 0;
	if (!on || len % 2 || len / 2 > DNS_COOKIE_MAX) {
		sonde_err("%s: COOKIE data must be up to %d bytes of hex", arg, DNS_COOKIE_MAX);
		return -1;
	}
	for (i = 0; i < len / 2; i++) {
		unsigned byte;

		if (sscanf(eq + 1 + 2 * i, "%2x", &byte) != 1 || !isxdigit((unsigned char)eq[1 + 2 * i]) ||
		    !isxdigit((unsigned char)eq[2 + 2 * i])) {
			sonde_err("%s: COOKIE data must be hex", arg);
			return -1;
		}
		o->cookie_bytes[i] = (uint8_t)byte;
	}
	o->cookie_len = (uint8_t)(len / 2);
	return 0;
}

/* +subnet=ADDR[/LEN] (or 0): an EDNS client subnet option, which turns
 * EDNS on; dig ends the run with 1 on a value it cannot read. */
static int subnet_apply(const char *arg, bool on, const char *eq, struct dig_opts *o)
{
	int len;

	o->ecs_len = 0;
	if (!on)
		return 0;
	if (!eq) {
		sonde_err("%s: needs a value (ADDR/LEN)", arg);
		return DIG_EXIT_USAGE;
	}
	len = dns_ecs_parse(eq + 1, o->ecs, sizeof(o->ecs));
	/* dig's fatal() lines (the second one's format ends in a newline). */
	if (len == -EINVAL)
		sonde_err("invalid address '%s'", eq + 1);
	else if (len < 0) {
		sonde_err("invalid prefix length in '%s': %s", eq + 1,
			  len == -ERANGE ? "out of range" : "not a valid number");
		fputc('\n', stderr);
	}
	if (len < 0)
		return DIG_EXIT_USAGE;
	o->ecs_len = (uint8_t)len;
	o->edns = true;
	return 0;
}

/* One +option into o (and into dig's globals: +short and +[no]cmd hold for
 * every lookup of the command line or batch line).  0, or a dig exit code
 * after a message: 1 an unknown option, 10 a value dig cannot read. */
static int plus_apply(const char *arg, struct dig_opts *o, struct dig_globals *g, bool command_line_defaults)
{
	const char *word = arg + 1, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	bool on = true;
	const struct plus_def *d;
	unsigned long value = 0;
	int rc;

	if (len > 2 && strncasecmp(word, "no", 2) == 0 && !plus_find(word, len)) {
		on = false;
		word += 2;
		len -= 2;
	}
	d = plus_find(word, len);
	if (!d) {
		sonde_err("invalid option: %s", arg);
		return DIG_EXIT_USAGE;
	}
	switch (d->kind) {
	case PLUS_BOOL:
		/* dig ignores +tcp and +vc on a batch line. */
		if (d->offset == offsetof(struct dig_opts, tcp) && g->in_batch)
			return 0;
		*(bool *)((char *)o + d->offset) = on;
		if (d->offset == offsetof(struct dig_opts, cmd))
			g->cmd = on;
		if (d->offset == offsetof(struct dig_opts, tcp))
			o->tcp_set = true;
		/* dig's +trace turns +dnssec on (a later +nodnssec turns it off). */
		if (d->offset == offsetof(struct dig_opts, trace) && on)
			o->dnssec = true;
		/* dig remembers these for transfers only from the command line's
		 * defaults (before its first name). */
		if (command_line_defaults && d->offset == offsetof(struct dig_opts, show_question))
			g->plusquest = on;
		if (command_line_defaults && d->offset == offsetof(struct dig_opts, comments))
			g->pluscomm = on;
		/* +short shows the answer's data and nothing else. */
		if (d->offset == offsetof(struct dig_opts, short_form)) {
			g->short_form = on;
			g->cmd = !on;
		}
		if (on && d->offset == offsetof(struct dig_opts, short_form)) {
			set_all(o, false);
			o->show_answer = true;
			o->rrcomments = -1;
		}
		if (on && d->offset == offsetof(struct dig_opts, trace))
			o->rrcomments = 0;
		return 0;
	case PLUS_ALL:
		set_all(o, on);
		g->cmd = on;
		return 0;
	case PLUS_EDNS:
		o->edns = on;
		o->edns_version = 0;
		if (on && eq && (rc = parse_value(eq + 1, d->max, &value)) < 0)
			return value_error(d, eq + 1, rc, g->notes);
		if (on && eq)
			o->edns_version = (int)value;
		return 0;
	case PLUS_RRCOMMENTS:
		o->rrcomments = on ? 1 : -1;
		return 0;
	case PLUS_COOKIE:
		return cookie_apply(arg, on, eq, o) < 0 ? DIG_EXIT_USAGE : 0;
	case PLUS_SUBNET:
		return subnet_apply(arg, on, eq, o);
	case PLUS_RETRY:
		if (!on || !eq)
			break;
		if ((rc = parse_value(eq + 1, d->max, &value)) < 0)
			return value_error(d, eq + 1, rc, g->notes);
		o->tries = clamp_int(value + 1);
		o->tries_set = true;
		return 0;
	case PLUS_SPLIT:
		/* A global in dig: the last +split given holds for what prints after. */
		if (!on) {
			o->split = g->split = 0;
			return 0;
		}
		if (!eq)
			return 0;
		rc = parse_value(eq + 1, d->max, &value);
		/* dig rounds up to whole base64 quanta, and says so before any
		 * error (its unset width, all ones, then rounds to 0). */
		if (rc < 0 && !g->split_given)
			fprintf(stderr, ";; Warning, split must be a multiple of 4; adjusting to 0\n");
		if (rc == 0 && value % 4)
			fprintf(stderr, ";; Warning, split must be a multiple of 4; adjusting to %lu\n",
				(value + 3) / 4 * 4);
		g->split_given = true;
		if (rc < 0)
			return value_error(d, eq + 1, rc, g->notes);
		o->split = g->split = (int)((value + 3) / 4 * 4);
		return 0;
	case PLUS_INT:
		/* A bare +bufsize is dig's default size. */
		if (on && !eq && d->offset == offsetof(struct dig_opts, bufsize)) {
			o->bufsize = 1232;
			o->edns = true;
			return 0;
		}
		if (!on || !eq)
			break;
		if ((rc = parse_value(eq + 1, d->max, &value)) < 0)
			return value_error(d, eq + 1, rc, g->notes);
		*(int *)((char *)o + d->offset) = clamp_int(value);
		/* dig takes a timeout or tries of 0 as 1. */
		if ((d->offset == offsetof(struct dig_opts, timeout_s) || d->offset == offsetof(struct dig_opts, tries)) &&
		    value == 0)
			*(int *)((char *)o + d->offset) = 1;
		if (d->offset == offsetof(struct dig_opts, timeout_s))
			o->timeout_set = true;
		if (d->offset == offsetof(struct dig_opts, tries))
			o->tries_set = true;
		if (d->offset == offsetof(struct dig_opts, bufsize))
			o->edns = true;
		return 0;
	}
	sonde_err("%s: needs a value (%s)", arg, d->desc);
	return DIG_EXIT_USAGE;
}

/* --- lookups ---------------------------------------------------------------- */

static struct dig_lookup *lookup_add(struct dig_lookup_list *list, const struct dig_lookup *defaults,
				     const char *name)
{
	struct dig_lookup *lk;

	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		struct dig_lookup *grown = realloc(list->items, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		list->items = grown;
		list->cap = cap;
	}
	lk = &list->items[list->count++];
	*lk = *defaults;
	lk->type_set = lk->class_set = false;
	lk->greeting = NULL;
	lk->greeting_first = false;
	lk->greeting_short = false;
	snprintf(lk->name, sizeof(lk->name), "%s", name);
	return lk;
}

/* Keeps a string for as long as the list (greetings, batch lines). */
static char *list_keep(struct dig_lookup_list *list, char *text)
{
	char **grown;

	if (!text)
		return NULL;
	grown = realloc(list->strings, (list->string_count + 1) * sizeof(*grown));
	if (!grown) {
		free(text);
		return NULL;
	}
	list->strings = grown;
	grown[list->string_count++] = text;
	return text;
}

void dig_lookup_list_free(struct dig_lookup_list *list)
{
	size_t i;

	for (i = 0; i < list->string_count; i++)
		free(list->strings[i]);
	free(list->strings);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* A query type for lk, with what dig ties to it: a transfer hides the
 * question and comments unless +question/+comments were given, IXFR=N and
 * ANY go over TCP unless +[no]tcp says otherwise. */
static void set_type(struct dig_lookup *lk, uint16_t type, const struct dig_globals *g)
{
	if (lk->type_set)
		fprintf(stderr, ";; Warning, extra type option\n");
	lk->qtype = type;
	lk->type_set = true;
	lk->ixfr_serial_set = false;
	if (dig_is_xfr_type(type)) {
		lk->opts.show_question = g->plusquest;
		lk->opts.comments = g->pluscomm;
	}
	if (type == DNS_TYPE_ANY && !lk->opts.tcp_set)
		lk->opts.tcp = true;
}

/* "IXFR=N": 1 when word is one (0 set, -1 after a message), 0 otherwise. */
static int ixfr_word(const char *word, struct dig_lookup *lk, const struct dig_globals *g)
{
	char *end;
	unsigned long serial;

	if (strncasecmp(word, "ixfr=", 5) != 0)
		return 0;
	errno = 0;
	serial = strtoul(word + 5, &end, 10);
	if (!word[5] || *end || errno || serial > UINT32_MAX) {
		sonde_err("Couldn't parse serial number");
		return -1;
	}
	set_type(lk, DNS_TYPE_IXFR, g);
	lk->ixfr_serial_set = true;
	lk->ixfr_serial = (uint32_t)serial;
	if (!lk->opts.tcp_set)
		lk->opts.tcp = true;
	return 1;
}

/* A type or class word for the lookup at hand (dig warns when one is
 * given twice, and takes the last).  1 used, 0 not a type or class, -1. */
static int apply_type_or_class(const char *word, struct dig_lookup *lk, const struct dig_globals *g)
{
	uint16_t value;
	int rc = ixfr_word(word, lk, g);

	if (rc)
		return rc;
	if (dns_type_parse(word, &value) == 0) {
		if (value == DNS_TYPE_IXFR)
			fprintf(stderr, ";; Warning, ixfr requires a serial number\n");
		else
			set_type(lk, value, g);
		return 1;
	}
	if (dns_class_parse(word, &value) == 0) {
		if (lk->class_set)
			fprintf(stderr, ";; Warning, extra class option\n");
		lk->qclass = value;
		lk->class_set = true;
		return 1;
	}
	return 0;
}

/* -x's name: ip6.arpa or in-addr.arpa for an address; anything else has
 * its dot-separated words reversed under in-addr.arpa, as dig does for
 * RFC 2317 names. */
static void reverse_name_loose(const char *text, char *name, size_t size)
{
	const char *end = text + strlen(text);
	size_t used = 0;

	if (dns_reverse_name(text, name, size) == 0)
		return;
	name[0] = '\0';
	while (end > text && used < size) {
		const char *start = end;
		int n;

		while (start > text && start[-1] != '.')
			start--;
		n = snprintf(name + used, size - used, "%.*s.", (int)(end - start), start);
		if (n < 0)
			break;
		used += (size_t)n;
		end = start > text ? start - 1 : text;
	}
	if (used < size)
		snprintf(name + used, size - used, "in-addr.arpa.");
}

/* The words of one command line or batch line: its lookups, dig's globals
 * after it, and the greeting its first lookup prints. */
struct words_unit {
	struct dig_lookup_list *list;
	struct dig_lookup *defaults;
	struct dig_globals *globals;
	bool batch;
	size_t first_lookup;        /* the unit's first lookup in list */
	bool open_type_class;       /* type and class words still count (no -t, -c yet) */
	struct dig_lookup *base_defaults; /* the command line's (a batch line's later lookups) */
	/* +short and +[no]cmd as they stood at the unit's first name */
	bool short_at_first_name, cmd_at_first_name;
};

/* A lookup of the unit.  dig writes its greeting when it reads the first
 * name, and only when +cmd holds then (+short turns it off); a +short
 * before that name shows in its "global options". */
static struct dig_lookup *unit_lookup_add(struct words_unit *u, const char *name)
{
	if (u->list->count == u->first_lookup) {
		u->short_at_first_name = u->globals->short_form;
		u->cmd_at_first_name = u->globals->cmd;
	}
	return lookup_add(u->list, u->defaults, name);
}

/* On a batch line dig starts the first lookup from what the line set
 * before it, and every later one afresh from the command line's defaults. */
static void next_from_base(struct words_unit *u)
{
	if (u->batch)
		u->defaults = u->base_defaults;
}

/* Driver options the common parser already read: skipped, with their value. */
static int skip_driver_option(char **words, int count, int i)
{
	static const char *const with_value[] = { "-p", "-f", "--root-hints", "--netns" };
	size_t k;

	for (k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
		if (strcmp(words[i], with_value[k]) == 0)
			return i + 1 < count ? i + 1 : i;
	return i;
}

/* -x ADDR, -t TYPE, -c CLASS in order with the names (value attached or
 * next).  Returns the index of the last word used, or -1. */
static int dash_word(struct words_unit *u, struct dig_lookup **current, char **words, int count, int i)
{
	char letter = words[i][1];
	const char *value = words[i][2] ? words[i] + 2 : (i + 1 < count ? words[i + 1] : NULL);
	int last = words[i][2] ? i : i + 1;
	struct dig_lookup *target = *current ? *current : u->defaults;
	uint16_t number;

	if (letter != 'x' && letter != 't' && letter != 'c')
		return skip_driver_option(words, count, i);
	if (letter != 'x')
		u->open_type_class = false;
	if (!value) {
		sonde_err("option -%c requires an argument", letter);
		return -1;
	}
	if (letter == 'x') {
		char name[DNS_NAME_TEXT];

		reverse_name_loose(value, name, sizeof(name));
		*current = unit_lookup_add(u, name);
		if (!*current)
			return -1;
		next_from_base(u);
		if (!u->defaults->type_set)
			(*current)->qtype = DNS_TYPE_PTR;
		if (!u->defaults->class_set)
			(*current)->qclass = DNS_CLASS_IN;
	} else if (letter == 't') {
		int ixfr = ixfr_word(value, target, u->globals);

		if (ixfr < 0)
			return -1;
		if (!ixfr && (dns_type_parse(value, &number) < 0 || number == DNS_TYPE_IXFR))
			fprintf(stderr, ";; Warning, ignoring invalid type %s\n", value);
		else if (!ixfr)
			set_type(target, number, u->globals);
	} else if (dns_class_parse(value, &number) < 0)
		fprintf(stderr, ";; Warning, ignoring invalid class %s\n", value);
	else {
		if (target->class_set)
			fprintf(stderr, ";; Warning, extra class option\n");
		target->qclass = number;
		target->class_set = true;
	}
	return last;
}

static int parse_words(struct words_unit *u, char **words, int count)
{
	struct dig_lookup *current = NULL;
	int i;

	u->first_lookup = u->list->count;
	u->open_type_class = true;
	for (i = 0; i < count; i++) {
		const char *w = words[i];
		struct dig_lookup *target = current ? current : u->defaults;

		if (w[0] == '@') {
			if (!w[1]) {
				sonde_err("invalid server: '@'");
				return DIG_EXIT_USAGE;
			}
			if (target->server_name_count == DIG_MAX_AT) {
				sonde_err("%s: at most %d @servers a lookup", w, DIG_MAX_AT);
				return DIG_EXIT_USAGE;
			}
			target->server_names[target->server_name_count++] = w + 1;
		} else if (w[0] == '+') {
			int rc = plus_apply(w, &target->opts, u->globals, !u->batch && target == u->defaults);

			if (rc)
				return rc;
		} else if (w[0] == '-' && w[1]) {
			i = dash_word(u, &current, words, count, i);
			if (i < 0)
				return DIG_EXIT_USAGE;
		} else {
			/* After -t or -c, dig takes no more type or class words. */
			int used = u->open_type_class ? apply_type_or_class(w, target, u->globals) : 0;

			if (used < 0)
				return DIG_EXIT_USAGE;
			if (!used) {
				current = unit_lookup_add(u, w);
				if (!current)
					return DIG_EXIT_USAGE;
				next_from_base(u);
			}
		}
	}
	return 0;
}

/* "; <<>> sonde dig V <<>> WORDS": the words after "dig", as dig echoes
 * them (no trailing space when there are none). */
static char *join_words(char **words, int count)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < count; i++)
		len += strlen(words[i]) + 1;
	s = calloc(1, len);
	for (i = 0; s && i < count; i++) {
		strcat(s, " ");
		strcat(s, words[i]);
	}
	return s;
}

/* After a unit: its globals on each of its lookups, its greeting on the
 * first (the very first greeting also says the server count and options). */
static void unit_finish(struct words_unit *u, char **words, int count)
{
	size_t i;

	for (i = u->first_lookup; i < u->list->count; i++) {
		u->list->items[i].opts.short_form = u->globals->short_form;
		u->list->items[i].opts.cmd = u->globals->cmd;
		u->list->items[i].opts.split = u->globals->split;
	}
	if (u->first_lookup < u->list->count && u->cmd_at_first_name) {
		struct dig_lookup *first = &u->list->items[u->first_lookup];

		first->greeting = list_keep(u->list, join_words(words, count));
		first->greeting_first = !u->globals->greeted;
		first->greeting_short = u->short_at_first_name;
		u->globals->greeted = true;
	}
}

/* No name at all: dig asks for the root's NS records. */
static int add_root_lookup(struct words_unit *u)
{
	struct dig_lookup *lk = unit_lookup_add(u, ".");

	if (!lk)
		return -1;
	if (!u->defaults->type_set)
		lk->qtype = DNS_TYPE_NS;
	return 0;
}

/* One batch line as dig splits it: up to 13 words. */
static int parse_batch_line(struct words_unit *u, char *line)
{
	char *words[13], *save = NULL, *w;
	struct dig_lookup line_defaults = *u->defaults;
	struct words_unit unit = *u;
	int n = 0, rc;

	unit.defaults = &line_defaults;
	unit.base_defaults = u->defaults;
	unit.batch = true;
	unit.globals->in_batch = true;
	for (w = strtok_r(line, " \t\r\n", &save); w && n < 13; w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	rc = parse_words(&unit, words, n);
	if (rc)
		return rc;
	if (unit.list->count == unit.first_lookup && add_root_lookup(&unit) < 0)
		return DIG_EXIT_INTERNAL;
	unit_finish(&unit, words, n);
	return 0;
}

/* -f FILE: each line is read like a command line of its own, starting from
 * the command line's defaults.  Before the first lookup dig skips blank and
 * comment lines; after it, every line counts (a blank one asks for the
 * root). */
static int parse_batch(const char *path, struct words_unit *u)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL;
	size_t line_cap = 0;
	bool started = false;
	int rc = 0;

	if (!fp) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		sonde_err("couldn't open specified batch file");
		return DIG_EXIT_BATCH_FILE;
	}
	while (rc == 0 && getline(&line, &line_cap, fp) > 0) {
		if (!started && strchr("\r\n#;", line[0]))
			continue;
		started = true;
		if (!list_keep(u->list, line))
			rc = DIG_EXIT_INTERNAL;
		else
			rc = parse_batch_line(u, line);
		line = NULL;
		line_cap = 0;
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int dig_parse_args(const struct dig_config *config, int argc, char **argv, struct dig_lookup *defaults,
		   struct dig_lookup_list *list)
{
	struct dig_globals globals = { false, true, false, false, false, false, -1, false,
				       config->json ? stderr : stdout };
	struct words_unit unit = { list, defaults, &globals, false, 0, true, defaults, false, false };
	int rc = parse_words(&unit, argv, argc);

	if (rc)
		return rc;
	if (config->batch_file) {
		unit_finish(&unit, argv, argc);
		return parse_batch(config->batch_file, &unit);
	}
	if (list->count == 0 && add_root_lookup(&unit) < 0)
		return DIG_EXIT_INTERNAL;
	unit_finish(&unit, argv, argc);
	return 0;
}
