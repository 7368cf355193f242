/* sonde ip, shared between its files: ip.c (global options, objects,
 * main); the objects ip_route.c (with ip_route_get.c and
 * ip_route_explain.c), ip_rule.c, ip_link.c (with ip_link_details.c) and
 * ip_neigh.c; ip_out.c (the route and rule renderers several of them use)
 * and ip_common.c (helpers they share).  Calls run ip.c -> objects ->
 * ip_out.c -> ip_common.c.  Each object renders one record through one
 * function that serves text and JSON, in iproute2 6.1's layout. */
#ifndef SONDE_IP_IMPL_H
#define SONDE_IP_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/netlink.h"
#include "sonde/out.h"

struct ip_config {
	bool ipv4, ipv6;
	int details;                 /* -d */
	int stats;                   /* -s, -s -s */
	bool json;                   /* -j */
	bool pretty;                 /* -p */
	bool brief;                  /* -br */
	bool explain;                /* route get --explain */
};

struct ip_ctx {
	struct sonde_out *out;
	int family;                  /* AF_UNSPEC, AF_INET or AF_INET6 */
	int details, stats;
	bool brief, json, explain;
	const char *object;          /* "route", "addr"..., for messages */
	struct netlink_link *links;  /* loaded on first use, by ifindex */
	size_t link_count;
	bool links_loaded;
};

/* The objects' mains (ip_route.c, ip_route_get.c, ip_rule.c, ip_link.c,
 * ip_neigh.c).  argv[0] is the word after the object (or none: argc 0). */
int ip_route_main(struct ip_ctx *ctx, int argc, char **argv);
int ip_route_get_main(struct ip_ctx *ctx, int argc, char **argv);
int ip_rule_main(struct ip_ctx *ctx, int argc, char **argv);
int ip_addr_main(struct ip_ctx *ctx, int argc, char **argv);
int ip_link_main(struct ip_ctx *ctx, int argc, char **argv);
int ip_neigh_main(struct ip_ctx *ctx, int argc, char **argv);

/* --- ip_common.c ------------------------------------------------------ */

/* Is word a show/list command ("show", "list", "ls", "lst")? */
bool ip_is_show(const char *word);
/* For a write command (add, del, flush...): the message and exit code,
 * else 0 when word is not one. */
int ip_refuse_write(struct ip_ctx *ctx, const char *word);
/* Skips a leading show/list word, or refuses a write command (returns its
 * exit code); 0 to go on. */
int ip_skip_show(struct ip_ctx *ctx, int *argc, char ***argv);
/* An address as a full-length prefix (for covers tests). */
void ip_host_prefix(const struct sonde_addr *addr, struct sonde_prefix *prefix);
/* "unknown argument" / missing value messages; both return the usage code. */
int ip_bad_arg(struct ip_ctx *ctx, const char *word);
int ip_need_value(struct ip_ctx *ctx, const char *keyword);
/* A netlink failure as a message; returns the exit code. */
int ip_netlink_error(struct ip_ctx *ctx, int rc, const char *what);

/* Links by ifindex (loaded once).  ip_ifname gives "*" for 0 and "ifN" for
 * an index not present, as iproute2. */
int ip_links_load(struct ip_ctx *ctx);
const struct netlink_link *ip_link_by_index(struct ip_ctx *ctx, int ifindex);
const char *ip_ifname(struct ip_ctx *ctx, int ifindex, char *buf, size_t size);
/* The ifindex of a device name given on the command line, or 0 after a
 * message ("Cannot find device"). */
int ip_dev_index(struct ip_ctx *ctx, const char *name);

/* An address of family from its bytes (4 or 16). */
const char *ip_addr_text(const struct sonde_addr *addr, char *buf, size_t size);
/* A prefix as `ip` prints it: "default" is the caller's business; the
 * address alone when the prefix is a full host length. */
const char *ip_prefix_text(const struct sonde_prefix *prefix, char *buf, size_t size);
/* Does the prefix text ("10.0.0.0/8", "default", "all", an address) parse
 * for family?  The family is taken from the text when ctx's is AF_UNSPEC. */
/* An address argument; prints why not and returns SONDE_EXIT_USAGE.
 * verb ("" or " get") follows the object in the message. */
int ip_parse_addr(struct ip_ctx *ctx, const char *verb, const char *text, struct sonde_addr *addr);
int ip_parse_prefix(struct ip_ctx *ctx, const char *text, struct sonde_prefix *prefix);
/* Does inner lie inside outer (outer's length not longer)? */
bool ip_prefix_covers(const struct sonde_prefix *outer, const struct sonde_prefix *inner);

/* Link-layer addresses as `ip` prints them (IPv4 form for IPv4 tunnels). */
const char *ip_lladdr_text(const uint8_t *bytes, size_t len, unsigned arptype, char *buf, size_t size);

/* --- ip_out.c ---------------------------------------------------------- */

/* Route rendering, shared by show, get and get --explain. */
struct ip_route_view {
	bool table_filtered;         /* a table was asked for: do not print it */
	bool proto_filtered;
	bool via_filtered;
	bool prefsrc_filtered;
	bool scope_filtered;
	bool dev_filtered;
};
void ip_route_print(struct ip_ctx *ctx, const struct netlink_route *route, const struct ip_route_view *view);
/* The same without the enclosing JSON object and the final newline. */
void ip_route_print_fields(struct ip_ctx *ctx, const struct netlink_route *route,
			   const struct ip_route_view *view);

/* Rules, shared by rule show and route get --explain. */
void ip_rule_print(struct ip_ctx *ctx, const struct netlink_rule *rule);

/* --- ip_link_details.c, for ip_link.c ---------------------------------- */

/* -d: promiscuity, MTU bounds, the kind and its data, queues and sizes. */
void ip_link_print_details(struct ip_ctx *ctx, const struct netlink_link *link, bool do_link);
/* -s (and -s -s): the RX/TX counter table; every line ends with a newline. */
void ip_link_print_stats(struct ip_ctx *ctx, const struct netlink_link *link);

/* --- ip_route_explain.c, for ip_route_get.c ---------------------------- */

/* Prints the kernel's answer (NULL when the lookup failed with
 * lookup_error) and the reasoning: rules consulted, the table and route
 * chosen and why, the source address and the next hop's neighbour entry.
 * Returns the exit code. */
int ip_route_explain(struct ip_ctx *ctx, const struct netlink_route_query *query,
		     const struct netlink_route *answer, int lookup_error);

#endif
