/* scan: a port scanner with nmap's options, states and output layouts, on
 * libcore's probe engine.  This file holds the options, turns targets and
 * port lists into the run, and drives it host by host: discovery, the TCP
 * scan (-sS raw SYNs or -sT connects), the UDP scan, banners, output. */
#include <ares.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>

#include "scan_impl.h"
#include "sonde/caps.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/resolve.h"
#include "sonde/version.h"

#define DEFAULT_TOP_PORTS 1000
#define FAST_TOP_PORTS 100
/* File descriptors kept back from connect probes for everything else: a
 * quarter of those free, within these bounds. */
#define FD_RESERVE 64
#define FD_RESERVE_MIN 4
/* A connect window under this many is slow enough to say so. */
#define FD_SLOW_WINDOW 256
/* Without /proc, descriptors are looked for below this number at most. */
#define FD_LOOK_MAX 65536
#define RDNS_TIMEOUT_MS 1000
#define TARGET_WORD_MAX 512
/* Hosts scanned together: up to 256, and no more than a million ports'
 * worth of tables (8 MiB) at once. */
#define HOSTGROUP_MAX 256
#define HOSTGROUP_PORT_BUDGET (1u << 20)

/* Lock-free, so the handler may set it and worker threads read it. */
static atomic_bool scan_interrupted;

/* Durations up to a year, through the one duration reader of libcore. */
#define DURATION_MAX_MS (86400000LL * 365)

static const char *parse_host_timeout(void *config, const char *arg)
{
	return opt_read_duration_ms(arg, DURATION_MAX_MS, &((struct scan_config *)config)->host_timeout_ms);
}

static const char *parse_scan_delay(void *config, const char *arg)
{
	return opt_read_duration_ms(arg, DURATION_MAX_MS, &((struct scan_config *)config)->scan_delay_ms);
}

static const struct sonde_opt scan_options[] = {
	SONDE_OPT_FLAG("sS", NULL, "TCP SYN scan (raw sockets: CAP_NET_RAW); the default with privilege",
		       struct scan_config, syn),
	SONDE_OPT_FLAG("sT", NULL, "TCP connect scan (no privilege); the default without", struct scan_config,
		       connect),
	SONDE_OPT_FLAG("sU", NULL, "UDP scan", struct scan_config, udp),
	SONDE_OPT_FLAG("sn", NULL, "host discovery only, no port scan", struct scan_config, ping_only),
	SONDE_OPT_FLAG("Pn", NULL, "skip host discovery: treat every target as up", struct scan_config, no_ping),
	SONDE_OPT_STRING("p", NULL, "PORTS", "ports: 22,80,1000-2000, U:53,T:443, - for 1-65535",
			 struct scan_config, ports),
	SONDE_OPT_FLAG("p-", NULL, "every port, 1-65535", struct scan_config, all_ports),
	SONDE_OPT_INT(NULL, "top-ports", "N", "the first N ports of sonde's top-ports list", struct scan_config,
		      top_ports, 1, 65535),
	SONDE_OPT_FLAG("F", NULL, "fast: the top 100 ports", struct scan_config, fast),
	SONDE_OPT_FLAG("6", NULL, "IPv6 targets", struct scan_config, ipv6),
	SONDE_OPT_FLAG("n", NULL, "never resolve names (targets must be addresses)", struct scan_config, numeric),
	SONDE_OPT_FLAG("R", NULL, "reverse-resolve every target, down ones too", struct scan_config,
		       always_resolve),
	SONDE_OPT_STRING("iL", NULL, "FILE", "read targets from FILE (- for stdin)", struct scan_config,
			 input_list),
	SONDE_OPT_STRING(NULL, "exclude", "TARGETS", "leave out these targets (comma-separated)",
			 struct scan_config, exclude),
	SONDE_OPT_STRING(NULL, "excludefile", "FILE", "leave out the targets listed in FILE", struct scan_config,
			 exclude_file),
	SONDE_OPT_INT("T", NULL, "0-5", "timing template: 0 paranoid .. 3 normal .. 5 insane", struct scan_config,
		      timing, 0, 5),
	SONDE_OPT_DOUBLE(NULL, "min-rate", "N", "send at least N probes per second", struct scan_config,
			 min_rate, 0.001, 10000000),
	SONDE_OPT_DOUBLE(NULL, "max-rate", "N", "send at most N probes per second", struct scan_config, max_rate,
			 0.001, 10000000),
	SONDE_OPT_INT(NULL, "max-retries", "N", "retransmissions per probe at most", struct scan_config,
		      max_retries, 0, 50),
	SONDE_OPT_FUNC(NULL, "host-timeout", "TIME", "give up on a host after TIME (30s, 5m)",
		       parse_host_timeout),
	SONDE_OPT_FUNC(NULL, "scan-delay", "TIME", "wait TIME between probes (500ms)", parse_scan_delay),
	SONDE_OPT_FLAG(NULL, "open", "show only open (or possibly open) ports", struct scan_config, open_only),
	SONDE_OPT_FLAG(NULL, "reason", "say why each port is in its state", struct scan_config, reason),
	SONDE_OPT_FLAG(NULL, "banner", "read what open TCP ports volunteer (an HTTP HEAD on web ports)",
		       struct scan_config, banner),
	SONDE_OPT_FLAG(NULL, "fallback", "-sS without CAP_NET_RAW: scan with -sT instead of failing",
		       struct scan_config, fallback),
	SONDE_OPT_COUNT("v", NULL, "verbose: more ports listed, down hosts, probe counts", struct scan_config,
			verbose),
	SONDE_OPT_STRING("oG", NULL, "FILE", "grepable output in nmap's format to FILE (- for stdout)",
			 struct scan_config, grepable_file),
	SONDE_OPT_STRING("oX", NULL, "FILE", "XML output in nmap's layout to FILE (- for stdout)",
			 struct scan_config, xml_file),
	SONDE_OPT_END,
};

