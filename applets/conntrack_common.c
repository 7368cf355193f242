/* sonde conntrack: helpers every command shares — the clock for
 * delta-time, and one message and exit code for a failed kernel exchange. */
#include <errno.h>
#include <time.h>

#include "conntrack_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

uint64_t ct_now_s(void)
{
	return (uint64_t)time(NULL);
}

int ct_report_error(int rc, const char *what)
{
	const struct caps_need ctnetlink = {
		CAP_NET_ADMIN, what,
		"'sonde conntrack -C' still counts the entries (from /proc/sys/net/netfilter/nf_conntrack_count)"
	};

	if (rc == -EOPNOTSUPP) {
		sonde_err("%s: this kernel has no CTNETLINK (is nf_conntrack_netlink loaded?)", what);
		return SONDE_EXIT_NEGATIVE;
	}
	return caps_fail(rc, &ctnetlink, "%s", what);
}
