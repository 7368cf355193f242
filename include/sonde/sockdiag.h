/* Socket lists from the kernel's sock_diag netlink interface
 * (NETLINK_SOCK_DIAG): TCP, UDP and raw sockets through inet_diag_req_v2,
 * Unix sockets through unix_diag, packet sockets through packet_diag.  The
 * socket is a libnl one; requests and attribute parsing are sonde's own
 * (libnl-idiag only speaks the old TCP-only request).
 *
 * Dumps stream: every socket is parsed into a struct on the stack and handed
 * to a callback, so memory does not grow with the number of sockets.  The
 * parsers are public so that tests and fuzzers can feed them recorded or
 * random messages.
 *
 * Functions return 0 or -errno; a callback's negative return stops the dump
 * and is passed back. */
#ifndef SONDE_SOCKDIAG_H
#define SONDE_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include "sonde/addr.h"

/* TCP states as the kernel numbers them (linux/tcp_states.h). */
enum sockdiag_state {
	SOCKDIAG_ESTABLISHED = 1,
	SOCKDIAG_SYN_SENT,
	SOCKDIAG_SYN_RECV,
	SOCKDIAG_FIN_WAIT1,
	SOCKDIAG_FIN_WAIT2,
	SOCKDIAG_TIME_WAIT,
	SOCKDIAG_CLOSE,
	SOCKDIAG_CLOSE_WAIT,
	SOCKDIAG_LAST_ACK,
	SOCKDIAG_LISTEN,
	SOCKDIAG_CLOSING,
	SOCKDIAG_STATE_MAX,
};
#define SOCKDIAG_STATE_BIT(s) (1u << (s))
/* Every state a dump can ask for (bits 0..11, as ss asks). */
#define SOCKDIAG_ALL_STATES ((1u << SOCKDIAG_STATE_MAX) - 1)

/* Extra information a dump asks the kernel for. */
enum sockdiag_ext {
	SOCKDIAG_EXT_MEMINFO = 1 << 0, /* socket memory (skmem) */
	SOCKDIAG_EXT_INFO = 1 << 1,    /* tcp_info, congestion control and its state */
	SOCKDIAG_EXT_DETAILS = 1 << 2, /* unix: VFS inode, pending connections */
};

/* The kernel's struct tcp_info (linux/tcp.h), spelled out here because that
 * header clashes with the C library's netinet/tcp.h.  Fields the running
 * kernel does not send stay zero. */
struct sockdiag_tcp_info {
	uint8_t tcpi_state;
	uint8_t tcpi_ca_state;
	uint8_t tcpi_retransmits;
	uint8_t tcpi_probes;
	uint8_t tcpi_backoff;
	uint8_t tcpi_options;
	uint8_t tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
	uint8_t tcpi_delivery_rate_app_limited:1, tcpi_fastopen_client_fail:2;
	uint32_t tcpi_rto;
	uint32_t tcpi_ato;
	uint32_t tcpi_snd_mss;
	uint32_t tcpi_rcv_mss;
	uint32_t tcpi_unacked;
	uint32_t tcpi_sacked;
	uint32_t tcpi_lost;
	uint32_t tcpi_retrans;
	uint32_t tcpi_fackets;
	uint32_t tcpi_last_data_sent;
	uint32_t tcpi_last_ack_sent;
	uint32_t tcpi_last_data_recv;
	uint32_t tcpi_last_ack_recv;
	uint32_t tcpi_pmtu;
	uint32_t tcpi_rcv_ssthresh;
	uint32_t tcpi_rtt;
	uint32_t tcpi_rttvar;
	uint32_t tcpi_snd_ssthresh;
	uint32_t tcpi_snd_cwnd;
	uint32_t tcpi_advmss;
	uint32_t tcpi_reordering;
	uint32_t tcpi_rcv_rtt;
	uint32_t tcpi_rcv_space;
	uint32_t tcpi_total_retrans;
	uint64_t tcpi_pacing_rate;
	uint64_t tcpi_max_pacing_rate;
	uint64_t tcpi_bytes_acked;
	uint64_t tcpi_bytes_received;
	uint32_t tcpi_segs_out;
	uint32_t tcpi_segs_in;
	uint32_t tcpi_notsent_bytes;
	uint32_t tcpi_min_rtt;
	uint32_t tcpi_data_segs_in;
	uint32_t tcpi_data_segs_out;
	uint64_t tcpi_delivery_rate;
	uint64_t tcpi_busy_time;
	uint64_t tcpi_rwnd_limited;
	uint64_t tcpi_sndbuf_limited;
	uint32_t tcpi_delivered;
	uint32_t tcpi_delivered_ce;
	uint64_t tcpi_bytes_sent;
	uint64_t tcpi_bytes_retrans;
	uint32_t tcpi_dsack_dups;
	uint32_t tcpi_reord_seen;
	uint32_t tcpi_rcv_ooopack;
	uint32_t tcpi_snd_wnd;
};