static void scan_init(void *config)
{
	struct scan_config *cfg = config;

	cfg->timing = 3;
	cfg->max_retries = -1;
}

/* Called as nmap: nmap's words in the lines scripts parse. */
static void nmap_init(void *config)
{
	struct scan_config *cfg = config;

	scan_init(config);
	cfg->as_nmap = true;
}

static void on_interrupt(int sig)
{
	(void)sig;
	atomic_store(&scan_interrupted, true);
}

/* Ctrl-C ends the scan, not the process: poll() and connect waits return
 * EINTR (no SA_RESTART), every loop sees the flag within a poll slice, and
 * the report of what was found is printed before exit 130. */
static void catch_interrupt(struct scan_run *run)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	run->interrupt = &scan_interrupted;
}

/* --- checks and set-up --------------------------------------------------------- */

static int check_options(const struct scan_config *cfg)
{
	if (cfg->syn && cfg->connect)
		return sonde_usage_error("-sS and -sT exclude each other");
	if (cfg->ping_only && (cfg->syn || cfg->connect || cfg->udp || cfg->ports || cfg->all_ports))
		return sonde_usage_error("-sn scans no ports: leave out -sS/-sT/-sU and -p");
	if (cfg->ping_only && cfg->no_ping)
		return sonde_usage_error("-sn and -Pn exclude each other");
	if ((cfg->ports != NULL) + cfg->all_ports + (cfg->top_ports > 0) + cfg->fast > 1)
		return sonde_usage_error("choose one of -p, -p-, --top-ports and -F");
	if (cfg->numeric && cfg->always_resolve)
		return sonde_usage_error("-n and -R exclude each other");
	if (cfg->min_rate > 0 && cfg->max_rate > 0 && cfg->min_rate > cfg->max_rate)
		return sonde_usage_error("--min-rate is above --max-rate");
	return 0;
}

/* -sS needs raw sockets: say so, or fall back to -sT when asked. */
static int choose_scan_type(struct scan_config *cfg, bool raw)
{
	if (cfg->ping_only)
		return 0;
	if (!cfg->syn && !cfg->connect && !cfg->udp) {
		cfg->syn = raw;
		cfg->connect = !raw;
	}
	if (cfg->syn && !raw) {
		if (!cfg->fallback) {
			static const struct caps_need syn_scan = {
				CAP_NET_RAW, "-sS (raw TCP SYN probes)", "-sT (a connect scan), or --fallback"
			};

			return caps_fail(-EPERM, &syn_scan, "-sS");
		}
		sonde_err("no CAP_NET_RAW for -sS: falling back to a connect scan (-sT)");
		cfg->syn = false;
		cfg->connect = true;
	}
	return 0;
}

