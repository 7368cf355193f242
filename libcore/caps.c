/* Capabilities through the capget/capset system calls (no libcap). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

static int caps_read(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(data, 0, 2 * sizeof(*data));
	if (syscall(SYS_capget, &header, data) < 0)
		return -errno;
	return 0;
}

bool caps_have(int cap)
{
	struct __user_cap_data_struct data[2];

	if (cap < 0 || cap > 63 || caps_read(data) < 0)
		return false;
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

const char *caps_name(int cap)
{
	switch (cap) {
	case CAP_NET_RAW: return "CAP_NET_RAW";
	case CAP_NET_ADMIN: return "CAP_NET_ADMIN";
	case CAP_SYS_ADMIN: return "CAP_SYS_ADMIN";
	case CAP_SYS_PTRACE: return "CAP_SYS_PTRACE";
	case CAP_NET_BIND_SERVICE: return "CAP_NET_BIND_SERVICE";
	case CAP_DAC_READ_SEARCH: return "CAP_DAC_READ_SEARCH";
	default: return "an unnamed capability";
	}
}

/* How a Kubernetes user gets the capability into a debug container. */
static const char *kubernetes_hint(int cap)
{
	switch (cap) {
	case CAP_NET_RAW:
		return "add NET_RAW to the container's securityContext.capabilities.add, or use "
		       "'kubectl debug -it POD --image=IMAGE --profile=netadmin'";
	case CAP_NET_ADMIN:
		return "add NET_ADMIN to the container's securityContext.capabilities.add, or use "
		       "'kubectl debug -it POD --image=IMAGE --profile=netadmin'";
	case CAP_SYS_ADMIN:
		return "run on the node as root, e.g. 'kubectl debug node/NODE -it --image=IMAGE "
		       "--profile=sysadmin'";
	case CAP_NET_BIND_SERVICE:
		return "add NET_BIND_SERVICE to the container's securityContext.capabilities.add";
	case CAP_SYS_PTRACE:
		return "add SYS_PTRACE to the container's securityContext.capabilities.add, or use "
		       "'kubectl debug --profile=general' with --target=CONTAINER";
	default:
		return "grant it in the container's securityContext.capabilities.add";
	}
}

/* Explains on stderr, in the applet's voice: which capability is missing, what
 * needed it, what works without it, and how to grant it in Kubernetes. */
