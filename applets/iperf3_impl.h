/* iperf3's private header: the test model the pieces share.  iperf3.c
 * fills the settings from the command line; iperf3_client.c and
 * iperf3_server.c run a test over iperf3 3.12's control protocol
 * (iperf3_proto.c), moving data on the streams (iperf3_stream.c) and
 * printing through iperf3_out.c. */
#ifndef SONDE_IPERF3_IMPL_H
#define SONDE_IPERF3_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"
#include "sonde/out.h"
#include "sonde/strbuf.h"

#define IP3_DEFAULT_PORT 5201
#define IP3_COOKIE_SIZE 37         /* 36 characters and a NUL, as sent */
#define IP3_MAX_STREAMS 128        /* iperf3's own limit for -P */
#define IP3_TCP_DEFAULT_LEN 131072 /* 128 KiB blocks */
#define IP3_MAX_BLOCK 1048576      /* iperf3's MAX_TCP_BUFFER */
#define IP3_MAX_BURST 1000       /* iperf3's MAX_BURST for -b RATE/BURST */
/* Turns a poll gives each ready stream at most, so that the streams and
 * the interval reports are served in time (iperf3 sends ten rounds). */
#define IP3_IO_ROUNDS 16
#define IP3_MAX_JSON 65536         /* larger control messages are refused */
#define IP3_VERSION "3.12"         /* the protocol generation sonde speaks */
#define IP3_UDP_DEFAULT_RATE 1048576 /* -u without -b: 1 Mbit/s per stream, as iperf3 */
#define IP3_UDP_DEFAULT_LEN 1460   /* -u without -l when the control MSS is unknown */
#define IP3_UDP_MIN_LEN 16         /* the datagram header with a 64-bit counter */
#define IP3_UDP_MAX_LEN 65507      /* 65535 less the IPv4 and UDP headers */
/* A UDP stream's "connect": the client's datagram and the server's answer,
 * 4 bytes in host order as iperf3 sends them (old servers answer LEGACY). */
#define IP3_UDP_CONNECT_MSG 0x36373839u
#define IP3_UDP_CONNECT_REPLY 0x39383736u
#define IP3_UDP_LEGACY_REPLY 987654321u

/* The control states, one signed byte each on the control connection. */
enum ip3_state {
	IP3_TEST_START = 1,
	IP3_TEST_RUNNING = 2,
	IP3_TEST_END = 4,
	IP3_PARAM_EXCHANGE = 9,
	IP3_CREATE_STREAMS = 10,
	IP3_SERVER_TERMINATE = 11,
	IP3_CLIENT_TERMINATE = 12,
	IP3_EXCHANGE_RESULTS = 13,
	IP3_DISPLAY_RESULTS = 14,
	IP3_IPERF_START = 15,
	IP3_IPERF_DONE = 16,
	IP3_ACCESS_DENIED = -1,
	IP3_SERVER_ERROR = -2,
};

/* Who sends on this side: iperf3's SENDER, RECEIVER and BIDIRECTIONAL. */
enum ip3_mode { IP3_RECEIVER = 0, IP3_SENDER = 1, IP3_BIDIR = -1 };

/* What the client asks for; the server learns it from the parameters. */
struct ip3_settings {
	double duration_s;       /* -t; 0 with -n */
	uint64_t bytes;          /* -n; 0 for a timed test */
	int parallel;            /* -P */
	bool reverse, bidir;     /* -R, --bidir */
	int len;                 /* -l, block size */
	int window;              /* -w, socket buffer; 0: the kernel's */
	int mss;                 /* -M; 0: the kernel's */
	bool nodelay;            /* -N */
	bool zerocopy;           /* -Z */
	const char *congestion;  /* -C */
	char *title;             /* -T */
	double interval_s;       /* -i; 0: no interval reports */
	int omit_s;              /* -O: seconds at the start left out of the results */
	uint64_t rate_bps;       /* -b: each stream's target bitrate; 0: unlimited */
	int burst;               /* -b RATE/BURST: blocks sent at once when on time; 0: one */
	bool udp;                /* -u: datagrams, with jitter and loss */
	bool udp_counters_64bit; /* --udp-counters-64bit: 64-bit sequence numbers */
};

