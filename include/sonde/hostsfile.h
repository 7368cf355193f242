/* Names for addresses from the local files only (/etc/hosts, /etc/networks),
 * as glibc's "files" source answers gethostbyaddr and getnetbyaddr: what
 * iptables -L prints without -n when no DNS answers.  SONDE_HOSTS and
 * SONDE_NETWORKS name other files (tests). */
#ifndef SONDE_HOSTSFILE_H
#define SONDE_HOSTSFILE_H

#include <stddef.h>
#include <stdint.h>

/* The first name of the first /etc/hosts line holding addr (family AF_INET
 * or AF_INET6, network order); 0, or -ENOENT. */
int hostsfile_name(int family, const uint8_t *addr, char *name, size_t size);
/* The /etc/networks name of an IPv4 network number (addr in network order,
 * compared whole as getnetbyaddr does); 0, or -ENOENT. */
int networks_name(const uint8_t addr[4], char *name, size_t size);

#endif
