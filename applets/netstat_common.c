/* netstat: what its socket tables share. */
#include "netstat_impl.h"

const char *netstat_scope(const struct netstat_config *cfg)
{
	if (cfg->all)
		return "(servers and established)";
	return cfg->listening ? "(only servers)" : "(w/o servers)";
}
