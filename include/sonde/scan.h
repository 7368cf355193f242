/* A port scanner's shared pieces: target specifications as nmap takes them
 * (addresses, CIDR blocks, octet ranges, names) expanded into a bounded host
 * list with exclusions; the project's curated top-ports ordering; UDP
 * payloads that make common services answer; and the keyed hash that makes
 * SYN sequence numbers from a probe's 4-tuple. */
#ifndef SONDE_SCAN_H
#define SONDE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/ports.h"

/* A hostile or careless command line cannot ask for more hosts than this
 * (a /12 of IPv4, a /108 of IPv6). */
#define SCAN_MAX_TARGETS (1u << 20)
#define SCAN_NAME_MAX 256

enum scan_spec_kind {
	SCAN_SPEC_PREFIX = 1, /* an address or a CIDR block */
	SCAN_SPEC_OCTETS,     /* IPv4 with per-octet ranges: 10.0.0-3.1-20, 10.0.0.* */
	SCAN_SPEC_NAME,       /* a host name, resolved to one address */
};

struct scan_spec {
	enum scan_spec_kind kind;
	struct sonde_prefix prefix;    /* PREFIX (a bare address is a host prefix) */
	uint8_t octets[4][32];         /* OCTETS: a bitmap of the values allowed per octet */
	struct sonde_addr addr;        /* NAME: the address scanned */
	char name[SCAN_NAME_MAX];      /* NAME: as written */
	size_t other_addrs;            /* NAME: addresses resolved but not scanned */
};

enum scan_spec_flags {
	SCAN_SPEC_NUMERIC = 1 << 0, /* -n: names are refused, never looked up */
};

/* Parses (and, for a name, resolves) one target specification.  family is
 * AF_INET, AF_INET6 or AF_UNSPEC (a name then takes its first address).
 * An address is read as inet_aton reads it (addr_parse_ipv4: "0127.0.0.1" is
 * 87.0.0.1); a range with a leading zero ("010.0.0.1-5") has no inet_aton
 * reading and nmap reads it as decimal, so it is refused.
 * Returns 0, -EINVAL for text that is no target, -EDOM for a leading zero in
 * a range, -EAFNOSUPPORT for a target of the other family, or a negative
 * resolve_host() status from the lookup. */
int scan_spec_parse(const char *text, int family, unsigned flags, struct scan_spec *spec);
/* Is addr one of the spec's hosts? */
bool scan_spec_match(const struct scan_spec *spec, const struct sonde_addr *addr);
/* How many hosts the spec names (saturating at SCAN_MAX_TARGETS + 1). */
size_t scan_spec_count(const struct scan_spec *spec);

struct scan_target {
	struct sonde_addr addr;
	const char *name;              /* the name the user gave, or NULL */
	size_t other_addrs;            /* addresses of that name not scanned */
};

struct scan_targets {
	struct scan_target *items;
	size_t count, cap;
	char **names;                  /* owned copies the items point into */
	size_t name_count;
};

void scan_targets_init(struct scan_targets *targets);
void scan_targets_free(struct scan_targets *targets);
/* Appends the spec's hosts in address order, leaving out those any of the
 * exclusions match.  Returns 0, -E2BIG past SCAN_MAX_TARGETS, or -ENOMEM. */
int scan_targets_add(struct scan_targets *targets, const struct scan_spec *spec, const struct scan_spec *exclude,
		     size_t exclude_count);

/* The curated top-ports list (docs/scan.md says how it was chosen): the
 * first n ports of it for proto "tcp" or "udp" into list, in ascending port
 * order.  n larger than the list takes it all.  Returns how many were
 * added, or -E2BIG when the list has no room. */
int scan_top_ports(const char *proto, size_t n, struct port_list *list);
/* How many ports the curated list holds for proto. */
size_t scan_top_ports_size(const char *proto);

/* A payload a UDP service on port answers (a DNS query for 53, an NTP
 * client request for 123, an SNMP get for 161...), or NULL with *len 0:
 * send an empty datagram. */
const uint8_t *scan_udp_payload(uint16_t port, size_t *len);

/* A keyed 64-bit hash (SipHash-2-4) of bytes: scanners derive a probe's TCP
 * sequence number from its 4-tuple with a per-run random key, so a reply is
 * recognised by recomputing the hash, without a table of probes sent. */
uint64_t scan_siphash(const uint8_t key[16], const void *data, size_t len);
/* The sequence number for a probe to dst:dport from sport. */
uint32_t scan_tcp_cookie(const uint8_t key[16], const struct sonde_addr *dst, uint16_t sport);

#endif
