/* --config FILE: blackbox_exporter's configuration file (its
 * --config.file), for the modules sonde cannot build in: dns modules,
 * whose question is the module's own.  Every key blackbox_exporter 0.23
 * reads for a dns module is read here or refused with a line saying why;
 * modules of the other probers are the built-ins (their keys would need
 * the http, tcp and icmp probers' whole configuration), so a file module
 * of another prober is refused, never half-read.  Each module's settings
 * are checked at start (names, types, rcodes, patterns), where
 * blackbox_exporter finds a bad rcode or pattern only when it probes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_impl.h"
#include "sonde/applet.h"
#include "sonde/dns.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_MODULES 256
#define CONFIG_MAX_TIMEOUT_MS (3600 * 1000)

static const char *const rule_keys[RR_RULE_COUNT] = {
	"fail_if_matches_regexp", "fail_if_all_match_regexp", "fail_if_not_matches_regexp",
	"fail_if_none_matches_regexp",
};
static const char *const section_keys[SERVE_RR_SECTIONS] = {
	"validate_answer_rrs", "validate_authority_rrs", "validate_additional_rrs",
};

struct config_reader {
	const char *path;
	const char *module;
};

static int config_err(const struct config_reader *cr, const struct yaml_node *n, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	if (cr->module)
		sonde_err("--config %s: line %d: module %s: %s", cr->path, n->line, cr->module, msg);
	else
		sonde_err("--config %s: line %d: %s", cr->path, n->line, msg);
	return -EINVAL;
}

static int want_scalar(const struct config_reader *cr, const struct yaml_node *n)
{
	if (n->kind != YAML_SCALAR || n->is_null)
		return config_err(cr, n, "%s: a value is needed here", n->key ? n->key : "item");
	return 0;
}

/* yaml.v2's booleans. */
static int read_bool(const struct config_reader *cr, const struct yaml_node *n, bool *value)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };

	if (want_scalar(cr, n) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!n->quoted && strcmp(n->text, yes[i]) == 0)
			return *value = true, 0;
		if (!n->quoted && strcmp(n->text, no[i]) == 0)
			return *value = false, 0;
	}
	return config_err(cr, n, "%s: not true or false", n->key);
}

/* RE2 syntax that POSIX extended expressions lack or read otherwise:
 * refused rather than matched differently. */
static const char *re2_only(const char *pattern)
{
	static const char *const escapes = "dDpPAzQE";

	for (const char *c = pattern; *c; c++) {
		if (c[0] == '\\' && c[1] && strchr(escapes, c[1]))
			return "\\d, \\p, \\A, \\z and \\Q are RE2's (POSIX classes such as [0-9] say the same)";
		if (c[0] == '\\' && c[1])
			c++;
		else if (c[0] == '(' && c[1] == '?')
			return "(?flags) and (?:groups) are RE2's";
		else if (strchr("*+?}", c[0]) && c[1] == '?' && c != pattern)
			return "lazy quantifiers (*?, +? and ?\?) are RE2's";
	}
	return NULL;
}

static int read_patterns(const struct config_reader *cr, const struct yaml_node *list, struct serve_rr_rules *rules,
			 enum serve_rr_rule rule)
{
	size_t count = 0;

	if (list->kind != YAML_SEQ)
		return config_err(cr, list, "%s: a list of regular expressions", list->key);
	for (const struct yaml_node *n = list->child; n; n = n->next)
		count++;
	rules->patterns[rule] = calloc(count ? count : 1, sizeof(struct serve_rr_pattern));
	if (!rules->patterns[rule])
		return -ENOMEM;
	for (const struct yaml_node *n = list->child; n; n = n->next) {
		struct serve_rr_pattern *pat = &rules->patterns[rule][rules->count[rule]];
		const char *why;

		if (want_scalar(cr, n) < 0)
			return -EINVAL;
		if ((why = re2_only(n->text)) != NULL)
			return config_err(cr, n, "sonde reads POSIX extended expressions: %s", why);
		if (regcomp(&pat->re, n->text, REG_EXTENDED | REG_NOSUB) != 0)
			return config_err(cr, n, "not a regular expression: %s", n->text);
		pat->text = strdup(n->text);
		rules->count[rule]++;
		if (!pat->text)
			return -ENOMEM;
	}
	return 0;
}

