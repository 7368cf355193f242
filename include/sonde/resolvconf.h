/* /etc/resolv.conf as the libc resolvers read it (glibc and musl agree on
 * the parts parsed here), for explaining and checking the configuration. */
#ifndef SONDE_RESOLVCONF_H
#define SONDE_RESOLVCONF_H

#include <stdbool.h>
#include <stddef.h>

#define RESOLV_MAX_NAMESERVERS 8   /* kept; glibc and musl use only the first 3 */
#define RESOLV_LIBC_NAMESERVERS 3
#define RESOLV_MAX_SEARCH 8
#define RESOLV_MAX_NAME 256
#define RESOLV_MAX_WARNINGS 8

struct resolv_conf {
	char nameservers[RESOLV_MAX_NAMESERVERS][64];
	size_t nameserver_count;
	char search[RESOLV_MAX_SEARCH][RESOLV_MAX_NAME];
	size_t search_count;
	int ndots;       /* default 1, capped at 15 as glibc does */
	int timeout_s;   /* default 5, capped at 30 */
	int attempts;    /* default 2, capped at 5 */
	bool timeout_set, attempts_set; /* the file sets them (bind9's dig then uses them) */
	bool rotate, edns0, single_request, use_vc;
	/* Lines or options the parser did not understand or had to drop, in
	 * words for a person ("line 4: unknown option 'foo'"). */
	char warnings[RESOLV_MAX_WARNINGS][128];
	size_t warning_count;
};

void resolv_conf_init(struct resolv_conf *conf);
/* Parses text (not NUL-terminated necessarily) of len bytes. */
void resolv_conf_parse(struct resolv_conf *conf, const char *text, size_t len);
/* Reads and parses path: 0, or -errno when it cannot be read (conf then
 * holds the defaults, as a resolver without the file would use). */
int resolv_conf_load(struct resolv_conf *conf, const char *path);

#endif
