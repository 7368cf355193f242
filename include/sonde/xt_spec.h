/* A rule of xt.h's model in iptables' own words, for every applet that
 * shows iptables rules (iptables, iptables-save, path): the rule spec of
 * `iptables -S` and iptables-save ("-A INPUT -s 10.0.0.0/8 -p tcp -m tcp
 * --dport 22 -j ACCEPT"), and the verdict and target names. */
#ifndef SONDE_XT_SPEC_H
#define SONDE_XT_SPEC_H

#include "sonde/nfdecode.h"
#include "sonde/xt.h"

/* Where a rule spec carries the rule's counters, if at all. */
enum xt_spec_counters {
	XT_SPEC_NO_COUNTERS,
	XT_SPEC_COUNTERS_PREFIX, /* "[packets:bytes] -A ...": iptables-save -c */
	XT_SPEC_COUNTERS_OPTION, /* "-A ... -c packets bytes": iptables -S -v */
};

/* "ACCEPT", "DROP", "RETURN" or "QUEUE"; "" for the verdicts without a
 * fixed name (jumps, extension targets, none). */
const char *xt_verdict_name(enum xt_verdict verdict);
/* The rule's -j argument and -L's target column: the verdict, the chain
 * jumped to, or the extension target's name. */
const char *xt_target_name(const struct xt_rule *r);
/* A match or target of the model as the decoders take it. */
struct nfdecode_ext xt_blob_ext(const struct xt_blob *blob);
/* Rule r of chain c as iptables 1.8.9 -S and iptables-save write it, into
 * line (emptied first; no newline).  decode gives the family (the address
 * width) and the decoders' options; its style is taken as NFDECODE_SAVE
 * whatever it says. */
void xt_rule_spec(struct strbuf *line, const struct nfdecode_opts *decode, const struct xt_chain *c,
		  const struct xt_rule *r, enum xt_spec_counters counters);

#endif