static int fill_ports(struct scan_run *run, struct scan_config *cfg)
{
	struct port_list *tcp = cfg->syn || cfg->connect ? &run->tcp_ports : NULL;
	struct port_list *udp = cfg->udp ? &run->udp_ports : NULL;
	struct port_error err = { 0 };
	size_t top = cfg->fast ? FAST_TOP_PORTS : cfg->top_ports ? (size_t)cfg->top_ports : DEFAULT_TOP_PORTS;
	int rc = 0;

	ports_init(&run->tcp_ports);
	ports_init(&run->udp_ports);
	if (cfg->ping_only)
		return 0;
	if (cfg->ports || cfg->all_ports) {
		rc = ports_parse_scan(tcp, udp, cfg->all_ports ? "-" : cfg->ports, &err);
		if (rc < 0)
			return sonde_usage_error("-p: %s: '%s'", err.reason, err.item);
		if ((tcp && !tcp->count && udp && !udp->count) || (tcp && !udp && !tcp->count) ||
		    (udp && !tcp && !udp->count))
			return sonde_usage_error("-p: no ports for the scan types chosen");
		return 0;
	}
	if (tcp)
		rc = scan_top_ports("tcp", top, tcp);
	if (rc >= 0 && udp)
		rc = scan_top_ports("udp", top, udp);
	return rc < 0 ? sonde_usage_error("too many port ranges") : 0;
}

/* Descriptors open now: /proc/self/fd's entries (less the one reading
 * it), or without /proc a look at each number below the limit. */
static unsigned long fds_open(unsigned long limit)
{
	DIR *dir = opendir("/proc/self/fd");
	unsigned long n = 0, fd;
	struct dirent *d;

	if (dir) {
		while ((d = readdir(dir)))
			n += d->d_name[0] != '.';
		closedir(dir);
		return n ? n - 1 : 0;
	}
	for (fd = 0; fd < limit && fd < FD_LOOK_MAX; fd++)
		n += fcntl((int)fd, F_GETFD) >= 0;
	return n;
}

/* Connect probes hold a descriptor each: the window is what is free under
 * the limit, less a reserve for everything else (engines, output files,
 * lookups), and the user hears when that makes the scan slow (more
 * probes planned than may be in flight).  (A probe
 * that meets EMFILE anyway waits for a descriptor: the probe engine.) */
static unsigned fd_window_limit(bool connect, size_t probes_planned)
{
	unsigned long open_fds, free_fds, reserve, window;
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
		return 256;
	if (lim.rlim_cur < lim.rlim_max) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
		getrlimit(RLIMIT_NOFILE, &lim);
	}
	if (!connect)
		return 1u << 20;
	open_fds = fds_open(lim.rlim_cur);
	free_fds = lim.rlim_cur > open_fds ? lim.rlim_cur - open_fds : 0;
	reserve = free_fds / 4 < FD_RESERVE_MIN ? FD_RESERVE_MIN : free_fds / 4 > FD_RESERVE ? FD_RESERVE : free_fds / 4;
	window = free_fds > reserve ? free_fds - reserve : 1;
	if (window > 1u << 20)
		window = 1u << 20;
	if (window < FD_SLOW_WINDOW && probes_planned > window)
		sonde_err("note: %lu file descriptors free (limit %llu): at most %lu connect probes at once, "
			  "so the scan is slower; raise the limit (ulimit -n) for speed",
			  free_fds, (unsigned long long)lim.rlim_cur, window);
	return (unsigned)window;
}

/* --- targets -------------------------------------------------------------------- */

struct target_set {
	struct scan_targets targets;
	struct scan_spec *excludes;
	size_t exclude_count;
};

