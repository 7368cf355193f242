/* tcpdump's capture side on libpcap: -D, opening an interface or a file,
 * the filter compiled by pcap_compile (and -d's listing of it), the
 * packet loop (-w's files are tcpdump_files.c's), and the three count lines at the end. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "tcpdump_impl.h"

static pcap_t *active_pcap;

/* -v with -w on a live capture: tcpdump's "Got N\r" on stderr each
 * second, from SIGALRM, when the count changed (and the first time), not
 * while a packet is being handled (its infodelay). */
static volatile sig_atomic_t packets_counted, in_packet, counted_shown = -1;

/* From the signal handler: the loop returns after the packet at hand. */
void tcpdump_stop(void)
{
	if (active_pcap)
		pcap_breakloop(active_pcap);
}

/* --- -D ---------------------------------------------------------------------- */

static const char *connection_status(bpf_u_int32 flags)
{
	switch (flags & PCAP_IF_CONNECTION_STATUS) {
	case PCAP_IF_CONNECTION_STATUS_UNKNOWN:
		return flags & PCAP_IF_WIRELESS ? ", Association status unknown" : ", Connection status unknown";
	case PCAP_IF_CONNECTION_STATUS_CONNECTED:
		return flags & PCAP_IF_WIRELESS ? ", Associated" : ", Connected";
	case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
		return flags & PCAP_IF_WIRELESS ? ", Not associated" : ", Disconnected";
	default:
		return "";
	}
}

static void print_device_flags(bpf_u_int32 flags)
{
	static const struct {
		bpf_u_int32 bit;
		const char *name;
	} names[] = { { PCAP_IF_UP, "Up" }, { PCAP_IF_RUNNING, "Running" }, { PCAP_IF_LOOPBACK, "Loopback" },
		      { PCAP_IF_WIRELESS, "Wireless" } };
	bool any = false;
	size_t i;

	printf(" [");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit) {
			printf("%s%s", any ? ", " : "", names[i].name);
			any = true;
		}
	printf("%s%s]", any ? "" : "none", connection_status(flags));
}

int tcpdump_list_interfaces(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *devs, *dev;
	int i = 0;

	if (pcap_findalldevs(&devs, errbuf) < 0) {
		sonde_err("cannot list interfaces: %s", errbuf);
		return SONDE_EXIT_NEGATIVE;
	}
	for (dev = devs; dev; dev = dev->next) {
		printf("%d.%s", ++i, dev->name);
		if (dev->description)
			printf(" (%s)", dev->description);
		if (dev->flags)
			print_device_flags(dev->flags);
		putchar('\n');
	}
	pcap_freealldevs(devs);
	return SONDE_EXIT_OK;
}

/* --- opening ----------------------------------------------------------------- */

static const struct caps_need capture_need = {
	.cap = CAP_NET_RAW,
	.needed_for = "capturing packets",
	.instead = "-r FILE reads a capture without privilege",
};

/* pcap_activate's failure as an exit code, the privilege explained. */
static int activate_failed(pcap_t *p, int status, const char *device)
{
	const char *why = pcap_geterr(p);

	if (status == PCAP_ERROR_PERM_DENIED)
		return caps_fail(-EPERM, &capture_need, "cannot capture on %s", device);
	if (status == PCAP_ERROR_NO_SUCH_DEVICE)
		sonde_err("%s: no such device", device);
	else
		sonde_err("cannot capture on %s: %s", device, why && *why ? why : pcap_statustostr(status));
	return SONDE_EXIT_NEGATIVE;
}

static pcap_direction_t direction(const char *text)
{
	if (strcmp(text, "in") == 0)
		return PCAP_D_IN;
	if (strcmp(text, "out") == 0)
		return PCAP_D_OUT;
	return PCAP_D_INOUT;
}

