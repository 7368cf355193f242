/* tcpdump: packet capture on libpcap, with tcpdump 4.99.3's options and
 * lines.  Capture, filter and files are tcpdump_capture.c's; each packet's
 * line is libcore/pktprint.c's, printed by tcpdump_out.c.  tcpdump options
 * that are not implemented yet are refused with the reason, never ignored. */
#include <errno.h>
#include <openssl/crypto.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/version.h"
#include "tcpdump_impl.h"

#define MAX_FILTER_FILE_BYTES (1 << 20)

static const char *not_yet(void *config, const char *arg)
{
	return "not implemented yet in sonde tcpdump (docs/tcpdump.md)";
}

#define TCPDUMP_REFUSED(S, L, ARG) SONDE_OPT_FUNC(S, L, ARG, "(tcpdump's; refused: not implemented yet)", not_yet)

static const struct sonde_opt tcpdump_options[] = {
	SONDE_OPT_COUNT("A", NULL, "print each packet (less its link header) in ASCII", struct tcpdump_config, ascii),
	SONDE_OPT_INT("B", NULL, "KIB", "capture buffer size in KiB", struct tcpdump_config, buffer_kib, 1, 2097151),
	SONDE_OPT_INT("c", NULL, "COUNT", "stop after COUNT packets", struct tcpdump_config, count, 1, 2147483647),
	SONDE_OPT_FLAG(NULL, "dns", "DNS transactions instead of packets: each query with its answer and latency",
		       struct tcpdump_config, dns),
	SONDE_OPT_INT(NULL, "dns-timeout", "SECS", "--dns: report a query unanswered after SECS (default 5)",
		      struct tcpdump_config, dns_timeout_s, 1, 3600),
	SONDE_OPT_FLAG(NULL, "flows", "a table of connections instead of packets, largest first", struct tcpdump_config,
		       flows),
	SONDE_OPT_FLAG("D", "list-interfaces", "list the interfaces to capture on", struct tcpdump_config,
		       list_interfaces),
	SONDE_OPT_COUNT("d", NULL, "print the compiled filter program and exit", struct tcpdump_config, dump_filter),
	SONDE_OPT_FLAG("e", NULL, "print the link-level header", struct tcpdump_config, link_header),
	SONDE_OPT_STRING("F", NULL, "FILE", "read the filter expression from FILE", struct tcpdump_config,
			 filter_file),
	SONDE_OPT_STRING("i", "interface", "IFACE", "capture on IFACE ('any': all interfaces)", struct tcpdump_config,
			 interface),
	SONDE_OPT_FLAG(NULL, "immediate-mode", "deliver each packet as it arrives", struct tcpdump_config, immediate),
	SONDE_OPT_FLAG("l", NULL, "line-buffered output", struct tcpdump_config, line_buffered),
	SONDE_OPT_COUNT("n", NULL, "numeric addresses (-nn: ports too)", struct tcpdump_config, numeric),
	SONDE_OPT_FLAG("p", "no-promiscuous-mode", "do not put the interface in promiscuous mode",
		       struct tcpdump_config, no_promisc),
	SONDE_OPT_STRING("Q", "direction", "in|out|inout", "capture packets of this direction only",
			 struct tcpdump_config, direction),
	SONDE_OPT_COUNT("q", NULL, "quiet: less protocol information", struct tcpdump_config, quiet),
	SONDE_OPT_STRING("r", NULL, "FILE|-", "read packets from a pcap or pcapng file", struct tcpdump_config,
			 read_file),
	SONDE_OPT_INT("s", "snapshot-length", "SNAPLEN", "capture SNAPLEN bytes of each packet (0: 262144)",
		      struct tcpdump_config, snaplen, 0, 262144),
	SONDE_OPT_COUNT("t", NULL, "timestamps: -t none, -tt epoch, -ttt delta, -tttt date, -ttttt since first",
			struct tcpdump_config, timestamps),
	SONDE_OPT_FLAG("U", "packet-buffered", "write each packet out as it comes (-w, and output)",
		       struct tcpdump_config, packet_buffered),
	SONDE_OPT_STRING("w", NULL, "FILE|-", "write the raw packets to a pcap file", struct tcpdump_config,
			 write_file),
	SONDE_OPT_COUNT("X", NULL, "print each packet in hex and ASCII (-XX: with its link header)",
			struct tcpdump_config, hex_ascii),
	SONDE_OPT_COUNT("x", NULL, "print each packet in hex (-xx: with its link header)", struct tcpdump_config, hex),
	SONDE_OPT_COUNT("v", NULL, "verbose: IP header fields, checksums, more of each protocol (-vv, -vvv: more)",
			struct tcpdump_config, verbose),
	SONDE_OPT_INT("C", NULL, "MB", "-w: a new file (FILE1, FILE2...) once one is past MB million bytes",
		      struct tcpdump_config, file_mb, 1, 1000000),
	TCPDUMP_REFUSED("E", NULL, "SPEC"),
	SONDE_OPT_INT("G", NULL, "SECS", "-w: a new file every SECS seconds, FILE a strftime pattern",
		      struct tcpdump_config, rotate_secs, 1, 2147483647),
	TCPDUMP_REFUSED("H", NULL, NULL),
	TCPDUMP_REFUSED("I", "monitor-mode", NULL),
	TCPDUMP_REFUSED("j", "time-stamp-type", "TYPE"),
	TCPDUMP_REFUSED("J", "list-time-stamp-types", NULL),
	TCPDUMP_REFUSED("K", "dont-verify-checksums", NULL),
	TCPDUMP_REFUSED("L", "list-data-link-types", NULL),
	TCPDUMP_REFUSED("M", NULL, "SECRET"),
	TCPDUMP_REFUSED("N", NULL, NULL),
	TCPDUMP_REFUSED("O", "no-optimize", NULL),
	TCPDUMP_REFUSED("S", "absolute-tcp-sequence-numbers", NULL),
	TCPDUMP_REFUSED("T", NULL, "TYPE"),
	TCPDUMP_REFUSED("u", NULL, NULL),
	SONDE_OPT_INT("W", NULL, "COUNT", "-C: a ring of COUNT files; -G: stop after COUNT files",
		      struct tcpdump_config, file_count, 1, 1000000),
	TCPDUMP_REFUSED("y", "linktype", "TYPE"),
	TCPDUMP_REFUSED("z", NULL, "COMMAND"),
	TCPDUMP_REFUSED("Z", "relinquish-privileges", "USER"),
	TCPDUMP_REFUSED("#", "number", NULL),
	TCPDUMP_REFUSED(NULL, "nano", NULL),
	TCPDUMP_REFUSED(NULL, "micro", NULL),
	TCPDUMP_REFUSED(NULL, "print", NULL),
	TCPDUMP_REFUSED(NULL, "time-stamp-precision", "PRECISION"),
	TCPDUMP_REFUSED(NULL, "count", NULL),
	SONDE_OPT_END,
};