static int read_rules(const struct config_reader *cr, const struct yaml_node *map, struct serve_rr_rules *rules)
{
	if (map->is_null)
		return 0;
	if (map->kind != YAML_MAP)
		return config_err(cr, map, "%s: a mapping of fail_if_* lists", map->key);
	for (const struct yaml_node *n = map->child; n; n = n->next) {
		size_t r = 0;

		while (r < RR_RULE_COUNT && strcmp(n->key, rule_keys[r]) != 0)
			r++;
		if (r == RR_RULE_COUNT)
			return config_err(cr, n, "%s: unknown key (fail_if_matches_regexp, fail_if_all_match_regexp, "
					  "fail_if_not_matches_regexp, fail_if_none_matches_regexp)", n->key);
		if (!n->is_null && read_patterns(cr, n, rules, (enum serve_rr_rule)r) < 0)
			return -EINVAL;
	}
	return 0;
}

/* valid_rcodes: names as miekg/dns spells them. */
static int read_rcodes(const struct config_reader *cr, const struct yaml_node *list, uint64_t *bits)
{
	if (list->kind != YAML_SEQ)
		return config_err(cr, list, "%s: a list of rcode names (NOERROR, NXDOMAIN...)", list->key);
	for (const struct yaml_node *n = list->child; n; n = n->next) {
		unsigned rcode = 0;
		char buf[16];

		if (want_scalar(cr, n) < 0)
			return -EINVAL;
		while (rcode < 64 && strcmp(dns_rcode_name(rcode, buf, sizeof(buf)), n->text) != 0)
			rcode++;
		if (rcode == 64 && strcmp(n->text, "BADSIG") == 0)
			rcode = 16;
		if (rcode == 64 || (n->text[0] >= '0' && n->text[0] <= '9'))
			return config_err(cr, n, "not an rcode name (NOERROR, NXDOMAIN, SERVFAIL, REFUSED...): %s",
					  n->text);
		*bits |= 1ULL << rcode;
	}
	return 0;
}

static int read_ip_protocol(const struct config_reader *cr, const struct yaml_node *n, struct serve_module *m)
{
	if (want_scalar(cr, n) < 0)
		return -EINVAL;
	if (strcmp(n->text, "ip4") == 0)
		m->ip4_preferred = true;
	else if (strcmp(n->text, "ip6") != 0 && n->text[0])
		return config_err(cr, n, "preferred_ip_protocol: ip4 or ip6, not %s", n->text);
	return 0;
}

static int read_transport(const struct config_reader *cr, const struct yaml_node *n, struct serve_dns *d)
{
	if (want_scalar(cr, n) < 0)
		return -EINVAL;
	if (strcmp(n->text, "tcp") == 0)
		d->tcp = true;
	else if (strcmp(n->text, "udp") != 0 && n->text[0])
		return config_err(cr, n, "transport_protocol: udp or tcp, not %s", n->text);
	return 0;
}

static int read_query(const struct config_reader *cr, const struct yaml_node *n, struct serve_dns *d)
{
	uint8_t wire[DNS_MAX_WIRE_NAME + 1];

	if (strcmp(n->key, "query_name") == 0) {
		if (want_scalar(cr, n) < 0)
			return -EINVAL;
		if (dns_name_to_wire(n->text, wire, sizeof(wire)) < 0)
			return config_err(cr, n, "query_name: not a domain name: %s", n->text);
		d->query_name = strdup(n->text);
		return d->query_name ? 0 : -ENOMEM;
	}
	if (want_scalar(cr, n) < 0)
		return -EINVAL;
	if (strcmp(n->key, "query_type") == 0 && (dns_type_parse(n->text, &d->qtype) < 0 || !d->qtype))
		return config_err(cr, n, "query_type: not a record type: %s", n->text);
	if (strcmp(n->key, "query_class") == 0 && dns_class_parse(n->text, &d->qclass) < 0)
		return config_err(cr, n, "query_class: not a class: %s", n->text);
	return 0;
}

