/* iptables / ip6tables: read-only views of both iptables backends. */
#ifndef SONDE_IPTABLES_IMPL_H
#define SONDE_IPTABLES_IMPL_H

#include <stdbool.h>
#include <stdio.h>

#include "sonde/applet.h"
#include "sonde/nfdecode.h"
#include "sonde/xt.h"

enum iptables_mode { IPT_MODE_NONE, IPT_MODE_LIST, IPT_MODE_RULES, IPT_MODE_SAVE };

struct iptables_config {
	bool list, list_rules, save;     /* -L, -S, --save */
	bool ipv6;                       /* ip6tables */
	const char *table;               /* -t */
	const char *backend;             /* --backend legacy|nft|auto */
	bool numeric, exact, line_numbers, counters;
	int verbose;
};

/* What the printers need besides the tables. */
struct iptables_view {
	const struct iptables_config *cfg;
	int family;
	FILE *fp;
	struct strbuf line;               /* reused for every rule */
	struct nfdecode_opts decode;
};

void iptables_print_rules(struct iptables_view *v, const struct xt_table *t, const char *chain);
void iptables_print_save(struct iptables_view *v, const struct xt_table *t, const char *tool);
/* Returns false when chain was given and not found. */
bool iptables_print_list(struct iptables_view *v, const struct xt_table *t, const char *chain, bool first);
void iptables_print_json(struct iptables_view *v, struct sonde_out *out, const struct xt_table *t, const char *chain);

#endif