static int spec_error(const char *text, int rc, int family)
{
	if (rc == -EAFNOSUPPORT)
		return sonde_usage_error("%s: an %s target; %s", text, family == AF_INET6 ? "IPv4" : "IPv6",
					 family == AF_INET6 ? "leave out -6" : "IPv6 needs -6");
	if (rc == -E2BIG)
		return sonde_usage_error("%s: more than %u hosts", text, SCAN_MAX_TARGETS);
	if (rc == -EINVAL)
		return sonde_usage_error("%s: not an address, range, CIDR block or host name", text);
	if (rc == -EDOM)
		return sonde_usage_error("%s: a leading zero in a range is octal to ping and nc but decimal to nmap: "
					 "write the numbers without it", text);
	if (rc == -RESOLVE_ENUMERIC_ONLY)
		return sonde_usage_error("%s: a name, and -n forbids lookups", text);
	sonde_err("%s: %s", text, resolve_strerror(rc));
	return SONDE_EXIT_NEGATIVE;
}

static int add_exclude(struct target_set *ts, const char *text, int family, unsigned flags)
{
	struct scan_spec *grown = realloc(ts->excludes, (ts->exclude_count + 1) * sizeof(*grown));
	int rc;

	if (!grown)
		return -ENOMEM;
	ts->excludes = grown;
	rc = scan_spec_parse(text, family, flags, &ts->excludes[ts->exclude_count]);
	if (rc < 0)
		return spec_error(text, rc, family);
	ts->exclude_count++;
	return 0;
}

/* nmap reads "010.0.0.1" as 10.0.0.1; sonde reads it as ping and nc do
 * (8.0.0.1): say which host that is, so the difference is never silent. */
static void warn_octal_target(const char *text)
{
	struct addr_ipv4_form form;
	struct sonde_addr addr;
	struct in_addr in4;
	char shown[ADDR_STRLEN];

	if (addr_parse_ipv4(text, &in4, &form) < 0 || form.parts != 4 || !form.octal)
		return;
	addr_parse_ip(text, 0, AF_INET, &addr);
	sonde_err("warning: %s: read as %s: a leading zero is octal, as ping and nc read it (nmap reads it as decimal)",
		   text, addr_ntop(&addr, shown, sizeof(shown)));
}

static int add_target(struct target_set *ts, const char *text, int family, unsigned flags)
{
	struct scan_spec *spec = malloc(sizeof(*spec));
	int rc;

	if (!spec)
		return -ENOMEM;
	rc = scan_spec_parse(text, family, flags, spec);
	if (rc == 0)
		warn_octal_target(text);
	if (rc == 0)
		rc = scan_targets_add(&ts->targets, spec, ts->excludes, ts->exclude_count);
	free(spec);
	return rc < 0 ? spec_error(text, rc, family) : 0;
}

typedef int (*word_fn)(struct target_set *ts, const char *word, int family, unsigned flags);

/* Whitespace- or comma-separated words of a file (- is stdin) or a string. */
static int for_each_word(FILE *fp, const char *text, struct target_set *ts, int family, unsigned flags,
			 word_fn fn)
{
	char word[TARGET_WORD_MAX];
	size_t len = 0;
	int c, rc = 0;

	for (;;) {
		c = fp ? getc(fp) : *text ? (unsigned char)*text++ : EOF;
		if (c == EOF || c == ' ' || c == '\t' || c == '\n' || c == '\r' || (!fp && c == ',')) {
			word[len] = '\0';
			if (len)
				rc = fn(ts, word, family, flags);
			len = 0;
			if (rc != 0 || c == EOF)
				return rc;
			continue;
		}
		if (len + 1 >= sizeof(word))
			return sonde_usage_error("a target longer than %d characters", TARGET_WORD_MAX - 1);
		word[len++] = (char)c;
	}
}

static int words_of_file(const char *path, struct target_set *ts, int family, unsigned flags, word_fn fn)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int rc;

	if (!fp) {
		sonde_errno(errno, "%s", path);
		return SONDE_EXIT_USAGE;
	}
	rc = for_each_word(fp, NULL, ts, family, flags, fn);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static int collect_targets(const struct scan_config *cfg, int family, int argc, char **argv,
			   struct target_set *ts)
{
	unsigned flags = cfg->numeric ? SCAN_SPEC_NUMERIC : 0;
	int i, rc = 0;

