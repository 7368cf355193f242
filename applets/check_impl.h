/* check's pieces: check.c (options, main), check_file.c (the check file:
 * lines, words, names), check_args.c (each command line read by its
 * applet's option table before anything runs), check_run.c (each check a
 * process of its own, in parallel, with a deadline and its output kept),
 * check_out.c (the table, TAP and JSON reports), check_junit.c (the JUnit
 * XML file), check_common.c (what the reports share).  They share the list
 * of checks, which the file fills and the run completes. */
#ifndef SONDE_CHECK_IMPL_H
#define SONDE_CHECK_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sonde/applet.h"
#include "sonde/out.h"
#include "sonde/strbuf.h"

#define CHECK_NAME_MAX 64
/* A file of more checks than this is refused rather than run for hours. */
#define CHECK_MAX_CHECKS 4096
/* Of each stream of a check's output, the last this many bytes are kept. */
#define CHECK_CAPTURE_MAX (64 * 1024)
/* A check past its deadline gets SIGTERM, then SIGKILL this much later. */
#define CHECK_KILL_GRACE_MS 2000

enum check_report { CHECK_REPORT_TABLE, CHECK_REPORT_TAP, CHECK_REPORT_JSON };

struct check_config {
	bool tap;
	const char *junit_path;  /* --junit FILE, or NULL */
	int64_t timeout_ms;      /* --timeout: each check's deadline */
	int jobs;                /* --jobs: checks running at once */
};

enum check_result {
	CHECK_NOT_RUN,      /* never started (the run was interrupted first) */
	CHECK_PASS,         /* exited 0 */
	CHECK_FAIL,         /* exited non-zero, or was killed by a signal */
	CHECK_TIMEOUT,      /* killed at its deadline */
	CHECK_INTERRUPTED,  /* killed because check itself got SIGINT/SIGTERM */
	CHECK_ERROR,        /* could not be started (fork or pipe failed) */
};

/* The last CHECK_CAPTURE_MAX bytes of one output stream. */
struct check_capture {
	char *data;              /* NUL-terminated once anything was read */
	size_t len, cap;
	uint64_t dropped_bytes;  /* cut from the front to stay in bounds */
};

struct check {
	char name[CHECK_NAME_MAX + 1];
	int line;                /* in the check file, from 1 */
	char **argv;             /* the applet's name, its arguments, NULL */
	int argc;
	/* Filled by the run. */
	enum check_result result;
	int exit_status;         /* -1 when the process did not exit by itself */
	int term_signal;         /* the signal that ended it, or 0 */
	int start_errno;         /* CHECK_ERROR's cause */
	int64_t start_ns, end_ns;
	struct check_capture out, err;
};

struct check_list {
	struct check *checks;
	size_t count;
	const char *file_name;   /* as given: a path, or "-" */
	int64_t run_ns;          /* the whole run's wall time */
	time_t started_at;       /* the run's start, for JUnit's timestamp */
	int stop_signal;         /* SIGINT or SIGTERM that stopped the run, or 0 */
};

/* check_file.c: reads the file (fp, named name in messages) into list.
 * Returns 0, or SONDE_EXIT_USAGE once every bad line is reported. */
int check_file_read(FILE *fp, const char *name, struct check_list *list);
void check_list_free(struct check_list *list);

/* check_args.c: 1 when the applet's option table refuses argv (argv[0]
 * the applet's name), with the applet's message in why; 0 when it accepts
 * it (or -errno when it could not be asked: the run will tell). */
int check_args_refused(const struct sonde_applet *applet, char **argv, int argc, char *why, size_t size);

/* check_run.c: runs every check of list, cfg->jobs at a time, until all
 * ended or a SIGINT/SIGTERM stopped the run (list->stop_signal).  Returns
 * 0, or -errno when the run could not be set up at all. */
int check_run_all(struct check_list *list, const struct check_config *cfg);
/* 0 when this binary can run itself again (/proc/self/exe), or -errno. */
int check_self_runnable(void);

/* check_out.c */
/* The report on out: the table (text), TAP, or one JSON document. */
/* error and exit_code: the run's failure (an interrupt), which JSON
 * carries in its document (docs/json.md); error NULL for none. */
void check_report(struct sonde_out *out, enum check_report kind, const struct check_list *list,
		  const struct check_config *cfg, const char *error, int exit_code);
/* What a person reads about a check's end in one line: "exit 1: sonde nc:
 * ...", "timed out after 5s", "killed by SIGSEGV"; "" for a pass. */
void check_reason(const struct check *c, const struct check_config *cfg, char *buf, size_t size);
/* The last non-empty line of the check's stderr (else its stdout), or "". */
void check_last_line(const struct check *c, char *buf, size_t size);
const char *check_result_word(enum check_result result);
size_t check_count(const struct check_list *list, enum check_result result);
/* The command as one line, words quoted where the check file needed it. */
void check_command_text(const struct check *c, struct strbuf *b);

/* check_junit.c: the JUnit XML report on fp; returns 0 or -errno. */
int check_junit_write(FILE *fp, const struct check_list *list, const struct check_config *cfg);

#endif
