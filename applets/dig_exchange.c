/* One try of a query for dig: libcore's dns_exchange() (dighost's checks
 * of what comes back), its warnings on dig's notes stream, the outcome in
 * dig's reply. */
#include <stdio.h>

#include "dig_impl.h"

int dig_exchange(const struct dig_run *run, bool report, const uint8_t *query, size_t len,
		 const struct sonde_addr *server, bool tcp, int timeout_ms, struct dig_reply *reply)
{
	FILE *notes = !report ? NULL : out_is_json(run->ctx->out) ? stderr : stdout;
	struct dns_exchange ex;
	int rc = dns_exchange(notes, query, len, server, tcp, timeout_ms, &ex);

	reply->status = ex.status;
	reply->wire = ex.wire;
	reply->len = ex.len;
	reply->tcp = ex.tcp;
	reply->setup_failed = ex.setup_failed;
	reply->rtt_ms = ex.rtt_ms;
	reply->server = ex.server;
	return rc;
}
