/* Version lines: sonde's own, and an imitating applet's answer to its
 * classic tool's version option (`ip -V`, `nft -v`, `dig -v`, `curl -V`,
 * `openssl version`), libcore/version.c. */
#ifndef SONDE_VERSION_H
#define SONDE_VERSION_H

#include <stdbool.h>
#include <stdio.h>

/* The classic tool an applet imitates, for its version option.  The first
 * line printed is the classic tool's own first line, as scripts parse it
 * (`iptables v1.8.9 (nf_tables)`); the next says that this is sonde, which
 * version, and what it imitates. */
struct sonde_imitation {
	/* Single-letter spellings of the tool's version option besides
	 * --version ("V" for ip, "vV" for nft), or NULL for --version only. */
	const char *version_letters;
	/* The classic tool's first version line, without its newline. */
	const char *classic_line;
	/* "ip from iproute2 6.1.0": the tool and release imitated. */
	const char *imitated;
	/* The classic tool writes its version to stderr (dig -v, traceroute -V). */
	bool to_stderr;
	/* Lines after the classic line, for tools whose scripts read a second
	 * one (tcpdump's libpcap and OpenSSL lines); NULL if none. */
	void (*print_more)(FILE *fp);
};

/* "sonde 0.1.0 (OpenSSL ..., c-ares ..., libnl ..., libpcap ..., zlib ...)". */
const char *sonde_version_string(void);
/* sonde's version without the libraries: "sonde 0.1.0". */
const char *sonde_version_short(void);
/* The version answer of an applet: the imitated tool's lines then sonde's
 * line, on stdout or (to_stderr) stderr; sonde's line alone when
 * imitation is NULL.  Returns 0 or -errno from the write. */
int version_print(const char *applet_name, const struct sonde_imitation *imitation);

#endif
