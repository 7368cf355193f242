/* Capabilities and privilege: checking, explaining, dropping. */
#ifndef SONDE_CAPS_H
#define SONDE_CAPS_H

#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Is cap in the effective set? */
bool caps_have(int cap);
/* "CAP_NET_RAW" */
const char *caps_name(int cap);
/* A refusal that names no single capability: ICMP echo, which a raw
 * socket (CAP_NET_RAW) or an ICMP datagram socket (ping_group_range) allows;
 * and work the kernel lets every process do (rtnetlink and sock_diag dumps),
 * which only a security policy refuses. */
#define CAPS_ICMP_SOCKET (-1)
#define CAPS_NO_CAPABILITY (-2)

/* What a privileged step needs, for caps_fail(). */
struct caps_need {
	int cap;                /* CAP_NET_ADMIN..., CAPS_ICMP_SOCKET or CAPS_NO_CAPABILITY */
	const char *needed_for; /* "reading netfilter rules" */
	const char *instead;    /* what works without it, or NULL */
};

/* For work that needs no capability (rtnetlink and sock_diag dumps). */
extern const struct caps_need caps_need_none;

/* Is rc the kernel's refusal (-EPERM or -EACCES)? */
bool caps_refused(int rc);
/* The one way from libcore's -errno to an applet's exit code.  A refusal is
 * explained on stderr in the applet's voice (which capability is missing,
 * what needed it, what works without it, how to grant it, in Kubernetes too;
 * for ICMP echo both ways, a raw socket and ping_group_range) and gives
 * SONDE_EXIT_PRIVILEGE; for CAPS_NO_CAPABILITY the message is
 * "WHAT: strerror" and the explanation names the policies that refuse it.  Any other error is "WHAT: strerror"
 * and gives SONDE_EXIT_NEGATIVE.  Applets with a classic tool's codes map
 * the result to their own. */
__attribute__((format(printf, 3, 4))) int caps_fail(int rc, const struct caps_need *need, const char *what_fmt, ...);

/* A capability as a bit of the masks caps_limit() takes. */
#define CAPS_BIT(cap) (1ULL << (cap))

/* Drops every capability from all sets (ambient too) and, when running
 * setuid, the saved and effective uid: call right after the privileged
 * sockets are open.  Returns 0 or -errno. */
int caps_drop_all(void);
/* The same without PR_SET_NO_NEW_PRIVS, for an applet that runs the
 * user's command when it is done (wait): the command gets what its own
 * exec grants (root's capabilities to a root caller), never what sonde
 * borrowed from file capabilities or a setuid bit. */
int caps_drop_all_before_exec(void);
/* Keeps only the capabilities in keep (CAPS_BIT masks) in the permitted and
 * effective sets, and none inheritable or ambient: what is dropped cannot
 * come back.  keep 0 is caps_drop_all().  Without capabilities it changes
 * nothing.  Returns 0 or -errno. */
int caps_limit(uint64_t keep);
/* caps_limit(), saying on stderr when it fails: the run goes on holding more
 * privilege than it needs, and the user should know. */
void caps_limit_or_warn(uint64_t keep);
/* caps_drop_all_before_exec(), saying on stderr when it fails. */
void caps_drop_before_exec_or_warn(void);
/* net.ipv4.ping_group_range: 0 and the range, or -errno. */
int caps_ping_group_range(gid_t *low, gid_t *high);
/* Does ping_group_range let this process open ICMP datagram sockets? */
bool caps_ping_socket_allowed(void);

#endif
