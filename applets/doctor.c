/* sonde doctor: a one-shot diagnosis of the network this process finds
 * itself in — identity, privileges, interfaces, routes, DNS and, inside a
 * Kubernetes pod, the cluster DNS and API server.  Every check becomes a
 * record (status, message, typed fields); each record is rendered once it
 * is final, as text or as an element of one JSON document. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "doctor_impl.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/netns.h"

/* --- the report ------------------------------------------------------ */

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

/* --- rendering ------------------------------------------------------- */

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

static void report_begin(struct sonde_out *out, struct doctor_report *report, int verbose)
{
	report->out = out;
	report->verbose = verbose;
	out_open_object(out, NULL);
	out_open_array(out, "checks");
}

static void report_end(struct doctor_report *report)
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

/* --- identity and privileges ----------------------------------------- */

void doctor_check_identity(struct doctor_report *report, const struct doctor_config *config)
{
	struct doctor_check *check;
	struct utsname uts;
	unsigned long inode;

	/* uname() asks the kernel (the UTS namespace): no /etc/hostname needed. */
	if (uname(&uts) < 0 || !uts.nodename[0] || strcmp(uts.nodename, "(none)") == 0) {
		check = doctor_add(report, "identity", "hostname", DOCTOR_WARN, "hostname is not set");
		check_null(check, "hostname");
	} else {
		check = doctor_add(report, "identity", "hostname", DOCTOR_INFO, "hostname %s", uts.nodename);
		check_str(check, "hostname", uts.nodename);
	}

	inode = netns_current_inode();
	if (inode == 0) {
		check = doctor_add(report, "identity", "netns", DOCTOR_WARN,
				   "network namespace unknown: cannot read /proc/self/ns/net (is /proc mounted?)");
		check_null(check, "inode");
	} else {
		check = doctor_add(report, "identity", "netns", DOCTOR_INFO, "network namespace net:[%lu]%s%s",
				   inode, config->netns ? ", entered with --netns " : "",
				   config->netns ? config->netns : "");
		check_uint(check, "inode", inode);
	}
	check_str(check, "netns", config->netns);
}

static void check_capability(struct doctor_report *report, int cap, const char *name, const char *gives,
			     const char *without)
{
	bool present = caps_have(cap);
	struct doctor_check *check;

	if (present)
		check = doctor_add(report, "privileges", name, DOCTOR_PASS, "%s present: %s", caps_name(cap), gives);
	else
		check = doctor_add(report, "privileges", name, DOCTOR_WARN, "%s missing: %s", caps_name(cap),
				   without);
	check_str(check, "capability", caps_name(cap));
	check_bool(check, "present", present);
}

static void check_ping_sockets(struct doctor_report *report)
{
	bool net_raw = caps_have(CAP_NET_RAW), allowed;
	struct doctor_check *check;
	gid_t low, high;
	int rc = caps_ping_group_range(&low, &high);

	if (rc < 0) {
		check = doctor_add(report, "privileges", "ping_group_range", DOCTOR_WARN,
				   "cannot read net.ipv4.ping_group_range: %s (is /proc mounted?); %s",
				   strerror(-rc),
				   net_raw ? "ping can still use raw sockets (CAP_NET_RAW)"
					   : "whether ping works without CAP_NET_RAW is unknown");
		check_null(check, "low");
		check_null(check, "high");
		check_bool(check, "allowed", false);
		return;
	}
	allowed = caps_ping_socket_allowed();
	if (allowed)
		check = doctor_add(report, "privileges", "ping_group_range", DOCTOR_PASS,
				   "ping_group_range %u %u includes this process (gid %u): "
				   "ping works without CAP_NET_RAW (ICMP datagram sockets)",
				   (unsigned)low, (unsigned)high, (unsigned)getegid());
	else if (net_raw)
		check = doctor_add(report, "privileges", "ping_group_range", DOCTOR_INFO,
				   "ping_group_range %u %u excludes gid %u, but CAP_NET_RAW lets ping use raw sockets",
				   (unsigned)low, (unsigned)high, (unsigned)getegid());
	else
		check = doctor_add(report, "privileges", "ping_group_range", DOCTOR_WARN,
				   "ping_group_range %u %u excludes gid %u and CAP_NET_RAW is missing: ping cannot "
				   "send ICMP (tcp/udp probes still work)",
				   (unsigned)low, (unsigned)high, (unsigned)getegid());
	check_uint(check, "low", low);
	check_uint(check, "high", high);
	check_bool(check, "allowed", allowed);
}