static int open_live(struct tcpdump_run *run, const char *device)
{
	const struct tcpdump_config *cfg = run->cfg;
	char errbuf[PCAP_ERRBUF_SIZE];
	int status;

	if (!(run->pcap = pcap_create(device, errbuf))) {
		sonde_err("cannot capture on %s: %s", device, errbuf);
		return SONDE_EXIT_NEGATIVE;
	}
	pcap_set_snaplen(run->pcap, cfg->snaplen ? cfg->snaplen : TCPDUMP_MAX_SNAPLEN);
	pcap_set_promisc(run->pcap, !cfg->no_promisc);
	pcap_set_timeout(run->pcap, 1000);
	/* As tcpdump: packets printed on a terminal or line by line (-l) are
	 * delivered one by one, not a kernel buffer's block at a time. */
	if (cfg->immediate || (!cfg->write_file && (cfg->line_buffered || isatty(STDOUT_FILENO))))
		pcap_set_immediate_mode(run->pcap, 1);
	if (cfg->buffer_kib)
		pcap_set_buffer_size(run->pcap, cfg->buffer_kib * 1024);
	status = pcap_activate(run->pcap);
	if (status < 0)
		return activate_failed(run->pcap, status, device);
	if (status > 0)
		sonde_err("%s: %s", device, pcap_geterr(run->pcap));
	if (cfg->direction && pcap_setdirection(run->pcap, direction(cfg->direction)) < 0) {
		sonde_err("-Q %s: %s", cfg->direction, pcap_geterr(run->pcap));
		return SONDE_EXIT_NEGATIVE;
	}
	return 0;
}

/* The interface tcpdump picks without -i: the first that libpcap lists. */
static int default_device(char *name, size_t size)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *devs;

	if (pcap_findalldevs(&devs, errbuf) < 0 || !devs) {
		sonde_err("no interface to capture on%s%s", devs ? ": " : "", devs ? "" : errbuf);
		return SONDE_EXIT_NEGATIVE;
	}
	snprintf(name, size, "%s", devs->name);
	pcap_freealldevs(devs);
	return 0;
}

static int set_filter(struct tcpdump_run *run, const char *filter_text, const char *device)
{
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	u_int i;

	if (device && pcap_lookupnet(device, &net, &mask, errbuf) < 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(run->pcap, &prog, filter_text ? filter_text : "", 1, mask) < 0) {
		sonde_err("%s", pcap_geterr(run->pcap));
		return SONDE_EXIT_USAGE;
	}
	if (run->cfg->dump_filter) {
		for (i = 0; i < prog.bf_len; i++)
			puts(bpf_image(&prog.bf_insns[i], (int)i));
		pcap_freecode(&prog);
		return -1;
	}
	if (pcap_setfilter(run->pcap, &prog) < 0) {
		sonde_err("cannot attach the filter: %s", pcap_geterr(run->pcap));
		pcap_freecode(&prog);
		return SONDE_EXIT_NEGATIVE;
	}
	pcap_freecode(&prog);
	return 0;
}

static void say_source(struct tcpdump_run *run, const char *device)
{
	int dlt = pcap_datalink(run->pcap);
	const char *name = pcap_datalink_val_to_name(dlt), *description = pcap_datalink_val_to_description(dlt);

	if (device)
		fprintf(stderr, "listening on %s, link-type %s (%s), snapshot length %d bytes\n", device,
			name ? name : "?", description ? description : "?", pcap_snapshot(run->pcap));
	else
		fprintf(stderr, "reading from file %s, link-type %s (%s), snapshot length %d\n", run->cfg->read_file,
			name ? name : "?", description ? description : "?", pcap_snapshot(run->pcap));
}

/* Returns 0, -1 when -d printed the program (nothing to capture), or an
 * exit code. */
int tcpdump_open(struct tcpdump_run *run, const char *filter_text)
{
	const struct tcpdump_config *cfg = run->cfg;
	char errbuf[PCAP_ERRBUF_SIZE], device[256];
	const char *live = NULL;
	int rc;

	if (cfg->read_file) {
		if (!(run->pcap = pcap_open_offline(cfg->read_file, errbuf))) {
			sonde_err("%s", errbuf);
			return SONDE_EXIT_NEGATIVE;
		}
	} else {
		if (cfg->interface)
			snprintf(device, sizeof(device), "%s", cfg->interface);
		else if ((rc = default_device(device, sizeof(device))) != 0)
			return rc;
		live = device;
		snprintf(run->live_device, sizeof(run->live_device), "%s", live);
		if ((rc = open_live(run, live)) != 0)
			return rc;
		/* The capture socket is open: no privilege is needed after this. */
		caps_limit_or_warn(0);
	}
	run->linktype = pcap_datalink(run->pcap);
	if ((rc = set_filter(run, filter_text, live)) != 0)
		return rc;
	if (cfg->write_file && (rc = tcpdump_files_open(run)) != 0)
		return rc;
	if (!run->dumper && !pktprint_linktype_known(run->linktype))
		sonde_err("link type %s is not decoded: each packet is marked", pcap_datalink_val_to_name(run->linktype));
	say_source(run, live);
	return 0;
}

