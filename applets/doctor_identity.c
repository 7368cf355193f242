/* sonde doctor: the first two sections: who and where this process is
 * (hostname, network namespace), and what it may do (uid, CAP_NET_RAW,
 * CAP_NET_ADMIN, ping_group_range for ping without raw sockets). */
#include <stdbool.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "doctor_impl.h"
#include "sonde/caps.h"
#include "sonde/netns.h"

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