/* One key of a module's "dns:" section. */
static int read_dns_key(const struct config_reader *cr, const struct yaml_node *n, struct serve_module *m)
{
	struct serve_dns *d = m->dns;

	for (size_t s = 0; s < SERVE_RR_SECTIONS; s++)
		if (strcmp(n->key, section_keys[s]) == 0)
			return read_rules(cr, n, &d->rules[s]);
	if (strcmp(n->key, "query_name") == 0 || strcmp(n->key, "query_type") == 0 ||
	    strcmp(n->key, "query_class") == 0)
		return read_query(cr, n, d);
	if (strcmp(n->key, "valid_rcodes") == 0)
		return n->is_null ? 0 : read_rcodes(cr, n, &d->valid_rcodes);
	if (strcmp(n->key, "transport_protocol") == 0)
		return read_transport(cr, n, d);
	if (strcmp(n->key, "preferred_ip_protocol") == 0)
		return read_ip_protocol(cr, n, m);
	if (strcmp(n->key, "recursion_desired") == 0)
		return read_bool(cr, n, &d->recursion);
	if (strcmp(n->key, "ip_protocol_fallback") == 0) {
		bool fallback;
		int rc = read_bool(cr, n, &fallback);

		m->ip_no_fallback = !fallback;
		return rc;
	}
	if (strcmp(n->key, "dns_over_tls") == 0 || strcmp(n->key, "tls_config") == 0 ||
	    strcmp(n->key, "source_ip_address") == 0)
		return config_err(cr, n, "%s: not supported by sonde serve (DNS over UDP and TCP, from the "
				  "route's source address)", n->key);
	return config_err(cr, n, "dns: unknown key %s", n->key);
}

static int read_dns(const struct config_reader *cr, const struct yaml_node *section, struct serve_module *m)
{
	m->dns = calloc(1, sizeof(*m->dns));
	if (!m->dns)
		return -ENOMEM;
	m->dns->qtype = DNS_TYPE_ANY;
	m->dns->qclass = DNS_CLASS_IN;
	m->dns->recursion = true;
	if (section->kind != YAML_MAP)
		return config_err(cr, section, "%s", "dns: query_name must be set for a dns module");
	for (const struct yaml_node *n = section->child; n; n = n->next)
		if (read_dns_key(cr, n, m) < 0)
			return -EINVAL;
	if (!m->dns->query_name)
		return config_err(cr, section, "%s", "dns: query_name must be set for a dns module");
	return 0;
}

static int read_timeout(const struct config_reader *cr, const struct yaml_node *n, struct serve_module *m)
{
	int64_t ms;
	const char *why;

	if (want_scalar(cr, n) < 0)
		return -EINVAL;
	why = opt_read_duration_ms(n->text, CONFIG_MAX_TIMEOUT_MS, &ms);
	if (why)
		return config_err(cr, n, "timeout: %s", why);
	m->timeout_s = (double)ms / 1000;
	return 0;
}