static volatile sig_atomic_t tcpdump_interrupted;

static void on_signal(int sig)
{
	tcpdump_interrupted = 1;
	tcpdump_stop();
}

static int check_options(const struct sonde_ctx *ctx, const struct tcpdump_config *cfg, int argc)
{
	if (cfg->dns && cfg->flows)
		return sonde_usage_error("--dns and --flows: one at a time");
	if ((cfg->dns || cfg->flows || ctx->json) && cfg->write_file)
		return sonde_usage_error("-w writes the packets: --dns, --flows and --json print what is read");
	if ((cfg->dns || cfg->flows || ctx->json) &&
	    (cfg->hex || cfg->hex_ascii || cfg->ascii || cfg->link_header || cfg->quiet || cfg->verbose))
		return sonde_usage_error("-x, -X, -A, -e, -q and -v shape tcpdump's lines, not --dns, --flows or --json");
	if ((cfg->flows || ctx->json) && cfg->timestamps)
		return sonde_usage_error("-t...: --flows and --json write times of their own");
	if (cfg->dump_filter > 1)
		return sonde_usage_error("-dd and -ddd are not implemented yet: -d lists the program");
	if (cfg->link_header && cfg->quiet)
		return sonde_usage_error("-e with -q is not implemented yet");
	if (cfg->quiet > 1)
		return sonde_usage_error("-qq is not implemented yet");
	if (cfg->timestamps > 5)
		return sonde_usage_error("-t: at most five (-ttttt)");
	if (cfg->read_file && (cfg->interface || cfg->direction || cfg->no_promisc || cfg->buffer_kib || cfg->immediate))
		return sonde_usage_error("-r reads a file: -i, -Q, -p, -B and --immediate-mode apply to a live capture");
	if ((cfg->file_mb || cfg->rotate_secs) && (!cfg->write_file || strcmp(cfg->write_file, "-") == 0))
		return sonde_usage_error("-C and -G rotate the files of -w FILE (not standard output)");
	if (cfg->file_count && !cfg->file_mb && !cfg->rotate_secs)
		return sonde_usage_error("-W counts the files of -C or -G");
	if (cfg->filter_file && argc > 0)
		return sonde_usage_error("-F gives the filter: no filter words may follow it");
	if (cfg->direction && strcmp(cfg->direction, "in") != 0 && strcmp(cfg->direction, "out") != 0 &&
	    strcmp(cfg->direction, "inout") != 0)
		return sonde_usage_error("-Q: expected in, out or inout, not '%s'", cfg->direction);
	return 0;
}

