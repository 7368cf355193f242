/* tls --scan: which protocol versions and cipher suites a server accepts,
 * in the server's order of preference.  For each version, offer every
 * suite OpenSSL has (at security level 0, so that legacy ones can be asked
 * for), note the one the server picks, take it out of the offer, and go
 * again until the server refuses: n accepted suites cost n+1 handshakes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sonde/err.h"
#include "tls_impl.h"

#define SCAN_MAX_SUITES 128
#define SCAN_LIST_LEN 8192

struct version_result {
	int version;
	bool accepted;
	char *suites[SCAN_MAX_SUITES];
	size_t count;
	char refusal[200];    /* why the first handshake failed */
};

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

/* One handshake with the offer; the suite chosen, or NULL. */
static char *try_offer(const struct tls_config *cfg, const struct tls_target *target, int version,
		       const char *offer, char *why, size_t why_size)
{
	struct tls_client_config c = {
		.server_name = target->host,
		.timeout_ms = tls_timeout_ms(cfg),
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
	char *chosen = NULL;
	double starttls_ms;
	int fd = tls_open_connection(cfg, target, true, &dial, &starttls_ms);

	if (fd < 0) {
		snprintf(why, why_size, "cannot connect");
		return NULL;
	}
	if (offer[0] && tls_session_connect(fd, &c, &session, why, why_size) == 0) {
		chosen = strdup(tls_session_cipher(session));
		tls_session_free(session);
	}
	close(fd);
	return chosen;
}

static void scan_version(const struct tls_config *cfg, const struct tls_target *target, struct version_result *r)
{
	char offer[SCAN_LIST_LEN], why[256] = "";

	while (r->count < SCAN_MAX_SUITES) {
		char *chosen;

		build_offer(r, offer, sizeof(offer));
		chosen = try_offer(cfg, target, r->version, offer, why, sizeof(why));
		if (!chosen)
			break;
		r->suites[r->count++] = chosen;
	}
	r->accepted = r->count > 0;
	if (!r->accepted)
		snprintf(r->refusal, sizeof(r->refusal), "%s", why);
}

static void render_version(struct sonde_out *out, const struct version_result *r)
{
	size_t i;

	out_open_object(out, NULL);
	out_print_str(out, "version", "  %-9s", tls_version_name(r->version));
	out_print_bool(out, "accepted", r->accepted ? " accepted\n" : " rejected", r->accepted);
	if (!r->accepted)
		out_print_str(out, "reason", " (%s)\n", r->refusal);
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
	struct tls_dial_result dial;
	char address[ADDR_STRLEN];
	double starttls_ms;
	size_t i, j, accepted = 0;
	int fd = tls_open_connection(cfg, target, false, &dial, &starttls_ms);

	/* A first connection proves the server is there at all. */
	if (fd < 0)
		return -fd;
	close(fd);
	for (i = 0; i < 4; i++) {
		scan_version(cfg, target, &results[i]);
		accepted += results[i].accepted;
	}
	out_open_object(ctx->out, NULL);
	out_print_str(ctx->out, "host", "Scan of %s", target->host);
	out_print_str(ctx->out, "address", " (%s)", addr_ntop(&dial.peer, address, sizeof(address)));
	out_print_uint(ctx->out, "port", " port %llu\n", target->port);
	out_open_array(ctx->out, "versions");
	for (i = 0; i < 4; i++)
		render_version(ctx->out, &results[i]);
	out_close_array(ctx->out);
	out_close_object(ctx->out);
	for (i = 0; i < 4; i++)
		for (j = 0; j < results[i].count; j++)
			free(results[i].suites[j]);
	if (!accepted) {
		sonde_err("%s port %u: no TLS version was accepted", target->host, target->port);
		return TLS_EXIT_HANDSHAKE;
	}
	return TLS_EXIT_OK;
}
