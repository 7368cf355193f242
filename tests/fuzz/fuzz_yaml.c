/* libFuzzer target for the YAML reader behind serve's --config: any text
 * must give a tree whose every node is well formed (a mapping's entries
 * keyed, a scalar's text set unless null, a line within the input) or a
 * refusal with a reason and a line, never a crash or a leak. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tree(const struct yaml_node *n, bool in_map, int lines, int depth)
{
	if (depth > 64)
		abort();
	for (; n; n = n->next) {
		if ((in_map && !n->key) || (!in_map && n->key && depth > 0) || n->line < 1 || n->line > lines)
			abort();
		if (n->kind == YAML_SCALAR && !n->is_null && !n->text)
			abort();
		if (n->kind != YAML_SCALAR && n->text)
			abort();
		check_tree(n->child, n->kind == YAML_MAP, lines, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), why[160];
	struct yaml_node *root = NULL;
	int lines = 1, why_line = 0, rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = yaml_parse(text, &root, why, sizeof(why), &why_line);
	if (rc == 0)
		check_tree(root, false, lines, 0);
	else if (rc == -EINVAL && (why_line < 1 || why_line > lines || !memchr(why, '\0', sizeof(why)) || !why[0]))
		abort();
	else if (rc != -EINVAL && rc != -ENOMEM)
		abort();
	if (rc == 0 && !root)
		abort();
	yaml_free(root);
	free(text);
	return 0;
}
