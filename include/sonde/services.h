/* Service names for ports ("ssh" for 22/tcp).  Read from /etc/services when
 * the system has one, as the classic tools read it (so names match them on
 * that system), else from a copy of Debian 12's /etc/services compiled into
 * the binary (an empty container has no file): the same names either way on
 * Debian.  $SONDE_SERVICES names another file (a test seam). */
#ifndef SONDE_SERVICES_H
#define SONDE_SERVICES_H

#include <stdint.h>

/* proto: "tcp", "udp", "sctp" or "dccp" (NULL: tcp).  NULL when the port has no
 * name (always for other protocols). */
const char *services_name(uint16_t port, const char *proto);
/* 0 and the port, or -ENOENT. */
int services_port(const char *name, const char *proto, uint16_t *port);

/* /etc/protocols, parsed without NSS (read once): the first name of an IP
 * protocol number, NULL when the file has none or is absent (a container:
 * callers fall back to a table of their own). */
const char *protocols_name(unsigned proto);
/* The number of a protocol name or alias there, or -1. */
int protocols_number(const char *name);

#endif
