/* The YAML that blackbox_exporter's configuration files are written in
 * (serve's --config), read into a tree: block mappings and sequences by indentation ("- key:
 * value" items included), plain, 'single' and "double" quoted scalars,
 * flow sequences of scalars ([NOERROR, NXDOMAIN]) and comments.  What such
 * files do not use (anchors, aliases, tags, block and multi-line scalars,
 * flow mappings, several documents) is refused with its line, never read
 * half-way: a module must mean here what it means to blackbox_exporter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/yaml.h"

#define YAML_MAX_DEPTH 32

struct yaml_line {
	int indent, number;
	char *content;         /* trimmed, comment cut off; points into the copy */
};

struct yaml_reader {
	struct yaml_line *lines;
	size_t count, pos;
	int depth;
	char *why;
	size_t why_size;
	int why_line;
};

static struct yaml_node *node_new(enum yaml_kind kind, int line)
{
	struct yaml_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->line = line;
	}
	return n;
}

void yaml_free(struct yaml_node *n)
{
	while (n) {
		struct yaml_node *next = n->next;

		yaml_free(n->child);
		free(n->key);
		free(n->text);
		free(n);
		n = next;
	}
}

static struct yaml_node *refuse(struct yaml_reader *r, int line, const char *why)
{
	if (!r->why_line) {
		snprintf(r->why, r->why_size, "%s", why);
		r->why_line = line;
	}
	return NULL;
}

/* Where a comment starts: '#' at the start or after a blank, outside
 * quotes. */
static char *comment_start(char *s)
{
	char quote = 0;

	for (char *c = s; *c; c++) {
		if (quote) {
			if (*c == quote)
				quote = 0;
			else if (quote == '"' && *c == '\\' && c[1])
				c++;
		} else if (*c == '\'' || *c == '"') {
			if (c == s || c[-1] == ' ' || c[-1] == '\t' || c[-1] == '[' || c[-1] == ',' ||
			    c[-1] == ':' || c[-1] == '-')
				quote = *c;
		} else if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
			return c;
		}
	}
	return NULL;
}

static void trim_end(char *s)
{
	size_t len = strlen(s);

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = '\0';
}

/* Splits text (modified) into the lines that hold something. */
static int split_lines(struct yaml_reader *r, char *text)
{
	size_t cap = 0;
	int number = 0;

	for (char *line = text; line; ) {
		char *nl = strchr(line, '\n'), *cut;
		int indent = 0;

		if (nl)
			*nl = '\0';
		number++;
		while (line[indent] == ' ')
			indent++;
		if (line[indent] == '\t')
			return refuse(r, number, "a tab in the indentation"), -EINVAL;
		if ((cut = comment_start(line + indent)) != NULL)
			*cut = '\0';
		trim_end(line);
		if (line[indent] && !(number == 1 && strcmp(line, "---") == 0)) {
			if (r->count == cap) {
				struct yaml_line *grown = realloc(r->lines, (cap = cap ? cap * 2 : 64) * sizeof(*grown));

				if (!grown)
					return -ENOMEM;
				r->lines = grown;
			}
			r->lines[r->count++] = (struct yaml_line){ indent, number, line + indent };
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* A double-quoted scalar's escapes, as YAML defines the common ones. */
static int unescape_double(const char *s, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\') {
			out[n++] = s[i];
			continue;
		}
		if (++i == len)
			return -EINVAL;
		switch (s[i]) {
		case '\\': case '"': case '/': case ' ': out[n++] = s[i]; break;
		case 't': out[n++] = '\t'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case '0': out[n++] = '\0'; break;
		default: return -EINVAL;
		}
	}
	out[n] = '\0';
	return 0;
}

/* The scalar s[0..len) unquoted into a new node, or NULL with the reason. */
static struct yaml_node *scalar(struct yaml_reader *r, int line, const char *s, size_t len)
{
	struct yaml_node *n;
	char *text = malloc(len + 1);

	if (!text)
		return refuse(r, line, "out of memory");
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		if (unescape_double(s + 1, len - 2, text) < 0) {
			free(text);
			return refuse(r, line, "an escape in a double-quoted string that is not \\\\ \\\" \\t \\n \\r \\0");
		}
	} else if (len >= 2 && s[0] == '\'' && s[len - 1] == '\'') {
		size_t k = 0;

		for (size_t i = 1; i + 1 < len; i++) {
			text[k++] = s[i];
			i += s[i] == '\'' && s[i + 1] == '\'';
		}
		text[k] = '\0';
	} else if (len && strchr("&*!|>{%@`'\"", s[0])) {
		free(text);
		return refuse(r, line, "anchors, aliases, tags, block scalars and flow mappings are not read");
	} else {
		memcpy(text, s, len);
		text[len] = '\0';
	}
	n = node_new(YAML_SCALAR, line);
	if (!n) {
		free(text);
		return refuse(r, line, "out of memory");
	}
	n->text = text;
	n->quoted = len && (s[0] == '"' || s[0] == '\'');
	return n;
}