/* One stream's figures over one reporting interval. */
struct ip3_interval {
	int64_t start_ns, end_ns;   /* from the test start */
	uint64_t bytes;
	int64_t retransmits;
	uint64_t snd_cwnd, snd_wnd;
	uint32_t rtt_us, rttvar_us, pmtu;
	bool has_tcpinfo;
	bool omitted;               /* within -O's first seconds */
	/* UDP: this interval's datagrams (sent, or the receiver's sequence
	 * advance), lost and late ones, and the jitter at its end */
	int64_t packets, lost, out_of_order;
	double jitter_s;
	int64_t local_drops;        /* see struct ip3_udp_counts */
};

/* A UDP stream's datagram counts as iperf3 keeps them: the sender's
 * packets are those it sent, the receiver's the highest sequence number
 * seen; lost are the gaps, less the late datagrams that filled one. */
struct ip3_udp_counts {
	int64_t packets, lost, out_of_order;
	/* the datagrams this host's receiving socket dropped (a full receive
	 * buffer, a bad checksum): iperf3 counts them lost with the network's;
	 * on a sender, the peer's count when its results give one */
	int64_t local_drops;
};

struct ip3_stream {
	int fd;
	int id;                     /* iperf3's numbering: 1, 3, 4, 5... */
	bool sender;
	struct sonde_addr local, remote;
	uint64_t bytes;             /* sent or received, the whole test */
	uint64_t interval_bytes;    /* since the last interval */
	int64_t end_ns;             /* end of the last interval, from the test start */
	int64_t prev_total_retrans; /* tcp_info's count at the last interval */
	int64_t retransmits;
	uint64_t max_snd_cwnd, max_snd_wnd;
	uint32_t max_rtt_us, min_rtt_us;
	uint64_t sum_rtt_us, count_rtt;
	size_t pending;             /* bytes of the current block still to send */
	uint64_t paced_bytes;       /* sent since TEST_START, -O's seconds included (-b) */
	bool closed;                /* the peer ended the stream */
	bool wakes_at_mark;         /* receiving, woken only once WAKE_BYTES wait */
	bool released;              /* fd closed here; its number stays for the reports */
	/* UDP (-u) */
	struct ip3_udp_counts udp;          /* the lost count is the peer's on a sender */
	struct ip3_udp_counts udp_omitted;  /* the counts when -O's seconds ended */
	struct ip3_udp_counts udp_interval; /* the counts when the last interval closed */
	double jitter_s;            /* RFC 1889's estimate; the peer's on a sender */
	double prev_transit_s;      /* the last datagram's transit time (clocks may differ) */
	uint32_t drops_read;        /* the socket's drop counter (SO_MEMINFO) when last read */
	int64_t peer_packets;       /* the peer's packet count, from its results */
	/* from the peer's results */
	uint64_t peer_bytes;
	double peer_time_s;         /* its end_time - start_time; 0 when absent */
	struct ip3_interval *intervals;
	size_t interval_count, interval_cap;
};

