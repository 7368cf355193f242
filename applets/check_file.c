/* check's file: one check a line, `NAME: APPLET ARGS...`, the words split
 * as a POSIX shell splits a simple command, with its quoting and nothing
 * else (docs/check.md).  What a shell would expand, redirect or pipe is
 * refused with the line's number rather than passed on literally: a check
 * file must mean the same run under sonde as typed into a shell. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_impl.h"
#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

/* A line's words, and why the line cannot be read, if it cannot. */
struct words {
	char **word;
	int count, cap;
	char *text;         /* the words' bytes, each ended by a NUL */
	size_t text_len;
	const char *error;  /* static text, or NULL */
	char bad_char;      /* the character error is about, or 0 */
};

static void words_add_char(struct words *w, char c)
{
	w->text[w->text_len++] = c;
}

/* Ends the word that began at text + start. */
static bool words_push(struct words *w, size_t start)
{
	char **grown;
	int cap;

	words_add_char(w, '\0');
	if (w->count + 1 >= w->cap) {
		cap = w->cap ? w->cap * 2 : 8;
		grown = realloc(w->word, (size_t)cap * sizeof(*grown));
		if (!grown)
			return false;
		w->word = grown;
		w->cap = cap;
	}
	w->word[w->count++] = w->text + start;
	w->word[w->count] = NULL;
	return true;
}

/* Characters a shell reads as syntax outside quotes, and what each is. */
static const char *shell_syntax(char c)
{
	switch (c) {
	case '$':
		return "unquoted '$': variables and substitutions are not supported (quote it)";
	case '`':
		return "unquoted '`': command substitution is not supported (quote it)";
	case '|':
		return "unquoted '|': pipes are not supported (quote it)";
	case '&':
		return "unquoted '&': background jobs and '&&' are not supported (quote it)";
	case ';':
		return "unquoted ';': one command a line (quote it)";
	case '<':
	case '>':
		return "unquoted '<' or '>': redirections are not supported (quote it)";
	case '(':
	case ')':
		return "unquoted '(' or ')': subshells are not supported (quote it)";
	default:
		return NULL;
	}
}

/* Inside double quotes a backslash escapes only these, as in a shell;
 * before anything else it is itself. */
static bool dquote_escapable(char c)
{
	return c == '"' || c == '\\' || c == '$' || c == '`';
}

/* One double-quoted stretch from just after the opening quote; returns
 * where reading goes on, or NULL with w->error set. */
static const char *read_dquoted(struct words *w, const char *p)
{
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && dquote_escapable(p[1])) {
			words_add_char(w, *++p);
		} else if (*p == '$' || *p == '`') {
			w->error = "'$' or '`' inside double quotes: expansions are not supported "
				   "(use single quotes, or a backslash before it)";
			return NULL;
		} else {
			words_add_char(w, *p);
		}
	}
	if (!*p) {
		w->error = "unterminated double quote";
		return NULL;
	}
	return p + 1;
}

static const char *read_squoted(struct words *w, const char *p)
{
	for (; *p && *p != '\''; p++)
		words_add_char(w, *p);
	if (!*p) {
		w->error = "unterminated single quote";
		return NULL;
	}
	return p + 1;
}

/* One word from p (not a blank); returns where reading goes on, or NULL
 * with w->error set. */
static const char *read_word(struct words *w, const char *p)
{
	while (p && *p && *p != ' ' && *p != '\t') {
		if (*p == '\'') {
			p = read_squoted(w, p + 1);
		} else if (*p == '"') {
			p = read_dquoted(w, p + 1);
		} else if (*p == '\\') {
			if (!p[1]) {
				w->error = "backslash at the end of the line: continued lines are not supported";
				return NULL;
			}
			words_add_char(w, p[1]);
			p += 2;
		} else if (shell_syntax(*p)) {
			w->error = shell_syntax(*p);
			return NULL;
		} else {
			words_add_char(w, *p++);
		}
	}
	return p;
}

/* Splits text into words; a word beginning with an unquoted '#' begins a
 * comment to the end of the line.  Returns false when out of memory. */
static bool split_words(struct words *w, const char *text)
{
	const char *p = text;
	size_t start;

	/* Never moved, so words may point into it: a word is at most its
	 * characters and a NUL, fewer bytes than the text it came from. */
	w->text = malloc(2 * strlen(text) + 2);
	if (!w->text)
		return false;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		start = w->text_len;
		p = read_word(w, p);
		if (!p)
			return true;
		if (!words_push(w, start))
			return false;
	}
	return true;
}

static void words_free(struct words *w)
{
	free(w->word);
	free(w->text);
}

