/* sonde doctor: /etc/resolv.conf, a live query to each nameserver, and in a
 * Kubernetes pod the cluster DNS and the API server. */
#include <ares.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor_impl.h"
#include "sonde/clock.h"
#include "sonde/resolvconf.h"
#include "sonde/resolve.h"
#include "sonde/sock.h"

#define DNS_PORT 53
#define KUBERNETES_DEFAULT_PORT 443
#define KUBERNETES_API_NAME "kubernetes.default.svc"

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

const char *doctor_resolv_conf_path(const char *netns)
{
	static char path[4096];
	const char *seam = getenv("SONDE_RESOLV_CONF");

	if ((seam && *seam) || !netns)
		return resolve_conf_path();
	if (all_digits(netns))
		snprintf(path, sizeof(path), "/proc/%s/root/etc/resolv.conf", netns);
	else if (!strchr(netns, '/'))
		snprintf(path, sizeof(path), "/etc/netns/%s/resolv.conf", netns);
	else
		return resolve_conf_path();
	if (access(path, R_OK) != 0)
		return resolve_conf_path();
	/* c-ares reads the file named here too, so lookups agree with the report. */
	setenv("SONDE_RESOLV_CONF", path, 1);
	return resolve_conf_path();
}

/* --- resolv.conf ----------------------------------------------------- */

static void join_words(char *buf, size_t size, const char (*words)[RESOLV_MAX_NAME], size_t count)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < count; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? " " : "", words[i]);

		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

static void check_resolv_conf_file(struct doctor_report *report, const struct doctor_config *config,
				   const struct resolv_conf *conf, int load_rc)
{
	const char *path = config->resolv_conf_path;
	struct doctor_check *check;
	char search[DOCTOR_MESSAGE_LEN / 2];
	size_t i;

	check = doctor_add(report, "dns", "resolv_conf", DOCTOR_PASS, "%s", "");
	check_str(check, "path", path);
	if (load_rc < 0) {
		check_set_message(check, DOCTOR_FAIL,
				  "cannot read %s: %s: name lookups have no nameserver (resolvers fall back "
				  "to 127.0.0.1)",
				  path, strerror(-load_rc));
		check_str(check, "error", strerror(-load_rc));
		return;
	}
	check_list_add(check, "nameservers", NULL);
	for (i = 0; i < conf->nameserver_count; i++)
		check_list_add(check, "nameservers", conf->nameservers[i]);
	check_list_add(check, "search", NULL);
	for (i = 0; i < conf->search_count; i++)
		check_list_add(check, "search", conf->search[i]);
	check_int(check, "ndots", conf->ndots);
	check_int(check, "timeout_s", conf->timeout_s);
	check_int(check, "attempts", conf->attempts);
	check_bool(check, "rotate", conf->rotate);
	check_bool(check, "use_vc", conf->use_vc);

	join_words(search, sizeof(search), conf->search, conf->search_count);
	if (conf->nameserver_count == 0) {
		check_set_message(check, DOCTOR_FAIL,
				  "%s lists no nameserver: resolvers fall back to 127.0.0.1, which rarely serves DNS",
				  path);
		return;
	}
	check_set_message(check, DOCTOR_PASS, "%s: %zu nameserver%s, search %s, ndots %d, timeout %d s, attempts %d",
			  path, conf->nameserver_count, conf->nameserver_count == 1 ? "" : "s",
			  conf->search_count ? search : "(none)", conf->ndots, conf->timeout_s, conf->attempts);
}

