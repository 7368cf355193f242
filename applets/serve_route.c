/* What each request gets: /probe as blackbox_exporter answers it (its
 * status codes and texts for a missing target or an unknown module), its
 * debug page, /metrics (build, process, probes, checks), /-/healthy, and
 * 404 or 405 for the rest. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "serve_impl.h"
#include "sonde/clock.h"

#define EXPO_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define TEXT_CONTENT_TYPE "text/plain; charset=utf-8"

static void answer_text(struct serve_answer *ans, int status, const char *fmt, const char *arg)
{
	ans->status = status;
	ans->content_type = TEXT_CONTENT_TYPE;
	strbuf_printf(&ans->body, fmt, arg);
}

/* The query's value into buf; "" when absent; false when undecodable. */
static bool query_value(const char *target, const char *key, char *buf, size_t size)
{
	long n = httpd_query_get(target, key, buf, size);

	if (n == -ENOENT)
		buf[0] = '\0';
	return n >= 0 || n == -ENOENT;
}

static void route_probe(const struct serve_config *cfg, const struct httpd_request *req, struct serve_route *route,
			struct serve_answer *ans)
{
	char module[64], debug[16];

	if (!query_value(req->target, "module", module, sizeof(module)) ||
	    !query_value(req->target, "target", route->target, sizeof(route->target)) ||
	    !query_value(req->target, "debug", debug, sizeof(debug))) {
		answer_text(ans, 400, "%s\n", "Malformed query");
		return;
	}
	route->module = serve_module_find(cfg, module[0] ? module : "http_2xx");
	if (!route->module) {
		ans->status = 400;
		ans->content_type = TEXT_CONTENT_TYPE;
		strbuf_printf(&ans->body, "Unknown module \"%s\"", module);
		/* blackbox.yml's grpc modules: said why, not only unknown */
		if (strcmp(module, "grpc") == 0 || strcmp(module, "grpc_plain") == 0)
			strbuf_puts(&ans->body, " (sonde serve has no grpc prober: sonde speaks no gRPC)");
		strbuf_putc(&ans->body, '\n');
		return;
	}
	if (serve_probe_timeout_ms(route->module, req->scrape_timeout, &route->timeout_ms) < 0) {
		answer_text(ans, 500, "Failed to parse timeout from Prometheus header: %s\n", req->scrape_timeout);
		return;
	}
	if (!route->target[0]) {
		answer_text(ans, 400, "%s\n", "Target parameter is missing");
		return;
	}
	route->debug = strcmp(debug, "true") == 0;
	route->probe = true;
}

/* --- /metrics ------------------------------------------------------------------ */

static long count_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	long count = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			count++;
	closedir(dir);
	return count - 1;  /* the directory's own descriptor */
}

/* RSS and virtual size from /proc/self/statm, in bytes. */
static void memory_bytes(double *rss, double *vsz)
{
	FILE *fp = fopen("/proc/self/statm", "re");
	unsigned long pages_vsz = 0, pages_rss = 0;
	long page = sysconf(_SC_PAGESIZE);

	if (fp) {
		if (fscanf(fp, "%lu %lu", &pages_vsz, &pages_rss) != 2)
			pages_vsz = pages_rss = 0;
		fclose(fp);
	}
	*rss = (double)pages_rss * (double)page;
	*vsz = (double)pages_vsz * (double)page;
}

static void process_families(struct expo *e, const struct serve_stats *stats)
{
	struct rusage self, children;
	struct rlimit nofile;
	double rss, vsz;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	expo_set(e, "process_cpu_seconds_total",
		 "Total user and system CPU time spent in seconds (serve and its ended probe processes).",
		 EXPO_COUNTER,
		 (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec +
			  children.ru_stime.tv_sec) +
			 (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec +
				  children.ru_stime.tv_usec) / 1e6,
		 NULL);
	memory_bytes(&rss, &vsz);
	expo_set(e, "process_resident_memory_bytes", "Resident memory size in bytes.", EXPO_GAUGE, rss, NULL);
	expo_set(e, "process_virtual_memory_bytes", "Virtual memory size in bytes.", EXPO_GAUGE, vsz, NULL);
	expo_set(e, "process_open_fds", "Number of open file descriptors.", EXPO_GAUGE, (double)count_open_fds(),
		 NULL);
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0)
		expo_set(e, "process_max_fds", "Maximum number of open file descriptors.", EXPO_GAUGE,
			 (double)nofile.rlim_cur, NULL);
	expo_set(e, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
		 EXPO_GAUGE, (double)stats->started_s, NULL);
}