/* --- the loop ------------------------------------------------------------------ */

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct tcpdump_run *run = (struct tcpdump_run *)user;

	in_packet = 1;
	run->captured++;
	packets_counted = (sig_atomic_t)run->captured;
	if (run->cfg->write_file) {
		int rc = tcpdump_files_dump(run, h, bytes);

		if (rc != 0) {
			run->stop_rc = rc == 1 ? SONDE_EXIT_OK : rc;
			pcap_breakloop(run->pcap);
			in_packet = 0;
			return;
		}
	} else {
		run->on_packet(run, h, bytes);
		if (run->error)
			pcap_breakloop(run->pcap);
	}
	if (run->cfg->count && run->captured >= (unsigned long long)run->cfg->count)
		pcap_breakloop(run->pcap);
	in_packet = 0;
}

/* SIGALRM: "Got N\r" with write(2), which a signal handler may call. */
static void show_count(int sig)
{
	char text[32], digits[24];
	size_t len = 0, n = 0;
	sig_atomic_t count = packets_counted;
	int saved_errno = errno;

	(void)sig;
	if (in_packet || count == counted_shown)
		return;
	do
		digits[n++] = (char)('0' + count % 10);
	while ((count /= 10) > 0);
	memcpy(text, "Got ", 4);
	len = 4;
	while (n > 0)
		text[len++] = digits[--n];
	text[len++] = '\r';
	if (write(STDERR_FILENO, text, len) == (ssize_t)len)
		counted_shown = packets_counted;
	errno = saved_errno;
}

/* The timer of -v -w (1 s, the first a microsecond later, as tcpdump
 * sets it); stopped with a zero interval. */
static void count_timer(bool on)
{
	struct itimerval timer = { .it_interval = { on, 0 }, .it_value = { on, on } };
	struct sigaction sa = { .sa_handler = show_count, .sa_flags = SA_RESTART };

	if (on) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
	}
	setitimer(ITIMER_REAL, &timer, NULL);
}

/* A live capture whose mode needs the clock while no packet comes: the
 * read timeout (1 s) returns to here. */
static int loop_ticking(struct tcpdump_run *run)
{
	struct timeval now;
	int rc;

	while ((rc = pcap_dispatch(run->pcap, -1, on_packet, (u_char *)run)) >= 0) {
		gettimeofday(&now, NULL);
		run->on_tick(run, &now);
	}
	return rc;
}

int tcpdump_loop(struct tcpdump_run *run)
{
	bool show_counts = run->cfg->verbose && run->cfg->write_file && !run->cfg->read_file;
	int rc;

	active_pcap = run->pcap;
	if (show_counts)
		count_timer(true);
	rc = run->on_tick && !run->cfg->read_file ? loop_ticking(run) : pcap_loop(run->pcap, -1, on_packet, (u_char *)run);
	if (show_counts)
		count_timer(false);
	active_pcap = NULL;
	if (run->dumper)
		pcap_dump_flush(run->dumper);
	fflush(stdout);
	if (run->error) {
		sonde_errno(-run->error, "cannot print a packet");
		return SONDE_EXIT_NEGATIVE;
	}
	if (rc == PCAP_ERROR) {
		sonde_err("%s", pcap_geterr(run->pcap));
		return SONDE_EXIT_NEGATIVE;
	}
	return run->stop_rc;
}

static const char *plural(unsigned long long n)
{
	return n == 1 ? "" : "s";
}

/* tcpdump's three lines, for a live capture only. */
void tcpdump_print_counts(struct tcpdump_run *run)
{
	struct pcap_stat stats;

	if (run->cfg->read_file)
		return;
	fprintf(stderr, "%llu packet%s captured\n", run->captured, plural(run->captured));
	if (pcap_stats(run->pcap, &stats) < 0) {
		sonde_err("pcap_stats: %s", pcap_geterr(run->pcap));
		return;
	}
	fprintf(stderr, "%u packet%s received by filter\n", stats.ps_recv, plural(stats.ps_recv));
	fprintf(stderr, "%u packet%s dropped by kernel\n", stats.ps_drop, plural(stats.ps_drop));
	if (stats.ps_ifdrop)
		fprintf(stderr, "%u packet%s dropped by interface\n", stats.ps_ifdrop, plural(stats.ps_ifdrop));
}