#define SOCKDIAG_TCPI_OPT_TIMESTAMPS 1
#define SOCKDIAG_TCPI_OPT_SACK 2
#define SOCKDIAG_TCPI_OPT_WSCALE 4
#define SOCKDIAG_TCPI_OPT_ECN 8
#define SOCKDIAG_TCPI_OPT_ECN_SEEN 16
#define SOCKDIAG_TCPI_OPT_SYN_DATA 32

#define SOCKDIAG_SKMEM_MAX 16
#define SOCKDIAG_CONG_LEN 16

/* One TCP, UDP or raw socket. */
struct sockdiag_inet {
	int family;                 /* AF_INET or AF_INET6 */
	int protocol;               /* IPPROTO_TCP, IPPROTO_UDP or IPPROTO_RAW */
	uint8_t state;              /* enum sockdiag_state */
	uint8_t timer;              /* 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe */
	uint8_t retrans;
	uint32_t expires_ms;        /* until the timer fires */
	uint32_t rqueue, wqueue;    /* bytes (listeners: accept backlog and its limit) */
	uint32_t uid;
	uint32_t inode;             /* 0 for time-wait and request sockets */
	uint64_t cookie;
	uint32_t ifindex;           /* bound device, 0 if none */
	struct sonde_addr local, remote; /* with ports; raw sockets carry the protocol as port */
	int raw_protocol;           /* raw sockets: IPPROTO_ICMP...; else 0 */
	int v6only;                 /* 0/1, -1 when the kernel did not say */
	int shutdown;               /* bit 0 receive, bit 1 send shut down; -1 unknown */
	bool has_cgroup_id;
	uint64_t cgroup_id;
	bool has_mark;
	uint32_t mark;
	size_t skmem_count;         /* entries in skmem[] (0: not asked or not sent) */
	uint32_t skmem[SOCKDIAG_SKMEM_MAX]; /* SK_MEMINFO_RMEM_ALLOC... */
	bool has_tcp_info;
	struct sockdiag_tcp_info tcp_info; /* zero past what the kernel sent */
	char congestion[SOCKDIAG_CONG_LEN]; /* "cubic", "bbr", or "" */
	bool has_bbr;
	struct tcp_bbr_info bbr;
};

#define SOCKDIAG_UNIX_PATH_MAX 110

/* One Unix socket. */
struct sockdiag_unix {
	uint8_t type;               /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint8_t state;              /* enum sockdiag_state: LISTEN, ESTABLISHED, CLOSE... */
	uint32_t inode;
	uint32_t peer_inode;        /* 0: no peer */
	bool has_name;
	char name[SOCKDIAG_UNIX_PATH_MAX + 1]; /* path, or '@' + abstract name ('@' for NULs) */
	bool has_rqlen;
	uint32_t rqueue, wqueue;    /* listeners: pending connections and backlog */
	bool has_vfs;
	uint32_t vfs_inode, vfs_dev;
	bool has_uid;
	uint32_t uid;
	int shutdown;               /* as in sockdiag_inet */
	bool has_pending;           /* listeners (with SOCKDIAG_EXT_DETAILS) */
	size_t pending_count;       /* listeners: connections waiting for accept() */
	const uint32_t *pending_peers; /* their peers' inodes (unaligned-safe copy); valid
					* only during the callback */
	size_t skmem_count;
	uint32_t skmem[SOCKDIAG_SKMEM_MAX];
};

/* One packet socket. */
struct sockdiag_packet {
	uint8_t type;               /* SOCK_RAW or SOCK_DGRAM */
	uint16_t protocol;          /* ETH_P_ALL (3), ETH_P_IP...; host order */
	uint32_t inode;
	uint64_t cookie;
	bool has_info;
	uint32_t ifindex;           /* bound interface, 0 for all */
	uint32_t version;           /* TPACKET_V1... */
	bool has_uid;
	uint32_t uid;
	size_t skmem_count;
	uint32_t skmem[SOCKDIAG_SKMEM_MAX];
};

typedef int (*sockdiag_inet_fn)(const struct sockdiag_inet *sock, void *arg);
typedef int (*sockdiag_unix_fn)(const struct sockdiag_unix *sock, void *arg);
typedef int (*sockdiag_packet_fn)(const struct sockdiag_packet *sock, void *arg);

struct sockdiag_inet_query {
	int family;                 /* AF_INET or AF_INET6 */
	int protocol;               /* IPPROTO_TCP, IPPROTO_UDP, or IPPROTO_RAW for all raw */
	uint32_t states;            /* SOCKDIAG_STATE_BIT()s */
	unsigned extensions;        /* enum sockdiag_ext */
	const uint8_t *bytecode;    /* INET_DIAG_REQ_BYTECODE filter, or NULL */
	size_t bytecode_len;
};

/* An open NETLINK_SOCK_DIAG socket (one per applet run is enough). */
struct sockdiag;

int sockdiag_open(struct sockdiag **diag);
void sockdiag_close(struct sockdiag *diag);

int sockdiag_dump_inet(struct sockdiag *diag, const struct sockdiag_inet_query *query,
		       sockdiag_inet_fn fn, void *arg);
