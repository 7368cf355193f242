/* The Prometheus text exposition (format 0.0.4) of serve's answers, as the
 * Go client writes it, so that a blackbox_exporter answer and serve's can
 * be compared line for line: families sorted by name, each with HELP and
 * TYPE, samples sorted by their labels, label values escaped, numbers in
 * Go's shortest form ("0.25", "1.7e+09"). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_impl.h"

static void escape_label_value(struct strbuf *b, const char *value)
{
	for (; *value; value++) {
		if (*value == '\\')
			strbuf_puts(b, "\\\\");
		else if (*value == '"')
			strbuf_puts(b, "\\\"");
		else if (*value == '\n')
			strbuf_puts(b, "\\n");
		else
			strbuf_putc(b, *value);
	}
}

/* The labels' text from name, value pairs ending in NULL; NULL for none. */
static char *labels_text(va_list ap)
{
	struct strbuf b = { 0 };
	const char *name, *value;

	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (b.len)
			strbuf_putc(&b, ',');
		strbuf_printf(&b, "%s=\"", name);
		escape_label_value(&b, value ? value : "");
		strbuf_putc(&b, '"');
	}
	if (b.failed) {
		strbuf_free(&b);
		return NULL;
	}
	return b.data;
}

static struct expo_family *family_get(struct expo *e, const char *name, const char *help, enum expo_type type)
{
	struct expo_family *grown;

	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->families[i].name, name) == 0)
			return &e->families[i];
	grown = realloc(e->families, (e->count + 1) * sizeof(*grown));
	if (!grown) {
		e->failed = true;
		return NULL;
	}
	e->families = grown;
	grown[e->count] = (struct expo_family){ .name = name, .help = help, .type = type };
	return &grown[e->count++];
}

static struct expo_sample *sample_get(struct expo *e, struct expo_family *f, char *labels)
{
	struct expo_sample *grown;

	for (size_t i = 0; i < f->count; i++)
		if ((!labels && !f->samples[i].labels) ||
		    (labels && f->samples[i].labels && strcmp(labels, f->samples[i].labels) == 0)) {
			free(labels);
			return &f->samples[i];
		}
	grown = realloc(f->samples, (f->count + 1) * sizeof(*grown));
	if (!grown) {
		free(labels);
		e->failed = true;
		return NULL;
	}
	f->samples = grown;
	grown[f->count] = (struct expo_sample){ .labels = labels, .value = 0 };
	return &grown[f->count++];
}

void expo_declare(struct expo *e, const char *name, const char *help, enum expo_type type)
{
	family_get(e, name, help, type);
}

bool expo_has(const struct expo *e, const char *name)
{
	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->families[i].name, name) == 0)
			return true;
	return false;
}

void expo_set(struct expo *e, const char *name, const char *help, enum expo_type type, double value, ...)
{
	struct expo_family *f = family_get(e, name, help, type);
	struct expo_sample *s;
	va_list ap;

	if (!f)
		return;
	va_start(ap, value);
	s = sample_get(e, f, labels_text(ap));
	va_end(ap);
	if (s)
		s->value = value;
}

void expo_add(struct expo *e, const char *name, const char *help, double value, ...)
{
	struct expo_family *f = family_get(e, name, help, EXPO_GAUGE);
	struct expo_sample *s;
	va_list ap;

	if (!f)
		return;
	va_start(ap, value);
	s = sample_get(e, f, labels_text(ap));
	va_end(ap);
	if (s)
		s->value += value;
}

/* Go's 'g' with the shortest precision that reads back: %e form when the
 * exponent is below -4 or at least 6 (strconv's rule for shortest output),
 * so 1234567 is "1.234567e+06" and 0.25 is "0.25". */
void expo_format_double(double v, char *buf, size_t size)
{
	char mantissa[40];
	int digits, exp;

	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == 0) {
		snprintf(buf, size, signbit(v) ? "-0" : "0");
		return;
	}
	for (digits = 1; digits < 17; digits++) {
		snprintf(mantissa, sizeof(mantissa), "%.*e", digits - 1, v);
		if (strtod(mantissa, NULL) == v)
			break;
	}
	snprintf(mantissa, sizeof(mantissa), "%.*e", digits - 1, v);
	exp = atoi(strchr(mantissa, 'e') + 1);
	/* strconv: eprec = 6 for shortest, but when the digits reach the
	 * decimal point (an integer of more digits) eprec grows to them. */
	if (exp < -4 || exp >= 6)
		snprintf(buf, size, "%s", mantissa);
	else
		snprintf(buf, size, "%.*f", digits - 1 - exp > 0 ? digits - 1 - exp : 0, v);
}

static int family_cmp(const void *a, const void *b)
{
	return strcmp(((const struct expo_family *)a)->name, ((const struct expo_family *)b)->name);
}

static int sample_cmp(const void *a, const void *b)
{
	const struct expo_sample *x = a, *y = b;

	return strcmp(x->labels ? x->labels : "", y->labels ? y->labels : "");
}

static void escape_help(struct strbuf *b, const char *help)
{
	for (; *help; help++) {
		if (*help == '\\')
			strbuf_puts(b, "\\\\");
		else if (*help == '\n')
			strbuf_puts(b, "\\n");
		else
			strbuf_putc(b, *help);
	}
}

void expo_write(struct expo *e, struct strbuf *out)
{
	char number[48];

	qsort(e->families, e->count, sizeof(*e->families), family_cmp);
	for (size_t i = 0; i < e->count; i++) {
		struct expo_family *f = &e->families[i];

		if (f->count == 0)
			continue;  /* a vector without samples: Go writes nothing */
		qsort(f->samples, f->count, sizeof(*f->samples), sample_cmp);
		strbuf_printf(out, "# HELP %s ", f->name);
		escape_help(out, f->help);
		strbuf_printf(out, "\n# TYPE %s %s\n", f->name, f->type == EXPO_COUNTER ? "counter" : "gauge");
		for (size_t j = 0; j < f->count; j++) {
			expo_format_double(f->samples[j].value, number, sizeof(number));
			if (f->samples[j].labels)
				strbuf_printf(out, "%s{%s} %s\n", f->name, f->samples[j].labels, number);
			else
				strbuf_printf(out, "%s %s\n", f->name, number);
		}
	}
}

void expo_free(struct expo *e)
{
	for (size_t i = 0; i < e->count; i++) {
		for (size_t j = 0; j < e->families[i].count; j++)
			free(e->families[i].samples[j].labels);
		free(e->families[i].samples);
	}
	free(e->families);
	*e = (struct expo){ 0 };
}