/* The filter: the words after the options joined by spaces, or -F's file
 * (where '#' starts a comment to the end of the line, as tcpdump reads it). */
static int filter_text(const struct tcpdump_config *cfg, int argc, char **argv, struct strbuf *text)
{
	char chunk[4096];
	FILE *fp;
	size_t n;
	int i;

	if (!cfg->filter_file) {
		for (i = 0; i < argc; i++) {
			if (i)
				strbuf_putc(text, ' ');
			strbuf_puts(text, argv[i]);
		}
		return 0;
	}
	if (!(fp = fopen(cfg->filter_file, "r"))) {
		sonde_errno(errno, "%s", cfg->filter_file);
		return SONDE_EXIT_NEGATIVE;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && text->len < MAX_FILTER_FILE_BYTES)
		strbuf_add(text, chunk, n);
	fclose(fp);
	for (n = 0; n < text->len; n++)
		if (text->data[n] == '#')
			while (n < text->len && text->data[n] != '\n')
				text->data[n++] = ' ';
	return 0;
}

/* Who gets each packet: tcpdump's lines, JSON objects, DNS transactions
 * or the flow table. */
static int choose_mode(const struct sonde_ctx *ctx, struct tcpdump_run *run)
{
	const struct tcpdump_config *cfg = run->cfg;
	int rc = 0;

	if (cfg->dns) {
		run->on_packet = tcpdump_dns_packet;
		run->on_tick = tcpdump_dns_tick;
		rc = tcpdump_dns_start(run);
	} else if (cfg->flows) {
		run->on_packet = tcpdump_flows_packet;
		rc = tcpdump_flows_start(run);
	} else {
		run->on_packet = ctx->json ? tcpdump_json_packet : tcpdump_out_packet;
	}
	if (rc < 0) {
		sonde_errno(-rc, "cannot start");
		return SONDE_EXIT_NEGATIVE;
	}
	return 0;
}

static void finish_mode(const struct sonde_ctx *ctx, struct tcpdump_run *run)
{
	if (run->dns)
		tcpdump_dns_finish(run);
	else if (run->flows)
		tcpdump_flows_finish(run);
	else if (ctx->json)
		tcpdump_json_summary(run);
	fflush(stdout);
}