/* states: SOCKDIAG_STATE_BIT()s (LISTEN, ESTABLISHED, CLOSE, SYN_SENT). */
int sockdiag_dump_unix(struct sockdiag *diag, uint32_t states, unsigned extensions,
		       sockdiag_unix_fn fn, void *arg);
int sockdiag_dump_packet(struct sockdiag *diag, unsigned extensions, sockdiag_packet_fn fn, void *arg);

/* Kernels built without raw_diag answer raw dumps with -ENOENT; ss then
 * reads /proc/net/raw{,6}, and so does this (raw sockets only). */
int sockdiag_proc_raw(int family, uint32_t states, sockdiag_inet_fn fn, void *arg);
int sockdiag_parse_proc_raw(const char *line, int family, struct sockdiag_inet *sock);

/* Parsers of one message payload (what follows the nlmsghdr).  Return 0, or
 * -EINVAL for a truncated or malformed payload. */
int sockdiag_parse_inet(const void *payload, size_t len, int protocol, struct sockdiag_inet *sock);
/* pending_buf receives the pending-connection inodes (up to pending_max). */
int sockdiag_parse_unix(const void *payload, size_t len, struct sockdiag_unix *sock,
			uint32_t *pending_buf, size_t pending_max);
int sockdiag_parse_packet(const void *payload, size_t len, struct sockdiag_packet *sock);

/* Names: "ESTABLISHED"-style for netstat, "ESTAB"-style for ss. */
const char *sockdiag_state_name(unsigned state);
const char *sockdiag_state_name_short(unsigned state);
/* The state for a keyword of ss's state filter ("established", "syn-sent",
 * "connected", "bucket", "all"...): a mask, or 0 for an unknown word. */
uint32_t sockdiag_state_mask_from_name(const char *name);

/* --- filter expressions (ss's), compiled to INET_DIAG_REQ_BYTECODE ------ */

#define SOCKDIAG_FILTER_MAX_NODES 64
#define SOCKDIAG_BYTECODE_MAX 4096

enum sockdiag_filter_kind {
	SOCKDIAG_F_AND,
	SOCKDIAG_F_OR,
	SOCKDIAG_F_NOT,
	SOCKDIAG_F_SRC,     /* local address/prefix and/or port equal */
	SOCKDIAG_F_DST,     /* remote address/prefix and/or port equal */
	SOCKDIAG_F_SPORT_GE,
	SOCKDIAG_F_SPORT_LE,
	SOCKDIAG_F_DPORT_GE,
	SOCKDIAG_F_DPORT_LE,
};

struct sockdiag_filter_node {
	enum sockdiag_filter_kind kind;
	int left, right;            /* child indices for AND/OR/NOT */
	int family;                 /* SRC/DST: AF_UNSPEC (port only), AF_INET, AF_INET6 */
	unsigned prefix_len;        /* SRC/DST: bits of addr to compare (0: any) */
	uint8_t addr[16];
	int port;                   /* SRC/DST: -1 any; GE and LE kinds: the bound */
};

struct sockdiag_filter {
	struct sockdiag_filter_node nodes[SOCKDIAG_FILTER_MAX_NODES];
	int count;
	int root;                   /* -1: empty filter (everything matches) */
};

/* Parses ss's expression language from words (they may hold several tokens
 * each, as in "( dport = :443 or sport = :22 )"): dport/sport with
 * = == != eq ne > < >= <= gt lt ge le and ":PORT" (number or service name),
 * dst/src with an address, a prefix (10.0.0.0/8) and/or ":PORT",
 * and/&&/or/||/not/!/( ).  Juxtaposed expressions are ANDed.  Returns 0 or
 * -EINVAL with a reason in err. */
int sockdiag_filter_parse(struct sockdiag_filter *filter, int count, char **words, char *err,
			  size_t err_size);
/* Compiles for the kernel's inet_diag bytecode machine.  Returns 0, or
 * -ENOSPC when the program does not fit in size. */
int sockdiag_filter_compile(const struct sockdiag_filter *filter, uint8_t *code, size_t size, size_t *len);
/* The same decision in user space (for tests, and sockets the kernel did not filter). */
bool sockdiag_filter_match(const struct sockdiag_filter *filter, const struct sockdiag_inet *sock);

/* --- JSON: one object per socket, the same field names in ss and netstat -- */

struct sonde_out;
struct procfd_map;

/* Writes the socket as an object (an array element); with procs it gains
 * "processes" (without, the key is left out). */
void sockdiag_json_inet(struct sonde_out *out, const struct sockdiag_inet *sock, struct procfd_map *procs);
void sockdiag_json_unix(struct sonde_out *out, const struct sockdiag_unix *sock, struct procfd_map *procs);
void sockdiag_json_packet(struct sonde_out *out, const struct sockdiag_packet *sock,
			  struct procfd_map *procs);
/* "tcp", "udp", "raw", "u_str", "u_dgr", "u_seq", "p_raw", "p_dgr". */
const char *sockdiag_inet_netid(const struct sockdiag_inet *sock);
const char *sockdiag_unix_netid(const struct sockdiag_unix *sock);

#endif
