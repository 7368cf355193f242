/* What the pieces of tcpdump share: the config, the run state. */
#ifndef SONDE_TCPDUMP_IMPL_H
#define SONDE_TCPDUMP_IMPL_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "sonde/pktprint.h"
#include "sonde/strbuf.h"

struct tcpdump_config {
	const char *interface, *read_file, *write_file, *filter_file, *direction;
	bool list_interfaces, no_promisc, line_buffered, packet_buffered, immediate, link_header;
	int dump_filter;          /* -d count */
	int count;                /* -c, 0 = no limit */
	int snaplen;              /* -s, 0 = 262144 */
	int buffer_kib;           /* -B, 0 = libpcap's default */
	int numeric, timestamps, hex, hex_ascii, ascii, quiet;
	int file_mb;              /* -C: a new -w file past this many millions of bytes */
	int file_count;           /* -W: the ring's files (-C), or the files written (-G) */
	int rotate_secs;          /* -G: a new -w file, strftime-named, after this many seconds */
};

/* The -w files being written (tcpdump_files.c). */
struct tcpdump_files {
	int seq;                  /* the -C number of the file open */
	int rotations;            /* -G's rotations so far */
	time_t opened_at;         /* when the file open was opened (-G's strftime) */
};

/* Timestamps as -t... ask (tcpdump_out.c). */
struct tcpdump_clock {
	int mode;                 /* -t count: 0 time of day, 1 none, 2 epoch, 3 delta, 4 date, 5 since first */
	bool have_first, have_prev;
	struct timeval first, prev;
};

struct tcpdump_run {
	const struct tcpdump_config *cfg;
	pcap_t *pcap;
	pcap_dumper_t *dumper;    /* -w */
	struct tcpdump_files files;
	int stop_rc;              /* an exit code that ended the loop early (-w), or 0 */
	int linktype;
	struct pktprint printer;
	struct tcpdump_clock clock;
	struct strbuf line;
	unsigned long long captured;
	int error;                /* -ENOMEM while printing */
};

/* tcpdump_capture.c: open, filter, -D, -d, the loop and its counts. */
int tcpdump_list_interfaces(void);
int tcpdump_open(struct tcpdump_run *run, const char *filter_text);
int tcpdump_loop(struct tcpdump_run *run);
void tcpdump_print_counts(struct tcpdump_run *run);
void tcpdump_stop(void);

/* tcpdump_files.c: -w's file, or -C's ring and -G's rotation of files.
 * tcpdump_files_dump returns 0, 1 when -G -W's last file is done, or an
 * exit code. */
int tcpdump_files_open(struct tcpdump_run *run);
int tcpdump_files_dump(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes);

/* tcpdump_out.c: one packet's lines on stdout. */
void tcpdump_out_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes);
void tcpdump_out_names_init(struct tcpdump_run *run);

#endif