static void answer_metrics(const struct serve_stats *stats, struct serve_answer *ans)
{
	struct expo e = { 0 };

	expo_set(&e, "sonde_build_info", "A metric with a constant '1' value labeled by sonde's version.", EXPO_GAUGE,
		 1, "version", SONDE_VERSION, NULL);
	process_families(&e, stats);
	expo_set(&e, "sonde_serve_probes_total", "Probes started.", EXPO_COUNTER, (double)stats->probes_total, NULL);
	expo_set(&e, "sonde_serve_probes_refused_total", "Probes refused because --max-concurrency were running.",
		 EXPO_COUNTER, (double)stats->probes_refused_busy, NULL);
	expo_set(&e, "sonde_serve_requests_total", "HTTP requests answered.", EXPO_COUNTER,
		 (double)stats->requests_total, NULL);
	expo_set(&e, "sonde_serve_bad_requests_total", "HTTP requests refused as malformed or out of bounds.",
		 EXPO_COUNTER, (double)stats->requests_bad, NULL);
	if (stats->checks)
		serve_checks_expose(stats->checks, &e);
	ans->status = 200;
	ans->content_type = EXPO_CONTENT_TYPE;
	expo_write(&e, &ans->body);
	if (e.failed)
		ans->status = 500;
	expo_free(&e);
}

static void answer_index(const struct serve_config *cfg, struct serve_answer *ans)
{
	size_t count;
	const struct serve_module *m = serve_modules(&count);

	ans->status = 200;
	ans->content_type = TEXT_CONTENT_TYPE;
	strbuf_puts(&ans->body, "sonde serve: /probe?target=T&module=M, /metrics\nmodules:");
	for (size_t i = 0; i < count; i++)
		strbuf_printf(&ans->body, " %s", m[i].name);
	for (size_t i = 0; i < cfg->file_module_count; i++)
		strbuf_printf(&ans->body, " %s", cfg->file_modules[i].name);
	strbuf_putc(&ans->body, '\n');
}

void serve_route_request(const struct serve_config *cfg, const struct httpd_request *req,
			 const struct serve_stats *stats, struct serve_route *route, struct serve_answer *ans)
{
	char path[256];

	memset(route, 0, sizeof(*route));
	if (httpd_target_path(req->target, path, sizeof(path)) < 0) {
		answer_text(ans, 404, "%s\n", "404 page not found");
		return;
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		answer_text(ans, 405, "%s\n", "Method Not Allowed");
		return;
	}
	if (strcmp(path, "/probe") == 0)
		route_probe(cfg, req, route, ans);
	else if (strcmp(path, "/metrics") == 0)
		answer_metrics(stats, ans);
	else if (strcmp(path, "/-/healthy") == 0)
		answer_text(ans, 200, "%s\n", "Healthy");
	else if (strcmp(path, "/") == 0)
		answer_index(cfg, ans);
	else
		answer_text(ans, 404, "%s\n", "404 page not found");
}

/* Runs the probe: the exposition gets probe_success, probe_duration_seconds
 * and sonde_probe_failure_info besides the prober's own families. */
static void probe_run(struct serve_probe *p)
{
	int64_t start = mono_ns();
	bool success = false;
	double duration_s;

	serve_log(p, "info", "Beginning probe");
	switch (p->module->prober) {
	case PROBER_HTTP: success = serve_prober_http(p); break;
	case PROBER_TCP: success = serve_prober_tcp(p); break;
	case PROBER_ICMP: success = serve_prober_icmp(p); break;
	case PROBER_DNS: success = serve_prober_dns(p); break;
	}
	duration_s = (double)(mono_ns() - start) / 1e9;
	expo_set(p->expo, "probe_success", "Displays whether or not the probe was a success", EXPO_GAUGE,
		 success ? 1 : 0, NULL);
	expo_set(p->expo, "probe_duration_seconds", "Returns how long the probe took to complete in seconds",
		 EXPO_GAUGE, duration_s, NULL);
	if (!success) {
		if (!p->reason[0])
			snprintf(p->reason, sizeof(p->reason), "probe failed");
		expo_set(p->expo, "sonde_probe_failure_info",
			 "Why the probe failed, in the words of sonde's applets (sonde wait, check)", EXPO_GAUGE, 1,
			 "reason", p->reason, NULL);
		serve_log(p, "error", "Probe failed: %s", p->reason);
	} else {
		serve_log(p, "info", "Probe succeeded");
	}
}

void serve_route_probe(const struct serve_config *cfg, const struct serve_route *route, struct serve_answer *ans)
{
	struct expo e = { 0 };
	struct strbuf log = { 0 };
	struct serve_probe p = {
		.module = route->module,
		.target = route->target,
		.cfg = cfg,
		.deadline_ms = mono_ms() + route->timeout_ms,
		.expo = &e,
		.log = &log,
	};

	probe_run(&p);
	ans->status = e.failed ? 500 : 200;
	if (route->debug) {
		ans->content_type = "text/plain";
		strbuf_puts(&ans->body, "Logs for the probe:\n");
		strbuf_add(&ans->body, log.data ? log.data : "", log.len);
		strbuf_puts(&ans->body, "\n\n\nMetrics that would have been returned:\n");
		expo_write(&e, &ans->body);
		strbuf_puts(&ans->body, "\n\n\nModule configuration:\n");
		serve_module_text(route->module, &ans->body);
	} else {
		ans->content_type = EXPO_CONTENT_TYPE;
		expo_write(&e, &ans->body);
	}
	strbuf_free(&log);
	expo_free(&e);
}