/* The end of the quoted scalar starting at s (at its closing quote), or
 * NULL. */
static const char *quote_end(const char *s)
{
	for (const char *c = s + 1; *c; c++) {
		if (*c == '\\' && s[0] == '"' && c[1])
			c++;
		else if (*c == s[0] && s[0] == '\'' && c[1] == '\'')
			c++;
		else if (*c == s[0])
			return c;
	}
	return NULL;
}

/* "[a, 'b', "c"]": a sequence of scalars on one line. */
static struct yaml_node *flow_sequence(struct yaml_reader *r, int line, const char *s)
{
	struct yaml_node *seq = node_new(YAML_SEQ, line), **tail;
	const char *p = s + 1;

	if (!seq)
		return refuse(r, line, "out of memory");
	tail = &seq->child;
	for (;;) {
		const char *end;
		size_t len;

		while (*p == ' ')
			p++;
		if (*p == ']' && !seq->child && p[1] == '\0')
			return seq;
		end = (*p == '"' || *p == '\'') ? quote_end(p) : NULL;
		end = end ? end + 1 : p + strcspn(p, ",]");
		len = (size_t)(end - p);
		while (len && p[len - 1] == ' ')
			len--;
		if (*end == ' ')
			end += strspn(end, " ");
		if (!len || strchr("[{", *p) || (*end != ',' && *end != ']') || (*end == ']' && end[1])) {
			yaml_free(seq);
			return refuse(r, line, "a flow sequence other than [scalar, ...]");
		}
		if (!(*tail = scalar(r, line, p, len))) {
			yaml_free(seq);
			return NULL;
		}
		tail = &(*tail)->next;
		if (*end == ']')
			return seq;
		p = end + 1;
	}
}

static struct yaml_node *inline_value(struct yaml_reader *r, int line, const char *s)
{
	if (s[0] == '[')
		return flow_sequence(r, line, s);
	return scalar(r, line, s, strlen(s));
}

/* Where "key:" ends in s (at the colon followed by a blank or the end),
 * outside quotes; NULL when s is no mapping entry. */
static char *key_colon(char *s)
{
	char *c = s;

	if (*s == '"' || *s == '\'') {
		const char *end = quote_end(s);

		if (!end)
			return NULL;
		c = (char *)end + 1;
	}
	for (; *c; c++)
		if (*c == ':' && (c[1] == ' ' || c[1] == '\0'))
			return c;
	return NULL;
}

static bool is_item(const char *content)
{
	return content[0] == '-' && (content[1] == ' ' || content[1] == '\0');
}

static struct yaml_node *block(struct yaml_reader *r, int indent);

/* A null: "key:" with nothing under it. */
static struct yaml_node *null_node(struct yaml_reader *r, int line)
{
	struct yaml_node *n = node_new(YAML_SCALAR, line);

	if (!n)
		return refuse(r, line, "out of memory");
	n->is_null = true;
	return n;
}

/* The value of "key:" or "-" with nothing after it on its line. */
static struct yaml_node *value_below(struct yaml_reader *r, int indent, int line, bool in_map)
{
	if (r->pos < r->count && r->lines[r->pos].indent > indent)
		return block(r, r->lines[r->pos].indent);
	/* key:
	 * - item        (a sequence may sit at its key's indentation) */
	if (in_map && r->pos < r->count && r->lines[r->pos].indent == indent && is_item(r->lines[r->pos].content))
		return block(r, indent);
	return null_node(r, line);
}

static bool key_taken(const struct yaml_node *map, const char *key)
{
	for (const struct yaml_node *n = map->child; n; n = n->next)
		if (strcmp(n->key, key) == 0)
			return true;
	return false;
}

static struct yaml_node *mapping(struct yaml_reader *r, int indent)
{
	struct yaml_node *map = node_new(YAML_MAP, r->lines[r->pos].number), **tail;

