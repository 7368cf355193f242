/* sonde conntrack, shared between its files. */
#ifndef SONDE_CONNTRACK_IMPL_H
#define SONDE_CONNTRACK_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sonde/applet.h"
#include "sonde/conntrack.h"

enum ct_command {
	CMD_NONE = 0,
	CMD_LIST,
	CMD_COUNT,
	CMD_STATS,
	CMD_EVENTS,
	CMD_GET,
	CMD_DELETE,
	CMD_SUMMARY,
};

struct ct_config {
	enum ct_command command;
	const char *command_name;        /* "-L"...: for messages */
	bool conflicting_commands;
	const char *output;              /* -o as given */
	unsigned format_flags;           /* CT_FMT_* from -o */
	struct ct_filter filter;
	bool port_given, state_given, icmp_given; /* checked against -p after parsing */
	unsigned event_groups;           /* -e: 1 << CT_EVENT_*; 0 = all */
	bool all;                        /* -D --all */
	int max_events;                  /* -E: stop after this many (0: no limit) */
	double duration_s;               /* -E: stop after this long (0: no limit) */
	int top;                         /* --summary: entries in each top list */
	char nat_waiting_value;          /* 'n' or 'g': given bare, may take the next operand */
};

/* conntrack_out.c: one entry for both modes, the conntrack-tools line in
 * text, an object in JSON (an element of the enclosing array, or an NDJSON
 * record). */
void ct_render_entry(struct sonde_out *out, const struct ct_entry *entry, unsigned format_flags,
		     const struct ct_labelmap *labels, uint64_t now_s);
/* conntrack_common.c: reports a failed kernel exchange; returns the exit code. */
int ct_report_error(int rc, const char *what);
/* Wall clock seconds, for delta-time. */
uint64_t ct_now_s(void);

/* The long-running commands, each in its own file. */
int ct_run_events(struct sonde_ctx *ctx, struct ct_config *cfg, const struct ct_labelmap *labels);
int ct_run_summary(struct sonde_ctx *ctx, struct ct_config *cfg);

#endif
