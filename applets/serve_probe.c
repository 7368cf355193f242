/* What serve's probers share: blackbox_exporter's default modules built
 * in, a probe's timeout as blackbox_exporter computes it, the probe's log,
 * and the target's address (IPv6 first, IPv4 as the fallback, as its
 * chooseProtocol) held to --allow. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_impl.h"
#include "sonde/clock.h"
#include "sonde/reason.h"
#include "sonde/resolve.h"

/* Debian's /etc/prometheus/blackbox.yml (0.23.0), but grpc, which sonde
 * does not speak.  dns modules come from --config (serve_config.c): their
 * question is each one's own. */
static const struct serve_module modules[] = {
	{ .name = "http_2xx", .prober = PROBER_HTTP, .method = "GET" },
	{ .name = "http_post_2xx", .prober = PROBER_HTTP, .method = "POST" },
	{ .name = "icmp", .prober = PROBER_ICMP },
	{ .name = "icmp_ttl5", .prober = PROBER_ICMP, .timeout_s = 5, .ttl = 5 },
	{ .name = "irc_banner", .prober = PROBER_TCP,
	  .steps = { { NULL, "NICK prober" }, { NULL, "USER prober prober prober :prober" },
		     { "PING :([^ ]+)", "PONG ${1}" }, { "^:[^ ]+ 001", NULL } } },
	/* blackbox.yml's "^+OK" is RE2's "one or more start-of-text, then
	 * OK", which a POP3 greeting ("+OK ...") never matches: kept as it
	 * means there, so that both exporters agree. */
	{ .name = "pop3s_banner", .prober = PROBER_TCP, .tls = true, .steps = { { "^OK", NULL } } },
	{ .name = "ssh_banner", .prober = PROBER_TCP,
	  .steps = { { "^SSH-2.0-", NULL }, { NULL, "SSH-2.0-blackbox-ssh-check" } } },
	{ .name = "tcp_connect", .prober = PROBER_TCP },
};

const struct serve_module *serve_modules(size_t *count)
{
	*count = sizeof(modules) / sizeof(modules[0]);
	return modules;
}

const struct serve_module *serve_module_find(const struct serve_config *cfg, const char *name)
{
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (strcmp(modules[i].name, name) == 0)
			return &modules[i];
	for (size_t i = 0; cfg && i < cfg->file_module_count; i++)
		if (strcmp(cfg->file_modules[i].name, name) == 0)
			return &cfg->file_modules[i];
	return NULL;
}

int serve_probe_timeout_ms(const struct serve_module *m, const char *scrape_header, int64_t *timeout_ms)
{
	double scrape_s = 0, max_s;
	char *end;

	if (scrape_header && *scrape_header) {
		scrape_s = strtod(scrape_header, &end);
		if (*end || !isfinite(scrape_s))
			return -EINVAL;
	}
	if (scrape_s == 0)
		scrape_s = SERVE_DEFAULT_PROBE_S;
	max_s = scrape_s - SERVE_TIMEOUT_OFFSET_S;
	if ((m->timeout_s > 0 && m->timeout_s < max_s) || max_s < 0)
		max_s = m->timeout_s;
	*timeout_ms = (int64_t)(max_s * 1000);
	return 0;
}

int64_t serve_ms_left(const struct serve_probe *p)
{
	int64_t left = p->deadline_ms - mono_ms();

	return left > 0 ? left : 0;
}

void serve_log(struct serve_probe *p, const char *level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	strbuf_printf(p->log, "level=%s module=%s target=%s msg=\"", level, p->module->name, p->target);
	for (const char *c = msg; *c; c++)
		if (*c == '"' || *c == '\\')
			strbuf_printf(p->log, "\\%c", *c);
		else
			strbuf_putc(p->log, *c == '\n' ? ' ' : *c);
	strbuf_puts(p->log, "\"\n");
}

bool serve_allowed(const struct serve_config *cfg, const struct sonde_addr *addr)
{
	if (cfg->allow_any)
		return true;
	for (size_t i = 0; i < cfg->allow_count; i++)
		if (prefix_contains(&cfg->allow[i], addr))
			return true;
	return false;
}

/* FNV-1a over the address' 4 or 16 bytes: blackbox_exporter's ipHash. */
static double addr_hash(const struct sonde_addr *addr)
{
	const uint8_t *bytes = addr_family(addr) == AF_INET ? (const uint8_t *)&addr->u.in4.sin_addr
							    : (const uint8_t *)&addr->u.in6.sin6_addr;
	size_t len = addr_family(addr) == AF_INET ? 4 : 16;
	uint32_t hash = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		hash ^= bytes[i];
		hash *= 16777619u;
	}
	return hash;
}

/* The module's preferred family (IPv6 unless preferred_ip_protocol says
 * ip4), else the other when ip_protocol_fallback allows it. */
static const struct sonde_addr *pick_address(const struct serve_module *m, const struct sonde_addr *addrs,
					     size_t count)
{
	int preferred = m->ip4_preferred ? AF_INET : AF_INET6;

	for (size_t i = 0; i < count; i++)
		if (addr_family(&addrs[i]) == preferred)
			return &addrs[i];
	return count && !m->ip_no_fallback ? &addrs[0] : NULL;
}

int serve_resolve(struct serve_probe *p, const char *host, uint16_t port, struct sonde_addr *addr, double *lookup_s)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	const struct sonde_addr *chosen;
	size_t count = 0;
	int64_t start = mono_ns();
	int rc;
	char text[64];

	expo_set(p->expo, "probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6", EXPO_GAUGE, 0,
		 NULL);
	expo_set(p->expo, "probe_ip_addr_hash",
		 "Specifies the hash of IP address. It's useful to detect if the IP address changes.", EXPO_GAUGE, 0,
		 NULL);
	serve_log(p, "info", "Resolving target address");
	/* Without fallback blackbox_exporter asks for the preferred family's
	 * addresses alone. */
	rc = resolve_host(host, !p->module->ip_no_fallback ? AF_UNSPEC : p->module->ip4_preferred ? AF_INET : AF_INET6,
			  0, (int)serve_ms_left(p), port, addrs, RESOLVE_MAX_ADDRS, &count);
	*lookup_s = (double)(mono_ns() - start) / 1e9;
	expo_set(p->expo, "probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds",
		 EXPO_GAUGE, *lookup_s, NULL);
	chosen = rc == 0 ? pick_address(p->module, addrs, count) : NULL;
	if (!chosen) {
		snprintf(p->reason, sizeof(p->reason), "%s", rc < 0 ? reason_resolve(rc) : "no address");
		serve_log(p, "error", "Error resolving address: %s", p->reason);
		return -1;
	}
	*addr = *chosen;
	expo_set(p->expo, "probe_ip_protocol", "", EXPO_GAUGE, addr_family(addr) == AF_INET ? 4 : 6, NULL);
	expo_set(p->expo, "probe_ip_addr_hash", "", EXPO_GAUGE, addr_hash(addr), NULL);
	addr_format(addr, text, sizeof(text));
	serve_log(p, "info", "Resolved target address ip=%s", text);
	if (!serve_allowed(p->cfg, addr)) {
		snprintf(p->reason, sizeof(p->reason), "target address not allowed (--allow)");
		serve_log(p, "error", "%s is outside --allow", text);
		return -1;
	}
	return 0;
}
