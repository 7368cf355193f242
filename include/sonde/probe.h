/* The probe engine: sends probes (ICMP echo, UDP, TCP SYN or ACK, TCP connect),
 * matches what comes back to the probe that caused it, and reports each
 * outcome through a callback.  Many probes are in flight at once in one
 * non-blocking event loop; timeouts and pacing run on CLOCK_MONOTONIC and
 * round-trip times come from the kernel's receive timestamps (SO_TIMESTAMPNS).
 *
 * Sockets are chosen by privilege, best first: raw sockets (CAP_NET_RAW) see
 * every reply and every ICMP error with its quote (raw TCP engines attach a
 * socket filter, so each reads only the replies to its own source port); ICMP datagram sockets
 * (net.ipv4.ping_group_range) and UDP sockets with IP_RECVERR need less or no
 * privilege and get errors from the socket's error queue.
 *
 * A scanner drives it the same way ping and traceroute do: submit probes
 * (many targets x ports), let max_in_flight and send_gap_us pace them, call
 * probe_poll() until probe_pending() is zero, and release each probe once its
 * result is in.  The callback may submit and release probes itself.  An
 * engine belongs to one thread at a time; engines in different threads share
 * nothing. */
#ifndef SONDE_PROBE_H
#define SONDE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sonde/addr.h"

enum probe_method {
	PROBE_ICMP_ECHO = 1, /* ICMP or ICMPv6 echo request */
	PROBE_UDP,           /* a UDP datagram to dst's port */
	PROBE_TCP_SYN,       /* a bare SYN from a raw socket: SYN-ACK or RST answers */
	PROBE_TCP_CONNECT,   /* a whole connect() per probe: needs no privilege */
	PROBE_TCP_ACK,       /* a bare ACK from a raw socket: a live host answers RST */
};

enum probe_sock_kind {
	PROBE_SOCK_AUTO = 0,     /* the best the process may open */
	PROBE_SOCK_RAW,          /* raw ICMP (and TCP) sockets: CAP_NET_RAW */
	PROBE_SOCK_ICMP_DGRAM,   /* ICMP datagram socket: ping_group_range */
	PROBE_SOCK_UDP_RECVERR,  /* UDP socket, errors through IP_RECVERR: no privilege */
	PROBE_SOCK_TCP_STREAM,   /* TCP connect(): no privilege */
};

enum probe_outcome {
	PROBE_REPLY = 1,     /* the target answered: echo reply, SYN-ACK, accepted connect, UDP data */
	PROBE_REFUSED,       /* TCP RST or refused connect: the host is up, the port closed */
	PROBE_ICMP_ERROR,    /* an ICMP error about the probe: see icmp_type/icmp_code */
	PROBE_LOCAL_ERROR,   /* the local stack refused to send, or reported an error: see error
			      * (a shortage, EMFILE, ENOBUFS..., is retried first: reported
			      * only when it lasts with nothing in flight to end it) */
	PROBE_TIMEOUT,       /* nothing within the timeout, after every retry */
};

struct probe_result {
	enum probe_outcome outcome;
	struct sonde_addr from;  /* who answered (a router for ICMP errors) */
	int64_t rtt_ns;          /* send to kernel receive time; -1 for timeouts */
	bool kernel_timestamp;   /* rtt_ns is from the kernel's receive timestamp */
	int ttl;                 /* TTL / hop limit of the reply; -1 when unknown */
	size_t reply_len;        /* bytes of the ICMP message (ping's "64 bytes") */
	uint8_t icmp_type, icmp_code; /* PROBE_ICMP_ERROR */
	uint32_t mtu;            /* fragmentation needed / packet too big */
	int error;               /* PROBE_LOCAL_ERROR and refused connects: -errno */
	bool duplicate;          /* another reply to a probe already answered */
	int attempts;            /* sends so far (1 + retries used) */
	const uint8_t *data;     /* echo reply data (valid during the callback) */
	size_t data_len;
};

struct probe_engine;
/* Called for every outcome; probe_user is the probe's spec.user. */
typedef void (*probe_result_fn)(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r);