static void check_resolv_conf_content(struct doctor_report *report, const struct resolv_conf *conf)
{
	struct doctor_check *check;
	size_t i;

	for (i = 0; i < conf->warning_count; i++) {
		check = doctor_add(report, "dns", "resolv_conf_warning", DOCTOR_WARN, "resolv.conf %s",
				   conf->warnings[i]);
		check_str(check, "warning", conf->warnings[i]);
	}
	if (conf->nameserver_count > RESOLV_LIBC_NAMESERVERS) {
		char ignored[DOCTOR_MESSAGE_LEN / 2];

		ignored[0] = '\0';
		for (i = RESOLV_LIBC_NAMESERVERS; i < conf->nameserver_count; i++) {
			size_t used = strlen(ignored);

			snprintf(ignored + used, sizeof(ignored) - used, "%s%s", used ? " " : "", conf->nameservers[i]);
		}
		check = doctor_add(report, "dns", "nameserver_count", DOCTOR_WARN,
				   "%zu nameservers listed, but glibc and musl use only the first %d: %s never asked",
				   conf->nameserver_count, RESOLV_LIBC_NAMESERVERS, ignored);
		check_uint(check, "count", conf->nameserver_count);
		check_uint(check, "used", RESOLV_LIBC_NAMESERVERS);
	}
	if (conf->ndots > 1 && conf->search_count > 0) {
		check = doctor_add(report, "dns", "ndots", DOCTOR_INFO,
				   "ndots %d: a name with fewer than %d dots is tried with each search domain "
				   "(%zu) before as given; end a name with '.' to skip them",
				   conf->ndots, conf->ndots, conf->search_count);
		check_int(check, "ndots", conf->ndots);
	}
}

/* --- nameservers ----------------------------------------------------- */

static const char *qtype_name(int qtype)
{
	return qtype == RESOLVE_QTYPE_SOA ? "SOA" : qtype == RESOLVE_QTYPE_NS ? "NS" : "A";
}

static void probe_verdict(struct doctor_check *check, const struct resolve_probe *probe, const char *server,
			  const char *qname, int qtype, int timeout_ms)
{
	const char *rcode = resolve_rcode_name(probe->rcode);

	if (probe->status == 0 && (probe->rcode == 0 || probe->rcode == 3)) {
		check_set_message(check, DOCTOR_PASS, "nameserver %s answered in %.1f ms (%s, %u answer%s for %s %s)",
				  server, probe->rtt_ms, rcode, probe->answer_count,
				  probe->answer_count == 1 ? "" : "s", qtype_name(qtype), qname);
		return;
	}
	if (probe->status == 0) {
		check_set_message(check, DOCTOR_WARN,
				  "nameserver %s is reachable (replied in %.1f ms) but answered %s to %s %s: %s",
				  server, probe->rtt_ms, rcode, qtype_name(qtype), qname,
				  probe->rcode == 5 ? "it refuses to serve this client or this name"
				  : probe->rcode == 2 ? "it failed to resolve (its upstream or DNSSEC failed)"
						      : "it did not accept the query");
		return;
	}
	if (probe->status == -ARES_ETIMEOUT) {
		check_set_message(check, DOCTOR_FAIL, "nameserver %s: no reply within %d ms", server, timeout_ms);
		return;
	}
	if (probe->status == -ARES_ECONNREFUSED) {
		check_set_message(check, DOCTOR_FAIL,
				  "nameserver %s: refused after %.1f ms (nothing listens on port %d there)", server,
				  probe->rtt_ms, DNS_PORT);
		return;
	}
	check_set_message(check, DOCTOR_FAIL, "nameserver %s: %s", server, resolve_strerror(probe->status));
}

static void probe_record(struct doctor_check *check, const struct resolve_probe *probe, const char *qname,
			 int qtype, bool used_by_libc)
{
	check_str(check, "qname", qname);
	check_str(check, "qtype", qtype_name(qtype));
	check_bool(check, "replied", probe->status == 0);
	check_str(check, "rcode", probe->status == 0 ? resolve_rcode_name(probe->rcode) : NULL);
	if (probe->status == 0) {
		check_uint(check, "answers", probe->answer_count);
		check_bool(check, "authoritative", probe->authoritative);
		check_bool(check, "recursion_available", probe->recursion_available);
		check_double(check, "rtt_ms", probe->rtt_ms);
	} else {
		check_null(check, "answers");
		check_null(check, "authoritative");
		check_null(check, "recursion_available");
		check_null(check, "rtt_ms");
		check_str(check, "error", resolve_strerror(probe->status));
	}
	check_bool(check, "used_by_libc", used_by_libc);
}