static int read_module(struct config_reader *cr, const struct yaml_node *def, struct serve_module *m)
{
	const struct yaml_node *prober, *section = NULL;

	cr->module = def->key;
	m->name = strdup(def->key);
	m->prober = PROBER_DNS;
	if (!m->name)
		return -ENOMEM;
	if (def->kind != YAML_MAP)
		return config_err(cr, def, "%s", "a mapping (prober, timeout, dns) is needed");
	prober = yaml_get(def, "prober");
	if (!prober || want_scalar(cr, prober) < 0)
		return config_err(cr, def, "%s", "prober must be set");
	if (strcmp(prober->text, "grpc") == 0)
		return config_err(cr, prober, "%s", "prober grpc: sonde speaks no gRPC");
	if (strcmp(prober->text, "dns") != 0)
		return config_err(cr, prober, "prober %s: --config reads dns modules; http, tcp and icmp are the "
				  "built-in modules (docs/serve.md)", prober->text);
	if (serve_module_find(NULL, def->key))
		return config_err(cr, def, "%s", "the name of a built-in module");
	for (const struct yaml_node *n = def->child; n; n = n->next) {
		if (strcmp(n->key, "timeout") == 0 && read_timeout(cr, n, m) < 0)
			return -EINVAL;
		else if (strcmp(n->key, "dns") == 0)
			section = n;
		else if (strcmp(n->key, "prober") != 0 && strcmp(n->key, "timeout") != 0)
			return config_err(cr, n, "%s: not a key of a dns module (prober, timeout, dns)", n->key);
	}
	if (!section)
		return config_err(cr, def, "%s", "dns: query_name must be set for a dns module");
	return read_dns(cr, section, m);
}

static int read_modules(struct config_reader *cr, const struct yaml_node *root, struct serve_config *cfg)
{
	const struct yaml_node *modules;
	size_t count = 0;

	if (root->kind != YAML_MAP || !(modules = yaml_get(root, "modules")))
		return config_err(cr, root, "%s", "no 'modules:' mapping");
	for (const struct yaml_node *n = root->child; n; n = n->next)
		if (strcmp(n->key, "modules") != 0)
			return config_err(cr, n, "%s: unknown key (only modules)", n->key);
	if (modules->kind != YAML_MAP)
		return config_err(cr, modules, "%s", "modules: a mapping of module names");
	for (const struct yaml_node *n = modules->child; n; n = n->next)
		count++;
	if (count > CONFIG_MAX_MODULES)
		return config_err(cr, modules, "%s", "more than 256 modules");
	cfg->file_modules = calloc(count ? count : 1, sizeof(*cfg->file_modules));
	if (!cfg->file_modules)
		return -ENOMEM;
	for (const struct yaml_node *n = modules->child; n; n = n->next)
		if (read_module(cr, n, &cfg->file_modules[cfg->file_module_count++]) < 0)
			return -EINVAL;
	return 0;
}

static char *read_whole(const char *path, int *err)
{
	FILE *fp = fopen(path, "re");
	char *text = malloc(CONFIG_MAX_BYTES + 1);
	size_t len = 0;

	*err = 0;
	if (!fp || !text) {
		*err = fp ? ENOMEM : errno;
	} else {
		len = fread(text, 1, CONFIG_MAX_BYTES + 1, fp);
		if (ferror(fp))
			*err = EIO;
		else if (len > CONFIG_MAX_BYTES || memchr(text, '\0', len))
			*err = EFBIG;
		else
			text[len] = '\0';
	}
	if (fp)
		fclose(fp);
	if (*err) {
		free(text);
		return NULL;
	}
	return text;
}

int serve_config_load(struct serve_config *cfg)
{
	struct config_reader cr = { .path = cfg->config_path };
	struct yaml_node *root = NULL;
	char why[160];
	int err, line, rc;
	char *text = read_whole(cfg->config_path, &err);

	if (!text) {
		if (err == EFBIG)
			sonde_err("--config %s: not a text file of at most 1 MiB", cfg->config_path);
		else
			sonde_errno(err, "--config %s", cfg->config_path);
		return SONDE_EXIT_USAGE;
	}
	rc = yaml_parse(text, &root, why, sizeof(why), &line);
	if (rc == -EINVAL)
		sonde_err("--config %s: line %d: %s", cfg->config_path, line, why);
	else if (rc == 0)
		rc = read_modules(&cr, root, cfg);
	if (rc == -ENOMEM)
		sonde_errno(ENOMEM, "--config %s", cfg->config_path);
	yaml_free(root);
	free(text);
	if (rc < 0) {
		serve_config_free(cfg);
		return SONDE_EXIT_USAGE;
	}
	return 0;
}