void doctor_check_privileges(struct doctor_report *report, const struct doctor_config *config)
{
	struct doctor_check *check;
	uid_t uid = geteuid();

	check = doctor_add(report, "privileges", "user", DOCTOR_INFO, "running as uid %u gid %u%s", (unsigned)uid,
			   (unsigned)getegid(), uid == 0 ? " (root)" : "");
	check_uint(check, "uid", uid);
	check_uint(check, "gid", getegid());
	check_capability(report, CAP_NET_RAW, "cap_net_raw",
			 "raw sockets for ping, traceroute and packet capture",
			 "no packet capture and no TCP SYN probes (scan -sS, traceroute -T); traceroute's "
			 "default UDP probes still work (ICMP errors through IP_RECVERR, as tracepath); "
			 "ping and traceroute -I need ping_group_range instead");
	check_capability(report, CAP_NET_ADMIN, "cap_net_admin",
			 "interfaces, routes and firewall rules can be changed",
			 "interfaces, routes and firewall rules can be read but not changed");
	check_ping_sockets(report);
}

/* --- the applet ------------------------------------------------------ */

static void doctor_init(void *config_ptr)
{
	struct doctor_config *config = config_ptr;

	config->timeout_s = 3;
}

static const struct sonde_opt doctor_options[] = {
	SONDE_OPT_DOUBLE("t", "timeout", "SECS", "time allowed to each network check, default 3",
			 struct doctor_config, timeout_s, 0.1, 60),
	SONDE_OPT_COUNT("v", "verbose", "show each check's details", struct doctor_config, verbose),
	SONDE_OPT_END,
};

/* The sections, in report order. */
static void (*const sections[])(struct doctor_report *report, const struct doctor_config *config) = {
	doctor_check_identity, doctor_check_privileges, doctor_check_network, doctor_check_routing,
	doctor_check_sockets, doctor_check_conntrack, doctor_check_dns, doctor_check_kubernetes,
};

static int doctor_main(struct sonde_ctx *ctx, void *config_ptr, int argc, char **argv)
{
	struct doctor_config *config = config_ptr;
	struct doctor_report report = { 0 };
	size_t i;
	int exit_code = SONDE_EXIT_OK;

	config->timeout_ms = (int)(config->timeout_s * 1000 + 0.5);
	config->netns = ctx->netns;
	config->resolv_conf_path = doctor_resolv_conf_path(ctx->netns);

	report_begin(ctx->out, &report, config->verbose);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		sections[i](&report, config);
		doctor_report_flush(&report);
	}
	report_end(&report);
	if (report.out_of_memory) {
		sonde_err("out of memory while collecting the report: checks are missing");
		exit_code = SONDE_EXIT_NEGATIVE;
	}
	if (report.status_counts[DOCTOR_FAIL] > 0)
		exit_code = SONDE_EXIT_NEGATIVE;
	doctor_report_free(&report);
	return exit_code;
}

const struct sonde_applet applet_doctor = {
	.name = "doctor",
	.summary = "diagnose this network namespace: interfaces, routes, DNS, Kubernetes",
	.usage = "[-v] [--timeout SECS]",
	.help_extra = "Checks identity, privileges, interfaces, default routes, /etc/resolv.conf and each\n"
		      "nameserver (a live query), and inside a Kubernetes pod the cluster DNS and the API\n"
		      "server.  Each check prints PASS, WARN, FAIL or INFO with a reason.\n"
		      "In a pod: kubectl exec POD -- sonde doctor; from a node: sonde doctor --netns PID.",
	.options = doctor_options,
	.config_size = sizeof(struct doctor_config),
	.init = doctor_init,
	.min_args = 0,
	.max_args = 0,
	.exit_codes = "0 nothing failed, 1 a check failed, 2 usage",
	.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN) | CAPS_BIT(CAP_SYS_ADMIN) | CAPS_BIT(CAP_SYS_PTRACE) |
		CAPS_BIT(CAP_DAC_READ_SEARCH),
	.main = doctor_main,
};
