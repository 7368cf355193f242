/* sonde doctor: a one-shot diagnosis of the network this process finds
 * itself in — identity, privileges, interfaces, routes, DNS and, inside a
 * Kubernetes pod, the cluster DNS and API server.  Every check becomes a
 * record (status, message, typed fields); each record is rendered once it
 * is final, as text or as an element of one JSON document.  Here: the
 * options, the order of the sections, main; the report is doctor_common.c,
 * its rendering doctor_out.c, each section a doctor_<section>.c. */
#include <stddef.h>

#include "doctor_impl.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

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

	doctor_report_begin(ctx->out, &report, config->verbose);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		sections[i](&report, config);
		doctor_report_flush(&report);
	}
	doctor_report_end(&report);
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