/* Every nameserver gets the same question at the same time.  The question
 * is the SOA of the first search domain, which a cluster DNS answers from
 * its own zone (no upstream needed); without a search list it is the NS of
 * the root, which any recursive server answers. */
static void check_nameservers(struct doctor_report *report, const struct doctor_config *config,
			      const struct resolv_conf *conf)
{
	struct resolve_probe probes[RESOLVE_MAX_PROBES];
	bool parsed[RESOLVE_MAX_PROBES];
	const char *qname = conf->search_count ? conf->search[0] : ".";
	int qtype = conf->search_count ? RESOLVE_QTYPE_SOA : RESOLVE_QTYPE_NS;
	size_t count = 0, i;
	int rc;

	memset(probes, 0, sizeof(probes));
	for (i = 0; i < conf->nameserver_count && i < RESOLVE_MAX_PROBES; i++) {
		parsed[i] = addr_parse_ip(conf->nameservers[i], DNS_PORT, AF_UNSPEC, &probes[count].server) == 0;
		if (parsed[i])
			count++;
	}
	doctor_report_flush(report);  /* what resolv.conf says shows while the servers are asked */
	rc = resolve_probe_servers(qname, qtype, config->timeout_ms, probes, count);
	count = 0;
	for (i = 0; i < conf->nameserver_count && i < RESOLVE_MAX_PROBES; i++) {
		const char *server = conf->nameservers[i];
		struct doctor_check *check = doctor_add(report, "dns", "nameserver", DOCTOR_FAIL, "%s", "");

		check_str(check, "server", server);
		if (!parsed[i]) {
			check_set_message(check, DOCTOR_FAIL, "nameserver '%s' is not an IP address", server);
			continue;
		}
		if (rc < 0) {
			check_set_message(check, DOCTOR_FAIL, "nameserver %s: cannot send a query: %s", server,
					  resolve_strerror(rc));
			continue;
		}
		probe_verdict(check, &probes[count], server, qname, qtype, config->timeout_ms);
		probe_record(check, &probes[count], qname, qtype, i < RESOLV_LIBC_NAMESERVERS);
		count++;
	}
}

void doctor_check_dns(struct doctor_report *report, const struct doctor_config *config)
{
	struct resolv_conf conf;
	int rc = resolv_conf_load(&conf, config->resolv_conf_path);

	check_resolv_conf_file(report, config, &conf, rc);
	if (rc < 0)
		return;
	check_resolv_conf_content(report, &conf);
	check_nameservers(report, config, &conf);
}

/* --- Kubernetes ------------------------------------------------------ */

static void check_cluster_dns(struct doctor_report *report, const struct doctor_config *config,
			      const char *service_host)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	struct doctor_check *check;
	char list[DOCTOR_MESSAGE_LEN / 2] = "";
	size_t count = 0, i, used = 0;
	bool matches = false;
	int64_t start_ns = mono_ns();
	int rc = resolve_host(KUBERNETES_API_NAME, AF_UNSPEC, 0, config->timeout_ms, 0, addrs,
			      RESOLVE_MAX_ADDRS, &count);
	double elapsed_ms = ns_to_ms(mono_ns() - start_ns);

	check = doctor_add(report, "kubernetes", "cluster_dns", DOCTOR_PASS, "%s", "");
	check_str(check, "qname", KUBERNETES_API_NAME);
	check_double(check, "rtt_ms", elapsed_ms);
	check_list_add(check, "addresses", NULL);
	if (rc < 0) {
		check_set_message(check, DOCTOR_FAIL, "%s (through the search list) failed after %.1f ms: %s",
				  KUBERNETES_API_NAME, elapsed_ms, resolve_strerror(rc));
		check_str(check, "error", resolve_strerror(rc));
		return;
	}
	for (i = 0; i < count; i++) {
		char text[ADDR_STRLEN];
		int n;

		addr_ntop(&addrs[i], text, sizeof(text));
		check_list_add(check, "addresses", text);
		matches |= strcmp(text, service_host) == 0;
		n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? " " : "", text);
		if (n > 0 && (size_t)n < sizeof(list) - used)
			used += (size_t)n;
	}
	if (matches)
		check_set_message(check, DOCTOR_PASS, "%s resolved to %s in %.1f ms", KUBERNETES_API_NAME, list,
				  elapsed_ms);
	else
		check_set_message(check, DOCTOR_WARN,
				  "%s resolved to %s in %.1f ms, which is not KUBERNETES_SERVICE_HOST (%s)",
				  KUBERNETES_API_NAME, list, elapsed_ms, service_host);
}