struct probe_config {
	int family;                      /* AF_INET or AF_INET6 */
	enum probe_method method;
	enum probe_sock_kind kind;       /* PROBE_SOCK_AUTO: by privilege */
	const struct sonde_addr *source; /* bind to this address (NULL: any) */
	const char *device;              /* SO_BINDTODEVICE (NULL: none) */
	int pmtu_disc;                   /* IP_PMTUDISC_DO/DONT/WANT, or -1 for the default */
	int tos;                         /* IP TOS / traffic class, 0: default */
	unsigned max_in_flight;          /* 0: no limit; more are queued */
	int64_t send_gap_us;             /* at least this long between two sends */
	bool paris;                      /* keep flow identifiers constant (see probe_spec.token) */
	uint16_t icmp_id;                /* raw echo identifier; 0: from the pid */
	probe_result_fn on_result;
	void *user;
	/* Raw probes look up their source address once per destination
	 * address rather than per address and port (a port scan's thousands
	 * of probes to one host share one route lookup). */
	bool route_per_host;
};

struct probe_spec {
	struct sonde_addr dst;   /* with the port for UDP and TCP */
	int ttl;                 /* 0: the system default */
	uint16_t token;          /* ICMP seq; with paris, UDP checksum / TCP sequence */
	size_t payload_len;      /* ICMP data or UDP payload bytes */
	const uint8_t *payload;  /* NULL: a fixed pattern (ICMP: a timestamp, then 0x08 0x09 ...) */
	int timeout_ms;          /* per attempt; 0: no timeout (until released) */
	int retries;             /* sends again after a timeout */
	void *user;
};

/* Opens the sockets for cfg.  Returns 0, -EPERM when privilege allows no
 * socket kind for the method (probe_engine_open leaves a hint in *engine as
 * NULL), or another -errno. */
int probe_engine_open(const struct probe_config *cfg, struct probe_engine **engine);
void probe_engine_close(struct probe_engine *engine);
enum probe_sock_kind probe_engine_kind(const struct probe_engine *engine);
/* "raw", "icmp-dgram", "udp-recverr", "tcp-connect". */
const char *probe_sock_kind_name(enum probe_sock_kind kind);
/* The local port of the engine's UDP socket, or the ICMP id of echoes. */
uint16_t probe_engine_local_id(const struct probe_engine *engine);

/* Queues a probe and sends it as soon as pacing allows (at once when nothing
 * limits).  A probe with the same flow and token as one not yet released
 * waits until that one is.  *probe_id names it in results and releases. */
int probe_submit(struct probe_engine *engine, const struct probe_spec *spec, uint32_t *probe_id);
/* Shortens the per-attempt timeout of every probe queued or in flight to
 * timeout_ms where it is longer (a scanner that has measured the path after
 * submitting probes: the rest need not wait the initial guess out). */
void probe_retime(struct probe_engine *engine, int timeout_ms);
/* Waits up to max_wait_ms (-1: until something happens) for replies,
 * timeouts and send slots, and handles all that is due.  Returns 0, or
 * -EINTR when a signal interrupted the wait. */
int probe_poll(struct probe_engine *engine, int max_wait_ms);
/* From a result callback: handle nothing more in this probe_poll() (what is
 * still unread stays queued for the next call). */
void probe_interrupt(struct probe_engine *engine);
/* Probes queued or in flight (not yet answered, failed or timed out). */
size_t probe_pending(const struct probe_engine *engine);
/* Forgets a probe: later replies to it are ignored, its flow may be reused. */
void probe_release(struct probe_engine *engine, uint32_t probe_id);

/* Sets the receive buffer of the engine's packet sockets (raw TCP, raw
 * ICMP, UDP) to at least bytes, so a burst of replies to a fast scan is not
 * dropped by the kernel; beyond rmem_max only with CAP_NET_ADMIN.  Returns
 * 0 or -errno. */
int probe_engine_set_rcvbuf(struct probe_engine *engine, int bytes);

/* The source address the kernel would use towards dst (a routing lookup). */
int probe_route_source(const struct sonde_addr *dst, const char *device, struct sonde_addr *source);

#endif
