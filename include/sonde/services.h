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

#endif
