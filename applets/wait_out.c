/* wait's output: with --json one record per attempt and a summary (NDJSON);
 * in text, nothing on stdout (the command run next owns it), a progress
 * line on a terminal's stderr, and on timeout one line per target that was
 * not ready, saying why, so that a CI log explains itself. */
#include <stdio.h>
#include <string.h>

#include "sonde/clock.h"
#include "sonde/err.h"
#include "wait_impl.h"

static void print_peer(struct sonde_out *out, const struct wait_target *t)
{
	char text[ADDR_STRLEN];

	if (t->at.have_peer) {
		out_print_str(out, "address", NULL, addr_ntop(&t->at.peer, text, sizeof(text)));
		out_print_uint(out, "port", NULL, addr_port(&t->at.peer));
	} else {
		out_print_null(out, "address", NULL, NULL);
		out_print_null(out, "port", NULL, NULL);
	}
}

void wait_out_attempt(struct sonde_out *out, const struct wait_target *t, const struct wait_verdict *v,
		      int64_t elapsed_ms)
{
	if (!out_is_json(out))
		return;
	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "attempt");
	out_print_str(out, "target", NULL, t->text);
	out_print_str(out, "kind", NULL, wait_kind_name(t->kind));
	out_print_uint(out, "attempt", NULL, t->attempts);
	out_print_bool(out, "ready", NULL, v->ready);
	out_print_str(out, "reason", NULL, v->reason);
	if (t->kind != WAIT_DNS)
		print_peer(out, t);
	out_print_double(out, "time_ms", NULL, ns_to_ms(mono_ns() - t->at.start_ns));
	out_print_int(out, "elapsed_ms", NULL, elapsed_ms);
	out_close_object(out);
	fflush(out->fp);
}

void wait_out_summary(struct sonde_out *out, const struct wait_config *cfg, const struct wait_target *targets,
		      size_t count, bool ready, int64_t elapsed_ms)
{
	size_t i;

	if (!out_is_json(out))
		return;
	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "summary");
	out_print_bool(out, "ready", NULL, ready);
	out_print_str(out, "mode", NULL, cfg->any ? "any" : "all");
	out_print_int(out, "elapsed_ms", NULL, elapsed_ms);
	out_print_int(out, "timeout_ms", NULL, cfg->timeout_ms);
	out_open_array(out, "targets");
	for (i = 0; i < count; i++) {
		const struct wait_target *t = &targets[i];

		out_open_object(out, NULL);
		out_print_str(out, "target", NULL, t->text);
		out_print_str(out, "kind", NULL, wait_kind_name(t->kind));
		out_print_bool(out, "ready", NULL, t->ready);
		out_print_uint(out, "attempts", NULL, t->attempts);
		if (t->attempts)
			out_print_str(out, "reason", NULL, t->reason);
		else
			out_print_null(out, "reason", NULL, NULL);
		out_close_object(out);
	}
	out_close_array(out);
	out_close_object(out);
	fflush(out->fp);
}

/* The first target not ready, and why, for the progress line. */
static const struct wait_target *first_waiting(const struct wait_target *targets, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (!targets[i].ready)
			return &targets[i];
	return NULL;
}

void wait_progress(const struct wait_target *targets, size_t count, int64_t elapsed_ms)
{
	const struct wait_target *t = first_waiting(targets, count);
	size_t ready = 0, i;
	char line[512];

	for (i = 0; i < count; i++)
		ready += targets[i].ready;
	snprintf(line, sizeof(line), "waiting %.1fs: %zu/%zu ready; %s: %s", elapsed_ms / 1000.0, ready, count,
		 t ? t->text : "", t && t->attempts ? t->reason : "trying");
	fputs("\r\033[K", stderr);
	text_write_escaped(stderr, line);
	fflush(stderr);
}

void wait_progress_clear(void)
{
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

void wait_report_timeout(const struct wait_config *cfg, const struct wait_target *targets, size_t count,
			 int64_t elapsed_ms)
{
	size_t ready = 0, i;

	for (i = 0; i < count; i++) {
		const struct wait_target *t = &targets[i];

		ready += t->ready;
		if (!t->ready)
			sonde_err("%s: %s (%u attempt%s)", t->text, t->attempts ? t->reason : "not tried",
				  t->attempts, t->attempts == 1 ? "" : "s");
	}
	sonde_err("timed out after %.1fs: %zu of %zu target%s ready%s", elapsed_ms / 1000.0, ready, count,
		  count == 1 ? "" : "s", cfg->any ? " (--any)" : "");
}
