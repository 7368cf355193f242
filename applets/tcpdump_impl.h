/* What the pieces of tcpdump share: the config, the run state.  Each
 * packet goes to the mode's handler: tcpdump's lines (tcpdump_out.c), JSON
 * objects (tcpdump_json.c), DNS transactions (tcpdump_dns.c) or the flow
 * table (tcpdump_flows.c). */
#ifndef SONDE_TCPDUMP_IMPL_H
#define SONDE_TCPDUMP_IMPL_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "sonde/dns.h"
#include "sonde/out.h"
#include "sonde/pktframe.h"
#include "sonde/pktprint.h"
#include "sonde/strbuf.h"

/* tcpdump's MAXIMUM_SNAPLEN: the default snapshot and the most a record
 * may hold */
#define TCPDUMP_MAX_SNAPLEN 262144

struct tcpdump_config {
	const char *interface, *read_file, *write_file, *filter_file, *direction;
	bool list_interfaces, no_promisc, line_buffered, packet_buffered, immediate, link_header;
	bool dns, flows;          /* --dns, --flows: transactions or connections instead of packets */
	int dns_timeout_s;        /* --dns-timeout: a query unanswered this long is reported */
	int dump_filter;          /* -d count */
	int count;                /* -c, 0 = no limit */
	int snaplen;              /* -s, 0 = 262144 */
	int buffer_kib;           /* -B, 0 = libpcap's default */
	int numeric, timestamps, hex, hex_ascii, ascii, quiet, verbose;
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
	/* -ttt, -ttttt: the time the next is measured from (the previous
	 * packet's, the first's); all zero until a packet's time is not */
	struct timeval ref;
};

struct tcpdump_run;
struct tcpdump_dns;
struct tcpdump_flows;
typedef void (*tcpdump_packet_fn)(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes);
/* A live capture's clock while no packet comes (--dns's timeouts). */
typedef void (*tcpdump_tick_fn)(struct tcpdump_run *run, const struct timeval *now);

struct tcpdump_run {
	const struct tcpdump_config *cfg;
	struct sonde_out *out;
	char live_device[256];    /* the interface of a live capture, "" reading a file */
	tcpdump_packet_fn on_packet;
	tcpdump_tick_fn on_tick;  /* NULL: none needed */
	struct tcpdump_dns *dns;
	struct tcpdump_flows *flows;
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
/* The timestamp as -t... asks, with its trailing space. */
void tcpdump_out_timestamp(struct tcpdump_clock *clock, struct strbuf *line, const struct timeval *ts);

/* tcpdump_json.c: one JSON object per packet, and the summary object. */
void tcpdump_json_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes);
void tcpdump_json_summary(struct tcpdump_run *run);
/* tcpdump_common.c, for the JSON and table writers: an address as text,
 * a time in s, a frame's interface and direction. */
const char *tcpdump_addr_text(int family, const uint8_t *addr, char *buf, size_t size);
double tcpdump_time_s(const struct timeval *ts);
const char *tcpdump_frame_ifname(const struct tcpdump_run *run, const struct pkt_frame *f, char *buf);
const char *tcpdump_direction_name(enum pkt_direction direction);

/* What --dns and --json read of a DNS message. */
struct tcpdump_dns_msg {
	uint16_t id;
	bool response, tcp;
	unsigned rcode;
	bool has_question;
	uint16_t qtype;
	char name[DNS_NAME_TEXT];  /* the question's, "." form */
	unsigned answers;          /* as the header counts them */
};
/* The DNS message in a frame to or from port 53 (UDP, or TCP when one
 * segment holds the whole message after its length): 1, 0 when there is
 * none, -1 when port 53 carries what is not a whole DNS message. */
int tcpdump_dns_decode(const struct pkt_frame *f, struct tcpdump_dns_msg *m);

/* tcpdump_dns.c: --dns. */
int tcpdump_dns_start(struct tcpdump_run *run);
void tcpdump_dns_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes);
void tcpdump_dns_tick(struct tcpdump_run *run, const struct timeval *now);
void tcpdump_dns_finish(struct tcpdump_run *run);

/* tcpdump_flows.c: --flows. */
int tcpdump_flows_start(struct tcpdump_run *run);
void tcpdump_flows_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes);
void tcpdump_flows_finish(struct tcpdump_run *run);

#endif