static void caps_explain_missing(int cap, const char *needed_for, const char *instead)
{
	const char *name = caps_name(cap);
	char setcap_name[32];
	size_t i;

	/* setcap spells it "cap_net_raw". */
	for (i = 0; name[i] && i + 1 < sizeof(setcap_name); i++)
		setcap_name[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	setcap_name[i] = '\0';

	/* Holding the capability and still refused: something else said no (a
	 * file only root may read, such as /proc/net/ip_tables_names, or a
	 * security module).  Saying "grant the capability" would send the
	 * person after the wrong fix. */
	if (caps_have(cap)) {
		sonde_err("%s was refused although this process has %s: the kernel refused it for another reason "
			  "(a file only root may read, such as /proc/net/ip_tables_names, or a security module)",
			  needed_for, name);
		fprintf(stderr, "  run as root (uid 0)\n");
		return;
	}
	sonde_err("%s needs %s, which this process does not have", needed_for, name);
	if (instead)
		fprintf(stderr, "  without it: %s\n", instead);
	fprintf(stderr, "  to grant it: run as root, or 'setcap %s+ep' on the binary;\n"
			"  in Kubernetes: %s\n",
		setcap_name, kubernetes_hint(cap));
}

/* The same for ICMP echo, which either of two privileges allows: a raw
 * socket (CAP_NET_RAW) or an ICMP datagram socket (ping_group_range); says
 * how to grant each (Kubernetes included), then "or INSTEAD" when given. */
static void caps_explain_no_icmp_socket(const char *needed_for, const char *instead)
{
	gid_t low = 1, high = 0, gid = getegid();

	caps_ping_group_range(&low, &high);
	sonde_err("%s needs a raw socket (CAP_NET_RAW) or an ICMP datagram socket, and this process may open "
		  "neither", needed_for);
	fprintf(stderr,
		"  fix 1: grant CAP_NET_RAW: run as root or 'setcap cap_net_raw+ep' on the binary;\n"
		"         in Kubernetes: %s\n"
		"  fix 2: let group %u open ICMP datagram sockets: sysctl -w net.ipv4.ping_group_range=\"%u %u\"\n"
		"         (now \"%u %u\"; it is per network namespace; in Kubernetes a pod sysctl)\n",
		kubernetes_hint(CAP_NET_RAW), (unsigned)gid, (unsigned)gid, (unsigned)gid, (unsigned)low,
		(unsigned)high);
	if (instead)
		fprintf(stderr, "  or %s\n", instead);
}

const struct caps_need caps_need_none = { CAPS_NO_CAPABILITY, NULL, NULL };

bool caps_refused(int rc)
{
	return rc == -EPERM || rc == -EACCES;
}

/* rtnetlink and sock_diag dumps need no capability: when the kernel refuses
 * one, a seccomp filter or a security module said no, and granting a
 * capability would not help. */
static void explain_policy_refusal(void)
{
	fprintf(stderr, "  no capability grants this: a security policy refused it (a seccomp filter, or a security "
			"module such as AppArmor or SELinux);\n"
			"  in Kubernetes: see the container's securityContext (seccompProfile, appArmorProfile, "
			"seLinuxOptions)\n");
}

int caps_fail(int rc, const struct caps_need *need, const char *what_fmt, ...)
{
	va_list ap;

	if (caps_refused(rc) && need->cap == CAPS_ICMP_SOCKET) {
		caps_explain_no_icmp_socket(need->needed_for, need->instead);
		return SONDE_EXIT_PRIVILEGE;
	}
	if (caps_refused(rc) && need->cap != CAPS_NO_CAPABILITY) {
		caps_explain_missing(need->cap, need->needed_for, need->instead);
		return SONDE_EXIT_PRIVILEGE;
	}
	va_start(ap, what_fmt);
	sonde_verrno(rc, what_fmt, ap);
	va_end(ap);
	if (!caps_refused(rc))
		return SONDE_EXIT_NEGATIVE;
	explain_policy_refusal();
	return SONDE_EXIT_PRIVILEGE;
}

/* Every capability gone and a setuid identity given up; with
 * no_new_privs, exec cannot grant any back either. */
static int drop_all(bool no_new_privs)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uid_t real_uid = getuid();
	gid_t real_gid = getgid();

	/* A setuid binary first gives up the borrowed identity for good. */
	if (getegid() != real_gid && setresgid(real_gid, real_gid, real_gid) < 0)
		return -errno;
	if (geteuid() != real_uid && setresuid(real_uid, real_uid, real_uid) < 0)
		return -errno;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &header, data) < 0)
		return -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (no_new_privs)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return 0;
}

int caps_drop_all(void)
{
	return drop_all(true);
}

int caps_drop_all_before_exec(void)
{
	return drop_all(false);
}

int caps_limit(uint64_t keep)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	int rc, i;

	if (keep == 0)
		return caps_drop_all();
	rc = caps_read(data);
	if (rc < 0)
		return rc;
	for (i = 0; i < 2; i++) {
		uint32_t kept = (uint32_t)(keep >> (32 * i));

		data[i].permitted &= kept;
		data[i].effective &= kept;
		data[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &header, data) < 0)
		return -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}

int caps_ping_group_range(gid_t *low, gid_t *high)
{
	FILE *fp = fopen("/proc/sys/net/ipv4/ping_group_range", "re");
	unsigned long lo, hi;
	int n;

	if (!fp)
		return -errno;
	n = fscanf(fp, "%lu %lu", &lo, &hi);
	fclose(fp);
	if (n != 2)
		return -EINVAL;
	*low = (gid_t)lo;
	*high = (gid_t)hi;
	return 0;
}

bool caps_ping_socket_allowed(void)
{
	gid_t low, high, groups[256];
	gid_t gid = getegid();
	int n, i;

	if (caps_ping_group_range(&low, &high) < 0 || low > high)
		return false;
	if (gid >= low && gid <= high)
		return true;
	n = getgroups(256, groups);
	for (i = 0; i < n; i++)
		if (groups[i] >= low && groups[i] <= high)
			return true;
	return false;
}

void caps_limit_or_warn(uint64_t keep)
{
	int rc = caps_limit(keep);

	if (rc < 0)
		sonde_errno(rc, "cannot drop the capabilities left unused");
}

void caps_drop_before_exec_or_warn(void)
{
	int rc = caps_drop_all_before_exec();

	if (rc < 0)
		sonde_errno(rc, "cannot drop the capabilities left unused");
}