	if (!map)
		return refuse(r, r->lines[r->pos].number, "out of memory");
	tail = &map->child;
	while (r->pos < r->count && r->lines[r->pos].indent == indent) {
		struct yaml_line *l = &r->lines[r->pos];
		char *colon = key_colon(l->content), *value;
		struct yaml_node *key;

		if (!colon || is_item(l->content))
			return yaml_free(map), refuse(r, l->number, "expected 'key: value'");
		*colon = '\0';
		value = colon + 1 + strspn(colon + 1, " ");
		key = scalar(r, l->number, l->content, strlen(l->content));
		if (!key)
			return yaml_free(map), NULL;
		if (key_taken(map, key->text)) {
			yaml_free(key);
			return yaml_free(map), refuse(r, l->number, "a key given twice");
		}
		r->pos++;
		*tail = *value ? inline_value(r, l->number, value) : value_below(r, indent, l->number, true);
		if (!*tail) {
			yaml_free(key);
			return yaml_free(map), NULL;
		}
		(*tail)->key = key->text;
		(*tail)->line = l->number;  /* a value below its key is named by the key's line */
		key->text = NULL;
		yaml_free(key);
		tail = &(*tail)->next;
	}
	if (r->pos < r->count && r->lines[r->pos].indent > indent)
		return yaml_free(map), refuse(r, r->lines[r->pos].number, "bad indentation");
	return map;
}

static struct yaml_node *sequence(struct yaml_reader *r, int indent)
{
	struct yaml_node *seq = node_new(YAML_SEQ, r->lines[r->pos].number), **tail;

	if (!seq)
		return refuse(r, r->lines[r->pos].number, "out of memory");
	tail = &seq->child;
	while (r->pos < r->count && r->lines[r->pos].indent == indent && is_item(r->lines[r->pos].content)) {
		struct yaml_line *l = &r->lines[r->pos];
		int offset = 1 + (int)strspn(l->content + 1, " ");

		if (!l->content[offset]) {
			r->pos++;
			*tail = value_below(r, indent, l->number, false);
		} else if (key_colon(l->content + offset) || is_item(l->content + offset)) {
			/* "- key: value": a mapping whose keys line up after the dash */
			l->content += offset;
			l->indent += offset;
			*tail = block(r, l->indent);
		} else {
			r->pos++;
			*tail = inline_value(r, l->number, l->content + offset);
		}
		if (!*tail)
			return yaml_free(seq), NULL;
		tail = &(*tail)->next;
	}
	if (r->pos < r->count && r->lines[r->pos].indent > indent)
		return yaml_free(seq), refuse(r, r->lines[r->pos].number, "bad indentation");
	return seq;
}

/* The node whose first line is the current one, at indent. */
static struct yaml_node *block(struct yaml_reader *r, int indent)
{
	struct yaml_line *l = &r->lines[r->pos];
	struct yaml_node *n;

	if (++r->depth > YAML_MAX_DEPTH)
		return refuse(r, l->number, "nested too deep");
	if (is_item(l->content)) {
		n = sequence(r, indent);
	} else if (key_colon(l->content)) {
		n = mapping(r, indent);
	} else {
		r->pos++;
		n = inline_value(r, l->number, l->content);
		if (n && r->pos < r->count && r->lines[r->pos].indent >= indent) {
			yaml_free(n);
			n = refuse(r, r->lines[r->pos].number, "a scalar over several lines");
		}
	}
	r->depth--;
	return n;
}

int yaml_parse(char *text, struct yaml_node **root, char *why, size_t why_size, int *why_line)
{
	struct yaml_reader r = { .why = why, .why_size = why_size };
	int rc = split_lines(&r, text);

	*root = NULL;
	if (rc == 0 && r.count == 0)
		refuse(&r, 1, "empty");
	else if (rc == 0 && r.lines[0].indent != 0)
		refuse(&r, r.lines[0].number, "bad indentation");
	else if (rc == 0)
		*root = block(&r, 0);
	if (rc == 0 && *root && r.pos < r.count) {
		yaml_free(*root);
		*root = refuse(&r, r.lines[r.pos].number, "bad indentation");
	}
	free(r.lines);
	*why_line = r.why_line;
	if (rc == -ENOMEM || (!*root && !r.why_line))
		return -ENOMEM;
	return *root ? 0 : -EINVAL;
}

const struct yaml_node *yaml_get(const struct yaml_node *map, const char *key)
{
	for (const struct yaml_node *n = map->kind == YAML_MAP ? map->child : NULL; n; n = n->next)
		if (strcmp(n->key, key) == 0)
			return n;
	return NULL;
}
