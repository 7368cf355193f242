/* tls --scan: which protocol versions and cipher suites a server accepts,
 * in the server's order of preference.  For each version, offer every
 * suite OpenSSL has (at security level 0, so that legacy ones can be asked
 * for), note the one the server picks, take it out of the offer, and go
 * again until the server refuses: n accepted suites cost n+1 handshakes.
 * A handshake that times out is no refusal: it stops the scan (a server
 * that does not answer one would make each of the others wait as long),
 * and the whole scan has a limit of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/err.h"
#include "tls_impl.h"

#define SCAN_MAX_SUITES 128
#define SCAN_LIST_LEN 8192
/* The whole scan may take this many --timeout periods (docs/tls.md). */
#define SCAN_TIMEOUT_PERIODS 6

struct version_result {
	int version;
	bool tried;           /* false: the scan stopped before this version */
	bool accepted;
	bool timed_out;       /* a handshake ran out of time: the list may be incomplete */
	char *suites[SCAN_MAX_SUITES];
	size_t count;
	char refusal[200];    /* why the first handshake failed, or timed out */
};

enum offer_result { OFFER_CHOSEN, OFFER_REFUSED, OFFER_TIMED_OUT };

/* The offer for the next handshake: everything but what was accepted. */
static void build_offer(const struct version_result *r, char *list, size_t size)
{
	size_t i, used;

	if (r->version == 13) {
		const char *all = tls13_all_suites(), *p = all;

		used = 0;
		list[0] = '\0';
		while (*p) {
			size_t len = strcspn(p, ":");
			bool taken = false;

			for (i = 0; i < r->count; i++)
				taken |= strlen(r->suites[i]) == len && strncmp(r->suites[i], p, len) == 0;
			if (!taken && used + len + 2 < size)
				used += (size_t)snprintf(list + used, size - used, "%s%.*s", used ? ":" : "", (int)len, p);
			p += len + (p[len] == ':');
		}
		return;
	}
	used = (size_t)snprintf(list, size, "ALL:COMPLEMENTOFALL");
	for (i = 0; i < r->count && used < size; i++)
		used += (size_t)snprintf(list + used, size - used, ":!%s", r->suites[i]);
}

/* What is left of the step limit and of the whole scan's, the nearer. */
static int offer_timeout_ms(const struct tls_config *cfg, int64_t scan_deadline_ms)
{
	int left_ms = deadline_poll_ms(scan_deadline_ms), step_ms = tls_timeout_ms(cfg);

	return left_ms < step_ms ? left_ms : step_ms;
}

/* One handshake with the offer: the suite chosen in *chosen, or why not. */
static enum offer_result try_offer(const struct tls_config *cfg, const struct tls_target *target, int version,
				   const char *offer, int64_t scan_deadline_ms, char **chosen, char *why,
				   size_t why_size)
{
	int timeout_ms = offer_timeout_ms(cfg, scan_deadline_ms);
	struct tls_client_config c = {
		.server_name = target->host,
		.timeout_ms = timeout_ms,
		.sni = cfg->sni,
		.no_sni = cfg->no_sni,
		.min_version = version,
		.max_version = version,
		.security_level_set = true,
		.security_level = cfg->seclevel_set ? cfg->seclevel : 0,
		.ciphers = version < 13 ? offer : NULL,
		.ciphersuites = version == 13 ? offer : NULL,
		.cert_file = cfg->cert,
		.key_file = cfg->key,
	};
	struct tls_dial_result dial;
	struct tls_session *session;
	double starttls_ms;
	int fd, rc = -EPROTO;

	*chosen = NULL;
	if (timeout_ms <= 0) {
		snprintf(why, why_size, "the scan's limit of %g s is spent", SCAN_TIMEOUT_PERIODS * cfg->timeout_s);
		return OFFER_TIMED_OUT;
	}
	fd = tls_open_connection(cfg, target, true, timeout_ms, &c, &dial, &starttls_ms);
	if (fd == -TLS_EXIT_TIMEOUT) {
		snprintf(why, why_size, "no connection within %g s", timeout_ms / 1000.0);
		return OFFER_TIMED_OUT;
	}
	if (fd < 0) {
		snprintf(why, why_size, "cannot connect");
		return OFFER_REFUSED;
	}
	if (offer[0])
		rc = tls_session_connect(fd, &c, &session, why, why_size);
	close(fd);
	if (rc == -ETIMEDOUT) {
		snprintf(why, why_size, "no handshake within %g s", timeout_ms / 1000.0);
		return OFFER_TIMED_OUT;
	}
	if (rc < 0)
		return OFFER_REFUSED;
	*chosen = strdup(tls_session_cipher(session));
	tls_session_free(session);
	return *chosen ? OFFER_CHOSEN : OFFER_REFUSED;
}

