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
/* Explains on stderr, in the applet's voice: which capability is missing, what
 * needed it, what works without it, and how to grant it in Kubernetes. */
void caps_explain_missing(int cap, const char *needed_for, const char *instead);
/* The same for ICMP echo, which either of two privileges allows: a raw
 * socket (CAP_NET_RAW) or an ICMP datagram socket (ping_group_range); says
 * how to grant each (Kubernetes included), then "or INSTEAD" when given. */
void caps_explain_no_icmp_socket(const char *needed_for, const char *instead);
/* A capability as a bit of the masks caps_limit() takes. */
#define CAPS_BIT(cap) (1ULL << (cap))

/* Drops every capability from all sets (ambient too) and, when running
 * setuid, the saved and effective uid: call right after the privileged
 * sockets are open.  Returns 0 or -errno. */
int caps_drop_all(void);
/* Keeps only the capabilities in keep (CAPS_BIT masks) in the permitted and
 * effective sets, and none inheritable or ambient: what is dropped cannot
 * come back.  keep 0 is caps_drop_all().  Without capabilities it changes
 * nothing.  Returns 0 or -errno. */
int caps_limit(uint64_t keep);
/* caps_limit(), saying on stderr when it fails: the run goes on holding more
 * privilege than it needs, and the user should know. */
void caps_limit_or_warn(uint64_t keep);
/* net.ipv4.ping_group_range: 0 and the range, or -errno. */
int caps_ping_group_range(gid_t *low, gid_t *high);
/* Does ping_group_range let this process open ICMP datagram sockets? */
bool caps_ping_socket_allowed(void);

#endif
