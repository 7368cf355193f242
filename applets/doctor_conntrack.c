/* sonde doctor: the connection-tracking table of this namespace, from the
 * data `sonde conntrack --summary` collects: how full the table is, and
 * whether the kernel's insert-failure and drop counters have moved. */
#include <errno.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "doctor_impl.h"
#include "sonde/caps.h"
#include "sonde/conntrack.h"

#define CT_FILL_WARN_PCT 80.0

/* Without CAP_NET_ADMIN the fill still reads from two world-readable sysctls. */
static void check_fill_from_sysctl(struct doctor_report *report)
{
	unsigned long count, max;
	struct doctor_check *check;

	if (ct_sysctl_read("nf_conntrack_count", &count) < 0 || ct_sysctl_read("nf_conntrack_max", &max) < 0 ||
	    max == 0) {
		doctor_add(report, "conntrack", "table", DOCTOR_INFO,
			   "connection tracking is not in use in this namespace");
		return;
	}
	check = doctor_add(report, "conntrack", "table",
			   100.0 * (double)count / (double)max >= CT_FILL_WARN_PCT ? DOCTOR_WARN : DOCTOR_PASS,
			   "%lu of %lu entries (%.1f%%); counters need CAP_NET_ADMIN", count, max,
			   100.0 * (double)count / (double)max);
	check_uint(check, "entries", count);
	check_uint(check, "max", max);
}

static void check_fill(struct doctor_report *report, const struct ct_summary *s)
{
	unsigned long max = ct_summary_max(s);
	unsigned long entries = s->global.has_entries ? s->global.entries : s->entries;
	double pct = ct_summary_usage_pct(s);
	struct doctor_check *check;
	enum doctor_status status = DOCTOR_PASS;

	if (max && entries >= max)
		status = DOCTOR_FAIL;
	else if (pct >= CT_FILL_WARN_PCT)
		status = DOCTOR_WARN;
	check = doctor_add(report, "conntrack", "table", status, "%lu of %lu entries (%.1f%%)%s", entries, max, pct,
			   status == DOCTOR_FAIL ? ": full, new flows are dropped (raise nf_conntrack_max)"
			   : status == DOCTOR_WARN ? ": near nf_conntrack_max"
						   : "");
	check_uint(check, "entries", entries);
	check_uint(check, "max", max);
	check_double(check, "usage_pct", pct);
	check_uint(check, "unreplied", s->unreplied);
}

static void check_counters(struct doctor_report *report, const struct ct_summary *s)
{
	static const unsigned watched[] = { CTA_STATS_INSERT_FAILED, CTA_STATS_DROP, CTA_STATS_EARLY_DROP };
	struct doctor_check *check;
	unsigned worst = 0;
	size_t i;

	if (!s->has_cpu_stats)
		return;
	for (i = 0; i < sizeof(watched) / sizeof(watched[0]) && !worst; i++)
		if (s->counters[watched[i]])
			worst = watched[i];
	if (worst)
		check = doctor_add(report, "conntrack", "counters", DOCTOR_WARN, "%s=%llu: %s", ct_stats_name(worst),
				   (unsigned long long)s->counters[worst], ct_counter_explain(worst));
	else
		check = doctor_add(report, "conntrack", "counters", DOCTOR_PASS,
				   "no insert failures, drops or early drops");
	for (i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		check_uint(check, ct_stats_name(watched[i]), s->counters[watched[i]]);
}

void doctor_check_conntrack(struct doctor_report *report, const struct doctor_config *config)
{
	struct ct_summary summary;
	int rc = ct_summary_collect(NULL, &summary);

	(void)config;
	if (caps_refused(rc)) {
		check_fill_from_sysctl(report);
	} else if (rc == -EOPNOTSUPP) {
		doctor_add(report, "conntrack", "table", DOCTOR_INFO,
			   "no CTNETLINK in this kernel (nf_conntrack_netlink not loaded)");
	} else if (rc < 0) {
		check_fill_from_sysctl(report);
	} else if (!ct_summary_max(&summary) && summary.entries == 0) {
		doctor_add(report, "conntrack", "table", DOCTOR_INFO, "connection tracking is not in use in this namespace");
	} else {
		check_fill(report, &summary);
		check_counters(report, &summary);
	}
	ct_summary_free(&summary);
}
