/* ipset's pieces: ipset.c (options, command words, main) -> ipset_out.c. */
#ifndef SONDE_IPSET_IMPL_H
#define SONDE_IPSET_IMPL_H

#include "sonde/ipset.h"
#include "sonde/out.h"

/* The sets as one JSON document (docs/ipset.md); names_only for -name. */
void ipset_print_json(struct sonde_out *out, const struct ipset_list *list, bool names_only, bool terse);

#endif
