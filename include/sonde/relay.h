/* A full-duplex byte pump between a local pair of descriptors (stdin and
 * stdout for nc) and one network stream, plain or TLS.  Each direction ends
 * on its own (a half-close is not the end of the session), partial writes
 * are carried over, and nothing read is dropped.  The network side is a
 * small ops table, so TLS or an unconnected datagram socket plug in without
 * the loop knowing. */
#ifndef SONDE_RELAY_H
#define SONDE_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sonde/addr.h"

/* Besides >0 (bytes), 0 (end of stream) and -errno, a network op may say
 * what it waits for: TLS can need the socket writable to read, and the
 * other way round. */
#define RELAY_WANT_READ  (-100000)
#define RELAY_WANT_WRITE (-100001)

struct relay_net_ops {
	ssize_t (*recv)(void *ctx, void *buf, size_t len);
	ssize_t (*send)(void *ctx, const void *buf, size_t len);
	/* Ends our sending direction (shutdown(SHUT_WR), TLS close_notify). */
	int (*shutdown_write)(void *ctx);
	/* Bytes already decrypted and waiting (TLS); NULL for plain sockets. */
	size_t (*pending)(void *ctx);
};

struct relay_net {
	int fd;                          /* polled for the ops' readiness */
	const struct relay_net_ops *ops;
	void *ctx;
	bool datagram;                   /* one local read (at most 16 KiB) = one datagram */
};

struct relay_opts {
	int idle_timeout_ms;        /* end when nothing moves this long; <0: never */
	int quit_after_eof_ms;      /* after local input ends, end this much later; <0: never */
	bool shutdown_on_eof;       /* half-close the network when local input ends (nc -N) */
	bool no_local_input;        /* do not read local input at all (nc -d) */
	/* Local input already ended in an earlier session (nc -l -k). */
	bool local_input_done;
};

enum relay_end {
	RELAY_END_DONE,          /* both directions finished */
	RELAY_END_IDLE,          /* idle timeout */
	RELAY_END_QUIT,          /* quit_after_eof_ms passed */
	RELAY_END_OUTPUT_CLOSED, /* local output went away (EPIPE): nothing left to do */
	RELAY_END_NET_ERROR,     /* the network failed; see net_error */
	RELAY_END_LOCAL_ERROR,   /* local read or write failed; see local_error */
};

struct relay_stats {
	uint64_t bytes_sent;      /* local -> network */
	uint64_t bytes_received;  /* network -> local */
	int64_t duration_ms;
	enum relay_end end;
	int net_error, local_error; /* -errno */
	bool local_input_done;      /* local input reached its end */
};

/* Plain socket ops: ctx is a pointer to the int fd. */
extern const struct relay_net_ops relay_socket_ops;

/* Pumps until the session ends.  Returns 0 when it ended cleanly (done, idle,
 * quit, output closed) or the -errno that ended it. */
int relay_run(int local_in, int local_out, const struct relay_net *net, const struct relay_opts *opts,
	      struct relay_stats *stats);

#endif