static void free_dns(struct serve_dns *d)
{
	if (!d)
		return;
	for (size_t s = 0; s < SERVE_RR_SECTIONS; s++)
		for (size_t r = 0; r < RR_RULE_COUNT; r++) {
			for (size_t i = 0; i < d->rules[s].count[r]; i++) {
				regfree(&d->rules[s].patterns[r][i].re);
				free(d->rules[s].patterns[r][i].text);
			}
			free(d->rules[s].patterns[r]);
		}
	free(d->query_name);
	free(d);
}

void serve_config_free(struct serve_config *cfg)
{
	for (size_t i = 0; i < cfg->file_module_count; i++) {
		free((char *)cfg->file_modules[i].name);
		free_dns(cfg->file_modules[i].dns);
	}
	free(cfg->file_modules);
	cfg->file_modules = NULL;
	cfg->file_module_count = 0;
}

/* --- the debug page's "Module configuration" --------------------------------- */

static void dns_text(const struct serve_module *m, struct strbuf *b)
{
	const struct serve_dns *d = m->dns;
	char tbuf[16], cbuf[16];

	strbuf_printf(b, "dns:\n  preferred_ip_protocol: %s\n  ip_protocol_fallback: %s\n", m->ip4_preferred ? "ip4" : "ip6",
		      m->ip_no_fallback ? "false" : "true");
	strbuf_printf(b, "  transport_protocol: %s\n  query_class: %s\n  query_name: %s\n  query_type: %s\n",
		      d->tcp ? "tcp" : "udp", dns_class_name(d->qclass, cbuf, sizeof(cbuf)), d->query_name,
		      dns_type_name(d->qtype, tbuf, sizeof(tbuf)));
	strbuf_printf(b, "  recursion_desired: %s\n", d->recursion ? "true" : "false");
	if (d->valid_rcodes) {
		strbuf_puts(b, "  valid_rcodes:\n");
		for (unsigned r = 0; r < 64; r++)
			if (d->valid_rcodes & (1ULL << r))
				strbuf_printf(b, "  - %s\n", dns_rcode_name(r, tbuf, sizeof(tbuf)));
	}
	for (size_t s = 0; s < SERVE_RR_SECTIONS; s++) {
		bool any = false;

		for (size_t r = 0; r < RR_RULE_COUNT; r++)
			for (size_t i = 0; i < d->rules[s].count[r]; i++) {
				if (!any)
					strbuf_printf(b, "  %s:\n", section_keys[s]);
				if (i == 0)
					strbuf_printf(b, "    %s:\n", rule_keys[r]);
				strbuf_printf(b, "    - %s\n", d->rules[s].patterns[r][i].text);
				any = true;
			}
	}
}

void serve_module_text(const struct serve_module *m, struct strbuf *b)
{
	static const char *const probers[] = { "http", "tcp", "icmp", "dns" };

	strbuf_printf(b, "prober: %s\n", probers[m->prober]);
	if (m->timeout_s > 0)
		strbuf_printf(b, "timeout: %gs\n", m->timeout_s);
	if (m->method)
		strbuf_printf(b, "http:\n  method: %s\n", m->method);
	if (m->ttl)
		strbuf_printf(b, "icmp:\n  ttl: %d\n", m->ttl);
	if (m->dns)
		dns_text(m, b);
	if (m->tls || m->steps[0].expect || m->steps[0].send)
		strbuf_printf(b, "tcp:\n  tls: %s\n  query_response:\n", m->tls ? "true" : "false");
	for (size_t i = 0; i < SERVE_MAX_STEPS; i++) {
		if (m->steps[i].expect)
			strbuf_printf(b, "  - expect: \"%s\"\n", m->steps[i].expect);
		if (m->steps[i].send)
			strbuf_printf(b, "  %s send: \"%s\"\n", m->steps[i].expect ? " " : "-", m->steps[i].send);
	}
}
