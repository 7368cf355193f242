/* sonde doctor: the report every section fills, shared by all of them.
 * A check is a record (status, message, typed fields); each is printed
 * (by doctor_out.c) as soon as it is final, that is once the next one is
 * added or its section ends. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor_impl.h"

void check_set_message(struct doctor_check *check, enum doctor_status status, const char *fmt, ...)
{
	va_list ap;

	if (!check)
		return;
	check->status = status;
	va_start(ap, fmt);
	vsnprintf(check->message, sizeof(check->message), fmt, ap);
	va_end(ap);
}

struct doctor_check *doctor_add(struct doctor_report *report, const char *section, const char *name,
				enum doctor_status status, const char *fmt, ...)
{
	struct doctor_check *check;
	va_list ap;

	/* Sections fill only their latest check: every earlier one is final. */
	doctor_report_flush(report);
	if (report->count == report->capacity) {
		size_t capacity = report->capacity ? report->capacity * 2 : 32;
		struct doctor_check *checks = realloc(report->checks, capacity * sizeof(*checks));

		if (!checks) {
			report->out_of_memory = true;
			return NULL;
		}
		report->checks = checks;
		report->capacity = capacity;
	}
	check = &report->checks[report->count++];
	memset(check, 0, sizeof(*check));
	check->section = section;
	snprintf(check->name, sizeof(check->name), "%s", name);
	check->status = status;
	va_start(ap, fmt);
	vsnprintf(check->message, sizeof(check->message), fmt, ap);
	va_end(ap);
	return check;
}

static struct doctor_field *field_new(struct doctor_check *check, const char *key, enum doctor_field_type type)
{
	struct doctor_field *field;

	if (!check || check->field_count >= DOCTOR_MAX_FIELDS)
		return NULL;
	field = &check->fields[check->field_count++];
	memset(field, 0, sizeof(*field));
	field->key = key;
	field->type = type;
	return field;
}

void check_str(struct doctor_check *check, const char *key, const char *value)
{
	struct doctor_field *field = field_new(check, key, value ? FIELD_STR : FIELD_NULL);

	if (field && value && !(field->v.str = strdup(value)))
		field->type = FIELD_NULL;
}

void check_int(struct doctor_check *check, const char *key, int64_t value)
{
	struct doctor_field *field = field_new(check, key, FIELD_INT);

	if (field)
		field->v.i = value;
}

void check_uint(struct doctor_check *check, const char *key, uint64_t value)
{
	struct doctor_field *field = field_new(check, key, FIELD_UINT);

	if (field)
		field->v.u = value;
}

void check_double(struct doctor_check *check, const char *key, double value)
{
	struct doctor_field *field = field_new(check, key, FIELD_DOUBLE);

	if (field)
		field->v.d = value;
}

void check_bool(struct doctor_check *check, const char *key, bool value)
{
	struct doctor_field *field = field_new(check, key, FIELD_BOOL);

	if (field)
		field->v.b = value;
}

void check_null(struct doctor_check *check, const char *key)
{
	field_new(check, key, FIELD_NULL);
}

void check_list_add(struct doctor_check *check, const char *key, const char *value)
{
	struct doctor_field *field = NULL;
	char **items, *copy;
	size_t i;

	if (!check)
		return;
	for (i = 0; i < check->field_count; i++)
		if (check->fields[i].type == FIELD_LIST && strcmp(check->fields[i].key, key) == 0)
			field = &check->fields[i];
	if (!field && !(field = field_new(check, key, FIELD_LIST)))
		return;
	if (!value)
		return;
	copy = strdup(value);
	items = copy ? realloc(field->v.list.items, (field->v.list.count + 1) * sizeof(*items)) : NULL;
	if (!items) {
		free(copy);
		return;
	}
	items[field->v.list.count++] = copy;
	field->v.list.items = items;
}

void doctor_report_free(struct doctor_report *report)
{
	size_t i, f, k;

	for (i = 0; i < report->count; i++) {
		struct doctor_check *check = &report->checks[i];

		for (f = 0; f < check->field_count; f++) {
			struct doctor_field *field = &check->fields[f];

			if (field->type == FIELD_STR)
				free(field->v.str);
			if (field->type == FIELD_LIST) {
				for (k = 0; k < field->v.list.count; k++)
					free(field->v.list.items[k]);
				free(field->v.list.items);
			}
		}
	}
	free(report->checks);
	memset(report, 0, sizeof(*report));
}

/* --- printing as checks become final ---------------------------------- */

void doctor_report_flush(struct doctor_report *report)
{
	struct sonde_out *out = report->out;

	if (!out)
		return;
	for (; report->printed < report->count; report->printed++) {
		size_t i = report->printed;
		const struct doctor_check *check = &report->checks[i];

		/* Text: a blank line between sections. */
		if (i > 0 && strcmp(check->section, report->checks[i - 1].section) != 0)
			out_text(out, "\n");
		doctor_render_check(out, check, report->verbose);
		report->status_counts[check->status]++;
	}
	fflush(stdout);
}

void doctor_report_begin(struct sonde_out *out, struct doctor_report *report, int verbose)
{
	report->out = out;
	report->verbose = verbose;
	out_open_object(out, NULL);
	out_open_array(out, "checks");
}

void doctor_report_end(struct doctor_report *report)
{
	struct sonde_out *out = report->out;
	const size_t *counts = report->status_counts;

	doctor_report_flush(report);
	out_close_array(out);
	out_open_object(out, "summary");
	out_text(out, "\nsummary: ");
	out_print_uint(out, "pass", "%llu pass, ", counts[DOCTOR_PASS]);
	out_print_uint(out, "warn", "%llu warn, ", counts[DOCTOR_WARN]);
	out_print_uint(out, "fail", "%llu fail", counts[DOCTOR_FAIL]);
	out_print_uint(out, "info", " (%llu info)\n", counts[DOCTOR_INFO]);
	out_close_object(out);
	out_close_object(out);
}