static const char *connect_error_reason(int err)
{
	switch (-err) {
	case ECONNREFUSED: return "connection refused: nothing listens there, or a firewall rejects";
	case ETIMEDOUT: return "no answer (dropped by a firewall or network policy?)";
	case ENETUNREACH: return "network unreachable: no route to it";
	case EHOSTUNREACH: return "host unreachable";
	default: return strerror(-err);
	}
}

static void check_api_server(struct doctor_report *report, const struct doctor_config *config,
			     const char *service_host)
{
	const char *port_text = getenv("KUBERNETES_SERVICE_PORT");
	struct doctor_check *check = doctor_add(report, "kubernetes", "api_server", DOCTOR_PASS, "%s", "");
	struct sonde_addr api;
	char where[ADDR_STRLEN];
	uint16_t port = KUBERNETES_DEFAULT_PORT;
	int64_t start_ns;
	double elapsed_ms;
	int fd, rc;

	if (port_text && *port_text && addr_parse_port(port_text, false, &port) < 0) {
		check_set_message(check, DOCTOR_FAIL, "KUBERNETES_SERVICE_PORT '%s' is not a port number", port_text);
		return;
	}
	if (addr_parse_ip(service_host, port, AF_UNSPEC, &api) < 0) {
		check_set_message(check, DOCTOR_FAIL, "KUBERNETES_SERVICE_HOST '%s' is not an IP address",
				  service_host);
		return;
	}
	addr_format(&api, where, sizeof(where));
	check_str(check, "address", where);
	start_ns = mono_ns();
	rc = sock_connect(&api, SOCK_STREAM, NULL, config->timeout_ms, &fd);
	elapsed_ms = ns_to_ms(mono_ns() - start_ns);
	check_double(check, "rtt_ms", elapsed_ms);
	if (rc < 0) {
		if (rc == -ETIMEDOUT)
			check_set_message(check, DOCTOR_FAIL, "TCP connect to API server %s: no answer within %d ms",
					  where, config->timeout_ms);
		else
			check_set_message(check, DOCTOR_FAIL, "TCP connect to API server %s failed after %.1f ms: %s",
					  where, elapsed_ms, connect_error_reason(rc));
		check_str(check, "error", strerror(-rc));
		return;
	}
	close(fd);
	check_set_message(check, DOCTOR_PASS, "TCP connect to API server %s in %.1f ms%s", where, elapsed_ms,
			  port_text && *port_text ? "" : " (KUBERNETES_SERVICE_PORT unset, used 443)");
}

void doctor_check_kubernetes(struct doctor_report *report, const struct doctor_config *config)
{
	const char *service_host = getenv("KUBERNETES_SERVICE_HOST");

	if (!service_host || !*service_host) {
		doctor_add(report, "kubernetes", "environment", DOCTOR_INFO,
			   "KUBERNETES_SERVICE_HOST is not set: not in a pod%s", config->netns
			   ? " (with --netns, set KUBERNETES_SERVICE_HOST/PORT to check the API server)" : "");
		return;
	}
	check_cluster_dns(report, config, service_host);
	check_api_server(report, config, service_host);
}
