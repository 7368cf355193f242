/* The YAML that blackbox_exporter-style configuration files are written
 * in, read into a tree (libcore/yaml.c): block mappings and sequences by
 * indentation, plain and quoted scalars, one-line flow sequences of
 * scalars, comments.  The rest of YAML is refused with its line. */
#ifndef SONDE_YAML_H
#define SONDE_YAML_H

#include <stdbool.h>
#include <stddef.h>

enum yaml_kind { YAML_SCALAR, YAML_MAP, YAML_SEQ };
struct yaml_node {
	enum yaml_kind kind;
	int line;              /* a mapping's value: its key's line */
	char *key;             /* an entry of a mapping: its key */
	char *text;            /* a scalar */
	bool quoted, is_null;
	struct yaml_node *child, *next;  /* a mapping's entries, a sequence's items */
};
/* Reads text (modified): 0 with *root to free, -EINVAL with why and
 * *why_line, or -ENOMEM. */
int yaml_parse(char *text, struct yaml_node **root, char *why, size_t why_size, int *why_line);
void yaml_free(struct yaml_node *n);
/* The entry of map under key, or NULL (also when map is no mapping). */
const struct yaml_node *yaml_get(const struct yaml_node *map, const char *key);

#endif
