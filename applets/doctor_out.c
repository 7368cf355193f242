/* sonde doctor: one check rendered for text and JSON through one function;
 * in text a status word, its section and message (with -v its fields on
 * indented lines), in JSON an element of "checks". */
#include <stdbool.h>
#include <stddef.h>

#include "doctor_impl.h"

/* A field: in JSON a typed member; in text (with -v) an indented
 * "key: value" line under its check. */
static void render_field(struct sonde_out *out, const struct doctor_field *field, bool text_detail)
{
	size_t k;

	if (text_detail)
		out_text(out, "%*s%s:", 16, "", field->key);
	switch (field->type) {
	case FIELD_STR:
		out_print_str(out, field->key, text_detail ? " %s" : NULL, field->v.str);
		break;
	case FIELD_INT:
		out_print_int(out, field->key, text_detail ? " %lld" : NULL, field->v.i);
		break;
	case FIELD_UINT:
		out_print_uint(out, field->key, text_detail ? " %llu" : NULL, field->v.u);
		break;
	case FIELD_DOUBLE:
		out_print_double(out, field->key, text_detail ? " %.3f" : NULL, field->v.d);
		break;
	case FIELD_BOOL:
		out_print_bool(out, field->key, text_detail ? " %s" : NULL, field->v.b);
		break;
	case FIELD_NULL:
		out_print_null(out, field->key, text_detail ? " %s" : NULL, "-");
		break;
	case FIELD_LIST:
		out_open_array(out, field->key);
		for (k = 0; k < field->v.list.count; k++)
			out_print_str(out, NULL, text_detail ? " %s" : NULL, field->v.list.items[k]);
		out_close_array(out);
		break;
	}
	if (text_detail)
		out_text(out, "\n");
}

/* JSON statuses are lower case, like the summary's keys. */
static const char *status_key(enum doctor_status status)
{
	switch (status) {
	case DOCTOR_PASS: return "pass";
	case DOCTOR_WARN: return "warn";
	case DOCTOR_FAIL: return "fail";
	case DOCTOR_INFO: break;
	}
	return "info";
}

const char *doctor_status_name(enum doctor_status status)
{
	switch (status) {
	case DOCTOR_PASS: return "PASS";
	case DOCTOR_WARN: return "WARN";
	case DOCTOR_FAIL: return "FAIL";
	case DOCTOR_INFO: break;
	}
	return "INFO";
}

void doctor_render_check(struct sonde_out *out, const struct doctor_check *check, int verbose)
{
	bool json = out_is_json(out);
	size_t i;

	out_open_object(out, NULL);
	out_print_str(out, "section", NULL, check->section);
	out_print_str(out, "name", NULL, check->name);
	out_print_str(out, "status", NULL, status_key(check->status));
	out_print_str(out, "message", NULL, check->message);
	out_text(out, "%-4s  %-10s %s\n", doctor_status_name(check->status), check->section, check->message);
	for (i = 0; i < check->field_count; i++)
		if (json || verbose > 0)
			render_field(out, &check->fields[i], !json);
	out_close_object(out);
}
