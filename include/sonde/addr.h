/* Addresses: a sockaddr with its length (busybox's len_and_sockaddr idea),
 * parsing and printing of IPv4/IPv6 (with %scope), host:port, [v6]:port, CIDR. */
#ifndef SONDE_ADDR_H
#define SONDE_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

struct sonde_addr {
	socklen_t len;
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
		struct sockaddr_storage ss;
	} u;
};

/* Room for "[ffff:...:ffff%ifname]:65535" and a little more. */
#define ADDR_STRLEN 80

struct sonde_prefix {
	int family;             /* AF_INET or AF_INET6 */
	uint8_t bytes[16];      /* network order; host bits cleared */
	unsigned len;           /* prefix length in bits */
};

static inline int addr_family(const struct sonde_addr *a) { return a->u.sa.sa_family; }

/* How an IPv4 text was written, for the applets whose classic tool reads
 * some forms otherwise (iproute2's "10.1" is 10.1.0.0, nmap's "010.0.0.1"
 * is 10.0.0.1). */
struct addr_ipv4_form {
	unsigned parts;         /* 1..4; 4 for a dotted quad */
	bool octal;             /* a part with a leading 0 ("010") */
	bool hex;               /* a part with a leading 0x */
};

/* IPv4 as inet_aton reads it: the one reading of every applet, as ping, nc,
 * traceroute, curl and every getaddrinfo caller read it.  1 to 4 parts,
 * each decimal, octal (leading 0) or hex (0x); the last part fills the
 * bytes left ("127.1" is 127.0.0.1, "0127.0.0.01" is 87.0.0.1).  Unlike
 * inet_aton, nothing may follow the address.  form may be NULL.
 * Returns 0 or -EINVAL. */
int addr_parse_ipv4(const char *text, struct in_addr *in, struct addr_ipv4_form *form);
/* "10.0.0.1": four decimal parts, the form every reading agrees on. */
bool addr_ipv4_form_is_plain(const struct addr_ipv4_form *form);

/* Numeric IPv4 (addr_parse_ipv4's reading) or IPv6 (with optional %scope)
 * into addr with port.  family AF_UNSPEC accepts either.  Returns 0,
 * -EINVAL, -EAFNOSUPPORT (the text is an address of the other family than
 * asked) or -ENXIO (a %scope that names no interface). */
int addr_parse_ip(const char *text, uint16_t port, int family, struct sonde_addr *addr);
/* Unix socket path (abstract namespace when it starts with '@'). */
int addr_from_unix_path(const char *path, struct sonde_addr *addr);

/* Splits "host:port", "[v6]:port" or "[v6]" into its parts.  host receives
 * the name or address without brackets; *port_text points into text, or is
 * NULL when no port was given.  A bare IPv6 address ("::1") is a host
 * without port.  Returns 0 or -EINVAL. */
int addr_split_hostport(const char *text, char *host, size_t host_size, const char **port_text);

/* A decimal port 0..65535 (allow_zero) or 1..65535.  Returns 0 or -EINVAL. */
int addr_parse_port(const char *text, bool allow_zero, uint16_t *port);

uint16_t addr_port(const struct sonde_addr *addr);
void addr_set_port(struct sonde_addr *addr, uint16_t port);
bool addr_is_loopback(const struct sonde_addr *addr);
/* IPv6 link-local (unicast or multicast) without a zone: connect() and
 * sendto() refuse it with EINVAL unless an interface is bound. */
bool addr_needs_zone(const struct sonde_addr *addr);
bool addr_equal(const struct sonde_addr *a, const struct sonde_addr *b); /* address and port */

/* The address only ("10.0.0.1", "fe80::1%eth0", a unix path). */
const char *addr_ntop(const struct sonde_addr *addr, char *buf, size_t size);
/* With port: "10.0.0.1:80", "[::1]:80". */
const char *addr_format(const struct sonde_addr *addr, char *buf, size_t size);

/* CIDR: "10.0.0.0/8", "2001:db8::/32"; a bare address is a host prefix.
 * Host bits set in the text are an error unless allow_host_bits. */
int addr_parse_prefix(const char *text, bool allow_host_bits, struct sonde_prefix *prefix);
/* The one prefix test: whether the first bits bits of a and b are equal
 * (both at least (bits + 7) / 8 bytes long, network order). */
bool prefix_bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits);
/* Whether the address of family (4 or 16 bytes in network order) lies in
 * prefix; false when the families differ. */
bool prefix_contains_bytes(const struct sonde_prefix *prefix, int family, const uint8_t *bytes);
bool prefix_contains(const struct sonde_prefix *prefix, const struct sonde_addr *addr);
const char *prefix_format(const struct sonde_prefix *prefix, char *buf, size_t size);

#endif
