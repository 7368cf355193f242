/* /proc/net/snmp and friends into tables of named counters (see
 * sonde/snmpstat.h).  The text is copied once and cut in place: names point
 * into the copy, so a set costs its text plus two arrays. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sonde/snmpstat.h"

/* /proc files report size 0: read until EOF, doubling the buffer. */
#define SNMPSTAT_READ_CHUNK 8192
#define SNMPSTAT_MAX_BYTES (16u << 20)

static int add_table(struct snmpstat *set, const char *name)
{
	struct snmpstat_table *tables = realloc(set->tables, (set->table_count + 1) * sizeof(*tables));

	if (!tables)
		return -ENOMEM;
	set->tables = tables;
	tables[set->table_count].name = name;
	tables[set->table_count].first = set->counter_count;
	tables[set->table_count].count = 0;
	set->table_count++;
	return 0;
}

static uint64_t parse_value(const char *word, bool *negative)
{
	char *end;
	uint64_t value;

	*negative = word[0] == '-';
	value = strtoull(word, &end, 10);
	return end == word ? 0 : value;
}

/* Appends a counter to the last table. */
static int add_counter(struct snmpstat *set, const char *name, const char *value_word)
{
	struct snmpstat_counter *counters;

	if (set->counter_count == set->counter_capacity) {
		size_t capacity = set->counter_capacity ? set->counter_capacity * 2 : 256;

		counters = realloc(set->counters, capacity * sizeof(*counters));
		if (!counters)
			return -ENOMEM;
		set->counters = counters;
		set->counter_capacity = capacity;
	}
	counters = &set->counters[set->counter_count++];
	counters->name = name;
	counters->value = parse_value(value_word, &counters->negative);
	set->tables[set->table_count - 1].count++;
	return 0;
}

/* Cuts the next whitespace-separated word out of *cursor (NULL at the end). */
static char *next_word(char **cursor)
{
	char *word = *cursor + strspn(*cursor, " \t\r");
	size_t len = strcspn(word, " \t\r");

	if (len == 0)
		return NULL;
	*cursor = word + len;
	if (**cursor)
		*(*cursor)++ = '\0';
	return word;
}

/* Splits "Title: rest" in place; NULL if the line has no title. */
static char *line_title(char *line, char **rest)
{
	char *colon = strchr(line, ':');

	if (!colon || colon == line)
		return NULL;
	*colon = '\0';
	*rest = colon + 1;
	return line;
}

static char *next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen(line);
	}
	return line;
}

static int parse_pair(struct snmpstat *set, char *header_title, char *names, char *values)
{
	char *name, *value;
	int rc = add_table(set, header_title);

	while (rc == 0 && (name = next_word(&names)) != NULL && (value = next_word(&values)) != NULL)
		rc = add_counter(set, name, value);
	return rc;
}

static int parse_pairs(struct snmpstat *set, char *cursor)
{
	char *header = NULL, *header_title = NULL, *names = NULL, *line;
	int rc = 0;

	while (rc == 0 && (line = next_line(&cursor)) != NULL) {
		char *rest, *title = line_title(line, &rest);

		if (!title)
			continue;             /* blank or malformed: skipped */
		if (header && strcmp(title, header_title) == 0) {
			rc = parse_pair(set, header_title, names, rest);
			header = NULL;
			continue;
		}
		/* A new header (or a value line that lost its header: it starts over). */
		header = line;
		header_title = title;
		names = rest;
	}
	return rc;
}

/* "Icmp6OutType133" belongs to "Icmp6": the name up to its first digit. */
static size_t prefix_len(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if (isdigit((unsigned char)name[i]))
			return i + 1;
	return i;
}

static int parse_lines(struct snmpstat *set, char *cursor, const char *table_name, char *prefixes)
{
	char *line, *current = NULL;
	int rc = 0;

	if (table_name)
		rc = add_table(set, table_name);
	while (rc == 0 && (line = next_line(&cursor)) != NULL) {
		char *name = next_word(&line), *value = name ? next_word(&line) : NULL;

		if (!value)
			continue;
		if (!table_name) {
			size_t len = prefix_len(name);

			if (!current || strncmp(current, name, len) != 0 || current[len] != '\0') {
				/* The prefix lives after the text: the name itself stays whole. */
				memcpy(prefixes, name, len);
				prefixes[len] = '\0';
				current = prefixes;
				prefixes += len + 1;
				rc = add_table(set, current);
			}
		}
		if (rc == 0)
			rc = add_counter(set, name, value);
	}
	return rc;
}

int snmpstat_parse(struct snmpstat *set, const char *text, size_t len, enum snmpstat_layout layout,
		   const char *table_name)
{
	memset(set, 0, sizeof(*set));
	/* The copy, then room for the snmp6 table names (each shorter than its line). */
	set->text = malloc(2 * len + 2);
	if (!set->text)
		return -ENOMEM;
	memcpy(set->text, text, len);
	set->text[len] = '\0';
	/* An embedded NUL ends the text: what follows it is not read. */
	if (layout == SNMPSTAT_PAIRS)
		return parse_pairs(set, set->text);
	return parse_lines(set, set->text, table_name, set->text + len + 1);
}

int snmpstat_read(struct snmpstat *set, const char *path, enum snmpstat_layout layout, const char *table_name)
{
	size_t used = 0, cap = SNMPSTAT_READ_CHUNK;
	char *buf = malloc(cap), *grown;
	int fd, rc;
	ssize_t n;

	memset(set, 0, sizeof(*set));
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(buf);
		return rc;
	}
	while ((n = read(fd, buf + used, cap - used)) > 0) {
		used += (size_t)n;
		if (used == cap && cap < SNMPSTAT_MAX_BYTES) {
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		} else if (used == cap) {
			break;
		}
	}
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		rc = snmpstat_parse(set, buf, used, layout, table_name);
	free(buf);
	return rc;
}

void snmpstat_free(struct snmpstat *set)
{
	free(set->tables);
	free(set->counters);
	free(set->text);
	memset(set, 0, sizeof(*set));
}

const struct snmpstat_table *snmpstat_table(const struct snmpstat *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->table_count; i++)
		if (strcmp(set->tables[i].name, name) == 0)
			return &set->tables[i];
	return NULL;
}

const struct snmpstat_counter *snmpstat_find(const struct snmpstat *set, const char *table, const char *name)
{
	const struct snmpstat_table *t = snmpstat_table(set, table);
	size_t i;

	for (i = 0; t && i < t->count; i++)
		if (strcmp(set->counters[t->first + i].name, name) == 0)
			return &set->counters[t->first + i];
	return NULL;
}