/* A whole test, client or server side. */
struct ip3_test {
	char role;                  /* 'c' or 's', as iperf3 names them */
	enum ip3_mode mode;
	struct ip3_settings set;
	bool json;                  /* -J */
	bool json_written;          /* the server's document is out */
	int ctrl_fd;
	char cookie[IP3_COOKIE_SIZE];
	struct ip3_stream streams[2 * IP3_MAX_STREAMS];
	int stream_count;
	int64_t start_mono_ns;      /* TEST_START, or the end of -O's seconds */
	int64_t pace_start_ns;      /* TEST_START, for -b's bitrate */
	int64_t next_tick_ns;       /* next interval report, from the test start */
	bool omitting;              /* -O's first seconds are running */
	bool done;
	int sender_has_retransmits; /* iperf3's flag: 1, 0 or -1 (the peer's "none") */
	int other_side_has_retransmits;
	bool header_printed;
	bool last_interval_printed;
	double cpu_util[3], remote_cpu_util[3]; /* total, user, system, percent */
	int64_t cpu_start_ns, cpu_start_user_us, cpu_start_sys_us;
	char congestion_used[32], remote_congestion_used[32];
	/* the text of the start for -J */
	char host_text[256];
	uint16_t port;
	int tcp_mss_default;
	int sndbuf_actual, rcvbuf_actual;
	int64_t wall_start_s;
	/* the data buffers all streams share */
	char *send_buf, *recv_buf;
	size_t recv_size;
	int zerocopy_fd;            /* -Z: a memfd holding one block, for sendfile */
	uint64_t bytes_started;     /* -n: bytes of the blocks begun by all streams */
	int listen_fd;              /* server: busy clients are turned away while testing */
	int udp_listen_fd;          /* server, -u: the socket the next stream's datagram reaches */
	char error[256];            /* what failed, for the diagnostic or -J's error */
	char *peer_congestion, *peer_title; /* server: the client's -C and -T, owned here */
	struct sonde_out *out;
};

/* iperf3's error number for "not implemented", which the server sends with
 * SERVER_ERROR when it refuses a parameter. */
#define IP3_IEUNIMP 13

/* iperf3_proto.c: the control connection. */
int ip3_send_state(int fd, enum ip3_state state);
/* The next state byte before deadline_ms (0: none): 0 and *state, -EPIPE
 * when the peer closed, -ETIMEDOUT, -errno. */
int ip3_recv_state(int fd, int64_t deadline_ms, int *state);
int ip3_send_json(int fd, const char *text, size_t len);
/* A length-prefixed JSON message into buf (NUL-terminated, malloc'ed). */
int ip3_recv_json(int fd, int64_t deadline_ms, char **buf);
void ip3_make_cookie(char cookie[IP3_COOKIE_SIZE]);
void ip3_params_build(const struct ip3_test *t, struct strbuf *b);
/* Parses the client's parameters into t (server side); returns NULL or
 * the reason the test cannot run. */
const char *ip3_params_parse(struct ip3_test *t, const char *json);
void ip3_results_build(const struct ip3_test *t, struct strbuf *b);
/* The peer's results into the streams; NULL or what was wrong. */
const char *ip3_results_parse(struct ip3_test *t, const char *json);

/* iperf3_json.c: a string member of a JSON message, escaped. */
void ip3_json_add_string(struct strbuf *b, const char *s);

/* iperf3_stream.c: the data connections. */
/* Socket options every stream gets before connect or after accept. */
/* SO_SNDBUF or SO_RCVBUF as the kernel holds it (what -J calls *_actual). */
int ip3_socket_buffer(int fd, int option);
int ip3_stream_setopts(const struct ip3_test *t, int fd);
void ip3_addr_unmap(struct sonde_addr *addr);
void ip3_stream_init(struct ip3_test *t, struct ip3_stream *s, int fd, bool sender);
/* -b: how long stream s must wait before its next block keeps it at the
 * target bitrate (0: it may send now). */
int64_t ip3_pace_wait_ns(const struct ip3_test *t, const struct ip3_stream *s);
/* One turn of a ready stream: 1 when it could send more at once (an
 * unpaced block went whole), 0 when it waits for the next poll, or
 * -errno. */
int ip3_stream_io(struct ip3_test *t, struct ip3_stream *s, short revents);
int ip3_stream_buffers(struct ip3_test *t);
/* iperf3's stats callback: closes the current interval of each stream. */
void ip3_stats_close_interval(struct ip3_test *t);
/* The end of -O's first seconds: the figures start over from here, as
 * iperf3's reset of its stats does. */