/* A name is what TAP, JUnit and a table show without quoting. */
static bool valid_name(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > CHECK_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* A name a line gave, good line or bad: a name is used once in a file. */
struct seen_name {
	char name[CHECK_NAME_MAX + 1];
	int line;
};

struct file_reader {
	const char *name;        /* the file as messages name it */
	struct check_list *list;
	size_t cap;
	struct seen_name *seen;
	size_t seen_count, seen_cap;
	int bad_lines;
};

__attribute__((format(printf, 3, 4))) static void line_error(struct file_reader *r, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sonde_err("%s:%d: %s", r->name, line, text);
	r->bad_lines++;
}

/* Records name for line; false when a line before gave it (reported). */
static bool name_first_use(struct file_reader *r, int line, const char *name, int *rc)
{
	struct seen_name *grown;
	size_t i;

	for (i = 0; i < r->seen_count; i++) {
		if (strcmp(r->seen[i].name, name) == 0) {
			line_error(r, line, "check name '%s' is used twice (first on line %d)", name, r->seen[i].line);
			return false;
		}
	}
	if (r->seen_count == r->seen_cap) {
		r->seen_cap = r->seen_cap ? r->seen_cap * 2 : 16;
		grown = realloc(r->seen, r->seen_cap * sizeof(*grown));
		if (!grown) {
			*rc = -ENOMEM;
			return false;
		}
		r->seen = grown;
	}
	snprintf(r->seen[r->seen_count].name, sizeof(r->seen[0].name), "%s", name);
	r->seen[r->seen_count++].line = line;
	return true;
}

/* The command's first word names an applet ("sonde" before it is allowed,
 * as the line would be typed in a shell), and the applet's option table
 * accepts the rest. */
static bool command_ok(struct file_reader *r, int line, struct words *w, int *first)
{
	const struct sonde_applet *applet;
	char why[512];
	int refused;

	*first = w->count > 0 && strcmp(w->word[0], "sonde") == 0 ? 1 : 0;
	if (w->count <= *first) {
		line_error(r, line, *first ? "no applet after 'sonde'" : "no command after the check's name");
		return false;
	}
	if (strcmp(w->word[*first], "check") == 0) {
		line_error(r, line, "a check cannot run 'check' (one check file at a time)");
		return false;
	}
	applet = applet_find_current(w->word[*first]);
	if (!applet) {
		line_error(r, line, "'%s' is not a sonde applet (see sonde --list)", w->word[*first]);
		return false;
	}
	refused = check_args_refused(applet, w->word + *first, w->count - *first, why, sizeof(why));
	if (refused > 0) {
		line_error(r, line, "%s: %s", applet->name, why);
		return false;
	}
	return true;
}

static int add_check(struct file_reader *r, int line, const char *name, struct words *w, int first)
{
	struct check_list *list = r->list;
	struct check *c;
	int i;

	if (list->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct check *grown = realloc(list->checks, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list->checks = grown;
		r->cap = cap;
	}
	c = &list->checks[list->count];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->line = line;
	c->exit_status = -1;
	c->argc = w->count - first;
	c->argv = calloc((size_t)c->argc + 1, sizeof(*c->argv));
	if (!c->argv)
		return -ENOMEM;
	for (i = 0; i < c->argc; i++) {
		c->argv[i] = strdup(w->word[first + i]);
		if (!c->argv[i]) {
			list->count++; /* freed with the list */
			return -ENOMEM;
		}
	}
	list->count++;
	return 0;
}

/* One line of the file; returns 0 (a check added, or a bad line reported)
 * or -ENOMEM. */
static int read_line(struct file_reader *r, int line, char *text)
{
	struct words w = { 0 };
	char *colon, *name = text;
	size_t name_len;
	int first = 0, rc = 0;

	while (*name == ' ' || *name == '\t')
		name++;
	if (!*name || *name == '#')
		return 0;
	colon = strchr(name, ':');
	if (!colon) {
		line_error(r, line, "not 'NAME: APPLET ARGS...' (no ':' after a name)");
		return 0;
	}
	name_len = (size_t)(colon - name);
	while (name_len > 0 && (name[name_len - 1] == ' ' || name[name_len - 1] == '\t'))
		name_len--;
	if (!valid_name(name, name_len)) {
		line_error(r, line, "check name '%.*s' is not 1 to %d letters, digits, '_', '-' or '.'",
			   (int)(name_len > 80 ? 80 : name_len), name, CHECK_NAME_MAX);
		return 0;
	}
	name[name_len] = '\0';
	if (!name_first_use(r, line, name, &rc))
		return rc;
	if (!split_words(&w, colon + 1)) {
		rc = -ENOMEM;
	} else if (w.error) {
		line_error(r, line, "%s", w.error);
	} else if (!command_ok(r, line, &w, &first)) {
		/* reported */
	} else if (r->list->count >= CHECK_MAX_CHECKS) {
		line_error(r, line, "more than %d checks in one file", CHECK_MAX_CHECKS);
	} else {
		rc = add_check(r, line, name, &w, first);
	}
	words_free(&w);
	return rc;
}

int check_file_read(FILE *fp, const char *name, struct check_list *list)
{
	struct file_reader r = { .name = name, .list = list };
	char *text = NULL;
	size_t size = 0;
	ssize_t len;
	int line = 0, rc = 0;

	while (rc == 0 && (len = getline(&text, &size, fp)) >= 0) {
		line++;
		if (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		if (len > 0 && text[len - 1] == '\r')
			text[--len] = '\0';
		if (strlen(text) != (size_t)len)
			line_error(&r, line, "a NUL byte in the line");
		else
			rc = read_line(&r, line, text);
	}
	free(text);
	free(r.seen);
	if (rc == 0 && ferror(fp))
		rc = -EIO;
	if (rc < 0) {
		sonde_errno(rc, "cannot read %s", name);
		return SONDE_EXIT_USAGE;
	}
	if (r.bad_lines) {
		sonde_err("%d bad line%s in %s: no check was run", r.bad_lines, r.bad_lines == 1 ? "" : "s", name);
		return SONDE_EXIT_USAGE;
	}
	if (list->count == 0) {
		sonde_err("no checks in %s (lines are 'NAME: APPLET ARGS...')", name);
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

void check_list_free(struct check_list *list)
{
	size_t i;
	int j;

	for (i = 0; i < list->count; i++) {
		struct check *c = &list->checks[i];

		for (j = 0; c->argv && j < c->argc; j++)
			free(c->argv[j]);
		free(c->argv);
		free(c->out.data);
		free(c->err.data);
	}
	free(list->checks);
	list->checks = NULL;
	list->count = 0;
}