static int tcpdump_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	const struct tcpdump_config *cfg = config;
	struct tcpdump_run run = { .cfg = cfg };
	struct strbuf filter = { 0 };
	int rc;

	if ((rc = check_options(ctx, cfg, argc)) != 0)
		return rc;
	if (cfg->list_interfaces)
		return tcpdump_list_interfaces();
	if ((rc = filter_text(cfg, argc, argv, &filter)) != 0)
		return rc;
	run.printer.numeric = cfg->numeric;
	run.printer.link_header = cfg->link_header;
	run.printer.quiet = cfg->quiet;
	run.printer.verbose = cfg->verbose;
	run.clock.mode = cfg->timestamps;
	run.out = ctx->out;
	tcpdump_out_names_init(&run);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = tcpdump_open(&run, filter.len ? filter.data : NULL);
	strbuf_free(&filter);
	/* The mode's state once the capture is open: nothing to free before. */
	if (rc == 0)
		rc = choose_mode(ctx, &run);
	if (rc == 0) {
		rc = tcpdump_loop(&run);
		/* tcpdump ends a printed capture that a signal stopped with an
		 * empty line. */
		if (tcpdump_interrupted && !cfg->write_file && !cfg->read_file && run.on_packet == tcpdump_out_packet)
			putchar('\n');
		finish_mode(ctx, &run);
		tcpdump_print_counts(&run);
	} else if (rc < 0) {
		rc = SONDE_EXIT_OK;
	}
	if (run.dumper)
		pcap_dump_close(run.dumper);
	if (run.pcap)
		pcap_close(run.pcap);
	pktprint_free(&run.printer);
	strbuf_free(&run.line);
	return rc;
}

#define DEFAULT_DNS_TIMEOUT_S 5

/* A resolver retries after 5 s (glibc's and musl's default timeout): a
 * query unanswered that long was lost. */
static void tcpdump_init(void *config)
{
	struct tcpdump_config *cfg = config;

	cfg->dns_timeout_s = DEFAULT_DNS_TIMEOUT_S;
}

#define TCPDUMP_HELP                                                                                               \
	"Prints tcpdump 4.99.3's lines for Ethernet and Linux cooked captures: ARP, IPv4, IPv6, ICMP, ICMPv6,\n"      \
	"TCP, UDP and DNS summaries; what it does not decode is marked [sonde: not decoded: ...], never\n"           \
	"guessed.  Capturing needs CAP_NET_RAW; -r FILE needs no privilege.  docs/tcpdump.md lists what is\n"         \
	"decoded and which tcpdump options are not implemented yet.\n"                                              \
	"Beyond tcpdump: --dns pairs each DNS query with its answer (latency, rcode, unanswered queries,\n"          \
	"a summary); --flows prints a table of connections; --json writes one object per packet."

/* tcpdump --version's second and third lines name the libraries it runs
 * on: here the libpcap and OpenSSL linked into sonde. */
static void tcpdump_print_library_versions(FILE *fp)
{
	fprintf(fp, "%s\n%s\n", pcap_lib_version(), OpenSSL_version(OPENSSL_VERSION));
}

static const struct sonde_imitation tcpdump_imitation = {
	.version_letters = NULL,
	.classic_line = "tcpdump version 4.99.3",
	.imitated = "tcpdump 4.99.3",
	.print_more = tcpdump_print_library_versions,
};

const struct sonde_applet applet_tcpdump = {
	.name = "tcpdump",
	.summary = "capture packets (libpcap) and print them as tcpdump does",
	.usage = "[OPTIONS] [FILTER EXPRESSION...]",
	.help_extra = TCPDUMP_HELP,
	.options = tcpdump_options,
	.config_size = sizeof(struct tcpdump_config),
	.init = tcpdump_init,
	.min_args = 0,
	.max_args = -1,
	.exit_codes = "0 done (-c reached, end of file, interrupted), 1 capture or file error, 2 usage or filter error, "
		      "3 privilege missing.",
	.caps = CAPS_BIT(CAP_NET_RAW),
	.flags = APPLET_JSON_STREAM,
	.main = tcpdump_main,
	.imitates = &tcpdump_imitation,
};