static void scan_version(const struct tls_config *cfg, const struct tls_target *target, int64_t scan_deadline_ms,
			 struct version_result *r)
{
	char offer[SCAN_LIST_LEN], why[256] = "";
	enum offer_result result = OFFER_REFUSED;

	r->tried = true;
	while (r->count < SCAN_MAX_SUITES) {
		char *chosen;

		build_offer(r, offer, sizeof(offer));
		result = try_offer(cfg, target, r->version, offer, scan_deadline_ms, &chosen, why, sizeof(why));
		if (result != OFFER_CHOSEN)
			break;
		r->suites[r->count++] = chosen;
	}
	r->accepted = r->count > 0;
	r->timed_out = result == OFFER_TIMED_OUT;
	if (!r->accepted || r->timed_out)
		snprintf(r->refusal, sizeof(r->refusal), "%s", why);
}

static const char *version_state(const struct version_result *r)
{
	if (!r->tried)
		return "not_tried";
	if (r->timed_out)
		return "timed_out";
	return r->accepted ? "accepted" : "rejected";
}

/* "accepted", "rejected (why)", "timed out (why)", "accepted (list
 * incomplete: ...)" or "not tried". */
static void render_version(struct sonde_out *out, const struct version_result *r)
{
	const char *state = version_state(r);
	size_t i;

	out_open_object(out, NULL);
	out_print_str(out, "version", "  %-9s", tls_version_name(r->version));
	out_print_bool(out, "accepted", NULL, r->accepted);
	out_print_str(out, "state", NULL, state);
	if (!r->tried)
		out_text(out, " not tried (the scan stopped at a timeout)\n");
	else if (r->accepted && r->timed_out)
		out_print_str(out, "reason", " accepted (the list may be incomplete: timed out, %s)\n", r->refusal);
	else if (r->accepted)
		out_text(out, " accepted\n");
	else
		out_print_str(out, "reason", r->timed_out ? " timed out (%s)\n" : " rejected (%s)\n", r->refusal);
	out_open_array(out, "ciphers");
	for (i = 0; i < r->count; i++)
		out_print_str(out, NULL, "      %s\n", r->suites[i]);
	out_close_array(out);
	out_close_object(out);
}

int tls_scan(struct sonde_ctx *ctx, const struct tls_config *cfg, const struct tls_target *target)
{
	struct version_result results[4] = { { .version = 10 }, { .version = 11 }, { .version = 12 },
					     { .version = 13 } };
	int64_t scan_deadline_ms = deadline_after_ms((int64_t)SCAN_TIMEOUT_PERIODS * tls_timeout_ms(cfg));
	struct tls_dial_result dial;
	char address[ADDR_STRLEN];
	double starttls_ms;
	size_t i, j, accepted = 0;
	bool timed_out = false;
	char why[400];
	int rc, fd = tls_open_connection(cfg, target, false, tls_timeout_ms(cfg), NULL, &dial, &starttls_ms);

	/* A first connection proves the server is there at all. */
	if (fd < 0)
		return -fd;
	close(fd);
	for (i = 0; i < 4 && !timed_out; i++) {
		scan_version(cfg, target, scan_deadline_ms, &results[i]);
		accepted += results[i].accepted;
		timed_out = results[i].timed_out;
	}
	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "host", "Scan of %s", target->host);
	out_print_str(ctx->out, "address", " (%s)", addr_ntop(&dial.peer, address, sizeof(address)));
	out_print_uint(ctx->out, "port", " port %llu\n", target->port);
	out_open_array(ctx->out, "versions");
	for (i = 0; i < 4; i++)
		render_version(ctx->out, &results[i]);
	out_close_array(ctx->out);
	rc = timed_out ? TLS_EXIT_TIMEOUT : !accepted ? TLS_EXIT_HANDSHAKE : TLS_EXIT_OK;
	if (rc != TLS_EXIT_OK) {
		snprintf(why, sizeof(why), "%s port %u: %s", target->host, target->port,
			 timed_out ? "the scan stopped: timed out" : "no TLS version was accepted");
		out_print_error(ctx->out, why, rc);
	}
	out_close_object(ctx->out);
	for (i = 0; i < 4; i++)
		for (j = 0; j < results[i].count; j++)
			free(results[i].suites[j]);
	if (rc != TLS_EXIT_OK)
		sonde_err("%s", why);
	return rc;
}