void ip3_stats_reset(struct ip3_test *t);
/* Total bytes sent and received by this side's streams. */
uint64_t ip3_bytes_sent(const struct ip3_test *t);
uint64_t ip3_bytes_received(const struct ip3_test *t);
void ip3_cpu_start(struct ip3_test *t);
void ip3_cpu_stop(struct ip3_test *t);
void ip3_congestion_used(struct ip3_test *t);
int ip3_mss_of(int fd);
void ip3_ctrl_nodelay(int fd);

/* iperf3_udp.c: UDP streams (-u). */
/* The block size when -l was not given: the control connection's MSS. */
int ip3_udp_default_len(int ctrl_mss);
/* Client: a UDP socket "connected" to the server's stream port; 0 or -errno. */
int ip3_udp_connect(struct ip3_test *t, const struct sonde_addr *server, int timeout_ms, int *fd_out);
/* Server: the socket for the first stream's datagram, beside the TCP listener. */
int ip3_udp_listen(struct ip3_test *t);
/* Server: the next stream's datagram; its socket is connected to the
 * client and a fresh one takes over the port.  0 and *fd_out, or -errno. */
int ip3_udp_accept(struct ip3_test *t, int timeout_ms, int *fd_out);
/* Writes the header (send time, sequence number) of the next datagram. */
void ip3_udp_stamp(struct ip3_test *t, struct ip3_stream *s);
/* Accounts one received datagram: sequence, loss, order, jitter. */
void ip3_udp_received(struct ip3_test *t, struct ip3_stream *s, const char *datagram, size_t len);
/* A receiving stream's socket: its drops so far are not the test's. */
void ip3_udp_start_drop_count(struct ip3_stream *s);
/* The interval's datagram counts, closed into iv. */
void ip3_udp_close_interval(struct ip3_stream *s, struct ip3_interval *iv);
/* -O's end: what iperf3's reset keeps aside. */
void ip3_udp_reset(struct ip3_stream *s);
/* The summary's packet counts of stream s, -O's seconds left out. */
int64_t ip3_udp_sender_packets(const struct ip3_stream *s);
int64_t ip3_udp_receiver_packets(const struct ip3_stream *s);
int64_t ip3_udp_lost(const struct ip3_stream *s);
int64_t ip3_udp_out_of_order(const struct ip3_stream *s);
int64_t ip3_udp_local_drops(const struct ip3_stream *s);
double ip3_lost_percent(int64_t lost, int64_t packets);

/* iperf3_run.c: the data phase both sides share. */
/* Moves data and reports intervals until the control connection says the
 * test is over (returns the state read, >0), or the client's end comes
 * (returns 0), or an error (-errno). */
int ip3_run_data(struct ip3_test *t);

/* iperf3_out.c: iperf3's text and -J. */
void ip3_out_line(struct ip3_test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ip3_out_connected(struct ip3_test *t, const struct ip3_stream *s);
void ip3_out_intermediate(struct ip3_test *t);
void ip3_out_results(struct ip3_test *t);
/* An interval's start as iperf3 prints it: its distance from the test's
 * start (the first interval after -O may begin before the reset). */
double ip3_interval_start_s(const struct ip3_interval *iv);
/* iperf3's number with a unit: "1.19 GBytes", "5.10 Gbits". */
void ip3_unit_format(char *buf, size_t size, double value, char format);
/* The -J document: start, intervals, end; error when not NULL. */
void ip3_out_json(struct ip3_test *t, const char *error, int exit_code);

/* iperf3_common.c */
void ip3_test_start(struct ip3_test *t);
void ip3_test_end(struct ip3_test *t);
int ip3_exchange_results(struct ip3_test *t);
void ip3_streams_close(struct ip3_test *t);
void ip3_test_free(struct ip3_test *t);

/* Records what failed in t->error ("what: why" when err != 0); returns 1,
 * iperf3's exit status for every failure. */
int ip3_fail(struct ip3_test *t, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int ip3_client_run(struct ip3_test *t, const char *host, int family, int connect_timeout_ms);
int ip3_server_run(struct ip3_test *t, const char *bind_addr, int family, bool one_off);

#endif
