/* sonde doctor, shared between its files: the report (a list of check
 * records, each with typed fields) and the sections that fill it.
 * Collect, then render: the sections only add records; the report
 * (doctor_common.c) renders them all through one function for text and
 * JSON (doctor_out.c). */
#ifndef SONDE_DOCTOR_IMPL_H
#define SONDE_DOCTOR_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/out.h"

enum doctor_status { DOCTOR_INFO, DOCTOR_PASS, DOCTOR_WARN, DOCTOR_FAIL };

enum doctor_field_type { FIELD_STR, FIELD_INT, FIELD_UINT, FIELD_DOUBLE, FIELD_BOOL, FIELD_NULL, FIELD_LIST };

struct doctor_field {
	const char *key;              /* a string literal */
	enum doctor_field_type type;
	union {
		char *str;            /* FIELD_STR: owned */
		int64_t i;
		uint64_t u;
		double d;
		bool b;
		struct {
			char **items; /* FIELD_LIST: owned strings */
			size_t count;
		} list;
	} v;
};

#define DOCTOR_MAX_FIELDS 20
#define DOCTOR_MESSAGE_LEN 512

struct doctor_check {
	const char *section;          /* "identity", "dns"...: a string literal */
	char name[48];                /* what was checked: "hostname", "nameserver"... */
	enum doctor_status status;
	char message[DOCTOR_MESSAGE_LEN];
	struct doctor_field fields[DOCTOR_MAX_FIELDS];
	size_t field_count;
};

/* Checks are printed as they finish (a nameserver that never answers must
 * not hold back what is already known): a check is final once the next one
 * is added or its section ends, and doctor_report_flush prints the final
 * ones not yet printed. */
struct doctor_report {
	struct doctor_check *checks;
	size_t count, capacity;
	bool out_of_memory;
	struct sonde_out *out;        /* where finished checks go; NULL: collect only */
	int verbose;
	size_t printed;               /* checks[0..printed) are out */
	size_t status_counts[4];      /* of the printed checks, by enum doctor_status */
};

struct doctor_config {
	double timeout_s;             /* for each network check */
	int verbose;
	/* Set by main before the sections run. */
	int timeout_ms;
	const char *netns;            /* --netns as given, or NULL */
	const char *resolv_conf_path; /* the file the checks read */
};

/* doctor_common.c: the report.  Adds a record; NULL when memory ran out (the field setters accept NULL,
 * so sections need not check). */
__attribute__((format(printf, 5, 6))) struct doctor_check *
doctor_add(struct doctor_report *report, const char *section, const char *name, enum doctor_status status,
	   const char *fmt, ...);
__attribute__((format(printf, 3, 4))) void check_set_message(struct doctor_check *check,
							     enum doctor_status status, const char *fmt, ...);
void check_str(struct doctor_check *check, const char *key, const char *value); /* NULL: JSON null */
void check_int(struct doctor_check *check, const char *key, int64_t value);
void check_uint(struct doctor_check *check, const char *key, uint64_t value);
void check_double(struct doctor_check *check, const char *key, double value);
void check_bool(struct doctor_check *check, const char *key, bool value);
void check_null(struct doctor_check *check, const char *key);
/* Appends value to the list field key (created empty by the first call;
 * value NULL only creates it). */
void check_list_add(struct doctor_check *check, const char *key, const char *value);

void doctor_report_free(struct doctor_report *report);
/* Opens the document on out (checks then print there as they become final)
 * and closes it with the summary of the statuses. */
void doctor_report_begin(struct sonde_out *out, struct doctor_report *report, int verbose);
void doctor_report_end(struct doctor_report *report);
/* Prints the checks not printed yet (all of them: call between sections). */
void doctor_report_flush(struct doctor_report *report);

/* doctor_out.c: one record, text or JSON (the JSON form is an element of
 * "checks"). */
void doctor_render_check(struct sonde_out *out, const struct doctor_check *check, int verbose);
const char *doctor_status_name(enum doctor_status status);

/* doctor_dns.c: the resolv.conf the DNS checks read: $SONDE_RESOLV_CONF if set; with
 * --netns NAME the file `ip netns exec NAME` would bind-mount
 * (/etc/netns/NAME/resolv.conf), with --netns PID that process's own
 * (/proc/PID/root/etc/resolv.conf), when they exist; else /etc/resolv.conf. */
const char *doctor_resolv_conf_path(const char *netns);

/* The sections, in report order.  Hostname and namespace, uid and
 * capabilities (doctor_identity.c). */
void doctor_check_identity(struct doctor_report *report, const struct doctor_config *config);
void doctor_check_privileges(struct doctor_report *report, const struct doctor_config *config);
/* Interfaces and routes share one netlink snapshot (doctor_net.c). */
void doctor_check_network(struct doctor_report *report, const struct doctor_config *config);
/* Default gateway's neighbour state, veth peer MTUs, lo addresses (doctor_routing.c). */
void doctor_check_routing(struct doctor_report *report, const struct doctor_config *config);
void doctor_check_dns(struct doctor_report *report, const struct doctor_config *config);
/* Listening sockets, CLOSE_WAIT and SYN_RECV counts (doctor_sockets.c). */
void doctor_check_sockets(struct doctor_report *report, const struct doctor_config *config);
/* The connection-tracking table's fill and error counters (doctor_conntrack.c). */
void doctor_check_conntrack(struct doctor_report *report, const struct doctor_config *config);
void doctor_check_kubernetes(struct doctor_report *report, const struct doctor_config *config);

#endif
