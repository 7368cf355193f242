/* The probe engine's insides, shared by probe.c (the table, queue, timers
 * and event loop), probe_io.c and probe_recv.c (sockets, sending,
 * receiving) and probe_common.c (the hash of flows, a probe's end). */
#ifndef SONDE_PROBE_IMPL_H
#define SONDE_PROBE_IMPL_H

#include <poll.h>
#include <stdint.h>

#include "sonde/probe.h"

/* What a reply is matched on: the probe's flow seen from this host, and a
 * token that tells probes of one flow apart (ICMP seq, Paris checksum, TCP
 * sequence).  Zero-filled before use, so it can be compared with memcmp. */
struct probe_key {
	uint8_t family;
	uint8_t proto;
	uint16_t remote_port;  /* UDP/TCP destination port */
	uint16_t local_port;   /* UDP/TCP source port, ICMP id (0 for datagram sockets) */
	uint16_t pad;
	uint32_t token;
	uint8_t remote[16];
};

enum probe_state { REC_FREE, REC_QUEUED, REC_IN_FLIGHT, REC_DONE };

struct probe_rec {
	enum probe_state state;
	struct probe_spec spec;
	uint8_t *payload_copy;     /* spec.payload points here when one was given */
	struct probe_key key;
	bool hashed, answered;
	uint32_t hash_next;        /* index + 1 of the next in the bucket; 0 ends */
	uint32_t queue_next;       /* index + 1 of the next queued probe */
	int attempts;
	int64_t sent_mono_ns, sent_real_ns;
	int64_t deadline_mono_ns;  /* 0: none */
	int fd;                    /* TCP connect: the probe's own socket; else -1 */
	uint16_t local_port;       /* TCP: the source port used */
};

#define PROBE_BUCKETS 4096
/* The largest packet built or read: an IP datagram's limit. */
#define PROBE_MAX_PACKET 65536

struct probe_engine {
	struct probe_config cfg;
	enum probe_sock_kind kind;
	int send_fd;            /* echo (raw or datagram), UDP, or raw TCP socket */
	int icmp_fd;            /* raw ICMP socket receiving errors for UDP/TCP; -1 */
	int port_fd;            /* TCP SYN: a bound socket that reserves our source port */
	uint16_t local_id;      /* raw ICMP id, UDP or TCP source port */
	int current_ttl;        /* last IP_TTL set on send_fd, 0 unknown */
	struct probe_rec *recs;
	uint32_t rec_count, rec_cap;
	uint32_t free_head;     /* index + 1 */
	uint32_t buckets[PROBE_BUCKETS];
	uint32_t queue_head, queue_tail; /* index + 1 */
	size_t queued, in_flight;
	int64_t next_send_mono_ns; /* pacing: the earliest the next send may go; 0: at once */
	int64_t hold_until_mono_ns;   /* a local shortage: the queue waits until then (0: no hold) */
	int64_t shortage_since_mono_ns; /* the first shortage with nothing in flight; 0: none */
	uint32_t tcp_seq_base;
	struct sonde_addr route_dst, route_src; /* one-entry source lookup cache */
	bool route_valid;
	bool interrupted;       /* probe_interrupt(): stop reading in this poll */
	struct pollfd *pollfds; /* probe_poll's set, kept between calls */
	uint32_t *poll_owners;  /* the probe behind each connect in the set */
	size_t poll_cap;
	uint8_t *tx_buf, *rx_buf; /* PROBE_MAX_PACKET each: the engine's own, so engines run in parallel threads */
	int *spare_fds;         /* TCP connect: refused sockets, disconnected, for the next probes */
	size_t spare_count;
};

/* A send the local stack refused for want of resources is tried again: the
 * queue holds this long, or until a probe in flight ends and frees what it
 * held; with nothing in flight to free anything, the probe fails after
 * PROBE_SHORTAGE_GIVE_UP_NS of refusals. */
#define PROBE_SHORTAGE_HOLD_NS 10000000LL
#define PROBE_SHORTAGE_GIVE_UP_NS 3000000000LL

/* Refused connect sockets kept for reuse at most (a socket and a close
 * cost more than a disconnect). */
#define PROBE_SPARE_FDS 256

/* probe_io.c */
int probe_io_open(struct probe_engine *e);
void probe_io_close(struct probe_engine *e);
void probe_io_make_key(const struct probe_engine *e, const struct probe_rec *rec, struct probe_key *key);
/* Sends rec once; 0 or -errno (an error the probe's result reports). */
int probe_io_send(struct probe_engine *e, struct probe_rec *rec);
/* The path MTU towards dst, 0 when unknown (for EMSGSIZE reports). */
uint32_t probe_io_path_mtu(const struct probe_engine *e, const struct sonde_addr *dst);
/* Reads everything waiting on fd (and its error queue). */
void probe_io_drain(struct probe_engine *e, int fd);
/* A TCP connect probe's socket became ready; hung_up: poll said POLLHUP
 * (a RST closed it: the socket may serve another probe). */
void probe_io_connect_done(struct probe_engine *e, uint32_t index, bool hung_up);

/* probe_filter.c: raw TCP engines (SYN, ACK) read only replies to their own
 * source port, and ICMP errors quoting it; 0 or -errno. */
int probe_filter_attach(const struct probe_engine *e);

/* probe_common.c: hands a matched reply to its probe.  rx_real_ns is the
 * kernel's receive time (CLOCK_REALTIME), 0 when unknown. */
void probe_deliver(struct probe_engine *e, const struct probe_key *key, struct probe_result *result,
		   int64_t rx_real_ns);
void probe_finish(struct probe_engine *e, uint32_t index, struct probe_result *result, int64_t rx_real_ns);
void probe_key_addr(struct probe_key *key, const struct sonde_addr *addr);
/* The probe of a flow (index + 1), or 0; a probe in flight is in the hash
 * from its send until it is released. */
uint32_t probe_hash_find(const struct probe_engine *e, const struct probe_key *key);
void probe_hash_add(struct probe_engine *e, uint32_t index);
void probe_hash_remove(struct probe_engine *e, uint32_t index);
/* A probe ended: what it held is free, a held queue may go on. */
void probe_end_hold(struct probe_engine *e);

#endif