	if (cfg->exclude)
		rc = for_each_word(NULL, cfg->exclude, ts, family, flags, add_exclude);
	if (rc == 0 && cfg->exclude_file)
		rc = words_of_file(cfg->exclude_file, ts, family, flags, add_exclude);
	for (i = 0; i < argc && rc == 0; i++)
		rc = add_target(ts, argv[i], family, flags);
	if (rc == 0 && cfg->input_list)
		rc = words_of_file(cfg->input_list, ts, family, flags, add_target);
	if (rc == -ENOMEM) {
		sonde_errno(rc, "targets");
		return SONDE_EXIT_NEGATIVE;
	}
	if (rc == 0 && ts->targets.count == 0 && argc == 0 && !cfg->input_list)
		return sonde_usage_error("no targets: name hosts, ranges or CIDR blocks (or -iL FILE)");
	return rc;
}

/* --- the run ------------------------------------------------------------------------ */

/* The command as typed, for the grepable and XML headers (nmap's "args"):
 * the driver keeps no copy, the kernel does. */
static void command_line(struct scan_run *run)
{
	FILE *fp = fopen("/proc/self/cmdline", "r");
	size_t len = 0, i;

	run->command_line[0] = '\0';
	if (!fp)
		return;
	len = fread(run->command_line, 1, sizeof(run->command_line) - 1, fp);
	fclose(fp);
	while (len > 0 && run->command_line[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (run->command_line[i] == '\0')
			run->command_line[i] = ' ';
	run->command_line[len] = '\0';
}

static FILE *open_output(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdout;
	return fopen(path, "w");
}

/* The host's ports: TCP then UDP, each in ascending order, no repeats. */
static int host_ports(struct scan_run *run, struct scan_host *h)
{
	size_t total = ports_total(&run->tcp_ports) + ports_total(&run->udp_ports), n = 0;
	static uint8_t seen[65536 / 8];
	int proto;

	h->ports = calloc(total ? total : 1, sizeof(*h->ports));
	if (!h->ports)
		return -ENOMEM;
	for (proto = SCAN_TCP; proto <= SCAN_UDP; proto++) {
		const struct port_list *list = proto == SCAN_TCP ? &run->tcp_ports : &run->udp_ports;
		unsigned port;

		memset(seen, 0, sizeof(seen));
		for (size_t i = 0; i < list->count; i++)
			for (port = list->ranges[i].low; port <= list->ranges[i].high; port++)
				seen[port / 8] |= (uint8_t)(1u << (port % 8));
		for (port = 1; port < 65536; port++)
			if (seen[port / 8] & (1u << (port % 8)))
				h->ports[n++] = (struct scan_port){ .port = (uint16_t)port, .proto = (uint8_t)proto };
		if (proto == SCAN_TCP)
			h->tcp_count = n;
	}
	h->port_count = n;
	return 0;
}

static void free_host_ports(struct scan_host *h)
{
	size_t i;

	if (h->banners)
		for (i = 0; i < h->port_count; i++)
			free(h->banners[i]);
	free(h->banners);
	free(h->ports);
	h->banners = NULL;
	h->ports = NULL;
}

static void reverse_resolve(const struct scan_run *run, struct scan_host *h)
{
	char name[SCAN_NAME_MAX];

	if (run->cfg->numeric || h->name || (!h->up && !run->cfg->always_resolve) || scan_stopping(run))
		return;
	if (resolve_reverse(&h->addr, RDNS_TIMEOUT_MS, name, sizeof(name)) == 0)
		h->rdns = strdup(name);
}

/* After the port scans: banners, names, the report; then the host's ports
 * are freed. */
static int finish_host(struct scan_run *run, struct scan_host *h, int rc)
{
	if (rc == 0 && h->up && run->cfg->banner && !h->timed_out && h->ports)
		scan_read_banners(run, h);
	h->end_ns = mono_ns();
	if (h->latency_ms < 0 && run->timing.have_rtt && h->up && h->up_reason != REASON_LOCALHOST)
		h->latency_ms = run->timing.srtt_ms;
	reverse_resolve(run, h);
	scan_out_host(run, h);
	free_host_ports(h);
	return rc;
}

/* How many hosts are scanned together: their port tables fit a budget. */
static size_t group_size(const struct scan_run *run)
{
	size_t ports = ports_total(&run->tcp_ports) + ports_total(&run->udp_ports) + 1;
	size_t group = HOSTGROUP_PORT_BUDGET / ports;

	if (group < 1)
		return 1;
	return group > HOSTGROUP_MAX ? HOSTGROUP_MAX : group;
}

/* One group: the ports of its up hosts, the TCP scan of all of them at
 * once, then the UDP scan of all of them at once, then each host's report
 * in target order. */
static int scan_group(struct scan_run *run, size_t first, size_t count)
{
	struct scan_host **up = calloc(count, sizeof(*up));
	size_t i, up_count = 0;
	int rc = 0;

	if (!up)
		return -ENOMEM;
	for (i = first; i < first + count && rc == 0; i++) {
		struct scan_host *h = &run->hosts[i];

		h->start_ns = mono_ns();
		if (!h->up || run->cfg->ping_only)
			continue;
		rc = host_ports(run, h);
		up[up_count++] = h;
	}
	if (rc == 0 && up_count && (run->cfg->syn || run->cfg->connect))
		rc = scan_tcp_hosts(run, up, up_count, run->cfg->syn);
	if (rc == 0 && up_count && run->cfg->udp)
		rc = scan_udp_hosts(run, up, up_count);
	for (i = first; i < first + count; i++)
		rc = finish_host(run, &run->hosts[i], rc);
	free(up);
	return rc;
}

/* Says on stderr why the scan stopped short; returns the exit code.  No
 * host up is an answer, not this. */
static int scan_failed(const struct scan_run *run, int rc)
{
	static const struct caps_need raw_probes = { CAP_NET_RAW, "raw probes", "-sT" };

	if (run->interrupted) {
		sonde_err("interrupted: the report covers what was scanned so far");
		return SONDE_EXIT_INTERRUPTED;
	}
	return caps_fail(rc, &raw_probes, "scan");
}

static int run_scan(struct scan_run *run)
{
	size_t i, group = 1;
	int rc;

	scan_progress_init(run);
	scan_out_start(run);
	rc = scan_discover(run);
	for (i = 0; rc == 0 && i < run->host_count && !scan_stopping(run); i += group) {
		group = group_size(run);
		if (group > run->host_count - i)
			group = run->host_count - i;
		rc = scan_group(run, i, group);
	}
	run->interrupted = scan_stopping(run);
	scan_out_end(run);
	if (run->interrupted || rc < 0) {
		rc = scan_failed(run, rc);
		out_print_error(run->out, sonde_last_error(), rc);
	} else {
		rc = SONDE_EXIT_NEGATIVE;
		for (i = 0; i < run->host_count; i++)
			if (run->hosts[i].up)
				rc = SONDE_EXIT_OK;
	}
	out_close_object(run->out);   /* the document scan_out_start() opened */
	return rc;
}

static int make_hosts(struct scan_run *run, const struct scan_targets *targets)
{
	size_t i;

	run->hosts = calloc(targets->count ? targets->count : 1, sizeof(*run->hosts));
	if (!run->hosts)
		return -ENOMEM;
	for (i = 0; i < targets->count; i++) {
		run->hosts[i].addr = targets->items[i].addr;
		run->hosts[i].name = targets->items[i].name;
		run->hosts[i].other_addrs = targets->items[i].other_addrs;
		run->hosts[i].latency_ms = -1;
	}
	run->host_count = targets->count;
	return 0;
}

static int open_outputs(struct scan_run *run)
{
	const struct scan_config *cfg = run->cfg;

	if (cfg->grepable_file && !(run->grepable = open_output(cfg->grepable_file))) {
		sonde_errno(errno, "-oG %s", cfg->grepable_file);
		return SONDE_EXIT_USAGE;
	}
	if (cfg->xml_file && !(run->xml = open_output(cfg->xml_file))) {
		sonde_errno(errno, "-oX %s", cfg->xml_file);
		return SONDE_EXIT_USAGE;
	}
	run->quiet_text = run->grepable == stdout || run->xml == stdout;
	return 0;
}

static void close_outputs(struct scan_run *run)
{
	if (run->grepable && run->grepable != stdout)
		fclose(run->grepable);
	if (run->xml && run->xml != stdout)
		fclose(run->xml);
}

static int scan_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct scan_config *cfg = config;
	struct scan_run run = { .cfg = cfg, .out = ctx->out };
	struct target_set ts = { 0 };
	size_t i;
	int rc = check_options(cfg);

	if (rc)
		return rc;
	run.family = cfg->ipv6 ? AF_INET6 : AF_INET;
	run.as_nmap = cfg->as_nmap;
	run.raw = caps_have(CAP_NET_RAW);
	rc = choose_scan_type(cfg, run.raw);
	if (rc == 0)
		rc = fill_ports(&run, cfg);
	scan_targets_init(&ts.targets);
	if (rc == 0)
		rc = collect_targets(cfg, run.family, argc, argv, &ts);
	if (rc == 0 && make_hosts(&run, &ts.targets) < 0)
		rc = SONDE_EXIT_NEGATIVE;
	if (rc == 0)
		rc = open_outputs(&run);
	if (rc == 0) {
		scan_timing_init(&run.timing, cfg, fd_window_limit(cfg->connect, ports_total(&run.tcp_ports) * run.host_count));
		if (getrandom(run.cookie_key, sizeof(run.cookie_key), 0) != sizeof(run.cookie_key))
			run.cookie_key[0] ^= (uint8_t)mono_ns();
		command_line(&run);
		run.start_ns = mono_ns();
		catch_interrupt(&run);
		rc = run_scan(&run);
	}
	close_outputs(&run);
	for (i = 0; i < run.host_count; i++)
		free(run.hosts[i].rdns);
	free(run.hosts);
	free(ts.excludes);
	scan_targets_free(&ts.targets);
	return rc;
}

#define SCAN_HELP \
	"Targets: addresses, names, CIDR blocks (10.0.0.0/24, fd00::/120 with -6), octet ranges\n" \
	"(10.0.0.1-20, 10.0.0-3.1, 10.0.0.*).  Only the hosts named are ever probed.\n" \
	"Port states and reasons are nmap's; docs/scan.md has the details and the top-ports list."

/* scan and its nmap link name: one descriptor but for the name and the
 * preset. */
#define SCAN_APPLET(NAME, SUMMARY, INIT, IMITATES)                                                                \
	{                                                                                                   \
		.name = NAME, .summary = SUMMARY, .usage = "[OPTIONS] TARGET...", .help_extra = SCAN_HELP,     \
		.options = scan_options, .config_size = sizeof(struct scan_config), .init = INIT,              \
		.min_args = 0, .max_args = -1,                                                                 \
		.exit_codes = "0 a host is up, 1 no host up or the scan failed, 2 usage error, "              \
			      "3 missing privilege, 130 interrupted (the report covers what was scanned).",                                                          \
		.caps = CAPS_BIT(CAP_NET_RAW) | CAPS_BIT(CAP_NET_ADMIN),                                       \
		.main = scan_main, .imitates = IMITATES,                                                       \
	}

const struct sonde_applet applet_scan = SCAN_APPLET("scan", "scan TCP and UDP ports and discover hosts, nmap-style",
							 scan_init, NULL);

/* The nmap link name: the same options with nmap's meaning, and nmap's
 * words in the lines scripts parse ("Nmap scan report for", "Nmap done"). */
static const struct sonde_imitation nmap_imitation = {
	.version_letters = "V",
	.classic_line = "Nmap version 7.93 ( https://nmap.org )",
	.imitated = "nmap 7.93's report lines",
};

const struct sonde_applet applet_nmap = SCAN_APPLET(
	"nmap", "scan, called by nmap's name: nmap's options and report lines", nmap_init, &nmap_imitation);
